//! The runtime's guide (`generated/guide.md`): every example compiles against the office365
//! bindings (the tests crate's build script makes a module of each), is linked from the
//! generated docs of its operation, and runs against a loopback server that answers with
//! the operation's documented response (`../shared/ews-samples/<Op>.response.1.xml`), or,
//! for the operations the samples lack, with a response holding one successful message.
//! The request each example sends is read back with the office365 bindings and validated
//! against the official schema by libxml2.

#[cfg(ews_shared)]
mod run {
    use std::time::Duration;

    use ews_test_support::http::read_request;
    use ews_tests::office365::{GlobalElement, NAMESPACES};
    use ews_tests::{shared_dir, validating_schema_dir, xmllint_validate_many};
    use ewsgen::client::Client;
    use ewsgen::soap::Envelope;
    use tokio::io::AsyncWriteExt as _;
    use tokio::net::TcpListener;

    /// The documented response of an operation, or one successful message.
    fn response_for(op: &str) -> String {
        let sample = shared_dir().join(format!("ews-samples/{op}.response.1.xml"));
        if let Ok(xml) = std::fs::read_to_string(&sample) {
            // Some samples were printed with `https://` as the SOAP namespace.
            return xml.replace(
                "https://schemas.xmlsoap.org/soap/envelope/",
                "http://schemas.xmlsoap.org/soap/envelope/",
            );
        }
        // The message's required payload, empty.
        let payload = match op {
            "GetAttachment" => "<m:Attachments/>",
            _ => "<m:Items/>",
        };
        format!(
            r#"<?xml version="1.0" encoding="utf-8"?>
<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">
  <s:Body>
    <m:{op}Response xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">
      <m:ResponseMessages>
        <m:{op}ResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>{payload}</m:{op}ResponseMessage>
      </m:ResponseMessages>
    </m:{op}Response>
  </s:Body>
</s:Envelope>"#
        )
    }

    /// Runs one example against a server answering `answer`; returns the request's body.
    async fn run_example(name: &str, answer: String) -> Result<String, String> {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("address");
        let server = tokio::spawn(async move {
            let (mut sock, _) = listener.accept().await.expect("accept");
            let mut buf = Vec::new();
            let req = read_request(&mut sock, &mut buf)
                .await
                .expect("read")
                .expect("a request");
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=utf-8\r\nContent-Length: {}\r\n\r\n",
                answer.len()
            );
            sock.write_all(head.as_bytes()).await.expect("write");
            sock.write_all(answer.as_bytes()).await.expect("write");
            String::from_utf8(req.body).expect("UTF-8 request")
        });
        let client = Client::builder(format!("http://{addr}/EWS/Exchange.asmx"))
            .timeout(Duration::from_secs(20))
            .build()
            .map_err(|e| e.to_string())?;
        ews_tests::guide::run(name, &client)
            .await
            .map_err(|e| format!("{name}: {e}"))?;
        server.await.map_err(|e| e.to_string())
    }

    pub(super) async fn examples_run_against_documented_responses() {
        let docs = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated/guide.md"),
        )
        .expect("guide.md");
        let mut failures = Vec::new();
        let mut requests = Vec::new();
        for (name, op) in ews_tests::guide::EXAMPLES {
            let op = op.to_string();
            // Each example sits under its operation's heading, which the generated docs link
            // to: the operation's own examples are named after it.
            if !name.starts_with(
                &op.chars()
                    .flat_map(|c| {
                        if c.is_ascii_uppercase() {
                            vec!['_', c.to_ascii_lowercase()]
                        } else {
                            vec![c]
                        }
                    })
                    .collect::<String>()
                    .trim_start_matches('_')
                    .to_string(),
            ) {
                failures.push(format!("{name}: under `## {op}` in guide.md"));
            }
            if !docs.contains(&format!("\n## {op}\n")) {
                failures.push(format!("{name}: no section `## {op}` in guide.md"));
            }
            match run_example(name, response_for(&op)).await {
                Ok(body) => requests.push((name, op, body)),
                Err(e) => failures.push(e),
            }
        }
        // The ten operations of the issue each have one.
        for op in [
            "FindItem",
            "GetItem",
            "CreateItem",
            "UpdateItem",
            "DeleteItem",
            "FindFolder",
            "GetFolder",
            "SyncFolderItems",
            "GetAttachment",
            "ResolveNames",
        ] {
            if !requests.iter().any(|(_, o, _)| *o == op)
                && !failures.iter().any(|f| f.contains(op))
            {
                failures.push(format!("{op}: no example in the guide"));
            }
        }
        // Each request reads back with the bindings, as its operation, and validates.
        let mut parts = Vec::new();
        for (name, op, body) in &requests {
            match Envelope::<GlobalElement>::from_str(body, NAMESPACES) {
                Ok(env) => match env.body.first() {
                    Some(b) if b.tag() == format!("m:{op}") => {
                        parts.push((name, b.to_document().expect("write")));
                    }
                    Some(b) => failures.push(format!("{name}: sent {}", b.tag())),
                    None => failures.push(format!("{name}: an empty body")),
                },
                Err(e) => failures.push(format!("{name}: the request does not read back: {e}")),
            }
        }
        #[cfg(ews_xmllint)]
        {
            let schema = validating_schema_dir(&shared_dir(), "office365").join("messages.xsd");
            let docs: Vec<String> = parts.iter().map(|(_, d)| d.clone()).collect();
            for ((name, doc), r) in parts.iter().zip(xmllint_validate_many(&schema, &docs)) {
                if let Err(e) = r {
                    failures.push(format!("{name}: libxml2 refuses the request: {e}\n{doc}"));
                }
            }
        }
        #[cfg(not(ews_xmllint))]
        let _ = (validating_schema_dir, xmllint_validate_many, &parts);
        assert!(
            failures.is_empty(),
            "{} failure(s):\n{}",
            failures.len(),
            failures.join("\n")
        );
        assert_eq!(requests.len(), ews_tests::guide::EXAMPLES.len());
    }
}

