//! The UN-scale figures of issue #5, on the negotiation `treaty synth` generates (320
//! articles, 198 parties, 10,000 amendments, 12 rounds; cached under target/).
//!
//! `cargo bench --bench scale` prints one table: history index build and warm open,
//! clause history and blame cold and warm, full replay, the TUI's open to first frame and
//! to everything loaded (the start `treaty tui` runs: `tui::run::open`, the first frame,
//! the worker's background load; drawn into ratatui's TestBackend instead of a terminal),
//! the render of each screen, key-to-frame p50/p99,
//! `treaty amend` commit latency and the peak memory of the commands.
//! Each line says the target; figures are printed, never asserted.

#[path = "common/mod.rs"]
mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use common::{copy_of, fmt, median, percentile, run, treaty, un_repo};
use treaty_workbench::compare;
use treaty_workbench::history::History;
use treaty_workbench::store::Store;
use treaty_workbench::tui::action::Action;
use treaty_workbench::tui::app::{Effect, Msg, State, update};
use treaty_workbench::tui::keymap::Key;
use treaty_workbench::tui::{self, jobs, run as tui_run, screens};
use treaty_workbench::versions::Sources;

const W: u16 = 160;
const H: u16 = 50;

struct Table(Vec<(String, String, String)>);

impl Table {
    fn row(&mut self, what: impl Into<String>, figure: String, target: &str) {
        let what = what.into();
        eprintln!("{what}: {figure}");
        self.0.push((what, figure, target.to_string()));
    }
}

/// Peak resident memory of one run of `cmd`, in MiB, as GNU time (`/usr/bin/time`)
/// reports it. The command is started by `time`, a small process: children started
/// straight from this (large) bench process would report its peak, not theirs.
fn peak_mib(cmd: &Command) -> Option<f64> {
    let out = tempfile::NamedTempFile::new().ok()?;
    let mut timed = Command::new("/usr/bin/time");
    timed.args(["-f", "%M", "-o"]).arg(out.path());
    timed.arg(cmd.get_program()).args(cmd.get_args());
    if let Some(dir) = cmd.get_current_dir() {
        timed.current_dir(dir);
    }
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => timed.env(k, v),
            None => timed.env_remove(k),
        };
    }
    let status = timed
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .ok()?;
    if !status.success() {
        eprintln!("{cmd:?} failed");
        return None;
    }
    let kb: f64 = std::fs::read_to_string(out.path())
        .ok()?
        .trim()
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

fn mib(v: Option<f64>) -> String {
    v.map_or_else(|| "n/a (needs GNU time)".into(), |m| format!("{m:.0} MiB"))
}

/// CPU time (user + system) this process has used so far.
fn cpu() -> Duration {
    // SAFETY: getrusage only writes the struct we pass.
    let u = unsafe {
        let mut u: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut u);
        u
    };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(u.ru_utime) + tv(u.ru_stime)
}

/// Wall and CPU time of `f`, median of `n` runs (after one untimed run when `warm`).
fn wall_cpu(n: usize, warm: bool, mut f: impl FnMut()) -> String {
    if warm {
        f();
    }
    let mut walls = Vec::new();
    let mut cpus = Vec::new();
    for _ in 0..n {
        let (w, c) = (Instant::now(), cpu());
        f();
        walls.push(w.elapsed());
        cpus.push(cpu() - c);
    }
    format!(
        "{} (CPU {})",
        fmt(percentile(&walls, 50.0)),
        fmt(percentile(&cpus, 50.0))
    )
}

fn busy_paragraph(history: &History) -> String {
    history
        .clause_ids()
        .filter(|id| history.current(id).is_some_and(|c| c.kind == "paragraph"))
        .map(|id| (history.clause_history(id).map_or(0, |h| h.len()), id))
        .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(a.1)))
        .map(|(_, id)| id.to_string())
        .expect("a paragraph")
}

fn main() {
    let repo = un_repo();
    let mut t = Table(Vec::new());
    history_figures(&repo, &mut t);
    tui_figures(&repo, &mut t);
    amend_figures(&repo, &mut t);
    memory_figures(&repo, &mut t);
    workbench_memory_figures(&repo, &mut t);

    println!();
    println!(
        "UN scale: {} articles, {} parties, {} amendments, {} rounds",
        common::un().articles,
        common::un().parties,
        common::un().amendments,
        common::un().rounds
    );
    println!();
    println!("| measure | figure | target |");
    println!("|---|---:|---:|");
    for (what, figure, target) in &t.0 {
        println!("| {what} | {figure} | {target} |");
    }
}

