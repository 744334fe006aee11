//! The two iterations of the COP29 draft decision on Article 6.2 against counts
//! established by hand (`tests/corpus/negotiating/README.md`).

use std::collections::BTreeMap;

use super::*;
use crate::import::write::Slot;
use crate::import::{BodyItem, read_path};

fn path(name: &str) -> String {
    format!(
        "{}/../../tests/corpus/negotiating/cop29-art6.2-dd-2024-11-{name}.docx",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn first() -> Imported {
    read_path(path("14-first-iteration")).unwrap()
}

fn second() -> Imported {
    read_path(path("19-party-inputs")).unwrap()
}

fn paragraphs(name: &str) -> WordDocument {
    read(&std::fs::read(path(name)).unwrap()).unwrap()
}

/// Every block of every article and annex, with its slot.
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

fn text(b: &ImportedBlock) -> &str {
    match b {
        ImportedBlock::Paragraph { text, .. }
        | ImportedBlock::Point { text, .. }
        | ImportedBlock::Note { text, .. }
        | ImportedBlock::Heading(text) => text,
    }
}

fn all_text(doc: &Imported) -> String {
    let mut s = String::new();
    for p in &doc.preamble {
        s.push_str(&p.text);
        s.push('\n');
    }
    for a in doc.articles() {
        s.push_str(a.title.as_deref().unwrap_or(""));
        s.push('\n');
    }
    for a in &doc.annexes {
        s.push_str(a.title.as_deref().unwrap_or(""));
        s.push('\n');
    }
    for (_, b) in blocks(doc) {
        s.push_str(text(b));
        s.push('\n');
    }
    s
}

fn count_blocks(doc: &Imported, f: impl Fn(&ImportedBlock) -> bool) -> usize {
    blocks(doc).into_iter().filter(|(_, b)| f(b)).count()
}

fn notes(doc: &Imported, endnotes: bool) -> usize {
    count_blocks(
        doc,
        |b| matches!(b, ImportedBlock::Note { label, .. } if label.starts_with("^e") == endnotes),
    )
}

#[test]
fn first_iteration_structure_from_word_numbering() {
    let doc = first();
    let sections: Vec<&str> = doc.articles().map(|a| a.number.as_str()).collect();
    assert_eq!(
        sections,
        [
            "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV"
        ]
    );
    assert_eq!(
        doc.article("I").unwrap().title.as_deref(),
        Some("Scope and definition of a cooperative approach")
    );
    assert_eq!(doc.title, "Draft decision -/CMA.6");
    assert_eq!(doc.preamble.len(), 3);
    // 13 lettered sub-sections, 169 paragraphs numbered straight through, 166 (a) and
    // 44 (i): the 406 numbers Word generates, none of them in the text.
    let sub = count_blocks(
        &doc,
        |b| matches!(b, ImportedBlock::Heading(t) if t.len() > 2 && t.as_bytes()[0].is_ascii_uppercase() && &t[1..3] == ". "),
    );
    assert_eq!(sub, 13);
    let numbered: Vec<&str> = blocks(&doc)
        .into_iter()
        .filter_map(|(_, b)| match b {
            ImportedBlock::Paragraph { label: Some(l), .. } => Some(l.as_str()),
            _ => None,
        })
        .collect();
    let expected: Vec<String> = (1..=169).map(|n| n.to_string()).collect();
    assert_eq!(numbered, expected);
    let points = |roman: bool| {
        count_blocks(&doc, |b| {
            matches!(b, ImportedBlock::Point { label, .. }
                if label.trim_matches(['(', ')']).bytes().all(|c| b"ivx".contains(&c)) == roman
                    && !matches!(label.as_str(), "(i)" | "(v)" | "(x)") || roman && matches!(label.as_str(), "(i)" | "(v)" | "(x)"))
        })
    };
    // (i), (v), (x) count as roman here; the letters i, v, x of the lettered lists are
    // checked against the sources' labels below.
    let by_source: BTreeMap<&str, usize> = doc
        .sources
        .values()
        .filter_map(|s| s.label.as_deref())
        .fold(BTreeMap::new(), |mut m, l| {
            let kind = match l.matches('(').count() {
                0 => "section or paragraph",
                1 => "(a)",
                _ => "(i)",
            };
            *m.entry(kind).or_default() += 1;
            m
        });
    assert_eq!(by_source.get("(a)"), Some(&166), "{by_source:?}");
    assert_eq!(by_source.get("(i)"), Some(&44), "{by_source:?}");
    assert_eq!(points(false) + points(true), 210);
    // Paragraph 111 has two lists, so two (b).
    let p111: Vec<&str> = doc
        .sources
        .values()
        .filter_map(|s| s.label.as_deref())
        .filter(|l| l.starts_with("111 (b)"))
        .collect();
    assert_eq!(
        p111.iter().filter(|l| **l == "111 (b)").count(),
        2,
        "{p111:?}"
    );
    // One Option line got a number by mistake, and keeps it.
    assert!(blocks(&doc).iter().any(|(_, b)| matches!(b,
        ImportedBlock::Paragraph { label: Some(l), text } if l == "65" && text == "Option 2: {No text required}")));
}

#[test]
fn first_iteration_counts() {
    let doc = first();
    let t = all_text(&doc);
    // Body and tables 420 and 417 (the draft is unbalanced), endnotes 40 and 41.
    assert_eq!(t.matches('[').count() - t.matches("[^").count(), 460);
    assert_eq!(t.matches(']').count() - t.matches("[^").count(), 458);
    assert_eq!(t.matches("Option").count(), 103);
    assert_eq!(t.matches('{').count(), 73);
    assert_eq!(t.matches('}').count(), 73);
    assert_eq!(notes(&doc, false), 14);
    assert_eq!(notes(&doc, true), 11);
    let word = paragraphs("14-first-iteration");
    let tables: std::collections::BTreeSet<usize> =
        word.paras.iter().filter_map(|p| p.table).collect();
    assert_eq!(tables.len(), 18);
    // 127 rows, 84 of them with text (the others are blank rows of the tables' form).
    assert_eq!(word.paras.iter().filter(|p| p.table.is_some()).count(), 84);
    assert!(
        word.paras
            .iter()
            .all(|p| p.comments.is_empty() && p.changes.is_empty())
    );
    let src = doc.source.as_ref().unwrap();
    assert_eq!(src.format, "docx");
    // Odd and even pages differ by one space.
    let mut heads = src.running_heads.clone();
    heads.sort();
    assert_eq!(
        heads,
        [
            "SBSTA 61 – agenda item 13(a)",
            "SBSTA 61– agenda item 13(a)"
        ]
    );
    assert_eq!(
        src.front_matter.first().map(String::as_str),
        Some("DRAFT TEXT")
    );
    assert!(
        src.front_matter
            .iter()
            .any(|l| l == "Version 14/11/2024 13:00"),
        "{:?}",
        src.front_matter
    );
    assert!(
        src.front_matter
            .iter()
            .any(|l| l.starts_with("Matters relating to cooperative approaches"))
    );
    // Footnotes follow the clause that refers to them.
    let b = blocks(&doc);
    let k = b
        .iter()
        .position(
            |(_, x)| matches!(x, ImportedBlock::Paragraph { label: Some(l), .. } if l == "42"),
        )
        .unwrap();
    assert!(text(b[k].1).contains("[^1]"), "{}", text(b[k].1));
    assert!(matches!(b[k + 1].1, ImportedBlock::Note { label, .. } if label == "^1"));
}

#[test]
fn second_iteration_comments_name_the_parties() {
    let doc = second();
    assert_eq!(doc.articles().count(), 12);
    assert_eq!(doc.annexes.len(), 1);
    let numbered = count_blocks(&doc, |b| {
        matches!(b, ImportedBlock::Paragraph { label: Some(_), .. })
    });
    assert_eq!(numbered, 71);
    assert_eq!(
        count_blocks(&doc, |b| matches!(b, ImportedBlock::Point { .. })),
        62
    );
    let t = all_text(&doc);
    assert_eq!(t.matches('[').count() - t.matches("[^").count(), 0);
    assert_eq!(t.matches("Option").count(), 0);
    assert_eq!(t.matches('{').count(), 3);
    assert_eq!(notes(&doc, false), 4);
    assert_eq!(notes(&doc, true), 14);

    // 95 comments anchored in 52 paragraphs, 9 of them replies; tracked changes (26
    // insertions, 25 deletions, all in table headings) are kept beside the text.
    let comments: Vec<&crate::import::SourceComment> = doc
        .sources
        .values()
        .flat_map(|s| s.comments.iter())
        .filter(|c| !c.id.starts_with("change "))
        .collect();
    assert_eq!(comments.len(), 95);
    let anchored = doc
        .sources
        .values()
        .filter(|s| s.comments.iter().any(|c| !c.id.starts_with("change ")))
        .count();
    assert_eq!(anchored, 52);
    let word = paragraphs("19-party-inputs");
    let tables: std::collections::BTreeSet<usize> =
        word.paras.iter().filter_map(|p| p.table).collect();
    assert_eq!(tables.len(), 8);
    assert_eq!(word.paras.iter().filter(|p| p.table.is_some()).count(), 60);
    assert_eq!(comments.iter().filter(|c| c.reply_to.is_some()).count(), 9);
    let reply = comments.iter().find(|c| c.id == "96").unwrap();
    assert_eq!(reply.reply_to.as_deref(), Some("95"));
    let changes: Vec<&crate::import::SourceComment> = doc
        .sources
        .values()
        .flat_map(|s| s.comments.iter())
        .filter(|c| c.id.starts_with("change "))
        .collect();
    assert_eq!(
        changes
            .iter()
            .filter(|c| c.text.starts_with("tracked insertion"))
            .count(),
        26
    );
    assert_eq!(
        changes
            .iter()
            .filter(|c| c.text.starts_with("tracked deletion"))
            .count(),
        25
    );

    // The Parties the comments name (the secretariat's note-takers wrote them).
    let mut named: BTreeMap<&str, usize> = BTreeMap::new();
    for c in &comments {
        for p in &c.parties {
            *named.entry(p.as_str()).or_default() += 1;
        }
    }
    let expected = [
        ("United States", 43),
        ("European Union", 20),
        ("Canada", 16),
        ("Pakistan", 12),
        ("CfRN", 12),
        ("Japan", 10),
        ("LMDC", 9),
        ("AOSIS", 9),
        ("AILAC", 6),
        ("Norway", 5),
        ("Russian Federation", 5),
        ("Suriname", 5),
        ("Morocco", 4),
        ("United Kingdom", 4),
        ("AGN", 4),
        ("New Zealand", 4),
        ("India", 3),
        ("Grupo Sur", 3),
        ("China", 3),
        ("Tuvalu", 3),
        ("Arab Group", 2),
        ("Türkiye", 2),
        ("EIG", 2),
        ("Republic of Korea", 2),
        ("Brazil", 1),
        ("Mozambique", 1),
        ("Panama", 1),
        ("Chile", 1),
        ("Switzerland", 1),
    ];
    let expected: BTreeMap<&str, usize> = expected.into_iter().collect();
    assert_eq!(named, expected);
    assert_eq!(comments.iter().filter(|c| c.parties.is_empty()).count(), 1);
    assert_eq!(comments.iter().filter(|c| c.parties.len() > 1).count(), 30);
    // Comment 3 is on section I; comment 5 on paragraph 1.
    let on = |id: &str| {
        doc.sources
            .iter()
            .find(|(_, s)| s.comments.iter().any(|c| c.id == id))
            .map(|(slot, s)| (slot.clone(), s.label.clone()))
    };
    assert_eq!(on("3"), Some((Slot::Article(0), Some("I".into()))));
    assert_eq!(on("5").and_then(|x| x.1).as_deref(), Some("1"));
    assert_eq!(on("11").and_then(|x| x.1).as_deref(), Some("1 (b)"));
}

#[test]
fn word_file_with_no_body_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.docx");
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    use std::io::Write;
    w.start_file("word/document.xml", opts).unwrap();
    w.write_all(b"<w:document xmlns:w=\"w\"><w:body><w:p/><w:sectPr/></w:body></w:document>")
        .unwrap();
    std::fs::write(&path, w.finish().unwrap().into_inner()).unwrap();
    let e = read_path(&path).unwrap_err().to_string();
    assert!(e.starts_with(&path.display().to_string()), "{e}");
    assert!(
        e.contains("body holds no text") && e.contains("check that you gave the right file"),
        "{e}"
    );
}

#[test]
fn both_iterations_write_drafts_that_check_with_their_sources() {
    for (doc, commented) in [(first(), 0), (second(), 52)] {
        let dir = tempfile::tempdir().unwrap();
        crate::import::write_draft(&doc, dir.path()).unwrap();
        let checked = crate::negotiation::Negotiation::load(dir.path()).unwrap();
        let errors: Vec<_> = checked.diagnostics.errors().collect();
        assert!(errors.is_empty(), "{errors:?}");
        let sources = crate::sources::Sources::load(dir.path()).unwrap().unwrap();
        assert_eq!(sources.document.format, "docx");
        let with_comments = sources
            .clauses
            .values()
            .filter(|c| c.comments.iter().any(|m| !m.id.starts_with("change ")))
            .count();
        assert_eq!(with_comments, commented);
    }
    let dir = tempfile::tempdir().unwrap();
    crate::import::write_draft(&second(), dir.path()).unwrap();
    let sources = crate::sources::Sources::load(dir.path()).unwrap().unwrap();
    let c = &sources.clauses["art-i.1.b"];
    assert_eq!(c.label.as_deref(), Some("1 (b)"));
    assert!(
        c.comments
            .iter()
            .any(|m| m.id == "11" && m.parties == ["AOSIS"])
    );
}
