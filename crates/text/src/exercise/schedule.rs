//! Timed rounds: when each round of the exercise opens and closes. The times are kept as
//! RFC 3339 text at the offset the instructor gave them in, so the file reads as written.
//!
//! The server hook (not this module) refuses a team's proposal after its round closed;
//! it reads the same [`RoundTime::closes_at`].

use serde::{Deserialize, Serialize};

use crate::civil::{self, BadMoment, Moment};

use super::Exercise;

/// One round's window.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoundTime {
    /// The round's name, as in its tag `round/<name>` and the `Round:` trailer.
    pub round: String,
    /// RFC 3339.
    pub opens: String,
    pub closes: String,
}

/// Why a schedule was refused. Nothing is written in any case.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    #[error("--opens: {0}")]
    Opens(BadMoment),
    #[error("--closes: {0}")]
    Closes(BadMoment),
    #[error(
        "round {round} would close ({closes}) before it opens ({opens}): give a closing time after the opening"
    )]
    ClosesFirst {
        round: String,
        opens: String,
        closes: String,
    },
    #[error(
        "round {round} ({window}) overlaps round {other} ({other_window}): rounds follow one another"
    )]
    Overlaps {
        round: String,
        window: String,
        other: String,
        other_window: String,
    },
    #[error("the round name \"{0}\" is not usable: use letters, digits, `-`, `_` or `.`")]
    BadName(String),
    #[error("the schedule of round {round} is unreadable: {reason}")]
    Unreadable { round: String, reason: String },
}

/// Where a round stands at a moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Opens in this many seconds.
    Upcoming(i64),
    /// Closes in this many seconds.
    Open(i64),
    /// Closed this many seconds ago.
    Closed(i64),
}

impl Phase {
    /// `opens in 12 min`, `45 min left`, `closed 2 h 05 min ago`.
    pub fn describe(self) -> String {
        match self {
            Phase::Upcoming(s) => format!("opens in {}", civil::format_span(s)),
            Phase::Open(s) => format!("{} left", civil::format_span(s)),
            Phase::Closed(s) => format!("closed {} ago", civil::format_span(s)),
        }
    }
}

impl RoundTime {
    pub fn opens_at(&self) -> Result<i64, ScheduleError> {
        self.moment(&self.opens)
    }

    pub fn closes_at(&self) -> Result<i64, ScheduleError> {
        self.moment(&self.closes)
    }

    fn moment(&self, text: &str) -> Result<i64, ScheduleError> {
        civil::parse_moment(text)
            .map(|m| m.seconds)
            .map_err(|e| ScheduleError::Unreadable {
                round: self.round.clone(),
                reason: e.to_string(),
            })
    }

    /// Where the round stands at `now` (seconds since the epoch).
    pub fn phase(&self, now: i64) -> Result<Phase, ScheduleError> {
        let (opens, closes) = (self.opens_at()?, self.closes_at()?);
        Ok(if now < opens {
            Phase::Upcoming(opens - now)
        } else if now < closes {
            Phase::Open(closes - now)
        } else {
            Phase::Closed(now - closes)
        })
    }

    /// Whether a proposal made at `time` is inside the round's window.
    pub fn admits(&self, time: i64) -> Result<bool, ScheduleError> {
        Ok(self.opens_at()? <= time && time < self.closes_at()?)
    }
}

/// A round name as a tag allows it (the store's rules, checked here before anything is
/// written).
fn usable_round_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with(['.', '-'])
        && !name.ends_with(['.', '/'])
        && !name.contains("..")
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

impl Exercise {
    /// Sets (or moves) the window of `round`; refused whole when a time is unreadable,
    /// the round closes before it opens, or it overlaps another round.
    pub fn schedule(
        &mut self,
        round: &str,
        opens: &str,
        closes: &str,
    ) -> Result<(), ScheduleError> {
        let round = round.trim();
        if !usable_round_name(round) {
            return Err(ScheduleError::BadName(round.to_string()));
        }
        let o: Moment = civil::parse_moment(opens).map_err(ScheduleError::Opens)?;
        let c: Moment = civil::parse_moment(closes).map_err(ScheduleError::Closes)?;
        let new = RoundTime {
            round: round.to_string(),
            opens: o.rfc3339(),
            closes: c.rfc3339(),
        };
        if c.seconds <= o.seconds {
            return Err(ScheduleError::ClosesFirst {
                round: new.round,
                opens: new.opens,
                closes: new.closes,
            });
        }
        for other in self.rounds.iter().filter(|r| r.round != round) {
            let (oo, oc) = (other.opens_at()?, other.closes_at()?);
            if o.seconds < oc && oo < c.seconds {
                return Err(ScheduleError::Overlaps {
                    window: format!("{} – {}", new.opens, new.closes),
                    round: new.round,
                    other: other.round.clone(),
                    other_window: format!("{} – {}", other.opens, other.closes),
                });
            }
        }
        match self.rounds.iter_mut().find(|r| r.round == round) {
            Some(r) => *r = new,
            None => self.rounds.push(new),
        }
        self.rounds
            .sort_by_key(|r| r.opens_at().unwrap_or(i64::MAX));
        Ok(())
    }

