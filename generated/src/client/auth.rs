//! Credentials: a [`Secret`] never shown, the [`Auth`] a client sends (Basic, NTLM,
//! Negotiate with Kerberos, or a bearer token from a [`TokenProvider`]).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

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
    /// token, which the client sends once more (a second 401 is [`Error::Unauthorized`](crate::client::Error::Unauthorized)).
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
    /// Negotiate: a Kerberos ticket for `HTTP/<host>` sent as SPNEGO (with the `kerberos`
    /// feature), from `password` or, without one, from the credential cache (`KRB5CCNAME`,
    /// after `kinit`); NTLM under Negotiate when Kerberos cannot be had and a password is
    /// given.
    Negotiate {
        /// The principal (`alice@CONTOSO.COM`); `None`: the credential cache's.
        user: Option<String>,
        /// The password; `None`: the credential cache.
        password: Option<Secret>,
    },
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
            Auth::Negotiate { user, password } => f
                .debug_struct("Negotiate")
                .field("user", user)
                .field("password", password)
                .finish(),
        }
    }
}
