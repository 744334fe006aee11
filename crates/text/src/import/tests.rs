//! Import tests against the real corpus in `tests/corpus`.

use super::*;

macro_rules! corpus {
    ($rel:literal) => {
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus/", $rel)
    };
}

const UNCLOS: &str = corpus!("treaties/unclos.txt");
const ROME: &str = corpus!("treaties/rome-statute.txt");
const VCLT: &str = corpus!("treaties/vclt.txt");
const CHARTER: &str = corpus!("treaties/un-charter.txt");
const UDHR: &str = corpus!("treaties/udhr.txt");
const AI_ACT: &str = corpus!("markdown/eu-ai-act-2024-1689.md");

fn read(path: &str) -> Imported {
    read_path(path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn numbers(doc: &Imported) -> Vec<&str> {
    doc.articles().map(|a| a.number.as_str()).collect()
}

#[test]
fn article_counts() {
    for (path, articles, annexes) in [
        (UNCLOS, 320, 0),
        (ROME, 131, 0),
        (VCLT, 85, 0),
        (CHARTER, 111, 0),
        (UDHR, 30, 0),
        (AI_ACT, 113, 13),
    ] {
        let doc = read(path);
        let s = doc.stats();
        assert_eq!(s.articles, articles, "{path}");
        assert_eq!(s.annexes, annexes, "{path}");
        assert!(doc.warnings.is_empty(), "{path}: {:?}", doc.warnings);
    }
}

#[test]
fn articles_are_in_order_and_unique() {
    for path in [UNCLOS, VCLT, CHARTER, UDHR] {
        let doc = read(path);
        let expected: Vec<String> = (1..=doc.stats().articles).map(|n| n.to_string()).collect();
        assert_eq!(numbers(&doc), expected, "{path}");
    }
}

#[test]
fn unclos() {
    let doc = read(UNCLOS);
    assert_eq!(doc.title, "United Nations Convention on the Law of the Sea");
    // The run-together preamble is split at `,Capital`, nothing else.
    assert!(doc.preamble.len() >= 10, "{}", doc.preamble.len());
    assert_eq!(
        doc.preamble[0].text,
        "The States Parties to this Convention,"
    );
    assert!(doc.preamble[1].text.starts_with("Prompted by the desire"));
    // `Article 309 does not preclude…` (with a no-break space) is body text of article 310.
    let a310 = doc.article("310").unwrap();
    assert!(
        matches!(&a310.blocks[0], ImportedBlock::Paragraph { label: None, text } if text.starts_with("Article\u{a0}309 does not preclude")),
        "{:?}",
        a310.blocks[0]
    );
    // A title that wraps onto the first body line.
    assert_eq!(
        doc.article("2").unwrap().title.as_deref(),
        Some(
            "Legal status of the territorial sea, of the air space over the territorial sea and of its bed and subsoil"
        )
    );
    // … and one that runs into the text.
    let a15 = doc.article("15").unwrap();
    assert_eq!(
        a15.title.as_deref(),
        Some("Delimitation of the territorial sea between States with opposite or adjacent coasts")
    );
    assert!(
        matches!(&a15.blocks[0], ImportedBlock::Paragraph { label: None, text } if text.starts_with("Where the coasts"))
    );
    // Paragraphs on consecutive lines, with points `(1)`.
    let a1 = doc.article("1").unwrap();
    assert_eq!(
        a1.blocks[0],
        ImportedBlock::Paragraph {
            label: Some("1".into()),
            text: "For the purposes of this Convention:".into()
        }
    );
    assert!(matches!(&a1.blocks[1], ImportedBlock::Point { label, .. } if label == "(1)"));
}

#[test]
fn rome_statute() {
    let doc = read(ROME);
    let nums = numbers(&doc);
    for n in ["8 bis", "15 bis", "15 ter", "128"] {
        assert!(nums.contains(&n), "missing article {n}");
    }
    let pos = |n: &str| nums.iter().position(|x| *x == n).unwrap();
    assert_eq!(pos("8 bis"), pos("8") + 1);
    assert_eq!(pos("15 ter"), pos("15 bis") + 1);
    assert_eq!(
        doc.article("8 bis").unwrap().title.as_deref(),
        Some("Crime of aggression")
    );
    assert_eq!(
        doc.article("20").unwrap().title.as_deref(),
        Some("Ne bis in idem")
    );
    assert_eq!(doc.preamble.len(), 13);
    assert_eq!(doc.preamble[12].text, "Have agreed as follows:");
    let s = doc.stats();
    assert_eq!((s.paragraphs, s.points), (465, 432), "{s}");
}

#[test]
fn vclt_charter_udhr() {
    let vclt = read(VCLT);
    assert_eq!(
        vclt.preamble[1].text,
        "Consideringthe fundamental role of treaties in the history of international relations,"
    );
    assert!(
        matches!(&vclt.article("2").unwrap().blocks[0], ImportedBlock::Paragraph { label: Some(l), .. } if l == "1")
    );
    let charter = read(CHARTER);
    assert_eq!(charter.article("1").unwrap().title, None);
    assert_eq!(charter.article("1").unwrap().blocks.len(), 5);
    let udhr = read(UDHR);
    assert_eq!(udhr.title, "Universal Declaration of Human Rights");
    assert!(udhr.preamble[0].text.starts_with("Whereas recognition"));
    assert!(udhr.preamble.len() >= 8);
    assert_eq!(udhr.article("30").unwrap().blocks.len(), 1);
}

#[test]
fn eu_ai_act() {
    let doc = read(AI_ACT);
    assert!(doc.title.starts_with("REGULATION (EU) 2024/1689"));
    assert!(doc.title.ends_with("(Text with EEA relevance)"));
    // 8 paragraphs before `Whereas:`, `Whereas:`, 180 recitals, `HAVE ADOPTED…`.
    assert_eq!(doc.preamble.len(), 190);
    assert_eq!(
        doc.preamble.last().unwrap().text,
        "HAVE ADOPTED THIS REGULATION:"
    );
    let a5 = doc.article("5").unwrap();
    assert_eq!(a5.title.as_deref(), Some("Prohibited AI practices"));
    let points = a5
        .blocks
        .iter()
        .filter(|b| matches!(b, ImportedBlock::Point { .. }))
        .count();
    assert!(points >= 10, "{points}");
    assert_eq!(
        doc.article("1").unwrap().title.as_deref(),
        Some("Subject matter`")
    );
    assert_eq!(doc.stats().divisions, 13 + 16);
    assert_eq!(
        doc.body[0],
        BodyItem::Division {
            kind: "Chapter".into(),
            label: "I".into(),
            title: Some("GENERAL PROVISIONS".into())
        }
    );
    let labels: Vec<&str> = doc.annexes.iter().map(|a| a.label.as_str()).collect();
    assert_eq!(labels.first(), Some(&"I"));
    assert_eq!(labels.last(), Some(&"XIII"));
    assert_eq!(
        doc.annexes[0].title.as_deref(),
        Some("List of Union harmonisation legislation")
    );
    assert!(
        doc.annexes[5].blocks.is_empty(),
        "Annex VI has only a title"
    );
}

/// Everything except the warnings, which are not written.
fn same_structure(a: &Imported, b: &Imported, what: &str) {
    assert_eq!(a.title, b.title, "{what}: title");
    assert_eq!(a.preamble, b.preamble, "{what}: preamble");
    assert_eq!(a.body.len(), b.body.len(), "{what}: body length");
    for (x, y) in a.body.iter().zip(&b.body) {
        assert_eq!(x, y, "{what}");
    }
    assert_eq!(a.annexes, b.annexes, "{what}: annexes");
}

#[test]
fn write_then_read_gives_the_same_structure() {
    for path in [UNCLOS, ROME, VCLT, CHARTER, UDHR, AI_ACT] {
        let doc = read(path);
        let dir = tempfile::tempdir().unwrap();
        let stats = write_draft(&doc, dir.path()).unwrap();
        assert_eq!(stats, doc.stats());
        let back = read_path(dir.path()).unwrap_or_else(|e| panic!("{path}: {e}"));
        same_structure(&doc, &back, path);
        // Reading `drafts/` itself and `treaty.md` directly works too.
        let again = read_path(dir.path().join("drafts").join("treaty.md")).unwrap();
        assert_eq!(again.stats(), stats);
    }
}

#[test]
fn written_files_follow_the_format() {
    let doc = read(ROME);
    let dir = tempfile::tempdir().unwrap();
    write_draft(&doc, dir.path()).unwrap();
    let drafts = dir.path().join("drafts");
    let treaty = std::fs::read_to_string(drafts.join("treaty.md")).unwrap();
    assert!(treaty.starts_with(
        "# Rome Statute of the International Criminal Court {#treaty}\n\n## Preamble {#preamble}\n\n\
         The States Parties to this Statute, {#pp-1}\n\n"
    ));
    assert!(treaty.contains(
        "- [Article 8. War crimes](articles/art-8.md)\n- [Article 8 bis. Crime of aggression](articles/art-8-bis.md)\n"
    ));
    let art = std::fs::read_to_string(drafts.join("articles/art-8-bis.md")).unwrap();
    assert!(art.starts_with(
        "### Article 8 bis. Crime of aggression {#art-8-bis}\n\n1. For the purpose of this Statute"
    ));
    assert!(art.contains("{#art-8-bis.1}\n\n2. "));
    assert!(art.contains("\n\n(a) ") && art.contains("{#art-8-bis.2.a}"));
    // Only the drafts folder, with treaty.md, articles/ (and no annexes here).
    let mut names: Vec<_> = std::fs::read_dir(&drafts)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["articles", "treaty.md"]);
    assert_eq!(
        std::fs::read_dir(drafts.join("articles")).unwrap().count(),
        131
    );
    // Every file: blocks separated by exactly one blank line, one final newline, ids valid
    // and unique.
    let mut seen = std::collections::HashSet::new();
    for entry in walk(&drafts) {
        let text = std::fs::read_to_string(&entry).unwrap();
        assert!(text.ends_with('\n') && !text.ends_with("\n\n"), "{entry:?}");
        assert!(!text.contains("\n\n\n"), "{entry:?}");
        for block in text.split("\n\n") {
            let first = block.lines().next().unwrap();
            if first.starts_with("- [") {
                continue;
            }
            let (_, id) = text::split_id(first);
            let id = id.unwrap_or_else(|| panic!("no id: {first}"));
            assert!(seen.insert(id.to_string()), "duplicate id {id}");
        }
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn ids_for_points_sub_points_and_divisions() {
    let doc = read(AI_ACT);
    let files = write::render(&doc).unwrap();
    let get = |name: &str| {
        &files
            .iter()
            .find(|(p, _)| p == std::path::Path::new(name))
            .unwrap()
            .1
    };
    let a5 = get("articles/art-5.md");
    assert!(a5.contains("{#art-5.1.a}"));
    assert!(
        a5.contains("(i) detrimental or unfavourable treatment") && a5.contains("{#art-5.1.b.i}")
    );
    assert!(a5.contains("{#art-5.1.d}"));
    let treaty = get("treaty.md");
    assert!(treaty.contains("## Chapter I. GENERAL PROVISIONS {#chapter-i}"));
    // Recitals are preamble text: `(1)` is not escaped there.
    assert!(treaty.contains("{#pp-9}\n\n(1) The purpose of this Regulation"));
    assert!(treaty.contains(
        "### Section 1. Classification of AI systems as high-risk {#chapter-iii.section-1}"
    ));
    assert!(treaty.contains("## Annexes {#annexes}\n\n- [Annex I. List of Union harmonisation legislation](annexes/annex-i.md)\n"));
    assert!(get("annexes/annex-xiii.md").starts_with("### Annex XIII. Criteria"));
}

#[test]
fn awkward_text_is_escaped_and_read_back() {
    let awkward = [
        "# not a heading",
        "Option 1: not an option of the clause above",
        "1. not a numbered paragraph",
        "(a) not a point",
        "- [not](an-include.md)",
        "\\ starts with a backslash",
        "ends with {#literal-id}",
        "has {\\#escaped} braces",
        "Option 1: two\nOption 2: lines",
        "first line\n# second line looks like a heading\n\\ and a backslash\n- [x](y.md)",
    ];
    let mut blocks: Vec<ImportedBlock> = awkward
        .iter()
        .map(|t| ImportedBlock::Paragraph {
            label: None,
            text: t.to_string(),
        })
        .collect();
    blocks.push(ImportedBlock::Paragraph {
        label: Some("2 bis".into()),
        text: "# labelled {#x}".into(),
    });
    blocks.push(ImportedBlock::Paragraph {
        label: Some("3".into()),
        text: String::new(),
    });
    blocks.push(ImportedBlock::Point {
        label: "(a)".into(),
        text: "Option 1: a\nOption 2: No text.".into(),
    });
    blocks.push(ImportedBlock::Heading("Article 7".into()));
    blocks.push(ImportedBlock::Heading("Part II".into()));
    blocks.push(ImportedBlock::Heading("Preamble".into()));
    let doc = Imported {
        title: "A {#weird} title".into(),
        preamble: vec![
            PreambleParagraph {
                label: None,
                text: "PP1. is text here".into(),
            },
            PreambleParagraph {
                label: Some("PP2".into()),
                text: "*Recognizing* this".into(),
            },
            PreambleParagraph {
                label: None,
                text: "(1) a recital".into(),
            },
            PreambleParagraph {
                label: None,
                text: "# hash, then\nOption 1: x".into(),
            },
        ],
        body: vec![
            BodyItem::Division {
                kind: "Part".into(),
                label: "I".into(),
                title: Some("General [provisions]".into()),
            },
            BodyItem::Article(ImportedArticle {
                number: "4 bis".into(),
                title: Some("Brackets [x] and \\ backslash".into()),
                blocks: blocks.clone(),
            }),
            BodyItem::Article(ImportedArticle {
                number: "4 bis".into(),
                title: None,
                blocks: vec![],
            }),
        ],
        annexes: vec![ImportedAnnex {
            label: "A".into(),
            title: None,
            blocks: vec![
                ImportedBlock::Heading("Section A. Inside the annex".into()),
                ImportedBlock::Heading("Annex B".into()),
            ],
        }],
        warnings: vec![],
        ids: Default::default(),
        ..Imported::default()
    };
    let dir = tempfile::tempdir().unwrap();
    write_draft(&doc, dir.path()).unwrap();
    let back = read_path(dir.path()).unwrap();
    same_structure(&doc, &back, "awkward");
    // The duplicate article number got a distinct id and file.
    assert!(dir.path().join("drafts/articles/art-4-bis-2.md").is_file());
}

#[test]
fn headings_that_would_not_read_back_are_refused() {
    let article = |number: &str, title: Option<&str>| Imported {
        title: "T".into(),
        body: vec![BodyItem::Article(ImportedArticle {
            number: number.into(),
            title: title.map(Into::into),
            blocks: vec![],
        })],
        ..Imported::default()
    };
    assert!(write::render(&article("1", Some("Fine. With dots - and dashes"))).is_ok());
    for bad in [
        article("1. 2", None),
        article("", None),
        article("one", None),
    ] {
        assert!(matches!(
            write::render(&bad),
            Err(ImportError::Unrepresentable { .. })
        ));
    }
    let mut doc = article("1", None);
    doc.body.insert(
        0,
        BodyItem::Division {
            kind: "PART".into(),
            label: "I".into(),
            title: None,
        },
    );
    assert!(write::render(&doc).is_err());
}

#[test]
fn refuses_to_overwrite_drafts() {
    let doc = read(UDHR);
    let dir = tempfile::tempdir().unwrap();
    write_draft(&doc, dir.path()).unwrap();
    let err = write_draft(&doc, dir.path()).unwrap_err();
    assert!(matches!(err, ImportError::DraftsExist { .. }), "{err}");
    assert!(err.to_string().contains("refusing to overwrite"));
}

#[test]
fn unrepresentable_text_is_refused_before_writing() {
    let doc = Imported {
        title: "T".into(),
        body: vec![BodyItem::Article(ImportedArticle {
            number: "1".into(),
            title: None,
            blocks: vec![ImportedBlock::Paragraph {
                label: None,
                text: "two\n\nparagraphs".into(),
            }],
        })],
        ..Imported::default()
    };
    let dir = tempfile::tempdir().unwrap();
    let err = write_draft(&doc, dir.path()).unwrap_err();
    assert!(matches!(err, ImportError::Unrepresentable { .. }), "{err}");
    assert!(!dir.path().join("drafts").exists());
}

#[test]
fn malformed_inputs_give_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    };
    type Check = fn(&ImportError) -> bool;
    let cases: Vec<(std::path::PathBuf, Check)> = vec![
        (write("empty.txt", b""), |e| matches!(e, ImportError::Empty)),
        (write("blank.md", b"  \n\n\t\n"), |e| {
            matches!(e, ImportError::Empty)
        }),
        (write("binary.txt", &[0xff, 0xfe, 0x00, 0x41, 0x9c]), |e| {
            matches!(e, ImportError::NotUtf8 { .. })
        }),
        (write("nul.md", b"# T\n\x00\x01\x02"), |e| {
            matches!(e, ImportError::Binary { .. })
        }),
        (write("prose.txt", b"A title\n\nJust some prose.\n"), |e| {
            matches!(e, ImportError::NoArticles)
        }),
        (write("prose.md", b"# A title\n\nJust prose.\n"), |e| {
            matches!(e, ImportError::NoArticles)
        }),
    ];
    for (path, expected) in cases {
        let err = read_path(&path).unwrap_err();
        let ImportError::InFile { source, .. } = &err else {
            panic!("{path:?}: {err}");
        };
        assert!(expected(source), "{path:?}: {err}");
        assert!(
            err.to_string()
                .contains(path.file_name().unwrap().to_str().unwrap())
        );
    }
    let missing = read_path(dir.path().join("nope.txt")).unwrap_err();
    assert!(matches!(missing, ImportError::Io { .. }));
    let empty_dir = tempfile::tempdir().unwrap();
    assert!(matches!(
        read_path(empty_dir.path()).unwrap_err(),
        ImportError::Unsupported { .. }
    ));
    // An include that escapes the folder, or names a missing file.
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("treaty.md"),
        "# T\n\n- [Article 1](../x.md)\n",
    )
    .unwrap();
    assert!(matches!(
        read_path(d.path()).unwrap_err(),
        ImportError::BadInclude { line: 3, .. }
    ));
    std::fs::write(
        d.path().join("treaty.md"),
        "# T\n\n- [Article 1](articles/a.md)\n",
    )
    .unwrap();
    assert!(matches!(
        read_path(d.path()).unwrap_err(),
        ImportError::BadInclude { .. }
    ));
}

