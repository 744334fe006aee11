//! Starting a negotiation: a record at the top of its folder (a new git repository, or
//! the one already there), and the zero draft as its first amendment, by the Chair,
//! through the one record path.

use std::path::{Path, PathBuf};

use git2::{Config, Repository};
use treaty_text::amendment::AmendmentKind;
use treaty_text::roster::CHAIR;

use crate::record::{self, Edit, NewAmendment, RecordError, Recorded};
use crate::store::{Store, StoreError};

/// Why the negotiation could not be started. Nothing is recorded in any case.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(
        "{} is inside the git repository at {}; a negotiation lives at the top of its repository: run `treaty init {}`, or choose a folder outside it",
        dir.display(), top.display(), top.display()
    )]
    InsideRepository { dir: PathBuf, top: PathBuf },
    #[error(
        "{path} is already in the repository's history: this repository already holds (part of) a negotiation; give another folder"
    )]
    AlreadyRecorded { path: String },
    #[error("cannot create {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Record(#[from] RecordError),
}

/// Creates the record at `dir` (or uses the repository at its top) and records `files`
/// (path relative to `dir` → text) as the zero draft, inserting `clauses`.
pub fn start(
    dir: &Path,
    files: &[(&str, &str)],
    clauses: &[&str],
) -> Result<(Store, Recorded), StartError> {
    let existing = Repository::discover(dir).ok();
    if existing.is_none() {
        // Without an identity the first commit would fail: say so before creating anything.
        let config = Config::open_default().map_err(StoreError::from)?;
        if config.get_string("user.name").is_err() || config.get_string("user.email").is_err() {
            return Err(StoreError::NoIdentity.into());
        }
    }
    std::fs::create_dir_all(dir).map_err(|source| StartError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let io = |source| StartError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let canonical = std::fs::canonicalize(dir).map_err(io)?;
    if let Some(top) = existing.as_ref().and_then(Repository::workdir) {
        let top = std::fs::canonicalize(top).map_err(io)?;
        if top != canonical {
            return Err(StartError::InsideRepository {
                dir: canonical,
                top,
            });
        }
    }
    let store = Store::init(&canonical)?;
    let head = store.head()?;
    for (path, _) in files {
        if store.read_file_at(head, path)?.is_some() {
            return Err(StartError::AlreadyRecorded {
                path: path.to_string(),
            });
        }
    }
    let zero = NewAmendment::of(
        Edit::Files {
            kind: AmendmentKind::Insert,
            clauses: clauses.iter().map(|c| c.to_string()).collect(),
            files: files
                .iter()
                .map(|(p, t)| (p.to_string(), Some(t.to_string())))
                .collect(),
        },
        [CHAIR],
    )
    .with_summary("Zero draft");
    let recorded = record::record_on(&store, &zero, head, None)?;
    Ok((store, recorded))
}
