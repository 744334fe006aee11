//! `treaty exercise server init`: the shared repository the teams clone and push to.
//!
//! A bare repository with treaty's `pre-receive` hook installed first, then the exercise
//! pushed into it through the system `git`, so that the hook checks the exercise's own
//! history on the way in: a record the hook would refuse never becomes the shared one.

use std::path::{Path, PathBuf};
use std::process::Command;

use git2::{Repository, RepositoryInitOptions};

use super::ExerciseError;
use crate::hook;
use crate::store::Store;

/// What was set up.
#[derive(Clone, Debug)]
pub struct ServerReport {
    pub bare: PathBuf,
    pub hook: PathBuf,
    /// Refs pushed (`refs/heads/main`, round tags).
    pub pushed: Vec<String>,
    /// Whether `origin` was added to the instructor's record.
    pub added_origin: bool,
}

/// Creates the bare repository `bare` (new or empty), installs the hook running `exe`,
/// pushes the exercise's branch and round tags, and makes it `origin` of the
/// instructor's record if there is none. A refused push removes what was created.
pub fn init(store: &Store, bare: &Path, exe: &Path) -> Result<ServerReport, ExerciseError> {
    super::current(store)?;
    super::ensure_empty(bare, "the shared repository")?;
    let mut opts = RepositoryInitOptions::new();
    opts.bare(true).initial_head("main");
    let repo = Repository::init_opts(bare, &opts)?;
    let bare = std::fs::canonicalize(bare).map_err(ExerciseError::io(bare))?;
    let hook_path = match hook::install_server_hook(repo.path(), exe, false) {
        Ok(p) => p,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&bare);
            return Err(ExerciseError::Invalid(e.to_string()));
        }
    };
    drop(repo);
    let branch = store.branch().to_string();
    let mut refspecs = vec![format!("{branch}:refs/heads/main")];
    let mut pushed = vec!["refs/heads/main".to_string()];
    for round in store.round_tags()? {
        let tag = format!("refs/tags/round/{}", round.name);
        refspecs.push(format!("{tag}:{tag}"));
        pushed.push(tag);
    }
    let mut args: Vec<std::ffi::OsString> = vec!["push".into(), "--quiet".into(), "--".into()];
    args.push(bare.clone().into_os_string());
    args.extend(refspecs.iter().map(Into::into));
    if let Err(why) = git(store, &args) {
        let _ = std::fs::remove_dir_all(&bare);
        return Err(ExerciseError::Invalid(format!(
            "the shared repository refused the exercise, so it was not created:\n{why}"
        )));
    }
    let added_origin = match store.repo().find_remote("origin") {
        Ok(_) => false,
        Err(_) => {
            store.repo().remote("origin", &bare.to_string_lossy())?;
            true
        }
    };
    Ok(ServerReport {
        bare,
        hook: hook_path,
        pushed,
        added_origin,
    })
}

/// Fetches `remote` (default `origin`) into the instructor's record and moves the branch
/// forward when the remote is ahead and the branch has nothing of its own: what the
/// dashboard does every few seconds. Returns whether anything new arrived.
pub fn refresh(store: &Store, remote: &str) -> Result<bool, ExerciseError> {
    let before = store.head()?;
    git(store, &["fetch", "--quiet", "--", remote])
        .map_err(|why| ExerciseError::Invalid(format!("cannot fetch from {remote}: {why}")))?;
    let branch = store.branch().trim_start_matches("refs/heads/");
    let Ok(theirs) = store
        .repo()
        .refname_to_id(&format!("refs/remotes/{remote}/{branch}"))
    else {
        return Ok(false);
    };
    if theirs == before || !store.repo().graph_descendant_of(theirs, before)? {
        return Ok(false);
    }
    git(
        store,
        &["merge", "--ff-only", "--quiet", &theirs.to_string()],
    )
    .map_err(|why| ExerciseError::Invalid(format!("cannot follow {remote}: {why}")))?;
    Ok(true)
}

/// Runs the system `git` in the record (so SSH keys, agents and credential helpers
/// work); its error output when it fails.
fn git<S: AsRef<std::ffi::OsStr>>(store: &Store, args: &[S]) -> Result<(), String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(store.workdir())
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&output.stderr)
            .trim_end()
            .to_string())
    }
}

/// Whether the record has a remote called `name`.
pub fn has_remote(store: &Store, name: &str) -> bool {
    store.repo().find_remote(name).is_ok()
}
