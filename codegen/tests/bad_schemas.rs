//! Broken schemas get an error naming the file, line and column, from the library and from
//! the command (which exits non-zero), never a panic. And what a build script hears when its
//! schemas do not fit: an operation they lack is named, with the schema folder and the
//! nearest operations they have (by edit distance); a folder without `messages.xsd` says how
//! to download the schemas. The library's errors `Debug` as their message (for
//! `fn main() -> Result<(), ews_codegen::Error>` and `unwrap` in a build script).

use std::path::{Path, PathBuf};
use std::process::Command;

const HEAD: &str = r#"<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:tns="urn:bad" targetNamespace="urn:bad" elementFormDefault="qualified">"#;

fn scratch(case: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ews-bad-schema-{}-{case}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    for (name, text) in files {
        std::fs::write(dir.join(name), text).expect("write schema");
    }
    dir
}

/// The error of the library and of the CLI for `messages.xsd` in `dir`: both must name
/// `file:line:column` and say `what`.
fn check(dir: &Path, file: &str, line: u64, what: &str) {
    let err = ews_codegen::Builder::new()
        .schema_dir(dir)
        .generate()
        .expect_err("a broken schema")
        .to_string();
    let at = format!("{file}:{line}:");
    assert!(err.contains(&at), "`{at}` not in: {err}");
    assert!(err.contains(what), "`{what}` not in: {err}");

    let out = Command::new(env!("CARGO_BIN_EXE_ews-codegen"))
        .args(["generate", "--schema-dir"])
        .arg(dir)
        .arg("--out")
        .arg(dir.join("out.rs"))
        .output()
        .expect("run ews-codegen");
    assert!(
        !out.status.success(),
        "the command succeeded on a broken schema"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&at) && stderr.contains(what), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        !dir.join("out.rs").exists(),
        "output written for a broken schema"
    );
}

#[test]
fn malformed_xml() {
    let dir = scratch(
        "malformed",
        &[(
            "messages.xsd",
            &format!("{HEAD}\n  <xs:element name=\"A\" type=\"xs:string\">\n</xs:schema>\n"),
        )],
    );
    check(&dir, "messages.xsd", 3, "malformed XML");
}

#[test]
fn dangling_type_reference() {
    let dir = scratch(
        "dangling-type",
        &[(
            "messages.xsd",
            &format!("{HEAD}\n  <xs:element name=\"A\" type=\"tns:Missing\"/>\n</xs:schema>\n"),
        )],
    );
    check(&dir, "messages.xsd", 2, "undeclared type");
}

#[test]
fn dangling_element_reference() {
    let dir = scratch(
        "dangling-element",
        &[(
            "messages.xsd",
            &format!("{HEAD}\n  <xs:complexType name=\"T\">\n    <xs:sequence>\n      <xs:element ref=\"tns:Nowhere\"/>\n    </xs:sequence>\n  </xs:complexType>\n  <xs:element name=\"A\" type=\"tns:T\"/>\n</xs:schema>\n"),
        )],
    );
    check(&dir, "messages.xsd", 4, "undeclared element");
}

#[test]
fn missing_imported_file() {
    let dir = scratch(
        "missing-import",
        &[(
            "messages.xsd",
            &format!("{HEAD}\n  <xs:import namespace=\"urn:other\" schemaLocation=\"types.xsd\"/>\n</xs:schema>\n"),
        )],
    );
    check(&dir, "messages.xsd", 2, "types.xsd");
}

#[test]
fn import_cycle() {
    let b = r#"<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:b">
  <xs:import namespace="urn:bad" schemaLocation="messages.xsd"/>
</xs:schema>
"#;
    let dir = scratch(
        "cycle",
        &[
            (
                "messages.xsd",
                &format!("{HEAD}\n  <xs:import namespace=\"urn:b\" schemaLocation=\"b.xsd\"/>\n</xs:schema>\n"),
            ),
            ("b.xsd", b),
        ],
    );
    check(&dir, "b.xsd", 2, "import cycle");
}

#[test]
fn unsupported_construct() {
    let dir = scratch(
        "redefine",
        &[(
            "messages.xsd",
            &format!("{HEAD}\n  <xs:redefine schemaLocation=\"x.xsd\"/>\n</xs:schema>\n"),
        )],
    );
    check(&dir, "messages.xsd", 2, "xs:redefine is not supported");
}

#[test]
fn not_a_schema_at_all() {
    let dir = scratch(
        "html",
        &[("messages.xsd", "<html><body>404 Not Found</body></html>\n")],
    );
    check(
        &dir,
        "messages.xsd",
        1,
        "expected an xs:schema root element",
    );
}

/// Occurrence bounds multiply when a group reference is flattened: bounds whose product
/// does not fit saturate (a schema may say what it likes), they do not overflow.
#[test]
fn huge_occurrences_through_a_group_reference() {
    let dir = scratch(
        "huge-occurs",
        &[(
            "messages.xsd",
            &format!(
                "{HEAD}
  <xs:group name=\"G\">
    <xs:sequence minOccurs=\"100000\" maxOccurs=\"unbounded\">
      <xs:element name=\"A\" type=\"xs:string\"/>
    </xs:sequence>
  </xs:group>
  <xs:complexType name=\"T\">
    <xs:sequence>
      <xs:group ref=\"tns:G\" minOccurs=\"100000\" maxOccurs=\"100000\"/>
    </xs:sequence>
  </xs:complexType>
  <xs:element name=\"Root\" type=\"tns:T\"/>
</xs:schema>
"
            ),
        )],
    );
    let generated = ews_codegen::Builder::new()
        .schema_dir(&dir)
        .generate()
        .unwrap_or_else(|e| panic!("a valid schema is refused: {e}"));
    assert!(
        generated.code.contains("pub struct T "),
        "{}",
        generated.code
    );
}

// ---- Schemas that do not fit the build script ----

fn own_schemas() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas")
}

#[test]
fn an_operation_the_schemas_lack_is_named_with_the_folder_and_the_nearest_names() {
    let dir = own_schemas();
    let err = ews_codegen::Builder::new()
        .schema_dir(&dir)
        .operations(["SetImGroup", "FindItem", "GetImItemLists"])
        .generate()
        .expect_err("FindItem is not an IM operation");
    let text = err.to_string();
    assert_eq!(format!("{err:?}"), text, "Debug is the message");
    let ews_codegen::Error::UnknownOperations {
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
    let err = ews_codegen::Builder::new()
        .schema_dir(&dir)
        .generate()
        .expect_err("no schemas");
    assert!(
        matches!(&err, ews_codegen::Error::NoSchemas { dir: d } if *d == dir),
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
