//! The SOAP 1.1 envelope around EWS messages: headers, body and faults.

use crate::rt::{
    self, ErrorKind, Namespaces, RawElement, ReadOptions, Reader, Result, UnknownElement, Value,
    Writer, NS_NONE, NS_SOAP, NS_XML,
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
        f.fault_code = r.required(code, "faultcode")?;
        f.fault_string = r.required(string, "faultstring")?;
        r.leave()?;
        Ok(f)
    }

    fn write(&self, w: &mut Writer) {
        w.start("soap:Fault");
        w.start("faultcode");
        if let (Some(ns), Some((prefix, _))) =
            (&self.fault_code_namespace, self.fault_code.split_once(':'))
        {
            if !(prefix == "soap" && ns == rt::reader::SOAP_ENV) && prefix != "xml" {
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
}

impl<T> Default for Envelope<T> {
    fn default() -> Self {
        Envelope {
            headers: Vec::new(),
            body: Vec::new(),
            fault: None,
            unknown: Vec::new(),
        }
    }
}

const ENVELOPE_CHILDREN: &[(&str, u8)] = &[("Header", NS_SOAP), ("Body", NS_SOAP)];

impl<T: Value + rt::Tagged> Envelope<T> {
    /// Checks, before sending, that operation `O` accepts every header of this request
    /// envelope; the error names the first header it does not accept.
    pub fn check_request_headers<O: crate::Operation>(&self) -> Result<()> {
        match self
            .headers
            .iter()
            .find(|h| !O::accepts_header(h.element_tag()))
        {
            None => Ok(()),
            Some(h) => Err(rt::Error {
                kind: ErrorKind::Other(format!(
                    "operation {} does not accept the SOAP header {} (it accepts: {})",
                    <O as crate::Operation>::NAME,
                    h.element_tag(),
                    O::INPUT_HEADERS.join(", ")
                )),
                path: "/Envelope/Header".into(),
                line: 0,
                column: 0,
            }),
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
        let mut r = Reader::with_options(input, namespaces, options)?;
        r.expect_root("Envelope", NS_SOAP)?;
        let mut env = Envelope::default();
        let mut seen_header = false;
        let mut seen_body = false;
        r.enter()?;
        while r.peek()? {
            match (r.local(), r.ns()) {
                ("Header", NS_SOAP) if !seen_header && !seen_body => {
                    seen_header = true;
                    r.enter()?;
                    while r.peek()? {
                        env.headers.push(T::read_value(&mut r)?);
                    }
                    r.leave()?;
                }
                ("Body", NS_SOAP) if !seen_body => {
                    seen_body = true;
                    r.enter()?;
                    while r.peek()? {
                        if (r.local(), r.ns()) == ("Fault", NS_SOAP) {
                            env.fault = Some(Fault::read(&mut r)?);
                        } else {
                            env.body.push(T::read_value(&mut r)?);
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
        env.unknown = r.take_unknown();
        Ok(env)
    }

    /// Writes the envelope, declaring `soap:` and the generated namespaces on the root.
    pub fn to_xml(&self, namespaces: Namespaces) -> String {
        let mut w = Writer::with_capacity(namespaces, 1024);
        w.declaration();
        w.declare("soap", rt::reader::SOAP_ENV);
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
        w.into_string()
    }
}
