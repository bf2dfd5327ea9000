//! The reader generated code drives: the XML reader ([`XmlReader`], which it dereferences
//! to) with what the content engine expects of the element about to be read, handed to
//! the XML reader's checks; and the elements the schema does not allow, refused, skipped
//! or kept as raw XML.

use std::borrow::Cow;
use std::ops::{Deref, DerefMut};

use super::tables::Validate;
use crate::rt::any::RawElement;
use crate::rt::error::{Error, ErrorKind, Result};
use crate::rt::facets::Lex;
use crate::rt::xml::{
    names_list, split_qname, Namespaces, ReadOptions, UnknownElements, XmlReader,
};

/// An element the schema does not allow where it stood, met under
/// [`UnknownElements::Skip`] or [`UnknownElements::Keep`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownElement {
    /// Path of the element, such as `/Envelope/Body/FindPeopleResponse/People/Persona/EmailAddresses/EmailAddress`.
    pub path: String,
    /// Line of its start tag (1-based).
    pub line: u64,
    /// Column of its start tag (1-based).
    pub column: u64,
    /// Its XML, under [`UnknownElements::Keep`].
    pub element: Option<RawElement>,
}

/// What strict reading expects of the element about to be read, set by the content engine
/// (or the value reading it) just before the element's own reader runs, and taken by the
/// check it is for.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Expect {
    /// What the element's text must satisfy.
    pub(crate) lex: Option<&'static Lex>,
    /// The element is `nillable` (an `xsi:nil` on it is allowed).
    pub(crate) nillable: bool,
    /// The element is of the type its `xsi:type` chose for an abstract declared type (its
    /// `xsi:type` is written back by that choice).
    pub(crate) typed: bool,
    /// The element is taken by a `lax` or `strict` wildcard: kept raw, and judged against
    /// the global declaration of its name.
    pub(crate) validated: Option<Validate>,
}

/// The pull reader generated code uses: an [`XmlReader`] (its methods are this reader's)
/// and what the content engine expects of the next element.
pub struct Reader<'a> {
    xml: XmlReader<'a>,
    /// What the element about to be read is expected to be.
    pub(crate) next: Expect,
    unknown: Vec<UnknownElement>,
}

impl<'a> Deref for Reader<'a> {
    type Target = XmlReader<'a>;
    #[inline]
    fn deref(&self) -> &XmlReader<'a> {
        &self.xml
    }
}

impl DerefMut for Reader<'_> {
    #[inline]
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.xml
    }
}

impl<'a> Reader<'a> {
    /// A reader over `input`, positioned on its root element. Fails on an empty input, on
    /// anything but comments and processing instructions before the root, and on a DOCTYPE.
    pub fn new(input: &'a str, namespaces: Namespaces) -> Result<Self> {
        Self::with_options(input, namespaces, ReadOptions::default())
    }

    /// Like [`Reader::new`] with explicit limits and policies.
    pub fn with_options(
        input: &'a str,
        namespaces: Namespaces,
        options: ReadOptions,
    ) -> Result<Self> {
        Ok(Reader {
            xml: XmlReader::with_options(input, namespaces, options)?,
            next: Expect::default(),
            unknown: Vec::new(),
        })
    }

    /// Turns bytes into a string, or a clear error for input that is not UTF-8.
    pub fn check_utf8(input: &[u8]) -> Result<&str> {
        XmlReader::check_utf8(input)
    }

    /// The elements skipped or kept under [`UnknownElements::Skip`] or
    /// [`UnknownElements::Keep`], in document order.
    pub fn unknown(&self) -> &[UnknownElement] {
        &self.unknown
    }

    /// Takes the elements recorded in [`Reader::unknown`].
    pub fn take_unknown(&mut self) -> Vec<UnknownElement> {
        std::mem::take(&mut self.unknown)
    }

