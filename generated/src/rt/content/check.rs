//! Checking while writing: a [`Writer`](crate::rt::xml::Writer) made with
//! [`Writer::checking`](crate::rt::xml::Writer::checking) follows the elements it writes
//! through the same tables strict reading reads them with ([`Content`], [`P`], [`Lex`]) and
//! refuses what strict reading would refuse: an element the content model does not allow
//! where it stands (out of order, more often than `maxOccurs`), a required element or
//! attribute left out, a text or attribute value that breaks its type's facets (lengths,
//! ranges, digits, patterns, `fixed`), a value an enumeration does not list. The values
//! are checked as they are written, so the check costs a few comparisons per element and the
//! facet checks per value, not a second pass over the document.
//!
//! Elements without a table (the SOAP envelope, a wildcard's raw content) are not checked;
//! a typed value inside them is, against its own table.

use crate::rt::error::ErrorKind;
use crate::rt::facets::Lex;
use crate::rt::xml::{split_qname, Namespaces, NS_NONE, NS_OTHER, NS_SOAP, NS_XML};
use crate::rt::xs::text::NOT_LISTED;

use super::read::{find_forward, first_unsatisfied, particle_name, Pos};
use super::tables::{Content, Model, Term, MAX_BASES};

/// The table of no type (the placeholder of unused chain slots).
static NONE: Content = Content::seq("", &[]);

/// One open element (or group) being written.
struct Frame {
    /// The chain of tables, root base first (`n` of them; none for an element without a
    /// table).
    segs: [&'static Content; MAX_BASES],
    n: usize,
    /// Where the children written so far leave the sequence.
    pos: Pos,
    /// `xs:all`: the particles of the last table written (bit per particle).
    all_seen: u64,
    /// The attributes written (bit per declared attribute, the chain's in order).
    attrs_seen: u64,
    /// The alternative of a choice particle the last child matched (a repeated
    /// alternative writes a run of elements as one occurrence of the choice).
    last_alt: usize,
    /// What the element's text must satisfy (its particle's, for a simple-typed element).
    lex: Option<&'static Lex>,
    /// A sequence group written in place: its first element, matched in the enclosing
    /// frame when the group ends.
    group: Option<Option<(String, u8)>>,
}

impl Frame {
    fn leaf(lex: Option<&'static Lex>) -> Frame {
        Frame {
            segs: [&NONE; MAX_BASES],
            n: 0,
            pos: Pos::START,
            all_seen: 0,
            attrs_seen: 0,
            last_alt: usize::MAX,
            lex,
            group: None,
        }
    }

    fn set_table(&mut self, c: &'static Content) -> Result<(), ErrorKind> {
        let mut n = 0;
        let mut cur = Some(c);
        while let Some(t) = cur {
            if n == MAX_BASES {
                return Err(ErrorKind::Other(format!(
                    "{} derives through more than {MAX_BASES} types",
                    c.name
                )));
            }
            self.segs[n] = t;
            n += 1;
            cur = t.base;
        }
        self.segs[..n].reverse();
        self.n = n;
        Ok(())
    }

    fn segs(&self) -> &[&'static Content] {
        &self.segs[..self.n]
    }

