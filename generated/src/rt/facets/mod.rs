//! Constraining facets of XML Schema simple types, checked as libxml2 checks them.
//!
//! Generated code holds one [`Facets`] per restricted simple type in a `const` or `static`
//! (plain data, built at compile time) and calls [`Facets::check`] on the element's or
//! attribute's text. Each pattern is compiled once per process, on its first use, and kept
//! in a cache keyed by the `&'static str`:
//!
//! ```
//! use ewsgen::rt::facets::{Facets, Kind, WhiteSpace};
//!
//! static GUID: Facets = Facets {
//!     patterns: &[&["[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}"]],
//!     ..Facets::new(Kind::String)
//! };
//! assert!(GUID.check("6ba7b810-9dad-11d1-80b4-00c04fd430c8").is_ok());
//! let e = GUID.check("6ba7b810").unwrap_err();
//! assert!(e.contains("[facet 'pattern']"), "{e}");
//!
//! static MINUTES: Facets = Facets {
//!     min_inclusive: Some("1"),
//!     max_inclusive: Some("1440"),
//!     ..Facets::new(Kind::Integer)
//! };
//! assert!(MINUTES.check("1440").is_ok());
//! assert!(MINUTES.check("0").unwrap_err().contains("minInclusive"));
//! ```
//!
//! Lengths count characters, octets for `xs:base64Binary` and `xs:hexBinary`, items for
//! lists. Bounds and enumerations compare values, not text (`1.50` is the enumeration value
//! `1.5` of an `xs:decimal`). `totalDigits` counts as libxml2 does: the integer part's
//! digits without leading zeros and the fraction's without trailing zeros (so `0.0123` has
//! four).

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::{OnceLock, RwLock};

mod pattern;

pub use pattern::{compile as compile_pattern, translate as translate_pattern};

/// How whitespace is normalized before the facets are checked (`xs:whiteSpace`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WhiteSpace {
    /// Kept as is (`xs:string`).
    Preserve,
    /// Tab, LF and CR become spaces (`xs:normalizedString`).
    Replace,
    /// As `Replace`, then runs of spaces become one and leading and trailing spaces go
    /// (`xs:token` and every non-string type).
    Collapse,
}

/// What the value is, which decides how lengths are counted and bounds compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A string type: lengths in characters, enumerations by text.
    String,
    /// `xs:base64Binary`: lengths in decoded octets.
    Base64,
    /// `xs:hexBinary`: lengths in decoded octets.
    Hex,
    /// A list: lengths in items.
    List,
    /// `xs:integer` and the types derived from it: bounds and enumerations by value.
    Integer,
    /// `xs:decimal`: bounds, enumerations and digits by value.
    Decimal,
    /// `xs:float` / `xs:double`.
    Float,
    /// `xs:dateTime`.
    DateTime,
    /// `xs:date`.
    Date,
    /// `xs:time`.
    Time,
    /// `xs:duration`.
    Duration,
    /// `xs:boolean`.
    Boolean,
    /// Any other type (`xs:QName`, `xs:gYear`, ...): enumerations by text, no bounds.
    Other,
}

/// What strict reading checks on the text of a simple-typed element or attribute beyond
/// what its Rust type parses: the whitespace libxml2 refuses around the built-in type at the
/// end of its derivation (see [`strip_as_libxml2`](crate::rt::lexical::strip_as_libxml2)) and the
/// facets of the restrictions on the way. Generated tables name one per field that needs
/// it; the default (open-world) reading does not look at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lex {
    /// Local name of the built-in type (`int`, `dateTime`, `string`, ...).
    pub xs: &'static str,
    /// The facets, if the type is a restriction that has some.
    pub facets: Option<&'static Facets>,
    /// A `fixed` value the text must equal.
    pub fixed: Option<&'static str>,
    /// For an `xs:list`: what each item must satisfy.
    pub item: Option<&'static Lex>,
}

