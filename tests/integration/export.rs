//! `treaty export`: Markdown that `treaty import` reads back, HTML that a browser renders,
//! DOCX that LibreOffice converts, Akoma Ntoso that parses, and comparisons that keep
//! deleted text visible.
//!
//! The browser and office tests need `chromium`, `libreoffice` and `pdftotext`
//! (`.ci/run` installs them). Without them they print `skipped: install …` and pass,
//! unless `CI` is set, where a missing tool fails the test.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use treaty_workbench::amend;
use treaty_workbench::draft::{BlockKind, ClauseKind, Draft};

use crate::support::{amend, recorded_sample, sample_copy, stderr, stdout, treaty};

/// Round r2 after r1: one clause reworded, one deleted, one article moved.
fn two_rounds() -> (tempfile::TempDir, String, String) {
    let (dir, store) = recorded_sample();
    let before = Draft::load(&dir.path().join("drafts")).unwrap().draft;
    let deleted = before.clause("observatory.4").unwrap().text.clone();
    let old = before.clause("observatory.2.c").unwrap().text.clone();
    assert!(old.contains("support"));
    amend(
        &store,
        amend::Change::Replace {
            clause: "observatory.2.c".into(),
            text: old.replacen("support", "strengthen", 1),
        },
        "EU",
    );
    amend(
        &store,
        amend::Change::Delete {
            clause: "observatory.4".into(),
        },
        "USA",
    );
    amend(
        &store,
        amend::Change::Move {
            clause: "principles".into(),
            after: "objective".into(),
        },
        "Chair",
    );
    store.start_round("r2", "Second reading").unwrap();
    (dir, deleted, old)
}

fn export(dir: &Path, args: &[&str]) -> Vec<u8> {
    let mut all = vec!["export"];
    all.extend_from_slice(args);
    let o = treaty(dir, &all);
    assert!(o.status.success(), "export {args:?} failed: {}", stderr(&o));
    o.stdout
}

fn export_file(dir: &Path, format: &str, extra: &[&str]) -> PathBuf {
    let path = dir.join(format!("out-{format}-{}.{format}", extra.join("-")));
    let mut args = vec!["--format", format, "-o", path.to_str().unwrap()];
    args.extend_from_slice(extra);
    export(dir, &args);
    assert!(path.is_file(), "{} written", path.display());
    path
}

/// Collapses white space, so text broken over lines by a renderer still matches.
fn squash(s: &str) -> String {
    s.replace(['\u{fb01}'], "fi")
        .replace('\u{fb02}', "fl")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every article heading of the draft as a reader sees it: `Article 15. Global AI Observatory`.
fn article_headings(draft: &Draft) -> Vec<String> {
    draft
        .clauses
        .iter()
        .filter(|c| c.kind == ClauseKind::Article)
        .map(|c| {
            format!(
                "{}. {}",
                c.label.as_deref().unwrap(),
                c.title.as_deref().unwrap()
            )
        })
        .collect()
}

fn sample_draft(dir: &Path) -> Draft {
    Draft::load(&dir.join("drafts")).unwrap().draft
}

fn well_formed(xml: &str) -> Vec<String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut names = Vec::new();
    let mut depth = 0i64;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Start(e)) => {
                depth += 1;
                names.push(e.name().into_inner().to_string());
            }
            Ok(quick_xml::events::Event::Empty(e)) => names.push(e.name().into_inner().to_string()),
            Ok(quick_xml::events::Event::End(_)) => depth -= 1,
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("not well-formed at byte {}: {e}", reader.buffer_position()),
        }
    }
    assert_eq!(depth, 0, "unbalanced elements");
    names
}

fn docx_part(path: &Path, part: &str) -> String {
    let file = std::fs::File::open(path).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut s = String::new();
    zip.by_name(part).unwrap().read_to_string(&mut s).unwrap();
    s
}

/// A clause's kind, label, title and text.
type Shape = (ClauseKind, Option<String>, Option<String>, String);

/// Clause structure and text, without ids (an import gives new ones).
fn shape(d: &Draft) -> Vec<Shape> {
    d.clauses
        .iter()
        .map(|c| (c.kind, c.label.clone(), c.title.clone(), c.text.clone()))
        .collect()
}

