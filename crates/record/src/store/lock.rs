//! The store's lock: one writer at a time per record, released by the operating system
//! when its process ends, however it ends.
//!
//! The lock is an advisory lock on `.git/treaty/store.lock`, a file that stays in place.
//! A process killed while holding it frees it at once, so no stale lock ever blocks the
//! next command (treaty before 0.2 used the file's mere existence, and a killed process
//! left it behind: [`Store::clean_stale_temporaries`] removes such a file when its process
//! is gone).

use std::fs::{File, OpenOptions, TryLockError};
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::{Store, StoreError};

const LOCK_FILE: &str = "treaty/store.lock";
/// The lock file of earlier versions: a file that existed while a writer ran.
const OLD_LOCK_FILE: &str = "treaty-store.lock";

/// Held while this process writes to the record.
pub(crate) struct StoreLock {
    _file: File,
}

impl StoreLock {
    fn open(git_dir: &Path) -> Result<(File, PathBuf), StoreError> {
        let path = git_dir.join(LOCK_FILE);
        let io_error = |source: io::Error| match source.kind() {
            io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem => {
                StoreError::ReadOnly {
                    path: path.clone(),
                    source,
                }
            }
            _ => StoreError::Io {
                path: path.clone(),
                source,
            },
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io_error)?;
        }
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(io_error)?;
        Ok((file, path))
    }

    /// Waits for the lock; refuses with [`StoreError::Locked`] after the lock timeout.
    pub(crate) fn acquire(git_dir: &Path) -> Result<StoreLock, StoreError> {
        let (file, path) = Self::open(git_dir)?;
        let started = Instant::now();
        let mut delay = Duration::from_micros(200);
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(StoreLock { _file: file }),
                Err(TryLockError::WouldBlock) => {
                    if started.elapsed() > super::commit::lock_timeout() {
                        return Err(StoreError::Locked { path });
                    }
                    std::thread::sleep(delay);
                    delay = (delay * 2).min(Duration::from_millis(20));
                }
                Err(TryLockError::Error(source)) => return Err(StoreError::Io { path, source }),
            }
        }
    }

    /// The lock if no other process holds it now; `None` if one does.
    pub(crate) fn try_acquire(git_dir: &Path) -> Result<Option<StoreLock>, StoreError> {
        let (file, path) = Self::open(git_dir)?;
        match file.try_lock() {
            Ok(()) => Ok(Some(StoreLock { _file: file })),
            Err(TryLockError::WouldBlock) => Ok(None),
            Err(TryLockError::Error(source)) => Err(StoreError::Io { path, source }),
        }
    }
}

impl Store {
    /// Removes what killed treaty processes left behind: temporary files of atomic writes
    /// (in the record's own folder and in `drafts/` and `positions/`), probe files, and
    /// the lock file of earlier versions. Only files whose process is gone are removed.
    /// Call under the store's lock.
    pub(crate) fn clean_stale_temporaries(&self) -> Vec<String> {
        let workdir = self.workdir().to_path_buf();
        let removed: Vec<PathBuf> = self
            .stale_temporaries()
            .into_iter()
            .filter(|p| std::fs::remove_file(p).is_ok())
            .collect();
        if removed.is_empty() {
            return Vec::new();
        }
        let shown: Vec<String> = removed
            .iter()
            .map(|p| p.strip_prefix(&workdir).unwrap_or(p).display().to_string())
            .collect();
        vec![format!(
            "removed {} file(s) left by interrupted treaty commands: {}",
            shown.len(),
            shown.join(", ")
        )]
    }

    /// Whether [`Store::clean_stale_temporaries`] would find anything (no writes).
    pub(crate) fn has_stale_temporaries(&self) -> bool {
        !self.stale_temporaries().is_empty()
    }

    fn stale_temporaries(&self) -> Vec<PathBuf> {
        let mut found = Vec::new();
        let git_dir = self.repo.path().to_path_buf();
        let old_lock = git_dir.join(OLD_LOCK_FILE);
        if let Ok(text) = std::fs::read_to_string(&old_lock)
            && let Ok(pid) = text.trim().parse::<u32>()
            && !treaty_text::fsutil::process_alive(pid)
        {
            found.push(old_lock);
        }
        let workdir = self.workdir().to_path_buf();
        let mut folders = vec![git_dir.join("treaty")];
        for top in ["drafts", "positions"] {
            folders.push(workdir.join(top));
        }
        while let Some(dir) = folders.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let Ok(kind) = entry.file_type() else {
                    continue;
                };
                if kind.is_dir() {
                    folders.push(entry.path());
                } else if kind.is_file()
                    && treaty_text::fsutil::stale_temporary(&entry.file_name().to_string_lossy())
                {
                    found.push(entry.path());
                }
            }
        }
        found
    }
}
