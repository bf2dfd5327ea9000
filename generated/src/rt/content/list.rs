//! Wrapper elements read straight into a `Vec`: a complex type whose whole content is one
//! repeated element or choice (`t:ArrayOfRecipientsType`: `<t:Mailbox>` any number of
//! times) is not a type of the API; the field holding it is the list of its items. The
//! wrapper's table ([`List`]) still describes its content, so reading checks it exactly as
//! it checks a complex type's (occurrences, unexpected elements, strict text), and writing
//! puts the wrapper element back around the items.

use crate::rt::error::Result;
use crate::rt::xml::Writer;

use super::reader::Reader;
use super::value::Value;
use super::{read_element, Content, Res, Sink, P};

/// The table of a wrapper type: its content (one repeated particle, no attributes) and the
/// tag its items are written with (empty for a choice, whose values know their tags).
#[derive(Debug)]
pub struct List {
    /// The wrapper type's table.
    pub content: Content,
    /// The items' qualified element name as written, or empty.
    pub item: &'static str,
}

impl List {
    /// The table of wrapper type `name` (`t:ArrayOfRecipientsType`) whose content is
    /// `particle`, its items written as `item`.
    pub const fn of(name: &'static str, particle: &'static [P], item: &'static str) -> List {
        List {
            content: Content::seq(name, particle),
            item,
        }
    }
}

/// Stores each item read into the list.
struct Items<'a, T>(&'a mut Vec<T>);

impl<T: Value> Sink for Items<'_, T> {
    #[inline]
    fn particle(&mut self, _depth: usize, _i: usize, r: &mut Reader<'_>) -> Result<()> {
        self.0.push(T::read_value(r)?);
        Ok(())
    }
}

/// Reads a wrapper element's items (the reader stands on the wrapper element).
pub fn read_list<T: Value>(r: &mut Reader<'_>, list: &'static List) -> Result<Vec<T>> {
    let mut items = Vec::new();
    read_items(r, list, &mut items)?;
    Ok(items)
}

fn read_items<T: Value>(r: &mut Reader<'_>, list: &'static List, items: &mut Vec<T>) -> Res {
    stacker::maybe_grow(128 * 1024, 4 * 1024 * 1024, || {
        read_element(r, &list.content, &mut Items(items))
    })
}

/// Reads a required wrapper element into its field.
#[inline]
pub fn set_list<T: Value>(r: &mut Reader<'_>, slot: &mut Vec<T>, list: &'static List) -> Res {
    slot.clear();
    read_items(r, list, slot)
}

/// Reads an optional wrapper element into its field; a second occurrence is an error.
#[inline]
pub fn fill_list<T: Value>(
    r: &mut Reader<'_>,
    slot: &mut Option<Vec<T>>,
    list: &'static List,
) -> Res {
    if slot.is_some() {
        return r.repeated("another element");
    }
    *slot = Some(read_list(r, list)?);
    Ok(())
}

/// Writes a wrapper element `tag` holding `items`.
#[inline]
pub fn write_list<T: Value>(w: &mut Writer, items: &[T], tag: &str, list: &'static List) {
    w.start(tag);
    w.set_content(&list.content);
    match list.content.particles {
        [p] => w.all_at(items, list.item, p),
        _ => w.all(items, list.item),
    }
    w.end(tag);
}

/// Writes an optional wrapper element: nothing for `None`, the element (empty or not) for
/// `Some`.
#[inline]
pub fn write_list_opt<T: Value>(
    w: &mut Writer,
    items: &Option<Vec<T>>,
    tag: &str,
    list: &'static List,
) {
    if let Some(items) = items {
        write_list(w, items, tag, list);
    }
}