#[test]
fn odd_inputs_never_panic() {
    let inputs = [
        "Article",
        "Article 1",
        "T\nArticle 1 -",
        "T\nArticle 99999999999999999999",
        "T\n\nArticle 1 - x\n\n(",
        "T\nArticle 1\n(a",
        "T\nArticle 1\n1",
        "T\nArticle 1\nover",
        "T\nArticle 1 - t\nover.Then",
        "T\nANNEX I\nArticle 1",
        "T\nPART I\n\nx",
        "# \n\n###### Article 1 bis.\n\n**\n\n****\n\n{#}\n\n{#a}",
        "### Article 1 {#a}\n\nOption 1: orphan",
        "Option 1: x\n\n# ANNEX\n\n# ANNEX I\n\n# ANNEX II",
        "## Preamble\n\nPP1.\n\nPP\n\n## Annexes\n\n- [x](y.md)",
        "é\u{feff}ü\n(é)\n1 bis\n1 bis.\n",
        "{\\\\\\#x}\n### Article 1\n\n{\\",
    ];
    for input in inputs {
        let _ = from_plain_text(input);
        if let Ok(doc) = from_markdown(input) {
            let files = write::render(&doc);
            assert!(files.is_ok(), "{input:?}: {files:?}");
        }
    }
}

