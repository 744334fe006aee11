//! Several `treaty amend` processes at once, without retry: every amendment lands exactly
//! once or is refused with the retry error, and the record stays sound.

use std::collections::{BTreeMap, BTreeSet};

use crate::amend::{Sandbox, printed_id};
use crate::support::stderr;

const WORKERS: usize = 8;
const RUNS: usize = 10;

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
                        message.contains("the text moved on") && message.contains("retry"),
                        "worker {w} run {i}: {message}"
                    );
                }
            }
        }
    }
    assert_eq!(landed.len() + refused, WORKERS * RUNS);
    assert!(!landed.is_empty());
    println!(
        "{} of {} concurrent amendments landed, {refused} refused with the retry error",
        landed.len(),
        WORKERS * RUNS
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
