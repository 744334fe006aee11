//! treaty against git, at UN scale, on the same generated repository and in one run.
//!
//! `cargo bench --bench vs_git` prints a markdown table: each treaty command and the
//! closest git command, both run as processes (the `treaty` binary Cargo builds for this
//! bench, release profile), median of N runs after a warm-up, and how many times faster
//! treaty is. Where a row has one command on each side, the two are run in turn, one of
//! each at a time, so that a busy minute on a shared machine falls on both. A second table times the library calls alone (no process start, no output),
//! against the same git commands.
//!
//! The round-to-round diff is also timed with both commands held to one core (Linux):
//! treaty reads the two versions on two threads, git diffs on one, so that row shows what
//! is left of the lead when a neighbour holds the other core.
//!
//! The repository is generated once with `treaty synth` (320 articles, 198 parties,
//! 10,000 amendments, 12 rounds) under target/ and reused. `treaty amend` and
//! `git commit` each get their own copy, and git commits exactly the files treaty changed.

#[path = "common/mod.rs"]
mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::{copy_of, fmt, git, median, run, treaty, un_repo};
use treaty_workbench::history::History;
use treaty_workbench::store::Store;

const RUNS: usize = 7;
/// Runs of each side where treaty and git are timed in turn.
const PAIRED_RUNS: usize = 15;

struct Row {
    op: String,
    treaty: Duration,
    git_cmd: String,
    git: Duration,
}

fn time_process(n: usize, mut make: impl FnMut() -> Command) -> Duration {
    median(n, 1, || {
        run(&mut make());
    })
}

/// The medians of `n` runs of `ours` and of `theirs`, run in turn after one warm-up each.
fn time_side_by_side(
    n: usize,
    mut ours: impl FnMut() -> Command,
    mut theirs: impl FnMut() -> Command,
) -> (Duration, Duration) {
    let time = |make: &mut dyn FnMut() -> Command| {
        let started = Instant::now();
        run(&mut make());
        started.elapsed()
    };
    time(&mut ours);
    time(&mut theirs);
    let (mut a, mut b): (Vec<Duration>, Vec<Duration>) =
        (0..n).map(|_| (time(&mut ours), time(&mut theirs))).unzip();
    a.sort();
    b.sort();
    (a[n / 2], b[n / 2])
}

/// The paragraph with the most versions that still stands at the tip.
fn busy_clause(history: &History) -> (String, String) {
    let mut best: Option<(usize, String, String)> = None;
    for id in history.clause_ids() {
        let Some(cur) = history.current(id) else {
            continue;
        };
        if cur.kind != "paragraph" {
            continue;
        }
        let n = history.clause_history(id).map_or(0, |h| h.len());
        if best
            .as_ref()
            .is_none_or(|(m, b, _)| n > *m || (n == *m && id < b.as_str()))
        {
            best = Some((n, id.to_string(), cur.file.clone()));
        }
    }
    let (n, id, file) = best.expect("a paragraph");
    eprintln!("busiest paragraph: {id} ({n} versions) in drafts/{file}");
    (id, file)
}

