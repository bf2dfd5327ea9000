//! Strict reading against libxml2, differentially (`ews_tests::differential`): 1,100
//! mutated documents (100 per mutation kind, half from documented payloads, half from
//! random values of office365 elements), each judged by `xmllint --schema messages.xsd` and
//! by the office365 bindings with `UnknownElements::Error`.
//!
//! The floors below are the agreement measured when the harness was written (seed 1): the
//! strict reader did not yet follow sequence order, enumerations, facets, `&#x1;` and so on.
//! Raise them as strictness lands; the run fails when agreement drops below one. Unmutated
//! documents must always agree. The big run: `cargo run -p ews-tests --bin
//! ews-differential` (20,000 documents, every disagreement written to a file).

#[cfg(ews_shared)]
mod run {
    use ews_tests::differential::{run, Config};

    /// Per mutation kind: the least agreement allowed, in percent.
    const FLOORS: &[(&str, f64)] = &[
        ("none", 100.0),
        ("elements swapped", 99.0),
        ("element dropped", 100.0),
        ("element duplicated", 100.0),
        ("unknown element inserted", 99.0),
        ("value breaking a facet or lexical rule", 44.0),
        ("bad character reference", 71.0),
        ("attribute removed", 99.0),
        ("attribute changed", 37.0),
        ("undeclared attribute added", 99.0),
        ("text in element-only content", 100.0),
    ];

    /// The least agreement over all documents, in percent.
    const FLOOR_ALL: f64 = 86.5;

    pub(super) fn strict_reading_agrees_with_libxml2() {
        let shared = ews_tests::shared_dir();
        let config = Config {
            documents: 1100,
            seed: 1,
            batch: 1100,
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
            total.total >= 1000,
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
}
