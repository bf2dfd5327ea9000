//! What the loopback servers of the workspace's tests share: reading a request off a
//! connection ([`http`]), a CA and a server certificate made at test time ([`tls`]), and the
//! server side of NTLM, computed here from MS-NLMP rather than with the client's library
//! ([`ntlm`]), a DNS server answering SRV questions ([`dns`]), a small https server answering
//! with a closure ([`server`]). Servers listen on 127.0.0.1 only.

pub mod dns;
#[cfg(feature = "kerberos")]
pub mod gss;
pub mod http;
pub mod ntlm;
pub mod server;
pub mod tls;
