//! Stage 2: the [`SchemaSet`](crate::xsd::SchemaSet) becomes a resolved [`Model`]: every
//! reference followed, content models turned into fields, groups and choices, recursion
//! boxed. Types are keyed by their XML Schema identity (namespace, kind and name; anonymous
//! types by where they stand), never by Rust names: naming is the next stage's
//! ([`crate::names`]). Everything is kept in ordered maps, so output is deterministic.
//!
//! A complex type derived by extension keeps its base as [`Struct::base`] and only its own
//! attributes and particles: the generated type holds its base as a field.

use std::collections::BTreeMap;

pub use crate::xsd::{Facets, Operation, Process, QName, Wildcard};

mod diff;
mod edit;
mod layout;
mod resolve;
pub mod shape;

pub use diff::{diff, Diff};
pub(crate) use edit::{filter_operations, relax_required};
pub use resolve::resolve;
pub use shape::shape;

/// The identity of a type of the model.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeKey {
    /// Index of the namespace in [`Model::namespaces`].
    pub ns: usize,
    /// What kind of schema construct it comes from.
    pub kind: KeyKind,
    /// The schema name (named types, substitution group heads, abstract bases), or for
    /// anonymous constructs the path of where they stand, such as `FindItemType/choice1`.
    pub name: String,
}

/// Kinds of [`TypeKey`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum KeyKind {
    /// A named complex or simple type.
    Named,
    /// An anonymous complex or simple type (of an element, attribute, list or union).
    Anonymous,
    /// An anonymous `xs:choice`.
    Choice,
    /// An `xs:sequence` that repeats or is optional as a whole.
    Sequence,
    /// A substitution group, by its head element.
    Substitution,
    /// The types derived from an abstract type, chosen by `xsi:type`.
    Derived,
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
    /// `xs:nonNegativeInteger` and `xs:positiveInteger` (a `u64` in Rust).
    NonNegativeInteger,
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

/// `maxOccurs="unbounded"`.
pub const UNBOUNDED: u32 = u32::MAX;

/// How often a field occurs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Occurs {
    /// Exactly once.
    Required,
    /// At most once.
    Optional,
    /// Between `min` and `max` times ([`UNBOUNDED`] for no limit), `max` above one.
    Many {
        /// `minOccurs`.
        min: u32,
        /// `maxOccurs`.
        max: u32,
    },
}

impl Occurs {
    /// `(minOccurs, maxOccurs)`.
    pub fn bounds(self) -> (u32, u32) {
        match self {
            Occurs::Required => (1, 1),
            Occurs::Optional => (0, 1),
            Occurs::Many { min, max } => (min, max),
        }
    }

    /// Whether the field holds a list.
    pub fn is_many(self) -> bool {
        matches!(self, Occurs::Many { .. })
    }
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
    /// `xs:any`: raw elements, and how a validator treats them.
    Any(Wildcard, Process),
}

/// A field of a struct or group, or a variant of a choice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The schema name the field is named after: the element's local name, the
    /// `xs:group` a group came from, or empty.
    pub name: String,
    /// What it holds.
    pub kind: FieldKind,
    /// How often.
    pub occurs: Occurs,
    /// Boxed, to break recursion or to keep a large optional part out of line.
    pub boxed: bool,
    /// Documentation.
    pub doc: Option<String>,
}

/// An attribute of a struct.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    /// Name.
    pub qname: QName,
    /// Type.
    pub ty: TyRef,
    /// `use="required"`.
    pub required: bool,
    /// `default` value.
    pub default: Option<String>,
    /// `fixed` value.
    pub fixed: Option<String>,
    /// Documentation.
    pub doc: Option<String>,
}

/// A complex type.
#[derive(Debug, Clone, Default)]
pub struct Struct {
    /// The base type of an extension: the generated type holds it as a field, and its
    /// attributes and particles come first.
    pub base: Option<TypeKey>,
    /// Attributes: own ones (for a restriction, every attribute it keeps).
    pub attrs: Vec<Attribute>,
    /// Element content: own particles, in schema order.
    pub fields: Vec<Field>,
    /// Simple content type (when the type, not its base, declares it).
    pub text: Option<TyRef>,
    /// Mixed content.
    pub mixed: bool,
    /// `xs:all` content: the elements in any order.
    pub all: bool,
    /// `xs:anyAttribute`.
    pub any_attribute: Option<Wildcard>,
}

/// Kinds of generated type.
#[derive(Debug, Clone)]
pub enum TypeKind {
    /// A complex type.
    Struct(Struct),
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
    /// A complex type whose whole content is one repeated element, wildcard or choice, with
    /// no attributes (`t:ArrayOfRecipientsType`): not a type of the API. A field holding
    /// one is a `Vec` of its items; the wrapper element stays on the wire. See
    /// [`shape()`].
    Wrapper {
        /// The repeated particle (`Occurs::Many`).
        item: Field,
    },
}

