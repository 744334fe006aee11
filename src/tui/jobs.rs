//! Slow work off the UI thread: comparing against a round (a git read), replay steps,
//! a clause's history and blame (from the history index), the bracket burn-down.
//!
//! One worker thread, newest request wins (as gitui's `AsyncSingleJob`): before starting
//! work the worker drains its queue and keeps only the latest request of each kind, and
//! every request carries a generation number so the UI drops answers it no longer wants.
//! The worker keeps a [`Context`]: the git record and the history index, opened once.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};
use std::thread::JoinHandle;

use super::app::{Effect, Msg, State, update};
use super::compare::{self, ClauseDiff, MatrixRow, Source, Tag};
use super::data::Data;
use crate::diff::{Sources, word_ops};
use crate::draft::Draft;
use crate::history::{ClauseVersion, History};
use crate::store::Store;

#[derive(Clone, Debug, PartialEq)]
pub enum Request {
    /// Two sources clause by clause; with `only`, just that clause and what is under it.
    Compare {
        left: Source,
        right: Source,
        only: Option<String>,
    },
    /// The draft after history entry `step`, and the change that step made.
    Replay {
        step: usize,
        clause: Option<String>,
    },
    Burndown,
    /// Every version of one clause, and the blame of its words.
    ClauseHistory {
        clause: String,
    },
    /// One clause against every delegation's position.
    Matrix {
        clause: String,
    },
}

impl Request {
    fn kind(&self) -> u8 {
        match self {
            Request::Compare { .. } => 0,
            Request::Replay { .. } => 1,
            Request::Burndown => 2,
            Request::ClauseHistory { .. } => 3,
            Request::Matrix { .. } => 4,
        }
    }
}

/// The text at one replay step.
#[derive(Clone, Debug, PartialEq)]
pub struct ReplayFrame {
    pub step: usize,
    /// Clauses this step changed, before → after.
    pub changes: Vec<ClauseDiff>,
    /// The selected clause's text after this step (`None` if it did not exist yet).
    pub clause_text: Option<String>,
    /// Open bracket groups in the whole draft after this step.
    pub open: usize,
}

/// Open bracket groups at the start of each round, then now.
pub type Burndown = Vec<(String, u64)>;

/// One version of a clause: the amendment that made it and what it changed.
#[derive(Clone, Debug, PartialEq)]
pub struct VersionRow {
    /// The amendment's index in [`Data::history`] (`None` if the loaded history lacks it).
    pub step: Option<usize>,
    pub summary: String,
    pub proposers: Vec<String>,
    pub kind: String,
    pub round: Option<String>,
    pub date: String,
    /// This amendment deleted the clause.
    pub deleted: bool,
    /// The words changed from the previous version.
    pub tokens: Vec<(Tag, String)>,
}

/// A run of the clause's current words introduced by one version.
#[derive(Clone, Debug, PartialEq)]
pub struct BlameRun {
    pub text: String,
    /// Index into [`ClauseTimeline::versions`].
    pub version: Option<usize>,
}

/// A clause's history and blame, as the History screen shows them.
#[derive(Clone, Debug, PartialEq)]
pub struct ClauseTimeline {
    pub clause: String,
    /// Oldest first.
    pub versions: Vec<VersionRow>,
    /// The clause's words as they last stood, by the version that introduced them.
    pub blame: Vec<BlameRun>,
    /// Words once in the clause and removed since: `(text, introduced, deleted)` versions.
    pub deleted: Vec<(String, Option<usize>, Option<usize>)>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Response {
    Compare {
        left: Source,
        right: Source,
        only: Option<String>,
        result: Result<Vec<ClauseDiff>, String>,
    },
    Replay {
        step: usize,
        result: Result<ReplayFrame, String>,
    },
    Burndown(Result<Burndown, String>),
    ClauseHistory {
        clause: String,
        result: Result<ClauseTimeline, String>,
    },
    Matrix {
        clause: String,
        rows: Vec<MatrixRow>,
    },
}

/// What the worker keeps between requests: the git record and its history index, each
/// opened on first use.
pub struct Context {
    root: PathBuf,
    store: Option<Store>,
    history: Option<Result<History, String>>,
    sources: Option<Result<Sources, String>>,
    /// Sources already resolved, at most [`MAX_RESOLVED`].
    resolved: HashMap<Source, Arc<Draft>>,
}

/// How many resolved versions of the text a context keeps.
const MAX_RESOLVED: usize = 32;

impl Context {
    /// A context for the negotiation at `root` (without history if it is no git record).
    pub fn open(root: &Path) -> Context {
        Context {
            root: root.to_path_buf(),
            store: Store::open(root).ok(),
            history: None,
            sources: None,
            resolved: HashMap::new(),
        }
    }

    /// The history index, opened (and brought up to date) on first use.
    fn history(&mut self) -> Result<&History, String> {
        if self.history.is_none() {
            self.history = Some(match &self.store {
                Some(store) => History::open(store).map_err(|e| e.to_string()),
                None => Err("no git record: no amendment history".into()),
            });
        }
        match self.history.as_ref() {
            Some(Ok(h)) => Ok(h),
            Some(Err(e)) => Err(e.clone()),
            None => Err("no amendment history".into()),
        }
    }

