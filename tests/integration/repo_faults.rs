//! Repository faults, through the `treaty` binary: each gives a message that says what to
//! do, and no amendment is lost or half-written (the record and the work tree are as they
//! were, or the amendment landed whole).

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::amend::{Sandbox, printed_id};
use crate::support::{snapshot, stderr, stdout};

const CLAUSE_FILE: &str = "drafts/articles/fund.md";
const NEW_TEXT: &str = "Parties shall contribute to the fund each year.";

fn amend_args() -> Vec<&'static str> {
    vec![
        "amend", "--kind", "replace", "--clause", "fund.1", "--by", "CHAIR", "--text", NEW_TEXT,
    ]
}

/// `treaty amend` in `dir` with a short lock timeout (debug builds read it).
fn amend_in(s: &Sandbox, dir: &Path, env: &[(&str, &str)]) -> Output {
    let mut cmd = s.treaty_cmd(dir, &amend_args());
    cmd.env("TREATY_LOCK_TIMEOUT_MS", "200");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

/// Everything that must not move when an amendment is refused: the work tree with the
/// index, and every ref.
fn state(s: &Sandbox) -> (Vec<(PathBuf, Vec<u8>)>, String) {
    let files = snapshot(&s.repo())
        .into_iter()
        .filter(|(p, _)| {
            !p.starts_with(".git") || p == Path::new(".git/index") || p == Path::new(".git/HEAD")
        })
        .collect();
    (
        files,
        s.git(&["for-each-ref", "--format=%(refname) %(objectname)"]),
    )
}

fn assert_refused(o: &Output, code: i32, line: &str) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(code), "{err}{}", stdout(o));
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        err.lines().any(|l| l == line),
        "expected the line\n  {line}\ngot\n{err}"
    );
}

fn git_dir(s: &Sandbox) -> PathBuf {
    s.repo().join(".git")
}

/// The repository path as the store prints it (libgit2 ends folders with a slash).
fn shown(p: &Path) -> String {
    format!("{}/", p.display())
}

