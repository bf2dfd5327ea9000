//! `ews-codegen`: Rust bindings with exact XML readers and writers from the Exchange Web
//! Services schemas.
//!
//! The pipeline has three stages, each a public function with a public output type:
//! [`xsd::load`] reads schema files into a [`xsd::SchemaSet`]; [`model::resolve`] turns it
//! into a resolved [`model::Model`]; [`emit::emit`] renders formatted Rust source. The
//! [`Builder`] drives them from a `build.rs`.

pub mod arbitrary;
pub mod diff;
pub mod dom;
pub mod emit;
pub mod error;
pub mod model;
pub mod names;
pub mod wsdl;
pub mod xsd;

mod builder;

pub use builder::{write_if_changed as builder_write, Builder, Generated, SchemaSource};
pub use error::{Error, Result};

/// The XML Schema namespace.
pub const XS_NS: &str = "http://www.w3.org/2001/XMLSchema";
/// The `xml:` namespace, built in.
pub const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";
