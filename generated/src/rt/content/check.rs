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
use crate::rt::facets::{Kind, Lex, WhiteSpace};
use crate::rt::xml::{split_qname, Namespaces, NS_NONE, NS_OTHER, NS_SOAP, NS_XML};
use crate::rt::xs::text::NOT_LISTED;

use super::read::{first_unsatisfied, particle_name, Pos};
use super::tables::{Content, Model, Term, MAX_BASES, P};

/// One open element (or group) being written. Its chain of tables (root base first) is
/// `Checker::segs[base..base + n]`; `n` is 0 for an element without a table.
struct Frame {
    base: usize,
    n: usize,
    /// Where the children written so far leave the sequence: table, particle, occurrences.
    seg: usize,
    p: usize,
    count: u32,
    /// The particles of table `seg`.
    parts: &'static [P],
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
    group: Option<Box<Option<(String, u8)>>>,
}

impl Frame {
    #[inline]
    fn leaf(base: usize, lex: Option<&'static Lex>) -> Frame {
        Frame {
            base,
            n: 0,
            seg: 0,
            p: 0,
            count: 0,
            parts: &[],
            all_seen: 0,
            attrs_seen: 0,
            last_alt: usize::MAX,
            lex,
            group: None,
        }
    }

    #[inline]
    fn pos(&self) -> Pos {
        Pos {
            seg: self.seg,
            p: self.p,
            count: self.count,
        }
    }
}

/// `lex.check(text)`, with a shortcut for the commonest facets of requests: a string whose
/// only facets bound its length (`NonEmptyStringType`'s `minLength` 1), decided on the byte
/// length where it settles the question (a character is at least one byte); anything else,
/// and every failure, goes through [`Lex::check`] (which words the message).
#[inline]
fn check_lex(lex: &Lex, text: &str) -> Result<(), String> {
    if let (Some(f), None, None, "string") = (lex.facets, lex.fixed, lex.item, lex.xs) {
        let only_lengths = f.kind == Kind::String
            && f.white_space == WhiteSpace::Preserve
            && f.length.is_none()
            && f.patterns.is_empty()
            && f.enumeration.is_empty()
            && f.total_digits.is_none()
            && f.fraction_digits.is_none()
            && f.min_inclusive.is_none()
            && f.max_inclusive.is_none()
            && f.min_exclusive.is_none()
            && f.max_exclusive.is_none();
        if only_lengths {
            let b = text.len() as u64;
            let low = match f.min_length {
                None | Some(0) => true,
                Some(1) => b > 0,
                Some(_) => false,
            };
            if low && f.max_length.is_none_or(|m| b <= m) {
                return Ok(());
            }
        }
    }
    lex.check(text)
}

/// Whether particle `part` accepts the element: a single element's name compared first by
/// namespace, length and first byte.
#[inline(always)]
fn accepts(part: &P, local: &str, ns: u8) -> bool {
    match part.term {
        Term::El(l, n) => n == ns && same_name(l.as_bytes(), local.as_bytes()),
        Term::Names(..) => part.accepts(local, ns),
    }
}

/// Whether two names are the same, compared a word at a time (names are short: a few loads
/// are cheaper than a call to `memcmp`, and than a byte loop).
#[inline(always)]
fn same_name(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if n >= 8 {
        let mut i = 0;
        while i + 8 < n {
            if word8(a, i) != word8(b, i) {
                return false;
            }
            i += 8;
        }
        // The last word, overlapping the one before it.
        word8(a, n - 8) == word8(b, n - 8)
    } else if n >= 4 {
        word4(a, 0) == word4(b, 0) && word4(a, n - 4) == word4(b, n - 4)
    } else {
        a == b
    }
}

#[inline(always)]
fn word8(s: &[u8], i: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&s[i..i + 8]);
    u64::from_ne_bytes(w)
}

