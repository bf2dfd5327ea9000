//! Typed XML Schema date and time values: [`DateTime`], [`Date`], [`Time`], [`Duration`].
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
//! those crates (see [`DateTime`]).

use std::fmt;
use std::str::FromStr;

use super::text::Text;

/// XML whitespace (what `xs:whiteSpace="collapse"` removes at both ends).
fn trim_xml(s: &str) -> &str {
    s.trim_matches(crate::rt::lexical::is_xml_space)
}

// ---------------------------------------------------------------------------------------
// Zone
// ---------------------------------------------------------------------------------------

/// A time zone as written: `Z`, or an offset `+hh:mm` / `-hh:mm` (from `-14:00` to
/// `+14:00`). `-00:00` and `+00:00` are kept apart from `Z` and from each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Zone {
    /// `Z`.
    Utc,
    /// `+hh:mm` or `-hh:mm`.
    Offset {
        /// Written with `-`.
        negative: bool,
        /// Hours, 0 to 14.
        hours: u8,
        /// Minutes, 0 to 59 (0 when `hours` is 14).
        minutes: u8,
    },
}

impl Zone {
    /// The zone written as an offset from UTC in minutes (`Z` is 0): `+hh:mm`, or `-hh:mm`
    /// for a negative offset. Errors beyond ±14:00 (840 minutes), as XML Schema does.
    pub fn from_offset_minutes(minutes: i32) -> Result<Zone, String> {
        if !(-840..=840).contains(&minutes) {
            return Err(format!(
                "a zone offset of {minutes} minutes is beyond ±14:00"
            ));
        }
        let abs = minutes.unsigned_abs();
        Ok(Zone::Offset {
            negative: minutes < 0,
            hours: (abs / 60) as u8,
            minutes: (abs % 60) as u8,
        })
    }

    /// The offset from UTC in minutes (`Z`, `+00:00` and `-00:00` are all 0).
    pub fn offset_minutes(&self) -> i32 {
        match *self {
            Zone::Utc => 0,
            Zone::Offset {
                negative,
                hours,
                minutes,
            } => {
                let m = i32::from(hours) * 60 + i32::from(minutes);
                if negative {
                    -m
                } else {
                    m
                }
            }
        }
    }

    /// Whether the zone is UTC, however written (`Z`, `+00:00`, `-00:00`).
    pub fn is_utc(&self) -> bool {
        self.offset_minutes() == 0
    }

    fn write(&self, out: &mut String) {
        match *self {
            Zone::Utc => out.push('Z'),
            Zone::Offset {
                negative,
                hours,
                minutes,
            } => {
                out.push(if negative { '-' } else { '+' });
                push2(out, hours);
                out.push(':');
                push2(out, minutes);
            }
        }
    }

    /// Parses a whole zone (`Z`, `+hh:mm`, `-hh:mm`).
    fn parse(b: &[u8]) -> Result<Zone, String> {
        match b {
            [b'Z'] => Ok(Zone::Utc),
            [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
                let hours = two(*h1, *h2).ok_or("expected a two-digit zone hour")?;
                let minutes = two(*m1, *m2).ok_or("expected two-digit zone minutes")?;
                if hours > 23 {
                    return Err(format!("zone hour {hours} is out of range"));
                }
                if minutes > 59 {
                    return Err(format!("zone minutes {minutes} are out of range"));
                }
                if u32::from(hours) * 60 + u32::from(minutes) > 840 {
                    return Err("a zone offset is at most 14:00".into());
                }
                Ok(Zone::Offset {
                    negative: *sign == b'-',
                    hours,
                    minutes,
                })
            }
            _ => Err(format!(
                "expected the end of the value or a zone (`Z`, `+hh:mm`, `-hh:mm`), found {:?}",
                String::from_utf8_lossy(b)
            )),
        }
    }
}

impl fmt::Display for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::with_capacity(6);
        self.write(&mut s);
        f.write_str(&s)
    }
}

fn parse_zone_opt(b: &[u8]) -> Result<Option<Zone>, String> {
    if b.is_empty() {
        Ok(None)
    } else {
        Zone::parse(b).map(Some)
    }
}

// ---------------------------------------------------------------------------------------
// Fraction
// ---------------------------------------------------------------------------------------

/// The decimal fraction of a number of seconds, as its digits (`.5` and `.500` are
/// different fractions of the same value).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Fraction(FracRepr);

#[derive(Clone, PartialEq, Eq, Hash)]
enum FracRepr {
    /// Up to 19 digits: their value and how many there are.
    Short { value: u64, digits: u8 },
    /// More digits, as written.
    Long(Box<str>),
}

impl Fraction {
    /// The fraction of `digits` digits (1 to 19) whose value is `value`.
    fn from_short(value: u64, digits: u8) -> Fraction {
        Fraction(FracRepr::Short { value, digits })
    }

    /// Value and digit count, when at most 19 digits.
    fn short(&self) -> Option<(u64, u8)> {
        match &self.0 {
            FracRepr::Short { value, digits } => Some((*value, *digits)),
            FracRepr::Long(_) => None,
        }
    }

    /// A fraction from its digits (`"1234567"` for `.1234567`). Errors on anything but ASCII
    /// digits; an empty string is an error too (a point needs a digit after it).
    pub fn from_digits(digits: &str) -> Result<Fraction, String> {
        if digits.is_empty() {
            return Err("expected digits after the decimal point".into());
        }
        Self::from_digits_or_empty(digits)
    }

    fn from_digits_or_empty(digits: &str) -> Result<Fraction, String> {
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("a fraction holds only digits, found {digits:?}"));
        }
        Ok(if digits.len() <= 19 {
            Fraction(FracRepr::Short {
                value: digits
                    .bytes()
                    .fold(0u64, |v, d| v * 10 + u64::from(d - b'0')),
                digits: digits.len() as u8,
            })
        } else {
            Fraction(FracRepr::Long(digits.into()))
        })
    }

    /// The fraction of `nanos` nanoseconds (below one second), with as many digits as it
    /// needs (trailing zeros left out; `None` for 0).
    pub fn from_nanos(nanos: u32) -> Option<Fraction> {
        if nanos == 0 || nanos >= 1_000_000_000 {
            return None;
        }
        let mut value = u64::from(nanos);
        let mut digits = 9u8;
        while value % 10 == 0 {
            value /= 10;
            digits -= 1;
        }
        Some(Fraction(FracRepr::Short { value, digits }))
    }

    /// How many digits were written.
    pub fn len(&self) -> usize {
        match &self.0 {
            FracRepr::Short { digits, .. } => usize::from(*digits),
            FracRepr::Long(s) => s.len(),
        }
    }

    /// Whether there is no digit (only possible in a duration's seconds, written `1.S`).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether every digit is 0.
    pub fn is_zero(&self) -> bool {
        match &self.0 {
            FracRepr::Short { value, .. } => *value == 0,
            FracRepr::Long(s) => s.bytes().all(|b| b == b'0'),
        }
    }

    /// The digits as written.
    pub fn digits(&self) -> String {
        let mut s = String::new();
        self.write_digits(&mut s);
        s
    }

    fn write_digits(&self, out: &mut String) {
        match &self.0 {
            FracRepr::Short { value, digits } => {
                if *digits > 0 {
                    let v = value.to_string();
                    for _ in v.len()..usize::from(*digits) {
                        out.push('0');
                    }
                    out.push_str(&v);
                }
            }
            FracRepr::Long(s) => out.push_str(s),
        }
    }

    /// The fraction in nanoseconds, digits past the ninth cut off (not rounded).
    pub fn nanos(&self) -> u32 {
        let d = self.digits();
        let mut n = 0u32;
        for i in 0..9 {
            n = n * 10 + d.as_bytes().get(i).map_or(0, |b| u32::from(b - b'0'));
        }
        n
    }

    /// Adds the digits to `sec` the way libxml2 does (in `double`, digit by digit), so that
    /// its verdict on a value that rounds up to 60 seconds is reproduced.
    fn add_libxml2(&self, mut sec: f64) -> f64 {
        let mut mult = 1.0f64;
        let mut add = |d: u8| {
            mult /= 10.0;
            sec += f64::from(d) * mult;
        };
        self.digits().bytes().for_each(|b| add(b - b'0'));
        sec
    }
}

impl fmt::Debug for Fraction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fraction(.{})", self.digits())
    }
}

impl fmt::Display for Fraction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.digits())
    }
}

// ---------------------------------------------------------------------------------------
// Small parsing helpers
// ---------------------------------------------------------------------------------------

fn two(a: u8, b: u8) -> Option<u8> {
    (a.is_ascii_digit() && b.is_ascii_digit()).then(|| (a - b'0') * 10 + (b - b'0'))
}

