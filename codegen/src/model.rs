//! Stage 2: the [`SchemaSet`] becomes a resolved [`Model`]: every reference followed,
//! derivations flattened, content models turned into fields, groups and choices, names
//! assigned, recursion boxed. Everything is kept in ordered maps, so output is deterministic.

use std::collections::{BTreeMap, BTreeSet};

use crate::error::{Error, Loc, Result};
use crate::names;
use crate::xsd::{
    AttrItem, AttrUse, AttributeDecl, AttributeGroupDef, ComplexType, Content, ElementDecl, Facets,
    GroupDef, Item, Max, Particle, ParticleKind, QName, SchemaSet, SimpleKind, SimpleType, TypeUse,
};
use crate::{XML_NS, XS_NS};

/// A type of the model: namespace module and Rust name (unique within the module).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeKey {
    /// Index of the namespace in [`Model::namespaces`].
    pub ns: usize,
    /// Rust name.
    pub name: String,
}

/// XML Schema built-in types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[allow(missing_docs)]
pub enum Builtin {
    String,
    /// `xs:language` (a `String` in Rust).
    Language,
    /// `xs:anyURI` (a `String` in Rust).
    AnyUri,
    Bool,
    I8,
    I16,
    I32,
    I64,
    I128,
    U8,
    U16,
    U32,
    U64,
    F32,
    F64,
    Decimal,
    DateTime,
    Date,
    Time,
    Duration,
    Base64,
    Hex,
    /// Calendar fragments and other lexical types kept as written.
    Lexical,
    /// `xs:anyType`: any element kept raw.
    AnyType,
}

/// A reference to a type.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TyRef {
    /// A built-in type.
    Builtin(Builtin),
    /// A generated type.
    Named(TypeKey),
}

/// How often a field occurs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Occurs {
    /// Exactly once.
    Required,
    /// At most once.
    Optional,
    /// Any number, at least `min`.
    Many {
        /// `minOccurs`.
        min: u32,
    },
}

/// What a field holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldKind {
    /// One element.
    Element {
        /// Its name.
        qname: QName,
        /// Its type.
        ty: TyRef,
        /// `nillable="true"`.
        nillable: bool,
    },
    /// A group: a choice, a repeated or optional sequence, or a substitution group.
    Group(TypeKey),
    /// `xs:any`: raw elements.
    Any,
}

/// A field of a struct or group, or a variant of a choice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// Rust name (snake case for fields, camel case for variants).
    pub rust: String,
    /// What it holds.
    pub kind: FieldKind,
    /// How often.
    pub occurs: Occurs,
    /// Boxed to break recursion.
    pub boxed: bool,
    /// Documentation.
    pub doc: Option<String>,
}

/// An attribute of a struct.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    /// Rust field name.
    pub rust: String,
    /// Name.
    pub qname: QName,
    /// Type.
    pub ty: TyRef,
    /// `use="required"`.
    pub required: bool,
    /// `default` or `fixed` value.
    pub default: Option<String>,
    /// Documentation.
    pub doc: Option<String>,
}

/// A generated type.
#[derive(Debug, Clone)]
pub struct TypeDef {
    /// Its key.
    pub key: TypeKey,
    /// The schema name it comes from, for documentation.
    pub xml_name: Option<QName>,
    /// Documentation.
    pub doc: Option<String>,
    /// What it is.
    pub kind: TypeKind,
    /// Facets of a simple type restriction (not enforced by the generated code).
    pub facets: Facets,
}

/// Kinds of generated type.
#[derive(Debug, Clone)]
pub enum TypeKind {
    /// A complex type: attributes, then element content or simple content.
    Struct {
        /// Attributes, own and inherited.
        attrs: Vec<Attribute>,
        /// Element content, own and inherited, in schema order.
        fields: Vec<Field>,
        /// Simple content type.
        text: Option<TyRef>,
        /// Mixed content.
        mixed: bool,
        /// `xs:anyAttribute`.
        any_attribute: bool,
    },
    /// A sequence that repeats or is optional as a whole.
    Group {
        /// Its fields.
        fields: Vec<Field>,
    },
    /// A choice, or a substitution group: one variant per alternative.
    Choice {
        /// The alternatives.
        variants: Vec<Field>,
    },
    /// An element whose declared type is abstract: the derived type it holds, chosen by its
    /// `xsi:type`. Each variant is an `Element` field whose `qname` is the type's name.
    Derived {
        /// The non-abstract types derived from the abstract one.
        variants: Vec<Field>,
    },
    /// An enumeration.
    Enum {
        /// Values and their documentation.
        values: Vec<(String, Option<String>)>,
        /// Whitespace is collapsed before matching (a base derived from `xs:token`);
        /// otherwise (`xs:string`) the text must match exactly, and anything else is kept
        /// as an unknown value.
        collapse: bool,
    },
    /// A restriction without enumerations: the base type under another name.
    Alias(TyRef),
    /// `xs:list`.
    List(TyRef),
    /// `xs:union`: member types tried in order.
    Union(Vec<TyRef>),
}

