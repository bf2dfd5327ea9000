//! A small XML writer for generated code: qualified names are known when the code is
//! generated, so writing an element is a few string appends.

use super::names::{Namespaces, XSI};
use super::position::shorten;
use crate::rt::content::check::Checker;
use crate::rt::content::{Content, P};
use crate::rt::error::{Error, ErrorKind, Result};
use crate::rt::lexical::{eq_bytes, forbidden_at, HI, LO};

/// Writes XML into a `String`.
#[derive(Debug, Default)]
pub struct Writer {
    out: String,
    open: bool,
    pending_decls: Vec<(&'static str, &'static str)>,
    scratch: String,
    next_prefix: usize,
    mixed: Vec<(usize, Vec<String>)>,
    xsi_type: Option<&'static str>,
    /// The schema name of the complex type being written (for [`Writer::xsi_type`]).
    current_type: &'static str,
    /// Whether the element just opened carries `xsi:type` already.
    typed: bool,
    /// Where each open element's qualified name starts in `out` (for error paths).
    open_tags: Vec<usize>,
    /// The first value XML 1.0 cannot carry (or, checking, the first break of the
    /// schema's rules): what held it and where.
    error: Option<Error>,
    /// The schema's rules followed as elements are written ([`Writer::checking`]).
    check: Option<Box<Checker>>,
    /// The namespace table the element names' prefixes come from.
    namespaces: Namespaces,
}

impl Writer {
    /// A writer that declares `namespaces` (prefix, URI) on the first element it writes.
    pub fn new(namespaces: Namespaces) -> Self {
        Writer {
            out: String::new(),
            open: false,
            pending_decls: namespaces.to_vec(),
            scratch: String::new(),
            next_prefix: 0,
            mixed: Vec::new(),
            xsi_type: None,
            current_type: "",
            typed: false,
            open_tags: Vec::new(),
            error: None,
            check: None,
            namespaces,
        }
    }

    /// The same writer, checking what generated types write against the schema's rules as
    /// strict reading checks them: the facets of each value, the values enumerations list,
    /// how many values a repeated element holds and the namespaces of raw elements in
    /// wildcards. The order of elements and the required elements and attributes hold by
    /// construction: generated types write them in the schema's order, and a required one
    /// is a field that is not an `Option`. [`Writer::finish`] returns the first break, naming
    /// its element path. The client writes its requests this way (see
    /// `ClientBuilder::check_requests`).
    pub fn checking(mut self) -> Self {
        self.check = Some(Box::new(Checker::new(self.namespaces)));
        self
    }

