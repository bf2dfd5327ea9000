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
//! - `ErrorServerBusy` (a fault, or every response message) is retried after the server's
//!   `BackOffMilliseconds`, at most [`ClientBuilder::max_retries`] times and only when the
//!   back-off is within [`ClientBuilder::max_back_off`].
//! - Passwords and tokens are held as [`Secret`]s: never shown by `Debug`, never part of an
//!   error message.
//! - [`autodiscover`] finds the EWS URL of an email address.

use std::fmt;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tracing::Instrument as _;

use crate::response::ResponseMessages as _;
use crate::rt::{self, ReadOptions};
pub use crate::soap::HttpInfo;
pub use crate::soap::Response;
use crate::soap::{self, Fault, FaultDetail};
use crate::Operation;

pub mod autodiscover;
mod http;
mod ntlm;

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
    /// An HTTP status other than 200, 3xx, 401 or a 500 carrying a fault.
    #[error("HTTP {status}: {body}")]
    Status {
        /// The status code.
        status: u16,
        /// The start of the body (at most 1,024 bytes).
        body: String,
        /// The HTTP side.
        http: Box<HttpInfo>,
    },
    /// A SOAP fault (`ErrorSchemaValidation`, `ErrorServerBusy` after the retries, ...).
    #[error("{} (HTTP {}): {}", .0.fault.fault_code, .0.status, .0.fault.fault_string)]
    Fault(Box<SoapFault>),
    /// The response could not be read.
    #[error("unreadable response: {0}")]
    Response(rt::Error),
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

    /// How many times `ErrorServerBusy` is retried (default 3; 0 never retries).
    pub fn max_retries(mut self, n: u32) -> Self {
        self.max_retries = n;
        self
    }

    /// The longest back-off waited for (default 60 s): a server asking for longer gets its
    /// `ErrorServerBusy` returned at once, with the back-off it asked for.
    pub fn max_back_off(mut self, d: Duration) -> Self {
        self.max_back_off = d;
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
        Ok(Client {
            http: Arc::new(http),
            url,
            auth: self.auth,
            timeout: self.timeout,
            max_retries: self.max_retries,
            max_back_off: self.max_back_off,
            anchor_mailbox: self.anchor_mailbox,
            read_options: self.read_options,
        })
    }
}

/// An EWS client for one endpoint. Cheap to clone; share it (clones share the connections
/// and the cookies).
#[derive(Clone)]
pub struct Client {
    http: Arc<http::Http>,
    url: reqwest::Url,
    auth: Auth,
    timeout: Duration,
    max_retries: u32,
    max_back_off: Duration,
    anchor_mailbox: Option<String>,
    read_options: ReadOptions,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("url", &self.url.as_str())
            .field("auth", &self.auth)
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .field("max_back_off", &self.max_back_off)
            .field("anchor_mailbox", &self.anchor_mailbox)
            .finish_non_exhaustive()
    }
}

const MAX_ERROR_BODY: usize = 1024;

type Reply<O> =
    Result<Response<<O as Operation>::Response, <O as Operation>::ResponseHeaders>, Error>;

impl Client {
    /// A builder for the endpoint URL (such as `https://host/EWS/Exchange.asmx`).
    pub fn builder(endpoint: impl Into<String>) -> ClientBuilder {
        ClientBuilder::default().endpoint(endpoint)
    }

    /// The endpoint.
    pub fn endpoint(&self) -> &str {
        self.url.as_str()
    }

