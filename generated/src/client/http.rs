//! The HTTP side shared by the EWS client and Autodiscover: building reqwest clients from the
//! builder's settings, sending a request with its authentication (Basic, bearer tokens with one
//! refresh after a 401, NTLM on one kept-alive connection), and reading the answer up to the
//! document limit.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use base64::Engine as _;
use reqwest::header::{HeaderMap, HeaderValue};

use super::auth::{Auth, Secret};
use super::error::Error;
use super::ntlm::{self, Scheme};
use crate::rt;
use crate::soap::HttpInfo;

/// What building a reqwest client needs, kept so that NTLM can build one per connection.
#[derive(Clone)]
pub(crate) struct Settings {
    pub timeout: Duration,
    pub connect_timeout: Duration,
    pub user_agent: String,
    pub roots: Vec<reqwest::Certificate>,
    pub resolve: Vec<(String, SocketAddr)>,
    pub resolve_only: bool,
    pub no_proxy: bool,
}

/// Refuses every name not given with `resolve` (reqwest consults the overrides first).
struct NoDns;

impl reqwest::dns::Resolve for NoDns {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let name = name.as_str().to_string();
        Box::pin(async move {
            Err(format!("`{name}` is not among the host overrides (resolve_overrides_only)").into())
        })
    }
}

impl Settings {
    /// A reqwest client: HTTP/1.1, no redirect following, gzip/deflate, the extra roots and
    /// host overrides; with `jar`, cookies; with `one_connection`, at most one idle
    /// connection (an NTLM connection).
    pub fn reqwest(
        &self,
        jar: Option<&Arc<reqwest::cookie::Jar>>,
        one_connection: bool,
    ) -> Result<reqwest::Client, Error> {
        let mut b = reqwest::Client::builder()
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .user_agent(self.user_agent.clone())
            .redirect(reqwest::redirect::Policy::none())
            .http1_only()
            .gzip(true)
            .deflate(true)
            // The server certificate, for the channel bindings of Extended Protection.
            .tls_info(true);
        // A proxy would resolve the names itself: with the overrides only, none is used.
        if self.no_proxy || self.resolve_only {
            b = b.no_proxy();
        }
        if !self.roots.is_empty() {
            b = b.tls_certs_merge(self.roots.iter().cloned());
        }
        for (host, addr) in &self.resolve {
            b = b.resolve(host, *addr);
        }
        if self.resolve_only {
            b = b.dns_resolver(Arc::new(NoDns));
        }
        if let Some(jar) = jar {
            b = b.cookie_provider(jar.clone());
        }
        if one_connection {
            b = b.pool_max_idle_per_host(1);
        }
        b.build()
            .map_err(|e| Error::Config(format!("the HTTP client cannot be built: {e}")))
    }
}

/// One request to send.
pub(crate) struct Outgoing<'a> {
    pub method: reqwest::Method,
    pub url: &'a reqwest::Url,
    pub headers: &'a [(&'static str, String)],
    pub body: &'a str,
    /// Never send credentials (the unauthenticated Autodiscover GET).
    pub anonymous: bool,
    /// A streamed answer (streaming notifications): a 200 answer's body is not read but
    /// handed back in [`Answer::stream`], and the whole exchange may last this long instead
    /// of the client's timeout.
    pub stream: Option<Duration>,
}

/// An answer, read whole (up to the document limit).
#[derive(Debug)]
pub(crate) struct Answer {
    pub status: u16,
    pub info: HttpInfo,
    pub location: Option<String>,
    pub www_authenticate: Vec<String>,
    /// `Retry-After`, as sent.
    pub retry_after: Option<String>,
    /// The server's TLS certificate (DER), over https.
    pub peer_certificate: Option<Vec<u8>>,
    pub body: Vec<u8>,
    /// The unread answer of a streamed request (status 200).
    pub stream: Option<reqwest::Response>,
}

/// An NTLM connection: a reqwest client holding at most one connection, used by one request
/// at a time, and whether that connection is authenticated.
struct Slot {
    http: reqwest::Client,
    authenticated: bool,
}

