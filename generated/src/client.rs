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
//!   requests on one kept-alive connection), or an OAuth2 bearer token from a
//!   [`TokenProvider`] asked before every request and asked again, told so, when the server
//!   refuses a token (HTTP 401; the request is sent once more). With `ExchangeImpersonation`,
//!   `X-AnchorMailbox` is set to the impersonated address.
//! - A SOAP request is never re-sent by a redirect: a 3xx answer is [`Error::Redirect`]
//!   naming the `Location`, or [`Error::ServerFailure`] when it points at Exchange's error
//!   page.
//! - Cookies are kept per client (Exchange's `X-BackEndOverrideCookie` affinity);
//!   `Accept-Encoding: gzip, deflate` is sent and such answers are decoded, the document limit
//!   of [`ReadOptions`] applying to the decoded size.
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
//! - [`autodiscover`] finds the EWS URL of an email address.

use std::fmt;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tracing::Instrument as _;

use crate::response::{ResponseError, ResponseMessage};
use crate::rt::{self, ReadOptions};
pub use crate::soap::HttpInfo;
pub use crate::soap::Response;
use crate::soap::{self, Fault, FaultDetail};
pub use crate::version::ServerVersion;
use crate::Operation;

pub mod autodiscover;
mod batch;
mod http;
mod negotiate;
mod ntlm;
mod pages;
mod streaming;
mod syncing;
mod throttle;

pub use batch::{Batch, BatchItem, ItemError};
pub use pages::{Page, Pages};
pub use streaming::StreamingEvents;
pub use syncing::{SyncEvent, SyncState};

/// A password or token: its `Debug` and `Display` never show it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }

    /// The secret itself, for sending.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Secret(s)
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Secret(s.to_string())
    }
}

/// An error of a token provider.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The future a [`TokenProvider`] returns.
pub type TokenFuture<'a> = Pin<Box<dyn Future<Output = Result<Secret, BoxError>> + Send + 'a>>;

/// Supplies OAuth2 bearer tokens; asked before every request, so it can cache and refresh.
pub trait TokenProvider: Send + Sync {
    /// The token to send now.
    fn token(&self) -> TokenFuture<'_>;

    /// The server refused `refused` (HTTP 401: expired or revoked before its time): a new
    /// token, which the client sends once more (a second 401 is [`Error::Unauthorized`]).
    /// The default asks [`TokenProvider::token`] again; a caching provider should drop
    /// `refused` from its cache first.
    fn refresh<'a>(&'a self, refused: &'a Secret) -> TokenFuture<'a> {
        let _ = refused;
        self.token()
    }
}

/// A fixed token.
impl TokenProvider for Secret {
    fn token(&self) -> TokenFuture<'_> {
        let s = self.clone();
        Box::pin(async move { Ok(s) })
    }
}

/// How requests authenticate.
#[derive(Clone, Default)]
pub enum Auth {
    /// No `Authorization` header.
    #[default]
    None,
    /// HTTP Basic.
    Basic {
        /// User name (such as `user@example.com` or `DOMAIN\user`).
        user: String,
        /// Password.
        password: Secret,
    },
    /// NTLM (NTLMv2), under the `NTLM` scheme or, when the server offers only that,
    /// `Negotiate`.
    Ntlm {
        /// `DOMAIN\user`, or a UPN (`user@example.com`) sent with an empty domain.
        user: String,
        /// Password.
        password: Secret,
    },
    /// OAuth2 bearer tokens from a provider.
    Bearer(Arc<dyn TokenProvider>),
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::None => f.write_str("None"),
            Auth::Basic { user, password } => f
                .debug_struct("Basic")
                .field("user", user)
                .field("password", password)
                .finish(),
            Auth::Ntlm { user, password } => f
                .debug_struct("Ntlm")
                .field("user", user)
                .field("password", password)
                .finish(),
            Auth::Bearer(_) => f.write_str("Bearer(<token provider>)"),
        }
    }
}

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
    /// The request was refused before sending (a SOAP header the operation does not accept).
    #[error("request refused before sending: {0}")]
    Request(rt::Error),
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
fn own_messages<O: crate::OperationMessages>(body: O::Response) -> Result<Vec<O::Message>, Error> {
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

/// Builds a [`Client`] (and holds the credentials and connection settings
/// [`autodiscover::Autodiscover`] uses).
pub struct ClientBuilder {
    endpoint: String,
    auth: Auth,
    timeout: Duration,
    connect_timeout: Duration,
    max_retries: u32,
    max_back_off: Duration,
    anchor_mailbox: Option<String>,
    read_options: ReadOptions,
    user_agent: String,
    roots: Vec<reqwest::Certificate>,
    resolve: Vec<(String, SocketAddr)>,
    resolve_only: bool,
    no_proxy: bool,
    max_concurrency: usize,
    concurrency_cooldown: Duration,
    problems: Vec<String>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("endpoint", &self.endpoint)
            .field("auth", &self.auth)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("max_retries", &self.max_retries)
            .field("max_back_off", &self.max_back_off)
            .field("anchor_mailbox", &self.anchor_mailbox)
            .field("user_agent", &self.user_agent)
            .field("extra_root_certificates", &self.roots.len())
            .field("resolve", &self.resolve)
            .field("resolve_only", &self.resolve_only)
            .field("no_proxy", &self.no_proxy)
            .field("max_concurrency", &self.max_concurrency)
            .field("concurrency_cooldown", &self.concurrency_cooldown)
            .finish_non_exhaustive()
    }
}

