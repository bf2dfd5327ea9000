//! The lexical forms of dates, times and durations as libxml2 (2.9) reads them: the
//! grammar, the checks of each component's range, and the writing back of years and
//! times of day.

use std::fmt;

use super::parts::{push2, two, Fraction, Num, Zone};

/// XML whitespace (what `xs:whiteSpace="collapse"` removes at both ends).
pub(super) fn trim_xml(s: &str) -> &str {
    s.trim_matches(crate::rt::lexical::is_xml_space)
}

fn parse_zone_opt(b: &[u8]) -> Result<Option<Zone>, String> {
    if b.is_empty() {
        Ok(None)
    } else {
        Zone::parse(b).map(Some)
    }
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// Days in `month` (1 to 12) of `year`.
pub(super) fn days_in_month(year: i64, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

pub(super) fn check_date(year: i64, month: u8, day: u8) -> Result<(), String> {
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

pub(super) fn check_time(
    hour: u8,
    minute: u8,
    second: u8,
    fraction: Option<&Fraction>,
) -> Result<(), String> {
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
pub(super) type DateParts = (i64, u8, u8);

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

pub(super) type TimeParts = (u8, u8, u8, Option<Fraction>);

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

pub(super) fn write_year(out: &mut String, year: i64) {
    use fmt::Write;
    if year < 0 {
        out.push('-');
    }
    let _ = write!(out, "{:04}", year.unsigned_abs());
}

pub(super) fn write_time(
    out: &mut String,
    hour: u8,
    minute: u8,
    second: u8,
    fraction: Option<&Fraction>,
) {
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

/// `[-]yyyy-mm-ddThh:mm:ss[.fff][zone]`: the date, the time and the zone.
pub(super) fn parse_date_time(b: &[u8]) -> Result<(DateParts, TimeParts, Option<Zone>), String> {
    let (date, rest) = parse_date_part(b)?;
    let rest = match rest {
        [b'T', rest @ ..] => rest,
        _ => return Err("expected `T` between the date and the time".into()),
    };
    let (time, rest) = parse_time_part(rest)?;
    let zone = parse_zone_opt(rest)?;
    Ok((date, time, zone))
}

/// `[-]yyyy-mm-dd[zone]`: the date and the zone.
pub(super) fn parse_date(b: &[u8]) -> Result<(DateParts, Option<Zone>), String> {
    let (date, rest) = parse_date_part(b)?;
    let zone = parse_zone_opt(rest)?;
    Ok((date, zone))
}

/// `hh:mm:ss[.fff][zone]`: the time and the zone.
pub(super) fn parse_time(b: &[u8]) -> Result<(TimeParts, Option<Zone>), String> {
    let (time, rest) = parse_time_part(b)?;
    let zone = parse_zone_opt(rest)?;
    Ok((time, zone))
}

/// The components of a duration as written, before the checks of [`Duration`](super::duration::Duration) on
/// their totals.
pub(super) struct DurationParts {
    pub(super) negative: bool,
    pub(super) years: Option<Num>,
    pub(super) months: Option<Num>,
    pub(super) days: Option<Num>,
    pub(super) hours: Option<Num>,
    pub(super) minutes: Option<Num>,
    pub(super) seconds: Option<Num>,
    pub(super) fraction: Option<Fraction>,
}

/// The largest number libxml2's `long` arithmetic takes in a duration.
pub(super) const LONG_MAX: u64 = i64::MAX as u64;

/// `[-]PnYnMnDTnHnMn[.f]S`: the components as written, designators in order, `T` before
/// the time components, a fraction only on the seconds.
pub(super) fn parse_duration(b: &[u8]) -> Result<DurationParts, String> {
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
    let mut d = DurationParts {
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
    Ok(d)
}
