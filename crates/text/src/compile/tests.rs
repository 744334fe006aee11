use std::collections::BTreeMap;
use std::path::PathBuf;

use proptest::prelude::*;

use super::*;
use crate::position::{DelegationKind, Position};

const FRONT: &str = "# Test Convention {#treaty}\n\n## Part I. General {#part-1}\n\n- [Article 1. Objective](articles/one.md)\n";
const ONE: &str = "### Article 1. Objective {#one}\n\n1. Parties shall cooperate. {#one.1}\n\n2. Parties [shall][should] report: {#one.2}\n\n(a) on risks; {#one.2.a}\n\n(b) on incidents. {#one.2.b}\n\n3. The Observatory may publish reports. {#one.3}\n";

fn draft() -> Draft {
    let loaded = Draft::from_texts(FRONT, &[("articles/one.md", ONE)]);
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    loaded.draft
}

fn position(code: &str, clauses: Vec<(&str, Stance)>, inserts: Vec<Insertion>) -> Position {
    Position {
        version: 1,
        code: code.into(),
        name: code.into(),
        kind: DelegationKind::State,
        members: vec![],
        groups: vec![],
        clauses: clauses
            .into_iter()
            .map(|(c, stance)| ClauseStance {
                clause: c.into(),
                stance,
                note: String::new(),
            })
            .collect(),
        inserts,
        tiers: vec![],
        annexes: vec![],
        notes: String::new(),
        proposals: vec![],
        votes: vec![],
    }
}

fn negotiation(draft: Draft, positions: Vec<Position>) -> Negotiation {
    Negotiation {
        root: PathBuf::from("."),
        draft,
        position_files: positions
            .iter()
            .map(|p| {
                (
                    p.code.clone(),
                    PathBuf::from(format!("positions/{}.ron", p.code)),
                )
            })
            .collect(),
        positions: positions.into_iter().map(|p| (p.code.clone(), p)).collect(),
        tiers: None,
        annexes: None,
        unreadable_positions: vec![],
    }
}

fn insertion(after: &str, label: &str, text: &str) -> Insertion {
    Insertion {
        after: after.into(),
        label: Some(label.into()),
        text: text.into(),
        note: String::new(),
    }
}

fn text_of(d: &Draft, id: &str) -> String {
    d.clause(id).unwrap().text.clone()
}

#[test]
fn contested_clause_becomes_one_attributed_group_and_agreed_text_stays_clean() {
    let neg = negotiation(
        draft(),
        vec![
            position(
                "EU",
                vec![("one.1", Stance::Keep), ("one.3", Stance::Keep)],
                vec![],
            ),
            position(
                "USA",
                vec![("one.1", Stance::Replace(" Parties may cooperate. ".into()))],
                vec![],
            ),
            position("CHN", vec![("one.1", Stance::Bracket)], vec![]),
            position(
                "G77",
                vec![("one.1", Stance::Delete), ("one.3", Stance::Keep)],
                vec![],
            ),
        ],
    );
    let c = compile(&neg, &CompileOptions::default()).unwrap();
    assert_eq!(
        text_of(&c.draft, "one.1"),
        "[Parties shall cooperate. - EU retain / Parties shall cooperate. - CHN / Parties may cooperate. - USA; G77 delete]"
    );
    assert_eq!(
        text_of(&c.draft, "one.3"),
        "The Observatory may publish reports."
    );
    assert_eq!(
        c.files.keys().collect::<Vec<_>>(),
        ["drafts/articles/one.md"]
    );
    let count = &c.clauses[0];
    assert_eq!(
        (count.alternatives, count.wordings, count.replace.clone()),
        (4, 1, vec!["USA".to_string()])
    );
    assert_eq!(
        count.line(),
        "one.1: 4 alternatives (retain EU; bracket CHN; 1 new wording by USA; delete G77)"
    );
    // The parser sees four alternatives with the right proposers.
    let tree = bracket::parse(&text_of(&c.draft, "one.1"));
    assert!(tree.problems.is_empty());
    assert_eq!(tree.proposers(), ["EU", "CHN", "USA", "G77"]);
}

#[test]
fn a_drafted_bracket_is_kept_and_nested() {
    let neg = negotiation(
        draft(),
        vec![position(
            "EU",
            vec![("one.2", Stance::Replace("Parties shall report: ".into()))],
            vec![],
        )],
    );
    let c = compile(&neg, &CompileOptions::default()).unwrap();
    assert_eq!(
        text_of(&c.draft, "one.2"),
        "[Parties [shall][should] report: / Parties shall report: - EU]"
    );
    assert_eq!(
        crate::analysis::report(&c.draft, None).total.groups,
        2,
        "the drafted group survives inside the new one"
    );
}

