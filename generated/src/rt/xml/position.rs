//! Where the reader stands: the line and column of a byte offset, the path of the open
//! elements; the errors, and the repairs of the open-world reading, that name them.

use crate::rt::error::{Error, ErrorKind, Result};
use crate::rt::lexical::Repair as LexicalRepair;

use super::options::{Repair, RepairKind};
use super::reader::{State, XmlReader};

impl XmlReader<'_> {
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

    pub(super) fn position(&self, offset: u64) -> (u64, u64) {
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

    pub(super) fn path_string(&self) -> String {
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

    pub(super) fn error_at_reader(&self, kind: ErrorKind) -> Error {
        let (line, column) = self.position(self.inner.buffer_position());
        Error {
            kind,
            path: self.path_string(),
            line,
            column,
        }
    }

    pub(super) fn syntax(&self, e: quick_xml::Error) -> Error {
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

    pub(super) fn error_at_text(&self, kind: ErrorKind, pos: u64) -> Error {
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

    pub(crate) fn too_deep(&self) -> Error {
        self.error_at_reader(ErrorKind::TooDeep(self.options.max_depth))
    }

    pub(crate) fn eof_error(&self) -> Error {
        self.error_at_reader(ErrorKind::UnexpectedEof)
    }

    pub(crate) fn doctype_error(&self) -> Error {
        self.error_at_reader(ErrorKind::Doctype)
    }

    pub(super) fn note_at(&self, kind: RepairKind, pos: u64) {
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

    /// The reader's offset in the input, in bytes.
    pub(crate) fn byte_position(&self) -> u64 {
        self.inner.buffer_position()
    }

    /// An error at byte offset `pos`, inside the open elements.
    pub(crate) fn error_at_offset(&self, kind: ErrorKind, pos: u64) -> Error {
        self.error_at_text(kind, pos)
    }

    /// Records a repair at byte offset `pos`, inside the open elements (the element the
    /// reader stands on, if any, is not named: its name may be what is repaired).
    pub(crate) fn note_at_offset(&self, kind: RepairKind, pos: u64) {
        let e = self.error_at_text(ErrorKind::Other(String::new()), pos);
        self.repairs.borrow_mut().push(Repair {
            path: e.path,
            line: e.line,
            column: e.column,
            kind,
        });
    }

    /// Records a repair at the current element.
    pub(crate) fn note(&self, kind: RepairKind) {
        self.note_at(kind, self.cur_pos);
    }

    /// Records a repair of the content of the element the reader is inside (a required
    /// element missing), at its start tag.
    pub(crate) fn note_missing(&self, kind: RepairKind) {
        let e = self.missing_error(ErrorKind::Other(String::new()));
        self.repairs.borrow_mut().push(Repair {
            path: e.path,
            line: e.line,
            column: e.column,
            kind,
        });
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

    /// The path, line and column of the element the reader stands on.
    pub(crate) fn here(&self) -> (String, u64, u64) {
        let (line, column) = self.position(self.cur_pos);
        (self.path_string(), line, column)
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
