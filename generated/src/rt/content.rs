//! The generic content reader and writer: generated types describe their attributes and
//! content model as constant tables ([`Content`], [`P`]) and implement a few small methods
//! that store or write one field; the loops, the positional matching of a sequence, the
//! occurrence checks and the error paths are written once, here.
//!
//! A type derived by extension holds its base as a field: its table names the base's
//! table, and the reader walks the base's particles first, then its own (XML Schema
//! appends an extension's particles to its base's).

use super::any::RawAttribute;
use super::error::{ErrorKind, Result};
use super::facets::Lex;
#[cfg(doc)]
use super::reader::NS_OTHER;
use super::reader::{Attr, Reader, UnknownElements, NS_NONE};
use super::value::Value;
use super::writer::Writer;

/// `maxOccurs="unbounded"`.
pub const UNBOUNDED: u32 = u32::MAX;

/// The deepest chain of extensions a type may have (EWS uses four).
pub const MAX_BASES: usize = 16;

/// The namespaces an `xs:any` (or `xs:anyAttribute`) accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wild {
    /// No wildcard.
    None,
    /// `##any`.
    Any,
    /// `##other`: any namespace but the target namespace (id given) and no namespace.
    Other(u8),
    /// A list of namespace ids (`##local` is [`NS_NONE`], `##targetNamespace` the target's
    /// id; [`NS_OTHER`] when the list names a namespace the generated code does not know).
    List(&'static [u8]),
}

impl Wild {
    /// Whether an element or attribute in namespace `ns` is accepted.
    #[inline]
    pub fn accepts(self, ns: u8) -> bool {
        match self {
            Wild::None => false,
            Wild::Any => true,
            Wild::Other(target) => ns != target && ns != NS_NONE,
            Wild::List(list) => list.contains(&ns),
        }
    }
}

/// What a particle matches.
#[derive(Debug, Clone, Copy)]
pub enum Term {
    /// One element: local name and namespace id.
    El(&'static str, u8),
    /// Any of these elements (a choice, a substitution group or a group's first elements),
    /// or an element the wildcard accepts.
    Names(&'static [(&'static str, u8)], Wild),
}

/// A particle of a sequence: what it matches and how often.
#[derive(Debug, Clone, Copy)]
pub struct P {
    /// What it matches.
    pub term: Term,
    /// `minOccurs`.
    pub min: u32,
    /// `maxOccurs` ([`UNBOUNDED`] for unbounded).
    pub max: u32,
    /// What strict reading checks on the text of a simple-typed element.
    pub lex: Option<&'static Lex>,
}

impl P {
    /// The same particle, its text checked by strict reading against `lex`.
    pub const fn lex(self, lex: &'static Lex) -> P {
        P {
            lex: Some(lex),
            ..self
        }
    }

    /// One element.
    pub const fn el(local: &'static str, ns: u8, min: u32, max: u32) -> P {
        P {
            term: Term::El(local, ns),
            min,
            max,
            lex: None,
        }
    }

    /// A choice, substitution group or group, by the elements it can start with.
    pub const fn of(first: First, min: u32, max: u32) -> P {
        P {
            term: Term::Names(first.names, first.any),
            min,
            max,
            lex: None,
        }
    }

    /// A wildcard (`xs:any`).
    pub const fn any(wild: Wild, min: u32, max: u32) -> P {
        P {
            term: Term::Names(&[], wild),
            min,
            max,
            lex: None,
        }
    }

    #[inline]
    fn accepts(&self, local: &str, ns: u8) -> bool {
        match self.term {
            Term::El(l, n) => n == ns && l == local,
            Term::Names(names, wild) => {
                names.iter().any(|(l, n)| *n == ns && *l == local) || wild.accepts(ns)
            }
        }
    }

    fn names_into(&self, out: &mut Vec<(&'static str, u8)>) {
        match self.term {
            Term::El(l, n) => out.push((l, n)),
            Term::Names(names, _) => out.extend_from_slice(names),
        }
    }
}

/// The elements a choice, substitution group or sequence group can start with.
#[derive(Debug, Clone, Copy)]
pub struct First {
    /// Element names.
    pub names: &'static [(&'static str, u8)],
    /// A wildcard it can start with.
    pub any: Wild,
}

/// An attribute of a complex type.
#[derive(Debug, Clone, Copy)]
pub struct A {
    /// Local name.
    pub local: &'static str,
    /// Namespace id ([`NS_NONE`] for an unqualified attribute).
    pub ns: u8,
    /// `use="required"`.
    pub required: bool,
    /// What strict reading checks on the value (whitespace, facets, `fixed`).
    pub lex: Option<&'static Lex>,
}

