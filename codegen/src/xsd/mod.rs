//! Stage 1: schema files become a [`SchemaSet`], an abstract syntax tree of every XML Schema
//! construct the EWS schemas use, with the position of each definition.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

mod dom;
mod wsdl;

use dom::Node;
pub use wsdl::{read_operations, Operation};

use crate::error::{Error, Loc, Result};
use crate::XS_NS;

/// A qualified name: namespace URI and local name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct QName {
    /// Namespace URI (empty for none).
    pub ns: String,
    /// Local name.
    pub name: String,
}

impl QName {
    /// A qualified name.
    pub fn new(ns: impl Into<String>, name: impl Into<String>) -> Self {
        QName {
            ns: ns.into(),
            name: name.into(),
        }
    }
}

impl std::fmt::Display for QName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.ns.is_empty() {
            f.write_str(&self.name)
        } else {
            write!(f, "{{{}}}{}", self.ns, self.name)
        }
    }
}

/// Upper bound of an occurrence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Max {
    /// At most this many.
    Bounded(u32),
    /// `unbounded`.
    Unbounded,
}

impl Max {
    /// Whether more than one occurrence is allowed.
    pub fn is_many(self) -> bool {
        !matches!(self, Max::Bounded(0 | 1))
    }
}

/// Every schema document read, in the order read (entry files first).
#[derive(Debug, Clone, Default)]
pub struct SchemaSet {
    /// The documents.
    pub docs: Vec<SchemaDoc>,
}

impl SchemaSet {
    /// Every file read, imports included.
    pub fn files(&self) -> Vec<PathBuf> {
        self.docs.iter().map(|d| d.file.clone()).collect()
    }
}

/// One schema document.
#[derive(Debug, Clone)]
pub struct SchemaDoc {
    /// The file.
    pub file: PathBuf,
    /// `targetNamespace`.
    pub target_ns: String,
    /// Prefix bindings on the root, used to name the namespace in generated code.
    pub prefixes: BTreeMap<String, String>,
    /// Top-level definitions in document order.
    pub items: Vec<Item>,
}

/// A top-level definition.
#[derive(Debug, Clone)]
pub enum Item {
    /// `xs:element`.
    Element(ElementDecl),
    /// `xs:complexType`.
    ComplexType(ComplexType),
    /// `xs:simpleType`.
    SimpleType(SimpleType),
    /// `xs:group`.
    Group(GroupDef),
    /// `xs:attributeGroup`.
    AttributeGroup(AttributeGroupDef),
    /// `xs:attribute`.
    Attribute(AttributeDecl),
}

/// A type given by name or inline.
#[derive(Debug, Clone)]
pub enum TypeUse {
    /// `type="..."`.
    Named(QName),
    /// An anonymous complex type.
    Complex(Box<ComplexType>),
    /// An anonymous simple type.
    Simple(Box<SimpleType>),
}

/// `xs:element`, global or local.
#[derive(Debug, Clone)]
pub struct ElementDecl {
    /// Name and namespace (the namespace follows `elementFormDefault`/`form`).
    pub name: QName,
    /// `ref="..."`, for element references.
    pub reference: Option<QName>,
    /// The type; `None` means `xs:anyType`.
    pub ty: Option<TypeUse>,
    /// `minOccurs`.
    pub min: u32,
    /// `maxOccurs`.
    pub max: Max,
    /// `nillable="true"`.
    pub nillable: bool,
    /// `abstract="true"`.
    pub is_abstract: bool,
    /// `substitutionGroup`.
    pub substitution_group: Option<QName>,
    /// `default` or `fixed` value.
    pub default: Option<String>,
    /// Documentation.
    pub doc: Option<String>,
    /// Position.
    pub loc: Loc,
}