fn main() {
    let repo = un_repo();
    let store = Store::open(&repo).unwrap();
    // Warm the index once, so both sides read warm caches.
    let history = History::open(&store).unwrap();
    let (clause, file) = busy_clause(&history);
    let path = format!("drafts/{file}");
    let text = std::fs::read_to_string(repo.join(&path)).unwrap();
    let (a, b) = common::clause_lines(&text, &clause).expect("clause in its file");
    let lines = format!("{a},{b}");
    let rounds: Vec<String> = String::from_utf8(
        run(git(&repo).args(["tag", "--list", "round/*", "--sort=creatordate"])).stdout,
    )
    .unwrap()
    .lines()
    .map(String::from)
    .collect();
    let (r_from, r_to) = (&rounds[rounds.len() - 2], &rounds[rounds.len() - 1]);

    let mut rows = Vec::new();
    let mut push = |op: String, treaty: Duration, git_cmd: String, git: Duration| {
        rows.push(Row {
            op,
            treaty,
            git_cmd,
            git,
        })
    };

    let (t, g) = time_side_by_side(
        PAIRED_RUNS,
        || {
            let mut c = treaty(&repo);
            c.args(["blame", &clause]);
            c
        },
        || {
            let mut c = git(&repo);
            c.args(["blame", "-L", &lines, "main", "--", &path]);
            c
        },
    );
    push(
        format!("`treaty blame {clause}`"),
        t,
        format!("`git blame -L {lines} main -- {path}`"),
        g,
    );
    // Closer to what treaty blame does (a clause followed across moves between files), but
    // still by line, not by word: git blame that also follows lines moved or copied from
    // other files.
    let g = time_process(RUNS, || {
        let mut c = git(&repo);
        c.args(["blame", "-M", "-C", "-L", &lines, "main", "--", &path]);
        c
    });
    push(
        format!("(same `treaty blame {clause}`)"),
        t,
        format!(
            "closer: `git blame -M -C -L {lines} main -- {path}` (follows moved and copied lines)"
        ),
        g,
    );

    let log_l = format!("{lines}:{path}");
    let (t, g) = time_side_by_side(
        RUNS,
        || {
            let mut c = treaty(&repo);
            c.args(["log", "--clause", &clause]);
            c
        },
        || {
            let mut c = git(&repo);
            c.args(["log", "-L", &log_l, "main"]);
            c
        },
    );
    push(
        format!("`treaty log --clause {clause}`"),
        t,
        format!("`git log -L {log_l} main`"),
        g,
    );

    let t = time_process(RUNS, || {
        let mut c = treaty(&repo);
        c.args(["history", &clause]);
        c
    });
    let g_hist = g;
    push(
        format!("`treaty history {clause}`"),
        t,
        "(same `git log -L`)".into(),
        g_hist,
    );

    // Two rounds apart, then the last ten amendments (a few files differ, as between two
    // sittings of a day).
    for (from, to) in [(r_from.as_str(), r_to.as_str()), ("main~10", "main")] {
        let (t, g) = time_side_by_side(
            PAIRED_RUNS,
            || {
                let mut c = treaty(&repo);
                c.args(["diff", from, to]);
                c
            },
            || {
                let mut c = git(&repo);
                c.args(["diff", "--word-diff", from, to, "--", "drafts"]);
                c
            },
        );
        push(
            format!("`treaty diff {from} {to}`"),
            t,
            format!("`git diff --word-diff {from} {to} -- drafts`"),
            g,
        );
    }

    if let Some(cpu) = one_cpu() {
        let (from, to) = (r_from.as_str(), r_to.as_str());
        let (t, g) = time_side_by_side(
            PAIRED_RUNS,
            || {
                let mut c = treaty(&repo);
                c.args(["diff", from, to]);
                pin(&mut c, cpu);
                c
            },
            || {
                let mut c = git(&repo);
                c.args(["diff", "--word-diff", from, to, "--", "drafts"]);
                pin(&mut c, cpu);
                c
            },
        );
        push(
            format!("(same `treaty diff {from} {to}`, one core)"),
            t,
            "(same `git diff --word-diff`, one core)".into(),
            g,
        );
    }

    let (t, g) = amend_vs_commit(&repo, &clause, &history);
    push(
        format!("`treaty amend --kind replace --clause {clause}`"),
        t,
        "`git commit -a` of the same files".into(),
        g,
    );

    // In-process: the library calls behind the commands, on the same warm index.
    // Opened histories are kept until timed: freeing one is not part of opening the next.
    let mut keep = Vec::new();
    let lib_open = median(RUNS, 1, || {
        keep.push(History::open(&store).unwrap());
    });
    drop(keep);
    let lib_blame = median(RUNS * 3, 1, || {
        history.blame(&clause).unwrap();
    });
    let lib_hist = median(RUNS * 3, 1, || {
        history.clause_history(&clause).unwrap();
    });
    // A fresh warm open and one clause's versions with the amendments' summaries: what
    // `treaty blame` and `treaty history` read, nothing cached from a previous call.
    let mut keep = Vec::new();
    let lib_fresh = median(RUNS * 3, 1, || {
        let h = History::open(&store).unwrap();
        h.clause_versions(&clause).unwrap();
        h.blame(&clause).unwrap();
        keep.push(h);
    });
    drop(keep);

    println!();
    println!(
        "UN scale: {} articles, {} parties, {} amendments; median of {RUNS} runs, {PAIRED_RUNS} where treaty and git take turns (blame, log, diff; process start included on both sides)",
        common::un().articles,
        common::un().parties,
        common::un().amendments
    );
    println!();
    println!("| operation | treaty | git equivalent | git | git ÷ treaty |");
    println!("|---|---:|---|---:|---:|");
    for r in &rows {
        println!(
            "| {} | {} | {} | {} | {} |",
            r.op,
            fmt(r.treaty),
            r.git_cmd,
            fmt(r.git),
            ratio(r.git.as_secs_f64() / r.treaty.as_secs_f64())
        );
    }
    println!();
    println!("| library call (in process, warm index) | time | git ÷ treaty |");
    println!("|---|---:|---:|");
    let git_blame = rows[0].git.as_secs_f64();
    let git_log = rows[2].git.as_secs_f64();
    println!("| `History::open` (read the index) | {} | |", fmt(lib_open));
    println!(
        "| `History::blame` | {} | {:.0}× vs `git blame` |",
        fmt(lib_blame),
        git_blame / lib_blame.as_secs_f64()
    );
    println!(
        "| `History::clause_history` | {} | {:.0e}× vs `git log -L` |",
        fmt(lib_hist),
        git_log / lib_hist.as_secs_f64()
    );
    println!(
        "| open + blame | {} | {} vs `git blame` |",
        fmt(lib_open + lib_blame),
        ratio(git_blame / (lib_open + lib_blame).as_secs_f64())
    );
    println!(
        "| fresh open + `History::clause_versions` + `History::blame` (nothing cached) | {} | {} vs `git blame` |",
        fmt(lib_fresh),
        ratio(git_blame / lib_fresh.as_secs_f64())
    );
}

