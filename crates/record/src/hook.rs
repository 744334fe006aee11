//! The server's hook: a `pre-receive` hook in the shared (usually bare) repository that
//! checks every pushed commit with `treaty verify` and refuses a push that breaks the
//! roster, with the reasons.

use std::path::{Path, PathBuf};

use treaty_text::fsutil::{WriteOptions, write_atomic_with};

/// Marks hooks written by treaty, so reinstalling replaces them without `--force`.
pub const HOOK_MARK: &str = "# Installed by `treaty hook install --server`.";

/// Why the hook could not be installed.
#[derive(Debug, thiserror::Error)]
pub enum HookError {
    #[error(
        "{} already exists and was not written by treaty: merge it by hand, or pass --force to replace it",
        .0.display()
    )]
    Foreign(PathBuf),
    #[error("cannot write {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Writes the `pre-receive` hook into `git_dir/hooks`, running `exe` (this program).
/// A hook treaty did not write is replaced only with `force`. Returns the hook's path.
pub fn install_server_hook(git_dir: &Path, exe: &Path, force: bool) -> Result<PathBuf, HookError> {
    let hooks = git_dir.join("hooks");
    let path = hooks.join("pre-receive");
    if let Ok(existing) = std::fs::read_to_string(&path)
        && !existing.contains(HOOK_MARK)
        && !force
    {
        return Err(HookError::Foreign(path));
    }
    write_atomic_with(
        &path,
        pre_receive_script(exe).as_bytes(),
        WriteOptions {
            executable: Some(true),
            durable: true,
        },
    )
    .map_err(|source| HookError::Io {
        path: path.clone(),
        source,
    })?;
    Ok(path)
}

/// The hook hands every ref update to `treaty hook pre-receive`, which refuses the whole
/// push (git then moves no ref) when one breaks a rule (`Verifier::check_push`).
fn pre_receive_script(exe: &Path) -> String {
    let quoted = format!("'{}'", exe.display().to_string().replace('\'', r"'\''"));
    format!(
        r#"#!/bin/sh
{HOOK_MARK}
# Refuses pushes that rewrite the record or break the roster (positions/roster.ron):
# see `treaty verify --help`.
exec {quoted} hook pre-receive --repo "$GIT_DIR"
"#
    )
}
