//! An async EWS client over HTTPS (reqwest with rustls): typed operations in, typed
//! responses, faults and errors out.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use ewsgen::client::Client;
//! use ewsgen::messages::SetImGroupType;
//! use ewsgen::types::ItemIdType;
//! use ewsgen::ResponseMessage as _;
//!
//! let client = Client::builder("https://mail.example.com/EWS/Exchange.asmx")
//!     .basic_auth("user@example.com", "secret")
//!     .build()?;
//! let request = SetImGroupType::new(ItemIdType::new("AAMkA...".into()), "Friends".into());
//! let response = client.call(&request, &Default::default()).await?;
//! match response.body.into_result() {
//!     Ok(ok) => println!("{:?}", ok.response_code),
//!     Err(e) => eprintln!("{e}"),
//! }
//! # Ok(()) }
//! ```
//!
//! - Each request is `POST`ed to the endpoint with `Content-Type: text/xml; charset=utf-8`
//!   and `SOAPAction: "<the operation's action>"`; a SOAP header the operation does not
//!   accept is refused before anything is sent.
//! - Authentication: Basic, NTLM (offered under `Negotiate` too, the handshake and the
//!   requests on one kept-alive connection), Negotiate with Kerberos ([`Auth::Negotiate`]:
//!   MIT's GSS-API with the `kerberos` feature, from a password or the credential cache, the
//!   server's mutual-authentication token checked; NTLM under Negotiate when no ticket can be
//!   had), over https with the channel bindings of the server's certificate (Extended
//!   Protection: `tls-server-end-point`, RFC 5929) for NTLM and Kerberos, or an OAuth2
//!   bearer token from a
//!   [`TokenProvider`] asked before every request and asked again, told so, when the server
//!   refuses a token (HTTP 401; the request is sent once more). With `ExchangeImpersonation`,
//!   `X-AnchorMailbox` is set to the impersonated address.
//! - A SOAP request is never re-sent by a redirect: a 3xx answer is [`Error::Redirect`]
//!   naming the `Location`, or [`Error::ServerFailure`] when it points at Exchange's error
//!   page.
//! - Cookies are kept per client (Exchange's `X-BackEndOverrideCookie` affinity);
//!   `Accept-Encoding: gzip, deflate` is sent and such answers are decoded, the document limit
//!   of [`ReadOptions`](crate::rt::ReadOptions) applying to the decoded size.
//! - Every request carries a new `client-request-id` (a UUID); the answer's `request-id`,
//!   `X-BEServer` and `X-DiagInfo` are in [`HttpInfo`] (from [`Response::http`] or
//!   [`Error::http`]).
//! - With the `tracing` crate: a span per call (`ews_call`: operation, endpoint, attempt,
//!   HTTP status, duration), a DEBUG event per HTTP exchange and, at TRACE level, the request
//!   and response XML. Never the `Authorization` header, a password or a token.
//! - Throttling: `ErrorServerBusy` (a fault, or every response message) is retried after
//!   the server's `BackOffMilliseconds`, HTTP 503 and 429 after their `Retry-After`
//!   (seconds or an HTTP date), at most [`ClientBuilder::max_retries`] times and only when
//!   the wait is within [`ClientBuilder::max_back_off`]; the back-off holds back every
//!   request of the client (and its clones) until it passes. `ErrorExceededConnectionCount`
//!   and `ErrorTooManyObjectsOpened` halve the concurrency for
//!   [`ClientBuilder::concurrency_cooldown`] and the request is sent again.
//! - At most [`ClientBuilder::max_concurrency`] requests are in flight at once (default
//!   10), across the clones of a client.
//! - Version negotiation: a request without `RequestServerVersion` is sent with the newest
//!   version the bindings know, then older ones while the server answers
//!   `ErrorInvalidServerVersion` or `ErrorIncorrectSchemaVersion`; the version that works
//!   is remembered for the endpoint ([`Client::negotiated_version`]), and the last
//!   `ServerVersionInfo` is kept ([`Client::server_version_info`]).
//! - At mailbox scale, for the operations whose shapes the generator recognizes:
//!   [`Client::pages`] (paging: a stream of pages or of items), [`Client::sync`] (a stream
//!   of changes handing back each `SyncState`), [`Client::batch`] (any number of ids in
//!   concurrent batches, results in the order of the ids, throttled items sent again) and
//!   [`Client::streaming_events`] (streaming notifications read as the envelopes arrive).
//! - Passwords and tokens are held as [`Secret`]s: never shown by `Debug`, never part of an
//!   error message.
//! - [`oauth`]: app-only OAuth2 (client credentials, with a client secret or a certificate's
//!   signed assertion), a token provider renewing its token before it expires.
//! - [`autodiscover`] finds the EWS URL of an email address.

mod auth;
pub mod autodiscover;
mod batch;
mod builder;
mod call;
mod error;
mod http;
mod negotiate;
mod ntlm;
pub mod oauth;
mod pages;
mod streaming;
mod syncing;
mod throttle;

pub use crate::soap::{HttpInfo, Response};
pub use crate::version::ServerVersion;
pub use auth::{Auth, BoxError, Secret, TokenFuture, TokenProvider};
pub use batch::{Batch, BatchItem, ItemError};
pub use builder::ClientBuilder;
pub use call::{impersonated_address, CallOptions, Client};
pub use error::{Error, SoapFault};
pub use pages::{Page, Pages};
pub use streaming::StreamingEvents;
pub use syncing::{SyncEvent, SyncState};
