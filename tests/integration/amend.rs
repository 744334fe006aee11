//! `treaty init`, `treaty amend`, `treaty round` and `treaty demo` through the binary, on
//! hermetic throwaway repositories.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use treaty_workbench::testing;

use crate::support::{copy_dir, repo_root, stderr, stdout};

/// A throwaway folder: `<tmp>/repo` (the negotiation) and `<tmp>/home` (an empty HOME, so
/// neither git nor libgit2 read the machine's configuration).
pub struct Sandbox {
    root: tempfile::TempDir,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        let root = tempfile::Builder::new()
            .prefix("treaty-amend-")
            .tempdir()
            .unwrap();
        std::fs::create_dir_all(root.path().join("home")).unwrap();
        std::fs::create_dir_all(root.path().join("repo")).unwrap();
        Sandbox { root }
    }

    /// The shipped sample, committed as the first commit of a fresh repository.
    pub fn with_sample() -> Sandbox {
        let s = Sandbox::new();
        for sub in ["drafts", "positions", "themes"] {
            copy_dir(&repo_root().join(sub), &s.repo().join(sub));
        }
        s.git_init();
        s.git(&["add", "-A"]);
        s.git(&["commit", "-q", "-m", "Compilation text"]);
        s
    }

    pub fn repo(&self) -> PathBuf {
        self.root.path().join("repo")
    }

    pub fn home(&self) -> PathBuf {
        self.root.path().join("home")
    }

    pub fn git_init(&self) {
        self.git(&["init", "-q", "-b", "main"]);
        self.git(&["config", "user.name", testing::NAME]);
        self.git(&["config", "user.email", testing::EMAIL]);
    }

    /// System git in the negotiation folder, hermetic; panics if it fails.
    pub fn git(&self, args: &[&str]) -> String {
        self.git_in(&self.repo(), args)
    }

    /// System git in `dir` (a clone, a server), hermetic; panics if it fails.
    pub fn git_in(&self, dir: &Path, args: &[&str]) -> String {
        let out = testing::git_command(dir, &self.home())
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "git {args:?} in {}: {}",
            dir.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// An empty bare repository `name` in the sandbox's home, branch `main`: a server.
    pub fn bare_server(&self, name: &str) -> PathBuf {
        let server = self.home().join(name);
        self.git_in(
            &self.home(),
            &[
                "init",
                "-q",
                "--bare",
                "-b",
                "main",
                server.to_str().unwrap(),
            ],
        );
        server
    }

    pub fn treaty_cmd(&self, dir: &Path, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_treaty"));
        cmd.args(args).current_dir(dir);
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("GIT_") {
                cmd.env_remove(key);
            }
        }
        cmd.env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("HOME", self.home())
            .env("XDG_CONFIG_HOME", self.home())
            .env("NO_COLOR", "1")
            .env_remove("VISUAL")
            .env_remove("EDITOR");
        cmd
    }

    /// Runs `treaty` in the negotiation folder.
    pub fn treaty(&self, args: &[&str]) -> Output {
        self.treaty_cmd(&self.repo(), args).output().unwrap()
    }

    pub fn head(&self) -> String {
        self.git(&["rev-parse", "HEAD"]).trim().to_string()
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.repo().join(rel)).unwrap()
    }

    /// Every work-tree file (not .git) and its bytes.
    pub fn work_tree(&self) -> Vec<(PathBuf, Vec<u8>)> {
        crate::support::snapshot(&self.repo())
            .into_iter()
            .filter(|(p, _)| !p.starts_with(".git"))
            .collect()
    }
}

/// `(key, value)` pairs as `git interpret-trailers --parse` reads the message of `rev`.
pub fn trailers(s: &Sandbox, rev: &str) -> Vec<(String, String)> {
    let msg = s.git(&["log", "-1", "--format=%B", rev]);
    let file = s.home().join("msg.txt");
    std::fs::write(&file, msg).unwrap();
    let parsed = s.git(&["interpret-trailers", "--parse", file.to_str().unwrap()]);
    parsed
        .lines()
        .map(|l| {
            let (k, v) = l.split_once(": ").unwrap_or((l, ""));
            (k.to_string(), v.to_string())
        })
        .collect()
}

