#!/usr/bin/env bash
# The packaged crates as a user gets them: `cargo package --workspace` (run before this) left
# target/package/*.crate; they are unpacked into a scratch folder and two crates outside the
# workspace depend on them by path, nothing from the workspace: one reads and writes the
# SetImGroup request with `ewsgen`'s own bindings, one generates bindings with
# `ews_codegen::Builder` from its build.rs. Both are built with the workspace's lock file,
# offline (the workspace build fetched every dependency), with the repository's `EWS_*`
# variables set to nonsense: the published ewsgen ignores them.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for c in ewsgen ews-codegen; do
  tar xzf "target/package/$c-$version.crate" -C "$work"
done
for crate in read_write build_script; do
  cp -r ".ci/consumer/$crate" "$work/$crate"
  cp Cargo.lock "$work/$crate/Cargo.lock"
  cat > "$work/$crate/Cargo.toml" <<TOML
[package]
name = "consumer-$crate"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
ewsgen = { path = "../ewsgen-$version" }

[build-dependencies]
ews-codegen = { path = "../ews-codegen-$version" }

# The unpacked packages stand for crates.io (ewsgen's build script depends on ews-codegen).
[patch.crates-io]
ewsgen = { path = "../ewsgen-$version" }
ews-codegen = { path = "../ews-codegen-$version" }

[workspace]
TOML
done
mkdir -p "$work/build_script/schemas"
cp schemas/*.xsd "$work/build_script/schemas/"
export CARGO_TARGET_DIR="$work/target"
export EWS_SCHEMA_DIR=/nonexistent/ews-schemas EWS_OPERATIONS=NoSuchOperation EWS_OPTIONAL_ELEMENTS=NoSuchType/NoSuchElement
for crate in read_write build_script; do
  echo "consumer $crate:"
  (cd "$work/$crate" && cargo run --quiet --offline) | tail -n 2
done
