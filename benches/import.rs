//! Import speed (issue 17, item 5): `treaty import` of the 86-page Geneva negotiating
//! text (PDF), and `treaty import-history` of 20 successive drafts of 120 pages or more each
//! (PDFs typeset from the UN Convention on the Law of the Sea and the Rome Statute the
//! way secretariats lay them out, each draft changing the one before: a `bis` article inserted, articles
//! renumbered, one split, two merged, one dropped, wording edited).
//!
//! A plain bench (no criterion: one history import takes seconds): prints the fastest and
//! the median of a few runs. Targets: under 2 s for the PDF, under 60 s for the history.
//!
//! ```sh
//! cargo bench --bench import
//! ```

use std::path::PathBuf;
use std::time::{Duration, Instant};

use treaty_workbench::import::pdf::testing::{Piece, typeset};
use treaty_workbench::import::{self, BodyItem, ImportedBlock};
use treaty_workbench::import_history;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn report(what: &str, target: Duration, mut times: Vec<Duration>) {
    times.sort();
    let median = times[times.len() / 2];
    println!(
        "{what}: fastest {:.3} s, median {:.3} s over {} runs (target under {} s): {}",
        times[0].as_secs_f64(),
        median.as_secs_f64(),
        times.len(),
        target.as_secs(),
        if median < target { "met" } else { "MISSED" }
    );
}

/// `treaty import` of the Geneva text: read, lay out, write the draft folder.
fn geneva() {
    let pdf = repo().join("tests/corpus/negotiating/unfccc-adp-negotiating-text-2015-02-12.pdf");
    let mut times = Vec::new();
    for _ in 0..5 {
        let out = tempfile::tempdir().unwrap();
        let t = Instant::now();
        let doc = import::read_path(&pdf).expect("the Geneva text imports");
        import::write_draft(&doc, out.path().join("geneva")).expect("written");
        times.push(t.elapsed());
    }
    report(
        "treaty import of the 86-page Geneva PDF",
        Duration::from_secs(2),
        times,
    );
}

/// An article: its title and its (label, text) paragraphs.
type Article = (String, Vec<(Option<String>, String)>);

/// A corpus treaty as articles.
fn articles(rel: &str) -> Vec<Article> {
    let doc = import::read_path(repo().join("tests/corpus").join(rel)).unwrap();
    doc.body
        .iter()
        .filter_map(|item| match item {
            BodyItem::Article(a) => Some((
                a.title.clone().unwrap_or_default(),
                a.blocks
                    .iter()
                    .filter_map(|b| match b {
                        ImportedBlock::Paragraph { label, text } => {
                            Some((label.clone(), text.clone()))
                        }
                        ImportedBlock::Point { label, text } => {
                            Some((Some(label.clone()), text.clone()))
                        }
                        _ => None,
                    })
                    .collect(),
            )),
            BodyItem::Division { .. } => None,
        })
        .collect()
}

/// Draft `k` as a typeset PDF: its articles numbered in order.
fn draft_pdf(k: usize, articles: &[Article]) -> Vec<u8> {
    let mut pieces = Vec::new();
    for (i, (title, paras)) in articles.iter().enumerate() {
        let heading = if title.is_empty() {
            format!("Article {}", i + 1)
        } else {
            format!("Article {} ({})", i + 1, title.to_uppercase())
        };
        pieces.push(Piece::Heading(heading));
        for (label, text) in paras {
            pieces.push(Piece::Para {
                label: label.clone(),
                text: text.clone(),
            });
        }
    }
    let symbol = format!("UNCLOS/DRAFT/{}", k + 1);
    typeset(
        &["Draft convention on the law of the sea", &symbol],
        &symbol,
        &pieces,
        true,
    )
}

/// 20 drafts of 120 pages or more (the issue asks for 100), each changing the one before.
fn history() {
    // 120-odd typeset pages: the Law of the Sea, then the Rome Statute.
    let mut text = articles("treaties/unclos.txt");
    text.extend(articles("treaties/rome-statute.txt"));
    let dir = tempfile::tempdir().unwrap();
    let mut versions = Vec::new();
    for k in 0..20 {
        if k > 0 {
            let n = text.len();
            // A new article inserted (renumbering everything after it).
            let at = (k * 37) % n;
            text.insert(
                at,
                (
                    format!("Cooperation in the review of draft {k}"),
                    vec![(
                        Some("1.".into()),
                        format!("States Parties shall review the implementation of this Part at the session following draft {k}, on the basis of reports submitted by the depositary."),
                    )],
                ),
            );
            // Wording edited.
            let e = (k * 53) % text.len();
            if let Some(p) = text[e].1.first_mut() {
                p.1 = p.1.replacen(" shall ", " shall, as appropriate, ", 1);
            }
            // One article split, two merged, one dropped.
            let s = (k * 71) % text.len();
            if text[s].1.len() > 2 {
                let half = text[s].1.len() / 2;
                let tail = text[s].1.split_off(half);
                let title = format!("{} (continued)", text[s].0);
                text.insert(s + 1, (title, tail));
            }
            let m = (k * 89) % (text.len() - 1);
            let merged = text.remove(m + 1).1;
            text[m].1.extend(merged);
            text.remove((k * 97) % text.len());
        }
        let pdf = draft_pdf(k, &text);
        let path = dir.path().join(format!("draft-{:02}.pdf", k + 1));
        std::fs::write(&path, &pdf).unwrap();
        versions.push((format!("Draft {}", k + 1), None, path));
    }
    let doc = import::read_path(&versions[0].2).unwrap();
    let last = import::read_path(&versions[19].2).unwrap();
    let pages = |d: &import::Imported| d.source.as_ref().and_then(|s| s.pages).unwrap_or(0);
    println!(
        "history: 20 drafts; the first {} articles on {} pages, the last {} articles on {} pages",
        doc.stats().articles,
        pages(&doc),
        last.stats().articles,
        pages(&last),
    );
    let mut times = Vec::new();
    for run in 0..2 {
        let target = dir.path().join(format!("record-{run}"));
        let t = Instant::now();
        let report = import_history::import_history(&versions, &target).expect("imported");
        times.push(t.elapsed());
        assert_eq!(report.versions.len(), 20);
    }
    report(
        "treaty import-history of 20 drafts of 120+ pages (PDF)",
        Duration::from_secs(60),
        times,
    );
}

fn main() {
    // `cargo test --benches` runs benches once with `--bench` absent: keep it quick.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    treaty_workbench::testing::hermetic();
    geneva();
    history();
}
