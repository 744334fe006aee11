//! `treaty diff` (two versions of the text, clause by clause) and `treaty sync`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use super::{negotiation_root, out};
use crate::compare;
use crate::versions::{Located, Sources};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The first version: `current`, a round, a delegation, a tag, `HEAD` or a commit id
    /// (prefixes `round:`, `position:`, `commit:` force one reading).
    pub from: String,
    /// The second version (default: `current`).
    #[arg(default_value = "current")]
    pub to: String,
    /// Only this clause and the clauses under it.
    #[arg(long, value_name = "ID")]
    pub clause: Option<String>,
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
    /// Also list the clauses that did not change.
    #[arg(long)]
    pub all: bool,
    /// How changes are written: `inline` (`[-left out-]{+inserted+}` in the new text),
    /// `instructions` (`after “…”, leave out “…” and insert “…”`) or `lines` (old and new).
    #[arg(long, value_enum, default_value_t = DiffStyle::Inline)]
    pub style: DiffStyle,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DiffStyle {
    Inline,
    Instructions,
    Lines,
}

impl From<DiffStyle> for compare::Rendering {
    fn from(style: DiffStyle) -> Self {
        match style {
            DiffStyle::Inline => compare::Rendering::Inline,
            DiffStyle::Instructions => compare::Rendering::Instructions,
            DiffStyle::Lines => compare::Rendering::Lines,
        }
    }
}

pub fn diff(repo: Option<PathBuf>, args: DiffArgs) -> anyhow::Result<ExitCode> {
    super::grow_heap_in_large_steps();
    let root = negotiation_root(repo)?;
    // Both versions are found before either is read, so a misspelt one costs nothing.
    let from_sources = Sources::open(&root)?;
    let (from, to) = (
        from_sources.locate(&args.from)?,
        from_sources.locate(&args.to)?,
    );
    // Between two commits with the same `treaty.md`, a file with the same contents holds
    // the same clauses under the same references: neither side reads it (as git diffs only
    // the files whose ids differ). `--all` lists those clauses and `--clause` may name one.
    let same = match (&from, &to) {
        (Located::Commit { oid: x, .. }, Located::Commit { oid: y, .. })
            if !args.all && args.clause.is_none() =>
        {
            from_sources.same_files(*x, *y)?
        }
        _ => None,
    };
    let differs = same.as_ref().map(|same| |path: &str| !same.contains(path));
    let wanted: Option<&(dyn Fn(&str) -> bool + Sync)> = differs.as_ref().map(|f| f as _);
    // The two versions are read as clauses alone (only they are compared), side by side,
    // each through its own handle on the record; one after the other on a single core,
    // where two threads would only take turns.
    let one_core = std::thread::available_parallelism().map_or(true, |n| n.get() == 1);
    let (a, b) = if one_core {
        let from = from_sources.load_clauses(&from, wanted.map(|w| w as _))?;
        (
            from,
            from_sources.load_clauses(&to, wanted.map(|w| w as _))?,
        )
    } else {
        let to_sources = from_sources.open_again()?;
        std::thread::scope(|s| {
            let to = s.spawn(move || to_sources.load_clauses(&to, wanted.map(|w| w as _)));
            let from = from_sources.load_clauses(&from, wanted.map(|w| w as _));
            let to = to.join().expect("reading a version does not panic");
            anyhow::Ok((from?, to?))
        })?
    };
    // Closing the record lets libgit2 free the delta bases it kept while reading (4 MB at
    // UN scale), which the comparison then reuses rather than taking fresh memory.
    drop(from_sources);
    for w in a.warnings.iter().chain(&b.warnings) {
        eprintln!("{}", crate::sanitize::inert(&format!("warning: {w}")));
    }
    if let Some(id) = &args.clause {
        compare::check_clause(&a.draft, &b.draft, id)?;
    }
    // Unchanged clauses are shown only with --all: otherwise they are not even named.
    let compare = match args.all {
        true => compare::compare,
        false => compare::compare_changes,
    };
    let result = compare(&a.draft, &b.draft, args.clause.as_deref());
    match args.format {
        DiffFormat::Json => {
            let clauses: Vec<_> = if args.all {
                result.clauses.iter().collect()
            } else {
                result.changed().collect()
            };
            let doc = serde_json::json!({
                "from": a.name,
                "to": b.name,
                "clauses": clauses,
            });
            out(&serde_json::to_string_pretty(&doc)?);
        }
        DiffFormat::Text => {
            out(&format!("comparing {} with {}", a.name, b.name));
            if result.is_empty() && !args.all {
                out("no clause differs");
            } else {
                let text = compare::render_text(&result, args.all, args.style.into());
                out(text.trim_end());
            }
        }
    }
    super::leave_to_exit((a, b, result));
    Ok(ExitCode::SUCCESS)
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// The remote to fetch from and push to (a name such as `origin`, or a URL).
    #[arg(default_value = "origin")]
    pub remote: String,
}

pub fn sync(repo: Option<PathBuf>, args: SyncArgs) -> anyhow::Result<ExitCode> {
    use crate::sync::{self, Integration, SyncOptions};

    let root = negotiation_root(repo)?;
    let store = super::open_record(&root)?;
    let options = SyncOptions {
        remote: args.remote.clone(),
        ..SyncOptions::default()
    };
    let report = sync::sync(&store, &options)?;
    let remote = &args.remote;
    match &report.integration {
        Integration::RemoteEmpty => out(&format!("{remote} had no amendments yet: sent yours")),
        Integration::UpToDate => out(&format!("already in step with {remote}")),
        Integration::LocalAhead => out(&format!("sent your amendments to {remote}")),
        Integration::FastForward { files, .. } => out(&format!(
            "took the amendments from {remote} ({} file(s) updated: {})",
            files.len(),
            files.join(", ")
        )),
        Integration::Replayed {
            commits,
            files,
            stacked,
        } => {
            out(&format!(
                "replayed your {} amendment(s) on top of those from {remote} ({} file(s) updated) and sent them",
                commits.len(),
                files.len()
            ));
            for s in stacked {
                out(&format!(
                    "  {} was amended on both sides: now {}",
                    s.clause, s.text
                ));
            }
        }
    }
    if !report.rounds.is_empty() {
        out(&format!(
            "rounds from {remote}: {}",
            report.rounds.join(", ")
        ));
    }
    if report.attempts > 1 {
        out(&format!(
            "(the remote moved while syncing: it took {} attempts)",
            report.attempts
        ));
    }
    Ok(ExitCode::SUCCESS)
}
