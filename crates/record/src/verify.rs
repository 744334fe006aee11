//! Who may change what: every commit of a range checked against the roster
//! ([`treaty_text::roster`]).
//!
//! The rules, for each commit (its changes are taken against its first parent):
//!
//! - **Position files** (`positions/*.ron` except the roster): the commit's author must be a
//!   member of the delegation the file belongs to. The delegation is read from the file's
//!   `code` field both before and after the commit (so a file cannot be taken over by
//!   renaming its code), falling back to the file name in capitals when the file does not
//!   parse.
//! - **The official draft** (`drafts/`) and **the roster** (`positions/roster.ron`):
//!   amendments are proposed by delegations but *landed* by the chair and secretariat, so
//!   the commit's committer must be a chair member, or the commit must have been brought in
//!   by a merge commit (in the range) that a chair member committed.
//! - **`Proposed-by` trailers** may name only delegations of which the author is a member,
//!   or which co-signed with a `Co-signed-by: CODE <email>` trailer whose address is a
//!   member of CODE. A delegation that requires signatures cannot co-sign by trailer (a
//!   trailer is only a claim): one of its members must author and sign the commit.
//! - **Signatures**: where the roster sets `require_signature` for the delegation (or the
//!   chair) a rule relies on, the commit must carry an SSH signature (`gpg.format = ssh`)
//!   made with a key the roster lists for that very person, checked with
//!   `ssh-keygen -Y verify` against an allowed-signers file generated from the roster.
//! - **Proposals** (`treaty propose`): the chair lands a delegation's proposal with an
//!   amendment that cites it (`Lands: pr-…`), and may then name in `Proposed-by` exactly the
//!   delegations that made that proposal. `Lands:` and `Declines:` are the chair's alone.
//!   In an exercise with a schedule (`exercise/exercise.ron` at the parent), a team's
//!   proposal must name a scheduled round and be made while it is open: pushed then (the
//!   server's hook, [`Verifier::check_push`], uses its own clock) or committed then (a
//!   clone's `treaty verify`). The chair and instructors are not limited.
//!
//! The roster in force for a commit is the one in its first parent's tree: a commit cannot
//! grant itself rights, and only the chair can change the roster. Commits whose parent has
//! no roster predate the roster and are not checked; so do the `since` commit of the
//! roster at the tip of the range and its ancestors, when the whole history is checked
//! (a clone's `treaty verify`, or the first push to an empty server: see
//! [`trusted_history`]). An exercise's files (`exercise/`) are landed by the chair, like
//! the draft. Other files outside `drafts/` and `positions/` are not restricted.
//!
//! Everything is read from the object database, so this works on bare repositories.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use git2::{Commit, ObjectType, Oid, Repository, Sort, Tree};

use treaty_text::amendment::{
    Amendment, AmendmentStatus, TRAILER_CO_SIGNED_BY, TRAILER_DECLINES, TRAILER_KEYS,
    TRAILER_LANDS, TRAILER_PROPOSED_BY, TRAILER_TEAM,
};
use treaty_text::exercise::{EXERCISE_FILE, Exercise};
use treaty_text::proposal;
use treaty_text::roster::{ROSTER_FILE, Roster, same_email};
use treaty_text::trailer;

/// One commit that broke a rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    pub commit: Oid,
    /// Abbreviated commit id as git would print it.
    pub short: String,
    pub subject: String,
    pub reason: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.short, self.subject, self.reason)
    }
}

/// The outcome of checking a range.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Commits checked against a roster.
    pub checked: usize,
    /// Commits that predate the roster.
    pub exempt: usize,
    pub violations: Vec<Violation>,
}

/// Why a range could not be checked at all.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("{} is not a git repository: {source}", path.display())]
    NotARepository {
        path: std::path::PathBuf,
        #[source]
        source: git2::Error,
    },
    #[error("no git repository here or above: run inside the negotiation record or pass --repo")]
    NoRepository,
    #[error(
        "cannot read the range \"{range}\": {reason}; give commits as `OLD..NEW`, a branch or a commit id"
    )]
    BadRange { range: String, reason: String },
    #[error("git failed: {0}")]
    Git(#[from] git2::Error),
}

/// A repository opened to be checked: a clone, or the bare repository people push to.
pub struct Verifier {
    repo: Repository,
}

impl Verifier {
    /// Opens the repository at `path` (bare or not), or the one around the current folder.
    /// Inside a `pre-receive` hook the pushed objects are still in git's quarantine
    /// folder, which git names in the environment; they are added as alternates so they
    /// can be read.
    pub fn open(path: Option<&Path>) -> Result<Verifier, VerifyError> {
        let repo = match path {
            Some(path) => Repository::open(path).map_err(|source| VerifyError::NotARepository {
                path: path.to_path_buf(),
                source,
            })?,
            None => Repository::discover(".").map_err(|_| VerifyError::NoRepository)?,
        };
        let odb = repo.odb()?;
        if let Some(dir) = std::env::var_os("GIT_OBJECT_DIRECTORY") {
            let dir = absolute(repo.path(), Path::new(&dir));
            odb.add_disk_alternate(&dir.to_string_lossy())?;
        }
        if let Some(dirs) = std::env::var_os("GIT_ALTERNATE_OBJECT_DIRECTORIES") {
            for dir in std::env::split_paths(&dirs) {
                let dir = absolute(repo.path(), &dir);
                odb.add_disk_alternate(&dir.to_string_lossy())?;
            }
        }
        drop(odb);
        Ok(Verifier { repo })
    }

