//! The document-core commands on the shipped sample and on broken copies of it.

use crate::support::*;

#[test]
fn check_is_clean_on_the_sample() {
    let o = treaty(&repo_root(), &["check"]);
    assert!(
        o.status.success(),
        "stdout:\n{}\nstderr:\n{}",
        stdout(&o),
        stderr(&o)
    );
    assert_eq!(stdout(&o), "", "the sample has no diagnostics at all");
    assert!(
        stderr(&o).contains("0 errors, 0 warnings"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn check_reports_located_errors_on_a_broken_copy() {
    let dir = sample_copy();
    let d = dir.path();
    // An unclosed bracket, an unknown clause in a position, a duplicate id.
    let art = d.join("drafts/articles/observatory.md");
    let text = std::fs::read_to_string(&art).unwrap();
    let broken = text.replacen("[", "[[", 1);
    std::fs::write(&art, &broken).unwrap();
    let eu = d.join("positions/eu.ron");
    let eu_text = std::fs::read_to_string(&eu).unwrap();
    let first_clause = eu_text
        .split("clause: \"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    std::fs::write(
        &eu,
        eu_text.replacen(
            &format!("clause: \"{first_clause}\""),
            "clause: \"observatroy.2\"",
            1,
        ),
    )
    .unwrap();
    let before = snapshot(d);

    let o = treaty(d, &["check"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let out = stdout(&o);
    let bracket_line = broken.lines().position(|l| l.contains("[[")).unwrap() + 1;
    assert!(
        out.lines().any(|l| l
            .starts_with(&format!("drafts/articles/observatory.md:{bracket_line}:"))
            && l.contains("error: unclosed bracket")),
        "{out}"
    );
    let eu_line = std::fs::read_to_string(&eu)
        .unwrap()
        .lines()
        .position(|l| l.contains("observatroy.2"))
        .unwrap()
        + 1;
    assert!(
        out.contains(&format!("positions/eu.ron:{eu_line}:"))
            && out.contains("error: unknown clause id `observatroy.2`"),
        "{out}"
    );
    assert!(out.contains("help: did you mean `observatory.2`?"), "{out}");
    assert_eq!(snapshot(d), before, "check never writes");
}

#[test]
fn check_names_invalid_ron_with_line_and_column() {
    let dir = sample_copy();
    let tiers = dir.path().join("drafts/tiers.ron");
    std::fs::write(&tiers, "(\n    version: 1,\n    tiers: [,\n").unwrap();
    let o = treaty(dir.path(), &["check"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("drafts/tiers.ron:3:"), "{}", stdout(&o));
    assert!(stdout(&o).contains("error: invalid RON"), "{}", stdout(&o));
}

#[test]
fn brackets_json_counts_the_compilation_text() {
    let o = treaty(&repo_root(), &["brackets", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let total = &v["total"];
    assert!(total["groups"].as_u64().unwrap() >= 60, "{total}");
    assert!(total["options"].as_u64().unwrap() >= 4, "{total}");
    assert!(total["placeholders"].as_u64().unwrap() >= 2, "{total}");
    assert!(total["attributions"].as_u64().unwrap() >= 10, "{total}");
    assert!(total["status_marks"].as_u64().unwrap() >= 1, "{total}");
    assert_eq!(total["problems"].as_u64(), Some(0));
    // Per-clause rows add up to the total.
    let sum: u64 = v["clauses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["groups"].as_u64().unwrap())
        .sum();
    assert_eq!(sum, total["groups"].as_u64().unwrap());
}

#[test]
fn brackets_for_one_clause() {
    let o = treaty(
        &repo_root(),
        &["brackets", "--clause", "observatory", "--json"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    for c in v["clauses"].as_array().unwrap() {
        assert!(c["id"].as_str().unwrap().starts_with("observatory"), "{c}");
    }
    let o = treaty(&repo_root(), &["brackets", "--clause", "observatroy"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unknown clause id `observatroy`: did you mean `observatory`?"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn show_as_drafted_as_proposed_and_clean() {
    let root = repo_root();
    let o = treaty(&root, &["show", "fund"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let drafted = stdout(&o);
    assert!(drafted.starts_with("Article 18 (fund)"), "{drafted}");
    assert!(drafted.contains('['), "the compilation text is bracketed");

    let clean = stdout(&treaty(&root, &["show", "fund", "--clean"]));
    let body: String = clean.lines().skip(1).collect::<Vec<_>>().join("\n");
    assert!(!body.contains('[') && !body.contains(']'), "{clean}");
    assert!(!body.contains("Option 1:"), "{clean}");

    let o = treaty(&root, &["show", "fund", "--position", "USA"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("as proposed by"), "{}", stdout(&o));

    let o = treaty(&root, &["show", "fund", "--clean", "--choose", "G77"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_ne!(
        stdout(&o).lines().skip(1).collect::<Vec<_>>(),
        clean.lines().skip(1).collect::<Vec<_>>(),
        "G77's choices differ from the first options"
    );

    let o = treaty(&root, &["show", "fund", "--position", "XYZ"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unknown delegation `XYZ`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn applies_to_a_party_and_what_if() {
    let root = repo_root();
    let o = treaty(&root, &["applies-to", "BRA"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.starts_with("Brazil (BRA) is in tier "), "{text}");
    assert!(text.contains("Not binding on BRA"), "{text}");

    let o = treaty(&root, &["applies-to", "BRA", "--if-tier", "1"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains("newly binding:") && text.contains("no longer binding:"),
        "{text}"
    );

    let o = treaty(&root, &["applies-to", "BRZ"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("did you mean `BRA`?"), "{}", stderr(&o));
}

#[test]
fn fmt_leaves_the_sample_alone_and_fills_missing_ids() {
    let dir = sample_copy();
    let before = snapshot(dir.path());
    let o = treaty(dir.path(), &["fmt"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        snapshot(dir.path()),
        before,
        "every clause of the sample already has an id"
    );

    let art = dir.path().join("drafts/articles/objective.md");
    let text = std::fs::read_to_string(&art).unwrap();
    let stripped = text.replacen(" {#objective.2}", "", 1);
    std::fs::write(&art, &stripped).unwrap();
    let o = treaty(dir.path(), &["fmt", "--check"]);
    assert_eq!(o.status.code(), Some(1));
    let o = treaty(dir.path(), &["fmt"]);
    assert!(o.status.success());
    assert!(
        stdout(&o).contains("gave id `objective.2`"),
        "{}",
        stdout(&o)
    );
    assert_eq!(
        std::fs::read_to_string(&art).unwrap(),
        text,
        "the same id comes back, other bytes untouched"
    );
}

#[test]
fn show_lays_out_a_whole_article_with_notes_and_a_delegations_reasons() {
    let root = repo_root();
    let o = treaty(&root, &["show", "definitions"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let shown = stdout(&o);
    assert!(
        shown.contains("\n1. For the purposes of this Convention:\n"),
        "{shown}"
    );
    assert!(
        shown.contains("\n    (a) \"artificial intelligence system\""),
        "{shown}"
    );
    assert!(
        shown.contains("\nNotes\n[^1] Chair's note: subparagraph (a)"),
        "the footnote is listed after the article: {shown}"
    );

    let o = treaty(&root, &["show", "objective", "--position", "EU"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("EU's note: Rights first;"),
        "{}",
        stdout(&o)
    );
}
