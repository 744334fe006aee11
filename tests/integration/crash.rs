//! Killed processes and full disks (issue #15, items 8, 9 and 11): whatever point a
//! command dies at, or whichever write finds the disk full, the record afterwards holds
//! the old state or the new one, the work tree and index match HEAD, no lock blocks the
//! next command, `git fsck` is clean, and no amendment that was reported recorded is lost.
//!
//! Debug builds end the process abruptly at the Nth write point when `TREATY_FAULT_ABORT=N`
//! is set (as SIGKILL would: no clean-up runs); the sweeps below kill a command at every
//! such point in turn, until it runs to the end. Real `SIGKILL`s at varied moments follow.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use treaty_workbench::testing;

use crate::amend::Sandbox;
use crate::support::{stderr, stdout};

/// More write points than any one command reaches: a sweep that gets here has a loop.
const MAX_KILL_POINTS: u32 = 200;

fn amend_args<'a>(clause: &'a str, text: &'a str) -> [&'a str; 9] {
    [
        "amend", "--kind", "replace", "--clause", clause, "--by", "EU", "--text", text,
    ]
}

/// The commit `rev` names in `dir`.
fn rev(s: &Sandbox, dir: &Path, rev: &str) -> String {
    s.git_in(dir, &["rev-parse", rev]).trim().to_string()
}

/// Asserts that `clause` in `dir` reads `text` (among other words).
fn assert_shows(s: &Sandbox, dir: &Path, clause: &str, text: &str, context: &str) {
    let shown = s.treaty_cmd(dir, &["show", clause]).output().unwrap();
    assert!(
        stdout(&shown).contains(text),
        "{context}: {clause} lost its text: {}",
        stdout(&shown)
    );
}

/// Every file under `dir` (outside `.git`) whose name ends in `.tmp`.
fn temporaries(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            if entry.file_name() == ".git" {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else if entry.file_name().to_string_lossy().ends_with(".tmp") {
                found.push(path);
            }
        }
    }
    found
}

/// The invariants after a process died in `dir`, checked once the next treaty command has
/// opened the record (which finishes or undoes what the dead one left). Returns HEAD.
fn check_after_death(s: &Sandbox, dir: &Path, context: &str) -> String {
    let next = s.treaty_cmd(dir, &["log", "--json"]).output().unwrap();
    assert!(
        next.status.success(),
        "{context}: the next command fails: {}",
        stderr(&next)
    );
    assert!(
        !stderr(&next).contains("locked"),
        "{context}: a lock of the dead process blocks: {}",
        stderr(&next)
    );
    let status = s.git_in(dir, &["status", "--porcelain", "--untracked-files=all"]);
    assert!(
        status.trim().is_empty(),
        "{context}: work tree or index differ from HEAD:\n{status}"
    );
    let fsck = testing::git_command(dir, &s.home())
        .args(["fsck", "--no-progress", "--no-dangling"])
        .output()
        .unwrap();
    assert!(
        fsck.status.success(),
        "{context}: git fsck: {}",
        String::from_utf8_lossy(&fsck.stderr)
    );
    for lock in [
        ".git/index.lock",
        ".git/treaty/journal",
        ".git/treaty-store.lock",
    ] {
        assert!(!dir.join(lock).exists(), "{context}: {lock} is left behind");
    }
    assert_eq!(temporaries(dir), Vec::<PathBuf>::new(), "{context}");
    rev(s, dir, "HEAD")
}

