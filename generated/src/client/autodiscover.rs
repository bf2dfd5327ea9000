//! Autodiscover: from an email address to the EWS URL, the way mail clients find it.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use ewsgen::client::autodiscover::Autodiscover;
//! use ewsgen::client::ClientBuilder;
//!
//! let builder = ClientBuilder::default().basic_auth("alice@contoso.com", "secret");
//! let found = Autodiscover::new(&builder)?
//!     .approve_redirect(|r| r.to_host() == Some("mail.contoso.com"))
//!     .discover("alice@contoso.com")
//!     .await?;
//! println!("{} ({:?})", found.ews_url, found.server_version);
//! let client = builder.endpoint(found.ews_url).build()?;
//! # Ok(()) }
//! ```
//!
//! The sequence (POX Autodiscover, `requestschema/2006`):
//! 1. `POST https://{domain}/autodiscover/autodiscover.xml`;
//! 2. `POST https://autodiscover.{domain}/autodiscover/autodiscover.xml`;
//! 3. `GET http://autodiscover.{domain}/autodiscover/autodiscover.xml` without credentials,
//!    whose redirect is followed only to https (then POSTed to);
//! 4. Exchange Online's JSON endpoint
//!    (`https://autodiscover-s.outlook.com/autodiscover/autodiscover.json/v1.0/{email}?Protocol=EWS`,
//!    anonymous): after the POX steps fail, or first with [`Autodiscover::exchange_online`];
//! 5. the DNS SRV record `_autodiscover._tcp.{domain}` (with the `hickory-resolver` crate):
//!    the record of port 443 with the lowest priority (then the highest weight) names a host
//!    whose `https://{host}/autodiscover/autodiscover.xml` is POSTed to, once the caller's
//!    [`Autodiscover::approve_redirect`] callback approves that host
//!    ([`RedirectKind::DnsSrv`]: a DNS answer is not authenticated, so it is always asked).
//!    The system's resolver configuration is used (`/etc/resolv.conf`), or the name servers
//!    given to [`Autodiscover::dns_servers`]; [`Autodiscover::dns_srv`] turns the step off.
//!
//! - `redirectAddr` restarts the sequence with the new address, `redirectUrl` and HTTP
//!   redirects POST to the new https URL; at most 10 redirects in all
//!   ([`Autodiscover::max_redirects`]), and a URL asked twice for the same address, or an
//!   address met twice, is a loop.
//! - A redirect to another host (the http GET's, `redirectUrl`, a 3xx) or a `redirectAddr` to
//!   another domain is followed only when the caller's [`Autodiscover::approve_redirect`]
//!   callback approves it; without a callback, none is.
//! - Credentials are sent only over https; the http GET and the JSON endpoint get none.
//! - The result: the EWS URL (the `EXPR` protocol's, else `EXCH`'s, else any), the server
//!   version when the answer holds one, and every URL tried with its outcome (an error lists
//!   them too).

use std::collections::HashSet;
use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tracing::Instrument as _;

use super::builder::ClientBuilder;
use super::error::error_chain;
pub use crate::version::ServerVersion;

mod answers;

use super::http::{Http, Outgoing};
use answers::{pox_request, read_json, read_pox, Pox};

/// Exchange Online's Autodiscover host (the JSON endpoint).
pub const EXCHANGE_ONLINE_HOST: &str = "autodiscover-s.outlook.com";

/// Autodiscover answers are small: this is plenty.
const MAX_ANSWER: usize = 1024 * 1024;
/// What kind of redirect asks for approval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RedirectKind {
    /// An HTTP 3xx answer: to the unauthenticated http GET, a POST or the JSON endpoint.
    Http,
    /// An Autodiscover answer `<Action>redirectUrl</Action>`.
    RedirectUrl,
    /// An Autodiscover answer `<Action>redirectAddr</Action>` to an address of another domain.
    RedirectAddr,
    /// The host the DNS SRV record `_autodiscover._tcp.{domain}` names (`from` is the
    /// record's name, `to` the Autodiscover URL on that host).
    DnsSrv,
}

