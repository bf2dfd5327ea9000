//! `ews-codegen fetch` as a user runs it, against an https server on 127.0.0.1 with a CA and
//! a certificate made at test time (`EWS_CA_FILE`, and `EWS_RESOLVE` sending
//! `mail.contoso.test` there): NTLM on one kept-alive connection, Basic, a server without
//! `Services.wsdl`, a refused password, the server's version from `ServerVersionInfo` or,
//! failing that, `X-OWA-Version`. The files served are the project's own schemas (`schemas/`)
//! and a small WSDL of one operation; the folder fetched then generates bindings.
//!
//! The command needs the cargo feature `fetch` (which `cargo test --workspace` turns on: the
//! tests crate depends on `ews-codegen` with it); built without, it says how to get it.

// Without the feature, only that message is tested: the server's parts stay unused.
#![cfg_attr(not(feature = "fetch"), allow(dead_code, unused_imports))]

use std::path::{Path, PathBuf};
use std::process::Output;

#[cfg(feature = "fetch")]
use std::sync::atomic::{AtomicUsize, Ordering};
#[cfg(feature = "fetch")]
use std::sync::{Arc, Mutex, OnceLock};

#[cfg(feature = "fetch")]
use base64::Engine as _;
#[cfg(feature = "fetch")]
use ews_test_support::{ntlm, tls::Pki};
#[cfg(feature = "fetch")]
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt as _};

const HOST: &str = "mail.contoso.test";
const USER: &str = "alice@contoso.test";
const PASSWORD: &str = "s3cr3t-Fetch-Pa55";

fn own_schemas() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas")
}

/// A scratch output folder, absent.
fn out_dir(case: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("fetch-{}-{case}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|it| {
            it.map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// The command with a clean environment of `EWS_*` variables plus `env`.
async fn fetch(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_ews-codegen"));
    cmd.arg("fetch").args(args);
    for v in [
        "EWS_USER",
        "EWS_PASSWORD",
        "EWS_TOKEN",
        "EWS_AUTH",
        "EWS_CA_FILE",
        "EWS_RESOLVE",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        cmd.env_remove(v);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    tokio::time::timeout(std::time::Duration::from_secs(60), cmd.output())
        .await
        .expect("ews-codegen fetch finished")
        .expect("ews-codegen runs")
}

#[cfg(not(feature = "fetch"))]
#[tokio::test]
async fn without_the_feature_the_command_says_how_to_get_it() {
    let o = fetch(&["https://mail.contoso.test/EWS/Exchange.asmx"], &[]).await;
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("built without the `fetch` feature")
            && stderr.contains("cargo install ews-codegen --features fetch"),
        "{stderr}"
    );
}

// ---------------------------------------------------------------------------------------
// The server

/// A small WSDL naming SetImGroup (request, response and headers, as Exchange's does).
#[cfg(feature = "fetch")]
const WSDL: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<wsdl:definitions xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:tns="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:s="http://www.w3.org/2001/XMLSchema" xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types" targetNamespace="http://schemas.microsoft.com/exchange/services/2006/messages">
<wsdl:types><s:schema><s:import namespace="http://schemas.microsoft.com/exchange/services/2006/messages" schemaLocation="messages.xsd"/></s:schema></wsdl:types>
<wsdl:message name="SetImGroupSoapIn"><wsdl:part name="request" element="tns:SetImGroup"/><wsdl:part name="RequestVersion" element="t:RequestServerVersion"/></wsdl:message>
<wsdl:message name="SetImGroupSoapOut"><wsdl:part name="SetImGroupResult" element="tns:SetImGroupResponse"/><wsdl:part name="ServerVersion" element="t:ServerVersionInfo"/></wsdl:message>
<wsdl:portType name="ExchangeServicePortType"><wsdl:operation name="SetImGroup"><wsdl:input message="tns:SetImGroupSoapIn"/><wsdl:output message="tns:SetImGroupSoapOut"/></wsdl:operation></wsdl:portType>
<wsdl:binding name="ExchangeServiceBinding" type="tns:ExchangeServicePortType"><soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
<wsdl:operation name="SetImGroup"><soap:operation soapAction="http://schemas.microsoft.com/exchange/services/2006/messages/SetImGroup"/>
<wsdl:input><soap:header message="tns:SetImGroupSoapIn" part="RequestVersion" use="literal"/><soap:body parts="request" use="literal"/></wsdl:input>
<wsdl:output><soap:body parts="SetImGroupResult" use="literal"/><soap:header message="tns:SetImGroupSoapOut" part="ServerVersion" use="literal"/></wsdl:output>
</wsdl:operation></wsdl:binding>
<wsdl:service name="ExchangeServices"><wsdl:port name="ExchangeServicePort" binding="tns:ExchangeServiceBinding"><soap:address location="https://mail.contoso.test/EWS/Exchange.asmx"/></wsdl:port></wsdl:service>
</wsdl:definitions>
"#;

#[cfg(feature = "fetch")]
const GET_FOLDER_ANSWER: &str = r#"<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header><h:ServerVersionInfo MajorVersion="15" MinorVersion="1" MajorBuildNumber="2507" MinorBuildNumber="6" Version="V2017_07_11" xmlns:h="http://schemas.microsoft.com/exchange/services/2006/types"/></s:Header><s:Body><m:GetFolderResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"><m:ResponseMessages><m:GetFolderResponseMessage ResponseClass="Error"><m:MessageText>The specified object was not found in the store.</m:MessageText><m:ResponseCode>ErrorItemNotFound</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey></m:GetFolderResponseMessage></m:ResponseMessages></m:GetFolderResponse></s:Body></s:Envelope>"#;

/// How the server behaves.
#[cfg(feature = "fetch")]
#[derive(Clone, Copy)]
struct Config {
    /// NTLM (`Negotiate, NTLM` offered), else Basic.
    ntlm: bool,
    /// Services.wsdl is there (else 404).
    wsdl: bool,
    /// Answers carry `X-OWA-Version`.
    owa_header: bool,
    /// The POST is answered with a SOAP envelope carrying `ServerVersionInfo` (else 500
    /// with an HTML page).
    soap_version: bool,
}

/// A request as the server saw it.
#[cfg(feature = "fetch")]
#[derive(Debug, Clone)]
struct Seen {
    conn: usize,
    method: String,
    path: String,
    /// The scheme and the NTLM message type (`NTLM 1`, `NTLM 3`, `Basic`), if any.
    auth: Option<String>,
    status: u16,
}

#[cfg(feature = "fetch")]
struct Server {
    port: u16,
    log: Arc<Mutex<Vec<Seen>>>,
}

#[cfg(feature = "fetch")]
fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(|| Pki::new(&[HOST]))
}

#[cfg(feature = "fetch")]
fn ca_file() -> PathBuf {
    static FILE: OnceLock<PathBuf> = OnceLock::new();
    FILE.get_or_init(|| {
        let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("fetch-test-ca-{}.pem", std::process::id()));
        std::fs::write(&path, &pki().ca_pem).expect("write the CA file");
        path
    })
    .clone()
}

