//! Helpers for the end-to-end tests: locating the shared EWS material, comparing XML
//! documents namespace-aware, and validating with libxml2.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;

/// The differential test of strict reading against libxml2 (needs the official material).
#[cfg(ews_shared)]
pub mod differential;
pub mod mutate;
pub mod random;

/// Bindings generated from the official office365 schema set; only with the shared
/// material (`cfg(ews_shared)`, set by the build script).
#[cfg(ews_shared)]
#[allow(
    clippy::all,
    clippy::pedantic,
    dead_code,
    missing_docs,
    non_camel_case_types,
    non_snake_case,
    unused_imports,
    rustdoc::all
)]
pub mod office365 {
    include!(concat!(env!("OUT_DIR"), "/office365_full.rs"));
}

/// The runtime with the office365 bindings in place of the default ones: what `ewsgen::`
/// means in the guide's examples when they are compiled against office365.
#[cfg(ews_shared)]
pub mod office365_ewsgen {
    pub use crate::office365::{
        messages, types, GlobalElement, RequestHeaders, ResponseHeaders, NAMESPACES,
    };
    pub use ::ewsgen::*;
}

/// The examples of the runtime's guide (`generated/guide.md`), compiled against the
/// office365 bindings: one module per example, and `run(name, client)`.
#[cfg(ews_shared)]
#[allow(clippy::all, clippy::pedantic, missing_docs, unused_imports, dead_code)]
pub mod guide {
    include!(concat!(env!("OUT_DIR"), "/guide.rs"));
}

/// Bindings of three office365 operations (AddDistributionGroupToImList, GetPersona,
/// PerformReminderAction) generated with the required elements that documented messages
/// leave out made optional (`Builder::optional_element`):
/// `AddDistributionGroupToImListType/DisplayName`, `GetPersonaResponseMessageType/Persona`,
/// `NonEmptyArrayOfItemIdsType/ItemId`.
#[cfg(ews_shared)]
#[allow(
    clippy::all,
    clippy::pedantic,
    dead_code,
    missing_docs,
    non_camel_case_types,
    non_snake_case,
    unused_imports,
    rustdoc::all
)]
pub mod office365_relaxed {
    include!(concat!(env!("OUT_DIR"), "/office365_relaxed.rs"));
}

/// Bindings of the project's own schema set (`schemas/`, the IM family), with random
/// values, for the wire-compatibility tests against the official schema.
#[allow(
    clippy::all,
    clippy::pedantic,
    dead_code,
    missing_docs,
    non_camel_case_types,
    non_snake_case,
    unused_imports,
    rustdoc::all
)]
pub mod own {
    include!(concat!(env!("OUT_DIR"), "/own.rs"));
}

/// An example of `ewsgen` as `cargo test --workspace` built it (beside the test binaries,
/// in the target profile's `examples` folder); a missing one fails the test.
pub fn example_path(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    let dir = exe
        .parent()
        .and_then(|d| d.parent())
        .expect("target profile folder");
    let bin = dir
        .join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.is_file(),
        "{} is missing: cargo test --workspace builds it (ewsgen with the `client` feature)",
        bin.display()
    );
    bin
}

/// The folder holding `ews-schemas/` and `ews-samples/`: `EWS_SHARED_DIR`, or `../shared`
/// beside the workspace. Only the tests compiled with `cfg(ews_shared)` (set by the build
/// script when the material is there) call it; it panics, failing the test, when the
/// material has gone since the build.
pub fn shared_dir() -> PathBuf {
    let dir = match std::env::var_os("EWS_SHARED_DIR") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"),
    };
    assert!(
        dir.join("ews-schemas").is_dir() && dir.join("ews-samples").is_dir(),
        "the shared EWS material is missing at {} (set EWS_SHARED_DIR)",
        dir.display()
    );
    dir
}

