//! App-only OAuth (the client credentials grant) against a token endpoint and an EWS server
//! on 127.0.0.1 only (https, a CA and certificates made at test time): tokens renewed before
//! they expire and once after a 401, client assertions signed with a certificate's key and
//! checked with the certificate's public key, another user's mailbox (`--mailbox`),
//! impersonation (`EWS_IMPERSONATE`), and no secret in errors or logs. The examples are built
//! from the office365 schemas, as a user builds them, and run as written.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use ews_test_support::tls::Pki;
use ewsgen::client::oauth::{ClientCertificate, ClientCredentials};
use ewsgen::client::{Client, Error};
use ewsgen::messages::SetImGroupType;
use ewsgen::types::{ExchangeVersionType, ItemIdType, RequestServerVersion};
use tokio::io::AsyncWriteExt as _;
use tokio::net::TcpListener;

const TENANT: &str = "contoso.test";
const APP: &str = "6731de76-14a6-49ae-97bc-6eba6914391e";
const SECRET: &str = "cl13nt~S3cr3t.value";
const SCOPE: &str = "https://outlook.office365.com/.default";
const TOKEN_URL: &str = "https://login.microsoftonline.com/contoso.test/oauth2/v2.0/token";
const TOKEN_PATH: &str = "/contoso.test/oauth2/v2.0/token";
const EWS_URL: &str = "https://mail.contoso.test/EWS/Exchange.asmx";
const M: &str = "http://schemas.microsoft.com/exchange/services/2006/messages";
const T: &str = "http://schemas.microsoft.com/exchange/services/2006/types";

const HOSTS: &[&str] = &["login.microsoftonline.com", "mail.contoso.test"];

fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(|| Pki::new(HOSTS))
}

fn ca_file() -> PathBuf {
    static FILE: OnceLock<PathBuf> = OnceLock::new();
    FILE.get_or_init(|| {
        let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("ewsgen-app-only-ca-{}.pem", std::process::id()));
        std::fs::write(&path, &pki().ca_pem).expect("write the CA file");
        path
    })
    .clone()
}

// ---------------------------------------------------------------------------------------
// The token endpoint and the EWS server

/// How the application must prove itself.
enum Proof {
    Secret,
    /// Client assertions signed by this certificate's key.
    Certificate(Vec<u8>),
}

/// How the EWS server treats tokens.
#[derive(Clone, Copy, PartialEq)]
enum Refuse {
    /// Only unknown or expired tokens.
    Expired,
    /// The first token it is shown (revoked before its time), as well.
    First,
    /// Every token.
    All,
}

/// One request as the server received it.
#[derive(Debug, Clone)]
struct Received {
    headers: Vec<(String, String)>,
    body: String,
    /// The answer's status.
    status: u16,
}

impl Received {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

struct State {
    proof: Proof,
    lifetime: Duration,
    call_time: Duration,
    refuse: Refuse,
    /// Issued tokens and when each expires.
    tokens: Mutex<HashMap<String, Instant>>,
    issued: AtomicUsize,
    token_requests: Mutex<Vec<Received>>,
    ews_requests: Mutex<Vec<Received>>,
    /// The claims of each client assertion accepted.
    claims: Mutex<Vec<(serde_json::Value, serde_json::Value)>>,
    in_flight: AtomicUsize,
    peak: AtomicUsize,
}

struct Server {
    addr: SocketAddr,
    state: Arc<State>,
}

impl Server {
    async fn start(proof: Proof, lifetime: Duration, call_time: Duration, refuse: Refuse) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("address");
        let state = Arc::new(State {
            proof,
            lifetime,
            call_time,
            refuse,
            tokens: Mutex::default(),
            issued: AtomicUsize::new(0),
            token_requests: Mutex::default(),
            ews_requests: Mutex::default(),
            claims: Mutex::default(),
            in_flight: AtomicUsize::new(0),
            peak: AtomicUsize::new(0),
        });
        let acceptor = pki().acceptor();
        let s = state.clone();
        tokio::spawn(async move {
            loop {
                let Ok((sock, _)) = listener.accept().await else {
                    return;
                };
                let (s, acceptor) = (s.clone(), acceptor.clone());
                tokio::spawn(async move {
                    let Ok(mut tls) = acceptor.accept(sock).await else {
                        return;
                    };
                    let mut buf = Vec::new();
                    while let Ok(Some(req)) =
                        ews_test_support::http::read_request(&mut tls, &mut buf).await
                    {
                        let (status, headers, body) = answer(&s, &req).await;
                        let mut out = format!("HTTP/1.1 {status} Status\r\n");
                        for (k, v) in headers {
                            out.push_str(&format!("{k}: {v}\r\n"));
                        }
                        out.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
                        if tls.write_all(out.as_bytes()).await.is_err() {
                            return;
                        }
                        let _ = tls.flush().await;
                    }
                });
            }
        });
        Server { addr, state }
    }