fn history_figures(repo: &Path, t: &mut Table) {
    let store = Store::open(repo).unwrap();
    let index = History::index_path(&store);
    let clause = busy_paragraph(&History::open(&store).unwrap());
    let build = wall_cpu(3, false, || {
        let _ = std::fs::remove_file(&index);
        History::open(&store).unwrap();
    });
    t.row("history index build (first-ever open)", build, "≤ 3 s");
    let size = std::fs::metadata(&index).map_or(0, |m| m.len());
    t.row(
        "history index size",
        format!("{:.1} MiB", size as f64 / 1048576.0),
        "",
    );
    let versions = History::open(&store)
        .unwrap()
        .clause_history(&clause)
        .unwrap()
        .len();
    // Each History opened is kept until the row is timed: freeing one is not part of
    // opening the next (the commands free theirs at exit).
    let mut keep = Vec::new();
    let warm_open = wall_cpu(7, true, || {
        keep.push(History::open(&store).unwrap());
    });
    keep.clear();
    t.row("history index warm open", warm_open, "≤ 100 ms");

    // Cold: the index is missing and is built by this call.
    let cold = wall_cpu(3, false, || {
        let _ = std::fs::remove_file(&index);
        History::open(&store).unwrap().blame(&clause).unwrap();
    });
    t.row(
        format!("blame `{clause}` ({versions} versions), cold index (build + blame)"),
        cold,
        "",
    );
    let warm_blame = wall_cpu(7, true, || {
        let h = History::open(&store).unwrap();
        h.blame(&clause).unwrap();
        keep.push(h);
    });
    keep.clear();
    t.row("blame, warm index (open + blame)", warm_blame, "≤ 20 ms");
    let warm_hist = wall_cpu(7, true, || {
        let h = History::open(&store).unwrap();
        h.clause_history(&clause).unwrap();
        keep.push(h);
    });
    keep.clear();
    t.row(
        "clause history, warm index (open + history)",
        warm_hist,
        "≤ 20 ms",
    );
    let history = History::open(&store).unwrap();
    let b = median(51, 3, || {
        history.blame(&clause).unwrap();
    });
    t.row("blame on an open index", fmt(b), "≤ 20 ms");
    let h = median(51, 3, || {
        history.clause_history(&clause).unwrap();
    });
    t.row("clause history on an open index", fmt(h), "≤ 20 ms");
    let r = wall_cpu(5, true, || {
        let mut replay = history.replay();
        for step in replay.by_ref() {
            std::hint::black_box(step.changes.len());
        }
        std::hint::black_box(replay.state().clauses.len());
    });
    t.row(
        format!("full replay of {} amendments", history.records().len() - 1),
        r,
        "≤ 1 s",
    );
}

/// Medians of the two times (wall, CPU) `f` reports, over `n` runs (after one untimed
/// run when `warm`).
fn two_phases(
    n: usize,
    warm: bool,
    mut f: impl FnMut() -> [(Duration, Duration); 2],
) -> [String; 2] {
    if warm {
        f();
    }
    let runs: Vec<[(Duration, Duration); 2]> = (0..n).map(|_| f()).collect();
    [0, 1].map(|k| {
        let walls: Vec<Duration> = runs.iter().map(|r| r[k].0).collect();
        let cpus: Vec<Duration> = runs.iter().map(|r| r[k].1).collect();
        format!(
            "{} (CPU {})",
            fmt(percentile(&walls, 50.0)),
            fmt(percentile(&cpus, 50.0))
        )
    })
}

