//! How the client connects, against servers on 127.0.0.1 only: Autodiscover (POX and JSON),
//! NTLM bound to the connection, bearer token refresh, redirects, cookies, compression,
//! response ids, traces without secrets, and the examples as written.
//!
//! Each test starts one server on 127.0.0.1:0 that speaks https (a certificate made at test
//! time by a CA made at test time) and plain http on the same port, and builds its clients
//! with host overrides for every name used (`contoso.test`, `autodiscover-s.outlook.com`...)
//! and `resolve_overrides_only`, so no other address is ever looked up or contacted.

use std::io::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use base64::Engine as _;
use ews_test_support::ntlm;
use ews_test_support::tls::Pki;
use ewsgen::client::autodiscover::{Autodiscover, ErrorKind, RedirectKind};
use ewsgen::client::{ClientBuilder, Error, Secret, TokenFuture, TokenProvider};
use ewsgen::messages::SetImGroupType;
use ewsgen::rt::ReadOptions;
use ewsgen::types::{ExchangeVersionType, ItemIdType, RequestServerVersion};
use ewsgen::ResponseMessage as _;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const USER: &str = "alice@contoso.test";
const PASSWORD: &str = "s3cr3t-Pa55word";
const TOKEN: &str = "eyJ0eXAiOiJKV1QiLCJhbGciOi.secret-token-value";
const EWS_PATH: &str = "/EWS/Exchange.asmx";
const POX_PATH: &str = "/autodiscover/autodiscover.xml";

/// Every name the tests use; all resolve to the test's server.
const HOSTS: &[&str] = &[
    "contoso.test",
    "autodiscover.contoso.test",
    "mail.contoso.test",
    "fabrikam.test",
    "autodiscover.fabrikam.test",
    "mail.fabrikam.test",
    "autodiscover-s.outlook.com",
    "outlook.office365.com",
];

// ---------------------------------------------------------------------------------------
// Certificates

/// A CA and a certificate for [`HOSTS`] signed by it, made once per test process.
fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(|| Pki::new(HOSTS))
}

/// The CA in a PEM file (for `EWS_CA_FILE`).
fn ca_file() -> PathBuf {
    static FILE: OnceLock<PathBuf> = OnceLock::new();
    FILE.get_or_init(|| {
        let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("ewsgen-test-ca-{}.pem", std::process::id()));
        std::fs::write(&path, &pki().ca_pem).expect("write the CA file");
        path
    })
    .clone()
}

// ---------------------------------------------------------------------------------------
// The server

/// One request as the server received it.
#[derive(Debug, Clone)]
struct Req {
    conn: usize,
    tls: bool,
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Req {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn host(&self) -> &str {
        let h = self.header("Host").unwrap_or_default();
        h.split(':').next().unwrap_or(h)
    }

    fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// `https://host/path` or `http://host/path`, as the request came.
    fn url(&self) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://{}{}", self.host(), self.path)
    }
}

struct Resp {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn resp(status: u16, body: impl Into<Vec<u8>>) -> Resp {
    Resp {
        status,
        headers: Vec::new(),
        body: body.into(),
    }
}

impl Resp {
    fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_string(), value.into()));
        self
    }
}

fn xml(body: impl Into<Vec<u8>>) -> Resp {
    resp(200, body).header("Content-Type", "text/xml; charset=utf-8")
}

/// What a connection carries from request to request (NTLM is bound to it).
#[derive(Default)]
struct ConnState {
    ntlm: ntlm::Connection,
}

type Handler = dyn Fn(&Req, &mut ConnState) -> Resp + Send + Sync;

struct Server {
    addr: SocketAddr,
    log: Arc<Mutex<Vec<Req>>>,
}

impl Server {
    async fn start(
        handler: impl Fn(&Req, &mut ConnState) -> Resp + Send + Sync + 'static,
    ) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("address");
        let log = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let acceptor = tokio_rustls::TlsAcceptor::from(pki().server.clone());
        let conns = Arc::new(AtomicUsize::new(0));
        let server_log = log.clone();
        tokio::spawn(async move {
            loop {
                let Ok((sock, _)) = listener.accept().await else {
                    return;
                };
                let id = conns.fetch_add(1, Ordering::SeqCst);
                let (log, handler, acceptor) =
                    (server_log.clone(), handler.clone(), acceptor.clone());
                tokio::spawn(async move {
                    let _ = connection(sock, id, acceptor, log, handler).await;
                });
            }
        });
        Server { addr, log }
    }

    fn requests(&self) -> Vec<Req> {
        self.log.lock().unwrap().clone()
    }

    /// A builder whose every host name leads here, trusting the test CA.
    fn builder(&self) -> ClientBuilder {
        let mut b = ClientBuilder::default()
            .add_root_certificates_pem(pki().ca_pem.as_bytes())
            .resolve_overrides_only(true)
            .timeout(Duration::from_secs(20));
        for h in HOSTS {
            b = b.resolve(*h, self.addr);
        }
        b
    }

    /// `EWS_RESOLVE` for the examples.
    fn resolve_env(&self) -> String {
        HOSTS
            .iter()
            .map(|h| format!("{h}={}", self.addr))
            .collect::<Vec<_>>()
            .join(",")
    }
}

async fn connection(
    sock: TcpStream,
    id: usize,
    acceptor: tokio_rustls::TlsAcceptor,
    log: Arc<Mutex<Vec<Req>>>,
    handler: Arc<Handler>,
) -> std::io::Result<()> {
    let mut first = [0u8; 1];
    let n = sock.peek(&mut first).await?;
    if n == 1 && first[0] == 0x16 {
        let tls = acceptor.accept(sock).await?;
        serve(tls, id, true, log, handler).await
    } else {
        serve(sock, id, false, log, handler).await
    }
}

/// HTTP/1.1 with keep-alive on one connection.
async fn serve<S: AsyncRead + AsyncWrite + Unpin>(
    mut s: S,
    conn: usize,
    tls: bool,
    log: Arc<Mutex<Vec<Req>>>,
    handler: Arc<Handler>,
) -> std::io::Result<()> {
    let mut state = ConnState::default();
    let mut buf = Vec::new();
    loop {
        let Some(ews_test_support::http::Request {
            method,
            path,
            headers,
            body,
        }) = ews_test_support::http::read_request(&mut s, &mut buf).await?
        else {
            return Ok(());
        };
        let req = Req {
            conn,
            tls,
            method,
            path,
            headers,
            body,
        };
        log.lock().unwrap().push(req.clone());
        let r = handler(&req, &mut state);
        let mut out = format!("HTTP/1.1 {} Status\r\n", r.status).into_bytes();
        for (k, v) in &r.headers {
            out.extend_from_slice(format!("{k}: {v}\r\n").as_bytes());
        }
        out.extend_from_slice(format!("Content-Length: {}\r\n\r\n", r.body.len()).as_bytes());
        out.extend_from_slice(&r.body);
        s.write_all(&out).await?;
        s.flush().await?;
    }
}

// ---------------------------------------------------------------------------------------
// EWS and Autodiscover answers

fn envelope(body: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header><h:ServerVersionInfo MajorVersion="15" MinorVersion="1" MajorBuildNumber="2507" MinorBuildNumber="6" Version="V2017_07_11" xmlns:h="http://schemas.microsoft.com/exchange/services/2006/types"/></s:Header><s:Body>{body}</s:Body></s:Envelope>"#
    )
}

