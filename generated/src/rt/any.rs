//! Raw XML kept for `xs:any` and `xs:anyAttribute`: read and written back unchanged
//! (namespaces, attributes, text and nesting; prefixes may differ).

use quick_xml::events::Event;

use crate::rt::error::{ErrorKind, Result};
use crate::rt::xml::{split_qname, Attr, Writer, XmlReader, XML};

/// An attribute kept as it was.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct RawAttribute {
    /// Namespace URI, if the attribute is qualified.
    pub namespace: Option<String>,
    /// Local name.
    pub name: String,
    /// Value, entity references expanded.
    pub value: String,
}

/// A node inside a [`RawElement`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawNode {
    /// A child element.
    Element(RawElement),
    /// Text (entity references expanded).
    Text(String),
}

/// An element kept as it was, with everything inside it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RawElement {
    /// Namespace URI, if any.
    pub namespace: Option<String>,
    /// The prefix the document used, kept as a hint for writing.
    pub prefix: Option<String>,
    /// Local name.
    pub name: String,
    /// Attributes, in document order.
    pub attributes: Vec<RawAttribute>,
    /// Children, in document order.
    pub children: Vec<RawNode>,
}

fn attrs_of(
    r: &XmlReader<'_>,
    start: &quick_xml::events::BytesStart<'_>,
) -> Result<Vec<RawAttribute>> {
    let mut out = Vec::new();
    for a in start.attributes() {
        let a = a.map_err(|e| r.error(ErrorKind::Syntax(e.to_string())))?;
        let q = a.key.into_inner();
        if q == "xmlns" || q.starts_with("xmlns:") {
            continue;
        }
        // A name that is not an XML name (`xmln\u{12}s="..."`) could not be written back:
        // strict reading refuses the document, the default reading drops the attribute.
        if !is_qname(q) {
            if r.strict() {
                return Err(r.error(ErrorKind::BadName(q.to_string())));
            }
            r.note(crate::rt::xml::RepairKind::BadAttributeName(q.to_string()));
            continue;
        }
        let (prefix, local) = split_qname(q);
        let namespace = r.namespace_of(prefix, true, &format!("attribute `{q}`"))?;
        let value = r.attr_value(a)?.into_owned();
        let namespace = r.plain_namespace(namespace)?;
        out.push(RawAttribute {
            namespace,
            name: local.to_string(),
            value,
        });
    }
    Ok(out)
}

fn element_head(
    r: &XmlReader<'_>,
    start: &quick_xml::events::BytesStart<'_>,
    ns: Option<String>,
) -> Result<RawElement> {
    let ns = r.plain_namespace(ns)?;
    let (local, prefix) = start.name().decompose();
    Ok(RawElement {
        namespace: ns,
        prefix: prefix.map(|p| p.into_inner().to_string()),
        name: local.into_inner().to_string(),
        attributes: attrs_of(r, start)?,
        children: Vec::new(),
    })
}

impl RawElement {
    /// The element as an XML fragment, declaring the namespaces it uses; the error names
    /// the element holding a value XML 1.0 cannot carry or a name that is not an XML name.
    pub fn to_xml(&self) -> Result<String> {
        let mut w = Writer::new(&[]);
        self.write(&mut w);
        w.finish()
    }

