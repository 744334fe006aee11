//! The README's first command, without the terminal: `treaty demo --no-tui --dir D`, then
//! the history commands on D print real results.

use crate::support::*;

#[test]
fn demo_then_log_stats_and_blame() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("demo");
    let ds = d.to_str().unwrap();
    let o = treaty(tmp.path(), &["demo", "--no-tui", "--dir", ds]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("4 rounds"), "{}", stdout(&o));

    let log = treaty(tmp.path(), &["--repo", ds, "log", "--json"]);
    assert!(log.status.success(), "{}", stderr(&log));
    let entries: serde_json::Value = serde_json::from_slice(&log.stdout).unwrap();
    let entries = entries.as_array().unwrap();
    assert!(entries.len() >= 40, "{} entries", entries.len());
    let by: std::collections::BTreeSet<String> = entries
        .iter()
        .flat_map(|e| e["proposers"].as_array().into_iter().flatten())
        .filter_map(|p| p.as_str().map(String::from))
        .collect();
    assert!(by.len() >= 6, "{by:?}");

    let stats = treaty(tmp.path(), &["--repo", ds, "stats", "--by-round"]);
    assert!(stats.status.success(), "{}", stderr(&stats));
    let text = stdout(&stats);
    for round in ["r1-geneva", "r2-nairobi", "r3-geneva", "r4-new-york"] {
        assert!(text.contains(round), "{round} missing from\n{text}");
    }

    let blame = treaty(tmp.path(), &["--repo", ds, "blame", "observatory.2.c"]);
    assert!(blame.status.success(), "{}", stderr(&blame));
    let text = stdout(&blame);
    assert!(
        text.contains("AGN") || text.contains("LDC") || text.contains("AOSIS"),
        "{text}"
    );
    assert!(text.lines().count() >= 3, "{text}");
}

/// A first-time user whose git knows no name can still amend the demo: it has an identity
/// of its own, and says so.
#[test]
fn the_demo_can_be_amended_where_git_knows_no_user() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("demo");
    let ds = d.to_str().unwrap();
    // No system, global or user git config: no user.name anywhere.
    let home = tmp.path().join("home");
    std::fs::create_dir(&home).unwrap();
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_treaty"))
            .args(args)
            .current_dir(tmp.path())
            .env("HOME", &home)
            .env("XDG_CONFIG_HOME", &home)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env_remove("GIT_AUTHOR_NAME")
            .env_remove("GIT_AUTHOR_EMAIL")
            .env_remove("GIT_COMMITTER_NAME")
            .env_remove("GIT_COMMITTER_EMAIL")
            .output()
            .expect("treaty runs")
    };
    let o = run(&["demo", "--no-tui", "--dir", ds]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("recorded as \"Demo delegate\""),
        "{}",
        stdout(&o)
    );

    let amend = run(&[
        "--repo",
        ds,
        "amend",
        "--kind",
        "bracket",
        "--clause",
        "capacity.1",
        "--by",
        "EU",
        "-m",
        "EU brackets the paragraph",
    ]);
    assert!(amend.status.success(), "{}", stderr(&amend));
    let author = std::process::Command::new("git")
        .args(["-C", ds, "log", "-1", "--format=%an <%ae>"])
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&author.stdout).trim(),
        "Demo delegate <demo-delegate@treaty.invalid>"
    );
}

#[test]
fn archive_import_then_log_history_and_blame() {
    let tmp = tempfile::tempdir().unwrap();
    let v1 = std::fs::read_to_string(corpus("treaties/udhr.txt")).unwrap();
    let old = "Everyone has the right to life, liberty and security of person.";
    assert!(v1.contains(old));
    let v2 = v1.replace(
        old,
        "Everyone has the right to life, liberty, dignity and security of person.",
    );
    std::fs::write(tmp.path().join("v1.txt"), &v1).unwrap();
    std::fs::write(tmp.path().join("v2.txt"), &v2).unwrap();
    let o = treaty(
        tmp.path(),
        &[
            "import-history",
            "--label",
            "v1",
            "v1.txt",
            "--label",
            "v2",
            "v2.txt",
            "--dir",
            "rec",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));

    let log = treaty(tmp.path(), &["--repo", "rec", "log", "--json"]);
    let entries: serde_json::Value = serde_json::from_slice(&log.stdout).unwrap();
    let newest = &entries.as_array().unwrap()[0];
    assert_eq!(
        newest["clauses"],
        serde_json::json!(["art-3.p1"]),
        "{newest}"
    );
    assert_eq!(newest["round"], "v2");

    let history = treaty(
        tmp.path(),
        &["--repo", "rec", "history", "art-3.p1", "--json"],
    );
    assert!(history.status.success(), "{}", stderr(&history));
    let versions: serde_json::Value = serde_json::from_slice(&history.stdout).unwrap();
    assert_eq!(versions.as_array().map(Vec::len), Some(2), "{versions}");

    let blame = stdout(&treaty(tmp.path(), &["--repo", "rec", "blame", "art-3.p1"]));
    assert!(
        blame.contains("round v1") && blame.contains("round v2"),
        "{blame}"
    );
}
