//! The API's shape, decided on the resolved model before naming: the XML Schema scaffolding a
//! hand-written crate would not have is taken out of the types, while the wire stays the
//! same (every element the schema has is still read and written):
//!
//! - a choice with one alternative is that alternative (occurrences multiplied through,
//!   where that is exact);
//! - anonymous choices with the same alternatives are one type;
//! - a wrapper type (a complex type whose whole content is one repeated element, wildcard
//!   or choice, with no attributes) becomes [`TypeKind::Wrapper`]: a field holding one is a
//!   `Vec` of its items, `Option<Vec<..>>` where the wrapper element is optional;
//! - then the layout: recursion boxed, large optional parts and alternatives boxed (see
//!   `layout`).

use std::collections::{BTreeMap, BTreeSet};

use super::{Field, FieldKind, KeyKind, Model, Occurs, TyRef, TypeKey, TypeKind};

/// Applies every pass, in order.
pub fn shape(m: &mut Model) {
    collapse_single_choices(m);
    mark_wrappers(m);
    merge_identical_choices(m);
    super::layout::box_recursion(m);
    super::layout::box_large(m);
}

/// The occurrence of `inner` repeated `outer` times, when that set of counts is an
/// interval (always when `inner` is at most one at least, or `outer` exactly one).
fn times(outer: Occurs, inner: Occurs) -> Option<Occurs> {
    let (a_min, a_max) = outer.bounds();
    let (b_min, b_max) = inner.bounds();
    if b_min > 1 && (a_min, a_max) != (1, 1) {
        return None;
    }
    let mul = |a: u32, b: u32| {
        if a == super::UNBOUNDED || b == super::UNBOUNDED {
            super::UNBOUNDED
        } else {
            a.saturating_mul(b)
        }
    };
    let (min, max) = (a_min.saturating_mul(b_min), mul(a_max, b_max));
    Some(if max > 1 {
        Occurs::Many { min, max }
    } else if min == 0 {
        Occurs::Optional
    } else {
        Occurs::Required
    })
}

/// The alternative of a one-armed choice `k`, if it is one (substitution groups with one
/// member included; a derived-type set is not: its element carries `xsi:type`).
fn single_alternative(m: &Model, k: &TypeKey) -> Option<Field> {
    match &m.types.get(k)?.kind {
        TypeKind::Choice { variants } if variants.len() == 1 => Some(variants[0].clone()),
        // A repeated or optional sequence of one particle is that particle repeated.
        TypeKind::Group { fields } if fields.len() == 1 && k.kind == KeyKind::Sequence => {
            Some(fields[0].clone())
        }
        _ => None,
    }
}

/// Replaces every field holding a one-armed choice (or a sequence group of one particle) by
/// the alternative itself.
fn collapse_single_choices(m: &mut Model) {
    // A choice's alternative may be a one-armed choice too: repeat until nothing changes.
    for _ in 0..8 {
        let mut edits: Vec<(TypeKey, usize, Field)> = Vec::new();
        for (k, t) in &m.types {
            for (i, f) in t.kind.children().iter().enumerate() {
                let FieldKind::Group(g) = &f.kind else {
                    continue;
                };
                let Some(alt) = single_alternative(m, g) else {
                    continue;
                };
                let Some(occurs) = times(f.occurs, alt.occurs) else {
                    continue;
                };
                // Inside a choice, an alternative that repeats is read as a run; one that
                // is optional is not an alternative.
                if matches!(t.kind, TypeKind::Choice { .. } | TypeKind::Derived { .. })
                    && occurs == Occurs::Optional
                {
                    continue;
                }
                let doc = match (&f.doc, &alt.doc) {
                    (Some(a), Some(b)) => Some(format!("{a}\n\n{b}")),
                    (a, b) => a.clone().or_else(|| b.clone()),
                };
                edits.push((
                    k.clone(),
                    i,
                    Field {
                        occurs,
                        boxed: false,
                        doc,
                        ..alt
                    },
                ));
            }
        }
        if edits.is_empty() {
            break;
        }
        for (k, i, f) in edits {
            if let Some(t) = m.types.get_mut(&k) {
                t.kind.children_mut()[i] = f;
            }
        }
    }
    drop_unreferenced(m);
}

