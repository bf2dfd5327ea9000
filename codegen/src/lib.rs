//! `ews-codegen`: Rust bindings with exact XML readers and writers from the Exchange Web
//! Services schemas.
//!
//! The pipeline has four stages, each a public function with a public output type:
//! [`xsd::load`] reads schema files into a [`xsd::SchemaSet`] (and [`xsd::read_operations`]
//! a WSDL's operations); [`model::resolve`] turns it into a resolved [`model::Model`], keyed
//! by schema identity; [`names::name`] gives everything its Rust name ([`names::Names`]);
//! [`emit::emit`] renders formatted Rust source. The EWS conventions the schemas do not
//! state (SOAP headers, SOAPAction, response messages) are in [`ews`]. The [`Builder`]
//! configures and runs the stages from a `build.rs`; [`model::diff`] compares two schema
//! versions. With the cargo feature `fetch`, `fetch` downloads a server's schemas (the
//! `ews-codegen fetch` command).

#![warn(missing_docs)]

pub mod emit;
pub mod ews;
#[cfg(feature = "fetch")]
pub mod fetch;
pub mod model;
pub mod names;
pub mod xsd;

mod builder;
mod error;

pub use builder::{Builder, Generated, SchemaSource};
pub use error::{Error, Loc, Result};

/// The XML Schema namespace.
pub(crate) const XS_NS: &str = "http://www.w3.org/2001/XMLSchema";
/// The `xml:` namespace, built in.
pub(crate) const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";