/// One start as `treaty tui` does it (`run::open`, the first frame, then the worker loading
/// the rest beside it until its answer lands and the next frame shows it), into a test
/// buffer instead of a terminal. Returns the state and the times (wall, CPU of the whole
/// process, worker included) to the first frame and to the frame with everything in.
fn start_tui(repo: &Path) -> (State, [(Duration, Duration); 2]) {
    let (wall, cpu0) = (Instant::now(), cpu());
    let opts = tui_run::Options {
        root: repo.to_path_buf(),
        ..tui_run::Options::default()
    };
    let (mut state, effects) = tui_run::open(&opts).unwrap();
    state.size = (W, H);
    let mut term = Terminal::new(TestBackend::new(W, H)).unwrap();
    term.draw(|f| screens::draw(&state, f)).unwrap();
    let first = (wall.elapsed(), cpu() - cpu0);
    let mut worker = jobs::Worker::spawn(state.data.clone());
    for e in effects {
        if let Effect::Request(r) = e {
            worker.request(r);
        }
    }
    while !state.data.complete {
        if let Some((_, resp)) = worker.recv_timeout(Duration::from_secs(60)) {
            for e in update(&mut state, Msg::Job(resp)) {
                if let Effect::Request(r) = e {
                    worker.request(r);
                }
            }
        }
    }
    term.draw(|f| screens::draw(&state, f)).unwrap();
    let all = (wall.elapsed(), cpu() - cpu0);
    // The worker frees its index on its way out: not part of the next start.
    worker.finish();
    (state, [first, all])
}

/// Compare's two first answers: the matrix of one clause (every delegation's position
/// applied where it bears on it, then compared) and the current draft against the first
/// round (read from git, then compared), as the workbench's worker computes them.
fn compare_figures(repo: &Path, s: &State, t: &mut Table) {
    let data = &s.data;
    // The clause most delegations speak on: the widest matrix.
    let mut spoken: std::collections::HashMap<&str, usize> = Default::default();
    for p in data.positions.values() {
        for stance in &p.clauses {
            *spoken.entry(stance.clause.as_str()).or_default() += 1;
        }
    }
    let (clause, speakers) = spoken
        .into_iter()
        .filter(|(id, _)| data.draft.clause(id).is_some())
        .max_by_key(|&(id, n)| (n, std::cmp::Reverse(id)))
        .expect("a clause with stances");
    let m = median(7, 1, || {
        std::hint::black_box(tui::compare::matrix(data, clause));
    });
    t.row(
        format!(
            "Compare matrix: `{clause}` × {} delegations ({speakers} speak on it), warm",
            data.positions.len()
        ),
        fmt(m),
        "≤ 10 ms",
    );
    let store = Store::open(repo).unwrap();
    let mut rounds = store.rounds().unwrap();
    rounds.sort_by_key(|r| r.time.seconds());
    let first = format!("round:{}", rounds[0].name);
    let c = median(5, 0, || {
        let sources = Sources::open(repo).unwrap();
        let round = sources.resolve(&first).unwrap();
        std::hint::black_box(
            compare::compare(&data.draft, &round.draft, None)
                .clauses
                .len(),
        );
    });
    t.row(
        format!("first Compare: current draft against {first} (read from git + compare)"),
        fmt(c),
        "≤ 200 ms",
    );
}

