//! The work tree and the index follow the branch, and a killed process never leaves them
//! half way.
//!
//! Moving the branch from one commit to another ([`Store::switch`]) touches three things
//! git keeps apart: the files on disk, the index, and the branch. No order of writes makes
//! the three change at once, so the switch is journalled:
//!
//! 1. the journal (`.git/treaty/journal`: the branch, the old and new commits, the paths)
//!    is written;
//! 2. the changed files are written (each through a temporary file and a rename) and the
//!    index entries updated — only where they still hold the old version: a file the user
//!    has edited is left alone;
//! 3. the branch moves by compare-and-swap;
//! 4. the journal is removed.
//!
//! Any failure before step 4 (a full disk, a read-only folder, the branch moved by someone
//! else) puts the files and index back and removes the journal: the old state, and an
//! error naming the path. A process killed anywhere leaves the journal behind; the next
//! store opened on the record ([`Store::recover`], under the store's lock) finishes the
//! switch if the branch moved, or puts the files back if it did not, so every command
//! afterwards sees the old state or the new, never a mix.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use git2::{ErrorCode, IndexEntry, IndexTime, ObjectType, Oid, Tree};

use super::{Store, StoreError};
use treaty_text::fsutil::{WriteOptions, fault_point, write_atomic_with};

const MODE_FILE: i32 = 0o100644;
const MODE_EXEC: i32 = 0o100755;

/// A version of one path: its blob and file mode; `None` when the path is absent.
pub(crate) type Version = Option<(Oid, i32)>;

/// One path's version before and after: the blob and file mode, `None` when absent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PathMove {
    pub path: String,
    pub old: Version,
    pub new: Version,
}

/// What the work tree did when the branch moved.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Followed {
    /// Paths whose file on disk held the user's own edits: left as they are.
    pub kept_local_edits: Vec<String>,
}

/// The blob (and mode) at `path` in `tree`.
pub(crate) fn entry_at(tree: &Tree<'_>, path: &str) -> Version {
    tree.get_path(Path::new(path))
        .ok()
        .filter(|e| e.kind() == Some(ObjectType::Blob))
        .map(|e| (e.id(), e.filemode()))
}

/// The moves for `paths` between two trees.
pub(crate) fn moves_between(old: &Tree<'_>, new: &Tree<'_>, paths: &[String]) -> Vec<PathMove> {
    paths
        .iter()
        .map(|p| PathMove {
            path: p.clone(),
            old: entry_at(old, p),
            new: entry_at(new, p),
        })
        .filter(|m| m.old != m.new)
        .collect()
}

/// A write that failed, with the path it was for.
fn failed(path: &Path, e: io::Error) -> StoreError {
    StoreError::Io {
        path: path.to_path_buf(),
        source: e,
    }
}

const JOURNAL: &str = "treaty/journal";

/// The journal of one branch switch in progress.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Journal {
    branch: String,
    old: Oid,
    new: Oid,
    paths: Vec<String>,
}

impl Journal {
    fn text(&self) -> String {
        let mut t = format!(
            "treaty-journal 1\nbranch {}\nold {}\nnew {}\n",
            self.branch, self.old, self.new
        );
        for p in &self.paths {
            t.push_str("path ");
            t.push_str(p);
            t.push('\n');
        }
        t
    }

    fn parse(text: &str) -> Option<Journal> {
        let mut lines = text.lines();
        if lines.next()? != "treaty-journal 1" {
            return None;
        }
        let mut field = |name: &str| {
            lines
                .next()
                .and_then(|l| l.strip_prefix(name))
                .and_then(|l| l.strip_prefix(' '))
                .map(str::to_string)
        };
        let branch = field("branch")?;
        let old = Oid::from_str(&field("old")?).ok()?;
        let new = Oid::from_str(&field("new")?).ok()?;
        let paths = text
            .lines()
            .filter_map(|l| l.strip_prefix("path "))
            .map(str::to_string)
            .collect();
        Some(Journal {
            branch,
            old,
            new,
            paths,
        })
    }
}

impl Store {
    fn journal_path(&self) -> PathBuf {
        self.repo.path().join(JOURNAL)
    }

