//! The negotiation as it stood at any commit: the draft read straight from a git tree,
//! without checking anything out.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::path::Path;

use git2::{ErrorClass, ErrorCode, ObjectType, Oid, Repository, Tree};

use super::{Store, StoreError};
use treaty_text::draft::{
    ClausesOnly, Draft, DraftError, Loaded, ReadError, Source, source::decode,
};

/// Reads files of one commit's `drafts/` folder from the object database.
pub struct TreeSource<'r> {
    repo: &'r Repository,
    tree: Tree<'r>,
    /// The first file whose object could not be read (path, git's message): the record is
    /// damaged, which must not pass for a missing file.
    damaged: RefCell<Option<(String, String)>>,
    /// Folders already looked up (`drafts/articles`), so reading 300 articles reads their
    /// folder's tree once rather than once per article.
    dirs: RefCell<HashMap<String, Option<Tree<'r>>>>,
}

impl<'r> TreeSource<'r> {
    pub fn new(repo: &'r Repository, commit: Oid) -> Result<Self, git2::Error> {
        let tree = repo.find_commit(commit)?.tree()?;
        Ok(Self {
            repo,
            tree,
            damaged: RefCell::new(None),
            dirs: RefCell::default(),
        })
    }

    /// Bytes of any file of the commit (path relative to the repository root).
    pub fn read_path(&self, rel: &str) -> Result<Vec<u8>, ReadError> {
        let plain = |p: &str| p.split('/').all(|c| !c.is_empty() && c != "." && c != "..");
        let entry = match rel.rsplit_once('/') {
            Some((dir, name)) if plain(rel) => {
                let mut dirs = self.dirs.borrow_mut();
                let folder = match dirs.get(dir) {
                    Some(folder) => folder,
                    None => {
                        let tree = match self.tree.get_path(Path::new(dir)) {
                            Ok(e) if e.kind() == Some(ObjectType::Tree) => Some(
                                self.repo
                                    .find_tree(e.id())
                                    .map_err(|e| self.note_damage(dir, e))?,
                            ),
                            Ok(_) => None,
                            Err(e) if e.code() == ErrorCode::NotFound => None,
                            Err(e) => return Err(self.note_damage(rel, e)),
                        };
                        dirs.entry(dir.to_string()).or_insert(tree)
                    }
                };
                folder
                    .as_ref()
                    .and_then(|t| t.get_name(name).map(|e| e.to_owned()))
                    .ok_or(ReadError::Missing)?
            }
            _ => match self.tree.get_path(Path::new(rel)) {
                Ok(entry) => entry,
                Err(e) if e.code() == ErrorCode::NotFound => return Err(ReadError::Missing),
                Err(e) => return Err(self.note_damage(rel, e)),
            },
        };
        if entry.kind() != Some(ObjectType::Blob) {
            return Err(ReadError::Missing);
        }
        // A link's blob is the path it points to; never read it as the file's text.
        if entry.filemode() == 0o120000 {
            return Err(ReadError::Link);
        }
        let blob = self
            .repo
            .find_blob(entry.id())
            .map_err(|e| self.note_damage(rel, e))?;
        Ok(blob.content().to_vec())
    }

    /// The first unreadable object met so far, as (path, git's message).
    pub fn damage(&self) -> Option<(String, String)> {
        self.damaged.borrow().clone()
    }

    fn note_damage(&self, rel: &str, e: git2::Error) -> ReadError {
        let message = e.message().to_string();
        self.damaged
            .borrow_mut()
            .get_or_insert_with(|| (rel.to_string(), message.clone()));
        ReadError::Io(message)
    }
}

impl Source for TreeSource<'_> {
    fn read(&self, rel: &str) -> Result<String, ReadError> {
        if !treaty_text::draft::source::is_contained(rel) {
            return Err(ReadError::Outside);
        }
        decode(self.read_path(&format!("drafts/{rel}"))?)
    }
}

/// Why the draft at a commit could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Git(#[from] git2::Error),
    #[error(transparent)]
    Draft(#[from] DraftError),
    #[error(
        "the record is damaged: {path} at commit {commit} cannot be read ({message}): run `git fsck --full` to see what is broken, and restore the record from another clone or a backup"
    )]
    Damaged {
        commit: Oid,
        path: String,
        message: String,
    },
}

/// A git error reading `commit` itself: damage when the object database is at fault.
fn open_error(commit: Oid, e: git2::Error) -> SnapshotError {
    if matches!(
        e.class(),
        ErrorClass::Odb | ErrorClass::Zlib | ErrorClass::Object
    ) && e.code() != ErrorCode::NotFound
    {
        SnapshotError::Damaged {
            commit,
            path: "the commit or its folders".to_string(),
            message: e.message().to_string(),
        }
    } else {
        SnapshotError::Git(e)
    }
}

