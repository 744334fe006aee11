//! Proposals in the record: delegations propose, the chair lands or declines
//! ([`treaty_text::proposal`] describes the data).
//!
//! - [`propose`]: one commit by a member of the proposing delegation that appends the
//!   proposal to its own position file, through the one record path, with the amendment
//!   trailers (`Status: proposed`, `Amendment-Id: pr-…`), so `treaty verify` and the
//!   server's hook admit it as that delegation's own change.
//! - [`queue`]: every proposal with where it stands, read from the record and never
//!   stored: landed (an amendment cites it with `Lands:`), declined (a commit cites it with
//!   `Declines:`), pending (it applies to the text as it stands, rebased word by word when
//!   the clause moved on), or stale (it no longer applies).
//! - [`land`] (the chair): the proposal applied through the one record path as an
//!   amendment whose `Proposed-by` is the proposing delegations and which cites it.
//! - [`decline`] (the chair) and [`vote`] (a delegation).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use treaty_text::amend::Change;
use treaty_text::amendment::{Amendment, AmendmentStatus, TRAILER_DECLINES, plain_message};
use treaty_text::draft::Draft;
use treaty_text::exercise::{EXERCISE_FILE, Exercise, to_ron};
use treaty_text::negotiation::POSITIONS_DIR;
use treaty_text::position::{POSITION_VERSION, Position};
use treaty_text::proposal::{
    self, Followed, PROPOSAL_PREFIX, Proposal, ProposalKind, ProposalStatus, Vote, VoteChoice,
};
use treaty_text::roster::{CHAIR, ROSTER_FILE, Roster};
use treaty_text::suggest::nearest_owned;

use crate::record::{self, Edit, NewAmendment, RecordError, Recorded};
use crate::store::{Clock, FileChange, Oid, Store, StoreError};

/// Why nothing was proposed, landed, declined or voted. Nothing is written in any case.
#[derive(Debug, thiserror::Error)]
pub enum ProposalError {
    #[error(transparent)]
    Record(#[from] RecordError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("git failed: {0}")]
    Git(#[from] git2::Error),
    #[error("cannot read the text: {0}")]
    Text(String),
    #[error(
        "there is no clause {clause} in the text{}",
        treaty_text::suggest::did_you_mean(.suggest.as_deref())
    )]
    UnknownClause {
        clause: String,
        suggest: Option<String>,
    },
    #[error(
        "clause {clause} was deleted from the text (its id is retired): there is nothing to propose on; propose a new clause with --insert-after"
    )]
    ClauseDeleted { clause: String },
    #[error(
        "you ({email}) act for no delegation in {ROSTER_FILE}: give --by CODE, or ask the chair to add you"
    )]
    NoDelegation { email: String },
    #[error(
        "you ({email}) act for {}, which no one team plays together: say for which with --by CODE",
        .codes.join(", ")
    )]
    WhichDelegation { email: String, codes: Vec<String> },
    #[error(
        "you ({email}) are not a member of {code} in {ROSTER_FILE}: propose for your own delegation (its members propose; the chair lands)"
    )]
    NotMember { email: String, code: String },
    #[error(
        "the chair does not propose to itself: land the text with `treaty amend --by {CHAIR}`, or land a delegation's proposal with `treaty land`"
    )]
    ChairProposes,
    #[error("{code} has no position file in {POSITIONS_DIR}/ to keep its proposals in")]
    NoPositionFile { code: String },
    #[error(
        "there is no proposal {id}{}: see `treaty proposals`",
        treaty_text::suggest::did_you_mean(.suggest.as_deref())
    )]
    UnknownProposal { id: String, suggest: Option<String> },
    #[error(
        "only the chair lands and declines proposals, and {email} is not a chair or secretariat member in {ROSTER_FILE}{}",
        .acts_for.as_ref().map(|c| format!(" (you act for {c}: vote with `treaty vote`)")).unwrap_or_default()
    )]
    NotChair {
        email: String,
        acts_for: Option<String>,
    },
    #[error(
        "proposal {id} is stale: {why}, so it cannot be landed as it stands; land it in new words with `treaty amend`, or ask its delegation to propose again:\n{view}"
    )]
    Stale {
        id: String,
        why: String,
        view: String,
    },
    #[error("proposal {id} has already landed (commit {commit})")]
    AlreadyLanded { id: String, commit: String },
    #[error("proposal {id} was declined (commit {commit})")]
    AlreadyDeclined { id: String, commit: String },
    #[error(
        "round {round} closed at {closes}: the chair takes no more proposals in it (the server would refuse this one); wait for the next round"
    )]
    RoundClosed { round: String, closes: String },
    #[error("{0}")]
    Invalid(String),
}

