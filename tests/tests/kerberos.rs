//! Negotiate with Kerberos against a real MIT Kerberos realm made at test time: a KDC
//! (Debian's `krb5-kdc`) on 127.0.0.1 with a free port, a database with `alice` and the
//! service `HTTP/mail.contoso.test` (its key in a keytab), and a `krb5.conf` naming the KDC
//! (`KRB5_CONFIG`). The EWS server is a loopback https server accepting SPNEGO tokens with
//! MIT's GSS-API and the keytab, requiring the channel bindings of its certificate
//! (Extended Protection) and answering with its mutual-authentication token.
//!
//! `set_im_group` runs as written, with `EWS_AUTH=negotiate`: from a password, and from a
//! `kinit` credential cache; a server bound to another certificate, or one that does not
//! prove itself, is refused; the acceptor itself refuses tokens without or with wrong
//! bindings; NTLM under Negotiate only when no Kerberos ticket can be had.
#![cfg(feature = "kerberos")]

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use base64::Engine as _;
use ews_test_support::gss::{self, Accepted};
use ews_test_support::ntlm;
use ews_test_support::server::{self, Reply, Request};
use ews_test_support::tls::Pki;

const REALM: &str = "CONTOSO.TEST";
const HOST: &str = "mail.contoso.test";
/// A host the KDC has no service for: Kerberos cannot be had there.
const OTHER_HOST: &str = "legacy.contoso.test";
const USER: &str = "alice@CONTOSO.TEST";
const PASSWORD: &str = "Kerb-Pa55word!";

/// The realm: its folder (configuration, database, keytab, caches) and the KDC, which
/// ends with the test process: a shell started with it waits for its stdin (a pipe this
/// process holds) to close, then kills the KDC by its id.
struct Realm {
    dir: PathBuf,
    /// The shell watching the KDC, and its stdin.
    _kdc_watch: Mutex<(Child, ChildStdin)>,
}