fn push2(out: &mut String, v: u8) {
    out.push(char::from(b'0' + v / 10 % 10));
    out.push(char::from(b'0' + v % 10));
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// Days in `month` (1 to 12) of `year`.
fn days_in_month(year: i64, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

fn check_date(year: i64, month: u8, day: u8) -> Result<(), String> {
    if year == 0 {
        return Err("year 0000 does not exist in XML Schema 1.0".into());
    }
    if year == i64::MIN {
        return Err("the year is out of range".into());
    }
    if !(1..=12).contains(&month) {
        return Err(format!("month {month} is out of range"));
    }
    if day == 0 || day > days_in_month(year, month) {
        return Err(format!(
            "day {day} is out of range for month {month:02} of year {year}"
        ));
    }
    Ok(())
}

fn check_time(hour: u8, minute: u8, second: u8, fraction: Option<&Fraction>) -> Result<(), String> {
    let sec = fraction.map_or(f64::from(second), |f| f.add_libxml2(f64::from(second)));
    if hour == 24 {
        if minute == 0 && sec == 0.0 {
            return Ok(());
        }
        return Err("hour 24 is only allowed as 24:00:00".into());
    }
    if hour > 23 {
        return Err(format!("hour {hour} is out of range"));
    }
    if minute > 59 {
        return Err(format!("minute {minute} is out of range"));
    }
    // sec is finite (at most 99.999...).
    if sec >= 60.0 {
        return Err("seconds must be below 60".into());
    }
    Ok(())
}

/// Parses `[-]yyyy-mm-dd`, returning the components and the rest.
type DateParts = (i64, u8, u8);

fn parse_date_part(b: &[u8]) -> Result<(DateParts, &[u8]), String> {
    let (negative, digits) = match b.first() {
        Some(b'-') => (true, &b[1..]),
        _ => (false, b),
    };
    let n = digits.iter().take_while(|c| c.is_ascii_digit()).count();
    if n < 4 {
        return Err("expected a year of at least four digits".into());
    }
    if n > 4 && digits[0] == b'0' {
        return Err("a year of more than four digits cannot start with 0".into());
    }
    let mut year: i64 = 0;
    for d in &digits[..n] {
        year = year
            .checked_mul(10)
            .and_then(|y| y.checked_add(i64::from(d - b'0')))
            .ok_or("the year is out of range")?;
    }
    if negative {
        year = -year;
    }
    let rest = &digits[n..];
    let (month, rest) = match rest {
        [b'-', a, b, rest @ ..] => (two(*a, *b).ok_or("expected a two-digit month")?, rest),
        _ => return Err("expected `-` and a two-digit month after the year".into()),
    };
    let (day, rest) = match rest {
        [b'-', a, b, rest @ ..] => (two(*a, *b).ok_or("expected a two-digit day")?, rest),
        _ => return Err("expected `-` and a two-digit day after the month".into()),
    };
    check_date(year, month, day)?;
    Ok(((year, month, day), rest))
}

type TimeParts = (u8, u8, u8, Option<Fraction>);

/// Parses `hh:mm:ss[.fff]`, returning the components and the rest.
fn parse_time_part(b: &[u8]) -> Result<(TimeParts, &[u8]), String> {
    let (hour, minute, second, rest) = match b {
        [h1, h2, b':', m1, m2, b':', s1, s2, rest @ ..] => (
            two(*h1, *h2).ok_or("expected a two-digit hour")?,
            two(*m1, *m2).ok_or("expected two-digit minutes")?,
            two(*s1, *s2).ok_or("expected two-digit seconds")?,
            rest,
        ),
        _ => return Err("expected a time `hh:mm:ss`".into()),
    };
    let (fraction, rest) = match rest {
        [b'.', rest @ ..] => {
            let n = rest.iter().take_while(|c| c.is_ascii_digit()).count();
            // ASCII digits: valid UTF-8.
            let digits = std::str::from_utf8(&rest[..n]).unwrap_or_default();
            (Some(Fraction::from_digits(digits)?), &rest[n..])
        }
        _ => (None, rest),
    };
    check_time(hour, minute, second, fraction.as_ref())?;
    Ok(((hour, minute, second, fraction), rest))
}

fn write_year(out: &mut String, year: i64) {
    use fmt::Write;
    if year < 0 {
        out.push('-');
    }
    let _ = write!(out, "{:04}", year.unsigned_abs());
}

fn write_time(out: &mut String, hour: u8, minute: u8, second: u8, fraction: Option<&Fraction>) {
    push2(out, hour);
    out.push(':');
    push2(out, minute);
    out.push(':');
    push2(out, second);
    if let Some(f) = fraction {
        out.push('.');
        f.write_digits(out);
    }
}

// ---------------------------------------------------------------------------------------
// The value types
// ---------------------------------------------------------------------------------------

macro_rules! common_impls {
    ($name:ident, $what:literal, $xs:literal) => {
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let mut s = String::with_capacity(32);
                self.write(&mut s);
                f.write_str(&s)
            }
        }

        impl FromStr for $name {
            type Err = String;
            /// Parses the exact lexical form (no surrounding whitespace).
            fn from_str(s: &str) -> Result<Self, String> {
                Self::parse(s)
            }
        }

        impl Text for $name {
            const XS: &'static str = $xs;
            /// Parses the lexical form, surrounding XML whitespace removed (the type's
            /// `whiteSpace` is `collapse`).
            fn parse_text(s: &str) -> Result<Self, String> {
                Self::parse(trim_xml(s))
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

/// `xs:dateTime`: a date, a time of day (with any number of fraction digits) and an
/// optional zone, written back exactly as read.
///
/// ```
/// use ewsgen::rt::xs::{DateTime, Zone};
///
/// let t: DateTime = "2024-01-31T09:30:00.1234567+02:00".parse()?;
/// assert_eq!((t.year(), t.month(), t.day()), (2024, 1, 31));
/// assert_eq!((t.hour(), t.minute(), t.second(), t.nanosecond()), (9, 30, 0, 123_456_700));
/// assert_eq!(t.zone().map(|z| z.offset_minutes()), Some(120));
/// assert_eq!(t.to_string(), "2024-01-31T09:30:00.1234567+02:00");
///
/// // A zone-less value stays zone-less.
/// let local: DateTime = "2024-01-31T09:30:00".parse()?;
/// assert_eq!(local.zone(), None);
/// // `Z` and `+00:00` are kept apart.
/// assert_ne!("2024-01-31T09:30:00Z".parse::<DateTime>()?, "2024-01-31T09:30:00+00:00".parse()?);
///
/// let built = DateTime::new(2024, 2, 29, 23, 59, 59)?.with_zone(Some(Zone::Utc));
/// assert_eq!(built.to_string(), "2024-02-29T23:59:59Z");
/// # Ok::<(), String>(())
/// ```
///
/// With the cargo feature `time`, a zone-less value converts to and from
/// `time::PrimitiveDateTime` and a zoned one to and from `time::OffsetDateTime`:
///
/// ```
/// # #[cfg(feature = "time")] {
/// use ewsgen::rt::xs::DateTime;
///
/// let t: DateTime = "2024-01-31T09:30:00.5-05:00".parse().unwrap();
/// let odt = time::OffsetDateTime::try_from(&t).unwrap();
/// assert_eq!(odt.offset().whole_hours(), -5);
/// assert_eq!(odt.millisecond(), 500);
/// assert_eq!(DateTime::try_from(odt).unwrap().to_string(), "2024-01-31T09:30:00.5-05:00");
///
/// let local: DateTime = "2024-01-31T09:30:00".parse().unwrap();
/// let pdt = time::PrimitiveDateTime::try_from(&local).unwrap();
/// assert_eq!(DateTime::try_from(pdt).unwrap(), local);
/// // A zone-less value is no instant: it does not become an OffsetDateTime.
/// assert!(time::OffsetDateTime::try_from(&local).is_err());
/// # }
/// ```
///
/// With the cargo feature `chrono`, the same with `chrono::NaiveDateTime` and
/// `chrono::DateTime<FixedOffset>` (or `DateTime<Utc>`):
///
/// ```
/// # #[cfg(feature = "chrono")] {
/// use chrono::{DateTime as ChronoDateTime, FixedOffset, NaiveDateTime, Timelike};
/// use ewsgen::rt::xs::DateTime;
///
/// let t: DateTime = "2024-01-31T09:30:00.1234567Z".parse().unwrap();
/// let c = ChronoDateTime::<FixedOffset>::try_from(&t).unwrap();
/// assert_eq!(c.nanosecond(), 123_456_700);
/// assert_eq!(DateTime::try_from(c.to_utc()).unwrap().to_string(), "2024-01-31T09:30:00.1234567Z");
///
/// let local: DateTime = "2024-01-31T09:30:00".parse().unwrap();
/// let naive = NaiveDateTime::try_from(&local).unwrap();
/// assert_eq!(DateTime::try_from(naive).unwrap(), local);
/// # }
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct DateTime(DtRepr);

/// How a [`DateTime`] is stored: in place (24 bytes, as small as a `String`) when its
/// year fits an `i32` and its fraction has at most 19 digits, as they all do in practice;
/// otherwise out of line.
#[derive(Clone, PartialEq, Eq, Hash)]
enum DtRepr {
    Compact {
        /// The fraction's digits as a number.
        frac: u64,
        year: i32,
        month: u8,
        day: u8,
        hour: u8,
        minute: u8,
        second: u8,
        /// How many fraction digits were written (0: no fraction).
        digits: u8,
        /// The zone ([`zone_code`]).
        zone: u16,
    },
    Full(Box<DtParts>),
}

/// The components of a [`DateTime`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct DtParts {
    year: i64,
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    second: u8,
    fraction: Option<Fraction>,
    zone: Option<Zone>,
}

impl Default for DateTime {
    /// `0001-01-01T00:00:00`, zone-less.
    fn default() -> Self {
        DateTime::from_parts(DtParts {
            year: 1,
            month: 1,
            day: 1,
            hour: 0,
            minute: 0,
            second: 0,
            fraction: None,
            zone: None,
        })
    }
}

impl fmt::Debug for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DateTime({self})")
    }
}

/// A zone as 16 bits: 0 none, 1 `Z`, else `2 + negative * 2048 + hours * 64 + minutes`.
fn zone_code(z: Option<Zone>) -> u16 {
    match z {
        None => 0,
        Some(Zone::Utc) => 1,
        Some(Zone::Offset {
            negative,
            hours,
            minutes,
        }) => 2 + u16::from(negative) * 2048 + u16::from(hours) * 64 + u16::from(minutes),
    }
}

fn zone_of_code(c: u16) -> Option<Zone> {
    match c {
        0 => None,
        1 => Some(Zone::Utc),
        c => {
            let c = c - 2;
            Some(Zone::Offset {
                negative: c >= 2048,
                hours: ((c % 2048) / 64) as u8,
                minutes: (c % 64) as u8,
            })
        }
    }
}

common_impls!(DateTime, "`xs:dateTime`", "dateTime");

impl DateTime {
    /// A zone-less date and time without fraction. Errors on a component out of range (the
    /// day within its month; `24:00:00` is allowed).
    pub fn new(
        year: i64,
        month: u8,
        day: u8,
        hour: u8,
        minute: u8,
        second: u8,
    ) -> Result<DateTime, String> {
        check_date(year, month, day)?;
        check_time(hour, minute, second, None)?;
        Ok(DateTime::from_parts(DtParts {
            year,
            month,
            day,
            hour,
            minute,
            second,
            fraction: None,
            zone: None,
        }))
    }

    /// The date and time of a [`Date`] and a [`Time`]; the zone is the time's, or the
    /// date's when the time has none.
    pub fn from_date_time(date: &Date, time: &Time) -> DateTime {
        DateTime::from_parts(DtParts {
            year: date.year,
            month: date.month,
            day: date.day,
            hour: time.hour,
            minute: time.minute,
            second: time.second,
            fraction: time.fraction.clone(),
            zone: time.zone.or(date.zone),
        })
    }

    /// The same value with this fraction of a second (`None`: no fraction written). Errors
    /// when it makes `24:00:00` something else.
    pub fn with_fraction(self, fraction: Option<Fraction>) -> Result<DateTime, String> {
        let mut p = self.parts();
        check_time(p.hour, p.minute, p.second, fraction.as_ref())?;
        p.fraction = fraction;
        Ok(DateTime::from_parts(p))
    }

    /// The same value with `nanos` nanoseconds as its fraction, written with as many digits
    /// as needed (none for 0). Errors as [`DateTime::with_fraction`] does, and above
    /// 999,999,999.
    pub fn with_nanosecond(self, nanos: u32) -> Result<DateTime, String> {
        if nanos >= 1_000_000_000 {
            return Err(format!("{nanos} nanoseconds are a second or more"));
        }
        self.with_fraction(Fraction::from_nanos(nanos))
    }

    /// The same date and time in another zone form (the clock reading is unchanged: this
    /// does not convert between zones).
    pub fn with_zone(self, zone: Option<Zone>) -> DateTime {
        let mut p = self.parts();
        p.zone = zone;
        DateTime::from_parts(p)
    }

    /// The components, out of their compact form.
    fn parts(&self) -> DtParts {
        match &self.0 {
            DtRepr::Compact {
                frac,
                year,
                month,
                day,
                hour,
                minute,
                second,
                digits,
                zone,
            } => DtParts {
                year: i64::from(*year),
                month: *month,
                day: *day,
                hour: *hour,
                minute: *minute,
                second: *second,
                fraction: (*digits > 0).then(|| Fraction::from_short(*frac, *digits)),
                zone: zone_of_code(*zone),
            },
            DtRepr::Full(p) => (**p).clone(),
        }
    }

    /// The compact form of the components when they fit it.
    fn from_parts(p: DtParts) -> DateTime {
        let short = match &p.fraction {
            None => Some((0, 0)),
            Some(f) => f.short(),
        };
        match (i32::try_from(p.year), short) {
            (Ok(year), Some((frac, digits))) => DateTime(DtRepr::Compact {
                frac,
                year,
                month: p.month,
                day: p.day,
                hour: p.hour,
                minute: p.minute,
                second: p.second,
                digits,
                zone: zone_code(p.zone),
            }),
            _ => DateTime(DtRepr::Full(Box::new(p))),
        }
    }

    /// Year (negative before year 1; never 0).
    pub fn year(&self) -> i64 {
        self.parts().year
    }
    /// Month, 1 to 12.
    pub fn month(&self) -> u8 {
        self.parts().month
    }
    /// Day of the month, from 1.
    pub fn day(&self) -> u8 {
        self.parts().day
    }
    /// Hour, 0 to 24 (24 only in `24:00:00`, the end of the day).
    pub fn hour(&self) -> u8 {
        self.parts().hour
    }
    /// Minute, 0 to 59.
    pub fn minute(&self) -> u8 {
        self.parts().minute
    }
    /// Whole seconds, 0 to 59.
    pub fn second(&self) -> u8 {
        self.parts().second
    }
    /// The fraction of a second as written, if any.
    pub fn fraction(&self) -> Option<Fraction> {
        self.parts().fraction
    }
    /// The fraction of a second in nanoseconds (digits past the ninth cut off).
    pub fn nanosecond(&self) -> u32 {
        self.parts().fraction.as_ref().map_or(0, Fraction::nanos)
    }
    /// The zone, as written; `None` for a zone-less value.
    pub fn zone(&self) -> Option<Zone> {
        self.parts().zone
    }
    /// The date part, with this value's zone.
    pub fn date(&self) -> Date {
        let p = self.parts();
        Date {
            year: p.year,
            month: p.month,
            day: p.day,
            zone: p.zone,
        }
    }
    /// The time part, with this value's zone.
    pub fn time(&self) -> Time {
        let p = self.parts();
        Time {
            hour: p.hour,
            minute: p.minute,
            second: p.second,
            fraction: p.fraction,
            zone: p.zone,
        }
    }

    fn parse_bytes(b: &[u8]) -> Result<DateTime, String> {
        let ((year, month, day), rest) = parse_date_part(b)?;
        let rest = match rest {
            [b'T', rest @ ..] => rest,
            _ => return Err("expected `T` between the date and the time".into()),
        };
        let ((hour, minute, second, fraction), rest) = parse_time_part(rest)?;
        let zone = parse_zone_opt(rest)?;
        Ok(DateTime::from_parts(DtParts {
            year,
            month,
            day,
            hour,
            minute,
            second,
            fraction,
            zone,
        }))
    }

    fn write(&self, out: &mut String) {
        let p = self.parts();
        write_year(out, p.year);
        out.push('-');
        push2(out, p.month);
        out.push('-');
        push2(out, p.day);
        out.push('T');
        write_time(out, p.hour, p.minute, p.second, p.fraction.as_ref());
        if let Some(z) = &p.zone {
            z.write(out);
        }
    }
}

/// `xs:date`: a calendar date with an optional zone, written back exactly as read.
///
/// ```
/// use ewsgen::rt::xs::Date;
///
/// let d: Date = "2024-02-29-08:00".parse()?;
/// assert_eq!((d.year(), d.month(), d.day()), (2024, 2, 29));
/// assert_eq!(d.zone().map(|z| z.offset_minutes()), Some(-480));
/// assert!("2023-02-29".parse::<Date>().is_err());
/// # Ok::<(), String>(())
/// ```
///
/// With the features `time` / `chrono` the calendar date converts to and from
/// `time::Date` / `chrono::NaiveDate` (the zone, if any, is left aside: read it with
/// [`Date::zone`]):
///
/// ```
/// # #[cfg(feature = "time")] {
/// use ewsgen::rt::xs::Date;
/// let d: Date = "2024-02-29Z".parse().unwrap();
/// let t = time::Date::try_from(&d).unwrap();
/// assert_eq!(t.ordinal(), 60);
/// assert_eq!(Date::try_from(t).unwrap().to_string(), "2024-02-29");
/// # }
/// # #[cfg(feature = "chrono")] {
/// use chrono::Datelike;
/// use ewsgen::rt::xs::Date;
/// let d: Date = "2024-02-29".parse().unwrap();
/// let c = chrono::NaiveDate::try_from(&d).unwrap();
/// assert_eq!(c.ordinal(), 60);
/// assert_eq!(Date::try_from(c).unwrap(), d);
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Date {
    year: i64,
    month: u8,
    day: u8,
    zone: Option<Zone>,
}

impl Default for Date {
    /// `0001-01-01`, zone-less.
    fn default() -> Self {
        Date {
            year: 1,
            month: 1,
            day: 1,
            zone: None,
        }
    }
}

common_impls!(Date, "`xs:date`", "date");

impl Date {
    /// A zone-less date. Errors on a component out of range.
    pub fn new(year: i64, month: u8, day: u8) -> Result<Date, String> {
        check_date(year, month, day)?;
        Ok(Date {
            year,
            month,
            day,
            zone: None,
        })
    }
    /// The same date with another zone form.
    pub fn with_zone(mut self, zone: Option<Zone>) -> Date {
        self.zone = zone;
        self
    }
    /// Year (negative before year 1; never 0).
    pub fn year(&self) -> i64 {
        self.year
    }
    /// Month, 1 to 12.
    pub fn month(&self) -> u8 {
        self.month
    }
    /// Day of the month, from 1.
    pub fn day(&self) -> u8 {
        self.day
    }
    /// The zone, as written; `None` for a zone-less value.
    pub fn zone(&self) -> Option<Zone> {
        self.zone
    }

    fn parse_bytes(b: &[u8]) -> Result<Date, String> {
        let ((year, month, day), rest) = parse_date_part(b)?;
        let zone = parse_zone_opt(rest)?;
        Ok(Date {
            year,
            month,
            day,
            zone,
        })
    }

    fn write(&self, out: &mut String) {
        write_year(out, self.year);
        out.push('-');
        push2(out, self.month);
        out.push('-');
        push2(out, self.day);
        if let Some(z) = &self.zone {
            z.write(out);
        }
    }
}

/// `xs:time`: a time of day with any number of fraction digits and an optional zone,
/// written back exactly as read.
///
/// ```
/// use ewsgen::rt::xs::Time;
///
/// let t: Time = "24:00:00".parse()?; // the end of a day
/// assert_eq!(t.hour(), 24);
/// assert!("24:00:01".parse::<Time>().is_err());
/// let t = Time::new(9, 30, 0)?.with_nanosecond(250_000_000)?;
/// assert_eq!(t.to_string(), "09:30:00.25");
/// # Ok::<(), String>(())
/// ```
///
/// With the features `time` / `chrono` the time of day converts to and from `time::Time` /
/// `chrono::NaiveTime` (the zone, if any, is left aside; `24:00:00` becomes midnight):
///
/// ```
/// # #[cfg(feature = "time")] {
/// use ewsgen::rt::xs::Time;
/// let t: Time = "09:30:00.5+01:00".parse().unwrap();
/// assert_eq!(time::Time::try_from(&t).unwrap().millisecond(), 500);
/// assert_eq!(Time::from(time::Time::MIDNIGHT).to_string(), "00:00:00");
/// # }
/// # #[cfg(feature = "chrono")] {
/// use ewsgen::rt::xs::Time;
/// let t: Time = "09:30:00".parse().unwrap();
/// let c = chrono::NaiveTime::try_from(&t).unwrap();
/// assert_eq!(Time::try_from(c).unwrap(), t);
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Time {
    hour: u8,
    minute: u8,
    second: u8,
    fraction: Option<Fraction>,
    zone: Option<Zone>,
}

common_impls!(Time, "`xs:time`", "time");

impl Time {
    /// A zone-less time without fraction. Errors on a component out of range (`24:00:00`
    /// is allowed).
    pub fn new(hour: u8, minute: u8, second: u8) -> Result<Time, String> {
        check_time(hour, minute, second, None)?;
        Ok(Time {
            hour,
            minute,
            second,
            fraction: None,
            zone: None,
        })
    }
    /// The same time with this fraction of a second (`None`: no fraction written).
    pub fn with_fraction(mut self, fraction: Option<Fraction>) -> Result<Time, String> {
        check_time(self.hour, self.minute, self.second, fraction.as_ref())?;
        self.fraction = fraction;
        Ok(self)
    }
    /// The same time with `nanos` nanoseconds as its fraction (as few digits as needed).
    pub fn with_nanosecond(self, nanos: u32) -> Result<Time, String> {
        if nanos >= 1_000_000_000 {
            return Err(format!("{nanos} nanoseconds are a second or more"));
        }
        self.with_fraction(Fraction::from_nanos(nanos))
    }
    /// The same time with another zone form.
    pub fn with_zone(mut self, zone: Option<Zone>) -> Time {
        self.zone = zone;
        self
    }
    /// Hour, 0 to 24 (24 only in `24:00:00`).
    pub fn hour(&self) -> u8 {
        self.hour
    }
    /// Minute, 0 to 59.
    pub fn minute(&self) -> u8 {
        self.minute
    }
    /// Whole seconds, 0 to 59.
    pub fn second(&self) -> u8 {
        self.second
    }
    /// The fraction of a second as written, if any.
    pub fn fraction(&self) -> Option<&Fraction> {
        self.fraction.as_ref()
    }
    /// The fraction of a second in nanoseconds (digits past the ninth cut off).
    pub fn nanosecond(&self) -> u32 {
        self.fraction.as_ref().map_or(0, Fraction::nanos)
    }
    /// The zone, as written; `None` for a zone-less value.
    pub fn zone(&self) -> Option<Zone> {
        self.zone
    }

    fn parse_bytes(b: &[u8]) -> Result<Time, String> {
        let ((hour, minute, second, fraction), rest) = parse_time_part(b)?;
        let zone = parse_zone_opt(rest)?;
        Ok(Time {
            hour,
            minute,
            second,
            fraction,
            zone,
        })
    }

    fn write(&self, out: &mut String) {
        write_time(
            out,
            self.hour,
            self.minute,
            self.second,
            self.fraction.as_ref(),
        );
        if let Some(z) = &self.zone {
            z.write(out);
        }
    }
}

// ---------------------------------------------------------------------------------------
// Duration
// ---------------------------------------------------------------------------------------

/// A duration component as written: its value and the leading zeros before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Num {
    value: u64,
    zeros: u8,
}

