//! Typed XML Schema date and time values: [`DateTime`](date_time::DateTime),
//! [`Date`](date_time::Date), [`Time`](date_time::Time), [`Duration`](duration::Duration).
//!
//! Each value holds its components and exactly how it was written: the zone form (`Z`,
//! `+00:00`, `-00:00` or none), the fraction digits of the seconds (`.5` and `.500` stay
//! distinct), a duration's components and their leading zeros. Writing gives back the text
//! that was read, character for character, so equality ([`PartialEq`]) is equality of the
//! written form: `10:00:00Z` and `10:00:00+00:00` are different values. A value without a
//! zone stays zone-less: nothing assumes UTC.
//!
//! Validity is that of XML Schema 1.0 as libxml2 (2.9) judges it: a year of at least four
//! digits, with no leading zero past four, never `0000`, within `i64`; the day within its
//! month (leap years by the proleptic Gregorian rule on the year as written, so `-0004` is a
//! leap year); `24:00:00` (any fraction of zeros) as the end of a day; seconds below 60 (no
//! leap second); zones from `-14:00` to `+14:00`; a duration with at least one component,
//! `T` only before a time component, a fraction only on seconds, and totals that fit libxml2's
//! `long` arithmetic.
//!
//! With the cargo features `time` and `chrono`, the values convert to and from the types of
//! those crates (see [`DateTime`](date_time::DateTime)).

/// `Display`, `FromStr`, `Text`, `parse` and `to_lexical` of a value type, from its
/// `parse_bytes` and `write`.
macro_rules! common_impls {
    ($name:ident, $what:literal, $xs:literal) => {
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                let mut s = String::with_capacity(32);
                self.write(&mut s);
                f.write_str(&s)
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = String;
            /// Parses the exact lexical form (no surrounding whitespace).
            fn from_str(s: &str) -> Result<Self, String> {
                Self::parse(s)
            }
        }

        impl $crate::rt::xs::text::Text for $name {
            const XS: &'static str = $xs;
            /// Parses the lexical form, surrounding XML whitespace removed (the type's
            /// `whiteSpace` is `collapse`).
            fn parse_text(s: &str) -> Result<Self, String> {
                Self::parse(super::parse::trim_xml(s))
            }
            fn write_text(&self, out: &mut String) {
                self.write(out)
            }
        }

        impl $name {
            /// Parses the exact lexical form: surrounding whitespace is an error, as libxml2
            /// judges it. The error says why the text is not a valid
            #[doc = $what]
            /// value.
            pub fn parse(s: &str) -> Result<Self, String> {
                Self::parse_bytes(s.as_bytes())
            }

            /// The lexical form, as it was read or as the value was built.
            pub fn to_lexical(&self) -> String {
                let mut s = String::with_capacity(32);
                self.write(&mut s);
                s
            }
        }
    };
}

#[cfg(any(feature = "time", feature = "chrono"))]
mod convert;
pub(super) mod date_time;
pub(super) mod duration;
mod parse;
pub(super) mod parts;
#[cfg(test)]
mod tests;
