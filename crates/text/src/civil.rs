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
