//! Watching the record for amendments made elsewhere (`treaty amend` in another shell, a
//! sync, a colleague on the same machine): a thread looks at the branch's commit and at
//! the files under `drafts/` and `positions/` every few hundred milliseconds and, when
//! either changed, loads the negotiation again off the UI thread and hands the snapshot to
//! the event loop ([`crate::tui::app::Msg::Changed`]). Keys never wait for it. The reload
//! key asks the same thread to load now ([`Watcher::reload`]), and so does the workbench
//! after its own amendment: each snapshot says which asks it answers, and one thread
//! loading means never two snapshots being read at once (at UN scale each holds tens of
//! megabytes while it is read).

use std::cell::Cell;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, SystemTime};

use super::data::Data;
use crate::negotiation::{DRAFTS_DIR, POSITIONS_DIR};
use crate::store::{Oid, Store};

/// How often the record is looked at.
pub const EVERY: Duration = Duration::from_millis(400);

/// What the watched record looks like: its branch's commit and a digest of the watched
/// files' names, sizes and modification times.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamp {
    pub head: Option<Oid>,
    files: u64,
}

impl Stamp {
    /// The record at `root` now (`store`: its git record, when it is one).
    pub fn of(root: &Path, store: Option<&Store>) -> Stamp {
        let mut h = DefaultHasher::new();
        for dir in [DRAFTS_DIR, POSITIONS_DIR] {
            digest(&root.join(dir), &mut h);
        }
        Stamp {
            head: store.and_then(|s| s.head().ok()),
            files: h.finish(),
        }
    }
}

fn digest(dir: &Path, h: &mut DefaultHasher) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let Ok(meta) = e.metadata() else { continue };
        e.file_name().hash(h);
        if meta.is_dir() {
            digest(&e.path(), h);
        } else {
            meta.len().hash(h);
            meta.modified()
                .ok()
                .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
                .hash(h);
        }
    }
}

/// A snapshot the watcher loaded (or why it could not), and the last ask it answers:
/// every ask up to that number was made before this snapshot began to be read.
pub type Loaded = (Result<Data, String>, u64);

/// The watching thread; it ends when this is dropped.
pub struct Watcher {
    rx: Receiver<Loaded>,
    /// Each message asks for a load now (the ask's number); closing it ends the thread.
    control: Sender<u64>,
    /// The number of the last ask.
    asks: Cell<u64>,
}

impl Watcher {
    /// Watches the record at `root`, whose snapshot on screen was read at `head`.
    pub fn spawn(root: PathBuf, head: Option<Oid>) -> Watcher {
        let (tx, rx) = mpsc::channel();
        let (control, asked) = mpsc::channel::<u64>();
        let _ = std::thread::Builder::new()
            .name("treaty-tui-watch".into())
            .spawn(move || watch(&root, head, &tx, &asked));
        Watcher {
            rx,
            control,
            asks: Cell::new(0),
        }
    }

    /// Asks for the record to be loaded now, changed or not; the snapshot comes through
    /// [`Watcher::try_recv`] like any other. Asking again before the load starts asks for
    /// nothing more. Returns the ask's number: the snapshot whose number is at least
    /// this one was read after it.
    pub fn reload(&self) -> u64 {
        let ask = self.asks.get() + 1;
        self.asks.set(ask);
        let _ = self.control.send(ask);
        ask
    }

    /// A snapshot loaded after a change or an ask, if one is ready.
    pub fn try_recv(&self) -> Option<Loaded> {
        self.rx.try_recv().ok()
    }
}

fn watch(root: &Path, head: Option<Oid>, tx: &Sender<Loaded>, asked: &Receiver<u64>) {
    let store = Store::open(root).ok();
    let mut seen = Stamp::of(root, store.as_ref());
    // A commit that landed between the first frame's read and this look counts too.
    let mut changed = seen.head != head;
    let mut now_please = false;
    // The last ask received: the next snapshot answers it.
    let mut last_ask = 0;
    loop {
        if changed || now_please {
            if changed && !now_please {
                // Let a write that is under way (files, then the branch) finish first.
                std::thread::sleep(EVERY / 4);
            }
            while let Ok(ask) = asked.try_recv() {
                last_ask = ask;
            }
            seen = Stamp::of(root, store.as_ref());
            if tx.send((Data::load(root), last_ask)).is_err() {
                return;
            }
        }
        now_please = match asked.recv_timeout(EVERY) {
            Ok(ask) => {
                // Asks made meanwhile are taken just before the load: one load answers all.
                last_ask = ask;
                true
            }
            Err(RecvTimeoutError::Timeout) => false,
            Err(RecvTimeoutError::Disconnected) => return,
        };
        let now = Stamp::of(root, store.as_ref());
        changed = now != seen;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::fixture;

    #[test]
    fn the_stamp_changes_with_a_commit_and_with_a_file_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("repo");
        fixture::build(&root).unwrap();
        let store = Store::open(&root).unwrap();
        let before = Stamp::of(&root, Some(&store));
        assert_eq!(before, Stamp::of(&root, Some(&store)));
        assert_eq!(before.head, Some(store.head().unwrap()));
        std::fs::write(root.join("positions/new.ron"), "x").unwrap();
        let after = Stamp::of(&root, Some(&store));
        assert_ne!(before, after);
        assert_eq!(before.head, after.head);
    }

    /// The watcher's next snapshot, waiting at most a minute.
    fn next(w: &Watcher) -> Loaded {
        let start = std::time::Instant::now();
        loop {
            if let Some(loaded) = w.try_recv() {
                return loaded;
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "no snapshot came"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Each snapshot says the last ask it answers: one asked for answers it, one the
    /// watcher loads of its own accord (a file changed) answers no new ask, and asks made
    /// while it loads are answered by one more load.
    #[test]
    fn a_snapshot_says_which_asks_it_answers() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("repo");
        fixture::build(&root).unwrap();
        let head = Store::open(&root).unwrap().head().ok();
        let w = Watcher::spawn(root.clone(), head);
        assert_eq!(w.reload(), 1);
        let (read, answers) = next(&w);
        assert!(read.is_ok());
        assert_eq!(answers, 1);

        let tiers = root.join("drafts/tiers.ron");
        let text = std::fs::read_to_string(&tiers).unwrap();
        std::fs::write(&tiers, format!("{text}\n")).unwrap();
        let (read, answers) = next(&w);
        assert!(read.is_ok());
        assert_eq!(answers, 1, "a change on disk answers no new ask");

        assert_eq!((w.reload(), w.reload()), (2, 3));
        let mut last = 0;
        while last < 3 {
            let (read, answers) = next(&w);
            assert!(read.is_ok() && answers > last && answers <= 3);
            last = answers;
        }
        std::thread::sleep(EVERY * 2);
        assert!(w.try_recv().is_none(), "nothing more was asked or changed");
    }
}
