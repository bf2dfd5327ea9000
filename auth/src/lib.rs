//! Authentication for Exchange Web Services over HTTP, shared by the `ewsgen` client and the
//! `ews-codegen fetch` command:
//!
//! - [`ntlm`]: the NTLM messages (NTLMv2, MS-NLMP) carried by `Authorization: NTLM` or
//!   `Negotiate` headers;
//! - [`mod@env`]: the connection settings the `ewsgen` examples and `ews-codegen fetch` read from
//!   the environment (`EWS_USER`, `EWS_PASSWORD`, `EWS_TOKEN`, `EWS_AUTH`, `EWS_RESOLVE`,
//!   `EWS_CA_FILE`), with the same rules and messages everywhere.
//!
//! No HTTP client here: each user drives the exchange with its own.

#![warn(missing_docs)]

pub mod env;
pub mod ntlm;