/// What `treaty propose` proposes for its clause.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Proposing {
    Replace(String),
    Delete,
    /// Bracket group or option set, and alternative, both counted from 1.
    ChooseOption {
        group: usize,
        option: usize,
    },
    InsertAfter {
        text: String,
        label: Option<String>,
    },
}

/// A proposal to make.
#[derive(Clone, Debug)]
pub struct ProposeRequest {
    pub clause: String,
    pub what: Proposing,
    /// Why (the commit's body and the entry's note).
    pub why: String,
    /// The proposing delegations; empty: those the roster lists the recorder for.
    pub by: Vec<String>,
    /// What the proposer began from: refused with [`RecordError::Conflict`] (nothing is
    /// written) if the clause reads differently now.
    pub base: Option<record::Base>,
}

/// A proposal made.
#[derive(Clone, Debug)]
pub struct Made {
    pub id: String,
    pub recorded: Recorded,
    pub proposal: Proposal,
    pub delegations: Vec<String>,
}

/// Records a proposal: one commit that appends it to the proposing delegation's
/// position file.
pub fn propose(store: &Store, req: &ProposeRequest) -> Result<Made, ProposalError> {
    let head = store.head()?;
    let roster = roster_at(store, head)?;
    let known = record::delegations_at(store, head)?;
    let delegations = if req.by.is_empty() {
        acting_for(store, roster.as_ref())?
    } else {
        record::resolve_proposers(&known, &req.by)?
    };
    let chair = roster.as_ref().map_or(CHAIR, |r| r.chair.code.as_str());
    if delegations.iter().any(|d| d == chair) {
        return Err(ProposalError::ChairProposes);
    }
    member_of_each(store, roster.as_ref(), &delegations)?;
    let mut ws = record::workspace_at(store, head)?;
    let draft = &ws.draft;
    let clause = req.clause.trim().to_string();
    let Some(current) = draft.clause(&clause).map(|c| c.text.clone()) else {
        return Err(missing_clause(draft, &clause));
    };
    let (kind, change) = match &req.what {
        Proposing::Replace(text) => (
            ProposalKind::Replace,
            Change::Replace {
                clause: clause.clone(),
                text: text.clone(),
            },
        ),
        Proposing::Delete => (
            ProposalKind::Delete,
            Change::Delete {
                clause: clause.clone(),
            },
        ),
        Proposing::ChooseOption { group, option } => (
            ProposalKind::ChooseOption {
                group: *group,
                option: *option,
            },
            Change::ChooseOption {
                clause: clause.clone(),
                point: one_based(*group, "--option GROUP:N counts groups from 1")?,
                option: one_based(*option, "--option GROUP:N counts alternatives from 1")?,
            },
        ),
        Proposing::InsertAfter { text, label } => (
            ProposalKind::InsertAfter,
            Change::Insert {
                after: clause.clone(),
                id: None,
                label: label.clone(),
                text: text.clone(),
            },
        ),
    };
    if let Some(base) = &req.base {
        record::check_base_at(store, base, &change, head)?;
    }
    // Applied to the text as it stands: what the chair would land, checked now.
    let applied = ws.apply(&change).map_err(RecordError::from)?;
    if applied.files.is_empty() {
        return Err(RecordError::NoChange.into());
    }
    let text = match &req.what {
        Proposing::Delete => String::new(),
        Proposing::InsertAfter { text, .. } => text.trim().to_string(),
        _ => ws
            .draft
            .clause(&clause)
            .map(|c| c.text.clone())
            .unwrap_or_default(),
    };
    let round = store.current_round()?;
    if let Some(round) = &round {
        check_round_open(store, head, round)?;
    }
    let id = format!(
        "{PROPOSAL_PREFIX}{}",
        &Amendment::new(kind.amendment_kind(), &delegations, [&clause]).id[3..]
    );
    let proposal = Proposal {
        id: id.clone(),
        clause: clause.clone(),
        kind: kind.clone(),
        base: if kind == ProposalKind::InsertAfter {
            String::new()
        } else {
            current
        },
        text,
        label: match &req.what {
            Proposing::InsertAfter { label, .. } => label.clone(),
            _ => None,
        },
        round: round.clone(),
        note: req.why.trim().to_string(),
    };
    let (path, before) = position_file(store, head, &delegations[0])?;
    let after = appended(&before, &path, "proposals", &proposal, |p| {
        p.proposals.push(proposal.clone())
    })?;
    let mut new = NewAmendment::of(
        Edit::Files {
            kind: kind.amendment_kind(),
            clauses: vec![clause.clone()],
            files: BTreeMap::from([(path, Some(after))]),
        },
        delegations.clone(),
    )
    .with_id(id.clone())
    .with_summary(format!(
        "Propose: {} ({})",
        describe(&proposal),
        delegations.join(", ")
    ))
    .with_body(req.why.clone());
    new.status = AmendmentStatus::Proposed;
    new.round = round;
    new.team = roster
        .as_ref()
        .zip(store.email().ok())
        .and_then(|(r, email)| r.team_of(&email).map(|t| t.name.clone()));
    let recorded = record::record_on(store, &new, head, None)?;
    Ok(Made {
        id,
        recorded,
        proposal,
        delegations,
    })
}

