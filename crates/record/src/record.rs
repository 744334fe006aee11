//! The one way a change becomes a recorded amendment.
//!
//! The CLI, the workbench, compile, import-history, the demo, synth and the test fixtures
//! all record through here, so every amendment gets the same checks in the same order:
//! the proposers are delegations of this negotiation (or the Chair), the edit is applied
//! to the text as it stands at the parent commit, files that would not change are
//! dropped, and an amendment that changes nothing is refused. [`prepare_on`] is that
//! check, on the text at a commit ([`prepare`]) or on a text a batch holds in memory
//! (synth); [`record`] commits compare-and-swap on the tip of the branch.
//!
//! The text is read from the commit, never from the work tree, so a delegate's unsaved or
//! uncommitted edits are neither swept into the amendment nor lost (the store leaves a file
//! the user has edited alone and reports it). When another amendment lands first the
//! commit is refused with [`StoreError::Moved`]; [`record`] reports it and
//! [`record_with_retry`] applies the change again on top of the new text.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use treaty_text::amend::{self, AmendError, Workspace};
use treaty_text::amendment::{Amendment, AmendmentKind, AmendmentStatus};
use treaty_text::negotiation::{ANNEXES_FILE, POSITIONS_DIR, TIERS_FILE};
use treaty_text::position::{Position, delegation_hint};
use treaty_text::roster::{CHAIR, ROSTER_FILE, Roster};
use treaty_text::suggest::nearest;

use crate::clause_files::ClauseFiles;
use crate::store::{FileChange, Oid, Signature, SnapshotError, Store, StoreError};

/// What an amendment does to the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Edit {
    /// One change, applied by the amendment engine to the text at the parent.
    Change(amend::Change),
    /// Whole files the caller computed from the text at the parent (a compilation text,
    /// an imported official draft): path relative to the negotiation folder → new text,
    /// `None` to delete.
    Files {
        kind: AmendmentKind,
        clauses: Vec<String>,
        files: BTreeMap<String, Option<String>>,
    },
    /// Hand edits of `drafts/` (path relative to the negotiation folder → text, `None` when
    /// removed): checked as a whole against the text at the parent, which gives the kind
    /// and the clauses touched ([`amend::hand_edit`]).
    WorkTree {
        files: BTreeMap<String, Option<String>>,
    },
}

impl Edit {
    /// The kind, where the edit states it; hand edits take theirs from the text they
    /// change.
    pub fn kind(&self) -> Option<AmendmentKind> {
        match self {
            Edit::Change(c) => Some(c.kind()),
            Edit::Files { kind, .. } => Some(*kind),
            Edit::WorkTree { .. } => None,
        }
    }

    /// The subject line when none is given.
    fn describe(&self) -> String {
        match self {
            Edit::Change(c) => c.describe(),
            // Generated from the kind and clauses (Amendment::subject).
            Edit::Files { .. } | Edit::WorkTree { .. } => String::new(),
        }
    }
}

/// What to record: the edit, who proposes it, and how the commit describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewAmendment {
    pub edit: Edit,
    /// Delegation codes (case-insensitive; recorded as the position files spell them).
    pub proposers: Vec<String>,
    /// The round to record; `None` takes the round the text is in ([`Store::current_round`]).
    pub round: Option<String>,
    /// The subject line; `None` describes the change ([`amend::Change::describe`]).
    pub summary: Option<String>,
    pub body: String,
    pub status: AmendmentStatus,
    pub id: AmendmentId,
    /// Delegations that co-sign, with the member who does (see
    /// [`Amendment::co_signers`]).
    pub co_signers: Vec<(String, String)>,
    /// What the amendment was made against: when set, [`prepare`] refuses it with a
    /// [`RecordError::Conflict`] if the clause (or file) it edits reads differently now.
    pub base: Option<Base>,
    /// The proposals a landing cites (`Lands:`; see [`crate::proposals`]).
    pub lands: Vec<String>,
    /// The exercise team a proposal is made for (`Team:`).
    pub team: Option<String>,
}

/// The text an amendment was made against: the commit the user read it at and, when the
/// user read it elsewhere (the workbench reads the work tree), the clause's text as shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Base {
    pub commit: Oid,
    /// The edited clause's text as the user saw it; `None`: as it reads at `commit`.
    pub text: Option<String>,
}

impl Base {
    pub fn at(commit: Oid) -> Base {
        Base { commit, text: None }
    }

    /// The clause read as `text` with the record at `commit`.
    pub fn shown(commit: Oid, text: impl Into<String>) -> Base {
        Base {
            commit,
            text: Some(text.into()),
        }
    }
}

/// An amendment made against a text that changed since: the three versions of what it
/// edits. Nothing was recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conflict {
    /// The clause id (or, for tiers and annex proposals, the file) that changed.
    pub clause: String,
    /// What it read when the amendment was made (`None`: it was not there).
    pub base: Option<String>,
    /// What it reads now (`None`: deleted since).
    pub theirs: Option<String>,
    /// What the amendment would have made of the base (`None`: a deletion, or the change
    /// does not apply there).
    pub yours: Option<String>,
    /// Who amended it since (the proposers of the amendments between the base and now).
    pub theirs_by: Vec<String>,
    /// The commit the record stands at now: amend again against this.
    pub head: Oid,
}

/// Which id the amendment gets.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum AmendmentId {
    /// A fresh, unique one.
    #[default]
    Fresh,
    /// This one.
    Given(String),
    /// One derived from the amendment's fields and this seed: the same on every run
    /// (scripted histories, imports, fixtures; see [`Amendment::derived_id`]).
    Derived(String),
}

impl NewAmendment {
    /// `change`, proposed by `proposers`.
    pub fn new<P: Into<String>>(
        change: amend::Change,
        proposers: impl IntoIterator<Item = P>,
    ) -> Self {
        Self::of(Edit::Change(change), proposers)
    }

