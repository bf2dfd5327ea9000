//! Version negotiation, remembered per endpoint for the whole process: the version a
//! request without an explicit `RequestServerVersion` is sent with, found in one step from
//! the server's `ServerVersionInfo`, else by a search over the bindings' versions.
//!
//! The first request goes out with the newest version the bindings know. A server that
//! refuses it still says what it is (every Exchange answer, faults included, carries
//! `ServerVersionInfo`): its `Version` when that is one of `ExchangeVersionType`'s values
//! (Exchange 2016 CU and later: `V2017_07_11`), else its build (15.0.847 is Exchange 2013
//! SP1; see [`version_of_build`]) names the version the next request uses. A server that
//! never says is searched by halving: a version it refuses rules out the newer ones, a
//! version it accepts the older ones; the call is answered as soon as one version is
//! accepted, and the following calls probe the versions left between (one probe a call at
//! most, sent again with the accepted version when refused) until the newest accepted is
//! known.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, OnceLock};

use super::throttle::lock;
use crate::version::ServerVersion;

/// `ExchangeVersionType`'s values, oldest first, as the schemas list them (the order in
/// which servers accept them: a server accepts every version up to its own).
const LADDER: &[&str] = &[
    "Exchange2007",
    "Exchange2007_SP1",
    "Exchange2009",
    "Exchange2010",
    "Exchange2010_SP1",
    "Exchange2010_SP2",
    "Exchange2013",
    "Exchange2013_SP1",
    "Exchange2015",
    "Exchange2016",
    "V2015_10_05",
    "V2016_01_06",
    "V2016_04_13",
    "V2016_07_13",
    "V2016_10_10",
    "V2017_01_07",
    "V2017_04_14",
    "V2017_07_11",
    "V2017_10_09",
    "V2018_01_08",
];

/// The newest request version a server of this build accepts, from its `MajorVersion`,
/// `MinorVersion` and `MajorBuildNumber`: 8.0 Exchange 2007, 8.1 and later SP1; 14.0
/// Exchange 2010, 14.1 SP1, 14.2 and 14.3 SP2; 15.0 Exchange 2013, from build 847 SP1; 15.1
/// (Exchange 2016) and 15.2 (Exchange 2019) `Exchange2016` (their cumulative updates state
/// a newer `Version` themselves); 15.20 and later (Exchange Online) and any later major
/// version, the newest. `None` without a major version, or before Exchange 2007.
pub(crate) fn version_of_build(server: &ServerVersion) -> Option<&'static str> {
    let major = server.major_version?;
    let minor = server.minor_version.unwrap_or(0);
    let build = server.major_build_number.unwrap_or(0);
    Some(match (major, minor) {
        (..=7, _) => return None,
        (8, 0) => "Exchange2007",
        (8, _) => "Exchange2007_SP1",
        (9..=13, _) => "Exchange2007_SP1",
        (14, 0) => "Exchange2010",
        (14, 1) => "Exchange2010_SP1",
        (14, _) => "Exchange2010_SP2",
        (15, 0) if build < 847 => "Exchange2013",
        (15, 0) => "Exchange2013_SP1",
        (15, 1..=19) => "Exchange2016",
        _ => LADDER[LADDER.len() - 1],
    })
}

/// The version of `versions` (the bindings', newest first) to send to the server `server`
/// describes: its `Version` when the bindings know it, else the newest of the bindings'
/// versions its build accepts.
pub(crate) fn version_for(
    server: &ServerVersion,
    versions: &'static [&'static str],
) -> Option<&'static str> {
    if let Some(stated) = server.version.as_deref() {
        if let Some(v) = versions.iter().find(|v| **v == stated) {
            return Some(v);
        }
    }
    let rank = |v: &str| LADDER.iter().position(|l| *l == v);
    let limit = rank(version_of_build(server)?)?;
    versions
        .iter()
        .find(|v| rank(v).is_some_and(|r| r <= limit))
        .copied()
}