fn success() -> String {
    envelope(
        r#"<SetImGroupResponse ResponseClass="Success" xmlns="http://schemas.microsoft.com/exchange/services/2006/messages"><ResponseCode>NoError</ResponseCode></SetImGroupResponse>"#,
    )
}

fn fault() -> String {
    envelope(
        r#"<s:Fault><faultcode xmlns:a="http://schemas.microsoft.com/exchange/services/2006/types">a:ErrorSchemaValidation</faultcode><faultstring>The request failed schema validation.</faultstring></s:Fault>"#,
    )
}

fn request() -> SetImGroupType {
    SetImGroupType::new(
        ItemIdType::new("AAMkAGQ1MjJjMTBkQoTbWAAAAAAQRAAA=".into()),
        "MyNewGroupName".into(),
    )
}

fn headers() -> ewsgen::RequestHeaders {
    ewsgen::RequestHeaders {
        request_server_version: Some(RequestServerVersion::new(ExchangeVersionType::Exchange2013)),
        ..Default::default()
    }
}

const AUTODISCOVER_RESPONSE_NS: &str =
    "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006";
const OUTLOOK_RESPONSE_NS: &str =
    "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a";

fn pox_account(inner: &str) -> Resp {
    xml(format!(
        r#"<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="{AUTODISCOVER_RESPONSE_NS}"><Response xmlns="{OUTLOOK_RESPONSE_NS}"><User><DisplayName>Alice</DisplayName></User><Account><AccountType>email</AccountType>{inner}</Account></Response></Autodiscover>"#
    ))
}

fn pox_settings(ews_host: &str) -> Resp {
    pox_account(&format!(
        "<Action>settings</Action><Protocol><Type>EXCH</Type><Server>EXCH01.contoso.test</Server><ServerVersion>73C18880</ServerVersion><EwsUrl>https://internal.{ews_host}/EWS/Exchange.asmx</EwsUrl></Protocol><Protocol><Type>EXPR</Type><Server>{ews_host}</Server><EwsUrl>https://{ews_host}/EWS/Exchange.asmx</EwsUrl></Protocol>"
    ))
}

fn pox_redirect_addr(to: &str) -> Resp {
    pox_account(&format!(
        "<Action>redirectAddr</Action><RedirectAddr>{to}</RedirectAddr>"
    ))
}

fn pox_redirect_url(to: &str) -> Resp {
    pox_account(&format!(
        "<Action>redirectUrl</Action><RedirectUrl>{to}</RedirectUrl>"
    ))
}

/// The address a POX request asks about.
fn asked_address(r: &Req) -> String {
    let body = r.body_text();
    let start = body.find("<EMailAddress>").map(|i| i + 14).unwrap_or(0);
    let end = body.find("</EMailAddress>").unwrap_or(start);
    body[start..end].to_string()
}

fn basic() -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{USER}:{PASSWORD}"))
    )
}

/// Checks a POX request: https, POST, the request schema, credentials.
fn check_pox_request(r: &Req) {
    assert!(r.tls, "a POX request went over http: {r:?}");
    assert_eq!(r.method, "POST");
    assert_eq!(r.path, POX_PATH);
    assert_eq!(r.header("Content-Type"), Some("text/xml; charset=utf-8"));
    assert_eq!(r.header("Authorization"), Some(basic().as_str()));
    let body = r.body_text();
    assert!(
        body.contains("<Autodiscover xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006\">"),
        "{body}"
    );
    assert!(body.contains(&format!(
        "<AcceptableResponseSchema>{OUTLOOK_RESPONSE_NS}</AcceptableResponseSchema>"
    )));
}

type Approvals = Arc<Mutex<Vec<(RedirectKind, String)>>>;

fn autodiscover(server: &Server, approve: bool) -> (Autodiscover, Approvals) {
    let asked: Approvals = Arc::default();
    let seen = asked.clone();
    let a = Autodiscover::new(&server.builder().basic_auth(USER, PASSWORD))
        .expect("autodiscover")
        .dns_srv(false)
        .approve_redirect(move |r| {
            seen.lock().unwrap().push((r.kind, r.to.clone()));
            approve
        });
    (a, asked)
}

// ---------------------------------------------------------------------------------------
// Autodiscover

/// `_autodiscover._tcp.contoso.test`: a record of another port (skipped), the one to use
/// (priority 10, weight 50), one of the same priority and a lower weight, one of a lower
/// priority.
fn srv_records() -> Vec<ews_test_support::dns::Srv> {
    let name = "_autodiscover._tcp.contoso.test".to_string();
    vec![
        (name.clone(), 0, 0, 8443, "autodiscover.contoso.test".into()),
        (name.clone(), 20, 100, 443, "fabrikam.test".into()),
        (
            name.clone(),
            10,
            5,
            443,
            "autodiscover.fabrikam.test".into(),
        ),
        (name, 10, 50, 443, "mail.contoso.test".into()),
    ]
}

#[tokio::test]
async fn autodiscover_asks_dns_srv_last_and_its_host_needs_approval() {
    // Every step before fails; the SRV record's host answers.
    let server = Server::start(|r, _| match (r.tls, r.host()) {
        (true, "mail.contoso.test") => pox_settings("mail.contoso.test"),
        _ => resp(404, "no"),
    })
    .await;
    let dns = ews_test_support::dns::DnsServer::start(srv_records()).await;
    let asked: Approvals = Arc::default();
    let seen = asked.clone();
    let found = Autodiscover::new(&server.builder().basic_auth(USER, PASSWORD))
        .expect("autodiscover")
        .dns_servers(vec![dns.addr])
        .approve_redirect(move |r| {
            seen.lock().unwrap().push((r.kind, r.to.clone()));
            true
        })
        .discover(USER)
        .await
        .expect("found through the SRV record");
    assert_eq!(found.ews_url, "https://mail.contoso.test/EWS/Exchange.asmx");
    assert_eq!(
        found.source,
        "https://mail.contoso.test/autodiscover/autodiscover.xml"
    );
    let tried: Vec<String> = found
        .attempts
        .iter()
        .map(|a| format!("{} {}", a.method, a.url))
        .collect();
    assert_eq!(
        tried,
        [
            "POST https://contoso.test/autodiscover/autodiscover.xml",
            "POST https://autodiscover.contoso.test/autodiscover/autodiscover.xml",
            "GET http://autodiscover.contoso.test/autodiscover/autodiscover.xml",
            "GET https://autodiscover-s.outlook.com/autodiscover/autodiscover.json/v1.0/alice@contoso.test?Protocol=EWS",
            "SRV _autodiscover._tcp.contoso.test",
            "POST https://mail.contoso.test/autodiscover/autodiscover.xml",
        ]
    );
    assert_eq!(
        found.attempts[4].outcome,
        "SRV target mail.contoso.test: https://mail.contoso.test/autodiscover/autodiscover.xml"
    );
    assert_eq!(
        *asked.lock().unwrap(),
        [(
            RedirectKind::DnsSrv,
            "https://mail.contoso.test/autodiscover/autodiscover.xml".to_string()
        )]
    );
    assert_eq!(
        dns.asked(),
        [("_autodiscover._tcp.contoso.test".to_string(), 33)]
    );
    let last = server.requests().pop().expect("a request");
    check_pox_request(&last);
    assert_eq!(last.host(), "mail.contoso.test");

    // Not approved: the host is never asked.
    let server = Server::start(|r, _| match (r.tls, r.host()) {
        (true, "mail.contoso.test") => pox_settings("mail.contoso.test"),
        _ => resp(404, "no"),
    })
    .await;
    let err = Autodiscover::new(&server.builder().basic_auth(USER, PASSWORD))
        .expect("autodiscover")
        .dns_servers(vec![dns.addr])
        .discover(USER)
        .await
        .expect_err("not approved");
    assert_eq!(err.kind, ErrorKind::NotFound);
    assert!(server
        .requests()
        .iter()
        .all(|r| r.host() != "mail.contoso.test"));
    assert_eq!(
        err.attempts.last().map(|a| a.outcome.as_str()),
        Some("SRV target mail.contoso.test refused: not approved")
    );

    // No record: the search ends there, saying so.
    let empty = ews_test_support::dns::DnsServer::start(Vec::new()).await;
    let err = Autodiscover::new(&server.builder().basic_auth(USER, PASSWORD))
        .expect("autodiscover")
        .dns_servers(vec![empty.addr])
        .approve_redirect(|_| true)
        .discover(USER)
        .await
        .expect_err("no record");
    let last = err.attempts.last().expect("attempts");
    assert_eq!(
        (last.method, last.outcome.as_str()),
        ("SRV", "no SRV record")
    );

    // Host overrides only, no DNS server given: no DNS look-up at all.
    let err = Autodiscover::new(&server.builder().basic_auth(USER, PASSWORD))
        .expect("autodiscover")
        .discover(USER)
        .await
        .expect_err("nothing found");
    assert_eq!(
        err.attempts.last().map(|a| a.outcome.as_str()),
        Some("not looked up: resolve_overrides_only, and no DNS server given")
    );
}

