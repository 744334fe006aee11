//! The shared record against a hostile delegation and an unlucky user (issue #15): one
//! test (or more) per hole, each failing on the record as it was and passing now.

use std::path::{Path, PathBuf};
use std::process::Output;

use treaty_workbench::testing;

use crate::amend::Sandbox;
use crate::support::{stderr, stdout};

/// System git in the sandbox as `email` (author and committer); panics if it fails.
fn git_as(s: &Sandbox, dir: &Path, email: &str, args: &[&str]) -> String {
    let out = testing::git_command(dir, &s.home())
        .env("GIT_AUTHOR_EMAIL", email)
        .env("GIT_COMMITTER_EMAIL", email)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// System git in `dir`, as the sandbox's identity, returning the whole output (to check
/// a refusal).
fn git_output(s: &Sandbox, dir: &Path, args: &[&str]) -> Output {
    testing::git_command(dir, &s.home())
        .args(args)
        .output()
        .unwrap()
}

/// The bundled demo built into the sandbox's repository (it passes verify: issue #15.16).
fn demo() -> Sandbox {
    let s = Sandbox::new();
    let repo = s.repo();
    let o = s.treaty(&["demo", "--dir", repo.to_str().unwrap(), "--no-tui"]);
    assert!(o.status.success(), "{}", stderr(&o));
    s
}

const USA: &str = "head@usa.delegation.invalid";
const EU: &str = "head@eu.delegation.invalid";

// ---- 1. forged attribution ------------------------------------------------------------

#[test]
fn a_trailer_block_git_does_not_read_credits_no_one_and_verify_refuses_it() {
    let s = demo();
    std::fs::write(s.repo().join("notes.txt"), "minutes\n").unwrap();
    s.git(&["add", "notes.txt"]);
    // `Proposed-by: EU` plus one ordinary line: git sees no trailer block there.
    let message = "Amend fund.1\n\nAmendment-Id: am-0000000000f1\nProposed-by: EU\nKind: replace\nClause: fund.1\nan ordinary line\n";
    git_as(&s, &s.repo(), USA, &["commit", "-q", "-m", message]);
    // git itself reads no `Proposed-by` trailer in that message.
    let by = s.git(&["log", "-1", "--format=%(trailers:key=Proposed-by)"]);
    assert!(by.trim().is_empty(), "{by}");
    let o = s.treaty(&["verify", "HEAD~1..HEAD"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(
        stdout(&o).contains(
            "`Proposed-by: EU`, looks like an attribution but is not in the trailer block git reads"
        ),
        "{}",
        stdout(&o)
    );
    // No listing credits EU with it.
    let log = stdout(&s.treaty(&["log", "--by", "EU", "--json"]));
    assert!(!log.contains("am-0000000000f1"), "{log}");
    let log = stdout(&s.treaty(&["log"]));
    assert!(log.contains("(no amendment record)"), "{log}");
}

// ---- 2. symbolic links out of the negotiation -----------------------------------------

#[test]
fn links_out_of_drafts_and_positions_are_refused_on_disk_and_in_git() {
    let s = Sandbox::with_sample();
    let outside = s.home().join("private");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(
        outside.join("id_ed25519"),
        "### Article 99. Notes {#notes}\n\n1. SECRET-KEY-MATERIAL {#notes.1}\n",
    )
    .unwrap();
    std::fs::write(
        outside.join("evil.ron"),
        "(version: 1, code: \"SECRET-KEY-MATERIAL\")\n",
    )
    .unwrap();
    // A linked folder, with a regular file inside: the file name itself is no link.
    std::os::unix::fs::symlink(&outside, s.repo().join("drafts/articles/notes")).unwrap();
    std::os::unix::fs::symlink(outside.join("evil.ron"), s.repo().join("positions/zz.ron"))
        .unwrap();
    let front = s.read("drafts/treaty.md");
    std::fs::write(
        s.repo().join("drafts/treaty.md"),
        format!("{front}\n- [Article 99. Notes](articles/notes/id_ed25519)\n"),
    )
    .unwrap();
    let o = s.treaty(&["check"]);
    assert_eq!(o.status.code(), Some(1));
    let all = format!("{}{}", stdout(&o), stderr(&o));
    assert!(all.contains("path leaves the drafts folder"), "{all}");
    assert!(
        all.contains("positions/zz.ron:1:1: error: a symbolic link that leads outside positions/"),
        "{all}"
    );
    let o = s.treaty(&["export", "--format", "md"]);
    assert!(!stdout(&o).contains("SECRET-KEY-MATERIAL"));
    assert!(!stderr(&o).contains("SECRET-KEY-MATERIAL"));

    // In a commit's tree a link is never read as the file it names.
    std::fs::remove_file(s.repo().join("drafts/articles/notes")).unwrap();
    std::os::unix::fs::symlink(
        outside.join("id_ed25519"),
        s.repo().join("drafts/articles/notes.md"),
    )
    .unwrap();
    std::fs::write(
        s.repo().join("drafts/treaty.md"),
        format!("{front}\n- [Article 99. Notes](articles/notes.md)\n"),
    )
    .unwrap();
    std::fs::remove_file(s.repo().join("positions/zz.ron")).unwrap();
    s.git(&["add", "-A"]);
    s.git(&["commit", "-q", "-m", "A link"]);
    let o = s.treaty(&["export", "--format", "md", "--at", "HEAD"]);
    assert!(!stdout(&o).contains("SECRET-KEY-MATERIAL"));
    let o = s.treaty(&["diff", "HEAD~1", "HEAD"]);
    assert!(
        !stdout(&o).contains("SECRET-KEY-MATERIAL"),
        "{}",
        stdout(&o)
    );
}

// ---- 3 and 5. the server's hook, and sync against it ----------------------------------

/// A bare server with the hook next to the sandbox's repository, holding the demo.
fn serve(s: &Sandbox) -> PathBuf {
    let server = s.bare_server("server.git");
    let o = s.treaty(&[
        "hook",
        "install",
        "--server",
        "--repo",
        server.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    s.git(&["remote", "add", "origin", server.to_str().unwrap()]);
    let o = git_output(
        s,
        &s.repo(),
        &[
            "push",
            "origin",
            "main",
            "refs/tags/round/*:refs/tags/round/*",
        ],
    );
    assert!(
        o.status.success(),
        "the demo passes the hook: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    server
}

#[test]
fn the_hook_refuses_rewritten_history_and_moved_or_forged_rounds() {
    let s = demo();
    let server = serve(&s);
    let tip = s.head();
    let server_head = |s: &Sandbox| {
        String::from_utf8_lossy(&git_output(s, &server, &["rev-parse", "main"]).stdout)
            .trim()
            .to_string()
    };
    assert_eq!(server_head(&s), tip);

    let o = git_output(&s, &s.repo(), &["push", "-f", "origin", "HEAD~5:main"]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("rewrites history"), "{err}");
    assert_eq!(server_head(&s), tip, "five amendments stay");

    let o = git_output(&s, &s.repo(), &["push", "origin", ":main"]);
    assert!(!o.status.success());
    assert_eq!(server_head(&s), tip);

    let o = git_output(
        &s,
        &s.repo(),
        &["push", "origin", ":refs/tags/round/r1-geneva"],
    );
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("deletes the round tag round/r1-geneva"));

    s.git(&["tag", "-f", "-a", "-m", "moved", "round/r1-geneva", "HEAD"]);
    let o = git_output(
        &s,
        &s.repo(),
        &["push", "-f", "origin", "refs/tags/round/r1-geneva"],
    );
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("moves the round tag round/r1-geneva"));

    git_as(
        &s,
        &s.repo(),
        USA,
        &["tag", "-a", "-m", "Round of our own", "round/usa", "HEAD"],
    );
    let o = git_output(&s, &s.repo(), &["push", "origin", "refs/tags/round/usa"]);
    assert!(!o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("only the chair starts rounds"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    s.git(&["tag", "round/light", "HEAD"]);
    let o = git_output(&s, &s.repo(), &["push", "origin", "refs/tags/round/light"]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("lightweight tag"));
}

#[test]
fn sync_reports_a_moved_round_and_a_refusal_with_the_servers_reasons() {
    let s = demo();
    let server = serve(&s);
    // A clone whose delegate is USA's head of delegation.
    let usa = s.home().join("usa");
    let o = git_output(
        &s,
        &s.home(),
        &[
            "clone",
            "-q",
            server.to_str().unwrap(),
            usa.to_str().unwrap(),
        ],
    );
    assert!(o.status.success());
    git_output(&s, &usa, &["config", "user.email", USA]);
    git_output(
        &s,
        &usa,
        &[
            "config",
            "user.name",
            "Head of delegation, United States of America",
        ],
    );
    let o = s
        .treaty_cmd(
            &usa,
            &[
                "amend",
                "--kind",
                "replace",
                "--clause",
                "fund.1",
                "--by",
                "USA",
                "--text",
                "Parties may contribute.",
            ],
        )
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    // The draft is the chair's to land: the server says so, and sync says what it said,
    // at once, rather than "the remote moved again" forever.
    let started = std::time::Instant::now();
    let o = s.treaty_cmd(&usa, &["sync"]).output().unwrap();
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("the remote refused your amendments (refs/heads/main)"),
        "{err}"
    );
    assert!(
        err.contains("which only the chair and secretariat land"),
        "{err}"
    );
    assert!(!err.contains("moved"), "{err}");
    assert!(started.elapsed() < std::time::Duration::from_secs(60));

    // A round tag moved on a server without the hook: every clone is told so.
    std::fs::remove_file(server.join("hooks/pre-receive")).unwrap();
    let chair_tip = s.head();
    let o = git_output(
        &s,
        &server,
        &[
            "tag",
            "-f",
            "-a",
            "-m",
            "moved",
            "round/r2-nairobi",
            &chair_tip,
        ],
    );
    assert!(o.status.success());
    let o = s.treaty(&["sync"]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("the round tag round/r2-nairobi differs here"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_forged_commit_on_the_remote_does_not_block_the_chairs_sync() {
    let s = demo();
    let server = serve(&s);
    // Before the hook was there, someone pushed a forged commit.
    std::fs::rename(server.join("hooks/pre-receive"), server.join("hooks/off")).unwrap();
    let other = s.home().join("other");
    git_output(
        &s,
        &s.home(),
        &[
            "clone",
            "-q",
            server.to_str().unwrap(),
            other.to_str().unwrap(),
        ],
    );
    std::fs::write(
        other.join("positions/eu.ron"),
        s.read("positions/eu.ron").replace("EU", "EU "),
    )
    .unwrap();
    git_as(
        &s,
        &other,
        USA,
        &["commit", "-q", "-am", "Forged EU position"],
    );
    let o = git_output(&s, &other, &["push", "-q", "origin", "main"]);
    assert!(o.status.success());
    std::fs::rename(server.join("hooks/off"), server.join("hooks/pre-receive")).unwrap();
    // The chair amends and syncs: only the chair's own commit is checked and sent.
    s.git(&["config", "user.email", "chair@secretariat.invalid"]);
    s.git(&["config", "user.name", "Chair"]);
    let o = s.treaty(&[
        "amend",
        "--kind",
        "replace",
        "--clause",
        "fund.1",
        "--by",
        "CHAIR",
        "--text",
        "Parties shall contribute.",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = s.treaty(&["sync"]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains("replayed your 1 amendment(s)"),
        "{}",
        stdout(&o)
    );
    // And the forged commit is marked as such wherever the history is read.
    let log = stdout(&s.treaty(&["log"]));
    assert!(log.contains("NOT VERIFIED"), "{log}");
}

// ---- 4. argument injection --------------------------------------------------------------

#[test]
fn no_value_reaches_git_as_an_option() {
    let s = Sandbox::with_sample();
    let witness = s.home().join("pwned");
    let w = witness.to_str().unwrap();
    for remote in [
        format!("--upload-pack=touch {w}"),
        format!("--receive-pack=touch {w}"),
        format!("-oProxyCommand=touch {w}"),
        format!("--exec=touch {w}"),
    ] {
        let o = s.treaty(&["sync", "--", &remote]);
        assert!(!o.status.success(), "{remote}");
        assert!(stderr(&o).contains("is not a remote"), "{}", stderr(&o));
        assert!(!witness.exists(), "{remote} ran");
    }
    // Values that are not the first argument are passed after `--` as well.
    for args in [
        vec!["verify".to_string(), "--".into(), format!("--output={w}")],
        vec![
            "diff".to_string(),
            "--".into(),
            format!("--output={w}"),
            "current".into(),
        ],
        vec!["log".to_string(), "--by".into(), format!("--output={w}")],
    ] {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let _ = s.treaty(&args);
        assert!(!witness.exists(), "{args:?} wrote a file");
    }
}

// ---- 6. structure through amendments ----------------------------------------------------

#[test]
fn amendment_text_cannot_change_the_treatys_structure() {
    let s = Sandbox::with_sample();
    let head = s.head();
    let tree = s.work_tree();
    for (args, expect) in [
        (
            vec![
                "amend", "--kind", "renumber", "--clause", "fund.1", "--label", "", "--by", "CHAIR",
            ],
            "is not a clause number",
        ),
        (
            vec![
                "amend",
                "--kind",
                "replace",
                "--clause",
                "fund.1",
                "--text",
                "### Article 99. Hijacked {#hijack}",
                "--by",
                "CHAIR",
            ],
            "a heading (`#`) at line 1",
        ),
        (
            vec![
                "amend",
                "--kind",
                "replace",
                "--clause",
                "fund.1",
                "--text",
                "Parties shall act. {#hijack}",
                "--by",
                "CHAIR",
            ],
            "a clause id (`{#…}`)",
        ),
        (
            vec![
                "amend",
                "--kind",
                "replace",
                "--clause",
                "fund.1",
                "--text",
                "Parties.\n\n(z) A new point.",
                "--by",
                "CHAIR",
            ],
            "would change the treaty's structure",
        ),
        (
            vec![
                "amend", "--kind", "bracket", "--clause", "fund.1", "--phrase", "", "--by", "CHAIR",
            ],
            "give the phrase to put in brackets",
        ),
        (
            vec![
                "amend", "--kind", "delete", "--clause", "treaty", "--by", "CHAIR",
            ],
            "treaty is the title; it cannot be deleted",
        ),
    ] {
        let o = s.treaty(&args);
        assert!(!o.status.success(), "{args:?}");
        assert!(stderr(&o).contains(expect), "{args:?}: {}", stderr(&o));
        assert_eq!(s.head(), head, "{args:?}");
        assert_eq!(s.work_tree(), tree, "{args:?}");
    }
    // A structure treaty.md does not describe is an error of `check`.
    let fund = s.read("drafts/articles/fund.md");
    std::fs::write(
        s.repo().join("drafts/articles/fund.md"),
        format!("{fund}\n### Article 99. Hijacked {{#hijack}}\n\n1. Taken over. {{#hijack.1}}\n"),
    )
    .unwrap();
    let o = s.treaty(&["check"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("a second article or annex heading (`Article 99. Hijacked`)"),
        "{}",
        stdout(&o)
    );
}

// ---- 7. a second position file for one delegation --------------------------------------

#[test]
fn a_file_claiming_another_delegations_code_is_the_error() {
    let s = Sandbox::with_sample();
    let usa = s
        .read("positions/usa.ron")
        .replace("code: \"USA\"", "code: \"EU\"");
    // Sorted first, it used to win.
    std::fs::write(s.repo().join("positions/aaa.ron"), usa).unwrap();
    let o = s.treaty(&["check"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains("positions/aaa.ron:3:5: error: this file claims to be the position of `EU`, whose position is positions/eu.ron"),
        "{out}"
    );
    assert!(
        !out.contains("positions/eu.ron:"),
        "the genuine file is not the one blamed: {out}"
    );
    let shown = stdout(&s.treaty(&["show", "observatory.1", "--position", "EU"]));
    assert!(!shown.contains("USA"), "{shown}");
}

// ---- 12. control characters and binary articles -----------------------------------------

#[test]
fn a_nul_byte_is_refused_and_a_binary_article_is_named_not_lost() {
    let s = Sandbox::with_sample();
    let head = s.head();
    let file = s.home().join("text.txt");
    std::fs::write(&file, "Parties shall\0 contribute.").unwrap();
    let o = s.treaty(&[
        "amend",
        "--kind",
        "replace",
        "--clause",
        "fund.1",
        "--file",
        file.to_str().unwrap(),
        "--by",
        "CHAIR",
    ]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("control character (U+0000) at character 14"),
        "{}",
        stderr(&o)
    );
    assert_eq!(s.head(), head);

    // A binary article that reached the record by other means.
    let mut bytes = s.read("drafts/articles/fund.md").into_bytes();
    bytes.extend_from_slice(b"\0\n");
    std::fs::write(s.repo().join("drafts/articles/fund.md"), &bytes).unwrap();
    s.git(&["commit", "-q", "-am", "binary"]);
    let o = s.treaty(&["check"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains("drafts/articles/fund.md:"), "{out}");
    assert!(out.contains("binary file (contains NUL bytes)"), "{out}");
    assert!(out.contains("remove the NUL bytes"), "{out}");
    let o = s.treaty(&["show", "fund.1"]);
    assert!(
        stderr(&o)
            .contains("drafts/articles/fund.md cannot be read (binary file (contains NUL bytes))"),
        "{}",
        stderr(&o)
    );
    let o = s.treaty(&[
        "amend",
        "--kind",
        "replace",
        "--clause",
        "observatory.1",
        "--text",
        "x",
        "--by",
        "CHAIR",
    ]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("repair that file first"),
        "{}",
        stderr(&o)
    );
}

// ---- 13. temporary files of killed processes ------------------------------------------

#[test]
fn temporaries_of_dead_processes_are_removed_with_a_notice() {
    let s = Sandbox::with_sample();
    let dead = u32::MAX - 7;
    let stale = [
        s.repo()
            .join(format!(".git/treaty/.history-index-v4.{dead}.0.tmp")),
        s.repo()
            .join(format!("drafts/articles/.treaty-probe-{dead}-3.tmp")),
        s.repo()
            .join(format!("drafts/articles/.fund.md.{dead}.1.tmp")),
    ];
    std::fs::create_dir_all(s.repo().join(".git/treaty")).unwrap();
    for p in &stale {
        std::fs::write(p, vec![b'x'; 1 << 20]).unwrap();
    }
    // A live process's temporary file stays.
    let live = s
        .repo()
        .join(format!("drafts/.treaty.md.{}.0.tmp", std::process::id()));
    std::fs::write(&live, "x").unwrap();
    let o = s.treaty(&["log"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("note: removed 3 file(s) left by interrupted treaty commands"),
        "{}",
        stderr(&o)
    );
    for p in &stale {
        assert!(!p.exists(), "{}", p.display());
    }
    assert!(live.exists());
    // Nothing left to say the next time.
    assert!(!stderr(&s.treaty(&["log"])).contains("removed"));
}

// ---- 14. text built to exhaust memory ---------------------------------------------------

/// Commits (with system git, as a hostile delegate could) `line` in place of fund.1's line.
fn commit_fund_1(s: &Sandbox, line: &str, message: &str) {
    let fund: String = s
        .read("drafts/articles/fund.md")
        .lines()
        .map(|l| if l.ends_with("{#fund.1}") { line } else { l })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(s.repo().join("drafts/articles/fund.md"), fund).unwrap();
    s.git(&["commit", "-q", "-am", message]);
}

// The memory bound of a 9 MB clause is measured in tests/memory.rs, a test binary of its
// own: a child's peak resident size includes the test process it was forked from.

#[test]
fn lifting_deeply_nested_brackets_lifts_them_all() {
    let s = Sandbox::with_sample();
    let deep = format!(
        "1. {}Parties act.{} {{#fund.1}}",
        "[".repeat(5_000),
        "]".repeat(5_000)
    );
    commit_fund_1(&s, &deep, "deep");
    let o = s.treaty(&[
        "amend",
        "--kind",
        "lift-brackets",
        "--clause",
        "fund.1",
        "--by",
        "CHAIR",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        s.read("drafts/articles/fund.md")
            .contains("1. Parties act. {#fund.1}")
    );
}

// ---- 15. a path or URL as the remote ----------------------------------------------------

#[test]
fn sync_takes_a_path_or_a_file_url() {
    let s = Sandbox::with_sample();
    let bare = s.bare_server("shared.git");
    let path = bare.to_str().unwrap().to_string();
    let url = format!("file://{path}");
    for remote in [path, url] {
        let o = s.treaty(&["sync", &remote]);
        assert!(o.status.success(), "{remote}: {}", stderr(&o));
    }
    assert_eq!(s.git_in(&bare, &["rev-parse", "main"]).trim(), s.head());
}

// ---- 16 and 18. the demo passes its own checks; provenance is shown -----------------------

#[test]
fn the_demo_passes_verify_and_every_listing_shows_provenance() {
    let s = demo();
    let o = s.treaty(&["verify"]);
    assert!(o.status.success(), "{}", stdout(&o));
    assert!(stdout(&o).contains("every change was made by someone allowed to make it"));
    let log = stdout(&s.treaty(&["log"]));
    assert!(
        log.contains("Provenance:  author in the roster (not signed)"),
        "{log}"
    );
    assert!(!log.contains("NOT VERIFIED"), "{log}");

    // A forged change to EU's position, by USA's head of delegation, with EU's name on it.
    std::fs::write(
        s.repo().join("positions/eu.ron"),
        s.read("positions/eu.ron") + "\n",
    )
    .unwrap();
    s.git(&["add", "positions/eu.ron"]);
    let message = "Update the EU position\n\nAmendment-Id: am-00000000f0f0\nProposed-by: EU\nKind: replace\nStatus: proposed\n";
    git_as(&s, &s.repo(), USA, &["commit", "-q", "-m", message]);
    let log = stdout(&s.treaty(&["log", "--by", "EU"]));
    let first = log.split("\n\n").take(3).collect::<Vec<_>>().join("\n\n");
    assert!(first.contains("am-00000000f0f0"), "{log}");
    assert!(first.contains("Provenance:  NOT VERIFIED"), "{first}");
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&s.treaty(&["log", "--json"]))).unwrap();
    assert_eq!(json[0]["provenance"], "unverified");
    assert_eq!(json[1]["provenance"], "roster");
    let _ = EU;
}

// ---- 17. exports are byte-exact ---------------------------------------------------------

#[test]
fn an_export_into_a_pipe_keeps_every_byte() {
    let s = Sandbox::with_sample();
    let fund = s
        .read("drafts/articles/fund.md")
        .replace("{#fund.1}", "\u{1b}[2J {#fund.1}");
    std::fs::write(s.repo().join("drafts/articles/fund.md"), fund).unwrap();
    let o = s.treaty(&["export", "--format", "md"]);
    assert!(o.status.success());
    assert!(o.stdout.windows(3).any(|w| w == b"\x1b[2"), "ESC kept");
    assert!(!stdout(&o).contains("\\e[2J"));
}