/// A namespace of the model: one module of the generated code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Namespace {
    /// URI.
    pub uri: String,
    /// Prefix used when writing.
    pub prefix: String,
    /// Module name.
    pub module: String,
}

/// A global element.
#[derive(Debug, Clone)]
pub struct GlobalElement {
    /// Name.
    pub qname: QName,
    /// Namespace index.
    pub ns: usize,
    /// Type.
    pub ty: TyRef,
    /// Abstract elements are never read or written themselves.
    pub is_abstract: bool,
    /// Documentation.
    pub doc: Option<String>,
}

/// An operation: a request element and its response element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    /// Name, such as `SetImGroup`.
    pub name: String,
    /// Request element.
    pub request: QName,
    /// Response element.
    pub response: QName,
    /// SOAP headers the request accepts (element names).
    pub input_headers: Vec<QName>,
    /// SOAP headers the response carries.
    pub output_headers: Vec<QName>,
}

/// The resolved model.
#[derive(Debug, Clone, Default)]
pub struct Model {
    /// Namespaces, one module each.
    pub namespaces: Vec<Namespace>,
    /// Every generated type.
    pub types: BTreeMap<TypeKey, TypeDef>,
    /// Global elements, by namespace and name.
    pub elements: BTreeMap<(usize, String), GlobalElement>,
    /// Operations.
    pub operations: Vec<Operation>,
}

