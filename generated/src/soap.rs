//! The SOAP 1.1 envelope around EWS messages: headers, body and faults.

use crate::__private::{Reader, Value, Writer, NS_NONE, NS_SOAP, NS_XML};
use crate::rt::{
    self, ErrorKind, Namespaces, RawElement, ReadOptions, Repair, Result, UnknownElement,
};

/// A SOAP fault (`soap:Fault`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Fault {
    /// `faultcode` as written, such as `a:ErrorSchemaValidation` or `soap:Client`.
    pub fault_code: String,
    /// The namespace the fault code's prefix is bound to (for Exchange errors,
    /// `http://schemas.microsoft.com/exchange/services/2006/types`).
    pub fault_code_namespace: Option<String>,
    /// `faultstring`: the human-readable reason.
    pub fault_string: String,
    /// The `xml:lang` of `faultstring`, such as `en-US`.
    pub fault_string_lang: Option<String>,
    /// `faultactor`, when present.
    pub fault_actor: Option<String>,
    /// `detail`, kept as raw XML.
    pub detail: Option<RawElement>,
}

impl Fault {
    fn read(r: &mut Reader<'_>) -> Result<Fault> {
        let mut f = Fault::default();
        let (mut code, mut string) = (None, None);
        r.enter()?;
        while r.peek()? {
            match (r.local(), r.ns()) {
                ("faultcode", NS_NONE) => {
                    let (text, ns) = r.read_qname()?;
                    code = Some(text);
                    f.fault_code_namespace = ns;
                }
                ("faultstring", NS_NONE) => {
                    let mut it = r.attributes();
                    while let Some(a) = it.next_attr()? {
                        match (a.local(), a.ns()) {
                            ("lang", NS_XML) => f.fault_string_lang = Some(a.value()?),
                            _ => return a.unexpected(),
                        }
                    }
                    string = Some(r.read_text_after_attrs()?.into_owned());
                }
                ("faultactor", NS_NONE) => f.fault_actor = Some(r.read_text()?.into_owned()),
                ("detail", NS_NONE) => f.detail = Some(r.read_raw()?),
                _ => r.unexpected(&[
                    ("faultcode", NS_NONE),
                    ("faultstring", NS_NONE),
                    ("faultactor", NS_NONE),
                    ("detail", NS_NONE),
                ])?,
            }
        }
        let missing = |r: &Reader<'_>, name: &str| {
            r.missing_error(ErrorKind::MissingElement(name.to_string()))
        };
        f.fault_code = code.ok_or_else(|| missing(r, "faultcode"))?;
        f.fault_string = string.ok_or_else(|| missing(r, "faultstring"))?;
        r.leave()?;
        Ok(f)
    }

    fn write(&self, w: &mut Writer) {
        w.start("soap:Fault");
        w.start("faultcode");
        if let (Some(ns), Some((prefix, _))) =
            (&self.fault_code_namespace, self.fault_code.split_once(':'))
        {
            if !(prefix == "soap" && ns == crate::__private::SOAP_ENV) && prefix != "xml" {
                w.attr_str(&format!("xmlns:{prefix}"), ns);
            }
        }
        w.text_str(&self.fault_code);
        w.end("faultcode");
        w.start("faultstring");
        if let Some(lang) = &self.fault_string_lang {
            w.attr_str("xml:lang", lang);
        }
        w.text_str(&self.fault_string);
        w.end("faultstring");
        if let Some(a) = &self.fault_actor {
            w.start("faultactor");
            w.text_str(a);
            w.end("faultactor");
        }
        if let Some(d) = &self.detail {
            d.write(w);
        }
        w.end("soap:Fault");
    }
}

