//! NTLM messages (MS-NLMP), from `ews-auth` (which the `ews-codegen fetch` command shares);
//! the handshake on a kept-alive connection is in `http.rs`.

pub(crate) use ews_auth::ntlm::{check_user, negotiate, offered, Scheme};

use super::auth::Secret;

pub(crate) use ews_auth::binding::ChannelBindings;

/// The AUTHENTICATE message answering the base64 CHALLENGE `token`, base64, for the service
/// `HTTP/<host>` with the channel bindings of the TLS connection (Extended Protection).
pub(crate) fn authenticate(
    token: &str,
    user: &str,
    password: &Secret,
    spn: &str,
    bindings: Option<&ChannelBindings>,
) -> Result<String, String> {
    let target = ews_auth::ntlm::Target {
        spn: Some(spn),
        bindings,
    };
    ews_auth::ntlm::authenticate_for(token, user, password.expose(), &target)
}

/// The service principal name of `url`'s host: `HTTP/<host>` (for https too, as Windows
/// names it).
pub(crate) fn spn(url: &reqwest::Url) -> String {
    format!("HTTP/{}", url.host_str().unwrap_or_default())
}

/// The channel bindings of an answer received over https (`Ok(None)` over http).
pub(crate) fn bindings(
    url: &reqwest::Url,
    peer_certificate: Option<&[u8]>,
) -> Result<Option<ChannelBindings>, String> {
    if url.scheme() != "https" {
        return Ok(None);
    }
    let der = peer_certificate
        .ok_or("the TLS connection did not give the server's certificate (channel bindings)")?;
    ChannelBindings::from_certificate(der).map(Some)
}
