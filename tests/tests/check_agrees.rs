//! The request check refuses exactly what strict reading refuses, on every value the
//! generated types can hold. Random values of every global element (the generator's
//! `Arbitrary` impls, driven by `Gen::breaking`, which breaks the schema here and there:
//! a list one item short, a string outside its facets, a raw element in a namespace its
//! wildcard refuses) are written twice: by a checking writer, and by a plain one whose
//! document strict reading then judges. The two verdicts must be the same, for the
//! project's own schema (always) and for office365 (with the shared material).
//!
//! The check trusts the generated writers for the order of elements and for required
//! elements and attributes; strict reading trusts nothing, so a writer that broke either
//! would show here as a document the check passes and strict reading refuses.

use ewsgen::__private::{Value, Writer};
use ewsgen::rt::{Namespaces, ReadOptions};

/// Seeds per element.
const CASES: u64 = 48;

/// Levels of optional nesting in a random value.
const DEPTH: usize = 4;

/// The random value builders of a schema's global elements, by tag.
type Elements<G> = [(&'static str, fn(&mut ews_tests::random::Gen) -> G)];

/// Verdicts of the two ways over `CASES` seeds per element: (documents refused by both,
/// passed by both, disagreements described).
fn compare<G: Value + std::fmt::Debug>(
    elements: &Elements<G>,
    namespaces: Namespaces,
    read: impl Fn(&str, ReadOptions) -> ewsgen::rt::Result<G>,
) -> (usize, usize, Vec<String>) {
    let (mut refused, mut passed, mut disagree) = (0, 0, Vec::new());
    for (tag, build) in elements {
        for seed in 0..CASES {
            let value = build(&mut ews_tests::random::Gen::breaking(seed, DEPTH));
            let mut plain = Writer::new(namespaces);
            value.write_value(&mut plain, "");
            let doc = plain
                .finish()
                .expect("random values hold XML characters only");
            let mut checking = Writer::new(namespaces).checking();
            value.write_value(&mut checking, "");
            let checked = checking.finish();
            let strict = read(&doc, ReadOptions::strict());
            match (&checked, &strict) {
                (Ok(_), Ok(_)) => passed += 1,
                (Err(_), Err(_)) => refused += 1,
                (Ok(_), Err(e)) => disagree.push(format!(
                    "{tag}, seed {seed}: the check passes what strict reading refuses: {e}\n{doc}"
                )),
                (Err(e), Ok(_)) => disagree.push(format!(
                    "{tag}, seed {seed}: the check refuses what strict reading reads: {e}\n{doc}"
                )),
            }
        }
    }
    (refused, passed, disagree)
}

fn judge(set: &str, elements: usize, (refused, passed, disagree): (usize, usize, Vec<String>)) {
    eprintln!(
        "{set}: {elements} elements, {} documents: {refused} refused by both, {passed} passed by both, {} disagreements",
        refused + passed + disagree.len(),
        disagree.len()
    );
    assert!(
        disagree.is_empty(),
        "{} disagreement(s):\n{}",
        disagree.len(),
        disagree
            .iter()
            .take(10)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n\n")
    );
    // Both verdicts occur: the breaking generator breaks, and not everything.
    assert!(
        refused > 0 && passed > 0,
        "{refused} refused, {passed} passed"
    );
}

#[test]
fn the_check_agrees_with_strict_reading_on_the_own_schema() {
    use ews_tests::own::{arbitrary::ELEMENTS, GlobalElement, NAMESPACES};
    let r = compare(ELEMENTS, NAMESPACES, GlobalElement::from_document_with);
    judge("own schema", ELEMENTS.len(), r);
}

#[cfg(ews_shared)]
fn office365() {
    use ews_tests::office365::{arbitrary::ELEMENTS, GlobalElement, NAMESPACES};
    let r = compare(ELEMENTS, NAMESPACES, GlobalElement::from_document_with);
    judge("office365", ELEMENTS.len(), r);
}

#[cfg(not(ews_shared))]
fn office365() {
    panic!("compiled without the shared material (../shared or EWS_SHARED_DIR)");
}

#[test]
#[cfg_attr(
    not(ews_shared),
    ignore = "needs ../shared/ews-schemas/office365 (or EWS_SHARED_DIR)"
)]
fn the_check_agrees_with_strict_reading_on_office365() {
    office365();
}