impl Default for ClientBuilder {
    /// A builder without an endpoint (for [`autodiscover::Autodiscover`]; give the endpoint
    /// found with [`ClientBuilder::endpoint`]).
    fn default() -> Self {
        ClientBuilder {
            endpoint: String::new(),
            auth: Auth::None,
            timeout: Duration::from_secs(100),
            connect_timeout: Duration::from_secs(10),
            max_retries: 3,
            max_back_off: Duration::from_secs(60),
            anchor_mailbox: None,
            read_options: ReadOptions::default(),
            user_agent: concat!("ewsgen/", env!("CARGO_PKG_VERSION")).to_string(),
            roots: Vec::new(),
            resolve: Vec::new(),
            resolve_only: false,
            no_proxy: false,
            max_concurrency: 10,
            concurrency_cooldown: Duration::from_secs(60),
            problems: Vec::new(),
        }
    }
}

impl ClientBuilder {
    /// The endpoint URL (such as `https://host/EWS/Exchange.asmx`).
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = url.into();
        self
    }

    /// HTTP Basic authentication.
    pub fn basic_auth(mut self, user: impl Into<String>, password: impl Into<Secret>) -> Self {
        self.auth = Auth::Basic {
            user: user.into(),
            password: password.into(),
        };
        self
    }

    /// NTLM authentication (on-premises Exchange's default): `user` is `DOMAIN\user` or a UPN
    /// (`user@example.com`). The handshake and the requests it authenticates share one
    /// kept-alive connection; a server offering only `Negotiate` gets NTLM under it.
    pub fn ntlm_auth(mut self, user: impl Into<String>, password: impl Into<Secret>) -> Self {
        self.auth = Auth::Ntlm {
            user: user.into(),
            password: password.into(),
        };
        self
    }

    /// A fixed OAuth2 bearer token.
    pub fn bearer_token(mut self, token: impl Into<Secret>) -> Self {
        self.auth = Auth::Bearer(Arc::new(token.into()));
        self
    }

    /// OAuth2 bearer tokens from `provider`, asked before every request (and asked again,
    /// with [`TokenProvider::refresh`], when the server refuses one).
    pub fn token_provider(mut self, provider: Arc<dyn TokenProvider>) -> Self {
        self.auth = Auth::Bearer(provider);
        self
    }

    /// The authentication, as an [`Auth`] value.
    pub fn auth(mut self, auth: Auth) -> Self {
        self.auth = auth;
        self
    }

    /// The whole request, from connecting to the last byte of the answer (default 100 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Connecting (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How many times a throttled answer (`ErrorServerBusy`, HTTP 503 or 429 with
    /// `Retry-After`, `ErrorExceededConnectionCount`, `ErrorTooManyObjectsOpened`) is
    /// retried (default 3; 0 never retries).
    pub fn max_retries(mut self, n: u32) -> Self {
        self.max_retries = n;
        self
    }

    /// The longest back-off waited for (default 60 s): a server asking for longer gets its
    /// answer (`ErrorServerBusy`, a 503...) returned at once, with the back-off it asked
    /// for.
    pub fn max_back_off(mut self, d: Duration) -> Self {
        self.max_back_off = d;
        self
    }

    /// The most requests in flight at once, across every clone of the client (default 10,
    /// Exchange 2010's budget; Exchange Online allows 27 per user). At least 1.
    pub fn max_concurrency(mut self, n: usize) -> Self {
        self.max_concurrency = n.max(1);
        self
    }

    /// How long the concurrency stays lowered after `ErrorExceededConnectionCount` or
    /// `ErrorTooManyObjectsOpened` (default 60 s; each such answer halves it again).
    pub fn concurrency_cooldown(mut self, d: Duration) -> Self {
        self.concurrency_cooldown = d;
        self
    }

    /// `X-AnchorMailbox` for every request (otherwise the impersonated address, when the
    /// request impersonates).
    pub fn anchor_mailbox(mut self, address: impl Into<String>) -> Self {
        self.anchor_mailbox = Some(address.into());
        self
    }

    /// How responses are read (unknown elements, limits).
    pub fn read_options(mut self, options: ReadOptions) -> Self {
        self.read_options = options;
        self
    }

    /// The `User-Agent` header.
    pub fn user_agent(mut self, agent: impl Into<String>) -> Self {
        self.user_agent = agent.into();
        self
    }

    /// Trusts the certificates of `pem` (one or more PEM certificates, such as a private
    /// CA's) beside the system's roots. An unreadable PEM is reported by `build`.
    pub fn add_root_certificates_pem(mut self, pem: &[u8]) -> Self {
        match reqwest::Certificate::from_pem_bundle(pem) {
            Ok(certs) if !certs.is_empty() => self.roots.extend(certs),
            Ok(_) => self
                .problems
                .push("the root certificate PEM holds no certificate".into()),
            Err(e) => self.problems.push(format!(
                "the root certificate PEM is unreadable: {}",
                error_chain(&e)
            )),
        }
        self
    }

    /// Connects to `addr` for `host` instead of asking DNS (split DNS, tests). The port of
    /// `addr` is used for URLs without a port (`0` keeps the scheme's port: 443 for https,
    /// 80 for http); a URL's own port always wins.
    pub fn resolve(mut self, host: impl Into<String>, addr: SocketAddr) -> Self {
        self.resolve.push((host.into().to_ascii_lowercase(), addr));
        self
    }

    /// Connects only to hosts given with [`ClientBuilder::resolve`]: any other host is a
    /// transport error, without a DNS look-up (and no proxy is used).
    pub fn resolve_overrides_only(mut self, only: bool) -> Self {
        self.resolve_only = only;
        self
    }

    /// Uses no proxy. Otherwise the proxies of the environment (`HTTPS_PROXY`, `HTTP_PROXY`,
    /// `ALL_PROXY`, `NO_PROXY`) are used; a proxy resolves host names itself, so
    /// [`ClientBuilder::resolve`] overrides do not apply through it.
    pub fn no_proxy(mut self) -> Self {
        self.no_proxy = true;
        self
    }

    fn settings(&self) -> Result<http::Settings, Error> {
        if let Some(p) = self.problems.first() {
            return Err(Error::Config(p.clone()));
        }
        Ok(http::Settings {
            timeout: self.timeout,
            connect_timeout: self.connect_timeout,
            user_agent: self.user_agent.clone(),
            roots: self.roots.clone(),
            resolve: self.resolve.clone(),
            resolve_only: self.resolve_only,
            no_proxy: self.no_proxy,
        })
    }

    fn http(&self) -> Result<http::Http, Error> {
        http::Http::new(
            self.settings()?,
            self.auth.clone(),
            self.read_options.max_document_bytes,
        )
    }

    /// The client.
    pub fn build(self) -> Result<Client, Error> {
        if self.endpoint.is_empty() {
            return Err(Error::Config(
                "no endpoint: give the EWS URL (Autodiscover finds it)".into(),
            ));
        }
        let url = reqwest::Url::parse(&self.endpoint)
            .map_err(|e| Error::Config(format!("the endpoint is not a URL: {e}")))?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(Error::Config(
                "the endpoint URL holds credentials: give them with basic_auth instead".into(),
            ));
        }
        if !matches!(url.scheme(), "https" | "http") {
            return Err(Error::Config(format!(
                "endpoint `{url}`: the scheme must be https (or http)"
            )));
        }
        let http = self.http()?;
        let shared = Arc::new(Shared {
            limiter: Arc::new(throttle::Limiter::new(
                self.max_concurrency,
                self.concurrency_cooldown,
            )),
            gate: throttle::Gate::default(),
            negotiation: negotiate::for_endpoint(url.as_str()),
            server_version: Mutex::new(None),
        });
        Ok(Client {
            http: Arc::new(http),
            shared,
            url,
            max_retries: self.max_retries,
            max_back_off: self.max_back_off,
            anchor_mailbox: self.anchor_mailbox,
            read_options: self.read_options,
        })
    }
}