    /// Matches a child element; the [`Lex`] its text must satisfy.
    fn child(
        &mut self,
        local: &str,
        ns: u8,
        namespaces: Namespaces,
    ) -> Result<Option<&'static Lex>, ErrorKind> {
        let n = self.n;
        let last = self.segs[n - 1];
        match last.model {
            Model::Simple => return Err(ErrorKind::UnexpectedChild(local.to_string())),
            Model::All => {
                for (s, seg) in self.segs().iter().enumerate() {
                    for (p, part) in seg.particles.iter().enumerate() {
                        if part.accepts(local, ns) {
                            if s == n - 1 && p < 64 {
                                if self.all_seen & (1 << p) != 0 {
                                    return Err(ErrorKind::TooManyElements(local.to_string()));
                                }
                                self.all_seen |= 1 << p;
                            }
                            return Ok(part.lex);
                        }
                    }
                }
                return Err(self.unexpected(local, ns, namespaces));
            }
            Model::Seq | Model::Mixed => {}
        }
        let segs = &self.segs[..n];
        match find_forward(segs, self.pos, local, ns) {
            Some((to, skipped)) => {
                if skipped {
                    let (s, p) = first_unsatisfied(segs, self.pos, to);
                    return Err(ErrorKind::UnexpectedElement {
                        name: local.to_string(),
                        namespace: uri(namespaces, ns),
                        expected: format!("<{}> first", particle_name(segs, s, p)),
                    });
                }
                let part = &segs[to.seg].particles[to.p];
                self.pos = to;
                self.pos.count += 1;
                self.last_alt = alternative(part.term, local, ns);
                Ok(part.lex)
            }
            None => {
                // The particle it stands on accepts the element but has had its
                // `maxOccurs`: a repeated alternative of a choice goes on, else too many.
                if let Some(part) = segs
                    .get(self.pos.seg)
                    .and_then(|s| s.particles.get(self.pos.p))
                {
                    if part.accepts(local, ns) {
                        let alt = alternative(part.term, local, ns);
                        if matches!(part.term, Term::Names(..)) && alt == self.last_alt {
                            return Ok(part.lex);
                        }
                        return Err(ErrorKind::TooManyElements(local.to_string()));
                    }
                }
                Err(self.unexpected(local, ns, namespaces))
            }
        }
    }

    fn unexpected(&self, local: &str, ns: u8, namespaces: Namespaces) -> ErrorKind {
        let mut expected: Vec<(&str, u8)> = Vec::new();
        for seg in self.segs() {
            for part in seg.particles {
                part.names_into(&mut expected);
            }
        }
        let mut names: Vec<&str> = Vec::new();
        for (l, _) in expected {
            if !names.contains(&l) {
                names.push(l);
            }
        }
        ErrorKind::UnexpectedElement {
            name: local.to_string(),
            namespace: uri(namespaces, ns),
            expected: if names.is_empty() {
                "no child elements".into()
            } else {
                names
                    .iter()
                    .map(|l| format!("<{l}>"))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        }
    }

    /// What is missing when the element ends: a required attribute, a required element.
    fn finish(&self) -> Result<(), ErrorKind> {
        let segs = self.segs();
        let mut off = 0;
        for seg in segs {
            for (i, a) in seg.attrs.iter().enumerate() {
                if a.required && off + i < 64 && self.attrs_seen & (1 << (off + i)) == 0 {
                    return Err(ErrorKind::MissingAttribute(a.local.to_string()));
                }
            }
            off += seg.attrs.len();
        }
        let n = segs.len();
        match segs[n - 1].model {
            Model::Simple => Ok(()),
            Model::All => {
                let parts = segs[n - 1].particles;
                match (0..parts.len().min(64))
                    .find(|p| parts[*p].min > 0 && self.all_seen & (1 << p) == 0)
                {
                    Some(p) => Err(ErrorKind::MissingElement(particle_name(segs, n - 1, p))),
                    None => Ok(()),
                }
            }
            Model::Seq | Model::Mixed => {
                let mut at = self.pos;
                while at.seg < n {
                    let parts = segs[at.seg].particles;
                    if at.p >= parts.len() {
                        at = Pos {
                            seg: at.seg + 1,
                            p: 0,
                            count: 0,
                        };
                        continue;
                    }
                    if at.count < parts[at.p].min {
                        return Err(ErrorKind::MissingElement(particle_name(segs, at.seg, at.p)));
                    }
                    at.p += 1;
                    at.count = 0;
                }
                Ok(())
            }
        }
    }
}

/// The namespace name of id `ns`, for messages.
fn uri(namespaces: Namespaces, ns: u8) -> String {
    match ns {
        NS_NONE => String::new(),
        NS_SOAP => crate::rt::xml::SOAP_ENV.into(),
        NS_XML => crate::rt::xml::XML.into(),
        _ => namespaces
            .get(usize::from(ns))
            .map_or("(another namespace)", |(_, u)| u)
            .to_string(),
    }
}

/// Which alternative of a choice particle the element is (0 for a single element).
fn alternative(term: Term, local: &str, ns: u8) -> usize {
    match term {
        Term::El(..) => 0,
        Term::Names(names, _) => names
            .iter()
            .position(|(l, n)| *n == ns && *l == local)
            .unwrap_or(usize::MAX - 1),
    }
}

/// The state of a checking writer: a frame per open element.
pub(crate) struct Checker {
    namespaces: Namespaces,
    /// The complex types whose values are sent as given, listed or not.
    pub(crate) open_values: &'static [&'static str],
    frames: Vec<Frame>,
}

