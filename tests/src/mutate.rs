//! Mutated documents for the differential test of strict reading against libxml2: a small
//! element tree that keeps names, attribute values and text exactly as written (prefixes,
//! entity and character references), and seeded mutations of it, each of one kind.

use std::collections::BTreeMap;

use quick_xml::events::Event;
use quick_xml::Reader;

use crate::random::Gen;

/// A node as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// An element.
    El(El),
    /// Text, escaped as written (entity and character references kept).
    Text(String),
    /// A comment, CDATA section or processing instruction, as written.
    Raw(String),
}

/// An element as written: qualified name, attributes (namespace declarations included,
/// values escaped as written), children.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct El {
    /// The qualified name (`t:ItemId`).
    pub name: String,
    /// Attributes in document order: qualified name and escaped value.
    pub attrs: Vec<(String, String)>,
    /// Children.
    pub children: Vec<Node>,
}

impl El {
    /// The prefix of the element's name (empty for none).
    pub fn prefix(&self) -> &str {
        self.name.split_once(':').map_or("", |(p, _)| p)
    }

    /// The local name.
    pub fn local(&self) -> &str {
        self.name.split_once(':').map_or(&self.name, |(_, l)| l)
    }

    /// Whether an element child is present.
    pub fn has_element_children(&self) -> bool {
        self.children.iter().any(|c| matches!(c, Node::El(_)))
    }

    /// The element at `path` (child indexes from this element).
    pub fn at(&self, path: &[usize]) -> Option<&El> {
        let mut e = self;
        for i in path {
            match e.children.get(*i) {
                Some(Node::El(c)) => e = c,
                _ => return None,
            }
        }
        Some(e)
    }

    /// The element at `path`, mutable.
    pub fn at_mut(&mut self, path: &[usize]) -> Option<&mut El> {
        let mut e = self;
        for i in path {
            match e.children.get_mut(*i) {
                Some(Node::El(c)) => e = c,
                _ => return None,
            }
        }
        Some(e)
    }

    /// The paths of every element below and including this one, in document order.
    pub fn paths(&self) -> Vec<Vec<usize>> {
        let mut out = vec![Vec::new()];
        fn walk(e: &El, prefix: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
            for (i, c) in e.children.iter().enumerate() {
                if let Node::El(c) = c {
                    prefix.push(i);
                    out.push(prefix.clone());
                    walk(c, prefix, out);
                    prefix.pop();
                }
            }
        }
        walk(self, &mut Vec::new(), &mut out);
        out
    }

    /// The namespace declarations in scope at `path` (prefix → URI as written), innermost
    /// first.
    pub fn namespaces_at(&self, path: &[usize]) -> BTreeMap<String, String> {
        let mut scopes = vec![self];
        let mut e = self;
        for i in path {
            if let Some(Node::El(c)) = e.children.get(*i) {
                scopes.push(c);
                e = c;
            }
        }
        let mut map = BTreeMap::new();
        for s in scopes {
            for (k, v) in &s.attrs {
                if k == "xmlns" || k.starts_with("xmlns:") {
                    map.insert(k.clone(), v.clone());
                }
            }
        }
        map
    }

    /// Writes the element.
    pub fn write(&self, out: &mut String) {
        out.push('<');
        out.push_str(&self.name);
        for (k, v) in &self.attrs {
            out.push(' ');
            out.push_str(k);
            out.push_str("=\"");
            out.push_str(&v.replace('"', "&quot;"));
            out.push('"');
        }
        if self.children.is_empty() {
            out.push_str("/>");
            return;
        }
        out.push('>');
        for c in &self.children {
            match c {
                Node::El(e) => e.write(out),
                Node::Text(t) | Node::Raw(t) => out.push_str(t),
            }
        }
        out.push_str("</");
        out.push_str(&self.name);
        out.push('>');
    }

    /// The element as a document.
    pub fn to_document(&self) -> String {
        let mut s = String::with_capacity(256);
        self.write(&mut s);
        s
    }
}

fn text_of(s: &str) -> String {
    s.to_string()
}

