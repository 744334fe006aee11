//! `treaty import`: a real treaty (plain text, Markdown, Akoma Ntoso XML, DOCX or PDF) into the
//! draft format.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::out;
use crate::import;
use crate::import_history;

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// A plain-text (.txt), Markdown (.md), Akoma Ntoso (.xml), Word (.docx) or PDF (.pdf)
    /// treaty or negotiating text, or a draft folder.
    pub file: PathBuf,
    /// Read the file as this format instead of guessing from its name and content:
    /// txt, md, akn, docx or pdf.
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<import::ImportFormat>,
    /// Where to write the negotiation folder (default: a folder named after the file).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

pub fn import(args: ImportArgs) -> anyhow::Result<ExitCode> {
    let doc = import::read_path_as(&args.file, args.format)?;
    let out_dir = args.out.unwrap_or_else(|| {
        PathBuf::from(
            args.file
                .file_stem()
                .map(|s| s.to_os_string())
                .unwrap_or_else(|| "imported".into()),
        )
    });
    let stats = import::write_draft(&doc, &out_dir)?;
    out(&format!(
        "imported {} into {}",
        args.file.display(),
        out_dir.display()
    ));
    out(&stats.to_string());
    for w in &doc.warnings {
        out(&format!("warning: {w}"));
    }
    Ok(ExitCode::SUCCESS)
}

/// `treaty import-history --label L1 FILE1 [--date D1] --label L2 FILE2 … --dir D`.
///
/// The drafts are read as one list so that each `--date` belongs to the `--label` before
/// it (clap's derived arguments do not keep that order).
#[derive(Debug, Args)]
#[command(
    after_help = "Example:\n  treaty import-history --label \"Zero draft\" zero.txt --date 2023-05-01 \\\n                        --label \"Chair's text\" chair.md --date 2023-11-20 --dir history\n\n--dry-run prints which provision continues which, with a confidence, and records nothing.\n--align FILE corrects the alignment where you know better (RON):\n  (version: 1, steps: [(to: \"Chair's text\", same: [(\"Article 7\", \"Article 5\")],\n                        different: [(\"Article 3, 2\", \"Article 3, 2\")])])"
)]
pub struct ImportHistoryArgs {
    /// The drafts, oldest first, each as `--label LABEL FILE [--date YYYY-MM-DD]`, and
    /// `--dir DIR`: a new or empty folder for the record (not needed with `--dry-run`).
    /// `--dry-run`: print the alignment table and record nothing. `--align FILE`: pairs
    /// that continue one another, or do not, as a person reads them.
    #[arg(
        value_name = "--label LABEL FILE [--date DATE] ... --dir DIR [--dry-run] [--align FILE]",
        num_args = 1..,
        required = true,
        allow_hyphen_values = true,
        trailing_var_arg = true
    )]
    pub drafts: Vec<String>,
}

/// What `treaty import-history` was asked to do.
pub struct HistoryRequest {
    pub versions: Vec<import::archive::DraftVersion>,
    /// `None` only with `dry_run`.
    pub dir: Option<PathBuf>,
    pub dry_run: bool,
    pub align: Option<PathBuf>,
}

/// Reads `--label L FILE [--date D]` groups, `--dir D`, `--dry-run` and `--align FILE` in
/// any order.
pub fn parse_history_args(words: &[String]) -> anyhow::Result<HistoryRequest> {
    let mut versions: Vec<import::archive::DraftVersion> = Vec::new();
    let mut dir = None;
    let mut dry_run = false;
    let mut align = None;
    let mut it = words.iter();
    let value = |it: &mut std::slice::Iter<'_, String>, what: &str| -> anyhow::Result<String> {
        match it.next() {
            Some(v) if !v.starts_with("--") => Ok(v.clone()),
            _ => anyhow::bail!("{what}"),
        }
    };
    while let Some(word) = it.next() {
        let (flag, inline) = match word.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (word.as_str(), None),
        };
        match flag {
            "--label" => {
                let label = match inline {
                    Some(v) => v,
                    None => value(
                        &mut it,
                        "--label needs a label and a file: --label \"Zero draft\" zero.txt",
                    )?,
                };
                let file = value(
                    &mut it,
                    &format!("--label \"{label}\" needs a file after the label"),
                )?;
                versions.push((label, None, PathBuf::from(file)));
            }
            "--date" => {
                let date = match inline {
                    Some(v) => v,
                    None => value(&mut it, "--date needs a date: --date 2023-05-01")?,
                };
                match versions.last_mut() {
                    Some(v) if v.1.is_none() => v.1 = Some(date),
                    Some(v) => anyhow::bail!("draft \"{}\" has two --date values", v.0),
                    None => anyhow::bail!("--date {date} must follow the --label FILE it dates"),
                }
            }
            "--dir" => {
                let d = match inline {
                    Some(v) => v,
                    None => value(&mut it, "--dir needs a folder: --dir history")?,
                };
                dir = Some(PathBuf::from(d));
            }
            "--dry-run" if inline.is_none() => dry_run = true,
            "--align" => {
                let f = match inline {
                    Some(v) => v,
                    None => value(&mut it, "--align needs a file: --align alignment.ron")?,
                };
                align = Some(PathBuf::from(f));
            }
            other => anyhow::bail!(
                "unexpected `{other}`: give each draft as --label LABEL FILE [--date YYYY-MM-DD], and --dir DIR"
            ),
        }
    }
    if dir.is_none() && !dry_run {
        anyhow::bail!("give the folder for the new record with --dir DIR");
    }
    if versions.is_empty() {
        anyhow::bail!("give at least one draft: --label LABEL FILE");
    }
    Ok(HistoryRequest {
        versions,
        dir,
        dry_run,
        align,
    })
}

pub fn import_history(args: ImportHistoryArgs) -> anyhow::Result<ExitCode> {
    let req = parse_history_args(&args.drafts)?;
    let overrides = match &req.align {
        Some(f) => import::archive::Overrides::load(f)?,
        None => Default::default(),
    };
    let planned = import::archive::plan_overridden(&req.versions, &overrides)?;
    let dir = match req.dir {
        Some(dir) if !req.dry_run => dir,
        _ => {
            let mut text = String::new();
            for (i, p) in planned.iter().enumerate() {
                if i == 0 {
                    text.push_str(&format!(
                        "{}: {} articles, {} annexes, {} clauses (the first draft)\n",
                        p.label, p.report.articles, p.report.annexes, p.report.clauses
                    ));
                    continue;
                }
                text.push_str(&format!(
                    "\n{} → {}\n{}",
                    planned[i - 1].label,
                    p.label,
                    p.report.table()
                ));
                text.push_str(&format!("{}\n", p.report.details()));
            }
            text.push_str("\nnothing recorded (--dry-run)");
            out(&text);
            return Ok(ExitCode::SUCCESS);
        }
    };
    let report = import_history::import_planned(&planned, &dir)?;
    for c in &report.cleaned {
        out(&format!(
            "removed {}: an unfinished import left by a process that stopped",
            c.display()
        ));
    }
    out(&format!(
        "imported {} drafts into {}",
        report.versions.len(),
        dir.display()
    ));
    for v in &report.versions {
        out("");
        out(&v.to_string());
    }
    Ok(ExitCode::SUCCESS)
}
