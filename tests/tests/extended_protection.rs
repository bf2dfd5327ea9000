//! Extended Protection for NTLM: over https the AUTHENTICATE message carries the
//! `tls-server-end-point` channel bindings of the server's certificate and the service name
//! `HTTP/<host>`, and a server set to "Require" (here: a loopback https server on 127.0.0.1
//! checking both, computed from its own certificate) accepts `set_im_group` with NTLM; the
//! same server refuses an answer without bindings or with another certificate's.

use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use ews_test_support::ntlm::{self, Gate, Protection};
use ews_test_support::server::{self, Reply, Request};
use ews_test_support::tls::Pki;

const HOST: &str = "mail.contoso.test";
const PASSWORD: &str = "Ntlm-EP-Pa55word!";

fn success() -> String {
    r#"<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header><h:ServerVersionInfo MajorVersion="15" MinorVersion="1" MajorBuildNumber="2507" MinorBuildNumber="6" Version="V2017_07_11" xmlns:h="http://schemas.microsoft.com/exchange/services/2006/types"/></s:Header><s:Body><SetImGroupResponse ResponseClass="Success" xmlns="http://schemas.microsoft.com/exchange/services/2006/messages"><ResponseCode>NoError</ResponseCode></SetImGroupResponse></s:Body></s:Envelope>"#.to_string()
}

/// The protection a server with `pki`'s certificate requires.
fn protection(pki: &Pki) -> Protection {
    Protection {
        bindings: Some(pki.end_point_bindings()),
        spn: Some(format!("HTTP/{HOST}")),
    }
}

/// An EWS server requiring NTLM with Extended Protection; answers SetImGroup once
/// authenticated.
async fn ntlm_server(pki: &Pki) -> std::net::SocketAddr {
    let protection = protection(pki);
    let handler = move |r: &Request, conn: &mut ntlm::Connection| -> Reply {
        match ntlm::gate_protected(
            r.header("Authorization"),
            conn,
            &["Negotiate", "NTLM"],
            PASSWORD,
            &protection,
        ) {
            Gate::Pass => Reply::new(200, success())
                .header("Content-Type", "text/xml; charset=utf-8")
                .header("X-User", conn.user.clone().unwrap_or_default()),
            Gate::Refuse => Reply::new(401, "")
                .header("WWW-Authenticate", "Negotiate")
                .header("WWW-Authenticate", "NTLM"),
            Gate::Challenge(c) => Reply::new(401, "").header("WWW-Authenticate", c),
        }
    };
    server::start(pki.acceptor(), Arc::new(handler)).await
}

/// The `set_im_group` example against `addr`, with `env` besides the URL, overrides and CA.
async fn set_im_group(
    addr: std::net::SocketAddr,
    pki: &Pki,
    env: &[(&str, &str)],
) -> std::process::Output {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let ca = dir.join(format!("ep-ca-{}-{}.pem", std::process::id(), addr.port()));
    std::fs::write(&ca, &pki.ca_pem).expect("write the CA");
    let mut cmd = tokio::process::Command::new(ews_tests::example_path("set_im_group"));
    cmd.args(["AAMkAGQ1MjJjMTBkQoTbWAAAAAAQRAAA=", "Friends"])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("EWS_URL", format!("https://{HOST}/EWS/Exchange.asmx"))
        .env("EWS_RESOLVE", format!("{HOST}={addr}"))
        .env("EWS_CA_FILE", &ca)
        .env("EWS_VERSION", "Exchange2013")
        .env("RUST_LOG", "ewsgen=debug");
    for (k, v) in env {
        cmd.env(k, v);
    }
    tokio::time::timeout(Duration::from_secs(60), cmd.output())
        .await
        .expect("the example finished")
        .expect("the example ran")
}

#[tokio::test]
async fn set_im_group_with_ntlm_passes_a_server_requiring_channel_bindings() {
    let pki = Pki::new(&[HOST]);
    let addr = ntlm_server(&pki).await;
    let out = set_im_group(
        addr,
        &pki,
        &[
            ("EWS_AUTH", "ntlm"),
            ("EWS_USER", "CONTOSO\\alice"),
            ("EWS_PASSWORD", PASSWORD),
        ],
    )
    .await;
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert_eq!(stdout, "NoError\n", "{stderr}");
    assert!(!stderr.contains(PASSWORD), "{stderr}");
}

