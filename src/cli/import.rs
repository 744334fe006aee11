//! `treaty import`: a real treaty (plain text or Markdown) into the draft format.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::out;
use crate::import;

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// A plain-text (.txt) or Markdown (.md) treaty, or a draft folder.
    pub file: PathBuf,
    /// Where to write the negotiation folder (default: a folder named after the file).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

pub fn import(args: ImportArgs) -> anyhow::Result<ExitCode> {
    let doc = import::read_path(&args.file)?;
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
    Ok(ExitCode::SUCCESS)
}
