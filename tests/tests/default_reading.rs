//! The default reading keeps a response over what real Exchange servers send and a strict
//! reading refuses (exchangelib met each of these from real servers): a character reference
//! to a character XML 1.0 excludes (`&#x0;` in a Subject) is read as U+FFFD, unpadded
//! base64 is decoded, and an attribute the schema does not declare (exchangelib sends
//! `<m:FindPeople Traversal="Shallow">`) is skipped; each repair is recorded in
//! `Envelope::repairs` with its element path, line and column. Strict reading refuses
//! each. The IM part runs on the default bindings; the rest on office365.

use ewsgen::rt::lexical::Repair as Lexical;
use ewsgen::rt::{ErrorKind, ReadOptions, RepairKind, UnknownElements};
use ewsgen::soap::Envelope;
use ewsgen::GlobalElement;

const M: &str = "http://schemas.microsoft.com/exchange/services/2006/messages";
const T: &str = "http://schemas.microsoft.com/exchange/services/2006/types";

fn strict() -> ReadOptions {
    ReadOptions::strict()
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

const SOAP: &str = "http://schemas.xmlsoap.org/soap/envelope/";

fn read(xml: &str) -> Envelope<GlobalElement> {
    Envelope::<GlobalElement>::from_str(xml, ewsgen::NAMESPACES)
        .unwrap_or_else(|e| panic!("the default reading refuses it: {e}\n{xml}"))
}

fn refuse(xml: &str) -> ewsgen::rt::Error {
    Envelope::<GlobalElement>::from_str_with(xml, ewsgen::NAMESPACES, ReadOptions::strict())
        .expect_err("strict reading accepts it")
}

/// The repairs as (path, line, column, kind).
fn repairs(env: &Envelope<GlobalElement>) -> Vec<(String, u64, u64, RepairKind)> {
    env.repairs
        .iter()
        .map(|r| (r.path.clone(), r.line, r.column, r.kind.clone()))
        .collect()
}

fn set_im_group(inner: &str) -> String {
    format!(
        "<s:Envelope xmlns:s=\"{SOAP}\"><s:Body>\n\
         <m:SetImGroup xmlns:m=\"{M}\" xmlns:t=\"{T}\">{inner}</m:SetImGroup></s:Body></s:Envelope>"
    )
}

/// Exchange Online's faults carry WS-Addressing's `Action` header, which the schemas do
/// not declare.
#[test]
fn undeclared_soap_headers_are_skipped_or_kept_and_recorded() {
    let xml = format!(
        "<s:Envelope xmlns:s=\"{SOAP}\">\n<s:Header>\n\
         <Action s:mustUnderstand=\"1\" xmlns=\"http://schemas.microsoft.com/ws/2005/05/addressing/none\">*</Action>\n\
         </s:Header><s:Body><s:Fault><faultcode>s:Client</faultcode>\
         <faultstring xml:lang=\"en-US\">The request failed schema validation.</faultstring>\
         </s:Fault></s:Body></s:Envelope>"
    );
    let env = read(&xml);
    assert_eq!(
        env.fault.as_ref().map(|f| f.fault_code.as_str()),
        Some("s:Client")
    );
    assert_eq!(
        repairs(&env),
        [(
            "/Envelope/Header/Action".to_string(),
            3,
            1,
            RepairKind::UndeclaredHeader("Action".into())
        )]
    );
    assert_eq!(env.unknown.len(), 1);
    assert_eq!(env.unknown[0].path, "/Envelope/Header/Action");
    // Kept raw when asked.
    let keep = ReadOptions::builder()
        .unknown_elements(UnknownElements::Keep)
        .build();
    let env = Envelope::<GlobalElement>::from_str_with(&xml, ewsgen::NAMESPACES, keep).unwrap();
    let raw = env.unknown[0].element.as_ref().expect("kept");
    assert_eq!(raw.name, "Action");
    assert_eq!(
        raw.namespace.as_deref(),
        Some("http://schemas.microsoft.com/ws/2005/05/addressing/none")
    );
    let e = refuse(&xml);
    assert_eq!(e.path, "/Envelope/Header/Action", "{e}");
    assert!(e.to_string().contains("<Action>"), "{e}");
}

#[test]
fn undeclared_body_children_are_recorded_beside_the_body() {
    let xml = format!(
        "<s:Envelope xmlns:s=\"{SOAP}\"><s:Body>\n<x:Notice xmlns:x=\"urn:example\">a</x:Notice>\n\
         <m:SetImGroup xmlns:m=\"{M}\" xmlns:t=\"{T}\"><m:GroupId Id=\"g\"/>\
         <m:NewDisplayName>Friends</m:NewDisplayName></m:SetImGroup></s:Body></s:Envelope>"
    );
    let env = read(&xml);
    assert_eq!(env.body.len(), 1);
    assert_eq!(env.unknown.len(), 1);
    assert_eq!(
        (env.unknown[0].path.as_str(), env.unknown[0].line),
        ("/Envelope/Body/Notice", 2)
    );
    let e = refuse(&xml);
    assert_eq!(e.path, "/Envelope/Body/Notice", "{e}");
}

/// A required element missing, or a required wrapper sent empty, leaves its field at its
/// default (GetServerTimeZones answers `<t:Periods/>`, SyncFolderHierarchy an empty
/// `ResponseMessages`: see the office365 part).
#[test]
fn required_elements_missing_are_left_at_their_default_and_recorded() {
    let xml = set_im_group("\n<m:GroupId Id=\"g\"/>");
    let env = read(&xml);
    let GlobalElement::SetImGroup(req) = &env.body[0] else {
        panic!("{:?}", env.body)
    };
    assert_eq!(req.new_display_name, "");
    let seen = repairs(&env);
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0].0, "/Envelope/Body/SetImGroup");
    assert_eq!(
        seen[0].3,
        RepairKind::MissingElement("NewDisplayName".into())
    );
    assert!(seen[0].1 >= 2, "{seen:?}");
    let e = refuse(&xml);
    assert_eq!(
        e.kind,
        ErrorKind::MissingElement("NewDisplayName".into()),
        "{e}"
    );
    // Nothing at all inside.
    let env = read(&set_im_group(""));
    let kinds: Vec<_> = env.repairs.iter().map(|r| r.kind.clone()).collect();
    assert_eq!(
        kinds,
        [
            RepairKind::MissingElement("GroupId".into()),
            RepairKind::MissingElement("NewDisplayName".into())
        ]
    );
}

