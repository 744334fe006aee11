//! Store tests: every repository is a hermetic throwaway (see `crate::testing`).

use std::path::Path;

use git2::Repository;

use super::*;
use crate::testing::{self, TestRepo};
use treaty_text::amendment::{Amendment, AmendmentKind};

fn amendment(kind: AmendmentKind, by: &[&str], clauses: &[&str], seed: &str) -> Amendment {
    Amendment::new(kind, by.iter().copied(), clauses.iter().copied()).with_derived_id(seed)
}

fn replace(clause: &str, seed: &str) -> Amendment {
    amendment(AmendmentKind::Replace, &["EU"], &[clause], seed)
}

/// Amends clause `a` to read `text` (file `a.md`): the commit.
fn amend_a(t: &TestRepo, text: &str) -> Oid {
    t.amend(
        &replace("a", text),
        &[FileChange::write("a.md", format!("{text}\n"))],
    )
    .oid
}

/// Where the store remembers the round the branch is in.
fn round_memo(t: &TestRepo) -> std::path::PathBuf {
    t.store.repo().path().join("treaty").join("round")
}

/// `git status --porcelain` lines, sorted.
fn status(t: &TestRepo) -> Vec<String> {
    let mut lines: Vec<String> = t
        .git(&["status", "--porcelain", "--untracked-files=all"])
        .lines()
        .map(str::to_string)
        .collect();
    lines.sort();
    lines
}

// ---------------------------------------------------------------- open / init

#[test]
fn init_makes_a_main_branch_with_an_empty_root_commit() {
    let t = TestRepo::new();
    let head = t.store.head().unwrap();
    assert_eq!(t.store.branch(), "refs/heads/main");
    let commit = t.store.repo().find_commit(head).unwrap();
    assert_eq!(commit.parent_count(), 0);
    assert_eq!(commit.tree().unwrap().len(), 0);
    assert_eq!(commit.time().seconds(), testing::EPOCH);
    assert_eq!(commit.author().name().ok(), Some(testing::NAME));
    // Reusing the record changes nothing.
    let again = Store::init(t.path().join("drafts/articles")).unwrap();
    assert_eq!(again.head().unwrap(), head);
    assert_eq!(
        again.workdir().canonicalize().unwrap(),
        t.path().canonicalize().unwrap()
    );
}

#[test]
fn open_discovers_the_record_from_a_subfolder() {
    let t = TestRepo::new();
    t.write("drafts/articles/a.md", "x");
    let store = Store::open(t.path().join("drafts/articles")).unwrap();
    assert_eq!(store.head().unwrap(), t.store.head().unwrap());
}

#[test]
fn open_explains_what_is_wrong() {
    testing::hermetic();
    let dir = tempfile::tempdir().unwrap();

    let plain = dir.path().join("plain");
    std::fs::create_dir_all(&plain).unwrap();
    let err = Store::open(&plain).unwrap_err();
    assert!(matches!(err, StoreError::NotARepository { .. }), "{err}");
    assert!(err.to_string().contains("git init"));

    let bare = dir.path().join("bare.git");
    Repository::init_bare(&bare).unwrap();
    let err = Store::open(&bare).unwrap_err();
    assert!(matches!(err, StoreError::BareRepository { .. }), "{err}");
    assert!(err.to_string().contains("git clone"));
    let err = Store::init(&bare).unwrap_err();
    assert!(matches!(err, StoreError::BareRepository { .. }), "{err}");

    let empty = dir.path().join("empty");
    testing::init_repo(&empty);
    let err = Store::open(&empty).unwrap_err();
    assert!(matches!(err, StoreError::NoCommits { .. }), "{err}");
}

#[test]
fn open_refuses_a_detached_head() {
    let t = TestRepo::new();
    let head = t.store.head().unwrap();
    t.store.repo().set_head_detached(head).unwrap();
    let err = Store::open(t.path()).unwrap_err();
    assert!(matches!(err, StoreError::DetachedHead { .. }), "{err}");
    assert!(err.to_string().contains("git switch main"));
    // A store opened before the switch refuses to commit too.
    let err = t
        .store
        .commit(&replace("a", "1"), head, &[FileChange::write("a.md", "x")])
        .unwrap_err();
    assert!(matches!(err, StoreError::DetachedHead { .. }), "{err}");
}

#[test]
fn open_refuses_a_merge_or_rebase_in_progress() {
    let t = TestRepo::new();
    let git_dir = t.store.repo().path().to_path_buf();
    let head = t.store.head().unwrap();
    std::fs::write(git_dir.join("MERGE_HEAD"), format!("{head}\n")).unwrap();
    let err = Store::open(t.path()).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::OperationInProgress {
                operation: "merge",
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("git merge --abort"));
    std::fs::remove_file(git_dir.join("MERGE_HEAD")).unwrap();

    std::fs::create_dir_all(git_dir.join("rebase-merge")).unwrap();
    let err = Store::open(t.path()).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::OperationInProgress {
                operation: "rebase",
                ..
            }
        ),
        "{err}"
    );
    std::fs::remove_dir(git_dir.join("rebase-merge")).unwrap();
    Store::open(t.path()).unwrap();
}

