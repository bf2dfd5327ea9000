//! The runtime's lexical rules against libxml2, value by value:
//!
//! - XML Schema regular expressions (`rt::facets::translate_pattern`): constructs of every
//!   kind and every `xs:pattern` of the official schema sets and `schemas/`, each on
//!   matching and non-matching strings, judged by `xmllint --schema` on a small schema;
//! - every facet those schema sets use (`rt::facets::Facets`), on values around each bound;
//! - `xs:dateTime`, `xs:date`, `xs:time`, `xs:duration` and `xs:base64Binary` lexical forms:
//!   seeds and thousands of mutations of them;
//! - every date, time and duration value of the documented samples reads and writes back
//!   the same text.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use ews_tests::random::{regex_sample, Gen};
use ewsgen::rt::facets::{Facets, Kind, WhiteSpace};

/// One value judged by both sides.
struct Case {
    /// Index of the simple type in the schema.
    ty: usize,
    value: String,
}

/// Validates every case's value as an element of its type with one xmllint run; returns
/// libxml2's verdict per case (true: valid). `types` are `xs:simpleType` bodies.
fn xmllint_verdicts(types: &[String], cases: &[Case]) -> Result<Vec<bool>, String> {
    let dir = std::env::temp_dir().join(format!(
        "ews-lexical-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let mut xsd = String::from(
        "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\">\n<xs:element name=\"r\"><xs:complexType><xs:choice minOccurs=\"0\" maxOccurs=\"unbounded\">\n",
    );
    for i in 0..types.len() {
        let _ = writeln!(xsd, "<xs:element name=\"v{i}\" type=\"T{i}\"/>");
    }
    xsd.push_str("</xs:choice></xs:complexType></xs:element>\n");
    for (i, t) in types.iter().enumerate() {
        let _ = writeln!(xsd, "<xs:simpleType name=\"T{i}\">{t}</xs:simpleType>");
    }
    xsd.push_str("</xs:schema>\n");
    // One value per line: line n + 2 holds case n.
    let mut doc = String::from("<r>\n");
    for c in cases {
        let _ = writeln!(doc, "<v{}>{}</v{}>", c.ty, escape(&c.value), c.ty);
    }
    doc.push_str("</r>\n");
    std::fs::write(dir.join("s.xsd"), &xsd).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("d.xml"), &doc).map_err(|e| e.to_string())?;
    let out = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(dir.join("s.xsd"))
        .arg(dir.join("d.xml"))
        .output()
        .map_err(|e| format!("cannot run xmllint: {e}"))?;
    let _ = std::fs::remove_dir_all(&dir);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stderr.contains("failed to compile") || stderr.contains("s.xsd:") {
        return Err(format!(
            "libxml2 does not compile the test schema: {stderr}"
        ));
    }
    let mut ok = vec![true; cases.len()];
    for l in stderr.lines() {
        let Some(rest) = l.split("d.xml:").nth(1) else {
            continue;
        };
        let Some(n) = rest.split(':').next().and_then(|n| n.parse::<usize>().ok()) else {
            continue;
        };
        if (2..cases.len() + 2).contains(&n) {
            ok[n - 2] = false;
        }
    }
    Ok(ok)
}

static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// Mutations of a string: each character dropped, doubled and replaced, and a few
/// insertions.
fn mutations(s: &str, alphabet: &[char]) -> Vec<String> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    for i in 0..chars.len() {
        let mut v = chars.clone();
        v.remove(i);
        out.push(v.iter().collect());
        let mut v = chars.clone();
        v.insert(i, chars[i]);
        out.push(v.iter().collect());
        for a in alphabet {
            let mut v = chars.clone();
            v[i] = *a;
            out.push(v.iter().collect());
        }
    }
    for a in alphabet {
        out.push(format!("{s}{a}"));
        out.push(format!("{a}{s}"));
    }
    out.sort();
    out.dedup();
    out
}