    /// Values of the complex types named (such as `RequestServerVersion`) that the check
    /// lets through when the enumeration of their type does not list them (their attributes
    /// and text): values a newer server knows.
    pub fn open_values(mut self, types: &'static [&'static str]) -> Self {
        if let Some(c) = &mut self.check {
            c.open_values = types;
        }
        self
    }

    /// Whether the writer checks what it writes ([`Writer::checking`]).
    #[inline]
    pub fn is_checking(&self) -> bool {
        self.check.is_some()
    }

    /// Records the first break of the schema's rules, at the element path.
    #[cold]
    fn refuse(&mut self, kind: ErrorKind) {
        if self.error.is_none() {
            self.error = Some(Error::at(kind, self.path()));
        }
    }

    /// Checks a value written (`name`: the attribute's, empty for text), out of line.
    #[inline(never)]
    fn check_value(&mut self, name: &str, value: &str, listed: bool) {
        let Some(c) = &mut self.check else { return };
        let res = if name.is_empty() {
            c.text(value, listed)
        } else {
            c.attr(name, value, listed)
        };
        if let Err(reason) = res {
            self.refuse_value(name, value, reason);
        }
    }

    /// Records a value that breaks its type's rules (`what`: `text` or the attribute).
    #[cold]
    fn refuse_value(&mut self, what: &str, value: &str, reason: String) {
        let what = if what.is_empty() {
            let path = self.path();
            format!("element <{}>", path.rsplit('/').next().unwrap_or(""))
        } else {
            format!("attribute `{what}`")
        };
        self.refuse(ErrorKind::InvalidValue {
            what,
            value: shorten(value),
            reason,
        });
    }

    /// Says which namespace the next element is in when its prefix does not (a raw
    /// element declaring its own), for the check of its wildcard.
    #[inline]
    pub fn raw_namespace(&mut self, uri: Option<&str>) {
        if let Some(c) = &mut self.check {
            c.raw_namespace(uri);
        }
    }

    /// Says which complex type (its table) the element just opened holds.
    #[inline]
    pub fn set_content(&mut self, table: &'static Content) {
        self.current_type = table.name;
        if let Some(c) = &mut self.check {
            c.table(table);
        }
    }

    /// Occurrence `i` of particle `p` (a field's table entry) is about to be written: the
    /// check holds it to the particle's rules.
    #[inline]
    pub(crate) fn expect(&mut self, p: &'static P, i: usize) {
        if let Some(c) = &mut self.check {
            c.expect(p, i);
        }
    }

    /// `n` values of particle `p` are about to be written: fewer than its `minOccurs` is
    /// refused, at the path of the element holding them.
    #[inline]
    pub(crate) fn expect_count(&mut self, n: usize, p: &'static P) {
        if let Some(c) = &self.check {
            if let Err(k) = c.count(n, p) {
                self.refuse(k);
            }
        }
    }

    /// Writes `xsi:type="type_name"` on the next element opened (for an element whose
    /// declared type is abstract: the value says which derived type it holds).
    pub fn next_xsi_type(&mut self, type_name: &'static str) {
        self.xsi_type = Some(type_name);
    }

    /// Like [`Writer::new`], with room for `capacity` bytes.
    pub fn with_capacity(namespaces: Namespaces, capacity: usize) -> Self {
        let mut w = Self::new(namespaces);
        w.out.reserve(capacity);
        w
    }

    /// Adds a namespace to declare on the first element.
    pub fn declare(&mut self, prefix: &'static str, uri: &'static str) {
        if !self.pending_decls.iter().any(|(p, _)| *p == prefix) {
            self.pending_decls.insert(0, (prefix, uri));
        }
    }

    /// The document written, or the error for the first value XML 1.0 cannot carry (a C0
    /// control other than tab, LF and CR, U+FFFE, U+FFFF) or name that is not an XML name,
    /// with the path of the element that held it: nothing that is not XML leaves the writer.
    pub fn finish(mut self) -> Result<String> {
        self.close_open();
        match self.error {
            Some(e) => Err(e),
            None => Ok(self.out),
        }
    }

    /// Path of the open elements by local name (`/Envelope/Body/SetImGroup`).
    fn path(&self) -> String {
        let mut p = String::new();
        for &at in &self.open_tags {
            let rest = &self.out[at..];
            let end = rest
                .find(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
                .unwrap_or(rest.len());
            let q = &rest[..end];
            p.push('/');
            p.push_str(q.rsplit(':').next().unwrap_or(q));
        }
        p
    }

    /// Records the first value the document cannot carry.
    #[cold]
    fn forbidden(&mut self, what: &str, c: char) {
        if self.error.is_none() {
            let what = if what.is_empty() {
                "text".to_string()
            } else {
                format!("attribute `{what}`")
            };
            self.error = Some(Error::at(
                ErrorKind::ForbiddenChar {
                    what,
                    code: u32::from(c),
                },
                self.path(),
            ));
        }
    }

    /// Records that `name`, given for an element or attribute, is not an XML name.
    #[cold]
    pub fn bad_name(&mut self, name: &str) {
        if self.error.is_none() {
            self.error = Some(Error::at(
                ErrorKind::Other(format!("{name:?} is not an XML name")),
                self.path(),
            ));
        }
    }

    /// The XML written so far.
    pub fn as_str(&self) -> &str {
        &self.out
    }

    /// Writes `<?xml version="1.0" encoding="utf-8"?>`.
    pub fn declaration(&mut self) {
        self.out
            .push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    }

    #[inline]
    fn close_open(&mut self) {
        if self.open {
            self.out.push('>');
            self.open = false;
        }
    }

    /// Opens an element with a qualified name such as `t:ItemId`.
    #[inline]
    pub fn start(&mut self, tag: &str) {
        self.close_open();
        if let Some((d, texts)) = self.mixed.last_mut() {
            if *d == self.open_tags.len() {
                if let Some(t) = texts.pop() {
                    if let Some(c) = escape_text(&mut self.out, &t) {
                        self.forbidden("", c);
                    }
                }
            }
        }
        self.out.push('<');
        self.open_tags.push(self.out.len());
        self.out.push_str(tag);
        if let Some(c) = &mut self.check {
            if let Err(k) = c.start(tag) {
                self.refuse(k);
            }
        }
        if !self.pending_decls.is_empty() {
            for (prefix, uri) in std::mem::take(&mut self.pending_decls) {
                self.out.push_str(" xmlns:");
                self.out.push_str(prefix);
                self.out.push_str("=\"");
                escape_attr(&mut self.out, uri);
                self.out.push('"');
            }
        }
        self.open = true;
        self.typed = false;
        if let Some(t) = self.xsi_type.take() {
            self.attr_str("xmlns:xsi", XSI);
            self.attr_str("xsi:type", t);
            self.typed = true;
        }
    }

    /// Says which complex type the element just opened holds (its schema name, such as
    /// `t:ItemType`), for [`Writer::xsi_type`].
    #[inline]
    pub fn set_type(&mut self, name: &'static str) {
        self.current_type = name;
    }

    /// Writes `xsi:type` naming the type of the element just opened when `given` (a value
    /// read from an element that named its own type), unless it carries one already.
    #[inline]
    pub fn xsi_type(&mut self, given: bool) {
        if given && !self.typed && !self.current_type.is_empty() {
            self.attr_str("xmlns:xsi", XSI);
            self.attr_str("xsi:type", self.current_type);
            self.typed = true;
        }
    }

    /// Writes a raw attribute on the element just opened. `value` is escaped.
    #[inline]
    pub fn attr_str(&mut self, name: &str, value: &str) {
        debug_assert!(self.open);
        self.out.push(' ');
        self.out.push_str(name);
        self.out.push_str("=\"");
        if let Some(c) = escape_attr(&mut self.out, value) {
            self.forbidden(name, c);
        }
        self.out.push('"');
    }

    /// Writes an attribute of a simple type.
    #[inline]
    pub fn attr<T: crate::rt::xs::text::Text>(&mut self, name: &str, value: &T) {
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        value.write_text(&mut scratch);
        self.attr_str(name, &scratch);
        if self.check.is_some() {
            self.check_value(name, &scratch, value.is_listed());
        }
        self.scratch = scratch;
    }

    /// Writes an optional attribute.
    #[inline]
    pub fn attr_opt<T: crate::rt::xs::text::Text>(&mut self, name: &str, value: Option<&T>) {
        if let Some(v) = value {
            self.attr(name, v);
        }
    }

    /// Writes escaped text content.
    #[inline]
    pub fn text_str(&mut self, s: &str) {
        self.close_open();
        if let Some(c) = escape_text(&mut self.out, s) {
            self.forbidden("", c);
        }
    }

    /// Writes the text of a simple-typed value.
    #[inline]
    pub fn text<T: crate::rt::xs::text::Text>(&mut self, value: &T) {
        self.close_open();
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        value.write_text(&mut scratch);
        let bad = escape_text(&mut self.out, &scratch);
        if let Some(c) = bad {
            self.forbidden("", c);
        }
        if self.check.is_some() {
            self.check_value("", &scratch, value.is_listed());
        }
        self.scratch = scratch;
    }

    /// Closes the element opened with [`Writer::start`] with the same `tag`.
    #[inline]
    pub fn end(&mut self, tag: &str) {
        self.open_tags.pop();
        if self.open {
            self.out.push_str("/>");
            self.open = false;
        } else {
            self.out.push_str("</");
            self.out.push_str(tag);
            self.out.push('>');
        }
    }

    /// Starts the children of a mixed-content element just opened: `texts[i]` is written
    /// before the `i`-th child element, the rest at [`Writer::mixed_end`].
    pub fn mixed_begin(&mut self, texts: &[String]) {
        let mut t: Vec<String> = texts.to_vec();
        t.reverse();
        self.mixed.push((self.open_tags.len(), t));
    }

    /// Writes the text left after the last child of a mixed-content element.
    pub fn mixed_end(&mut self) {
        if let Some((_, mut texts)) = self.mixed.pop() {
            while let Some(t) = texts.pop() {
                self.text_str(&t);
            }
        }
    }

    /// A fresh prefix for a namespace the writer does not know.
    pub(crate) fn fresh_prefix(&mut self) -> String {
        self.next_prefix += 1;
        format!("x{}", self.next_prefix)
    }
}

