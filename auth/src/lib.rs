//! Authentication for Exchange Web Services over HTTP, shared by the `ewsgen` client and the
//! `ews-codegen fetch` command:
//!
//! - [`binding`]: the `tls-server-end-point` channel bindings of a server certificate
//!   (Extended Protection);
//! - [`ntlm`]: the NTLM messages (NTLMv2, MS-NLMP) carried by `Authorization: NTLM` or
//!   `Negotiate` headers;
//! - `gss` (feature `kerberos`): Kerberos contexts for `Negotiate` through MIT's GSS-API;
//! - [`mod@env`]: the connection settings the `ewsgen` examples and `ews-codegen fetch` read from
//!   the environment (`EWS_USER`, `EWS_PASSWORD`, `EWS_TOKEN`, `EWS_AUTH`, `EWS_RESOLVE`,
//!   `EWS_CA_FILE`), with the same rules and messages everywhere.
//!
//! No HTTP client here: each user drives the exchange with its own.

#![warn(missing_docs)]

pub mod binding;
pub mod env;
#[cfg(feature = "kerberos")]
pub mod gss;
pub mod ntlm;
