//! The differential test of strict reading against libxml2: seeded mutations (see
//! [`crate::mutate`]) of documented payloads and of random values of every office365
//! element, each judged by `xmllint --schema messages.xsd` and by the office365 bindings'
//! strict reading (`ReadOptions::strict()`), tallied per mutation kind.
//!
//! A document "agrees" when both accept it or both refuse it. The small run is a test
//! (`tests/tests/differential.rs`); the big one is the `ews-differential` binary.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use ews_codegen::model::{Builtin, FieldKind, Model, TyRef, TypeKind};
use ewsgen::rt::ReadOptions;

use crate::mutate::{self, Breakers, El, KINDS};
use crate::office365::arbitrary::ELEMENTS;
use crate::office365::GlobalElement;
use crate::random::Gen;

/// What to run.
#[derive(Debug, Clone)]
pub struct Config {
    /// Documents to judge.
    pub documents: usize,
    /// Seed of the whole run.
    pub seed: u64,
    /// Documents per xmllint process.
    pub batch: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            documents: 400,
            seed: 1,
            batch: 500,
        }
    }
}

/// Verdicts on the documents of one mutation kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Documents.
    pub total: usize,
    /// Both accept, or both refuse.
    pub agree: usize,
    /// Of those, both accept.
    pub both_accept: usize,
    /// Strict reading accepts what libxml2 refuses.
    pub only_ours_accept: usize,
    /// Strict reading refuses what libxml2 accepts.
    pub only_libxml2_accepts: usize,
}

impl Tally {
    fn add(&mut self, ours: bool, libxml2: bool) {
        self.total += 1;
        match (ours, libxml2) {
            (true, true) => {
                self.agree += 1;
                self.both_accept += 1;
            }
            (false, false) => self.agree += 1,
            (true, false) => self.only_ours_accept += 1,
            (false, true) => self.only_libxml2_accepts += 1,
        }
    }

    /// Agreement in percent (100 for no document).
    pub fn percent(&self) -> f64 {
        if self.total == 0 {
            100.0
        } else {
            100.0 * self.agree as f64 / self.total as f64
        }
    }
}

/// A document the two readers judge differently.
#[derive(Debug, Clone)]
pub struct Disagreement {
    /// Index of the document in the run.
    pub index: usize,
    /// Where the unmutated document came from (a sample file, or an element and seed).
    pub base: String,
    /// The mutation kind.
    pub kind: String,
    /// What the mutation did.
    pub detail: String,
    /// Strict reading's verdict (the error message when it refuses).
    pub ours: Result<(), String>,
    /// libxml2's verdict (its messages when it refuses).
    pub libxml2: Result<(), String>,
    /// The document.
    pub document: String,
}

/// The outcome of a run.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// By mutation kind (one of [`KINDS`]).
    pub by_kind: BTreeMap<String, Tally>,
    /// By mutation kind with its detail (value mutations: the facet or rule broken).
    pub by_subkind: BTreeMap<String, Tally>,
    /// Every disagreement.
    pub disagreements: Vec<Disagreement>,
    /// Draws that found no place for their mutation kind in 40 documents.
    pub not_applicable: usize,
}

impl Report {
    /// All documents.
    pub fn total(&self) -> Tally {
        let mut t = Tally::default();
        for k in self.by_kind.values() {
            t.total += k.total;
            t.agree += k.agree;
            t.both_accept += k.both_accept;
            t.only_ours_accept += k.only_ours_accept;
            t.only_libxml2_accepts += k.only_libxml2_accepts;
        }
        t
    }

    /// The tallies as a table.
    pub fn summary(&self) -> String {
        let mut s = String::new();
        let line = |s: &mut String, name: &str, t: &Tally| {
            let _ = writeln!(
                s,
                "{name:<70} {:>6} docs {:>7.2}% agree  (both accept {:>5}, only strict accepts {:>5}, only libxml2 accepts {:>5})",
                t.total,
                t.percent(),
                t.both_accept,
                t.only_ours_accept,
                t.only_libxml2_accepts
            );
        };
        let _ = writeln!(s, "by mutation kind:");
        for (k, t) in &self.by_kind {
            line(&mut s, k, t);
        }
        let _ = writeln!(s, "by facet or rule broken:");
        for (k, t) in &self.by_subkind {
            if k.contains(": ") {
                line(&mut s, k, t);
            }
        }
        line(&mut s, "all", &self.total());
        let _ = writeln!(
            s,
            "draws without a place for their mutation: {}",
            self.not_applicable
        );
        s
    }

