//! Negotiating texts as secretariats publish them (PDF, Word), through the command line:
//! `treaty import`, `treaty show --source`, and the refusals that write nothing.

use crate::support::{corpus, repo_root, snapshot, stderr, stdout, treaty};

const GENEVA: &str = "negotiating/unfccc-adp-negotiating-text-2015-02-12.pdf";

#[test]
fn geneva_pdf_imports_checks_and_cites_its_pages() {
    let tmp = tempfile::tempdir().unwrap();
    let src = corpus(GENEVA);
    let o = treaty(
        tmp.path(),
        &["import", src.to_str().unwrap(), "--out", "geneva"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("12 articles, 4 annexes"),
        "{}",
        stdout(&o)
    );
    let c = treaty(tmp.path(), &["check", "geneva"]);
    assert_eq!(c.status.code(), Some(0), "{}{}", stdout(&c), stderr(&c));
    assert!(stderr(&c).contains(": 0 errors"), "{}", stderr(&c));

    let o = treaty(
        tmp.path(),
        &["show", "art-c.12-ter", "--source", "--repo", "geneva"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let shown = stdout(&o);
    assert!(
        shown.contains(
            "Source: ADP 2-8 - agenda item 3 (unfccc-adp-negotiating-text-2015-02-12.pdf)"
        ),
        "{shown}"
    );
    assert!(
        shown.contains("12 ter. [New institutional arrangements"),
        "{shown}"
    );
    assert!(shown.contains("(source: p. 8, para. 12 ter)"), "{shown}");
    // A whole section: every clause with its page.
    let o = treaty(
        tmp.path(),
        &["show", "art-g", "--source", "--repo", "geneva"],
    );
    assert!(
        stdout(&o).contains("(source: p. 49, para. 34)"),
        "{}",
        stdout(&o)
    );
    // Exports cite the document beside each clause.
    let o = treaty(
        tmp.path(),
        &["export", "--format", "html", "--repo", "geneva"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let html = stdout(&o);
    assert!(
        html.contains("Imported from ADP 2-8 - agenda item 3"),
        "no document line"
    );
    assert!(
        html.contains("<span class=\"source\">(p. 8, para. 12 ter)</span>"),
        "no citation"
    );
    // Without a sources file, --source says why there is nothing to show.
    let u = tmp.path().join("udhr");
    let udhr = corpus("treaties/udhr.txt");
    assert!(
        treaty(
            tmp.path(),
            &["import", udhr.to_str().unwrap(), "--out", "udhr"]
        )
        .status
        .success()
    );
    let o = treaty(
        tmp.path(),
        &["show", "art-1", "--source", "--repo", u.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("not imported from a published document"),
        "{}",
        stderr(&o)
    );
}

/// The Art. 6.2 draft decision with the Parties' inputs: sections from Word's numbering,
/// comments shown with the Parties they name.
#[test]
fn party_inputs_docx_shows_its_comments() {
    let tmp = tempfile::tempdir().unwrap();
    let src = corpus("negotiating/cop29-art6.2-dd-2024-11-19-party-inputs.docx");
    let o = treaty(
        tmp.path(),
        &["import", src.to_str().unwrap(), "--out", "art62"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("12 articles, 1 annex, "),
        "{}",
        stdout(&o)
    );
    let c = treaty(tmp.path(), &["check", "art62"]);
    assert_eq!(c.status.code(), Some(0), "{}{}", stdout(&c), stderr(&c));
    let o = treaty(
        tmp.path(),
        &["show", "art-i.1", "--source", "--repo", "art62"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let shown = stdout(&o);
    assert!(shown.contains("Source: SBSTA 61"), "{shown}");
    assert!(shown.contains("(source: para. 1 (b))"), "{shown}");
    assert!(
        shown.contains("comment 11 (AOSIS; noted by Barbara Ratusznik, 2024-11-18T20:51:00Z): AOSIS: Delete “the achievement of an NDC or”"),
        "{shown}"
    );
    assert!(shown.contains("reply to comment 15"), "{shown}");
}

const ART62_FIRST: &str = "negotiating/cop29-art6.2-dd-2024-11-14-first-iteration.docx";
const ART62_INPUTS: &str = "negotiating/cop29-art6.2-dd-2024-11-19-party-inputs.docx";

fn art62_args<'a>(first: &'a str, inputs: &'a str) -> Vec<&'a str> {
    vec![
        "import-history",
        "--label",
        "First iteration",
        first,
        "--date",
        "2024-11-14",
        "--label",
        "Party inputs",
        inputs,
        "--date",
        "2024-11-19",
    ]
}

/// The confidence column of the alignment table's row `old` → `new`, if there is one.
fn table_row(table: &str, old: &str, new: &str) -> Option<String> {
    table.lines().find_map(|l| {
        let cols: Vec<&str> = l.split("  ").filter(|c| !c.trim().is_empty()).collect();
        (cols.len() == 3 && cols[0].trim() == old && cols[1].trim() == new)
            .then(|| cols[2].trim().to_string())
    })
}

/// `--dry-run` prints which provision continues which, with a confidence, and records
/// nothing; `--align FILE` corrects it, and a name it cannot find is refused.
#[test]
fn art62_alignment_table_and_overrides() {
    let tmp = tempfile::tempdir().unwrap();
    let (first, inputs) = (corpus(ART62_FIRST), corpus(ART62_INPUTS));
    let (first, inputs) = (first.to_str().unwrap(), inputs.to_str().unwrap());
    let mut args = art62_args(first, inputs);
    args.extend(["--dir", "record", "--dry-run"]);
    let o = treaty(tmp.path(), &args);
    assert!(o.status.success(), "{}", stderr(&o));
    let table = stdout(&o);
    let row = |old: &str, new: &str| table_row(&table, old, new);
    // Old section XI is the new X (renumbered after X was merged into IX); old XIII is gone.
    let c = row("Article XI", "Article X").expect("XI → X in the table");
    assert!(c.parse::<f64>().is_ok_and(|c| c > 0.0 && c < 1.0), "{c}");
    assert_eq!(row("Article XIII", "—").as_deref(), Some("dropped"));
    // Paragraph 18 of the new text continues 44 of the first (see art6.2-alignment.ron).
    assert!(
        row("Article III, 44", "Article III, 18").is_some(),
        "{table}"
    );
    assert!(table.ends_with("nothing recorded (--dry-run)\n"), "{table}");
    assert!(!tmp.path().join("record").exists());

    // A person knows better: old X continues as X, old XI is not X.
    std::fs::write(
        tmp.path().join("align.ron"),
        r#"(version: 1, steps: [(to: "Party inputs",
            same: [("Article X", "Article X"), ("Article III, 44", "Article III, 17")],
            different: [("Article XI", "Article X")])])"#,
    )
    .unwrap();
    let mut args = art62_args(first, inputs);
    args.extend(["--dry-run", "--align", "align.ron"]);
    let o = treaty(tmp.path(), &args);
    assert!(o.status.success(), "{}", stderr(&o));
    let table = stdout(&o);
    let row = |old: &str, new: &str| table_row(&table, old, new).is_some();
    assert!(row("Article X", "Article X"), "{table}");
    assert!(!row("Article XI", "Article X"), "{table}");
    assert!(row("Article III, 44", "Article III, 17"), "{table}");

    // Recorded with the override, the new X carries old X's id.
    let mut args = art62_args(first, inputs);
    args.extend(["--dir", "record", "--align", "align.ron"]);
    let o = treaty(tmp.path(), &args);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("Article X → Article X"),
        "{}",
        stdout(&o)
    );

    // A name the draft does not have: refused, naming the file; nothing recorded.
    std::fs::write(
        tmp.path().join("bad.ron"),
        r#"(version: 1, steps: [(to: "Party inputs", same: [("Article 99", "Article X")])])"#,
    )
    .unwrap();
    let mut args = art62_args(first, inputs);
    args.extend(["--dir", "record2", "--align", "bad.ron"]);
    let o = treaty(tmp.path(), &args);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("bad.ron") && e.contains("has no Article 99"),
        "{e}"
    );
    assert!(!tmp.path().join("record2").exists());
}

/// The Art. 6.2 pair recorded as a two-draft history, in a temporary folder.
fn art62_record() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let (first, inputs) = (corpus(ART62_FIRST), corpus(ART62_INPUTS));
    let mut args = art62_args(first.to_str().unwrap(), inputs.to_str().unwrap());
    args.extend(["--dir", "record"]);
    let o = treaty(tmp.path(), &args);
    assert!(o.status.success(), "{}", stderr(&o));
    let dir = tmp.path().join("record");
    (tmp, dir)
}

/// `treaty history ARTICLE`: every version of the whole article with its paragraphs,
/// word changes, renumbering and what was dropped, under each draft's round.
#[test]
fn art62_history_of_a_whole_article() {
    let (_tmp, dir) = art62_record();
    let o = treaty(&dir, &["history", "Article X"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let h = stdout(&o);
    assert!(
        h.starts_with("History of Article X (Special circumstances of the least developed countries and small island developing States) {#art-xi}: 2 version(s), the whole article"),
        "{h}"
    );
    assert!(
        h.contains("round first-iteration") && h.contains("round party-inputs"),
        "{h}"
    );
    // First version in full: paragraphs 131–135 of the first iteration.
    for p in [
        "131 [Reiterates",
        "132 Decides",
        "133 Recalls",
        "134 Resolves",
        "135 [Notwithstanding",
    ] {
        assert!(h.contains(&format!("    {p}")), "{p}: {h}");
    }
    // Second: renumbered, reworded word by word, and what was dropped.
    assert!(h.contains("Article X (Special circumstances of the least developed countries and small island developing States) (was Article XI)"), "{h}");
    assert!(h.contains("    ~ 56 (was 133) Recalls decision 2/CMA.3, annex, paragraph 5, which states that the special circumstances of {+the +}least developed"), "{h}");
    assert!(h.contains("[-requested-]{+requests+}"), "{h}");
    assert!(h.contains("    - 132 Decides to consider"), "{h}");
    // The id works as well as the number.
    assert_eq!(stdout(&treaty(&dir, &["history", "art-xi"])), h);
}

/// `treaty trace`: a paragraph renumbered from 44 to 18, and a section from XI to X,
/// traced back to the first draft with number and similarity.
#[test]
fn art62_trace_back_to_the_first_draft() {
    let (_tmp, dir) = art62_record();
    let o = treaty(&dir, &["trace", "art-iii.44"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let t = stdout(&o);
    let lines: Vec<&str> = t.lines().map(str::trim).collect();
    let at = |s: &str| {
        lines
            .iter()
            .position(|l| l.starts_with(s))
            .unwrap_or_else(|| panic!("{s:?} in\n{t}"))
    };
    assert!(at("Party inputs (round party-inputs, 2024-11-19") < at("Article III, 18  para. 18"));
    assert!(at("Article III, 18") < at("← continues {#art-iii.44}, similarity 0.9"));
    assert!(at("← continues") < at("First iteration (round first-iteration, 2024-11-14"));
    assert!(at("First iteration") < at("Article III, 44  para. 44"));
    assert_eq!(lines.last(), Some(&"in the first draft"));

    let t = stdout(&treaty(&dir, &["trace", "Article X"]));
    assert!(
        t.contains("Article X  {#art-xi}") && t.contains("Article XI  {#art-xi}"),
        "{t}"
    );
    let sim: f64 = t
        .split("similarity ")
        .nth(1)
        .and_then(|s| s.lines().next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("{t}"));
    assert!(sim > 0.3 && sim < 1.0, "{t}");

    // A text that is not a record of rounds: said plainly.
    let o = treaty(&dir, &["trace", "no-such-clause"]);
    assert_eq!(o.status.code(), Some(2));
}

/// `treaty export --format synopsis-html --rounds A,B`: each section of the Art. 6.2 pair
/// side by side, words changed marked, self-contained.
#[test]
fn art62_synoptic_table() {
    let (tmp, dir) = art62_record();
    let out = tmp.path().join("synopsis.html");
    let o = treaty(
        &dir,
        &[
            "export",
            "--format",
            "synopsis-html",
            "--rounds",
            "first-iteration,party-inputs",
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("wrote the synoptic table of first-iteration, party-inputs"));
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(
        !html.contains("<script") && !html.contains("<link"),
        "self-contained"
    );
    assert!(html.contains(
        "<th>First iteration (round first-iteration)</th><th>Party inputs (round party-inputs)</th>"
    ));
    // 14 sections, 2 annexes and the preamble of the first iteration: one row each
    // (the second's 12 sections and annex continue 13 of them).
    assert_eq!(html.matches("<tr id=").count(), 17);
    // Section XI, renumbered X: its row shows both, with the words changed.
    let row = &html[html.find("<tr id=\"art-xi\">").unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(row.contains("Article <del>XI</del><ins>X</ins>"), "{row}");
    assert!(row.contains("the secretariat to design"), "{row}");
    assert!(
        row.contains("[-requested-]") || row.contains("<del>requested</del><ins>requests</ins>"),
        "{row}"
    );
    assert!(row.contains("56 (was 133)"), "{row}");
    // Section XIII was dropped: its second cell says so.
    let row = &html[html.find("<tr id=\"art-xiii\">").unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(row.contains("not in this draft"), "{row}");

    // Without two rounds there is nothing to set side by side.
    let o = treaty(
        &dir,
        &[
            "export",
            "--format",
            "synopsis-html",
            "--rounds",
            "party-inputs",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("two rounds or more"), "{}", stderr(&o));
}

/// A Word file whose body holds no text.
fn empty_docx() -> Vec<u8> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    w.start_file(
        "word/document.xml",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    w.write_all(b"<w:document xmlns:w=\"w\"><w:body><w:p/><w:sectPr/></w:body></w:document>")
        .unwrap();
    w.finish().unwrap().into_inner()
}

/// Bad input, as `treaty import` and as one draft of `treaty import-history`: an
/// encrypted PDF, a scanned PDF with no text layer, a truncated PDF, a Word file with no
/// body. Each is refused with the file named and what to do; nothing is recorded.
#[test]
fn bad_drafts_are_refused_and_nothing_is_recorded() {
    let tmp = tempfile::tempdir().unwrap();
    let geneva = std::fs::read(corpus(GENEVA)).unwrap();
    std::fs::write(tmp.path().join("cut.pdf"), &geneva[..geneva.len() / 3]).unwrap();
    std::fs::copy(
        repo_root().join("tests/integration/fixtures/import/encrypted.pdf"),
        tmp.path().join("locked.pdf"),
    )
    .unwrap();
    let page = || treaty_workbench::import::pdf::testing::Page {
        runs: vec![],
        image: true,
    };
    std::fs::write(
        tmp.path().join("scan.pdf"),
        treaty_workbench::import::pdf::testing::write(&[page(), page(), page()]),
    )
    .unwrap();
    std::fs::write(tmp.path().join("empty.docx"), empty_docx()).unwrap();
    let first = corpus(ART62_FIRST);
    for (file, expect) in [
        ("cut.pdf", "download it again"),
        ("locked.pdf", "qpdf --decrypt"),
        ("scan.pdf", "run OCR on it first"),
        ("empty.docx", "check that you gave the right file"),
    ] {
        let before = snapshot(tmp.path());
        let o = treaty(tmp.path(), &["import", file, "--out", "out"]);
        assert_eq!(o.status.code(), Some(2), "{file}");
        let msg = stderr(&o);
        assert!(msg.starts_with(&format!("error: {file}: ")), "{msg}");
        assert!(msg.contains(expect), "{msg}");
        // The second of two drafts: the history is refused whole.
        let o = treaty(
            tmp.path(),
            &[
                "import-history",
                "--label",
                "First iteration",
                first.to_str().unwrap(),
                "--label",
                "Next",
                file,
                "--dir",
                "record",
            ],
        );
        assert_eq!(o.status.code(), Some(2), "{file}");
        let msg = stderr(&o);
        assert!(
            msg.contains(&format!("draft \"Next\": {file}: ")) && msg.contains(expect),
            "{msg}"
        );
        assert_eq!(
            snapshot(tmp.path()),
            before,
            "{file}: nothing may be written"
        );
    }
}
