//! Recording a negotiation's history from its successive official drafts: the plan
//! (`treaty_text::import::archive`: read, aligned and rendered in memory) written into a
//! new record, one amendment by the Chair per version, each tagged `round/<label>`.
//!
//! Each version goes through the one record path ([`crate::record`]) with the files it
//! changes; a failure removes what was written, so the folder is left as it was found.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use treaty_text::amendment::AmendmentKind;
use treaty_text::import::archive::{self, ArchiveError, DraftVersion, Planned, VersionReport};
use treaty_text::roster::CHAIR;

use crate::record::{self, Edit, NewAmendment, RecordError};
use crate::store::{Clock, Oid, Signature, Store, StoreError, Time};

/// The name and address on every imported commit and round tag.
pub const AUTHOR_NAME: &str = "Archive import";
pub const AUTHOR_EMAIL: &str = "archive-import@treaty.invalid";

/// Why the history could not be imported. Nothing is left behind in any case.
#[derive(Debug, thiserror::Error)]
pub enum ImportHistoryError {
    #[error(transparent)]
    Plan(#[from] ArchiveError),
    #[error(
        "{} is not empty: import the history into a new or empty folder (it becomes a new record)",
        path.display()
    )]
    NotEmpty { path: PathBuf },
    #[error("recording draft \"{label}\": {source}")]
    Record {
        label: String,
        #[source]
        source: RecordError,
    },
    #[error("creating the record in {}: {source}", path.display())]
    Store {
        path: PathBuf,
        #[source]
        source: StoreError,
    },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// One version as recorded.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportedVersion {
    pub report: VersionReport,
    pub commit: Oid,
}

/// The whole import.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportReport {
    pub dir: PathBuf,
    pub versions: Vec<ImportedVersion>,
}

impl fmt::Display for ImportedVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let commit = self.commit.to_string();
        writeln!(f, "{}", self.report.headline(&commit[..10]))?;
        f.write_str(&self.report.details())
    }
}

/// Imports `versions` (oldest first) into a new record at `dir`, one commit per version,
/// tagged `round/<label>`.
pub fn import_history(
    versions: &[DraftVersion],
    dir: impl AsRef<Path>,
) -> Result<ImportReport, ImportHistoryError> {
    let dir = dir.as_ref();
    let planned = archive::plan(versions)?;
    let existed = match std::fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(ImportHistoryError::NotEmpty {
                    path: dir.to_path_buf(),
                });
            }
            true
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
        Err(_) if dir.exists() => {
            return Err(ImportHistoryError::NotEmpty {
                path: dir.to_path_buf(),
            });
        }
        Err(source) => {
            return Err(ImportHistoryError::Io {
                path: dir.to_path_buf(),
                source,
            });
        }
    };
    match write(&planned, dir) {
        Ok(versions) => Ok(ImportReport {
            dir: dir.to_path_buf(),
            versions,
        }),
        Err(e) => {
            // Leave the folder as we found it: absent, or empty.
            if existed {
                if let Ok(entries) = std::fs::read_dir(dir) {
                    for entry in entries.flatten() {
                        let p = entry.path();
                        let _ = if p.is_dir() {
                            std::fs::remove_dir_all(&p)
                        } else {
                            std::fs::remove_file(&p)
                        };
                    }
                }
            } else {
                let _ = std::fs::remove_dir_all(dir);
            }
            Err(e)
        }
    }
}

/// Creates the record and records every planned version.
fn write(planned: &[Planned], dir: &Path) -> Result<Vec<ImportedVersion>, ImportHistoryError> {
    let first_time = planned.first().map_or(0, |p| p.time);
    let store = Store::init_as(
        dir,
        (AUTHOR_NAME, AUTHOR_EMAIL),
        Clock::Stepping {
            next: first_time,
            step: 0,
            offset_minutes: 0,
        },
    )
    .map_err(|source| ImportHistoryError::Store {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut out = Vec::with_capacity(planned.len());
    let mut previous: BTreeMap<String, String> = BTreeMap::new();
    for p in planned {
        let failed = |source| ImportHistoryError::Record {
            label: p.label.clone(),
            source,
        };
        let files = p.files();
        let mut edits: BTreeMap<String, Option<String>> = files
            .iter()
            .map(|(path, text)| (path.clone(), Some(text.clone())))
            .collect();
        for path in previous.keys() {
            if !files.contains_key(path) {
                edits.insert(path.clone(), None);
            }
        }
        let new = NewAmendment::of(
            Edit::Files {
                kind: AmendmentKind::Replace,
                clauses: p.report.changed.clone(),
                files: edits,
            },
            [CHAIR],
        )
        .with_round(p.round.clone())
        .with_summary(format!("{}: the official draft", p.label))
        .with_body(p.report.details())
        .with_derived_id(format!("archive-import:{}", p.round));
        let sig = Signature::new(AUTHOR_NAME, AUTHOR_EMAIL, &Time::new(p.time, 0))
            .map_err(|e| failed(StoreError::from(e).into()))?;
        let parent = store.head().map_err(|e| failed(e.into()))?;
        let recorded = record::record_on(&store, &new, parent, Some(&sig)).map_err(failed)?;
        store
            .start_round_as(&p.round, &format!("Round {}: {}", p.round, p.label), &sig)
            .map_err(|e| failed(e.into()))?;
        out.push(ImportedVersion {
            report: p.report.clone(),
            commit: recorded.oid,
        });
        previous = files;
    }
    Ok(out)
}
