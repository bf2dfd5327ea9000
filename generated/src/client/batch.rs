//! Batches: one request of an operation on a list of ids ([`crate::batch::Batched`]:
//! `GetItem`, `GetFolder`, `DeleteItem`, `MoveItem`...) with any number of ids, sent in
//! batches of a chosen size, concurrently within the client's limit, the results in the
//! order of the ids. Items the server throttled on their own (`ErrorServerBusy` in some
//! messages of a batch) are sent again, only they.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use futures_core::Stream;
use futures_util::stream::{self, StreamExt as _};

use super::call::{messages_retry, Client, Retry};
use super::error::{own_messages, Error};
use crate::batch::Batched;
use crate::response::{ResponseError, ResponseMessage};
use crate::OperationMessages;

/// The response code type of an operation's messages.
pub type Code<O> = <<O as OperationMessages>::Message as ResponseMessage>::Code;

/// The result for one id: its response message (Success or Warning), or the error kept
/// beside it.
pub type BatchItem<O> = Result<<O as OperationMessages>::Message, ItemError<Code<O>>>;

/// Why an id has no message: its own message's error, or the failure of the call that
/// carried it (shared by every id of that batch).
#[derive(Debug, Clone)]
pub enum ItemError<C> {
    /// The id's response message has class Error (code, text, `MessageXml`).
    Message(ResponseError<C>),
    /// The call carrying the id failed as a whole (a fault, HTTP, transport, an answer
    /// whose messages do not match the ids).
    Call(Arc<Error>),
}

impl<C: fmt::Display> ItemError<C> {
    /// The Exchange response code: the message's, or the fault's of a failed call.
    pub fn response_code(&self) -> Option<String> {
        match self {
            ItemError::Message(e) => e.code.as_ref().map(|c| c.to_string()),
            ItemError::Call(e) => e.fault().map(|f| f.response_code().to_string()),
        }
    }
}

impl<C: fmt::Display> fmt::Display for ItemError<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ItemError::Message(e) => e.fmt(f),
            ItemError::Call(e) => e.fmt(f),
        }
    }
}

impl<C: fmt::Display + fmt::Debug> std::error::Error for ItemError<C> {}

/// A request on many ids (see [`Client::batch`]).
pub struct Batch<O: Batched> {
    client: Client,
    request: O,
    headers: O::RequestHeaders,
    batch_size: usize,
}

impl<O: Batched> fmt::Debug for Batch<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Batch")
            .field("operation", &<O as crate::Operation>::NAME)
            .field("batch_size", &self.batch_size)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// `request` (an operation on a list of ids: [`crate::batch::Batched`], such as
    /// `GetItem`) with its ids, however many, sent in batches (100 ids by default), each
    /// batch a copy of the request holding its ids. Batches run concurrently within the
    /// client's concurrency limit; the results come in the order of the ids.
    pub fn batch<O: Batched>(&self, request: O, headers: O::RequestHeaders) -> Batch<O> {
        Batch {
            client: self.clone(),
            request,
            headers,
            batch_size: 100,
        }
    }
}

impl<O> Batch<O>
where
    O: Batched + Clone,
    O::Id: Clone,
{
    /// Ids per batch (at least 1).
    pub fn batch_size(mut self, n: usize) -> Self {
        self.batch_size = n.max(1);
        self
    }

    /// The result of every id, in the order of the ids, as the batches complete in order.
    pub fn stream(self) -> impl Stream<Item = BatchItem<O>> {
        let Batch {
            client,
            mut request,
            headers,
            batch_size,
        } = self;
        let ids = std::mem::take(request.ids_mut());
        let mut chunks: Vec<Vec<O::Id>> = Vec::new();
        let mut it = ids.into_iter().peekable();
        while it.peek().is_some() {
            chunks.push(it.by_ref().take(batch_size).collect());
        }
        let concurrency = client.shared.limiter.current().max(1);
        let shared = Arc::new((client, request, headers));
        stream::iter(chunks)
            .map(move |chunk| {
                let shared = shared.clone();
                async move {
                    let (client, request, headers) = &*shared;
                    run_batch::<O>(client, request, headers, chunk).await
                }
            })
            .buffered(concurrency)
            .flat_map(stream::iter)
    }

    /// The result of every id, in the order of the ids.
    pub async fn run(self) -> Vec<BatchItem<O>> {
        self.stream().collect().await
    }
}

