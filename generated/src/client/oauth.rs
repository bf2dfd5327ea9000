//! App-only OAuth2: the client credentials grant of the Microsoft identity platform (or AD
//! FS), as a [`TokenProvider`] that caches its token and renews it before it expires.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use ewsgen::client::oauth::{ClientCertificate, ClientCredentials};
//! use ewsgen::client::Client;
//!
//! let pem = std::fs::read("app.pem")?; // the certificate and its private key
//! let credentials = ClientCredentials::with_certificate(
//!     "contoso.onmicrosoft.com",
//!     "00000000-0000-0000-0000-000000000000",
//!     ClientCertificate::from_pem(&pem)?,
//! );
//! let client = Client::builder("https://outlook.office365.com/EWS/Exchange.asmx")
//!     .client_credentials(credentials)
//!     .build()?;
//! # Ok(()) }
//! ```
//!
//! - The token endpoint is `<authority>/<tenant>/oauth2/v2.0/token` (authority
//!   `https://login.microsoftonline.com` unless [`ClientCredentials::authority`] says
//!   otherwise, such as an AD FS server's), or the URL given to
//!   [`ClientCredentials::token_endpoint`]; the scope is
//!   `https://outlook.office365.com/.default` unless [`ClientCredentials::scope`] says
//!   otherwise.
//! - The application proves itself with a client secret, or (as Microsoft recommends) with a
//!   client assertion: a JWT signed RS256 with the certificate's key, its header naming the
//!   certificate by its SHA-256 (`x5t#S256`) and SHA-1 (`x5t`) thumbprints, its claims `aud`
//!   (the token endpoint), `iss` and `sub` (the client id), `jti` (a new UUID), `iat`, `nbf`
//!   and `exp` (ten minutes on).
//! - The token is kept and sent until it comes near its end: it is renewed when less than
//!   the renewal margin is left of its `expires_in` (counted from when it was asked for),
//!   the margin being [`ClientCredentials::renew_margin`] (default: 5 minutes, or half the
//!   token's lifetime when that is shorter). A token the server refuses (HTTP 401) is
//!   dropped and a new one asked for once ([`TokenProvider::refresh`]). Concurrent calls
//!   wait for one request to the token endpoint.
//! - The client secret, the key, the assertion and the token are never in `Debug` output,
//!   errors or logs; an error of the token endpoint is its `error` and `error_description`.

use std::fmt;
use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use aws_lc_rs::signature::{RsaKeyPair, RSA_PKCS1_SHA256};
use base64::Engine as _;
use rustls_pki_types::pem::PemObject as _;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use super::auth::{BoxError, Secret, TokenFuture, TokenProvider};

/// The authority of the Microsoft identity platform.
pub const DEFAULT_AUTHORITY: &str = "https://login.microsoftonline.com";
/// The scope of Exchange Online's EWS for an application.
pub const DEFAULT_SCOPE: &str = "https://outlook.office365.com/.default";
/// The longest renewal margin (a token renewed when less than this is left of it).
const MAX_MARGIN: Duration = Duration::from_secs(300);
/// How long a client assertion is valid.
const ASSERTION_LIFETIME: u64 = 600;

/// A certificate and its RSA private key, which sign client assertions.
pub struct ClientCertificate {
    key: RsaKeyPair,
    x5t_s256: String,
    x5t: String,
}

impl fmt::Debug for ClientCertificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCertificate")
            .field("x5t#S256", &self.x5t_s256)
            .field("key", &"<redacted>")
            .finish()
    }
}

impl ClientCertificate {
    /// The certificate (the first `CERTIFICATE` block) and its RSA private key (`PRIVATE KEY`,
    /// PKCS #8, or `RSA PRIVATE KEY`, PKCS #1) of one PEM text. `Err` says what is missing
    /// or wrong, never the key.
    pub fn from_pem(pem: &[u8]) -> Result<ClientCertificate, CertificateError> {
        let cert = CertificateDer::pem_slice_iter(pem)
            .next()
            .ok_or(CertificateError(
                "the PEM holds no CERTIFICATE block".into(),
            ))?
            .map_err(|e| CertificateError(format!("the PEM's certificate is unreadable: {e}")))?;
        let key = PrivateKeyDer::from_pem_slice(pem).map_err(|e| {
            CertificateError(format!(
                "the PEM holds no readable private key (PRIVATE KEY or RSA PRIVATE KEY): {e}"
            ))
        })?;
        ClientCertificate::from_der(cert.as_ref(), &key)
    }

