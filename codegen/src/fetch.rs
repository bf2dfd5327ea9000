//! Downloads a server's schemas (`ews-codegen fetch`, cargo feature `fetch`): `Services.wsdl`,
//! `messages.xsd` and `types.xsd` from the folder of the EWS endpoint, authenticated as the
//! `ewsgen` examples are (`EWS_USER`, `EWS_PASSWORD`, `EWS_AUTH=basic|ntlm|bearer`,
//! `EWS_TOKEN`, `EWS_CA_FILE`, `EWS_RESOLVE`: [`ews_auth::env`]), and finds the server's
//! version.
//!
//! What a server says of its version: the answer to a GET of the schema files carries no
//! `ServerVersionInfo` (a SOAP header); Exchange 2007 and 2010 write their schema version in
//! the `version` attribute of the schemas' root (`Exchange2010_SP2`), Exchange 2013 and later
//! and Exchange Online write none; Exchange's front end adds `X-OWA-Version` (the build,
//! `15.1.2507.6`) to some answers, not all. Every SOAP answer carries `ServerVersionInfo`,
//! faults included, so after the downloads one small request is posted to the endpoint (a
//! `GetFolder` of the root folder's id, `RequestServerVersion` `Exchange2007_SP1`, which
//! every version since Exchange 2007 SP1 accepts) and its `ServerVersionInfo` is the version
//! reported; without one, the `X-OWA-Version` header, then the schemas' `version` attribute.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use ews_auth::env::Credentials;
use ews_auth::ntlm::{self, Scheme};
use reqwest::header::HeaderMap;

/// A file of the schema set: its name on the server, its name in the output folder, and
/// whether the bindings need it.
struct Wanted {
    remote: &'static str,
    local: &'static str,
    required: bool,
    /// The root element it must have: (namespace, local name).
    root: (&'static str, &'static str),
}

const XS: &str = "http://www.w3.org/2001/XMLSchema";
const WSDL: &str = "http://schemas.xmlsoap.org/wsdl/";
const TYPES: &str = "http://schemas.microsoft.com/exchange/services/2006/types";

const FILES: [Wanted; 3] = [
    Wanted {
        remote: "Services.wsdl",
        local: "services.wsdl",
        required: false,
        root: (WSDL, "definitions"),
    },
    Wanted {
        remote: "messages.xsd",
        local: "messages.xsd",
        required: true,
        root: (XS, "schema"),
    },
    Wanted {
        remote: "types.xsd",
        local: "types.xsd",
        required: true,
        root: (XS, "schema"),
    },
];

/// The largest file accepted (the official schemas are under 1 MB each).
const MAX_BYTES: usize = 64 * 1024 * 1024;

/// What to download, from where, with which credentials.
#[derive(Debug, Clone)]
pub struct Fetch {
    url: String,
    out: PathBuf,
    credentials: Credentials,
    roots_pem: Vec<Vec<u8>>,
    resolve: Vec<(String, SocketAddr)>,
    timeout: Duration,
}

/// A file written, or one the server does not have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileOutcome {
    /// Downloaded and written.
    Written {
        /// Where.
        path: PathBuf,
        /// From where.
        url: String,
        /// Its size.
        bytes: usize,
    },
    /// The server answered 404: it does not publish the file (older servers lack
    /// `Services.wsdl` there); the bindings are generated without it.
    Missing {
        /// The file's name on the server.
        name: &'static str,
        /// The URL asked.
        url: String,
    },
}

/// Where the version reported came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VersionSource {
    /// The `ServerVersionInfo` SOAP header of an answer to a request posted to the endpoint.
    ServerVersionInfo,
    /// The `X-OWA-Version` HTTP header of an answer.
    OwaVersionHeader,
    /// The `version` attribute of a schema file's root (the schema version, such as
    /// `Exchange2010_SP2`, not a build).
    SchemaAttribute(&'static str),
}

/// The server's version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerVersion {
    /// The build (`15.1.2507.6`), or the schema version when that is all there is.
    pub version: String,
    /// `ServerVersionInfo`'s `Version` (such as `V2017_07_11` or `Exchange2010_SP2`).
    pub schema_version: Option<String>,
    /// Where it came from.
    pub source: VersionSource,
}

