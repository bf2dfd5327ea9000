//! An https server on 127.0.0.1 answering each request of a kept-alive connection with a
//! closure, which keeps what it needs from request to request in a per-connection state
//! (authentication bound to the connection).

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::io::AsyncWriteExt as _;
use tokio::net::TcpListener;

pub use crate::http::Request;

/// An answer.
#[derive(Debug, Clone)]
pub struct Reply {
    /// The HTTP status.
    pub status: u16,
    /// The headers, besides `Content-Length`.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Reply {
    /// An answer with `status` and `body`.
    pub fn new(status: u16, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: body.into(),
        }
    }

    /// With one more header.
    pub fn header(mut self, name: &str, value: impl Into<String>) -> Reply {
        self.headers.push((name.to_string(), value.into()));
        self
    }
}

impl Request {
    /// The value of the header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Answers one request, with the connection's state.
pub type Handler<S> = dyn Fn(&Request, &mut S) -> Reply + Send + Sync;

/// Starts an https server on 127.0.0.1 (a free port) with `acceptor`'s certificate; every
/// connection starts with `S::default()`. Runs until the runtime ends.
pub async fn start<S: Default + Send + 'static>(
    acceptor: tokio_rustls::TlsAcceptor,
    handler: Arc<Handler<S>>,
) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1");
    let addr = listener.local_addr().expect("local address");
    tokio::spawn(async move {
        while let Ok((sock, _)) = listener.accept().await {
            let (acceptor, handler) = (acceptor.clone(), handler.clone());
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(sock).await else {
                    return;
                };
                let mut state = S::default();
                let mut buf = Vec::new();
                while let Ok(Some(req)) = crate::http::read_request(&mut tls, &mut buf).await {
                    let r = handler(&req, &mut state);
                    let mut out = format!("HTTP/1.1 {} Status\r\n", r.status).into_bytes();
                    for (k, v) in &r.headers {
                        out.extend_from_slice(format!("{k}: {v}\r\n").as_bytes());
                    }
                    out.extend_from_slice(
                        format!("Content-Length: {}\r\n\r\n", r.body.len()).as_bytes(),
                    );
                    out.extend_from_slice(&r.body);
                    if tls.write_all(&out).await.is_err() || tls.flush().await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    addr
}
