//! `treaty export`: the text as Markdown, HTML, DOCX or Akoma Ntoso, or the synoptic table
//! of several rounds.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use super::negotiation_root;
use crate::export::{self, ExportFormat};
use crate::theme::ThemeSet;
use crate::versions::{self, Selection, Sources};

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  treaty export --format html -o treaty.html\n  treaty export --format docx --at r2 --changes-since r1 -o r2-changes.docx\n  treaty export --format akn --position EU -o eu.xml\n  treaty export --format md > treaty-one-file.md\n  treaty export --format synopsis-html --rounds zero-draft,chair-s-text,final-text -o synopsis.html"
)]
pub struct ExportArgs {
    /// md (the draft format in one file), html (standalone, printable), docx, akn (Akoma
    /// Ntoso 3.0 XML), or synopsis-html (the articles of several rounds side by side: give
    /// --rounds).
    #[arg(long, short = 'f', value_name = "FORMAT", value_parser = parse_format)]
    pub format: Format,
    /// For synopsis-html: the rounds to set side by side, in this order (default: every
    /// tagged round).
    #[arg(long, value_name = "A,B,C", value_delimiter = ',')]
    pub rounds: Vec<String>,
    /// The text as it stood at a commit, tag or round (default: the draft on disk).
    #[arg(long, value_name = "COMMIT|ROUND")]
    pub at: Option<String>,
    /// A delegation's version: its position applied onto the text.
    #[arg(long, value_name = "DELEGATION")]
    pub position: Option<String>,
    /// A comparison: insertions underlined, deletions struck through (kept visible), moves marked.
    #[arg(long, value_name = "ROUND|COMMIT")]
    pub changes_since: Option<String>,
    /// Colours for brackets, attributions, placeholders and changes (default: light).
    #[arg(long, value_name = "NAME", default_value = "light")]
    pub theme: String,
    /// Write here (default: standard output; DOCX needs a file or a pipe).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// A document format, or the synoptic table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Document(ExportFormat),
    Synopsis,
}

fn parse_format(s: &str) -> Result<Format, String> {
    if s.eq_ignore_ascii_case("synopsis-html") || s.eq_ignore_ascii_case("synopsis") {
        return Ok(Format::Synopsis);
    }
    s.parse::<ExportFormat>()
        .map(Format::Document)
        .map_err(|e| format!("{e}, or synopsis-html"))
}

/// The draft of one round as the synoptic table's column: articles and annexes with
/// their paragraphs and points, the preamble as one row.
fn column(label: String, state: &crate::history::TextState) -> export::synopsis::SynopsisColumn {
    use export::synopsis::{SynopsisArticle, SynopsisClause};
    let mut articles: Vec<SynopsisArticle> = Vec::new();
    for v in state.ordered() {
        let heading = |v: &crate::history::ClauseVersion| {
            let label = v.label.clone().unwrap_or_default();
            match &v.title {
                Some(t) => format!("{label} ({t})"),
                None => label,
            }
        };
        match v.kind.as_str() {
            "article" | "annex" => articles.push(SynopsisArticle {
                id: v.id.clone(),
                heading: heading(v),
                clauses: Vec::new(),
            }),
            "preamble" => articles.push(SynopsisArticle {
                id: v.id.clone(),
                heading: v.title.clone().unwrap_or_else(|| "Preamble".into()),
                clauses: Vec::new(),
            }),
            "title" | "division" => {}
            _ => {
                let owner = v.article.as_deref().or(v.parent.as_deref());
                if let Some(a) = articles
                    .iter_mut()
                    .rev()
                    .find(|a| Some(a.id.as_str()) == owner)
                {
                    a.clauses.push(SynopsisClause {
                        id: v.id.clone(),
                        label: v.label.clone(),
                        text: v.words().to_string(),
                    });
                }
            }
        }
    }
    export::synopsis::SynopsisColumn { label, articles }
}

