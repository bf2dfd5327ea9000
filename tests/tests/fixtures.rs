//! Golden-fixture tests of the generator. `build.rs` generates every folder of
//! `codegen/tests/fixtures/` into a module of [`gen`]; for each fixture `<case>` this checks
//!
//! - `<case>::golden`: the generated code equals `<case>/expected.rs` (after an intended
//!   change, rerun with `EWS_BLESS=1 cargo build -p ews-tests` to update the golden files);
//! - `<case>::round_trip`: `example.xml` reads, writes back XML-equivalent (up to the
//!   lexical differences listed in [`tolerances`]), and the output reads back to an equal
//!   value;
//! - `<case>::invalid`: strict reading rejects `invalid.xml` with an error at the element
//!   its first-line comment names; where the default (open-world) reading keeps such a
//!   document by design (a value an enumeration does not list, a changed `fixed` value), it
//!   reads it with the documented result and writes it back unchanged;
//! - `<case>::deterministic`: generating again gives byte-identical code.

use std::path::{Path, PathBuf};

use ews_tests::XNode;

mod gen {
    include!(concat!(env!("OUT_DIR"), "/fixtures.rs"));
}

fn fixture_dir(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../codegen/tests/fixtures")
        .join(case)
}

fn read_fixture(case: &str, file: &str) -> String {
    let path = fixture_dir(case).join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The document API of a fixture's `GlobalElement` (inherent methods in generated code).
trait Document: Sized + PartialEq + std::fmt::Debug {
    fn from_document(xml: &str) -> ewsgen::rt::Result<Self>;
    fn from_document_default(xml: &str) -> ewsgen::rt::Result<Self>;
    fn to_document(&self) -> ewsgen::rt::Result<String>;
}

// ---------------------------------------------------------------------------------------
// (a) golden files and (d) determinism

fn check_golden(case: &str) {
    let mismatch = Path::new(env!("OUT_DIR")).join(format!("golden_mismatch_{case}.txt"));
    if let Ok(summary) = std::fs::read_to_string(&mismatch) {
        panic!(
            "fixture `{case}`: the generated code differs from codegen/tests/fixtures/{case}/expected.rs\n\
             {summary}\n\
             If the change is intended, rerun with `EWS_BLESS=1 cargo build -p ews-tests` to update the golden files."
        );
    }
}

fn check_deterministic(case: &str) {
    let generate = || {
        ews_codegen::Builder::new()
            .schema_files(vec![fixture_dir(case).join("schema.xsd")], None)
            .emit_operations(false)
            .generate()
            .unwrap_or_else(|e| panic!("fixture `{case}`: the generator failed: {e}"))
            .code
    };
    let (first, second) = (generate(), generate());
    assert!(
        first == second,
        "fixture `{case}`: two generations in one process give different code"
    );
    // The build script ran in another process (other hash seeds, another working directory).
    let path = Path::new(env!("OUT_DIR")).join(format!("fixture_{case}.rs"));
    let at_build = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    assert!(
        first == at_build,
        "fixture `{case}`: generating in the test differs from the build script's output"
    );
}

// ---------------------------------------------------------------------------------------
// (b) round trip

/// A lexical difference between `example.xml` and the written document that the schema
/// type says is no difference in value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Same {
    /// `xs:boolean`: `1`/`true` and `0`/`false` are the same value; `true`/`false` is written.
    Boolean,
    /// `xs:float`/`xs:double`: compared as numbers (`1.5E3` = `1500`, `1.0` = `1`).
    Float,
    /// `xs:hexBinary`: the digits are case-insensitive; upper case is written.
    Hex,
    /// `whiteSpace="collapse"` (`xs:token`-based enumerations, `xs:list`): runs of
    /// whitespace are one space, leading and trailing whitespace is dropped.
    Collapse,
    /// `xs:all`: the children may come in any order; schema order is written.
    AnyOrder,
}