/// `xs:complexType`.
#[derive(Debug, Clone)]
pub struct ComplexType {
    /// Name (none for anonymous types).
    pub name: Option<QName>,
    /// `abstract="true"`.
    pub is_abstract: bool,
    /// `mixed="true"`.
    pub mixed: bool,
    /// The content.
    pub content: Content,
    /// Attributes and attribute group references, own ones only.
    pub attrs: Vec<AttrItem>,
    /// `xs:anyAttribute`, when present.
    pub any_attribute: Option<Wildcard>,
    /// Documentation.
    pub doc: Option<String>,
    /// Position.
    pub loc: Loc,
}

/// Content of a complex type.
#[derive(Debug, Clone)]
pub enum Content {
    /// A particle directly (or none: empty content).
    Particle(Option<Particle>),
    /// `complexContent/extension`.
    Extension {
        /// Base type.
        base: QName,
        /// Added particle.
        particle: Option<Particle>,
    },
    /// `complexContent/restriction`.
    Restriction {
        /// Base type.
        base: QName,
        /// The restricted particle, restated in full.
        particle: Option<Particle>,
    },
    /// `simpleContent/extension`.
    SimpleExtension {
        /// Base type (simple, or complex with simple content).
        base: QName,
    },
    /// `simpleContent/restriction`.
    SimpleRestriction {
        /// Base type.
        base: QName,
    },
}

/// A particle with its occurrence.
#[derive(Debug, Clone)]
pub struct Particle {
    /// What it is.
    pub kind: ParticleKind,
    /// `minOccurs`.
    pub min: u32,
    /// `maxOccurs`.
    pub max: Max,
    /// Position.
    pub loc: Loc,
}

/// The kinds of particle.
#[derive(Debug, Clone)]
pub enum ParticleKind {
    /// A local element or an element reference.
    Element(Box<ElementDecl>),
    /// `xs:sequence`.
    Sequence(Vec<Particle>),
    /// `xs:choice`.
    Choice(Vec<Particle>),
    /// `xs:all`.
    All(Vec<Particle>),
    /// `xs:group ref`.
    GroupRef(QName),
    /// `xs:any`: the namespaces it accepts and how a validator treats what it takes.
    Any(Wildcard, Process),
}

/// `processContents` of an `xs:any`: how a validator treats the elements it takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Process {
    /// `skip`: not validated.
    Skip,
    /// `lax`: validated against the global declaration of its name, if there is one.
    Lax,
    /// `strict` (the default): a global declaration must exist, and the element be valid
    /// against it.
    #[default]
    Strict,
}

/// The namespaces an `xs:any` or `xs:anyAttribute` accepts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Wildcard {
    /// `##any` (the default).
    #[default]
    Any,
    /// `##other`: any namespace but the target namespace (given) and no namespace.
    Other(String),
    /// A list of namespace URIs (`##local` is the empty string, `##targetNamespace` the
    /// target namespace).
    List(Vec<String>),
}

/// An attribute or a reference to an attribute group.
#[derive(Debug, Clone)]
pub enum AttrItem {
    /// `xs:attribute`.
    Attribute(AttributeDecl),
    /// `xs:attributeGroup ref`.
    GroupRef(QName, Loc),
}

/// `use` of an attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttrUse {
    /// `required`.
    Required,
    /// `optional` (the default).
    Optional,
    /// `prohibited`.
    Prohibited,
}

/// `xs:attribute`.
#[derive(Debug, Clone)]
pub struct AttributeDecl {
    /// Name and namespace.
    pub name: QName,
    /// `ref="..."`.
    pub reference: Option<QName>,
    /// The type; `None` means `xs:anySimpleType`.
    pub ty: Option<TypeUse>,
    /// `use`.
    pub use_: AttrUse,
    /// `default` value.
    pub default: Option<String>,
    /// `fixed` value.
    pub fixed: Option<String>,
    /// Documentation.
    pub doc: Option<String>,
    /// Position.
    pub loc: Loc,
}