    pub fn of<P: Into<String>>(edit: Edit, proposers: impl IntoIterator<Item = P>) -> Self {
        NewAmendment {
            edit,
            proposers: proposers.into_iter().map(Into::into).collect(),
            round: None,
            summary: None,
            body: String::new(),
            status: AmendmentStatus::default(),
            id: AmendmentId::Fresh,
            co_signers: Vec::new(),
            base: None,
            lands: Vec::new(),
            team: None,
        }
    }

    /// Made against `base`: refused if what it edits changed since.
    pub fn with_base(mut self, base: Base) -> Self {
        self.base = Some(base);
        self
    }

    pub fn with_summary(mut self, summary: impl Into<String>) -> Self {
        self.summary = Some(summary.into());
        self
    }

    pub fn with_body(mut self, body: impl Into<String>) -> Self {
        self.body = body.into();
        self
    }

    pub fn with_round(mut self, round: impl Into<String>) -> Self {
        self.round = Some(round.into());
        self
    }

    pub fn with_id(mut self, id: impl Into<String>) -> Self {
        self.id = AmendmentId::Given(id.into());
        self
    }

    /// An id derived from the recorded fields and `seed`: the same on every run.
    pub fn with_derived_id(mut self, seed: impl Into<String>) -> Self {
        self.id = AmendmentId::Derived(seed.into());
        self
    }
}

/// An amendment checked against the text at its parent, ready to commit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prepared {
    pub amendment: Amendment,
    /// Only the files that differ from the parent.
    pub changes: Vec<FileChange>,
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
    #[error(
        "{} was amended since you started{}: nothing was recorded; amend the new text (base {}), or keep both wordings as bracketed alternatives",
        .0.clause,
        by_whom(&.0.theirs_by),
        short(.0.head)
    )]
    Conflict(Box<Conflict>),
    #[error(
        "there is no commit `{spec}` in this record: give a commit id, a tag or HEAD (see `treaty log`)"
    )]
    UnknownBase { spec: String },
    #[error(
        "commit {} is not in the history of the text ({}): give a commit `treaty log` lists",
        short(*.base),
        short(*.head)
    )]
    BaseNotInHistory { base: Oid, head: Oid },
    #[error("unknown delegation `{code}`: {}", delegation_hint(.suggest.as_deref(), .known))]
    UnknownDelegation {
        code: String,
        suggest: Option<String>,
        known: Vec<String>,
    },
    #[error("no delegation proposes this amendment: name at least one (e.g. EU, or {CHAIR})")]
    NoProposer,
    #[error("nothing would change: the text already reads so; check the clause with `treaty show`")]
    NoChange,
    #[error("there is no text yet to amend: the first amendment of a record brings whole files")]
    NoText,
    #[error(
        "{path} cannot be read ({why}), so the draft at {commit} is incomplete: repair that file first (`treaty check` says how); nothing was recorded"
    )]
    Unreadable {
        path: String,
        why: String,
        commit: Oid,
    },
}

fn by_whom(by: &[String]) -> String {
    if by.is_empty() {
        String::new()
    } else {
        format!(" (by {})", by.join(", "))
    }
}

fn short(oid: Oid) -> String {
    oid.to_string().chars().take(10).collect()
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
    if let Some((path, why)) = draft.unreadable.first() {
        return Err(RecordError::Unreadable {
            path: path.clone(),
            why: why.clone(),
            commit,
        });
    }
    let tiers = store.text_at(commit, TIERS_FILE).map_err(snapshot)?;
    let annexes = store.text_at(commit, ANNEXES_FILE).map_err(snapshot)?;
    Ok(Workspace {
        draft,
        tiers,
        annexes,
    })
}

/// The delegation codes with a readable position file in `positions/` at `commit`, plus
/// the Chair: [`CHAIR`], or the code the roster gives the chair.
///
/// Reading 198 position files costs more than the rest of an amendment, so a recorded
/// amendment keeps the answer in `.git/treaty/delegations` under the id of the
/// `positions/` folder it was read from ([`remember_delegations`]); it is read again only
/// when that folder changes.
pub fn delegations_at(store: &Store, commit: Oid) -> Result<BTreeSet<String>, RecordError> {
    let folder = store.folder_id_at(commit, POSITIONS_DIR)?;
    match folder.and_then(|folder| remembered_delegations(store, folder)) {
        Some(codes) => Ok(codes),
        None => read_delegations_at(store, commit),
    }
}

fn delegations_memo(store: &Store) -> std::path::PathBuf {
    store.repo().path().join("treaty").join("delegations")
}

/// The memo's codes if it names `folder`.
fn remembered_delegations(store: &Store, folder: Oid) -> Option<BTreeSet<String>> {
    let text = treaty_text::fsutil::read_memo(&delegations_memo(store), 16 << 20)?;
    let mut lines = text.lines();
    (lines.next()? == folder.to_string()).then(|| lines.map(String::from).collect())
}

/// Keeps the delegations at `commit` for the next amendment. Written only after an
/// amendment is recorded, so a refused one leaves the repository as it found it.
/// `known` are the delegations at `parent`: they are kept as they are when the amendment
/// left `positions/` alone, and read afresh only when it changed a position file.
fn remember_delegations(
    store: &Store,
    commit: Oid,
    parent: Oid,
    known: &BTreeSet<String>,
) -> Result<(), RecordError> {
    let Some(folder) = store.folder_id_at(commit, POSITIONS_DIR)? else {
        return Ok(());
    };
    if remembered_delegations(store, folder).is_some() {
        return Ok(());
    }
    let codes = if store.folder_id_at(parent, POSITIONS_DIR)? == Some(folder) {
        known.clone()
    } else {
        read_delegations_at(store, commit)?
    };
    // One code per line: a code that is not one line (hostile or broken) is never kept.
    if codes
        .iter()
        .any(|c| c.is_empty() || c.contains(['\n', '\r']))
    {
        return Ok(());
    }
    let mut text = format!("{folder}\n");
    for code in &codes {
        text.push_str(code);
        text.push('\n');
    }
    let memo = delegations_memo(store);
    // Only a saving: a memo that cannot be written is read afresh next time.
    let _ = std::fs::create_dir_all(memo.parent().unwrap_or(Path::new(".")))
        .and_then(|()| treaty_text::fsutil::write_atomic(&memo, text.as_bytes()));
    Ok(())
}

