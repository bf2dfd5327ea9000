//! The reader's moves through a document: quick-xml's tokens read with the namespaces they
//! declare, the element the reader stands on and its namespace, entered, left or skipped,
//! its text read; character and entity references resolved.

use std::borrow::Cow;

use quick_xml::events::{BytesRef, BytesStart, Event};

use crate::rt::error::{Error, ErrorKind, Result};
use crate::rt::lexical::{char_ref_code, classify_char_ref, first_forbidden_char, is_xml_char};

use super::names::{split_qname, Namespaces, NS_NONE, NS_OTHER};
use super::options::{ReadOptions, RepairKind};
use super::position::shorten;
use super::reader::{State, XmlReader};
use super::scopes::{Resolved, Scopes};

impl<'a> XmlReader<'a> {
    /// A reader over `input`, positioned on its root element. Fails on an empty input, on
    /// anything but comments and processing instructions before the root, and on a DOCTYPE.
    pub fn new(input: &'a str, namespaces: Namespaces) -> Result<Self> {
        Self::with_options(input, namespaces, ReadOptions::default())
    }

    /// Like [`XmlReader::new`] with explicit limits and policies.
    pub fn with_options(
        input: &'a str,
        namespaces: Namespaces,
        options: ReadOptions,
    ) -> Result<Self> {
        let mut inner = quick_xml::Reader::from_str(input);
        {
            let config = inner.config_mut();
            config.check_end_names = true;
            config.check_comments = true;
            config.expand_empty_elements = false;
        }
        let mut reader = XmlReader {
            inner,
            input,
            namespaces,
            scopes: Scopes::default(),
            level: 0,
            pop_pending: false,
            state: State::Inside,
            cur: BytesStart::new(""),
            cur_empty: false,
            cur_ns: NS_NONE,
            cur_pos: 0,
            path: Vec::new(),
            options,
            repairs: Default::default(),
            raw_clean: false,
        };
        if input.len() > reader.options.max_document_bytes {
            return Err(reader.error(ErrorKind::DocumentTooLarge {
                size: input.len(),
                limit: reader.options.max_document_bytes,
            }));
        }
        reader.raw_clean = first_forbidden_char(input).is_none();
        if !reader.peek_inner(true)? {
            return Err(reader.error(ErrorKind::Empty));
        }
        Ok(reader)
    }