/// The footnotes and link references (`[^1]: …`), each with the heading of the article or
/// annex whose file holds it.
fn notes(d: &Draft) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (f, file) in d.files.iter().enumerate() {
        let owner = d
            .clauses
            .iter()
            .find(|c| c.file == f)
            .map(|c| format!("{:?} {:?}", c.label, c.title))
            .unwrap_or_default();
        for b in &file.blocks {
            if b.kind == BlockKind::Definition {
                out.push((owner.clone(), b.body().trim().to_string()));
            }
        }
    }
    out
}

/// The sample's Chair's note on Article 2 (a footnote), which every export must carry.
const CHAIRS_NOTE: &str = "Chair's note: subparagraph (a) reflects the technical discussions";

/// The sample and its export imported again: clause structure and text, notes, ids.
struct Trip {
    shapes: (Vec<Shape>, Vec<Shape>),
    notes: (Notes, Notes),
    ids: (Vec<String>, Vec<String>),
}

fn ids(d: &Draft) -> Vec<String> {
    d.ids().map(String::from).collect()
}

/// Exports the sample in `format`, imports the file into a new folder, and returns both
/// drafts' clause structure and text, notes and ids.
fn export_then_import(format: &str) -> Trip {
    let dir = sample_copy();
    let file = export_file(dir.path(), format, &[]);
    let out = dir.path().join(format!("reimported-{format}"));
    let o = treaty(
        dir.path(),
        &[
            "import",
            file.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(
        o.status.success(),
        "import of the {format} export: {}",
        stderr(&o)
    );
    let again = Draft::load(&out.join("drafts")).unwrap().draft;
    let original = sample_draft(dir.path());
    Trip {
        shapes: (shape(&original), shape(&again)),
        notes: (notes(&original), notes(&again)),
        ids: (ids(&original), ids(&again)),
    }
}

type Notes = Vec<(String, String)>;

fn assert_same_shape(format: &str) -> Trip {
    let trip = export_then_import(format);
    let ((original, again), (notes_before, notes_after)) = (&trip.shapes, &trip.notes);
    assert!(
        notes_before.iter().any(|(_, n)| n.contains(CHAIRS_NOTE)),
        "the sample has the Chair's note"
    );
    assert_eq!(
        notes_before, notes_after,
        "{format}: export then import keeps footnotes and link references, in their articles"
    );
    for (x, y) in original.iter().zip(again) {
        assert_eq!(x, y, "{format}: export then import changed a clause");
    }
    assert_eq!(
        original.len(),
        again.len(),
        "{format}: same number of clauses"
    );
    trip
}

#[test]
fn markdown_export_reimports_with_the_same_clause_structure_and_text() {
    let dir = sample_copy();
    let text = std::fs::read_to_string(export_file(dir.path(), "md", &[])).unwrap();
    assert!(text.contains("### Article 15. Global AI Observatory {#observatory}"));
    assert!(!text.contains("](articles/"), "articles are in place");
    let trip = assert_same_shape("md");
    assert_eq!(
        trip.ids.0, trip.ids.1,
        "md: export then import keeps every clause id"
    );
}

#[test]
fn akn_export_reimports_with_the_same_clause_structure_and_text() {
    let trip = assert_same_shape("akn");
    assert_eq!(
        trip.ids.0, trip.ids.1,
        "akn: the eIds give back every clause id"
    );
}

#[test]
fn docx_export_reimports_with_the_same_clause_structure_and_text() {
    assert_same_shape("docx");
}

#[test]
fn html_export_is_one_standalone_file_with_anchors_styles_and_print_rules() {
    let dir = sample_copy();
    let html = String::from_utf8(export(dir.path(), &["--format", "html"])).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("@media print"));
    assert!(
        !html.contains("<script") && !html.contains("<link "),
        "standalone"
    );
    let draft = sample_draft(dir.path());
    for id in draft.ids() {
        assert!(html.contains(&format!(" id=\"{id}\"")), "anchor for {id}");
    }
    for h in article_headings(&draft) {
        assert!(html.contains(&h.replace('\'', "&#39;")), "{h}");
    }
    // The Chair's footnote follows Article 2's last clause, before Article 3.
    let note = html
        .find(&format!(
            "<p class=\"note\">[^1]: {}",
            CHAIRS_NOTE.replace('\'', "&#39;")
        ))
        .expect("the Chair's note");
    let last_point = html.find(" id=\"definitions.1.h\"").unwrap();
    let next_article = html.find(" id=\"scope\"").unwrap();
    assert!(last_point < note && note < next_article);
    // Attributions, deletion proposals, alternatives and options are styled spans.
    for class in ["attr", "attr-del", "b1", "m1", "opt"] {
        assert!(html.contains(&format!("class=\"{class}\"")), "{class}");
    }
}

#[test]
fn akn_export_parses_with_articles_paragraphs_points_and_annexes() {
    let dir = sample_copy();
    let path = export_file(dir.path(), "akn", &[]);
    let xml = std::fs::read_to_string(path).unwrap();
    let names = well_formed(&xml);
    let draft = sample_draft(dir.path());
    let count = |name: &str| names.iter().filter(|n| *n == name).count();
    let of_kind = |k: ClauseKind| draft.clauses.iter().filter(|c| c.kind == k).count();
    assert_eq!(count("akomaNtoso"), 1);
    assert!(xml.contains("xmlns=\"http://docs.oasis-open.org/legaldocml/ns/akn/3.0\""));
    assert_eq!(count("article"), of_kind(ClauseKind::Article));
    assert_eq!(count("point"), of_kind(ClauseKind::Point));
    assert_eq!(count("recital"), of_kind(ClauseKind::PreambleParagraph));
    assert_eq!(count("attachment"), of_kind(ClauseKind::Annex));
    assert_eq!(count("paragraph"), of_kind(ClauseKind::Paragraph));
    assert!(xml.contains("<article eId=\"art_observatory\"><num>Article 15</num><heading>Global AI Observatory</heading>"));
    assert!(xml.contains("eId=\"point_observatory.2.a\""));
}

#[test]
fn docx_export_has_headings_numbered_paragraphs_bookmarks_and_theme_styles() {
    let dir = sample_copy();
    let path = export_file(dir.path(), "docx", &[]);
    let document = docx_part(&path, "word/document.xml");
    let styles = docx_part(&path, "word/styles.xml");
    well_formed(&document);
    well_formed(&styles);
    let draft = sample_draft(dir.path());
    let articles = draft
        .clauses
        .iter()
        .filter(|c| matches!(c.kind, ClauseKind::Article | ClauseKind::Annex))
        .count();
    assert_eq!(
        document.matches("<w:pStyle w:val=\"Heading2\"/>").count(),
        articles
    );
    assert!(styles.contains("<w:name w:val=\"heading 2\"/>"));
    assert!(document.contains(">2.</w:t>"), "paragraph numbers are kept");
    assert!(document.contains("w:name=\"c_observatory_2_a\""));
    assert!(styles.contains("w:styleId=\"TreatyAttribution\""));
    assert!(!document.contains("<w:ins ") && !document.contains("<w:del "));
}

#[test]
fn changes_since_a_round_mark_insertions_deletions_and_moves_in_every_format() {
    let (dir, deleted, _) = two_rounds();
    let d = dir.path();
    let args = ["--at", "r2", "--changes-since", "r1"];

    let md = String::from_utf8(export(d, &[&["--format", "md"][..], &args].concat())).unwrap();
    assert!(md.contains("{--support--}{++strengthen++}"), "{md}");
    assert!(
        md.contains(&format!("{{--4. {deleted}--}}")),
        "deleted text stays: {md}"
    );
    assert!(md.contains("{>>moved from Article 4<<}"), "{md}");

    let html = String::from_utf8(export(d, &[&["--format", "html"][..], &args].concat())).unwrap();
    assert!(html.contains("<ins>strengthen</ins>"));
    assert!(html.contains("<del>support</del>"));
    let first_words: String = deleted
        .split_whitespace()
        .take(4)
        .collect::<Vec<_>>()
        .join(" ");
    let del_at = html.find(&first_words).expect("deleted clause kept");
    assert!(html[..del_at].rfind("<del>").is_some());
    assert!(html.contains("moved from Article 4"));

    let akn = String::from_utf8(export(d, &[&["--format", "akn"][..], &args].concat())).unwrap();
    well_formed(&akn);
    assert!(akn.contains("<del>support</del><ins>strengthen</ins>"));
    assert!(akn.contains("status=\"removed\""));

    let path = export_file(d, "docx", &args);
    let document = docx_part(&path, "word/document.xml");
    well_formed(&document);
    assert!(document.contains("<w:del w:id="));
    assert!(document.contains("<w:ins w:id="));
    assert!(document.contains("w:author=\"r2\""));
    assert!(document.contains("<w:delText xml:space=\"preserve\">support</w:delText>"));
    assert!(document.contains(">strengthen</w:t>"));
}

#[test]
fn a_delegations_version_and_bad_requests() {
    let dir = sample_copy();
    let d = dir.path();
    let eu = String::from_utf8(export(d, &["--format", "md", "--position", "EU"])).unwrap();
    assert!(eu.contains("are fully consistent with human rights, human dignity, democracy"));
    assert!(
        !eu.contains("{#principles.2bis}"),
        "EU deletes principles.2bis"
    );

    let o = treaty(
        d,
        &[
            "export",
            "--format",
            "html",
            "--position",
            "EUU",
            "-o",
            "x.html",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no position for delegation `EUU`"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("EU"));
    assert!(!d.join("x.html").exists());

    let o = treaty(d, &["export", "--format", "pdf"]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("choose md, html, docx or akn"),
        "{}",
        stderr(&o)
    );

    // No history here: a round cannot be found, and the message says why.
    let o = treaty(d, &["export", "--format", "md", "--at", "r1"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!stderr(&o).is_empty() && stdout(&o).is_empty());
}

#[test]
fn hostile_text_cannot_break_the_markup_of_any_format() {
    let dir = sample_copy();
    let path = dir.path().join("drafts/articles/objective.md");
    let text = std::fs::read_to_string(&path).unwrap().replacen(
        "The objective of this Convention",
        "<script>alert(1)</script> & ]]> -- \u{1b}[2J \u{7} The objective of this Convention",
        1,
    );
    std::fs::write(&path, text).unwrap();
    let d = dir.path();
    let html = String::from_utf8(export(d, &["--format", "html"])).unwrap();
    assert!(!html.contains("<script>"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; ]]&gt;"));
    let akn = String::from_utf8(export(d, &["--format", "akn"])).unwrap();
    well_formed(&akn);
    assert!(akn.contains("&lt;script&gt;"));
    let docx = export_file(d, "docx", &[]);
    let document = docx_part(&docx, "word/document.xml");
    well_formed(&document);
    assert!(!document.contains('\u{1b}') && !document.contains('\u{7}'));
    // DOCX to a pipe is the package itself.
    let piped = export(d, &["--format", "docx"]);
    assert!(piped.starts_with(b"PK"));
}

// ---------------------------------------------------------------------------------------
// Real renderers

pub(crate) fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

fn find_tool(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
        .find(|p| p.is_file())
}

/// The tool, or `None` after a `skipped:` line (a failure under CI).
pub(crate) fn require(names: &[&str], package: &str) -> Option<PathBuf> {
    match find_tool(names) {
        Some(p) => Some(p),
        None if ci() => panic!("{} is missing: `apt-get install {package}`", names[0]),
        None => {
            println!("skipped: install {package} (`apt-get install {package}`)");
            None
        }
    }
}

/// Runs `cmd` in its own process group; kills the whole group when it ends or hangs.
fn run_bounded(mut cmd: Command, limit: Duration) -> std::process::Output {
    use std::os::unix::process::CommandExt;
    cmd.process_group(0)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("tool starts");
    let pid = child.id();
    let kill_group = || {
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{pid}")])
            .stderr(Stdio::null())
            .status();
    };
    // Read the pipes on threads so a chatty tool cannot block on a full pipe.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let t_out = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out.read_to_end(&mut v);
        v
    });
    let t_err = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = err.read_to_end(&mut v);
        v
    });
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > limit {
            kill_group();
            panic!("{cmd:?} did not finish in {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    kill_group();
    std::process::Output {
        status,
        stdout: t_out.join().unwrap(),
        stderr: t_err.join().unwrap(),
    }
}

pub(crate) fn chromium(
    exe: &Path,
    profile: &Path,
    args: &[&str],
    page: &Path,
) -> std::process::Output {
    let mut cmd = Command::new(exe);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
    ])
    .arg(format!("--user-data-dir={}", profile.display()))
    .args(args)
    .arg(format!("file://{}", page.display()))
    .env("HOME", profile);
    let o = run_bounded(cmd, Duration::from_secs(180));
    assert!(o.status.success(), "chromium failed: {}", stderr(&o));
    o
}

