//! `treaty verify` and `treaty hook install --server`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Subcommand};
use git2::Repository;

use super::out;
use crate::verify::{Range, verify as verify_range};

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Commits to check: `OLD..NEW`, a branch or a commit id (default: all of HEAD's history).
    pub range: Option<String>,
    /// Leave out commits reachable from any existing branch or tag (a newly pushed branch).
    #[arg(long)]
    pub new_only: bool,
}

#[derive(Debug, Args)]
pub struct HookArgs {
    #[command(subcommand)]
    pub command: HookCommand,
}

#[derive(Debug, Subcommand)]
pub enum HookCommand {
    /// Install a hook into the repository given by --repo (default: here).
    Install(InstallArgs),
}

#[derive(Debug, Args)]
pub struct InstallArgs {
    /// A `pre-receive` hook for the shared (usually bare) repository people push to: every
    /// pushed commit is checked with `treaty verify` and a push that breaks the roster is
    /// refused with the reasons.
    #[arg(long, required = true)]
    pub server: bool,
    /// Replace a `pre-receive` hook that treaty did not write.
    #[arg(long)]
    pub force: bool,
}

/// Marks hooks written by this command, so reinstalling replaces them without `--force`.
const HOOK_MARK: &str = "# Installed by `treaty hook install --server`.";

/// Opens the repository at `--repo` (bare or not) or the one around the current folder.
/// Inside a `pre-receive` hook the pushed objects are still in git's quarantine folder,
/// which git names in the environment; they are added as alternates so they can be read.
fn open_repo(repo: Option<PathBuf>) -> anyhow::Result<Repository> {
    let repository = match &repo {
        Some(path) => Repository::open(path)
            .with_context(|| format!("{} is not a git repository", path.display()))?,
        None => Repository::discover(".").context(
            "no git repository here or above: run inside the negotiation record or pass --repo",
        )?,
    };
    let odb = repository.odb()?;
    if let Some(dir) = std::env::var_os("GIT_OBJECT_DIRECTORY") {
        let dir = absolute(repository.path(), Path::new(&dir));
        odb.add_disk_alternate(&dir.to_string_lossy())?;
    }
    if let Some(dirs) = std::env::var_os("GIT_ALTERNATE_OBJECT_DIRECTORIES") {
        for dir in std::env::split_paths(&dirs) {
            let dir = absolute(repository.path(), &dir);
            odb.add_disk_alternate(&dir.to_string_lossy())?;
        }
    }
    drop(odb);
    Ok(repository)
}

fn absolute(base: &Path, p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(p))
            .unwrap_or_else(|_| base.join(p))
    }
}

pub fn verify(repo: Option<PathBuf>, args: VerifyArgs) -> anyhow::Result<ExitCode> {
    let repository = open_repo(repo)?;
    let mut range = Range::parse(&repository, args.range.as_deref())?;
    if args.new_only {
        range = range.excluding_existing_refs(&repository)?;
    }
    let report = verify_range(&repository, &range)?;
    for v in &report.violations {
        out(&v.to_string());
    }
    let commits = report
        .violations
        .iter()
        .map(|v| v.commit)
        .collect::<std::collections::HashSet<_>>()
        .len();
    let exempt = if report.exempt > 0 {
        format!(" ({} older commits predate the roster)", report.exempt)
    } else {
        String::new()
    };
    if report.violations.is_empty() {
        out(&format!(
            "verified {} commit{}{exempt}: every change was made by someone allowed to make it",
            report.checked,
            plural(report.checked)
        ));
        Ok(ExitCode::SUCCESS)
    } else {
        out(&format!(
            "{} violation{} in {commits} of {} commit{}{exempt}",
            report.violations.len(),
            plural(report.violations.len()),
            report.checked,
            plural(report.checked)
        ));
        Ok(ExitCode::from(1))
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

pub fn hook(repo: Option<PathBuf>, args: HookArgs) -> anyhow::Result<ExitCode> {
    let HookCommand::Install(install) = args.command;
    debug_assert!(install.server);
    let repository = open_repo(repo)?;
    let exe = std::env::current_exe().context("cannot find the path of this treaty program")?;
    let exe = std::fs::canonicalize(&exe).unwrap_or(exe);
    let hooks = repository.path().join("hooks");
    std::fs::create_dir_all(&hooks)
        .with_context(|| format!("cannot create {}", hooks.display()))?;
    let path = hooks.join("pre-receive");
    if let Ok(existing) = std::fs::read_to_string(&path)
        && !existing.contains(HOOK_MARK)
        && !install.force
    {
        anyhow::bail!(
            "{} already exists and was not written by treaty: merge it by hand, or pass --force to replace it",
            path.display()
        );
    }
    crate::fsutil::write_atomic(&path, pre_receive_script(&exe).as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
            .with_context(|| format!("cannot make {} executable", path.display()))?;
    }
    out(&format!(
        "installed {}: pushes are now checked against positions/roster.ron",
        path.display()
    ));
    Ok(ExitCode::SUCCESS)
}

/// The hook: for each updated ref, verify the pushed commits; any failure refuses the
/// whole push (git then moves no ref).
fn pre_receive_script(exe: &Path) -> String {
    let quoted = format!("'{}'", exe.display().to_string().replace('\'', r"'\''"));
    format!(
        r#"#!/bin/sh
{HOOK_MARK}
# Refuses pushed commits that break the roster (positions/roster.ron): see `treaty verify --help`.
TREATY={quoted}
status=0
while read -r old new ref; do
    case "$new" in
        *[!0]*) ;;
        *) continue ;; # a deleted ref brings no commits
    esac
    case "$old" in
        *[!0]*) set -- "$old..$new" ;;
        *) set -- --new-only "$new" ;;
    esac
    if ! "$TREATY" verify --repo "$GIT_DIR" "$@" >&2; then
        echo "treaty: refusing the push to $ref: the commits above break the roster" >&2
        status=1
    fi
done
exit $status
"#
    )
}