/// A SOAP envelope whose header children and body children are read as `T` (in generated
/// code, the enum of all global elements).
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope<T> {
    /// Children of `soap:Header`, in document order (none when the header is absent).
    pub headers: Vec<T>,
    /// Children of `soap:Body`, in document order.
    pub body: Vec<T>,
    /// A `soap:Fault` in the body.
    pub fault: Option<Fault>,
    /// Elements the schema does not allow where they stood, skipped or kept as
    /// [`ReadOptions::unknown_elements`] says. They are not written back by
    /// [`Envelope::to_xml`].
    pub unknown: Vec<UnknownElement>,
    /// What the default (open-world) reading repaired to keep the envelope, each with its
    /// element path, line and column: undeclared attributes skipped, elements read out of
    /// order, character references to excluded characters read as U+FFFD, unpadded base64
    /// decoded. Strict reading refuses each instead, so it leaves this empty.
    pub repairs: Vec<Repair>,
}

impl<T> Default for Envelope<T> {
    fn default() -> Self {
        Envelope {
            headers: Vec::new(),
            body: Vec::new(),
            fault: None,
            unknown: Vec::new(),
            repairs: Vec::new(),
        }
    }
}

const ENVELOPE_CHILDREN: &[(&str, u8)] = &[("Header", NS_SOAP), ("Body", NS_SOAP)];

impl<T: Value + crate::__private::Tagged> Envelope<T> {
    /// Checks, before sending, that operation `O` accepts every header of this request
    /// envelope; the error names the first header it does not accept.
    pub fn check_request_headers<O: crate::Operation>(&self) -> Result<()> {
        match self
            .headers
            .iter()
            .find(|h| !O::accepts_header(h.element_tag()))
        {
            None => Ok(()),
            Some(h) => Err(header_refused::<O>(h.element_tag())),
        }
    }
}

impl<T: Value> Envelope<T> {
    /// Reads an envelope.
    pub fn from_str(input: &str, namespaces: Namespaces) -> Result<Self> {
        Self::from_str_with(input, namespaces, ReadOptions::default())
    }

    /// Reads an envelope given as bytes (which must be UTF-8).
    pub fn from_bytes(input: &[u8], namespaces: Namespaces, options: ReadOptions) -> Result<Self> {
        Self::from_str_with(Reader::check_utf8(input)?, namespaces, options)
    }

    /// Reads an envelope with explicit options.
    pub fn from_str_with(
        input: &str,
        namespaces: Namespaces,
        options: ReadOptions,
    ) -> Result<Self> {
        let mut headers = Vec::new();
        let mut body = Vec::new();
        let (fault, unknown, repairs) = read_envelope(
            input,
            namespaces,
            options,
            |r| {
                let at = r.byte_position();
                match T::read_value(r) {
                    Ok(v) => headers.push(v),
                    Err(e) if not_declared(r, &e, at) => undeclared_header(r)?,
                    Err(e) => return Err(e),
                }
                Ok(())
            },
            |r| {
                let at = r.byte_position();
                match T::read_value(r) {
                    Ok(v) => body.push(v),
                    Err(e) if not_declared(r, &e, at) && !r.options().refuses_unknown() => {
                        r.unexpected(&[])?
                    }
                    Err(e) => return Err(e),
                }
                Ok(())
            },
        )?;
        Ok(Envelope {
            headers,
            body,
            fault,
            unknown,
            repairs,
        })
    }

    /// Writes the envelope, declaring `soap:` and the generated namespaces on the root. A
    /// value holding a character XML 1.0 cannot carry is an error naming the element path.
    pub fn to_xml(&self, namespaces: Namespaces) -> Result<String> {
        let mut w = Writer::with_capacity(namespaces, 1024);
        w.declaration();
        w.declare("soap", crate::__private::SOAP_ENV);
        w.start("soap:Envelope");
        if !self.headers.is_empty() {
            w.start("soap:Header");
            for h in &self.headers {
                h.write_value(&mut w, "");
            }
            w.end("soap:Header");
        }
        w.start("soap:Body");
        for b in &self.body {
            b.write_value(&mut w, "");
        }
        if let Some(f) = &self.fault {
            f.write(&mut w);
        }
        w.end("soap:Body");
        w.end("soap:Envelope");
        w.finish()
    }
}

