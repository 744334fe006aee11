//! Sync between delegations: fetch, integrate, push.
//!
//! Fetch and push run the system `git`, so the user's SSH keys, agents and credential
//! helpers work as they do for any git command. Integration happens here, with libgit2:
//!
//! - only the remote moved: a fast-forward that updates the changed files on disk, and
//!   refuses (changing nothing) if one of them holds uncommitted edits;
//! - both moved: a merge commit whose tree is merged clause by clause. A clause amended
//!   on one side takes that side's text; a clause amended differently on both sides
//!   becomes stacked bracketed alternatives attributed to the delegations that proposed
//!   each wording: `[remote text - EU][local text - USA]`.
//!
//! Nothing here ever writes conflict markers, leaves a half-merged work tree, or puts the
//! repository into a merge state: whatever cannot be merged clause by clause is refused
//! before anything is written.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::process::Command;

use git2::build::{CheckoutBuilder, TreeUpdateBuilder};
use git2::{CheckoutNotificationType, ErrorCode, ObjectType, Oid, Repository, Signature, Tree};

use crate::store::{Store, StoreError};
use treaty_text::amend::{Change, Workspace};
use treaty_text::amendment::{Amendment, AmendmentKind, AmendmentStatus};
use treaty_text::bracket;
use treaty_text::draft::{Draft, DraftFile, FRONT_FILE};

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
        "the other delegations' amendments would overwrite your uncommitted edits in {}: record them as an amendment, or save them elsewhere and restore the files (`git restore <file>`), then run `treaty sync` again; nothing was changed",
        .paths.join(", ")
    )]
    LocalEdits { paths: Vec<String> },
    #[error(
        "{path} was changed on both sides and is not a draft file that can be merged clause by clause: record the other side's change again on top of yours after syncing (keep a copy of your version, run `git reset --keep {remote_ref}` or ask the other delegation), then run `treaty sync` again; nothing was changed"
    )]
    FileConflict { path: String, remote_ref: String },
    #[error(
        "{path}: {what} on both sides (inserted, deleted or moved clauses differ): the text cannot be merged clause by clause; record one side's structural change after syncing the other, then run `treaty sync` again; nothing was changed"
    )]
    StructureConflict { path: String, what: String },
    #[error(
        "clause {clause} was {what}: agree which stands, then record it after syncing; nothing was changed"
    )]
    ClauseConflict { clause: String, what: String },
    #[error(
        "the remote moved again while syncing (the push was refused): your record now holds both sides; run `treaty sync` again"
    )]
    PushRejected { stderr: String },
    #[error(
        "the branch moved while syncing (another amendment was recorded): run `treaty sync` again"
    )]
    Moved,
}

/// How the system git is run: the default is `git` with the user's own environment.
pub type GitCommand = Box<dyn Fn(&Path) -> Command>;

