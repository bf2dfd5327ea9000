//! The HTTP client against a real HTTP server on 127.0.0.1, started by each test. The
//! server checks what every request carries (path, content type, SOAPAction, credentials,
//! a body that the project's schema validates) and answers as the scenario says: success,
//! warning, error, fault, server busy then success, 401, a stalled answer.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine as _;
#[cfg(ews_xmllint)]
use ews_tests::xmllint_validate_many;
use ewsgen::client::{Client, Error, Secret, TokenFuture, TokenProvider};
use ewsgen::messages::{ResponseCodeType, SetImGroupType};
use ewsgen::rt::{ErrorKind, ReadOptions};
use ewsgen::soap::Envelope;
use ewsgen::types::{
    ConnectingSidKind, ConnectingSidType, ExchangeImpersonationType, ExchangeVersionType,
    ItemIdType, MailboxCultureType, PrimarySmtpAddressType, RequestServerVersion,
};
use ewsgen::{GlobalElement, ResponseClass, ResponseMessage as _, ResponseMessages as _};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};

const PATH: &str = "/EWS/Exchange.asmx";
const ACTION: &str = "\"http://schemas.microsoft.com/exchange/services/2006/messages/SetImGroup\"";
const USER: &str = "alice@contoso.com";
const PASSWORD: &str = "s3cr3t-Pa55word";

/// One request as the server received it.
#[derive(Debug, Clone)]
struct Received {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: String,
}

impl Received {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What the server answers.
enum Reply {
    Http {
        status: u16,
        headers: Vec<(&'static str, String)>,
        body: String,
    },
    /// Reads the request and never answers.
    Stall,
    /// A 200 answer in chunked transfer encoding (no Content-Length), 64 bytes a chunk.
    Chunked(String),
}

fn xml(status: u16, body: String) -> Reply {
    Reply::Http {
        status,
        headers: vec![("Content-Type", "text/xml; charset=utf-8".into())],
        body,
    }
}

type Responder = Box<dyn Fn(usize, &Received) -> Reply + Send + Sync>;

struct Server {
    url: String,
    received: Arc<Mutex<Vec<Received>>>,
}

impl Server {
    async fn start(responder: impl Fn(usize, &Received) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1");
        let addr: SocketAddr = listener.local_addr().expect("address");
        let received = Arc::new(Mutex::new(Vec::new()));
        let responder: Arc<Responder> = Arc::new(Box::new(responder));
        let log = received.clone();
        tokio::spawn(async move {
            loop {
                let Ok((sock, _)) = listener.accept().await else {
                    return;
                };
                let (log, responder) = (log.clone(), responder.clone());
                tokio::spawn(async move {
                    let _ = serve(sock, log, responder).await;
                });
            }
        });
        Server {
            url: format!("http://{addr}{PATH}"),
            received,
        }
    }

    fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

/// Serves the requests of one connection (HTTP/1.1, keep-alive).
async fn serve(
    mut sock: TcpStream,
    log: Arc<Mutex<Vec<Received>>>,
    responder: Arc<Responder>,
) -> std::io::Result<()> {
    let mut buf = Vec::new();
    loop {
        let Some(ews_test_support::http::Request {
            method,
            path,
            headers,
            body,
        }) = ews_test_support::http::read_request(&mut sock, &mut buf).await?
        else {
            return Ok(());
        };
        let body = String::from_utf8_lossy(&body).into_owned();
        let req = Received {
            method,
            path,
            headers,
            body,
        };
        let n = {
            let mut log = log.lock().unwrap();
            log.push(req.clone());
            log.len() - 1
        };
        match responder(n, &req) {
            Reply::Stall => {
                tokio::time::sleep(Duration::from_secs(3600)).await;
                return Ok(());
            }
            Reply::Chunked(body) => {
                let mut out = String::from(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=utf-8\r\nTransfer-Encoding: chunked\r\n\r\n",
                );
                for chunk in body.as_bytes().chunks(64) {
                    out.push_str(&format!("{:x}\r\n", chunk.len()));
                    out.push_str(std::str::from_utf8(chunk).expect("ASCII body"));
                    out.push_str("\r\n");
                }
                out.push_str("0\r\n\r\n");
                sock.write_all(out.as_bytes()).await?;
            }
            Reply::Http {
                status,
                headers,
                body,
            } => {
                let reason = match status {
                    200 => "OK",
                    401 => "Unauthorized",
                    500 => "Internal Server Error",
                    _ => "Other",
                };
                let mut out = format!("HTTP/1.1 {status} {reason}\r\n");
                for (k, v) in headers {
                    out.push_str(&format!("{k}: {v}\r\n"));
                }
                out.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
                out.push_str(&body);
                sock.write_all(out.as_bytes()).await?;
            }
        }
    }
}

/// The project's own schema (what the `ewsgen` crate under test is generated from).
#[cfg(ews_xmllint)]
fn own_schema() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../schemas/messages.xsd")
}

/// Checks a SetImGroup request as a server would: method, path, content type, SOAPAction,
/// credentials, and a body whose header and body parts validate against the schema and
/// read strictly.
fn check_request(r: &Received, authorization: &str) {
    assert_eq!(r.method, "POST");
    assert_eq!(r.path, PATH);
    assert_eq!(r.header("Content-Type"), Some("text/xml; charset=utf-8"));
    assert_eq!(r.header("SOAPAction"), Some(ACTION));
    assert_eq!(r.header("Authorization"), Some(authorization));
    let strict = ReadOptions::strict();
    let env = Envelope::<GlobalElement>::from_str_with(&r.body, ewsgen::NAMESPACES, strict)
        .unwrap_or_else(|e| panic!("request does not read strictly: {e}\n{}", r.body));
    assert!(
        matches!(env.body.as_slice(), [GlobalElement::SetImGroup(_)]),
        "{:?}",
        env.body
    );
    // With libxml2 at hand every request is also validated; without it, the test
    // `requests_validate_under_libxml2` shows as ignored.
    #[cfg(ews_xmllint)]
    validate_request(&env);
}

/// Validates each header and body part of a request with libxml2 against the own schema.
#[cfg(ews_xmllint)]
fn validate_request(env: &Envelope<GlobalElement>) {
    let parts: Vec<String> = env
        .headers
        .iter()
        .chain(env.body.iter())
        .map(|e| e.to_document().unwrap())
        .collect();
    assert!(!parts.is_empty());
    for (part, result) in parts
        .iter()
        .zip(xmllint_validate_many(&own_schema(), &parts))
    {
        if let Err(e) = result {
            panic!("request part does not validate: {e}\n{part}");
        }
    }
}

fn basic() -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{USER}:{PASSWORD}"))
    )
}

fn client(url: &str) -> Client {
    Client::builder(url)
        .basic_auth(USER, PASSWORD)
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client")
}

fn request() -> SetImGroupType {
    let mut id = ItemIdType::new("AAMkAGQ1MjJjMTBkQoTbWAAAAAAQRAAA=".into());
    id.change_key = Some("EgAAAA==".into());
    SetImGroupType::new(id, "MyNewGroupName".into())
}

fn headers() -> ewsgen::RequestHeaders {
    ewsgen::RequestHeaders {
        request_server_version: Some(RequestServerVersion::new(ExchangeVersionType::Exchange2013)),
        mailbox_culture: Some(MailboxCultureType::new("en-US".into())),
        ..Default::default()
    }
}

const SERVER_VERSION: &str = r#"<s:Header><h:ServerVersionInfo MajorVersion="15" MinorVersion="0" MajorBuildNumber="800" MinorBuildNumber="5" Version="V2_6" xmlns:h="http://schemas.microsoft.com/exchange/services/2006/types" xmlns="http://schemas.microsoft.com/exchange/services/2006/types" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/></s:Header>"#;

