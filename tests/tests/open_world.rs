//! Decoding an open world: documented messages that contradict the office365 schema, read
//! the way a client needs them read.
//!
//! - An enumeration value the schema does not list is kept and written back by the default
//!   reading (strict reading refuses it, as libxml2 does).
//! - An element the schema does not allow is an error under `UnknownElements::Error`,
//!   skipped and recorded under `Skip` (the default), kept with its XML under `Keep`.
//! - A required element left out is an error naming the element path, unless the bindings
//!   were generated with `Builder::optional_element` for it.

// The code below reads the official material: it is compiled only with it (the module
// `ews_tests::office365` is empty without it); each test is ignored, with the reason, without it.
#[cfg(ews_shared)]
mod run {
    use ews_tests::office365::{self, GlobalElement};
    use ews_tests::office365_relaxed as relaxed;
    use ews_tests::{shared_dir, xml_equivalent};
    use ewsgen::rt::{ReadOptions, UnknownElements};
    use ewsgen::soap::Envelope;

    fn sample(name: &str) -> String {
        let dir = shared_dir();
        let xml = std::fs::read_to_string(dir.join("ews-samples").join(name))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        // Some samples were printed with `https://` as the SOAP namespace.
        xml.replace(
            "https://schemas.xmlsoap.org/soap/envelope/",
            "http://schemas.xmlsoap.org/soap/envelope/",
        )
    }

    /// `Error` stands for strict reading here (which refuses unknown elements too).
    fn options(unknown_elements: UnknownElements) -> ReadOptions {
        if unknown_elements == UnknownElements::Error {
            return ReadOptions::strict();
        }
        ReadOptions::builder()
            .unknown_elements(unknown_elements)
            .build()
    }

    fn read(xml: &str, policy: UnknownElements) -> ewsgen::rt::Result<Envelope<GlobalElement>> {
        Envelope::from_bytes(xml.as_bytes(), office365::NAMESPACES, options(policy))
    }

    pub(super) fn unknown_enum_values_are_kept_and_written_back() {
        // `t:Entry Key="EmailAddress4"`: the schema lists EmailAddress1..3.
        // `RequestServerVersion Version=" Exchange2007_SP1"`: a leading space.
        for (name, value) in [
            ("UpdateItem.request.12.xml", "EmailAddress4"),
            ("FindItem.request.2.xml", " Exchange2007_SP1"),
        ] {
            let xml = sample(name);
            // Strict reading refuses the value, as libxml2 does; the default reading keeps it.
            let e = read(&xml, UnknownElements::Error).expect_err(name);
            assert!(
                e.to_string().contains("[facet 'enumeration']"),
                "{name}: {e}"
            );
            let env = read(&xml, UnknownElements::Skip).unwrap_or_else(|e| panic!("{name}: {e}"));
            let debug = format!("{env:?}");
            assert!(
                debug.contains(&format!("UnknownValue({value:?})")),
                "{name}: {value:?} not kept as an unknown value: {debug}"
            );
            let out = env.to_xml(office365::NAMESPACES).unwrap();
            xml_equivalent(&xml, &out).unwrap_or_else(|d| panic!("{name}: {d}\n{out}"));
            assert!(out.contains(&format!("\"{value}\"")), "{name}: {out}");
        }
    }

    /// Documented responses and requests with elements the schema does not allow there, the
    /// path of the first one, and its line.
    const OUT_OF_SCHEMA: &[(&str, &str, u64)] = &[
        // Persona e-mail addresses written <EmailAddresses><EmailAddress> (schema: <Address>).
        (
            "FindPeople.response.2.xml",
            "/Envelope/Body/FindPeopleResponse/People/Persona/EmailAddresses/EmailAddress",
            35,
        ),
        (
            "GetImItemList.response.1.xml",
            "/Envelope/Body/GetImItemListResponse/ImItemList/Personas/Persona/EmailAddresses/EmailAddress",
            73,
        ),
        // `t:ItemID` for `t:ItemId`.
        (
            "CopyItem.response.1.xml",
            "/Envelope/Body/CopyItemResponse/ResponseMessages/CopyItemResponseMessage/Items/Message/ItemID",
            18,
        ),
        // An element the schema does not have.
        (
            "SetUserOofSettings.request.1.xml",
            "/Envelope/Body/SetUserOofSettingsRequest/UserOofSettings/SetByLegacyClient",
            23,
        ),
    ];