#[tokio::test]
async fn autodiscover_follows_a_redirect_addr_chain() {
    let server = Server::start(|r, _| match (r.host(), asked_address(r).as_str()) {
        ("contoso.test", "alice@contoso.test") => pox_redirect_addr("alice.smith@contoso.test"),
        ("contoso.test", "alice.smith@contoso.test") => pox_redirect_addr("asmith@fabrikam.test"),
        ("fabrikam.test", "asmith@fabrikam.test") => pox_settings("mail.fabrikam.test"),
        _ => resp(404, "not here"),
    })
    .await;
    let (a, approvals) = autodiscover(&server, true);
    let found = a.discover(USER).await.expect("found");
    assert_eq!(
        found.ews_url,
        "https://mail.fabrikam.test/EWS/Exchange.asmx"
    );
    let v = found.server_version.as_ref().expect("server version");
    assert_eq!(
        (v.major_version, v.minor_version, v.major_build_number),
        (Some(15), Some(1), Some(2176))
    );
    assert_eq!(found.email, "asmith@fabrikam.test");
    assert_eq!(
        found.source,
        "https://fabrikam.test/autodiscover/autodiscover.xml"
    );
    // Only the redirect to another domain asked for approval.
    assert_eq!(
        *approvals.lock().unwrap(),
        vec![(
            RedirectKind::RedirectAddr,
            "asmith@fabrikam.test".to_string()
        )]
    );
    let reqs = server.requests();
    let asked: Vec<(String, String)> = reqs.iter().map(|r| (r.url(), asked_address(r))).collect();
    assert_eq!(
        asked,
        [
            (
                "https://contoso.test/autodiscover/autodiscover.xml",
                "alice@contoso.test"
            ),
            (
                "https://contoso.test/autodiscover/autodiscover.xml",
                "alice.smith@contoso.test"
            ),
            (
                "https://fabrikam.test/autodiscover/autodiscover.xml",
                "asmith@fabrikam.test"
            ),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    reqs.iter().for_each(check_pox_request);
    assert_eq!(found.attempts.len(), 3);
    assert_eq!(
        found.attempts[1].outcome,
        "redirectAddr to asmith@fabrikam.test"
    );
}

#[tokio::test]
async fn autodiscover_follows_redirect_url_to_another_host_when_approved() {
    let server = Server::start(|r, _| match r.host() {
        "contoso.test" => resp(404, "no autodiscover here"),
        "autodiscover.contoso.test" => {
            pox_redirect_url("https://mail.contoso.test/autodiscover/autodiscover.xml")
        }
        "mail.contoso.test" => pox_settings("mail.contoso.test"),
        _ => resp(500, "unexpected"),
    })
    .await;
    let (a, approvals) = autodiscover(&server, true);
    let found = a.discover(USER).await.expect("found");
    assert_eq!(found.ews_url, "https://mail.contoso.test/EWS/Exchange.asmx");
    assert_eq!(
        *approvals.lock().unwrap(),
        vec![(
            RedirectKind::RedirectUrl,
            "https://mail.contoso.test/autodiscover/autodiscover.xml".to_string()
        )]
    );
    let urls: Vec<String> = server.requests().iter().map(Req::url).collect();
    assert_eq!(
        urls,
        [
            "https://contoso.test/autodiscover/autodiscover.xml",
            "https://autodiscover.contoso.test/autodiscover/autodiscover.xml",
            "https://mail.contoso.test/autodiscover/autodiscover.xml",
        ]
    );
    server.requests().iter().for_each(check_pox_request);
    assert_eq!(found.attempts[0].outcome, "HTTP 404");

    // Refused: nothing reaches mail.contoso.test, the refusal is named.
    let server2 = Server::start(|r, _| match r.host() {
        "autodiscover.contoso.test" => {
            pox_redirect_url("https://mail.contoso.test/autodiscover/autodiscover.xml")
        }
        _ => resp(404, "no"),
    })
    .await;
    let (a, _) = autodiscover(&server2, false);
    let err = a.discover(USER).await.expect_err("refused");
    assert_eq!(err.kind, ErrorKind::NotFound);
    assert!(server2
        .requests()
        .iter()
        .all(|r| r.host() != "mail.contoso.test"));
    let text = err.to_string();
    assert!(
        text.contains("redirectUrl: redirect to https://mail.contoso.test/autodiscover/autodiscover.xml (another host) refused: not approved"),
        "{text}"
    );
}

#[tokio::test]
async fn autodiscover_stops_at_a_loop_and_after_ten_redirects() {
    // redirectUrl A -> B -> A.
    let server = Server::start(|r, _| match r.host() {
        "contoso.test" => {
            pox_redirect_url("https://autodiscover.contoso.test/autodiscover/autodiscover.xml")
        }
        "autodiscover.contoso.test" => {
            pox_redirect_url("https://contoso.test/autodiscover/autodiscover.xml")
        }
        _ => resp(404, "no"),
    })
    .await;
    let (a, _) = autodiscover(&server, true);
    let err = a.discover(USER).await.expect_err("loop");
    assert_eq!(
        err.kind,
        ErrorKind::Loop(
            "https://contoso.test/autodiscover/autodiscover.xml was already asked about alice@contoso.test"
                .into()
        )
    );
    assert_eq!(server.requests().len(), 2);

    // redirectAddr a -> b -> a.
    let server = Server::start(|r, _| match asked_address(r).as_str() {
        "alice@contoso.test" => pox_redirect_addr("bob@contoso.test"),
        _ => pox_redirect_addr("alice@contoso.test"),
    })
    .await;
    let (a, _) = autodiscover(&server, true);
    let err = a.discover(USER).await.expect_err("loop");
    assert_eq!(
        err.kind,
        ErrorKind::Loop("redirectAddr back to alice@contoso.test".into())
    );
    assert_eq!(server.requests().len(), 2);

    // A chain of new addresses: at most 10 redirects are followed.
    let server = Server::start(|r, _| {
        let asked = asked_address(r);
        let n: usize = asked
            .trim_start_matches("user")
            .trim_end_matches("@contoso.test")
            .parse()
            .unwrap_or(0);
        pox_redirect_addr(&format!("user{}@contoso.test", n + 1))
    })
    .await;
    let (a, _) = autodiscover(&server, true);
    let err = a
        .discover("user0@contoso.test")
        .await
        .expect_err("too many");
    assert_eq!(err.kind, ErrorKind::TooManyRedirects(10));
    assert_eq!(server.requests().len(), 11);
    assert_eq!(err.attempts.len(), 11);
}

#[tokio::test]
async fn autodiscover_refuses_a_redirect_to_another_domain_without_approval() {
    let server = Server::start(|r, _| match r.host() {
        "contoso.test" => pox_redirect_addr("alice@fabrikam.test"),
        "fabrikam.test" => pox_settings("mail.fabrikam.test"),
        _ => resp(404, "no"),
    })
    .await;
    let (a, approvals) = autodiscover(&server, false);
    let err = a.discover(USER).await.expect_err("refused");
    assert_eq!(err.kind, ErrorKind::NotFound);
    assert_eq!(
        *approvals.lock().unwrap(),
        vec![(
            RedirectKind::RedirectAddr,
            "alice@fabrikam.test".to_string()
        )]
    );
    let reqs = server.requests();
    assert!(
        reqs.iter().all(|r| !r.host().contains("fabrikam")),
        "{reqs:?}"
    );
    // The rest of the sequence was still tried, the JSON endpoint last.
    let urls: Vec<String> = reqs.iter().map(Req::url).collect();
    assert_eq!(
        urls,
        [
            "https://contoso.test/autodiscover/autodiscover.xml",
            "https://autodiscover.contoso.test/autodiscover/autodiscover.xml",
            "http://autodiscover.contoso.test/autodiscover/autodiscover.xml",
            "https://autodiscover-s.outlook.com/autodiscover/autodiscover.json/v1.0/alice@contoso.test?Protocol=EWS",
        ]
    );
    assert_eq!(
        err.attempts[0].outcome,
        "redirectAddr to alice@fabrikam.test (another domain) refused: not approved"
    );
    assert_eq!(err.attempts.len(), 4);
}

#[tokio::test]
async fn autodiscover_http_never_carries_credentials() {
    // The https steps fail; the http GET redirects to https, which answers.
    let server = Server::start(|r, _| match (r.tls, r.host()) {
        (false, "autodiscover.contoso.test") => resp(302, "").header(
            "Location",
            "https://mail.contoso.test/autodiscover/autodiscover.xml",
        ),
        (true, "mail.contoso.test") => pox_settings("mail.contoso.test"),
        (true, "contoso.test") => resp(401, "").header("WWW-Authenticate", "Basic realm=\"x\""),
        _ => resp(404, "no"),
    })
    .await;
    let (a, approvals) = autodiscover(&server, true);
    let found = a.discover(USER).await.expect("found");
    assert_eq!(found.ews_url, "https://mail.contoso.test/EWS/Exchange.asmx");
    assert_eq!(
        *approvals.lock().unwrap(),
        vec![(
            RedirectKind::Http,
            "https://mail.contoso.test/autodiscover/autodiscover.xml".to_string()
        )]
    );
    let reqs = server.requests();
    assert_eq!(reqs.len(), 4, "{reqs:?}");
    let http: Vec<&Req> = reqs.iter().filter(|r| !r.tls).collect();
    assert_eq!(http.len(), 1);
    assert_eq!(http[0].method, "GET");
    assert_eq!(
        http[0].url(),
        "http://autodiscover.contoso.test/autodiscover/autodiscover.xml"
    );
    for r in &http {
        assert_eq!(r.header("Authorization"), None);
        assert_eq!(r.header("Cookie"), None);
        assert!(r.body.is_empty());
    }
    assert_eq!(
        reqs[3].url(),
        "https://mail.contoso.test/autodiscover/autodiscover.xml"
    );
    check_pox_request(&reqs[3]);
    assert!(found.attempts[0]
        .outcome
        .starts_with("HTTP 401: the credentials were refused"));
    assert_eq!(
        found.attempts[2].outcome,
        "HTTP 302 to https://mail.contoso.test/autodiscover/autodiscover.xml"
    );

    // Redirects to http are never followed, from the http GET or from a POST.
    let server = Server::start(|r, _| match (r.tls, r.host()) {
        (false, "autodiscover.contoso.test") if r.method == "GET" => resp(301, "").header(
            "Location",
            "http://mail.contoso.test/autodiscover/autodiscover.xml",
        ),
        (true, "contoso.test") => resp(302, "").header(
            "Location",
            "http://contoso.test/autodiscover/autodiscover.xml",
        ),
        (true, "autodiscover.contoso.test") => {
            pox_redirect_url("http://mail.contoso.test/autodiscover/autodiscover.xml")
        }
        (false, _) => pox_settings("mail.contoso.test"),
        _ => resp(404, "no"),
    })
    .await;
    let (a, _) = autodiscover(&server, true);
    let err = a
        .json_fallback(false)
        .discover(USER)
        .await
        .expect_err("nothing over http");
    let reqs = server.requests();
    assert_eq!(reqs.len(), 3, "{reqs:?}");
    assert!(reqs
        .iter()
        .filter(|r| !r.tls)
        .all(|r| r.method == "GET" && r.header("Authorization").is_none() && r.path == POX_PATH));
    let outcomes: Vec<&str> = err.attempts.iter().map(|a| a.outcome.as_str()).collect();
    assert_eq!(
        outcomes,
        [
            "HTTP 302: redirect to http://contoso.test/autodiscover/autodiscover.xml refused: only https is followed",
            "redirectUrl: redirect to http://mail.contoso.test/autodiscover/autodiscover.xml refused: only https is followed",
            "HTTP 301: redirect to http://mail.contoso.test/autodiscover/autodiscover.xml refused: only https is followed",
        ]
    );
}

#[tokio::test]
async fn autodiscover_asks_the_json_endpoint() {
    let json_path = "/autodiscover/autodiscover.json/v1.0/alice@contoso.test?Protocol=EWS";
    let server = Server::start(move |r, _| match (r.host(), r.path.as_str()) {
        ("autodiscover-s.outlook.com", p) if p == json_path => resp(
            200,
            r#"{"Protocol":"EWS","Url":"https://outlook.office365.com/EWS/Exchange.asmx"}"#,
        )
        .header("Content-Type", "application/json"),
        _ => resp(404, "no"),
    })
    .await;
    // Marked as Exchange Online: asked first, and only it.
    let (a, _) = autodiscover(&server, false);
    let found = a.exchange_online(true).discover(USER).await.expect("found");
    assert_eq!(
        found.ews_url,
        "https://outlook.office365.com/EWS/Exchange.asmx"
    );
    assert_eq!(found.server_version, None);
    let reqs = server.requests();
    assert_eq!(reqs.len(), 1);
    assert!(reqs[0].tls);
    assert_eq!(reqs[0].method, "GET");
    assert_eq!(
        reqs[0].header("Authorization"),
        None,
        "the JSON endpoint is anonymous"
    );

    // Otherwise asked after the POX steps failed.
    let (a, _) = autodiscover(&server, false);
    let found = a.discover(USER).await.expect("found");
    assert_eq!(
        found.ews_url,
        "https://outlook.office365.com/EWS/Exchange.asmx"
    );
    assert_eq!(found.attempts.len(), 4);
    assert_eq!(server.requests().len(), 5);
    assert_eq!(
        found.attempts[3].url,
        format!("https://autodiscover-s.outlook.com{json_path}")
    );

    // The http GET leading back to a URL already asked is no loop: the search goes on.
    let server = Server::start(move |r, _| match (r.tls, r.host()) {
        (false, _) => resp(302, "").header(
            "Location",
            "https://autodiscover.contoso.test/autodiscover/autodiscover.xml",
        ),
        (true, "autodiscover-s.outlook.com") => resp(
            200,
            r#"{"Protocol":"EWS","Url":"https://outlook.office365.com/EWS/Exchange.asmx"}"#,
        ),
        _ => resp(404, "no"),
    })
    .await;
    let (a, _) = autodiscover(&server, false);
    let found = a.discover(USER).await.expect("found by the JSON endpoint");
    assert_eq!(
        found.ews_url,
        "https://outlook.office365.com/EWS/Exchange.asmx"
    );
    let urls: Vec<String> = server.requests().iter().map(Req::url).collect();
    assert_eq!(
        urls,
        [
            "https://contoso.test/autodiscover/autodiscover.xml",
            "https://autodiscover.contoso.test/autodiscover/autodiscover.xml",
            "http://autodiscover.contoso.test/autodiscover/autodiscover.xml",
            "https://autodiscover-s.outlook.com/autodiscover/autodiscover.json/v1.0/alice@contoso.test?Protocol=EWS",
        ]
    );

    // An error answer is an outcome.
    let server = Server::start(|_, _| {
        resp(
            404,
            r#"{"ErrorCode":"MailboxNotFound","ErrorMessage":"No mailbox found"}"#,
        )
    })
    .await;
    let (a, _) = autodiscover(&server, false);
    let err = a
        .exchange_online(true)
        .json_fallback(false)
        .discover(USER)
        .await;
    let err = err.expect_err("not found");
    assert!(err.attempts[0]
        .outcome
        .contains("error MailboxNotFound: No mailbox found"));
}

#[tokio::test]
async fn autodiscover_refuses_a_bad_address_without_a_request() {
    let server = Server::start(|_, _| resp(404, "")).await;
    let (a, _) = autodiscover(&server, true);
    for bad in [
        "alice",
        "alice@",
        "alice@contoso.test/evil",
        "alice@[127.0.0.1]",
    ] {
        let err = a.discover(bad).await.expect_err(bad);
        assert!(matches!(err.kind, ErrorKind::InvalidAddress(_)), "{err}");
    }
    assert!(server.requests().is_empty());
}

// ---------------------------------------------------------------------------------------
// NTLM

const NTLM_PASSWORD: &str = "Ntlm-Pa55word!";

/// NTLM as IIS does it, bound to the connection (`ews_test_support::ntlm::gate`). `None`:
/// authenticated as the user in `state.ntlm.user`.
fn ntlm_gate(r: &Req, state: &mut ConnState, offers: &[&str]) -> Option<Resp> {
    let refuse = || {
        let mut x = resp(401, "");
        for o in offers {
            x = x.header("WWW-Authenticate", *o);
        }
        x
    };
    match ntlm::gate(
        r.header("Authorization"),
        &mut state.ntlm,
        offers,
        NTLM_PASSWORD,
    ) {
        ntlm::Gate::Pass => None,
        ntlm::Gate::Refuse => Some(refuse()),
        ntlm::Gate::Challenge(c) => Some(resp(401, "").header("WWW-Authenticate", c)),
    }
}

fn ntlm_server(offers: &'static [&'static str]) -> impl Fn(&Req, &mut ConnState) -> Resp {
    move |r, state| match ntlm_gate(r, state, offers) {
        Some(refusal) => refusal,
        None if r.body.is_empty() => resp(400, "empty request"),
        None => xml(success()).header(
            "X-Authenticated-As",
            state.ntlm.user.clone().unwrap_or_default(),
        ),
    }
}

#[tokio::test]
async fn ntlm_authenticates_on_one_kept_alive_connection() {
    let server = Server::start(ntlm_server(&["Negotiate", "NTLM"])).await;
    let client = server
        .builder()
        .endpoint(format!("http://mail.contoso.test{EWS_PATH}"))
        .ntlm_auth("CONTOSO\\alice", NTLM_PASSWORD)
        .build()
        .expect("client");
    for _ in 0..3 {
        let r = client
            .call(&request(), &headers())
            .await
            .expect("authenticated");
        assert_eq!(
            r.body.into_result().expect("success").response_code_str(),
            Some("NoError")
        );
    }
    let reqs = server.requests();
    // NEGOTIATE (empty body) and AUTHENTICATE (the request) on one connection, then the
    // next calls on the same, authenticated, connection without a header.
    assert_eq!(reqs.len(), 4, "{reqs:?}");
    assert!(reqs.iter().all(|r| r.conn == reqs[0].conn), "{reqs:?}");
    let auth: Vec<Option<&str>> = reqs
        .iter()
        .map(|r| {
            r.header("Authorization")
                .map(|a| &a[..a.find(' ').unwrap_or(a.len())])
        })
        .collect();
    assert_eq!(auth, [Some("NTLM"), Some("NTLM"), None, None]);
    assert!(reqs[0].body.is_empty());
    assert!(reqs[1].body_text().contains("SetImGroup"));

    // Concurrent calls each get a connection of their own, each authenticated.
    let calls: Vec<_> = (0..4)
        .map(|_| {
            let c = client.clone();
            async move { c.call(&request(), &headers()).await }
        })
        .collect();
    for r in futures_join(calls).await {
        r.expect("concurrent call authenticated");
    }

    // A wrong password is Unauthorized, with what the server offers.
    let wrong = server
        .builder()
        .endpoint(format!("http://mail.contoso.test{EWS_PATH}"))
        .ntlm_auth("CONTOSO\\alice", "wrong")
        .build()
        .expect("client");
    let err = wrong
        .call(&request(), &headers())
        .await
        .expect_err("refused");
    let Error::Unauthorized {
        www_authenticate,
        http,
    } = &err
    else {
        panic!("{err:?}");
    };
    assert_eq!(www_authenticate.as_deref(), Some("Negotiate, NTLM"));
    assert_eq!(http.status, 401);
    assert!(!format!("{err} {err:?}").contains("wrong"));
}

/// Runs futures concurrently on the current thread.
async fn futures_join<F>(futures: Vec<F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let set: Vec<_> = futures.into_iter().map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in set {
        out.push(h.await.expect("task"));
    }
    out
}

#[tokio::test]
async fn negotiate_is_offered_ntlm_with_a_upn() {
    let server = Server::start(|r, state| match ntlm_gate(r, state, &["Negotiate"]) {
        Some(refusal) => refusal,
        None => xml(success()).header("X-User", state.ntlm.user.clone().unwrap_or_default()),
    })
    .await;
    let client = server
        .builder()
        .endpoint(format!("https://mail.contoso.test{EWS_PATH}"))
        .ntlm_auth("alice@contoso.test", NTLM_PASSWORD)
        .build()
        .expect("client");
    client
        .call(&request(), &headers())
        .await
        .expect("authenticated");
    client.call(&request(), &headers()).await.expect("again");
    let reqs = server.requests();
    let schemes: Vec<Option<&str>> = reqs
        .iter()
        .map(|r| {
            r.header("Authorization")
                .map(|a| &a[..a.find(' ').unwrap_or(a.len())])
        })
        .collect();
    // NTLM first (not offered), then the same messages under Negotiate.
    assert_eq!(
        schemes,
        [Some("NTLM"), Some("Negotiate"), Some("Negotiate"), None],
        "{reqs:?}"
    );
    assert!(reqs.iter().all(|r| r.tls));
    assert!(reqs[1..].iter().all(|r| r.conn == reqs[1].conn));
}

// ---------------------------------------------------------------------------------------
// Bearer tokens

/// Gives `tok-1` until told it was refused, then `tok-2`.
#[derive(Default)]
struct Refreshing {
    refused: Mutex<Vec<String>>,
}

impl TokenProvider for Refreshing {
    fn token(&self) -> TokenFuture<'_> {
        let n = self.refused.lock().unwrap().len();
        Box::pin(async move { Ok(Secret::new(format!("tok-{}", n + 1))) })
    }

    fn refresh<'a>(&'a self, refused: &'a Secret) -> TokenFuture<'a> {
        self.refused
            .lock()
            .unwrap()
            .push(refused.expose().to_string());
        self.token()
    }
}

