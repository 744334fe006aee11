//! Recording a negotiation's history from its successive official drafts: the plan
//! (`treaty_text::import::archive`: read, aligned and rendered in memory) written into a
//! new record, one amendment by the Chair per version, each tagged `round/<label>`.
//!
//! Each version goes through the one record path ([`crate::record`]) with the files it
//! changes. The record is built beside the target folder and renamed into place at the
//! end: a failure, or a kill, leaves the folder as it was found.

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
    /// Unfinished imports into the same folder, left by processes that died, removed
    /// before this one began.
    pub cleaned: Vec<PathBuf>,
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
///
/// The record is built in a temporary folder beside `dir` (`.<name>.treaty-import-…`,
/// held by a lock on its `.lock` file) and renamed into place once every version is
/// recorded, so a process killed at any point leaves `dir` as it was (absent or empty)
/// or complete, never half made. An unfinished import left by a process that died is
/// removed by the next import into the same folder ([`ImportReport::cleaned`]).
pub fn import_history(
    versions: &[DraftVersion],
    dir: impl AsRef<Path>,
) -> Result<ImportReport, ImportHistoryError> {
    let planned = archive::plan(versions)?;
    import_planned(&planned, dir.as_ref())
}

/// [`import_history`] of versions already read and aligned.
pub fn import_planned(planned: &[Planned], dir: &Path) -> Result<ImportReport, ImportHistoryError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ImportHistoryError::Io { path, source }
    };
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
        Err(source) => return Err(io(dir)(source)),
    };
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| ImportHistoryError::NotEmpty {
            path: dir.to_path_buf(),
        })?;
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(io(&parent))?;
    let cleaned = sweep_stale(&parent, &name);
    let (tmp, lock_path, lock) = claim(&parent, &name)?;
    pause(1);
    let mut lock = Some(lock);
    let result = write(planned, &tmp).and_then(|versions| {
        // The lock goes first: a kill from here leaves a folder without a lock, which the
        // next import removes, or the finished record, with nothing beside it.
        drop(lock.take());
        let _ = std::fs::remove_file(&lock_path);
        pause(planned.len() + 2);
        // Into place: over the empty folder there was, or where there was none.
        let moved = std::fs::rename(&tmp, dir).or_else(|e| {
            if existed && dir.is_dir() {
                std::fs::remove_dir(dir).and_then(|()| std::fs::rename(&tmp, dir))
            } else {
                Err(e)
            }
        });
        moved.map_err(io(dir))?;
        sync_dir(&parent);
        pause(planned.len() + 3);
        Ok(versions)
    });
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    drop(lock);
    let _ = std::fs::remove_file(&lock_path);
    Ok(ImportReport {
        dir: dir.to_path_buf(),
        versions: result?,
        cleaned,
    })
}

/// The prefix of the temporary folders of imports into `name`.
fn temp_prefix(name: &str) -> String {
    format!(".{name}.treaty-import-")
}

/// A temporary folder beside the target, and the lock that says a live process owns it.
fn claim(
    parent: &Path,
    name: &str,
) -> Result<(PathBuf, PathBuf, std::fs::File), ImportHistoryError> {
    let prefix = temp_prefix(name);
    for n in 0..1000u32 {
        let tmp = parent.join(format!("{prefix}{}-{n}", std::process::id()));
        let lock_path = parent.join(format!("{prefix}{}-{n}.lock", std::process::id()));
        let Ok(lock) = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&lock_path)
        else {
            continue;
        };
        if lock.try_lock().is_err() || std::fs::create_dir(&tmp).is_err() {
            let _ = std::fs::remove_file(&lock_path);
            continue;
        }
        return Ok((tmp, lock_path, lock));
    }
    Err(ImportHistoryError::Io {
        path: parent.to_path_buf(),
        source: std::io::Error::other("no free name for a temporary folder"),
    })
}

/// Removes the temporary folders (and locks) of imports into `name` whose process died:
/// their lock can be taken. Returns what was removed.
fn sweep_stale(parent: &Path, name: &str) -> Vec<PathBuf> {
    let prefix = temp_prefix(name);
    let Ok(entries) = std::fs::read_dir(parent) else {
        return Vec::new();
    };
    let mut removed = Vec::new();
    let mut names: Vec<String> = entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&prefix))
        .collect();
    names.sort();
    for n in names {
        let Some(stem) = n.strip_suffix(".lock") else {
            continue;
        };
        let lock_path = parent.join(&n);
        let Ok(lock) = std::fs::OpenOptions::new().write(true).open(&lock_path) else {
            continue;
        };
        if lock.try_lock().is_err() {
            // A live import holds it.
            continue;
        }
        let tmp = parent.join(stem);
        if tmp.exists() && std::fs::remove_dir_all(&tmp).is_ok() {
            removed.push(tmp);
        }
        drop(lock);
        let _ = std::fs::remove_file(&lock_path);
    }
    // A folder whose lock is gone (killed between creating them) is stale too.
    if let Ok(entries) = std::fs::read_dir(parent) {
        for e in entries.flatten() {
            let n = e.file_name().to_string_lossy().into_owned();
            if n.starts_with(&prefix)
                && !n.ends_with(".lock")
                && !parent.join(format!("{n}.lock")).exists()
                && std::fs::remove_dir_all(e.path()).is_ok()
            {
                removed.push(e.path());
            }
        }
    }
    removed
}

/// Makes a rename in `dir` durable (where the system allows it).
fn sync_dir(dir: &Path) {
    if let Ok(f) = std::fs::File::open(dir) {
        let _ = f.sync_all();
    }
}

/// Debug builds: `TREATY_IMPORT_PAUSE=N` stops at step N (1: the temporary folder
/// claimed; 2…V+1: after each version; V+2: before the rename; V+3: after it) for a
/// minute, so that a test can kill the process exactly there.
fn pause(step: usize) {
    if cfg!(debug_assertions)
        && std::env::var("TREATY_IMPORT_PAUSE").is_ok_and(|v| v.parse() == Ok(step))
    {
        eprintln!("treaty: paused at import step {step}");
        std::thread::sleep(std::time::Duration::from_secs(60));
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
        pause(out.len() + 1);
    }
    Ok(out)
}
