use super::blame::tokens;
use super::*;

#[test]
fn tokens_tile_the_text_and_split_brackets() {
    let text = "review [annually - EU / every two years]  on\nthe basis;";
    let toks = tokens(text);
    let joined: String = toks.iter().map(|&(s, e)| &text[s..e]).collect();
    assert_eq!(joined, text);
    let words: Vec<&str> = toks
        .iter()
        .map(|&(s, e)| &text[s..e])
        .filter(|t| !t.trim().is_empty())
        .collect();
    assert_eq!(
        words,
        [
            "review", "[", "annually", "-", "EU", "/", "every", "two", "years", "]", "on", "the",
            "basis;"
        ]
    );
    assert_eq!(tokens("[[a]]").len(), 5);
    assert!(tokens("").is_empty());
}

#[test]
fn word_changes_mark_removed_and_added_words() {
    let got = word_changes("Parties shall cooperate", "Parties should cooperate");
    assert_eq!(
        got,
        [
            WordChange::Same("Parties ".into()),
            WordChange::Removed("shall".into()),
            WordChange::Added("should".into()),
            WordChange::Same(" cooperate".into()),
        ]
    );
}

#[test]
fn dates_are_civil_with_offset() {
    assert_eq!(format_date(0, 0), "1970-01-01 00:00 +0000");
    // store::testing::EPOCH is 2025-01-01T00:00:00Z.
    assert_eq!(
        format_date(crate::store::testing::EPOCH, 90),
        "2025-01-01 01:30 +0130"
    );
    assert_eq!(
        format_date(crate::store::testing::EPOCH, -60),
        "2024-12-31 23:00 -0100"
    );
}

fn version(id: &str, file: &str, kind: &str) -> ClauseVersion {
    ClauseVersion {
        id: id.into(),
        kind: kind.into(),
        label: None,
        title: None,
        text: String::new(),
        parent: None,
        article: None,
        file: file.into(),
        position: 0,
        brackets: BracketCounts::default(),
    }
}

#[test]
fn state_orders_files_where_treaty_md_includes_them() {
    let mut state = TextState::default();
    let record = Record {
        oid: "0".repeat(40),
        amendment: None,
        author: "a".into(),
        email: "e".into(),
        time: 0,
        offset_minutes: 0,
        summary: String::new(),
        changes: [
            version("part-1", "treaty.md", "division"),
            version("art-b", "articles/b.md", "article"),
            version("art-a", "articles/a.md", "article"),
        ]
        .into_iter()
        .map(|v| ClauseChange {
            id: v.id.clone(),
            after: Some(v),
        })
        .collect(),
        files: vec![
            ("treaty.md".into(), Some(vec!["part-1".into()])),
            ("articles/a.md".into(), Some(vec!["art-a".into()])),
            ("articles/b.md".into(), Some(vec!["art-b".into()])),
        ],
        layout: Some(vec![
            LayoutItem::Clause("part-1".into()),
            LayoutItem::Include("articles/b.md".into()),
            LayoutItem::Include("articles/a.md".into()),
        ]),
    };
    state.apply(&record);
    let ids: Vec<&str> = state.ordered().iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["part-1", "art-b", "art-a"]);
    let containers = build::containers(&state.layout, |id| {
        state.clauses.get(id).map(|c| c.kind.clone())
    });
    assert_eq!(containers["articles/a.md"].as_deref(), Some("part-1"));
}
