//! Shared by the UN-scale benches: the generated negotiation (made once with `treaty synth`
//! and cached under target/), timing helpers and a busy clause to query.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use treaty_workbench::synth::SynthOptions;
use treaty_workbench::tui::action::Action;
use treaty_workbench::tui::app::{Msg, State};
use treaty_workbench::tui::jobs;

/// The UN-scale negotiation (issue #5): `treaty synth`'s own figures.
pub fn un() -> SynthOptions {
    SynthOptions::un_scale()
}

/// Every screen of the workbench, by the action that opens it.
pub const SCREENS: [(&str, Action); 7] = [
    ("outline", Action::Outline),
    ("clause", Action::Clause),
    ("compare", Action::Compare),
    ("tiers", Action::Tiers),
    ("annexes", Action::Annexes),
    ("history", Action::History),
    ("amend", Action::EditInline),
];

/// Opens the screen `action` leads to, with its background work done: once after a
/// replay step (so History has a step to show), then as it opens normally.
pub fn open_screen(ctx: &mut jobs::Context, s: &mut State, action: Action) {
    ctx.settle(
        s,
        vec![Msg::Action(action), Msg::Action(Action::ReplayNext)],
    );
    ctx.settle(s, vec![Msg::Action(action)]);
}

/// The `treaty` binary Cargo built for this bench (release profile).
pub fn treaty_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_treaty"))
}

pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"))
}

/// The UN-scale negotiation, generated on first use (about a minute) and reused after.
pub fn un_repo() -> PathBuf {
    let un = un();
    let dir = target_dir().join(format!(
        "bench-un-{}x{}x{}",
        un.articles, un.parties, un.amendments
    ));
    let done = dir.with_extension("complete");
    if !done.exists() {
        let _ = std::fs::remove_dir_all(&dir);
        eprintln!(
            "generating the UN-scale negotiation into {}…",
            dir.display()
        );
        let started = Instant::now();
        let out = Command::new(treaty_bin())
            .args(["synth", "--articles", &un.articles.to_string()])
            .args(["--parties", &un.parties.to_string()])
            .args(["--amendments", &un.amendments.to_string()])
            .args(["--rounds", &un.rounds.to_string()])
            .args(["--seed", &un.seed.to_string(), "--dir"])
            .arg(&dir)
            .output()
            .expect("run treaty synth");
        assert!(
            out.status.success(),
            "treaty synth failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        std::fs::write(&done, "").unwrap();
        eprintln!("generated in {:.1?}", started.elapsed());
    }
    dir
}

/// A private copy of `repo` (work tree and .git) under `target/`, replaced if present.
pub fn copy_of(repo: &Path, name: &str) -> PathBuf {
    let dest = target_dir().join(format!("bench-copy-{name}"));
    let _ = std::fs::remove_dir_all(&dest);
    let status = Command::new("cp")
        .arg("-a")
        .arg(repo)
        .arg(&dest)
        .status()
        .expect("cp");
    assert!(status.success(), "could not copy {}", repo.display());
    dest
}

/// git with no user or system configuration (the repository's own config still applies).
pub fn git(dir: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.current_dir(dir);
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("GIT_") {
            cmd.env_remove(key);
        }
    }
    cmd.env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_PAGER", "cat")
        .env("LC_ALL", "C");
    cmd
}

/// The treaty binary, run in `dir`, with the same clean git environment.
pub fn treaty(dir: &Path) -> Command {
    let mut cmd = Command::new(treaty_bin());
    cmd.current_dir(dir);
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("GIT_") {
            cmd.env_remove(key);
        }
    }
    cmd.env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("NO_COLOR", "1");
    cmd
}

/// Runs `cmd`, panicking with its error output if it fails.
pub fn run(cmd: &mut Command) -> Output {
    let out = cmd.output().expect("start process");
    assert!(
        out.status.success(),
        "{:?} failed: {}",
        cmd,
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Times `f` `n` times (after `warmup` untimed runs) and returns the median.
pub fn median(n: usize, warmup: usize, mut f: impl FnMut()) -> Duration {
    for _ in 0..warmup {
        f();
    }
    let mut times: Vec<Duration> = (0..n)
        .map(|_| {
            let started = Instant::now();
            f();
            started.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

/// Percentile `p` (0–100) of sorted `times`.
pub fn percentile(times: &[Duration], p: f64) -> Duration {
    let mut t = times.to_vec();
    t.sort();
    let k = ((p / 100.0) * (t.len() as f64 - 1.0)).round() as usize;
    t[k.min(t.len() - 1)]
}

/// `1.2 ms`, `340 µs`, `2.41 s`.
pub fn fmt(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s >= 1.0 {
        format!("{s:.2} s")
    } else if s >= 1e-3 {
        format!("{:.1} ms", s * 1e3)
    } else if s >= 1e-5 {
        format!("{:.0} µs", s * 1e6)
    } else {
        format!("{:.2} µs", s * 1e6)
    }
}

/// The 1-based line range of paragraph `id` in `text` (its `{#id}` line and the lines of
/// the same block above it).
pub fn clause_lines(text: &str, id: &str) -> Option<(usize, usize)> {
    let marker = format!("{{#{id}}}");
    let lines: Vec<&str> = text.lines().collect();
    let end = lines.iter().position(|l| l.contains(&marker))?;
    let mut start = end;
    while start > 0 && !lines[start - 1].trim().is_empty() && !lines[start - 1].contains("{#") {
        start -= 1;
    }
    Some((start + 1, end + 1))
}