#[test]
fn a_held_index_lock_refuses_the_amendment_and_changes_nothing() {
    let s = Sandbox::with_sample();
    let lock = git_dir(&s).join("index.lock");
    std::fs::write(&lock, "").unwrap();
    let before = state(&s);
    let o = amend_in(&s, &s.repo(), &[]);
    assert_refused(
        &o,
        3,
        &format!(
            "error: another git or treaty process holds {}: wait for it to finish and retry; if none is running, remove that lock file",
            lock.display()
        ),
    );
    assert!(stderr(&o).contains("nothing was recorded: run the same command again"));
    assert_eq!(state(&s), before);
    assert!(lock.exists(), "the lock belongs to the other process");
    // Once the other process is done, the same command lands whole.
    std::fs::remove_file(&lock).unwrap();
    let o = amend_in(&s, &s.repo(), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(s.read(CLAUSE_FILE).contains(NEW_TEXT));
    assert_eq!(s.git(&["status", "--porcelain"]), "");
}

#[test]
fn a_held_branch_lock_refuses_the_amendment_and_changes_nothing() {
    let s = Sandbox::with_sample();
    let lock = git_dir(&s).join("refs/heads/main.lock");
    std::fs::write(&lock, "").unwrap();
    let before = state(&s);
    let o = amend_in(&s, &s.repo(), &[]);
    assert_refused(
        &o,
        3,
        &format!(
            "error: another git or treaty process holds {}{}: wait for it to finish and retry; if none is running, remove that lock file",
            shown(&git_dir(&s)),
            "refs/heads/main.lock"
        ),
    );
    assert_eq!(state(&s), before);
    std::fs::remove_file(&lock).unwrap();
    s.git(&["fsck", "--full", "--no-dangling"]);
}

#[test]
fn a_detached_head_is_refused() {
    let s = Sandbox::with_sample();
    s.git(&["checkout", "-q", "--detach"]);
    let before = state(&s);
    let o = amend_in(&s, &s.repo(), &[]);
    assert_refused(
        &o,
        2,
        &format!(
            "error: the record at {} is not on a branch (detached HEAD), so an amendment would be lost: switch to the negotiation branch first (`git switch main`)",
            shown(&s.repo())
        ),
    );
    assert_eq!(state(&s), before);
}

/// A second branch whose commit changes fund.md differently from main's last commit.
fn diverge(s: &Sandbox) {
    s.git(&["checkout", "-q", "-b", "other"]);
    let p = s.repo().join(CLAUSE_FILE);
    let text = std::fs::read_to_string(&p).unwrap();
    std::fs::write(&p, format!("{text}\nOther branch.\n")).unwrap();
    s.git(&["commit", "-q", "-am", "other"]);
    s.git(&["checkout", "-q", "main"]);
    std::fs::write(&p, format!("{text}\nMain branch.\n")).unwrap();
    s.git(&["commit", "-q", "-am", "main"]);
}

/// Runs a git command that stops on a conflict (exit 1).
fn git_conflict(s: &Sandbox, args: &[&str]) {
    let out = treaty_workbench::testing::git_command(&s.repo(), &s.home())
        .args(args)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "git {args:?} was expected to stop on a conflict: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_merge_in_progress_is_refused() {
    let s = Sandbox::with_sample();
    diverge(&s);
    git_conflict(&s, &["merge", "-q", "other"]);
    assert!(git_dir(&s).join("MERGE_HEAD").exists());
    let before = state(&s);
    let o = amend_in(&s, &s.repo(), &[]);
    assert_refused(
        &o,
        2,
        &format!(
            "error: a merge is in progress in {}: finish it or abort it (`git merge --continue` or `git merge --abort`) before amending the text",
            shown(&s.repo())
        ),
    );
    assert_eq!(state(&s), before);
}

#[test]
fn a_rebase_in_progress_is_refused() {
    let s = Sandbox::with_sample();
    diverge(&s);
    git_conflict(&s, &["rebase", "-q", "other"]);
    assert!(git_dir(&s).join("rebase-merge").exists());
    let before = state(&s);
    let o = amend_in(&s, &s.repo(), &[]);
    assert_refused(
        &o,
        2,
        &format!(
            "error: a rebase is in progress in {}: finish it or abort it (`git rebase --continue` or `git rebase --abort`) before amending the text",
            shown(&s.repo())
        ),
    );
    assert_eq!(state(&s), before);
}

#[test]
fn a_shallow_clone_records_amendments_and_says_its_history_is_partial() {
    let s = Sandbox::with_sample();
    // A second commit, so that the clone really misses history.
    let o = s.treaty(&[
        "amend", "--kind", "replace", "--clause", "fund.1", "--by", "CHAIR", "--text", "First.",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let clone = s.home().join("shallow");
    let url = format!("file://{}", s.repo().display());
    let out = treaty_workbench::testing::git_command(&s.home(), &s.home())
        .args(["clone", "-q", "--depth", "1", &url])
        .arg(&clone)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let git = |args: &[&str]| {
        let out = treaty_workbench::testing::git_command(&clone, &s.home())
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    git(&["config", "user.name", treaty_workbench::testing::NAME]);
    git(&["config", "user.email", treaty_workbench::testing::EMAIL]);
    assert_eq!(
        git(&["rev-parse", "--is-shallow-repository"]).trim(),
        "true"
    );

    let o = amend_in(&s, &clone, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let id = printed_id(&o);
    let log = s.treaty_cmd(&clone, &["log"]).output().unwrap();
    assert_eq!(log.status.code(), Some(0), "{}", stderr(&log));
    assert!(
        stdout(&log).contains(&format!("amendment {id}")),
        "{}",
        stdout(&log)
    );
    assert!(
        stderr(&log).lines().any(|l| l
            == "note: this is a shallow clone, so amendments before the oldest commit here are missing from the history: run `git fetch --unshallow` for all of it"),
        "{}",
        stderr(&log)
    );
    assert_eq!(git(&["status", "--porcelain"]), "");
    git(&["fsck", "--full"]);
}

#[test]
fn a_bare_repository_is_refused_with_what_to_do() {
    let s = Sandbox::with_sample();
    let bare = s.home().join("bare.git");
    s.git(&["clone", "-q", "--bare", ".", bare.to_str().unwrap()]);
    let before = snapshot(&bare);
    let o = amend_in(&s, &bare, &[]);
    assert_refused(
        &o,
        2,
        &format!(
            "error: {} is a bare git repository, which has no working copy of the text: clone it (`git clone {}`) and work in the clone",
            shown(&bare),
            shown(&bare)
        ),
    );
    assert_eq!(snapshot(&bare), before);
}

#[test]
fn a_corrupted_object_is_reported_as_damage_not_as_a_missing_clause() {
    let s = Sandbox::with_sample();
    let head = s.head();
    let blob = s.git(&["rev-parse", &format!("HEAD:{CLAUSE_FILE}")]);
    treaty_workbench::testing::destroy_object(&git_dir(&s), blob.trim());
    let before = state(&s);
    let o = amend_in(&s, &s.repo(), &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    let prefix = format!(
        "error: cannot read the text at commit {head}: the record is damaged: {CLAUSE_FILE} at commit {head} cannot be read ("
    );
    let line = err
        .lines()
        .find(|l| l.starts_with(&prefix))
        .unwrap_or_else(|| panic!("expected a line starting\n  {prefix}\ngot\n{err}"));
    assert!(
        line.ends_with("): run `git fsck --full` to see what is broken, and restore the record from another clone or a backup"),
        "{line}"
    );
    assert_eq!(state(&s), before);
    // So does a comparison, which reads each version's clauses alone.
    let diff = s.treaty(&["diff", "HEAD", "HEAD", "--all"]);
    let err = stderr(&diff);
    assert_eq!(diff.status.code(), Some(2), "{err}");
    let damage = format!("the record is damaged: {CLAUSE_FILE} at commit {head} cannot be read (");
    assert!(err.contains(&damage), "{err}");
    assert!(err.contains("run `git fsck --full`"), "{err}");
    assert_eq!(state(&s), before);
    // The history commands say the same, not a bare git error.
    let log = s.treaty(&["log"]);
    assert_refused(
        &log,
        2,
        "error: the record is damaged (a git object cannot be read): run `git fsck --full` to see what is broken, and restore the record from another clone or a backup",
    );
    assert_eq!(state(&s), before);
}

#[test]
fn a_missing_drafts_folder_says_how_to_restore_it() {
    let s = Sandbox::with_sample();
    std::fs::remove_dir_all(s.repo().join("drafts")).unwrap();
    let before = state(&s);
    let o = amend_in(&s, &s.repo(), &[]);
    assert_refused(
        &o,
        2,
        &format!(
            "error: drafts/treaty.md is in the record but missing from the work tree at {}: restore it with `git checkout -- drafts` (or `git restore drafts`) and amend again; nothing was recorded",
            shown(&s.repo())
        ),
    );
    assert_eq!(state(&s), before);
    s.git(&["checkout", "--", "drafts"]);
    assert_eq!(s.git(&["status", "--porcelain"]), "");
}

/// Makes a folder read-only for as long as it lives: `chattr +i` when running as root
/// (root ignores permission bits), `chmod a-w` otherwise.
struct ReadOnly {
    dir: PathBuf,
    immutable: bool,
}

impl ReadOnly {
    fn new(dir: &Path) -> ReadOnly {
        let root = std::process::Command::new("id")
            .arg("-u")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
            .unwrap_or(false);
        if root {
            let ok = std::process::Command::new("chattr")
                .arg("+i")
                .arg(dir)
                .status()
                .is_ok_and(|s| s.success());
            assert!(
                ok,
                "running as root: chattr +i is needed to make {dir:?} read-only"
            );
        } else {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o555)).unwrap();
        }
        ReadOnly {
            dir: dir.to_path_buf(),
            immutable: root,
        }
    }
}

impl Drop for ReadOnly {
    fn drop(&mut self) {
        if self.immutable {
            let _ = std::process::Command::new("chattr")
                .arg("-i")
                .arg(&self.dir)
                .status();
        } else {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&self.dir, std::fs::Permissions::from_mode(0o755));
        }
    }
}

#[test]
fn a_read_only_work_tree_refuses_before_recording_anything() {
    let s = Sandbox::with_sample();
    let articles = s.repo().join("drafts/articles");
    let before = state(&s);
    let o = {
        let _guard = ReadOnly::new(&articles);
        amend_in(&s, &s.repo(), &[])
    };
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    let prefix = format!(
        "error: {}drafts/articles cannot be written (the work tree is read-only: ",
        shown(&s.repo())
    );
    assert!(
        err.lines().any(|l| l.starts_with(&prefix)
            && l.ends_with("), so the amendment cannot be recorded: make the folder writable and retry; nothing was recorded")),
        "expected a line starting\n  {prefix}\ngot\n{err}"
    );
    assert_eq!(state(&s), before);
    s.git(&["fsck", "--full", "--no-dangling"]);
}

#[test]
fn a_write_failing_midway_refuses_the_amendment_and_leaves_the_old_state() {
    let s = Sandbox::with_sample();
    let before = state(&s);
    // The article's own write fails (as on a full disk), then, in a second try, the
    // journal's: each time the amendment is refused, naming the file.
    for (fault, named) in [
        ("midway:fund.md", CLAUSE_FILE.to_string()),
        ("midway", ".git/treaty/journal".to_string()),
    ] {
        let o = amend_in(&s, &s.repo(), &[("TREATY_FAULT_WRITE", fault)]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        let err = stderr(&o);
        assert!(
            err.contains(&named)
                && err.contains("the write stopped midway (fault injected by TREATY_FAULT_WRITE)"),
            "{err}"
        );
    }
    // Nothing recorded, the old file whole, no temporary file anywhere in the work tree.
    assert_eq!(state(&s), before);
    let temps: Vec<_> = s
        .work_tree()
        .into_iter()
        .filter(|(p, _)| p.to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(temps.is_empty(), "{temps:?}");
    assert_eq!(s.git(&["status", "--porcelain"]), "");
    s.git(&["fsck", "--full", "--no-dangling"]);
    // The next amendment lands at once: no lock or journal is left in its way.
    let o = amend_in(&s, &s.repo(), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(s.read(CLAUSE_FILE).contains(NEW_TEXT));
}

#[test]
fn a_write_failing_midway_in_fmt_leaves_the_draft_whole() {
    let dir = tempfile::tempdir().unwrap();
    crate::support::copy_dir(
        &crate::support::repo_root().join("tests/integration/fixtures/tiny"),
        dir.path(),
    );
    let fund = dir.path().join(CLAUSE_FILE);
    let text = std::fs::read_to_string(&fund).unwrap();
    std::fs::write(&fund, text.replace(" {#fund.1}", "")).unwrap();
    let before = snapshot(dir.path());
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_treaty"))
        .arg("fmt")
        .current_dir(dir.path())
        .env("TREATY_FAULT_WRITE", "midway")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_refused(
        &o,
        2,
        "  caused by: the write stopped midway (fault injected by TREATY_FAULT_WRITE)",
    );
    assert!(
        stderr(&o)
            .lines()
            .any(|l| l == format!("error: cannot write {}", fund.display())),
        "{}",
        stderr(&o)
    );
    // The draft whole and no temporary file: byte for byte as before.
    assert_eq!(snapshot(dir.path()), before);
}
