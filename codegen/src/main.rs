//! The `ews-codegen` command: `generate`, `list-operations`, `diff`, `fetch` (cargo feature
//! `fetch`).

use std::path::PathBuf;
use std::process::ExitCode;

use ews_codegen::Builder;

#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "usage:
  ews-codegen generate --schema-dir DIR --out FILE [--operations A,B,...]
                       [--optional TYPE/ELEMENT]... [--since NAME=DIR]... [--version-name NAME]
                       [--check]
  ews-codegen list-operations --schema-dir DIR
  ews-codegen diff --from DIR --to DIR
  ews-codegen fetch EWS_URL [--out DIR]      (DIR: schemas; feature `fetch`)
      downloads Services.wsdl, messages.xsd and types.xsd from the folder of EWS_URL
      (https://host/EWS/Exchange.asmx or https://host/EWS/) as EWS_USER, EWS_PASSWORD,
      EWS_AUTH=basic|ntlm|bearer, EWS_TOKEN (EWS_CA_FILE: an extra root certificate)";

struct Args {
    command: String,
    url: Option<String>,
    schema_dir: Option<PathBuf>,
    from: Option<PathBuf>,
    to: Option<PathBuf>,
    out: Option<PathBuf>,
    operations: Option<Vec<String>>,
    optional: Vec<String>,
    since: Vec<(String, PathBuf)>,
    version_name: Option<String>,
    check: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut it = std::env::args().skip(1);
    let command = it.next().ok_or_else(|| USAGE.to_string())?;
    let mut args = Args {
        command,
        url: None,
        schema_dir: None,
        from: None,
        to: None,
        out: None,
        operations: None,
        optional: Vec::new(),
        since: Vec::new(),
        version_name: None,
        check: false,
    };
    while let Some(a) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .ok_or_else(|| format!("{name} needs a value\n{USAGE}"))
        };
        match a.as_str() {
            "--schema-dir" => args.schema_dir = Some(PathBuf::from(value("--schema-dir")?)),
            "--out" => args.out = Some(PathBuf::from(value("--out")?)),
            "--from" => args.from = Some(PathBuf::from(value("--from")?)),
            "--to" => args.to = Some(PathBuf::from(value("--to")?)),
            "--operations" => {
                let v = value("--operations")?;
                args.operations = Some(
                    v.split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(String::from)
                        .collect(),
                )
            }
            "--optional" => args.optional.push(value("--optional")?),
            "--since" => {
                let v = value("--since")?;
                let (name, dir) = v
                    .split_once('=')
                    .ok_or_else(|| format!("--since takes NAME=DIR, got `{v}`\n{USAGE}"))?;
                args.since.push((name.to_string(), PathBuf::from(dir)));
            }
            "--version-name" => args.version_name = Some(value("--version-name")?),
            "--check" => args.check = true,
            "-h" | "--help" => return Err(USAGE.to_string()),
            url if args.command == "fetch" && args.url.is_none() && !url.starts_with('-') => {
                args.url = Some(url.to_string())
            }
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    Ok(args)
}

fn run() -> Result<(), String> {
    let args = parse_args()?;
    if args.command == "fetch" {
        return fetch(&args);
    }
    if args.command == "diff" {
        let model = |d: &Option<PathBuf>, flag: &str| {
            let d = d
                .as_ref()
                .ok_or_else(|| format!("{flag} is required\n{USAGE}"))?;
            Builder::new()
                .schema_dir(d)
                .model()
                .map(|(m, _)| m)
                .map_err(|e| e.to_string())
        };
        let (from, to) = (model(&args.from, "--from")?, model(&args.to, "--to")?);
        print!("{}", ews_codegen::model::diff(&from, &to).report());
        return Ok(());
    }
    let dir = args
        .schema_dir
        .clone()
        .ok_or_else(|| format!("--schema-dir is required\n{USAGE}"))?;
    let mut b = Builder::new();
    b.schema_dir(&dir);
    if let Some(ops) = &args.operations {
        b.operations(ops.clone());
    }
    for rule in &args.optional {
        b.optional_element(rule.clone());
    }
    for (name, dir) in &args.since {
        b.since_version(name.clone(), dir.clone());
    }
    if let Some(n) = &args.version_name {
        b.version_name(n.clone());
    }
    match args.command.as_str() {
        "generate" => {
            let out = args
                .out
                .clone()
                .ok_or_else(|| format!("--out is required\n{USAGE}"))?;
            let g = b.generate().map_err(|e| e.to_string())?;
            if args.check {
                let current = std::fs::read(&out).unwrap_or_default();
                if current != g.code.as_bytes() {
                    return Err(format!(
                        "{} is out of date: regenerate it with `ews-codegen generate --schema-dir {} --out {}`",
                        out.display(),
                        dir.display(),
                        out.display()
                    ));
                }
                println!("{} is up to date", out.display());
            } else {
                if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
                    std::fs::create_dir_all(parent)
                        .map_err(|e| format!("{}: {e}", parent.display()))?;
                }
                g.write_if_changed(&out).map_err(|e| e.to_string())?;
                eprintln!(
                    "wrote {} ({} lines, {} types, {} operations)",
                    out.display(),
                    g.code.lines().count(),
                    g.model.types.len(),
                    g.model.operations.len()
                );
            }
            Ok(())
        }
        "list-operations" => {
            let (model, _) = b.model().map_err(|e| e.to_string())?;
            for op in &model.operations {
                println!("{}", op.name);
            }
            Ok(())
        }
        other => Err(format!("unknown command `{other}`\n{USAGE}")),
    }
}

/// `ews-codegen fetch EWS_URL [--out DIR]`: prints each file written (or skipped), then the
/// server's version.
#[cfg(feature = "fetch")]
fn fetch(args: &Args) -> Result<(), String> {
    use ews_codegen::fetch::{Fetch, FileOutcome};
    let url = args
        .url
        .as_deref()
        .ok_or_else(|| format!("fetch needs the EWS URL\n{USAGE}"))?;
    let out = args.out.clone().unwrap_or_else(|| PathBuf::from("schemas"));
    let fetched = Fetch::from_env(url, &out)?
        .run()
        .map_err(|e| e.to_string())?;
    for f in &fetched.files {
        match f {
            FileOutcome::Written { path, url, bytes } => {
                println!("wrote {} ({bytes} bytes from {url})", path.display())
            }
            FileOutcome::Missing { name, url } => println!(
                "skipped {name}: {url} answered 404 Not Found (the server does not publish it; the bindings are generated without it)"
            ),
        }
    }
    match &fetched.server_version {
        Ok(v) => println!("server version: {v}"),
        Err(why) => println!("server version: unknown ({why})"),
    }
    Ok(())
}

#[cfg(not(feature = "fetch"))]
fn fetch(_: &Args) -> Result<(), String> {
    Err(
        "this ews-codegen was built without the `fetch` feature, which downloads schemas over \
         HTTPS: install it with `cargo install ews-codegen --features fetch` (in the ewsgen \
         repository: `cargo run -p ews-codegen --features fetch -- fetch EWS_URL`)"
            .into(),
    )
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ews-codegen: {e}");
            ExitCode::FAILURE
        }
    }
}
