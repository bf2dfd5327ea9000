//! The attributes of the element the reader stands on: their namespaces resolved, their
//! values normalized with their character references checked, duplicates refused; and the
//! `xsi:` attributes (`xsi:type`, `xsi:nil`) read apart.

use std::borrow::Cow;

use crate::rt::error::{Error, ErrorKind, Result};
use crate::rt::facets::Lex;
use crate::rt::lexical::{
    char_ref_code, classify_char_ref, first_forbidden_char, is_xml_space, strip_as_libxml2,
    whitespace_reason,
};
use crate::rt::xs::text::{Text, NOT_LISTED};

use super::names::{split_qname, NS_NONE, NS_XSI};
use super::options::RepairKind;
use super::position::shorten;
use super::reader::XmlReader;
use super::scopes::Resolved;

/// One attribute of the current element, with its namespace resolved.
pub struct Attr<'r, 'a> {
    reader: &'r XmlReader<'a>,
    local: &'r str,
    qname: &'r str,
    ns: u8,
    value: Cow<'r, str>,
}

impl<'r, 'a> Attr<'r, 'a> {
    /// Local name.
    pub fn local(&self) -> &str {
        self.local
    }
    /// Qualified name, as written.
    pub fn qname(&self) -> &str {
        self.qname
    }
    /// Namespace id.
    pub fn ns(&self) -> u8 {
        self.ns
    }
    /// The value, entity references expanded.
    pub fn raw(&self) -> &str {
        &self.value
    }
    /// The value parsed as `T`.
    pub fn value<T: Text>(&self) -> Result<T> {
        if !T::XS.is_empty()
            && self.reader.strict()
            && strip_as_libxml2(T::XS, &self.value).is_none()
        {
            return Err(self.invalid(whitespace_reason(T::XS)));
        }
        let v = T::parse_text(&self.value).map_err(|reason| self.invalid(reason))?;
        if self.reader.strict() && !v.is_listed() {
            return Err(self.invalid(NOT_LISTED.into()));
        }
        Ok(v)
    }
    /// Strict reading: checks the value against the whitespace rules of its built-in type,
    /// its facets and its `fixed` value.
    pub fn check(&self, lex: &Lex) -> Result<()> {
        lex.check(&self.value)
            .map_err(|reason| self.invalid(reason))
    }
    fn invalid(&self, reason: String) -> Error {
        self.reader.error(ErrorKind::InvalidValue {
            what: format!("attribute `{}`", self.qname),
            value: shorten(&self.value),
            reason,
        })
    }
    /// The error for an attribute the type does not declare.
    pub fn unexpected<T>(&self) -> Result<T> {
        Err(self
            .reader
            .error(ErrorKind::UnexpectedAttribute(self.qname.to_string())))
    }
    /// The namespace name the attribute is in, if any.
    pub fn namespace(&self) -> Option<&str> {
        let (prefix, _) = split_qname(self.qname);
        match self.reader.resolve_prefix(prefix, true) {
            Resolved::Bound(_, uri) => Some(uri),
            _ => None,
        }
    }
}

