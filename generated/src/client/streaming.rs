//! Streaming notifications: a request of a streaming operation
//! ([`crate::streaming::Streaming`]: `GetStreamingEvents`) whose answer is one long HTTP
//! response holding SOAP envelope after envelope; each envelope is read as soon as its last
//! byte arrives, and its notifications handed out.

use std::collections::VecDeque;
use std::fmt;
use std::time::Duration;

use futures_core::Stream;
use futures_util::stream;

use super::call::{read_answer, Answered, CallOptions, Client};
use super::error::{message_error, own_messages, Error};
use crate::response::ResponseMessage as _;
use crate::streaming::Streaming;

/// A streaming request (see [`Client::streaming_events`]).
pub struct StreamingEvents<O: Streaming> {
    client: Client,
    request: O,
    headers: O::RequestHeaders,
    idle_timeout: Duration,
    max_duration: Duration,
    renew_on_close: bool,
    options: CallOptions,
}

impl<O: Streaming> fmt::Debug for StreamingEvents<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamingEvents")
            .field("operation", &<O as crate::Operation>::NAME)
            .field("idle_timeout", &self.idle_timeout)
            .field("max_duration", &self.max_duration)
            .field("renew_on_close", &self.renew_on_close)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// The notifications of `request`, a streaming operation
    /// ([`crate::streaming::Streaming`]: `GetStreamingEvents` on the ids of a streaming
    /// subscription), read while the answer arrives: several SOAP envelopes in one chunked
    /// HTTP response, each handed out as soon as it is complete.
    ///
    /// The request is sent through the client's machinery (back-off, concurrency limit,
    /// retries, version), with `X-PreferServerAffinity: true` and the client's cookies
    /// (Exchange's `X-BackEndOverrideCookie`, set by the `Subscribe` call, which should
    /// carry [`CallOptions::prefer_server_affinity`] and the mailbox as
    /// `X-AnchorMailbox`). The place among the client's concurrent requests is given back
    /// once the answer begins: a long stream does not hold it.
    ///
    /// The stream ends when the server's `ConnectionStatus` says `Closed` (or the answer
    /// ends), unless [`StreamingEvents::renew_on_close`] asks for a new connection; it ends
    /// with an error on a failed call, an error message (such as
    /// `ErrorSubscriptionNotFound`: [`Error::Subscriptions`] names the subscriptions), an
    /// unreadable envelope, or no data for the idle timeout ([`Error::IdleTimeout`]).
    pub fn streaming_events<O: Streaming>(
        &self,
        request: O,
        headers: O::RequestHeaders,
    ) -> StreamingEvents<O> {
        StreamingEvents {
            client: self.clone(),
            request,
            headers,
            idle_timeout: Duration::from_secs(120),
            max_duration: Duration::from_secs(35 * 60),
            renew_on_close: false,
            options: CallOptions::new().prefer_server_affinity(true),
        }
    }
}

struct State<O: Streaming> {
    client: Client,
    request: O,
    headers: O::RequestHeaders,
    idle_timeout: Duration,
    max_duration: Duration,
    renew_on_close: bool,
    options: CallOptions,
    live: Option<reqwest::Response>,
    scanner: Scanner,
    out: VecDeque<Result<O::Notification, Error>>,
    done: bool,
}

impl<O: Streaming> StreamingEvents<O> {
    /// The longest silence of the answer before the stream ends with
    /// [`Error::IdleTimeout`] (default 120 s; Exchange sends an envelope with
    /// `ConnectionStatus` `OK` regularly on an idle connection). Separate from the client's
    /// request timeout, which does not apply to a stream.
    pub fn idle_timeout(mut self, d: Duration) -> Self {
        self.idle_timeout = d;
        self
    }

    /// The longest one streamed answer may last (default 35 minutes: `GetStreamingEvents`
    /// asks for at most 30).
    pub fn max_duration(mut self, d: Duration) -> Self {
        self.max_duration = d;
        self
    }

    /// Sends the request again when the server closes the connection (`ConnectionStatus`
    /// `Closed`, or the answer ends), so that the stream goes on (default: it ends).
    pub fn renew_on_close(mut self, yes: bool) -> Self {
        self.renew_on_close = yes;
        self
    }

    /// The options of each request (default: `X-PreferServerAffinity: true`).
    pub fn call_options(mut self, options: CallOptions) -> Self {
        self.options = options;
        self
    }

