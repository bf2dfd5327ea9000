//! The SOAP headers of version negotiation: `RequestServerVersion` (the schema version a
//! request asks the server to speak) and `ServerVersionInfo` (the build that answered).
//! The generated `RequestHeaders` and `ResponseHeaders` implement [`RequestVersion`] and
//! [`ServerVersionHeader`]; without an explicit `RequestServerVersion` the client sends the
//! newest version of [`RequestVersion::VERSIONS`] and falls back to older ones (see
//! `client::Client::call`).

/// The `RequestServerVersion` header of a request's headers (generated).
pub trait RequestVersion: Sized {
    /// Every version the bindings know (the values of `ExchangeVersionType`), newest first;
    /// empty when the schema has no `RequestServerVersion` header.
    const VERSIONS: &'static [&'static str];
    /// The version the headers ask for, when they carry the header.
    fn requested_version(&self) -> Option<&str>;
    /// The same headers asking for `version`.
    fn with_version(&self, version: &str) -> Self;
}

/// The `ServerVersionInfo` header of a response's headers (generated).
pub trait ServerVersionHeader {
    /// The header's values, when the response carries it.
    fn server_version(&self) -> Option<ServerVersion>;
}

/// The version of an Exchange server: what a response's `ServerVersionInfo` says of the
/// server that answered, or what an Autodiscover answer says
/// ([`ServerVersion::from_autodiscover`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ServerVersion {
    /// `MajorVersion` (15 for Exchange 2013 to 2019 and Exchange Online).
    pub major_version: Option<i32>,
    /// `MinorVersion`.
    pub minor_version: Option<i32>,
    /// `MajorBuildNumber`.
    pub major_build_number: Option<i32>,
    /// `MinorBuildNumber`.
    pub minor_build_number: Option<i32>,
    /// `Version` (such as `V2018_01_08`, or an internal name such as `V2_6`).
    pub version: Option<String>,
}

impl ServerVersion {
    /// The server version an Autodiscover answer gives in hexadecimal (`ServerVersion`, such
    /// as `738180DA`: Exchange 14.1 build 218): 4 bits of flags, 6 bits of major version, 6
    /// bits of minor version, 1 bit, 15 bits of build number (the `MajorBuildNumber`).
    /// `None` when it is not 1 to 8 hexadecimal digits.
    pub fn from_autodiscover(hex: &str) -> Option<ServerVersion> {
        let hex = hex.trim();
        if hex.is_empty() || hex.len() > 8 {
            return None;
        }
        let v = u32::from_str_radix(hex, 16).ok()?;
        Some(ServerVersion {
            major_version: Some(((v >> 22) & 0x3f) as i32),
            minor_version: Some(((v >> 16) & 0x3f) as i32),
            major_build_number: Some((v & 0x7fff) as i32),
            ..ServerVersion::default()
        })
    }
}
