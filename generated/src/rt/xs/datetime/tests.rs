//! The date/time values against libxml2's verdicts, and their conversions.

use std::fmt;

use super::date_time::{Date, DateTime, Time};
use super::duration::Duration;
use super::parts::{Fraction, Zone};
use crate::rt::xs::text::Text;

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
    let o =
        time::OffsetDateTime::UNIX_EPOCH.to_offset(time::UtcOffset::from_hms(5, 30, 0).unwrap());
    assert_eq!(
        DateTime::try_from(o).unwrap().to_string(),
        "1970-01-01T05:30:00+05:30"
    );
    let odd = time::UtcOffset::from_hms(0, 0, 1).unwrap();
    assert!(DateTime::try_from(time::OffsetDateTime::UNIX_EPOCH.to_offset(odd)).is_err());
    let year0 = time::Date::from_calendar_date(0, time::Month::January, 1).unwrap();
    assert!(DateTime::try_from(time::PrimitiveDateTime::new(year0, time::Time::MIDNIGHT)).is_err());
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
