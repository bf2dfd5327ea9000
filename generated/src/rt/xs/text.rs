//! The text form of a value: [`Text`], implemented by XML Schema simple types,
//! enumerations, lists and unions, and here by the Rust types that stand for the built-in
//! ones (`String`, `bool`, the integers, `f32` and `f64`). Reached through
//! `crate::__private`: not part of the documented API.

use std::borrow::Cow;

/// A value with a text form: XML Schema simple types, enumerations, lists and unions.
pub trait Text: Sized {
    /// The XML Schema built-in type the Rust type stands for (`int`, `dateTime`, ...), when
    /// libxml2 refuses whitespace around its values: strict reading checks it (see
    /// [`strip_as_libxml2`](crate::rt::lexical::strip_as_libxml2)). Empty for the others.
    const XS: &'static str = "";
    /// Parses the text form; the error says why it does not parse.
    fn parse_text(s: &str) -> std::result::Result<Self, String>;
    /// Appends the text form.
    fn write_text(&self, out: &mut String);
    /// Whether the value is one the schema lists: `false` for an enumeration's value kept
    /// as sent (and a list or union holding one), which strict reading refuses.
    #[inline]
    fn is_listed(&self) -> bool {
        true
    }
    /// Parses text the reader may already own (text with entity references), so that a
    /// string type can keep it without copying; the error gives the text back.
    #[inline]
    fn parse_text_cow(s: Cow<'_, str>) -> std::result::Result<Self, (String, Cow<'_, str>)> {
        match Self::parse_text(&s) {
            Ok(v) => Ok(v),
            Err(reason) => Err((reason, s)),
        }
    }
}

/// Why strict reading refuses an enumeration value the schema does not list.
pub const NOT_LISTED: &str =
    "[facet 'enumeration'] the value is not an element of the set the schema lists";

impl Text for String {
    #[inline]
    fn parse_text(s: &str) -> std::result::Result<Self, String> {
        Ok(s.to_string())
    }
    #[inline]
    fn parse_text_cow(s: Cow<'_, str>) -> std::result::Result<Self, (String, Cow<'_, str>)> {
        Ok(s.into_owned())
    }
    #[inline]
    fn write_text(&self, out: &mut String) {
        out.push_str(self)
    }
}

impl Text for bool {
    fn parse_text(s: &str) -> std::result::Result<Self, String> {
        match s.trim() {
            "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            _ => Err("expected `true`, `false`, `1` or `0`".into()),
        }
    }
    fn write_text(&self, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" })
    }
}

macro_rules! int_text {
    ($($t:ty: $xs:literal),*) => {$(
        impl Text for $t {
            const XS: &'static str = $xs;
            #[inline]
            fn parse_text(s: &str) -> std::result::Result<Self, String> {
                let t = s.trim();
                let t = t.strip_prefix('+').unwrap_or(t);
                t.parse::<$t>().map_err(|e| format!("not a valid {} ({e})", stringify!($t)))
            }
            #[inline]
            fn write_text(&self, out: &mut String) {
                use std::fmt::Write;
                let _ = write!(out, "{}", self);
            }
        }
    )*};
}
int_text!(
    i8: "byte",
    i16: "short",
    i32: "int",
    i64: "long",
    i128: "integer",
    u8: "unsignedByte",
    u16: "unsignedShort",
    u32: "unsignedInt",
    u64: "unsignedLong",
    u128: ""
);

macro_rules! float_text {
    ($($t:ty),*) => {$(
        impl Text for $t {
            fn parse_text(s: &str) -> std::result::Result<Self, String> {
                match s.trim() {
                    "INF" | "+INF" => Ok(<$t>::INFINITY),
                    "-INF" => Ok(<$t>::NEG_INFINITY),
                    "NaN" => Ok(<$t>::NAN),
                    t if t.contains(|c: char| c.is_ascii_alphabetic() && c != 'e' && c != 'E') => {
                        Err(format!("not a valid {}", stringify!($t)))
                    }
                    t => t.parse::<$t>().map_err(|e| format!("not a valid {} ({e})", stringify!($t))),
                }
            }
            fn write_text(&self, out: &mut String) {
                use std::fmt::Write;
                if self.is_nan() {
                    out.push_str("NaN");
                } else if self.is_infinite() {
                    out.push_str(if *self > 0.0 { "INF" } else { "-INF" });
                } else {
                    let _ = write!(out, "{}", self);
                }
            }
        }
    )*};
}
float_text!(f32, f64);
