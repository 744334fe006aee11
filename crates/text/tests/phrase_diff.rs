//! The phrase-grouped diff on real treaty text: the interpretation articles of the Vienna
//! Convention on the Law of Treaties (tests/corpus/treaties/vclt.txt), amended as a
//! delegation might, in the three renderings a drafter reads.

use treaty_text::compare::{Rendering, WordOp, render_change, word_ops};

/// Paragraph `number` of the article headed `heading` in the VCLT.
fn vclt_paragraph(heading: &str, number: &str) -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/corpus/treaties/vclt.txt"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let article = text
        .split("\nArticle ")
        .find(|a| a.starts_with(heading))
        .unwrap_or_else(|| panic!("no Article {heading}"));
    let prefix = format!("{number}. ");
    article
        .lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("no paragraph {number} in Article {heading}"))
        .to_string()
}

/// The amended versions: each edit replaces one phrase of the real text.
fn amended(text: &str, edits: &[(&str, &str)]) -> String {
    edits.iter().fold(text.to_string(), |t, (from, to)| {
        assert!(t.contains(from), "{from:?} is not in the text");
        t.replacen(from, to, 1)
    })
}

fn all_renderings(old: &str, new: &str) -> String {
    let words = word_ops(old, new);
    // Applying the grouped diff to the old text gives the new text exactly.
    let applied: String = words
        .iter()
        .filter_map(|w| match w {
            WordOp::Equal(t) | WordOp::Insert(t) => Some(t.as_str()),
            WordOp::Delete(_) => None,
        })
        .collect();
    assert_eq!(applied, new);
    [Rendering::Inline, Rendering::Instructions, Rendering::Lines]
        .iter()
        .map(|r| format!("{r:?}:\n{}\n", render_change(&words, *r)))
        .collect()
}

#[test]
fn vclt_article_31_amended_reads_as_phrases() {
    let old = vclt_paragraph("31", "1");
    let new = amended(
        &old,
        &[
            (
                "in good faith",
                "in good faith and with due regard to the practice of the parties",
            ),
            (
                "ordinary meaning to be given to",
                "[ordinary][agreed] meaning of",
            ),
            (
                "in the light of its object and purpose",
                "in the light of its object",
            ),
        ],
    );
    insta::assert_snapshot!(all_renderings(&old, &new));
}

#[test]
fn vclt_article_33_reworded_reads_as_phrases() {
    let old = vclt_paragraph("33", "4");
    let new = amended(
        &old,
        &[
            (
                "Except where a particular text prevails",
                "Unless a particular text prevails",
            ),
            (
                "the meaning which best reconciles the texts",
                "the meaning that the Conference of the Parties agrees",
            ),
            ("shall be adopted", "shall prevail"),
        ],
    );
    insta::assert_snapshot!(all_renderings(&old, &new));
}
