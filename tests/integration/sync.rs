//! `treaty sync` between two delegations' clones of one bare repository on local disk.

use std::path::{Path, PathBuf};

use treaty_workbench::amend::{self, Workspace};
use treaty_workbench::amendment::{Amendment, AmendmentKind, AmendmentStatus};
use treaty_workbench::draft::Draft;
use treaty_workbench::store::{self, Clock, Store};
use treaty_workbench::sync::{self, Integration, SyncError, SyncOptions};
use treaty_workbench::testing;

use crate::support::{sample_copy, snapshot};

struct Net {
    _tmp: tempfile::TempDir,
    home: PathBuf,
    a: PathBuf,
    b: PathBuf,
    bare: PathBuf,
}

fn git(dir: &Path, home: &Path, args: &[&str]) -> String {
    let out = testing::git_command(dir, home).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A bare record seeded with the sample (round r1 started) and two clones, A and B.
fn net() -> Net {
    testing::hermetic();
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let seed = sample_copy();
    testing::init_repo(seed.path());
    let store = Store::init_with_clock(seed.path(), testing::test_clock()).unwrap();
    let mut changes = crate::support::changes_under(seed.path(), "drafts");
    changes.extend(crate::support::changes_under(seed.path(), "positions"));
    let zero = Amendment::new(AmendmentKind::Insert, ["Chair"], Vec::<String>::new())
        .with_summary("Zero draft");
    store
        .commit(&zero, store.head().unwrap(), &changes)
        .unwrap();
    store.start_round("r1", "First reading").unwrap();
    let bare = tmp.path().join("record.git");
    git(
        tmp.path(),
        &home,
        &[
            "init",
            "--quiet",
            "--bare",
            "-b",
            "main",
            bare.to_str().unwrap(),
        ],
    );
    git(
        seed.path(),
        &home,
        &[
            "push",
            "--quiet",
            bare.to_str().unwrap(),
            "main",
            "refs/tags/round/*:refs/tags/round/*",
        ],
    );
    let mut clones = Vec::new();
    for (name, who) in [("a", "Delegation A"), ("b", "Delegation B")] {
        let dir = tmp.path().join(name);
        git(
            tmp.path(),
            &home,
            &[
                "clone",
                "--quiet",
                bare.to_str().unwrap(),
                dir.to_str().unwrap(),
            ],
        );
        git(&dir, &home, &["config", "user.name", who]);
        git(
            &dir,
            &home,
            &["config", "user.email", &format!("{name}@treaty.invalid")],
        );
        clones.push(dir);
    }
    let b = clones.pop().unwrap();
    let a = clones.pop().unwrap();
    Net {
        _tmp: tmp,
        home,
        a,
        b,
        bare,
    }
}

fn open(dir: &Path, start: i64) -> Store {
    let store = Store::open(dir).unwrap();
    store.set_clock(Clock::Stepping {
        next: start,
        step: 60,
        offset_minutes: 0,
    });
    store
}

fn options(home: &Path) -> SyncOptions {
    let home = home.to_path_buf();
    SyncOptions {
        git: Box::new(move |dir: &Path| testing::git_command(dir, &home)),
        signature: Some(
            store::Signature::new(
                "Sync",
                "sync@treaty.invalid",
                &store::Time::new(testing::EPOCH + 86_400, 0),
            )
            .unwrap(),
        ),
        ..SyncOptions::default()
    }
}

fn text_of(dir: &Path, clause: &str) -> String {
    Draft::load(&dir.join("drafts"))
        .unwrap()
        .draft
        .clause(clause)
        .unwrap()
        .text
        .clone()
}

/// Records `text` as the new wording of `clause`, proposed by `by`.
fn replace(dir: &Path, store: &Store, clause: &str, text: &str, by: &str) {
    let mut ws = Workspace {
        draft: Draft::load(&dir.join("drafts")).unwrap().draft,
        tiers: None,
        annexes: None,
    };
    let change = amend::Change::Replace {
        clause: clause.into(),
        text: text.into(),
    };
    let edit = ws.apply(&change).unwrap();
    let changes: Vec<store::FileChange> = edit
        .files
        .iter()
        .map(|(p, c)| store::FileChange::write(p.clone(), c.clone().unwrap()))
        .collect();
    let amendment = Amendment::new(AmendmentKind::Replace, [by], [clause])
        .with_status(AmendmentStatus::Proposed)
        .with_round("r1");
    store
        .commit(&amendment, store.head().unwrap(), &changes)
        .unwrap();
}

fn no_conflict_markers(dir: &Path) {
    for (path, bytes) in snapshot(dir) {
        if path.starts_with(".git") {
            continue;
        }
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("<<<<<<<") && !text.contains(">>>>>>>"),
            "conflict markers in {}",
            path.display()
        );
    }
}

