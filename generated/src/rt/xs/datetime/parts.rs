//! The components every date/time value is made of, as written: its [`Zone`], the
//! [`Fraction`] of its seconds and, for a duration, its numbers with their leading zeros
//! ([`Num`]).

use std::fmt;

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

    pub(super) fn write(&self, out: &mut String) {
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
    pub(super) fn parse(b: &[u8]) -> Result<Zone, String> {
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
    pub(super) fn from_short(value: u64, digits: u8) -> Fraction {
        Fraction(FracRepr::Short { value, digits })
    }

    /// Value and digit count, when at most 19 digits.
    pub(super) fn short(&self) -> Option<(u64, u8)> {
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

    pub(super) fn from_digits_or_empty(digits: &str) -> Result<Fraction, String> {
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

    pub(super) fn write_digits(&self, out: &mut String) {
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
    pub(super) fn add_libxml2(&self, mut sec: f64) -> f64 {
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

/// A duration component as written: its value and the leading zeros before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) struct Num {
    pub(super) value: u64,
    pub(super) zeros: u8,
}

impl Num {
    pub(super) fn plain(value: u64) -> Num {
        Num { value, zeros: 0 }
    }

    pub(super) fn write(&self, out: &mut String) {
        for _ in 0..self.zeros {
            out.push('0');
        }
        out.push_str(&self.value.to_string());
    }
}

/// Two ASCII digits as a number.
pub(super) fn two(a: u8, b: u8) -> Option<u8> {
    (a.is_ascii_digit() && b.is_ascii_digit()).then(|| (a - b'0') * 10 + (b - b'0'))
}

pub(super) fn push2(out: &mut String, v: u8) {
    out.push(char::from(b'0' + v / 10 % 10));
    out.push(char::from(b'0' + v % 10));
}
