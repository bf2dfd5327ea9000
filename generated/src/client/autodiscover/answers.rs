//! What Autodiscover sends and reads: the POX request for an address, the POX answer
//! (settings, a redirect or an error) read as raw XML, the JSON endpoint's answer.

use crate::response::text_of;
use crate::rt::xml::XmlReader;
use crate::rt::{RawElement, RawNode, ReadOptions};

const REQUEST_NS: &str =
    "http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006";
const RESPONSE_SCHEMA: &str =
    "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a";

/// Autodiscover answers are shallow: deeper nesting is refused.
const MAX_DEPTH: usize = 64;

/// The POX request for `email`.
pub(super) fn pox_request(email: &str) -> String {
    let mut escaped = String::with_capacity(email.len());
    for c in email.trim().chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            c => escaped.push(c),
        }
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n\
         <Autodiscover xmlns=\"{REQUEST_NS}\">\n  <Request>\n    \
         <EMailAddress>{escaped}</EMailAddress>\n    \
         <AcceptableResponseSchema>{RESPONSE_SCHEMA}</AcceptableResponseSchema>\n  \
         </Request>\n</Autodiscover>\n"
    )
}

/// What a POX answer says.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Pox {
    Settings {
        ews_url: String,
        version: Option<String>,
    },
    RedirectAddr(String),
    RedirectUrl(String),
    Error {
        code: String,
        message: String,
    },
}

/// The child elements of `e` named `name` (local name; namespaces are not compared).
fn children<'e, 'n>(
    e: &'e RawElement,
    name: &'n str,
) -> impl Iterator<Item = &'e RawElement> + use<'e, 'n> {
    e.children.iter().filter_map(move |c| match c {
        RawNode::Element(c) if c.name == name => Some(c),
        _ => None,
    })
}

/// The first child element of `e` named `name`.
fn child<'e>(e: &'e RawElement, name: &str) -> Option<&'e RawElement> {
    children(e, name).next()
}

/// The trimmed text of the first child element of `e` named `name`, unless empty.
fn text_in(e: &RawElement, name: &str) -> Option<String> {
    child(e, name)
        .map(|c| text_of(c).trim().to_string())
        .filter(|t| !t.is_empty())
}

/// The root element of an answer, as raw XML (no DTD, bounded depth; what follows the root
/// is not read).
fn root(xml: &[u8]) -> Result<RawElement, String> {
    let text = XmlReader::check_utf8(xml).map_err(|e| e.to_string())?;
    let options = ReadOptions::builder().max_depth(MAX_DEPTH).build();
    let mut r = XmlReader::with_options(text, &[], options).map_err(|e| e.to_string())?;
    RawElement::read(&mut r).map_err(|e| e.to_string())
}

/// Reads a POX answer.
pub(super) fn read_pox(xml: &[u8]) -> Result<Pox, String> {
    let root = root(xml)?;
    if root.name != "Autodiscover" {
        return Err(format!(
            "the root element is <{}>, not <Autodiscover>",
            root.name
        ));
    }
    let response = child(&root, "Response").ok_or("no <Response>")?;
    if let Some(error) = child(response, "Error") {
        return Ok(Pox::Error {
            code: text_in(error, "ErrorCode").unwrap_or_default(),
            message: text_in(error, "Message").unwrap_or_default(),
        });
    }
    let account = child(response, "Account").ok_or("no <Account> and no <Error>")?;
    match text_in(account, "Action").as_deref() {
        Some("redirectAddr") => {
            return text_in(account, "RedirectAddr")
                .map(Pox::RedirectAddr)
                .ok_or_else(|| "redirectAddr without <RedirectAddr>".into())
        }
        Some("redirectUrl") => {
            return text_in(account, "RedirectUrl")
                .map(Pox::RedirectUrl)
                .ok_or_else(|| "redirectUrl without <RedirectUrl>".into())
        }
        Some("settings") | None => {}
        Some(other) => return Err(format!("unknown <Action>{other}</Action>")),
    }
    let protocols: Vec<&RawElement> = children(account, "Protocol").collect();
    // The protocol's kind: its `Type` element, else its `Type` attribute.
    let kind = |p: &RawElement| {
        text_in(p, "Type").or_else(|| {
            p.attributes
                .iter()
                .find(|a| a.name == "Type")
                .map(|a| a.value.clone())
        })
    };
    let with_url = |t: &str| {
        protocols
            .iter()
            .find(|p| kind(p).as_deref() == Some(t))
            .and_then(|p| text_in(p, "EwsUrl"))
    };
    let ews_url = with_url("EXPR")
        .or_else(|| with_url("EXCH"))
        .or_else(|| protocols.iter().find_map(|p| text_in(p, "EwsUrl")))
        .ok_or("the settings hold no <EwsUrl>")?;
    let version = protocols
        .iter()
        .find(|p| kind(p).as_deref() == Some("EXCH"))
        .and_then(|p| text_in(p, "ServerVersion"))
        .or_else(|| protocols.iter().find_map(|p| text_in(p, "ServerVersion")));
    Ok(Pox::Settings { ews_url, version })
}

