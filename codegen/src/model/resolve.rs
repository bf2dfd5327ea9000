//! Resolution: schema definitions become model types, keyed by schema identity.

use std::collections::{BTreeMap, BTreeSet};

use super::{
    Attribute, Builtin, Field, FieldKind, GlobalElement, KeyKind, Model, Namespace, Occurs,
    Operation, Origin, Struct, TyRef, TypeDef, TypeKey, TypeKind, UNBOUNDED,
};
use crate::error::{Error, Loc, Result};
use crate::xsd::{
    AttrItem, AttrUse, AttributeDecl, AttributeGroupDef, ComplexType, Content, ElementDecl, Facets,
    GroupDef, Item, Max, Particle, ParticleKind, QName, SchemaSet, SimpleKind, SimpleType, TypeUse,
};
use crate::{XML_NS, XS_NS};

struct Index<'s> {
    complex: BTreeMap<QName, &'s ComplexType>,
    simple: BTreeMap<QName, &'s SimpleType>,
    elements: BTreeMap<QName, &'s ElementDecl>,
    groups: BTreeMap<QName, &'s GroupDef>,
    attr_groups: BTreeMap<QName, &'s AttributeGroupDef>,
    attributes: BTreeMap<QName, &'s AttributeDecl>,
    /// Substitution group heads and their direct members, in declaration order.
    members: BTreeMap<QName, Vec<QName>>,
}

impl Index<'_> {
    /// Whether the element's type is a named abstract complex type (such an element can
    /// only appear as a member of its substitution group, or with `xsi:type`).
    fn has_abstract_type(&self, e: &ElementDecl) -> bool {
        match &e.ty {
            Some(TypeUse::Named(t)) => self.complex.get(t).is_some_and(|c| c.is_abstract),
            Some(TypeUse::Complex(c)) => c.is_abstract,
            _ => {
                e.ty.is_none()
                    && e.substitution_group
                        .as_ref()
                        .and_then(|h| self.elements.get(h))
                        .is_some_and(|h| self.has_abstract_type(h))
            }
        }
    }
}

struct Resolver<'s> {
    idx: Index<'s>,
    model: Model,
    in_progress: BTreeSet<QName>,
    /// Anonymous constructs already resolved, by position.
    anon: BTreeMap<Loc, TypeKey>,
    /// How many compositors each owner has, for their keys.
    counters: BTreeMap<TypeKey, usize>,
    current_ns: usize,
}

fn insert_unique<'s, T>(
    map: &mut BTreeMap<QName, &'s T>,
    q: &QName,
    v: &'s T,
    loc: &Loc,
    what: &str,
) -> Result<()> {
    if map.insert(q.clone(), v).is_some() {
        return Err(Error::schema(loc, format!("{what} {q} is defined twice")));
    }
    Ok(())
}

