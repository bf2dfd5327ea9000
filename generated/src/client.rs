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
//! - Authentication: Basic, or an OAuth2 bearer token from a [`TokenProvider`] asked before
//!   every request (so it can refresh). With `ExchangeImpersonation`, `X-AnchorMailbox` is
//!   set to the impersonated address.
//! - `ErrorServerBusy` (a fault, or every response message) is retried after the server's
//!   `BackOffMilliseconds`, at most [`ClientBuilder::max_retries`] times and only when the
//!   back-off is within [`ClientBuilder::max_back_off`].
//! - Passwords and tokens are held as [`Secret`]s: never shown by `Debug`, never part of an
//!   error message.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;

use crate::response::ResponseMessages as _;
use crate::rt::{self, ReadOptions};
pub use crate::soap::Response;
use crate::soap::{self, Fault, FaultDetail, HttpInfo};
use crate::Operation;

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

/// What can go wrong calling an operation. Never carries a password or token.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The client could not be built (bad endpoint, TLS setup).
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
        /// The endpoint.
        url: String,
        /// The timeout that ran out.
        timeout: Duration,
    },
    /// Connecting, sending or receiving failed.
    #[error("HTTP transport: {0}")]
    Transport(#[source] reqwest::Error),
    /// HTTP 401: the credentials were refused.
    #[error("HTTP 401 Unauthorized: the server refused the credentials{}", .www_authenticate.as_deref().map(|c| format!(" (it asks for: {c})")).unwrap_or_default())]
    Unauthorized {
        /// The `WWW-Authenticate` challenges, as sent.
        www_authenticate: Option<String>,
    },
    /// An HTTP status other than 200, 401 or a 500 carrying a fault.
    #[error("HTTP {status}: {body}")]
    Status {
        /// The status code.
        status: u16,
        /// The start of the body (at most 1,024 bytes).
        body: String,
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
}

/// Builds a [`Client`].
#[derive(Debug)]
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
}

