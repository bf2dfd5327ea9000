//! What the methods of generated types call to store a field read (or an attribute) and
//! to read a choice's alternative; whole documents of any global element.

use crate::rt::error::Result;
use crate::rt::facets::Lex;
use crate::rt::xml::{Attr, Namespaces, ReadOptions, Writer};
use crate::rt::xs::text::Text;

use super::reader::Reader;
use super::tables::First;
use super::value::{read_simple_content, Value};

/// The result of storing one field.
pub type Res = Result<()>;

/// Records that the element named its own type with `xsi:type`.
#[inline]
pub fn xsi_type(slot: &mut bool) -> Res {
    *slot = true;
    Ok(())
}

/// Reads a value of a particle into an optional field; a second occurrence is refused
/// (skipped and recorded by the lenient reading).
#[inline]
pub fn fill<T: Value>(r: &mut Reader<'_>, slot: &mut Option<T>) -> Result<()> {
    if slot.is_some() {
        return r.repeated("another element");
    }
    *slot = Some(T::read_value(r)?);
    Ok(())
}

/// Reads a value.
#[inline]
pub fn read<T: Value>(r: &mut Reader<'_>) -> Result<T> {
    T::read_value(r)
}

/// Reads a simple-typed value whose text strict reading checks against `lex` (a choice's
/// alternative; sequences name it in their tables).
#[inline]
pub fn read_lex<T: Value>(r: &mut Reader<'_>, lex: &'static Lex) -> Result<T> {
    if r.strict() {
        r.next.lex = Some(lex);
        let v = T::read_value(r);
        r.next.lex = None;
        v
    } else {
        T::read_value(r)
    }
}

/// Reads the type an abstract element's `xsi:type` chose (the element keeps its `xsi:type`
/// through the value it reads into).
#[inline]
pub fn read_typed<T: Value>(r: &mut Reader<'_>) -> Result<T> {
    r.next.typed = true;
    T::read_value(r)
}

/// Whether the text form of `v` satisfies `lex` (a union member's facets).
pub fn lex_ok<T: Text>(lex: &Lex, v: &T) -> bool {
    let mut s = String::new();
    v.write_text(&mut s);
    lex.check(&s).is_ok()
}

/// Reads the simple content of the current element (attributes read) into a field.
#[inline]
pub fn set_text<T: Text>(r: &mut Reader<'_>, slot: &mut T) -> Res {
    *slot = read_simple_content(r)?;
    Ok(())
}

/// Stores an optional attribute.
#[inline]
pub fn attr_opt<T: Text>(a: &Attr<'_, '_>, slot: &mut Option<T>) -> Result<()> {
    *slot = Some(a.value()?);
    Ok(())
}

/// Stores a required attribute.
#[inline]
pub fn attr_set<T: Text>(a: &Attr<'_, '_>, slot: &mut T) -> Result<()> {
    *slot = a.value()?;
    Ok(())
}

/// A choice or substitution group: the elements it starts with.
pub trait Choice {
    /// The elements (and wildcard) an alternative can start with.
    const FIRST: First;
}

/// Reads a value of a particle into a required field.
#[inline]
pub fn set<T: Value>(r: &mut Reader<'_>, slot: &mut T) -> Result<()> {
    *slot = T::read_value(r)?;
    Ok(())
}

/// Reads a value of a repeated particle.
#[inline]
pub fn push<T: Value>(r: &mut Reader<'_>, slot: &mut Vec<T>) -> Result<()> {
    slot.push(T::read_value(r)?);
    Ok(())
}

/// Reads the run of elements a repeated choice alternative takes: the element the reader
/// stands on and every following one it accepts.
pub fn read_run<T: Value>(r: &mut Reader<'_>, first: First) -> Result<Vec<T>> {
    let mut out = Vec::new();
    loop {
        out.push(T::read_value(r)?);
        if !r.peek()? {
            break;
        }
        let (local, ns) = (r.local(), r.ns());
        if !(first.names.iter().any(|(l, n)| *n == ns && *l == local) || first.any.accepts(ns)) {
            break;
        }
    }
    Ok(out)
}

/// The error for an element a choice does not offer.
pub fn no_alternative<T>(r: &Reader<'_>, first: First) -> Result<T> {
    Err(r.unexpected_error(first.names))
}

/// Reads a whole document whose root is any element `T` reads (a `GlobalElement`).
pub fn read_document<T: Value>(
    xml: &str,
    namespaces: Namespaces,
    options: ReadOptions,
) -> Result<T> {
    let mut r = Reader::with_options(xml, namespaces, options)?;
    let v = T::read_value(&mut r)?;
    r.finish()?;
    Ok(v)
}

/// Writes `v` (which knows its element name) as a document; the error names the element
/// holding a value XML 1.0 cannot carry.
pub fn write_document<T: Value>(v: &T, namespaces: Namespaces) -> Result<String> {
    let mut w = Writer::new(namespaces);
    v.write_value(&mut w, "");
    w.finish()
}

/// Implements [`crate::rt::Element`] for the type of a global element:
/// `__element!(Type, "Name", "prefix:Name", ns_id, NAMESPACES)`.
#[doc(hidden)]
#[macro_export]
macro_rules! __element {
    ($t:ty, $name:expr, $tag:expr, $ns:expr, $namespaces:expr) => {
        impl $crate::rt::Element for $t {
            const NAME: &'static str = $name;
            const TAG: &'static str = $tag;
            const NS: u8 = $ns;
            const NAMESPACES: $crate::rt::Namespaces = $namespaces;
        }
    };
}