    /// Reads the element the reader is positioned on (iteratively: deep nesting does not
    /// grow the stack, and the reader's depth limit applies).
    #[doc(hidden)]
    pub fn read(r: &mut XmlReader<'_>) -> Result<RawElement> {
        let ns = r.ns_uri_checked()?;
        let start = r.cur_start().clone();
        let bad = bad_name(r, &start, r.cur_offset())?;
        let mut root = element_head(r, &start, ns)?;
        if bad {
            // Kept under the longest XML name its name starts with (what the default
            // reading records as repaired): the callers that can drop it do so first
            // (see `root_name_ok`).
            root.name = name_prefix(&root.name);
            root.prefix = root.prefix.map(|p| name_prefix(&p));
        }
        if r.cur_is_empty() {
            r.set_state_inside();
            return Ok(root);
        }
        let base_depth = r.depth();
        let mut stack: Vec<RawElement> = vec![root];
        // Elements of the stack whose name is not an XML name (the default reading drops
        // them, recorded, when they end).
        let mut dropped: Vec<bool> = vec![false];
        loop {
            let pos = r.byte_position();
            let (ns, ev) = r.read_event_raw()?;
            match ev {
                Event::Start(e) => {
                    if base_depth + stack.len() >= r.options().max_depth {
                        return Err(r.too_deep());
                    }
                    let bad = bad_name(r, &e, pos)?;
                    let el = if bad {
                        RawElement::default()
                    } else {
                        element_head(r, &e, ns)?
                    };
                    stack.push(el);
                    dropped.push(bad);
                }
                Event::Empty(e) => {
                    if bad_name(r, &e, pos)? {
                        continue;
                    }
                    let el = element_head(r, &e, ns)?;
                    stack
                        .last_mut()
                        .expect("stack holds the root")
                        .children
                        .push(RawNode::Element(el));
                }
                Event::End(_) => {
                    let done = stack.pop().expect("stack holds the root");
                    let bad = dropped.pop().unwrap_or(false);
                    match stack.last_mut() {
                        Some(_) if bad => {}
                        Some(parent) => parent.children.push(RawNode::Element(done)),
                        None => {
                            r.set_state_inside();
                            return Ok(done);
                        }
                    }
                }
                Event::Text(t) => push_text(&mut stack, &r.allowed_text(t.xml10_content(), pos)?),
                Event::CData(t) => push_text(&mut stack, &r.allowed_text(t.xml10_content(), pos)?),
                Event::GeneralRef(g) => {
                    let mut s = String::new();
                    r.resolve_ref(&g, &mut s)?;
                    push_text(&mut stack, &s);
                }
                Event::Comment(_) | Event::PI(_) | Event::Decl(_) => {}
                Event::DocType(_) => return Err(r.doctype_error()),
                Event::Eof => return Err(r.eof_error()),
            }
        }
    }