mod prop {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn parsers_and_writer_never_panic(s in "(?s)[ -~\n\u{e9}{}#()\\[\\]\\\\]{0,300}") {
            let _ = from_plain_text(&s);
            if let Ok(doc) = from_markdown(&s) {
                let _ = write::render(&doc);
            }
        }

        #[test]
        fn structured_lines_never_panic(lines in proptest::collection::vec(
            prop_oneof![
                Just("Article 1".to_string()),
                Just("### Article 2 bis. T {#a}".to_string()),
                Just("## CHAPTER I".to_string()),
                Just("# ANNEX I".to_string()),
                Just("1. x".to_string()),
                Just("(a) y".to_string()),
                Just("(i) z".to_string()),
                Just("Option 1: o".to_string()),
                Just(String::new()),
                "[a-z(){}#\\\\. 0-9]{0,12}",
            ],
            0..30,
        )) {
            let s = lines.join("\n");
            for doc in [from_plain_text(&s), from_markdown(&s)].into_iter().flatten() {
                let _ = write::render(&doc);
            }
        }
    }
}

// ---- Akoma Ntoso and DOCX ----------------------------------------------------------------

macro_rules! akn {
    ($name:literal) => {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/corpus/akoma-ntoso/",
            $name
        )
    };
}

const AKN4EU: &str = akn!("akn4eu_CoV_DLV20_1.4__council_postion__bill_123.xml");
const AKN_EU: &str = akn!("v3_eu_COM-2013-0619_EN-8.xml");
const AKN_UK: &str = akn!("v3_uk_pga-2014-27-enacted-data.xml");
const AKN_UN: &str = akn!("v2_Bill_UN_2012.xml");
const AKN_BILL_V1: &str = akn!("v2_Bill_Bungeni_2011-06-30v1.xml");
const AKN_BILL_V2: &str = akn!("v2_Bill_Bungeni_2011-06-30v2.xml");
const AKN_AMENDMENT: &str = akn!("v2_Amendmet_Bungeni_2010-10-28adm1.xml");
const AKN_AMENDMENT_LIST: &str = akn!("v2_AmendmentList_Bungeni_2010-10-28v1.xml");