    pub(super) fn out_of_schema_elements_error_skip_or_keep() {
        for &(name, path, line) in OUT_OF_SCHEMA {
            let xml = sample(name);

            let e = read(&xml, UnknownElements::Error).expect_err(name);
            assert_eq!(e.path, path, "{name}: {e}");
            assert_eq!(e.line, line, "{name}: {e}");
            assert!(e.to_string().contains("unexpected element"), "{name}: {e}");

            // Skip (the default): the message reads, and what was skipped is recorded.
            let skipped = Envelope::<GlobalElement>::from_str(&xml, office365::NAMESPACES)
                .unwrap_or_else(|e| panic!("{name} (skip): {e}"));
            let first = skipped
                .unknown
                .first()
                .expect("a skipped element is recorded");
            assert_eq!((first.path.as_str(), first.line), (path, line), "{name}");
            assert!(first.element.is_none(), "{name}: skip keeps no XML");
            // Everything else was read: the written envelope reads back strictly to the same.
            let out = skipped.to_xml(office365::NAMESPACES).unwrap();
            let again =
                read(&out, UnknownElements::Error).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(again.body, skipped.body, "{name}");

            // Keep: the same record, with the element's XML.
            let kept = read(&xml, UnknownElements::Keep).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(kept.body, skipped.body, "{name}");
            assert_eq!(kept.unknown.len(), skipped.unknown.len(), "{name}");
            let raw = kept.unknown[0].element.as_ref().expect("kept XML");
            let local = path.rsplit('/').next().expect("local name");
            assert_eq!(raw.name, local, "{name}");
        }
    }

    pub(super) fn kept_persona_addresses_carry_their_content() {
        let name = "FindPeople.response.2.xml";
        let xml = sample(name);
        let kept = read(&xml, UnknownElements::Keep).expect(name);
        let raw = kept.unknown[0].element.as_ref().expect("kept XML");
        let text = raw.to_xml().unwrap();
        // The documented address, with its children, is all there.
        assert!(
            text.contains("EmailAddress") && text.contains('@'),
            "{name}: {text}"
        );
        assert!(kept.unknown.iter().all(|u| u.element.is_some()));
    }

    pub(super) fn missing_required_elements_name_the_path_unless_relaxed() {
        // AddDistributionGroupToImList without its DisplayName.
        let name = "AddDistributionGroupToImList.request.1.xml";
        let xml = sample(name);
        let e = read(&xml, UnknownElements::Error).expect_err(name);
        assert_eq!(e.path, "/Envelope/Body/AddDistributionGroupToImList", "{e}");
        assert!(e.to_string().contains("<DisplayName>"), "{e}");
        let env = Envelope::<relaxed::GlobalElement>::from_str(&xml, relaxed::NAMESPACES)
            .unwrap_or_else(|e| panic!("{name} (relaxed): {e}"));
        match env.body.as_slice() {
            [relaxed::GlobalElement::AddDistributionGroupToImList(r)] => {
                assert!(r.display_name.is_none());
                assert!(!r.smtp_address.is_empty());
            }
            other => panic!("{name}: {other:?}"),
        }
        let out = env.to_xml(relaxed::NAMESPACES).unwrap();
        xml_equivalent(&xml, &out).unwrap_or_else(|d| panic!("{name}: {d}"));

        // An error response without the Persona the schema requires of a success.
        let name = "GetPersona.error.1.xml";
        let xml = sample(name);
        let e = read(&xml, UnknownElements::Error).expect_err(name);
        assert_eq!(e.path, "/Envelope/Body/GetPersonaResponseMessage", "{e}");
        assert!(e.to_string().contains("<Persona>"), "{e}");
        let env = Envelope::<relaxed::GlobalElement>::from_str(&xml, relaxed::NAMESPACES)
            .unwrap_or_else(|e| panic!("{name} (relaxed): {e}"));
        match env.body.as_slice() {
            [relaxed::GlobalElement::GetPersonaResponseMessage(r)] => {
                assert!(r.persona.is_none());
                assert_eq!(r.message_text.as_deref(), Some("Id is malformed."));
            }
            other => panic!("{name}: {other:?}"),
        }

        // An empty list the schema says holds at least one ItemId.
        let name = "PerformReminderAction.response.2.xml";
        let xml = sample(name);
        let e = read(&xml, UnknownElements::Error).expect_err(name);
        assert!(e.path.ends_with("/UpdatedItemIds"), "{e}");
        assert!(e.to_string().contains("<ItemId>"), "{e}");
        let env = Envelope::<relaxed::GlobalElement>::from_str(&xml, relaxed::NAMESPACES)
            .unwrap_or_else(|e| panic!("{name} (relaxed): {e}"));
        let out = env.to_xml(relaxed::NAMESPACES).unwrap();
        xml_equivalent(&xml, &out).unwrap_or_else(|d| panic!("{name}: {d}"));
    }

    pub(super) fn an_optional_element_rule_that_matches_nothing_is_an_error() {
        let shared = shared_dir();
        let err = ews_codegen::Builder::new()
            .schema_dir(shared.join("ews-schemas/office365"))
            .optional_element("GetPersonaResponseMessageType/Personna")
            .model()
            .expect_err("a misspelt rule");
        assert!(err.to_string().contains("Personna"), "{err}");
    }