/// What an endpoint said of the versions asked for.
#[derive(Debug, Default)]
pub(crate) struct Negotiation {
    /// The newest version known to be accepted.
    accepted: Option<String>,
    /// The versions refused.
    refused: BTreeSet<String>,
    /// The version the server's `ServerVersionInfo` names (see [`version_for`]).
    stated: Option<&'static str>,
}

impl Negotiation {
    /// The version to send (`None` when every version was refused). `probe`: whether this
    /// request may try a version between the one accepted and the ones refused (once a
    /// call), rather than the one accepted.
    pub fn current(&self, versions: &'static [&'static str], probe: bool) -> Option<&'static str> {
        let index = |v: &str| versions.iter().position(|x| *x == v);
        let open = |i: &usize| !self.refused.contains(versions[*i]);
        // The server said what it is: that version (refused anyway, the search below).
        if let Some(stated) = self.stated.and_then(index).filter(open) {
            return Some(versions[stated]);
        }
        // Not newer than a version refused; not older than the one accepted.
        let lower = versions
            .iter()
            .enumerate()
            .filter(|(_, v)| self.refused.contains(**v))
            .map(|(i, _)| i + 1)
            .max()
            .unwrap_or(0);
        let accepted = self.accepted.as_deref().and_then(index);
        let upper = accepted.unwrap_or(versions.len().saturating_sub(1));
        if lower >= versions.len() {
            return None;
        }
        if lower >= upper {
            return Some(versions[upper]);
        }
        match accepted {
            Some(a) if !probe => Some(versions[a]),
            // Newest first; then halving what is left.
            _ if lower == 0 => Some(versions[0]),
            _ => Some(versions[(lower + upper) / 2]),
        }
    }

    /// The endpoint refused `version` (`ErrorInvalidServerVersion`,
    /// `ErrorIncorrectSchemaVersion`).
    pub fn refuse(&mut self, version: &str) {
        if self.accepted.as_deref() == Some(version) {
            self.accepted = None;
        }
        self.refused.insert(version.to_string());
    }

    /// The endpoint answered a request sent with `version`.
    pub fn accept(&mut self, version: &str, versions: &'static [&'static str]) {
        let index = |v: &str| versions.iter().position(|x| *x == v);
        let newer = match self.accepted.as_deref().and_then(index) {
            Some(a) => index(version).is_some_and(|i| i < a),
            None => true,
        };
        if newer {
            self.accepted = Some(version.to_string());
        }
    }

    /// The server said what it is (the `ServerVersionInfo` of an answer).
    pub fn state(&mut self, server: &ServerVersion, versions: &'static [&'static str]) {
        if let Some(v) = version_for(server, versions) {
            self.stated = Some(v);
        }
    }

    /// The version accepted.
    pub fn accepted(&self) -> Option<&str> {
        self.accepted.as_deref()
    }

    /// Forgets everything (every version was refused: the next request starts over).
    pub fn reset(&mut self) {
        *self = Negotiation::default();
    }
}

type Registry = Mutex<HashMap<String, Arc<Mutex<Negotiation>>>>;

