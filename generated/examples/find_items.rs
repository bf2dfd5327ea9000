//! Lists the items of a folder, every page of it.
//!
//! ```sh
//! EWS_SCHEMA_DIR=../shared/ews-schemas/office365 EWS_URL=https://mail.example.com/EWS/Exchange.asmx \
//!     EWS_USER=user@example.com EWS_PASSWORD=... \
//!     cargo run -p ewsgen --features client --example find_items -- inbox --page-size 100
//! ```
//!
//! Prints one line per item, `<ItemId Id>\t<Subject>` (line breaks and tabs in the subject
//! become spaces), over every page, then `<N> items in <M> pages`; exits 0. An EWS or
//! transport error goes to stderr with exit 1 (a folder's error message: its code and text,
//! the other items still listed); bad usage exits 2.
//!
//! `--mailbox <smtp>` works on that mailbox (a delegate's, a shared one; `archivemsgfolderroot`
//! for its archive): the distinguished folder id carries `<t:Mailbox><t:EmailAddress>`, and
//! every request `X-AnchorMailbox`.
//!
//! The environment is `set_im_group`'s (see `common/mod.rs`), plus `EWS_MAX_CONCURRENCY`.
//! `FindItem` is not among the default schemas' operations: build the example from a schema
//! set that has it (`EWS_SCHEMA_DIR`); built without, it says so and exits 2.

use std::process::ExitCode;

mod common;

#[cfg(ews_operation = "FindItem")]
mod run {
    use std::process::ExitCode;

    use ewsgen::messages::FindItemType;
    use ewsgen::types::{ItemQueryTraversalType, ItemType, UnindexedFieldUriType};
    use futures_util::StreamExt as _;

    use super::common;

    pub async fn main(args: Vec<String>) -> ExitCode {
        let mut folder = None;
        let mut page_size = 100;
        let mut mailbox = None;
        let mut it = args.iter();
        while let Some(a) = it.next() {
            match a.as_str() {
                "--page-size" => match common::positive::<i32>("--page-size", it.next()) {
                    Ok(n) => page_size = n,
                    Err(e) => return usage(&e),
                },
                "--mailbox" => match common::mailbox(it.next()) {
                    Ok(m) => mailbox = Some(m),
                    Err(e) => return usage(&e),
                },
                s if s.starts_with("--") => return usage(&format!("unknown option {s}")),
                _ if folder.is_none() => folder = Some(a.clone()),
                _ => return usage("one folder only"),
            }
        }
        let Some(folder) = folder else {
            return usage("no folder given");
        };
        let client = match common::client_for(mailbox.as_deref()) {
            Ok(c) => c,
            Err(e) => return usage(&e),
        };
        let shape = common::items::shape(&[UnindexedFieldUriType::ItemSubject]);
        let folders = vec![common::folders::id(&folder, mailbox.as_deref())];
        let request = FindItemType::new(ItemQueryTraversalType::Shallow, shape, folders);
        let mut pages = Box::pin(
            client
                .pages(request, common::headers())
                .page_size(page_size)
                .stream(),
        );
        let (mut items, mut count, mut failed) = (0usize, 0usize, false);
        while let Some(page) = pages.next().await {
            let page = match page {
                Ok(p) => p,
                Err(e) => {
                    common::report(&e);
                    return ExitCode::FAILURE;
                }
            };
            count += 1;
            for item in page.into_items() {
                match item {
                    Ok(item) => {
                        let item: &ItemType = item.as_ref();
                        let id = item.item_id.as_ref().map_or("", |i| i.id.as_str());
                        let subject = common::one_line(item.subject.as_deref().unwrap_or(""));
                        if !common::out(&format!("{id}\t{subject}")) {
                            return ExitCode::FAILURE;
                        }
                        items += 1;
                    }
                    Err(e) => {
                        common::report(&e);
                        failed = true;
                    }
                }
            }
        }
        if failed {
            return ExitCode::FAILURE;
        }
        if !common::out(&format!("{items} items in {count} pages")) {
            return ExitCode::FAILURE;
        }
        ExitCode::SUCCESS
    }

    fn usage(problem: &str) -> ExitCode {
        eprintln!("{problem}");
        eprintln!("usage: find_items <distinguished-folder-id> [--page-size N] [--mailbox SMTP]");
        ExitCode::from(2)
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    common::init_tracing();
    let args: Vec<String> = std::env::args().skip(1).collect();
    #[cfg(ews_operation = "FindItem")]
    return run::main(args).await;
    #[cfg(not(ews_operation = "FindItem"))]
    {
        let _ = args;
        common::missing_operations("find_items", &["FindItem"])
    }
}
