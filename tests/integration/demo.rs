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
