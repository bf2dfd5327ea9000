//! Checking while writing: a [`Writer`](crate::rt::xml::Writer) made with
//! [`Writer::checking`](crate::rt::xml::Writer::checking) refuses what strict reading would
//! refuse in what generated types write.
//!
//! Generated writers write each type's elements in the schema's order and always write the
//! required ones (a required element or attribute is a field that is not an `Option`), so
//! the order, the required elements and the required attributes hold by construction. What
//! the Rust types do not guarantee is checked as it is written, with the table entry of the
//! field (its particle [`P`]) the generated code passes:
//! - the facets of each text and attribute value (lengths, ranges, digits, patterns,
//!   `fixed`) and the values enumerations list ([`Lex`]);
//! - how many values a `Vec` field holds against `minOccurs`/`maxOccurs` (a list wrapper's
//!   items, a repeated element, choice or group);
//! - the namespace of a raw element against its wildcard's.
//!
//! The check costs a few stores per element and the facet checks per value, not a walk of
//! the content model. Elements a caller writes by hand (with `Writer::start`) get the value
//! checks of the tables they name, not the order.

use crate::rt::error::ErrorKind;
use crate::rt::facets::{Kind, Lex, WhiteSpace};
use crate::rt::xml::{Namespaces, NS_NONE, NS_OTHER, NS_SOAP, NS_XML};
use crate::rt::xs::text::NOT_LISTED;

use super::tables::{Content, Model, Term, Wild, P};

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

/// A refusal found before the element it is about is opened: recorded with that element's
/// path when it is.
#[derive(Debug, Clone, Copy)]
enum Pending {
    /// One more occurrence than the particle's `maxOccurs`.
    TooMany,
    /// A raw element in namespace id `.0`, which its wildcard `.1` does not accept.
    Namespace(u8, Wild),
}

/// The state of a checking writer: what the value about to be written must satisfy, and
/// the table of the element just opened.
pub(crate) struct Checker {
    namespaces: Namespaces,
    /// The complex types whose values are sent as given, listed or not.
    pub(crate) open_values: &'static [&'static str],
    /// The text rule of the simple-typed element about to be opened.
    next_lex: Option<&'static Lex>,
    /// The wildcard the raw element about to be opened stands for.
    next_wild: Option<Wild>,
    /// What the element about to be opened breaks.
    pending: Option<Pending>,
    /// The text rule of the element just opened.
    lex: Option<&'static Lex>,
    /// The complex type of the element just opened (its attributes).
    table: Option<&'static Content>,
}

impl std::fmt::Debug for Checker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Checker")
            .field("table", &self.table.map(|t| t.name))
            .finish_non_exhaustive()
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

/// What a wildcard accepts, for messages.
fn wild_expected(namespaces: Namespaces, w: Wild) -> String {
    match w {
        Wild::None => "no element".into(),
        Wild::Any => "any element".into(),
        Wild::Other(t) => format!(
            "an element in a namespace other than `{}`",
            uri(namespaces, t)
        ),
        Wild::List(ids) => {
            let names: Vec<String> = ids
                .iter()
                .map(|i| match *i {
                    NS_NONE => "no namespace".to_string(),
                    NS_OTHER => "another namespace".to_string(),
                    i => format!("`{}`", uri(namespaces, i)),
                })
                .collect();
            format!("an element in {}", names.join(" or "))
        }
    }
}

impl Checker {
    /// A checker for a writer of `namespaces`.
    pub(crate) fn new(namespaces: Namespaces) -> Checker {
        Checker {
            namespaces,
            open_values: &[],
            next_lex: None,
            next_wild: None,
            pending: None,
            lex: None,
            table: None,
        }
    }

    /// Occurrence `i` (from 0) of particle `p` is about to be written.
    #[inline]
    pub(crate) fn expect(&mut self, p: &'static P, i: usize) {
        self.next_lex = p.lex;
        if let Term::Names(&[], w) = p.term {
            if w != Wild::None {
                self.next_wild = Some(w);
            }
        }
        if i as u64 >= u64::from(p.max) && self.pending.is_none() {
            self.pending = Some(Pending::TooMany);
        }
    }

    /// `n` occurrences of particle `p`: too few is a missing element (too many is found
    /// at the first one too many, by [`Checker::expect`]).
    #[inline]
    pub(crate) fn count(&self, n: usize, p: &'static P) -> Result<(), ErrorKind> {
        if (n as u64) < u64::from(p.min) {
            return Err(ErrorKind::MissingElement(p.name()));
        }
        Ok(())
    }

    /// A raw element in namespace `uri` is about to be opened.
    #[inline]
    pub(crate) fn raw_namespace(&mut self, uri: Option<&str>) {
        if let Some(w) = self.next_wild.take() {
            let ns = crate::rt::xml::lookup_ns(self.namespaces, uri.unwrap_or(""));
            if !w.accepts(ns) && self.pending.is_none() {
                self.pending = Some(Pending::Namespace(ns, w));
            }
        }
    }

