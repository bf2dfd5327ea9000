//! Errors of every stage, each naming the schema file, line and column where it can.

use std::fmt;
use std::path::{Path, PathBuf};

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
///
/// Its `Debug` output is its message (as `anyhow` does), so that a build script's
/// `.compile().unwrap()` or `fn main() -> Result<(), Box<dyn Error>>` fails with the
/// message itself; the fields are public for a program that looks closer.
#[derive(thiserror::Error)]
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
    /// The schema folder has no `messages.xsd`: the schemas were never downloaded there.
    #[error(
        "no messages.xsd in the schema folder {dir}: download your Exchange server's schemas \
         into it with `ews-codegen fetch https://<your server>/EWS/Exchange.asmx --out {dir}` \
         (`cargo install ews-codegen --features fetch` installs the command), or save \
         messages.xsd, types.xsd and Services.wsdl from https://<your server>/EWS/ there",
        dir = .dir.display()
    )]
    NoSchemas {
        /// The folder.
        dir: PathBuf,
    },
    /// Operations asked for (`Builder::operations`) that the schemas do not declare.
    #[error("{}", unknown_operations(.schemas, .unknown, *.declared))]
    UnknownOperations {
        /// The schema folder (or the first entry schema file).
        schemas: PathBuf,
        /// Each operation not found, with the nearest names the schemas have (by edit
        /// distance, nearest first).
        unknown: Vec<(String, Vec<String>)>,
        /// How many operations the schemas declare.
        declared: usize,
    },
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

fn unknown_operations(
    schemas: &Path,
    unknown: &[(String, Vec<String>)],
    declared: usize,
) -> String {
    let dir = schemas.display();
    let mut s = format!("the schemas in {dir} have no operation ");
    for (i, (name, nearest)) in unknown.iter().enumerate() {
        if i > 0 {
            s.push_str(if i + 1 == unknown.len() {
                " nor "
            } else {
                ", "
            });
        }
        s.push_str(&format!("`{name}`"));
        if !nearest.is_empty() {
            s.push_str(&format!(" (the nearest they have: {})", nearest.join(", ")));
        }
    }
    s.push_str(&format!(
        "; they declare {declared} operations (`ews-codegen list-operations --schema-dir {dir}` \
         lists them). Schemas from an older server lack the newer operations: \
         `ews-codegen fetch https://<your server>/EWS/Exchange.asmx --out {dir}` downloads those \
         of your server"
    ));
    s
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
