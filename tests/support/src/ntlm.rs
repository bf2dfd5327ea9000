//! The server side of NTLM as IIS does it, bound to the connection: a NEGOTIATE gets a
//! CHALLENGE, the AUTHENTICATE must come on the connection that got it and is checked
//! against the password here, from MS-NLMP 3.3.2 (not with the client's library), and an
//! authenticated connection needs no header.

use std::sync::atomic::{AtomicUsize, Ordering};

use base64::Engine as _;
use hmac::{Hmac, Mac};

/// A string as NTLM carries it (UTF-16LE).
pub fn utf16(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect()
}

fn hmac_md5(key: &[u8], parts: &[&[u8]]) -> [u8; 16] {
    let mut m = <Hmac<md5::Md5> as Mac>::new_from_slice(key).expect("HMAC key");
    for p in parts {
        m.update(p);
    }
    m.finalize().into_bytes().into()
}

/// The server's timestamp in the challenge's target information.
const SERVER_TIME: u64 = 0x01DA_0000_0000_0000;

/// The server's CHALLENGE message (MS-NLMP 2.2.1.2), with target information (domain
/// `CONTOSO`, server `EXCH01`, a timestamp).
pub fn challenge_message(challenge: [u8; 8]) -> Vec<u8> {
    let target_name = utf16("CONTOSO");
    let mut info = Vec::new();
    for (kind, value) in [
        (2u16, utf16("CONTOSO")),
        (1, utf16("EXCH01")),
        (4, utf16("contoso.test")),
        (7, SERVER_TIME.to_le_bytes().to_vec()),
    ] {
        info.extend_from_slice(&kind.to_le_bytes());
        info.extend_from_slice(&(value.len() as u16).to_le_bytes());
        info.extend_from_slice(&value);
    }
    info.extend_from_slice(&[0, 0, 0, 0]);
    let flags: u32 =
        0x0000_0001 | 0x0000_0004 | 0x0000_0200 | 0x0001_0000 | 0x0080_0000 | 0x0008_0000;
    let header_len = 56u32;
    let mut m = b"NTLMSSP\0".to_vec();
    m.extend_from_slice(&2u32.to_le_bytes());
    m.extend_from_slice(&(target_name.len() as u16).to_le_bytes());
    m.extend_from_slice(&(target_name.len() as u16).to_le_bytes());
    m.extend_from_slice(&header_len.to_le_bytes());
    m.extend_from_slice(&flags.to_le_bytes());
    m.extend_from_slice(&challenge);
    m.extend_from_slice(&[0; 8]);
    m.extend_from_slice(&(info.len() as u16).to_le_bytes());
    m.extend_from_slice(&(info.len() as u16).to_le_bytes());
    m.extend_from_slice(&(header_len + target_name.len() as u32).to_le_bytes());
    m.extend_from_slice(&[10, 0, 0x61, 0x4a, 0, 0, 0, 15]);
    m.extend_from_slice(&target_name);
    m.extend_from_slice(&info);
    m
}

/// A field of an NTLM message (length at `at`, offset at `at + 4`).
fn field(m: &[u8], at: usize) -> Option<&[u8]> {
    let len = u16::from_le_bytes(m.get(at..at + 2)?.try_into().ok()?) as usize;
    let off = u32::from_le_bytes(m.get(at + 4..at + 8)?.try_into().ok()?) as usize;
    m.get(off..off + len)
}

fn utf16_string(bytes: &[u8]) -> Option<String> {
    String::from_utf16(
        &bytes
            .chunks(2)
            .map(|c| u16::from_le_bytes([c[0], *c.get(1).unwrap_or(&0)]))
            .collect::<Vec<_>>(),
    )
    .ok()
}

/// The MD5 hash of a `gss_channel_bindings_struct` without addresses, holding
/// `application_data`: what NTLM's `MsvAvChannelBindings` carries (MS-NLMP 2.2.2.1).
pub fn bindings_md5(application_data: &[u8]) -> [u8; 16] {
    use md5::Digest as _;
    let mut m = md5::Md5::new();
    m.update([0u8; 16]);
    m.update((application_data.len() as u32).to_le_bytes());
    m.update(application_data);
    m.finalize().into()
}

/// The AV pairs of an NTLMv2 response's blob (after its 28-byte header), up to MsvAvEOL.
pub fn av_pairs(blob: &[u8]) -> Vec<(u16, Vec<u8>)> {
    let mut out = Vec::new();
    let mut at = 28;
    while let Some(head) = blob.get(at..at + 4) {
        let kind = u16::from_le_bytes([head[0], head[1]]);
        let len = u16::from_le_bytes([head[2], head[3]]) as usize;
        if kind == 0 {
            break;
        }
        let Some(value) = blob.get(at + 4..at + 4 + len) else {
            break;
        };
        out.push((kind, value.to_vec()));
        at += 4 + len;
    }
    out
}