impl std::fmt::Display for ServerVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.version)?;
        match (&self.source, &self.schema_version) {
            (VersionSource::ServerVersionInfo, Some(v)) => {
                write!(f, " (Version=\"{v}\", from ServerVersionInfo)")
            }
            (VersionSource::ServerVersionInfo, None) => f.write_str(" (from ServerVersionInfo)"),
            (VersionSource::OwaVersionHeader, _) => f.write_str(" (from the X-OWA-Version header)"),
            (VersionSource::SchemaAttribute(file), _) => {
                write!(f, " (the schema version of {file})")
            }
        }
    }
}

/// What a fetch did.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// The folder the files came from (`https://host/EWS/`).
    pub base: String,
    /// Each file, in the order `Services.wsdl`, `messages.xsd`, `types.xsd`.
    pub files: Vec<FileOutcome>,
    /// The server's version, or why it is unknown.
    pub server_version: Result<ServerVersion, String>,
}

/// Why a fetch failed. Never carries a password or a token.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
    /// The URL is not an http(s) URL.
    #[error("`{0}` is not an EWS URL such as https://mail.contoso.com/EWS/Exchange.asmx")]
    Url(String),
    /// The settings are unusable (an unreadable certificate, a user name NTLM cannot send).
    #[error("{0}")]
    Config(String),
    /// HTTP 401: the server refused the credentials.
    #[error("{url}: HTTP 401 Unauthorized: {}{}", refused(.user.as_deref(), .scheme), .offered.as_deref().map(|c| format!(" (the server asks for: {c})")).unwrap_or_default())]
    Unauthorized {
        /// The URL refused.
        url: String,
        /// The user whose credentials were refused (none with a token or without credentials).
        user: Option<String>,
        /// The scheme used (`basic`, `ntlm`, `bearer`, `none`).
        scheme: &'static str,
        /// The `WWW-Authenticate` challenges, as sent.
        offered: Option<String>,
    },
    /// The NTLM handshake could not go on (an unreadable challenge).
    #[error("{url}: NTLM: {message}")]
    Authentication {
        /// The URL.
        url: String,
        /// What failed.
        message: String,
    },
    /// A 3xx answer (redirects are not followed: credentials stay with the host named).
    #[error("{url}: HTTP {status}: the server redirects to {}; give the EWS URL itself (Autodiscover finds it)", .location.as_deref().unwrap_or("(no Location)"))]
    Redirect {
        /// The URL.
        url: String,
        /// The status.
        status: u16,
        /// `Location`.
        location: Option<String>,
    },
    /// Any other status than 200, 3xx, 401 and 404.
    #[error("{url}: HTTP {status}: {body}")]
    Status {
        /// The URL.
        url: String,
        /// The status.
        status: u16,
        /// The start of the answer.
        body: String,
    },
    /// An answer that is not the schema file asked for (a login page, an error page).
    #[error("{url}: the answer is not {expected}: {found}")]
    NotSchema {
        /// The URL.
        url: String,
        /// What was expected.
        expected: String,
        /// What came.
        found: String,
    },
    /// The server does not have a file the bindings need.
    #[error("{url}: HTTP 404: the server has no {name}, which the bindings need: is {base} the folder of an EWS endpoint?")]
    Required {
        /// The file.
        name: &'static str,
        /// Its URL.
        url: String,
        /// The folder asked.
        base: String,
    },
    /// Connecting, sending or receiving failed.
    #[error("{url}: {message}")]
    Transport {
        /// The URL.
        url: String,
        /// What failed.
        message: String,
    },
    /// A file could not be written.
    #[error("{}: {source}", .path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// What the system said.
        #[source]
        source: std::io::Error,
    },
}

fn refused(user: Option<&str>, scheme: &str) -> String {
    match (user, scheme) {
        (Some(u), s) => format!("the server refused the credentials of {u} (EWS_AUTH={s})"),
        (None, "bearer") => "the server refused the bearer token (EWS_TOKEN)".into(),
        _ => "no credentials were sent: set EWS_USER and EWS_PASSWORD (or EWS_TOKEN)".into(),
    }
}

impl Fetch {
    /// Downloads from the EWS endpoint `url` (`https://host/EWS/Exchange.asmx`, or its folder
    /// `https://host/EWS/`) into the folder `out`, without credentials.
    pub fn new(url: impl Into<String>, out: impl Into<PathBuf>) -> Fetch {
        Fetch {
            url: url.into(),
            out: out.into(),
            credentials: Credentials::None,
            roots_pem: Vec::new(),
            resolve: Vec::new(),
            timeout: Duration::from_secs(60),
        }
    }

