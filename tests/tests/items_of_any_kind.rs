//! The README's "items of any kind" example, on the documented FindItem and GetItem
//! responses: every item of a response gives its `t:ItemType` through `as_ref()`, whatever
//! kind it is (a message, a meeting request, a contact...), and derived types read their
//! base's fields through `Deref`.

#[cfg(ews_shared)]
mod run {
    use ews_tests::office365::types::{FindItemParentItemsOrGroups, Item, ItemType};
    use ews_tests::office365::GlobalElement;
    use ews_tests::shared_dir;
    use ewsgen::soap::Envelope;

    fn read(name: &str) -> Envelope<GlobalElement> {
        let xml = std::fs::read_to_string(shared_dir().join("ews-samples").join(name))
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            // Some samples were printed with `https://` as the SOAP namespace.
            .replace(
                "https://schemas.xmlsoap.org/soap/envelope/",
                "http://schemas.xmlsoap.org/soap/envelope/",
            );
        Envelope::from_str(&xml, ews_tests::office365::NAMESPACES)
            .unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    /// The items of every FindItem response message of an envelope, as the README shows.
    fn found_items(env: &Envelope<GlobalElement>) -> Vec<&Item> {
        let mut out = Vec::new();
        for body in &env.body {
            let GlobalElement::FindItemResponse(response) = body else {
                continue;
            };
            // The operation's own messages, typed.
            for m in response.messages() {
                let Some(root) = &m.root_folder else { continue };
                if let FindItemParentItemsOrGroups::Items(items) = &root.items_or_groups {
                    out.extend(items);
                }
            }
        }
        out
    }

    pub(super) fn find_item_responses_give_item_type_of_every_item() {
        let mut kinds = std::collections::BTreeSet::new();
        let mut with_subject = 0;
        let mut total = 0;
        for n in 1..=15 {
            let name = format!("FindItem.response.{n}.xml");
            if !shared_dir().join("ews-samples").join(&name).is_file() {
                continue;
            }
            let env = read(&name);
            for item in found_items(&env) {
                let base: &ItemType = item.as_ref();
                total += 1;
                if base.subject.is_some() {
                    with_subject += 1;
                }
                assert!(base.item_id.is_some(), "{name}: an item without ItemId");
                kinds.insert(
                    format!("{item:?}")
                        .split('(')
                        .next()
                        .unwrap_or("")
                        .to_string(),
                );
            }
        }
        assert!(total >= 20, "only {total} items found");
        assert!(
            with_subject >= 10,
            "only {with_subject} items with a subject"
        );
        // Several kinds of item, all reached the same way.
        assert!(kinds.len() >= 2, "{kinds:?}");
    }

    pub(super) fn a_derived_message_reads_its_base_fields_through_deref() {
        let envs: Vec<_> = (1..=15)
            .map(|n| format!("FindItem.response.{n}.xml"))
            .filter(|n| shared_dir().join("ews-samples").join(n).is_file())
            .map(|n| read(&n))
            .collect();
        let message = envs
            .iter()
            .flat_map(found_items)
            .find_map(|i| match i {
                Item::Message(m) => Some(m),
                _ => None,
            })
            .expect("a documented FindItem response lists a message");
        // `subject` is `t:ItemType`'s; `from` is `t:MessageType`'s own.
        assert_eq!(message.subject, message.base.subject);
        let through_as_ref: &ItemType = (**message).as_ref();
        assert_eq!(through_as_ref.item_id, message.item_id);
    }
}

#[test]
#[cfg_attr(
    not(ews_shared),
    ignore = "needs ../shared (or EWS_SHARED_DIR): the official schemas and samples"
)]
fn find_item_responses_give_item_type_of_every_item() {
    #[cfg(ews_shared)]
    run::find_item_responses_give_item_type_of_every_item();
    #[cfg(not(ews_shared))]
    panic!("built without ../shared (EWS_SHARED_DIR): nothing to run");
}

#[test]
#[cfg_attr(
    not(ews_shared),
    ignore = "needs ../shared (or EWS_SHARED_DIR): the official schemas and samples"
)]
fn a_derived_message_reads_its_base_fields_through_deref() {
    #[cfg(ews_shared)]
    run::a_derived_message_reads_its_base_fields_through_deref();
    #[cfg(not(ews_shared))]
    panic!("built without ../shared (EWS_SHARED_DIR): nothing to run");
}