/// Patterns exercising every construct the translation handles, with strings to try.
const CONSTRUCTS: &[(&str, &[&str])] = &[
    ("a.c", &["abc", "a\u{e9}c", "ac", "abbc"]),
    ("a^b$", &["a^b$", "ab"]),
    ("[a-z-[aeiou]]+", &["xyz", "xaz", "", "b"]),
    ("[^a-z-[0-9]]", &["A", "5", "q", "-"]),
    (r"\i\c*", &["_x-1.y", "1x", "a:b", ":", "é1"]),
    (r"\d+", &["0123", "x", "١٢"]),
    (r"\w+", &["abc", "a b", "a!", "é"]),
    (r"\s\S", &["\tx", " x", "xx", "  "]),
    (r"\p{Lu}\P{Lu}", &["Ab", "AB", "ab"]),
    // (libxml2's category tables leave out the CJK ideographs, which Unicode lists as a
    // range: `\p{L}` does not match 日 there. The runtime follows Unicode.)
    (r"\p{L}+\p{N}*", &["abc12", "12", "éß3"]),
    (r"\p{IsBasicLatin}+", &["abc", "é", "a~"]),
    (r"\P{IsBasicLatin}", &["é", "a"]),
    (r"[\p{IsGreek}\d]+", &["αβ1", "a"]),
    (r"\p{IsCJKUnifiedIdeographs}+", &["日本", "あ"]),
    (r"a{2}b{1,}c{0,1}", &["aabbb", "aab", "aabcc", "ab"]),
    (r"[-a]+", &["-a-", "b"]),
    (r"[a-]+", &["a-", "b"]),
    (r"\\\|\.\?\*\+\(\)\{\}\-\[\]\^", &[r"\|.?*+(){}-[]^", "x"]),
    (r"[\n\r\t ]+", &[" ", "x"]),
    ("(ab|cd)*e?", &["abcde", "abab", "ace", ""]),
    ("a|", &["", "a", "b"]),
    (
        r"[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}",
        &["00:1A:2b:3C:4d:5E", "00:1A"],
    ),
    (r"x{0}y", &["y", "xy"]),
    (r"[\-\[\]]+", &["-[]", "a"]),
    (r"\c+", &["a-b.c", "a b"]),
];

