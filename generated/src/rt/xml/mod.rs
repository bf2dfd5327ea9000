//! Reading and writing XML: the namespace-aware pull reader and the writer.

pub(crate) mod reader;
pub(crate) mod writer;
