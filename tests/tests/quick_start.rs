//! The README's quick start, built as a user builds it and run: its three blocks (`#
//! Cargo.toml`, `// build.rs`, `// src/main.rs`), taken verbatim, make a crate outside the
//! workspace whose dependencies on the published names are patched to this checkout's crates
//! (`[patch.crates-io]`, the only line added), built offline with the workspace's lock file,
//! with the office365 schemas in its `schemas/` folder. It lists a 250-item Inbox served by
//! a server on 127.0.0.1 (three pages of 100). The same crate with schemas lacking FindItem
//! (the project's IM schemas) fails to build, naming FindItem.
//!
//! The crate is built in `target/dependents` (shared with `build_workflow.rs`), in cargo's
//! default profile, as a user builds it.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The README's quick start: the fenced blocks of `## Quick start`, as (the file the first
/// line names, text).
fn quick_start_files() -> Vec<(String, String)> {
    let readme = std::fs::read_to_string(workspace().join("README.md")).expect("README.md");
    let section = readme
        .split("\n## Quick start\n")
        .nth(1)
        .expect("a `## Quick start` section")
        .split("\n## ")
        .next()
        .unwrap_or_default();
    let mut files = Vec::new();
    let mut lines = section.lines();
    while let Some(line) = lines.next() {
        let Some(lang) = line.strip_prefix("```") else {
            continue;
        };
        let mut text = String::new();
        for l in lines.by_ref() {
            if l == "```" {
                break;
            }
            text.push_str(l);
            text.push('\n');
        }
        let first = text.lines().next().unwrap_or_default();
        let name = match (lang, first) {
            ("toml", "# Cargo.toml") => "Cargo.toml",
            ("rust", "// build.rs") => "build.rs",
            ("rust", "// src/main.rs") => "src/main.rs",
            _ => "(a block naming no file)",
        };
        files.push((name.to_string(), text));
    }
    files
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace")
        .to_path_buf()
}

#[test]
fn the_quick_start_has_three_files() {
    let names: Vec<String> = quick_start_files().into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["Cargo.toml", "build.rs", "src/main.rs"]);
    let files = quick_start_files();
    let manifest = &files[0].1;
    for needed in [
        r#"ewsgen = { version = "0.1", features = ["client"] }"#,
        "[build-dependencies]\news-codegen = ",
    ] {
        assert!(
            manifest.contains(needed),
            "the quick start's Cargo.toml lacks {needed}:\n{manifest}"
        );
    }
}

