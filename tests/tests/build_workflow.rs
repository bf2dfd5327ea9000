//! The build.rs workflow of a user crate: a scratch crate whose `build.rs` runs
//! `ews_codegen::Builder` on its own copy of a schema set. A second build without changes
//! does not rerun the generator; editing a schema file does, and the new enumeration value
//! appears in the bindings (and compiles, used from the crate's code). A broken schema, an
//! operation the schemas lack and a folder without schemas fail the build with a message.
//! And the published `ewsgen` (the package `cargo package` makes) ignores the repository's
//! `EWS_*` variables: a crate depending on it gets the IM bindings whatever its environment.
//!
//! The crates are built in `target/dependents` (shared with `quick_start.rs`).

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
    let target = root.join("target/dependents");
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

    // An operation the schemas lack: the build fails naming it, the folder and the nearest
    // names the schemas have; the error is the message (its Debug form), not a panic.
    std::fs::write(&types, &text).expect("restore types.xsd");
    std::fs::write(
        dir.join("build.rs"),
        r#"fn main() -> Result<(), ews_codegen::Error> {
    ews_codegen::Builder::new()
        .schema_dir("schemas")
        .operations(["SetImGroup", "FindItem", "GetImItemLists"])
        .compile()?;
    Ok(())
}
"#,
    )
    .expect("build.rs");
    let failed = |what: &str| {
        let out = Command::new(env!("CARGO"))
            .args(["build", "--quiet", "--offline"])
            .current_dir(&dir)
            .env("CARGO_TARGET_DIR", &target)
            .output()
            .expect("run cargo");
        assert!(!out.status.success(), "{what} built");
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(!stderr.contains("panicked"), "{stderr}");
        stderr
    };
    let stderr = failed("a build asking for operations the schemas lack");
    assert!(
        stderr.contains(
            "Error: the schemas in schemas have no operation `FindItem` (the nearest they have: GetImItems, "
        ) && stderr.contains(" nor `GetImItemLists` (the nearest they have: GetImItemList, GetImItems, ")
            && stderr.contains("; they declare 13 operations (`ews-codegen list-operations --schema-dir schemas` lists them)"),
        "{stderr}"
    );
    // No schemas at all: how to download them.
    std::fs::remove_dir_all(dir.join("schemas")).expect("rm schemas");
    let stderr = failed("a build without schemas");
    assert!(
        stderr.contains("Error: no messages.xsd in the schema folder schemas: download your Exchange server's schemas into it with `ews-codegen fetch https://<your server>/EWS/Exchange.asmx --out schemas`"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The variables the `ewsgen` build script reads in a checkout of the repository.
const REPOSITORY_VARIABLES: [(&str, &str); 3] = [
    ("EWS_SCHEMA_DIR", "/nonexistent/ews-schemas"),
    ("EWS_OPERATIONS", "NoSuchOperation"),
    ("EWS_OPTIONAL_ELEMENTS", "NoSuchType/NoSuchElement"),
];

#[test]
fn the_published_ewsgen_ignores_the_repository_variables() {
    let root = workspace();
    let work = std::env::temp_dir().join(format!("ews-packaged-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(work.join("consumer/src")).expect("mkdir");
    // The packages as `cargo publish` would upload them (the consumer's build verifies them).
    let out = Command::new(env!("CARGO"))
        .args([
            "package",
            "--no-verify",
            "--offline",
            "--allow-dirty",
            "--quiet",
        ])
        .args([
            "-p",
            "ews-auth",
            "-p",
            "ews-codegen",
            "-p",
            "ewsgen",
            "--target-dir",
        ])
        .arg(work.join("target"))
        .current_dir(&root)
        .output()
        .expect("run cargo package");
    assert!(
        out.status.success(),
        "cargo package failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let version = env!("CARGO_PKG_VERSION");
    for c in ["ews-codegen", "ewsgen"] {
        let status = Command::new("tar")
            .arg("xzf")
            .arg(work.join(format!("target/package/{c}-{version}.crate")))
            .arg("-C")
            .arg(&work)
            .status()
            .expect("run tar");
        assert!(status.success(), "unpacking {c}");
    }
    assert!(
        work.join(format!("ewsgen-{version}/Cargo.toml.orig"))
            .is_file(),
        "the package has no Cargo.toml.orig: the build script takes it for a checkout"
    );
    std::fs::copy(root.join("Cargo.lock"), work.join("consumer/Cargo.lock")).expect("lock");
    std::fs::write(
        work.join("consumer/Cargo.toml"),
        format!(
            r#"[package]
name = "ews-packaged-consumer"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
ewsgen = "{version}"

# The unpacked packages stand for crates.io.
[patch.crates-io]
ewsgen = {{ path = "../ewsgen-{version}" }}
ews-codegen = {{ path = "../ews-codegen-{version}" }}

[workspace]
"#
        ),
    )
    .expect("Cargo.toml");
    std::fs::write(
        work.join("consumer/src/main.rs"),
        r#"fn main() {
    let request = ewsgen::messages::SetImGroupType::new(
        ewsgen::types::ItemIdType::new("AAMkAGQ1MjJj".into()),
        "Friends".into(),
    );
    println!("{}", ewsgen::OPERATIONS.join(","));
    println!("{}", ewsgen::rt::to_string(&request).expect("written"));
}
"#,
    )
    .expect("main.rs");
    let mut cmd = Command::new(env!("CARGO"));
    cmd.args(["run", "--quiet", "--offline"])
        .current_dir(work.join("consumer"))
        .env("CARGO_TARGET_DIR", root.join("target/dependents"));
    for (k, v) in REPOSITORY_VARIABLES {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run cargo");
    assert!(
        out.status.success(),
        "a crate depending on the published ewsgen does not build with {REPOSITORY_VARIABLES:?} set:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let (model, _) = ews_codegen::Builder::new()
        .schema_dir(root.join("schemas"))
        .model()
        .expect("the IM schemas");
    let im: Vec<&str> = model.operations.iter().map(|o| o.name.as_str()).collect();
    let mut lines = stdout.lines();
    assert_eq!(
        lines.next(),
        Some(im.join(",").as_str()),
        "ewsgen's own bindings"
    );
    assert!(
        lines
            .next()
            .is_some_and(|l| l.contains("<m:NewDisplayName>Friends</m:NewDisplayName>")),
        "{stdout}"
    );
    let _ = std::fs::remove_dir_all(&work);
}
