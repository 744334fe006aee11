//! `treaty tui`, and `treaty` with no subcommand inside a negotiation: the workbench TUI.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

#[derive(Debug, Args, Default)]
pub struct TuiArgs {
    /// Theme: a shipped one (default, light, high-contrast, colourblind) or a file name
    /// in themes/ or ~/.config/treaty/themes (also $TREATY_THEME).
    #[arg(long, value_name = "NAME")]
    pub theme: Option<String>,
    /// Key map: default, vim, or a .ron file laid over the default (also $TREATY_KEYS).
    #[arg(long, value_name = "NAME|FILE")]
    pub keys: Option<String>,
    /// Delegation(s) proposing the amendments you make (comma-separated; default CHAIR).
    #[arg(long = "as", value_name = "CODES", value_delimiter = ',')]
    pub proposers: Vec<String>,
}

pub fn tui(repo: Option<PathBuf>, args: TuiArgs) -> anyhow::Result<ExitCode> {
    let root = super::negotiation_root(repo)?;
    crate::tui::run(crate::tui::Options {
        root,
        theme: args.theme,
        keys: args.keys,
        proposers: args.proposers,
    })
    .map_err(anyhow::Error::msg)?;
    Ok(ExitCode::SUCCESS)
}

/// `treaty` alone: the TUI inside a negotiation, else the usage.
pub fn bare(repo: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    let start = repo.clone().unwrap_or_else(|| PathBuf::from("."));
    if crate::negotiation::find_root(&start).is_some() {
        return tui(repo, TuiArgs::default());
    }
    use clap::CommandFactory;
    let mut cmd = super::Cli::command();
    let _ = cmd.print_help();
    Ok(ExitCode::from(2))
}