/// Refuses a proposal in a round the exercise's schedule (at `head`) says has closed:
/// the server's hook would refuse it too.
fn check_round_open(store: &Store, head: Oid, round: &str) -> Result<(), ProposalError> {
    let Some(bytes) = store.read_file_at(head, EXERCISE_FILE)? else {
        return Ok(());
    };
    let Some(window) = Exercise::from_bytes(&bytes)
        .ok()
        .and_then(|e| e.round(round).cloned())
    else {
        return Ok(());
    };
    let now = match store.clock() {
        Clock::Stepping { next, .. } => next,
        Clock::System => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64),
    };
    match window.closes_at() {
        Ok(closes) if now >= closes => Err(ProposalError::RoundClosed {
            round: round.to_string(),
            closes: window.closes.clone(),
        }),
        _ => Ok(()),
    }
}

fn one_based(n: usize, what: &str) -> Result<usize, ProposalError> {
    n.checked_sub(1)
        .ok_or_else(|| ProposalError::Invalid(format!("{what}: give 1 for the first")))
}

fn missing_clause(draft: &Draft, clause: &str) -> ProposalError {
    if draft.retired.contains(clause) {
        ProposalError::ClauseDeleted {
            clause: clause.to_string(),
        }
    } else {
        ProposalError::UnknownClause {
            clause: clause.to_string(),
            suggest: draft.suggest(clause).map(str::to_string),
        }
    }
}

/// The proposal's kind in one word: replace, delete, choose-option, insert.
pub fn kind_word(kind: &ProposalKind) -> &'static str {
    kind.amendment_kind().as_str()
}

/// "replace observatory.2.b", "choose option 1:2 in scope.2", …
pub fn describe(p: &Proposal) -> String {
    match &p.kind {
        ProposalKind::Replace => format!("replace {}", p.clause),
        ProposalKind::Delete => format!("delete {}", p.clause),
        ProposalKind::ChooseOption { group, option } => {
            format!("choose option {group}:{option} in {}", p.clause)
        }
        ProposalKind::InsertAfter => format!("insert a clause after {}", p.clause),
    }
}

fn roster_at(store: &Store, commit: Oid) -> Result<Option<Roster>, ProposalError> {
    match store.read_file_at(commit, ROSTER_FILE)? {
        None => Ok(None),
        Some(bytes) => Roster::from_bytes(&bytes, Path::new(ROSTER_FILE))
            .map(Some)
            .map_err(|e| ProposalError::Text(e.into_diagnostic().to_string())),
    }
}