    fn token_requests(&self) -> Vec<Received> {
        self.state.token_requests.lock().unwrap().clone()
    }

    fn ews_requests(&self) -> Vec<Received> {
        self.state.ews_requests.lock().unwrap().clone()
    }

    fn issued(&self) -> Vec<String> {
        self.state.tokens.lock().unwrap().keys().cloned().collect()
    }

    /// `EWS_RESOLVE` for the examples.
    fn resolve_env(&self) -> String {
        HOSTS
            .iter()
            .map(|h| format!("{h}={}", self.addr))
            .collect::<Vec<_>>()
            .join(",")
    }

    fn client(&self, credentials: ClientCredentials) -> Client {
        let mut b = Client::builder(EWS_URL)
            .client_credentials(credentials)
            .add_root_certificates_pem(pki().ca_pem.as_bytes())
            .resolve_overrides_only(true)
            .timeout(Duration::from_secs(20));
        for h in HOSTS {
            b = b.resolve(*h, self.addr);
        }
        b.build().expect("client")
    }
}

type Answer = (u16, Vec<(&'static str, String)>, String);

async fn answer(s: &State, req: &ews_test_support::http::Request) -> Answer {
    let mut received = Received {
        headers: req.headers.clone(),
        body: String::from_utf8_lossy(&req.body).into_owned(),
        status: 0,
    };
    let (answer, log) = if req.path == TOKEN_PATH {
        (token_endpoint(s, &received), &s.token_requests)
    } else {
        (ews(s, &received).await, &s.ews_requests)
    };
    received.status = answer.0;
    log.lock().unwrap().push(received);
    answer
}

/// `application/x-www-form-urlencoded`, decoded.
fn form(body: &str) -> HashMap<String, String> {
    let decode = |s: &str| {
        let s = s.replace('+', " ");
        let bytes = s.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' && i + 3 <= bytes.len() {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("hex");
                out.push(u8::from_str_radix(hex, 16).expect("a %XX escape"));
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        String::from_utf8(out).expect("UTF-8")
    };
    body.split('&')
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect()
}

fn json_error(status: u16, error: &str, description: &str) -> Answer {
    (
        status,
        vec![("Content-Type", "application/json".into())],
        serde_json::json!({
            "error": error,
            "error_description": format!("{description}\r\nTrace ID: 8a1b\r\nCorrelation ID: 77c2"),
            "error_codes": [7000215],
        })
        .to_string(),
    )
}

fn b64url(data: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(data)
}

/// Checks a client assertion as the identity platform does: the signature with the
/// registered certificate's public key, the header's thumbprints, the claims.
fn check_assertion(
    cert: &[u8],
    assertion: &str,
) -> Result<(serde_json::Value, serde_json::Value), String> {
    let parts: Vec<&str> = assertion.split('.').collect();
    let [header, claims, signature] = parts[..] else {
        return Err("not a JWS of three parts".into());
    };
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let signature = b64.decode(signature).map_err(|e| e.to_string())?;
    let cert_der = rustls_pki_types_der(cert);
    let end_entity = webpki::EndEntityCert::try_from(&cert_der).map_err(|e| e.to_string())?;
    end_entity
        .verify_signature(
            webpki::aws_lc_rs::RSA_PKCS1_2048_8192_SHA256,
            format!("{header}.{claims}").as_bytes(),
            &signature,
        )
        .map_err(|e| {
            format!("AADSTS700027: Client assertion contains an invalid signature ({e})")
        })?;
    let header: serde_json::Value =
        serde_json::from_slice(&b64.decode(header).map_err(|e| e.to_string())?)
            .map_err(|e| e.to_string())?;
    let claims: serde_json::Value =
        serde_json::from_slice(&b64.decode(claims).map_err(|e| e.to_string())?)
            .map_err(|e| e.to_string())?;
    let sha256 = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, cert);
    let sha1 = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA1_FOR_LEGACY_USE_ONLY, cert);
    if header["alg"] != "RS256"
        || header["x5t#S256"] != b64url(sha256.as_ref())
        || header["x5t"] != b64url(sha1.as_ref())
    {
        return Err(format!("AADSTS700027: unexpected header {header}"));
    }
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    let (nbf, exp) = (
        claims["nbf"].as_u64().unwrap_or(u64::MAX),
        claims["exp"].as_u64().unwrap_or(0),
    );
    if claims["aud"] != TOKEN_URL
        || claims["iss"] != APP
        || claims["sub"] != APP
        || claims["jti"].as_str().is_none_or(str::is_empty)
        || nbf > now + 5
        || exp < now
    {
        return Err(format!("AADSTS700024: unexpected claims {claims}"));
    }
    Ok((header, claims))
}