/// The negotiation state of an endpoint, shared by every client of the process.
pub(crate) fn for_endpoint(url: &str) -> Arc<Mutex<Negotiation>> {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    let registry = REGISTRY.get_or_init(Registry::default);
    lock(registry).entry(url.to_string()).or_default().clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The ladder, newest first, as the bindings list it.
    fn versions() -> &'static [&'static str] {
        static V: OnceLock<Vec<&'static str>> = OnceLock::new();
        V.get_or_init(|| LADDER.iter().rev().copied().collect())
    }

    fn server(major: i32, minor: i32, build: i32, version: Option<&str>) -> ServerVersion {
        ServerVersion {
            major_version: Some(major),
            minor_version: Some(minor),
            major_build_number: Some(build),
            minor_build_number: Some(0),
            version: version.map(str::to_string),
        }
    }

    #[test]
    fn a_server_version_names_a_request_version() {
        let v = versions();
        // Exchange 2013 SP1 says V2_8, which is no request version: its build decides.
        assert_eq!(
            version_for(&server(15, 0, 847, Some("V2_8")), v),
            Some("Exchange2013_SP1")
        );
        assert_eq!(
            version_for(&server(15, 0, 516, Some("V2_6")), v),
            Some("Exchange2013")
        );
        assert_eq!(
            version_for(&server(15, 1, 2507, Some("V2017_07_11")), v),
            Some("V2017_07_11")
        );
        assert_eq!(
            version_for(&server(15, 1, 225, None), v),
            Some("Exchange2016")
        );
        assert_eq!(
            version_for(&server(14, 3, 123, None), v),
            Some("Exchange2010_SP2")
        );
        assert_eq!(
            version_for(&server(14, 1, 218, None), v),
            Some("Exchange2010_SP1")
        );
        assert_eq!(
            version_for(&server(8, 3, 83, None), v),
            Some("Exchange2007_SP1")
        );
        assert_eq!(
            version_for(&server(15, 20, 8, Some("V2018_01_08")), v),
            Some("V2018_01_08")
        );
        assert_eq!(
            version_for(&server(15, 20, 8, Some("V2_27")), v),
            Some("V2018_01_08")
        );
        assert_eq!(version_for(&server(6, 5, 0, None), v), None);
        assert_eq!(version_for(&ServerVersion::default(), v), None);
        // Older bindings: the newest they have that the server accepts.
        let old: &'static [&'static str] = &["Exchange2010_SP2", "Exchange2010", "Exchange2007"];
        assert_eq!(
            version_for(&server(15, 1, 2507, Some("V2017_07_11")), old),
            Some("Exchange2010_SP2")
        );
        assert_eq!(
            version_for(&server(14, 1, 218, None), old),
            Some("Exchange2010")
        );
    }

    #[test]
    fn a_refusal_with_a_server_version_is_one_step() {
        let v = versions();
        let mut n = Negotiation::default();
        assert_eq!(n.current(v, true), Some("V2018_01_08"));
        n.refuse("V2018_01_08");
        n.state(&server(15, 0, 847, Some("V2_8")), v);
        assert_eq!(n.current(v, true), Some("Exchange2013_SP1"));
        n.accept("Exchange2013_SP1", v);
        assert_eq!(n.current(v, true), Some("Exchange2013_SP1"));
        // A stated version refused anyway: a search over the older ones.
        n.refuse("Exchange2013_SP1");
        let next = n.current(v, true).expect("older versions left");
        let rank = |x: &str| v.iter().position(|y| *y == x);
        assert!(rank(next) > rank("Exchange2013_SP1"), "{next}");
    }

    #[test]
    fn without_a_server_version_the_ladder_is_halved() {
        let v = versions();
        // For each server (the newest version it accepts), calls until the newest accepted
        // is known: the first call is answered within 1 + log2(20) requests (a walk down
        // the ladder takes up to 20), each later one within 2.
        for newest in 0..v.len() {
            let mut n = Negotiation::default();
            let mut calls = Vec::new();
            while n.accepted().is_none() || n.current(v, true) != n.current(v, false) {
                assert!(calls.len() < 8, "server {newest}: {calls:?}");
                let mut sent = Vec::new();
                let mut probe = true;
                loop {
                    let version = n.current(v, probe).expect("a version left");
                    sent.push(version);
                    let i = v.iter().position(|x| *x == version).expect("known");
                    if i >= newest {
                        n.accept(version, v);
                        break;
                    }
                    n.refuse(version);
                    probe = n.accepted().is_none();
                }
                calls.push(sent);
            }
            assert!(calls[0].len() <= 6, "server {newest}: {calls:?}");
            assert!(
                calls[1..].iter().all(|c| c.len() <= 2),
                "server {newest}: {calls:?}"
            );
            assert_eq!(n.accepted(), Some(v[newest]), "server {newest}: {calls:?}");
            assert_eq!(n.current(v, true), Some(v[newest]));
        }
    }

    #[test]
    fn every_version_refused_is_none_until_reset() {
        let v: &'static [&'static str] = &["V3", "V2", "V1"];
        let mut n = Negotiation::default();
        for x in v {
            n.refuse(x);
        }
        assert_eq!(n.current(v, true), None);
        n.reset();
        assert_eq!(n.current(v, true), Some("V3"));
    }
}