#[test]
fn no_identity_says_how_to_set_one() {
    testing::hermetic();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("anon");
    let mut opts = git2::RepositoryInitOptions::new();
    opts.initial_head("main");
    Repository::init_opts(&path, &opts).unwrap();
    let err = Store::init(&path).unwrap_err();
    assert!(matches!(err, StoreError::NoIdentity), "{err}");
    assert!(err.to_string().contains("git config user.name"));
    assert!(err.to_string().contains("user.email"));

    // And when committing, after the identity is removed.
    let t = TestRepo::new();
    let mut config = t.store.repo().config().unwrap();
    config.remove("user.email").unwrap();
    let head = t.store.head().unwrap();
    let err = t
        .store
        .commit(&replace("a", "1"), head, &[FileChange::write("a.md", "x")])
        .unwrap_err();
    assert!(matches!(err, StoreError::NoIdentity), "{err}");
    assert_eq!(t.store.head().unwrap(), head);
}

// ---------------------------------------------------------------- commit

#[test]
fn commit_records_trailers_that_git_reads_back() {
    let t = TestRepo::new();
    let a = amendment(
        AmendmentKind::Replace,
        &["EU", "AU"],
        &["observatory.2.b"],
        "one",
    )
    .with_round("geneva-2")
    .with_body("Aligns the review with the reporting cycle.");
    let out = t.amend(
        &a,
        &[FileChange::write(
            "drafts/articles/observatory.md",
            "### Article 9 bis. Global AI Observatory {#observatory}\n",
        )],
    );
    assert!(out.kept_local_edits.is_empty());
    assert_eq!(t.store.head().unwrap(), out.oid);

    let commit = t.store.repo().find_commit(out.oid).unwrap();
    assert_eq!(
        Amendment::parse(commit.message().unwrap()),
        Some(a.sanitized())
    );
    assert_eq!(commit.author().email().ok(), Some(testing::EMAIL));
    assert_eq!(commit.time().seconds(), testing::EPOCH + 60);
    let trailers = t.git(&[
        "log",
        "-1",
        "--format=%(trailers:only,unfold)",
        &out.oid.to_string(),
    ]);
    assert_eq!(
        trailers.trim_end(),
        format!(
            "Amendment-Id: {}\nProposed-by: EU, AU\nClause: observatory.2.b\nKind: replace\nRound: geneva-2\nStatus: adopted",
            a.id
        )
    );
    let raw = t.git(&["cat-file", "commit", &out.oid.to_string()]);
    let message = raw.split_once("\n\n").unwrap().1;
    let dir = t.home();
    std::fs::write(dir.join("msg"), message).unwrap();
    let parsed = t.git(&[
        "interpret-trailers",
        "--parse",
        dir.join("msg").to_str().unwrap(),
    ]);
    assert!(parsed.starts_with(&format!("Amendment-Id: {}\n", a.id)));
    assert!(parsed.contains("Clause: observatory.2.b\n"));

    // The work tree and index follow: git sees a clean tree.
    assert_eq!(
        t.read("drafts/articles/observatory.md").unwrap(),
        "### Article 9 bis. Global AI Observatory {#observatory}\n"
    );
    assert!(status(&t).is_empty(), "{:?}", status(&t));
    assert_eq!(
        t.store
            .read_file_at(out.oid, "drafts/articles/observatory.md")
            .unwrap()
            .unwrap(),
        b"### Article 9 bis. Global AI Observatory {#observatory}\n"
    );
    assert_eq!(
        t.store.read_file_at(out.oid, "drafts/none.md").unwrap(),
        None
    );
    assert_eq!(t.store.read_file_at(out.oid, "drafts").unwrap(), None);
}

#[test]
fn nested_new_folders_and_deletes() {
    let t = TestRepo::new();
    let one = t.amend(
        &replace("a", "1"),
        &[
            FileChange::write("drafts/treaty.md", "# T\n"),
            FileChange::write("drafts/annexes/deep/er/biometric.md", "# Annex A\n"),
            FileChange::write("positions/eu.ron", "(version: 1)\n"),
        ],
    );
    assert_eq!(
        t.read("drafts/annexes/deep/er/biometric.md").unwrap(),
        "# Annex A\n"
    );
    assert!(status(&t).is_empty(), "{:?}", status(&t));

    let two = t.amend(
        &amendment(AmendmentKind::Delete, &["US"], &["a"], "2"),
        &[FileChange::delete("drafts/annexes/deep/er/biometric.md")],
    );
    // Deletion stays visible in history; the emptied folders disappear like in git.
    assert!(t.read("drafts/annexes/deep/er/biometric.md").is_none());
    assert!(!t.path().join("drafts/annexes").exists());
    assert!(t.path().join("drafts/treaty.md").exists());
    assert!(status(&t).is_empty(), "{:?}", status(&t));
    let tree = t.store.repo().find_commit(two.oid).unwrap().tree().unwrap();
    assert!(tree.get_path(Path::new("drafts/annexes")).is_err());
    assert!(
        t.store
            .read_file_at(one.oid, "drafts/annexes/deep/er/biometric.md")
            .unwrap()
            .is_some()
    );
    // Unchanged subtrees are shared, not rewritten.
    let old = t.store.repo().find_commit(one.oid).unwrap().tree().unwrap();
    assert_eq!(
        old.get_path(Path::new("positions")).unwrap().id(),
        tree.get_path(Path::new("positions")).unwrap().id()
    );
}

