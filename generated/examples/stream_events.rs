//! Subscribes to a folder's events and prints them as they arrive (streaming
//! notifications).
//!
//! ```sh
//! EWS_SCHEMA_DIR=../shared/ews-schemas/office365 EWS_URL=https://mail.example.com/EWS/Exchange.asmx \
//!     EWS_USER=user@example.com EWS_PASSWORD=... \
//!     cargo run -p ewsgen --features client --example stream_events -- inbox --max-events 10
//! ```
//!
//! Subscribes (a streaming subscription to every event type of the folder, with
//! `X-PreferServerAffinity` and `X-AnchorMailbox`: the `--mailbox`, else `EWS_USER` when
//! it is an address), then
//! reads `GetStreamingEvents` (30 minutes at most) and prints one line per event as it
//! arrives, `<EventType>\t<ItemId or FolderId>` (`StatusEvent\t` for a status event, which
//! names nothing). Exits 0 after `--max-events N` events or when the server closes the
//! connection; an EWS or transport error goes to stderr with exit 1; bad usage exits 2.
//!
//! `--mailbox <smtp>` works on that mailbox (a delegate's, a shared one; `archivemsgfolderroot`
//! for its archive): the distinguished folder id carries `<t:Mailbox><t:EmailAddress>`, and
//! every request `X-AnchorMailbox`.
//!
//! The environment is `set_im_group`'s (see `common/mod.rs`), plus `EWS_MAX_CONCURRENCY`.
//! `Subscribe` and `GetStreamingEvents` are not among the default schemas' operations:
//! build the example from a schema set that has them (`EWS_SCHEMA_DIR`); built without, it
//! says so and exits 2.

use std::process::ExitCode;

mod common;

#[cfg(all(ews_operation = "Subscribe", ews_operation = "GetStreamingEvents"))]
mod run {
    use std::process::ExitCode;

    use ewsgen::client::CallOptions;
    use ewsgen::messages::{GetStreamingEventsType, SubscribeType};
    use ewsgen::types::{
        BaseObjectChangedEventId, BaseObjectChangedEventType, NotificationEvent,
        NotificationEventTypeType, StreamingSubscriptionRequestType,
    };
    use ewsgen::ResponseMessage as _;
    use futures_util::StreamExt as _;

    use super::common;

    pub async fn main(args: Vec<String>) -> ExitCode {
        let mut folder = None;
        let mut max_events: Option<usize> = None;
        let mut mailbox = None;
        let mut it = args.iter();
        while let Some(a) = it.next() {
            match a.as_str() {
                "--max-events" => match common::positive::<usize>("--max-events", it.next()) {
                    Ok(n) => max_events = Some(n),
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
        let headers = common::headers();
        let mut options = CallOptions::new().prefer_server_affinity(true);
        if let Some(m) = &mailbox {
            options = options.anchor_mailbox(m.clone());
        } else if let Some(user) = common::var("EWS_USER").filter(|u| u.contains('@')) {
            options = options.anchor_mailbox(user);
        }

        let event_types = [
            NotificationEventTypeType::CopiedEvent,
            NotificationEventTypeType::CreatedEvent,
            NotificationEventTypeType::DeletedEvent,
            NotificationEventTypeType::ModifiedEvent,
            NotificationEventTypeType::MovedEvent,
            NotificationEventTypeType::NewMailEvent,
            NotificationEventTypeType::FreeBusyChangedEvent,
        ];
        let mut subscription = StreamingSubscriptionRequestType::new(event_types.to_vec());
        subscription.folder_ids = Some(vec![common::folders::id(&folder, mailbox.as_deref())]);
        let subscribe = SubscribeType::new(subscription.into());
        let response = match client.call_with(&subscribe, &headers, &options).await {
            Ok(r) => r,
            Err(e) => {
                common::report(&e);
                return ExitCode::FAILURE;
            }
        };
        let mut id = None;
        for m in response.body.messages() {
            if let Err(e) = m.check() {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
            id = m.subscription_id.clone();
        }
        let Some(id) = id else {
            eprintln!("the Subscribe response holds no subscription id");
            return ExitCode::FAILURE;
        };

        let request = GetStreamingEventsType::new(vec![id], 30);
        let mut notifications = Box::pin(
            client
                .streaming_events(request, headers)
                .call_options(options)
                .stream(),
        );
        let mut seen = 0;
        while let Some(n) = notifications.next().await {
            let n = match n {
                Ok(n) => n,
                Err(e) => {
                    common::report(&e);
                    return ExitCode::FAILURE;
                }
            };
            for event in &n.events {
                let line = match event {
                    NotificationEvent::CopiedEvent(e) => line("CopiedEvent", (**e).as_ref()),
                    NotificationEvent::CreatedEvent(e) => line("CreatedEvent", e),
                    NotificationEvent::DeletedEvent(e) => line("DeletedEvent", e),
                    NotificationEvent::ModifiedEvent(e) => line("ModifiedEvent", (**e).as_ref()),
                    NotificationEvent::MovedEvent(e) => line("MovedEvent", (**e).as_ref()),
                    NotificationEvent::NewMailEvent(e) => line("NewMailEvent", e),
                    NotificationEvent::FreeBusyChangedEvent(e) => line("FreeBusyChangedEvent", e),
                    NotificationEvent::StatusEvent(_) => "StatusEvent\t".to_string(),
                };
                if !common::out(&line) {
                    return ExitCode::FAILURE;
                }
                seen += 1;
                if max_events.is_some_and(|m| seen >= m) {
                    return ExitCode::SUCCESS;
                }
            }
        }
        ExitCode::SUCCESS
    }

    fn line(kind: &str, e: &BaseObjectChangedEventType) -> String {
        let id = match &e.id {
            BaseObjectChangedEventId::ItemId(i) => i.id.as_str(),
            BaseObjectChangedEventId::FolderId(f) => f.id.as_str(),
        };
        format!("{kind}\t{id}")
    }

    fn usage(problem: &str) -> ExitCode {
        eprintln!("{problem}");
        eprintln!(
            "usage: stream_events <distinguished-folder-id> [--max-events N] [--mailbox SMTP]"
        );
        ExitCode::from(2)
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    common::init_tracing();
    let args: Vec<String> = std::env::args().skip(1).collect();
    #[cfg(all(ews_operation = "Subscribe", ews_operation = "GetStreamingEvents"))]
    return run::main(args).await;
    #[cfg(not(all(ews_operation = "Subscribe", ews_operation = "GetStreamingEvents")))]
    {
        let _ = args;
        common::missing_operations("stream_events", &["Subscribe", "GetStreamingEvents"])
    }
}