fn rustls_pki_types_der(cert: &[u8]) -> rustls_pki_types::CertificateDer<'_> {
    rustls_pki_types::CertificateDer::from(cert)
}

fn token_endpoint(s: &State, r: &Received) -> Answer {
    let f = form(&r.body);
    let get = |k: &str| f.get(k).map(String::as_str);
    if get("grant_type") != Some("client_credentials")
        || get("client_id") != Some(APP)
        || get("scope") != Some(SCOPE)
        || r.header("Content-Type") != Some("application/x-www-form-urlencoded")
    {
        return json_error(400, "invalid_request", "AADSTS900144: unexpected request");
    }
    match &s.proof {
        Proof::Secret => {
            if get("client_secret") != Some(SECRET) || f.contains_key("client_assertion") {
                return json_error(
                    401,
                    "invalid_client",
                    "AADSTS7000215: Invalid client secret provided.",
                );
            }
        }
        Proof::Certificate(cert) => {
            if get("client_assertion_type")
                != Some("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
                || f.contains_key("client_secret")
            {
                return json_error(400, "invalid_request", "AADSTS7000218: no assertion");
            }
            match check_assertion(cert, get("client_assertion").unwrap_or_default()) {
                Ok(c) => s.claims.lock().unwrap().push(c),
                Err(why) => return json_error(401, "invalid_client", &why),
            }
        }
    }
    let n = s.issued.fetch_add(1, Ordering::SeqCst) + 1;
    let token = format!("eyJ0eXAiOiJKV1Qi.app-only-token-{n}.{}", std::process::id());
    s.tokens
        .lock()
        .unwrap()
        .insert(token.clone(), Instant::now() + s.lifetime);
    (
        200,
        vec![("Content-Type", "application/json; charset=utf-8".into())],
        serde_json::json!({
            "token_type": "Bearer",
            "expires_in": s.lifetime.as_secs(),
            "ext_expires_in": s.lifetime.as_secs(),
            "access_token": token,
        })
        .to_string(),
    )
}

fn envelope(body: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header><h:ServerVersionInfo MajorVersion="15" MinorVersion="20" MajorBuildNumber="8" MinorBuildNumber="1" Version="V2018_01_08" xmlns:h="{T}"/></s:Header><s:Body>{body}</s:Body></s:Envelope>"#
    )
}

/// The value of the first `Id="..."` after `after` in `body`.
fn id_after(body: &str, after: &str) -> Option<String> {
    let i = body.find(after)? + after.len();
    let rest = &body[i..];
    let j = rest.find("Id=\"")? + 4;
    Some(rest[j..j + rest[j..].find('"')?].to_string())
}