/// Where `example.xml` of a case is written back in another lexical form of the same value:
/// `(path, kind)`, where the path is `/Root/Child` for an element's text (or, for
/// [`Same::AnyOrder`], its children) and `/Root/Child/@attr` for an attribute. Every entry
/// must be needed: an entry no difference uses fails the test, so the list stays exact.
fn tolerances(case: &str) -> &'static [(&'static str, Same)] {
    match case {
        // ratio is an xs:double attribute written `1.25E2`.
        "attributes" => &[("/Root/Settings/@ratio", Same::Float)],
        "builtins" => &[
            // The second Boolean is written `0`.
            ("/Root/Elements/Boolean", Same::Boolean),
            // xs:float `1.5E3`.
            ("/Root/Elements/Float", Same::Float),
            // Mixed-case hex digits (`DEADbeef00`, `0a0B`).
            ("/Root/Elements/HexBinary", Same::Hex),
            ("/Root/Attributes/@hexBinary", Same::Hex),
        ],
        // OptionsType is an xs:all; the first Options lists Weight, Size, Color.
        "compositors" => &[("/Root/Options", Same::AnyOrder)],
        // SizeType restricts xs:token; the Size element is written ` Medium `.
        "enums" => &[("/Root/Size", Same::Collapse)],
        // Radius is an xs:double written `1.0`.
        "extension" => &[("/Root/Circle/Radius", Same::Float)],
        // An xs:list separated by tabs and newlines.
        "list_union" => &[("/Root/Days", Same::Collapse)],
        _ => &[],
    }
}

fn parse_double(s: &str) -> Option<f64> {
    match s.trim() {
        "INF" | "+INF" => Some(f64::INFINITY),
        "-INF" => Some(f64::NEG_INFINITY),
        "NaN" => Some(f64::NAN),
        // Rust also accepts `inf`, `infinity` and `nan`, which XML Schema does not.
        t if t.contains(|c: char| c.is_ascii_alphabetic() && c != 'e' && c != 'E') => None,
        t => t.parse().ok(),
    }
}

fn same_value(kind: Same, a: &str, b: &str) -> bool {
    let collapse = |s: &str| s.split_ascii_whitespace().collect::<Vec<_>>().join(" ");
    match kind {
        Same::Boolean => {
            let canon = |s: &str| match s.trim() {
                "true" | "1" => Some(true),
                "false" | "0" => Some(false),
                _ => None,
            };
            canon(a).is_some() && canon(a) == canon(b)
        }
        Same::Float => match (parse_double(a), parse_double(b)) {
            (Some(x), Some(y)) => x == y || (x.is_nan() && y.is_nan()),
            _ => false,
        },
        Same::Hex => a.trim().eq_ignore_ascii_case(b.trim()),
        Same::Collapse => collapse(a) == collapse(b),
        Same::AnyOrder => false,
    }
}

/// Compares two trees like [`ews_tests::xml_equivalent`], but accepts the differences that
/// `rules` allow, noting which rules were needed, and collects every difference.
struct Tolerant<'r> {
    rules: &'r [(&'static str, Same)],
    used: Vec<bool>,
    diffs: Vec<String>,
}

