use super::style::{self, Revision, Role};
use super::*;
use crate::compare::WordOp;
use crate::draft::Draft;

const FRONT: &str = "# Convention on Testing {#treaty}\n\n## Preamble {#preamble}\n\nThe Parties, {#pp-chapeau}\n\nPP1. *Recognizing* the [need][wish] to test, {#pp1}\n\nHave agreed as follows: {#pp-agreed}\n\n## Part I. General {#part-general}\n\n- [Article 1. Objective](articles/objective.md)\n- [Article 2. Observatory](articles/observatory.md)\n\n## Annexes {#annexes}\n\n- [Annex A. Biometric surveillance](annexes/biometric.md)\n";
const OBJECTIVE: &str = "### Article 1. Objective {#objective}\n\n1. The objective is [fairness - EU / speed - USA]. {#objective.1}\n\n2. Parties [shall][should] cooperate. {#objective.2}\n";
const OBSERVATORY: &str = "### Article 2. Observatory {#observatory}\n\n1. An Observatory is established. {#observatory.1}\n\n2. The Observatory shall: {#observatory.2}\n\n(a) monitor [extreme - US; G77 delete] risks; {#observatory.2.a}\n\n(b) report [Placeholder for a reporting cycle]. {#observatory.2.b}\n\n3. {#observatory.3}\nOption 1: The Observatory [shall][may] visit.\nOption 2: No text.\n";
const BIOMETRIC: &str = "### Annex A. Biometric surveillance {#biometric}\n\n1. Real-time remote identification is prohibited [agreed ad ref]. {#biometric.1}\n";

fn draft() -> Draft {
    draft_of(OBJECTIVE, OBSERVATORY)
}

#[test]
fn markdown_of_a_draft_is_the_draft_format_in_one_file() {
    let d = draft();
    let md = md::render(&Document::from_draft(d.clone(), "the current draft"));
    assert!(
        !md.contains("](articles/"),
        "include lines are replaced: {md}"
    );
    let again = Draft::from_texts(&md, &[]);
    assert!(again.diagnostics.is_empty(), "{:?}", again.diagnostics);
    let shape = |d: &Draft| -> Vec<_> {
        d.clauses
            .iter()
            .map(|c| {
                (
                    c.id.clone(),
                    c.kind,
                    c.label.clone(),
                    c.title.clone(),
                    c.text.clone(),
                    c.depth,
                )
            })
            .collect()
    };
    assert_eq!(shape(&again.draft), shape(&d));
}

#[test]
fn runs_follow_the_bracket_tree() {
    let runs = style::runs(
        "free humanity from [extreme - US; G77 delete] poverty",
        &none(),
    );
    let role_of = |t: &str| runs.iter().find(|r| r.text.contains(t)).map(|r| r.role);
    assert_eq!(role_of("free"), Some(Role::Text));
    assert_eq!(role_of("extreme"), Some(Role::Bracketed(1)));
    assert_eq!(role_of("US"), Some(Role::Attribution));
    assert_eq!(role_of("G77"), Some(Role::AttributionDelete));
    let text: String = runs.iter().map(|r| r.text.as_str()).collect();
    assert_eq!(
        text,
        "free humanity from [extreme - US; G77 delete] poverty"
    );

    let nested = style::runs(
        "[[being guided by][in accordance with] the principles]",
        &none(),
    );
    assert!(
        nested
            .iter()
            .any(|r| r.role == Role::Bracketed(2) && r.text.contains("guided"))
    );
    assert!(
        nested
            .iter()
            .any(|r| r.role == Role::Bracketed(1) && r.text.contains("principles"))
    );

    let other = style::runs(
        "[Placeholder for a definition] and [agreed ad ref]\nOption 2: No text.",
        &none(),
    );
    assert!(other.iter().any(|r| r.role == Role::Placeholder));
    assert!(other.iter().any(|r| r.role == Role::Agreed));
    assert!(
        other
            .iter()
            .any(|r| r.role == Role::OptionLabel && r.text.starts_with("Option 2"))
    );
    assert!(other.iter().any(|r| r.role == Role::NoText));
}

