//! The default reading keeps a response over what real Exchange servers send and a strict
//! reading refuses (exchangelib met each of these from real servers): a character reference
//! to a character XML 1.0 excludes (`&#x0;` in a Subject) is read as U+FFFD, unpadded
//! base64 is decoded, and an attribute the schema does not declare (exchangelib sends
//! `<m:FindPeople Traversal="Shallow">`) is skipped; each repair is recorded in
//! `Envelope::repairs` with its element path, line and column. Strict reading refuses
//! each. The IM part runs on the default bindings; the rest on office365.

use ewsgen::rt::lexical::Repair as Lexical;
use ewsgen::rt::{ReadOptions, RepairKind, UnknownElements};
use ewsgen::soap::Envelope;
use ewsgen::GlobalElement;

const M: &str = "http://schemas.microsoft.com/exchange/services/2006/messages";
const T: &str = "http://schemas.microsoft.com/exchange/services/2006/types";

fn strict() -> ReadOptions {
    ReadOptions {
        unknown_elements: UnknownElements::Error,
        ..ReadOptions::default()
    }
}

fn im_request(name: &str, extra_attr: &str) -> String {
    format!(
        "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>\n\
         <m:SetImGroup xmlns:m=\"{M}\" xmlns:t=\"{T}\"{extra_attr}>\n\
         <m:GroupId Id=\"AAMk&#x1;\" ChangeKey=\"EgAAAA==\"/>\n\
         <m:NewDisplayName>{name}</m:NewDisplayName></m:SetImGroup></s:Body></s:Envelope>"
    )
}

#[test]
fn excluded_character_references_and_undeclared_attributes_are_repaired_and_recorded() {
    let xml = im_request("Friends&#x0;&#x1F;", " Traversal=\"Shallow\"");
    let env = Envelope::<GlobalElement>::from_str(&xml, ewsgen::NAMESPACES).expect("kept");
    let GlobalElement::SetImGroup(req) = &env.body[0] else {
        panic!("{:?}", env.body)
    };
    assert_eq!(req.new_display_name, "Friends\u{FFFD}\u{FFFD}");
    assert_eq!(req.group_id.id, "AAMk\u{FFFD}");
    let seen: Vec<(String, u64, String)> = env
        .repairs
        .iter()
        .map(|r| (r.path.clone(), r.line, r.kind.to_string()))
        .collect();
    assert!(
        env.repairs
            .iter()
            .any(|r| r.path == "/Envelope/Body/SetImGroup"
                && r.line == 2
                && r.kind == RepairKind::SkippedAttribute("Traversal".into())),
        "{seen:?}"
    );
    assert!(
        env.repairs
            .iter()
            .any(|r| r.path == "/Envelope/Body/SetImGroup/GroupId"
                && r.line == 3
                && r.kind
                    == RepairKind::Lexical(Lexical::ExcludedCharRef {
                        code: 1,
                        replacement: '\u{FFFD}'
                    })),
        "{seen:?}"
    );
    let text_refs: Vec<_> = env
        .repairs
        .iter()
        .filter(|r| r.path == "/Envelope/Body/SetImGroup/NewDisplayName" && r.line == 4)
        .map(|r| r.kind.clone())
        .collect();
    assert_eq!(
        text_refs,
        [0u32, 0x1F].map(|code| RepairKind::Lexical(Lexical::ExcludedCharRef {
            code,
            replacement: '\u{FFFD}'
        })),
        "{seen:?}"
    );
    assert_eq!(env.repairs.len(), 4, "{seen:?}");
    // What was kept is written as XML (U+FFFD is a character XML carries).
    let out = env.to_xml(ewsgen::NAMESPACES).unwrap();
    assert!(out.contains("Friends\u{FFFD}\u{FFFD}"), "{out}");

    // Strict reading refuses each of the three.
    for (xml, what) in [
        (im_request("Friends&#x0;", ""), "&#x0;"),
        (
            im_request("Friends", " Traversal=\"Shallow\"").replace("&#x1;", ""),
            "Traversal",
        ),
        (im_request("Friends", ""), "&#x1;"),
    ] {
        let e = Envelope::<GlobalElement>::from_str_with(&xml, ewsgen::NAMESPACES, strict())
            .expect_err(what);
        assert!(
            e.path.starts_with("/Envelope/Body/SetImGroup"),
            "{what}: {e}"
        );
    }
    // Without anything to repair, nothing is recorded.
    let clean = im_request("Friends", "").replace("&#x1;", "");
    let env = Envelope::<GlobalElement>::from_str(&clean, ewsgen::NAMESPACES).unwrap();
    assert!(env.repairs.is_empty(), "{:?}", env.repairs);
}

