//! Bad input, table-driven: each malformed input gives its exact error (message and
//! file:line:col), never a panic, and leaves every file byte for byte as it was.

use std::path::Path;

use crate::support::*;

/// A small, fixed negotiation (tests/integration/fixtures/tiny) so every expected line
/// and column below is stable.
fn tiny() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(
        &repo_root().join("tests/integration/fixtures/tiny"),
        dir.path(),
    );
    std::fs::create_dir_all(dir.path().join("themes")).unwrap();
    dir
}

fn edit(root: &Path, rel: &str, from: &str, to: &str) {
    let p = root.join(rel);
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(text.contains(from), "{rel} does not contain {from:?}");
    std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
}

/// Commits the folder as it is (for `treaty amend`, which reads the committed text).
fn commit_all(root: &Path) {
    let home = tempfile::tempdir().unwrap();
    for args in [
        &["init", "-q", "-b", "main"][..],
        &["add", "-A"],
        &["commit", "-q", "-m", "Compilation text"],
    ] {
        let out = treaty_workbench::testing::git_command(root, home.path())
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

fn write(root: &Path, rel: &str, bytes: &[u8]) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, bytes).unwrap();
}

struct Case {
    name: &'static str,
    setup: fn(&Path),
    args: &'static [&'static str],
    code: i32,
    /// A line that must appear, exactly, in stdout or stderr.
    expect: &'static str,
}