#[test]
fn emphasis_hides_its_asterisks() {
    let runs = style::runs("*Recognizing* that 2 * 3 is six", &none());
    let text: String = runs.iter().map(|r| r.text.as_str()).collect();
    assert_eq!(text, "Recognizing that 2 * 3 is six");
    assert!(runs[0].emphasis && runs[0].text == "Recognizing");
}

#[test]
fn changed_runs_give_both_texts() {
    let old = "Parties [shall][should] act now.";
    let new = "Parties shall act [promptly].";
    let words = crate::compare::word_ops(old, new);
    let runs = style::changed_runs(old, new, &words, &none());
    let of = |keep: Revision| -> String {
        runs.iter()
            .filter(|r| r.change == Revision::None || r.change == keep)
            .map(|r| r.text.as_str())
            .collect()
    };
    assert_eq!(of(Revision::Inserted), new);
    assert_eq!(of(Revision::Deleted), old);
    assert!(
        runs.iter()
            .any(|r| r.change == Revision::Inserted && r.role == Role::Bracketed(1))
    );
}

#[test]
fn a_change_inside_emphasis_or_a_link_leaves_no_marker_on_either_side() {
    let defs = crate::inline::Definitions::scan("[UN]: https://un.org\n");
    for (old, new) in [
        ("*Recognizing* the role", "*Noting* the role"),
        ("*Recognizing the role*", "*Recognizing the vital role*"),
        ("the role", "the *vital* role"),
        (
            "see [the Charter][UN] now",
            "see [the whole Charter][UN] now",
        ),
        ("**shall** act [now][later]", "**should** act [now][later]"),
    ] {
        let words = crate::compare::word_ops(old, new);
        let runs = style::changed_runs(old, new, &words, &defs);
        for r in &runs {
            assert!(
                !r.text.contains('*') && !r.text.contains("[UN]"),
                "{old} → {new}: {runs:?}"
            );
        }
        for side in [Revision::Deleted, Revision::Inserted] {
            let runs = style::side_runs(&words, side, &defs);
            assert!(runs.iter().all(|r| !r.text.contains('*')), "{runs:?}");
            assert!(
                runs.iter()
                    .all(|r| r.change == Revision::None || r.change == side)
            );
        }
    }
    // The changed words keep the emphasis of the text they stand in.
    let words = crate::compare::word_ops("*Recognizing* the role", "*Noting* the role");
    let runs = style::changed_runs("*Recognizing* the role", "*Noting* the role", &words, &defs);
    let of = |t: &str| runs.iter().find(|r| r.text.contains(t)).unwrap();
    assert!(of("Recognizing").emphasis && of("Recognizing").change == Revision::Deleted);
    assert!(of("Noting").emphasis && of("Noting").change == Revision::Inserted);
    assert!(!of("role").emphasis);
    // Each side reads as it stood: emphasis added shows on the new side only.
    let words = crate::compare::word_ops("the vital role", "the *vital* role");
    let old = style::side_runs(&words, Revision::Deleted, &defs);
    let new = style::side_runs(&words, Revision::Inserted, &defs);
    assert!(old.iter().all(|r| !r.emphasis));
    assert!(new.iter().any(|r| r.emphasis && r.text == "vital"));
    // A link keeps its target whichever words of it changed; a bracket group stays one.
    let words = crate::compare::word_ops("see [the Charter][UN]", "see [the whole Charter][UN]");
    let new = style::side_runs(&words, Revision::Inserted, &defs);
    assert!(
        new.iter()
            .any(|r| r.link.as_deref() == Some("https://un.org") && r.change == Revision::Inserted)
    );
    let shown: String = new.iter().map(|r| r.text.as_str()).collect();
    assert_eq!(shown, "see the whole Charter");
}

fn draft_of(objective: &str, observatory: &str) -> Draft {
    let loaded = Draft::from_texts(
        FRONT,
        &[
            ("articles/objective.md", objective),
            ("articles/observatory.md", observatory),
            ("annexes/biometric.md", BIOMETRIC),
        ],
    );
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    loaded.draft
}