    /// The same, with the credentials, host overrides and extra root certificate of the
    /// environment, as the `ewsgen` examples read them ([`ews_auth::env`]); `Err` is a
    /// message naming the variable at fault.
    pub fn from_env(url: impl Into<String>, out: impl Into<PathBuf>) -> Result<Fetch, String> {
        let mut f = Fetch::new(url, out);
        f.credentials = match ews_auth::env::credentials(None, ews_auth::env::Need::Optional)? {
            // NTLM under Negotiate: this command does not speak Kerberos.
            Credentials::Negotiate {
                user: Some(user),
                password: Some(password),
            } => Credentials::Ntlm { user, password },
            Credentials::Negotiate { .. } => {
                return Err("EWS_AUTH=negotiate: fetch needs EWS_USER and EWS_PASSWORD (NTLM; it has no Kerberos)".into())
            }
            c => c,
        };
        f.resolve = ews_auth::env::resolve()?;
        if let Some(pem) = ews_auth::env::ca_file()? {
            f.roots_pem.push(pem);
        }
        Ok(f)
    }

    /// Sends these credentials.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = credentials;
        self
    }

    /// Trusts the certificates of `pem` beside the system's roots.
    pub fn add_root_certificates_pem(mut self, pem: &[u8]) -> Self {
        self.roots_pem.push(pem.to_vec());
        self
    }

    /// Connects to `addr` for `host` instead of asking DNS.
    pub fn resolve(mut self, host: impl Into<String>, addr: SocketAddr) -> Self {
        self.resolve.push((host.into(), addr));
        self
    }

    /// The longest a request may take (default 60 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The folder of the endpoint, ending in `/`: `https://host/EWS/Exchange.asmx` (or a
    /// schema file's URL) and `https://host/EWS` give `https://host/EWS/`; a URL naming only
    /// the host gets `/EWS/`.
    pub fn base_url(&self) -> Result<reqwest::Url, FetchError> {
        let bad = || FetchError::Url(self.url.clone());
        let mut url = reqwest::Url::parse(&self.url).map_err(|_| bad())?;
        if !matches!(url.scheme(), "https" | "http") || url.host_str().is_none() {
            return Err(bad());
        }
        url.set_query(None);
        url.set_fragment(None);
        let mut path = url.path().to_string();
        // A file of the folder (`Exchange.asmx`, or `Services.wsdl` given by mistake).
        let last = path
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        if [".asmx", ".wsdl", ".xsd"].iter().any(|e| last.ends_with(e)) {
            path.truncate(path.rfind('/').map_or(0, |i| i + 1));
        }
        if path.is_empty() || path == "/" {
            path = "/EWS/".into();
        }
        if !path.ends_with('/') {
            path.push('/');
        }
        url.set_path(&path);
        Ok(url)
    }

    /// Downloads the files, writes those the server has into the output folder (created if
    /// needed; nothing is written unless `messages.xsd` and `types.xsd` both came), and finds
    /// the server's version.
    pub fn run(&self) -> Result<Fetched, FetchError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| FetchError::Config(format!("the async runtime cannot start: {e}")))?;
        runtime.block_on(self.run_async())
    }

    async fn run_async(&self) -> Result<Fetched, FetchError> {
        let base = self.base_url()?;
        if let Credentials::Ntlm { user, .. } = &self.credentials {
            ntlm::check_user(user).map_err(FetchError::Config)?;
        }
        let mut conn = Connection::new(self)?;
        let mut downloaded = Vec::new();
        let mut owa_version = None;
        for w in &FILES {
            let url = base
                .join(w.remote)
                .map_err(|_| FetchError::Url(self.url.clone()))?;
            let answer = conn.send(reqwest::Method::GET, &url, None).await?;
            owa_version = owa_version.or_else(|| header(&answer.headers, "X-OWA-Version"));
            match answer.status {
                200 => {
                    check_root(&answer.body, w.root).map_err(|found| FetchError::NotSchema {
                        url: url.to_string(),
                        expected: format!("{} ({{{}}}{})", w.remote, w.root.0, w.root.1),
                        found,
                    })?;
                    downloaded.push((w, url, Some(answer.body)));
                }
                404 if w.required => {
                    return Err(FetchError::Required {
                        name: w.remote,
                        url: url.to_string(),
                        base: base.to_string(),
                    })
                }
                404 => downloaded.push((w, url, None)),
                _ => return Err(self.status_error(&url, &answer)),
            }
        }
        std::fs::create_dir_all(&self.out).map_err(|e| FetchError::Write {
            path: self.out.clone(),
            source: e,
        })?;
        let mut files = Vec::new();
        let mut schema_attribute = None;
        for (w, url, body) in downloaded {
            let Some(body) = body else {
                files.push(FileOutcome::Missing {
                    name: w.remote,
                    url: url.to_string(),
                });
                continue;
            };
            if schema_attribute.is_none() && w.root.1 == "schema" {
                schema_attribute = root_attribute(&body, "version").map(|v| (w.remote, v));
            }
            let path = self.out.join(w.local);
            write_file(&path, &body)?;
            files.push(FileOutcome::Written {
                path,
                url: url.to_string(),
                bytes: body.len(),
            });
        }
        let endpoint = base
            .join("Exchange.asmx")
            .map_err(|_| FetchError::Url(self.url.clone()))?;
        let server_version = match conn.server_version_info(&endpoint).await {
            Ok(v) => Ok(v),
            Err(why) => match (owa_version, schema_attribute) {
                (Some(build), _) => Ok(ServerVersion {
                    version: build,
                    schema_version: None,
                    source: VersionSource::OwaVersionHeader,
                }),
                (None, Some((file, v))) => Ok(ServerVersion {
                    version: v,
                    schema_version: None,
                    source: VersionSource::SchemaAttribute(file),
                }),
                (None, None) => Err(why),
            },
        };
        Ok(Fetched {
            base: base.to_string(),
            files,
            server_version,
        })
    }

    fn status_error(&self, url: &reqwest::Url, answer: &Answer) -> FetchError {
        let url = url.to_string();
        match answer.status {
            401 => FetchError::Unauthorized {
                url,
                user: self.credentials.user().map(str::to_string),
                scheme: self.credentials.scheme(),
                offered: (!answer.www_authenticate.is_empty())
                    .then(|| answer.www_authenticate.join(", ")),
            },
            s @ 300..=399 => FetchError::Redirect {
                url,
                status: s,
                location: header(&answer.headers, "Location"),
            },
            status => FetchError::Status {
                url,
                status,
                body: body_start(&answer.body),
            },
        }
    }
}