fn string_facets(patterns: &'static [&'static [&'static str]]) -> Facets {
    Facets {
        patterns,
        white_space: WhiteSpace::Preserve,
        ..Facets::new(Kind::String)
    }
}

fn pattern_type(p: &str) -> String {
    format!(
        "<xs:restriction base=\"xs:string\"><xs:pattern value=\"{}\"/></xs:restriction>",
        escape(p).replace('"', "&quot;")
    )
}

/// Runs `cases` of `facets` (one per type) through both sides; returns the number of
/// values and the disagreements.
fn compare(types: &[String], facets: &[Facets], cases: &[Case]) -> (usize, Vec<String>) {
    let verdicts = match xmllint_verdicts(types, cases) {
        Ok(v) => v,
        Err(e) => return (0, vec![e]),
    };
    let mut bad = Vec::new();
    for (c, libxml2) in cases.iter().zip(verdicts) {
        let ours = facets[c.ty].check(&c.value);
        if ours.is_ok() != libxml2 {
            bad.push(format!(
                "{} on {:?}: libxml2 {}, the runtime {:?}",
                types[c.ty],
                c.value,
                if libxml2 { "accepts" } else { "refuses" },
                ours
            ));
        }
    }
    (cases.len(), bad)
}

#[test]
#[cfg_attr(not(ews_xmllint), ignore = "needs xmllint (libxml2-utils)")]
fn pattern_constructs_agree_with_libxml2() {
    let mut types = Vec::new();
    let mut facets = Vec::new();
    let mut cases = Vec::new();
    let mut g = Gen::new(11, 4);
    for (i, (p, tries)) in CONSTRUCTS.iter().enumerate() {
        types.push(pattern_type(p));
        let steps: &'static [&'static [&'static str]] =
            Box::leak(Box::new([&*Box::leak(Box::new([*p])) as &[&str]]));
        facets.push(string_facets(steps));
        let mut values: Vec<String> = tries.iter().map(|s| s.to_string()).collect();
        for _ in 0..5 {
            values.push(regex_sample(p, &mut g));
        }
        for v in values.clone() {
            values.extend(mutations(&v, &['a', '-', '0', ' ']).into_iter().take(12));
        }
        values.sort();
        values.dedup();
        cases.extend(values.into_iter().map(|value| Case { ty: i, value }));
    }
    let (n, bad) = compare(&types, &facets, &cases);
    eprintln!(
        "{} pattern constructs, {n} values: {} disagreements with libxml2",
        CONSTRUCTS.len(),
        bad.len()
    );
    assert!(n > 300, "only {n} values were judged");
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// The four schema sets: each official set and the project's own.
fn schema_sets() -> Vec<(String, std::path::PathBuf)> {
    let mut sets = vec![(
        "schemas/".to_string(),
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas"),
    )];
    #[cfg(ews_shared)]
    {
        let shared = ews_tests::shared_dir();
        for s in ["office365", "exchange2016", "exchange2010_sp2"] {
            sets.push((s.to_string(), shared.join("ews-schemas").join(s)));
        }
    }
    sets
}

fn xs_name(b: ews_codegen::model::Builtin) -> Option<(&'static str, Kind)> {
    use ews_codegen::model::Builtin::*;
    Some(match b {
        String => ("string", Kind::String),
        Language => ("language", Kind::String),
        AnyUri => ("anyURI", Kind::String),
        I8 => ("byte", Kind::Integer),
        I16 => ("short", Kind::Integer),
        I32 => ("int", Kind::Integer),
        I64 => ("long", Kind::Integer),
        I128 => ("integer", Kind::Integer),
        U8 => ("unsignedByte", Kind::Integer),
        U16 => ("unsignedShort", Kind::Integer),
        U32 => ("unsignedInt", Kind::Integer),
        U64 => ("unsignedLong", Kind::Integer),
        Decimal => ("decimal", Kind::Decimal),
        DateTime => ("dateTime", Kind::DateTime),
        Date => ("date", Kind::Date),
        Time => ("time", Kind::Time),
        Duration => ("duration", Kind::Duration),
        Base64 => ("base64Binary", Kind::Base64),
        Hex => ("hexBinary", Kind::Hex),
        _ => return None,
    })
}

/// Values around each facet of `f` for a type of `kind`.
fn facet_values(f: &ews_codegen::xsd::Facets, kind: Kind, g: &mut Gen) -> Vec<String> {
    let mut v = Vec::new();
    for n in [f.length, f.min_length, f.max_length].into_iter().flatten() {
        for k in n.saturating_sub(1)..=n + 1 {
            v.push("x".repeat(k as usize));
            v.push("日".repeat(k as usize));
            if kind == Kind::Base64 {
                v.push("AAAA".repeat(k as usize));
            }
        }
    }
    for p in &f.patterns {
        for _ in 0..8 {
            let s = regex_sample(p, g);
            v.extend(mutations(&s, &['g', '-', '0', '.']).into_iter().take(10));
            v.push(s);
        }
    }
    for b in [
        &f.min_inclusive,
        &f.max_inclusive,
        &f.min_exclusive,
        &f.max_exclusive,
    ]
    .into_iter()
    .flatten()
    {
        v.push(b.clone());
        if let Ok(n) = b.parse::<i128>() {
            v.extend([n - 1, n + 1, n - 1000, n + 1000].map(|x| x.to_string()));
        }
    }
    v.sort();
    v.dedup();
    v
}

#[test]
#[cfg_attr(not(ews_xmllint), ignore = "needs xmllint (libxml2-utils)")]
fn schema_facets_and_patterns_agree_with_libxml2() {
    use ews_codegen::model::{TyRef, TypeKind};
    let mut g = Gen::new(5, 4);
    let mut summary = Vec::new();
    let mut all_bad = Vec::new();
    for (name, dir) in schema_sets() {
        let (model, _) = ews_codegen::Builder::new()
            .schema_dir(&dir)
            .model()
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let (mut types, mut facets, mut cases) = (Vec::new(), Vec::new(), Vec::new());
        let (mut patterns, mut facet_count, mut enum_values) = (0, 0, 0);
        for t in model.types.values() {
            if let TypeKind::Enum { values, .. } = &t.kind {
                enum_values += values.len();
            }
            let f = &t.facets;
            if f.is_empty() {
                continue;
            }
            // The built-in the restriction ends in.
            let mut ty = match &t.kind {
                TypeKind::Alias(inner) => inner.clone(),
                _ => continue,
            };
            for _ in 0..16 {
                match &ty {
                    TyRef::Named(k) => match model.types.get(k).map(|t| &t.kind) {
                        Some(TypeKind::Alias(inner)) => ty = inner.clone(),
                        _ => break,
                    },
                    TyRef::Builtin(_) => break,
                }
            }
            let TyRef::Builtin(b) = ty else { continue };
            let Some((xs, kind)) = xs_name(b) else {
                all_bad.push(format!("{name}: {:?} restricts {b:?}, not covered", t.key));
                continue;
            };
            patterns += f.patterns.len();
            facet_count += f.patterns.len()
                + [f.length, f.min_length, f.max_length]
                    .iter()
                    .flatten()
                    .count()
                + [
                    &f.min_inclusive,
                    &f.max_inclusive,
                    &f.min_exclusive,
                    &f.max_exclusive,
                ]
                .iter()
                .filter(|b| b.is_some())
                .count();
            let mut body = format!("<xs:restriction base=\"xs:{xs}\">");
            let attr = |s: &str| escape(s).replace('"', "&quot;");
            for p in &f.patterns {
                let _ = write!(body, "<xs:pattern value=\"{}\"/>", attr(p));
            }
            for (tag, v) in [
                ("length", f.length),
                ("minLength", f.min_length),
                ("maxLength", f.max_length),
            ] {
                if let Some(v) = v {
                    let _ = write!(body, "<xs:{tag} value=\"{v}\"/>");
                }
            }
            for (tag, v) in [
                ("minInclusive", &f.min_inclusive),
                ("maxInclusive", &f.max_inclusive),
                ("minExclusive", &f.min_exclusive),
                ("maxExclusive", &f.max_exclusive),
            ] {
                if let Some(v) = v {
                    let _ = write!(body, "<xs:{tag} value=\"{}\"/>", attr(v));
                }
            }
            body.push_str("</xs:restriction>");
            let opt = |o: &Option<String>| o.as_ref().map(|s| leak(s.clone()));
            let pats: Vec<&'static str> = f.patterns.iter().map(|p| leak(p.clone())).collect();
            let steps: &'static [&'static [&'static str]] = if pats.is_empty() {
                &[]
            } else {
                Box::leak(Box::new([&*Box::leak(pats.into_boxed_slice()) as &[&str]]))
            };
            let rt = Facets {
                patterns: steps,
                length: f.length,
                min_length: f.min_length,
                max_length: f.max_length,
                min_inclusive: opt(&f.min_inclusive),
                max_inclusive: opt(&f.max_inclusive),
                min_exclusive: opt(&f.min_exclusive),
                max_exclusive: opt(&f.max_exclusive),
                white_space: if kind == Kind::String {
                    WhiteSpace::Preserve
                } else {
                    WhiteSpace::Collapse
                },
                ..Facets::new(kind)
            };
            if let Err(e) = rt.compile_patterns() {
                all_bad.push(format!("{name}: {e}"));
            }
            let i = types.len();
            types.push(body);
            facets.push(rt);
            cases.extend(
                facet_values(f, kind, &mut g)
                    .into_iter()
                    .map(|value| Case { ty: i, value }),
            );
        }
        let (n, bad) = compare(&types, &facets, &cases);
        summary.push(format!(
            "{name}: {} restricted types with {facet_count} facets ({patterns} patterns), {enum_values} enumeration values; {n} values judged, {} disagreements",
            types.len(),
            bad.len()
        ));
        assert!(n > 0 || types.is_empty(), "{name}: nothing judged: {bad:?}");
        all_bad.extend(bad.into_iter().map(|b| format!("{name}: {b}")));
    }
    eprintln!("{}", summary.join("\n"));
    assert!(all_bad.is_empty(), "{}", all_bad.join("\n"));
}

/// Values of each date and time type: seeds and their mutations.
fn date_time_values() -> Vec<(usize, String)> {
    const SEEDS: &[(usize, &str)] = &[
        (0, "2024-01-31T09:30:00.1234567+02:00"),
        (0, "2024-02-29T24:00:00Z"),
        (0, "-0044-03-15T12:00:00-14:00"),
        (0, "12345-12-31T23:59:59.999"),
        (1, "2024-02-29"),
        (1, "-0004-02-29Z"),
        (1, "1900-02-28+05:30"),
        (2, "24:00:00.000"),
        (2, "23:59:59.5Z"),
        (2, "00:00:00-00:00"),
        (3, "-P1Y2M3DT4H5M6.7S"),
        (3, "PT1.S"),
        (3, "P0D"),
        (3, "PT36H.5S"),
        (4, "SGVsbG8="),
        (4, "SGVs bG8="),
        (4, "AAA="),
        (4, "SGVsbA=="),
        (4, ""),
    ];
    let alphabet = [
        '0', '1', '9', '-', '+', ':', '.', 'T', 'Z', 'P', 'Y', 'M', 'D', 'H', 'S', ' ', '=', 'A',
    ];
    let mut out = Vec::new();
    for (ty, s) in SEEDS {
        out.push((*ty, s.to_string()));
        for m in mutations(s, &alphabet) {
            out.push((*ty, m));
        }
    }
    // Random dates and times of every month, leap years included.
    let mut g = Gen::new(3, 4);
    for _ in 0..400 {
        let y = [1900, 2000, 2023, 2024, -4, -1, 100, 99999][g.below(8)];
        let d = format!(
            "{}-{:02}-{:02}",
            fmt_year(y),
            1 + g.below(12),
            1 + g.below(31)
        );
        let t = format!("{:02}:{:02}:{:02}", g.below(25), g.below(61), g.below(61));
        let z = ["", "Z", "+14:00", "-14:01", "+05:30"][g.below(5)];
        out.push((0, format!("{d}T{t}{z}")));
        out.push((1, format!("{d}{z}")));
        out.push((2, format!("{t}{z}")));
    }
    out.sort();
    out.dedup();
    out
}

fn fmt_year(y: i32) -> String {
    if y < 0 {
        format!("-{:04}", -y)
    } else {
        format!("{y:04}")
    }
}

#[test]
#[cfg_attr(not(ews_xmllint), ignore = "needs xmllint (libxml2-utils)")]
fn date_time_and_base64_forms_agree_with_libxml2() {
    use ewsgen::rt::lexical::{decode_base64_strict, strip_as_libxml2};
    use ewsgen::rt::xs::{Date, DateTime, Duration, Time};
    let types: Vec<String> = ["dateTime", "date", "time", "duration", "base64Binary"]
        .iter()
        .map(|t| format!("<xs:restriction base=\"xs:{t}\"/>"))
        .collect();
    let values = date_time_values();
    let cases: Vec<Case> = values
        .iter()
        .map(|(ty, value)| Case {
            ty: *ty,
            value: value.clone(),
        })
        .collect();
    let verdicts = xmllint_verdicts(&types, &cases).expect("xmllint runs");
    let mut bad = Vec::new();
    let mut round_trips = 0;
    for (c, libxml2) in cases.iter().zip(verdicts) {
        let v = c.value.as_str();
        // Strict reading: the whitespace libxml2 accepts around the type, then the exact
        // lexical form.
        let xs = ["dateTime", "date", "time", "duration", "base64Binary"][c.ty];
        let (ours, back): Verdict<'_> = match strip_as_libxml2(xs, v) {
            None => (Err("whitespace libxml2 refuses".into()), None),
            Some(t) => match c.ty {
                0 => split(DateTime::parse(t).map(|x| x.to_string()), t),
                1 => split(Date::parse(t).map(|x| x.to_string()), t),
                2 => split(Time::parse(t).map(|x| x.to_string()), t),
                3 => split(Duration::parse(t).map(|x| x.to_string()), t),
                _ => (decode_base64_strict(t).map(|_| ()), None),
            },
        };
        if ours.is_ok() != libxml2 {
            bad.push(format!(
                "{} {v:?}: libxml2 {}, the runtime {ours:?}",
                types[c.ty],
                if libxml2 { "accepts" } else { "refuses" }
            ));
        }
        if let Some((b, t)) = back {
            round_trips += 1;
            if b != t {
                bad.push(format!("{t:?} is written back as {b:?}"));
            }
        }
    }
    eprintln!(
        "{} lexical values judged, {round_trips} valid date/time values written back: {} disagreements",
        cases.len(),
        bad.len()
    );
    assert!(cases.len() > 2000, "only {} values", cases.len());
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

type Verdict<'a> = (Result<(), String>, Option<(String, &'a str)>);

/// The verdict, and the text written back with the text read.
fn split(r: Result<String, String>, read: &str) -> Verdict<'_> {
    match r {
        Ok(s) => (Ok(()), Some((s, read))),
        Err(e) => (Err(e), None),
    }
}