fn tui_figures(repo: &Path, t: &mut Table) {
    let store = Store::open(repo).unwrap();
    let mut state = None;
    let index = History::index_path(&store);
    let _ = std::fs::remove_file(&index);
    let [first, all] = two_phases(1, false, || {
        let (s, times) = start_tui(repo);
        state = Some(s);
        times
    });
    t.row(
        "open to first frame, first-ever (draft + draw; index built in the background)",
        first,
        "≤ 3 s",
    );
    t.row(
        "open to everything loaded, first-ever (+ index build, positions, cross-check, history)",
        all,
        "≤ 3 s",
    );
    let [first, all] = two_phases(7, true, || {
        let (s, times) = start_tui(repo);
        state = Some(s);
        times
    });
    t.row(
        "open to first frame, warm (draft + bracket trees + draw)",
        first,
        "≤ 100 ms",
    );
    t.row(
        "open to everything loaded, warm (+ index open, positions, cross-check, history)",
        all,
        "",
    );

    let mut s = state.expect("state");
    compare_figures(repo, &s, t);
    let mut ctx = jobs::Context::open(repo);
    let mut term = Terminal::new(TestBackend::new(W, H)).unwrap();
    s.selected = (0..s.data.draft.clauses.len())
        .rev()
        .find(|i| s.data.stats[*i].groups > 1)
        .unwrap_or(0);
    for (name, a) in common::SCREENS {
        common::open_screen(&mut ctx, &mut s, a);
        let d = median(21, 2, || {
            term.draw(|f| screens::draw(&s, f)).unwrap();
        });
        t.row(format!("render {name} screen ({W}×{H})"), fmt(d), "≤ 10 ms");
    }

    ctx.settle(
        &mut s,
        vec![Msg::Action(Action::Back), Msg::Action(Action::Outline)],
    );
    let mut key_to_frame = |s: &mut State, key: Key, n: usize| -> Vec<Duration> {
        (0..n)
            .map(|_| {
                let started = Instant::now();
                if let Some(m) = s.key_msg(key) {
                    update(s, m);
                }
                term.draw(|f| screens::draw(s, f)).unwrap();
                started.elapsed()
            })
            .collect()
    };
    let down = Key::from_event(&KeyEvent::from(KeyCode::Down)).unwrap();
    let up = Key::from_event(&KeyEvent::from(KeyCode::Up)).unwrap();
    let mut times = key_to_frame(&mut s, down, 150);
    times.extend(key_to_frame(&mut s, up, 150));
    t.row(
        "key to frame, outline ↓/↑ (p50 / p99 of 300)",
        format!(
            "{} / {}",
            fmt(percentile(&times, 50.0)),
            fmt(percentile(&times, 99.0))
        ),
        "p99 ≤ 16 ms",
    );
    // The same keys while the record is read again off the UI thread, as the watcher does
    // when another delegate's amendment lands (here: back to back, all the time).
    let stop = std::sync::atomic::AtomicBool::new(false);
    let (times, reloads) = std::thread::scope(|scope| {
        let reloader = scope.spawn(|| {
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                tui::data::Data::load(repo).expect("the record reloads");
                n += 1;
            }
            n
        });
        // Let the first reload get under way.
        std::thread::sleep(Duration::from_millis(50));
        let mut times = key_to_frame(&mut s, down, 150);
        times.extend(key_to_frame(&mut s, up, 150));
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        (times, reloader.join().expect("reloads"))
    });
    t.row(
        format!(
            "key to frame, outline ↓/↑ with the record reloading in the background ({reloads} reloads; p50 / p99 of 300)"
        ),
        format!(
            "{} / {}",
            fmt(percentile(&times, 50.0)),
            fmt(percentile(&times, 99.0))
        ),
        "p99 ≤ 16 ms",
    );
    ctx.settle(&mut s, vec![Msg::Action(Action::Clause)]);
    let times = key_to_frame(&mut s, Key::char(']'), 200);
    t.row(
        "key to frame, clause next point `]` (p50 / p99 of 200)",
        format!(
            "{} / {}",
            fmt(percentile(&times, 50.0)),
            fmt(percentile(&times, 99.0))
        ),
        "p99 ≤ 16 ms",
    );
}

fn amend_figures(repo: &Path, t: &mut Table) {
    let copy = copy_of(repo, "scale-amend");
    let store = Store::open(&copy).unwrap();
    let history = History::open(&store).unwrap();
    let clause = busy_paragraph(&history);
    let base = history.current(&clause).unwrap().text.clone();
    let mut k = 0;
    let d = median(7, 1, || {
        k += 1;
        run(treaty(&copy)
            .args([
                "amend", "--by", "CHAIR", "--kind", "replace", "--clause", &clause, "--text",
            ])
            .arg(format!("{base} Revision {k}.")));
    });
    t.row(
        "`treaty amend` commit latency (process, replace)",
        fmt(d),
        "",
    );
    History::open(&store).unwrap();
    run(treaty(&copy)
        .args([
            "amend", "--by", "CHAIR", "--kind", "replace", "--clause", &clause, "--text",
        ])
        .arg(format!("{base} Revision {}.", k + 1)));
    let started = Instant::now();
    let h = History::open(&store).unwrap();
    t.row(
        "history index update after one new amendment",
        format!(
            "{} ({} commit read)",
            fmt(started.elapsed()),
            h.report().processed
        ),
        "",
    );
    let _ = std::fs::remove_dir_all(&copy);
}

