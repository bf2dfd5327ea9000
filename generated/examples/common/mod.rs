//! The environment every example reads, in one place:
//!
//! - `EWS_URL`: the EWS endpoint (such as `https://mail.contoso.com/EWS/Exchange.asmx`);
//! - `EWS_USER`, `EWS_PASSWORD`: Basic or NTLM credentials (`DOMAIN\user` or a UPN for NTLM);
//! - `EWS_TOKEN`: an OAuth2 bearer token;
//! - `EWS_AUTH=basic|ntlm|bearer|negotiate` (default: bearer when `EWS_TOKEN` is set, else
//!   basic); `negotiate`: Kerberos from `EWS_USER` (`alice@CONTOSO.COM`) and `EWS_PASSWORD`,
//!   or without a password from the credential cache (`KRB5CCNAME`);
//! - `EWS_AUTH=client_credentials`: app-only OAuth, with `EWS_TENANT`, `EWS_CLIENT_ID`, and
//!   `EWS_CLIENT_SECRET` or `EWS_CLIENT_CERT` (a PEM file: the certificate and its private
//!   key), `EWS_AUTHORITY` (default `https://login.microsoftonline.com`), `EWS_SCOPE`
//!   (default `https://outlook.office365.com/.default`);
//! - `EWS_IMPERSONATE=<smtp>`: `ExchangeImpersonation` of that mailbox (and `X-AnchorMailbox`);
//! - `EWS_VERSION`: `RequestServerVersion`, any value sent as given; unset, the client
//!   negotiates it (the newest version the bindings know, then older ones);
//! - `EWS_MAX_CONCURRENCY`: the most requests in flight at once (default 10);
//! - `EWS_RESOLVE=host=ip:port,host=ip:port`: host-to-address overrides (split DNS, tests);
//!   when set, no proxy of the environment is used (it would resolve the names itself);
//! - `EWS_CA_FILE=path.pem`: an extra root certificate (a private CA);
//! - `RUST_LOG` (such as `RUST_LOG=ewsgen=debug` or `RUST_LOG=ews=trace`): logs on stderr.
//!
//! Passwords and tokens never reach the logs.

#![allow(dead_code)] // each example uses part of it

use std::io::Write as _;
use std::process::ExitCode;

use ews_auth::env;
use ewsgen::client::oauth::{ClientCertificate, ClientCredentials};
use ewsgen::client::{Client, ClientBuilder, Error};
use ewsgen::types::{ExchangeVersionType, RequestServerVersion};

