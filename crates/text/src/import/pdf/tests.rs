//! The Geneva negotiating text (UNFCCC ADP 2-8, 12 February 2015, 86 pages) against counts
//! established by hand: `tests/corpus/negotiating/README.md` says how each was counted.

use std::sync::OnceLock;

use crate::import::write::Slot;
use crate::import::{BodyItem, Imported, ImportedBlock, read_path};

const GENEVA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/corpus/negotiating/unfccc-adp-negotiating-text-2015-02-12.pdf"
);

fn geneva() -> &'static Imported {
    static DOC: OnceLock<Imported> = OnceLock::new();
    DOC.get_or_init(|| read_path(GENEVA).unwrap_or_else(|e| panic!("{e}")))
}

/// Every block of every article and annex with its slot.
fn blocks(doc: &Imported) -> Vec<(Slot, &ImportedBlock)> {
    let mut out = Vec::new();
    for (bi, item) in doc.body.iter().enumerate() {
        if let BodyItem::Article(a) = item {
            out.extend(
                a.blocks
                    .iter()
                    .enumerate()
                    .map(|(k, b)| (Slot::ArticleBlock(bi, k), b)),
            );
        }
    }
    for (ai, a) in doc.annexes.iter().enumerate() {
        out.extend(
            a.blocks
                .iter()
                .enumerate()
                .map(|(k, b)| (Slot::AnnexBlock(ai, k), b)),
        );
    }
    out
}

fn block_text(b: &ImportedBlock) -> &str {
    match b {
        ImportedBlock::Paragraph { text, .. }
        | ImportedBlock::Point { text, .. }
        | ImportedBlock::Note { text, .. }
        | ImportedBlock::Heading(text) => text,
    }
}

/// All the text the import kept: titles, headings, clauses and notes.
fn all_text(doc: &Imported) -> String {
    let mut s = doc.title.clone();
    for item in &doc.body {
        match item {
            BodyItem::Article(a) => {
                s.push('\n');
                s.push_str(a.title.as_deref().unwrap_or(""));
            }
            BodyItem::Division { title, .. } => s.push_str(title.as_deref().unwrap_or("")),
        }
    }
    for a in &doc.annexes {
        s.push('\n');
        s.push_str(a.title.as_deref().unwrap_or(""));
    }
    for p in &doc.preamble {
        s.push('\n');
        s.push_str(&p.text);
    }
    for (_, b) in blocks(doc) {
        s.push('\n');
        s.push_str(block_text(b));
    }
    s
}

/// Opening and closing square brackets as printed: footnote references (`[^3]`) and the
/// escapes of stray brackets (`\[`) are the importer's, not the document's.
fn brackets(s: &str) -> (usize, usize) {
    let s = s.replace("\\[", "[").replace("\\]", "]");
    let mut refs = 0;
    let mut rest = s.as_str();
    while let Some(i) = rest.find("[^") {
        let tail = &rest[i + 2..];
        let digits = tail.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && tail[digits..].starts_with(']') {
            refs += 1;
        }
        rest = &rest[i + 2..];
    }
    (s.matches('[').count() - refs, s.matches(']').count() - refs)
}

fn label_kind(label: &str) -> &'static str {
    if label.contains('.') {
        "sub-paragraph"
    } else if label.starts_with(|c: char| c.is_ascii_digit()) {
        "paragraph"
    } else if label.bytes().all(|b| b.is_ascii_lowercase()) {
        "lettered"
    } else {
        "other"
    }
}

#[test]
fn geneva_document_and_its_furniture() {
    let doc = geneva();
    let src = doc.source.as_ref().expect("a PDF records its document");
    assert_eq!(src.file, "unfccc-adp-negotiating-text-2015-02-12.pdf");
    assert_eq!(src.format, "pdf");
    assert_eq!(src.pages, Some(86));
    assert_eq!(src.running_heads, ["ADP 2-8 - agenda item 3"]);
    assert_eq!(src.page_counter.as_deref(), Some("N"));
    assert_eq!(doc.title, "Negotiating text");
    for line in [
        "AD HOC WORKING GROUP ON THE DURBAN PLATFORM FOR ENHANCED ACTION",
        "Second session, part eight",
        "Geneva, Switzerland",
    ] {
        assert!(
            src.front_matter.iter().any(|f| f == line),
            "{line}: {:?}",
            src.front_matter
        );
    }
    assert!(doc.warnings.is_empty(), "{:?}", doc.warnings);
}

