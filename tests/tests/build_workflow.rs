//! The build.rs workflow of a user crate: a scratch crate whose `build.rs` runs
//! `ews_codegen::Builder` on its own copy of a schema set. A second build without changes
//! does not rerun the generator; editing a schema file does, and the new enumeration value
//! appears in the bindings (and compiles, used from the crate's code).

use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace")
        .to_path_buf()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read schema dir") {
        let e = e.expect("entry");
        if e.path().is_file() {
            std::fs::copy(e.path(), to.join(e.file_name())).expect("copy");
        }
    }
}

fn build(dir: &Path, target: &Path, log: &Path) -> String {
    let out = Command::new(env!("CARGO"))
        .arg("build")
        .arg("--quiet")
        // The workspace's own lock file (copied in) pins every dependency, and the workspace
        // build has fetched them all: nothing newer is resolved and nothing is downloaded.
        .arg("--offline")
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env("SCRATCH_GENERATOR_LOG", log)
        .env_remove("EWS_SCHEMA_DIR")
        .env_remove("EWS_OPERATIONS")
        .output()
        .expect("run cargo");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "scratch build failed:\n{stderr}");
    stderr
}

fn runs(log: &Path) -> usize {
    std::fs::read_to_string(log)
        .map(|s| s.lines().count())
        .unwrap_or(0)
}

#[test]
fn schema_edits_regenerate_and_nothing_else_does() {
    let root = workspace();
    let dir = std::env::temp_dir().join(format!("ews-scratch-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("src")).expect("mkdir");
    copy_dir(&root.join("schemas"), &dir.join("schemas"));
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).expect("copy Cargo.lock");
    let target = root.join("target/scratch-build");
    let log = dir.join("generator-runs.txt");

    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            r#"[package]
name = "ews-scratch"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
ewsgen = {{ path = "{0}/generated" }}

[build-dependencies]
ews-codegen = {{ path = "{0}/codegen" }}

[workspace]
"#,
            root.display()
        ),
    )
    .expect("Cargo.toml");
    std::fs::write(
        dir.join("build.rs"),
        r#"fn main() {
    // Records each run of the generator, for the test.
    println!("cargo:rerun-if-env-changed=SCRATCH_GENERATOR_LOG");
    if let Some(log) = std::env::var_os("SCRATCH_GENERATOR_LOG") {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new().create(true).append(true).open(log).unwrap();
        writeln!(f, "run").unwrap();
    }
    ews_codegen::Builder::new()
        .schema_dir("schemas")
        .operations(["SetImGroup"])
        .compile()
        .unwrap_or_else(|e| panic!("{e}"));
}
"#,
    )
    .expect("build.rs");
    let lib = r#"#[allow(clippy::all, dead_code, missing_docs)]
pub mod bindings {
    include!(concat!(env!("OUT_DIR"), "/ews_generated.rs"));
}
"#;
    std::fs::write(dir.join("src/lib.rs"), lib).expect("lib.rs");

    build(&dir, &target, &log);
    assert_eq!(runs(&log), 1, "first build runs the generator once");
    build(&dir, &target, &log);
    assert_eq!(runs(&log), 1, "a build without changes reran the generator");

    // Add an enumeration value to the schema copy; use it from the crate's code.
    let types = dir.join("schemas/types.xsd");
    let text = std::fs::read_to_string(&types).expect("types.xsd");
    let anchor = r#"<xs:enumeration value="Exchange2007"/>"#;
    assert!(text.contains(anchor), "types.xsd has no {anchor}");
    std::fs::write(
        &types,
        text.replacen(
            anchor,
            &format!(r#"{anchor}<xs:enumeration value="Exchange2030_Preview"/>"#),
            1,
        ),
    )
    .expect("edit types.xsd");
    std::fs::write(
        dir.join("src/lib.rs"),
        format!(
            "{lib}\npub fn newest() -> bindings::types::ExchangeVersionType {{\n    bindings::types::ExchangeVersionType::Exchange2030Preview\n}}\n"
        ),
    )
    .expect("lib.rs");
    build(&dir, &target, &log);
    assert_eq!(
        runs(&log),
        2,
        "editing a schema file did not rerun the generator"
    );

    // A broken schema fails the build with the file, line and column.
    let text = std::fs::read_to_string(&types).expect("types.xsd");
    std::fs::write(
        &types,
        text.replacen("<xs:simpleType", "<xs:simpleType <", 1),
    )
    .expect("break types.xsd");
    let out = Command::new(env!("CARGO"))
        .args(["build", "--quiet"])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", &target)
        .env("SCRATCH_GENERATOR_LOG", &log)
        .output()
        .expect("run cargo");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "a broken schema built");
    assert!(
        stderr.contains("types.xsd:") && stderr.contains("malformed XML"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
