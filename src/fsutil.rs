//! Writing files so that a crash or a full disk never leaves half a file behind.

use std::io::Write;
use std::path::Path;

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename, so
/// readers see either the old file or the new one, never a mix.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomic_with(path, bytes, injected_fault())
}

/// In debug builds, `TREATY_FAULT_WRITE=midway` makes every atomic write stop after half
/// its bytes with an error, as a full disk would: the test hook for "a write that fails
/// midway leaves the old file whole and no temporary file".
fn injected_fault() -> bool {
    cfg!(debug_assertions) && std::env::var("TREATY_FAULT_WRITE").is_ok_and(|v| v == "midway")
}

/// Writes `bytes` to a temporary `file`, honouring the injected fault.
pub(crate) fn write_with_fault_point(
    file: &mut std::fs::File,
    bytes: &[u8],
) -> std::io::Result<()> {
    write_or_fail(file, bytes, injected_fault())
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

fn write_atomic_with(path: &Path, bytes: &[u8], fail_midway: bool) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile_in(dir, path)?;
    let result = (|| {
        write_or_fail(&mut tmp.1, bytes, fail_midway)?;
        tmp.1.sync_all()?;
        // Keep the permissions of the file being replaced.
        if let Ok(meta) = std::fs::metadata(path) {
            std::fs::set_permissions(&tmp.0, meta.permissions())?;
        }
        std::fs::rename(&tmp.0, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp.0);
    }
    result
}

fn tempfile_in(dir: &Path, target: &Path) -> std::io::Result<(std::path::PathBuf, std::fs::File)> {
    let name = target
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("file");
    for attempt in 0..100u32 {
        let tmp = dir.join(format!(".{name}.{}.{attempt}.tmp", std::process::id()));
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
        let err = super::write_atomic_with(&p, b"new text, longer", true).unwrap_err();
        assert!(err.to_string().contains("midway"), "{err}");
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "old text");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
