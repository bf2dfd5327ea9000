//! What can go wrong calling an operation ([`Error`], with the server's [`SoapFault`]), and
//! response messages turned into errors.

use std::time::Duration;

use super::auth::BoxError;
use crate::response::{ResponseError, ResponseMessage};
use crate::rt;
use crate::soap::{Fault, FaultDetail, HttpInfo};
use crate::version::ServerVersion;
use crate::Operation;

/// A SOAP fault answered by the server, with its HTTP status and the Exchange detail.
#[derive(Debug, Clone, PartialEq)]
pub struct SoapFault {
    /// HTTP status (Exchange answers faults with 500).
    pub status: u16,
    /// The fault as written.
    pub fault: Fault,
    /// `ResponseCode`, `Message`, line and position, `MessageXml` values.
    pub detail: FaultDetail,
    /// The HTTP side (request ids, the server that answered).
    pub http: HttpInfo,
    /// The fault envelope's `ServerVersionInfo` header: the server that answered (Exchange
    /// says it in faults too).
    pub server_version: Option<ServerVersion>,
}

impl SoapFault {
    /// The Exchange response code (`detail/ResponseCode`, else the fault code's local part).
    pub fn response_code(&self) -> &str {
        self.detail
            .response_code
            .as_deref()
            .unwrap_or_else(|| self.fault.code_local())
    }
}

/// An error and the errors that caused it, as one line.
pub(crate) fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        let c_s = c.to_string();
        if !s.contains(&c_s) {
            s.push_str(": ");
            s.push_str(&c_s);
        }
        cur = c.source();
    }
    s
}

/// What can go wrong calling an operation. Never carries a password or token.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The client could not be built (bad endpoint, certificate, TLS setup).
    #[error("client configuration: {0}")]
    Config(String),
    /// The request was refused before sending (a SOAP header the operation does not accept,
    /// a value XML 1.0 cannot carry).
    #[error("request refused before sending: {0}")]
    Request(rt::Error),
    /// The request breaks the schema's rules (a required element or attribute left out, an
    /// element out of place or too often, a value outside its type's facets or not among
    /// the values an enumeration lists): refused before sending, the error naming the
    /// element path. See [`ClientBuilder::check_requests`](super::ClientBuilder::check_requests).
    #[error("request refused before sending, the schema does not allow it: {0}")]
    InvalidRequest(rt::Error),
    /// The token provider failed.
    #[error("the token provider failed: {0}")]
    Token(BoxError),
    /// No complete answer within the configured timeout.
    #[error("no answer from {url} within {timeout:?}")]
    Timeout {
        /// The URL.
        url: String,
        /// The timeout that ran out.
        timeout: Duration,
    },
    /// Connecting, sending or receiving failed.
    #[error("HTTP transport to {url}: {}", error_chain(.source))]
    Transport {
        /// The URL.
        url: String,
        /// What failed.
        #[source]
        source: reqwest::Error,
    },
    /// HTTP 401: the credentials were refused.
    #[error("HTTP 401 Unauthorized: the server refused the credentials{}", .www_authenticate.as_deref().map(|c| format!(" (it asks for: {c})")).unwrap_or_default())]
    Unauthorized {
        /// The `WWW-Authenticate` challenges, as sent.
        www_authenticate: Option<String>,
        /// The HTTP side of the refusal.
        http: Box<HttpInfo>,
    },
    /// The authentication handshake could not go on (an unreadable NTLM challenge).
    #[error("authentication: {0}")]
    Authentication(String),
    /// A 3xx answer: a SOAP request is not re-sent by a redirect (the endpoint may have
    /// moved: Autodiscover finds the right one).
    #[error("HTTP {status}: the server redirects to {}; a SOAP request is not re-sent by a redirect", .location.as_deref().unwrap_or("(no Location)"))]
    Redirect {
        /// The status code.
        status: u16,
        /// The `Location` header (made absolute).
        location: Option<String>,
        /// The HTTP side.
        http: Box<HttpInfo>,
    },
    /// The server failed: Exchange redirects to its error page (`genericerrorpage.htm`,
    /// `errorFE.aspx`) when the request could not be processed.
    #[error("the server failed: HTTP {status} to its error page {location}")]
    ServerFailure {
        /// The status code.
        status: u16,
        /// The error page.
        location: String,
        /// The HTTP side.
        http: Box<HttpInfo>,
    },
    /// An HTTP status other than 200, 3xx, 401 or a 500 carrying a fault (a 503 or 429
    /// after the retries its `Retry-After` allowed).
    #[error("HTTP {status}: {body}")]
    Status {
        /// The status code.
        status: u16,
        /// The start of the body (at most 1,024 bytes).
        body: String,
        /// The wait `Retry-After` asked for (seconds, or until an HTTP date).
        retry_after: Option<Duration>,
        /// The HTTP side.
        http: Box<HttpInfo>,
    },
    /// A SOAP fault (`ErrorSchemaValidation`, `ErrorServerBusy` after the retries, ...).
    #[error("{} (HTTP {}): {}", .0.fault.fault_code, .0.status, .0.fault.fault_string)]
    Fault(Box<SoapFault>),
    /// The response could not be read.
    #[error("unreadable response: {0}")]
    Response(rt::Error),
    /// A response message whose class is Error, where the client needed its content (a
    /// page, a batch of changes, a streamed envelope): its code as written, text,
    /// `MessageXml`.
    #[error("{}", message_line(.0))]
    Message(Box<ResponseError<String>>),
    /// A streamed envelope's error about subscriptions (`ErrorSubscriptionIds`), such as
    /// `ErrorSubscriptionNotFound` or `ErrorMissedNotificationEvents`.
    #[error("{} (subscriptions: {})", message_line(.error), .subscription_ids.join(", "))]
    Subscriptions {
        /// The message.
        error: Box<ResponseError<String>>,
        /// The subscription ids it names.
        subscription_ids: Vec<String>,
    },
    /// The answers do not follow the protocol (a page that does not advance, a count of
    /// response messages other than the ids sent, bytes between streamed envelopes...).
    #[error("{0}")]
    Protocol(String),
    /// A streamed answer sent nothing for longer than the idle timeout.
    #[error("no data from {url} for {idle:?} (the idle timeout of the stream)")]
    IdleTimeout {
        /// The URL.
        url: String,
        /// The idle timeout.
        idle: Duration,
    },
}

