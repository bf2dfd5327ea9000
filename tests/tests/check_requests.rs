//! The client checks each request against the schema's rules while writing it, and refuses
//! one that breaks them before any byte is sent: a server on 127.0.0.1 records what reaches
//! it. One request per kind of rule (a facet's length, a pattern, an enumeration, required
//! content); the check turned off sends it; valid requests pass; the `set_im_group` example
//! refuses an empty display name. (The order of elements and the required elements and
//! attributes hold by construction of the generated types; `check_agrees.rs` shows the check
//! refusing exactly what strict reading refuses over random values of every element.)

use std::sync::{Arc, Mutex};
use std::time::Duration;

use ewsgen::client::{Client, Error};
use ewsgen::messages::{GetImItemListType, SetImGroupType};
use ewsgen::rt::{ErrorKind, ReadOptions};
use ewsgen::soap::Envelope;
use ewsgen::types::{
    ExchangeVersionType, ItemIdType, MapiPropertyTypeType, PathToExtendedFieldType,
    RequestServerVersion,
};
use ewsgen::GlobalElement;
use tokio::io::AsyncWriteExt as _;
use tokio::net::TcpListener;

const PATH: &str = "/EWS/Exchange.asmx";

/// A server answering every request with a SetImGroup success, keeping the bodies.
struct Server {
    url: String,
    bodies: Arc<Mutex<Vec<String>>>,
}

impl Server {
    async fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}{PATH}", listener.local_addr().expect("address"));
        let bodies = Arc::new(Mutex::new(Vec::new()));
        let log = bodies.clone();
        tokio::spawn(async move {
            while let Ok((mut sock, _)) = listener.accept().await {
                let log = log.clone();
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    while let Ok(Some(req)) =
                        ews_test_support::http::read_request(&mut sock, &mut buf).await
                    {
                        log.lock()
                            .unwrap()
                            .push(String::from_utf8_lossy(&req.body).into_owned());
                        let body = success();
                        let head = format!(
                            "HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=utf-8\r\nContent-Length: {}\r\n\r\n",
                            body.len()
                        );
                        if sock.write_all(head.as_bytes()).await.is_err()
                            || sock.write_all(body.as_bytes()).await.is_err()
                        {
                            return;
                        }
                    }
                });
            }
        });
        Server { url, bodies }
    }

    fn received(&self) -> Vec<String> {
        self.bodies.lock().unwrap().clone()
    }
}

fn success() -> String {
    r#"<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><m:SetImGroupResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode></m:SetImGroupResponse></s:Body></s:Envelope>"#.into()
}

fn client(url: &str) -> Client {
    Client::builder(url)
        .basic_auth("alice@contoso.com", "pw")
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client")
}

fn headers() -> ewsgen::RequestHeaders {
    ewsgen::RequestHeaders {
        request_server_version: Some(RequestServerVersion::new(ExchangeVersionType::Exchange2013)),
        ..Default::default()
    }
}

fn set_im_group(name: &str) -> SetImGroupType {
    SetImGroupType::new(
        ItemIdType::new("AAMkAGQ1MjJjMTBkQoTbWAAAAAAQRAAA=".into()),
        name.into(),
    )
}

fn get_im_item_list(paths: Option<Vec<PathToExtendedFieldType>>) -> GetImItemListType {
    GetImItemListType {
        extended_properties: paths,
        ..Default::default()
    }
}

fn extended(set_id: Option<&str>, ty: MapiPropertyTypeType) -> PathToExtendedFieldType {
    let mut p = PathToExtendedFieldType::new(ty);
    p.property_set_id = set_id.map(String::from);
    p.property_name = Some("Color".into());
    p
}

/// A call that went out (the loopback server answers every operation with SetImGroup's
/// response, so what comes back for another operation does not matter here).
fn sent<T: std::fmt::Debug>(r: Result<T, Error>) {
    if let Err(e @ (Error::InvalidRequest(_) | Error::Request(_))) = r {
        panic!("refused: {e}");
    }
}

/// The refusal of a call: `Error::InvalidRequest`, its path and message.
fn refusal<T: std::fmt::Debug>(r: Result<T, Error>) -> ewsgen::rt::Error {
    match r {
        Err(Error::InvalidRequest(e)) => e,
        other => panic!("expected Error::InvalidRequest, got {other:?}"),
    }
}

