//! `treaty import` on the real treaties of tests/corpus: the counts it prints, a clean
//! `treaty check`, and a re-import of the written draft that gives the same structure.

use std::path::Path;

use treaty_workbench::import::{self, Imported};

use crate::support::{corpus, snapshot, stderr, stdout, treaty};

/// The number printed before `word` in the counts line (`320 articles, 0 annexes, …`).
fn printed_count(out: &str, word: &str) -> usize {
    let line = out
        .lines()
        .find(|l| l.contains(" articles") || l.contains(" article,"))
        .unwrap_or_else(|| panic!("no counts line in {out:?}"));
    line.split(", ")
        .find_map(|part| {
            let (n, w) = part.split_once(' ')?;
            (w == word || w.trim_end_matches('s') == word.trim_end_matches('s'))
                .then(|| n.parse().ok())
                .flatten()
        })
        .unwrap_or_else(|| panic!("no `{word}` count in {line:?}"))
}

/// Title, preamble, body (article numbers, titles, blocks, divisions) and annexes.
fn assert_same_structure(a: &Imported, b: &Imported, what: &str) {
    assert_eq!(a.title, b.title, "{what}: title");
    assert_eq!(a.preamble, b.preamble, "{what}: preamble");
    assert_eq!(a.body.len(), b.body.len(), "{what}: body length");
    for (x, y) in a.body.iter().zip(&b.body) {
        assert_eq!(x, y, "{what}");
    }
    assert_eq!(a.annexes, b.annexes, "{what}: annexes");
}

fn import_and_check(rel: &str, articles: usize, annexes: usize) -> Imported {
    let tmp = tempfile::tempdir().unwrap();
    let src = corpus(rel);
    let first = tmp.path().join("first");
    let o = treaty(
        tmp.path(),
        &["import", src.to_str().unwrap(), "--out", "first"],
    );
    assert!(o.status.success(), "{rel}: {}", stderr(&o));
    let printed = stdout(&o);
    assert_eq!(
        printed_count(&printed, "articles"),
        articles,
        "{rel}: {printed}"
    );
    assert_eq!(
        printed_count(&printed, "annexes"),
        annexes,
        "{rel}: {printed}"
    );

    // The printed counts are the structure's own.
    let original = import::read_path(&src).unwrap();
    let stats = original.stats();
    assert_eq!(stats.articles, articles, "{rel}");
    assert_eq!(stats.annexes, annexes, "{rel}");
    assert!(printed.contains(&stats.to_string()), "{rel}: {printed}");

    // `treaty check` finds nothing to complain about: no errors, no warnings.
    let c = treaty(tmp.path(), &["check", first.to_str().unwrap()]);
    let diag = stderr(&c);
    assert_eq!(c.status.code(), Some(0), "{rel}: {}{diag}", stdout(&c));
    assert!(
        stdout(&c).trim().is_empty(),
        "{rel}: check reported {}",
        stdout(&c)
    );
    assert!(diag.contains(": 0 errors, 0 warnings"), "{rel}: {diag}");
    assert!(
        diag.contains(&format!(", {articles} articles, {annexes} annex")),
        "{rel}: {diag}"
    );

    // Re-importing the written draft gives the same structure, through the folder and
    // through its treaty.md.
    let written = import::read_path(&first).unwrap();
    assert_same_structure(&original, &written, rel);
    let treaty_md = first.join("drafts").join("treaty.md");
    let o = treaty(
        tmp.path(),
        &["import", treaty_md.to_str().unwrap(), "--out", "second"],
    );
    assert!(o.status.success(), "{rel}: {}", stderr(&o));
    assert_eq!(printed_count(&stdout(&o), "articles"), articles, "{rel}");
    let again = import::read_path(tmp.path().join("second")).unwrap();
    assert_same_structure(&original, &again, rel);
    original
}

#[test]
fn unclos() {
    import_and_check("treaties/unclos.txt", 320, 0);
}