/// `4.9×`, `0.03×`: how many times faster treaty is (below 1: slower).
fn ratio(r: f64) -> String {
    if r >= 1.0 {
        format!("{r:.1}×")
    } else {
        format!("{r:.2}×")
    }
}

/// `treaty amend` on one copy, then `git commit -a` of exactly the files it changed on
/// another copy; the file writes for git are not timed.
fn amend_vs_commit(repo: &Path, clause: &str, history: &History) -> (Duration, Duration) {
    let ours = copy_of(repo, "amend-treaty");
    let theirs = copy_of(repo, "amend-git");
    let base = history.current(clause).expect("clause stands").text.clone();
    let mut treaty_times = Vec::new();
    let mut git_times = Vec::new();
    for k in 0..=RUNS {
        let new_text = format!("{base} Revision {k}.");
        let message = format!("Revision {k} of {clause}");
        // Neither side waits on the other's unwritten data: flush what is pending first.
        run(&mut Command::new("sync"));
        let started = Instant::now();
        run(treaty(&ours)
            .args([
                "amend", "--by", "CHAIR", "--kind", "replace", "--clause", clause, "--text",
            ])
            .arg(&new_text)
            .args(["-m", &message]));
        let t = started.elapsed();
        let changed = String::from_utf8(
            run(git(&ours).args(["diff", "--name-only", "HEAD~1", "HEAD"])).stdout,
        )
        .unwrap();
        for f in changed.lines() {
            let bytes = run(git(&ours).args(["show", &format!("HEAD:{f}")])).stdout;
            std::fs::write(theirs.join(f), bytes).unwrap();
        }
        run(&mut Command::new("sync"));
        let started = Instant::now();
        run(git(&theirs).args(["commit", "-q", "-a", "-m", &message]));
        let g = started.elapsed();
        if k > 0 {
            treaty_times.push(t);
            git_times.push(g);
        }
    }
    treaty_times.sort();
    git_times.sort();
    (treaty_times[RUNS / 2], git_times[RUNS / 2])
}

/// A core this process may run on, to hold a command to (Linux; `None` elsewhere or when
/// the set cannot be read).
fn one_cpu() -> Option<usize> {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: a zeroed cpu_set_t is an empty set; sched_getaffinity only writes it.
        let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
        let size = std::mem::size_of::<libc::cpu_set_t>();
        // SAFETY: `set` is a valid cpu_set_t of `size` bytes.
        if unsafe { libc::sched_getaffinity(0, size, &mut set) } != 0 {
            return None;
        }
        // SAFETY: CPU_ISSET reads the set within its size.
        (0..libc::CPU_SETSIZE as usize).find(|&cpu| unsafe { libc::CPU_ISSET(cpu, &set) })
    }
    #[cfg(not(target_os = "linux"))]
    None
}

/// Holds `cmd`'s process (and its threads) to core `cpu`.
fn pin(cmd: &mut Command, cpu: usize) {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::process::CommandExt;
        // SAFETY: between fork and exec the closure only builds a set on the stack and
        // calls sched_setaffinity, which is async-signal-safe.
        unsafe {
            cmd.pre_exec(move || {
                let mut set: libc::cpu_set_t = std::mem::zeroed();
                libc::CPU_SET(cpu, &mut set);
                let size = std::mem::size_of::<libc::cpu_set_t>();
                match libc::sched_setaffinity(0, size, &set) {
                    0 => Ok(()),
                    _ => Err(std::io::Error::last_os_error()),
                }
            });
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (cmd, cpu);
}