/// The amendment id a successful `treaty amend` printed.
pub fn printed_id(out: &Output) -> String {
    let text = stdout(out);
    let line = text
        .lines()
        .find(|l| l.starts_with("recorded amendment "))
        .unwrap_or_else(|| panic!("no amendment recorded: {text}\n{}", stderr(out)));
    line.split_whitespace().nth(2).unwrap().to_string()
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "treaty failed: {}\n{}",
        stdout(out),
        stderr(out)
    );
    stdout(out)
}

struct Case {
    args: &'static [&'static str],
    kind: &'static str,
    proposers: &'static str,
    clauses: &'static [&'static str],
    files: &'static [&'static str],
    file: &'static str,
    contains: &'static str,
    lacks: &'static str,
}

#[test]
fn every_kind_is_one_commit_with_exact_trailers_and_the_expected_change() {
    let s = Sandbox::with_sample();
    ok(&s.treaty(&["round", "start", "r1", "-m", "First session"]));
    let cases = [
        Case {
            args: &[
                "--kind",
                "replace",
                "--clause",
                "capacity.1",
                "--by",
                "usa,JPN",
                "--text",
                "Parties shall cooperate on capacity.",
            ],
            kind: "replace",
            proposers: "USA, JPN",
            clauses: &["capacity.1"],
            files: &["drafts/articles/capacity.md"],
            file: "drafts/articles/capacity.md",
            contains: "1. Parties shall cooperate on capacity. {#capacity.1}",
            lacks: "in particular least developed",
        },
        Case {
            args: &[
                "--kind",
                "insert",
                "--after",
                "fund.4",
                "--id",
                "fund.4bis",
                "--label",
                "4 bis",
                "--by",
                "G77",
                "--text",
                "[Parties in tier 1 shall report every two years.]",
            ],
            kind: "insert",
            proposers: "G77",
            clauses: &["fund.4bis"],
            files: &["drafts/articles/fund.md"],
            file: "drafts/articles/fund.md",
            contains: "4 bis. [Parties in tier 1 shall report every two years.] {#fund.4bis}",
            lacks: "{#fund.4bis}}",
        },
        Case {
            args: &[
                "--kind",
                "delete",
                "--clause",
                "disputes.3",
                "--by",
                "CHAIR",
            ],
            kind: "delete",
            proposers: "CHAIR",
            clauses: &["disputes.3"],
            files: &["drafts/articles/disputes.md", "drafts/retired-ids"],
            file: "drafts/articles/disputes.md",
            contains: "{#disputes.2}",
            lacks: "{#disputes.3}",
        },
        Case {
            args: &[
                "--kind",
                "bracket",
                "--clause",
                "remedies.3",
                "--phrase",
                "independent",
                "--by",
                "CHN",
            ],
            kind: "bracket",
            proposers: "CHN",
            clauses: &["remedies.3"],
            files: &["drafts/articles/remedies.md"],
            file: "drafts/articles/remedies.md",
            contains: "[independent]",
            lacks: "[[independent]]",
        },
        Case {
            args: &[
                "--kind",
                "lift-brackets",
                "--clause",
                "vulnerable.2",
                "--by",
                "CHAIR",
            ],
            kind: "lift-brackets",
            proposers: "CHAIR",
            clauses: &["vulnerable.2"],
            files: &["drafts/articles/vulnerable.md"],
            file: "drafts/articles/vulnerable.md",
            contains: "2. Each Party shall ensure that artificial intelligence systems intended for use by or on children",
            lacks: "2. [Each Party",
        },
        Case {
            args: &[
                "--kind",
                "choose-option",
                "--clause",
                "reservations.1",
                "--group",
                "1",
                "--option",
                "1",
                "--by",
                "CHAIR",
            ],
            kind: "choose-option",
            proposers: "CHAIR",
            clauses: &["reservations.1"],
            files: &["drafts/articles/reservations.md"],
            file: "drafts/articles/reservations.md",
            contains: "{#reservations.1}",
            lacks: "Option 2:",
        },
        Case {
            args: &[
                "--kind",
                "move",
                "--clause",
                "martens",
                "--after",
                "principles",
                "--by",
                "AGN,EU,CHE",
            ],
            kind: "move",
            proposers: "AGN, EU, CHE",
            clauses: &["martens"],
            files: &["drafts/treaty.md"],
            file: "drafts/treaty.md",
            contains: "(articles/principles.md)\n- [Article 23. Human dignity where this Convention is silent](articles/martens.md)\n",
            lacks: "(articles/intentionally-absent.md)",
        },
        Case {
            args: &[
                "--kind", "renumber", "--clause", "martens", "--label", "4 bis", "--by", "CHAIR",
            ],
            kind: "renumber",
            proposers: "CHAIR",
            clauses: &["martens"],
            files: &["drafts/articles/martens.md", "drafts/treaty.md"],
            file: "drafts/articles/martens.md",
            contains: "### Article 4 bis.",
            lacks: "### Article 23.",
        },
        Case {
            args: &[
                "--kind", "re-tier", "--party", "IND", "--tier", "2", "--by", "IND,G77",
            ],
            kind: "re-tier",
            proposers: "IND, G77",
            clauses: &[],
            files: &["drafts/tiers.ron"],
            file: "drafts/tiers.ron",
            contains: "(code: \"IND\", name: \"India\", tier: 2)",
            lacks: "(code: \"IND\", name: \"India\", tier: 1)",
        },
        Case {
            args: &[
                "--kind",
                "annex",
                "--annex",
                "annex-laws",
                "--status",
                "under-negotiation",
                "--by",
                "AGN",
            ],
            kind: "annex",
            proposers: "AGN",
            clauses: &["annex-laws"],
            files: &["drafts/annexes.ron"],
            file: "drafts/annexes.ron",
            contains: "opponents: [\"USA\", \"GBR\"],\n            status: UnderNegotiation,",
            lacks: "opponents: [\"USA\", \"GBR\"],\n            status: Proposed,",
        },
    ];
    for case in &cases {
        let before = s.head();
        let before_file = s.read(case.file);
        let mut args = vec!["amend"];
        args.extend_from_slice(case.args);
        let out = s.treaty(&args);
        let printed = ok(&out);
        let id = printed_id(&out);
        let head = s.head();
        assert_eq!(
            s.git(&["rev-parse", "HEAD^"]).trim(),
            before,
            "{}: exactly one new commit",
            case.kind
        );
        assert!(printed.contains(&head), "{printed}");
        for c in case.clauses {
            assert!(
                printed.contains(c),
                "{}: clauses printed: {printed}",
                case.kind
            );
        }
        let mut expected = vec![
            ("Amendment-Id".to_string(), id.clone()),
            ("Proposed-by".to_string(), case.proposers.to_string()),
        ];
        for c in case.clauses {
            expected.push(("Clause".to_string(), c.to_string()));
        }
        expected.push(("Kind".to_string(), case.kind.to_string()));
        expected.push(("Round".to_string(), "r1".to_string()));
        expected.push(("Status".to_string(), "adopted".to_string()));
        assert_eq!(trailers(&s, "HEAD"), expected, "{}", case.kind);
        let changed = s.git(&["show", "--format=", "--name-only", "HEAD"]);
        let mut changed: Vec<&str> = changed.lines().collect();
        changed.sort();
        assert_eq!(changed, case.files, "{}", case.kind);
        let after_file = s.read(case.file);
        assert_ne!(after_file, before_file, "{}", case.kind);
        assert!(
            after_file.contains(case.contains),
            "{}: {after_file}",
            case.kind
        );
        assert!(
            !after_file.contains(case.lacks),
            "{}: {after_file}",
            case.kind
        );
        assert_eq!(
            s.git(&["show", &format!("HEAD:{}", case.file)]),
            after_file,
            "{}: the work tree follows the commit",
            case.kind
        );
        let author = s.git(&["log", "-1", "--format=%an <%ae>"]);
        assert_eq!(
            author.trim(),
            format!("{} <{}>", testing::NAME, testing::EMAIL)
        );
    }
    assert_eq!(s.git(&["status", "--porcelain"]), "");
    assert_eq!(
        s.git(&["rev-list", "--count", "HEAD"]).trim(),
        (1 + cases.len()).to_string()
    );
    // An explicit --round wins over the current round.
    let out = s.treaty(&[
        "amend",
        "--kind",
        "bracket",
        "--clause",
        "capacity.1",
        "--by",
        "EU",
        "--round",
        "intersessional",
        "-m",
        "EU brackets the whole paragraph",
    ]);
    ok(&out);
    let t = trailers(&s, "HEAD");
    assert!(
        t.contains(&("Round".into(), "intersessional".into())),
        "{t:?}"
    );
    assert_eq!(
        s.git(&["log", "-1", "--format=%s"]).trim(),
        "EU brackets the whole paragraph"
    );
}

