//! The big differential run of strict reading against libxml2 (see
//! `ews_tests::differential`): mutated documents from the documentation samples and from
//! random values of every office365 element, each judged by `xmllint --schema` and by the
//! office365 bindings' strict reading.
//!
//! ```text
//! cargo run --release -p ews-tests --bin ews-differential -- [--documents N] [--seed S]
//!     [--batch B] [--out FILE]
//! ```
//!
//! Prints the agreement per mutation kind and writes every disagreement (kind, what was
//! mutated, both verdicts with their messages, the document) to `FILE` (default
//! `target/differential.txt`). Needs `../shared` (or `EWS_SHARED_DIR`) and xmllint.

#[cfg(ews_shared)]
fn main() {
    use ews_tests::differential::{run, Config};
    let mut config = Config {
        documents: 20_000,
        ..Config::default()
    };
    let mut out =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/differential.txt");
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = |name: &str| {
            args.next().unwrap_or_else(|| {
                eprintln!("{name} needs a value");
                std::process::exit(2)
            })
        };
        let num = |v: String, name: &str| -> u64 {
            v.parse().unwrap_or_else(|_| {
                eprintln!("{name}: `{v}` is not a number");
                std::process::exit(2)
            })
        };
        match a.as_str() {
            "--documents" => config.documents = num(value(&a), &a) as usize,
            "--seed" => config.seed = num(value(&a), &a),
            "--batch" => config.batch = (num(value(&a), &a) as usize).max(1),
            "--out" => out = value(&a).into(),
            "-h" | "--help" => {
                println!(
                    "usage: ews-differential [--documents N] [--seed S] [--batch B] [--out FILE]"
                );
                return;
            }
            other => {
                eprintln!("unknown argument `{other}` (see --help)");
                std::process::exit(2);
            }
        }
    }
    let shared = ews_tests::shared_dir();
    let start = std::time::Instant::now();
    let report = run(&shared, &config, |n| {
        eprint!("\r{n}/{} documents judged", config.documents);
    });
    eprintln!();
    print!("{}", report.summary());
    println!(
        "{} documents, seed {}, in {:.1} s; {} disagreements written to {}",
        report.total().total,
        config.seed,
        start.elapsed().as_secs_f64(),
        report.disagreements.len(),
        out.display()
    );
    if let Err(e) = std::fs::write(&out, report.disagreement_list()) {
        eprintln!("cannot write {}: {e}", out.display());
        std::process::exit(1);
    }
}

#[cfg(not(ews_shared))]
fn main() {
    eprintln!("ews-differential needs the official material: ../shared or EWS_SHARED_DIR (the build found none)");
    std::process::exit(1);
}
