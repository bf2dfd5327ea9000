//! XML Schema built-in types that have no exact Rust counterpart. Date and time values keep
//! their lexical form (with or without a zone, with any fraction) so they survive a round
//! trip unchanged; they are checked when read.

use std::fmt;

use base64::Engine as _;

use super::value::Text;

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
        crate::text_value!($name);
    };
}

fn digits(s: &str, n: usize) -> Option<&str> {
    let b = s.as_bytes();
    if b.len() >= n && b[..n].iter().all(u8::is_ascii_digit) {
        Some(&s[n..])
    } else {
        None
    }
}

fn check_date_part(s: &str) -> Result<&str, String> {
    let s = s.strip_prefix('-').unwrap_or(s);
    let mut year_len = 0;
    while s.as_bytes().get(year_len).is_some_and(u8::is_ascii_digit) {
        year_len += 1;
    }
    if year_len < 4 {
        return Err("expected a year of at least four digits".into());
    }
    let rest = &s[year_len..];
    let rest = rest
        .strip_prefix('-')
        .ok_or("expected `-` after the year")?;
    let rest = digits(rest, 2).ok_or("expected a two-digit month")?;
    let month: u32 = s[year_len + 1..year_len + 3]
        .parse()
        .map_err(|_| "bad month")?;
    let rest = rest
        .strip_prefix('-')
        .ok_or("expected `-` after the month")?;
    let day_s = rest.get(..2).unwrap_or("");
    let rest = digits(rest, 2).ok_or("expected a two-digit day")?;
    let day: u32 = day_s.parse().map_err(|_| "bad day")?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return Err("month or day out of range".into());
    }
    Ok(rest)
}

fn check_time_part(s: &str) -> Result<&str, String> {
    let hh = s.get(..2).unwrap_or("");
    let rest = digits(s, 2).ok_or("expected a two-digit hour")?;
    let rest = rest
        .strip_prefix(':')
        .ok_or("expected `:` after the hour")?;
    let mm = rest.get(..2).unwrap_or("");
    let rest = digits(rest, 2).ok_or("expected two-digit minutes")?;
    let rest = rest
        .strip_prefix(':')
        .ok_or("expected `:` after the minutes")?;
    let ss = rest.get(..2).unwrap_or("");
    let mut rest = digits(rest, 2).ok_or("expected two-digit seconds")?;
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return Err("expected digits after the decimal point".into());
        }
        rest = &frac[n..];
    }
    let (h, m, sec): (u32, u32, u32) = (
        hh.parse().map_err(|_| "bad hour")?,
        mm.parse().map_err(|_| "bad minutes")?,
        ss.parse().map_err(|_| "bad seconds")?,
    );
    if h > 24 || m > 59 || sec > 60 {
        return Err("hour, minutes or seconds out of range".into());
    }
    Ok(rest)
}

fn check_zone(s: &str) -> Result<(), String> {
    if s.is_empty() || s == "Z" {
        return Ok(());
    }
    let rest = s
        .strip_prefix('+')
        .or_else(|| s.strip_prefix('-'))
        .ok_or("unexpected text after the value")?;
    let rest = digits(rest, 2).ok_or("expected a two-digit zone hour")?;
    let rest = rest.strip_prefix(':').ok_or("expected `:` in the zone")?;
    let rest = digits(rest, 2).ok_or("expected two-digit zone minutes")?;
    if rest.is_empty() {
        Ok(())
    } else {
        Err("unexpected text after the zone".into())
    }
}

fn check_date_time(s: &str) -> Result<(), String> {
    let rest = check_date_part(s)?;
    let rest = rest
        .strip_prefix('T')
        .ok_or("expected `T` between date and time")?;
    check_zone(check_time_part(rest)?)
}

fn check_date(s: &str) -> Result<(), String> {
    check_zone(check_date_part(s)?)
}

fn check_time(s: &str) -> Result<(), String> {
    check_zone(check_time_part(s)?)
}

fn check_duration(s: &str) -> Result<(), String> {
    let s = s.strip_prefix('-').unwrap_or(s);
    let body = s.strip_prefix('P').ok_or("a duration starts with `P`")?;
    if body.is_empty() || body == "T" || body.ends_with('T') {
        return Err("a duration needs at least one component".into());
    }
    let mut in_time = false;
    let mut num = String::new();
    let mut seen_any = false;
    for c in body.chars() {
        match c {
            'T' if !in_time && num.is_empty() => in_time = true,
            '0'..='9' | '.' => num.push(c),
            'Y' | 'M' | 'D' | 'H' | 'S' if !num.is_empty() => {
                if num.contains('.') && c != 'S' {
                    return Err("only seconds may have a fraction".into());
                }
                if !in_time && matches!(c, 'H' | 'S') || in_time && matches!(c, 'Y' | 'D') {
                    return Err(format!("`{c}` in the wrong part of the duration"));
                }
                num.clear();
                seen_any = true;
            }
            _ => return Err(format!("unexpected `{c}` in a duration")),
        }
    }
    if !num.is_empty() || !seen_any {
        return Err("a number without a unit".into());
    }
    Ok(())
}

fn check_decimal(s: &str) -> Result<(), String> {
    let t = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (int, frac) = t.split_once('.').unwrap_or((t, ""));
    if (int.is_empty() && frac.is_empty())
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return Err("not a decimal number".into());
    }
    Ok(())
}

fn check_any(_s: &str) -> Result<(), String> {
    Ok(())
}

lexical!(
    /// `xs:dateTime`, kept in its lexical form (`2024-01-31T09:30:00Z`, with or without a zone).
    DateTime,
    check_date_time
);
lexical!(
    /// `xs:date`, kept in its lexical form.
    Date,
    check_date
);
lexical!(
    /// `xs:time`, kept in its lexical form.
    Time,
    check_time
);
lexical!(
    /// `xs:duration` (`P1DT2H`), kept in its lexical form.
    Duration,
    check_duration
);
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

impl Text for Base64Binary {
    fn parse_text(s: &str) -> Result<Self, String> {
        let compact: String = s.chars().filter(|c| !c.is_ascii_whitespace()).collect();
        base64::engine::general_purpose::STANDARD
            .decode(compact.as_bytes())
            .map(Base64Binary)
            .map_err(|e| format!("not valid base64 ({e})"))
    }
    fn write_text(&self, out: &mut String) {
        base64::engine::general_purpose::STANDARD.encode_string(&self.0, out)
    }
}
crate::text_value!(Base64Binary);

/// `xs:hexBinary`: the decoded bytes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct HexBinary(pub Vec<u8>);

impl Text for HexBinary {
    fn parse_text(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if s.len() % 2 != 0 {
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
crate::text_value!(HexBinary);

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
}

impl<T: Text> super::value::Value for List<T> {
    fn read_value(r: &mut super::Reader<'_>) -> super::Result<Self> {
        super::value::read_text_value(r)
    }
    fn write_value(&self, w: &mut super::Writer, tag: &str) {
        super::value::write_text_value(self, w, tag)
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
