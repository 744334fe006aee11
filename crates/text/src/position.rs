//! A delegation's position: its proposed wording and stances, clause by clause, on tier
//! assignments and on each annex. One RON file per delegation under `positions/`.

use std::collections::HashSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::amend::{Change, Workspace};
use crate::draft::Draft;
use crate::proposal::{Proposal, Vote, VoteChoice};
use crate::ronfile::{self, RonError};

/// The file name (without `.ron`) of delegation `code`'s position: the code in lower case,
/// every character but a letter or digit a `-` (`EU` → `eu`, `G77/China` → `g77-china`).
/// A position file's name is its identity: it may only claim the code its name gives.
pub fn file_stem(code: &str) -> String {
    code.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

/// What to say after "unknown delegation `X`": the nearest code, or the codes there are.
pub fn delegation_hint(suggestion: Option<&str>, known: &[String]) -> String {
    match suggestion {
        Some(s) => format!(
            "did you mean `{s}`? (delegations have a file in positions/; the Chair is {})",
            crate::roster::CHAIR
        ),
        None => format!("use one of {}", known.join(", ")),
    }
}

/// The positions that propose another tier for `party` than the one it is in: each with
/// the tier it proposes, in the order given.
pub fn tier_disputes<'a>(
    positions: impl IntoIterator<Item = &'a Position>,
    party: &crate::tiers::Party,
) -> Vec<(&'a Position, u8)> {
    positions
        .into_iter()
        .flat_map(|p| {
            p.tiers
                .iter()
                .filter(|t| t.party == party.code && t.tier != party.tier)
                .map(move |t| (p, t.tier))
        })
        .collect()
}

/// A complete position file for a new delegation (`treaty position new`): every field
/// present, each explained in a comment, the examples commented out so that the file loads
/// as it is (a delegation with no stances yet).
pub fn template(code: &str, name: &str, kind: DelegationKind) -> String {
    let (kind, who) = match kind {
        DelegationKind::State => ("State", "groups"),
        DelegationKind::Group => ("Group", "members"),
    };
    let who_help = match who {
        "members" => "// The Parties this group speaks for (Party codes from drafts/tiers.ron).",
        _ => "// The groups this State also negotiates through (their codes).",
    };
    let version = crate::ronfile::FORMAT_VERSION;
    format!(
        r#"// The position of {name} ({code}): what the delegation wants done with the draft.
// This file is {code}'s alone: only its members (positions/roster.ron) change it.
// `treaty check` reads it; `treaty show CLAUSE --position {code}` and the workbench's
// Compare screen show it against the draft.
(
    version: {version},
    // The code used in attributions, `[text - {code}]`. It must match the file name.
    code: "{code}",
    name: "{name}",
    // State (one Party) or Group (a negotiating group of Parties).
    kind: {kind},
    {who_help}
    {who}: [],
    // A stance on each existing clause the delegation has a view on, one per clause:
    //   Keep (accepts it as drafted), Delete, Bracket (cannot accept it yet),
    //   Replace("the wording it proposes instead; it may contain [brackets]").
    clauses: [
        // (clause: "scope.1", stance: Keep),
        // (clause: "fund.3", stance: Replace("contributions from Parties [in a position to do so]."), note: "Why."),
        // (clause: "reporting.3", stance: Delete, note: "Why."),
    ],
    // New clauses the delegation proposes, each after an existing clause.
    inserts: [
        // (after: "human-rights.4", label: Some("5"), text: "Each Party shall ...", note: "Why."),
    ],
    // Which tier the delegation thinks a Party belongs to (tiers from drafts/tiers.ron).
    tiers: [
        // (party: "BRA", tier: 2, reason: "Why."),
    ],
    // Its stance on each annex: Propose, Support, Oppose, or Amend("the wording it wants").
    annexes: [
        // (annex: "annex-biometric", stance: Support, note: "Why."),
    ],
    // Anything else the delegation wants on record.
    notes: "",
)
"#
    )
}

/// Whether a delegation speaks for one state or for a group of states.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DelegationKind {
    State,
    Group,
}

/// What a delegation wants done with one existing clause.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Stance {
    /// Accepts the clause as drafted.
    Keep,
    /// Proposes this wording instead (it may itself contain brackets).
    Replace(String),
    /// Proposes deleting the clause.
    Delete,
    /// Cannot accept the clause yet and wants it kept in brackets.
    Bracket,
}

/// A delegation's stance on one existing clause.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClauseStance {
    pub clause: String,
    pub stance: Stance,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// A proposal for a new clause, placed after an existing one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Insertion {
    /// The clause after which the new text goes.
    pub after: String,
    /// The new clause's display label, e.g. `"2 bis"`, if the delegation proposes one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    pub text: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// A delegation's view on which tier a Party belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TierProposal {
    pub party: String,
    pub tier: u8,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
}

/// What a delegation says about one annex.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AnnexStance {
    Propose,
    Support,
    Oppose,
    /// Supports the annex if amended with this wording.
    Amend(String),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnnexView {
    pub annex: String,
    pub stance: AnnexStance,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// One delegation's position (`positions/<code>.ron`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Position {
    pub version: u32,
    /// Short code used in attributions, e.g. `"EU"`, `"G77"`, `"USA"`.
    pub code: String,
    pub name: String,
    pub kind: DelegationKind,
    /// For a group: the Parties it speaks for (Party codes from `drafts/tiers.ron`).
    #[serde(default)]
    pub members: Vec<String>,
    /// For a state: the groups it also negotiates through.
    #[serde(default)]
    pub groups: Vec<String>,
    #[serde(default)]
    pub clauses: Vec<ClauseStance>,
    #[serde(default)]
    pub inserts: Vec<Insertion>,
    #[serde(default)]
    pub tiers: Vec<TierProposal>,
    #[serde(default)]
    pub annexes: Vec<AnnexView>,
    #[serde(default)]
    pub notes: String,
    /// What the delegation proposed to the chair (format version 2; see
    /// [`crate::proposal`]): appended by `treaty propose`, never rewritten.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub proposals: Vec<Proposal>,
    /// Its votes on proposals, latest last (format version 2).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub votes: Vec<Vote>,
}