impl<'r> Tolerant<'r> {
    fn new(rules: &'r [(&'static str, Same)]) -> Self {
        Tolerant {
            rules,
            used: vec![false; rules.len()],
            diffs: Vec::new(),
        }
    }

    /// Whether a rule allows `kind` at `path`; marks it used.
    fn allows(&mut self, path: &str, kind: Same) -> bool {
        match self.rules.iter().position(|r| *r == (path, kind)) {
            Some(i) => {
                self.used[i] = true;
                true
            }
            None => false,
        }
    }

    fn text(&mut self, path: &str, a: &str, b: &str) {
        if a == b {
            return;
        }
        let kind = self
            .rules
            .iter()
            .find(|(p, k)| *p == path && same_value(*k, a, b))
            .map(|r| r.1);
        match kind {
            Some(k) => {
                self.allows(path, k);
            }
            None => self.diffs.push(format!("{path}: {a:?} vs {b:?}")),
        }
    }

    fn node(&mut self, a: &XNode, b: &XNode, path: &str) {
        match (a, b) {
            (XNode::Text(x), XNode::Text(y)) => self.text(path, x, y),
            (XNode::Element(na, la, aa, ca), XNode::Element(nb, lb, ab, cb)) => {
                let p = format!("{path}/{la}");
                if na != nb || la != lb {
                    self.diffs
                        .push(format!("{p}: element {{{na}}}{la} vs {{{nb}}}{lb}"));
                    return;
                }
                self.attributes(&p, aa, ab);
                let key = |n: &XNode| match n {
                    XNode::Element(ns, l, ..) => (1, ns.clone(), l.clone()),
                    XNode::Text(_) => (0, String::new(), String::new()),
                };
                let (mut ca, mut cb) =
                    (ca.iter().collect::<Vec<_>>(), cb.iter().collect::<Vec<_>>());
                let order_a: Vec<_> = ca.iter().map(|n| key(n)).collect();
                let order_b: Vec<_> = cb.iter().map(|n| key(n)).collect();
                if order_a != order_b && self.rules.contains(&(p.as_str(), Same::AnyOrder)) {
                    ca.sort_by_key(|n| key(n));
                    cb.sort_by_key(|n| key(n));
                    if ca.iter().map(|n| key(n)).eq(cb.iter().map(|n| key(n))) {
                        self.allows(&p, Same::AnyOrder);
                    }
                }
                if ca.len() != cb.len() {
                    let names =
                        |c: &[&XNode]| c.iter().map(|n| key(n).2).collect::<Vec<_>>().join(", ");
                    self.diffs.push(format!(
                        "{p}: children [{}] vs [{}]",
                        names(&ca),
                        names(&cb)
                    ));
                    return;
                }
                for (x, y) in ca.into_iter().zip(cb) {
                    self.node(x, y, &p);
                }
            }
            _ => self.diffs.push(format!("{path}: {a:?} vs {b:?}")),
        }
    }

    fn attributes(
        &mut self,
        p: &str,
        aa: &[(String, String, String)],
        ab: &[(String, String, String)],
    ) {
        let name = |ns: &str, l: &str| {
            if ns.is_empty() {
                format!("{p}/@{l}")
            } else {
                format!("{p}/@{{{ns}}}{l}")
            }
        };
        for (ns, l, va) in aa {
            match ab.iter().find(|(n, m, _)| n == ns && m == l) {
                Some((_, _, vb)) => self.text(&name(ns, l), va, vb),
                None => self.diffs.push(format!(
                    "{}: in example.xml ({va:?}) but not written",
                    name(ns, l)
                )),
            }
        }
        for (ns, l, vb) in ab {
            if !aa.iter().any(|(n, m, _)| n == ns && m == l) {
                self.diffs.push(format!(
                    "{}: written ({vb:?}) but not in example.xml",
                    name(ns, l)
                ));
            }
        }
    }
}

fn check_round_trip<D: Document>(case: &str) {
    let input = read_fixture(case, "example.xml");
    let value = D::from_document(&input)
        .unwrap_or_else(|e| panic!("fixture `{case}`: example.xml does not read: {e}"));
    let output = value.to_document().unwrap();

    let rules = tolerances(case);
    let mut cmp = Tolerant::new(rules);
    // Strict first; only where that fails, the per-case tolerances (which must all be used).
    if ews_tests::xml_equivalent(&input, &output).is_err() {
        let a = ews_tests::parse_tree(&input).expect("example.xml parses");
        let b = ews_tests::parse_tree(&output)
            .unwrap_or_else(|e| panic!("fixture `{case}`: the output is not XML: {e}\n{output}"));
        cmp.node(&a, &b, "");
        assert!(
            cmp.diffs.is_empty(),
            "fixture `{case}`: the written document differs from example.xml \
             (differences the schema types do not explain):\n    {}\n--- written:\n{output}",
            cmp.diffs.join("\n    ")
        );
    }
    let unused: Vec<_> = rules
        .iter()
        .zip(&cmp.used)
        .filter(|(_, used)| !**used)
        .map(|(r, _)| r)
        .collect();
    assert!(
        unused.is_empty(),
        "fixture `{case}`: tolerances no longer needed, remove them from `tolerances`: {unused:?}"
    );

    let again = D::from_document(&output)
        .unwrap_or_else(|e| panic!("fixture `{case}`: the written document does not read back: {e}\n--- written:\n{output}"));
    assert!(
        value == again,
        "fixture `{case}`: reading the written document gives another value\n--- from example.xml:\n{value:#?}\n--- read back:\n{again:#?}"
    );
    // Writing is a fixed point: byte-identical.
    let rewritten = again.to_document().unwrap();
    assert_eq!(
        rewritten, output,
        "fixture `{case}`: writing the value read back gives another document"
    );
}

