//! Strict reading against libxml2, differentially (`ews_tests::differential`): 1,400
//! mutated documents (100 per mutation kind, half from documented payloads, half from
//! random values of office365 elements), each judged by `xmllint --schema messages.xsd` and
//! by the office365 bindings' strict reading (`ReadOptions::strict()`).
//!
//! Measured with seed 1 (1,400 documents): every kind agrees completely but two, whose
//! disagreements all lie inside the lax wildcard of `m:MessageXml`: there libxml2 validates
//! an element the schema declares globally, and strict reading keeps it raw. "lax wildcard
//! content" puts such elements there (valid or not: 69% agreement); "attribute changed"
//! meets one in a documented error response (99%). The big run
//! (`cargo run --release -p ews-tests --bin ews-differential -- --documents 50000`) finds
//! the same: 97.50% over 50,000 documents, 99.96% without the lax wildcard kind, and no
//! disagreement outside `m:MessageXml` but one (an `xsi:type` padded with a space, which
//! libxml2 does not resolve; strict reading refuses it since). Each kind has a floor at
//! what seed 1 reaches.

#[cfg(ews_shared)]
mod run {
    use ews_tests::differential::{run, Config};

    /// Per mutation kind: the least agreement allowed, in percent.
    const FLOORS: &[(&str, f64)] = &[
        ("none", 100.0),
        ("elements swapped", 100.0),
        ("element dropped", 100.0),
        ("element duplicated", 100.0),
        ("unknown element inserted", 100.0),
        ("value breaking a facet or lexical rule", 100.0),
        ("bad character reference", 100.0),
        ("attribute removed", 100.0),
        ("attribute changed", 99.0),
        ("undeclared attribute added", 100.0),
        ("text in element-only content", 100.0),
        ("whitespace around a value", 100.0),
        ("raw control character", 100.0),
        ("lax wildcard content", 65.0),
    ];

    /// The least agreement over all documents, in percent.
    const FLOOR_ALL: f64 = 97.5;

    pub(super) fn strict_reading_agrees_with_libxml2() {
        let shared = ews_tests::shared_dir();
        let config = Config {
            documents: 1400,
            seed: 1,
            batch: 1400,
        };
        let report = run(&shared, &config, |_| {});
        eprint!("{}", report.summary());
        let out = std::env::temp_dir().join(format!("ews-differential-{}.txt", std::process::id()));
        if std::fs::write(&out, report.disagreement_list()).is_ok() {
            eprintln!(
                "{} disagreements listed in {}",
                report.disagreements.len(),
                out.display()
            );
        }
        let mut failures = Vec::new();
        let total = report.total();
        assert!(
            total.total >= 1300,
            "only {} documents were judged (setup: {:?})",
            total.total,
            report
                .disagreements
                .iter()
                .find(|d| d.kind == "setup")
                .map(|d| &d.detail)
        );
        for (kind, floor) in FLOORS {
            let t = report.by_kind.get(*kind).copied().unwrap_or_default();
            if t.total < 90 {
                failures.push(format!("{kind}: only {} documents", t.total));
            } else if t.percent() < *floor {
                failures.push(format!(
                    "{kind}: {:.2}% agreement, below the floor of {floor}%",
                    t.percent()
                ));
            }
        }
        for kind in report.by_kind.keys() {
            if !FLOORS.iter().any(|(k, _)| k == kind) {
                failures.push(format!("{kind}: a mutation kind without a floor"));
            }
        }
        if total.percent() < FLOOR_ALL {
            failures.push(format!(
                "all: {:.2}% agreement, below the floor of {FLOOR_ALL}%",
                total.percent()
            ));
        }
        // An unmutated document judged differently is a bug in the harness or the reader:
        // show it.
        let first = report
            .disagreements
            .iter()
            .find(|d| d.kind == "none")
            .map(report_one);
        assert!(
            failures.is_empty(),
            "{}\n{}",
            failures.join("\n"),
            first.unwrap_or_default()
        );
    }

    fn report_one(d: &ews_tests::differential::Disagreement) -> String {
        format!(
            "unmutated document #{} from {}: strict {:?}, libxml2 {:?}\n{}",
            d.index, d.base, d.ours, d.libxml2, d.document
        )
    }
}

#[test]
#[cfg_attr(
    not(all(ews_shared, ews_xmllint)),
    ignore = "needs ../shared (or EWS_SHARED_DIR) and xmllint (libxml2-utils)"
)]
fn strict_reading_agrees_with_libxml2() {
    #[cfg(ews_shared)]
    run::strict_reading_agrees_with_libxml2();
    #[cfg(not(ews_shared))]
    panic!("built without ../shared (EWS_SHARED_DIR): nothing to run");
}
