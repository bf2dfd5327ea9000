//! The published runtime package carries a copy of the default schema set (`schemas/`) in
//! `generated/schemas/`, since a package cannot reach outside its folder: the copy must be
//! the same files, byte for byte.

use std::collections::BTreeMap;
use std::path::Path;

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_file())
        .map(|p| {
            let name = p.file_name().expect("name").to_string_lossy().into_owned();
            (name, std::fs::read(&p).expect("read"))
        })
        .collect()
}

#[test]
fn packaged_schemas_are_the_default_schemas() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let source = files(&root.join("schemas"));
    let packaged = files(&root.join("generated/schemas"));
    assert!(source.contains_key("messages.xsd") && source.contains_key("types.xsd"));
    assert_eq!(
        source.keys().collect::<Vec<_>>(),
        packaged.keys().collect::<Vec<_>>(),
        "schemas/ and generated/schemas/ hold different files"
    );
    for (name, bytes) in &source {
        assert!(
            packaged[name] == *bytes,
            "generated/schemas/{name} differs from schemas/{name}: copy it again \
             (cp schemas/*.xsd generated/schemas/)"
        );
    }
}
