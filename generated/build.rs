//! Generates the bindings of `ewsgen` itself: the IM family of `schemas/` (a packaged copy
//! of the repository's `schemas/`), so that SetImGroup and its siblings work with no build
//! script. Sets `cfg(ews_operation = "Name")` for every operation of the bindings (the
//! examples use it).
//!
//! In a checkout of this repository (not in the published package), three variables change
//! what is generated, for the repository's examples, tests, benchmarks and fuzz targets:
//! `EWS_SCHEMA_DIR` (another schema folder), `EWS_OPERATIONS` (comma-separated: only these
//! operations) and `EWS_OPTIONAL_ELEMENTS` (comma-separated `Type/Element` rules, see
//! `ews_codegen::Builder::optional_element`). The published package ignores them: what a crate
//! depending on `ewsgen` gets never depends on its environment, and its own bindings come
//! from its own `build.rs`.

use std::path::PathBuf;

/// The variable `name`, read only in a checkout of this repository: `cargo package` writes
/// the manifest as the author wrote it beside the normalized one, as `Cargo.toml.orig`, into
/// every package it makes, and a checkout has no such file.
fn repository_var(manifest: &std::path::Path, name: &str) -> Option<std::ffi::OsString> {
    if manifest.join("Cargo.toml.orig").is_file() {
        return None;
    }
    println!("cargo:rerun-if-env-changed={name}");
    std::env::var_os(name)
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    // The default schema set is the packaged copy of the repository's `schemas/` (a test
    // keeps the two identical), so a crate depending on the published package gets working
    // bindings with no files of its own.
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let var = |name: &str| repository_var(&manifest, name);
    let dir = match var("EWS_SCHEMA_DIR") {
        Some(d) if !d.is_empty() => {
            // A relative EWS_SCHEMA_DIR is taken from the workspace root (where the README's
            // commands run), not from this crate's folder.
            manifest.join("..").join(d)
        }
        _ => manifest.join("schemas"),
    };
    let mut b = ews_codegen::Builder::new();
    b.schema_dir(&dir);
    if let Some(ops) = var("EWS_OPERATIONS") {
        let ops: Vec<String> = ops
            .to_string_lossy()
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        if !ops.is_empty() {
            b.operations(ops);
        }
    }
    if let Some(rules) = var("EWS_OPTIONAL_ELEMENTS") {
        for rule in rules
            .to_string_lossy()
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
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
