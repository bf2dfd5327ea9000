//! The three official schema sets generate, deterministically, with every operation typed.

// The code below reads the official material: it is compiled only with it (the module
// `ews_tests::office365` is empty without it); each test is ignored, with the reason, without it.
#[cfg(ews_shared)]
mod run {
    use ews_codegen::Builder;
    use ews_tests::shared_dir;

    /// Operation names of a WSDL's port type, read independently of the generator.
    fn wsdl_operations(path: &std::path::Path) -> Vec<String> {
        use quick_xml::events::Event;
        let xml = std::fs::read_to_string(path).expect("wsdl");
        let mut r = quick_xml::Reader::from_str(&xml);
        let (mut in_port_type, mut names) = (false, Vec::new());
        loop {
            match r.read_event().expect("wsdl is well-formed") {
                Event::Start(e) if e.local_name().as_ref() == "portType" => in_port_type = true,
                Event::End(e) if e.local_name().as_ref() == "portType" => in_port_type = false,
                Event::Start(e) | Event::Empty(e)
                    if in_port_type && e.local_name().as_ref() == "operation" =>
                {
                    let name = e
                        .try_get_attribute("name")
                        .expect("attribute")
                        .expect("operation name");
                    names.push(name.value.into_owned());
                }
                Event::Eof => break,
                _ => {}
            }
        }
        names
    }

    pub(super) fn official_sets_generate_with_all_operations() {
        let shared = shared_dir();
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

    pub(super) fn diff_between_schema_versions() {
        let shared = shared_dir();
        let set = |s: &str| shared.join("ews-schemas").join(s);
        let model = |s: &str| Builder::new().schema_dir(set(s)).model().expect(s).0;
        let (v2010, v2016, o365) = (
            model("exchange2010_sp2"),
            model("exchange2016"),
            model("office365"),
        );

        let d = ews_codegen::model::diff(&v2010, &v2016);
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

        let d = ews_codegen::model::diff(&v2016, &o365);
        assert!(
            !d.operations_added.is_empty() && d.operations_removed.is_empty(),
            "{d:?}"
        );
        let o365_ops: std::collections::BTreeSet<_> =
            o365.operations.iter().map(|o| &o.name).collect();
        let v2016_ops: std::collections::BTreeSet<_> =
            v2016.operations.iter().map(|o| &o.name).collect();
        let expected: Vec<String> = o365_ops
            .difference(&v2016_ops)
            .map(|s| s.to_string())
            .collect();
        assert_eq!(d.operations_added, expected);

        // A set compared with itself has no differences.
        assert_eq!(ews_codegen::model::diff(&o365, &o365), Default::default());

        // The report (what `ews-codegen diff` prints) lists each group.
        let text = ews_codegen::model::diff(&v2010, &v2016).report();
        assert!(
            text.contains("operations added (") && text.contains("  SetImGroup\n"),
            "{text}"
        );
        assert!(text.contains("enum values removed ("), "{text}");
    }

    pub(super) fn since_lines_name_the_first_version() {
        let shared = shared_dir();
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

    pub(super) fn operations_know_their_soap_headers() {
        let shared = shared_dir();
        let wsdl = shared.join("ews-schemas/exchange2016/services.wsdl");
        let named = wsdl_operations(&wsdl);
        assert_eq!(named.len(), 122);
        // The operations the WSDL names (the model adds request/response pairs it does not).
        let ops: Vec<_> = Builder::new()
            .schema_dir(shared.join("ews-schemas/exchange2016"))
            .generate()
            .expect("generate")
            .model
            .operations
            .into_iter()
            .filter(|o| named.contains(&o.name))
            .collect();
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
            .find("impl ::ewsgen::Operation for messages::FindItemType")
            .expect("FindItem impl");
        let block = &code[at..at + 900];
        // Each header list is a constant the impls name.
        let list = |field: &str| -> &str {
            let rest = &block[block.find(field).expect(field) + field.len()..];
            let name = rest
                .split_once("= ")
                .and_then(|(_, r)| r.split(';').next())
                .expect("a constant")
                .trim();
            let def = format!("const {name}: &[&str] = &[");
            let at = code
                .find(&def)
                .unwrap_or_else(|| panic!("{def} in the code"));
            let end = code[at..].find("];").expect("end of list");
            &code[at..at + end]
        };
        let input = list("const INPUT_HEADERS");
        assert!(input.contains("\"t:TimeZoneContext\""), "{input}");
        let output = list("const OUTPUT_HEADERS");
        assert!(output.contains("\"t:ServerVersionInfo\""), "{output}");
    }
}

#[test]
#[cfg_attr(
    not(ews_shared),
    ignore = "needs ../shared (or EWS_SHARED_DIR): the official schemas and samples"
)]
fn official_sets_generate_with_all_operations() {
    #[cfg(ews_shared)]
    run::official_sets_generate_with_all_operations();
    #[cfg(not(ews_shared))]
    panic!("built without ../shared (EWS_SHARED_DIR): nothing to run");
}

#[test]
#[cfg_attr(
    not(ews_shared),
    ignore = "needs ../shared (or EWS_SHARED_DIR): the official schemas and samples"
)]
fn diff_between_schema_versions() {
    #[cfg(ews_shared)]
    run::diff_between_schema_versions();
    #[cfg(not(ews_shared))]
    panic!("built without ../shared (EWS_SHARED_DIR): nothing to run");
}

#[test]
#[cfg_attr(
    not(ews_shared),
    ignore = "needs ../shared (or EWS_SHARED_DIR): the official schemas and samples"
)]
fn since_lines_name_the_first_version() {
    #[cfg(ews_shared)]
    run::since_lines_name_the_first_version();
    #[cfg(not(ews_shared))]
    panic!("built without ../shared (EWS_SHARED_DIR): nothing to run");
}

#[test]
#[cfg_attr(
    not(ews_shared),
    ignore = "needs ../shared (or EWS_SHARED_DIR): the official schemas and samples"
)]
fn operations_know_their_soap_headers() {
    #[cfg(ews_shared)]
    run::operations_know_their_soap_headers();
    #[cfg(not(ews_shared))]
    panic!("built without ../shared (EWS_SHARED_DIR): nothing to run");
}
