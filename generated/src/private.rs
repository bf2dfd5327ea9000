//! What generated code needs from the runtime: the pull reader and the writer, the traits
//! every generated type implements, and the small functions its readers and writers call.
//!
//! Not part of the documented API and not covered by semver: it changes with the generator
//! that emits the code calling it. Use [`crate::rt`] instead.

pub use crate::rt::any::write_attributes;
pub use crate::rt::content::*;
pub use crate::rt::facets::{Facets, Kind as FacetKind, Lex, WhiteSpace};
pub use crate::rt::list::*;
pub use crate::rt::reader::{Attr, Reader, NS_NONE, NS_OTHER, NS_SOAP, NS_XML, SOAP_ENV};
pub use crate::rt::value::*;
pub use crate::rt::writer::Writer;
pub use crate::rt::*;
