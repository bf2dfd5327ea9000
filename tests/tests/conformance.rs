//! Conformance over every documented EWS sample (`../shared/ews-samples`), read and
//! written with the bindings of the official office365 schema set, with libxml2 as the
//! judge of what is written.
//!
//! - Every EWS sample whose parts the index calls schema-valid reads strictly (nothing the
//!   schema does not allow), writes back XML-equivalent, reads back to an equal value, and
//!   every written header child and body child validates against the official schema.
//! - Samples written with `https://` as the SOAP envelope namespace give an error naming
//!   that namespace as they are, and round trip once it is put right.
//! - Every other sample (not well-formed, schema-invalid, Autodiscover, UM) gives a value
//!   or a clean error, never a panic; the tally is printed by category.

// The code below reads the official material: it is compiled only with it (the module
// `ews_tests::office365` is empty without it); each test is ignored, with the reason, without it.
#[cfg(ews_shared)]
mod run {
    use std::collections::BTreeMap;
    use std::path::Path;

    use ews_tests::office365::{GlobalElement, NAMESPACES};
    use ews_tests::{
        shared_dir, validating_schema_dir, xml_equivalent_with, xmllint_validate_many, LexicalRules,
    };
    use ewsgen::rt::{ReadOptions, UnknownElements};
    use ewsgen::soap::Envelope;

    const SOAP_HTTPS: &str = "https://schemas.xmlsoap.org/soap/envelope/";
    const SOAP_HTTP: &str = "http://schemas.xmlsoap.org/soap/envelope/";

    /// Fault samples that break SOAP 1.1 itself (`<soap:faultcode>`: the fault's children are
    /// unqualified): a clean error at the fault code.
    const SOAP_SPEC_SLIPS: &[&str] = &["UpdateItem.error.1.xml"];

    /// One row of `index.tsv`, by column name.
    struct Row(BTreeMap<String, String>);

    impl Row {
        fn get(&self, col: &str) -> &str {
            self.0
                .get(col)
                .unwrap_or_else(|| panic!("index.tsv has no column `{col}`"))
        }
    }