    /// The round that is open at `now`, else the next to open, else the last to close,
    /// with where it stands.
    pub fn round_at(&self, now: i64) -> Option<(&RoundTime, Phase)> {
        let phased: Vec<(&RoundTime, Phase)> = self
            .rounds
            .iter()
            .filter_map(|r| r.phase(now).ok().map(|p| (r, p)))
            .collect();
        phased
            .iter()
            .find(|(_, p)| matches!(p, Phase::Open(_)))
            .or_else(|| {
                phased
                    .iter()
                    .filter(|(_, p)| matches!(p, Phase::Upcoming(_)))
                    .min_by_key(|(_, p)| match p {
                        Phase::Upcoming(s) => *s,
                        _ => i64::MAX,
                    })
            })
            .or_else(|| phased.last())
            .copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exercise::Base;

    fn exercise() -> Exercise {
        Exercise {
            version: 1,
            title: "Moot".into(),
            base: Base {
                source: "demo".into(),
                at: "HEAD".into(),
                commit: "abc".into(),
                outcome: None,
            },
            rounds: Vec::new(),
        }
    }

    #[test]
    fn rounds_are_kept_in_order_with_their_offsets() {
        let mut ex = exercise();
        ex.schedule(
            "2",
            "2026-03-02 11:00 Europe/Paris",
            "2026-03-02 12:00 Europe/Paris",
        )
        .unwrap();
        ex.schedule(
            "1",
            "2026-03-02T09:00:00+01:00",
            "2026-03-02T10:30:00+01:00",
        )
        .unwrap();
        let names: Vec<&str> = ex.rounds.iter().map(|r| r.round.as_str()).collect();
        assert_eq!(names, ["1", "2"]);
        assert_eq!(ex.round("2").unwrap().opens, "2026-03-02T11:00:00+01:00");
        let nine = civil::parse_moment("2026-03-02T09:00:00+01:00")
            .unwrap()
            .seconds;
        let (r, p) = ex.round_at(nine + 60).unwrap();
        assert_eq!((r.round.as_str(), p), ("1", Phase::Open(89 * 60)));
        assert_eq!(p.describe(), "1 h 29 min left");
        let (r, p) = ex.round_at(nine + 100 * 60).unwrap();
        assert_eq!((r.round.as_str(), p), ("2", Phase::Upcoming(20 * 60)));
        let (r, p) = ex.round_at(nine + 10 * 3600).unwrap();
        assert_eq!(
            (r.round.as_str(), p.describe().as_str()),
            ("2", "closed 7 h 00 min ago")
        );
        assert!(r.admits(nine + 2 * 3600 + 60).unwrap());
        assert!(!r.admits(nine + 3 * 3600).unwrap());
        // Moving a round replaces its window.
        ex.schedule("2", "2026-03-02T13:00Z", "2026-03-02T14:00Z")
            .unwrap();
        assert_eq!(ex.rounds.len(), 2);
        assert_eq!(ex.round("2").unwrap().opens, "2026-03-02T13:00:00+00:00");
    }

    #[test]
    fn bad_schedules_are_refused_and_change_nothing() {
        let mut ex = exercise();
        ex.schedule("1", "2026-03-02T09:00Z", "2026-03-02T10:00Z")
            .unwrap();
        let before = ex.clone();
        let cases = [
            (
                ("2", "2026-03-02T12:00Z", "2026-03-02T11:00Z"),
                "would close",
            ),
            (
                ("2", "2026-03-02T09:30Z", "2026-03-02T11:00Z"),
                "overlaps round 1",
            ),
            (("2", "2026-03-02T09:30", "2026-03-02T11:00Z"), "--opens:"),
            (("2", "2026-03-02T12:00Z", "soon"), "--closes:"),
            (
                ("round two", "2026-03-02T12:00Z", "2026-03-02T13:00Z"),
                "not usable",
            ),
        ];
        for ((round, opens, closes), expected) in cases {
            let err = ex.schedule(round, opens, closes).unwrap_err().to_string();
            assert!(err.contains(expected), "{err} / {expected}");
        }
        assert_eq!(ex, before);
    }
}
