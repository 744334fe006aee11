//! Writing files so that a crash or a full disk never leaves half a file behind.

use std::io::Write;
use std::path::Path;

use std::sync::atomic::{AtomicU64, Ordering};

/// Why a path inside a folder could not be opened there.
#[derive(Debug)]
pub enum InsideError {
    /// Nothing at that path.
    Missing,
    /// A symbolic link on the way leads out of the folder (to this place).
    Outside(std::path::PathBuf),
    Io(std::io::Error),
}

/// `root/rel` with every symbolic link on the way followed (in the file name and in every
/// folder above it), provided it still lies inside `root`: a link may not lead a reader of
/// the negotiation out of its folder.
pub fn resolve_inside(root: &Path, rel: &Path) -> Result<std::path::PathBuf, InsideError> {
    let io = |e: std::io::Error| match e.kind() {
        std::io::ErrorKind::NotFound => InsideError::Missing,
        _ => InsideError::Io(e),
    };
    let target = std::fs::canonicalize(root.join(rel)).map_err(io)?;
    let root = std::fs::canonicalize(root).map_err(io)?;
    if target.starts_with(&root) {
        Ok(target)
    } else {
        Err(InsideError::Outside(target))
    }
}

/// The bytes of `root/rel` (see [`resolve_inside`]).
pub fn read_inside(root: &Path, rel: &Path) -> Result<Vec<u8>, InsideError> {
    let path = resolve_inside(root, rel)?;
    std::fs::read(path).map_err(InsideError::Io)
}

/// How [`write_atomic_with`] writes a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WriteOptions {
    /// `Some(x)`: the new file is executable or not; `None`: it keeps the permissions of
    /// the file it replaces.
    pub executable: Option<bool>,
    /// Flush the bytes to disk before the rename (a crash then finds the new file whole).
    pub durable: bool,
}

/// A memo the workbench keeps for itself (under `.git/treaty/`), as text: `None` when it is
/// missing, not a plain file (a link to `/dev/zero` is never followed), larger than `max`
/// bytes, or not UTF-8. Memos are only savings: whoever reads one works without it then.
pub fn read_memo(path: &Path, max: u64) -> Option<String> {
    use std::io::Read;
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.is_file() || meta.len() > max {
        return None;
    }
    let mut text = String::new();
    std::fs::File::open(path)
        .ok()?
        .take(max + 1)
        .read_to_string(&mut text)
        .ok()?;
    (text.len() as u64 <= max).then_some(text)
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
    write_atomic_inner(path, bytes, options, injected_fault(path))
}

/// In debug builds, `TREATY_FAULT_WRITE=midway` makes every atomic write stop after half
/// its bytes with an error, as a full disk would, and `midway:NAME` only the writes of
/// files named NAME: the test hook for "a write that fails midway leaves the old file whole
/// and no temporary file".
fn injected_fault(path: &Path) -> bool {
    if !cfg!(debug_assertions) {
        return false;
    }
    match std::env::var("TREATY_FAULT_WRITE").ok().as_deref() {
        Some("midway") => true,
        Some(v) => v.strip_prefix("midway:").is_some_and(|name| {
            path.file_name()
                .is_some_and(|n| n.to_string_lossy() == name)
        }),
        None => false,
    }
}