#[tokio::test]
async fn set_im_group_with_ntlm_bound_to_another_certificate_is_refused() {
    // The server expects the bindings of a certificate it does not present (as behind a
    // TLS-terminating relay): the client's bindings, right for the connection it sees, are
    // refused.
    let pki = Pki::new(&[HOST]);
    let other = Pki::new(&[HOST]);
    let protection = protection(&other);
    let handler = move |r: &Request, conn: &mut ntlm::Connection| -> Reply {
        match ntlm::gate_protected(
            r.header("Authorization"),
            conn,
            &["NTLM"],
            PASSWORD,
            &protection,
        ) {
            Gate::Pass => Reply::new(200, success()),
            Gate::Refuse => Reply::new(401, "").header("WWW-Authenticate", "NTLM"),
            Gate::Challenge(c) => Reply::new(401, "").header("WWW-Authenticate", c),
        }
    };
    let addr = server::start(pki.acceptor(), Arc::new(handler)).await;
    let out = set_im_group(
        addr,
        &pki,
        &[
            ("EWS_AUTH", "ntlm"),
            ("EWS_USER", "CONTOSO\\alice"),
            ("EWS_PASSWORD", PASSWORD),
        ],
    )
    .await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("401"), "{stderr}");
    assert!(!stderr.contains(PASSWORD), "{stderr}");
}

/// The server's check itself: the same NTLMv2 answer is refused without bindings, with
/// another certificate's, or naming another service, and accepted as Extended Protection
/// wants it.
#[test]
fn the_server_refuses_missing_or_wrong_bindings() {
    let pki = Pki::new(&[HOST]);
    let other = Pki::new(&[HOST]);
    let protection = protection(&pki);
    let der = |p: &Pki| ews_auth::binding::ChannelBindings::from_certificate(&p.server_der);
    let right = der(&pki).expect("bindings");
    let wrong = der(&other).expect("bindings");
    assert_eq!(right.application_data(), pki.end_point_bindings());
    let spn = format!("HTTP/{HOST}");
    let cases: [(
        &str,
        Option<&str>,
        Option<&ews_auth::binding::ChannelBindings>,
        bool,
    ); 5] = [
        ("no bindings", Some(&spn), None, false),
        ("another certificate's", Some(&spn), Some(&wrong), false),
        ("no service name", None, Some(&right), false),
        (
            "another service",
            Some("HTTP/evil.test"),
            Some(&right),
            false,
        ),
        ("bound", Some(&spn), Some(&right), true),
    ];
    for (what, spn, bindings, accepted) in cases {
        let mut conn = ntlm::Connection::default();
        let negotiate = format!("NTLM {}", ews_auth::ntlm::negotiate());
        let Gate::Challenge(c) = ntlm::gate_protected(
            Some(&negotiate),
            &mut conn,
            &["NTLM"],
            PASSWORD,
            &protection,
        ) else {
            panic!("{what}: no challenge")
        };
        let token = c.strip_prefix("NTLM ").expect("NTLM challenge");
        let target = ews_auth::ntlm::Target { spn, bindings };
        let answer = ews_auth::ntlm::authenticate_for(token, "CONTOSO\\alice", PASSWORD, &target)
            .expect("answer");
        let gate = ntlm::gate_protected(
            Some(&format!("NTLM {answer}")),
            &mut conn,
            &["NTLM"],
            PASSWORD,
            &protection,
        );
        assert_eq!(gate == Gate::Pass, accepted, "{what}: {gate:?}");
        // The answer holds no secret in the clear.
        let raw = base64::engine::general_purpose::STANDARD
            .decode(&answer)
            .expect("base64");
        assert!(!raw
            .windows(PASSWORD.len())
            .any(|w| w == PASSWORD.as_bytes()));
    }
}
