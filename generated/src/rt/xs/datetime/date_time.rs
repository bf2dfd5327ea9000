//! The values [`DateTime`], [`Date`] and [`Time`]: their components, how they are stored
//! and built; their lexical forms are read and written by `parse`.

use std::fmt;

use super::parse::{
    check_date, check_time, parse_date, parse_date_time, parse_time, write_time, write_year,
};
use super::parts::{push2, Fraction, Zone};

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
pub(super) struct DtParts {
    pub(super) year: i64,
    pub(super) month: u8,
    pub(super) day: u8,
    pub(super) hour: u8,
    pub(super) minute: u8,
    pub(super) second: u8,
    pub(super) fraction: Option<Fraction>,
    pub(super) zone: Option<Zone>,
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
    pub(super) fn parts(&self) -> DtParts {
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
    pub(super) fn from_parts(p: DtParts) -> DateTime {
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
        let ((year, month, day), (hour, minute, second, fraction), zone) = parse_date_time(b)?;
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
    pub(super) year: i64,
    pub(super) month: u8,
    pub(super) day: u8,
    pub(super) zone: Option<Zone>,
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
        let ((year, month, day), zone) = parse_date(b)?;
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
    pub(super) hour: u8,
    pub(super) minute: u8,
    pub(super) second: u8,
    pub(super) fraction: Option<Fraction>,
    pub(super) zone: Option<Zone>,
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
        let ((hour, minute, second, fraction), zone) = parse_time(b)?;
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
