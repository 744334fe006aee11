//! `treaty compile` and `treaty decompile`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::Args;

use super::{negotiation_root, out};
use crate::compilation;
use crate::compile::{self, Compilation, CompileError, CompileOptions};
use crate::draft::Draft;
use crate::negotiation::{DRAFTS_DIR, Negotiation};
use crate::store::{Oid, Store};

/// Exit code when the text moved on while compiling: nothing was recorded, run it again.
const EXIT_RETRY: u8 = 3;

#[derive(Debug, Args)]
#[command(after_help = "\
Each clause on which the positions differ becomes one group, UN style:
  [drafted text - EU retain / drafted text - CHN / other words - USA, JPN; G77 delete]
the drafted text first (kept by EU), then CHN holding it in brackets, then each other
wording with its proposers, then the deletion proposals. Insertions become new clauses
`[words - AGN]` with fresh ids. Agreed clauses stay as drafted.

The compilation is one amendment (kind bracket) proposed by the chair and committed by
the chair's first member in positions/roster.ron (with no roster: your git identity).
The draft and positions must be committed first.

Exit codes: 0 recorded (or printed); 2 refused (nothing changed); 3 the text moved on
while compiling (nothing recorded): run the same command again.")]
pub struct CompileArgs {
    /// Only these delegations' positions (default: every file in positions/).
    #[arg(long, value_name = "CODE[,CODE]", value_delimiter = ',')]
    pub positions: Option<Vec<String>>,
    /// The round to record (default: the round the text is in, see `treaty round list`).
    #[arg(long, value_name = "R")]
    pub round: Option<String>,
    /// Print the compiled clauses and the counts; commit nothing.
    #[arg(long, visible_alias = "stdout")]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct DecompileArgs {
    /// Write one proposals file per delegation (`<code>.ron`) into this folder (created
    /// if missing; existing files are never overwritten). Default: print them.
    #[arg(long, value_name = "OUT")]
    pub dir: Option<PathBuf>,
}

pub fn compile(repo: Option<PathBuf>, args: CompileArgs) -> anyhow::Result<ExitCode> {
    let root = negotiation_root(repo)?;
    // Committing needs the record; a dry run also works on a plain folder.
    let store = match super::open_record(&root) {
        Ok(s) => Some(s),
        Err(e) if args.dry_run => {
            let _ = e;
            None
        }
        Err(e) => return Err(e.into()),
    };
    let head = match &store {
        Some(s) => {
            let top = std::fs::canonicalize(s.workdir()).unwrap_or(s.workdir().to_path_buf());
            if top != root {
                bail!(
                    "the negotiation in {} is inside the git repository at {}: the compilation is recorded from the top of a repository (see `treaty amend --help`)",
                    root.display(),
                    top.display()
                );
            }
            let dirty = compilation::uncommitted(s)?;
            if !dirty.is_empty() {
                if !args.dry_run {
                    return Err(CompileError::Uncommitted(dirty).into());
                }
                eprintln!(
                    "{}",
                    crate::sanitize::inert(&format!(
                        "note: this dry run includes uncommitted changes in {}",
                        dirty.join(", ")
                    ))
                );
            }
            Some(s.head()?)
        }
        None => None,
    };
    let checked = Negotiation::load(&root)?;
    let errors: Vec<String> = checked
        .diagnostics
        .errors()
        .map(ToString::to_string)
        .collect();
    if !errors.is_empty() {
        bail!(
            "the negotiation has {} error(s), the first: {}\n  run `treaty check` and fix them before compiling",
            errors.len(),
            errors[0]
        );
    }
    let opts = CompileOptions {
        delegations: args.positions.clone(),
    };
    let compiled = compile::compile(&checked.negotiation, &opts)?;
    for w in &compiled.warnings {
        eprintln!("{}", crate::sanitize::inert(&format!("warning: {w}")));
    }

    if args.dry_run {
        for count in &compiled.clauses {
            out(&count.line());
            if let Some(c) = compiled.draft.clause(&count.clause) {
                out(&format!("  {}", c.text));
            }
        }
        out(&format!(
            "{} clause(s) compiled from the positions of {}; nothing recorded (dry run)",
            compiled.clauses.len(),
            compiled.delegations.join(", ")
        ));
        return Ok(ExitCode::SUCCESS);
    }

    let (Some(store), Some(head)) = (store, head) else {
        bail!("no git repository at {}", root.display());
    };
    record(&store, head, &root, &compiled, args.round)
}

/// Records the compilation on top of `head`, by the chair the roster names, and reports it.
fn record(
    store: &Store,
    head: Oid,
    root: &Path,
    compiled: &Compilation,
    round: Option<String>,
) -> anyhow::Result<ExitCode> {
    let chair = compile::chair(root)?;
    match compilation::record(store, head, compiled, &chair, round) {
        Ok(recorded) => {
            out(&format!(
                "recorded compilation {} as commit {}",
                recorded.amendment.id, recorded.oid
            ));
            for count in &compiled.clauses {
                out(&format!("  {}", count.line()));
            }
            let by = match &chair.identity {
                Some((name, email)) => format!("{name} <{email}>"),
                None => "your git identity (no positions/roster.ron)".into(),
            };
            out(&format!("  proposed by {}, committed by {by}", chair.code));
            if let Some(r) = &recorded.amendment.round {
                out(&format!("  round: {r}"));
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) if e.is_retryable() => {
            eprintln!(
                "{}",
                crate::sanitize::inert(&format!(
                    "error: {e}\n  nothing was recorded: run `treaty compile` again to compile the new text"
                ))
            );
            Ok(ExitCode::from(EXIT_RETRY))
        }
        Err(e) => Err(e.into()),
    }
}

pub fn decompile(repo: Option<PathBuf>, args: DecompileArgs) -> anyhow::Result<ExitCode> {
    let root = negotiation_root(repo)?;
    let loaded = Draft::load(&root.join(DRAFTS_DIR))?;
    let proposals = compile::decompile(&loaded.draft);
    if proposals.is_empty() {
        eprintln!("no attributed brackets in the draft: no delegation's proposals to read back");
        return Ok(ExitCode::SUCCESS);
    }
    let Some(dir) = args.dir else {
        for p in proposals.values() {
            out(&format!(
                "// {}: {} stance(s), {} insertion(s), as the compilation text records them",
                p.code,
                p.clauses.len(),
                p.inserts.len()
            ));
            out(p.to_ron().trim_end());
        }
        return Ok(ExitCode::SUCCESS);
    };
    let targets: Vec<(PathBuf, String)> = proposals
        .values()
        .map(|p| (compile::proposals_path(&dir, &p.code), p.to_ron()))
        .collect();
    let existing: Vec<String> = targets
        .iter()
        .filter(|(path, _)| path.exists())
        .map(|(path, _)| path.display().to_string())
        .collect();
    if !existing.is_empty() {
        bail!(
            "{} already exist(s): nothing written; choose another --dir or move them away",
            existing.join(", ")
        );
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for (path, text) in &targets {
        crate::fsutil::write_atomic(path, text.as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))?;
        out(&format!("wrote {}", path.display()));
    }
    Ok(ExitCode::SUCCESS)
}