#[cfg(feature = "fetch")]
impl Server {
    async fn start(config: Config) -> Server {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1");
        let port = listener.local_addr().expect("address").port();
        let log = Arc::new(Mutex::new(Vec::new()));
        let conns = Arc::new(AtomicUsize::new(0));
        let l = log.clone();
        tokio::spawn(async move {
            while let Ok((sock, _)) = listener.accept().await {
                let conn = conns.fetch_add(1, Ordering::SeqCst);
                let l = l.clone();
                tokio::spawn(async move {
                    if let Ok(tls) = pki().acceptor().accept(sock).await {
                        let _ = serve(tls, conn, config, l).await;
                    }
                });
            }
        });
        Server { port, log }
    }

    fn seen(&self) -> Vec<Seen> {
        self.log.lock().unwrap().clone()
    }

    /// The environment of a run against this server.
    fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("EWS_CA_FILE", ca_file().display().to_string()),
            ("EWS_RESOLVE", format!("{HOST}=127.0.0.1:{}", self.port)),
        ]
    }

    fn url(&self) -> String {
        format!("https://{HOST}:{}/EWS/Exchange.asmx", self.port)
    }
}

#[cfg(feature = "fetch")]
fn auth_summary(authorization: Option<&str>) -> Option<String> {
    let a = authorization?;
    let (scheme, token) = a.split_once(' ').unwrap_or((a, ""));
    if scheme == "Basic" {
        return Some("Basic".into());
    }
    let msg = base64::engine::general_purpose::STANDARD
        .decode(token)
        .unwrap_or_default();
    Some(format!(
        "{scheme} {}",
        msg.get(8).map_or("?".to_string(), |t| t.to_string())
    ))
}