/// `xs:simpleType`.
#[derive(Debug, Clone)]
pub struct SimpleType {
    /// Name (none for anonymous types).
    pub name: Option<QName>,
    /// The `id` attribute (anonymous union members are named after it).
    pub id: Option<String>,
    /// The variety.
    pub kind: SimpleKind,
    /// Documentation.
    pub doc: Option<String>,
    /// Position.
    pub loc: Loc,
}

/// Varieties of simple type.
#[derive(Debug, Clone)]
pub enum SimpleKind {
    /// `xs:restriction`: enumerations, or other facets that fall back to the base.
    Restriction {
        /// Base type, by name or inline.
        base: TypeUse,
        /// Enumerated values with their documentation.
        enums: Vec<(String, Option<String>)>,
        /// The other facets.
        facets: Box<Facets>,
    },
    /// `xs:list`.
    List {
        /// Item type.
        item: TypeUse,
    },
    /// `xs:union`.
    Union {
        /// Member types, named then inline.
        members: Vec<TypeUse>,
    },
}

/// Facets of a simple type restriction other than enumerations.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facets {
    /// `xs:pattern` values (a value must match one of them).
    pub patterns: Vec<String>,
    /// `xs:length`.
    pub length: Option<u64>,
    /// `xs:minLength`.
    pub min_length: Option<u64>,
    /// `xs:maxLength`.
    pub max_length: Option<u64>,
    /// `xs:minInclusive`.
    pub min_inclusive: Option<String>,
    /// `xs:maxInclusive`.
    pub max_inclusive: Option<String>,
    /// `xs:minExclusive`.
    pub min_exclusive: Option<String>,
    /// `xs:maxExclusive`.
    pub max_exclusive: Option<String>,
    /// `xs:totalDigits`.
    pub total_digits: Option<u64>,
    /// `xs:fractionDigits`.
    pub fraction_digits: Option<u64>,
    /// `xs:whiteSpace` (`preserve`, `replace` or `collapse`).
    pub white_space: Option<String>,
}

impl Facets {
    /// Whether no facet is set.
    pub fn is_empty(&self) -> bool {
        *self == Facets::default()
    }
}

/// `xs:group` definition.
#[derive(Debug, Clone)]
pub struct GroupDef {
    /// Name.
    pub name: QName,
    /// Its particle.
    pub particle: Particle,
    /// Position.
    pub loc: Loc,
}

/// `xs:attributeGroup` definition.
#[derive(Debug, Clone)]
pub struct AttributeGroupDef {
    /// Name.
    pub name: QName,
    /// Attributes and nested references.
    pub attrs: Vec<AttrItem>,
    /// `xs:anyAttribute`, when present.
    pub any_attribute: Option<Wildcard>,
    /// Position.
    pub loc: Loc,
}

/// Reads `entries` and every file they import or include.
pub fn load(entries: &[PathBuf]) -> Result<SchemaSet> {
    let mut set = SchemaSet::default();
    let mut seen: BTreeSet<PathBuf> = BTreeSet::new();
    for entry in entries {
        let mut chain = Vec::new();
        load_file(entry, None, &mut set, &mut seen, &mut chain)?;
    }
    Ok(set)
}

fn canonical(path: &Path, from: Option<&Loc>) -> Result<PathBuf> {
    std::fs::canonicalize(path).map_err(|e| match from {
        Some(loc) => Error::schema(
            loc,
            format!("cannot read imported schema {}: {e}", path.display()),
        ),
        None => Error::Io {
            path: path.to_path_buf(),
            source: e,
        },
    })
}

