//! The negotiation as it stood at any commit: the draft read straight from a git tree,
//! without checking anything out.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::Path;

use git2::{ObjectType, Oid, Repository, Tree};

use super::{Store, StoreError};
use crate::draft::{Draft, DraftError, Loaded, ReadError, Source, source::decode};

/// Reads files of one commit's `drafts/` folder from the object database.
pub struct TreeSource<'r> {
    repo: &'r Repository,
    tree: Tree<'r>,
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
            dirs: RefCell::default(),
        })
    }

    /// Bytes of any file of the commit (path relative to the repository root).
    pub fn read_path(&self, rel: &str) -> Result<Vec<u8>, ReadError> {
        let plain = |p: &str| p.split('/').all(|c| !c.is_empty() && c != "." && c != "..");
        let entry = match rel.rsplit_once('/') {
            Some((dir, name)) if plain(rel) => {
                let mut dirs = self.dirs.borrow_mut();
                let folder = dirs.entry(dir.to_string()).or_insert_with(|| {
                    let e = self.tree.get_path(Path::new(dir)).ok()?;
                    self.repo.find_tree(e.id()).ok()
                });
                folder
                    .as_ref()
                    .and_then(|t| t.get_name(name).map(|e| e.to_owned()))
                    .ok_or(ReadError::Missing)?
            }
            _ => self
                .tree
                .get_path(Path::new(rel))
                .map_err(|_| ReadError::Missing)?,
        };
        if entry.kind() != Some(ObjectType::Blob) {
            return Err(ReadError::Missing);
        }
        let blob = self
            .repo
            .find_blob(entry.id())
            .map_err(|e| ReadError::Io(e.to_string()))?;
        Ok(blob.content().to_vec())
    }
}

impl Source for TreeSource<'_> {
    fn read(&self, rel: &str) -> Result<String, ReadError> {
        if !crate::draft::source::is_contained(rel) {
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
}

impl Store {
    /// The draft as it stood at `commit`.
    pub fn draft_at(&self, commit: Oid) -> Result<Loaded, SnapshotError> {
        let source = TreeSource::new(self.repo(), commit)?;
        Ok(Draft::load_from(&source)?)
    }

    /// Any file of `commit` as text (e.g. `drafts/tiers.ron`, `positions/eu.ron`), or
    /// `None` if it did not exist then.
    pub fn text_at(&self, commit: Oid, rel: &str) -> Result<Option<String>, SnapshotError> {
        let source = TreeSource::new(self.repo(), commit)?;
        match source.read_path(rel) {
            Ok(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).into_owned())),
            Err(_) => Ok(None),
        }
    }
}