/// What a server with Extended Protection set to "Require" checks in the NTLMv2 response:
/// the channel bindings' MD5 (`MsvAvChannelBindings`) and the service name
/// (`MsvAvTargetName`).
#[derive(Debug, Clone, Default)]
pub struct Protection {
    /// The application data of the connection's channel bindings.
    pub bindings: Option<Vec<u8>>,
    /// The service name the client must name (`HTTP/<host>`).
    pub spn: Option<String>,
}

/// Checks an AUTHENTICATE message's NTLMv2 response against the password. `Some(user)`
/// (`DOMAIN\user`, or the user alone with an empty domain) when it is right.
pub fn verify_authenticate(m: &[u8], challenge: [u8; 8], password: &str) -> Option<String> {
    verify_protected(m, challenge, password, &Protection::default())
}

/// [`verify_authenticate`], refusing a response without the channel bindings and service
/// name `protection` requires.
pub fn verify_protected(
    m: &[u8],
    challenge: [u8; 8],
    password: &str,
    protection: &Protection,
) -> Option<String> {
    if m.get(..12)? != b"NTLMSSP\0\x03\0\0\0" {
        return None;
    }
    let nt = field(m, 20)?;
    let domain = utf16_string(field(m, 28)?)?;
    let user = utf16_string(field(m, 36)?)?;
    if nt.len() < 16 + 28 {
        return None;
    }
    let (proof, blob) = nt.split_at(16);
    use md4::Digest as _;
    let nt_hash = md4::Md4::digest(utf16(password));
    let key = hmac_md5(&nt_hash, &[&utf16(&user.to_uppercase()), &utf16(&domain)]);
    let expected = hmac_md5(&key, &[&challenge, blob]);
    // The blob carries the server's timestamp and target information back.
    let info_echoed = blob
        .windows(utf16("EXCH01").len())
        .any(|w| w == utf16("EXCH01").as_slice());
    let pairs = av_pairs(blob);
    let pair = |kind: u16| {
        pairs
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, v)| v.clone())
    };
    if let Some(data) = &protection.bindings {
        if pair(0x000A)? != bindings_md5(data) {
            return None;
        }
    }
    if let Some(spn) = &protection.spn {
        if pair(0x0009)? != utf16(spn) {
            return None;
        }
    }
    (proof == expected && info_echoed && blob[8..16] == SERVER_TIME.to_le_bytes()).then(|| {
        if domain.is_empty() {
            user
        } else {
            format!("{domain}\\{user}")
        }
    })
}

/// What one connection carries from request to request.
#[derive(Debug, Default)]
pub struct Connection {
    challenge: Option<[u8; 8]>,
    /// The user the connection is authenticated as.
    pub user: Option<String>,
}

/// What the server answers a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Gate {
    /// Authenticated (as `Connection::user`): answer the request.
    Pass,
    /// 401 with a `WWW-Authenticate` header for each scheme offered.
    Refuse,
    /// 401 with this `WWW-Authenticate` value (the scheme and the CHALLENGE).
    Challenge(String),
}

/// The gate of a request carrying `authorization`, on a connection in `state`, for a
/// server offering `offers` (`"NTLM"`, `"Negotiate"`) and knowing one password.
pub fn gate(
    authorization: Option<&str>,
    state: &mut Connection,
    offers: &[&str],
    password: &str,
) -> Gate {
    gate_protected(
        authorization,
        state,
        offers,
        password,
        &Protection::default(),
    )
}

/// [`gate`] with Extended Protection: an AUTHENTICATE without `protection`'s channel
/// bindings and service name is refused.
pub fn gate_protected(
    authorization: Option<&str>,
    state: &mut Connection,
    offers: &[&str],
    password: &str,
    protection: &Protection,
) -> Gate {
    static CHALLENGES: AtomicUsize = AtomicUsize::new(1);
    let Some(auth) = authorization else {
        return if state.user.is_some() {
            Gate::Pass
        } else {
            Gate::Refuse
        };
    };
    let (scheme, token) = auth.split_once(' ').unwrap_or((auth, ""));
    if !offers.contains(&scheme) {
        return Gate::Refuse;
    }
    let msg = base64::engine::general_purpose::STANDARD
        .decode(token)
        .unwrap_or_default();
    match msg.get(8) {
        Some(1) => {
            let n = CHALLENGES.fetch_add(1, Ordering::SeqCst) as u64;
            let challenge = (0x1122_3344_0000_0000u64 + n).to_le_bytes();
            state.challenge = Some(challenge);
            state.user = None;
            let c = base64::engine::general_purpose::STANDARD.encode(challenge_message(challenge));
            Gate::Challenge(format!("{scheme} {c}"))
        }
        Some(3) => match state
            .challenge
            .take()
            .and_then(|c| verify_protected(&msg, c, password, protection))
        {
            Some(user) => {
                state.user = Some(user);
                Gate::Pass
            }
            None => Gate::Refuse,
        },
        _ => Gate::Refuse,
    }
}