    /// The certificate (DER) and its RSA private key.
    pub fn from_der(
        certificate: &[u8],
        key: &PrivateKeyDer<'_>,
    ) -> Result<ClientCertificate, CertificateError> {
        let key = match key {
            PrivateKeyDer::Pkcs8(k) => RsaKeyPair::from_pkcs8(k.secret_pkcs8_der()),
            PrivateKeyDer::Pkcs1(k) => RsaKeyPair::from_der(k.secret_pkcs1_der()),
            _ => {
                return Err(CertificateError(
                    "the private key is not an RSA key (client assertions are signed RS256)".into(),
                ))
            }
        }
        .map_err(|e| CertificateError(format!("the private key is not a usable RSA key: {e}")))?;
        // The certificate holds the key's public half (RSAPublicKey, in its
        // SubjectPublicKeyInfo): a key of another certificate would sign assertions the
        // identity platform refuses.
        use aws_lc_rs::signature::KeyPair as _;
        let public = key.public_key().as_ref();
        if !certificate.windows(public.len()).any(|w| w == public) {
            return Err(CertificateError(
                "the private key is not the certificate's (its public key is not in the certificate)"
                    .into(),
            ));
        }
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let sha256 = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, certificate);
        let sha1 =
            aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA1_FOR_LEGACY_USE_ONLY, certificate);
        Ok(ClientCertificate {
            key,
            x5t_s256: b64.encode(sha256.as_ref()),
            x5t: b64.encode(sha1.as_ref()),
        })
    }

    /// The certificate's SHA-256 thumbprint, base64url (the assertion header's `x5t#S256`).
    pub fn x5t_s256(&self) -> &str {
        &self.x5t_s256
    }

    /// A client assertion for `audience` (the token endpoint) and `client_id`, valid from
    /// `now` (seconds since 1970) for ten minutes.
    fn assertion(&self, audience: &str, client_id: &str, now: u64) -> Result<Secret, BoxError> {
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let header = serde_json::json!({
            "alg": "RS256",
            "typ": "JWT",
            "x5t": self.x5t,
            "x5t#S256": self.x5t_s256,
        });
        let claims = serde_json::json!({
            "aud": audience,
            "iss": client_id,
            "sub": client_id,
            "jti": uuid::Uuid::new_v4().to_string(),
            "iat": now,
            "nbf": now,
            "exp": now + ASSERTION_LIFETIME,
        });
        let signed = format!(
            "{}.{}",
            b64.encode(header.to_string()),
            b64.encode(claims.to_string())
        );
        let mut signature = vec![0; self.key.public_modulus_len()];
        self.key
            .sign(
                &RSA_PKCS1_SHA256,
                &aws_lc_rs::rand::SystemRandom::new(),
                signed.as_bytes(),
                &mut signature,
            )
            .map_err(|_| "signing the client assertion failed")?;
        Ok(Secret::new(format!("{signed}.{}", b64.encode(signature))))
    }
}

/// A client certificate that cannot be used, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateError(String);

impl fmt::Display for CertificateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CertificateError {}

/// How the application proves itself.
#[derive(Debug)]
enum Credential {
    Secret(Secret),
    Certificate(ClientCertificate),
}

/// The token endpoint refused, or answered what is no token.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TokenError {
    /// The token endpoint.
    pub endpoint: String,
    /// The HTTP status (200 for an answer without a usable token).
    pub status: u16,
    /// The answer's `error` (such as `invalid_client`), or what was wrong with it.
    pub error: String,
    /// The answer's `error_description` (such as `AADSTS7000215: Invalid client secret
    /// provided...`), when it has one.
    pub description: Option<String>,
}

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the token endpoint {} answered HTTP {}: {}",
            self.endpoint, self.status, self.error
        )?;
        if let Some(d) = &self.description {
            // The first line: the identity platform adds trace and correlation ids after it.
            write!(f, ": {}", d.lines().next().unwrap_or(""))?;
        }
        Ok(())
    }
}

impl std::error::Error for TokenError {}

struct Cached {
    token: Secret,
    renew_at: Instant,
}

/// Tokens of the client credentials grant (app-only), cached and renewed before they expire
/// (see the [module](self) documentation). Give it to
/// [`ClientBuilder::client_credentials`](crate::client::ClientBuilder::client_credentials),
/// which lets it reach the token endpoint with the builder's connection settings, or to
/// [`ClientBuilder::token_provider`](crate::client::ClientBuilder::token_provider).
pub struct ClientCredentials {
    authority: String,
    tenant: String,
    endpoint: Option<String>,
    client_id: String,
    credential: Credential,
    scope: String,
    renew_margin: Option<Duration>,
    http: OnceLock<reqwest::Client>,
    cache: tokio::sync::Mutex<Option<Cached>>,
}