    /// The repository's git folder (where hooks live).
    pub fn git_dir(&self) -> &Path {
        self.repo.path()
    }

    /// Checks the commits of `spec` (`OLD..NEW`, a revision, or all of HEAD's history);
    /// with `new_only`, leaves out commits any existing branch or tag already reaches.
    pub fn verify(&self, spec: Option<&str>, new_only: bool) -> Result<Report, VerifyError> {
        let mut range = Range::parse(&self.repo, spec)?;
        if new_only {
            range = range.excluding_existing_refs(&self.repo)?;
        }
        verify(&self.repo, &range)
    }

    /// The exercise file at `commit`, if it has one that reads.
    fn exercise_at(&self, commit: Oid) -> Option<Exercise> {
        let tree = self.repo.find_commit(commit).ok()?.tree().ok()?;
        let blob = self.repo.find_blob(blob_id(&tree, EXERCISE_FILE)?).ok()?;
        Exercise::from_bytes(blob.content()).ok()
    }

    fn verify_pushed(
        &self,
        spec: &str,
        new_only: bool,
        context: &Context,
    ) -> Result<Report, VerifyError> {
        let mut range = Range::parse(&self.repo, Some(spec))?;
        if new_only {
            range = range.excluding_existing_refs(&self.repo)?;
        }
        verify_with(&self.repo, &range, context)
    }
}

fn absolute(base: &Path, p: &Path) -> std::path::PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(p))
            .unwrap_or_else(|_| base.join(p))
    }
}

/// Which commits to check.
#[derive(Clone, Debug, Default)]
pub struct Range {
    /// Commits reachable from these…
    pub include: Vec<Oid>,
    /// …but not from these.
    pub exclude: Vec<Oid>,
}

impl Range {
    /// Reads `A..B`, or a single revision (all of its history); `None` means `HEAD`.
    pub fn parse(repo: &Repository, spec: Option<&str>) -> Result<Range, VerifyError> {
        let spec = spec.unwrap_or("HEAD");
        let bad = |e: git2::Error| VerifyError::BadRange {
            range: spec.to_string(),
            reason: e.message().to_string(),
        };
        let resolve = |rev: &str| -> Result<Oid, VerifyError> {
            Ok(repo
                .revparse_single(rev)
                .and_then(|o| o.peel_to_commit())
                .map_err(bad)?
                .id())
        };
        match spec.split_once("..") {
            Some((from, to)) => {
                let to = if to.is_empty() { "HEAD" } else { to };
                let mut range = Range {
                    include: vec![resolve(to)?],
                    exclude: Vec::new(),
                };
                // An all-zero old id is what a hook sees for a new branch.
                if !from.is_empty() && from.bytes().any(|b| b != b'0') {
                    range.exclude.push(resolve(from)?);
                }
                Ok(range)
            }
            None => Ok(Range {
                include: vec![resolve(spec)?],
                exclude: Vec::new(),
            }),
        }
    }

    /// Also leaves out every commit reachable from an existing branch or tag: what a
    /// server hook checks for a newly pushed branch.
    pub fn excluding_existing_refs(mut self, repo: &Repository) -> Result<Range, VerifyError> {
        for r in repo.references()? {
            let r = r?;
            let name = r.name().unwrap_or_default();
            if !(name.starts_with("refs/heads/") || name.starts_with("refs/tags/")) {
                continue;
            }
            if let Ok(c) = r.peel_to_commit() {
                self.exclude.push(c.id());
            }
        }
        Ok(self)
    }
}

/// Checks every commit of `range` in `repo`.
pub fn verify(repo: &Repository, range: &Range) -> Result<Report, VerifyError> {
    verify_with(repo, range, &Context::default())
}

/// What the server knows that a clone's `treaty verify` does not.
#[derive(Clone, Debug, Default)]
pub struct Context {
    /// The server's clock (seconds since the epoch): proposals are timed by it rather than
    /// by the times their commits claim.
    pub now: Option<i64>,
    /// The e-mail address the server authenticated the pusher as (`TREATY_PUSHER`, set per
    /// SSH key in `authorized_keys`): every new commit must be theirs.
    pub pusher: Option<String>,
    /// The exercise's schedule as the server holds it (at the branch's tip before the
    /// push): proposals are timed by it, not by the schedule an older parent carried.
    pub schedule: Option<Exercise>,
}

/// [`verify`], with what the server knows.
pub fn verify_with(
    repo: &Repository,
    range: &Range,
    context: &Context,
) -> Result<Report, VerifyError> {
    let mut walk = repo.revwalk()?;
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;
    for oid in &range.include {
        walk.push(*oid)?;
    }
    for oid in &range.exclude {
        walk.hide(*oid)?;
    }
    let commits: Vec<Oid> = walk.collect::<Result<_, _>>()?;
    let trusted = if range.exclude.is_empty() {
        trusted_history(repo, &range.include)?
    } else {
        HashSet::new()
    };
    let mut checker = Checker::new(repo, trusted, context.clone());
    checker.find_chair_merges(&commits)?;
    let mut report = Report::default();
    for oid in commits {
        let commit = repo.find_commit(oid)?;
        match checker.check(&commit)? {
            None => report.exempt += 1,
            Some(reasons) => {
                report.checked += 1;
                let short = commit
                    .as_object()
                    .short_id()
                    .ok()
                    .and_then(|b| b.as_str().ok().map(str::to_string))
                    .unwrap_or_else(|| oid.to_string()[..7].to_string());
                let subject = String::from_utf8_lossy(commit.summary_bytes().unwrap_or_default())
                    .into_owned();
                for reason in reasons {
                    report.violations.push(Violation {
                        commit: oid,
                        short: short.clone(),
                        subject: subject.clone(),
                        reason,
                    });
                }
            }
        }
    }
    Ok(report)
}

