//! `treaty verify` and `treaty hook install --server`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Subcommand};

use super::out;
use crate::hook;
use crate::verify::{RefUpdate, Verifier};

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
    /// What the installed hook runs: reads git's `<old> <new> <ref>` lines on standard
    /// input and refuses the push if one breaks a rule.
    #[command(hide = true)]
    PreReceive,
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

pub fn verify(repo: Option<PathBuf>, args: VerifyArgs) -> anyhow::Result<ExitCode> {
    let verifier = Verifier::open(repo.as_deref())?;
    let report = verifier.verify(args.range.as_deref(), args.new_only)?;
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

/// The server's check of one push: every refused reference with its reasons on standard
/// error (git shows them to the pusher as `remote:` lines), exit 1 to refuse.
fn pre_receive(repo: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    let input = std::io::read_to_string(std::io::stdin())?;
    let updates = RefUpdate::parse_all(&input)?;
    let verifier = Verifier::open(repo.as_deref())?;
    let refusals = verifier.check_push(&updates)?;
    for r in &refusals {
        for reason in &r.reasons {
            eprintln!("{}", crate::sanitize::inert(reason));
        }
        eprintln!(
            "{}",
            crate::sanitize::inert(&format!(
                "treaty: refusing the push to {}: {} reason(s) above",
                r.reference,
                r.reasons.len()
            ))
        );
    }
    Ok(if refusals.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

pub fn hook(repo: Option<PathBuf>, args: HookArgs) -> anyhow::Result<ExitCode> {
    let install = match args.command {
        HookCommand::Install(install) => install,
        HookCommand::PreReceive => return pre_receive(repo),
    };
    debug_assert!(install.server);
    let verifier = Verifier::open(repo.as_deref())?;
    let exe = std::env::current_exe().context("cannot find the path of this treaty program")?;
    let exe = std::fs::canonicalize(&exe).unwrap_or(exe);
    let path = hook::install_server_hook(verifier.git_dir(), &exe, install.force)?;
    out(&format!(
        "installed {}: pushes are now checked against positions/roster.ron",
        path.display()
    ));
    Ok(ExitCode::SUCCESS)
}