/// `treaty export --format synopsis-html --rounds A,B,C`.
fn synopsis(repo: Option<PathBuf>, args: &ExportArgs) -> anyhow::Result<ExitCode> {
    let root = negotiation_root(repo)?;
    let store = crate::store::Store::open(&root)?;
    let history = crate::history::History::open(&store)?;
    let names = (!args.rounds.is_empty()).then_some(args.rounds.as_slice());
    let states = history.round_states(&store, names)?;
    if states.len() < 2 {
        anyhow::bail!(
            "a synoptic table needs two rounds or more: give --rounds A,B (see `treaty round list`)"
        );
    }
    let columns: Vec<_> = states
        .iter()
        .map(|r| {
            let summary = &r.record.summary;
            let label = summary
                .strip_suffix(": the official draft")
                .unwrap_or(&r.round);
            column(format!("{label} (round {})", r.round), &r.state)
        })
        .collect();
    let title = states
        .last()
        .and_then(|r| {
            r.state
                .ordered()
                .into_iter()
                .find(|v| v.kind == "title")
                .map(|v| v.words().to_string())
        })
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| "Synoptic table".into());
    let html = export::synopsis::render(&title, &columns);
    match &args.output {
        Some(path) => {
            crate::fsutil::write_atomic(path, html.as_bytes())
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!(
                "{}",
                crate::sanitize::inert(&format!(
                    "wrote the synoptic table of {} ({} rows) to {}",
                    states
                        .iter()
                        .map(|r| r.round.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                    html.matches("<tr id=").count(),
                    path.display()
                ))
            );
        }
        None => {
            let _ = std::io::stdout()
                .lock()
                .write_all(crate::sanitize::inert(&html).as_bytes());
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn export(repo: Option<PathBuf>, args: ExportArgs) -> anyhow::Result<ExitCode> {
    let format = match args.format {
        Format::Synopsis => return synopsis(repo, &args),
        Format::Document(f) => f,
    };
    if !args.rounds.is_empty() {
        anyhow::bail!("--rounds is for --format synopsis-html; for one version give --at ROUND");
    }
    let root = negotiation_root(repo)?;
    let sources = Sources::open(&root)?;
    let selection = Selection {
        at: args.at.clone(),
        position: args.position.clone(),
        changes_since: args.changes_since.clone(),
    };
    let doc = versions::select(&sources, &selection)?;
    for w in &doc.warnings {
        eprintln!("{}", crate::sanitize::inert(&format!("warning: {w}")));
    }
    let themes = ThemeSet::new(vec![root.join("themes")]);
    let theme = themes
        .load(&args.theme)
        .with_context(|| format!("theme `{}` for the export", args.theme))?;
    let bytes = export::render(&doc, format, &theme)?;
    match &args.output {
        Some(path) => {
            crate::fsutil::write_atomic(path, &bytes)
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!(
                "{}",
                crate::sanitize::inert(&format!(
                    "wrote {} ({}{}) to {}",
                    doc.version,
                    format.name(),
                    doc.since
                        .as_deref()
                        .map(|s| format!(", changes since {s}"))
                        .unwrap_or_default(),
                    path.display()
                ))
            );
        }
        None if format.is_binary() => {
            let mut stdout = std::io::stdout().lock();
            if stdout.is_terminal() {
                anyhow::bail!(
                    "a DOCX file is binary: give -o FILE.docx, or redirect the output to a file"
                );
            }
            stdout.write_all(&bytes)?;
        }
        None => {
            // Byte-exact into a pipe or a file, so that `treaty import` reads back the same
            // text; control characters are made inert only on a terminal.
            let mut stdout = std::io::stdout().lock();
            if stdout.is_terminal() {
                let text = String::from_utf8_lossy(&bytes);
                stdout.write_all(crate::sanitize::inert(&text).as_bytes())?;
            } else {
                stdout.write_all(&bytes)?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