/// Sends requests with the configured authentication.
pub(crate) struct Http {
    settings: Settings,
    jar: Arc<reqwest::cookie::Jar>,
    shared: reqwest::Client,
    /// Without the cookie jar, built when a request without credentials is first sent
    /// (Autodiscover's unauthenticated steps).
    anonymous: OnceLock<reqwest::Client>,
    auth: Auth,
    limit: usize,
    slots: Mutex<Vec<Slot>>,
    scheme: Mutex<Option<Scheme>>,
    /// The Kerberos credentials of [`Auth::Negotiate`], acquired at the first request.
    #[cfg(feature = "kerberos")]
    kerberos: Mutex<Option<Arc<ews_auth::gss::Credential>>>,
    /// Why Kerberos cannot be had, once known (NTLM is sent from then on).
    #[cfg(feature = "kerberos")]
    kerberos_unavailable: Mutex<Option<String>>,
}

impl Http {
    pub fn new(settings: Settings, auth: Auth, limit: usize) -> Result<Self, Error> {
        if let Auth::Ntlm { user, .. } = &auth {
            ntlm::check_user(user).map_err(Error::Config)?;
        }
        let jar = Arc::new(reqwest::cookie::Jar::default());
        let shared = settings.reqwest(Some(&jar), false)?;
        Ok(Http {
            settings,
            jar,
            shared,
            anonymous: OnceLock::new(),
            auth,
            limit,
            slots: Mutex::new(Vec::new()),
            scheme: Mutex::new(None),
            #[cfg(feature = "kerberos")]
            kerberos: Mutex::new(None),
            #[cfg(feature = "kerberos")]
            kerberos_unavailable: Mutex::new(None),
        })
    }

    /// The credentials requests carry.
    pub fn auth(&self) -> &Auth {
        &self.auth
    }

    /// The time a request may take.
    pub fn timeout(&self) -> Duration {
        self.settings.timeout
    }

    /// The largest answer read.
    pub fn set_limit(&mut self, limit: usize) {
        self.limit = limit;
    }

    /// Sends `out` with the credentials (none when `out.anonymous`). A 401 is returned as an
    /// answer, after a bearer token refresh or the NTLM handshake had their chance.
    pub async fn send(&self, out: &Outgoing<'_>) -> Result<Answer, Error> {
        if out.anonymous {
            let anonymous = match self.anonymous.get() {
                Some(c) => c,
                None => {
                    let c = self.settings.reqwest(None, false)?;
                    self.anonymous.get_or_init(|| c)
                }
            };
            return self.exchange(anonymous, out, None, out.body).await;
        }
        match &self.auth {
            Auth::None => self.exchange(&self.shared, out, None, out.body).await,
            Auth::Basic { user, password } => {
                let raw = format!("{user}:{}", password.expose());
                let value = format!(
                    "Basic {}",
                    base64::engine::general_purpose::STANDARD.encode(raw)
                );
                let value = sensitive(&value)?;
                self.exchange(&self.shared, out, Some(value), out.body)
                    .await
            }
            Auth::Bearer(provider) => {
                let token = provider.token().await.map_err(Error::Token)?;
                let answer = self
                    .exchange(&self.shared, out, Some(bearer(&token)?), out.body)
                    .await?;
                if answer.status != 401 {
                    return Ok(answer);
                }
                // The token was refused (expired, revoked): the provider is told so and asked
                // again, and the request is sent once more.
                tracing::debug!("the bearer token was refused (HTTP 401): asking for a new one");
                let token = provider.refresh(&token).await.map_err(Error::Token)?;
                self.exchange(&self.shared, out, Some(bearer(&token)?), out.body)
                    .await
            }
            Auth::Ntlm { user, password } => self.send_ntlm(out, user, password).await,
            Auth::Negotiate { user, password } => {
                self.send_negotiate(out, user.as_deref(), password.as_ref())
                    .await
            }
        }
    }

