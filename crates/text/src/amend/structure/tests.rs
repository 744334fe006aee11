use super::*;
use crate::amend::Change;
use crate::amendment::AmendmentKind;

const FRONT: &str = "# T {#t}\n\n## Part I. General {#part-1}\n\n- [Article 1. Objective](articles/objective.md)\n- [Article 2. Fund](articles/fund.md)\n\n## Part II. Final {#part-2}\n\n- [Article 3. Martens](articles/martens.md)\n\n## Annexes {#annexes}\n\n- [Annex A. Biometrics](annexes/bio.md)\n";
const OBJECTIVE: &str =
    "### Article 1. Objective {#objective}\n\n1. The objective is clarity. {#objective.1}\n";
const FUND: &str = "### Article 2. Fund {#fund}\n\n1. A Fund is established. {#fund.1}\n";
const MARTENS: &str =
    "### Article 3. Martens clause {#martens}\n\nHuman dignity applies. {#martens.p1}\n";
const BIO: &str = "### Annex A. Biometrics {#bio}\n\nThis annex covers biometrics. {#bio.p1}\n";

fn ws() -> Workspace {
    workspace_of(FRONT)
}

/// The four files under `front` as `treaty.md`.
fn workspace_of(front: &str) -> Workspace {
    let loaded = Draft::from_texts(
        front,
        &[
            ("articles/objective.md", OBJECTIVE),
            ("articles/fund.md", FUND),
            ("articles/martens.md", MARTENS),
            ("annexes/bio.md", BIO),
        ],
    );
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    Workspace {
        draft: loaded.draft,
        tiers: None,
        annexes: None,
    }
}

fn structure(unit: Unit, edit: Restructure) -> Change {
    Change::Structure { unit, edit }
}

fn insert(unit: Unit, place: Place, label: &str, title: &str) -> Change {
    structure(
        unit,
        Restructure::Insert {
            place,
            id: None,
            label: label.into(),
            title: title.into(),
            text: None,
        },
    )
}

fn front(edit: &Applied) -> String {
    edit.files["drafts/treaty.md"]
        .clone()
        .expect("treaty.md kept")
}

/// The draft the workspace now holds has no errors, and its articles read in this order.
fn articles(w: &Workspace) -> Vec<String> {
    let mut diags = Vec::new();
    w.draft.clone().rebuild(&mut diags);
    assert!(diags.is_empty(), "{diags:?}");
    w.draft
        .clauses
        .iter()
        .filter(|c| matches!(c.kind, ClauseKind::Article | ClauseKind::Annex))
        .filter_map(|c| c.id.clone())
        .collect()
}

#[test]
fn structural_kinds_name_operation_and_unit() {
    let change = insert(
        Unit::Article,
        Place::After("fund".into()),
        "2 bis",
        "Purpose",
    );
    assert_eq!(change.kind(), AmendmentKind::InsertArticle);
    assert_eq!(change.kind().as_str(), "insert-article");
    assert_eq!(
        AmendmentKind::MoveChapter.structure(),
        Some((StructureOp::Move, Unit::Chapter))
    );
    assert_eq!(AmendmentKind::Replace.structure(), None);
    assert_eq!("delete-annex".parse(), Ok(AmendmentKind::DeleteAnnex));
    assert_eq!(full_label(Unit::Article, "article 2 bis"), "Article 2 bis");
    assert_eq!(full_label(Unit::Part, "III"), "Part III");
}

#[test]
fn insert_article_after_creates_its_file_and_include_line() {
    let mut w = ws();
    let edit = w
        .apply(&insert(
            Unit::Article,
            Place::After("objective".into()),
            "1 bis",
            "Purpose",
        ))
        .unwrap();
    assert_eq!(edit.clauses, ["purpose"]);
    assert_eq!(
        edit.files["drafts/articles/purpose.md"].as_deref(),
        Some("### Article 1 bis. Purpose {#purpose}\n")
    );
    assert_eq!(
        front(&edit),
        FRONT.replace(
            "objective.md)\n",
            "objective.md)\n- [Article 1 bis. Purpose](articles/purpose.md)\n"
        )
    );
    assert_eq!(edit.files.len(), 2);
    assert_eq!(
        articles(&w),
        ["objective", "purpose", "fund", "martens", "bio"]
    );
}