#[test]
fn required_attributes_missing_are_left_at_their_default_and_recorded() {
    let xml = set_im_group("\n<m:GroupId ChangeKey=\"k\"/><m:NewDisplayName>a</m:NewDisplayName>");
    let env = read(&xml);
    let GlobalElement::SetImGroup(req) = &env.body[0] else {
        panic!("{:?}", env.body)
    };
    assert_eq!(req.group_id.id, "");
    assert_eq!(
        repairs(&env),
        [(
            "/Envelope/Body/SetImGroup/GroupId".to_string(),
            3,
            1,
            RepairKind::MissingAttribute("Id".into())
        )]
    );
    let e = refuse(&xml);
    assert_eq!(e.kind, ErrorKind::MissingAttribute("Id".into()), "{e}");
    // Without any attribute at all.
    let env = read(&set_im_group(
        "<m:GroupId/><m:NewDisplayName>a</m:NewDisplayName>",
    ));
    assert_eq!(
        env.repairs[0].kind,
        RepairKind::MissingAttribute("Id".into())
    );
}

#[test]
fn nuls_and_whitespace_after_the_root_are_ignored_and_recorded() {
    let clean = set_im_group("<m:GroupId Id=\"g\"/><m:NewDisplayName>a</m:NewDisplayName>");
    // Where the root element ends.
    let end = clean.lines().last().unwrap().chars().count() as u64 + 1;
    for (tail, n) in [("\0", 1), ("\r\n\0\0\0", 3), ("\n\u{a0}\u{3000} ", 2)] {
        let xml = format!("{clean}{tail}");
        let env = read(&xml);
        assert_eq!(
            repairs(&env),
            [("".to_string(), 2, end, RepairKind::TrailingContent(n))],
            "{tail:?}"
        );
        let e = refuse(&xml);
        assert!(
            matches!(
                e.kind,
                ErrorKind::TrailingContent | ErrorKind::RawForbiddenChar { .. }
            ),
            "{tail:?}: {e}"
        );
    }
    // Plain XML whitespace is no departure at all.
    let env = read(&format!("{clean}\n \t\r\n"));
    assert!(env.repairs.is_empty(), "{:?}", env.repairs);
    // Anything else after the root is still an error.
    let e = Envelope::<GlobalElement>::from_str(&format!("{clean}x"), ewsgen::NAMESPACES)
        .expect_err("text after the root");
    assert_eq!(e.kind, ErrorKind::TrailingContent);
}