/// What the clones of a client share besides the connections: the concurrency limit, the
/// back-off, the version negotiated, the last `ServerVersionInfo`.
#[derive(Debug)]
struct Shared {
    limiter: Arc<throttle::Limiter>,
    gate: throttle::Gate,
    negotiation: Arc<Mutex<negotiate::Negotiation>>,
    server_version: Mutex<Option<ServerVersion>>,
}

/// Per-call options of [`Client::call_with`].
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct CallOptions {
    /// Sends `X-PreferServerAffinity: true`: Exchange answers with the
    /// `X-BackEndOverrideCookie` affinity cookie (kept by the client and sent with the
    /// following requests), so that a streaming subscription and its `GetStreamingEvents`
    /// reach the same mailbox server. Give the mailbox in `X-AnchorMailbox` too.
    pub prefer_server_affinity: bool,
    /// `X-AnchorMailbox` for this call (otherwise the client's, or the impersonated
    /// address).
    pub anchor_mailbox: Option<String>,
}

impl CallOptions {
    /// No options.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sends `X-PreferServerAffinity: true` (see [`CallOptions::prefer_server_affinity`]).
    pub fn prefer_server_affinity(mut self, yes: bool) -> Self {
        self.prefer_server_affinity = yes;
        self
    }

    /// `X-AnchorMailbox` for this call.
    pub fn anchor_mailbox(mut self, address: impl Into<String>) -> Self {
        self.anchor_mailbox = Some(address.into());
        self
    }
}

