//! The running example: SetImGroup request, success response and error response from the
//! EWS documentation round trip through the generated types, and the written XML validates
//! against the official office365 schema.

use ews_tests::{shared_dir, validating_schema_dir, xml_equivalent, xmllint_validate};
use ewsgen::__private::{Reader, Value, Writer};
use ewsgen::messages::{SetImGroupResponseMessageType, SetImGroupType};
use ewsgen::soap::Envelope;
use ewsgen::GlobalElement;

fn sample(name: &str) -> String {
    let dir = shared_dir();
    std::fs::read_to_string(dir.join("ews-samples").join(name)).expect("sample file")
}

fn round_trip(name: &str) -> Envelope<GlobalElement> {
    let xml = sample(name);
    let env = Envelope::<GlobalElement>::from_str(&xml, ewsgen::NAMESPACES)
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let out = env.to_xml(ewsgen::NAMESPACES).unwrap();
    if let Err(d) = xml_equivalent(&xml, &out) {
        panic!("{name}: written XML differs from the original: {d}\n{out}");
    }
    let again = Envelope::<GlobalElement>::from_str(&out, ewsgen::NAMESPACES).expect("re-parse");
    assert_eq!(env, again, "{name}: re-parsed value differs");
    env
}

/// Validates each header child and the body's first child against the office365 schema.
fn validate_parts(env: &Envelope<GlobalElement>) {
    let schema = validating_schema_dir(&shared_dir(), "office365").join("messages.xsd");
    for part in env.headers.iter().chain(env.body.iter()) {
        let doc = part.to_document().unwrap();
        if let Err(e) = xmllint_validate(&schema, &doc) {
            panic!("{} does not validate: {e}\n{doc}", part.tag());
        }
    }
}

#[test]
#[cfg_attr(
    not(all(ews_shared, ews_xmllint)),
    ignore = "needs ../shared (or EWS_SHARED_DIR) and xmllint (libxml2-utils)"
)]
fn request_round_trips_and_is_typed() {
    let env = round_trip("SetImGroup.request.1.xml");
    let GlobalElement::SetImGroup(req) = &env.body[0] else {
        panic!("body is {:?}", env.body)
    };
    assert_eq!(req.group_id.id, "AAMkAGQ1MjJjMTBkQoTbWAAAAAAQRAAA=");
    assert_eq!(req.group_id.change_key.as_deref(), Some("EgAAAA=="));
    assert_eq!(req.new_display_name, "MyNewGroupName");
    assert!(
        matches!(&env.headers[0], GlobalElement::RequestServerVersion(v) if v.version.as_str() == "Exchange2013")
    );
    assert!(matches!(&env.headers[1], GlobalElement::MailboxCulture(c) if c.value == "en-US"));
    validate_parts(&env);
}

#[test]
#[cfg_attr(
    not(all(ews_shared, ews_xmllint)),
    ignore = "needs ../shared (or EWS_SHARED_DIR) and xmllint (libxml2-utils)"
)]
fn success_response_round_trips() {
    let env = round_trip("SetImGroup.response.1.xml");
    let GlobalElement::SetImGroupResponse(resp) = &env.body[0] else {
        panic!("body is {:?}", env.body)
    };
    assert_eq!(resp.response_class.as_str(), "Success");
    assert_eq!(
        resp.response_code.as_ref().map(|c| c.as_str()),
        Some("NoError")
    );
    assert!(
        matches!(&env.headers[0], GlobalElement::ServerVersionInfo(v) if v.major_version == Some(15))
    );
    validate_parts(&env);
}

#[test]
#[cfg_attr(
    not(all(ews_shared, ews_xmllint)),
    ignore = "needs ../shared (or EWS_SHARED_DIR) and xmllint (libxml2-utils)"
)]
fn error_response_round_trips() {
    let env = round_trip("SetImGroup.error.1.xml");
    let GlobalElement::SetImGroupResponse(resp) = &env.body[0] else {
        panic!("body is {:?}", env.body)
    };
    assert_eq!(resp.response_class.as_str(), "Error");
    assert_eq!(
        resp.response_code.as_ref().map(|c| c.as_str()),
        Some("ErrorImGroupDisplayNameAlreadyExists")
    );
    assert_eq!(
        resp.message_text.as_deref(),
        Some("An IM group with the specified display name already exists.")
    );
    assert_eq!(resp.descriptive_link_key, Some(0));
    validate_parts(&env);
}

