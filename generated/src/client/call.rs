//! The [`Client`] of one endpoint and its call loop: a request sent through the
//! concurrency limit and the back-off, retried when the server is busy, its version
//! negotiated, its answer read into the typed response or an error.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tracing::Instrument as _;

use super::error::{Error, SoapFault};
use super::{http, negotiate, throttle};
use crate::response::ResponseMessage;
use crate::rt::{self, ReadOptions};
use crate::soap::{self, HttpInfo, Response};
use crate::version::ServerVersion;
use crate::Operation;

/// What the clones of a client share besides the connections: the concurrency limit, the
/// back-off, the version negotiated, the last `ServerVersionInfo`.
#[derive(Debug)]
pub(super) struct Shared {
    pub(super) limiter: Arc<throttle::Limiter>,
    pub(super) gate: throttle::Gate,
    pub(super) negotiation: Arc<Mutex<negotiate::Negotiation>>,
    pub(super) server_version: Mutex<Option<ServerVersion>>,
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
    pub(super) http: Arc<http::Http>,
    pub(super) shared: Arc<Shared>,
    pub(super) url: reqwest::Url,
    pub(super) max_retries: u32,
    pub(super) max_back_off: Duration,
    pub(super) anchor_mailbox: Option<String>,
    pub(super) read_options: ReadOptions,
    /// The version pinned by [`ClientBuilder::server_version`](super::ClientBuilder::server_version).
    pub(super) server_version: Option<String>,
    /// [`ClientBuilder::check_requests`](super::ClientBuilder::check_requests).
    pub(super) check_requests: bool,
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
            .field("server_version", &self.server_version)
            .field("check_requests", &self.check_requests)
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
pub(super) enum Retry {
    /// The server is busy: every request of the client waits this long.
    BackOff(Duration),
    /// Too many connections or objects open: the concurrency is lowered and the request
    /// sent again after this wait.
    Fewer(Duration),
}

impl Retry {
    /// The retry a response code asks for (with the server's back-off, if it gave one).
    pub(super) fn of_code(code: &str, back_off: Option<Duration>) -> Option<Retry> {
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
    pub(super) fn wait(&self) -> Duration {
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
pub(super) fn messages_retry<R: crate::response::ResponseMessages + ?Sized>(
    r: &R,
) -> Option<Retry> {
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
    /// The endpoint.
    pub fn endpoint(&self) -> &str {
        self.url.as_str()
    }

    /// The most requests this client (and its clones) has in flight at once now: the
    /// configured [`ClientBuilder::max_concurrency`](crate::client::ClientBuilder::max_concurrency), or less for a while after the server
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
    /// the version is the one pinned by
    /// [`ClientBuilder::server_version`](crate::client::ClientBuilder::server_version), else
    /// negotiated: the newest version the bindings know
    /// ([`crate::version::RequestVersion::VERSIONS`]) is sent, and on
    /// `ErrorInvalidServerVersion` or `ErrorIncorrectSchemaVersion` (or an
    /// `ErrorSchemaValidation` about the version itself, from a server whose schema does not
    /// know the value) the version the answer's `ServerVersionInfo` names: its `Version`
    /// when it is one of `ExchangeVersionType`'s values, else the version of its build
    /// (15.0.847 is `Exchange2013_SP1`). Two requests at most against a server that says
    /// what it is; against one that does not, a search halving the versions left. Each step
    /// down is logged at INFO; the version that works is remembered for the endpoint.
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
        let unversioned = headers.requested_version().is_none()
            && !versions.is_empty()
            && O::accepts_header(VERSION_HEADER);
        let pinned = match &self.server_version {
            Some(pin) if unversioned => match versions.iter().find(|v| **v == pin.as_str()) {
                Some(v) => Some(*v),
                None => {
                    return Err(Error::Config(format!(
                        "server_version {pin:?} is not a version of these bindings ({})",
                        versions.join(", ")
                    )))
                }
            },
            _ => None,
        };
        let negotiate = unversioned && pinned.is_none();
        // One probe of a version newer than the one accepted per call (see `negotiate`).
        let mut probe = true;
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
                if n.current(versions, probe).is_none() {
                    n.reset();
                }
                n.current(versions, probe)
            } else {
                pinned
            };
            if body.as_ref().is_none_or(|(v, _)| *v != version) {
                let check = self.check_requests;
                let xml = match version {
                    Some(v) => soap::write_request(request, &headers.with_version(v), check),
                    None => soap::write_request(request, headers, check),
                }
                .map_err(Error::refused)?;
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
            let server = match &sent {
                Ok(Answered::Whole(r)) => {
                    self.note_server_version(&r.headers);
                    crate::version::ServerVersionHeader::server_version(&r.headers)
                }
                Err(Error::Fault(f)) => f.server_version.clone(),
                _ => None,
            };
            if let (true, Some(v)) = (negotiate, version) {
                if version_refused::<O>(&sent) {
                    let mut n = throttle::lock(&self.shared.negotiation);
                    n.refuse(v);
                    if let Some(server) = &server {
                        n.state(server, versions);
                    }
                    probe = n.accepted().is_none();
                    if let Some(next) = n.current(versions, probe) {
                        tracing::info!(
                            refused = v,
                            next,
                            server_version = ?server,
                            "the server refuses this RequestServerVersion: stepping down"
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
                    let mut n = throttle::lock(&self.shared.negotiation);
                    n.accept(v, versions);
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
    pub(super) fn note_server_version(&self, headers: &impl crate::version::ServerVersionHeader) {
        if let Some(v) = headers.server_version() {
            *throttle::lock(&self.shared.server_version) = Some(v);
        }
    }

    /// Whether a request already sent again `retries` times may go once more after `retry`.
    pub(super) fn may_retry(&self, retries: u32, retry: &Retry) -> bool {
        retries < self.max_retries && retry.wait() <= self.max_back_off
    }

    /// Holds the client back as `retry` asks: a busy server's back-off holds back every call
    /// of the client; too many connections lower the concurrency, and this call waits.
    pub(super) async fn hold_back(&self, retry: &Retry) {
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
    let read = soap::read_response_or_fault::<O::Response, O::ResponseHeaders>(text, options);
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
        Ok(Err((fault, headers))) => {
            use crate::version::ServerVersionHeader as _;
            let detail = fault.exchange_detail();
            Err(Error::Fault(Box::new(SoapFault {
                status,
                fault,
                detail,
                http: info,
                server_version: headers.server_version(),
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