#[test]
fn the_files_a_new_tree_changes_are_those_its_trees_differ_in() {
    // What the work tree is told to update is read while the tree is built; it must be
    // what comparing the two trees path by path gives.
    let t = TestRepo::new();
    t.amend(
        &replace("a", "1"),
        &[
            FileChange::write("drafts/treaty.md", "# T\n"),
            FileChange::write("drafts/articles/a.md", "a\n"),
            FileChange::write("drafts/articles/b.md", "b\n"),
        ],
    );
    let repo = t.store.repo();
    let base = repo
        .find_commit(t.store.head().unwrap())
        .unwrap()
        .tree()
        .unwrap();
    let changes = [
        FileChange::write("drafts/articles/a.md", "a, amended\n"),
        FileChange::write("drafts/articles/b.md", "b\n"),
        FileChange::delete("drafts/treaty.md"),
        FileChange::write("drafts/annexes/new/c.md", "c\n"),
    ];
    let (oid, mut moves) = commit::build_tree_with_moves(repo, &base, &changes).unwrap();
    let paths: Vec<String> = changes.iter().map(|c| c.path.clone()).collect();
    let mut expected = worktree::moves_between(&base, &repo.find_tree(oid).unwrap(), &paths);
    let key = |m: &worktree::PathMove| m.path.clone();
    moves.sort_by_key(key);
    expected.sort_by_key(key);
    assert_eq!(moves, expected);
    // b.md was written with the bytes it had: not a change.
    assert_eq!(
        moves.iter().map(|m| m.path.as_str()).collect::<Vec<_>>(),
        [
            "drafts/annexes/new/c.md",
            "drafts/articles/a.md",
            "drafts/treaty.md"
        ]
    );
}

#[test]
fn bad_changes_are_refused_before_anything_is_written() {
    let t = TestRepo::new();
    t.amend(
        &replace("a", "1"),
        &[FileChange::write("drafts/treaty.md", "# T\n")],
    );
    let head = t.store.head().unwrap();
    for (changes, hint) in [
        (vec![FileChange::write("/etc/passwd", "x")], "relative"),
        (vec![FileChange::write("drafts/../x", "x")], "'..'"),
        (vec![FileChange::write("drafts//x", "x")], "empty"),
        (vec![FileChange::write(".git/config", "x")], "git's own"),
        (vec![FileChange::write("a\\b", "x")], "forward slashes"),
        (
            vec![FileChange::write("a.md", "x"), FileChange::delete("a.md")],
            "twice",
        ),
        (vec![FileChange::delete("drafts/none.md")], "no such file"),
        (vec![FileChange::write("drafts", "x")], "folder"),
        (
            vec![FileChange::write("drafts/treaty.md/x", "x")],
            "is a file",
        ),
        (
            vec![
                FileChange::write("n/a", "x"),
                FileChange::write("n/a/b", "x"),
            ],
            "both",
        ),
    ] {
        let err = t
            .store
            .commit(&replace("a", "2"), head, &changes)
            .unwrap_err();
        assert!(matches!(err, StoreError::InvalidChange { .. }), "{err}");
        assert!(err.to_string().contains(hint), "{err} lacks {hint}");
    }
    let mut bad = replace("a", "3");
    bad.clauses = vec!["not a clause".into()];
    let err = t
        .store
        .commit(&bad, head, &[FileChange::write("b.md", "x")])
        .unwrap_err();
    assert!(matches!(err, StoreError::InvalidAmendment(_)), "{err}");
    assert_eq!(t.store.head().unwrap(), head);
}

#[test]
fn a_moved_branch_is_never_overwritten() {
    let t = TestRepo::new();
    let start = t.store.head().unwrap();
    let other = t.open_store(testing::EPOCH + 10_000);
    let landed = other
        .commit(
            &replace("a", "theirs"),
            start,
            &[FileChange::write("a.md", "theirs\n")],
        )
        .unwrap();
    let err = t
        .store
        .commit(
            &replace("a", "mine"),
            start,
            &[FileChange::write("a.md", "mine\n")],
        )
        .unwrap_err();
    match &err {
        StoreError::Moved { expected, actual } => {
            assert_eq!(*expected, start);
            assert_eq!(*actual, landed.oid);
        }
        other => panic!("expected Moved, got {other}"),
    }
    assert!(err.is_retryable());
    assert!(
        err.to_string()
            .contains("the text moved on since you started")
    );
    assert!(err.to_string().contains("retry"));
    assert_eq!(t.store.head().unwrap(), landed.oid);
    assert_eq!(t.read("a.md").unwrap(), "theirs\n");
}

#[test]
fn compare_and_swap_holds_even_past_the_early_check() {
    // Race the CAS itself: the branch moves after the cheap check but before the swap.
    let t = TestRepo::new();
    let start = t.store.head().unwrap();
    let sig = git2::Signature::new("X", "x@y", &git2::Time::new(testing::EPOCH, 0)).unwrap();
    let tree = t.store.repo().find_commit(start).unwrap().tree().unwrap();
    let parent = t.store.repo().find_commit(start).unwrap();
    let sneaky = t
        .store
        .repo()
        .commit(None, &sig, &sig, "sneaky\n", &tree, &[&parent])
        .unwrap();
    t.store
        .repo()
        .reference("refs/heads/main", sneaky, true, "test")
        .unwrap();
    let err = t.store.move_branch(start, start, "test").unwrap_err();
    assert!(matches!(err, StoreError::Moved { actual, .. } if actual == sneaky));
    assert_eq!(t.store.head().unwrap(), sneaky);
}