#[test]
fn insert_article_before_the_first_of_a_part_and_into_a_part() {
    let mut w = ws();
    let edit = w
        .apply(&insert(
            Unit::Article,
            Place::Before("martens".into()),
            "2 ter",
            "Review",
        ))
        .unwrap();
    assert!(front(&edit).contains(
        "{#part-2}\n\n- [Article 2 ter. Review](articles/review.md)\n- [Article 3. Martens]"
    ));
    let edit = w
        .apply(&structure(
            Unit::Article,
            Restructure::Insert {
                place: Place::Into("part-1".into()),
                id: Some("finance".into()),
                label: "2 bis".into(),
                title: "Finance".into(),
                text: Some("1. Parties shall contribute. ".into()),
            },
        ))
        .unwrap();
    assert_eq!(
        edit.files["drafts/articles/finance.md"].as_deref(),
        Some(
            "### Article 2 bis. Finance {#finance}\n\n1. Parties shall contribute. {#finance.1}\n"
        )
    );
    assert_eq!(
        articles(&w),
        ["objective", "fund", "finance", "review", "martens", "bio"]
    );
    assert_eq!(
        w.draft.clause("finance.1").unwrap().text,
        "Parties shall contribute."
    );
}

#[test]
fn insert_part_and_chapter_are_headings_of_treaty_md() {
    let mut w = ws();
    let edit = w
        .apply(&insert(
            Unit::Part,
            Place::After("part-1".into()),
            "I bis",
            "Institutions",
        ))
        .unwrap();
    assert!(
        front(&edit).contains(
            "fund.md)\n\n## Part I bis. Institutions {#institutions}\n\n## Part II. Final"
        )
    );
    let edit = w
        .apply(&insert(
            Unit::Chapter,
            Place::Into("part-2".into()),
            "1",
            "Closing",
        ))
        .unwrap();
    assert!(
        front(&edit).contains("martens.md)\n\n### Chapter 1. Closing {#closing}\n\n## Annexes")
    );
    articles(&w);
}

#[test]
fn move_article_before_and_into() {
    let mut w = ws();
    let edit = w
        .apply(&structure(
            Unit::Article,
            Restructure::Move {
                clause: "martens".into(),
                place: Place::Before("objective".into()),
            },
        ))
        .unwrap();
    assert_eq!(edit.files.len(), 1);
    assert_eq!(
        front(&edit),
        "# T {#t}\n\n## Part I. General {#part-1}\n\n- [Article 3. Martens](articles/martens.md)\n- [Article 1. Objective](articles/objective.md)\n- [Article 2. Fund](articles/fund.md)\n\n## Part II. Final {#part-2}\n\n## Annexes {#annexes}\n\n- [Annex A. Biometrics](annexes/bio.md)\n"
    );
    w.apply(&structure(
        Unit::Article,
        Restructure::Move {
            clause: "objective".into(),
            place: Place::Into("part-2".into()),
        },
    ))
    .unwrap();
    assert_eq!(articles(&w), ["martens", "fund", "objective", "bio"]);
    let part2 = w.draft.index_of("part-2").unwrap();
    assert_eq!(w.draft.clause("objective").unwrap().parent, Some(part2));
}

#[test]
fn move_part_takes_its_articles() {
    let mut w = ws();
    w.apply(&structure(
        Unit::Part,
        Restructure::Move {
            clause: "part-2".into(),
            place: Place::Before("part-1".into()),
        },
    ))
    .unwrap();
    assert_eq!(articles(&w), ["martens", "objective", "fund", "bio"]);
    assert_eq!(
        w.file("drafts/treaty.md").unwrap(),
        "# T {#t}\n\n## Part II. Final {#part-2}\n\n- [Article 3. Martens](articles/martens.md)\n\n## Part I. General {#part-1}\n\n- [Article 1. Objective](articles/objective.md)\n- [Article 2. Fund](articles/fund.md)\n\n## Annexes {#annexes}\n\n- [Annex A. Biometrics](annexes/bio.md)\n"
    );
}

