//! A synthetic negotiation at any scale: a compilation text with the paragraph lengths
//! and bracket density of real ones, a delegation position per Party, tiers and annex
//! proposals, and a history of amendments over several rounds — all deterministic from a
//! seed.
//!
//! The history is made by the real amendment engine ([`treaty_text::amend::Workspace::apply`]),
//! so every file in every commit is exactly what the engine would write, and recorded with
//! [`crate::store::Bulk`], which builds the commits in the object database and moves the
//! branch once.

mod compile;
mod history;
mod words;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::record::RecordError;
use crate::store::{Oid, StoreError};

pub use compile::{Opening, compile};

/// How big a negotiation to make.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SynthOptions {
    pub articles: usize,
    pub parties: usize,
    pub amendments: usize,
    pub rounds: usize,
    pub seed: u64,
}

impl SynthOptions {
    /// The scale of a United Nations negotiation: 320 articles, 198 Parties, 10,000
    /// amendments over 12 rounds.
    pub fn un_scale() -> Self {
        SynthOptions {
            articles: 320,
            parties: 198,
            amendments: 10_000,
            rounds: 12,
            seed: 1,
        }
    }

    fn validate(&self) -> Result<(), SynthError> {
        let bad = |what: &str| Err(SynthError::Options(what.to_string()));
        if self.articles < 2 {
            return bad("give at least 2 articles (--articles 2)");
        }
        if self.parties < 3 {
            return bad("give at least 3 Parties, one for each tier (--parties 3)");
        }
        if self.parties > 10_000 {
            return bad("at most 10000 Parties can be given distinct codes");
        }
        if self.rounds < 1 {
            return bad("give at least 1 round (--rounds 1)");
        }
        if self.rounds > 1000 {
            return bad("at most 1000 rounds");
        }
        Ok(())
    }
}

/// What was generated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SynthSummary {
    /// The tip of the branch.
    pub head: Oid,
    /// Commits recorded on top of the empty root: the compilation text and the amendments.
    pub commits: usize,
    pub rounds: Vec<String>,
    pub articles: usize,
    pub annexes: usize,
    /// Clauses in the final text.
    pub clauses: usize,
    pub positions: usize,
    /// Amendments per kind (`replace`, `move`, …).
    pub kinds: BTreeMap<&'static str, usize>,
    /// Bytes of Markdown in the final draft.
    pub draft_bytes: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum SynthError {
    #[error("{0}")]
    Options(String),
    #[error(
        "{} is not empty: give a new folder for the generated negotiation (it is never written into existing work)",
        .0.display()
    )]
    NotEmpty(PathBuf),
    #[error("cannot prepare {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the generated compilation text does not load cleanly: {0}")]
    Compilation(String),
    #[error("amendment {step} could not be recorded: {source}")]
    Record {
        step: usize,
        #[source]
        source: RecordError,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("git failed: {0}")]
    Git(#[from] git2::Error),
}

/// Generates the negotiation described by `opts` as a new record in `dir` (created if
/// missing, refused if not empty).
pub fn synthesize(opts: &SynthOptions, dir: &Path) -> Result<SynthSummary, SynthError> {
    opts.validate()?;
    let io = |source| SynthError::Io {
        path: dir.to_path_buf(),
        source,
    };
    if dir.exists() {
        let mut entries = std::fs::read_dir(dir).map_err(io)?;
        if entries.next().is_some() {
            return Err(SynthError::NotEmpty(dir.to_path_buf()));
        }
    }
    std::fs::create_dir_all(dir).map_err(io)?;
    let compilation = compile(opts);
    history::record(opts, &compilation, dir)
}

/// splitmix64: small, fast and the same on every platform.
#[derive(Clone, Debug)]
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Self {
        Rng(seed ^ 0x5eed_7ea7_1e5a_u64)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n` > 0).
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }

    pub(crate) fn index(&mut self, n: usize) -> usize {
        self.below(n as u64) as usize
    }

    /// True with probability `percent`/100.
    pub(crate) fn chance(&mut self, percent: u32) -> bool {
        self.below(100) < percent as u64
    }

    pub(crate) fn word(&mut self, items: &[&'static str]) -> &'static str {
        items[self.index(items.len())]
    }

    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.index(items.len())]
    }
}

#[cfg(test)]
mod tests;