/// Sends one batch, then again the ids throttled on their own, within the client's
/// retries; the results in the order of `ids`.
async fn run_batch<O>(
    client: &Client,
    template: &O,
    headers: &O::RequestHeaders,
    ids: Vec<O::Id>,
) -> Vec<BatchItem<O>>
where
    O: Batched + Clone,
    O::Id: Clone,
{
    let mut results: Vec<Option<BatchItem<O>>> = ids.iter().map(|_| None).collect();
    // The ids still to send, with their positions.
    let mut pending: Vec<(usize, O::Id)> = ids.into_iter().enumerate().collect();
    let mut retries = 0;
    while !pending.is_empty() {
        let mut request = template.clone();
        *request.ids_mut() = pending.iter().map(|(_, id)| id.clone()).collect();
        let answer = client.call(&request, headers).await;
        let r = match answer {
            Ok(r) => r,
            Err(e) => {
                let e = Arc::new(e);
                for (i, _) in pending.drain(..) {
                    results[i] = Some(Err(ItemError::Call(e.clone())));
                }
                break;
            }
        };
        // An answer throttled as a whole was already sent again by `call`, within the
        // client's retries: its messages are final here.
        let retried_whole = messages_retry(&r.body).is_some();
        let messages = own_messages::<O>(r.body).and_then(|m| {
            if m.len() == pending.len() {
                Ok(m)
            } else {
                Err(Error::Protocol(format!(
                    "{}: {} ids sent, {} response messages answered",
                    <O as crate::Operation>::NAME,
                    pending.len(),
                    m.len()
                )))
            }
        });
        let messages = match messages {
            Ok(m) => m,
            Err(e) => {
                let e = Arc::new(e);
                for (i, _) in pending.drain(..) {
                    results[i] = Some(Err(ItemError::Call(e.clone())));
                }
                break;
            }
        };
        // The ids throttled on their own go again, after the longest back-off asked for;
        // lowering the concurrency if any of them says "too many".
        let mut again = Vec::new();
        let mut wait: Option<Duration> = None;
        let mut fewer = false;
        for ((i, id), m) in pending.drain(..).zip(messages) {
            let asked = m
                .response_code_str()
                .and_then(|c| Retry::of_code(c, m.back_off()));
            if let Some(asked) = asked.filter(|a| !retried_whole && client.may_retry(retries, a)) {
                wait = Some(wait.unwrap_or_default().max(asked.wait()));
                fewer |= matches!(asked, Retry::Fewer(_));
                again.push((i, id));
                continue;
            }
            results[i] = Some(match m.check() {
                Ok(()) => Ok(m),
                Err(e) => Err(ItemError::Message(e)),
            });
        }
        if let Some(wait) = wait {
            let retry = if fewer {
                Retry::Fewer(wait)
            } else {
                Retry::BackOff(wait)
            };
            tracing::debug!(
                operation = <O as crate::Operation>::NAME,
                ids = again.len(),
                back_off_ms = wait.as_millis() as u64,
                "part of a batch was throttled: sending those ids again"
            );
            retries += 1;
            client.hold_back(&retry).await;
        }
        pending = again;
    }
    results
        .into_iter()
        .map(|r| {
            r.unwrap_or_else(|| {
                Err(ItemError::Call(Arc::new(Error::Protocol(
                    "an id of the batch got no result".into(),
                ))))
            })
        })
        .collect()
}