#[cfg(feature = "fetch")]
async fn serve<S: AsyncRead + AsyncWrite + Unpin>(
    mut s: S,
    conn: usize,
    config: Config,
    log: Arc<Mutex<Vec<Seen>>>,
) -> std::io::Result<()> {
    let mut buf = Vec::new();
    let mut state = ntlm::Connection::default();
    while let Some(req) = ews_test_support::http::read_request(&mut s, &mut buf).await? {
        let authorization = req
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("Authorization"))
            .map(|(_, v)| v.as_str());
        let mut headers: Vec<(String, String)> = Vec::new();
        let refusal = if config.ntlm {
            // With Extended Protection: the channel bindings of this server's certificate
            // and its service name are required.
            let protection = ntlm::Protection {
                bindings: Some(pki().end_point_bindings()),
                spn: Some(format!("HTTP/{HOST}")),
            };
            match ntlm::gate_protected(
                authorization,
                &mut state,
                &["Negotiate", "NTLM"],
                PASSWORD,
                &protection,
            ) {
                ntlm::Gate::Pass => None,
                ntlm::Gate::Refuse => Some(vec!["Negotiate".to_string(), "NTLM".to_string()]),
                ntlm::Gate::Challenge(c) => Some(vec![c]),
            }
        } else {
            let expected = format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{USER}:{PASSWORD}"))
            );
            (authorization != Some(expected.as_str()))
                .then(|| vec![format!("Basic realm=\"{HOST}\"")])
        };
        let (status, body): (u16, Vec<u8>) = match refusal {
            Some(offers) => {
                for o in offers {
                    headers.push(("WWW-Authenticate".into(), o));
                }
                (401, b"401 - Unauthorized: Access is denied".to_vec())
            }
            None => match (req.method.as_str(), req.path.as_str()) {
                ("GET", "/EWS/Services.wsdl") if config.wsdl => (200, WSDL.as_bytes().to_vec()),
                ("GET", "/EWS/messages.xsd" | "/EWS/types.xsd") => {
                    let name = req.path.trim_start_matches("/EWS/");
                    (
                        200,
                        std::fs::read(own_schemas().join(name)).expect("schema"),
                    )
                }
                ("POST", "/EWS/Exchange.asmx") if config.soap_version => {
                    let body = String::from_utf8_lossy(&req.body);
                    assert!(
                        body.contains("<m:GetFolder>")
                            && body.contains("Version=\"Exchange2007_SP1\""),
                        "{body}"
                    );
                    headers.push(("Content-Type".into(), "text/xml; charset=utf-8".into()));
                    (200, GET_FOLDER_ANSWER.as_bytes().to_vec())
                }
                ("POST", _) => (500, b"<html><body>Server Error</body></html>".to_vec()),
                _ => (
                    404,
                    b"<html><body>The resource cannot be found.</body></html>".to_vec(),
                ),
            },
        };
        if config.owa_header {
            headers.push(("X-OWA-Version".into(), "15.1.2507.6".into()));
        }
        log.lock().unwrap().push(Seen {
            conn,
            method: req.method.clone(),
            path: req.path.clone(),
            auth: auth_summary(authorization),
            status,
        });
        let mut out = format!("HTTP/1.1 {status} Status\r\n").into_bytes();
        for (k, v) in &headers {
            out.extend_from_slice(format!("{k}: {v}\r\n").as_bytes());
        }
        out.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
        out.extend_from_slice(&body);
        s.write_all(&out).await?;
        s.flush().await?;
    }
    Ok(())
}

#[cfg(feature = "fetch")]
fn env_of<'a>(
    server: &'a [(&'static str, String)],
    more: &'a [(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    server
        .iter()
        .map(|(k, v)| (*k, v.as_str()))
        .chain(more.iter().copied())
        .collect()
}

// ---------------------------------------------------------------------------------------
// The tests

