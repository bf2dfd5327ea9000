//! The engine: a complex type's element read through its table (attributes, then the
//! particles of its chain of bases and its own, matched in order, with the occurrence
//! checks and error paths written once) into the type's [`Sink`], and written through its
//! [`Complex`] methods; a group read in place.

use crate::rt::any::RawAttribute;
use crate::rt::error::{Error, ErrorKind, Result};
use crate::rt::xml::{names_list, Attr, RepairKind, Writer};

use super::reader::Reader;
use super::tables::{Content, First, Model, Term, Wild, A, MAX_BASES};

/// The attribute index by which the reader tells the root of a chain of extensions that the
/// element named its own type with `xsi:type`.
pub const XSI_TYPE: usize = usize::MAX;

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
    w.set_content(T::CONTENT);
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
        r.next.lex = None;
        r.check_nil()?;
    }
    // Most elements carry no attribute: then only required ones need a look.
    let typed = std::mem::take(&mut r.next.typed);
    if r.no_attributes() {
        for seg in segs {
            for d in seg.attrs.iter().filter(|d| d.required) {
                if strict {
                    return Err(r.error(ErrorKind::MissingAttribute(d.local.to_string())));
                }
                r.note(RepairKind::MissingAttribute(d.local.to_string()));
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
            r.next.lex = segs.iter().rev().find_map(|s| s.text);
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
                    if r.strict() {
                        return Err(r.error(ErrorKind::MissingAttribute(d.local.to_string())));
                    }
                    r.note(RepairKind::MissingAttribute(d.local.to_string()));
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
pub(super) struct Pos {
    pub(super) seg: usize,
    pub(super) p: usize,
    pub(super) count: u32,
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
    let strict = r.strict();
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
                    if counts[p] > segs[s].particles[p].max {
                        let next = all_next(segs, &counts);
                        r.repeated(&next)?;
                        continue;
                    }
                }
                read_particle(r, v, segs, s, p, strict)?;
                continue;
            }
            if group {
                break;
            }
            let next = all_next(segs, &counts);
            unexpected(r, segs, &next)?;
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
                let before = find_before(segs, pos, r.local(), r.ns());
                let next = next_names(segs, pos);
                if let Some((s, p)) = before {
                    if strict {
                        return Err(r.error(ErrorKind::MisplacedElement {
                            name: r.local().to_string(),
                            expected: next,
                        }));
                    }
                    r.note_out_of_order();
                    passed.retain(|x| *x != (s, p));
                    read_particle(r, v, segs, s, p, strict)?;
                    continue;
                }
                if current_accepts(segs, pos, r.local(), r.ns()) {
                    r.repeated(&next)?;
                    continue;
                }
                unexpected(r, segs, &next)?;
            }
        }
    }
    if all {
        // Every particle of `xs:all` occurs at most once; a required one at least once.
        for p in (0..counts.len()).filter(|p| counts[*p] < segs[n - 1].particles[*p].min) {
            missing(r, segs, n - 1, p, strict)?;
        }
        return Ok(());
    }
    // Every required particle from here on, and every one passed over, is missing.
    for (s, p) in passed {
        missing(r, segs, s, p, strict)?;
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
            missing(r, segs, at.seg, at.p, strict)?;
        }
        at.p += 1;
        at.count = 0;
    }
    Ok(())
}

/// Whether the particle the reading stands at accepts the element (it is then repeated
/// beyond its `maxOccurs`).
fn current_accepts(segs: &[&'static Content], at: Pos, local: &str, ns: u8) -> bool {
    segs.get(at.seg)
        .and_then(|s| s.particles.get(at.p))
        .is_some_and(|p| p.accepts(local, ns))
}

/// What may stand at `from`: the elements of the particles from there up to the first
/// required one still unsatisfied, or the end of the element.
fn next_names(segs: &[&'static Content], from: Pos) -> String {
    let mut names: Vec<(&str, u8)> = Vec::new();
    let mut at = from;
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
        if at.count < part.max {
            part.names_into(&mut names);
        }
        if at.count < part.min {
            return names_list(&names, false);
        }
        at.p += 1;
        at.count = 0;
    }
    names_list(&names, true)
}

/// What may stand next in `xs:all` content: every particle with room left.
fn all_next(segs: &[&'static Content], counts: &[u32]) -> String {
    let n = segs.len();
    let mut names: Vec<(&str, u8)> = Vec::new();
    for (s, seg) in segs.iter().enumerate() {
        for (p, part) in seg.particles.iter().enumerate() {
            if s + 1 < n || counts.get(p).is_some_and(|c| *c < part.max) {
                part.names_into(&mut names);
            }
        }
    }
    let end = (0..counts.len()).all(|p| counts[p] >= segs[n - 1].particles[p].min);
    names_list(&names, end)
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
    if let Term::Names(_, wild) = segs[s].particles[p].term {
        // An element a wildcard takes is kept raw: a name that is not an XML name is
        // refused by strict reading, and dropped (recorded) by the default one.
        if wild != Wild::None && !crate::rt::any::root_name_ok(r)? {
            return r.skip();
        }
    }
    if strict {
        let part = &segs[s].particles[p];
        r.next.lex = part.lex;
        r.next.nillable = false;
        r.next.validated = part.validated;
        let res = v.particle(segs.len() - 1 - s, p, r);
        r.next.lex = None;
        r.next.validated = None;
        res
    } else {
        v.particle(segs.len() - 1 - s, p, r)
    }
}

/// The first particle at or after `from` that accepts the element and has room, and
/// whether a required particle is passed over on the way.
#[inline]
pub(super) fn find_forward(
    segs: &[&'static Content],
    from: Pos,
    local: &str,
    ns: u8,
) -> Option<(Pos, bool)> {
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
pub(super) fn first_unsatisfied(segs: &[&'static Content], from: Pos, to: Pos) -> (usize, usize) {
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

pub(super) fn particle_name(segs: &[&'static Content], s: usize, p: usize) -> String {
    segs[s].particles[p].name()
}

/// A required particle without its element: an error in strict reading, a recorded
/// repair (the field left at its default) in the lenient one.
fn missing(
    r: &Reader<'_>,
    segs: &[&'static Content],
    s: usize,
    p: usize,
    strict: bool,
) -> Result<()> {
    if strict {
        let kind = ErrorKind::MissingElement(particle_name(segs, s, p));
        return Err(r.missing_error(kind));
    }
    r.note_missing(RepairKind::MissingElement(particle_name(segs, s, p)));
    Ok(())
}

fn missing_before(r: &Reader<'_>, segs: &[&'static Content], s: usize, p: usize) -> Error {
    r.error(ErrorKind::MisplacedElement {
        name: r.local().to_string(),
        expected: format!("<{}> before it", particle_name(segs, s, p)),
    })
}

/// An element no particle accepts: an error naming what may stand here (`next`), or
/// (open world) a recorded skip.
fn unexpected(r: &mut Reader<'_>, segs: &[&'static Content], next: &str) -> Result<()> {
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
    r.unexpected_next(&expected, next)
}

/// The error for a particle or attribute index a type does not have (a table and its
/// methods disagree: a bug in generated code).
#[cold]
pub fn no_field<T>(r: &Reader<'_>, i: usize) -> Result<T> {
    Err(r.error(ErrorKind::Other(format!(
        "no field for particle or attribute {i}"
    ))))
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
                $crate::__private::Group::write_content(self, w);
            }
        }
    )*};
}
