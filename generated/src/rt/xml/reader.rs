//! A namespace-aware pull reader over quick-xml's tokenizer, built for generated code.
//!
//! The reader walks a document one element at a time. Generated readers call [`Reader::peek`]
//! to look at the next child element (by local name and namespace id), and the child's own
//! reader consumes it. Whitespace, comments and processing instructions are skipped; a
//! `DOCTYPE` is refused; entity references other than the predefined ones are refused.
//!
//! Namespaces are resolved here, not by quick-xml: declarations are rare in EWS documents
//! (a few on the envelope), so each start tag is only searched for `xmlns` and each prefix
//! resolved against a short stack of bindings that already carry the namespace's id.

use std::borrow::Cow;

use quick_xml::events::{BytesRef, BytesStart, Event};

use crate::rt::error::{Error, ErrorKind, Result};
use crate::rt::lexical::{char_ref_code, classify_char_ref, Repair as LexicalRepair};

/// Namespace id of an element or attribute in no namespace.
pub const NS_NONE: u8 = 250;
/// Namespace id of the SOAP 1.1 envelope namespace.
pub const NS_SOAP: u8 = 251;
/// Namespace id of the XML Schema instance namespace (`xsi:`).
pub const NS_XSI: u8 = 252;
/// Namespace id of the `xml:` namespace.
pub const NS_XML: u8 = 253;
/// Namespace id of any other namespace.
pub const NS_OTHER: u8 = 255;

/// The SOAP 1.1 envelope namespace.
pub const SOAP_ENV: &str = "http://schemas.xmlsoap.org/soap/envelope/";
/// The XML Schema instance namespace.
pub const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";
/// The `xml:` namespace.
pub const XML: &str = "http://www.w3.org/XML/1998/namespace";

/// A table of the namespaces generated code knows: `(prefix, uri)`; the index is the id.
pub type Namespaces = &'static [(&'static str, &'static str)];

/// What the reader does with an element the schema does not allow where it stands.
///
/// The default is [`Skip`](UnknownElements::Skip): Exchange servers send elements newer
/// than the schema a client was built from, and a client must not lose a whole response
/// over one of them. Nothing is dropped silently: every skipped element is recorded, with
/// its path and position (`Envelope::unknown`). Ask for [`Keep`](UnknownElements::Keep) to
/// have its XML too, or [`Error`](UnknownElements::Error) to validate strictly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UnknownElements {
    /// Strict reading: fail with an error naming the element and where it stands.
    Error,
    /// Skip it, and record where it stood.
    #[default]
    Skip,
    /// Keep its XML, with where it stood.
    Keep,
}

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
    pub element: Option<crate::rt::any::RawElement>,
}

/// What the open-world reading did to keep a document a strict reading refuses.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RepairKind {
    /// An attribute the schema does not declare was skipped (its qualified name).
    SkippedAttribute(String),
    /// An element stood after elements the schema puts after it; it was read into its
    /// field all the same.
    OutOfOrder,
    /// A value or character reference a strict reading refuses, read all the same
    /// (excluded character references as U+FFFD, unpadded base64).
    Lexical(LexicalRepair),
    /// An `xsi:type` naming the element's own type, on an element whose type does not keep
    /// it (only the roots of chains of extensions with attributes do): it is not written
    /// back. The type it named.
    XsiTypeNotKept(String),
}

impl std::fmt::Display for RepairKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RepairKind::SkippedAttribute(a) => {
                write!(
                    f,
                    "the attribute `{a}`, which the schema does not declare, was skipped"
                )
            }
            RepairKind::OutOfOrder => {
                f.write_str("the element stood out of the schema's order and was read all the same")
            }
            RepairKind::Lexical(r) => r.fmt(f),
            RepairKind::XsiTypeNotKept(t) => write!(
                f,
                "xsi:type=\"{t}\" names the element's own type, which does not keep it: it is not written back"
            ),
        }
    }
}

/// A repair made by the open-world reading, with where it was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repair {
    /// Path of the element, such as `/Envelope/Body/FindPeople`.
    pub path: String,
    /// Line (1-based).
    pub line: u64,
    /// Column (1-based).
    pub column: u64,
    /// What was repaired.
    pub kind: RepairKind,
}