fn read_delegations_at(store: &Store, commit: Oid) -> Result<BTreeSet<String>, RecordError> {
    let mut codes = BTreeSet::from([CHAIR.to_string()]);
    let roster = Path::new(ROSTER_FILE)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("roster.ron");
    for (name, bytes) in store.files_in_folder_at(commit, POSITIONS_DIR)? {
        if !name.ends_with(".ron") {
            continue;
        }
        let display = Path::new(POSITIONS_DIR).join(&name);
        // An unreadable file is `treaty check`'s business; its delegation is unknown here.
        if name == roster {
            if let Ok(r) = treaty_text::ronfile::parse_bytes::<Roster>(&bytes, &display) {
                codes.insert(r.chair.code);
            }
        } else if let Ok(p) = Position::from_bytes(&bytes, &display) {
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
                suggest: nearest(&upper, known).cloned(),
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

/// The text at the parent an amendment is checked against: a commit of the store
/// ([`prepare`]), or a [`Workspace`] a batch holds in memory (synth), whose files are its
/// drafts, tiers and annex proposals.
pub trait ParentText {
    /// The files amendments edit, to apply a change to.
    fn workspace(&mut self) -> Result<&mut Workspace, RecordError>;
    /// Applies `change` to the text, which keeps the result.
    fn apply(&mut self, change: &amend::Change) -> Result<amend::Applied, RecordError> {
        Ok(self.workspace()?.apply(change)?)
    }
    /// One file's bytes, path relative to the negotiation folder; `None` when absent.
    fn file(&mut self, path: &str) -> Result<Option<Vec<u8>>, RecordError>;
}

impl ParentText for Workspace {
    fn workspace(&mut self) -> Result<&mut Workspace, RecordError> {
        Ok(self)
    }

    fn file(&mut self, path: &str) -> Result<Option<Vec<u8>>, RecordError> {
        Ok(Workspace::file(self, path).map(String::into_bytes))
    }
}

/// The parent of a new record's first amendment: no files at all.
pub struct NewRecord;

impl ParentText for NewRecord {
    fn workspace(&mut self) -> Result<&mut Workspace, RecordError> {
        Err(RecordError::NoText)
    }

    fn file(&mut self, _path: &str) -> Result<Option<Vec<u8>>, RecordError> {
        Ok(None)
    }
}

/// A commit of the store, read as far as an amendment needs.
struct AtCommit<'s> {
    store: &'s Store,
    commit: Oid,
    workspace: Option<Workspace>,
    /// Which file holds each clause, when the workspace holds only the one file a change
    /// to a clause's wording needs ([`ClauseFiles`]).
    part_of: Option<ClauseFiles>,
}

impl<'s> AtCommit<'s> {
    fn new(store: &'s Store, commit: Oid) -> Self {
        AtCommit {
            store,
            commit,
            workspace: None,
            part_of: None,
        }
    }

    /// `change` applied to the one file the memo says holds its clause, read alone (not
    /// even `treaty.md`: the memo is for this very `drafts/` folder, so that file is one
    /// `treaty.md` includes), when it changes only that clause's wording and leaves every
    /// clause id in place: `None` (nothing kept) otherwise, and the whole draft is read
    /// instead.
    fn apply_to_part(&mut self, change: &amend::Change) -> Option<amend::Applied> {
        use amend::Change;
        let (Change::Replace { clause, .. }
        | Change::Bracket { clause, .. }
        | Change::LiftBrackets { clause, .. }
        | Change::ChooseOption { clause, .. }) = change
        else {
            return None;
        };
        let tree = self.store.folder_id_at(self.commit, "drafts").ok()??;
        let memo = ClauseFiles::read(self.store, tree)?;
        // A clause of `treaty.md` itself (the preamble) is amended on the whole draft.
        let file = memo
            .file_of(clause)
            .filter(|&f| f != treaty_text::draft::FRONT_FILE)?;
        let draft = self.store.draft_file_alone_at(self.commit, file).ok()?;
        if !draft.unreadable.is_empty() || draft.clause(clause)?.file != 1 {
            return None;
        }
        let ids = |d: &treaty_text::draft::Draft| -> Vec<Option<String>> {
            d.clauses.iter().map(|c| c.id.clone()).collect()
        };
        let before = ids(&draft);
        let mut ws = Workspace {
            draft,
            tiers: None,
            annexes: None,
        };
        let applied = ws.apply(change).ok()?;
        if ids(&ws.draft) != before || applied.files.keys().any(|f| f != &format!("drafts/{file}"))
        {
            return None;
        }
        self.workspace = Some(ws);
        self.part_of = Some(memo);
        Some(applied)
    }

    /// Which file holds each clause once the change is applied, if this commit's text
    /// says so with certainty: the memo it was read with (a wording change moves no
    /// clause), or the whole draft read and changed in place.
    fn clause_files_after(&self) -> Option<ClauseFiles> {
        match (&self.part_of, &self.workspace) {
            (Some(memo), _) => Some(memo.clone()),
            (None, Some(ws)) => ClauseFiles::of(&ws.draft),
            (None, None) => None,
        }
    }
}

impl ParentText for AtCommit<'_> {
    fn workspace(&mut self) -> Result<&mut Workspace, RecordError> {
        debug_assert!(self.part_of.is_none(), "the whole text after a part of it");
        if self.workspace.is_none() {
            self.workspace = Some(workspace_at(self.store, self.commit)?);
        }
        Ok(self.workspace.as_mut().expect("just read"))
    }

    fn apply(&mut self, change: &amend::Change) -> Result<amend::Applied, RecordError> {
        if self.workspace.is_none()
            && let Some(applied) = self.apply_to_part(change)
        {
            return Ok(applied);
        }
        Ok(self.workspace()?.apply(change)?)
    }

    fn file(&mut self, path: &str) -> Result<Option<Vec<u8>>, RecordError> {
        Ok(self.store.read_file_at(self.commit, path)?)
    }
}

/// Checks `new` against the text at its parent and the `known` delegations, and returns
/// the amendment with only the files that change. `round` is the round to record when
/// `new` names none. A [`Workspace`] parent is updated in place by a change.
pub fn prepare_on(
    parent: &mut impl ParentText,
    known: &BTreeSet<String>,
    new: &NewAmendment,
    round: Option<String>,
) -> Result<Prepared, RecordError> {
    let proposers = resolve_proposers(known, &new.proposers)?;
    let mut changes = Vec::new();
    let mut kind = new.edit.kind();
    let clauses = match &new.edit {
        Edit::Change(change) => {
            // The engine reports only the files that differ from the text it holds.
            let edit = parent.apply(change)?;
            for (path, content) in edit.files {
                changes.push(FileChange {
                    path,
                    content: content.map(String::into_bytes),
                });
            }
            edit.clauses
        }
        Edit::Files { clauses, files, .. } => {
            for (path, content) in files {
                let content = content.as_ref().map(|t| t.as_bytes().to_vec());
                if parent.file(path)? != content {
                    changes.push(FileChange {
                        path: path.clone(),
                        content,
                    });
                }
            }
            clauses.clone()
        }
        Edit::WorkTree { files } => {
            let hand = amend::hand_edit(parent.workspace()?, files)?;
            kind = Some(hand.kind);
            for (path, content) in hand.files {
                changes.push(FileChange {
                    path,
                    content: content.map(String::into_bytes),
                });
            }
            hand.clauses
        }
    };
    let kind = kind.unwrap_or(AmendmentKind::Replace);
    finish(new, kind, proposers, clauses, changes, round)
}

/// The amendment and the file changes `new` makes on top of `parent`, checked but not
/// committed.
pub fn prepare(store: &Store, new: &NewAmendment, parent: Oid) -> Result<Prepared, RecordError> {
    Ok(prepare_known(store, new, parent, &delegations_at(store, parent)?)?.0)
}

/// [`prepare`], the delegations at `parent` being `known`.
/// Also gives which file holds each clause after the change, when a change of the text
/// (not a hand edit or whole files) tells it.
fn prepare_known(
    store: &Store,
    new: &NewAmendment,
    parent: Oid,
    known: &BTreeSet<String>,
) -> Result<(Prepared, Option<ClauseFiles>), RecordError> {
    let round = match &new.round {
        Some(_) => None,
        None => store.current_round()?,
    };
    let mut at = AtCommit::new(store, parent);
    if let Some(base) = &new.base {
        check_base(store, &mut at, base, &new.edit)?;
    }
    let prepared = prepare_on(&mut at, known, new, round)?;
    let clause_files = match new.edit {
        Edit::Change(_) => at.clause_files_after(),
        Edit::Files { .. } | Edit::WorkTree { .. } => None,
    };
    Ok((prepared, clause_files))
}

/// The compare-and-swap of [`prepare`] for a change committed another way (a proposal):
/// [`RecordError::Conflict`] if what `change` edits reads at `at` otherwise than at `base`.
pub fn check_base_at(
    store: &Store,
    base: &Base,
    change: &amend::Change,
    at: Oid,
) -> Result<(), RecordError> {
    let mut at = AtCommit::new(store, at);
    check_base(store, &mut at, base, &Edit::Change(change.clone()))
}

/// The commit `spec` names (an id, a tag, `HEAD~2`), which must be in the history of the
/// tip of the branch: the base an amendment is made against.
pub fn resolve_base(store: &Store, spec: &str) -> Result<Oid, RecordError> {
    let unknown = || RecordError::UnknownBase {
        spec: spec.to_string(),
    };
    if spec.trim().is_empty() || spec.starts_with('-') {
        return Err(unknown());
    }
    let commit = store
        .repo()
        .revparse_single(spec)
        .and_then(|o| o.peel_to_commit())
        .map_err(|_| unknown())?
        .id();
    let head = store.head()?;
    let inside = commit == head
        || store
            .repo()
            .graph_descendant_of(head, commit)
            .unwrap_or(false);
    if !inside {
        return Err(RecordError::BaseNotInHistory { base: commit, head });
    }
    Ok(commit)
}

/// The compare-and-swap on the text: what `edit` edits must read at the parent as it read
/// at the base ([`RecordError::Conflict`] otherwise).
fn check_base(
    store: &Store,
    at: &mut AtCommit<'_>,
    base: &Base,
    edit: &Edit,
) -> Result<(), RecordError> {
    if base.commit == at.commit && base.text.is_none() {
        return Ok(());
    }
    if base.commit != at.commit
        && !store
            .repo()
            .graph_descendant_of(at.commit, base.commit)
            .unwrap_or(false)
    {
        return Err(RecordError::BaseNotInHistory {
            base: base.commit,
            head: at.commit,
        });
    }
    let mut was = AtCommit::new(store, base.commit);
    let head = at.commit;
    let conflict = |clause: &str, base_text, theirs, yours| {
        RecordError::Conflict(Box::new(Conflict {
            clause: clause.to_string(),
            base: base_text,
            theirs,
            yours,
            theirs_by: crate::sync::proposers(store.repo(), base.commit, head, clause)
                .unwrap_or_default(),
            head,
        }))
    };
    let text = |b: Option<Vec<u8>>| b.map(|b| String::from_utf8_lossy(&b).into_owned());
    match edit {
        Edit::Change(change) => match change.base_of() {
            None => Ok(()),
            Some(amend::BaseOf::Clause(id)) => {
                let clause_text = |ws: &Workspace| ws.draft.clause(id).map(|c| c.text.clone());
                let theirs = clause_text(at.workspace()?);
                let mut ws = was.workspace()?.clone();
                let base_text = base.text.clone().or_else(|| clause_text(&ws));
                if base_text == theirs {
                    return Ok(());
                }
                if let Some(shown) = &base.text {
                    let _ = ws.apply(&amend::Change::Replace {
                        clause: id.to_string(),
                        text: shown.clone(),
                    });
                }
                let yours = ws.apply(change).ok().and_then(|_| clause_text(&ws));
                Err(conflict(id, base_text, theirs, yours))
            }
            Some(amend::BaseOf::File(path)) => {
                let theirs = text(at.file(path)?);
                let base_text = text(was.file(path)?);
                if base_text == theirs {
                    return Ok(());
                }
                let mut ws = was.workspace()?.clone();
                let yours = ws.apply(change).ok().and_then(|_| ws.file(path));
                Err(conflict(path, base_text, theirs, yours))
            }
        },
        Edit::Files { files, .. } | Edit::WorkTree { files } => {
            for (path, yours) in files {
                let theirs = text(at.file(path)?);
                let base_text = text(was.file(path)?);
                if base_text != theirs {
                    return Err(conflict(path, base_text, theirs, yours.clone()));
                }
            }
            Ok(())
        }
    }
}

/// The checks and the record every path shares: refuses an amendment that changes
/// nothing, and writes the trailers' fields.
fn finish(
    new: &NewAmendment,
    kind: AmendmentKind,
    proposers: Vec<String>,
    clauses: Vec<String>,
    changes: Vec<FileChange>,
    current_round: Option<String>,
) -> Result<Prepared, RecordError> {
    if changes.is_empty() {
        return Err(RecordError::NoChange);
    }
    let summary = new
        .summary
        .clone()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| new.edit.describe());
    let mut amendment = Amendment::new(kind, proposers, clauses)
        .with_summary(summary)
        .with_body(new.body.clone())
        .with_status(new.status);
    amendment.round = new.round.clone().or(current_round);
    amendment.co_signers = new.co_signers.clone();
    amendment.lands = new.lands.clone();
    amendment.team = new.team.clone();
    match &new.id {
        AmendmentId::Fresh => {}
        AmendmentId::Given(id) => amendment.id = id.clone(),
        AmendmentId::Derived(seed) => amendment.id = amendment.derived_id(seed),
    }
    Ok(Prepared { amendment, changes })
}