/// An element tree for comparisons: names resolved, attributes sorted, namespace
/// declarations, comments and whitespace-only text left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum XNode {
    /// An element: namespace, local name, attributes, children.
    Element(String, String, Vec<(String, String, String)>, Vec<XNode>),
    /// Text.
    Text(String),
}

fn ns_of(r: ResolveResult<'_>) -> String {
    match r {
        ResolveResult::Bound(ns) => ns.0.to_string(),
        ResolveResult::Unbound => String::new(),
        ResolveResult::Unknown(p) => format!("(unknown prefix {p})"),
    }
}

/// Parses a document into an [`XNode`] tree.
pub fn parse_tree(xml: &str) -> Result<XNode, String> {
    let mut r = NsReader::from_str(xml);
    let mut stack: Vec<XNode> = vec![XNode::Element(
        String::new(),
        "#document".into(),
        vec![],
        vec![],
    )];
    loop {
        let (res, ev) = r.read_resolved_event().map_err(|e| e.to_string())?;
        let ns = ns_of(res);
        match ev {
            Event::Start(e) | Event::Empty(e) => {
                let mut attrs = Vec::new();
                for a in e.attributes() {
                    let a = a.map_err(|e| e.to_string())?;
                    let q = a.key.into_inner();
                    if q == "xmlns" || q.starts_with("xmlns:") {
                        continue;
                    }
                    let (res, local) = r.resolver().resolve_attribute(a.key);
                    let v = a
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .map_err(|e| e.to_string())?;
                    attrs.push((ns_of(res), local.into_inner().to_string(), v.into_owned()));
                }
                attrs.sort();
                let el = XNode::Element(ns, e.local_name().into_inner().to_string(), attrs, vec![]);
                let empty = xml.as_bytes()[..r.buffer_position() as usize].ends_with(b"/>");
                if empty {
                    push_child(&mut stack, el);
                } else {
                    stack.push(el);
                }
            }
            Event::End(_) => {
                let mut done = stack.pop().ok_or("unbalanced")?;
                normalize(&mut done);
                push_child(&mut stack, done);
            }
            Event::Text(t) => push_text(&mut stack, &t.xml10_content()),
            Event::CData(t) => push_text(&mut stack, &t.xml10_content()),
            Event::GeneralRef(g) => {
                let s = if g.is_char_ref() {
                    g.resolve_char_ref()
                        .ok()
                        .flatten()
                        .map(|c| c.to_string())
                        .unwrap_or_default()
                } else {
                    match &*g.xml10_content() {
                        "lt" => "<".into(),
                        "gt" => ">".into(),
                        "amp" => "&".into(),
                        "apos" => "'".into(),
                        "quot" => "\"".into(),
                        other => return Err(format!("unknown entity {other}")),
                    }
                };
                push_text(&mut stack, &s);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let mut doc = stack.pop().ok_or("empty")?;
    normalize(&mut doc);
    match doc {
        XNode::Element(_, _, _, mut c) if c.len() == 1 => Ok(c.remove(0)),
        _ => Err("expected one root element".into()),
    }
}

fn push_child(stack: &mut [XNode], n: XNode) {
    if let Some(XNode::Element(_, _, _, c)) = stack.last_mut() {
        c.push(n);
    }
}

fn push_text(stack: &mut [XNode], s: &str) {
    if let Some(XNode::Element(_, _, _, c)) = stack.last_mut() {
        if let Some(XNode::Text(t)) = c.last_mut() {
            t.push_str(s);
        } else {
            c.push(XNode::Text(s.to_string()));
        }
    }
}

/// Drops whitespace-only text beside elements (insignificant whitespace).
fn normalize(n: &mut XNode) {
    if let XNode::Element(_, _, _, c) = n {
        let has_el = c.iter().any(|x| matches!(x, XNode::Element(..)));
        if has_el {
            c.retain(|x| !matches!(x, XNode::Text(t) if t.trim().is_empty()));
        } else if c
            .iter()
            .all(|x| matches!(x, XNode::Text(t) if t.is_empty()))
        {
            c.clear();
        }
    }
}

/// Compares two documents namespace-aware (prefixes, namespace declarations, comments and
/// whitespace between elements aside); on a difference, says where.
pub fn xml_equivalent(a: &str, b: &str) -> Result<(), String> {
    xml_equivalent_with(a, b, &LexicalRules::default())
}

/// Like [`xml_equivalent`], also accepting the lexical differences that `rules` (derived
/// from the schema's types) say leave the value unchanged.
pub fn xml_equivalent_with(a: &str, b: &str, rules: &LexicalRules) -> Result<(), String> {
    let mut ta = parse_tree(a).map_err(|e| format!("first document: {e}"))?;
    let mut tb = parse_tree(b).map_err(|e| format!("second document: {e}"))?;
    rules.canonicalize(&mut ta);
    rules.canonicalize(&mut tb);
    diff(&ta, &tb, "")
}

/// Elements whose text may change lexical form without changing value, by the schema types
/// of the elements that carry their name: whitespace inside `xs:base64Binary` values (line
/// breaks are allowed there and dropped on writing), and whitespace-only text in elements
/// of a type with element-only or empty content (insignificant there, even with no child).
/// Rules are keyed by parent and element name; a pair the schema gives different kinds of
/// type in different places gets no rule.
#[derive(Debug, Clone, Default)]
pub struct LexicalRules {
    /// `(parent, element)` names (each `(namespace, local name)`; the parent is empty for
    /// global elements) of elements typed `xs:base64Binary` or a restriction of it.
    pub base64: BTreeSet<((String, String), (String, String))>,
    /// `(parent, element)` names of elements whose type has element-only or empty content.
    pub element_only: BTreeSet<((String, String), (String, String))>,
}

impl LexicalRules {
    /// The rules of a resolved schema model.
    pub fn from_model(model: &ews_codegen::model::Model) -> Self {
        use ews_codegen::model::{Builtin, Field, FieldKind, TyRef, TypeKey, TypeKind};
        use std::collections::BTreeMap;
        fn base<'m>(model: &'m ews_codegen::model::Model, mut ty: &'m TyRef) -> Option<Builtin> {
            // Follow aliases (restrictions without enumerations) to the built-in type.
            for _ in 0..32 {
                match ty {
                    TyRef::Named(k) => match model.types.get(k).map(|t| &t.kind) {
                        Some(TypeKind::Alias(inner)) => ty = inner,
                        _ => return None,
                    },
                    TyRef::Builtin(b) => return Some(*b),
                }
            }
            None
        }
        let is_empty = |ty: &TyRef| match ty {
            TyRef::Named(k) => {
                model.struct_of(k).is_some_and(|s| !s.mixed) && model.text_of(k).is_none()
            }
            TyRef::Builtin(_) => false,
        };
        type Name = (String, String);
        let name = |q: &ews_codegen::xsd::QName| (q.ns.clone(), q.name.clone());
        // A struct's fields with its bases' (a derived type's element holds them all).
        let fields_of = |t: &ews_codegen::model::TypeDef| -> Vec<Field> {
            match &t.kind {
                TypeKind::Struct(_) => model.all_fields(&t.key).into_iter().cloned().collect(),
                TypeKind::Group { fields } => fields.clone(),
                TypeKind::Choice { variants } => variants.clone(),
                _ => Vec::new(),
            }
        };
        // The element names each type (and each group, through the types using it) is
        // the content of.
        let mut owners: BTreeMap<TypeKey, BTreeSet<Name>> = BTreeMap::new();
        for e in model.elements.values() {
            if let TyRef::Named(k) = &e.ty {
                owners.entry(k.clone()).or_default().insert(name(&e.qname));
            }
        }
        for t in model.types.values() {
            for f in fields_of(t) {
                if let FieldKind::Element {
                    qname,
                    ty: TyRef::Named(k),
                    ..
                } = &f.kind
                {
                    owners.entry(k.clone()).or_default().insert(name(qname));
                }
            }
        }
        loop {
            let mut changed = false;
            for t in model.types.values() {
                let mine = owners.get(&t.key).cloned().unwrap_or_default();
                // Groups stand in the elements of the types using them; the types an
                // abstract type's element holds (by xsi:type) in that element.
                let mut inner: Vec<TypeKey> = fields_of(t)
                    .iter()
                    .filter_map(|f| match &f.kind {
                        FieldKind::Group(g) => Some(g.clone()),
                        _ => None,
                    })
                    .collect();
                if let TypeKind::Derived { variants } = &t.kind {
                    for v in variants {
                        if let FieldKind::Element {
                            ty: TyRef::Named(k),
                            ..
                        } = &v.kind
                        {
                            inner.push(k.clone());
                        }
                    }
                }
                for g in inner {
                    let set = owners.entry(g).or_default();
                    for o in &mine {
                        changed |= set.insert(o.clone());
                    }
                }
            }
            if !changed {
                break;
            }
        }
        let mut kinds: BTreeMap<(Name, Name), (bool, bool)> = BTreeMap::new();
        let mut note = |parent: Name, q: &ews_codegen::xsd::QName, ty: &TyRef| {
            let v = (base(model, ty) == Some(Builtin::Base64), is_empty(ty));
            kinds
                .entry((parent, name(q)))
                .and_modify(|old| {
                    if *old != v {
                        *old = (false, false);
                    }
                })
                .or_insert(v);
        };
        for e in model.elements.values() {
            note(top(), &e.qname, &e.ty);
        }
        for t in model.types.values() {
            let Some(parents) = owners.get(&t.key) else {
                continue;
            };
            for f in fields_of(t) {
                if let FieldKind::Element { qname, ty, .. } = &f.kind {
                    for p in parents {
                        note(p.clone(), qname, ty);
                    }
                }
            }
        }
        let mut rules = LexicalRules::default();
        for (k, (b64, empty)) in kinds {
            if b64 {
                rules.base64.insert(k);
            } else if empty {
                rules.element_only.insert(k);
            }
        }
        rules
    }

    fn canonicalize(&self, n: &mut XNode) {
        self.canonicalize_in(&top(), n);
    }

    fn canonicalize_in(&self, parent: &(String, String), n: &mut XNode) {
        if let XNode::Element(ns, local, _, children) = n {
            let me = (ns.clone(), local.clone());
            let key = (parent.clone(), me.clone());
            let global = (top(), me.clone());
            let has = |set: &BTreeSet<_>| set.contains(&key) || set.contains(&global);
            if has(&self.base64) {
                for c in children.iter_mut() {
                    if let XNode::Text(t) = c {
                        *t = t.split_ascii_whitespace().collect();
                    }
                }
            } else if has(&self.element_only) {
                children.retain(|c| !matches!(c, XNode::Text(t) if t.trim().is_empty()));
            }
            for c in children {
                self.canonicalize_in(&me, c);
            }
        }
    }
}

/// The parent recorded for global elements: they may stand anywhere (SOAP header, body,
/// document root).
fn top() -> (String, String) {
    (String::new(), String::new())
}

fn diff(a: &XNode, b: &XNode, path: &str) -> Result<(), String> {
    match (a, b) {
        (XNode::Text(x), XNode::Text(y)) if x == y => Ok(()),
        (XNode::Element(na, la, aa, ca), XNode::Element(nb, lb, ab, cb)) => {
            let p = format!("{path}/{la}");
            if na != nb || la != lb {
                return Err(format!("{p}: element {{{na}}}{la} vs {{{nb}}}{lb}"));
            }
            if aa != ab {
                return Err(format!("{p}: attributes {aa:?} vs {ab:?}"));
            }
            if ca.len() != cb.len() {
                return Err(format!(
                    "{p}: {} children vs {}: {ca:?} vs {cb:?}",
                    ca.len(),
                    cb.len()
                ));
            }
            for (x, y) in ca.iter().zip(cb) {
                diff(x, y, &p)?;
            }
            Ok(())
        }
        _ => Err(format!("{path}: {a:?} vs {b:?}")),
    }
}

/// Validates `xml` with `xmllint --schema schema`; Err carries xmllint's message.
pub fn xmllint_validate(schema: &Path, xml: &str) -> Result<(), String> {
    let dir = std::env::temp_dir().join(format!("ews-xmllint-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let file = dir.join(format!("doc{n}.xml"));
    std::fs::write(&file, xml).map_err(|e| e.to_string())?;
    let out = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(schema)
        .arg(&file)
        .output()
        .map_err(|e| format!("cannot run xmllint (install libxml2-utils): {e}"))?;
    let _ = std::fs::remove_file(&file);
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// A copy of an official schema set whose `xml` import points at `xml.xsd`, for libxml2.
pub fn validating_schema_dir(shared: &Path, set: &str) -> PathBuf {
    // Tests run on several threads: each set is copied once per process, under a
    // lock, so no test reads a schema file while another one is writing it.
    static DONE: std::sync::Mutex<Vec<(PathBuf, PathBuf)>> = std::sync::Mutex::new(Vec::new());
    let src = shared.join("ews-schemas").join(set);
    let mut done = DONE.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, dst)) = done.iter().find(|(s, _)| *s == src) {
        return dst.clone();
    }
    let dst = std::env::temp_dir().join(format!("ews-schemas-{set}-{}", std::process::id()));
    std::fs::create_dir_all(&dst).expect("temp dir");
    let xml_xsd = shared.join("ews-schemas/xml.xsd");
    for f in ["messages.xsd", "types.xsd"] {
        let text = std::fs::read_to_string(src.join(f)).expect("schema file");
        let text = text.replace(
            "<xs:import namespace=\"http://www.w3.org/XML/1998/namespace\"/>",
            &format!(
                "<xs:import namespace=\"http://www.w3.org/XML/1998/namespace\" schemaLocation=\"{}\"/>",
                xml_xsd.display()
            ),
        );
        std::fs::write(dst.join(f), text).expect("write schema copy");
    }
    done.push((src, dst.clone()));
    dst
}

/// Validates many documents with one `xmllint --schema schema` run (the schema is compiled
/// once). Returns one result per document, in order; Err carries xmllint's messages for
/// that document.
pub fn xmllint_validate_many(schema: &Path, docs: &[String]) -> Vec<Result<(), String>> {
    if docs.is_empty() {
        return Vec::new();
    }
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("ews-xmllint-{}-batch{n}", std::process::id()));
    if let Err(e) = std::fs::create_dir_all(&dir) {
        return docs.iter().map(|_| Err(e.to_string())).collect();
    }
    let files: Vec<PathBuf> = (0..docs.len())
        .map(|i| dir.join(format!("d{i}.xml")))
        .collect();
    for (f, d) in files.iter().zip(docs) {
        if let Err(e) = std::fs::write(f, d) {
            return docs.iter().map(|_| Err(e.to_string())).collect();
        }
    }
    let out = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(schema)
        .args(&files)
        .output();
    let _ = std::fs::remove_dir_all(&dir);
    let out = match out {
        Ok(o) => o,
        Err(e) => {
            let msg = format!("cannot run xmllint (install libxml2-utils): {e}");
            return docs.iter().map(|_| Err(msg.clone())).collect();
        }
    };
    let stderr = String::from_utf8_lossy(&out.stderr);
    files
        .iter()
        .map(|f| {
            let name = f.display().to_string();
            let mine: Vec<&str> = stderr
                .lines()
                .filter(|l| l.starts_with(&name) && l[name.len()..].starts_with([':', ' ']))
                .collect();
            if mine.iter().any(|l| *l == format!("{name} validates")) {
                Ok(())
            } else if mine.is_empty() {
                Err(format!(
                    "xmllint said nothing about this document: {stderr}"
                ))
            } else {
                Err(mine.join("\n"))
            }
        })
        .collect()
}
