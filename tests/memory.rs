//! Hostile text must not exhaust memory (issue #15, item 14): a clause of 3 million
//! stacked alternatives (9 MB) used to take 610 MB to check and show and 1.45 GB to blame.
//!
//! A test binary of its own, with one test: a child's peak resident size (from `wait4`)
//! includes the process it was forked from, so it is measured from a small test process,
//! not from the integration suite's.

use std::path::Path;
use std::process::{Command, Stdio};

use treaty_workbench::testing;

fn git(dir: &Path, home: &Path, args: &[&str]) {
    let o = testing::git_command(dir, home).args(args).output().unwrap();
    assert!(
        o.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Runs `treaty args` in `dir` to its end; its standard error and peak resident KiB.
#[expect(
    clippy::zombie_processes,
    reason = "reaped by wait4, which also gives its resource usage"
)]
fn run_measured(dir: &Path, home: &Path, args: &[&str]) -> (String, i64) {
    let err_file = home.join("stderr");
    let child = Command::new(env!("CARGO_BIN_EXE_treaty"))
        .args(args)
        .current_dir(dir)
        .env("HOME", home)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&err_file).unwrap())
        .spawn()
        .unwrap();
    let mut status = 0;
    // SAFETY: zeroed is a valid rusage; wait4 fills it and the status for our own child,
    // which std's Child is then never asked to wait for.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    assert_eq!(waited, child.id() as libc::pid_t);
    (std::fs::read_to_string(err_file).unwrap(), usage.ru_maxrss)
}

#[test]
fn a_clause_built_to_exhaust_memory_is_read_as_text_within_bounds() {
    let root = tempfile::tempdir().unwrap();
    let (repo, home) = (root.path().join("repo"), root.path().join("home"));
    std::fs::create_dir_all(&home).unwrap();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR"));
    for sub in ["drafts", "positions"] {
        std::fs::create_dir_all(&repo).unwrap();
        let o = Command::new("cp")
            .arg("-a")
            .arg(sample.join(sub))
            .arg(repo.join(sub))
            .output()
            .unwrap();
        assert!(o.status.success());
    }
    let fund_path = repo.join("drafts/articles/fund.md");
    let huge = format!("1. {} {{#fund.1}}", "[a]".repeat(3_000_000));
    let fund: String = std::fs::read_to_string(&fund_path)
        .unwrap()
        .lines()
        .map(|l| {
            if l.ends_with("{#fund.1}") {
                huge.as_str()
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&fund_path, fund).unwrap();
    drop(huge);
    git(&repo, &home, &["init", "-q", "-b", "main"]);
    git(&repo, &home, &["add", "-A"]);
    git(
        &repo,
        &home,
        &["commit", "-q", "-m", "stacked alternatives"],
    );
    let (err, _) = run_measured(&repo, &home, &["check"]);
    assert!(!err.contains("panicked"), "{err}");
    // Every command stays within a small multiple of the text (a generous bound, for any
    // machine; the figures print for the record).
    for args in [
        vec!["check"],
        vec!["show", "fund.1"],
        vec!["blame", "fund.1"],
        vec!["export", "--format", "docx", "-o", "/dev/null"],
    ] {
        let (err, peak) = run_measured(&repo, &home, &args);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        eprintln!("{args:?}: {peak} KiB at peak");
        assert!(peak < 400 * 1024, "{args:?} used {peak} KiB");
    }
}

/// Building the history index on a first-ever open (issue 18: the workbench within
/// 150 MB at UN scale). At this scale (320 articles, 3,000 amendments) the build peaked
/// at about 100 MB when it held every record and libgit2's per-pack caches; it now takes
/// about 36 MB (release build). The bound sits between the two, for any machine.
#[test]
fn building_the_history_index_holds_neither_the_records_nor_git_s_caches() {
    let root = tempfile::tempdir().unwrap();
    let (repo, home) = (root.path().join("repo"), root.path().join("home"));
    std::fs::create_dir_all(&home).unwrap();
    let synth = [
        "synth",
        "--articles",
        "320",
        "--parties",
        "40",
        "--amendments",
        "3000",
        "--rounds",
        "6",
        "--dir",
    ];
    let mut args: Vec<&str> = synth.to_vec();
    let dir = repo.to_string_lossy().into_owned();
    args.push(&dir);
    let (err, _) = run_measured(root.path(), &home, &args);
    assert!(repo.join(".git").is_dir(), "synth: {err}");
    let index = repo.join(".git/treaty/history-index-v4");
    let _ = std::fs::remove_file(&index);
    let (err, peak) = run_measured(&repo, &home, &["log", "--clause", "no-such-clause"]);
    assert!(!err.contains("panicked"), "{err}");
    assert!(index.is_file(), "no index written: {err}");
    eprintln!("history index build: {peak} KiB at peak");
    assert!(
        peak < 75 * 1024,
        "building the history index used {peak} KiB"
    );
}