#[test]
fn commit_as_uses_the_given_signature() {
    let t = TestRepo::new();
    let sig = git2::Signature::new(
        "Delegation of the EU",
        "eu@example.org",
        &git2::Time::new(1_000_000_000, 120),
    )
    .unwrap();
    let head = t.store.head().unwrap();
    let out = t
        .store
        .commit_as(
            &replace("a", "1"),
            head,
            &[FileChange::write("a.md", "x")],
            &sig,
        )
        .unwrap();
    let commit = t.store.repo().find_commit(out.oid).unwrap();
    assert_eq!(commit.author().name().ok(), Some("Delegation of the EU"));
    assert_eq!(commit.committer().email().ok(), Some("eu@example.org"));
    assert_eq!(commit.time().seconds(), 1_000_000_000);
    assert_eq!(commit.time().offset_minutes(), 120);
}

#[test]
fn the_same_script_gives_the_same_history() {
    let run = || {
        let t = TestRepo::new();
        for i in 0..3 {
            t.amend(
                &replace("a", &i.to_string()),
                &[FileChange::write("a.md", format!("{i}\n"))],
            );
        }
        t.store.head().unwrap()
    };
    assert_eq!(run(), run());
}

// ---------------------------------------------------------------- the user's work

#[test]
fn unrelated_staged_and_unstaged_edits_are_untouched() {
    let t = TestRepo::new();
    t.amend(
        &replace("a", "1"),
        &[
            FileChange::write("drafts/articles/a.md", "a1\n"),
            FileChange::write("drafts/articles/b.md", "b1\n"),
            FileChange::write("drafts/articles/c.md", "c1\n"),
        ],
    );
    // Staged edit in b, unstaged edit in c, a staged new file and an untracked file.
    t.write("drafts/articles/b.md", "b-staged\n");
    t.git(&["add", "drafts/articles/b.md"]);
    t.write("drafts/articles/c.md", "c-unstaged\n");
    t.write("drafts/articles/new.md", "new-staged\n");
    t.git(&["add", "drafts/articles/new.md"]);
    t.write("notes.txt", "untracked\n");
    let before = status(&t);

    let out = t.amend(
        &replace("a", "2"),
        &[FileChange::write("drafts/articles/a.md", "a2\n")],
    );
    assert!(out.kept_local_edits.is_empty());
    // The commit holds only the amendment, not the user's edits.
    assert_eq!(
        t.store
            .read_file_at(out.oid, "drafts/articles/b.md")
            .unwrap()
            .unwrap(),
        b"b1\n"
    );
    assert_eq!(
        t.store
            .read_file_at(out.oid, "drafts/articles/c.md")
            .unwrap()
            .unwrap(),
        b"c1\n"
    );
    assert_eq!(
        t.store
            .read_file_at(out.oid, "drafts/articles/new.md")
            .unwrap(),
        None
    );
    // The user's edits are where they were, staged or not.
    assert_eq!(status(&t), before);
    assert_eq!(t.read("drafts/articles/a.md").unwrap(), "a2\n");
    assert_eq!(t.read("drafts/articles/b.md").unwrap(), "b-staged\n");
    assert_eq!(t.read("drafts/articles/c.md").unwrap(), "c-unstaged\n");
    assert_eq!(
        t.git(&["diff", "--cached", "--name-only"]),
        "drafts/articles/b.md\ndrafts/articles/new.md\n"
    );
}

#[test]
fn edits_to_the_same_file_are_kept_and_reported() {
    let t = TestRepo::new();
    t.amend(
        &replace("a", "1"),
        &[
            FileChange::write("drafts/articles/a.md", "a1\n"),
            FileChange::write("drafts/articles/b.md", "b1\n"),
        ],
    );
    // Unstaged edit to a, staged edit to b: both files the next amendment changes.
    t.write("drafts/articles/a.md", "a-mine\n");
    t.write("drafts/articles/b.md", "b-mine\n");
    t.git(&["add", "drafts/articles/b.md"]);

    let out = t.amend(
        &replace("a", "2"),
        &[
            FileChange::write("drafts/articles/a.md", "a2\n"),
            FileChange::write("drafts/articles/b.md", "b2\n"),
        ],
    );
    assert_eq!(
        out.kept_local_edits,
        ["drafts/articles/a.md", "drafts/articles/b.md"]
    );
    assert_eq!(t.read("drafts/articles/a.md").unwrap(), "a-mine\n");
    assert_eq!(t.read("drafts/articles/b.md").unwrap(), "b-mine\n");
    // a's index entry matched the parent, so it follows the commit (the user's edit shows
    // as unstaged); b's was the user's staged edit, so it stays staged.
    assert_eq!(
        status(&t),
        [" M drafts/articles/a.md", "M  drafts/articles/b.md"]
    );
    assert_eq!(t.git(&["show", ":drafts/articles/b.md"]), "b-mine\n");
    assert_eq!(t.git(&["show", ":drafts/articles/a.md"]), "a2\n");
}

