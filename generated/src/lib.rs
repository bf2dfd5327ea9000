//! Typed Exchange Web Services bindings.
//!
//! A crate generates the bindings of its own server's schemas in its `build.rs` with
//! `ews_codegen::Builder` and includes them as a module of its own with
//! [`include_bindings!`]; this crate is their runtime. Every generated type reads and writes
//! its exact XML through the small runtime in [`rt`]; [`soap`] adds the envelope, typed
//! headers and faults; [`response`] the response messages and their `Result` helper;
//! `client` (cargo feature `client`) an async HTTP client, generic over the operations of any
//! bindings.
//!
//! The types in [`messages`] and [`types`] are this crate's own bindings, of the
//! instant-messaging (IM) operations (the project's `schemas/`, SetImGroup and its
//! siblings): they need no build script. (In a checkout of the repository, `EWS_SCHEMA_DIR`
//! builds them from another schema set for the repository's examples and tests; the published
//! package ignores it.)
//!
//! Operations whose shapes allow it get more from the generator (whatever schema set the
//! bindings come from): [`OperationMessages`] (their own response messages), and
//! [`paging::Paged`], [`sync::Synced`], [`batch::Batched`], [`streaming::Streaming`], which
//! the client turns into streams of pages and items, of changes, of notifications, and into
//! batches of ids. [`version`] holds the headers of version negotiation.

#![warn(missing_docs)]

extern crate self as ewsgen;

pub mod batch;
#[cfg(feature = "client")]
pub mod client;
pub mod paging;
pub mod response;
pub mod rt;
pub mod soap;
pub mod streaming;
pub mod sync;
pub mod version;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

/// Examples of the operations people use most (bindings of an official schema set).
///
/// Rendered from `guide.md` in documentation builds; the tests compile every example
/// against the office365 bindings and run it against a loopback server.
#[cfg_attr(all(doc, not(doctest)), doc = include_str!("../guide.md"))]
pub mod guide {}

pub use response::{ResponseClass, ResponseMessage, ResponseMessages};