/// An EWS client for one endpoint. Cheap to clone; share it (clones share the connections,
/// the cookies, the concurrency limit and the back-off).
#[derive(Clone)]
pub struct Client {
    http: Arc<http::Http>,
    shared: Arc<Shared>,
    url: reqwest::Url,
    max_retries: u32,
    max_back_off: Duration,
    anchor_mailbox: Option<String>,
    read_options: ReadOptions,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("url", &self.url.as_str())
            .field("auth", self.http.auth())
            .field("timeout", &self.http.timeout())
            .field("max_retries", &self.max_retries)
            .field("max_back_off", &self.max_back_off)
            .field("anchor_mailbox", &self.anchor_mailbox)
            .field("concurrency_limit", &self.shared.limiter.current())
            .finish_non_exhaustive()
    }
}

const MAX_ERROR_BODY: usize = 1024;

type Reply<O> =
    Result<Response<<O as Operation>::Response, <O as Operation>::ResponseHeaders>, Error>;

/// The codes that ask for a back-off before the request is sent again.
const BUSY: &[&str] = &["ErrorServerBusy"];
/// The codes that say the client holds too many connections or objects open: it lowers its
/// concurrency for a while and sends the request again.
const TOO_MANY: &[&str] = &["ErrorExceededConnectionCount", "ErrorTooManyObjectsOpened"];
/// The codes that refuse the `RequestServerVersion` asked for.
const VERSION_REFUSED: &[&str] = &["ErrorInvalidServerVersion", "ErrorIncorrectSchemaVersion"];
/// The back-off when the server asks for one without saying how long.
const DEFAULT_BACK_OFF: Duration = Duration::from_secs(1);

/// How an answer arrived: read whole, or (a streamed request's 200) still arriving.
pub(crate) enum Answered<O: Operation> {
    /// Read whole.
    Whole(Response<O::Response, O::ResponseHeaders>),
    /// The unread streamed answer.
    Live(reqwest::Response, HttpInfo),
}

type Sent<O> = Result<Answered<O>, Error>;

/// Why an answer is sent again.
enum Retry {
    /// The server is busy: every request of the client waits this long.
    BackOff(Duration),
    /// Too many connections or objects open: the concurrency is lowered and the request
    /// sent again after this wait.
    Fewer(Duration),
}

impl Retry {
    /// The retry a response code asks for (with the server's back-off, if it gave one).
    fn of_code(code: &str, back_off: Option<Duration>) -> Option<Retry> {
        let wait = back_off.unwrap_or(DEFAULT_BACK_OFF);
        if BUSY.contains(&code) {
            Some(Retry::BackOff(wait))
        } else if TOO_MANY.contains(&code) {
            Some(Retry::Fewer(wait))
        } else {
            None
        }
    }