    /// An element opened (`tag`: its qualified name): the text rule set for it becomes its
    /// own; what it breaks.
    #[inline]
    pub(crate) fn start(&mut self, tag: &str) -> Result<(), ErrorKind> {
        self.lex = self.next_lex.take();
        self.next_wild = None;
        self.table = None;
        match self.pending.take() {
            None => Ok(()),
            Some(p) => Err(self.refusal(p, tag.rsplit(':').next().unwrap_or(tag))),
        }
    }

    #[cold]
    fn refusal(&self, p: Pending, local: &str) -> ErrorKind {
        match p {
            Pending::TooMany => ErrorKind::TooManyElements(local.to_string()),
            Pending::Namespace(ns, w) => ErrorKind::UnexpectedElement {
                name: local.to_string(),
                namespace: Some(uri(self.namespaces, ns)),
                expected: wild_expected(self.namespaces, w),
            },
        }
    }

    /// The complex type of the element just opened: its attributes, its simple content.
    #[inline]
    pub(crate) fn table(&mut self, c: &'static Content) {
        self.table = Some(c);
        if c.model == Model::Simple {
            let mut t = Some(c);
            while let Some(x) = t {
                if x.text.is_some() {
                    self.lex = x.text;
                    break;
                }
                t = x.base;
            }
        }
    }

    /// An attribute of a simple type written on the element just opened.
    pub(crate) fn attr(&mut self, name: &str, text: &str, listed: bool) -> Result<(), String> {
        let Some(table) = self.table else {
            return Ok(());
        };
        let (prefix, local) = crate::rt::xml::split_qname(name);
        let ns = if prefix.is_empty() {
            NS_NONE
        } else {
            self.namespaces
                .iter()
                .position(|(p, _)| *p == prefix)
                .map_or(NS_OTHER, |i| i as u8)
        };
        let listed = listed || self.open_values.contains(&table.name);
        let mut t = Some(table);
        while let Some(c) = t {
            if let Some(d) = c.attrs.iter().find(|d| d.ns == ns && d.local == local) {
                if let Some(lex) = d.lex {
                    check_lex(lex, text)?;
                }
                break;
            }
            t = c.base;
        }
        if !listed {
            return Err(NOT_LISTED.into());
        }
        Ok(())
    }

