//! Names in XML documents: the ids generated code gives namespaces ([`Namespaces`]), the
//! namespaces any document may use (SOAP 1.1, `xsi:`, `xml:`), and qualified names split.

/// Namespace id of an element or attribute in no namespace.
pub const NS_NONE: u8 = 250;

/// Namespace id of the SOAP 1.1 envelope namespace.
pub const NS_SOAP: u8 = 251;

/// Namespace id of the XML Schema instance namespace (`xsi:`).
pub const NS_XSI: u8 = 252;

/// Namespace id of the `xml:` namespace.
pub const NS_XML: u8 = 253;

/// Namespace id of any other namespace.
pub const NS_OTHER: u8 = 255;

/// The SOAP 1.1 envelope namespace.
pub const SOAP_ENV: &str = "http://schemas.xmlsoap.org/soap/envelope/";

/// The XML Schema instance namespace.
pub const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// The `xml:` namespace.
pub const XML: &str = "http://www.w3.org/XML/1998/namespace";

/// A table of the namespaces generated code knows: `(prefix, uri)`; the index is the id.
pub type Namespaces = &'static [(&'static str, &'static str)];

/// Maps a namespace name to its id.
pub(crate) fn lookup_ns(namespaces: Namespaces, uri: &str) -> u8 {
    for (i, (_, known)) in namespaces.iter().enumerate() {
        if *known == uri {
            return i as u8;
        }
    }
    match uri {
        SOAP_ENV => NS_SOAP,
        XSI => NS_XSI,
        XML => NS_XML,
        "" => NS_NONE,
        _ => NS_OTHER,
    }
}

/// Splits a qualified name into prefix (empty for none) and local name. Names are short:
/// a plain byte loop finds the `:` (which no UTF-8 sequence holds inside a character)
/// sooner than a general string search.
#[inline]
pub(crate) fn split_qname(q: &str) -> (&str, &str) {
    match q.bytes().position(|b| b == b':') {
        Some(i) => (&q[..i], &q[i + 1..]),
        None => ("", q),
    }
}
