use super::*;

const FRONT: &str = "# Convention on Testing {#treaty}\n\n## Preamble {#preamble}\n\nThe Parties, {#pp-chapeau}\n\nPP1. *Recognizing* that tests matter, {#pp1}\n\n## Part I. General provisions {#part-1}\n\n- [Article 1. Objective](articles/objective.md)\n- [Article 2](articles/observatory.md)\n\n## Annexes {#annexes}\n\n- [Annex A](annexes/annex-bio.md)\n";
const OBJECTIVE: &str =
    "### Article 1. Objective {#objective}\n\nThe objective is [clarity]. {#objective.p1}\n";
const OBSERVATORY: &str = "### Article 9 bis - Global AI Observatory {#observatory}\n\n1. It is established. {#observatory.1}\n\n2. It shall: {#observatory.2}\n\n(a) monitor; {#observatory.2.a}\n\n(b) review: {#observatory.2.b}\n\n(i) yearly; {#observatory.2.b.i}\n\n(ii) openly. {#observatory.2.b.ii}\n\n(c) report. {#observatory.2.c}\n\n3. {#observatory.3}\nOption 1: It [shall][may] publish.\nOption 2: No text.\n";
const ANNEX: &str = "## Annex A. Biometric surveillance {#annex-bio}\n\n### General {#annex-bio.h1}\n\n1. Scope. {#annex-bio.1}\n";

fn sample() -> Loaded {
    Draft::from_texts(
        FRONT,
        &[
            ("articles/objective.md", OBJECTIVE),
            ("articles/observatory.md", OBSERVATORY),
            ("annexes/annex-bio.md", ANNEX),
        ],
    )
}

/// The bundled sample negotiation's `drafts/` folder.
fn bundled_drafts() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../drafts")
}

/// This module's small draft under `front`, with `more` files beside its three.
fn small_source<'a>(front: &'a str, more: &[(&'a str, &'a str)]) -> source::MapSource<'a> {
    let files = [
        ("articles/objective.md", OBJECTIVE),
        ("articles/observatory.md", OBSERVATORY),
        ("annexes/annex-bio.md", ANNEX),
    ];
    source::MapSource {
        front,
        files: files.iter().chain(more).copied().collect(),
    }
}

fn outline(d: &Draft) -> Vec<String> {
    d.clauses
        .iter()
        .map(|c| {
            format!(
                "{}{} {} {}",
                "  ".repeat(c.depth as usize),
                c.kind.as_str(),
                c.id.as_deref().unwrap_or("-"),
                c.label.as_deref().unwrap_or("")
            )
            .trim_end()
            .to_string()
        })
        .collect()
}

#[test]
fn builds_the_clause_tree() {
    let loaded = sample();
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    assert_eq!(
        outline(&loaded.draft),
        vec![
            "title treaty",
            "preamble preamble",
            "  preamble paragraph pp-chapeau",
            "  preamble paragraph pp1 PP1",
            "division part-1 Part I",
            "  article objective Article 1",
            "    paragraph objective.p1",
            "  article observatory Article 9 bis",
            "    paragraph observatory.1 1",
            "    paragraph observatory.2 2",
            "      point observatory.2.a (a)",
            "      point observatory.2.b (b)",
            "        point observatory.2.b.i (i)",
            "        point observatory.2.b.ii (ii)",
            "      point observatory.2.c (c)",
            "    paragraph observatory.3 3",
            "division annexes",
            "  annex annex-bio Annex A",
            "    heading annex-bio.h1",
            "      paragraph annex-bio.1 1",
        ]
    );
}

#[test]
fn clause_text_titles_and_references() {
    let d = sample().draft;
    let obs = d.clause("observatory").unwrap();
    assert_eq!(obs.title.as_deref(), Some("Global AI Observatory"));
    assert_eq!(
        d.clause("objective.p1").unwrap().text,
        "The objective is [clarity]."
    );
    assert_eq!(
        d.clause("observatory.3").unwrap().text,
        "Option 1: It [shall][may] publish.\nOption 2: No text."
    );
    let i = d.index_of("observatory.2.b.i").unwrap();
    assert_eq!(
        d.reference(i),
        "Article 9 bis, paragraph 2, point (b), point (i)"
    );
    assert_eq!(d.article_of(i), d.index_of("observatory"));
    let kids: Vec<_> = d.children(d.index_of("observatory.2").unwrap()).collect();
    assert_eq!(kids.len(), 3);
    assert_eq!(d.subtree(d.index_of("observatory").unwrap()).len(), 9);
}

#[test]
fn text_positions_point_into_the_file() {
    let d = sample().draft;
    let i = d.index_of("observatory.3").unwrap();
    let text = &d.clauses[i].text;
    let at = text.find("[may]").unwrap();
    // Line 18 of the article file is `Option 1: It [shall][may] publish.`, col 21.
    assert_eq!(
        d.text_position(i, at),
        ("drafts/articles/observatory.md".into(), 18, 21)
    );
}

#[test]
fn printing_is_byte_identical() {
    let d = sample().draft;
    let texts: Vec<String> = d.files.iter().map(DraftFile::text).collect();
    assert_eq!(texts, vec![FRONT, OBJECTIVE, OBSERVATORY, ANNEX]);
}

