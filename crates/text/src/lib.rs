//! The negotiation as text.
//!
//! Everything a negotiator can say about a text without its history: the draft format
//! ([`draft`]), bracketed text ([`bracket`]), delegations' [`position`]s, [`tiers`],
//! [`annex`] proposals, the [`roster`], the [`amendment`] vocabulary and the commit
//! trailers that carry it ([`trailer`]), the amendment engine ([`amend`]), word-level
//! comparison ([`compare`]), the compilation text ([`compile`]), and reading and writing
//! other formats ([`import`], [`export`]).
//!
//! The layer rule: this crate names no git library and no terminal. It reads and writes
//! bytes and files; `treaty-record` keeps them in git, and the app shows them.

pub mod amend;
pub mod amendment;
pub mod analysis;
pub mod annex;
pub mod article;
pub mod bracket;
pub mod civil;
pub mod compare;
pub mod compile;
pub mod diag;
pub mod draft;
pub mod exercise;
pub mod export;
pub mod fsutil;
pub mod import;
pub mod inline;
pub mod negotiation;
pub mod position;
pub mod proposal;
pub mod ronfile;
pub mod roster;
pub mod sanitize;
pub mod sources;
pub mod suggest;
pub mod theme;
pub mod tiers;
pub mod trailer;

/// The top of the repository (where `drafts/`, `positions/` and `themes/` live), for tests
/// that read the shipped sample.
#[cfg(test)]
pub(crate) fn repo_root() -> &'static std::path::Path {
    std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}