/// Where a commit of the record stands with the roster, as log, history, blame and the
/// workbench mark it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Provenance {
    /// It keeps every rule, and it is signed with a key the roster lists for its author.
    Signed,
    /// It keeps every rule: its author is in the roster; it is not signed (or not with a
    /// key the roster lists).
    Roster,
    /// It breaks a rule of the roster: a forged or misattributed change.
    Unverified,
    /// Made before the roster (or where there is none): nothing to check it against.
    NoRoster,
}

impl Provenance {
    /// How a listing marks it.
    pub fn mark(self) -> &'static str {
        match self {
            Provenance::Signed => "signed and verified",
            Provenance::Roster => "author in the roster (not signed)",
            Provenance::Unverified => "NOT VERIFIED: breaks the roster (see `treaty verify`)",
            Provenance::NoRoster => "before the roster (not checked)",
        }
    }

    fn letter(self) -> char {
        match self {
            Provenance::Signed => 'S',
            Provenance::Roster => 'R',
            Provenance::Unverified => 'U',
            Provenance::NoRoster => 'N',
        }
    }

    fn from_letter(c: char) -> Option<Provenance> {
        Some(match c {
            'S' => Provenance::Signed,
            'R' => Provenance::Roster,
            'U' => Provenance::Unverified,
            'N' => Provenance::NoRoster,
            _ => return None,
        })
    }
}

/// Where the verdicts are kept between runs: a commit's verdict never changes (it depends
/// only on the commit and the roster at its parent), so each is worked out once.
const PROVENANCE_CACHE: &str = "treaty/provenance-v1";

impl Verifier {
    /// The provenance of each of `commits` (all on the branch at HEAD), worked out as
    /// `treaty verify` of the whole history would, and kept in `.git/treaty/` for the
    /// next run.
    pub fn provenance(&self, commits: &[Oid]) -> Result<HashMap<Oid, Provenance>, VerifyError> {
        let cache_path = self.repo.path().join(PROVENANCE_CACHE);
        let mut cache: HashMap<Oid, Provenance> = std::fs::read_to_string(&cache_path)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| {
                let (oid, letter) = l.split_once(' ')?;
                Some((
                    Oid::from_str(oid).ok()?,
                    Provenance::from_letter(letter.chars().next()?)?,
                ))
            })
            .collect();
        let head: Vec<Oid> = self
            .repo
            .head()
            .ok()
            .and_then(|h| h.target())
            .into_iter()
            .collect();
        let trusted = trusted_history(&self.repo, &head)?;
        let mut checker = Checker::new(&self.repo, HashSet::new(), Context::default());
        checker.find_chair_merges(commits)?;
        let mut fresh = false;
        let mut out = HashMap::new();
        for &oid in commits {
            if trusted.contains(&oid) {
                out.insert(oid, Provenance::NoRoster);
                continue;
            }
            if let Some(p) = cache.get(&oid) {
                out.insert(oid, *p);
                continue;
            }
            let commit = self.repo.find_commit(oid)?;
            let verdict = match checker.check(&commit)? {
                None => Provenance::NoRoster,
                Some(reasons) if !reasons.is_empty() => Provenance::Unverified,
                Some(_) => {
                    let parent = checker.parent_tree(&commit)?;
                    match checker.roster_at(parent.as_ref())? {
                        RosterState::Read(roster) => {
                            let author = commit.author();
                            let email = author.email().unwrap_or_default().to_string();
                            let members: Vec<treaty_text::roster::Member> = roster
                                .delegations
                                .iter()
                                .flat_map(|d| d.members.iter())
                                .chain(roster.chair.members.iter())
                                .filter(|m| same_email(&m.email, &email))
                                .cloned()
                                .collect();
                            if checker.signature(&commit, &email, &members).is_ok() {
                                Provenance::Signed
                            } else {
                                Provenance::Roster
                            }
                        }
                        _ => Provenance::Roster,
                    }
                }
            };
            cache.insert(oid, verdict);
            out.insert(oid, verdict);
            fresh = true;
        }
        if fresh {
            let mut text = String::new();
            for (oid, p) in &cache {
                text.push_str(&format!("{oid} {}\n", p.letter()));
            }
            // A cache that cannot be written (a read-only record) is simply not kept.
            let _ = treaty_text::fsutil::write_atomic(&cache_path, text.as_bytes());
        }
        Ok(out)
    }
}

/// One reference a push updates, as a `pre-receive` hook reads it: `None` for the
/// all-zero id (the reference is created, or deleted).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefUpdate {
    pub old: Option<Oid>,
    pub new: Option<Oid>,
    pub name: String,
}

impl RefUpdate {
    /// The lines git gives a `pre-receive` hook: `<old> <new> <ref>`.
    pub fn parse_all(input: &str) -> Result<Vec<RefUpdate>, VerifyError> {
        let id = |s: &str| -> Result<Option<Oid>, VerifyError> {
            let oid = Oid::from_str(s).map_err(|e| VerifyError::BadRange {
                range: s.to_string(),
                reason: e.message().to_string(),
            })?;
            Ok((!oid.is_zero()).then_some(oid))
        };
        input
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|line| {
                let mut parts = line.split_whitespace();
                let (Some(old), Some(new), Some(name)) = (parts.next(), parts.next(), parts.next())
                else {
                    return Err(VerifyError::BadRange {
                        range: line.to_string(),
                        reason: "a hook line is `<old> <new> <ref>`".into(),
                    });
                };
                Ok(RefUpdate {
                    old: id(old)?,
                    new: id(new)?,
                    name: name.to_string(),
                })
            })
            .collect()
    }
}