/// The delegations the recorder acts for: the one the roster lists them in, or the bloc
/// their team plays.
fn acting_for(store: &Store, roster: Option<&Roster>) -> Result<Vec<String>, ProposalError> {
    let email = store.email()?;
    let Some(roster) = roster else {
        return Err(ProposalError::NoDelegation { email });
    };
    let codes: Vec<String> = roster
        .delegations_of(&email)
        .into_iter()
        .map(str::to_string)
        .collect();
    if codes.is_empty() {
        return Err(ProposalError::NoDelegation { email });
    }
    let one_team = roster
        .team_of(&email)
        .is_some_and(|t| codes.iter().all(|c| t.plays.contains(c)));
    if codes.len() > 1 && !one_team {
        return Err(ProposalError::WhichDelegation { email, codes });
    }
    Ok(codes)
}

/// Refuses delegations the recorder is not a member of (where there is a roster): their
/// position files are theirs alone, and `treaty verify` would refuse the commit.
fn member_of_each(
    store: &Store,
    roster: Option<&Roster>,
    codes: &[String],
) -> Result<(), ProposalError> {
    let Some(roster) = roster else {
        return Ok(());
    };
    let email = store.email()?;
    match codes.iter().find(|c| roster.member_of(c, &email).is_none()) {
        Some(code) => Err(ProposalError::NotMember {
            email,
            code: code.clone(),
        }),
        None => Ok(()),
    }
}

/// The position file of `code` at `commit` (its path and text).
fn position_file(
    store: &Store,
    commit: Oid,
    code: &str,
) -> Result<(String, String), ProposalError> {
    for (name, bytes) in store.files_in_folder_at(commit, POSITIONS_DIR)? {
        let path = format!("{POSITIONS_DIR}/{name}");
        if !name.ends_with(".ron") || path == ROSTER_FILE {
            continue;
        }
        if Position::from_bytes(&bytes, Path::new(&path)).is_ok_and(|p| p.code == code) {
            return Ok((path, String::from_utf8_lossy(&bytes).into_owned()));
        }
    }
    Err(ProposalError::NoPositionFile {
        code: code.to_string(),
    })
}

/// The position file with one entry appended to `field`, every other byte kept; written
/// afresh only when its shape cannot be followed.
fn appended<T: serde::Serialize>(
    text: &str,
    path: &str,
    field: &str,
    entry: &T,
    push: impl FnOnce(&mut Position),
) -> Result<String, ProposalError> {
    let display = Path::new(path);
    let mut expected = Position::from_bytes(text.as_bytes(), display)
        .map_err(|e| ProposalError::Text(e.into_diagnostic().to_string()))?;
    push(&mut expected);
    expected.version = expected.version.max(POSITION_VERSION);
    let edited =
        proposal::append_to_list(text, field, &proposal::ron_entry(entry), POSITION_VERSION)
            .filter(|t| Position::from_bytes(t.as_bytes(), display).is_ok_and(|p| p == expected));
    Ok(edited.unwrap_or_else(|| to_ron(&expected)))
}

/// One proposal and where it stands.
#[derive(Clone, Debug)]
pub struct Entry {
    pub proposal: Proposal,
    pub delegations: Vec<String>,
    /// The exercise team it was made for (its `Team:` trailer).
    pub team: Option<String>,
    /// The commit that made it, its author's address and time.
    pub commit: Oid,
    pub author: String,
    pub time: i64,
    pub status: ProposalStatus,
    /// The commit that landed or declined it.
    pub decided: Option<Oid>,
    /// Why it was declined.
    pub declined_why: Option<String>,
    /// The clause's text now (`None`: not in the text).
    pub current: Option<String>,
    /// Pending: the change that lands it, and whether it was rebased.
    pub change: Option<Change>,
    pub rebased: bool,
    /// Stale: why.
    pub stale_why: Option<String>,
    /// Each delegation's latest vote on it.
    pub votes: Vec<(String, VoteChoice)>,
}

impl Entry {
    /// The clause as landing it would leave it (pending), or as proposed.
    pub fn proposed_text(&self) -> &str {
        match &self.change {
            Some(Change::Replace { text, .. }) => text,
            _ => &self.proposal.text,
        }
    }

