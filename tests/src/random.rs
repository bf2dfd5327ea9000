//! Support for the random values the generator emits with `EmitOptions::arbitrary` (see
//! `ews_codegen::arbitrary`): a seeded generator of schema-valid lexical values.
//!
//! One `u64` seed determines a whole value, so a failing case is reproduced from the seed
//! the property test prints.

use ewsgen::rt::{RawElement, RawNode};

/// A type whose random values the generated code can build.
pub trait Arbitrary: Sized {
    /// A random value.
    fn arbitrary(g: &mut Gen) -> Self;
}

/// Facets of a string type (patterns, lengths in characters).
#[derive(Debug, Clone, Copy, Default)]
pub struct Facets {
    /// The value matches one of these (XML Schema regular expressions).
    pub patterns: &'static [&'static str],
    /// Exact length.
    pub length: Option<u64>,
    /// Least length.
    pub min_length: Option<u64>,
    /// Greatest length.
    pub max_length: Option<u64>,
}

/// The namespace of the elements made up for `xs:any`.
pub const RANDOM_NS: &str = "urn:ewsgen:random";

/// A seeded generator (SplitMix64) with a depth limit for recursive types.
#[derive(Debug, Clone)]
pub struct Gen {
    state: u64,
    depth: usize,
    max_depth: usize,
    max_len: usize,
    /// Whether some values break the schema ([`Gen::breaking`]).
    breaking: bool,
}

impl Gen {
    /// A generator for `seed`: values nest at most `max_depth` levels of optional parts,
    /// lists hold at most 2 optional items.
    pub fn new(seed: u64, max_depth: usize) -> Self {
        Gen {
            state: seed,
            depth: 0,
            max_depth,
            max_len: 2,
            breaking: false,
        }
    }

    /// A generator for `seed` whose values break the schema here and there, in the ways
    /// typed values can: a list one item short of its `minOccurs`, a string outside its
    /// length or pattern facets, a raw element in the namespace of the EWS types (which a
    /// `##other` wildcard refuses). About one decision in eight that could break does.
    pub fn breaking(seed: u64, max_depth: usize) -> Self {
        Gen {
            breaking: true,
            ..Gen::new(seed, max_depth)
        }
    }

    /// Whether to break the schema at this decision.
    fn mischief(&mut self) -> bool {
        self.breaking && self.below(8) == 0
    }