    fn index(shared: &Path) -> Vec<Row> {
        let text =
            std::fs::read_to_string(shared.join("ews-samples/index.tsv")).expect("read index.tsv");
        let mut lines = text.lines();
        let header: Vec<&str> = lines
            .next()
            .expect("index.tsv header")
            .split('\t')
            .collect();
        lines
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                Row(header
                    .iter()
                    .zip(l.split('\t').chain(std::iter::repeat("")))
                    .map(|(h, v)| (h.to_string(), v.to_string()))
                    .collect())
            })
            .collect()
    }

    fn strict() -> ReadOptions {
        ReadOptions::strict()
    }

    /// Reads, writes, compares and re-reads one envelope; returns the written parts to
    /// validate (each header child and the body's first child) or what went wrong.
    fn round_trip(
        name: &str,
        xml: &str,
        rules: &LexicalRules,
    ) -> Result<Vec<(String, String)>, String> {
        let env = Envelope::<GlobalElement>::from_bytes(xml.as_bytes(), NAMESPACES, strict())
            .map_err(|e| format!("{name}: read: {e}"))?;
        let out = env.to_xml(NAMESPACES).unwrap();
        xml_equivalent_with(xml, &out, rules)
            .map_err(|d| format!("{name}: written XML differs from the sample: {d}\n{out}"))?;
        let again = Envelope::<GlobalElement>::from_bytes(out.as_bytes(), NAMESPACES, strict())
            .map_err(|e| format!("{name}: written envelope does not read back: {e}\n{out}"))?;
        if again != env {
            return Err(format!("{name}: re-read value differs\n{out}"));
        }
        let mut parts: Vec<(String, String)> = env
            .headers
            .iter()
            .map(|h| {
                (
                    format!("{name} Header/{}", h.tag()),
                    h.to_document().unwrap(),
                )
            })
            .collect();
        if let Some(b) = env.body.first() {
            parts.push((format!("{name} Body/{}", b.tag()), b.to_document().unwrap()));
        }
        Ok(parts)
    }

    pub(super) fn documented_samples_round_trip_and_validate() {
        let shared = shared_dir();
        let samples = shared.join("ews-samples");
        let (model, _) = ews_codegen::Builder::new()
            .schema_dir(shared.join("ews-schemas/office365"))
            .model()
            .expect("office365 model");
        let rules = LexicalRules::from_model(&model);
        let mut failures = Vec::new();
        let mut parts = Vec::new();
        let (mut valid, mut valid_ok, mut https, mut https_ok) = (0, 0, 0, 0);
        let (mut faults, mut faults_ok) = (0, 0);
        for row in index(&shared) {
            if row.get("service") != "EWS" || row.get("well_formed") != "yes" {
                continue;
            }
            let name = row.get("file");
            let valid_t = row.get("schema_valid_t");
            if valid_t.contains("soap:Fault") {
                // SOAP faults: the index validates their headers only.
                let xml = std::fs::read_to_string(samples.join(name)).expect("read sample");
                if SOAP_SPEC_SLIPS.contains(&name) {
                    match Envelope::<GlobalElement>::from_str(&xml, NAMESPACES) {
                        Ok(_) => {
                            failures.push(format!("{name}: a qualified faultcode was accepted"))
                        }
                        Err(e) if e.path.ends_with("/Fault/faultcode") => {}
                        Err(e) => failures.push(format!("{name}: unexpected error {e}")),
                    }
                    continue;
                }
                faults += 1;
                match round_trip(name, &xml, &rules) {
                    Ok(p) => {
                        faults_ok += 1;
                        parts.extend(p.into_iter().filter(|(w, _)| w.contains(" Header/")));
                    }
                    Err(e) => failures.push(e),
                }
                continue;
            }
            if valid_t != "yes" {
                continue;
            }
            let xml = std::fs::read_to_string(samples.join(name)).expect("read sample");
            let ns_issues = row.get("ns_issues");
            let xml = if ns_issues.is_empty() {
                valid += 1;
                xml
            } else if ns_issues == format!("envelope-ns=<{SOAP_HTTPS}>") {
                https += 1;
                // As printed, the error names the namespace found and the one expected.
                match Envelope::<GlobalElement>::from_str(&xml, NAMESPACES) {
                    Ok(_) => failures.push(format!("{name}: read with an https SOAP namespace")),
                    Err(e) => {
                        let msg = e.to_string();
                        if !(msg.contains(SOAP_HTTPS) && msg.contains(SOAP_HTTP)) {
                            failures.push(format!("{name}: unclear namespace error: {msg}"));
                        }
                    }
                }
                xml.replace(SOAP_HTTPS, SOAP_HTTP)
            } else {
                failures.push(format!("{name}: unexpected ns_issues `{ns_issues}`"));
                continue;
            };
            match round_trip(name, &xml, &rules) {
                Ok(p) => {
                    if ns_issues.is_empty() {
                        valid_ok += 1;
                    } else {
                        https_ok += 1;
                    }
                    parts.extend(p);
                }
                Err(e) => failures.push(e),
            }
        }
        let schema = validating_schema_dir(&shared, "office365").join("messages.xsd");
        let docs: Vec<String> = parts.iter().map(|(_, d)| d.clone()).collect();
        let results = xmllint_validate_many(&schema, &docs);
        let mut parts_ok = 0;
        for ((what, doc), r) in parts.iter().zip(results) {
            match r {
                Ok(()) => parts_ok += 1,
                Err(e) => failures.push(format!("{what} does not validate: {e}\n{doc}")),
            }
        }
        eprintln!(
            "schema-valid samples round-tripped: {valid_ok}/{valid}; with the https SOAP namespace put right: {https_ok}/{https}; SOAP faults: {faults_ok}/{faults}; written parts valid under libxml2: {parts_ok}/{}",
            parts.len()
        );
        assert!(faults >= 5, "only {faults} SOAP fault samples");
        assert!(
            valid >= 200 && https >= 100,
            "index.tsv lists fewer schema-valid samples than expected ({valid} + {https})"
        );
        assert!(
            failures.is_empty(),
            "{} failure(s):\n{}",
            failures.len(),
            failures.join("\n\n")
        );
    }

    /// Every sample outside the schema-valid EWS set reads to a value or a clean error (with a
    /// position), under each unknown-element policy, and never panics.
    pub(super) fn other_samples_give_a_value_or_a_clean_error() {
        let shared = shared_dir();
        let samples = shared.join("ews-samples");
        let mut tally: BTreeMap<String, (usize, usize)> = BTreeMap::new();
        let mut failures = Vec::new();
        for row in index(&shared) {
            let category = if row.get("service") != "EWS" {
                format!("{} service", row.get("service"))
            } else if row.get("well_formed") != "yes" {
                "EWS, not well-formed".to_string()
            } else if row.get("schema_valid_t") != "yes" {
                "EWS, schema-invalid".to_string()
            } else {
                continue;
            };
            let name = row.get("file");
            let bytes = std::fs::read(samples.join(name)).expect("read sample");
            for policy in [
                UnknownElements::Error,
                UnknownElements::Skip,
                UnknownElements::Keep,
            ] {
                let options = if policy == UnknownElements::Error {
                    ReadOptions::strict()
                } else {
                    ReadOptions::builder().unknown_elements(policy).build()
                };
                let read = std::panic::catch_unwind(|| {
                    Envelope::<GlobalElement>::from_bytes(&bytes, NAMESPACES, options.clone())
                });
                match read {
                    Err(_) => failures.push(format!("{name} ({policy:?}): panicked")),
                    Ok(Ok(env)) => {
                        // What was read writes back and reads back the same, under the same
                        // policy (what the default reading keeps, such as an enumeration
                        // value the schema does not list, a strict reading refuses).
                        let out = env.to_xml(NAMESPACES).unwrap();
                        match Envelope::<GlobalElement>::from_str_with(&out, NAMESPACES, options) {
                            Ok(again) if again.body == env.body && again.headers == env.headers => {
                            }
                            Ok(_) => failures.push(format!("{name} ({policy:?}): re-read differs")),
                            Err(e) => failures.push(format!(
                                "{name} ({policy:?}): written envelope does not read back: {e}"
                            )),
                        }
                        if policy == UnknownElements::Error {
                            tally.entry(category.clone()).or_default().0 += 1;
                        }
                    }
                    Ok(Err(e)) => {
                        if e.line == 0 || e.to_string().trim().is_empty() {
                            failures.push(format!(
                                "{name} ({policy:?}): error without a position: {e}"
                            ));
                        }
                        if policy == UnknownElements::Error {
                            tally.entry(category.clone()).or_default().1 += 1;
                        }
                    }
                }
            }
        }
        for (category, (ok, err)) in &tally {
            eprintln!("{category}: {ok} read, {err} clean errors");
        }
        assert!(
            tally.values().map(|(a, b)| a + b).sum::<usize>() >= 80,
            "fewer samples outside the valid set than index.tsv should list"
        );
        assert!(
            failures.is_empty(),
            "{} failure(s):\n{}",
            failures.len(),
            failures.join("\n")
        );
    }
}

#[test]
#[cfg_attr(
    not(all(ews_shared, ews_xmllint)),
    ignore = "needs ../shared (or EWS_SHARED_DIR) and xmllint (libxml2-utils)"
)]
fn documented_samples_round_trip_and_validate() {
    #[cfg(ews_shared)]
    run::documented_samples_round_trip_and_validate();
    #[cfg(not(ews_shared))]
    panic!("built without ../shared (EWS_SHARED_DIR): nothing to run");
}

#[test]
#[cfg_attr(
    not(all(ews_shared, ews_xmllint)),
    ignore = "needs ../shared (or EWS_SHARED_DIR) and xmllint (libxml2-utils)"
)]
fn other_samples_give_a_value_or_a_clean_error() {
    #[cfg(ews_shared)]
    run::other_samples_give_a_value_or_a_clean_error();
    #[cfg(not(ews_shared))]
    panic!("built without ../shared (EWS_SHARED_DIR): nothing to run");
}
