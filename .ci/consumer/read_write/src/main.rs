//! A user's program against the published `ewsgen` package: builds the SetImGroup request,
//! writes it, reads it back, and reads a documented-shape response envelope.

use ewsgen::messages::SetImGroupType;
use ewsgen::soap::Envelope;
use ewsgen::types::ItemIdType;
use ewsgen::{GlobalElement, ResponseMessage as _};

fn main() {
    let mut id = ItemIdType::new("AAMkAGQ1MjJj".into());
    id.change_key = Some("EgAAAA==".into());
    let request = SetImGroupType::new(id, "Friends".into());
    let xml = ewsgen::rt::to_string(&request).unwrap();
    assert!(xml.contains("<m:NewDisplayName>Friends</m:NewDisplayName>"), "{xml}");
    let back: SetImGroupType = ewsgen::rt::from_str(&xml).expect("read back");
    assert_eq!(back, request);

    let response = r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><m:SetImGroupResponse ResponseClass="Error" xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"><m:MessageText>An IM group with the specified display name already exists.</m:MessageText><m:ResponseCode>ErrorImGroupDisplayNameAlreadyExists</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey></m:SetImGroupResponse></s:Body></s:Envelope>"#;
    let env = Envelope::<GlobalElement>::from_str(response, ewsgen::NAMESPACES).expect("envelope");
    let [GlobalElement::SetImGroupResponse(r)] = env.body.as_slice() else {
        panic!("{:?}", env.body)
    };
    let e = r.clone().into_result().expect_err("an error response");
    println!("{xml}");
    println!("{e}");
}