fn load_file(
    path: &Path,
    from: Option<&Loc>,
    set: &mut SchemaSet,
    seen: &mut BTreeSet<PathBuf>,
    chain: &mut Vec<PathBuf>,
) -> Result<()> {
    let canon = canonical(path, from)?;
    if chain.contains(&canon) {
        let loc = from.cloned().unwrap_or_default();
        let cycle: Vec<String> = chain
            .iter()
            .chain([&canon])
            .map(|p| p.display().to_string())
            .collect();
        return Err(Error::schema(
            &loc,
            format!("import cycle: {}", cycle.join(" -> ")),
        ));
    }
    if !seen.insert(canon.clone()) {
        return Ok(());
    }
    let root = dom::read_file(path)?;
    if root.ns != XS_NS || root.name != "schema" {
        return Err(Error::schema(
            &root.loc,
            format!(
                "expected an xs:schema root element, found <{}> in namespace `{}`",
                root.name, root.ns
            ),
        ));
    }
    chain.push(canon);
    // Imports first, so definitions of imported documents come before their users.
    for child in &root.children {
        if child.ns == XS_NS && (child.name == "import" || child.name == "include") {
            match child.attr("schemaLocation") {
                Some(loc) => {
                    let target = path.parent().unwrap_or(Path::new(".")).join(loc);
                    load_file(&target, Some(&child.loc), set, seen, chain)?;
                }
                None => {
                    let ns = child.attr("namespace").unwrap_or("");
                    if ns != crate::XML_NS && ns != XS_NS {
                        return Err(Error::schema(
                            &child.loc,
                            format!("import of namespace `{ns}` without schemaLocation: only the xml namespace is built in"),
                        ));
                    }
                }
            }
        } else if child.ns == XS_NS && child.name == "redefine" {
            return Err(Error::schema(&child.loc, "xs:redefine is not supported"));
        }
    }
    chain.pop();
    let doc = parse_doc(&root, path)?;
    set.docs.push(doc);
    Ok(())
}

struct Ctx<'a> {
    target_ns: &'a str,
    element_qualified: bool,
    attribute_qualified: bool,
}

fn parse_doc(root: &Node, path: &Path) -> Result<SchemaDoc> {
    let target_ns = root.attr("targetNamespace").unwrap_or("").to_string();
    let ctx = Ctx {
        target_ns: &target_ns,
        element_qualified: root.attr("elementFormDefault") == Some("qualified"),
        attribute_qualified: root.attr("attributeFormDefault") == Some("qualified"),
    };
    let mut items = Vec::new();
    for c in &root.children {
        if c.ns != XS_NS {
            continue;
        }
        let item = match c.name.as_str() {
            "element" => Item::Element(parse_element(c, &ctx, true)?),
            "complexType" => Item::ComplexType(parse_complex(c, &ctx, true)?),
            "simpleType" => Item::SimpleType(parse_simple(c, &ctx, true)?),
            "group" => {
                let particle = c
                    .children
                    .iter()
                    .filter(|n| {
                        n.ns == XS_NS && matches!(n.name.as_str(), "sequence" | "choice" | "all")
                    })
                    .map(|n| parse_particle(n, &ctx))
                    .next()
                    .ok_or_else(|| {
                        Error::schema(&c.loc, "xs:group without sequence, choice or all")
                    })??;
                Item::Group(GroupDef {
                    name: QName::new(&target_ns, required_attr(c, "name")?),
                    particle,
                    loc: c.loc.clone(),
                })
            }
            "attributeGroup" => {
                let (attrs, any_attribute) = parse_attrs(c, &ctx)?;
                Item::AttributeGroup(AttributeGroupDef {
                    name: QName::new(&target_ns, required_attr(c, "name")?),
                    attrs,
                    any_attribute,
                    loc: c.loc.clone(),
                })
            }
            "attribute" => Item::Attribute(parse_attribute(c, &ctx, true)?),
            "import" | "include" | "annotation" | "notation" => continue,
            other => {
                return Err(Error::schema(
                    &c.loc,
                    format!("unsupported top-level construct xs:{other}"),
                ))
            }
        };
        items.push(item);
    }
    Ok(SchemaDoc {
        file: path.to_path_buf(),
        target_ns: target_ns.clone(),
        prefixes: root.scope.clone(),
        items,
    })
}

