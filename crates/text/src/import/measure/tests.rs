//! The aligner's precision and recall (run with `--nocapture` to see the figures).

use super::*;
use crate::import::read_path;

fn corpus(rel: &str) -> String {
    format!("{}/../../tests/corpus/{rel}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn art_6_2_pair_against_the_alignment_made_by_hand() {
    let gold =
        Gold::parse(&std::fs::read_to_string(corpus("negotiating/art6.2-alignment.ron")).unwrap())
            .unwrap();
    let old = read_path(corpus(&format!("negotiating/{}", gold.from))).unwrap();
    let new = read_path(corpus(&format!("negotiating/{}", gold.to))).unwrap();
    let (sections, paragraphs) = gold.score(&old, &new);
    eprintln!(
        "Art. 6.2, first iteration → party inputs: sections {sections}; paragraphs {paragraphs}"
    );
    assert_eq!(sections.expected, 12);
    assert_eq!(paragraphs.expected + 7 + gold.unclear.len(), 71);
    for s in [sections, paragraphs] {
        assert!(s.precision() >= 0.95 && s.recall() >= 0.95, "{s}");
    }
}

#[test]
fn generated_histories() {
    for (name, base, filler, seed) in [
        ("VCLT", "treaties/vclt.txt", "treaties/udhr.txt", 1),
        (
            "Rome Statute",
            "treaties/rome-statute.txt",
            "treaties/un-charter.txt",
            2,
        ),
        (
            "UN Charter",
            "treaties/un-charter.txt",
            "treaties/udhr.txt",
            3,
        ),
    ] {
        let base = read_path(corpus(base)).unwrap();
        let filler = read_path(corpus(filler)).unwrap();
        let h = generate(name, &base, &filler, seed);
        let (arts, blocks) = h.score();
        let (traced, traceable) = h.traced();
        eprintln!(
            "{name} (5 drafts): articles {arts}; paragraphs and points {blocks}; last draft's articles traced to their first draft {traced}/{traceable}"
        );
        assert!(
            arts.expected > 300 && blocks.expected > 500,
            "{:?}",
            expected(&h)
        );
        for s in [arts, blocks] {
            assert!(s.precision() >= 0.95 && s.recall() >= 0.95, "{name}: {s}");
        }
        assert!(
            traced as f64 >= 0.95 * traceable as f64,
            "{name}: {traced}/{traceable}"
        );
    }
}

#[test]
fn scores_count_right_and_wrong_links() {
    let right: HashMap<u8, HashSet<u8>> = HashMap::from([
        (1, HashSet::from([10])),
        (2, HashSet::from([20, 21])),
        (3, HashSet::new()),
    ]);
    let s = score(&[(1, 10), (2, 22), (3, 30), (9, 90)], &right);
    assert_eq!(
        s,
        Score {
            correct: 1,
            made: 3,
            expected: 2,
            found: 1
        }
    );
    assert!((s.precision() - 1.0 / 3.0).abs() < 1e-9);
    assert!((s.recall() - 0.5).abs() < 1e-9);
}