impl<'a> XmlReader<'a> {
    /// Whether the element the reader is positioned on has no attributes at all
    /// (declarations included): the common case, decided without reading them.
    #[inline]
    pub(crate) fn no_attributes(&self) -> bool {
        self.cur
            .attributes_raw()
            .bytes()
            .all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'/'))
    }

    /// Attributes of the element the reader is positioned on, namespaces resolved; `xmlns`
    /// declarations and `xsi:` attributes are left out.
    pub fn attributes(&self) -> AttrIter<'_, 'a> {
        let mut inner = self.cur.attributes();
        // Duplicates are found below without quick-xml's per-element allocation.
        inner.with_checks(false);
        AttrIter {
            reader: self,
            inner,
            seen: [""; 8],
            seen_len: 0,
            more: Vec::new(),
        }
    }

    /// The `xsi:type` of the current element, if it has one: the namespace id and the local
    /// name of the type it names (prefix resolved where the element stands).
    pub fn xsi_type(&self) -> Result<Option<(u8, String)>> {
        let Some(v) = self.xsi_attribute("type")? else {
            return Ok(None);
        };
        let v = v.trim();
        let (prefix, local) = split_qname(v);
        let id = match self.resolve_prefix(prefix, false) {
            Resolved::Bound(id, _) => id,
            Resolved::Unbound => NS_NONE,
            Resolved::Unknown => {
                return Err(self.error(ErrorKind::Syntax(format!(
                    "xsi:type `{v}` uses the undeclared prefix `{prefix}`"
                ))))
            }
        };
        Ok(Some((id, local.to_string())))
    }

    /// The normalized value of the current element's `xsi:<name>` attribute, if present.
    fn xsi_attribute(&self, name: &str) -> Result<Option<String>> {
        if !self.cur.attributes_raw().contains(name) {
            return Ok(None);
        }
        for a in self.cur.attributes() {
            let a = a.map_err(|e| self.error(ErrorKind::Syntax(e.to_string())))?;
            let (prefix, local) = split_qname(a.key.into_inner());
            if local == name
                && !prefix.is_empty()
                && matches!(
                    self.resolve_prefix(prefix, true),
                    Resolved::Bound(NS_XSI, _)
                )
            {
                let v = self.attr_value(a)?.into_owned();
                // libxml2 resolves an `xsi:type` as written: whitespace around the name
                // leaves it naming no type.
                if name == "type" && self.strict() && v.trim_matches(is_xml_space) != v {
                    return Err(self.invalid_value(
                        "attribute `xsi:type`",
                        &v,
                        "whitespace around the type name: it does not resolve to a type definition"
                            .into(),
                    ));
                }
                return Ok(Some(v));
            }
        }
        Ok(None)
    }

    /// Whether the current element carries an `xsi:type` naming the type `name` (a
    /// qualified name with the generated code's prefix, such as `t:ItemType`).
    pub(crate) fn names_type(&self, name: &str) -> Result<bool> {
        let Some(v) = self.xsi_attribute("type")? else {
            return Ok(false);
        };
        let (prefix, local) = split_qname(v.trim());
        let (want_prefix, want_local) = split_qname(name);
        if local != want_local {
            return Ok(false);
        }
        let want = self
            .namespaces
            .iter()
            .position(|(p, _)| *p == want_prefix)
            .map_or(NS_NONE, |i| i as u8);
        Ok(match self.resolve_prefix(prefix, false) {
            Resolved::Bound(id, _) => id == want,
            Resolved::Unbound => want == NS_NONE,
            Resolved::Unknown => false,
        })
    }

    /// The `xsi:type` attribute as the reader hands attributes to generated code.
    pub(crate) fn xsi_type_attr(&self) -> Attr<'_, 'a> {
        Attr {
            reader: self,
            local: "type",
            qname: "xsi:type",
            ns: NS_XSI,
            value: Cow::Borrowed(""),
        }
    }

    /// The value of the current element's `xsi:nil`, if it has one.
    pub(crate) fn xsi_nil_value(&self) -> Result<Option<String>> {
        if self.no_attributes() {
            return Ok(None);
        }
        self.xsi_attribute("nil")
    }

    /// Whether the current element carries `xsi:nil="true"`.
    pub fn is_nil(&self) -> Result<bool> {
        Ok(self
            .xsi_attribute("nil")?
            .is_some_and(|v| matches!(v.trim(), "true" | "1")))
    }

    /// Strict reading: an `xsi:nil` is only allowed on a `nillable` element (the content
    /// engine says whether the element about to be read is one).
    pub(crate) fn check_nil(&self, nillable: bool) -> Result<()> {
        if nillable || self.no_attributes() {
            return Ok(());
        }
        if self.xsi_attribute("nil")?.is_some() {
            return Err(self.error(ErrorKind::Other(
                "the element is not 'nillable': it cannot carry xsi:nil".into(),
            )));
        }
        Ok(())
    }
}

/// Whether an attribute value holds a character reference.
#[inline]
fn memchr_amp_hash(v: &str) -> bool {
    v.as_bytes().contains(&b'&') && v.contains("&#")
}