#[test]
fn delete_article_removes_file_and_retires_ids() {
    let mut w = ws();
    let edit = w
        .apply(&structure(
            Unit::Article,
            Restructure::Delete {
                clause: "fund".into(),
            },
        ))
        .unwrap();
    assert_eq!(edit.files["drafts/articles/fund.md"], None);
    assert!(!front(&edit).contains("fund.md"));
    assert_eq!(edit.clauses, ["fund", "fund.1"]);
    assert!(
        edit.files["drafts/retired-ids"]
            .as_deref()
            .unwrap()
            .contains("fund.1\n")
    );
    assert_eq!(articles(&w), ["objective", "martens", "bio"]);
}

#[test]
fn renumber_article_keeps_heading_and_include_line_in_step() {
    let mut w = ws();
    let edit = w
        .apply(&structure(
            Unit::Article,
            Restructure::Renumber {
                clause: "martens".into(),
                label: "30".into(),
            },
        ))
        .unwrap();
    assert!(front(&edit).contains("- [Article 30. Martens](articles/martens.md)"));
    assert_eq!(
        edit.files["drafts/articles/martens.md"].as_deref().unwrap(),
        MARTENS.replace("Article 3.", "Article 30.")
    );
}

/// Each refusal leaves the workspace as it was.
fn refused(change: Change) -> AmendError {
    let mut w = ws();
    let before = w.draft_texts();
    let e = w.apply(&change).unwrap_err();
    assert_eq!(w.draft_texts(), before, "{change:?}");
    e
}

#[test]
fn bad_structural_amendments_are_refused_with_what_to_do() {
    let e = refused(insert(
        Unit::Article,
        Place::After("fundd".into()),
        "2 bis",
        "X",
    ));
    assert_eq!(
        e.to_string(),
        "unknown clause id `fundd`: did you mean `fund`?"
    );
    let e = refused(insert(
        Unit::Article,
        Place::After("bio".into()),
        "2 bis",
        "X",
    ));
    assert!(
        e.to_string()
            .starts_with("an article cannot go there: bio is an annex"),
        "{e}"
    );
    let e = refused(insert(
        Unit::Article,
        Place::After("fund".into()),
        "Article 3",
        "X",
    ));
    assert_eq!(
        e.to_string(),
        "`Article 3` is already martens's number: choose another, or renumber martens first"
    );
    let e = refused(insert(
        Unit::Article,
        Place::After("fund".into()),
        "2 bis",
        "A [bracket]",
    ));
    assert!(matches!(e, AmendError::BadTitle { .. }), "{e}");
    let e = refused(structure(
        Unit::Part,
        Restructure::Move {
            clause: "part-1".into(),
            place: Place::After("part-1".into()),
        },
    ));
    assert!(matches!(e, AmendError::IntoItself { .. }), "{e}");
    let e = refused(structure(
        Unit::Chapter,
        Restructure::Move {
            clause: "part-1".into(),
            place: Place::Into("part-2".into()),
        },
    ));
    assert!(
        e.to_string().starts_with("part-1 is a part, not a chapter"),
        "{e}"
    );
    let e = refused(structure(
        Unit::Part,
        Restructure::Delete {
            clause: "part-1".into(),
        },
    ));
    assert!(matches!(e, AmendError::NotEmpty { .. }), "{e}");
    let e = refused(structure(
        Unit::Article,
        Restructure::Renumber {
            clause: "martens".into(),
            label: "Article 1".into(),
        },
    ));
    assert!(matches!(e, AmendError::LabelTaken { .. }), "{e}");
    let e = refused(Change::Insert {
        after: "fund".into(),
        id: None,
        label: None,
        text: "New words".into(),
    });
    assert!(e.to_string().contains("--kind insert-article"), "{e}");
    let e = refused(Change::Delete {
        clause: "part-1".into(),
    });
    assert!(e.to_string().contains("--kind delete-part"), "{e}");
}

