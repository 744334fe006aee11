//! Dates: one reading of the dates people type (demo scripts, import-history manifests,
//! schedules) and one printing of the times git records, on `jiff`'s calendar.

use jiff::tz::{Offset, TimeZone};
use jiff::{Timestamp, civil};

/// A date that none of the accepted forms reads.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{input}` is not a date: write YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS] (UTC), or add an offset (2026-03-01T09:30+01:00)"
)]
pub struct BadDate {
    pub input: String,
}

/// Seconds since 1970-01-01T00:00:00Z of `text`, which is one of
/// - `YYYY-MM-DD` (midnight UTC),
/// - `YYYY-MM-DDTHH:MM[:SS]` or with a space for `T` (UTC),
/// - either of those with `Z` or an offset `±HH:MM` (RFC 3339).
pub fn parse(text: &str) -> Result<i64, BadDate> {
    let text = text.trim();
    let bad = || BadDate {
        input: text.to_string(),
    };
    if let Ok(t) = text.parse::<Timestamp>() {
        return Ok(t.as_second());
    }
    let utc = |dt: civil::DateTime| {
        dt.to_zoned_datetime(TimeZone::UTC)
            .map(|z| z.timestamp().as_second())
            .map_err(|_| bad())
    };
    if let Ok(dt) = text.parse::<civil::DateTime>() {
        return utc(dt);
    }
    match text.parse::<civil::Date>() {
        Ok(d) if text.len() == 10 => utc(d.to_datetime(civil::Time::midnight())),
        _ => Err(bad()),
    }
}

/// A moment that no accepted form reads, or that names no zone.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{input}` is not a time with its zone: write RFC 3339 (2026-03-02T09:00:00+01:00 or …Z), or a local time and its zone (2026-03-02 09:00 Europe/Paris, 2026-03-02T09:00[Europe/Paris]){reason}"
)]
pub struct BadMoment {
    pub input: String,
    /// Why, when more can be said (an unknown zone name).
    pub reason: String,
}

/// A moment in time as the user gave it: seconds since the epoch and the offset from UTC
/// that was in force where it was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Moment {
    pub seconds: i64,
    pub offset_minutes: i32,
}

impl Moment {
    /// RFC 3339 at its own offset: `2026-03-02T09:00:00+01:00`.
    pub fn rfc3339(&self) -> String {
        let offset =
            Offset::from_seconds(self.offset_minutes.saturating_mul(60)).unwrap_or(Offset::UTC);
        match Timestamp::from_second(self.seconds) {
            Ok(t) => t
                .to_zoned_datetime(TimeZone::fixed(offset))
                .strftime("%Y-%m-%dT%H:%M:%S%:z")
                .to_string(),
            Err(_) => format!("@{}", self.seconds),
        }
    }
}

/// Reads a moment for a schedule, where a time without its zone would be ambiguous (a
/// class and its server may sit in different zones):
/// - RFC 3339: `2026-03-02T09:00:00+01:00`, `2026-03-02T08:00Z`;
/// - a local time in a named zone: `2026-03-02 09:00 Europe/Paris`,
///   `2026-03-02T09:00[Europe/Paris]` (the zone's offset on that day is used).
pub fn parse_moment(text: &str) -> Result<Moment, BadMoment> {
    let text = text.trim();
    let bad = |reason: String| BadMoment {
        input: text.to_string(),
        reason,
    };
    if let Ok(z) = text.parse::<jiff::ZonedDateTime>() {
        return Ok(Moment {
            seconds: z.timestamp().as_second(),
            offset_minutes: z.offset().seconds() / 60,
        });
    }
    if let Ok(t) = text.parse::<Timestamp>() {
        return Ok(Moment {
            seconds: t.as_second(),
            offset_minutes: rfc3339_offset_minutes(text).unwrap_or(0),
        });
    }
    if let Some((local, zone)) = text.rsplit_once(' ')
        && let Ok(dt) = local.trim().parse::<civil::DateTime>()
    {
        let tz = TimeZone::get(zone.trim())
            .map_err(|_| bad(format!(": `{}` is not a known time zone", zone.trim())))?;
        let z = dt
            .to_zoned_datetime(tz)
            .map_err(|e| bad(format!(": {e}")))?;
        return Ok(Moment {
            seconds: z.timestamp().as_second(),
            offset_minutes: z.offset().seconds() / 60,
        });
    }
    Err(bad(String::new()))
}

/// The `±HH:MM` (or `Z`) at the end of an RFC 3339 time, in minutes.
fn rfc3339_offset_minutes(text: &str) -> Option<i32> {
    if text.ends_with(['Z', 'z']) {
        return Some(0);
    }
    let tail = text.get(text.len().checked_sub(6)?..)?;
    let sign = match tail.as_bytes()[0] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let hours: i32 = tail.get(1..3)?.parse().ok()?;
    let minutes: i32 = tail.get(4..6)?.parse().ok()?;
    Some(sign * (hours * 60 + minutes))
}

