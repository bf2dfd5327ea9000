//! Layout decisions on the resolved model: which fields are boxed, to break recursion and
//! to keep large optional parts out of line.

use std::collections::{BTreeMap, BTreeSet};

use super::{Builtin, Field, FieldKind, Model, Occurs, TyRef, TypeKey, TypeKind};

/// Choice alternatives larger than this (estimated bytes) are boxed: a list of choices
/// (the items of a `FindItem` response) holds a pointer per item, and each item only what
/// its document had.
const BOX_THRESHOLD: usize = 16;

/// Optional parts of a struct larger than this (estimated bytes) are boxed: a struct holds
/// its small optional parts (an id, a body) in place, and its large ones (a recipient, a
/// recurrence, a whole item) out of line. With 64, 3% of the office365 fields are boxed
/// (wrappers gone, 16 would box 16%, 32 6%).
pub(crate) const OPTIONAL_BOX_THRESHOLD: usize = 64;

/// The type a field holds inline when it holds element content (none for lists, which
/// are out of line already).
fn inline_target(m: &Model, f: &Field) -> Option<TypeKey> {
    if f.occurs.is_many() {
        return None;
    }
    let k = match &f.kind {
        FieldKind::Element {
            ty: TyRef::Named(k),
            ..
        } => k,
        FieldKind::Group(k) => k,
        _ => return None,
    };
    m.types
        .get(k)
        .filter(|t| t.kind.is_element_content())
        .map(|_| k.clone())
}

/// Boxes every field through which a type can contain itself without a `Vec` between (a
/// base is held inline, so it counts as an edge that cannot be boxed).
pub(super) fn box_recursion(m: &mut Model) {
    let mut edges: BTreeMap<TypeKey, BTreeSet<TypeKey>> = BTreeMap::new();
    for (k, t) in &m.types {
        let e = edges.entry(k.clone()).or_default();
        for f in t.kind.children() {
            if let Some(to) = inline_target(m, f) {
                e.insert(to);
            }
        }
        if let TypeKind::Struct(s) = &t.kind {
            if let Some(b) = &s.base {
                e.insert(b.clone());
            }
        }
    }
    let reaches = |from: &TypeKey, to: &TypeKey| -> bool {
        let mut stack = vec![from.clone()];
        let mut seen = BTreeSet::new();
        while let Some(n) = stack.pop() {
            if &n == to {
                return true;
            }
            if !seen.insert(n.clone()) {
                continue;
            }
            if let Some(next) = edges.get(&n) {
                stack.extend(next.iter().cloned());
            }
        }
        false
    };
    let mut to_box: Vec<(TypeKey, usize)> = Vec::new();
    for (k, t) in &m.types {
        for (i, f) in t.kind.children().iter().enumerate() {
            if let Some(to) = inline_target(m, f) {
                if reaches(&to, k) {
                    to_box.push((k.clone(), i));
                }
            }
        }
    }
    for (k, i) in to_box {
        if let Some(t) = m.types.get_mut(&k) {
            t.kind.children_mut()[i].boxed = true;
        }
    }
}