impl std::fmt::Debug for Checker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Checker")
            .field("depth", &self.frames.len())
            .finish_non_exhaustive()
    }
}

impl Checker {
    pub(crate) fn new(namespaces: Namespaces) -> Checker {
        Checker {
            namespaces,
            open_values: &[],
            frames: Vec::with_capacity(16),
        }
    }

    /// The namespaces the writer knows.
    pub(crate) fn namespaces(&self) -> Namespaces {
        self.namespaces
    }

    /// The namespace id of a prefix as the writer writes it.
    fn prefix_ns(&self, prefix: &str) -> u8 {
        if prefix.is_empty() {
            return NS_NONE;
        }
        for (i, (p, _)) in self.namespaces.iter().enumerate() {
            if *p == prefix {
                return i as u8;
            }
        }
        match prefix {
            "soap" => NS_SOAP,
            "xml" => NS_XML,
            _ => NS_OTHER,
        }
    }

    /// An element opened (`ns`: its namespace when the writer knows it otherwise than by
    /// its prefix, a raw element's).
    pub(crate) fn start(&mut self, tag: &str, ns: Option<u8>) -> Result<(), ErrorKind> {
        let (prefix, local) = split_qname(tag);
        let ns = ns.unwrap_or_else(|| self.prefix_ns(prefix));
        let mut res = Ok(None);
        if let Some(parent) = self.frames.last_mut() {
            if parent.n > 0 {
                if matches!(parent.group, Some(None)) {
                    parent.group = Some(Some((local.to_string(), ns)));
                }
                res = parent.child(local, ns, self.namespaces);
            }
        }
        let lex = res.as_ref().ok().copied().flatten();
        self.frames.push(Frame::leaf(lex));
        res.map(|_| ())
    }

    /// The complex type of the element just opened.
    pub(crate) fn table(&mut self, c: &'static Content) -> Result<(), ErrorKind> {
        match self.frames.last_mut() {
            Some(f) => f.set_table(c),
            None => Ok(()),
        }
    }

    /// A group written in place, with its table.
    pub(crate) fn group_begin(&mut self, c: &'static Content) -> Result<(), ErrorKind> {
        let mut f = Frame::leaf(None);
        f.group = Some(None);
        let r = f.set_table(c);
        self.frames.push(f);
        r
    }

    /// The end of a group: what it misses; one occurrence of it in the enclosing element.
    pub(crate) fn group_end(&mut self) -> Result<(), ErrorKind> {
        let Some(f) = self.frames.pop() else {
            return Ok(());
        };
        let res = if f.n > 0 { f.finish() } else { Ok(()) };
        if let (Some(Some((local, ns))), Some(parent)) = (f.group, self.frames.last_mut()) {
            if parent.n > 0 {
                if let Some(None) = parent.group {
                    parent.group = Some(Some((local.clone(), ns)));
                }
                parent.child(&local, ns, self.namespaces)?;
            }
        }
        res
    }

    /// An attribute of a simple type written on the element just opened.
    pub(crate) fn attr(&mut self, name: &str, text: &str, listed: bool) -> Result<(), String> {
        let Some(f) = self.frames.last_mut() else {
            return Ok(());
        };
        if f.n == 0 {
            return Ok(());
        }
        let (prefix, local) = split_qname(name);
        let ns = if prefix.is_empty() {
            NS_NONE
        } else {
            let mut ns = NS_OTHER;
            for (i, (p, _)) in self.namespaces.iter().enumerate() {
                if *p == prefix {
                    ns = i as u8;
                }
            }
            ns
        };
        let listed = listed || self.open_values.contains(&f.segs[f.n - 1].name);
        let mut off = 0;
        for seg in &f.segs[..f.n] {
            for (i, d) in seg.attrs.iter().enumerate() {
                if d.ns == ns && d.local == local {
                    if off + i < 64 {
                        f.attrs_seen |= 1 << (off + i);
                    }
                    if let Some(lex) = d.lex {
                        lex.check(text)?;
                    }
                    if !listed {
                        return Err(NOT_LISTED.into());
                    }
                    return Ok(());
                }
            }
            off += seg.attrs.len();
        }
        if !listed {
            return Err(NOT_LISTED.into());
        }
        Ok(())
    }

