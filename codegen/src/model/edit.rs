//! Edits a caller asks for on the resolved model: required elements made optional, and the
//! operation filter.

use std::collections::BTreeSet;

use super::{FieldKind, Model, Occurs, QName, TyRef, TypeKey, TypeKind};
use crate::error::{Error, Result};

/// Makes required child elements optional, for servers that leave out what their schema
/// requires. Each rule is `Type/Element`: the local name of a complex type (a `t:` or `m:`
/// prefix is allowed and ignored) and the local name of a child element of it, own or
/// inherited (an inherited element is relaxed where its base declares it, so for every
/// type derived from that base). A required element becomes an `Option`; a list with
/// `minOccurs` above zero may be empty. A rule that matches no element is an error, so a
/// misspelt rule is not silently ignored.
pub(crate) fn relax_required(model: &mut Model, rules: &[String]) -> Result<()> {
    for rule in rules {
        let (ty, el) = rule
            .split_once('/')
            .map(|(t, e)| (t.trim(), e.trim()))
            .filter(|(t, e)| !t.is_empty() && !e.is_empty())
            .ok_or_else(|| {
                Error::Config(format!(
                    "optional element rule `{rule}`: expected `Type/Element`, such as `AddDistributionGroupToImListType/DisplayName`"
                ))
            })?;
        let strip = |s: &str| s.rsplit(':').next().unwrap_or(s).to_string();
        let (ty, el) = (strip(ty), strip(el));
        // The types named `ty` and their bases: the element may be declared by a base.
        let mut targets: Vec<TypeKey> = Vec::new();
        for (k, def) in &model.types {
            if def.xml_name.as_ref().map(|q| q.name.as_str()) == Some(ty.as_str())
                && matches!(def.kind, TypeKind::Struct(_))
            {
                targets.push(k.clone());
                targets.extend(model.bases(k));
            }
        }
        let mut found = false;
        for k in targets {
            let Some(def) = model.types.get_mut(&k) else {
                continue;
            };
            let TypeKind::Struct(s) = &mut def.kind else {
                continue;
            };
            for f in s.fields.iter_mut() {
                if let FieldKind::Element { qname, .. } = &f.kind {
                    if qname.name == el {
                        found = true;
                        f.occurs = match f.occurs {
                            Occurs::Required => Occurs::Optional,
                            Occurs::Many { max, .. } => Occurs::Many { min: 0, max },
                            o => o,
                        };
                    }
                }
            }
        }
        if !found {
            return Err(Error::Config(format!(
                "optional element rule `{rule}`: no complex type `{ty}` with a child element `{el}`"
            )));
        }
    }
    Ok(())
}

/// Keeps only the named operations, their headers (and every element `keep` says to
/// keep), and the types they reach.
pub(crate) fn filter_operations(
    mut model: Model,
    names: &[String],
    keep: impl Fn(&QName) -> bool,
) -> Result<Model> {
    let known: BTreeSet<&str> = model.operations.iter().map(|o| o.name.as_str()).collect();
    for n in names {
        if !known.contains(n.as_str()) {
            return Err(Error::Config(format!(
                "unknown operation `{n}` in the operation filter"
            )));
        }
    }
    let wanted: BTreeSet<&str> = names.iter().map(String::as_str).collect();
    model
        .operations
        .retain(|o| wanted.contains(o.name.as_str()));
    let mut keep_elements: BTreeSet<QName> = BTreeSet::new();
    for o in &model.operations {
        keep_elements.insert(o.request.clone());
        keep_elements.insert(o.response.clone());
        keep_elements.extend(o.input_headers.iter().cloned());
        keep_elements.extend(o.output_headers.iter().cloned());
    }
    for g in model.elements.values() {
        if keep(&g.qname) {
            keep_elements.insert(g.qname.clone());
        }
    }
    model
        .elements
        .retain(|_, g| keep_elements.contains(&g.qname));
    let mut todo: Vec<TypeKey> = Vec::new();
    for g in model.elements.values() {
        if let TyRef::Named(k) = &g.ty {
            todo.push(k.clone());
        }
    }
    let mut kept: BTreeSet<TypeKey> = BTreeSet::new();
    while let Some(k) = todo.pop() {
        if !kept.insert(k.clone()) {
            continue;
        }
        let Some(t) = model.types.get(&k) else {
            continue;
        };
        let mut refs: Vec<&TyRef> = Vec::new();
        match &t.kind {
            TypeKind::Struct(s) => {
                refs.extend(s.attrs.iter().map(|a| &a.ty));
                refs.extend(s.text.iter());
                todo.extend(s.base.iter().cloned());
            }
            TypeKind::Alias(t) | TypeKind::List(t) => refs.push(t),
            TypeKind::Union(ms) => refs.extend(ms.iter()),
            _ => {}
        }
        for f in t.kind.children() {
            match &f.kind {
                FieldKind::Element { ty, .. } => refs.push(ty),
                FieldKind::Group(g) => todo.push(g.clone()),
                FieldKind::Any(..) => {}
            }
        }
        for r in refs {
            if let TyRef::Named(k) = r {
                todo.push(k.clone());
            }
        }
    }
    model.types.retain(|k, _| kept.contains(k));
    Ok(model)
}