/// Builds the model from a schema set; `operations` come from a WSDL where one was read.
pub fn resolve(set: &SchemaSet, operations: Option<Vec<Operation>>) -> Result<Model> {
    let mut idx = Index {
        complex: BTreeMap::new(),
        simple: BTreeMap::new(),
        elements: BTreeMap::new(),
        groups: BTreeMap::new(),
        attr_groups: BTreeMap::new(),
        attributes: BTreeMap::new(),
        members: BTreeMap::new(),
    };
    let mut model = Model::default();
    for doc in &set.docs {
        if model.namespaces.iter().any(|n| n.uri == doc.target_ns) {
            continue;
        }
        model
            .namespaces
            .push(namespace_for(&doc.target_ns, &doc.prefixes));
    }
    // Make prefixes unique.
    let mut seen_prefix = BTreeSet::new();
    for (i, n) in model.namespaces.iter_mut().enumerate() {
        if matches!(n.prefix.as_str(), "soap" | "xsi" | "xml" | "xmlns")
            || !seen_prefix.insert(n.prefix.clone())
        {
            n.prefix = format!("ns{i}");
            seen_prefix.insert(n.prefix.clone());
        }
    }
    for doc in &set.docs {
        for item in &doc.items {
            match item {
                Item::ComplexType(c) => {
                    let q = c.name.clone().expect("global types have names");
                    insert_unique(&mut idx.complex, &q, c, &c.loc, "complex type")?;
                    if idx.simple.contains_key(&q) {
                        return Err(Error::schema(&c.loc, format!("type {q} is defined twice")));
                    }
                }
                Item::SimpleType(s) => {
                    let q = s.name.clone().expect("global types have names");
                    insert_unique(&mut idx.simple, &q, s, &s.loc, "simple type")?;
                    if idx.complex.contains_key(&q) {
                        return Err(Error::schema(&s.loc, format!("type {q} is defined twice")));
                    }
                }
                Item::Element(e) => {
                    insert_unique(&mut idx.elements, &e.name, e, &e.loc, "element")?;
                    if let Some(head) = &e.substitution_group {
                        idx.members
                            .entry(head.clone())
                            .or_default()
                            .push(e.name.clone());
                    }
                }
                Item::Group(g) => insert_unique(&mut idx.groups, &g.name, g, &g.loc, "group")?,
                Item::AttributeGroup(g) => {
                    insert_unique(&mut idx.attr_groups, &g.name, g, &g.loc, "attribute group")?
                }
                Item::Attribute(a) => {
                    insert_unique(&mut idx.attributes, &a.name, a, &a.loc, "attribute")?
                }
            }
        }
    }
    // Check that every substitution group head exists.
    for (head, members) in &idx.members {
        if !idx.elements.contains_key(head) {
            let loc = &idx.elements[&members[0]].loc;
            return Err(Error::schema(
                loc,
                format!("substitution group head {head} is not declared"),
            ));
        }
    }
    let mut r = Resolver {
        idx,
        model,
        in_progress: BTreeSet::new(),
        anon: BTreeMap::new(),
        counters: BTreeMap::new(),
        current_ns: 0,
    };
    let all_named: Vec<QName> = r
        .idx
        .complex
        .keys()
        .chain(r.idx.simple.keys())
        .cloned()
        .collect();
    for q in &all_named {
        r.resolve_named(q, &Loc::default())?;
    }
    let globals: Vec<(QName, &ElementDecl)> = r
        .idx
        .elements
        .iter()
        .map(|(q, e)| (q.clone(), *e))
        .collect();
    for (q, e) in globals {
        let ty = r.element_type(&q, &e.loc)?;
        let ns = r.ns_of(&q.ns);
        r.model.elements.insert(
            (ns, q.name.clone()),
            GlobalElement {
                qname: q.clone(),
                ns,
                ty,
                // An element of an abstract type stands only through substitution.
                is_abstract: e.is_abstract || r.idx.has_abstract_type(e),
                nillable: e.nillable,
                doc: e.doc.clone(),
            },
        );
    }
    r.model.operations = match operations {
        Some(ops) => {
            for op in &ops {
                for q in [&op.request, &op.response] {
                    if !r.idx.elements.contains_key(q) {
                        return Err(Error::Config(format!(
                            "operation {} names element {q}, which the schema does not declare",
                            op.name
                        )));
                    }
                }
            }
            ops
        }
        None => Vec::new(),
    };
    Ok(r.model)
}

fn namespace_for(uri: &str, prefixes: &BTreeMap<String, String>) -> Namespace {
    let prefix = prefixes
        .iter()
        .filter(|(p, u)| *u == uri && !p.is_empty())
        .map(|(p, _)| p.clone())
        .next()
        .unwrap_or_else(|| "ns".to_string());
    Namespace {
        uri: uri.to_string(),
        prefix,
    }
}

fn builtin(name: &str) -> Option<Builtin> {
    use Builtin::*;
    Some(match name {
        "string" | "normalizedString" | "token" | "QName" | "ID" | "IDREF" | "IDREFS"
        | "NCName" | "Name" | "NMTOKEN" | "NMTOKENS" | "ENTITY" | "ENTITIES" | "NOTATION"
        | "anySimpleType" => String,
        "language" => Language,
        "anyURI" => AnyUri,
        "boolean" => Bool,
        "byte" => I8,
        "short" => I16,
        "int" => I32,
        "long" => I64,
        "integer" | "nonPositiveInteger" | "negativeInteger" => I128,
        "unsignedByte" => U8,
        "unsignedShort" => U16,
        "unsignedInt" => U32,
        "unsignedLong" => U64,
        "nonNegativeInteger" | "positiveInteger" => NonNegativeInteger,
        "float" => F32,
        "double" => F64,
        "decimal" => Decimal,
        "dateTime" | "dateTimeStamp" => DateTime,
        "date" => Date,
        "time" => Time,
        "duration" | "dayTimeDuration" | "yearMonthDuration" => Duration,
        "base64Binary" => Base64,
        "hexBinary" => Hex,
        "gYear" | "gYearMonth" | "gMonth" | "gMonthDay" | "gDay" => Lexical,
        "anyType" => AnyType,
        _ => return None,
    })
}

fn max_of(max: Max) -> u32 {
    match max {
        Max::Bounded(n) => n,
        Max::Unbounded => UNBOUNDED,
    }
}

fn occurs(min: u32, max: Max) -> Occurs {
    occurs_within(min, max_of(max))
}

/// The occurrence of a particle between `min` and `max` ([`UNBOUNDED`] for no limit).
fn occurs_within(min: u32, max: u32) -> Occurs {
    if max > 1 {
        Occurs::Many { min, max }
    } else if min == 0 {
        Occurs::Optional
    } else {
        Occurs::Required
    }
}

