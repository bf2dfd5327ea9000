//! Synchronizes the items of a folder: every change since a saved state (or from the
//! start).
//!
//! ```sh
//! EWS_SCHEMA_DIR=../shared/ews-schemas/office365 EWS_URL=https://mail.example.com/EWS/Exchange.asmx \
//!     EWS_USER=user@example.com EWS_PASSWORD=... \
//!     cargo run -p ewsgen --features client --example sync_folder -- inbox --state H4sIAAA...
//! ```
//!
//! Prints one line per change, `create\t<id>`, `update\t<id>`, `delete\t<id>` or
//! `read\t<id>\t<true|false>`, over every batch (up to 512 changes each), then
//! `state=<SyncState>` (give it to `--state` to resume from there); exits 0. An EWS or
//! transport error goes to stderr with exit 1, with the last state whose changes were all
//! printed (`resume with --state ...`); bad usage exits 2.
//!
//! `--mailbox <smtp>` works on that mailbox (a delegate's, a shared one; `archivemsgfolderroot`
//! for its archive): the distinguished folder id carries `<t:Mailbox><t:EmailAddress>`, and
//! every request `X-AnchorMailbox`.
//!
//! The environment is `set_im_group`'s (see `common/mod.rs`), plus `EWS_MAX_CONCURRENCY`.
//! `SyncFolderItems` is not among the default schemas' operations: build the example from
//! a schema set that has it (`EWS_SCHEMA_DIR`); built without, it says so and exits 2.

use std::process::ExitCode;

mod common;

#[cfg(ews_operation = "SyncFolderItems")]
mod run {
    use std::process::ExitCode;

    use ewsgen::client::SyncEvent;
    use ewsgen::messages::SyncFolderItemsType;
    use ewsgen::sync::Synced as _;
    use ewsgen::types::{ItemType, SyncFolderItemsChange, TargetFolderIdType};
    use futures_util::StreamExt as _;

    use super::common;

    pub async fn main(args: Vec<String>) -> ExitCode {
        let mut folder = None;
        let mut state = None;
        let mut mailbox = None;
        let mut it = args.iter();
        while let Some(a) = it.next() {
            match a.as_str() {
                "--state" => match it.next() {
                    Some(s) => state = Some(s.clone()),
                    None => return usage("--state needs a SyncState"),
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
        let target = TargetFolderIdType::new(common::folders::id(&folder, mailbox.as_deref()));
        let mut request = SyncFolderItemsType::new(common::items::shape(&[]), target, 512);
        request.set_sync_state(state.clone());
        let mut changes = Box::pin(client.sync(request, common::headers()));
        let mut last = state;
        while let Some(event) = changes.next().await {
            let line = match event {
                Ok(SyncEvent::Change(c)) => match c {
                    SyncFolderItemsChange::Create(c) => {
                        format!("create\t{}", id_of(c.item.as_ref()))
                    }
                    SyncFolderItemsChange::Update(c) => {
                        format!("update\t{}", id_of(c.item.as_ref()))
                    }
                    SyncFolderItemsChange::Delete(d) => {
                        format!("delete\t{}", d.item_id.id)
                    }
                    SyncFolderItemsChange::ReadFlagChange(r) => {
                        format!("read\t{}\t{}", r.item_id.id, r.is_read)
                    }
                },
                Ok(SyncEvent::State(s)) => {
                    last = Some(s.sync_state);
                    continue;
                }
                Err(e) => {
                    common::report(&e);
                    if let Some(s) = &last {
                        eprintln!("resume with --state {s}");
                    }
                    return ExitCode::FAILURE;
                }
            };
            if !common::out(&line) {
                return ExitCode::FAILURE;
            }
        }
        if !common::out(&format!("state={}", last.unwrap_or_default())) {
            return ExitCode::FAILURE;
        }
        ExitCode::SUCCESS
    }

    fn id_of(item: &ItemType) -> &str {
        item.item_id.as_ref().map_or("", |i| i.id.as_str())
    }

    fn usage(problem: &str) -> ExitCode {
        eprintln!("{problem}");
        eprintln!("usage: sync_folder <distinguished-folder-id> [--state STATE] [--mailbox SMTP]");
        ExitCode::from(2)
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    common::init_tracing();
    let args: Vec<String> = std::env::args().skip(1).collect();
    #[cfg(ews_operation = "SyncFolderItems")]
    return run::main(args).await;
    #[cfg(not(ews_operation = "SyncFolderItems"))]
    {
        let _ = args;
        common::missing_operations("sync_folder", &["SyncFolderItems"])
    }
}
