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

/// A bad PDF is refused with the file named and what to do; nothing is written.
#[test]
fn bad_pdfs_are_refused_and_nothing_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let geneva = std::fs::read(corpus(GENEVA)).unwrap();
    std::fs::write(tmp.path().join("cut.pdf"), &geneva[..geneva.len() / 2]).unwrap();
    std::fs::copy(
        repo_root().join("tests/integration/fixtures/import/encrypted.pdf"),
        tmp.path().join("locked.pdf"),
    )
    .unwrap();
    std::fs::write(
        tmp.path().join("scan.pdf"),
        treaty_workbench::import::pdf::testing::write(&[
            treaty_workbench::import::pdf::testing::Page {
                runs: vec![],
                image: true,
            },
        ]),
    )
    .unwrap();
    for (file, expect) in [
        ("cut.pdf", "download it again"),
        ("locked.pdf", "qpdf --decrypt"),
        ("scan.pdf", "run OCR on it first"),
    ] {
        let before = snapshot(tmp.path());
        let o = treaty(tmp.path(), &["import", file, "--out", "out"]);
        assert_eq!(o.status.code(), Some(2), "{file}");
        let msg = stderr(&o);
        assert!(msg.starts_with(&format!("error: {file}: ")), "{msg}");
        assert!(msg.contains(expect), "{msg}");
        assert_eq!(
            snapshot(tmp.path()),
            before,
            "{file}: nothing may be written"
        );
    }
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
