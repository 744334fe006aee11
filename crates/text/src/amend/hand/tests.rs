use super::*;

const FRONT: &str = "# T {#t}\n\n## Part I. General {#part-1}\n\n- [Article 1. Objective](articles/objective.md)\n- [Article 2. Fund](articles/fund.md)\n";
const OBJECTIVE: &str =
    "### Article 1. Objective {#objective}\n\n1. The objective is clarity. {#objective.1}\n";
const FUND: &str = "### Article 2. Fund {#fund}\n\n1. A Fund is established. {#fund.1}\n";

fn ws() -> Workspace {
    let loaded = Draft::from_texts(
        FRONT,
        &[
            ("articles/objective.md", OBJECTIVE),
            ("articles/fund.md", FUND),
        ],
    );
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    Workspace {
        draft: loaded.draft,
        tiers: None,
        annexes: None,
    }
}

fn files(edits: &[(&str, Option<&str>)]) -> BTreeMap<String, Option<String>> {
    edits
        .iter()
        .map(|(p, t)| (p.to_string(), t.map(String::from)))
        .collect()
}

#[test]
fn a_reworded_clause_is_a_replace_of_that_clause() {
    let edit = hand_edit(
        &ws(),
        &files(&[
            ("drafts/treaty.md", Some(FRONT)),
            (
                "drafts/articles/fund.md",
                Some(&FUND.replace("is established", "shall be established")),
            ),
        ]),
    )
    .unwrap();
    assert_eq!(edit.kind, AmendmentKind::Replace);
    assert_eq!(edit.clauses, ["fund.1"]);
    assert_eq!(
        edit.files.keys().collect::<Vec<_>>(),
        ["drafts/articles/fund.md"]
    );
}

#[test]
fn a_new_article_file_and_its_include_line_are_an_insert_article() {
    let front = FRONT.replace(
        "objective.md)\n",
        "objective.md)\n- [Article 1 bis. Terms](articles/terms.md)\n",
    );
    let edit = hand_edit(
        &ws(),
        &files(&[
            ("drafts/treaty.md", Some(&front)),
            (
                "drafts/articles/terms.md",
                Some("### Article 1 bis. Terms {#terms}\n"),
            ),
        ]),
    )
    .unwrap();
    assert_eq!(edit.kind, AmendmentKind::InsertArticle);
    assert_eq!(edit.clauses, ["terms"]);
    assert_eq!(edit.files.len(), 2);
}

#[test]
fn articles_reordered_in_treaty_md_are_a_move_of_the_one_that_moved() {
    let front = FRONT.replace(
        "- [Article 1. Objective](articles/objective.md)\n- [Article 2. Fund](articles/fund.md)\n",
        "- [Article 2. Fund](articles/fund.md)\n- [Article 1. Objective](articles/objective.md)\n",
    );
    let edit = hand_edit(&ws(), &files(&[("drafts/treaty.md", Some(&front))])).unwrap();
    assert_eq!(edit.kind, AmendmentKind::MoveArticle);
    assert_eq!(edit.clauses.len(), 1);
}

#[test]
fn an_article_heading_in_another_article_file_is_refused_where_it_is() {
    let e = hand_edit(
        &ws(),
        &files(&[(
            "drafts/articles/fund.md",
            Some(&format!("{FUND}\n### Article 3. Smuggled {{#smuggled}}\n")),
        )]),
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .contains("drafts/articles/fund.md:5:1: a second article or annex heading"),
        "{e}"
    );
    let e = hand_edit(
        &ws(),
        &files(&[(
            "drafts/articles/orphan.md",
            Some("### Article 9. Orphan {#orphan}\n"),
        )]),
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .contains("drafts/articles/orphan.md:1:1: drafts/treaty.md does not include this file"),
        "{e}"
    );
}

#[test]
fn several_structural_changes_in_one_hand_edit_are_refused_naming_each() {
    // Article 1 bis inserted, and Article 2 renumbered 3: two amendments, not one.
    let front = FRONT
        .replace(
            "objective.md)\n",
            "objective.md)\n- [Article 1 bis. Terms](articles/terms.md)\n",
        )
        .replace("[Article 2. Fund]", "[Article 3. Fund]");
    let e = hand_edit(
        &ws(),
        &files(&[
            ("drafts/treaty.md", Some(&front)),
            (
                "drafts/articles/terms.md",
                Some("### Article 1 bis. Terms {#terms}\n"),
            ),
            (
                "drafts/articles/fund.md",
                Some(&FUND.replace("Article 2.", "Article 3.")),
            ),
        ]),
    )
    .unwrap_err();
    assert!(matches!(e, AmendError::SeveralStructural { .. }), "{e}");
    assert_eq!(
        e.to_string(),
        "these hand edits make 2 structural changes (insert-article terms, renumber-article fund): record them one at a time, each as its own amendment (`treaty amend --kind …`, or hand edits of one change each); nothing was recorded"
    );
}

#[test]
fn what_follows_its_heading_is_part_of_one_structural_change() {
    // A chapter heading put in above Article 2: the article comes under it with it.
    let front = FRONT.replace(
        "- [Article 2. Fund]",
        "\n### Chapter 1. Finance {#finance}\n\n- [Article 2. Fund]",
    );
    let edit = hand_edit(&ws(), &files(&[("drafts/treaty.md", Some(&front))])).unwrap();
    assert_eq!(edit.kind, AmendmentKind::InsertChapter);
    // A second part, then moved before the first with its articles: one move-part.
    let two = format!(
        "{FRONT}\n## Part II. Final {{#part-2}}\n\n- [Article 3. Martens](articles/martens.md)\n"
    );
    let martens = "### Article 3. Martens {#martens}\n\nHuman dignity applies. {#martens.p1}\n";
    let loaded = Draft::from_texts(
        &two,
        &[
            ("articles/objective.md", OBJECTIVE),
            ("articles/fund.md", FUND),
            ("articles/martens.md", martens),
        ],
    );
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    let w = Workspace {
        draft: loaded.draft,
        tiers: None,
        annexes: None,
    };
    let swapped = "# T {#t}\n\n## Part II. Final {#part-2}\n\n- [Article 3. Martens](articles/martens.md)\n\n## Part I. General {#part-1}\n\n- [Article 1. Objective](articles/objective.md)\n- [Article 2. Fund](articles/fund.md)\n";
    let edit = hand_edit(&w, &files(&[("drafts/treaty.md", Some(swapped))])).unwrap();
    assert_eq!(edit.kind, AmendmentKind::MovePart);
}
