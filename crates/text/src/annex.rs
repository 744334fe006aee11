//! Annex proposals (`drafts/annexes.ron`): who proposed each sector annex, who supports and
//! opposes it, and where it stands.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::ronfile::{self, RonError};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AnnexStatus {
    Proposed,
    UnderNegotiation,
    Agreed,
    Withdrawn,
}

impl AnnexStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AnnexStatus::Proposed => "proposed",
            AnnexStatus::UnderNegotiation => "under negotiation",
            AnnexStatus::Agreed => "agreed",
            AnnexStatus::Withdrawn => "withdrawn",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnnexProposal {
    /// The annex's clause id in the draft (its heading's `{#id}`).
    pub annex: String,
    /// Delegation codes.
    pub proposer: Vec<String>,
    #[serde(default)]
    pub supporters: Vec<String>,
    #[serde(default)]
    pub opponents: Vec<String>,
    pub status: AnnexStatus,
    #[serde(default)]
    pub notes: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnnexRegister {
    pub version: u32,
    pub annexes: Vec<AnnexProposal>,
}

impl AnnexRegister {
    pub fn load(path: &Path, display: &Path) -> Result<Self, RonError> {
        ronfile::load(path, display)
    }

    pub fn get(&self, annex: &str) -> Option<&AnnexProposal> {
        self.annexes.iter().find(|a| a.annex == annex)
    }
}
