//! The traits every generated type implements and the small functions generated readers
//! and writers call. Reached through `crate::__private`: not part of the documented API.

use std::borrow::Cow;

use crate::rt::any::{self, RawAttribute, RawElement};
use crate::rt::error::{ErrorKind, Result};
use crate::rt::xml::{Writer, XSI};

use super::reader::Reader;
use super::tables::P;
pub use crate::rt::xs::text::{Text, NOT_LISTED};
use crate::rt::xs::{
    Base64Binary, Date, DateTime, Decimal, Duration, HexBinary, Lexical, List, Time,
};

/// Something read from and written as XML content: an element of a complex or simple type,
/// or a group of elements (a choice, a sequence, a substitution group).
pub trait Value: Sized {
    /// The table of a complex type (attributes, for checking a nilled element's).
    const TABLE: Option<&'static super::tables::Content> = None;
    /// Reads the value; the reader stands on its first element.
    fn read_value(r: &mut Reader<'_>) -> Result<Self>;
    /// Writes the value; `tag` is the qualified element name (unused by groups, which know
    /// their own element names).
    fn write_value(&self, w: &mut Writer, tag: &str);
}

/// A value standing for any of several elements (the generated `GlobalElement`): which one
/// it is.
pub trait Tagged {
    /// The qualified element name as written (`t:MailboxCulture`).
    fn element_tag(&self) -> &'static str;
}

/// Reads the text of an element as a simple-typed value.
#[inline]
pub fn read_text_value<T: Text>(r: &mut Reader<'_>) -> Result<T> {
    let s = r.read_text()?;
    text_value(r, s)
}

/// Reads the text of an element whose attributes were already read.
#[inline]
pub fn read_simple_content<T: Text>(r: &mut Reader<'_>) -> Result<T> {
    let s = r.read_text_after_attrs()?;
    text_value(r, s)
}

/// The value of an element's text, read: its whitespace, lexical form and enumeration
/// judged as the reading mode asks.
#[inline]
fn text_value<T: Text>(r: &Reader<'_>, s: Cow<'_, str>) -> Result<T> {
    if !T::XS.is_empty() && r.strict() {
        whitespace::<T>(r, &s)?;
    }
    // After reading, the reader stands on the element again: its name is only needed (and
    // only copied) for an error.
    let v = T::parse_text_cow(s).map_err(|(reason, s)| r.invalid_text(&s, reason))?;
    listed(r, v)
}

/// Strict reading refuses whitespace libxml2 refuses around a value of `T::XS`.
#[cold]
fn whitespace<T: Text>(r: &Reader<'_>, s: &str) -> Result<()> {
    if crate::rt::lexical::strip_as_libxml2(T::XS, s).is_none() {
        return Err(r.invalid_text(s, crate::rt::lexical::whitespace_reason(T::XS)));
    }
    Ok(())
}

/// Strict reading refuses a value the schema does not list.
#[inline]
fn listed<T: Text>(r: &Reader<'_>, v: T) -> Result<T> {
    if r.strict() && !v.is_listed() {
        let mut text = String::new();
        v.write_text(&mut text);
        return Err(r.invalid_text(&text, NOT_LISTED.into()));
    }
    Ok(v)
}

/// Writes a simple-typed value as an element.
#[inline]
pub fn write_text_value<T: Text>(value: &T, w: &mut Writer, tag: &str) {
    w.start(tag);
    w.text(value);
    w.end(tag);
}

impl<T: Value> Value for Box<T> {
    const TABLE: Option<&'static super::tables::Content> = T::TABLE;
    #[inline]
    fn read_value(r: &mut Reader<'_>) -> Result<Self> {
        T::read_value(r).map(Box::new)
    }
    #[inline]
    fn write_value(&self, w: &mut Writer, tag: &str) {
        (**self).write_value(w, tag)
    }
}

/// The value of a `nillable` element: `xsi:nil="true"`, or a value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Nillable<T> {
    /// The element was sent with `xsi:nil="true"`; its other attributes are kept as written.
    Nil(Vec<RawAttribute>),
    /// The element carries a value.
    Value(T),
}

impl<T: Default> Default for Nillable<T> {
    fn default() -> Self {
        Nillable::Value(T::default())
    }
}