#[tokio::test]
async fn a_refused_token_is_refreshed_and_sent_once_more() {
    let server = Server::start(|r, _| match r.header("Authorization") {
        Some("Bearer tok-2") => xml(success()),
        _ => resp(401, "").header("WWW-Authenticate", "Bearer error=\"invalid_token\""),
    })
    .await;
    let provider = Arc::new(Refreshing::default());
    let client = server
        .builder()
        .endpoint(format!("https://outlook.office365.com{EWS_PATH}"))
        .token_provider(provider.clone())
        .build()
        .expect("client");
    client
        .call(&request(), &headers())
        .await
        .expect("refreshed");
    assert_eq!(*provider.refused.lock().unwrap(), ["tok-1"]);
    let auth: Vec<String> = server
        .requests()
        .iter()
        .map(|r| r.header("Authorization").unwrap_or_default().to_string())
        .collect();
    assert_eq!(auth, ["Bearer tok-1", "Bearer tok-2"]);

    // A second 401 is Unauthorized: two requests, no more.
    let server = Server::start(|_, _| {
        resp(401, "").header("WWW-Authenticate", "Bearer error=\"invalid_token\"")
    })
    .await;
    let client = server
        .builder()
        .endpoint(format!("https://outlook.office365.com{EWS_PATH}"))
        .bearer_token(TOKEN)
        .build()
        .expect("client");
    let err = client
        .call(&request(), &headers())
        .await
        .expect_err("refused");
    assert!(
        matches!(&err, Error::Unauthorized { www_authenticate: Some(c), .. } if c == "Bearer error=\"invalid_token\""),
        "{err:?}"
    );
    assert_eq!(server.requests().len(), 2);
    assert!(!format!("{err} {err:?}").contains(TOKEN));
}

