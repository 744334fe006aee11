//! Parse throughput: the draft block parser and the bracket parser on a long real text
//! (the EU AI Act in Markdown), the whole sample negotiation, and a dense synthetic
//! compilation text. Criterion prints the throughput in MiB/s.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use treaty_workbench::draft::{Draft, DraftFile};
use treaty_workbench::{analysis, bracket};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn eu_ai_act() -> String {
    let path = repo().join("tests/corpus/markdown/eu-ai-act-2024-1689.md");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn parse(c: &mut Criterion) {
    let act = eu_ai_act();
    let dense = treaty_workbench::bracket::sample::dense(1 << 20);
    let mut group = c.benchmark_group("parse");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(4))
        .warm_up_time(Duration::from_secs(1));

    group.throughput(Throughput::Bytes(act.len() as u64));
    group.bench_function("draft-blocks/eu-ai-act", |b| {
        b.iter(|| DraftFile::parse("articles/eu-ai-act.md", black_box(&act)))
    });
    group.bench_function("brackets/eu-ai-act", |b| {
        b.iter(|| bracket::parse(black_box(&act)))
    });

    let drafts = repo().join("drafts");
    let sample_bytes = sample_size(&drafts);
    group.throughput(Throughput::Bytes(sample_bytes));
    group.bench_function("load-and-trees/sample", |b| {
        b.iter(|| {
            let loaded = Draft::load(black_box(&drafts)).expect("the sample draft loads");
            analysis::trees(&loaded.draft).len()
        })
    });

    group.throughput(Throughput::Bytes(dense.len() as u64));
    group.bench_function("brackets/dense-synthetic", |b| {
        b.iter(|| bracket::parse(black_box(&dense)))
    });
    group.finish();
}

/// Bytes of Markdown in the sample draft.
fn sample_size(drafts: &Path) -> u64 {
    let mut total = 0;
    for sub in ["", "articles", "annexes"] {
        if let Ok(entries) = std::fs::read_dir(drafts.join(sub)) {
            for e in entries.flatten() {
                let p = e.path();
                if p.extension().is_some_and(|x| x == "md") {
                    total += e.metadata().map(|m| m.len()).unwrap_or(0);
                }
            }
        }
    }
    total
}

criterion_group!(benches, parse);
criterion_main!(benches);
