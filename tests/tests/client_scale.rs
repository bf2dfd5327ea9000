//! The client at mailbox scale against HTTP servers on 127.0.0.1, started by each test:
//! throttling (503 and 429 with `Retry-After`, a back-off shared by the calls of a client,
//! `ErrorExceededConnectionCount` lowering the concurrency), the concurrency limit across
//! clones, version negotiation, and, with the office365 bindings, paging (FindItem), sync
//! (SyncFolderItems, resumed from a saved state), batches (GetItem, 600 ids, one batch
//! partly throttled) and streaming notifications (Subscribe, then GetStreamingEvents
//! answered envelope by envelope), each through the library and through its example,
//! built from the official schemas and run as a user runs it.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use ewsgen::client::{Client, Error};
use ewsgen::messages::SetImGroupType;
use ewsgen::types::{ExchangeVersionType, ItemIdType, RequestServerVersion};
use ewsgen::version::RequestVersion as _;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};

const USER: &str = "alice@contoso.com";
const PASSWORD: &str = "s3cr3t-Pa55word";
const M: &str = "http://schemas.microsoft.com/exchange/services/2006/messages";
const T: &str = "http://schemas.microsoft.com/exchange/services/2006/types";

// ------------------------------------------------------------------------------------
// The server
// ------------------------------------------------------------------------------------

/// One request as the server received it.
#[derive(Debug, Clone)]
struct Received {
    path: String,
    headers: Vec<(String, String)>,
    body: String,
    /// When its last byte arrived.
    at: Instant,
}

impl Received {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The value of attribute `name` on the first element that has it (`Version`, ...).
    fn attr(&self, name: &str) -> Option<String> {
        let pat = format!(" {name}=\"");
        let i = self.body.find(&pat)? + pat.len();
        let rest = &self.body[i..];
        Some(rest[..rest.find('"')?].to_string())
    }
}

/// A part of a chunked answer.
enum Chunk {
    /// Waits, then sends the text as one chunk.
    Data(Duration, String),
    /// Waits without sending anything (then the answer ends).
    Stall(Duration),
}

/// What the server answers.
enum Reply {
    Http {
        status: u16,
        headers: Vec<(&'static str, String)>,
        body: String,
    },
    /// The reply after a delay.
    Delayed(Duration, Box<Reply>),
    /// A 200 answer in chunked transfer encoding, chunk by chunk.
    Chunks {
        headers: Vec<(&'static str, String)>,
        chunks: Vec<Chunk>,
    },
}

fn xml(status: u16, body: String) -> Reply {
    Reply::Http {
        status,
        headers: vec![("Content-Type", "text/xml; charset=utf-8".into())],
        body,
    }
}

type Responder = Box<dyn Fn(usize, &Received) -> Reply + Send + Sync>;

#[derive(Default)]
struct Log {
    received: Mutex<Vec<Received>>,
    /// (request, chunk, when it was sent) of chunked answers.
    chunks_sent: Mutex<Vec<(usize, usize, Instant)>>,
    /// When each answer was written (request index, time).
    answered: Mutex<Vec<(usize, Instant)>>,
    in_flight: AtomicUsize,
    peak: AtomicUsize,
}

struct Server {
    url: String,
    log: Arc<Log>,
}

impl Server {
    async fn start(responder: impl Fn(usize, &Received) -> Reply + Send + Sync + 'static) -> Self {
        Self::start_at("/EWS/Exchange.asmx", responder).await
    }

    async fn start_at(
        path: &str,
        responder: impl Fn(usize, &Received) -> Reply + Send + Sync + 'static,
    ) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1");
        let addr: SocketAddr = listener.local_addr().expect("address");
        let log = Arc::new(Log::default());
        let responder: Arc<Responder> = Arc::new(Box::new(responder));
        let l = log.clone();
        tokio::spawn(async move {
            loop {
                let Ok((sock, _)) = listener.accept().await else {
                    return;
                };
                let (l, responder) = (l.clone(), responder.clone());
                tokio::spawn(async move {
                    let _ = serve(sock, l, responder).await;
                });
            }
        });
        Server {
            url: format!("http://{addr}{path}"),
            log,
        }
    }

    fn received(&self) -> Vec<Received> {
        self.log.received.lock().unwrap().clone()
    }

    fn peak(&self) -> usize {
        self.log.peak.load(Ordering::SeqCst)
    }

    fn reset_peak(&self) {
        self.log.peak.store(0, Ordering::SeqCst);
    }
}

/// Serves the requests of one connection (HTTP/1.1, keep-alive).
async fn serve(
    mut sock: TcpStream,
    log: Arc<Log>,
    responder: Arc<Responder>,
) -> std::io::Result<()> {
    let mut buf = Vec::new();
    loop {
        let Some(ews_test_support::http::Request {
            method: _,
            path,
            headers,
            body,
        }) = ews_test_support::http::read_request(&mut sock, &mut buf).await?
        else {
            return Ok(());
        };
        let body = String::from_utf8_lossy(&body).into_owned();
        let req = Received {
            path,
            headers,
            body,
            at: Instant::now(),
        };
        let n = {
            let mut r = log.received.lock().unwrap();
            r.push(req.clone());
            r.len() - 1
        };
        let now = log.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        log.peak.fetch_max(now, Ordering::SeqCst);
        let mut reply = responder(n, &req);
        let written = async {
            loop {
                match reply {
                    Reply::Delayed(d, r) => {
                        tokio::time::sleep(d).await;
                        reply = *r;
                    }
                    Reply::Http {
                        status,
                        headers,
                        body,
                    } => {
                        let mut out = format!("HTTP/1.1 {status} Status\r\n");
                        for (k, v) in headers {
                            out.push_str(&format!("{k}: {v}\r\n"));
                        }
                        out.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
                        out.push_str(&body);
                        sock.write_all(out.as_bytes()).await?;
                        log.answered.lock().unwrap().push((n, Instant::now()));
                        return Ok::<(), std::io::Error>(());
                    }
                    Reply::Chunks { headers, chunks } => {
                        let mut out = String::from(
                            "HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=utf-8\r\nTransfer-Encoding: chunked\r\n",
                        );
                        for (k, v) in headers {
                            out.push_str(&format!("{k}: {v}\r\n"));
                        }
                        out.push_str("\r\n");
                        sock.write_all(out.as_bytes()).await?;
                        sock.flush().await?;
                        for (i, c) in chunks.into_iter().enumerate() {
                            match c {
                                Chunk::Data(d, text) => {
                                    tokio::time::sleep(d).await;
                                    let data = format!("{:x}\r\n{text}\r\n", text.len());
                                    sock.write_all(data.as_bytes()).await?;
                                    sock.flush().await?;
                                    log.chunks_sent.lock().unwrap().push((n, i, Instant::now()));
                                }
                                Chunk::Stall(d) => tokio::time::sleep(d).await,
                            }
                        }
                        sock.write_all(b"0\r\n\r\n").await?;
                        log.answered.lock().unwrap().push((n, Instant::now()));
                        return Ok(());
                    }
                }
            }
        }
        .await;
        log.in_flight.fetch_sub(1, Ordering::SeqCst);
        written?;
    }
}

// ------------------------------------------------------------------------------------
// Envelopes
// ------------------------------------------------------------------------------------

const SERVER_VERSION: &str = r#"<s:Header><h:ServerVersionInfo MajorVersion="15" MinorVersion="1" MajorBuildNumber="2507" MinorBuildNumber="6" Version="V2017_07_11" xmlns:h="http://schemas.microsoft.com/exchange/services/2006/types"/></s:Header>"#;

fn envelope(header: &str, body: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">{header}<s:Body xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">{body}</s:Body></s:Envelope>"#
    )
}

fn set_im_group_success() -> String {
    envelope(
        SERVER_VERSION,
        &format!(
            r#"<SetImGroupResponse ResponseClass="Success" xmlns="{M}"><ResponseCode>NoError</ResponseCode></SetImGroupResponse>"#
        ),
    )
}

fn set_im_group_error(code: &str) -> String {
    envelope(
        SERVER_VERSION,
        &format!(
            r#"<SetImGroupResponse ResponseClass="Error" xmlns="{M}"><MessageText>{code}</MessageText><ResponseCode>{code}</ResponseCode><DescriptiveLinkKey>0</DescriptiveLinkKey></SetImGroupResponse>"#
        ),
    )
}

fn fault(code: &str, string: &str, message_xml: &str) -> String {
    envelope(
        SERVER_VERSION,
        &format!(
            r#"<s:Fault><faultcode xmlns:a="{T}">a:{code}</faultcode><faultstring xml:lang="en-US">{string}</faultstring><detail><e:ResponseCode xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">{code}</e:ResponseCode><e:Message xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">{string}</e:Message><t:MessageXml xmlns:t="{T}">{message_xml}</t:MessageXml></detail></s:Fault>"#
        ),
    )
}

