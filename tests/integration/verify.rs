//! `treaty verify` and the server hook, on hermetic histories built with system git.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use treaty_workbench::testing::{git_command, hermetic};
use treaty_workbench::verify::{Range, Report, verify};

use crate::support::{repo_root, stderr, stdout, treaty};

const ANA: &str = "ana@eu.example";
const BO: &str = "bo@usa.example";
const SEC: &str = "sec@un.example";

fn roster(usa_key: Option<&str>) -> String {
    let (key, require) = match usa_key {
        Some(k) => (format!(", ssh_key: \"{k}\""), "true"),
        None => (String::new(), "false"),
    };
    format!(
        r#"(
    version: 1,
    delegations: [
        (code: "EU", members: [(name: "Ana", email: "{ANA}")]),
        (code: "USA", members: [(name: "Bo", email: "{BO}"{key})], require_signature: {require}),
    ],
    chair: (name: "Chair", members: [(name: "Sec", email: "{SEC}")]),
)
"#
    )
}

fn position(code: &str, note: &str) -> String {
    format!("(version: 1, code: \"{code}\", name: \"{code}\", kind: State, notes: \"{note}\")\n")
}

/// A scratch folder with a `home/` and one or more repositories.
struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    fn new() -> Scratch {
        hermetic();
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("home")).unwrap();
        Scratch { dir }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn home(&self) -> PathBuf {
        self.path("home")
    }

    fn git_in(&self, dir: &Path, args: &[&str]) -> Output {
        git_command(dir, &self.home()).args(args).output().unwrap()
    }

    fn git(&self, dir: &Path, args: &[&str]) -> String {
        let o = self.git_in(dir, args);
        assert!(o.status.success(), "git {args:?}: {}", stderr(&o));
        stdout(&o).trim().to_string()
    }

    /// A work-tree repository `name` on branch main.
    fn init(&self, name: &str) -> PathBuf {
        let repo = self.path(name);
        std::fs::create_dir_all(&repo).unwrap();
        self.git(&repo, &["init", "-q", "-b", "main"]);
        repo
    }

    /// Writes `files` and commits them as `author` (committed by `committer`), with extra
    /// `git commit` arguments (e.g. signing). Returns the new commit id.
    fn commit(
        &self,
        repo: &Path,
        author: &str,
        committer: &str,
        files: &[(&str, &str)],
        message: &str,
        extra: &[&str],
    ) -> String {
        for (rel, text) in files {
            let p = repo.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        self.git(repo, &["add", "-A"]);
        let o = git_command(repo, &self.home())
            .env("GIT_AUTHOR_EMAIL", author)
            .env("GIT_COMMITTER_EMAIL", committer)
            .args(["commit", "-q", "--allow-empty", "-m", message])
            .args(extra)
            .output()
            .unwrap();
        assert!(o.status.success(), "commit: {}", stderr(&o));
        self.git(repo, &["rev-parse", "HEAD"])
    }

    /// The starting point every test shares: the chair opens the record with the roster,
    /// two positions and a draft. Its parent has no roster, so it predates the roster.
    fn base(&self, repo: &Path, usa_key: Option<&str>) -> String {
        self.commit(
            repo,
            SEC,
            SEC,
            &[
                ("positions/roster.ron", &roster(usa_key)),
                ("positions/eu.ron", &position("EU", "")),
                ("positions/usa.ron", &position("USA", "")),
                ("drafts/treaty.md", "# Convention\n"),
            ],
            "Open the record",
            &[],
        )
    }
}

fn check(repo: &Path, range: &str) -> Report {
    let r = git2::Repository::open(repo).unwrap();
    let range = Range::parse(&r, Some(range)).unwrap();
    verify(&r, &range).unwrap()
}

fn reasons(report: &Report) -> Vec<String> {
    report.violations.iter().map(|v| v.reason.clone()).collect()
}

