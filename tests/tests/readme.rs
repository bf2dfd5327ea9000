//! Every `rust` block of the README compiles as written: `tests/build.rs` copies each into
//! `OUT_DIR/readme/<section>_<n>.rs` (the `n`th block under a heading), and this file gives
//! each the context it assumes (the variables it names, as parameters; the imports of the
//! names it uses unqualified) and includes it. The blocks on operations of the official sets
//! compile against the office365 bindings (`ews_tests::office365`, or the two-set bindings of
//! `tests/build.rs`), with `../shared`; the quick start's blocks are built as a crate of their
//! own by `tests/quick_start.rs`. The SetImGroup block also runs.
//!
//! A block added to the README needs a context here (the test below names it); a block
//! removed fails the build of this file at its `include!`: remove its context.

include!(concat!(env!("OUT_DIR"), "/readme_blocks.rs"));

/// The README block `id` as a block expression (statements).
macro_rules! block {
    ($id:literal) => {
        include!(concat!(env!("OUT_DIR"), "/readme/", $id, ".block.rs"))
    };
}

/// The README block `id` as items.
macro_rules! items {
    ($id:literal) => {
        include!(concat!(env!("OUT_DIR"), "/readme/", $id, ".rs"));
    };
}

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

/// The blocks this file compiles.
const COMPILED: &[&str] = &[
    "setimgroup_1",
    "calling_exchange_1",
    "connecting_the_way_mail_clients_do_1",
    "your_servers_schemas_1",
    "reading_what_real_servers_send_1",
];

/// The blocks this file compiles against the official sets' bindings (with `../shared`).
const COMPILED_OFFICIAL: &[&str] = &[
    "generated_types_1",
    "at_mailbox_scale_1",
    "your_servers_schemas_2",
];

/// The quick start's `build.rs` and `src/main.rs`: `tests/quick_start.rs` builds them.
const QUICK_START: &[&str] = &["quick_start_1", "quick_start_2"];

// ---- SetImGroup: `response_xml` is a saved response envelope ----

#[allow(unused)]
fn setimgroup_1(response_xml: String) -> Result {
    block!("setimgroup_1");
    Ok(())
}

// ---- Calling Exchange: `password`, and the SetImGroup `request` ----

#[allow(unused)]
async fn calling_exchange_1(password: String, request: ewsgen::messages::SetImGroupType) -> Result {
    block!("calling_exchange_1");
    Ok(())
}

// ---- Connecting the way mail clients do: `password` ----

#[allow(unused)]
async fn connecting_the_way_mail_clients_do_1(password: String) -> Result {
    block!("connecting_the_way_mail_clients_do_1");
    Ok(())
}

// ---- Reading what real servers send: the options (it also runs) ----

#[allow(unused)]
fn reading_what_real_servers_send_1() {
    block!("reading_what_real_servers_send_1");
}

#[test]
fn the_reading_options_block_runs() {
    reading_what_real_servers_send_1();
}

// ---- Your server's schemas: a build script ----

#[allow(unused)]
mod your_servers_schemas_1 {
    items!("your_servers_schemas_1");
}

// ---- The blocks on official-set operations ----

#[cfg(ews_shared)]
#[allow(unused)]
mod official {
    use ews_tests::office365::messages::{
        FindItemType, GetItemType, GetStreamingEventsType, SyncFolderItemsType,
    };
    use ews_tests::office365::types::ItemType;
    use ews_tests::office365::RequestHeaders;
    use ewsgen::client::{Client, ItemError, SyncEvent};

    use super::Result;

    /// The bindings of the quick start's crate (`ews`), here the office365 set's.
    mod ews {
        pub use ews_tests::office365::*;
    }

    /// Generated types: the blocks name nothing from outside (an inherited field is set
    /// through `DerefMut`, which a struct literal cannot do).
    #[allow(clippy::field_reassign_with_default)]
    fn generated_types_1() {
        block!("generated_types_1");
    }

    /// At mailbox scale: a client, headers and one request of each kind; `apply` and `save`
    /// stand for the program's own.
    async fn at_mailbox_scale_1(
        client: Client,
        headers: RequestHeaders,
        find_item: FindItemType,
        sync_folder_items: SyncFolderItemsType,
        get_item_with_10_000_ids: GetItemType,
        get_streaming_events: GetStreamingEventsType,
    ) -> Result {
        fn apply<T>(_: T) {}
        fn save<T: ?Sized>(_: &T) {}
        block!("at_mailbox_scale_1");
        Ok(())
    }