impl fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let credential = match &self.credential {
            Credential::Secret(_) => "client secret",
            Credential::Certificate(_) => "client certificate",
        };
        f.debug_struct("ClientCredentials")
            .field("token_endpoint", &self.token_url())
            .field("client_id", &self.client_id)
            .field("credential", &credential)
            .field("scope", &self.scope)
            .field("renew_margin", &self.renew_margin)
            .finish_non_exhaustive()
    }
}

impl ClientCredentials {
    fn new(tenant: &str, client_id: &str, credential: Credential) -> Self {
        ClientCredentials {
            authority: DEFAULT_AUTHORITY.into(),
            tenant: tenant.trim().to_string(),
            endpoint: None,
            client_id: client_id.trim().to_string(),
            credential,
            scope: DEFAULT_SCOPE.into(),
            renew_margin: None,
            http: OnceLock::new(),
            cache: tokio::sync::Mutex::new(None),
        }
    }

    /// The application `client_id` of `tenant` (a tenant id or domain, such as
    /// `contoso.onmicrosoft.com`), proving itself with a client secret.
    pub fn with_secret(tenant: &str, client_id: &str, secret: impl Into<Secret>) -> Self {
        Self::new(tenant, client_id, Credential::Secret(secret.into()))
    }

    /// The application `client_id` of `tenant`, proving itself with client assertions
    /// signed by `certificate`'s key.
    pub fn with_certificate(tenant: &str, client_id: &str, certificate: ClientCertificate) -> Self {
        Self::new(tenant, client_id, Credential::Certificate(certificate))
    }

    /// The authority (default `https://login.microsoftonline.com`; an AD FS server for
    /// on-premises modern authentication): the token endpoint is
    /// `<authority>/<tenant>/oauth2/v2.0/token`.
    pub fn authority(mut self, authority: impl Into<String>) -> Self {
        self.authority = authority.into().trim_end_matches('/').to_string();
        self
    }

    /// The token endpoint's whole URL, instead of the one made from the authority and
    /// tenant.
    pub fn token_endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = Some(url.into());
        self
    }

    /// The scope asked for (default `https://outlook.office365.com/.default`).
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = scope.into();
        self
    }

    /// A token is renewed when less than `margin` is left of it (default: 5 minutes, or half
    /// its lifetime when that is shorter).
    pub fn renew_margin(mut self, margin: Duration) -> Self {
        self.renew_margin = Some(margin);
        self
    }

    /// The token endpoint URL.
    pub fn token_url(&self) -> String {
        match &self.endpoint {
            Some(url) => url.clone(),
            None => format!(
                "{}/{}/oauth2/v2.0/token",
                self.authority,
                self.tenant.trim_matches('/')
            ),
        }
    }

    /// The HTTP client the token endpoint is reached with (the first given is kept).
    pub(crate) fn use_http(&self, http: reqwest::Client) {
        let _ = self.http.set(http);
    }

    fn http(&self) -> Result<&reqwest::Client, BoxError> {
        if let Some(h) = self.http.get() {
            return Ok(h);
        }
        let h = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("the HTTP client cannot be built: {e}"))?;
        Ok(self.http.get_or_init(|| h))
    }

    fn margin(&self, lifetime: Duration) -> Duration {
        self.renew_margin
            .unwrap_or_else(|| MAX_MARGIN.min(lifetime / 2))
    }

    /// Asks the token endpoint for a new token.
    async fn fetch(&self) -> Result<Cached, BoxError> {
        let url = self.token_url();
        let asked = Instant::now();
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let mut form = vec![
            ("grant_type", Secret::new("client_credentials")),
            ("client_id", Secret::new(self.client_id.clone())),
            ("scope", Secret::new(self.scope.clone())),
        ];
        match &self.credential {
            Credential::Secret(s) => form.push(("client_secret", s.clone())),
            Credential::Certificate(c) => {
                form.push((
                    "client_assertion_type",
                    Secret::new("urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
                ));
                form.push(("client_assertion", c.assertion(&url, &self.client_id, now)?));
            }
        }
        let body = form
            .iter()
            .map(|(k, v)| format!("{}={}", form_encode(k), form_encode(v.expose())))
            .collect::<Vec<_>>()
            .join("&");
        tracing::debug!(token_endpoint = %url, client_id = %self.client_id, "asking for an app-only token");
        let answer = self
            .http()?
            .post(&url)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json")
            .body(body)
            .send()
            .await
            .map_err(|e| format!("the token endpoint {url}: {}", e.without_url()))?;
        let status = answer.status().as_u16();
        let bytes = answer
            .bytes()
            .await
            .map_err(|e| format!("the token endpoint {url}: {}", e.without_url()))?;
        let fail = |error: String, description: Option<String>| TokenError {
            endpoint: url.clone(),
            status,
            error,
            description,
        };
        let json: serde_json::Value = match serde_json::from_slice(&bytes) {
            Ok(j) => j,
            Err(_) => {
                return Err(fail(
                    "the answer is not JSON".into(),
                    (status != 200).then(|| {
                        String::from_utf8_lossy(&bytes[..bytes.len().min(200)]).into_owned()
                    }),
                )
                .into())
            }
        };
        let text = |name: &str| json.get(name).and_then(|v| v.as_str()).map(str::to_string);
        if status != 200 {
            return Err(fail(
                text("error").unwrap_or_else(|| "no `error` in the answer".into()),
                text("error_description"),
            )
            .into());
        }
        let Some(token) = text("access_token").filter(|t| !t.is_empty()) else {
            return Err(fail("the answer has no access_token".into(), None).into());
        };
        if let Some(kind) = text("token_type") {
            if !kind.eq_ignore_ascii_case("bearer") {
                return Err(fail(format!("token_type `{kind}` is not Bearer"), None).into());
            }
        }
        // A number, or (AD FS, some proxies) a number in a string.
        let seconds = match json.get("expires_in") {
            Some(serde_json::Value::Number(n)) => n.as_u64(),
            Some(serde_json::Value::String(s)) => s.trim().parse().ok(),
            _ => None,
        };
        let Some(seconds) = seconds else {
            return Err(fail("the answer has no expires_in in seconds".into(), None).into());
        };
        let lifetime = Duration::from_secs(seconds);
        let renew_in = lifetime.saturating_sub(self.margin(lifetime));
        tracing::debug!(
            token_endpoint = %url,
            expires_in = seconds,
            renew_in_ms = renew_in.as_millis() as u64,
            "app-only token received"
        );
        Ok(Cached {
            token: Secret::new(token),
            renew_at: asked + renew_in,
        })
    }
}