// ---------------------------------------------------------------------------------------
// (c) invalid documents

/// `invalid.xml` must fail to read, with the error at `at` (the element its first-line
/// comment names) or inside it, so that a document rejected for another reason does not
/// hide the check the fixture is about.
fn check_rejected<D: Document>(case: &str, at: &str) {
    let doc = read_fixture(case, "invalid.xml");
    let why = doc.lines().next().unwrap_or_default().trim().to_string();
    match D::from_document(&doc) {
        Err(e) if e.path == at || e.path.starts_with(&format!("{at}/")) => {
            eprintln!("fixture `{case}`: invalid.xml rejected as expected: {e}");
        }
        Err(e) => panic!("fixture `{case}`: invalid.xml was rejected, but not at {at}: {e}\n{why}"),
        Ok(v) => panic!("fixture `{case}`: invalid.xml was accepted\n{why}\n{v:#?}"),
    }
}

/// For an `invalid.xml` that strict reading refuses at `at` but the default (open-world)
/// reading keeps by design: it reads, `check` sees the documented result, and the
/// out-of-schema value is written back unchanged.
fn check_kept<D: Document>(case: &str, at: &str, check: fn(&D)) {
    check_rejected::<D>(case, at);
    let doc = read_fixture(case, "invalid.xml");
    let v = D::from_document_default(&doc).unwrap_or_else(|e| {
        panic!("fixture `{case}`: the default reading refuses invalid.xml ({e})")
    });
    check(&v);
    let out = v.to_document().unwrap();
    if let Err(diff) = ews_tests::xml_equivalent(&doc, &out) {
        panic!("fixture `{case}`: the accepted invalid.xml is not written back unchanged: {diff}\n--- written:\n{out}");
    }
    assert_eq!(
        D::from_document_default(&out).ok().as_ref(),
        Some(&v),
        "fixture `{case}`: the written invalid.xml reads differently"
    );
}

/// An unprefixed attribute kept for `xs:anyAttribute` is in no namespace, also under a
/// default namespace declaration (which binds elements only), and is written back as it was.
#[test]
fn unprefixed_open_attributes_stay_in_no_namespace() {
    let doc = r#"<Root xmlns="urn:ewsgen:fixture:any">
  <Extension><Name>n</Name></Extension>
  <Payload other="y"/>
  <LocalExt><plain xmlns="">p</plain><End>1</End></LocalExt>
</Root>"#;
    let value = <gen::any::GlobalElement as Document>::from_document(doc)
        .unwrap_or_else(|e| panic!("the document does not read: {e}"));
    let gen::any::GlobalElement::Root(root) = &value;
    let attrs = &root.payload.other_attributes;
    assert_eq!(attrs.len(), 1, "{attrs:?}");
    assert_eq!(attrs[0].namespace, None, "{attrs:?}");
    assert_eq!(
        (attrs[0].name.as_str(), attrs[0].value.as_str()),
        ("other", "y")
    );
    let out = value.to_document().unwrap();
    if let Err(diff) = ews_tests::xml_equivalent(doc, &out) {
        panic!("written back differently: {diff}\n{out}");
    }
}

/// `version` has `fixed="1.0"`: strict reading refuses `2.0`; the default reading keeps it.
fn attributes_accepted(v: &gen::attributes::GlobalElement) {
    let gen::attributes::GlobalElement::Root(root) = v;
    assert_eq!(root.settings[0].version.as_deref(), Some("2.0"));
}

/// Strict reading refuses a value an enumeration does not list; the default reading keeps
/// it as `UnknownValue` (README: "so a newer server does not break a client").
fn documentation_accepted(v: &gen::documentation::GlobalElement) {
    use gen::documentation::documentation::ColorType;
    let gen::documentation::GlobalElement::Root(root) = v;
    assert_eq!(
        root.notes[0].colors,
        vec![ColorType::UnknownValue("Purple".into())]
    );
}

