//! The command line: parses arguments, calls the library, prints results.
//!
//! Every command's text output goes through [`out`], which makes control characters from
//! drafts, positions and history inert before they reach the terminal.

mod check;
mod import;
mod read;
mod synth;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::sanitize;

/// A terminal workbench for treaty negotiation.
#[derive(Debug, Parser)]
#[command(name = "treaty", version, about, long_about = None)]
pub struct Cli {
    /// The negotiation folder (default: the current folder or the nearest above it with drafts/treaty.md).
    #[arg(long, global = true, value_name = "DIR")]
    pub repo: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate drafts, positions, tiers, annex proposals and themes.
    Check(check::CheckArgs),
    /// Give every clause without one a stable id; leave all other bytes alone.
    Fmt(check::FmtArgs),
    /// Count bracket groups, alternatives, options, placeholders and attributions.
    Brackets(read::BracketsArgs),
    /// Show one clause: as drafted, as a delegation proposes it, or as clean text.
    Show(read::ShowArgs),
    /// The treaty as it applies to one Party, and what changes if it moves tier.
    AppliesTo(read::AppliesArgs),
    /// Convert a plain-text or Markdown treaty into the draft format.
    Import(import::ImportArgs),
    /// Generate a realistic negotiation with its history, at any scale, from a seed.
    Synth(synth::SynthArgs),
}

/// Runs the command line and turns errors into a message and exit code 2.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            let mut msg = format!("error: {e}");
            for cause in e.chain().skip(1) {
                msg.push_str(&format!("\n  caused by: {cause}"));
            }
            eprintln!("{}", sanitize::inert(&msg));
            ExitCode::from(2)
        }
    }
}

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let repo = cli.repo.clone();
    match cli.command {
        Command::Check(a) => check::check(a),
        Command::Fmt(a) => check::fmt(a),
        Command::Brackets(a) => read::brackets(repo, a),
        Command::Show(a) => read::show(repo, a),
        Command::AppliesTo(a) => read::applies_to(repo, a),
        Command::Import(a) => import::import(a),
        Command::Synth(a) => synth::synth(a),
    }
}

/// Prints text to stdout with control characters made inert. A closed pipe (`| head`)
/// ends output quietly.
pub fn out(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{}", sanitize::inert(text));
}

/// The negotiation folder for a command: `--repo`, else the current folder or above.
pub fn negotiation_root(repo: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    let start = repo.unwrap_or_else(|| PathBuf::from("."));
    crate::negotiation::find_root(&start).ok_or_else(|| {
        anyhow::anyhow!(
            "no negotiation found in {} or above (no drafts/treaty.md): run `treaty demo`, `treaty init` or `treaty import`, or pass --repo",
            start.display()
        )
    })
}
