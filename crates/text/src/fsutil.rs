//! Writing files so that a crash or a full disk never leaves half a file behind.

use std::io::Write;
use std::path::Path;

use std::sync::atomic::{AtomicU64, Ordering};

/// How [`write_atomic_with`] writes a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WriteOptions {
    /// `Some(x)`: the new file is executable or not; `None`: it keeps the permissions of
    /// the file it replaces.
    pub executable: Option<bool>,
    /// Flush the bytes to disk before the rename (a crash then finds the new file whole).
    pub durable: bool,
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename, so
/// readers see either the old file or the new one, never a mix. The new file keeps the old
/// one's permissions and reaches the disk before it replaces the old one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomic_with(
        path,
        bytes,
        WriteOptions {
            executable: None,
            durable: true,
        },
    )
}

/// [`write_atomic`] with explicit [`WriteOptions`].
pub fn write_atomic_with(path: &Path, bytes: &[u8], options: WriteOptions) -> std::io::Result<()> {
    write_atomic_inner(path, bytes, options, injected_fault())
}

/// In debug builds, `TREATY_FAULT_WRITE=midway` makes every atomic write stop after half
/// its bytes with an error, as a full disk would: the test hook for "a write that fails
/// midway leaves the old file whole and no temporary file".
fn injected_fault() -> bool {
    cfg!(debug_assertions) && std::env::var("TREATY_FAULT_WRITE").is_ok_and(|v| v == "midway")
}

fn write_or_fail(file: &mut std::fs::File, bytes: &[u8], fail_midway: bool) -> std::io::Result<()> {
    if fail_midway {
        file.write_all(&bytes[..bytes.len() / 2])?;
        return Err(std::io::Error::other(
            "the write stopped midway (fault injected by TREATY_FAULT_WRITE)",
        ));
    }
    file.write_all(bytes)
}

fn write_atomic_inner(
    path: &Path,
    bytes: &[u8],
    options: WriteOptions,
    fail_midway: bool,
) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let (tmp, mut file) = temp_file_in(dir, path)?;
    let result = (|| {
        write_or_fail(&mut file, bytes, fail_midway)?;
        if options.durable {
            file.sync_all()?;
        }
        match options.executable {
            None => {
                if let Ok(meta) = std::fs::metadata(path) {
                    file.set_permissions(meta.permissions())?;
                }
            }
            #[cfg(unix)]
            Some(executable) => {
                use std::os::unix::fs::PermissionsExt;
                let mode = if executable { 0o755 } else { 0o644 };
                file.set_permissions(std::fs::Permissions::from_mode(mode))?;
            }
            #[cfg(not(unix))]
            Some(_) => {}
        }
        drop(file);
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// A new temporary file beside `target`: `.<name>.<pid>.<n>.tmp`, created exclusively.
fn temp_file_in(dir: &Path, target: &Path) -> std::io::Result<(std::path::PathBuf, std::fs::File)> {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".into());
    for _ in 0..100 {
        let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
        let tmp = dir.join(format!(".{name}.{}.{n}.tmp", std::process::id()));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(f) => return Ok((tmp, f)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other("could not create a temporary file"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn replaces_content_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.md");
        std::fs::write(&p, "old").unwrap();
        super::write_atomic(&p, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_write_failing_midway_leaves_the_old_file_whole_and_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.md");
        std::fs::write(&p, "old text").unwrap();
        let options = super::WriteOptions {
            executable: None,
            durable: true,
        };
        let err = super::write_atomic_inner(&p, b"new text, longer", options, true).unwrap_err();
        assert!(err.to_string().contains("midway"), "{err}");
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "old text");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