/// Limits and policies of a [`Reader`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadOptions {
    /// Deepest element nesting accepted.
    pub max_depth: usize,
    /// Largest document accepted, in bytes.
    pub max_document_bytes: usize,
    /// Largest single text or attribute value accepted, in bytes.
    pub max_value_bytes: usize,
    /// What to do with elements the schema does not allow (and, with them, attributes the
    /// schema does not declare and values only a lenient reading keeps).
    pub unknown_elements: UnknownElements,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            max_depth: 256,
            max_document_bytes: 1 << 30,
            max_value_bytes: 256 << 20,
            unknown_elements: UnknownElements::Skip,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Inside an element, before its next child or end.
    Inside,
    /// Positioned on a child's start tag, not yet consumed.
    AtChild,
    /// The current element's end tag was read.
    AtEnd,
}

/// A namespace declaration in scope.
#[derive(Debug, Clone)]
struct Binding {
    /// The prefix (empty for the default namespace).
    prefix: Box<str>,
    /// The namespace name (empty when the default namespace is undeclared).
    uri: Box<str>,
    /// Its id in the namespace table ([`NS_OTHER`] when the table does not know it).
    id: u8,
    /// Nesting level of the element declaring it.
    level: usize,
}

/// How a prefix resolves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Resolved<'b> {
    /// Bound to a namespace: its id and name.
    Bound(u8, &'b str),
    /// No namespace (an unprefixed element without a default namespace).
    Unbound,
    /// The prefix is not declared.
    Unknown,
}

/// The pull reader used by generated code.
pub struct Reader<'a> {
    inner: quick_xml::Reader<&'a [u8]>,
    input: &'a str,
    namespaces: Namespaces,
    bindings: Vec<Binding>,
    /// Elements opened by the tokenizer and not yet closed.
    level: usize,
    /// The bindings of the element just closed (or of an empty element) are dropped when
    /// the next event is read, so its own declarations still resolve its text.
    pop_pending: bool,
    state: State,
    cur: BytesStart<'a>,
    cur_empty: bool,
    cur_ns: u8,
    cur_pos: u64,
    path: Vec<BytesStart<'a>>,
    options: ReadOptions,
    unknown: Vec<UnknownElement>,
    repairs: std::cell::RefCell<Vec<Repair>>,
    /// Strict reading: what the text of the element about to be read must satisfy.
    pub(crate) lex: Option<&'static crate::rt::facets::Lex>,
    /// Strict reading: the element about to be read is `nillable` (an `xsi:nil` on it is
    /// allowed).
    pub(crate) nil_ok: bool,
    /// The element about to be read is of the type its `xsi:type` chose for an abstract
    /// declared type (its `xsi:type` is written back by that choice).
    pub(crate) typed: bool,
}

/// Maps a namespace name to its id.
fn lookup_ns(namespaces: Namespaces, uri: &str) -> u8 {
    for (i, (_, known)) in namespaces.iter().enumerate() {
        if *known == uri {
            return i as u8;
        }
    }
    match uri {
        SOAP_ENV => NS_SOAP,
        XSI => NS_XSI,
        XML => NS_XML,
        "" => NS_NONE,
        _ => NS_OTHER,
    }
}

/// Splits a qualified name into prefix (empty for none) and local name.
#[inline]
pub(crate) fn split_qname(q: &str) -> (&str, &str) {
    match q.find(':') {
        Some(i) => (&q[..i], &q[i + 1..]),
        None => ("", q),
    }
}

/// One attribute of the current element, with its namespace resolved.
pub struct Attr<'r, 'a> {
    reader: &'r Reader<'a>,
    local: &'r str,
    qname: &'r str,
    ns: u8,
    value: Cow<'r, str>,
}

impl<'r, 'a> Attr<'r, 'a> {
    /// Local name.
    pub fn local(&self) -> &str {
        self.local
    }
    /// Qualified name, as written.
    pub fn qname(&self) -> &str {
        self.qname
    }
    /// Namespace id.
    pub fn ns(&self) -> u8 {
        self.ns
    }
    /// The value, entity references expanded.
    pub fn raw(&self) -> &str {
        &self.value
    }
    /// The value parsed as `T`.
    pub fn value<T: crate::rt::xs::text::Text>(&self) -> Result<T> {
        if !T::XS.is_empty()
            && self.reader.strict()
            && crate::rt::lexical::strip_as_libxml2(T::XS, &self.value).is_none()
        {
            return Err(self.invalid(crate::rt::lexical::whitespace_reason(T::XS)));
        }
        let v = T::parse_text(&self.value).map_err(|reason| self.invalid(reason))?;
        if self.reader.strict() && !v.is_listed() {
            return Err(self.invalid(crate::rt::xs::text::NOT_LISTED.into()));
        }
        Ok(v)
    }
    /// Strict reading: checks the value against the whitespace rules of its built-in type,
    /// its facets and its `fixed` value.
    pub fn check(&self, lex: &crate::rt::facets::Lex) -> Result<()> {
        lex.check(&self.value)
            .map_err(|reason| self.invalid(reason))
    }
    fn invalid(&self, reason: String) -> Error {
        self.reader.error(ErrorKind::InvalidValue {
            what: format!("attribute `{}`", self.qname),
            value: shorten(&self.value),
            reason,
        })
    }
    /// The error for an attribute the type does not declare.
    pub fn unexpected<T>(&self) -> Result<T> {
        Err(self
            .reader
            .error(ErrorKind::UnexpectedAttribute(self.qname.to_string())))
    }
    /// Keeps the attribute as a raw value, for `xs:anyAttribute`.
    pub fn to_raw(&self) -> crate::rt::any::RawAttribute {
        let (prefix, _) = split_qname(self.qname);
        let namespace = match self.reader.resolve_prefix(prefix, true) {
            Resolved::Bound(_, uri) => Some(uri.to_string()),
            _ => None,
        };
        crate::rt::any::RawAttribute {
            namespace,
            name: self.local.to_string(),
            value: self.value.to_string(),
        }
    }
}