#[test]
fn refusals_change_nothing_and_say_what_to_do() {
    let s = Sandbox::with_sample();
    let head = s.head();
    let files = s.work_tree();
    let cases: [(&[&str], &str); 8] = [
        (
            &["--kind", "delete", "--clause", "capacity.9", "--by", "EU"],
            "unknown clause id `capacity.9`",
        ),
        (
            &["--kind", "delete", "--clause", "capacity.1", "--by", "EUU"],
            "unknown delegation `EUU`: did you mean `EU`?",
        ),
        (
            &[
                "--kind",
                "choose-option",
                "--clause",
                "reservations.1",
                "--group",
                "1",
                "--option",
                "7",
                "--by",
                "CHAIR",
            ],
            "there is no option 7",
        ),
        (
            &[
                "--kind",
                "choose-option",
                "--clause",
                "reservations.1",
                "--group",
                "9",
                "--option",
                "1",
                "--by",
                "CHAIR",
            ],
            "there is no group 9",
        ),
        (
            &["--kind", "replace", "--clause", "capacity.1", "--by", "EU"],
            "needs the new wording: --text T, --file F or --editor",
        ),
        (
            &[
                "--kind", "re-tier", "--party", "XYZ", "--tier", "2", "--by", "EU",
            ],
            "unknown Party `XYZ`",
        ),
        (
            &[
                "--kind",
                "choose-option",
                "--clause",
                "reservations.1",
                "--group",
                "0",
                "--option",
                "1",
                "--by",
                "CHAIR",
            ],
            "--group counts from 1",
        ),
        (
            &[
                "--kind",
                "delete",
                "--clause",
                "capacity.1",
                "--by",
                "EU",
                "--base",
                "nope",
            ],
            "there is no commit `nope` in this record",
        ),
    ];
    for (args, message) in cases {
        let mut all = vec!["amend"];
        all.extend_from_slice(args);
        let out = s.treaty(&all);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(message), "{args:?}: {}", stderr(&out));
        assert_eq!(s.head(), head, "{args:?}");
        assert!(s.work_tree() == files, "{args:?}: the work tree changed");
    }
    let out = s.treaty(&["amend", "--kind", "amend", "--clause", "x", "--by", "EU"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("lift-brackets"), "{}", stderr(&out));
    assert_eq!(s.head(), head);
}

