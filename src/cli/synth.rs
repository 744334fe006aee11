//! `treaty synth`: a generated negotiation at any scale, for trying the workbench and for
//! benchmarks.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clap::Args;

use super::out;
use crate::synth::{SynthOptions, synthesize};

#[derive(Debug, Args)]
pub struct SynthArgs {
    /// Articles in the compilation text.
    #[arg(long, default_value_t = 30)]
    pub articles: usize,
    /// Parties (each with a delegation position), spread over three tiers.
    #[arg(long, default_value_t = 20)]
    pub parties: usize,
    /// Amendments to record, one commit each.
    #[arg(long, default_value_t = 200)]
    pub amendments: usize,
    /// Rounds (sessions) the amendments are spread over, each tagged `round/<name>`.
    #[arg(long, default_value_t = 4)]
    pub rounds: usize,
    /// The same seed always gives the same negotiation, commit for commit.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// A new (or empty) folder for the negotiation record.
    #[arg(long, value_name = "DIR")]
    pub dir: PathBuf,
}

pub fn synth(args: SynthArgs) -> anyhow::Result<ExitCode> {
    let opts = SynthOptions {
        articles: args.articles,
        parties: args.parties,
        amendments: args.amendments,
        rounds: args.rounds,
        seed: args.seed,
    };
    let started = Instant::now();
    let summary = synthesize(&opts, &args.dir)
        .with_context(|| format!("generating a negotiation in {}", args.dir.display()))?;
    let kinds: Vec<String> = summary
        .kinds
        .iter()
        .map(|(k, n)| format!("{k} {n}"))
        .collect();
    out(&format!(
        "{}: {} articles, {} annexes, {} clauses ({} KiB of text), {} delegation positions",
        args.dir.display(),
        summary.articles,
        summary.annexes,
        summary.clauses,
        summary.draft_bytes / 1024,
        summary.positions
    ));
    out(&format!(
        "{} commits over {} rounds ({}), head {}",
        summary.commits,
        summary.rounds.len(),
        summary.rounds.join(", "),
        summary.head
    ));
    out(&format!("amendments: {}", kinds.join(", ")));
    out(&format!("done in {:.1} s", started.elapsed().as_secs_f64()));
    Ok(ExitCode::SUCCESS)
}