    /// Negotiate: Kerberos when it can be had (the `kerberos` feature, credentials, a ticket
    /// for the service), else NTLM under Negotiate with the password (said in a DEBUG log).
    async fn send_negotiate(
        &self,
        out: &Outgoing<'_>,
        user: Option<&str>,
        password: Option<&Secret>,
    ) -> Result<Answer, Error> {
        #[cfg(feature = "kerberos")]
        let why = {
            use super::throttle::lock;
            let why = loop {
                if let Some(why) = lock(&self.kerberos_unavailable).clone() {
                    break why;
                }
                let cached = lock(&self.kerberos).is_some();
                let credential = match self.kerberos_credential(user, password).await {
                    Ok(c) => c,
                    Err(e) => break e,
                };
                match self.send_kerberos(out, credential).await? {
                    Ok(answer) => return Ok(answer),
                    Err(e) => {
                        *lock(&self.kerberos) = None;
                        if !cached {
                            break e;
                        }
                        // The credentials acquired before may have expired: new ones.
                        tracing::debug!("Kerberos failed ({e}): new credentials");
                    }
                }
            };
            // With a password to fall back on, NTLM from now on.
            if password.is_some() {
                *lock(&self.kerberos_unavailable) = Some(why.clone());
            }
            why
        };
        #[cfg(not(feature = "kerberos"))]
        let why = "built without the `kerberos` feature".to_string();
        match (user, password) {
            (Some(user), Some(password)) => {
                tracing::debug!(
                    url = %out.url,
                    "Kerberos cannot be had ({why}): NTLM under Negotiate"
                );
                if let Ok(mut s) = self.scheme.lock() {
                    s.get_or_insert(Scheme::Negotiate);
                }
                self.send_ntlm(out, user, password).await
            }
            _ => Err(Error::Authentication(format!(
                "{}: Kerberos cannot be had ({why}), and NTLM needs a user and password",
                out.url
            ))),
        }
    }

    /// The Kerberos credentials, acquired once (from the password, or the credential cache).
    #[cfg(feature = "kerberos")]
    async fn kerberos_credential(
        &self,
        user: Option<&str>,
        password: Option<&Secret>,
    ) -> Result<Arc<ews_auth::gss::Credential>, String> {
        use ews_auth::gss::Credential;
        if let Some(c) = super::throttle::lock(&self.kerberos).clone() {
            return Ok(c);
        }
        let user = user.map(str::to_string);
        let password = password.map(|p| p.expose().to_string());
        // MIT asks the KDC: a blocking exchange, off the async threads.
        let credential = tokio::task::spawn_blocking(move || match (user, password) {
            (Some(user), Some(password)) => Credential::with_password(&user, &password),
            (user, None) => Credential::from_cache(user.as_deref()),
            (None, Some(_)) => Err("a password needs a user (alice@CONTOSO.COM)".to_string()),
        })
        .await
        .map_err(|e| format!("the Kerberos task failed: {e}"))??;
        let credential = Arc::new(credential);
        tracing::debug!(credential = ?credential, "Kerberos credentials acquired");
        *super::throttle::lock(&self.kerberos) = Some(credential.clone());
        Ok(credential)
    }

    /// Kerberos on one kept-alive connection. `Ok(Err(why))`: Kerberos cannot be had (no
    /// ticket for the service).
    #[cfg(feature = "kerberos")]
    async fn send_kerberos(
        &self,
        out: &Outgoing<'_>,
        credential: Arc<ews_auth::gss::Credential>,
    ) -> Result<Result<Answer, String>, Error> {
        let slot = self.slots.lock().ok().and_then(|mut s| s.pop());
        let mut slot = match slot {
            Some(s) => s,
            None => Slot {
                http: self.settings.reqwest(Some(&self.jar), true)?,
                authenticated: false,
            },
        };
        let result = self.kerberos_on(&mut slot, out, credential).await;
        if matches!(&result, Ok(Ok(a)) if a.stream.is_none()) {
            if let Ok(mut slots) = self.slots.lock() {
                slots.push(slot);
            }
        }
        result
    }