#[tokio::test]
#[cfg_attr(
    not(all(ews_shared, ews_xmllint)),
    ignore = "needs ../shared (or EWS_SHARED_DIR) and xmllint (libxml2-utils)"
)]
async fn guide_examples_run_against_documented_responses() {
    #[cfg(ews_shared)]
    run::examples_run_against_documented_responses().await;
    #[cfg(not(ews_shared))]
    panic!("built without ../shared (EWS_SHARED_DIR): nothing to run");
}

/// The generator's list of operations with a reference page is the documentation's
/// (`../shared/ews-docs/operations.tsv`), address for address, and the office365 bindings
/// link each of them from the request type, the response type and the `Operation` impl.
#[test]
#[cfg_attr(not(ews_shared), ignore = "needs ../shared (or EWS_SHARED_DIR)")]
fn operations_link_their_reference_pages() {
    #[cfg(ews_shared)]
    {
        let shared = ews_tests::shared_dir();
        let tsv = std::fs::read_to_string(shared.join("ews-docs/operations.tsv"))
            .expect("operations.tsv");
        let listed: Vec<(String, String)> = tsv
            .lines()
            .skip(1)
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                let (op, url) = l.split_once('\t').expect("two columns");
                (op.to_string(), url.trim().to_string())
            })
            .collect();
        let mut failures = Vec::new();
        for (op, url) in &listed {
            match ews_codegen::ews::reference_page(op) {
                Some(u) if &u == url => {}
                other => failures.push(format!(
                    "{op}: the generator says {other:?}, the docs {url}"
                )),
            }
        }
        for op in ews_codegen::ews::REFERENCE_PAGES {
            if !listed.iter().any(|(o, _)| o == op) {
                failures.push(format!("{op}: not in operations.tsv"));
            }
        }
        let code = ews_codegen::Builder::new()
            .schema_dir(shared.join("ews-schemas/office365"))
            .generate()
            .expect("office365")
            .code;
        for (op, url) in &listed {
            // The request type's docs, the response type's and the impl's.
            let n = code.matches(&format!("[`{op}` operation]({url})")).count();
            if n < 3 {
                failures.push(format!("{op}: linked {n} times in the office365 bindings"));
            }
        }
        assert!(listed.len() >= 96, "{} operations listed", listed.len());
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
    #[cfg(not(ews_shared))]
    panic!("built without ../shared (EWS_SHARED_DIR): nothing to run");
}