    /// `yes 2 · no 1 · abstain 0`.
    pub fn tally(&self) -> [(VoteChoice, usize); 3] {
        [VoteChoice::Yes, VoteChoice::No, VoteChoice::Abstain]
            .map(|c| (c, self.votes.iter().filter(|(_, v)| *v == c).count()))
    }

    /// The three-way view of a stale proposal.
    pub fn three_way(&self) -> String {
        proposal::three_way(
            &self.proposal.base,
            self.current.as_deref(),
            &self.proposal.text,
        )
    }
}

/// Every proposal of the record, oldest first, with where it stands at `head`.
#[derive(Clone, Debug)]
pub struct Queue {
    pub head: Oid,
    pub entries: Vec<Entry>,
}

impl Queue {
    pub fn get(&self, id: &str) -> Result<&Entry, ProposalError> {
        let id = id.trim();
        if let Some(e) = self.entries.iter().find(|e| e.proposal.id == id) {
            return Ok(e);
        }
        let prefixed: Vec<&Entry> = self
            .entries
            .iter()
            .filter(|e| id.len() >= 5 && e.proposal.id.starts_with(id))
            .collect();
        if let [one] = prefixed[..] {
            return Ok(one);
        }
        let ids: Vec<String> = self.entries.iter().map(|e| e.proposal.id.clone()).collect();
        Err(ProposalError::UnknownProposal {
            id: id.to_string(),
            suggest: nearest_owned(id, &ids),
        })
    }
}

/// Reads every proposal from the history of the branch and where it stands at its tip.
pub fn queue(store: &Store) -> Result<Queue, ProposalError> {
    queue_at(store, store.head()?)
}

/// [`queue`] as the record stood at `head`.
pub fn queue_at(store: &Store, head: Oid) -> Result<Queue, ProposalError> {
    let repo = store.repo();
    let mut walk = repo.revwalk()?;
    walk.simplify_first_parent()?;
    walk.push(head)?;
    let mut made: Vec<(Oid, Amendment, String, i64)> = Vec::new();
    let mut decided: HashMap<String, (ProposalStatus, Oid, String)> = HashMap::new();
    for oid in walk {
        let oid = oid?;
        let commit = repo.find_commit(oid)?;
        let message = String::from_utf8_lossy(commit.message_bytes()).into_owned();
        // Newest first: the first decision met is the last made.
        let amendment = Amendment::parse(&message);
        for id in amendment.iter().flat_map(|a| a.lands.iter()) {
            decided
                .entry(id.clone())
                .or_insert((ProposalStatus::Landed, oid, String::new()));
        }
        for id in proposal::cited(&message, TRAILER_DECLINES) {
            let why = treaty_text::trailer::block(&message)
                .map(|b| &message[treaty_text::trailer::subject_end(&message)..b.start])
                .unwrap_or_default()
                .trim()
                .to_string();
            decided
                .entry(id)
                .or_insert((ProposalStatus::Declined, oid, why));
        }
        if let Some(a) = amendment
            && a.status == AmendmentStatus::Proposed
            && a.id.starts_with(PROPOSAL_PREFIX)
        {
            let author = commit.author();
            made.push((
                oid,
                a,
                String::from_utf8_lossy(author.email_bytes()).into_owned(),
                author.when().seconds(),
            ));
        }
    }
    made.reverse();
    let draft = store
        .draft_at(head)
        .map_err(|e| ProposalError::Text(e.to_string()))?
        .draft;
    let mut votes: HashMap<String, Vec<(String, VoteChoice)>> = HashMap::new();
    for (name, bytes) in store.files_in_folder_at(head, POSITIONS_DIR)? {
        let path = format!("{POSITIONS_DIR}/{name}");
        if let Ok(p) = Position::from_bytes(&bytes, Path::new(&path)) {
            let mut seen: Vec<&str> = Vec::new();
            for v in p.votes.iter().rev() {
                if !seen.contains(&v.proposal.as_str()) {
                    seen.push(&v.proposal);
                    votes
                        .entry(v.proposal.clone())
                        .or_default()
                        .push((p.code.clone(), v.vote));
                }
            }
        }
    }
    let mut entries = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (oid, amendment, author, time) in made {
        if !seen.insert(amendment.id.clone()) {
            continue;
        }
        let Some(proposal) = proposal_in(store, oid, &amendment.id)? else {
            continue;
        };
        let current = draft.clause(&proposal.clause).map(|c| c.text.clone());
        let mut entry = Entry {
            delegations: amendment.proposers.clone(),
            team: amendment.team.clone(),
            commit: oid,
            author,
            time,
            status: ProposalStatus::Pending,
            decided: None,
            declined_why: None,
            current,
            change: None,
            rebased: false,
            stale_why: None,
            votes: votes.remove(&proposal.id).unwrap_or_default(),
            proposal,
        };
        match decided.get(&entry.proposal.id) {
            Some((status, at, why)) => {
                entry.status = *status;
                entry.decided = Some(*at);
                if *status == ProposalStatus::Declined {
                    entry.declined_why = Some(why.clone());
                }
            }
            None => match entry.proposal.follow(entry.current.as_deref()) {
                Followed::Applies { change, rebased } => {
                    entry.change = Some(change);
                    entry.rebased = rebased;
                }
                Followed::Stale { why } => {
                    entry.status = ProposalStatus::Stale;
                    entry.stale_why = Some(why);
                }
            },
        }
        entries.push(entry);
    }
    Ok(Queue { head, entries })
}

