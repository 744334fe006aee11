//! Who a commit names, decided as git decides it.
//!
//! libgit2 reads `user.name` and `user.email` from `~/.gitconfig` even when
//! `GIT_CONFIG_GLOBAL=/dev/null`, and ignores `GIT_AUTHOR_*` and `GIT_COMMITTER_*`. git
//! does neither, so a user (or a script, or a test) who set those got a commit in another
//! name, or was refused. Here, as in git:
//!
//! - `GIT_AUTHOR_NAME`/`GIT_AUTHOR_EMAIL` name the author, `GIT_COMMITTER_NAME`/
//!   `GIT_COMMITTER_EMAIL` the committer (and a round's tagger); either part falls back to
//!   `user.name`/`user.email`;
//! - the configuration read is the repository's, then `GIT_CONFIG_GLOBAL` if set (else
//!   `~/.gitconfig` and the XDG file), then the system file unless `GIT_CONFIG_NOSYSTEM`.
//!
//! Dates (`GIT_AUTHOR_DATE`, `GIT_COMMITTER_DATE`) are not read: amendments are stamped
//! with the store's clock.

use std::ffi::OsString;
use std::path::PathBuf;

use git2::{Config, ConfigLevel, Repository};

use super::StoreError;

/// The two people a commit names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Role {
    Author,
    Committer,
}

impl Role {
    fn variables(self) -> (&'static str, &'static str) {
        match self {
            Role::Author => ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL"),
            Role::Committer => ("GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"),
        }
    }
}

fn env(name: &str) -> Option<OsString> {
    std::env::var_os(name).filter(|v| !v.is_empty())
}

/// Whether a git boolean variable is set to true (`1`, `true`, `yes`, `on`).
fn env_true(name: &str) -> bool {
    env(name).is_some_and(|v| {
        matches!(
            v.to_string_lossy().to_ascii_lowercase().as_str(),
            "1" | "true" | "yes" | "on"
        )
    })
}

/// The configuration git would read in `repo`, with the environment's overrides.
pub(crate) fn git_config(repo: &Repository) -> Result<Config, git2::Error> {
    let mut config = Config::new()?;
    let mut add = |path: PathBuf, level: ConfigLevel| -> Result<(), git2::Error> {
        if path.is_file() {
            config.add_file(&path, level, false)?;
        }
        Ok(())
    };
    if let Some(system) = Config::find_system()
        .ok()
        .filter(|_| !env_true("GIT_CONFIG_NOSYSTEM"))
    {
        add(system, ConfigLevel::System)?;
    }
    match env("GIT_CONFIG_GLOBAL") {
        // `/dev/null` (no global configuration) is not a file: nothing is read.
        Some(global) => add(PathBuf::from(global), ConfigLevel::Global)?,
        None => {
            if let Ok(xdg) = Config::find_xdg() {
                add(xdg, ConfigLevel::XDG)?;
            }
            if let Ok(global) = Config::find_global() {
                add(global, ConfigLevel::Global)?;
            }
        }
    }
    add(repo.path().join("config"), ConfigLevel::Local)?;
    Ok(config)
}

/// A person as a commit names them: name and e-mail.
pub(crate) type NameAndEmail = (String, String);

/// The name and e-mail a new commit gives `role` in `repo`.
pub(crate) fn resolve(repo: &Repository, role: Role) -> Result<NameAndEmail, StoreError> {
    resolve_with(repo, role, &mut None)
}

/// The author's and the committer's names and e-mails, the configuration read at most once.
pub(crate) fn resolve_both(repo: &Repository) -> Result<(NameAndEmail, NameAndEmail), StoreError> {
    let mut config = None;
    Ok((
        resolve_with(repo, Role::Author, &mut config)?,
        resolve_with(repo, Role::Committer, &mut config)?,
    ))
}

/// [`resolve`], reading the configuration into `config` if it is needed and not read yet.
fn resolve_with(
    repo: &Repository,
    role: Role,
    config: &mut Option<Config>,
) -> Result<NameAndEmail, StoreError> {
    let (name_var, email_var) = role.variables();
    let from_env = |var: &str| env(var).map(|v| v.to_string_lossy().into_owned());
    let (mut name, mut email) = (from_env(name_var), from_env(email_var));
    if name.is_none() || email.is_none() {
        if config.is_none() {
            *config = Some(git_config(repo)?.snapshot()?);
        }
        let config = config.as_ref().expect("just read");
        let read = |key: &str| config.get_string(key).ok().filter(|v| !v.trim().is_empty());
        name = name.or_else(|| read("user.name"));
        email = email.or_else(|| read("user.email"));
    }
    match (name, email) {
        (Some(name), Some(email)) => Ok((name, email)),
        _ => Err(StoreError::NoIdentity),
    }
}