impl TypeKind {
    /// The fields of a struct or group, or the variants of a choice or derived type.
    pub fn children(&self) -> &[Field] {
        match self {
            TypeKind::Struct(s) => &s.fields,
            TypeKind::Group { fields } => fields,
            TypeKind::Choice { variants } | TypeKind::Derived { variants } => variants,
            TypeKind::Wrapper { item } => std::slice::from_ref(item),
            _ => &[],
        }
    }

    /// Like [`TypeKind::children`], mutable.
    pub fn children_mut(&mut self) -> &mut [Field] {
        match self {
            TypeKind::Struct(s) => &mut s.fields,
            TypeKind::Group { fields } => fields,
            TypeKind::Choice { variants } | TypeKind::Derived { variants } => variants,
            TypeKind::Wrapper { item } => std::slice::from_mut(item),
            _ => &mut [],
        }
    }

    /// Whether values hold elements (a struct, group, choice or derived type), as opposed
    /// to text (a wrapper's values are lists, held out of line).
    pub fn is_element_content(&self) -> bool {
        matches!(
            self,
            TypeKind::Struct(_)
                | TypeKind::Group { .. }
                | TypeKind::Choice { .. }
                | TypeKind::Derived { .. }
        )
    }
}

/// How an anonymous type came to be: what the naming stage names it after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A named type, substitution group or derived-type set: named after [`TypeDef::xml_name`].
    Named,
    /// The anonymous type of an element (`owner` holds the element; none for a global one).
    Element {
        /// The type holding the element.
        owner: Option<TypeKey>,
        /// The element's local name.
        element: String,
    },
    /// The anonymous simple type of an attribute.
    Attribute {
        /// The type holding the attribute.
        owner: Option<TypeKey>,
        /// The attribute's local name.
        attribute: String,
    },
    /// An anonymous choice or sequence group.
    Compositor {
        /// The type holding it.
        owner: TypeKey,
        /// The `xs:group` it was written in, if any.
        group: Option<String>,
    },
    /// The anonymous item type of a list, member of a union or base of a restriction.
    Part {
        /// The simple type it is part of.
        owner: TypeKey,
        /// `Item`, `Member1`, ... or `Base`.
        role: String,
    },
}

/// A generated type.
#[derive(Debug, Clone)]
pub struct TypeDef {
    /// Its key.
    pub key: TypeKey,
    /// The schema name it comes from (a type, a substitution group head, an abstract base).
    pub xml_name: Option<QName>,
    /// How it came to be.
    pub origin: Origin,
    /// Documentation.
    pub doc: Option<String>,
    /// What it is.
    pub kind: TypeKind,
    /// Facets of a simple type restriction.
    pub facets: Facets,
}

/// A namespace of the model: one module of the generated code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Namespace {
    /// URI.
    pub uri: String,
    /// Prefix used when writing.
    pub prefix: String,
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
    /// `nillable="true"`.
    pub nillable: bool,
    /// Documentation.
    pub doc: Option<String>,
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

    /// The struct a key names, if it is one.
    pub fn struct_of(&self, k: &TypeKey) -> Option<&Struct> {
        match &self.types.get(k)?.kind {
            TypeKind::Struct(s) => Some(s),
            _ => None,
        }
    }

    /// The chain of extension bases of `k`, nearest first.
    pub fn bases(&self, k: &TypeKey) -> Vec<TypeKey> {
        let mut out = Vec::new();
        let mut cur = self.struct_of(k).and_then(|s| s.base.clone());
        while let Some(b) = cur {
            if out.contains(&b) {
                break;
            }
            cur = self.struct_of(&b).and_then(|s| s.base.clone());
            out.push(b);
        }
        out
    }

    /// Every attribute of a struct, its bases' first.
    pub fn all_attrs(&self, k: &TypeKey) -> Vec<&Attribute> {
        let mut chain = self.bases(k);
        chain.reverse();
        chain.push(k.clone());
        chain
            .iter()
            .filter_map(|c| self.struct_of(c))
            .flat_map(|s| s.attrs.iter())
            .collect()
    }

    /// Every field of a struct, its bases' first.
    pub fn all_fields(&self, k: &TypeKey) -> Vec<&Field> {
        let mut chain = self.bases(k);
        chain.reverse();
        chain.push(k.clone());
        chain
            .iter()
            .filter_map(|c| self.struct_of(c))
            .flat_map(|s| s.fields.iter())
            .collect()
    }

    /// The simple content type of a struct, declared by it or a base.
    pub fn text_of(&self, k: &TypeKey) -> Option<&TyRef> {
        let s = self.struct_of(k)?;
        match &s.text {
            Some(t) => Some(t),
            None => s.base.as_ref().and_then(|b| self.text_of(b)),
        }
    }

    /// Whether `k` is `base` or derives from it by extension.
    pub fn derives_from(&self, k: &TypeKey, base: &TypeKey) -> bool {
        k == base || self.bases(k).contains(base)
    }
}