/// `from` copied to `to` (which is removed first), links and modes kept.
fn copy_afresh(from: &Path, to: &Path) {
    let _ = std::fs::remove_dir_all(to);
    let o = Command::new("cp")
        .arg("-a")
        .arg(from)
        .arg(to)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// Runs `treaty args` in a fresh copy of the sandbox's repository, killed at write point
/// 1, then 2, … until it runs to the end; `prepare` runs before each run, `check` after
/// each kill (given the copy and a line naming the kill), once the invariants of
/// [`check_after_death`] hold. Returns how many kills there were.
fn kill_at_every_write(
    s: &Sandbox,
    args: &[&str],
    mut prepare: impl FnMut(),
    mut check: impl FnMut(&Path, &str, String),
) -> u32 {
    let dir = s.home().join("killed");
    for n in 1..=MAX_KILL_POINTS {
        prepare();
        copy_afresh(&s.repo(), &dir);
        let o = s
            .treaty_cmd(&dir, args)
            .env("TREATY_FAULT_ABORT", n.to_string())
            .output()
            .unwrap();
        if o.status.code().is_some() {
            assert!(
                o.status.success(),
                "{args:?} stopped at write point {n} with an error: {}",
                stderr(&o)
            );
            assert!(n > 1, "{args:?} reached no write point");
            return n - 1;
        }
        let context = format!("{} killed at write point {n}", args[0]);
        let head = check_after_death(s, &dir, &context);
        check(&dir, &context, head);
    }
    panic!("{args:?} still reached a write point after {MAX_KILL_POINTS}");
}

#[test]
fn amend_killed_at_every_write_leaves_the_old_state_or_the_new() {
    let s = Sandbox::with_sample();
    let old = s.head();
    let text = "Each Party shall report every year.";
    let args = amend_args("reporting.1", text);
    let mut landed = 0;
    let kills = kill_at_every_write(
        &s,
        &args,
        || {},
        |dir, context, head| {
            if head == old {
                // The old state: the amendment was never reported recorded; make it now.
                let again = s.treaty_cmd(dir, &args).output().unwrap();
                assert!(again.status.success(), "{context}: {}", stderr(&again));
            } else {
                landed += 1;
                assert_eq!(rev(&s, dir, "HEAD^"), old, "{context}");
            }
            assert_shows(&s, dir, "reporting.1", text, context);
        },
    );
    eprintln!("amend: killed at each of {kills} write points, {landed} after the commit");
}

const THEIRS: (&str, &str) = ("reporting.1", "Each Party shall report.");
const OURS: (&str, &str) = ("capacity.1", "Parties shall cooperate.");

/// A bare server holding the sample, and a second delegation's clone which has pushed an
/// amendment (THEIRS) the sandbox has not seen; the sandbox has one of its own (OURS) not
/// yet pushed. Returns the server.
fn diverged(s: &Sandbox) -> PathBuf {
    let server = s.bare_server("server.git");
    s.git(&["remote", "add", "origin", server.to_str().unwrap()]);
    s.git(&["push", "-q", "origin", "main"]);
    let other = s.home().join("other");
    s.git_in(
        &s.home(),
        &[
            "clone",
            "-q",
            server.to_str().unwrap(),
            other.to_str().unwrap(),
        ],
    );
    s.git_in(&other, &["config", "user.name", testing::NAME]);
    s.git_in(&other, &["config", "user.email", testing::EMAIL]);
    for (dir, (clause, text)) in [(&other, THEIRS), (&s.repo(), OURS)] {
        let o = s
            .treaty_cmd(dir, &amend_args(clause, text))
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
    }
    s.git_in(&other, &["push", "-q", "origin", "main"]);
    server
}

/// After a sync (or a sync killed and another run): both amendments are there, and the
/// server holds what the sandbox holds.
fn assert_synced(s: &Sandbox, dir: &Path, server: &Path, context: &str) {
    for (clause, text) in [THEIRS, OURS] {
        assert_shows(s, dir, clause, text, context);
    }
    assert_eq!(rev(s, server, "main"), rev(s, dir, "HEAD"), "{context}");
}

#[test]
fn sync_killed_at_every_write_leaves_the_old_state_or_the_new() {
    let s = Sandbox::with_sample();
    let server = diverged(&s);
    let old = s.head();
    let theirs = rev(&s, &server, "main");
    let template_server = s.home().join("server-template.git");
    copy_afresh(&server, &template_server);
    let kills = kill_at_every_write(
        &s,
        &["sync"],
        // The repository names its remote by path: the server is put back as it was.
        || copy_afresh(&template_server, &server),
        |dir, context, head| {
            // The old state, or ours replayed on top of the other delegation's amendment.
            let on_top = testing::git_command(dir, &s.home())
                .args(["merge-base", "--is-ancestor", &theirs, &head])
                .status()
                .unwrap()
                .success();
            assert!(
                head == old || on_top,
                "{context}: HEAD is neither old nor new"
            );
            // Syncing again finishes the job: both delegations' amendments, nothing lost.
            let again = s.treaty_cmd(dir, &["sync"]).output().unwrap();
            assert!(
                again.status.success(),
                "{context}: sync again: {}{}",
                stdout(&again),
                stderr(&again)
            );
            check_after_death(&s, dir, &format!("{context}, then synced"));
            assert_synced(&s, dir, &server, context);
        },
    );
    eprintln!("sync: killed at each of {kills} write points");
}

/// Real SIGKILLs at moments spread over an amend's run (`TREATY_TEST_SIGKILLS` of them,
/// 24 by default): the same invariants.
#[test]
fn amend_killed_by_sigkill_at_any_moment_loses_nothing() {
    let s = Sandbox::with_sample();
    let old = s.head();
    let args = amend_args("reporting.1", "Each Party shall report in full.");
    let dir = s.home().join("killed");
    // How long one amend takes here, to spread the kills over it.
    copy_afresh(&s.repo(), &dir);
    let started = std::time::Instant::now();
    let o = s.treaty_cmd(&dir, &args).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let span = started.elapsed().max(Duration::from_millis(5));
    // 24 in `cargo test`; a longer job sets TREATY_TEST_SIGKILLS=1000.
    let kills: u32 = std::env::var("TREATY_TEST_SIGKILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(24);
    for i in 0..kills {
        copy_afresh(&s.repo(), &dir);
        let mut child = s.treaty_cmd(&dir, &args).spawn().unwrap();
        std::thread::sleep(span * i / kills);
        let _ = child.kill();
        let _ = child.wait();
        let context = format!("amend killed after {:?}", span * i / kills);
        let head = check_after_death(&s, &dir, &context);
        if head != old {
            assert_eq!(rev(&s, &dir, "HEAD^"), old, "{context}");
        }
    }
}

// ---- 11. a full disk ---------------------------------------------------------------------

/// A small tmpfs mounted for one test, unmounted when dropped.
struct SmallDisk {
    at: PathBuf,
}

impl SmallDisk {
    /// `None` (with the reason printed) where this process may not mount a file system.
    fn mount(at: PathBuf, size_kib: u64) -> Option<SmallDisk> {
        std::fs::create_dir_all(&at).unwrap();
        let o = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size_kib}k"), "tmpfs"])
            .arg(&at)
            .output();
        match o {
            Ok(o) if o.status.success() => Some(SmallDisk { at }),
            Ok(o) => {
                eprintln!(
                    "skipped: cannot mount a small file system to fill (run as root): {}",
                    String::from_utf8_lossy(&o.stderr).trim()
                );
                None
            }
            Err(e) => {
                eprintln!("skipped: no mount command: {e}");
                None
            }
        }
    }

    /// Fills the disk so that about `free_kib` KiB stay free.
    fn leave_free(&self, free_kib: u64) {
        let filler = self.at.join("filler");
        let _ = std::fs::remove_file(&filler);
        let stat = Command::new("df")
            .args(["-k", "--output=avail"])
            .arg(&self.at)
            .output()
            .unwrap();
        let avail: u64 = String::from_utf8_lossy(&stat.stdout)
            .lines()
            .nth(1)
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        let fill = avail.saturating_sub(free_kib);
        std::fs::write(&filler, vec![b'x'; (fill * 1024) as usize]).unwrap();
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.at).output();
    }
}

