//! `treaty synth`: a small generated negotiation is deterministic, has the history it
//! promises, and passes `treaty check`.

use std::collections::BTreeSet;
use std::path::Path;

use treaty_workbench::amendment::Amendment;
use treaty_workbench::store::Store;
use treaty_workbench::testing;

use crate::support::{stdout, treaty};

const SMALL: &[&str] = &[
    "--articles",
    "12",
    "--parties",
    "10",
    "--amendments",
    "60",
    "--rounds",
    "3",
    "--seed",
    "7",
];

fn synth(dir: &Path) {
    let mut args = vec!["synth"];
    args.extend_from_slice(SMALL);
    args.extend_from_slice(&["--dir", "neg"]);
    let out = treaty(dir, &args);
    assert!(
        out.status.success(),
        "synth failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_small_synthetic_negotiation_is_deterministic_complete_and_checks() {
    testing::hermetic();
    let one = tempfile::tempdir().unwrap();
    let two = tempfile::tempdir().unwrap();
    synth(one.path());
    synth(two.path());
    let a = Store::open(one.path().join("neg")).unwrap();
    let b = Store::open(two.path().join("neg")).unwrap();
    assert_eq!(
        a.head().unwrap(),
        b.head().unwrap(),
        "same seed, same history"
    );

    // Root, the compilation text, then one commit per amendment.
    let repo = git2::Repository::open(a.workdir()).unwrap();
    let mut walk = repo.revwalk().unwrap();
    walk.simplify_first_parent().unwrap();
    walk.push(a.head().unwrap()).unwrap();
    let oids: Vec<_> = walk.map(Result::unwrap).collect();
    assert_eq!(oids.len(), 1 + 1 + 60);

    // Every commit but the root carries trailers that parse, and amendments name a round.
    let mut kinds = BTreeSet::new();
    let mut rounds_named = BTreeSet::new();
    for oid in &oids[..oids.len() - 1] {
        let commit = repo.find_commit(*oid).unwrap();
        let message = commit.message().unwrap();
        let amendment = Amendment::parse(message)
            .unwrap_or_else(|| panic!("commit {oid} has no amendment trailers:\n{message}"));
        kinds.insert(amendment.kind.as_str());
        if let Some(r) = amendment.round {
            rounds_named.insert(r);
        }
    }
    assert!(kinds.len() >= 6, "a varied history: {kinds:?}");

    let rounds = a.rounds().unwrap();
    assert_eq!(rounds.len(), 3);
    let tagged: BTreeSet<String> = rounds.iter().map(|r| r.name.clone()).collect();
    assert_eq!(tagged, rounds_named, "each round is tagged and used");

    let positions = std::fs::read_dir(one.path().join("neg/positions"))
        .unwrap()
        .count();
    assert_eq!(positions, 10);

    // The work tree holds the final text, and nothing is left uncommitted.
    let statuses = repo.statuses(None).unwrap();
    assert_eq!(statuses.len(), 0, "the work tree matches the last commit");

    let check = treaty(&one.path().join("neg"), &["check"]);
    assert!(
        check.status.success(),
        "{:?} {}{}",
        check.status,
        stdout(&check),
        crate::support::stderr(&check)
    );
    // No diagnostics at all, and a summary that says so.
    assert_eq!(stdout(&check), "");
    let summary = crate::support::stderr(&check);
    assert!(summary.contains("0 errors, 0 warnings"), "{summary}");
}

#[test]
fn synth_refuses_a_folder_that_holds_work() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("neg")).unwrap();
    std::fs::write(dir.path().join("neg/notes.md"), "mine").unwrap();
    let mut args = vec!["synth"];
    args.extend_from_slice(SMALL);
    args.extend_from_slice(&["--dir", "neg"]);
    let out = treaty(dir.path(), &args);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not empty"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("neg/notes.md")).unwrap(),
        "mine"
    );
}