#[test]
fn uncommitted_edits_are_neither_swept_in_nor_lost() {
    let s = Sandbox::with_sample();
    let eu = s.read("positions/eu.ron");
    let edited_eu = format!("{eu}// my notes for tomorrow\n");
    std::fs::write(s.repo().join("positions/eu.ron"), &edited_eu).unwrap();
    std::fs::write(s.repo().join("notes.txt"), "unrelated\n").unwrap();
    let capacity = s.read("drafts/articles/capacity.md");
    let edited_capacity = capacity.replace("Parties shall cooperate", "Parties will cooperate");
    std::fs::write(
        s.repo().join("drafts/articles/capacity.md"),
        &edited_capacity,
    )
    .unwrap();

    let out = s.treaty(&[
        "amend",
        "--kind",
        "bracket",
        "--clause",
        "capacity.1",
        "--phrase",
        "in particular",
        "--by",
        "EU",
    ]);
    let printed = ok(&out);
    assert!(
        printed.contains("note: drafts/articles/capacity.md holds your own uncommitted edits"),
        "{printed}"
    );
    assert_eq!(
        s.git(&["show", "--format=", "--name-only", "HEAD"]).trim(),
        "drafts/articles/capacity.md"
    );
    let committed = s.git(&["show", "HEAD:drafts/articles/capacity.md"]);
    assert!(committed.contains("Parties shall cooperate"));
    assert!(committed.contains("[in particular]"));
    assert_eq!(s.read("positions/eu.ron"), edited_eu);
    assert_eq!(s.read("notes.txt"), "unrelated\n");
    assert_eq!(s.read("drafts/articles/capacity.md"), edited_capacity);
    assert_eq!(s.git(&["show", "HEAD:positions/eu.ron"]), eu);
}