    /// The notifications, as they arrive.
    pub fn stream(self) -> impl Stream<Item = Result<O::Notification, Error>> {
        let limit = self.client.read_options.max_document_bytes;
        let state = State {
            client: self.client,
            request: self.request,
            headers: self.headers,
            idle_timeout: self.idle_timeout,
            max_duration: self.max_duration,
            renew_on_close: self.renew_on_close,
            options: self.options,
            live: None,
            scanner: Scanner::new(limit),
            out: VecDeque::new(),
            done: false,
        };
        stream::unfold(state, |mut st| async move {
            loop {
                if let Some(x) = st.out.pop_front() {
                    return Some((x, st));
                }
                if st.done {
                    return None;
                }
                if let Err(e) = st.advance().await {
                    st.out.push_back(Err(e));
                    st.done = true;
                    st.live = None;
                }
            }
        })
    }
}

impl<O: Streaming> State<O> {
    /// Connects, or reads the next chunk and queues what its complete envelopes hold.
    async fn advance(&mut self) -> Result<(), Error> {
        let Some(live) = self.live.as_mut() else {
            let answer = self
                .client
                .send::<O>(
                    &self.request,
                    &self.headers,
                    &self.options,
                    Some(self.max_duration),
                )
                .await?;
            match answer {
                Answered::Live(resp, _) => {
                    self.live = Some(resp);
                    self.scanner.reset();
                }
                // A whole answer (an error the server did not stream): its messages.
                Answered::Whole(r) => {
                    let closed = self.messages(r.body)?;
                    if !closed || !self.renew_on_close {
                        self.done = true;
                    }
                }
            }
            return Ok(());
        };
        let chunk = match tokio::time::timeout(self.idle_timeout, live.chunk()).await {
            Err(_) => {
                return Err(Error::IdleTimeout {
                    url: self.client.url.to_string(),
                    idle: self.idle_timeout,
                })
            }
            Ok(Err(e)) => {
                return Err(super::http::transport(
                    &self.client.url,
                    self.max_duration,
                    e,
                ))
            }
            Ok(Ok(c)) => c,
        };
        let Some(chunk) = chunk else {
            // The answer ended.
            self.scanner.finish().map_err(Error::Protocol)?;
            self.live = None;
            if !self.renew_on_close {
                self.done = true;
            }
            return Ok(());
        };
        self.scanner.push(&chunk);
        while let Some(envelope) = self.scanner.next_envelope().map_err(Error::Protocol)? {
            let text = crate::__private::Reader::check_utf8(&envelope).map_err(Error::Response)?;
            let r = read_answer::<O>(
                text,
                200,
                crate::soap::HttpInfo::default(),
                self.client.read_options.clone(),
            )?;
            self.client.note_server_version(&r.headers);
            if self.messages(r.body)? {
                // Closed: this connection is over.
                self.live = None;
                if !self.renew_on_close {
                    self.done = true;
                }
                break;
            }
        }
        Ok(())
    }

    /// Queues the notifications of a response; `Ok(true)` when a message says `Closed`.
    fn messages(&mut self, body: O::Response) -> Result<bool, Error> {
        let messages = own_messages::<O>(body)?;
        let mut closed = false;
        for m in messages {
            if m.check().is_err() {
                let ids = O::error_subscription_ids(&m);
                let error = Box::new(message_error(&m));
                return Err(if ids.is_empty() {
                    Error::Message(error)
                } else {
                    Error::Subscriptions {
                        error,
                        subscription_ids: ids,
                    }
                });
            }
            closed |= O::connection_closed(&m);
            self.out
                .extend(O::into_notifications(m).into_iter().map(Ok));
        }
        Ok(closed)
    }
}

/// Finds where each XML document of a stream of documents ends: the bytes are scanned
/// once, token by token (tags, with quoted attribute values; comments; CDATA; processing
/// instructions; text), counting the depth of elements.
#[derive(Debug)]
pub(crate) struct Scanner {
    /// The bytes from the current document's start.
    buf: Vec<u8>,
    /// How far the bytes are scanned (always at a token's start).
    pos: usize,
    depth: usize,
    /// Whether the current document's root has started.
    rooted: bool,
    limit: usize,
}

impl Scanner {
    pub fn new(limit: usize) -> Self {
        Scanner {
            buf: Vec::new(),
            pos: 0,
            depth: 0,
            rooted: false,
            limit,
        }
    }

    /// Forgets everything (a new connection).
    pub fn reset(&mut self) {
        *self = Scanner::new(self.limit);
    }

