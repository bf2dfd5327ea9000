//! Operations from `services.wsdl`: each operation's request and response elements and the
//! SOAP headers it accepts and returns.

use std::collections::BTreeMap;
use std::path::Path;

use super::dom::{self, Node};
use super::QName;
use crate::error::{Error, Result};

/// An operation: a request element and its response element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    /// Name, such as `SetImGroup`.
    pub name: String,
    /// Request element.
    pub request: QName,
    /// Response element.
    pub response: QName,
    /// SOAP headers the request accepts (element names).
    pub input_headers: Vec<QName>,
    /// SOAP headers the response carries.
    pub output_headers: Vec<QName>,
}

const WSDL_NS: &str = "http://schemas.xmlsoap.org/wsdl/";
const SOAP_BINDING_NS: &str = "http://schemas.xmlsoap.org/wsdl/soap/";

fn children<'a>(n: &'a Node, ns: &'a str, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
    n.children
        .iter()
        .filter(move |c| c.ns == ns && c.name == name)
}

fn req<'a>(n: &'a Node, attr: &str) -> Result<&'a str> {
    n.attr(attr)
        .ok_or_else(|| Error::schema(&n.loc, format!("<{}> needs a `{attr}` attribute", n.name)))
}

fn local(value: &str) -> &str {
    value.rsplit(':').next().unwrap_or(value)
}

/// Reads the operations of a WSDL file, in document order.
pub fn read_operations(path: &Path) -> Result<Vec<Operation>> {
    let root = dom::read_file(path)?;
    if root.ns != WSDL_NS || root.name != "definitions" {
        return Err(Error::schema(
            &root.loc,
            "expected a wsdl:definitions root element",
        ));
    }
    // message name -> parts (name, element)
    let mut messages: BTreeMap<String, Vec<(String, QName)>> = BTreeMap::new();
    for m in children(&root, WSDL_NS, "message") {
        let mut parts = Vec::new();
        for p in children(m, WSDL_NS, "part") {
            let el = req(p, "element")?;
            let (ns, name) = p.resolve_qname(el)?;
            parts.push((req(p, "name")?.to_string(), QName::new(ns, name)));
        }
        messages.insert(req(m, "name")?.to_string(), parts);
    }
    let part = |msg: &str, part: &str, n: &Node| -> Result<QName> {
        messages
            .get(msg)
            .and_then(|ps| ps.iter().find(|(p, _)| p == part))
            .map(|(_, q)| q.clone())
            .ok_or_else(|| Error::schema(&n.loc, format!("message `{msg}` has no part `{part}`")))
    };
    // binding headers: operation -> (input headers, output headers)
    let mut headers: BTreeMap<String, (Vec<QName>, Vec<QName>)> = BTreeMap::new();
    for b in children(&root, WSDL_NS, "binding") {
        for op in children(b, WSDL_NS, "operation") {
            let entry = headers.entry(req(op, "name")?.to_string()).or_default();
            for (dir, list) in [("input", &mut entry.0), ("output", &mut entry.1)] {
                for io in children(op, WSDL_NS, dir) {
                    for h in children(io, SOAP_BINDING_NS, "header") {
                        let q = part(local(req(h, "message")?), req(h, "part")?, h)?;
                        if !list.contains(&q) {
                            list.push(q);
                        }
                    }
                }
            }
        }
    }
    let mut ops = Vec::new();
    for pt in children(&root, WSDL_NS, "portType") {
        for op in children(pt, WSDL_NS, "operation") {
            let name = req(op, "name")?.to_string();
            let (ih, oh) = headers.get(&name).cloned().unwrap_or_default();
            let body = |dir: &str, hs: &[QName]| -> Result<QName> {
                let io = children(op, WSDL_NS, dir).next().ok_or_else(|| {
                    Error::schema(&op.loc, format!("operation `{name}` has no {dir}"))
                })?;
                let msg = local(req(io, "message")?);
                let parts = messages
                    .get(msg)
                    .ok_or_else(|| Error::schema(&io.loc, format!("undeclared message `{msg}`")))?;
                parts
                    .iter()
                    .map(|(_, q)| q)
                    .find(|q| !hs.contains(q))
                    .cloned()
                    .ok_or_else(|| {
                        Error::schema(&io.loc, format!("message `{msg}` has no body part"))
                    })
            };
            let request = body("input", &ih)?;
            let response = body("output", &oh)?;
            if !ops.iter().any(|o: &Operation| o.name == name) {
                ops.push(Operation {
                    name,
                    request,
                    response,
                    input_headers: ih,
                    output_headers: oh,
                });
            }
        }
    }
    Ok(ops)
}
