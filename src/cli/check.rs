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
    for d in diags.0.iter_mut() {
        name_missing_position_fields(&root, d);
    }
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

/// The fields every position file must give (the others have defaults).
const POSITION_FIELDS: [&str; 4] = ["version", "code", "name", "kind"];

/// RON stops at the first missing field; a position file missing several gets them all
/// named in one message, so one edit fixes the file (one missing field keeps its own
/// message and help).
fn name_missing_position_fields(root: &std::path::Path, d: &mut crate::diag::Diagnostic) {
    let path = d.path.to_string_lossy().into_owned();
    if !path.starts_with("positions/")
        || path == crate::roster::ROSTER_FILE
        || !d.message.contains("missing field")
    {
        return;
    }
    let Ok(text) = std::fs::read_to_string(root.join(&path)) else {
        return;
    };
    let given = top_level_fields(&text);
    let missing: Vec<String> = POSITION_FIELDS
        .iter()
        .filter(|f| !given.iter().any(|g| g == *f))
        .map(|f| format!("`{f}`"))
        .collect();
    if missing.len() < 2 {
        return;
    }
    d.message = format!("this position lacks the fields {}", missing.join(", "));
    d.help = Some(
        "add them to the outer ( … ) (`treaty position new CODE` writes a file with every field explained)"
            .into(),
    );
}

/// The field names of a RON file's outer struct: `name:` at the first level of brackets,
/// outside strings and comments.
fn top_level_fields(text: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut depth = 0usize;
    let mut chars = text.chars().peekable();
    let mut word = String::new();
    let mut ended = false;
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                let mut escaped = false;
                for s in chars.by_ref() {
                    match (escaped, s) {
                        (true, _) => escaped = false,
                        (false, '\\') => escaped = true,
                        (false, '"') => break,
                        _ => {}
                    }
                }
                word.clear();
            }
            '/' if chars.peek() == Some(&'/') => {
                chars.by_ref().find(|&s| s == '\n');
                word.clear();
            }
            '(' | '[' | '{' => {
                depth += 1;
                word.clear();
            }
            ')' | ']' | '}' => {
                depth = depth.saturating_sub(1);
                word.clear();
            }
            ':' => {
                if depth == 1 && !word.is_empty() {
                    fields.push(std::mem::take(&mut word));
                }
                word.clear();
            }
            c if c.is_alphanumeric() || c == '_' => {
                if ended {
                    word.clear();
                    ended = false;
                }
                word.push(c);
            }
            c if c.is_whitespace() => ended = !word.is_empty(),
            _ => word.clear(),
        }
    }
    fields
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