fn mul(a: u32, b: u32) -> u32 {
    if a == UNBOUNDED || b == UNBOUNDED {
        UNBOUNDED
    } else {
        a.saturating_mul(b)
    }
}

/// Combines an outer occurrence with an inner one (a particle inside a sequence that
/// occurs `outer` times).
fn combine(outer: Occurs, inner: Occurs) -> Occurs {
    let (a_min, a_max) = outer.bounds();
    let (b_min, b_max) = inner.bounds();
    occurs_within(a_min.saturating_mul(b_min), mul(a_max, b_max))
}

impl<'s> Resolver<'s> {
    fn ns_of(&mut self, uri: &str) -> usize {
        if let Some(i) = self.model.ns_index(uri) {
            return i;
        }
        self.model
            .namespaces
            .push(namespace_for(uri, &BTreeMap::new()));
        self.model.namespaces.len() - 1
    }

    fn add(&mut self, def: TypeDef) {
        self.model.types.insert(def.key.clone(), def);
    }

    fn named_key(&mut self, q: &QName) -> TypeKey {
        TypeKey {
            ns: self.ns_of(&q.ns),
            kind: KeyKind::Named,
            name: q.name.clone(),
        }
    }

    /// A key for an anonymous construct of `owner`: `Owner/role` (numbered after the first).
    fn anon_key(&mut self, owner: &TypeKey, kind: KeyKind, role: &str) -> TypeKey {
        let n = self
            .counters
            .entry(TypeKey {
                name: format!("{}/{role}", owner.name),
                ..owner.clone()
            })
            .or_insert(0);
        *n += 1;
        let name = if *n == 1 {
            format!("{}/{role}", owner.name)
        } else {
            format!("{}/{role}{n}", owner.name)
        };
        TypeKey {
            ns: self.current_ns,
            kind,
            name,
        }
    }

    /// The reference to a named type; its definition is built by [`Resolver::resolve_named`].
    fn named_type(&mut self, q: &QName, loc: &Loc) -> Result<TyRef> {
        if q.ns == XS_NS {
            return builtin(&q.name).map(TyRef::Builtin).ok_or_else(|| {
                Error::schema(loc, format!("unsupported built-in type xs:{}", q.name))
            });
        }
        if !self.idx.complex.contains_key(q) && !self.idx.simple.contains_key(q) {
            return Err(Error::schema(
                loc,
                format!("reference to undeclared type {q}"),
            ));
        }
        Ok(TyRef::Named(self.named_key(q)))
    }

    /// Builds the definition of a named type once.
    fn resolve_named(&mut self, q: &QName, loc: &Loc) -> Result<TyRef> {
        let r = self.named_type(q, loc)?;
        let TyRef::Named(key) = &r else { return Ok(r) };
        let key = key.clone();
        if self.model.types.contains_key(&key) || self.in_progress.contains(q) {
            return Ok(r);
        }
        self.in_progress.insert(q.clone());
        let saved = std::mem::replace(&mut self.current_ns, key.ns);
        if let Some(c) = self.idx.complex.get(q).copied() {
            let def = self.complex(c, key.clone(), Origin::Named)?;
            self.add(def);
        } else if let Some(s) = self.idx.simple.get(q).copied() {
            let def = self.simple(s, key.clone(), Origin::Named)?;
            self.add(def);
        }
        self.in_progress.remove(q);
        self.current_ns = saved;
        Ok(r)
    }

    /// The type of a use: named, or an anonymous type made for it (`origin` says whose).
    fn type_use(&mut self, t: &TypeUse, origin: Origin, loc: &Loc) -> Result<TyRef> {
        match t {
            // An element of an abstract type holds one of its derived types (`xsi:type`).
            TypeUse::Named(q) if self.idx.complex.get(q).is_some_and(|c| c.is_abstract) => {
                Ok(TyRef::Named(self.derived_enum(q, loc)?))
            }
            TypeUse::Named(q) => self.named_type(q, loc),
            TypeUse::Complex(c) => {
                if let Some(k) = self.anon.get(&c.loc) {
                    return Ok(TyRef::Named(k.clone()));
                }
                let key = self.origin_key(&origin);
                self.anon.insert(c.loc.clone(), key.clone());
                let def = self.complex(c, key.clone(), origin)?;
                self.add(def);
                Ok(TyRef::Named(key))
            }
            TypeUse::Simple(s) => {
                if let Some(k) = self.anon.get(&s.loc) {
                    return Ok(TyRef::Named(k.clone()));
                }
                // A restriction without enumerations or other facets is just its base.
                if let SimpleKind::Restriction {
                    base,
                    enums,
                    facets,
                } = &s.kind
                {
                    if enums.is_empty() && facets.is_empty() {
                        return self.type_use(base, origin, loc);
                    }
                }
                let key = self.origin_key(&origin);
                self.anon.insert(s.loc.clone(), key.clone());
                let def = self.simple(s, key.clone(), origin)?;
                self.add(def);
                Ok(TyRef::Named(key))
            }
        }
    }