#[inline(always)]
fn word4(s: &[u8], i: usize) -> u32 {
    let mut w = [0u8; 4];
    w.copy_from_slice(&s[i..i + 4]);
    u32::from_ne_bytes(w)
}

/// Matches a child element in frame `f` (whose tables are `segs`); the [`Lex`] its text must
/// satisfy.
#[inline]
fn child(
    f: &mut Frame,
    segs: &[&'static Content],
    local: &str,
    ns: u8,
    namespaces: Namespaces,
) -> Result<Option<&'static Lex>, ErrorKind> {
    let n = segs.len();
    match segs[n - 1].model {
        Model::Seq | Model::Mixed => {}
        Model::Simple => return Err(ErrorKind::UnexpectedChild(local.to_string())),
        Model::All => {
            for (s, seg) in segs.iter().enumerate() {
                for (p, part) in seg.particles.iter().enumerate() {
                    if accepts(part, local, ns) {
                        if s == n - 1 && p < 64 {
                            if f.all_seen & (1 << p) != 0 {
                                return Err(ErrorKind::TooManyElements(local.to_string()));
                            }
                            f.all_seen |= 1 << p;
                        }
                        return Ok(part.lex);
                    }
                }
            }
            return Err(unexpected(segs, local, ns, namespaces));
        }
    }
    let (mut seg, mut p, mut count, mut parts) = (f.seg, f.p, f.count, f.parts);
    let mut skipped = false;
    loop {
        if p >= parts.len() {
            seg += 1;
            if seg >= n {
                break;
            }
            parts = segs[seg].particles;
            p = 0;
            count = 0;
            continue;
        }
        let part = &parts[p];
        if count < part.max && accepts(part, local, ns) {
            if skipped {
                let to = Pos { seg, p, count };
                let (s, q) = first_unsatisfied(segs, f.pos(), to);
                // Allowed later, with a required element passed over: out of order, said
                // as strict reading says it.
                return Err(ErrorKind::MisplacedElement {
                    name: local.to_string(),
                    expected: format!("<{}> before it", particle_name(segs, s, q)),
                });
            }
            f.seg = seg;
            f.p = p;
            f.count = count + 1;
            f.parts = parts;
            if let Term::Names(..) = part.term {
                f.last_alt = alternative(part.term, local, ns);
            }
            return Ok(part.lex);
        }
        skipped |= count < part.min;
        p += 1;
        count = 0;
    }
    // The particle it stands on accepts the element but has had its `maxOccurs`: a
    // repeated alternative of a choice goes on, else too many.
    if let Some(part) = f.parts.get(f.p) {
        if accepts(part, local, ns) {
            if matches!(part.term, Term::Names(..))
                && alternative(part.term, local, ns) == f.last_alt
            {
                return Ok(part.lex);
            }
            return Err(ErrorKind::TooManyElements(local.to_string()));
        }
    }
    Err(unexpected(segs, local, ns, namespaces))
}