/// Reads a SOAP envelope: `on_header` is called on each child of `soap:Header`, `on_body`
/// on each child of `soap:Body` other than `soap:Fault`, each positioned on the child's
/// start tag. Returns the fault, if the body holds one, the elements skipped or kept
/// under [`ReadOptions::unknown_elements`] and the repairs the default reading made. A missing `soap:Header` is fine; attributes on
/// `soap:Body` are ignored.
#[doc(hidden)]
pub fn read_envelope(
    input: &str,
    namespaces: Namespaces,
    options: ReadOptions,
    mut on_header: impl FnMut(&mut Reader<'_>) -> Result<()>,
    mut on_body: impl FnMut(&mut Reader<'_>) -> Result<()>,
) -> Result<(Option<Fault>, Vec<UnknownElement>, Vec<Repair>)> {
    let mut r = Reader::with_options(input, namespaces, options)?;
    r.expect_root("Envelope", NS_SOAP)?;
    let mut fault = None;
    let mut seen_header = false;
    let mut seen_body = false;
    r.enter()?;
    while r.peek()? {
        match (r.local(), r.ns()) {
            ("Header", NS_SOAP) if !seen_header && !seen_body => {
                seen_header = true;
                r.enter()?;
                while r.peek()? {
                    on_header(&mut r)?;
                }
                r.leave()?;
            }
            ("Body", NS_SOAP) if !seen_body => {
                seen_body = true;
                r.enter()?;
                while r.peek()? {
                    if (r.local(), r.ns()) == ("Fault", NS_SOAP) {
                        if fault.is_some() {
                            return Err(r.error(ErrorKind::TooManyElements(r.qname().to_string())));
                        }
                        fault = Some(Fault::read(&mut r)?);
                    } else {
                        on_body(&mut r)?;
                    }
                }
                r.leave()?;
            }
            ("Header" | "Body", NS_SOAP) => {
                return Err(r.error(ErrorKind::TooManyElements(r.qname().to_string())));
            }
            _ => r.unexpected(ENVELOPE_CHILDREN)?,
        }
    }
    if !seen_body {
        return Err(r.error(ErrorKind::MissingElement("soap:Body".into())));
    }
    r.leave()?;
    r.finish()?;
    Ok((fault, r.take_unknown(), r.take_repairs()))
}

/// Whether reading an element as a global element failed on its name alone: the reader
/// still stands on it, its start tag at `at`, and the error is about what it is.
fn not_declared(r: &Reader<'_>, e: &rt::Error, at: u64) -> bool {
    r.at_child()
        && r.byte_position() == at
        && matches!(
            e.kind,
            ErrorKind::UnexpectedElement { .. } | ErrorKind::WrongNamespace { .. }
        )
}

/// A SOAP header the schemas do not declare (Exchange Online faults carry WS-Addressing's
/// `Action`): refused by strict reading, naming it; skipped (or kept, under
/// [`rt::UnknownElements::Keep`]) and recorded in `unknown` and `repairs` by the default
/// reading.
fn undeclared_header(r: &mut Reader<'_>) -> Result<()> {
    if r.options().refuses_unknown() {
        return Err(r.misnamed_error(&[], "a SOAP header the schemas declare"));
    }
    r.note(rt::RepairKind::UndeclaredHeader(r.qname().to_string()));
    r.unexpected(&[])
}

/// The typed SOAP headers of a request or a response (the generated `RequestHeaders` and
/// `ResponseHeaders`: one optional field per header element).
pub trait Headers: Default {
    /// The qualified names (`t:MailboxCulture`) of the headers present, in writing order.
    fn present(&self) -> Vec<&'static str>;
    /// Writes the headers present.
    #[doc(hidden)]
    fn write_headers(&self, w: &mut Writer);
    /// Reads the header element the reader stands on into its field; `Ok(false)` (nothing
    /// read) when it is not one of these headers.
    #[doc(hidden)]
    fn read_header(&mut self, r: &mut Reader<'_>) -> Result<bool>;
}

/// The error for a header `tag` that operation `O` does not accept.
fn header_refused<O: crate::Operation>(tag: &str) -> rt::Error {
    rt::Error::at(
        ErrorKind::Other(format!(
            "operation {} does not accept the SOAP header {tag} (it accepts: {})",
            <O as crate::Operation>::NAME,
            O::INPUT_HEADERS.join(", ")
        )),
        "/Envelope/Header",
    )
}

/// Writes the request envelope of operation `O` with `headers`, after checking that the
/// operation accepts each of them (the error names the first it does not accept).
pub fn request_xml<O: crate::Operation, H: Headers>(op: &O, headers: &H) -> Result<String> {
    write_request(op, headers, false)
}

/// Like [`request_xml`]; with `check`, the headers and the request are also checked against
/// the schema's rules while they are written, as strict reading checks them (the content
/// model of each element, the facets of each value, the values enumerations list): the
/// error names the element path of the first break (see
/// [`Writer::checking`](crate::__private::Writer::checking)). The client writes its requests
/// so.
pub fn write_request<O: crate::Operation, H: Headers>(
    op: &O,
    headers: &H,
    check: bool,
) -> Result<String> {
    let present = headers.present();
    if let Some(h) = present.iter().find(|h| !O::accepts_header(h)) {
        return Err(header_refused::<O>(h));
    }
    let mut w = Writer::with_capacity(O::NAMESPACES, 1024);
    if check {
        // A version the bindings do not list is sent as given (a newer server's).
        w = w.checking().open_values(&["RequestServerVersion"]);
    }
    w.declaration();
    w.declare("soap", crate::__private::SOAP_ENV);
    w.start("soap:Envelope");
    if !present.is_empty() {
        w.start("soap:Header");
        headers.write_headers(&mut w);
        w.end("soap:Header");
    }
    w.start("soap:Body");
    op.write_value(&mut w, O::TAG);
    w.end("soap:Body");
    w.end("soap:Envelope");
    w.finish()
}

/// A typed response: the SOAP headers (such as `ServerVersionInfo`), the response element,
/// the elements the schema does not know (skipped or kept as
/// [`ReadOptions::unknown_elements`] says) and, when it came through the client, what the
/// HTTP exchange told.
#[derive(Debug, Clone, PartialEq)]
pub struct Response<T, H> {
    /// The SOAP headers (such as `ServerVersionInfo`).
    pub headers: H,
    /// The response element.
    pub body: T,
    /// Elements skipped or kept under [`ReadOptions::unknown_elements`].
    pub unknown: Vec<UnknownElement>,
    /// What the default reading repaired to keep the response (see [`Envelope::repairs`]).
    pub repairs: Vec<Repair>,
    /// The HTTP side of the call; `None` for a response read from text.
    pub http: Option<HttpInfo>,
}

/// The HTTP side of a call made by the client.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct HttpInfo {
    /// HTTP status of the answer read.
    pub status: u16,
    /// How many throttled answers (503 or 429 with `Retry-After`, `ErrorServerBusy`) were
    /// retried before this one.
    pub retries: u32,
    /// The `client-request-id` header the client sent with this request (a UUID, new for
    /// every request): Exchange logs it, so it finds the request in the server's logs.
    pub client_request_id: String,
    /// The answer's `request-id` header (Exchange's own id of the request).
    pub request_id: Option<String>,
    /// The answer's `X-BEServer` header (the mailbox server that served the request).
    pub be_server: Option<String>,
    /// The answer's `X-DiagInfo` header (the server that answered).
    pub diag_info: Option<String>,
}

/// Reads a response envelope whose body holds one `T` element or a `soap:Fault`.
/// `Ok(Err(fault))` is a well-formed fault; `Err` is a document that could not be read.
pub fn read_response<T: rt::Element, H: Headers>(
    input: &str,
    options: ReadOptions,
) -> Result<std::result::Result<Response<T, H>, Fault>> {
    Ok(read_response_or_fault(input, options)?.map_err(|(fault, _)| fault))
}

/// [`read_response`], keeping the SOAP headers of a fault's envelope (its
/// `ServerVersionInfo`).
pub(crate) fn read_response_or_fault<T: rt::Element, H: Headers>(
    input: &str,
    options: ReadOptions,
) -> Result<std::result::Result<Response<T, H>, (Fault, H)>> {
    let mut headers = H::default();
    let mut body: Option<T> = None;
    let (fault, unknown, repairs) = read_envelope(
        input,
        T::NAMESPACES,
        options,
        |r| {
            if !headers.read_header(r)? {
                undeclared_header(r)?;
            }
            Ok(())
        },
        |r| {
            if (r.local(), r.ns()) == (T::NAME, T::NS) {
                if body.is_some() {
                    return Err(r.error(ErrorKind::TooManyElements(T::TAG.into())));
                }
                body = Some(T::read_value(r)?);
                Ok(())
            } else {
                r.unexpected(&[(T::NAME, T::NS)])
            }
        },
    )?;
    match (fault, body) {
        (Some(f), None) => Ok(Err((f, headers))),
        (None, Some(body)) => Ok(Ok(Response {
            http: None,
            headers,
            body,
            unknown,
            repairs,
        })),
        (Some(_), Some(_)) => Err(rt::Error::at(
            ErrorKind::Other(format!(
                "the body holds both a soap:Fault and a {} element",
                T::TAG
            )),
            "/Envelope/Body",
        )),
        (None, None) => Err(rt::Error::at(
            ErrorKind::MissingElement(T::TAG.into()),
            "/Envelope/Body",
        )),
    }
}

/// The typed response of operation `O`, as `client::Client::call` returns it: the response element (`O::Response`) and the response's SOAP headers
/// (`O::ResponseHeaders`).
///
/// A response saved from a server (a log, a test fixture) reads back in one call:
///
/// ```
/// use ewsgen::messages::SetImGroupType;
/// use ewsgen::soap::OperationResponse;
///
/// let saved = r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">
///   <s:Header><h:ServerVersionInfo MajorVersion="15" MinorVersion="1" MajorBuildNumber="2507" MinorBuildNumber="6" Version="V2017_07_11" xmlns:h="http://schemas.microsoft.com/exchange/services/2006/types"/></s:Header>
///   <s:Body><m:SetImGroupResponse ResponseClass="Success" xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"><m:ResponseCode>NoError</m:ResponseCode></m:SetImGroupResponse></s:Body>
/// </s:Envelope>"#;
/// let response: OperationResponse<SetImGroupType> = saved.parse()?;
/// let info = response.headers.server_version_info.as_ref().expect("ServerVersionInfo");
/// assert_eq!(info.major_build_number, Some(2507));
/// # Ok::<(), ewsgen::soap::ReadError>(())
/// ```
pub type OperationResponse<O> =
    Response<<O as crate::Operation>::Response, <O as crate::Operation>::ResponseHeaders>;

/// Why a saved response envelope did not read as a response.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// The document is not a readable response envelope (the error names the element path,
    /// line and column).
    #[error("{0}")]
    Xml(rt::Error),
    /// The envelope holds a SOAP fault instead of the response
    /// ([`Fault::exchange_detail`] gives Exchange's part of it).
    #[error("{0}")]
    Fault(Box<Fault>),
}

impl<T: rt::Element, H: Headers> Response<T, H> {
    /// Reads a response envelope (with `options`; [`str::parse`] reads with the default
    /// options, which keep every real answer and record each repair).
    pub fn from_str_with(
        input: &str,
        options: ReadOptions,
    ) -> std::result::Result<Self, ReadError> {
        match read_response(input, options) {
            Ok(Ok(r)) => Ok(r),
            Ok(Err(fault)) => Err(ReadError::Fault(Box::new(fault))),
            Err(e) => Err(ReadError::Xml(e)),
        }
    }
}

/// `xml.parse::<OperationResponse<FindItemType>>()` (see [`OperationResponse`]).
impl<T: rt::Element, H: Headers> std::str::FromStr for Response<T, H> {
    type Err = ReadError;

    fn from_str(input: &str) -> std::result::Result<Self, ReadError> {
        Self::from_str_with(input, ReadOptions::default())
    }
}

/// The Exchange part of a fault's `detail`: `e:ResponseCode`, `e:Message` and
/// `t:MessageXml` (line and position of a schema-validation error, `t:Value` entries such
/// as `BackOffMilliseconds`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FaultDetail {
    /// `e:ResponseCode`, such as `ErrorSchemaValidation` or `ErrorServerBusy`.
    pub response_code: Option<String>,
    /// `e:Message`.
    pub message: Option<String>,
    /// `m:ErrorCode`, as older servers write it (such as `-2146233088`).
    pub error_code: Option<String>,
    /// `t:MessageXml/t:LineNumber` of a schema-validation fault.
    pub line_number: Option<u64>,
    /// `t:MessageXml/t:LinePosition`.
    pub line_position: Option<u64>,
    /// `t:MessageXml/t:Violation`.
    pub violation: Option<String>,
    /// `t:MessageXml/t:Value` entries, as (`Name`, text).
    pub values: Vec<(String, String)>,
    /// The children of `t:MessageXml`, as written.
    pub message_xml: Vec<RawElement>,
}

