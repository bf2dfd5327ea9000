//! Response messages and fault details of the documented EWS samples, read with the
//! office365 bindings: every response message is found (class, code, text) and every
//! Exchange fault gives its typed detail.

// The code below reads the official material: it is compiled only with it (the module
// `ews_tests::office365` is empty without it); each test is ignored, with the reason, without it.
#[cfg(ews_shared)]
mod run {
    use std::collections::BTreeMap;
    use std::path::Path;

    use ews_tests::office365::{GlobalElement, NAMESPACES};
    use ews_tests::shared_dir;
    use ewsgen::response::{ResponseClass, ResponseMessages as _};
    use ewsgen::soap::Envelope;

    /// `(file, kind, schema_valid_t)` of the well-formed EWS samples.
    fn samples(shared: &Path) -> Vec<(String, String, String)> {
        let text =
            std::fs::read_to_string(shared.join("ews-samples/index.tsv")).expect("read index.tsv");
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().expect("header").split('\t').collect();
        let col = |name: &str| {
            header
                .iter()
                .position(|h| *h == name)
                .unwrap_or_else(|| panic!("index.tsv has no column {name}"))
        };
        let (file, kind, service, wf, valid) = (
            col("file"),
            col("kind"),
            col("service"),
            col("well_formed"),
            col("schema_valid_t"),
        );
        lines
            .map(|l| l.split('\t').collect::<Vec<_>>())
            .filter(|c| c.len() > valid && c[service] == "EWS" && c[wf] == "yes")
            .map(|c| {
                (
                    c[file].to_string(),
                    c[kind].to_string(),
                    c[valid].to_string(),
                )
            })
            .collect()
    }

    /// The `ResponseClass="..."` values of a document, in order.
    fn classes_in_text(xml: &str) -> Vec<String> {
        xml.split("ResponseClass=\"")
            .skip(1)
            .map(|rest| rest.split('"').next().unwrap_or_default().to_string())
            .collect()
    }

    pub(super) fn every_documented_response_lists_its_messages() {
        let shared = shared_dir();
        let mut tally: BTreeMap<&str, usize> = BTreeMap::new();
        let (mut files, mut failures) = (0, Vec::new());
        for (file, kind, valid) in samples(&shared) {
            if kind == "request" || !valid.starts_with("yes") || valid.contains("soap:Fault") {
                continue;
            }
            let xml =
                std::fs::read_to_string(shared.join("ews-samples").join(&file)).expect("read");
            // The documented `https://` slip in the SOAP namespace, put right.
            let xml = xml.replace(
                "https://schemas.xmlsoap.org/soap/envelope/",
                "http://schemas.xmlsoap.org/soap/envelope/",
            );
            let env = match Envelope::<GlobalElement>::from_str(&xml, NAMESPACES) {
                Ok(e) => e,
                Err(e) => {
                    failures.push(format!("{file}: {e}"));
                    continue;
                }
            };
            files += 1;
            let messages: Vec<_> = env
                .body
                .iter()
                .flat_map(|b| b.response_messages())
                .collect();
            let found: Vec<String> = messages
                .iter()
                .map(|m| m.response_class_str().to_string())
                .collect();
            let expected = classes_in_text(&xml);
            if found != expected {
                failures.push(format!(
                    "{file}: messages {found:?}, the document has {expected:?}"
                ));
            }
            for m in &messages {
                let class = m.response_class();
                *tally
                    .entry(match class {
                        ResponseClass::Success => "Success",
                        ResponseClass::Warning => "Warning",
                        ResponseClass::Error => "Error",
                        ResponseClass::Unknown => "unknown",
                    })
                    .or_default() += 1;
                if class == ResponseClass::Error {
                    let e = m.check().expect_err("an Error message is an error");
                    if e.code.is_none() || e.message_text.is_none() {
                        failures.push(format!("{file}: error message without code or text: {e:?}"));
                    }
                } else if m.check().is_err() {
                    failures.push(format!("{file}: a {class:?} message checks as an error"));
                }
            }
        }
        println!("{files} responses, messages by class: {tally:?}");
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        assert!(files >= 100, "only {files} documented responses were read");
        assert!(tally.get("Error").copied().unwrap_or(0) >= 10, "{tally:?}");
    }

    pub(super) fn fault_samples_give_typed_details() {
        let shared = shared_dir();
        let mut checked = 0;
        for (file, _, _) in samples(&shared) {
            let xml =
                std::fs::read_to_string(shared.join("ews-samples").join(&file)).expect("read");
            if !xml.contains(":Fault>") {
                continue;
            }
            let Ok(env) = Envelope::<GlobalElement>::from_str(&xml, NAMESPACES) else {
                // A fault that breaks SOAP 1.1 is covered by the conformance tests.
                continue;
            };
            let Some(fault) = env.fault else { continue };
            let d = fault.exchange_detail();
            if file == "GetUserOofSettings.error.1.xml" {
                // An Exchange 2007 fault: `soap:Client` with an `ErrorCode` detail.
                assert_eq!(d.error_code.as_deref(), Some("-2146233088"));
                assert_eq!(fault.response_code(), "Client");
                checked += 1;
                continue;
            }
            let code = d.response_code.clone().expect("detail/ResponseCode");
            assert_eq!(code, fault.code_local(), "{file}");
            assert_eq!(fault.response_code(), code, "{file}");
            assert!(d.message.is_some(), "{file}: no detail/Message");
            if xml.contains("<t:LineNumber>") {
                assert!(
                    d.line_number.is_some() && d.line_position.is_some(),
                    "{file}: {d:?}"
                );
                assert!(d.violation.is_some(), "{file}: {d:?}");
            }
            if file == "AddImGroup.error.1.xml" {
                assert_eq!(code, "ErrorSchemaValidation");
                assert_eq!((d.line_number, d.line_position), (Some(11), Some(33)));
                assert_eq!(
                    d.violation.as_deref(),
                    Some("An error occurred while parsing EntityName. Line 11, position 33.")
                );
            }
            checked += 1;
        }
        assert!(checked >= 4, "only {checked} fault samples were read");
    }
}

#[test]
#[cfg_attr(
    not(ews_shared),
    ignore = "needs ../shared (or EWS_SHARED_DIR): the official schemas and samples"
)]
fn every_documented_response_lists_its_messages() {
    #[cfg(ews_shared)]
    run::every_documented_response_lists_its_messages();
    #[cfg(not(ews_shared))]
    panic!("built without ../shared (EWS_SHARED_DIR): nothing to run");
}

#[test]
#[cfg_attr(
    not(ews_shared),
    ignore = "needs ../shared (or EWS_SHARED_DIR): the official schemas and samples"
)]
fn fault_samples_give_typed_details() {
    #[cfg(ews_shared)]
    run::fault_samples_give_typed_details();
    #[cfg(not(ews_shared))]
    panic!("built without ../shared (EWS_SHARED_DIR): nothing to run");
}