    /// Every disagreement with its document.
    pub fn disagreement_list(&self) -> String {
        let mut s = String::new();
        for d in &self.disagreements {
            let verdict = |r: &Result<(), String>| match r {
                Ok(()) => "accepts".to_string(),
                Err(e) => format!("refuses: {}", e.trim()),
            };
            let _ = writeln!(
                s,
                "#{} [{}] {} from {}\n  strict reading {}\n  libxml2 {}\n  {}\n",
                d.index,
                d.kind,
                d.detail,
                d.base,
                verdict(&d.ours),
                verdict(&d.libxml2),
                d.document
            );
        }
        s
    }
}

/// Breaking values for the elements and attributes whose name has one type throughout the
/// model.
pub fn breakers(model: &Model) -> Breakers {
    let mut el_types: BTreeMap<String, Vec<TyRef>> = BTreeMap::new();
    let mut attr_types: BTreeMap<String, Vec<TyRef>> = BTreeMap::new();
    let note = |map: &mut BTreeMap<String, Vec<TyRef>>, name: &str, ty: &TyRef| {
        let v = map.entry(name.to_string()).or_default();
        if !v.contains(ty) {
            v.push(ty.clone());
        }
    };
    for e in model.elements.values() {
        note(&mut el_types, &e.qname.name, &e.ty);
    }
    for t in model.types.values() {
        let fields = match &t.kind {
            TypeKind::Struct(st) => {
                for a in &st.attrs {
                    if a.qname.ns.is_empty() {
                        note(&mut attr_types, &a.qname.name, &a.ty);
                    }
                }
                st.fields.as_slice()
            }
            TypeKind::Group { fields } => fields.as_slice(),
            TypeKind::Choice { variants } => variants.as_slice(),
            _ => &[],
        };
        for f in fields {
            if let FieldKind::Element { qname, ty, .. } = &f.kind {
                note(&mut el_types, &qname.name, ty);
            }
        }
    }
    let collect = |map: BTreeMap<String, Vec<TyRef>>| {
        map.into_iter()
            .filter(|(_, tys)| tys.len() == 1)
            .filter_map(|(name, tys)| {
                let b = type_breakers(model, &tys[0], 0);
                (!b.is_empty()).then_some((name, b))
            })
            .collect()
    };
    Breakers {
        elements: collect(el_types),
        attributes: collect(attr_types),
    }
}

/// Only the breaking values of one rule.
fn breakers_for(all: &Breakers, rule: &str) -> Breakers {
    let keep = |m: &BTreeMap<String, Vec<(String, String)>>| {
        m.iter()
            .filter_map(|(n, v)| {
                let v: Vec<_> = v.iter().filter(|(k, _)| k == rule).cloned().collect();
                (!v.is_empty()).then(|| (n.clone(), v))
            })
            .collect()
    };
    Breakers {
        elements: keep(&all.elements),
        attributes: keep(&all.attributes),
    }
}

fn type_breakers(model: &Model, ty: &TyRef, depth: usize) -> Vec<(String, String)> {
    if depth > 16 {
        return Vec::new();
    }
    let b = |k: &str, v: &str| (k.to_string(), v.to_string());
    match ty {
        TyRef::Builtin(builtin) => builtin_breakers(*builtin),
        TyRef::Named(k) => {
            let Some(t) = model.types.get(k) else {
                return Vec::new();
            };
            match &t.kind {
                TypeKind::Alias(inner) => {
                    let f = &t.facets;
                    let mut v = Vec::new();
                    if let Some(n) = f.length {
                        v.push(b("facet length", &"x".repeat(n as usize + 1)));
                    }
                    if let Some(n) = f.min_length.filter(|n| *n > 0) {
                        v.push(b("facet minLength", &"x".repeat(n as usize - 1)));
                    }
                    if let Some(n) = f.max_length {
                        v.push(b("facet maxLength", &"x".repeat(n as usize + 1)));
                    }
                    if !f.patterns.is_empty() {
                        v.push(b("facet pattern", "!#"));
                    }
                    let int = |s: &Option<String>| s.as_ref().and_then(|s| s.parse::<i128>().ok());
                    if let Some(n) = int(&f.min_inclusive) {
                        v.push(b("facet minInclusive", &(n - 1).to_string()));
                    }
                    if let Some(n) = int(&f.max_inclusive) {
                        v.push(b("facet maxInclusive", &(n + 1).to_string()));
                    }
                    if let Some(n) = int(&f.min_exclusive) {
                        v.push(b("facet minExclusive", &n.to_string()));
                    }
                    if let Some(n) = int(&f.max_exclusive) {
                        v.push(b("facet maxExclusive", &n.to_string()));
                    }
                    v.extend(type_breakers(model, inner, depth + 1));
                    v
                }
                TypeKind::Enum { .. } => vec![b("facet enumeration", "NotAnEnumerationValue")],
                TypeKind::List(inner) => type_breakers(model, inner, depth + 1),
                TypeKind::Union(members) => {
                    let all_enums = members.iter().all(|m| match m {
                        TyRef::Named(k) => model
                            .types
                            .get(k)
                            .is_some_and(|t| matches!(t.kind, TypeKind::Enum { .. })),
                        TyRef::Builtin(_) => false,
                    });
                    if all_enums {
                        vec![b("facet enumeration (union)", "NotAnEnumerationValue")]
                    } else {
                        Vec::new()
                    }
                }
                TypeKind::Struct(_) if model.all_fields(k).is_empty() => match model.text_of(k) {
                    Some(text) => type_breakers(model, text, depth + 1),
                    None => Vec::new(),
                },
                _ => Vec::new(),
            }
        }
    }
}

