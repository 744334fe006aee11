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

/// What moving a Party to another tier would change.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TierChange {
    /// Clauses that would newly bind the Party.
    pub gained: Vec<usize>,
    /// Clauses that would no longer bind it.
    pub lost: Vec<usize>,
}

impl Tiers {
    /// For each clause of `draft` (by index), whether it binds Parties in `tier`. A clause
    /// binds when everything above it binds and, if it is listed under `obligations`,
    /// its list includes `tier`.
    pub fn binding(&self, draft: &crate::draft::Draft, tier: u8) -> Vec<bool> {
        let mut out = vec![true; draft.clauses.len()];
        for (i, c) in draft.clauses.iter().enumerate() {
            let parent_binds = c.parent.is_none_or(|p| out[p]);
            let listed = c.id.as_deref().and_then(|id| self.listed_tiers(id));
            out[i] = parent_binds && listed.is_none_or(|tiers| tiers.contains(&tier));
        }
        out
    }

    /// The clauses gained and lost if a Party moved from tier `from` to tier `to`.
    pub fn what_if(&self, draft: &crate::draft::Draft, from: u8, to: u8) -> TierChange {
        let before = self.binding(draft, from);
        let after = self.binding(draft, to);
        let mut change = TierChange::default();
        for (i, (b, a)) in before.iter().zip(&after).enumerate() {
            // Report the outermost clause that changes, not each of its sub-clauses.
            let parent_changed = draft.clauses[i]
                .parent
                .is_some_and(|p| before[p] != after[p]);
            match (b, a) {
                (false, true) if !parent_changed => change.gained.push(i),
                (true, false) if !parent_changed => change.lost.push(i),
                _ => {}
            }
        }
        change
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::draft::Draft;

    #[test]
    fn binding_follows_the_clause_tree() {
        let front = "# T {#t}\n\n- [A](a.md)\n";
        let art = "### Article 1 {#a}\n\n1. All. {#a.1}\n\n2. Tier one only: {#a.2}\n\n(a) sub. {#a.2.a}\n\n3. Support. {#a.3}\n";
        let draft = Draft::from_texts(front, &[("a.md", art)]).draft;
        let tiers = Tiers {
            version: 1,
            tiers: vec![],
            parties: vec![],
            obligations: vec![
                Obligation {
                    clause: "a.2".into(),
                    tiers: vec![1],
                },
                Obligation {
                    clause: "a.3".into(),
                    tiers: vec![2, 3],
                },
            ],
        };
        let ids = |v: Vec<bool>| -> Vec<String> {
            v.iter()
                .enumerate()
                .filter(|(_, b)| **b)
                .map(|(i, _)| draft.clauses[i].id.clone().unwrap())
                .collect()
        };
        assert_eq!(
            ids(tiers.binding(&draft, 1)),
            ["t", "a", "a.1", "a.2", "a.2.a"]
        );
        assert_eq!(ids(tiers.binding(&draft, 2)), ["t", "a", "a.1", "a.3"]);
        let change = tiers.what_if(&draft, 2, 1);
        let name = |v: &[usize]| {
            v.iter()
                .map(|&i| draft.clauses[i].id.clone().unwrap())
                .collect::<Vec<_>>()
        };
        assert_eq!(name(&change.gained), ["a.2"]);
        assert_eq!(name(&change.lost), ["a.3"]);
    }
}
