//! Paging: operations whose request takes an indexed page view (`IndexedPageItemView`,
//! `IndexedPageFolderView`: `Offset`, `BasePoint`, `MaxEntriesReturned`) and whose response
//! messages report `IndexedPagingOffset` and `IncludesLastItemInRange` (`FindItem`,
//! `FindFolder`). The generator finds them from the schema's shapes and implements
//! [`Paged`] for their requests; the client (`client::Client::pages`) turns one request
//! into a stream of pages and of items.

use crate::OperationMessages;

/// Where a page stands in the whole view, as a response message reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct PageInfo {
    /// `IndexedPagingOffset`: the offset of the next page.
    pub indexed_paging_offset: Option<i32>,
    /// `IncludesLastItemInRange`: whether this page holds the last item.
    pub includes_last_item_in_range: Option<bool>,
    /// `TotalItemsInView`: how many items the whole view holds.
    pub total_items_in_view: Option<i32>,
}

/// An operation whose results come in pages (generated).
pub trait Paged: OperationMessages {
    /// An item of a page (for `FindItem`, the choice of item elements, whose
    /// `AsRef<ItemType>` gives the item's common part).
    type Item;
    /// Sets the request's indexed page view: `max_entries` items from `offset`, counted from
    /// the beginning.
    fn set_page(&mut self, offset: i32, max_entries: i32);
    /// The paging attributes of a message (`None` when it has none: an error message).
    fn page_info(message: &Self::Message) -> Option<PageInfo>;
    /// The items of a message, in document order (the items of every group, for a grouped
    /// view).
    fn into_items(message: Self::Message) -> Vec<Self::Item>;
}