fn fsck_clean(home: &Path, dir: &Path) {
    let out = testing::git_command(dir, home)
        .args(["fsck", "--no-dangling"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty() && out.stdout.is_empty(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn concurrent_amendments_to_one_clause_become_attributed_alternatives() {
    let n = net();
    let a = open(&n.a, testing::EPOCH + 3600);
    let b = open(&n.b, testing::EPOCH + 7200);
    let clause = "observatory.2.c";
    let eu_text = "support capacity-building in all developing country Parties.";
    let usa_text = "support voluntary capacity-building on mutually agreed terms.";
    replace(&n.a, &a, clause, eu_text, "EU");
    replace(&n.b, &b, clause, usa_text, "USA");

    let ra = sync::sync(&a, &options(&n.home)).unwrap();
    assert_eq!(ra.integration, Integration::LocalAhead);
    assert!(ra.pushed);

    let usa_id = Amendment::parse(&git(&n.b, &n.home, &["log", "-1", "--format=%B"]))
        .unwrap()
        .id;
    let rb = sync::sync(&b, &options(&n.home)).unwrap();
    let Integration::Replayed {
        commits,
        stacked,
        files,
    } = &rb.integration
    else {
        panic!("expected a replay, got {:?}", rb.integration)
    };
    assert!(rb.pushed);
    assert_eq!(commits.len(), 1);
    let commit = &commits[0];
    let expected = format!("[{eu_text} - EU][{usa_text} - USA]");
    assert_eq!(stacked.len(), 1);
    assert_eq!(stacked[0].text, expected);
    assert_eq!(files, &["drafts/articles/observatory.md"]);
    // On disk and in the replayed commit, which sits on top of EU's: no merge commit.
    assert_eq!(text_of(&n.b, clause), expected);
    let replayed = b.draft_at(*commit).unwrap().draft;
    assert_eq!(replayed.clause(clause).unwrap().text, expected);
    let problems = treaty_workbench::bracket::parse(&expected).problems;
    assert!(problems.is_empty(), "{problems:?}");
    let repo = git2::Repository::open(b.workdir()).unwrap();
    let c = repo.find_commit(*commit).unwrap();
    assert_eq!(c.parent_count(), 1);
    assert_eq!(c.parent_id(0).unwrap(), a.head().unwrap());
    assert_eq!(b.head().unwrap(), *commit);
    // USA's amendment, with its id: a sync rewrites no one's attribution.
    let message = c.message().unwrap();
    let amendment = Amendment::parse(message).unwrap();
    assert_eq!(amendment.id, usa_id);
    assert_eq!(amendment.proposers, ["USA"]);
    assert_eq!(amendment.clauses, [clause]);
    assert_eq!(amendment.kind, AmendmentKind::Replace);
    assert_eq!(amendment.status, AmendmentStatus::Proposed);
    assert_eq!(amendment.round.as_deref(), Some("r1"));
    assert!(
        amendment
            .body
            .contains("observatory.2.c had been amended meanwhile (EU)"),
        "{message}"
    );
    assert_eq!(repo.state(), git2::RepositoryState::Clean);
    assert_eq!(git(&n.b, &n.home, &["status", "--porcelain"]), "");
    no_conflict_markers(&n.b);
    fsck_clean(&n.home, &n.b);
    fsck_clean(&n.home, &n.bare);

    // A takes the replayed amendment as a fast-forward and ends at the same commit.
    let ra = sync::sync(&a, &options(&n.home)).unwrap();
    assert!(matches!(ra.integration, Integration::FastForward { to, .. } if to == *commit));
    assert!(!ra.pushed);
    assert_eq!(a.head().unwrap(), *commit);
    assert_eq!(text_of(&n.a, clause), expected);
    assert_eq!(git(&n.a, &n.home, &["status", "--porcelain"]), "");
    let bare_head = git(&n.bare, &n.home, &["rev-parse", "main"]);
    assert_eq!(bare_head.trim(), commit.to_string());
}

#[test]
fn concurrent_amendments_to_different_clauses_are_both_replayed() {
    let n = net();
    let a = open(&n.a, testing::EPOCH + 3600);
    let b = open(&n.b, testing::EPOCH + 7200);
    let one = "The Observatory shall be an independent body.";
    let three = "The Observatory shall be composed of twenty-four experts.";
    let fund = "contributions from all Parties.";
    replace(&n.a, &a, "observatory.1", one, "EU");
    replace(&n.b, &b, "observatory.3", three, "USA");
    replace(&n.b, &b, "fund.3", fund, "USA");
    sync::sync(&a, &options(&n.home)).unwrap();
    let rb = sync::sync(&b, &options(&n.home)).unwrap();
    let Integration::Replayed {
        stacked, commits, ..
    } = &rb.integration
    else {
        panic!("expected a replay, got {:?}", rb.integration)
    };
    assert!(stacked.is_empty());
    // B's two amendments, replayed one by one on top of A's.
    assert_eq!(commits.len(), 2);
    let commit = commits.last().unwrap();
    let repo = git2::Repository::open(b.workdir()).unwrap();
    assert_eq!(repo.find_commit(*commit).unwrap().parent_count(), 1);
    assert_eq!(text_of(&n.b, "observatory.1"), one);
    assert_eq!(text_of(&n.b, "observatory.3"), three);
    assert_eq!(text_of(&n.b, "fund.3"), fund);
    assert_eq!(git(&n.b, &n.home, &["status", "--porcelain"]), "");
    no_conflict_markers(&n.b);
    fsck_clean(&n.home, &n.b);
    sync::sync(&a, &options(&n.home)).unwrap();
    assert_eq!(a.head().unwrap(), *commit);
    assert_eq!(text_of(&n.a, "observatory.3"), three);
}

#[test]
fn a_fast_forward_that_would_overwrite_uncommitted_edits_is_refused() {
    let n = net();
    let a = open(&n.a, testing::EPOCH + 3600);
    let b = open(&n.b, testing::EPOCH + 7200);
    replace(
        &n.b,
        &b,
        "observatory.1",
        "The Observatory shall be an independent body.",
        "USA",
    );
    sync::sync(&b, &options(&n.home)).unwrap();

    let file = n.a.join("drafts/articles/observatory.md");
    let mut mine = std::fs::read_to_string(&file).unwrap();
    mine.push_str("\nA note of my own, not yet recorded.\n");
    std::fs::write(&file, &mine).unwrap();
    let before = snapshot(&n.a);
    let head = a.head().unwrap();

    let err = sync::sync(&a, &options(&n.home)).unwrap_err();
    assert!(
        matches!(&err, SyncError::LocalEdits { paths } if paths == &["drafts/articles/observatory.md"]),
        "{err:?}"
    );
    let msg = err.to_string();
    assert!(
        msg.contains("would overwrite your uncommitted edits in drafts/articles/observatory.md"),
        "{msg}"
    );
    assert!(msg.contains("nothing was changed"), "{msg}");
    assert_eq!(a.head().unwrap(), head);
    // Only the fetch's tracking ref moved; the files are exactly as they were.
    let after: Vec<_> = snapshot(&n.a)
        .into_iter()
        .filter(|(p, _)| !p.starts_with(".git"))
        .collect();
    let before: Vec<_> = before
        .into_iter()
        .filter(|(p, _)| !p.starts_with(".git"))
        .collect();
    assert_eq!(after, before);
    assert_eq!(
        git2::Repository::open(a.workdir()).unwrap().state(),
        git2::RepositoryState::Clean
    );
}

#[test]
fn treaty_sync_on_the_command_line_sends_and_takes_amendments() {
    let n = net();
    let a = open(&n.a, testing::EPOCH + 3600);
    replace(
        &n.a,
        &a,
        "observatory.1",
        "The Observatory shall be an independent body.",
        "EU",
    );
    let o = crate::support::treaty(&n.a, &["sync"]);
    assert!(o.status.success(), "{}", crate::support::stderr(&o));
    assert_eq!(
        crate::support::stdout(&o),
        "sent your amendments to origin\n"
    );
    let o = crate::support::treaty(&n.b, &["sync", "origin"]);
    assert!(o.status.success(), "{}", crate::support::stderr(&o));
    assert!(
        crate::support::stdout(&o).starts_with(
            "took the amendments from origin (1 file(s) updated: drafts/articles/observatory.md)"
        ),
        "{}",
        crate::support::stdout(&o)
    );
    assert_eq!(
        text_of(&n.b, "observatory.1"),
        "The Observatory shall be an independent body."
    );
}