/// The proposal `id` as the position file a commit changed holds it.
fn proposal_in(store: &Store, commit: Oid, id: &str) -> Result<Option<Proposal>, ProposalError> {
    for path in store.changed_paths(commit)? {
        if !path.starts_with("positions/") || !path.ends_with(".ron") || path == ROSTER_FILE {
            continue;
        }
        let Some(bytes) = store.read_file_at(commit, &path)? else {
            continue;
        };
        if let Ok(p) = Position::from_bytes(&bytes, Path::new(&path))
            && let Some(found) = p.proposals.into_iter().rev().find(|x| x.id == id)
        {
            return Ok(Some(found));
        }
    }
    Ok(None)
}

/// Refuses anyone but a chair or secretariat member (when the record has a roster).
fn chair_only(store: &Store, head: Oid) -> Result<(), ProposalError> {
    let Some(roster) = roster_at(store, head)? else {
        return Ok(());
    };
    let email = store.email()?;
    if roster.chair_member(&email).is_some() {
        return Ok(());
    }
    let acts_for = roster.delegations_of(&email);
    Err(ProposalError::NotChair {
        acts_for: (!acts_for.is_empty()).then(|| acts_for.join(", ")),
        email,
    })
}

fn undecided(entry: &Entry) -> Result<(), ProposalError> {
    let id = entry.proposal.id.clone();
    let commit = entry
        .decided
        .map(|c| c.to_string()[..10].to_string())
        .unwrap_or_default();
    match entry.status {
        ProposalStatus::Landed => Err(ProposalError::AlreadyLanded { id, commit }),
        ProposalStatus::Declined => Err(ProposalError::AlreadyDeclined { id, commit }),
        _ => Ok(()),
    }
}

/// Refuses to land `entry` at `head` unless the recorder is the chair and the proposal is
/// pending (not landed, declined or stale).
pub fn check_landable(store: &Store, head: Oid, entry: &Entry) -> Result<(), ProposalError> {
    chair_only(store, head)?;
    undecided(entry)?;
    if entry.status == ProposalStatus::Stale {
        return Err(ProposalError::Stale {
            id: entry.proposal.id.clone(),
            why: entry.stale_why.clone().unwrap_or_default(),
            view: entry.three_way(),
        });
    }
    Ok(())
}

/// A proposal landed, and what it did to the others on the same clause.
#[derive(Clone, Debug)]
pub struct Landing {
    pub recorded: Recorded,
    pub entry: Entry,
    /// The other pending proposals on the clause, now rebased onto the new text.
    pub rebased: Vec<Entry>,
    /// Those that no longer apply.
    pub stale: Vec<Entry>,
}

