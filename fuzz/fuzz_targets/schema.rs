//! The generator on an arbitrary schema document: a model and formatted code, or an error;
//! never a panic or a hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = std::env::temp_dir().join(format!("ews-fuzz-schema-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let file = dir.join("schema.xsd");
    if std::fs::write(&file, data).is_err() {
        return;
    }
    let _ = ews_codegen::Builder::new()
        .schema_files(vec![file], None)
        .emit_operations(false)
        .generate();
});