/// A C0 control written raw (not as a reference) is not XML: libxml2 refuses the document.
#[test]
fn raw_forbidden_characters_are_read_as_replacement_characters_and_recorded() {
    let xml = set_im_group(
        "\n<m:GroupId Id=\"a\u{1}b\"/>\n<m:NewDisplayName>Fri\u{0}ends\u{1b}</m:NewDisplayName>\u{0}",
    );
    let env = read(&xml);
    let GlobalElement::SetImGroup(req) = &env.body[0] else {
        panic!("{:?}", env.body)
    };
    assert_eq!(req.group_id.id, "a\u{FFFD}b");
    assert_eq!(req.new_display_name, "Fri\u{FFFD}ends\u{FFFD}");
    assert_eq!(
        repairs(&env),
        [
            (
                "/Envelope/Body/SetImGroup/GroupId".to_string(),
                3,
                1,
                RepairKind::RawForbiddenChar(1)
            ),
            (
                "/Envelope/Body/SetImGroup/NewDisplayName".to_string(),
                4,
                22,
                RepairKind::RawForbiddenChar(0)
            ),
            (
                "/Envelope/Body/SetImGroup/NewDisplayName".to_string(),
                4,
                27,
                RepairKind::RawForbiddenChar(0x1b)
            ),
            (
                "/Envelope/Body/SetImGroup".to_string(),
                4,
                47,
                RepairKind::RawForbiddenChar(0)
            ),
        ]
    );
    // What was kept is XML.
    let out = env.to_xml(ewsgen::NAMESPACES).unwrap();
    Envelope::<GlobalElement>::from_str_with(&out, ewsgen::NAMESPACES, ReadOptions::strict())
        .unwrap();
    for bad in [
        set_im_group("<m:GroupId Id=\"a\u{1}b\"/><m:NewDisplayName>a</m:NewDisplayName>"),
        set_im_group("<m:GroupId Id=\"g\"/><m:NewDisplayName>a\u{0}</m:NewDisplayName>"),
        set_im_group("<m:GroupId Id=\"g\"/>\u{2}<m:NewDisplayName>a</m:NewDisplayName>"),
    ] {
        let e = refuse(&bad);
        assert!(
            matches!(e.kind, ErrorKind::RawForbiddenChar { .. }),
            "{bad:?}: {e}"
        );
        assert!(e.path.starts_with("/Envelope/Body/SetImGroup"), "{e}");
    }
}