fn unexpected(segs: &[&'static Content], local: &str, ns: u8, namespaces: Namespaces) -> ErrorKind {
    let mut expected: Vec<(&str, u8)> = Vec::new();
    for seg in segs {
        for part in seg.particles {
            part.names_into(&mut expected);
        }
    }
    // The namespace is said only when it is not that of the elements expected.
    let namespace = if expected.iter().any(|(_, n)| *n == ns) {
        None
    } else {
        Some(uri(namespaces, ns))
    };
    let mut names: Vec<&str> = Vec::new();
    for (l, _) in expected {
        if !names.contains(&l) {
            names.push(l);
        }
    }
    ErrorKind::UnexpectedElement {
        name: local.to_string(),
        namespace,
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

/// What is missing when the element of frame `f` ends: a required attribute, a required
/// element.
fn finish(f: &Frame, segs: &[&'static Content]) -> Result<(), ErrorKind> {
    let mut off = 0;
    for seg in segs {
        if seg.attrs.is_empty() {
            continue;
        }
        for (i, a) in seg.attrs.iter().enumerate() {
            if a.required && off + i < 64 && f.attrs_seen & (1 << (off + i)) == 0 {
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
            match (0..parts.len().min(64)).find(|p| parts[*p].min > 0 && f.all_seen & (1 << p) == 0)
            {
                Some(p) => Err(ErrorKind::MissingElement(particle_name(segs, n - 1, p))),
                None => Ok(()),
            }
        }
        Model::Seq | Model::Mixed => {
            let (mut seg, mut p, mut count, mut parts) = (f.seg, f.p, f.count, f.parts);
            loop {
                if p >= parts.len() {
                    seg += 1;
                    if seg >= n {
                        return Ok(());
                    }
                    parts = segs[seg].particles;
                    p = 0;
                    count = 0;
                    continue;
                }
                if count < parts[p].min {
                    return Err(ErrorKind::MissingElement(particle_name(segs, seg, p)));
                }
                p += 1;
                count = 0;
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

/// The state of a checking writer: a frame per open element, the tables of their chains.
pub(crate) struct Checker {
    namespaces: Namespaces,
    /// The complex types whose values are sent as given, listed or not.
    pub(crate) open_values: &'static [&'static str],
    frames: Vec<Frame>,
    segs: Vec<&'static Content>,
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
            segs: Vec::with_capacity(64),
        }
    }

    /// The namespaces the writer knows.
    pub(crate) fn namespaces(&self) -> Namespaces {
        self.namespaces
    }

    /// An element opened (`ns`: its namespace when the writer knows it otherwise than by
    /// its prefix, a raw element's).
    #[inline]
    pub(crate) fn start(&mut self, tag: &str, ns: Option<u8>) -> Result<(), ErrorKind> {
        let mut lex = None;
        let mut refused = None;
        if let Some(parent) = self.frames.last_mut() {
            if parent.n > 0 {
                let (prefix, local) = split_qname(tag);
                let ns = ns.unwrap_or_else(|| {
                    // The prefixes the writer writes: the table's, `soap`, `xml`.
                    if prefix.is_empty() {
                        return NS_NONE;
                    }
                    match self.namespaces.iter().position(|(p, _)| *p == prefix) {
                        Some(i) => i as u8,
                        None => match prefix {
                            "soap" => NS_SOAP,
                            "xml" => NS_XML,
                            _ => NS_OTHER,
                        },
                    }
                });
                if let Some(g @ None) = parent.group.as_deref_mut() {
                    *g = Some((local.to_string(), ns));
                }
                let segs = &self.segs[parent.base..parent.base + parent.n];
                match child(parent, segs, local, ns, self.namespaces) {
                    Ok(l) => lex = l,
                    Err(e) => refused = Some(e),
                }
            }
        }
        self.frames.push(Frame::leaf(self.segs.len(), lex));
        match refused {
            None => Ok(()),
            Some(e) => Err(e),
        }
    }

    /// Pushes the chain of `c` (root base first) for the frame on top.
    fn push_chain(&mut self, c: &'static Content) -> Result<(), ErrorKind> {
        let Some(f) = self.frames.last_mut() else {
            return Ok(());
        };
        let base = self.segs.len();
        if c.base.is_none() {
            // No base (most types): the chain is the type alone.
            self.segs.push(c);
            f.base = base;
            f.n = 1;
            f.parts = c.particles;
            return Ok(());
        }
        let mut cur = Some(c);
        while let Some(t) = cur {
            if self.segs.len() - base == MAX_BASES {
                self.segs.truncate(base);
                return Err(ErrorKind::Other(format!(
                    "{} derives through more than {MAX_BASES} types",
                    c.name
                )));
            }
            self.segs.push(t);
            cur = t.base;
        }
        self.segs[base..].reverse();
        f.base = base;
        f.n = self.segs.len() - base;
        f.parts = self.segs[base].particles;
        Ok(())
    }

    /// The complex type of the element just opened.
    #[inline]
    pub(crate) fn table(&mut self, c: &'static Content) -> Result<(), ErrorKind> {
        self.push_chain(c)
    }

    /// A group written in place, with its table.
    pub(crate) fn group_begin(&mut self, c: &'static Content) -> Result<(), ErrorKind> {
        let mut f = Frame::leaf(self.segs.len(), None);
        f.group = Some(Box::new(None));
        self.frames.push(f);
        self.push_chain(c)
    }

    /// The end of a group: what it misses; one occurrence of it in the enclosing element.
    pub(crate) fn group_end(&mut self) -> Result<(), ErrorKind> {
        let Some(f) = self.frames.pop() else {
            return Ok(());
        };
        let res = if f.n > 0 {
            finish(&f, &self.segs[f.base..f.base + f.n])
        } else {
            Ok(())
        };
        self.segs.truncate(f.base);
        let first = f.group.and_then(|g| *g);
        if let (Some((local, ns)), Some(parent)) = (first, self.frames.last_mut()) {
            if parent.n > 0 {
                if let Some(g @ None) = parent.group.as_deref_mut() {
                    *g = Some((local.clone(), ns));
                }
                let segs = &self.segs[parent.base..parent.base + parent.n];
                child(parent, segs, &local, ns, self.namespaces)?;
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
        let segs = &self.segs[f.base..f.base + f.n];
        let (prefix, local) = split_qname(name);
        let ns = if prefix.is_empty() {
            NS_NONE
        } else {
            self.namespaces
                .iter()
                .position(|(p, _)| *p == prefix)
                .map_or(NS_OTHER, |i| i as u8)
        };
        let listed = listed || self.open_values.contains(&segs[f.n - 1].name);
        let mut off = 0;
        for seg in segs {
            for (i, d) in seg.attrs.iter().enumerate() {
                if d.ns == ns && d.local == local {
                    if off + i < 64 {
                        f.attrs_seen |= 1 << (off + i);
                    }
                    if let Some(lex) = d.lex {
                        check_lex(lex, text)?;
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
    #[inline]
    pub(crate) fn text(&mut self, text: &str, listed: bool) -> Result<(), String> {
        let Some(f) = self.frames.last() else {
            return Ok(());
        };
        let lex = match f.lex {
            Some(l) => Some(l),
            None if f.n > 0 => self.segs[f.base..f.base + f.n]
                .iter()
                .rev()
                .find_map(|s| s.text),
            None => None,
        };
        if let Some(lex) = lex {
            check_lex(lex, text)?;
        }
        if !listed {
            return Err(NOT_LISTED.into());
        }
        Ok(())
    }

    /// The element just closed: what it misses.
    #[inline]
    pub(crate) fn end(&mut self) -> Result<(), ErrorKind> {
        match self.frames.pop() {
            Some(f) if f.n > 0 => {
                let r = finish(&f, &self.segs[f.base..f.base + f.n]);
                self.segs.truncate(f.base);
                r
            }
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
    fn the_length_shortcut_agrees_with_the_facets() {
        static NON_EMPTY: Lex = Lex::with(
            "string",
            &Facets {
                min_length: Some(1),
                ..Facets::new(Kind::String)
            },
        );
        static TWO_TO_THREE: Lex = Lex::with(
            "string",
            &Facets {
                min_length: Some(2),
                max_length: Some(3),
                ..Facets::new(Kind::String)
            },
        );
        for lex in [&NON_EMPTY, &TWO_TO_THREE] {
            for t in [
                "",
                "a",
                "ab",
                "日本",
                "abc",
                "日本語",
                "abcd",
                "日本語x",
                " ",
            ] {
                assert_eq!(
                    super::check_lex(lex, t).is_ok(),
                    lex.check(t).is_ok(),
                    "{t:?} {lex:?}"
                );
            }
        }
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
        assert!(
            e.to_string()
                .contains("element <C> is out of order; expected <A> before it"),
            "{e}"
        );
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