impl A {
    /// The same attribute, its value checked by strict reading against `lex`.
    pub const fn lex(self, lex: &'static Lex) -> A {
        A {
            lex: Some(lex),
            ..self
        }
    }

    /// An optional attribute.
    pub const fn opt(local: &'static str, ns: u8) -> A {
        A {
            local,
            ns,
            required: false,
            lex: None,
        }
    }

    /// A required attribute.
    pub const fn req(local: &'static str, ns: u8) -> A {
        A {
            local,
            ns,
            required: true,
            lex: None,
        }
    }
}

/// How a complex type's children are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Model {
    /// A sequence of particles, in order.
    Seq,
    /// `xs:all`: the particles in any order.
    All,
    /// Simple content: text (the type's `value`).
    Simple,
    /// Mixed content: particles in order, text between them.
    Mixed,
}

/// The table of a complex type, or of a sequence group.
#[derive(Debug)]
pub struct Content {
    /// The type's schema name, for messages.
    pub name: &'static str,
    /// The base type's table, for a type derived by extension.
    pub base: Option<&'static Content>,
    /// Own attributes.
    pub attrs: &'static [A],
    /// Attributes the type leaves open (`xs:anyAttribute`).
    pub any_attr: Wild,
    /// Own particles.
    pub particles: &'static [P],
    /// How the children are read.
    pub model: Model,
    /// What strict reading checks on simple content (declared by this type).
    pub text: Option<&'static Lex>,
    /// The type keeps an `xsi:type` naming the element's own type (the root of a chain of
    /// extensions; the types derived from it keep it in their base).
    pub xsi_type: bool,
}

impl Content {
    /// A table with no attributes and a sequence of particles.
    pub const fn seq(name: &'static str, particles: &'static [P]) -> Content {
        Content {
            name,
            base: None,
            attrs: &[],
            any_attr: Wild::None,
            particles,
            model: Model::Seq,
            text: None,
            xsi_type: false,
        }
    }

    /// The same table with a base type's.
    pub const fn base(self, base: &'static Content) -> Content {
        Content {
            base: Some(base),
            ..self
        }
    }

    /// The same table with attributes.
    pub const fn attrs(self, attrs: &'static [A]) -> Content {
        Content { attrs, ..self }
    }

    /// The same table with open attributes.
    pub const fn any_attr(self, any_attr: Wild) -> Content {
        Content { any_attr, ..self }
    }

    /// The same table read as `model`.
    pub const fn model(self, model: Model) -> Content {
        Content { model, ..self }
    }

    /// The same table, keeping `xsi:type` (see [`Content::xsi_type`]).
    pub const fn xsi_type(self) -> Content {
        Content {
            xsi_type: true,
            ..self
        }
    }

    /// The same table of simple content, its text checked by strict reading against `lex`.
    pub const fn text(self, lex: &'static Lex) -> Content {
        Content {
            text: Some(lex),
            ..self
        }
    }
}

/// The result of storing one field.
pub type Res = Result<()>;

/// The attribute index by which the reader tells the root of a chain of extensions that the
/// element named its own type with `xsi:type`.
pub const XSI_TYPE: usize = usize::MAX;

/// Records that the element named its own type with `xsi:type`.
#[inline]
pub fn xsi_type(slot: &mut bool) -> Res {
    *slot = true;
    Ok(())
}

/// A value to read into: everything optional absent, every required part a placeholder
/// that reading replaces (or reports missing). Every type with a `Default` has one.
pub trait Blank {
    /// The placeholder value.
    fn blank() -> Self;
}

impl<T: Default> Blank for T {
    #[inline]
    fn blank() -> Self {
        T::default()
    }
}

/// Where a value read stores what the tables describe. Generated types implement it with
/// one `match` arm per field; `depth` counts extension steps from the type itself (0) to
/// the base that declares the field.
pub trait Sink {
    /// Reads particle `i` of the type at `depth` into its field (the reader stands on the
    /// element).
    fn particle(&mut self, depth: usize, i: usize, r: &mut Reader<'_>) -> Result<()> {
        let _ = depth;
        no_field(r, i)
    }
    /// Stores attribute `i` of the type at `depth`.
    fn attr(&mut self, depth: usize, i: usize, a: &Attr<'_, '_>) -> Result<()> {
        let _ = (depth, i);
        a.unexpected()
    }
    /// Keeps an attribute the type at `depth` leaves open.
    fn other_attr(&mut self, depth: usize, a: RawAttribute) {
        let _ = (depth, a);
    }
    /// Reads the simple content (the reader stands on the element, attributes read).
    fn text(&mut self, r: &mut Reader<'_>) -> Result<()> {
        Err(r.error(ErrorKind::Other("this type has no simple content".into())))
    }
    /// Keeps the text before a child (and after the last) of mixed content.
    fn mixed(&mut self, text: String) {
        let _ = text;
    }
}

