//! Paging: one request of a paged operation ([`crate::paging::Paged`]: `FindItem`,
//! `FindFolder`...) as a stream of pages, or of items, asked for page after page until the
//! server says the last item is in range.

use std::fmt;

use futures_core::Stream;
use futures_util::stream::{self, StreamExt as _};

use super::call::Client;
use super::error::{message_error, own_messages, Error};
use crate::paging::{PageInfo, Paged};
use crate::response::ResponseMessage as _;
use crate::soap::HttpInfo;

/// The pages of a request (see [`Client::pages`]).
pub struct Pages<O: Paged> {
    client: Client,
    request: O,
    headers: O::RequestHeaders,
    page_size: i32,
    offset: i32,
}

impl<O: Paged> fmt::Debug for Pages<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages")
            .field("operation", &<O as crate::Operation>::NAME)
            .field("page_size", &self.page_size)
            .field("offset", &self.offset)
            .finish_non_exhaustive()
    }
}

/// One page: the response messages of one call (one per parent folder asked), with the
/// offset it was asked at.
pub struct Page<O: Paged> {
    /// The page's position among the pages (0 for the first).
    pub index: usize,
    /// The offset it was asked at.
    pub offset: i32,
    /// The operation's response messages (one per parent folder).
    pub messages: Vec<O::Message>,
    /// The SOAP headers of the answer.
    pub headers: O::ResponseHeaders,
    /// The HTTP side of the call.
    pub http: Option<HttpInfo>,
}

impl<O: Paged> fmt::Debug for Page<O>
where
    O::Message: fmt::Debug,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Page")
            .field("index", &self.index)
            .field("offset", &self.offset)
            .field("messages", &self.messages)
            .finish_non_exhaustive()
    }
}

impl<O: Paged> Page<O> {
    /// The paging attributes of each message (`None` for a message without them: an
    /// error).
    pub fn info(&self) -> Vec<Option<PageInfo>> {
        self.messages.iter().map(|m| O::page_info(m)).collect()
    }

    /// Whether no message asks for another page.
    pub fn is_last(&self) -> bool {
        self.messages.iter().all(|m| done::<O>(m))
    }

    /// The items of every message, in order; `Err` for a message whose class is Error.
    pub fn into_items(self) -> Vec<Result<O::Item, Error>> {
        let mut out = Vec::new();
        for m in self.messages {
            match m.check() {
                Ok(()) => out.extend(O::into_items(m).into_iter().map(Ok)),
                Err(_) => out.push(Err(Error::Message(Box::new(message_error(&m))))),
            }
        }
        out
    }
}

/// Whether a message needs no further page: an error, no paging attributes, or the last
/// item in range (a message that does not say counts as done: paging never loops on a
/// server that does not report it).
fn done<O: Paged>(m: &O::Message) -> bool {
    m.check().is_err()
        || O::page_info(m).is_none_or(|i| i.includes_last_item_in_range.unwrap_or(true))
}

impl Client {
    /// The pages of `request`, an operation whose results come in pages
    /// ([`crate::paging::Paged`], such as `FindItem` and `FindFolder`): each page sets the
    /// request's indexed page view (`Offset`, `MaxEntriesReturned`, `BasePoint="Beginning"`)
    /// and the next page starts at the `IndexedPagingOffset` the server reports, until every
    /// response message says `IncludesLastItemInRange`. The default page size is 100.
    pub fn pages<O: Paged>(&self, request: O, headers: O::RequestHeaders) -> Pages<O> {
        Pages {
            client: self.clone(),
            request,
            headers,
            page_size: 100,
            offset: 0,
        }
    }
}

struct State<O: Paged> {
    client: Client,
    request: O,
    headers: O::RequestHeaders,
    page_size: i32,
    /// The offset of the next page; `None` when done.
    next: Option<i32>,
    index: usize,
    /// An error to hand out after the page that revealed it.
    pending: Option<Error>,
}

impl<O: Paged> Pages<O> {
    /// Items per page (`MaxEntriesReturned`; at least 1; Exchange returns at most 1,000).
    pub fn page_size(mut self, n: i32) -> Self {
        self.page_size = n.max(1);
        self
    }

    /// The offset of the first page (default 0).
    pub fn start_offset(mut self, offset: i32) -> Self {
        self.offset = offset.max(0);
        self
    }

    /// The pages, one call each, in order. A call that fails ends the stream with its error;
    /// a page whose next offset does not move past its own ends it with
    /// [`Error::Protocol`].
    pub fn stream(self) -> impl Stream<Item = Result<Page<O>, Error>> {
        let state = State {
            client: self.client,
            request: self.request,
            headers: self.headers,
            page_size: self.page_size,
            next: Some(self.offset),
            index: 0,
            pending: None,
        };
        stream::unfold(state, |mut st| async move {
            if let Some(e) = st.pending.take() {
                st.next = None;
                return Some((Err(e), st));
            }
            let offset = st.next?;
            let item = st.page(offset).await;
            if item.is_err() {
                st.next = None;
            }
            Some((item, st))
        })
    }

    /// The items of every page, in order; a message whose class is Error gives an `Err` in
    /// its place (the other folders' items go on), a failed call ends the stream.
    pub fn items(self) -> impl Stream<Item = Result<O::Item, Error>> {
        self.stream().flat_map(|page| {
            stream::iter(match page {
                Ok(p) => p.into_items(),
                Err(e) => vec![Err(e)],
            })
        })
    }
}

impl<O: Paged> State<O> {
    async fn page(&mut self, offset: i32) -> Result<Page<O>, Error> {
        self.request.set_page(offset, self.page_size);
        let r = self.client.call(&self.request, &self.headers).await?;
        let messages = own_messages::<O>(r.body)?;
        // Every folder that is not done moves by the same page: the next offset is the
        // furthest any reports.
        let mut next: Option<i32> = None;
        for m in messages.iter().filter(|m| !done::<O>(m)) {
            let reported = O::page_info(m)
                .and_then(|i| i.indexed_paging_offset)
                .unwrap_or_else(|| offset.saturating_add(self.page_size));
            next = Some(next.map_or(reported, |n| n.max(reported)));
        }
        self.next = None;
        if let Some(n) = next {
            if n <= offset {
                self.pending = Some(Error::Protocol(format!(
                    "{}: the server says more items follow but its next offset {n} does not move past {offset}",
                    <O as crate::Operation>::NAME
                )));
            } else {
                self.next = Some(n);
            }
        }
        let index = self.index;
        self.index += 1;
        Ok(Page {
            index,
            offset,
            messages,
            headers: r.headers,
            http: r.http,
        })
    }
}
