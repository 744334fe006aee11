//! Recording an amendment: tree from the parent's tree, compare-and-swap on the branch,
//! then a careful update of the changed paths on disk and in the index.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use git2::{ErrorCode, ObjectType, Oid, Repository, Signature, Tree};

use super::lock::StoreLock;
use super::worktree::{PathMove, Version};
use super::{Store, StoreError};
use treaty_text::amendment::Amendment;
use treaty_text::fsutil::fault_point;

const MODE_FILE: i32 = 0o100644;
const MODE_EXEC: i32 = 0o100755;
const MODE_TREE: i32 = 0o040000;
const MODE_LINK: i32 = 0o120000;

/// How long to wait for another writer to finish before giving up.
const LOCK_TIMEOUT: Duration = Duration::from_secs(10);

/// [`LOCK_TIMEOUT`], or in debug builds `TREATY_LOCK_TIMEOUT_MS` (so tests of a held lock
/// need not wait ten seconds).
pub(crate) fn lock_timeout() -> Duration {
    #[cfg(debug_assertions)]
    if let Some(ms) = std::env::var("TREATY_LOCK_TIMEOUT_MS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        return Duration::from_millis(ms);
    }
    LOCK_TIMEOUT
}

/// One file's new content, or its deletion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileChange {
    /// Relative to the top of the work tree, with forward slashes: `drafts/articles/x.md`.
    pub path: String,
    /// `None` deletes the file.
    pub content: Option<Vec<u8>>,
}

impl FileChange {
    pub fn write(path: impl Into<String>, content: impl Into<Vec<u8>>) -> FileChange {
        FileChange {
            path: path.into(),
            content: Some(content.into()),
        }
    }

    pub fn delete(path: impl Into<String>) -> FileChange {
        FileChange {
            path: path.into(),
            content: None,
        }
    }
}

/// What happened when an amendment was recorded: it has landed, and the work tree and
/// index hold it, but for files the user had edited.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommitOutcome {
    pub oid: Oid,
    /// Changed paths whose file on disk held the user's own uncommitted edits: they were
    /// left as they are (the recorded text is in the commit).
    pub kept_local_edits: Vec<String>,
}

impl Store {
    /// Records `amendment` as a commit on top of `expected_parent`, which must still be the
    /// tip of the branch, naming the author and committer as git would (`GIT_AUTHOR_*`,
    /// `GIT_COMMITTER_*`, then the configuration; see `identity`), timed by the store's
    /// [`super::Clock`].
    pub fn commit(
        &self,
        amendment: &Amendment,
        expected_parent: Oid,
        changes: &[FileChange],
    ) -> Result<CommitOutcome, StoreError> {
        let (author, committer) = self.author_and_committer()?;
        self.commit_by(amendment, expected_parent, changes, &author, &committer)
    }

    /// [`Store::commit`] with an explicit author and committer, e.g. for imported or
    /// scripted histories with fixed times.
    pub fn commit_as(
        &self,
        amendment: &Amendment,
        expected_parent: Oid,
        changes: &[FileChange],
        author: &Signature<'_>,
    ) -> Result<CommitOutcome, StoreError> {
        self.commit_by(amendment, expected_parent, changes, author, author)
    }

    /// [`Store::commit`] with an author (who proposed the amendment) and a committer (who
    /// landed it) of their own.
    pub fn commit_by(
        &self,
        amendment: &Amendment,
        expected_parent: Oid,
        changes: &[FileChange],
        author: &Signature<'_>,
        committer: &Signature<'_>,
    ) -> Result<CommitOutcome, StoreError> {
        amendment.validate()?;
        self.write_commit(
            &amendment.to_message(),
            expected_parent,
            changes,
            author,
            committer,
        )
    }

    /// Records a commit that is not an amendment of the text (an exercise's roster,
    /// briefs or schedule) with `message`, on the same terms as [`Store::commit`]:
    /// compare-and-swap on `expected_parent`, the work tree followed path by path.
    pub fn commit_files(
        &self,
        message: &str,
        expected_parent: Oid,
        changes: &[FileChange],
    ) -> Result<CommitOutcome, StoreError> {
        let (author, committer) = self.author_and_committer()?;
        self.write_commit(message, expected_parent, changes, &author, &committer)
    }

