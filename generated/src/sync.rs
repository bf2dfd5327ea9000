//! Synchronization: operations whose request sends a `SyncState` and whose response
//! message returns the next one with `IncludesLastItemInRange` (or
//! `IncludesLastFolderInRange`) and a list of changes (`SyncFolderItems`,
//! `SyncFolderHierarchy`). The generator implements [`Synced`] for their requests; the
//! client (`client::Client::sync`) turns one request into a stream of changes that hands
//! back each `SyncState` as soon as it is final.

use crate::OperationMessages;

/// An operation that synchronizes with a `SyncState` (generated).
pub trait Synced: OperationMessages {
    /// A change (a choice of create, update, delete, read flag change...).
    type Change;
    /// Sets the request's `SyncState` (`None`: from the start).
    fn set_sync_state(&mut self, state: Option<String>);
    /// The `SyncState` a message returns.
    fn sync_state(message: &Self::Message) -> Option<&str>;
    /// Whether the message holds the last change (`IncludesLastItemInRange`).
    fn includes_last(message: &Self::Message) -> Option<bool>;
    /// The changes of a message, in document order.
    fn into_changes(message: Self::Message) -> Vec<Self::Change>;
}