/// Applies `new` to the text at the tip of the branch and records it, once, with the
/// configured git identity. A concurrent amendment that landed first makes this fail with
/// [`StoreError::Moved`] (see [`RecordError::is_retryable`]).
pub fn record(store: &Store, new: &NewAmendment) -> Result<Recorded, RecordError> {
    let head = store.head()?;
    record_on(store, new, head, None)
}

/// [`record`] with an explicit author and committer (scripted or imported histories).
pub fn record_as(
    store: &Store,
    new: &NewAmendment,
    author: &Signature<'_>,
) -> Result<Recorded, RecordError> {
    let head = store.head()?;
    record_on(store, new, head, Some(author))
}

/// Records `new` on top of `parent`, which must still be the tip of the branch (the text
/// the caller looked at): [`StoreError::Moved`] otherwise, and nothing is written. `author`
/// is author and committer both; `None`, the configured identity.
pub fn record_on(
    store: &Store,
    new: &NewAmendment,
    parent: Oid,
    author: Option<&Signature<'_>>,
) -> Result<Recorded, RecordError> {
    record_by(store, new, parent, author.map(|a| (a, a)))
}

/// [`record_on`] with an author (who proposed) and a committer (who landed) of their own.
pub fn record_by(
    store: &Store,
    new: &NewAmendment,
    parent: Oid,
    signers: Option<(&Signature<'_>, &Signature<'_>)>,
) -> Result<Recorded, RecordError> {
    let known = delegations_at(store, parent)?;
    let (Prepared { amendment, changes }, clause_files) =
        prepare_known(store, new, parent, &known)?;
    let outcome = match signers {
        Some((author, committer)) => {
            store.commit_by(&amendment, parent, &changes, author, committer)?
        }
        None => store.commit(&amendment, parent, &changes)?,
    };
    remember_delegations(store, outcome.oid, parent, &known)?;
    store.remember_round(outcome.oid)?;
    if let (Some(memo), Some(tree)) = (clause_files, store.folder_id_at(outcome.oid, "drafts")?) {
        memo.remember(store, tree);
    }
    Ok(Recorded {
        amendment: amendment.sanitized(),
        oid: outcome.oid,
        parent,
        files: changes.into_iter().map(|c| c.path).collect(),
        kept_local_edits: outcome.kept_local_edits,
    })
}