#[cfg(ews_shared)]
mod samples {
    use std::collections::BTreeMap;

    use ews_codegen::model::{Builtin, FieldKind, TyRef, TypeKind};
    use ews_tests::mutate::{self, El, Node};
    use ewsgen::rt::xs::{Date, DateTime, Duration, Time};

    /// Element and attribute names (attributes with `@`) with a date or time type: the
    /// date and time types they have, and whether they have only those.
    fn date_names(model: &ews_codegen::model::Model) -> BTreeMap<String, (Vec<Builtin>, bool)> {
        let mut seen: BTreeMap<String, Vec<TyRef>> = BTreeMap::new();
        let mut note = |n: &str, t: &TyRef| {
            let v = seen.entry(n.to_string()).or_default();
            if !v.contains(t) {
                v.push(t.clone());
            }
        };
        for e in model.elements.values() {
            note(&e.qname.name, &e.ty);
        }
        for t in model.types.values() {
            let fields = match &t.kind {
                TypeKind::Struct(st) => {
                    for a in &st.attrs {
                        note(&format!("@{}", a.qname.name), &a.ty);
                    }
                    st.fields.as_slice()
                }
                TypeKind::Group { fields } => fields.as_slice(),
                TypeKind::Choice { variants } => variants.as_slice(),
                _ => &[],
            };
            for f in fields {
                if let FieldKind::Element { qname, ty, .. } = &f.kind {
                    note(&qname.name, ty);
                }
            }
        }
        let base = |t: &TyRef| {
            let mut t = t.clone();
            for _ in 0..16 {
                match &t {
                    TyRef::Builtin(b) => return Some(*b),
                    TyRef::Named(k) => match model.types.get(k).map(|d| &d.kind) {
                        Some(TypeKind::Alias(inner)) => t = inner.clone(),
                        _ => return None,
                    },
                }
            }
            None
        };
        let is_date = |b: &Builtin| {
            matches!(
                b,
                Builtin::DateTime | Builtin::Date | Builtin::Time | Builtin::Duration
            )
        };
        seen.into_iter()
            .filter_map(|(n, v)| {
                let bases: Vec<Option<Builtin>> = v.iter().map(base).collect();
                let mut dates: Vec<Builtin> =
                    bases.iter().flatten().copied().filter(is_date).collect();
                dates.sort();
                dates.dedup();
                let only =
                    bases.iter().all(|b| b.as_ref().is_some_and(is_date)) && dates.len() == 1;
                (!dates.is_empty()).then_some((n, (dates, only)))
            })
            .collect()
    }