fn envelope(header: &str, body: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">{header}<s:Body xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">{body}</s:Body></s:Envelope>"#
    )
}

fn set_im_group_response(class: &str, inner: &str) -> String {
    envelope(
        SERVER_VERSION,
        &format!(
            r#"<SetImGroupResponse ResponseClass="{class}" xmlns="http://schemas.microsoft.com/exchange/services/2006/messages">{inner}</SetImGroupResponse>"#
        ),
    )
}

fn success() -> String {
    set_im_group_response("Success", "<ResponseCode>NoError</ResponseCode>")
}

fn fault(code: &str, string: &str, message_xml: &str) -> String {
    envelope(
        "",
        &format!(
            r#"<s:Fault><faultcode xmlns:a="http://schemas.microsoft.com/exchange/services/2006/types">a:{code}</faultcode><faultstring xml:lang="en-US">{string}</faultstring><detail><e:ResponseCode xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">{code}</e:ResponseCode><e:Message xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">{string}</e:Message><t:MessageXml xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">{message_xml}</t:MessageXml></detail></s:Fault>"#
        ),
    )
}

fn busy_fault(ms: u64) -> String {
    fault(
        "ErrorServerBusy",
        "The server cannot service this request right now. Try again later.",
        &format!(r#"<t:Value Name="BackOffMilliseconds">{ms}</t:Value>"#),
    )
}

#[tokio::test]
async fn success_is_typed_and_the_request_is_what_exchange_expects() {
    let server = Server::start(|_, _| xml(200, success())).await;
    let mut h = headers();
    h.exchange_impersonation = Some(ExchangeImpersonationType::new(ConnectingSidType::new(
        ConnectingSidKind::PrimarySmtpAddress(Box::new(PrimarySmtpAddressType::new(
            "bob@contoso.com".into(),
        ))),
    )));
    let response = client(&server.url)
        .call(&request(), &h)
        .await
        .expect("success");
    assert_eq!(response.http.as_ref().unwrap().status, 200);
    assert_eq!(response.http.as_ref().unwrap().retries, 0);
    let version = response
        .headers
        .server_version_info
        .as_ref()
        .expect("ServerVersionInfo");
    assert_eq!(version.major_version, Some(15));
    assert_eq!(version.version.as_deref(), Some("V2_6"));
    let ok = response.body.into_result().expect("Success");
    assert_eq!(ok.response_class(), ResponseClass::Success);
    assert_eq!(ok.response_code, Some(ResponseCodeType::NoError));

    let received = server.received();
    assert_eq!(received.len(), 1);
    check_request(&received[0], &basic());
    assert_eq!(
        received[0].header("X-AnchorMailbox"),
        Some("bob@contoso.com")
    );
    let body = &received[0].body;
    for part in [
        "<t:RequestServerVersion Version=\"Exchange2013\"/>",
        "<t:MailboxCulture>en-US</t:MailboxCulture>",
        "<t:PrimarySmtpAddress>bob@contoso.com</t:PrimarySmtpAddress>",
        "<m:NewDisplayName>MyNewGroupName</m:NewDisplayName>",
    ] {
        assert!(body.contains(part), "{part} missing from\n{body}");
    }
}

/// The request a client sends (every header the operation accepts, impersonation
/// included) is valid under libxml2 against the schema the bindings come from.
#[tokio::test]
#[cfg_attr(not(ews_xmllint), ignore = "needs xmllint (libxml2-utils)")]
async fn requests_validate_under_libxml2() {
    let server = Server::start(|_, _| xml(200, success())).await;
    let mut h = headers();
    h.exchange_impersonation = Some(ExchangeImpersonationType::new(ConnectingSidType::new(
        ConnectingSidKind::PrimarySmtpAddress(Box::new(PrimarySmtpAddressType::new(
            "bob@contoso.com".into(),
        ))),
    )));
    client(&server.url)
        .call(&request(), &h)
        .await
        .expect("success");
    let received = server.received();
    assert_eq!(received.len(), 1);
    #[cfg(ews_xmllint)]
    {
        let env = Envelope::<GlobalElement>::from_str(&received[0].body, ewsgen::NAMESPACES)
            .expect("request reads");
        assert_eq!(env.headers.len(), 3, "{:?}", env.headers);
        validate_request(&env);
    }
}

#[tokio::test]
async fn warning_is_kept_and_still_ok() {
    let server = Server::start(|_, _| {
        xml(
            200,
            set_im_group_response(
                "Warning",
                "<MessageText>Renamed; the old name is still cached.</MessageText><ResponseCode>ErrorBatchProcessingStopped</ResponseCode><DescriptiveLinkKey>0</DescriptiveLinkKey>",
            ),
        )
    })
    .await;
    let response = client(&server.url)
        .call(&request(), &headers())
        .await
        .expect("response");
    let warning = response.body.warning().expect("a warning");
    assert_eq!(warning.class, ResponseClass::Warning);
    assert_eq!(
        warning.code,
        Some(ResponseCodeType::ErrorBatchProcessingStopped)
    );
    assert_eq!(
        warning.message_text.as_deref(),
        Some("Renamed; the old name is still cached.")
    );
    assert!(response.body.clone().into_result().is_ok());
    assert!(response.body.into_success().is_err());
    check_request(&server.received()[0], &basic());
}

#[tokio::test]
async fn error_response_becomes_a_typed_error() {
    let server = Server::start(|_, _| {
        xml(
            200,
            set_im_group_response(
                "Error",
                "<MessageText>An IM group with the specified display name already exists.</MessageText><ResponseCode>ErrorImGroupDisplayNameAlreadyExists</ResponseCode><DescriptiveLinkKey>0</DescriptiveLinkKey>",
            ),
        )
    })
    .await;
    let response = client(&server.url)
        .call(&request(), &headers())
        .await
        .expect("response");
    assert_eq!(response.body.response_messages().len(), 1);
    let err: ewsgen::ResponseError = response.body.into_result().expect_err("an error");
    assert_eq!(err.class, ResponseClass::Error);
    assert_eq!(
        err.code,
        Some(ResponseCodeType::ErrorImGroupDisplayNameAlreadyExists)
    );
    assert_eq!(err.descriptive_link_key, Some(0));
    assert_eq!(
        err.to_string(),
        "ErrorImGroupDisplayNameAlreadyExists: An IM group with the specified display name already exists."
    );
    assert_eq!(
        server.received().len(),
        1,
        "an error response is not retried"
    );
}

#[tokio::test]
async fn unknown_response_code_is_kept() {
    let server = Server::start(|_, _| {
        xml(
            200,
            set_im_group_response(
                "Error",
                "<MessageText>new</MessageText><ResponseCode>ErrorFromTheFuture</ResponseCode>",
            ),
        )
    })
    .await;
    let response = client(&server.url)
        .call(&request(), &headers())
        .await
        .expect("response");
    let err = response.body.into_result().expect_err("an error");
    assert_eq!(
        err.code,
        Some(ResponseCodeType::UnknownValue("ErrorFromTheFuture".into()))
    );
}

#[tokio::test]
async fn schema_validation_fault_is_a_typed_error() {
    let server = Server::start(|_, _| {
        xml(
            500,
            fault(
                "ErrorSchemaValidation",
                "The request failed schema validation.",
                "<t:LineNumber>11</t:LineNumber><t:LinePosition>33</t:LinePosition><t:Violation>An error occurred while parsing EntityName. Line 11, position 33.</t:Violation>",
            ),
        )
    })
    .await;
    let err = client(&server.url)
        .call(&request(), &headers())
        .await
        .expect_err("a fault");
    let Error::Fault(f) = &err else {
        panic!("expected a fault, got {err:?}")
    };
    assert_eq!(f.status, 500);
    assert_eq!(f.fault.fault_code, "a:ErrorSchemaValidation");
    assert_eq!(
        f.fault.fault_string,
        "The request failed schema validation."
    );
    assert_eq!(f.response_code(), "ErrorSchemaValidation");
    assert_eq!(
        f.detail.message.as_deref(),
        Some("The request failed schema validation.")
    );
    assert_eq!(f.detail.line_number, Some(11));
    assert_eq!(f.detail.line_position, Some(33));
    assert!(f
        .detail
        .violation
        .as_deref()
        .is_some_and(|v| v.starts_with("An error occurred while parsing EntityName")));
    assert_eq!(server.received().len(), 1, "a schema fault is not retried");
}

#[tokio::test]
async fn server_busy_fault_is_retried_after_the_back_off() {
    let server = Server::start(|n, _| {
        if n == 0 {
            xml(500, busy_fault(200))
        } else {
            xml(200, success())
        }
    })
    .await;
    let started = Instant::now();
    let response = client(&server.url)
        .call(&request(), &headers())
        .await
        .expect("success after the retry");
    assert!(
        started.elapsed() >= Duration::from_millis(200),
        "retried after {:?}, before the server's back-off",
        started.elapsed()
    );
    assert_eq!(response.http.as_ref().unwrap().retries, 1);
    assert!(response.body.into_result().is_ok());
    let received = server.received();
    assert_eq!(received.len(), 2);
    for r in &received {
        check_request(r, &basic());
    }
    assert_eq!(
        received[0].body, received[1].body,
        "the same request is sent again"
    );
}

#[tokio::test]
async fn server_busy_response_code_is_retried() {
    let server = Server::start(|n, _| {
        if n == 0 {
            xml(
                200,
                set_im_group_response(
                    "Error",
                    r#"<MessageText>The server cannot service this request right now. Try again later.</MessageText><ResponseCode>ErrorServerBusy</ResponseCode><DescriptiveLinkKey>0</DescriptiveLinkKey><MessageXml><t:Value xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types" Name="BackOffMilliseconds">50</t:Value></MessageXml>"#,
                ),
            )
        } else {
            xml(200, success())
        }
    })
    .await;
    let response = client(&server.url)
        .call(&request(), &headers())
        .await
        .expect("success after the retry");
    assert_eq!(response.http.as_ref().unwrap().retries, 1);
    assert_eq!(server.received().len(), 2);
}

#[tokio::test]
async fn server_busy_retries_are_bounded() {
    let server = Server::start(|_, _| xml(500, busy_fault(10))).await;
    let c = Client::builder(&server.url)
        .basic_auth(USER, PASSWORD)
        .max_retries(2)
        .build()
        .expect("client");
    let err = c
        .call(&request(), &headers())
        .await
        .expect_err("still busy");
    let f = err.fault().expect("the last fault");
    assert_eq!(f.response_code(), "ErrorServerBusy");
    assert_eq!(f.detail.back_off(), Some(Duration::from_millis(10)));
    assert_eq!(server.received().len(), 3, "one request and two retries");

    // A back-off longer than the client waits for is returned at once.
    let server = Server::start(|_, _| xml(500, busy_fault(300_000))).await;
    let started = Instant::now();
    let err = client(&server.url)
        .call(&request(), &headers())
        .await
        .expect_err("busy");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(
        err.fault().and_then(|f| f.detail.back_off()),
        Some(Duration::from_millis(300_000))
    );
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn unauthorized_is_a_typed_error_without_the_password() {
    let server = Server::start(|_, _| Reply::Http {
        status: 401,
        headers: vec![("WWW-Authenticate", "Basic realm=\"contoso\"".into())],
        body: String::new(),
    })
    .await;
    let c = client(&server.url);
    let err = c.call(&request(), &headers()).await.expect_err("401");
    let Error::Unauthorized {
        www_authenticate, ..
    } = &err
    else {
        panic!("expected Unauthorized, got {err:?}")
    };
    assert_eq!(www_authenticate.as_deref(), Some("Basic realm=\"contoso\""));
    for shown in [err.to_string(), format!("{err:?}"), format!("{c:?}")] {
        assert!(!shown.contains(PASSWORD), "password shown: {shown}");
    }
    assert!(format!("{c:?}").contains(USER));
}

#[tokio::test]
async fn stalled_answer_times_out() {
    let server = Server::start(|_, _| Reply::Stall).await;
    let c = Client::builder(&server.url)
        .basic_auth(USER, PASSWORD)
        .timeout(Duration::from_millis(500))
        .build()
        .expect("client");
    let started = Instant::now();
    let err = c.call(&request(), &headers()).await.expect_err("timeout");
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(server.received().len(), 1);
}

struct CountingTokens(AtomicUsize);

impl TokenProvider for CountingTokens {
    fn token(&self) -> TokenFuture<'_> {
        let n = self.0.fetch_add(1, Ordering::SeqCst);
        Box::pin(async move { Ok(Secret::new(format!("token-{n}"))) })
    }
}

#[tokio::test]
async fn bearer_tokens_come_from_the_provider_on_every_request() {
    let server = Server::start(|_, _| xml(200, success())).await;
    let provider = Arc::new(CountingTokens(AtomicUsize::new(0)));
    let c = Client::builder(&server.url)
        .token_provider(provider.clone())
        .build()
        .expect("client");
    for _ in 0..2 {
        c.call(&request(), &headers()).await.expect("success");
    }
    let received = server.received();
    check_request(&received[0], "Bearer token-0");
    check_request(&received[1], "Bearer token-1");
    assert_eq!(received[0].header("X-AnchorMailbox"), None);
    assert!(!format!("{c:?}").contains("token-"));
}

#[tokio::test]
async fn any_server_version_is_sent_as_given() {
    let server = Server::start(|_, _| xml(200, success())).await;
    let mut h = headers();
    h.request_server_version = Some(RequestServerVersion::new(
        ExchangeVersionType::UnknownValue("V2099_01_01".into()),
    ));
    client(&server.url)
        .call(&request(), &h)
        .await
        .expect("success");
    let body = &server.received()[0].body;
    assert!(
        body.contains("<t:RequestServerVersion Version=\"V2099_01_01\"/>"),
        "{body}"
    );
    let mut h = headers();
    h.request_server_version = Some(RequestServerVersion::new(ExchangeVersionType::V20180108));
    client(&server.url)
        .call(&request(), &h)
        .await
        .expect("success");
    check_request(&server.received()[1], &basic());
    assert!(server.received()[1]
        .body
        .contains("Version=\"V2018_01_08\""));
}

/// SetImGroup as a WSDL that lists only `RequestServerVersion` for it would have it (the
/// WSDL-driven lists themselves are tested in `codegen/tests/official.rs`).
#[derive(Debug, Clone, PartialEq)]
struct VersionOnly(SetImGroupType);

impl ewsgen::__private::Value for VersionOnly {
    fn read_value(r: &mut ewsgen::__private::Reader<'_>) -> ewsgen::rt::Result<Self> {
        SetImGroupType::read_value(r).map(VersionOnly)
    }
    fn write_value(&self, w: &mut ewsgen::__private::Writer, tag: &str) {
        self.0.write_value(w, tag)
    }
}

impl ewsgen::rt::Element for VersionOnly {
    const NAME: &'static str = <SetImGroupType as ewsgen::rt::Element>::NAME;
    const TAG: &'static str = <SetImGroupType as ewsgen::rt::Element>::TAG;
    const NS: u8 = <SetImGroupType as ewsgen::rt::Element>::NS;
    const NAMESPACES: ewsgen::rt::Namespaces = ewsgen::NAMESPACES;
}

impl ewsgen::Operation for VersionOnly {
    const NAME: &'static str = "SetImGroup";
    type Response = ewsgen::messages::SetImGroupResponseMessageType;
    type RequestHeaders = ewsgen::RequestHeaders;
    type ResponseHeaders = ewsgen::ResponseHeaders;
    const SOAP_ACTION: &'static str = <SetImGroupType as ewsgen::Operation>::SOAP_ACTION;
    const INPUT_HEADERS: &'static [&'static str] = &["t:RequestServerVersion"];
    const OUTPUT_HEADERS: &'static [&'static str] = &["t:ServerVersionInfo"];
}