    /// Applies `msgs` to `state`, doing each background request in line as the worker
    /// would, until nothing is left; returns the other effects. For tests and benchmarks,
    /// where no worker thread runs.
    pub fn settle(
        &mut self,
        state: &mut State,
        msgs: impl IntoIterator<Item = Msg>,
    ) -> Vec<Effect> {
        let mut other = Vec::new();
        let mut queue: std::collections::VecDeque<Msg> = msgs.into_iter().collect();
        while let Some(m) = queue.pop_front() {
            for e in update(state, m) {
                match e {
                    Effect::Request(r) => queue.push_back(Msg::Job(self.compute(&state.data, &r))),
                    e => other.push(e),
                }
            }
        }
        other
    }

    /// Does one request. Pure apart from reading git; the worker and the tests both call it.
    pub fn compute(&mut self, data: &Data, req: &Request) -> Response {
        match req {
            Request::Compare { left, right, only } => {
                let result = self.resolve(data, left).and_then(|l| {
                    self.resolve(data, right)
                        .map(|r| compare::diff_drafts(&l, &r, only.as_deref()))
                });
                Response::Compare {
                    left: left.clone(),
                    right: right.clone(),
                    only: only.clone(),
                    result,
                }
            }
            Request::Replay { step, clause } => Response::Replay {
                step: *step,
                result: self
                    .history()
                    .and_then(|h| replay(data, h, *step, clause.as_deref())),
            },
            Request::Burndown => Response::Burndown(self.burndown()),
            Request::Matrix { clause } => Response::Matrix {
                clause: clause.clone(),
                rows: compare::matrix(data, clause),
            },
            Request::ClauseHistory { clause } => Response::ClauseHistory {
                clause: clause.clone(),
                result: self
                    .history()
                    .and_then(|h| clause_timeline(data, h, clause)),
            },
        }
    }

    /// The text of a source: the draft on screen, or what
    /// [`crate::diff::Sources::resolve`] makes of the spec (a round read from git, a
    /// position applied with its inserts).
    ///
    /// Each source is resolved once per context (a worker lives as long as one loaded
    /// snapshot), so stepping back to a source compares without resolving it again.
    fn resolve(&mut self, data: &Data, source: &Source) -> Result<Arc<Draft>, String> {
        if let Some(d) = self.resolved.get(source) {
            return Ok(d.clone());
        }
        let draft = if *source == Source::Draft {
            data.draft.clone()
        } else {
            if self.sources.is_none() {
                self.sources = Some(Sources::open(&self.root).map_err(|e| e.to_string()));
            }
            match self.sources.as_ref() {
                Some(Ok(s)) => s
                    .resolve(&source.spec())
                    .map(|r| r.draft)
                    .map_err(|e| e.to_string())?,
                Some(Err(e)) => return Err(e.clone()),
                None => return Err("cannot read the negotiation".into()),
            }
        };
        if self.resolved.len() >= MAX_RESOLVED {
            self.resolved.clear();
        }
        let draft = Arc::new(draft);
        self.resolved.insert(source.clone(), draft.clone());
        Ok(draft)
    }

    /// Forgets the resolved sources (the next compare resolves them again).
    pub fn forget_resolved(&mut self) {
        self.resolved.clear();
    }