pub struct SyncOptions {
    /// The remote's name or URL (default `origin`).
    pub remote: String,
    /// Builds the `git` command for the work tree (tests pass a hermetic one).
    pub git: GitCommand,
    /// Author and committer of a merge commit (default: the repository's identity).
    pub signature: Option<Signature<'static>>,
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
    /// Both moved: a merge commit.
    Merge {
        commit: Oid,
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
}

/// Fetches from the remote, integrates, and pushes.
pub fn sync(store: &Store, options: &SyncOptions) -> Result<SyncReport, SyncError> {
    let workdir = store.workdir().to_path_buf();
    let branch = store.branch().to_string();
    let short = branch
        .strip_prefix("refs/heads/")
        .unwrap_or(&branch)
        .to_string();
    let remote = options.remote.as_str();
    let tracking = format!("refs/remotes/{remote}/{short}");

    let listed = run_git(
        options,
        &workdir,
        &["ls-remote", "--heads", remote, &branch],
    )?;
    let remote_has_branch = !listed.trim().is_empty();
    let mut fetch = vec!["fetch", "--quiet", "--no-tags", remote];
    let branch_spec = format!("+{branch}:{tracking}");
    if remote_has_branch {
        fetch.push(&branch_spec);
    }
    fetch.push("refs/tags/round/*:refs/tags/round/*");
    run_git(options, &workdir, &fetch)?;

    let local = store.head()?;
    let integration = if !remote_has_branch {
        Integration::RemoteEmpty
    } else {
        let theirs = store.repo().refname_to_id(&tracking)?;
        if theirs == local {
            Integration::UpToDate
        } else {
            let base = store.repo().merge_base(local, theirs)?;
            if base == theirs {
                Integration::LocalAhead
            } else if base == local {
                fast_forward(store, local, theirs)?
            } else {
                merge(store, options, base, local, theirs, &tracking)?
            }
        }
    };
    let head = store.head()?;
    let pushed = !matches!(
        integration,
        Integration::UpToDate | Integration::FastForward { .. }
    );
    let push_branch = format!("{branch}:{branch}");
    let mut push = vec!["push", "--quiet", remote];
    if pushed {
        push.push(&push_branch);
    }
    push.push("refs/tags/round/*:refs/tags/round/*");
    match run_git(options, &workdir, &push) {
        Ok(_) => {}
        Err(SyncError::Command { stderr, .. })
            if stderr.contains("rejected") || stderr.contains("fetch first") =>
        {
            return Err(SyncError::PushRejected { stderr });
        }
        Err(e) => return Err(e),
    }
    if pushed {
        // Keep the tracking ref honest without another fetch.
        let _ = store
            .repo()
            .reference(&tracking, head, true, "treaty sync: pushed");
    }
    Ok(SyncReport {
        integration,
        pushed,
        head,
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

/// Brings the work tree from HEAD's tree (the baseline libgit2 compares the files on disk
/// with) to `new` for the files that differ. libgit2 works out every action before it
/// writes anything, so if one of those files holds uncommitted edits (or an untracked
/// file is in the way) it refuses with nothing written.
fn update_work_tree(repo: &Repository, new: &Tree<'_>) -> Result<(), SyncError> {
    let mut conflicts: Vec<String> = Vec::new();
    let result = {
        let mut checkout = CheckoutBuilder::new();
        checkout
            .safe()
            .notify_on(CheckoutNotificationType::CONFLICT)
            .notify(|_, path, _, _, _| {
                if let Some(p) = path.and_then(|p| p.to_str()) {
                    conflicts.push(p.to_string());
                }
                true
            });
        repo.checkout_tree(new.as_object(), Some(&mut checkout))
    };
    match result {
        Ok(()) if conflicts.is_empty() => Ok(()),
        Ok(()) => Err(SyncError::LocalEdits { paths: conflicts }),
        Err(e) if e.code() == ErrorCode::Conflict => {
            if conflicts.is_empty() {
                conflicts.push(e.message().to_string());
            }
            conflicts.sort();
            conflicts.dedup();
            Err(SyncError::LocalEdits { paths: conflicts })
        }
        Err(e) => Err(e.into()),
    }
}

/// Puts `paths` back as they are in `tree` (after the branch failed to move).
fn restore(repo: &Repository, tree: &Tree<'_>, paths: &[String]) {
    let mut back = CheckoutBuilder::new();
    back.force();
    for p in paths {
        back.path(p);
    }
    let _ = repo.checkout_tree(tree.as_object(), Some(&mut back));
}

fn move_branch(store: &Store, from: Oid, to: Oid, log: &str) -> Result<(), SyncError> {
    match store
        .repo()
        .reference_matching(store.branch(), to, true, from, log)
    {
        Ok(_) => Ok(()),
        Err(e) if matches!(e.code(), ErrorCode::Modified | ErrorCode::Locked) => {
            Err(SyncError::Moved)
        }
        Err(e) => Err(e.into()),
    }
}

fn fast_forward(store: &Store, local: Oid, theirs: Oid) -> Result<Integration, SyncError> {
    let repo = store.repo();
    let old = repo.find_commit(local)?.tree()?;
    let new = repo.find_commit(theirs)?.tree()?;
    let files = changed_paths(repo, &old, &new)?;
    update_work_tree(repo, &new)?;
    if let Err(e) = move_branch(store, local, theirs, "treaty sync: fast-forward") {
        // Put the files back as they were: the branch did not move.
        restore(repo, &old, &files);
        return Err(e);
    }
    Ok(Integration::FastForward {
        from: local,
        to: theirs,
        files,
    })
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
/// (falling back to the commits' authors where an amendment names no proposer).
fn proposers(
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
        let touches = amendment
            .clauses
            .iter()
            .any(|c| c == clause || clause.starts_with(&format!("{c}.")));
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

fn merge(
    store: &Store,
    options: &SyncOptions,
    base: Oid,
    local: Oid,
    theirs: Oid,
    tracking: &str,
) -> Result<Integration, SyncError> {
    let repo = store.repo();
    let tb = repo.find_commit(base)?.tree()?;
    let to = repo.find_commit(local)?.tree()?;
    let tt = repo.find_commit(theirs)?.tree()?;
    let ours_changed: BTreeSet<String> = changed_paths(repo, &tb, &to)?.into_iter().collect();
    let theirs_changed: BTreeSet<String> = changed_paths(repo, &tb, &tt)?.into_iter().collect();

    // New content per path on top of our tree: Some(bytes) to write, None to delete.
    let mut updates: BTreeMap<String, Option<(Vec<u8>, i32)>> = BTreeMap::new();
    let mut all_clashes: Vec<(String, String, String)> = Vec::new();
    for path in &theirs_changed {
        let (eb, eo, et) = (entry(&tb, path), entry(&to, path), entry(&tt, path));
        if !ours_changed.contains(path) || eo.map(|e| e.0) == et.map(|e| e.0) {
            if eo.map(|e| e.0) != et.map(|e| e.0) {
                let value = match et {
                    Some((oid, mode)) => Some((repo.find_blob(oid)?.content().to_vec(), mode)),
                    None => None,
                };
                updates.insert(path.clone(), value);
            }
            continue;
        }
        let mergeable = path.starts_with("drafts/") && path.ends_with(".md");
        let (Some(b), Some(o), Some(t)) = (
            blob_text(repo, eb)?,
            blob_text(repo, eo)?,
            blob_text(repo, et)?,
        ) else {
            return Err(SyncError::FileConflict {
                path: path.clone(),
                remote_ref: tracking.to_string(),
            });
        };
        if !mergeable {
            return Err(SyncError::FileConflict {
                path: path.clone(),
                remote_ref: tracking.to_string(),
            });
        }
        let (text, clashes) = merge_draft_file(path, &b, &o, &t)?;
        all_clashes.extend(clashes);
        let mode = eo.map(|e| e.1).unwrap_or(0o100644);
        updates.insert(path.clone(), Some((text.into_bytes(), mode)));
    }

    let mut stacked = Vec::new();
    if !all_clashes.is_empty() {
        // Load the merged draft, then stack each clashing clause through the amendment
        // engine so the file is rewritten exactly as a Replace would.
        let mut texts = draft_texts(repo, &to)?;
        for (path, value) in &updates {
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
        for (clause, remote_text, local_text) in all_clashes {
            let remote_by = proposers(repo, base, theirs, &clause)?;
            let local_by = proposers(repo, base, local, &clause)?;
            let attrib = |by: &[String]| {
                if by.is_empty() {
                    String::new()
                } else {
                    format!(" - {}", by.join(", "))
                }
            };
            let text = format!(
                "[{}{}][{}{}]",
                remote_text.trim(),
                attrib(&remote_by),
                local_text.trim(),
                attrib(&local_by)
            );
            let tree = bracket::parse(&text);
            if !tree.problems.is_empty() {
                return Err(SyncError::ClauseConflict {
                    clause,
                    what: "amended on both sides, and the two wordings cannot be stacked as bracketed alternatives (their brackets do not balance)".into(),
                });
            }
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
                let full = if path.starts_with("drafts/") {
                    path.clone()
                } else {
                    format!("drafts/{path}")
                };
                let mode = entry(&to, &full).map(|e| e.1).unwrap_or(0o100644);
                updates.insert(full, value.map(|t| (t.into_bytes(), mode)));
            }
            stacked.push(Stacked {
                clause,
                remote_by,
                local_by,
                text,
            });
        }
    }

    let mut builder = TreeUpdateBuilder::new();
    for (path, value) in &updates {
        match value {
            Some((bytes, mode)) => {
                let oid = repo.blob(bytes)?;
                let mode = if *mode == 0o100755 {
                    git2::FileMode::BlobExecutable
                } else {
                    git2::FileMode::Blob
                };
                builder.upsert(path, oid, mode);
            }
            None => {
                builder.remove(path);
            }
        }
    }
    let merged_oid = builder.create_updated(repo, &to)?;
    let merged = repo.find_tree(merged_oid)?;

    let mut all_by: Vec<String> = Vec::new();
    for s in &stacked {
        for p in s.remote_by.iter().chain(&s.local_by) {
            if !all_by.contains(p) {
                all_by.push(p.clone());
            }
        }
    }
    let remote = options.remote.as_str();
    let summary = if stacked.is_empty() {
        format!("Sync with {remote}: integrate the other delegations' amendments")
    } else {
        format!(
            "Sync with {remote}: stack concurrent amendments to {} as alternatives",
            stacked
                .iter()
                .map(|s| s.clause.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let mut body = String::new();
    for s in &stacked {
        body.push_str(&format!(
            "{} was amended on both sides ({} here, {} on {remote}): both wordings stand as bracketed alternatives.\n",
            s.clause,
            or_unknown(&s.local_by),
            or_unknown(&s.remote_by),
        ));
    }
    let mut amendment = Amendment::new(
        AmendmentKind::Replace,
        all_by,
        stacked.iter().map(|s| s.clause.clone()),
    )
    .with_status(AmendmentStatus::Proposed)
    .with_summary(summary)
    .with_body(body);
    if let Some(round) = store.current_round()? {
        amendment = amendment.with_round(round);
    }
    let amendment = amendment.sanitized();
    amendment
        .validate()
        .map_err(|e| SyncError::Store(StoreError::InvalidAmendment(e)))?;
    let sig = match &options.signature {
        Some(s) => s.clone(),
        None => repo.signature().map_err(|e| match e.code() {
            ErrorCode::NotFound => SyncError::Store(StoreError::NoIdentity),
            _ => SyncError::Git(e),
        })?,
    };
    // The work tree follows first: if it cannot (uncommitted edits in the way), nothing
    // has been written and no commit made.
    let files = changed_paths(repo, &to, &merged)?;
    update_work_tree(repo, &merged)?;
    let ours_commit = repo.find_commit(local)?;
    let theirs_commit = repo.find_commit(theirs)?;
    let committed = repo
        .commit(
            None,
            &sig,
            &sig,
            &amendment.to_message(),
            &merged,
            &[&ours_commit, &theirs_commit],
        )
        .map_err(SyncError::from)
        .and_then(|commit| {
            move_branch(store, local, commit, "treaty sync: merge")?;
            Ok(commit)
        });
    let commit = match committed {
        Ok(commit) => commit,
        Err(e) => {
            restore(repo, &to, &files);
            return Err(e);
        }
    };
    Ok(Integration::Merge {
        commit,
        files,
        stacked,
    })
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
