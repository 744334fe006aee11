//! Sync between delegations: fetch, replay our own amendments on top, push.
//!
//! Fetch and push run the system `git` (every value the user gives is passed after `--`,
//! and a remote that looks like an option is refused), so the user's SSH keys, agents and
//! credential helpers work as they do for any git command. Integration happens here:
//!
//! - only the remote moved: a fast-forward, the work tree following;
//! - both moved: **our own commits are replayed on top of the remote's**, one by one, each
//!   keeping its message (and so its amendment id), author and files — never a merge
//!   commit, which would touch the other delegations' files and which a server's hook
//!   refuses. A draft clause that the remote amended meanwhile becomes stacked bracketed
//!   alternatives attributed to the delegations that proposed each wording:
//!   `[remote text - EU][our text - USA]`. Any other file changed on both sides is refused
//!   with what to do.
//! - then our commits are pushed; if the remote moved again in between, the whole round
//!   starts over, a bounded number of times; if the server refuses them, its reasons are
//!   printed and nothing is retried.
//!
//! Round tags are fetched into a private namespace and compared: a tag the remote moved
//! is reported as such (the shared history was rewritten), never silently taken or
//! overwritten. The branch moves with the work tree following, journalled like every
//! write of the store, so a killed sync leaves the old state or the new. Whatever cannot
//! be replayed clause by clause is refused before anything is written.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::process::Command;

use git2::build::TreeUpdateBuilder;
use git2::{ObjectType, Oid, Repository, Signature, Tree};

use crate::store::{Store, StoreError};
use treaty_text::amend::{Change, Workspace};
use treaty_text::amendment::Amendment;
use treaty_text::bracket;
use treaty_text::draft::{Draft, DraftFile, FRONT_FILE};
use treaty_text::fsutil::fault_point;

/// Why a sync stopped. Whenever one of these is returned, the local record and the work
/// tree are as they were (except for objects fetched from the remote).
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("git failed: {0}")]
    Git(#[from] git2::Error),
    #[error("could not run the system git ({0}): install git and make sure it is on the PATH")]
    NoGit(String),
    #[error("`git {command}` failed: {stderr}")]
    Command { command: String, stderr: String },
    #[error(
        "`{0}` is not a remote: give a remote's name (such as origin), a path or a URL; it may not start with `-`"
    )]
    BadRemote(String),
    #[error(
        "the other delegations' amendments would overwrite your uncommitted edits in {}: record them as an amendment, or save them elsewhere and restore the files (`git restore <file>`), then run `treaty sync` again; nothing was changed",
        .paths.join(", ")
    )]
    LocalEdits { paths: Vec<String> },
    #[error(
        "{path} was changed both here (by {commit}) and on the remote, and is not a draft file that can be merged clause by clause: keep a copy of your version, take the remote's (`git reset --keep {remote_ref}`), record your change again on top of it, then run `treaty sync` again; nothing was changed"
    )]
    FileConflict {
        path: String,
        commit: String,
        remote_ref: String,
    },
    #[error(
        "{path}: {what} on both sides (inserted, deleted or moved clauses differ): the text cannot be merged clause by clause; record one side's structural change after syncing the other, then run `treaty sync` again; nothing was changed"
    )]
    StructureConflict { path: String, what: String },
    #[error(
        "clause {clause} was {what}: agree which stands, then record it after syncing; nothing was changed"
    )]
    ClauseConflict { clause: String, what: String },
    #[error(
        "the round tag round/{name} differs here ({here}) and on the remote ({there}): someone moved it, so the shared record's history was rewritten; ask the chair which stands (the server should refuse moving a round tag); nothing was changed"
    )]
    RoundMoved {
        name: String,
        here: String,
        there: String,
    },
    #[error(
        "the remote refused your amendments ({refs}):\n{}\nnothing was lost: your amendments are still here; fix what the remote says, then run `treaty sync` again",
        .reasons.iter().map(|r| format!("  {r}")).collect::<Vec<_>>().join("\n")
    )]
    Refused { refs: String, reasons: Vec<String> },
    #[error(
        "the remote moved on every one of {0} attempts (other delegations are pushing right now): your amendments are safe here; run `treaty sync` again in a moment"
    )]
    KeptMoving(usize),
}

