//! Briefs: the general brief every team reads (`exercise/briefs/general.md`, plain
//! Markdown) and one confidential brief per team, stored encrypted
//! (`exercise/briefs/<team>.age`). The index (`exercise/briefs.ron`) says in plain text
//! whose each sealed brief is and to whom it was encrypted, so a refusal can say why.
//!
//! What is sealed is a [`SealedBrief`] in RON: the prose and, when given, the team's
//! objectives file as it was handed in.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::ronfile::{self, RonError};

use super::slug;

/// The general brief.
pub const GENERAL_BRIEF: &str = "exercise/briefs/general.md";
/// The index of confidential briefs.
pub const BRIEFS_INDEX: &str = "exercise/briefs.ron";

/// Where team `name`'s sealed brief lives.
pub fn sealed_path(team: &str) -> String {
    format!("exercise/briefs/{}.age", slug(team))
}

/// The index of confidential briefs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BriefIndex {
    pub version: u32,
    pub briefs: Vec<BriefEntry>,
}

/// One sealed brief, as anyone may read about it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BriefEntry {
    pub team: String,
    /// The sealed file, relative to the negotiation folder.
    pub file: String,
    /// E-mail addresses it was encrypted to (team members, observers, instructors).
    pub readers: Vec<String>,
    /// Whether objectives are sealed with it.
    pub objectives: bool,
}

impl BriefIndex {
    pub fn from_bytes(bytes: &[u8]) -> Result<BriefIndex, RonError> {
        ronfile::parse_bytes(bytes, Path::new(BRIEFS_INDEX))
    }

    pub fn entry(&self, team: &str) -> Option<&BriefEntry> {
        self.briefs
            .iter()
            .find(|b| b.team.eq_ignore_ascii_case(team))
    }

    /// Adds or replaces the entry of `entry.team`.
    pub fn set(&mut self, entry: BriefEntry) {
        match self
            .briefs
            .iter_mut()
            .find(|b| b.team.eq_ignore_ascii_case(&entry.team))
        {
            Some(b) => *b = entry,
            None => self.briefs.push(entry),
        }
    }
}

/// What a confidential brief's ciphertext holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SealedBrief {
    pub version: u32,
    pub team: String,
    /// Markdown.
    pub brief: String,
    /// The objectives file's text as handed in, if any.
    #[serde(default)]
    pub objectives: Option<String>,
}

impl SealedBrief {
    pub fn from_bytes(bytes: &[u8], display: &Path) -> Result<SealedBrief, RonError> {
        ronfile::parse_bytes(bytes, display)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_briefs_and_the_index_read_back() {
        let sealed = SealedBrief {
            version: 1,
            team: "Aurora".into(),
            brief: "# Red lines\n\nNo \"ban\".\n".into(),
            objectives: Some("(version: 1, objectives: [])".into()),
        };
        let text = super::super::to_ron(&sealed);
        assert_eq!(
            SealedBrief::from_bytes(text.as_bytes(), Path::new("x")).unwrap(),
            sealed
        );
        let mut index = BriefIndex {
            version: 1,
            briefs: Vec::new(),
        };
        let entry = |readers: &[&str]| BriefEntry {
            team: "Aurora".into(),
            file: sealed_path("Aurora"),
            readers: readers.iter().map(|s| s.to_string()).collect(),
            objectives: true,
        };
        index.set(entry(&["a@x.example"]));
        index.set(entry(&["a@x.example", "b@x.example"]));
        assert_eq!(index.briefs.len(), 1);
        assert_eq!(
            index.entry("aurora").unwrap().file,
            "exercise/briefs/aurora.age"
        );
        let text = super::super::to_ron(&index);
        assert_eq!(BriefIndex::from_bytes(text.as_bytes()).unwrap(), index);
    }
}