macro_rules! fixture {
    ($name:literal) => {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/integration/fixtures/import/",
            $name
        )
    };
}

/// Paragraphs with a number (`1.`), in articles and annexes.
fn numbered(doc: &Imported) -> usize {
    doc.articles()
        .flat_map(|a| &a.blocks)
        .chain(doc.annexes.iter().flat_map(|a| &a.blocks))
        .filter(|b| matches!(b, ImportedBlock::Paragraph { label: Some(_), .. }))
        .count()
}

/// The counts were taken from the XML: `article` elements (or, without any, `section`s),
/// `paragraph`/`subsection` elements numbered `1.` or `1`, and `point`/`item`/
/// `paragraph`/`subparagraph`/`subsection` elements numbered `(a)`, `a` or `(1)`, outside
/// quoted structures; preamble = `formula` + `citation` + `recital` + `intro` (+ `p`).
#[test]
fn akoma_ntoso_corpus_counts() {
    // (file, articles, annexes, numbered paragraphs, points, preamble, divisions)
    for (path, articles, annexes, paras, points, preamble, divisions) in [
        (AKN4EU, 9, 0, 28, 11, 32, 0),
        (AKN_EU, 24, 0, 32, 43, 44, 9),
        (AKN_UK, 8, 0, 44, 38, 1, 0),
        (AKN_UN, 1, 0, 4, 0, 5, 0),
        (AKN_BILL_V1, 2, 0, 0, 3, 3, 0),
        (AKN_BILL_V2, 2, 1, 0, 10, 3, 0),
    ] {
        let doc = read(path);
        let s = doc.stats();
        assert_eq!(s.articles, articles, "{path}: {s}");
        assert_eq!(s.annexes, annexes, "{path}: {s}");
        assert_eq!(numbered(&doc), paras, "{path}: {s}");
        assert_eq!(s.points, points, "{path}: {s}");
        assert_eq!(s.preamble_paragraphs, preamble, "{path}: {s}");
        assert_eq!(s.divisions, divisions, "{path}: {s}");
    }
}

