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

pub fn check(args: CheckArgs) -> anyhow::Result<ExitCode> {
    let root = negotiation_root(args.dir)?;
    let checked = Negotiation::load(&root)?;
    let mut diags = checked.diagnostics;
    diags.extend(crate::theme::ThemeSet::new(vec![root.join(THEMES_DIR)]).check(&root));
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
        "checked {} clauses ({articles} articles, {annexes} annexes), {} positions: {errors} error{}, {warnings} warning{}",
        n.draft.clauses.len(),
        n.positions.len(),
        if errors == 1 { "" } else { "s" },
        if warnings == 1 { "" } else { "s" },
    );
    Ok(if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

pub fn fmt(args: FmtArgs) -> anyhow::Result<ExitCode> {
    let root = negotiation_root(args.dir)?;
    let drafts = root.join(DRAFTS_DIR);
    let mut draft = Draft::load(&drafts)?.draft;
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
