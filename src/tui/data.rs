//! What the TUI shows: the negotiation on disk, each clause's bracket tree, and (when the
//! folder is a git record) the amendment history and rounds.
//!
//! It arrives in two steps, so the first frame does not wait for what it does not show:
//! [`Data::load_draft`] reads the draft and its bracket trees (all the outline needs), and
//! [`Data::completed`] adds the positions, tiers, annexes, the cross-check and the history
//! (the background worker does that, see `jobs.rs`). [`Data::load`] does both in line.
//!
//! Everything here is library calls; nothing draws. The snapshot is shared read-only
//! (`Arc`) between the UI thread and the background worker.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::amendment::Amendment;
use crate::proposal::ProposalStatus;
use crate::proposals;
use crate::store::Oid;
use crate::tui::amending::Role;
use crate::verify::{Provenance, Verifier};
use treaty_text::exercise::{EXERCISE_FILE, Exercise};

use crate::analysis;
use crate::annex::AnnexRegister;
use crate::bracket::{Stats, Tree};
use crate::diag::Diagnostic;
use crate::draft::{self, Draft};
use crate::history::History;
use crate::negotiation::{DRAFTS_DIR, Negotiation};
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
    /// Where it stands with the roster (`None` until checked, or when it cannot be).
    pub provenance: Option<Provenance>,
}

impl HistEntry {
    /// The entry for a commit: its amendment's kind, proposers, clauses and round, or
    /// `commit` and nothing for an ordinary commit.
    fn new(
        oid: Oid,
        parent: Option<Oid>,
        summary: String,
        author: String,
        amendment: Option<&Amendment>,
        time: i64,
    ) -> HistEntry {
        let (kind, proposers, clauses, round) = match amendment {
            Some(a) => (
                a.kind.as_str().to_string(),
                a.proposers.clone(),
                a.clauses.clone(),
                a.round.clone(),
            ),
            None => ("commit".to_string(), Vec::new(), Vec::new(), None),
        };
        HistEntry {
            oid,
            parent,
            summary,
            author,
            kind,
            proposers,
            clauses,
            round,
            time,
            provenance: None,
        }
    }
}

/// A round tag and the index in [`Data::history`] of the commit it starts at.
#[derive(Clone, Debug)]
pub struct RoundStart {
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
    /// The bracket tree of each clause with text, by clause index (ascending), as
    /// [`analysis::trees`] gives them; see [`Data::tree`].
    pub trees: Arc<Vec<(usize, Tree)>>,
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
    pub rounds: Vec<RoundStart>,
    pub current_round: Option<String>,
    /// Why history is unavailable, when it is.
    pub history_note: Option<String>,
    /// Whether the positions, tiers, annexes, the cross-check and the history are in
    /// ([`Data::load_draft`] leaves them out; [`Data::completed`] adds them).
    pub complete: bool,
    /// The draft's own problems, kept for the cross-check until it has run.
    draft_problems: Vec<Diagnostic>,
    /// What the user may do (the Amend screen proposes, lands, or amends).
    pub role: Role,
    /// The proposals still before the chair (pending and stale), by clause.
    pub proposals: Vec<proposals::Entry>,
    /// A moot exercise's schedule, for the round's time left in the status bar, and when
    /// it was read (seconds since the epoch).
    pub schedule: Option<(Exercise, i64)>,
    /// The branch's commit when the draft was read (`None`: not a git record).
    pub head: Option<Oid>,
}

impl Data {
    /// Loads the negotiation at `root` and, if it is a git record, its history: everything,
    /// in line (what [`Data::load_draft`] and then [`Data::completed`] give).
    pub fn load(root: &Path) -> Result<Data, String> {
        let first = Data::load_draft(root)?;
        Ok(match Store::open(root) {
            Ok(store) => {
                let history = History::open(&store).ok();
                first.completed(Ok(&store), history.as_ref())
            }
            Err(e) => first.completed(Err(&e.to_string()), None),
        })
    }

    /// The draft and its bracket trees only: what the outline needs for the first frame.
    /// The rest is empty and [`Data::complete`] is false until [`Data::completed`] runs.
    pub fn load_draft(root: &Path) -> Result<Data, String> {
        // Read before the files: a commit landing meanwhile then shows as a newer head.
        let head = Store::open(root).ok().and_then(|s| s.head().ok());
        let loaded = Draft::load(&root.join(DRAFTS_DIR)).map_err(|e| e.to_string())?;
        let mut data = Data::from_parts(root, loaded.draft, BTreeMap::new(), None, None);
        data.complete = false;
        data.draft_problems = loaded.diagnostics;
        data.head = head;
        Ok(data)
    }

    /// This snapshot with everything else read: positions, tiers and annexes (cross-checked
    /// against the draft, using the bracket trees already parsed) and the history, from
    /// the index when there is one (`history`), else from git. `store` is the git record,
    /// or why there is none.
    pub fn completed(&self, store: Result<&Store, &str>, history: Option<&History>) -> Data {
        let loaded = draft::Loaded {
            draft: self.draft.clone(),
            diagnostics: self.draft_problems.clone(),
        };
        let checked = Negotiation::load_around(&self.root, loaded, &self.trees);
        let n = checked.negotiation;
        let mut data = Data {
            root: self.root.clone(),
            name: self.name.clone(),
            draft: n.draft,
            trees: self.trees.clone(),
            stats: self.stats.clone(),
            open: self.open.clone(),
            positions: n.positions,
            tiers: n.tiers,
            annexes: n.annexes,
            diagnostics: checked.diagnostics.len(),
            history: Vec::new(),
            rounds: Vec::new(),
            current_round: None,
            history_note: None,
            complete: true,
            draft_problems: Vec::new(),
            role: Role::Open,
            proposals: Vec::new(),
            schedule: None,
            head: self.head,
        };
        match (store, history) {
            (Ok(store), Some(history)) => data.history_from_index(store, history),
            (Ok(store), None) => data.history_from_git(store),
            (Err(e), _) => data.history_note = Some(format!("no amendment history: {e}")),
        }
        if let Ok(store) = store {
            data.mark_provenance(store);
            data.read_proposals(store);
        }
        data
    }

