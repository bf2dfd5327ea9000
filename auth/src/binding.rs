//! Channel bindings for Extended Protection (RFC 5929 `tls-server-end-point`, RFC 5056): the
//! hash of the server's TLS certificate, which NTLM (`MsvAvChannelBindings`, MS-NLMP
//! 2.2.2.1) and Kerberos (the GSS-API channel bindings) carry so that a server set to
//! require them knows the authentication was made for this TLS connection, not relayed.

use md5::Digest as _;

/// The `tls-server-end-point` channel bindings of a server certificate.
#[derive(Clone, PartialEq, Eq)]
pub struct ChannelBindings {
    application_data: Vec<u8>,
}

impl std::fmt::Debug for ChannelBindings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChannelBindings")
            .field(
                "application_data",
                &String::from_utf8_lossy(&self.application_data),
            )
            .finish()
    }
}

/// The hash functions RFC 5929 section 4.1 picks from a certificate's signature algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hash {
    /// SHA-256 (also for certificates signed with MD5 or SHA-1, and for signature algorithms
    /// naming no hash, such as Ed25519).
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl ChannelBindings {
    /// The bindings of the server certificate `der` (DER, as the TLS handshake carried it).
    /// An unreadable certificate is an error naming what is wrong.
    pub fn from_certificate(der: &[u8]) -> Result<ChannelBindings, String> {
        let hash = signature_hash(der)?;
        let digest = match hash {
            Hash::Sha256 => sha2::Sha256::digest(der).to_vec(),
            Hash::Sha384 => sha2::Sha384::digest(der).to_vec(),
            Hash::Sha512 => sha2::Sha512::digest(der).to_vec(),
        };
        let mut application_data = b"tls-server-end-point:".to_vec();
        application_data.extend_from_slice(&digest);
        Ok(ChannelBindings { application_data })
    }

    /// The application data of the GSS-API channel bindings: `tls-server-end-point:` and the
    /// certificate's hash.
    pub fn application_data(&self) -> &[u8] {
        &self.application_data
    }

    /// The MD5 hash of the `gss_channel_bindings_struct` (no addresses, the application
    /// data), as NTLM's `MsvAvChannelBindings` carries it.
    pub fn md5(&self) -> [u8; 16] {
        let mut m = md5::Md5::new();
        // initiator_addrtype, initiator_address length, acceptor_addrtype,
        // acceptor_address length: all zero.
        m.update([0u8; 16]);
        m.update((self.application_data.len() as u32).to_le_bytes());
        m.update(&self.application_data);
        m.finalize().into()
    }
}

/// One DER TLV of `input`: its tag, its content and what follows.
fn tlv(input: &[u8]) -> Result<(u8, &[u8], &[u8]), String> {
    let short = || "the server certificate is truncated".to_string();
    let (&tag, rest) = input.split_first().ok_or_else(short)?;
    let (&first, rest) = rest.split_first().ok_or_else(short)?;
    let (len, rest) = if first < 0x80 {
        (first as usize, rest)
    } else {
        let n = (first & 0x7f) as usize;
        if n == 0 || n > 4 || rest.len() < n {
            return Err("the server certificate has a bad DER length".into());
        }
        let len = rest[..n].iter().fold(0usize, |a, b| (a << 8) | *b as usize);
        (len, &rest[n..])
    };
    if rest.len() < len {
        return Err(short());
    }
    Ok((tag, &rest[..len], &rest[len..]))
}

const SEQUENCE: u8 = 0x30;
const OID: u8 = 0x06;

/// The hash of RFC 5929 for the certificate `der`: its signature algorithm's (read from the
/// `signatureAlgorithm` of the certificate), SHA-256 for MD5 and SHA-1.
pub fn signature_hash(der: &[u8]) -> Result<Hash, String> {
    let (tag, cert, _) = tlv(der)?;
    if tag != SEQUENCE {
        return Err("the server certificate is not a DER certificate".into());
    }
    let (_, _tbs, rest) = tlv(cert)?;
    let (tag, algorithm, _) = tlv(rest)?;
    if tag != SEQUENCE {
        return Err("the server certificate has no signature algorithm".into());
    }
    let (tag, oid, params) = tlv(algorithm)?;
    if tag != OID {
        return Err("the server certificate's signature algorithm is not an OID".into());
    }
    const RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01];
    const ECDSA: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03];
    Ok(match oid {
        [r @ .., 12] if r == RSA => Hash::Sha384,
        [r @ .., 13] if r == RSA => Hash::Sha512,
        [e @ .., 3] if e == ECDSA => Hash::Sha384,
        [e @ .., 4] if e == ECDSA => Hash::Sha512,
        // RSASSA-PSS: the hash of its parameters (default SHA-1).
        [r @ .., 10] if r == RSA => pss_hash(params),
        _ => Hash::Sha256,
    })
}