    /// Reads the text content of the element the reader is positioned on, through its end
    /// tag. Fails on child elements; refuses declared attributes other than `xmlns` and `xsi:`.
    pub fn read_text(&mut self) -> Result<Cow<'a, str>> {
        self.read_text_inner(true)
    }

    /// Reads the text of the current element as an `xs:QName` (such as a SOAP fault code
    /// `a:ErrorSchemaValidation`): the text, trimmed, and the namespace its prefix (or the
    /// default namespace) is bound to where it stands, if any.
    pub fn read_qname(&mut self) -> Result<(String, Option<String>)> {
        let text = self.read_text()?.trim().to_string();
        // The element's own declarations are still in scope: they are dropped only when the
        // next event is read.
        let (prefix, _) = split_qname(&text);
        let ns = self.namespace_of(prefix, false, &format!("the value `{text}`"))?;
        // The namespace is written back as a declaration: it must not need escaping.
        let ns = self.plain_namespace(ns)?;
        Ok((text, ns))
    }

    /// Reads the text content of the current element whose attributes were already read.
    pub fn read_text_after_attrs(&mut self) -> Result<Cow<'a, str>> {
        self.read_text_inner(false)
    }

    fn read_text_inner(&mut self, check_attrs: bool) -> Result<Cow<'a, str>> {
        if !self.strict() {
            if check_attrs {
                self.text_only_attributes()?;
            }
            return self.xml.read_text_unchecked();
        }
        let lex = self.next.lex.take();
        if check_attrs {
            self.check_nil()?;
            self.text_only_attributes()?;
        }
        let text = self.xml.read_text_unchecked()?;
        if let Some(l) = lex {
            if let Err(reason) = l.check(&text) {
                return Err(self.invalid_text(&text, reason));
            }
        }
        Ok(text)
    }

    /// The attributes of an element read for its text alone: strict reading refuses them,
    /// the open-world reading skips and records them.
    fn text_only_attributes(&self) -> Result<()> {
        if self.no_attributes() {
            return Ok(());
        }
        let mut it = self.attributes();
        while let Some(a) = it.next_attr()? {
            if self.strict() {
                return Err(self.error(ErrorKind::UnexpectedAttribute(a.qname().to_string())));
            }
            // Open world: the attribute is skipped and recorded.
            self.note_skipped_attribute(a.qname());
        }
        Ok(())
    }

    /// Strict reading: an `xsi:nil` is only allowed on a `nillable` element (the content
    /// engine says so just before reading one).
    pub(crate) fn check_nil(&mut self) -> Result<()> {
        let nillable = std::mem::take(&mut self.next.nillable);
        self.xml.check_nil(nillable)
    }

    /// Handles a child element the content model does not allow: an error naming the
    /// namespace when only the namespace is wrong; otherwise an error, or a recorded skip
    /// under [`UnknownElements::Skip`] (kept under [`UnknownElements::Keep`]).
    pub fn unexpected(&mut self, expected: &[(&str, u8)]) -> Result<()> {
        let next = names_list(expected, false);
        self.unexpected_next(expected, &next)
    }

    /// Like [`Reader::unexpected`], with what may stand here said as `next`.
    pub(crate) fn unexpected_next(&mut self, expected: &[(&str, u8)], next: &str) -> Result<()> {
        let local = self.local();
        let ns = self.ns();
        if expected.iter().any(|(l, n)| *l == local && *n != ns) || self.options().refuses_unknown()
        {
            return Err(self.misnamed_error(expected, next));
        }
        self.skip_unknown()
    }

    /// An element allowed here no more often than it already occurred: an error saying so
    /// when unknown elements are refused, else skipped (or kept) and recorded as an
    /// element the schema does not allow where it stands.
    pub(crate) fn repeated(&mut self, next: &str) -> Result<()> {
        if self.options().refuses_unknown() {
            return Err(self.error(ErrorKind::RepeatedElement {
                name: self.local().to_string(),
                expected: next.to_string(),
            }));
        }
        self.skip_unknown()
    }

    /// Skips (or keeps) the element the reader stands on, recording it in
    /// [`Reader::unknown`].
    fn skip_unknown(&mut self) -> Result<()> {
        let (path, line, column) = self.here();
        let element = if self.options().unknown_elements == UnknownElements::Keep {
            Some(self.read_raw()?)
        } else {
            self.skip()?;
            None
        };
        self.unknown.push(UnknownElement {
            path,
            line,
            column,
            element,
        });
        Ok(())
    }

    /// Reads the raw element the reader is positioned on, for `xs:any`. Strict reading
    /// judges an element a `lax` or `strict` wildcard takes against the global declaration
    /// of its name (the error names the path in the document, at the element's start tag).
    pub fn read_raw(&mut self) -> Result<RawElement> {
        let Some(validate) = self.next.validated.take() else {
            return RawElement::read(&mut self.xml);
        };
        let (path, line, column) = self.here();
        let e = RawElement::read(&mut self.xml)?;
        validate(&e, self.options()).map_err(|err| place(err, &path, line, column))?;
        Ok(e)
    }
}

/// An error found in a kept element, placed in the document: its path under `path` (the
/// element's own path, which the inner path starts with), at the element's start tag.
fn place(mut err: Error, path: &str, line: u64, column: u64) -> Error {
    let inner = err.path.split_once('/').map_or("", |(_, rest)| rest);
    let inner = inner.split_once('/').map_or("", |(_, rest)| rest);
    err.path = if inner.is_empty() {
        path.to_string()
    } else {
        format!("{path}/{inner}")
    };
    err.line = line;
    err.column = column;
    err
}
