//! Reading and writing EWS XML: [`from_str`] and [`to_string`] for any global element, the
//! [`ReadOptions`] that set limits and the open-world policy, the typed [`Error`], and the
//! value types fields are made of ([`xs`] for the XML Schema built-ins, [`Nillable`],
//! [`RawElement`] for wildcard content).

pub(crate) mod any;
pub(crate) mod content;
pub(crate) mod error;
pub mod facets;
pub mod lexical;
pub(crate) mod xml;
pub mod xs;

pub use any::{RawAttribute, RawElement, RawNode};
pub use content::value::Nillable;
pub use content::UnknownElement;
pub use error::{Error, ErrorKind, Result};
pub use xml::{Namespaces, ReadOptions, ReadOptionsBuilder, Repair, RepairKind, UnknownElements};

use content::Reader;
use xml::Writer;

/// A global element: its name and namespace, for reading and writing whole documents.
pub trait Element: content::value::Value {
    /// Local name.
    const NAME: &'static str;
    /// Qualified name as written (`m:SetImGroup`).
    const TAG: &'static str;
    /// Namespace id in [`Element::NAMESPACES`].
    const NS: u8;
    /// Namespace table of the generated code this element belongs to.
    const NAMESPACES: Namespaces;
}

/// Reads a whole document whose root is the element `E`.
pub fn from_str<E: Element>(input: &str) -> Result<E> {
    from_str_with::<E>(input, ReadOptions::default())
}

/// Like [`from_str`] with explicit options.
pub fn from_str_with<E: Element>(input: &str, options: ReadOptions) -> Result<E> {
    let mut r = Reader::with_options(input, E::NAMESPACES, options)?;
    r.expect_root(E::NAME, E::NS)?;
    let v = E::read_value(&mut r)?;
    r.finish()?;
    Ok(v)
}

/// Writes `value` as a whole document whose root is the element `E`. A value holding a
/// character XML 1.0 cannot carry (a C0 control other than tab, LF and CR, U+FFFE, U+FFFF)
/// is an error naming the element path: the writer never produces what is not XML.
pub fn to_string<E: Element>(value: &E) -> Result<String> {
    let mut w = Writer::new(E::NAMESPACES);
    value.write_value(&mut w, E::TAG);
    w.finish()
}