fn sbin(tool: &str) -> PathBuf {
    for dir in ["/usr/sbin", "/usr/bin", "/sbin", "/bin"] {
        let p = Path::new(dir).join(tool);
        if p.is_file() {
            return p;
        }
    }
    panic!("{tool} is missing: install krb5-kdc krb5-admin-server krb5-user (Debian)");
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// The realm's folder, while it is made.
struct Setup {
    dir: PathBuf,
}

impl Realm {
    fn env(&self, cmd: &mut Command) {
        Setup {
            dir: self.dir.clone(),
        }
        .env(cmd);
    }
}

impl Setup {
    fn env(&self, cmd: &mut Command) {
        cmd.env("KRB5_CONFIG", self.dir.join("krb5.conf"))
            .env("KRB5_KDC_PROFILE", self.dir.join("kdc.conf"))
            .env(
                "KRB5CCNAME",
                format!("FILE:{}", self.dir.join("none.ccache").display()),
            );
    }

    fn run(&self, tool: &str, args: &[&str]) {
        let mut cmd = Command::new(sbin(tool));
        cmd.args(args);
        self.env(&mut cmd);
        let out = cmd.output().unwrap_or_else(|e| panic!("{tool}: {e}"));
        assert!(
            out.status.success(),
            "{tool} {args:?}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

fn realm() -> &'static Realm {
    static REALM_: OnceLock<Realm> = OnceLock::new();
    REALM_.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("krb5-realm-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("realm folder");
        let port = free_port();
        let d = dir.display();
        std::fs::write(
            dir.join("krb5.conf"),
            format!(
                "[libdefaults]\n default_realm = {REALM}\n dns_lookup_kdc = false\n dns_lookup_realm = false\n rdns = false\n dns_canonicalize_hostname = false\n udp_preference_limit = 1\n\n[realms]\n {REALM} = {{\n  kdc = 127.0.0.1:{port}\n }}\n\n[domain_realm]\n .contoso.test = {REALM}\n contoso.test = {REALM}\n"
            ),
        )
        .expect("krb5.conf");
        std::fs::write(
            dir.join("kdc.conf"),
            format!(
                "[kdcdefaults]\n kdc_listen = 127.0.0.1:{port}\n kdc_tcp_listen = 127.0.0.1:{port}\n\n[realms]\n {REALM} = {{\n  database_name = {d}/principal\n  key_stash_file = {d}/stash\n  acl_file = {d}/kadm5.acl\n  kdc_listen = 127.0.0.1:{port}\n  kdc_tcp_listen = 127.0.0.1:{port}\n }}\n\n[logging]\n kdc = FILE:{d}/kdc.log\n"
            ),
        )
        .expect("kdc.conf");
        std::fs::write(dir.join("kadm5.acl"), "").expect("kadm5.acl");
        let setup = Setup { dir: dir.clone() };
        setup.run("kdb5_util", &["create", "-s", "-r", REALM, "-P", "master-Pa55"]);
        setup.run("kadmin.local", &["-r", REALM, "-q", &format!("addprinc -pw {PASSWORD} alice")]);
        let service = format!("HTTP/{HOST}");
        setup.run("kadmin.local", &["-r", REALM, "-q", &format!("addprinc -randkey {service}")]);
        let keytab = dir.join("http.keytab");
        setup.run(
            "kadmin.local",
            &["-r", REALM, "-q", &format!("ktadd -k {} {service}", keytab.display())],
        );
        let mut kdc = Command::new("sh");
        kdc.arg("-c")
            .arg("\"$0\" -n -r \"$1\" & kdc=$!; read -r _; kill $kdc")
            .arg(sbin("krb5kdc"))
            .arg(REALM)
            .stdin(Stdio::piped())
            .stdout(Stdio::null());
        setup.env(&mut kdc);
        let mut child: Child = kdc.spawn().expect("krb5kdc starts");
        let watch = child.stdin.take().expect("the KDC watch's stdin");
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "the KDC did not listen on 127.0.0.1:{port}: {}",
                std::fs::read_to_string(dir.join("kdc.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        // This process (the acceptor, and the initiators of the tests of the acceptor)
        // reads the same configuration; set once, before any Kerberos call.
        std::env::set_var("KRB5_CONFIG", dir.join("krb5.conf"));
        std::env::set_var("KRB5CCNAME", format!("FILE:{}", dir.join("none.ccache").display()));
        gss::use_keytab(&keytab);
        Realm {
            dir,
            _kdc_watch: Mutex::new((child, watch)),
        }
    })
}

fn success() -> String {
    r#"<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header><h:ServerVersionInfo MajorVersion="15" MinorVersion="1" MajorBuildNumber="2507" MinorBuildNumber="6" Version="V2017_07_11" xmlns:h="http://schemas.microsoft.com/exchange/services/2006/types"/></s:Header><s:Body><SetImGroupResponse ResponseClass="Success" xmlns="http://schemas.microsoft.com/exchange/services/2006/messages"><ResponseCode>NoError</ResponseCode></SetImGroupResponse></s:Body></s:Envelope>"#.to_string()
}

/// How the test server behaves.
#[derive(Clone)]
struct Behaviour {
    /// The channel bindings it requires (its certificate's, or another's).
    bindings: Vec<u8>,
    /// Sends its mutual-authentication token.
    prove: bool,
    /// Accepts NTLM under Negotiate too (with Extended Protection).
    ntlm: Option<ntlm::Protection>,
}

/// Who authenticated, as the server saw it: (scheme, user).
type Seen = Arc<Mutex<Vec<(String, String)>>>;

/// Every Negotiate token the servers received or sent (tickets, mutual-authentication
/// tokens): none may reach a log.
static TOKENS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Fails when `stderr` shows the password or any Negotiate token.
fn assert_no_secret(stderr: &str) {
    assert!(!stderr.contains(PASSWORD), "{stderr}");
    for t in TOKENS.lock().unwrap().iter() {
        assert!(
            !stderr.contains(&t[..t.len().min(40)]),
            "a token in the log: {stderr}"
        );
    }
}

#[derive(Default)]
struct Conn {
    user: Option<String>,
    ntlm: ntlm::Connection,
}

async fn ews_server(pki: &Pki, behaviour: Behaviour) -> (SocketAddr, Seen) {
    let seen: Seen = Arc::default();
    let log = seen.clone();
    let handler = move |r: &Request, conn: &mut Conn| -> Reply {
        let refuse = || Reply::new(401, "").header("WWW-Authenticate", "Negotiate");
        let ok = || Reply::new(200, success()).header("Content-Type", "text/xml; charset=utf-8");
        let Some(auth) = r.header("Authorization") else {
            return if conn.user.is_some() || conn.ntlm.user.is_some() {
                ok()
            } else {
                refuse()
            };
        };
        let Some(token) = auth.strip_prefix("Negotiate ") else {
            return refuse();
        };
        TOKENS.lock().unwrap().push(token.to_string());
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(token)
            .unwrap_or_default();
        if bytes.starts_with(b"NTLMSSP\0") {
            let Some(protection) = &behaviour.ntlm else {
                return refuse();
            };
            return match ntlm::gate_protected(
                Some(auth),
                &mut conn.ntlm,
                &["Negotiate"],
                PASSWORD,
                protection,
            ) {
                ntlm::Gate::Pass => {
                    let user = conn.ntlm.user.clone().unwrap_or_default();
                    log.lock().unwrap().push(("NTLM".into(), user));
                    ok()
                }
                ntlm::Gate::Refuse => refuse(),
                ntlm::Gate::Challenge(c) => Reply::new(401, "").header("WWW-Authenticate", c),
            };
        }
        match gss::accept(&bytes, Some(&behaviour.bindings)) {
            Accepted::Done {
                user,
                channel_bound: true,
                token,
            } => {
                log.lock().unwrap().push(("Kerberos".into(), user.clone()));
                conn.user = Some(user);
                let mut reply = ok();
                if let Some(t) = &token {
                    let t = base64::engine::general_purpose::STANDARD.encode(t);
                    TOKENS.lock().unwrap().push(t);
                }
                if let (true, Some(t)) = (behaviour.prove, token) {
                    reply = reply.header(
                        "WWW-Authenticate",
                        format!(
                            "Negotiate {}",
                            base64::engine::general_purpose::STANDARD.encode(t)
                        ),
                    );
                }
                reply
            }
            Accepted::Done { .. } => {
                log.lock()
                    .unwrap()
                    .push(("refused".into(), "not channel-bound".into()));
                refuse()
            }
            Accepted::Refused(why) => {
                log.lock().unwrap().push(("refused".into(), why));
                refuse()
            }
        }
    };
    let addr = server::start(pki.acceptor(), Arc::new(handler)).await;
    (addr, seen)
}

/// `set_im_group` as written against `host` at `addr`, with `env` besides the URL,
/// overrides, CA and Kerberos configuration.
async fn set_im_group(
    host: &str,
    addr: SocketAddr,
    pki: &Pki,
    env: &[(&str, String)],
) -> (Option<i32>, String, String) {
    let realm = realm();
    let ca = realm.dir.join(format!("ca-{}.pem", addr.port()));
    std::fs::write(&ca, &pki.ca_pem).expect("write the CA");
    let mut cmd = tokio::process::Command::new(ews_tests::example_path("set_im_group"));
    cmd.args(["AAMkAGQ1MjJjMTBkQoTbWAAAAAAQRAAA=", "Friends"])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("EWS_URL", format!("https://{host}/EWS/Exchange.asmx"))
        .env("EWS_RESOLVE", format!("{host}={addr}"))
        .env("EWS_CA_FILE", &ca)
        .env("EWS_VERSION", "Exchange2013")
        .env("EWS_AUTH", "negotiate")
        .env("RUST_LOG", "ewsgen=debug")
        .env("KRB5_CONFIG", realm.dir.join("krb5.conf"))
        .env(
            "KRB5CCNAME",
            format!("FILE:{}", realm.dir.join("none.ccache").display()),
        );
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = tokio::time::timeout(Duration::from_secs(60), cmd.output())
        .await
        .expect("the example finished")
        .expect("the example ran");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn password_env() -> Vec<(&'static str, String)> {
    vec![("EWS_USER", USER.into()), ("EWS_PASSWORD", PASSWORD.into())]
}

fn strict(pki: &Pki) -> Behaviour {
    Behaviour {
        bindings: pki.end_point_bindings(),
        prove: true,
        ntlm: None,
    }
}

#[tokio::test]
async fn set_im_group_with_kerberos_from_a_password() {
    realm();
    let pki = Pki::new(&[HOST]);
    let (addr, seen) = ews_server(&pki, strict(&pki)).await;
    // Everything logged, up to the request and response bodies.
    let mut env = password_env();
    env.push(("RUST_LOG", "trace".into()));
    let (code, stdout, stderr) = set_im_group(HOST, addr, &pki, &env).await;
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert_eq!(stdout, "NoError\n", "{stderr}");
    assert_eq!(
        *seen.lock().unwrap(),
        [("Kerberos".to_string(), USER.to_string())],
        "{stderr}"
    );
    assert!(stderr.contains("SetImGroup"), "traced: {stderr}");
    assert!(!stderr.contains("NTLM under Negotiate"), "{stderr}");
    assert_no_secret(&stderr);
}

#[tokio::test]
async fn set_im_group_with_kerberos_from_a_kinit_cache() {
    let realm = realm();
    let cache = format!("FILE:{}", realm.dir.join("alice.ccache").display());
    let mut kinit = Command::new(sbin("kinit"));
    realm.env(&mut kinit);
    let mut child = kinit
        .env("KRB5CCNAME", &cache)
        .arg(USER)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kinit runs");
    {
        use std::io::Write as _;
        let mut stdin = child.stdin.take().expect("kinit's stdin");
        writeln!(stdin, "{PASSWORD}").expect("password to kinit");
    }
    let out = child.wait_with_output().expect("kinit ends");
    assert!(
        out.status.success(),
        "kinit: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pki = Pki::new(&[HOST]);
    let (addr, seen) = ews_server(&pki, strict(&pki)).await;
    // No user, no password: the cache's principal.
    let (code, stdout, stderr) = set_im_group(HOST, addr, &pki, &[("KRB5CCNAME", cache)]).await;
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert_eq!(stdout, "NoError\n", "{stderr}");
    assert_eq!(
        *seen.lock().unwrap(),
        [("Kerberos".to_string(), USER.to_string())]
    );
    assert_no_secret(&stderr);
}

/// `Debug` of the builder and the client never shows the password.
#[test]
fn debug_never_shows_the_password() {
    let builder = ewsgen::client::ClientBuilder::default()
        .negotiate_auth(USER, PASSWORD)
        .endpoint(format!("https://{HOST}/EWS/Exchange.asmx"));
    let shown = format!("{builder:?}");
    let client = builder.build().expect("a client");
    let shown = format!("{shown} {client:?}");
    assert!(shown.contains(USER) && !shown.contains(PASSWORD), "{shown}");
}

#[tokio::test]
async fn without_a_password_or_a_cache_kerberos_is_a_clear_error() {
    realm();
    let pki = Pki::new(&[HOST]);
    let (addr, seen) = ews_server(&pki, strict(&pki)).await;
    let (code, _, stderr) = set_im_group(HOST, addr, &pki, &[]).await;
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("Kerberos cannot be had"), "{stderr}");
    assert!(stderr.contains("credential cache"), "{stderr}");
    assert!(seen.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_server_bound_to_another_certificate_refuses_the_ticket() {
    realm();
    let pki = Pki::new(&[HOST]);
    let other = Pki::new(&[HOST]);
    let (addr, seen) = ews_server(&pki, strict(&other)).await;
    let (code, _, stderr) = set_im_group(HOST, addr, &pki, &password_env()).await;
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("401"), "{stderr}");
    let seen = seen.lock().unwrap().clone();
    assert!(
        seen.len() == 1 && seen[0].0 == "refused" && seen[0].1.contains("wrong channel bindings"),
        "{seen:?}"
    );
    assert_no_secret(&stderr);
}

#[tokio::test]
async fn a_server_that_does_not_prove_itself_is_an_error() {
    realm();
    let pki = Pki::new(&[HOST]);
    let behaviour = Behaviour {
        prove: false,
        ..strict(&pki)
    };
    let (addr, _) = ews_server(&pki, behaviour).await;
    let (code, stdout, stderr) = set_im_group(HOST, addr, &pki, &password_env()).await;
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(stderr.contains("mutual authentication"), "{stderr}");
}

#[tokio::test]
async fn ntlm_under_negotiate_only_when_kerberos_cannot_be_had() {
    realm();
    // The KDC has no service for this host: no ticket, NTLM (channel-bound) instead.
    let pki = Pki::new(&[OTHER_HOST]);
    let behaviour = Behaviour {
        ntlm: Some(ntlm::Protection {
            bindings: Some(pki.end_point_bindings()),
            spn: Some(format!("HTTP/{OTHER_HOST}")),
        }),
        ..strict(&pki)
    };
    let (addr, seen) = ews_server(&pki, behaviour).await;
    let (code, stdout, stderr) = set_im_group(OTHER_HOST, addr, &pki, &password_env()).await;
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert_eq!(
        *seen.lock().unwrap(),
        [("NTLM".to_string(), USER.to_string())],
        "{stderr}"
    );
    assert!(stderr.contains("NTLM under Negotiate"), "{stderr}");
    assert_no_secret(&stderr);
}

/// The acceptor itself: a token without channel bindings, or with another certificate's,
/// is refused; the same client bound to the right certificate is accepted.
#[test]
fn the_acceptor_refuses_missing_or_wrong_bindings() {
    use ews_auth::binding::ChannelBindings;
    use ews_auth::gss::{Context, Credential};
    realm();
    let pki = Pki::new(&[HOST]);
    let other = Pki::new(&[HOST]);
    let right = ChannelBindings::from_certificate(&pki.server_der).expect("bindings");
    let wrong = ChannelBindings::from_certificate(&other.server_der).expect("bindings");
    let credential = Credential::with_password(USER, PASSWORD).expect("a TGT for alice");
    assert!(!format!("{credential:?}").contains(PASSWORD));
    for (what, bindings, accepted) in [
        ("no bindings", None, false),
        ("another certificate's", Some(&wrong), false),
        ("bound", Some(&right), true),
    ] {
        let mut context = Context::new(HOST, bindings).expect("context");
        let step = context.step(&credential, None).expect("first token");
        let token = step.token.expect("a token");
        let result = gss::accept(&token, Some(&pki.end_point_bindings()));
        let ok = matches!(
            result,
            Accepted::Done {
                channel_bound: true,
                ..
            }
        );
        assert_eq!(ok, accepted, "{what}: {result:?}");
        if let Accepted::Done {
            token: Some(last), ..
        } = result
        {
            let done = context
                .step(&credential, Some(&last))
                .expect("mutual token");
            assert!(done.complete, "{what}");
        }
    }
    // A wrong password is an error naming the principal, not the password.
    let e = Credential::with_password(USER, "not-the-password").expect_err("wrong password");
    assert!(e.contains(USER) && !e.contains("not-the-password"), "{e}");
}

/// A server offering NTLM alone (no Negotiate): no Kerberos there, NTLM with the password,
/// channel-bound, said in the DEBUG log.
#[tokio::test]
async fn a_server_offering_ntlm_alone_gets_ntlm() {
    realm();
    let pki = Pki::new(&[HOST]);
    let protection = ntlm::Protection {
        bindings: Some(pki.end_point_bindings()),
        spn: Some(format!("HTTP/{HOST}")),
    };
    let handler = move |r: &Request, conn: &mut ntlm::Connection| -> Reply {
        match ntlm::gate_protected(
            r.header("Authorization"),
            conn,
            &["NTLM"],
            PASSWORD,
            &protection,
        ) {
            ntlm::Gate::Pass => {
                Reply::new(200, success()).header("Content-Type", "text/xml; charset=utf-8")
            }
            ntlm::Gate::Refuse => Reply::new(401, "").header("WWW-Authenticate", "NTLM"),
            ntlm::Gate::Challenge(c) => Reply::new(401, "").header("WWW-Authenticate", c),
        }
    };
    let addr = server::start(pki.acceptor(), Arc::new(handler)).await;
    let (code, stdout, stderr) = set_im_group(HOST, addr, &pki, &password_env()).await;
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("does not offer Negotiate") && stderr.contains("NTLM under Negotiate"),
        "{stderr}"
    );
    assert_no_secret(&stderr);
}