    /// The key of an anonymous type from where it stands.
    fn origin_key(&mut self, origin: &Origin) -> TypeKey {
        match origin {
            Origin::Element {
                owner: Some(o),
                element,
            } => self.anon_key(&o.clone(), KeyKind::Anonymous, element),
            Origin::Element {
                owner: None,
                element,
            } => TypeKey {
                ns: self.current_ns,
                kind: KeyKind::Anonymous,
                name: element.clone(),
            },
            Origin::Attribute {
                owner: Some(o),
                attribute,
            } => self.anon_key(&o.clone(), KeyKind::Anonymous, &format!("@{attribute}")),
            Origin::Attribute {
                owner: None,
                attribute,
            } => TypeKey {
                ns: self.current_ns,
                kind: KeyKind::Anonymous,
                name: format!("@{attribute}"),
            },
            Origin::Part { owner, role } => self.anon_key(&owner.clone(), KeyKind::Anonymous, role),
            Origin::Compositor { owner, .. } => {
                self.anon_key(&owner.clone(), KeyKind::Anonymous, "type")
            }
            Origin::Named => TypeKey {
                ns: self.current_ns,
                kind: KeyKind::Anonymous,
                name: "anonymous".into(),
            },
        }
    }
}

fn is_required(p: &Particle) -> bool {
    p.min > 0
}

impl<'s> Resolver<'s> {
    fn complex(&mut self, c: &ComplexType, key: TypeKey, origin: Origin) -> Result<TypeDef> {
        let mut st = Struct {
            mixed: c.mixed,
            any_attribute: c.any_attribute.clone(),
            ..Struct::default()
        };
        match &c.content {
            Content::Particle(p) => {
                if let Some(p) = p {
                    self.content(p, &key, &mut st)?;
                }
            }
            Content::Extension { base, particle } => {
                if let Some(b) = self.base_struct(base, &c.loc)? {
                    st.mixed |= self.model.struct_of(&b).is_some_and(|s| s.mixed);
                    st.base = Some(b);
                }
                if let Some(p) = particle {
                    self.content(p, &key, &mut st)?;
                }
            }
            Content::Restriction { base, particle } => {
                // A restriction restates its content: it stands alone, with the
                // attributes it keeps.
                if let Some(b) = self.base_struct(base, &c.loc)? {
                    st.attrs = self.model.all_attrs(&b).into_iter().cloned().collect();
                    st.text = self.model.text_of(&b).cloned();
                    if st.any_attribute.is_none() {
                        st.any_attribute = self.inherited_any_attribute(&b);
                    }
                }
                if let Some(p) = particle {
                    self.content(p, &key, &mut st)?;
                }
            }
            Content::SimpleExtension { base } | Content::SimpleRestriction { base } => {
                let extension = matches!(c.content, Content::SimpleExtension { .. });
                if base.ns != XS_NS && self.idx.complex.contains_key(base) {
                    let Some(b) = self.base_struct(base, &c.loc)? else {
                        return Err(Error::schema(&c.loc, format!("base {base} has no content")));
                    };
                    if self.model.text_of(&b).is_none() {
                        return Err(Error::schema(
                            &c.loc,
                            format!(
                                "simple content derived from {base}, which has no simple content"
                            ),
                        ));
                    }
                    if extension {
                        st.base = Some(b);
                    } else {
                        st.attrs = self.model.all_attrs(&b).into_iter().cloned().collect();
                        st.text = self.model.text_of(&b).cloned();
                        if st.any_attribute.is_none() {
                            st.any_attribute = self.inherited_any_attribute(&b);
                        }
                    }
                } else {
                    st.text = Some(self.named_type(base, &c.loc)?);
                }
            }
        }
        let (own, prohibited, any) = self.attributes(&c.attrs, &key)?;
        if st.any_attribute.is_none() {
            st.any_attribute = any;
        }
        st.attrs.retain(|a| !prohibited.contains(&a.qname));
        for a in own {
            match st.attrs.iter_mut().find(|x| x.qname == a.qname) {
                Some(x) => *x = a,
                None => st.attrs.push(a),
            }
        }
        Ok(TypeDef {
            key,
            xml_name: c.name.clone(),
            origin,
            doc: c.doc.clone(),
            kind: TypeKind::Struct(st),
            facets: Facets::default(),
        })
    }

    /// The `xs:anyAttribute` a struct or its bases declare.
    fn inherited_any_attribute(&self, k: &TypeKey) -> Option<crate::xsd::Wildcard> {
        let s = self.model.struct_of(k)?;
        s.any_attribute.clone().or_else(|| {
            s.base
                .as_ref()
                .and_then(|b| self.inherited_any_attribute(b))
        })
    }