    /// Moves the branch from `old` to `new` (compare-and-swap) with the files on disk and
    /// the index following for `moves`, journalled as the module explains. Must be called
    /// under the store's lock. On an error nothing has changed.
    pub(crate) fn switch(
        &self,
        old: Oid,
        new: Oid,
        moves: &[PathMove],
        log: &str,
    ) -> Result<Followed, StoreError> {
        let journal = Journal {
            branch: self.branch.clone(),
            old,
            new,
            paths: moves.iter().map(|m| m.path.clone()).collect(),
        };
        let path = self.journal_path();
        // The index as it was, to be put back byte for byte if the branch cannot move.
        let index_path = self.repo.path().join("index");
        let saved_index = fs::read(&index_path).ok();
        // Not flushed to disk: the journal is for a killed process, whose writes the
        // system still holds. A power cut can lose the objects and branch it names as
        // well (git and libgit2 do not flush those by default), so a flushed journal alone
        // would promise nothing more, at the cost of a disk wait on every amendment.
        let options = WriteOptions {
            executable: None,
            durable: false,
        };
        write_atomic_with(&path, journal.text().as_bytes(), options)
            .map_err(|e| failed(&path, e))?;
        let result = self
            .follow(moves, Direction::Forward)
            .and_then(|(followed, written)| {
                fault_point();
                let moved = self.move_branch(old, new, log);
                match moved {
                    Ok(()) => Ok(followed),
                    Err(e) => {
                        self.undo_files(moves, &written, Direction::Forward);
                        if let Some(bytes) = &saved_index {
                            let _ = treaty_text::fsutil::write_atomic(&index_path, bytes);
                        }
                        Err(e)
                    }
                }
            });
        // The journal goes last: after a kill it says what to finish or undo.
        fault_point();
        let _ = fs::remove_file(&path);
        result
    }

    /// Which of `paths` hold, on disk, something other than their version in `tree`: the
    /// user's uncommitted edits (or an untracked file where a new one would go).
    pub(crate) fn edited_paths(
        &self,
        tree: &Tree<'_>,
        paths: &[String],
    ) -> Result<Vec<String>, StoreError> {
        let workdir = self.workdir().to_path_buf();
        let mut edited = Vec::new();
        for path in paths {
            let disk = workdir.join(path);
            let current = match fs::symlink_metadata(&disk) {
                Ok(meta) if meta.is_file() => Some(fs::read(&disk).map_err(|e| failed(&disk, e))?),
                Ok(_) => {
                    edited.push(path.clone());
                    continue;
                }
                Err(_) => None,
            };
            let Some(bytes) = current else { continue };
            let id = Oid::hash_object(ObjectType::Blob, &bytes)?;
            if entry_at(tree, path).map(|e| e.0) != Some(id) {
                edited.push(path.clone());
            }
        }
        Ok(edited)
    }

    /// Brings the files of `moves` on disk and in the index from one side to the other,
    /// where they still hold the side they come from. On an error, what was written is
    /// put back before returning. Returns what was kept and the paths written.
    fn follow(
        &self,
        moves: &[PathMove],
        direction: Direction,
    ) -> Result<(Followed, Vec<usize>), StoreError> {
        let workdir = self.workdir().to_path_buf();
        let mut followed = Followed::default();
        let mut written = Vec::new();
        let mut index_moves = Vec::new();
        for (k, m) in moves.iter().enumerate() {
            let (from, to) = direction.sides(m);
            let disk = workdir.join(&m.path);
            match self.follow_file(&workdir, &disk, from, to) {
                Ok(FileState::Written) => {
                    written.push(k);
                    index_moves.push((k, true));
                }
                Ok(FileState::AlreadyThere) => index_moves.push((k, true)),
                Ok(FileState::Kept) => {
                    followed.kept_local_edits.push(m.path.clone());
                    index_moves.push((k, false));
                }
                Err(e) => {
                    self.undo_files(moves, &written, direction);
                    return Err(failed(&disk, e));
                }
            }
        }
        if let Err(e) = self.follow_index(&workdir, moves, &index_moves, direction) {
            self.undo_files(moves, &written, direction);
            return Err(e);
        }
        Ok((followed, written))
    }

    fn undo_files(&self, moves: &[PathMove], written: &[usize], direction: Direction) {
        let workdir = self.workdir().to_path_buf();
        for &k in written {
            let m = &moves[k];
            let (from, to) = direction.sides(m);
            let disk = workdir.join(&m.path);
            let _ = self.follow_file(&workdir, &disk, to, from);
        }
    }