impl ClientBuilder {
    /// HTTP Basic authentication.
    pub fn basic_auth(mut self, user: impl Into<String>, password: impl Into<Secret>) -> Self {
        self.auth = Auth::Basic {
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

    /// OAuth2 bearer tokens from `provider`, asked before every request.
    pub fn token_provider(mut self, provider: Arc<dyn TokenProvider>) -> Self {
        self.auth = Auth::Bearer(provider);
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

    /// The client.
    pub fn build(self) -> Result<Client, Error> {
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
        let http = reqwest::Client::builder()
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .user_agent(self.user_agent.clone())
            .build()
            .map_err(|e| Error::Config(e.to_string()))?;
        Ok(Client {
            http,
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

/// An EWS client for one endpoint. Cheap to clone; share it.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
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
        ClientBuilder {
            endpoint: endpoint.into(),
            auth: Auth::None,
            timeout: Duration::from_secs(100),
            connect_timeout: Duration::from_secs(10),
            max_retries: 3,
            max_back_off: Duration::from_secs(60),
            anchor_mailbox: None,
            read_options: ReadOptions::default(),
            user_agent: concat!("ews-rs/", env!("CARGO_PKG_VERSION")).to_string(),
        }
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
        let body = soap::request_xml(request, headers).map_err(Error::Request)?;
        let anchor = match &self.anchor_mailbox {
            Some(a) => Some(a.clone()),
            None => impersonated_address(headers, O::NAMESPACES),
        };
        let mut retries = 0;
        loop {
            let result = self.send_once::<O>(&body, anchor.as_deref()).await;
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
                    tokio::time::sleep(wait).await;
                    retries += 1;
                }
                _ => {
                    return result.map(|mut r| {
                        if let Some(h) = &mut r.http {
                            h.retries = retries;
                        }
                        r
                    })
                }
            }
        }
    }

    async fn send_once<O: Operation>(&self, body: &str, anchor: Option<&str>) -> Reply<O> {
        let mut req = self
            .http
            .post(self.url.clone())
            .header("Content-Type", "text/xml; charset=utf-8")
            .header("SOAPAction", format!("\"{}\"", O::SOAP_ACTION))
            .header("Accept", "text/xml")
            .body(body.to_owned());
        match &self.auth {
            Auth::None => {}
            Auth::Basic { user, password } => {
                let raw = format!("{user}:{}", password.expose());
                let value = format!(
                    "Basic {}",
                    base64::engine::general_purpose::STANDARD.encode(raw)
                );
                req = req.header("Authorization", sensitive(&value)?);
            }
            Auth::Bearer(p) => {
                let token = p.token().await.map_err(Error::Token)?;
                req = req.header(
                    "Authorization",
                    sensitive(&format!("Bearer {}", token.expose()))?,
                );
            }
        }
        if let Some(a) = anchor {
            req = req.header("X-AnchorMailbox", a);
        }
        let mut resp = req.send().await.map_err(|e| self.transport(e))?;
        let status = resp.status().as_u16();
        if status == 401 {
            let www_authenticate = resp
                .headers()
                .get_all("WWW-Authenticate")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .collect::<Vec<_>>()
                .join(", ");
            return Err(Error::Unauthorized {
                www_authenticate: (!www_authenticate.is_empty()).then_some(www_authenticate),
            });
        }
        // The body is read up to the reader's document limit, so that a server (or anything
        // posing as one) cannot make the client buffer without bound.
        let limit = self.read_options.max_document_bytes;
        let too_large = |size: usize| {
            Error::Response(rt::Error::at(
                rt::ErrorKind::DocumentTooLarge { size, limit },
                "",
            ))
        };
        if let Some(len) = resp.content_length() {
            if len > limit as u64 {
                return Err(too_large(usize::try_from(len).unwrap_or(usize::MAX)));
            }
        }
        let mut bytes: Vec<u8> = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| self.transport(e))? {
            if bytes.len() + chunk.len() > limit {
                return Err(too_large(bytes.len() + chunk.len()));
            }
            bytes.extend_from_slice(&chunk);
        }
        if status != 200 && status != 500 {
            return Err(status_error(status, &bytes));
        }
        let text = match crate::__private::Reader::check_utf8(&bytes) {
            Ok(t) => t,
            Err(e) if status == 200 => return Err(Error::Response(e)),
            Err(_) => return Err(status_error(status, &bytes)),
        };
        let read =
            soap::read_response::<O::Response, O::ResponseHeaders>(text, self.read_options.clone());
        match read {
            // A 500 without a readable fault: the status and the body say more.
            Ok(Ok(_)) | Err(_) if status != 200 => Err(status_error(status, &bytes)),
            Err(e) => Err(Error::Response(e)),
            Ok(Ok(r)) => Ok(Response {
                http: Some(HttpInfo { status, retries: 0 }),
                ..r
            }),
            Ok(Err(fault)) => {
                let detail = fault.exchange_detail();
                Err(Error::Fault(Box::new(SoapFault {
                    status,
                    fault,
                    detail,
                })))
            }
        }
    }

    fn transport(&self, e: reqwest::Error) -> Error {
        if e.is_timeout() {
            Error::Timeout {
                url: self.url.to_string(),
                timeout: self.timeout,
            }
        } else {
            Error::Transport(e.without_url())
        }
    }
}

fn sensitive(value: &str) -> Result<reqwest::header::HeaderValue, Error> {
    let mut v = reqwest::header::HeaderValue::from_str(value).map_err(|_| {
        Error::Config("the credentials hold characters an HTTP header cannot carry".into())
    })?;
    v.set_sensitive(true);
    Ok(v)
}

fn status_error(status: u16, body: &[u8]) -> Error {
    let mut end = body.len().min(MAX_ERROR_BODY);
    while end > 0 && std::str::from_utf8(&body[..end]).is_err() {
        end -= 1;
    }
    Error::Status {
        status,
        body: String::from_utf8_lossy(&body[..end]).into_owned(),
    }
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