#[test]
fn duplicate_malformed_and_missing_are_located() {
    let front = FRONT.replace("annexes/annex-bio.md", "annexes/missing.md");
    let obs = OBSERVATORY
        .replace("{#observatory.2.c}", "{#observatory.2.a}")
        .replace("{#observatory.1}", "{#bad id}");
    let loaded = Draft::from_texts(
        &front,
        &[
            ("articles/objective.md", OBJECTIVE),
            ("articles/observatory.md", &obs),
        ],
    );
    let msgs: Vec<String> = loaded
        .diagnostics
        .iter()
        .map(|d| d.to_string().lines().next().unwrap().to_string())
        .collect();
    assert_eq!(
        msgs,
        vec![
            "drafts/treaty.md:16:4: error: annexes/missing.md: file not found",
            "drafts/articles/observatory.md:15:13: error: duplicate clause id `observatory.2.a` (first used at drafts/articles/observatory.md:7)",
            "drafts/articles/observatory.md:3:23: error: malformed clause id `{#bad id}`",
        ]
    );
}

#[test]
fn include_paths_may_not_leave_drafts() {
    let front = "# T {#t}\n\n- [x](../secret.md)\n";
    let loaded = Draft::from_texts(front, &[]);
    assert_eq!(
        loaded.diagnostics[0].to_string().lines().next().unwrap(),
        "drafts/treaty.md:3:4: error: ../secret.md: path leaves the drafts folder"
    );
}

#[test]
fn fmt_assigns_missing_ids_and_nothing_else() {
    let obs = "### Article 3. Global AI Observatory\n\n1. It is established.\n\n2. It shall: {#keep-me}\n\n(a) monitor;\n\nUnnumbered.\n";
    let front = "# T\n\n## Preamble\n\nPP1. *Noting* x,\n\n- [A](articles/obs.md)\n";
    let mut d = Draft::from_texts(front, &[("articles/obs.md", obs)]).draft;
    d.retired.insert("global-ai-observatory".into());
    let assigned = ids::assign_missing(&mut d);
    let got: Vec<&str> = assigned.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(
        got,
        vec![
            "treaty",
            "preamble",
            "pp1",
            "global-ai-observatory-2",
            "global-ai-observatory-2.1",
            "keep-me.a",
            "global-ai-observatory-2.p1"
        ]
    );
    assert_eq!(
        d.files[1].text(),
        "### Article 3. Global AI Observatory {#global-ai-observatory-2}\n\n1. It is established. {#global-ai-observatory-2.1}\n\n2. It shall: {#keep-me}\n\n(a) monitor; {#keep-me.a}\n\nUnnumbered. {#global-ai-observatory-2.p1}\n"
    );
    // A second pass finds nothing to do.
    assert!(ids::assign_missing(&mut d).is_empty());
}

#[test]
fn crlf_and_bom_survive() {
    let front = "\u{feff}# T {#t}\r\n\r\n- [A](a.md)\r\n";
    let art = "### Article 1 {#a}\r\n\r\n1. Text [x]. {#a.1}\r\n";
    let d = Draft::from_texts(front, &[("a.md", art)]).draft;
    assert_eq!(d.files[0].text(), front);
    assert_eq!(d.clause("a.1").unwrap().text, "Text [x].");
    assert_eq!(d.clause("t").unwrap().kind, ClauseKind::Title);
}

/// Every included file read alone gives the clauses it gives in the whole draft, save the
/// divisions above them: the bundled sample negotiation and this module's small draft.
#[test]
fn a_file_read_alone_reads_as_in_the_whole_draft() {
    let drafts = [
        (
            "the bundled sample",
            Box::new(DirSource::new(&bundled_drafts())) as Box<dyn Source>,
        ),
        ("the small draft", Box::new(small_source(FRONT, &[]))),
    ];
    for (name, source) in &drafts {
        let whole = Draft::load_from(source.as_ref()).unwrap().draft;
        assert!(whole.files.len() > 2, "{name}: {} files", whole.files.len());
        for (fi, file) in whole.files.iter().enumerate().skip(1) {
            let alone = Draft::load_file_alone(source.as_ref(), &file.path).unwrap();
            let read = |d: &Draft, f: usize| -> Vec<String> {
                d.clauses
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| c.file == f)
                    .map(|(i, c)| {
                        format!(
                            "{:?} {:?} {:?} {:?} {:?} {} {} {} {} | {}",
                            c.id,
                            c.kind,
                            c.label,
                            c.title,
                            c.text,
                            c.block,
                            c.continuation,
                            c.line,
                            c.lead,
                            d.reference(i)
                        )
                    })
                    .collect()
            };
            let ours = read(&alone, 1);
            assert!(!ours.is_empty(), "{name}: {} has no clause", file.path);
            assert_eq!(ours, read(&whole, fi), "{name}: {}", file.path);
            assert_eq!(alone.files.len(), 2, "{name}: {}", file.path);
            assert_eq!(alone.files[1].text(), file.text(), "{name}: {}", file.path);
        }
    }
}