    pub fn push(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// Bytes of an unfinished document left at the end of the stream are an error.
    pub fn finish(&mut self) -> Result<(), String> {
        let rest = &self.buf;
        if rest.iter().all(|b| b.is_ascii_whitespace()) {
            self.reset();
            Ok(())
        } else {
            Err(format!(
                "the streamed answer ends inside a document ({} bytes unread)",
                rest.len()
            ))
        }
    }

    /// The next complete document (leading whitespace and byte order mark removed), when its
    /// last byte has arrived.
    pub fn next_envelope(&mut self) -> Result<Option<Vec<u8>>, String> {
        loop {
            let rest = &self.buf[self.pos..];
            let Some(&first) = rest.first() else {
                return self.check_size().map(|()| None);
            };
            if first != b'<' {
                // Text: up to the next tag.
                let n = rest.iter().position(|&b| b == b'<').unwrap_or(rest.len());
                if !self.rooted && !trim_blank_start(&rest[..n]).is_empty() {
                    return Err("text between the streamed documents".into());
                }
                self.pos += n;
                continue;
            }
            let Some(len) = token_len(rest) else {
                return self.check_size().map(|()| None);
            };
            let token = &rest[..len];
            self.pos += len;
            if token.starts_with(b"<?") || token.starts_with(b"<!") {
                continue;
            }
            if token.starts_with(b"</") {
                if self.depth == 0 {
                    return Err("an end tag without its start between streamed documents".into());
                }
                self.depth -= 1;
            } else if token.ends_with(b"/>") {
                self.rooted = true;
            } else {
                self.rooted = true;
                self.depth += 1;
            }
            if self.rooted && self.depth == 0 {
                let doc = trim_blank_start(&self.buf[..self.pos]).to_vec();
                self.buf.drain(..self.pos);
                self.pos = 0;
                self.rooted = false;
                return Ok(Some(doc));
            }
        }
    }

    fn check_size(&self) -> Result<(), String> {
        if self.buf.len() > self.limit {
            Err(format!(
                "a streamed document of more than {} bytes (the document limit)",
                self.limit
            ))
        } else {
            Ok(())
        }
    }
}

/// `bytes` without the whitespace and byte order marks before a document's first markup.
fn trim_blank_start(mut bytes: &[u8]) -> &[u8] {
    loop {
        bytes = bytes.trim_ascii_start();
        match bytes.strip_prefix(b"\xEF\xBB\xBF") {
            Some(rest) => bytes = rest,
            None => return bytes,
        }
    }
}

/// The length of the markup token `s` starts with (`s[0]` is `<`), when it is complete.
fn token_len(s: &[u8]) -> Option<usize> {
    let find = |from: usize, pat: &[u8]| -> Option<usize> {
        s.get(from..)?
            .windows(pat.len())
            .position(|w| w == pat)
            .map(|i| from + i + pat.len())
    };
    if s.starts_with(b"<!--") {
        return find(4, b"-->");
    }
    if s.starts_with(b"<![CDATA[") {
        return find(9, b"]]>");
    }
    if s.starts_with(b"<?") {
        return find(2, b"?>");
    }
    if s.len() < 9 && (b"<!--".starts_with(s) || b"<![CDATA[".starts_with(s)) {
        // Not yet known which.
        return None;
    }
    // A tag (or a declaration): up to the `>` outside quotes.
    let mut quote: Option<u8> = None;
    for (i, &b) in s.iter().enumerate().skip(1) {
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'>') => return Some(i + 1),
            (None, _) => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(scanner: &mut Scanner) -> Vec<String> {
        let mut out = Vec::new();
        while let Some(d) = scanner.next_envelope().expect("scans") {
            out.push(String::from_utf8(d).expect("utf-8"));
        }
        out
    }

    #[test]
    fn documents_are_cut_where_they_end_whatever_the_chunks() {
        let one = r#"<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="x"><s:Body a='>' b=">"><!-- </s:Envelope> --><![CDATA[</s:Envelope>]]><x/>t&lt;</s:Body></s:Envelope>"#;
        let two = "\r\n<Envelope><Body/></Envelope>";
        let text = format!("{one}{two}  ");
        for size in [1, 2, 3, 7, 64, text.len()] {
            let mut s = Scanner::new(1 << 20);
            let mut docs = Vec::new();
            for chunk in text.as_bytes().chunks(size) {
                s.push(chunk);
                docs.extend(all(&mut s));
            }
            assert_eq!(
                docs,
                vec![one.to_string(), two.trim().to_string()],
                "chunks of {size}"
            );
            s.finish().expect("nothing left");
        }
    }

    #[test]
    fn garbage_and_truncation_are_errors() {
        let mut s = Scanner::new(1 << 20);
        s.push(b"<a></a>junk<b/>");
        assert_eq!(all_ok(&mut s), 1);
        assert!(s.next_envelope().is_err());

        let mut s = Scanner::new(1 << 20);
        s.push(b"</a>");
        assert!(s.next_envelope().is_err());

        let mut s = Scanner::new(1 << 20);
        s.push(b"<a><b>");
        assert_eq!(s.next_envelope(), Ok(None));
        assert!(s.finish().is_err());

        let mut s = Scanner::new(16);
        s.push(b"<a>0123456789abcdefghij");
        assert!(s.next_envelope().is_err());
    }

    fn all_ok(s: &mut Scanner) -> usize {
        let mut n = 0;
        while let Ok(Some(_)) = s.next_envelope() {
            n += 1;
        }
        n
    }
}
