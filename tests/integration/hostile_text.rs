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