fn builtin_breakers(b: Builtin) -> Vec<(String, String)> {
    let v = |pairs: &[(&str, &str)]| {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    match b {
        Builtin::Bool => v(&[("lexical boolean", "yes")]),
        Builtin::I8 | Builtin::I16 | Builtin::I32 | Builtin::I64 | Builtin::I128 => {
            let over = match b {
                Builtin::I8 => "128",
                Builtin::I16 => "32768",
                Builtin::I32 => "2147483648",
                Builtin::I64 => "9223372036854775808",
                _ => "1e3",
            };
            v(&[
                ("lexical integer", "1.5"),
                ("lexical integer range", over),
                ("lexical integer: surrounding whitespace", " 1 "),
            ])
        }
        Builtin::U8 | Builtin::U16 | Builtin::U32 | Builtin::U64 => {
            let over = match b {
                Builtin::U8 => "256",
                Builtin::U16 => "65536",
                Builtin::U32 => "4294967296",
                _ => "18446744073709551616",
            };
            v(&[
                ("lexical integer", "1.5"),
                ("lexical integer range", over),
                ("lexical unsigned", "-1"),
            ])
        }
        Builtin::F32 | Builtin::F64 => v(&[("lexical double", "1,5")]),
        Builtin::Decimal => v(&[("lexical decimal", "1e5")]),
        Builtin::DateTime => v(&[
            ("lexical dateTime", "2023-02-29T00:00:00"),
            ("lexical dateTime zone", "2024-01-01T00:00:00+15:00"),
            (
                "lexical dateTime: surrounding whitespace",
                " 2024-01-01T00:00:00Z ",
            ),
        ]),
        Builtin::Date => v(&[("lexical date", "2024-13-01")]),
        Builtin::Time => v(&[("lexical time", "24:30:00")]),
        Builtin::Duration => v(&[("lexical duration", "P1H")]),
        Builtin::Base64 => v(&[
            ("lexical base64Binary unpadded", "SGVsbG8"),
            ("lexical base64Binary", "SGVs*G8="),
        ]),
        Builtin::Hex => v(&[("lexical hexBinary", "ABC")]),
        Builtin::Language => v(&[("lexical language", "not a language")]),
        _ => Vec::new(),
    }
}

/// A base document: where it comes from and its root element.
struct Base {
    name: String,
    doc: El,
}

/// The payloads (body's first child) of the documentation samples the index calls
/// schema-valid.
fn sample_bases(shared: &Path) -> Vec<Base> {
    let samples = shared.join("ews-samples");
    let Ok(text) = std::fs::read_to_string(samples.join("index.tsv")) else {
        return Vec::new();
    };
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name);
    let (Some(file), Some(service), Some(wf), Some(valid)) = (
        col("file"),
        col("service"),
        col("well_formed"),
        col("schema_valid_t"),
    ) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for l in lines {
        let cells: Vec<&str> = l.split('\t').collect();
        let get = |i: usize| cells.get(i).copied().unwrap_or("");
        if get(service) != "EWS" || get(wf) != "yes" || get(valid) != "yes" {
            continue;
        }
        let Ok(xml) = std::fs::read_to_string(samples.join(get(file))) else {
            continue;
        };
        let Ok(env) = mutate::parse(&xml) else {
            continue;
        };
        if let Some(doc) = mutate::body_payload(&env) {
            out.push(Base {
                name: get(file).to_string(),
                doc,
            });
        }
    }
    out
}

fn strict() -> ReadOptions {
    ReadOptions::strict()
}

/// The validating copy of the office365 schema set's `messages.xsd`.
pub fn schema(shared: &Path) -> PathBuf {
    crate::validating_schema_dir(shared, "office365").join("messages.xsd")
}

