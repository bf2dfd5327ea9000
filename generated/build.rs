//! Generates the bindings from `schemas/` (the IM family; or the folder in `EWS_SCHEMA_DIR`), keeping only
//! the operations in `EWS_OPERATIONS` (comma-separated) when it is set, and making optional
//! the required child elements listed in `EWS_OPTIONAL_ELEMENTS` (comma-separated
//! `Type/Element` rules, see `ews_codegen::Builder::optional_element`). Sets
//! `cfg(ews_operation = "Name")` for every operation of the bindings (the examples use it).

use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-env-changed=EWS_SCHEMA_DIR");
    println!("cargo:rerun-if-env-changed=EWS_OPERATIONS");
    println!("cargo:rerun-if-env-changed=EWS_OPTIONAL_ELEMENTS");
    println!("cargo:rerun-if-changed=build.rs");
    // The default schema set is the packaged copy of the repository's `schemas/` (a test
    // keeps the two identical), so a crate depending on the published package gets working
    // bindings with no files of its own.
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dir = match std::env::var_os("EWS_SCHEMA_DIR") {
        Some(d) if !d.is_empty() => {
            let d = PathBuf::from(d);
            // Inside this repository a relative EWS_SCHEMA_DIR is taken from the workspace
            // root (where the README's commands run), not from this crate's folder.
            let root = manifest.join("..");
            if d.is_absolute() {
                d
            } else if root.join("generated/build.rs").is_file() {
                root.join(d)
            } else {
                eprintln!(
                    "error: EWS_SCHEMA_DIR={} is relative: give an absolute path",
                    d.display()
                );
                std::process::exit(1);
            }
        }
        _ => manifest.join("schemas"),
    };
    let mut b = ews_codegen::Builder::new();
    b.schema_dir(&dir);
    if let Ok(ops) = std::env::var("EWS_OPERATIONS") {
        let ops: Vec<String> = ops
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        if !ops.is_empty() {
            b.operations(ops);
        }
    }
    if let Ok(rules) = std::env::var("EWS_OPTIONAL_ELEMENTS") {
        for rule in rules.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            b.optional_element(rule);
        }
    }
    let generated = match b.generate() {
        Ok(g) => g,
        Err(e) => {
            eprintln!("error: generating EWS bindings from {}: {e}", dir.display());
            std::process::exit(1);
        }
    };
    for f in &generated.files {
        println!("cargo:rerun-if-changed={}", f.display());
    }
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    if let Err(e) = generated.write_if_changed(&out.join("ews_generated.rs")) {
        eprintln!("error: writing the EWS bindings: {e}");
        std::process::exit(1);
    }
    // `cfg(ews_operation = "FindItem")` for every operation of the bindings: the examples
    // that need operations the default schemas lack (FindItem, GetItem, SyncFolderItems,
    // Subscribe, GetStreamingEvents) compile their work only when the schema set has them.
    println!("cargo::rustc-check-cfg=cfg(ews_operation, values(any()))");
    for op in &generated.model.operations {
        println!("cargo::rustc-cfg=ews_operation=\"{}\"", op.name);
    }
}