/// An answer read whole.
struct Answer {
    status: u16,
    headers: HeaderMap,
    www_authenticate: Vec<String>,
    /// The server's TLS certificate (DER), over https: NTLM's channel bindings.
    peer_certificate: Option<Vec<u8>>,
    body: Vec<u8>,
}

/// One kept-alive connection (NTLM authenticates a connection, not a request) and the
/// credentials.
struct Connection<'a> {
    http: reqwest::Client,
    fetch: &'a Fetch,
    /// The NTLM connection is authenticated; the scheme the server took.
    authenticated: bool,
    scheme: Scheme,
}

impl<'a> Connection<'a> {
    fn new(fetch: &'a Fetch) -> Result<Self, FetchError> {
        let mut b = reqwest::Client::builder()
            .timeout(fetch.timeout)
            .connect_timeout(Duration::from_secs(30))
            .user_agent(concat!("ews-codegen/", env!("CARGO_PKG_VERSION")))
            .redirect(reqwest::redirect::Policy::none())
            .http1_only()
            .pool_max_idle_per_host(1)
            .tls_info(true);
        for pem in &fetch.roots_pem {
            let certs = reqwest::Certificate::from_pem_bundle(pem)
                .ok()
                .filter(|c| !c.is_empty())
                .ok_or_else(|| {
                    FetchError::Config(
                        "the root certificate PEM holds no readable certificate".into(),
                    )
                })?;
            b = b.tls_certs_merge(certs);
        }
        if !fetch.resolve.is_empty() {
            b = b.no_proxy();
        }
        for (host, addr) in &fetch.resolve {
            b = b.resolve(host, *addr);
        }
        let http = b
            .build()
            .map_err(|e| FetchError::Config(format!("the HTTP client cannot be built: {e}")))?;
        Ok(Connection {
            http,
            fetch,
            authenticated: false,
            scheme: Scheme::Ntlm,
        })
    }