    fn check(b: Builtin, v: &str) -> Result<String, String> {
        match b {
            Builtin::DateTime => DateTime::parse(v).map(|x| x.to_string()),
            Builtin::Date => Date::parse(v).map(|x| x.to_string()),
            Builtin::Time => Time::parse(v).map(|x| x.to_string()),
            _ => Duration::parse(v).map(|x| x.to_string()),
        }
    }

    fn walk(
        e: &El,
        names: &BTreeMap<String, (Vec<Builtin>, bool)>,
        file: &str,
        strict: bool,
        counts: &mut BTreeMap<String, usize>,
        bad: &mut Vec<String>,
    ) {
        let local = |n: &str| n.split_once(':').map_or(n, |(_, l)| l).to_string();
        // A name with only one (date or time) type must read; a name other types share is
        // checked when it reads as one of its date or time types.
        let mut one = |(types, only): &(Vec<Builtin>, bool), v: &str, what: String| {
            let mut errors = Vec::new();
            for b in types {
                match check(*b, v) {
                    Ok(back) => {
                        *counts.entry(format!("{b:?}")).or_default() += 1;
                        if back != v {
                            bad.push(format!("{file} {what}: {v:?} written back as {back:?}"));
                        }
                        return;
                    }
                    Err(e) => errors.push(e),
                }
            }
            if *only && strict {
                bad.push(format!("{file} {what}: {v:?} does not read: {errors:?}"));
            }
        };
        for (a, v) in &e.attrs {
            if let Some(t) = names.get(&format!("@{}", local(a))) {
                one(t, v, format!("@{a}"));
            }
        }
        if let Some(t) = names.get(&local(&e.name)) {
            if !e.has_element_children() {
                let text: String = e
                    .children
                    .iter()
                    .map(|c| match c {
                        Node::Text(t) => t.as_str(),
                        _ => "",
                    })
                    .collect();
                one(t, &text, format!("<{}>", e.name));
            }
        }
        for c in &e.children {
            if let Node::El(c) = c {
                walk(c, names, file, strict, counts, bad);
            }
        }
    }

