//! A namespace-aware pull reader over quick-xml's tokenizer, built for generated code.
//!
//! The reader walks a document one element at a time. Generated readers call [`XmlReader::peek`]
//! to look at the next child element (by local name and namespace id), and the child's own
//! reader consumes it. Whitespace, comments and processing instructions are skipped; a
//! `DOCTYPE` is refused; entity references other than the predefined ones are refused.
//!
//! Namespaces are resolved here, not by quick-xml: declarations are rare in EWS documents
//! (a few on the envelope), so each start tag is only searched for `xmlns` and each prefix
//! resolved against a short stack of bindings that already carry the namespace's id.

use std::cell::RefCell;

use quick_xml::events::BytesStart;

use super::names::{Namespaces, NS_NONE, NS_SOAP, NS_XML, NS_XSI, SOAP_ENV, XML, XSI};
use super::options::{ReadOptions, Repair};
use super::scopes::Scopes;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum State {
    /// Inside an element, before its next child or end.
    Inside,
    /// Positioned on a child's start tag, not yet consumed.
    AtChild,
    /// The current element's end tag was read.
    AtEnd,
}

/// The pull reader: the tokenizer, the namespaces in scope, the element it stands on and
/// the path to it. It holds no expectations of the schema: what the content engine expects
/// of an element is handed to the calls that check it (see `content::Reader`).
pub struct XmlReader<'a> {
    pub(super) inner: quick_xml::Reader<&'a [u8]>,
    pub(super) input: &'a str,
    pub(super) namespaces: Namespaces,
    /// The namespace declarations in scope.
    pub(super) scopes: Scopes,
    /// Elements opened by the tokenizer and not yet closed.
    pub(super) level: usize,
    /// The bindings of the element just closed (or of an empty element) are dropped when
    /// the next event is read, so its own declarations still resolve its text.
    pub(super) pop_pending: bool,
    pub(super) state: State,
    pub(super) cur: BytesStart<'a>,
    pub(super) cur_empty: bool,
    pub(super) cur_ns: u8,
    pub(super) cur_pos: u64,
    pub(super) path: Vec<BytesStart<'a>>,
    pub(super) options: ReadOptions,
    pub(super) repairs: RefCell<Vec<Repair>>,
    /// The input holds no character XML 1.0 excludes (one pass when the reader is made):
    /// its texts and attribute values then need no look of their own.
    pub(super) raw_clean: bool,
}

impl<'a> XmlReader<'a> {
    /// The options in force.
    pub fn options(&self) -> &ReadOptions {
        &self.options
    }

    /// Takes the repairs the open-world reading made so far, in document order.
    pub fn take_repairs(&mut self) -> Vec<Repair> {
        std::mem::take(self.repairs.get_mut())
    }

    /// Whether the reading is strict ([`ReadOptions::strict`](ReadOptions#structfield.strict)).
    #[inline]
    pub fn strict(&self) -> bool {
        self.options.strict
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

    pub(crate) fn cur_start(&self) -> &BytesStart<'a> {
        &self.cur
    }

    pub(crate) fn set_state_inside(&mut self) {
        self.state = State::Inside;
    }

    /// Byte offset of the start tag the reader stands on.
    pub(crate) fn cur_offset(&self) -> u64 {
        self.cur_pos
    }

    /// Whether the reader stands on a child's start tag, not yet consumed.
    pub(crate) fn at_child(&self) -> bool {
        self.state == State::AtChild
    }

    pub(crate) fn depth(&self) -> usize {
        self.path.len()
    }

    pub(crate) fn cur_is_empty(&self) -> bool {
        self.cur_empty
    }
}
