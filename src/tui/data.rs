//! What the TUI shows, loaded once per reload: the negotiation on disk, each clause's
//! bracket tree, and (when the folder is a git record) the amendment history and rounds.
//!
//! Everything here is library calls; nothing draws. The snapshot is shared read-only
//! (`Arc`) between the UI thread and the background worker.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use git2::Oid;

use crate::analysis;
use crate::annex::AnnexRegister;
use crate::bracket::{Stats, Tree};
use crate::draft::Draft;
use crate::history::History;
use crate::negotiation::Negotiation;
use crate::position::Position;
use crate::store::{LogFilter, Store};
use crate::tiers::Tiers;

/// One amendment (or plain commit) on the main line, oldest first.
#[derive(Clone, Debug)]
pub struct HistEntry {
    pub oid: Oid,
    pub parent: Option<Oid>,
    pub summary: String,
    pub author: String,
    pub kind: String,
    pub proposers: Vec<String>,
    pub clauses: Vec<String>,
    /// The round the amendment says it belongs to.
    pub round: Option<String>,
    /// Seconds since the epoch (author time).
    pub time: i64,
}

/// A round tag and the index in [`Data::history`] of the commit it starts at.
#[derive(Clone, Debug)]
pub struct RoundMark {
    pub name: String,
    pub oid: Oid,
    pub at: Option<usize>,
}

/// The negotiation as the TUI shows it.
#[derive(Debug)]
pub struct Data {
    pub root: PathBuf,
    /// The folder's name, for the status bar.
    pub name: String,
    pub draft: Draft,
    /// The bracket tree of each clause (`None` for headings without text).
    pub trees: Vec<Option<Tree>>,
    /// Each clause's own bracket statistics.
    pub stats: Vec<Stats>,
    /// Open bracket groups in each clause and everything under it.
    pub open: Vec<usize>,
    pub positions: BTreeMap<String, Position>,
    pub tiers: Option<Tiers>,
    pub annexes: Option<AnnexRegister>,
    /// How many problems the cross-check found (shown in the status bar).
    pub diagnostics: usize,
    /// Oldest first; empty when the folder is not a git record.
    pub history: Vec<HistEntry>,
    pub rounds: Vec<RoundMark>,
    pub current_round: Option<String>,
    /// Why history is unavailable, when it is.
    pub history_note: Option<String>,
}

impl Data {
    /// Loads the negotiation at `root` and, if it is a git record, its history.
    pub fn load(root: &Path) -> Result<Data, String> {
        let checked = Negotiation::load(root).map_err(|e| e.to_string())?;
        let n = checked.negotiation;
        let mut data = Data::from_parts(root, n.draft, n.positions, n.tiers, n.annexes);
        data.diagnostics = checked.diagnostics.len();
        match Store::open(root) {
            Ok(store) => data.load_history(&store),
            Err(e) => data.history_note = Some(format!("no amendment history: {e}")),
        }
        Ok(data)
    }