/// Parses a document into its root element (the XML declaration, DOCTYPE, and comments
/// outside the root are left out).
pub fn parse(xml: &str) -> Result<El, String> {
    let mut r = Reader::from_str(xml);
    let mut stack: Vec<El> = Vec::new();
    let mut root = None;
    loop {
        let ev = r.read_event().map_err(|e| e.to_string())?;
        match ev {
            Event::Start(e) | Event::Empty(e) => {
                let mut attrs = Vec::new();
                for a in e.attributes().with_checks(false) {
                    let a = a.map_err(|e| e.to_string())?;
                    attrs.push((text_of(a.key.as_ref()), text_of(&a.value)));
                }
                let el = El {
                    name: text_of(e.name().as_ref()),
                    attrs,
                    children: Vec::new(),
                };
                let empty = xml.as_bytes()[..r.buffer_position() as usize].ends_with(b"/>");
                if empty {
                    match stack.last_mut() {
                        Some(p) => p.children.push(Node::El(el)),
                        None => root = Some(el),
                    }
                } else {
                    stack.push(el);
                }
            }
            Event::End(_) => {
                let el = stack.pop().ok_or("unbalanced end tag")?;
                match stack.last_mut() {
                    Some(p) => p.children.push(Node::El(el)),
                    None => root = Some(el),
                }
            }
            Event::Text(t) => {
                if let Some(p) = stack.last_mut() {
                    let s = text_of(&t.into_inner());
                    match p.children.last_mut() {
                        Some(Node::Text(prev)) => prev.push_str(&s),
                        _ => p.children.push(Node::Text(s)),
                    }
                }
            }
            Event::GeneralRef(g) => {
                if let Some(p) = stack.last_mut() {
                    let s = format!("&{};", text_of(&g.into_inner()));
                    match p.children.last_mut() {
                        Some(Node::Text(prev)) => prev.push_str(&s),
                        _ => p.children.push(Node::Text(s)),
                    }
                }
            }
            Event::CData(c) => {
                if let Some(p) = stack.last_mut() {
                    p.children.push(Node::Raw(format!(
                        "<![CDATA[{}]]>",
                        text_of(&c.into_inner())
                    )));
                }
            }
            Event::Comment(c) => {
                if let Some(p) = stack.last_mut() {
                    p.children
                        .push(Node::Raw(format!("<!--{}-->", text_of(&c.into_inner()))));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    root.ok_or_else(|| "no root element".to_string())
}

/// The first child element of the SOAP body of an envelope, as a document of its own: the
/// namespace declarations in scope are copied onto it.
pub fn body_payload(envelope: &El) -> Option<El> {
    let body_i = envelope
        .children
        .iter()
        .position(|c| matches!(c, Node::El(e) if e.local() == "Body"))?;
    let Node::El(body) = &envelope.children[body_i] else {
        return None;
    };
    let child_i = body
        .children
        .iter()
        .position(|c| matches!(c, Node::El(_)))?;
    let Node::El(child) = &body.children[child_i] else {
        return None;
    };
    let mut out = child.clone();
    for (k, v) in envelope.namespaces_at(&[body_i, child_i]) {
        if !out.attrs.iter().any(|(a, _)| *a == k) {
            out.attrs.push((k, v));
        }
    }
    Some(out)
}

/// Values that break the type of an element or attribute, by kind: each is a lexical form
/// libxml2 refuses for that type.
#[derive(Debug, Clone, Default)]
pub struct Breakers {
    /// By element local name: `(kind, value)` pairs.
    pub elements: BTreeMap<String, Vec<(String, String)>>,
    /// By attribute name (as written, unqualified): `(kind, value)` pairs.
    pub attributes: BTreeMap<String, Vec<(String, String)>>,
}

/// The mutation kinds, in the order the generator cycles through them.
pub const KINDS: &[&str] = &[
    "none",
    "elements swapped",
    "element dropped",
    "element duplicated",
    "unknown element inserted",
    "value breaking a facet or lexical rule",
    "bad character reference",
    "attribute removed",
    "attribute changed",
    "undeclared attribute added",
    "text in element-only content",
    "whitespace around a value",
    "raw control character",
    "lax wildcard content",
];

/// One applied mutation.
#[derive(Debug, Clone)]
pub struct Mutation {
    /// One of [`KINDS`] (value mutations add the facet or rule after a colon).
    pub kind: String,
    /// What was done, where.
    pub detail: String,
}

fn path_name(root: &El, path: &[usize]) -> String {
    let mut names = vec![root.name.clone()];
    let mut e = root;
    for i in path {
        if let Some(Node::El(c)) = e.children.get(*i) {
            names.push(c.name.clone());
            e = c;
        }
    }
    format!("/{}", names.join("/"))
}

fn pick<T: Clone>(g: &mut Gen, v: &[T]) -> Option<T> {
    (!v.is_empty()).then(|| v[g.below(v.len())].clone())
}

/// Applies a mutation of `kind` to `doc` at a place drawn from `g`; `None` when the document
/// has no place for it (no attribute to remove, ...).
pub fn mutate(doc: &mut El, kind: &str, g: &mut Gen, breakers: &Breakers) -> Option<Mutation> {
    let paths = doc.paths();
    let done = |kind: &str, detail: String| {
        Some(Mutation {
            kind: kind.to_string(),
            detail,
        })
    };
    match kind {
        "none" => done(kind, "unchanged".into()),
        "elements swapped" => {
            // Adjacent element children with different names.
            let mut sites = Vec::new();
            for p in &paths {
                let e = doc.at(p)?;
                let els: Vec<usize> = e
                    .children
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| matches!(c, Node::El(_)))
                    .map(|(i, _)| i)
                    .collect();
                for w in els.windows(2) {
                    let (Node::El(a), Node::El(b)) = (&e.children[w[0]], &e.children[w[1]]) else {
                        continue;
                    };
                    if a.name != b.name {
                        sites.push((p.clone(), w[0], w[1]));
                    }
                }
            }
            let (p, i, j) = pick(g, &sites)?;
            let at = path_name(doc, &p);
            let e = doc.at_mut(&p)?;
            e.children.swap(i, j);
            done(kind, format!("swapped children {i} and {j} of {at}"))
        }
        "element dropped" | "element duplicated" => {
            let p = pick(g, &paths[1..])?;
            let at = path_name(doc, &p);
            let (last, parent) = p.split_last()?;
            let e = doc.at_mut(parent)?;
            if kind == "element dropped" {
                e.children.remove(*last);
                done(kind, format!("dropped {at}"))
            } else {
                let copy = e.children[*last].clone();
                e.children.insert(*last + 1, copy);
                done(kind, format!("duplicated {at}"))
            }
        }
        "unknown element inserted" => {
            let p = pick(g, &paths)?;
            let at = path_name(doc, &p);
            let e = doc.at_mut(&p)?;
            if !e.children.iter().all(|c| matches!(c, Node::El(_))) && !e.children.is_empty() {
                // Text content: an element there is a different mutation.
                return None;
            }
            let name = if e.prefix().is_empty() {
                "UnknownElement".to_string()
            } else {
                format!("{}:UnknownElement", e.prefix())
            };
            let pos = g.below(e.children.len() + 1);
            e.children.insert(
                pos,
                Node::El(El {
                    name: name.clone(),
                    attrs: Vec::new(),
                    children: Vec::new(),
                }),
            );
            done(kind, format!("inserted <{name}/> at {pos} in {at}"))
        }
        "value breaking a facet or lexical rule" => {
            // Leaf elements and attributes whose type has a breaking value.
            let mut sites: Vec<(Vec<usize>, Option<String>, String, String)> = Vec::new();
            for p in &paths {
                let e = doc.at(p)?;
                if !e.has_element_children() {
                    for (k, v) in breakers.elements.get(e.local()).into_iter().flatten() {
                        sites.push((p.clone(), None, k.clone(), v.clone()));
                    }
                }
                for (a, _) in &e.attrs {
                    for (k, v) in breakers.attributes.get(a).into_iter().flatten() {
                        sites.push((p.clone(), Some(a.clone()), k.clone(), v.clone()));
                    }
                }
            }
            // A rule first (so that rare facets are drawn as often as common ones), then
            // a place.
            let mut rules: Vec<(&String, bool)> =
                sites.iter().map(|s| (&s.2, s.1.is_some())).collect();
            rules.sort();
            rules.dedup();
            let (rule, on_attr) = pick(g, &rules)?;
            let (rule, on_attr) = (rule.clone(), on_attr);
            let sites: Vec<_> = sites
                .into_iter()
                .filter(|s| s.2 == rule && s.1.is_some() == on_attr)
                .collect();
            let (p, attr, k, v) = pick(g, &sites)?;
            let at = path_name(doc, &p);
            let e = doc.at_mut(&p)?;
            let escaped = escape(&v);
            match &attr {
                Some(a) => {
                    for (n, val) in e.attrs.iter_mut() {
                        if n == a {
                            *val = escaped.clone();
                        }
                    }
                    done(
                        &format!("{kind}: {k} (attribute)"),
                        format!("{at}/@{a} = {v:?}"),
                    )
                }
                None => {
                    e.children = if escaped.is_empty() {
                        Vec::new()
                    } else {
                        vec![Node::Text(escaped)]
                    };
                    done(&format!("{kind}: {k}"), format!("{at} = {v:?}"))
                }
            }
        }
        "bad character reference" => {
            const REFS: &[&str] = &[
                "&#x1;",
                "&#0;",
                "&#x1F;",
                "&#xFFFE;",
                "&#xD800;",
                "&#x110000;",
            ];
            let r = REFS[g.below(REFS.len())];
            // A leaf element's text or an attribute value.
            let leaves: Vec<Vec<usize>> = paths
                .iter()
                .filter(|p| doc.at(p).is_some_and(|e| !e.has_element_children()))
                .cloned()
                .collect();
            let p = pick(g, &leaves)?;
            let at = path_name(doc, &p);
            let e = doc.at_mut(&p)?;
            let attrs: Vec<usize> = (0..e.attrs.len())
                .filter(|i| !e.attrs[*i].0.starts_with("xmlns"))
                .collect();
            if !attrs.is_empty() && g.bool() {
                let i = attrs[g.below(attrs.len())];
                e.attrs[i].1.push_str(r);
                let a = e.attrs[i].0.clone();
                return done(kind, format!("{r} appended to {at}/@{a}"));
            }
            match e.children.last_mut() {
                Some(Node::Text(t)) => t.push_str(r),
                _ => e.children.push(Node::Text(r.to_string())),
            }
            done(kind, format!("{r} appended to the text of {at}"))
        }
        "attribute removed" | "attribute changed" => {
            let mut sites = Vec::new();
            for p in &paths {
                let e = doc.at(p)?;
                for (i, (a, _)) in e.attrs.iter().enumerate() {
                    if !a.starts_with("xmlns") {
                        sites.push((p.clone(), i));
                    }
                }
            }
            let (p, i) = pick(g, &sites)?;
            let at = path_name(doc, &p);
            let e = doc.at_mut(&p)?;
            let a = e.attrs[i].0.clone();
            if kind == "attribute removed" {
                e.attrs.remove(i);
                done(kind, format!("removed {at}/@{a}"))
            } else {
                const VALUES: &[&str] = &["Bogus", "", "-1", "x y", "true"];
                let v = VALUES[g.below(VALUES.len())];
                if e.attrs[i].1 == v {
                    return None;
                }
                e.attrs[i].1 = v.to_string();
                done(kind, format!("{at}/@{a} = {v:?}"))
            }
        }
        "undeclared attribute added" => {
            let p = pick(g, &paths)?;
            let at = path_name(doc, &p);
            let e = doc.at_mut(&p)?;
            // Unqualified, or in the element's own namespace.
            let name = if g.bool() || e.prefix().is_empty() {
                "Bogus".to_string()
            } else {
                format!("{}:Bogus", e.prefix())
            };
            if e.attrs.iter().any(|(a, _)| *a == name) {
                return None;
            }
            e.attrs.push((name.clone(), "1".to_string()));
            done(kind, format!("{at}/@{name} = \"1\""))
        }
        "text in element-only content" => {
            let sites: Vec<Vec<usize>> = paths
                .iter()
                .filter(|p| {
                    doc.at(p).is_some_and(|e| {
                        e.has_element_children()
                            && e.children.iter().all(|c| match c {
                                Node::Text(t) => t.trim().is_empty(),
                                _ => true,
                            })
                    })
                })
                .cloned()
                .collect();
            let p = pick(g, &sites)?;
            let at = path_name(doc, &p);
            let e = doc.at_mut(&p)?;
            let pos = g.below(e.children.len() + 1);
            e.children.insert(pos, Node::Text("stray text".into()));
            done(kind, format!("text at {pos} in {at}"))
        }
        "whitespace around a value" => {
            // A leaf element's text or an attribute's value, padded as servers and
            // pretty-printers pad them.
            const PADS: &[(&str, &str)] = &[
                (" ", " "),
                ("\n  ", "\n"),
                ("  ", "\n  "),
                ("", " "),
                (" ", ""),
                ("\t", "\r\n"),
                ("\n", ""),
            ];
            let (before, after) = PADS[g.below(PADS.len())];
            let mut sites: Vec<(Vec<usize>, Option<usize>)> = Vec::new();
            for p in &paths {
                let e = doc.at(p)?;
                if !e.has_element_children()
                    && e.children.iter().all(|c| matches!(c, Node::Text(_)))
                    && !e.children.is_empty()
                {
                    sites.push((p.clone(), None));
                }
                for (i, (a, _)) in e.attrs.iter().enumerate() {
                    if !a.starts_with("xmlns") {
                        sites.push((p.clone(), Some(i)));
                    }
                }
            }
            let (p, attr) = pick(g, &sites)?;
            let at = path_name(doc, &p);
            let e = doc.at_mut(&p)?;
            // Attribute values hold whitespace as character references (a raw tab or
            // line break is normalized to a space).
            let esc = |s: &str| {
                s.replace('\t', "&#x9;")
                    .replace('\n', "&#xA;")
                    .replace('\r', "&#xD;")
            };
            match attr {
                Some(i) => {
                    let v = format!("{}{}{}", esc(before), e.attrs[i].1, esc(after));
                    e.attrs[i].1 = v;
                    let a = e.attrs[i].0.clone();
                    done(
                        kind,
                        format!("{at}/@{a} padded with {before:?} and {after:?}"),
                    )
                }
                None => {
                    let text: String = e
                        .children
                        .iter()
                        .map(|c| match c {
                            Node::Text(t) => t.as_str(),
                            _ => "",
                        })
                        .collect();
                    e.children = vec![Node::Text(format!("{before}{text}{after}"))];
                    done(kind, format!("{at} padded with {before:?} and {after:?}"))
                }
            }
        }
        "raw control character" => {
            const CHARS: &[char] = &['\u{0}', '\u{1}', '\u{8}', '\u{B}', '\u{1B}', '\u{1F}'];
            let c = CHARS[g.below(CHARS.len())];
            let p = pick(g, &paths)?;
            let at = path_name(doc, &p);
            let e = doc.at_mut(&p)?;
            let attrs: Vec<usize> = (0..e.attrs.len())
                .filter(|i| !e.attrs[*i].0.starts_with("xmlns"))
                .collect();
            if !attrs.is_empty() && g.bool() {
                let i = attrs[g.below(attrs.len())];
                e.attrs[i].1.push(c);
                let a = e.attrs[i].0.clone();
                return done(kind, format!("raw {c:?} appended to {at}/@{a}"));
            }
            match e.children.last_mut() {
                Some(Node::Text(t)) => t.push(c),
                _ => e.children.push(Node::Text(c.to_string())),
            }
            done(kind, format!("raw {c:?} appended to the content of {at}"))
        }
        "lax wildcard content" => {
            // `m:MessageXml` (a lax wildcard) of a response message: an element the
            // schemas declare globally (which libxml2 validates), valid or not, or one
            // they do not.
            const T: &str = "http://schemas.microsoft.com/exchange/services/2006/types";
            let contents = [
                format!("<t:FieldURI xmlns:t=\"{T}\" FieldURI=\"item:Subject\"/>"),
                format!("<t:FieldURI xmlns:t=\"{T}\" FieldURI=\"item:NoSuchField\"/>"),
                format!("<t:FieldURI xmlns:t=\"{T}\"/>"),
                format!("<t:Value xmlns:t=\"{T}\" Name=\"InnerErrorMessageText\">x</t:Value>"),
                "<x:Info xmlns:x=\"urn:example\">1</x:Info>".to_string(),
                "<Info>text</Info>".to_string(),
            ];
            let content = contents[g.below(contents.len())].clone();
            let sites: Vec<Vec<usize>> = paths
                .iter()
                .filter(|p| {
                    doc.at(p).is_some_and(|e| {
                        e.attrs.iter().any(|(a, _)| a == "ResponseClass")
                            && e.local().ends_with("ResponseMessage")
                    })
                })
                .cloned()
                .collect();
            let p = pick(g, &sites)?;
            let at = path_name(doc, &p);
            let e = doc.at_mut(&p)?;
            let prefix = e.prefix().to_string();
            let node = parse(&content).ok()?;
            if let Some(Node::El(x)) = e
                .children
                .iter_mut()
                .find(|c| matches!(c, Node::El(x) if x.local() == "MessageXml"))
            {
                x.children.push(Node::El(node));
            } else {
                let pos = e
                    .children
                    .iter()
                    .rposition(|c| {
                        matches!(c, Node::El(x) if matches!(x.local(), "MessageText" | "ResponseCode" | "DescriptiveLinkKey"))
                    })
                    .map_or(0, |i| i + 1);
                let name = if prefix.is_empty() {
                    "MessageXml".to_string()
                } else {
                    format!("{prefix}:MessageXml")
                };
                e.children.insert(
                    pos,
                    Node::El(El {
                        name,
                        attrs: Vec::new(),
                        children: vec![Node::El(node)],
                    }),
                );
            }
            done(kind, format!("{content} in the MessageXml of {at}"))
        }
        _ => None,
    }
}

/// Escapes text for element content or an attribute value.
pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"<m:Root xmlns:m="urn:m" xmlns:t="urn:t" A="1"><t:A>x &amp; &#x41;</t:A><t:B K="v"/><!--c--><t:C><t:D>1</t:D></t:C></m:Root>"#;

    #[test]
    fn documents_are_kept_as_written() {
        let e = parse(DOC).unwrap();
        assert_eq!(e.to_document(), DOC);
        assert_eq!(e.paths().len(), 5);
        assert_eq!(e.at(&[3, 0]).unwrap().name, "t:D");
    }

    #[test]
    fn every_kind_applies_and_changes_the_document() {
        let mut breakers = Breakers::default();
        breakers
            .elements
            .insert("D".into(), vec![("minInclusive".into(), "0".into())]);
        for (i, kind) in KINDS.iter().enumerate() {
            let mut changed = false;
            // Lax wildcard content goes into a response message.
            let doc = if *kind == "lax wildcard content" {
                r#"<m:R xmlns:m="urn:m"><m:ResponseMessages><m:GetItemResponseMessage ResponseClass="Error"><m:MessageText>x</m:MessageText><m:Items/></m:GetItemResponseMessage></m:ResponseMessages></m:R>"#
            } else {
                DOC
            };
            for seed in 0..20 {
                let mut e = parse(doc).unwrap();
                let mut g = Gen::new(seed + i as u64 * 100, 4);
                if let Some(m) = mutate(&mut e, kind, &mut g, &breakers) {
                    assert!(m.kind.starts_with(kind), "{kind}: {}", m.kind);
                    changed |= e.to_document() != doc;
                    // Still well-formed apart from the character references.
                    if !matches!(*kind, "bad character reference" | "raw control character") {
                        parse(&e.to_document()).unwrap();
                    }
                }
            }
            assert_eq!(changed, *kind != "none", "{kind}");
        }
    }

    #[test]
    fn payloads_carry_their_namespaces() {
        let env = parse(
            r#"<s:Envelope xmlns:s="urn:s" xmlns:m="urn:m"><s:Header/><s:Body><m:X xmlns:t="urn:t"><t:Y/></m:X></s:Body></s:Envelope>"#,
        )
        .unwrap();
        let p = body_payload(&env).unwrap().to_document();
        assert!(p.starts_with("<m:X xmlns:t=\"urn:t\""), "{p}");
        assert!(p.contains("xmlns:m=\"urn:m\"") && p.contains("xmlns:s=\"urn:s\""));
    }
}
