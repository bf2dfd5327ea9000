//! Synchronization: one request of a sync operation ([`crate::sync::Synced`]:
//! `SyncFolderItems`, `SyncFolderHierarchy`) as a stream of changes, batch after batch,
//! handing back each `SyncState` once the changes of its batch are out.

use std::collections::VecDeque;

use futures_core::Stream;
use futures_util::stream;

use super::call::Client;
use super::error::{message_error, own_messages, Error};
use crate::response::ResponseMessage as _;
use crate::sync::Synced;

/// What a sync stream hands out.
#[derive(Debug, Clone, PartialEq)]
pub enum SyncEvent<C> {
    /// A change (create, update, delete, read flag...).
    Change(C),
    /// The state after the changes handed out before it: persist it, and a later sync
    /// given it (`Synced::set_sync_state`) resumes from there.
    State(SyncState),
}

/// A batch's `SyncState`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SyncState {
    /// The `SyncState` the server returned.
    pub sync_state: String,
    /// Whether the batch holds the last change (`IncludesLastItemInRange`): the stream ends
    /// after it.
    pub includes_last: bool,
    /// How many changes the batch held.
    pub changes: usize,
}

struct State<O: Synced> {
    client: Client,
    request: O,
    headers: O::RequestHeaders,
    out: VecDeque<Result<SyncEvent<O::Change>, Error>>,
    done: bool,
    /// The `SyncState` the last batch returned.
    previous: Option<String>,
}

impl Client {
    /// The changes `request` (an operation that synchronizes with a `SyncState`:
    /// [`crate::sync::Synced`], such as `SyncFolderItems` and `SyncFolderHierarchy`)
    /// returns, batch after batch (`MaxChangesReturned` as the request says), from the
    /// request's own `SyncState` (none: from the start). After each batch's changes comes
    /// its [`SyncState`]; the stream ends after the batch that includes the last change, or
    /// with an error (a failed call; a message whose class is Error; a batch without a
    /// `SyncState`, or one that brings no change and the same state while saying more
    /// follows).
    pub fn sync<O: Synced>(
        &self,
        request: O,
        headers: O::RequestHeaders,
    ) -> impl Stream<Item = Result<SyncEvent<O::Change>, Error>> {
        let state = State {
            client: self.clone(),
            request,
            headers,
            out: VecDeque::new(),
            done: false,
            previous: None,
        };
        stream::unfold(state, |mut st| async move {
            loop {
                if let Some(x) = st.out.pop_front() {
                    return Some((x, st));
                }
                if st.done {
                    return None;
                }
                if let Err(e) = st.batch().await {
                    st.out.push_back(Err(e));
                    st.done = true;
                }
            }
        })
    }
}

impl<O: Synced> State<O> {
    /// One call: its changes and state queued.
    async fn batch(&mut self) -> Result<(), Error> {
        let r = self.client.call(&self.request, &self.headers).await?;
        let mut messages = own_messages::<O>(r.body)?;
        if messages.len() != 1 {
            return Err(Error::Protocol(format!(
                "{}: {} response messages where one was expected",
                <O as crate::Operation>::NAME,
                messages.len()
            )));
        }
        let m = messages.remove(0);
        if m.check().is_err() {
            return Err(Error::Message(Box::new(message_error(&m))));
        }
        let state = O::sync_state(&m).map(str::to_string).ok_or_else(|| {
            Error::Protocol(format!(
                "{}: a batch without a SyncState",
                <O as crate::Operation>::NAME
            ))
        })?;
        // A server that does not say holds nothing more.
        let last = O::includes_last(&m).unwrap_or(true);
        let changes = O::into_changes(m);
        let n = changes.len();
        self.out
            .extend(changes.into_iter().map(|c| Ok(SyncEvent::Change(c))));
        self.out.push_back(Ok(SyncEvent::State(SyncState {
            sync_state: state.clone(),
            includes_last: last,
            changes: n,
        })));
        if last {
            self.done = true;
        } else if n == 0 && self.previous.as_deref() == Some(state.as_str()) {
            return Err(Error::Protocol(format!(
                "{}: a batch without changes and with the same SyncState says more follow",
                <O as crate::Operation>::NAME
            )));
        } else {
            self.previous = Some(state.clone());
            self.request.set_sync_state(Some(state));
        }
        Ok(())
    }
}