#[test]
fn members_and_chair_pass_and_the_base_predates_the_roster() {
    let s = Scratch::new();
    let repo = s.init("repo");
    s.base(&repo, None);
    s.commit(
        &repo,
        ANA,
        ANA,
        &[("positions/eu.ron", &position("EU", "firm"))],
        "EU position",
        &[],
    );
    s.commit(
        &repo,
        ANA,
        SEC,
        &[("drafts/treaty.md", "# Convention\n\nText.\n")],
        "Replace pp1 (EU)\n\nProposed-by: EU\n",
        &[],
    );
    s.commit(&repo, BO, BO, &[("notes.txt", "anyone may")], "A note", &[]);
    let report = check(&repo, "HEAD");
    assert_eq!(reasons(&report), Vec::<String>::new());
    assert_eq!((report.checked, report.exempt), (3, 1));

    let o = treaty(&repo, &["verify"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("verified 3 commits (1 older commits predate the roster)"));
}

#[test]
fn another_delegations_position_file_is_refused() {
    let s = Scratch::new();
    let repo = s.init("repo");
    let base = s.base(&repo, None);
    let bad = s.commit(
        &repo,
        BO,
        BO,
        &[("positions/eu.ron", &position("EU", "mine now"))],
        "Edit EU",
        &[],
    );
    let report = check(&repo, &format!("{base}..HEAD"));
    assert_eq!(report.violations.len(), 1, "{:?}", reasons(&report));
    assert_eq!(report.violations[0].commit.to_string(), bad);
    assert!(
        report.violations[0]
            .reason
            .contains("changes positions/eu.ron, the position of EU, but its author bo@usa.example is not a member of EU"),
        "{:?}",
        reasons(&report)
    );

    // Renaming the code does not take a file over: both the old and new code count.
    s.git(&repo, &["reset", "-q", "--hard", &base]);
    s.commit(
        &repo,
        BO,
        BO,
        &[("positions/eu.ron", &position("USA", "taken"))],
        "Take over",
        &[],
    );
    let r = reasons(&check(&repo, &format!("{base}..HEAD")));
    assert!(r.iter().any(|m| m.contains("the position of EU")), "{r:?}");

    let o = treaty(&repo, &["verify", &format!("{base}..HEAD")]);
    assert_eq!(o.status.code(), Some(1));
    let short = &s.git(&repo, &["rev-parse", "--short", "HEAD"]);
    assert!(
        stdout(&o).starts_with(&format!("{short} Take over: changes positions/eu.ron")),
        "{}",
        stdout(&o)
    );
}

#[test]
fn draft_changes_need_the_chair_or_a_chair_merge() {
    let s = Scratch::new();
    let repo = s.init("repo");
    let base = s.base(&repo, None);
    s.commit(
        &repo,
        BO,
        BO,
        &[("drafts/treaty.md", "# Mine\n")],
        "Rewrite",
        &[],
    );
    let r = reasons(&check(&repo, &format!("{base}..HEAD")));
    assert_eq!(r.len(), 1, "{r:?}");
    assert!(
        r[0].contains("changes the official draft (drafts/treaty.md), which only the chair and secretariat land, but it was committed by bo@usa.example"),
        "{r:?}"
    );

    // The same commit on a side branch, merged by the chair: allowed.
    s.git(&repo, &["reset", "-q", "--hard", &base]);
    s.git(&repo, &["switch", "-q", "-c", "usa-proposal"]);
    s.commit(
        &repo,
        BO,
        BO,
        &[("drafts/treaty.md", "# Proposal\n")],
        "Proposal\n\nProposed-by: USA\n",
        &[],
    );
    s.git(&repo, &["switch", "-q", "main"]);
    s.commit(&repo, SEC, SEC, &[("notes.txt", "x")], "Chair's note", &[]);
    let o = git_command(&repo, &s.home())
        .env("GIT_AUTHOR_EMAIL", SEC)
        .env("GIT_COMMITTER_EMAIL", SEC)
        .args([
            "merge",
            "-q",
            "--no-ff",
            "-m",
            "Land the USA proposal",
            "usa-proposal",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        reasons(&check(&repo, &format!("{base}..HEAD"))),
        Vec::<String>::new()
    );

    // A merge by a delegation member does not land anything.
    s.git(&repo, &["reset", "-q", "--hard", "HEAD~1"]);
    let o = git_command(&repo, &s.home())
        .env("GIT_AUTHOR_EMAIL", BO)
        .env("GIT_COMMITTER_EMAIL", BO)
        .args([
            "merge",
            "-q",
            "--no-ff",
            "-m",
            "Self-landed",
            "usa-proposal",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let r = reasons(&check(&repo, &format!("{base}..HEAD")));
    assert_eq!(r.len(), 2, "the proposal and the merge: {r:?}");
    assert!(
        r.iter()
            .all(|m| m.contains("only the chair and secretariat land")),
        "{r:?}"
    );
}

#[test]
fn proposed_by_needs_a_member_author_or_a_co_signature() {
    let s = Scratch::new();
    let repo = s.init("repo");
    let base = s.base(&repo, None);
    s.commit(
        &repo,
        BO,
        SEC,
        &[("drafts/treaty.md", "# Joint\n")],
        "Joint text\n\nProposed-by: USA, EU\n",
        &[],
    );
    let r = reasons(&check(&repo, &format!("{base}..HEAD")));
    assert_eq!(r.len(), 1, "{r:?}");
    assert!(
        r[0].contains("Proposed-by names EU, but the author bo@usa.example is not a member of EU and EU did not co-sign"),
        "{r:?}"
    );

    let signed = s.commit(
        &repo,
        BO,
        SEC,
        &[("drafts/treaty.md", "# Joint again\n")],
        "Joint text\n\nProposed-by: USA, EU\nCo-signed-by: EU <ana@eu.example>\n",
        &[],
    );
    assert_eq!(
        reasons(&check(&repo, &format!("{signed}~1..{signed}"))),
        Vec::<String>::new()
    );

    s.commit(
        &repo,
        BO,
        SEC,
        &[("drafts/treaty.md", "# Forged\n")],
        "Joint text\n\nProposed-by: EU\nCo-signed-by: EU <bo@usa.example>\n",
        &[],
    );
    let r = reasons(&check(&repo, "HEAD~1..HEAD"));
    assert!(
        r.iter()
            .any(|m| m.contains("bo@usa.example is not a member of EU")),
        "{r:?}"
    );
    assert!(r.iter().any(|m| m.contains("EU did not co-sign")), "{r:?}");
}

#[test]
fn broken_roster_is_reported_with_its_location() {
    let s = Scratch::new();
    let repo = s.init("repo");
    let base = s.base(&repo, None);
    s.commit(
        &repo,
        SEC,
        SEC,
        &[(
            "positions/roster.ron",
            "(\n    version: 1,\n    delegations: [(code: EU)],\n)\n",
        )],
        "Break the roster",
        &[],
    );
    s.commit(
        &repo,
        ANA,
        ANA,
        &[("positions/eu.ron", &position("EU", "x"))],
        "EU",
        &[],
    );
    let r = reasons(&check(&repo, &format!("{base}..HEAD")));
    assert_eq!(r.len(), 2, "{r:?}");
    assert!(
        r[0].starts_with("leaves the roster unreadable: positions/roster.ron:3:"),
        "{r:?}"
    );
    assert!(
        r[1].starts_with("the roster in force is unreadable"),
        "{r:?}"
    );
}

#[test]
fn check_validates_the_roster_of_a_negotiation() {
    let dir = crate::support::sample_copy();
    let path = dir.path().join("positions/roster.ron");
    let o = treaty(dir.path(), &["check"]);
    assert!(
        o.status.success(),
        "the sample roster is clean: {}",
        stdout(&o)
    );

    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("code: \"JPN\"", "code: \"JPX\"")).unwrap();
    let o = treaty(dir.path(), &["check"]);
    assert_eq!(o.status.code(), Some(1));
    let line = text.lines().position(|l| l.contains("\"JPN\"")).unwrap() + 1;
    assert!(
        stdout(&o).contains(&format!(
            "positions/roster.ron:{line}:16: error: unknown delegation `JPX`: it has no position file"
        )),
        "{}",
        stdout(&o)
    );

    std::fs::write(
        &path,
        "(version: 1, delegations: [], chair: (name: \"C\", members: [(name: \"x\")]))\n",
    )
    .unwrap();
    let o = treaty(dir.path(), &["check"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("positions/roster.ron:1:") && stdout(&o).contains("invalid RON"),
        "{}",
        stdout(&o)
    );
}

fn ssh_keygen_available() -> bool {
    let ok = Command::new("ssh-keygen").arg("-?").output().is_ok();
    if !ok {
        eprintln!("skipped: ssh-keygen is not installed, so SSH signatures cannot be tested");
    }
    ok
}

fn keygen(s: &Scratch, name: &str) -> (PathBuf, String) {
    let key = s.home().join(name);
    let o = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", name, "-f"])
        .arg(&key)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let public = std::fs::read_to_string(key.with_extension("pub")).unwrap();
    (key, public.trim().to_string())
}

#[test]
fn required_signatures_are_checked() {
    if !ssh_keygen_available() {
        return;
    }
    let s = Scratch::new();
    let repo = s.init("repo");
    let (key, public) = keygen(&s, "bo");
    let (other, _) = keygen(&s, "mallory");
    let base = s.base(&repo, Some(&public));
    let sign_with = |k: &Path| {
        vec![
            "-c".to_string(),
            "gpg.format=ssh".to_string(),
            "-c".to_string(),
            format!("user.signingkey={}", k.display()),
        ]
    };
    let signed_commit = |k: &Path, note: &str| {
        std::fs::write(repo.join("positions/usa.ron"), position("USA", note)).unwrap();
        s.git(&repo, &["add", "-A"]);
        let mut cmd = git_command(&repo, &s.home());
        cmd.env("GIT_AUTHOR_EMAIL", BO)
            .env("GIT_COMMITTER_EMAIL", BO);
        cmd.args(sign_with(k))
            .args(["commit", "-q", "-S", "-m", note]);
        let o = cmd.output().unwrap();
        assert!(o.status.success(), "signed commit: {}", stderr(&o));
    };

    signed_commit(&key, "signed by Bo");
    assert_eq!(
        reasons(&check(&repo, &format!("{base}..HEAD"))),
        Vec::<String>::new()
    );

    s.commit(
        &repo,
        BO,
        BO,
        &[("positions/usa.ron", &position("USA", "unsigned"))],
        "unsigned",
        &[],
    );
    let r = reasons(&check(&repo, "HEAD~1..HEAD"));
    assert_eq!(r.len(), 1, "{r:?}");
    assert!(
        r[0].contains("requires signed commits: the commit is not signed"),
        "{r:?}"
    );

    signed_commit(&other, "signed by someone else");
    let r = reasons(&check(&repo, "HEAD~1..HEAD"));
    assert_eq!(r.len(), 1, "{r:?}");
    assert!(
        r[0].contains(
            "the signature does not verify against the keys the roster lists for bo@usa.example"
        ),
        "{r:?}"
    );
}

#[test]
fn server_hook_lands_allowed_pushes_and_refuses_forged_ones() {
    let s = Scratch::new();
    let server = s.path("server.git");
    s.git(
        s.dir.path(),
        &["init", "-q", "--bare", "-b", "main", "server.git"],
    );
    let o = treaty(
        s.dir.path(),
        &["hook", "install", "--server", "--repo", "server.git"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(server.join("hooks/pre-receive").is_file());

    let chair = s.init("chair");
    s.base(&chair, None);
    s.git(
        &chair,
        &["remote", "add", "origin", server.to_str().unwrap()],
    );
    s.git(&chair, &["push", "-q", "origin", "main"]);

    s.git(
        s.dir.path(),
        &["clone", "-q", server.to_str().unwrap(), "ana"],
    );
    s.git(
        s.dir.path(),
        &["clone", "-q", server.to_str().unwrap(), "bo"],
    );
    let ana = s.path("ana");
    let bo = s.path("bo");

    let allowed = s.commit(
        &ana,
        ANA,
        ANA,
        &[("positions/eu.ron", &position("EU", "ok"))],
        "EU update",
        &[],
    );
    s.git(&ana, &["push", "-q", "origin", "main"]);
    assert_eq!(s.git(&server, &["rev-parse", "refs/heads/main"]), allowed);

    s.git(&bo, &["pull", "-q", "origin", "main"]);
    s.commit(
        &bo,
        BO,
        BO,
        &[("positions/eu.ron", &position("EU", "forged"))],
        "Forged EU update",
        &[],
    );
    let o = s.git_in(&bo, &["push", "origin", "main"]);
    assert!(!o.status.success(), "the forged push must be refused");
    let err = stderr(&o);
    assert!(
        err.contains("Forged EU update: changes positions/eu.ron, the position of EU, but its author bo@usa.example is not a member of EU"),
        "{err}"
    );
    assert!(
        err.contains("refusing the push to refs/heads/main"),
        "{err}"
    );
    assert_eq!(
        s.git(&server, &["rev-parse", "refs/heads/main"]),
        allowed,
        "refs did not move"
    );

    // A new branch with the same commit is refused too.
    let o = s.git_in(&bo, &["push", "origin", "main:refs/heads/sneaky"]);
    assert!(!o.status.success());
    assert!(
        !s.git_in(
            &server,
            &["rev-parse", "--verify", "-q", "refs/heads/sneaky"]
        )
        .status
        .success()
    );

    // Reinstalling replaces treaty's own hook; a foreign hook needs --force.
    let o = treaty(
        &repo_root(),
        &[
            "hook",
            "install",
            "--server",
            "--repo",
            server.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    std::fs::write(server.join("hooks/pre-receive"), "#!/bin/sh\nexit 0\n").unwrap();
    let o = treaty(
        &repo_root(),
        &[
            "hook",
            "install",
            "--server",
            "--repo",
            server.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("pass --force"), "{}", stderr(&o));
}
