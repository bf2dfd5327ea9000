//! NTLM messages (MS-NLMP) for HTTP authentication, built with the `ntlmclient` crate: the
//! NEGOTIATE message, and the AUTHENTICATE message answering a server's CHALLENGE with an
//! NTLMv2 response.
//!
//! The messages only: the HTTP side (the NEGOTIATE sent with an empty body, the CHALLENGE
//! read from `WWW-Authenticate`, the AUTHENTICATE sent on the same kept-alive connection) is
//! the caller's.

pub use crate::binding::ChannelBindings;
use base64::Engine as _;
use ntlmclient::{AuthenticateMessage, Flags, Message, NegotiateMessage, TargetInfoType};

/// The HTTP authentication scheme carrying the NTLM messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// `Authorization: NTLM <message>`.
    Ntlm,
    /// `Authorization: Negotiate <message>`: SPNEGO servers (IIS, Exchange) accept a raw NTLM
    /// message there, so Negotiate is offered NTLM.
    Negotiate,
}

impl Scheme {
    /// The scheme's name in `Authorization` and `WWW-Authenticate` headers.
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Ntlm => "NTLM",
            Scheme::Negotiate => "Negotiate",
        }
    }
}

/// The longest target information a challenge may carry (real ones are a few hundred bytes;
/// the answer must fit the 16-bit lengths of the AUTHENTICATE message).
const MAX_TARGET_INFO: usize = 8 * 1024;
/// The longest user or domain name sent (Windows allows 256 characters for a UPN).
const MAX_NAME: usize = 1024;

/// The user name and domain of `DOMAIN\user`; a UPN (`user@domain`) or a plain name is sent
/// whole as the user name with an empty domain, as Windows clients do.
pub fn split_user(user: &str) -> (String, String) {
    match user.split_once('\\') {
        Some((domain, name)) => (name.to_string(), domain.to_string()),
        None => (user.to_string(), String::new()),
    }
}

/// Checks the names before any message is built.
pub fn check_user(user: &str) -> Result<(), String> {
    let (name, domain) = split_user(user);
    if name.is_empty() {
        return Err(format!("NTLM user `{user}`: the user name is empty"));
    }
    if name.len() > MAX_NAME || domain.len() > MAX_NAME {
        return Err("NTLM user: the user or domain name is too long".into());
    }
    Ok(())
}

const NEGOTIATE_FLAGS: Flags = Flags::NEGOTIATE_UNICODE
    .union(Flags::REQUEST_TARGET)
    .union(Flags::NEGOTIATE_NTLM)
    .union(Flags::NEGOTIATE_ALWAYS_SIGN)
    .union(Flags::NEGOTIATE_NTLM2_KEY)
    .union(Flags::NEGOTIATE_128BIT)
    .union(Flags::NEGOTIATE_56BIT);

/// The NEGOTIATE message, base64.
pub fn negotiate() -> String {
    let msg = Message::Negotiate(NegotiateMessage {
        flags: NEGOTIATE_FLAGS,
        supplied_domain: String::new(),
        supplied_workstation: String::new(),
        os_version: Default::default(),
    });
    // Nothing in this message can fail to encode (no strings, fixed flags).
    let bytes = msg.to_bytes().unwrap_or_default();
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The token of `scheme` in the `WWW-Authenticate` challenges: `None` when the scheme is not
/// offered, `Some(None)` when it is offered without a token, `Some(Some(token))` otherwise.
pub fn offered(challenges: &[String], scheme: Scheme) -> Option<Option<String>> {
    challenges
        .iter()
        .flat_map(|c| c.split(','))
        .map(str::trim)
        .find_map(|c| {
            let (name, rest) = c.split_once(' ').unwrap_or((c, ""));
            name.eq_ignore_ascii_case(scheme.as_str()).then(|| {
                let token = rest.trim();
                (!token.is_empty()).then(|| token.to_string())
            })
        })
}

/// What the AUTHENTICATE message says of the server it is meant for (Extended Protection):
/// carried in the NTLMv2 response's target information, which the response's proof covers.
#[derive(Debug, Clone, Default)]
pub struct Target<'a> {
    /// The service's name, `HTTP/<host>` (`MsvAvTargetName`).
    pub spn: Option<&'a str>,
    /// The channel bindings of the TLS connection (`MsvAvChannelBindings`), over https.
    pub bindings: Option<&'a ChannelBindings>,
}

/// The AUTHENTICATE message answering the base64 CHALLENGE `token`, base64. The challenge
/// may be a raw NTLM message or wrapped in SPNEGO (the NTLM message is found inside).
pub fn authenticate(token: &str, user: &str, password: &str) -> Result<String, String> {
    authenticate_for(token, user, password, &Target::default())
}

