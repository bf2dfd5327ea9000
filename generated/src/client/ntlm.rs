//! NTLM messages (MS-NLMP), from `ews-auth` (which the `ews-codegen fetch` command shares);
//! the handshake on a kept-alive connection is in `http.rs`.

pub(crate) use ews_auth::ntlm::{check_user, negotiate, offered, Scheme};

use super::auth::Secret;

/// The AUTHENTICATE message answering the base64 CHALLENGE `token`, base64.
pub(crate) fn authenticate(token: &str, user: &str, password: &Secret) -> Result<String, String> {
    ews_auth::ntlm::authenticate(token, user, password.expose())
}
