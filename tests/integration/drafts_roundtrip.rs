//! Parse → print is byte-identical: for every shipped draft and for generated documents.

use proptest::prelude::*;
use treaty_workbench::draft::{Draft, DraftFile};

use crate::support::repo_root;

#[test]
fn every_shipped_draft_prints_back_byte_for_byte() {
    let loaded = Draft::load(&repo_root().join("drafts")).unwrap();
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    assert!(loaded.draft.files.len() >= 28);
    for f in &loaded.draft.files {
        let on_disk = std::fs::read_to_string(repo_root().join("drafts").join(&f.path)).unwrap();
        assert_eq!(f.text(), on_disk, "{}", f.path);
    }
}

#[test]
fn the_sample_has_the_promised_shape() {
    use treaty_workbench::draft::ClauseKind::*;
    let d = Draft::load(&repo_root().join("drafts")).unwrap().draft;
    let count = |k| d.clauses.iter().filter(|c| c.kind == k).count();
    assert!(count(PreambleParagraph) >= 8 + 2, "preamble paragraphs");
    assert!(count(Article) >= 24, "articles");
    assert!(count(Annex) >= 3, "annexes");
    assert!(
        d.clauses.iter().all(|c| c.id.is_some()),
        "every clause has an id"
    );
}

/// Lines that exercise every block kind, plus noise.
fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("   ".to_string()),
        Just("# Title {#t}".to_string()),
        Just("## Part I. General {#part-1}".to_string()),
        Just("### Article 4 bis - Observatory {#obs}".to_string()),
        Just("## Preamble".to_string()),
        Just("- [Article 1](articles/a.md)".to_string()),
        Just("1. Parties [shall][should] act. {#a.1}".to_string()),
        Just("2 bis. {#a.2bis}".to_string()),
        Just("(a) point [x/y]; {#a.1.a}".to_string()),
        Just("(iv) sub".to_string()),
        Just("Option 1: [text - EU / other - US]".to_string()),
        Just("Option 2: No text.".to_string()),
        Just("[^1]: note".to_string()),
        Just("<!-- comment -->".to_string()),
        Just("PP3. *Noting* {#bad id}".to_string()),
        "[ -~çé\\[\\]{}#()]{0,40}",
    ]
}

fn document() -> impl Strategy<Value = String> {
    (
        proptest::collection::vec((line(), prop_oneof![Just("\n"), Just("\r\n")]), 0..40),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(lines, bom, final_newline)| {
            let mut s = String::new();
            if bom {
                s.push('\u{feff}');
            }
            for (l, end) in lines {
                s.push_str(&l);
                s.push_str(end);
            }
            if !final_newline {
                s.pop();
            }
            s
        })
}

proptest! {
    #[test]
    fn parse_then_print_is_identity(doc in document()) {
        prop_assert_eq!(DraftFile::parse("x.md", &doc).text(), doc.clone());
        // The whole-draft loader never panics on it either, as front file or article.
        let loaded = Draft::from_texts(&doc, &[("articles/a.md", &doc)]);
        for f in &loaded.draft.files {
            prop_assert_eq!(&f.text(), &doc);
        }
    }

    #[test]
    fn arbitrary_text_round_trips(doc in "\\PC{0,200}") {
        prop_assert_eq!(DraftFile::parse("x.md", &doc).text(), doc);
    }
}