#[cfg(ews_shared)]
mod run {
    use super::*;
    use ews_tests::office365;

    /// `m:ExtensionIds` is a list of GUIDs (a pattern on the item type).
    pub fn list_items_are_held_to_their_facets_by_strict_reading() {
        let doc = |ids: &str| {
            format!("<m:GetAppManifests xmlns:m=\"{M}\"><m:ExtensionIds>{ids}</m:ExtensionIds></m:GetAppManifests>")
        };
        let good = doc("6ba7b810-9dad-11d1-80b4-00c04fd430c8 6ba7b811-9dad-11d1-80b4-00c04fd430c8");
        let bad = doc("6ba7b810-9dad-11d1-80b4-00c04fd430c8 !#");
        office365::GlobalElement::from_document_with(&good, strict()).expect("valid");
        let e = office365::GlobalElement::from_document_with(&bad, strict()).expect_err("invalid");
        assert!(e.to_string().contains("[facet 'pattern']"), "{e}");
        assert_eq!(e.path, "/GetAppManifests/ExtensionIds");
        office365::GlobalElement::from_document(&bad).expect("the default reading keeps it");
    }

    pub fn unpadded_base64_is_decoded_and_recorded() {
        let xml = format!(
            "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>\
             <m:GetAttachmentResponse xmlns:m=\"{M}\" xmlns:t=\"{T}\"><m:ResponseMessages>\
             <m:GetAttachmentResponseMessage ResponseClass=\"Success\"><m:ResponseCode>NoError</m:ResponseCode>\
             <m:Attachments><t:FileAttachment><t:AttachmentId Id=\"AAMk\"/><t:Name>a.txt</t:Name>\n\
             <t:Content>SGVsbG8</t:Content></t:FileAttachment></m:Attachments>\
             </m:GetAttachmentResponseMessage></m:ResponseMessages></m:GetAttachmentResponse></s:Body></s:Envelope>"
        );
        let env = Envelope::<office365::GlobalElement>::from_str(&xml, office365::NAMESPACES)
            .expect("kept");
        let out = env.to_xml(office365::NAMESPACES).unwrap();
        assert!(out.contains("<t:Content>SGVsbG8=</t:Content>"), "{out}");
        assert_eq!(env.repairs.len(), 1, "{:?}", env.repairs);
        let r = &env.repairs[0];
        assert_eq!(
            r.path,
            "/Envelope/Body/GetAttachmentResponse/ResponseMessages/GetAttachmentResponseMessage/Attachments/FileAttachment/Content"
        );
        assert_eq!(r.line, 2);
        assert_eq!(r.kind, RepairKind::Lexical(Lexical::Base64Padding));
        let e = Envelope::<office365::GlobalElement>::from_str_with(
            &xml,
            office365::NAMESPACES,
            strict(),
        )
        .expect_err("strict");
        assert!(e.path.ends_with("/FileAttachment/Content"), "{e}");

        // exchangelib 5.6's FindPeople: the Traversal attribute is skipped and recorded.
        let xml = format!(
            "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>\
             <m:FindPeople xmlns:m=\"{M}\" xmlns:t=\"{T}\" Traversal=\"Shallow\">\
             <m:IndexedPageItemView BasePoint=\"Beginning\" MaxEntriesReturned=\"100\" Offset=\"0\"/>\
             <m:ParentFolderId><t:DistinguishedFolderId Id=\"contacts\"/></m:ParentFolderId>\
             </m:FindPeople></s:Body></s:Envelope>"
        );
        let env = Envelope::<office365::GlobalElement>::from_str(&xml, office365::NAMESPACES)
            .expect("kept");
        assert_eq!(
            env.repairs
                .iter()
                .map(|r| (r.path.as_str(), &r.kind))
                .collect::<Vec<_>>(),
            [(
                "/Envelope/Body/FindPeople",
                &RepairKind::SkippedAttribute("Traversal".into())
            )]
        );
        Envelope::<office365::GlobalElement>::from_str_with(&xml, office365::NAMESPACES, strict())
            .expect_err("strict");
    }
}

#[test]
#[cfg_attr(
    not(ews_shared),
    ignore = "needs ../shared (or EWS_SHARED_DIR): the official schemas"
)]
fn list_items_are_held_to_their_facets_by_strict_reading() {
    #[cfg(ews_shared)]
    run::list_items_are_held_to_their_facets_by_strict_reading();
}

#[test]
#[cfg_attr(
    not(ews_shared),
    ignore = "needs ../shared (or EWS_SHARED_DIR): the official schemas"
)]
fn unpadded_base64_is_decoded_and_recorded() {
    #[cfg(ews_shared)]
    run::unpadded_base64_is_decoded_and_recorded();
}
