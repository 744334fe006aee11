//! The git store: the treaty text lives in a git repository and every amendment is one
//! commit on the checked-out branch.
//!
//! This is plumbing over libgit2. It is content-agnostic (it commits whatever bytes it is
//! given) and careful with the user's work tree:
//!
//! - a commit's tree is built from its **parent commit's tree** plus the given changes,
//!   never from the index, so unrelated staged or unstaged edits are never swept in;
//! - the branch moves by **compare-and-swap**: if another amendment landed first the
//!   commit is refused with [`StoreError::Moved`] and nothing is overwritten;
//! - afterwards only the changed paths are brought up to date on disk and in the index,
//!   and a file the user has edited is left alone and reported
//!   ([`CommitOutcome::kept_local_edits`]).
//!
//! Rounds are annotated tags `round/<name>` ([`Store::start_round`]); the log walks the
//! first-parent line without loading trees ([`Store::log`]).

mod bulk;
mod commit;
pub(crate) mod identity;
mod lock;
mod log;
mod rounds;
pub mod sign;
mod snapshot;
mod worktree;

use std::cell::Cell;
use std::path::{Path, PathBuf};

use git2::{ErrorCode, ObjectType, Repository, RepositoryInitOptions, RepositoryState};
use treaty_text::amendment::InvalidAmendment;

pub use bulk::{Bulk, BulkOutcome};
pub use commit::{CommitOutcome, FileChange};
pub use git2::{Oid, Signature, Time};
pub use log::{Log, LogEntry, LogFilter};
pub use rounds::Round;
pub(crate) use snapshot::FastReads;
pub use snapshot::{SnapshotError, TreeSource, cache_large_folders};
pub(crate) use worktree::moves_between;

/// Everything that can go wrong in the store, worded for the person at the keyboard.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "{} is not inside a treaty record (no git repository there or above): open the folder that holds the negotiation, or create a record there first (`git init -b main`)",
        path.display()
    )]
    NotARepository { path: PathBuf },
    #[error(
        "{} is a bare git repository, which has no working copy of the text: clone it (`git clone {}`) and work in the clone",
        path.display(), path.display()
    )]
    BareRepository { path: PathBuf },
    #[error(
        "the record at {} has no commits yet: create the first one (the store's init does this) before amending the text",
        path.display()
    )]
    NoCommits { path: PathBuf },
    #[error(
        "the record at {} is not on a branch (detached HEAD), so an amendment would be lost: switch to the negotiation branch first (`git switch main`)",
        path.display()
    )]
    DetachedHead { path: PathBuf },
    #[error(
        "a {operation} is in progress in {}: finish it or abort it (`git {command} --continue` or `git {command} --abort`) before amending the text",
        path.display()
    )]
    OperationInProgress {
        path: PathBuf,
        operation: &'static str,
        command: &'static str,
    },
    #[error(
        "the branch changed from {expected} to {actual} while this store was open: reopen the record and retry"
    )]
    BranchSwitched { expected: String, actual: String },
    #[error(
        "git does not know who is recording amendments: set it with `git config user.name \"Your Name\"` and `git config user.email you@example.org` (add --global to set it once for all records)"
    )]
    NoIdentity,
    #[error(
        "the text moved on since you started (another amendment landed: {actual} instead of {expected}): retry on top of the new text"
    )]
    Moved { expected: Oid, actual: Oid },
    #[error(
        "another git or treaty process holds {}: wait for it to finish and retry; if none is running, remove that lock file",
        path.display()
    )]
    Locked { path: PathBuf },
    /// The configured signer failed (`commit.gpgsign`): nothing was written.
    #[error("{why}; nothing was recorded")]
    Sign { why: String },
    #[error(
        "{} cannot be written (the work tree is read-only: {source}), so the amendment cannot be recorded: make the folder writable and retry; nothing was recorded",
        path.display()
    )]
    ReadOnly {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the round \"{name}\" already exists (it starts at {target}): choose another name")]
    RoundExists { name: String, target: Oid },
    #[error("the round name \"{name}\" is not usable: {reason}")]
    InvalidRoundName { name: String, reason: String },
    #[error("this amendment cannot be recorded: {0}")]
    InvalidAmendment(#[from] InvalidAmendment),
    #[error("cannot change \"{path}\": {reason}")]
    InvalidChange { path: String, reason: String },
    #[error("{what} {oid} is not in this record: check that you are in the right folder")]
    NotFound { what: &'static str, oid: Oid },
    #[error("cannot read or write {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("git failed: {0}")]
    Git(#[from] git2::Error),
}

impl StoreError {
    /// True when trying again on top of the new text may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(self, StoreError::Moved { .. } | StoreError::Locked { .. })
    }
}

/// Where the store takes the time of new commits and round tags from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Clock {
    /// The system clock and local offset, like `git commit`.
    System,
    /// `next` seconds since the epoch, then `step` seconds later on each use: deterministic
    /// histories for tests, demos and imports.
    Stepping {
        next: i64,
        step: i64,
        offset_minutes: i32,
    },
}

