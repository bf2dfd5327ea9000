//! Errors of the XML reader and writer: every error names the element path (and, reading,
//! the line and column).

use std::fmt;

/// What went wrong while reading a document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input is not well-formed XML.
    #[error("malformed XML: {0}")]
    Syntax(String),
    /// The input is not UTF-8.
    #[error("input is not valid UTF-8: {0}")]
    Utf8(String),
    /// The input ended before the document was complete.
    #[error("unexpected end of input: the document is truncated")]
    UnexpectedEof,
    /// The input holds no element at all.
    #[error("no root element: the input is empty or holds no XML element")]
    Empty,
    /// A `<!DOCTYPE>` was found. Entity expansion and external entities are never processed.
    #[error("a DOCTYPE declaration was found: document type definitions, entity expansion and external entities are refused")]
    Doctype,
    /// An entity reference other than the five predefined ones or a character reference.
    #[error("unknown entity reference `&{0};` (only the predefined entities and character references are allowed)")]
    UnknownEntity(String),
    /// The root element is not the one expected.
    #[error("unexpected root element <{found}>, expected {expected}")]
    WrongRoot {
        /// The element found.
        found: String,
        /// What was expected.
        expected: String,
    },
    /// An element the content model does not allow here, by its name (a misnamed or
    /// unknown element).
    #[error(
        "unexpected element <{name}>{}; expected {expected}",
        in_namespace(namespace)
    )]
    UnexpectedElement {
        /// Local name of the element found.
        name: String,
        /// Its namespace URI (empty for none), when it is not the namespace of the elements
        /// expected.
        namespace: Option<String>,
        /// The elements allowed here.
        expected: String,
    },
    /// An element the content model allows here, once more than it allows.
    #[error(
        "element <{name}> is repeated: the schema allows no more of it here; expected {expected}"
    )]
    RepeatedElement {
        /// Local name of the element.
        name: String,
        /// What may stand here instead.
        expected: String,
    },
    /// An element the content model allows, but not where it stands (out of order).
    #[error("element <{name}> is out of order; expected {expected}")]
    MisplacedElement {
        /// Local name of the element.
        name: String,
        /// What must come first, or what may stand here instead.
        expected: String,
    },
    /// An element whose local name is allowed here but whose namespace is not the schema's.
    #[error("element <{name}> is in namespace `{found}`, expected namespace `{expected}`")]
    WrongNamespace {
        /// Local name of the element.
        name: String,
        /// Namespace found in the document.
        found: String,
        /// Namespace the schema requires.
        expected: String,
    },
    /// An attribute the type does not declare.
    #[error("unexpected attribute `{0}`")]
    UnexpectedAttribute(String),
    /// An element a `processContents="strict"` wildcard took has no global declaration.
    #[error("element <{0}> has no global declaration, which the wildcard it stands in requires (processContents=\"strict\")")]
    UndeclaredElement(String),
    /// An element whose global declaration is abstract stands for itself (only the
    /// elements of its substitution group may).
    #[error("element <{0}> is declared abstract: only an element of its substitution group may stand here")]
    AbstractElement(String),
    /// A required child element is missing.
    #[error("missing required element <{0}>")]
    MissingElement(String),
    /// A required attribute is missing.
    #[error("missing required attribute `{0}`")]
    MissingAttribute(String),
    /// A single-valued element occurs twice.
    #[error("element <{0}> occurs more often than the schema allows")]
    TooManyElements(String),
    /// Text where the content model allows only elements.
    #[error("unexpected text {0:?} in element-only content")]
    UnexpectedText(String),
    /// An element inside a text-only element.
    #[error("unexpected child element <{0}> in a text-only element")]
    UnexpectedChild(String),
    /// A text or attribute value that does not parse as its schema type.
    #[error("invalid {what} value {value:?}: {reason}")]
    InvalidValue {
        /// Which element or attribute.
        what: String,
        /// The offending value (shortened when long).
        value: String,
        /// Why it does not parse.
        reason: String,
    },
    /// Nesting deeper than the configured limit.
    #[error("elements nested deeper than the limit of {0} levels")]
    TooDeep(usize),
    /// The document is larger than the configured limit.
    #[error("document of {size} bytes exceeds the limit of {limit} bytes")]
    DocumentTooLarge {
        /// Size of the input.
        size: usize,
        /// Configured limit.
        limit: usize,
    },
    /// A single text or attribute value is larger than the configured limit.
    #[error("a text or attribute value of {size} bytes exceeds the limit of {limit} bytes")]
    ValueTooLarge {
        /// Size of the value.
        size: usize,
        /// Configured limit.
        limit: usize,
    },
    /// Content after the root element.
    #[error("unexpected content after the root element")]
    TrailingContent,
    /// A character XML 1.0 excludes, written as such (not as a reference): the document
    /// is not well-formed.
    #[error("the {what} holds U+{code:04X} as a raw character, which XML 1.0 excludes: the document is not well-formed")]
    RawForbiddenChar {
        /// `text`, `attribute `Id``, or where else it stood.
        what: String,
        /// The character's code point.
        code: u32,
    },
    /// A name that is not an XML name.
    #[error("`{0}` is not an XML name: the document is not well-formed")]
    BadName(String),
    /// A value holds a character XML 1.0 cannot carry (a C0 control other than tab, LF and
    /// CR, U+FFFE or U+FFFF): writing it would not produce XML.
    #[error("the {what} holds U+{code:04X}, a character XML 1.0 cannot carry")]
    ForbiddenChar {
        /// `text`, or the attribute (`attribute `Id``).
        what: String,
        /// The character's code point.
        code: u32,
    },
    /// Anything else, with its own message.
    #[error("{0}")]
    Other(String),
}

fn in_namespace(ns: &Option<String>) -> String {
    match ns.as_deref() {
        None => String::new(),
        Some("") => " (in no namespace)".to_string(),
        Some(ns) => format!(" (namespace `{ns}`)"),
    }
}

/// An error while reading a document, with the element path and the position (or while
/// writing one, with the element path; line and column are then 0).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// What went wrong.
    pub kind: ErrorKind,
    /// Path of the element where it went wrong, such as `/Envelope/Body/SetImGroup/GroupId`.
    pub path: String,
    /// 1-based line of the position.
    pub line: u64,
    /// 1-based column (in characters) of the position.
    pub column: u64,
}

impl Error {
    /// An error found after reading (no line or column), at element path `path`.
    pub fn at(kind: ErrorKind, path: impl Into<String>) -> Self {
        Error {
            kind,
            path: path.into(),
            line: 0,
            column: 0,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() {
            "/"
        } else {
            &self.path
        };
        if self.line == 0 {
            // Found writing, or after reading: no position to give.
            return write!(f, "{path}: {}", self.kind);
        }
        write!(
            f,
            "{path} (line {}, column {}): {}",
            self.line, self.column, self.kind
        )
    }
}

impl std::error::Error for Error {}

/// Result of reading.
pub type Result<T, E = Error> = std::result::Result<T, E>;
