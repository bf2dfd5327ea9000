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

#[test]
fn diff_between_schema_versions() {
    let Some(shared) = shared() else { return };
    let set = |s: &str| shared.join("ews-schemas").join(s);
    let model = |s: &str| Builder::new().schema_dir(set(s)).model().expect(s).0;
    let (v2010, v2016, o365) = (
        model("exchange2010_sp2"),
        model("exchange2016"),
        model("office365"),
    );

    let d = ews_codegen::diff::diff(&v2010, &v2016);
    for op in [
        "SetImGroup",
        "AddImGroup",
        "GetImItemList",
        "SetImListMigrationCompleted",
    ] {
        assert!(d.operations_added.contains(&op.to_string()), "{op}: {d:?}");
    }
    assert!(
        d.operations_removed.is_empty(),
        "{:?}",
        d.operations_removed
    );
    assert!(d.types_added.contains(&"m:SetImGroupType".to_string()));
    assert!(d
        .enum_values_added
        .iter()
        .any(|v| v == "m:ResponseCodeType: ErrorImGroupDisplayNameAlreadyExists"));

    let d = ews_codegen::diff::diff(&v2016, &o365);
    assert!(
        !d.operations_added.is_empty() && d.operations_removed.is_empty(),
        "{d:?}"
    );
    let o365_ops: std::collections::BTreeSet<_> = o365.operations.iter().map(|o| &o.name).collect();
    let v2016_ops: std::collections::BTreeSet<_> =
        v2016.operations.iter().map(|o| &o.name).collect();
    let expected: Vec<String> = o365_ops
        .difference(&v2016_ops)
        .map(|s| s.to_string())
        .collect();
    assert_eq!(d.operations_added, expected);

    // A set compared with itself has no differences.
    assert_eq!(ews_codegen::diff::diff(&o365, &o365), Default::default());

    // The command prints the groups and exits 0.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ews-codegen"))
        .args(["diff", "--from"])
        .arg(set("exchange2010_sp2"))
        .arg("--to")
        .arg(set("exchange2016"))
        .output()
        .expect("run ews-codegen diff");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("operations added (") && text.contains("  SetImGroup\n"),
        "{text}"
    );
    assert!(text.contains("enum values removed ("), "{text}");
}

#[test]
fn since_lines_name_the_first_version() {
    let Some(shared) = shared() else { return };
    let set = |s: &str| shared.join("ews-schemas").join(s);
    let code = Builder::new()
        .schema_dir(set("office365"))
        .since_version("exchange2010_sp2", set("exchange2010_sp2"))
        .since_version("exchange2016", set("exchange2016"))
        .generate()
        .expect("generate")
        .code;
    let doc_before = |item: &str| -> String {
        let at = code
            .find(item)
            .unwrap_or_else(|| panic!("{item} not generated"));
        let start = code[..at].rfind("\n\n").map_or(0, |i| i);
        code[start.max(at.saturating_sub(400))..at].to_string()
    };
    // IM operations arrive in Exchange 2016.
    assert!(doc_before("pub struct SetImGroupType {").contains("Since: exchange2016"));
    // ItemType is in every version: no line.
    assert!(!doc_before("pub struct ItemType {").contains("Since:"));
    // An enumeration value added after 2010 SP2.
    assert!(doc_before("ErrorImGroupDisplayNameAlreadyExists,").contains("Since: exchange2016"));
    // Something only office365 has.
    assert!(code.contains("Since: office365"));
}

#[test]
fn operations_know_their_soap_headers() {
    let Some(shared) = shared() else { return };
    let wsdl = shared.join("ews-schemas/exchange2016/services.wsdl");
    let ops = ews_codegen::wsdl::read_operations(&wsdl).expect("wsdl");
    assert_eq!(ops.len(), 122);
    let count = |h: &str| {
        ops.iter()
            .filter(|o| o.input_headers.iter().any(|q| q.name == h))
            .count()
    };
    assert_eq!(count("ExchangeImpersonation"), 78);
    assert_eq!(count("MailboxCulture"), 74);
    assert_eq!(count("ManagementRole"), 23);
    assert_eq!(count("TimeZoneContext"), 15);
    assert_eq!(count("RequestServerVersion"), 120);
    // The generated Operation impls carry them.
    let code = Builder::new()
        .schema_dir(shared.join("ews-schemas/exchange2016"))
        .operations(["SetImGroup", "FindItem"])
        .generate()
        .expect("generate")
        .code;
    let at = code
        .find("impl ::ewsgen::Operation for self::messages::FindItemType")
        .expect("FindItem impl");
    let block = &code[at..at + 900];
    assert!(block.contains("\"t:TimeZoneContext\""), "{block}");
    assert!(block.contains("\"t:ServerVersionInfo\""), "{block}");
}
