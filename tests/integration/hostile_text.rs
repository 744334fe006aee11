//! Hostile text: terminal control sequences hidden in drafts, positions and tiers are shown
//! inert by every command, never passed to the terminal.

use std::path::Path;

use crate::support::*;

/// One of each kind: CSI clear-screen, OSC 52 clipboard write, OSC 8 link, title change,
/// C1 CSI, bidi override, BEL.
pub const HOSTILE: &str = "\u{1b}[2J\u{1b}]52;c;ZXZpbA==\u{7}\u{1b}]8;;http://evil.example\u{1b}\\link\u{1b}]8;;\u{1b}\\\u{1b}]0;pwned\u{7}\u{9b}31m\u{202e}txet\u{7}";

/// Whether `bytes` hold anything a terminal would act on.
pub fn has_raw_control(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(bytes);
    text.chars().any(|c| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{61c}')
    })
}

fn plant(root: &Path) {
    let edit = |rel: &str, from: &str, to: &str| {
        let p = root.join(rel);
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.contains(from), "{rel}: {from}");
        std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
    };
    edit(
        "drafts/articles/objective.md",
        "The objective is",
        &format!("The {HOSTILE} objective is"),
    );
    edit(
        "drafts/articles/objective.md",
        "Objective {#objective}",
        &format!("Objective {HOSTILE} {{#objective}}"),
    );
    edit(
        "positions/eu.ron",
        "\"European Union\"",
        &format!("\"European {} Union\"", HOSTILE.escape_default()),
    );
    edit(
        "positions/eu.ron",
        "Replace(\"Parties shall act.\")",
        &format!("Replace(\"Parties {} act.\")", HOSTILE.escape_default()),
    );
    edit(
        "drafts/tiers.ron",
        "\"France\"",
        &format!("\"Fr{}ance\"", HOSTILE.escape_default()),
    );
    // And an error message that quotes hostile input.
    edit(
        "drafts/articles/fund.md",
        "{#fund.1}",
        &format!("{{#fund.1}} [{HOSTILE}"),
    );
}

#[test]
fn no_command_passes_control_sequences_through() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(
        &repo_root().join("tests/integration/fixtures/tiny"),
        dir.path(),
    );
    plant(dir.path());
    let commands: &[&[&str]] = &[
        &["check"],
        &["brackets"],
        &["brackets", "--json"],
        &["show", "objective"],
        &["show", "objective", "--position", "EU"],
        &["show", "objective", "--clean", "--choose", "EU"],
        &["applies-to", "FRA"],
        &["applies-to", "FRA", "--if-tier", "2"],
        &["show", &format!("objective{HOSTILE}")],
    ];
    for args in commands {
        let o = treaty(dir.path(), args);
        assert!(!stderr(&o).contains("panicked"), "{args:?}: {}", stderr(&o));
        assert!(
            !has_raw_control(&o.stdout),
            "{args:?} stdout: {:?}",
            stdout(&o)
        );
        assert!(
            !has_raw_control(&o.stderr),
            "{args:?} stderr: {:?}",
            stderr(&o)
        );
    }
    // The text is still there, visibly.
    let o = treaty(dir.path(), &["show", "objective"]);
    assert!(stdout(&o).contains("\\e[2J"), "{}", stdout(&o));
    assert!(stdout(&o).contains("\\u{202e}"), "{}", stdout(&o));
}