/// A redirect that needs the caller's approval.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Redirect {
    /// The kind.
    pub kind: RedirectKind,
    /// The URL that answered with the redirect.
    pub from: String,
    /// Where it points: a URL, or an email address for [`RedirectKind::RedirectAddr`].
    pub to: String,
}

impl Redirect {
    /// The host the redirect leads to (the domain of a `redirectAddr` address).
    pub fn to_host(&self) -> Option<&str> {
        match self.kind {
            RedirectKind::RedirectAddr => self.to.rsplit_once('@').map(|(_, d)| d),
            _ => {
                let rest = self.to.split_once("://")?.1;
                let authority = rest.split(['/', '?', '#']).next()?;
                let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
                // An IPv6 address keeps its brackets, as `Url::host_str` gives it.
                Some(match host.find(']') {
                    Some(end) if host.starts_with('[') => &host[..=end],
                    _ => host.split(':').next().unwrap_or(host),
                })
            }
        }
    }
}

impl fmt::Display for Redirect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            RedirectKind::Http => "HTTP redirect",
            RedirectKind::RedirectUrl => "redirectUrl",
            RedirectKind::RedirectAddr => "redirectAddr",
            RedirectKind::DnsSrv => "DNS SRV record",
        };
        write!(f, "{kind} from {} to {}", self.from, self.to)
    }
}

/// One request of the search and what came of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// `POST` or `GET`.
    pub method: &'static str,
    /// The URL.
    pub url: String,
    /// The address asked about.
    pub email: String,
    /// What came of it (`EWS URL https://...`, `HTTP 404`, `redirectAddr to ...`, a
    /// transport error...).
    pub outcome: String,
}

impl fmt::Display for Attempt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} (for {}): {}",
            self.method, self.url, self.email, self.outcome
        )
    }
}

/// What Autodiscover found.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Discovered {
    /// The EWS URL.
    pub ews_url: String,
    /// The server version, when the answer holds one (the JSON endpoint gives none): the
    /// hexadecimal `ServerVersion` of the answer, decoded (see
    /// [`ServerVersion::from_autodiscover`]).
    pub server_version: Option<ServerVersion>,
    /// The address the answer is for (after `redirectAddr`).
    pub email: String,
    /// The Autodiscover URL that answered.
    pub source: String,
    /// Every request made, in order, with its outcome.
    pub attempts: Vec<Attempt>,
}

/// Why Autodiscover failed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The address is not `local@domain` with a usable domain.
    InvalidAddress(String),
    /// No URL gave an EWS URL.
    NotFound,
    /// More redirects than allowed.
    TooManyRedirects(usize),
    /// A redirect led back to a URL already asked for the same address, or to an address
    /// already met.
    Loop(String),
}