    fn write_commit(
        &self,
        message: &str,
        expected_parent: Oid,
        changes: &[FileChange],
        author: &Signature<'_>,
        committer: &Signature<'_>,
    ) -> Result<CommitOutcome, StoreError> {
        check_changes(changes)?;
        self.ensure_on_branch()?;
        // Everything from here to the work-tree update happens under one lock shared by
        // all stores on this repository: a store that lost the race learns it before
        // writing a single object (no dangling commits), and "branch moved" and "files
        // written" never interleave between stores (which would leave a stale file on
        // disk that looks like the user's own edit).
        let _lock = StoreLock::acquire(self.repo.path())?;
        self.ensure_on_branch()?;
        let actual = self.head()?;
        if actual != expected_parent {
            return Err(StoreError::Moved {
                expected: expected_parent,
                actual,
            });
        }
        // Both checks come before a single object is written: a held index lock or a
        // read-only folder refuses the amendment whole.
        self.wait_for_index_lock()?;
        check_writable(self.workdir(), changes)?;
        let parent = self.find_commit(expected_parent)?;
        let parent_tree = parent.tree()?;
        let objects = |e: git2::Error| self.object_write_failed(e);
        let (tree_oid, moves) =
            build_tree_with_moves(&self.repo, &parent_tree, changes).map_err(|e| match e {
                StoreError::Git(e) => objects(e),
                other => other,
            })?;
        let tree = self.repo.find_tree(tree_oid)?;
        let oid =
            super::sign::commit_object(&self.repo, author, committer, message, &tree, &[&parent])
                .map_err(|e| match e {
                StoreError::Git(e) => objects(e),
                other => other,
            })?;
        fault_point();
        let subject = message.lines().next().unwrap_or_default();
        // Files, index and branch move together or not at all (see `worktree`). Other
        // writers (system git) do not take our lock: the compare-and-swap on the branch
        // is what guarantees that nothing is overwritten.
        let followed = self.switch(expected_parent, oid, &moves, &format!("treaty: {subject}"))?;
        Ok(CommitOutcome {
            oid,
            kept_local_edits: followed.kept_local_edits,
        })
    }

    /// A failed object write as the operating system's error on the object database
    /// (a full disk says "No space left on device" and names the folder).
    pub(crate) fn object_write_failed(&self, e: git2::Error) -> StoreError {
        if e.class() != git2::ErrorClass::Os {
            return e.into();
        }
        StoreError::Io {
            path: self.repo.path().join("objects"),
            source: io::Error::other(e.message().to_string()),
        }
    }