/// A place where a killed process could leave things half done. In debug builds,
/// `TREATY_FAULT_ABORT=N` ends the process abruptly (no clean-up runs, as with SIGKILL) at
/// the Nth such place it reaches: the test hook that kills a command at every write.
pub fn fault_point() {
    if !cfg!(debug_assertions) {
        return;
    }
    static REACHED: AtomicU64 = AtomicU64::new(0);
    let Some(n) = std::env::var("TREATY_FAULT_ABORT")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    else {
        return;
    };
    if REACHED.fetch_add(1, Ordering::SeqCst) + 1 == n {
        std::process::abort();
    }
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
    // A device or a pipe (`-o /dev/null`, `-o /dev/stdout`, a named pipe) is written
    // into, never replaced: renaming over it would swap the system's device for a file.
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
        let mut file = std::fs::OpenOptions::new().write(true).open(path)?;
        return write_or_fail(&mut file, bytes, fail_midway);
    }
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
        fault_point();
        std::fs::rename(&tmp, path)?;
        fault_point();
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Whether a file named `name` is a temporary file of treaty's (an atomic write's
/// `.<name>.<pid>.<n>.tmp`, or a writability probe `.treaty-probe-<pid>-<n>.tmp`) whose
/// process is gone: safe to remove.
pub fn stale_temporary(name: &str) -> bool {
    let Some(stem) = name.strip_prefix('.').and_then(|n| n.strip_suffix(".tmp")) else {
        return false;
    };
    let pid = if let Some(rest) = stem.strip_prefix("treaty-probe-") {
        rest.split('-').next()
    } else {
        let mut parts = stem.rsplitn(3, '.');
        let counter = parts.next();
        let pid = parts.next();
        let named = parts.next();
        match (counter, named) {
            (Some(c), Some(n)) if !n.is_empty() && c.bytes().all(|b| b.is_ascii_digit()) => pid,
            _ => None,
        }
    };
    match pid.and_then(|p| p.parse::<u32>().ok()) {
        Some(pid) => !process_alive(pid),
        None => false,
    }
}

/// Whether process `pid` is running. Where the system cannot tell (no `/proc`), it is
/// taken to be, so nothing of a live process is ever removed.
pub fn process_alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    let proc = Path::new("/proc");
    !proc.is_dir() || proc.join(pid.to_string()).exists()
}

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
    #[cfg(unix)]
    #[test]
    fn a_memo_is_read_only_from_a_plain_file_of_bounded_size() {
        use super::read_memo;
        let dir = tempfile::tempdir().unwrap();
        let memo = dir.path().join("memo");
        assert_eq!(read_memo(&memo, 10), None);
        std::fs::write(&memo, "abc\n").unwrap();
        assert_eq!(read_memo(&memo, 10).as_deref(), Some("abc\n"));
        assert_eq!(read_memo(&memo, 3), None, "larger than allowed");
        std::fs::write(&memo, [0xff, 0xfe]).unwrap();
        assert_eq!(read_memo(&memo, 10), None, "not UTF-8");
        // A link, to an endless device or anywhere else, is never followed.
        std::fs::remove_file(&memo).unwrap();
        std::os::unix::fs::symlink("/dev/zero", &memo).unwrap();
        assert_eq!(read_memo(&memo, 1 << 30), None);
        assert_eq!(read_memo(dir.path(), 1 << 30), None, "a folder");
    }

    #[test]
    fn stale_temporaries_are_recognised_by_their_dead_process() {
        use super::stale_temporary;
        // pid 0 is never a user process, and /proc/0 does not exist.
        let dead = u32::MAX - 1;
        assert!(stale_temporary(&format!(".history-index-v4.{dead}.0.tmp")));
        assert!(stale_temporary(&format!(".one.md.{dead}.12.tmp")));
        assert!(stale_temporary(&format!(".treaty-probe-{dead}-3.tmp")));
        let me = std::process::id();
        assert!(!stale_temporary(&format!(".one.md.{me}.0.tmp")));
        for other in [
            "one.md",
            ".one.md.tmp",
            ".x.abc.1.tmp",
            "notes.tmp",
            ".1.2.tmp",
        ] {
            assert!(!stale_temporary(other), "{other}");
        }
    }

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

    /// `treaty export -o /dev/null` once renamed a file over the device (as root, it
    /// replaced /dev/null for the whole machine): a device or a pipe is written into.
    #[cfg(unix)]
    #[test]
    fn a_device_or_a_pipe_is_written_into_not_replaced() {
        use std::os::unix::fs::FileTypeExt;
        let null = std::path::Path::new("/dev/null");
        super::write_atomic(null, b"discarded").unwrap();
        assert!(
            std::fs::metadata(null)
                .unwrap()
                .file_type()
                .is_char_device()
        );

        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            return; // no mkfifo on this system: the device case above still ran
        }
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read(fifo).unwrap())
        };
        super::write_atomic(&fifo, b"every byte").unwrap();
        assert_eq!(reader.join().unwrap(), b"every byte");
        assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
    }
}