/// A complex type: its table and how its fields are written.
pub trait Complex: Sink + Blank + Sized {
    /// The type's table.
    const CONTENT: &'static Content;
    /// Writes the attributes (the base's first).
    fn write_attrs(&self, w: &mut Writer) {
        let _ = w;
    }
    /// Writes the content (the base's first).
    fn write_content(&self, w: &mut Writer) {
        let _ = w;
    }
}

/// Stack kept free before reading nested content, and the size of each new segment.
const STACK_RED_ZONE: usize = 128 * 1024;
const STACK_SEGMENT: usize = 4 * 1024 * 1024;

/// Whether the complex type of `table` (or one of its bases) declares the attribute, or
/// leaves it open; a value without a table declares none.
pub fn declares(table: Option<&'static Content>, local: &str, ns: u8) -> bool {
    let mut t = table;
    while let Some(c) = t {
        if c.attrs.iter().any(|a| a.local == local && a.ns == ns) || c.any_attr.accepts(ns) {
            return true;
        }
        t = c.base;
    }
    false
}

/// Reads a complex type's element (the reader stands on it).
#[inline]
pub fn read_complex<T: Complex>(r: &mut Reader<'_>) -> Result<T> {
    let mut v = T::blank();
    // Content may nest deeply (t:SearchExpression through And/Or/Not): the stack grows on
    // the heap when little of it is left, so only `ReadOptions::max_depth` bounds nesting.
    stacker::maybe_grow(STACK_RED_ZONE, STACK_SEGMENT, || {
        read_element(r, T::CONTENT, &mut v)
    })?;
    Ok(v)
}

/// Writes a complex type's element.
#[inline]
pub fn write_complex<T: Complex>(v: &T, w: &mut Writer, tag: &str) {
    w.start(tag);
    w.set_type(T::CONTENT.name);
    v.write_attrs(w);
    v.write_content(w);
    w.end(tag);
}

/// A sequence that repeats or is optional as a whole: read in place, without an element
/// of its own.
pub trait Group: Sink + Blank + Sized {
    /// The group's table.
    const CONTENT: &'static Content;
    /// The elements it can start with.
    const FIRST: First;
    /// Writes the group's elements.
    fn write_content(&self, w: &mut Writer);
}

/// Reads one occurrence of a group (the reader stands on its first element).
pub fn read_group<T: Group>(r: &mut Reader<'_>) -> Result<T> {
    let mut v = T::blank();
    let chain = [T::CONTENT];
    read_particles(r, &chain, &mut v, true)?;
    Ok(v)
}