/// An EWS operation: a request type, its response type and its SOAP action.
pub trait Operation: rt::Element {
    /// The operation's name, such as `SetImGroup`.
    const NAME: &'static str;
    /// The response element's type.
    type Response: rt::Element + response::ResponseMessages;
    /// The typed SOAP headers of a request (the generated `RequestHeaders`), with the
    /// `RequestServerVersion` header the client negotiates.
    type RequestHeaders: soap::Headers + version::RequestVersion;
    /// The typed SOAP headers of a response (the generated `ResponseHeaders`), with the
    /// `ServerVersionInfo` header.
    type ResponseHeaders: soap::Headers + version::ServerVersionHeader;
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

/// The response messages of an operation's own kind (`m:FindItemResponseMessage` in a
/// `FindItem` response), typed: generated for every operation whose response holds them
/// (the response types have the same as methods: `response.messages()`). An operation on
/// several items answers with one message per item, in the order of the request.
pub trait OperationMessages: Operation {
    /// The message type (such as `messages::FindItemResponseMessageType`).
    type Message: response::ResponseMessage;
    /// The messages of the operation's kind the response holds, in document order.
    fn messages(response: &Self::Response) -> Vec<&Self::Message>;
    /// The same, taken out of the response.
    fn into_messages(response: Self::Response) -> Vec<Self::Message>;
}

/// `OperationMessages` for an operation whose response holds its messages in a list of
/// alternatives reached through required fields, and the response's own `messages` and
/// `into_messages`:
/// `__operation_messages!(Op, Response, Message, [base.response_messages], response_messages, Choice::Variant, boxed)`
/// (or `inline` for an alternative that is not boxed).
#[doc(hidden)]
#[macro_export]
macro_rules! __operation_messages {
    ($op:ty, $resp:ty, $msg:ty, [$($f:ident).*], $list:ident, $v:path, boxed) => {
        $crate::__operation_messages!(@ $op, $msg, [$($f).*], $list, $v, |v| &**v, |v| *v);
        $crate::__response_messages!($resp, $op, $msg);
    };
    ($op:ty, $resp:ty, $msg:ty, [$($f:ident).*], $list:ident, $v:path, inline) => {
        $crate::__operation_messages!(@ $op, $msg, [$($f).*], $list, $v, |v| v, |v| v);
        $crate::__response_messages!($resp, $op, $msg);
    };
    (@ $op:ty, $msg:ty, [$($f:ident).*], $list:ident, $v:path, |$r:ident| $by_ref:expr, |$o:ident| $owned:expr) => {
        impl $crate::OperationMessages for $op {
            type Message = $msg;
            #[allow(unreachable_patterns)]
            fn messages(response: &Self::Response) -> ::std::vec::Vec<&$msg> {
                response$(.$f)*.$list
                    .iter()
                    .filter_map(|m| match m {
                        $v($r) => ::core::option::Option::Some($by_ref),
                        _ => ::core::option::Option::None,
                    })
                    .collect()
            }
            #[allow(unreachable_patterns)]
            fn into_messages(response: Self::Response) -> ::std::vec::Vec<$msg> {
                response$(.$f)*.$list
                    .into_iter()
                    .filter_map(|m| match m {
                        $v($o) => ::core::option::Option::Some($owned),
                        _ => ::core::option::Option::None,
                    })
                    .collect()
            }
        }
    };
}

/// `OperationMessages` for an operation whose response is itself its one message (and the
/// response's `messages` and `into_messages`): `__message_is_response!(Op, Response)`.
#[doc(hidden)]
#[macro_export]
macro_rules! __message_is_response {
    ($op:ty, $resp:ty) => {
        impl $crate::OperationMessages for $op {
            type Message = $resp;
            fn messages(response: &$resp) -> ::std::vec::Vec<&$resp> {
                ::std::vec![response]
            }
            fn into_messages(response: $resp) -> ::std::vec::Vec<$resp> {
                ::std::vec![response]
            }
        }
        $crate::__response_messages!($resp, $op, $resp);
    };
}

/// The messages of an operation's response as methods of the response type:
/// `__response_messages!(Response, Op, Message)`.
#[doc(hidden)]
#[macro_export]
macro_rules! __response_messages {
    ($resp:ty, $op:ty, $msg:ty) => {
        impl $resp {
            /// The operation's own response messages, in document order: one per item or
            /// folder the request named, each with its class, code and payload (see
            /// `ResponseMessage::into_result`).
            pub fn messages(&self) -> ::std::vec::Vec<&$msg> {
                <$op as $crate::OperationMessages>::messages(self)
            }
            /// The same, taken out of the response.
            pub fn into_messages(self) -> ::std::vec::Vec<$msg> {
                <$op as $crate::OperationMessages>::into_messages(self)
            }
        }
    };
}

/// Includes the bindings a build script generated with `ews_codegen::Builder` (into
/// `OUT_DIR`) where it stands, as prost's `include_proto!` does: inside a module of the
/// crate, which then holds `messages`, `types`, `GlobalElement`, `RequestHeaders`, ...
///
/// ```
/// // build.rs: ews_codegen::Builder::new().schema_dir("schemas").compile()?;
/// mod ews {
///     ewsgen::include_bindings!(); // OUT_DIR/ews_generated.rs
/// }
///
/// let request = ews::messages::SetImGroupType::new(
///     ews::types::ItemIdType::new("AAMkAGQ1MjJj".into()),
///     "Friends".into(),
/// );
/// assert!(ewsgen::rt::to_string(&request)?.contains("<m:NewDisplayName>Friends</m:NewDisplayName>"));
/// # Ok::<(), ewsgen::rt::Error>(())
/// ```
///
/// Two schema sets: `Builder::file_name("exchange2010_sp2.rs")` in the build script, then
/// `mod exchange2010_sp2 { ewsgen::include_bindings!("exchange2010_sp2.rs"); }`.
///
/// The code is included in a module of its own, re-exported whole, which carries the lint
/// allows generated code needs: a program uses a few of the items (`dead_code`), and the
/// schema's names and shapes are not for clippy to judge. One per module; the same as
/// `include!(concat!(env!("OUT_DIR"), "/ews_generated.rs"));` with those allows.
#[macro_export]
macro_rules! include_bindings {
    () => {
        $crate::include_bindings!("ews_generated.rs");
    };
    ($file:literal) => {
        #[allow(
            dead_code,
            missing_docs,
            non_camel_case_types,
            non_snake_case,
            unused_imports,
            unreachable_pub,
            clippy::all,
            clippy::pedantic,
            clippy::nursery,
            rustdoc::all
        )]
        mod __ews_bindings {
            include!(concat!(env!("OUT_DIR"), "/", $file));
        }
        pub use self::__ews_bindings::*;
    };
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
