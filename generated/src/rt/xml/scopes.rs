//! The namespace declarations in scope where the reader stands: declared by start tags,
//! dropped when their element ends, and searched to resolve a prefix. Declarations are rare
//! in EWS documents (a few on the envelope), so the stack is short and each binding
//! already carries the namespace's id.

use quick_xml::events::BytesStart;

use super::names::{lookup_ns, Namespaces, NS_XML, XML};

/// A namespace declaration in scope.
#[derive(Debug, Clone)]
pub(crate) struct Binding {
    /// The prefix (empty for the default namespace).
    prefix: Box<str>,
    /// The namespace name (empty when the default namespace is undeclared).
    uri: Box<str>,
    /// Its id in the namespace table ([`NS_OTHER`](super::names::NS_OTHER) when the table does not know it).
    id: u8,
    /// Nesting level of the element declaring it.
    level: usize,
}

/// How a prefix resolves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Resolved<'b> {
    /// Bound to a namespace: its id and name.
    Bound(u8, &'b str),
    /// No namespace (an unprefixed element without a default namespace).
    Unbound,
    /// The prefix is not declared.
    Unknown,
}

/// The declarations in scope, innermost last.
#[derive(Debug, Default)]
pub(crate) struct Scopes {
    bindings: Vec<Binding>,
}

impl Scopes {
    /// How `prefix` resolves (`attribute`: an unprefixed name is in no namespace, whatever
    /// the default namespace).
    #[inline]
    pub(crate) fn resolve(&self, prefix: &str, attribute: bool) -> Resolved<'_> {
        if prefix.is_empty() && attribute {
            return Resolved::Unbound;
        }
        if prefix == "xml" {
            return Resolved::Bound(NS_XML, XML);
        }
        for b in self.bindings.iter().rev() {
            if &*b.prefix == prefix {
                return if b.uri.is_empty() {
                    Resolved::Unbound
                } else {
                    Resolved::Bound(b.id, &b.uri)
                };
            }
        }
        if prefix.is_empty() {
            Resolved::Unbound
        } else {
            Resolved::Unknown
        }
    }

    /// Drops the declarations of the elements nested deeper than `level`.
    #[inline]
    pub(crate) fn leave(&mut self, level: usize) {
        while self.bindings.last().is_some_and(|b| b.level > level) {
            self.bindings.pop();
        }
    }

    /// Records the namespace declarations of a start tag at nesting `level` (most have none:
    /// only the attributes of one that mentions `xmlns` are read); the error is a syntax
    /// error's message.
    pub(crate) fn declare(
        &mut self,
        e: &BytesStart<'_>,
        level: usize,
        namespaces: Namespaces,
    ) -> Result<(), String> {
        // Most start tags have no attributes at all: no search for those.
        let raw = e.attributes_raw();
        if raw.len() < "xmlns".len() || !raw.contains("xmlns") {
            return Ok(());
        }
        let mut attrs = e.attributes();
        attrs.with_checks(false);
        for a in attrs {
            let a = a.map_err(|err| err.to_string())?;
            let key = a.key.into_inner();
            let prefix = match key.strip_prefix("xmlns") {
                Some("") => "",
                Some(rest) => match rest.strip_prefix(':') {
                    Some(p) => p,
                    None => continue,
                },
                None => continue,
            };
            let uri = a
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(|err| err.to_string())?;
            if !prefix.is_empty() && uri.is_empty() {
                return Err(format!(
                    "the prefix `{prefix}` is declared with an empty namespace name"
                ));
            }
            let id = lookup_ns(namespaces, &uri);
            self.bindings.push(Binding {
                prefix: prefix.into(),
                uri: uri.into_owned().into_boxed_str(),
                id,
                level,
            });
        }
        Ok(())
    }
}