    /// A ConvertId response as Exchange sends it: `m:AlternateId` is declared with the abstract
    /// `t:AlternateIdBaseType`, so the element says its type with `xsi:type`.
    const CONVERT_ID_RESPONSE: &str = r#"<m:ConvertIdResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
      <m:ResponseMessages>
        <m:ConvertIdResponseMessage ResponseClass="Success">
          <m:ResponseCode>NoError</m:ResponseCode>
          <m:AlternateId xsi:type="t:AlternateIdType" Format="EwsId" Id="AAMkAGE3ZGJkZDQzLWFl" Mailbox="user1@contoso.com"/>
        </m:ConvertIdResponseMessage>
      </m:ResponseMessages>
    </m:ConvertIdResponse>"#;

    pub(super) fn elements_of_abstract_types_read_their_xsi_type() {
        let shared = shared_dir();
        let strict = options(UnknownElements::Error);
        let value = GlobalElement::from_document_with(CONVERT_ID_RESPONSE, strict.clone())
            .unwrap_or_else(|e| panic!("{e}"));
        let debug = format!("{value:?}");
        assert!(
            debug.contains("AlternateIdType(AlternateIdType")
                && debug.contains("user1@contoso.com"),
            "{debug}"
        );
        let out = value.to_document().unwrap();
        xml_equivalent(CONVERT_ID_RESPONSE, &out).unwrap_or_else(|d| panic!("{d}\n{out}"));
        let schema = ews_tests::validating_schema_dir(&shared, "office365").join("messages.xsd");
        ews_tests::xmllint_validate(&schema, &out).unwrap_or_else(|e| panic!("{e}\n{out}"));

        // Without xsi:type the element cannot be read, and the error says why and where.
        let bare = CONVERT_ID_RESPONSE.replace(r#" xsi:type="t:AlternateIdType""#, "");
        let e = GlobalElement::from_document_with(&bare, strict.clone()).expect_err("no xsi:type");
        assert!(
            e.path.ends_with("/ConvertIdResponseMessage/AlternateId"),
            "{e}"
        );
        assert!(e.to_string().contains("xsi:type"), "{e}");
        // A type that does not derive from the declared one is refused, naming the choices.
        let wrong = CONVERT_ID_RESPONSE.replace("t:AlternateIdType", "t:ItemIdType");
        let e = GlobalElement::from_document_with(&wrong, strict).expect_err("wrong xsi:type");
        assert!(e.to_string().contains("AlternatePublicFolderIdType"), "{e}");
    }
}

#[test]
#[cfg_attr(
    not(ews_shared),
    ignore = "needs ../shared (or EWS_SHARED_DIR): the official schemas and samples"
)]
fn unknown_enum_values_are_kept_and_written_back() {
    #[cfg(ews_shared)]
    run::unknown_enum_values_are_kept_and_written_back();
    #[cfg(not(ews_shared))]
    panic!("built without ../shared (EWS_SHARED_DIR): nothing to run");
}

#[test]
#[cfg_attr(
    not(ews_shared),
    ignore = "needs ../shared (or EWS_SHARED_DIR): the official schemas and samples"
)]
fn out_of_schema_elements_error_skip_or_keep() {
    #[cfg(ews_shared)]
    run::out_of_schema_elements_error_skip_or_keep();
    #[cfg(not(ews_shared))]
    panic!("built without ../shared (EWS_SHARED_DIR): nothing to run");
}

#[test]
#[cfg_attr(
    not(ews_shared),
    ignore = "needs ../shared (or EWS_SHARED_DIR): the official schemas and samples"
)]
fn kept_persona_addresses_carry_their_content() {
    #[cfg(ews_shared)]
    run::kept_persona_addresses_carry_their_content();
    #[cfg(not(ews_shared))]
    panic!("built without ../shared (EWS_SHARED_DIR): nothing to run");
}

#[test]
#[cfg_attr(
    not(ews_shared),
    ignore = "needs ../shared (or EWS_SHARED_DIR): the official schemas and samples"
)]
fn missing_required_elements_name_the_path_unless_relaxed() {
    #[cfg(ews_shared)]
    run::missing_required_elements_name_the_path_unless_relaxed();
    #[cfg(not(ews_shared))]
    panic!("built without ../shared (EWS_SHARED_DIR): nothing to run");
}

#[test]
#[cfg_attr(
    not(ews_shared),
    ignore = "needs ../shared (or EWS_SHARED_DIR): the official schemas and samples"
)]
fn an_optional_element_rule_that_matches_nothing_is_an_error() {
    #[cfg(ews_shared)]
    run::an_optional_element_rule_that_matches_nothing_is_an_error();
    #[cfg(not(ews_shared))]
    panic!("built without ../shared (EWS_SHARED_DIR): nothing to run");
}

#[test]
#[cfg_attr(
    not(all(ews_shared, ews_xmllint)),
    ignore = "needs ../shared (or EWS_SHARED_DIR) and xmllint (libxml2-utils)"
)]
fn elements_of_abstract_types_read_their_xsi_type() {
    #[cfg(ews_shared)]
    run::elements_of_abstract_types_read_their_xsi_type();
    #[cfg(not(ews_shared))]
    panic!("built without ../shared (EWS_SHARED_DIR): nothing to run");
}
