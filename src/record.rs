//! Recording an amendment: one [`amend::Change`] applied to the text as it stands at the
//! tip of the branch, and committed compare-and-swap as one commit.
//!
//! The text is read from the commit, never from the work tree, so a delegate's unsaved or
//! uncommitted edits are neither swept into the amendment nor lost (the store leaves a file
//! the user has edited alone and reports it). When another amendment lands first the
//! commit is refused with [`StoreError::Moved`]; [`record`] reports it and
//! [`record_with_retry`] applies the change again on top of the new text.

use std::collections::BTreeSet;
use std::path::Path;

use crate::amend::{self, AmendError, Workspace};
use crate::draft::nearest;
use crate::negotiation::{ANNEXES_FILE, POSITIONS_DIR, TIERS_FILE};
use crate::position::Position;
use crate::store::{
    self, Amendment, AmendmentStatus, Oid, Signature, SnapshotError, Store, StoreError, SyncFailure,
};

/// The code for the Chair (or secretariat), accepted as a proposer in every negotiation.
pub const CHAIR: &str = "CHAIR";

/// What to record: the change, who proposes it, and how the commit describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proposal {
    pub change: amend::Change,
    /// Delegation codes (case-insensitive; recorded as the position files spell them).
    pub proposers: Vec<String>,
    /// The round to record; `None` takes the round the text is in ([`Store::current_round`]).
    pub round: Option<String>,
    /// The subject line; `None` uses [`amend::Change::describe`].
    pub summary: Option<String>,
    pub body: String,
    pub status: AmendmentStatus,
    /// The amendment id; `None` gives a fresh one.
    pub id: Option<String>,
}

impl Proposal {
    pub fn new<P: Into<String>>(
        change: amend::Change,
        proposers: impl IntoIterator<Item = P>,
    ) -> Self {
        Proposal {
            change,
            proposers: proposers.into_iter().map(Into::into).collect(),
            round: None,
            summary: None,
            body: String::new(),
            status: AmendmentStatus::default(),
            id: None,
        }
    }
}

/// An amendment that has landed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recorded {
    pub amendment: Amendment,
    pub oid: Oid,
    /// The commit it was applied to.
    pub parent: Oid,
    /// Files changed (relative to the top of the record).
    pub files: Vec<String>,
    /// Changed files whose copy on disk holds the user's own uncommitted edits: kept as
    /// they were; the amendment is in the commit.
    pub kept_local_edits: Vec<String>,
    pub sync_failures: Vec<SyncFailure>,
}

/// Why an amendment was not recorded. Each message says what to do.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot read the text at commit {commit}: {source}")]
    Snapshot {
        commit: Oid,
        #[source]
        source: SnapshotError,
    },
    #[error("{0}")]
    Amend(#[from] AmendError),
    #[error("unknown delegation `{code}`: {}", unknown_hint(.suggest, .known))]
    UnknownDelegation {
        code: String,
        suggest: Option<String>,
        known: Vec<String>,
    },
    #[error("no delegation proposes this amendment: name at least one (e.g. EU, or CHAIR)")]
    NoProposer,
    #[error("nothing would change: the text already reads so; check the clause with `treaty show`")]
    NoChange,
}

fn unknown_hint(suggest: &Option<String>, known: &[String]) -> String {
    match suggest {
        Some(s) => format!(
            "did you mean `{s}`? (delegations have a file in positions/; the Chair is {CHAIR})"
        ),
        None => format!("use one of {}", known.join(", ")),
    }
}

impl RecordError {
    /// True when applying the change again on top of the new text may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(self, RecordError::Store(e) if e.is_retryable())
    }
}

/// The files amendments edit, as they stand at `commit`.
pub fn workspace_at(store: &Store, commit: Oid) -> Result<Workspace, RecordError> {
    let snapshot = |source| RecordError::Snapshot { commit, source };
    let draft = store.draft_at(commit).map_err(snapshot)?.draft;
    let tiers = store.text_at(commit, TIERS_FILE).map_err(snapshot)?;
    let annexes = store.text_at(commit, ANNEXES_FILE).map_err(snapshot)?;
    Ok(Workspace {
        draft,
        tiers,
        annexes,
    })
}

/// The delegation codes with a readable position file in `positions/` at `commit`, plus
/// [`CHAIR`].
pub fn delegations_at(store: &Store, commit: Oid) -> Result<BTreeSet<String>, RecordError> {
    let mut codes = BTreeSet::from([CHAIR.to_string()]);
    let repo = store.repo();
    let tree = repo
        .find_commit(commit)
        .and_then(|c| c.tree())
        .map_err(StoreError::from)?;
    let Ok(entry) = tree.get_path(Path::new(POSITIONS_DIR)) else {
        return Ok(codes);
    };
    let Ok(folder) = repo.find_tree(entry.id()) else {
        return Ok(codes);
    };
    for item in folder.iter() {
        let Some(name) = item.name().ok() else {
            continue;
        };
        if !name.ends_with(".ron") || name == "roster.ron" {
            continue;
        }
        let Ok(blob) = repo.find_blob(item.id()) else {
            continue;
        };
        let display = Path::new(POSITIONS_DIR).join(name);
        // An unreadable position is `treaty check`'s business; its delegation is unknown here.
        if let Ok(p) = crate::ronfile::parse_bytes::<Position>(blob.content(), &display) {
            codes.insert(p.code);
        }
    }
    Ok(codes)
}

