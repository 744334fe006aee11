//! Several `treaty amend` processes at once, without retry: every amendment lands exactly
//! once or is refused with the retry error, and the record stays sound. Then the same
//! through `treaty sync`: four clones of one bare record amending and syncing at once.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::amend::{Sandbox, printed_id};
use crate::support::{stderr, stdout};

const WORKERS: usize = 8;
const RUNS: usize = 50;

/// Workers 0–3 amend a clause each; workers 4–7 all amend the same clause.
fn clause_of(worker: usize) -> &'static str {
    match worker {
        0 => "capacity.1",
        1 => "fund.1",
        2 => "remedies.1",
        3 => "vulnerable.1",
        _ => "observatory.1",
    }
}

#[test]
fn concurrent_amendments_land_once_or_are_refused_with_the_retry_error() {
    let s = Sandbox::with_sample();
    let start = s.head();
    let started = Instant::now();
    let results: Vec<Vec<(usize, Result<String, String>)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..WORKERS)
            .map(|w| {
                let s = &s;
                scope.spawn(move || {
                    (0..RUNS)
                        .map(|i| {
                            let text =
                                format!("Parties shall act, as worker {w} wrote in run {i}.");
                            let out = s.treaty(&[
                                "amend",
                                "--kind",
                                "replace",
                                "--clause",
                                clause_of(w),
                                "--by",
                                "CHAIR",
                                "--text",
                                &text,
                            ]);
                            match out.status.code() {
                                Some(0) => (i, Ok(printed_id(&out))),
                                Some(3) => (i, Err(stderr(&out))),
                                other => {
                                    panic!("worker {w} run {i}: exit {other:?}: {}", stderr(&out))
                                }
                            }
                        })
                        .collect()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });

    let mut landed: Vec<String> = Vec::new();
    let mut refused = 0;
    // The last run of each worker that landed.
    let mut last_landed: BTreeMap<usize, usize> = BTreeMap::new();
    for (w, runs) in results.iter().enumerate() {
        for (i, r) in runs {
            match r {
                Ok(id) => {
                    landed.push(id.clone());
                    last_landed.insert(w, *i);
                }
                Err(message) => {
                    refused += 1;
                    assert!(
                        message.contains("nothing was recorded: run the same command again"),
                        "worker {w} run {i}: {message}"
                    );
                }
            }
        }
    }
    assert_eq!(landed.len() + refused, WORKERS * RUNS);
    assert!(!landed.is_empty());
    println!(
        "{} of {} concurrent amendments landed, {refused} refused with the retry error, in {:.1} s",
        landed.len(),
        WORKERS * RUNS,
        started.elapsed().as_secs_f64()
    );

    // Every success is in history exactly once, and history holds nothing else.
    let log = s.git(&[
        "log",
        "--format=%(trailers:key=Amendment-Id,valueonly)",
        &format!("{start}..HEAD"),
    ]);
    let mut in_history: Vec<&str> = log.lines().filter(|l| !l.is_empty()).collect();
    in_history.sort();
    let mut expected: Vec<&str> = landed.iter().map(String::as_str).collect();
    expected.sort();
    assert_eq!(in_history, expected);
    assert_eq!(
        s.git(&["rev-list", "--count", &format!("{start}..HEAD")])
            .trim(),
        landed.len().to_string()
    );
    let unique: BTreeSet<&str> = expected.iter().copied().collect();
    assert_eq!(unique.len(), expected.len());

    // A linear history: no amendment overwrote another.
    let merges = s.git(&["rev-list", "--merges", "HEAD"]);
    assert_eq!(merges, "");

    // Each clause worked on by one worker reads as that worker's last landed run.
    for w in 0..4 {
        if let Some(i) = last_landed.get(&w) {
            let file = format!(
                "drafts/articles/{}.md",
                clause_of(w).split('.').next().unwrap()
            );
            let text = s.git(&["show", &format!("HEAD:{file}")]);
            assert!(
                text.contains(&format!("as worker {w} wrote in run {i}.")),
                "{file}: {text}"
            );
        }
    }

    s.git(&["fsck", "--full", "--strict"]);
    assert_eq!(s.git(&["status", "--porcelain"]), "");
}

const CLONES: usize = 4;
const SYNC_RUNS: usize = 10;
/// How often one `treaty sync` is tried before the test gives up on it.
const SYNC_TRIES: usize = 30;

/// System git in `dir`, hermetic; panics if it fails.
fn git_in(s: &Sandbox, dir: &Path, args: &[&str]) -> String {
    let out = treaty_workbench::testing::git_command(dir, &s.home())
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?} in {dir:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `treaty sync` in `dir` until it succeeds; only "run `treaty sync` again" failures are
/// retried, after a pause that grows with each refusal and differs per clone (as people
/// retrying would), so that on a loaded machine one clone cannot lose every race.
/// Returns how many tries were refused.
fn sync_until_done(s: &Sandbox, dir: &Path) -> usize {
    let jitter = dir.to_string_lossy().bytes().map(u64::from).sum::<u64>() % 7;
    for tries in 0..SYNC_TRIES {
        if tries > 0 {
            let ms = (tries as u64).min(10) * (20 + 5 * jitter);
            std::thread::sleep(std::time::Duration::from_millis(ms));
        }
        let o = s.treaty_cmd(dir, &["sync"]).output().unwrap();
        if o.status.success() {
            return tries;
        }
        let err = stderr(&o);
        assert!(
            err.contains("run `treaty sync` again"),
            "sync in {dir:?} failed without the retry error: {err}{}",
            stdout(&o)
        );
    }
    panic!("treaty sync in {dir:?} did not succeed in {SYNC_TRIES} tries");
}

#[test]
fn clones_amending_and_syncing_at_once_lose_and_duplicate_nothing() {
    let s = Sandbox::with_sample();
    let bare = s.home().join("record.git");
    git_in(
        &s,
        &s.repo(),
        &["clone", "-q", "--bare", ".", bare.to_str().unwrap()],
    );
    let clones: Vec<PathBuf> = (0..CLONES)
        .map(|c| {
            let dir = s.home().join(format!("clone-{c}"));
            git_in(
                &s,
                &s.home(),
                &["clone", "-q", bare.to_str().unwrap(), dir.to_str().unwrap()],
            );
            git_in(
                &s,
                &dir,
                &["config", "user.name", &format!("Delegation {c}")],
            );
            git_in(
                &s,
                &dir,
                &["config", "user.email", &format!("d{c}@treaty.invalid")],
            );
            dir
        })
        .collect();

    let started = Instant::now();
    // Each clone amends its own clause, syncing after every amendment.
    // Per clone: ids landed, refusals, refused syncs, last run that landed.
    type CloneResult = (Vec<String>, usize, usize, Option<usize>);
    let results: Vec<CloneResult> = std::thread::scope(|scope| {
        let handles: Vec<_> = clones
            .iter()
            .enumerate()
            .map(|(c, dir)| {
                let s = &s;
                scope.spawn(move || {
                    let mut landed = Vec::new();
                    let mut refused = 0;
                    let mut sync_retries = 0;
                    let mut last = None;
                    for i in 0..SYNC_RUNS {
                        let text = format!("Parties shall act, as clone {c} wrote in run {i}.");
                        let o = s
                            .treaty_cmd(
                                dir,
                                &[
                                    "amend",
                                    "--kind",
                                    "replace",
                                    "--clause",
                                    clause_of(c),
                                    "--by",
                                    "CHAIR",
                                    "--text",
                                    &text,
                                ],
                            )
                            .output()
                            .unwrap();
                        match o.status.code() {
                            Some(0) => {
                                landed.push(printed_id(&o));
                                last = Some(i);
                            }
                            Some(3) => refused += 1,
                            other => panic!("clone {c} run {i}: exit {other:?}: {}", stderr(&o)),
                        }
                        sync_retries += sync_until_done(s, dir);
                    }
                    (landed, refused, sync_retries, last)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    // Two quiet passes: the last clone to sync holds everything after the first, and
    // every other clone takes it in the second.
    for _ in 0..2 {
        for dir in &clones {
            sync_until_done(&s, dir);
        }
    }
    let landed: Vec<&String> = results.iter().flat_map(|r| r.0.iter()).collect();
    let refused: usize = results.iter().map(|r| r.1).sum();
    let sync_retries: usize = results.iter().map(|r| r.2).sum();
    assert_eq!(landed.len() + refused, CLONES * SYNC_RUNS);
    println!(
        "sync load: {} of {} amendments landed ({refused} refused with the retry error), {sync_retries} sync(s) refused with the retry error and run again, in {:.1} s",
        landed.len(),
        CLONES * SYNC_RUNS,
        started.elapsed().as_secs_f64()
    );

    // Every landed amendment is in the shared record exactly once.
    let ids = git_in(
        &s,
        &bare,
        &[
            "log",
            "--format=%(trailers:key=Amendment-Id,valueonly)",
            "main",
        ],
    );
    let mut count: BTreeMap<&str, usize> = BTreeMap::new();
    for id in ids.lines().filter(|l| !l.is_empty()) {
        *count.entry(id).or_default() += 1;
    }
    for id in &landed {
        assert_eq!(
            count.get(id.as_str()),
            Some(&1),
            "amendment {id} in the shared record"
        );
    }

    // Everyone ends on the same sound record, work trees matching it.
    let tip = git_in(&s, &bare, &["rev-parse", "main"]);
    git_in(&s, &bare, &["fsck", "--full", "--strict"]);
    for (c, dir) in clones.iter().enumerate() {
        assert_eq!(git_in(&s, dir, &["rev-parse", "HEAD"]), tip, "clone {c}");
        assert_eq!(git_in(&s, dir, &["status", "--porcelain"]), "", "clone {c}");
        git_in(&s, dir, &["fsck", "--full", "--strict"]);
        // Each clause reads as its clone's last landed run.
        if let Some(i) = results[c].3 {
            let file = format!(
                "drafts/articles/{}.md",
                clause_of(c).split('.').next().unwrap()
            );
            let text = git_in(&s, dir, &["show", &format!("HEAD:{file}")]);
            assert!(
                text.contains(&format!("as clone {c} wrote in run {i}.")),
                "{file}: {text}"
            );
        }
    }
}