    /// Writes `to` at `disk` if the file holds `from` (or is missing where `from` is);
    /// leaves it alone if it holds anything else.
    fn follow_file(
        &self,
        workdir: &Path,
        disk: &Path,
        from: Version,
        to: Version,
    ) -> io::Result<FileState> {
        let current = match fs::symlink_metadata(disk) {
            Ok(meta) if meta.is_file() => Some(fs::read(disk)?),
            Ok(_) => return Ok(FileState::Kept), // a folder or a link where the file goes
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            // A file where a parent folder should be.
            Err(e) if e.kind() == io::ErrorKind::NotADirectory => return Ok(FileState::Kept),
            Err(e) => return Err(e),
        };
        let hash =
            |bytes: &[u8]| Oid::hash_object(ObjectType::Blob, bytes).map_err(io::Error::other);
        let current_id = current.as_deref().map(hash).transpose()?;
        if current_id == to.map(|t| t.0) {
            return Ok(FileState::AlreadyThere);
        }
        // A file that holds something else is the user's; a missing one is recreated.
        if current_id.is_some() && current_id != from.map(|f| f.0) {
            return Ok(FileState::Kept);
        }
        match to {
            Some((blob, mode)) => {
                let bytes = self
                    .repo
                    .find_blob(blob)
                    .map_err(io::Error::other)?
                    .content()
                    .to_vec();
                write_atomic_with(
                    disk,
                    &bytes,
                    WriteOptions {
                        executable: Some(mode == MODE_EXEC),
                        durable: false,
                    },
                )?;
            }
            None => {
                fs::remove_file(disk)?;
                remove_empty_parents(workdir, disk);
            }
        }
        Ok(FileState::Written)
    }

    /// Updates the index entries of `moves` that still hold the side they come from;
    /// `(k, on_disk)` says whether the file on disk now holds the new side (so its stat
    /// data can go into the entry).
    fn follow_index(
        &self,
        workdir: &Path,
        moves: &[PathMove],
        which: &[(usize, bool)],
        direction: Direction,
    ) -> Result<(), StoreError> {
        // Read again only if the file changed since this handle read it: every write of
        // the index (ours, git's) renames a new file into place, so a change is always seen.
        // A forced read would hash the whole index a second time on every amendment.
        let mut index = self.repo.index()?;
        index.read(false)?;
        let mut dirty = false;
        for &(k, on_disk) in which {
            let m = &moves[k];
            let (from, to) = direction.sides(m);
            let path = Path::new(&m.path);
            let conflicted = (1..=3).any(|stage| index.get_path(path, stage).is_some());
            let current = index.get_path(path, 0).map(|e| e.id);
            if conflicted || current != from.map(|f| f.0) {
                // Staged by the user (or unmerged): theirs to keep.
                continue;
            }
            match to {
                None => {
                    if current.is_some() {
                        index.remove_path(path)?;
                        dirty = true;
                    }
                }
                Some((blob, mode)) => {
                    let size = self.repo.find_blob(blob)?.size();
                    let mut entry = stat_entry(on_disk.then(|| workdir.join(&m.path)).as_deref());
                    entry.mode = if mode == MODE_EXEC {
                        MODE_EXEC
                    } else {
                        MODE_FILE
                    } as u32;
                    entry.file_size = size as u32;
                    entry.id = blob;
                    entry.path = m.path.as_bytes().to_vec();
                    index.add(&entry)?;
                    dirty = true;
                }
            }
        }
        if !dirty {
            return Ok(());
        }
        fault_point();
        let started = Instant::now();
        loop {
            match index.write() {
                Err(e)
                    if e.code() == ErrorCode::Locked
                        && started.elapsed() < super::commit::lock_timeout() =>
                {
                    std::thread::sleep(Duration::from_millis(5));
                }
                Err(e) if e.code() == ErrorCode::Locked => {
                    return Err(StoreError::Locked {
                        path: self.repo.path().join("index.lock"),
                    });
                }
                Err(e) => {
                    // libgit2 says "failed to write index"; the OS's reason is in the
                    // message, and the path is the index.
                    return Err(StoreError::Io {
                        path: self.repo.path().join("index"),
                        source: io::Error::other(e.message().to_string()),
                    });
                }
                Ok(()) => return Ok(()),
            }
        }
    }

