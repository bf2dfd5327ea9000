//! A user's build script: the published `ews-codegen` Builder on the crate's own schemas.
fn main() {
    ews_codegen::Builder::new()
        .schema_dir("schemas")
        .operations(["SetImGroup", "GetImItemList"])
        .compile()
        .unwrap_or_else(|e| panic!("{e}"));
}