/// Escapes `s` into `out`: `rep` gives the replacement of a byte that needs one (an ASCII
/// byte); characters XML 1.0 cannot carry are left out and the first is returned. Runs of
/// eight bytes without `<`, `>`, `&`, `"`, a byte below 0x20 or 0xEF (the lead byte of
/// U+FFFE / U+FFFF) are passed over a word at a time.
#[inline(always)]
fn escape_with(
    out: &mut String,
    s: &str,
    quote: bool,
    rep: fn(u8) -> Option<&'static str>,
) -> Option<char> {
    let bytes = s.as_bytes();
    let mut last = 0;
    let mut bad = None;
    let mut i = 0;
    let mut end = 0;
    while i < bytes.len() {
        if i >= end {
            // Skip whole words without a byte of interest.
            while i + 8 <= bytes.len() {
                let mut w = [0u8; 8];
                w.copy_from_slice(&bytes[i..i + 8]);
                let x = u64::from_le_bytes(w);
                let mut hits = x.wrapping_sub(LO * 0x20) & !x & HI;
                hits |=
                    eq_bytes(x, b'<') | eq_bytes(x, b'>') | eq_bytes(x, b'&') | eq_bytes(x, 0xEF);
                if quote {
                    hits |= eq_bytes(x, b'"');
                }
                if hits != 0 {
                    break;
                }
                i += 8;
            }
            end = (i + 8).min(bytes.len());
            if i >= bytes.len() {
                break;
            }
        }
        let b = bytes[i];
        if b < 0x20 || b == 0xEF {
            if let Some(c) = forbidden_at(bytes, i) {
                bad = bad.or(Some(c));
                out.push_str(&s[last..i]);
                last = i + c.len_utf8();
                i += 1;
                continue;
            }
        }
        if let Some(r) = rep(b) {
            out.push_str(&s[last..i]);
            out.push_str(r);
            last = i + 1;
        }
        i += 1;
    }
    out.push_str(&s[last..]);
    bad
}

/// Escapes text content. A character XML 1.0 cannot carry is left out and the first such
/// is returned: the caller must not let the output go anywhere.
#[inline]
pub fn escape_text(out: &mut String, s: &str) -> Option<char> {
    escape_with(out, s, false, |b| match b {
        b'<' => Some("&lt;"),
        b'>' => Some("&gt;"),
        b'&' => Some("&amp;"),
        b'\r' => Some("&#13;"),
        _ => None,
    })
}

/// Escapes an attribute value (double-quoted), keeping tabs and line breaks exact. A
/// character XML 1.0 cannot carry is left out and the first such is returned.
#[inline]
pub fn escape_attr(out: &mut String, s: &str) -> Option<char> {
    escape_with(out, s, true, |b| match b {
        b'<' => Some("&lt;"),
        b'>' => Some("&gt;"),
        b'&' => Some("&amp;"),
        b'"' => Some("&quot;"),
        b'\t' => Some("&#9;"),
        b'\n' => Some("&#10;"),
        b'\r' => Some("&#13;"),
        _ => None,
    })
}
