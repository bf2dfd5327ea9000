//! Property tests over every global element of the official office365 schema set (every
//! request, response and SOAP header): random typed values are written, read back and
//! compared equal, and every written document is validated by libxml2 against
//! `messages.xsd`.
//!
//! The values come from the `Arbitrary` impls the generator emits (`Builder::emit_arbitrary`)
//! driven by a seed that proptest draws. A failure prints the element, the seed and the
//! document; `Gen::new(seed, DEPTH)` rebuilds the same value. `PROPTEST_CASES` sets the
//! number of cases per element (default 16).
//!
//! The project's own schema (`schemas/`) is held to the same test, and its documents must
//! also be valid under the official schema and read by the official bindings to the same
//! XML: the two schemas are wire-compatible for the IM family.

// The code below reads the official material: it is compiled only with it (the module
// `ews_tests::office365` is empty without it); each test is ignored, with the reason, without it.
#[cfg(ews_shared)]
mod run {
    use std::cell::RefCell;

    use ews_tests::office365::arbitrary::ELEMENTS;
    use ews_tests::office365::GlobalElement;
    use ews_tests::random::Gen;
    use ews_tests::{shared_dir, validating_schema_dir, xmllint_validate_many};
    use ewsgen::rt::ReadOptions;
    use proptest::prelude::*;
    use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};

    /// Levels of optional nesting in a random value.
    const DEPTH: usize = 5;

    fn cases() -> u32 {
        std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(16)
    }

    /// Runs `cases()` seeds per element through `check`, collecting what it returns.
    fn run_cases<T>(
        elements: &[(&'static str, T)],
        mut check: impl FnMut(&'static str, &T, u64) -> Result<(), TestCaseError>,
    ) -> Vec<String> {
        let mut failures = Vec::new();
        for (tag, build) in elements {
            let config = Config {
                cases: cases(),
                max_shrink_iters: 0,
                failure_persistence: None,
                ..Config::default()
            };
            // Deterministic: a failure in CI is reproduced locally from the printed seed.
            let rng = TestRng::deterministic_rng(RngAlgorithm::ChaCha);
            let mut runner = TestRunner::new_with_rng(config, rng);
            let check = std::cell::RefCell::new(&mut check);
            if let Err(e) = runner.run(&any::<u64>(), |seed| (check.borrow_mut())(tag, build, seed))
            {
                failures.push(e.to_string());
            }
        }
        failures
    }

    pub(super) fn random_values_of_every_element_round_trip_and_validate() {
        let shared = shared_dir();
        let strict = ReadOptions::strict();
        let written: RefCell<Vec<(&str, u64, String)>> = RefCell::new(Vec::new());
        let mut failures = run_cases(ELEMENTS, |tag, build, seed| {
            let value = build(&mut Gen::new(seed, DEPTH));
            let doc = value.to_document().unwrap();
            let back = GlobalElement::from_document_with(&doc, strict.clone()).map_err(|e| {
                TestCaseError::fail(format!(
                    "{tag}, seed {seed}: does not read back: {e}\n{doc}"
                ))
            })?;
            if back != value {
                return Err(TestCaseError::fail(format!(
                    "{tag}, seed {seed}: reads back to another value\n{doc}\n--- written: {value:?}\n--- read: {back:?}"
                )));
            }
            written.borrow_mut().push((tag, seed, doc));
            Ok(())
        });
        let run = ELEMENTS.len() * cases() as usize;
        let written = written.into_inner();
        let schema = validating_schema_dir(&shared, "office365").join("messages.xsd");
        let docs: Vec<String> = written.iter().map(|(_, _, d)| d.clone()).collect();
        let mut valid = 0;
        for ((tag, seed, doc), r) in written.iter().zip(xmllint_validate_many(&schema, &docs)) {
            match r {
                Ok(()) => valid += 1,
                Err(e) => failures.push(format!("{tag}, seed {seed}: libxml2: {e}\n{doc}")),
            }
        }
        eprintln!(
            "{} elements, {run} cases: {} round-tripped, {valid} valid under libxml2",
            ELEMENTS.len(),
            written.len()
        );
        assert!(ELEMENTS.len() > 250, "only {} elements", ELEMENTS.len());
        assert!(
            failures.is_empty(),
            "{} failure(s):\n{}",
            failures.len(),
            failures
                .iter()
                .take(20)
                .cloned()
                .collect::<Vec<_>>()
                .join("\n\n")
        );
    }

    pub(super) fn own_schema_is_wire_compatible_with_office365() {
        use ews_tests::own;
        let shared = shared_dir();
        let strict = ReadOptions::strict();
        let written: RefCell<Vec<(&str, u64, String)>> = RefCell::new(Vec::new());
        let mut failures = run_cases(own::arbitrary::ELEMENTS, |tag, build, seed| {
            let value = build(&mut Gen::new(seed, DEPTH));
            let doc = value.to_document().unwrap();
            let back =
                own::GlobalElement::from_document_with(&doc, strict.clone()).map_err(|e| {
                    TestCaseError::fail(format!(
                        "{tag}, seed {seed}: does not read back: {e}\n{doc}"
                    ))
                })?;
            if back != value {
                return Err(TestCaseError::fail(format!(
                    "{tag}, seed {seed}: reads back to another value\n{doc}"
                )));
            }
            // The official bindings read it and write the same XML.
            let official =
                GlobalElement::from_document_with(&doc, strict.clone()).map_err(|e| {
                    TestCaseError::fail(format!(
                        "{tag}, seed {seed}: the office365 bindings refuse it: {e}\n{doc}"
                    ))
                })?;
            let again = official.to_document().unwrap();
            ews_tests::xml_equivalent(&doc, &again).map_err(|d| {
                TestCaseError::fail(format!(
                    "{tag}, seed {seed}: office365 writes it differently: {d}\n{doc}\n{again}"
                ))
            })?;
            written.borrow_mut().push((tag, seed, doc));
            Ok(())
        });
        let written = written.into_inner();
        let docs: Vec<String> = written.iter().map(|(_, _, d)| d.clone()).collect();
        let own_schema =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas/messages.xsd");
        let official = validating_schema_dir(&shared, "office365").join("messages.xsd");
        for (schema, name) in [(&own_schema, "schemas/"), (&official, "office365")] {
            for ((tag, seed, doc), r) in written.iter().zip(xmllint_validate_many(schema, &docs)) {
                if let Err(e) = r {
                    failures.push(format!(
                        "{tag}, seed {seed}: invalid under {name}: {e}\n{doc}"
                    ));
                }
            }
        }
        eprintln!(
            "own schema: {} elements, {} documents valid under schemas/ and office365 and read by both bindings",
            own::arbitrary::ELEMENTS.len(),
            written.len()
        );
        assert!(own::arbitrary::ELEMENTS.len() >= 30);
        assert!(
            failures.is_empty(),
            "{} failure(s):\n{}",
            failures.len(),
            failures
                .iter()
                .take(20)
                .cloned()
                .collect::<Vec<_>>()
                .join("\n\n")
        );
    }

    pub(super) fn office365_im_documents_read_with_the_own_schema() {
        use ews_tests::own;
        let strict = ReadOptions::strict();
        // Every element the own schema declares, generated from the official schema.
        let own_tags: Vec<&str> = own::arbitrary::ELEMENTS.iter().map(|(t, _)| *t).collect();
        let im: Vec<_> = ELEMENTS
            .iter()
            .filter(|(t, _)| own_tags.contains(t))
            .copied()
            .collect();
        assert_eq!(im.len(), own_tags.len(), "elements missing from office365");
        let failures = run_cases(&im, |tag, build, seed| {
            let value = build(&mut Gen::new(seed, DEPTH));
            let doc = value.to_document().unwrap();
            let mine =
                own::GlobalElement::from_document_with(&doc, strict.clone()).map_err(|e| {
                    TestCaseError::fail(format!(
                        "{tag}, seed {seed}: own bindings refuse it: {e}\n{doc}"
                    ))
                })?;
            ews_tests::xml_equivalent(&doc, &mine.to_document().unwrap()).map_err(|d| {
                TestCaseError::fail(format!(
                    "{tag}, seed {seed}: written differently: {d}\n{doc}"
                ))
            })
        });
        assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    }
}

#[test]
#[cfg_attr(
    not(all(ews_shared, ews_xmllint)),
    ignore = "needs ../shared (or EWS_SHARED_DIR) and xmllint (libxml2-utils)"
)]
fn random_values_of_every_element_round_trip_and_validate() {
    #[cfg(ews_shared)]
    run::random_values_of_every_element_round_trip_and_validate();
    #[cfg(not(ews_shared))]
    panic!("built without ../shared (EWS_SHARED_DIR): nothing to run");
}

#[test]
#[cfg_attr(
    not(all(ews_shared, ews_xmllint)),
    ignore = "needs ../shared (or EWS_SHARED_DIR) and xmllint (libxml2-utils)"
)]
fn own_schema_is_wire_compatible_with_office365() {
    #[cfg(ews_shared)]
    run::own_schema_is_wire_compatible_with_office365();
    #[cfg(not(ews_shared))]
    panic!("built without ../shared (EWS_SHARED_DIR): nothing to run");
}

#[test]
#[cfg_attr(
    not(ews_shared),
    ignore = "needs ../shared (or EWS_SHARED_DIR): the official schemas and samples"
)]
fn office365_im_documents_read_with_the_own_schema() {
    #[cfg(ews_shared)]
    run::office365_im_documents_read_with_the_own_schema();
    #[cfg(not(ews_shared))]
    panic!("built without ../shared (EWS_SHARED_DIR): nothing to run");
}
