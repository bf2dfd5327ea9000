//! Broken schemas get an error naming the file, line and column, from the library and from
//! the command (which exits non-zero), never a panic.

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