impl Num {
    fn plain(value: u64) -> Num {
        Num { value, zeros: 0 }
    }

    fn write(&self, out: &mut String) {
        for _ in 0..self.zeros {
            out.push('0');
        }
        out.push_str(&self.value.to_string());
    }
}

/// `xs:duration`: a sign and the components years, months, days, hours, minutes and
/// seconds (with a fraction), each present or not, written back exactly as read (leading
/// zeros included: `P01D` stays `P01D`).
///
/// ```
/// use ewsgen::rt::xs::Duration;
///
/// let d: Duration = "-P1DT2H30.5S".parse()?;
/// assert!(d.is_negative());
/// assert_eq!((d.days(), d.hours(), d.minutes(), d.seconds()), (Some(1), Some(2), None, Some(30)));
/// assert_eq!(d.nanosecond(), 500_000_000);
/// assert_eq!(d.to_string(), "-P1DT2H30.5S");
///
/// let built = Duration::zero().with_hours(1)?.with_minutes(30)?;
/// assert_eq!(built.to_string(), "PT1H30M");
/// assert_eq!(std::time::Duration::try_from(&built)?.as_secs(), 5400);
/// # Ok::<(), String>(())
/// ```
///
/// With the features `time` / `chrono`, a duration without years or months (whose length
/// would depend on a date) converts to and from `time::Duration` / `chrono::TimeDelta`:
///
/// ```
/// # #[cfg(feature = "time")] {
/// use ewsgen::rt::xs::Duration;
/// let d: Duration = "PT1H30M".parse().unwrap();
/// assert_eq!(time::Duration::try_from(&d).unwrap().whole_minutes(), 90);
/// assert_eq!(Duration::from(time::Duration::seconds(-90)).to_string(), "-PT1M30S");
/// assert!(time::Duration::try_from(&"P1M".parse::<Duration>().unwrap()).is_err());
/// # }
/// # #[cfg(feature = "chrono")] {
/// use ewsgen::rt::xs::Duration;
/// let d: Duration = "P2DT0.25S".parse().unwrap();
/// let c = chrono::TimeDelta::try_from(&d).unwrap();
/// assert_eq!(c.num_milliseconds(), 2 * 86_400_000 + 250);
/// assert_eq!(Duration::from(c).to_string(), "P2DT0.25S");
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Duration {
    negative: bool,
    years: Option<Num>,
    months: Option<Num>,
    days: Option<Num>,
    hours: Option<Num>,
    minutes: Option<Num>,
    /// Whole seconds (`None` when written `.5S`, or when there are no seconds).
    seconds: Option<Num>,
    /// The fraction of the seconds (empty when written `1.S`).
    fraction: Option<Fraction>,
}

