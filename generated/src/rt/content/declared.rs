//! Strict reading of what a `lax` or `strict` wildcard takes (`xs:any processContents`):
//! the element is kept raw, and when the schema declares its name globally it must be valid
//! against that declaration, as libxml2 requires (an element declared `abstract` is refused:
//! only its substitution group may stand for it). An element with no global declaration is
//! accepted by a `lax` wildcard, its child elements judged the same way, and refused by a
//! `strict` one.

use crate::rt::any::{RawElement, RawNode};
use crate::rt::error::{Error, ErrorKind, Result};
use crate::rt::xml::{lookup_ns, Namespaces, ReadOptions, NS_NONE};

use super::reader::Reader;
use super::value::Value;

/// The global elements of generated code (its `GlobalElement`), for judging what a `lax` or
/// `strict` wildcard takes.
pub trait Globals: Value {
    /// Namespace table of the generated code.
    const NAMESPACES: Namespaces;
    /// The global elements [`Value::read_value`] reads: local name and namespace id, sorted
    /// by local name.
    const DECLARED: &'static [(&'static str, u8)];
    /// The global elements declared `abstract`: local name and namespace id.
    const ABSTRACT: &'static [(&'static str, u8)] = &[];

    /// Whether the schema declares a global element of this name.
    fn declares(local: &str, ns: u8) -> bool {
        let d = Self::DECLARED;
        let first = d.partition_point(|(l, _)| *l < local);
        d[first..]
            .iter()
            .take_while(|(l, _)| *l == local)
            .any(|(_, n)| *n == ns)
    }
}

/// [`Validate`](super::Validate) for `processContents="lax"`.
pub fn check_lax<G: Globals>(e: &RawElement, options: &ReadOptions) -> Result<()> {
    check::<G>(e, options, false)
}

/// [`Validate`](super::Validate) for `processContents="strict"`.
pub fn check_strict<G: Globals>(e: &RawElement, options: &ReadOptions) -> Result<()> {
    check::<G>(e, options, true)
}

fn check<G: Globals>(e: &RawElement, options: &ReadOptions, required: bool) -> Result<()> {
    let ns = match &e.namespace {
        Some(uri) => lookup_ns(G::NAMESPACES, uri),
        None => NS_NONE,
    };
    if G::ABSTRACT.iter().any(|(l, n)| *n == ns && *l == e.name) {
        return Err(Error::at(
            ErrorKind::AbstractElement(e.name.clone()),
            format!("/{}", e.name),
        ));
    }
    if G::declares(&e.name, ns) {
        let xml = e.to_xml()?;
        let mut r = Reader::with_options(&xml, G::NAMESPACES, options.clone())?;
        G::read_value(&mut r)?;
        return r.finish();
    }
    if required {
        return Err(Error::at(
            ErrorKind::UndeclaredElement(e.name.clone()),
            format!("/{}", e.name),
        ));
    }
    // Lax: an undeclared element's children are judged as the wildcard judges its own (no
    // deeper than the reading that kept them allowed).
    for c in &e.children {
        if let RawNode::Element(c) = c {
            check::<G>(c, options, false).map_err(|mut err| {
                err.path = format!("/{}{}", e.name, err.path);
                err
            })?;
        }
    }
    Ok(())
}
