//! `treaty check` and `treaty fmt`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use super::{negotiation_root, out};
use crate::draft::{Draft, ids};
use crate::negotiation::{DRAFTS_DIR, Negotiation, THEMES_DIR};

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The negotiation folder (default: here or above).
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct FmtArgs {
    /// The negotiation folder (default: here or above).
    pub dir: Option<PathBuf>,
    /// Only report clauses without ids; change nothing (exit 1 if any).
    #[arg(long)]
    pub check: bool,
}

pub fn check(repo: Option<PathBuf>, args: CheckArgs) -> anyhow::Result<ExitCode> {
    let root = negotiation_root(args.dir.or(repo))?;
    let checked = Negotiation::load(&root)?;
    let mut diags = checked.diagnostics;
    diags.extend(crate::theme::ThemeSet::new(vec![root.join(THEMES_DIR)]).check(&root));
    diags.extend(crate::tui::keymap::check_dir(&root));
    let diags = diags.sorted();
    for d in diags.iter() {
        out(&d.to_string());
    }
    let n = &checked.negotiation;
    let errors = diags.errors().count();
    let warnings = diags.len() - errors;
    let articles = n
        .draft
        .clauses
        .iter()
        .filter(|c| c.kind == crate::draft::ClauseKind::Article)
        .count();
    let annexes = n
        .draft
        .clauses
        .iter()
        .filter(|c| c.kind == crate::draft::ClauseKind::Annex)
        .count();
    eprintln!(
        "checked {}, {}, {}, {}: {}, {}",
        plural(n.draft.clauses.len(), "clause", "clauses"),
        plural(articles, "article", "articles"),
        plural(annexes, "annex", "annexes"),
        plural(n.positions.len(), "position", "positions"),
        plural(errors, "error", "errors"),
        plural(warnings, "warning", "warnings"),
    );
    Ok(if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

pub fn fmt(repo: Option<PathBuf>, args: FmtArgs) -> anyhow::Result<ExitCode> {
    let root = negotiation_root(args.dir.or(repo))?;
    let drafts = root.join(DRAFTS_DIR);
    let loaded = Draft::load(&drafts)?;
    // A malformed or duplicate id would get a second id on top: fix those by hand first.
    let blocking: Vec<_> = loaded
        .diagnostics
        .iter()
        .filter(|d| {
            d.is_error()
                && (d.message.starts_with("malformed clause id")
                    || d.message.starts_with("duplicate clause id"))
        })
        .collect();
    if !blocking.is_empty() {
        for d in &blocking {
            out(&d.to_string());
        }
        anyhow::bail!("fix the clause ids above first; `treaty fmt` changed nothing");
    }
    let mut draft = loaded.draft;
    let before: Vec<String> = draft.files.iter().map(|f| f.text()).collect();
    let assigned = ids::assign_missing(&mut draft);
    for a in &assigned {
        out(&format!(
            "drafts/{}:{}: {} id `{}`",
            a.path,
            a.line,
            if args.check { "needs" } else { "gave" },
            a.id
        ));
    }
    if args.check {
        return Ok(if assigned.is_empty() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        });
    }
    for (file, old) in draft.files.iter().zip(&before) {
        let new = file.text();
        if &new != old {
            let path = drafts.join(&file.path);
            crate::fsutil::write_atomic(&path, new.as_bytes())
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
    }
    eprintln!(
        "{} clause id{} assigned",
        assigned.len(),
        if assigned.len() == 1 { "" } else { "s" }
    );
    Ok(ExitCode::SUCCESS)
}