#[test]
fn the_last_article_is_not_deleted() {
    let loaded = Draft::from_texts(
        "# T {#t}\n\n## Part I. General {#part-1}\n\n- [Article 1. Objective](articles/objective.md)\n",
        &[("articles/objective.md", OBJECTIVE)],
    );
    let mut w = Workspace {
        draft: loaded.draft,
        tiers: None,
        annexes: None,
    };
    for change in [
        structure(
            Unit::Article,
            Restructure::Delete {
                clause: "objective".into(),
            },
        ),
        Change::Delete {
            clause: "objective".into(),
        },
    ] {
        let e = w.apply(&change).unwrap_err();
        assert!(matches!(e, AmendError::LastArticle { .. }), "{e}");
    }
    let e = w.apply(&Change::Delete { clause: "t".into() }).unwrap_err();
    assert!(matches!(e, AmendError::Undeletable { .. }), "{e}");
}

#[test]
fn a_part_is_not_moved_into_a_chapter_it_holds() {
    let mut w = ws();
    w.apply(&insert(
        Unit::Chapter,
        Place::Into("part-2".into()),
        "1",
        "Closing",
    ))
    .unwrap();
    let before = w.draft_texts();
    let e = w
        .apply(&structure(
            Unit::Part,
            Restructure::Move {
                clause: "part-2".into(),
                place: Place::After("closing".into()),
            },
        ))
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "part-2 cannot be placed relative to itself or into a part or chapter it holds: give a clause outside it"
    );
    assert_eq!(w.draft_texts(), before);
}

#[test]
fn a_units_number_is_letters_and_digits_only() {
    for bad in [
        "../../x",
        "3/4",
        "(a)",
        "3  bis",
        "-3",
        "3.",
        "a\\b",
        "x".repeat(21).as_str(),
    ] {
        let e = refused(insert(
            Unit::Article,
            Place::After("fund".into()),
            bad,
            "Use of terms",
        ));
        assert!(matches!(e, AmendError::BadLabel { .. }), "{bad}: {e}");
        let e = refused(structure(
            Unit::Article,
            Restructure::Renumber {
                clause: "martens".into(),
                label: bad.into(),
            },
        ));
        assert!(matches!(e, AmendError::BadLabel { .. }), "{bad}: {e}");
    }
    for good in ["2 bis", "IV", "12.1", "2-A"] {
        let mut w = ws();
        w.apply(&insert(
            Unit::Article,
            Place::After("fund".into()),
            good,
            "Use of terms",
        ))
        .unwrap_or_else(|e| panic!("{good}: {e}"));
    }
}

/// Parts at level 2 with chapters (and a section) under them, beside a chapter that sits
/// at the top, at level 2 too.
const LEVELS: &str = "# T {#t}\n\n## Part I. General {#part-1}\n\n### Chapter 1. Scope {#ch-scope}\n\n- [Article 1. Objective](articles/objective.md)\n\n#### Section A. Terms {#sec-a}\n\n- [Article 2. Fund](articles/fund.md)\n\n## Chapter 2. Final {#ch-final}\n\n- [Article 3. Martens](articles/martens.md)\n\n## Annexes {#annexes}\n\n- [Annex A. Biometrics](annexes/bio.md)\n";

fn levels_ws() -> Workspace {
    workspace_of(LEVELS)
}

fn parent_id(w: &Workspace, id: &str) -> Option<String> {
    let c = w.draft.clause(id).unwrap();
    c.parent.and_then(|p| w.draft.clauses[p].id.clone())
}