// ---------------------------------------------------------------------------------------
// Redirects, cookies, compression, response ids

#[tokio::test]
async fn a_redirect_is_a_typed_error_and_never_followed() {
    let server = Server::start(|r, _| match r.path.as_str() {
        "/EWS/Exchange.asmx" if r.host() == "mail.contoso.test" => resp(302, "")
            .header("Location", "/EWS/Other.asmx")
            .header("request-id", "rid-302"),
        "/EWS/Exchange.asmx" => resp(302, "").header(
            "Location",
            "https://mail.fabrikam.test/ews/genericerrorpage.htm?aspxerrorpath=/EWS/Exchange.asmx",
        ),
        _ => xml(success()),
    })
    .await;
    let client = server
        .builder()
        .endpoint(format!("https://mail.contoso.test{EWS_PATH}"))
        .basic_auth(USER, PASSWORD)
        .build()
        .expect("client");
    let err = client
        .call(&request(), &headers())
        .await
        .expect_err("redirect");
    let Error::Redirect {
        status,
        location,
        http,
    } = &err
    else {
        panic!("{err:?}");
    };
    assert_eq!(*status, 302);
    assert_eq!(
        location.as_deref(),
        Some("https://mail.contoso.test/EWS/Other.asmx")
    );
    assert_eq!(http.request_id.as_deref(), Some("rid-302"));
    assert!(err
        .to_string()
        .contains("https://mail.contoso.test/EWS/Other.asmx"));

    let client = server
        .builder()
        .endpoint(format!("https://mail.fabrikam.test{EWS_PATH}"))
        .basic_auth(USER, PASSWORD)
        .build()
        .expect("client");
    let err = client
        .call(&request(), &headers())
        .await
        .expect_err("error page");
    assert!(
        matches!(&err, Error::ServerFailure { status: 302, location, .. } if location == "https://mail.fabrikam.test/ews/genericerrorpage.htm?aspxerrorpath=/EWS/Exchange.asmx"),
        "{err:?}"
    );
    // Neither redirect was followed.
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    assert!(reqs
        .iter()
        .all(|r| r.method == "POST" && r.path == EWS_PATH));
}

