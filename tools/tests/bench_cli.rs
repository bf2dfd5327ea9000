//! `ews-bench` as a command: the input generator and the figures it prints, one
//! `name=value` per line (the binary is built against the default schema set).

use std::process::Command;

fn scratch(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("ews-bench-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("scratch dir");
    d
}

#[test]
fn find_item_input_is_deterministic() {
    let dir = scratch("gen");
    let (a, b) = (dir.join("a.xml"), dir.join("b.xml"));
    for f in [&a, &b] {
        let out = Command::new(env!("CARGO_BIN_EXE_ews-bench"))
            .args(["--find-item", "50"])
            .arg(f)
            .output()
            .expect("run ews-bench");
        assert!(out.status.success(), "{out:?}");
    }
    let text = std::fs::read_to_string(&a).expect("written");
    assert_eq!(text, std::fs::read_to_string(&b).expect("written"));
    assert_eq!(text.matches("<t:Message>").count(), 50);
    assert_eq!(text, ews_tools::find_item_response(50));
}

#[test]
fn create_item_input_is_deterministic() {
    let dir = scratch("create");
    let f = dir.join("c.xml");
    let out = Command::new(env!("CARGO_BIN_EXE_ews-bench"))
        .args(["--create-item", "20"])
        .arg(&f)
        .output()
        .expect("run ews-bench");
    assert!(out.status.success(), "{out:?}");
    let text = std::fs::read_to_string(&f).expect("written");
    assert_eq!(text, ews_tools::create_item_request(20));
    assert_eq!(text.matches("<t:Message>").count(), 20);
    assert_eq!(text.matches("<t:Mailbox>").count(), 80);
}

#[test]
fn prints_every_figure() {
    let dir = scratch("figures");
    let file = dir.join("set_im_group.xml");
    let body = "<m:SetImGroupResponse ResponseClass=\"Success\"><m:ResponseCode>NoError</m:ResponseCode></m:SetImGroupResponse>";
    std::fs::write(
        &file,
        format!(
            "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:m=\"http://schemas.microsoft.com/exchange/services/2006/messages\"><s:Body>{body}</s:Body></s:Envelope>"
        ),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_ews-bench"))
        .arg(&file)
        .output()
        .expect("run ews-bench");
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    let value = |name: &str| -> String {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{name}=")))
            .unwrap_or_else(|| panic!("no {name}= line in\n{text}"))
            .to_string()
    };
    for name in ["scan_mb_s", "decode_mb_s", "encode_mb_s", "xmlrs_scan_mb_s"] {
        let v: f64 = value(name)
            .parse()
            .unwrap_or_else(|_| panic!("{name} is not a number"));
        assert!(v.is_finite() && v > 0.0, "{name}={v}");
    }
    let heap: u64 = value("decoded_heap_bytes").parse().expect("an integer");
    assert!(heap > 0);
    assert!(["mimalloc", "system"].contains(&value("allocator").as_str()));

    // Unreadable input: an error, not figures.
    std::fs::write(&file, "<s:Envelope").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_ews-bench"))
        .arg(&file)
        .output()
        .expect("run ews-bench");
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
}