/// Anonymous choices with the same alternatives (same elements, types and occurrences) in
/// the same namespace become the first of them.
fn merge_identical_choices(m: &mut Model) {
    let mut first: BTreeMap<(usize, String), TypeKey> = BTreeMap::new();
    let mut same: BTreeMap<TypeKey, TypeKey> = BTreeMap::new();
    // The choices wrappers list come first: the one kept is named after its alternatives.
    let listed = |k: &TypeKey| {
        !matches!(
            m.types[k].origin,
            super::Origin::Compositor { ref owner, .. }
                if matches!(m.types.get(owner).map(|t| &t.kind), Some(TypeKind::Wrapper { .. }))
        )
    };
    let mut order: Vec<(&TypeKey, &super::TypeDef)> = m.types.iter().collect();
    order.sort_by_key(|(k, _)| listed(k));
    for (k, t) in order {
        if k.kind != KeyKind::Choice {
            continue;
        }
        let TypeKind::Choice { variants } = &t.kind else {
            continue;
        };
        // Alternatives that are groups of their own are not compared.
        if variants
            .iter()
            .any(|v| !matches!(v.kind, FieldKind::Element { .. }))
        {
            continue;
        }
        let sig = format!(
            "{:?}",
            variants
                .iter()
                .map(|v| (&v.kind, v.occurs))
                .collect::<Vec<_>>()
        );
        match first.get(&(k.ns, sig.clone())) {
            Some(f) => {
                same.insert(k.clone(), f.clone());
            }
            None => {
                first.insert((k.ns, sig), k.clone());
            }
        }
    }
    if same.is_empty() {
        return;
    }
    for t in m.types.values_mut() {
        for f in t.kind.children_mut() {
            if let FieldKind::Group(g) = &mut f.kind {
                if let Some(to) = same.get(g) {
                    *g = to.clone();
                }
            }
        }
    }
    drop_unreferenced(m);
}

/// Removes anonymous choices and groups no field refers to any more.
fn drop_unreferenced(m: &mut Model) {
    loop {
        let used: BTreeSet<TypeKey> = m
            .types
            .values()
            .flat_map(|t| t.kind.children())
            .filter_map(|f| match &f.kind {
                FieldKind::Group(g) => Some(g.clone()),
                _ => None,
            })
            .collect();
        let before = m.types.len();
        m.types.retain(|k, _| {
            !matches!(
                k.kind,
                KeyKind::Choice | KeyKind::Substitution | KeyKind::Sequence
            ) || used.contains(k)
        });
        if m.types.len() == before {
            return;
        }
    }
}

/// The repeated particle of a complex type that is a wrapper, if it is one.
fn wrapper_item(m: &Model, k: &TypeKey) -> Option<Field> {
    let s = m.struct_of(k)?;
    let plain = s.base.is_none()
        && s.attrs.is_empty()
        && s.text.is_none()
        && !s.mixed
        && !s.all
        && s.any_attribute.is_none();
    match s.fields.as_slice() {
        [item] if plain && item.occurs.is_many() => match &item.kind {
            FieldKind::Element { .. } | FieldKind::Any(..) => Some(item.clone()),
            FieldKind::Group(g) => {
                matches!(m.types.get(g)?.kind, TypeKind::Choice { .. }).then(|| item.clone())
            }
        },
        _ => None,
    }
}

/// Marks the wrapper types every use of which can hold a `Vec` in their place: an element
/// field or alternative occurring at most once, not nillable; never the type of a global
/// element, a base, or a type of an `xsi:type` choice.
fn mark_wrappers(m: &mut Model) {
    let mut candidates: BTreeMap<TypeKey, Field> = m
        .types
        .keys()
        .filter_map(|k| Some((k.clone(), wrapper_item(m, k)?)))
        .collect();
    for g in m.elements.values() {
        if let TyRef::Named(k) = &g.ty {
            candidates.remove(k);
        }
    }
    for t in m.types.values() {
        if let TypeKind::Struct(s) = &t.kind {
            if let Some(b) = &s.base {
                candidates.remove(b);
            }
        }
        let derived = matches!(t.kind, TypeKind::Derived { .. });
        for f in t.kind.children() {
            if let FieldKind::Element {
                ty: TyRef::Named(k),
                nillable,
                ..
            } = &f.kind
            {
                if *nillable || derived || f.occurs.is_many() {
                    candidates.remove(k);
                }
            }
        }
        // Attributes and text never hold complex types; lists and unions neither.
    }
    for (k, item) in candidates {
        if let Some(t) = m.types.get_mut(&k) {
            t.kind = TypeKind::Wrapper { item };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn occurrences_multiply_where_exact() {
        let many = |min, max| Occurs::Many { min, max };
        let u = super::super::UNBOUNDED;
        assert_eq!(
            times(many(0, u), Occurs::Required),
            Some(many(0, u)),
            "choice maxOccurs=unbounded of one element"
        );
        assert_eq!(
            times(Occurs::Optional, Occurs::Required),
            Some(Occurs::Optional)
        );
        assert_eq!(times(Occurs::Required, many(2, 5)), Some(many(2, 5)));
        assert_eq!(times(many(1, u), many(1, u)), Some(many(1, u)));
        // Twice or more, optionally: 0, 2, 3, ... (1 is not allowed): no single field.
        assert_eq!(times(Occurs::Optional, many(2, 5)), None);
        assert_eq!(times(many(1, 2), many(2, 2)), None);
    }
}