#[tokio::test]
#[cfg_attr(
    not(feature = "fetch"),
    ignore = "needs the `fetch` feature: cargo test -p ews-codegen --features fetch (cargo test --workspace turns it on)"
)]
async fn ntlm_writes_the_three_files_and_prints_the_server_version() {
    #[cfg(feature = "fetch")]
    {
        let server = Server::start(Config {
            ntlm: true,
            wsdl: true,
            owa_header: false,
            soap_version: true,
        })
        .await;
        let out = out_dir("ntlm");
        let base = format!("https://{HOST}:{}/EWS", server.port);
        let env = server.env();
        let o = fetch(
            &[&server.url(), "--out", &out.display().to_string()],
            &env_of(
                &env,
                &[
                    ("EWS_AUTH", "ntlm"),
                    ("EWS_USER", "CONTOSO\\alice"),
                    ("EWS_PASSWORD", PASSWORD),
                ],
            ),
        )
        .await;
        let stdout = String::from_utf8_lossy(&o.stdout);
        assert_eq!(o.status.code(), Some(0), "{o:?}");
        let size = |name: &str| {
            std::fs::metadata(own_schemas().join(name))
                .expect("size")
                .len()
        };
        assert_eq!(
            stdout,
            format!(
                "wrote {out}/services.wsdl ({} bytes from {base}/Services.wsdl)\n\
                 wrote {out}/messages.xsd ({} bytes from {base}/messages.xsd)\n\
                 wrote {out}/types.xsd ({} bytes from {base}/types.xsd)\n\
                 server version: 15.1.2507.6 (Version=\"V2017_07_11\", from ServerVersionInfo)\n",
                WSDL.len(),
                size("messages.xsd"),
                size("types.xsd"),
                out = out.display(),
            )
        );
        for name in ["messages.xsd", "types.xsd"] {
            assert!(
                std::fs::read(out.join(name)).expect("written")
                    == std::fs::read(own_schemas().join(name)).expect("source"),
                "{name} differs from what the server sent"
            );
        }
        assert_eq!(
            std::fs::read_to_string(out.join("services.wsdl")).expect("wsdl"),
            WSDL
        );
        // One connection, one handshake: NEGOTIATE, AUTHENTICATE, then the connection is
        // authenticated and the rest goes without a header.
        let seen = server.seen();
        let summary: Vec<(String, String, Option<String>, u16)> = seen
            .iter()
            .map(|s| (s.method.clone(), s.path.clone(), s.auth.clone(), s.status))
            .collect();
        let row = |m: &str, p: &str, a: Option<&str>, s: u16| {
            (m.to_string(), p.to_string(), a.map(str::to_string), s)
        };
        assert_eq!(
            summary,
            [
                row("GET", "/EWS/Services.wsdl", Some("NTLM 1"), 401),
                row("GET", "/EWS/Services.wsdl", Some("NTLM 3"), 200),
                row("GET", "/EWS/messages.xsd", None, 200),
                row("GET", "/EWS/types.xsd", None, 200),
                row("POST", "/EWS/Exchange.asmx", None, 200),
            ]
        );
        assert!(seen.iter().all(|s| s.conn == seen[0].conn), "{seen:?}");
        assert!(!format!("{o:?}").contains(PASSWORD));
        // The folder is a schema set: the generator reads it, WSDL included.
        let g = ews_codegen::Builder::new()
            .schema_dir(&out)
            .generate()
            .expect("the fetched schemas generate");
        let ops: Vec<&str> = g.model.operations.iter().map(|o| o.name.as_str()).collect();
        assert!(ops.contains(&"SetImGroup"), "{ops:?}");
        assert!(g.files.iter().any(|f| f.ends_with("services.wsdl")));
    }
}

#[tokio::test]
#[cfg_attr(
    not(feature = "fetch"),
    ignore = "needs the `fetch` feature: cargo test -p ews-codegen --features fetch (cargo test --workspace turns it on)"
)]
async fn a_server_without_services_wsdl_gets_it_named_and_skipped() {
    #[cfg(feature = "fetch")]
    {
        let server = Server::start(Config {
            ntlm: false,
            wsdl: false,
            owa_header: true,
            soap_version: false,
        })
        .await;
        let out = out_dir("no-wsdl");
        let base = format!("https://{HOST}:{}/EWS", server.port);
        let env = server.env();
        // The default output folder is `schemas`, in the current folder.
        let cwd = out.join("crate");
        std::fs::create_dir_all(&cwd).expect("mkdir");
        let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_ews-codegen"));
        cmd.args(["fetch", &format!("https://{HOST}:{}/EWS/", server.port)])
            .current_dir(&cwd)
            .env_remove("EWS_AUTH")
            .env_remove("EWS_TOKEN")
            .env("EWS_USER", USER)
            .env("EWS_PASSWORD", PASSWORD);
        for (k, v) in &env {
            cmd.env(k, v);
        }
        let o = cmd.output().await.expect("ews-codegen runs");
        let stdout = String::from_utf8_lossy(&o.stdout);
        assert_eq!(o.status.code(), Some(0), "{o:?}");
        let lines: Vec<&str> = stdout.lines().collect();
        assert_eq!(
            lines,
            [
                format!("skipped Services.wsdl: {base}/Services.wsdl answered 404 Not Found (the server does not publish it; the bindings are generated without it)"),
                format!("wrote schemas/messages.xsd ({} bytes from {base}/messages.xsd)", std::fs::metadata(own_schemas().join("messages.xsd")).expect("size").len()),
                format!("wrote schemas/types.xsd ({} bytes from {base}/types.xsd)", std::fs::metadata(own_schemas().join("types.xsd")).expect("size").len()),
                // The POST got an error page without ServerVersionInfo: the header is used.
                "server version: 15.1.2507.6 (from the X-OWA-Version header)".to_string(),
            ]
        );
        assert_eq!(
            files_in(&cwd.join("schemas")),
            ["messages.xsd", "types.xsd"]
        );
        // Basic credentials on every request.
        assert!(server
            .seen()
            .iter()
            .all(|s| s.auth.as_deref() == Some("Basic")));
    }
}