impl Default for Duration {
    /// `PT0S`.
    fn default() -> Self {
        Duration::zero()
    }
}

common_impls!(Duration, "`xs:duration`", "duration");

const LONG_MAX: u64 = i64::MAX as u64;

impl Duration {
    /// `PT0S`.
    pub fn zero() -> Duration {
        Duration {
            negative: false,
            years: None,
            months: None,
            days: None,
            hours: None,
            minutes: None,
            seconds: Some(Num::plain(0)),
            fraction: None,
        }
    }

    /// A duration of whole seconds, written with days, hours, minutes and seconds
    /// (`P1DT1H1M1S` for 90,061; `PT0S` for 0).
    pub fn from_secs(secs: u64) -> Duration {
        Self::from_secs_nanos(false, secs, 0)
    }

    fn from_secs_nanos(negative: bool, secs: u64, nanos: u32) -> Duration {
        let (days, rem) = (secs / 86_400, secs % 86_400);
        let (h, m, s) = (rem / 3600, rem % 3600 / 60, rem % 60);
        let some = |v: u64| (v != 0).then(|| Num::plain(v));
        let fraction = Fraction::from_nanos(nanos);
        let mut d = Duration {
            negative: false,
            years: None,
            months: None,
            days: some(days),
            hours: some(h),
            minutes: some(m),
            seconds: (s != 0 || fraction.is_some()).then(|| Num::plain(s)),
            fraction,
        };
        if d.days.is_none() && d.hours.is_none() && d.minutes.is_none() && d.seconds.is_none() {
            d.seconds = Some(Num::plain(0));
        }
        d.negative = negative && !d.is_zero();
        d
    }

    /// The same duration with the other sign (`-` added or removed).
    pub fn negated(mut self) -> Duration {
        self.negative = !self.negative;
        self
    }

    /// Builds a changed copy and checks it as a parsed value would be.
    fn with(mut self, f: impl FnOnce(&mut Duration)) -> Result<Duration, String> {
        f(&mut self);
        // A component set explicitly replaces the `PT0S` of `zero()`.
        self.check()?;
        Ok(self)
    }

    fn drop_zero_seconds(&mut self) {
        if self.seconds == Some(Num::plain(0))
            && self.fraction.is_none()
            && (self.years.is_some()
                || self.months.is_some()
                || self.days.is_some()
                || self.hours.is_some()
                || self.minutes.is_some())
        {
            self.seconds = None;
        }
    }

    /// The same duration with this number of years (replacing any written).
    pub fn with_years(self, years: u64) -> Result<Duration, String> {
        self.with(|d| {
            d.years = Some(Num::plain(years));
            d.drop_zero_seconds();
        })
    }
    /// The same duration with this number of months.
    pub fn with_months(self, months: u64) -> Result<Duration, String> {
        self.with(|d| {
            d.months = Some(Num::plain(months));
            d.drop_zero_seconds();
        })
    }
    /// The same duration with this number of days.
    pub fn with_days(self, days: u64) -> Result<Duration, String> {
        self.with(|d| {
            d.days = Some(Num::plain(days));
            d.drop_zero_seconds();
        })
    }
    /// The same duration with this number of hours.
    pub fn with_hours(self, hours: u64) -> Result<Duration, String> {
        self.with(|d| {
            d.hours = Some(Num::plain(hours));
            d.drop_zero_seconds();
        })
    }
    /// The same duration with this number of minutes.
    pub fn with_minutes(self, minutes: u64) -> Result<Duration, String> {
        self.with(|d| {
            d.minutes = Some(Num::plain(minutes));
            d.drop_zero_seconds();
        })
    }
    /// The same duration with this number of whole seconds (the fraction is kept).
    pub fn with_seconds(self, seconds: u64) -> Result<Duration, String> {
        self.with(|d| d.seconds = Some(Num::plain(seconds)))
    }
    /// The same duration with this fraction of a second (`None`: none written).
    pub fn with_fraction(self, fraction: Option<Fraction>) -> Result<Duration, String> {
        self.with(|d| {
            if fraction.is_some() && d.seconds.is_none() {
                d.seconds = Some(Num::plain(0));
            }
            d.fraction = fraction;
        })
    }

