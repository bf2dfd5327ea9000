//! Errors of every stage, each naming the schema file, line and column where it can.

use std::fmt;
use std::path::PathBuf;

/// A position in a schema file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Loc {
    /// The file.
    pub file: PathBuf,
    /// 1-based line.
    pub line: u64,
    /// 1-based column.
    pub column: u64,
}

impl fmt::Display for Loc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file.display(), self.line, self.column)
    }
}

/// An error of the generator.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the system said.
        #[source]
        source: std::io::Error,
    },
    /// A schema (or WSDL) file is malformed, refers to something missing, or uses a
    /// construct the generator does not support.
    #[error("{loc}: {message}")]
    Schema {
        /// Where.
        loc: Loc,
        /// What.
        message: String,
    },
    /// The generated code did not parse (a bug of the generator).
    #[error("generated code does not parse: {0}")]
    Emit(String),
    /// Bad options.
    #[error("{0}")]
    Config(String),
}

impl Error {
    /// A schema error at `loc`.
    pub fn schema(loc: &Loc, message: impl Into<String>) -> Error {
        Error::Schema {
            loc: loc.clone(),
            message: message.into(),
        }
    }
}

/// Result of the generator.
pub type Result<T, E = Error> = std::result::Result<T, E>;