    /// The text of a simple-typed value written in the element just opened.
    #[inline]
    pub(crate) fn text(&mut self, text: &str, listed: bool) -> Result<(), String> {
        if let Some(lex) = self.lex {
            check_lex(lex, text)?;
        }
        if !listed {
            return Err(NOT_LISTED.into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::rt::any::RawElement;
    use crate::rt::content::{write_list, Content, First, List, Wild, A, P};
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

    static CODE: Lex = Lex::with(
        "string",
        &Facets {
            min_length: Some(2),
            max_length: Some(3),
            ..Facets::new(Kind::String)
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
        static MINUTES: P = P::el("Minutes", 0, 1, 1).lex(&RANGE);
        static T: Content = Content::seq("t:T", &[MINUTES]);
        assert!(write(&T, true, |w| w.one_at(&1440, "t:Minutes", &MINUTES)).is_ok());
        let e = write(&T, true, |w| w.one_at(&0, "t:Minutes", &MINUTES)).unwrap_err();
        assert_eq!(e.path, "/Root/Minutes");
        assert!(
            e.to_string()
                .contains("invalid element <Minutes> value \"0\": [facet 'minInclusive']"),
            "{e}"
        );
        // Each value of a repeated element, and an optional one.
        static MANY: P = P::el("Minutes", 0, 0, crate::rt::content::UNBOUNDED).lex(&RANGE);
        let e = write(&T, true, |w| w.all_at(&[5, 2000], "t:Minutes", &MANY)).unwrap_err();
        assert!(e.to_string().contains("value \"2000\""), "{e}");
        let e = write(&T, true, |w| w.opt_at(&Some(0), "t:Minutes", &MINUTES)).unwrap_err();
        assert_eq!(e.path, "/Root/Minutes");
        // The rule is the element's own: a sibling without one is not held to it.
        assert!(write(&T, true, |w| {
            w.one_at(&3, "t:Minutes", &MINUTES);
            w.one(&0, "t:Other");
        })
        .is_ok());
        // Writing alone does not check.
        assert!(write(&T, false, |w| w.one_at(&0, "t:Minutes", &MINUTES)).is_ok());
    }

    #[test]
    fn occurrences_of_a_repeated_element() {
        static A2: P = P::el("A", 0, 1, 2);
        static T: Content = Content::seq("t:T", &[A2]);
        assert!(write(&T, true, |w| w.all_at(&[1, 2], "t:A", &A2)).is_ok());
        let e = write(&T, true, |w| w.all_at(&[1, 2, 3], "t:A", &A2)).unwrap_err();
        assert_eq!(
            (e.path.as_str(), &e.kind),
            ("/Root/A", &ErrorKind::TooManyElements("A".into()))
        );
        let e = write(&T, true, |w| w.all_at::<i32>(&[], "t:A", &A2)).unwrap_err();
        assert_eq!(
            (e.path.as_str(), &e.kind),
            ("/Root", &ErrorKind::MissingElement("A".into()))
        );
        // A choice or group by the elements it starts with.
        static XY: P = P::of(
            First {
                names: &[("X", 0), ("Y", 0)],
                any: Wild::None,
            },
            1,
            1,
        );
        let e = write(&T, true, |w| w.all_at::<i32>(&[], "", &XY)).unwrap_err();
        assert_eq!(e.kind, ErrorKind::MissingElement("X or Y".into()));
        assert!(write(&T, false, |w| w.all_at::<i32>(&[], "t:A", &A2)).is_ok());
    }

    #[test]
    fn a_list_wrapper_holds_its_items_count_and_rules() {
        static CODES: List = List::of(
            "t:ArrayOfCodes",
            &[P::el("Code", 0, 1, 2).lex(&CODE)],
            "t:Code",
        );
        static T: Content = Content::seq("t:T", &[P::el("Codes", 0, 1, 1)]);
        let list = |items: &[String]| {
            let items = items.to_vec();
            move |w: &mut Writer| write_list(w, &items, "t:Codes", &CODES)
        };
        assert!(write(&T, true, list(&["ab".into(), "abc".into()])).is_ok());
        let e = write(&T, true, list(&[])).unwrap_err();
        assert_eq!(
            (e.path.as_str(), &e.kind),
            ("/Root/Codes", &ErrorKind::MissingElement("Code".into()))
        );
        let e = write(&T, true, list(&["ab".into(), "a".into()])).unwrap_err();
        assert_eq!(e.path, "/Root/Codes/Code");
        assert!(e.to_string().contains("[facet 'minLength']"), "{e}");
        let e = write(&T, true, list(&["ab".into(), "ab".into(), "ab".into()])).unwrap_err();
        assert_eq!(e.kind, ErrorKind::TooManyElements("Code".into()));
    }

    #[test]
    fn attributes_and_simple_content() {
        static BASE: Content =
            Content::seq("t:Base", &[]).attrs(&[A::req("Id", NS_NONE).lex(&CODE)]);
        static T: Content = Content::seq("t:T", &[])
            .base(&BASE)
            .attrs(&[A::opt("Key", NS_NONE)]);
        assert!(write(&T, true, |w| w.attr("Id", &"ab".to_string())).is_ok());
        let e = write(&T, true, |w| w.attr("Id", &"abcd".to_string())).unwrap_err();
        assert!(
            e.to_string()
                .contains("attribute `Id` value \"abcd\": [facet 'maxLength']"),
            "{e}"
        );
        static TEXT: Content = Content::seq("t:Text", &[])
            .model(crate::rt::content::Model::Simple)
            .text(&CODE);
        static DERIVED: Content = Content::seq("t:Derived", &[])
            .model(crate::rt::content::Model::Simple)
            .base(&TEXT);
        let e = write(&DERIVED, true, |w| w.text(&"a".to_string())).unwrap_err();
        assert_eq!(e.path, "/Root");
        assert!(e.to_string().contains("[facet 'minLength']"), "{e}");
        assert!(write(&DERIVED, true, |w| w.text(&"abc".to_string())).is_ok());
    }

    #[test]
    fn wildcards_take_elements_of_their_namespaces() {
        static ANY: P = P::any(Wild::Other(0), 0, 1);
        static OPEN: Content = Content::seq("t:Open", &[ANY]);
        let raw = |ns: &str| RawElement {
            name: "Extra".into(),
            namespace: Some(ns.into()),
            prefix: Some("x".into()),
            ..Default::default()
        };
        assert!(write(&OPEN, true, |w| w.one_at(&raw("urn:other"), "", &ANY)).is_ok());
        let e = write(&OPEN, true, |w| w.one_at(&raw("urn:test"), "", &ANY)).unwrap_err();
        assert_eq!(e.path, "/Root/Extra");
        assert!(
            e.to_string().contains(
                "unexpected element <Extra> (namespace `urn:test`); expected an element in a namespace other than `urn:test`"
            ),
            "{e}"
        );
        // The rule is the wildcard's: a raw element written later, elsewhere, is not held to it.
        assert!(write(&OPEN, true, |w| {
            w.opt_at::<RawElement>(&None, "", &ANY);
            raw("urn:test").write(w);
        })
        .is_ok());
    }
}
