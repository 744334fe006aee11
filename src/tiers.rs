//! Tiered obligations: the tiers a treaty defines, each Party's tier, and which clauses
//! apply to which tiers (`drafts/tiers.ron`).

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::ronfile::{self, RonError};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    pub tier: u8,
    pub name: String,
    #[serde(default)]
    pub summary: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Party {
    /// Short code, e.g. `"BRA"`.
    pub code: String,
    pub name: String,
    pub tier: u8,
}

/// One obligation clause and the tiers it binds. A clause listed here binds only those
/// tiers, and so do its sub-clauses; a clause not listed (nor under a listed one) binds all.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Obligation {
    pub clause: String,
    pub tiers: Vec<u8>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tiers {
    pub version: u32,
    pub tiers: Vec<Tier>,
    pub parties: Vec<Party>,
    #[serde(default)]
    pub obligations: Vec<Obligation>,
}

impl Tiers {
    pub fn load(path: &Path, display: &Path) -> Result<Self, RonError> {
        ronfile::load(path, display)
    }

    pub fn party(&self, code: &str) -> Option<&Party> {
        self.parties
            .iter()
            .find(|p| p.code.eq_ignore_ascii_case(code))
    }

    pub fn tier(&self, number: u8) -> Option<&Tier> {
        self.tiers.iter().find(|t| t.tier == number)
    }

    /// The tiers `clause` itself is limited to, if it is listed.
    pub fn listed_tiers(&self, clause: &str) -> Option<&[u8]> {
        self.obligations
            .iter()
            .find(|o| o.clause == clause)
            .map(|o| o.tiers.as_slice())
    }
}