    /// Waits for a git process holding the index lock (`git add`, `git commit`...) to
    /// finish; refuses with [`StoreError::Locked`] if it does not.
    fn wait_for_index_lock(&self) -> Result<(), StoreError> {
        let lock = self.repo.path().join("index.lock");
        let started = Instant::now();
        while lock.exists() {
            if started.elapsed() > lock_timeout() {
                return Err(StoreError::Locked { path: lock });
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        Ok(())
    }

    pub(super) fn move_branch(&self, expected: Oid, new: Oid, log: &str) -> Result<(), StoreError> {
        let started = Instant::now();
        let mut delay = Duration::from_millis(1);
        loop {
            match self
                .repo
                .reference_matching(&self.branch, new, true, expected, log)
            {
                Ok(_) => return Ok(()),
                Err(e) if matches!(e.code(), ErrorCode::Modified | ErrorCode::Locked) => {
                    let actual = self.head()?;
                    if actual != expected {
                        return Err(StoreError::Moved { expected, actual });
                    }
                    if started.elapsed() > lock_timeout() {
                        return Err(StoreError::Locked {
                            path: self.repo.path().join(format!("{}.lock", self.branch)),
                        });
                    }
                    std::thread::sleep(delay);
                    delay = (delay * 2).min(Duration::from_millis(50));
                }
                Err(e) => return Err(e.into()),
            }
        }
    }
}

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Refuses (before anything is recorded) when a changed file's folder cannot take a new
/// file: a read-only work tree would otherwise get the commit but not the files.
fn check_writable(workdir: &Path, changes: &[FileChange]) -> Result<(), StoreError> {
    let mut probed = std::collections::HashSet::new();
    for change in changes {
        // The nearest folder that exists: new folders are created inside it.
        let mut dir = workdir.join(&change.path);
        dir.pop();
        while !dir.is_dir() && dir.starts_with(workdir) && dir != workdir {
            dir.pop();
        }
        if !probed.insert(dir.clone()) {
            continue;
        }
        let probe = dir.join(format!(
            ".treaty-probe-{}-{}.tmp",
            std::process::id(),
            TEMP_COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&probe)
        {
            Ok(file) => {
                drop(file);
                let _ = fs::remove_file(&probe);
            }
            Err(source)
                if matches!(
                    source.kind(),
                    io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem
                ) =>
            {
                return Err(StoreError::ReadOnly { path: dir, source });
            }
            // Anything else (a file where a folder goes...) is the work-tree update's to
            // report: the commit itself does not depend on it.
            Err(_) => {}
        }
    }
    Ok(())
}

/// Paths must be plain relative paths inside the work tree, each changed once.
pub(super) fn check_changes(changes: &[FileChange]) -> Result<(), StoreError> {
    let mut seen = std::collections::HashSet::new();
    for change in changes {
        let bad = |reason: &str| StoreError::InvalidChange {
            path: change.path.clone(),
            reason: reason.to_string(),
        };
        let p = &change.path;
        if p.is_empty() {
            return Err(bad("the path is empty"));
        }
        if p.starts_with('/') || p.contains('\\') {
            return Err(bad(
                "use a path relative to the top of the record, with forward slashes",
            ));
        }
        if p.chars().any(|c| c.is_control()) {
            return Err(bad("the path contains control characters"));
        }
        for part in p.split('/') {
            if part.is_empty() || part == "." || part == ".." {
                return Err(bad(
                    "the path has an empty, '.' or '..' part: write it plainly, e.g. drafts/articles/x.md",
                ));
            }
            if part.eq_ignore_ascii_case(".git") {
                return Err(bad("git's own folder cannot be changed"));
            }
        }
        if !seen.insert(p.as_str()) {
            return Err(bad(
                "the path is changed twice in one amendment: give one change per file",
            ));
        }
    }
    Ok(())
}

/// Notes that the file at `path` went from `old` to `new`, if that changed anything.
fn moved(moves: &mut Vec<PathMove>, path: String, old: Version, new: Version) {
    if old != new {
        moves.push(PathMove { path, old, new });
    }
}

/// The changes grouped by folder.
#[derive(Default)]
struct Dir<'a> {
    files: BTreeMap<&'a str, Option<&'a [u8]>>,
    dirs: BTreeMap<&'a str, Dir<'a>>,
}

/// Builds the new root tree from `base` plus `changes`, touching only the trees on the
/// changed paths: O(changed paths × depth), whatever the size of the text.
pub(super) fn build_tree(
    repo: &Repository,
    base: &Tree<'_>,
    changes: &[FileChange],
) -> Result<Oid, StoreError> {
    Ok(build_tree_with_moves(repo, base, changes)?.0)
}

/// [`build_tree`], and the files whose contents or mode it changed, read from the trees as
/// they are rebuilt (the same as [`moves_between`] the two trees, without looking each path
/// up again in folders of hundreds of entries).
pub(super) fn build_tree_with_moves(
    repo: &Repository,
    base: &Tree<'_>,
    changes: &[FileChange],
) -> Result<(Oid, Vec<PathMove>), StoreError> {
    let mut root = Dir::default();
    for change in changes {
        let mut parts: Vec<&str> = change.path.split('/').collect();
        let file = parts.pop().unwrap_or_default();
        let mut dir = &mut root;
        for part in parts {
            dir = dir.dirs.entry(part).or_default();
        }
        dir.files.insert(file, change.content.as_deref());
    }
    let mut moves = Vec::new();
    let oid = match write_dir(repo, Some(base), &root, "", &mut moves)? {
        Some(oid) => oid,
        // Every file deleted: the empty tree.
        None => repo.treebuilder(None)?.write()?,
    };
    Ok((oid, moves))
}

fn write_dir(
    repo: &Repository,
    base: Option<&Tree<'_>>,
    dir: &Dir<'_>,
    prefix: &str,
    moves: &mut Vec<PathMove>,
) -> Result<Option<Oid>, StoreError> {
    let mut builder = repo.treebuilder(base)?;
    let join = |name: &str| {
        if prefix.is_empty() {
            name.to_string()
        } else {
            format!("{prefix}/{name}")
        }
    };
    for (name, content) in &dir.files {
        let full = join(name);
        if dir.dirs.contains_key(name) {
            return Err(StoreError::InvalidChange {
                path: full,
                reason: "the amendment writes both a file and a folder of that name".into(),
            });
        }
        let entry = builder.get(name)?;
        let existing = entry.as_ref().map(|e| e.filemode());
        let old = entry
            .filter(|e| e.kind() == Some(ObjectType::Blob))
            .map(|e| (e.id(), e.filemode()));
        let bad = |reason: &str| StoreError::InvalidChange {
            path: full.clone(),
            reason: reason.to_string(),
        };
        match (content, existing) {
            (_, Some(MODE_TREE)) => {
                return Err(bad(
                    "it is a folder in the text; change the files inside it instead",
                ));
            }
            (_, Some(mode)) if ![MODE_FILE, MODE_EXEC, MODE_LINK].contains(&mode) => {
                return Err(bad(
                    "it is a submodule or other special entry, which the store does not edit",
                ));
            }
            (Some(bytes), existing) => {
                let mode = if existing == Some(MODE_EXEC) {
                    MODE_EXEC
                } else {
                    MODE_FILE
                };
                let blob = repo.blob(bytes)?;
                builder.insert(name, blob, mode)?;
                moved(moves, full, old, Some((blob, mode)));
            }
            (None, Some(_)) => {
                builder.remove(name)?;
                moved(moves, full, old, None);
            }
            (None, None) => {
                return Err(bad(
                    "there is no such file in the text to delete; check the path against the current text",
                ));
            }
        }
    }
    for (name, sub) in &dir.dirs {
        let full = join(name);
        let existing = builder.get(name)?.map(|e| (e.filemode(), e.id()));
        let sub_base = match existing {
            None => None,
            Some((MODE_TREE, id)) => Some(repo.find_tree(id)?),
            Some(_) => {
                return Err(StoreError::InvalidChange {
                    path: full,
                    reason: "it is a file in the text, so it cannot hold other files".into(),
                });
            }
        };
        match write_dir(repo, sub_base.as_ref(), sub, &full, moves)? {
            Some(oid) => {
                builder.insert(name, oid, MODE_TREE)?;
            }
            None => {
                if existing.is_some() {
                    builder.remove(name)?;
                }
            }
        }
    }
    if builder.is_empty() {
        Ok(None)
    } else {
        Ok(Some(builder.write()?))
    }
}
