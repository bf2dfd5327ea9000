//! The tables generated code describes its types with: a complex type's attributes
//! ([`A`]), the particles of its content ([`P`], matching one element or any of several,
//! a wildcard's namespaces [`Wild`]) and how they are read ([`Model`]), all in one
//! [`Content`].

use crate::rt::any::RawElement;
use crate::rt::error::Result;
use crate::rt::facets::Lex;
use crate::rt::xml::ReadOptions;
use crate::rt::xml::NS_NONE;
#[cfg(doc)]
use crate::rt::xml::NS_OTHER;

/// `maxOccurs="unbounded"`.
pub const UNBOUNDED: u32 = u32::MAX;

/// The deepest chain of extensions a type may have (EWS uses four).
pub const MAX_BASES: usize = 16;

/// The namespaces an `xs:any` (or `xs:anyAttribute`) accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wild {
    /// No wildcard.
    None,
    /// `##any`.
    Any,
    /// `##other`: any namespace but the target namespace (id given) and no namespace.
    Other(u8),
    /// A list of namespace ids (`##local` is [`NS_NONE`], `##targetNamespace` the target's
    /// id; [`NS_OTHER`] when the list names a namespace the generated code does not know).
    List(&'static [u8]),
}

impl Wild {
    /// Whether an element or attribute in namespace `ns` is accepted.
    #[inline]
    pub fn accepts(self, ns: u8) -> bool {
        match self {
            Wild::None => false,
            Wild::Any => true,
            Wild::Other(target) => ns != target && ns != NS_NONE,
            Wild::List(list) => list.contains(&ns),
        }
    }
}

/// What strict reading runs on an element a wildcard with `processContents` `lax` or
/// `strict` took ([`P::validated`]): `Ok` when it is valid, else the
/// error, its path relative to the element.
pub type Validate = fn(&RawElement, &ReadOptions) -> Result<()>;

/// What a particle matches.
#[derive(Debug, Clone, Copy)]
pub enum Term {
    /// One element: local name and namespace id.
    El(&'static str, u8),
    /// Any of these elements (a choice, a substitution group or a group's first elements),
    /// or an element the wildcard accepts.
    Names(&'static [(&'static str, u8)], Wild),
}

/// A particle of a sequence: what it matches and how often.
#[derive(Debug, Clone, Copy)]
pub struct P {
    /// What it matches.
    pub term: Term,
    /// `minOccurs`.
    pub min: u32,
    /// `maxOccurs` ([`UNBOUNDED`] for unbounded).
    pub max: u32,
    /// What strict reading checks on the text of a simple-typed element.
    pub lex: Option<&'static Lex>,
    /// For a wildcard whose `processContents` is `lax` or `strict`: how strict reading
    /// judges the element it takes against the global declaration of its name.
    pub validated: Option<Validate>,
}

impl P {
    /// The same particle, its text checked by strict reading against `lex`.
    pub const fn lex(self, lex: &'static Lex) -> P {
        P {
            lex: Some(lex),
            ..self
        }
    }

    /// The same wildcard, the elements it takes judged by strict reading with `validate`
    /// ([`check_lax`](super::check_lax) or [`check_strict`](super::check_strict) of the
    /// generated code's global elements).
    pub const fn validated(self, validate: Validate) -> P {
        P {
            validated: Some(validate),
            ..self
        }
    }

    /// One element.
    pub const fn el(local: &'static str, ns: u8, min: u32, max: u32) -> P {
        P {
            term: Term::El(local, ns),
            min,
            max,
            lex: None,
            validated: None,
        }
    }

    /// A choice, substitution group or group, by the elements it can start with.
    pub const fn of(first: First, min: u32, max: u32) -> P {
        P {
            term: Term::Names(first.names, first.any),
            min,
            max,
            lex: None,
            validated: None,
        }
    }

    /// A wildcard (`xs:any`).
    pub const fn any(wild: Wild, min: u32, max: u32) -> P {
        P {
            term: Term::Names(&[], wild),
            min,
            max,
            lex: None,
            validated: None,
        }
    }

    #[inline]
    pub(crate) fn accepts(&self, local: &str, ns: u8) -> bool {
        match self.term {
            Term::El(l, n) => n == ns && l == local,
            Term::Names(names, wild) => {
                names.iter().any(|(l, n)| *n == ns && *l == local) || wild.accepts(ns)
            }
        }
    }

