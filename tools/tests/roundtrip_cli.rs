//! `ews-roundtrip` as a command: its output lines, `--out`, and its behaviour on bad input.
//! The binary is built against the default schema set (`schemas/`, the IM family).

use std::path::{Path, PathBuf};
use std::process::Command;

use ews_tests::xml_equivalent;

fn run(args: &[&Path]) -> (String, i32) {
    let out = Command::new(env!("CARGO_BIN_EXE_ews-roundtrip"))
        .args(args)
        .output()
        .expect("run ews-roundtrip");
    assert!(
        out.stderr.is_empty() || out.status.code() == Some(2),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        String::from_utf8(out.stdout).expect("UTF-8 output"),
        out.status.code().unwrap_or(-1),
    )
}

/// SetImGroup documents written for these tests (request, success, error), in the shape
/// Exchange sends them.
const SOAP: &str = "http://schemas.xmlsoap.org/soap/envelope/";
const DOCS: [(&str, &str); 3] = [
    (
        "SetImGroup.request.xml",
        r#"<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope xmlns:soap="SOAP" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types" xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages">
  <soap:Header>
    <t:RequestServerVersion Version="Exchange2013"/>
    <t:MailboxCulture>en-US</t:MailboxCulture>
  </soap:Header>
  <soap:Body>
    <m:SetImGroup>
      <m:GroupId Id="AAMkAGQ1" ChangeKey="EgAAAA=="/>
      <m:NewDisplayName>Friends</m:NewDisplayName>
    </m:SetImGroup>
  </soap:Body>
</soap:Envelope>"#,
    ),
    (
        "SetImGroup.response.xml",
        r#"<s:Envelope xmlns:s="SOAP">
  <s:Header>
    <h:ServerVersionInfo MajorVersion="15" MinorVersion="0" MajorBuildNumber="800" MinorBuildNumber="5" Version="V2_6" xmlns:h="http://schemas.microsoft.com/exchange/services/2006/types" xmlns="http://schemas.microsoft.com/exchange/services/2006/types"/>
  </s:Header>
  <s:Body>
    <SetImGroupResponse ResponseClass="Success" xmlns="http://schemas.microsoft.com/exchange/services/2006/messages">
      <ResponseCode>NoError</ResponseCode>
    </SetImGroupResponse>
  </s:Body>
</s:Envelope>"#,
    ),
    (
        "SetImGroup.error.xml",
        r#"<s:Envelope xmlns:s="SOAP">
  <s:Body>
    <SetImGroupResponse ResponseClass="Error" xmlns="http://schemas.microsoft.com/exchange/services/2006/messages">
      <MessageText>An IM group with the specified display name already exists.</MessageText>
      <ResponseCode>ErrorImGroupDisplayNameAlreadyExists</ResponseCode>
      <DescriptiveLinkKey>0</DescriptiveLinkKey>
    </SetImGroupResponse>
  </s:Body>
</s:Envelope>"#,
    ),
];

/// Writes the test documents into `dir`; their paths, in order.
fn write_docs(dir: &Path) -> Vec<PathBuf> {
    DOCS.iter()
        .map(|(name, text)| {
            let p = dir.join(name);
            std::fs::write(&p, text.replace("\"SOAP\"", &format!("\"{SOAP}\""))).expect("write");
            p
        })
        .collect()
}

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("ews-roundtrip-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("scratch dir");
    d
}

#[test]
fn prints_a_line_per_file_and_a_total() {
    let dir = scratch("lines");
    let docs = write_docs(&dir);
    let bad = dir.join("broken.xml");
    std::fs::write(&bad, "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\">\n  <soap:Body>\n    <x>").unwrap();
    let deep = dir.join("deep.xml");
    // Hostile nesting inside a fault's detail (kept as raw XML): refused at the depth limit.
    std::fs::write(
        &deep,
        format!(
            "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><s:Fault><faultcode>s:Server</faultcode><faultstring>x</faultstring><detail>{}",
            "<a>".repeat(100_000)
        ),
    )
    .unwrap();
    let missing = dir.join("missing.xml");
    let (good, error) = (&docs[0], &docs[2]);
    // `https://` as the SOAP namespace, as some documentation samples print it.
    let https = dir.join("https.xml");
    std::fs::write(
        &https,
        std::fs::read_to_string(good)
            .unwrap()
            .replace("http://schemas.xmlsoap", "https://schemas.xmlsoap"),
    )
    .unwrap();
    let (stdout, code) = run(&[good, &bad, &deep, &missing, error, &https]);
    assert_eq!(code, 0, "{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 7, "{stdout}");
    assert_eq!(lines[0], format!("{}\tok", good.display()));
    let fields = |l: &str| l.split('\t').map(String::from).collect::<Vec<_>>();
    let b = fields(lines[1]);
    assert_eq!(
        b[..2],
        [bad.display().to_string(), "error".into()],
        "{stdout}"
    );
    assert!(b[2].contains("line 3"), "{stdout}");
    let d = fields(lines[2]);
    assert_eq!(d[1], "error");
    assert!(d[2].contains("deep"), "{stdout}");
    let m = fields(lines[3]);
    assert_eq!(m[1], "error");
    assert!(m[2].contains("cannot read"), "{stdout}");
    assert_eq!(lines[4], format!("{}\tok", error.display()));
    let h = fields(lines[5]);
    assert_eq!(h[1], "error");
    assert!(
        h[2].contains("https://schemas.xmlsoap.org/soap/envelope/"),
        "{stdout}"
    );
    assert_eq!(lines[6], "2 passed, 4 failed");
}

#[test]
fn out_writes_each_envelope_back() {
    let dir = scratch("out");
    let out = dir.join("written");
    let files = write_docs(&dir);
    let names: Vec<&str> = DOCS.iter().map(|(n, _)| *n).collect();
    let mut args: Vec<&Path> = vec![Path::new("--out"), &out];
    args.extend(files.iter().map(PathBuf::as_path));
    let (stdout, code) = run(&args);
    assert_eq!(code, 0);
    assert_eq!(
        stdout.lines().last(),
        Some("3 passed, 0 failed"),
        "{stdout}"
    );
    for (n, f) in names.iter().zip(&files) {
        let original = std::fs::read_to_string(f).unwrap();
        let written = std::fs::read_to_string(out.join(n)).expect("written file");
        xml_equivalent(&original, &written).unwrap_or_else(|d| panic!("{n}: {d}"));
    }
}

#[test]
fn usage_errors_exit_2() {
    let out = Command::new(env!("CARGO_BIN_EXE_ews-roundtrip"))
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("usage"));
}
