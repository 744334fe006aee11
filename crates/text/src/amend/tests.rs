use super::*;

const FRONT: &str = "# T {#t}\n\n## Part I. General {#part-1}\n\n- [Article 1. Objective](articles/objective.md)\n- [Article 2. Fund](articles/fund.md)\n\n## Part II. Final {#part-2}\n\n- [Article 3. Martens](articles/martens.md)\n";
const OBJECTIVE: &str = "### Article 1. Objective {#objective}\n\n1. The objective is [clarity]. {#objective.1}\n\n2. Parties [shall][should] act [promptly - EU / slowly - USA]. {#objective.2}\n\n(a) first; {#objective.2.a}\n\n(b) second. {#objective.2.b}\n";
const FUND: &str = "### Article 2. Fund {#fund}\n\n1. A Fund is established. {#fund.1}\n\n2. {#fund.2}\nOption 1: Contributions shall be [mandatory].\nOption 2: No text.\n";
const MARTENS: &str = "### Article 3. Martens clause {#martens}\n\nHuman dignity applies where this Convention is silent. {#martens.p1}\n";
const TIERS: &str = "(\n    version: 1,\n    // Tiers.\n    tiers: [(tier: 1, name: \"Full\"), (tier: 2, name: \"Graduated\")],\n    parties: [\n        (code: \"IND\", name: \"India\", tier: 1),\n        (code: \"BRA\", name: \"Brazil\", tier: 1),\n    ],\n)\n";
const ANNEXES: &str = "(\n    version: 1,\n    annexes: [\n        (annex: \"annex-a\", proposer: [\"EU\"], status: Proposed),\n    ],\n)\n";

fn ws() -> Workspace {
    let loaded = Draft::from_texts(
        FRONT,
        &[
            ("articles/objective.md", OBJECTIVE),
            ("articles/fund.md", FUND),
            ("articles/martens.md", MARTENS),
        ],
    );
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    Workspace {
        draft: loaded.draft,
        tiers: Some(TIERS.into()),
        annexes: Some(ANNEXES.into()),
    }
}

fn file(edit: &Applied, path: &str) -> String {
    edit.files
        .get(path)
        .cloned()
        .flatten()
        .unwrap_or_else(|| panic!("{path} not in {:?}", edit.files.keys()))
}

#[test]
fn replace_touches_one_block() {
    let mut w = ws();
    let edit = w
        .apply(&Change::Replace {
            clause: "objective.1".into(),
            text: "The objective is [certainty].".into(),
        })
        .unwrap();
    assert_eq!(edit.files.len(), 1);
    assert_eq!(edit.clauses, ["objective.1"]);
    assert_eq!(
        file(&edit, "drafts/articles/objective.md"),
        OBJECTIVE.replace("[clarity]", "[certainty]")
    );
    assert_eq!(
        w.draft.clause("objective.1").unwrap().text,
        "The objective is [certainty]."
    );
}

#[test]
fn replace_with_options_keeps_the_id_on_the_label_line() {
    let mut w = ws();
    let edit = w
        .apply(&Change::Replace {
            clause: "fund.2".into(),
            text: "Option 1: Contributions shall be voluntary.\nOption 2: No text.".into(),
        })
        .unwrap();
    assert_eq!(
        file(&edit, "drafts/articles/fund.md"),
        FUND.replace("[mandatory]", "voluntary")
    );
}

#[test]
fn unbalanced_or_empty_text_is_refused() {
    let mut w = ws();
    let e = w
        .apply(&Change::Replace {
            clause: "objective.1".into(),
            text: "The [objective.".into(),
        })
        .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("the new text has unbalanced brackets"),
        "{e}"
    );
    let e = w
        .apply(&Change::Replace {
            clause: "objective.1".into(),
            text: "  ".into(),
        })
        .unwrap_err();
    assert_eq!(e, AmendError::EmptyText);
    let e = w
        .apply(&Change::Replace {
            clause: "objectiv.1".into(),
            text: "x".into(),
        })
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "unknown clause id `objectiv.1`: did you mean `objective.1`?"
    );
}

