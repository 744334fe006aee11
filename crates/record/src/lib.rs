//! The negotiation as a git record.
//!
//! The text (`treaty-text`) kept in git: every amendment one commit with trailers, rounds
//! as tags. [`store`] is the plumbing (compare-and-swap commits, rounds, the log);
//! [`record`] is the one way a change becomes a recorded amendment; [`versions`] names
//! versions of the text (rounds, commits, positions) for comparison and export;
//! [`history`] indexes every clause's versions for log, history, blame and replay;
//! [`sync`] exchanges amendments with other delegations; [`verify`] checks who wrote
//! what, in a clone or as the server's hook. [`demo`] and [`synth`] build sample records.
//!
//! The layer rule: this is the only crate that names git2; it names no terminal.

mod clause_files;
pub mod compilation;
pub mod demo;
pub mod exercise;
pub mod history;
pub mod hook;
pub mod import_history;
pub mod proposals;
pub mod record;
pub mod start;
pub mod store;
pub mod sync;
pub mod synth;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod verify;
pub mod versions;

/// The top of the repository (where `drafts/`, `positions/` and `themes/` live).
#[cfg(test)]
pub(crate) fn repo_root() -> &'static std::path::Path {
    std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}