/// [`authenticate`] for `target`: the AUTHENTICATE message carries its service name and
/// channel bindings, as a server with Extended Protection requires.
pub fn authenticate_for(
    token: &str,
    user: &str,
    password: &str,
    target: &Target<'_>,
) -> Result<String, String> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(token)
        .map_err(|_| "the server's NTLM challenge is not base64".to_string())?;
    let start = bytes
        .windows(8)
        .position(|w| w == b"NTLMSSP\0")
        .ok_or("the server's challenge holds no NTLM message")?;
    let challenge = match Message::try_from(&bytes[start..]) {
        Ok(Message::Challenge(c)) => c,
        Ok(other) => {
            return Err(format!(
                "the server answered NTLM message type {} instead of a CHALLENGE",
                other.message_number()
            ))
        }
        Err(e) => return Err(format!("the server's NTLM challenge is unreadable: {e:?}")),
    };
    // The server's pairs (its own bindings or service name, if any, left out), then the
    // client's (MS-NLMP 3.1.5.1.2), then MsvAvEOL.
    let mut target_info: Vec<u8> = challenge
        .target_information
        .iter()
        .filter(|e| {
            !matches!(
                e.entry_type,
                TargetInfoType::Terminator
                    | TargetInfoType::ChannelBindings
                    | TargetInfoType::TargetName
            )
        })
        .flat_map(|e| e.to_bytes())
        .collect();
    let mut pair = |kind: u16, value: &[u8]| {
        target_info.extend_from_slice(&kind.to_le_bytes());
        target_info.extend_from_slice(&(value.len().min(u16::MAX as usize) as u16).to_le_bytes());
        target_info.extend_from_slice(value);
    };
    if let Some(bindings) = target.bindings {
        pair(0x000A, &bindings.md5());
    }
    if let Some(spn) = target.spn {
        let utf16: Vec<u8> = spn.encode_utf16().flat_map(u16::to_le_bytes).collect();
        if utf16.len() > MAX_NAME * 2 {
            return Err("NTLM: the service name is too long".into());
        }
        pair(0x0009, &utf16);
    }
    target_info.extend_from_slice(&[0, 0, 0, 0]);
    if target_info.len() > MAX_TARGET_INFO {
        return Err(format!(
            "the server's NTLM challenge carries {} bytes of target information (at most {MAX_TARGET_INFO} are accepted)",
            target_info.len()
        ));
    }
    // MS-NLMP 3.1.5.1.2: the server's timestamp, when it sends one, goes into the response,
    // and then no LM response is sent.
    let server_time = challenge
        .target_information
        .iter()
        .find(|e| e.entry_type == TargetInfoType::Timestamp)
        .and_then(|e| <[u8; 8]>::try_from(e.data.as_slice()).ok())
        .map(i64::from_le_bytes);
    let (name, domain) = split_user(user);
    let creds = ntlmclient::Credentials {
        username: name.clone(),
        password: password.to_string(),
        domain: domain.clone(),
    };
    let time = server_time.unwrap_or_else(ntlmclient::get_ntlm_time);
    let response =
        ntlmclient::respond_challenge_ntlm_v2(challenge.challenge, &target_info, time, &creds);
    let lm_response = if server_time.is_some() {
        vec![0; 24]
    } else {
        response.lm_response
    };
    let flags = NEGOTIATE_FLAGS.union(Flags::NEGOTIATE_TARGET_INFO) & !Flags::REQUEST_TARGET;
    let msg = Message::Authenticate(AuthenticateMessage {
        lm_response,
        ntlm_response: response.ntlm_response,
        domain_name: domain,
        user_name: name,
        workstation_name: String::new(),
        // No key exchange is negotiated: the session key is not sent (HTTP signs nothing).
        session_key: Vec::new(),
        flags,
        os_version: Default::default(),
    });
    let bytes = msg
        .to_bytes()
        .map_err(|e| format!("the NTLM answer cannot be encoded: {e:?}"))?;
    Ok(base64::engine::general_purpose::STANDARD.encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn users_split_as_windows_does() {
        assert_eq!(
            split_user("CONTOSO\\alice"),
            ("alice".into(), "CONTOSO".into())
        );
        assert_eq!(
            split_user("alice@contoso.com"),
            ("alice@contoso.com".into(), String::new())
        );
    }

    #[test]
    fn challenges_are_found_among_others() {
        let c = vec![
            "Basic realm=\"a, b\"".to_string(),
            "Negotiate, NTLM TlRMTVNTUAACAAAA".to_string(),
        ];
        assert_eq!(offered(&c, Scheme::Negotiate), Some(None));
        assert_eq!(
            offered(&c, Scheme::Ntlm),
            Some(Some("TlRMTVNTUAACAAAA".into()))
        );
        assert_eq!(offered(&c[..1], Scheme::Ntlm), None);
    }

    #[test]
    fn hostile_challenges_are_errors() {
        let p = "p";
        for token in [
            "!!",
            "",
            "TlRMTVNTUAACAAAA",
            "TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==",
        ] {
            assert!(authenticate(token, "alice", p).is_err(), "{token}");
        }
    }
}