#[test]
fn delete_removes_the_subtree_and_retires_its_ids() {
    let mut w = ws();
    let edit = w
        .apply(&Change::Delete {
            clause: "objective.2".into(),
        })
        .unwrap();
    assert_eq!(
        edit.clauses,
        ["objective.2", "objective.2.a", "objective.2.b"]
    );
    assert_eq!(
        file(&edit, "drafts/articles/objective.md"),
        "### Article 1. Objective {#objective}\n\n1. The objective is [clarity]. {#objective.1}\n\n"
    );
    assert!(
        file(&edit, "drafts/retired-ids").ends_with("objective.2\nobjective.2.a\nobjective.2.b\n")
    );
    // A retired id is never given out again.
    let e = w
        .apply(&Change::Insert {
            after: "objective.1".into(),
            id: Some("objective.2".into()),
            label: Some("2".into()),
            text: "x".into(),
        })
        .unwrap_err();
    assert_eq!(e, AmendError::IdTaken("objective.2".into()));
}

#[test]
fn deleting_an_article_removes_its_file_and_include_line() {
    let mut w = ws();
    let edit = w
        .apply(&Change::Delete {
            clause: "fund".into(),
        })
        .unwrap();
    assert_eq!(edit.files.get("drafts/articles/fund.md"), Some(&None));
    assert_eq!(
        file(&edit, "drafts/treaty.md"),
        FRONT.replace("- [Article 2. Fund](articles/fund.md)\n", "")
    );
}

#[test]
fn insert_after_a_paragraph_and_its_points() {
    let mut w = ws();
    let edit = w
        .apply(&Change::Insert {
            after: "objective.2".into(),
            id: None,
            label: Some("2 bis".into()),
            text: "[New duty - AGN]".into(),
        })
        .unwrap();
    assert_eq!(edit.clauses, ["objective.2bis"]);
    assert_eq!(
        file(&edit, "drafts/articles/objective.md"),
        format!("{OBJECTIVE}\n2 bis. [New duty - AGN] {{#objective.2bis}}\n")
    );
    let i = w.draft.index_of("objective.2bis").unwrap();
    assert_eq!(w.draft.clauses[i].parent, w.draft.index_of("objective"));
}

#[test]
fn insert_a_point_in_the_middle() {
    let mut w = ws();
    let edit = w
        .apply(&Change::Insert {
            after: "objective.2.a".into(),
            id: Some("objective.2.a-bis".into()),
            label: Some("(a bis)".into()),
            text: "inserted;".into(),
        })
        .unwrap();
    assert_eq!(
        file(&edit, "drafts/articles/objective.md"),
        OBJECTIVE.replace(
            "(b) second.",
            "(a bis) inserted; {#objective.2.a-bis}\n\n(b) second."
        )
    );
}

#[test]
fn bracket_a_phrase_or_the_whole_clause() {
    let mut w = ws();
    w.apply(&Change::Bracket {
        clause: "fund.1".into(),
        phrase: Some("a Fund".into()),
    })
    .unwrap_err();
    let edit = w
        .apply(&Change::Bracket {
            clause: "fund.1".into(),
            phrase: Some("Fund".into()),
        })
        .unwrap();
    assert!(
        file(&edit, "drafts/articles/fund.md").contains("1. A [Fund] is established. {#fund.1}")
    );
    let edit = w
        .apply(&Change::Bracket {
            clause: "martens.p1".into(),
            phrase: None,
        })
        .unwrap();
    assert_eq!(
        file(&edit, "drafts/articles/martens.md"),
        MARTENS.replace(
            "Human dignity applies where this Convention is silent.",
            "[Human dignity applies where this Convention is silent.]"
        )
    );
}

#[test]
fn lift_single_brackets_and_refuse_alternatives() {
    let mut w = ws();
    let edit = w
        .apply(&Change::LiftBrackets {
            clause: "objective.1".into(),
            group: None,
        })
        .unwrap();
    assert!(
        file(&edit, "drafts/articles/objective.md")
            .contains("1. The objective is clarity. {#objective.1}")
    );
    let e = w
        .apply(&Change::LiftBrackets {
            clause: "objective.1".into(),
            group: None,
        })
        .unwrap_err();
    assert_eq!(e.to_string(), "objective.1 has no brackets to lift");
    let e = w
        .apply(&Change::LiftBrackets {
            clause: "objective.2".into(),
            group: Some(0),
        })
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "bracket 1 in objective.2 holds 2 alternatives: choose one instead of lifting"
    );
}