    /// Whether it is written with `-`.
    pub fn is_negative(&self) -> bool {
        self.negative
    }
    /// Years, if written.
    pub fn years(&self) -> Option<u64> {
        self.years.map(|n| n.value)
    }
    /// Months, if written.
    pub fn months(&self) -> Option<u64> {
        self.months.map(|n| n.value)
    }
    /// Days, if written.
    pub fn days(&self) -> Option<u64> {
        self.days.map(|n| n.value)
    }
    /// Hours, if written.
    pub fn hours(&self) -> Option<u64> {
        self.hours.map(|n| n.value)
    }
    /// Minutes, if written.
    pub fn minutes(&self) -> Option<u64> {
        self.minutes.map(|n| n.value)
    }
    /// Whole seconds, if seconds are written (0 for `.5S`).
    pub fn seconds(&self) -> Option<u64> {
        match (&self.seconds, &self.fraction) {
            (Some(n), _) => Some(n.value),
            (None, Some(_)) => Some(0),
            (None, None) => None,
        }
    }
    /// The fraction of the seconds as written, if any.
    pub fn fraction(&self) -> Option<&Fraction> {
        self.fraction.as_ref()
    }
    /// The fraction of the seconds in nanoseconds (digits past the ninth cut off).
    pub fn nanosecond(&self) -> u32 {
        self.fraction.as_ref().map_or(0, Fraction::nanos)
    }

    /// Whether every component is 0.
    pub fn is_zero(&self) -> bool {
        [
            self.years,
            self.months,
            self.days,
            self.hours,
            self.minutes,
            self.seconds,
        ]
        .iter()
        .all(|n| n.is_none_or(|n| n.value == 0))
            && self.fraction.as_ref().is_none_or(Fraction::is_zero)
    }

    /// The length in seconds and nanoseconds when it has no years or months (whose length
    /// depends on a date); an error otherwise or when it overflows.
    fn fixed_secs_nanos(&self) -> Result<(u64, u32), String> {
        if self.years.is_some_and(|n| n.value != 0) || self.months.is_some_and(|n| n.value != 0) {
            return Err(format!(
                "the duration {self} has years or months, whose length depends on a date"
            ));
        }
        let v = |n: Option<Num>| n.map_or(0, |n| n.value);
        let total = v(self.days)
            .checked_mul(86_400)
            .and_then(|s| s.checked_add(v(self.hours).checked_mul(3600)?))
            .and_then(|s| s.checked_add(v(self.minutes).checked_mul(60)?))
            .and_then(|s| s.checked_add(v(self.seconds)))
            .ok_or_else(|| format!("the duration {self} does not fit in 64-bit seconds"))?;
        Ok((total, self.nanosecond()))
    }

    /// The libxml2 checks on top of the grammar: every number within `long`, years × 12 +
    /// months within `long`, and days plus whole days of hours, minutes and seconds too.
    fn check(&self) -> Result<(), String> {
        let all = [
            self.years,
            self.months,
            self.days,
            self.hours,
            self.minutes,
            self.seconds,
        ];
        if all.iter().all(Option::is_none) && self.fraction.is_none() {
            return Err("a duration needs at least one component".into());
        }
        if all.iter().flatten().any(|n| n.value > LONG_MAX) {
            return Err("a duration component is out of range".into());
        }
        let too_big = || "the duration is out of range".to_string();
        let mut mon = 0u64;
        if let Some(y) = self.years {
            if y.value > LONG_MAX / 12 {
                return Err(too_big());
            }
            mon = y.value * 12;
        }
        if let Some(m) = self.months {
            if mon > LONG_MAX - m.value {
                return Err(too_big());
            }
        }
        let mut day = self.days.map_or(0, |n| n.value);
        for (n, per_day) in [
            (self.hours, 24),
            (self.minutes, 1440),
            (self.seconds, 86_400),
        ] {
            if let Some(n) = n {
                let days = n.value / per_day;
                if day > LONG_MAX - days {
                    return Err(too_big());
                }
                day += days;
            }
        }
        if self
            .fraction
            .as_ref()
            .is_some_and(|f| f.is_empty() && self.seconds.is_none())
        {
            return Err("seconds need a digit".into());
        }
        Ok(())
    }

    fn parse_bytes(b: &[u8]) -> Result<Duration, String> {
        let (negative, rest) = match b {
            [b'-', rest @ ..] => (true, rest),
            _ => (false, b),
        };
        let mut rest = match rest {
            [b'P', rest @ ..] => rest,
            _ => return Err("a duration starts with `P` (or `-P`)".into()),
        };
        if rest.is_empty() {
            return Err("a duration needs at least one component".into());
        }
        let mut d = Duration {
            negative,
            years: None,
            months: None,
            days: None,
            hours: None,
            minutes: None,
            seconds: None,
            fraction: None,
        };
        // Designators in order; `seq` is the index of the next one allowed (3.. after `T`).
        const DESIG: [u8; 6] = *b"YMDHMS";
        let mut seq = 0usize;
        while !rest.is_empty() {
            if seq >= DESIG.len() {
                return Err("unexpected text after the seconds".into());
            }
            if rest[0] == b'T' {
                if seq > 3 {
                    return Err("`T` after a time component".into());
                }
                rest = &rest[1..];
                seq = 3;
            } else if seq == 3 {
                return Err("a time component after `T` was expected".into());
            }
            let n = rest.iter().take_while(|c| c.is_ascii_digit()).count();
            let zeros = rest[..n.saturating_sub(1)]
                .iter()
                .take_while(|c| **c == b'0')
                .count();
            let mut value: u64 = 0;
            for c in &rest[..n] {
                value = value
                    .checked_mul(10)
                    .and_then(|v| v.checked_add(u64::from(c - b'0')))
                    .filter(|v| *v <= LONG_MAX)
                    .ok_or("a duration component is out of range")?;
            }
            let whole = (n > 0)
                .then(|| {
                    u8::try_from(zeros)
                        .map(|zeros| Num { value, zeros })
                        .map_err(|_| "more than 255 leading zeros in a duration component")
                })
                .transpose()?;
            rest = &rest[n..];
            let mut fraction = None;
            if let [b'.', r @ ..] = rest {
                let k = r.iter().take_while(|c| c.is_ascii_digit()).count();
                // ASCII digits: valid UTF-8.
                let digits = std::str::from_utf8(&r[..k]).unwrap_or_default();
                fraction = Some(Fraction::from_digits_or_empty(digits)?);
                rest = &r[k..];
            }
            let Some(&c) = rest.first() else {
                return Err(if whole.is_none() && fraction.is_none() {
                    "`T` must be followed by a time component".into()
                } else {
                    "a number without its designator".into()
                });
            };
            loop {
                if c == DESIG[seq] {
                    break;
                }
                seq += 1;
                if seq == 3 || seq == DESIG.len() {
                    return Err(if seq == 3 && matches!(c, b'H' | b'S' | b'M') {
                        format!("`{}` needs `T` before it", char::from(c))
                    } else {
                        format!(
                            "unexpected {:?} in a duration (designators are Y, M, D, T, H, M, S, in that order)",
                            String::from_utf8_lossy(&rest[..rest.len().min(4)])
                        )
                    });
                }
            }
            rest = &rest[1..];
            let has_digits = whole.is_some() || fraction.as_ref().is_some_and(|f| !f.is_empty());
            if !has_digits {
                return Err("a designator without a number".into());
            }
            if fraction.is_some() && seq != 5 {
                return Err("only seconds may have a fraction".into());
            }
            match seq {
                0 => d.years = whole,
                1 => d.months = whole,
                2 => d.days = whole,
                3 => d.hours = whole,
                4 => d.minutes = whole,
                _ => {
                    d.seconds = whole;
                    d.fraction = fraction;
                }
            }
            seq += 1;
        }
        d.check()?;
        Ok(d)
    }

    fn write(&self, out: &mut String) {
        if self.negative {
            out.push('-');
        }
        out.push('P');
        for (n, c) in [(self.years, 'Y'), (self.months, 'M'), (self.days, 'D')] {
            if let Some(n) = n {
                n.write(out);
                out.push(c);
            }
        }
        if self.hours.is_some()
            || self.minutes.is_some()
            || self.seconds.is_some()
            || self.fraction.is_some()
        {
            out.push('T');
            for (n, c) in [(self.hours, 'H'), (self.minutes, 'M')] {
                if let Some(n) = n {
                    n.write(out);
                    out.push(c);
                }
            }
            if self.seconds.is_some() || self.fraction.is_some() {
                if let Some(n) = self.seconds {
                    n.write(out);
                }
                if let Some(f) = &self.fraction {
                    out.push('.');
                    f.write_digits(out);
                }
                out.push('S');
            }
        }
    }
}

impl TryFrom<&Duration> for std::time::Duration {
    type Error = String;
    /// The length of a non-negative duration without years or months.
    fn try_from(d: &Duration) -> Result<Self, String> {
        if d.negative && !d.is_zero() {
            return Err(format!("the duration {d} is negative"));
        }
        let (secs, nanos) = d.fixed_secs_nanos()?;
        Ok(std::time::Duration::new(secs, nanos))
    }
}

impl From<std::time::Duration> for Duration {
    /// Days, hours, minutes and seconds with the nanoseconds as a fraction (`PT0S` for 0).
    fn from(d: std::time::Duration) -> Self {
        Duration::from_secs_nanos(false, d.as_secs(), d.subsec_nanos())
    }
}