/// `<t:FieldURI="item:Subject"/>` inside `m:MessageXml` (a lax wildcard) is not XML: the
/// tokenizer reads an element of that whole name.
#[test]
fn names_that_are_not_xml_names_inside_kept_content_are_dropped_and_recorded() {
    let xml = format!(
        "<s:Envelope xmlns:s=\"{SOAP}\"><s:Body>\n\
         <m:SetImGroupResponse xmlns:m=\"{M}\" xmlns:t=\"{T}\" ResponseClass=\"Error\">\
         <m:MessageText>bad</m:MessageText><m:MessageXml>\n\
         <t:Value Name=\"a\">x</t:Value><t:FieldURI=\"item:Subject\"/><t:Value Name=\"b\">y</t:Value>\
         </m:MessageXml></m:SetImGroupResponse></s:Body></s:Envelope>"
    );
    let env = read(&xml);
    assert_eq!(
        repairs(&env),
        [(
            "/Envelope/Body/SetImGroupResponse/MessageXml".to_string(),
            3,
            30,
            RepairKind::BadName("t:FieldURI=\"item:Subject\"".into())
        )]
    );
    let out = env.to_xml(ewsgen::NAMESPACES).unwrap();
    assert!(
        out.contains("Name=\"a\"") && out.contains("Name=\"b\""),
        "{out}"
    );
    assert!(!out.contains("FieldURI"), "{out}");
    let e = refuse(&xml);
    assert!(matches!(e.kind, ErrorKind::BadName(_)), "{e}");
    assert_eq!(e.path, "/Envelope/Body/SetImGroupResponse/MessageXml");
}

/// An attribute of kept content whose name is not an XML name (a control character in it,
/// found by fuzzing the envelope reader): dropped and recorded by the default reading, which
/// could not write it back; refused by strict reading.
#[test]
fn attribute_names_that_are_not_xml_names_inside_kept_content_are_dropped_and_recorded() {
    let xml = format!(
        "<s:Envelope xmlns:s=\"{SOAP}\"><s:Body>\n\
         <m:SetImGroupResponse xmlns:m=\"{M}\" xmlns:t=\"{T}\" ResponseClass=\"Error\">\
         <m:MessageText>bad</m:MessageText><m:MessageXml>\
         <t:Value Name=\"a\" Na\u{12}me=\"b\">x</t:Value>\
         </m:MessageXml></m:SetImGroupResponse></s:Body></s:Envelope>"
    );
    let env = read(&xml);
    let kinds: Vec<RepairKind> = repairs(&env).into_iter().map(|r| r.3).collect();
    assert!(
        kinds.contains(&RepairKind::BadAttributeName("Na\u{12}me".into())),
        "{kinds:?}"
    );
    let out = env.to_xml(ewsgen::NAMESPACES).expect("written back");
    assert!(
        out.contains("Name=\"a\"") && !out.contains("\u{12}"),
        "{out}"
    );
    let e = refuse(&xml);
    assert!(
        matches!(&e.kind, ErrorKind::BadName(n) if n == "Na\u{12}me")
            || matches!(e.kind, ErrorKind::RawForbiddenChar { .. }),
        "{e}"
    );
}

/// A repeated, a misplaced and a misnamed element each get a message saying which, with
/// what was expected, and a namespace only when it differs.
#[test]
fn errors_say_whether_an_element_is_repeated_misplaced_or_misnamed() {
    let message = |inner: &str| refuse(&set_im_group(inner)).to_string();
    let repeated = message(
        "<m:GroupId Id=\"g\"/><m:NewDisplayName>a</m:NewDisplayName><m:NewDisplayName>b</m:NewDisplayName>",
    );
    assert!(
        repeated.contains("element <NewDisplayName> is repeated")
            && repeated.contains("expected the end of the element"),
        "{repeated}"
    );
    let misplaced = message("<m:NewDisplayName>a</m:NewDisplayName><m:GroupId Id=\"g\"/>");
    assert!(
        misplaced.contains("element <NewDisplayName> is out of order")
            && misplaced.contains("<GroupId> before it"),
        "{misplaced}"
    );
    let misplaced =
        message("<m:GroupId Id=\"g\"/><m:NewDisplayName>a</m:NewDisplayName><m:GroupId Id=\"g\"/>");
    assert!(
        misplaced.contains("element <GroupId> is out of order"),
        "{misplaced}"
    );
    let misnamed = message("<m:GroupId Id=\"g\"/><m:NewName>a</m:NewName>");
    assert!(
        misnamed.contains("unexpected element <NewName>; expected <NewDisplayName>"),
        "{misnamed}"
    );
    assert!(!misnamed.contains("namespace"), "{misnamed}");
    let elsewhere = message("<m:GroupId Id=\"g\"/><x:NewName xmlns:x=\"urn:x\">a</x:NewName>");
    assert!(elsewhere.contains("(namespace `urn:x`)"), "{elsewhere}");
    let wrong_ns = message("<m:GroupId Id=\"g\"/><t:NewDisplayName>a</t:NewDisplayName>");
    assert!(
        wrong_ns.contains(&format!("is in namespace `{T}`, expected namespace `{M}`")),
        "{wrong_ns}"
    );
    // The default reading skips a repeated element and records it.
    let env = read(&set_im_group(
        "<m:GroupId Id=\"g\"/><m:NewDisplayName>a</m:NewDisplayName><m:NewDisplayName>b</m:NewDisplayName>",
    ));
    assert_eq!(env.unknown.len(), 1);
    assert_eq!(
        env.unknown[0].path,
        "/Envelope/Body/SetImGroup/NewDisplayName"
    );
}