#[test]
fn rome_statute_with_bis_and_ter() {
    let doc = import_and_check("treaties/rome-statute.txt", 131, 0);
    let numbers: Vec<&str> = doc.articles().map(|a| a.number.as_str()).collect();
    assert!(numbers.iter().any(|n| n.ends_with(" bis")), "{numbers:?}");
    assert!(numbers.iter().any(|n| n.ends_with(" ter")), "{numbers:?}");
}

#[test]
fn vclt() {
    import_and_check("treaties/vclt.txt", 85, 0);
}

#[test]
fn un_charter() {
    import_and_check("treaties/un-charter.txt", 111, 0);
}

#[test]
fn udhr() {
    import_and_check("treaties/udhr.txt", 30, 0);
}

#[test]
fn eu_ai_act_with_annexes() {
    let doc = import_and_check("markdown/eu-ai-act-2024-1689.md", 113, 13);
    let labels: Vec<&str> = doc.annexes.iter().map(|a| a.label.as_str()).collect();
    assert_eq!(labels.first(), Some(&"I"), "{labels:?}");
    assert_eq!(labels.last(), Some(&"XIII"), "{labels:?}");
}

fn assert_refused(dir: &Path, args: &[&str], expect: &str) {
    let before = snapshot(dir);
    let o = treaty(dir, args);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let msg = stderr(&o);
    assert!(msg.starts_with("error: "), "{msg}");
    assert!(msg.contains(expect), "{msg}");
    assert!(stdout(&o).is_empty(), "{}", stdout(&o));
    assert_eq!(snapshot(dir), before, "nothing may be written");
}

#[test]
fn missing_file_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    assert_refused(
        tmp.path(),
        &["import", "no-such-treaty.txt", "--out", "out"],
        "no-such-treaty.txt",
    );
    assert!(!tmp.path().join("out").exists());
}

#[test]
fn existing_drafts_are_not_overwritten() {
    let tmp = tempfile::tempdir().unwrap();
    let drafts = tmp.path().join("out").join("drafts");
    std::fs::create_dir_all(&drafts).unwrap();
    std::fs::write(drafts.join("treaty.md"), "# Ours {#treaty}\n").unwrap();
    let src = corpus("treaties/udhr.txt");
    assert_refused(
        tmp.path(),
        &["import", src.to_str().unwrap(), "--out", "out"],
        "already exists",
    );
}

/// Real texts have typos like `(a]` and editorial marks like a lone `[`: the importer
/// escapes the brackets that do not pair up, keeps the ones that do (in a compilation
/// text they are the negotiation's own), and the result passes `treaty check`.
#[test]
fn brackets_that_do_not_pair_up_are_escaped() {
    let tmp = tempfile::tempdir().unwrap();
    let text = "Test Convention\n\nArticle 1 - Scope\n\n\
        1. As provided in point (a] of Article 2 [and in Article 3.\n\
        2. States [shall][should] cooperate.\n";
    std::fs::write(tmp.path().join("t.txt"), text).unwrap();
    let o = treaty(tmp.path(), &["import", "t.txt", "--out", "out"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let doc = import::read_path(tmp.path().join("out")).unwrap();
    let blocks = &doc.article("1").unwrap().blocks;
    assert_eq!(
        blocks[0],
        import::ImportedBlock::Paragraph {
            label: Some("1".into()),
            text: "As provided in point (a\\] of Article 2 \\[and in Article 3.".into()
        }
    );
    assert_eq!(
        blocks[1],
        import::ImportedBlock::Paragraph {
            label: Some("2".into()),
            text: "States [shall][should] cooperate.".into()
        }
    );
    let c = treaty(tmp.path(), &["check", "out"]);
    assert_eq!(c.status.code(), Some(0), "{}{}", stdout(&c), stderr(&c));
    assert!(
        stderr(&c).contains(": 0 errors, 0 warnings"),
        "{}",
        stderr(&c)
    );
    assert_same_structure(
        &import::read_path(tmp.path().join("t.txt")).unwrap(),
        &doc,
        "escaped",
    );
}
