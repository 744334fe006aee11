//! Slow work off the UI thread: comparing against a round (a git read), replay steps
//! (two drafts read from git per step) and the bracket burn-down (one draft per round).
//!
//! One worker thread, newest request wins (as gitui's `AsyncSingleJob`): before starting
//! work the worker drains its queue and keeps only the latest request of each kind, and
//! every request carries a generation number so the UI drops answers it no longer wants.

use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};
use std::thread::JoinHandle;

use super::compare::{self, ClauseDiff, Source, diff_texts};
use super::data::{Data, Texts, texts_of};
use crate::analysis;
use crate::store::Store;

#[derive(Clone, Debug, PartialEq)]
pub enum Request {
    Compare {
        left: Source,
        right: Source,
    },
    /// The draft after history entry `step`, and the change that step made.
    Replay {
        step: usize,
        clause: Option<String>,
    },
    Burndown,
}

impl Request {
    fn kind(&self) -> u8 {
        match self {
            Request::Compare { .. } => 0,
            Request::Replay { .. } => 1,
            Request::Burndown => 2,
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

#[derive(Clone, Debug, PartialEq)]
pub enum Response {
    Compare {
        left: Source,
        right: Source,
        result: Result<Vec<ClauseDiff>, String>,
    },
    Replay {
        step: usize,
        result: Result<ReplayFrame, String>,
    },
    Burndown(Result<Burndown, String>),
}

/// Does one request. Pure apart from reading git; the worker and the tests both call it.
pub fn compute(data: &Data, store: Option<&Store>, req: &Request) -> Response {
    match req {
        Request::Compare { left, right } => {
            let result = compare::resolve(data, store, left)
                .and_then(|l| compare::resolve(data, store, right).map(|r| diff_texts(&l, &r)));
            Response::Compare {
                left: left.clone(),
                right: right.clone(),
                result,
            }
        }
        Request::Replay { step, clause } => Response::Replay {
            step: *step,
            result: replay(data, store, *step, clause.as_deref()),
        },
        Request::Burndown => Response::Burndown(burndown(data, store)),
    }
}

fn draft_texts(store: &Store, oid: git2::Oid) -> Result<(Texts, usize), String> {
    let loaded = store.draft_at(oid).map_err(|e| e.to_string())?;
    let open = analysis::report(&loaded.draft, None).total.groups;
    Ok((texts_of(&loaded.draft), open))
}

fn replay(
    data: &Data,
    store: Option<&Store>,
    step: usize,
    clause: Option<&str>,
) -> Result<ReplayFrame, String> {
    let store = store.ok_or("no git record: nothing to replay")?;
    let entry = data
        .history
        .get(step)
        .ok_or_else(|| format!("no amendment {step} in the history"))?;
    let (after, open) = draft_texts(store, entry.oid)?;
    let before = match entry.parent {
        // The root commit may hold no draft at all.
        Some(p) => draft_texts(store, p).map(|(t, _)| t).unwrap_or_default(),
        None => Vec::new(),
    };
    let clause_text = clause.and_then(|id| {
        after
            .iter()
            .find(|(i, _, _)| i == id)
            .map(|(_, _, t)| t.clone())
    });
    Ok(ReplayFrame {
        step,
        changes: diff_texts(&before, &after),
        clause_text,
        open,
    })
}

fn burndown(data: &Data, store: Option<&Store>) -> Result<Burndown, String> {
    let mut out = Vec::new();
    if let Some(store) = store {
        for r in &data.rounds {
            let (_, open) = draft_texts(store, r.oid)?;
            out.push((r.name.clone(), open as u64));
        }
    }
    let now = data.stats.iter().map(|s| s.groups).sum::<usize>();
    out.push(("now".into(), now as u64));
    Ok(out)
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
                let store = Store::open(&data.root).ok();
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
                        let resp = compute(&data, store.as_ref(), &req);
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