#[test]
fn choose_alternatives_and_options() {
    let mut w = ws();
    let edit = w
        .apply(&Change::ChooseOption {
            clause: "objective.2".into(),
            point: 1,
            option: 1,
        })
        .unwrap();
    assert!(
        file(&edit, "drafts/articles/objective.md")
            .contains("2. Parties [shall][should] act slowly. {#objective.2}")
    );
    let e = w
        .apply(&Change::ChooseOption {
            clause: "objective.2".into(),
            point: 0,
            option: 5,
        })
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "bracket 1 in objective.2 offers 2 alternative(s); there is no alternative 6"
    );
    let e = w
        .apply(&Change::ChooseOption {
            clause: "objective.2".into(),
            point: 9,
            option: 0,
        })
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "objective.2 has 1 bracket group(s) and option set(s); there is no number 10"
    );
    let edit = w
        .apply(&Change::ChooseOption {
            clause: "fund.2".into(),
            point: 0,
            option: 0,
        })
        .unwrap();
    assert_eq!(
        file(&edit, "drafts/articles/fund.md"),
        "### Article 2. Fund {#fund}\n\n1. A Fund is established. {#fund.1}\n\n2. Contributions shall be [mandatory]. {#fund.2}\n"
    );
}

#[test]
fn choosing_no_text_deletes_the_clause() {
    let mut w = ws();
    let edit = w
        .apply(&Change::ChooseOption {
            clause: "fund.2".into(),
            point: 0,
            option: 1,
        })
        .unwrap();
    assert_eq!(edit.clauses, ["fund.2"]);
    assert!(w.draft.index_of("fund.2").is_none());
    assert!(w.draft.retired.contains("fund.2"));
}

#[test]
fn move_an_article_changes_one_line_of_treaty_md() {
    let mut w = ws();
    let edit = w
        .apply(&Change::Move {
            clause: "martens".into(),
            after: "objective".into(),
        })
        .unwrap();
    assert_eq!(edit.files.len(), 1);
    assert_eq!(
        file(&edit, "drafts/treaty.md"),
        "# T {#t}\n\n## Part I. General {#part-1}\n\n- [Article 1. Objective](articles/objective.md)\n- [Article 3. Martens](articles/martens.md)\n- [Article 2. Fund](articles/fund.md)\n\n## Part II. Final {#part-2}\n\n"
    );
    let order: Vec<&str> = w
        .draft
        .clauses
        .iter()
        .filter(|c| c.kind == ClauseKind::Article)
        .filter_map(|c| c.id.as_deref())
        .collect();
    assert_eq!(order, ["objective", "martens", "fund"]);
}

#[test]
fn move_an_article_to_the_end_of_a_list() {
    let mut w = ws();
    let edit = w
        .apply(&Change::Move {
            clause: "objective".into(),
            after: "fund".into(),
        })
        .unwrap();
    assert_eq!(
        file(&edit, "drafts/treaty.md"),
        "# T {#t}\n\n## Part I. General {#part-1}\n\n- [Article 2. Fund](articles/fund.md)\n- [Article 1. Objective](articles/objective.md)\n\n## Part II. Final {#part-2}\n\n- [Article 3. Martens](articles/martens.md)\n"
    );
}

#[test]
fn move_a_paragraph_across_articles() {
    let mut w = ws();
    let edit = w
        .apply(&Change::Move {
            clause: "objective.1".into(),
            after: "fund.1".into(),
        })
        .unwrap();
    assert_eq!(
        file(&edit, "drafts/articles/fund.md"),
        FUND.replace(
            "{#fund.1}\n\n",
            "{#fund.1}\n\n1. The objective is [clarity]. {#objective.1}\n\n"
        )
    );
    assert!(!file(&edit, "drafts/articles/objective.md").contains("objective.1}"));
    let i = w.draft.index_of("objective.1").unwrap();
    assert_eq!(w.draft.clauses[i].parent, w.draft.index_of("fund"));
}

#[test]
fn renumber_keeps_the_id_and_updates_the_include_line() {
    let mut w = ws();
    let edit = w
        .apply(&Change::Renumber {
            clause: "martens".into(),
            label: "1 bis".into(),
        })
        .unwrap();
    assert!(
        file(&edit, "drafts/articles/martens.md")
            .starts_with("### Article 1 bis. Martens clause {#martens}\n")
    );
    assert!(
        file(&edit, "drafts/treaty.md").contains("- [Article 1 bis. Martens](articles/martens.md)")
    );
    let edit = w
        .apply(&Change::Renumber {
            clause: "objective.2.b".into(),
            label: "c".into(),
        })
        .unwrap();
    assert!(file(&edit, "drafts/articles/objective.md").contains("(c) second. {#objective.2.b}"));
    assert_eq!(
        w.draft.clause("martens").unwrap().label.as_deref(),
        Some("Article 1 bis")
    );
}