#[test]
fn geneva_counts() {
    let doc = geneva();
    // Twelve lettered sections, A to M without F.
    let sections: Vec<&str> = doc.articles().map(|a| a.number.as_str()).collect();
    assert_eq!(
        sections,
        ["A", "B", "C", "D", "E", "G", "H", "I", "J", "K", "L", "M"]
    );
    assert_eq!(
        doc.articles().next().unwrap().title.as_deref(),
        Some("[[Preamble][^1]")
    );
    // The closing annexes: the heading of the attachments, then Annexes X, Y and Z / III.
    let annexes: Vec<&str> = doc.annexes.iter().map(|a| a.label.as_str()).collect();
    assert_eq!(annexes, ["I", "X", "Y", "Z"]);

    let mut kinds = std::collections::BTreeMap::<&str, usize>::new();
    let mut paragraph_labels = Vec::new();
    for (slot, _) in blocks(doc) {
        if let Some(label) = doc.sources.get(&slot).and_then(|s| s.label.as_deref()) {
            *kinds.entry(label_kind(label)).or_default() += 1;
            if label_kind(label) == "paragraph" {
                paragraph_labels.push(label);
            }
        }
    }
    assert_eq!(kinds.get("paragraph"), Some(&243), "{kinds:?}");
    assert_eq!(kinds.get("sub-paragraph"), Some(&175), "{kinds:?}");
    assert_eq!(kinds.get("lettered"), Some(&546), "{kinds:?}");
    assert_eq!(kinds.get("other"), None, "{kinds:?}");
    // Every plain number 0–103 is a paragraph; 88 stands three times (options I–III).
    for n in 0..=103 {
        assert!(
            paragraph_labels.contains(&n.to_string().as_str()),
            "paragraph {n}"
        );
    }
    assert_eq!(paragraph_labels.iter().filter(|l| **l == "88").count(), 3);
    for odd in ["16 quarter", "31 qauterdecies", "29 quart", "37 ter"] {
        assert!(paragraph_labels.contains(&odd), "{odd}");
    }

    let bullets = blocks(doc)
        .iter()
        .filter(|(_, b)| matches!(b, ImportedBlock::Paragraph { label: None, text } if text.starts_with("• ") || text.starts_with("o ")))
        .count();
    assert_eq!(
        bullets, 221,
        "192 Symbol bullets, 4 Times bullets, 25 Courier `o`"
    );

    let text = all_text(doc);
    assert_eq!(brackets(&text), (1273, 1273));
    assert_eq!(text.matches("Option").count(), 518);
    assert_eq!(text.matches('{').count(), 1);
    assert!(text.contains("{Placeholder for preamble}"));
    assert!(!text.contains('\u{F0B7}'));
}

#[test]
fn geneva_footnotes_follow_their_clauses() {
    let doc = geneva();
    let notes: Vec<(&str, &str)> = blocks(doc)
        .into_iter()
        .filter_map(|(_, b)| match b {
            ImportedBlock::Note { label, text } => Some((label.as_str(), text.as_str())),
            _ => None,
        })
        .collect();
    let labels: Vec<&str> = notes.iter().map(|n| n.0).collect();
    assert_eq!(
        labels,
        ["^1", "^2", "^3", "^4", "^5", "^6", "^7", "^8", "^9", "^10"]
    );
    assert!(
        notes[0]
            .1
            .starts_with("[Headings and subheadings used throughout these elements")
    );
    assert!(notes[0].1.ends_with("in Paris or thereafter.]"));
    assert_eq!(notes[1].1, "See paragraphs 31, 33, 38, 57.1, 62.1, 92.");
    assert_eq!(notes[6].1, "FCCC/AWGLCA/2012/CRP.1.");
    for n in &notes[7..] {
        assert_eq!(
            n.1,
            "Some Parties consider that it is premature to discuss this section."
        );
    }
    // Each note's body stands in its note only, and its reference in the text.
    let text = all_text(doc);
    for (label, body) in &notes {
        // Notes 8–10 say the same thing, so their text stands three times.
        let same = if matches!(*label, "^8" | "^9" | "^10") {
            3
        } else {
            1
        };
        assert_eq!(text.matches(body).count(), same, "{label}");
        assert_eq!(text.matches(&format!("[{label}]")).count(), 1, "{label}");
    }
    assert!(text.contains("Option II: Finance[^6]"));
}