#[test]
fn typed_request_is_written_in_schema_order() {
    let req = SetImGroupType::new(
        ewsgen::types::ItemIdType::new("AAMk=".into()),
        "Friends".into(),
    );
    let xml = ewsgen::rt::to_string(&req).unwrap();
    assert!(xml.starts_with("<m:SetImGroup "), "{xml}");
    let g = xml.find("<m:GroupId").expect("GroupId");
    let n = xml
        .find("<m:NewDisplayName>Friends</m:NewDisplayName>")
        .expect("NewDisplayName");
    assert!(g < n, "{xml}");
    let back: SetImGroupType = ewsgen::rt::from_str(&xml).expect("read back");
    assert_eq!(back, req);
}

/// The typed request, as written, is valid under the official schema.
#[test]
#[cfg_attr(
    not(all(ews_shared, ews_xmllint)),
    ignore = "needs ../shared (or EWS_SHARED_DIR) and xmllint (libxml2-utils)"
)]
fn typed_request_validates_under_office365() {
    let req = SetImGroupType::new(
        ewsgen::types::ItemIdType::new("AAMk=".into()),
        "Friends".into(),
    );
    let xml = ewsgen::rt::to_string(&req).unwrap();
    let schema = validating_schema_dir(&shared_dir(), "office365").join("messages.xsd");
    xmllint_validate(&schema, &xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
}

#[test]
fn unknown_enum_values_are_kept() {
    let xml = r#"<SetImGroupResponse xmlns="http://schemas.microsoft.com/exchange/services/2006/messages" ResponseClass="Success"><ResponseCode>ErrorFromTheFuture</ResponseCode></SetImGroupResponse>"#;
    let v: SetImGroupResponseMessageType = ewsgen::rt::from_str(xml).expect("read");
    assert_eq!(
        v.response_code.as_ref().map(|c| c.as_str()),
        Some("ErrorFromTheFuture")
    );
    let out = ewsgen::rt::to_string(&v).unwrap();
    assert!(out.contains(">ErrorFromTheFuture<"), "{out}");
}

#[test]
fn errors_name_path_and_position() {
    // Missing required NewDisplayName.
    let xml = "<m:SetImGroup xmlns:m=\"http://schemas.microsoft.com/exchange/services/2006/messages\">\n  <m:GroupId Id=\"x\"/>\n</m:SetImGroup>";
    // (Strict reading: the default one leaves the field empty and records the repair.)
    let e = ewsgen::rt::from_str_with::<SetImGroupType>(xml, ewsgen::rt::ReadOptions::strict())
        .unwrap_err();
    assert!(
        matches!(e.kind, ewsgen::rt::ErrorKind::MissingElement(ref n) if n == "NewDisplayName"),
        "{e}"
    );
    assert_eq!(e.path, "/SetImGroup");
    // Wrong namespace (https instead of http) names both.
    let xml = "<m:SetImGroup xmlns:m=\"http://schemas.microsoft.com/exchange/services/2006/messages\">\n  <m:GroupId Id=\"x\"/>\n  <NewDisplayName xmlns=\"https://schemas.microsoft.com/exchange/services/2006/messages\">a</NewDisplayName>\n</m:SetImGroup>";
    let e = ewsgen::rt::from_str::<SetImGroupType>(xml).unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.contains("https://schemas.microsoft.com/exchange/services/2006/messages"),
        "{msg}"
    );
    assert!(
        msg.contains(
            "expected namespace `http://schemas.microsoft.com/exchange/services/2006/messages`"
        ),
        "{msg}"
    );
    assert_eq!((e.line, e.column), (3, 3), "{msg}");
    assert_eq!(e.path, "/SetImGroup/NewDisplayName");
    // An envelope in the https SOAP namespace.
    let xml =
        "<s:Envelope xmlns:s=\"https://schemas.xmlsoap.org/soap/envelope/\"><s:Body/></s:Envelope>";
    let e = Envelope::<GlobalElement>::from_str(xml, ewsgen::NAMESPACES).unwrap_err();
    assert!(
        e.to_string()
            .contains("https://schemas.xmlsoap.org/soap/envelope/"),
        "{e}"
    );
}

