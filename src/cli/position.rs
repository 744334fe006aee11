//! `treaty position new`: a delegation's position file from a commented template.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};

use super::{negotiation_root, out};
use crate::negotiation::POSITIONS_DIR;
use crate::position::{self, DelegationKind};

#[derive(Debug, Args)]
pub struct PositionArgs {
    #[command(subcommand)]
    pub command: PositionCommand,
}

#[derive(Debug, Subcommand)]
pub enum PositionCommand {
    /// Write positions/<code>.ron for a new delegation: every field, each explained.
    New(NewArgs),
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// The delegation's code, as used in attributions (e.g. KEN, AGN).
    pub code: String,
    /// Its name (default: the code).
    #[arg(long)]
    pub name: Option<String>,
    /// A negotiating group rather than one State.
    #[arg(long)]
    pub group: bool,
}

pub fn position(repo: Option<PathBuf>, args: PositionArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        PositionCommand::New(a) => new(repo, a),
    }
}

fn new(repo: Option<PathBuf>, a: NewArgs) -> anyhow::Result<ExitCode> {
    let root = negotiation_root(repo)?;
    let code = a.code.trim();
    let valid = (2..=12).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    if !valid {
        anyhow::bail!(
            "`{code}` is not a delegation code: use 2 to 12 capital letters or digits (e.g. KEN, G77)"
        );
    }
    let rel = format!("{POSITIONS_DIR}/{}.ron", code.to_lowercase());
    let path = root.join(&rel);
    if path.exists() || path.is_symlink() {
        anyhow::bail!("{rel} already exists: edit it, or choose another code");
    }
    let kind = if a.group {
        DelegationKind::Group
    } else {
        DelegationKind::State
    };
    let name = a.name.as_deref().unwrap_or(code);
    let text = position::template(code, name, kind);
    // Refuse rather than replace a file that appeared meanwhile.
    std::fs::create_dir_all(root.join(POSITIONS_DIR))?;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|e| anyhow::anyhow!("cannot write {rel}: {e}"))?;
    std::io::Write::write_all(&mut file, text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| {
            let _ = std::fs::remove_file(&path);
            anyhow::anyhow!("cannot write {rel}: {e}")
        })?;
    out(&format!(
        "wrote {rel}: add {code}'s stances, then run `treaty check`; add its members to positions/roster.ron"
    ));
    Ok(ExitCode::SUCCESS)
}