#[test]
fn retier_and_annex_status_edit_ron_in_place() {
    let mut w = ws();
    let edit = w
        .apply(&Change::ReTier {
            party: "IND".into(),
            tier: 2,
        })
        .unwrap();
    assert_eq!(
        file(&edit, "drafts/tiers.ron"),
        TIERS.replace(
            "(code: \"IND\", name: \"India\", tier: 1)",
            "(code: \"IND\", name: \"India\", tier: 2)"
        )
    );
    assert_eq!(
        w.apply(&Change::ReTier {
            party: "XXX".into(),
            tier: 2
        })
        .unwrap_err(),
        AmendError::UnknownParty("XXX".into())
    );
    assert_eq!(
        w.apply(&Change::ReTier {
            party: "IND".into(),
            tier: 7
        })
        .unwrap_err(),
        AmendError::UnknownTier(7)
    );
    let edit = w
        .apply(&Change::Annex {
            annex: "annex-a".into(),
            status: AnnexStatus::Agreed,
        })
        .unwrap();
    assert_eq!(
        file(&edit, "drafts/annexes.ron"),
        ANNEXES.replace("status: Proposed", "status: Agreed")
    );
}

#[test]
fn move_a_point_after_a_later_sibling() {
    let art = "### Article 1. A {#a}\n\n1. Chapeau: {#a.1}\n\n(a) one; {#a.1.a}\n\n(b) two; {#a.1.b}\n\n(c) three; {#a.1.c}\n\n(d) four. {#a.1.d}\n";
    let loaded = Draft::from_texts("# T {#t}\n\n- [A](a.md)\n", &[("a.md", art)]);
    let mut w = Workspace {
        draft: loaded.draft,
        tiers: None,
        annexes: None,
    };
    w.apply(&Change::Move {
        clause: "a.1.b".into(),
        after: "a.1.d".into(),
    })
    .unwrap();
    let order: Vec<&str> = w
        .draft
        .clauses
        .iter()
        .filter(|c| c.kind == ClauseKind::Point)
        .filter_map(|c| c.id.as_deref())
        .collect();
    assert_eq!(order, ["a.1.a", "a.1.c", "a.1.d", "a.1.b"]);
    // All four stay points of paragraph 1: `(c)` after `(a)` is a letter, not roman 100.
    let para = w.draft.index_of("a.1");
    assert!(
        w.draft
            .clauses
            .iter()
            .filter(|c| c.kind == ClauseKind::Point)
            .all(|c| c.parent == para)
    );
    assert_eq!(
        w.draft.files[1].text(),
        "### Article 1. A {#a}\n\n1. Chapeau: {#a.1}\n\n(a) one; {#a.1.a}\n\n(c) three; {#a.1.c}\n\n(d) four. {#a.1.d}\n\n(b) two; {#a.1.b}\n"
    );
}

/// The clause tree after `apply` (which rebuilds only the edited files) is exactly the tree
/// a fresh load of the same files gives: clause for clause (index, parent, depth, file,
/// block, text…), id for id, block for block.
mod incremental {
    use super::*;
    use crate::draft::Clause;
    use proptest::prelude::*;

    fn sample() -> Workspace {
        let drafts = crate::repo_root().join("drafts");
        let loaded = Draft::load(&drafts).expect("the sample draft loads");
        Workspace {
            draft: loaded.draft,
            tiers: None,
            annexes: None,
        }
    }

    fn assert_same_as_fresh_load(draft: &Draft) {
        let texts: Vec<(String, String)> = draft.files[1..]
            .iter()
            .map(|f| (f.path.clone(), f.text()))
            .collect();
        let refs: Vec<(&str, &str)> = texts
            .iter()
            .map(|(p, t)| (p.as_str(), t.as_str()))
            .collect();
        let fresh = Draft::from_texts(&draft.files[0].text(), &refs).draft;
        // A move reorders the include lines but not `files`: compare by path.
        let by_path = |d: &Draft| {
            let mut files: Vec<DraftFile> = d.files.clone();
            files.sort_by(|a, b| a.path.cmp(&b.path));
            let clauses: Vec<(String, Clause)> = d
                .clauses
                .iter()
                .map(|c| {
                    (
                        d.files[c.file].path.clone(),
                        Clause {
                            file: 0,
                            ..c.clone()
                        },
                    )
                })
                .collect();
            (files, clauses)
        };
        assert_eq!(by_path(draft), by_path(&fresh));
        for (i, c) in fresh.clauses.iter().enumerate() {
            if let Some(id) = &c.id {
                assert_eq!(draft.index_of(id), Some(i), "id {id}");
            }
        }
        assert_eq!(draft.ids().count(), fresh.ids().count());
        // And exactly what the full rebuild of the same files gives.
        let mut full = draft.clone();
        full.rebuild(&mut Vec::new());
        assert_eq!(draft.clauses, full.clauses);
        for id in full.ids() {
            assert_eq!(draft.index_of(id), full.index_of(id), "id {id}");
        }
    }