/// The chain of tables from the root base to `c`.
#[inline]
fn chain(r: &Reader<'_>, c: &'static Content) -> Result<([&'static Content; MAX_BASES], usize)> {
    let mut out = [c; MAX_BASES];
    if c.base.is_none() {
        return Ok((out, 1));
    }
    let mut n = 0;
    let mut cur = Some(c);
    while let Some(t) = cur {
        if n == MAX_BASES {
            return Err(r.error(ErrorKind::Other(format!(
                "{} derives through more than {MAX_BASES} types",
                c.name
            ))));
        }
        out[n] = t;
        n += 1;
        cur = t.base;
    }
    out[..n].reverse();
    Ok((out, n))
}

/// Reads the element the reader stands on: attributes, then content, through its end tag.
pub fn read_element(r: &mut Reader<'_>, c: &'static Content, v: &mut dyn Sink) -> Result<()> {
    let (segs, n) = chain(r, c)?;
    let segs = &segs[..n];
    let strict = r.strict();
    if strict {
        r.lex = None;
        r.check_nil()?;
    }
    // Most elements carry no attribute: then only required ones need a look.
    let typed = std::mem::take(&mut r.typed);
    if r.no_attributes() {
        for seg in segs {
            if let Some(d) = seg.attrs.iter().find(|d| d.required) {
                return Err(r.error(ErrorKind::MissingAttribute(d.local.to_string())));
            }
        }
    } else {
        read_attributes(r, segs, v)?;
        // An element read by the `xsi:type` it carries (an abstract element's) does not
        // name its own type: the choice it was read into writes that `xsi:type` back.
        if segs[0].xsi_type && !typed {
            if r.names_type(c.name)? {
                v.attr(n - 1, XSI_TYPE, &r.xsi_type_attr())?;
            }
        } else if !strict && !typed && r.names_type(c.name)? {
            r.note_xsi_type_not_kept(c.name);
        }
    }
    if c.model == Model::Simple {
        if strict {
            r.lex = segs.iter().rev().find_map(|s| s.text);
        }
        return v.text(r);
    }
    r.enter()?;
    read_particles(r, segs, v, false)?;
    r.leave()
}

fn read_attributes(r: &mut Reader<'_>, segs: &[&'static Content], v: &mut dyn Sink) -> Result<()> {
    let n = segs.len();
    let mut seen: u64 = 0;
    {
        let mut it = r.attributes();
        'attrs: while let Some(a) = it.next_attr()? {
            let (local, ns) = (a.local(), a.ns());
            let mut off = 0;
            for (j, seg) in segs.iter().enumerate() {
                for (i, d) in seg.attrs.iter().enumerate() {
                    if d.ns == ns && d.local == local {
                        if off + i < 64 {
                            seen |= 1 << (off + i);
                        }
                        if let Some(lex) = d.lex {
                            if it.strict() {
                                a.check(lex)?;
                            }
                        }
                        v.attr(n - 1 - j, i, &a)?;
                        continue 'attrs;
                    }
                }
                off += seg.attrs.len();
            }
            for (j, seg) in segs.iter().enumerate().rev() {
                if seg.any_attr.accepts(ns) {
                    v.other_attr(n - 1 - j, a.to_raw());
                    continue 'attrs;
                }
            }
            if it.strict() {
                return a.unexpected();
            }
            r.note_skipped_attribute(a.qname());
        }
    }
    let mut off = 0;
    for seg in segs {
        for (i, d) in seg.attrs.iter().enumerate() {
            if d.required && (off + i >= 64 || seen & (1 << (off + i)) == 0) {
                let missing = off + i >= 64 && !attr_present(r, d);
                if off + i < 64 || missing {
                    return Err(r.error(ErrorKind::MissingAttribute(d.local.to_string())));
                }
            }
        }
        off += seg.attrs.len();
    }
    Ok(())
}

/// Whether the current element carries attribute `d` (for types with more than 64).
fn attr_present(r: &Reader<'_>, d: &A) -> bool {
    let mut it = r.attributes();
    while let Ok(Some(a)) = it.next_attr() {
        if a.ns() == d.ns && a.local() == d.local {
            return true;
        }
    }
    false
}

/// A position in the chain of particle lists: segment, particle, occurrences read.
#[derive(Clone, Copy)]
struct Pos {
    seg: usize,
    p: usize,
    count: u32,
}

/// Reads children positionally: each element must match the current particle or a later
/// one (the particles skipped must allow it); under the default open-world reading an
/// element that belongs to an earlier particle is still read into its field and the
/// repair recorded. A group stops at the first element that does not continue it.
fn read_particles(
    r: &mut Reader<'_>,
    segs: &[&'static Content],
    v: &mut dyn Sink,
    group: bool,
) -> Result<()> {
    let n = segs.len();
    let mixed = segs[n - 1].model == Model::Mixed;
    let all = segs[n - 1].model == Model::All;
    let strict = r.options().unknown_elements == UnknownElements::Error;
    let mut pos = Pos {
        seg: 0,
        p: 0,
        count: 0,
    };
    // Required particles passed over without an occurrence (open-world reading only).
    let mut passed: Vec<(usize, usize)> = Vec::new();
    // `xs:all`: occurrences of each particle of the last segment.
    let mut counts: Vec<u32> = if all {
        vec![0; segs[n - 1].particles.len()]
    } else {
        Vec::new()
    };
    let mut text = String::new();
    loop {
        let more = if mixed {
            let more = r.peek_mixed(&mut text)?;
            v.mixed(std::mem::take(&mut text));
            more
        } else {
            r.peek()?
        };
        if !more {
            break;
        }
        if all {
            if let Some((s, p)) = find_any(segs, r.local(), r.ns()) {
                if s == n - 1 {
                    counts[p] += 1;
                    if counts[p] > segs[s].particles[p].max && strict {
                        return Err(r.error(ErrorKind::TooManyElements(r.qname().to_string())));
                    }
                }
                read_particle(r, v, segs, s, p, strict)?;
                continue;
            }
            if group {
                break;
            }
            unexpected(r, segs)?;
            continue;
        }
        match find_forward(segs, pos, r.local(), r.ns()) {
            Some((to, skipped)) => {
                if skipped {
                    if strict {
                        let (s, p) = first_unsatisfied(segs, pos, to);
                        return Err(missing_before(r, segs, s, p));
                    }
                    note_passed(segs, pos, to, &mut passed);
                }
                pos = to;
                read_particle(r, v, segs, pos.seg, pos.p, strict)?;
                pos.count += 1;
            }
            None if group => break,
            None => {
                if !strict {
                    if let Some((s, p)) = find_before(segs, pos, r.local(), r.ns()) {
                        r.note_out_of_order();
                        passed.retain(|x| *x != (s, p));
                        read_particle(r, v, segs, s, p, strict)?;
                        continue;
                    }
                }
                unexpected(r, segs)?;
            }
        }
    }
    if all {
        // Every particle of `xs:all` occurs at most once; a required one at least once.
        if let Some(p) = (0..counts.len()).find(|p| counts[*p] < segs[n - 1].particles[*p].min) {
            return Err(missing(r, segs, n - 1, p));
        }
        return Ok(());
    }
    // Every required particle from here on, and every one passed over, is missing.
    if let Some((s, p)) = passed.first() {
        return Err(missing(r, segs, *s, *p));
    }
    let mut at = pos;
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
            return Err(missing(r, segs, at.seg, at.p));
        }
        at.p += 1;
        at.count = 0;
    }
    Ok(())
}