    /// The element names it matches, for messages (`A`, `X or Y`, `any element`).
    pub(crate) fn name(&self) -> String {
        let mut names = Vec::new();
        self.names_into(&mut names);
        match names.as_slice() {
            [(l, _)] => (*l).to_string(),
            [] => "any element".to_string(),
            names => names
                .iter()
                .map(|(l, _)| *l)
                .collect::<Vec<_>>()
                .join(" or "),
        }
    }

    pub(crate) fn names_into(&self, out: &mut Vec<(&'static str, u8)>) {
        match self.term {
            Term::El(l, n) => out.push((l, n)),
            Term::Names(names, _) => out.extend_from_slice(names),
        }
    }
}

/// The elements a choice, substitution group or sequence group can start with.
#[derive(Debug, Clone, Copy)]
pub struct First {
    /// Element names.
    pub names: &'static [(&'static str, u8)],
    /// A wildcard it can start with.
    pub any: Wild,
}

/// An attribute of a complex type.
#[derive(Debug, Clone, Copy)]
pub struct A {
    /// Local name.
    pub local: &'static str,
    /// Namespace id ([`NS_NONE`] for an unqualified attribute).
    pub ns: u8,
    /// `use="required"`.
    pub required: bool,
    /// What strict reading checks on the value (whitespace, facets, `fixed`).
    pub lex: Option<&'static Lex>,
}

impl A {
    /// The same attribute, its value checked by strict reading against `lex`.
    pub const fn lex(self, lex: &'static Lex) -> A {
        A {
            lex: Some(lex),
            ..self
        }
    }

    /// An optional attribute.
    pub const fn opt(local: &'static str, ns: u8) -> A {
        A {
            local,
            ns,
            required: false,
            lex: None,
        }
    }

    /// A required attribute.
    pub const fn req(local: &'static str, ns: u8) -> A {
        A {
            local,
            ns,
            required: true,
            lex: None,
        }
    }
}

/// How a complex type's children are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Model {
    /// A sequence of particles, in order.
    Seq,
    /// `xs:all`: the particles in any order.
    All,
    /// Simple content: text (the type's `value`).
    Simple,
    /// Mixed content: particles in order, text between them.
    Mixed,
}

/// The table of a complex type, or of a sequence group.
#[derive(Debug)]
pub struct Content {
    /// The type's schema name, for messages.
    pub name: &'static str,
    /// The base type's table, for a type derived by extension.
    pub base: Option<&'static Content>,
    /// Own attributes.
    pub attrs: &'static [A],
    /// Attributes the type leaves open (`xs:anyAttribute`).
    pub any_attr: Wild,
    /// Own particles.
    pub particles: &'static [P],
    /// How the children are read.
    pub model: Model,
    /// What strict reading checks on simple content (declared by this type).
    pub text: Option<&'static Lex>,
    /// The type keeps an `xsi:type` naming the element's own type (the root of a chain of
    /// extensions; the types derived from it keep it in their base).
    pub xsi_type: bool,
}

impl Content {
    /// A table with no attributes and a sequence of particles.
    pub const fn seq(name: &'static str, particles: &'static [P]) -> Content {
        Content {
            name,
            base: None,
            attrs: &[],
            any_attr: Wild::None,
            particles,
            model: Model::Seq,
            text: None,
            xsi_type: false,
        }
    }

    /// The same table with a base type's.
    pub const fn base(self, base: &'static Content) -> Content {
        Content {
            base: Some(base),
            ..self
        }
    }

    /// The same table with attributes.
    pub const fn attrs(self, attrs: &'static [A]) -> Content {
        Content { attrs, ..self }
    }

    /// The same table with open attributes.
    pub const fn any_attr(self, any_attr: Wild) -> Content {
        Content { any_attr, ..self }
    }

    /// The same table read as `model`.
    pub const fn model(self, model: Model) -> Content {
        Content { model, ..self }
    }

    /// The same table, keeping `xsi:type` (see [`Content::xsi_type`]).
    pub const fn xsi_type(self) -> Content {
        Content {
            xsi_type: true,
            ..self
        }
    }

    /// The same table of simple content, its text checked by strict reading against `lex`.
    pub const fn text(self, lex: &'static Lex) -> Content {
        Content {
            text: Some(lex),
            ..self
        }
    }
}

/// Whether the complex type of `table` (or one of its bases) declares the attribute, or
/// leaves it open; a value without a table declares none.
pub fn declares(table: Option<&'static Content>, local: &str, ns: u8) -> bool {
    let mut t = table;
    while let Some(c) = t {
        if c.attrs.iter().any(|a| a.local == local && a.ns == ns) || c.any_attr.accepts(ns) {
            return true;
        }
        t = c.base;
    }
    false
}