/// A command that failed for want of space says so, and names the path (or the git
/// command) that could not be written.
fn assert_no_space_named(o: &std::process::Output, dir: &Path, context: &str) {
    let err = stderr(o);
    assert!(
        err.to_lowercase().contains("no space left on device"),
        "{context}: {err}"
    );
    assert!(
        err.contains(&format!("{}/", dir.display())) || err.contains("`git "),
        "{context}: the error names neither a path nor a git command: {err}"
    );
}

/// Runs `args` in a copy of `template` on `disk` with each amount of space free in turn;
/// `check` gets the copy, a line naming the case and whether the command succeeded. A
/// failure must be the OS error, with the old state kept.
fn run_with_free_space(
    s: &Sandbox,
    disk: &SmallDisk,
    template: &Path,
    args: &[&str],
    free_kib: &[u64],
    mut prepare: impl FnMut(),
    mut check: impl FnMut(&Path, &str),
) {
    let old = rev(s, template, "HEAD");
    let dir = disk.at.join("repo");
    for free in free_kib {
        prepare();
        copy_afresh(template, &dir);
        disk.leave_free(*free);
        let o = s.treaty_cmd(&dir, args).output().unwrap();
        let context = format!("{} with {free} KiB free", args[0]);
        std::fs::remove_file(disk.at.join("filler")).unwrap();
        eprintln!(
            "{context}: exit {:?} {}",
            o.status.code(),
            stderr(&o).trim()
        );
        let head = check_after_death(s, &dir, &context);
        if !o.status.success() {
            assert_no_space_named(&o, &dir, &context);
            assert_eq!(head, old, "{context}: the branch moved though it failed");
            // With room again, the same command goes through.
            let again = s.treaty_cmd(&dir, args).output().unwrap();
            assert!(
                again.status.success(),
                "{context}, then freed: {}",
                stderr(&again)
            );
        }
        check(&dir, &context);
    }
}

#[test]
fn a_full_disk_fails_the_amend_with_the_os_error_and_keeps_the_old_state() {
    let s = Sandbox::with_sample();
    let Some(disk) = SmallDisk::mount(s.home().join("disk"), 2048) else {
        return;
    };
    let template = disk.at.join("template");
    copy_afresh(&s.repo(), &template);
    let text = "Each Party shall report on a full disk.";
    run_with_free_space(
        &s,
        &disk,
        &template,
        &amend_args("reporting.1", text),
        &[0, 4, 8, 12, 16, 20, 24, 28, 32, 48, 64],
        || {},
        |dir, context| assert_shows(&s, dir, "reporting.1", text, context),
    );
}

#[test]
fn a_full_disk_fails_the_sync_with_the_os_error_and_keeps_the_old_state() {
    let s = Sandbox::with_sample();
    let server = diverged(&s);
    let Some(disk) = SmallDisk::mount(s.home().join("disk"), 2048) else {
        return;
    };
    let template = disk.at.join("template");
    copy_afresh(&s.repo(), &template);
    let template_server = s.home().join("server-template.git");
    copy_afresh(&server, &template_server);
    run_with_free_space(
        &s,
        &disk,
        &template,
        &["sync"],
        &[0, 8, 16, 24, 32, 48, 64, 96, 128],
        || copy_afresh(&template_server, &server),
        |dir, context| assert_synced(&s, dir, &server, context),
    );
}