#[tokio::test]
async fn a_header_the_operation_does_not_accept_is_refused_before_sending() {
    let server = Server::start(|_, _| xml(200, success())).await;
    let c = client(&server.url);
    let err = c
        .call(&VersionOnly(request()), &headers())
        .await
        .expect_err("refused");
    let Error::Request(e) = &err else {
        panic!("expected a refusal, got {err:?}")
    };
    assert!(
        e.to_string().contains(
            "operation SetImGroup does not accept the SOAP header t:MailboxCulture (it accepts: t:RequestServerVersion)"
        ),
        "{e}"
    );
    assert!(server.received().is_empty(), "nothing was sent");
    // Without the header it goes through.
    let mut h = headers();
    h.mailbox_culture = None;
    c.call(&VersionOnly(request()), &h).await.expect("accepted");
    check_request(&server.received()[0], &basic());
}

#[tokio::test]
async fn a_request_xml_cannot_carry_is_refused_before_sending() {
    let server = Server::start(|_, _| xml(200, success())).await;
    let c = client(&server.url);
    let mut req = request();
    req.new_display_name = "Friends\u{1b}[31m".into();
    let err = c.call(&req, &headers()).await.expect_err("refused");
    let Error::Request(e) = &err else {
        panic!("expected a refusal, got {err:?}")
    };
    assert_eq!(e.path, "/Envelope/Body/SetImGroup/NewDisplayName", "{e}");
    assert!(
        matches!(e.kind, ErrorKind::ForbiddenChar { code: 0x1b, .. }),
        "{e}"
    );
    let mut req = request();
    req.group_id.id = "AAMk\u{FFFF}".into();
    let err = c.call(&req, &headers()).await.expect_err("refused");
    assert!(
        err.to_string().contains("attribute `Id` holds U+FFFF"),
        "{err}"
    );
    assert!(server.received().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn a_response_without_header_and_with_body_attributes_reads() {
    let server = Server::start(|_, _| {
        xml(
            200,
            envelope(
                "",
                r#"<m:SetImGroupResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode></m:SetImGroupResponse>"#,
            ),
        )
    })
    .await;
    let response = client(&server.url)
        .call(&request(), &headers())
        .await
        .expect("success");
    assert!(response.headers.server_version_info.is_none());
    assert!(response.body.into_result().is_ok());
}

#[tokio::test]
async fn an_html_error_page_is_a_status_error() {
    let server = Server::start(|_, _| Reply::Http {
        status: 503,
        headers: vec![("Content-Type", "text/html".into())],
        body: "<html><body>Service Unavailable</body></html>".into(),
    })
    .await;
    let err = client(&server.url)
        .call(&request(), &headers())
        .await
        .expect_err("503");
    assert!(
        matches!(&err, Error::Status { status: 503, body, .. } if body.contains("Service Unavailable")),
        "{err:?}"
    );
}

#[test]
fn credentials_in_the_endpoint_are_refused() {
    let err = Client::builder(format!("https://{USER}:{PASSWORD}@mail.contoso.com{PATH}"))
        .build()
        .expect_err("refused");
    assert!(!err.to_string().contains(PASSWORD), "{err}");
    assert!(Client::builder("ftp://mail.contoso.com/").build().is_err());
}

/// The example binary, built by `cargo test` beside this test.
async fn run_example(url: &str, auth: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = tokio::process::Command::new(ews_tests::example_path("set_im_group"));
    cmd.args(["AAMkAGQ1MjJjMTBkQoTbWAAAAAAQRAAA=", "MyNewGroupName"])
        .env_remove("EWS_TOKEN")
        .env_remove("EWS_USER")
        .env_remove("EWS_PASSWORD")
        .env_remove("EWS_VERSION")
        .env("EWS_URL", url);
    for (k, v) in auth {
        cmd.env(k, v);
    }
    tokio::time::timeout(Duration::from_secs(60), cmd.output())
        .await
        .expect("the example finished")
        .expect("the example ran")
}

#[tokio::test]
async fn example_renames_the_group_and_reports_errors() {
    let server = Server::start(|n, _| match n {
        0 | 1 => xml(200, success()),
        2 => xml(
            200,
            set_im_group_response(
                "Error",
                "<MessageText>An IM group with the specified display name already exists.</MessageText><ResponseCode>ErrorImGroupDisplayNameAlreadyExists</ResponseCode><DescriptiveLinkKey>0</DescriptiveLinkKey>",
            ),
        ),
        _ => xml(
            500,
            fault(
                "ErrorSchemaValidation",
                "The request failed schema validation.",
                "<t:LineNumber>1</t:LineNumber><t:LinePosition>2</t:LinePosition><t:Violation>x</t:Violation>",
            ),
        ),
    })
    .await;
    let basic_env = [("EWS_USER", USER), ("EWS_PASSWORD", PASSWORD)];

    let out = run_example(&server.url, &basic_env).await;
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "NoError");
    let first = &server.received()[0];
    check_request(first, &basic());
    // Without EWS_VERSION the version is negotiated: the newest the bindings know first.
    let newest = <ewsgen::RequestHeaders as ewsgen::version::RequestVersion>::VERSIONS[0];
    assert!(first
        .body
        .contains(&format!("<t:RequestServerVersion Version=\"{newest}\"/>")));
    assert!(first
        .body
        .contains("Id=\"AAMkAGQ1MjJjMTBkQoTbWAAAAAAQRAAA=\""));

    let out = run_example(
        &server.url,
        &[("EWS_TOKEN", "tok-123"), ("EWS_VERSION", "Exchange2013")],
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    check_request(&server.received()[1], "Bearer tok-123");
    assert!(server.received()[1]
        .body
        .contains("<t:RequestServerVersion Version=\"Exchange2013\"/>"));

    let out = run_example(&server.url, &basic_env).await;
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(out.stdout.is_empty());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "ErrorImGroupDisplayNameAlreadyExists: An IM group with the specified display name already exists."
    );

    let out = run_example(&server.url, &basic_env).await;
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "ErrorSchemaValidation: The request failed schema validation."
    );
    assert!(!String::from_utf8_lossy(&out.stderr).contains(PASSWORD));

    let out = run_example(&server.url, &[]).await;
    assert_eq!(out.status.code(), Some(2), "no credentials: {out:?}");
    assert_eq!(server.received().len(), 4);
}

#[tokio::test]
async fn an_answer_beyond_the_document_limit_is_refused() {
    // With a Content-Length, then streamed in chunks without one.
    let server = Server::start(|n, _| {
        if n % 2 == 0 {
            xml(200, success())
        } else {
            Reply::Chunked(success())
        }
    })
    .await;
    let c = Client::builder(&server.url)
        .basic_auth(USER, PASSWORD)
        .read_options(ReadOptions::builder().max_document_bytes(300).build())
        .build()
        .expect("client");
    for _ in 0..2 {
        let err = c.call(&request(), &headers()).await.expect_err("too large");
        assert!(
            matches!(
                &err,
                Error::Response(e) if matches!(e.kind, ewsgen::rt::ErrorKind::DocumentTooLarge { limit: 300, .. })
            ),
            "{err:?}"
        );
    }
    // Within the limit, a chunked answer reads.
    let c = client(&server.url);
    c.call(&request(), &headers()).await.expect("success");
    let r = c
        .call(&request(), &headers())
        .await
        .expect("chunked success");
    assert!(r.body.into_result().is_ok());
    assert_eq!(server.received().len(), 4);
}