fn required_attr<'a>(n: &'a Node, name: &str) -> Result<&'a str> {
    n.attr(name)
        .ok_or_else(|| Error::schema(&n.loc, format!("xs:{} needs a `{name}` attribute", n.name)))
}

/// Documentation text of `xs:annotation/xs:documentation`, whitespace tidied.
fn documentation(n: &Node) -> Option<String> {
    let mut parts = Vec::new();
    for a in n.xs_children("annotation") {
        for d in a.xs_children("documentation") {
            let text = collect_text(d);
            let lines: Vec<&str> = text.lines().map(str::trim).collect();
            let mut out = String::new();
            for l in lines {
                if l.is_empty() {
                    if !out.is_empty() && !out.ends_with("\n\n") {
                        out.push_str("\n\n");
                    }
                } else {
                    if !out.is_empty() && !out.ends_with('\n') {
                        out.push(' ');
                    }
                    out.push_str(l);
                }
            }
            let out = out.trim().to_string();
            if !out.is_empty() {
                parts.push(out);
            }
        }
    }
    if parts.is_empty() {
        None
    } else {
        Some(parts.join("\n\n"))
    }
}

fn collect_text(n: &Node) -> String {
    let mut s = n.text.clone();
    for c in &n.children {
        s.push(' ');
        s.push_str(&collect_text(c));
    }
    s
}

fn parse_occurs(n: &Node) -> Result<(u32, Max)> {
    let min = match n.attr("minOccurs") {
        Some(v) => v
            .trim()
            .parse::<u32>()
            .map_err(|_| Error::schema(&n.loc, format!("invalid minOccurs `{v}`")))?,
        None => 1,
    };
    let max = match n.attr("maxOccurs").map(str::trim) {
        Some("unbounded") => Max::Unbounded,
        Some(v) => Max::Bounded(
            v.parse::<u32>()
                .map_err(|_| Error::schema(&n.loc, format!("invalid maxOccurs `{v}`")))?,
        ),
        None => Max::Bounded(1),
    };
    if let Max::Bounded(m) = max {
        if m < min {
            return Err(Error::schema(
                &n.loc,
                format!("maxOccurs {m} is less than minOccurs {min}"),
            ));
        }
    }
    Ok((min, max))
}

fn parse_type_use(n: &Node, ctx: &Ctx<'_>) -> Result<Option<TypeUse>> {
    if let Some(t) = n.attr("type") {
        let (ns, name) = n.resolve_qname(t)?;
        return Ok(Some(TypeUse::Named(QName::new(ns, name))));
    }
    if let Some(c) = n.xs_children("complexType").next() {
        return Ok(Some(TypeUse::Complex(Box::new(parse_complex(
            c, ctx, false,
        )?))));
    }
    if let Some(s) = n.xs_children("simpleType").next() {
        return Ok(Some(TypeUse::Simple(Box::new(parse_simple(
            s, ctx, false,
        )?))));
    }
    Ok(None)
}

fn qname_attr(n: &Node, attr: &str) -> Result<Option<QName>> {
    match n.attr(attr) {
        Some(v) => {
            let (ns, name) = n.resolve_qname(v)?;
            Ok(Some(QName::new(ns, name)))
        }
        None => Ok(None),
    }
}

