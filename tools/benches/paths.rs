//! `cargo bench -p ews-tools` (with `EWS_SCHEMA_DIR` naming the schema set, such as
//! `../shared/ews-schemas/office365`): decode and encode throughput on generated FindItem
//! responses of several sizes and on the whole documented sample corpus
//! (`EWS_SHARED_DIR`, default `../shared`), for profiling work. Prints one line per case:
//! median and best of the timed rounds, and how many documents could not be decoded (read
//! strictly, as `ews-bench` reads; none decoded fails); first the throughput of the writer's XML 1.0 character
//! check (`rt::lexical::first_forbidden_char`).

use std::time::{Duration, Instant};

use ewsgen::soap::Envelope;
use ewsgen::GlobalElement;

const ROUNDS: usize = 15;

fn stats(mut f: impl FnMut()) -> (Duration, Duration) {
    f();
    let mut t: Vec<Duration> = (0..ROUNDS)
        .map(|_| {
            let s = Instant::now();
            f();
            s.elapsed()
        })
        .collect();
    t.sort();
    (t[ROUNDS / 2], t[0])
}

fn report(name: &str, bytes: usize, (median, best): (Duration, Duration)) {
    let mb = bytes as f64 / 1e6;
    println!(
        "{name:<32} {:>8.1} MB/s median {:>8.1} MB/s best ({:.2} MB)",
        mb / median.as_secs_f64(),
        mb / best.as_secs_f64(),
        mb
    );
}

/// Decode and encode rounds over `docs`, read as `ews-bench` reads. The documents that do
/// not decode are counted and named; none decoding at all is a failure (nothing would be
/// measured).
fn cases(docs: &[(String, String)], label: &str) {
    let options = ews_tools::bench_read_options();
    let mut ok: Vec<&(String, String)> = Vec::new();
    let mut read: Vec<Envelope<GlobalElement>> = Vec::new();
    let mut failed: Vec<String> = Vec::new();
    for doc in docs {
        match Envelope::from_str_with(&doc.1, ewsgen::NAMESPACES, options.clone()) {
            Ok(env) => {
                ok.push(doc);
                read.push(env);
            }
            Err(e) => failed.push(format!("{}: {e}", doc.0)),
        }
    }
    println!(
        "{label}: {} of {} documents decoded, {} could not be decoded",
        ok.len(),
        docs.len(),
        failed.len()
    );
    for f in &failed {
        println!("  not decoded: {f}");
    }
    assert!(!ok.is_empty(), "{label}: no document could be decoded");
    let bytes: usize = ok.iter().map(|(_, x)| x.len()).sum();
    report(
        &format!("{label} decode ({} docs)", ok.len()),
        bytes,
        stats(|| {
            for (_, x) in &ok {
                std::hint::black_box(
                    Envelope::<GlobalElement>::from_str_with(
                        x,
                        ewsgen::NAMESPACES,
                        options.clone(),
                    )
                    .ok(),
                );
            }
        }),
    );
    let out: usize = read
        .iter()
        .map(|e| e.to_xml(ewsgen::NAMESPACES).unwrap().len())
        .sum();
    report(
        &format!("{label} encode ({} docs)", read.len()),
        out,
        stats(|| {
            for e in &read {
                std::hint::black_box(e.to_xml(ewsgen::NAMESPACES).unwrap());
            }
        }),
    );
}

/// The writer's character check over a whole document: ASCII markup, then text with
/// non-ASCII letters and line breaks.
fn char_check() {
    let ascii = ews_tools::find_item_response(5000);
    let mixed = "Grüße aus Köln, 日本語のテキスト,\nline two\twith a tab. ".repeat(20_000);
    for (name, text) in [("ascii", &ascii), ("non-ascii", &mixed)] {
        report(
            &format!("first_forbidden_char {name}"),
            text.len(),
            stats(|| {
                std::hint::black_box(ewsgen::rt::lexical::first_forbidden_char(
                    std::hint::black_box(text),
                ));
            }),
        );
    }
}

fn main() {
    char_check();
    for n in [50, 500, 5000] {
        let doc = ews_tools::find_item_response(n);
        cases(
            &[(format!("find_item_{n}"), doc)],
            &format!("find_item_{n}"),
        );
    }
    let shared = std::env::var_os("EWS_SHARED_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared")
        });
    let dir = shared.join("ews-samples");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        println!("corpus: {} not found, skipped", dir.display());
        return;
    };
    let mut docs: Vec<(String, String)> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "xml"))
        .filter_map(|e| {
            let text = std::fs::read_to_string(e.path()).ok()?;
            Some((
                e.file_name().to_string_lossy().into_owned(),
                text.replace(
                    "https://schemas.xmlsoap.org/soap/envelope/",
                    "http://schemas.xmlsoap.org/soap/envelope/",
                ),
            ))
        })
        .collect();
    docs.sort();
    cases(&docs, "corpus");
}
