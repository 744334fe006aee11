//! `treaty import` of Akoma Ntoso XML and DOCX through the binary: the printed counts, a
//! clean `treaty check`, and a re-import of the written draft (Markdown) that gives the
//! same structure; malformed inputs are refused with a located error and nothing written.

use std::path::{Path, PathBuf};

use treaty_workbench::import::{self, Imported};

use crate::support::{corpus, repo_root, snapshot, stderr, stdout, treaty};

fn fixture(name: &str) -> PathBuf {
    repo_root()
        .join("tests/integration/fixtures/import")
        .join(name)
}

fn same_structure(a: &Imported, b: &Imported, what: &str) {
    assert_eq!(a.title, b.title, "{what}: title");
    assert_eq!(a.preamble, b.preamble, "{what}: preamble");
    assert_eq!(a.body, b.body, "{what}: body");
    assert_eq!(a.annexes, b.annexes, "{what}: annexes");
}

/// Imports `src`, checks the counts line and `treaty check`, re-imports the draft.
fn import_and_check(src: &Path, articles: usize, annexes: usize) -> Imported {
    let what = src.display().to_string();
    let tmp = tempfile::tempdir().unwrap();
    let o = treaty(
        tmp.path(),
        &["import", src.to_str().unwrap(), "--out", "first"],
    );
    assert!(o.status.success(), "{what}: {}", stderr(&o));
    let original = import::read_path(src).unwrap();
    let stats = original.stats();
    assert_eq!(
        (stats.articles, stats.annexes),
        (articles, annexes),
        "{what}"
    );
    let printed = stdout(&o);
    assert!(printed.contains(&stats.to_string()), "{what}: {printed}");
    for w in &original.warnings {
        assert!(
            printed.contains(&format!("warning: {w}")),
            "{what}: {printed}"
        );
    }

    let first = tmp.path().join("first");
    let c = treaty(tmp.path(), &["check", first.to_str().unwrap()]);
    let diag = stderr(&c);
    assert_eq!(c.status.code(), Some(0), "{what}: {}{diag}", stdout(&c));
    assert!(diag.contains(": 0 errors, 0 warnings"), "{what}: {diag}");

    // The written draft is Markdown; reading it back gives the same structure.
    same_structure(&original, &import::read_path(&first).unwrap(), &what);
    let treaty_md = first.join("drafts/treaty.md");
    let o = treaty(
        tmp.path(),
        &["import", treaty_md.to_str().unwrap(), "--out", "second"],
    );
    assert!(o.status.success(), "{what}: {}", stderr(&o));
    let again = import::read_path(tmp.path().join("second")).unwrap();
    same_structure(&original, &again, &what);
    original
}

#[test]
fn akoma_ntoso_corpus() {
    for (name, articles, annexes) in [
        ("akn4eu_CoV_DLV20_1.4__council_postion__bill_123.xml", 9, 0),
        ("v3_eu_COM-2013-0619_EN-8.xml", 24, 0),
        ("v3_uk_pga-2014-27-enacted-data.xml", 8, 0),
        ("v2_Bill_UN_2012.xml", 1, 0),
        ("v2_Bill_Bungeni_2011-06-30v1.xml", 2, 0),
        ("v2_Bill_Bungeni_2011-06-30v2.xml", 2, 1),
    ] {
        import_and_check(&corpus(&format!("akoma-ntoso/{name}")), articles, annexes);
    }
}

#[test]
fn un_resolution_operative_paragraphs() {
    let doc = import_and_check(&corpus("akoma-ntoso/v2_Bill_UN_2012.xml"), 1, 0);
    assert_eq!(doc.preamble.len(), 5);
    assert_eq!(doc.article("1").unwrap().blocks.len(), 4);
}

#[test]
fn amendment_documents_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    for name in [
        "v2_Amendmet_Bungeni_2010-10-28adm1.xml",
        "v2_AmendmentList_Bungeni_2010-10-28v1.xml",
    ] {
        let src = corpus(&format!("akoma-ntoso/{name}"));
        let o = treaty(tmp.path(), &["import", src.to_str().unwrap(), "--out", "x"]);
        assert!(!o.status.success());
        let msg = stderr(&o);
        assert!(msg.contains(name), "{msg}");
        assert!(
            msg.contains("this is an amendment document, not a text; import the bill it amends"),
            "{msg}"
        );
        assert!(!tmp.path().join("x/drafts").exists());
    }
}

