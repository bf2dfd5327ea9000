//! Gets items by id, in batches.
//!
//! ```sh
//! EWS_SCHEMA_DIR=../shared/ews-schemas/office365 EWS_URL=https://mail.example.com/EWS/Exchange.asmx \
//!     EWS_USER=user@example.com EWS_PASSWORD=... \
//!     cargo run -p ewsgen --features client --example get_items -- --batch 100 <item-id>...
//! ```
//!
//! Prints one line per id, in the order given: `<Id>\t<Subject>\t<Size>` (line breaks and
//! tabs in the subject become spaces; a size the server does not give is empty), or
//! `<Id>\terror\t<ResponseCode>` for an id whose response message is an error (or whose
//! batch failed: the fault's code, `HTTP<status>`, or `ClientError`; the error itself on
//! stderr). Exits 0 when every id has its item, 1 when any has an error, 2 on bad usage.
//! Batches (`--batch N` ids each, default 100) run concurrently within
//! `EWS_MAX_CONCURRENCY` (default 10).
//!
//! `--mailbox <smtp>` sends every request with `X-AnchorMailbox` naming that mailbox (the
//! ids are another user's items).
//!
//! The environment is `set_im_group`'s (see `common/mod.rs`), plus `EWS_MAX_CONCURRENCY`.
//! `GetItem` is not among the default schemas' operations: build the example from a schema
//! set that has it (`EWS_SCHEMA_DIR`); built without, it says so and exits 2.

use std::process::ExitCode;

mod common;

#[cfg(ews_operation = "GetItem")]
mod run {
    use std::process::ExitCode;

    use ewsgen::client::ItemError;
    use ewsgen::messages::GetItemType;
    use ewsgen::types::{ItemIdType, ItemType, UnindexedFieldUriType};
    use futures_util::StreamExt as _;

    use super::common;

    pub async fn main(args: Vec<String>) -> ExitCode {
        let mut ids = Vec::new();
        let mut batch = 100;
        let mut mailbox = None;
        let mut it = args.iter();
        while let Some(a) = it.next() {
            match a.as_str() {
                "--batch" => match common::positive::<usize>("--batch", it.next()) {
                    Ok(n) => batch = n,
                    Err(e) => return usage(&e),
                },
                "--mailbox" => match common::mailbox(it.next()) {
                    Ok(m) => mailbox = Some(m),
                    Err(e) => return usage(&e),
                },
                s if s.starts_with("--") => return usage(&format!("unknown option {s}")),
                _ => ids.push(a.clone()),
            }
        }
        if ids.is_empty() {
            return usage("no item id given");
        }
        let client = match common::client_for(mailbox.as_deref()) {
            Ok(c) => c,
            Err(e) => return usage(&e),
        };
        let shape = common::items::shape(&[
            UnindexedFieldUriType::ItemSubject,
            UnindexedFieldUriType::ItemSize,
        ]);
        let request = GetItemType::new(
            shape,
            ids.iter()
                .map(|id| ItemIdType::from(id.as_str()).into())
                .collect(),
        );
        let mut results = Box::pin(
            client
                .batch(request, common::headers())
                .batch_size(batch)
                .stream(),
        );
        let mut failed = false;
        let mut reported: Option<std::sync::Arc<ewsgen::client::Error>> = None;
        let mut ids = ids.iter();
        while let Some(result) = results.next().await {
            let id = ids.next().map_or("", String::as_str);
            let line = match result {
                Ok(message) => match message.items.first() {
                    Some(item) => {
                        let item: &ItemType = item.as_ref();
                        let subject = common::one_line(item.subject.as_deref().unwrap_or(""));
                        let size = item.size.map(|s| s.to_string()).unwrap_or_default();
                        format!("{id}\t{subject}\t{size}")
                    }
                    None => {
                        eprintln!("{id}: the response message holds no item");
                        failed = true;
                        format!("{id}\terror\tNoItem")
                    }
                },
                Err(ItemError::Message(e)) => {
                    failed = true;
                    let code = e.code.as_ref().map_or("(none)".into(), |c| c.to_string());
                    format!("{id}\terror\t{code}")
                }
                Err(ItemError::Call(e)) => {
                    failed = true;
                    // Every id of the batch shares the error: it is told once.
                    if !reported
                        .as_ref()
                        .is_some_and(|r| std::sync::Arc::ptr_eq(r, &e))
                    {
                        common::report(&e);
                        reported = Some(e.clone());
                    }
                    format!("{id}\terror\t{}", common::error_code(&e))
                }
            };
            if !common::out(&line) {
                return ExitCode::FAILURE;
            }
        }
        if failed {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        }
    }

    fn usage(problem: &str) -> ExitCode {
        eprintln!("{problem}");
        eprintln!("usage: get_items [--batch N] [--mailbox SMTP] <item-id>...");
        ExitCode::from(2)
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    common::init_tracing();
    let args: Vec<String> = std::env::args().skip(1).collect();
    #[cfg(ews_operation = "GetItem")]
    return run::main(args).await;
    #[cfg(not(ews_operation = "GetItem"))]
    {
        let _ = args;
        common::missing_operations("get_items", &["GetItem"])
    }
}
