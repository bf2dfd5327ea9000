//! `xsi:type` round trips when it was given, even when it names the element's declared
//! type (the documented DeleteAttachment response carries
//! `xsi:type="m:DeleteAttachmentResponseMessageType"` on its message): the value read
//! remembers it and writing puts it back, once, and a value built in code writes none.

#[cfg(ews_shared)]
mod run {
    use ews_tests::office365::messages::DeleteAttachmentResponseMessageType;
    use ews_tests::office365::{self, GlobalElement};
    use ews_tests::xml_equivalent;
    use ewsgen::rt::ReadOptions;
    use ewsgen::soap::Envelope;

    const M: &str = "http://schemas.microsoft.com/exchange/services/2006/messages";
    const T: &str = "http://schemas.microsoft.com/exchange/services/2006/types";
    const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";

    fn envelope(message_attrs: &str) -> String {
        format!(
            r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><m:DeleteAttachmentResponse xmlns:m="{M}" xmlns:t="{T}" xmlns:xsi="{XSI}"><m:ResponseMessages><m:DeleteAttachmentResponseMessage {message_attrs} ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:RootItemId RootItemId="AAMkAGE" RootItemChangeKey="CQAAABYA"/></m:DeleteAttachmentResponseMessage></m:ResponseMessages></m:DeleteAttachmentResponse></s:Body></s:Envelope>"#
        )
    }

    fn read(xml: &str) -> Envelope<GlobalElement> {
        let strict = ReadOptions::strict();
        Envelope::from_str_with(xml, office365::NAMESPACES, strict)
            .unwrap_or_else(|e| panic!("{e}\n{xml}"))
    }

    fn message(env: &Envelope<GlobalElement>) -> &DeleteAttachmentResponseMessageType {
        let GlobalElement::DeleteAttachmentResponse(r) = &env.body[0] else {
            panic!("{:?}", env.body)
        };
        let messages = r.response_messages.as_slice();
        let [office365::messages::ResponseMessage::DeleteAttachmentResponseMessage(m)] = messages
        else {
            panic!("{messages:?}")
        };
        m
    }

    pub fn xsi_type_naming_the_declared_type_round_trips() {
        for given in [
            r#"xsi:type="m:DeleteAttachmentResponseMessageType""#,
            // Another prefix for the same namespace names the same type.
            r#"xmlns:mm="http://schemas.microsoft.com/exchange/services/2006/messages" xsi:type="mm:DeleteAttachmentResponseMessageType""#,
        ] {
            let xml = envelope(given);
            let env = read(&xml);
            assert!(message(&env).xsi_type, "{given}: xsi:type not kept");
            let out = env.to_xml(office365::NAMESPACES).unwrap();
            assert_eq!(
                out.matches("xsi:type=").count(),
                1,
                "{given}: written once\n{out}"
            );
            assert!(
                out.contains(r#"xsi:type="m:DeleteAttachmentResponseMessageType""#),
                "{out}"
            );
            let again = read(&out);
            assert_eq!(again, env, "{given}: reads back differently");
            if given.starts_with("xsi:") {
                xml_equivalent(&xml, &out).unwrap_or_else(|d| panic!("{d}\n{out}"));
            }
        }
    }

    pub fn without_xsi_type_none_is_written() {
        let env = read(&envelope(""));
        assert!(!message(&env).xsi_type);
        let out = env.to_xml(office365::NAMESPACES).unwrap();
        assert!(!out.contains("xsi:type"), "{out}");
        // Naming another type is not the element's own type: not kept as such.
        let env = read(&envelope(r#"xsi:type="m:ResponseMessageType""#));
        assert!(!message(&env).xsi_type);
        // A type outside a chain of extensions with attributes does not keep it: the
        // default reading says so instead of dropping it silently.
        let xml = envelope("").replace(
            "<m:RootItemId ",
            r#"<m:RootItemId xsi:type="t:RootItemIdType" "#,
        );
        let env = Envelope::<GlobalElement>::from_str(&xml, office365::NAMESPACES).unwrap();
        assert_eq!(
            env.repairs
                .iter()
                .map(|r| (r.path.as_str(), r.kind.clone()))
                .collect::<Vec<_>>(),
            [(
                "/Envelope/Body/DeleteAttachmentResponse/ResponseMessages/DeleteAttachmentResponseMessage/RootItemId",
                ewsgen::rt::RepairKind::XsiTypeNotKept("t:RootItemIdType".into())
            )]
        );
    }
}

#[test]
#[cfg_attr(
    not(ews_shared),
    ignore = "needs ../shared (or EWS_SHARED_DIR): the official schemas"
)]
fn xsi_type_naming_the_declared_type_round_trips() {
    #[cfg(ews_shared)]
    run::xsi_type_naming_the_declared_type_round_trips();
    #[cfg(not(ews_shared))]
    panic!("built without ../shared (EWS_SHARED_DIR): nothing to run");
}

#[test]
#[cfg_attr(
    not(ews_shared),
    ignore = "needs ../shared (or EWS_SHARED_DIR): the official schemas"
)]
fn without_xsi_type_none_is_written() {
    #[cfg(ews_shared)]
    run::without_xsi_type_none_is_written();
    #[cfg(not(ews_shared))]
    panic!("built without ../shared (EWS_SHARED_DIR): nothing to run");
}