#[test]
fn a_comparison_keeps_deleted_clauses_and_marks_every_change() {
    let before = draft();
    let after_text = draft_of(
        "### Article 1. Objective {#objective}\n\n1. Parties [shall][should] cooperate. {#objective.2}\n\n2. The objective is fairness. {#objective.1}\n\n3. A new paragraph. {#objective.3}\n",
        &OBSERVATORY.replace("1. An Observatory is established. {#observatory.1}\n\n", ""),
    );
    let doc = Document::comparison(&before, "round r1", after_text, "the current draft");
    let mark = |id: &str| {
        doc.items
            .iter()
            .find(|i| i.id.as_deref() == Some(id))
            .map(|i| i.mark.clone())
    };
    assert_eq!(mark("observatory.1"), Some(Mark::Deleted));
    assert_eq!(mark("objective.3"), Some(Mark::Inserted));
    assert!(matches!(
        mark("objective.2"),
        Some(Mark::Moved { .. }) | Some(Mark::Renumbered { .. })
    ));
    let changed = doc
        .items
        .iter()
        .find(|i| i.id.as_deref() == Some("objective.1"))
        .unwrap();
    assert!(changed.text_words.is_some());

    let md = md::render(&doc);
    assert!(md.contains("{--"), "{md}");
    assert!(
        md.contains("An Observatory is established"),
        "deleted text stays visible: {md}"
    );
    assert!(md.contains("{++"), "{md}");
    let html = html::render(&doc, &crate::theme::Theme::default());
    assert!(html.contains("<del>") && html.contains("<ins>"));
    assert!(html.contains("An Observatory is established"));
    let akn = akn::render(&doc);
    assert!(akn.contains("status=\"removed\""));
    well_formed(&akn);
}

fn well_formed(xml: &str) -> usize {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut depth = 0usize;
    let mut elements = 0;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Start(_)) => {
                depth += 1;
                elements += 1;
            }
            Ok(quick_xml::events::Event::Empty(_)) => elements += 1,
            Ok(quick_xml::events::Event::End(_)) => depth -= 1,
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!(
                "not well-formed at {}: {e}\n{xml}",
                reader.buffer_position()
            ),
        }
    }
    assert_eq!(depth, 0);
    elements
}

#[test]
fn akn_nests_articles_paragraphs_points_and_annexes() {
    let doc = Document::from_draft(draft(), "the current draft");
    let akn = akn::render(&doc);
    well_formed(&akn);
    assert!(akn.contains(&format!("xmlns=\"{}\"", akn::NAMESPACE)));
    for eid in [
        "art_objective",
        "para_observatory.2",
        "point_observatory.2.a",
        "rec_pp1",
        "part_part-general",
        "annex_biometric",
    ] {
        assert!(
            akn.contains(&format!("eId=\"{eid}\"")),
            "{eid} missing:\n{akn}"
        );
    }
    // The paragraph with points puts its words in an intro, and the points inside it.
    let para = akn.find("eId=\"para_observatory.2\"").unwrap();
    let intro = akn[para..].find("<intro>").unwrap();
    let point = akn[para..].find("eId=\"point_observatory.2.a\"").unwrap();
    let end = akn[para..].find("</paragraph>").unwrap();
    assert!(intro < point && point < end);
    assert!(akn.contains("<attachments>") && akn.contains("<doc name=\"annex\">"));
}

#[test]
fn docx_parts_are_well_formed_and_styled() {
    let doc = Document::from_draft(draft(), "the current draft");
    let bytes = docx::render(&doc, &crate::theme::Theme::default()).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut read = |name: &str| {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut zip.by_name(name).unwrap(), &mut s).unwrap();
        s
    };
    let document = read("word/document.xml");
    let styles = read("word/styles.xml");
    well_formed(&document);
    well_formed(&styles);
    well_formed(&read("[Content_Types].xml"));
    assert!(document.contains("<w:pStyle w:val=\"Heading2\"/>"));
    assert!(document.contains("w:name=\"c_observatory_2_a\""));
    assert!(document.contains("TreatyAttributionDelete"));
    assert!(styles.contains("w:styleId=\"Heading1\""));
}

