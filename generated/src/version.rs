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

/// What `ServerVersionInfo` says of the server that answered.
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