fn parse_element(n: &Node, ctx: &Ctx<'_>, global: bool) -> Result<ElementDecl> {
    let reference = qname_attr(n, "ref")?;
    let (min, max) = if global {
        (1, Max::Bounded(1))
    } else {
        parse_occurs(n)?
    };
    let name = match (&reference, n.attr("name")) {
        (Some(r), _) => r.clone(),
        (None, Some(name)) => {
            let qualified = global
                || match n.attr("form") {
                    Some(f) => f == "qualified",
                    None => ctx.element_qualified,
                };
            QName::new(if qualified { ctx.target_ns } else { "" }, name)
        }
        (None, None) => return Err(Error::schema(&n.loc, "xs:element needs `name` or `ref`")),
    };
    Ok(ElementDecl {
        name,
        ty: if reference.is_some() {
            None
        } else {
            parse_type_use(n, ctx)?
        },
        reference,
        min,
        max,
        nillable: n.attr("nillable") == Some("true"),
        is_abstract: n.attr("abstract") == Some("true"),
        substitution_group: qname_attr(n, "substitutionGroup")?,
        default: n.attr("default").or(n.attr("fixed")).map(str::to_string),
        doc: documentation(n),
        loc: n.loc.clone(),
    })
}

fn parse_particle(n: &Node, ctx: &Ctx<'_>) -> Result<Particle> {
    let (min, max) = parse_occurs(n)?;
    let kind =
        match n.name.as_str() {
            "element" => ParticleKind::Element(Box::new(parse_element(n, ctx, false)?)),
            "sequence" | "choice" | "all" => {
                let mut items = Vec::new();
                for c in &n.children {
                    if c.ns != XS_NS || c.name == "annotation" {
                        continue;
                    }
                    items.push(parse_particle(c, ctx)?);
                }
                match n.name.as_str() {
                    "sequence" => ParticleKind::Sequence(items),
                    "choice" => ParticleKind::Choice(items),
                    _ => ParticleKind::All(items),
                }
            }
            "group" => ParticleKind::GroupRef(qname_attr(n, "ref")?.ok_or_else(|| {
                Error::schema(&n.loc, "xs:group inside a content model needs `ref`")
            })?),
            "any" => ParticleKind::Any(
                wildcard(n, ctx),
                match n.attr("processContents").map(str::trim) {
                    Some("skip") => Process::Skip,
                    Some("lax") => Process::Lax,
                    None | Some("strict") => Process::Strict,
                    Some(other) => {
                        return Err(Error::schema(
                            &n.loc,
                            format!("xs:any processContents `{other}` is not skip, lax or strict"),
                        ))
                    }
                },
            ),
            other => {
                return Err(Error::schema(
                    &n.loc,
                    format!("unsupported construct xs:{other} in a content model"),
                ))
            }
        };
    Ok(Particle {
        kind,
        min,
        max,
        loc: n.loc.clone(),
    })
}

fn parse_attribute(n: &Node, ctx: &Ctx<'_>, global: bool) -> Result<AttributeDecl> {
    let reference = qname_attr(n, "ref")?;
    let name = match (&reference, n.attr("name")) {
        (Some(r), _) => r.clone(),
        (None, Some(name)) => {
            let qualified = global
                || match n.attr("form") {
                    Some(f) => f == "qualified",
                    None => ctx.attribute_qualified,
                };
            QName::new(if qualified { ctx.target_ns } else { "" }, name)
        }
        (None, None) => return Err(Error::schema(&n.loc, "xs:attribute needs `name` or `ref`")),
    };
    let use_ = match n.attr("use") {
        Some("required") => AttrUse::Required,
        Some("prohibited") => AttrUse::Prohibited,
        Some("optional") | None => AttrUse::Optional,
        Some(other) => return Err(Error::schema(&n.loc, format!("invalid use `{other}`"))),
    };
    Ok(AttributeDecl {
        name,
        ty: if reference.is_some() {
            None
        } else {
            parse_type_use(n, ctx)?
        },
        reference,
        use_,
        default: n.attr("default").map(str::to_string),
        fixed: n.attr("fixed").map(str::to_string),
        doc: documentation(n),
        loc: n.loc.clone(),
    })
}