/// A span of time as a person reads it on a clock: `1 h 05 min`, `12 min`, `2 d 3 h`,
/// `40 s`. Negative spans print as their length.
pub fn format_span(seconds: i64) -> String {
    let s = seconds.unsigned_abs();
    let (d, h, m) = (s / 86_400, s % 86_400 / 3600, s % 3600 / 60);
    if d > 0 {
        format!("{d} d {h} h")
    } else if h > 0 {
        format!("{h} h {m:02} min")
    } else if m > 0 {
        format!("{m} min")
    } else {
        format!("{s} s")
    }
}

/// `YYYY-MM-DD HH:MM +HHMM`: a moment as git shows it, at the offset it was recorded with.
pub fn format_with_offset(seconds: i64, offset_minutes: i32) -> String {
    let offset = Offset::from_seconds(offset_minutes.saturating_mul(60)).unwrap_or(Offset::UTC);
    match Timestamp::from_second(seconds) {
        Ok(t) => t
            .to_zoned_datetime(TimeZone::fixed(offset))
            .strftime("%Y-%m-%d %H:%M %z")
            .to_string(),
        Err(_) => format!("@{seconds}"),
    }
}

/// `YYYY-MM-DD HH:MM`, in UTC.
pub fn format_utc(seconds: i64) -> String {
    match Timestamp::from_second(seconds) {
        Ok(t) => t
            .to_zoned_datetime(TimeZone::UTC)
            .strftime("%Y-%m-%d %H:%M")
            .to_string(),
        Err(_) => format!("@{seconds}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2025-01-01T00:00:00Z.
    const NEW_YEAR_2025: i64 = 1_735_689_600;

    #[test]
    fn reads_the_forms_people_write() {
        assert_eq!(parse("1970-01-01T00:00:00Z"), Ok(0));
        assert_eq!(parse("2025-01-01"), Ok(NEW_YEAR_2025));
        assert_eq!(parse("2025-01-01T00:00:00Z"), Ok(NEW_YEAR_2025));
        assert_eq!(parse("1970-01-02T01:00Z"), Ok(86_400 + 3600));
        assert_eq!(parse("1970-01-02T01:00"), Ok(86_400 + 3600));
        assert_eq!(parse("1970-01-02 01:00:30"), Ok(86_400 + 3630));
        assert_eq!(parse("2024-02-29T12:30:15Z"), Ok(1_709_209_815));
        assert_eq!(parse("2025-01-01T01:00:00+01:00"), Ok(NEW_YEAR_2025));
        assert_eq!(parse("1969-12-31T23:59:59Z"), Ok(-1));
    }

    #[test]
    fn refuses_what_is_not_a_date() {
        for bad in [
            "2024-02-30",
            "yesterday",
            "2025-13-01",
            "2025-1-1",
            "",
            "2025-01-01T25:00",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        assert!(
            parse("2024-02-30")
                .unwrap_err()
                .to_string()
                .contains("YYYY-MM-DD")
        );
    }

    #[test]
    fn reads_schedule_moments_with_their_zone() {
        let m = parse_moment("2025-01-01T01:00:00+01:00").unwrap();
        assert_eq!((m.seconds, m.offset_minutes), (NEW_YEAR_2025, 60));
        assert_eq!(m.rfc3339(), "2025-01-01T01:00:00+01:00");
        assert_eq!(
            parse_moment("2025-01-01T00:00Z").unwrap().seconds,
            NEW_YEAR_2025
        );
        let paris = parse_moment("2025-01-01 01:00 Europe/Paris").unwrap();
        assert_eq!((paris.seconds, paris.offset_minutes), (NEW_YEAR_2025, 60));
        // Summer time is taken from the zone's rules on that day.
        let summer = parse_moment("2025-07-01T02:00[Europe/Paris]").unwrap();
        assert_eq!(summer.offset_minutes, 120);
        assert_eq!(summer.rfc3339(), "2025-07-01T02:00:00+02:00");
        for bad in ["2025-01-01T09:00", "2025-01-01", "tomorrow 9am"] {
            assert!(parse_moment(bad).is_err(), "{bad}");
        }
        let unknown = parse_moment("2025-01-01 09:00 Mars/Olympus").unwrap_err();
        assert!(
            unknown
                .to_string()
                .contains("`Mars/Olympus` is not a known time zone")
        );
    }

    #[test]
    fn spans_read_like_a_clock() {
        assert_eq!(format_span(40), "40 s");
        assert_eq!(format_span(12 * 60 + 5), "12 min");
        assert_eq!(format_span(3600 + 5 * 60), "1 h 05 min");
        assert_eq!(format_span(-(2 * 86_400 + 3 * 3600)), "2 d 3 h");
    }

    #[test]
    fn prints_as_git_shows_dates() {
        assert_eq!(
            format_with_offset(NEW_YEAR_2025, 0),
            "2025-01-01 00:00 +0000"
        );
        assert_eq!(
            format_with_offset(NEW_YEAR_2025, 90),
            "2025-01-01 01:30 +0130"
        );
        assert_eq!(
            format_with_offset(NEW_YEAR_2025, -300),
            "2024-12-31 19:00 -0500"
        );
        assert_eq!(format_utc(NEW_YEAR_2025 + 3_723), "2025-01-01 01:02");
        assert_eq!(format_utc(0), "1970-01-01 00:00");
    }
}