/// Reading options say one thing each: `UnknownElements::Error` alone refuses unknown
/// elements and nothing else; strict reading refuses both.
#[test]
fn strict_reading_is_its_own_option() {
    let xml = set_im_group("<m:GroupId/><m:NewDisplayName>a</m:NewDisplayName>");
    let refuse_unknown = ReadOptions::builder()
        .unknown_elements(UnknownElements::Error)
        .build();
    assert!(!refuse_unknown.strict);
    let env =
        Envelope::<GlobalElement>::from_str_with(&xml, ewsgen::NAMESPACES, refuse_unknown.clone())
            .expect("a missing attribute is repaired without strict reading");
    assert_eq!(env.repairs.len(), 1);
    let unknown =
        set_im_group("<m:GroupId Id=\"g\"/><m:NewDisplayName>a</m:NewDisplayName><m:Other/>");
    Envelope::<GlobalElement>::from_str_with(&unknown, ewsgen::NAMESPACES, refuse_unknown)
        .expect_err("unknown element refused");
    let strict = ReadOptions::builder().strict(true).build();
    assert_eq!(strict, ReadOptions::strict());
    Envelope::<GlobalElement>::from_str_with(&xml, ewsgen::NAMESPACES, strict).expect_err("strict");
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

    /// A server answers GetServerTimeZones with `<t:Periods/>` (the schema requires a
    /// `Period`) when full time zone data was not asked for; an Exchange 2013 server
    /// answered SyncFolderHierarchy with an empty `ResponseMessages`.
    pub fn required_content_servers_leave_out_is_repaired() {
        let xml = format!(
            "<s:Envelope xmlns:s=\"{SOAP}\"><s:Body>\n\
             <m:GetServerTimeZonesResponse xmlns:m=\"{M}\" xmlns:t=\"{T}\"><m:ResponseMessages>\
             <m:GetServerTimeZonesResponseMessage ResponseClass=\"Success\"><m:ResponseCode>NoError</m:ResponseCode>\
             <m:TimeZoneDefinitions>\n<t:TimeZoneDefinition Id=\"UTC\" Name=\"(UTC) Coordinated Universal Time\">\n\
             <t:Periods/><t:TransitionsGroups><t:TransitionsGroup Id=\"0\"><t:Transition><t:To Kind=\"Period\">trule:Microsoft/Registry/UTC/1-Standard</t:To></t:Transition></t:TransitionsGroup></t:TransitionsGroups>\
             <t:Transitions><t:Transition><t:To Kind=\"Group\">0</t:To></t:Transition></t:Transitions>\
             </t:TimeZoneDefinition></m:TimeZoneDefinitions></m:GetServerTimeZonesResponseMessage>\
             </m:ResponseMessages></m:GetServerTimeZonesResponse></s:Body></s:Envelope>"
        );
        let env = Envelope::<office365::GlobalElement>::from_str(&xml, office365::NAMESPACES)
            .unwrap_or_else(|e| panic!("the default reading refuses it: {e}"));
        let seen: Vec<_> = env
            .repairs
            .iter()
            .map(|r| (r.path.as_str(), r.line, &r.kind))
            .collect();
        assert_eq!(
            seen,
            [(
                "/Envelope/Body/GetServerTimeZonesResponse/ResponseMessages/GetServerTimeZonesResponseMessage/TimeZoneDefinitions/TimeZoneDefinition/Periods",
                4,
                &RepairKind::MissingElement("Period".into())
            )]
        );
        let e = Envelope::<office365::GlobalElement>::from_str_with(
            &xml,
            office365::NAMESPACES,
            strict(),
        )
        .expect_err("strict");
        assert_eq!(e.kind, ErrorKind::MissingElement("Period".into()), "{e}");
        assert!(e.path.ends_with("/TimeZoneDefinition/Periods"), "{e}");

        let xml = format!(
            "<s:Envelope xmlns:s=\"{SOAP}\"><s:Body>\n\
             <m:SyncFolderHierarchyResponse xmlns:m=\"{M}\" xmlns:t=\"{T}\"><m:ResponseMessages/>\
             </m:SyncFolderHierarchyResponse></s:Body></s:Envelope>"
        );
        let env = Envelope::<office365::GlobalElement>::from_str(&xml, office365::NAMESPACES)
            .unwrap_or_else(|e| panic!("the default reading refuses it: {e}"));
        assert_eq!(env.body.len(), 1);
        assert_eq!(env.repairs.len(), 1, "{:?}", env.repairs);
        assert_eq!(
            env.repairs[0].path,
            "/Envelope/Body/SyncFolderHierarchyResponse/ResponseMessages"
        );
        assert!(
            matches!(&env.repairs[0].kind, RepairKind::MissingElement(n) if n.contains("SyncFolderHierarchyResponseMessage")),
            "{:?}",
            env.repairs
        );
        Envelope::<office365::GlobalElement>::from_str_with(&xml, office365::NAMESPACES, strict())
            .expect_err("strict");
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
    #[cfg(not(ews_shared))]
    panic!("built without ../shared (cfg(ews_shared)): nothing to run");
}

#[test]
#[cfg_attr(
    not(ews_shared),
    ignore = "needs ../shared (or EWS_SHARED_DIR): the official schemas"
)]
fn unpadded_base64_is_decoded_and_recorded() {
    #[cfg(ews_shared)]
    run::unpadded_base64_is_decoded_and_recorded();
    #[cfg(not(ews_shared))]
    panic!("built without ../shared (cfg(ews_shared)): nothing to run");
}

