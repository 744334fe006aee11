//! End to end under tmux: the real binary in a real (pseudo) terminal, driven by
//! `send-keys` and read back with `capture-pane`. Skips, saying why, only if tmux is not
//! installed (and fails instead when `CI` is set).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use treaty_workbench::testing::fixture;

pub(crate) struct Tmux {
    socket: PathBuf,
    pub(crate) home: PathBuf,
}

impl Tmux {
    /// A tmux server of its own (socket in `dir`) running a plain shell in `cwd`, with
    /// `HOME` and `TMPDIR` inside `dir`.
    pub(crate) fn start(dir: &Path, cwd: &Path, tmp: &Path) -> Option<Tmux> {
        Tmux::start_with_editor(dir, cwd, tmp, "true")
    }

    /// [`Tmux::start`] with `$EDITOR` set to `editor`.
    pub(crate) fn start_with_editor(
        dir: &Path,
        cwd: &Path,
        tmp: &Path,
        editor: &str,
    ) -> Option<Tmux> {
        if Command::new("tmux").arg("-V").output().is_err() {
            // In CI the end-to-end test must run: a missing tmux is a broken runner.
            assert!(
                std::env::var_os("CI").is_none(),
                "tmux is not installed on this CI runner: install it (apt-get install tmux)"
            );
            eprintln!("skipping the tmux end-to-end test: tmux is not installed");
            return None;
        }
        let home = dir.join("home");
        std::fs::create_dir_all(&home).unwrap();
        // Who records amendments: a fixed identity in this HOME's own git config, read by
        // both libgit2 and git.
        std::fs::write(
            home.join(".gitconfig"),
            "[user]\n\tname = Tmux Delegate\n\temail = tmux@example.org\n",
        )
        .unwrap();
        let t = Tmux {
            socket: dir.join("tmux.sock"),
            home,
        };
        // A plain shell with a fixed prompt, hermetic git and a known editor.
        let shell = format!(
            "env -i PATH=\"$PATH\" TERM=xterm-256color HOME='{}' TMPDIR='{}' GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL='{}/.gitconfig' PS1='READY$ ' EDITOR='{editor}' sh",
            t.home.display(),
            tmp.display(),
            t.home.display()
        );
        let out = t
            .cmd()
            .args([
                "new-session",
                "-d",
                "-s",
                "e2e",
                "-x",
                "120",
                "-y",
                "40",
                "-c",
            ])
            .arg(cwd)
            .arg(shell)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "tmux: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        t.wait_for("READY$", |_| true);
        Some(t)
    }

    fn cmd(&self) -> Command {
        let mut c = Command::new("tmux");
        c.arg("-S").arg(&self.socket).arg("-f").arg("/dev/null");
        c
    }

    pub(crate) fn keys(&self, keys: &[&str]) {
        let st = self
            .cmd()
            .args(["send-keys", "-t", "e2e"])
            .args(keys)
            .status()
            .unwrap();
        assert!(st.success());
    }

    /// Types `text` literally.
    pub(crate) fn type_text(&self, text: &str) {
        let st = self
            .cmd()
            .args(["send-keys", "-t", "e2e", "-l", text])
            .status()
            .unwrap();
        assert!(st.success());
    }

