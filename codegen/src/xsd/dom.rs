//! A small element tree read with xml-rs: names resolved to namespaces, the in-scope prefix
//! bindings kept for QName-valued attributes, and the position of every element.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use xml::reader::{EventReader, ParserConfig, XmlEvent};

use crate::error::{Error, Loc};

/// An element of a schema document.
#[derive(Debug, Clone)]
pub struct Node {
    /// Namespace URI of the element.
    pub ns: String,
    /// Local name.
    pub name: String,
    /// Attributes by local name (schema attributes are unqualified).
    pub attrs: BTreeMap<String, String>,
    /// Child elements.
    pub children: Vec<Node>,
    /// Text content (concatenated).
    pub text: String,
    /// Prefix bindings in scope, for resolving QName values.
    pub scope: BTreeMap<String, String>,
    /// Where the element starts.
    pub loc: Loc,
}

impl Node {
    /// An attribute's value.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.get(name).map(String::as_str)
    }

    /// Resolves a QName value (`t:ItemIdType`) against the prefixes in scope.
    pub fn resolve_qname(&self, value: &str) -> Result<(String, String), Error> {
        let value = value.trim();
        let (prefix, local) = match value.split_once(':') {
            Some((p, l)) => (p, l),
            None => ("", value),
        };
        match self.scope.get(prefix) {
            Some(ns) => Ok((ns.clone(), local.to_string())),
            None if prefix.is_empty() => Ok((String::new(), local.to_string())),
            None if prefix == "xml" => Ok((crate::XML_NS.to_string(), local.to_string())),
            None => Err(Error::schema(
                &self.loc,
                format!("undeclared namespace prefix `{prefix}` in `{value}`"),
            )),
        }
    }

    /// Child elements in the XML Schema namespace with the given local name.
    pub fn xs_children<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children
            .iter()
            .filter(move |c| c.ns == crate::XS_NS && c.name == name)
    }
}

/// Reads a file into a tree.
pub fn read_file(path: &Path) -> Result<Node, Error> {
    let bytes = std::fs::read(path).map_err(|e| Error::Io {
        path: path.to_path_buf(),
        source: e,
    })?;
    read_bytes(&bytes, path)
}

/// Reads bytes (named `path` in errors) into a tree.
pub fn read_bytes(bytes: &[u8], path: &Path) -> Result<Node, Error> {
    let file: PathBuf = path.to_path_buf();
    let config = ParserConfig::new()
        .trim_whitespace(false)
        .whitespace_to_characters(true)
        .cdata_to_characters(true)
        .ignore_comments(true)
        .coalesce_characters(true);
    let mut reader = EventReader::new_with_config(bytes, config);
    let mut stack: Vec<Node> = Vec::new();
    let mut root: Option<Node> = None;
    loop {
        let ev = reader.next().map_err(|e| {
            let pos = xml::common::Position::position(&e);
            Error::Schema {
                loc: Loc {
                    file: file.clone(),
                    line: pos.row + 1,
                    column: pos.column + 1,
                },
                message: format!("malformed XML: {}", e.msg()),
            }
        })?;
        match ev {
            XmlEvent::StartElement {
                name,
                attributes,
                namespace,
            } => {
                if stack.len() > 512 {
                    let pos = xml::common::Position::position(&reader);
                    return Err(Error::Schema {
                        loc: Loc {
                            file: file.clone(),
                            line: pos.row + 1,
                            column: pos.column + 1,
                        },
                        message: "elements nested deeper than 512 levels".into(),
                    });
                }
                let pos = xml::common::Position::position(&reader);
                let mut attrs = BTreeMap::new();
                for a in attributes {
                    attrs.insert(a.name.local_name, a.value);
                }
                let scope = namespace
                    .0
                    .iter()
                    .filter(|(p, _)| *p != "xmlns" && *p != "xml")
                    .map(|(p, u)| (p.clone(), u.clone()))
                    .collect();
                stack.push(Node {
                    ns: name.namespace.unwrap_or_default(),
                    name: name.local_name,
                    attrs,
                    children: Vec::new(),
                    text: String::new(),
                    scope,
                    loc: Loc {
                        file: file.clone(),
                        line: pos.row + 1,
                        column: pos.column + 1,
                    },
                });
            }
            XmlEvent::EndElement { .. } => {
                let node = stack.pop().expect("xml-rs balances elements");
                match stack.last_mut() {
                    Some(parent) => parent.children.push(node),
                    None => root = Some(node),
                }
            }
            XmlEvent::Characters(s) | XmlEvent::Whitespace(s) | XmlEvent::CData(s) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&s);
                }
            }
            XmlEvent::EndDocument => break,
            XmlEvent::Doctype { .. } => {
                let pos = xml::common::Position::position(&reader);
                return Err(Error::Schema {
                    loc: Loc {
                        file: file.clone(),
                        line: pos.row + 1,
                        column: pos.column + 1,
                    },
                    message: "DOCTYPE declarations are not accepted in schema files".into(),
                });
            }
            _ => {}
        }
    }
    root.ok_or_else(|| Error::Schema {
        loc: Loc {
            file,
            line: 1,
            column: 1,
        },
        message: "no root element".into(),
    })
}