/// Lands proposal `id` (the chair): as proposed (rebased onto the text as it stands), or
/// with `edited` as the clause's text.
pub fn land(store: &Store, id: &str, edited: Option<String>) -> Result<Landing, ProposalError> {
    let queue = queue(store)?;
    let entry = queue.get(id)?.clone();
    check_landable(store, queue.head, &entry)?;
    let p = &entry.proposal;
    let mut change = entry
        .change
        .clone()
        .expect("a pending proposal has its change");
    if let Some(text) = edited {
        change = match change {
            Change::Insert {
                after, id, label, ..
            } => Change::Insert {
                after,
                id,
                label,
                text,
            },
            _ => Change::Replace {
                clause: p.clause.clone(),
                text,
            },
        };
    }
    let mut new = NewAmendment::new(change, entry.delegations.clone())
        .with_summary(format!(
            "Land {}: {} ({})",
            p.id,
            describe(p),
            entry.delegations.join(", ")
        ))
        .with_body(p.note.clone());
    new.lands = vec![p.id.clone()];
    let recorded = record::record_on(store, &new, queue.head, None)?;
    let after = queue_at(store, recorded.oid)?;
    let others: Vec<&Entry> = after
        .entries
        .iter()
        .filter(|e| e.proposal.id != p.id && e.proposal.clause == p.clause)
        .filter(|e| {
            queue
                .get(&e.proposal.id)
                .is_ok_and(|before| before.status == ProposalStatus::Pending)
        })
        .collect();
    Ok(Landing {
        recorded,
        entry,
        rebased: others
            .iter()
            .filter(|e| e.status == ProposalStatus::Pending)
            .map(|e| (*e).clone())
            .collect(),
        stale: others
            .iter()
            .filter(|e| e.status == ProposalStatus::Stale)
            .map(|e| (*e).clone())
            .collect(),
    })
}

/// Declines proposal `id` (the chair), saying why: a commit that changes no file and
/// cites it.
pub fn decline(store: &Store, id: &str, why: &str) -> Result<(Oid, Entry), ProposalError> {
    if why.trim().is_empty() {
        return Err(ProposalError::Invalid(
            "say why the proposal is declined: -m WHY (its delegation reads it)".into(),
        ));
    }
    let queue = queue(store)?;
    let entry = queue.get(id)?.clone();
    chair_only(store, queue.head)?;
    undecided(&entry)?;
    let p = &entry.proposal;
    let message = plain_message(
        &format!(
            "Decline {}: {} ({})",
            p.id,
            describe(p),
            entry.delegations.join(", ")
        ),
        why,
        &[(TRAILER_DECLINES, &p.id)],
    );
    let oid = store.commit_files(&message, queue.head, &[])?.oid;
    Ok((oid, entry))
}

/// Records a delegation's vote on proposal `id`: appended to its position file.
pub fn vote(
    store: &Store,
    id: &str,
    choice: VoteChoice,
    by: &[String],
) -> Result<(Oid, Entry, String), ProposalError> {
    let queue = queue(store)?;
    let entry = queue.get(id)?.clone();
    undecided(&entry)?;
    let head = queue.head;
    let roster = roster_at(store, head)?;
    let known = record::delegations_at(store, head)?;
    let delegations = if by.is_empty() {
        acting_for(store, roster.as_ref())?
    } else {
        record::resolve_proposers(&known, by)?
    };
    let code = delegations[0].clone();
    let chair = roster.as_ref().map_or(CHAIR, |r| r.chair.code.as_str());
    if code == chair {
        return Err(ProposalError::Invalid(
            "the chair does not vote: delegations do".into(),
        ));
    }
    member_of_each(store, roster.as_ref(), std::slice::from_ref(&code))?;
    let (path, before) = position_file(store, head, &code)?;
    let v = Vote {
        proposal: entry.proposal.id.clone(),
        vote: choice,
    };
    let after = appended(&before, &path, "votes", &v, |p| p.votes.push(v.clone()))?;
    let message = plain_message(
        &format!("Vote {} on {} ({code})", choice.as_str(), entry.proposal.id),
        "",
        &[],
    );
    let oid = store
        .commit_files(&message, head, &[FileChange::write(path, after)])?
        .oid;
    Ok((oid, entry, code))
}
