//! Import tests against the real corpus in `../shared/corpus`.

use super::*;

macro_rules! corpus {
    ($rel:literal) => {
        concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus/", $rel)
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
        matches!(&a310.blocks[0], Block::Paragraph { label: None, text } if text.starts_with("Article\u{a0}309 does not preclude")),
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
        matches!(&a15.blocks[0], Block::Paragraph { label: None, text } if text.starts_with("Where the coasts"))
    );
    // Paragraphs on consecutive lines, with points `(1)`.
    let a1 = doc.article("1").unwrap();
    assert_eq!(
        a1.blocks[0],
        Block::Paragraph {
            label: Some("1".into()),
            text: "For the purposes of this Convention:".into()
        }
    );
    assert!(matches!(&a1.blocks[1], Block::Point { label, .. } if label == "(1)"));
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
        matches!(&vclt.article("2").unwrap().blocks[0], Block::Paragraph { label: Some(l), .. } if l == "1")
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
        .filter(|b| matches!(b, Block::Point { .. }))
        .count();
    assert!(points >= 10, "{points}");
    assert_eq!(
        doc.article("1").unwrap().title.as_deref(),
        Some("Subject matter`")
    );
    assert_eq!(doc.stats().divisions, 13 + 16);
    assert_eq!(
        doc.body[0],
        Item::Division {
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
    let mut blocks: Vec<Block> = awkward
        .iter()
        .map(|t| Block::Paragraph {
            label: None,
            text: t.to_string(),
        })
        .collect();
    blocks.push(Block::Paragraph {
        label: Some("2 bis".into()),
        text: "# labelled {#x}".into(),
    });
    blocks.push(Block::Paragraph {
        label: Some("3".into()),
        text: String::new(),
    });
    blocks.push(Block::Point {
        label: "(a)".into(),
        text: "Option 1: a\nOption 2: No text.".into(),
    });
    blocks.push(Block::Heading("Article 7".into()));
    blocks.push(Block::Heading("Part II".into()));
    blocks.push(Block::Heading("Preamble".into()));
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
            Item::Division {
                kind: "Part".into(),
                label: "I".into(),
                title: Some("General [provisions]".into()),
            },
            Item::Article(ImportedArticle {
                number: "4 bis".into(),
                title: Some("Brackets [x] and \\ backslash".into()),
                blocks: blocks.clone(),
            }),
            Item::Article(ImportedArticle {
                number: "4 bis".into(),
                title: None,
                blocks: vec![],
            }),
        ],
        annexes: vec![ImportedAnnex {
            label: "A".into(),
            title: None,
            blocks: vec![
                Block::Heading("Section A. Inside the annex".into()),
                Block::Heading("Annex B".into()),
            ],
        }],
        warnings: vec![],
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
        body: vec![Item::Article(ImportedArticle {
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
        Item::Division {
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
        body: vec![Item::Article(ImportedArticle {
            number: "1".into(),
            title: None,
            blocks: vec![Block::Paragraph {
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