impl TokenProvider for ClientCredentials {
    fn token(&self) -> TokenFuture<'_> {
        Box::pin(async move {
            let mut cache = self.cache.lock().await;
            if let Some(c) = cache.as_ref() {
                if Instant::now() < c.renew_at {
                    return Ok(c.token.clone());
                }
                tracing::debug!("the app-only token nears its end: renewing it");
            }
            let fresh = self.fetch().await?;
            let token = fresh.token.clone();
            *cache = Some(fresh);
            Ok(token)
        })
    }

    fn refresh<'a>(&'a self, refused: &'a Secret) -> TokenFuture<'a> {
        Box::pin(async move {
            let mut cache = self.cache.lock().await;
            // Another call may have renewed it already.
            if let Some(c) = cache.as_ref() {
                if &c.token != refused && Instant::now() < c.renew_at {
                    return Ok(c.token.clone());
                }
            }
            tracing::debug!("the app-only token was refused: asking for a new one");
            *cache = None;
            let fresh = self.fetch().await?;
            let token = fresh.token.clone();
            *cache = Some(fresh);
            Ok(token)
        })
    }
}

/// `application/x-www-form-urlencoded`: unreserved characters as they are, space as `+`,
/// every other byte `%XX`.
fn form_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'*' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_encoding() {
        assert_eq!(
            form_encode("https://outlook.office365.com/.default a+b"),
            "https%3A%2F%2Foutlook.office365.com%2F.default+a%2Bb"
        );
    }

    #[test]
    fn endpoint_and_debug() {
        let c = ClientCredentials::with_secret("contoso.onmicrosoft.com", "app-1", "s3cr3t");
        assert_eq!(
            c.token_url(),
            "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token"
        );
        let c = c.authority("https://adfs.contoso.com/");
        assert_eq!(
            c.token_url(),
            "https://adfs.contoso.com/contoso.onmicrosoft.com/oauth2/v2.0/token"
        );
        let shown = format!("{c:?}");
        assert!(
            shown.contains("app-1") && !shown.contains("s3cr3t"),
            "{shown}"
        );
    }

    #[test]
    fn margins() {
        let c = ClientCredentials::with_secret("t", "c", "s");
        assert_eq!(c.margin(Duration::from_secs(3600)), MAX_MARGIN);
        assert_eq!(c.margin(Duration::from_secs(2)), Duration::from_secs(1));
        let c = c.renew_margin(Duration::from_secs(10));
        assert_eq!(c.margin(Duration::from_secs(3600)), Duration::from_secs(10));
    }

    #[test]
    fn unusable_pem_is_named() {
        let e = ClientCertificate::from_pem(b"nothing here").unwrap_err();
        assert!(e.to_string().contains("no CERTIFICATE"), "{e}");
    }
}