#[test]
fn akoma_ntoso_un_draft_resolution() {
    let doc = read(AKN_UN);
    assert_eq!(
        doc.title,
        "Promoting international cooperation in responding to new psychoactive substances"
    );
    assert_eq!(doc.preamble[0].text, "The Commission on Narcotic Drugs,");
    assert!(
        doc.preamble[1]
            .text
            .starts_with("Concerned that new psychoactive")
    );
    let a1 = doc.article("1").unwrap();
    let labels: Vec<_> = a1
        .blocks
        .iter()
        .map(|b| match b {
            ImportedBlock::Paragraph { label, .. } => label.clone().unwrap_or_default(),
            other => panic!("{other:?}"),
        })
        .collect();
    // Operative paragraphs 4 to 7 are omitted in the source (`<omissis/>`).
    assert_eq!(labels, ["1", "2", "3", "8"]);
    assert!(
        matches!(&a1.blocks[0], ImportedBlock::Paragraph { text, .. } if text.starts_with("Encourages Member States to monitor"))
    );
    // Footnotes are left out of the text.
    assert!(
        matches!(&a1.blocks[3], ImportedBlock::Paragraph { text, .. } if text.contains("Narcotic Drugs of 1961 as amended by the 1972 Protocol and article 2"))
    );
    assert!(doc.warnings.iter().any(|w| w.contains("no articles")));
}

#[test]
fn akoma_ntoso_eu_regulation_and_uk_act() {
    let eu = read(AKN_EU);
    assert_eq!(
        eu.body[0],
        BodyItem::Division {
            kind: "Chapter".into(),
            label: "I".into(),
            title: Some("Subject matter - Scope - Definitions".into())
        }
    );
    let a6 = eu.article("6").unwrap();
    assert_eq!(a6.title.as_deref(), Some("Joint report"));
    // Paragraph 4: a list's intro is the paragraph's text, its points follow.
    let p4 = a6
        .blocks
        .iter()
        .position(|b| matches!(b, ImportedBlock::Paragraph { label: Some(l), .. } if l == "4"))
        .unwrap();
    assert!(matches!(&a6.blocks[p4 + 1], ImportedBlock::Point { label, .. } if label == "(a)"));
    // Article 9, paragraph 2 holds two subparagraphs: the number goes to the first.
    let a9 = eu.article("9").unwrap();
    let p2 = a9
        .blocks
        .iter()
        .position(|b| matches!(b, ImportedBlock::Paragraph { label: Some(l), text } if l == "2" && text.starts_with("The Commission shall adopt")))
        .unwrap();
    assert!(
        matches!(&a9.blocks[p2 + 1], ImportedBlock::Paragraph { label: None, text } if text.starts_with("On duly justified imperative grounds"))
    );
    assert!(eu.warnings.iter().any(|w| w.contains("explanation")));

    let uk = read(AKN_UK);
    assert!(uk.title.starts_with("An Act to make provision"));
    let s1 = uk.article("1").unwrap();
    // The cross-heading above section 1 is kept as a heading inside it.
    assert_eq!(
        s1.blocks[0],
        ImportedBlock::Heading("Retention of relevant communications data".into())
    );
    assert!(matches!(&s1.blocks[1], ImportedBlock::Paragraph { label: Some(l), .. } if l == "1"));
    assert!(
        s1.blocks
            .iter()
            .any(|b| matches!(b, ImportedBlock::Point { label, .. } if label == "(ii)"))
    );
}

#[test]
fn akoma_ntoso_amendments_are_refused() {
    for path in [AKN_AMENDMENT, AKN_AMENDMENT_LIST] {
        let e = read_path(path).unwrap_err().to_string();
        assert!(
            e.contains("this is an amendment document, not a text; import the bill it amends"),
            "{e}"
        );
    }
}

#[test]
fn akoma_ntoso_write_then_read_gives_the_same_structure() {
    for path in [AKN4EU, AKN_EU, AKN_UK, AKN_UN, AKN_BILL_V1, AKN_BILL_V2] {
        let doc = read(path);
        let tmp = tempfile::tempdir().unwrap();
        write_draft(&doc, tmp.path()).unwrap_or_else(|e| panic!("{path}: {e}"));
        let back = read_path(tmp.path()).unwrap();
        same_structure(&doc, &back, path);
    }
}

fn akn_error(xml: &str) -> String {
    from_akn(xml).unwrap_err().to_string()
}