    /// The fields of a content particle (`xs:all` noted).
    fn content(&mut self, p: &Particle, key: &TypeKey, st: &mut Struct) -> Result<()> {
        if let ParticleKind::All(_) = &p.kind {
            st.all = true;
        }
        self.flatten(p, key, None, Occurs::Required, &mut st.fields)
    }

    /// The key of a complex base type (resolved first); `None` for `xs:anyType`.
    fn base_struct(&mut self, base: &QName, loc: &Loc) -> Result<Option<TypeKey>> {
        if base.ns == XS_NS && base.name == "anyType" {
            return Ok(None);
        }
        if !self.idx.complex.contains_key(base) {
            return Err(Error::schema(
                loc,
                format!("base type {base} is not a declared complex type"),
            ));
        }
        let TyRef::Named(k) = self.resolve_named(base, loc)? else {
            return Ok(None);
        };
        match self.model.types.get(&k) {
            Some(TypeDef {
                kind: TypeKind::Struct(_),
                ..
            }) => Ok(Some(k)),
            _ => Err(Error::schema(
                loc,
                format!("circular derivation through base type {base}"),
            )),
        }
    }

    #[allow(clippy::type_complexity)]
    fn attributes(
        &mut self,
        items: &[AttrItem],
        owner: &TypeKey,
    ) -> Result<(Vec<Attribute>, Vec<QName>, Option<crate::xsd::Wildcard>)> {
        let mut out = Vec::new();
        let mut prohibited = Vec::new();
        let mut any = None;
        for item in items {
            match item {
                AttrItem::Attribute(a) => {
                    if a.use_ == AttrUse::Prohibited {
                        prohibited.push(a.name.clone());
                        continue;
                    }
                    let origin = Origin::Attribute {
                        owner: Some(owner.clone()),
                        attribute: a.name.name.clone(),
                    };
                    let (ty, doc, default, fixed) = match &a.reference {
                        // xml:lang (xml:space and xml:base are strings too).
                        Some(r) if r.ns == XML_NS => {
                            let ty = if r.name == "lang" {
                                Builtin::Language
                            } else {
                                Builtin::String
                            };
                            (TyRef::Builtin(ty), a.doc.clone(), None, None)
                        }
                        Some(r) => {
                            let g = *self.idx.attributes.get(r).ok_or_else(|| {
                                Error::schema(
                                    &a.loc,
                                    format!("reference to undeclared attribute {r}"),
                                )
                            })?;
                            let ty = match &g.ty {
                                Some(t) => self.type_use(
                                    t,
                                    Origin::Attribute {
                                        owner: None,
                                        attribute: r.name.clone(),
                                    },
                                    &g.loc,
                                )?,
                                None => TyRef::Builtin(Builtin::String),
                            };
                            (
                                ty,
                                a.doc.clone().or(g.doc.clone()),
                                g.default.clone(),
                                g.fixed.clone(),
                            )
                        }
                        None => {
                            let ty = match &a.ty {
                                Some(t) => self.type_use(t, origin, &a.loc)?,
                                None => TyRef::Builtin(Builtin::String),
                            };
                            (ty, a.doc.clone(), None, None)
                        }
                    };
                    out.push(Attribute {
                        qname: a.name.clone(),
                        ty,
                        required: a.use_ == AttrUse::Required,
                        default: a.default.clone().or(default),
                        fixed: a.fixed.clone().or(fixed),
                        doc,
                    });
                }
                AttrItem::GroupRef(q, l) => {
                    let g = *self.idx.attr_groups.get(q).ok_or_else(|| {
                        Error::schema(l, format!("reference to undeclared attribute group {q}"))
                    })?;
                    let (more, p, a) = self.attributes(&g.attrs, owner)?;
                    out.extend(more);
                    prohibited.extend(p);
                    if any.is_none() {
                        any = a.or(g.any_attribute.clone());
                    }
                }
            }
        }
        Ok((out, prohibited, any))
    }

