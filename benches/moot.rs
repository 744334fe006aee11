//! A class-sized moot at full stretch (issue #16): 12 teams, one per delegation of the
//! sample, each making 50 proposals (600 in all) and syncing them through a bare server
//! repository with treaty's pre-receive hook, all teams at once; then the chair's queue,
//! a landing, the instructor's status and the debrief of that exercise.
//!
//! `cargo bench --bench moot` prints the figures; nothing is asserted. TEAMS and
//! PROPOSALS can be lowered with `TREATY_MOOT_TEAMS` / `TREATY_MOOT_PROPOSALS`.

#[path = "common/mod.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use common::{fmt, treaty_bin};

/// Proposals a team sends per sync.
const BURST: usize = 10;

struct Class {
    root: tempfile::TempDir,
}

impl Class {
    fn path(&self, rel: &str) -> PathBuf {
        self.root.path().join(rel)
    }

    fn cmd(&self, dir: &Path, program: &Path) -> Command {
        let mut cmd = Command::new(program);
        cmd.current_dir(dir);
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("GIT_") {
                cmd.env_remove(key);
            }
        }
        cmd.env("HOME", self.path("home"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", self.path("home/.gitconfig"))
            .env("NO_COLOR", "1");
        cmd
    }

    fn treaty(&self, dir: &Path, args: &[&str]) -> Output {
        self.cmd(dir, &treaty_bin())
            .args(args)
            .output()
            .expect("treaty runs")
    }

    fn ok(&self, dir: &Path, args: &[&str]) -> String {
        let o = self.treaty(dir, args);
        assert!(
            o.status.success(),
            "treaty {args:?}: {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    fn git(&self, dir: &Path, args: &[&str]) {
        let o = self
            .cmd(dir, Path::new("git"))
            .args(args)
            .output()
            .expect("git runs");
        assert!(
            o.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let t = Instant::now();
    let out = f();
    (out, t.elapsed())
}

fn main() {
    let teams = env_usize("TREATY_MOOT_TEAMS", 12);
    let per_team = env_usize("TREATY_MOOT_PROPOSALS", 50);
    let class = Class {
        root: tempfile::tempdir().unwrap(),
    };
    std::fs::create_dir_all(class.path("home/.ssh")).unwrap();
    std::fs::write(
        class.path("home/.gitconfig"),
        "[user]\n\tname = Prof\n\temail = prof@uni.example\n[init]\n\tdefaultBranch = main\n",
    )
    .unwrap();
    let keygen = |rel: &str| {
        let o = Command::new("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-N", "", "-C", rel, "-f"])
            .arg(class.path(rel))
            .output()
            .expect("ssh-keygen runs");
        assert!(o.status.success());
    };
    keygen("home/.ssh/id_ed25519");
    let root = class.root.path().to_path_buf();
    let (_, set_up) = timed(|| {
        class.ok(
            &root,
            &[
                "exercise",
                "init",
                "moot",
                "--from",
                "demo",
                "--at",
                "r1-geneva",
            ],
        )
    });
    let moot = class.path("moot");
    // One team per delegation of the sample.
    let roster = std::fs::read_to_string(moot.join("positions/roster.ron")).unwrap();
    let codes: Vec<String> = roster
        .lines()
        .filter_map(|l| l.trim().strip_prefix("code: \""))
        .filter_map(|l| l.split('"').next())
        .filter(|c| *c != "CHAIR")
        .map(str::to_string)
        .take(teams)
        .collect();
    let teams = codes.len();
    let objectives = class.path("objectives.ron");
    std::fs::write(
        &objectives,
        r#"(version: 1, objectives: [
            (id: "grave", description: "Grave questions", weight: 2, check: Resolved(clause: "pp6", option: "grave")),
            (id: "order", description: "No public order", weight: 1, check: DoesNotContain(clause: "pp7", phrase: "public order")),
            (id: "words", description: "Our words", weight: 1, check: Credited(clauses: [], at_least_words: Some(5))),
        ])"#,
    )
    .unwrap();
    let brief = class.path("brief.md");
    std::fs::write(&brief, "# Brief\n\nHold the line.\n").unwrap();
    let (_, teams_set_up) = timed(|| {
        for code in &codes {
            let slug = code.to_lowercase();
            keygen(&slug);
            let member = format!("{slug}@uni.example={}.pub", class.path(&slug).display());
            let name = format!("Team {code}");
            class.ok(
                &moot,
                &[
                    "exercise", "team", "add", &name, "--plays", code, "--member", &member,
                ],
            );
            class.ok(
                &moot,
                &[
                    "exercise",
                    "brief",
                    "set",
                    "--team",
                    &name,
                    brief.to_str().unwrap(),
                    "--objectives",
                    objectives.to_str().unwrap(),
                ],
            );
        }
    });
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let at = |t: i64| {
        treaty_workbench::civil::Moment {
            seconds: t,
            offset_minutes: 0,
        }
        .rfc3339()
    };
    class.ok(
        &moot,
        &[
            "exercise",
            "schedule",
            "1",
            "--opens",
            &at(now - 3600),
            "--closes",
            &at(now + 6 * 3600),
        ],
    );
    class.ok(&moot, &["round", "start", "1", "-m", "Round 1"]);
    let bare = class.path("shared.git");
    class.ok(
        &moot,
        &["exercise", "server", "init", bare.to_str().unwrap()],
    );
    // Clauses with text to propose on.
    let draft = treaty_workbench::draft::Draft::load(&moot.join("drafts"))
        .expect("the draft loads")
        .draft;
    let listing = class.ok(&moot, &["brackets"]);
    let clauses: Vec<String> = listing
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().next())
        .filter(|id| draft.clause(id).is_some())
        .map(str::to_string)
        .collect();
    let clones: Vec<(String, PathBuf)> = codes
        .iter()
        .map(|code| {
            let slug = code.to_lowercase();
            let dir = class.path(&format!("clone-{slug}"));
            class.git(
                &root,
                &["clone", "-q", bare.to_str().unwrap(), dir.to_str().unwrap()],
            );
            let email = format!("{slug}@uni.example");
            class.git(&dir, &["config", "user.email", &email]);
            class.git(&dir, &["config", "user.name", &slug]);
            (slug, dir)
        })
        .collect();
    eprintln!(
        "moot: {teams} teams × {per_team} proposals, {} clauses to propose on; set-up {} + teams and briefs {}",
        clauses.len(),
        fmt(set_up),
        fmt(teams_set_up)
    );