/// Hostile history: a delegation's clone records a commit whose subject, body, trailers
/// (Proposed-by, Clause, Round, Amendment-Id), author name and file name carry every kind
/// of control sequence, with a round tag and a branch named with C1 and bidi characters
/// (git refuses C0 controls in ref names). It arrives through `treaty sync`; then every
/// history command shows it inert.
#[test]
fn hostile_history_is_shown_inert_by_every_history_command() {
    use crate::amend::Sandbox;
    use treaty_workbench::testing;

    let s = Sandbox::with_sample();
    let bare = s.home().join("record.git");
    s.git(&["clone", "-q", "--bare", ".", bare.to_str().unwrap()]);
    s.git(&["remote", "add", "origin", bare.to_str().unwrap()]);
    s.git(&["fetch", "-q", "origin"]);
    let base = s.head();

    // The other delegation's clone.
    let other = s.home().join("other");
    s.git(&[
        "clone",
        "-q",
        bare.to_str().unwrap(),
        other.to_str().unwrap(),
    ]);
    let git = |args: &[&str], author: Option<&str>| {
        let mut cmd = testing::git_command(&other, &s.home());
        if let Some(name) = author {
            cmd.env("GIT_AUTHOR_NAME", name)
                .env("GIT_COMMITTER_NAME", name);
        }
        let out = cmd.args(args).output().unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let round = "r1\u{9b}2J\u{202e}evil";
    let fund = other.join("drafts/articles/fund.md");
    let text = std::fs::read_to_string(&fund).unwrap();
    assert!(text.contains("{#fund.1}"), "{text}");
    std::fs::write(
        &fund,
        text.replacen("{#fund.1}", &format!("{HOSTILE} {{#fund.1}}"), 1),
    )
    .unwrap();
    std::fs::write(
        other.join("drafts/articles/ev\u{1b}[2Jil\u{202e}.md"),
        format!("{HOSTILE}\n"),
    )
    .unwrap();
    let message = format!(
        "Amend fund.1 {HOSTILE}\n\nBody {HOSTILE}\n\nAmendment-Id: am-{HOSTILE}\nProposed-by: EU{HOSTILE}, CHAIR\nClause: fund.1\nClause: x{HOSTILE}\nKind: replace\nRound: {round}{HOSTILE}\nStatus: adopted\n"
    );
    let message_file = s.home().join("message.txt");
    std::fs::write(&message_file, message).unwrap();
    git(&["add", "-A"], None);
    git(
        &[
            "commit",
            "-q",
            "--cleanup=verbatim",
            "-F",
            message_file.to_str().unwrap(),
        ],
        Some(&format!("Mallory {HOSTILE}")),
    );
    git(
        &[
            "tag",
            "-a",
            &format!("round/{round}"),
            "-m",
            &format!("Round {HOSTILE}"),
        ],
        None,
    );
    git(&["push", "-q", "origin", "main", "--tags"], None);

    let run = |args: &[&str]| {
        let o = s.treaty(args);
        assert!(!stderr(&o).contains("panicked"), "{args:?}: {}", stderr(&o));
        assert!(
            !has_raw_control(&o.stdout),
            "{args:?} stdout: {:?}",
            stdout(&o)
        );
        assert!(
            !has_raw_control(&o.stderr),
            "{args:?} stderr: {:?}",
            stderr(&o)
        );
        o
    };
    // It arrives through sync, which names the files it took.
    let o = run(&["sync"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("ev\\e[2Jil"), "{}", stdout(&o));

    let round_tag = format!("round/{round}");
    let hostile_arg = format!("x{HOSTILE}");
    let commands: &[&[&str]] = &[
        &["log"],
        &["log", "--json"],
        &["log", "--by", "EU"],
        &["log", "--round", &hostile_arg],
        &["history", "fund.1"],
        &["history", "fund.1", "--json"],
        &["history", &hostile_arg],
        &["blame", "fund.1"],
        &["blame", "fund.1", "--json"],
        &["blame", "fund.1", "--deleted"],
        &["diff", &base],
        &["diff", &base, "HEAD", "--clause", "fund.1"],
        &["diff", &round_tag],
        &["diff", &hostile_arg],
        &["stats"],
        &["stats", "--by-round"],
        &["stats", "--json"],
        &["verify"],
        &["verify", &format!("{base}..HEAD")],
        &["round", "list"],
        &["round", "start", &hostile_arg],
        &["replay"],
        &["replay", "--from", round],
        &["sync", &hostile_arg],
        &[
            "amend",
            "--kind",
            "replace",
            "--clause",
            "fund.1",
            "--by",
            "CHAIR",
            "--text",
            "Plain words.",
            "-m",
            &hostile_arg,
        ],
    ];
    let mut shown = String::new();
    for args in commands {
        let o = run(args);
        shown.push_str(&stdout(&o));
        shown.push_str(&stderr(&o));
    }
    // The hostile text is there, visibly, not dropped.
    let log = stdout(&run(&["log"]));
    assert!(log.contains("Mallory \\e[2J"), "{log}");
    assert!(log.contains("Amend fund.1 \\e[2J"), "{log}");
    assert!(shown.contains("\\u{202e}"), "{shown}");

    // A branch named with C1 and bidi characters: amending and syncing on it.
    s.git(&["branch", "-m", "main\u{9b}31m\u{202e}niam"]);
    for args in [
        &["log"][..],
        &["round", "list"],
        &[
            "amend",
            "--kind",
            "replace",
            "--clause",
            "fund.1",
            "--by",
            "CHAIR",
            "--text",
            "Other words.",
        ],
        &["sync"],
    ] {
        run(args);
    }
}
