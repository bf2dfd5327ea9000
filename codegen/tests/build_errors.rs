//! What a build script hears when its schemas do not fit: an operation they lack is named,
//! with the schema folder and the nearest operations they have (by edit distance); a folder
//! without `messages.xsd` says how to download the schemas. From the library (whose `Debug`
//! form is the message, for `fn main() -> Result<(), ews_codegen::Error>` and `unwrap`) and
//! from the command.

use std::path::{Path, PathBuf};
use std::process::Command;

use ews_codegen::{Builder, Error};

fn own_schemas() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas")
}

#[test]
fn an_operation_the_schemas_lack_is_named_with_the_folder_and_the_nearest_names() {
    let dir = own_schemas();
    let err = Builder::new()
        .schema_dir(&dir)
        .operations(["SetImGroup", "FindItem", "GetImItemLists"])
        .generate()
        .expect_err("FindItem is not an IM operation");
    let text = err.to_string();
    assert_eq!(format!("{err:?}"), text, "Debug is the message");
    let Error::UnknownOperations {
        schemas,
        unknown,
        declared,
    } = &err
    else {
        panic!("{text}")
    };
    assert_eq!(schemas, &dir);
    assert_eq!(*declared, 13);
    assert_eq!(
        unknown,
        &[
            (
                "FindItem".to_string(),
                vec![
                    "GetImItems".into(),
                    "AddImGroup".into(),
                    "GetImItemList".into()
                ]
            ),
            (
                "GetImItemLists".to_string(),
                vec![
                    "GetImItemList".into(),
                    "GetImItems".into(),
                    "SetImGroup".into()
                ]
            ),
        ]
    );
    assert!(
        text.starts_with(&format!(
            "the schemas in {} have no operation `FindItem` (the nearest they have: GetImItems, AddImGroup, GetImItemList) nor `GetImItemLists` (the nearest they have: GetImItemList, GetImItems, SetImGroup); they declare 13 operations (`ews-codegen list-operations --schema-dir {0}` lists them).",
            dir.display()
        )) && text.contains("ews-codegen fetch https://<your server>/EWS/Exchange.asmx"),
        "{text}"
    );

    let out = Command::new(env!("CARGO_BIN_EXE_ews-codegen"))
        .args(["generate", "--operations", "FindItem", "--schema-dir"])
        .arg(&dir)
        .arg("--out")
        .arg(std::env::temp_dir().join("ews-build-errors-unused.rs"))
        .output()
        .expect("run ews-codegen");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("have no operation `FindItem` (the nearest they have: GetImItems, "),
        "{stderr}"
    );
}

#[test]
fn a_folder_without_messages_xsd_says_how_to_download_the_schemas() {
    let dir = std::env::temp_dir().join(format!("ews-no-schemas-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("mkdir");
    let err = Builder::new()
        .schema_dir(&dir)
        .generate()
        .expect_err("no schemas");
    assert!(
        matches!(&err, Error::NoSchemas { dir: d } if *d == dir),
        "{err}"
    );
    assert_eq!(
        err.to_string(),
        format!(
            "no messages.xsd in the schema folder {0}: download your Exchange server's schemas into it with `ews-codegen fetch https://<your server>/EWS/Exchange.asmx --out {0}` (`cargo install ews-codegen --features fetch` installs the command), or save messages.xsd, types.xsd and Services.wsdl from https://<your server>/EWS/ there",
            dir.display()
        )
    );
    let out = Command::new(env!("CARGO_BIN_EXE_ews-codegen"))
        .args(["list-operations", "--schema-dir"])
        .arg(&dir)
        .output()
        .expect("run ews-codegen");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("ews-codegen fetch"));
    let _ = std::fs::remove_dir_all(&dir);
}
