//! Manual scores: the instructor's ratings of each team's conduct on criteria in the
//! manner of the ABA Negotiation Competition (each rated 1 to 7), kept by the instructor
//! (not in the shared record) and given to `treaty exercise debrief --scores FILE`.
//!
//! ```ron
//! (
//!     version: 1,
//!     criteria: ["Planning", "Teamwork", "Relationship", "Information", "Options", "Use of caucus"],
//!     teams: [
//!         (team: "Aurora", ratings: [6, 5, 6, 4, 5, 6], comment: "Strong opening; lost the room in round 2."),
//!     ],
//! )
//! ```

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diag::Diagnostic;
use crate::ronfile::{self, RonError};

/// The scores file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scores {
    pub version: u32,
    pub criteria: Vec<String>,
    pub teams: Vec<TeamScores>,
}

/// One team's ratings, one per criterion, in the criteria's order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeamScores {
    pub team: String,
    pub ratings: Vec<u8>,
    #[serde(default)]
    pub comment: String,
}

impl TeamScores {
    /// The mean rating.
    pub fn mean(&self) -> f64 {
        if self.ratings.is_empty() {
            0.0
        } else {
            self.ratings.iter().map(|&r| f64::from(r)).sum::<f64>() / self.ratings.len() as f64
        }
    }
}

impl Scores {
    pub fn from_bytes(bytes: &[u8], display: &Path) -> Result<Scores, RonError> {
        ronfile::parse_bytes(bytes, display)
    }

    pub fn team(&self, name: &str) -> Option<&TeamScores> {
        self.teams
            .iter()
            .find(|t| t.team.eq_ignore_ascii_case(name))
    }

    /// Ratings outside 1–7, a rating count that differs from the criteria, and teams the
    /// exercise does not have.
    pub fn check(&self, text: &str, display: &Path, teams: &[&str]) -> Vec<Diagnostic> {
        let mut diags = Vec::new();
        for t in &self.teams {
            let (line, col) = ronfile::find_field_value(text, "team", &t.team);
            if !teams.iter().any(|n| n.eq_ignore_ascii_case(&t.team)) {
                let mut d = Diagnostic::error(
                    display,
                    line,
                    col,
                    format!(
                        "scores for team \"{}\", which the exercise does not have",
                        t.team
                    ),
                );
                if let Some(s) = crate::suggest::nearest(&t.team, teams.iter().copied()) {
                    d = d.with_help(crate::suggest::help(s));
                }
                diags.push(d);
            }
            if t.ratings.len() != self.criteria.len() {
                diags.push(Diagnostic::error(
                    display,
                    line,
                    col,
                    format!(
                        "team \"{}\" has {} ratings for {} criteria",
                        t.team,
                        t.ratings.len(),
                        self.criteria.len()
                    ),
                ));
            }
            if let Some(r) = t.ratings.iter().find(|r| !(1..=7).contains(*r)) {
                diags.push(Diagnostic::error(
                    display,
                    line,
                    col,
                    format!("team \"{}\" is rated {r}: ratings run from 1 to 7", t.team),
                ));
            }
        }
        diags
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratings_are_checked_against_the_criteria_and_teams() {
        let text = "(version: 1, criteria: [\"Planning\", \"Teamwork\"], teams: [(team: \"Aurora\", ratings: [6, 5]), (team: \"Borea\", ratings: [8]), (team: \"Aurore\", ratings: [1, 2])])";
        let s = Scores::from_bytes(text.as_bytes(), Path::new("scores.ron")).unwrap();
        assert_eq!(s.team("aurora").unwrap().mean(), 5.5);
        let diags: Vec<String> = s
            .check(text, Path::new("scores.ron"), &["Aurora", "Borea"])
            .iter()
            .map(|d| d.to_string())
            .collect();
        let all = diags.join("\n");
        assert!(
            all.contains("\"Borea\" has 1 ratings for 2 criteria"),
            "{all}"
        );
        assert!(all.contains("rated 8"), "{all}");
        assert!(
            all.contains("team \"Aurore\", which the exercise does not have"),
            "{all}"
        );
        assert_eq!(diags.len(), 3, "{all}");
    }
}