/// An open treaty record: one repository with a work tree, on one branch.
///
/// A `Store` owns its own libgit2 handle; it is `Send` but not `Sync`. Threads or processes
/// that commit concurrently each open their own `Store`; the branch's compare-and-swap
/// keeps them honest.
pub struct Store {
    repo: Repository,
    /// Full ref name of the branch HEAD pointed to when the store was opened.
    branch: String,
    clock: Cell<Clock>,
    /// What opening the record put right (an interrupted command finished or undone,
    /// stale temporary files removed), for the user to read.
    notices: Vec<String>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("workdir", &self.workdir())
            .field("branch", &self.branch)
            .finish_non_exhaustive()
    }
}

const ROOT_MESSAGE: &str = "Open the negotiation record\n";

impl Store {
    /// Opens the record that contains `path` (any folder inside the work tree).
    pub fn open(path: impl AsRef<Path>) -> Result<Store, StoreError> {
        let path = path.as_ref();
        let repo = Repository::discover(path).map_err(|e| match e.code() {
            ErrorCode::NotFound => StoreError::NotARepository {
                path: path.to_path_buf(),
            },
            _ => StoreError::Git(e),
        })?;
        Store::from_repo(repo)
    }

    /// Creates a record at `path` (branch `main`, one empty root commit), or reuses the
    /// repository at or above `path`, adding the root commit if it has none yet.
    pub fn init(path: impl AsRef<Path>) -> Result<Store, StoreError> {
        Store::init_with_clock(path, Clock::System)
    }