pub(crate) fn shorten(s: &str) -> String {
    if s.len() <= 80 {
        s.to_string()
    } else {
        let mut end = 77;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}...", &s[..end])
    }
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
        let mut inner = quick_xml::Reader::from_str(input);
        {
            let config = inner.config_mut();
            config.check_end_names = true;
            config.check_comments = true;
            config.expand_empty_elements = false;
        }
        let mut reader = Reader {
            inner,
            input,
            namespaces,
            bindings: Vec::new(),
            level: 0,
            pop_pending: false,
            state: State::Inside,
            cur: BytesStart::new(""),
            cur_empty: false,
            cur_ns: NS_NONE,
            cur_pos: 0,
            path: Vec::new(),
            options,
            unknown: Vec::new(),
            repairs: Default::default(),
            lex: None,
            nil_ok: false,
            typed: false,
        };
        if input.len() > reader.options.max_document_bytes {
            return Err(reader.error(ErrorKind::DocumentTooLarge {
                size: input.len(),
                limit: reader.options.max_document_bytes,
            }));
        }
        if !reader.peek_inner(true)? {
            return Err(reader.error(ErrorKind::Empty));
        }
        Ok(reader)
    }

    /// Turns bytes into a string, or a clear error for input that is not UTF-8.
    pub fn check_utf8(input: &[u8]) -> Result<&str> {
        std::str::from_utf8(input).map_err(|e| {
            let before = &input[..e.valid_up_to()];
            let line = before.iter().filter(|b| **b == b'\n').count() as u64 + 1;
            let line_start = before
                .iter()
                .rposition(|b| *b == b'\n')
                .map_or(0, |p| p + 1);
            let column = String::from_utf8_lossy(&before[line_start..])
                .chars()
                .count() as u64
                + 1;
            Error {
                kind: ErrorKind::Utf8(e.to_string()),
                path: String::new(),
                line,
                column,
            }
        })
    }

    /// The options in force.
    pub fn options(&self) -> &ReadOptions {
        &self.options
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

    /// Takes the repairs the open-world reading made so far, in document order.
    pub fn take_repairs(&mut self) -> Vec<Repair> {
        std::mem::take(self.repairs.get_mut())
    }

    /// Whether the reading is strict ([`UnknownElements::Error`]).
    #[inline]
    pub fn strict(&self) -> bool {
        self.options.unknown_elements == UnknownElements::Error
    }

    fn note_at(&self, kind: RepairKind, pos: u64) {
        let (line, column) = self.position(pos);
        let repair = Repair {
            path: self.path_string(),
            line,
            column,
            kind,
        };
        let mut repairs = self.repairs.borrow_mut();
        // The attributes of an element may be looked at more than once.
        if repairs.last() != Some(&repair) {
            repairs.push(repair);
        }
    }

    fn note(&self, kind: RepairKind) {
        self.note_at(kind, self.cur_pos);
    }

    /// Records an undeclared attribute of the current element, skipped.
    pub(crate) fn note_skipped_attribute(&self, qname: &str) {
        self.note(RepairKind::SkippedAttribute(qname.to_string()));
    }

    /// Records that the current element's `xsi:type`, naming its own type, is not kept.
    pub(crate) fn note_xsi_type_not_kept(&self, name: &str) {
        self.note(RepairKind::XsiTypeNotKept(name.to_string()));
    }

    /// Records that the current element stood out of the schema's order.
    pub(crate) fn note_out_of_order(&mut self) {
        self.note(RepairKind::OutOfOrder);
    }

    /// Records a value only a lenient reading keeps, at the current element (or the element
    /// whose text was just read).
    pub fn note_lexical(&mut self, repair: LexicalRepair) {
        let (line, column) = self.position(self.cur_pos);
        let mut path = self.path_string();
        if self.state != State::AtChild {
            path.push('/');
            path.push_str(self.local());
        }
        self.repairs.borrow_mut().push(Repair {
            path,
            line,
            column,
            kind: RepairKind::Lexical(repair),
        });
    }

    /// Local name of the element the reader is positioned on.
    #[inline]
    pub fn local(&self) -> &str {
        self.cur.local_name().into_inner()
    }

    /// Namespace id of the element the reader is positioned on.
    #[inline]
    pub fn ns(&self) -> u8 {
        self.cur_ns
    }

    /// How `prefix` resolves where the reader stands (`attribute`: an unprefixed name is in
    /// no namespace, whatever the default namespace).
    fn resolve_prefix(&self, prefix: &str, attribute: bool) -> Resolved<'_> {
        if prefix.is_empty() && attribute {
            return Resolved::Unbound;
        }
        if prefix == "xml" {
            return Resolved::Bound(NS_XML, XML);
        }
        for b in self.bindings.iter().rev() {
            if &*b.prefix == prefix {
                return if b.uri.is_empty() {
                    Resolved::Unbound
                } else {
                    Resolved::Bound(b.id, &b.uri)
                };
            }
        }
        if prefix.is_empty() {
            Resolved::Unbound
        } else {
            Resolved::Unknown
        }
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

    /// The qualified name (as written) of the element the reader is positioned on.
    pub fn qname(&self) -> &str {
        self.cur.name().into_inner()
    }

    /// The URI of a namespace id.
    pub fn uri_of(&self, ns: u8) -> &'static str {
        match ns {
            NS_NONE => "",
            NS_SOAP => SOAP_ENV,
            NS_XSI => XSI,
            NS_XML => XML,
            i => self.namespaces.get(i as usize).map_or("(unknown)", |n| n.1),
        }
    }

    /// The namespace table.
    pub fn namespaces(&self) -> Namespaces {
        self.namespaces
    }

    fn position(&self, offset: u64) -> (u64, u64) {
        let offset = (offset as usize).min(self.input.len());
        let mut end = offset;
        while !self.input.is_char_boundary(end) {
            end -= 1;
        }
        let before = &self.input[..end];
        let line = before.bytes().filter(|b| *b == b'\n').count() as u64 + 1;
        let line_start = before.rfind('\n').map_or(0, |p| p + 1);
        let column = before[line_start..].chars().count() as u64 + 1;
        (line, column)
    }

    fn path_string(&self) -> String {
        let mut s = String::new();
        for e in &self.path {
            s.push('/');
            s.push_str(e.local_name().into_inner());
        }
        if self.state == State::AtChild {
            s.push('/');
            s.push_str(self.local());
        }
        s
    }

    /// The error for the text of the element just read (the reader has left it), which
    /// does not parse or which strict reading refuses: the path ends with the element.
    pub fn invalid_text(&self, value: &str, reason: String) -> Error {
        let mut e = self.invalid_value(&format!("element <{}>", self.qname()), value, reason);
        if self.state != State::AtChild {
            e.path.push('/');
            e.path.push_str(self.local());
        }
        e
    }

    /// An error at the current element.
    pub fn error(&self, kind: ErrorKind) -> Error {
        let (line, column) = self.position(self.cur_pos);
        Error {
            kind,
            path: self.path_string(),
            line,
            column,
        }
    }

    fn error_at_reader(&self, kind: ErrorKind) -> Error {
        let (line, column) = self.position(self.inner.buffer_position());
        Error {
            kind,
            path: self.path_string(),
            line,
            column,
        }
    }

    fn syntax(&self, e: quick_xml::Error) -> Error {
        if let quick_xml::Error::IllFormed(quick_xml::errors::IllFormedError::MissingEndTag(_)) = &e
        {
            return self.error_at_reader(ErrorKind::UnexpectedEof);
        }
        let (line, column) = self.position(self.inner.error_position());
        Error {
            kind: ErrorKind::Syntax(e.to_string()),
            path: self.path_string(),
            line,
            column,
        }
    }

    /// The next event of the tokenizer, with the namespace bindings kept up to date.
    #[inline]
    fn next_event(&mut self) -> Result<Event<'a>> {
        if self.pop_pending {
            self.pop_pending = false;
            while self.bindings.last().is_some_and(|b| b.level > self.level) {
                self.bindings.pop();
            }
        }
        let ev = match self.inner.read_event() {
            Ok(ev) => ev,
            Err(e) => return Err(self.syntax(e)),
        };
        match &ev {
            Event::Start(e) => {
                self.level += 1;
                self.push_bindings(e)?;
            }
            Event::Empty(e) => {
                self.push_bindings_at(e, self.level + 1)?;
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

    #[inline]
    fn push_bindings(&mut self, e: &BytesStart<'a>) -> Result<()> {
        self.push_bindings_at(e, self.level)
    }

    /// Records the namespace declarations of a start tag (most have none: only the
    /// attributes of one that mentions `xmlns` are read).
    fn push_bindings_at(&mut self, e: &BytesStart<'a>, level: usize) -> Result<()> {
        if !e.attributes_raw().contains("xmlns") {
            return Ok(());
        }
        let mut attrs = e.attributes();
        attrs.with_checks(false);
        for a in attrs {
            let a = a.map_err(|err| self.error_at_reader(ErrorKind::Syntax(err.to_string())))?;
            let key = a.key.into_inner();
            let prefix = match key.strip_prefix("xmlns") {
                Some("") => "",
                Some(rest) => match rest.strip_prefix(':') {
                    Some(p) => p,
                    None => continue,
                },
                None => continue,
            };
            let uri = a
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(|err| self.error_at_reader(ErrorKind::Syntax(err.to_string())))?;
            if !prefix.is_empty() && uri.is_empty() {
                return Err(self.error_at_reader(ErrorKind::Syntax(format!(
                    "the prefix `{prefix}` is declared with an empty namespace name"
                ))));
            }
            let id = lookup_ns(self.namespaces, &uri);
            self.bindings.push(Binding {
                prefix: prefix.into(),
                uri: uri.into_owned().into_boxed_str(),
                id,
                level,
            });
        }
        Ok(())
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

    /// Like [`Reader::peek`] for mixed content: text before the next child or the end is
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
                Event::Text(t) => text.push_str(&eol(t.into_inner())),
                Event::CData(t) => text.push_str(&eol(t.into_inner())),
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
                    if !s.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n')) {
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

    fn error_at_text(&self, kind: ErrorKind, pos: u64) -> Error {
        let (line, column) = self.position(pos);
        let mut path = String::new();
        for e in &self.path {
            path.push('/');
            path.push_str(e.local_name().into_inner());
        }
        Error {
            kind,
            path,
            line,
            column,
        }
    }

    /// Enters the element the reader is positioned on: afterwards [`Reader::peek`] walks its
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

    /// Whether the element the reader is positioned on has no attributes at all
    /// (declarations included): the common case, decided without reading them.
    #[inline]
    pub(crate) fn no_attributes(&self) -> bool {
        self.cur
            .attributes_raw()
            .bytes()
            .all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'/'))
    }

    /// Attributes of the element the reader is positioned on, namespaces resolved; `xmlns`
    /// declarations and `xsi:` attributes are left out.
    pub fn attributes(&self) -> AttrIter<'_, 'a> {
        let mut inner = self.cur.attributes();
        // Duplicates are found below without quick-xml's per-element allocation.
        inner.with_checks(false);
        AttrIter {
            reader: self,
            inner,
            seen: [""; 8],
            seen_len: 0,
            more: Vec::new(),
        }
    }

    /// The `xsi:type` of the current element, if it has one: the namespace id and the local
    /// name of the type it names (prefix resolved where the element stands).
    pub fn xsi_type(&self) -> Result<Option<(u8, String)>> {
        let Some(v) = self.xsi_attribute("type")? else {
            return Ok(None);
        };
        let v = v.trim();
        let (prefix, local) = split_qname(v);
        let id = match self.resolve_prefix(prefix, false) {
            Resolved::Bound(id, _) => id,
            Resolved::Unbound => NS_NONE,
            Resolved::Unknown => {
                return Err(self.error(ErrorKind::Syntax(format!(
                    "xsi:type `{v}` uses the undeclared prefix `{prefix}`"
                ))))
            }
        };
        Ok(Some((id, local.to_string())))
    }

    /// The normalized value of the current element's `xsi:<name>` attribute, if present.
    fn xsi_attribute(&self, name: &str) -> Result<Option<String>> {
        if !self.cur.attributes_raw().contains(name) {
            return Ok(None);
        }
        for a in self.cur.attributes() {
            let a = a.map_err(|e| self.error(ErrorKind::Syntax(e.to_string())))?;
            let (prefix, local) = split_qname(a.key.into_inner());
            if local == name
                && !prefix.is_empty()
                && matches!(
                    self.resolve_prefix(prefix, true),
                    Resolved::Bound(NS_XSI, _)
                )
            {
                return Ok(Some(self.attr_value(a)?.into_owned()));
            }
        }
        Ok(None)
    }

    /// Whether the current element carries an `xsi:type` naming the type `name` (a
    /// qualified name with the generated code's prefix, such as `t:ItemType`).
    pub(crate) fn names_type(&self, name: &str) -> Result<bool> {
        let Some(v) = self.xsi_attribute("type")? else {
            return Ok(false);
        };
        let (prefix, local) = split_qname(v.trim());
        let (want_prefix, want_local) = split_qname(name);
        if local != want_local {
            return Ok(false);
        }
        let want = self
            .namespaces
            .iter()
            .position(|(p, _)| *p == want_prefix)
            .map_or(NS_NONE, |i| i as u8);
        Ok(match self.resolve_prefix(prefix, false) {
            Resolved::Bound(id, _) => id == want,
            Resolved::Unbound => want == NS_NONE,
            Resolved::Unknown => false,
        })
    }

    /// The `xsi:type` attribute as the reader hands attributes to generated code.
    pub(crate) fn xsi_type_attr(&self) -> Attr<'_, 'a> {
        Attr {
            reader: self,
            local: "type",
            qname: "xsi:type",
            ns: NS_XSI,
            value: Cow::Borrowed(""),
        }
    }

    /// The value of the current element's `xsi:nil`, if it has one.
    pub(crate) fn xsi_nil_value(&self) -> Result<Option<String>> {
        if self.no_attributes() {
            return Ok(None);
        }
        self.xsi_attribute("nil")
    }

    /// Whether the current element carries `xsi:nil="true"`.
    pub fn is_nil(&self) -> Result<bool> {
        Ok(self
            .xsi_attribute("nil")?
            .is_some_and(|v| matches!(v.trim(), "true" | "1")))
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
        let ns = crate::rt::any::plain_namespace(self, ns)?;
        Ok((text, ns))
    }

    /// Reads the text content of the current element whose attributes were already read.
    pub fn read_text_after_attrs(&mut self) -> Result<Cow<'a, str>> {
        self.read_text_inner(false)
    }

    fn read_text_inner(&mut self, check_attrs: bool) -> Result<Cow<'a, str>> {
        if !self.strict() {
            return self.read_text_unchecked(check_attrs);
        }
        let lex = self.lex.take();
        if check_attrs {
            self.check_nil()?;
        }
        let text = self.read_text_unchecked(check_attrs)?;
        if let Some(l) = lex {
            if let Err(reason) = l.check(&text) {
                return Err(self.invalid_text(&text, reason));
            }
        }
        Ok(text)
    }

    /// Strict reading: an `xsi:nil` is only allowed on a `nillable` element (the reader is
    /// told so just before reading one).
    pub(crate) fn check_nil(&mut self) -> Result<()> {
        let ok = std::mem::take(&mut self.nil_ok);
        if ok || self.no_attributes() {
            return Ok(());
        }
        if self.xsi_attribute("nil")?.is_some() {
            return Err(self.error(ErrorKind::Other(
                "the element is not 'nillable': it cannot carry xsi:nil".into(),
            )));
        }
        Ok(())
    }

    fn read_text_unchecked(&mut self, check_attrs: bool) -> Result<Cow<'a, str>> {
        if check_attrs && !self.no_attributes() {
            let mut it = self.attributes();
            while let Some(a) = it.next_attr()? {
                if self.strict() {
                    return Err(self.error(ErrorKind::UnexpectedAttribute(a.qname().to_string())));
                }
                // Open world: the attribute is skipped and recorded.
                self.note_skipped_attribute(a.qname());
            }
        }
        self.enter()?;
        if self.state == State::AtEnd {
            self.leave()?;
            return Ok(Cow::Borrowed(""));
        }
        let mut out: Option<Cow<'a, str>> = None;
        loop {
            match self.next_event()? {
                Event::Text(t) => append(&mut out, eol(t.into_inner())),
                Event::CData(t) => append(&mut out, eol(t.into_inner())),
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

    /// Handles a child element the content model does not allow: an error naming the
    /// namespace when only the namespace is wrong; otherwise an error, or a recorded skip
    /// under [`UnknownElements::Skip`].
    pub fn unexpected(&mut self, expected: &[(&str, u8)]) -> Result<()> {
        let local = self.local();
        if let Some((_, ns)) = expected.iter().find(|(l, _)| *l == local) {
            return Err(self.error(ErrorKind::WrongNamespace {
                name: local.to_string(),
                found: self.ns_uri(),
                expected: self.uri_of(*ns).to_string(),
            }));
        }
        match self.options.unknown_elements {
            UnknownElements::Error => Err(self.error(ErrorKind::UnexpectedElement {
                name: local.to_string(),
                namespace: self.ns_uri(),
                expected: if expected.is_empty() {
                    "no child elements".to_string()
                } else {
                    expected
                        .iter()
                        .map(|(l, _)| format!("<{l}>"))
                        .collect::<Vec<_>>()
                        .join(", ")
                },
            })),
            UnknownElements::Skip | UnknownElements::Keep => {
                let path = self.path_string();
                let (line, column) = self.position(self.cur_pos);
                let element = if self.options.unknown_elements == UnknownElements::Keep {
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
        }
    }

    /// The error for an element that cannot stand here (no skipping).
    pub fn unexpected_error(&self, expected: &[(&str, u8)]) -> Error {
        let local = self.local();
        if let Some((_, ns)) = expected.iter().find(|(l, _)| *l == local) {
            return self.error(ErrorKind::WrongNamespace {
                name: local.to_string(),
                found: self.ns_uri(),
                expected: self.uri_of(*ns).to_string(),
            });
        }
        self.error(ErrorKind::UnexpectedElement {
            name: local.to_string(),
            namespace: self.ns_uri(),
            expected: if expected.is_empty() {
                "a global element of the schema".to_string()
            } else {
                expected
                    .iter()
                    .map(|(l, _)| format!("<{l}>"))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        })
    }

    /// An error about the content of the element the reader is inside (such as a missing
    /// required element), at its start tag.
    pub(crate) fn missing_error(&self, kind: ErrorKind) -> Error {
        let pos = match self.path.last() {
            Some(_) => self.cur_pos,
            None => 0,
        };
        let (line, column) = self.position(pos);
        let mut path = String::new();
        for e in &self.path {
            path.push('/');
            path.push_str(e.local_name().into_inner());
        }
        Error {
            kind,
            path,
            line,
            column,
        }
    }

    /// An error for a value that did not parse, at the current element.
    pub fn invalid_value(&self, what: &str, value: &str, reason: String) -> Error {
        self.error(ErrorKind::InvalidValue {
            what: what.to_string(),
            value: shorten(value),
            reason,
        })
    }

    /// After the root element was read: only comments, processing instructions and
    /// whitespace may follow.
    pub fn finish(&mut self) -> Result<()> {
        loop {
            let pos = self.inner.buffer_position();
            match self.next_event()? {
                Event::Eof => return Ok(()),
                Event::Comment(_) | Event::PI(_) => {}
                Event::Text(t) if t.trim().is_empty() => {}
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

    /// Reads the raw element the reader is positioned on, for `xs:any`.
    pub fn read_raw(&mut self) -> Result<crate::rt::any::RawElement> {
        crate::rt::any::RawElement::read(self)
    }

    pub(crate) fn cur_start(&self) -> &BytesStart<'a> {
        &self.cur
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

    pub(crate) fn set_state_inside(&mut self) {
        self.state = State::Inside;
    }

    pub(crate) fn depth(&self) -> usize {
        self.path.len()
    }

    pub(crate) fn too_deep(&self) -> Error {
        self.error_at_reader(ErrorKind::TooDeep(self.options.max_depth))
    }

    pub(crate) fn eof_error(&self) -> Error {
        self.error_at_reader(ErrorKind::UnexpectedEof)
    }

    pub(crate) fn doctype_error(&self) -> Error {
        self.error_at_reader(ErrorKind::Doctype)
    }

    pub(crate) fn cur_is_empty(&self) -> bool {
        self.cur_empty
    }
}

/// Whether an attribute value holds a character reference.
#[inline]
fn memchr_amp_hash(v: &str) -> bool {
    v.as_bytes().contains(&b'&') && v.contains("&#")
}

impl Reader<'_> {
    /// An attribute's value: normalized, with its character references checked (see
    /// `attr_char_refs`) when it holds any.
    pub(crate) fn attr_value<'v>(
        &self,
        a: quick_xml::events::attributes::Attribute<'v>,
    ) -> Result<Cow<'v, str>> {
        if memchr_amp_hash(&a.value) {
            self.attr_char_refs(a)
        } else {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(|e| self.error(ErrorKind::Syntax(e.to_string())))
        }
    }

    /// The normalized value of an attribute holding character references: one to a
    /// character XML 1.0 excludes is an error in strict reading, and U+FFFD with a recorded
    /// repair in the default reading.
    fn attr_char_refs<'v>(
        &self,
        a: quick_xml::events::attributes::Attribute<'v>,
    ) -> Result<Cow<'v, str>> {
        let raw = &a.value;
        // The value with excluded references replaced, once there is one; `copied` is how
        // much of `raw` it holds.
        let mut fixed: Option<String> = None;
        let mut copied = 0;
        let mut i = 0;
        while let Some(off) = raw[i..].find("&#") {
            let start = i + off;
            let Some(len) = raw[start..].find(';') else {
                break;
            };
            let end = start + len + 1;
            let body = &raw[start + 1..end - 1];
            let code = char_ref_code(body).map_err(|e| {
                self.error(ErrorKind::Syntax(format!(
                    "invalid character reference: {e}"
                )))
            })?;
            let cref = classify_char_ref(code);
            if self.strict() {
                cref.strict().map_err(|e| {
                    self.error(ErrorKind::Syntax(format!(
                        "invalid character reference: {e}"
                    )))
                })?;
            } else if let (_, Some(repair)) = cref.lenient() {
                let out = fixed.get_or_insert_with(String::new);
                out.push_str(&raw[copied..start]);
                out.push_str("&#xFFFD;");
                copied = end;
                self.note(RepairKind::Lexical(repair));
            }
            i = end;
        }
        let a = match fixed {
            None => a,
            Some(mut out) => {
                out.push_str(&raw[copied..]);
                quick_xml::events::attributes::Attribute {
                    key: a.key,
                    value: Cow::Owned(out),
                }
            }
        };
        let v = a
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|e| self.error(ErrorKind::Syntax(e.to_string())))?;
        Ok(Cow::Owned(v.into_owned()))
    }
}

fn append<'a>(out: &mut Option<Cow<'a, str>>, s: Cow<'a, str>) {
    match out {
        None => *out = Some(s),
        Some(o) => o.to_mut().push_str(&s),
    }
}