    /// One random change, stated against the draft as it stands.
    fn change(draft: &Draft, op: u8, a: usize, b: usize, n: u8) -> Option<Change> {
        let ids: Vec<&str> = draft.ids().collect();
        let texts: Vec<&str> = draft
            .clauses
            .iter()
            .filter(|c| c.kind.has_text())
            .filter_map(|c| c.id.as_deref())
            .collect();
        let any = *ids.get(a % ids.len().max(1))?;
        let t = *texts.get(a % texts.len().max(1))?;
        let t2 = *texts.get(b % texts.len().max(1))?;
        Some(match op % 9 {
            0 => Change::Replace {
                clause: t.into(),
                text: format!("Each Party shall [act][consider acting] within {n} days."),
            },
            1 => Change::Replace {
                clause: t.into(),
                text: format!(
                    "Parties shall report:\nOption 1: every {n} years.\nOption 2: No text."
                ),
            },
            2 => Change::Delete { clause: any.into() },
            3 => Change::Insert {
                after: t.into(),
                id: None,
                label: n.is_multiple_of(2).then(|| format!("{n} bis")),
                text: format!("A new paragraph number {n}."),
            },
            4 => Change::Bracket {
                clause: t.into(),
                phrase: None,
            },
            5 => Change::LiftBrackets {
                clause: t.into(),
                group: None,
            },
            6 => Change::ChooseOption {
                clause: t.into(),
                point: usize::from(n % 3),
                option: usize::from(n / 3 % 2),
            },
            7 => Change::Move {
                clause: any.into(),
                after: if n.is_multiple_of(2) {
                    t2.into()
                } else {
                    ids[b % ids.len()].into()
                },
            },
            _ => Change::Renumber {
                clause: any.into(),
                label: format!("{n}"),
            },
        })
    }

    /// Applies the changes `steps` stand for, one by one, checking after each that the
    /// edit names exactly the files whose bytes changed and that the incrementally rebuilt
    /// draft equals a fresh load of its files.
    fn rebuild_matches_fresh_load(
        steps: &[(u8, u16, u16, u8)],
        sample_draft: bool,
    ) -> Result<(), TestCaseError> {
        let mut w = if sample_draft { sample() } else { ws() };
        for &(op, a, b, n) in steps {
            let Some(c) = change(&w.draft, op, a as usize, b as usize, n) else {
                break;
            };
            let before = w.draft.clone();
            // A change that does not apply (say, a paragraph moved into itself) still
            // leaves a consistent draft.
            if let Ok(edit) = w.apply(&c) {
                // The edit names exactly the draft files whose bytes changed.
                for f in &before.files {
                    let now = w.draft.files.iter().find(|g| g.path == f.path);
                    let key = format!("drafts/{}", f.path);
                    match now {
                        Some(g) if g.text() == f.text() => prop_assert!(
                            !edit.files.contains_key(&key),
                            "{key} unchanged but in the edit"
                        ),
                        Some(g) => prop_assert_eq!(edit.files.get(&key), Some(&Some(g.text()))),
                        None => prop_assert_eq!(edit.files.get(&key), Some(&None)),
                    }
                }
            }
            assert_same_as_fresh_load(&w.draft);
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        #[test]
        fn incremental_rebuild_equals_full_rebuild(
            steps in proptest::collection::vec((any::<u8>(), any::<u16>(), any::<u16>(), any::<u8>()), 1..24),
            sample_draft in any::<bool>(),
        ) {
            rebuild_matches_fresh_load(&steps, sample_draft)?;
        }
    }

    /// A case proptest once shrank to (a move, op 223 % 9 = 7): kept as a plain test
    /// rather than a seed file.
    #[test]
    fn a_move_proptest_found_rebuilds_like_a_fresh_load() {
        rebuild_matches_fresh_load(&[(223, 45615, 18512, 109)], false).unwrap();
    }
}