// ---------------------------------------------------------------------------------------
// Conversions to and from `time` and `chrono`
// ---------------------------------------------------------------------------------------

#[cfg(any(feature = "time", feature = "chrono"))]
/// The calendar date after `date` (for `24:00:00`, the midnight that ends the day).
fn next_day(year: i64, month: u8, day: u8) -> (i64, u8, u8) {
    if day < days_in_month(year, month) {
        (year, month, day + 1)
    } else if month < 12 {
        (year, month + 1, 1)
    } else {
        // Year 0 does not exist in XML Schema 1.0, but both crates count it.
        (year + 1, 1, 1)
    }
}

#[cfg(any(feature = "time", feature = "chrono"))]
/// `(year, month, day, hour, minute, second)` with `24:00:00` moved to the next day's
/// midnight.
fn wall_clock(dt: &DateTime) -> (i64, u8, u8, u8, u8, u8) {
    let p = dt.parts();
    if p.hour == 24 {
        let (y, m, d) = next_day(p.year, p.month, p.day);
        (y, m, d, 0, 0, 0)
    } else {
        (p.year, p.month, p.day, p.hour, p.minute, p.second)
    }
}

#[cfg(any(feature = "time", feature = "chrono"))]
fn zoned_error(dt: &DateTime, to: &str) -> String {
    format!(
        "{dt} has a zone: convert it to an offset date-time, not to {to} (which would drop the zone)"
    )
}

#[cfg(any(feature = "time", feature = "chrono"))]
fn zoneless_error(dt: &DateTime, to: &str) -> String {
    format!(
        "{dt} has no zone, so it names no instant: convert it to a local date-time, not to {to}"
    )
}

/// The zone of an offset from UTC in seconds (`Z` for none), for the `time` and `chrono`
/// conversions: an offset with seconds is an error, XML Schema cannot write it.
#[cfg(any(feature = "time", feature = "chrono"))]
fn zone_of_offset_secs(secs: i32) -> Result<Zone, String> {
    if secs % 60 != 0 {
        return Err(format!(
            "the offset of {secs} seconds is no whole minute, which XML Schema cannot write"
        ));
    }
    if secs == 0 {
        Ok(Zone::Utc)
    } else {
        Zone::from_offset_minutes(secs / 60)
    }
}

#[cfg(feature = "time")]
mod time_conv {
    use super::*;

    fn date(year: i64, month: u8, day: u8) -> Result<time::Date, String> {
        let y = i32::try_from(year).map_err(|_| format!("year {year} is out of range"))?;
        let m = time::Month::try_from(month).map_err(|e| e.to_string())?;
        time::Date::from_calendar_date(y, m, day)
            .map_err(|e| format!("{year:04}-{month:02}-{day:02}: {e}"))
    }

    fn primitive(dt: &DateTime) -> Result<time::PrimitiveDateTime, String> {
        let (y, mo, d, h, mi, s) = wall_clock(dt);
        let t = time::Time::from_hms_nano(h, mi, s, dt.nanosecond()).map_err(|e| e.to_string())?;
        Ok(time::PrimitiveDateTime::new(date(y, mo, d)?, t))
    }

    fn offset(z: Zone) -> Result<time::UtcOffset, String> {
        time::UtcOffset::from_whole_seconds(z.offset_minutes() * 60).map_err(|e| e.to_string())
    }

    fn zone_of(o: time::UtcOffset) -> Result<Zone, String> {
        super::zone_of_offset_secs(o.whole_seconds())
    }

    fn from_parts(d: time::Date, t: time::Time, zone: Option<Zone>) -> Result<DateTime, String> {
        DateTime::new(
            i64::from(d.year()),
            u8::from(d.month()),
            d.day(),
            t.hour(),
            t.minute(),
            t.second(),
        )?
        .with_nanosecond(t.nanosecond())
        .map(|v| v.with_zone(zone))
    }

    impl TryFrom<&DateTime> for time::PrimitiveDateTime {
        type Error = String;
        /// A zone-less value's date and time (`24:00:00` becomes the next day's midnight,
        /// fraction digits past the ninth are cut off). A zoned value is an error.
        fn try_from(dt: &DateTime) -> Result<Self, String> {
            if dt.zone().is_some() {
                return Err(zoned_error(dt, "time::PrimitiveDateTime"));
            }
            primitive(dt)
        }
    }

    impl TryFrom<&DateTime> for time::OffsetDateTime {
        type Error = String;
        /// A zoned value's instant with its offset. A zone-less value is an error.
        fn try_from(dt: &DateTime) -> Result<Self, String> {
            let z = dt
                .zone()
                .ok_or_else(|| zoneless_error(dt, "time::OffsetDateTime"))?;
            Ok(primitive(dt)?.assume_offset(offset(z)?))
        }
    }

    impl TryFrom<time::PrimitiveDateTime> for DateTime {
        type Error = String;
        /// A zone-less value, with as many fraction digits as the nanoseconds need. Errors
        /// on year 0, which XML Schema 1.0 does not have.
        fn try_from(p: time::PrimitiveDateTime) -> Result<Self, String> {
            from_parts(p.date(), p.time(), None)
        }
    }

    impl TryFrom<time::OffsetDateTime> for DateTime {
        type Error = String;
        /// The local date and time with the offset as zone (`Z` for UTC). Errors when the
        /// offset has seconds, or on year 0.
        fn try_from(o: time::OffsetDateTime) -> Result<Self, String> {
            from_parts(o.date(), o.time(), Some(zone_of(o.offset())?))
        }
    }

    impl TryFrom<&Date> for time::Date {
        type Error = String;
        /// The calendar date as written (the zone, if any, is left aside).
        fn try_from(d: &Date) -> Result<Self, String> {
            date(d.year, d.month, d.day)
        }
    }

    impl TryFrom<time::Date> for Date {
        type Error = String;
        /// A zone-less date. Errors on year 0, which XML Schema 1.0 does not have.
        fn try_from(d: time::Date) -> Result<Self, String> {
            Date::new(i64::from(d.year()), u8::from(d.month()), d.day())
        }
    }

    impl TryFrom<&Time> for time::Time {
        type Error = String;
        /// The time of day as written (the zone, if any, is left aside; `24:00:00` becomes
        /// midnight; fraction digits past the ninth are cut off).
        fn try_from(t: &Time) -> Result<Self, String> {
            let h = if t.hour == 24 { 0 } else { t.hour };
            time::Time::from_hms_nano(h, t.minute, t.second, t.nanosecond())
                .map_err(|e| e.to_string())
        }
    }

    impl From<time::Time> for Time {
        /// A zone-less time with as many fraction digits as the nanoseconds need.
        fn from(t: time::Time) -> Self {
            Time {
                hour: t.hour(),
                minute: t.minute(),
                second: t.second(),
                fraction: Fraction::from_nanos(t.nanosecond()),
                zone: None,
            }
        }
    }

    impl TryFrom<&Duration> for time::Duration {
        type Error = String;
        /// The length of a duration without years or months.
        fn try_from(d: &Duration) -> Result<Self, String> {
            let (secs, nanos) = d.fixed_secs_nanos()?;
            let secs = i64::try_from(secs).map_err(|_| format!("{d} is out of range"))?;
            // Below 10^9: fits in i32.
            let v = time::Duration::new(secs, nanos as i32);
            Ok(if d.negative { -v } else { v })
        }
    }

    impl From<time::Duration> for Duration {
        /// Days, hours, minutes and seconds with a fraction, `-` when negative.
        fn from(d: time::Duration) -> Self {
            let negative = d.is_negative();
            let secs = d.whole_seconds().unsigned_abs();
            let nanos = d.subsec_nanoseconds().unsigned_abs();
            Duration::from_secs_nanos(negative, secs, nanos)
        }
    }
}

#[cfg(feature = "chrono")]
mod chrono_conv {
    use super::*;
    use chrono::{Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Timelike};

    fn date(year: i64, month: u8, day: u8) -> Result<NaiveDate, String> {
        let y = i32::try_from(year).map_err(|_| format!("year {year} is out of range"))?;
        NaiveDate::from_ymd_opt(y, u32::from(month), u32::from(day))
            .ok_or_else(|| format!("{year:04}-{month:02}-{day:02} is out of chrono's range"))
    }

    fn naive(dt: &DateTime) -> Result<NaiveDateTime, String> {
        let (y, mo, d, h, mi, s) = wall_clock(dt);
        let t = NaiveTime::from_hms_nano_opt(
            u32::from(h),
            u32::from(mi),
            u32::from(s),
            dt.nanosecond(),
        )
        .ok_or("time out of range")?;
        Ok(date(y, mo, d)?.and_time(t))
    }

    fn offset(z: Zone) -> Result<FixedOffset, String> {
        FixedOffset::east_opt(z.offset_minutes() * 60).ok_or_else(|| format!("bad offset {z}"))
    }

    fn from_parts(d: NaiveDate, t: NaiveTime, zone: Option<Zone>) -> Result<DateTime, String> {
        // A leap second (nanoseconds from 10^9) is not XML Schema 1.0.
        DateTime::new(
            i64::from(d.year()),
            d.month() as u8,
            d.day() as u8,
            t.hour() as u8,
            t.minute() as u8,
            t.second() as u8,
        )?
        .with_nanosecond(t.nanosecond())
        .map(|v| v.with_zone(zone))
    }

    impl TryFrom<&DateTime> for NaiveDateTime {
        type Error = String;
        /// A zone-less value's date and time (`24:00:00` becomes the next day's midnight,
        /// fraction digits past the ninth are cut off). A zoned value is an error.
        fn try_from(dt: &DateTime) -> Result<Self, String> {
            if dt.zone().is_some() {
                return Err(zoned_error(dt, "chrono::NaiveDateTime"));
            }
            naive(dt)
        }
    }