    /// Sends a request with the credentials; an NTLM handshake when needed.
    async fn send(
        &mut self,
        method: reqwest::Method,
        url: &reqwest::Url,
        body: Option<(&str, &str)>,
    ) -> Result<Answer, FetchError> {
        let (user, password) = match &self.fetch.credentials {
            Credentials::Ntlm { user, password } => (user.clone(), password.clone()),
            Credentials::None | Credentials::Negotiate { .. } => {
                return self.exchange(&method, url, body, None).await
            }
            Credentials::Basic { user, password } => {
                let req = self
                    .request(&method, url, body)
                    .basic_auth(user, Some(password));
                return self.read(url, req).await;
            }
            Credentials::Bearer { token } => {
                let req = self.request(&method, url, body).bearer_auth(token);
                return self.read(url, req).await;
            }
        };
        if self.authenticated {
            let answer = self.exchange(&method, url, body, None).await?;
            if answer.status != 401 {
                return Ok(answer);
            }
            self.authenticated = false;
        }
        // NEGOTIATE (with an empty body), CHALLENGE, then the request with AUTHENTICATE, on
        // the one connection; a server offering only the other scheme gets the messages
        // under it.
        let mut switched = false;
        loop {
            let negotiate = format!("{} {}", self.scheme.as_str(), ntlm::negotiate());
            let empty = body.map(|(_, action)| ("", action));
            let challenge = self.exchange(&method, url, empty, Some(negotiate)).await?;
            if challenge.status != 401 {
                // Nothing asked: send the request itself (a GET was just that).
                return match body {
                    None => Ok(challenge),
                    Some(_) => self.exchange(&method, url, body, None).await,
                };
            }
            let token = match ntlm::offered(&challenge.www_authenticate, self.scheme) {
                Some(Some(token)) => token,
                offered => {
                    let other = match self.scheme {
                        Scheme::Ntlm => Scheme::Negotiate,
                        Scheme::Negotiate => Scheme::Ntlm,
                    };
                    if !switched
                        && offered.is_none()
                        && ntlm::offered(&challenge.www_authenticate, other).is_some()
                    {
                        switched = true;
                        self.scheme = other;
                        continue;
                    }
                    return Ok(challenge);
                }
            };
            // Extended Protection: over https, the channel bindings of the server's
            // certificate and the service's name.
            let failed = |message| FetchError::Authentication {
                url: url.to_string(),
                message,
            };
            let bindings = match (url.scheme(), challenge.peer_certificate.as_deref()) {
                ("https", Some(der)) => Some(
                    ews_auth::binding::ChannelBindings::from_certificate(der).map_err(failed)?,
                ),
                _ => None,
            };
            let spn = format!("HTTP/{}", url.host_str().unwrap_or_default());
            let target = ntlm::Target {
                spn: Some(&spn),
                bindings: bindings.as_ref(),
            };
            let message =
                ntlm::authenticate_for(&token, &user, &password, &target).map_err(failed)?;
            let authorization = format!("{} {message}", self.scheme.as_str());
            let answer = self
                .exchange(&method, url, body, Some(authorization))
                .await?;
            self.authenticated = answer.status != 401;
            return Ok(answer);
        }
    }

    fn request(
        &self,
        method: &reqwest::Method,
        url: &reqwest::Url,
        body: Option<(&str, &str)>,
    ) -> reqwest::RequestBuilder {
        let mut req = self.http.request(method.clone(), url.clone());
        if let Some((text, action)) = body {
            req = req
                .header("Content-Type", "text/xml; charset=utf-8")
                .header("SOAPAction", action)
                .body(text.to_string());
        }
        req
    }

    async fn exchange(
        &self,
        method: &reqwest::Method,
        url: &reqwest::Url,
        body: Option<(&str, &str)>,
        authorization: Option<String>,
    ) -> Result<Answer, FetchError> {
        let mut req = self.request(method, url, body);
        if let Some(a) = authorization {
            let mut value = reqwest::header::HeaderValue::from_str(&a).map_err(|_| {
                FetchError::Config(
                    "the credentials hold characters an HTTP header cannot carry".into(),
                )
            })?;
            value.set_sensitive(true);
            req = req.header("Authorization", value);
        }
        self.read(url, req).await
    }