#[test]
fn text_from_a_file_or_the_editor() {
    let s = Sandbox::with_sample();
    let file = s.home().join("wording.txt");
    std::fs::write(&file, "Parties shall cooperate, as agreed.\n").unwrap();
    ok(&s.treaty(&[
        "amend",
        "--kind",
        "replace",
        "--clause",
        "capacity.1",
        "--by",
        "EU",
        "--file",
        file.to_str().unwrap(),
    ]));
    assert!(
        s.read("drafts/articles/capacity.md")
            .contains("1. Parties shall cooperate, as agreed. {#capacity.1}")
    );

    // The editor starts from the clause's text as of HEAD.
    let out = s
        .treaty_cmd(
            &s.repo(),
            &[
                "amend",
                "--kind",
                "replace",
                "--clause",
                "capacity.1",
                "--by",
                "EU",
                "--editor",
            ],
        )
        .env("EDITOR", "sed -i s/agreed/decided/")
        .output()
        .unwrap();
    ok(&out);
    assert!(
        s.read("drafts/articles/capacity.md")
            .contains("1. Parties shall cooperate, as decided. {#capacity.1}")
    );
}

#[test]
fn rounds_start_and_list_in_order() {
    let s = Sandbox::with_sample();
    let out = s.treaty(&["round", "list"]);
    assert!(ok(&out).contains("no rounds yet"));
    ok(&s.treaty(&["round", "start", "geneva-1", "-m", "First session"]));
    ok(&s.treaty(&[
        "amend",
        "--kind",
        "delete",
        "--clause",
        "disputes.3",
        "--by",
        "CHAIR",
    ]));
    ok(&s.treaty(&["round", "start", "nairobi-2"]));
    let out = s.treaty(&["round", "start", "nairobi-2"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("already exists"), "{}", stderr(&out));
    let bad = s.treaty(&["round", "start", "two words"]);
    assert!(
        stderr(&bad).contains("spaces are not allowed"),
        "{}",
        stderr(&bad)
    );
    // --repo works from anywhere.
    let out = s
        .treaty_cmd(
            &s.home(),
            &["--repo", s.repo().to_str().unwrap(), "round", "list"],
        )
        .output()
        .unwrap();
    let listed = ok(&out);
    let lines: Vec<&str> = listed.lines().collect();
    assert_eq!(lines.len(), 2, "{listed}");
    assert!(lines[0].starts_with("  geneva-1") && lines[0].contains("First session"));
    assert!(lines[1].starts_with("* nairobi-2"), "{listed}");
    assert_eq!(
        s.git(&["tag", "-l", "round/*"]).lines().collect::<Vec<_>>(),
        ["round/geneva-1", "round/nairobi-2"]
    );
    assert_eq!(s.git(&["cat-file", "-t", "round/geneva-1"]).trim(), "tag");
}

#[test]
fn init_makes_a_clean_negotiation_and_refuses_twice() {
    let s = Sandbox::new();
    s.git_init();
    std::fs::write(s.repo().join("README.md"), "ours\n").unwrap();
    let out = s.treaty(&["init"]);
    ok(&out);
    let check = s.treaty(&["check"]);
    assert!(
        check.status.success(),
        "{}{}",
        stdout(&check),
        stderr(&check)
    );
    assert!(
        stderr(&check).contains("0 errors, 0 warnings"),
        "{}",
        stderr(&check)
    );
    assert_eq!(s.git(&["log", "-1", "--format=%s"]).trim(), "Zero draft");
    let t = trailers(&s, "HEAD");
    assert!(t.contains(&("Proposed-by".into(), "CHAIR".into())), "{t:?}");
    assert!(t.contains(&("Kind".into(), "insert".into())), "{t:?}");
    assert!(s.repo().join("positions").is_dir());
    assert_eq!(s.git(&["status", "--porcelain"]), "?? README.md\n");
    let head = s.head();
    let again = s.treaty(&["init"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(
        stderr(&again).contains("already exists"),
        "{}",
        stderr(&again)
    );
    assert_eq!(s.head(), head);

    // A new folder gets a repository of its own.
    let fresh = s.home().join("fresh");
    let out = s
        .treaty_cmd(&s.home(), &["init", fresh.to_str().unwrap()])
        .output()
        .unwrap();
    // No identity configured anywhere: the error says how to set one.
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("git config user.name"),
        "{}",
        stderr(&out)
    );
    assert!(!fresh.exists(), "nothing is created without an identity");
}

fn demo(dir: &Path, s: &Sandbox) -> Output {
    s.treaty_cmd(
        &s.home(),
        &["demo", "--no-tui", "--dir", dir.to_str().unwrap()],
    )
    .output()
    .unwrap()
}

#[test]
fn demo_builds_a_deterministic_multi_round_history_that_checks_clean() {
    let s = Sandbox::new();
    let a = s.home().join("demo-a");
    let b = s.home().join("demo-b");
    let out = demo(&a, &s);
    let printed = ok(&out);
    assert!(printed.contains("treaty --repo"), "{printed}");
    ok(&demo(&b, &s));
    let git = |dir: &Path, args: &[&str]| {
        let out = testing::git_command(dir, &s.home())
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let head_a = git(&a, &["rev-parse", "HEAD"]);
    assert_eq!(
        head_a,
        git(&b, &["rev-parse", "HEAD"]),
        "same script, same commits"
    );
    assert_eq!(
        git(&a, &["tag", "-l", "round/*"]),
        git(&b, &["tag", "-l", "round/*"])
    );

    let rounds = git(&a, &["tag", "-l", "round/*"]).lines().count();
    assert!(rounds >= 3, "{rounds} rounds");
    let ids = git(
        &a,
        &["log", "--format=%(trailers:key=Amendment-Id,valueonly)"],
    );
    let ids: Vec<&str> = ids.lines().filter(|l| !l.is_empty()).collect();
    assert!(ids.len() > 40, "{} amendments", ids.len());
    let unique: std::collections::BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len());
    let authors = git(&a, &["log", "--format=%an"]);
    let authors: std::collections::BTreeSet<&str> = authors.lines().collect();
    assert!(authors.len() >= 6, "{authors:?}");
    let rounds_recorded = git(&a, &["log", "--format=%(trailers:key=Round,valueonly)"]);
    let rounds_recorded: std::collections::BTreeSet<&str> =
        rounds_recorded.lines().filter(|l| !l.is_empty()).collect();
    assert!(rounds_recorded.len() >= 3, "{rounds_recorded:?}");
    for kind in [
        "bracket",
        "lift-brackets",
        "choose-option",
        "annex",
        "re-tier",
        "delete",
    ] {
        let kinds = git(&a, &["log", "--format=%(trailers:key=Kind,valueonly)"]);
        assert!(kinds.lines().any(|k| k == kind), "no {kind} amendment");
    }
    assert_eq!(git(&a, &["status", "--porcelain"]), "");
    git(&a, &["fsck", "--full"]);
    let check = s.treaty_cmd(&a, &["check"]).output().unwrap();
    assert!(
        check.status.success(),
        "{}{}",
        stdout(&check),
        stderr(&check)
    );
    assert!(
        stderr(&check).contains(" 0 errors, 0 warnings"),
        "{}",
        stderr(&check)
    );

    // Not into a folder that holds something.
    let again = demo(&a, &s);
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("not empty"), "{}", stderr(&again));
    assert_eq!(git(&a, &["rev-parse", "HEAD"]), head_a);
}

/// treaty names the author and committer as git would: `GIT_AUTHOR_*` and
/// `GIT_COMMITTER_*` first, then the configuration git reads, where `GIT_CONFIG_GLOBAL`
/// replaces `~/.gitconfig` (libgit2 read `~/.gitconfig` regardless).
#[test]
fn the_identity_is_git_s_own_environment_and_configuration() {
    let s = Sandbox::with_sample();
    s.git(&["config", "--unset", "user.name"]);
    s.git(&["config", "--unset", "user.email"]);
    std::fs::write(
        s.home().join(".gitconfig"),
        "[user]\n\tname = Home Config\n\temail = home@config.invalid\n",
    )
    .unwrap();
    let amend = |extra: &[(&str, &str)], text: &str| {
        let mut cmd = s.treaty_cmd(
            &s.repo(),
            &[
                "amend", "--kind", "replace", "--clause", "fund.1", "--by", "EU", "--text", text,
            ],
        );
        for (k, v) in extra {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    };
    // GIT_CONFIG_GLOBAL=/dev/null (as the sandbox sets it): git knows no one, nor does treaty.
    let head = s.head();
    let o = amend(&[], "Parties shall contribute.");
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(
        stderr(&o).contains("git does not know who"),
        "{}",
        stderr(&o)
    );
    assert_eq!(s.head(), head);
    // A global file named by GIT_CONFIG_GLOBAL is read.
    let global = s.home().join("other.gitconfig");
    std::fs::write(
        &global,
        "[user]\n\tname = Named File\n\temail = named@file.invalid\n",
    )
    .unwrap();
    let o = amend(
        &[("GIT_CONFIG_GLOBAL", global.to_str().unwrap())],
        "Parties shall contribute.",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let who = s.git(&["log", "-1", "--format=%an <%ae>|%cn <%ce>"]);
    assert_eq!(
        who.trim(),
        "Named File <named@file.invalid>|Named File <named@file.invalid>"
    );
    // The variables name each role, as for git commit.
    let o = amend(
        &[
            ("GIT_AUTHOR_NAME", "Drafter"),
            ("GIT_AUTHOR_EMAIL", "drafter@eu.invalid"),
            ("GIT_COMMITTER_NAME", "Chair"),
            ("GIT_COMMITTER_EMAIL", "chair@secretariat.invalid"),
        ],
        "Parties should contribute.",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let who = s.git(&["log", "-1", "--format=%an <%ae>|%cn <%ce>"]);
    assert_eq!(
        who.trim(),
        "Drafter <drafter@eu.invalid>|Chair <chair@secretariat.invalid>"
    );
}

/// Another delegate settles observatory.1 (option 2 of its first group) as the EU.
fn eu_settles_observatory_1(s: &Sandbox) {
    ok(&s.treaty(&[
        "amend",
        "--kind",
        "choose-option",
        "--clause",
        "observatory.1",
        "--group",
        "1",
        "--option",
        "2",
        "--by",
        "EU",
    ]));
}

/// `treaty propose --base`: the same compare-and-swap as amend, for a proposal.
#[test]
fn base_refuses_a_proposal_on_a_clause_changed_since_and_writes_nothing() {
    let s = Sandbox::with_sample();
    let base = s.head();
    eu_settles_observatory_1(&s);
    let theirs = s.head();
    let before = s.work_tree();
    // As the head of the US delegation (the roster's member for USA).
    let propose = |base: &str| {
        Command::new(env!("CARGO_BIN_EXE_treaty"))
            .args([
                "propose",
                "--clause",
                "observatory.1",
                "--base",
                base,
                "--text",
                "An independent Global AI Observatory is hereby established.",
            ])
            .current_dir(s.repo())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_AUTHOR_NAME", "Head of delegation")
            .env("GIT_AUTHOR_EMAIL", "head@usa.delegation.invalid")
            .env("GIT_COMMITTER_NAME", "Head of delegation")
            .env("GIT_COMMITTER_EMAIL", "head@usa.delegation.invalid")
            .output()
            .expect("treaty runs")
    };
    let out = propose(&base);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(4), "{err}");
    assert!(
        err.contains("observatory.1 was amended since you started (by EU): nothing was recorded"),
        "{err}"
    );
    assert!(err.contains("  base:  An independent"), "{err}");
    assert!(err.contains("  yours: "), "{err}");
    assert_eq!(s.head(), theirs, "nothing recorded");
    assert_eq!(s.work_tree(), before, "nothing written");
    // A base that is not in the record's history is refused before anything is read.
    let out = propose("no-such-commit");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(s.head(), theirs);
    // Against the text as it stands, the proposal is made.
    let out = propose(&theirs[..10]);
    ok(&out);
    assert!(stdout(&out).starts_with("pr-"), "{}", stdout(&out));
    assert_ne!(s.head(), theirs);
}

#[test]
fn base_refuses_an_amendment_to_a_clause_changed_since_and_writes_nothing() {
    let s = Sandbox::with_sample();
    let base = s.head();
    // Another delegate settles observatory.1 first.
    eu_settles_observatory_1(&s);
    let theirs = s.head();
    let before = s.work_tree();
    let replace = |clause: &str, base: &str, text: &str| {
        s.treaty(&[
            "amend", "--kind", "replace", "--clause", clause, "--by", "USA", "--base", base,
            "--text", text,
        ])
    };
    let established = "An independent Global AI Observatory is hereby established.";
    let out = replace("observatory.1", &base, established);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("observatory.1 was amended since you started (by EU): nothing was recorded"),
        "{err}"
    );
    assert!(err.contains("  base:  An independent"), "{err}");
    assert!(
        err.contains(
            "[-[as a subsidiary body of the Conference of the Parties][-]as an intergovernmental"
        ),
        "the change since the base is marked:\n{err}"
    );
    assert!(err.contains("  yours: "), "{err}");
    assert_eq!(s.head(), theirs, "nothing recorded");
    assert_eq!(s.work_tree(), before, "nothing written");

    // Against the new text (a short id works too), and on another clause, it lands.
    ok(&replace("observatory.1", &theirs[..10], established));
    ok(&replace(
        "capacity.1",
        &base,
        "Parties shall cooperate on capacity.",
    ));
    let text = s.read("drafts/articles/observatory.md");
    assert!(
        text.contains(&format!("1. {established} {{#observatory.1}}")),
        "{text}"
    );
}
