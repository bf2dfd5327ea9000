//! Conversions of the date/time values to and from the types of the `time` and `chrono`
//! crates (cargo features `time` and `chrono`).

use super::date_time::{Date, DateTime, Time};
use super::duration::Duration;
use super::parse::days_in_month;
use super::parts::{Fraction, Zone};

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

fn zoned_error(dt: &DateTime, to: &str) -> String {
    format!(
        "{dt} has a zone: convert it to an offset date-time, not to {to} (which would drop the zone)"
    )
}

fn zoneless_error(dt: &DateTime, to: &str) -> String {
    format!(
        "{dt} has no zone, so it names no instant: convert it to a local date-time, not to {to}"
    )
}

/// The zone of an offset from UTC in seconds (`Z` for none), for the `time` and `chrono`
/// conversions: an offset with seconds is an error, XML Schema cannot write it.
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
            date(d.year(), d.month(), d.day())
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
            date(d.year(), d.month(), d.day())
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