fn back_off_xml(ms: u64) -> String {
    format!(r#"<t:Value Name="BackOffMilliseconds">{ms}</t:Value>"#)
}

fn set_im_group() -> SetImGroupType {
    SetImGroupType::new(ItemIdType::new("AAMkAGQ1MjJj=".into()), "Friends".into())
}

fn client(url: &str) -> Client {
    Client::builder(url)
        .basic_auth(USER, PASSWORD)
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client")
}

fn exchange2013() -> ewsgen::RequestHeaders {
    ewsgen::RequestHeaders {
        request_server_version: Some(RequestServerVersion::new(ExchangeVersionType::Exchange2013)),
        ..Default::default()
    }
}

/// An HTTP date (IMF-fixdate) `secs` seconds from now.
fn http_date_in(secs: u64) -> String {
    let t = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs()
        + secs;
    let (days, rem) = ((t / 86_400) as i64, t % 86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][(days.rem_euclid(7)) as usize];
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ][(m - 1) as usize];
    format!(
        "{weekday}, {d:02} {month} {y} {:02}:{:02}:{:02} GMT",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

// ------------------------------------------------------------------------------------
// Throttling, concurrency, version negotiation (the project's own bindings)
// ------------------------------------------------------------------------------------

#[tokio::test]
async fn a_503_with_retry_after_is_retried_after_the_wait() {
    let server = Server::start(|n, _| match n {
        0 => Reply::Http {
            status: 503,
            headers: vec![("Retry-After", "1".into())],
            body: "<html>busy</html>".into(),
        },
        1 => Reply::Http {
            status: 429,
            headers: vec![("Retry-After", http_date_in(2))],
            body: String::new(),
        },
        _ => xml(200, set_im_group_success()),
    })
    .await;
    let started = Instant::now();
    let r = client(&server.url)
        .call(&set_im_group(), &exchange2013())
        .await
        .expect("success after the retries");
    let elapsed = started.elapsed();
    assert_eq!(r.http.as_ref().map(|h| h.retries), Some(2));
    let received = server.received();
    assert_eq!(received.len(), 3);
    // One second for the 503, then until the HTTP date (one to two seconds away, as a date
    // has whole seconds).
    let first_wait = received[1].at - received[0].at;
    let second_wait = received[2].at - received[1].at;
    assert!(first_wait >= Duration::from_millis(990), "{first_wait:?}");
    assert!(second_wait >= Duration::from_millis(900), "{second_wait:?}");
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
    assert_eq!(received[0].body, received[2].body, "the same request again");
}

#[tokio::test]
async fn a_retry_after_beyond_the_limit_or_missing_is_returned_at_once() {
    let server = Server::start(|n, _| Reply::Http {
        status: 503,
        headers: if n == 0 {
            vec![("Retry-After", "120".into())]
        } else {
            Vec::new()
        },
        body: "<html>Service Unavailable</html>".into(),
    })
    .await;
    let c = Client::builder(&server.url)
        .basic_auth(USER, PASSWORD)
        .max_back_off(Duration::from_secs(60))
        .build()
        .expect("client");
    let started = Instant::now();
    let err = c
        .call(&set_im_group(), &exchange2013())
        .await
        .expect_err("503");
    assert!(
        matches!(&err, Error::Status { status: 503, retry_after: Some(w), .. } if *w == Duration::from_secs(120)),
        "{err:?}"
    );
    let err = c
        .call(&set_im_group(), &exchange2013())
        .await
        .expect_err("503");
    assert!(
        matches!(&err, Error::Status { status: 503, retry_after: None, body, .. } if body.contains("Service Unavailable")),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(server.received().len(), 2, "neither was retried");
    // A back-off the client does not wait for holds nothing back.
    assert_eq!(c.back_off_remaining(), Duration::ZERO);
}

#[tokio::test]
async fn a_back_off_learned_by_one_call_holds_back_the_others() {
    let server = Server::start(|n, _| {
        if n == 0 {
            xml(
                500,
                fault(
                    "ErrorServerBusy",
                    "The server cannot service this request right now.",
                    &back_off_xml(800),
                ),
            )
        } else {
            xml(200, set_im_group_success())
        }
    })
    .await;
    let c = client(&server.url);
    let first = {
        let c = c.clone();
        tokio::spawn(async move { c.call(&set_im_group(), &exchange2013()).await })
    };
    // Once the busy answer is out, a second call of the same client (a clone) starts.
    let answered = loop {
        if let Some((_, t)) = server.log.answered.lock().unwrap().first().copied() {
            break t;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    let second_started = Instant::now();
    let r = c
        .clone()
        .call(&set_im_group(), &exchange2013())
        .await
        .expect("second call");
    assert_eq!(r.http.as_ref().map(|h| h.retries), Some(0));
    let r = first
        .await
        .expect("task")
        .expect("first call after its retry");
    assert_eq!(r.http.as_ref().map(|h| h.retries), Some(1));

    let received = server.received();
    assert_eq!(received.len(), 3);
    for (i, r) in received.iter().enumerate().skip(1) {
        let waited = r.at - answered;
        assert!(
            waited >= Duration::from_millis(750),
            "request {i} went out {waited:?} after the back-off of 800 ms was learned"
        );
    }
    assert!(second_started.elapsed() >= Duration::from_millis(600));

    // Another client of the same server is not held back by it.
    let server2 = Server::start(|n, _| {
        if n == 0 {
            xml(500, fault("ErrorServerBusy", "busy", &back_off_xml(3000)))
        } else {
            xml(200, set_im_group_success())
        }
    })
    .await;
    let a = client(&server2.url);
    let b = client(&server2.url);
    let t = tokio::spawn(async move { a.call(&set_im_group(), &exchange2013()).await });
    while server2.log.answered.lock().unwrap().is_empty() {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let started = Instant::now();
    b.call(&set_im_group(), &exchange2013())
        .await
        .expect("another client");
    assert!(
        started.elapsed() < Duration::from_millis(2000),
        "another client waited {:?} (the back-off is 3 s)",
        started.elapsed()
    );
    t.await
        .expect("task")
        .expect("first client after its retry");
}

#[tokio::test]
async fn the_concurrency_limit_holds_across_clones() {
    let server = Server::start(|_, _| {
        Reply::Delayed(
            Duration::from_millis(150),
            Box::new(xml(200, set_im_group_success())),
        )
    })
    .await;
    let c = Client::builder(&server.url)
        .basic_auth(USER, PASSWORD)
        .max_concurrency(3)
        .build()
        .expect("client");
    assert_eq!(c.concurrency_limit(), 3);
    let calls: Vec<_> = (0..10)
        .map(|_| {
            let c = c.clone();
            tokio::spawn(async move { c.call(&set_im_group(), &exchange2013()).await })
        })
        .collect();
    for t in calls {
        t.await.expect("task").expect("call");
    }
    assert_eq!(server.received().len(), 10);
    assert_eq!(server.peak(), 3, "peak concurrency at the server");
    println!(
        "peak concurrency observed, limit 3 across clones: {}",
        server.peak()
    );

    // The default is 10.
    let d = client(&server.url);
    assert_eq!(d.concurrency_limit(), 10);
}

#[tokio::test]
async fn too_many_connections_lower_the_concurrency_for_a_while() {
    let server = Server::start(|n, _| match n {
        0 => xml(
            500,
            fault(
                "ErrorExceededConnectionCount",
                "You have exceeded the available concurrent connections for your account.",
                "",
            ),
        ),
        1 => xml(200, set_im_group_error("ErrorTooManyObjectsOpened")),
        _ => Reply::Delayed(
            Duration::from_millis(120),
            Box::new(xml(200, set_im_group_success())),
        ),
    })
    .await;
    let c = Client::builder(&server.url)
        .basic_auth(USER, PASSWORD)
        .max_concurrency(8)
        .concurrency_cooldown(Duration::from_secs(60))
        .build()
        .expect("client");
    let r = c
        .call(&set_im_group(), &exchange2013())
        .await
        .expect("success after lowering the concurrency twice");
    assert_eq!(r.http.as_ref().map(|h| h.retries), Some(2));
    assert_eq!(c.concurrency_limit(), 2, "8, halved twice");
    server.reset_peak();
    let calls: Vec<_> = (0..8)
        .map(|_| {
            let c = c.clone();
            tokio::spawn(async move { c.call(&set_im_group(), &exchange2013()).await })
        })
        .collect();
    for t in calls {
        t.await.expect("task").expect("call");
    }
    assert_eq!(server.peak(), 2, "peak concurrency while lowered");
    println!(
        "peak concurrency observed while lowered to 2: {}",
        server.peak()
    );
    assert_eq!(
        c.concurrency_limit(),
        2,
        "still lowered within the cool-down"
    );

    // After the cool-down, the limit is back.
    let server = Server::start(|n, _| match n {
        0 => xml(
            500,
            fault("ErrorExceededConnectionCount", "Too many connections.", ""),
        ),
        _ => xml(200, set_im_group_success()),
    })
    .await;
    let c = Client::builder(&server.url)
        .basic_auth(USER, PASSWORD)
        .max_concurrency(8)
        .concurrency_cooldown(Duration::from_millis(300))
        .build()
        .expect("client");
    c.call(&set_im_group(), &exchange2013())
        .await
        .expect("success after lowering the concurrency");
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(c.concurrency_limit(), 8, "back after the cool-down");
}

/// The bindings' versions, newest first.
fn versions() -> &'static [&'static str] {
    <ewsgen::RequestHeaders as ewsgen::version::RequestVersion>::VERSIONS
}

/// A `ServerVersionInfo` header (`None`: no header).
fn server_version_header(info: Option<(i32, i32, i32, &str)>) -> String {
    match info {
        Some((major, minor, build, version)) => format!(
            r#"<s:Header><h:ServerVersionInfo MajorVersion="{major}" MinorVersion="{minor}" MajorBuildNumber="{build}" MinorBuildNumber="0" Version="{version}" xmlns:h="{T}"/></s:Header>"#
        ),
        None => String::new(),
    }
}

/// A server that accepts `newest` and the versions older than it, and refuses the newer ones
/// in the three ways servers do (a fault, a response message, a schema-validation fault
/// about the value), each answer carrying `info` as its `ServerVersionInfo`.
fn ladder_server(
    newest: &'static str,
    info: Option<(i32, i32, i32, &'static str)>,
) -> impl Fn(usize, &Received) -> Reply + Send + Sync + 'static {
    let accepted = versions()
        .iter()
        .position(|v| *v == newest)
        .expect("a version of the bindings");
    let header = server_version_header(info);
    move |_, r| {
        let v = r.attr("Version").unwrap_or_default();
        let i = versions()
            .iter()
            .position(|x| *x == v)
            .expect("a known version sent");
        let body = if i >= accepted {
            format!(
                r#"<SetImGroupResponse ResponseClass="Success" xmlns="{M}"><ResponseCode>NoError</ResponseCode></SetImGroupResponse>"#
            )
        } else if i % 3 == 1 {
            let code = "ErrorIncorrectSchemaVersion";
            format!(
                r#"<SetImGroupResponse ResponseClass="Error" xmlns="{M}"><MessageText>{code}</MessageText><ResponseCode>{code}</ResponseCode><DescriptiveLinkKey>0</DescriptiveLinkKey></SetImGroupResponse>"#
            )
        } else {
            let (code, string, message_xml) = if i % 3 == 0 {
                ("ErrorSchemaValidation", "The request failed schema validation.", format!("<t:LineNumber>1</t:LineNumber><t:LinePosition>250</t:LinePosition><t:Violation>The 'Version' attribute is invalid - The value '{v}' is invalid according to its datatype 'http://schemas.microsoft.com/exchange/services/2006/types:ExchangeVersionType' - The Enumeration constraint failed.</t:Violation>"))
            } else {
                (
                    "ErrorInvalidServerVersion",
                    "The specified server version is invalid.",
                    String::new(),
                )
            };
            let answer = format!(
                r#"<s:Fault><faultcode xmlns:a="{T}">a:{code}</faultcode><faultstring xml:lang="en-US">{string}</faultstring><detail><e:ResponseCode xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">{code}</e:ResponseCode><e:Message xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">{string}</e:Message><t:MessageXml xmlns:t="{T}">{message_xml}</t:MessageXml></detail></s:Fault>"#
            );
            return xml(500, envelope(&header, &answer));
        };
        xml(200, envelope(&header, &body))
    }
}

/// The versions `server` received, in order.
fn versions_sent(server: &Server) -> Vec<String> {
    server
        .received()
        .iter()
        .map(|r| r.attr("Version").expect("a RequestServerVersion"))
        .collect()
}

#[tokio::test]
async fn the_version_a_server_states_is_found_in_one_step() {
    assert_eq!(versions().first(), Some(&"V2018_01_08"), "newest first");
    // Exchange 2013 SP1 says V2_8 (no request version: its build names Exchange2013_SP1);
    // Exchange 2016 CU23 says V2017_07_11 (a request version: used as it is).
    for (path, newest, info) in [
        (
            "/EWS/e2013sp1/Exchange.asmx",
            "Exchange2013_SP1",
            (15, 0, 847, "V2_8"),
        ),
        (
            "/EWS/e2016/Exchange.asmx",
            "V2017_07_11",
            (15, 1, 2507, "V2017_07_11"),
        ),
    ] {
        let server = Server::start_at(path, ladder_server(newest, Some(info))).await;
        let c = client(&server.url);
        let headers = ewsgen::RequestHeaders::default();
        let r = c
            .call(&set_im_group(), &headers)
            .await
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        assert!(ewsgen::ResponseMessage::check(&r.body).is_ok());
        assert_eq!(versions_sent(&server), ["V2018_01_08", newest], "{path}");
        assert_eq!(c.negotiated_version().as_deref(), Some(newest));
        // Remembered: the next call, and a new client of the same endpoint, go straight to it.
        c.call(&set_im_group(), &headers)
            .await
            .expect("second call");
        client(&server.url)
            .call(&set_im_group(), &headers)
            .await
            .expect("another client");
        assert_eq!(
            versions_sent(&server),
            ["V2018_01_08", newest, newest, newest],
            "{path}"
        );
    }
}

#[tokio::test]
async fn a_server_that_does_not_state_its_version_is_searched_not_walked() {
    let server = Server::start_at(
        "/EWS/silent/Exchange.asmx",
        ladder_server("Exchange2016", None),
    )
    .await;
    let newest = versions()
        .iter()
        .position(|v| *v == "Exchange2016")
        .expect("a version of the bindings");
    let c = client(&server.url);
    let headers = ewsgen::RequestHeaders::default();
    let mut per_call = Vec::new();
    for call in 0..8 {
        let before = server.received().len();
        c.call(&set_im_group(), &headers)
            .await
            .unwrap_or_else(|e| panic!("call {call}: {e}"));
        per_call.push(server.received().len() - before);
    }
    let sent = versions_sent(&server);
    // A walk down the ladder sends newest + 1 requests in the first call; halving, at most
    // 1 + log2(versions); each later call at most one probe more.
    assert!(
        per_call[0] < newest + 1 && per_call[0] <= 6,
        "first call: {per_call:?} {sent:?}"
    );
    assert!(
        per_call[1..].iter().all(|n| *n <= 2),
        "{per_call:?} {sent:?}"
    );
    // Found: the last calls go straight to the newest version the server accepts.
    assert_eq!(
        c.negotiated_version().as_deref(),
        Some("Exchange2016"),
        "{sent:?}"
    );
    assert_eq!(per_call[7], 1, "{per_call:?} {sent:?}");
    assert_eq!(sent.last().map(String::as_str), Some("Exchange2016"));
}

#[tokio::test]
async fn a_pinned_version_is_sent_and_an_explicit_one_as_given() {
    let server = Server::start_at(
        "/EWS/pinned/Exchange.asmx",
        ladder_server("V2017_07_11", Some((15, 1, 2507, "V2017_07_11"))),
    )
    .await;
    let pinned = Client::builder(&server.url)
        .basic_auth(USER, PASSWORD)
        .server_version("Exchange2013_SP1")
        .build()
        .expect("client");
    let headers = ewsgen::RequestHeaders::default();
    pinned
        .call(&set_im_group(), &headers)
        .await
        .expect("pinned");
    assert_eq!(versions_sent(&server), ["Exchange2013_SP1"]);
    assert_eq!(pinned.negotiated_version(), None, "nothing negotiated");

    // A version the bindings do not know: refused before sending.
    let unknown = Client::builder(&server.url)
        .basic_auth(USER, PASSWORD)
        .server_version("Exchange2099")
        .build()
        .expect("client");
    let err = unknown
        .call(&set_im_group(), &headers)
        .await
        .expect_err("unknown version");
    assert!(
        matches!(&err, Error::Config(m) if m.contains("Exchange2099") && m.contains("Exchange2013_SP1")),
        "{err}"
    );
    assert_eq!(server.received().len(), 1, "nothing sent");

    // An explicit version is sent as given, never negotiated, pinned or not.
    let err = pinned
        .call(&set_im_group(), &{
            let mut h = exchange2013();
            h.request_server_version =
                Some(RequestServerVersion::new(ExchangeVersionType::V20180108));
            h
        })
        .await
        .expect_err("refused as asked");
    assert_eq!(
        err.fault().map(|f| f.response_code()),
        Some("ErrorSchemaValidation")
    );
    let info = err
        .fault()
        .and_then(|f| f.server_version.clone())
        .expect("the fault's ServerVersionInfo");
    assert_eq!(info.major_build_number, Some(2507));
    assert_eq!(versions_sent(&server), ["Exchange2013_SP1", "V2018_01_08"]);

    // A schema-validation fault about something else is the answer, not a version refusal.
    let other = Server::start_at("/EWS/other/Exchange.asmx", |_, _| {
        xml(
            500,
            fault(
                "ErrorSchemaValidation",
                "The request failed schema validation.",
                "<t:LineNumber>1</t:LineNumber><t:LinePosition>400</t:LinePosition><t:Violation>The element 'SetImGroup' has invalid child element 'Bogus'.</t:Violation>",
            ),
        )
    })
    .await;
    let err = client(&other.url)
        .call(&set_im_group(), &headers)
        .await
        .expect_err("the fault");
    assert_eq!(
        err.fault().map(|f| f.response_code()),
        Some("ErrorSchemaValidation")
    );
    assert_eq!(other.received().len(), 1);
}

#[tokio::test]
async fn a_server_refusing_every_version_is_an_error() {
    let server = Server::start_at("/EWS/none/Exchange.asmx", |_, _| {
        xml(
            500,
            fault(
                "ErrorInvalidServerVersion",
                "The specified server version is invalid.",
                "",
            ),
        )
    })
    .await;
    let c = client(&server.url);
    let versions = versions();
    let mut before = 0;
    for round in 1..=2 {
        let err = c
            .call(&set_im_group(), &Default::default())
            .await
            .expect_err("no version left");
        // The last refusal is the answer; the next call starts over from the newest.
        assert_eq!(
            err.fault().map(|f| f.response_code()),
            Some("ErrorInvalidServerVersion")
        );
        let sent = versions_sent(&server);
        let call = &sent[before..];
        before = sent.len();
        // The newest, the version the server states (V2017_07_11), then a search of the
        // older ones down to the oldest: not a walk over all of them.
        assert_eq!(
            call.first().map(String::as_str),
            versions.first().copied(),
            "round {round}: {call:?}"
        );
        assert_eq!(
            call.get(1).map(String::as_str),
            Some("V2017_07_11"),
            "round {round}: {call:?}"
        );
        assert_eq!(
            call.last().map(String::as_str),
            versions.last().copied(),
            "round {round}: {call:?}"
        );
        assert!(call.len() <= 8, "round {round}: {call:?}");
        let distinct: std::collections::BTreeSet<&String> = call.iter().collect();
        assert_eq!(distinct.len(), call.len(), "none twice: {call:?}");
    }
    assert_eq!(c.negotiated_version(), None);
}

// ------------------------------------------------------------------------------------
// The examples, built as a user builds them
// ------------------------------------------------------------------------------------

/// The operations the examples use (the office365 bindings are built with these only:
/// faster).
const EXAMPLE_OPERATIONS: &str = "FindItem,GetItem,SyncFolderItems,Subscribe,GetStreamingEvents";
const EXAMPLES: [&str; 4] = ["find_items", "get_items", "sync_folder", "stream_events"];

/// The target folder of this test binary, and whether it is a release build.
fn target_dir() -> (std::path::PathBuf, bool) {
    let exe = std::env::current_exe().expect("test binary path");
    let profile = exe
        .parent()
        .and_then(|d| d.parent())
        .expect("target profile folder");
    let release = profile.file_name().is_some_and(|n| n == "release");
    (
        profile.parent().expect("target folder").to_path_buf(),
        release,
    )
}

/// The four examples, built once per test run as a user builds them: from the office365
/// schemas (`EWS_SCHEMA_DIR=... cargo build -p ewsgen --features client --example ...`), or
/// from the default schemas. The builds share the workspace's target folder (the
/// dependencies are not built again); the office365 one has a feature set of its own
/// (`client,time`), so that its `ewsgen` sits beside the default one instead of replacing
/// it. Each binary is linked into a folder of its own at once: the next build of the other
/// kind puts its own binaries in `examples/`.
fn examples(
    office365: bool,
) -> &'static std::collections::BTreeMap<&'static str, std::path::PathBuf> {
    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};
    use std::sync::OnceLock;
    static OFFICE365: OnceLock<BTreeMap<&'static str, PathBuf>> = OnceLock::new();
    static DEFAULT: OnceLock<BTreeMap<&'static str, PathBuf>> = OnceLock::new();
    static BUILDING: Mutex<()> = Mutex::new(());
    let cell = if office365 { &OFFICE365 } else { &DEFAULT };
    cell.get_or_init(|| {
        let _guard = BUILDING.lock().unwrap_or_else(|e| e.into_inner());
        let (target, release) = target_dir();
        let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut cmd = std::process::Command::new(env!("CARGO"));
        cmd.args(["build", "--offline", "-p", "ewsgen", "--features"]);
        cmd.arg(if office365 { "client,time" } else { "client" });
        if release {
            cmd.arg("--release");
        }
        for e in EXAMPLES {
            cmd.args(["--example", e]);
        }
        cmd.arg("--message-format=json")
            .current_dir(&workspace)
            .env("CARGO_TARGET_DIR", &target)
            .env_remove("EWS_OPTIONAL_ELEMENTS");
        if office365 {
            #[cfg(ews_shared)]
            cmd.env(
                "EWS_SCHEMA_DIR",
                ews_tests::shared_dir().join("ews-schemas/office365"),
            );
            cmd.env("EWS_OPERATIONS", EXAMPLE_OPERATIONS);
        } else {
            cmd.env_remove("EWS_SCHEMA_DIR")
                .env_remove("EWS_OPERATIONS");
        }
        let out = cmd.output().expect("run cargo");
        assert!(
            out.status.success(),
            "building the examples (office365: {office365}) failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let json = String::from_utf8_lossy(&out.stdout);
        let dir = target.join(if office365 {
            "ews-examples/office365"
        } else {
            "ews-examples/default"
        });
        std::fs::create_dir_all(&dir).expect("mkdir");
        let mut built = BTreeMap::new();
        for e in EXAMPLES {
            let name = format!("{e}{}", std::env::consts::EXE_SUFFIX);
            let path = json
                .split("\"executable\":\"")
                .skip(1)
                .filter_map(|s| s.split_once('"').map(|(p, _)| p))
                .find(|p| Path::new(p).file_name().is_some_and(|f| *f == *name))
                .unwrap_or_else(|| panic!("cargo named no executable for {e}:\n{json}"));
            let own = dir.join(&name);
            let _ = std::fs::remove_file(&own);
            if std::fs::hard_link(path, &own).is_err() {
                std::fs::copy(path, &own).expect("copy the example");
            }
            built.insert(e, own);
        }
        built
    })
}

#[test]
fn the_examples_built_from_the_default_schemas_say_what_they_need() {
    for (e, needs) in [
        ("find_items", "FindItem"),
        ("get_items", "GetItem"),
        ("sync_folder", "SyncFolderItems"),
        ("stream_events", "Subscribe, GetStreamingEvents"),
    ] {
        let out = std::process::Command::new(&examples(false)[e])
            .arg("inbox")
            .env("EWS_URL", "http://127.0.0.1:9/EWS/Exchange.asmx")
            .output()
            .expect("the example runs");
        assert_eq!(out.status.code(), Some(2), "{e}: {out:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(&format!("{e} needs bindings with the operations {needs}"))
                && stderr.contains(&format!(
                    "EWS_SCHEMA_DIR=../shared/ews-schemas/office365 cargo run -p ewsgen --features client --example {e}"
                )),
            "{e}: {stderr}"
        );
        assert!(out.stdout.is_empty());
    }
}

// ------------------------------------------------------------------------------------
// Paging, sync, batches, streaming: the office365 bindings
// ------------------------------------------------------------------------------------

#[cfg(ews_shared)]
mod o365 {
    use std::collections::BTreeMap;

    use ews_tests::office365::messages::{
        FindItemType, FindItemView, GetItemType, GetStreamingEventsType, SyncFolderItemsType,
    };
    use ews_tests::office365::types::{
        BaseFolderId, BaseItemId, DefaultShapeNamesType, DistinguishedFolderIdNameType,
        IndexBasePointType, Item, ItemIdType, ItemQueryTraversalType, ItemResponseShapeType,
        ItemType, NotificationEvent, SyncFolderItemsChange, TargetFolderIdType,
    };
    use ews_tests::office365::{GlobalElement, RequestHeaders, NAMESPACES};
    use ewsgen::client::{ItemError, SyncEvent};
    use ewsgen::soap::Envelope;
    use ewsgen::sync::Synced as _;
    use futures_util::StreamExt as _;
    use tokio::io::AsyncBufReadExt as _;

    use super::*;

    /// The request a server received, read with the office365 bindings.
    fn request_of(r: &Received) -> GlobalElement {
        let env = Envelope::<GlobalElement>::from_str(&r.body, NAMESPACES)
            .unwrap_or_else(|e| panic!("the request does not read: {e}\n{}", r.body));
        env.body
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("an empty body: {}", r.body))
    }

    fn headers() -> RequestHeaders {
        RequestHeaders::default()
    }

    fn inbox() -> Vec<BaseFolderId> {
        vec![DistinguishedFolderIdNameType::Inbox.into()]
    }

    // ---- FindItem: three pages ----

    const FOLDER_ITEMS: usize = 5;

    fn subject(i: usize) -> String {
        format!("Subject {i} & more")
    }

    /// FindItem over a folder of five items: the page the request's view asks for.
    fn find_item_reply(r: &Received) -> Reply {
        let GlobalElement::FindItem(req) = request_of(r) else {
            panic!("not a FindItem: {}", r.body)
        };
        let Some(FindItemView::IndexedPageItemView(view)) = req.view.as_ref() else {
            panic!("no indexed page view: {}", r.body)
        };
        assert_eq!(view.base_point, IndexBasePointType::Beginning);
        let offset = view.offset as usize;
        let max = view.max_entries_returned.expect("MaxEntriesReturned") as usize;
        let end = (offset + max).min(FOLDER_ITEMS);
        let items: String = (offset..end)
            .map(|i| {
                format!(
                    r#"<t:Message><t:ItemId Id="item-{i}" ChangeKey="ck{i}"/><t:Subject>{}</t:Subject></t:Message>"#,
                    subject(i).replace('&', "&amp;")
                )
            })
            .collect();
        xml(
            200,
            envelope(
                SERVER_VERSION,
                &format!(
                    r#"<m:FindItemResponse xmlns:m="{M}" xmlns:t="{T}"><m:ResponseMessages><m:FindItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:RootFolder IndexedPagingOffset="{end}" TotalItemsInView="{FOLDER_ITEMS}" IncludesLastItemInRange="{}"><t:Items>{items}</t:Items></m:RootFolder></m:FindItemResponseMessage></m:ResponseMessages></m:FindItemResponse>"#,
                    end == FOLDER_ITEMS
                ),
            ),
        )
    }

    fn find_item_request() -> FindItemType {
        FindItemType::new(
            ItemQueryTraversalType::Shallow,
            ItemResponseShapeType::new(DefaultShapeNamesType::IdOnly),
            inbox(),
        )
    }

    /// The offsets and page sizes the server was asked for.
    fn asked_pages(server: &Server) -> Vec<(i32, Option<i32>)> {
        server
            .received()
            .iter()
            .map(|r| match request_of(r) {
                GlobalElement::FindItem(f) => match f.view.as_ref() {
                    Some(FindItemView::IndexedPageItemView(v)) => {
                        (v.offset, v.max_entries_returned)
                    }
                    other => panic!("{other:?}"),
                },
                other => panic!("{other:?}"),
            })
            .collect()
    }

    pub(super) async fn three_find_item_pages() {
        assert_eq!(
            ews_tests::office365::PAGED_OPERATIONS,
            ["FindFolder", "FindItem"],
            "the operations the generator found paged in office365"
        );
        let server = Server::start(|_, r| find_item_reply(r)).await;
        let c = client(&server.url);
        let pages: Vec<_> = c
            .pages(find_item_request(), headers())
            .page_size(2)
            .stream()
            .collect()
            .await;
        assert_eq!(pages.len(), 3, "three pages");
        let mut ids = Vec::new();
        for (i, p) in pages.into_iter().enumerate() {
            let p = p.expect("a page");
            assert_eq!(p.index, i);
            assert_eq!(p.offset, 2 * i as i32);
            assert_eq!(p.is_last(), i == 2);
            let info = p.info();
            assert_eq!(info.len(), 1);
            let info = info[0].expect("paging attributes");
            assert_eq!(info.total_items_in_view, Some(FOLDER_ITEMS as i32));
            for item in p.into_items() {
                let item = item.expect("an item");
                assert!(matches!(item, Item::Message(_)));
                let it: &ItemType = item.as_ref();
                ids.push(it.item_id.as_ref().expect("ItemId").id.clone());
            }
        }
        let expected: Vec<String> = (0..FOLDER_ITEMS).map(|i| format!("item-{i}")).collect();
        assert_eq!(ids, expected);
        assert_eq!(
            asked_pages(&server),
            vec![(0, Some(2)), (2, Some(2)), (4, Some(2))]
        );

        // The items stream, over the same pages.
        let items: Vec<_> = c
            .pages(find_item_request(), headers())
            .page_size(2)
            .items()
            .collect()
            .await;
        let subjects: Vec<String> = items
            .into_iter()
            .map(|i| {
                let i = i.expect("an item");
                let it: &ItemType = i.as_ref();
                it.subject.clone().expect("Subject")
            })
            .collect();
        assert_eq!(subjects, (0..FOLDER_ITEMS).map(subject).collect::<Vec<_>>());
        assert_eq!(server.received().len(), 6);
    }

    pub(super) async fn a_page_that_does_not_advance_is_an_error() {
        let server = Server::start(|_, _| {
            xml(
                200,
                envelope(
                    SERVER_VERSION,
                    &format!(
                        r#"<m:FindItemResponse xmlns:m="{M}" xmlns:t="{T}"><m:ResponseMessages><m:FindItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:RootFolder IndexedPagingOffset="0" TotalItemsInView="9" IncludesLastItemInRange="false"><t:Items/></m:RootFolder></m:FindItemResponseMessage></m:ResponseMessages></m:FindItemResponse>"#
                    ),
                ),
            )
        })
        .await;
        let pages: Vec<_> = client(&server.url)
            .pages(find_item_request(), headers())
            .stream()
            .collect()
            .await;
        assert_eq!(pages.len(), 2, "the page, then the error");
        assert!(pages[0].is_ok());
        assert!(
            matches!(&pages[1], Err(Error::Protocol(m)) if m.contains("does not move past 0")),
            "{:?}",
            pages[1].as_ref().err()
        );
        assert_eq!(server.received().len(), 1);
    }

    // ---- SyncFolderItems: several batches, resumed ----

    /// The batches of a folder's changes: the state a request sends, the changes, the
    /// state after, and whether it is the last.
    fn sync_batches() -> BTreeMap<Option<&'static str>, (&'static str, &'static str, bool)> {
        BTreeMap::from([
            (
                None,
                (
                    r#"<t:Create><t:Message><t:ItemId Id="new-1" ChangeKey="a"/></t:Message></t:Create><t:Create><t:CalendarItem><t:ItemId Id="new-2" ChangeKey="b"/></t:CalendarItem></t:Create>"#,
                    "STATE-1",
                    false,
                ),
            ),
            (
                Some("STATE-1"),
                (
                    r#"<t:Update><t:Message><t:ItemId Id="new-1" ChangeKey="c"/></t:Message></t:Update><t:ReadFlagChange><t:ItemId Id="old-7" ChangeKey="d"/><t:IsRead>true</t:IsRead></t:ReadFlagChange>"#,
                    "STATE-2",
                    false,
                ),
            ),
            (
                Some("STATE-2"),
                (
                    r#"<t:Delete><t:ItemId Id="old-8" ChangeKey="e"/></t:Delete>"#,
                    "STATE-3",
                    true,
                ),
            ),
        ])
    }

    fn sync_reply(r: &Received) -> Reply {
        let GlobalElement::SyncFolderItems(req) = request_of(r) else {
            panic!("not SyncFolderItems: {}", r.body)
        };
        let batches = sync_batches();
        let Some((changes, next, last)) = batches.get(&req.sync_state.as_deref()) else {
            return xml(
                200,
                envelope(
                    SERVER_VERSION,
                    &format!(
                        r#"<m:SyncFolderItemsResponse xmlns:m="{M}" xmlns:t="{T}"><m:ResponseMessages><m:SyncFolderItemsResponseMessage ResponseClass="Error"><m:MessageText>Synchronization state data is corrupt or otherwise invalid.</m:MessageText><m:ResponseCode>ErrorInvalidSyncStateData</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey></m:SyncFolderItemsResponseMessage></m:ResponseMessages></m:SyncFolderItemsResponse>"#
                    ),
                ),
            );
        };
        xml(
            200,
            envelope(
                SERVER_VERSION,
                &format!(
                    r#"<m:SyncFolderItemsResponse xmlns:m="{M}" xmlns:t="{T}"><m:ResponseMessages><m:SyncFolderItemsResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:SyncState>{next}</m:SyncState><m:IncludesLastItemInRange>{last}</m:IncludesLastItemInRange><m:Changes>{changes}</m:Changes></m:SyncFolderItemsResponseMessage></m:ResponseMessages></m:SyncFolderItemsResponse>"#
                ),
            ),
        )
    }

    fn sync_request() -> SyncFolderItemsType {
        SyncFolderItemsType::new(
            ItemResponseShapeType::new(DefaultShapeNamesType::IdOnly),
            TargetFolderIdType::new(DistinguishedFolderIdNameType::Inbox.into()),
            2,
        )
    }

    fn change_line(c: &SyncFolderItemsChange) -> String {
        let id = |i: &ItemType| i.item_id.as_ref().map(|i| i.id.clone()).unwrap_or_default();
        match c {
            SyncFolderItemsChange::Create(c) => {
                format!("create {}", id(c.item.as_ref()))
            }
            SyncFolderItemsChange::Update(c) => {
                format!("update {}", id(c.item.as_ref()))
            }
            SyncFolderItemsChange::Delete(d) => format!("delete {}", d.item_id.id),
            SyncFolderItemsChange::ReadFlagChange(r) => {
                format!("read {} {}", r.item_id.id, r.is_read)
            }
        }
    }

    pub(super) async fn a_sync_over_several_batches_resumes_from_a_saved_state() {
        assert_eq!(
            ews_tests::office365::SYNC_OPERATIONS,
            ["SyncFolderHierarchy", "SyncFolderItems"]
        );
        let server = Server::start(|_, r| sync_reply(r)).await;
        let c = client(&server.url);
        // The first batch, and its state saved; then the program stops.
        let mut saved = None;
        let mut first = Vec::new();
        {
            let mut changes = Box::pin(c.sync(sync_request(), headers()));
            while let Some(e) = changes.next().await {
                match e.expect("no error") {
                    SyncEvent::Change(c) => first.push(change_line(&c)),
                    SyncEvent::State(s) => {
                        assert!(!s.includes_last);
                        assert_eq!(s.changes, 2);
                        saved = Some(s.sync_state);
                        break;
                    }
                }
            }
        }
        assert_eq!(first, ["create new-1", "create new-2"]);
        assert_eq!(saved.as_deref(), Some("STATE-1"));
        assert_eq!(
            server.received().len(),
            1,
            "nothing asked beyond the batch consumed"
        );

        // Resumed from the saved state: the rest, batch after batch.
        let mut request = sync_request();
        request.set_sync_state(saved);
        let events: Vec<_> = c.sync(request, headers()).collect().await;
        let mut lines = Vec::new();
        for e in events {
            match e.expect("no error") {
                SyncEvent::Change(c) => lines.push(change_line(&c)),
                SyncEvent::State(s) => lines.push(format!(
                    "state {} {} {}",
                    s.sync_state, s.changes, s.includes_last
                )),
            }
        }
        assert_eq!(
            lines,
            [
                "update new-1",
                "read old-7 true",
                "state STATE-2 2 false",
                "delete old-8",
                "state STATE-3 1 true",
            ]
        );
        let sent: Vec<Option<String>> = server
            .received()
            .iter()
            .map(|r| match request_of(r) {
                GlobalElement::SyncFolderItems(s) => s.sync_state,
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(sent, [None, Some("STATE-1".into()), Some("STATE-2".into())]);

        // A state the server refuses: the error, with its code.
        let mut request = sync_request();
        request.set_sync_state(Some("BROKEN".into()));
        let events: Vec<_> = c.sync(request, headers()).collect().await;
        assert_eq!(events.len(), 1);
        assert!(
            matches!(&events[0], Err(Error::Message(m)) if m.code.as_deref() == Some("ErrorInvalidSyncStateData")),
            "{:?}",
            events[0]
        );
    }

    // ---- GetItem: 600 ids in batches of 100 under a limit of 2 ----

    const THROTTLED_FROM: usize = 200;
    const MISSING: usize = 42;

    fn id(i: usize) -> String {
        format!("AAMkItem{i:04}=")
    }

    fn index_of(id: &str) -> usize {
        id.trim_start_matches("AAMkItem")
            .trim_end_matches('=')
            .parse()
            .expect("an id of the test")
    }

    /// GetItem: each id's item (its subject and size), `ErrorItemNotFound` for one id, and
    /// the first time the batch starting at id 200 comes, `ErrorServerBusy` for its first
    /// half. Every answer takes 150 ms, so that batches overlap as much as the client lets
    /// them.
    fn get_item_reply(throttled: &AtomicUsize, r: &Received) -> Reply {
        let GlobalElement::GetItem(req) = request_of(r) else {
            panic!("not GetItem: {}", r.body)
        };
        let ids: Vec<usize> = req
            .item_ids
            .iter()
            .map(|i| match i {
                BaseItemId::ItemId(i) => index_of(&i.id),
                other => panic!("{other:?}"),
            })
            .collect();
        let throttle_now =
            ids.first() == Some(&THROTTLED_FROM) && throttled.fetch_add(1, Ordering::SeqCst) == 0;
        let messages: String = ids
            .iter()
            .map(|&i| {
                if throttle_now && i < THROTTLED_FROM + 50 {
                    format!(
                        r#"<m:GetItemResponseMessage ResponseClass="Error"><m:MessageText>The server cannot service this request right now. Try again later.</m:MessageText><m:ResponseCode>ErrorServerBusy</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey><m:MessageXml>{}</m:MessageXml><m:Items/></m:GetItemResponseMessage>"#,
                        back_off_xml(100).replace("<t:Value", &format!("<t:Value xmlns:t=\"{T}\""))
                    )
                } else if i == MISSING {
                    r#"<m:GetItemResponseMessage ResponseClass="Error"><m:MessageText>The specified object was not found in the store.</m:MessageText><m:ResponseCode>ErrorItemNotFound</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey><m:Items/></m:GetItemResponseMessage>"#.to_string()
                } else {
                    format!(
                        r#"<m:GetItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Items><t:Message><t:ItemId Id="{}" ChangeKey="ck"/><t:Subject>Message {i}</t:Subject><t:Size>{}</t:Size></t:Message></m:Items></m:GetItemResponseMessage>"#,
                        id(i),
                        1000 + i
                    )
                }
            })
            .collect();
        Reply::Delayed(
            Duration::from_millis(150),
            Box::new(xml(
                200,
                envelope(
                    SERVER_VERSION,
                    &format!(
                        r#"<m:GetItemResponse xmlns:m="{M}" xmlns:t="{T}"><m:ResponseMessages>{messages}</m:ResponseMessages></m:GetItemResponse>"#
                    ),
                ),
            )),
        )
    }

    fn get_item_ids(server: &Server) -> Vec<Vec<usize>> {
        server
            .received()
            .iter()
            .map(|r| match request_of(r) {
                GlobalElement::GetItem(g) => g
                    .item_ids
                    .iter()
                    .map(|i| match i {
                        BaseItemId::ItemId(i) => index_of(&i.id),
                        other => panic!("{other:?}"),
                    })
                    .collect(),
                other => panic!("{other:?}"),
            })
            .collect()
    }

    /// Checks what the server was asked: six batches of 100 ids, then the 50 throttled ids
    /// again (and only they).
    fn check_batches(server: &Server) {
        let mut asked = get_item_ids(server);
        assert_eq!(asked.len(), 7, "six batches and one retry");
        let retry_at = asked
            .iter()
            .position(|b| b.len() == 50)
            .expect("the retry of the throttled ids");
        let retry = asked.remove(retry_at);
        assert_eq!(
            retry,
            (THROTTLED_FROM..THROTTLED_FROM + 50).collect::<Vec<_>>()
        );
        asked.sort();
        for (b, ids) in asked.iter().enumerate() {
            assert_eq!(*ids, (b * 100..(b + 1) * 100).collect::<Vec<_>>());
        }
        let peak = server.peak();
        assert!(peak <= 2, "peak concurrency {peak} above the limit of 2");
        assert_eq!(peak, 2, "the batches did run concurrently");
    }

    pub(super) async fn six_hundred_ids_in_batches_under_a_limit_of_two() {
        assert!(ews_tests::office365::BATCH_OPERATIONS.contains(&"GetItem"));
        let throttled = Arc::new(AtomicUsize::new(0));
        let t = throttled.clone();
        let server = Server::start(move |_, r| get_item_reply(&t, r)).await;
        let c = Client::builder(&server.url)
            .basic_auth(USER, PASSWORD)
            .max_concurrency(2)
            .build()
            .expect("client");
        let request = GetItemType::new(
            ItemResponseShapeType::new(DefaultShapeNamesType::Default),
            (0..600).map(|i| ItemIdType::new(id(i)).into()).collect(),
        );
        let started = Instant::now();
        let results = c.batch(request, headers()).batch_size(100).run().await;
        let elapsed = started.elapsed();
        assert_eq!(results.len(), 600);
        for (i, r) in results.iter().enumerate() {
            if i == MISSING {
                match r {
                    Err(ItemError::Message(e)) => {
                        assert_eq!(
                            e.code.as_ref().map(|c| c.to_string()).as_deref(),
                            Some("ErrorItemNotFound")
                        );
                        assert_eq!(
                            e.message_text.as_deref(),
                            Some("The specified object was not found in the store.")
                        );
                    }
                    other => panic!("id {i}: {other:?}"),
                }
                continue;
            }
            let m = r.as_ref().unwrap_or_else(|e| panic!("id {i}: {e}"));
            let item: &ItemType = m.items[0].as_ref();
            assert_eq!(
                item.item_id.as_ref().map(|x| x.id.clone()),
                Some(id(i)),
                "in the order of the ids"
            );
            assert_eq!(
                item.subject.as_deref(),
                Some(format!("Message {i}").as_str())
            );
            assert_eq!(item.size, Some(1000 + i as i32));
        }
        check_batches(&server);
        // Six batches of 150 ms, two at a time, and the retry after its back-off.
        assert!(elapsed >= Duration::from_millis(450), "{elapsed:?}");
        println!(
            "GetItem, 600 ids in batches of 100, limit 2: peak concurrency observed {}",
            server.peak()
        );
    }

    /// A batch whose every id is throttled, every time: `call` sends it again
    /// `max_retries` times, and the batch does not send it again on top of that.
    pub(super) async fn a_batch_throttled_whole_is_retried_by_the_call_only() {
        let server = Server::start(move |_, r| {
            let GlobalElement::GetItem(req) = request_of(r) else {
                panic!("not GetItem: {}", r.body)
            };
            let busy = format!(
                r#"<m:GetItemResponseMessage ResponseClass="Error"><m:MessageText>The server cannot service this request right now. Try again later.</m:MessageText><m:ResponseCode>ErrorServerBusy</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey><m:MessageXml>{}</m:MessageXml><m:Items/></m:GetItemResponseMessage>"#,
                back_off_xml(10).replace("<t:Value", &format!("<t:Value xmlns:t=\"{T}\""))
            );
            let messages = busy.repeat(req.item_ids.len());
            xml(
                200,
                envelope(
                    SERVER_VERSION,
                    &format!(
                        r#"<m:GetItemResponse xmlns:m="{M}" xmlns:t="{T}"><m:ResponseMessages>{messages}</m:ResponseMessages></m:GetItemResponse>"#
                    ),
                ),
            )
        })
        .await;
        let c = Client::builder(&server.url)
            .basic_auth(USER, PASSWORD)
            .max_retries(2)
            .build()
            .expect("client");
        let request = GetItemType::new(
            ItemResponseShapeType::new(DefaultShapeNamesType::Default),
            (0..2).map(|i| ItemIdType::new(id(i)).into()).collect(),
        );
        let results = c.batch(request, headers()).batch_size(10).run().await;
        assert_eq!(results.len(), 2);
        for r in &results {
            match r {
                Err(ItemError::Message(e)) => assert_eq!(
                    e.code.as_ref().map(|c| c.to_string()).as_deref(),
                    Some("ErrorServerBusy")
                ),
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(
            get_item_ids(&server),
            vec![vec![0, 1]; 3],
            "the batch once and max_retries (2) times again"
        );
    }

    // ---- Streaming notifications ----

    const SUBSCRIPTION: &str = "JgBjbzFwcjA2bWIyMjIubmFtcHJkMDYucHJvZC5vdXRsb29rLmNvbRAAAAA=";

    fn subscribe_reply() -> Reply {
        Reply::Http {
            status: 200,
            headers: vec![
                ("Content-Type", "text/xml; charset=utf-8".into()),
                (
                    "Set-Cookie",
                    "X-BackEndOverrideCookie=CO1PR06MB222.namprd06.prod.outlook.com~1941996295; path=/".into(),
                ),
            ],
            body: envelope(
                SERVER_VERSION,
                &format!(
                    r#"<m:SubscribeResponse xmlns:m="{M}" xmlns:t="{T}"><m:ResponseMessages><m:SubscribeResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:SubscriptionId>{SUBSCRIPTION}</m:SubscriptionId></m:SubscribeResponseMessage></m:ResponseMessages></m:SubscribeResponse>"#
                ),
            ),
        }
    }

    /// One streamed envelope as Exchange writes them (its own prefixes, a declaration).
    fn streamed(inner: &str, status: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="utf-8"?><Envelope xmlns="http://schemas.xmlsoap.org/soap/envelope/"><soap11:Header xmlns:soap11="http://schemas.xmlsoap.org/soap/envelope/"><ServerVersionInfo xmlns="{T}" MajorVersion="15" MinorVersion="20" MajorBuildNumber="7" MinorBuildNumber="1" Version="V2018_01_08"/></soap11:Header><soap11:Body xmlns:soap11="http://schemas.xmlsoap.org/soap/envelope/"><m:GetStreamingEventsResponse xmlns:m="{M}" xmlns:t="{T}"><m:ResponseMessages><m:GetStreamingEventsResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>{inner}<m:ConnectionStatus>{status}</m:ConnectionStatus></m:GetStreamingEventsResponseMessage></m:ResponseMessages></m:GetStreamingEventsResponse></soap11:Body></Envelope>"#
        )
    }

    fn event(kind: &str, item: &str) -> String {
        format!(
            r#"<t:{kind}><t:Watermark>AQAAAA==</t:Watermark><t:TimeStamp>2024-05-01T10:00:00Z</t:TimeStamp><t:ItemId Id="{item}" ChangeKey="ck"/><t:ParentFolderId Id="inbox-id" ChangeKey="ck"/></t:{kind}>"#
        )
    }

    fn notifications(events: &str) -> String {
        format!(
            r#"<m:Notifications><t:Notification><t:SubscriptionId>{SUBSCRIPTION}</t:SubscriptionId><t:PreviousWatermark>AQAAAA==</t:PreviousWatermark><t:MoreEvents>false</t:MoreEvents>{events}</t:Notification></m:Notifications>"#
        )
    }

    /// The streamed answer: one envelope at once, the second 500 ms later, then `Closed`.
    fn stream_reply() -> Reply {
        let first = streamed(&notifications(&event("CreatedEvent", "item-created")), "OK");
        let second = streamed(
            &notifications(&format!(
                "{}{}",
                event("NewMailEvent", "item-new"),
                event("DeletedEvent", "item-gone")
            )),
            "OK",
        );
        // The second envelope in two chunks, cut inside a tag.
        let cut = second.len() / 2;
        Reply::Chunks {
            headers: Vec::new(),
            chunks: vec![
                Chunk::Data(Duration::ZERO, first),
                Chunk::Data(Duration::from_millis(500), second[..cut].to_string()),
                Chunk::Data(Duration::from_millis(20), second[cut..].to_string()),
                Chunk::Data(
                    Duration::from_millis(100),
                    format!("\r\n{}", streamed("", "Closed")),
                ),
            ],
        }
    }

    fn streaming_server_reply(r: &Received) -> Reply {
        match request_of(r) {
            GlobalElement::Subscribe(_) => subscribe_reply(),
            GlobalElement::GetStreamingEvents(g) => {
                assert_eq!(g.subscription_ids, [SUBSCRIPTION]);
                stream_reply()
            }
            other => panic!("{other:?}"),
        }
    }

    fn event_line(e: &NotificationEvent) -> String {
        use ews_tests::office365::types::{BaseObjectChangedEventId, BaseObjectChangedEventType};
        let id = |e: &BaseObjectChangedEventType| match &e.id {
            BaseObjectChangedEventId::ItemId(i) => i.id.clone(),
            BaseObjectChangedEventId::FolderId(f) => f.id.clone(),
        };
        match e {
            NotificationEvent::CreatedEvent(e) => format!("CreatedEvent\t{}", id(e)),
            NotificationEvent::NewMailEvent(e) => format!("NewMailEvent\t{}", id(e)),
            NotificationEvent::DeletedEvent(e) => format!("DeletedEvent\t{}", id(e)),
            other => format!("{other:?}"),
        }
    }

    pub(super) async fn streamed_envelopes_are_read_as_they_arrive() {
        // The timing below is measured once the examples' build (two busy cores) is over.
        super::examples(true);
        assert_eq!(
            ews_tests::office365::STREAMING_OPERATIONS,
            ["GetStreamingEvents"]
        );
        let server = Server::start(|_, r| streaming_server_reply(r)).await;
        // The request timeout is shorter than the stream: it does not apply to it.
        let c = Client::builder(&server.url)
            .basic_auth(USER, PASSWORD)
            .timeout(Duration::from_millis(400))
            .build()
            .expect("client");
        let request = GetStreamingEventsType::new(vec![SUBSCRIPTION.into()], 30);
        let mut stream = Box::pin(
            c.streaming_events(request, headers())
                .idle_timeout(Duration::from_secs(5))
                .stream(),
        );
        let mut got = Vec::new();
        while let Some(n) = stream.next().await {
            let n = n.expect("a notification");
            let at = Instant::now();
            for e in &n.events {
                got.push((event_line(e), at));
            }
        }
        let lines: Vec<&str> = got.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(
            lines,
            [
                "CreatedEvent\titem-created",
                "NewMailEvent\titem-new",
                "DeletedEvent\titem-gone"
            ]
        );
        let sent = server.log.chunks_sent.lock().unwrap().clone();
        let second_sent = sent
            .iter()
            .find(|(_, chunk, _)| *chunk == 1)
            .map(|(_, _, t)| *t)
            .expect("the second envelope was sent");
        assert!(
            got[0].1 < second_sent,
            "the first notification came out only after the second envelope was sent"
        );
        assert!(got[1].1 >= second_sent);
        assert_eq!(server.received().len(), 1, "Closed ends the stream");
        assert_eq!(
            c.server_version_info().and_then(|v| v.version),
            Some("V2018_01_08".into())
        );
    }

    pub(super) async fn an_idle_stream_times_out_and_a_closed_one_is_renewed() {
        // One envelope, then silence.
        let server = Server::start(|_, _| Reply::Chunks {
            headers: Vec::new(),
            chunks: vec![
                Chunk::Data(
                    Duration::ZERO,
                    streamed(&notifications(&event("CreatedEvent", "item-1")), "OK"),
                ),
                Chunk::Stall(Duration::from_secs(20)),
            ],
        })
        .await;
        let request = GetStreamingEventsType::new(vec![SUBSCRIPTION.into()], 1);
        let started = Instant::now();
        let got: Vec<_> = client(&server.url)
            .streaming_events(request.clone(), headers())
            .idle_timeout(Duration::from_millis(300))
            .stream()
            .collect()
            .await;
        assert_eq!(got.len(), 2);
        assert!(got[0].is_ok());
        assert!(
            matches!(&got[1], Err(Error::IdleTimeout { idle, .. }) if *idle == Duration::from_millis(300)),
            "{:?}",
            got[1].as_ref().err()
        );
        assert!(started.elapsed() < Duration::from_secs(5));

        // Closed, renewed: the request is sent again and the stream goes on.
        let server = Server::start(|n, _| {
            let status = if n == 0 { "Closed" } else { "OK" };
            Reply::Chunks {
                headers: Vec::new(),
                chunks: vec![Chunk::Data(
                    Duration::ZERO,
                    streamed(
                        &notifications(&event("CreatedEvent", &format!("item-{n}"))),
                        status,
                    ),
                )],
            }
        })
        .await;
        let got: Vec<_> = client(&server.url)
            .streaming_events(request, headers())
            .renew_on_close(true)
            .stream()
            .take(3)
            .collect()
            .await;
        let ids: Vec<String> = got
            .into_iter()
            .map(|n| {
                let n = n.expect("a notification");
                event_line(&n.events[0])
            })
            .collect();
        assert_eq!(
            ids,
            [
                "CreatedEvent\titem-0",
                "CreatedEvent\titem-1",
                "CreatedEvent\titem-2"
            ]
        );
        assert_eq!(server.received().len(), 3);

        // An error message ends the stream, naming the subscriptions.
        let server = Server::start(|_, _| Reply::Chunks {
            headers: Vec::new(),
            chunks: vec![Chunk::Data(
                Duration::ZERO,
                format!(
                    r#"<Envelope xmlns="http://schemas.xmlsoap.org/soap/envelope/"><Body><m:GetStreamingEventsResponse xmlns:m="{M}" xmlns:t="{T}"><m:ResponseMessages><m:GetStreamingEventsResponseMessage ResponseClass="Error"><m:MessageText>The specified subscription was not found.</m:MessageText><m:ResponseCode>ErrorSubscriptionNotFound</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey><m:ErrorSubscriptionIds><t:SubscriptionId>{SUBSCRIPTION}</t:SubscriptionId></m:ErrorSubscriptionIds></m:GetStreamingEventsResponseMessage></m:ResponseMessages></m:GetStreamingEventsResponse></Body></Envelope>"#
                ),
            )],
        })
        .await;
        let got: Vec<_> = client(&server.url)
            .streaming_events(
                GetStreamingEventsType::new(vec![SUBSCRIPTION.into()], 1),
                headers(),
            )
            .stream()
            .collect()
            .await;
        assert_eq!(got.len(), 1);
        match &got[0] {
            Err(Error::Subscriptions {
                error,
                subscription_ids,
            }) => {
                assert_eq!(error.code.as_deref(), Some("ErrorSubscriptionNotFound"));
                assert_eq!(subscription_ids, &[SUBSCRIPTION.to_string()]);
            }
            other => panic!("{:?}", other.as_ref().err()),
        }
    }

    // ---- The examples, built from the office365 schemas and run as written ----

    fn example(
        name: &str,
        url: &str,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> tokio::process::Command {
        let mut cmd = tokio::process::Command::new(&super::examples(true)[name]);
        cmd.args(args);
        for v in [
            "EWS_TOKEN",
            "EWS_USER",
            "EWS_PASSWORD",
            "EWS_VERSION",
            "EWS_AUTH",
            "EWS_RESOLVE",
            "EWS_CA_FILE",
            "EWS_MAX_CONCURRENCY",
            "RUST_LOG",
        ] {
            cmd.env_remove(v);
        }
        cmd.env("EWS_URL", url)
            .env("EWS_USER", USER)
            .env("EWS_PASSWORD", PASSWORD);
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        cmd
    }

    async fn run(mut cmd: tokio::process::Command) -> std::process::Output {
        tokio::time::timeout(Duration::from_secs(60), cmd.output())
            .await
            .expect("the example finished")
            .expect("the example ran")
    }

    fn stdout(o: &std::process::Output) -> String {
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    pub(super) async fn find_items_example() {
        let server = Server::start(|_, r| find_item_reply(r)).await;
        let out = run(example(
            "find_items",
            &server.url,
            &["inbox", "--page-size", "2"],
            &[],
        ))
        .await;
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        let expected: String = (0..FOLDER_ITEMS)
            .map(|i| format!("item-{i}\t{}\n", subject(i)))
            .chain(std::iter::once(format!(
                "{FOLDER_ITEMS} items in 3 pages\n"
            )))
            .collect();
        assert_eq!(stdout(&out), expected);
        assert_eq!(
            asked_pages(&server),
            vec![(0, Some(2)), (2, Some(2)), (4, Some(2))]
        );
        // Negotiated: the newest version the bindings know.
        assert_eq!(
            server.received()[0].attr("Version").as_deref(),
            RequestHeaders::VERSIONS.first().copied()
        );

        // Bad usage: exit 2, nothing asked.
        for args in [
            &[][..],
            &["inbox", "--page-size", "0"],
            &["inbox", "--bogus"],
        ] {
            let out = run(example("find_items", &server.url, args, &[])).await;
            assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
        }
        // A folder the server refuses: exit 1, the code on stderr.
        let server = Server::start(|_, _| {
            xml(
                200,
                envelope(
                    SERVER_VERSION,
                    &format!(
                        r#"<m:FindItemResponse xmlns:m="{M}" xmlns:t="{T}"><m:ResponseMessages><m:FindItemResponseMessage ResponseClass="Error"><m:MessageText>The specified folder could not be found in the store.</m:MessageText><m:ResponseCode>ErrorFolderNotFound</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey></m:FindItemResponseMessage></m:ResponseMessages></m:FindItemResponse>"#
                    ),
                ),
            )
        })
        .await;
        // A folder name the schema does not list is refused before sending.
        let out = run(example(
            "find_items",
            &server.url,
            &["nosuchfolder"],
            &[("EWS_VERSION", "Exchange2013")],
        ))
        .await;
        assert_eq!(out.status.code(), Some(1), "{out:?}");
        assert!(out.stdout.is_empty());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("/Envelope/Body/FindItem/ParentFolderIds/DistinguishedFolderId")
                && stderr.contains("\"nosuchfolder\""),
            "{stderr}"
        );
        assert!(server.received().is_empty(), "nothing was sent");
        // A listed one the mailbox lacks: the server's error.
        let out = run(example(
            "find_items",
            &server.url,
            &["archiveinbox"],
            &[("EWS_VERSION", "Exchange2013")],
        ))
        .await;
        assert_eq!(out.status.code(), Some(1), "{out:?}");
        assert!(out.stdout.is_empty());
        assert_eq!(
            String::from_utf8_lossy(&out.stderr).trim(),
            "ErrorFolderNotFound: The specified folder could not be found in the store."
        );
        assert!(server.received()[0]
            .body
            .contains("Version=\"Exchange2013\""));
    }

    pub(super) async fn get_items_example() {
        let throttled = Arc::new(AtomicUsize::new(0));
        let t = throttled.clone();
        let server = Server::start(move |_, r| get_item_reply(&t, r)).await;
        let ids: Vec<String> = (0..600).map(id).collect();
        let mut args = vec!["--batch", "100"];
        args.extend(ids.iter().map(String::as_str));
        let out = run(example(
            "get_items",
            &server.url,
            &args,
            &[("EWS_MAX_CONCURRENCY", "2")],
        ))
        .await;
        assert_eq!(out.status.code(), Some(1), "an id has an error: {out:?}");
        let lines: Vec<String> = stdout(&out).lines().map(str::to_string).collect();
        assert_eq!(lines.len(), 600);
        for (i, line) in lines.iter().enumerate() {
            let expected = if i == MISSING {
                format!("{}\terror\tErrorItemNotFound", id(i))
            } else {
                format!("{}\tMessage {i}\t{}", id(i), 1000 + i)
            };
            assert_eq!(*line, expected);
        }
        check_batches(&server);
        println!(
            "get_items example, 600 ids, --batch 100, EWS_MAX_CONCURRENCY=2: peak concurrency observed {}",
            server.peak()
        );
        let out = run(example("get_items", &server.url, &["--batch", "100"], &[])).await;
        assert_eq!(out.status.code(), Some(2), "no id: {out:?}");
        let out = run(example(
            "get_items",
            &server.url,
            &["x"],
            &[("EWS_MAX_CONCURRENCY", "none")],
        ))
        .await;
        assert_eq!(
            out.status.code(),
            Some(2),
            "bad EWS_MAX_CONCURRENCY: {out:?}"
        );
    }

    pub(super) async fn sync_folder_example() {
        let server = Server::start(|_, r| sync_reply(r)).await;
        let out = run(example("sync_folder", &server.url, &["inbox"], &[])).await;
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        assert_eq!(
            stdout(&out),
            "create\tnew-1\ncreate\tnew-2\nupdate\tnew-1\nread\told-7\ttrue\ndelete\told-8\nstate=STATE-3\n"
        );
        let out = run(example(
            "sync_folder",
            &server.url,
            &["inbox", "--state", "STATE-2"],
            &[],
        ))
        .await;
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        assert_eq!(stdout(&out), "delete\told-8\nstate=STATE-3\n");
        let out = run(example(
            "sync_folder",
            &server.url,
            &["inbox", "--state", "BROKEN"],
            &[],
        ))
        .await;
        assert_eq!(out.status.code(), Some(1), "{out:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("ErrorInvalidSyncStateData"));
        let out = run(example(
            "sync_folder",
            &server.url,
            &["inbox", "--state"],
            &[],
        ))
        .await;
        assert_eq!(out.status.code(), Some(2), "{out:?}");
    }

    pub(super) async fn stream_events_example() {
        let server = Server::start(|_, r| streaming_server_reply(r)).await;
        let mut cmd = example("stream_events", &server.url, &["inbox"], &[]);
        cmd.kill_on_drop(true);
        let mut child = cmd.spawn().expect("the example starts");
        let mut lines = tokio::io::BufReader::new(child.stdout.take().expect("stdout")).lines();
        let mut got = Vec::new();
        let read = async {
            while let Some(line) = lines.next_line().await.expect("stdout reads") {
                got.push((line, Instant::now()));
            }
        };
        tokio::time::timeout(Duration::from_secs(60), read)
            .await
            .expect("the example ends");
        let status = child.wait().await.expect("exit status");
        assert_eq!(status.code(), Some(0), "Closed ends it");
        let text: Vec<&str> = got.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(
            text,
            [
                "CreatedEvent\titem-created",
                "NewMailEvent\titem-new",
                "DeletedEvent\titem-gone"
            ]
        );
        let second_sent = server
            .log
            .chunks_sent
            .lock()
            .unwrap()
            .iter()
            .find(|(_, chunk, _)| *chunk == 1)
            .map(|(_, _, t)| *t)
            .expect("the second envelope was sent");
        assert!(
            got[0].1 < second_sent,
            "the first event was printed only after the second envelope was sent"
        );
        let received = server.received();
        assert_eq!(received.len(), 2, "Subscribe, then GetStreamingEvents");
        assert_eq!(received[0].header("X-PreferServerAffinity"), Some("true"));
        assert_eq!(received[0].header("X-AnchorMailbox"), Some(USER));
        assert_eq!(received[1].header("X-PreferServerAffinity"), Some("true"));
        assert_eq!(received[1].header("X-AnchorMailbox"), Some(USER));
        assert!(
            received[1].header("Cookie").is_some_and(|c| c.contains(
                "X-BackEndOverrideCookie=CO1PR06MB222.namprd06.prod.outlook.com~1941996295"
            )),
            "the affinity cookie goes with GetStreamingEvents: {:?}",
            received[1].headers
        );
        assert_eq!(received[0].path, received[1].path);

        // --max-events: exit 0 after that many events.
        let out = run(example(
            "stream_events",
            &server.url,
            &["inbox", "--max-events", "2"],
            &[],
        ))
        .await;
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        assert_eq!(
            stdout(&out),
            "CreatedEvent\titem-created\nNewMailEvent\titem-new\n"
        );
        let out = run(example("stream_events", &server.url, &[], &[])).await;
        assert_eq!(out.status.code(), Some(2), "{out:?}");
    }
}

macro_rules! office365_test {
    ($name:ident) => {
        #[tokio::test]
        #[cfg_attr(
            not(ews_shared),
            ignore = "needs ../shared (or EWS_SHARED_DIR): the office365 bindings"
        )]
        async fn $name() {
            #[cfg(ews_shared)]
            o365::$name().await;
        }
    };
}

office365_test!(three_find_item_pages);
office365_test!(a_page_that_does_not_advance_is_an_error);
office365_test!(a_sync_over_several_batches_resumes_from_a_saved_state);
office365_test!(six_hundred_ids_in_batches_under_a_limit_of_two);
office365_test!(a_batch_throttled_whole_is_retried_by_the_call_only);
office365_test!(streamed_envelopes_are_read_as_they_arrive);
office365_test!(an_idle_stream_times_out_and_a_closed_one_is_renewed);
office365_test!(find_items_example);
office365_test!(get_items_example);
office365_test!(sync_folder_example);
office365_test!(stream_events_example);
