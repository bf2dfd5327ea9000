//! Batches: operations taking a list of ids (`GetItem`'s `ItemIds`, `GetFolder`'s
//! `FolderIds`, `DeleteItem`, `MoveItem`...) and answering with one response message per
//! id. The generator implements [`Batched`] for their requests; the client
//! (`client::Client::batch`) sends any number of ids in batches of a chosen size.

use crate::OperationMessages;

/// An operation on a list of ids, one response message per id (generated).
pub trait Batched: OperationMessages {
    /// An id (for `GetItem`, the choice of `ItemId`, `OccurrenceItemId`...).
    type Id;
    /// The request's list of ids.
    fn ids_mut(&mut self) -> &mut Vec<Self::Id>;
}