/// Turns off libgit2's hash check of each object read, for as long as any lives. git
/// itself does not re-hash objects it reads (`git fsck` does); objects that arrive from
/// elsewhere are checked when fetched or received. `treaty verify` keeps the check.
///
/// The switch is one global of libgit2's, and two drafts are often read on two threads at
/// once: the readers are counted, and the check comes back only when the last one ends
/// (before, the first to end turned it back on under the other, which then hashed every
/// object it read: a fifth more work for a round-to-round `treaty diff`, now and then).
pub(crate) struct FastReads;

static FAST_READERS: std::sync::Mutex<usize> = std::sync::Mutex::new(0);

impl FastReads {
    pub(crate) fn start() -> FastReads {
        let mut readers = FAST_READERS.lock().unwrap_or_else(|e| e.into_inner());
        if *readers == 0 {
            git2::opts::strict_hash_verification(false);
        }
        *readers += 1;
        FastReads
    }
}

impl Drop for FastReads {
    fn drop(&mut self) {
        let mut readers = FAST_READERS.lock().unwrap_or_else(|e| e.into_inner());
        *readers -= 1;
        if *readers == 0 {
            git2::opts::strict_hash_verification(true);
        }
    }
}

/// Lets libgit2 keep folders (trees) of up to 1 MiB in its object cache for the rest of
/// the process; its default is 4 KiB, so the 320 entries of `drafts/articles` at UN scale
/// (20 KB) were read and inflated again by every lookup, five times in one amendment. For
/// one-shot commands: a long-lived process would keep every large folder it reads (up to
/// libgit2's 256 MiB cache). libgit2's setting is global: call it before any thread starts.
pub fn cache_large_folders() {
    // SAFETY: libgit2 reads the limit without synchronisation; the caller runs this before
    // any other thread exists, so nothing reads it concurrently. Only a saving: if it is
    // refused, every lookup reads the folder again, as before.
    let _ = unsafe { git2::opts::set_cache_object_limit(ObjectType::Tree, 1 << 20) };
}

impl Store {
    /// The draft as it stood at `commit`.
    pub fn draft_at(&self, commit: Oid) -> Result<Loaded, SnapshotError> {
        self.read_draft(commit, |source| Draft::load_from(source))
    }

    /// `treaty.md` and those included files `wanted` picks, as they stood at `commit`
    /// ([`Draft::load_part`]).
    pub fn draft_part_at(
        &self,
        commit: Oid,
        wanted: &dyn Fn(&str) -> bool,
    ) -> Result<Draft, SnapshotError> {
        self.read_draft(commit, |source| Draft::load_part(source, wanted))
    }

    /// The clauses of the draft at `commit`, for reading and comparing versions
    /// ([`Draft::load_clauses`]); `wanted` as for [`Store::draft_part_at`].
    pub fn clauses_at(
        &self,
        commit: Oid,
        wanted: Option<&dyn Fn(&str) -> bool>,
    ) -> Result<ClausesOnly, SnapshotError> {
        self.read_draft(commit, |source| Draft::load_clauses(source, wanted))
    }

    /// One included file of `commit` as a draft of its own ([`Draft::load_file_alone`]):
    /// neither `treaty.md` nor any other file is read.
    pub fn draft_file_alone_at(&self, commit: Oid, file: &str) -> Result<Draft, SnapshotError> {
        self.read_draft(commit, |source| Draft::load_file_alone(source, file))
    }

