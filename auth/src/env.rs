//! The connection settings of the `ewsgen` examples and of `ews-codegen fetch`, read from
//! the environment:
//!
//! - `EWS_USER`, `EWS_PASSWORD`: Basic or NTLM credentials (`DOMAIN\user` or a UPN for NTLM);
//! - `EWS_TOKEN`: an OAuth2 bearer token;
//! - `EWS_AUTH=basic|ntlm|bearer|negotiate` (default: bearer when `EWS_TOKEN` is set, else
//!   basic); `negotiate` is Kerberos (SPNEGO) from `EWS_USER` (`alice@CONTOSO.COM`) and
//!   `EWS_PASSWORD`, or without a password from the credential cache (`KRB5CCNAME`);
//! - `EWS_AUTH=client_credentials` (app-only OAuth, the `ewsgen` client's: see
//!   [`app_credentials`]) with `EWS_TENANT`, `EWS_CLIENT_ID`, `EWS_CLIENT_SECRET` or
//!   `EWS_CLIENT_CERT`, `EWS_AUTHORITY`, `EWS_SCOPE`;
//! - `EWS_RESOLVE=host=ip:port,host=ip:port`: host-to-address overrides (split DNS, tests);
//! - `EWS_CA_FILE=path.pem`: an extra root certificate (a private CA).
//!
//! Every error is a message for the user, naming the variable.

use std::fmt;
use std::net::SocketAddr;

/// A non-empty environment variable.
pub fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// The credentials `EWS_AUTH` chose. `Debug` never shows the password or the token.
#[derive(Clone, PartialEq, Eq)]
pub enum Credentials {
    /// No credentials (allowed only where [`Need::Optional`]).
    None,
    /// HTTP Basic.
    Basic {
        /// The user.
        user: String,
        /// The password.
        password: String,
    },
    /// NTLM (`DOMAIN\user` or a UPN).
    Ntlm {
        /// The user.
        user: String,
        /// The password.
        password: String,
    },
    /// An OAuth2 bearer token.
    Bearer {
        /// The token.
        token: String,
    },
    /// Negotiate (Kerberos): from a password, or without one from the credential cache.
    Negotiate {
        /// The principal (`alice@CONTOSO.COM`); none: the cache's.
        user: Option<String>,
        /// The password; none: the credential cache.
        password: Option<String>,
    },
}

impl Credentials {
    /// The user the credentials name (none for a token).
    pub fn user(&self) -> Option<&str> {
        match self {
            Credentials::Basic { user, .. } | Credentials::Ntlm { user, .. } => Some(user),
            Credentials::Negotiate { user, .. } => user.as_deref(),
            Credentials::None | Credentials::Bearer { .. } => None,
        }
    }

    /// The scheme, as `EWS_AUTH` names it (`basic`, `ntlm`, `bearer`, `negotiate`; `none`).
    pub fn scheme(&self) -> &'static str {
        match self {
            Credentials::None => "none",
            Credentials::Basic { .. } => "basic",
            Credentials::Ntlm { .. } => "ntlm",
            Credentials::Bearer { .. } => "bearer",
            Credentials::Negotiate { .. } => "negotiate",
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::None => f.write_str("None"),
            Credentials::Basic { user, .. } => f
                .debug_struct("Basic")
                .field("user", user)
                .field("password", &"<redacted>")
                .finish(),
            Credentials::Ntlm { user, .. } => f
                .debug_struct("Ntlm")
                .field("user", user)
                .field("password", &"<redacted>")
                .finish(),
            Credentials::Bearer { .. } => f
                .debug_struct("Bearer")
                .field("token", &"<redacted>")
                .finish(),
            Credentials::Negotiate { user, password } => f
                .debug_struct("Negotiate")
                .field("user", user)
                .field("password", &password.as_ref().map(|_| "<redacted>"))
                .finish(),
        }
    }
}

/// Whether credentials are needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Without credentials in the environment, [`credentials`] is an error.
    Required,
    /// Without credentials, [`Credentials::None`].
    Optional,
}

