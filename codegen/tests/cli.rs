//! The `ews-codegen` command on the project's own schemas (`schemas/`): `diff` between two
//! schema sets, `list-operations`, and `generate --check`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn own_schemas() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../schemas")
}

fn run(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ews-codegen"))
        .args(args)
        .output()
        .expect("run ews-codegen")
}

/// A copy of `schemas/` in a fresh folder, with `edit` applied to `types.xsd`.
fn edited_copy(name: &str, edit: impl Fn(&str) -> String) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ews-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    for f in ["messages.xsd", "types.xsd"] {
        let text = std::fs::read_to_string(own_schemas().join(f)).expect("schema");
        let text = if f == "types.xsd" { edit(&text) } else { text };
        std::fs::write(dir.join(f), text).expect("copy");
    }
    dir
}

#[test]
fn diff_prints_what_changed_and_exits_0() {
    let to = edited_copy("diff", |t| {
        let at = t
            .find(r#"<xs:enumeration value="Exchange2013"/>"#)
            .expect("an ExchangeVersionType value");
        format!(
            "{}<xs:enumeration value=\"Exchange2099\"/>{}",
            &t[..at],
            &t[at..]
        )
    });
    let out = run(&[
        "diff".as_ref(),
        "--from".as_ref(),
        own_schemas().as_os_str(),
        "--to".as_ref(),
        to.as_os_str(),
    ]);
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("enum values added (1):\n"), "{text}");
    assert!(text.contains("Exchange2099"), "{text}");
    assert!(text.contains("operations removed (0):\n"), "{text}");
}

#[test]
fn list_operations_names_the_im_family() {
    let out = run(&[
        "list-operations".as_ref(),
        "--schema-dir".as_ref(),
        own_schemas().as_os_str(),
    ]);
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines,
        [
            "AddDistributionGroupToImList",
            "AddImContactToGroup",
            "AddImGroup",
            "AddNewImContactToGroup",
            "AddNewTelUriContactToGroup",
            "GetImItemList",
            "GetImItems",
            "RemoveContactFromImList",
            "RemoveDistributionGroupFromImList",
            "RemoveImContactFromGroup",
            "RemoveImGroup",
            "SetImGroup",
            "SetImListMigrationCompleted",
        ]
    );
}

#[test]
fn check_reports_an_out_of_date_file() {
    let dir = std::env::temp_dir().join(format!("ews-cli-{}-check", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let out_file = dir.join("bindings.rs");
    let generate = |check: bool| {
        let mut args: Vec<&std::ffi::OsStr> = vec![
            "generate".as_ref(),
            "--schema-dir".as_ref(),
            own_schemas().into_os_string().leak(),
            "--out".as_ref(),
            out_file.as_os_str(),
        ];
        if check {
            args.push("--check".as_ref());
        }
        run(&args)
    };
    assert!(!generate(true).status.success(), "no file yet");
    assert!(!out_file.exists(), "--check wrote the file");
    assert!(generate(false).status.success());
    assert!(generate(true).status.success(), "up to date");
    std::fs::write(&out_file, "// stale\n").expect("edit");
    assert!(!generate(true).status.success(), "stale file");
    assert_eq!(
        std::fs::read_to_string(Path::new(&out_file)).expect("read"),
        "// stale\n"
    );
}