impl Lex {
    /// A value of the built-in type `xs`, without facets.
    pub const fn of(xs: &'static str) -> Lex {
        Lex {
            xs,
            facets: None,
            fixed: None,
            item: None,
        }
    }

    /// A list whose items satisfy `item`.
    pub const fn list(item: &'static Lex) -> Lex {
        Lex {
            xs: "",
            facets: None,
            fixed: None,
            item: Some(item),
        }
    }

    /// A value of a restriction of the built-in type `xs` with `facets`.
    pub const fn with(xs: &'static str, facets: &'static Facets) -> Lex {
        Lex {
            xs,
            facets: Some(facets),
            fixed: None,
            item: None,
        }
    }

    /// The same, with a `fixed` value.
    pub const fn fixed(self, value: &'static str) -> Lex {
        Lex {
            fixed: Some(value),
            ..self
        }
    }

    /// Checks `text` as written; the error says why libxml2 refuses it.
    pub fn check(&self, text: &str) -> Result<(), String> {
        if let Some(item) = self.item {
            return text
                .split_ascii_whitespace()
                .try_for_each(|t| item.check(t));
        }
        let Some(stripped) = crate::rt::lexical::strip_as_libxml2(self.xs, text) else {
            return Err(format!(
                "'{text}' is not a valid value of the atomic type 'xs:{}' (whitespace around it)",
                self.xs
            ));
        };
        if let Some(f) = self.facets {
            f.check(text)?;
        }
        // `xs:language`, and `xml:lang` (xml.xsd adds the empty string).
        if (self.xs == "language" || (self.xs == "lang" && !stripped.is_empty()))
            && !is_language(stripped)
        {
            return Err(format!(
                "'{text}' is not a valid value of the atomic type 'xs:language'"
            ));
        }
        if let Some(fixed) = self.fixed {
            let f = self
                .facets
                .copied()
                .unwrap_or(Facets::new(Kind::of_builtin(self.xs)));
            let v = if f.kind == Kind::String {
                text
            } else {
                stripped
            };
            let same = f.equal(&f.normalize(v), &f.normalize(fixed));
            if !same {
                return Err(format!(
                    "The value '{text}' does not match the fixed value constraint '{fixed}'."
                ));
            }
        }
        Ok(())
    }
}

/// Whether `s` is in the lexical space of `xs:language`: `[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*`.
fn is_language(s: &str) -> bool {
    let mut parts = s.split('-');
    let first = parts.next().unwrap_or("");
    (1..=8).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

impl Kind {
    /// The kind of the built-in type named `xs` (`int`, `string`, `base64Binary`, ...).
    pub fn of_builtin(xs: &str) -> Kind {
        match xs {
            "string" | "normalizedString" | "token" | "language" | "anyURI" | "Name" | "NCName"
            | "NMTOKEN" | "ID" | "IDREF" | "ENTITY" => Kind::String,
            "base64Binary" => Kind::Base64,
            "hexBinary" => Kind::Hex,
            "integer" | "long" | "int" | "short" | "byte" | "nonNegativeInteger"
            | "positiveInteger" | "nonPositiveInteger" | "negativeInteger" | "unsignedLong"
            | "unsignedInt" | "unsignedShort" | "unsignedByte" => Kind::Integer,
            "decimal" => Kind::Decimal,
            "float" | "double" => Kind::Float,
            "dateTime" => Kind::DateTime,
            "date" => Kind::Date,
            "time" => Kind::Time,
            "duration" => Kind::Duration,
            "boolean" => Kind::Boolean,
            _ => Kind::Other,
        }
    }
}

/// The facets of one simple type. Build it in a `const` or `static` with struct update
/// syntax from [`Facets::new`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facets {
    /// How values compare and lengths count.
    pub kind: Kind,
    /// `xs:whiteSpace`.
    pub white_space: WhiteSpace,
    /// `xs:length`.
    pub length: Option<u64>,
    /// `xs:minLength`.
    pub min_length: Option<u64>,
    /// `xs:maxLength`.
    pub max_length: Option<u64>,
    /// `xs:pattern`s, one slice per derivation step: the value matches at least one
    /// pattern of every step.
    pub patterns: &'static [&'static [&'static str]],
    /// `xs:totalDigits`.
    pub total_digits: Option<u32>,
    /// `xs:fractionDigits`.
    pub fraction_digits: Option<u32>,
    /// `xs:minInclusive`, lexical.
    pub min_inclusive: Option<&'static str>,
    /// `xs:maxInclusive`, lexical.
    pub max_inclusive: Option<&'static str>,
    /// `xs:minExclusive`, lexical.
    pub min_exclusive: Option<&'static str>,
    /// `xs:maxExclusive`, lexical.
    pub max_exclusive: Option<&'static str>,
    /// `xs:enumeration` values, lexical (empty: no enumeration).
    pub enumeration: &'static [&'static str],
}

