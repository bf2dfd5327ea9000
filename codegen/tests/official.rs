//! The three official schema sets generate, deterministically, with every operation typed.

use std::path::PathBuf;

use ews_codegen::Builder;

fn shared() -> Option<PathBuf> {
    let dir = match std::env::var_os("EWS_SHARED_DIR") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"),
    };
    if dir.join("ews-schemas").is_dir() {
        return Some(dir);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "the shared EWS schemas are missing at {} (set EWS_SHARED_DIR)",
            dir.display()
        );
    }
    eprintln!(
        "skipping: the shared EWS schemas are missing at {}",
        dir.display()
    );
    None
}

fn wsdl_operations(path: &std::path::Path) -> Vec<String> {
    ews_codegen::wsdl::read_operations(path)
        .expect("wsdl")
        .into_iter()
        .map(|o| o.name)
        .collect()
}

#[test]
fn official_sets_generate_with_all_operations() {
    let Some(shared) = shared() else { return };
    let mut o365_ops = Vec::new();
    for (set, wsdl_count) in [
        ("exchange2016", Some(122)),
        ("exchange2010_sp2", Some(60)),
        ("office365", None),
    ] {
        let dir = shared.join("ews-schemas").join(set);
        let g = Builder::new()
            .schema_dir(&dir)
            .generate()
            .unwrap_or_else(|e| panic!("{set}: {e}"));
        let ops: Vec<String> = g.model.operations.iter().map(|o| o.name.clone()).collect();
        if let Some(n) = wsdl_count {
            let from_wsdl = wsdl_operations(&dir.join("services.wsdl"));
            assert_eq!(from_wsdl.len(), n, "{set}: operations named by the WSDL");
            for op in &from_wsdl {
                assert!(ops.contains(op), "{set}: {op} missing");
            }
        }
        // Every operation has a typed request and response (an Operation impl).
        for op in &ops {
            let needle = format!("const NAME: &'static str = \"{op}\";");
            assert!(
                g.code.contains(&needle),
                "{set}: no Operation impl for {op}"
            );
        }
        assert_eq!(
            ops.contains(&"SetImGroup".to_string()),
            set != "exchange2010_sp2",
            "{set}"
        );
        // Deterministic output.
        let again = Builder::new()
            .schema_dir(&dir)
            .generate()
            .expect("second run");
        assert!(again.code == g.code, "{set}: output differs between runs");
        if set == "office365" {
            o365_ops = ops;
        }
    }
    // office365 has no WSDL: its operations are the exchange2016 ones plus its own pairs.
    let e2016 = wsdl_operations(&shared.join("ews-schemas/exchange2016/services.wsdl"));
    let missing: Vec<&String> = e2016.iter().filter(|o| !o365_ops.contains(o)).collect();
    assert!(
        missing.is_empty(),
        "office365 lacks exchange2016 operations: {missing:?}"
    );
}