#[test]
#[cfg_attr(
    not(ews_shared),
    ignore = "needs ../shared (or EWS_SHARED_DIR): the official schemas"
)]
fn required_content_servers_leave_out_is_repaired() {
    #[cfg(ews_shared)]
    run::required_content_servers_leave_out_is_repaired();
    #[cfg(not(ews_shared))]
    panic!("built without ../shared (cfg(ews_shared)): nothing to run");
}

/// A namespace name holding a character XML 1.0 excludes cannot be kept (a fault's `detail`
/// is kept raw, namespace names as written): every mode refuses it, naming where it
/// stands, rather than keep what cannot be written back. Found by fuzzing.
#[test]
fn namespace_names_with_excluded_characters_are_refused_in_every_mode() {
    let xml = format!(
        "<s:Envelope xmlns:s=\"{SOAP}\"><s:Body><s:Fault><faultcode>s:Client</faultcode>\
         <faultstring>x</faultstring><detail>\n\
         <e:Message xmlns:e=\"urn:errors\u{4}\">text</e:Message></detail></s:Fault></s:Body></s:Envelope>"
    );
    for options in [
        ReadOptions::default(),
        ReadOptions::builder()
            .unknown_elements(UnknownElements::Keep)
            .build(),
        ReadOptions::strict(),
    ] {
        let e = Envelope::<GlobalElement>::from_str_with(&xml, ewsgen::NAMESPACES, options)
            .expect_err("a namespace name that cannot be written back");
        assert!(e.path.starts_with("/Envelope/Body/Fault/detail"), "{e}");
        assert!(e.to_string().contains("urn:errors"), "{e}");
    }
}
