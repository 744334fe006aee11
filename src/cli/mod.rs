//! The command line: parses arguments, calls the library, prints results.
//!
//! Every command's text output goes through [`out`], which makes control characters from
//! drafts, positions and history inert before they reach the terminal.

mod amend;
mod check;
mod compile;
mod diff;
mod exercise;
mod export;
mod history;
mod import;
mod position;
mod proposals;
mod read;
mod synth;
mod tui;
mod verify;

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
    /// With no command, inside a negotiation: open the workbench TUI.
    #[command(subcommand)]
    pub command: Option<Command>,
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
    /// Convert a treaty or negotiating text (text, Markdown, Akoma Ntoso, Word, PDF) into the draft format.
    Import(import::ImportArgs),
    /// Start a negotiation: drafts/, positions/, tiers and a first commit (a git repository
    /// is created, or the one there is used).
    Init(amend::InitArgs),
    /// Record one amendment as one commit (kinds: insert, delete, replace, bracket,
    /// lift-brackets, choose-option, move, renumber, re-tier, annex).
    Amend(Box<amend::AmendArgs>),
    /// Propose a change to a clause to the chair (a delegation's member): one commit to
    /// your delegation's position file; prints the proposal's id.
    Propose(proposals::ProposeArgs),
    /// The proposals and where they stand: pending, landed, declined or stale.
    Proposals(proposals::ProposalsArgs),
    /// Land a pending proposal as an amendment credited to its delegation(s) (the chair).
    Land(proposals::LandArgs),
    /// Decline a proposal, saying why (the chair).
    Decline(proposals::DeclineArgs),
    /// Vote yes, no or abstain on a proposal, for your delegation.
    Vote(proposals::VoteArgs),
    /// Start or list rounds (sessions): tags round/NAME.
    Round(amend::RoundArgs),
    /// Build the sample negotiation with a multi-round history, and open it.
    Demo(amend::DemoArgs),
    /// Turn successive official drafts into a history: one commit per draft, clauses aligned.
    ImportHistory(import::ImportHistoryArgs),
    /// Compare two versions of the text clause by clause (rounds, commits, positions, the draft).
    Diff(diff::DiffArgs),
    /// Export the text (as it stood, a delegation's version, or changes since a round) as
    /// Markdown, HTML, DOCX or Akoma Ntoso XML.
    Export(export::ExportArgs),
    /// Fetch the other delegations' amendments, integrate them clause by clause, and push.
    Sync(diff::SyncArgs),
    /// The amendments, newest first, filtered by clause, delegation, round or kind.
    Log(history::LogArgs),
    /// Every version of one clause, followed through renumbering and moves (of an
    /// article: the whole article).
    History(history::ClauseHistoryArgs),
    /// A provision's predecessors back to the first draft: number, page, similarity.
    Trace(history::TraceArgs),
    /// Each word and bracket group of a clause with the amendment that introduced it.
    Blame(history::BlameArgs),
    /// Step through the amendments, printing what each changed.
    Replay(history::ReplayArgs),
    /// Bracket groups, alternatives, options and placeholders where each round opened.
    Stats(history::StatsArgs),
    /// Check that every commit was made by someone the roster allows to make it.
    Verify(verify::VerifyArgs),
    /// A delegation's position file: `treaty position new CODE` writes a commented template.
    Position(position::PositionArgs),
    /// Install git hooks (`treaty hook install --server`).
    Hook(verify::HookArgs),
    /// Open the workbench TUI (also what `treaty` alone does inside a negotiation).
    Tui(tui::TuiArgs),
    /// Generate a realistic negotiation with its history, at any scale, from a seed.
    Synth(synth::SynthArgs),
    /// Merge the delegations' positions into a bracketed compilation text, recorded by the chair.
    Compile(compile::CompileArgs),
    /// Read a compilation text's attributions back into each delegation's proposals.
    Decompile(compile::DecompileArgs),
    /// Moot negotiations: set up an exercise, teams, briefs and rounds; status; debrief.
    Exercise(exercise::ExerciseArgs),
}