async fn ews(s: &State, r: &Received) -> Answer {
    // The token is checked when the request arrives, as Exchange does, and again when the
    // answer is ready.
    let token = r
        .header("Authorization")
        .and_then(|a| a.strip_prefix("Bearer "))
        .unwrap_or_default()
        .to_string();
    let valid = s
        .tokens
        .lock()
        .unwrap()
        .get(&token)
        .is_some_and(|expiry| Instant::now() < *expiry);
    let refused = match s.refuse {
        Refuse::Expired => false,
        Refuse::First => s.ews_requests.lock().unwrap().is_empty(),
        Refuse::All => true,
    };
    if !valid || refused {
        return (
            401,
            vec![(
                "WWW-Authenticate",
                r#"Bearer client_id="00000002-0000-0ff1-ce00-000000000000", error="invalid_token""#
                    .into(),
            )],
            String::new(),
        );
    }
    let now = s.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    s.peak.fetch_max(now, Ordering::SeqCst);
    tokio::time::sleep(s.call_time).await;
    s.in_flight.fetch_sub(1, Ordering::SeqCst);
    // The token must last the whole call: one that ran out while the call was processed
    // is refused too (a client sending a token at its last moment loses the call).
    let still = s
        .tokens
        .lock()
        .unwrap()
        .get(&token)
        .is_some_and(|expiry| Instant::now() < *expiry);
    if !still {
        return (
            401,
            vec![(
                "WWW-Authenticate",
                r#"Bearer error="invalid_token", error_description="the token expired""#.into(),
            )],
            String::new(),
        );
    }
    if r.body.contains("<m:GetStreamingEvents") {
        // One envelope with one event, then the connection closes.
        let streamed = format!(
            r#"<?xml version="1.0" encoding="utf-8"?><Envelope xmlns="http://schemas.xmlsoap.org/soap/envelope/"><soap11:Body xmlns:soap11="http://schemas.xmlsoap.org/soap/envelope/"><m:GetStreamingEventsResponse xmlns:m="{M}" xmlns:t="{T}"><m:ResponseMessages><m:GetStreamingEventsResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Notifications><t:Notification><t:SubscriptionId>sub-1</t:SubscriptionId><t:PreviousWatermark>AQAAAA==</t:PreviousWatermark><t:MoreEvents>false</t:MoreEvents><t:NewMailEvent><t:Watermark>AQAAAA==</t:Watermark><t:TimeStamp>2024-05-01T10:00:00Z</t:TimeStamp><t:ItemId Id="item-new" ChangeKey="ck"/><t:ParentFolderId Id="inbox-id" ChangeKey="ck"/></t:NewMailEvent></t:Notification></m:Notifications><m:ConnectionStatus>Closed</m:ConnectionStatus></m:GetStreamingEventsResponseMessage></m:ResponseMessages></m:GetStreamingEventsResponse></soap11:Body></Envelope>"#
        );
        return (
            200,
            vec![("Content-Type", "text/xml; charset=utf-8".into())],
            streamed,
        );
    }
    let body = if r.body.contains("<m:Subscribe>") || r.body.contains("<m:Subscribe ") {
        format!(
            r#"<m:SubscribeResponse xmlns:m="{M}" xmlns:t="{T}"><m:ResponseMessages><m:SubscribeResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:SubscriptionId>sub-1</m:SubscriptionId></m:SubscribeResponseMessage></m:ResponseMessages></m:SubscribeResponse>"#
        )
    } else if r.body.contains("<m:GetItem>") || r.body.contains("<m:GetItem ") {
        let id = id_after(&r.body, "<t:ItemId").unwrap_or_default();
        format!(
            r#"<m:GetItemResponse xmlns:m="{M}" xmlns:t="{T}"><m:ResponseMessages><m:GetItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Items><t:Message><t:ItemId Id="{id}" ChangeKey="ck"/><t:Subject>Subject of {id}</t:Subject><t:Size>1234</t:Size></t:Message></m:Items></m:GetItemResponseMessage></m:ResponseMessages></m:GetItemResponse>"#
        )
    } else if r.body.contains("<m:SyncFolderItems") {
        format!(
            r#"<m:SyncFolderItemsResponse xmlns:m="{M}" xmlns:t="{T}"><m:ResponseMessages><m:SyncFolderItemsResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:SyncState>H4sIAAAA-state</m:SyncState><m:IncludesLastItemInRange>true</m:IncludesLastItemInRange><m:Changes><t:Create><t:Message><t:ItemId Id="item-9" ChangeKey="ck9"/></t:Message></t:Create></m:Changes></m:SyncFolderItemsResponseMessage></m:ResponseMessages></m:SyncFolderItemsResponse>"#
        )
    } else if r.body.contains("<m:FindItem") {
        format!(
            r#"<m:FindItemResponse xmlns:m="{M}" xmlns:t="{T}"><m:ResponseMessages><m:FindItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:RootFolder IndexedPagingOffset="1" TotalItemsInView="1" IncludesLastItemInRange="true"><t:Items><t:Message><t:ItemId Id="item-0" ChangeKey="ck0"/><t:Subject>Archived report</t:Subject></t:Message></t:Items></m:RootFolder></m:FindItemResponseMessage></m:ResponseMessages></m:FindItemResponse>"#
        )
    } else {
        format!(
            r#"<SetImGroupResponse ResponseClass="Success" xmlns="{M}"><ResponseCode>NoError</ResponseCode></SetImGroupResponse>"#
        )
    };
    (
        200,
        vec![("Content-Type", "text/xml; charset=utf-8".into())],
        envelope(&body),
    )
}

fn set_im_group() -> SetImGroupType {
    SetImGroupType::new(ItemIdType::new("AAMkAGQ1MjJj=".into()), "Friends".into())
}