    /// An authenticated connection sends the request as it is. Otherwise the request goes
    /// first with an empty body and no credentials (the answer gives the server's
    /// certificate, for the channel bindings); then with the SPNEGO token of a context for
    /// `HTTP/<host>` bound to that certificate; the server's final token must complete the
    /// context (mutual authentication), or the answer is an error.
    #[cfg(feature = "kerberos")]
    async fn kerberos_on(
        &self,
        slot: &mut Slot,
        out: &Outgoing<'_>,
        credential: Arc<ews_auth::gss::Credential>,
    ) -> Result<Result<Answer, String>, Error> {
        use ews_auth::gss::Context;
        let failed = |e: String| Error::Authentication(format!("{}: {e}", out.url));
        let probe = if slot.authenticated {
            let answer = self.exchange(&slot.http, out, None, out.body).await?;
            if answer.status != 401 {
                return Ok(Ok(answer));
            }
            tracing::debug!("the Negotiate connection is no longer authenticated: new context");
            slot.authenticated = false;
            answer
        } else {
            self.exchange(&slot.http, out, None, "").await?
        };
        if probe.status != 401 {
            // The server does not ask for authentication: send the request itself.
            let answer = self.exchange(&slot.http, out, None, out.body).await?;
            slot.authenticated = answer.status != 401;
            return Ok(Ok(answer));
        }
        if ntlm::offered(&probe.www_authenticate, Scheme::Negotiate).is_none() {
            // Negotiate is not offered (NTLM alone, say): no Kerberos here.
            return Ok(Err(format!(
                "the server does not offer Negotiate (it asks for: {})",
                probe.www_authenticate.join(", ")
            )));
        }
        let bindings =
            ntlm::bindings(out.url, probe.peer_certificate.as_deref()).map_err(failed)?;
        let host = out.url.host_str().unwrap_or_default().to_string();
        let context = match Context::new(&host, bindings.as_ref()) {
            Ok(c) => c,
            Err(e) => return Ok(Err(e)),
        };
        // The ticket for the service comes from the KDC: off the async threads.
        let for_ticket = credential.clone();
        let (context, first) = tokio::task::spawn_blocking(move || {
            let mut context = context;
            let first = context.step(&for_ticket, None);
            (context, first)
        })
        .await
        .map_err(|e| failed(format!("the Kerberos task failed: {e}")))?;
        let mut context = context;
        let token = match first {
            Ok(step) => match step.token {
                Some(t) => t,
                None => return Ok(Err("the Kerberos context gave no token".into())),
            },
            Err(e) => return Ok(Err(e)),
        };
        let authorization = sensitive(&format!(
            "Negotiate {}",
            base64::engine::general_purpose::STANDARD.encode(token)
        ))?;
        let answer = self
            .exchange(&slot.http, out, Some(authorization), out.body)
            .await?;
        if answer.status == 401 {
            tracing::debug!(url = %out.url, "the server refused the Kerberos ticket (HTTP 401)");
            return Ok(Ok(answer));
        }
        // The server's last token proves it holds the service's key (mutual
        // authentication); an answer without it is not trusted.
        let last = match ntlm::offered(&answer.www_authenticate, Scheme::Negotiate) {
            Some(Some(token)) => base64::engine::general_purpose::STANDARD
                .decode(token.as_bytes())
                .map_err(|_| failed("the server's Negotiate token is not base64".into()))?,
            _ => {
                return Err(failed(
                    "the server did not prove its identity: no Negotiate token in its answer (mutual authentication)".into(),
                ))
            }
        };
        let step = context.step(&credential, Some(&last)).map_err(failed)?;
        if !step.complete {
            return Err(failed(
                "the server's Negotiate token does not complete the context (mutual authentication)".into(),
            ));
        }
        slot.authenticated = true;
        Ok(Ok(answer))
    }

    async fn send_ntlm(
        &self,
        out: &Outgoing<'_>,
        user: &str,
        password: &Secret,
    ) -> Result<Answer, Error> {
        let slot = self.slots.lock().ok().and_then(|mut s| s.pop());
        let mut slot = match slot {
            Some(s) => s,
            None => Slot {
                http: self.settings.reqwest(Some(&self.jar), true)?,
                authenticated: false,
            },
        };
        let result = self.ntlm_on(&mut slot, out, user, password).await;
        // A streamed answer keeps its connection busy: the slot is not shared again.
        if result.as_ref().is_ok_and(|a| a.stream.is_none()) {
            if let Ok(mut slots) = self.slots.lock() {
                slots.push(slot);
            }
        }
        result
    }