    /// Turns a particle into fields: elements, wildcards, and groups for choices and
    /// sequences that repeat or are optional as a whole. `group` is the `xs:group` the
    /// particle was written in.
    fn flatten(
        &mut self,
        p: &Particle,
        owner: &TypeKey,
        group: Option<&str>,
        outer: Occurs,
        out: &mut Vec<Field>,
    ) -> Result<()> {
        let own = occurs(p.min, p.max);
        let occ = combine(outer, own);
        match &p.kind {
            ParticleKind::Element(e) => {
                let f = self.element_field(e, owner, occ)?;
                out.push(f);
            }
            ParticleKind::Sequence(items) | ParticleKind::All(items) => {
                let as_group = matches!(own, Occurs::Many { .. })
                    || (own == Occurs::Optional
                        && items.len() > 1
                        && items.iter().filter(|i| is_required(i)).count() > 0);
                if as_group {
                    let key = self.group_struct(p, items, owner, group)?;
                    out.push(Field {
                        name: group.unwrap_or_default().to_string(),
                        kind: FieldKind::Group(key),
                        occurs: occ,
                        boxed: false,
                        doc: None,
                    });
                } else {
                    for it in items {
                        self.flatten(it, owner, group, occ, out)?;
                    }
                }
            }
            ParticleKind::Choice(items) => {
                let key = self.choice(p, items, owner, group)?;
                // A choice with an alternative that may be empty may be empty itself.
                let occ = if occ == Occurs::Required && items.iter().any(|i| i.min == 0) {
                    Occurs::Optional
                } else {
                    occ
                };
                out.push(Field {
                    name: group.unwrap_or_default().to_string(),
                    kind: FieldKind::Group(key),
                    occurs: occ,
                    boxed: false,
                    doc: None,
                });
            }
            ParticleKind::GroupRef(q) => {
                let g = *self.idx.groups.get(q).ok_or_else(|| {
                    Error::schema(&p.loc, format!("reference to undeclared group {q}"))
                })?;
                let inner = &g.particle;
                let max = match (p.max, inner.max) {
                    (Max::Unbounded, _) | (_, Max::Unbounded) => Max::Unbounded,
                    (Max::Bounded(a), Max::Bounded(b)) => Max::Bounded(a.saturating_mul(b)),
                };
                let synthetic = Particle {
                    kind: inner.kind.clone(),
                    min: p.min.saturating_mul(inner.min),
                    max,
                    loc: inner.loc.clone(),
                };
                self.flatten(&synthetic, owner, Some(&q.name), outer, out)?;
            }
            ParticleKind::Any(w, process) => out.push(Field {
                name: "any".into(),
                kind: FieldKind::Any(w.clone(), *process),
                occurs: occ,
                boxed: false,
                doc: None,
            }),
        }
        Ok(())
    }

    fn group_struct(
        &mut self,
        p: &Particle,
        items: &[Particle],
        owner: &TypeKey,
        group: Option<&str>,
    ) -> Result<TypeKey> {
        if let Some(k) = self.anon.get(&p.loc) {
            return Ok(k.clone());
        }
        let key = self.anon_key(owner, KeyKind::Sequence, "sequence");
        self.anon.insert(p.loc.clone(), key.clone());
        let mut fields = Vec::new();
        for it in items {
            self.flatten(it, &key, None, Occurs::Required, &mut fields)?;
        }
        self.add(TypeDef {
            key: key.clone(),
            xml_name: None,
            origin: Origin::Compositor {
                owner: owner.clone(),
                group: group.map(str::to_string),
            },
            doc: None,
            kind: TypeKind::Group { fields },
            facets: Facets::default(),
        });
        Ok(key)
    }

    fn choice(
        &mut self,
        p: &Particle,
        items: &[Particle],
        owner: &TypeKey,
        group: Option<&str>,
    ) -> Result<TypeKey> {
        if let Some(k) = self.anon.get(&p.loc) {
            return Ok(k.clone());
        }
        let key = self.anon_key(owner, KeyKind::Choice, "choice");
        self.anon.insert(p.loc.clone(), key.clone());
        let mut variants = Vec::new();
        for it in items {
            let occ = match occurs(it.min, it.max) {
                Occurs::Many { min, max } => Occurs::Many { min, max },
                _ => Occurs::Required,
            };
            let v = match &it.kind {
                ParticleKind::Element(e) => self.element_field(e, &key, occ)?,
                ParticleKind::Any(w, process) => Field {
                    name: "any".into(),
                    kind: FieldKind::Any(w.clone(), *process),
                    occurs: occ,
                    boxed: false,
                    doc: None,
                },
                _ => {
                    // A nested compositor becomes a group of its own.
                    let (items, loc) = match &it.kind {
                        ParticleKind::Sequence(v) | ParticleKind::All(v) => {
                            (v.clone(), it.loc.clone())
                        }
                        _ => (
                            vec![Particle {
                                min: 1,
                                max: Max::Bounded(1),
                                ..it.clone()
                            }],
                            Loc {
                                column: it.loc.column + 1_000_000,
                                ..it.loc.clone()
                            },
                        ),
                    };
                    let wrapper = Particle {
                        kind: ParticleKind::Sequence(items.clone()),
                        min: 1,
                        max: Max::Bounded(1),
                        loc,
                    };
                    let gk = self.group_struct(&wrapper, &items, &key, None)?;
                    Field {
                        name: "sequence".into(),
                        kind: FieldKind::Group(gk),
                        occurs: occ,
                        boxed: false,
                        doc: None,
                    }
                }
            };
            variants.push(v);
        }
        self.add(TypeDef {
            key: key.clone(),
            xml_name: None,
            origin: Origin::Compositor {
                owner: owner.clone(),
                group: group.map(str::to_string),
            },
            doc: None,
            kind: TypeKind::Choice { variants },
            facets: Facets::default(),
        });
        Ok(key)
    }

