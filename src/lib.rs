//! The treaty workbench library.
//!
//! The core — document model, parsers, diff, git store, history — knows nothing of
//! terminals: it builds with `--no-default-features`, which leaves out clap, ratatui and
//! crossterm. The command line (`cli`) and the terminal UI are thin clients of it.

pub mod amend;
pub mod analysis;
pub mod annex;
pub mod bracket;
pub mod compile;
pub mod demo;
pub mod diag;
pub mod diff;
pub mod draft;
pub mod export;
pub mod fsutil;
#[doc(hidden)]
pub mod fuzzing;
pub mod history;
pub mod import;
pub mod negotiation;
pub mod position;
pub mod record;
pub mod ronfile;
pub mod roster;
pub mod sanitize;
pub mod store;
pub mod sync;
pub mod synth;
pub mod theme;
pub mod tiers;
pub mod verify;

#[cfg(feature = "app")]
pub mod cli;
#[cfg(feature = "app")]
pub mod tui;
