//! History: amend, then log, clause history, blame, replay and stats by round, checked
//! exactly; the index rebuilt when deleted or corrupt, and extended incrementally.

use std::path::Path;

use treaty_workbench::amend::{Change, Workspace};
use treaty_workbench::amendment::{Amendment, AmendmentKind};
use treaty_workbench::analysis;
use treaty_workbench::draft::Draft;
use treaty_workbench::history::{Attributed, BracketCounts, History};
use treaty_workbench::store::{self, LogFilter, Store};
use treaty_workbench::testing;

use crate::support::{sample_copy, stdout, treaty};

/// A record built from the sample: the compilation text, then amendments in two rounds.
struct Negotiation {
    dir: tempfile::TempDir,
    store: Store,
    /// Commit ids (hex) of the amendments, in order: [compilation, c2, c3, …].
    commits: Vec<String>,
}

impl Negotiation {
    fn new() -> Negotiation {
        let dir = sample_copy();
        testing::init_repo(dir.path());
        let store = Store::init_with_clock(dir.path(), testing::test_clock()).unwrap();
        let mut files = Vec::new();
        for sub in ["drafts", "positions"] {
            files.extend(crate::support::changes_under(dir.path(), sub));
        }
        let compilation = Amendment::new(AmendmentKind::Insert, ["CHAIR"], Vec::<String>::new())
            .with_summary("Compilation text issued by the Chair")
            .with_derived_id("compilation");
        let head = store.head().unwrap();
        let oid = store.commit(&compilation, head, &files).unwrap().oid;
        Negotiation {
            dir,
            store,
            commits: vec![oid.to_string()],
        }
    }