#[cfg(ews_shared)]
mod built {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};

    use ews_tests::office365::messages::FindItemView;
    use ews_tests::office365::{GlobalElement, NAMESPACES};
    use ewsgen::soap::Envelope;
    use tokio::io::AsyncWriteExt as _;

    use super::*;

    const USER: &str = "alice@contoso.com";
    const PASSWORD: &str = "quick-St4rt";
    const INBOX: usize = 250;

    /// The (offset, page size) of each page asked for.
    type Asked = Arc<Mutex<Vec<(i32, Option<i32>)>>>;

    /// The quick start's crate in a scratch folder outside the workspace, with `schemas`
    /// copied into its `schemas/`.
    fn make_crate(dir: &Path, schemas: &Path) {
        let _ = std::fs::remove_dir_all(dir);
        std::fs::create_dir_all(dir.join("src")).expect("mkdir");
        for (name, text) in quick_start_files() {
            let text = if name == "Cargo.toml" {
                let root = workspace();
                format!(
                    "{text}\n# This checkout's crates stand for the published ones.\n[patch.crates-io]\n\
                     ewsgen = {{ path = {:?} }}\news-codegen = {{ path = {:?} }}\news-auth = {{ path = {:?} }}\n",
                    root.join("generated"),
                    root.join("codegen"),
                    root.join("auth"),
                )
            } else {
                text
            };
            std::fs::write(dir.join(&name), text).expect("write");
        }
        std::fs::copy(workspace().join("Cargo.lock"), dir.join("Cargo.lock")).expect("lock");
        set_schemas(dir, schemas);
    }

    fn set_schemas(dir: &Path, schemas: &Path) {
        let _ = std::fs::remove_dir_all(dir.join("schemas"));
        std::fs::create_dir_all(dir.join("schemas")).expect("mkdir");
        for f in ["messages.xsd", "types.xsd", "services.wsdl"] {
            if schemas.join(f).is_file() {
                std::fs::copy(schemas.join(f), dir.join("schemas").join(f)).expect("copy");
            }
        }
    }

    /// `cargo build` of the crate, offline.
    fn cargo_build(dir: &Path) -> std::process::Output {
        let mut cmd = Command::new(env!("CARGO"));
        cmd.args(["build", "--offline", "--message-format=short"])
            .current_dir(dir)
            .env("CARGO_TARGET_DIR", workspace().join("target/dependents"));
        for v in [
            "EWS_SCHEMA_DIR",
            "EWS_OPERATIONS",
            "EWS_OPTIONAL_ELEMENTS",
            "RUSTFLAGS",
        ] {
            cmd.env_remove(v);
        }
        cmd.output().expect("run cargo")
    }

    /// A FindItem response: the page the request's view asks for, of an Inbox of 250.
    fn find_item_answer(body: &str) -> (String, (i32, Option<i32>)) {
        let env = Envelope::<GlobalElement>::from_str(body, NAMESPACES)
            .unwrap_or_else(|e| panic!("the request does not read: {e}\n{body}"));
        let Some(GlobalElement::FindItem(req)) = env.body.into_iter().next() else {
            panic!("not a FindItem: {body}")
        };
        assert!(
            body.contains("<t:FieldURI FieldURI=\"item:Subject\"/>"),
            "{body}"
        );
        let Some(FindItemView::IndexedPageItemView(view)) = req.view.as_ref() else {
            panic!("no indexed page view: {body}")
        };
        let offset = view.offset as usize;
        let max = view.max_entries_returned.unwrap_or(1000) as usize;
        let end = (offset + max).min(INBOX);
        let items: String = (offset..end)
            .map(|i| {
                format!(
                    r#"<t:Message><t:ItemId Id="AAMkAGQ{i:04}=" ChangeKey="CQAAAB{i}"/><t:Subject>Subject {i} &amp; more</t:Subject></t:Message>"#
                )
            })
            .collect();
        let xml = format!(
            r#"<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header><h:ServerVersionInfo MajorVersion="15" MinorVersion="1" MajorBuildNumber="2507" MinorBuildNumber="6" Version="V2017_07_11" xmlns:h="http://schemas.microsoft.com/exchange/services/2006/types"/></s:Header><s:Body><m:FindItemResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"><m:ResponseMessages><m:FindItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:RootFolder IndexedPagingOffset="{end}" TotalItemsInView="{INBOX}" IncludesLastItemInRange="{}"><t:Items>{items}</t:Items></m:RootFolder></m:FindItemResponseMessage></m:ResponseMessages></m:FindItemResponse></s:Body></s:Envelope>"#,
            end == INBOX
        );
        (xml, (view.offset, view.max_entries_returned))
    }

    /// An EWS server on 127.0.0.1 holding the Inbox; Basic authentication.
    async fn server(asked: Asked, refused: Arc<AtomicUsize>) -> u16 {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1");
        let port = listener.local_addr().expect("address").port();
        let basic = {
            use base64::Engine as _;
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{USER}:{PASSWORD}"))
            )
        };
        tokio::spawn(async move {
            while let Ok((mut sock, _)) = listener.accept().await {
                let (asked, refused, basic) = (asked.clone(), refused.clone(), basic.clone());
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    while let Ok(Some(req)) =
                        ews_test_support::http::read_request(&mut sock, &mut buf).await
                    {
                        let auth = req
                            .headers
                            .iter()
                            .find(|(k, _)| k.eq_ignore_ascii_case("Authorization"))
                            .map(|(_, v)| v.clone());
                        let (status, body) = if auth.as_deref() != Some(basic.as_str()) {
                            refused.fetch_add(1, Ordering::SeqCst);
                            (401, String::new())
                        } else if req.path != "/EWS/Exchange.asmx" || req.method != "POST" {
                            (404, String::new())
                        } else {
                            let (xml, page) = find_item_answer(&String::from_utf8_lossy(&req.body));
                            asked.lock().unwrap().push(page);
                            (200, xml)
                        };
                        let head = format!(
                            "HTTP/1.1 {status} Status\r\nContent-Type: text/xml; charset=utf-8\r\nWWW-Authenticate: Basic realm=\"contoso\"\r\nContent-Length: {}\r\n\r\n",
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
        port
    }

    pub(super) async fn run() {
        let dir = std::env::temp_dir().join(format!("ews-quick-start-{}", std::process::id()));
        let official = ews_tests::shared_dir().join("ews-schemas/office365");
        make_crate(&dir, &official);
        let out = cargo_build(&dir);
        assert!(
            out.status.success(),
            "the quick start does not build:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        let warnings: Vec<&str> = stderr.lines().filter(|l| l.contains("warning")).collect();
        assert!(
            warnings.is_empty(),
            "the quick start builds with warnings:\n{stderr}"
        );
        assert!(
            !stderr.contains("Adding "),
            "the quick start needs packages the workspace's lock file lacks:\n{stderr}"
        );
        let exe = workspace().join(format!(
            "target/dependents/debug/inbox{}",
            std::env::consts::EXE_SUFFIX
        ));

        let asked = Arc::new(Mutex::new(Vec::new()));
        let refused = Arc::new(AtomicUsize::new(0));
        let port = server(asked.clone(), refused.clone()).await;
        let url = format!("http://127.0.0.1:{port}/EWS/Exchange.asmx");
        let run = tokio::process::Command::new(&exe)
            .env("EWS_URL", &url)
            .env("EWS_USER", USER)
            .env("EWS_PASSWORD", PASSWORD)
            .env_remove("EWS_AUTH")
            .env_remove("EWS_TOKEN")
            .output();
        let o = tokio::time::timeout(std::time::Duration::from_secs(60), run)
            .await
            .expect("the quick start finished")
            .expect("the quick start runs");
        assert_eq!(o.status.code(), Some(0), "{o:?}");
        let expected: String = (0..INBOX)
            .map(|i| format!("AAMkAGQ{i:04}=\tSubject {i} & more\n"))
            .chain(std::iter::once(format!("{INBOX} items in 3 pages\n")))
            .collect();
        assert_eq!(String::from_utf8_lossy(&o.stdout), expected);
        assert_eq!(
            *asked.lock().unwrap(),
            [(0, Some(100)), (100, Some(100)), (200, Some(100))],
            "the pages asked for"
        );
        assert_eq!(
            refused.load(Ordering::SeqCst),
            0,
            "a request without the credentials"
        );

        // A missing variable: an error naming it, exit 1.
        let o = Command::new(&exe)
            .env_remove("EWS_URL")
            .output()
            .expect("the quick start runs");
        assert_eq!(o.status.code(), Some(1));
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("EWS_URL is not set"),
            "{o:?}"
        );

        // The same crate from schemas without FindItem: the build fails, naming it.
        set_schemas(&dir, &workspace().join("schemas"));
        let out = cargo_build(&dir);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "a build without FindItem succeeded");
        assert!(
            stderr.contains(
                "the schemas in schemas have no operation `FindItem` (the nearest they have: "
            ) && stderr.contains("ews-codegen list-operations --schema-dir schemas")
                && !stderr.contains("panicked"),
            "{stderr}"
        );
        // And without any schema: how to download them.
        std::fs::remove_dir_all(dir.join("schemas")).expect("rm schemas");
        let out = cargo_build(&dir);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success());
        assert!(
            stderr.contains("no messages.xsd in the schema folder schemas: download your Exchange server's schemas into it with `ews-codegen fetch https://<your server>/EWS/Exchange.asmx --out schemas`"),
            "{stderr}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[tokio::test]
#[cfg_attr(
    not(ews_shared),
    ignore = "needs ../shared (or EWS_SHARED_DIR): the office365 schemas the quick start's crate is built from"
)]
async fn the_quick_start_builds_and_lists_a_250_item_inbox() {
    #[cfg(ews_shared)]
    built::run().await;
    #[cfg(not(ews_shared))]
    panic!("built without ../shared (EWS_SHARED_DIR): nothing to run");
}
