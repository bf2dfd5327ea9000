//! Which operations the generator finds paged, synchronized, batched and streamed, from the
//! shapes of their requests and responses alone (`ews_codegen::ews::scale_shapes`): the
//! lists for each official schema set, and none for the project's own IM schemas.

use std::path::Path;

use ews_codegen::ews::{scale_shapes, version_headers};
use ews_codegen::model::TypeKind;

struct Lists {
    paged: Vec<String>,
    synced: Vec<String>,
    batched: Vec<String>,
    streamed: Vec<String>,
    versions: Vec<String>,
}

fn lists(dir: &Path) -> Lists {
    let (model, _) = ews_codegen::Builder::new()
        .schema_dir(dir)
        .model()
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let shapes = scale_shapes(&model);
    let names = |f: &dyn Fn(&ews_codegen::ews::ScaleShapes) -> bool| {
        let mut v: Vec<String> = shapes
            .iter()
            .filter(|s| f(s))
            .map(|s| s.operation.clone())
            .collect();
        v.sort();
        v
    };
    let versions = match version_headers(&model).request {
        Some((_, _, _, e)) => match &model.types[&e].kind {
            TypeKind::Enum { values, .. } => values.iter().map(|(v, _)| v.clone()).collect(),
            _ => Vec::new(),
        },
        None => Vec::new(),
    };
    Lists {
        paged: names(&|s| s.paging.is_some()),
        synced: names(&|s| s.sync.is_some()),
        batched: names(&|s| s.batch.is_some()),
        streamed: names(&|s| s.streaming.is_some()),
        versions,
    }
}

#[test]
fn the_own_schemas_have_none_but_the_version_header() {
    let l = lists(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas"));
    assert!(
        l.paged.is_empty() && l.synced.is_empty() && l.batched.is_empty() && l.streamed.is_empty()
    );
    assert_eq!(l.versions.first().map(String::as_str), Some("Exchange2007"));
    assert_eq!(l.versions.last().map(String::as_str), Some("V2018_01_08"));
}

#[test]
#[cfg_attr(
    not(ews_shared),
    ignore = "needs ../shared (or EWS_SHARED_DIR): the official schemas"
)]
fn the_official_sets_page_sync_batch_and_stream_these_operations() {
    #[cfg(ews_shared)]
    {
        let dir = ews_tests::shared_dir().join("ews-schemas");
        let batched_2010 = [
            "ConvertId",
            "CopyFolder",
            "CopyItem",
            "DeleteAttachment",
            "DeleteFolder",
            "DeleteItem",
            "EmptyFolder",
            "ExportItems",
            "FindFolder",
            "FindItem",
            "GetAttachment",
            "GetFolder",
            "GetItem",
            "MoveFolder",
            "MoveItem",
            "SendItem",
        ];
        for (set, batched_more, newest) in [
            (
                "office365",
                &[
                    "ArchiveItem",
                    "MarkAllItemsAsRead",
                    "MarkAsJunk",
                    "MarkAsPhishing",
                    "ReportMessage",
                ][..],
                "V2018_01_08",
            ),
            (
                "exchange2016",
                &[
                    "ArchiveItem",
                    "MarkAllItemsAsRead",
                    "MarkAsJunk",
                    "ReportMessage",
                ][..],
                "V2017_07_11",
            ),
            ("exchange2010_sp2", &[][..], "Exchange2010_SP2"),
        ] {
            let l = lists(&dir.join(set));
            assert_eq!(l.paged, ["FindFolder", "FindItem"], "{set}: paged");
            assert_eq!(
                l.synced,
                ["SyncFolderHierarchy", "SyncFolderItems"],
                "{set}: synchronized"
            );
            assert_eq!(l.streamed, ["GetStreamingEvents"], "{set}: streamed");
            let mut batched: Vec<&str> = batched_2010.iter().chain(batched_more).copied().collect();
            batched.sort();
            assert_eq!(l.batched, batched, "{set}: batched");
            assert_eq!(
                l.versions.last().map(String::as_str),
                Some(newest),
                "{set}: newest version"
            );
            assert_eq!(
                l.versions.first().map(String::as_str),
                Some("Exchange2007"),
                "{set}"
            );
        }
    }
    #[cfg(not(ews_shared))]
    panic!("built without ../shared (EWS_SHARED_DIR): nothing to run");
}