/// What a push would do that the shared record does not allow, per reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    pub reference: String,
    pub reasons: Vec<String>,
}

impl Verifier {
    /// Checks a push as the server's hook: branches only move forward and every new
    /// commit keeps the roster's rules; round tags are never deleted or moved, and only a
    /// chair or secretariat member creates one (an annotated tag they signed as tagger).
    pub fn check_push(&self, updates: &[RefUpdate]) -> Result<Vec<Refusal>, VerifyError> {
        let context = Context {
            now: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .ok()
                .map(|d| d.as_secs() as i64),
            pusher: std::env::var("TREATY_PUSHER")
                .ok()
                .map(|p| p.trim().to_string())
                .filter(|p| !p.is_empty()),
            schedule: None,
        };
        let mut refusals = Vec::new();
        for u in updates {
            let mut reasons = Vec::new();
            if let Some(round) = u.name.strip_prefix("refs/tags/round/") {
                match (u.old, u.new) {
                    (Some(_), None) => reasons.push(format!(
                        "deletes the round tag round/{round}: rounds are part of the record and stay"
                    )),
                    (Some(old), Some(new)) if old != new => reasons.push(format!(
                        "moves the round tag round/{round}: a round starts where it started; start a new round instead"
                    )),
                    (None, Some(new)) => reasons.extend(self.check_round_tag(round, new)?),
                    _ => {}
                }
            } else if u.name.starts_with("refs/heads/") {
                match (u.old, u.new) {
                    (Some(_), None) => reasons.push(
                        "deletes a branch of the record: its amendments would be lost".to_string(),
                    ),
                    (Some(old), Some(new))
                        if old != new && !self.repo.graph_descendant_of(new, old)? =>
                    {
                        reasons.push(format!(
                            "rewrites history: {} is not a descendant of {}, so amendments already in the record would be lost; sync (fetch and replay your own amendments on top) and push again",
                            &new.to_string()[..10],
                            &old.to_string()[..10]
                        ));
                    }
                    _ => {}
                }
                if reasons.is_empty()
                    && let Some(new) = u.new
                {
                    let spec = match u.old {
                        Some(old) => format!("{old}..{new}"),
                        None => new.to_string(),
                    };
                    let mut context = context.clone();
                    context.schedule = u.old.and_then(|old| self.exercise_at(old));
                    let report = self.verify_pushed(&spec, u.old.is_none(), &context)?;
                    reasons.extend(report.violations.iter().map(ToString::to_string));
                }
            }
            if !reasons.is_empty() {
                refusals.push(Refusal {
                    reference: u.name.clone(),
                    reasons,
                });
            }
        }
        Ok(refusals)
    }

    /// A new round tag: annotated, on a commit, by a chair member of the roster there.
    fn check_round_tag(&self, round: &str, target: Oid) -> Result<Vec<String>, VerifyError> {
        let Ok(tag) = self.repo.find_tag(target) else {
            return Ok(vec![format!(
                "creates round/{round} as a lightweight tag: start rounds with `treaty round start`, which records who started them"
            )]);
        };
        let Some(tagger) = tag.tagger() else {
            return Ok(vec![format!("creates round/{round} with no tagger")]);
        };
        let email = tagger.email().unwrap_or_default().to_string();
        let commit = tag.target()?.peel_to_commit()?;
        let mut checker = Checker::new(&self.repo, HashSet::new(), Context::default());
        let tree = commit.tree()?;
        Ok(match checker.roster_at(Some(&tree))? {
            RosterState::Read(roster) if roster.chair_member(&email).is_none() => vec![format!(
                "creates round/{round}, but its tagger {email} is not a chair or secretariat member in the roster: only the chair starts rounds"
            )],
            RosterState::Broken(why) => vec![format!(
                "creates round/{round}, but the roster there is unreadable: {why}"
            )],
            _ => Vec::new(),
        })
    }
}

/// The commits that the roster at a tip of the range says predate it: its `since`
/// commit (an ancestor of the tip) and everything before. A record forked from another
/// (`treaty exercise init`) starts this way, its inherited history made under rules it
/// no longer has.
///
/// Honoured only when the whole history is checked: where some of it was accepted
/// before (a push onto a server's existing branches), a roster pushed with the new
/// commits cannot vouch for them.
fn trusted_history(repo: &Repository, tips: &[Oid]) -> Result<HashSet<Oid>, git2::Error> {
    let mut trusted = HashSet::new();
    for &tip in tips {
        let tree = repo.find_commit(tip)?.tree()?;
        let Some(blob) = blob_id(&tree, ROSTER_FILE) else {
            continue;
        };
        let Ok(roster) =
            Roster::from_bytes(repo.find_blob(blob)?.content(), Path::new(ROSTER_FILE))
        else {
            continue;
        };
        let Some(since) = roster
            .since
            .as_deref()
            .and_then(|s| repo.revparse_single(s).ok())
            .and_then(|o| o.peel_to_commit().ok())
            .map(|c| c.id())
        else {
            continue;
        };
        if since != tip && !repo.graph_descendant_of(tip, since)? {
            continue;
        }
        let mut walk = repo.revwalk()?;
        walk.push(since)?;
        for c in walk {
            trusted.insert(c?);
        }
    }
    Ok(trusted)
}