/// The namespace constraint of `xs:any` or `xs:anyAttribute`.
fn wildcard(n: &Node, ctx: &Ctx<'_>) -> Wildcard {
    match n.attr("namespace").map(str::trim) {
        None | Some("##any") => Wildcard::Any,
        Some("##other") => Wildcard::Other(ctx.target_ns.to_string()),
        Some(list) => Wildcard::List(
            list.split_whitespace()
                .map(|u| match u {
                    "##local" => String::new(),
                    "##targetNamespace" => ctx.target_ns.to_string(),
                    u => u.to_string(),
                })
                .collect(),
        ),
    }
}

fn parse_attrs(n: &Node, ctx: &Ctx<'_>) -> Result<(Vec<AttrItem>, Option<Wildcard>)> {
    let mut attrs = Vec::new();
    let mut any = None;
    for c in &n.children {
        if c.ns != XS_NS {
            continue;
        }
        match c.name.as_str() {
            "attribute" => attrs.push(AttrItem::Attribute(parse_attribute(c, ctx, false)?)),
            "attributeGroup" => attrs.push(AttrItem::GroupRef(
                qname_attr(c, "ref")?
                    .ok_or_else(|| Error::schema(&c.loc, "xs:attributeGroup needs `ref`"))?,
                c.loc.clone(),
            )),
            "anyAttribute" => any = Some(wildcard(c, ctx)),
            _ => {}
        }
    }
    Ok((attrs, any))
}

fn particle_child(n: &Node, ctx: &Ctx<'_>) -> Result<Option<Particle>> {
    for c in &n.children {
        if c.ns == XS_NS && matches!(c.name.as_str(), "sequence" | "choice" | "all" | "group") {
            return Ok(Some(parse_particle(c, ctx)?));
        }
    }
    Ok(None)
}

fn parse_complex(n: &Node, ctx: &Ctx<'_>, global: bool) -> Result<ComplexType> {
    let name = if global {
        Some(QName::new(ctx.target_ns, required_attr(n, "name")?))
    } else {
        None
    };
    let mut mixed = n.attr("mixed") == Some("true");
    let (content, attrs, any_attribute) = if let Some(cc) = n.xs_children("complexContent").next() {
        if cc.attr("mixed") == Some("true") {
            mixed = true;
        }
        let (d, is_ext) = match (
            cc.xs_children("extension").next(),
            cc.xs_children("restriction").next(),
        ) {
            (Some(e), _) => (e, true),
            (None, Some(r)) => (r, false),
            _ => {
                return Err(Error::schema(
                    &cc.loc,
                    "xs:complexContent needs xs:extension or xs:restriction",
                ))
            }
        };
        let base = qname_attr(d, "base")?
            .ok_or_else(|| Error::schema(&d.loc, "derivation needs `base`"))?;
        let particle = particle_child(d, ctx)?;
        let (attrs, any) = parse_attrs(d, ctx)?;
        let content = if is_ext {
            Content::Extension { base, particle }
        } else {
            Content::Restriction { base, particle }
        };
        (content, attrs, any)
    } else if let Some(sc) = n.xs_children("simpleContent").next() {
        let (d, is_ext) = match (
            sc.xs_children("extension").next(),
            sc.xs_children("restriction").next(),
        ) {
            (Some(e), _) => (e, true),
            (None, Some(r)) => (r, false),
            _ => {
                return Err(Error::schema(
                    &sc.loc,
                    "xs:simpleContent needs xs:extension or xs:restriction",
                ))
            }
        };
        let base = qname_attr(d, "base")?
            .ok_or_else(|| Error::schema(&d.loc, "derivation needs `base`"))?;
        let (attrs, any) = parse_attrs(d, ctx)?;
        let content = if is_ext {
            Content::SimpleExtension { base }
        } else {
            Content::SimpleRestriction { base }
        };
        (content, attrs, any)
    } else {
        let particle = particle_child(n, ctx)?;
        let (attrs, any) = parse_attrs(n, ctx)?;
        (Content::Particle(particle), attrs, any)
    };
    Ok(ComplexType {
        name,
        is_abstract: n.attr("abstract") == Some("true"),
        mixed,
        content,
        attrs,
        any_attribute,
        doc: documentation(n),
        loc: n.loc.clone(),
    })
}