    impl TryFrom<&DateTime> for chrono::DateTime<FixedOffset> {
        type Error = String;
        /// A zoned value's instant with its offset. A zone-less value is an error.
        fn try_from(dt: &DateTime) -> Result<Self, String> {
            let z = dt
                .zone()
                .ok_or_else(|| zoneless_error(dt, "chrono::DateTime"))?;
            naive(dt)?
                .and_local_timezone(offset(z)?)
                .single()
                .ok_or_else(|| format!("{dt} is out of chrono's range"))
        }
    }

    impl TryFrom<&DateTime> for chrono::DateTime<chrono::Utc> {
        type Error = String;
        /// A zoned value's instant in UTC. A zone-less value is an error.
        fn try_from(dt: &DateTime) -> Result<Self, String> {
            chrono::DateTime::<FixedOffset>::try_from(dt).map(|d| d.to_utc())
        }
    }

    impl TryFrom<NaiveDateTime> for DateTime {
        type Error = String;
        /// A zone-less value with as many fraction digits as the nanoseconds need. Errors on
        /// year 0 (not in XML Schema 1.0) and on a leap second.
        fn try_from(n: NaiveDateTime) -> Result<Self, String> {
            from_parts(n.date(), n.time(), None)
        }
    }

    impl<Tz: chrono::TimeZone> TryFrom<chrono::DateTime<Tz>> for DateTime {
        type Error = String;
        /// The local date and time with the offset as zone (`Z` for a zero offset). Errors
        /// when the offset has seconds, on year 0 and on a leap second.
        fn try_from(d: chrono::DateTime<Tz>) -> Result<Self, String> {
            use chrono::Offset;
            let zone = super::zone_of_offset_secs(d.offset().fix().local_minus_utc())?;
            let local = d.naive_local();
            from_parts(local.date(), local.time(), Some(zone))
        }
    }

    impl TryFrom<&Date> for NaiveDate {
        type Error = String;
        /// The calendar date as written (the zone, if any, is left aside).
        fn try_from(d: &Date) -> Result<Self, String> {
            date(d.year, d.month, d.day)
        }
    }

    impl TryFrom<NaiveDate> for Date {
        type Error = String;
        /// A zone-less date. Errors on year 0, which XML Schema 1.0 does not have.
        fn try_from(d: NaiveDate) -> Result<Self, String> {
            Date::new(i64::from(d.year()), d.month() as u8, d.day() as u8)
        }
    }

    impl TryFrom<&Time> for NaiveTime {
        type Error = String;
        /// The time of day as written (the zone, if any, is left aside; `24:00:00` becomes
        /// midnight; fraction digits past the ninth are cut off).
        fn try_from(t: &Time) -> Result<Self, String> {
            let h = if t.hour == 24 { 0 } else { t.hour };
            NaiveTime::from_hms_nano_opt(
                u32::from(h),
                u32::from(t.minute),
                u32::from(t.second),
                t.nanosecond(),
            )
            .ok_or_else(|| format!("{t} is out of range"))
        }
    }

    impl TryFrom<NaiveTime> for Time {
        type Error = String;
        /// A zone-less time with as many fraction digits as the nanoseconds need. Errors on
        /// a leap second.
        fn try_from(t: NaiveTime) -> Result<Self, String> {
            Time::new(t.hour() as u8, t.minute() as u8, t.second() as u8)?
                .with_nanosecond(t.nanosecond())
        }
    }

    impl TryFrom<&Duration> for TimeDelta {
        type Error = String;
        /// The length of a duration without years or months.
        fn try_from(d: &Duration) -> Result<Self, String> {
            let (secs, nanos) = d.fixed_secs_nanos()?;
            let secs = i64::try_from(secs).map_err(|_| format!("{d} is out of range"))?;
            let v = TimeDelta::new(secs, nanos).ok_or_else(|| format!("{d} is out of range"))?;
            Ok(if d.negative { -v } else { v })
        }
    }

