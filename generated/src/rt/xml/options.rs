//! What a reading may do: its limits and its policy for what the schema does not allow
//! ([`ReadOptions`], [`UnknownElements`]), and the repairs the open-world reading makes,
//! recorded with where they were made ([`Repair`]).

use crate::rt::lexical::Repair as LexicalRepair;

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

/// Limits and policies of a reader (see [`crate::rt::from_str_with`]).
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