fn parse_simple(n: &Node, ctx: &Ctx<'_>, global: bool) -> Result<SimpleType> {
    let name = if global {
        Some(QName::new(ctx.target_ns, required_attr(n, "name")?))
    } else {
        None
    };
    let kind = if let Some(r) = n.xs_children("restriction").next() {
        let base = match qname_attr(r, "base")? {
            Some(b) => TypeUse::Named(b),
            None => match r.xs_children("simpleType").next() {
                Some(s) => TypeUse::Simple(Box::new(parse_simple(s, ctx, false)?)),
                None => {
                    return Err(Error::schema(
                        &r.loc,
                        "xs:restriction needs `base` or an inline xs:simpleType",
                    ))
                }
            },
        };
        let enums = r
            .xs_children("enumeration")
            .map(|e| Ok((required_attr(e, "value")?.to_string(), documentation(e))))
            .collect::<Result<Vec<_>>>()?;
        let one = |name: &str| -> Result<Option<String>> {
            Ok(match r.xs_children(name).next() {
                Some(f) => Some(required_attr(f, "value")?.trim().to_string()),
                None => None,
            })
        };
        let number = |name: &str| -> Result<Option<u64>> {
            match r.xs_children(name).next() {
                Some(f) => {
                    let v = required_attr(f, "value")?;
                    v.trim().parse().map(Some).map_err(|_| {
                        Error::schema(&f.loc, format!("xs:{name} value `{v}` is not a number"))
                    })
                }
                None => Ok(None),
            }
        };
        let facets = Facets {
            patterns: r
                .xs_children("pattern")
                .map(|p| Ok(required_attr(p, "value")?.to_string()))
                .collect::<Result<Vec<_>>>()?,
            length: number("length")?,
            min_length: number("minLength")?,
            max_length: number("maxLength")?,
            min_inclusive: one("minInclusive")?,
            max_inclusive: one("maxInclusive")?,
            min_exclusive: one("minExclusive")?,
            max_exclusive: one("maxExclusive")?,
            total_digits: number("totalDigits")?,
            fraction_digits: number("fractionDigits")?,
            white_space: one("whiteSpace")?,
        };
        SimpleKind::Restriction {
            base,
            enums,
            facets: Box::new(facets),
        }
    } else if let Some(l) = n.xs_children("list").next() {
        let item = match qname_attr(l, "itemType")? {
            Some(q) => TypeUse::Named(q),
            None => match l.xs_children("simpleType").next() {
                Some(s) => TypeUse::Simple(Box::new(parse_simple(s, ctx, false)?)),
                None => {
                    return Err(Error::schema(
                        &l.loc,
                        "xs:list needs `itemType` or an inline xs:simpleType",
                    ))
                }
            },
        };
        SimpleKind::List { item }
    } else if let Some(u) = n.xs_children("union").next() {
        let mut members = Vec::new();
        if let Some(m) = u.attr("memberTypes") {
            for t in m.split_whitespace() {
                let (ns, name) = u.resolve_qname(t)?;
                members.push(TypeUse::Named(QName::new(ns, name)));
            }
        }
        for s in u.xs_children("simpleType") {
            members.push(TypeUse::Simple(Box::new(parse_simple(s, ctx, false)?)));
        }
        if members.is_empty() {
            return Err(Error::schema(&u.loc, "xs:union without member types"));
        }
        SimpleKind::Union { members }
    } else {
        return Err(Error::schema(
            &n.loc,
            "xs:simpleType needs xs:restriction, xs:list or xs:union",
        ));
    };
    Ok(SimpleType {
        name,
        id: n.attr("id").map(str::to_string),
        kind,
        doc: documentation(n),
        loc: n.loc.clone(),
    })
}
