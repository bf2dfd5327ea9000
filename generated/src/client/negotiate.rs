//! Version negotiation, remembered per endpoint for the whole process: the version a
//! request without an explicit `RequestServerVersion` is sent with, the versions the
//! endpoint refused, the one it accepted.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, OnceLock};

use super::throttle::lock;

/// What an endpoint said of the versions asked for.
#[derive(Debug, Default)]
pub(crate) struct Negotiation {
    accepted: Option<String>,
    refused: BTreeSet<String>,
}

impl Negotiation {
    /// The version to send: the one accepted, else the newest not refused (`None` when
    /// every version was refused).
    pub fn current(&self, versions: &'static [&'static str]) -> Option<&'static str> {
        if let Some(a) = &self.accepted {
            if let Some(v) = versions.iter().find(|v| **v == a.as_str()) {
                return Some(v);
            }
        }
        versions
            .iter()
            .find(|v| !self.refused.contains(**v))
            .copied()
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
    pub fn accept(&mut self, version: &str) {
        self.accepted = Some(version.to_string());
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

    const VERSIONS: &[&str] = &["V3", "V2", "V1"];

    #[test]
    fn the_newest_not_refused_then_the_one_accepted() {
        let mut n = Negotiation::default();
        assert_eq!(n.current(VERSIONS), Some("V3"));
        n.refuse("V3");
        assert_eq!(n.current(VERSIONS), Some("V2"));
        n.accept("V2");
        assert_eq!(n.current(VERSIONS), Some("V2"));
        assert_eq!(n.accepted(), Some("V2"));
        n.refuse("V2");
        n.refuse("V1");
        assert_eq!(n.current(VERSIONS), None);
        n.reset();
        assert_eq!(n.current(VERSIONS), Some("V3"));
    }
}