fn message_line(e: &ResponseError<String>) -> String {
    match &e.message_text {
        Some(t) => format!("{}: {t}", e.code.as_deref().unwrap_or("(no response code)")),
        None => e
            .code
            .clone()
            .unwrap_or_else(|| "(no response code)".into()),
    }
}

/// The messages of a response, every one of them of the operation's own kind; a message of
/// another kind is a protocol error.
pub(super) fn own_messages<O: crate::OperationMessages>(
    body: O::Response,
) -> Result<Vec<O::Message>, Error> {
    use crate::response::ResponseMessages as _;
    let total = body.response_messages().len();
    let messages = O::into_messages(body);
    if messages.len() != total {
        return Err(Error::Protocol(format!(
            "{}: {total} response messages, of which {} are the operation's own",
            <O as Operation>::NAME,
            messages.len()
        )));
    }
    Ok(messages)
}

/// A response message as an error with its code written out.
pub(crate) fn message_error<M: ResponseMessage + ?Sized>(m: &M) -> ResponseError<String> {
    let e = m.to_error();
    ResponseError {
        class: e.class,
        code: m.response_code_str().map(str::to_string),
        message_text: e.message_text,
        descriptive_link_key: e.descriptive_link_key,
        message_xml: e.message_xml,
    }
}

impl Error {
    /// A request the client did not send: [`Error::InvalidRequest`] for what the check of
    /// the schema's rules found, [`Error::Request`] for the rest (a header the operation
    /// does not accept, a value XML cannot carry).
    pub(crate) fn refused(e: rt::Error) -> Error {
        use rt::ErrorKind as K;
        match e.kind {
            K::InvalidValue { .. }
            | K::UnexpectedElement { .. }
            | K::MisplacedElement { .. }
            | K::RepeatedElement { .. }
            | K::UnexpectedChild(_)
            | K::TooManyElements(_)
            | K::MissingElement(_)
            | K::MissingAttribute(_) => Error::InvalidRequest(e),
            _ => Error::Request(e),
        }
    }

    /// The fault, when the server answered with one.
    pub fn fault(&self) -> Option<&SoapFault> {
        match self {
            Error::Fault(f) => Some(f),
            _ => None,
        }
    }

    /// The HTTP side of an answer that is an error (the `client-request-id` sent, the
    /// answer's `request-id`, `X-BEServer`, `X-DiagInfo`).
    pub fn http(&self) -> Option<&HttpInfo> {
        match self {
            Error::Unauthorized { http, .. }
            | Error::Redirect { http, .. }
            | Error::ServerFailure { http, .. }
            | Error::Status { http, .. } => Some(http),
            Error::Fault(f) => Some(&f.http),
            _ => None,
        }
    }
}