const CASES: &[Case] = &[
    Case {
        name: "unclosed bracket",
        setup: |r| {
            edit(
                r,
                "drafts/articles/objective.md",
                "[certainty]",
                "[certainty",
            )
        },
        args: &["check"],
        code: 1,
        expect: "drafts/articles/objective.md:3:30: error: unclosed bracket: `[` has no matching `]`",
    },
    Case {
        name: "stray closing bracket",
        setup: |r| {
            edit(
                r,
                "drafts/articles/objective.md",
                "[clarity][certainty]",
                "clarity]",
            )
        },
        args: &["check"],
        code: 1,
        expect: "drafts/articles/objective.md:3:28: error: stray `]` with no opening bracket",
    },
    Case {
        name: "duplicate clause id",
        setup: |r| edit(r, "drafts/articles/fund.md", "{#fund.1}", "{#objective.1}"),
        args: &["check"],
        code: 1,
        expect: "drafts/articles/fund.md:3:4: error: duplicate clause id `objective.1` (first used at drafts/articles/objective.md:3)",
    },
    Case {
        name: "malformed clause id",
        setup: |r| {
            edit(
                r,
                "drafts/articles/objective.md",
                "{#objective.2}",
                "{#objective 2}",
            )
        },
        args: &["check"],
        code: 1,
        expect: "drafts/articles/objective.md:5:43: error: malformed clause id `{#objective 2}`",
    },
    Case {
        name: "position names an unknown clause",
        setup: |r| edit(r, "positions/eu.ron", "\"objective.2\"", "\"objectve.2\""),
        args: &["check"],
        code: 1,
        expect: "positions/eu.ron:8:18: error: unknown clause id `objectve.2`",
    },
    Case {
        name: "position names an unknown Party",
        setup: |r| edit(r, "positions/eu.ron", "party: \"USA\"", "party: \"USB\""),
        args: &["check"],
        code: 1,
        expect: "positions/eu.ron:10:21: error: unknown Party `USB`",
    },
    Case {
        name: "position with invalid RON",
        setup: |r| edit(r, "positions/eu.ron", "kind: Group,", "kind: Grop,"),
        args: &["check"],
        code: 1,
        expect: "positions/eu.ron:5:11: error: invalid RON: Unexpected variant named `Grop` in enum `DelegationKind`, expected either `State` or `Group` instead",
    },
    Case {
        name: "position with an unknown field",
        setup: |r| {
            edit(
                r,
                "positions/eu.ron",
                "kind: Group,",
                "kind: Group,\n    colour: \"blue\",",
            )
        },
        args: &["check"],
        code: 1,
        expect: "positions/eu.ron:6:5: error: invalid RON: Unexpected field named `colour` in `Position`, expected one of `version`, `code`, `name`, `kind`, `members`, `groups`, `clauses`, `inserts`, `tiers`, `annexes`, `notes`, `proposals`, or `votes` instead",
    },
    Case {
        name: "wrong version",
        setup: |r| edit(r, "drafts/tiers.ron", "version: 1", "version: 2"),
        args: &["check"],
        code: 1,
        expect: "drafts/tiers.ron:2:5: error: unsupported version 2: this build reads version 1",
    },
    Case {
        name: "missing version",
        setup: |r| edit(r, "positions/usa.ron", "    version: 1,\n", ""),
        args: &["check"],
        code: 1,
        expect: "  help: add `version: 1,` as the first field",
    },
    Case {
        name: "non-UTF-8 bytes in an article",
        setup: |r| {
            let p = r.join("drafts/articles/objective.md");
            let mut bytes = std::fs::read(&p).unwrap();
            let at = bytes.windows(7).position(|w| w == b"clarity").unwrap();
            bytes.insert(at, 0xff);
            std::fs::write(p, bytes).unwrap();
        },
        args: &["check"],
        code: 1,
        expect: "drafts/articles/objective.md:3:22: error: not valid UTF-8",
    },
    Case {
        name: "NUL bytes in an article",
        setup: |r| edit(r, "drafts/articles/fund.md", "Option 2", "Option\0 2"),
        args: &["check"],
        code: 1,
        expect: "drafts/articles/fund.md:5:7: error: binary file (contains NUL bytes)",
    },
    Case {
        name: "a binary file in drafts",
        setup: |r| {
            write(
                r,
                "drafts/annexes/annex-audits.md",
                b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
            )
        },
        args: &["check"],
        code: 1,
        expect: "drafts/annexes/annex-audits.md:3:1: error: binary file (contains NUL bytes)",
    },
    Case {
        name: "empty treaty.md",
        setup: |r| write(r, "drafts/treaty.md", b""),
        args: &["check"],
        code: 1,
        expect: "drafts/treaty.md:1:1: error: the draft has no title",
    },
    Case {
        name: "empty article file",
        setup: |r| write(r, "drafts/articles/fund.md", b""),
        args: &["check"],
        code: 1,
        expect: "drafts/articles/fund.md:1:1: error: no `Article` or `Annex` heading in this file",
    },
    Case {
        name: "include path with ..",
        setup: |r| {
            edit(
                r,
                "drafts/treaty.md",
                "articles/fund.md",
                "../positions/eu.ron",
            )
        },
        args: &["check"],
        code: 1,
        expect: "drafts/treaty.md:10:4: error: ../positions/eu.ron: path leaves the drafts folder",
    },
    Case {
        name: "symlink pointing outside the repository",
        setup: |r| {
            let outside = r.join("../outside.md");
            std::fs::write(&outside, "### Article 9. Elsewhere {#elsewhere}\n").unwrap();
            std::fs::remove_file(r.join("drafts/articles/fund.md")).unwrap();
            std::os::unix::fs::symlink(&outside, r.join("drafts/articles/fund.md")).unwrap();
        },
        args: &["check"],
        code: 1,
        expect: "drafts/treaty.md:10:4: error: articles/fund.md: path leaves the drafts folder",
    },
    Case {
        name: "included file missing",
        setup: |r| std::fs::remove_file(r.join("drafts/articles/fund.md")).unwrap(),
        args: &["check"],
        code: 1,
        expect: "drafts/treaty.md:10:4: error: articles/fund.md: file not found",
    },
    Case {
        name: "file included twice",
        setup: |r| {
            edit(
                r,
                "drafts/treaty.md",
                "articles/fund.md",
                "articles/objective.md",
            )
        },
        args: &["check"],
        code: 1,
        expect: "drafts/treaty.md:10:4: error: articles/objective.md is included twice (first on line 9)",
    },
    Case {
        name: "no draft at all",
        setup: |r| std::fs::remove_dir_all(r.join("drafts")).unwrap(),
        args: &["check", "."],
        code: 2,
        expect: "error: no negotiation found in . or above (no drafts/treaty.md): run `treaty demo`, `treaty init` or `treaty import`, or pass --repo",
    },
    Case {
        name: "theme with an unknown colour",
        setup: |r| {
            write(r, "themes/mine.ron", b"(\n    version: 1,\n    name: \"mine\",\n    styles: {\n        \"bracket\": (fg: Some(\"purpel\")),\n    },\n)\n")
        },
        args: &["check"],
        code: 1,
        expect: "themes/mine.ron:5:30: error: unknown colour `purpel`: expected one of black, red, green, yellow, blue, magenta, cyan, white, bright_black, bright_red, bright_green, bright_yellow, bright_blue, bright_magenta, bright_cyan, bright_white (also gray, dark_gray), reset, i0..i255 (indexed), #rrggbb",
    },
    Case {
        name: "theme with an unknown style name",
        setup: |r| {
            write(r, "themes/mine.ron", b"(\n    version: 1,\n    name: \"mine\",\n    styles: {\n        \"bracket.dept.1\": (bold: Some(true)),\n    },\n)\n")
        },
        args: &["check"],
        code: 1,
        expect: "themes/mine.ron:5:9: error: unknown style `bracket.dept.1`",
    },
    Case {
        name: "annex proposal for an unknown annex",
        setup: |r| {
            edit(
                r,
                "drafts/annexes.ron",
                "annex: \"annex-audits\"",
                "annex: \"annex-audit\"",
            )
        },
        args: &["check"],
        code: 1,
        expect: "drafts/annexes.ron:4:17: error: unknown annex `annex-audit`",
    },
    Case {
        name: "annex proposal by an unknown delegation",
        setup: |r| {
            edit(
                r,
                "drafts/annexes.ron",
                "proposer: [\"EU\"]",
                "proposer: [\"EUU\"]",
            )
        },
        args: &["check"],
        code: 1,
        expect: "drafts/annexes.ron:4:44: error: unknown delegation `EUU`",
    },
    Case {
        name: "Party listed twice",
        setup: |r| {
            edit(
                r,
                "drafts/tiers.ron",
                "(code: \"FRA\", name: \"France\"",
                "(code: \"USA\", name: \"France\"",
            )
        },
        args: &["check"],
        code: 1,
        expect: "drafts/tiers.ron:9:16: error: Party `USA` is listed twice",
    },
    Case {
        name: "Party in an undefined tier",
        setup: |r| {
            edit(
                r,
                "drafts/tiers.ron",
                "name: \"France\", tier: 1",
                "name: \"France\", tier: 5",
            )
        },
        args: &["check"],
        code: 1,
        expect: "drafts/tiers.ron:9:16: error: Party `FRA` is in tier 5, which is not defined",
    },
    Case {
        name: "obligation for an unknown clause",
        setup: |r| {
            edit(
                r,
                "drafts/tiers.ron",
                "clause: \"fund.1\"",
                "clause: \"fund.9\"",
            )
        },
        args: &["check"],
        code: 1,
        expect: "drafts/tiers.ron:12:18: error: unknown clause id `fund.9`",
    },
    Case {
        name: "two positions for one delegation",
        setup: |r| edit(r, "positions/usa.ron", "code: \"USA\"", "code: \"EU\""),
        args: &["check"],
        code: 1,
        expect: "positions/usa.ron:3:5: error: this file claims to be the position of `EU`, whose position is positions/eu.ron",
    },
    Case {
        name: "options with no paragraph above (warning only)",
        setup: |r| {
            edit(
                r,
                "drafts/annexes/annex-audits.md",
                "### Annex A. Audits {#annex-audits}\n\n",
                "### Annex A. Audits {#annex-audits}\n\nOption 1: x\n\n",
            )
        },
        args: &["check"],
        code: 0,
        expect: "drafts/annexes/annex-audits.md:3:1: warning: options with no paragraph above them",
    },
    Case {
        name: "attribution to an unknown delegation (warning only)",
        setup: |r| {
            edit(
                r,
                "drafts/articles/objective.md",
                "wait - USA",
                "wait - UAS",
            )
        },
        args: &["check"],
        code: 0,
        expect: "drafts/articles/objective.md:5:37: warning: attribution to unknown delegation `UAS`",
    },
    Case {
        name: "BOM and CRLF are read as text",
        setup: |r| {
            let p = r.join("drafts/treaty.md");
            let text = std::fs::read_to_string(&p).unwrap().replace('\n', "\r\n");
            std::fs::write(&p, format!("\u{feff}{text}")).unwrap();
        },
        args: &["check"],
        code: 0,
        expect: "checked 12 clauses, 2 articles, 1 annex, 2 positions: 0 errors, 0 warnings",
    },
    Case {
        name: "fmt refuses to stack an id on a malformed one",
        setup: |r| {
            edit(
                r,
                "drafts/articles/objective.md",
                "{#objective.2}",
                "{#objective 2}",
            )
        },
        args: &["fmt"],
        code: 2,
        expect: "error: fix the clause ids above first; `treaty fmt` changed nothing",
    },
    Case {
        name: "brackets for an unknown clause",
        setup: |_| {},
        args: &["brackets", "--clause", "fund.2"],
        code: 2,
        expect: "error: unknown clause id `fund.2`: did you mean `fund.1`?",
    },
    Case {
        name: "show an unknown clause",
        setup: |_| {},
        args: &["show", "objectiv"],
        code: 2,
        expect: "error: unknown clause id `objectiv`: did you mean `objective`?",
    },
    Case {
        name: "show as an unknown delegation",
        setup: |_| {},
        args: &["show", "objective", "--position", "USB"],
        code: 2,
        expect: "error: unknown delegation `USB`: did you mean `USA`?",
    },
    Case {
        name: "choose without clean",
        setup: |_| {},
        args: &["show", "objective", "--choose", "EU"],
        code: 2,
        expect: "error: the following required arguments were not provided:",
    },
    Case {
        name: "applies-to an unknown Party",
        setup: |_| {},
        args: &["applies-to", "FRN"],
        code: 2,
        expect: "error: unknown Party `FRN`: did you mean `FRA`?",
    },
    Case {
        name: "applies-to an undefined tier",
        setup: |_| {},
        args: &["applies-to", "FRA", "--if-tier", "9"],
        code: 2,
        expect: "error: tier 9 is not defined in drafts/tiers.ron",
    },
    Case {
        name: "applies-to without tiers",
        setup: |r| std::fs::remove_file(r.join("drafts/tiers.ron")).unwrap(),
        args: &["applies-to", "FRA"],
        code: 2,
        expect: "error: this negotiation has no tiers: drafts/tiers.ron is missing",
    },
    Case {
        name: "import a file that does not exist",
        setup: |_| {},
        args: &["import", "missing.txt", "--out", "imported"],
        code: 2,
        expect: "error: missing.txt: No such file or directory (os error 2)",
    },
    Case {
        name: "import an empty file",
        setup: |r| write(r, "empty.txt", b""),
        args: &["import", "empty.txt", "--out", "imported"],
        code: 2,
        expect: "error: empty.txt: the input is empty",
    },
    Case {
        name: "import a binary file",
        setup: |r| write(r, "scan.txt", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
        args: &["import", "scan.txt", "--out", "imported"],
        code: 2,
        expect: "error: scan.txt: the input is not UTF-8 text (invalid byte at offset 0)",
    },
    Case {
        name: "import over an existing draft",
        setup: |r| {
            write(
                r,
                "t.txt",
                b"A Treaty\n\nArticle 1 - Scope\n\nThis applies.\n",
            )
        },
        args: &["import", "t.txt", "--out", "."],
        code: 2,
        expect: "error: ./drafts already exists; refusing to overwrite it (choose another --out directory or remove it)",
    },
    Case {
        name: "key map with a duplicate binding",
        setup: |r| {
            write(r, "themes/keymaps/mine.ron", b"(\n    version: 1,\n    name: \"mine\",\n    bindings: {\n        \"help\": [\"?\", \"q\"],\n    },\n)\n")
        },
        args: &["check"],
        code: 1,
        expect: "themes/keymaps/mine.ron:5:23: error: key q is bound to both `quit` and `help`",
    },
    Case {
        name: "amendment to a clause that does not exist",
        setup: commit_all,
        args: &[
            "amend", "--kind", "replace", "--clause", "fund.9", "--by", "EU", "--text", "x",
        ],
        code: 2,
        expect: "error: unknown clause id `fund.9`: did you mean `fund.1`? (see `treaty brackets` for every clause id)",
    },
    Case {
        name: "amendment choosing an option out of range",
        setup: commit_all,
        args: &[
            "amend",
            "--kind",
            "choose-option",
            "--clause",
            "fund.1",
            "--group",
            "1",
            "--option",
            "3",
            "--by",
            "EU",
        ],
        code: 2,
        expect: "error: group 1 in fund.1 offers 2 alternative(s); there is no option 3: count from 1 (see `treaty show fund.1`)",
    },
    Case {
        name: "amendment choosing in a bracket group out of range",
        setup: commit_all,
        args: &[
            "amend",
            "--kind",
            "choose-option",
            "--clause",
            "objective.1",
            "--group",
            "4",
            "--option",
            "1",
            "--by",
            "EU",
        ],
        code: 2,
        expect: "error: objective.1 has 1 bracket group(s) and option set(s); there is no group 4: count from 1 (see `treaty brackets --clause objective.1`)",
    },
    Case {
        name: "amendment by an unknown delegation",
        setup: commit_all,
        args: &[
            "amend",
            "--kind",
            "delete",
            "--clause",
            "objective.2",
            "--by",
            "EUU",
        ],
        code: 2,
        expect: "error: unknown delegation `EUU`: did you mean `EU`? (delegations have a file in positions/; the Chair is CHAIR)",
    },
    Case {
        name: "position naming an unknown member delegation",
        setup: |r| {
            edit(
                r,
                "positions/eu.ron",
                "members: [\"FRA\"]",
                "members: [\"FRX\"]",
            )
        },
        args: &["check"],
        code: 1,
        expect: "positions/eu.ron:6:15: error: unknown Party `FRX`",
    },
];

#[test]
fn every_malformed_input_gets_its_exact_error_and_changes_nothing() {
    assert!(CASES.len() >= 40, "the table holds {} cases", CASES.len());
    let mut failures = Vec::new();
    for case in CASES {
        let dir = tiny();
        // The case's own folder inside the temp dir, so `..` escapes stay inside it.
        let root = dir.path();
        (case.setup)(root);
        let before = snapshot(root);
        let o = treaty(root, case.args);
        let (out, err) = (stdout(&o), stderr(&o));
        let all = format!("{out}{err}");
        if err.contains("panicked") {
            failures.push(format!("{}: panicked\n{err}", case.name));
            continue;
        }
        if o.status.code() != Some(case.code) {
            failures.push(format!(
                "{}: exit {:?}, expected {}\n{all}",
                case.name,
                o.status.code(),
                case.code
            ));
        }
        if !all.lines().any(|l| l == case.expect) {
            failures.push(format!(
                "{}: expected line\n  {}\ngot\n{all}",
                case.name, case.expect
            ));
        }
        if snapshot(root) != before {
            failures.push(format!("{}: files changed", case.name));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n\n")
    );
}

#[test]
fn a_broken_position_does_not_cascade() {
    let dir = tiny();
    edit(
        dir.path(),
        "positions/eu.ron",
        "kind: Group,",
        "kind: Grop,",
    );
    let o = treaty(dir.path(), &["check"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert_eq!(
        out.lines()
            .filter(|l| l.contains(": error: ") || l.contains(": warning: "))
            .count(),
        1,
        "{out}"
    );
}

#[test]
fn a_50_mb_draft_is_checked_without_trouble() {
    let dir = tiny();
    let mut text = String::from(
        "### Article 2. Fund {#fund}\n\n1. {#fund.1}\nOption 1: Contributions.\nOption 2: No text.\n\n",
    );
    let para = "Each Party shall [take][adopt] measures [to ensure - EU / to promote - USA] that the [Placeholder for a list] is respected. ";
    let mut n = 0;
    while text.len() < 50 * 1024 * 1024 {
        n += 1;
        text.push_str(&format!("{n} bis. {para}{para} {{#fund.x{n}}}\n\n"));
    }
    write(dir.path(), "drafts/articles/fund.md", text.as_bytes());
    let o = treaty(dir.path(), &["brackets", "--clause", "fund", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["total"]["placeholders"].as_u64(), Some(2 * n as u64));
}