/// The credentials of `EWS_AUTH`, `EWS_USER`, `EWS_PASSWORD` and `EWS_TOKEN`;
/// `default_user` stands in for a missing `EWS_USER`.
pub fn credentials(default_user: Option<&str>, need: Need) -> Result<Credentials, String> {
    let token = var("EWS_TOKEN");
    let user = var("EWS_USER").or_else(|| default_user.map(str::to_string));
    let password = var("EWS_PASSWORD");
    let auth = match var("EWS_AUTH") {
        Some(a) => a.to_ascii_lowercase(),
        None if token.is_some() => "bearer".into(),
        None => "basic".into(),
    };
    match (auth.as_str(), token, user, password) {
        ("bearer", Some(token), _, _) => Ok(Credentials::Bearer { token }),
        ("bearer", None, _, _) => Err("EWS_AUTH=bearer needs EWS_TOKEN".into()),
        ("basic", _, Some(user), Some(password)) => Ok(Credentials::Basic { user, password }),
        ("ntlm", _, Some(user), Some(password)) => Ok(Credentials::Ntlm { user, password }),
        ("negotiate", _, None, Some(_)) => Err("EWS_AUTH=negotiate with EWS_PASSWORD needs EWS_USER (alice@CONTOSO.COM); without EWS_PASSWORD the credential cache is used".into()),
        ("negotiate", _, user, password) => Ok(Credentials::Negotiate { user, password }),
        ("basic" | "ntlm", _, _, _) if need == Need::Optional => Ok(Credentials::None),
        ("basic" | "ntlm", _, _, _) => Err(format!(
            "EWS_AUTH={auth} needs EWS_USER and EWS_PASSWORD (or set EWS_TOKEN)"
        )),
        ("client_credentials", ..) => Err(
            "EWS_AUTH=client_credentials is the ewsgen client's (app_credentials); here: basic, ntlm, negotiate or bearer".into(),
        ),
        (other, ..) => Err(format!(
            "EWS_AUTH={other} is not basic, ntlm, negotiate or bearer"
        )),
    }
}

/// The host-to-address overrides of `EWS_RESOLVE` (`host=ip:port,...`); empty when unset.
pub fn resolve() -> Result<Vec<(String, SocketAddr)>, String> {
    let Some(resolve) = var("EWS_RESOLVE") else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for entry in resolve.split(',').map(str::trim).filter(|e| !e.is_empty()) {
        let (host, addr) = entry
            .split_once('=')
            .ok_or_else(|| format!("EWS_RESOLVE: `{entry}` is not host=ip:port"))?;
        let addr: SocketAddr = addr
            .parse()
            .map_err(|e| format!("EWS_RESOLVE: `{entry}`: `{addr}` is not ip:port ({e})"))?;
        out.push((host.trim().to_string(), addr));
    }
    Ok(out)
}

/// The PEM certificates in the file `EWS_CA_FILE` names; `None` when unset.
pub fn ca_file() -> Result<Option<Vec<u8>>, String> {
    match var("EWS_CA_FILE") {
        None => Ok(None),
        Some(path) => std::fs::read(&path)
            .map(Some)
            .map_err(|e| format!("EWS_CA_FILE={path}: {e}")),
    }
}

/// The application credentials of app-only OAuth (the client credentials grant). `Debug`
/// never shows the client secret or the certificate's key.
#[derive(Clone, PartialEq, Eq)]
pub struct AppCredentials {
    /// `EWS_TENANT`: the tenant id or domain (`contoso.onmicrosoft.com`).
    pub tenant: String,
    /// `EWS_CLIENT_ID`: the application (client) id.
    pub client_id: String,
    /// How the application proves itself.
    pub proof: AppProof,
    /// `EWS_AUTHORITY` (unset: the client's default, `https://login.microsoftonline.com`).
    pub authority: Option<String>,
    /// `EWS_SCOPE` (unset: the client's default, `https://outlook.office365.com/.default`).
    pub scope: Option<String>,
}