    /// What `load` reads from `commit`'s tree (objects not re-hashed, as git reads them),
    /// or the first file whose object could not be read: the record is damaged.
    fn read_draft<T>(
        &self,
        commit: Oid,
        load: impl FnOnce(&TreeSource<'_>) -> Result<T, DraftError>,
    ) -> Result<T, SnapshotError> {
        let _fast = FastReads::start();
        let source = TreeSource::new(self.repo(), commit).map_err(|e| open_error(commit, e))?;
        let read = load(&source)?;
        match source.damage() {
            Some((path, message)) => Err(SnapshotError::Damaged {
                commit,
                path,
                message,
            }),
            None => Ok(read),
        }
    }

    /// Any file of `commit` as text (e.g. `drafts/tiers.ron`, `positions/eu.ron`), or
    /// `None` if it did not exist then.
    pub fn text_at(&self, commit: Oid, rel: &str) -> Result<Option<String>, SnapshotError> {
        let source = TreeSource::new(self.repo(), commit).map_err(|e| open_error(commit, e))?;
        match source.read_path(rel) {
            Ok(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).into_owned())),
            Err(_) => match source.damage() {
                Some((path, message)) => Err(SnapshotError::Damaged {
                    commit,
                    path,
                    message,
                }),
                None => Ok(None),
            },
        }
    }

    /// The files under `drafts/` (paths below it, as `treaty.md` includes them) that hold
    /// the same bytes at commits `a` and `b`, read from the trees alone: a sub-folder with
    /// the same id on both sides is listed whole, any other is compared entry by entry (git
    /// keeps entries sorted; each is found by name), and no path is built for a file that
    /// differs. An error names the commit whose tree could not be read.
    pub fn same_draft_files(&self, a: Oid, b: Oid) -> Result<HashSet<String>, (Oid, StoreError)> {
        let drafts = |commit: Oid| -> Result<Option<Tree<'_>>, StoreError> {
            let tree = self.repo().find_commit(commit)?.tree()?;
            match tree.get_name("drafts") {
                Some(e) if e.kind() == Some(ObjectType::Tree) => {
                    Ok(Some(self.repo().find_tree(e.id())?))
                }
                _ => Ok(None),
            }
        };
        let mut same = HashSet::new();
        let (Some(ta), Some(tb)) = (
            drafts(a).map_err(|e| (a, e))?,
            drafts(b).map_err(|e| (b, e))?,
        ) else {
            return Ok(same);
        };
        self.same_files_in(&ta, &tb, "", &mut same)
            .map_err(|(side_a, e)| (if side_a { a } else { b }, e.into()))?;
        Ok(same)
    }

    /// [`Store::same_draft_files`] below two versions `a` and `b` of one folder at
    /// `prefix`. An error says whether it was `a`'s side.
    fn same_files_in(
        &self,
        a: &Tree<'_>,
        b: &Tree<'_>,
        prefix: &str,
        same: &mut HashSet<String>,
    ) -> Result<(), (bool, git2::Error)> {
        let whole = a.id() == b.id();
        for eb in b.iter() {
            let Ok(name) = eb.name() else { continue };
            let path = || format!("{prefix}{name}");
            match eb.kind() {
                Some(ObjectType::Blob) => {
                    let kept = whole
                        || a.get_name(name).is_some_and(|ea| {
                            ea.kind() == Some(ObjectType::Blob) && ea.id() == eb.id()
                        });
                    if kept {
                        same.insert(path());
                    }
                }
                Some(ObjectType::Tree) => {
                    let sub_b = self.repo().find_tree(eb.id()).map_err(|e| (false, e))?;
                    let sub_a = if whole {
                        Some(sub_b.clone())
                    } else {
                        match a.get_name(name) {
                            Some(ea) if ea.kind() == Some(ObjectType::Tree) => {
                                Some(self.repo().find_tree(ea.id()).map_err(|e| (true, e))?)
                            }
                            _ => None,
                        }
                    };
                    if let Some(sub_a) = sub_a {
                        self.same_files_in(&sub_a, &sub_b, &format!("{}/", path()), same)?;
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// The id of the file at `rel` (`drafts/treaty.md`) at `commit`, if it was a file then:
    /// equal ids, equal bytes.
    pub fn file_id_at(&self, commit: Oid, rel: &str) -> Result<Option<Oid>, StoreError> {
        self.entry_id_at(commit, rel, ObjectType::Blob)
    }

    /// The id of `folder`'s tree at `commit`, if it existed then: equal ids, equal contents.
    pub fn folder_id_at(&self, commit: Oid, folder: &str) -> Result<Option<Oid>, StoreError> {
        self.entry_id_at(commit, folder, ObjectType::Tree)
    }

    /// The id of the entry at `rel` at `commit`, if there was one of that `kind`.
    fn entry_id_at(
        &self,
        commit: Oid,
        rel: &str,
        kind: ObjectType,
    ) -> Result<Option<Oid>, StoreError> {
        let tree = self.repo().find_commit(commit)?.tree()?;
        Ok(tree
            .get_path(Path::new(rel))
            .ok()
            .filter(|e| e.kind() == Some(kind))
            .map(|e| e.id()))
    }

    /// The files directly in `folder` at `commit` (name → bytes), in name order; none
    /// when the folder did not exist. Sub-folders and unreadable entries are skipped.
    pub fn files_in_folder_at(
        &self,
        commit: Oid,
        folder: &str,
    ) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        let repo = self.repo();
        let tree = repo.find_commit(commit)?.tree()?;
        let Ok(entry) = tree.get_path(std::path::Path::new(folder)) else {
            return Ok(Vec::new());
        };
        let Ok(folder) = repo.find_tree(entry.id()) else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for item in folder.iter() {
            let (Ok(name), Some(git2::ObjectType::Blob)) = (item.name(), item.kind()) else {
                continue;
            };
            if let Ok(blob) = repo.find_blob(item.id()) {
                out.push((name.to_string(), blob.content().to_vec()));
            }
        }
        Ok(out)
    }
}
