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
/// have its XML too, or [`Error`](UnknownElements::Error) to refuse it. Strict validation is
/// its own option, [`ReadOptions::strict`](ReadOptions#structfield.strict).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UnknownElements {
    /// Fail with an error naming the element and where it stands.
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
    /// A required element was missing (or a required wrapper empty): its field was left at
    /// its default. The element's name.
    MissingElement(String),
    /// A required attribute was missing: its field was left at its default. Its name.
    MissingAttribute(String),
    /// A SOAP header the schemas do not declare (such as WS-Addressing's `Action` on an
    /// Exchange Online fault) was skipped, or kept as raw XML; its qualified name.
    UndeclaredHeader(String),
    /// Characters after the root element (NULs, whitespace XML does not count as such),
    /// ignored; how many.
    TrailingContent(usize),
    /// A character XML 1.0 excludes, written raw (not as a reference), read as U+FFFD.
    /// Its code point.
    RawForbiddenChar(u32),
    /// An element of raw (wildcard or kept) content whose name is not an XML name was
    /// dropped from it. The name as written.
    BadName(String),
    /// An attribute of raw content whose name is not an XML name was dropped. The name as
    /// written.
    BadAttributeName(String),
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
            RepairKind::MissingElement(e) => write!(
                f,
                "the required element <{e}> was missing: its field was left at its default"
            ),
            RepairKind::MissingAttribute(a) => write!(
                f,
                "the required attribute `{a}` was missing: its field was left at its default"
            ),
            RepairKind::UndeclaredHeader(h) => write!(
                f,
                "the SOAP header <{h}>, which the schemas do not declare, was skipped (kept raw under UnknownElements::Keep)"
            ),
            RepairKind::TrailingContent(n) => write!(
                f,
                "{n} character(s) after the root element (NULs or other non-XML whitespace) were ignored"
            ),
            RepairKind::RawForbiddenChar(c) => write!(
                f,
                "U+{c:04X}, a character XML 1.0 excludes, stood raw in the document and was read as U+FFFD"
            ),
            RepairKind::BadName(n) => write!(
                f,
                "the element `{n}` inside raw content has a name that is not an XML name: it was dropped"
            ),
            RepairKind::BadAttributeName(n) => write!(
                f,
                "the attribute `{n}` inside raw content has a name that is not an XML name: it was dropped"
            ),
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
///
/// Each option says one thing: [`strict`](ReadOptions::strict) chooses validation as
/// libxml2 does it, [`unknown_elements`](ReadOptions::unknown_elements) what the lenient
/// reading does with an element the schema does not allow. Build one with
/// [`ReadOptions::builder`] (or take [`ReadOptions::strict()`]): the struct is
/// `#[non_exhaustive]`, so adding an option is not a breaking change.
///
/// ```
/// use ewsgen::rt::{ReadOptions, UnknownElements};
/// let lenient = ReadOptions::builder().unknown_elements(UnknownElements::Keep).build();
/// assert!(!lenient.strict);
/// let strict = ReadOptions::strict();
/// assert!(strict.strict);
/// let small = ReadOptions::builder().strict(true).max_depth(32).build();
/// assert_eq!(small.max_depth, 32);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReadOptions {
    /// Deepest element nesting accepted.
    pub max_depth: usize,
    /// Largest document accepted, in bytes.
    pub max_document_bytes: usize,
    /// Largest single text or attribute value accepted, in bytes.
    pub max_value_bytes: usize,
    /// What the lenient reading does with elements the schema does not allow where they
    /// stand ([`UnknownElements::Error`] refuses them, and only them). Strict reading
    /// refuses them whatever this says.
    pub unknown_elements: UnknownElements,
    /// Strict reading: accept what libxml2 (`xmllint --schema`) accepts against the same
    /// schema and refuse the rest, naming the element path and position: element order and
    /// occurrence, required content, undeclared attributes and elements, facets,
    /// whitespace, and well-formedness (characters XML 1.0 excludes, names). Off by
    /// default: the lenient reading keeps what real servers send and records each
    /// departure from the schema in `repairs`.
    pub strict: bool,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            max_depth: 256,
            max_document_bytes: 1 << 30,
            max_value_bytes: 256 << 20,
            unknown_elements: UnknownElements::Skip,
            strict: false,
        }
    }
}

impl ReadOptions {
    /// A builder starting from the defaults (lenient reading, skipping unknown elements).
    pub fn builder() -> ReadOptionsBuilder {
        ReadOptionsBuilder {
            options: ReadOptions::default(),
        }
    }

    /// Strict reading with the default limits (unknown elements refused).
    pub fn strict() -> Self {
        ReadOptions::builder().strict(true).build()
    }

    /// Whether elements the schema does not allow are refused (strict reading, or
    /// [`UnknownElements::Error`]).
    pub fn refuses_unknown(&self) -> bool {
        self.strict || self.unknown_elements == UnknownElements::Error
    }
}

/// Builds [`ReadOptions`] (see [`ReadOptions::builder`]).
#[derive(Debug, Clone)]
#[must_use]
pub struct ReadOptionsBuilder {
    options: ReadOptions,
}

impl ReadOptionsBuilder {
    /// Deepest element nesting accepted (default 256).
    pub fn max_depth(mut self, depth: usize) -> Self {
        self.options.max_depth = depth;
        self
    }

    /// Largest document accepted, in bytes (default 1 GiB).
    pub fn max_document_bytes(mut self, bytes: usize) -> Self {
        self.options.max_document_bytes = bytes;
        self
    }

    /// Largest single text or attribute value accepted, in bytes (default 256 MiB).
    pub fn max_value_bytes(mut self, bytes: usize) -> Self {
        self.options.max_value_bytes = bytes;
        self
    }

    /// What the lenient reading does with elements the schema does not allow (default
    /// [`UnknownElements::Skip`]).
    pub fn unknown_elements(mut self, policy: UnknownElements) -> Self {
        self.options.unknown_elements = policy;
        self
    }

    /// Strict reading (default off). Turning it on also refuses unknown elements.
    pub fn strict(mut self, strict: bool) -> Self {
        self.options.strict = strict;
        if strict {
            self.options.unknown_elements = UnknownElements::Error;
        }
        self
    }

    /// The options.
    pub fn build(self) -> ReadOptions {
        self.options
    }
}
