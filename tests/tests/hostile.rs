//! Hostile and broken documents: each gets its own clear error (or, for an unknown
//! enumeration value, a kept value), never a panic, a hang, a stack overflow, a file read
//! or an allocation far beyond the input.

use ewsgen::rt::{ErrorKind, ReadOptions, UnknownElements};
use ewsgen::soap::Envelope;
use ewsgen::{GlobalElement, NAMESPACES};

const SOAP: &str = "http://schemas.xmlsoap.org/soap/envelope/";
const M: &str = "http://schemas.microsoft.com/exchange/services/2006/messages";
const T: &str = "http://schemas.microsoft.com/exchange/services/2006/types";

fn envelope(body: &str) -> String {
    format!(
        r#"<s:Envelope xmlns:s="{SOAP}" xmlns:m="{M}" xmlns:t="{T}"><s:Body>{body}</s:Body></s:Envelope>"#
    )
}

fn read(xml: &[u8], options: ReadOptions) -> ewsgen::rt::Result<Envelope<GlobalElement>> {
    Envelope::from_bytes(xml, NAMESPACES, options)
}

fn read_default(xml: &[u8]) -> ewsgen::rt::Result<Envelope<GlobalElement>> {
    read(xml, ReadOptions::default())
}

/// A FindItem request whose restriction nests `depth` levels of Not (office365 bindings).
#[cfg(ews_shared)]
fn nested_not(depth: usize) -> String {
    let mut s = String::with_capacity(depth * 20 + 400);
    s.push_str(r#"<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:Restriction>"#);
    for _ in 0..depth {
        s.push_str("<t:Not>");
    }
    s.push_str(r#"<t:Exists><t:FieldURI FieldURI="item:Subject"/></t:Exists>"#);
    for _ in 0..depth {
        s.push_str("</t:Not>");
    }
    s.push_str(r#"</m:Restriction><m:ParentFolderIds><t:DistinguishedFolderId Id="inbox"/></m:ParentFolderIds></m:FindItem>"#);
    envelope(&s)
}

#[test]
fn doctype_is_refused_no_entity_is_expanded_no_file_is_read() {
    let laughs = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>&lol3;</s:Body></s:Envelope>"#;
    let external = r#"<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd"><!ENTITY % p SYSTEM "file:///etc/hostname"> %p;]>
<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>&xxe;</s:Body></s:Envelope>"#;
    for doc in [laughs, external] {
        let e = read_default(doc.as_bytes()).expect_err("a DOCTYPE");
        assert_eq!(e.kind, ErrorKind::Doctype, "{e}");
        assert!(e.to_string().contains("refused"), "{e}");
    }
    // An entity reference without a DOCTYPE is not expanded either.
    let e = read_default(envelope("&xxe;").as_bytes()).expect_err("unknown entity");
    assert!(
        matches!(e.kind, ErrorKind::UnknownEntity(ref n) if n == "xxe"),
        "{e}"
    );
}

#[test]
#[cfg_attr(
    not(ews_shared),
    ignore = "needs ../shared (or EWS_SHARED_DIR): FindItem restrictions are not in schemas/"
)]
fn deep_search_expressions_stop_at_the_depth_limit_without_overflowing() {
    #[cfg(ews_shared)]
    {
        use ews_tests::office365;
        let read = |xml: &[u8], options| {
            Envelope::<office365::GlobalElement>::from_bytes(xml, office365::NAMESPACES, options)
        };
        // Fine at a realistic depth.
        read(nested_not(100).as_bytes(), ReadOptions::default()).expect("100 levels of Not");
        // 200,000 levels: a clean error on this test thread's ordinary stack.
        let e = read(nested_not(200_000).as_bytes(), ReadOptions::default()).expect_err("too deep");
        assert_eq!(e.kind, ErrorKind::TooDeep(256), "{e}");
        // The limit is configurable.
        let options = ReadOptions::builder().max_depth(50).build();
        let e = read(nested_not(100).as_bytes(), options).expect_err("limit 50");
        assert_eq!(e.kind, ErrorKind::TooDeep(50), "{e}");
    }
    #[cfg(not(ews_shared))]
    panic!("built without ../shared (EWS_SHARED_DIR): nothing to run");
}

#[test]
fn deep_unknown_elements_stop_at_the_depth_limit_under_every_policy() {
    let deep = format!(
        r#"<m:GetImItemList><x:a xmlns:x="urn:x">{}</x:a></m:GetImItemList>"#,
        "<x:a>".repeat(200_000)
    );
    let doc = envelope(&deep);
    for policy in [
        UnknownElements::Error,
        UnknownElements::Skip,
        UnknownElements::Keep,
    ] {
        let options = ReadOptions::builder().unknown_elements(policy).build();
        let e = read(doc.as_bytes(), options).expect_err("deep unknown elements");
        assert!(
            matches!(
                e.kind,
                ErrorKind::TooDeep(256) | ErrorKind::UnexpectedElement { .. }
            ),
            "{policy:?}: {e}"
        );
        if policy != UnknownElements::Error {
            assert_eq!(e.kind, ErrorKind::TooDeep(256), "{policy:?}: {e}");
        }
    }
}

#[test]
fn size_limits_for_documents_and_values() {
    let doc = envelope(&format!(
        r#"<m:SetImGroup><m:GroupId Id="AAA"/><m:NewDisplayName>{}</m:NewDisplayName></m:SetImGroup>"#,
        "x".repeat(10_000)
    ));
    let small_doc = ReadOptions::builder().max_document_bytes(1_000).build();
    let e = read(doc.as_bytes(), small_doc).expect_err("document limit");
    assert!(
        matches!(e.kind, ErrorKind::DocumentTooLarge { limit: 1_000, .. }),
        "{e}"
    );
    let small_value = ReadOptions::builder().max_value_bytes(1_000).build();
    let e = read(doc.as_bytes(), small_value).expect_err("value limit");
    assert!(
        matches!(e.kind, ErrorKind::ValueTooLarge { limit: 1_000, .. }),
        "{e}"
    );
    assert!(e.path.ends_with("/NewDisplayName"), "{e}");
    // A 64 MB text value is fine under the defaults.
    let big = envelope(&format!(
        r#"<m:SetImGroup><m:GroupId Id="AAA"/><m:NewDisplayName>{}</m:NewDisplayName></m:SetImGroup>"#,
        "y".repeat(64 << 20)
    ));
    let env = read_default(big.as_bytes()).expect("64 MB value");
    match env.body.as_slice() {
        [GlobalElement::SetImGroup(r)] => assert_eq!(r.new_display_name.len(), 64 << 20),
        other => panic!("{:?}", other.len()),
    }
}

#[test]
fn broken_documents_get_their_own_errors() {
    let set = |name: &str| {
        envelope(&format!(
            r#"<m:SetImGroup><m:GroupId Id="AAA"/><m:NewDisplayName>{name}</m:NewDisplayName></m:SetImGroup>"#
        ))
    };
    let good = set("Friends");
    read_default(good.as_bytes()).expect("the good document");

    // Cut between tags, and inside a tag.
    let truncated = &good[..good.len() - "</s:Body></s:Envelope>".len()];
    let e = read_default(truncated.as_bytes()).expect_err("truncated");
    assert_eq!(e.kind, ErrorKind::UnexpectedEof, "{e}");
    let truncated = &good[..good.len() - 30];
    let e = read_default(truncated.as_bytes()).expect_err("truncated in a tag");
    assert!(e.to_string().contains("end of input"), "{e}");

    for empty in ["", "   \n", "<!-- nothing -->"] {
        let e = read_default(empty.as_bytes()).expect_err("empty");
        assert_eq!(e.kind, ErrorKind::Empty, "{empty:?}: {e}");
    }

    let html = "<!DOCTYPE html><html><body><h1>503 Service Unavailable</h1></body></html>";
    let e = read_default(html.as_bytes()).expect_err("an HTML page");
    assert_eq!(e.kind, ErrorKind::Doctype, "{e}");
    let html = "<html><body><h1>503 Service Unavailable</h1></body></html>";
    let e = read_default(html.as_bytes()).expect_err("an HTML page");
    assert!(matches!(e.kind, ErrorKind::WrongRoot { .. }), "{e}");
    assert!(e.to_string().contains("<html>"), "{e}");
    let e = read_default(b"503 Service Unavailable").expect_err("plain text");
    assert!(matches!(e.kind, ErrorKind::Syntax(_)), "{e}");

    let mut bad_utf8 = good.clone().into_bytes();
    let at = good.find("Friends").expect("text");
    bad_utf8[at] = 0xff;
    let e = read_default(&bad_utf8).expect_err("invalid UTF-8");
    assert!(matches!(e.kind, ErrorKind::Utf8(_)), "{e}");
    assert!(e.line >= 1 && e.column > 1, "{e}");

    let dup = good.replace(r#"Id="AAA""#, r#"Id="AAA" Id="BBB""#);
    let e = read_default(dup.as_bytes()).expect_err("duplicate attribute");
    assert!(e.to_string().contains("duplicate attribute `Id`"), "{e}");

    let wrong_root = good.replace("s:Envelope", "s:Envelop");
    let e = read_default(wrong_root.as_bytes()).expect_err("wrong root");
    assert!(matches!(e.kind, ErrorKind::WrongRoot { .. }), "{e}");

    let response = |n: &str| {
        envelope(&format!(
            r#"<m:SetImGroupResponse ResponseClass="Error"><m:MessageText>x</m:MessageText><m:ResponseCode>ErrorInternalServerError</m:ResponseCode><m:DescriptiveLinkKey>{n}</m:DescriptiveLinkKey></m:SetImGroupResponse>"#
        ))
    };
    read_default(response("0").as_bytes()).expect("a small integer");
    let e = read_default(response("99999999999999999999").as_bytes()).expect_err("too big");
    assert!(matches!(e.kind, ErrorKind::InvalidValue { .. }), "{e}");
    assert!(e.to_string().contains("99999999999999999999"), "{e}");

    let unknown = response("0").replace("ErrorInternalServerError", "ErrorFromTheFuture");
    let env = read_default(unknown.as_bytes()).expect("an unknown response code is kept");
    assert!(format!("{env:?}").contains(r#"UnknownValue("ErrorFromTheFuture")"#));
}

#[test]
fn many_elements_do_not_allocate_beyond_the_input() {
    // 100,000 empty repeated elements: the value grows with the input, and reading stops
    // cleanly where the schema allows no more.
    let ids: String = r#"<t:ItemId Id="A"/>"#.repeat(100_000);
    let doc = envelope(&format!(
        r#"<m:GetImItems><m:ContactIds>{ids}</m:ContactIds></m:GetImItems>"#
    ));
    let env = read_default(doc.as_bytes()).expect("many ids");
    let n = format!("{:?}", env.body).matches("ItemId(").count();
    assert_eq!(n, 100_000);
}

/// Found by fuzzing: a raw (`xs:any`) element whose namespace name holds a character that
/// needs escaping could not be written back to the same name. It is refused when read.
#[test]
fn raw_namespace_names_that_need_escaping_are_refused() {
    let doc = envelope(
        "<m:SetImGroupResponse ResponseClass=\"Error\"><m:MessageText>x</m:MessageText><m:ResponseCode>ErrorInternalServerError</m:ResponseCode><m:MessageXml><x:Value xmlns:x=\"h&lt;ttp://example.com/x\">1</x:Value></m:MessageXml></m:SetImGroupResponse>",
    );
    let e = read_default(doc.as_bytes()).expect_err("namespace with markup");
    assert!(e.to_string().contains("namespace name"), "{e}");
    assert!(e.path.ends_with("/MessageXml/Value"), "{e}");
    // A carriage return in a declaration is normalized to a space, as in every attribute
    // value: that name needs no escaping and is written back the same.
    let cr = doc.replace("h&lt;ttp", "h\rttp");
    let env = read_default(cr.as_bytes()).expect("namespace with a normalized CR");
    assert!(format!("{:?}", env.body).contains("h ttp://example.com/x"));
    let again = read_default(env.to_xml(NAMESPACES).unwrap().as_bytes()).expect("written back");
    assert_eq!(again.body, env.body);
    // The same with a plain namespace name reads and writes back the same.
    let fine = doc.replace("h&lt;ttp", "http");
    let env = read_default(fine.as_bytes()).expect("plain namespace");
    let again = read_default(env.to_xml(NAMESPACES).unwrap().as_bytes()).expect("written back");
    assert_eq!(again.body, env.body);
}

/// Found by fuzzing: a raw element (here in a SOAP fault's detail) whose prefix is not
/// declared (the documentation's `xmlns8e=` typo) is refused instead of kept under a
/// made-up namespace.
#[test]
fn undeclared_prefixes_in_raw_content_are_refused() {
    let doc = format!(
        r#"<s:Envelope xmlns:s="{SOAP}"><s:Body><s:Fault><faultcode>s:Client</faultcode><faultstring>x</faultstring><detail><e:ResponseCode xmlns8e="urn:e">ErrorSchemaValidation</e:ResponseCode></detail></s:Fault></s:Body></s:Envelope>"#
    );
    let e = read_default(doc.as_bytes()).expect_err("undeclared prefix");
    assert!(e.to_string().contains("undeclared prefix `e`"), "{e}");
    let inner = doc
        .replace(
            "<e:ResponseCode xmlns8e=\"urn:e\">",
            "<d:Wrap xmlns:d=\"urn:d\"><e:ResponseCode>",
        )
        .replace("</e:ResponseCode>", "</e:ResponseCode></d:Wrap>");
    let e = read_default(inner.as_bytes()).expect_err("undeclared prefix below");
    assert!(e.to_string().contains("undeclared prefix `e`"), "{e}");
}

/// Found by fuzzing: a SOAP fault code whose prefix is bound to a namespace name holding
/// markup could not be written back to the same namespace. It is refused when read.
#[test]
fn fault_code_namespaces_that_need_escaping_are_refused() {
    let doc = format!(
        r#"<s:Envelope xmlns:s="{SOAP}"><s:Body><s:Fault><faultcode xmlns:a="urn:a&lt;b">a:ErrorSchemaValidation</faultcode><faultstring>x</faultstring></s:Fault></s:Body></s:Envelope>"#
    );
    let e = read_default(doc.as_bytes()).expect_err("namespace with markup");
    assert!(e.to_string().contains("namespace name"), "{e}");
    let fine = doc.replace("urn:a&lt;b", "urn:a");
    let env = read_default(fine.as_bytes()).expect("plain namespace");
    let again = read_default(env.to_xml(NAMESPACES).unwrap().as_bytes()).expect("written back");
    assert_eq!(again.fault, env.fault);
}
