//! Recording what the workbench's Amend screen makes, as the roster says the user may:
//! the chair (or anyone, where there is no roster) records an amendment through the one
//! record path ([`crate::record`]); a delegation's member proposes it to the chair
//! ([`crate::proposals::propose`]); the chair lands a pending proposal
//! ([`crate::proposals::land`]). Each is committed with compare-and-swap on HEAD, and an
//! amendment or proposal also against the clause as the user began from it ([`Base`]):
//! one that changed since is refused with the three versions ([`Refused::Conflict`]).

use std::path::Path;

use crate::amend::Change;
use crate::proposals::{self, ProposalError, ProposeRequest, Proposing};
use crate::record::{self, Base, Conflict, NewAmendment, RecordError};
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

/// An amendment the workbench records.
#[derive(Clone, Debug, PartialEq)]
pub struct Amending {
    pub change: Change,
    /// The proposing delegations.
    pub proposers: Vec<String>,
    /// The commit's subject; `None`: described from the change.
    pub summary: Option<String>,
    /// What the user began from; `None`: the text as it stands.
    pub base: Option<Base>,
}

/// Why nothing was recorded.
#[derive(Clone, Debug, PartialEq)]
pub enum Refused {
    /// The clause was amended since the user began: the three versions.
    Conflict(Box<Conflict>),
    /// Anything else, said in a line.
    Other(String),
}

impl From<String> for Refused {
    fn from(why: String) -> Refused {
        Refused::Other(why)
    }
}

fn refused(e: RecordError) -> Refused {
    match e {
        RecordError::Conflict(c) => Refused::Conflict(c),
        e @ RecordError::Store(StoreError::Moved { .. }) => Refused::Other(moved(e)),
        e => Refused::Other(e.to_string()),
    }
}

/// How often an amendment with a base is tried again when another lands first: the base
/// still guards its clause, so trying again never overwrites the other.
const ATTEMPTS: usize = 3;

/// Records `write` as the user's role allows: an amendment in the current round, or a
/// proposal to the chair for the user's delegation(s). Returns what happened, in a line.
pub fn commit(root: &Path, write: &Amending) -> Result<String, Refused> {
    let store = Store::open(root).map_err(|e| format!("cannot record here: {e}"))?;
    if let Role::Delegation(codes) = Role::of(&store) {
        return propose(&store, write, &codes);
    }
    let mut new = NewAmendment::new(write.change.clone(), write.proposers.iter());
    new.summary = write.summary.clone();
    new.base = write.base.clone();
    let attempts = if new.base.is_some() { ATTEMPTS } else { 1 };
    match record::record_with_retry(&store, &new, attempts) {
        Ok(recorded) => Ok(recorded.amendment.summary),
        Err(e) => Err(refused(e)),
    }
}

/// A delegation member's change, proposed to the chair: a chosen alternative stays a
/// choice; anything else is proposed as the clause's new wording.
fn propose(store: &Store, write: &Amending, codes: &[String]) -> Result<String, Refused> {
    let (change, proposers) = (&write.change, &write.proposers);
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
            if let Some(base) = &write.base {
                record::check_base_at(store, base, other, head).map_err(refused)?;
            }
            ws.apply(other).map_err(|e| e.to_string())?;
            let text = ws
                .draft
                .clause(&clause)
                .map(|c| c.text.clone())
                .unwrap_or_default();
            (clause, Proposing::Replace(text))
        }
        Change::Structure { .. } => {
            return Err(Refused::Other(
                "the chair records structural amendments: a delegation proposes new wording, a choice between alternatives or a deletion".into(),
            ));
        }
        _ => {
            return Err(Refused::Other(
                "a delegation proposes new wording, a choice between alternatives or a deletion: propose this with `treaty propose`".into(),
            ));
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
        why: write.summary.clone().unwrap_or_default(),
        by,
        base: write.base.clone(),
    };
    match proposals::propose(store, &req) {
        Ok(made) => Ok(format!(
            "proposed {}: {} ({}) — sync to send it; the chair lands or declines it",
            made.id,
            proposals::describe(&made.proposal),
            made.delegations.join(", ")
        )),
        Err(ProposalError::Record(e)) => Err(refused(e)),
        Err(e) => Err(Refused::Other(e.to_string())),
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
