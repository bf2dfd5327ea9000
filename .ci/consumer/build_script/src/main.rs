//! Uses the bindings its build script generated, with the published `ewsgen` runtime.

#[deny(warnings)]
#[allow(dead_code)] // a binary uses a few of the generated items
mod bindings {
    include!(concat!(env!("OUT_DIR"), "/ews_generated.rs"));
}

use bindings::messages::SetImGroupType;
use bindings::types::ItemIdType;

fn main() {
    let request = SetImGroupType::new(ItemIdType::new("AAMkAGQ1MjJj".into()), "Friends".into());
    let xml = ewsgen::rt::to_string(&request).unwrap();
    let back: SetImGroupType = ewsgen::rt::from_str(&xml).expect("read back");
    assert_eq!(back, request);
    println!("{xml}");
}