    /// Writes the element back, declaring the namespaces the writer does not know.
    #[doc(hidden)]
    pub fn write(&self, w: &mut Writer) {
        // Iterative to keep deep trees off the stack.
        enum Step<'e> {
            Open(&'e RawElement),
            Text(&'e str),
            Close(String),
        }
        let mut todo = vec![Step::Open(self)];
        while let Some(step) = todo.pop() {
            match step {
                Step::Open(e) => {
                    for name in std::iter::once(&e.name)
                        .chain(e.prefix.iter().filter(|p| !p.is_empty()))
                        .chain(e.attributes.iter().map(|a| &a.name))
                    {
                        if !is_ncname(name) {
                            w.bad_name(name);
                        }
                    }
                    let (tag, decl) = match &e.namespace {
                        None => (e.name.clone(), Some(("xmlns".to_string(), String::new()))),
                        // Unprefixed in the document: written as the default namespace
                        // again, so that the value read back is the same.
                        Some(ns) => match &e.prefix {
                            Some(p) if !p.is_empty() => (
                                format!("{p}:{}", e.name),
                                Some((format!("xmlns:{p}"), ns.clone())),
                            ),
                            _ => (e.name.clone(), Some(("xmlns".to_string(), ns.clone()))),
                        },
                    };
                    w.raw_namespace(e.namespace.as_deref());
                    w.start(&tag);
                    if let Some((k, v)) = decl {
                        w.attr_str(&k, &v);
                    }
                    write_attributes(w, &e.attributes);
                    todo.push(Step::Close(tag));
                    for c in e.children.iter().rev() {
                        match c {
                            RawNode::Element(el) => todo.push(Step::Open(el)),
                            RawNode::Text(t) => todo.push(Step::Text(t)),
                        }
                    }
                }
                Step::Text(t) => w.text_str(t),
                Step::Close(tag) => w.end(&tag),
            }
        }
    }
}

/// Whether the start tag's name is not an XML name (`<t:FieldURI="item:Subject"/>` is
/// read by the tokenizer as an element of that whole name): an error in strict reading (the
/// document is not well-formed), a recorded repair in the default one, whose caller drops
/// the element.
fn bad_name(r: &XmlReader<'_>, e: &quick_xml::events::BytesStart<'_>, pos: u64) -> Result<bool> {
    let q: &str = e.name().into_inner();
    if is_qname(q) {
        return Ok(false);
    }
    let q = q.to_string();
    if r.strict() {
        return Err(r.error_at_offset(ErrorKind::BadName(q), pos));
    }
    r.note_at_offset(crate::rt::xml::RepairKind::BadName(q), pos);
    Ok(true)
}

/// Whether the element the reader stands on has an XML name: `Ok(false)` (recorded) when
/// the default reading is to drop it; an error in strict reading.
pub(crate) fn root_name_ok(r: &XmlReader<'_>) -> Result<bool> {
    let start = r.cur_start();
    Ok(!bad_name(r, start, r.cur_offset())?)
}

/// The longest NCName `s` starts with (`_` when none).
fn name_prefix(s: &str) -> String {
    let mut end = 0;
    for (i, c) in s.char_indices() {
        if is_ncname(&s[..i + c.len_utf8()]) {
            end = i + c.len_utf8();
        } else {
            break;
        }
    }
    if end == 0 {
        "_".to_string()
    } else {
        s[..end].to_string()
    }
}

fn push_text(stack: &mut [RawElement], s: &str) {
    let top = stack.last_mut().expect("stack holds the root");
    if let Some(RawNode::Text(t)) = top.children.last_mut() {
        t.push_str(s);
    } else {
        top.children.push(RawNode::Text(s.to_string()));
    }
}

impl Attr<'_, '_> {
    /// Keeps the attribute as a raw value, for `xs:anyAttribute`.
    pub fn to_raw(&self) -> RawAttribute {
        RawAttribute {
            namespace: self.namespace().map(str::to_string),
            name: self.local().to_string(),
            value: self.raw().to_string(),
        }
    }
}

/// Writes attributes kept by `xs:anyAttribute` on the element just opened.
pub fn write_attributes(w: &mut Writer, attrs: &[RawAttribute]) {
    for a in attrs {
        match &a.namespace {
            None => w.attr_str(&a.name, &a.value),
            Some(ns) if ns == XML => w.attr_str(&format!("xml:{}", a.name), &a.value),
            Some(ns) => {
                let p = w.fresh_prefix();
                w.attr_str(&format!("xmlns:{p}"), ns);
                w.attr_str(&format!("{p}:{}", a.name), &a.value);
            }
        }
    }
}

/// Whether `q` is a qualified XML name (`prefix:local` or `local`, each an NCName).
fn is_qname(q: &str) -> bool {
    match q.split_once(':') {
        Some((p, l)) => is_ncname(p) && is_ncname(l),
        None => is_ncname(q),
    }
}

/// Whether `s` can stand as a name without a prefix (an XML `NCName`): not empty, no
/// whitespace, markup or `:`, not starting with a digit, `-` or `.`, and only characters
/// XML 1.0 allows.
pub(crate) fn is_ncname(s: &str) -> bool {
    let mut chars = s.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    if first.is_ascii_digit() || matches!(first, '-' | '.') {
        return false;
    }
    s.chars().all(|c| {
        crate::rt::lexical::is_xml_char(c)
            && !c.is_whitespace()
            && !matches!(
                c,
                ':' | '<'
                    | '>'
                    | '&'
                    | '"'
                    | '\''
                    | '='
                    | '/'
                    | '!'
                    | '?'
                    | ';'
                    | ','
                    | '('
                    | ')'
                    | '['
                    | ']'
                    | '{'
                    | '}'
                    | '@'
                    | '#'
                    | '$'
                    | '%'
                    | '^'
                    | '*'
                    | '+'
                    | '|'
                    | '\\'
                    | '~'
                    | '`'
            )
    })
}
