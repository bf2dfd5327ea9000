//! `ews-roundtrip [--out DIR] [--keep-unknown] FILE...`
//!
//! Reads each FILE as a SOAP envelope with the generated types (the schema set the `ewsgen`
//! crate was built from: `EWS_SCHEMA_DIR`, default `schemas/`), writes it back, and prints
//! `FILE<TAB>ok` or `FILE<TAB>error<TAB>MESSAGE`. With `--out DIR` the written envelope is
//! saved as `DIR/<file name>`. The last line is `N passed, M failed`. Exit status is 0
//! unless the tool itself cannot run (bad arguments, unwritable output folder).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use ewsgen::rt::{ReadOptions, UnknownElements};
use ewsgen::soap::Envelope;
use ewsgen::GlobalElement;

const USAGE: &str = "usage: ews-roundtrip [--out DIR] [--keep-unknown | --skip-unknown] FILE...";

fn main() -> ExitCode {
    let mut out_dir: Option<PathBuf> = None;
    let mut files = Vec::new();
    // A conformance tool: anything the schema does not allow is reported, unless asked.
    let mut options = ReadOptions::strict();
    let mut args = std::env::args_os().skip(1);
    while let Some(a) = args.next() {
        match a.to_str() {
            Some("--out") => match args.next() {
                Some(d) => out_dir = Some(d.into()),
                None => return usage("--out needs a folder"),
            },
            Some("--keep-unknown") => {
                options = ReadOptions::builder()
                    .unknown_elements(UnknownElements::Keep)
                    .build()
            }
            Some("--skip-unknown") => options = ReadOptions::default(),
            Some("-h" | "--help") => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            Some(s) if s.starts_with("--") => return usage(&format!("unknown option {s}")),
            _ => files.push(PathBuf::from(a)),
        }
    }
    if files.is_empty() {
        return usage("no FILE given");
    }
    if let Some(d) = &out_dir {
        if let Err(e) = std::fs::create_dir_all(d) {
            eprintln!("ews-roundtrip: cannot create {}: {e}", d.display());
            return ExitCode::from(2);
        }
    }
    let stdout = std::io::stdout();
    let mut stdout = stdout.lock();
    let (mut passed, mut failed) = (0usize, 0usize);
    for file in &files {
        let line = match round_trip(file, &options) {
            Ok(xml) => match &out_dir {
                Some(d) => {
                    let dst = d.join(file.file_name().unwrap_or(file.as_os_str()));
                    match std::fs::write(&dst, xml) {
                        Ok(()) => Ok(()),
                        Err(e) => {
                            eprintln!("ews-roundtrip: cannot write {}: {e}", dst.display());
                            return ExitCode::from(2);
                        }
                    }
                }
                None => Ok(()),
            },
            Err(e) => Err(e),
        };
        let shown = file.display();
        let _ = match line {
            Ok(()) => {
                passed += 1;
                writeln!(stdout, "{shown}\tok")
            }
            Err(msg) => {
                failed += 1;
                writeln!(stdout, "{shown}\terror\t{}", one_line(&msg))
            }
        };
    }
    let _ = writeln!(stdout, "{passed} passed, {failed} failed");
    ExitCode::SUCCESS
}

/// Reads, writes back, and checks that the written envelope reads back to the same value.
fn round_trip(file: &Path, options: &ReadOptions) -> Result<String, String> {
    let bytes = std::fs::read(file).map_err(|e| format!("cannot read: {e}"))?;
    let env = Envelope::<GlobalElement>::from_bytes(&bytes, ewsgen::NAMESPACES, options.clone())
        .map_err(|e| e.to_string())?;
    let xml = env
        .to_xml(ewsgen::NAMESPACES)
        .map_err(|e| format!("cannot be written back: {e}"))?;
    let again =
        Envelope::<GlobalElement>::from_bytes(xml.as_bytes(), ewsgen::NAMESPACES, options.clone())
            .map_err(|e| format!("written envelope does not read back: {e}"))?;
    // Elements skipped or kept under --skip-unknown/--keep-unknown are not written back.
    if (&again.headers, &again.body, &again.fault) != (&env.headers, &env.body, &env.fault) {
        return Err("written envelope reads back to a different value".into());
    }
    Ok(xml)
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn usage(msg: &str) -> ExitCode {
    eprintln!("ews-roundtrip: {msg}\n{USAGE}");
    ExitCode::from(2)
}