/// The newest position format this build reads: version 2 added `proposals` and `votes`;
/// version 1 files read as before.
pub const POSITION_VERSION: u32 = 2;

impl Position {
    pub fn load(path: &Path, display: &Path) -> Result<Self, RonError> {
        let bytes = std::fs::read(path).map_err(|source| RonError::Io {
            path: display.to_path_buf(),
            source,
        })?;
        Position::from_bytes(&bytes, display)
    }

    /// Parses a position file's bytes (version 1 or 2); `display` names it in messages.
    pub fn from_bytes(bytes: &[u8], display: &Path) -> Result<Self, RonError> {
        ronfile::parse_bytes_upto(bytes, display, POSITION_VERSION)
    }

    /// The delegation's latest vote on `proposal`.
    pub fn vote_on(&self, proposal: &str) -> Option<VoteChoice> {
        self.votes
            .iter()
            .rev()
            .find(|v| v.proposal == proposal)
            .map(|v| v.vote)
    }

    /// This delegation's stance on `clause`, if it states one.
    pub fn stance(&self, clause: &str) -> Option<&Stance> {
        self.clauses
            .iter()
            .find(|c| c.clause == clause)
            .map(|c| &c.stance)
    }

    /// The codes this delegation answers to in attributions: its own and its groups'.
    pub fn speaks_as(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.code.as_str()).chain(self.groups.iter().map(String::as_str))
    }

    /// This position applied onto `draft`: its replacements, deletions, brackets and
    /// insertions, through the amendment engine. Stances on clauses that are not in the
    /// draft (any more) are skipped with a warning.
    pub fn apply_to(&self, draft: &Draft) -> (Draft, Vec<String>) {
        self.apply_where(draft, |_| true)
    }

    /// The position applied onto `draft` as far as it bears on clause `id`: the stances
    /// on it, on the clauses above it and on those under it, and what is inserted among
    /// them. The clause and everything under it read as under [`Position::apply_to`], at
    /// a fraction of the cost (one clause's column of the matrix, 198 delegations).
    /// `None` when the position says nothing there: the clause reads as in `draft`.
    pub fn apply_to_clause(&self, draft: &Draft, id: &str) -> Option<(Draft, Vec<String>)> {
        let i = draft.index_of(id)?;
        let line: HashSet<&str> = draft
            .ancestors(i)
            .into_iter()
            .chain(draft.subtree(i))
            .chain([i])
            .filter_map(|j| draft.clauses[j].id.as_deref())
            .collect();
        let touches = |clause: &str| line.contains(clause);
        let silent = !self.clauses.iter().any(|s| touches(&s.clause))
            && !self.inserts.iter().any(|i| touches(&i.after));
        (!silent).then(|| self.apply_where(draft, touches))
    }

    /// The stances and inserts on clauses for which `touches` holds, applied in order.
    fn apply_where(&self, draft: &Draft, touches: impl Fn(&str) -> bool) -> (Draft, Vec<String>) {
        let position = self;
        let mut ws = Workspace {
            draft: draft.clone(),
            tiers: None,
            annexes: None,
        };
        let mut warnings = Vec::new();
        let mut changes: Vec<Change> = Vec::new();
        for stance in position.clauses.iter().filter(|s| touches(&s.clause)) {
            let clause = stance.clause.clone();
            match &stance.stance {
                Stance::Keep => {}
                Stance::Replace(text) => changes.push(Change::Replace {
                    clause,
                    text: text.clone(),
                }),
                Stance::Delete => changes.push(Change::Delete { clause }),
                Stance::Bracket => changes.push(Change::Bracket {
                    clause,
                    phrase: None,
                }),
            }
        }
        // Insertions after the stances: an insertion after a clause the delegation deletes is
        // then reported rather than silently placed.
        for ins in position.inserts.iter().filter(|i| touches(&i.after)) {
            changes.push(Change::Insert {
                after: ins.after.clone(),
                id: None,
                label: ins.label.clone(),
                text: ins.text.clone(),
            });
        }
        for change in &changes {
            if let Err(e) = ws.apply(change) {
                warnings.push(format!(
                    "position of {}: skipped \"{}\": {e}",
                    position.code,
                    change.describe()
                ));
            }
        }
        (ws.draft, warnings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_loads_as_it_is_and_with_its_examples() {
        for kind in [DelegationKind::State, DelegationKind::Group] {
            let text = template("KEN", "Kenya", kind);
            let p: Position = ron::from_str(&text).expect("the template loads");
            assert_eq!(
                (p.code.as_str(), p.name.as_str(), p.kind),
                ("KEN", "Kenya", kind)
            );
            assert!(p.clauses.is_empty() && p.inserts.is_empty());
            // Every example, uncommented, is a valid entry.
            let examples = text.replace("        // (", "        (");
            let p: Position = ron::from_str(&examples).expect("the examples load");
            assert_eq!(p.clauses.len(), 3);
            assert_eq!((p.inserts.len(), p.tiers.len(), p.annexes.len()), (1, 1, 1));
        }
    }
}