#[test]
fn docx_fixtures() {
    let lo = import_and_check(&fixture("libreoffice-treaty.docx"), 2, 1);
    assert_eq!(lo.title, "Convention on Shared Rivers");
    let tracked = import_and_check(&fixture("tracked-changes.docx"), 2, 0);
    let text = format!("{tracked:?}");
    assert!(
        text.contains("every Party") && !text.contains("all Party"),
        "{text}"
    );
    assert!(!text.contains("deleted in full"), "{text}");
    import_and_check(&fixture("hostile.docx"), 1, 0);
}

#[test]
fn hostile_docx_prints_nothing_raw() {
    let tmp = tempfile::tempdir().unwrap();
    let src = fixture("hostile.docx");
    let o = treaty(tmp.path(), &["import", src.to_str().unwrap(), "--out", "h"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!o.stdout.contains(&0x1b) && !o.stdout.contains(&0x07));
    let treaty_md = std::fs::read(tmp.path().join("h/drafts/treaty.md")).unwrap();
    assert!(!treaty_md.contains(&0x1b), "control characters are dropped");
}

#[test]
fn format_flag_overrides_the_guess() {
    let tmp = tempfile::tempdir().unwrap();
    let odd = tmp.path().join("resolution.txt");
    std::fs::copy(corpus("akoma-ntoso/v2_Bill_UN_2012.xml"), &odd).unwrap();
    // By its name, a .txt file is plain text, which has no article headings.
    let o = treaty(tmp.path(), &["import", "resolution.txt", "--out", "a"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("no article headings"), "{}", stderr(&o));
    let o = treaty(
        tmp.path(),
        &["import", "resolution.txt", "--format", "akn", "--out", "b"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("1 article, 0 annexes"),
        "{}",
        stdout(&o)
    );
    let o = treaty(
        tmp.path(),
        &["import", "resolution.txt", "--format", "pdf", "--out", "c"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("resolution.txt: this is not a PDF file"),
        "{}",
        stderr(&o)
    );
    let o = treaty(
        tmp.path(),
        &["import", "resolution.txt", "--format", "rtf", "--out", "d"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("use txt, md, akn, docx or pdf"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn malformed_inputs_are_refused_with_their_place() {
    let tmp = tempfile::tempdir().unwrap();
    let cases: [(&str, &[u8], &str); 4] = [
        ("not-a-zip.docx", b"plain words", "not a zip archive"),
        (
            "truncated.xml",
            b"<akomaNtoso>\n<bill>\n<body><article>",
            "truncated.xml: line 3, column 7: the XML ends before <article>",
        ),
        (
            "laughs.xml",
            b"<?xml version=\"1.0\"?>\n<!DOCTYPE a [<!ENTITY x \"xx\"><!ENTITY y \"&x;&x;\">]>\n<akomaNtoso>&y;</akomaNtoso>",
            "laughs.xml: line 2, column 1: a DOCTYPE declaration is not accepted",
        ),
        (
            "undefined.xml",
            b"<akomaNtoso><bill>&y;</bill></akomaNtoso>",
            "undefined.xml: line 1, column 19: entity `&y;` is not defined",
        ),
    ];
    for (name, bytes, expect) in cases {
        std::fs::write(tmp.path().join(name), bytes).unwrap();
        let before = snapshot(tmp.path());
        let o = treaty(tmp.path(), &["import", name, "--out", "out"]);
        assert_eq!(o.status.code(), Some(2), "{name}: {}", stderr(&o));
        let msg = stderr(&o);
        assert!(msg.starts_with("error: "), "{msg}");
        assert!(msg.contains(expect), "{name}: {msg}");
        assert!(!msg.contains("panicked"), "{msg}");
        assert_eq!(
            snapshot(tmp.path()),
            before,
            "{name}: nothing may be written"
        );
    }
}