#[test]
fn html_export_renders_in_headless_chromium() {
    let Some(exe) = require(&["chromium", "chromium-browser"], "chromium") else {
        return;
    };
    let dir = sample_copy();
    let page = export_file(dir.path(), "html", &[]);
    let profile = tempfile::tempdir().unwrap();

    let dom = stdout(&chromium(&exe, profile.path(), &["--dump-dom"], &page));
    let draft = sample_draft(dir.path());
    let dom_text = squash(&dom.replace("&#39;", "'"));
    for h in article_headings(&draft) {
        assert!(dom_text.contains(&squash(&h)), "the DOM shows {h}");
    }
    assert!(dom.contains("id=\"observatory.2.a\""));

    // The screenshot shows text: much larger than one of an empty page.
    let shot = profile.path().join("export.png");
    let blank_page = profile.path().join("blank.html");
    std::fs::write(&blank_page, "<!DOCTYPE html><html><body></body></html>").unwrap();
    let blank_shot = profile.path().join("blank.png");
    for (png, html) in [(&shot, &page), (&blank_shot, &blank_page)] {
        chromium(
            &exe,
            profile.path(),
            &[
                &format!("--screenshot={}", png.display()),
                "--window-size=1200,1600",
            ],
            html,
        );
    }
    let bytes = std::fs::read(&shot).unwrap();
    assert!(bytes.starts_with(b"\x89PNG"), "a PNG");
    let blank = std::fs::metadata(&blank_shot).unwrap().len() as usize;
    assert!(
        bytes.len() > 3 * blank,
        "screenshot {} bytes, empty page {blank} bytes",
        bytes.len()
    );
}