/// A draft's clauses built file by file, each file's blocks let go once built, are those
/// of the whole draft: ids, kinds, labels, titles, texts, places, references, the id index
/// and unreadable files, but no retired ids; with `wanted`, those of `load_part`. On the bundled
/// sample, on this module's small draft, and on one that includes a file twice, names a
/// missing file twice, and has text between its include lines.
#[test]
fn clauses_built_file_by_file_are_those_of_the_whole_draft() {
    let retired = [("retired-ids", "old.1\n# a comment\nold.2\n")];
    let odd_front = format!(
        "{FRONT}\n- [Article 1 again](articles/objective.md)\n- [Missing](articles/missing.md)\n\
         \nText after the annexes. {{#after}}\n\n- [Missing again](articles/missing.md)\n"
    );
    let drafts = [
        (
            "the bundled sample",
            Box::new(DirSource::new(&bundled_drafts())) as Box<dyn Source>,
        ),
        ("the small draft", Box::new(small_source(FRONT, &retired))),
        ("an odd draft", Box::new(small_source(&odd_front, &retired))),
    ];
    let read = |d: &Draft| -> Vec<String> {
        let mut lines: Vec<String> = d
            .clauses
            .iter()
            .enumerate()
            .map(|(i, c)| {
                format!(
                    "{:?} {:?} {:?} {:?} {:?} {:?} {} {} {} {} {} {} | {} | {:?}",
                    c.id,
                    c.kind,
                    c.label,
                    c.title,
                    c.text,
                    c.parent,
                    c.depth,
                    d.files[c.file].path,
                    c.block,
                    c.continuation,
                    c.line,
                    c.lead,
                    d.reference(i),
                    c.id.as_deref().and_then(|id| d.index_of(id)),
                )
            })
            .collect();
        lines.push(format!("{:?}", d.unreadable));
        lines.push(format!(
            "{:?}",
            d.files.iter().map(|f| &f.path).collect::<Vec<_>>()
        ));
        lines
    };
    let only_articles = |path: &str| path.starts_with("articles/");
    for (name, source) in &drafts {
        let whole = Draft::load_from(source.as_ref()).unwrap().draft;
        let clauses = Draft::load_clauses(source.as_ref(), None).unwrap();
        assert!(whole.clauses.len() > 5, "{name}");
        assert_eq!(read(&clauses), read(&whole), "{name}");
        assert!(
            clauses.files[1..].iter().all(|f| f.blocks.is_empty()),
            "{name}"
        );
        // Retired ids are not read: a comparison never looks at them.
        assert!(clauses.retired.is_empty(), "{name}");
        let part = Draft::load_part(source.as_ref(), &only_articles).unwrap();
        let clauses = Draft::load_clauses(source.as_ref(), Some(&only_articles)).unwrap();
        assert_eq!(read(&clauses), read(&part), "{name}, articles only");
    }
    // The odd draft holds what it was built to: the file included twice built twice, the
    // text after the annexes read, retired ids (which its clauses leave out).
    let odd = Draft::load_clauses(drafts[2].1.as_ref(), None).unwrap();
    let objectives = odd
        .clauses
        .iter()
        .filter(|c| c.id.as_deref() == Some("objective"));
    assert_eq!(objectives.count(), 2);
    assert!(odd.clause("after").is_some());
    let whole = Draft::load_from(drafts[2].1.as_ref()).unwrap().draft;
    assert_eq!(whole.retired.len(), 2);
}

/// References are written into one string; they read as the parts joined, as they were
/// built before, for every clause of the bundled sample and of the small draft.
#[test]
fn references_read_as_their_parts_joined() {
    let drafts = [
        Draft::load(&bundled_drafts()).unwrap().draft,
        sample().draft,
    ];
    for d in &drafts {
        for i in 0..d.clauses.len() {
            let mut parts: Vec<String> = Vec::new();
            for j in d.ancestors(i).into_iter().chain(std::iter::once(i)) {
                let c = &d.clauses[j];
                match c.kind {
                    ClauseKind::Article
                    | ClauseKind::Annex
                    | ClauseKind::Paragraph
                    | ClauseKind::Point => parts.push(c.name()),
                    ClauseKind::PreambleParagraph => {
                        parts.push(c.label.clone().unwrap_or_else(|| c.name()))
                    }
                    _ if j == i => parts.push(c.name()),
                    _ => {}
                }
            }
            assert_eq!(d.reference(i), parts.join(", "), "clause {i}");
        }
    }
}

/// A file whose name holds `](`, as an include line allows, is still the one read alone.
#[test]
fn a_file_read_alone_may_have_an_odd_name() {
    let odd = "articles/a](b.md";
    let source = source::MapSource {
        front: "# T {#treaty}\n\n- [Article 1](articles/a](b.md)\n",
        files: [(odd, OBJECTIVE)].into_iter().collect(),
    };
    let whole = Draft::load_from(&source).unwrap().draft;
    assert_eq!(whole.files[1].path, odd);
    let alone = Draft::load_file_alone(&source, odd).unwrap();
    assert_eq!(alone.files[1].path, odd);
    assert!(alone.clause("objective.p1").is_some());
}