    fn next(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    /// Whether the depth limit is reached: optional parts are then left out.
    pub fn at_limit(&self) -> bool {
        self.depth >= self.max_depth
    }

    /// Builds a nested value one level deeper.
    pub fn descend<T>(&mut self, f: impl FnOnce(&mut Gen) -> T) -> T {
        self.depth += 1;
        let v = f(self);
        self.depth -= 1;
        v
    }

    /// An optional part: present about half the time, never at the depth limit.
    pub fn option<T>(&mut self, f: impl FnOnce(&mut Gen) -> T) -> Option<T> {
        if self.at_limit() || self.below(2) == 0 {
            None
        } else {
            Some(f(self))
        }
    }

    /// `min` items plus up to 2 more (none more at the depth limit).
    pub fn vec<T>(&mut self, min: usize, mut f: impl FnMut(&mut Gen) -> T) -> Vec<T> {
        if min > 0 && self.mischief() {
            return (0..min - 1).map(|_| f(self)).collect();
        }
        let extra = if self.at_limit() {
            0
        } else {
            self.below(self.max_len + 1)
        };
        (0..min + extra).map(|_| f(self)).collect()
    }

    /// Like [`Gen::vec`], with at least one item.
    pub fn non_empty_vec<T>(&mut self, min: usize, f: impl FnMut(&mut Gen) -> T) -> Vec<T> {
        self.vec(min.max(1), f)
    }

    /// A nillable element: `xsi:nil` one time in four.
    pub fn nillable<T>(&mut self, f: impl FnOnce(&mut Gen) -> T) -> ewsgen::rt::Nillable<T> {
        if self.below(4) == 0 {
            ewsgen::rt::Nillable::Nil(Vec::new())
        } else {
            ewsgen::rt::Nillable::Value(f(self))
        }
    }

    /// A boolean.
    pub fn bool(&mut self) -> bool {
        self.below(2) == 1
    }

    /// An integer in `lo..=hi`, often a small one or a bound.
    pub fn int(&mut self, lo: i128, hi: i128) -> i128 {
        if lo >= hi {
            return lo;
        }
        let span = (hi - lo) as u128;
        match self.below(6) {
            0 => lo,
            1 => hi,
            2 | 3 => {
                lo.max(-100).min(hi) + (self.next() % 200) as i128 % (span as i128 + 1).min(200)
            }
            _ => lo + ((self.next() as u128 | ((self.next() as u128) << 64)) % (span + 1)) as i128,
        }
        .clamp(lo, hi)
    }

    /// A finite double that reads back equal.
    pub fn float(&mut self) -> f64 {
        match self.below(5) {
            0 => 0.0,
            1 => -1.5,
            2 => (self.next() % 1_000_000) as f64 / 8.0,
            _ => {
                let f = f64::from_bits(self.next());
                if f.is_finite() {
                    f
                } else {
                    1.0e300
                }
            }
        }
    }

    /// An `xs:decimal`.
    pub fn decimal(&mut self) -> String {
        let sign = if self.bool() { "-" } else { "" };
        format!("{sign}{}.{:02}", self.next() % 100_000, self.next() % 100)
    }

    fn two(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn zone(&mut self) -> String {
        match self.below(4) {
            0 => String::new(),
            1 => "Z".into(),
            2 => format!("+{:02}:{:02}", self.two(14), [0, 30, 45][self.below(3)]),
            _ => format!("-{:02}:00", self.two(12)),
        }
    }

    /// An `xs:date`.
    pub fn date(&mut self) -> String {
        let z = self.zone();
        format!(
            "{:04}-{:02}-{:02}{z}",
            1970 + self.two(130),
            1 + self.two(12),
            1 + self.two(28)
        )
    }

    /// An `xs:time`.
    pub fn time(&mut self) -> String {
        let frac = if self.bool() {
            format!(".{:03}", self.two(1000))
        } else {
            String::new()
        };
        let z = self.zone();
        format!(
            "{:02}:{:02}:{:02}{frac}{z}",
            self.two(24),
            self.two(60),
            self.two(60)
        )
    }

    /// An `xs:dateTime`.
    pub fn date_time(&mut self) -> String {
        let d = format!(
            "{:04}-{:02}-{:02}",
            1970 + self.two(130),
            1 + self.two(12),
            1 + self.two(28)
        );
        format!("{d}T{}", self.time())
    }

    /// An `xs:duration`.
    pub fn duration(&mut self) -> String {
        let sign = if self.below(4) == 0 { "-" } else { "" };
        match self.below(3) {
            0 => format!("{sign}P{}D", self.two(400)),
            1 => format!("{sign}PT{}H{}M", self.two(48), self.two(60)),
            _ => format!(
                "{sign}P{}Y{}M{}DT{}H{}M{}.5S",
                self.two(5),
                self.two(12),
                self.two(31),
                self.two(24),
                self.two(60),
                self.two(60)
            ),
        }
    }

    /// A `gYear` (the calendar-fragment types are kept lexically).
    pub fn lexical(&mut self) -> String {
        format!("{:04}", 1970 + self.two(130))
    }

    /// Up to 24 random bytes.
    pub fn bytes(&mut self) -> Vec<u8> {
        let n = self.below(25);
        (0..n).map(|_| self.next() as u8).collect()
    }

    /// An `xs:language` tag.
    pub fn language(&mut self) -> String {
        ["en-US", "de", "fr-CA", "ja-JP", "x-klingon", "pt-BR"][self.below(6)].to_string()
    }

    /// An `xs:anyURI`.
    pub fn uri(&mut self) -> String {
        format!("https://example.com/{}?q={}", self.word(), self.two(1000))
    }

    fn word(&mut self) -> String {
        const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        let n = 1 + self.below(8);
        (0..n)
            .map(|_| LETTERS[self.below(LETTERS.len())] as char)
            .collect()
    }

    /// A string within `facets`: text with markup characters, entities' characters and
    /// non-ASCII letters, or a match of one of the patterns.
    pub fn string(&mut self, facets: &Facets) -> String {
        if self.mischief() {
            if !facets.patterns.is_empty() {
                return "!".into();
            }
            if let Some(n) = facets.length.or(facets.max_length) {
                return "k".repeat(n as usize + 1);
            }
            if facets.min_length.is_some_and(|n| n > 0) {
                return String::new();
            }
        }
        if !facets.patterns.is_empty() {
            let p = facets.patterns[self.below(facets.patterns.len())];
            return regex_sample(p, self);
        }
        const PIECES: &[&str] = &[
            "a", "Z", "0", "9", " ", "<", ">", "&", "\"", "'", "é", "日本", "ß", "-", "_", ".",
            "Ω", "€", "😀", "]]>", "x", "y",
        ];
        let (lo, hi) = match facets.length {
            Some(n) => (n as usize, n as usize),
            None => (
                facets.min_length.unwrap_or(0) as usize,
                facets
                    .max_length
                    .unwrap_or(16)
                    .max(facets.min_length.unwrap_or(0)) as usize,
            ),
        };
        let target = lo + self.below(hi.saturating_sub(lo) + 1);
        let mut s = String::new();
        let mut chars = 0;
        while chars < target {
            let mut piece = PIECES[self.below(PIECES.len())];
            // No leading or trailing space: whitespace collapsing types would change it.
            if piece == " " && (chars == 0 || chars + 1 == target) {
                piece = "w";
            }
            if chars + piece.chars().count() > target {
                piece = "k";
            }
            s.push_str(piece);
            chars += piece.chars().count();
        }
        s
    }

    /// An element in a namespace of its own, with an attribute, text and a child.
    pub fn raw_element(&mut self) -> RawElement {
        let name = format!("Extra{}", self.below(3));
        let ns = if self.mischief() {
            "http://schemas.microsoft.com/exchange/services/2006/types"
        } else {
            RANDOM_NS
        };
        self.raw(Some(ns.to_string()), name)
    }

    /// An element with the given name, for content typed `xs:anyType`.
    pub fn raw_named(&mut self, ns: &str, name: &str) -> RawElement {
        let ns = (!ns.is_empty()).then(|| ns.to_string());
        self.raw(ns, name.to_string())
    }

    fn raw(&mut self, namespace: Option<String>, name: String) -> RawElement {
        let prefix = namespace.as_ref().map(|_| "r".to_string());
        let text = self.string(&Facets::default());
        RawElement {
            namespace,
            prefix,
            name,
            attributes: vec![ewsgen::rt::RawAttribute {
                namespace: None,
                name: "kind".into(),
                value: self.word(),
            }],
            children: vec![
                RawNode::Text(format!("t{text}")),
                RawNode::Element(RawElement {
                    namespace: Some(RANDOM_NS.into()),
                    prefix: Some("r".into()),
                    name: "Inner".into(),
                    attributes: Vec::new(),
                    children: vec![RawNode::Text(self.word())],
                }),
            ],
        }
    }
}

/// A string matching an XML Schema regular expression of the subset the EWS schemas use:
/// literals, `\` escapes (`\d`, `\.` ...), character classes with ranges, groups with
/// alternatives, and the quantifiers `?`, `*`, `+`, `{n}`, `{n,m}` (unbounded ones repeat
/// at most 4 times).
pub fn regex_sample(pattern: &str, g: &mut Gen) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let mut pos = 0;
    let mut out = String::new();
    alternatives(&chars, &mut pos, g, &mut out);
    out
}

fn alternatives(p: &[char], pos: &mut usize, g: &mut Gen, out: &mut String) {
    // Collect the alternatives' spans at this level, pick one, generate it.
    let start = *pos;
    let mut spans = Vec::new();
    let mut depth = 0;
    let mut i = start;
    let mut alt_start = start;
    let mut in_class = false;
    while i < p.len() {
        match p[i] {
            '\\' => i += 1,
            '[' => in_class = true,
            ']' => in_class = false,
            '(' if !in_class => depth += 1,
            ')' if !in_class => {
                if depth == 0 {
                    break;
                }
                depth -= 1;
            }
            '|' if !in_class && depth == 0 => {
                spans.push((alt_start, i));
                alt_start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    spans.push((alt_start, i));
    let (a, b) = spans[g.below(spans.len())];
    let mut q = a;
    sequence(&p[..b], &mut q, g, out);
    *pos = i;
}

fn sequence(p: &[char], pos: &mut usize, g: &mut Gen, out: &mut String) {
    while *pos < p.len() {
        // One atom: its span, then its quantifier.
        let atom_start = *pos;
        match p[*pos] {
            '(' => {
                let mut depth = 0;
                let mut in_class = false;
                while *pos < p.len() {
                    match p[*pos] {
                        '\\' => *pos += 1,
                        '[' => in_class = true,
                        ']' => in_class = false,
                        '(' if !in_class => depth += 1,
                        ')' if !in_class => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    *pos += 1;
                }
                *pos += 1;
            }
            '[' => {
                while *pos < p.len() && p[*pos] != ']' {
                    if p[*pos] == '\\' {
                        *pos += 1;
                    }
                    *pos += 1;
                }
                *pos += 1;
            }
            '\\' => *pos += 2,
            _ => *pos += 1,
        }
        let atom = &p[atom_start..*pos];
        let (lo, hi) = quantifier(p, pos);
        let n = lo + g.below(hi - lo + 1);
        for _ in 0..n {
            atom_sample(atom, g, out);
        }
    }
}

fn quantifier(p: &[char], pos: &mut usize) -> (usize, usize) {
    match p.get(*pos) {
        Some('?') => {
            *pos += 1;
            (0, 1)
        }
        Some('*') => {
            *pos += 1;
            (0, 4)
        }
        Some('+') => {
            *pos += 1;
            (1, 4)
        }
        Some('{') => {
            let end = p[*pos..]
                .iter()
                .position(|c| *c == '}')
                .map_or(p.len(), |e| *pos + e);
            let body: String = p[*pos + 1..end].iter().collect();
            *pos = end + 1;
            let mut parts = body.split(',');
            let lo = parts
                .next()
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            let hi = match parts.next() {
                None => lo,
                Some(v) if v.trim().is_empty() => lo + 4,
                Some(v) => v.trim().parse().unwrap_or(lo),
            };
            (lo, hi.max(lo))
        }
        _ => (1, 1),
    }
}

fn atom_sample(atom: &[char], g: &mut Gen, out: &mut String) {
    match atom.first() {
        Some('(') => {
            let inner = &atom[1..atom.len() - 1];
            let mut pos = 0;
            alternatives(inner, &mut pos, g, out);
        }
        Some('[') => {
            let set = class_chars(&atom[1..atom.len() - 1]);
            if !set.is_empty() {
                out.push(set[g.below(set.len())]);
            }
        }
        Some('\\') => match atom.get(1) {
            Some('d') => out.push((b'0' + g.below(10) as u8) as char),
            Some('s') => out.push(' '),
            Some('w') => out.push('w'),
            Some(c) => out.push(*c),
            None => {}
        },
        Some('.') => out.push('x'),
        Some(c) => out.push(*c),
        None => {}
    }
}

fn class_chars(body: &[char]) -> Vec<char> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < body.len() {
        let c = if body[i] == '\\' {
            i += 1;
            match body.get(i) {
                Some('d') => {
                    out.extend('0'..='9');
                    i += 1;
                    continue;
                }
                Some(c) => *c,
                None => break,
            }
        } else {
            body[i]
        };
        if body.get(i + 1) == Some(&'-') && i + 2 < body.len() {
            let end = body[i + 2];
            out.extend(c..=end);
            i += 3;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_of_the_ews_schemas_are_matched() {
        // Each sample is checked against a hand-written matcher of the same language.
        let mut g = Gen::new(7, 4);
        for _ in 0..200 {
            let guid = regex_sample(
                "[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}",
                &mut g,
            );
            let parts: Vec<&str> = guid.split('-').collect();
            assert_eq!(
                parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
                [8, 4, 4, 4, 12],
                "{guid}"
            );
            assert!(guid.chars().all(|c| c == '-' || c.is_ascii_hexdigit()));

            let hex = regex_sample("(0x|0X)[0-9A-Fa-f]{1,4}", &mut g);
            assert!(hex.starts_with("0x") || hex.starts_with("0X"), "{hex}");
            assert!((3..=6).contains(&hex.len()), "{hex}");

            let either = regex_sample("((0x|0X)[0-9A-Fa-f]*)|([0-9]*)", &mut g);
            assert!(
                either.chars().all(|c| c.is_ascii_digit())
                    || either.starts_with("0x")
                    || either.starts_with("0X"),
                "{either}"
            );

            let version = regex_sample(
                "[0-9]{1,4}\\.[0-9]{1,4}(\\.[0-9]{1,4}(\\.[0-9]{1,4})?)?",
                &mut g,
            );
            let nums: Vec<&str> = version.split('.').collect();
            assert!((2..=4).contains(&nums.len()), "{version}");
            assert!(nums
                .iter()
                .all(|n| (1..=4).contains(&n.len()) && n.chars().all(|c| c.is_ascii_digit())));

            let pair = regex_sample("[a-zA-Z0-9]+_[a-zA-Z0-9]+", &mut g);
            let (a, b) = pair.split_once('_').expect("an underscore");
            assert!(!a.is_empty() && !b.is_empty() && !b.contains('_'), "{pair}");
        }
    }

    #[test]
    fn strings_keep_their_length_facets() {
        let mut g = Gen::new(1, 4);
        for _ in 0..200 {
            let s = g.string(&Facets {
                min_length: Some(1),
                ..Facets::default()
            });
            assert!(!s.is_empty());
            let s = g.string(&Facets {
                length: Some(0),
                ..Facets::default()
            });
            assert!(s.is_empty());
            let s = g.string(&Facets {
                length: Some(5),
                ..Facets::default()
            });
            assert_eq!(s.chars().count(), 5, "{s:?}");
            assert_eq!(s.trim(), s);
        }
    }

    #[test]
    fn integers_stay_in_their_bounds() {
        let mut g = Gen::new(3, 4);
        for _ in 0..1000 {
            let v = g.int(1, 1440);
            assert!((1..=1440).contains(&v), "{v}");
            let v = g.int(i32::MIN.into(), i32::MAX.into());
            assert!(i32::try_from(v).is_ok());
            let v = g.int(1_525_252_321, 1_525_252_321);
            assert_eq!(v, 1_525_252_321);
        }
    }
}