    /// How `prefix` resolves where the reader stands (`attribute`: an unprefixed name is in
    /// no namespace, whatever the default namespace).
    #[inline]
    pub(super) fn resolve_prefix(&self, prefix: &str, attribute: bool) -> Resolved<'_> {
        self.scopes.resolve(prefix, attribute)
    }

    /// The namespace name `prefix` is bound to where the reader stands: `Ok(None)` for no
    /// namespace; an undeclared prefix is an error naming `what`.
    pub(crate) fn namespace_of(
        &self,
        prefix: &str,
        attribute: bool,
        what: &str,
    ) -> Result<Option<String>> {
        match self.resolve_prefix(prefix, attribute) {
            Resolved::Bound(_, uri) => Ok(Some(uri.to_string())),
            Resolved::Unbound => Ok(None),
            Resolved::Unknown => Err(self.error(ErrorKind::Syntax(format!(
                "{what} uses the undeclared prefix `{prefix}`"
            )))),
        }
    }

    /// Namespace URI of the element the reader is positioned on (`None` for none); an
    /// undeclared prefix is an error.
    pub fn ns_uri_checked(&self) -> Result<Option<String>> {
        let (prefix, _) = split_qname(self.qname());
        self.namespace_of(prefix, false, &format!("element <{}>", self.qname()))
    }

    /// Namespace URI of the element the reader is positioned on (empty for none).
    pub fn ns_uri(&self) -> String {
        let (prefix, _) = split_qname(self.qname());
        match self.resolve_prefix(prefix, false) {
            Resolved::Bound(_, uri) => uri.to_string(),
            Resolved::Unbound => String::new(),
            Resolved::Unknown => format!("(undeclared prefix `{prefix}`)"),
        }
    }

    /// Namespace names are compared as written (quick-xml does not expand references in
    /// them), so one that would need escaping could not be written back to the same name.
    pub(crate) fn plain_namespace(&self, uri: Option<String>) -> Result<Option<String>> {
        match uri {
            Some(u)
                if u.contains(['<', '>', '&', '"', '\t', '\n', '\r'])
                    || first_forbidden_char(&u).is_some() =>
            {
                Err(self.error(ErrorKind::Syntax(format!(
                    "namespace name {u:?} holds characters that need escaping; it is not supported"
                ))))
            }
            other => Ok(other),
        }
    }

    /// The next event of the tokenizer, with the namespace bindings kept up to date.
    #[inline]
    fn next_event(&mut self) -> Result<Event<'a>> {
        if self.pop_pending {
            self.pop_pending = false;
            self.scopes.leave(self.level);
        }
        let ev = match self.inner.read_event() {
            Ok(ev) => ev,
            Err(e) => return Err(self.syntax(e)),
        };
        match &ev {
            Event::Start(e) => {
                self.level += 1;
                self.declare(e, self.level)?;
            }
            Event::Empty(e) => {
                self.declare(e, self.level + 1)?;
                self.pop_pending = true;
            }
            Event::End(_) => {
                self.level = self.level.saturating_sub(1);
                self.pop_pending = true;
            }
            _ => {}
        }
        Ok(ev)
    }

    /// Records the namespace declarations of a start tag, its element at nesting `level`.
    #[inline]
    fn declare(&mut self, e: &BytesStart<'a>, level: usize) -> Result<()> {
        self.scopes
            .declare(e, level, self.namespaces)
            .map_err(|m| self.error_at_reader(ErrorKind::Syntax(m)))
    }

    /// Stands on the start tag `e` as the current element.
    #[inline]
    fn stand_on(&mut self, e: BytesStart<'a>, empty: bool, pos: u64) -> Result<()> {
        let (prefix, _) = split_qname(e.name().into_inner());
        self.cur_ns = match self.resolve_prefix(prefix, false) {
            Resolved::Bound(id, _) => id,
            Resolved::Unbound => NS_NONE,
            Resolved::Unknown => NS_OTHER,
        };
        self.cur = e;
        self.cur_empty = empty;
        self.cur_pos = pos;
        self.state = State::AtChild;
        Ok(())
    }

    /// Moves to the next child element of the current element and returns `true`, or
    /// returns `false` when the current element ends. Calling it again without consuming
    /// the child stays on the same child.
    #[inline]
    pub fn peek(&mut self) -> Result<bool> {
        match self.state {
            State::AtChild => Ok(true),
            State::AtEnd => Ok(false),
            State::Inside => self.peek_inner(false),
        }
    }

    /// Like [`XmlReader::peek`] for mixed content: text before the next child or the end is
    /// appended to `text` instead of being an error.
    pub fn peek_mixed(&mut self, text: &mut String) -> Result<bool> {
        match self.state {
            State::AtChild => return Ok(true),
            State::AtEnd => return Ok(false),
            State::Inside => {}
        }
        loop {
            let pos = self.inner.buffer_position();
            match self.next_event()? {
                Event::Start(e) => {
                    self.stand_on(e, false, pos)?;
                    return Ok(true);
                }
                Event::Empty(e) => {
                    self.stand_on(e, true, pos)?;
                    return Ok(true);
                }
                Event::End(_) => {
                    self.state = State::AtEnd;
                    return Ok(false);
                }
                Event::Text(t) => text.push_str(&self.allowed_text(eol(t.into_inner()), pos)?),
                Event::CData(t) => text.push_str(&self.allowed_text(eol(t.into_inner()), pos)?),
                Event::GeneralRef(r) => self.push_ref(text, &r)?,
                Event::Comment(_) | Event::PI(_) | Event::Decl(_) => {}
                Event::DocType(_) => return Err(self.error_at_reader(ErrorKind::Doctype)),
                Event::Eof => return Err(self.error_at_reader(ErrorKind::UnexpectedEof)),
            }
        }
    }

    /// Appends what an entity or character reference stands for. A reference to a
    /// character XML 1.0 excludes is an error in strict reading, U+FFFD (recorded) in the
    /// default reading.
    fn push_ref(&mut self, text: &mut String, r: &BytesRef<'_>) -> Result<()> {
        let body: &str = r;
        if body.starts_with('#') {
            let code = char_ref_code(body).map_err(|e| {
                self.error_at_reader(ErrorKind::Syntax(format!(
                    "invalid character reference: {e}"
                )))
            })?;
            let cref = classify_char_ref(code);
            if self.strict() {
                let c = cref.strict().map_err(|e| {
                    self.error_at_reader(ErrorKind::Syntax(format!(
                        "invalid character reference: {e}"
                    )))
                })?;
                text.push(c);
            } else {
                let (c, repair) = cref.lenient();
                text.push(c);
                if let Some(repair) = repair {
                    let pos = self.inner.buffer_position();
                    self.note_at(RepairKind::Lexical(repair), pos);
                }
            }
            return Ok(());
        }
        match predefined_entity(body) {
            Some(s) => text.push_str(s),
            None => return Err(self.error_at_reader(ErrorKind::UnknownEntity(body.to_string()))),
        }
        Ok(())
    }

    /// Text as XML 1.0 allows it: a character it excludes, written raw, is an error naming
    /// it in strict reading (the document is not well-formed), and U+FFFD with a recorded
    /// repair in the default reading. `pos` is where the text starts.
    #[inline]
    pub(crate) fn allowed_text<'t>(&self, s: Cow<'t, str>, pos: u64) -> Result<Cow<'t, str>> {
        if self.raw_clean {
            return Ok(s);
        }
        match first_forbidden_char(&s) {
            None => Ok(s),
            Some(_) => self
                .replace_forbidden(&s, Some(pos), "text")
                .map(Cow::Owned),
        }
    }

    #[cold]
    /// `pos`: where `s` starts in the input (each character is recorded where it stands),
    /// or `None` for an attribute value (recorded at its element).
    pub(crate) fn replace_forbidden(
        &self,
        s: &str,
        pos: Option<u64>,
        what: &str,
    ) -> Result<String> {
        let mut out = String::with_capacity(s.len() + 2);
        for (i, c) in s.char_indices() {
            if is_xml_char(c) {
                out.push(c);
                continue;
            }
            let at = pos.map_or(self.cur_pos, |p| p + i as u64);
            if self.strict() {
                return Err(self.error_at_text(
                    ErrorKind::RawForbiddenChar {
                        what: what.to_string(),
                        code: c as u32,
                    },
                    at,
                ));
            }
            self.note_at(RepairKind::RawForbiddenChar(c as u32), at);
            out.push('\u{FFFD}');
        }
        Ok(out)
    }

    /// Text between elements holding characters XML 1.0 excludes and otherwise only
    /// whitespace: refused by strict reading, ignored (each recorded) by the default one.
    /// `Ok(false)` when the text holds more than that.
    #[cold]
    fn forbidden_between(&self, s: &str, pos: u64) -> Result<bool> {
        if self.raw_clean || first_forbidden_char(s).is_none() {
            return Ok(false);
        }
        if s.chars()
            .any(|c| is_xml_char(c) && !matches!(c, ' ' | '\t' | '\r' | '\n'))
        {
            return Ok(false);
        }
        self.replace_forbidden(s, Some(pos), "text between elements")?;
        Ok(true)
    }

    fn peek_inner(&mut self, prolog: bool) -> Result<bool> {
        loop {
            let pos = self.inner.buffer_position();
            match self.next_event()? {
                Event::Start(e) => {
                    self.stand_on(e, false, pos)?;
                    return Ok(true);
                }
                Event::Empty(e) => {
                    self.stand_on(e, true, pos)?;
                    return Ok(true);
                }
                Event::End(_) => {
                    self.state = State::AtEnd;
                    return Ok(false);
                }
                Event::Text(t) => {
                    let s = t.into_inner();
                    let blank = s.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'));
                    // Excluded characters between elements: refused or ignored (recorded).
                    let ignored = !blank && self.level > 0 && self.forbidden_between(&s, pos)?;
                    if !blank && !ignored {
                        self.cur_pos = pos;
                        let kind = if prolog && self.path.is_empty() {
                            ErrorKind::Syntax(format!(
                                "text before the root element: {:?}",
                                shorten(s.trim())
                            ))
                        } else {
                            ErrorKind::UnexpectedText(shorten(s.trim()))
                        };
                        return Err(self.error_at_text(kind, pos));
                    }
                }
                Event::CData(t) => {
                    let s = t.into_inner();
                    if !s.trim().is_empty() {
                        return Err(
                            self.error_at_text(ErrorKind::UnexpectedText(shorten(s.trim())), pos)
                        );
                    }
                }
                Event::GeneralRef(r) => {
                    let mut s = String::new();
                    self.push_ref(&mut s, &r)?;
                    if !s.trim().is_empty() {
                        return Err(self.error_at_text(ErrorKind::UnexpectedText(s), pos));
                    }
                }
                Event::Comment(_) | Event::PI(_) | Event::Decl(_) => {}
                Event::DocType(_) => return Err(self.error_at_text(ErrorKind::Doctype, pos)),
                Event::Eof => {
                    if prolog && self.path.is_empty() {
                        return Ok(false);
                    }
                    return Err(self.error_at_reader(ErrorKind::UnexpectedEof));
                }
            }
        }
    }

    /// Enters the element the reader is positioned on: afterwards [`XmlReader::peek`] walks its
    /// children. Attributes must be read before.
    #[inline]
    pub fn enter(&mut self) -> Result<()> {
        debug_assert_eq!(self.state, State::AtChild);
        if self.path.len() >= self.options.max_depth {
            return Err(self.error(ErrorKind::TooDeep(self.options.max_depth)));
        }
        let cur = std::mem::replace(&mut self.cur, BytesStart::new(""));
        self.path.push(cur);
        self.state = if self.cur_empty {
            State::AtEnd
        } else {
            State::Inside
        };
        Ok(())
    }

    /// Leaves the current element after its children were read (its end tag consumed).
    #[inline]
    pub fn leave(&mut self) -> Result<()> {
        debug_assert_eq!(self.state, State::AtEnd);
        if let Some(e) = self.path.pop() {
            self.cur = e;
        }
        self.state = State::Inside;
        Ok(())
    }

    /// Reads the text content of the element the reader is positioned on, through its end
    /// tag; a child element is an error. Its attributes are left to the caller.
    pub(crate) fn read_text_unchecked(&mut self) -> Result<Cow<'a, str>> {
        self.enter()?;
        if self.state == State::AtEnd {
            self.leave()?;
            return Ok(Cow::Borrowed(""));
        }
        let mut out: Option<Cow<'a, str>> = None;
        loop {
            let pos = self.inner.buffer_position();
            match self.next_event()? {
                Event::Text(t) => append(&mut out, self.allowed_text(eol(t.into_inner()), pos)?),
                Event::CData(t) => append(&mut out, self.allowed_text(eol(t.into_inner()), pos)?),
                Event::GeneralRef(r) => {
                    let mut s = String::new();
                    self.push_ref(&mut s, &r)?;
                    append(&mut out, Cow::Owned(s));
                }
                Event::End(_) => break,
                Event::Start(e) | Event::Empty(e) => {
                    let name = e.name().into_inner().to_string();
                    self.cur_pos = self.inner.buffer_position();
                    return Err(self.error_at_text(ErrorKind::UnexpectedChild(name), self.cur_pos));
                }
                Event::Comment(_) | Event::PI(_) | Event::Decl(_) => {}
                Event::DocType(_) => return Err(self.error_at_reader(ErrorKind::Doctype)),
                Event::Eof => return Err(self.error_at_reader(ErrorKind::UnexpectedEof)),
            }
            if let Some(o) = &out {
                if o.len() > self.options.max_value_bytes {
                    return Err(self.error_at_reader(ErrorKind::ValueTooLarge {
                        size: o.len(),
                        limit: self.options.max_value_bytes,
                    }));
                }
            }
        }
        self.state = State::AtEnd;
        self.leave()?;
        Ok(out.unwrap_or(Cow::Borrowed("")))
    }

    /// Skips the element the reader is positioned on, with everything inside it.
    pub fn skip(&mut self) -> Result<()> {
        debug_assert_eq!(self.state, State::AtChild);
        if self.cur_empty {
            self.state = State::Inside;
            return Ok(());
        }
        let mut depth = 1usize;
        loop {
            match self.next_event()? {
                Event::Start(_) => {
                    depth += 1;
                    if self.path.len() + depth > self.options.max_depth {
                        return Err(
                            self.error_at_reader(ErrorKind::TooDeep(self.options.max_depth))
                        );
                    }
                }
                Event::End(_) => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                Event::DocType(_) => return Err(self.error_at_reader(ErrorKind::Doctype)),
                Event::GeneralRef(r) => {
                    let mut s = String::new();
                    self.push_ref(&mut s, &r)?;
                }
                Event::Eof => return Err(self.error_at_reader(ErrorKind::UnexpectedEof)),
                _ => {}
            }
        }
        self.state = State::Inside;
        Ok(())
    }

    /// The error for an element that cannot stand here (no skipping), `expected` the
    /// elements allowed here: a misnamed element names what was expected, and its
    /// namespace only when that is not theirs; an element of the right name in another
    /// namespace names both namespaces.
    pub fn unexpected_error(&self, expected: &[(&str, u8)]) -> Error {
        if expected.is_empty() {
            return self.misnamed_error(expected, "a global element of the schema");
        }
        self.misnamed_error(expected, &names_list(expected, false))
    }

    /// Like [`XmlReader::unexpected_error`], with what may stand here said as `next`.
    pub(crate) fn misnamed_error(&self, expected: &[(&str, u8)], next: &str) -> Error {
        let local = self.local();
        let ns = self.ns();
        if let Some((_, n)) = expected.iter().find(|(l, n)| *l == local && *n != ns) {
            return self.error(ErrorKind::WrongNamespace {
                name: local.to_string(),
                found: self.ns_uri(),
                expected: self.uri_of(*n).to_string(),
            });
        }
        let namespace = if expected.iter().any(|(_, n)| *n == ns) {
            None
        } else {
            Some(self.ns_uri())
        };
        self.error(ErrorKind::UnexpectedElement {
            name: local.to_string(),
            namespace,
            expected: next.to_string(),
        })
    }

    /// After the root element was read: only comments, processing instructions and
    /// whitespace may follow.
    ///
    /// The default reading also ignores NULs, other characters XML 1.0 excludes and
    /// whitespace XML does not count as such (recorded); strict reading refuses them.
    pub fn finish(&mut self) -> Result<()> {
        loop {
            let pos = self.inner.buffer_position();
            match self.next_event()? {
                Event::Eof => return Ok(()),
                Event::Comment(_) | Event::PI(_) => {}
                Event::Text(t) if t.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n')) => {}
                Event::Text(t) if is_trailing_junk(&t) => {
                    if self.strict() {
                        let kind = match first_forbidden_char(&t) {
                            Some((_, c)) => ErrorKind::RawForbiddenChar {
                                what: "text after the root element".into(),
                                code: c as u32,
                            },
                            None => ErrorKind::TrailingContent,
                        };
                        return Err(self.error_at_text(kind, pos));
                    }
                    let n = t
                        .chars()
                        .filter(|c| !matches!(c, ' ' | '\t' | '\r' | '\n'))
                        .count();
                    self.note_at(RepairKind::TrailingContent(n), pos);
                }
                _ => return Err(self.error_at_text(ErrorKind::TrailingContent, pos)),
            }
        }
    }

    /// Checks that the reader stands on the root element `local` in namespace `ns`.
    pub fn expect_root(&self, local: &str, ns: u8) -> Result<()> {
        if self.local() == local && self.ns() == ns {
            Ok(())
        } else if self.local() == local {
            Err(self.error(ErrorKind::WrongNamespace {
                name: local.to_string(),
                found: self.ns_uri(),
                expected: self.uri_of(ns).to_string(),
            }))
        } else {
            Err(self.error(ErrorKind::WrongRoot {
                found: self.qname().to_string(),
                expected: format!("<{local}> in namespace `{}`", self.uri_of(ns)),
            }))
        }
    }

    /// The next event inside a raw element, with the namespace of a start tag (an
    /// undeclared prefix is an error).
    pub(crate) fn read_event_raw(&mut self) -> Result<(Option<String>, Event<'a>)> {
        let ev = self.next_event()?;
        let ns = match &ev {
            Event::Start(e) | Event::Empty(e) => {
                let (prefix, _) = split_qname(e.name().into_inner());
                match self.resolve_prefix(prefix, false) {
                    Resolved::Bound(_, uri) => Some(uri.to_string()),
                    Resolved::Unbound => None,
                    Resolved::Unknown => {
                        return Err(self.error_at_reader(ErrorKind::Syntax(format!(
                            "an element uses the undeclared prefix `{prefix}`"
                        ))))
                    }
                }
            }
            _ => None,
        };
        Ok((ns, ev))
    }

    pub(crate) fn resolve_ref(&mut self, r: &BytesRef<'_>, out: &mut String) -> Result<()> {
        self.push_ref(out, r)
    }
}

