//! A small XML writer for generated code: qualified names are known when the code is
//! generated, so writing an element is a few string appends.

use super::reader::Namespaces;

/// Writes XML into a `String`.
#[derive(Debug, Default)]
pub struct Writer {
    out: String,
    open: bool,
    pending_decls: Vec<(&'static str, &'static str)>,
    scratch: String,
    next_prefix: usize,
    depth: usize,
    mixed: Vec<(usize, Vec<String>)>,
    xsi_type: Option<&'static str>,
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
            depth: 0,
            mixed: Vec::new(),
            xsi_type: None,
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

    /// The XML written so far.
    pub fn into_string(mut self) -> String {
        self.close_open();
        self.out
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
            if *d == self.depth {
                if let Some(t) = texts.pop() {
                    escape_text(&mut self.out, &t);
                }
            }
        }
        self.depth += 1;
        self.out.push('<');
        self.out.push_str(tag);
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
        if let Some(t) = self.xsi_type.take() {
            self.attr_str("xmlns:xsi", super::reader::XSI);
            self.attr_str("xsi:type", t);
        }
    }

    /// Writes a raw attribute on the element just opened. `value` is escaped.
    #[inline]
    pub fn attr_str(&mut self, name: &str, value: &str) {
        debug_assert!(self.open);
        self.out.push(' ');
        self.out.push_str(name);
        self.out.push_str("=\"");
        escape_attr(&mut self.out, value);
        self.out.push('"');
    }

    /// Writes an attribute of a simple type.
    #[inline]
    pub fn attr<T: super::value::Text>(&mut self, name: &str, value: &T) {
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        value.write_text(&mut scratch);
        self.attr_str(name, &scratch);
        self.scratch = scratch;
    }

    /// Writes an optional attribute.
    #[inline]
    pub fn attr_opt<T: super::value::Text>(&mut self, name: &str, value: Option<&T>) {
        if let Some(v) = value {
            self.attr(name, v);
        }
    }

    /// Writes escaped text content.
    #[inline]
    pub fn text_str(&mut self, s: &str) {
        self.close_open();
        escape_text(&mut self.out, s);
    }

    /// Writes the text of a simple-typed value.
    #[inline]
    pub fn text<T: super::value::Text>(&mut self, value: &T) {
        self.close_open();
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        value.write_text(&mut scratch);
        escape_text(&mut self.out, &scratch);
        self.scratch = scratch;
    }

    /// Writes a required value as element `tag`.
    #[inline]
    pub fn one<T: super::value::Value>(&mut self, value: &T, tag: &str) {
        value.write_value(self, tag);
    }

    /// Writes an optional value as element `tag`.
    #[inline]
    pub fn opt<T: super::value::Value>(&mut self, value: &Option<T>, tag: &str) {
        if let Some(v) = value {
            v.write_value(self, tag);
        }
    }

    /// Writes each value of a list as element `tag`.
    #[inline]
    pub fn all<T: super::value::Value>(&mut self, values: &[T], tag: &str) {
        for v in values {
            v.write_value(self, tag);
        }
    }

    /// Closes the element opened with [`Writer::start`] with the same `tag`.
    #[inline]
    pub fn end(&mut self, tag: &str) {
        self.depth = self.depth.saturating_sub(1);
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
        self.mixed.push((self.depth, t));
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

/// Escapes text content.
#[inline]
pub fn escape_text(out: &mut String, s: &str) {
    let bytes = s.as_bytes();
    let mut last = 0;
    for (i, b) in bytes.iter().enumerate() {
        let rep = match b {
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'&' => "&amp;",
            b'\r' => "&#13;",
            _ => continue,
        };
        out.push_str(&s[last..i]);
        out.push_str(rep);
        last = i + 1;
    }
    out.push_str(&s[last..]);
}

/// Escapes an attribute value (double-quoted), keeping tabs and line breaks exact.
#[inline]
pub fn escape_attr(out: &mut String, s: &str) {
    let bytes = s.as_bytes();
    let mut last = 0;
    for (i, b) in bytes.iter().enumerate() {
        let rep = match b {
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'&' => "&amp;",
            b'"' => "&quot;",
            b'\t' => "&#9;",
            b'\n' => "&#10;",
            b'\r' => "&#13;",
            _ => continue,
        };
        out.push_str(&s[last..i]);
        out.push_str(rep);
        last = i + 1;
    }
    out.push_str(&s[last..]);
}
