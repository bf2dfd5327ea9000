//! `ews-roundtrip` as a command: its output lines, `--out`, and its behaviour on bad input.
//! The binary is built against the default schema set (`schemas/`, the IM family).

use std::path::{Path, PathBuf};
use std::process::Command;

use ews_tests::{shared_dir, xml_equivalent};

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

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("ews-roundtrip-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("scratch dir");
    d
}

#[test]
fn prints_a_line_per_file_and_a_total() {
    let Some(shared) = shared_dir() else { return };
    let samples = shared.join("ews-samples");
    let dir = scratch("lines");
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
    let good = samples.join("SetImGroup.request.1.xml");
    let error = samples.join("SetImGroup.error.1.xml");
    // Printed with `https://` as the SOAP namespace.
    let https = samples.join("AddDelegate.request.1.xml");
    let (stdout, code) = run(&[&good, &bad, &deep, &missing, &error, &https]);
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
    let Some(shared) = shared_dir() else { return };
    let samples = shared.join("ews-samples");
    let dir = scratch("out");
    let out = dir.join("written");
    let names = [
        "SetImGroup.request.1.xml",
        "SetImGroup.response.1.xml",
        "SetImGroup.error.1.xml",
    ];
    let files: Vec<PathBuf> = names.iter().map(|n| samples.join(n)).collect();
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