    impl From<TimeDelta> for Duration {
        /// Days, hours, minutes and seconds with a fraction, `-` when negative.
        fn from(d: TimeDelta) -> Self {
            let negative = d < TimeDelta::zero();
            let abs = d.abs();
            let secs = abs.num_seconds().unsigned_abs();
            let nanos = abs.subsec_nanos().unsigned_abs();
            Duration::from_secs_nanos(negative, secs, nanos)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_time_is_as_small_as_a_string() {
        // Item types hold a dozen optional dates: they must not cost more than a string.
        assert_eq!(std::mem::size_of::<DateTime>(), 24);
        assert_eq!(std::mem::size_of::<Option<DateTime>>(), 24);
        // Out-of-line values (years beyond i32, fractions of 20 digits and more) keep
        // their exact text and compare by value like compact ones.
        for s in [
            "2024-01-31T09:30:00.123456789012345678901Z",
            "-2147483649-01-01T00:00:00",
            "2024-01-31T09:30:00.1234567890123456789+14:00",
            "2024-01-31T24:00:00-00:00",
        ] {
            let v: DateTime = s.parse().unwrap();
            assert_eq!(v.to_string(), s);
            assert_eq!(v, DateTime::from_parts(v.parts()));
        }
    }

    fn round_trip<T: Text + fmt::Debug>(s: &str) {
        let v = T::parse_text(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        let mut out = String::new();
        v.write_text(&mut out);
        assert_eq!(out, s, "{v:?}");
    }

    /// Verdicts of libxml2 2.9.14 (`xmllint --schema`), checked by hand on a small schema.
    #[test]
    fn date_times_as_libxml2_judges_them() {
        let ok = [
            "2024-01-31T09:30:00Z",
            "2024-01-31T09:30:00",
            "2024-02-29T00:00:00",
            "2000-02-29T00:00:00",
            "2024-01-31T24:00:00",
            "2024-01-31T24:00:00.0",
            "2024-12-31T24:00:00Z",
            "-0001-01-01T00:00:00",
            "12345-01-01T00:00:00",
            "2024-01-01T00:00:00+14:00",
            "2024-01-01T00:00:00-14:00",
            "2024-01-01T00:00:00+13:59",
            "2024-01-01T00:00:00-00:00",
            "2024-01-01T00:00:00+00:00",
            "2024-01-01T00:00:00.1234567890123456789012345",
            "99999999999-01-01T00:00:00",
            "9223372036854775807-01-01T00:00:00",
            "-9223372036854775807-01-01T00:00:00",
            "2024-01-01T00:00:00.5Z",
            "-0004-02-29T00:00:00",
        ];
        let bad = [
            "2023-02-29T00:00:00",
            "1900-02-29T00:00:00",
            "2024-04-31T00:00:00",
            "2024-01-31T24:00:01",
            "2024-01-31T24:30:00",
            "2024-01-31T24:00:00.000000000000000001",
            "2024-01-31T23:59:60",
            "2024-01-31T23:59:59.99999999999999999999",
            "2024-01-31T23:60:00",
            "0000-01-01T00:00:00",
            "-0000-01-01T00:00:00",
            "012345-01-01T00:00:00",
            "02024-01-01T00:00:00",
            "2024-01-01T00:00:00+14:01",
            "2024-01-01T00:00:00+15:00",
            "2024-01-01T00:00:00+00:60",
            "2024-01-01T00:00:00+0000",
            "2024-01-01T00:00:00.",
            " 2024-01-01T00:00:00",
            "2024-01-01T00:00:00z",
            "2024-1-01T00:00:00",
            "2024-01-01t00:00:00",
            "+2024-01-01T00:00:00",
            "2024-01-01T0:00:00",
            "9223372036854775808-01-01T00:00:00",
            "-9223372036854775808-01-01T00:00:00",
            "-0001-02-29T00:00:00",
            "2024-01-01T00:00",
            "2024-01-01",
            "",
            "2024-01-0Х",
        ];
        for s in ok {
            round_trip::<DateTime>(s);
        }
        for s in bad {
            assert!(DateTime::parse(s).is_err(), "{s} was accepted");
        }
    }

    #[test]
    fn dates_and_times_as_libxml2_judges_them() {
        for s in [
            "2024-01-01",
            "2024-01-01Z",
            "2024-01-01+02:00",
            "-0044-03-15",
            "-0004-02-29",
            "0004-02-29",
        ] {
            round_trip::<Date>(s);
        }
        for s in [
            "2024-02-30",
            "-0045-02-29",
            "-0001-02-29",
            "2024-01-01T00:00:00",
        ] {
            assert!(Date::parse(s).is_err(), "{s}");
        }
        for s in [
            "24:00:00",
            "24:00:00Z",
            "24:00:00.000",
            "00:00:00",
            "23:59:59.999",
            "10:00:00+14:00",
        ] {
            round_trip::<Time>(s);
        }
        for s in ["24:00:00.5", "10:00:00+14:30", "10:00", "10:00:00 "] {
            assert!(Time::parse(s).is_err(), "{s}");
        }
    }

    #[test]
    fn durations_as_libxml2_judges_them() {
        for s in [
            "P1D",
            "-P1D",
            "PT1H",
            "P01D",
            "P1Y2M3DT4H5M6.7S",
            "PT1.S",
            "PT.5S",
            "PT0.5S",
            "P9999999999Y",
            "P999999999999D",
            "PT999999999999999H",
            "PT1.123456789012345678901234S",
            "P0D",
            "-P0D",
            "-PT0S",
            "P1Y1M1DT1H1M1.000S",
            "PT36H",
            "P13M",
            "P768614336404564650Y",
            "P768614336404564650Y7M",
            "P9223372036854775807D",
            "P9223372036854775807DT23H",
            "PT9223372036854775807S",
            "P000000000000000000000000000001D",
        ] {
            round_trip::<Duration>(s);
        }
        for s in [
            "+P1D",
            "P",
            "PT",
            "P1DT",
            "P1.5D",
            "P1M1Y",
            "PT1H1H",
            "P99999999999999999999D",
            "PT99999999999999999999S",
            "p1D",
            "P1d",
            "P768614336404564651Y",
            "P768614336404564650Y8M",
            "P9223372036854775807DT24H",
            "PT.S",
            "PT1.5.5S",
            "P1DT1.5H",
            "P1Y-1M",
            "P 1D",
            "PT1H ",
            "P1H",
            "PT1D",
            "P1DT1D",
            "-",
            "",
        ] {
            assert!(Duration::parse(s).is_err(), "{s} was accepted");
        }
    }

    #[test]
    fn text_reading_collapses_whitespace_but_parse_is_exact() {
        let d = DateTime::parse_text("\n 2024-01-31T09:30:00Z\t").unwrap();
        assert_eq!(d.to_string(), "2024-01-31T09:30:00Z");
        assert!(DateTime::parse(" 2024-01-31T09:30:00Z").is_err());
        assert!(" P1D".parse::<Duration>().is_err());
    }

    #[test]
    fn zones_keep_their_form() {
        let z: Vec<Option<Zone>> = ["10:00:00Z", "10:00:00+00:00", "10:00:00-00:00", "10:00:00"]
            .iter()
            .map(|s| Time::parse(s).unwrap().zone())
            .collect();
        assert_eq!(z[0], Some(Zone::Utc));
        assert_ne!(z[1], z[2]);
        assert!(z[1].unwrap().is_utc() && z[2].unwrap().is_utc());
        assert_eq!(z[3], None);
        assert_eq!(
            Zone::from_offset_minutes(-330).unwrap().to_string(),
            "-05:30"
        );
        assert!(Zone::from_offset_minutes(841).is_err());
        let t = Time::parse("10:00:00-05:30").unwrap();
        assert_eq!(t.zone().unwrap().offset_minutes(), -330);
    }

    #[test]
    fn components_and_builders() {
        let t = DateTime::parse("-12345-06-07T08:09:10.000100-03:00").unwrap();
        assert_eq!(
            (
                t.year(),
                t.month(),
                t.day(),
                t.hour(),
                t.minute(),
                t.second()
            ),
            (-12345, 6, 7, 8, 9, 10)
        );
        assert_eq!(t.nanosecond(), 100_000);
        assert_eq!(t.fraction().unwrap().digits(), "000100");
        assert_eq!(t.date().to_string(), "-12345-06-07-03:00");
        assert_eq!(t.time().to_string(), "08:09:10.000100-03:00");
        assert_eq!(DateTime::from_date_time(&t.date(), &t.time()), t);
        let long = Fraction::from_digits("12345678901234567890123").unwrap();
        assert_eq!(long.len(), 23);
        assert_eq!(long.nanos(), 123_456_789);
        assert!(Fraction::from_digits("").is_err());
        assert!(Fraction::from_digits("1a").is_err());
        assert!(DateTime::new(2023, 2, 29, 0, 0, 0).is_err());
        assert!(DateTime::new(2024, 2, 29, 24, 0, 0).is_ok());
        assert!(DateTime::new(2024, 2, 29, 24, 0, 0)
            .unwrap()
            .with_nanosecond(1)
            .is_err());
        assert_eq!(
            DateTime::new(2024, 2, 29, 1, 2, 3)
                .unwrap()
                .with_nanosecond(120_000_000)
                .unwrap()
                .to_string(),
            "2024-02-29T01:02:03.12"
        );
        assert_eq!(DateTime::default().to_string(), "0001-01-01T00:00:00");
        assert_eq!(Date::default().to_string(), "0001-01-01");
        assert_eq!(Time::default().to_string(), "00:00:00");
        assert_eq!(Duration::default().to_string(), "PT0S");
    }

    #[test]
    fn duration_components_and_builders() {
        let d = Duration::parse("-P0001Y2M3DT4H5M06.250S").unwrap();
        assert!(d.is_negative());
        assert_eq!(
            (
                d.years(),
                d.months(),
                d.days(),
                d.hours(),
                d.minutes(),
                d.seconds()
            ),
            (Some(1), Some(2), Some(3), Some(4), Some(5), Some(6))
        );
        assert_eq!(d.nanosecond(), 250_000_000);
        assert_eq!(Duration::parse("PT.5S").unwrap().seconds(), Some(0));
        assert_eq!(Duration::from_secs(90_061).to_string(), "P1DT1H1M1S");
        assert_eq!(Duration::from_secs(0).to_string(), "PT0S");
        assert_eq!(Duration::zero().with_days(2).unwrap().to_string(), "P2D");
        assert_eq!(
            Duration::zero()
                .with_years(1)
                .unwrap()
                .with_fraction(Some(Fraction::from_digits("5").unwrap()))
                .unwrap()
                .negated()
                .to_string(),
            "-P1YT0.5S"
        );
        assert!(Duration::zero().with_years(u64::MAX).is_err());
        assert!(Duration::zero()
            .with_years(768_614_336_404_564_651)
            .is_err());
        assert_eq!(
            std::time::Duration::try_from(&Duration::parse("P1DT0.5S").unwrap()).unwrap(),
            std::time::Duration::new(86_400, 500_000_000)
        );
        assert!(std::time::Duration::try_from(&Duration::parse("P1M").unwrap()).is_err());
        assert!(std::time::Duration::try_from(&Duration::parse("-PT1S").unwrap()).is_err());
        assert_eq!(
            Duration::from(std::time::Duration::new(3_600, 1)).to_string(),
            "PT1H0.000000001S"
        );
    }

    /// Every prefix and one-character change of a valid value is an error or a value that
    /// writes back as read: never a panic, never a changed text.
    #[test]
    fn mutations_never_panic_and_always_round_trip() {
        let seeds = [
            "2024-01-31T09:30:00.1234567+02:00",
            "-0044-03-15Z",
            "24:00:00.000-14:00",
            "-P1Y2M3DT4H5M6.7S",
        ];
        let alphabet = [
            "0", "1", "9", "-", "+", ":", ".", "T", "Z", "P", "Y", "M", "D", "H", "S", " ", "é",
        ];
        for s in seeds {
            let mut variants = Vec::new();
            for i in 0..=s.len() {
                variants.push(s[..i].to_string());
                for a in alphabet {
                    variants.push(format!("{}{a}{}", &s[..i], &s[i..]));
                    if i < s.len() {
                        variants.push(format!("{}{a}{}", &s[..i], &s[i + 1..]));
                    }
                }
            }
            for v in &variants {
                if let Ok(x) = DateTime::parse(v) {
                    assert_eq!(x.to_string(), *v);
                }
                if let Ok(x) = Date::parse(v) {
                    assert_eq!(x.to_string(), *v);
                }
                if let Ok(x) = Time::parse(v) {
                    assert_eq!(x.to_string(), *v);
                }
                if let Ok(x) = Duration::parse(v) {
                    assert_eq!(x.to_string(), *v);
                }
            }
        }
    }

    #[cfg(feature = "time")]
    #[test]
    fn time_crate_conversions() {
        let t = DateTime::parse("2024-12-31T24:00:00Z").unwrap();
        let o = time::OffsetDateTime::try_from(&t).unwrap();
        assert_eq!((o.year(), o.ordinal()), (2025, 1));
        assert!(time::PrimitiveDateTime::try_from(&t).is_err());
        let back = DateTime::try_from(o).unwrap();
        assert_eq!(back.to_string(), "2025-01-01T00:00:00Z");
        let o = time::OffsetDateTime::UNIX_EPOCH
            .to_offset(time::UtcOffset::from_hms(5, 30, 0).unwrap());
        assert_eq!(
            DateTime::try_from(o).unwrap().to_string(),
            "1970-01-01T05:30:00+05:30"
        );
        let odd = time::UtcOffset::from_hms(0, 0, 1).unwrap();
        assert!(DateTime::try_from(time::OffsetDateTime::UNIX_EPOCH.to_offset(odd)).is_err());
        let year0 = time::Date::from_calendar_date(0, time::Month::January, 1).unwrap();
        assert!(
            DateTime::try_from(time::PrimitiveDateTime::new(year0, time::Time::MIDNIGHT)).is_err()
        );
        assert!(time::Date::try_from(&Date::parse("12345-01-01").unwrap()).is_err());
        let d = Duration::parse("-P1DT1S").unwrap();
        assert_eq!(
            time::Duration::try_from(&d).unwrap().whole_seconds(),
            -86_401
        );
    }

    #[cfg(feature = "chrono")]
    #[test]
    fn chrono_conversions() {
        use chrono::{Datelike, FixedOffset, NaiveDateTime, TimeDelta};
        let t = DateTime::parse("2024-02-29T24:00:00-08:00").unwrap();
        let c = chrono::DateTime::<FixedOffset>::try_from(&t).unwrap();
        assert_eq!((c.month(), c.day()), (3, 1));
        assert_eq!(c.offset().local_minus_utc(), -8 * 3600);
        assert!(NaiveDateTime::try_from(&t).is_err());
        let utc = chrono::DateTime::<chrono::Utc>::try_from(&t).unwrap();
        assert_eq!(
            DateTime::try_from(utc).unwrap().to_string(),
            "2024-03-01T08:00:00Z"
        );
        let local = DateTime::parse("2024-02-29T10:00:00.000000001").unwrap();
        let n = NaiveDateTime::try_from(&local).unwrap();
        assert!(chrono::DateTime::<FixedOffset>::try_from(&local).is_err());
        assert_eq!(
            DateTime::try_from(n).unwrap().to_string(),
            "2024-02-29T10:00:00.000000001"
        );
        let d = Duration::parse("-PT1M30.5S").unwrap();
        let td = TimeDelta::try_from(&d).unwrap();
        assert_eq!(td.num_milliseconds(), -90_500);
        assert_eq!(Duration::from(td).to_string(), "-PT1M30.5S");
        assert_eq!(Duration::from(TimeDelta::zero()).to_string(), "PT0S");
    }
}