#[test]
fn hostile_xml_is_refused_with_its_place() {
    let laughs = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n <!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n]>\n<akomaNtoso>&lol2;</akomaNtoso>";
    let e = akn_error(laughs);
    assert!(
        e.contains("line 2, column 1") && e.contains("DOCTYPE"),
        "{e}"
    );
    let e = akn_error("<akomaNtoso><bill>\n  <body>&lol;</body></bill></akomaNtoso>");
    assert!(
        e.contains("line 2, column 9") && e.contains("`&lol;` is not defined"),
        "{e}"
    );
    let e = akn_error("<akomaNtoso>\n<bill>\n<body><article><num>Article 1</num>");
    assert!(
        e.contains("line 3, column 7") && e.contains("cut short"),
        "{e}"
    );
    let e = akn_error("<akomaNtoso><bill></body></akomaNtoso>");
    assert!(e.contains("line 1, column "), "{e}");
    let deep = format!(
        "<akomaNtoso>{}{}</akomaNtoso>",
        "<p>".repeat(100_000),
        "</p>".repeat(100_000)
    );
    assert!(akn_error(&deep).contains("nested deeper"), "deep nesting");
    assert!(akn_error("<html><body/></html>").contains("not an Akoma Ntoso document"));
    assert!(
        akn_error("<akomaNtoso><bill><body><p> </p></body></bill></akomaNtoso>")
            .contains("no article headings")
    );
    // Predefined entities and character references are read.
    let doc = from_akn(
        "<akomaNtoso><bill><preface><longTitle>A &amp; B&#x2019;s</longTitle></preface><body><article><num>Article 1</num><paragraph><num>1.</num><content><p>x &lt; y</p></content></paragraph></article></body></bill></akomaNtoso>",
    )
    .unwrap();
    assert_eq!(doc.title, "A & B\u{2019}s");
    assert_eq!(
        doc.article("1").unwrap().blocks,
        [ImportedBlock::Paragraph {
            label: Some("1".into()),
            text: "x < y".into()
        }]
    );
}

#[test]
fn format_is_sniffed_and_can_be_forced() {
    let tmp = tempfile::tempdir().unwrap();
    let odd = tmp.path().join("resolution.dat");
    std::fs::copy(AKN_UN, &odd).unwrap();
    assert_eq!(read_path(&odd).unwrap().stats().articles, 1);
    let docx = tmp.path().join("treaty.bin");
    std::fs::copy(fixture!("libreoffice-treaty.docx"), &docx).unwrap();
    assert_eq!(read_path(&docx).unwrap().stats().articles, 2);
    // Forced: an Akoma Ntoso file read as plain text has no article headings.
    assert!(matches!(
        read_path_as(&odd, Some(ImportFormat::Plain)),
        Err(ImportError::InFile { .. })
    ));
    assert_eq!("docx".parse::<ImportFormat>(), Ok(ImportFormat::Docx));
    assert_eq!("pdf".parse::<ImportFormat>(), Ok(ImportFormat::Pdf));
    assert!("rtf".parse::<ImportFormat>().is_err());
}

