//! XML Schema built-in types that have no exact Rust counterpart. Date and time values are
//! typed ([`DateTime`], [`Date`], [`Time`], [`Duration`]) and keep how they were written
//! (zone form, fraction digits), so they survive a round trip unchanged; they are checked
//! when read.

use std::fmt;

use base64::Engine as _;

mod datetime;
pub(crate) mod text;

use text::Text;

pub use datetime::date_time::{Date, DateTime, Time};
pub use datetime::duration::Duration;
pub use datetime::parts::{Fraction, Zone};

macro_rules! lexical {
    ($(#[$m:meta])* $name:ident, $check:path) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// Checks `s` and wraps it.
            pub fn new(s: impl Into<String>) -> Result<Self, String> {
                let s = s.into();
                $check(s.trim())?;
                Ok($name(s.trim().to_string()))
            }
            /// The lexical form.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                Self::new(s)
            }
        }

        impl Text for $name {
            fn parse_text(s: &str) -> Result<Self, String> {
                Self::new(s)
            }
            fn write_text(&self, out: &mut String) {
                out.push_str(&self.0)
            }
        }
    };
}

fn check_decimal(s: &str) -> Result<(), String> {
    match crate::rt::lexical::split_decimal(s) {
        Some(_) => Ok(()),
        None => Err("not a decimal number".into()),
    }
}

fn check_any(_s: &str) -> Result<(), String> {
    Ok(())
}

lexical!(
    /// `xs:decimal`, kept in its lexical form (no precision is lost).
    Decimal,
    check_decimal
);
lexical!(
    /// Calendar and other lexical types (`xs:gYear`, `xs:gMonthDay`, ...) kept as written.
    Lexical,
    check_any
);

/// `xs:base64Binary`: the decoded bytes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Base64Binary(pub Vec<u8>);

impl Base64Binary {
    /// Decodes the text as libxml2 accepts it (see [`crate::rt::lexical::decode_base64_strict`]):
    /// what strict reading and [`Text::parse_text`] use.
    pub fn parse_strict(s: &str) -> Result<Self, String> {
        crate::rt::lexical::decode_base64_strict(s).map(Base64Binary)
    }

    /// Decodes the text as the default reading does, also without `=` padding or with
    /// non-zero unused bits, saying which repair was made (see
    /// [`crate::rt::lexical::decode_base64_lenient`]).
    pub fn parse_lenient(s: &str) -> Result<(Self, Option<crate::rt::lexical::Repair>), String> {
        crate::rt::lexical::decode_base64_lenient(s).map(|(v, r)| (Base64Binary(v), r))
    }
}

impl Text for Base64Binary {
    fn parse_text(s: &str) -> Result<Self, String> {
        Self::parse_strict(s)
    }
    fn write_text(&self, out: &mut String) {
        base64::engine::general_purpose::STANDARD.encode_string(&self.0, out)
    }
}

/// `xs:hexBinary`: the decoded bytes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct HexBinary(pub Vec<u8>);

impl Text for HexBinary {
    fn parse_text(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if !s.len().is_multiple_of(2) {
            return Err("hex binary needs an even number of digits".into());
        }
        if !s.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err("not a hex digit".into());
        }
        (0..s.len())
            .step_by(2)
            .map(|i| {
                u8::from_str_radix(&s[i..i + 2], 16).map_err(|_| "not a hex digit".to_string())
            })
            .collect::<Result<Vec<u8>, String>>()
            .map(HexBinary)
    }
    fn write_text(&self, out: &mut String) {
        use std::fmt::Write;
        for b in &self.0 {
            let _ = write!(out, "{b:02X}");
        }
    }
}

/// An `xs:list` of simple values, whitespace-separated.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct List<T>(pub Vec<T>);

impl<T> Default for List<T> {
    fn default() -> Self {
        List(Vec::new())
    }
}

impl<T: Text> Text for List<T> {
    fn parse_text(s: &str) -> Result<Self, String> {
        s.split_ascii_whitespace()
            .map(T::parse_text)
            .collect::<Result<Vec<T>, String>>()
            .map(List)
    }
    fn write_text(&self, out: &mut String) {
        for (i, v) in self.0.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            v.write_text(out);
        }
    }
    fn is_listed(&self) -> bool {
        self.0.iter().all(Text::is_listed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by fuzzing: lexical checks sliced strings at byte offsets inside a character.
    #[test]
    fn non_ascii_lexical_values_are_errors_not_panics() {
        for v in [
            "2024-01-0Х",
            "2024-01-01T1Х:00:00",
            "2024-01-01T10:Х0:00",
            "2024-01-01T10:00:Х",
        ] {
            assert!(DateTime::parse_text(v).is_err(), "{v}");
        }
        assert!(Date::parse_text("2024-1Х-01").is_err());
        assert!(Time::parse_text("Х0:00:00").is_err());
        assert!(HexBinary::parse_text("aéa").is_err());
        assert!(HexBinary::parse_text("0aé").is_err());
    }

    #[test]
    fn date_times_keep_their_form() {
        for s in [
            "2024-01-31T09:30:00Z",
            "2024-01-31T09:30:00",
            "2024-01-31T09:30:00.1234567+02:00",
        ] {
            let d = DateTime::parse_text(s).unwrap();
            let mut out = String::new();
            d.write_text(&mut out);
            assert_eq!(out, s);
        }
        assert!(DateTime::parse_text("2024-13-01T00:00:00").is_err());
        assert!(DateTime::parse_text("yesterday").is_err());
        assert!(Date::parse_text("2024-01-31Z").is_ok());
        assert!(Time::parse_text("09:30:00.5-05:00").is_ok());
        assert!(Duration::parse_text("P1DT2H30M").is_ok());
        assert!(Duration::parse_text("PT").is_err());
        assert!(Decimal::parse_text("-12.50").is_ok());
        assert!(Decimal::parse_text("1e5").is_err());
    }

    #[test]
    fn binary_round_trips() {
        let b = Base64Binary::parse_text("EgAA\nAA==").unwrap();
        assert_eq!(b.0, vec![0x12, 0, 0, 0]);
        assert!(Base64Binary::parse_text("E=g").is_err());
        let h = HexBinary::parse_text("0aFF").unwrap();
        let mut out = String::new();
        h.write_text(&mut out);
        assert_eq!(out, "0AFF");
    }
}