    pub(super) fn every_date_and_time_of_the_samples_round_trips() {
        let shared = ews_tests::shared_dir();
        let (model, _) = ews_codegen::Builder::new()
            .schema_dir(shared.join("ews-schemas/office365"))
            .model()
            .expect("office365 model");
        let names = date_names(&model);
        let samples = shared.join("ews-samples");
        let index = std::fs::read_to_string(samples.join("index.tsv")).expect("index.tsv");
        let mut lines = index.lines();
        let header: Vec<&str> = lines.next().expect("header").split('\t').collect();
        let col = |n: &str| header.iter().position(|h| *h == n).expect("column");
        let (file, service, valid) = (col("file"), col("service"), col("schema_valid_t"));
        let (mut counts, mut bad, mut files) = (BTreeMap::new(), Vec::new(), 0);
        for l in lines {
            let cells: Vec<&str> = l.split('\t').collect();
            if cells.get(service) != Some(&"EWS") {
                continue;
            }
            // Values of schema-valid samples must read; the others' values are checked when
            // they read (and the documents when they parse at all).
            let strict = cells.get(valid) == Some(&"yes");
            let name = cells[file];
            let xml = std::fs::read_to_string(samples.join(name)).expect("sample");
            let env = match mutate::parse(&xml) {
                Ok(env) => env,
                Err(e) if strict => {
                    bad.push(format!("{name}: does not parse: {e}"));
                    continue;
                }
                Err(_) => continue,
            };
            files += 1;
            walk(&env, &names, name, strict, &mut counts, &mut bad);
        }
        eprintln!("{files} EWS samples: date and time values by type {counts:?}");
        assert!(
            counts.get("DateTime").copied().unwrap_or(0) >= 50,
            "too few dateTime values found: {counts:?}"
        );
        assert!(bad.is_empty(), "{}", bad.join("\n"));
    }
}

#[test]
#[cfg_attr(
    not(ews_shared),
    ignore = "needs ../shared (or EWS_SHARED_DIR): the official schemas and samples"
)]
fn every_date_and_time_of_the_samples_round_trips() {
    #[cfg(ews_shared)]
    samples::every_date_and_time_of_the_samples_round_trips();
    #[cfg(not(ews_shared))]
    panic!("built without ../shared (EWS_SHARED_DIR): nothing to run");
}
