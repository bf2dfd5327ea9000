//! `ews-codegen`: Rust bindings with exact XML readers and writers from the Exchange Web
//! Services schemas.
//!
//! The pipeline has three stages, each a public function with a public output type:
//! [`xsd::load`] reads schema files into a [`xsd::SchemaSet`]; [`model::resolve`] turns it
//! into a resolved [`model::Model`]; [`emit::emit`] renders formatted Rust source. The
//! [`Builder`] drives them from a `build.rs`.

#![warn(missing_docs)]

pub mod diff;
pub mod emit;
pub mod model;
pub mod xsd;

mod arbitrary;
mod builder;
mod dom;
mod error;
mod names;
mod wsdl;

pub use builder::{Builder, Generated, SchemaSource};
pub use error::{Error, Loc, Result};

/// The XML Schema namespace.
pub(crate) const XS_NS: &str = "http://www.w3.org/2001/XMLSchema";
/// The `xml:` namespace, built in.
pub(crate) const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";