/// `EWS_CLIENT_SECRET`, or the PEM of `EWS_CLIENT_CERT`.
#[derive(Clone, PartialEq, Eq)]
pub enum AppProof {
    /// A client secret.
    Secret(String),
    /// A certificate and its private key (PEM), read from `path`.
    Certificate {
        /// The file.
        path: String,
        /// Its content.
        pem: Vec<u8>,
    },
}

impl fmt::Debug for AppCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let proof = match &self.proof {
            AppProof::Secret(_) => "client secret <redacted>".to_string(),
            AppProof::Certificate { path, .. } => format!("client certificate {path}"),
        };
        f.debug_struct("AppCredentials")
            .field("tenant", &self.tenant)
            .field("client_id", &self.client_id)
            .field("proof", &proof)
            .field("authority", &self.authority)
            .field("scope", &self.scope)
            .finish()
    }
}

/// With `EWS_AUTH=client_credentials`, the application credentials of `EWS_TENANT`,
/// `EWS_CLIENT_ID`, `EWS_CLIENT_SECRET` or `EWS_CLIENT_CERT` (a PEM file holding the
/// certificate and its private key), `EWS_AUTHORITY` and `EWS_SCOPE`; `None` for any other
/// `EWS_AUTH`.
pub fn app_credentials() -> Result<Option<AppCredentials>, String> {
    if !var("EWS_AUTH").is_some_and(|a| a.eq_ignore_ascii_case("client_credentials")) {
        return Ok(None);
    }
    let need =
        |name: &str| var(name).ok_or_else(|| format!("EWS_AUTH=client_credentials needs {name}"));
    let tenant = need("EWS_TENANT")?;
    let client_id = need("EWS_CLIENT_ID")?;
    let proof = match (var("EWS_CLIENT_SECRET"), var("EWS_CLIENT_CERT")) {
        (Some(secret), None) => AppProof::Secret(secret),
        (None, Some(path)) => {
            let pem = std::fs::read(&path).map_err(|e| format!("EWS_CLIENT_CERT={path}: {e}"))?;
            AppProof::Certificate { path, pem }
        }
        (Some(_), Some(_)) => {
            return Err(
                "EWS_AUTH=client_credentials takes EWS_CLIENT_SECRET or EWS_CLIENT_CERT, not both"
                    .into(),
            )
        }
        (None, None) => {
            return Err(
                "EWS_AUTH=client_credentials needs EWS_CLIENT_SECRET or EWS_CLIENT_CERT".into(),
            )
        }
    };
    Ok(Some(AppCredentials {
        tenant,
        client_id,
        proof,
        authority: var("EWS_AUTHORITY"),
        scope: var("EWS_SCOPE"),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_a_secret() {
        let c = Credentials::Ntlm {
            user: "CONTOSO\\alice".into(),
            password: "s3cr3t".into(),
        };
        let t = Credentials::Bearer {
            token: "tok3n".into(),
        };
        let shown = format!("{c:?} {t:?}");
        assert!(shown.contains("CONTOSO") && !shown.contains("s3cr3t") && !shown.contains("tok3n"));
        assert_eq!((c.user(), c.scheme()), (Some("CONTOSO\\alice"), "ntlm"));
        assert_eq!((t.user(), t.scheme()), (None, "bearer"));
        let a = AppCredentials {
            tenant: "contoso.onmicrosoft.com".into(),
            client_id: "app-1".into(),
            proof: AppProof::Secret("cl13nt-s3cr3t".into()),
            authority: None,
            scope: None,
        };
        let shown = format!("{a:?}");
        assert!(
            shown.contains("app-1") && !shown.contains("cl13nt-s3cr3t"),
            "{shown}"
        );
        let n = Credentials::Negotiate {
            user: Some("alice@CONTOSO.COM".into()),
            password: Some("s3cr3t".into()),
        };
        let shown = format!("{n:?}");
        assert!(
            shown.contains("alice@CONTOSO.COM") && !shown.contains("s3cr3t"),
            "{shown}"
        );
        assert_eq!(n.scheme(), "negotiate");
    }
}