/// A non-empty environment variable.
pub fn var(name: &str) -> Option<String> {
    env::var(name)
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

/// `EWS_VERSION` as a `RequestServerVersion` header; `None` (unset) leaves the version to
/// the client's negotiation.
pub fn request_server_version() -> Option<RequestServerVersion> {
    var("EWS_VERSION").map(|v| RequestServerVersion::new(ExchangeVersionType::from(v.as_str())))
}

/// The request headers of every example: `RequestServerVersion` from `EWS_VERSION`,
/// `ExchangeImpersonation` from `EWS_IMPERSONATE` (the client sets `X-AnchorMailbox` to it).
pub fn headers() -> ewsgen::RequestHeaders {
    ewsgen::RequestHeaders {
        request_server_version: request_server_version(),
        exchange_impersonation: var("EWS_IMPERSONATE").map(|smtp| impersonate(&smtp)),
        ..Default::default()
    }
}

/// `ExchangeImpersonation` of the mailbox whose primary SMTP address is `smtp`.
pub fn impersonate(smtp: &str) -> ewsgen::types::ExchangeImpersonationType {
    use ewsgen::types::{
        ConnectingSidKind, ConnectingSidType, ExchangeImpersonationType, PrimarySmtpAddressType,
    };
    ExchangeImpersonationType::new(ConnectingSidType::new(
        ConnectingSidKind::PrimarySmtpAddress(Box::new(PrimarySmtpAddressType::new(smtp.into()))),
    ))
}

/// [`client`], its requests carrying `X-AnchorMailbox: <mailbox>` (`--mailbox`).
pub fn client_for(mailbox: Option<&str>) -> Result<Client, String> {
    let url = var("EWS_URL")
        .ok_or("EWS_URL is not set (such as https://mail.example.com/EWS/Exchange.asmx)")?;
    let mut b = builder(None, Need::Required)?.endpoint(url);
    if let Some(m) = mailbox {
        b = b.anchor_mailbox(m);
    }
    b.build().map_err(|e| e.to_string())
}

/// The app-only OAuth token provider of `EWS_AUTH=client_credentials`.
fn app_only(app: env::AppCredentials) -> Result<ClientCredentials, String> {
    let mut c = match app.proof {
        env::AppProof::Secret(secret) => {
            ClientCredentials::with_secret(&app.tenant, &app.client_id, secret)
        }
        env::AppProof::Certificate { path, pem } => {
            let cert = ClientCertificate::from_pem(&pem)
                .map_err(|e| format!("EWS_CLIENT_CERT={path}: {e}"))?;
            ClientCredentials::with_certificate(&app.tenant, &app.client_id, cert)
        }
    };
    if let Some(a) = app.authority {
        c = c.authority(a);
    }
    if let Some(s) = app.scope {
        c = c.scope(s);
    }
    Ok(c)
}

/// The client of `EWS_URL`, with everything [`builder`] reads; `Err` is a usage error
/// (exit 2).
pub fn client() -> Result<Client, String> {
    let url = var("EWS_URL")
        .ok_or("EWS_URL is not set (such as https://mail.example.com/EWS/Exchange.asmx)")?;
    builder(None, Need::Required)?
        .endpoint(url)
        .build()
        .map_err(|e| e.to_string())
}

/// Prints what failed on stderr: an Exchange error as `Code: message`, anything else as
/// its message.
pub fn report(e: &Error) {
    match e {
        Error::Fault(f) => {
            let message = f.detail.message.as_deref().unwrap_or(&f.fault.fault_string);
            eprintln!("{}: {message}", f.response_code());
        }
        e => eprintln!("{e}"),
    }
}

/// A short code for an error: the Exchange response code of a fault or an error message,
/// `HTTP<status>` for an HTTP status, `ClientError` for anything else.
pub fn error_code(e: &Error) -> String {
    match e {
        Error::Fault(f) => f.response_code().to_string(),
        Error::Message(m) => m.code.clone().unwrap_or_else(|| "ClientError".into()),
        Error::Subscriptions { error, .. } => {
            error.code.clone().unwrap_or_else(|| "ClientError".into())
        }
        Error::Status { status, .. } => format!("HTTP{status}"),
        _ => "ClientError".into(),
    }
}

/// Writes a line on stdout and flushes it; `false` when stdout is gone.
pub fn out(line: &str) -> bool {
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{line}")
        .and_then(|()| stdout.flush())
        .is_ok()
}

/// A value printed on one line: line breaks and tabs become spaces.
pub fn one_line(s: &str) -> String {
    s.replace(['\r', '\n', '\t'], " ")
}

/// The exit of an example whose operations these bindings lack (built from the default
/// schemas, the IM operations only).
pub fn missing_operations(example: &str, operations: &[&str]) -> ExitCode {
    eprintln!(
        "{example} needs bindings with the operations {}; these have {}.",
        operations.join(", "),
        ewsgen::OPERATIONS.join(", ")
    );
    eprintln!(
        "Build it from the official schemas: EWS_SCHEMA_DIR=../shared/ews-schemas/office365 cargo run -p ewsgen --features client --example {example} -- ..."
    );
    ExitCode::from(2)
}

/// A positive number given to an option.
pub fn positive<T: std::str::FromStr + PartialOrd + Default>(
    option: &str,
    value: Option<&String>,
) -> Result<T, String> {
    let value = value.ok_or_else(|| format!("{option} needs a number"))?;
    match value.parse::<T>() {
        Ok(n) if n > T::default() => Ok(n),
        _ => Err(format!("{option}: `{value}` is not a positive number")),
    }
}

pub use ews_auth::env::Need;

/// A client builder from the environment: credentials (`EWS_AUTH`, `EWS_USER`,
/// `EWS_PASSWORD`, `EWS_TOKEN`, or app-only OAuth's `EWS_TENANT`, `EWS_CLIENT_ID`, ...; `default_user` stands in for a missing `EWS_USER`), host
/// overrides (`EWS_RESOLVE`), an extra root certificate (`EWS_CA_FILE`), the concurrency
/// limit (`EWS_MAX_CONCURRENCY`). `Err` is a message for stderr (a usage error: exit 2).
/// The rules and messages of the first three are `ews_auth::env`'s, which
/// `ews-codegen fetch` shares.
pub fn builder(default_user: Option<&str>, need: Need) -> Result<ClientBuilder, String> {
    let mut b = ClientBuilder::default();
    let app = env::app_credentials()?;
    b = match app.as_ref().map_or_else(
        || env::credentials(default_user, need),
        |_| Ok(env::Credentials::None),
    )? {
        env::Credentials::None => b,
        env::Credentials::Basic { user, password } => b.basic_auth(user, password),
        env::Credentials::Ntlm { user, password } => b.ntlm_auth(user, password),
        env::Credentials::Bearer { token } => b.bearer_token(token),
        env::Credentials::Negotiate { user, password } => b.auth(ewsgen::client::Auth::Negotiate {
            user,
            password: password.map(Into::into),
        }),
    };
    if let Some(app) = app {
        b = b.client_credentials(app_only(app)?);
    }
    let resolve = env::resolve()?;
    if !resolve.is_empty() {
        b = b.no_proxy();
    }
    for (host, addr) in resolve {
        b = b.resolve(host, addr);
    }
    if let Some(pem) = env::ca_file()? {
        b = b.add_root_certificates_pem(&pem);
    }
    if let Some(n) = var("EWS_MAX_CONCURRENCY") {
        let n: usize = positive("EWS_MAX_CONCURRENCY", Some(&n))?;
        b = b.max_concurrency(n);
    }
    Ok(b)
}

/// The value of `--mailbox`: an SMTP address.
pub fn mailbox(value: Option<&String>) -> Result<String, String> {
    match value {
        Some(m) if m.contains('@') && !m.starts_with('@') && !m.ends_with('@') => Ok(m.clone()),
        Some(m) => Err(format!("--mailbox: `{m}` is not an SMTP address")),
        None => Err("--mailbox needs an SMTP address".into()),
    }
}

/// Folder ids of the examples (the official schemas' operations).
#[cfg(any(
    ews_operation = "FindItem",
    ews_operation = "SyncFolderItems",
    ews_operation = "Subscribe"
))]
pub mod folders {
    use ewsgen::types::{DistinguishedFolderIdNameType, DistinguishedFolderIdType};

    /// The distinguished folder `name` (`inbox`, `archivemsgfolderroot`...), of `mailbox`
    /// when given (`<t:Mailbox><t:EmailAddress>`).
    pub fn id<T: From<DistinguishedFolderIdType>>(name: &str, mailbox: Option<&str>) -> T {
        let name = DistinguishedFolderIdNameType::from(name);
        match mailbox {
            Some(m) => DistinguishedFolderIdType::of_mailbox(name, m),
            None => DistinguishedFolderIdType::new(name),
        }
        .into()
    }
}

/// Helpers of the examples on items (the official schemas' operations).
#[cfg(any(
    ews_operation = "FindItem",
    ews_operation = "GetItem",
    ews_operation = "SyncFolderItems"
))]
pub mod items {
    use ewsgen::types::{DefaultShapeNamesType, ItemResponseShapeType, UnindexedFieldUriType};

    /// The item ids and the given properties.
    pub fn shape(properties: &[UnindexedFieldUriType]) -> ItemResponseShapeType {
        let mut shape = ItemResponseShapeType::new(DefaultShapeNamesType::IdOnly);
        if !properties.is_empty() {
            shape.additional_properties =
                Some(properties.iter().cloned().map(Into::into).collect());
        }
        shape
    }
}
