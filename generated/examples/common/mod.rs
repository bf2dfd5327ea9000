//! The environment every example reads, in one place:
//!
//! - `EWS_URL`: the EWS endpoint (such as `https://mail.contoso.com/EWS/Exchange.asmx`);
//! - `EWS_USER`, `EWS_PASSWORD`: Basic or NTLM credentials (`DOMAIN\user` or a UPN for NTLM);
//! - `EWS_TOKEN`: an OAuth2 bearer token;
//! - `EWS_AUTH=basic|ntlm|bearer` (default: bearer when `EWS_TOKEN` is set, else basic);
//! - `EWS_VERSION`: `RequestServerVersion` (default `Exchange2013`, any value sent as given);
//! - `EWS_RESOLVE=host=ip:port,host=ip:port`: host-to-address overrides (split DNS, tests);
//!   when set, no proxy of the environment is used (it would resolve the names itself);
//! - `EWS_CA_FILE=path.pem`: an extra root certificate (a private CA);
//! - `RUST_LOG` (such as `RUST_LOG=ewsgen=debug` or `RUST_LOG=ews=trace`): logs on stderr.
//!
//! Passwords and tokens never reach the logs.

#![allow(dead_code)] // each example uses part of it

use std::net::SocketAddr;

use ewsgen::client::ClientBuilder;
use ewsgen::types::{ExchangeVersionType, RequestServerVersion};

/// A non-empty environment variable.
pub fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// Logs through `tracing-subscriber` to stderr when `RUST_LOG` is set.
pub fn init_tracing() {
    if var("RUST_LOG").is_none() {
        return;
    }
    match tracing_subscriber::EnvFilter::try_from_default_env() {
        Ok(filter) => tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .init(),
        Err(e) => eprintln!("RUST_LOG is not understood ({e}): no logs"),
    }
}

/// `EWS_VERSION` as a `RequestServerVersion` header (default `Exchange2013`).
pub fn request_server_version() -> RequestServerVersion {
    let version = var("EWS_VERSION").unwrap_or_else(|| "Exchange2013".into());
    RequestServerVersion::new(ExchangeVersionType::from(version.as_str()))
}

/// Whether credentials are needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credentials {
    /// Without credentials in the environment, the builder is refused.
    Required,
    /// Without credentials, requests go unauthenticated.
    Optional,
}

/// A client builder from the environment: credentials (`EWS_AUTH`, `EWS_USER`,
/// `EWS_PASSWORD`, `EWS_TOKEN`; `default_user` stands in for a missing `EWS_USER`), host
/// overrides (`EWS_RESOLVE`), an extra root certificate (`EWS_CA_FILE`). `Err` is a message
/// for stderr (a usage error: exit 2).
pub fn builder(
    default_user: Option<&str>,
    credentials: Credentials,
) -> Result<ClientBuilder, String> {
    let mut b = ClientBuilder::default();
    let token = var("EWS_TOKEN");
    let user = var("EWS_USER").or_else(|| default_user.map(str::to_string));
    let password = var("EWS_PASSWORD");
    let auth = match var("EWS_AUTH") {
        Some(a) => a.to_ascii_lowercase(),
        None if token.is_some() => "bearer".into(),
        None => "basic".into(),
    };
    b = match (auth.as_str(), token, user, password) {
        ("bearer", Some(token), _, _) => b.bearer_token(token),
        ("bearer", None, _, _) => return Err("EWS_AUTH=bearer needs EWS_TOKEN".into()),
        ("basic", _, Some(user), Some(password)) => b.basic_auth(user, password),
        ("ntlm", _, Some(user), Some(password)) => b.ntlm_auth(user, password),
        ("basic" | "ntlm", _, _, _) if credentials == Credentials::Optional => b,
        ("basic" | "ntlm", _, _, _) => {
            return Err(format!(
                "EWS_AUTH={auth} needs EWS_USER and EWS_PASSWORD (or set EWS_TOKEN)"
            ))
        }
        (other, ..) => return Err(format!("EWS_AUTH={other} is not basic, ntlm or bearer")),
    };
    if let Some(resolve) = var("EWS_RESOLVE") {
        b = b.no_proxy();
        for entry in resolve.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let (host, addr) = entry
                .split_once('=')
                .ok_or_else(|| format!("EWS_RESOLVE: `{entry}` is not host=ip:port"))?;
            let addr: SocketAddr = addr
                .parse()
                .map_err(|e| format!("EWS_RESOLVE: `{entry}`: `{addr}` is not ip:port ({e})"))?;
            b = b.resolve(host.trim(), addr);
        }
    }
    if let Some(path) = var("EWS_CA_FILE") {
        let pem = std::fs::read(&path).map_err(|e| format!("EWS_CA_FILE={path}: {e}"))?;
        b = b.add_root_certificates_pem(&pem);
    }
    Ok(b)
}