#[test]
fn docx_written_in_libreoffice() {
    let doc = read(fixture!("libreoffice-treaty.docx"));
    assert_eq!(doc.title, "Convention on Shared Rivers");
    assert_eq!(doc.preamble.len(), 3);
    let a1 = doc.article("1").unwrap();
    assert_eq!(a1.title.as_deref(), Some("Use of terms"));
    // A lettered list (`a.` in LibreOffice) becomes points (a), (b).
    let points: Vec<_> = a1
        .blocks
        .iter()
        .filter_map(|b| match b {
            ImportedBlock::Point { label, .. } => Some(label.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(points, ["(a)", "(b)"]);
    let a2 = doc.article("2").unwrap();
    assert_eq!(
        a2.blocks[1],
        ImportedBlock::Paragraph {
            label: Some("2".into()),
            text: "Parties [shall][should] cooperate in the protection of the watercourse.".into()
        }
    );
    assert_eq!(doc.annexes[0].label, "I");
    assert_eq!(doc.annexes[0].title.as_deref(), Some("Arbitration"));
}

#[test]
fn docx_tracked_changes_are_accepted() {
    let doc = read(fixture!("tracked-changes.docx"));
    let a1 = doc.article("1").unwrap();
    assert_eq!(
        a1.blocks,
        [
            ImportedBlock::Paragraph {
                label: Some("1".into()),
                text: "This Agreement applies to every Party.".into()
            },
            ImportedBlock::Paragraph {
                label: Some("2".into()),
                text: "The Parties shall promptly report.".into()
            },
        ]
    );
    // A line break inside a paragraph is a second line of the same block.
    assert_eq!(
        doc.article("2").unwrap().blocks,
        [ImportedBlock::Paragraph {
            label: None,
            text: "This Agreement enters into force on signature.\nIt is open to all States."
                .into()
        }]
    );
}

#[test]
fn docx_hostile_text_is_made_harmless() {
    let doc = read(fixture!("hostile.docx"));
    let all = format!("{doc:?}");
    assert!(!all.contains('\u{1b}') && !all.contains('\u{7}'), "{all}");
    let a1 = doc.article("1").unwrap();
    assert_eq!(a1.title.as_deref(), Some("Bells and escapes"));
    // Heading marks, id marks and include-like text stay text.
    assert_eq!(
        a1.blocks[1],
        ImportedBlock::Paragraph {
            label: None,
            text: "# not a heading {#not-an-id} - [not an include](x.md)".into()
        }
    );
    let tmp = tempfile::tempdir().unwrap();
    write_draft(&doc, tmp.path()).unwrap();
    same_structure(&doc, &read_path(tmp.path()).unwrap(), "hostile.docx");
}

fn zip_of(parts: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, data) in parts {
        w.start_file(*name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

#[test]
fn malformed_docx_gives_located_errors() {
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (b"PK\x03\x04 not really a zip".to_vec(), "not a zip archive"),
        (
            zip_of(&[("word/other.xml", b"<x/>")]),
            "no word/document.xml",
        ),
        (
            zip_of(&[(
                "word/document.xml",
                b"<w:document xmlns:w=\"w\"><w:body>\n<w:p><w:r><w:t>cut",
            )]),
            "word/document.xml line 2, column 1",
        ),
        (
            zip_of(&[(
                "word/document.xml",
                b"<?xml version=\"1.0\"?>\n<!DOCTYPE d [<!ENTITY a \"aaaa\">]>\n<w:document/>",
            )]),
            "word/document.xml line 2, column 1: a DOCTYPE declaration is not accepted",
        ),
        (
            zip_of(&[(
                "word/document.xml",
                b"<w:document><w:body></w:body></w:document>",
            )]),
            "its body holds no text",
        ),
        (zip_of(&[("word/document.xml", b"\xff\xfe<")]), "not UTF-8"),
    ];
    let tmp = tempfile::tempdir().unwrap();
    for (i, (bytes, expect)) in cases.into_iter().enumerate() {
        let path = tmp.path().join(format!("bad-{i}.docx"));
        std::fs::write(&path, &bytes).unwrap();
        let e = read_path(&path).unwrap_err().to_string();
        assert!(e.starts_with(&path.display().to_string()), "{e}");
        assert!(e.contains(expect), "case {i}: {e}");
    }
}

/// The shape `treaty export --format akn` writes: `<num>PP1.</num>` recitals, a
/// `subheading` hcontainer inside an article, a paragraph with an `intro` and points, an
/// annex attachment with `docNumber`/`docTitle`, and compare marks (`<del>` dropped).
#[test]
fn akoma_ntoso_in_the_export_shape() {
    let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0">
  <act>
    <preface><p class="title"><docTitle>Framework Convention</docTitle></p></preface>
    <preamble>
      <recital eId="rec_pp1"><num>PP1.</num><p>Recognizing the risks,</p></recital>
      <recital eId="rec_pp-2"><p>Have agreed as follows:</p></recital>
    </preamble>
    <body>
      <part eId="part_part-i"><num>Part I</num><heading>General</heading>
        <article eId="art_art-1"><num>Article 1</num><heading>Scope</heading>
          <hcontainer eId="hcontainer_art-1.h1" name="subheading"><heading>Definitions</heading></hcontainer>
          <paragraph eId="para_art-1.1"><num>1.</num><intro><p>Parties <del>may</del><ins>shall</ins>:</p></intro>
            <point eId="point_art-1.1.a"><num>(a)</num><content><p>act;</p></content></point>
          </paragraph>
          <paragraph eId="para_art-1.2"><num>2.</num><content><p>Option 1: [x]</p><p>Option 2: no text</p></content></paragraph>
        </article>
        <article eId="art_art-7-bis"><num>Article 7 bis</num><content><p>Text.</p></content></article>
      </part>
    </body>
    <attachments>
      <attachment eId="annex_annex-b">
        <doc name="annex">
          <preface><p class="title"><docNumber>Annex B</docNumber>. <docTitle>Biometrics</docTitle></p></preface>
          <mainBody><paragraph eId="para_annex-b.1"><num>1.</num><content><p>Rules.</p></content></paragraph></mainBody>
        </doc>
      </attachment>
    </attachments>
  </act>
</akomaNtoso>"#;
    let doc = from_akn(xml).unwrap();
    assert_eq!(doc.title, "Framework Convention");
    assert_eq!(
        doc.preamble,
        [
            PreambleParagraph {
                label: Some("PP1".into()),
                text: "Recognizing the risks,".into()
            },
            PreambleParagraph {
                label: None,
                text: "Have agreed as follows:".into()
            }
        ]
    );
    assert_eq!(
        doc.body[0],
        BodyItem::Division {
            kind: "Part".into(),
            label: "I".into(),
            title: Some("General".into())
        }
    );
    let a1 = doc.article("1").unwrap();
    assert_eq!(
        a1.blocks,
        [
            ImportedBlock::Heading("Definitions".into()),
            ImportedBlock::Paragraph {
                label: Some("1".into()),
                text: "Parties shall:".into()
            },
            ImportedBlock::Point {
                label: "(a)".into(),
                text: "act;".into()
            },
            ImportedBlock::Paragraph {
                label: Some("2".into()),
                text: "Option 1: [x]\nOption 2: no text".into()
            },
        ]
    );
    assert!(doc.article("7 bis").is_some());
    assert_eq!(doc.annexes[0].label, "B");
    assert_eq!(doc.annexes[0].title.as_deref(), Some("Biometrics"));
    let tmp = tempfile::tempdir().unwrap();
    write_draft(&doc, tmp.path()).unwrap();
    same_structure(&doc, &read_path(tmp.path()).unwrap(), "export shape");
}

#[test]
fn docx_italics_become_markdown_emphasis() {
    let body = br#"<w:document xmlns:w="w"><w:body>
<w:p><w:pPr><w:pStyle w:val="Title"/></w:pPr><w:r><w:t>Accord</w:t></w:r></w:p>
<w:p><w:r><w:rPr><w:i/></w:rPr><w:t xml:space="preserve">Recognizing </w:t></w:r><w:r><w:t>the need,</w:t></w:r></w:p>
<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>Article 1</w:t></w:r></w:p>
<w:p><w:r><w:t xml:space="preserve">1.	Parties </w:t></w:r><w:r><w:rPr><w:i w:val="0"/></w:rPr><w:t>shall</w:t></w:r><w:r><w:t xml:space="preserve"> act.</w:t></w:r></w:p>
</w:body></w:document>"#;
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("italics.docx");
    std::fs::write(&path, zip_of(&[("word/document.xml", body)])).unwrap();
    let doc = read(path.to_str().unwrap());
    assert_eq!(doc.preamble[0].text, "*Recognizing* the need,");
    assert_eq!(
        doc.article("1").unwrap().blocks,
        [ImportedBlock::Paragraph {
            label: Some("1".into()),
            text: "Parties shall act.".into()
        }]
    );
}

mod prop_interchange {
    use super::*;
    use proptest::prelude::*;

    fn akn_piece() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("<article>".to_string()),
            Just("</article>".to_string()),
            Just("<num>Article 1</num>".to_string()),
            Just("<num>(a)</num>".to_string()),
            Just("<num>2.</num>".to_string()),
            Just("<paragraph>".to_string()),
            Just("</paragraph>".to_string()),
            Just("<point><content><p>x</p></content></point>".to_string()),
            Just("<chapter><num>CHAPTER II</num><heading>H</heading>".to_string()),
            Just("</chapter>".to_string()),
            Just("<hcontainer><heading>h</heading></hcontainer>".to_string()),
            Just("&amp;".to_string()),
            Just("&bad;".to_string()),
            Just("<![CDATA[c]]>".to_string()),
            "[a-z <>/&;#\\[\\]]{0,10}",
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Any body, well formed or not, gives a document or an error; never a panic, and
        /// every document read is written and read back alike.
        #[test]
        fn akoma_ntoso_never_panics(pieces in proptest::collection::vec(akn_piece(), 0..40)) {
            let xml = format!(
                "<akomaNtoso><bill><preface><longTitle>T</longTitle></preface><body>{}</body></bill></akomaNtoso>",
                pieces.concat()
            );
            if let Ok(doc) = from_akn(&xml) {
                let _ = write::render(&doc);
            }
        }

        #[test]
        fn docx_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = from_docx(&bytes);
            let _ = from_docx(&zip_of(&[("word/document.xml", &bytes)]));
        }
    }
}

#[test]
fn footnotes_and_link_references_are_notes_not_clauses() {
    let md = "# A Treaty\n\n### Article 1 - Scope\n\n1. It applies.[^1]\n\n[^1]: A footnote {#old.p1}\n\n[src]: https://example.org\n\n2. Also this.\n";
    let doc = from_markdown(md).unwrap();
    let blocks = &doc.article("1").unwrap().blocks;
    let notes: Vec<(&str, &str)> = blocks
        .iter()
        .filter_map(|b| match b {
            ImportedBlock::Note { label, text } => Some((label.as_str(), text.as_str())),
            _ => None,
        })
        .collect();
    assert_eq!(
        notes,
        [("^1", "A footnote"), ("src", "https://example.org")]
    );
    assert_eq!(doc.stats().paragraphs, 2);

    // Written back as definitions (no clause id), and read back the same.
    let files = write::render(&doc).unwrap();
    let article = &files
        .iter()
        .find(|(p, _)| p.ends_with("art-1.md"))
        .unwrap()
        .1;
    assert!(article.contains("\n[^1]: A footnote\n"), "{article}");
    assert!(
        article.contains("\n[src]: https://example.org\n"),
        "{article}"
    );
    let front = &files
        .iter()
        .find(|(p, _)| p.ends_with("treaty.md"))
        .unwrap()
        .1;
    let others: Vec<(String, &str)> = files
        .iter()
        .filter(|(p, _)| !p.ends_with("treaty.md"))
        .map(|(p, t)| (p.to_string_lossy().replace('\\', "/"), t.as_str()))
        .collect();
    let others: Vec<(&str, &str)> = others.iter().map(|(p, t)| (p.as_str(), *t)).collect();
    let draft = crate::draft::Draft::from_texts(front, &others);
    assert!(draft.diagnostics.is_empty(), "{:?}", draft.diagnostics);
    assert_eq!(
        draft
            .draft
            .clauses
            .iter()
            .filter(|c| c.text.contains("footnote"))
            .count(),
        0
    );
}

#[test]
fn body_text_that_looks_like_a_definition_stays_a_clause() {
    let mut doc = from_markdown("# T\n\n### Article 1 - Scope\n\n1. It applies.\n").unwrap();
    let Some(BodyItem::Article(a)) = doc.body.first_mut() else {
        panic!("an article");
    };
    a.blocks.push(ImportedBlock::Paragraph {
        label: None,
        text: "[The Parties]: shall cooperate".into(),
    });
    let files = write::render(&doc).unwrap();
    let article = &files
        .iter()
        .find(|(p, _)| p.ends_with("art-1.md"))
        .unwrap()
        .1;
    assert!(
        article.contains("\\[The Parties]: shall cooperate"),
        "{article}"
    );
    let again = from_markdown(&article.replace("### Article 1.", "# T\n\n### Article 1.")).unwrap();
    assert_eq!(again.stats().paragraphs, 2);
}

#[test]
fn ids_the_source_gave_are_kept_once_and_others_derived() {
    let md = "# A Treaty {#treaty}\n\n## Preamble {#preamble}\n\nPP1. Recalling. {#pp-recall}\n\n## Part I {#part-one}\n\n### Article 1. Scope {#scope}\n\n1. It applies. {#scope.1}\n\n(a) here; {#scope.1.a}\n\n2. Again. {#scope.1}\n\n#### A sub-heading {#scope.h}\n\n### Article 2. Other\n\n1. Text.\n\n## Annexes {#annexes}\n\n### Annex I. List {#list}\n\n1. Entry. {#list.1}\n";
    let doc = from_markdown(md).unwrap();
    let files = write::render(&doc).unwrap();
    let all: String = files.iter().map(|(_, t)| t.as_str()).collect();
    for kept in [
        "# A Treaty {#treaty}",
        "## Preamble {#preamble}",
        "PP1. Recalling. {#pp-recall}",
        "Part I {#part-one}",
        "### Article 1. Scope {#scope}",
        "1. It applies. {#scope.1}",
        "(a) here; {#scope.1.a}",
        "#### A sub-heading {#scope.h}",
        "## Annexes {#annexes}",
        "### Annex I. List {#list}",
        "1. Entry. {#list.1}",
    ] {
        assert!(all.contains(kept), "{kept} in {all}");
    }
    // A duplicate id goes to its first clause; a clause without one gets a derived id.
    assert!(all.contains("2. Again. {#scope.2}"), "{all}");
    assert!(all.contains("### Article 2. Other {#art-2}"), "{all}");
    assert!(files.iter().any(|(p, _)| p.ends_with("articles/scope.md")));
}

#[test]
fn only_our_own_akn_export_gives_clause_ids_from_eids() {
    // Other publishers' eIds (`art_1__para_2`) are structure, not our clause ids.
    for path in [AKN4EU, AKN_EU, AKN_UK, AKN_UN, AKN_BILL_V1] {
        assert!(read(path).ids.is_empty(), "{path}");
    }
    assert_eq!(
        akn::id_of_eid("para_observatory.2").as_deref(),
        Some("observatory.2")
    );
    assert_eq!(akn::id_of_eid("para_n12"), None, "a clause that had no id");
    assert_eq!(akn::id_of_eid("art"), None);
}