/// As for `documentation`; this also shows the match is case-sensitive: the value is not
/// taken for `multi-word-value`.
fn enums_accepted(v: &gen::enums::GlobalElement) {
    use gen::enums::enums::OddSpellingType;
    let gen::enums::GlobalElement::Root(root) = v;
    assert_eq!(
        root.odds,
        vec![OddSpellingType::UnknownValue("Multi-Word-Value".into())]
    );
}

/// An `xs:list` of an enumeration: the unlisted item is kept as `UnknownValue`.
fn list_union_accepted(v: &gen::list_union::GlobalElement) {
    use gen::list_union::list_union::DayOfWeekType;
    let gen::list_union::GlobalElement::Root(root) = v;
    assert_eq!(root.days.len(), 1);
    assert_eq!(
        root.days[0].0,
        vec![
            DayOfWeekType::Monday,
            DayOfWeekType::UnknownValue("Funday".into())
        ]
    );
}

/// The enumeration behind a simpleContent extension keeps `Pending` as `UnknownValue`.
fn simple_content_accepted(v: &gen::simple_content::GlobalElement) {
    use gen::simple_content::simple_content::StatusValueType;
    let gen::simple_content::GlobalElement::Root(root) = v;
    assert_eq!(root.statuses.len(), 1);
    assert_eq!(
        root.statuses[0].value,
        StatusValueType::UnknownValue("Pending".into())
    );
}

// ---------------------------------------------------------------------------------------

macro_rules! invalid_test {
    (rejected($at:literal)) => {
        #[test]
        fn invalid() {
            check_rejected::<Doc>(CASE, $at);
        }
    };
    (kept($at:literal, $check:path)) => {
        #[test]
        fn invalid() {
            check_kept::<Doc>(CASE, $at, $check);
        }
    };
}

/// One module of tests per fixture:
/// `fixtures! { case: rejected("/Root/Where") | kept("/Root/Where", check_fn), ... }`.
macro_rules! fixtures {
    ($($case:ident: $invalid:ident($($arg:tt)*)),* $(,)?) => {
        $(
            impl Document for gen::$case::GlobalElement {
                fn from_document(xml: &str) -> ewsgen::rt::Result<Self> {
                    // Strict: the fixtures check that out-of-schema elements are refused.
                    let options = ewsgen::rt::ReadOptions::strict();
                    gen::$case::GlobalElement::from_document_with(xml, options)
                }
                fn from_document_default(xml: &str) -> ewsgen::rt::Result<Self> {
                    gen::$case::GlobalElement::from_document(xml)
                }
                fn to_document(&self) -> ewsgen::rt::Result<String> {
                    gen::$case::GlobalElement::to_document(self)
                }
            }

            mod $case {
                use super::*;
                const CASE: &str = stringify!($case);
                type Doc = gen::$case::GlobalElement;

                #[test]
                fn golden() {
                    check_golden(CASE);
                }

                #[test]
                fn round_trip() {
                    check_round_trip::<Doc>(CASE);
                }

                #[test]
                fn deterministic() {
                    check_deterministic(CASE);
                }

                invalid_test!($invalid($($arg)*));
            }
        )*

        /// The list covers every fixture folder.
        #[test]
        fn every_fixture_is_tested() {
            let listed: &[&str] = &[$(stringify!($case)),*];
            assert_eq!(listed, gen::CASES, "list the fixture folders in `fixtures!` in tests/fixtures.rs");
        }
    };
}

fixtures! {
    any: rejected("/Root/Extension"),
    attributes: kept("/Root/Settings", attributes_accepted),
    builtins: rejected("/Root/Elements"),
    compositors: rejected("/Root/Pairs"),
    documentation: kept("/Root/Note/Color", documentation_accepted),
    enums: kept("/Root/Odd", enums_accepted),
    extension: rejected("/Root/Message"),
    groups: rejected("/Root/Person"),
    import: rejected("/Root/Address"),
    list_union: kept("/Root/Days", list_union_accepted),
    names: rejected("/Root/Foo"),
    simple_content: kept("/Root/Status", simple_content_accepted),
    substitution: rejected("/Root/SearchExpression"),
}