#[test]
fn a_file_already_holding_the_new_text_or_missing_is_fine() {
    let t = TestRepo::new();
    t.amend(
        &replace("a", "1"),
        &[
            FileChange::write("a.md", "a1\n"),
            FileChange::write("b.md", "b1\n"),
        ],
    );
    // The user wrote the new text first (how an editor-driven amendment works), and
    // removed b by hand.
    t.write("a.md", "a2\n");
    std::fs::remove_file(t.path().join("b.md")).unwrap();
    let out = t.amend(
        &replace("a", "2"),
        &[
            FileChange::write("a.md", "a2\n"),
            FileChange::write("b.md", "b2\n"),
        ],
    );
    assert!(out.kept_local_edits.is_empty());
    assert_eq!(t.read("b.md").unwrap(), "b2\n");
    assert!(status(&t).is_empty(), "{:?}", status(&t));
}

#[test]
fn deleting_a_file_the_user_edited_keeps_it() {
    let t = TestRepo::new();
    t.amend(&replace("a", "1"), &[FileChange::write("a.md", "a1\n")]);
    t.write("a.md", "a-mine\n");
    let out = t.amend(
        &amendment(AmendmentKind::Delete, &["US"], &["a"], "2"),
        &[FileChange::delete("a.md")],
    );
    assert_eq!(out.kept_local_edits, ["a.md"]);
    assert_eq!(t.read("a.md").unwrap(), "a-mine\n");
    assert_eq!(status(&t), ["?? a.md"]);
}

// ---------------------------------------------------------------- rounds

#[test]
fn rounds_are_tags_in_history_order() {
    let t = TestRepo::new();
    assert_eq!(t.store.current_round().unwrap(), None);
    assert!(t.store.rounds().unwrap().is_empty());

    let r1 = t.store.start_round("nairobi-1", "First reading").unwrap();
    assert_eq!(r1.target, t.store.head().unwrap());
    assert_eq!(
        t.store.current_round().unwrap().as_deref(),
        Some("nairobi-1")
    );
    t.amend(&replace("a", "1"), &[FileChange::write("a.md", "1\n")]);
    // A later round with an earlier clock: position in history decides, not time.
    t.store.set_clock(Clock::Stepping {
        next: 1_000,
        step: 1,
        offset_minutes: 0,
    });
    let r2 = t.store.start_round("geneva-2", "").unwrap();
    t.amend(&replace("a", "2"), &[FileChange::write("a.md", "2\n")]);
    assert_eq!(
        t.store.current_round().unwrap().as_deref(),
        Some("geneva-2")
    );

    let rounds = t.store.rounds().unwrap();
    let names: Vec<&str> = rounds.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["nairobi-1", "geneva-2"]);
    assert_eq!(rounds[0], r1);
    assert_eq!(rounds[0].message, "First reading");
    assert_eq!(rounds[1].message, "Round geneva-2");
    assert_eq!(rounds[1].time.seconds(), 1_000);
    assert_eq!(rounds[1], r2);
    // System git sees annotated tags.
    assert_eq!(t.git(&["cat-file", "-t", "round/geneva-2"]).trim(), "tag");

    let err = t.store.start_round("geneva-2", "again").unwrap_err();
    assert!(matches!(err, StoreError::RoundExists { target, .. } if target == r2.target));
    for bad in ["", "a b", "a/b", "a..b", ".hidden", "x.lock", "a~1", "@"] {
        let err = t.store.start_round(bad, "").unwrap_err();
        assert!(
            matches!(err, StoreError::InvalidRoundName { .. }),
            "{bad:?}: {err}"
        );
    }
}

#[test]
fn the_remembered_round_gives_way_to_new_round_tags_and_rewritten_history() {
    let t = TestRepo::new();
    let memo = round_memo(&t);
    t.store.start_round("r1", "").unwrap();
    let one = amend_a(&t, "1");
    t.store.remember_round(one).unwrap();
    assert!(
        std::fs::read_to_string(&memo)
            .unwrap()
            .starts_with(&format!("{one}\nr1\n"))
    );
    let two = amend_a(&t, "2");
    assert_eq!(t.store.current_round().unwrap().as_deref(), Some("r1"));
    // A memo naming a round that another commit says is not the round (as if written
    // wrongly) is believed only while the tags it saw stand: a new round tag ends it.
    std::fs::write(
        &memo,
        std::fs::read_to_string(&memo)
            .unwrap()
            .replace("\nr1\n", "\nold\n"),
    )
    .unwrap();
    assert_eq!(t.store.current_round().unwrap().as_deref(), Some("old"));
    t.store.start_round("r2", "").unwrap();
    assert_eq!(t.store.current_round().unwrap().as_deref(), Some("r2"));
    t.store.remember_round(two).unwrap();
    let three = amend_a(&t, "3");
    assert_eq!(t.store.current_round().unwrap().as_deref(), Some("r2"));
    // A tag moved away (round r2 deleted): the memo no longer matches and the walk
    // goes back to r1.
    t.git(&["tag", "-d", "round/r2"]);
    assert_eq!(t.store.current_round().unwrap().as_deref(), Some("r1"));
    // History rewritten under the memo: the remembered commit is not met, the walk
    // goes on to the round tags.
    t.store.remember_round(three).unwrap();
    let memo_text = std::fs::read_to_string(&memo).unwrap();
    std::fs::write(&memo, memo_text.replace("\nr1\n", "\nwrong\n")).unwrap();
    assert_eq!(t.store.current_round().unwrap().as_deref(), Some("wrong"));
    t.git(&["reset", "-q", "--hard", &one.to_string()]);
    assert_eq!(t.store.current_round().unwrap().as_deref(), Some("r1"));
    // Garbage in the memo is ignored.
    std::fs::write(&memo, "not a commit\n").unwrap();
    assert_eq!(t.store.current_round().unwrap().as_deref(), Some("r1"));
}