#[tokio::test]
#[cfg_attr(
    not(feature = "fetch"),
    ignore = "needs the `fetch` feature: cargo test -p ews-codegen --features fetch (cargo test --workspace turns it on)"
)]
async fn a_refused_password_is_an_error_naming_the_user_and_nothing_is_written() {
    #[cfg(feature = "fetch")]
    {
        for ntlm in [false, true] {
            let server = Server::start(Config {
                ntlm,
                wsdl: true,
                owa_header: false,
                soap_version: true,
            })
            .await;
            let out = out_dir(if ntlm { "401-ntlm" } else { "401-basic" });
            let env = server.env();
            let (auth, user) = if ntlm {
                ("ntlm", "CONTOSO\\alice")
            } else {
                ("basic", USER)
            };
            let o = fetch(
                &[&server.url(), "--out", &out.display().to_string()],
                &env_of(
                    &env,
                    &[
                        ("EWS_AUTH", auth),
                        ("EWS_USER", user),
                        ("EWS_PASSWORD", "wrong-password"),
                    ],
                ),
            )
            .await;
            assert_eq!(o.status.code(), Some(1), "{o:?}");
            let stderr = String::from_utf8_lossy(&o.stderr);
            assert!(
                stderr.contains(&format!(
                    "{}/Services.wsdl: HTTP 401 Unauthorized: the server refused the credentials of {user} (EWS_AUTH={auth})",
                    server.url().trim_end_matches("/Exchange.asmx")
                )),
                "{stderr}"
            );
            assert!(!stderr.contains("wrong-password"), "{stderr}");
            assert!(o.stdout.is_empty(), "{o:?}");
            assert!(!out.exists(), "a refused fetch created {}", out.display());
        }
        // No credentials at all: the error says which variables to set.
        let server = Server::start(Config {
            ntlm: false,
            wsdl: true,
            owa_header: false,
            soap_version: true,
        })
        .await;
        let env = server.env();
        let o = fetch(
            &[
                &server.url(),
                "--out",
                &out_dir("401-none").display().to_string(),
            ],
            &env_of(&env, &[]),
        )
        .await;
        assert_eq!(o.status.code(), Some(1), "{o:?}");
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(
            stderr
                .contains("no credentials were sent: set EWS_USER and EWS_PASSWORD (or EWS_TOKEN)")
                && stderr.contains("the server asks for: Basic realm="),
            "{stderr}"
        );
    }
}

#[tokio::test]
#[cfg_attr(
    not(feature = "fetch"),
    ignore = "needs the `fetch` feature: cargo test -p ews-codegen --features fetch (cargo test --workspace turns it on)"
)]
async fn bad_usage_and_an_untrusted_server_are_errors() {
    #[cfg(feature = "fetch")]
    {
        let o = fetch(&[], &[]).await;
        assert_eq!(o.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&o.stderr).contains("fetch needs the EWS URL"));
        let o = fetch(&["mail.contoso.test/EWS"], &[]).await;
        assert!(String::from_utf8_lossy(&o.stderr)
            .contains("`mail.contoso.test/EWS` is not an EWS URL such as https://mail.contoso.com/EWS/Exchange.asmx"));
        // Without EWS_CA_FILE the test CA is not trusted: a transport error naming the URL.
        let server = Server::start(Config {
            ntlm: false,
            wsdl: true,
            owa_header: false,
            soap_version: true,
        })
        .await;
        let resolve = format!("{HOST}=127.0.0.1:{}", server.port);
        let out = out_dir("untrusted");
        let o = fetch(
            &[&server.url(), "--out", &out.display().to_string()],
            &[
                ("EWS_RESOLVE", &resolve),
                ("EWS_USER", USER),
                ("EWS_PASSWORD", PASSWORD),
            ],
        )
        .await;
        assert_eq!(o.status.code(), Some(1), "{o:?}");
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(
            stderr.contains("/EWS/Services.wsdl: ")
                && stderr.to_lowercase().contains("certificate"),
            "{stderr}"
        );
        assert!(!out.exists());
    }
}