#[test]
fn insertions_get_fresh_ids_in_order_and_read_back() {
    let neg = negotiation(
        draft(),
        vec![
            position(
                "AGN",
                vec![],
                vec![insertion("one.1", "1 bis", "Parties shall share data.")],
            ),
            position(
                "EU",
                vec![],
                vec![
                    insertion("one.1", "1 bis", "Parties shall share data."),
                    insertion("one.2.b", "(c)", "on harms."),
                ],
            ),
            position(
                "USA",
                vec![],
                vec![insertion("one.1", "1 bis", "Parties may share models.")],
            ),
        ],
    );
    let c = compile(&neg, &CompileOptions::default()).unwrap();
    let ids: Vec<_> = c.clauses.iter().map(|x| x.clause.as_str()).collect();
    assert_eq!(ids, ["one.1bis", "one.1bis-2", "one.2.c"]);
    assert_eq!(
        text_of(&c.draft, "one.1bis"),
        "[Parties shall share data. - AGN, EU]"
    );
    assert_eq!(
        text_of(&c.draft, "one.1bis-2"),
        "[Parties may share models. - USA]"
    );
    let order: Vec<_> = c
        .draft
        .clauses
        .iter()
        .filter_map(|x| x.id.as_deref())
        .collect();
    assert_eq!(
        order,
        [
            "treaty",
            "part-1",
            "one",
            "one.1",
            "one.1bis",
            "one.1bis-2",
            "one.2",
            "one.2.a",
            "one.2.b",
            "one.2.c",
            "one.3"
        ]
    );
    let back = decompile(&c.draft);
    assert_eq!(
        back["EU"].inserts,
        normalise(&neg.draft, neg.positions.values())["EU"].inserts
    );
    assert_eq!(back["USA"].inserts[0].after, "one.1");
    assert!(
        c.clauses[0]
            .line()
            .contains("new clause after one.1, proposed by AGN, EU")
    );
}

#[test]
fn refusals_name_the_problem() {
    let neg = negotiation(
        draft(),
        vec![position(
            "EU",
            vec![(
                "one.1",
                Stance::Replace("Parties shall / should cooperate - US".into()),
            )],
            vec![],
        )],
    );
    let err = compile(&neg, &CompileOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("EU proposes for one.1") && err.contains("` / `"),
        "{err}"
    );

    let err = compile(
        &neg,
        &CompileOptions {
            delegations: Some(vec!["EUU".into()]),
        },
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("did you mean `EU`"), "{err}");

    let lower = negotiation(
        draft(),
        vec![position("e u", vec![("one.1", Stance::Delete)], vec![])],
    );
    let err = compile(&lower, &CompileOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("`e u` cannot be written in an attribution"),
        "{err}"
    );

    let agreed = negotiation(
        draft(),
        vec![position("EU", vec![("one.1", Stance::Keep)], vec![])],
    );
    assert!(matches!(
        compile(&agreed, &CompileOptions::default()),
        Err(CompileError::NothingToCompile)
    ));

    let heading = negotiation(
        draft(),
        vec![position("EU", vec![("one", Stance::Delete)], vec![])],
    );
    assert!(matches!(
        compile(&heading, &CompileOptions::default()),
        Err(CompileError::NothingToCompile)
    ));
}

#[test]
fn only_the_named_delegations_are_compiled() {
    let neg = negotiation(
        draft(),
        vec![
            position("EU", vec![("one.1", Stance::Delete)], vec![]),
            position("USA", vec![("one.3", Stance::Delete)], vec![]),
        ],
    );
    let c = compile(
        &neg,
        &CompileOptions {
            delegations: Some(vec!["usa".into()]),
        },
    )
    .unwrap();
    assert_eq!(c.delegations, ["USA"]);
    assert_eq!(text_of(&c.draft, "one.1"), "Parties shall cooperate.");
    assert_eq!(
        text_of(&c.draft, "one.3"),
        "[The Observatory may publish reports.; USA delete]"
    );
}

const ROSTER: &str = "(version: 1, delegations: [(code: \"EU\", members: [(name: \"E\", email: \"e@eu.invalid\")])], chair: (name: \"Chair\", members: [(name: \"The Chair\", email: \"chair@un.invalid\")]))\n";