impl FaultDetail {
    /// The `BackOffMilliseconds` value, when present.
    pub fn back_off(&self) -> Option<std::time::Duration> {
        crate::response::back_off(&self.message_xml)
    }
}

impl Fault {
    /// The local part of `faultcode` (`ErrorSchemaValidation` for `a:ErrorSchemaValidation`).
    pub fn code_local(&self) -> &str {
        self.fault_code
            .rsplit_once(':')
            .map_or(self.fault_code.as_str(), |(_, l)| l)
    }

    /// The Exchange part of `detail` (empty when there is none).
    pub fn exchange_detail(&self) -> FaultDetail {
        let mut d = FaultDetail::default();
        let Some(detail) = &self.detail else {
            return d;
        };
        for c in &detail.children {
            let rt::RawNode::Element(e) = c else { continue };
            match e.name.as_str() {
                "ResponseCode" => {
                    d.response_code = Some(crate::response::text_of(e).trim().to_string());
                }
                "Message" => d.message = Some(crate::response::text_of(e)),
                "ErrorCode" => d.error_code = Some(crate::response::text_of(e).trim().to_string()),
                "MessageXml" => {
                    for c in &e.children {
                        let rt::RawNode::Element(x) = c else { continue };
                        let text = crate::response::text_of(x);
                        match x.name.as_str() {
                            "LineNumber" => d.line_number = text.trim().parse().ok(),
                            "LinePosition" => d.line_position = text.trim().parse().ok(),
                            "Violation" => d.violation = Some(text),
                            _ => {}
                        }
                        d.message_xml.push(x.clone());
                    }
                    d.values = crate::response::values(&d.message_xml);
                }
                _ => {}
            }
        }
        d
    }

    /// The Exchange response code of the fault: `detail/ResponseCode`, else the local part
    /// of `faultcode`.
    pub fn response_code(&self) -> String {
        self.exchange_detail()
            .response_code
            .unwrap_or_else(|| self.code_local().to_string())
    }
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SOAP fault {}: {}", self.fault_code, self.fault_string)
    }
}

impl std::error::Error for Fault {}
