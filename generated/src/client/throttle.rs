//! What a client shares across its clones to stay within the server's budgets: the
//! concurrency limit (lowered for a while when the server counts too many connections), the
//! back-off a throttled answer asked for (every call waits it out), and `Retry-After`.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

/// Locks a mutex, recovering the data of a poisoned one (the state stays consistent: every
/// critical section is a few assignments).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[derive(Debug)]
struct LimitState {
    in_flight: usize,
    /// A lowered limit and until when it holds.
    lowered: Option<(usize, Instant)>,
}

/// At most `max` requests at once (fewer while lowered), shared by every clone of a client.
#[derive(Debug)]
pub(crate) struct Limiter {
    max: usize,
    cooldown: Duration,
    state: Mutex<LimitState>,
    notify: tokio::sync::Notify,
}

/// A place among the requests in flight, given back when dropped.
#[derive(Debug)]
pub(crate) struct Permit(Arc<Limiter>);

impl Drop for Permit {
    fn drop(&mut self) {
        let mut st = lock(&self.0.state);
        st.in_flight = st.in_flight.saturating_sub(1);
        drop(st);
        self.0.notify.notify_waiters();
    }
}

impl Limiter {
    pub fn new(max: usize, cooldown: Duration) -> Self {
        Limiter {
            max: max.max(1),
            cooldown,
            state: Mutex::new(LimitState {
                in_flight: 0,
                lowered: None,
            }),
            notify: tokio::sync::Notify::new(),
        }
    }

    fn limit(&self, st: &mut LimitState) -> usize {
        match st.lowered {
            Some((l, until)) if Instant::now() < until => l,
            Some(_) => {
                st.lowered = None;
                self.max
            }
            None => self.max,
        }
    }

    /// The limit now.
    pub fn current(&self) -> usize {
        let mut st = lock(&self.state);
        self.limit(&mut st)
    }

    /// Waits for a place.
    pub async fn acquire(self: &Arc<Self>) -> Permit {
        loop {
            let notified = self.notify.notified();
            let mut notified = std::pin::pin!(notified);
            notified.as_mut().enable();
            let until = {
                let mut st = lock(&self.state);
                if st.in_flight < self.limit(&mut st) {
                    st.in_flight += 1;
                    return Permit(self.clone());
                }
                st.lowered.map(|(_, until)| until)
            };
            match until {
                // A lowered limit rises again at `until`, without a request ending.
                Some(until) => {
                    let _ = tokio::time::timeout_at(until.into(), notified).await;
                }
                None => notified.await,
            }
        }
    }

    /// Halves the limit (at least 1) for the cool-down; `ErrorExceededConnectionCount` and
    /// `ErrorTooManyObjectsOpened` ask for it. Returns the new limit.
    pub fn lower(&self) -> usize {
        let mut st = lock(&self.state);
        let now = self.limit(&mut st);
        let lowered = (now / 2).max(1);
        st.lowered = Some((lowered, Instant::now() + self.cooldown));
        lowered
    }
}

/// The back-off learned from a throttled answer: no request of the client starts before it
/// passes.
#[derive(Debug, Default)]
pub(crate) struct Gate {
    until: Mutex<Option<Instant>>,
}

impl Gate {
    /// Holds every request back for `wait` from now (a longer back-off already learned
    /// stays).
    pub fn learn(&self, wait: Duration) {
        let t = Instant::now() + wait;
        let mut until = lock(&self.until);
        if until.is_none_or(|u| u < t) {
            *until = Some(t);
        }
    }

    /// How long the back-off still holds.
    pub fn remaining(&self) -> Duration {
        lock(&self.until).map_or(Duration::ZERO, |u| {
            u.saturating_duration_since(Instant::now())
        })
    }

    /// Waits until the back-off has passed.
    pub async fn pass(&self) {
        loop {
            let until = *lock(&self.until);
            match until {
                Some(u) if u > Instant::now() => tokio::time::sleep_until(u.into()).await,
                _ => return,
            }
        }
    }
}

/// The wait a `Retry-After` value asks for: delay-seconds, or an HTTP date (IMF-fixdate,
/// RFC 850 or asctime) from `now` (a date past gives zero). `None` when unreadable.
pub(crate) fn retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let v = value.trim();
    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        return v.parse::<u64>().ok().map(Duration::from_secs);
    }
    let at = http_date(v)?;
    let now = now.duration_since(SystemTime::UNIX_EPOCH).ok()?.as_secs();
    Some(Duration::from_secs(at.saturating_sub(now)))
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Seconds since the Unix epoch of an HTTP date (RFC 9110, 5.6.7).
fn http_date(s: &str) -> Option<u64> {
    let words: Vec<&str> = s.split([' ', ',']).filter(|w| !w.is_empty()).collect();
    let month = |m: &str| MONTHS.iter().position(|x| x.eq_ignore_ascii_case(m));
    let (day, mon, year, time) = match words.as_slice() {
        // Sun, 06 Nov 1994 08:49:37 GMT
        [_, d, m, y, t, "GMT"] => (
            d.parse::<u32>().ok()?,
            month(m)?,
            y.parse::<u32>().ok()?,
            *t,
        ),
        // Sunday, 06-Nov-94 08:49:37 GMT
        [_, dmy, t, "GMT"] => {
            let mut p = dmy.split('-');
            let (d, m, y) = (p.next()?, p.next()?, p.next()?);
            let y: u32 = y.parse().ok()?;
            // Two-digit years: within 50 years of now, as RFC 9110 asks (1970-2069).
            let y = if y < 100 {
                if y >= 70 {
                    1900 + y
                } else {
                    2000 + y
                }
            } else {
                y
            };
            (d.parse().ok()?, month(m)?, y, *t)
        }
        // Sun Nov  6 08:49:37 1994
        [_, m, d, t, y] => (d.parse().ok()?, month(m)?, y.parse().ok()?, *t),
        _ => return None,
    };
    let mut hms = time.split(':');
    let (h, mi, se): (u64, u64, u64) = (
        hms.next()?.parse().ok()?,
        hms.next()?.parse().ok()?,
        hms.next()?.parse().ok()?,
    );
    if hms.next().is_some() || h > 23 || mi > 59 || se > 60 || !(1..=31).contains(&day) {
        return None;
    }
    if year < 1970 {
        return None;
    }
    let days = days_from_civil(i64::from(year), mon as i64 + 1, i64::from(day));
    u64::try_from(days)
        .ok()
        .map(|d| d * 86_400 + h * 3600 + mi * 60 + se)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_the_three_date_forms() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777); // 1994-11-06 08:49:37
        assert_eq!(retry_after("120", now), Some(Duration::from_secs(120)));
        assert_eq!(retry_after(" 0 ", now), Some(Duration::ZERO));
        for date in [
            "Sun, 06 Nov 1994 08:49:47 GMT",
            "Sunday, 06-Nov-94 08:49:47 GMT",
            "Sun Nov  6 08:49:47 1994",
        ] {
            assert_eq!(
                retry_after(date, now),
                Some(Duration::from_secs(10)),
                "{date}"
            );
        }
        assert_eq!(
            retry_after("Sat, 05 Nov 1994 08:49:37 GMT", now),
            Some(Duration::ZERO)
        );
        for bad in [
            "",
            "soon",
            "-1",
            "1.5",
            "Sun, 32 Nov 1994 08:49:37 GMT",
            "Sun, 06 Foo 1994 08:49:37 GMT",
        ] {
            assert_eq!(retry_after(bad, now), None, "{bad}");
        }
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }
}
