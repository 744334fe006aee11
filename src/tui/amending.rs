//! Recording what the workbench's Amend screen makes, as the roster says the user may:
//! the chair (or anyone, where there is no roster) records an amendment through the one
//! record path ([`crate::record`]); a delegation's member proposes it to the chair
//! ([`crate::proposals::propose`]); the chair lands a pending proposal
//! ([`crate::proposals::land`]). Each is committed with compare-and-swap on HEAD.

use std::path::Path;

use crate::amend::Change;
use crate::proposals::{self, ProposalError, ProposeRequest, Proposing};
use crate::record::{self, NewAmendment, RecordError};
use crate::roster::{ROSTER_FILE, Roster};
use crate::store::{Store, StoreError};

/// What the user may do to the text, by the roster at HEAD.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Role {
    /// No roster (or no identity): amendments are recorded directly.
    #[default]
    Open,
    /// A chair or secretariat member: lands text and proposals.
    Chair,
    /// A member of these delegations: proposes.
    Delegation(Vec<String>),
}

impl Role {
    /// Of whoever records in `store`.
    pub fn of(store: &Store) -> Role {
        let roster = store
            .head()
            .ok()
            .and_then(|h| store.read_file_at(h, ROSTER_FILE).ok().flatten())
            .and_then(|b| Roster::from_bytes(&b, Path::new(ROSTER_FILE)).ok());
        let (Some(roster), Ok(email)) = (roster, store.email()) else {
            return Role::Open;
        };
        if roster.chair_member(&email).is_some() {
            return Role::Chair;
        }
        let codes: Vec<String> = roster
            .delegations_of(&email)
            .into_iter()
            .map(str::to_string)
            .collect();
        if codes.is_empty() {
            Role::Open
        } else {
            Role::Delegation(codes)
        }
    }

    /// The Amend screen's name for it: Propose, Land, or Amend.
    pub fn screen_title(&self) -> &'static str {
        match self {
            Role::Open => "Amend",
            Role::Chair => "Land",
            Role::Delegation(_) => "Propose",
        }
    }
}

fn moved(e: impl std::fmt::Display) -> String {
    format!("{e} — someone recorded meanwhile: reload (r) and make the change again")
}

/// Records `change` as the user's role allows: an amendment by `proposers` in the current
/// round, or a proposal to the chair for the user's delegation(s). Returns what happened,
/// in a line.
pub fn commit(root: &Path, change: &Change, proposers: &[String]) -> Result<String, String> {
    let store = Store::open(root).map_err(|e| format!("cannot record here: {e}"))?;
    if let Role::Delegation(codes) = Role::of(&store) {
        return propose(&store, change, proposers, &codes);
    }
    match record::record(&store, &NewAmendment::new(change.clone(), proposers.iter())) {
        Ok(recorded) => Ok(recorded.amendment.summary),
        Err(e @ RecordError::Store(StoreError::Moved { .. })) => Err(moved(e)),
        Err(e) => Err(e.to_string()),
    }
}

/// A delegation member's change, proposed to the chair: a chosen alternative stays a
/// choice; anything else is proposed as the clause's new wording.
fn propose(
    store: &Store,
    change: &Change,
    proposers: &[String],
    codes: &[String],
) -> Result<String, String> {
    let (clause, what) = match change {
        Change::Replace { clause, text } => (clause.clone(), Proposing::Replace(text.clone())),
        Change::ChooseOption {
            clause,
            point,
            option,
        } => (
            clause.clone(),
            Proposing::ChooseOption {
                group: point + 1,
                option: option + 1,
            },
        ),
        Change::Delete { clause } => (clause.clone(), Proposing::Delete),
        other @ (Change::LiftBrackets { clause, .. } | Change::Bracket { clause, .. }) => {
            let clause = clause.clone();
            let head = store.head().map_err(|e| e.to_string())?;
            let mut ws = record::workspace_at(store, head).map_err(|e| e.to_string())?;
            ws.apply(other).map_err(|e| e.to_string())?;
            let text = ws
                .draft
                .clause(&clause)
                .map(|c| c.text.clone())
                .unwrap_or_default();
            (clause, Proposing::Replace(text))
        }
        _ => {
            return Err(
                "a delegation proposes new wording, a choice between alternatives or a deletion: propose this with `treaty propose`".into(),
            );
        }
    };
    // The proposers typed, where the user speaks for them; else the roster's.
    let by: Vec<String> = proposers
        .iter()
        .filter(|p| codes.contains(p))
        .cloned()
        .collect();
    let req = ProposeRequest {
        clause,
        what,
        why: String::new(),
        by,
        base: None,
    };
    match proposals::propose(store, &req) {
        Ok(made) => Ok(format!(
            "proposed {}: {} ({}) — sync to send it; the chair lands or declines it",
            made.id,
            proposals::describe(&made.proposal),
            made.delegations.join(", ")
        )),
        Err(ProposalError::Record(e)) if e.is_retryable() => Err(moved(e)),
        Err(e) => Err(e.to_string()),
    }
}

/// Lands pending proposal `id` (the chair).
pub fn land(root: &Path, id: &str) -> Result<String, String> {
    let store = Store::open(root).map_err(|e| format!("cannot record here: {e}"))?;
    match proposals::land(&store, id, None) {
        Ok(l) => {
            let mut line = format!(
                "landed {} ({})",
                l.entry.proposal.id,
                l.recorded.amendment.proposers.join(", ")
            );
            if !l.rebased.is_empty() {
                line.push_str(&format!("; {} rebased", l.rebased.len()));
            }
            if !l.stale.is_empty() {
                line.push_str(&format!("; {} now stale", l.stale.len()));
            }
            Ok(line)
        }
        Err(ProposalError::Record(e)) if e.is_retryable() => Err(moved(e)),
        Err(e) => Err(e.to_string()),
    }
}
