//! `treaty export`: the text as Markdown, HTML, DOCX or Akoma Ntoso.

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
    after_help = "Examples:\n  treaty export --format html -o treaty.html\n  treaty export --format docx --at r2 --changes-since r1 -o r2-changes.docx\n  treaty export --format akn --position EU -o eu.xml\n  treaty export --format md > treaty-one-file.md"
)]
pub struct ExportArgs {
    /// md (the draft format in one file), html (standalone, printable), docx, akn (Akoma Ntoso 3.0 XML).
    #[arg(long, short = 'f', value_name = "FORMAT", value_parser = parse_format)]
    pub format: ExportFormat,
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

fn parse_format(s: &str) -> Result<ExportFormat, String> {
    s.parse::<ExportFormat>().map_err(|e| e.to_string())
}

pub fn export(repo: Option<PathBuf>, args: ExportArgs) -> anyhow::Result<ExitCode> {
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
    let bytes = export::render(&doc, args.format, &theme)?;
    match &args.output {
        Some(path) => {
            crate::fsutil::write_atomic(path, &bytes)
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!(
                "{}",
                crate::sanitize::inert(&format!(
                    "wrote {} ({}{}) to {}",
                    doc.version,
                    args.format.name(),
                    doc.since
                        .as_deref()
                        .map(|s| format!(", changes since {s}"))
                        .unwrap_or_default(),
                    path.display()
                ))
            );
        }
        None if args.format.is_binary() => {
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