/// The roster in force at a tree: absent, unreadable (with the reason) or read.
#[derive(Clone)]
enum RosterState {
    Absent,
    Broken(String),
    Read(Box<Roster>),
}

struct Checker<'r> {
    repo: &'r Repository,
    /// Keyed by the roster blob's id.
    rosters: HashMap<Oid, RosterState>,
    /// (commit, identity, key set) → verdict.
    signatures: HashMap<(Oid, String, Vec<String>), Result<(), String>>,
    /// Commits brought onto the line by a merge a chair member committed.
    landed_by_chair: HashSet<Oid>,
    /// Commits the roster at the tip says predate it ([`trusted_history`]).
    trusted: HashSet<Oid>,
    /// Proposal id → the delegations that made it, found in the history.
    proposals: HashMap<String, Vec<String>>,
    /// The commits [`Checker::proposers_of`] has read.
    proposals_read: HashSet<Oid>,
    context: Context,
}

impl<'r> Checker<'r> {
    fn new(repo: &'r Repository, trusted: HashSet<Oid>, context: Context) -> Checker<'r> {
        Checker {
            repo,
            rosters: HashMap::new(),
            signatures: HashMap::new(),
            landed_by_chair: HashSet::new(),
            trusted,
            proposals: HashMap::new(),
            proposals_read: HashSet::new(),
            context,
        }
    }

    fn roster_at(&mut self, tree: Option<&Tree<'_>>) -> Result<RosterState, git2::Error> {
        let Some(blob_id) = tree.and_then(|t| blob_id(t, ROSTER_FILE)) else {
            return Ok(RosterState::Absent);
        };
        if let Some(state) = self.rosters.get(&blob_id) {
            return Ok(state.clone());
        }
        let blob = self.repo.find_blob(blob_id)?;
        let state = match Roster::from_bytes(blob.content(), Path::new(ROSTER_FILE)) {
            Ok(r) => RosterState::Read(Box::new(r)),
            Err(e) => RosterState::Broken(e.into_diagnostic().to_string()),
        };
        self.rosters.insert(blob_id, state.clone());
        Ok(state)
    }

    fn parent_tree(&self, commit: &Commit<'_>) -> Result<Option<Tree<'r>>, git2::Error> {
        match commit.parent_ids().next() {
            Some(p) => Ok(Some(self.repo.find_commit(p)?.tree()?)),
            None => Ok(None),
        }
    }

    /// Marks the commits that chair merges brought in through their second and later
    /// parents.
    fn find_chair_merges(&mut self, commits: &[Oid]) -> Result<(), git2::Error> {
        for &oid in commits {
            let commit = self.repo.find_commit(oid)?;
            if commit.parent_count() < 2 {
                continue;
            }
            let parent_tree = self.parent_tree(&commit)?;
            let RosterState::Read(roster) = self.roster_at(parent_tree.as_ref())? else {
                continue;
            };
            let committer = commit.committer();
            let Ok(email) = committer.email() else {
                continue;
            };
            if roster.chair_member(email).is_none()
                || (roster.chair.require_signature
                    && self
                        .signature(&commit, email, &roster.chair.members)
                        .is_err())
            {
                continue;
            }
            let mut walk = self.repo.revwalk()?;
            for p in commit.parent_ids().skip(1) {
                walk.push(p)?;
            }
            walk.hide(commit.parent_id(0)?)?;
            for c in walk {
                self.landed_by_chair.insert(c?);
            }
        }
        Ok(())
    }

    /// `None` when the commit predates the roster; otherwise every reason it breaks a rule.
    fn check(&mut self, commit: &Commit<'_>) -> Result<Option<Vec<String>>, git2::Error> {
        if self.trusted.contains(&commit.id()) {
            return Ok(None);
        }
        let parent_tree = self.parent_tree(commit)?;
        let roster = match self.roster_at(parent_tree.as_ref())? {
            RosterState::Absent => return Ok(None),
            RosterState::Broken(why) => {
                return Ok(Some(vec![format!(
                    "the roster in force is unreadable, so nothing can be authorised until the chair repairs it: {why}"
                )]));
            }
            RosterState::Read(r) => r,
        };
        if let Some(since) = roster.since.as_deref().and_then(|s| self.since_oid(s))
            && (since == commit.id() || self.repo.graph_descendant_of(since, commit.id())?)
        {
            return Ok(None);
        }
        let mut reasons = Vec::new();
        let author_sig = commit.author();
        let committer_sig = commit.committer();
        let (Ok(author), Ok(committer)) = (author_sig.email(), committer_sig.email()) else {
            reasons.push("the author's or committer's e-mail address is not readable text".into());
            return Ok(Some(reasons));
        };
        let tree = commit.tree()?;
        let paths = changed_paths(self.repo, parent_tree.as_ref(), &tree)?;
        if let Some(pusher) = &self.context.pusher
            && !same_email(pusher, author)
        {
            reasons.push(format!(
                "was written by {author}, but the server knows the pusher as {pusher}: push only your own commits"
            ));
        }

        // Position files.
        let mut owners: Vec<(String, String)> = Vec::new(); // (code, path)
        for path in &paths {
            if is_position_file(path) {
                for code in self.position_codes(path, parent_tree.as_ref(), &tree, &roster) {
                    if !owners.contains(&(code.clone(), path.clone())) {
                        owners.push((code, path.clone()));
                    }
                }
            }
        }
        for (code, path) in &owners {
            if code == &roster.chair.code || roster.delegation(code).is_none() {
                reasons.push(format!(
                    "changes {path}, the position of delegation {code}, which the roster does not list: the chair must add {code} to {ROSTER_FILE} first"
                ));
                continue;
            }
            if roster.member_of(code, author).is_none() {
                reasons.push(format!(
                    "changes {path}, the position of {code}, but its author {author} is not a member of {code} in the roster"
                ));
            } else if roster.requires_signature(code) {
                let members = &roster
                    .delegation(code)
                    .map(|d| d.members.clone())
                    .unwrap_or_default();
                if let Err(why) = self.signature(commit, author, members) {
                    reasons.push(format!(
                        "changes {path}, the position of {code}, which requires signed commits: {why}"
                    ));
                }
            }
        }

        // The official draft and the roster: landed by the chair.
        let chair_files: Vec<&String> = paths
            .iter()
            .filter(|p| {
                p.starts_with("drafts/") || p.starts_with("exercise/") || p.as_str() == ROSTER_FILE
            })
            .collect();
        if !chair_files.is_empty() && !self.landed_by_chair.contains(&commit.id()) {
            let what = if chair_files.iter().all(|p| p.as_str() == ROSTER_FILE) {
                "the roster".to_string()
            } else if let Some(p) = chair_files.iter().find(|p| p.starts_with("exercise/")) {
                format!("the exercise's files ({p})")
            } else {
                format!("the official draft ({})", chair_files[0])
            };
            if roster.chair_member(committer).is_none() {
                reasons.push(format!(
                    "changes {what}, which only the chair and secretariat land, but it was committed by {committer}: submit it to the chair, who commits or merges it"
                ));
            } else if roster.chair.require_signature
                && let Err(why) = self.signature(commit, committer, &roster.chair.members)
            {
                reasons.push(format!(
                    "changes {what}, and the chair requires signed commits: {why}"
                ));
            }
        }
        if paths.iter().any(|p| p == ROSTER_FILE)
            && let RosterState::Broken(why) = self.roster_at(Some(&tree))?
        {
            reasons.push(format!("leaves the roster unreadable: {why}"));
        }

        // Proposed-by and co-signatures.
        let message = String::from_utf8_lossy(commit.message_bytes()).into_owned();
        for (line, text) in trailer::lines_like_trailers_outside_block(&message, TRAILER_KEYS) {
            reasons.push(format!(
                "line {line} of its message, `{}`, looks like an attribution but is not in the trailer block git reads: only trailers attribute an amendment",
                text.trim()
            ));
        }
        let (proposers, cosigners) = trailers(&message);
        let parsed = Amendment::parse(&message);
        let lands = parsed.as_ref().map(|a| a.lands.clone()).unwrap_or_default();
        let declines = proposal::cited(&message, TRAILER_DECLINES);
        let by_chair = roster.chair_member(committer).is_some();
        let cites = !(lands.is_empty() && declines.is_empty());
        if cites && !by_chair {
            reasons.push(format!(
                "cites a proposal it lands or declines ({TRAILER_LANDS}:/{TRAILER_DECLINES}:), but its committer {committer} is not a chair or secretariat member: only the chair lands and declines proposals"
            ));
        }
        for team in parsed.iter().filter_map(|a| a.team.as_deref()) {
            match roster.team_of(author) {
                Some(t) if t.name == team => {}
                Some(t) => reasons.push(format!(
                    "{TRAILER_TEAM}: {team}, but its author {author} plays for team {}",
                    t.name
                )),
                None => reasons.push(format!(
                    "{TRAILER_TEAM}: {team}, but its author {author} is on no team of the exercise"
                )),
            }
        }
        // The delegations whose proposals this lands: the chair may name them.
        let mut landed_for: Vec<String> = Vec::new();
        for id in &lands {
            match self.proposers_of(id, commit.parent_id(0).ok())? {
                Some(by) => landed_for.extend(by),
                None => reasons.push(format!(
                    "{TRAILER_LANDS}: {id}, but no proposal {id} was made before it in the record"
                )),
            }
        }
        reasons.extend(self.round_rule(commit, &message, &roster, author, parent_tree.as_ref())?);
        for (code, email) in &cosigners {
            if roster.member_of(code, email).is_none() {
                reasons.push(format!(
                    "{TRAILER_CO_SIGNED_BY}: {code} <{email}>, but {email} is not a member of {code} in the roster"
                ));
            }
        }
        for code in &proposers {
            let known = code == &roster.chair.code || roster.delegation(code).is_some();
            if !known {
                reasons.push(format!(
                    "{TRAILER_PROPOSED_BY} names {code}, which the roster does not list"
                ));
                continue;
            }
            let members = if code == &roster.chair.code {
                roster.chair.members.clone()
            } else {
                roster
                    .delegation(code)
                    .map(|d| d.members.clone())
                    .unwrap_or_default()
            };
            if roster.member_of(code, author).is_some() {
                if roster.requires_signature(code)
                    && let Err(why) = self.signature(commit, author, &members)
                {
                    reasons.push(format!(
                        "{TRAILER_PROPOSED_BY} names {code}, which requires signed commits: {why}"
                    ));
                }
                continue;
            }
            if by_chair && landed_for.contains(code) {
                // Landed by the chair from the proposal `code` made, which carries its
                // own author's checks.
                continue;
            }
            let cosigned = cosigners
                .iter()
                .any(|(c, e)| c == code && roster.member_of(code, e).is_some());
            if !cosigned && by_chair && !lands.is_empty() {
                reasons.push(format!(
                    "{TRAILER_PROPOSED_BY} names {code}, but the proposal it lands ({}) was not made by {code}",
                    lands.join(", ")
                ));
            } else if !cosigned {
                reasons.push(format!(
                    "{TRAILER_PROPOSED_BY} names {code}, but the author {author} is not a member of {code} and {code} did not co-sign: add `{TRAILER_CO_SIGNED_BY}: {code} <member's e-mail>`"
                ));
            } else if roster.requires_signature(code) {
                reasons.push(format!(
                    "{TRAILER_PROPOSED_BY} names {code}, which requires signed commits, so its co-signature cannot be a trailer: a member of {code} must author and sign the amendment"
                ));
            }
        }
        Ok(Some(reasons))
    }

    /// The delegations that made proposal `id`, searched on the first-parent line from
    /// `from` back. Every proposal met on the way is indexed, and no commit is read twice.
    fn proposers_of(
        &mut self,
        id: &str,
        from: Option<Oid>,
    ) -> Result<Option<Vec<String>>, git2::Error> {
        if let Some(found) = self.proposals.get(id) {
            return Ok(Some(found.clone()));
        }
        let Some(from) = from else {
            return Ok(None);
        };
        let mut walk = self.repo.revwalk()?;
        walk.simplify_first_parent()?;
        walk.push(from)?;
        for oid in walk {
            let oid = oid?;
            if !self.proposals_read.insert(oid) {
                break;
            }
            let commit = self.repo.find_commit(oid)?;
            if let Some(a) = Amendment::parse(&String::from_utf8_lossy(commit.message_bytes()))
                && a.status == AmendmentStatus::Proposed
            {
                self.proposals.entry(a.id).or_insert(a.proposers);
            }
        }
        Ok(self.proposals.get(id).cloned())
    }

    /// A team's proposal in an exercise with a schedule: made while its round is open.
    fn round_rule(
        &self,
        commit: &Commit<'_>,
        message: &str,
        roster: &Roster,
        author: &str,
        parent: Option<&Tree<'_>>,
    ) -> Result<Vec<String>, git2::Error> {
        let Some(a) = Amendment::parse(message).filter(|a| a.status == AmendmentStatus::Proposed)
        else {
            return Ok(Vec::new());
        };
        if roster.chair_member(author).is_some() || roster.is_instructor(author) {
            return Ok(Vec::new());
        }
        let at_parent = || {
            parent
                .and_then(|t| blob_id(t, EXERCISE_FILE))
                .and_then(|id| self.repo.find_blob(id).ok())
                .and_then(|b| Exercise::from_bytes(b.content()).ok())
        };
        let Some(exercise) = self
            .context
            .schedule
            .clone()
            .or_else(at_parent)
            .filter(|e| !e.rounds.is_empty())
        else {
            return Ok(Vec::new());
        };
        let scheduled = || {
            exercise
                .rounds
                .iter()
                .map(|r| r.round.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let Some(round) = a.round.as_deref() else {
            return Ok(vec![format!(
                "is a proposal that names no round, but the exercise's rounds are scheduled ({}): propose while the chair has a round open",
                scheduled()
            )]);
        };
        let Some(window) = exercise.round(round) else {
            return Ok(vec![format!(
                "is a proposal in round {round}, which the exercise's schedule does not have ({})",
                scheduled()
            )]);
        };
        let (time, how) = match self.context.now {
            Some(now) => (now, "pushed"),
            None => (commit.committer().when().seconds(), "made"),
        };
        Ok(match (window.opens_at(), window.closes_at()) {
            (Ok(_), Ok(closes)) if time >= closes => vec![format!(
                "is a proposal in round {round}, {how} after the round closed at {}: the chair takes no more proposals in round {round}",
                window.closes
            )],
            (Ok(opens), Ok(_)) if time < opens => vec![format!(
                "is a proposal in round {round}, {how} before the round opens at {}",
                window.opens
            )],
            (Ok(_), Ok(_)) => Vec::new(),
            (Err(e), _) | (_, Err(e)) => vec![format!("the schedule cannot be read: {e}")],
        })
    }

    fn since_oid(&self, since: &str) -> Option<Oid> {
        self.repo
            .revparse_single(since)
            .ok()
            .and_then(|o| o.peel_to_commit().ok())
            .map(|c| c.id())
    }

    /// The delegation codes a position file belongs to: the delegation its file name
    /// names (`positions/eu.ron` is EU's), and the code its `code` field claims before and
    /// after the commit (so a file can be taken over neither by renaming its code nor by
    /// a second file claiming a code). The author must be a member of each.
    fn position_codes(
        &self,
        path: &str,
        before: Option<&Tree<'_>>,
        after: &Tree<'_>,
        roster: &Roster,
    ) -> Vec<String> {
        let stem = Path::new(path)
            .file_stem()
            .map(|s| s.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        let mut codes: Vec<String> = roster
            .delegations
            .iter()
            .filter(|d| treaty_text::position::file_stem(&d.code) == stem)
            .map(|d| d.code.clone())
            .take(1)
            .collect();
        for tree in [before, Some(after)].into_iter().flatten() {
            let Some(id) = blob_id(tree, path) else {
                continue;
            };
            let code = self
                .repo
                .find_blob(id)
                .ok()
                .and_then(|b| code_field(b.content()))
                .unwrap_or_else(|| file_code(path));
            if !codes.contains(&code) {
                codes.push(code);
            }
        }
        if codes.is_empty() {
            codes.push(file_code(path));
        }
        codes
    }

    /// Whether `commit` carries a valid SSH signature by `identity` with one of the keys
    /// `members` list for that address.
    fn signature(
        &mut self,
        commit: &Commit<'_>,
        identity: &str,
        members: &[treaty_text::roster::Member],
    ) -> Result<(), String> {
        let keys: Vec<String> = members
            .iter()
            .filter(|m| same_email(&m.email, identity))
            .filter_map(|m| m.ssh_key.clone())
            // One key per line of the allowed-signers file, nothing more.
            .filter(|k| !k.contains(['\n', '\r']))
            .collect();
        let cache_key = (commit.id(), identity.to_string(), keys.clone());
        if let Some(v) = self.signatures.get(&cache_key) {
            return v.clone();
        }
        let verdict = check_ssh_signature(self.repo, commit.id(), identity, &keys);
        self.signatures.insert(cache_key, verdict.clone());
        verdict
    }
}

fn check_ssh_signature(
    repo: &Repository,
    commit: Oid,
    identity: &str,
    keys: &[String],
) -> Result<(), String> {
    let Ok((signature, signed)) = repo.extract_signature(&commit, None) else {
        return Err(
            "the commit is not signed (sign with `git commit -S` and `gpg.format = ssh`)".into(),
        );
    };
    let signature = signature.as_str().unwrap_or_default().to_string();
    if !signature.contains("BEGIN SSH SIGNATURE") {
        return Err("the commit is signed, but not with an SSH key".into());
    }
    if identity.is_empty()
        || identity
            .chars()
            .any(|c| c.is_whitespace() || matches!(c, ',' | '*' | '?' | '!' | '"'))
    {
        return Err(format!(
            "the address \"{identity}\" cannot name a signer: use a plain e-mail address"
        ));
    }
    if keys.is_empty() {
        return Err(format!(
            "the roster lists no ssh_key for {identity}, so the signature cannot be checked"
        ));
    }
    let dir = tempfile::tempdir().map_err(|e| format!("cannot check the signature: {e}"))?;
    let allowed = dir.path().join("allowed_signers");
    let sig_path = dir.path().join("commit.sig");
    let mut lines = String::new();
    for key in keys {
        lines.push_str(&format!("{identity} namespaces=\"git\" {}\n", key.trim()));
    }
    std::fs::write(&allowed, lines)
        .and_then(|()| std::fs::write(&sig_path, &signature))
        .map_err(|e| format!("cannot check the signature: {e}"))?;
    let child = Command::new("ssh-keygen")
        .args(["-Y", "verify", "-n", "git", "-I"])
        .arg(identity)
        .arg("-f")
        .arg(&allowed)
        .arg("-s")
        .arg(&sig_path)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => {
            return Err(format!(
                "cannot check the signature: ssh-keygen could not be run ({e}); install OpenSSH"
            ));
        }
    };
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(&signed);
    }
    match child.wait() {
        Ok(status) if status.success() => Ok(()),
        Ok(_) => Err(format!(
            "the signature does not verify against the keys the roster lists for {identity}"
        )),
        Err(e) => Err(format!("cannot check the signature: {e}")),
    }
}

fn blob_id(tree: &Tree<'_>, path: &str) -> Option<Oid> {
    let entry = tree.get_path(Path::new(path)).ok()?;
    (entry.kind() == Some(ObjectType::Blob)).then(|| entry.id())
}

fn is_position_file(path: &str) -> bool {
    path.strip_prefix("positions/")
        .is_some_and(|rest| rest.ends_with(".ron") && !rest.contains('/'))
        && path != ROSTER_FILE
}

/// `positions/eu.ron` → `EU`.
fn file_code(path: &str) -> String {
    Path::new(path)
        .file_stem()
        .map(|s| s.to_string_lossy().to_uppercase())
        .unwrap_or_default()
}

/// The `code` field of a position file, without requiring the rest to be valid.
fn code_field(bytes: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct CodeOnly {
        code: String,
    }
    let text = std::str::from_utf8(bytes).ok()?;
    ron::from_str::<CodeOnly>(text).ok().map(|c| c.code)
}

/// Paths the commit changed against `parent` (both sides of a rename).
fn changed_paths(
    repo: &Repository,
    parent: Option<&Tree<'_>>,
    tree: &Tree<'_>,
) -> Result<Vec<String>, git2::Error> {
    let diff = repo.diff_tree_to_tree(parent, Some(tree), None)?;
    let mut paths = Vec::new();
    for d in diff.deltas() {
        for p in [d.old_file().path(), d.new_file().path()]
            .into_iter()
            .flatten()
        {
            let p = p.to_string_lossy().replace('\\', "/");
            if !paths.contains(&p) {
                paths.push(p);
            }
        }
    }
    Ok(paths)
}

/// `Proposed-by` codes and `Co-signed-by` (code, e-mail) pairs of a commit message.
pub fn trailers(message: &str) -> (Vec<String>, Vec<(String, String)>) {
    let mut proposers = Vec::new();
    let mut cosigners = Vec::new();
    for t in treaty_text::trailer::trailers(message) {
        let (key, value) = (t.key, t.value.as_str());
        if key.eq_ignore_ascii_case(TRAILER_PROPOSED_BY) {
            for code in value.split(',').map(str::trim).filter(|c| !c.is_empty()) {
                if !proposers.iter().any(|p| p == code) {
                    proposers.push(code.to_string());
                }
            }
        } else if key.eq_ignore_ascii_case(TRAILER_CO_SIGNED_BY) {
            let value = value.trim();
            let (code, email) = match value.split_once('<') {
                Some((code, rest)) => (code.trim(), rest.trim_end_matches('>').trim()),
                None => (value, ""),
            };
            cosigners.push((code.to_string(), email.to_string()));
        }
    }
    (proposers, cosigners)
}