/// `<A>, <B> or <C>` (and `the end of the element` when `end` says it may end here).
pub(crate) fn names_list(names: &[(&str, u8)], end: bool) -> String {
    let mut items: Vec<String> = Vec::new();
    for (l, _) in names {
        let item = format!("<{l}>");
        if !items.contains(&item) {
            items.push(item);
        }
    }
    if end || items.is_empty() {
        items.push(if names.is_empty() && !end {
            "no child elements".to_string()
        } else {
            "the end of the element".to_string()
        });
    }
    match items.len() {
        1 => items.pop().unwrap_or_default(),
        n => format!("{} or {}", items[..n - 1].join(", "), items[n - 1]),
    }
}

/// Text after the root element that the default reading ignores: whitespace, characters
/// XML 1.0 excludes (NULs), and the byte order mark.
fn is_trailing_junk(s: &str) -> bool {
    s.chars().all(|c| {
        c.is_whitespace() || c.is_control() || matches!(c, '\u{FEFF}' | '\u{FFFE}' | '\u{FFFF}')
    })
}

fn predefined_entity(name: &str) -> Option<&'static str> {
    Some(match name {
        "lt" => "<",
        "gt" => ">",
        "amp" => "&",
        "apos" => "'",
        "quot" => "\"",
        _ => return None,
    })
}

/// XML 1.0 end-of-line handling (`\r\n` and `\r` become `\n`) of text.
#[inline]
fn eol(s: Cow<'_, str>) -> Cow<'_, str> {
    if !s.contains('\r') {
        return s;
    }
    Cow::Owned(s.replace("\r\n", "\n").replace('\r', "\n"))
}

fn append<'a>(out: &mut Option<Cow<'a, str>>, s: Cow<'a, str>) {
    match out {
        None => *out = Some(s),
        Some(o) => o.to_mut().push_str(&s),
    }
}