    // Every team at once: bursts of proposals, each burst synced through the hook.
    let started = Instant::now();
    let results: Vec<(Vec<Duration>, Vec<Duration>, usize)> = std::thread::scope(|scope| {
        let handles: Vec<_> = clones
            .iter()
            .enumerate()
            .map(|(t, (_, dir))| {
                let class = &class;
                let clauses = &clauses;
                scope.spawn(move || {
                    let draft = treaty_workbench::draft::Draft::load(&dir.join("drafts"))
                        .expect("the draft loads")
                        .draft;
                    let mut propose_times = Vec::new();
                    let mut sync_times = Vec::new();
                    let mut reruns = 0;
                    for k in 0..per_team {
                        let clause = &clauses[(t * 7 + k * 13) % clauses.len()];
                        let words = format!("as amended by team {t}, proposal {k}");
                        let current = &draft.clause(clause).expect("a clause of the draft").text;
                        let (o, d) = timed(|| {
                            class.treaty(
                                dir,
                                &[
                                    "propose",
                                    "--clause",
                                    clause,
                                    "--text",
                                    &format!("{current} {words}"),
                                ],
                            )
                        });
                        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
                        propose_times.push(d);
                        if (k + 1) % BURST == 0 || k + 1 == per_team {
                            let t0 = Instant::now();
                            loop {
                                let o = class.treaty(dir, &["sync"]);
                                if o.status.success() {
                                    break;
                                }
                                let err = String::from_utf8_lossy(&o.stderr);
                                assert!(
                                    err.contains("the remote moved on every one of"),
                                    "sync refused: {err}"
                                );
                                reruns += 1;
                            }
                            sync_times.push(t0.elapsed());
                        }
                    }
                    (propose_times, sync_times, reruns)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let all_synced = started.elapsed();
    let mut proposes: Vec<Duration> = results.iter().flat_map(|r| r.0.clone()).collect();
    let mut syncs: Vec<Duration> = results.iter().flat_map(|r| r.1.clone()).collect();
    let reruns: usize = results.iter().map(|r| r.2).sum();
    proposes.sort();
    syncs.sort();
    let p = |v: &[Duration], q: f64| v[((v.len() as f64 - 1.0) * q).round() as usize];

    // The chair: the queue, one landing (and what it does to the rest), status, debrief.
    let (_, chair_sync) = timed(|| class.ok(&moot, &["sync"]));
    let (queue, queue_time) = timed(|| class.ok(&moot, &["proposals", "--json"]));
    let entries: Vec<serde_json::Value> = serde_json::from_str(&queue).unwrap();
    let first = entries[0]["id"].as_str().unwrap().to_string();
    let (landed, land_time) = timed(|| class.ok(&moot, &["land", &first]));
    let (_, verify_time) = timed(|| class.ok(&moot, &["verify"]));
    let (_, status_time) = timed(|| class.ok(&moot, &["exercise", "status"]));
    let html = class.path("debrief.html");
    let (_, debrief_time) = timed(|| {
        class.ok(
            &moot,
            &["exercise", "debrief", "-o", html.to_str().unwrap()],
        )
    });
    let json = class.ok(&moot, &["exercise", "debrief", "--format", "json"]);
    let d: serde_json::Value = serde_json::from_str(&json).unwrap();
    let made: u64 = d["progress"]["teams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["proposals"][0][0].as_u64().unwrap_or(0))
        .sum();

    println!();
    println!("moot: {teams} teams × {per_team} proposals through the hook");
    println!(
        "  all {} proposals proposed and synced, all teams at once: {}",
        teams * per_team,
        fmt(all_synced)
    );
    println!(
        "  treaty propose: p50 {}, p99 {}",
        fmt(p(&proposes, 0.5)),
        fmt(p(&proposes, 0.99))
    );
    println!(
        "  treaty sync of a burst of {BURST} (fetch, replay, push through the hook): p50 {}, p99 {}, {} reruns after 8 attempts each",
        fmt(p(&syncs, 0.5)),
        fmt(p(&syncs, 0.99)),
        reruns
    );
    println!("  chair's sync of all of them: {}", fmt(chair_sync));
    println!(
        "  treaty proposals --json ({} proposals): {}",
        entries.len(),
        fmt(queue_time)
    );
    println!(
        "  treaty land (and the {} others on its clause rebased or stale): {}",
        landed.lines().count().saturating_sub(2),
        fmt(land_time)
    );
    println!(
        "  treaty verify of the whole exercise: {}",
        fmt(verify_time)
    );
    println!("  treaty exercise status: {}", fmt(status_time));
    println!(
        "  treaty exercise debrief -o debrief.html ({} KiB, {made} proposals counted): {}",
        std::fs::metadata(&html)
            .map(|m| m.len() / 1024)
            .unwrap_or(0),
        fmt(debrief_time)
    );
}