/// Autodiscover failed: why, and every URL tried with its outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The address searched for.
    pub email: String,
    /// Why.
    pub kind: ErrorKind,
    /// Every request made, in order, with its outcome.
    pub attempts: Vec<Attempt>,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Autodiscover found no EWS URL for {}: ", self.email)?;
        match &self.kind {
            ErrorKind::InvalidAddress(why) => write!(f, "invalid address: {why}")?,
            ErrorKind::NotFound => f.write_str("no Autodiscover URL gave one")?,
            ErrorKind::TooManyRedirects(n) => write!(f, "more than {n} redirects")?,
            ErrorKind::Loop(what) => write!(f, "redirect loop: {what}")?,
        }
        if !self.attempts.is_empty() {
            f.write_str("; tried:")?;
            for a in &self.attempts {
                write!(f, "\n  {a}")?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

type Approve = Arc<dyn Fn(&Redirect) -> bool + Send + Sync>;

/// Finds the EWS URL of an email address (see the [module](self) documentation).
pub struct Autodiscover {
    http: Http,
    approve: Option<Approve>,
    exchange_online: bool,
    json_fallback: bool,
    max_redirects: usize,
    dns_srv: bool,
    dns_servers: Option<Vec<SocketAddr>>,
    resolve_only: bool,
}

impl fmt::Debug for Autodiscover {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Autodiscover")
            .field("approve_redirect", &self.approve.is_some())
            .field("exchange_online", &self.exchange_online)
            .field("json_fallback", &self.json_fallback)
            .field("max_redirects", &self.max_redirects)
            .field("dns_srv", &self.dns_srv)
            .field("dns_servers", &self.dns_servers)
            .finish_non_exhaustive()
    }
}

/// How one step ended.
enum Step {
    Found(Discovered),
    RedirectAddr(String),
    Nothing,
}

/// The state of one search.
struct Run {
    attempts: Vec<Attempt>,
    redirects: usize,
    asked: HashSet<String>,
}

/// A stop of the whole search.
type Stop = ErrorKind;

impl Autodiscover {
    /// Autodiscover with the credentials and connection settings of `builder` (its endpoint
    /// is not used).
    pub fn new(builder: &ClientBuilder) -> Result<Autodiscover, super::error::Error> {
        let mut http = builder.http()?;
        http.set_limit(MAX_ANSWER.min(builder.read_options.max_document_bytes));
        Ok(Autodiscover {
            http,
            approve: None,
            exchange_online: false,
            json_fallback: true,
            max_redirects: 10,
            dns_srv: true,
            dns_servers: None,
            resolve_only: builder.resolve_only,
        })
    }

    /// Decides whether a redirect to another host (or a `redirectAddr` to another domain) is
    /// followed. Without it, none is.
    pub fn approve_redirect(
        mut self,
        approve: impl Fn(&Redirect) -> bool + Send + Sync + 'static,
    ) -> Self {
        self.approve = Some(Arc::new(approve));
        self
    }

    /// The address is in Exchange Online: the JSON endpoint is asked first.
    pub fn exchange_online(mut self, yes: bool) -> Self {
        self.exchange_online = yes;
        self
    }

    /// Whether the JSON endpoint is asked after the POX steps fail (default true; it tells
    /// Microsoft's service the address).
    pub fn json_fallback(mut self, yes: bool) -> Self {
        self.json_fallback = yes;
        self
    }

    /// Whether the DNS SRV record `_autodiscover._tcp.{domain}` is looked up when every
    /// other step failed (default true).
    pub fn dns_srv(mut self, yes: bool) -> Self {
        self.dns_srv = yes;
        self
    }

    /// The name servers the SRV record is asked of (UDP, then TCP), instead of the
    /// system's configuration: a split-horizon DNS server, or a test's server on loopback.
    /// (With [`ClientBuilder::resolve_overrides_only`] and no name servers given, the SRV
    /// record is not looked up.)
    pub fn dns_servers(mut self, servers: Vec<SocketAddr>) -> Self {
        self.dns_servers = Some(servers);
        self
    }

    /// The most redirects followed in one search (default 10).
    pub fn max_redirects(mut self, n: usize) -> Self {
        self.max_redirects = n;
        self
    }

    /// Finds the EWS URL of `email`.
    pub async fn discover(&self, email: &str) -> Result<Discovered, Error> {
        let span = tracing::info_span!("ews_autodiscover", email = %email);
        self.discover_in(email).instrument(span).await
    }

    async fn discover_in(&self, email: &str) -> Result<Discovered, Error> {
        let mut run = Run {
            attempts: Vec::new(),
            redirects: 0,
            asked: HashSet::new(),
        };
        let fail = |kind, run: Run| Error {
            email: email.to_string(),
            kind,
            attempts: run.attempts,
        };
        if let Err(why) = domain_of(email) {
            return Err(fail(ErrorKind::InvalidAddress(why), run));
        }
        let mut current = email.trim().to_string();
        let mut addresses: HashSet<String> = HashSet::from([current.to_ascii_lowercase()]);
        loop {
            let step = match self.search(&current, &mut run).await {
                Ok(step) => step,
                Err(stop) => return Err(fail(stop, run)),
            };
            match step {
                Step::Found(mut d) => {
                    d.attempts = run.attempts;
                    tracing::debug!(ews_url = %d.ews_url, "Autodiscover found the EWS URL");
                    return Ok(d);
                }
                Step::Nothing => return Err(fail(ErrorKind::NotFound, run)),
                Step::RedirectAddr(next) => {
                    if !addresses.insert(next.to_ascii_lowercase()) {
                        return Err(fail(
                            ErrorKind::Loop(format!("redirectAddr back to {next}")),
                            run,
                        ));
                    }
                    if let Err(stop) = self.count_redirect(&mut run) {
                        return Err(fail(stop, run));
                    }
                    current = next;
                }
            }
        }
    }

    /// The whole sequence for one address.
    async fn search(&self, email: &str, run: &mut Run) -> Result<Step, Stop> {
        if self.exchange_online {
            if let found @ Step::Found(_) = self.json(email, run).await? {
                return Ok(found);
            }
        }
        let domain = domain_of(email).map_err(ErrorKind::InvalidAddress)?;
        for url in [
            format!("https://{domain}/autodiscover/autodiscover.xml"),
            format!("https://autodiscover.{domain}/autodiscover/autodiscover.xml"),
        ] {
            match self.post_chain(&url, email, run).await? {
                Step::Nothing => {}
                other => return Ok(other),
            }
        }
        match self.http_get(&domain, email, run).await? {
            Step::Nothing => {}
            other => return Ok(other),
        }
        if !self.exchange_online && self.json_fallback {
            match self.json(email, run).await? {
                Step::Nothing => {}
                other => return Ok(other),
            }
        }
        if self.dns_srv {
            return self.srv(&domain, email, run).await;
        }
        Ok(Step::Nothing)
    }

    /// The DNS SRV step: the host `_autodiscover._tcp.{domain}` names, when approved.
    async fn srv(&self, domain: &str, email: &str, run: &mut Run) -> Result<Step, Stop> {
        let name = format!("_autodiscover._tcp.{domain}");
        let mut attempt = Attempt {
            method: "SRV",
            url: name.clone(),
            email: email.to_string(),
            outcome: String::new(),
        };
        if self.resolve_only && self.dns_servers.is_none() {
            attempt.outcome =
                "not looked up: resolve_overrides_only, and no DNS server given".into();
            return Ok(self.record(run, attempt, Step::Nothing));
        }
        let records = match self.srv_records(&name).await {
            Ok(r) => r,
            Err(why) => {
                attempt.outcome = why;
                return Ok(self.record(run, attempt, Step::Nothing));
            }
        };
        // The records of port 443 (Autodiscover is https on its standard port), the lowest
        // priority first, then the highest weight.
        let best = records
            .iter()
            .filter(|r| r.2 == 443 && !r.3.is_empty() && r.3 != ".")
            .min_by_key(|r| (r.0, std::cmp::Reverse(r.1)));
        let Some((_, _, _, host)) = best else {
            attempt.outcome = if records.is_empty() {
                "no SRV record".into()
            } else {
                let found: Vec<String> = records
                    .iter()
                    .map(|(_, _, port, host)| format!("{host}:{port}"))
                    .collect();
                format!("no SRV record for port 443 (found {})", found.join(", "))
            };
            return Ok(self.record(run, attempt, Step::Nothing));
        };
        let url = format!("https://{host}/autodiscover/autodiscover.xml");
        let r = Redirect {
            kind: RedirectKind::DnsSrv,
            from: name.clone(),
            to: url.clone(),
        };
        if reqwest::Url::parse(&url).is_err() {
            attempt.outcome = format!("SRV target `{host}` refused: not a host name");
            return Ok(self.record(run, attempt, Step::Nothing));
        }
        if !self.approved(&r) {
            attempt.outcome = format!("SRV target {host} refused: not approved");
            return Ok(self.record(run, attempt, Step::Nothing));
        }
        attempt.outcome = format!("SRV target {host}: {url}");
        self.record(run, attempt, Step::Nothing);
        self.post_chain(&url, email, run).await
    }

    /// The SRV records of `name`: (priority, weight, port, target host without the final
    /// dot). `Err` is the attempt's outcome.
    async fn srv_records(&self, name: &str) -> Result<Vec<(u16, u16, u16, String)>, String> {
        use hickory_resolver::config::{NameServerConfig, ResolverConfig};
        use hickory_resolver::net::runtime::TokioRuntimeProvider;
        use hickory_resolver::proto::rr::RData;
        use hickory_resolver::Resolver;

        let provider = TokioRuntimeProvider::default();
        let mut builder = match &self.dns_servers {
            Some(servers) => {
                let servers = servers
                    .iter()
                    .map(|a| {
                        let mut ns = NameServerConfig::udp_and_tcp(a.ip());
                        for c in &mut ns.connections {
                            c.port = a.port();
                        }
                        ns
                    })
                    .collect();
                Resolver::builder_with_config(ResolverConfig::from_name_servers(servers), provider)
            }
            None => Resolver::builder(provider)
                .map_err(|e| format!("no DNS resolver configuration: {e}"))?,
        };
        builder.options_mut().timeout = Duration::from_secs(5);
        builder.options_mut().attempts = 2;
        let resolver = builder
            .build()
            .map_err(|e| format!("the DNS resolver cannot be built: {e}"))?;
        let fqdn = format!("{name}.");
        let lookup = match resolver.srv_lookup(fqdn.as_str()).await {
            Ok(l) => l,
            Err(e) if e.is_no_records_found() => return Ok(Vec::new()),
            Err(e) => return Err(format!("DNS: {e}")),
        };
        Ok(lookup
            .answers()
            .iter()
            .filter_map(|r| match &r.data {
                RData::SRV(srv) => Some((
                    srv.priority,
                    srv.weight,
                    srv.port,
                    srv.target.to_ascii().trim_end_matches('.').to_string(),
                )),
                _ => None,
            })
            .collect())
    }

    fn count_redirect(&self, run: &mut Run) -> Result<(), Stop> {
        run.redirects += 1;
        if run.redirects > self.max_redirects {
            return Err(ErrorKind::TooManyRedirects(self.max_redirects));
        }
        Ok(())
    }

    fn approved(&self, redirect: &Redirect) -> bool {
        let yes = self.approve.as_ref().is_some_and(|f| f(redirect));
        tracing::debug!(%redirect, approved = yes, "redirect to another host or domain");
        yes
    }

    /// Checks a redirect target URL: https only; approval when the host changes. `Err` is
    /// the outcome to record.
    fn follow(
        &self,
        kind: RedirectKind,
        from: &reqwest::Url,
        to: &str,
    ) -> Result<reqwest::Url, String> {
        let target = from
            .join(to)
            .map_err(|e| format!("redirect to `{to}` refused: not a URL ({e})"))?;
        if target.scheme() != "https" {
            return Err(format!(
                "redirect to {target} refused: only https is followed"
            ));
        }
        if target.host_str() != from.host_str() {
            let r = Redirect {
                kind,
                from: from.to_string(),
                to: target.to_string(),
            };
            if !self.approved(&r) {
                return Err(format!(
                    "redirect to {target} (another host) refused: not approved"
                ));
            }
        }
        Ok(target)
    }

    /// Where a 3xx answer to `from` leads, when `follow` allows it; `Err` is the attempt's
    /// outcome.
    fn http_redirect(
        &self,
        status: u16,
        location: Option<&str>,
        from: &reqwest::Url,
    ) -> Result<reqwest::Url, String> {
        let Some(location) = location else {
            return Err(format!("HTTP {status} without a Location"));
        };
        self.follow(RedirectKind::Http, from, location)
            .map_err(|outcome| format!("HTTP {status}: {outcome}"))
    }

    /// POSTs the POX request to `url`, following redirectUrl answers and 3xx.
    async fn post_chain(&self, url: &str, email: &str, run: &mut Run) -> Result<Step, Stop> {
        let mut url = url.to_string();
        // The URLs of this chain of redirects: one met again is a loop. A URL asked before,
        // outside the chain (a step of the sequence a redirect leads back to), already has
        // its outcome in the list.
        let mut chain: HashSet<String> = HashSet::new();
        loop {
            let key = format!("{} {}", url, email.to_ascii_lowercase());
            if !chain.insert(key.clone()) {
                return Err(ErrorKind::Loop(format!(
                    "{url} was already asked about {email}"
                )));
            }
            if !run.asked.insert(key) {
                return Ok(Step::Nothing);
            }
            let mut attempt = Attempt {
                method: "POST",
                url: url.clone(),
                email: email.to_string(),
                outcome: String::new(),
            };
            let parsed = match reqwest::Url::parse(&url) {
                Ok(u) if u.scheme() == "https" => u,
                Ok(_) => {
                    attempt.outcome = "refused: credentials are never sent over http".into();
                    return Ok(self.record(run, attempt, Step::Nothing));
                }
                Err(e) => {
                    attempt.outcome = format!("not a URL: {e}");
                    return Ok(self.record(run, attempt, Step::Nothing));
                }
            };
            let body = pox_request(email);
            let headers = [("Content-Type", "text/xml; charset=utf-8".to_string())];
            let answer = self
                .http
                .send(&Outgoing {
                    method: reqwest::Method::POST,
                    url: &parsed,
                    headers: &headers,
                    body: &body,
                    anonymous: false,
                    stream: None,
                })
                .await;
            let answer = match answer {
                Ok(a) => a,
                Err(e) => {
                    attempt.outcome = error_chain(&e);
                    return Ok(self.record(run, attempt, Step::Nothing));
                }
            };
            let next = match answer.status {
                200 => match read_pox(&answer.body) {
                    Ok(Pox::Settings { ews_url, version }) => {
                        if !ews_url.to_ascii_lowercase().starts_with("https://") {
                            attempt.outcome = format!(
                                "EWS URL {ews_url} refused: credentials are never sent over http"
                            );
                            return Ok(self.record(run, attempt, Step::Nothing));
                        }
                        attempt.outcome = format!("EWS URL {ews_url}");
                        let found = Discovered {
                            ews_url,
                            server_version: version
                                .as_deref()
                                .and_then(ServerVersion::from_autodiscover),
                            email: email.to_string(),
                            source: url.clone(),
                            attempts: Vec::new(),
                        };
                        return Ok(self.record(run, attempt, Step::Found(found)));
                    }
                    Ok(Pox::RedirectAddr(next)) => {
                        let same_domain = match (domain_of(email), domain_of(&next)) {
                            (Ok(a), Ok(b)) => a == b,
                            (_, Err(why)) => {
                                attempt.outcome =
                                    format!("redirectAddr to `{next}` refused: {why}");
                                return Ok(self.record(run, attempt, Step::Nothing));
                            }
                            _ => false,
                        };
                        let r = Redirect {
                            kind: RedirectKind::RedirectAddr,
                            from: url.clone(),
                            to: next.clone(),
                        };
                        if !same_domain && !self.approved(&r) {
                            attempt.outcome = format!(
                                "redirectAddr to {next} (another domain) refused: not approved"
                            );
                            return Ok(self.record(run, attempt, Step::Nothing));
                        }
                        attempt.outcome = format!("redirectAddr to {next}");
                        return Ok(self.record(run, attempt, Step::RedirectAddr(next)));
                    }
                    Ok(Pox::RedirectUrl(to)) => {
                        match self.follow(RedirectKind::RedirectUrl, &parsed, &to) {
                            Ok(t) => {
                                attempt.outcome = format!("redirectUrl to {t}");
                                t.to_string()
                            }
                            Err(outcome) => {
                                attempt.outcome = format!("redirectUrl: {outcome}");
                                return Ok(self.record(run, attempt, Step::Nothing));
                            }
                        }
                    }
                    Ok(Pox::Error { code, message }) => {
                        attempt.outcome = format!("Autodiscover error {code}: {message}");
                        return Ok(self.record(run, attempt, Step::Nothing));
                    }
                    Err(why) => {
                        attempt.outcome = format!("unreadable answer: {why}");
                        return Ok(self.record(run, attempt, Step::Nothing));
                    }
                },
                status @ 300..=399 => {
                    match self.http_redirect(status, answer.location.as_deref(), &parsed) {
                        Ok(t) => {
                            attempt.outcome = format!("HTTP {status} to {t}");
                            t.to_string()
                        }
                        Err(outcome) => {
                            attempt.outcome = outcome;
                            return Ok(self.record(run, attempt, Step::Nothing));
                        }
                    }
                }
                401 => {
                    attempt.outcome = format!(
                        "HTTP 401: the credentials were refused{}",
                        offers(&answer.www_authenticate)
                    );
                    return Ok(self.record(run, attempt, Step::Nothing));
                }
                status => {
                    attempt.outcome = format!("HTTP {status}");
                    return Ok(self.record(run, attempt, Step::Nothing));
                }
            };
            self.record(run, attempt, Step::Nothing);
            self.count_redirect(run)?;
            url = next;
        }
    }

    /// The unauthenticated http GET; its redirect is followed only to https.
    async fn http_get(&self, domain: &str, email: &str, run: &mut Run) -> Result<Step, Stop> {
        let url = format!("http://autodiscover.{domain}/autodiscover/autodiscover.xml");
        let mut attempt = Attempt {
            method: "GET",
            url: url.clone(),
            email: email.to_string(),
            outcome: String::new(),
        };
        let parsed = match reqwest::Url::parse(&url) {
            Ok(u) => u,
            Err(e) => {
                attempt.outcome = format!("not a URL: {e}");
                return Ok(self.record(run, attempt, Step::Nothing));
            }
        };
        let answer = self
            .http
            .send(&Outgoing {
                method: reqwest::Method::GET,
                url: &parsed,
                headers: &[],
                body: "",
                anonymous: true,
                stream: None,
            })
            .await;
        let answer = match answer {
            Ok(a) => a,
            Err(e) => {
                attempt.outcome = error_chain(&e);
                return Ok(self.record(run, attempt, Step::Nothing));
            }
        };
        let status = answer.status;
        if !(300..=399).contains(&status) {
            attempt.outcome = format!("HTTP {status}: no redirect");
            return Ok(self.record(run, attempt, Step::Nothing));
        }
        let target = match self.http_redirect(status, answer.location.as_deref(), &parsed) {
            Ok(t) => t,
            Err(outcome) => {
                attempt.outcome = outcome;
                return Ok(self.record(run, attempt, Step::Nothing));
            }
        };
        attempt.outcome = format!("HTTP {status} to {target}");
        self.record(run, attempt, Step::Nothing);
        self.count_redirect(run)?;
        self.post_chain(target.as_str(), email, run).await
    }

    /// Exchange Online's JSON endpoint (anonymous GET), following its https redirects.
    async fn json(&self, email: &str, run: &mut Run) -> Result<Step, Stop> {
        let mut url = match reqwest::Url::parse(&format!(
            "https://{EXCHANGE_ONLINE_HOST}/autodiscover/autodiscover.json/v1.0/"
        )) {
            Ok(mut u) => {
                u.path_segments_mut()
                    .map_err(|_| ErrorKind::InvalidAddress(email.to_string()))?
                    .pop_if_empty()
                    .push(email);
                u.query_pairs_mut().append_pair("Protocol", "EWS");
                u
            }
            Err(e) => return Err(ErrorKind::InvalidAddress(format!("{email}: {e}"))),
        };
        loop {
            let key = format!("{} {}", url, email.to_ascii_lowercase());
            if !run.asked.insert(key) {
                return Err(ErrorKind::Loop(format!(
                    "{url} was already asked about {email}"
                )));
            }
            let mut attempt = Attempt {
                method: "GET",
                url: url.to_string(),
                email: email.to_string(),
                outcome: String::new(),
            };
            let headers = [("Accept", "application/json".to_string())];
            let answer = self
                .http
                .send(&Outgoing {
                    method: reqwest::Method::GET,
                    url: &url,
                    headers: &headers,
                    body: "",
                    anonymous: true,
                    stream: None,
                })
                .await;
            let answer = match answer {
                Ok(a) => a,
                Err(e) => {
                    attempt.outcome = error_chain(&e);
                    return Ok(self.record(run, attempt, Step::Nothing));
                }
            };
            match answer.status {
                200 => {
                    let step = match read_json(&answer.body) {
                        Ok(ews_url) if ews_url.to_ascii_lowercase().starts_with("https://") => {
                            attempt.outcome = format!("EWS URL {ews_url}");
                            Step::Found(Discovered {
                                ews_url,
                                server_version: None,
                                email: email.to_string(),
                                source: url.to_string(),
                                attempts: Vec::new(),
                            })
                        }
                        Ok(ews_url) => {
                            attempt.outcome = format!(
                                "EWS URL {ews_url} refused: credentials are never sent over http"
                            );
                            Step::Nothing
                        }
                        Err(why) => {
                            attempt.outcome = why;
                            Step::Nothing
                        }
                    };
                    return Ok(self.record(run, attempt, step));
                }
                status @ 300..=399 => {
                    match self.http_redirect(status, answer.location.as_deref(), &url) {
                        Ok(t) => {
                            attempt.outcome = format!("HTTP {status} to {t}");
                            self.record(run, attempt, Step::Nothing);
                            self.count_redirect(run)?;
                            url = t;
                        }
                        Err(outcome) => {
                            attempt.outcome = outcome;
                            return Ok(self.record(run, attempt, Step::Nothing));
                        }
                    }
                }
                status => {
                    attempt.outcome = match read_json(&answer.body) {
                        Err(why) if why.starts_with("error ") => format!("HTTP {status}: {why}"),
                        _ => format!("HTTP {status}"),
                    };
                    return Ok(self.record(run, attempt, Step::Nothing));
                }
            }
        }
    }

    fn record(&self, run: &mut Run, attempt: Attempt, step: Step) -> Step {
        tracing::debug!(
            method = attempt.method,
            url = %attempt.url,
            email = %attempt.email,
            outcome = %attempt.outcome,
            "Autodiscover attempt"
        );
        run.attempts.push(attempt);
        step
    }
}

/// ` (it offers: ...)` for a 401.
fn offers(challenges: &[String]) -> String {
    if challenges.is_empty() {
        String::new()
    } else {
        format!(" (it offers: {})", challenges.join(", "))
    }
}

/// The domain of `local@domain`, lowercased, checked to be a host name.
fn domain_of(email: &str) -> Result<String, String> {
    let email = email.trim();
    let Some((local, domain)) = email.rsplit_once('@') else {
        return Err(format!("`{email}` has no @"));
    };
    if local.is_empty() || domain.is_empty() {
        return Err(format!("`{email}` is not local@domain"));
    }
    let ok = domain
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
        && !domain.starts_with(['.', '-'])
        && !domain.ends_with(['.', '-'])
        && !domain.contains("..");
    if !ok {
        return Err(format!("`{domain}` is not a domain name"));
    }
    Ok(domain.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_versions_decode() {
        let v = ServerVersion::from_autodiscover("738180DA").unwrap();
        assert_eq!(
            (v.major_version, v.minor_version, v.major_build_number),
            (Some(14), Some(1), Some(218))
        );
        let v = ServerVersion::from_autodiscover("73C18880").unwrap();
        assert_eq!((v.major_version, v.minor_version), (Some(15), Some(1)));
        assert!(ServerVersion::from_autodiscover("zz").is_none());
        assert!(ServerVersion::from_autodiscover("123456789").is_none());
    }

    #[test]
    fn redirect_hosts() {
        let r = |kind, to: &str| Redirect {
            kind,
            from: "https://contoso.test/".into(),
            to: to.into(),
        };
        let url = RedirectKind::RedirectUrl;
        assert_eq!(
            r(url, "https://u@mail.contoso.test:444/a?b").to_host(),
            Some("mail.contoso.test")
        );
        assert_eq!(r(url, "https://[::1]:8443/x").to_host(), Some("[::1]"));
        assert_eq!(r(url, "https://[::1]/").to_host(), Some("[::1]"));
        assert_eq!(
            r(RedirectKind::RedirectAddr, "a@fabrikam.test").to_host(),
            Some("fabrikam.test")
        );
    }

    #[test]
    fn domains_are_checked() {
        assert_eq!(domain_of("Alice@Contoso.Test").unwrap(), "contoso.test");
        for bad in [
            "alice",
            "@contoso.test",
            "alice@",
            "a@contoso.test/x",
            "a@x..y",
            "a@evil.test:80",
        ] {
            assert!(domain_of(bad).is_err(), "{bad}");
        }
    }
}