/// [`record`], applying the change again on top of the new text when another amendment
/// landed first, up to `attempts` times in all. The amendment keeps one id throughout.
pub fn record_with_retry(
    store: &Store,
    new: &NewAmendment,
    attempts: usize,
) -> Result<Recorded, RecordError> {
    let mut new = new.clone();
    if new.id == AmendmentId::Fresh {
        let kind = new.edit.kind().unwrap_or(AmendmentKind::Replace);
        new.id = AmendmentId::Given(Amendment::new(kind, [""; 0], [""; 0]).id);
    }
    let mut tries = 0;
    loop {
        tries += 1;
        match record(store, &new) {
            Err(e) if e.is_retryable() && tries < attempts.max(1) => {
                std::thread::sleep(std::time::Duration::from_millis(5 * tries as u64));
            }
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::TestRepo;

    const FRONT: &str = "# Test Convention {#treaty}\n\n## Preamble {#preamble}\n\nThe Parties have agreed as follows: {#pp1}\n\n## Part I. General {#part-1}\n\n- [Article 1. Objective](articles/one.md)\n";
    const ONE: &str = "### Article 1. Objective {#one}\n\n1. Parties [shall][should] act. {#one.1}\n\n2. Parties cooperate. {#one.2}\n";
    const EU: &str = "(version: 1, code: \"EU\", name: \"European Union\", kind: Group)\n";

    fn repo() -> TestRepo {
        let t = TestRepo::new();
        t.amend(
            &Amendment::new(AmendmentKind::Insert, ["CHAIR"], [""; 0]),
            &[
                FileChange::write("drafts/treaty.md", FRONT),
                FileChange::write("drafts/articles/one.md", ONE),
                FileChange::write("positions/eu.ron", EU),
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
            &NewAmendment::new(replace("Parties shall cooperate."), ["eu"]),
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

    /// A draft of two articles, the second one's text unreadable in the object database
    /// once `break_two` is called: what reads only the first article's file still works.
    fn two_articles() -> TestRepo {
        let t = repo();
        t.amend(
            &Amendment::new(AmendmentKind::Insert, ["CHAIR"], [""; 0]),
            &[
                FileChange::write(
                    "drafts/treaty.md",
                    format!("{FRONT}- [Article 2. Means](articles/two.md)\n"),
                ),
                FileChange::write(
                    "drafts/articles/two.md",
                    "### Article 2. Means {#two}\n\n1. Parties fund it. {#two.1}\n",
                ),
            ],
        );
        t
    }

    fn clause_files_memo(t: &TestRepo) -> String {
        std::fs::read_to_string(t.path().join(".git/treaty/clause-files")).unwrap_or_default()
    }

    #[test]
    fn a_wording_change_reads_only_its_clauses_file_once_the_memo_knows_where_it_is() {
        let t = two_articles();
        let by_eu = |change| NewAmendment::new(change, ["EU"]);
        // Nothing remembered yet: the whole draft is read, and where each clause is kept.
        assert_eq!(clause_files_memo(&t), "");
        record(&t.store, &by_eu(replace("Parties shall cooperate."))).unwrap();
        let head = t.store.head().unwrap();
        let tree = t.store.folder_id_at(head, "drafts").unwrap().unwrap();
        let memo = clause_files_memo(&t);
        assert!(
            memo.starts_with(&format!("{tree}\ntreaty\ttreaty.md\n")),
            "{memo}"
        );
        assert!(memo.contains("\none.2\tarticles/one.md\n"), "{memo}");
        assert!(memo.contains("\ntwo.1\tarticles/two.md\n"), "{memo}");

        // Every wording change gives what it gives on the whole draft.
        let changes = [
            replace("Parties shall cooperate closely."),
            amend::Change::Bracket {
                clause: "one.2".into(),
                phrase: Some("cooperate".into()),
            },
            amend::Change::ChooseOption {
                clause: "one.1".into(),
                point: 0,
                option: 1,
            },
        ];
        let known = delegations_at(&t.store, head).unwrap();
        for change in &changes {
            let (part, _) = prepare_known(&t.store, &by_eu(change.clone()), head, &known).unwrap();
            let mut whole = workspace_at(&t.store, head).unwrap();
            let whole = prepare_on(&mut whole, &known, &by_eu(change.clone()), None).unwrap();
            assert_eq!(part.changes, whole.changes, "{change:?}");
        }

        // Neither Article 2's text nor treaty.md can be read any more: amending Article 1
        // needs neither.
        for file in ["articles/two.md", "treaty.md"] {
            let blob = t.git(&["rev-parse", &format!("HEAD:drafts/{file}")]);
            crate::testing::destroy_object(&t.path().join(".git"), blob.trim());
        }
        let r = record(&t.store, &by_eu(changes[0].clone())).unwrap();
        assert_eq!(r.files, ["drafts/articles/one.md"]);
        let tree = t.store.folder_id_at(r.oid, "drafts").unwrap().unwrap();
        assert!(clause_files_memo(&t).starts_with(&format!("{tree}\n")));
        // Amending Article 2 reads it, and says the record is damaged.
        let err = record(
            &t.store,
            &by_eu(amend::Change::Replace {
                clause: "two.1".into(),
                text: "Parties fund it fully.".into(),
            }),
        )
        .unwrap_err();
        assert!(matches!(err, RecordError::Snapshot { .. }), "{err}");
    }

    #[test]
    fn a_wrong_or_stale_memo_of_where_clauses_are_falls_back_to_the_whole_draft() {
        let t = two_articles();
        let by_eu = |change| NewAmendment::new(change, ["EU"]);
        record(&t.store, &by_eu(replace("Parties shall cooperate."))).unwrap();
        let path = t.path().join(".git/treaty/clause-files");
        // Written as if one.2 were in Article 2's file, or in treaty.md.
        for wrong in ["articles/two.md", "treaty.md", "articles/none.md"] {
            let memo = clause_files_memo(&t);
            let moved = memo
                .lines()
                .map(|l| match l.strip_prefix("one.2\t") {
                    Some(_) => format!("one.2\t{wrong}\n"),
                    None => format!("{l}\n"),
                })
                .collect::<String>();
            std::fs::write(&path, moved).unwrap();
            let text = format!("Parties cooperate ({wrong}).");
            let r = record(&t.store, &by_eu(replace(&text))).unwrap();
            assert_eq!(r.files, ["drafts/articles/one.md"], "{wrong}");
            assert!(t.read("drafts/articles/one.md").unwrap().contains(&text));
            // The whole draft was read: the memo is right again.
            assert!(clause_files_memo(&t).contains("\none.2\tarticles/one.md\n"));
        }
        // A refused amendment leaves the memo as it was.
        let before = clause_files_memo(&t);
        assert!(record(&t.store, &by_eu(replace("Parties [shall act."))).is_err());
        assert_eq!(clause_files_memo(&t), before);
        // A memo for another tree (the text changed by hand, say) is not believed.
        let head = t.store.head().unwrap();
        t.amend(
            &Amendment::new(AmendmentKind::Replace, ["CHAIR"], ["two.1"]),
            &[FileChange::write(
                "drafts/articles/two.md",
                "### Article 2. Means {#two}\n\n1. Parties fund it. {#two.1}\n\n2. Also this. {#one.2}\n",
            )],
        );
        assert_ne!(t.store.head().unwrap(), head);
        let r = record(&t.store, &by_eu(replace("Parties cooperate again."))).unwrap();
        // Read whole, the first of the repeated ids is amended, as before there was a memo.
        assert_eq!(r.files, ["drafts/articles/one.md"]);
    }

    #[test]
    fn the_delegations_kept_aside_follow_the_positions_folder() {
        let t = repo();
        let first = t.store.head().unwrap();
        let at_first = delegations_at(&t.store, first).unwrap();
        assert_eq!(Vec::from_iter(at_first.clone()), ["CHAIR", "EU"]);
        let memo = t.path().join(".git/treaty/delegations");
        // Asking writes nothing; a recorded amendment keeps the answer, naming the
        // folder it read.
        assert!(!memo.exists());
        remember_delegations(&t.store, first, first, &at_first).unwrap();
        let folder = t.store.folder_id_at(first, POSITIONS_DIR).unwrap().unwrap();
        assert_eq!(
            std::fs::read_to_string(&memo).unwrap(),
            format!("{folder}\nCHAIR\nEU\n")
        );
        assert_eq!(delegations_at(&t.store, first).unwrap(), at_first);
        // A new position file is a new folder: read afresh, never the old answer.
        t.amend(
            &Amendment::new(AmendmentKind::Insert, ["CHAIR"], [""; 0]),
            &[FileChange::write(
                "positions/au.ron",
                "(version: 1, code: \"AU\", name: \"African Union\", kind: Group)\n",
            )],
        );
        let second = t.store.head().unwrap();
        assert_eq!(
            Vec::from_iter(delegations_at(&t.store, second).unwrap()),
            ["AU", "CHAIR", "EU"]
        );
        // A memo that does not name the folder asked about is not believed.
        std::fs::write(&memo, format!("{folder}\nCHAIR\nEU\nFORGED\n")).unwrap();
        assert!(!delegations_at(&t.store, second).unwrap().contains("FORGED"));
        // Nor is a damaged one.
        std::fs::write(&memo, "not a memo").unwrap();
        assert_eq!(delegations_at(&t.store, first).unwrap(), at_first);
        // A recorded amendment that leaves positions/ alone keeps what it knew.
        record(
            &t.store,
            &NewAmendment::new(replace("Parties cooperate closely."), ["AU"]),
        )
        .unwrap();
        let second_folder = t
            .store
            .folder_id_at(second, POSITIONS_DIR)
            .unwrap()
            .unwrap();
        assert_eq!(
            std::fs::read_to_string(&memo).unwrap(),
            format!("{second_folder}\nAU\nCHAIR\nEU\n")
        );
    }

    #[test]
    fn reads_the_commit_not_the_work_tree_and_keeps_local_edits() {
        let t = repo();
        t.write("drafts/articles/one.md", "my own notes\n");
        t.write("notes.txt", "unrelated\n");
        let r = record(
            &t.store,
            &NewAmendment::new(replace("Parties shall cooperate."), ["EU"]),
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
        let unknown = record(&t.store, &NewAmendment::new(replace("x"), ["EUU"])).unwrap_err();
        assert!(
            unknown.to_string().contains("did you mean `EU`"),
            "{unknown}"
        );
        let same = record(
            &t.store,
            &NewAmendment::new(replace("Parties cooperate."), ["EU"]),
        )
        .unwrap_err();
        assert!(matches!(same, RecordError::NoChange));
        let none = record(&t.store, &NewAmendment::new(replace("x"), [""; 0])).unwrap_err();
        assert!(matches!(none, RecordError::NoProposer));
        assert_eq!(t.store.head().unwrap(), head);
    }

    #[test]
    fn a_stale_store_is_refused_and_retry_lands_on_top() {
        let t = repo();
        let other = t.open_store(crate::testing::EPOCH + 10_000);
        let head = t.store.head().unwrap();
        let Prepared {
            amendment: a,
            changes,
        } = prepare(
            &t.store,
            &NewAmendment::new(replace("Parties shall cooperate."), ["EU"]),
            head,
        )
        .unwrap();
        record(
            &other,
            &NewAmendment::new(
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
            &NewAmendment::new(replace("Parties shall cooperate."), ["EU"]),
            3,
        )
        .unwrap();
        let text = t.git(&["show", &format!("{}:drafts/articles/one.md", r.oid)]);
        assert!(
            text.contains("1. Parties shall act.") && text.contains("Parties shall cooperate.")
        );
    }

    fn choose_first(by: &str) -> NewAmendment {
        NewAmendment::new(
            amend::Change::ChooseOption {
                clause: "one.1".into(),
                point: 0,
                option: 0,
            },
            [by],
        )
    }

    #[test]
    fn an_amendment_made_against_an_older_text_of_its_clause_is_refused_with_three_versions() {
        let t = repo();
        let base = t.store.head().unwrap();
        // Another delegate settles the brackets of one.1 first.
        let theirs = record(&t.store, &choose_first("EU")).unwrap();
        let mine = NewAmendment::new(
            amend::Change::Replace {
                clause: "one.1".into(),
                text: "Parties [shall][should][may] act.".into(),
            },
            ["CHAIR"],
        )
        .with_base(Base::at(base));
        let err = record(&t.store, &mine).unwrap_err();
        let RecordError::Conflict(c) = &err else {
            panic!("{err:?}")
        };
        assert_eq!(c.clause, "one.1");
        assert_eq!(c.base.as_deref(), Some("Parties [shall][should] act."));
        assert_eq!(c.theirs.as_deref(), Some("Parties shall act."));
        assert_eq!(
            c.yours.as_deref(),
            Some("Parties [shall][should][may] act.")
        );
        assert_eq!(c.theirs_by, ["EU"]);
        assert_eq!(c.head, theirs.oid);
        assert!(
            err.to_string()
                .contains("one.1 was amended since you started (by EU)"),
            "{err}"
        );
        assert!(
            !err.is_retryable(),
            "running it again would undo EU's amendment"
        );
        // Nothing was written: the other amendment stands.
        assert_eq!(t.store.head().unwrap(), theirs.oid);
        assert!(
            t.read("drafts/articles/one.md")
                .unwrap()
                .contains("1. Parties shall act.")
        );
        // Made against the new text, it lands.
        let again = record(&t.store, &mine.clone().with_base(Base::at(theirs.oid))).unwrap();
        assert_eq!(again.parent, theirs.oid);
    }

    #[test]
    fn other_clauses_may_change_since_the_base() {
        let t = repo();
        let base = t.store.head().unwrap();
        record(&t.store, &choose_first("EU")).unwrap();
        let r = record(
            &t.store,
            &NewAmendment::new(replace("Parties shall cooperate."), ["CHAIR"])
                .with_base(Base::at(base)),
        )
        .unwrap();
        let text = t.git(&["show", &format!("{}:drafts/articles/one.md", r.oid)]);
        assert!(
            text.contains("1. Parties shall act.") && text.contains("Parties shall cooperate.")
        );
    }

    #[test]
    fn the_text_as_shown_is_the_base_and_a_choice_is_checked_against_it() {
        let t = repo();
        let head = t.store.head().unwrap();
        // Shown as it reads: recorded.
        let shown = Base::shown(head, "Parties [shall][should] act.");
        let r = record(&t.store, &choose_first("EU").with_base(shown.clone())).unwrap();
        // Shown before that choice: refused, with what the choice would have made of it.
        let err = record(
            &t.store,
            &NewAmendment::new(
                amend::Change::ChooseOption {
                    clause: "one.1".into(),
                    point: 0,
                    option: 1,
                },
                ["CHAIR"],
            )
            .with_base(shown),
        )
        .unwrap_err();
        let RecordError::Conflict(c) = err else {
            panic!("{err:?}")
        };
        assert_eq!(c.theirs.as_deref(), Some("Parties shall act."));
        assert_eq!(c.yours.as_deref(), Some("Parties should act."));
        assert_eq!(t.store.head().unwrap(), r.oid);
    }

    #[test]
    fn a_change_committed_another_way_is_checked_against_its_base_too() {
        let t = repo();
        let base = t.store.head().unwrap();
        let mine = replace("Parties shall cooperate.");
        check_base_at(&t.store, &Base::at(base), &mine, base).unwrap();
        let theirs = record(&t.store, &choose_first("EU")).unwrap();
        let choose = amend::Change::ChooseOption {
            clause: "one.1".into(),
            point: 0,
            option: 1,
        };
        let err = check_base_at(&t.store, &Base::at(base), &choose, theirs.oid).unwrap_err();
        let RecordError::Conflict(c) = err else {
            panic!("{err:?}")
        };
        assert_eq!(
            (c.theirs.as_deref(), c.yours.as_deref(), c.head),
            (
                Some("Parties shall act."),
                Some("Parties should act."),
                theirs.oid
            )
        );
        // Another clause changed since: the change still stands.
        check_base_at(&t.store, &Base::at(base), &mine, theirs.oid).unwrap();
    }

    #[test]
    fn a_base_that_is_no_commit_of_the_history_is_refused() {
        let t = repo();
        let head = t.store.head().unwrap();
        let err = resolve_base(&t.store, "no-such-commit").unwrap_err();
        assert!(matches!(err, RecordError::UnknownBase { .. }), "{err:?}");
        assert!(
            err.to_string()
                .contains("there is no commit `no-such-commit`"),
            "{err}"
        );
        assert!(matches!(
            resolve_base(&t.store, "--all").unwrap_err(),
            RecordError::UnknownBase { .. }
        ));
        let stray = t.git(&["commit-tree", "HEAD^{tree}", "-m", "stray"]);
        let stray = stray.trim();
        let err = resolve_base(&t.store, stray).unwrap_err();
        assert!(
            matches!(err, RecordError::BaseNotInHistory { .. }),
            "{err:?}"
        );
        let stray = Oid::from_str(stray).unwrap();
        let err = record(
            &t.store,
            &NewAmendment::new(replace("x y"), ["EU"]).with_base(Base::at(stray)),
        )
        .unwrap_err();
        assert!(
            matches!(err, RecordError::BaseNotInHistory { .. }),
            "{err:?}"
        );
        assert_eq!(resolve_base(&t.store, "HEAD").unwrap(), head);
        assert_eq!(t.store.head().unwrap(), head);
    }
}