impl<T: Value> Value for Nillable<T> {
    fn read_value(r: &mut Reader<'_>) -> Result<Self> {
        if r.strict() {
            if let Some(v) = r.xsi_nil_value()? {
                if crate::rt::lexical::strip_as_libxml2("boolean", &v)
                    .is_none_or(|v| !matches!(v, "true" | "false" | "1" | "0"))
                {
                    return Err(r.invalid_value(
                        "attribute `xsi:nil`",
                        &v,
                        "not a valid xs:boolean".into(),
                    ));
                }
            }
        }
        if r.is_nil()? {
            let mut attrs = Vec::new();
            {
                let strict = r.strict();
                let mut it = r.attributes();
                while let Some(a) = it.next_attr()? {
                    // A nilled element still carries only the attributes its type declares.
                    if strict && !super::tables::declares(T::TABLE, a.local(), a.ns()) {
                        return a.unexpected();
                    }
                    attrs.push(a.to_raw());
                }
            }
            r.enter()?;
            if r.peek()? {
                return Err(r.error(ErrorKind::Other(
                    "an element with xsi:nil=\"true\" must be empty".into(),
                )));
            }
            r.leave()?;
            Ok(Nillable::Nil(attrs))
        } else {
            r.next.nillable = true;
            T::read_value(r).map(Nillable::Value)
        }
    }
    fn write_value(&self, w: &mut Writer, tag: &str) {
        match self {
            Nillable::Nil(attrs) => {
                w.start(tag);
                w.attr_str("xmlns:xsi", XSI);
                w.attr_str("xsi:nil", "true");
                any::write_attributes(w, attrs);
                w.end(tag);
            }
            Nillable::Value(v) => v.write_value(w, tag),
        }
    }
}

/// Implements [`Value`] for a [`Text`] type: the value is an element's text.
#[doc(hidden)]
#[macro_export]
macro_rules! text_value {
    ($($t:ty),* $(,)?) => {$(
        impl $crate::__private::Value for $t {
            #[inline]
            fn read_value(r: &mut $crate::__private::Reader<'_>) -> $crate::__private::Result<Self> {
                $crate::__private::read_text_value(r)
            }
            #[inline]
            fn write_value(&self, w: &mut $crate::__private::Writer, tag: &str) {
                $crate::__private::write_text_value(self, w, tag)
            }
        }
    )*};
}

text_value!(String, bool, i8, i16, i32, i64, i128, u8, u16, u32, u64, u128, f32, f64);
text_value!(Decimal, Lexical, HexBinary, DateTime, Date, Time, Duration);

/// Strict reading decodes as libxml2 accepts; the default reading also decodes text
/// without its `=` padding (and with non-zero unused bits), recording the repair.
impl Value for Base64Binary {
    fn read_value(r: &mut Reader<'_>) -> Result<Self> {
        if r.strict() {
            return read_text_value(r);
        }
        let s = r.read_text()?;
        match Base64Binary::parse_lenient(&s) {
            Ok((v, repair)) => {
                if let Some(repair) = repair {
                    r.note_lexical(repair);
                }
                Ok(v)
            }
            Err(reason) => Err(r.invalid_text(&s, reason)),
        }
    }
    fn write_value(&self, w: &mut Writer, tag: &str) {
        write_text_value(self, w, tag)
    }
}

impl<T: Text> Value for List<T> {
    fn read_value(r: &mut Reader<'_>) -> Result<Self> {
        read_text_value(r)
    }
    fn write_value(&self, w: &mut Writer, tag: &str) {
        write_text_value(self, w, tag)
    }
}

impl Value for RawElement {
    fn read_value(r: &mut Reader<'_>) -> Result<Self> {
        r.read_raw()
    }
    fn write_value(&self, w: &mut Writer, _tag: &str) {
        self.write(w)
    }
}

/// Writing values as elements (the writer knows text, not values).
impl Writer {
    /// Writes a required value as element `tag`.
    #[inline]
    pub fn one<T: Value>(&mut self, value: &T, tag: &str) {
        value.write_value(self, tag);
    }

    /// Writes an optional value as element `tag`.
    #[inline]
    pub fn opt<T: Value>(&mut self, value: &Option<T>, tag: &str) {
        if let Some(v) = value {
            v.write_value(self, tag);
        }
    }

    /// Writes each value of a list as element `tag`.
    #[inline]
    pub fn all<T: Value>(&mut self, values: &[T], tag: &str) {
        for v in values {
            v.write_value(self, tag);
        }
    }

    /// Writes a required value as element `tag`, held by a checking writer to `p`, the
    /// field's particle (its text's facets, a wildcard's namespaces).
    #[inline]
    pub fn one_at<T: Value>(&mut self, value: &T, tag: &str, p: &'static P) {
        self.expect(p, 0);
        value.write_value(self, tag);
    }

    /// Writes an optional value as element `tag`, held to `p` as [`Writer::one_at`].
    #[inline]
    pub fn opt_at<T: Value>(&mut self, value: &Option<T>, tag: &str, p: &'static P) {
        if let Some(v) = value {
            self.one_at(v, tag, p);
        }
    }

    /// Writes each value of a list as element `tag`, held to `p`: each value as
    /// [`Writer::one_at`], and their number to its `minOccurs` and `maxOccurs`.
    #[inline]
    pub fn all_at<T: Value>(&mut self, values: &[T], tag: &str, p: &'static P) {
        if !self.is_checking() {
            return self.all(values, tag);
        }
        self.expect_count(values.len(), p);
        for (i, v) in values.iter().enumerate() {
            self.expect(p, i);
            v.write_value(self, tag);
        }
    }
}