/// Matches each given code to a known delegation (case-insensitively) and returns the
/// codes as the position files spell them, without duplicates.
pub fn resolve_proposers(
    known: &BTreeSet<String>,
    given: &[String],
) -> Result<Vec<String>, RecordError> {
    let mut out: Vec<String> = Vec::new();
    for code in given {
        let code = code.trim();
        if code.is_empty() {
            continue;
        }
        let Some(found) = known.iter().find(|k| k.eq_ignore_ascii_case(code)) else {
            let upper = code.to_uppercase();
            return Err(RecordError::UnknownDelegation {
                code: code.to_string(),
                suggest: nearest(&upper, known.iter().map(String::as_str)).map(String::from),
                known: known.iter().cloned().collect(),
            });
        };
        if !out.contains(found) {
            out.push(found.clone());
        }
    }
    if out.is_empty() {
        return Err(RecordError::NoProposer);
    }
    Ok(out)
}

/// The amendment and the file changes `proposal` makes on top of `head`, checked but not
/// committed.
pub fn prepare(
    store: &Store,
    proposal: &Proposal,
    head: Oid,
) -> Result<(Amendment, Vec<store::Change>), RecordError> {
    let known = delegations_at(store, head)?;
    let proposers = resolve_proposers(&known, &proposal.proposers)?;
    let mut workspace = workspace_at(store, head)?;
    let edit = workspace.apply(&proposal.change)?;
    let mut changes = Vec::new();
    for (path, content) in edit.files {
        let old = store.read_file_at(head, &path)?;
        let new = content.map(String::into_bytes);
        if old != new {
            changes.push(store::Change { path, content: new });
        }
    }
    if changes.is_empty() {
        return Err(RecordError::NoChange);
    }
    let round = match &proposal.round {
        Some(r) => Some(r.clone()),
        None => store.current_round()?,
    };
    let summary = proposal
        .summary
        .clone()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| proposal.change.describe());
    let mut amendment = Amendment::new(proposal.change.kind(), proposers, edit.clauses)
        .with_summary(summary)
        .with_body(proposal.body.clone())
        .with_status(proposal.status);
    amendment.round = round;
    if let Some(id) = &proposal.id {
        amendment.id = id.clone();
    }
    Ok((amendment, changes))
}

/// Applies `proposal` to the text at the tip of the branch and records it, once, with the
/// configured git identity. A concurrent amendment that landed first makes this fail with
/// [`StoreError::Moved`] (see [`RecordError::is_retryable`]).
pub fn record(store: &Store, proposal: &Proposal) -> Result<Recorded, RecordError> {
    record_inner(store, proposal, None)
}

/// [`record`] with an explicit author and committer (scripted or imported histories).
pub fn record_as(
    store: &Store,
    proposal: &Proposal,
    author: &Signature<'_>,
) -> Result<Recorded, RecordError> {
    record_inner(store, proposal, Some(author))
}

/// [`record`], applying the change again on top of the new text when another amendment
/// landed first, up to `attempts` times in all. The amendment keeps one id throughout.
pub fn record_with_retry(
    store: &Store,
    proposal: &Proposal,
    attempts: usize,
) -> Result<Recorded, RecordError> {
    let mut proposal = proposal.clone();
    if proposal.id.is_none() {
        proposal.id = Some(Amendment::new(proposal.change.kind(), [""; 0], [""; 0]).id);
    }
    let mut tries = 0;
    loop {
        tries += 1;
        match record(store, &proposal) {
            Err(e) if e.is_retryable() && tries < attempts.max(1) => {
                std::thread::sleep(std::time::Duration::from_millis(5 * tries as u64));
            }
            other => return other,
        }
    }
}