/// Reads the JSON endpoint's answer: the `Url`, or `error CODE: MESSAGE`.
pub(super) fn read_json(body: &[u8]) -> Result<String, String> {
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| format!("unreadable JSON answer: {e}"))?;
    if let Some(url) = value.get("Url").and_then(|u| u.as_str()) {
        return Ok(url.to_string());
    }
    let code = value.get("ErrorCode").and_then(|c| c.as_str());
    let message = value
        .get("ErrorMessage")
        .and_then(|c| c.as_str())
        .unwrap_or("");
    match code {
        Some(code) => Err(format!("error {code}: {message}")),
        None => Err("the JSON answer holds no Url".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pox_answers_read() {
        let settings = br#"<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">
  <Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">
    <Account>
      <AccountType>email</AccountType>
      <Action>settings</Action>
      <Protocol><Type>EXCH</Type><ServerVersion>738180DA</ServerVersion><EwsUrl>https://in.contoso.test/EWS/Exchange.asmx</EwsUrl></Protocol>
      <Protocol><Type>EXPR</Type><EwsUrl>https://mail.contoso.test/EWS/Exchange.asmx?a=1&amp;b=2</EwsUrl></Protocol>
    </Account>
  </Response>
</Autodiscover>"#;
        assert_eq!(
            read_pox(settings).unwrap(),
            Pox::Settings {
                ews_url: "https://mail.contoso.test/EWS/Exchange.asmx?a=1&b=2".into(),
                version: Some("738180DA".into())
            }
        );
        let error = br#"<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"><Response><Error Time="1" Id="2"><ErrorCode>500</ErrorCode><Message>The e-mail address cannot be found.</Message><DebugData /></Error></Response></Autodiscover>"#;
        assert_eq!(
            read_pox(error).unwrap(),
            Pox::Error {
                code: "500".into(),
                message: "The e-mail address cannot be found.".into()
            }
        );
        for bad in [
            &b"<html><body>x</body></html>"[..],
            b"<!DOCTYPE x [<!ENTITY a 'b'>]><Autodiscover/>",
            b"<Autodiscover><Response>",
            b"",
            b"<Autodiscover><Response><Account><Action>redirectAddr</Action></Account></Response></Autodiscover>",
        ] {
            assert!(read_pox(bad).is_err(), "{}", String::from_utf8_lossy(bad));
        }
        let deep = format!("{}{}", "<a>".repeat(10_000), "</a>".repeat(10_000));
        assert!(read_pox(deep.as_bytes()).unwrap_err().contains("deeper"));
    }

    #[test]
    fn request_escapes_the_address() {
        assert!(pox_request("a&b@contoso.test")
            .contains("<EMailAddress>a&amp;b@contoso.test</EMailAddress>"));
    }

    #[test]
    fn json_answers_read() {
        assert_eq!(
            read_json(
                br#"{"Protocol":"EWS","Url":"https://outlook.office365.com/EWS/Exchange.asmx"}"#
            )
            .unwrap(),
            "https://outlook.office365.com/EWS/Exchange.asmx"
        );
        assert!(
            read_json(br#"{"ErrorCode":"InternalServerError","ErrorMessage":"x"}"#)
                .unwrap_err()
                .starts_with("error InternalServerError")
        );
        assert!(read_json(b"<html>").is_err());
    }
}