    fn element_field(&mut self, e: &ElementDecl, owner: &TypeKey, occ: Occurs) -> Result<Field> {
        if let Some(r) = &e.reference {
            let g = *self.idx.elements.get(r).ok_or_else(|| {
                Error::schema(&e.loc, format!("reference to undeclared element {r}"))
            })?;
            if g.is_abstract || self.idx.members.contains_key(r) {
                let key = self.subst_enum(r)?;
                return Ok(Field {
                    name: r.name.clone(),
                    kind: FieldKind::Group(key),
                    occurs: occ,
                    boxed: false,
                    doc: e.doc.clone().or(g.doc.clone()),
                });
            }
            let ty = self.element_type(r, &e.loc)?;
            return Ok(Field {
                name: r.name.clone(),
                kind: FieldKind::Element {
                    qname: r.clone(),
                    ty,
                    nillable: g.nillable,
                },
                occurs: occ,
                boxed: false,
                doc: e.doc.clone().or(g.doc.clone()),
            });
        }
        let ty = match &e.ty {
            Some(t) => self.type_use(
                t,
                Origin::Element {
                    owner: Some(owner.clone()),
                    element: e.name.name.clone(),
                },
                &e.loc,
            )?,
            None => TyRef::Builtin(Builtin::AnyType),
        };
        Ok(Field {
            name: e.name.name.clone(),
            kind: FieldKind::Element {
                qname: e.name.clone(),
                ty,
                nillable: e.nillable,
            },
            occurs: occ,
            boxed: false,
            doc: e.doc.clone(),
        })
    }

    /// The type of a global element.
    fn element_type(&mut self, q: &QName, loc: &Loc) -> Result<TyRef> {
        let ns = self.ns_of(&q.ns);
        if let Some(g) = self.model.elements.get(&(ns, q.name.clone())) {
            return Ok(g.ty.clone());
        }
        let e =
            *self.idx.elements.get(q).ok_or_else(|| {
                Error::schema(loc, format!("reference to undeclared element {q}"))
            })?;
        let saved = std::mem::replace(&mut self.current_ns, ns);
        let ty = match &e.ty {
            // An element that never stands itself keeps its type as declared.
            Some(TypeUse::Named(t)) if e.is_abstract || self.idx.has_abstract_type(e) => {
                self.named_type(t, &e.loc)
            }
            Some(t) => self.type_use(
                t,
                Origin::Element {
                    owner: None,
                    element: q.name.clone(),
                },
                &e.loc,
            ),
            None => match &e.substitution_group {
                // A member without a type has its head's type.
                Some(head) if head != q => self.element_type(head, &e.loc),
                _ => Ok(TyRef::Builtin(Builtin::AnyType)),
            },
        };
        self.current_ns = saved;
        ty
    }

    /// The base type of a complex type's derivation, if any.
    fn base_of(c: &ComplexType) -> Option<&QName> {
        match &c.content {
            Content::Extension { base, .. }
            | Content::Restriction { base, .. }
            | Content::SimpleExtension { base }
            | Content::SimpleRestriction { base } => Some(base),
            Content::Particle(_) => None,
        }
    }

    fn derives_from(&self, q: &QName, base: &QName) -> bool {
        let mut cur = q.clone();
        for _ in 0..64 {
            let Some(c) = self.idx.complex.get(&cur) else {
                return false;
            };
            match Self::base_of(c) {
                Some(b) if b == base => return true,
                Some(b) => cur = b.clone(),
                None => return false,
            }
        }
        false
    }

    /// The enum of the non-abstract types derived from the abstract type `base`.
    fn derived_enum(&mut self, base: &QName, loc: &Loc) -> Result<TypeKey> {
        let key = TypeKey {
            ns: self.ns_of(&base.ns),
            kind: KeyKind::Derived,
            name: base.name.clone(),
        };
        if self.model.types.contains_key(&key) {
            return Ok(key);
        }
        let members: Vec<QName> = self
            .idx
            .complex
            .iter()
            .filter(|(q, c)| !c.is_abstract && self.derives_from(q, base))
            .map(|(q, _)| q.clone())
            .collect();
        if members.is_empty() {
            return Err(Error::schema(
                loc,
                format!("abstract type {base} is used for an element but no type derives from it"),
            ));
        }
        let mut variants = Vec::new();
        for q in members {
            let ty = self.named_type(&q, loc)?;
            variants.push(Field {
                name: q.name.clone(),
                kind: FieldKind::Element {
                    qname: q.clone(),
                    ty,
                    nillable: false,
                },
                occurs: Occurs::Required,
                boxed: false,
                doc: self.idx.complex[&q].doc.clone(),
            });
        }
        let doc = self.idx.complex[base].doc.clone();
        self.add(TypeDef {
            key: key.clone(),
            xml_name: Some(base.clone()),
            origin: Origin::Named,
            doc,
            kind: TypeKind::Derived { variants },
            facets: Facets::default(),
        });
        Ok(key)
    }