    /// Sends and reads the whole answer (so that the connection is free for the next
    /// request).
    async fn read(
        &self,
        url: &reqwest::Url,
        req: reqwest::RequestBuilder,
    ) -> Result<Answer, FetchError> {
        let transport = |e: reqwest::Error| FetchError::Transport {
            url: url.to_string(),
            message: error_chain(&e.without_url()),
        };
        let mut resp = req.send().await.map_err(transport)?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let peer_certificate = resp
            .extensions()
            .get::<reqwest::tls::TlsInfo>()
            .and_then(|t| t.peer_certificate())
            .map(<[u8]>::to_vec);
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(transport)? {
            if body.len() + chunk.len() > MAX_BYTES {
                return Err(FetchError::Transport {
                    url: url.to_string(),
                    message: format!("the answer is larger than {MAX_BYTES} bytes"),
                });
            }
            body.extend_from_slice(&chunk);
        }
        let www_authenticate = headers
            .get_all("WWW-Authenticate")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(str::to_string)
            .collect();
        Ok(Answer {
            status,
            headers,
            www_authenticate,
            peer_certificate,
            body,
        })
    }

    /// The `ServerVersionInfo` header of the answer to a small request (any answer: a
    /// fault carries it too); `Err` says why there is none.
    async fn server_version_info(
        &mut self,
        endpoint: &reqwest::Url,
    ) -> Result<ServerVersion, String> {
        const REQUEST: &str = r#"<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types" xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"><soap:Header><t:RequestServerVersion Version="Exchange2007_SP1"/></soap:Header><soap:Body><m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape><m:FolderIds><t:DistinguishedFolderId Id="msgfolderroot"/></m:FolderIds></m:GetFolder></soap:Body></soap:Envelope>"#;
        const ACTION: &str =
            "\"http://schemas.microsoft.com/exchange/services/2006/messages/GetFolder\"";
        let answer = self
            .send(reqwest::Method::POST, endpoint, Some((REQUEST, ACTION)))
            .await
            .map_err(|e| e.to_string())?;
        server_version_info(&answer.body).ok_or_else(|| {
            format!(
                "{endpoint} answered HTTP {} without ServerVersionInfo",
                answer.status
            )
        })
    }
}

fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// An error and its causes, as one line.
fn error_chain(e: &dyn std::error::Error) -> String {
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

/// The start of an answer's body, on one line, for an error message.
fn body_start(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(512)]);
    let line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.is_empty() {
        "(an empty answer)".into()
    } else {
        line
    }
}

/// Writes through a temporary file renamed into place.
fn write_file(path: &Path, bytes: &[u8]) -> Result<(), FetchError> {
    let tmp = path.with_extension("download");
    std::fs::write(&tmp, bytes)
        .and_then(|()| std::fs::rename(&tmp, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            FetchError::Write {
                path: path.to_path_buf(),
                source: e,
            }
        })
}

/// Checks that the document's root is `{ns}name`; `Err` says what it is instead.
fn check_root(body: &[u8], (ns, name): (&str, &str)) -> Result<(), String> {
    match root(body) {
        Ok((n, l, _)) if n.as_deref() == Some(ns) && l == name => Ok(()),
        Ok((n, l, _)) if l.eq_ignore_ascii_case("html") => Err(format!(
            "an HTML page (`<{l}>`{}): a login or error page? give the EWS URL itself",
            n.map(|n| format!(" in {n}")).unwrap_or_default()
        )),
        Ok((n, l, _)) => Err(format!(
            "a document whose root is {{{}}}{l}",
            n.unwrap_or_default()
        )),
        Err(e) => Err(e),
    }
}

type Attributes = Vec<(Option<String>, String, String)>;

/// The root element of a document: namespace, local name, attributes (namespace, local
/// name, value).
fn root(body: &[u8]) -> Result<(Option<String>, String, Attributes), String> {
    use xml::reader::{EventReader, ParserConfig, XmlEvent};
    let config = ParserConfig::new().ignore_comments(true);
    let mut reader = EventReader::new_with_config(body, config);
    loop {
        match reader.next() {
            Ok(XmlEvent::StartElement {
                name, attributes, ..
            }) => {
                let attrs = attributes
                    .into_iter()
                    .map(|a| (a.name.namespace, a.name.local_name, a.value))
                    .collect();
                return Ok((name.namespace, name.local_name, attrs));
            }
            Ok(XmlEvent::EndDocument) => return Err("an empty document".into()),
            Ok(_) => {}
            Err(e) => return Err(format!("not XML ({e}): {}", body_start(body))),
        }
    }
}