impl XmlReader<'_> {
    /// An attribute's value: normalized, with its character references checked (see
    /// `attr_char_refs`) when it holds any.
    pub(crate) fn attr_value<'v>(
        &self,
        a: quick_xml::events::attributes::Attribute<'v>,
    ) -> Result<Cow<'v, str>> {
        if !self.raw_clean && first_forbidden_char(&a.value).is_some() {
            return self.attr_forbidden(a);
        }
        if memchr_amp_hash(&a.value) {
            self.attr_char_refs(a)
        } else {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(|e| self.error(ErrorKind::Syntax(e.to_string())))
        }
    }

    /// An attribute value holding a character XML 1.0 excludes, written raw: refused by
    /// strict reading, read as U+FFFD (recorded) by the default one.
    #[cold]
    fn attr_forbidden<'v>(
        &self,
        a: quick_xml::events::attributes::Attribute<'v>,
    ) -> Result<Cow<'v, str>> {
        let key = a.key.into_inner().to_string();
        let fixed = self.replace_forbidden(&a.value, None, &format!("attribute `{key}`"))?;
        self.attr_value(quick_xml::events::attributes::Attribute {
            key: a.key,
            value: Cow::Owned(fixed),
        })
    }

    /// The normalized value of an attribute holding character references: one to a
    /// character XML 1.0 excludes is an error in strict reading, and U+FFFD with a recorded
    /// repair in the default reading.
    fn attr_char_refs<'v>(
        &self,
        a: quick_xml::events::attributes::Attribute<'v>,
    ) -> Result<Cow<'v, str>> {
        let raw = &a.value;
        // The value with excluded references replaced, once there is one; `copied` is how
        // much of `raw` it holds.
        let mut fixed: Option<String> = None;
        let mut copied = 0;
        let mut i = 0;
        while let Some(off) = raw[i..].find("&#") {
            let start = i + off;
            let Some(len) = raw[start..].find(';') else {
                break;
            };
            let end = start + len + 1;
            let body = &raw[start + 1..end - 1];
            let code = char_ref_code(body).map_err(|e| {
                self.error(ErrorKind::Syntax(format!(
                    "invalid character reference: {e}"
                )))
            })?;
            let cref = classify_char_ref(code);
            if self.strict() {
                cref.strict().map_err(|e| {
                    self.error(ErrorKind::Syntax(format!(
                        "invalid character reference: {e}"
                    )))
                })?;
            } else if let (_, Some(repair)) = cref.lenient() {
                let out = fixed.get_or_insert_with(String::new);
                out.push_str(&raw[copied..start]);
                out.push_str("&#xFFFD;");
                copied = end;
                self.note(RepairKind::Lexical(repair));
            }
            i = end;
        }
        let a = match fixed {
            None => a,
            Some(mut out) => {
                out.push_str(&raw[copied..]);
                quick_xml::events::attributes::Attribute {
                    key: a.key,
                    value: Cow::Owned(out),
                }
            }
        };
        let v = a
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|e| self.error(ErrorKind::Syntax(e.to_string())))?;
        Ok(Cow::Owned(v.into_owned()))
    }
}

/// Iterator over the attributes of the current element.
pub struct AttrIter<'r, 'a> {
    reader: &'r XmlReader<'a>,
    inner: quick_xml::events::attributes::Attributes<'r>,
    /// Qualified names met so far (the first 8 without allocating), to refuse duplicates.
    seen: [&'r str; 8],
    seen_len: usize,
    more: Vec<&'r str>,
}

impl<'r, 'a> AttrIter<'r, 'a> {
    /// Whether the reading is strict (see [`XmlReader::strict`]).
    pub fn strict(&self) -> bool {
        self.reader.strict()
    }

    /// The next attribute, leaving out `xmlns` declarations and `xsi:` attributes.
    pub fn next_attr(&mut self) -> Result<Option<Attr<'r, 'a>>> {
        loop {
            let Some(a) = self.inner.next() else {
                return Ok(None);
            };
            let a = a.map_err(|e| self.reader.error(ErrorKind::Syntax(e.to_string())))?;
            let qname: &'r str = a.key.into_inner();
            if self.seen[..self.seen_len].contains(&qname) || self.more.contains(&qname) {
                return Err(self
                    .reader
                    .error(ErrorKind::Syntax(format!("duplicate attribute `{qname}`"))));
            }
            if self.seen_len < self.seen.len() {
                self.seen[self.seen_len] = qname;
                self.seen_len += 1;
            } else {
                self.more.push(qname);
            }
            if qname == "xmlns" || qname.starts_with("xmlns:") {
                continue;
            }
            let (prefix, local) = split_qname(qname);
            let ns = match self.reader.resolve_prefix(prefix, true) {
                Resolved::Bound(id, _) => id,
                Resolved::Unbound => NS_NONE,
                Resolved::Unknown => {
                    return Err(self.reader.error(ErrorKind::Syntax(format!(
                        "attribute `{qname}` uses the undeclared prefix `{prefix}`"
                    ))))
                }
            };
            if ns == NS_XSI {
                continue;
            }
            let value = self.reader.attr_value(a)?;
            if value.len() > self.reader.options.max_value_bytes {
                return Err(self.reader.error(ErrorKind::ValueTooLarge {
                    size: value.len(),
                    limit: self.reader.options.max_value_bytes,
                }));
            }
            return Ok(Some(Attr {
                reader: self.reader,
                local,
                qname,
                ns,
                value,
            }));
        }
    }
}
