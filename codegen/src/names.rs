//! Rust names for schema names: one sanitizer for identifiers, with the XML name kept beside.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Words Rust reserves (strict and reserved keywords, 2021 edition and later).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Whether `s` is a Rust keyword.
pub fn is_keyword(s: &str) -> bool {
    KEYWORDS.binary_search(&s).is_ok()
}

fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// A type or variant name (`UpperCamelCase`), always a valid non-raw identifier.
pub fn type_name(xml: &str) -> String {
    let mut s = clean(xml).to_upper_camel_case();
    if s.is_empty() {
        s = "Empty".into();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s = format!("V{s}");
    }
    if s == "Self" {
        s = "Self_".into();
    }
    s
}

/// A field or module name (`snake_case`); keywords are made raw (`r#type`) where Rust
/// allows it and get a trailing `_` where it does not (`self_`).
pub fn field_name(xml: &str) -> String {
    let mut s = clean(xml).to_snake_case();
    if s.is_empty() {
        s = "value".into();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s = format!("_{s}");
    }
    if matches!(s.as_str(), "self" | "crate" | "super" | "_") {
        s.push('_');
    } else if is_keyword(&s) {
        s = format!("r#{s}");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyword_table_is_sorted() {
        let mut sorted = KEYWORDS.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, KEYWORDS);
    }

    #[test]
    fn names() {
        let cases = [
            ("SetImGroupType", "SetImGroupType", "set_im_group_type"),
            ("type", "Type", "r#type"),
            ("Self", "Self_", "self_"),
            ("self", "Self_", "self_"),
            ("crate", "Crate", "crate_"),
            ("Exchange2007_SP1", "Exchange2007Sp1", "exchange2007_sp1"),
            ("max-size", "MaxSize", "max_size"),
            ("item:Subject", "ItemSubject", "item_subject"),
            ("1stValue", "V1stValue", "_1st_value"),
            ("", "Empty", "value"),
            ("match", "Match", "r#match"),
            ("Option", "Option", "option"),
        ];
        for (xml, ty, field) in cases {
            assert_eq!(type_name(xml), ty, "type name of {xml:?}");
            assert_eq!(field_name(xml), field, "field name of {xml:?}");
        }
    }
}