fn headers() -> ewsgen::RequestHeaders {
    ewsgen::RequestHeaders {
        request_server_version: Some(RequestServerVersion::new(ExchangeVersionType::Exchange2013)),
        ..Default::default()
    }
}

fn bearer_tokens(reqs: &[Received]) -> Vec<String> {
    reqs.iter()
        .map(|r| r.header("Authorization").unwrap_or_default().to_string())
        .collect()
}

// ---------------------------------------------------------------------------------------
// The library

#[tokio::test]
async fn a_refused_token_is_renewed_once_then_kept() {
    let server = Server::start(
        Proof::Secret,
        Duration::from_secs(3600),
        Duration::ZERO,
        Refuse::First,
    )
    .await;
    let client = server.client(ClientCredentials::with_secret(TENANT, APP, SECRET));
    client
        .call(&set_im_group(), &headers())
        .await
        .expect("answered after one renewal");
    client
        .call(&set_im_group(), &headers())
        .await
        .expect("the renewed token is kept");
    let ews = server.ews_requests();
    let statuses: Vec<u16> = ews.iter().map(|r| r.status).collect();
    assert_eq!(statuses, [401, 200, 200]);
    let sent = bearer_tokens(&ews);
    assert_ne!(sent[0], sent[1], "the refused token was sent again");
    assert_eq!(sent[1], sent[2], "a good token was renewed without need");
    assert_eq!(server.token_requests().len(), 2);

    // A server refusing every token: one renewal, then Unauthorized.
    let server = Server::start(
        Proof::Secret,
        Duration::from_secs(3600),
        Duration::ZERO,
        Refuse::All,
    )
    .await;
    let client = server.client(ClientCredentials::with_secret(TENANT, APP, SECRET));
    let err = client
        .call(&set_im_group(), &headers())
        .await
        .expect_err("refused");
    assert!(matches!(err, Error::Unauthorized { .. }), "{err:?}");
    assert_eq!(server.ews_requests().len(), 2);
    assert_eq!(server.token_requests().len(), 2);
}

#[tokio::test]
async fn client_assertions_are_signed_with_the_certificate_key() {
    let (cert, pem) = ews_test_support::tls::rsa_client_certificate("ewsgen test app");
    let server = Server::start(
        Proof::Certificate(cert.clone()),
        Duration::from_secs(3600),
        Duration::ZERO,
        Refuse::Expired,
    )
    .await;
    let certificate = ClientCertificate::from_pem(pem.as_bytes()).expect("certificate and key");
    let shown = format!("{certificate:?}");
    assert!(
        !shown.contains("PRIVATE") && shown.contains("redacted"),
        "{shown}"
    );
    let client = server.client(ClientCredentials::with_certificate(
        TENANT,
        APP,
        certificate,
    ));
    client
        .call(&set_im_group(), &headers())
        .await
        .expect("the assertion is accepted");
    client
        .call(&set_im_group(), &headers())
        .await
        .expect("the token is kept");
    assert_eq!(server.token_requests().len(), 1);
    let claims = server.state.claims.lock().unwrap().clone();
    assert_eq!(claims.len(), 1);
    let (header, c) = &claims[0];
    assert_eq!(header["typ"], "JWT");
    assert_eq!(
        c["exp"].as_u64().unwrap() - c["nbf"].as_u64().unwrap(),
        600,
        "{c}"
    );
    let body = &server.token_requests()[0].body;
    assert!(!body.contains("client_secret"), "{body}");

    // An assertion signed by another key (another certificate's) is refused by the
    // endpoint, which checks the signature with the registered certificate; the error names
    // the endpoint's reason, never the assertion.
    let (_, other_pem) = ews_test_support::tls::rsa_client_certificate("another app");
    let other = ClientCertificate::from_pem(other_pem.as_bytes()).expect("another pair");
    let client = server.client(ClientCredentials::with_certificate(TENANT, APP, other));
    let err = client
        .call(&set_im_group(), &headers())
        .await
        .expect_err("a signature of another key");
    let text = err.to_string();
    assert!(
        matches!(err, Error::Token(_))
            && text.contains("invalid_client")
            && text.contains("AADSTS700027")
            && text.contains(TOKEN_URL),
        "{text}"
    );
    let assertion = form(&server.token_requests().last().unwrap().body)["client_assertion"].clone();
    assert!(!text.contains(&assertion) && !format!("{err:?}").contains(&assertion));

    // A key that is not the certificate's is refused before anything is sent.
    let key_start = other_pem.find("-----BEGIN PRIVATE KEY").expect("key block");
    let cert_end = pem.find("-----BEGIN PRIVATE KEY").expect("key block");
    let mixed = format!("{}{}", &pem[..cert_end], &other_pem[key_start..]);
    let err = ClientCertificate::from_pem(mixed.as_bytes()).expect_err("mismatched key");
    assert!(err.to_string().contains("not the certificate's"), "{err}");
}