    fn amend(&mut self, by: &[&str], round: &str, change: Change) -> String {
        let loaded = Draft::load(&self.dir.path().join("drafts")).unwrap();
        let read = |rel: &str| std::fs::read_to_string(self.dir.path().join(rel)).ok();
        let mut ws = Workspace {
            draft: loaded.draft,
            tiers: read("drafts/tiers.ron"),
            annexes: read("drafts/annexes.ron"),
        };
        let edit = ws.apply(&change).unwrap();
        let changes: Vec<store::FileChange> = edit
            .files
            .iter()
            .map(|(path, content)| match content {
                Some(text) => store::FileChange::write(path.clone(), text.clone()),
                None => store::FileChange::delete(path.clone()),
            })
            .collect();
        let amendment = Amendment::new(change.kind(), by.iter().copied(), edit.clauses.clone())
            .with_summary(change.describe())
            .with_round(round)
            .with_derived_id(&format!("step-{}", self.commits.len()));
        let head = self.store.head().unwrap();
        let oid = self.store.commit(&amendment, head, &changes).unwrap().oid;
        self.commits.push(oid.to_string());
        oid.to_string()
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

const B: &str = "observatory.2.b";
const ORIGINAL: &str = "review [compliance/implementation] [annually - EU, AGN retain / every two years - USA] on the basis of national reports and other [reliable][official] sources of information;";
const V2: &str = "review compliance annually on the basis of national reports;";
const V3: &str = "review compliance [annually] on the basis of national reports;";
const V6: &str = "review compliance [annually] on the basis of national and regional reports;";

/// c1 compilation; round r1: c2 EU replace, c3 USA bracket; round r2: c4 renumber,
/// c5 move, c6 AGN replace, c7 CHN delete of observatory.5.
fn scripted() -> Negotiation {
    let mut n = Negotiation::new();
    n.store.start_round("r1", "First session").unwrap();
    let replace = |text: &str| Change::Replace {
        clause: B.into(),
        text: text.into(),
    };
    n.amend(&["EU"], "r1", replace(V2));
    n.amend(
        &["USA"],
        "r1",
        Change::Bracket {
            clause: B.into(),
            phrase: Some("annually".into()),
        },
    );
    n.store.start_round("r2", "Second session").unwrap();
    n.amend(
        &["CHAIR"],
        "r2",
        Change::Renumber {
            clause: B.into(),
            label: "(f)".into(),
        },
    );
    n.amend(
        &["AU", "EU"],
        "r2",
        Change::Move {
            clause: B.into(),
            after: "observatory.2.d".into(),
        },
    );
    n.amend(&["AGN"], "r2", replace(V6));
    n.amend(
        &["CHN"],
        "r2",
        Change::Delete {
            clause: "observatory.5".into(),
        },
    );
    n
}

/// Record index of commit `k` of the script (records also hold the empty root commit).
fn rec(history: &History, n: &Negotiation, k: usize) -> usize {
    history.position(&n.commits[k]).unwrap()
}

#[test]
fn amend_log_blame_replay_and_stats_exactly() {
    let n = scripted();
    let history = History::open(&n.store).unwrap();
    assert_eq!(
        history.records().len(),
        8,
        "root commit plus seven amendments"
    );
    let c = |k: usize| n.commits[k].as_str();

    // Log filters, newest first.
    let oids = |f: LogFilter| -> Vec<String> {
        history
            .log(&f)
            .into_iter()
            .map(|(_, r)| r.oid.clone())
            .collect()
    };
    assert_eq!(oids(LogFilter::default().by("EU")), [c(4), c(1)]);
    assert_eq!(oids(LogFilter::default().round("r1")), [c(2), c(1)]);
    assert_eq!(
        oids(LogFilter::default().kind(AmendmentKind::Renumber)),
        [c(3)]
    );
    assert_eq!(
        oids(LogFilter::default().clause(B)),
        [c(5), c(4), c(3), c(2), c(1), c(0)]
    );
    assert_eq!(
        oids(LogFilter::default().clause(B).by("EU").round("r2")),
        [c(4)]
    );

    // Clause history: every version, across the renumbering and the move.
    let events = history.clause_history(B).unwrap();
    let got: Vec<(String, Option<String>, String, Vec<String>)> = events
        .iter()
        .map(|e| {
            let v = e.version.unwrap();
            (
                e.record.oid.clone(),
                v.label.clone(),
                v.text.clone(),
                e.record.proposers().to_vec(),
            )
        })
        .collect();
    let row = |k: usize, label: &str, text: &str, by: &[&str]| {
        (
            n.commits[k].clone(),
            Some(label.to_string()),
            text.to_string(),
            by.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
        )
    };
    assert_eq!(
        got,
        [
            row(0, "(b)", ORIGINAL, &["CHAIR"]),
            row(1, "(b)", V2, &["EU"]),
            row(2, "(b)", V3, &["USA"]),
            row(3, "(f)", V3, &["CHAIR"]),
            row(4, "(f)", V3, &["AU", "EU"]),
            row(5, "(f)", V6, &["AGN"]),
        ]
    );
    // The move changed only its place, under the same paragraph: its position is where
    // the draft at the tip has it in its file.
    let moved = events[4].version.unwrap();
    let before_move = events[3].version.unwrap();
    assert_eq!(moved.parent.as_deref(), Some("observatory.2"));
    assert_ne!(before_move.position, moved.position);
    let tip = n.store.draft_at(n.store.head().unwrap()).unwrap().draft;
    let in_file: Vec<&str> = tip
        .clauses
        .iter()
        .filter(|c| tip.files[c.file].path == "articles/observatory.md")
        .map(|c| c.id.as_deref().unwrap())
        .collect();
    assert_eq!(in_file[moved.position as usize], B);

    // Blame: each word to the amendment that introduced it.
    let blame = history.blame(B).unwrap();
    assert_eq!(blame.text, V6);
    let words: Vec<(&str, usize)> = blame
        .words
        .iter()
        .map(|w| (w.text.as_str(), w.introduced))
        .collect();
    let (r1, r2, r3, r6) = (
        rec(&history, &n, 0),
        rec(&history, &n, 1),
        rec(&history, &n, 2),
        rec(&history, &n, 5),
    );
    assert_eq!(
        words,
        [
            ("review", r1),
            ("compliance", r1),
            ("[", r3),
            ("annually", r1),
            ("]", r3),
            ("on", r1),
            ("the", r1),
            ("basis", r1),
            ("of", r1),
            ("national", r1),
            ("and", r6),
            ("regional", r6),
            ("reports", r1),
            (";", r1),
        ]
    );
    let groups: Vec<(&str, usize)> = blame
        .groups
        .iter()
        .map(|g| (g.text.as_str(), g.introduced))
        .collect();
    assert_eq!(groups, [("[annually]", r3)]);
    let deleted: Vec<(&str, usize, usize)> = blame
        .deleted
        .iter()
        .filter(|d| d.text.chars().any(char::is_alphanumeric))
        .map(|d| (d.text.as_str(), d.introduced, d.deleted))
        .collect();
    let gone = |w| (w, r1, r2);
    assert_eq!(
        deleted,
        [
            gone("implementation"),
            gone("EU"),
            gone("AGN"),
            gone("retain"),
            gone("every"),
            gone("two"),
            gone("years"),
            gone("USA"),
            gone("and"),
            gone("other"),
            gone("reliable"),
            gone("official"),
            gone("sources"),
            gone("of"),
            gone("information"),
        ]
    );

    // Replay: each step's changes and the full text state.
    let mut replay = history.replay();
    let mut seen = 0;
    while let Some(step) = replay.next() {
        seen += 1;
        if step.record.oid == n.commits[2] {
            assert_eq!(step.changes.len(), 1);
            let ch = &step.changes[0];
            assert_eq!(ch.id, B);
            assert_eq!(ch.before.as_ref().unwrap().text, V2);
            assert_eq!(ch.after.unwrap().text, V3);
            assert_eq!(replay.state().clause(B).unwrap().text, V3);
        }
        if step.record.oid == n.commits[6] {
            let ids: Vec<(&str, bool)> = step
                .changes
                .iter()
                .map(|c| (c.id, c.after.is_none()))
                .collect();
            assert_eq!(ids, [("observatory.5", true)]);
        }
    }
    assert_eq!(seen, 8);
    // The final state is the draft at the tip, clause for clause and in order.
    let tip = n.store.draft_at(n.store.head().unwrap()).unwrap().draft;
    let from_index: Vec<(String, String, Option<String>)> = replay
        .state()
        .ordered()
        .iter()
        .map(|c| (c.id.clone(), c.text.clone(), c.label.clone()))
        .collect();
    let from_git: Vec<(String, String, Option<String>)> = tip
        .clauses
        .iter()
        .map(|c| (c.id.clone().unwrap(), c.text.clone(), c.label.clone()))
        .collect();
    assert_eq!(from_index, from_git);

    // Replay of round r2 only: the four amendments after its tag.
    let span = history.round_span(&n.store, "r2").unwrap();
    let steps: Vec<String> = history
        .replay_range(span.start, span.end)
        .map(|s| s.record.oid.clone())
        .collect();
    assert_eq!(steps, [c(3), c(4), c(5), c(6)]);

    // Stats by round: the draft's bracket counts where each round opened, and now,
    // against the bracket analysis of the draft read from git.
    let counts = |oid: &str| {
        let draft = n.store.draft_at(oid.parse().unwrap()).unwrap().draft;
        let s = analysis::report(&draft, None).total;
        BracketCounts::from_stats(&s)
    };
    let stats = history.stats_by_round(&n.store).unwrap();
    let got: Vec<(&str, &str, BracketCounts)> = stats
        .iter()
        .map(|s| (s.round.as_str(), s.oid.as_str(), s.counts))
        .collect();
    assert_eq!(
        got,
        [
            ("r1", c(0), counts(c(0))),
            ("r2", c(2), counts(c(2))),
            ("current", c(6), counts(c(6))),
        ]
    );
    // The bracketing of "annually" and the deletion of observatory.5 moved the counts.
    assert_ne!(got[0].2, got[1].2);
    assert_ne!(got[1].2, got[2].2);
}

#[test]
fn index_is_rebuilt_when_missing_or_corrupt_and_extended_incrementally() {
    let mut n = Negotiation::new();
    n.amend(
        &["EU"],
        "r1",
        Change::Replace {
            clause: B.into(),
            text: V2.into(),
        },
    );
    let first = History::open(&n.store).unwrap();
    assert!(first.report().rebuilt.is_some());
    assert_eq!(first.report().processed, 3);
    assert!(first.report().saved);
    let path = History::index_path(&n.store);
    assert!(path.starts_with(n.path().join(".git")));
    let answers = |h: &History| (h.records().to_vec(), h.blame(B).unwrap());
    let expected = answers(&first);

    // Warm: nothing read from git.
    let warm = History::open(&n.store).unwrap();
    assert_eq!(warm.report().processed, 0);
    assert_eq!(warm.report().rebuilt, None);
    assert_eq!(answers(&warm), expected);

    // Deleted: rebuilt, same answers.
    std::fs::remove_file(&path).unwrap();
    let rebuilt = History::open(&n.store).unwrap();
    assert_eq!(rebuilt.report().processed, 3);
    assert!(rebuilt.report().rebuilt.is_some());
    assert_eq!(answers(&rebuilt), expected);

    // Corrupt bytes in the middle: rebuilt, same answers.
    let mut bytes = std::fs::read(&path).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x55;
    std::fs::write(&path, &bytes).unwrap();
    let repaired = History::open(&n.store).unwrap();
    assert_eq!(repaired.report().processed, 3);
    assert!(
        repaired
            .report()
            .rebuilt
            .as_deref()
            .unwrap()
            .contains("corrupt")
    );
    assert_eq!(answers(&repaired), expected);

    // Truncated: rebuilt too.
    std::fs::write(&path, &bytes[..10]).unwrap();
    assert_eq!(History::open(&n.store).unwrap().report().processed, 3);
    let sound = std::fs::read(&path).unwrap();
    std::fs::write(&path, &sound[..sound.len() / 2]).unwrap();
    let cut = History::open(&n.store).unwrap();
    assert!(
        cut.report()
            .rebuilt
            .as_deref()
            .unwrap()
            .contains("truncated")
    );
    assert_eq!(answers(&cut), expected);

    // A damaged byte in the very version a blame reads, found by the blame (a warm open
    // checks only the header): the record is re-read, the answer is the same, and the
    // index is rewritten.
    let mut bytes = std::fs::read(&path).unwrap();
    let at = bytes
        .windows(V2.len())
        .rposition(|w| w == V2.as_bytes())
        .expect("the version's text in the index");
    bytes[at + 7] ^= 0x01;
    std::fs::write(&path, &bytes).unwrap();
    let damaged = History::open(&n.store).unwrap();
    assert_eq!(damaged.blame(B).unwrap(), expected.1);
    assert!(
        damaged
            .report()
            .rebuilt
            .as_deref()
            .unwrap()
            .contains("corrupt")
    );
    assert_eq!(answers(&damaged), expected);
    let after = History::open(&n.store).unwrap();
    assert_eq!(after.report().rebuilt, None);
    assert_eq!(after.report().processed, 0);
    assert_eq!(answers(&after), expected);

    // An index of another format version, and an old index file left behind: rebuilt,
    // and the old file removed.
    let mut other = std::fs::read(&path).unwrap();
    other[8..12].copy_from_slice(&3u32.to_le_bytes());
    std::fs::write(&path, &other).unwrap();
    let old = path.with_file_name("history-index-v3");
    std::fs::write(&old, b"TRTYHIDX\x03\0\0\0 an index of format 3").unwrap();
    let upgraded = History::open(&n.store).unwrap();
    assert!(
        upgraded
            .report()
            .rebuilt
            .as_deref()
            .unwrap()
            .contains("another version")
    );
    assert!(upgraded.report().saved);
    assert!(!old.exists());
    assert_eq!(answers(&upgraded), expected);

    // Two new commits: only they are read.
    n.amend(
        &["USA"],
        "r1",
        Change::Bracket {
            clause: B.into(),
            phrase: Some("annually".into()),
        },
    );
    n.amend(
        &["AGN"],
        "r1",
        Change::Replace {
            clause: B.into(),
            text: V6.into(),
        },
    );
    let incremental = History::open(&n.store).unwrap();
    assert_eq!(incremental.report().processed, 2);
    assert_eq!(incremental.report().rebuilt, None);
    assert_eq!(incremental.records().len(), 5);
    std::fs::remove_file(&path).unwrap();
    let scratch = History::open(&n.store).unwrap();
    assert_eq!(scratch.report().processed, 5);
    assert_eq!(answers(&incremental), answers(&scratch));
}

#[test]
fn cli_log_history_blame_replay_stats() {
    let n = scripted();
    let dir = n.path();
    let log = treaty(dir, &["log", "--by", "EU", "--json"]);
    assert!(log.status.success(), "{}", crate::support::stderr(&log));
    let json: serde_json::Value = serde_json::from_slice(&log.stdout).unwrap();
    let oids: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["oid"].as_str().unwrap())
        .collect();
    assert_eq!(oids, [n.commits[4].as_str(), n.commits[1].as_str()]);
    assert_eq!(json[0]["kind"], "move");
    assert_eq!(json[0]["round"], "r2");
    assert_eq!(json[0]["proposers"], serde_json::json!(["AU", "EU"]));

    let hist = stdout(&treaty(dir, &["history", B]));
    assert!(
        hist.starts_with(&format!("History of {B}: 6 version(s)")),
        "{hist}"
    );
    assert!(hist.contains("renumbered (b) -> (f)"), "{hist}");

    let blame = treaty(dir, &["blame", B, "--deleted", "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&blame.stdout).unwrap();
    assert_eq!(json["words"][2]["text"], "[");
    assert_eq!(json["words"][2]["proposers"], serde_json::json!(["USA"]));
    assert_eq!(json["groups"][0]["text"], "[annually]");
    assert_eq!(
        json["deleted"][0]["deleted_by"]["proposers"],
        serde_json::json!(["EU"])
    );

    let replay = stdout(&treaty(dir, &["replay", "--from", "r2", "--to", "r2"]));
    assert!(replay.ends_with("4 step(s)\n"), "{replay}");
    assert!(replay.contains("{+and regional +}"), "{replay}");

    let stats = stdout(&treaty(dir, &["stats", "--by-round"]));
    let rounds: Vec<&str> = stats
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(rounds, ["r1", "r2", "current"]);

    let unknown = treaty(dir, &["blame", "observatory.2.bb"]);
    assert!(!unknown.status.success());
    assert!(
        crate::support::stderr(&unknown).contains("did you mean `observatory.2.b`"),
        "{}",
        crate::support::stderr(&unknown)
    );
}
