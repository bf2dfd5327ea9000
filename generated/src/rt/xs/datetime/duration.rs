//! The value [`Duration`]: its components, how it is built and checked; its lexical form
//! is read by `parse`.

use super::parse::{parse_duration, LONG_MAX};
use super::parts::{Fraction, Num};

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
    pub(super) negative: bool,
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

    pub(super) fn from_secs_nanos(negative: bool, secs: u64, nanos: u32) -> Duration {
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
    pub(super) fn fixed_secs_nanos(&self) -> Result<(u64, u32), String> {
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
        let p = parse_duration(b)?;
        let d = Duration {
            negative: p.negative,
            years: p.years,
            months: p.months,
            days: p.days,
            hours: p.hours,
            minutes: p.minutes,
            seconds: p.seconds,
            fraction: p.fraction,
        };
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
