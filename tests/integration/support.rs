//! Shared helpers: running the `treaty` binary, copying the sample, reading the corpus.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use treaty_workbench::amend;
use treaty_workbench::amendment::AmendmentKind;
use treaty_workbench::record::{self, Edit, NewAmendment};
use treaty_workbench::roster::CHAIR;
use treaty_workbench::store::Store;
use treaty_workbench::testing;

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
pub fn changes_under(dir: &Path, sub: &str) -> Vec<treaty_workbench::store::FileChange> {
    snapshot(&dir.join(sub))
        .into_iter()
        .map(|(rel, bytes)| {
            let rel = rel.to_string_lossy().replace('\\', "/");
            treaty_workbench::store::FileChange::write(format!("{sub}/{rel}"), bytes)
        })
        .collect()
}

/// The sample negotiation recorded in a fresh repository (its drafts and positions as the
/// Chair's zero draft, through the one record path), with round `r1` started.
pub fn recorded_sample() -> (tempfile::TempDir, Store) {
    let dir = sample_copy();
    testing::init_repo(dir.path());
    let store = Store::init_with_clock(dir.path(), testing::test_clock()).unwrap();
    let mut files = BTreeMap::new();
    for sub in ["drafts", "positions"] {
        for change in changes_under(dir.path(), sub) {
            let text = String::from_utf8(change.content.unwrap()).unwrap();
            files.insert(change.path, Some(text));
        }
    }
    let zero = NewAmendment::of(
        Edit::Files {
            kind: AmendmentKind::Insert,
            clauses: Vec::new(),
            files,
        },
        [CHAIR],
    )
    .with_summary("Zero draft");
    record::record(&store, &zero).unwrap();
    store.start_round("r1", "First reading").unwrap();
    (dir, store)
}

/// Records `change` as `by`, through the one record path (which reads the text at HEAD).
pub fn amend(store: &Store, change: amend::Change, by: &str) {
    let recorded = record::record(store, &NewAmendment::new(change, [by])).unwrap();
    assert!(recorded.kept_local_edits.is_empty());
}

/// The workbench fixture's record, built under `dir/repo`.
pub fn fixture_record(dir: &Path) -> PathBuf {
    let root = dir.join("repo");
    testing::fixture::build(&root).expect("fixture builds");
    root
}

/// git in `root` with no user or system configuration (home: `root`'s parent); panics
/// unless it succeeds, and gives its output.
pub fn git_in(root: &Path, args: &[&str]) -> String {
    let out = testing::git_command(root, root.parent().unwrap())
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}