/// Reads particle `p` of segment `s` into its field; strict reading first tells the reader
/// what the element's text must satisfy.
#[inline]
fn read_particle(
    r: &mut Reader<'_>,
    v: &mut dyn Sink,
    segs: &[&'static Content],
    s: usize,
    p: usize,
    strict: bool,
) -> Result<()> {
    if strict {
        r.lex = segs[s].particles[p].lex;
        r.nil_ok = false;
        let res = v.particle(segs.len() - 1 - s, p, r);
        r.lex = None;
        res
    } else {
        v.particle(segs.len() - 1 - s, p, r)
    }
}

/// The first particle at or after `from` that accepts the element and has room, and
/// whether a required particle is passed over on the way.
#[inline]
fn find_forward(segs: &[&'static Content], from: Pos, local: &str, ns: u8) -> Option<(Pos, bool)> {
    let mut at = from;
    let mut skipped = false;
    while at.seg < segs.len() {
        let parts = segs[at.seg].particles;
        if at.p >= parts.len() {
            at = Pos {
                seg: at.seg + 1,
                p: 0,
                count: 0,
            };
            continue;
        }
        let part = &parts[at.p];
        if at.count < part.max && part.accepts(local, ns) {
            return Some((at, skipped));
        }
        skipped |= at.count < part.min;
        at.p += 1;
        at.count = 0;
    }
    None
}

/// A particle before `before` that accepts the element (an element out of order).
fn find_before(
    segs: &[&'static Content],
    before: Pos,
    local: &str,
    ns: u8,
) -> Option<(usize, usize)> {
    for (s, seg) in segs.iter().enumerate().take(before.seg + 1) {
        let parts = seg.particles;
        let end = if s == before.seg {
            before.p.min(parts.len())
        } else {
            parts.len()
        };
        for (p, part) in parts[..end].iter().enumerate() {
            if part.accepts(local, ns) {
                return Some((s, p));
            }
        }
    }
    None
}

/// Any particle that accepts the element (`xs:all`).
fn find_any(segs: &[&'static Content], local: &str, ns: u8) -> Option<(usize, usize)> {
    for (s, seg) in segs.iter().enumerate() {
        for (p, part) in seg.particles.iter().enumerate() {
            if part.accepts(local, ns) {
                return Some((s, p));
            }
        }
    }
    None
}

/// The first required particle from `from` (its occurrences counted) up to `to` without
/// enough occurrences.
fn first_unsatisfied(segs: &[&'static Content], from: Pos, to: Pos) -> (usize, usize) {
    let mut out = Vec::new();
    note_passed(segs, from, to, &mut out);
    out.first().copied().unwrap_or((from.seg, from.p))
}

/// Records the required particles passed over between `from` and `to`.
fn note_passed(segs: &[&'static Content], from: Pos, to: Pos, out: &mut Vec<(usize, usize)>) {
    let mut at = from;
    while (at.seg, at.p) < (to.seg, to.p) {
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
            out.push((at.seg, at.p));
        }
        at.p += 1;
        at.count = 0;
    }
}

fn particle_name(segs: &[&'static Content], s: usize, p: usize) -> String {
    let mut names = Vec::new();
    segs[s].particles[p].names_into(&mut names);
    match names.as_slice() {
        [(l, _)] => (*l).to_string(),
        [] => "any element".to_string(),
        names => names
            .iter()
            .map(|(l, _)| *l)
            .collect::<Vec<_>>()
            .join(" or "),
    }
}

fn missing(r: &Reader<'_>, segs: &[&'static Content], s: usize, p: usize) -> super::error::Error {
    r.missing_error(ErrorKind::MissingElement(particle_name(segs, s, p)))
}

fn missing_before(
    r: &Reader<'_>,
    segs: &[&'static Content],
    s: usize,
    p: usize,
) -> super::error::Error {
    r.error(ErrorKind::UnexpectedElement {
        name: r.local().to_string(),
        namespace: r.ns_uri(),
        expected: format!("<{}> first", particle_name(segs, s, p)),
    })
}

/// An element no particle accepts: an error naming what was expected, or (open world) a
/// recorded skip.
fn unexpected(r: &mut Reader<'_>, segs: &[&'static Content]) -> Result<()> {
    let mut expected: Vec<(&str, u8)> = Vec::new();
    for seg in segs {
        for part in seg.particles {
            part.names_into(&mut expected);
        }
    }
    let mut seen = Vec::new();
    expected.retain(|e| {
        let new = !seen.contains(e);
        seen.push(*e);
        new
    });
    r.unexpected(&expected)
}

/// Reads a value of a particle into an optional field; a second occurrence is an error.
#[inline]
pub fn fill<T: Value>(r: &mut Reader<'_>, slot: &mut Option<T>) -> Result<()> {
    if slot.is_some() {
        return Err(r.error(ErrorKind::TooManyElements(r.qname().to_string())));
    }
    *slot = Some(T::read_value(r)?);
    Ok(())
}

/// Reads a value.
#[inline]
pub fn read<T: Value>(r: &mut Reader<'_>) -> Result<T> {
    T::read_value(r)
}

/// Reads a simple-typed value whose text strict reading checks against `lex` (a choice's
/// alternative; sequences name it in their tables).
#[inline]
pub fn read_lex<T: Value>(r: &mut Reader<'_>, lex: &'static Lex) -> Result<T> {
    if r.strict() {
        r.lex = Some(lex);
        let v = T::read_value(r);
        r.lex = None;
        v
    } else {
        T::read_value(r)
    }
}

/// Reads the type an abstract element's `xsi:type` chose (the element keeps its `xsi:type`
/// through the value it reads into).
#[inline]
pub fn read_typed<T: Value>(r: &mut Reader<'_>) -> Result<T> {
    r.typed = true;
    T::read_value(r)
}

/// Whether the text form of `v` satisfies `lex` (a union member's facets).
pub fn lex_ok<T: super::value::Text>(lex: &Lex, v: &T) -> bool {
    let mut s = String::new();
    v.write_text(&mut s);
    lex.check(&s).is_ok()
}

/// Reads the simple content of the current element (attributes read) into a field.
#[inline]
pub fn set_text<T: super::value::Text>(r: &mut Reader<'_>, slot: &mut T) -> Res {
    *slot = super::value::read_simple_content(r)?;
    Ok(())
}

/// Stores an optional attribute.
#[inline]
pub fn attr_opt<T: super::value::Text>(a: &Attr<'_, '_>, slot: &mut Option<T>) -> Result<()> {
    *slot = Some(a.value()?);
    Ok(())
}

/// Stores a required attribute.
#[inline]
pub fn attr_set<T: super::value::Text>(a: &Attr<'_, '_>, slot: &mut T) -> Result<()> {
    *slot = a.value()?;
    Ok(())
}

/// The error for a particle or attribute index a type does not have (a table and its
/// methods disagree: a bug in generated code).
#[cold]
pub fn no_field<T>(r: &Reader<'_>, i: usize) -> Result<T> {
    Err(r.error(ErrorKind::Other(format!(
        "no field for particle or attribute {i}"
    ))))
}

/// An enumeration: its values as written, and its variant keeping values it does not list.
pub trait Enumeration: Clone + PartialEq + Sized + 'static {
    /// Every listed value, as written, with its variant.
    const VALUES: &'static [(&'static str, Self)];
    /// Whether whitespace is collapsed before matching (`xs:token` bases); otherwise the
    /// text must match exactly (`xs:string`).
    const COLLAPSE: bool;
    /// The variant keeping a value the schema does not list.
    fn unknown(value: String) -> Self;
    /// The value kept by that variant, if it is that variant.
    fn unknown_value(&self) -> Option<&str>;
}

/// The value of an enumeration as written.
#[inline]
pub fn enum_str<T: Enumeration>(v: &T) -> &str {
    if let Some(s) = v.unknown_value() {
        return s;
    }
    T::VALUES
        .iter()
        .find(|(_, x)| x == v)
        .map_or("", |(s, _)| s)
}

/// The variant of an enumeration written `s` (a value not listed is kept as sent).
#[inline]
pub fn enum_from<T: Enumeration>(s: &str) -> T {
    let key = if T::COLLAPSE { s.trim() } else { s };
    match T::VALUES.iter().find(|(x, _)| *x == key) {
        Some((_, v)) => v.clone(),
        None => T::unknown(s.to_string()),
    }
}

/// `as_str`, `Display`, `From<&str>` and the text conversions of an [`Enumeration`].
#[doc(hidden)]
#[macro_export]
macro_rules! __enumeration {
    ($t:ty) => {
        impl $t {
            /// The value as written in XML.
            pub fn as_str(&self) -> &str {
                $crate::__private::enum_str(self)
            }
        }
        impl ::core::fmt::Display for $t {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl ::core::convert::From<&str> for $t {
            /// The value written `s`; a value the schema does not list is kept as sent.
            fn from(s: &str) -> Self {
                $crate::__private::enum_from(s)
            }
        }
        impl $crate::__private::Text for $t {
            fn parse_text(s: &str) -> ::core::result::Result<Self, ::std::string::String> {
                ::core::result::Result::Ok($crate::__private::enum_from(s))
            }
            fn write_text(&self, out: &mut ::std::string::String) {
                out.push_str(self.as_str())
            }
            #[inline]
            fn is_listed(&self) -> bool {
                $crate::__private::Enumeration::unknown_value(self).is_none()
            }
        }
        $crate::text_value!($t);
    };
}

/// A choice or substitution group: the elements it starts with.
pub trait Choice {
    /// The elements (and wildcard) an alternative can start with.
    const FIRST: First;
}

/// Reads a value of a particle into a required field.
#[inline]
pub fn set<T: Value>(r: &mut Reader<'_>, slot: &mut T) -> Result<()> {
    *slot = T::read_value(r)?;
    Ok(())
}

/// Reads a value of a repeated particle.
#[inline]
pub fn push<T: Value>(r: &mut Reader<'_>, slot: &mut Vec<T>) -> Result<()> {
    slot.push(T::read_value(r)?);
    Ok(())
}

/// Reads the run of elements a repeated choice alternative takes: the element the reader
/// stands on and every following one it accepts.
pub fn read_run<T: Value>(r: &mut Reader<'_>, first: First) -> Result<Vec<T>> {
    let mut out = Vec::new();
    loop {
        out.push(T::read_value(r)?);
        if !r.peek()? {
            break;
        }
        let (local, ns) = (r.local(), r.ns());
        if !(first.names.iter().any(|(l, n)| *n == ns && *l == local) || first.any.accepts(ns)) {
            break;
        }
    }
    Ok(out)
}

/// The error for an element a choice does not offer.
pub fn no_alternative<T>(r: &Reader<'_>, first: First) -> Result<T> {
    Err(r.unexpected_error(first.names))
}

/// Reads a whole document whose root is any element `T` reads (a `GlobalElement`).
pub fn read_document<T: Value>(
    xml: &str,
    namespaces: super::reader::Namespaces,
    options: super::reader::ReadOptions,
) -> Result<T> {
    let mut r = Reader::with_options(xml, namespaces, options)?;
    let v = T::read_value(&mut r)?;
    r.finish()?;
    Ok(v)
}

/// Writes `v` (which knows its element name) as a document; the error names the element
/// holding a value XML 1.0 cannot carry.
pub fn write_document<T: Value>(v: &T, namespaces: super::reader::Namespaces) -> Result<String> {
    let mut w = Writer::new(namespaces);
    v.write_value(&mut w, "");
    w.finish()
}

/// Implements [`crate::rt::Element`] for the type of a global element:
/// `__element!(Type, "Name", "prefix:Name", ns_id, NAMESPACES)`.
#[doc(hidden)]
#[macro_export]
macro_rules! __element {
    ($t:ty, $name:expr, $tag:expr, $ns:expr, $namespaces:expr) => {
        impl $crate::rt::Element for $t {
            const NAME: &'static str = $name;
            const TAG: &'static str = $tag;
            const NS: u8 = $ns;
            const NAMESPACES: $crate::rt::Namespaces = $namespaces;
        }
    };
}

/// Implements [`Value`] for a [`Complex`] type.
#[doc(hidden)]
#[macro_export]
macro_rules! __complex {
    ($($t:ty),* $(,)?) => {$(
        impl $crate::__private::Value for $t {
            const TABLE: ::core::option::Option<&'static $crate::__private::Content> =
                ::core::option::Option::Some(<$t as $crate::__private::Complex>::CONTENT);
            #[inline]
            fn read_value(r: &mut $crate::__private::Reader<'_>) -> $crate::__private::Result<Self> {
                $crate::__private::read_complex(r)
            }
            #[inline]
            fn write_value(&self, w: &mut $crate::__private::Writer, tag: &str) {
                $crate::__private::write_complex(self, w, tag)
            }
        }
    )*};
}

/// Implements [`Value`] for a [`Group`] type.
#[doc(hidden)]
#[macro_export]
macro_rules! __group {
    ($($t:ty),* $(,)?) => {$(
        impl $crate::__private::Value for $t {
            #[inline]
            fn read_value(r: &mut $crate::__private::Reader<'_>) -> $crate::__private::Result<Self> {
                $crate::__private::read_group(r)
            }
            #[inline]
            fn write_value(&self, w: &mut $crate::__private::Writer, _tag: &str) {
                $crate::__private::Group::write_content(self, w)
            }
        }
    )*};
}

/// Composition for a type derived by extension: `Deref`/`DerefMut` to its base (the field
/// `$field`), `AsRef`/`AsMut` of the base, and `AsRef` of every further ancestor.
#[doc(hidden)]
#[macro_export]
macro_rules! __extends {
    ($t:ty, $field:ident: $base:ty $(, $ancestor:ty)* $(,)?) => {
        impl ::core::ops::Deref for $t {
            type Target = $base;
            #[inline]
            fn deref(&self) -> &$base {
                &self.$field
            }
        }
        impl ::core::ops::DerefMut for $t {
            #[inline]
            fn deref_mut(&mut self) -> &mut $base {
                &mut self.$field
            }
        }
        impl ::core::convert::AsRef<$base> for $t {
            #[inline]
            fn as_ref(&self) -> &$base {
                &self.$field
            }
        }
        impl ::core::convert::AsMut<$base> for $t {
            #[inline]
            fn as_mut(&mut self) -> &mut $base {
                &mut self.$field
            }
        }
        $(
            impl ::core::convert::AsRef<$ancestor> for $t {
                #[inline]
                fn as_ref(&self) -> &$ancestor {
                    ::core::convert::AsRef::<$ancestor>::as_ref(&self.$field)
                }
            }
            impl ::core::convert::AsMut<$ancestor> for $t {
                #[inline]
                fn as_mut(&mut self) -> &mut $ancestor {
                    ::core::convert::AsMut::<$ancestor>::as_mut(&mut self.$field)
                }
            }
        )*
    };
}

/// `AsRef`/`AsMut` of a common base for a choice whose alternatives all derive from it:
/// `__common_base!(Choice, Base; BoxedVariant, ...; InlineVariant, ...)`.
#[doc(hidden)]
#[macro_export]
macro_rules! __common_base {
    ($t:ty, $base:ty; $($b:ident),*; $($v:ident),* $(,)?) => {
        impl ::core::convert::AsRef<$base> for $t {
            #[inline]
            fn as_ref(&self) -> &$base {
                match self {
                    $(Self::$b(v) => $crate::__private::as_base::<_, $base>(&**v),)*
                    $(Self::$v(v) => $crate::__private::as_base::<_, $base>(v),)*
                }
            }
        }
        impl ::core::convert::AsMut<$base> for $t {
            #[inline]
            fn as_mut(&mut self) -> &mut $base {
                match self {
                    $(Self::$b(v) => $crate::__private::as_base_mut::<_, $base>(&mut **v),)*
                    $(Self::$v(v) => $crate::__private::as_base_mut::<_, $base>(v),)*
                }
            }
        }
    };
}

/// `AsRef<Self>`/`AsMut<Self>` for a type that is the common base of a choice.
#[doc(hidden)]
#[macro_export]
macro_rules! __as_self {
    ($($t:ty),* $(,)?) => {$(
        impl ::core::convert::AsRef<$t> for $t {
            #[inline]
            fn as_ref(&self) -> &$t {
                self
            }
        }
        impl ::core::convert::AsMut<$t> for $t {
            #[inline]
            fn as_mut(&mut self) -> &mut $t {
                self
            }
        }
    )*};
}

/// `AsRef` into a base, where the value may be the base itself.
#[inline]
pub fn as_base<T: AsRef<B> + ?Sized, B: ?Sized>(v: &T) -> &B {
    v.as_ref()
}

/// `AsMut` into a base, where the value may be the base itself.
#[inline]
pub fn as_base_mut<T: AsMut<B> + ?Sized, B: ?Sized>(v: &mut T) -> &mut B {
    v.as_mut()
}