/// An estimate of `size_of` of a generated type (boxed fields count as a pointer).
fn approx_size(model: &Model, t: &TyRef) -> usize {
    fn go(
        model: &Model,
        t: &TyRef,
        memo: &mut BTreeMap<TypeKey, usize>,
        visiting: &mut BTreeSet<TypeKey>,
    ) -> usize {
        let k = match t {
            TyRef::Builtin(b) => {
                return match b {
                    Builtin::Bool | Builtin::I8 | Builtin::U8 => 1,
                    Builtin::I16 | Builtin::U16 => 2,
                    Builtin::I32 | Builtin::U32 | Builtin::F32 => 4,
                    Builtin::I64 | Builtin::U64 | Builtin::NonNegativeInteger | Builtin::F64 => 8,
                    Builtin::I128 => 16,
                    Builtin::AnyType => 96,
                    _ => 24,
                }
            }
            TyRef::Named(k) => k,
        };
        if let Some(v) = memo.get(k) {
            return *v;
        }
        if !visiting.insert(k.clone()) {
            return 8;
        }
        // A field's share: a pointer when boxed, or when `box_large` will box it, so that
        // sizes agree with the boxing decided from them.
        let field = |f: &Field,
                     in_choice: bool,
                     memo: &mut BTreeMap<TypeKey, usize>,
                     visiting: &mut BTreeSet<TypeKey>| {
            if f.boxed {
                return 8;
            }
            if f.occurs.is_many() {
                return 24;
            }
            let item = match &f.kind {
                FieldKind::Element { ty, .. } => go(model, ty, memo, visiting),
                FieldKind::Group(g) => go(model, &TyRef::Named(g.clone()), memo, visiting),
                FieldKind::Any(..) => 96,
            };
            if item > threshold(in_choice) && box_candidate(model, f, in_choice).is_some() {
                return 8;
            }
            match f.occurs {
                Occurs::Optional if item <= 8 => item + 8,
                _ => item,
            }
        };
        let size = match &model.types[k].kind {
            TypeKind::Struct(s) => {
                let mut n = 0;
                if let Some(b) = &s.base {
                    n += go(model, &TyRef::Named(b.clone()), memo, visiting);
                }
                for a in &s.attrs {
                    let v = go(model, &a.ty, memo, visiting);
                    n += if !a.required && v <= 8 { v + 8 } else { v };
                }
                for f in &s.fields {
                    n += field(f, false, memo, visiting);
                }
                if let Some(t) = &s.text {
                    n += go(model, t, memo, visiting);
                }
                n + 24 * (s.mixed as usize + s.any_attribute.is_some() as usize)
            }
            TypeKind::Group { fields } => {
                fields.iter().map(|f| field(f, false, memo, visiting)).sum()
            }
            TypeKind::Choice { variants } | TypeKind::Derived { variants } => {
                8 + variants
                    .iter()
                    .map(|v| field(v, true, memo, visiting))
                    .max()
                    .unwrap_or(0)
            }
            TypeKind::Enum { .. } | TypeKind::List(_) | TypeKind::Wrapper { .. } => 24,
            TypeKind::Alias(inner) => go(model, inner, memo, visiting),
            TypeKind::Union(members) => {
                8 + members
                    .iter()
                    .map(|m| go(model, m, memo, visiting))
                    .max()
                    .unwrap_or(0)
            }
        };
        visiting.remove(k);
        memo.insert(k.clone(), size);
        size
    }
    go(model, t, &mut BTreeMap::new(), &mut BTreeSet::new())
}

/// The size above which `box_large` boxes an alternative of a choice, or an optional part.
fn threshold(in_choice: bool) -> usize {
    if in_choice {
        BOX_THRESHOLD
    } else {
        OPTIONAL_BOX_THRESHOLD
    }
}

/// The type of a field `box_large` boxes when that type is larger than its [`threshold`]:
/// an optional part, or a choice's alternative, of element content, not boxed already.
fn box_candidate(model: &Model, f: &Field, in_choice: bool) -> Option<TyRef> {
    let candidate = !f.boxed
        && match f.occurs {
            Occurs::Optional => true,
            Occurs::Required => in_choice,
            Occurs::Many { .. } => false,
        };
    let ty = match &f.kind {
        FieldKind::Element {
            ty,
            nillable: false,
            ..
        } if candidate => ty.clone(),
        FieldKind::Group(g) if candidate => TyRef::Named(g.clone()),
        _ => return None,
    };
    matches!(&ty, TyRef::Named(k) if model.types[k].kind.is_element_content()).then_some(ty)
}

/// Boxes choice alternatives of more than [`BOX_THRESHOLD`] bytes and optional parts of
/// more than [`OPTIONAL_BOX_THRESHOLD`].
pub(super) fn box_large(model: &mut Model) {
    let mut to_box: Vec<(TypeKey, usize)> = Vec::new();
    let mut sizes: BTreeMap<TyRef, usize> = BTreeMap::new();
    for (k, t) in &model.types {
        let in_choice = matches!(t.kind, TypeKind::Choice { .. } | TypeKind::Derived { .. });
        for (i, f) in t.kind.children().iter().enumerate() {
            let Some(ty) = box_candidate(model, f, in_choice) else {
                continue;
            };
            let size = *sizes
                .entry(ty.clone())
                .or_insert_with(|| approx_size(model, &ty));
            if size > threshold(in_choice) {
                to_box.push((k.clone(), i));
            }
        }
    }
    for (k, i) in to_box {
        if let Some(t) = model.types.get_mut(&k) {
            t.kind.children_mut()[i].boxed = true;
        }
    }
}