/// Runs the command line and turns errors into a message and exit code 2.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            let mut msg = format!("error: {e}");
            for cause in e.chain().skip(1) {
                // Library errors often quote their cause already.
                let cause = cause.to_string();
                if !msg.contains(&cause) {
                    msg.push_str(&format!("\n  caused by: {cause}"));
                }
            }
            eprintln!("{}", sanitize::inert(&msg));
            ExitCode::from(2)
        }
    }
}

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let repo = cli.repo.clone();
    let Some(command) = cli.command else {
        return tui::bare(repo);
    };
    match command {
        Command::Check(a) => check::check(repo, a),
        Command::Fmt(a) => check::fmt(repo, a),
        Command::Brackets(a) => read::brackets(repo, a),
        Command::Show(a) => read::show(repo, a),
        Command::AppliesTo(a) => read::applies_to(repo, a),
        Command::Import(a) => import::import(a),
        Command::Init(a) => amend::init(repo, a),
        Command::Amend(a) => amend::amend(repo, *a),
        Command::Propose(a) => proposals::propose(repo, a),
        Command::Proposals(a) => proposals::list(repo, a),
        Command::Land(a) => proposals::land(repo, a),
        Command::Decline(a) => proposals::decline(repo, a),
        Command::Vote(a) => proposals::vote(repo, a),
        Command::Round(a) => amend::round(repo, a),
        Command::Demo(a) => amend::demo(repo, a),
        Command::ImportHistory(a) => import::import_history(a),
        Command::Diff(a) => diff::diff(repo, a),
        Command::Export(a) => export::export(repo, a),
        Command::Sync(a) => diff::sync(repo, a),
        Command::Log(a) => history::log(repo, a),
        Command::History(a) => history::clause_history(repo, a),
        Command::Trace(a) => history::trace(repo, a),
        Command::Blame(a) => history::blame(repo, a),
        Command::Replay(a) => history::replay(repo, a),
        Command::Stats(a) => history::stats(repo, a),
        Command::Verify(a) => verify::verify(repo, a),
        Command::Position(a) => position::position(repo, a),
        Command::Hook(a) => verify::hook(repo, a),
        Command::Tui(a) => tui::tui(repo, a),
        Command::Synth(a) => synth::synth(a),
        Command::Compile(a) => compile::compile(repo, a),
        Command::Decompile(a) => compile::decompile(repo, a),
        Command::Exercise(a) => exercise::exercise(repo, a),
    }
}

/// Prints text to stdout with control characters made inert. A closed pipe (`| head`)
/// ends output quietly.
pub fn out(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{}", sanitize::inert(text));
}

/// Leaves `data` for the operating system to take back when the process exits, instead of
/// freeing it piece by piece: for what a command holds once its work is done and it is
/// about to exit. Freeing two parsed drafts and their comparison string by string took
/// 4 ms of `treaty diff`'s 37 at UN scale. Plain data only: nothing whose drop writes,
/// unlocks or cleans up.
pub fn leave_to_exit<T>(data: T) {
    std::mem::forget(data);
}

/// Lets the C allocator (glibc's) take memory from the system 8 MiB at a time, for a
/// short-lived command that builds large data on more than one thread. By default, a
/// second thread's heap grows by the page, one `mprotect` call each: 1,100 calls for the
/// draft `treaty diff` reads on its second thread at UN scale, each of which stops the
/// other thread's page faults while it runs. With this, `treaty diff` between two rounds
/// takes about 7% less CPU time and 5% less wall time (`perf stat -r 40`, UN-scale bench
/// record).
/// Memory is only reserved: a page is used when first written, as before; what is freed
/// is kept for reuse rather than returned, which a command about to exit does not miss.
/// Call it before any thread starts.
pub fn grow_heap_in_large_steps() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; called before any other thread
    // exists, nothing allocates concurrently. If glibc refuses it, nothing changes.
    unsafe {
        libc::mallopt(libc::M_TOP_PAD, 8 << 20);
    }
}

/// Opens the git record around `path`, telling the user what opening it put right after
/// an interrupted command (see `Store::recover`).
pub fn open_record(
    path: &std::path::Path,
) -> Result<crate::store::Store, crate::store::StoreError> {
    let store = crate::store::Store::open(path)?;
    for notice in store.notices() {
        eprintln!("{}", sanitize::inert(&format!("note: {notice}")));
    }
    Ok(store)
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