#[tokio::test]
async fn cookies_come_back_on_the_next_request_of_the_same_client() {
    let server = Server::start(|r, _| {
        if r.header("Cookie").is_none() {
            xml(success()).header(
                "Set-Cookie",
                "X-BackEndOverrideCookie=EXCH01.contoso.test~1942062252; path=/; secure; HttpOnly",
            )
        } else {
            xml(success())
        }
    })
    .await;
    let builder = || {
        server
            .builder()
            .endpoint(format!("https://mail.contoso.test{EWS_PATH}"))
            .basic_auth(USER, PASSWORD)
            .build()
            .expect("client")
    };
    let client = builder();
    client.call(&request(), &headers()).await.expect("first");
    client.call(&request(), &headers()).await.expect("second");
    builder()
        .call(&request(), &headers())
        .await
        .expect("another client");
    let cookies: Vec<Option<String>> = server
        .requests()
        .iter()
        .map(|r| r.header("Cookie").map(str::to_string))
        .collect();
    assert_eq!(
        cookies,
        [
            None,
            Some("X-BackEndOverrideCookie=EXCH01.contoso.test~1942062252".to_string()),
            None
        ]
    );
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).expect("gzip");
    e.finish().expect("gzip")
}

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).expect("deflate");
    e.finish().expect("deflate")
}

