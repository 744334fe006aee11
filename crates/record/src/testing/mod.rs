//! Hermetic git for tests: throwaway repositories that ignore the machine's git
//! configuration, with a fixed identity and fixed, stepping timestamps.
//!
//! Call [`hermetic`] before touching libgit2 (every helper here does), and run system git
//! only through [`git_command`] / [`TestRepo::git`].

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Once;

use git2::{ConfigLevel, Repository, RepositoryInitOptions};
use tempfile::TempDir;

use crate::store::{Clock, CommitOutcome, FileChange, Store};
use treaty_text::amendment::Amendment;

pub const NAME: &str = "Test Secretariat";
pub const EMAIL: &str = "secretariat@treaty.invalid";
/// 2025-01-01T00:00:00Z.
pub const EPOCH: i64 = 1_735_689_600;
/// The date system git uses for commits made in tests (`GIT_AUTHOR_DATE`).
pub const GIT_DATE: &str = "2025-01-01T00:00:00+00:00";

/// Points libgit2's global, XDG and system configuration at nothing, once per process.
pub fn hermetic() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        for level in [ConfigLevel::Global, ConfigLevel::XDG, ConfigLevel::System] {
            // SAFETY: runs once, before any test thread can have read the search path
            // through this helper; nothing else in the crate sets it.
            unsafe { git2::opts::set_search_path(level, "").expect("reset git search path") };
        }
    });
}

/// A clock starting at [`EPOCH`], one minute per commit or tag.
pub fn test_clock() -> Clock {
    Clock::Stepping {
        next: EPOCH,
        step: 60,
        offset_minutes: 0,
    }
}

/// A fresh repository at `path` (branch `main`, no commits) with the test identity in its
/// local config.
pub fn init_repo(path: &Path) -> Repository {
    hermetic();
    let mut opts = RepositoryInitOptions::new();
    opts.initial_head("main");
    let repo = Repository::init_opts(path, &opts).expect("init test repository");
    {
        let mut config = repo.config().expect("repository config");
        config.set_str("user.name", NAME).unwrap();
        config.set_str("user.email", EMAIL).unwrap();
        config.set_bool("core.autocrlf", false).unwrap();
        config.set_bool("commit.gpgsign", false).unwrap();
        config.set_bool("tag.gpgsign", false).unwrap();
    }
    repo
}

/// System git with no global or system config, `HOME` in `home`, fixed dates and the
/// test identity; no `GIT_*` variable leaks in from the environment.
pub fn git_command(dir: &Path, home: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.current_dir(dir);
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("GIT_") {
            cmd.env_remove(key);
        }
    }
    cmd.env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home)
        .env("GIT_CEILING_DIRECTORIES", home.parent().unwrap_or(home))
        .env("GIT_AUTHOR_NAME", NAME)
        .env("GIT_AUTHOR_EMAIL", EMAIL)
        .env("GIT_COMMITTER_NAME", NAME)
        .env("GIT_COMMITTER_EMAIL", EMAIL)
        .env("GIT_AUTHOR_DATE", GIT_DATE)
        .env("GIT_COMMITTER_DATE", GIT_DATE)
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("LC_ALL", "C");
    cmd
}

/// A throwaway record: `<tmp>/repo` (with one root commit) and `<tmp>/home`.
pub struct TestRepo {
    pub store: Store,
    root: TempDir,
}

impl Default for TestRepo {
    fn default() -> Self {
        TestRepo::new()
    }
}

impl TestRepo {
    pub fn new() -> TestRepo {
        let root = tempfile::Builder::new()
            .prefix("treaty-store-")
            .tempdir()
            .expect("temp dir");
        let path = root.path().join("repo");
        std::fs::create_dir_all(root.path().join("home")).unwrap();
        init_repo(&path);
        let store = Store::init_with_clock(&path, test_clock()).expect("init store");
        TestRepo { store, root }
    }

    /// The top of the work tree.
    pub fn path(&self) -> PathBuf {
        self.root.path().join("repo")
    }

    pub fn home(&self) -> PathBuf {
        self.root.path().join("home")
    }

    /// Another handle on the same repository, with its own clock starting at `start`.
    pub fn open_store(&self, start: i64) -> Store {
        let store = Store::open(self.path()).expect("open store");
        store.set_clock(Clock::Stepping {
            next: start,
            step: 60,
            offset_minutes: 0,
        });
        store
    }

    /// Runs system git in the work tree; panics with its stderr if it fails.
    pub fn git(&self, args: &[&str]) -> String {
        let out = git_command(&self.path(), &self.home())
            .args(args)
            .output()
            .expect("run git");
        assert!(
            out.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Records an amendment on the current tip; panics on failure.
    pub fn amend(&self, amendment: &Amendment, changes: &[FileChange]) -> CommitOutcome {
        let head = self.store.head().expect("head");
        self.store
            .commit(amendment, head, changes)
            .expect("commit amendment")
    }

    /// Writes a file in the work tree (not committed).
    pub fn write(&self, rel: &str, content: &str) {
        let path = self.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }

    pub fn read(&self, rel: &str) -> Option<String> {
        std::fs::read_to_string(self.path().join(rel)).ok()
    }
}
pub mod fixture;

/// Overwrites the loose object `oid` of the repository whose `.git` is `git_dir` with bytes
/// that are no git object: a damaged record, as a failing disk leaves it.
pub fn destroy_object(git_dir: &Path, oid: &str) {
    let object = git_dir.join("objects").join(&oid[..2]).join(&oid[2..]);
    let mut perms = std::fs::metadata(&object).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(&object, perms).unwrap();
    std::fs::write(&object, b"not a git object").unwrap();
}