    /// How long the request waits before it goes again.
    fn wait(&self) -> Duration {
        match self {
            Retry::BackOff(w) | Retry::Fewer(w) => *w,
        }
    }
}

/// The longest `BackOffMilliseconds` among messages, or the default.
fn messages_back_off<R: crate::response::ResponseMessages + ?Sized>(r: &R) -> Duration {
    r.response_messages()
        .iter()
        .filter_map(|m| m.back_off())
        .max()
        .unwrap_or(DEFAULT_BACK_OFF)
}

/// Whether every message of a response has one of `codes` (and there is one).
fn all_messages<R: crate::response::ResponseMessages + ?Sized>(r: &R, codes: &[&str]) -> bool {
    let m = r.response_messages();
    !m.is_empty()
        && m.iter()
            .all(|m| m.response_code_str().is_some_and(|c| codes.contains(&c)))
}

/// The retry an answer asks for as a whole: every message busy, or every message "too
/// many". `Client::call` sends such an answer's request again itself; an answer throttled
/// only in part is left to the caller (batches send the throttled ids again).
fn messages_retry<R: crate::response::ResponseMessages + ?Sized>(r: &R) -> Option<Retry> {
    if all_messages(r, BUSY) {
        Some(Retry::BackOff(messages_back_off(r)))
    } else if all_messages(r, TOO_MANY) {
        Some(Retry::Fewer(messages_back_off(r)))
    } else {
        None
    }
}

fn retry_of<O: Operation>(sent: &Sent<O>) -> Option<Retry> {
    match sent {
        Ok(Answered::Whole(r)) => messages_retry(&r.body),
        Err(Error::Fault(f)) => Retry::of_code(f.response_code(), f.detail.back_off()),
        Err(Error::Status {
            status: 503 | 429,
            retry_after: Some(wait),
            ..
        }) => Some(Retry::BackOff(*wait)),
        _ => None,
    }
}

/// Whether the server refused the `RequestServerVersion` sent: `ErrorInvalidServerVersion`
/// or `ErrorIncorrectSchemaVersion` (a fault, or every message), or a schema-validation
/// fault about the version itself (a server whose schema does not know the value says
/// `ErrorSchemaValidation`, naming `ExchangeVersionType` or `RequestServerVersion`).
fn version_refused<O: Operation>(sent: &Sent<O>) -> bool {
    match sent {
        Ok(Answered::Whole(r)) => all_messages(&r.body, VERSION_REFUSED),
        Err(Error::Fault(f)) if VERSION_REFUSED.contains(&f.response_code()) => true,
        Err(Error::Fault(f)) if f.response_code() == "ErrorSchemaValidation" => [
            f.detail.violation.as_deref(),
            f.detail.message.as_deref(),
            Some(f.fault.fault_string.as_str()),
        ]
        .into_iter()
        .flatten()
        .any(|t| t.contains("ExchangeVersionType") || t.contains("RequestServerVersion")),
        _ => false,
    }
}

impl Client {
    /// A builder for the endpoint URL (such as `https://host/EWS/Exchange.asmx`).
    pub fn builder(endpoint: impl Into<String>) -> ClientBuilder {
        ClientBuilder::default().endpoint(endpoint)
    }

    /// The endpoint.
    pub fn endpoint(&self) -> &str {
        self.url.as_str()
    }

    /// The most requests this client (and its clones) has in flight at once now: the
    /// configured [`ClientBuilder::max_concurrency`], or less for a while after the server
    /// answered `ErrorExceededConnectionCount` or `ErrorTooManyObjectsOpened`.
    pub fn concurrency_limit(&self) -> usize {
        self.shared.limiter.current()
    }

    /// The back-off still holding every request of this client (zero when none).
    pub fn back_off_remaining(&self) -> Duration {
        self.shared.gate.remaining()
    }

    /// The `RequestServerVersion` negotiated with this endpoint (by any client of the
    /// process): the version a request without an explicit one last succeeded with.
    pub fn negotiated_version(&self) -> Option<String> {
        throttle::lock(&self.shared.negotiation)
            .accepted()
            .map(str::to_string)
    }