#[test]
fn geneva_no_furniture_inside_clauses() {
    let doc = geneva();
    for (slot, b) in blocks(doc) {
        let t = block_text(b);
        assert!(!t.contains("ADP 2-8"), "{slot:?}: {t}");
        assert!(!t.contains("agenda item 3"), "{slot:?}: {t}");
        if !matches!(b, ImportedBlock::Note { .. }) {
            assert!(
                !t.contains("Some Parties consider that it is premature"),
                "{slot:?}"
            );
            assert!(!t.contains("See paragraphs 31, 33"), "{slot:?}");
        }
        if let ImportedBlock::Paragraph { label: None, text } = b {
            assert!(
                !text.trim().bytes().all(|c| c.is_ascii_digit()),
                "{slot:?}: a bare number"
            );
        }
        // A clause that runs over a page break does not carry the page's number there.
        if let Some((first, last)) = doc.sources.get(&slot).and_then(|s| s.pages)
            && last > first
        {
            for p in first..last {
                assert!(!t.contains(&format!(" {p} {}", p + 1)), "{slot:?}");
            }
        }
    }
    // Never dehyphenated: the 28 line-final compound hyphens are all kept.
    let text = all_text(doc);
    for word in ["climate-resilient", "post-2020", "grant-based"] {
        assert!(text.contains(word), "{word}");
    }
    assert!(!text.contains("grantbased"));
}

/// Page, label as printed, and first words (brackets, footnote references and the space
/// after a label's full stop ignored): checked by eye on the rendered pages.
const SAMPLE: [(u32, &str, &str); 13] = [
    (1, "A", "Preamble"),
    (4, "B", "Definitions"),
    (
        5,
        "0",
        "The objective of this agreement is to achieve net zero greenhouse gas emissions",
    ),
    (
        8,
        "12 ter",
        "New institutional arrangements or strengthened institutional arrangements",
    ),
    (
        14,
        "16 quarter",
        "Parties agree to account for their efforts to reduce or limit GHG emissions",
    ),
    (17, "23", "An Economic Mechanism is hereby defined."),
    (
        32,
        "31 qauterdecies",
        "The purpose of the clearing house for risk transfer shall be to:",
    ),
    (33, "G", "Option I: Finance"),
    (
        49,
        "34",
        "Developed country Parties, and other Parties included in Annex II, to provide new",
    ),
    (
        54,
        "58",
        "The objective of capacity-building should be to enable",
    ),
    (
        68,
        "69 bis",
        "All Parties shall maintain a mitigation commitment at all times",
    ),
    (
        80,
        "88",
        "The Compliance Committee shall have two branches, namely an enforcement branch",
    ),
    (
        85,
        "99",
        "Voting / Right to vote (based on Article 18 of the Convention):",
    ),
];