#[test]
fn the_remembered_round_gives_way_to_a_tag_made_again_under_its_name() {
    let t = TestRepo::new();
    let memo = round_memo(&t);
    t.store.start_round("r1", "").unwrap();
    let one = amend_a(&t, "1");
    t.store.start_round("r2", "").unwrap();
    let two = amend_a(&t, "2");
    t.store.remember_round(two).unwrap();
    // The memo lists each tag by the object it names, not only by the commit.
    let tag = t
        .git(&["rev-parse", "refs/tags/round/r2"])
        .trim()
        .to_string();
    let text = std::fs::read_to_string(&memo).unwrap();
    assert!(text.starts_with(&format!("{two}\nr2\n")), "{text}");
    assert!(text.contains(&format!("{tag} {one} ")), "{text}");
    // r2 made again, by hand, on a commit off the branch: same name, another object.
    let off = t
        .git(&[
            "commit-tree",
            "-p",
            &one.to_string(),
            "-m",
            "off",
            &format!("{one}^{{tree}}"),
        ])
        .trim()
        .to_string();
    t.git(&["tag", "-f", "-a", "-m", "again", "round/r2", &off]);
    assert_eq!(t.store.current_round().unwrap().as_deref(), Some("r1"));
    // The memo written now holds the new tag and its commit.
    t.store.remember_round(two).unwrap();
    let text = std::fs::read_to_string(&memo).unwrap();
    assert!(text.starts_with(&format!("{two}\nr1\n")), "{text}");
    assert!(text.contains(&format!(" {off} ")), "{text}");
    assert_eq!(t.store.current_round().unwrap().as_deref(), Some("r1"));
}

#[test]
fn current_round_follows_head_not_other_tags() {
    let t = TestRepo::new();
    t.store.start_round("r1", "").unwrap();
    let base = amend_a(&t, "1");
    // A round started on a side branch is not the current round of main.
    t.git(&["switch", "-q", "-c", "side"]);
    let side = Store::open(t.path()).unwrap();
    side.set_clock(testing::test_clock());
    side.commit(
        &replace("a", "side"),
        base,
        &[FileChange::write("s.md", "s\n")],
    )
    .unwrap();
    side.start_round("side-round", "").unwrap();
    t.git(&["switch", "-q", "main"]);
    let main = Store::open(t.path()).unwrap();
    assert_eq!(main.current_round().unwrap().as_deref(), Some("r1"));
    let names: Vec<String> = main.rounds().unwrap().into_iter().map(|r| r.name).collect();
    assert_eq!(names, ["r1", "side-round"]);
    // A hand-made lightweight tag counts too.
    t.git(&["tag", "round/by-hand"]);
    assert_eq!(main.current_round().unwrap().as_deref(), Some("by-hand"));
    // The old store refuses to write to the branch it no longer is on.
    t.git(&["switch", "-q", "side"]);
    let head = main.head().unwrap();
    let err = main
        .commit(&replace("a", "x"), head, &[FileChange::write("x.md", "x")])
        .unwrap_err();
    assert!(matches!(err, StoreError::BranchSwitched { .. }), "{err}");
}

// ---------------------------------------------------------------- log

fn build_history(t: &TestRepo) -> Vec<String> {
    let steps = [
        (
            AmendmentKind::Insert,
            &["EU"][..],
            &["observatory.1"][..],
            None,
        ),
        (
            AmendmentKind::Replace,
            &["EU", "AU"],
            &["observatory.2.b"],
            None,
        ),
        (
            AmendmentKind::Bracket,
            &["US"],
            &["observatory.2.b", "observatory.3"],
            Some("r1"),
        ),
        (
            AmendmentKind::LiftBrackets,
            &["AU"],
            &["observatory.1"],
            Some("r1"),
        ),
        (
            AmendmentKind::Replace,
            &["G77"],
            &["observatory.3"],
            Some("r2"),
        ),
    ];
    let mut summaries = Vec::new();
    for (i, (kind, by, clauses, round)) in steps.into_iter().enumerate() {
        if i == 2 {
            t.store.start_round("r1", "").unwrap();
        }
        if i == 4 {
            t.store.start_round("r2", "").unwrap();
        }
        let mut a = amendment(kind, by, clauses, &i.to_string());
        a.round = round.map(str::to_string);
        t.amend(
            &a,
            &[FileChange::write(
                "drafts/articles/observatory.md",
                format!("{i}\n"),
            )],
        );
        summaries.push(a.subject());
        if i == 1 {
            // An ordinary commit made with system git.
            t.git(&["commit", "-q", "--allow-empty", "-m", "Tidy whitespace"]);
            summaries.push("Tidy whitespace".into());
        }
    }
    summaries
}

fn summaries(log: Log<'_>) -> Vec<String> {
    log.map(|e| e.unwrap().summary).collect()
}