    /// The user's role, the proposals before the chair, and the exercise's schedule.
    fn read_proposals(&mut self, store: &Store) {
        self.role = Role::of(store);
        if let Ok(queue) = proposals::queue(store) {
            let mut open: Vec<proposals::Entry> = queue
                .entries
                .into_iter()
                .filter(|e| matches!(e.status, ProposalStatus::Pending | ProposalStatus::Stale))
                .collect();
            open.sort_by(|a, b| a.proposal.clause.cmp(&b.proposal.clause));
            self.proposals = open;
        }
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        self.schedule = store
            .head()
            .ok()
            .and_then(|h| store.read_file_at(h, EXERCISE_FILE).ok().flatten())
            .and_then(|b| Exercise::from_bytes(&b).ok())
            .filter(|e| !e.rounds.is_empty())
            .map(|e| (e, now));
    }

    /// The round as the schedule has it `elapsed_ms` after the data was read: `round 1:
    /// 45 min left`.
    pub fn round_clock(&self, elapsed_ms: u64) -> Option<String> {
        let (exercise, read_at) = self.schedule.as_ref()?;
        let now = read_at + (elapsed_ms / 1000) as i64;
        let (round, phase) = exercise.round_at(now)?;
        Some(format!("round {}: {}", round.round, phase.describe()))
    }

    /// Marks each timeline entry with where it stands with the roster (worked out once
    /// per commit and kept in the record's `.git/treaty/`).
    fn mark_provenance(&mut self, store: &Store) {
        let oids: Vec<Oid> = self.history.iter().map(|h| h.oid).collect();
        let Ok(marks) = Verifier::open(Some(store.workdir())).and_then(|v| v.provenance(&oids))
        else {
            return;
        };
        for h in &mut self.history {
            h.provenance = marks.get(&h.oid).copied();
        }
    }

    /// A complete snapshot without history, from parts already loaded.
    pub fn from_parts(
        root: &Path,
        draft: Draft,
        positions: BTreeMap<String, Position>,
        tiers: Option<Tiers>,
        annexes: Option<AnnexRegister>,
    ) -> Data {
        let trees = analysis::trees(&draft);
        let mut stats = vec![Stats::default(); draft.clauses.len()];
        for (i, t) in &trees {
            stats[*i] = t.stats();
        }
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
            trees: Arc::new(trees),
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
            complete: true,
            draft_problems: Vec::new(),
            role: Role::Open,
            proposals: Vec::new(),
            schedule: None,
            head: None,
        }
    }

    /// The bracket tree of clause `i` (`None` for headings without text).
    pub fn tree(&self, i: usize) -> Option<&Tree> {
        let k = self.trees.binary_search_by_key(&i, |(j, _)| *j).ok()?;
        Some(&self.trees[k].1)
    }

    /// Reads the timeline from the history index (one file; [`History::open`] builds or
    /// extends it first when the branch moved).
    fn history_from_index(&mut self, store: &Store, history: &History) {
        let mut previous: Option<Oid> = None;
        self.history.reserve_exact(history.len());
        // Each commit's summary alone: decoding whole records (every clause version they
        // carry) took 30 MB at UN scale, on every reload.
        for r in (0..history.len()).map(|i| history.info_owned(i)) {
            let Ok(oid) = Oid::from_str(&r.oid) else {
                continue;
            };
            // The index is the first-parent line: each commit's parent is the one before.
            self.history.push(HistEntry::new(
                oid,
                previous,
                r.summary,
                r.author,
                r.amendment.as_ref(),
                r.time,
            ));
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
            .map(|(at, t)| RoundStart {
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
            self.history.push(HistEntry::new(
                e.oid,
                e.parents.first().copied(),
                e.summary,
                e.author_name,
                e.amendment.as_ref(),
                e.time.seconds(),
            ));
        }
        if let Ok(rounds) = store.rounds() {
            self.rounds = rounds
                .into_iter()
                .map(|r| RoundStart {
                    at: self.history.iter().position(|h| h.oid == r.target),
                    name: r.name,
                    oid: r.target,
                })
                .collect();
        }
        self.current_round = store.current_round().ok().flatten();
    }

    /// Whether `other` was read from the same record and shows the same negotiation: the
    /// same commit, clauses, positions, tiers, annex proposals, role and rounds.
    pub fn shows_the_same(&self, other: &Data) -> bool {
        self.head == other.head
            && self.draft.clauses == other.draft.clauses
            && self.positions == other.positions
            && self.tiers == other.tiers
            && self.annexes == other.annexes
            && self.role == other.role
            && self.current_round == other.current_round
            && (self.rounds.iter().map(|r| &r.name)).eq(other.rounds.iter().map(|r| &r.name))
    }

    /// The HEAD amendment's subject, for the status bar.
    pub fn head_summary(&self) -> Option<&str> {
        self.history.last().map(|h| h.summary.as_str())
    }
}