    /// Finishes or undoes a branch switch a killed process left behind (see the module
    /// documentation), and removes its stale locks and temporary files. Returns notices
    /// for the user; does nothing when another process holds the store's lock.
    pub fn recover(&self) -> Vec<String> {
        let mut notices = Vec::new();
        // Opening a record writes nothing unless something was left behind.
        if !self.journal_path().exists() && !self.has_stale_temporaries() {
            return notices;
        }
        let Ok(Some(_lock)) = super::lock::StoreLock::try_acquire(self.repo.path()) else {
            return notices;
        };
        notices.extend(self.clean_stale_temporaries());
        let path = self.journal_path();
        let Ok(text) = fs::read_to_string(&path) else {
            return notices;
        };
        let Some(journal) = Journal::parse(&text) else {
            let _ = fs::remove_file(&path);
            return notices;
        };
        // A process that died while writing the index leaves its lock behind: ours, since
        // the journal is.
        let index_lock = self.repo.path().join("index.lock");
        if index_lock.exists() && fs::remove_file(&index_lock).is_ok() {
            notices.push(format!(
                "removed {}, left by an interrupted treaty command",
                index_lock.display()
            ));
        }
        let moves = match self.journal_moves(&journal) {
            Ok(m) => m,
            Err(e) => {
                notices.push(format!(
                    "an interrupted amendment could not be checked ({e}); run `git status`"
                ));
                let _ = fs::remove_file(&path);
                return notices;
            }
        };
        let tip = self.repo.refname_to_id(&journal.branch).ok();
        if tip == Some(journal.new) {
            match self.follow(&moves, Direction::Forward) {
                Ok(_) => notices.push(format!(
                    "finished bringing the work tree up to {}, which an interrupted treaty command had recorded",
                    short(journal.new)
                )),
                Err(e) => {
                    notices.push(format!(
                        "the work tree could not be brought up to {} after an interrupted command: {e}; run `treaty` again once that is fixed",
                        short(journal.new)
                    ));
                    return notices;
                }
            }
        } else if tip == Some(journal.old) {
            match self.follow(&moves, Direction::Back) {
                Ok(_) => notices.push(
                    "an interrupted treaty command recorded nothing; its files were put back as they were"
                        .to_string(),
                ),
                Err(e) => {
                    notices.push(format!(
                        "the files of an interrupted treaty command could not be put back: {e}; run `treaty` again once that is fixed"
                    ));
                    return notices;
                }
            }
        } else {
            notices.push(format!(
                "an interrupted treaty command left a journal, but {} has moved since; check `git status`",
                journal.branch
            ));
        }
        let _ = fs::remove_file(&path);
        notices
    }

    fn journal_moves(&self, journal: &Journal) -> Result<Vec<PathMove>, git2::Error> {
        let old = self.repo.find_commit(journal.old)?.tree()?;
        let new = self.repo.find_commit(journal.new)?.tree()?;
        Ok(moves_between(&old, &new, &journal.paths))
    }
}

/// Which way a switch goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Direction {
    Forward,
    Back,
}

impl Direction {
    /// (from, to) for a move.
    fn sides(self, m: &PathMove) -> (Version, Version) {
        match self {
            Direction::Forward => (m.old, m.new),
            Direction::Back => (m.new, m.old),
        }
    }
}

enum FileState {
    Written,
    AlreadyThere,
    Kept,
}

fn short(oid: Oid) -> String {
    oid.to_string()[..10].to_string()
}

/// Git does not keep empty folders; neither do we after deleting the last file in one.
fn remove_empty_parents(workdir: &Path, file: &Path) {
    let mut dir = file.parent();
    while let Some(d) = dir {
        if d == workdir || !d.starts_with(workdir) || fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

/// An index entry carrying the file's stat data when we know the file on disk is the
/// new version (so `git status` need not rehash it); zeros otherwise, which makes git
/// compare contents.
fn stat_entry(path: Option<&Path>) -> IndexEntry {
    let mut entry = IndexEntry {
        ctime: IndexTime::new(0, 0),
        mtime: IndexTime::new(0, 0),
        dev: 0,
        ino: 0,
        mode: 0,
        uid: 0,
        gid: 0,
        file_size: 0,
        id: Oid::ZERO_SHA1,
        flags: 0,
        flags_extended: 0,
        path: Vec::new(),
    };
    #[cfg(unix)]
    if let Some(meta) = path.and_then(|p| fs::metadata(p).ok()) {
        use std::os::unix::fs::MetadataExt;
        entry.ctime = IndexTime::new(meta.ctime() as i32, meta.ctime_nsec() as u32);
        entry.mtime = IndexTime::new(meta.mtime() as i32, meta.mtime_nsec() as u32);
        entry.dev = meta.dev() as u32;
        entry.ino = meta.ino() as u32;
        entry.uid = meta.uid();
        entry.gid = meta.gid();
    }
    #[cfg(not(unix))]
    let _ = path;
    entry
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_journal_reads_back() {
        let j = Journal {
            branch: "refs/heads/main".into(),
            old: Oid::from_str("1111111111111111111111111111111111111111").unwrap(),
            new: Oid::from_str("2222222222222222222222222222222222222222").unwrap(),
            paths: vec!["drafts/a.md".into(), "drafts/articles/b c.md".into()],
        };
        assert_eq!(Journal::parse(&j.text()), Some(j));
        assert_eq!(Journal::parse("garbage"), None);
    }
}
