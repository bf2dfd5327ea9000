//! The envelope reader on arbitrary bytes, strict and under every unknown-element policy
//! of the default reading: it returns a value or an error, and a value writes back to XML
//! that reads back the same under the options it was read with.
#![no_main]

use ewsgen::rt::{ReadOptions, UnknownElements};
use ewsgen::soap::Envelope;
use ewsgen::GlobalElement;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limit = 1 << 20;
    let strict = ReadOptions::builder()
        .strict(true)
        .max_document_bytes(limit)
        .build();
    let lenient = [
        UnknownElements::Error,
        UnknownElements::Skip,
        UnknownElements::Keep,
    ]
    .map(|p| {
        ReadOptions::builder()
            .unknown_elements(p)
            .max_document_bytes(limit)
            .build()
    });
    for options in std::iter::once(strict).chain(lenient) {
        if let Ok(env) =
            Envelope::<GlobalElement>::from_bytes(data, ewsgen::NAMESPACES, options.clone())
        {
            let xml = env
                .to_xml(ewsgen::NAMESPACES)
                .unwrap_or_else(|e| panic!("envelope read with {options:?} does not write: {e}"));
            let again = Envelope::<GlobalElement>::from_bytes(
                xml.as_bytes(),
                ewsgen::NAMESPACES,
                options.clone(),
            )
            .unwrap_or_else(|e| {
                panic!("written envelope does not read back with {options:?}: {e}\n{xml}")
            });
            assert!(
                again.headers == env.headers && again.body == env.body && again.fault == env.fault,
                "written envelope reads back to another value with {options:?}\n{xml}"
            );
        }
    }
});