    /// The text of a simple-typed value written in the element just opened.
    pub(crate) fn text(&mut self, text: &str, listed: bool) -> Result<(), String> {
        let Some(f) = self.frames.last() else {
            return Ok(());
        };
        let lex = f.lex.or_else(|| f.segs().iter().rev().find_map(|s| s.text));
        if let Some(lex) = lex {
            lex.check(text)?;
        }
        if !listed {
            return Err(NOT_LISTED.into());
        }
        Ok(())
    }

    /// The element just closed: what it misses.
    pub(crate) fn end(&mut self) -> Result<(), ErrorKind> {
        match self.frames.pop() {
            Some(f) if f.n > 0 => f.finish(),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rt::content::{Content, First, Model, Wild, A, P};
    use crate::rt::error::{ErrorKind, Result};
    use crate::rt::facets::{Facets, Kind, Lex};
    use crate::rt::xml::{Namespaces, Writer, NS_NONE};

    const NS: Namespaces = &[("t", "urn:test")];

    static RANGE: Lex = Lex::with(
        "int",
        &Facets {
            min_inclusive: Some("1"),
            max_inclusive: Some("1440"),
            ..Facets::new(Kind::Integer)
        },
    );

    /// Writes `<t:Root>` of `table` with `body` inside, checking or not.
    fn write(
        table: &'static Content,
        check: bool,
        body: impl FnOnce(&mut Writer),
    ) -> Result<String> {
        let mut w = Writer::new(NS);
        if check {
            w = w.checking();
        }
        w.start("t:Root");
        w.set_content(table);
        body(&mut w);
        w.end("t:Root");
        w.finish()
    }

    fn text(w: &mut Writer, tag: &str, v: i32) {
        w.start(tag);
        w.text(&v);
        w.end(tag);
    }

    #[test]
    fn a_range_facet() {
        static T: Content = Content::seq("t:T", &[P::el("Minutes", 0, 1, 1).lex(&RANGE)]);
        assert!(write(&T, true, |w| text(w, "t:Minutes", 1440)).is_ok());
        let e = write(&T, true, |w| text(w, "t:Minutes", 0)).unwrap_err();
        assert_eq!(e.path, "/Root/Minutes");
        assert!(
            e.to_string()
                .contains("invalid element <Minutes> value \"0\": [facet 'minInclusive']"),
            "{e}"
        );
        // Writing alone does not check.
        assert!(write(&T, false, |w| text(w, "t:Minutes", 0)).is_ok());
    }

    #[test]
    fn occurrences_and_order() {
        static T: Content = Content::seq(
            "t:T",
            &[
                P::el("A", 0, 1, 2),
                P::el("B", 0, 1, 1),
                P::el("C", 0, 0, 1),
            ],
        );
        assert!(write(&T, true, |w| {
            text(w, "t:A", 1);
            text(w, "t:A", 2);
            text(w, "t:B", 3);
        })
        .is_ok());
        let e = write(&T, true, |w| {
            for i in 0..3 {
                text(w, "t:A", i);
            }
        })
        .unwrap_err();
        assert_eq!(
            (e.path.as_str(), &e.kind),
            ("/Root/A", &ErrorKind::TooManyElements("A".into()))
        );
        let e = write(&T, true, |w| text(w, "t:A", 1)).unwrap_err();
        assert_eq!(
            (e.path.as_str(), &e.kind),
            ("/Root", &ErrorKind::MissingElement("B".into()))
        );
        let e = write(&T, true, |w| text(w, "t:C", 1)).unwrap_err();
        assert!(e.to_string().contains("<A> first"), "{e}");
        let e = write(&T, true, |w| text(w, "t:Z", 1)).unwrap_err();
        assert!(e.to_string().contains("unexpected element <Z>"), "{e}");
        // Not checking, anything goes.
        assert!(write(&T, false, |w| text(w, "t:Z", 1)).is_ok());
    }

    #[test]
    fn a_required_attribute_of_a_base() {
        static BASE: Content = Content::seq("t:Base", &[]).attrs(&[A::req("Id", NS_NONE)]);
        static T: Content = Content::seq("t:T", &[])
            .base(&BASE)
            .attrs(&[A::opt("Key", NS_NONE)]);
        assert!(write(&T, true, |w| w.attr("Id", &"x".to_string())).is_ok());
        let e = write(&T, true, |w| w.attr("Key", &"x".to_string())).unwrap_err();
        assert_eq!(e.kind, ErrorKind::MissingAttribute("Id".into()));
    }

    #[test]
    fn all_groups_and_choices() {
        static ALL: Content =
            Content::seq("t:All", &[P::el("A", 0, 1, 1), P::el("B", 0, 0, 1)]).model(Model::All);
        assert!(write(&ALL, true, |w| {
            text(w, "t:B", 1);
            text(w, "t:A", 1);
        })
        .is_ok());
        let e = write(&ALL, true, |w| text(w, "t:B", 1)).unwrap_err();
        assert_eq!(e.kind, ErrorKind::MissingElement("A".into()));
        let e = write(&ALL, true, |w| {
            text(w, "t:A", 1);
            text(w, "t:A", 1);
        })
        .unwrap_err();
        assert_eq!(e.kind, ErrorKind::TooManyElements("A".into()));

        // A choice: a repeated alternative's run is one occurrence; two alternatives are two.
        static CHOICE: Content = Content::seq(
            "t:Choice",
            &[P::of(
                First {
                    names: &[("X", 0), ("Y", 0)],
                    any: Wild::None,
                },
                1,
                1,
            )],
        );
        assert!(write(&CHOICE, true, |w| {
            text(w, "t:X", 1);
            text(w, "t:X", 2);
        })
        .is_ok());
        let e = write(&CHOICE, true, |w| {
            text(w, "t:X", 1);
            text(w, "t:Y", 2);
        })
        .unwrap_err();
        assert_eq!(e.kind, ErrorKind::TooManyElements("Y".into()));

        // A sequence group written in place.
        static GROUP: Content = Content::seq("t:G", &[P::el("C", 0, 1, 1), P::el("D", 0, 1, 1)]);
        static OUTER: Content = Content::seq(
            "t:Outer",
            &[P::of(
                First {
                    names: &[("C", 0)],
                    any: Wild::None,
                },
                1,
                2,
            )],
        );
        assert!(write(&OUTER, true, |w| {
            for _ in 0..2 {
                w.group_begin(&GROUP);
                text(w, "t:C", 1);
                text(w, "t:D", 1);
                w.group_end();
            }
        })
        .is_ok());
        let e = write(&OUTER, true, |w| {
            w.group_begin(&GROUP);
            text(w, "t:C", 1);
            w.group_end();
        })
        .unwrap_err();
        assert_eq!(e.kind, ErrorKind::MissingElement("D".into()));
        let e = write(&OUTER, true, |_| {}).unwrap_err();
        assert_eq!(e.kind, ErrorKind::MissingElement("C".into()));
    }

    #[test]
    fn wildcards_and_raw_content() {
        use crate::rt::any::RawElement;
        static OPEN: Content = Content::seq("t:Open", &[P::any(Wild::Other(0), 0, 1)]);
        let raw = |ns: &str| RawElement {
            name: "Extra".into(),
            namespace: Some(ns.into()),
            prefix: Some("x".into()),
            ..Default::default()
        };
        assert!(write(&OPEN, true, |w| raw("urn:other").write(w)).is_ok());
        let e = write(&OPEN, true, |w| raw("urn:test").write(w)).unwrap_err();
        assert!(e.to_string().contains("unexpected element <Extra>"), "{e}");
    }
}
