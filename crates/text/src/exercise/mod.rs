//! Moot negotiations as data: an exercise's file (`exercise/exercise.ron`: its title, the
//! record it was forked from, the schedule of timed rounds), the teams in the roster, the
//! briefs' index, the objectives a team is graded on, manual scores, and the debrief.
//!
//! Nothing here reads git: `treaty-record` keeps these files in the record, encrypts the
//! confidential briefs and gathers from the history what the debrief shows.
//!
//! ```ron
//! (
//!     version: 1,
//!     title: "Moot: Framework Convention on AI",
//!     base: (source: "demo", at: "round/r1", commit: "3f9a0c1d…", outcome: Some("77ab…")),
//!     rounds: [
//!         (round: "1", opens: "2026-03-02T09:00:00+01:00", closes: "2026-03-02T10:30:00+01:00"),
//!     ],
//! )
//! ```

pub mod brief;
pub mod debrief;
pub mod objectives;
pub mod schedule;
pub mod scores;
pub mod team;

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::ronfile::{self, RonError};

pub use schedule::RoundTime;
pub use team::Team;

/// The folder of the exercise's own files in the negotiation record. Only the chair and
/// the instructors change it (`treaty verify`).
pub const EXERCISE_DIR: &str = "exercise";
/// The exercise's file.
pub const EXERCISE_FILE: &str = "exercise/exercise.ron";

/// The exercise file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exercise {
    pub version: u32,
    pub title: String,
    pub base: Base,
    /// Timed rounds, in the order they were scheduled.
    #[serde(default)]
    pub rounds: Vec<RoundTime>,
}

/// Where the exercise's text came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Base {
    /// `demo`, or the record's folder as given.
    pub source: String,
    /// The round, tag or commit the exercise starts from, as given (`HEAD` when none).
    pub at: String,
    /// The commit the exercise starts from: its history is the exercise's prehistory.
    pub commit: String,
    /// The source's latest commit when it is later than `commit`: what the real
    /// negotiation went on to agree, for the debrief's comparison. Kept on the
    /// instructor's machine as `refs/treaty/exercise/outcome`, never pushed.
    #[serde(default)]
    pub outcome: Option<String>,
}

impl Exercise {
    pub fn from_bytes(bytes: &[u8]) -> Result<Exercise, RonError> {
        ronfile::parse_bytes(bytes, Path::new(EXERCISE_FILE))
    }

    /// The file's text, as it is written into the record.
    pub fn to_text(&self) -> String {
        to_ron(self)
    }

    pub fn round(&self, name: &str) -> Option<&RoundTime> {
        self.rounds.iter().find(|r| r.round == name)
    }
}

/// Pretty RON for the files treaty writes for the user (roster, exercise, briefs' index).
pub fn to_ron<T: Serialize>(value: &T) -> String {
    let config = ron::ser::PrettyConfig::new()
        .struct_names(false)
        .separate_tuple_members(false);
    let mut text = ron::ser::to_string_pretty(value, config).expect("plain data serialises");
    text.push('\n');
    text
}

/// A team's name as a file name: lower case letters and digits, runs of anything else
/// as one `-` (`"Team Aurora (EU)"` → `team-aurora-eu`).
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() { "team".into() } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exercise_file_reads_back_what_it_wrote() {
        let ex = Exercise {
            version: 1,
            title: "Moot".into(),
            base: Base {
                source: "demo".into(),
                at: "round/r1".into(),
                commit: "abc".into(),
                outcome: Some("def".into()),
            },
            rounds: vec![RoundTime {
                round: "1".into(),
                opens: "2026-03-02T09:00:00+01:00".into(),
                closes: "2026-03-02T10:30:00+01:00".into(),
            }],
        };
        assert_eq!(Exercise::from_bytes(ex.to_text().as_bytes()).unwrap(), ex);
    }

    #[test]
    fn slugs_are_file_names() {
        assert_eq!(slug("Team Aurora (EU)"), "team-aurora-eu");
        assert_eq!(slug("  --  "), "team");
        assert_eq!(slug("Équipe Sud"), "équipe-sud");
    }
}