    /// [`Store::init`] with the clock used for the root commit and everything after.
    pub fn init_with_clock(path: impl AsRef<Path>, clock: Clock) -> Result<Store, StoreError> {
        let path = path.as_ref();
        std::fs::create_dir_all(path).map_err(|source| StoreError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let mut repo = match Repository::discover(path) {
            Ok(repo) => repo,
            Err(e) if e.code() == ErrorCode::NotFound => {
                let mut opts = RepositoryInitOptions::new();
                opts.initial_head("main");
                Repository::init_opts(path, &opts)?
            }
            Err(e) => return Err(e.into()),
        };
        if repo.is_bare() {
            return Err(StoreError::BareRepository {
                path: repo.path().to_path_buf(),
            });
        }
        let unborn = {
            let head = repo.find_reference("HEAD")?;
            symbolic_target(&head).filter(|branch| repo.refname_to_id(branch).is_err())
        };
        let mut clock = clock;
        if let Some(branch) = unborn {
            let store = Store {
                repo,
                branch,
                clock: Cell::new(clock),
                notices: Vec::new(),
            };
            store.create_root_commit()?;
            clock = store.clock.get();
            repo = store.repo;
        }
        let store = Store::from_repo(repo)?;
        store.set_clock(clock);
        Ok(store)
    }

    /// Creates a new record at `path` whose local git configuration records as
    /// `identity` (name, email), timed by `clock` from the root commit on: imported and
    /// generated records that must not depend on who runs the command.
    pub fn init_as(
        path: impl AsRef<Path>,
        identity: (&str, &str),
        clock: Clock,
    ) -> Result<Store, StoreError> {
        let path = path.as_ref();
        std::fs::create_dir_all(path).map_err(|source| StoreError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let mut opts = RepositoryInitOptions::new();
        opts.initial_head("main").no_reinit(true);
        let repo = Repository::init_opts(path, &opts)?;
        let mut config = repo.config()?.open_level(git2::ConfigLevel::Local)?;
        config.set_str("user.name", identity.0)?;
        config.set_str("user.email", identity.1)?;
        drop(config);
        drop(repo);
        Store::init_with_clock(path, clock)
    }

    /// The empty first commit a new record starts from (never from the index: whatever
    /// the user has staged stays staged).
    fn create_root_commit(&self) -> Result<(), StoreError> {
        let sig = self.committer()?;
        let tree_oid = self.repo.treebuilder(None)?.write()?;
        let tree = self.repo.find_tree(tree_oid)?;
        let oid = sign::commit_object(&self.repo, &sig, &sig, ROOT_MESSAGE, &tree, &[])?;
        match self
            .repo
            .reference(&self.branch, oid, false, "treaty: open the record")
        {
            Ok(_) => Ok(()),
            // Someone else made the first commit meanwhile: theirs stands.
            Err(e) if e.code() == ErrorCode::Exists => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    fn from_repo(repo: Repository) -> Result<Store, StoreError> {
        let path = repo.workdir().unwrap_or_else(|| repo.path()).to_path_buf();
        if repo.is_bare() {
            return Err(StoreError::BareRepository { path });
        }
        let in_progress = |operation, command| StoreError::OperationInProgress {
            path: path.clone(),
            operation,
            command,
        };
        match repo.state() {
            RepositoryState::Clean => {}
            RepositoryState::Merge => return Err(in_progress("merge", "merge")),
            RepositoryState::Revert | RepositoryState::RevertSequence => {
                return Err(in_progress("revert", "revert"));
            }
            RepositoryState::CherryPick | RepositoryState::CherryPickSequence => {
                return Err(in_progress("cherry-pick", "cherry-pick"));
            }
            RepositoryState::Bisect => return Err(in_progress("bisect", "bisect")),
            RepositoryState::Rebase
            | RepositoryState::RebaseInteractive
            | RepositoryState::RebaseMerge => return Err(in_progress("rebase", "rebase")),
            RepositoryState::ApplyMailbox | RepositoryState::ApplyMailboxOrRebase => {
                return Err(in_progress("git am", "am"));
            }
        }
        let head = repo.find_reference("HEAD")?;
        let Some(branch) = symbolic_target(&head) else {
            return Err(StoreError::DetachedHead { path });
        };
        drop(head);
        match repo.refname_to_id(&branch) {
            Ok(_) => {}
            Err(e) if e.code() == ErrorCode::NotFound => {
                return Err(StoreError::NoCommits { path });
            }
            Err(e) => return Err(e.into()),
        }
        let mut store = Store {
            repo,
            branch,
            clock: Cell::new(Clock::System),
            notices: Vec::new(),
        };
        store.notices = store.recover();
        Ok(store)
    }

    /// A second handle on this record, for reading on another thread (a libgit2 handle
    /// serves one thread at a time). The record was checked and put right when this one
    /// was opened, so neither is done again: no search up from the folder, no scan for
    /// temporary files left behind.
    pub fn open_again(&self) -> Result<Store, StoreError> {
        Ok(Store {
            repo: Repository::open(self.repo.path())?,
            branch: self.branch.clone(),
            clock: Cell::new(self.clock.get()),
            notices: Vec::new(),
        })
    }

    /// The libgit2 handle, for read-only plumbing inside this crate (tree diffs for the
    /// history index). Write through the store so that the compare-and-swap rules hold.
    pub(crate) fn repo(&self) -> &Repository {
        &self.repo
    }

    /// The store's lock, held until dropped (see `lock`): for writers outside this module
    /// (sync) that move the branch with [`Store::switch`].
    pub(crate) fn lock(&self) -> Result<lock::StoreLock, StoreError> {
        lock::StoreLock::acquire(self.repo.path())
    }

    /// What opening the record put right after an interrupted command (see
    /// [`Store::recover`]): worth telling the user once.
    pub fn notices(&self) -> &[String] {
        &self.notices
    }

    /// The full name of the branch amendments go to, e.g. `refs/heads/main`.
    pub fn branch(&self) -> &str {
        &self.branch
    }

    /// The top folder of the work tree.
    pub fn workdir(&self) -> &Path {
        self.repo
            .workdir()
            .expect("a Store is only ever opened on a repository with a work tree")
    }

    pub fn clock(&self) -> Clock {
        self.clock.get()
    }

    pub fn set_clock(&self, clock: Clock) {
        self.clock.set(clock);
    }

    /// The tip of the branch, read afresh (another store may have moved it).
    pub fn head(&self) -> Result<Oid, StoreError> {
        Ok(self.repo.refname_to_id(&self.branch)?)
    }

    /// The bytes of `rel_path` (forward slashes) in `commit`; `None` when there is no file
    /// there (nothing, or a folder).
    pub fn read_file_at(&self, commit: Oid, rel_path: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let commit = self.find_commit(commit)?;
        let tree = commit.tree()?;
        let entry = match tree.get_path(Path::new(rel_path)) {
            Ok(entry) => entry,
            Err(e) if e.code() == ErrorCode::NotFound => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        if entry.kind() != Some(ObjectType::Blob) {
            return Ok(None);
        }
        self.read_blob(entry.id()).map(Some)
    }

    pub fn read_blob(&self, oid: Oid) -> Result<Vec<u8>, StoreError> {
        match self.repo.find_blob(oid) {
            Ok(blob) => Ok(blob.content().to_vec()),
            Err(e) if e.code() == ErrorCode::NotFound => Err(StoreError::NotFound {
                what: "the file version",
                oid,
            }),
            Err(e) => Err(e.into()),
        }
    }

    fn find_commit(&self, oid: Oid) -> Result<git2::Commit<'_>, StoreError> {
        match self.repo.find_commit(oid) {
            Ok(c) => Ok(c),
            Err(e) if matches!(e.code(), ErrorCode::NotFound | ErrorCode::Invalid) => {
                Err(StoreError::NotFound {
                    what: "the commit",
                    oid,
                })
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Who commits, as git decides it, stamped with the store's clock (see
    /// [`identity::resolve`]).
    pub(crate) fn committer(&self) -> Result<Signature<'static>, StoreError> {
        let (name, email) = identity::resolve(&self.repo, identity::Role::Committer)?;
        self.signature(&name, &email)
    }

    /// The author and the committer of a new commit, as git decides them, both stamped
    /// with one reading of the store's clock.
    pub(crate) fn author_and_committer(
        &self,
    ) -> Result<(Signature<'static>, Signature<'static>), StoreError> {
        let ((name, email), (committer_name, committer_email)) =
            identity::resolve_both(&self.repo)?;
        let committer = self.signature(&committer_name, &committer_email)?;
        let author = Signature::new(&name, &email, &committer.when())?;
        Ok((author, committer))
    }

    /// The e-mail address of whoever records here, as git decides the author's.
    pub fn email(&self) -> Result<String, StoreError> {
        let (_, email) = identity::resolve(&self.repo, identity::Role::Author)?;
        Ok(email)
    }

    /// Paths under `folders` whose work-tree copy differs from the last commit (new,
    /// changed or removed; ignored files aside), relative to the work tree.
    pub fn uncommitted(&self, folders: &[&str]) -> Result<Vec<String>, StoreError> {
        let mut opts = git2::StatusOptions::new();
        opts.include_untracked(true)
            .recurse_untracked_dirs(true)
            .include_ignored(false);
        for folder in folders {
            opts.pathspec(folder);
        }
        let statuses = self.repo.statuses(Some(&mut opts))?;
        Ok(statuses
            .iter()
            .filter(|e| !e.status().is_empty() && !e.status().is_ignored())
            .filter_map(|e| e.path().ok().map(String::from))
            .collect())
    }

    /// Whether the record is a shallow clone (its history is cut short).
    pub fn is_shallow(&self) -> bool {
        self.repo.is_shallow()
    }

    /// A signature for `name <email>`, timed by the store's clock (now, for the system
    /// clock).
    pub fn signature(&self, name: &str, email: &str) -> Result<Signature<'static>, StoreError> {
        Ok(match self.next_time() {
            None => Signature::now(name, email)?,
            Some(time) => Signature::new(name, email, &time)?,
        })
    }

    /// The next time from a stepping clock; `None` for the system clock.
    fn next_time(&self) -> Option<Time> {
        match self.clock.get() {
            Clock::System => None,
            Clock::Stepping {
                next,
                step,
                offset_minutes,
            } => {
                self.clock.set(Clock::Stepping {
                    next: next + step,
                    step,
                    offset_minutes,
                });
                Some(Time::new(next, offset_minutes))
            }
        }
    }

    /// Refuses to write when HEAD no longer points at the branch this store opened.
    fn ensure_on_branch(&self) -> Result<(), StoreError> {
        let head = self.repo.find_reference("HEAD")?;
        match symbolic_target(&head) {
            Some(name) if name == self.branch => Ok(()),
            Some(name) => Err(StoreError::BranchSwitched {
                expected: self.branch.clone(),
                actual: name,
            }),
            None => Err(StoreError::DetachedHead {
                path: self.workdir().to_path_buf(),
            }),
        }
    }
}

/// Where a symbolic ref (HEAD) points, if it is symbolic.
fn symbolic_target(reference: &git2::Reference<'_>) -> Option<String> {
    reference
        .symbolic_target_bytes()
        .map(|t| String::from_utf8_lossy(t).into_owned())
}

#[cfg(test)]
mod tests;