/// The hash named by RSASSA-PSS parameters (`[0] hashAlgorithm`, default SHA-1).
fn pss_hash(params: &[u8]) -> Hash {
    const SHA2: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02];
    let hash = (|| {
        let (_, seq, _) = tlv(params).ok()?;
        let (tag, explicit, _) = tlv(seq).ok()?;
        (tag == 0xa0).then_some(())?;
        let (_, alg, _) = tlv(explicit).ok()?;
        let (_, oid, _) = tlv(alg).ok()?;
        match oid {
            [s @ .., 2] if s == SHA2 => Some(Hash::Sha384),
            [s @ .., 3] if s == SHA2 => Some(Hash::Sha512),
            _ => None,
        }
    })();
    hash.unwrap_or(Hash::Sha256)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A certificate's outer layers with the signature algorithm `oid` (content bytes).
    fn cert(oid: &[u8], params: &[u8]) -> Vec<u8> {
        let mut alg = vec![OID, oid.len() as u8];
        alg.extend_from_slice(oid);
        alg.extend_from_slice(params);
        let mut inner = vec![SEQUENCE, 2, 0x02, 0x00];
        inner.push(SEQUENCE);
        inner.push(alg.len() as u8);
        inner.extend_from_slice(&alg);
        inner.extend_from_slice(&[0x03, 1, 0]);
        let mut der = vec![SEQUENCE, inner.len() as u8];
        der.extend_from_slice(&inner);
        der
    }

    #[test]
    fn the_hash_follows_the_signature_algorithm() {
        let rsa = |n| [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, n];
        let ecdsa = |n| [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, n];
        assert_eq!(signature_hash(&cert(&rsa(4), &[])), Ok(Hash::Sha256)); // MD5
        assert_eq!(signature_hash(&cert(&rsa(5), &[])), Ok(Hash::Sha256)); // SHA-1
        assert_eq!(signature_hash(&cert(&rsa(11), &[])), Ok(Hash::Sha256));
        assert_eq!(signature_hash(&cert(&rsa(12), &[])), Ok(Hash::Sha384));
        assert_eq!(signature_hash(&cert(&rsa(13), &[])), Ok(Hash::Sha512));
        assert_eq!(signature_hash(&cert(&ecdsa(2), &[])), Ok(Hash::Sha256));
        assert_eq!(signature_hash(&cert(&ecdsa(3), &[])), Ok(Hash::Sha384));
        let sha384 = [0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02];
        let mut pss = vec![SEQUENCE, 15, 0xa0, 13, SEQUENCE, 11, OID, 9];
        pss.extend_from_slice(&sha384);
        assert_eq!(signature_hash(&cert(&rsa(10), &pss)), Ok(Hash::Sha384));
        assert_eq!(signature_hash(&cert(&rsa(10), &[])), Ok(Hash::Sha256));
    }

    #[test]
    fn bad_certificates_are_errors() {
        for der in [&[][..], &[0x30], &[0x30, 0x05, 0x30], &[0x02, 0x00]] {
            assert!(ChannelBindings::from_certificate(der).is_err(), "{der:?}");
        }
    }

    #[test]
    fn the_ntlm_hash_covers_the_structure() {
        let b = ChannelBindings {
            application_data: b"tls-server-end-point:ab".to_vec(),
        };
        let mut s = vec![0u8; 16];
        s.extend_from_slice(&23u32.to_le_bytes());
        s.extend_from_slice(b"tls-server-end-point:ab");
        assert_eq!(b.md5(), <[u8; 16]>::from(md5::Md5::digest(&s)));
    }
}