#[test]
fn log_walks_first_parent_newest_first_and_filters_exactly() {
    let t = TestRepo::new();
    let made = build_history(&t);
    let s = &t.store;

    let all = summaries(s.log(&LogFilter::default()).unwrap());
    let mut expected: Vec<String> = made.iter().rev().cloned().collect();
    expected.push("Open the negotiation record".into());
    assert_eq!(all, expected);
    let mut oldest: Vec<String> = summaries(s.log_oldest_first(&LogFilter::default()).unwrap());
    oldest.reverse();
    assert_eq!(oldest, expected);

    let f = |filter: LogFilter| summaries(s.log(&filter).unwrap());
    assert_eq!(
        f(LogFilter::default().clause("observatory.2.b")),
        [
            "Bracket observatory.2.b, observatory.3 (US)",
            "Replace observatory.2.b (EU, AU)"
        ]
    );
    // Exact: "observatory.2" matches nothing, "eu" is not "EU".
    assert!(f(LogFilter::default().clause("observatory.2")).is_empty());
    assert!(f(LogFilter::default().by("eu")).is_empty());
    assert_eq!(
        f(LogFilter::default().by("AU")),
        [
            "Lift brackets in observatory.1 (AU)",
            "Replace observatory.2.b (EU, AU)"
        ]
    );
    assert_eq!(
        f(LogFilter::default().round("r1")),
        [
            "Lift brackets in observatory.1 (AU)",
            "Bracket observatory.2.b, observatory.3 (US)"
        ]
    );
    assert_eq!(
        f(LogFilter::default().kind(AmendmentKind::Replace)),
        [
            "Replace observatory.3 (G77)",
            "Replace observatory.2.b (EU, AU)"
        ]
    );
    assert_eq!(
        f(LogFilter::default()
            .kind(AmendmentKind::Replace)
            .by("G77")
            .round("r2")
            .clause("observatory.3")),
        ["Replace observatory.3 (G77)"]
    );
    assert!(
        f(LogFilter::default()
            .kind(AmendmentKind::Replace)
            .round("r1"))
        .is_empty()
    );

    // Entries carry what a history view needs.
    let entries: Vec<LogEntry> = s
        .log(&LogFilter::default())
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let newest = &entries[0];
    assert_eq!(newest.oid, s.head().unwrap());
    assert_eq!(newest.parents, [entries[1].oid]);
    assert_eq!(newest.author_name, testing::NAME);
    assert_eq!(newest.author_email, testing::EMAIL);
    assert_eq!(newest.amendment.as_ref().unwrap().proposers, ["G77"]);
    let tidy = entries
        .iter()
        .find(|e| e.summary == "Tidy whitespace")
        .unwrap();
    assert_eq!(tidy.amendment, None);
    assert!(entries.last().unwrap().parents.is_empty());

    // Incremental: only what came after a known commit.
    let since = entries[2].oid;
    assert_eq!(
        summaries(s.log(&LogFilter::default().since(since)).unwrap()),
        [entries[0].summary.clone(), entries[1].summary.clone()]
    );
}

#[test]
fn log_follows_the_first_parent_only() {
    let t = TestRepo::new();
    t.amend(&replace("a", "1"), &[FileChange::write("a.md", "1\n")]);
    t.git(&["switch", "-q", "-c", "side"]);
    t.git(&["commit", "-q", "--allow-empty", "-m", "Side work"]);
    t.git(&["switch", "-q", "main"]);
    t.amend(&replace("b", "2"), &[FileChange::write("b.md", "2\n")]);
    t.git(&["merge", "-q", "--no-ff", "-m", "Merge side", "side"]);
    let store = Store::open(t.path()).unwrap();
    let log = summaries(store.log(&LogFilter::default()).unwrap());
    assert_eq!(
        log,
        [
            "Merge side",
            "Replace b (EU)",
            "Replace a (EU)",
            "Open the negotiation record"
        ]
    );
    let oldest = summaries(store.log_oldest_first(&LogFilter::default()).unwrap());
    assert_eq!(oldest.first().unwrap(), "Open the negotiation record");
    assert_eq!(oldest.len(), 4);
}

#[test]
fn changed_paths_come_from_the_tree_diff() {
    let t = TestRepo::new();
    let one = t.amend(
        &replace("a", "1"),
        &[
            FileChange::write("drafts/articles/a.md", "a\n"),
            FileChange::write("drafts/articles/b.md", "b\n"),
            FileChange::write("positions/eu.ron", "()\n"),
        ],
    );
    let two = t.amend(
        &replace("a", "2"),
        &[
            FileChange::write("drafts/articles/a.md", "a2\n"),
            FileChange::delete("positions/eu.ron"),
        ],
    );
    assert_eq!(
        t.store.changed_paths(one.oid).unwrap(),
        [
            "drafts/articles/a.md",
            "drafts/articles/b.md",
            "positions/eu.ron"
        ]
    );
    assert_eq!(
        t.store.changed_paths(two.oid).unwrap(),
        ["drafts/articles/a.md", "positions/eu.ron"]
    );
    let root = t
        .store
        .log_oldest_first(&LogFilter::default())
        .unwrap()
        .next()
        .unwrap()
        .unwrap();
    assert!(t.store.changed_paths(root.oid).unwrap().is_empty());
}

// ---------------------------------------------------------------- concurrency