fn memory_figures(repo: &Path, t: &mut Table) {
    let store = Store::open(repo).unwrap();
    let history = History::open(&store).unwrap();
    let clause = busy_paragraph(&history);
    let index = History::index_path(&store);
    drop(history);
    let _ = std::fs::remove_file(&index);
    let rounds = run(common::git(repo).args(["tag", "--list", "round/*", "--sort=creatordate"]));
    let first_round = String::from_utf8_lossy(&rounds.stdout)
        .lines()
        .next()
        .unwrap_or("HEAD~1")
        .to_string();
    let mib = peak_mib(treaty(repo).args(["log", "--clause", &clause]));
    t.row(
        "peak memory: `treaty log --clause` building the index",
        self::mib(mib),
        "≤ 150 MB",
    );
    for args in [
        vec!["blame", clause.as_str()],
        vec!["replay"],
        vec!["stats", "--by-round"],
        vec!["diff", first_round.as_str(), "current"],
    ] {
        let mib = peak_mib(treaty(repo).args(&args));
        t.row(
            format!("peak memory: `treaty {}`", args.join(" ")),
            self::mib(mib),
            "≤ 250 MB",
        );
    }
}

/// The workbench's resident memory in a real terminal (tmux, when it is installed) on a
/// copy of the record: on opening, then after each of six amendments made from it
/// (`e`, a few words, Ctrl-s), each read back before the next; VmRSS and VmHWM from
/// `/proc`.
fn workbench_memory_figures(repo: &Path, t: &mut Table) {
    let tmux = |args: &[&str]| Command::new("tmux").args(args).output();
    if !tmux(&["-V"]).is_ok_and(|o| o.status.success()) {
        t.row(
            "workbench memory over six amendments",
            "n/a (needs tmux)".into(),
            "≤ 150 MB",
        );
        return;
    }
    let copy = copy_of(repo, "workbench-memory");
    let log = copy.join(".git/treaty/tui.log");
    let _ = std::fs::remove_file(&log);
    let session = format!("treaty-bench-{}", std::process::id());
    let bin = common::treaty_bin();
    let command = format!("exec {} tui --as CHAIR", bin.display());
    let dir = copy.display().to_string();
    tmux(&[
        "new-session",
        "-d",
        "-s",
        &session,
        "-x",
        "120",
        "-y",
        "35",
        "-c",
        &dir,
        &command,
    ])
    .expect("tmux starts");
    let pane = |what: &str| {
        let out = tmux(&["display", "-p", "-t", &session, what]).expect("tmux answers");
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    let pid = pane("#{pane_pid}");
    // Waits until the run log holds `n` lines containing `what`.
    let wait_for = |what: &str, n: usize| {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(120) {
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            if text.lines().filter(|l| l.contains(what)).count() >= n {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    };
    let memory = || {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        let kb = |key: &str| -> f64 {
            status
                .lines()
                .find_map(|l| l.strip_prefix(key))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
                .unwrap_or(f64::NAN)
        };
        (kb("VmRSS:") / 1024.0, kb("VmHWM:") / 1024.0)
    };
    let loaded = wait_for("job 1 done", 1);
    let opening = memory();
    let mut after = Vec::new();
    for k in 1..=6 {
        let _ = tmux(&["send-keys", "-t", &session, "e"]);
        std::thread::sleep(Duration::from_millis(300));
        let _ = tmux(&[
            "send-keys",
            "-t",
            &session,
            "End",
            &format!(" Bench {k}."),
            "C-s",
        ]);
        if !wait_for("read back in", k) {
            break;
        }
        std::thread::sleep(Duration::from_millis(200));
        after.push(memory().0);
    }
    let peak = memory().1;
    let _ = tmux(&["kill-session", "-t", &session]);
    if !loaded || after.len() < 6 {
        t.row(
            "workbench memory over six amendments",
            "n/a (the workbench did not answer)".into(),
            "≤ 150 MB",
        );
        return;
    }
    let (lo, hi) = after
        .iter()
        .fold((f64::MAX, 0f64), |(l, h), &m| (l.min(m), h.max(m)));
    t.row(
        "workbench resident memory on opening (tmux, VmRSS)",
        format!("{:.0} MiB", opening.0),
        "≤ 150 MB",
    );
    t.row(
        "workbench resident memory after each of six amendments (VmRSS); peak (VmHWM)",
        format!("{lo:.0}–{hi:.0} MiB; peak {peak:.0} MiB"),
        "≤ 150 MB",
    );
}