/// An attribute without namespace of the document's root.
fn root_attribute(body: &[u8], name: &str) -> Option<String> {
    let (_, _, attrs) = root(body).ok()?;
    attrs
        .into_iter()
        .find(|(ns, local, _)| ns.is_none() && local == name)
        .map(|(_, _, v)| v)
}

/// The attributes of the first `{types}ServerVersionInfo` element of a SOAP answer.
fn server_version_info(body: &[u8]) -> Option<ServerVersion> {
    use xml::reader::{EventReader, XmlEvent};
    for event in EventReader::new(body) {
        match event {
            Ok(XmlEvent::StartElement {
                name, attributes, ..
            }) if name.local_name == "ServerVersionInfo"
                && name.namespace.as_deref() == Some(TYPES) =>
            {
                let get = |n: &str| {
                    attributes
                        .iter()
                        .find(|a| a.name.local_name == n && a.name.namespace.is_none())
                        .map(|a| a.value.trim().to_string())
                };
                let parts: Vec<String> = [
                    "MajorVersion",
                    "MinorVersion",
                    "MajorBuildNumber",
                    "MinorBuildNumber",
                ]
                .iter()
                .map_while(|n| get(n))
                .collect();
                let schema_version = get("Version");
                if parts.is_empty() && schema_version.is_none() {
                    return None;
                }
                return Some(ServerVersion {
                    version: if parts.is_empty() {
                        schema_version.clone().unwrap_or_default()
                    } else {
                        parts.join(".")
                    },
                    schema_version,
                    source: VersionSource::ServerVersionInfo,
                });
            }
            Ok(_) => {}
            Err(_) => return None,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(url: &str) -> String {
        Fetch::new(url, "schemas")
            .base_url()
            .map(|u| u.to_string())
            .unwrap_or_else(|e| e.to_string())
    }

    #[test]
    fn the_folder_of_the_endpoint() {
        for (given, folder) in [
            (
                "https://mail.contoso.com/EWS/Exchange.asmx",
                "https://mail.contoso.com/EWS/",
            ),
            (
                "https://mail.contoso.com/ews/exchange.ASMX?x=1",
                "https://mail.contoso.com/ews/",
            ),
            (
                "https://mail.contoso.com/EWS/",
                "https://mail.contoso.com/EWS/",
            ),
            (
                "https://mail.contoso.com/EWS",
                "https://mail.contoso.com/EWS/",
            ),
            ("https://mail.contoso.com", "https://mail.contoso.com/EWS/"),
            (
                "http://127.0.0.1:8080/EWS/Exchange.asmx",
                "http://127.0.0.1:8080/EWS/",
            ),
            (
                "https://mail.contoso.com/EWS/Services.wsdl",
                "https://mail.contoso.com/EWS/",
            ),
        ] {
            assert_eq!(base(given), folder, "{given}");
        }
        for bad in [
            "mail.contoso.com/EWS",
            "ftp://mail.contoso.com/EWS/",
            "https://",
        ] {
            assert!(
                base(bad).contains("is not an EWS URL"),
                "{bad}: {}",
                base(bad)
            );
        }
    }

    #[test]
    fn roots_and_versions() {
        let schema = br#"<?xml version="1.0"?><!-- c --><xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" version="Exchange2010_SP2"/>"#;
        assert_eq!(check_root(schema, (XS, "schema")), Ok(()));
        assert_eq!(
            root_attribute(schema, "version").as_deref(),
            Some("Exchange2010_SP2")
        );
        let page = b"<!DOCTYPE html><html><body>Sign in</body></html>";
        assert!(check_root(page, (XS, "schema"))
            .unwrap_err()
            .contains("HTML page"));
        assert!(check_root(b"Sign in", (XS, "schema"))
            .unwrap_err()
            .contains("not XML"));
        let answer = br#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header><h:ServerVersionInfo MajorVersion="15" MinorVersion="1" MajorBuildNumber="2507" MinorBuildNumber="6" Version="V2017_07_11" xmlns:h="http://schemas.microsoft.com/exchange/services/2006/types"/></s:Header><s:Body/></s:Envelope>"#;
        let v = server_version_info(answer).expect("ServerVersionInfo");
        assert_eq!(v.version, "15.1.2507.6");
        assert_eq!(
            v.to_string(),
            "15.1.2507.6 (Version=\"V2017_07_11\", from ServerVersionInfo)"
        );
        assert_eq!(server_version_info(b"<a/>"), None);
    }
}