#[test]
fn a_chapter_moved_into_a_part_takes_the_heading_level_below_it() {
    let mut w = levels_ws();
    let edit = w
        .apply(&structure(
            Unit::Chapter,
            Restructure::Move {
                clause: "ch-final".into(),
                place: Place::Into("part-1".into()),
            },
        ))
        .unwrap();
    assert_eq!(
        front(&edit),
        "# T {#t}\n\n## Part I. General {#part-1}\n\n### Chapter 1. Scope {#ch-scope}\n\n- [Article 1. Objective](articles/objective.md)\n\n#### Section A. Terms {#sec-a}\n\n- [Article 2. Fund](articles/fund.md)\n\n### Chapter 2. Final {#ch-final}\n\n- [Article 3. Martens](articles/martens.md)\n\n## Annexes {#annexes}\n\n- [Annex A. Biometrics](annexes/bio.md)\n"
    );
    articles(&w);
    assert_eq!(parent_id(&w, "ch-final").as_deref(), Some("part-1"));
    assert_eq!(parent_id(&w, "martens").as_deref(), Some("ch-final"));
    assert_eq!(parent_id(&w, "annexes"), None);
}

#[test]
fn a_chapter_moved_up_beside_a_top_chapter_brings_its_sections_up_a_level() {
    let mut w = levels_ws();
    let edit = w
        .apply(&structure(
            Unit::Chapter,
            Restructure::Move {
                clause: "ch-scope".into(),
                place: Place::After("ch-final".into()),
            },
        ))
        .unwrap();
    assert_eq!(
        front(&edit),
        "# T {#t}\n\n## Part I. General {#part-1}\n\n## Chapter 2. Final {#ch-final}\n\n- [Article 3. Martens](articles/martens.md)\n\n## Chapter 1. Scope {#ch-scope}\n\n- [Article 1. Objective](articles/objective.md)\n\n### Section A. Terms {#sec-a}\n\n- [Article 2. Fund](articles/fund.md)\n\n## Annexes {#annexes}\n\n- [Annex A. Biometrics](annexes/bio.md)\n"
    );
    articles(&w);
    assert_eq!(parent_id(&w, "ch-scope"), parent_id(&w, "ch-final"));
    assert_eq!(parent_id(&w, "sec-a").as_deref(), Some("ch-scope"));
    assert_eq!(parent_id(&w, "fund").as_deref(), Some("sec-a"));
    // And back into the part, one level down again.
    w.apply(&structure(
        Unit::Chapter,
        Restructure::Move {
            clause: "ch-scope".into(),
            place: Place::Into("part-1".into()),
        },
    ))
    .unwrap();
    assert!(
        w.file("drafts/treaty.md")
            .unwrap()
            .contains("## Part I. General {#part-1}\n\n### Chapter 1. Scope {#ch-scope}\n\n- [Article 1. Objective](articles/objective.md)\n\n#### Section A. Terms {#sec-a}\n"),
        "{}",
        w.file("drafts/treaty.md").unwrap()
    );
    assert_eq!(parent_id(&w, "ch-scope").as_deref(), Some("part-1"));
}

#[test]
fn a_structure_request_builds_the_change_or_names_what_it_lacks() {
    let request = StructureRequest {
        place: Some(Place::After("fund".into())),
        label: Some("2 bis".into()),
        title: Some("Purpose".into()),
        ..StructureRequest::default()
    };
    assert_eq!(
        request.clone().change(StructureOp::Insert, Unit::Article),
        Ok(insert(
            Unit::Article,
            Place::After("fund".into()),
            "2 bis",
            "Purpose"
        ))
    );
    let no_title = StructureRequest {
        title: None,
        ..request.clone()
    };
    assert_eq!(
        no_title.change(StructureOp::Insert, Unit::Article),
        Err(Incomplete::Title)
    );
    let with_text = StructureRequest {
        text: Some("Words.".into()),
        ..request.clone()
    };
    assert_eq!(
        with_text.change(StructureOp::Insert, Unit::Part),
        Err(Incomplete::TextOnHeading)
    );
    assert_eq!(
        request.clone().change(StructureOp::Move, Unit::Article),
        Err(Incomplete::Clause)
    );
    let moved = StructureRequest {
        clause: Some("martens".into()),
        ..request
    }
    .change(StructureOp::Move, Unit::Article)
    .unwrap();
    assert_eq!(moved.kind(), AmendmentKind::MoveArticle);
    let mut w = ws();
    w.apply(&moved).unwrap();
    assert_eq!(articles(&w), ["objective", "fund", "martens", "bio"]);
}
