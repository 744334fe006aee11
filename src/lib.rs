//! The treaty workbench: the command line ([`cli`]) and the terminal UI ([`tui`]).
//!
//! The app is the top of three layers. `treaty-text` is the negotiation as text (draft,
//! brackets, positions, amendments, comparison, import and export) and knows no git and
//! no terminal; `treaty-record` keeps that text in git (the store, the history index,
//! the one record path, sync and verify) and is the only crate that names git2; this
//! crate shows and drives both. The modules of both layers are re-exported here, so that
//! tests, benches and fuzz targets name them as `treaty_workbench::draft`, and so on.

pub use treaty_text::{
    amend, amendment, analysis, annex, article, bracket, civil, compare, compile, diag, draft,
    export, fsutil, import, inline, negotiation, position, proposal, ronfile, roster, sanitize,
    sources, suggest, theme, tiers,
};

pub use treaty_record::{
    compilation, demo, exercise, history, hook, import_history, proposals, record, start, store,
    sync, synth, verify, versions,
};

/// Throwaway repositories and the fixed workbench record, for tests and benches.
#[cfg(any(test, feature = "testing"))]
pub use treaty_record::testing;

pub mod cli;
#[doc(hidden)]
#[cfg(any(test, feature = "testing"))]
pub mod fuzzing;
pub mod tui;
