//! The [`ClientBuilder`]: endpoint, credentials, timeouts, retries, concurrency, TLS and
//! name resolution, and the [`Client`] it builds.

use std::fmt;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::auth::{Auth, Secret, TokenProvider};
use super::call::{Client, Shared};
use super::error::{error_chain, Error};
use super::oauth::ClientCredentials;
use super::{http, negotiate, throttle};
use crate::rt::ReadOptions;

/// Builds a [`Client`] (and holds the credentials and connection settings
/// [`Autodiscover`](crate::client::autodiscover::Autodiscover) uses).
pub struct ClientBuilder {
    pub(super) endpoint: String,
    pub(super) auth: Auth,
    pub(super) timeout: Duration,
    pub(super) connect_timeout: Duration,
    pub(super) max_retries: u32,
    pub(super) max_back_off: Duration,
    pub(super) anchor_mailbox: Option<String>,
    pub(super) read_options: ReadOptions,
    pub(super) server_version: Option<String>,
    pub(super) check_requests: bool,
    pub(super) user_agent: String,
    pub(super) roots: Vec<reqwest::Certificate>,
    pub(super) resolve: Vec<(String, SocketAddr)>,
    pub(super) resolve_only: bool,
    pub(super) no_proxy: bool,
    pub(super) max_concurrency: usize,
    pub(super) concurrency_cooldown: Duration,
    pub(super) problems: Vec<String>,
    pub(super) oauth: Option<Arc<ClientCredentials>>,
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
            .field("server_version", &self.server_version)
            .field("check_requests", &self.check_requests)
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
    /// A builder without an endpoint (for [`Autodiscover`](crate::client::autodiscover::Autodiscover); give the endpoint
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
            server_version: None,
            check_requests: true,
            user_agent: concat!("ewsgen/", env!("CARGO_PKG_VERSION")).to_string(),
            roots: Vec::new(),
            resolve: Vec::new(),
            resolve_only: false,
            no_proxy: false,
            max_concurrency: 10,
            concurrency_cooldown: Duration::from_secs(60),
            problems: Vec::new(),
            oauth: None,
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

    /// Negotiate with Kerberos (domain-joined on-premises Exchange): `user` is the principal
    /// (`alice@CONTOSO.COM`), whose realm's KDC MIT Kerberos finds (`KRB5_CONFIG`'s
    /// `[realms]`, default `/etc/krb5.conf`, then DNS SRV `_kerberos._tcp.<realm>`); the
    /// ticket for `HTTP/<host>` is sent as SPNEGO in `Authorization: Negotiate`, bound to the
    /// TLS connection (Extended Protection), and the server's answer must prove its identity
    /// (mutual authentication).
    ///
    /// Kerberos needs the `kerberos` feature (MIT's `libgssapi_krb5`). Without it, or when no
    /// ticket can be had (no KDC, an unknown service), NTLM is sent under Negotiate, said in a
    /// DEBUG log.
    pub fn negotiate_auth(mut self, user: impl Into<String>, password: impl Into<Secret>) -> Self {
        self.auth = Auth::Negotiate {
            user: Some(user.into()),
            password: Some(password.into()),
        };
        self
    }

    /// Negotiate with Kerberos from the user's credential cache (`KRB5CCNAME`, or the
    /// default cache, after `kinit`: single sign-on), for the cache's principal or `user`'s.
    /// Needs the `kerberos` feature; there is no NTLM fallback without a password.
    pub fn negotiate_sso(mut self, user: Option<String>) -> Self {
        self.auth = Auth::Negotiate {
            user,
            password: None,
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

    /// App-only OAuth2 (the client credentials grant): tokens from `credentials`, asked for
    /// at its token endpoint with this builder's connection settings (extra roots, host
    /// overrides, proxy, timeouts), cached and renewed before they expire, and once more
    /// when the server refuses one (see [`oauth`](crate::client::oauth)).
    pub fn client_credentials(mut self, credentials: ClientCredentials) -> Self {
        let credentials = Arc::new(credentials);
        self.oauth = Some(credentials.clone());
        self.auth = Auth::Bearer(credentials);
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

    /// Pins the `RequestServerVersion` of every request whose headers do not give one (such
    /// as `"Exchange2013_SP1"`: one of the bindings' `ExchangeVersionType` values, listed in
    /// [`RequestVersion::VERSIONS`](crate::version::RequestVersion::VERSIONS)); no version is
    /// negotiated. A value the bindings do not know makes each such call fail before
    /// sending ([`Error::Config`]).
    ///
    /// Without it, the version is found in one step: the newest version first, and when the
    /// server refuses it, the version its `ServerVersionInfo` names (see
    /// [`Client::call`](crate::client::Client::call)).
    pub fn server_version(mut self, version: impl Into<String>) -> Self {
        self.server_version = Some(version.into());
        self
    }

    /// Whether each request is checked against the schema's rules before it is sent (on by
    /// default), as strict reading checks them: the facets of each value (lengths, ranges,
    /// digits, patterns), the values enumerations list, the number of values of each
    /// repeated element and the namespaces of raw elements in wildcards. (The order of
    /// elements and the required elements and attributes hold by construction: the
    /// generated types write them in order, and a required one is not an `Option`.) The
    /// check costs a few stores per element and the facet checks per value, about a tenth
    /// of writing the request. A request that breaks a rule is
    /// refused before any byte is sent, with [`Error::InvalidRequest`] naming the element
    /// path (`/Envelope/Body/SetImGroup/NewDisplayName`) instead of coming back as
    /// `ErrorSchemaValidation`. The check runs while the request is written. `false` sends
    /// requests as written (for a server whose schema differs from the bindings').
    pub fn check_requests(mut self, on: bool) -> Self {
        self.check_requests = on;
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

    pub(super) fn settings(&self) -> Result<http::Settings, Error> {
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

    pub(super) fn http(&self) -> Result<http::Http, Error> {
        let settings = self.settings()?;
        if let Some(oauth) = &self.oauth {
            oauth.use_http(settings.reqwest(None, false)?);
        }
        http::Http::new(
            settings,
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
            server_version: self.server_version,
            check_requests: self.check_requests,
        })
    }
}

impl Client {
    /// A builder for the endpoint URL (such as `https://host/EWS/Exchange.asmx`).
    pub fn builder(endpoint: impl Into<String>) -> ClientBuilder {
        ClientBuilder::default().endpoint(endpoint)
    }
}