fn record_inner(
    store: &Store,
    proposal: &Proposal,
    author: Option<&Signature<'_>>,
) -> Result<Recorded, RecordError> {
    let head = store.head()?;
    let (amendment, changes) = prepare(store, proposal, head)?;
    let outcome = match author {
        Some(sig) => store.commit_as(&amendment, head, &changes, sig)?,
        None => store.commit(&amendment, head, &changes)?,
    };
    Ok(Recorded {
        amendment: amendment.sanitized(),
        oid: outcome.oid,
        parent: head,
        files: changes.into_iter().map(|c| c.path).collect(),
        kept_local_edits: outcome.kept_local_edits,
        sync_failures: outcome.sync_failures,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing::TestRepo;

    const FRONT: &str = "# Test Convention {#treaty}\n\n## Preamble {#preamble}\n\nThe Parties have agreed as follows: {#pp1}\n\n## Part I. General {#part-1}\n\n- [Article 1. Objective](articles/one.md)\n";
    const ONE: &str = "### Article 1. Objective {#one}\n\n1. Parties [shall][should] act. {#one.1}\n\n2. Parties cooperate. {#one.2}\n";
    const EU: &str = "(version: 1, code: \"EU\", name: \"European Union\", kind: Group)\n";

    fn repo() -> TestRepo {
        let t = TestRepo::new();
        t.amend(
            &Amendment::new(store::AmendmentKind::Insert, ["CHAIR"], [""; 0]),
            &[
                store::Change::write("drafts/treaty.md", FRONT),
                store::Change::write("drafts/articles/one.md", ONE),
                store::Change::write("positions/eu.ron", EU),
            ],
        );
        t
    }

    fn replace(text: &str) -> amend::Change {
        amend::Change::Replace {
            clause: "one.2".into(),
            text: text.into(),
        }
    }

    #[test]
    fn records_one_commit_with_trailers_and_round() {
        let t = repo();
        t.store.start_round("r1", "First round").unwrap();
        let r = record(
            &t.store,
            &Proposal::new(replace("Parties shall cooperate."), ["eu"]),
        )
        .unwrap();
        assert_eq!(t.store.head().unwrap(), r.oid);
        assert_eq!(r.amendment.proposers, ["EU"]);
        assert_eq!(r.amendment.clauses, ["one.2"]);
        assert_eq!(r.amendment.round.as_deref(), Some("r1"));
        assert_eq!(r.files, ["drafts/articles/one.md"]);
        let text = t.read("drafts/articles/one.md").unwrap();
        assert!(
            text.contains("2. Parties shall cooperate. {#one.2}"),
            "{text}"
        );
        let msg = t.git(&["log", "-1", "--format=%B"]);
        assert_eq!(Amendment::parse(&msg), Some(r.amendment));
    }

    #[test]
    fn reads_the_commit_not_the_work_tree_and_keeps_local_edits() {
        let t = repo();
        t.write("drafts/articles/one.md", "my own notes\n");
        t.write("notes.txt", "unrelated\n");
        let r = record(
            &t.store,
            &Proposal::new(replace("Parties shall cooperate."), ["EU"]),
        )
        .unwrap();
        assert_eq!(r.kept_local_edits, ["drafts/articles/one.md"]);
        assert_eq!(t.read("drafts/articles/one.md").unwrap(), "my own notes\n");
        let committed = t.git(&["show", "HEAD:drafts/articles/one.md"]);
        assert!(committed.contains("Parties shall cooperate."));
        assert!(committed.contains("[shall][should]"));
        assert_eq!(
            t.git(&["show", "--format=", "--name-only", "HEAD"]).trim(),
            "drafts/articles/one.md"
        );
    }

    #[test]
    fn refusals_leave_the_record_alone() {
        let t = repo();
        let head = t.store.head().unwrap();
        let unknown = record(&t.store, &Proposal::new(replace("x"), ["EUU"])).unwrap_err();
        assert!(
            unknown.to_string().contains("did you mean `EU`"),
            "{unknown}"
        );
        let same = record(
            &t.store,
            &Proposal::new(replace("Parties cooperate."), ["EU"]),
        )
        .unwrap_err();
        assert!(matches!(same, RecordError::NoChange));
        let none = record(&t.store, &Proposal::new(replace("x"), [""; 0])).unwrap_err();
        assert!(matches!(none, RecordError::NoProposer));
        assert_eq!(t.store.head().unwrap(), head);
    }

    #[test]
    fn a_stale_store_is_refused_and_retry_lands_on_top() {
        let t = repo();
        let other = t.open_store(crate::store::testing::EPOCH + 10_000);
        let head = t.store.head().unwrap();
        let (a, changes) = prepare(
            &t.store,
            &Proposal::new(replace("Parties shall cooperate."), ["EU"]),
            head,
        )
        .unwrap();
        record(
            &other,
            &Proposal::new(
                amend::Change::ChooseOption {
                    clause: "one.1".into(),
                    point: 0,
                    option: 0,
                },
                ["CHAIR"],
            ),
        )
        .unwrap();
        let err: RecordError = t.store.commit(&a, head, &changes).unwrap_err().into();
        assert!(err.is_retryable());
        assert!(err.to_string().contains("the text moved on"), "{err}");
        let r = record_with_retry(
            &t.store,
            &Proposal::new(replace("Parties shall cooperate."), ["EU"]),
            3,
        )
        .unwrap();
        let text = t.git(&["show", &format!("{}:drafts/articles/one.md", r.oid)]);
        assert!(
            text.contains("1. Parties shall act.") && text.contains("Parties shall cooperate.")
        );
    }
}