    pub(crate) fn screen(&self) -> String {
        let out = self
            .cmd()
            .args(["capture-pane", "-p", "-t", "e2e"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Polls the pane until it shows `needle` and `check` holds; fails after 20 s.
    pub(crate) fn wait_for(&self, needle: &str, check: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if s.contains(needle) && check(&s) {
                return s;
            }
            if start.elapsed() > Duration::from_secs(20) {
                panic!("timed out waiting for `{needle}`; the pane shows:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The pane's alternate-screen, cursor-visible and mouse-reporting flags, as tmux
    /// tracks them from what the program wrote.
    fn pane_flags(&self) -> String {
        let out = self
            .cmd()
            .args([
                "display-message",
                "-p",
                "-t",
                "e2e",
                "alternate=#{alternate_on} cursor=#{cursor_flag} mouse=#{mouse_any_flag}",
            ])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// After the TUI exits: the prompt is back on the normal screen and the terminal is
    /// in cooked mode with echo.
    pub(super) fn assert_restored(&self) {
        self.keys(&["clear; stty -a", "Enter"]);
        let s = self.wait_for("icanon", |s| s.contains("speed") || s.contains("rows"));
        let words: Vec<&str> = s.split_whitespace().collect();
        assert!(words.contains(&"icanon"), "not in canonical mode:\n{s}");
        assert!(words.contains(&"echo"), "echo is off:\n{s}");
        assert!(
            !words.contains(&"-icanon") && !words.contains(&"-echo"),
            "{s}"
        );
        // And the shell still runs commands.
        self.keys(&["clear; echo ALIVE-$((40+2))", "Enter"]);
        self.wait_for("ALIVE-42", |_| true);
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd().arg("kill-server").output();
    }
}

fn git(dir: &Path, args: &[&str]) -> String {
    let home = dir.parent().unwrap_or(dir);
    let out = treaty_workbench::testing::git_command(dir, home)
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn rev_count(dir: &Path) -> usize {
    git(dir, &["rev-list", "--count", "HEAD"])
        .trim()
        .parse()
        .unwrap()
}

/// The folder `treaty demo` made in `tmp` (waits for it to hold a record).
fn demo_dir(tmp: &Path) -> PathBuf {
    let found: Vec<PathBuf> = std::fs::read_dir(tmp)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("treaty-demo-"))
        })
        .collect();
    assert_eq!(
        found.len(),
        1,
        "one demo folder in {}: {found:?}",
        tmp.display()
    );
    assert!(found[0].join(".git").is_dir());
    found[0].clone()
}

pub(super) fn fixed_repo(dir: &Path) -> PathBuf {
    let root = dir.join("repo");
    fixture::build(&root).expect("fixture builds");
    root
}

#[test]
fn demo_session_clause_compare_replay_amend_quit() {
    let dir = tempfile::tempdir().unwrap();
    // `treaty demo` builds its record in a new folder of the temporary folder: give it one
    // of its own, so the test is hermetic and can find the record afterwards.
    let tmp = dir.path().join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let Some(t) = Tmux::start(dir.path(), dir.path(), &tmp) else {
        return;
    };
    let bin = env!("CARGO_BIN_EXE_treaty");
    t.type_text(&format!("'{bin}' demo"));
    t.keys(&["Enter"]);
    t.wait_for("1 Outline", |s| s.contains("Outline —"));
    let demo = demo_dir(&tmp);
    let commits_before = rev_count(&demo);

    // Open a clause that is still bracketed at the end of the demo.
    t.type_text(":amendments.2");
    t.keys(&["Enter", "Enter"]);
    t.wait_for("Choice points", |s| s.contains("amendments.2 — "));

    // Compare opens on the latest round against the current draft (older on the left);
    // back from the draft is the last delegation (USA).
    t.keys(&["3"]);
    t.wait_for("round r4-new-york → current draft", |_| true);
    t.keys(&["S"]);
    t.wait_for("round r4-new-york → USA position", |s| {
        s.contains("clauses differ")
    });

    // Step the replay three times.
    t.keys(&["6", "n", "n", "n"]);
    let s = t.wait_for("Replay 3/", |s| s.contains("open brackets after this step"));
    assert!(s.contains("▶"), "the timeline marks the step:\n{s}");

    // Amend a clause in the inline editor, proposed by EU instead of the CHAIR.
    t.type_text(":observatory.1");
    t.keys(&["Enter", "e"]);
    t.wait_for("Editing observatory.1", |_| true);
    t.keys(&["End"]);
    t.type_text(" Tested under tmux.");
    t.keys(&["C-t", "BSpace", "BSpace", "BSpace", "BSpace", "BSpace"]);
    t.type_text("EU");
    t.wait_for("Tested under tmux.", |s| s.contains("EU"));
    t.keys(&["C-s"]);
    t.wait_for("recorded:", |s| s.contains("observatory.1"));

    t.keys(&["q"]);
    // Back on the normal screen: the demo's own output is there again, and the prompt.
    let s = t.wait_for("READY$", |s| !s.contains("1 Outline"));
    assert!(
        s.contains("built the demo negotiation in"),
        "the alternate screen was left:\n{s}"
    );
    assert_eq!(
        t.pane_flags(),
        "alternate=0 cursor=1 mouse=0",
        "terminal modes restored"
    );
    t.assert_restored();

    assert_eq!(rev_count(&demo), commits_before + 1, "one new commit");
    let last = git(&demo, &["log", "-1", "--format=%s%n%b"]);
    assert!(
        last.starts_with("Replace the text of observatory.1"),
        "{last}"
    );
    assert!(
        last.lines()
            .any(|l| l.contains("EU") && !l.contains("CHAIR")),
        "proposed by EU:\n{last}"
    );
    let text = std::fs::read_to_string(demo.join("drafts/articles/observatory.md")).unwrap();
    assert!(text.contains("Tested under tmux."));
    assert_eq!(
        git(&demo, &["status", "--porcelain"]),
        "",
        "work tree clean"
    );
}

#[test]
fn a_panic_restores_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let root = fixed_repo(dir.path());
    let Some(t) = Tmux::start(dir.path(), &root, dir.path()) else {
        return;
    };
    let bin = env!("CARGO_BIN_EXE_treaty");
    t.type_text(&format!("TREATY_TUI_PANIC=1 '{bin}' tui"));
    t.keys(&["Enter"]);
    t.wait_for("1 Outline", |_| true);
    t.keys(&["x"]);
    let s = t.wait_for("deliberate panic", |s| s.contains("READY$"));
    assert!(
        !s.contains("1 Outline"),
        "still on the alternate screen:\n{s}"
    );
    t.assert_restored();
}
