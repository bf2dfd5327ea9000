//! Typed Exchange Web Services bindings.
//!
//! The types in [`messages`] and [`types`] are generated at build time from the EWS schemas
//! (the project's `schemas/` folder, or the folder named by `EWS_SCHEMA_DIR`). Every type
//! reads and writes its exact XML through the small runtime in [`rt`]; [`soap`] adds the
//! envelope, typed headers and faults; [`response`] the response messages and their
//! `Result` helper; `client` (cargo feature `client`) an async HTTP client.

#![warn(missing_docs)]

extern crate self as ewsgen;

#[cfg(feature = "client")]
pub mod client;
pub mod response;
pub mod rt;
pub mod soap;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

pub use response::{ResponseClass, ResponseMessage, ResponseMessages};

/// An EWS operation: a request type, its response type and its SOAP action.
pub trait Operation: rt::Element {
    /// The operation's name, such as `SetImGroup`.
    const NAME: &'static str;
    /// The response element's type.
    type Response: rt::Element + response::ResponseMessages;
    /// The typed SOAP headers of a request (the generated `RequestHeaders`).
    type RequestHeaders: soap::Headers;
    /// The typed SOAP headers of a response (the generated `ResponseHeaders`).
    type ResponseHeaders: soap::Headers;
    /// The SOAPAction header value.
    const SOAP_ACTION: &'static str;
    /// The SOAP headers the request accepts, as written (such as `t:ExchangeImpersonation`),
    /// from `services.wsdl`.
    const INPUT_HEADERS: &'static [&'static str];
    /// The SOAP headers the response carries (such as `t:ServerVersionInfo`).
    const OUTPUT_HEADERS: &'static [&'static str];

    /// Whether the request accepts the SOAP header written `tag` (such as
    /// `t:MailboxCulture`); a client refuses the others before sending.
    fn accepts_header(tag: &str) -> bool {
        Self::INPUT_HEADERS.contains(&tag)
    }
}

#[allow(
    clippy::all,
    clippy::pedantic,
    non_camel_case_types,
    non_snake_case,
    unused_imports,
    missing_docs,
    rustdoc::all
)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/ews_generated.rs"));
}

pub use generated::*;