fn plain(s: &str) -> String {
    let mut s = s.to_string();
    for n in 1..=10 {
        s = s.replace(&format!("[^{n}]"), "");
    }
    s.chars()
        .filter(|c| !matches!(c, '[' | ']' | '\\'))
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn geneva_sources_of_the_sample() {
    let doc = geneva();
    for (page, label, words) in SAMPLE {
        let words = plain(words);
        let found = doc.sources.iter().any(|(slot, src)| {
            if src.label.as_deref() != Some(label) || src.pages.map(|p| p.0) != Some(page) {
                return false;
            }
            let text = match slot {
                Slot::Article(bi) => match &doc.body[*bi] {
                    BodyItem::Article(a) => a.title.clone().unwrap_or_default(),
                    BodyItem::Division { .. } => String::new(),
                },
                Slot::ArticleBlock(..) | Slot::AnnexBlock(..) => blocks(doc)
                    .into_iter()
                    .find(|(s, _)| s == slot)
                    .map(|(_, b)| block_text(b).to_string())
                    .unwrap_or_default(),
                _ => String::new(),
            };
            let t = plain(&text);
            let t = t
                .strip_prefix(&format!("{label}. "))
                .or_else(|| t.strip_prefix(&format!("{label} ")))
                .unwrap_or(&t);
            t.starts_with(&words)
        });
        assert!(found, "page {page}, label {label}: {words}");
    }
}

#[test]
fn geneva_writes_a_draft_that_checks() {
    let doc = geneva();
    let dir = tempfile::tempdir().unwrap();
    crate::import::write_draft(doc, dir.path()).unwrap();
    let checked = crate::negotiation::Negotiation::load(dir.path()).unwrap();
    let errors: Vec<_> = checked.diagnostics.errors().collect();
    assert!(errors.is_empty(), "{errors:?}");
    // The sources file names every clause with a place in the document, and reads back.
    let sources = crate::sources::Sources::load(dir.path()).unwrap().unwrap();
    assert_eq!(sources.document.running_heads, ["ADP 2-8 - agenda item 3"]);
    assert_eq!(sources.document.pages, Some(86));
    assert_eq!(
        sources.cite("art-c.12-ter").as_deref(),
        Some(
            "ADP 2-8 - agenda item 3 (unfccc-adp-negotiating-text-2015-02-12.pdf), p. 8, para. 12 ter"
        )
    );
    assert_eq!(
        sources.clauses.len(),
        doc.sources.len() - notes_with_sources(doc)
    );
    let back = read_path(dir.path()).unwrap();
    assert_eq!(back.source, doc.source);
    assert_eq!(back.sources.len(), sources.clauses.len());
}

/// A draft agreement typeset as the held-back Paris drafts are: centred headings in all
/// the shapes the issue lists, a running head with the document symbol, `N of M`.
fn paris_like() -> Vec<super::testing::Piece> {
    use super::testing::Piece::{Heading, Note, Para};
    let para = |label: &str, text: &str| Para {
        label: (!label.is_empty()).then(|| label.to_string()),
        text: text.to_string(),
    };
    let filler = "Parties shall take into account the best available science and the principle of equity in pursuing the long-term goal, reflecting their national circumstances and their common but differentiated responsibilities and respective capabilities";
    let mut pieces = vec![
        Heading("Preamble".into()),
        para("Pp1", "The Parties to this Agreement,"),
        para(
            "PP.2",
            "Being Parties to the United Nations Framework Convention on Climate Change,",
        ),
        Heading("Article 1".into()),
        para(
            "1.",
            &format!(
                "For the purpose of this Agreement, the definitions contained in Article 1 of the Convention shall apply. {filler}."
            ),
        ),
        Heading("Article 2 (MITIGATION)[^1]".into()),
        Note {
            number: "1".into(),
            text: "Some Parties consider this article premature.".into(),
        },
        para(
            "1.",
            &format!("Each Party shall prepare[^2] successive contributions. {filler}."),
        ),
        Note {
            number: "2".into(),
            text: "Or communicate.".into(),
        },
        para(
            "",
            "Option 1: Each Party shall communicate a contribution every five years;",
        ),
        para("", "Option 2: No provision."),
        para(
            "2 bis.",
            &format!("[Parties shall pursue domestic measures.] {filler}."),
        ),
        Heading("[Article 2 bis] (ADAPTATION)".into()),
        para(
            "1.",
            &format!("Parties hereby establish the global goal on adaptation. {filler}."),
        ),
        Heading("Article 3 ter".into()),
        para(
            "1.",
            &format!("The mechanism shall be supervised by a body. {filler}."),
        ),
        para(
            "(a)",
            "to promote the mitigation of greenhouse gas emissions;",
        ),
        para("(b)", "to contribute to the reduction of emission levels."),
        Heading("{Final clauses}".into()),
        Heading("Article 4".into()),
    ];
    for k in 1..=40 {
        pieces.push(para(&format!("{k}."), &format!("{filler} ({k}).")));
    }
    pieces.push(Heading("Annex I".into()));
    pieces.push(para("", "List of Parties."));
    pieces
}

#[test]
fn paris_like_headings_labels_and_furniture() {
    let masthead = [
        "FCCC/ADP/2015/L.6",
        "Draft Paris Agreement",
        "Advance unedited version",
    ];
    let mut structures = Vec::new();
    for tagged in [true, false] {
        let pdf = super::testing::typeset(&masthead, "FCCC/ADP/2015/L.6", &paris_like(), tagged);
        let doc = super::from_pdf(&pdf).unwrap_or_else(|e| panic!("{e}"));
        let src = doc.source.as_ref().unwrap();
        assert!(src.pages.unwrap() >= 4, "{:?}", src.pages);
        assert_eq!(src.running_heads, ["FCCC/ADP/2015/L.6"], "tagged: {tagged}");
        assert_eq!(
            src.page_counter.as_deref(),
            Some(format!("N of {}", src.pages.unwrap()).as_str())
        );
        assert_eq!(doc.title, "FCCC/ADP/2015/L.6");
        let numbers: Vec<(&str, Option<&str>)> = doc
            .articles()
            .map(|a| (a.number.as_str(), a.title.as_deref()))
            .collect();
        assert_eq!(
            numbers,
            [
                ("1", None),
                ("2", Some("(MITIGATION)[^1]")),
                ("2 bis", Some("[(ADAPTATION)]")),
                ("3 ter", None),
                ("4", None)
            ]
        );
        let pp: Vec<Option<&str>> = doc.preamble.iter().map(|p| p.label.as_deref()).collect();
        assert_eq!(pp, [Some("PP1"), Some("PP2")]);
        let art2 = doc.article("2").unwrap();
        assert_eq!(
            art2.blocks[0],
            ImportedBlock::Note {
                label: "^1".into(),
                text: "Some Parties consider this article premature.".into()
            }
        );
        match &art2.blocks[1] {
            ImportedBlock::Paragraph {
                label: Some(l),
                text,
            } => {
                assert_eq!(l, "1");
                assert!(
                    text.starts_with("Each Party shall prepare[^2] successive"),
                    "{text}"
                );
                assert!(text.ends_with("\nOption 1: Each Party shall communicate a contribution every five years;\nOption 2: No provision."), "{text}");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            art2.blocks[2],
            ImportedBlock::Note {
                label: "^2".into(),
                text: "Or communicate.".into()
            }
        );
        let art3 = doc.article("3 ter").unwrap();
        assert!(matches!(&art3.blocks[1], ImportedBlock::Point { label, .. } if label == "(a)"));
        // The braced heading opens the next article.
        assert_eq!(
            doc.article("4").unwrap().blocks[0],
            ImportedBlock::Heading("{Final clauses}".into())
        );
        assert_eq!(
            doc.article("4").unwrap().blocks.len(),
            41,
            "{:#?}",
            doc.article("4").unwrap().blocks
        );
        assert_eq!(doc.annexes.len(), 1);
        for (_, b) in blocks(&doc) {
            let t = block_text(b);
            assert!(!t.contains("FCCC/ADP"), "{t}");
            assert!(!t.contains(" of 4") && !t.contains(" of 5"), "{t}");
        }
        structures.push((numbers.len(), blocks(&doc).len(), doc.sources.len()));
    }
    // Read from the geometry alone, the untagged copy comes out the same.
    assert_eq!(structures[0], structures[1]);
}

fn pdf_error(bytes: &[u8]) -> String {
    match super::from_pdf(bytes) {
        Ok(_) => panic!("accepted"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn bad_pdfs_are_refused_saying_what_to_do() {
    let geneva = std::fs::read(GENEVA).unwrap();
    let half = pdf_error(&geneva[..geneva.len() / 2]);
    assert!(
        half.contains("ends early") && half.contains("download it again"),
        "{half}"
    );
    let head = pdf_error(&geneva[..1000]);
    assert!(head.contains("ends early"), "{head}");
    let garbage = pdf_error(b"%PDF-1.5\nthis is not a PDF at all\n%%EOF\n");
    assert!(
        garbage.contains("cannot be read") && garbage.contains("damaged"),
        "{garbage}"
    );
    let not_pdf = pdf_error(b"Article 1. Scope");
    assert!(not_pdf.contains("not a PDF"), "{not_pdf}");
    let encrypted = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/integration/fixtures/import/encrypted.pdf"
    ))
    .unwrap();
    let enc = pdf_error(&encrypted);
    assert!(
        enc.contains("password") && enc.contains("qpdf --decrypt"),
        "{enc}"
    );
    let scan = super::testing::write(&[
        super::testing::Page {
            runs: vec![],
            image: true,
        },
        super::testing::Page {
            runs: vec![],
            image: true,
        },
    ]);
    let scanned = pdf_error(&scan);
    assert!(
        scanned.contains("no text layer") && scanned.contains("2 pages") && scanned.contains("OCR"),
        "{scanned}"
    );
    // Through the reader, the error names the file.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scan.pdf");
    std::fs::write(&path, &scan).unwrap();
    let e = read_path(&path).unwrap_err().to_string();
    assert!(
        e.starts_with(&path.display().to_string()) && e.contains("OCR"),
        "{e}"
    );
}

/// Notes have no clause id, so no entry in the sources file.
fn notes_with_sources(doc: &Imported) -> usize {
    blocks(doc)
        .iter()
        .filter(|(slot, b)| {
            matches!(b, ImportedBlock::Note { .. }) && doc.sources.contains_key(slot)
        })
        .count()
}