impl Facets {
    /// No facet, for a value of `kind` (whitespace `collapse`, or `preserve` for strings).
    pub const fn new(kind: Kind) -> Facets {
        Facets {
            kind,
            white_space: match kind {
                Kind::String => WhiteSpace::Preserve,
                _ => WhiteSpace::Collapse,
            },
            length: None,
            min_length: None,
            max_length: None,
            patterns: &[],
            total_digits: None,
            fraction_digits: None,
            min_inclusive: None,
            max_inclusive: None,
            min_exclusive: None,
            max_exclusive: None,
            enumeration: &[],
        }
    }

    /// The text after whitespace normalization.
    pub fn normalize<'a>(&self, text: &'a str) -> Cow<'a, str> {
        normalize(text, self.white_space)
    }

    /// Checks that every pattern compiles (each is compiled once per process and kept).
    pub fn compile_patterns(&self) -> Result<(), String> {
        for p in self.patterns.iter().flat_map(|step| step.iter()) {
            pattern(p)?;
        }
        Ok(())
    }

    /// Checks `text` (as written: it is normalized first) against every facet; the error
    /// gives the reason the way libxml2 words it (`[facet 'maxLength'] ...`).
    pub fn check(&self, text: &str) -> Result<(), String> {
        let v = self.normalize(text);
        let v = v.as_ref();
        if !self.enumeration.is_empty()
            && !self
                .enumeration
                .iter()
                .any(|e| self.equal(v, &normalize(e, self.white_space)))
        {
            return Err(format!(
                "[facet 'enumeration'] The value '{v}' is not an element of the set {{{}}}.",
                self.enumeration
                    .iter()
                    .map(|e| format!("'{e}'"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if self.length.is_some() || self.min_length.is_some() || self.max_length.is_some() {
            let n = self.length_of(v)?;
            if let Some(l) = self.length {
                if n != l {
                    return Err(format!(
                        "[facet 'length'] The value has a length of '{n}'; this differs from the allowed length of '{l}'."
                    ));
                }
            }
            if let Some(l) = self.min_length {
                if n < l {
                    return Err(format!(
                        "[facet 'minLength'] The value has a length of '{n}'; this underruns the allowed minimum length of '{l}'."
                    ));
                }
            }
            if let Some(l) = self.max_length {
                if n > l {
                    return Err(format!(
                        "[facet 'maxLength'] The value has a length of '{n}'; this exceeds the allowed maximum length of '{l}'."
                    ));
                }
            }
        }
        for step in self.patterns {
            let mut matched = false;
            for p in *step {
                if pattern(p)?.is_match(v) {
                    matched = true;
                    break;
                }
            }
            if !matched {
                return Err(format!(
                    "[facet 'pattern'] The value '{v}' is not accepted by the pattern '{}'.",
                    step.join("|")
                ));
            }
        }
        if self.total_digits.is_some() || self.fraction_digits.is_some() {
            let d = Dec::parse(v).ok_or_else(|| format!("'{v}' is not a decimal number"))?;
            if let Some(t) = self.total_digits {
                if d.total_digits() > t as usize {
                    return Err(format!(
                        "[facet 'totalDigits'] The value '{v}' has more digits than are allowed ('{t}')."
                    ));
                }
            }
            if let Some(f) = self.fraction_digits {
                if d.frac.len() > f as usize {
                    return Err(format!(
                        "[facet 'fractionDigits'] The value '{v}' has more fractional digits than are allowed ('{f}')."
                    ));
                }
            }
        }
        for (bound, facet, ok, words) in [
            (
                self.min_inclusive,
                "minInclusive",
                &[Ordering::Greater, Ordering::Equal][..],
                "is less than the minimum value allowed",
            ),
            (
                self.max_inclusive,
                "maxInclusive",
                &[Ordering::Less, Ordering::Equal][..],
                "is greater than the maximum value allowed",
            ),
            (
                self.min_exclusive,
                "minExclusive",
                &[Ordering::Greater][..],
                "must be greater than",
            ),
            (
                self.max_exclusive,
                "maxExclusive",
                &[Ordering::Less][..],
                "must be less than",
            ),
        ] {
            if let Some(b) = bound {
                let ord = self.compare(v, b)?;
                if !ord.is_some_and(|o| ok.contains(&o)) {
                    return Err(format!(
                        "[facet '{facet}'] The value '{v}' {words} ('{b}')."
                    ));
                }
            }
        }
        Ok(())
    }

    fn length_of(&self, v: &str) -> Result<u64, String> {
        Ok(match self.kind {
            Kind::Base64 => {
                // Six bits per character of the alphabet (libxml2 skips the others).
                let n = v
                    .bytes()
                    .filter(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/'))
                    .count();
                (n * 6 / 8) as u64
            }
            Kind::Hex => (v.len() / 2) as u64,
            Kind::List => v.split_ascii_whitespace().count() as u64,
            _ => v.chars().count() as u64,
        })
    }

    fn equal(&self, a: &str, b: &str) -> bool {
        match self.kind {
            Kind::Integer
            | Kind::Decimal
            | Kind::Float
            | Kind::DateTime
            | Kind::Date
            | Kind::Time
            | Kind::Duration => self.compare(a, b).ok().flatten() == Some(Ordering::Equal),
            Kind::Boolean => {
                let v = |s: &str| match s {
                    "true" | "1" => Some(true),
                    "false" | "0" => Some(false),
                    _ => None,
                };
                v(a).is_some() && v(a) == v(b)
            }
            _ => a == b,
        }
    }

    /// The order of `a` and `b` by value: `None` when they are incomparable (a NaN, a
    /// zone-less and a zoned time too close to tell); an error when one does not parse or
    /// the kind has no order.
    fn compare(&self, a: &str, b: &str) -> Result<Option<Ordering>, String> {
        let bad = |s: &str| format!("'{s}' is not a valid value to compare");
        match self.kind {
            Kind::Integer | Kind::Decimal => {
                let x = Dec::parse(a).ok_or_else(|| bad(a))?;
                let y = Dec::parse(b).ok_or_else(|| bad(b))?;
                Ok(Some(x.cmp(&y)))
            }
            Kind::Float => {
                let p = |s: &str| -> Result<f64, String> {
                    match s {
                        "INF" => Ok(f64::INFINITY),
                        "-INF" => Ok(f64::NEG_INFINITY),
                        "NaN" => Ok(f64::NAN),
                        _ => s.parse().map_err(|_| bad(s)),
                    }
                };
                Ok(p(a)?.partial_cmp(&p(b)?))
            }
            Kind::DateTime | Kind::Date | Kind::Time => {
                let x = Moment::parse(self.kind, a).ok_or_else(|| bad(a))?;
                let y = Moment::parse(self.kind, b).ok_or_else(|| bad(b))?;
                Ok(x.partial_cmp(&y))
            }
            Kind::Duration => {
                let x = DurValue::parse(a).ok_or_else(|| bad(a))?;
                let y = DurValue::parse(b).ok_or_else(|| bad(b))?;
                Ok(x.partial_cmp(&y))
            }
            _ => Err(format!(
                "values of this type ({:?}) have no order for bounds",
                self.kind
            )),
        }
    }
}

type PatternCache = RwLock<HashMap<&'static str, Result<&'static regex::Regex, String>>>;

/// The compiled form of a pattern, compiled on first use and kept for the process (the
/// number of patterns is that of the `&'static str`s the program holds).
pub fn pattern(source: &'static str) -> Result<&'static regex::Regex, String> {
    static CACHE: OnceLock<PatternCache> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(r) = cache.read().unwrap_or_else(|e| e.into_inner()).get(source) {
        return r.clone();
    }
    let compiled = compile_pattern(source).map(|r| &*Box::leak(Box::new(r)));
    cache
        .write()
        .unwrap_or_else(|e| e.into_inner())
        .entry(source)
        .or_insert(compiled)
        .clone()
}

/// `text` with its whitespace normalized.
pub fn normalize(text: &str, ws: WhiteSpace) -> Cow<'_, str> {
    let is_ws = crate::rt::lexical::is_xml_space;
    match ws {
        WhiteSpace::Preserve => Cow::Borrowed(text),
        WhiteSpace::Replace => {
            if text.contains(['\t', '\n', '\r']) {
                Cow::Owned(text.replace(['\t', '\n', '\r'], " "))
            } else {
                Cow::Borrowed(text)
            }
        }
        WhiteSpace::Collapse => {
            let t = text.trim_matches(is_ws);
            let needs = t.contains(['\t', '\n', '\r']) || t.contains("  ");
            if !needs {
                return Cow::Borrowed(t);
            }
            let mut out = String::with_capacity(t.len());
            let mut space = false;
            for c in t.chars() {
                if is_ws(c) {
                    space = true;
                } else {
                    if space {
                        out.push(' ');
                        space = false;
                    }
                    out.push(c);
                }
            }
            Cow::Owned(out)
        }
    }
}

/// A decimal number by its digits: exact comparison at any size.
#[derive(Debug, PartialEq, Eq)]
struct Dec {
    negative: bool,
    /// Integer digits without leading zeros.
    int: String,
    /// Fraction digits without trailing zeros.
    frac: String,
}

impl Dec {
    fn parse(s: &str) -> Option<Dec> {
        let (negative, int, frac) = crate::rt::lexical::split_decimal(s)?;
        let int = int.trim_start_matches('0').to_string();
        let frac = frac.trim_end_matches('0').to_string();
        let zero = int.is_empty() && frac.is_empty();
        Some(Dec {
            negative: negative && !zero,
            int,
            frac,
        })
    }

    /// Digits as libxml2 counts them for `totalDigits`.
    fn total_digits(&self) -> usize {
        (self.int.len() + self.frac.len()).max(1)
    }

    fn cmp_abs(&self, o: &Dec) -> Ordering {
        self.int
            .len()
            .cmp(&o.int.len())
            .then_with(|| self.int.cmp(&o.int))
            .then_with(|| self.frac.cmp(&o.frac))
    }
}

impl PartialOrd for Dec {
    fn partial_cmp(&self, o: &Dec) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

impl Ord for Dec {
    fn cmp(&self, o: &Dec) -> Ordering {
        match (self.negative, o.negative) {
            (false, true) => Ordering::Greater,
            (true, false) => Ordering::Less,
            (false, false) => self.cmp_abs(o),
            (true, true) => o.cmp_abs(self),
        }
    }
}

/// A date, time or date-time on one time line: seconds since a reference (in the value's
/// own zone when it has none), its fraction, and its zone offset if any.
#[derive(Debug, Clone)]
struct Moment {
    /// Local seconds (days × 86400 + time of day).
    local: i128,
    /// The fraction digits, for ties.
    frac: String,
    /// Offset in minutes, if zoned.
    offset: Option<i32>,
}

impl Moment {
    fn parse(kind: Kind, s: &str) -> Option<Moment> {
        use crate::rt::xs::{Date, DateTime, Time};
        let (y, mo, d, h, mi, sec, frac, zone) = match kind {
            Kind::DateTime => {
                let t = DateTime::parse(s).ok()?;
                (
                    t.year(),
                    t.month(),
                    t.day(),
                    t.hour(),
                    t.minute(),
                    t.second(),
                    t.fraction().map(|f| f.digits()).unwrap_or_default(),
                    t.zone(),
                )
            }
            Kind::Date => {
                let t = Date::parse(s).ok()?;
                (
                    t.year(),
                    t.month(),
                    t.day(),
                    0,
                    0,
                    0,
                    String::new(),
                    t.zone(),
                )
            }
            Kind::Time => {
                let t = Time::parse(s).ok()?;
                // Times compare on one reference day.
                (
                    1972,
                    12,
                    31,
                    t.hour(),
                    t.minute(),
                    t.second(),
                    t.fraction().map(|f| f.digits()).unwrap_or_default(),
                    t.zone(),
                )
            }
            _ => return None,
        };
        let days = days_from_civil(y, mo, d);
        let local = i128::from(days) * 86_400
            + i128::from(h) * 3600
            + i128::from(mi) * 60
            + i128::from(sec);
        Some(Moment {
            local,
            frac: frac.trim_end_matches('0').to_string(),
            offset: zone.map(|z| z.offset_minutes()),
        })
    }

    fn utc(&self, offset: i32) -> i128 {
        self.local - i128::from(offset) * 60
    }

    fn cmp_at(&self, a: i128, o: &Moment, b: i128) -> Ordering {
        a.cmp(&b).then_with(|| self.frac.cmp(&o.frac))
    }
}

impl PartialEq for Moment {
    fn eq(&self, o: &Moment) -> bool {
        self.partial_cmp(o) == Some(Ordering::Equal)
    }
}

impl PartialOrd for Moment {
    /// XML Schema's partial order: a zone-less value stands for any zone from -14:00 to
    /// +14:00, so it compares with a zoned one only when every such zone agrees.
    fn partial_cmp(&self, o: &Moment) -> Option<Ordering> {
        const W: i32 = 14 * 60;
        match (self.offset, o.offset) {
            (Some(a), Some(b)) => Some(self.cmp_at(self.utc(a), o, o.utc(b))),
            (None, None) => Some(self.cmp_at(self.local, o, o.local)),
            (None, Some(b)) => {
                let lo = self.cmp_at(self.utc(W), o, o.utc(b));
                let hi = self.cmp_at(self.utc(-W), o, o.utc(b));
                (lo == hi).then_some(lo)
            }
            (Some(a), None) => {
                let lo = self.cmp_at(self.utc(a), o, o.utc(W));
                let hi = self.cmp_at(self.utc(a), o, o.utc(-W));
                (lo == hi).then_some(lo)
            }
        }
    }
}

/// Days from 1970-01-01 to a proleptic Gregorian date (years as written; large years are
/// saturated, which keeps the order).
fn days_from_civil(y: i64, m: u8, d: u8) -> i64 {
    let y = y.clamp(-(1 << 40), 1 << 40);
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// A duration as months and seconds (and the fraction digits), ordered partially as XML
/// Schema says: a month is 28 to 31 days long.
#[derive(Debug, PartialEq)]
struct DurValue {
    months: i128,
    seconds: i128,
    frac: String,
}

impl DurValue {
    fn parse(s: &str) -> Option<DurValue> {
        let d = crate::rt::xs::Duration::parse(s).ok()?;
        let sign = if d.is_negative() { -1 } else { 1 };
        let v = |x: Option<u64>| i128::from(x.unwrap_or(0));
        Some(DurValue {
            months: sign * (v(d.years()) * 12 + v(d.months())),
            seconds: sign
                * (v(d.days()) * 86_400
                    + v(d.hours()) * 3600
                    + v(d.minutes()) * 60
                    + v(d.seconds())),
            frac: d
                .fraction()
                .map(|f| f.digits().trim_end_matches('0').to_string())
                .unwrap_or_default(),
        })
    }
}

impl PartialOrd for DurValue {
    /// Months last 28 to 31 days: the difference of two durations is a range of lengths;
    /// they compare when the whole range lies on one side of zero.
    fn partial_cmp(&self, o: &DurValue) -> Option<Ordering> {
        const DAY: i128 = 86_400;
        let dm = self.months - o.months;
        let ds = self.seconds - o.seconds;
        let (lo, hi) = if dm >= 0 {
            (dm * 28 * DAY + ds, dm * 31 * DAY + ds)
        } else {
            (dm * 31 * DAY + ds, dm * 28 * DAY + ds)
        };
        // The fractions (below one second) decide only between equal whole seconds.
        let frac = self.frac.cmp(&o.frac);
        let sign = |x: i128| x.cmp(&0).then(frac);
        let (a, b) = (sign(lo), sign(hi));
        (a == b).then_some(a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Verdicts of libxml2 2.9.14, checked by hand with xmllint on a small schema.
    #[test]
    fn facets_as_libxml2_judges_them() {
        static TD: Facets = Facets {
            total_digits: Some(3),
            ..Facets::new(Kind::Decimal)
        };
        for (v, ok) in [
            ("123", true),
            ("1234", false),
            ("0.0123", false),
            ("0.123", true),
            ("12.30", true),
            ("123.0", true),
            ("00123", true),
            ("-1.23", true),
            (" 12 ", true),
        ] {
            assert_eq!(TD.check(v).is_ok(), ok, "{v}");
        }
        static FD: Facets = Facets {
            fraction_digits: Some(2),
            ..Facets::new(Kind::Decimal)
        };
        assert!(FD.check("1.23").is_ok() && FD.check("1.230").is_ok());
        assert!(FD.check("1.234").unwrap_err().contains("fractionDigits"));
        static EN: Facets = Facets {
            enumeration: &["1.5"],
            ..Facets::new(Kind::Decimal)
        };
        assert!(EN.check("1.50").is_ok() && EN.check("+1.5").is_ok() && EN.check("01.5").is_ok());
        assert!(EN.check("1.6").is_err());
        static EI: Facets = Facets {
            enumeration: &["7"],
            ..Facets::new(Kind::Integer)
        };
        assert!(EI.check("07").is_ok() && EI.check("+7").is_ok() && EI.check("8").is_err());
        static MX: Facets = Facets {
            max_inclusive: Some("2024-01-01T00:00:00Z"),
            ..Facets::new(Kind::DateTime)
        };
        assert!(MX.check("2024-01-01T00:00:00Z").is_ok());
        assert!(MX.check("2024-01-01T01:00:00+02:00").is_ok());
        assert!(MX.check("2024-01-01T00:00:01Z").is_err());
        static ML: Facets = Facets {
            max_length: Some(2),
            ..Facets::new(Kind::Base64)
        };
        assert!(ML.check("AAA=").is_ok() && ML.check("AA A=").is_ok());
        assert!(ML.check("AA==").is_ok());
        assert!(ML.check("AAAA").unwrap_err().contains("length of '3'"));
        static SL: Facets = Facets {
            max_length: Some(2),
            ..Facets::new(Kind::String)
        };
        assert!(SL.check("日本").is_ok() && SL.check("日本語").is_err());
        static TL: Facets = Facets {
            max_length: Some(2),
            white_space: WhiteSpace::Collapse,
            ..Facets::new(Kind::String)
        };
        assert!(TL.check(" a  b ").is_err() && TL.check("  ab  ").is_ok());
    }

    #[test]
    fn the_facets_of_the_ews_schemas() {
        static NON_EMPTY: Facets = Facets {
            min_length: Some(1),
            ..Facets::new(Kind::String)
        };
        assert!(NON_EMPTY.check("").is_err() && NON_EMPTY.check("a").is_ok());
        static EMPTY: Facets = Facets {
            length: Some(0),
            ..Facets::new(Kind::String)
        };
        assert!(EMPTY.check("").is_ok() && EMPTY.check(" ").is_err());
        static RANGE: Facets = Facets {
            min_inclusive: Some("1525252321"),
            max_inclusive: Some("1525252321"),
            ..Facets::new(Kind::Integer)
        };
        assert!(RANGE.check("1525252321").is_ok() && RANGE.check("1525252320").is_err());
        static HEX: Facets = Facets {
            patterns: &[&["(0x|0X)[0-9A-Fa-f]{1,4}"]],
            ..Facets::new(Kind::String)
        };
        assert!(HEX.check("0x1F").is_ok() && HEX.check("0x12345").is_err());
    }

    #[test]
    fn patterns_of_every_step_must_match() {
        static TWO: Facets = Facets {
            patterns: &[&["a+", "b+"], &[".{2}"]],
            ..Facets::new(Kind::String)
        };
        assert!(TWO.check("aa").is_ok() && TWO.check("bb").is_ok());
        assert!(TWO.check("a").is_err() && TWO.check("ab").is_err());
        static BAD: Facets = Facets {
            patterns: &[&[r"(a)\1"]],
            ..Facets::new(Kind::String)
        };
        assert!(BAD.check("aa").unwrap_err().contains(r"\1"));
    }

    #[test]
    fn bounds_of_every_kind() {
        static F: Facets = Facets {
            min_exclusive: Some("-1.5"),
            max_exclusive: Some("INF"),
            ..Facets::new(Kind::Float)
        };
        assert!(F.check("0").is_ok() && F.check("-1.5").is_err() && F.check("NaN").is_err());
        static D: Facets = Facets {
            min_inclusive: Some("2024-01-01"),
            ..Facets::new(Kind::Date)
        };
        assert!(D.check("2024-01-01").is_ok() && D.check("2023-12-31").is_err());
        static T: Facets = Facets {
            max_exclusive: Some("12:00:00Z"),
            ..Facets::new(Kind::Time)
        };
        assert!(T.check("13:00:00+02:00").is_ok() && T.check("12:00:00Z").is_err());
        // A zone-less time within 14 hours of the bound is indeterminate: invalid.
        assert!(T.check("11:00:00").is_err());
        static DU: Facets = Facets {
            max_inclusive: Some("P1M"),
            ..Facets::new(Kind::Duration)
        };
        assert!(DU.check("P27D").is_ok() && DU.check("P32D").is_err() && DU.check("P30D").is_err());
        static BIG: Facets = Facets {
            max_inclusive: Some("99999999999999999999999999999999999999999"),
            ..Facets::new(Kind::Integer)
        };
        assert!(BIG
            .check("99999999999999999999999999999999999999998")
            .is_ok());
        assert!(BIG
            .check("100000000000000000000000000000000000000000")
            .is_err());
        static S: Facets = Facets {
            min_inclusive: Some("a"),
            ..Facets::new(Kind::String)
        };
        assert!(S.check("b").unwrap_err().contains("no order"));
    }

    #[test]
    fn whitespace_normalization() {
        assert_eq!(normalize(" a\t b\n", WhiteSpace::Preserve), " a\t b\n");
        assert_eq!(normalize(" a\t b\n", WhiteSpace::Replace), " a  b ");
        assert_eq!(normalize(" a\t b\n", WhiteSpace::Collapse), "a b");
        assert!(matches!(
            normalize("a b", WhiteSpace::Collapse),
            Cow::Borrowed(_)
        ));
    }
}