    /// The `ServerVersionInfo` of the last answer that carried one.
    pub fn server_version_info(&self) -> Option<ServerVersion> {
        throttle::lock(&self.shared.server_version).clone()
    }

    /// Calls operation `O`: sends `request` with `headers` and reads the typed response.
    ///
    /// `Ok` holds the response whatever its response messages say (use
    /// [`crate::ResponseMessage::into_result`] or [`crate::ResponseMessages::first_error`]);
    /// `Err` is a fault, an HTTP or transport failure, or an unreadable answer.
    ///
    /// Without a `RequestServerVersion` in `headers` (and when the operation accepts it),
    /// the version is negotiated: the newest version the bindings know
    /// ([`crate::version::RequestVersion::VERSIONS`]) is sent, and on
    /// `ErrorInvalidServerVersion` or `ErrorIncorrectSchemaVersion` (or an
    /// `ErrorSchemaValidation` about the version itself, from a server whose schema does not
    /// know the value) the next older one; the version that works is remembered for the
    /// endpoint.
    pub async fn call<O: Operation>(
        &self,
        request: &O,
        headers: &O::RequestHeaders,
    ) -> Result<Response<O::Response, O::ResponseHeaders>, Error> {
        self.call_with(request, headers, &CallOptions::default())
            .await
    }

    /// [`Client::call`] with per-call options (such as the server affinity of a streaming
    /// subscription).
    pub async fn call_with<O: Operation>(
        &self,
        request: &O,
        headers: &O::RequestHeaders,
        options: &CallOptions,
    ) -> Result<Response<O::Response, O::ResponseHeaders>, Error> {
        match self.send::<O>(request, headers, options, None).await? {
            Answered::Whole(r) => Ok(r),
            Answered::Live(_, http) => Err(Error::Protocol(format!(
                "{}: a streamed answer where a whole one was expected (HTTP {})",
                <O as Operation>::NAME,
                http.status
            ))),
        }
    }

