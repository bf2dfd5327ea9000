//! The envelope reader on arbitrary bytes, under every unknown-element policy: it returns a
//! value or an error, and a value writes back to XML that reads back the same.
#![no_main]

use ewsgen::rt::{ReadOptions, UnknownElements};
use ewsgen::soap::Envelope;
use ewsgen::GlobalElement;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for policy in [UnknownElements::Error, UnknownElements::Skip, UnknownElements::Keep] {
        let options = ReadOptions {
            unknown_elements: policy,
            max_document_bytes: 1 << 20,
            ..ReadOptions::default()
        };
        if let Ok(env) = Envelope::<GlobalElement>::from_bytes(data, ewsgen::NAMESPACES, options) {
            let xml = env.to_xml(ewsgen::NAMESPACES).unwrap();
            let strict = ReadOptions {
                unknown_elements: UnknownElements::Error,
                ..ReadOptions::default()
            };
            let again = Envelope::<GlobalElement>::from_bytes(xml.as_bytes(), ewsgen::NAMESPACES, strict)
                .unwrap_or_else(|e| panic!("written envelope does not read back: {e}\n{xml}"));
            assert!(
                again.headers == env.headers && again.body == env.body && again.fault == env.fault,
                "written envelope reads back to another value\n{xml}"
            );
        }
    }
});
