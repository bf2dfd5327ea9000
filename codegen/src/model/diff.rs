//! What changed between two resolved models (two schema versions): operations, types,
//! fields and enumeration values, keyed by their XML Schema names so that Rust renames do
//! not show as changes.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::{Attribute, Builtin, Field, FieldKind, Model, Occurs, TyRef, TypeKind, UNBOUNDED};

/// A field of a type, as compared: its rendered type and occurrence.
#[derive(Debug, Clone, PartialEq, Eq)]
struct FieldSig {
    ty: String,
    occurs: String,
}

/// The comparable view of one model.
#[derive(Debug, Default)]
struct View {
    operations: BTreeSet<String>,
    /// Type name -> fields (`Element` or `@attribute`) -> signature.
    types: BTreeMap<String, BTreeMap<String, FieldSig>>,
    /// Enumeration type name -> values.
    enums: BTreeMap<String, BTreeSet<String>>,
}

/// The differences between two models.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Diff {
    /// Operations only in the newer set.
    pub operations_added: Vec<String>,
    /// Operations only in the older set.
    pub operations_removed: Vec<String>,
    /// Types only in the newer set.
    pub types_added: Vec<String>,
    /// Types only in the older set.
    pub types_removed: Vec<String>,
    /// `Type.Field (type, occurrence)` only in the newer set (of types in both).
    pub fields_added: Vec<String>,
    /// `Type.Field (type, occurrence)` only in the older set.
    pub fields_removed: Vec<String>,
    /// `Type.Field: old -> new`.
    pub fields_changed: Vec<String>,
    /// `Type: value` only in the newer set.
    pub enum_values_added: Vec<String>,
    /// `Type: value` only in the older set.
    pub enum_values_removed: Vec<String>,
}

fn ns_prefix(m: &Model, uri: &str) -> String {
    match m.ns_index(uri) {
        Some(i) => format!("{}:", m.namespaces[i].prefix),
        None if uri.is_empty() => String::new(),
        None => format!("{{{uri}}}"),
    }
}

fn type_name(m: &Model, k: &super::TypeKey) -> String {
    let t = &m.types[k];
    match &t.xml_name {
        Some(q) => format!("{}{}", ns_prefix(m, &q.ns), q.name),
        // Anonymous types are named after where they stand.
        None => format!("{}(anonymous {})", m.namespaces[k.ns].prefix, k.name),
    }
}

fn render(m: &Model, t: &TyRef) -> String {
    match t {
        TyRef::Builtin(b) => match b {
            Builtin::AnyType => "xs:anyType".into(),
            other => format!("xs:{other:?}"),
        },
        TyRef::Named(k) => type_name(m, k),
    }
}

fn occurs(o: Occurs) -> String {
    match o {
        Occurs::Required => "1".into(),
        Occurs::Optional => "0..1".into(),
        Occurs::Many {
            min,
            max: UNBOUNDED,
        } => format!("{min}..n"),
        Occurs::Many { min, max } => format!("{min}..{max}"),
    }
}

fn view(m: &Model) -> View {
    let mut v = View {
        operations: m.operations.iter().map(|o| o.name.clone()).collect(),
        ..View::default()
    };
    for (k, t) in &m.types {
        let name = type_name(m, k);
        match &t.kind {
            TypeKind::Enum { values, .. } => {
                v.enums.insert(
                    name.clone(),
                    values.iter().map(|(x, _)| x.clone()).collect(),
                );
            }
            TypeKind::Struct(_) | TypeKind::Group { .. } => {
                // Inherited attributes and elements count as the type's own: a base moving
                // into or out of a type changes its fields.
                let (attrs, fields): (Vec<&Attribute>, Vec<&Field>) = match &t.kind {
                    TypeKind::Struct(_) => (m.all_attrs(k), m.all_fields(k)),
                    _ => (Vec::new(), t.kind.children().iter().collect()),
                };
                let mut fs = BTreeMap::new();
                for a in attrs {
                    fs.insert(
                        format!("@{}", a.qname.name),
                        FieldSig {
                            ty: render(m, &a.ty),
                            occurs: if a.required { "1" } else { "0..1" }.into(),
                        },
                    );
                }
                for f in fields {
                    let (key, ty) = match &f.kind {
                        FieldKind::Element { qname, ty, .. } => (
                            format!("{}{}", ns_prefix(m, &qname.ns), qname.name),
                            render(m, ty),
                        ),
                        FieldKind::Group(g) => (format!("({})", type_name(m, g)), type_name(m, g)),
                        FieldKind::Any(..) => ("(any)".into(), "xs:any".into()),
                    };
                    fs.insert(
                        key,
                        FieldSig {
                            ty,
                            occurs: occurs(f.occurs),
                        },
                    );
                }
                v.types.insert(name, fs);
            }
            _ => {
                v.types.entry(name).or_default();
            }
        }
    }
    v
}

/// Compares an older and a newer model.
pub fn diff(from: &Model, to: &Model) -> Diff {
    let (a, b) = (view(from), view(to));
    let mut d = Diff {
        operations_added: b.operations.difference(&a.operations).cloned().collect(),
        operations_removed: a.operations.difference(&b.operations).cloned().collect(),
        ..Diff::default()
    };
    let ta: BTreeSet<&String> = a.types.keys().chain(a.enums.keys()).collect();
    let tb: BTreeSet<&String> = b.types.keys().chain(b.enums.keys()).collect();
    d.types_added = tb.difference(&ta).map(|s| s.to_string()).collect();
    d.types_removed = ta.difference(&tb).map(|s| s.to_string()).collect();
    for (t, fa) in &a.types {
        let Some(fb) = b.types.get(t) else { continue };
        for (f, sa) in fa {
            match fb.get(f) {
                None => d
                    .fields_removed
                    .push(format!("{t}.{f} ({}, {})", sa.ty, sa.occurs)),
                Some(sb) if sb != sa => d.fields_changed.push(format!(
                    "{t}.{f}: {} {} -> {} {}",
                    sa.ty, sa.occurs, sb.ty, sb.occurs
                )),
                Some(_) => {}
            }
        }
        for (f, sb) in fb {
            if !fa.contains_key(f) {
                d.fields_added
                    .push(format!("{t}.{f} ({}, {})", sb.ty, sb.occurs));
            }
        }
    }
    for (t, va) in &a.enums {
        let Some(vb) = b.enums.get(t) else { continue };
        for x in vb.difference(va) {
            d.enum_values_added.push(format!("{t}: {x}"));
        }
        for x in va.difference(vb) {
            d.enum_values_removed.push(format!("{t}: {x}"));
        }
    }
    d
}

impl Diff {
    /// The report, grouped, one item per line.
    pub fn report(&self) -> String {
        let mut s = String::new();
        let groups: [(&str, &Vec<String>); 9] = [
            ("operations added", &self.operations_added),
            ("operations removed", &self.operations_removed),
            ("types added", &self.types_added),
            ("types removed", &self.types_removed),
            ("fields added", &self.fields_added),
            ("fields removed", &self.fields_removed),
            ("fields changed", &self.fields_changed),
            ("enum values added", &self.enum_values_added),
            ("enum values removed", &self.enum_values_removed),
        ];
        for (title, items) in groups {
            let _ = writeln!(s, "{title} ({}):", items.len());
            for i in items {
                let _ = writeln!(s, "  {i}");
            }
        }
        s
    }
}