/// How the system git is run: the default is `git` with the user's own environment.
pub type GitCommand = Box<dyn Fn(&Path) -> Command>;

pub struct SyncOptions {
    /// The remote's name, path or URL (default `origin`).
    pub remote: String,
    /// Builds the `git` command for the work tree (tests pass a hermetic one).
    pub git: GitCommand,
    /// Committer of the replayed commits (default: the repository's identity).
    pub signature: Option<Signature<'static>>,
    /// How many times to fetch, replay and push when the remote keeps moving.
    pub attempts: usize,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            remote: "origin".into(),
            git: Box::new(|dir: &Path| {
                let mut cmd = Command::new("git");
                cmd.current_dir(dir);
                cmd
            }),
            signature: None,
            attempts: 8,
        }
    }
}

/// A clause amended differently on both sides, now stacked alternatives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stacked {
    pub clause: String,
    /// The remote's proposers, then the local ones.
    pub remote_by: Vec<String>,
    pub local_by: Vec<String>,
    pub text: String,
}

/// How the two sides were brought together.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Integration {
    /// The remote has no branch yet: it gets ours.
    RemoteEmpty,
    /// Both sides hold the same amendments.
    UpToDate,
    /// Only we moved: nothing to integrate, only to push.
    LocalAhead,
    /// Only the remote moved.
    FastForward {
        from: Oid,
        to: Oid,
        files: Vec<String>,
    },
    /// Both moved: our commits replayed on top of the remote's.
    Replayed {
        /// The replayed commits, oldest first (ours that the remote already held are
        /// dropped).
        commits: Vec<Oid>,
        files: Vec<String>,
        stacked: Vec<Stacked>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyncReport {
    pub integration: Integration,
    /// Whether anything was sent to the remote.
    pub pushed: bool,
    pub head: Oid,
    /// Round tags taken from the remote.
    pub rounds: Vec<String>,
    /// How many rounds of fetch, replay and push it took.
    pub attempts: usize,
}

/// Fetches from the remote, integrates, and pushes, starting over (a bounded number of
/// times) when the remote moved while we were at it.
pub fn sync(store: &Store, options: &SyncOptions) -> Result<SyncReport, SyncError> {
    let remote = options.remote.as_str();
    if remote.is_empty() || remote.starts_with('-') || remote.chars().any(|c| c.is_control()) {
        return Err(SyncError::BadRemote(remote.to_string()));
    }
    let attempts = options.attempts.max(1);
    for attempt in 1..=attempts {
        match sync_once(store, options) {
            Ok(Some(mut report)) => {
                report.attempts = attempt;
                return Ok(report);
            }
            Ok(None) => {
                // Someone pushed first: a short pause that differs per process, so that
                // clones racing each other fall out of step.
                let ms = 20 * attempt as u64 + u64::from(std::process::id() % 37);
                std::thread::sleep(std::time::Duration::from_millis(ms));
            }
            Err(e) => return Err(e),
        }
    }
    Err(SyncError::KeptMoving(attempts))
}

/// One round of fetch, integrate and push; `None` when the push found the remote moved.
fn sync_once(store: &Store, options: &SyncOptions) -> Result<Option<SyncReport>, SyncError> {
    let repo = store.repo();
    let workdir = store.workdir().to_path_buf();
    let branch = store.branch().to_string();
    let short = branch
        .strip_prefix("refs/heads/")
        .unwrap_or(&branch)
        .to_string();
    let remote = options.remote.as_str();
    // A configured remote keeps git's usual tracking ref; a path or URL gets a private one.
    let tracking = if repo.find_remote(remote).is_ok() {
        format!("refs/remotes/{remote}/{short}")
    } else {
        format!("refs/treaty/sync/{short}")
    };
    let remote_rounds = "refs/treaty/sync-rounds";

    let listed = run_git(
        options,
        &workdir,
        &["ls-remote", "--heads", "--", remote, &branch],
    )?;
    let remote_has_branch = !listed.trim().is_empty();
    let branch_spec = format!("+{branch}:{tracking}");
    let rounds_spec = format!("+refs/tags/round/*:{remote_rounds}/*");
    // Stale private refs would make a round deleted on the remote look present.
    for r in repo
        .references_glob(&format!("{remote_rounds}/*"))?
        .flatten()
    {
        if let Ok(name) = r.name() {
            let _ = repo.find_reference(name).and_then(|mut r| r.delete());
        }
    }
    let mut fetch = vec!["fetch", "--quiet", "--no-tags", "--", remote];
    if remote_has_branch {
        fetch.push(&branch_spec);
    }
    fetch.push(&rounds_spec);
    run_git(options, &workdir, &fetch)?;
    fault_point();
    let taken_rounds = take_rounds(repo, remote_rounds)?;

    let local = store.head()?;
    let integration = if !remote_has_branch {
        Integration::RemoteEmpty
    } else {
        let theirs = repo.refname_to_id(&tracking)?;
        if theirs == local {
            Integration::UpToDate
        } else {
            let base = repo.merge_base(local, theirs)?;
            if base == theirs {
                Integration::LocalAhead
            } else if base == local {
                let files = move_to(store, local, theirs, "treaty sync: fast-forward")?;
                Integration::FastForward {
                    from: local,
                    to: theirs,
                    files,
                }
            } else {
                replay(store, options, base, local, theirs, &tracking)?
            }
        }
    };
    let head = store.head()?;
    let send_branch = !matches!(
        integration,
        Integration::UpToDate | Integration::FastForward { .. }
    );
    // Round tags we hold and the remote lacks (only the chair makes rounds; the server
    // checks who may).
    let mut refspecs: Vec<String> = Vec::new();
    if send_branch {
        refspecs.push(format!("{branch}:{branch}"));
    }
    for r in repo.references_glob("refs/tags/round/*")?.flatten() {
        let Ok(name) = r.name().map(str::to_string) else {
            continue;
        };
        let round = &name["refs/tags/round/".len()..];
        if repo
            .find_reference(&format!("{remote_rounds}/{round}"))
            .is_err()
        {
            refspecs.push(format!("{name}:{name}"));
        }
    }
    let mut pushed = false;
    if !refspecs.is_empty() {
        let mut push = vec!["push", "--porcelain", "--", remote];
        push.extend(refspecs.iter().map(String::as_str));
        match push_outcome(options, &workdir, &push)? {
            Pushed::Done => pushed = send_branch,
            Pushed::RemoteMoved => return Ok(None),
        }
        fault_point();
        if send_branch {
            // Keep the tracking ref honest without another fetch.
            let _ = repo.reference(&tracking, head, true, "treaty sync: pushed");
        }
    }
    Ok(Some(SyncReport {
        integration,
        pushed,
        head,
        rounds: taken_rounds,
        attempts: 0,
    }))
}

/// Takes the remote's round tags (fetched under `namespace`) that we lack; refuses when
/// one we hold points elsewhere on the remote.
fn take_rounds(repo: &Repository, namespace: &str) -> Result<Vec<String>, SyncError> {
    let mut taken = Vec::new();
    let mut moved = None;
    for r in repo.references_glob(&format!("{namespace}/*"))?.flatten() {
        let (Ok(name), Some(there)) = (r.name().map(str::to_string), r.target()) else {
            continue;
        };
        let round = name[namespace.len() + 1..].to_string();
        let local = format!("refs/tags/round/{round}");
        match repo.find_reference(&local).ok().and_then(|l| l.target()) {
            Some(here) if here == there => {}
            Some(here) => {
                moved.get_or_insert((round, here, there));
            }
            None => taken.push((local, there, round)),
        }
    }
    if let Some((name, here, there)) = moved {
        return Err(SyncError::RoundMoved {
            name,
            here: short(here),
            there: short(there),
        });
    }
    let mut names = Vec::new();
    for (local, there, round) in taken {
        repo.reference(&local, there, false, "treaty sync: round from the remote")?;
        names.push(round);
    }
    Ok(names)
}

fn short(oid: Oid) -> String {
    oid.to_string()[..10].to_string()
}

enum Pushed {
    Done,
    /// The remote's branch moved since we fetched: start over.
    RemoteMoved,
}

/// Runs `git push --porcelain` and reads what happened to each ref.
fn push_outcome(options: &SyncOptions, dir: &Path, args: &[&str]) -> Result<Pushed, SyncError> {
    let out = (options.git)(dir)
        .args(args)
        .output()
        .map_err(|e| SyncError::NoGit(e.to_string()))?;
    if out.status.success() {
        return Ok(Pushed::Done);
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Porcelain: `!\t<src>:<dst>\t[rejected] (fetch first)` for a ref the remote moved,
    // `[remote rejected] (pre-receive hook declined)` for one the server refused.
    let rejected: Vec<&str> = stdout.lines().filter(|l| l.starts_with('!')).collect();
    // Another push landed between the server's checks and its update of the branch (the
    // hook admitted ours, but the ref had moved): the remote moved too.
    let lost_race = stderr.contains("cannot lock ref") && stderr.contains("but expected");
    let remote_moved = !rejected.is_empty()
        && rejected.iter().all(|l| {
            (l.contains("[rejected]")
                && (l.contains("fetch first") || l.contains("non-fast-forward")))
                || (lost_race && l.contains("[remote rejected]"))
        });
    if remote_moved {
        return Ok(Pushed::RemoteMoved);
    }
    let refs = rejected
        .iter()
        .filter_map(|l| l.split('\t').nth(1))
        .filter_map(|r| r.split(':').nth(1))
        .collect::<Vec<_>>()
        .join(", ");
    let mut reasons: Vec<String> = stderr
        .lines()
        .filter_map(|l| l.strip_prefix("remote:"))
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    if reasons.is_empty() {
        reasons = rejected
            .iter()
            .map(|l| l.to_string())
            .chain(stderr.lines().map(str::to_string))
            .filter(|l| !l.trim().is_empty())
            .collect();
    }
    if rejected.is_empty() && refs.is_empty() && reasons.is_empty() {
        return Err(SyncError::Command {
            command: args.join(" "),
            stderr: stderr.trim().to_string(),
        });
    }
    Err(SyncError::Refused {
        refs: if refs.is_empty() {
            "the push".into()
        } else {
            refs
        },
        reasons,
    })
}

fn run_git(options: &SyncOptions, dir: &Path, args: &[&str]) -> Result<String, SyncError> {
    let out = (options.git)(dir)
        .args(args)
        .output()
        .map_err(|e| SyncError::NoGit(e.to_string()))?;
    if !out.status.success() {
        return Err(SyncError::Command {
            command: args.join(" "),
            stderr: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        });
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Moves the branch from `local` to `new`, the files following (journalled, under the
/// store's lock). Refuses, changing nothing, when a file that would change holds
/// uncommitted edits. Returns the files that changed.
fn move_to(store: &Store, local: Oid, new: Oid, log: &str) -> Result<Vec<String>, SyncError> {
    let repo = store.repo();
    let _lock = store.lock()?;
    let actual = store.head()?;
    if actual != local {
        return Err(StoreError::Moved {
            expected: local,
            actual,
        }
        .into());
    }
    let old_tree = repo.find_commit(local)?.tree()?;
    let new_tree = repo.find_commit(new)?.tree()?;
    let files = changed_paths(repo, &old_tree, &new_tree)?;
    let edited = store.edited_paths(&old_tree, &files)?;
    if !edited.is_empty() {
        return Err(SyncError::LocalEdits { paths: edited });
    }
    let moves = crate::store::moves_between(&old_tree, &new_tree, &files);
    store.switch(local, new, &moves, log)?;
    Ok(files)
}

/// Paths that differ between two trees.
fn changed_paths(
    repo: &Repository,
    old: &Tree<'_>,
    new: &Tree<'_>,
) -> Result<Vec<String>, SyncError> {
    let diff = repo.diff_tree_to_tree(Some(old), Some(new), None)?;
    let mut paths = Vec::new();
    for delta in diff.deltas() {
        for file in [delta.old_file(), delta.new_file()] {
            if let Some(p) = file.path().and_then(|p| p.to_str())
                && !paths.iter().any(|q: &String| q == p)
            {
                paths.push(p.to_string());
            }
        }
    }
    Ok(paths)
}

/// The blob at `path` in `tree` (None when absent).
fn entry(tree: &Tree<'_>, path: &str) -> Option<(Oid, i32)> {
    tree.get_path(Path::new(path))
        .ok()
        .filter(|e| e.kind() == Some(ObjectType::Blob))
        .map(|e| (e.id(), e.filemode()))
}

fn blob_text(repo: &Repository, oid: Option<(Oid, i32)>) -> Result<Option<String>, SyncError> {
    match oid {
        None => Ok(None),
        Some((oid, _)) => {
            let blob = repo.find_blob(oid)?;
            Ok(Some(String::from_utf8_lossy(blob.content()).into_owned()))
        }
    }
}

/// The delegations that proposed the amendments between `base` and `tip` touching `clause`
/// (or, when `clause` is a path, changing that file), falling back to the commits' authors
/// where an amendment names no proposer.
pub(crate) fn proposers(
    repo: &Repository,
    base: Oid,
    tip: Oid,
    clause: &str,
) -> Result<Vec<String>, SyncError> {
    let mut walk = repo.revwalk()?;
    walk.push(tip)?;
    walk.hide(base)?;
    walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::REVERSE)?;
    let mut found: Vec<String> = Vec::new();
    let mut authors: Vec<String> = Vec::new();
    for oid in walk {
        let commit = repo.find_commit(oid?)?;
        let message = commit.message().unwrap_or_default();
        let Some(amendment) = Amendment::parse(message) else {
            continue;
        };
        // A file (treaty.md, tiers, annex proposals: a path, which no clause id is) is
        // touched by the commits that change it.
        let touches = if clause.contains('/') {
            changes_path(&commit, clause)
        } else {
            amendment
                .clauses
                .iter()
                .any(|c| c == clause || clause.starts_with(&format!("{c}.")))
        };
        if !touches {
            continue;
        }
        if amendment.proposers.is_empty()
            && let Ok(name) = commit.author().name()
        {
            authors.push(name.to_string());
        }
        for p in amendment.proposers {
            if !found.contains(&p) {
                found.push(p);
            }
        }
    }
    if found.is_empty() {
        for a in authors {
            if !found.contains(&a) {
                found.push(a);
            }
        }
    }
    Ok(found)
}

/// Whether `commit` changes the file at `path` (from the top of the record).
fn changes_path(commit: &git2::Commit<'_>, path: &str) -> bool {
    let blob = |c: &git2::Commit<'_>| {
        c.tree()
            .ok()
            .and_then(|t| t.get_path(Path::new(path)).ok())
            .map(|e| e.id())
    };
    blob(commit) != commit.parent(0).ok().and_then(|p| blob(&p))
}

/// One draft file merged block by block; clauses amended on both sides are kept as ours
/// and listed (id, remote body, local body) to be stacked afterwards.
type Clashes = Vec<(String, String, String)>;

fn merge_draft_file(
    path: &str,
    base: &str,
    ours: &str,
    theirs: &str,
) -> Result<(String, Clashes), SyncError> {
    fn keyed(text: &str, path: &str) -> Vec<(String, treaty_text::draft::Block)> {
        let file = DraftFile::parse(path, text);
        let mut seen: HashMap<String, usize> = HashMap::new();
        file.blocks
            .into_iter()
            .map(|b| {
                let key = match b.id() {
                    Some(id) => format!("id:{id}"),
                    None => {
                        let n = seen.entry(b.raw.clone()).or_default();
                        *n += 1;
                        format!("raw:{n}:{}", b.raw)
                    }
                };
                (key, b)
            })
            .collect()
    }
    let b = keyed(base, path);
    let o = keyed(ours, path);
    let t = keyed(theirs, path);
    let keys = |v: &[(String, treaty_text::draft::Block)]| {
        v.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>()
    };
    let (kb, ko, kt) = (keys(&b), keys(&o), keys(&t));
    let structure = if ko == kb || ko == kt {
        kt.clone()
    } else if kt == kb {
        ko.clone()
    } else {
        return Err(SyncError::StructureConflict {
            path: path.to_string(),
            what: "clauses were added, removed or moved".into(),
        });
    };
    let map = |v: &[(String, treaty_text::draft::Block)]| {
        v.iter()
            .map(|(k, blk)| (k.clone(), blk.clone()))
            .collect::<HashMap<_, _>>()
    };
    let (mb, mo, mt) = (map(&b), map(&o), map(&t));
    // A clause removed by one side and amended by the other cannot be merged.
    for (k, blk) in &mb {
        if structure.contains(k) {
            continue;
        }
        let changed_o = mo.get(k).is_some_and(|x| x.raw != blk.raw);
        let changed_t = mt.get(k).is_some_and(|x| x.raw != blk.raw);
        if changed_o || changed_t {
            return Err(SyncError::ClauseConflict {
                clause: blk.id().unwrap_or(path).to_string(),
                what: "deleted by one side and amended by the other".into(),
            });
        }
    }
    let mut text = String::new();
    let mut clashes = Vec::new();
    for k in &structure {
        let (ob, tb, bb) = (mo.get(k), mt.get(k), mb.get(k));
        let chosen = match (ob, tb) {
            (Some(ob), Some(tb)) if ob.raw == tb.raw => ob,
            (Some(ob), Some(tb)) => {
                let base_raw = bb.map(|x| x.raw.as_str());
                if Some(ob.raw.as_str()) == base_raw {
                    tb
                } else if Some(tb.raw.as_str()) == base_raw {
                    ob
                } else if let Some(id) = ob.id() {
                    if ob.label() != tb.label() || ob.title() != tb.title() {
                        return Err(SyncError::ClauseConflict {
                            clause: id.to_string(),
                            what: "renumbered or retitled differently on both sides".into(),
                        });
                    }
                    clashes.push((id.to_string(), tb.body(), ob.body()));
                    ob
                } else {
                    return Err(SyncError::StructureConflict {
                        path: path.to_string(),
                        what: "a line that is not a clause was changed".into(),
                    });
                }
            }
            (Some(ob), None) => ob,
            (None, Some(tb)) => tb,
            (None, None) => continue,
        };
        text.push_str(&chosen.raw);
    }
    Ok((text, clashes))
}

/// Every `drafts/…` text file of `tree`, path relative to `drafts/` → text.
fn draft_texts(repo: &Repository, tree: &Tree<'_>) -> Result<BTreeMap<String, String>, SyncError> {
    let mut out = BTreeMap::new();
    let Ok(entry) = tree.get_path(Path::new("drafts")) else {
        return Ok(out);
    };
    let sub = repo.find_tree(entry.id())?;
    sub.walk(git2::TreeWalkMode::PreOrder, |dir, e| {
        if e.kind() == Some(ObjectType::Blob)
            && let Ok(name) = e.name()
            && let Ok(blob) = repo.find_blob(e.id())
        {
            out.insert(
                format!("{dir}{name}"),
                String::from_utf8_lossy(blob.content()).into_owned(),
            );
        }
        git2::TreeWalkResult::Ok
    })?;
    Ok(out)
}

/// Replays our commits since `base` on top of `theirs` and moves the branch there.
fn replay(
    store: &Store,
    options: &SyncOptions,
    base: Oid,
    local: Oid,
    theirs: Oid,
    tracking: &str,
) -> Result<Integration, SyncError> {
    let repo = store.repo();
    let committer = match &options.signature {
        Some(s) => s.clone(),
        None => store.committer()?,
    };
    // Our commits, oldest first, along the first-parent line.
    let mut ours = Vec::new();
    let mut at = repo.find_commit(local)?;
    while at.id() != base {
        let parent = at.parent(0)?;
        ours.push(at.id());
        if repo.graph_descendant_of(base, parent.id())? {
            break;
        }
        at = parent;
    }
    ours.reverse();

    let objects = |e: git2::Error| SyncError::Store(store.object_write_failed(e));
    let mut tip = theirs;
    let mut commits = Vec::new();
    let mut all_stacked = Vec::new();
    for oid in ours {
        let commit = repo.find_commit(oid)?;
        let parent_tree = commit.parent(0)?.tree()?;
        let own_tree = commit.tree()?;
        let tip_tree = repo.find_commit(tip)?.tree()?;
        let (updates, stacked) = replay_changes(
            repo,
            base,
            theirs,
            &commit,
            &parent_tree,
            &own_tree,
            &tip_tree,
            tracking,
        )?;
        let mut builder = TreeUpdateBuilder::new();
        for (path, value) in &updates {
            match value {
                Some((bytes, mode)) => {
                    let blob = repo.blob(bytes).map_err(objects)?;
                    let mode = if *mode == 0o100755 {
                        git2::FileMode::BlobExecutable
                    } else {
                        git2::FileMode::Blob
                    };
                    builder.upsert(path, blob, mode);
                }
                None => {
                    builder.remove(path);
                }
            }
        }
        let tree_oid = builder.create_updated(repo, &tip_tree).map_err(objects)?;
        if tree_oid == tip_tree.id() {
            // The remote already holds this change: nothing to replay.
            continue;
        }
        let tree = repo.find_tree(tree_oid)?;
        let message = replayed_message(&commit, &stacked);
        let parent = repo.find_commit(tip)?;
        // Signed as the user's configuration asks (`commit.gpgsign`): by whoever replays.
        tip = crate::store::sign::commit_object(
            repo,
            &commit.author(),
            &committer,
            &message,
            &tree,
            &[&parent],
        )
        .map_err(|e| match e {
            StoreError::Git(e) => objects(e),
            other => SyncError::Store(other),
        })?;
        commits.push(tip);
        all_stacked.extend(stacked);
    }
    let files = move_to(
        store,
        local,
        tip,
        "treaty sync: replay on top of the remote",
    )?;
    Ok(Integration::Replayed {
        commits,
        files,
        stacked: all_stacked,
    })
}

/// A replayed commit's message: as it was, and when clauses were stacked, a line saying
/// so in its amendment's body (the amendment id stays).
fn replayed_message(commit: &git2::Commit<'_>, stacked: &[Stacked]) -> String {
    let message = String::from_utf8_lossy(commit.message_bytes()).into_owned();
    if stacked.is_empty() {
        return message;
    }
    let Some(mut amendment) = Amendment::parse(&message) else {
        return message;
    };
    for s in stacked {
        if !amendment.body.is_empty() {
            amendment.body.push('\n');
        }
        amendment.body.push_str(&format!(
            "On sync, {} had been amended meanwhile ({}): both wordings stand as bracketed alternatives.",
            s.clause,
            or_unknown(&s.remote_by)
        ));
    }
    amendment.to_message()
}

/// The files one of our commits changes, brought onto the tip: taken as they are where
/// the tip still holds what the commit started from, merged clause by clause in a draft
/// file the remote changed too, refused for any other file changed on both sides.
#[allow(clippy::too_many_arguments)]
fn replay_changes(
    repo: &Repository,
    base: Oid,
    theirs: Oid,
    commit: &git2::Commit<'_>,
    parent_tree: &Tree<'_>,
    own_tree: &Tree<'_>,
    tip_tree: &Tree<'_>,
    tracking: &str,
) -> Result<(Updates, Vec<Stacked>), SyncError> {
    let mut updates: Updates = BTreeMap::new();
    let mut clashes: Vec<(String, String, String)> = Vec::new();
    for path in changed_paths(repo, parent_tree, own_tree)? {
        let (ep, eo, et) = (
            entry(parent_tree, &path),
            entry(own_tree, &path),
            entry(tip_tree, &path),
        );
        let id = |e: Option<(Oid, i32)>| e.map(|e| e.0);
        if id(et) == id(ep) {
            let value = match eo {
                Some((oid, mode)) => Some((repo.find_blob(oid)?.content().to_vec(), mode)),
                None => None,
            };
            updates.insert(path, value);
            continue;
        }
        if id(et) == id(eo) {
            continue;
        }
        let conflict = || SyncError::FileConflict {
            path: path.clone(),
            commit: short(commit.id()),
            remote_ref: tracking.to_string(),
        };
        if !(path.starts_with("drafts/") && path.ends_with(".md")) {
            return Err(conflict());
        }
        let (Some(b), Some(o), Some(t)) = (
            blob_text(repo, ep)?,
            blob_text(repo, eo)?,
            blob_text(repo, et)?,
        ) else {
            return Err(conflict());
        };
        let (text, file_clashes) = merge_draft_file(&path, &b, &o, &t)?;
        clashes.extend(file_clashes);
        let mode = eo.map(|e| e.1).unwrap_or(0o100644);
        updates.insert(path, Some((text.into_bytes(), mode)));
    }
    if clashes.is_empty() {
        return Ok((updates, Vec::new()));
    }
    let local_by = Amendment::parse(&String::from_utf8_lossy(commit.message_bytes()))
        .map(|a| a.proposers)
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| vec![commit.author().name().unwrap_or_default().to_string()]);
    let stacked = stack_clashes(
        repo,
        base,
        theirs,
        tip_tree,
        &mut updates,
        clashes,
        &local_by,
    )?;
    Ok((updates, stacked))
}

/// New content per path: `Some((bytes, mode))` to write, `None` to delete.
type Updates = BTreeMap<String, Option<(Vec<u8>, i32)>>;

/// Rewrites each clause amended on both sides as stacked, attributed alternatives, through
/// the amendment engine (so the file is written exactly as a Replace would write it).
fn stack_clashes(
    repo: &Repository,
    base: Oid,
    theirs: Oid,
    tip_tree: &Tree<'_>,
    updates: &mut Updates,
    clashes: Vec<(String, String, String)>,
    local_by: &[String],
) -> Result<Vec<Stacked>, SyncError> {
    let mut texts = draft_texts(repo, tip_tree)?;
    for (path, value) in updates.iter() {
        if let Some(rel) = path.strip_prefix("drafts/") {
            match value {
                Some((bytes, _)) => {
                    texts.insert(rel.to_string(), String::from_utf8_lossy(bytes).into_owned());
                }
                None => {
                    texts.remove(rel);
                }
            }
        }
    }
    let front = texts.get(FRONT_FILE).cloned().unwrap_or_default();
    let files: Vec<(&str, &str)> = texts
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let draft = Draft::from_texts(&front, &files).draft;
    let mut ws = Workspace {
        draft,
        tiers: None,
        annexes: None,
    };
    let mut stacked = Vec::new();
    for (clause, remote_text, local_text) in clashes {
        let remote_by = proposers(repo, base, theirs, &clause)?;
        let Some(text) = bracket::stack_alternatives(&[
            (remote_text.as_str(), &remote_by[..]),
            (local_text.as_str(), local_by),
        ]) else {
            return Err(SyncError::ClauseConflict {
                clause,
                what: "amended on both sides, and the two wordings cannot be stacked as bracketed alternatives (their brackets do not balance)".into(),
            });
        };
        let edit = ws
            .apply(&Change::Replace {
                clause: clause.clone(),
                text: text.clone(),
            })
            .map_err(|e| SyncError::ClauseConflict {
                clause: clause.clone(),
                what: format!("amended on both sides and could not be stacked: {e}"),
            })?;
        for (path, value) in edit.files {
            let mode = entry(tip_tree, &path).map(|e| e.1).unwrap_or(0o100644);
            updates.insert(path, value.map(|t| (t.into_bytes(), mode)));
        }
        stacked.push(Stacked {
            clause,
            remote_by,
            local_by: local_by.to_vec(),
            text,
        });
    }
    Ok(stacked)
}

fn or_unknown(by: &[String]) -> String {
    if by.is_empty() {
        "unattributed".into()
    } else {
        by.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "### Article 1. Objective {#objective}\n\n1. One. {#objective.1}\n\n2. Two. {#objective.2}\n\n3. Three. {#objective.3}\n";

    #[test]
    fn clauses_changed_on_one_side_are_taken_and_clashes_listed() {
        let ours = BASE
            .replace("One.", "One, ours.")
            .replace("Three.", "Three, ours.");
        let theirs = BASE
            .replace("Two.", "Two, theirs.")
            .replace("Three.", "Three, theirs.");
        let (text, clashes) = merge_draft_file("drafts/a.md", BASE, &ours, &theirs).unwrap();
        assert_eq!(
            text,
            BASE.replace("One.", "One, ours.")
                .replace("Two.", "Two, theirs.")
                .replace("Three.", "Three, ours.")
        );
        assert_eq!(
            clashes,
            [(
                "objective.3".to_string(),
                "Three, theirs.".to_string(),
                "Three, ours.".to_string()
            )]
        );
    }

    #[test]
    fn structural_changes_on_both_sides_are_refused() {
        let ours = BASE.replace("2. Two. {#objective.2}\n\n", "");
        let theirs = BASE.replace(
            "3. Three. {#objective.3}\n",
            "3. Three. {#objective.3}\n\n4. Four. {#objective.4}\n",
        );
        let err = merge_draft_file("drafts/a.md", BASE, &ours, &theirs).unwrap_err();
        assert!(
            matches!(err, SyncError::StructureConflict { .. }),
            "{err:?}"
        );
        // A clause deleted on one side and amended on the other.
        let theirs = BASE.replace("Two.", "Two, theirs.");
        let err = merge_draft_file("drafts/a.md", BASE, &ours, &theirs).unwrap_err();
        assert!(
            matches!(&err, SyncError::ClauseConflict { clause, .. } if clause == "objective.2"),
            "{err:?}"
        );
    }
}