#[test]
fn docx_export_converts_to_pdf_with_libreoffice() {
    let Some(office) = require(&["libreoffice", "soffice"], "libreoffice-writer-nogui") else {
        return;
    };
    let Some(pdftotext) = require(&["pdftotext"], "poppler-utils") else {
        return;
    };
    let (dir, _, _) = two_rounds();
    let docx = export_file(dir.path(), "docx", &["--at", "r2"]);
    let home = tempfile::tempdir().unwrap();
    let outdir = home.path().join("pdf");
    let mut cmd = Command::new(office);
    cmd.arg(format!(
        "-env:UserInstallation=file://{}",
        home.path().join("profile").display()
    ))
    .args([
        "--headless",
        "--norestore",
        "--convert-to",
        "pdf",
        "--outdir",
    ])
    .arg(&outdir)
    .arg(&docx)
    .env("HOME", home.path());
    let o = run_bounded(cmd, Duration::from_secs(300));
    assert!(o.status.success(), "libreoffice failed: {}", stderr(&o));
    let pdf = outdir.join(docx.with_extension("pdf").file_name().unwrap());
    assert!(pdf.is_file(), "no PDF: {}", stdout(&o));

    let mut cmd = Command::new(pdftotext);
    cmd.arg(&pdf).arg("-");
    let o = run_bounded(cmd, Duration::from_secs(60));
    assert!(o.status.success(), "{}", stderr(&o));
    let text = squash(&stdout(&o));
    let draft = sample_draft(dir.path());
    for h in article_headings(&draft) {
        assert!(text.contains(&squash(&h)), "the PDF shows {h}");
    }
    let c = draft.clause("observatory.2.c").unwrap();
    assert!(text.contains(&squash(&format!(
        "{} {}",
        c.label.as_deref().unwrap(),
        c.text
    ))));
    assert!(text.contains("strengthen capacity-building"));
    assert!(
        text.contains(&squash(CHAIRS_NOTE)),
        "the PDF shows the Chair's note"
    );
}
