//! Finds the EWS URL of an email address with Autodiscover.
//!
//! ```sh
//! cargo run -p ewsgen --features client --example autodiscover -- [--approve-redirects] <email>
//! ```
//!
//! Prints the EWS URL on stdout and exits 0; on failure prints the reason, every URL tried
//! with its outcome, on stderr and exits 1 (usage: 2). A redirect to another host (the http
//! GET's redirect, `redirectUrl`) or a `redirectAddr` to another domain is followed only with
//! `--approve-redirects`; otherwise the refused redirect is named on stderr. The last step is
//! the DNS SRV record `_autodiscover._tcp.<domain>`, whose host is a redirect to approve too;
//! `EWS_DNS_SERVER=ip:port` asks that name server instead of the system's (a split-horizon
//! DNS, a test's server).
//!
//! Credentials come from the environment (see `common/mod.rs`: `EWS_AUTH`, `EWS_USER`,
//! `EWS_PASSWORD`, `EWS_TOKEN`; the email address stands in for a missing `EWS_USER`;
//! without a password or token only the anonymous steps can succeed), as do `EWS_RESOLVE`,
//! `EWS_CA_FILE` and `RUST_LOG`. `EWS_URL` and `EWS_VERSION` are not used: the URL is what
//! this finds.

use std::process::ExitCode;

use ewsgen::client::autodiscover::Autodiscover;

mod common;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    common::init_tracing();
    let mut approve = false;
    let mut email = None;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--approve-redirects" => approve = true,
            a if a.starts_with('-') || email.is_some() => return usage(),
            a => email = Some(a.to_string()),
        }
    }
    let Some(email) = email else {
        return usage();
    };
    let builder = match common::builder(Some(&email), common::Need::Optional) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let autodiscover = match Autodiscover::new(&builder) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let autodiscover = match common::var("EWS_DNS_SERVER") {
        None => autodiscover,
        Some(s) => match s.parse() {
            Ok(addr) => autodiscover.dns_servers(vec![addr]),
            Err(e) => {
                eprintln!("EWS_DNS_SERVER: `{s}` is not ip:port ({e})");
                return ExitCode::from(2);
            }
        },
    };
    let autodiscover = autodiscover.approve_redirect(move |r| {
        if !approve {
            eprintln!("refused {r} (--approve-redirects follows it)");
        }
        approve
    });
    match autodiscover.discover(&email).await {
        Ok(found) => {
            println!("{}", found.ews_url);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

fn usage() -> ExitCode {
    eprintln!("usage: autodiscover [--approve-redirects] <email>");
    ExitCode::from(2)
}
