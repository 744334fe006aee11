//! Diff at UN scale: 320 articles, positions replacing a share of the paragraphs.
//! Targets (Scale issue): two full positions ≤ 20 ms; one clause × 198 positions ≤ 10 ms.
//! Also times one amendment applied to the UN-scale draft.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

use treaty_workbench::amend::{Change, Workspace};
use treaty_workbench::compare;
use treaty_workbench::draft::Draft;

const ARTICLES: usize = 320;
const PARAGRAPHS: usize = 4;

fn un_scale_draft() -> Draft {
    let mut front =
        String::from("# Convention on a synthetic subject\n\n## Part I. Everything {#part-1}\n\n");
    let mut files = Vec::new();
    for n in 1..=ARTICLES {
        front.push_str(&format!("- [Article {n}. Subject {n}](articles/a{n}.md)\n"));
        let mut text = format!("### Article {n}. Subject {n} {{#a{n}}}\n\n");
        for k in 1..=PARAGRAPHS {
            text.push_str(&format!(
                "{k}. Each Party shall [take appropriate measures][endeavour] to ensure that the obligations of paragraph {k} of Article {n} are implemented [in good faith - EU / as appropriate - USA], with due regard to national circumstances. {{#a{n}.{k}}}\n\n"
            ));
        }
        files.push((format!("articles/a{n}.md"), text));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    Draft::from_texts(&front, &refs).draft
}

fn position(draft: &Draft, seed: usize, every: usize) -> Draft {
    let mut ws = Workspace {
        draft: draft.clone(),
        tiers: None,
        annexes: None,
    };
    for n in (1 + seed % every..=ARTICLES).step_by(every) {
        let k = 1 + (n + seed) % PARAGRAPHS;
        let change = Change::Replace {
            clause: format!("a{n}.{k}"),
            text: format!(
                "Each Party shall endeavour to ensure that the obligations of paragraph {k} of Article {n} are implemented as proposed by delegation {seed}."
            ),
        };
        ws.apply(&change).expect("synthetic change applies");
    }
    ws.draft
}

fn bench(c: &mut Criterion) {
    let draft = un_scale_draft();
    let eu = position(&draft, 1, 3);
    let usa = position(&draft, 2, 3);
    println!(
        "{} clauses; two positions differ in {} clauses",
        draft.clauses.len(),
        compare::compare(&eu, &usa, None).changed().count()
    );
    c.bench_function("diff two full positions (320 articles)", |b| {
        b.iter(|| compare::compare(black_box(&eu), black_box(&usa), None))
    });

    // The amendment engine on the same draft: one paragraph rewritten, the edited article's
    // clauses rebuilt (not the whole tree), the changed file rendered.
    let mut ws = Workspace {
        draft: draft.clone(),
        tiers: None,
        annexes: None,
    };
    let mut k = 0usize;
    c.bench_function("amend one paragraph (320 articles)", |b| {
        b.iter(|| {
            k += 1;
            let edit = ws
                .apply(&Change::Replace {
                    clause: "a160.2".into(),
                    text: format!(
                        "Each Party shall implement paragraph 2 of Article 160 [within {k} days]."
                    ),
                })
                .expect("the replacement applies");
            black_box(edit.files.len())
        })
    });

    let positions: Vec<Draft> = (0..198)
        .map(|i| {
            let mut ws = Workspace { draft: draft.clone(), tiers: None, annexes: None };
            ws.apply(&Change::Replace {
                clause: "a160.2".into(),
                text: format!("Each Party shall, as proposed by delegation {i}, implement paragraph 2 of Article 160 [in good faith]."),
            })
            .unwrap();
            ws.draft
        })
        .collect();
    c.bench_function("diff one article x 198 positions", |b| {
        b.iter(|| {
            positions
                .iter()
                .map(|p| {
                    compare::compare(black_box(&draft), p, Some("a160"))
                        .changed()
                        .count()
                })
                .sum::<usize>()
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
criterion_main!(benches);