#[tokio::test]
async fn secrets_stay_out_of_debug_and_errors() {
    let server = Server::start(
        Proof::Secret,
        Duration::from_secs(3600),
        Duration::ZERO,
        Refuse::Expired,
    )
    .await;
    let credentials = ClientCredentials::with_secret(TENANT, APP, "wrong-s3cr3t-value");
    let shown = format!("{credentials:?}");
    assert!(
        shown.contains(APP) && shown.contains(TOKEN_URL) && !shown.contains("wrong-s3cr3t-value"),
        "{shown}"
    );
    let client = server.client(credentials);
    let err = client
        .call(&set_im_group(), &headers())
        .await
        .expect_err("a wrong secret");
    // The message: the endpoint's error and the first line of its description.
    let shown = err.to_string();
    assert!(
        shown.contains("invalid_client: AADSTS7000215") && !shown.contains("Trace ID"),
        "{shown}"
    );
    let text = format!("{err} {err:?}");
    assert!(!text.contains("wrong-s3cr3t-value"), "{text}");
}

// ---------------------------------------------------------------------------------------
// The examples, as written

#[cfg(ews_shared)]
mod examples {
    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};

    use super::*;

    const OPERATIONS: &str = "FindItem,GetItem,SyncFolderItems,Subscribe,GetStreamingEvents";
    const EXAMPLES: [&str; 4] = ["find_items", "get_items", "sync_folder", "stream_events"];

    /// The examples built from the office365 schemas (the same build as the scale tests':
    /// `client,time`, the same operations), linked into a folder of their own.
    fn built() -> &'static BTreeMap<&'static str, PathBuf> {
        static BUILT: OnceLock<BTreeMap<&'static str, PathBuf>> = OnceLock::new();
        BUILT.get_or_init(|| {
            let exe = std::env::current_exe().expect("test binary path");
            let profile = exe.parent().and_then(|d| d.parent()).expect("profile");
            let release = profile.file_name().is_some_and(|n| n == "release");
            let target = profile.parent().expect("target folder").to_path_buf();
            let mut cmd = std::process::Command::new(env!("CARGO"));
            cmd.args([
                "build",
                "--offline",
                "-p",
                "ewsgen",
                "--features",
                "client,time",
            ]);
            if release {
                cmd.arg("--release");
            }
            for e in EXAMPLES {
                cmd.args(["--example", e]);
            }
            let out = cmd
                .arg("--message-format=json")
                .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(".."))
                .env("CARGO_TARGET_DIR", &target)
                .env_remove("EWS_OPTIONAL_ELEMENTS")
                .env(
                    "EWS_SCHEMA_DIR",
                    ews_tests::shared_dir().join("ews-schemas/office365"),
                )
                .env("EWS_OPERATIONS", OPERATIONS)
                .output()
                .expect("run cargo");
            assert!(
                out.status.success(),
                "building the examples failed:\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let json = String::from_utf8_lossy(&out.stdout);
            let dir = target.join("ews-examples/office365-app-only");
            std::fs::create_dir_all(&dir).expect("mkdir");
            EXAMPLES
                .iter()
                .map(|e| {
                    let name = format!("{e}{}", std::env::consts::EXE_SUFFIX);
                    let path = json
                        .split("\"executable\":\"")
                        .skip(1)
                        .filter_map(|s| s.split_once('"').map(|(p, _)| p))
                        .find(|p| Path::new(p).file_name().is_some_and(|f| *f == *name))
                        .unwrap_or_else(|| panic!("cargo named no executable for {e}"));
                    let own = dir.join(&name);
                    let _ = std::fs::remove_file(&own);
                    if std::fs::hard_link(path, &own).is_err() {
                        std::fs::copy(path, &own).expect("copy the example");
                    }
                    (*e, own)
                })
                .collect()
        })
    }

    /// Runs an example with only the given environment of the `EWS_*` kind.
    async fn run(name: &str, args: &[&str], env: &[(&str, String)]) -> std::process::Output {
        let name = name.to_string();
        let bin = tokio::task::spawn_blocking(move || built().get(name.as_str()).cloned())
            .await
            .expect("built")
            .expect("an example");
        let mut cmd = tokio::process::Command::new(bin);
        cmd.args(args);
        for (k, _) in std::env::vars() {
            if k.starts_with("EWS_")
                || k == "RUST_LOG"
                || k.to_ascii_lowercase().ends_with("_proxy")
            {
                cmd.env_remove(k);
            }
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        tokio::time::timeout(Duration::from_secs(120), cmd.output())
            .await
            .expect("the example finished")
            .expect("the example ran")
    }

    fn app_env(server: &Server) -> Vec<(&'static str, String)> {
        vec![
            ("EWS_URL", EWS_URL.into()),
            ("EWS_RESOLVE", server.resolve_env()),
            ("EWS_CA_FILE", ca_file().to_string_lossy().into_owned()),
            ("EWS_VERSION", "Exchange2016".into()),
            ("EWS_AUTH", "client_credentials".into()),
            ("EWS_TENANT", TENANT.into()),
            ("EWS_CLIENT_ID", APP.into()),
            ("EWS_CLIENT_SECRET", SECRET.into()),
        ]
    }

    /// Tokens last 2 s, each call takes 1.2 s, one call at a time: the third call starts
    /// after the first token's end, so only renewal before expiry keeps the server from
    /// refusing a token.
    #[tokio::test]
    async fn get_items_renews_short_tokens_before_they_expire() {
        let server = Server::start(
            Proof::Secret,
            Duration::from_secs(2),
            Duration::from_millis(1200),
            Refuse::Expired,
        )
        .await;
        let mut env = app_env(&server);
        env.push(("EWS_MAX_CONCURRENCY", "1".into()));
        env.push(("RUST_LOG", "ewsgen=trace".into()));
        let out = run("get_items", &["--batch", "1", "id-1", "id-2", "id-3"], &env).await;
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "id-1\tSubject of id-1\t1234\nid-2\tSubject of id-2\t1234\nid-3\tSubject of id-3\t1234\n"
        );
        let ews = server.ews_requests();
        assert_eq!(
            ews.iter().map(|r| r.status).collect::<Vec<_>>(),
            [200, 200, 200],
            "a token was refused"
        );
        assert_eq!(server.state.peak.load(Ordering::SeqCst), 1);
        // The calls outlived the first token: it was renewed (every token asked for was
        // used, none was refused).
        let tokens = server.token_requests();
        assert!(tokens.len() >= 2, "{} token requests", tokens.len());
        assert!(tokens.iter().all(|r| r.status == 200));
        // Secrets stay out of the trace.
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("app-only token received"), "{stderr}");
        assert!(!stderr.contains(SECRET), "{stderr}");
        for t in server.issued() {
            assert!(!stderr.contains(&t), "a token in the trace:\n{stderr}");
        }
    }

    #[tokio::test]
    async fn the_four_examples_open_another_mailbox() {
        let server = Server::start(
            Proof::Secret,
            Duration::from_secs(3600),
            Duration::ZERO,
            Refuse::Expired,
        )
        .await;
        let env = app_env(&server);
        let out = run(
            "find_items",
            &["archivemsgfolderroot", "--mailbox", "bob@contoso.test"],
            &env,
        )
        .await;
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "item-0\tArchived report\n1 items in 1 pages\n"
        );
        let r = server.ews_requests().pop().expect("a FindItem");
        assert_eq!(r.header("X-AnchorMailbox"), Some("bob@contoso.test"));
        assert!(
            r.body.contains(r#"<t:DistinguishedFolderId Id="archivemsgfolderroot"><t:Mailbox><t:EmailAddress>bob@contoso.test</t:EmailAddress></t:Mailbox></t:DistinguishedFolderId>"#),
            "{}",
            r.body
        );
        assert!(!r.body.contains("ExchangeImpersonation"));

        let out = run(
            "get_items",
            &["--mailbox", "bob@contoso.test", "id-7"],
            &env,
        )
        .await;
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        let r = server.ews_requests().pop().expect("a GetItem");
        assert_eq!(r.header("X-AnchorMailbox"), Some("bob@contoso.test"));

        let out = run(
            "sync_folder",
            &["inbox", "--mailbox", "bob@contoso.test"],
            &env,
        )
        .await;
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "create\titem-9\nstate=H4sIAAAA-state\n"
        );
        let r = server.ews_requests().pop().expect("a SyncFolderItems");
        assert_eq!(r.header("X-AnchorMailbox"), Some("bob@contoso.test"));
        assert!(
            r.body.contains(r#"<t:DistinguishedFolderId Id="inbox"><t:Mailbox><t:EmailAddress>bob@contoso.test</t:EmailAddress></t:Mailbox></t:DistinguishedFolderId>"#),
            "{}",
            r.body
        );

        let out = run(
            "stream_events",
            &["inbox", "--mailbox", "bob@contoso.test"],
            &env,
        )
        .await;
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "NewMailEvent\titem-new\n"
        );
        let reqs = server.ews_requests();
        let (subscribe, events) = (&reqs[reqs.len() - 2], &reqs[reqs.len() - 1]);
        assert!(
            subscribe.body.contains(r#"<t:DistinguishedFolderId Id="inbox"><t:Mailbox><t:EmailAddress>bob@contoso.test</t:EmailAddress></t:Mailbox></t:DistinguishedFolderId>"#),
            "{}",
            subscribe.body
        );
        for r in [subscribe, events] {
            assert_eq!(r.header("X-AnchorMailbox"), Some("bob@contoso.test"));
        }

        // Impersonation: the SOAP header, and the mailbox as the anchor.
        let mut impersonating = env.clone();
        impersonating.push(("EWS_IMPERSONATE", "carol@contoso.test".into()));
        let out = run("find_items", &["inbox"], &impersonating).await;
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        let r = server.ews_requests().pop().expect("a FindItem");
        assert_eq!(r.header("X-AnchorMailbox"), Some("carol@contoso.test"));
        assert!(
            r.body.contains("<t:ExchangeImpersonation><t:ConnectingSID><t:PrimarySmtpAddress>carol@contoso.test</t:PrimarySmtpAddress></t:ConnectingSID></t:ExchangeImpersonation>"),
            "{}",
            r.body
        );
        assert!(
            r.body.contains(r#"<t:DistinguishedFolderId Id="inbox"/>"#),
            "{}",
            r.body
        );

        // Usage: exit 2.
        for args in [&["inbox", "--mailbox"][..], &["inbox", "--mailbox", "bob"]] {
            let out = run("find_items", args, &env).await;
            assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
            assert!(String::from_utf8_lossy(&out.stderr).contains("--mailbox"));
        }
    }

    #[tokio::test]
    async fn a_refused_secret_and_a_missing_setting_are_reported() {
        let server = Server::start(
            Proof::Secret,
            Duration::from_secs(3600),
            Duration::ZERO,
            Refuse::Expired,
        )
        .await;
        let mut env = app_env(&server);
        env.retain(|(k, _)| *k != "EWS_CLIENT_SECRET");
        env.push(("EWS_CLIENT_SECRET", "not-the-S3cret".into()));
        env.push(("RUST_LOG", "ewsgen=trace".into()));
        let out = run("get_items", &["id-1"], &env).await;
        assert_eq!(out.status.code(), Some(1), "{out:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("invalid_client") && stderr.contains("AADSTS7000215"),
            "{stderr}"
        );
        assert!(!stderr.contains("not-the-S3cret"), "{stderr}");
        assert!(server.ews_requests().is_empty());

        let mut env = app_env(&server);
        env.retain(|(k, _)| *k != "EWS_TENANT");
        let out = run("get_items", &["id-1"], &env).await;
        assert_eq!(out.status.code(), Some(2), "{out:?}");
        assert!(String::from_utf8_lossy(&out.stderr)
            .contains("EWS_AUTH=client_credentials needs EWS_TENANT"));
    }

    #[tokio::test]
    async fn the_examples_sign_assertions_with_ews_client_cert() {
        let (cert, pem) = ews_test_support::tls::rsa_client_certificate("ewsgen example app");
        let server = Server::start(
            Proof::Certificate(cert),
            Duration::from_secs(3600),
            Duration::ZERO,
            Refuse::Expired,
        )
        .await;
        let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("ewsgen-app-{}.pem", std::process::id()));
        std::fs::write(&path, &pem).expect("write the PEM");
        let mut env = app_env(&server);
        env.retain(|(k, _)| *k != "EWS_CLIENT_SECRET");
        env.push(("EWS_CLIENT_CERT", path.to_string_lossy().into_owned()));
        env.push(("RUST_LOG", "ewsgen=trace".into()));
        let out = run("get_items", &["id-1"], &env).await;
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        assert_eq!(server.state.claims.lock().unwrap().len(), 1);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let assertion = form(&server.token_requests()[0].body)["client_assertion"].clone();
        assert!(!stderr.contains(&assertion) && !stderr.contains("PRIVATE KEY"));
        let _ = std::fs::remove_file(&path);
    }
}