#[test]
fn the_chair_comes_from_the_roster_and_a_memberless_chair_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("positions")).unwrap();
    std::fs::write(dir.path().join("positions/roster.ron"), ROSTER).unwrap();
    assert_eq!(
        chair(dir.path()).unwrap().identity,
        Some(("The Chair".to_string(), "chair@un.invalid".to_string()))
    );
    std::fs::write(
        dir.path().join("positions/roster.ron"),
        "(version: 1, delegations: [], chair: (name: \"Chair\", members: []))\n",
    )
    .unwrap();
    assert!(matches!(
        chair(dir.path()),
        Err(CompileError::NoChairMember)
    ));
    std::fs::remove_file(dir.path().join("positions/roster.ron")).unwrap();
    assert_eq!(
        chair(dir.path()).unwrap(),
        Recorder {
            code: "CHAIR".into(),
            identity: None
        }
    );
}

// ---- compile → decompile gives the positions back -------------------------------------

const CODES: [&str; 5] = ["EU", "USA", "AGN", "CHN", "G77/China"];
const TEXT_CLAUSES: [&str; 5] = ["one.1", "one.2", "one.2.a", "one.2.b", "one.3"];
const WORDINGS: [&str; 6] = [
    "Parties shall cooperate.",
    "Parties may cooperate.",
    "Parties [shall][should] cooperate closely.",
    "Each Party shall, as appropriate, report",
    "on risks; ",
    "  on risks to human rights; ",
];

fn stance() -> impl Strategy<Value = Stance> {
    prop_oneof![
        Just(Stance::Keep),
        Just(Stance::Bracket),
        Just(Stance::Delete),
        (0..WORDINGS.len()).prop_map(|k| Stance::Replace(WORDINGS[k].to_string())),
    ]
}

fn an_insertion() -> impl Strategy<Value = Insertion> {
    prop_oneof![
        Just(insertion("one.1", "1 bis", "Parties shall share data.")),
        Just(insertion("one.1", "1 bis", "Parties may share models.")),
        Just(insertion(
            "one.2",
            "2 bis",
            "Parties shall [consult][inform] each other."
        )),
        Just(insertion("one.2.b", "(c)", "on harms.")),
        Just(insertion(
            "one.3",
            "4",
            "This article applies provisionally."
        )),
    ]
}

fn a_position(code: &'static str) -> impl Strategy<Value = Position> {
    (
        prop::collection::vec(((0..TEXT_CLAUSES.len()), stance()), 0..5),
        prop::collection::vec(an_insertion(), 0..3),
    )
        .prop_map(move |(stances, inserts)| {
            position(
                code,
                stances
                    .into_iter()
                    .map(|(k, s)| (TEXT_CLAUSES[k], s))
                    .collect(),
                inserts,
            )
        })
}

fn positions() -> impl Strategy<Value = Vec<Position>> {
    (
        a_position(CODES[0]),
        a_position(CODES[1]),
        a_position(CODES[2]),
        a_position(CODES[3]),
        a_position(CODES[4]),
        1..=CODES.len(),
    )
        .prop_map(|(a, b, c, d, e, n)| vec![a, b, c, d, e].into_iter().take(n).collect())
}

/// Insertions in one order: `decompile` lists them where they stand in the text (after
/// their anchor's sub-clauses), positions in any order.
fn sorted(mut m: BTreeMap<String, Proposals>) -> BTreeMap<String, Proposals> {
    for p in m.values_mut() {
        p.inserts
            .sort_by(|a, b| (&a.after, &a.label, &a.text).cmp(&(&b.after, &b.label, &b.text)));
    }
    m
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn compile_then_decompile_gives_the_positions_back(positions in positions()) {
        let d = draft();
        let neg = negotiation(d.clone(), positions);
        let expected = normalise(&d, neg.positions.values());
        match compile(&neg, &CompileOptions::default()) {
            Err(CompileError::NothingToCompile) => prop_assert!(expected.is_empty()),
            Err(e) => prop_assert!(false, "compile failed: {e}"),
            Ok(c) => {
                // The compilation text is well formed, and every file is a valid draft.
                let report = crate::analysis::report(&c.draft, None);
                prop_assert!(report.total.groups >= c.clauses.len());
                let front = c.files.get("drafts/treaty.md").map_or(FRONT, String::as_str);
                let one = c.files.get("drafts/articles/one.md").map_or(ONE, String::as_str);
                let reread = Draft::from_texts(front, &[("articles/one.md", one)]);
                prop_assert!(reread.diagnostics.is_empty(), "{:?}", reread.diagnostics);
                prop_assert_eq!(sorted(decompile(&reread.draft)), sorted(expected));
            }
        }
    }
}