#[tokio::test]
async fn compressed_answers_are_decoded_and_the_limit_applies_to_the_decoded_size() {
    // The answer is chosen by the client's User-Agent (test/gzip, test/deflate, test/bomb).
    let server_sel = Server::start(move |r, _| {
        let agent = r.header("User-Agent").unwrap_or_default();
        let body = success();
        if agent.ends_with("gzip") {
            xml(gzip(body.as_bytes())).header("Content-Encoding", "gzip")
        } else if agent.ends_with("deflate") {
            xml(zlib(body.as_bytes())).header("Content-Encoding", "deflate")
        } else {
            // 4 MB of whitespace inside the document: a few kB on the wire.
            let doc = body.replace("<s:Body>", &format!("<s:Body>{}", " ".repeat(4 << 20)));
            let compressed = gzip(doc.as_bytes());
            assert!(compressed.len() < 64 * 1024);
            xml(compressed).header("Content-Encoding", "gzip")
        }
    })
    .await;
    let client = |test: &str, limit: usize| {
        server_sel
            .builder()
            .endpoint(format!("https://mail.contoso.test{EWS_PATH}"))
            .basic_auth(USER, PASSWORD)
            .user_agent(format!("test/{test}"))
            .read_options(ReadOptions::builder().max_document_bytes(limit).build())
            .build()
            .expect("client")
    };
    for encoding in ["gzip", "deflate"] {
        let r = client(encoding, 1 << 20)
            .call(&request(), &headers())
            .await
            .unwrap_or_else(|e| panic!("{encoding}: {e}"));
        assert_eq!(
            r.body.into_result().expect("ok").response_code_str(),
            Some("NoError")
        );
    }
    let accept: Vec<String> = server_sel
        .requests()
        .iter()
        .map(|r| r.header("Accept-Encoding").unwrap_or_default().to_string())
        .collect();
    for a in &accept {
        assert!(a.contains("gzip") && a.contains("deflate"), "{a}");
    }
    // The bomb: small on the wire, beyond the limit once decoded.
    let err = client("bomb", 1 << 20)
        .call(&request(), &headers())
        .await
        .expect_err("too large");
    assert!(
        matches!(&err, Error::Response(e) if matches!(&e.kind, ewsgen::rt::ErrorKind::DocumentTooLarge { limit, .. } if *limit == 1 << 20)),
        "{err:?}"
    );
    // Within a larger limit it reads.
    client("bomb", 8 << 20)
        .call(&request(), &headers())
        .await
        .expect("within the limit");
}

#[tokio::test]
async fn request_ids_go_out_and_come_back() {
    let server = Server::start(|r, _| {
        let answer = if r.body_text().contains("Fail") {
            resp(500, fault()).header("Content-Type", "text/xml; charset=utf-8")
        } else {
            xml(success())
        };
        answer
            .header("request-id", "6d3f0b6a-1111-2222-3333-444455556666")
            .header("X-BEServer", "EXCH01")
            .header("X-DiagInfo", "EXCH02")
            .header(
                "client-request-id",
                r.header("client-request-id").unwrap_or_default(),
            )
    })
    .await;
    let client = server
        .builder()
        .endpoint(format!("https://mail.contoso.test{EWS_PATH}"))
        .basic_auth(USER, PASSWORD)
        .build()
        .expect("client");
    let r1 = client.call(&request(), &headers()).await.expect("ok");
    let r2 = client.call(&request(), &headers()).await.expect("ok");
    let h1 = r1.http.expect("http");
    let h2 = r2.http.expect("http");
    assert_eq!(
        h1.request_id.as_deref(),
        Some("6d3f0b6a-1111-2222-3333-444455556666")
    );
    assert_eq!(h1.be_server.as_deref(), Some("EXCH01"));
    assert_eq!(h1.diag_info.as_deref(), Some("EXCH02"));
    let reqs = server.requests();
    assert_eq!(
        reqs[0].header("client-request-id"),
        Some(h1.client_request_id.as_str())
    );
    assert_eq!(
        reqs[1].header("client-request-id"),
        Some(h2.client_request_id.as_str())
    );
    assert_ne!(h1.client_request_id, h2.client_request_id);
    for id in [&h1.client_request_id, &h2.client_request_id] {
        // A UUID v4: 8-4-4-4-12 hex digits, version 4, variant 10xx.
        let parts: Vec<&str> = id.split('-').collect();
        assert_eq!(
            parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12],
            "{id}"
        );
        assert!(
            id.chars().all(|c| c == '-' || c.is_ascii_hexdigit()),
            "{id}"
        );
        assert!(parts[2].starts_with('4'), "{id}");
        assert!(
            matches!(parts[3].as_bytes()[0], b'8' | b'9' | b'a' | b'b'),
            "{id}"
        );
    }
    assert_eq!(reqs[0].header("return-client-request-id"), Some("true"));

    // From an error too.
    let failing = SetImGroupType::new(ItemIdType::new("Fail".into()), "x".into());
    let err = client.call(&failing, &headers()).await.expect_err("fault");
    let http = err.http().expect("http side of the fault");
    assert_eq!(http.status, 500);
    assert_eq!(http.be_server.as_deref(), Some("EXCH01"));
    assert_eq!(reqs.len() + 1, server.requests().len());
}

// ---------------------------------------------------------------------------------------
// Tracing

/// Collects what a `tracing` subscriber writes.
#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Buffer {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Buffer {
    type Writer = Buffer;
    fn make_writer(&'a self) -> Buffer {
        self.clone()
    }
}

#[tokio::test]
async fn traces_show_calls_and_xml_but_no_secret() {
    let buffer = Buffer::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(buffer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let ntlm = ntlm_server(&["NTLM"]);
    let server = Server::start(move |r, state| {
        if r.path == POX_PATH {
            return pox_settings("mail.contoso.test");
        }
        if r.host() == "mail.fabrikam.test" {
            return ntlm(r, state);
        }
        xml(success()).header("request-id", "rid-traced")
    })
    .await;
    let endpoint = format!("https://mail.contoso.test{EWS_PATH}");
    let basic = server
        .builder()
        .endpoint(&endpoint)
        .basic_auth(USER, PASSWORD);
    basic
        .build()
        .expect("client")
        .call(&request(), &headers())
        .await
        .expect("basic");
    Autodiscover::new(&server.builder().basic_auth(USER, PASSWORD))
        .expect("autodiscover")
        .discover(USER)
        .await
        .expect("autodiscover");
    server
        .builder()
        .endpoint(&endpoint)
        .bearer_token(TOKEN)
        .build()
        .expect("client")
        .call(&request(), &headers())
        .await
        .expect("bearer");
    server
        .builder()
        .endpoint(format!("https://mail.fabrikam.test{EWS_PATH}"))
        .ntlm_auth("CONTOSO\\alice", NTLM_PASSWORD)
        .build()
        .expect("client")
        .call(&request(), &headers())
        .await
        .expect("ntlm");

    let out = String::from_utf8(buffer.0.lock().unwrap().clone()).expect("UTF-8 logs");
    // What should be there.
    for expected in [
        "ews_call",
        "operation=\"SetImGroup\"",
        "endpoint=https://mail.contoso.test/EWS/Exchange.asmx",
        "status=200",
        "attempt=1",
        "duration_ms=",
        "request_id=rid-traced",
        "client_request_id=",
        "<m:SetImGroup><m:GroupId Id=\"AAMkAGQ1MjJjMTBkQoTbWAAAAAAQRAAA=\"/>",
        "<ResponseCode>NoError</ResponseCode>",
        "ews_autodiscover",
        "Autodiscover attempt",
        "<EMailAddress>alice@contoso.test</EMailAddress>",
    ] {
        assert!(
            out.contains(expected),
            "`{expected}` missing from the trace:\n{out}"
        );
    }
    // What must never be.
    let basic_value = basic_header_value();
    for secret in [
        PASSWORD,
        NTLM_PASSWORD,
        TOKEN,
        basic_value.as_str(),
        "TlRMTVNTUA", // base64 of "NTLMSSP"
        "Authorization",
        "authorization",
    ] {
        assert!(!out.contains(secret), "`{secret}` is in the trace:\n{out}");
    }
}

fn basic_header_value() -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("{USER}:{PASSWORD}"))
}

// ---------------------------------------------------------------------------------------
// The examples, as written

