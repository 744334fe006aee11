//! Slow work off the UI thread: loading what the first frame went without (positions,
//! tiers, annexes, the cross-check, the history: [`Request::LoadAll`], asked for first),
//! comparing against a round (a git read), replay steps, a clause's history and blame
//! (from the history index), the bracket burn-down.
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
use super::compare::{self, MatrixRow, ShownClause, Tag, Version};
use super::data::Data;
use crate::compare::word_ops;
use crate::draft::Draft;
use crate::history::{Attributed, ClauseVersion, History};
use crate::store::Store;
use crate::versions::Sources;

#[derive(Clone, Debug, PartialEq)]
pub enum Request {
    /// Everything the first frame went without: positions, tiers, annexes, the
    /// cross-check and the history ([`Data::completed`]).
    LoadAll,
    /// Two sources clause by clause; with `only`, just that clause and what is under it.
    Compare {
        left: Version,
        right: Version,
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
    /// The exercise's progress for the dashboard, after fetching from `origin` when
    /// `fetch` (and following it when the branch has nothing of its own).
    Dashboard {
        fetch: bool,
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
            Request::LoadAll => 5,
            Request::Dashboard { .. } => 6,
        }
    }
}

/// The text at one replay step.
#[derive(Clone, Debug, PartialEq)]
pub struct ReplayFrame {
    pub step: usize,
    /// Clauses this step changed, before → after.
    pub changes: Vec<ShownClause>,
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

/// A complete snapshot that landed from the background (two are equal when they are the
/// same snapshot).
#[derive(Clone, Debug)]
pub struct Snapshot(pub Arc<Data>);

impl PartialEq for Snapshot {
    fn eq(&self, other: &Snapshot) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Response {
    /// The answer to [`Request::LoadAll`]: the snapshot with everything in.
    Loaded(Snapshot),
    Compare {
        left: Version,
        right: Version,
        only: Option<String>,
        result: Result<Vec<ShownClause>, String>,
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
    Dashboard(Result<Dashboard, String>),
}

/// What the dashboard shows, and whether new commits came in from the remote.
#[derive(Clone, Debug, PartialEq)]
pub struct Dashboard {
    pub progress: treaty_text::exercise::debrief::Progress,
    /// The fetch brought new commits (the text on screen is older: Reload reads it).
    pub arrived: bool,
    /// Why the fetch failed, if it did (the progress is then the local record's).
    pub fetch_error: Option<String>,
}

/// What the worker keeps between requests: the git record and its history index, each
/// opened on first use.
pub struct Context {
    root: PathBuf,
    /// The git record, or why there is none.
    store: Result<Store, String>,
    history: Option<Result<History, String>>,
    sources: Option<Result<Sources, String>>,
    /// Sources already resolved, at most [`MAX_RESOLVED`].
    resolved: HashMap<Version, Arc<Draft>>,
}

/// How many resolved versions of the text a context keeps.
const MAX_RESOLVED: usize = 32;

impl Context {
    /// A context for the negotiation at `root` (without history if it is no git record).
    pub fn open(root: &Path) -> Context {
        Context {
            root: root.to_path_buf(),
            store: Store::open(root).map_err(|e| e.to_string()),
            history: None,
            sources: None,
            resolved: HashMap::new(),
        }
    }

    /// The history index, opened (and brought up to date) on first use.
    fn history(&mut self) -> Result<&History, String> {
        if self.history.is_none() {
            self.history = Some(match &self.store {
                Ok(store) => History::open(store).map_err(|e| e.to_string()),
                Err(_) => Err("no git record: no amendment history".into()),
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
            Request::LoadAll => {
                // The worker's own index, opened once: later history requests reuse it.
                let _ = self.history();
                let history = self.history.as_ref().and_then(|h| h.as_ref().ok());
                let store = self.store.as_ref().map_err(String::as_str);
                Response::Loaded(Snapshot(Arc::new(data.completed(store, history))))
            }
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
            Request::Dashboard { fetch } => Response::Dashboard(self.dashboard(*fetch)),
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
    /// [`crate::versions::Sources::resolve`] makes of the spec (a round read from git, a
    /// position applied with its inserts).
    ///
    /// Each source is resolved once per context (a worker lives as long as one loaded
    /// snapshot), so stepping back to a source compares without resolving it again.
    fn resolve(&mut self, data: &Data, source: &Version) -> Result<Arc<Draft>, String> {
        if let Some(d) = self.resolved.get(source) {
            return Ok(d.clone());
        }
        let draft = if *source == Version::Draft {
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

    /// The exercise's progress, fetched from `origin` first when asked and it exists.
    fn dashboard(&mut self, fetch: bool) -> Result<Dashboard, String> {
        use crate::exercise::{self, keys, progress, server};
        let store = self.store.as_ref().map_err(Clone::clone)?;
        let (mut arrived, mut fetch_error) = (false, None);
        if fetch && server::has_remote(store, "origin") {
            match server::refresh(store, "origin") {
                Ok(moved) => arrived = moved,
                Err(e) => fetch_error = Some(e.to_string()),
            }
        }
        if arrived {
            // The index was opened for the old tip.
            self.history = None;
            self.resolved.clear();
        }
        let store = self.store.as_ref().map_err(Clone::clone)?;
        let cur = exercise::current(store).map_err(|e| e.to_string())?;
        let at = store.head().map_err(|e| e.to_string())?;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        let identity = keys::default_identity().filter(|p| p.is_file());
        self.history()?;
        let (Ok(store), Some(Ok(history))) = (&self.store, &self.history) else {
            return Err("no amendment history".into());
        };
        let (progress, _) = progress::progress(
            store,
            history,
            &cur,
            &progress::Ask {
                at,
                now: Some(now),
                words: false,
                identity: identity.as_deref(),
            },
        )
        .map_err(|e| e.to_string())?;
        Ok(Dashboard {
            progress,
            arrived,
            fetch_error,
        })
    }

    /// Forgets the resolved sources (the next compare resolves them again).
    pub fn forget_resolved(&mut self) {
        self.resolved.clear();
    }

    fn burndown(&mut self) -> Result<Burndown, String> {
        self.history()?;
        let (Ok(store), Some(Ok(history))) = (&self.store, &self.history) else {
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
) -> ShownClause {
    let (tokens, similarity) = compare::tokens_of(&word_ops(words(before), words(after)));
    let change = match (before, after) {
        (None, _) => "inserted",
        (_, None) => "deleted",
        _ => "changed",
    };
    ShownClause {
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
                let mut data = data;
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
                        // Requests after the load see everything it brought.
                        if let Response::Loaded(Snapshot(d)) = &resp {
                            data = d.clone();
                        }
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

    /// Closes the queue and waits for the thread to end (it finishes its current request
    /// first). For benchmarks: dropping a worker does not wait.
    pub fn finish(mut self) {
        self.tx.take();
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }

    /// The next finished answer, waiting at most `timeout` for it.
    pub fn recv_timeout(&self, timeout: std::time::Duration) -> Option<(u64, Response)> {
        self.rx.recv_timeout(timeout).ok()
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        // Closing the queue ends the thread after its current request; don't wait for it.
        self.tx.take();
        self.handle.take();
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    use super::*;
    use crate::testing::fixture;
    use crate::tui::action::Action;
    use crate::tui::app::{Screen, WAITING, on_start, reloaded};
    use crate::tui::compare::Version;
    use crate::tui::keymap::Keymap;
    use crate::tui::screens;
    use crate::tui::theme::Styles;

    fn record() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("repo");
        fixture::build(&root).expect("fixture builds");
        (dir, root)
    }

    fn state(data: Data) -> State {
        let mut s = State::new(Arc::new(data), Styles::default(), Keymap::default());
        s.size = (100, 30);
        s
    }

    fn screen_text(s: &State) -> String {
        let mut t = Terminal::new(TestBackend::new(100, 30)).unwrap();
        t.draw(|f| screens::draw(s, f)).unwrap();
        t.backend().to_string()
    }

    /// The background load, answered in line.
    fn land(ctx: &mut Context, s: &mut State) -> Vec<Effect> {
        let start = on_start(s);
        assert_eq!(start, [Effect::Request(Request::LoadAll)]);
        let resp = ctx.compute(&s.data, &Request::LoadAll);
        ctx.settle(s, [Msg::Job(resp)])
    }

    /// Everything in a snapshot, as text (the draft's id map is left out: a hash map prints
    /// in no fixed order, and it is made from the clauses).
    fn shown(d: &Data) -> String {
        format!(
            "{:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?}",
            d.root,
            d.name,
            d.draft.files,
            d.draft.clauses,
            d.draft.retired,
            d.trees,
            d.stats,
            d.open,
            d.positions,
            d.tiers,
            d.annexes,
            d.diagnostics,
            d.history,
            d.rounds,
            d.current_round,
            d.history_note,
            d.complete
        )
    }

    #[test]
    fn the_background_load_lands_what_a_full_load_gives() {
        let (_dir, root) = record();
        let first = Data::load_draft(&root).unwrap();
        assert!(!first.complete);
        assert!(first.positions.is_empty() && first.history.is_empty());
        assert!(first.tree(first.draft.index_of("pp3").unwrap()).is_some());
        let Response::Loaded(Snapshot(landed)) =
            Context::open(&root).compute(&first, &Request::LoadAll)
        else {
            panic!("LoadAll answers with the snapshot");
        };
        let full = Data::load(&root).unwrap();
        assert!(landed.complete && full.complete);
        assert!(!landed.positions.is_empty() && !landed.history.is_empty());
        assert_eq!(shown(&landed), shown(&full));
        // The synchronous load is exactly the two steps: nothing else differs either.
        assert_eq!(landed.diagnostics, full.diagnostics);
        assert_eq!(landed.current_round, full.current_round);
    }

    #[test]
    fn without_git_the_load_lands_the_positions_and_says_why_there_is_no_history() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("plain");
        for (path, bytes) in crate::demo::bundled_sample() {
            let p = root.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, bytes).unwrap();
        }
        let first = Data::load_draft(&root).unwrap();
        let Response::Loaded(Snapshot(landed)) =
            Context::open(&root).compute(&first, &Request::LoadAll)
        else {
            panic!("LoadAll answers with the snapshot");
        };
        let full = Data::load(&root).unwrap();
        assert!(landed.history.is_empty() && !landed.positions.is_empty());
        assert!(
            landed
                .history_note
                .as_deref()
                .is_some_and(|n| n.starts_with("no amendment history"))
        );
        assert_eq!(shown(&landed), shown(&full));
    }

    #[test]
    fn keys_before_the_load_lands_wait_then_run_as_if_it_had_been_there() {
        let (_dir, root) = record();
        let keys = [
            Msg::Action(Action::Down),
            Msg::Action(Action::Compare),
            Msg::Action(Action::PrevSource),
            Msg::Action(Action::PrevSource),
            Msg::Action(Action::Down),
        ];

        // What a full load gives for these keys.
        let mut ctx = Context::open(&root);
        let mut want = state(Data::load(&root).unwrap());
        ctx.settle(&mut want, keys.clone());

        let mut ctx = Context::open(&root);
        let mut s = state(Data::load_draft(&root).unwrap());
        assert!(screen_text(&s).contains("round loading…"));
        let first = s.selected;
        let mut effects = Vec::new();
        for k in keys {
            effects.extend(update(&mut s, k));
        }
        // Moving in the outline and changing screens happen at once; the compare keys
        // (and the key after them) wait, and nothing is asked of the worker yet.
        assert_ne!(s.selected, first);
        assert_eq!(s.screen, Screen::Compare);
        assert_eq!(s.deferred.len(), 3);
        assert!(effects.is_empty(), "{effects:?}");
        assert_eq!(s.message.as_ref().map(|m| m.1.as_str()), Some(WAITING));
        let text = screen_text(&s);
        assert!(
            text.contains("loading the delegations' positions"),
            "{text}"
        );

        land(&mut ctx, &mut s);
        assert!(s.data.complete && s.deferred.is_empty());
        assert_eq!(s.message, None);
        assert_eq!(s.selected, want.selected);
        assert_eq!(s.compare.left, want.compare.left);
        assert_eq!(s.compare.right, want.compare.right);
        assert!(
            matches!(s.compare.right, Version::Position(_)),
            "{:?}",
            s.compare.right
        );
        assert_eq!(s.compare.row, want.compare.row);
        assert_eq!(s.compare.result, want.compare.result);
        assert!(s.compare.result.as_ref().is_some_and(Result::is_ok));
        assert_eq!(screen_text(&s), screen_text(&want));
    }

    #[test]
    fn every_screen_draws_while_loading_and_quit_never_waits() {
        let (_dir, root) = record();
        let mut s = state(Data::load_draft(&root).unwrap());
        for a in [
            Action::Clause,
            Action::Tiers,
            Action::Annexes,
            Action::History,
            Action::Amend,
            Action::Compare,
            Action::Outline,
        ] {
            assert!(update(&mut s, Msg::Action(a)).is_empty());
            let text = screen_text(&s);
            if crate::tui::app::shows_loaded_data(s.screen) {
                assert!(
                    text.contains("loading the delegations' positions"),
                    "{a:?}: {text}"
                );
            } else {
                assert!(
                    !text.contains("loading the delegations' positions"),
                    "{a:?}"
                );
            }
        }
        // On a screen drawn from what is loading, moving waits; replay waits anywhere.
        update(&mut s, Msg::Action(Action::History));
        update(&mut s, Msg::Action(Action::Down));
        update(&mut s, Msg::Action(Action::ReplayNext));
        update(&mut s, Msg::Click { column: 5, row: 5 });
        assert_eq!(s.deferred.len(), 3);
        assert_eq!(update(&mut s, Msg::Action(Action::Quit)), [Effect::Quit]);
        // A reload with everything in (after a commit) runs the waiting keys too.
        let effects = reloaded(&mut s, Arc::new(Data::load(&root).unwrap()));
        assert!(s.deferred.is_empty());
        assert_eq!(s.history.step, Some(0));
        assert!(
            effects
                .iter()
                .any(|e| matches!(e, Effect::Request(Request::Replay { step: 0, .. }))),
            "{effects:?}"
        );
    }

    #[test]
    fn the_worker_answers_later_requests_from_the_landed_snapshot() {
        let (_dir, root) = record();
        let first = Arc::new(Data::load_draft(&root).unwrap());
        let mut worker = Worker::spawn(first.clone());
        worker.request(Request::LoadAll);
        worker.request(Request::Matrix {
            clause: "pp3".into(),
        });
        let mut got = Vec::new();
        while got.len() < 2 {
            let (_, r) = worker
                .recv_timeout(Duration::from_secs(60))
                .expect("the worker answers");
            got.push(r);
        }
        let Response::Loaded(Snapshot(landed)) = &got[0] else {
            panic!("the load comes first: {got:?}");
        };
        let Response::Matrix { rows, .. } = &got[1] else {
            panic!("then the matrix: {got:?}");
        };
        assert_eq!(rows.len(), landed.positions.len());
        assert_eq!(*rows, compare::matrix(landed, "pp3"));
    }
}