    /// Sends a request through the client's machinery (span, back-off, concurrency limit,
    /// retries, version negotiation); with `stream`, a 200 answer is handed back unread.
    pub(crate) async fn send<O: Operation>(
        &self,
        request: &O,
        headers: &O::RequestHeaders,
        options: &CallOptions,
        stream: Option<Duration>,
    ) -> Sent<O> {
        let span = tracing::info_span!(
            "ews_call",
            operation = <O as Operation>::NAME,
            endpoint = %self.url,
            attempt = tracing::field::Empty,
            version = tracing::field::Empty,
            status = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        self.run::<O>(request, headers, options, stream, span.clone())
            .instrument(span)
            .await
    }

    async fn run<O: Operation>(
        &self,
        request: &O,
        headers: &O::RequestHeaders,
        options: &CallOptions,
        stream: Option<Duration>,
        span: tracing::Span,
    ) -> Sent<O> {
        use crate::version::RequestVersion as _;
        let started = Instant::now();
        let versions = <O::RequestHeaders as crate::version::RequestVersion>::VERSIONS;
        let negotiate = headers.requested_version().is_none()
            && !versions.is_empty()
            && O::accepts_header(VERSION_HEADER);
        let anchor = options
            .anchor_mailbox
            .clone()
            .or_else(|| self.anchor_mailbox.clone())
            .or_else(|| impersonated_address(headers, O::NAMESPACES));
        let mut body: Option<(Option<&'static str>, String)> = None;
        let mut retries = 0;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let version = if negotiate {
                // `None` only when every version is refused: the state starts over.
                let mut n = throttle::lock(&self.shared.negotiation);
                if n.current(versions).is_none() {
                    n.reset();
                }
                n.current(versions)
            } else {
                None
            };
            if body.as_ref().is_none_or(|(v, _)| *v != version) {
                let xml = match version {
                    Some(v) => soap::request_xml(request, &headers.with_version(v)),
                    None => soap::request_xml(request, headers),
                }
                .map_err(Error::Request)?;
                body = Some((version, xml));
            }
            let xml = body.as_ref().map_or("", |(_, b)| b.as_str());
            span.record("attempt", attempt);
            if let Some(v) = version {
                span.record("version", v);
            }
            self.shared.gate.pass().await;
            let permit = self.shared.limiter.acquire().await;
            let sent = self
                .send_once::<O>(xml, anchor.as_deref(), options, stream)
                .await;
            drop(permit);
            let status = match &sent {
                Ok(Answered::Whole(r)) => r.http.as_ref().map(|h| h.status),
                Ok(Answered::Live(_, h)) => Some(h.status),
                Err(e) => e.http().map(|h| h.status),
            };
            if let Some(status) = status {
                span.record("status", status);
            }
            if let Ok(Answered::Whole(r)) = &sent {
                self.note_server_version(&r.headers);
            }
            if let Some(v) = version {
                if version_refused::<O>(&sent) {
                    let mut n = throttle::lock(&self.shared.negotiation);
                    n.refuse(v);
                    if n.current(versions).is_some() {
                        tracing::debug!(
                            version = v,
                            "the server refuses this RequestServerVersion: trying an older one"
                        );
                        continue;
                    }
                    // Every version refused: that answer is the call's, and the next call
                    // starts over from the newest.
                    tracing::debug!("the server refuses every RequestServerVersion");
                    n.reset();
                    return sent;
                }
                if sent.is_ok() {
                    throttle::lock(&self.shared.negotiation).accept(v);
                }
            }
            match retry_of::<O>(&sent) {
                Some(retry) if self.may_retry(retries, &retry) => {
                    self.hold_back(&retry).await;
                    retries += 1;
                }
                _ => {
                    let elapsed = started.elapsed().as_millis() as u64;
                    span.record("duration_ms", elapsed);
                    match &sent {
                        Ok(_) => tracing::debug!(duration_ms = elapsed, "call answered"),
                        Err(e) => tracing::debug!(duration_ms = elapsed, error = %e, "call failed"),
                    }
                    return sent.map(|a| match a {
                        Answered::Whole(mut r) => {
                            if let Some(h) = &mut r.http {
                                h.retries = retries;
                            }
                            Answered::Whole(r)
                        }
                        Answered::Live(resp, mut h) => {
                            h.retries = retries;
                            Answered::Live(resp, h)
                        }
                    });
                }
            }
        }
    }

    /// Keeps the `ServerVersionInfo` an answer carries.
    fn note_server_version(&self, headers: &impl crate::version::ServerVersionHeader) {
        if let Some(v) = headers.server_version() {
            *throttle::lock(&self.shared.server_version) = Some(v);
        }
    }

    /// Whether a request already sent again `retries` times may go once more after `retry`.
    fn may_retry(&self, retries: u32, retry: &Retry) -> bool {
        retries < self.max_retries && retry.wait() <= self.max_back_off
    }

    /// Holds the client back as `retry` asks: a busy server's back-off holds back every call
    /// of the client; too many connections lower the concurrency, and this call waits.
    async fn hold_back(&self, retry: &Retry) {
        match *retry {
            Retry::BackOff(wait) => {
                tracing::debug!(
                    back_off_ms = wait.as_millis() as u64,
                    "throttled: every request of the client waits for the back-off"
                );
                self.shared.gate.learn(wait);
            }
            Retry::Fewer(wait) => {
                let limit = self.shared.limiter.lower();
                tracing::debug!(
                    back_off_ms = wait.as_millis() as u64,
                    concurrency = limit,
                    "too many connections: concurrency lowered"
                );
                tokio::time::sleep(wait).await;
            }
        }
    }

    async fn send_once<O: Operation>(
        &self,
        body: &str,
        anchor: Option<&str>,
        options: &CallOptions,
        stream: Option<Duration>,
    ) -> Sent<O> {
        let mut headers = vec![
            ("Content-Type", "text/xml; charset=utf-8".to_string()),
            ("SOAPAction", format!("\"{}\"", O::SOAP_ACTION)),
            ("Accept", "text/xml".to_string()),
        ];
        if let Some(a) = anchor {
            headers.push(("X-AnchorMailbox", a.to_string()));
        }
        if options.prefer_server_affinity {
            headers.push(("X-PreferServerAffinity", "true".to_string()));
        }
        let answer = self
            .http
            .send(&http::Outgoing {
                method: reqwest::Method::POST,
                url: &self.url,
                headers: &headers,
                body,
                anonymous: false,
                stream,
            })
            .await?;
        let status = answer.status;
        let info = answer.info;
        if let Some(live) = answer.stream {
            return Ok(Answered::Live(live, info));
        }
        if status == 401 {
            let www_authenticate = answer.www_authenticate.join(", ");
            return Err(Error::Unauthorized {
                www_authenticate: (!www_authenticate.is_empty()).then_some(www_authenticate),
                http: Box::new(info),
            });
        }
        if (300..400).contains(&status) {
            let location = answer
                .location
                .as_deref()
                .map(|l| self.url.join(l).map_or(l.to_string(), |u| u.to_string()));
            return Err(match location {
                Some(location) if is_error_page(&location) => Error::ServerFailure {
                    status,
                    location,
                    http: Box::new(info),
                },
                location => Error::Redirect {
                    status,
                    location,
                    http: Box::new(info),
                },
            });
        }
        let bytes = answer.body;
        let retry_after = answer
            .retry_after
            .as_deref()
            .and_then(|v| throttle::retry_after(v, std::time::SystemTime::now()));
        if status != 200 && status != 500 {
            return Err(status_error(status, &bytes, info, retry_after));
        }
        let text = match crate::__private::Reader::check_utf8(&bytes) {
            Ok(t) => t,
            Err(e) if status == 200 => return Err(Error::Response(e)),
            Err(_) => return Err(status_error(status, &bytes, info, retry_after)),
        };
        read_answer::<O>(text, status, info, self.read_options.clone()).map(Answered::Whole)
    }
}

/// Reads an answer's envelope: the typed response, or the fault as an error.
pub(crate) fn read_answer<O: Operation>(
    text: &str,
    status: u16,
    info: HttpInfo,
    options: ReadOptions,
) -> Reply<O> {
    let read = soap::read_response::<O::Response, O::ResponseHeaders>(text, options);
    match read {
        // A 500 without a readable fault: the status and the body say more.
        Ok(Ok(_)) | Err(_) if status != 200 => {
            Err(status_error(status, text.as_bytes(), info, None))
        }
        Err(e) => Err(Error::Response(e)),
        Ok(Ok(r)) => Ok(Response {
            http: Some(info),
            ..r
        }),
        Ok(Err(fault)) => {
            let detail = fault.exchange_detail();
            Err(Error::Fault(Box::new(SoapFault {
                status,
                fault,
                detail,
                http: info,
            })))
        }
    }
}

/// The `RequestServerVersion` header as written.
const VERSION_HEADER: &str = "t:RequestServerVersion";

/// Whether `url` is Exchange's error page (`/ews/genericerrorpage.htm`, or the front end's
/// `/owa/auth/errorFE.aspx`).
fn is_error_page(url: &str) -> bool {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let last = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    last == "genericerrorpage.htm" || last == "errorfe.aspx"
}

fn status_error(status: u16, body: &[u8], info: HttpInfo, retry_after: Option<Duration>) -> Error {
    Error::Status {
        status,
        body: body_start(body),
        retry_after,
        http: Box::new(info),
    }
}

/// The start of a body, at most [`MAX_ERROR_BODY`] bytes, cut at a character boundary.
pub(crate) fn body_start(body: &[u8]) -> String {
    let mut end = body.len().min(MAX_ERROR_BODY);
    while end > 0 && std::str::from_utf8(&body[..end]).is_err() {
        end -= 1;
    }
    String::from_utf8_lossy(&body[..end]).into_owned()
}

/// The address an `ExchangeImpersonation` header names (`PrimarySmtpAddress`,
/// `SmtpAddress` or `PrincipalName` of its `ConnectingSID`), for `X-AnchorMailbox`.
pub fn impersonated_address<H: soap::Headers>(
    headers: &H,
    namespaces: rt::Namespaces,
) -> Option<String> {
    if !headers.present().contains(&"t:ExchangeImpersonation") {
        return None;
    }
    let mut w = crate::__private::Writer::new(namespaces);
    w.start("h");
    headers.write_headers(&mut w);
    w.end("h");
    let xml = w.finish().ok()?;
    let mut r = crate::__private::Reader::new(&xml, namespaces).ok()?;
    let raw = r.read_raw().ok()?;
    let imp = raw.children.iter().find_map(|c| match c {
        rt::RawNode::Element(e) if e.name == "ExchangeImpersonation" => Some(e),
        _ => None,
    })?;
    let mut todo = vec![imp];
    while let Some(e) = todo.pop() {
        for c in &e.children {
            if let rt::RawNode::Element(x) = c {
                if matches!(
                    x.name.as_str(),
                    "PrimarySmtpAddress" | "SmtpAddress" | "PrincipalName"
                ) {
                    return Some(crate::response::text_of(x).trim().to_string());
                }
                todo.push(x);
            }
        }
    }
    None
}