#[test]
fn low_level_reader_walks_children() {
    let xml = r#"<t:MailboxCulture xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">en-US</t:MailboxCulture>"#;
    let mut r = Reader::new(xml, ewsgen::NAMESPACES).expect("reader");
    let v = ewsgen::types::MailboxCultureType::read_value(&mut r).expect("value");
    assert_eq!(v.value, "en-US");
    let mut w = Writer::new(ewsgen::NAMESPACES);
    v.write_value(&mut w, "t:MailboxCulture");
    assert!(w.finish().unwrap().ends_with(">en-US</t:MailboxCulture>"));
}

const IM_OPERATIONS: &[&str] = &[
    "SetImGroup",
    "AddImGroup",
    "RemoveImGroup",
    "AddImContactToGroup",
    "AddNewImContactToGroup",
    "AddNewTelUriContactToGroup",
    "RemoveImContactFromGroup",
    "AddDistributionGroupToImList",
    "RemoveDistributionGroupFromImList",
    "RemoveContactFromImList",
    "GetImItems",
    "GetImItemList",
    "SetImListMigrationCompleted",
];

/// Every schema-valid IM sample parses into typed values, writes back XML-equivalent, and
/// every part written validates against the official office365 schema.
#[test]
#[cfg_attr(
    not(all(ews_shared, ews_xmllint)),
    ignore = "needs ../shared (or EWS_SHARED_DIR) and xmllint (libxml2-utils)"
)]
fn im_family_samples_round_trip_and_validate() {
    let shared = shared_dir();
    let index = std::fs::read_to_string(shared.join("ews-samples/index.tsv")).expect("index.tsv");
    let mut lines = index.lines();
    let header: Vec<&str> = lines.next().expect("header").split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).expect("column");
    let (file_c, op_c, valid_c, wf_c, ns_c) = (
        col("file"),
        col("operation"),
        col("schema_valid_t"),
        col("well_formed"),
        col("ns_issues"),
    );
    let schema = validating_schema_dir(&shared, "office365").join("messages.xsd");
    let mut checked = 0;
    for line in lines {
        let f: Vec<&str> = line.split('\t').collect();
        if !IM_OPERATIONS.contains(&f[op_c])
            || f[wf_c] != "yes"
            || f[valid_c] != "yes"
            || !f[ns_c].is_empty()
        {
            continue;
        }
        let name = f[file_c];
        let xml = std::fs::read_to_string(shared.join("ews-samples").join(name)).expect("sample");
        let env = Envelope::<GlobalElement>::from_str(&xml, ewsgen::NAMESPACES)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        if env.fault.is_some() {
            continue;
        }
        let out = env.to_xml(ewsgen::NAMESPACES).unwrap();
        xml_equivalent(&xml, &out).unwrap_or_else(|d| panic!("{name}: {d}\n{out}"));
        let again =
            Envelope::<GlobalElement>::from_str(&out, ewsgen::NAMESPACES).expect("re-parse");
        assert_eq!(env, again, "{name}");
        for part in env.headers.iter().chain(env.body.iter()) {
            let doc = part.to_document().unwrap();
            xmllint_validate(&schema, &doc)
                .unwrap_or_else(|e| panic!("{name}: {} invalid: {e}\n{doc}", part.tag()));
        }
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} IM samples checked");
}

/// A request envelope is checked against the headers its operation accepts.
#[test]
fn request_headers_are_checked_against_the_operation() {
    use ewsgen::types::{ExchangeVersionType, RequestServerVersion};
    let body = SetImGroupType::new(
        ewsgen::types::ItemIdType::new("AAMkAGQ1".into()),
        "Friends".into(),
    );
    let mut env = Envelope::<GlobalElement> {
        headers: vec![GlobalElement::RequestServerVersion(RequestServerVersion {
            version: ExchangeVersionType::Exchange2016,
            other_attributes: Vec::new(),
        })],
        body: vec![GlobalElement::SetImGroup(body)],
        ..Envelope::default()
    };
    env.check_request_headers::<SetImGroupType>()
        .expect("RequestServerVersion is accepted");
    env.headers
        .push(GlobalElement::ServerVersionInfo(Default::default()));
    let e = env
        .check_request_headers::<SetImGroupType>()
        .expect_err("a response header on a request");
    assert!(e.to_string().contains("t:ServerVersionInfo"), "{e}");
    assert!(e.to_string().contains("SetImGroup"), "{e}");
}