impl Model {
    /// The namespace index of a URI.
    pub fn ns_index(&self, uri: &str) -> Option<usize> {
        self.namespaces.iter().position(|n| n.uri == uri)
    }
}

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
    used: BTreeMap<usize, BTreeSet<String>>,
    named: BTreeMap<QName, TypeKey>,
    in_progress: BTreeSet<QName>,
    subst: BTreeMap<QName, TypeKey>,
    derived: BTreeMap<QName, TypeKey>,
    anon_types: BTreeMap<Loc, TypeKey>,
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
    // Make module names and prefixes unique.
    let mut seen_mod = BTreeSet::new();
    let mut seen_prefix = BTreeSet::new();
    for (i, n) in model.namespaces.iter_mut().enumerate() {
        if !seen_mod.insert(n.module.clone()) {
            n.module = format!("{}{i}", n.module);
            seen_mod.insert(n.module.clone());
        }
        if n.prefix == "soap"
            || n.prefix == "xsi"
            || n.prefix == "xml"
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
        used: BTreeMap::new(),
        named: BTreeMap::new(),
        in_progress: BTreeSet::new(),
        subst: BTreeMap::new(),
        derived: BTreeMap::new(),
        anon_types: BTreeMap::new(),
        current_ns: 0,
    };
    // Named types keep their own names first.
    let mut all_named: Vec<QName> = r
        .idx
        .complex
        .keys()
        .chain(r.idx.simple.keys())
        .cloned()
        .collect();
    all_named.sort();
    for q in &all_named {
        let ns = r.ns_of(&q.ns);
        let name = r.unique(ns, &names::type_name(&q.name));
        r.named.insert(q.clone(), TypeKey { ns, name });
    }
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
        r.current_ns = r.ns_of(&q.ns);
        let ty = match &e.ty {
            // An element that never stands itself keeps its type as declared.
            Some(TypeUse::Named(t)) if e.is_abstract || r.idx.has_abstract_type(e) => {
                r.named_type(t, &e.loc)?
            }
            Some(t) => r.type_use(t, &names::type_name(&q.name), &e.loc)?,
            None => match &e.substitution_group {
                // A member without a type has its head's type.
                Some(head) => r.element_type(head, &e.loc)?,
                None => TyRef::Builtin(Builtin::AnyType),
            },
        };
        let ns = r.ns_of(&q.ns);
        r.model.elements.insert(
            (ns, q.name.clone()),
            GlobalElement {
                qname: q.clone(),
                ns,
                ty,
                // An element of an abstract type stands only through substitution.
                is_abstract: e.is_abstract || r.idx.has_abstract_type(e),
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
    r.box_recursion();
    box_large(&mut r.model);
    Ok(r.model)
}

/// Optional parts and choice alternatives larger than this (estimated bytes) are boxed.
pub(crate) const BOX_THRESHOLD: usize = 16;

/// An estimate of `size_of` of a generated type (boxed fields count as a pointer).
pub(crate) fn approx_size(model: &Model, t: &TyRef) -> usize {
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
                    Builtin::I64 | Builtin::U64 | Builtin::F64 => 8,
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
        let field =
            |f: &Field, memo: &mut BTreeMap<TypeKey, usize>, visiting: &mut BTreeSet<TypeKey>| {
                if f.boxed {
                    return 8;
                }
                if let Occurs::Many { .. } = f.occurs {
                    return 24;
                }
                let item = match &f.kind {
                    FieldKind::Element { ty, .. } => go(model, ty, memo, visiting),
                    FieldKind::Group(g) => go(model, &TyRef::Named(g.clone()), memo, visiting),
                    FieldKind::Any => 96,
                };
                match f.occurs {
                    Occurs::Optional if item <= 8 => item + 8,
                    _ => item,
                }
            };
        let size = match &model.types[k].kind {
            TypeKind::Struct {
                attrs,
                fields,
                text,
                mixed,
                any_attribute,
            } => {
                let mut n = 0;
                for a in attrs {
                    let v = go(model, &a.ty, memo, visiting);
                    n += if !a.required && v <= 8 { v + 8 } else { v };
                }
                for f in fields {
                    n += field(f, memo, visiting);
                }
                if let Some(t) = text {
                    n += go(model, t, memo, visiting);
                }
                n + 24 * (*mixed as usize + *any_attribute as usize)
            }
            TypeKind::Group { fields } => fields.iter().map(|f| field(f, memo, visiting)).sum(),
            TypeKind::Choice { variants } | TypeKind::Derived { variants } => {
                8 + variants
                    .iter()
                    .map(|v| field(v, memo, visiting))
                    .max()
                    .unwrap_or(0)
            }
            TypeKind::Enum { .. } | TypeKind::List(_) => 24,
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

/// Boxes optional parts and choice alternatives of more than [`BOX_THRESHOLD`] bytes, so
/// that a value holds in place only what its document had: a `FindItem` response's
/// messages do not each carry room for every absent part of `t:ItemType`.
fn box_large(model: &mut Model) {
    let mut to_box: Vec<(TypeKey, usize)> = Vec::new();
    let mut sizes: BTreeMap<TyRef, usize> = BTreeMap::new();
    for (k, t) in &model.types {
        let (fields, in_choice) = match &t.kind {
            TypeKind::Struct { fields, .. } | TypeKind::Group { fields } => (fields, false),
            TypeKind::Choice { variants } | TypeKind::Derived { variants } => (variants, true),
            _ => continue,
        };
        for (i, f) in fields.iter().enumerate() {
            let candidate = !f.boxed
                && match f.occurs {
                    Occurs::Optional => true,
                    Occurs::Required => in_choice,
                    Occurs::Many { .. } => false,
                };
            if !candidate {
                continue;
            }
            let ty = match &f.kind {
                FieldKind::Element {
                    ty,
                    nillable: false,
                    ..
                } => ty.clone(),
                FieldKind::Group(g) => TyRef::Named(g.clone()),
                _ => continue,
            };
            if !matches!(&ty, TyRef::Named(k) if matches!(model.types[k].kind, TypeKind::Struct { .. } | TypeKind::Group { .. } | TypeKind::Choice { .. } | TypeKind::Derived { .. }))
            {
                continue;
            }
            let size = *sizes
                .entry(ty.clone())
                .or_insert_with(|| approx_size(model, &ty));
            if size > BOX_THRESHOLD {
                to_box.push((k.clone(), i));
            }
        }
    }
    for (k, i) in to_box {
        if let Some(t) = model.types.get_mut(&k) {
            match &mut t.kind {
                TypeKind::Struct { fields, .. }
                | TypeKind::Group { fields }
                | TypeKind::Choice { variants: fields }
                | TypeKind::Derived { variants: fields } => fields[i].boxed = true,
                _ => {}
            }
        }
    }
}

fn namespace_for(uri: &str, prefixes: &BTreeMap<String, String>) -> Namespace {
    let last = uri
        .trim_end_matches(['/', ':', '#'])
        .rsplit(['/', ':', '#'])
        .next()
        .unwrap_or("")
        .to_string();
    let module = {
        let m = names::field_name(if last.is_empty() { "default" } else { &last });
        let m = m.trim_start_matches("r#").to_string();
        if m == "rt" || m == "soap" || names::is_keyword(&m) {
            format!("{m}_ns")
        } else {
            m
        }
    };
    let prefix = prefixes
        .iter()
        .filter(|(p, u)| *u == uri && !p.is_empty())
        .map(|(p, _)| p.clone())
        .next()
        .unwrap_or_else(|| "ns".to_string());
    Namespace {
        uri: uri.to_string(),
        prefix,
        module,
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
        "nonNegativeInteger" | "positiveInteger" => U64,
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

fn occurs(min: u32, max: Max) -> Occurs {
    if max.is_many() {
        Occurs::Many { min }
    } else if min == 0 {
        Occurs::Optional
    } else {
        Occurs::Required
    }
}

/// Combines an outer occurrence with an inner one.
fn combine(outer: Occurs, inner: Occurs) -> Occurs {
    match (outer, inner) {
        (Occurs::Many { min: a }, Occurs::Many { min: b }) => Occurs::Many {
            min: a.min(1) * b.min(1),
        },
        (Occurs::Many { min }, Occurs::Required) | (Occurs::Required, Occurs::Many { min }) => {
            Occurs::Many { min }
        }
        (Occurs::Many { .. }, Occurs::Optional) | (Occurs::Optional, Occurs::Many { .. }) => {
            Occurs::Many { min: 0 }
        }
        (Occurs::Required, Occurs::Required) => Occurs::Required,
        _ => Occurs::Optional,
    }
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

    fn unique(&mut self, ns: usize, base: &str) -> String {
        let used = self.used.entry(ns).or_default();
        let mut name = base.to_string();
        let mut i = 2;
        while used.contains(&name) || name == "NAMESPACES" {
            name = format!("{base}{i}");
            i += 1;
        }
        used.insert(name.clone());
        name
    }

    fn add(&mut self, def: TypeDef) {
        self.model.types.insert(def.key.clone(), def);
    }

    /// The reference to a named type; its definition is built by [`Resolver::resolve_named`].
    fn named_type(&mut self, q: &QName, loc: &Loc) -> Result<TyRef> {
        if q.ns == XS_NS {
            return builtin(&q.name).map(TyRef::Builtin).ok_or_else(|| {
                Error::schema(loc, format!("unsupported built-in type xs:{}", q.name))
            });
        }
        match self.named.get(q) {
            Some(k) => Ok(TyRef::Named(k.clone())),
            None => Err(Error::schema(
                loc,
                format!("reference to undeclared type {q}"),
            )),
        }
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
            let def = self.complex(c, key.clone())?;
            self.add(def);
        } else if let Some(s) = self.idx.simple.get(q).copied() {
            let def = self.simple(s, key.clone())?;
            self.add(def);
        }
        self.in_progress.remove(q);
        self.current_ns = saved;
        Ok(r)
    }

    fn type_use(&mut self, t: &TypeUse, anon_name: &str, loc: &Loc) -> Result<TyRef> {
        match t {
            // An element of an abstract type holds one of its derived types (`xsi:type`).
            TypeUse::Named(q) if self.idx.complex.get(q).is_some_and(|c| c.is_abstract) => {
                Ok(TyRef::Named(self.derived_enum(q, loc)?))
            }
            TypeUse::Named(q) => self.named_type(q, loc),
            TypeUse::Complex(c) => {
                if let Some(k) = self.anon_types.get(&c.loc) {
                    return Ok(TyRef::Named(k.clone()));
                }
                let ns = self.ns_of_loc_default(anon_name);
                let name = self.unique(ns, anon_name);
                let key = TypeKey { ns, name };
                self.anon_types.insert(c.loc.clone(), key.clone());
                let def = self.complex(c, key.clone())?;
                self.add(def);
                Ok(TyRef::Named(key))
            }
            TypeUse::Simple(s) => {
                if let Some(k) = self.anon_types.get(&s.loc) {
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
                        return self.type_use(base, anon_name, loc);
                    }
                }
                let ns = self.ns_of_loc_default(anon_name);
                let name = self.unique(ns, anon_name);
                let key = TypeKey { ns, name };
                self.anon_types.insert(s.loc.clone(), key.clone());
                let def = self.simple(s, key.clone())?;
                self.add(def);
                Ok(TyRef::Named(key))
            }
        }
    }

    /// Namespace for anonymous types: the namespace of the definition being resolved.
    fn ns_of_loc_default(&mut self, _name: &str) -> usize {
        self.current_ns
    }
}

fn is_required(p: &Particle) -> bool {
    p.min > 0
}

impl<'s> Resolver<'s> {
    fn complex(&mut self, c: &ComplexType, key: TypeKey) -> Result<TypeDef> {
        let ctx = key.name.clone();
        let mut attrs: Vec<Attribute> = Vec::new();
        let mut fields: Vec<Field> = Vec::new();
        let mut text = None;
        let mut mixed = c.mixed;
        let mut any_attribute = c.any_attribute;
        match &c.content {
            Content::Particle(p) => {
                if let Some(p) = p {
                    self.flatten(p, &ctx, Occurs::Required, &mut fields)?;
                }
            }
            Content::Extension { base, particle } => {
                if let Some(b) = self.base_struct(base, &c.loc)? {
                    attrs = b.0;
                    fields = b.1;
                    text = b.2;
                    mixed |= b.3;
                    any_attribute |= b.4;
                }
                if let Some(p) = particle {
                    self.flatten(p, &ctx, Occurs::Required, &mut fields)?;
                }
            }
            Content::Restriction { base, particle } => {
                if let Some(b) = self.base_struct(base, &c.loc)? {
                    attrs = b.0;
                    text = b.2;
                    any_attribute |= b.4;
                }
                if let Some(p) = particle {
                    self.flatten(p, &ctx, Occurs::Required, &mut fields)?;
                }
            }
            Content::SimpleExtension { base } | Content::SimpleRestriction { base } => {
                if base.ns != XS_NS && self.idx.complex.contains_key(base) {
                    if let Some(b) = self.base_struct(base, &c.loc)? {
                        attrs = b.0;
                        text = b.2;
                        any_attribute |= b.4;
                    }
                    if text.is_none() {
                        return Err(Error::schema(
                            &c.loc,
                            format!(
                                "simple content derived from {base}, which has no simple content"
                            ),
                        ));
                    }
                } else {
                    text = Some(self.named_type(base, &c.loc)?);
                }
            }
        }
        let (own, prohibited, any) = self.attributes(&c.attrs, &ctx)?;
        any_attribute |= any;
        attrs.retain(|a| !prohibited.contains(&a.qname));
        for a in own {
            match attrs.iter_mut().find(|x| x.qname == a.qname) {
                Some(x) => *x = a,
                None => attrs.push(a),
            }
        }
        let mut reserved: Vec<&str> = Vec::new();
        if text.is_some() {
            reserved.push("value");
        }
        if mixed {
            reserved.push("text");
        }
        if any_attribute {
            reserved.push("other_attributes");
        }
        dedupe_names(&mut attrs, &mut fields, &reserved);
        Ok(TypeDef {
            key,
            xml_name: c.name.clone(),
            doc: c.doc.clone(),
            kind: TypeKind::Struct {
                attrs,
                fields,
                text,
                mixed,
                any_attribute,
            },
            facets: Facets::default(),
        })
    }

    #[allow(clippy::type_complexity)]
    fn base_struct(
        &mut self,
        base: &QName,
        loc: &Loc,
    ) -> Result<Option<(Vec<Attribute>, Vec<Field>, Option<TyRef>, bool, bool)>> {
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
                kind:
                    TypeKind::Struct {
                        attrs,
                        fields,
                        text,
                        mixed,
                        any_attribute,
                    },
                ..
            }) => Ok(Some((
                attrs.clone(),
                fields.clone(),
                text.clone(),
                *mixed,
                *any_attribute,
            ))),
            _ => Err(Error::schema(
                loc,
                format!("circular derivation through base type {base}"),
            )),
        }
    }

    fn attributes(
        &mut self,
        items: &[AttrItem],
        ctx: &str,
    ) -> Result<(Vec<Attribute>, Vec<QName>, bool)> {
        let mut out = Vec::new();
        let mut prohibited = Vec::new();
        let mut any = false;
        for item in items {
            match item {
                AttrItem::Attribute(a) => {
                    if a.use_ == AttrUse::Prohibited {
                        prohibited.push(a.name.clone());
                        continue;
                    }
                    let (ty, doc, default) = match &a.reference {
                        // xml:lang (xml:space and xml:base are strings too).
                        Some(r) if r.ns == XML_NS => {
                            let ty = if r.name == "lang" {
                                Builtin::Language
                            } else {
                                Builtin::String
                            };
                            (TyRef::Builtin(ty), a.doc.clone(), None)
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
                                    &format!("{ctx}{}", names::type_name(&r.name)),
                                    &g.loc,
                                )?,
                                None => TyRef::Builtin(Builtin::String),
                            };
                            (
                                ty,
                                a.doc.clone().or(g.doc.clone()),
                                g.default.clone().or(g.fixed.clone()),
                            )
                        }
                        None => {
                            let ty = match &a.ty {
                                Some(t) => self.type_use(
                                    t,
                                    &format!("{ctx}{}", names::type_name(&a.name.name)),
                                    &a.loc,
                                )?,
                                None => TyRef::Builtin(Builtin::String),
                            };
                            (ty, a.doc.clone(), None)
                        }
                    };
                    out.push(Attribute {
                        rust: names::field_name(&a.name.name),
                        qname: a.name.clone(),
                        ty,
                        required: a.use_ == AttrUse::Required,
                        default: a.default.clone().or(a.fixed.clone()).or(default),
                        doc,
                    });
                }
                AttrItem::GroupRef(q, l) => {
                    let g = *self.idx.attr_groups.get(q).ok_or_else(|| {
                        Error::schema(l, format!("reference to undeclared attribute group {q}"))
                    })?;
                    let (more, p, a) = self.attributes(&g.attrs, ctx)?;
                    out.extend(more);
                    prohibited.extend(p);
                    any |= a || g.any_attribute;
                }
            }
        }
        Ok((out, prohibited, any))
    }

    fn flatten(
        &mut self,
        p: &Particle,
        ctx: &str,
        outer: Occurs,
        out: &mut Vec<Field>,
    ) -> Result<()> {
        let own = occurs(p.min, p.max);
        let occ = combine(outer, own);
        match &p.kind {
            ParticleKind::Element(e) => {
                let f = self.element_field(e, ctx, occ)?;
                out.push(f);
            }
            ParticleKind::Sequence(items) | ParticleKind::All(items) => {
                let as_group = matches!(own, Occurs::Many { .. })
                    || (own == Occurs::Optional
                        && items.len() > 1
                        && items.iter().filter(|i| is_required(i)).count() > 0);
                if as_group {
                    let key = self.group_struct(p, items, ctx)?;
                    out.push(Field {
                        rust: "sequence".into(),
                        kind: FieldKind::Group(key),
                        occurs: occ,
                        boxed: false,
                        doc: None,
                    });
                } else {
                    for it in items {
                        self.flatten(it, ctx, occ, out)?;
                    }
                }
            }
            ParticleKind::Choice(items) => {
                let key = self.choice(p, items, ctx)?;
                let occ = if occ == Occurs::Required && items.iter().any(|i| i.min == 0) {
                    Occurs::Optional
                } else {
                    occ
                };
                out.push(Field {
                    rust: if matches!(occ, Occurs::Many { .. }) {
                        "items".into()
                    } else {
                        "choice".into()
                    },
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
                    min: p.min * inner.min,
                    max,
                    loc: inner.loc.clone(),
                };
                let gname = names::type_name(&q.name);
                let before = out.len();
                self.flatten(&synthetic, &gname, outer, out)?;
                // A group that became one choice or sequence field is named after the group.
                if out.len() == before + 1 && matches!(out[before].kind, FieldKind::Group(_)) {
                    out[before].rust = names::field_name(&q.name);
                }
            }
            ParticleKind::Any => out.push(Field {
                rust: "any".into(),
                kind: FieldKind::Any,
                occurs: occ,
                boxed: false,
                doc: None,
            }),
        }
        Ok(())
    }

    fn group_struct(&mut self, p: &Particle, items: &[Particle], ctx: &str) -> Result<TypeKey> {
        if let Some(k) = self.anon_types.get(&p.loc) {
            return Ok(k.clone());
        }
        let ns = self.current_ns;
        let name = self.unique(ns, &format!("{ctx}Sequence"));
        let key = TypeKey {
            ns,
            name: name.clone(),
        };
        self.anon_types.insert(p.loc.clone(), key.clone());
        let mut fields = Vec::new();
        for it in items {
            self.flatten(it, &name, Occurs::Required, &mut fields)?;
        }
        dedupe_names(&mut Vec::new(), &mut fields, &[]);
        self.add(TypeDef {
            key: key.clone(),
            xml_name: None,
            doc: None,
            kind: TypeKind::Group { fields },
            facets: Facets::default(),
        });
        Ok(key)
    }

    fn choice(&mut self, p: &Particle, items: &[Particle], ctx: &str) -> Result<TypeKey> {
        if let Some(k) = self.anon_types.get(&p.loc) {
            return Ok(k.clone());
        }
        let ns = self.current_ns;
        let name = self.unique(ns, &format!("{ctx}Choice"));
        let key = TypeKey {
            ns,
            name: name.clone(),
        };
        self.anon_types.insert(p.loc.clone(), key.clone());
        let mut variants = Vec::new();
        for it in items {
            let occ = match occurs(it.min, it.max) {
                Occurs::Many { min } => Occurs::Many { min },
                _ => Occurs::Required,
            };
            let v = match &it.kind {
                ParticleKind::Element(e) => {
                    let mut f = self.element_field(e, &name, occ)?;
                    f.rust = names::type_name(&e.name.name);
                    f
                }
                ParticleKind::Any => Field {
                    rust: "Any".into(),
                    kind: FieldKind::Any,
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
                    let gk = self.group_struct(&wrapper, &items, &name)?;
                    Field {
                        rust: "Sequence".into(),
                        kind: FieldKind::Group(gk),
                        occurs: occ,
                        boxed: false,
                        doc: None,
                    }
                }
            };
            variants.push(v);
        }
        // Variant names must be unique.
        let mut seen = BTreeSet::new();
        for v in &mut variants {
            let base = v.rust.clone();
            let mut i = 2;
            while !seen.insert(v.rust.clone()) {
                v.rust = format!("{base}{i}");
                i += 1;
            }
        }
        self.add(TypeDef {
            key: key.clone(),
            xml_name: None,
            doc: None,
            kind: TypeKind::Choice { variants },
            facets: Facets::default(),
        });
        Ok(key)
    }

    fn element_field(&mut self, e: &ElementDecl, ctx: &str, occ: Occurs) -> Result<Field> {
        if let Some(r) = &e.reference {
            let g = *self.idx.elements.get(r).ok_or_else(|| {
                Error::schema(&e.loc, format!("reference to undeclared element {r}"))
            })?;
            let rust = names::field_name(&r.name);
            if g.is_abstract || self.idx.members.contains_key(r) {
                let key = self.subst_enum(r)?;
                return Ok(Field {
                    rust,
                    kind: FieldKind::Group(key),
                    occurs: occ,
                    boxed: false,
                    doc: e.doc.clone().or(g.doc.clone()),
                });
            }
            let ty = self.element_type(r, &e.loc)?;
            return Ok(Field {
                rust,
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
                &format!("{ctx}{}", names::type_name(&e.name.name)),
                &e.loc,
            )?,
            None => TyRef::Builtin(Builtin::AnyType),
        };
        Ok(Field {
            rust: names::field_name(&e.name.name),
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
            // An abstract element never stands itself: its type is kept as declared.
            Some(TypeUse::Named(t)) if e.is_abstract => self.named_type(t, &e.loc),
            Some(t) => self.type_use(t, &names::type_name(&q.name), &e.loc),
            None => match &e.substitution_group {
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
        if let Some(k) = self.derived.get(base) {
            return Ok(k.clone());
        }
        let ns = self.ns_of(&base.ns);
        let name = self.unique(ns, &format!("{}Derived", names::type_name(&base.name)));
        let key = TypeKey { ns, name };
        self.derived.insert(base.clone(), key.clone());
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
                rust: names::type_name(&q.name),
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
            doc,
            kind: TypeKind::Derived { variants },
            facets: Facets::default(),
        });
        Ok(key)
    }

    /// The enum of a substitution group, by its head element.
    fn subst_enum(&mut self, head: &QName) -> Result<TypeKey> {
        if let Some(k) = self.subst.get(head) {
            return Ok(k.clone());
        }
        let ns = self.ns_of(&head.ns);
        let name = self.unique(ns, &names::type_name(&head.name));
        let key = TypeKey { ns, name };
        self.subst.insert(head.clone(), key.clone());
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
                rust: names::type_name(&q.name),
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

    fn simple(&mut self, s: &SimpleType, key: TypeKey) -> Result<TypeDef> {
        let kind = match &s.kind {
            SimpleKind::Restriction { base, enums, .. } => {
                if enums.is_empty() {
                    TypeKind::Alias(self.type_use(base, &format!("{}Base", key.name), &s.loc)?)
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
                TypeKind::List(self.type_use(item, &format!("{}Item", key.name), &s.loc)?)
            }
            SimpleKind::Union { members } => {
                let mut out = Vec::new();
                for (i, m) in members.iter().enumerate() {
                    out.push(self.type_use(m, &format!("{}Member{}", key.name, i + 1), &s.loc)?);
                }
                TypeKind::Union(out)
            }
        };
        let facets = match &s.kind {
            SimpleKind::Restriction { facets, .. } => facets.clone(),
            _ => Facets::default(),
        };
        Ok(TypeDef {
            key,
            xml_name: s.name.clone(),
            doc: s.doc.clone(),
            kind,
            facets,
        })
    }

    /// Boxes every field through which a type can contain itself without a `Vec` between.
    fn box_recursion(&mut self) {
        let mut edges: BTreeMap<TypeKey, BTreeSet<TypeKey>> = BTreeMap::new();
        let target = |types: &BTreeMap<TypeKey, TypeDef>, f: &Field| -> Option<TypeKey> {
            if matches!(f.occurs, Occurs::Many { .. }) {
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
            match types.get(k).map(|t| &t.kind) {
                Some(
                    TypeKind::Struct { .. }
                    | TypeKind::Group { .. }
                    | TypeKind::Choice { .. }
                    | TypeKind::Derived { .. },
                ) => Some(k.clone()),
                _ => None,
            }
        };
        for (k, t) in &self.model.types {
            let fields: &[Field] = match &t.kind {
                TypeKind::Struct { fields, .. } | TypeKind::Group { fields } => fields,
                TypeKind::Choice { variants } | TypeKind::Derived { variants } => variants,
                _ => continue,
            };
            for f in fields {
                if let Some(to) = target(&self.model.types, f) {
                    edges.entry(k.clone()).or_default().insert(to);
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
        for (k, t) in &self.model.types {
            let fields: &[Field] = match &t.kind {
                TypeKind::Struct { fields, .. } | TypeKind::Group { fields } => fields,
                TypeKind::Choice { variants } | TypeKind::Derived { variants } => variants,
                _ => continue,
            };
            for (i, f) in fields.iter().enumerate() {
                if let Some(to) = target(&self.model.types, f) {
                    if reaches(&to, k) {
                        to_box.push((k.clone(), i));
                    }
                }
            }
        }
        for (k, i) in to_box {
            if let Some(t) = self.model.types.get_mut(&k) {
                match &mut t.kind {
                    TypeKind::Struct { fields, .. } | TypeKind::Group { fields } => {
                        fields[i].boxed = true
                    }
                    TypeKind::Choice { variants } | TypeKind::Derived { variants } => {
                        variants[i].boxed = true
                    }
                    _ => {}
                }
            }
        }
    }
}

/// Makes attribute and field names unique within a struct.
fn dedupe_names(attrs: &mut [Attribute], fields: &mut [Field], reserved: &[&str]) {
    let mut seen: BTreeSet<String> = reserved.iter().map(|s| s.to_string()).collect();
    let mut fix = |name: &mut String| {
        let base = name.clone();
        let mut i = 2;
        while !seen.insert(name.clone()) {
            let stem = base.trim_start_matches("r#");
            *name = format!("{stem}_{i}");
            i += 1;
        }
    };
    for a in attrs.iter_mut() {
        fix(&mut a.rust);
    }
    for f in fields.iter_mut() {
        fix(&mut f.rust);
    }
}

/// Operations from request/response element pairs: `X` with `XResponse`, or `XRequest`
/// with `XResponse`, in every namespace.
pub(crate) fn paired_operations(model: &Model) -> Vec<Operation> {
    let mut ops = Vec::new();
    for ((ns, name), e) in &model.elements {
        if name.ends_with("Response") || name.ends_with("ResponseMessage") || e.is_abstract {
            continue;
        }
        let base = name.strip_suffix("Request").unwrap_or(name);
        let found = [format!("{base}Response"), format!("{base}ResponseMessage")]
            .into_iter()
            .find_map(|resp| model.elements.get(&(*ns, resp)));
        if let Some(r) = found {
            ops.push(Operation {
                name: base.to_string(),
                request: e.qname.clone(),
                response: r.qname.clone(),
                input_headers: Vec::new(),
                output_headers: Vec::new(),
            });
        }
    }
    ops.sort_by(|a, b| a.name.cmp(&b.name));
    ops
}

/// SOAP header elements of EWS, kept by the operation filter.
pub(crate) const EWS_HEADERS: &[&str] = &[
    "RequestServerVersion",
    "ServerVersionInfo",
    "MailboxCulture",
    "ExchangeImpersonation",
    "TimeZoneContext",
    "ManagementRole",
    "DateTimePrecision",
    "SerializedSecurityContext",
];

/// Makes required child elements optional, for servers that leave out what their schema
/// requires. Each rule is `Type/Element`: the local name of a complex type (a `t:` or `m:`
/// prefix is allowed and ignored) and the local name of a child element of it (own or
/// inherited). A required element becomes an `Option`; a list with `minOccurs` above zero
/// may be empty. A rule that matches no element is an error, so a misspelt rule is not
/// silently ignored.
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
        let mut found = false;
        for def in model.types.values_mut() {
            if def.xml_name.as_ref().map(|q| q.name.as_str()) != Some(ty.as_str()) {
                continue;
            }
            if let TypeKind::Struct { fields, .. } = &mut def.kind {
                for f in fields.iter_mut() {
                    if let FieldKind::Element { qname, .. } = &f.kind {
                        if qname.name == el {
                            found = true;
                            f.occurs = match f.occurs {
                                Occurs::Required => Occurs::Optional,
                                Occurs::Many { .. } => Occurs::Many { min: 0 },
                                o => o,
                            };
                        }
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

/// Keeps only the named operations, their headers, and the types they reach.
pub(crate) fn filter_operations(mut model: Model, names: &[String]) -> Result<Model> {
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
        if EWS_HEADERS.contains(&g.qname.name.as_str()) {
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
    let mut keep: BTreeSet<TypeKey> = BTreeSet::new();
    while let Some(k) = todo.pop() {
        if !keep.insert(k.clone()) {
            continue;
        }
        let Some(t) = model.types.get(&k) else {
            continue;
        };
        let mut refs: Vec<&TyRef> = Vec::new();
        let mut groups: Vec<&TypeKey> = Vec::new();
        let fields: &[Field] = match &t.kind {
            TypeKind::Struct {
                attrs,
                fields,
                text,
                ..
            } => {
                refs.extend(attrs.iter().map(|a| &a.ty));
                refs.extend(text.iter());
                fields
            }
            TypeKind::Group { fields } => fields,
            TypeKind::Choice { variants } | TypeKind::Derived { variants } => variants,
            TypeKind::Alias(t) | TypeKind::List(t) => {
                refs.push(t);
                &[]
            }
            TypeKind::Union(ms) => {
                refs.extend(ms.iter());
                &[]
            }
            TypeKind::Enum { .. } => &[],
        };
        for f in fields {
            match &f.kind {
                FieldKind::Element { ty, .. } => refs.push(ty),
                FieldKind::Group(k) => groups.push(k),
                FieldKind::Any => {}
            }
        }
        for r in refs {
            if let TyRef::Named(k) = r {
                todo.push(k.clone());
            }
        }
        todo.extend(groups.into_iter().cloned());
    }
    model.types.retain(|k, _| keep.contains(k));
    Ok(model)
}
