//! Certificates made at test time: a CA, and a server certificate signed by it for the
//! names a test uses (host names, or IP addresses such as `127.0.0.1`).

use std::sync::Arc;

use tokio_rustls::rustls;

/// A CA and a TLS server configuration whose certificate it signed.
pub struct Pki {
    /// The CA certificate, PEM (for a client's extra roots, or `EWS_CA_FILE`).
    pub ca_pem: String,
    /// The server's TLS configuration.
    pub server: Arc<rustls::ServerConfig>,
    /// The server's certificate, DER (an ECDSA P-256 certificate signed with SHA-256: its
    /// `tls-server-end-point` channel bindings hash it with SHA-256).
    pub server_der: Vec<u8>,
}

impl Pki {
    /// A new CA and a certificate for `names` (DNS names or IP addresses).
    pub fn new(names: &[&str]) -> Pki {
        let mut ca = rcgen::CertificateParams::new(Vec::<String>::new()).expect("CA params");
        ca.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        ca.distinguished_name
            .push(rcgen::DnType::CommonName, "ewsgen test CA");
        ca.key_usages = vec![
            rcgen::KeyUsagePurpose::KeyCertSign,
            rcgen::KeyUsagePurpose::CrlSign,
            rcgen::KeyUsagePurpose::DigitalSignature,
        ];
        let ca_key = rcgen::KeyPair::generate().expect("CA key");
        let ca_cert = ca.self_signed(&ca_key).expect("CA certificate");
        let issuer = rcgen::Issuer::new(ca, ca_key);
        let leaf =
            rcgen::CertificateParams::new(names.iter().map(|h| h.to_string()).collect::<Vec<_>>())
                .expect("server params");
        let leaf_key = rcgen::KeyPair::generate().expect("server key");
        let leaf_cert = leaf.signed_by(&leaf_key, &issuer).expect("server cert");
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let server = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("TLS versions")
            .with_no_client_auth()
            .with_single_cert(
                vec![leaf_cert.der().clone()],
                rustls::pki_types::PrivateKeyDer::Pkcs8(leaf_key.serialize_der().into()),
            )
            .expect("server TLS config");
        Pki {
            ca_pem: ca_cert.pem(),
            server: Arc::new(server),
            server_der: leaf_cert.der().to_vec(),
        }
    }

    /// The application data of the server certificate's `tls-server-end-point` channel
    /// bindings (RFC 5929), computed here: `tls-server-end-point:` and the SHA-256 hash of
    /// the certificate.
    pub fn end_point_bindings(&self) -> Vec<u8> {
        use sha2::Digest as _;
        let mut data = b"tls-server-end-point:".to_vec();
        data.extend_from_slice(&sha2::Sha256::digest(&self.server_der));
        data
    }

    /// An acceptor of TLS connections with the server certificate.
    pub fn acceptor(&self) -> tokio_rustls::TlsAcceptor {
        tokio_rustls::TlsAcceptor::from(self.server.clone())
    }
}

/// A self-signed certificate with a new RSA 2048 key, as an application registers for
/// client assertions: its DER, and one PEM text holding the certificate and the key
/// (PKCS #8).
pub fn rsa_client_certificate(common_name: &str) -> (Vec<u8>, String) {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).expect("RSA key");
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, common_name);
    let cert = params.self_signed(&key).expect("self-signed certificate");
    (
        cert.der().to_vec(),
        format!("{}{}", cert.pem(), key.serialize_pem()),
    )
}
