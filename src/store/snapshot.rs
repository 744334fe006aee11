//! The negotiation as it stood at any commit: the draft read straight from a git tree,
//! without checking anything out.

use std::path::Path;

use git2::{ObjectType, Oid, Repository, Tree};

use super::{Store, StoreError};
use crate::draft::{Draft, DraftError, Loaded, ReadError, Source, source::decode};

/// Reads files of one commit's `drafts/` folder from the object database.
pub struct TreeSource<'r> {
    repo: &'r Repository,
    tree: Tree<'r>,
}

impl<'r> TreeSource<'r> {
    pub fn new(repo: &'r Repository, commit: Oid) -> Result<Self, git2::Error> {
        let tree = repo.find_commit(commit)?.tree()?;
        Ok(Self { repo, tree })
    }

    /// Bytes of any file of the commit (path relative to the repository root).
    pub fn read_path(&self, rel: &str) -> Result<Vec<u8>, ReadError> {
        let entry = self
            .tree
            .get_path(Path::new(rel))
            .map_err(|_| ReadError::Missing)?;
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