    /// The NTLM exchange on one connection: an authenticated connection sends the request as
    /// it is; otherwise NEGOTIATE (with an empty body: a connection that receives it always
    /// restarts authentication), then the request with the AUTHENTICATE message. A refused
    /// AUTHENTICATE is tried once more with a new handshake; a server offering Negotiate but
    /// not NTLM gets the NTLM messages under Negotiate.
    async fn ntlm_on(
        &self,
        slot: &mut Slot,
        out: &Outgoing<'_>,
        user: &str,
        password: &Secret,
    ) -> Result<Answer, Error> {
        if slot.authenticated {
            let answer = self.exchange(&slot.http, out, None, out.body).await?;
            if answer.status != 401 {
                return Ok(answer);
            }
            tracing::debug!("the NTLM connection is no longer authenticated: new handshake");
            slot.authenticated = false;
        }
        let mut scheme = self
            .scheme
            .lock()
            .ok()
            .and_then(|s| *s)
            .unwrap_or(Scheme::Ntlm);
        let mut switched = false;
        let mut handshakes = 0;
        loop {
            let negotiate = sensitive(&format!("{} {}", scheme.as_str(), ntlm::negotiate()))?;
            let challenge = self.exchange(&slot.http, out, Some(negotiate), "").await?;
            if challenge.status != 401 {
                // The server does not ask for authentication: send the request itself.
                let answer = self.exchange(&slot.http, out, None, out.body).await?;
                slot.authenticated = answer.status != 401;
                return Ok(answer);
            }
            let token = match ntlm::offered(&challenge.www_authenticate, scheme) {
                Some(Some(token)) => token,
                offered => {
                    let other = match scheme {
                        Scheme::Ntlm => Scheme::Negotiate,
                        Scheme::Negotiate => Scheme::Ntlm,
                    };
                    if !switched
                        && ntlm::offered(&challenge.www_authenticate, other).is_some()
                        && offered.is_none()
                    {
                        switched = true;
                        scheme = other;
                        continue;
                    }
                    // Not offered, or offered without a challenge: the server refuses.
                    return Ok(challenge);
                }
            };
            tokio::task::yield_now().await;
            // Extended Protection: the service's name and the TLS connection's bindings.
            let bindings = ntlm::bindings(out.url, challenge.peer_certificate.as_deref())
                .map_err(|e| Error::Authentication(format!("{}: {e}", out.url)))?;
            let answer = ntlm::authenticate(
                &token,
                user,
                password,
                &ntlm::spn(out.url),
                bindings.as_ref(),
            )
            .map_err(|e| Error::Authentication(format!("{}: {e}", out.url)))?;
            let authorization = sensitive(&format!("{} {answer}", scheme.as_str()))?;
            let answer = self
                .exchange(&slot.http, out, Some(authorization), out.body)
                .await?;
            handshakes += 1;
            if answer.status == 401 && handshakes < 2 {
                tracing::debug!("the NTLM answer was refused: one more handshake");
                continue;
            }
            if answer.status != 401 {
                slot.authenticated = true;
                if let Ok(mut s) = self.scheme.lock() {
                    *s = Some(scheme);
                }
            }
            return Ok(answer);
        }
    }