/// Iterator over the attributes of the current element.
pub struct AttrIter<'r, 'a> {
    reader: &'r Reader<'a>,
    inner: quick_xml::events::attributes::Attributes<'r>,
    /// Qualified names met so far (the first 8 without allocating), to refuse duplicates.
    seen: [&'r str; 8],
    seen_len: usize,
    more: Vec<&'r str>,
}

impl<'r, 'a> AttrIter<'r, 'a> {
    /// Whether the reading is strict (see [`Reader::strict`]).
    pub fn strict(&self) -> bool {
        self.reader.strict()
    }

    /// The next attribute, leaving out `xmlns` declarations and `xsi:` attributes.
    pub fn next_attr(&mut self) -> Result<Option<Attr<'r, 'a>>> {
        loop {
            let Some(a) = self.inner.next() else {
                return Ok(None);
            };
            let a = a.map_err(|e| self.reader.error(ErrorKind::Syntax(e.to_string())))?;
            let qname: &'r str = a.key.into_inner();
            if self.seen[..self.seen_len].contains(&qname) || self.more.contains(&qname) {
                return Err(self
                    .reader
                    .error(ErrorKind::Syntax(format!("duplicate attribute `{qname}`"))));
            }
            if self.seen_len < self.seen.len() {
                self.seen[self.seen_len] = qname;
                self.seen_len += 1;
            } else {
                self.more.push(qname);
            }
            if qname == "xmlns" || qname.starts_with("xmlns:") {
                continue;
            }
            let (prefix, local) = split_qname(qname);
            let ns = match self.reader.resolve_prefix(prefix, true) {
                Resolved::Bound(id, _) => id,
                Resolved::Unbound => NS_NONE,
                Resolved::Unknown => {
                    return Err(self.reader.error(ErrorKind::Syntax(format!(
                        "attribute `{qname}` uses the undeclared prefix `{prefix}`"
                    ))))
                }
            };
            if ns == NS_XSI {
                continue;
            }
            let value = self.reader.attr_value(a)?;
            if value.len() > self.reader.options.max_value_bytes {
                return Err(self.reader.error(ErrorKind::ValueTooLarge {
                    size: value.len(),
                    limit: self.reader.options.max_value_bytes,
                }));
            }
            return Ok(Some(Attr {
                reader: self.reader,
                local,
                qname,
                ns,
                value,
            }));
        }
    }
}