/// An example binary, built by `cargo test` beside this test.
async fn run(name: &str, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = tokio::process::Command::new(ews_tests::example_path(name));
    cmd.args(args);
    for var in [
        "EWS_URL",
        "EWS_USER",
        "EWS_PASSWORD",
        "EWS_TOKEN",
        "EWS_VERSION",
        "EWS_AUTH",
        "EWS_RESOLVE",
        "EWS_CA_FILE",
        "EWS_DNS_SERVER",
        "RUST_LOG",
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        cmd.env_remove(var);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    tokio::time::timeout(Duration::from_secs(60), cmd.output())
        .await
        .expect("the example finished")
        .expect("the example ran")
}

#[tokio::test]
async fn the_autodiscover_example_runs_as_written() {
    let server = Server::start(|r, _| match (r.tls, r.host()) {
        (true, "autodiscover.contoso.test") => {
            pox_redirect_url("https://mail.contoso.test/autodiscover/autodiscover.xml")
        }
        (true, "mail.contoso.test") => pox_settings("mail.contoso.test"),
        _ => resp(404, "no"),
    })
    .await;
    let resolve = server.resolve_env();
    let ca = ca_file();
    let dns = ews_test_support::dns::DnsServer::start(srv_records()).await;
    let dns_addr = dns.addr.to_string();
    let env = [
        ("EWS_RESOLVE", resolve.as_str()),
        ("EWS_CA_FILE", ca.to_str().expect("UTF-8 path")),
        ("EWS_PASSWORD", PASSWORD),
        ("EWS_DNS_SERVER", dns_addr.as_str()),
    ];

    let out = run("autodiscover", &["--approve-redirects", USER], &env).await;
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "https://mail.contoso.test/EWS/Exchange.asmx\n"
    );
    // The email address stood in for EWS_USER.
    let reqs = server.requests();
    assert_eq!(
        reqs.last().map(|r| r.header("Authorization")),
        Some(Some(basic().as_str()))
    );

    // Without approval: exit 1, the refused redirect named, every URL tried listed.
    let out = run("autodiscover", &[USER], &env).await;
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    for expected in [
        "refused redirectUrl from https://autodiscover.contoso.test/autodiscover/autodiscover.xml to https://mail.contoso.test/autodiscover/autodiscover.xml",
        "Autodiscover found no EWS URL for alice@contoso.test",
        "POST https://contoso.test/autodiscover/autodiscover.xml (for alice@contoso.test): HTTP 404",
        "POST https://autodiscover.contoso.test/autodiscover/autodiscover.xml (for alice@contoso.test): redirectUrl: redirect to https://mail.contoso.test/autodiscover/autodiscover.xml (another host) refused: not approved",
        "GET http://autodiscover.contoso.test/autodiscover/autodiscover.xml (for alice@contoso.test): HTTP 404: no redirect",
        "GET https://autodiscover-s.outlook.com/autodiscover/autodiscover.json/v1.0/alice@contoso.test?Protocol=EWS (for alice@contoso.test): HTTP 404",
        "refused DNS SRV record from _autodiscover._tcp.contoso.test to https://mail.contoso.test/autodiscover/autodiscover.xml",
        "SRV _autodiscover._tcp.contoso.test (for alice@contoso.test): SRV target mail.contoso.test refused: not approved",
    ] {
        assert!(stderr.contains(expected), "`{expected}` missing:\n{stderr}");
    }
    assert!(!stderr.contains(PASSWORD));

    // With RUST_LOG: the trace on stderr, without the password.
    let mut traced = env.to_vec();
    traced.push(("RUST_LOG", "ews=trace"));
    let out = run("autodiscover", &["--approve-redirects", USER], &traced).await;
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("Autodiscover attempt"), "{stderr}");
    assert!(
        stderr.contains("<EMailAddress>alice@contoso.test</EMailAddress>"),
        "{stderr}"
    );
    assert!(!stderr.contains(PASSWORD) && !stderr.contains(&basic_header_value()));

    // Usage.
    for args in [&[][..], &["a@b.test", "c@d.test"], &["--nope", USER]] {
        let out = run("autodiscover", args, &env).await;
        assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("usage"));
    }
}

#[tokio::test]
async fn set_im_group_reads_the_shared_environment() {
    let ntlm = ntlm_server(&["Negotiate", "NTLM"]);
    let server = Server::start(move |r, state| match r.header("Authorization") {
        Some(a) if a.starts_with("Bearer ") => {
            if a == format!("Bearer {TOKEN}") {
                xml(success())
            } else {
                resp(401, "")
            }
        }
        _ => ntlm(r, state),
    })
    .await;
    let resolve = server.resolve_env();
    let ca = ca_file();
    let url = format!("https://mail.contoso.test{EWS_PATH}");
    let base = [
        ("EWS_URL", url.as_str()),
        ("EWS_RESOLVE", resolve.as_str()),
        ("EWS_CA_FILE", ca.to_str().expect("UTF-8 path")),
    ];
    let args = ["AAMkAGQ1MjJjMTBkQoTbWAAAAAAQRAAA=", "MyNewGroupName"];

    let mut ntlm_env = base.to_vec();
    ntlm_env.extend([
        ("EWS_AUTH", "ntlm"),
        ("EWS_USER", "CONTOSO\\alice"),
        ("EWS_PASSWORD", NTLM_PASSWORD),
        ("EWS_VERSION", "Exchange2016"),
        ("RUST_LOG", "ewsgen=trace"),
    ]);
    let out = run("set_im_group", &args, &ntlm_env).await;
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "NoError");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("ews_call"), "{stderr}");
    assert!(stderr.contains("<m:SetImGroup>"), "{stderr}");
    assert!(
        !stderr.contains(NTLM_PASSWORD) && !stderr.contains("TlRMTVNTUA"),
        "{stderr}"
    );
    let reqs = server.requests();
    assert!(reqs.iter().all(|r| r.tls));
    assert!(reqs[1]
        .body_text()
        .contains("<t:RequestServerVersion Version=\"Exchange2016\"/>"));

    // EWS_TOKEN alone means bearer.
    let mut bearer_env = base.to_vec();
    bearer_env.push(("EWS_TOKEN", TOKEN));
    let out = run("set_im_group", &args, &bearer_env).await;
    assert_eq!(out.status.code(), Some(0), "{out:?}");

    // Usage errors: exit 2 with the reason.
    for (extra, expected) in [
        (
            ("EWS_AUTH", "kerberos"),
            "EWS_AUTH=kerberos is not basic, ntlm",
        ),
        (("EWS_AUTH", "bearer"), "EWS_AUTH=bearer needs EWS_TOKEN"),
        (
            ("EWS_RESOLVE", "mail.contoso.test"),
            "EWS_RESOLVE: `mail.contoso.test` is not host=ip:port",
        ),
        (
            ("EWS_CA_FILE", "/nonexistent/ca.pem"),
            "EWS_CA_FILE=/nonexistent/ca.pem",
        ),
    ] {
        let mut env: Vec<(&str, &str)> = base
            .iter()
            .filter(|(k, _)| *k != extra.0)
            .copied()
            .collect();
        env.extend([extra, ("EWS_USER", "u"), ("EWS_PASSWORD", "p")]);
        let out = run("set_im_group", &args, &env).await;
        assert_eq!(out.status.code(), Some(2), "{extra:?}: {out:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(expected), "{extra:?}: {stderr}");
    }
}