    /// The enum of a substitution group, by its head element.
    fn subst_enum(&mut self, head: &QName) -> Result<TypeKey> {
        let key = TypeKey {
            ns: self.ns_of(&head.ns),
            kind: KeyKind::Substitution,
            name: head.name.clone(),
        };
        if self.model.types.contains_key(&key) || self.in_progress.contains(head) {
            return Ok(key);
        }
        self.in_progress.insert(head.clone());
        let mut order = vec![head.clone()];
        let mut i = 0;
        let mut seen = BTreeSet::new();
        seen.insert(head.clone());
        while i < order.len() {
            if let Some(ms) = self.idx.members.get(&order[i]) {
                for m in ms.clone() {
                    if seen.insert(m.clone()) {
                        order.push(m);
                    }
                }
            }
            i += 1;
        }
        let mut variants = Vec::new();
        for q in &order {
            let e = self.idx.elements[q];
            if e.is_abstract || self.idx.has_abstract_type(e) {
                continue;
            }
            let ty = self.element_type(q, &e.loc)?;
            variants.push(Field {
                name: q.name.clone(),
                kind: FieldKind::Element {
                    qname: q.clone(),
                    ty,
                    nillable: e.nillable,
                },
                occurs: Occurs::Required,
                boxed: false,
                doc: e.doc.clone(),
            });
        }
        self.in_progress.remove(head);
        let head_decl = self.idx.elements[head];
        if variants.is_empty() {
            return Err(Error::schema(
                &head_decl.loc,
                format!("abstract element {head} has no substitution group members"),
            ));
        }
        self.add(TypeDef {
            key: key.clone(),
            xml_name: Some(head.clone()),
            origin: Origin::Named,
            doc: head_decl.doc.clone(),
            kind: TypeKind::Choice { variants },
            facets: Facets::default(),
        });
        Ok(key)
    }

    /// Whether values of a simple type have their whitespace collapsed (`xs:token` and
    /// types derived from it) rather than preserved (`xs:string`) or replaced
    /// (`xs:normalizedString`).
    fn collapses_whitespace(&self, ty: &TypeUse, depth: usize) -> bool {
        let restriction_base = |s: &SimpleType| match &s.kind {
            SimpleKind::Restriction { base, .. } => Some(base.clone()),
            _ => None,
        };
        let base = match ty {
            TypeUse::Named(q) if q.ns == XS_NS => {
                return !matches!(q.name.as_str(), "string" | "normalizedString" | "anyType");
            }
            TypeUse::Named(q) => self.idx.simple.get(q).and_then(|s| restriction_base(s)),
            TypeUse::Simple(s) => restriction_base(s),
            TypeUse::Complex(_) => None,
        };
        match base {
            Some(b) if depth < 64 => self.collapses_whitespace(&b, depth + 1),
            _ => false,
        }
    }

    fn simple(&mut self, s: &SimpleType, key: TypeKey, origin: Origin) -> Result<TypeDef> {
        let part = |role: &str| Origin::Part {
            owner: key.clone(),
            role: role.to_string(),
        };
        let kind = match &s.kind {
            SimpleKind::Restriction { base, enums, .. } => {
                if enums.is_empty() {
                    TypeKind::Alias(self.type_use(base, part("Base"), &s.loc)?)
                } else {
                    let mut values: Vec<(String, Option<String>)> = Vec::new();
                    for (v, d) in enums {
                        if !values.iter().any(|(x, _)| x == v) {
                            values.push((v.clone(), d.clone()));
                        }
                    }
                    TypeKind::Enum {
                        values,
                        collapse: self.collapses_whitespace(base, 0),
                    }
                }
            }
            SimpleKind::List { item } => {
                TypeKind::List(self.type_use(item, part("Item"), &s.loc)?)
            }
            SimpleKind::Union { members } => {
                let mut out = Vec::new();
                for (i, m) in members.iter().enumerate() {
                    // An anonymous member is named after its `id` when it has one.
                    let role = match m {
                        TypeUse::Simple(st) => st.id.clone(),
                        _ => None,
                    }
                    .unwrap_or_else(|| format!("Member{}", i + 1));
                    out.push(self.type_use(m, part(&role), &s.loc)?);
                }
                TypeKind::Union(out)
            }
        };
        let facets = match &s.kind {
            SimpleKind::Restriction { facets, .. } => (**facets).clone(),
            _ => Facets::default(),
        };
        Ok(TypeDef {
            key,
            xml_name: s.name.clone(),
            origin,
            doc: s.doc.clone(),
            kind,
            facets,
        })
    }
}