    fn burndown(&mut self) -> Result<Burndown, String> {
        self.history()?;
        let (Some(store), Some(Ok(history))) = (&self.store, &self.history) else {
            return Err("no git record: no rounds".into());
        };
        let stats = history.stats_by_round(store).map_err(|e| e.to_string())?;
        Ok(stats
            .into_iter()
            .map(|r| {
                let name = if r.round == "current" {
                    "now".to_string()
                } else {
                    r.round
                };
                (name, u64::from(r.counts.groups))
            })
            .collect())
    }
}

/// Where a clause stands in the current draft, or its id if it is gone.
fn reference(data: &Data, id: &str) -> String {
    match data.draft.index_of(id) {
        Some(i) => data.draft.reference(i),
        None => format!("{id} (not in the current draft)"),
    }
}

fn steps_by_oid(data: &Data) -> HashMap<String, usize> {
    data.history
        .iter()
        .enumerate()
        .map(|(i, h)| (h.oid.to_string(), i))
        .collect()
}

fn words(v: Option<&ClauseVersion>) -> &str {
    v.map_or("", ClauseVersion::words)
}

/// The change from `before` to `after` (`None`: not there) as the screens draw it.
fn version_diff(
    id: &str,
    reference: String,
    before: Option<&ClauseVersion>,
    after: Option<&ClauseVersion>,
) -> ClauseDiff {
    let (tokens, similarity) = compare::tokens_of(&word_ops(words(before), words(after)));
    let change = match (before, after) {
        (None, _) => "inserted",
        (_, None) => "deleted",
        _ => "changed",
    };
    ClauseDiff {
        id: id.to_string(),
        reference,
        change,
        note: None,
        tokens,
        similarity,
    }
}

fn replay(
    data: &Data,
    history: &History,
    step: usize,
    clause: Option<&str>,
) -> Result<ReplayFrame, String> {
    let entry = data
        .history
        .get(step)
        .ok_or_else(|| format!("no amendment {step} in the history"))?;
    let at = history.position(&entry.oid.to_string()).ok_or_else(|| {
        format!(
            "amendment {} is not in the history index: reload (r)",
            entry.oid
        )
    })?;
    let mut walk = history.replay_range(at, at + 1);
    let done = walk.next().ok_or("the history index ended early")?;
    let changes = done
        .changes
        .iter()
        .filter(|c| {
            c.before.as_ref().map(ClauseVersion::words) != c.after.map(ClauseVersion::words)
        })
        .map(|c| version_diff(c.id, reference(data, c.id), c.before.as_ref(), c.after))
        .collect();
    let state = walk.state();
    Ok(ReplayFrame {
        step,
        changes,
        clause_text: clause
            .and_then(|id| state.clause(id))
            .map(|v| v.text.clone()),
        open: state.bracket_counts().groups as usize,
    })
}

fn clause_timeline(data: &Data, history: &History, id: &str) -> Result<ClauseTimeline, String> {
    let events = history.clause_history(id).map_err(|e| e.to_string())?;
    let blame = history.blame(id).map_err(|e| e.to_string())?;
    let steps = steps_by_oid(data);
    let mut versions = Vec::with_capacity(events.len());
    let mut previous: Option<&ClauseVersion> = None;
    for e in &events {
        let r = e.record;
        let (tokens, _) = compare::tokens_of(&word_ops(words(previous), words(e.version)));
        versions.push(VersionRow {
            step: steps.get(&r.oid).copied(),
            summary: r.summary.clone(),
            proposers: r.proposers().to_vec(),
            kind: r
                .amendment
                .as_ref()
                .map_or("commit".to_string(), |a| a.kind.as_str().to_string()),
            round: r.round().map(str::to_string),
            date: r.date(),
            deleted: e.version.is_none(),
            tokens,
        });
        previous = e.version;
    }
    // Record index → version number.
    let version_of = |record: usize| events.iter().position(|e| e.index == record);
    let mut runs: Vec<BlameRun> = Vec::new();
    let mut at = 0;
    for w in &blame.words {
        let v = version_of(w.introduced);
        // White space between words goes with the run before it.
        let text = &blame.text[at.min(w.start)..w.end];
        at = w.end;
        match runs.last_mut() {
            Some(run) if run.version == v => run.text.push_str(text),
            _ => runs.push(BlameRun {
                text: text.to_string(),
                version: v,
            }),
        }
    }
    if at < blame.text.len() {
        match runs.last_mut() {
            Some(run) => run.text.push_str(&blame.text[at..]),
            None => runs.push(BlameRun {
                text: blame.text[at..].to_string(),
                version: None,
            }),
        }
    }
    let deleted = blame
        .deleted
        .iter()
        .map(|d| {
            (
                d.text.clone(),
                version_of(d.introduced),
                version_of(d.deleted),
            )
        })
        .collect();
    Ok(ClauseTimeline {
        clause: id.to_string(),
        versions,
        blame: runs,
        deleted,
    })
}

/// The background worker.
pub struct Worker {
    tx: Option<Sender<(u64, Request)>>,
    rx: Receiver<(u64, Response)>,
    next_gen: u64,
    handle: Option<JoinHandle<()>>,
}

impl Worker {
    /// Starts a worker over `data`; it opens its own handle on the git record, if any.
    pub fn spawn(data: Arc<Data>) -> Worker {
        let (tx, req_rx) = mpsc::channel::<(u64, Request)>();
        let (resp_tx, rx) = mpsc::channel();
        let handle = std::thread::Builder::new()
            .name("treaty-tui-worker".into())
            .spawn(move || {
                let mut ctx = Context::open(&data.root);
                while let Ok(first) = req_rx.recv() {
                    // Newest request of each kind wins.
                    let mut latest: Vec<(u64, Request)> = vec![first];
                    loop {
                        match req_rx.try_recv() {
                            Ok(r) => {
                                latest.retain(|(_, q)| q.kind() != r.1.kind());
                                latest.push(r);
                            }
                            Err(TryRecvError::Empty) => break,
                            Err(TryRecvError::Disconnected) => return,
                        }
                    }
                    for (generation, req) in latest {
                        let resp = ctx.compute(&data, &req);
                        if resp_tx.send((generation, resp)).is_err() {
                            return;
                        }
                    }
                }
            })
            .ok();
        Worker {
            tx: Some(tx),
            rx,
            next_gen: 1,
            handle,
        }
    }

    /// Queues `req`; returns its generation number.
    pub fn request(&mut self, req: Request) -> u64 {
        let generation = self.next_gen;
        self.next_gen += 1;
        if let Some(tx) = &self.tx {
            let _ = tx.send((generation, req));
        }
        generation
    }

    /// A finished answer, if one is ready.
    pub fn try_recv(&self) -> Option<(u64, Response)> {
        self.rx.try_recv().ok()
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        // Closing the queue ends the thread after its current request; don't wait for it.
        self.tx.take();
        self.handle.take();
    }
}