    /// Calls operation `O`: sends `request` with `headers` and reads the typed response.
    ///
    /// `Ok` holds the response whatever its response messages say (use
    /// [`crate::ResponseMessage::into_result`] or [`crate::ResponseMessages::first_error`]);
    /// `Err` is a fault, an HTTP or transport failure, or an unreadable answer.
    pub async fn call<O: Operation>(
        &self,
        request: &O,
        headers: &O::RequestHeaders,
    ) -> Result<Response<O::Response, O::ResponseHeaders>, Error> {
        let span = tracing::info_span!(
            "ews_call",
            operation = <O as Operation>::NAME,
            endpoint = %self.url,
            attempt = tracing::field::Empty,
            status = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        self.call_in_span::<O>(request, headers, span.clone())
            .instrument(span)
            .await
    }

    async fn call_in_span<O: Operation>(
        &self,
        request: &O,
        headers: &O::RequestHeaders,
        span: tracing::Span,
    ) -> Reply<O> {
        let started = Instant::now();
        let body = soap::request_xml(request, headers).map_err(Error::Request)?;
        let anchor = match &self.anchor_mailbox {
            Some(a) => Some(a.clone()),
            None => impersonated_address(headers, O::NAMESPACES),
        };
        let mut retries = 0;
        loop {
            span.record("attempt", retries + 1);
            let result = self.send_once::<O>(&body, anchor.as_deref()).await;
            let status = match &result {
                Ok(r) => r.http.as_ref().map(|h| h.status),
                Err(e) => e.http().map(|h| h.status),
            };
            if let Some(status) = status {
                span.record("status", status);
            }
            // ErrorServerBusy: the whole request as a fault, or every response message.
            let busy = match &result {
                Ok(r) if r.body.all_server_busy() => Some(
                    r.body
                        .response_messages()
                        .iter()
                        .filter_map(|m| m.back_off())
                        .max(),
                ),
                Err(Error::Fault(f)) if f.response_code() == "ErrorServerBusy" => {
                    Some(f.detail.back_off())
                }
                _ => None,
            };
            let wait = busy.map(|b| b.unwrap_or(Duration::from_secs(1)));
            match wait {
                Some(wait) if retries < self.max_retries && wait <= self.max_back_off => {
                    tracing::debug!(
                        back_off_ms = wait.as_millis() as u64,
                        "ErrorServerBusy: retrying after the back-off"
                    );
                    tokio::time::sleep(wait).await;
                    retries += 1;
                }
                _ => {
                    let elapsed = started.elapsed().as_millis() as u64;
                    span.record("duration_ms", elapsed);
                    match &result {
                        Ok(_) => tracing::debug!(duration_ms = elapsed, "call answered"),
                        Err(e) => tracing::debug!(duration_ms = elapsed, error = %e, "call failed"),
                    }
                    return result.map(|mut r| {
                        if let Some(h) = &mut r.http {
                            h.retries = retries;
                        }
                        r
                    });
                }
            }
        }
    }

    async fn send_once<O: Operation>(&self, body: &str, anchor: Option<&str>) -> Reply<O> {
        let mut headers = vec![
            ("Content-Type", "text/xml; charset=utf-8".to_string()),
            ("SOAPAction", format!("\"{}\"", O::SOAP_ACTION)),
            ("Accept", "text/xml".to_string()),
        ];
        if let Some(a) = anchor {
            headers.push(("X-AnchorMailbox", a.to_string()));
        }
        let answer = self
            .http
            .send(&http::Outgoing {
                method: reqwest::Method::POST,
                url: &self.url,
                headers: &headers,
                body,
                anonymous: false,
            })
            .await?;
        let status = answer.status;
        let info = answer.info;
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
        if status != 200 && status != 500 {
            return Err(status_error(status, &bytes, info));
        }
        let text = match crate::__private::Reader::check_utf8(&bytes) {
            Ok(t) => t,
            Err(e) if status == 200 => return Err(Error::Response(e)),
            Err(_) => return Err(status_error(status, &bytes, info)),
        };
        let read =
            soap::read_response::<O::Response, O::ResponseHeaders>(text, self.read_options.clone());
        match read {
            // A 500 without a readable fault: the status and the body say more.
            Ok(Ok(_)) | Err(_) if status != 200 => Err(status_error(status, &bytes, info)),
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
}

/// Whether `url` is Exchange's error page (`/ews/genericerrorpage.htm`, or the front end's
/// `/owa/auth/errorFE.aspx`).
fn is_error_page(url: &str) -> bool {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let last = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    last == "genericerrorpage.htm" || last == "errorfe.aspx"
}

fn status_error(status: u16, body: &[u8], info: HttpInfo) -> Error {
    Error::Status {
        status,
        body: body_start(body),
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
    let xml = w.into_string();
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