    /// A snapshot without history, from parts already loaded.
    pub fn from_parts(
        root: &Path,
        draft: Draft,
        positions: BTreeMap<String, Position>,
        tiers: Option<Tiers>,
        annexes: Option<AnnexRegister>,
    ) -> Data {
        let mut trees: Vec<Option<Tree>> = vec![None; draft.clauses.len()];
        for (i, t) in analysis::trees(&draft) {
            trees[i] = Some(t);
        }
        let stats: Vec<Stats> = trees
            .iter()
            .map(|t| t.as_ref().map(Tree::stats).unwrap_or_default())
            .collect();
        let mut open = vec![0; draft.clauses.len()];
        for i in (0..draft.clauses.len()).rev() {
            open[i] += stats[i].groups + stats[i].options;
            if let Some(p) = draft.clauses[i].parent {
                open[p] += open[i];
            }
        }
        let name = root
            .canonicalize()
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| root.display().to_string());
        Data {
            root: root.to_path_buf(),
            name,
            draft,
            trees,
            stats,
            open,
            positions,
            tiers,
            annexes,
            diagnostics: 0,
            history: Vec::new(),
            rounds: Vec::new(),
            current_round: None,
            history_note: None,
        }
    }

    /// Reads the timeline from the history index (one file; built or extended first when
    /// the branch moved), falling back to walking git when the index cannot be used.
    fn load_history(&mut self, store: &Store) {
        match History::open(store) {
            Ok(history) => self.history_from_index(store, &history),
            Err(_) => self.history_from_git(store),
        }
    }

    fn history_from_index(&mut self, store: &Store, history: &History) {
        let mut previous: Option<Oid> = None;
        for r in history.records() {
            let Ok(oid) = Oid::from_str(&r.oid) else {
                continue;
            };
            let (kind, proposers, clauses, round) = match &r.amendment {
                Some(a) => (
                    a.kind.as_str().to_string(),
                    a.proposers.clone(),
                    a.clauses.clone(),
                    a.round.clone(),
                ),
                None => ("commit".to_string(), Vec::new(), Vec::new(), None),
            };
            self.history.push(HistEntry {
                oid,
                // The index is the first-parent line: each commit's parent is the one before.
                parent: previous,
                summary: r.summary.clone(),
                author: r.author.clone(),
                kind,
                proposers,
                clauses,
                round,
                time: r.time,
            });
            previous = Some(oid);
        }
        let Ok(tags) = store.round_tags() else {
            return;
        };
        let at: HashMap<Oid, usize> = self
            .history
            .iter()
            .enumerate()
            .map(|(i, h)| (h.oid, i))
            .collect();
        // The order `Store::rounds` gives: along the line oldest first, off the line last.
        let mut tags: Vec<_> = tags
            .into_iter()
            .map(|t| (at.get(&t.target).copied(), t))
            .collect();
        tags.sort_by(|(a, x), (b, y)| {
            (a.is_none(), a, x.time.seconds(), &x.name).cmp(&(
                b.is_none(),
                b,
                y.time.seconds(),
                &y.name,
            ))
        });
        // The newest round on the line; several on one commit: the one opened last.
        self.current_round = tags
            .iter()
            .filter_map(|(a, t)| a.map(|a| (a, t.time.seconds(), &t.name)))
            .max()
            .map(|(_, _, name)| name.clone());
        self.rounds = tags
            .into_iter()
            .map(|(at, t)| RoundMark {
                name: t.name,
                oid: t.target,
                at,
            })
            .collect();
    }

    fn history_from_git(&mut self, store: &Store) {
        let log = match store.log_oldest_first(&LogFilter::default()) {
            Ok(log) => log,
            Err(e) => {
                self.history_note = Some(format!("cannot read the history: {e}"));
                return;
            }
        };
        for entry in log {
            let Ok(e) = entry else { continue };
            let (kind, proposers, clauses, round) = match &e.amendment {
                Some(a) => (
                    a.kind.as_str().to_string(),
                    a.proposers.clone(),
                    a.clauses.clone(),
                    a.round.clone(),
                ),
                None => ("commit".to_string(), Vec::new(), Vec::new(), None),
            };
            self.history.push(HistEntry {
                oid: e.oid,
                parent: e.parents.first().copied(),
                summary: e.summary,
                author: e.author_name,
                kind,
                proposers,
                clauses,
                round,
                time: e.time.seconds(),
            });
        }
        if let Ok(rounds) = store.rounds() {
            self.rounds = rounds
                .into_iter()
                .map(|r| RoundMark {
                    at: self.history.iter().position(|h| h.oid == r.target),
                    name: r.name,
                    oid: r.target,
                })
                .collect();
        }
        self.current_round = store.current_round().ok().flatten();
    }

    /// The HEAD amendment's subject, for the status bar.
    pub fn head_summary(&self) -> Option<&str> {
        self.history.last().map(|h| h.summary.as_str())
    }
}
