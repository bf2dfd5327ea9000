//! Reading and writing XML, below the schema: the namespace-aware pull reader
//! ([`XmlReader`]: its tokens, namespace scopes, positions and attributes) and the writer.

mod attributes;
mod cursor;
mod names;
mod options;
mod position;
mod reader;
mod scopes;
mod writer;

pub use attributes::Attr;
pub(crate) use cursor::names_list;
pub(crate) use names::{lookup_ns, split_qname};
pub use names::{Namespaces, NS_NONE, NS_OTHER, NS_SOAP, NS_XML, SOAP_ENV, XML, XSI};
pub use options::{ReadOptions, ReadOptionsBuilder, Repair, RepairKind, UnknownElements};
pub use reader::XmlReader;
pub use writer::Writer;