/// Generates `config.documents` mutated documents and judges each with both readers.
/// `progress` is called after each xmllint batch with the documents judged so far.
pub fn run(shared: &Path, config: &Config, mut progress: impl FnMut(usize)) -> Report {
    let (model, _) = match ews_codegen::Builder::new()
        .schema_dir(shared.join("ews-schemas/office365"))
        .model()
    {
        Ok(m) => m,
        Err(e) => {
            let mut r = Report::default();
            r.disagreements.push(Disagreement {
                index: 0,
                base: String::new(),
                kind: "setup".into(),
                detail: format!("the office365 model does not build: {e}"),
                ours: Ok(()),
                libxml2: Err(String::new()),
                document: String::new(),
            });
            return r;
        }
    };
    let breakers = breakers(&model);
    let mut rules: Vec<String> = breakers
        .elements
        .values()
        .chain(breakers.attributes.values())
        .flatten()
        .map(|(k, _)| k.clone())
        .collect();
    rules.sort();
    rules.dedup();
    let samples = sample_bases(shared);
    let schema = schema(shared);
    let mut report = Report::default();
    let mut pending: Vec<(usize, String, mutate::Mutation, String)> = Vec::new();
    for i in 0..config.documents {
        let kind = KINDS[i % KINDS.len()];
        let from_samples = (i / KINDS.len()) & 1 == 0 && !samples.is_empty();
        let mut g = Gen::new(
            config
                .seed
                .wrapping_mul(0x9E37_79B9_7F4A_7C15)
                .wrapping_add(i as u64),
            5,
        );
        // Value mutations aim at one rule in turn (so that rare facets are drawn as often as
        // common ones), then at any rule if no drawn document has a place for it.
        let aimed = (kind == "value breaking a facet or lexical rule" && !rules.is_empty())
            .then(|| breakers_for(&breakers, &rules[(i / KINDS.len()) % rules.len()]));
        let mut made = None;
        for attempt in 0..40 {
            let breakers = match &aimed {
                Some(b) if attempt < 30 => b,
                _ => &breakers,
            };
            let (name, mut doc) = if from_samples {
                let b = &samples[g.below(samples.len())];
                (b.name.clone(), b.doc.clone())
            } else {
                let (tag, build) = ELEMENTS[g.below(ELEMENTS.len())];
                let seed = g.below(usize::MAX) as u64;
                let Ok(text) = build(&mut Gen::new(seed, 5)).to_document() else {
                    continue;
                };
                match mutate::parse(&text) {
                    Ok(d) => (format!("random {tag} (seed {seed})"), d),
                    Err(_) => continue,
                }
            };
            if let Some(m) = mutate::mutate(&mut doc, kind, &mut g, breakers) {
                made = Some((name, m, doc.to_document()));
                break;
            }
        }
        match made {
            Some((name, m, doc)) => pending.push((i, name, m, doc)),
            None => report.not_applicable += 1,
        }
        if pending.len() >= config.batch || i + 1 == config.documents {
            judge(&schema, &mut pending, &mut report);
            progress(i + 1);
        }
    }
    judge(&schema, &mut pending, &mut report);
    report
}

fn judge(
    schema: &Path,
    pending: &mut Vec<(usize, String, mutate::Mutation, String)>,
    report: &mut Report,
) {
    if pending.is_empty() {
        return;
    }
    let docs: Vec<String> = pending.iter().map(|(_, _, _, d)| d.clone()).collect();
    let verdicts = crate::xmllint_validate_many(schema, &docs);
    for ((index, base, m, document), libxml2) in pending.drain(..).zip(verdicts) {
        let ours = std::panic::catch_unwind(|| {
            GlobalElement::from_document_with(&document, strict()).map(|_| ())
        })
        .unwrap_or_else(|_| {
            Err(ewsgen::rt::Error::at(
                ewsgen::rt::ErrorKind::Other("the reader panicked".into()),
                "/",
            ))
        })
        .map_err(|e| e.to_string());
        let top = m.kind.split(": ").next().unwrap_or(&m.kind).to_string();
        report
            .by_kind
            .entry(top)
            .or_default()
            .add(ours.is_ok(), libxml2.is_ok());
        report
            .by_subkind
            .entry(m.kind.clone())
            .or_default()
            .add(ours.is_ok(), libxml2.is_ok());
        if ours.is_ok() != libxml2.is_ok() {
            report.disagreements.push(Disagreement {
                index,
                base,
                kind: m.kind,
                detail: m.detail,
                ours,
                libxml2,
                document,
            });
        }
    }
}