#[tokio::test]
async fn each_kind_of_rule_is_refused_before_sending() {
    let server = Server::start().await;
    let c = client(&server.url);
    let h = headers();

    // A facet of the element's type: NonEmptyStringType's minLength.
    let e = refusal(c.call(&set_im_group(""), &h).await);
    assert_eq!(e.path, "/Envelope/Body/SetImGroup/NewDisplayName", "{e}");
    assert!(
        matches!(&e.kind, ErrorKind::InvalidValue { reason, .. } if reason.contains("[facet 'minLength']")),
        "{e}"
    );
    let shown = Error::InvalidRequest(e).to_string();
    assert!(
        shown.contains("/Envelope/Body/SetImGroup/NewDisplayName: invalid element <NewDisplayName> value \"\": [facet 'minLength']"),
        "{shown}"
    );

    // An attribute's pattern (GuidType).
    let r = get_im_item_list(Some(vec![extended(
        Some("not-a-guid"),
        MapiPropertyTypeType::String,
    )]));
    let e = refusal(c.call(&r, &h).await);
    assert_eq!(
        e.path,
        "/Envelope/Body/GetImItemList/ExtendedProperties/ExtendedProperty"
    );
    assert!(
        e.to_string()
            .contains("invalid attribute `PropertySetId` value \"not-a-guid\": [facet 'pattern']"),
        "{e}"
    );

    // A value the enumeration does not list.
    let r = get_im_item_list(Some(vec![extended(
        None,
        MapiPropertyTypeType::UnknownValue("Float128".into()),
    )]));
    let e = refusal(c.call(&r, &h).await);
    assert_eq!(
        e.path,
        "/Envelope/Body/GetImItemList/ExtendedProperties/ExtendedProperty"
    );
    assert!(
        e.to_string()
            .contains("attribute `PropertyType` value \"Float128\": [facet 'enumeration']"),
        "{e}"
    );

    // Required content: NonEmptyArrayOfExtendedFieldURIs holds at least one path.
    let e = refusal(c.call(&get_im_item_list(Some(vec![])), &h).await);
    assert_eq!(e.path, "/Envelope/Body/GetImItemList/ExtendedProperties");
    assert_eq!(
        e.kind,
        ErrorKind::MissingElement("ExtendedProperty".into()),
        "{e}"
    );

    assert!(server.received().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn valid_requests_pass_and_read_strictly() {
    let server = Server::start().await;
    let c = client(&server.url);
    c.call(&set_im_group("Friends"), &headers())
        .await
        .expect("sent");
    let guid = "6ba7b810-9dad-11d1-80b4-00c04fd430c8";
    let r = get_im_item_list(Some(vec![
        extended(Some(guid), MapiPropertyTypeType::String),
        extended(None, MapiPropertyTypeType::Integer),
    ]));
    sent(c.call(&r, &headers()).await);
    // A version the bindings do not list is still sent as given (a newer server's).
    let mut h = headers();
    h.request_server_version = Some(RequestServerVersion::new(
        ExchangeVersionType::UnknownValue("V2099_01_01".into()),
    ));
    c.call(&set_im_group("Friends"), &h).await.expect("sent");

    let received = server.received();
    assert_eq!(received.len(), 3);
    let strict = ReadOptions::strict();
    for body in &received[..2] {
        Envelope::<GlobalElement>::from_str_with(body, ewsgen::NAMESPACES, strict.clone())
            .unwrap_or_else(|e| panic!("{e}\n{body}"));
    }
    assert!(received[1].contains(guid), "{}", received[1]);
    assert!(received[2].contains("Version=\"V2099_01_01\""));
}

#[tokio::test]
async fn with_the_check_off_the_request_is_sent_as_written() {
    let server = Server::start().await;
    let c = Client::builder(&server.url)
        .basic_auth("alice@contoso.com", "pw")
        .check_requests(false)
        .build()
        .expect("client");
    c.call(&set_im_group(""), &headers()).await.expect("sent");
    sent(c.call(&get_im_item_list(Some(vec![])), &headers()).await);
    let received = server.received();
    assert_eq!(received.len(), 2);
    assert!(received[0].contains("<m:NewDisplayName></m:NewDisplayName>"));
    assert!(received[1].contains("<m:ExtendedProperties/>"));
    // Writing alone does not check: `to_string` writes what it is given.
    let xml = ewsgen::rt::to_string(&set_im_group("")).expect("written");
    assert!(
        xml.contains("<m:NewDisplayName></m:NewDisplayName>"),
        "{xml}"
    );
}

#[tokio::test]
async fn the_example_refuses_an_empty_display_name_before_sending() {
    let server = Server::start().await;
    let mut cmd = tokio::process::Command::new(ews_tests::example_path("set_im_group"));
    cmd.args(["AAMkAGQ1MjJjMTBkQoTbWAAAAAAQRAAA=", ""])
        .env_remove("EWS_TOKEN")
        .env_remove("EWS_VERSION")
        .env_remove("EWS_AUTH")
        .env("EWS_USER", "alice@contoso.com")
        .env("EWS_PASSWORD", "pw")
        .env("EWS_URL", &server.url);
    let out = tokio::time::timeout(Duration::from_secs(60), cmd.output())
        .await
        .expect("the example finished")
        .expect("the example ran");
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(out.stdout.is_empty(), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("/Envelope/Body/SetImGroup/NewDisplayName")
            && stderr.contains("[facet 'minLength']"),
        "{stderr}"
    );
    assert!(server.received().is_empty(), "the server saw nothing");
}