#[test]
fn concurrent_stores_never_lose_an_amendment() {
    const THREADS: usize = 8;
    const EACH: usize = 25;
    let t = TestRepo::new();
    let path = t.path();
    let shared = "drafts/log.md";

    let handles: Vec<_> = (0..THREADS)
        .map(|n| {
            let path = path.clone();
            std::thread::spawn(move || {
                let store = Store::open(&path).unwrap();
                store.set_clock(Clock::Stepping {
                    next: testing::EPOCH + (n as i64) * 1_000_000,
                    step: 1,
                    offset_minutes: 0,
                });
                let mut ids = Vec::new();
                let mut retries = 0;
                for i in 0..EACH {
                    let a = replace("log", &format!("t{n}-{i}"));
                    loop {
                        let head = store.head().unwrap();
                        let mut text = store
                            .read_file_at(head, shared)
                            .unwrap()
                            .unwrap_or_default();
                        text.extend_from_slice(format!("{} t{n} #{i}\n", a.id).as_bytes());
                        let own = format!("drafts/articles/t{n}.md");
                        let changes = [
                            FileChange::write(shared, text),
                            FileChange::write(own, format!("t{n} #{i}\n")),
                        ];
                        match store.commit(&a, head, &changes) {
                            Ok(out) => {
                                assert!(out.kept_local_edits.is_empty(), "{out:?}");
                                break;
                            }
                            Err(e) if e.is_retryable() => {
                                retries += 1;
                                assert!(retries < 100_000, "starved");
                            }
                            Err(e) => panic!("thread {n}: {e}"),
                        }
                    }
                    ids.push(a.id);
                }
                ids
            })
        })
        .collect();
    let mut expected: Vec<String> = handles
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    expected.sort();
    assert_eq!(expected.len(), THREADS * EACH);

    let mut recorded: Vec<String> = t
        .store
        .log(&LogFilter::default())
        .unwrap()
        .filter_map(|e| e.unwrap().amendment.map(|a| a.id))
        .collect();
    recorded.sort();
    assert_eq!(recorded, expected, "every amendment exactly once");

    let text = String::from_utf8(
        t.store
            .read_file_at(t.store.head().unwrap(), shared)
            .unwrap()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(text.lines().count(), THREADS * EACH, "no lost update");
    assert_eq!(t.read(shared).unwrap(), text, "work tree follows the tip");
    assert!(status(&t).is_empty(), "{:?}", status(&t));
    let fsck = testing::git_command(&path, &t.home())
        .args(["fsck", "--full", "--strict"])
        .output()
        .unwrap();
    assert!(
        fsck.status.success() && fsck.stdout.is_empty(),
        "git fsck: {}{}",
        String::from_utf8_lossy(&fsck.stdout),
        String::from_utf8_lossy(&fsck.stderr)
    );
    assert!(!t.store.repo().path().join("treaty-store.lock").exists());
}

#[test]
fn the_draft_at_any_commit_reads_from_the_tree() {
    let t = TestRepo::new();
    let first = t
        .amend(
            &replace("a.1", "one"),
            &[
                FileChange::write("drafts/treaty.md", "# T {#t}\n\n- [A](articles/a.md)\n"),
                FileChange::write(
                    "drafts/articles/a.md",
                    "### Article 1 {#a}\n\n1. One. {#a.1}\n",
                ),
            ],
        )
        .oid;
    let _second = t.amend(
        &replace("a.1", "two"),
        &[FileChange::write(
            "drafts/articles/a.md",
            "### Article 1 {#a}\n\n1. Two. {#a.1}\n",
        )],
    );
    let then = t.store.draft_at(first).unwrap();
    assert!(then.diagnostics.is_empty());
    assert_eq!(then.draft.clause("a.1").unwrap().text, "One.");
    let now = t.store.draft_at(t.store.head().unwrap()).unwrap();
    assert_eq!(now.draft.clause("a.1").unwrap().text, "Two.");
    assert_eq!(t.store.text_at(first, "drafts/tiers.ron").unwrap(), None);
}

/// Two drafts read at once on two threads: the hash check stays off until the last reader
/// ends (the first to end used to turn it back on under the other). Witnessed by a loose
/// object whose bytes are another object's: read without the check, it gives those bytes.
#[test]
fn the_hash_check_stays_off_while_any_reader_lives() {
    let t = TestRepo::new();
    let hash = |text: &str| {
        let file = t.path().join("blob.txt");
        std::fs::write(&file, text).unwrap();
        let id = t.git(&["hash-object", "-w", "blob.txt"]).trim().to_string();
        std::fs::remove_file(&file).unwrap();
        git2::Oid::from_str(&id).unwrap()
    };
    let (a, b) = (hash("a\n"), hash("b\n"));
    let loose = |id: git2::Oid| {
        let hex = id.to_string();
        t.path()
            .join(".git/objects")
            .join(&hex[..2])
            .join(&hex[2..])
    };
    std::fs::remove_file(loose(a)).unwrap();
    std::fs::copy(loose(b), loose(a)).unwrap();
    let read = |store: &Store| {
        store
            .repo()
            .find_blob(a)
            .map(|blob| blob.content().to_vec())
    };
    let first = FastReads::start();
    let second = FastReads::start();
    drop(first);
    assert_eq!(read(&t.store).unwrap(), b"b\n");
    drop(second);
    // Other tests running beside this one may hold readers of their own, so the check
    // coming back after the last one is not asserted here.
}