    /// One HTTP request and its answer, read up to the document limit.
    async fn exchange(
        &self,
        http: &reqwest::Client,
        out: &Outgoing<'_>,
        authorization: Option<HeaderValue>,
        body: &str,
    ) -> Result<Answer, Error> {
        let client_request_id = uuid::Uuid::new_v4().to_string();
        let mut req = http
            .request(out.method.clone(), out.url.clone())
            .header("client-request-id", client_request_id.as_str())
            .header("return-client-request-id", "true");
        for (name, value) in out.headers {
            req = req.header(*name, value.as_str());
        }
        if let Some(a) = authorization {
            req = req.header("Authorization", a);
        }
        if out.method == reqwest::Method::POST {
            req = req.body(body.to_owned());
        }
        if let Some(total) = out.stream {
            req = req.timeout(total);
        }
        if !body.is_empty() {
            tracing::trace!(
                method = %out.method,
                url = %out.url,
                client_request_id = %client_request_id,
                body = %body,
                "request body"
            );
        }
        let started = Instant::now();
        // The time the request may take: the stream's whole duration, or the timeout.
        let timeout = out.stream.unwrap_or(self.settings.timeout);
        let mut resp = req
            .send()
            .await
            .map_err(|e| transport(out.url, timeout, e))?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let peer_certificate = resp
            .extensions()
            .get::<reqwest::tls::TlsInfo>()
            .and_then(|t| t.peer_certificate())
            .map(<[u8]>::to_vec);
        let info = HttpInfo {
            status,
            retries: 0,
            client_request_id,
            request_id: header(&headers, "request-id"),
            be_server: header(&headers, "X-BEServer"),
            diag_info: header(&headers, "X-DiagInfo"),
        };
        if out.stream.is_some() && status == 200 {
            tracing::debug!(
                method = %out.method,
                url = %out.url,
                status,
                client_request_id = %info.client_request_id,
                "HTTP exchange: a streamed answer begins"
            );
            return Ok(Answer {
                status,
                location: None,
                www_authenticate: headers
                    .get_all("WWW-Authenticate")
                    .iter()
                    .filter_map(|v| v.to_str().ok())
                    .map(str::to_string)
                    .collect(),
                retry_after: None,
                peer_certificate,
                info,
                body: Vec::new(),
                stream: Some(resp),
            });
        }
        // The body is read up to the reader's document limit (after decompression), so that a
        // server (or anything posing as one) cannot make the client buffer without bound.
        let limit = self.limit;
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
        while let Some(chunk) = resp
            .chunk()
            .await
            .map_err(|e| transport(out.url, timeout, e))?
        {
            if bytes.len() + chunk.len() > limit {
                return Err(too_large(bytes.len() + chunk.len()));
            }
            bytes.extend_from_slice(&chunk);
        }
        let elapsed = started.elapsed();
        tracing::debug!(
            method = %out.method,
            url = %out.url,
            status,
            duration_ms = elapsed.as_millis() as u64,
            client_request_id = %info.client_request_id,
            request_id = %info.request_id.as_deref().unwrap_or("-"),
            be_server = %info.be_server.as_deref().unwrap_or("-"),
            bytes = bytes.len(),
            "HTTP exchange"
        );
        if !bytes.is_empty() {
            tracing::trace!(
                status,
                client_request_id = %info.client_request_id,
                body = %String::from_utf8_lossy(&bytes),
                "response body"
            );
        }
        Ok(Answer {
            status,
            location: header(&headers, "Location"),
            www_authenticate: headers
                .get_all("WWW-Authenticate")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .map(str::to_string)
                .collect(),
            retry_after: header(&headers, "Retry-After"),
            peer_certificate,
            info,
            body: bytes,
            stream: None,
        })
    }
}

/// A transport failure of a request to `url` that could take `timeout`.
pub(crate) fn transport(url: &reqwest::Url, timeout: Duration, e: reqwest::Error) -> Error {
    if e.is_timeout() {
        Error::Timeout {
            url: url.to_string(),
            timeout,
        }
    } else {
        Error::Transport {
            url: url.to_string(),
            source: e.without_url(),
        }
    }
}

fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

fn bearer(token: &Secret) -> Result<HeaderValue, Error> {
    sensitive(&format!("Bearer {}", token.expose()))
}

pub(crate) fn sensitive(value: &str) -> Result<HeaderValue, Error> {
    let mut v = HeaderValue::from_str(value).map_err(|_| {
        Error::Config("the credentials hold characters an HTTP header cannot carry".into())
    })?;
    v.set_sensitive(true);
    Ok(v)
}