    /// Your server's schemas: two sets in one program (the build script's output is
    /// `tests/build.rs`'s own).
    mod your_servers_schemas_2 {
        items!("your_servers_schemas_2");
    }
}

// ---- The tests ----

#[test]
fn every_rust_block_of_the_readme_is_compiled() {
    let ids: Vec<&str> = README_BLOCKS.iter().map(|(id, _)| *id).collect();
    let handled: Vec<&str> = COMPILED
        .iter()
        .chain(COMPILED_OFFICIAL)
        .chain(QUICK_START)
        .copied()
        .collect();
    for (id, line) in README_BLOCKS {
        assert!(
            handled.contains(id),
            "README.md line {line}: no test compiles the rust block `{id}`: give it a context in tests/tests/readme.rs"
        );
    }
    for id in handled {
        assert!(
            ids.contains(&id),
            "tests/tests/readme.rs compiles `{id}`, which the README no longer has: {ids:?}"
        );
    }
}

#[test]
fn the_quick_start_opens_with_its_three_files() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
        .expect("README.md");
    let line = |id: &str| {
        README_BLOCKS
            .iter()
            .find(|(b, _)| *b == id)
            .map(|(_, l)| *l)
            .unwrap_or_else(|| panic!("no block {id}"))
    };
    let lines: Vec<&str> = readme.lines().collect();
    assert_eq!(lines[line("quick_start_1") - 1], "// build.rs");
    assert_eq!(lines[line("quick_start_2") - 1], "// src/main.rs");
    // `## Quick start` comes right after the two commands and their paragraph.
    let first_fence_end = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.starts_with("```"))
        .nth(1)
        .map(|(i, _)| i)
        .expect("the first sh block");
    let after: Vec<&str> = lines[first_fence_end + 1..]
        .iter()
        .copied()
        .filter(|l| !l.is_empty())
        .take_while(|l| !l.starts_with("## "))
        .collect();
    assert!(
        lines[first_fence_end + 1..]
            .iter()
            .find(|l| l.starts_with("## "))
            == Some(&"## Quick start"),
        "the first section after the two commands is not the quick start"
    );
    assert!(
        after.iter().all(|l| !l.starts_with("```")) && !after.is_empty(),
        "one paragraph between the two commands and the quick start: {after:?}"
    );
}

/// A SetImGroup response as a server saves it.
const SAVED_RESPONSE: &str = r#"<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header><h:ServerVersionInfo MajorVersion="15" MinorVersion="1" MajorBuildNumber="2507" MinorBuildNumber="6" Version="V2017_07_11" xmlns:h="http://schemas.microsoft.com/exchange/services/2006/types"/></s:Header><s:Body><SetImGroupResponse ResponseClass="Success" xmlns="http://schemas.microsoft.com/exchange/services/2006/messages"><ResponseCode>NoError</ResponseCode></SetImGroupResponse></s:Body></s:Envelope>"#;

#[test]
fn the_setimgroup_block_runs() {
    setimgroup_1(SAVED_RESPONSE.into()).expect("the README's SetImGroup block runs");
    // Its offline decoding gives the fault of a fault envelope as an error.
    let fault = r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode xmlns:a="http://schemas.microsoft.com/exchange/services/2006/types">a:ErrorSchemaValidation</faultcode><faultstring>The request failed schema validation.</faultstring></s:Fault></s:Body></s:Envelope>"#;
    let err = setimgroup_1(fault.into()).expect_err("a fault");
    assert_eq!(
        err.to_string(),
        "SOAP fault a:ErrorSchemaValidation: The request failed schema validation."
    );
}

#[test]
#[cfg_attr(
    not(ews_shared),
    ignore = "needs ../shared (or EWS_SHARED_DIR): the README's blocks on official-set operations compile against bindings of the official sets"
)]
fn the_blocks_on_official_operations_compile_against_the_official_sets() {
    // Compiled above (module `official`, only with the material); here: those blocks are
    // the README's.
    for id in COMPILED_OFFICIAL {
        assert!(
            README_BLOCKS.iter().any(|(b, _)| b == id),
            "the README has no block {id}"
        );
    }
}
