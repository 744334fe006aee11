//! Shared helpers: running the `treaty` binary, copying the sample, reading the corpus.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use treaty_workbench::amend::{self, Workspace};
use treaty_workbench::draft::Draft;
use treaty_workbench::store::{self, Amendment, AmendmentKind, Store, testing};

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn corpus(rel: &str) -> PathBuf {
    repo_root().join("tests/corpus").join(rel)
}

/// Runs `treaty` with `args` in `dir`, with git's user and system config ignored.
pub fn treaty(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_treaty"))
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("NO_COLOR", "1")
        .output()
        .expect("treaty runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A fresh copy of the shipped sample negotiation (drafts/, positions/, themes/).
pub fn sample_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["drafts", "positions", "themes"] {
        copy_dir(&repo_root().join(sub), &dir.path().join(sub));
    }
    dir
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Every file under `dir`, relative path → bytes, for "nothing changed" assertions.
pub fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    fn walk(base: &Path, dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                out.push((
                    p.strip_prefix(base).unwrap().to_path_buf(),
                    std::fs::read(&p).unwrap(),
                ));
            }
        }
    }
    walk(dir, dir, &mut out);
    out
}

/// Every file under `dir/sub` as store changes, paths relative to `dir` (for committing a
/// copied sample as a first commit).
pub fn changes_under(dir: &Path, sub: &str) -> Vec<treaty_workbench::store::Change> {
    snapshot(&dir.join(sub))
        .into_iter()
        .map(|(rel, bytes)| {
            let rel = rel.to_string_lossy().replace('\\', "/");
            treaty_workbench::store::Change::write(format!("{sub}/{rel}"), bytes)
        })
        .collect()
}

/// The sample negotiation recorded in a fresh repository, with round `r1` started.
pub fn recorded_sample() -> (tempfile::TempDir, Store) {
    let dir = sample_copy();
    testing::init_repo(dir.path());
    let store = Store::init_with_clock(dir.path(), testing::test_clock()).unwrap();
    let mut changes = changes_under(dir.path(), "drafts");
    changes.extend(changes_under(dir.path(), "positions"));
    let zero = Amendment::new(AmendmentKind::Insert, ["Chair"], Vec::<String>::new())
        .with_summary("Zero draft");
    let head = store.head().unwrap();
    store.commit(&zero, head, &changes).unwrap();
    store.start_round("r1", "First reading").unwrap();
    (dir, store)
}

/// Applies `change` to the work tree's draft and records it as `by`.
pub fn amend(dir: &Path, store: &Store, change: amend::Change, by: &str) {
    let draft = Draft::load(&dir.join("drafts")).unwrap().draft;
    let mut ws = Workspace {
        draft,
        tiers: std::fs::read_to_string(dir.join("drafts/tiers.ron")).ok(),
        annexes: std::fs::read_to_string(dir.join("drafts/annexes.ron")).ok(),
    };
    let edit = ws.apply(&change).unwrap();
    let changes: Vec<store::Change> = edit
        .files
        .iter()
        .map(|(path, content)| match content {
            Some(t) => store::Change::write(path.clone(), t.clone()),
            None => store::Change::delete(path.clone()),
        })
        .collect();
    let amendment =
        Amendment::new(change.kind(), [by], edit.clauses.clone()).with_summary(change.describe());
    let head = store.head().unwrap();
    let outcome = store.commit(&amendment, head, &changes).unwrap();
    assert!(outcome.kept_local_edits.is_empty() && outcome.sync_failures.is_empty());
}
