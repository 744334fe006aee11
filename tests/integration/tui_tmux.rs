//! End to end under tmux: the real binary in a real (pseudo) terminal, driven by
//! `send-keys` and read back with `capture-pane`. Skips, saying why, only if tmux is not
//! installed.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use treaty_workbench::tui::fixture;

use crate::support;

struct Tmux {
    socket: PathBuf,
    home: PathBuf,
}

impl Tmux {
    fn start(dir: &Path, cwd: &Path) -> Option<Tmux> {
        if Command::new("tmux").arg("-V").output().is_err() {
            eprintln!("skipping the tmux end-to-end test: tmux is not installed");
            return None;
        }
        let home = dir.join("home");
        std::fs::create_dir_all(&home).unwrap();
        let t = Tmux {
            socket: dir.join("tmux.sock"),
            home,
        };
        // A plain shell with a fixed prompt, hermetic git and a known editor.
        let shell = format!(
            "env -i PATH=\"$PATH\" TERM=xterm-256color HOME='{}' GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null PS1='READY$ ' EDITOR=true sh",
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

    fn keys(&self, keys: &[&str]) {
        let st = self
            .cmd()
            .args(["send-keys", "-t", "e2e"])
            .args(keys)
            .status()
            .unwrap();
        assert!(st.success());
    }

    /// Types `text` literally.
    fn type_text(&self, text: &str) {
        let st = self
            .cmd()
            .args(["send-keys", "-t", "e2e", "-l", text])
            .status()
            .unwrap();
        assert!(st.success());
    }

    fn screen(&self) -> String {
        let out = self
            .cmd()
            .args(["capture-pane", "-p", "-t", "e2e"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Polls the pane until it shows `needle` and `check` holds; fails after 20 s.
    fn wait_for(&self, needle: &str, check: impl Fn(&str) -> bool) -> String {
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

    /// After the TUI exits: the prompt is back on the normal screen and the terminal is
    /// in cooked mode with echo.
    fn assert_restored(&self) {
        self.keys(&["clear; stty -a", "Enter"]);
        let s = self.wait_for("icanon", |s| s.contains("speed") || s.contains("rows"));
        let words: Vec<&str> = s.split_whitespace().collect();
        assert!(words.contains(&"icanon"), "not in canonical mode:\n{s}");
        assert!(words.contains(&"echo"), "echo is off:\n{s}");
        assert!(
            !words.contains(&"-icanon") && !words.contains(&"-echo"),
            "{s}"
        );
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd().arg("kill-server").output();
    }
}

fn fixed_repo(dir: &Path) -> PathBuf {
    let root = dir.join("repo");
    fixture::build(&support::repo_root(), &root).expect("fixture builds");
    root
}

#[test]
fn demo_session_clause_compare_replay_amend_quit() {
    let dir = tempfile::tempdir().unwrap();
    let root = fixed_repo(dir.path());
    let Some(t) = Tmux::start(dir.path(), &root) else {
        return;
    };
    let bin = env!("CARGO_BIN_EXE_treaty");
    t.type_text(&format!("'{bin}' tui --as EU"));
    t.keys(&["Enter"]);
    t.wait_for("1 Outline", |s| s.contains("Outline —"));

    // Open a clause.
    t.type_text(":observatory.3");
    t.keys(&["Enter", "Enter"]);
    t.wait_for("Choice points", |s| s.contains("observatory.3"));

    // Compare with a delegation: from round r1-geneva back past the draft to the last
    // delegation (USA).
    t.keys(&["3"]);
    t.wait_for("round r1-geneva", |_| true);
    t.keys(&["S", "S"]);
    t.wait_for("current draft → USA position", |s| {
        s.contains("clauses differ")
    });

    // Step the replay three times.
    t.keys(&["6", "n", "n", "n"]);
    t.wait_for("Replay 3/", |s| {
        s.contains("Bracket capacity.2") || s.contains("open brackets")
    });

    // Amend a clause in the inline editor.
    t.type_text(":observatory.1");
    t.keys(&["Enter", "e"]);
    t.wait_for("Editing observatory.1", |_| true);
    t.keys(&["End"]);
    t.type_text(" Tested under tmux.");
    t.keys(&["C-s"]);
    t.wait_for("recorded:", |_| true);

    t.keys(&["q"]);
    let s = t.wait_for("READY$", |s| !s.contains("1 Outline"));
    assert!(
        !s.contains("Outline —"),
        "the alternate screen was left:\n{s}"
    );
    t.assert_restored();

    let log = support::treaty(&root, &["--version"]);
    assert!(log.status.success());
    let git = Command::new("git")
        .args(["log", "-1", "--format=%s%n%b"])
        .current_dir(&root)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .unwrap();
    let last = String::from_utf8_lossy(&git.stdout);
    assert!(
        last.starts_with("Replace the text of observatory.1"),
        "{last}"
    );
    assert!(last.contains("EU"), "{last}");
    let text = std::fs::read_to_string(root.join("drafts/articles/observatory.md")).unwrap();
    assert!(text.contains("Tested under tmux."));
}

#[test]
fn a_panic_restores_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let root = fixed_repo(dir.path());
    let Some(t) = Tmux::start(dir.path(), &root) else {
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