#[test]
fn xml_escape_removes_what_xml_cannot_hold() {
    assert_eq!(
        xml_escape("a<b>&\"'\u{1b}[2J"),
        "a&lt;b&gt;&amp;&quot;&#39;\u{fffd}[2J"
    );
}

#[test]
fn exported_words_give_both_texts_and_read_as_phrases() {
    let old = "in the interest of national security, now";
    let new = "in accordance with international law, now";
    let words = crate::compare::word_ops(old, new);
    assert_eq!(style::old_text(&words), old);
    let again: String = words
        .iter()
        .filter_map(|w| match w {
            WordOp::Equal(t) | WordOp::Insert(t) => Some(t.as_str()),
            WordOp::Delete(_) => None,
        })
        .collect();
    assert_eq!(again, new);
    let changes = words
        .iter()
        .filter(|w| !matches!(w, WordOp::Equal(_)))
        .count();
    assert_eq!(changes, 2, "{words:?}");
}

#[test]
fn notes_follow_the_last_clause_of_their_article_in_a_comparison_too() {
    let with_note = |body: &str| {
        format!(
            "### Article 1. Objective {{#objective}}\n\n{body}[^1]: Chair's note on the objective.\n\n[src]: https://example.org/source\n"
        )
    };
    let before = draft_of(
        &with_note(
            "1. The objective is fairness.[^1] {#objective.1}\n\n2. Parties cooperate. {#objective.2}\n\n",
        ),
        OBSERVATORY,
    );
    // The article's last paragraph is deleted: the note still follows what stood there.
    let after = draft_of(
        &with_note("1. The objective is fairness.[^1] {#objective.1}\n\n"),
        OBSERVATORY,
    );
    for doc in [
        Document::from_draft(after.clone(), "the current draft"),
        Document::comparison(&before, "round r1", after, "the current draft"),
    ] {
        let lines: Vec<String> = doc.notes.iter().map(Note::line).collect();
        assert_eq!(
            lines,
            [
                "[^1]: Chair's note on the objective.",
                "[src]: https://example.org/source"
            ]
        );
        let owner = &doc.items[doc.notes[0].owner];
        assert_eq!(owner.id.as_deref(), Some("objective"));
        let after = doc.notes_after();
        let last = doc
            .items
            .iter()
            .rposition(|i| {
                i.id.as_deref()
                    .is_some_and(|id| id.starts_with("objective"))
            })
            .unwrap();
        assert_eq!(
            after[last].len(),
            2,
            "both notes after the article's last clause"
        );
        assert_eq!(after.iter().map(Vec::len).sum::<usize>(), 2);

        let html = html::render(&doc, &crate::theme::Theme::default());
        let note = html
            .find("<p class=\"note\">[^1]: Chair&#39;s note")
            .unwrap();
        assert!(note < html.find("id=\"observatory\"").unwrap());
        let akn = akn::render(&doc);
        assert!(akn.contains("<p class=\"note\">[src]: https://example.org/source</p>"));
        well_formed(&akn);
    }
}

fn none() -> crate::inline::Definitions {
    crate::inline::Definitions::default()
}

#[test]
fn html_turns_a_reference_link_into_a_link_not_a_bracket_group() {
    let objective = "### Article 1. Objective {#objective}\n\n1. Parties act under the [Charter][UN] and [shall][should] report. {#objective.1}\n\n[UN]: https://www.un.org/en/about-us/un-charter\n";
    let doc = Document::from_draft(draft_of(objective, OBSERVATORY), "the current draft");
    let html = html::render(&doc, &crate::theme::Theme::default());
    assert!(
        html.contains("the <a href=\"https://www.un.org/en/about-us/un-charter\">Charter</a> and"),
        "{html}"
    );
    assert!(!html.contains("[Charter]"), "{html}");
    // The negotiation brackets beside it are still a group.
    assert!(html.contains("<span class=\"m1\">["), "{html}");
}
