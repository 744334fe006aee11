//! Render time per screen and key-to-frame latency (key → update → full frame into a
//! test buffer) on the largest negotiation we generate: the sample with every article
//! file copied `COPIES` times under fresh clause ids, in a git record with the fixture's
//! rounds and amendments.
//!
//! Run: `cargo bench --bench tui`. The aim is every frame under 10 ms.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use treaty_workbench::testing::fixture;
use treaty_workbench::tui::action::Action;
use treaty_workbench::tui::app::{Msg, State, update};
use treaty_workbench::tui::data::Data;
use treaty_workbench::tui::keymap::{Key, Keymap};
use treaty_workbench::tui::theme::Styles;
use treaty_workbench::tui::{jobs, screens};

/// How many copies of every article the generated negotiation holds.
const COPIES: usize = 8;

/// The bundled sample with every article file copied `COPIES` times (ids prefixed `kN-`,
/// articles renumbered from 100), listed in a last Part of treaty.md.
fn generate(dir: &Path) -> PathBuf {
    let mut files: Vec<(String, Vec<u8>)> = treaty_workbench::demo::bundled_sample()
        .iter()
        .map(|(p, b)| (p.to_string(), b.to_vec()))
        .collect();
    let mut articles: Vec<(String, String)> = files
        .iter()
        .filter_map(|(p, b)| {
            let name = p.strip_prefix("drafts/articles/")?;
            Some((name.to_string(), String::from_utf8(b.clone()).ok()?))
        })
        .collect();
    articles.sort();
    let mut list = String::from("\n## Part X. Generated copies {#part-generated}\n\n");
    let mut number = 100;
    for k in 1..=COPIES {
        for (name, text) in &articles {
            let text = text.replace("{#", &format!("{{#k{k}-"));
            // `### Article 15. Title` → `### Article 100. Title`
            let at = text.find("Article ").unwrap_or(0);
            let end = at + text[at..].find('.').unwrap_or(0);
            let text = format!("{}Article {number}{}", &text[..at], &text[end..]);
            let file = format!("copy{k}-{name}");
            files.push((format!("drafts/articles/{file}"), text.into_bytes()));
            list.push_str(&format!("- [Article {number}. Copy](articles/{file})\n"));
            number += 1;
        }
    }
    let treaty = files
        .iter_mut()
        .find(|(p, _)| p == "drafts/treaty.md")
        .expect("the sample has drafts/treaty.md");
    treaty.1.extend_from_slice(list.as_bytes());
    let root = dir.join("repo");
    fixture::build_from(&files, &root).expect("generated record builds");
    root
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let root = generate(dir.path());
    let mut ctx = jobs::Context::open(&root);
    let data = Arc::new(Data::load(&root).unwrap());
    eprintln!(
        "generated negotiation: {} clauses, {} open bracket groups, {} commits",
        data.draft.clauses.len(),
        data.stats.iter().map(|s| s.groups).sum::<usize>(),
        data.history.len()
    );
    let mut s = State::new(data, Styles::default(), Keymap::default());
    s.size = (160, 50);
    let mut term = Terminal::new(TestBackend::new(160, 50)).unwrap();
    // Somewhere deep in the generated part, a clause with text.
    s.selected = (0..s.data.draft.clauses.len())
        .rev()
        .find(|i| s.data.stats[*i].groups > 1)
        .unwrap_or(0);

    let mut group = c.benchmark_group("render");
    group
        .measurement_time(Duration::from_secs(2))
        .sample_size(20);
    for (name, a) in common::SCREENS {
        common::open_screen(&mut ctx, &mut s, a);
        group.bench_function(name, |b| {
            b.iter(|| {
                term.draw(|f| screens::draw(&s, f)).unwrap();
            });
        });
    }
    group.finish();

    ctx.settle(
        &mut s,
        vec![Msg::Action(Action::Back), Msg::Action(Action::Outline)],
    );
    let mut group = c.benchmark_group("key_to_frame");
    group
        .measurement_time(Duration::from_secs(2))
        .sample_size(20);
    let down = Key::from_event(&KeyEvent::from(KeyCode::Down)).unwrap();
    group.bench_function("outline_down", |b| {
        b.iter(|| {
            if let Some(m) = s.key_msg(down) {
                update(&mut s, m);
            }
            term.draw(|f| screens::draw(&s, f)).unwrap();
        });
    });
    ctx.settle(&mut s, vec![Msg::Action(Action::Clause)]);
    let next = Key::char(']');
    group.bench_function("clause_next_point", |b| {
        b.iter(|| {
            if let Some(m) = s.key_msg(next) {
                update(&mut s, m);
            }
            term.draw(|f| screens::draw(&s, f)).unwrap();
        });
    });
    // Includes the whole-draft diff the worker would do off the UI thread.
    ctx.settle(&mut s, vec![Msg::Action(Action::Compare)]);
    group.bench_function("compare_next_delegation_with_diff", |b| {
        b.iter(|| {
            ctx.settle(&mut s, vec![Msg::Action(Action::NextSource)]);
            term.draw(|f| screens::draw(&s, f)).unwrap();
        });
    });
    // The same, resolving the delegation's text anew each time (its first visit).
    group.bench_function("compare_next_delegation_first_time", |b| {
        b.iter(|| {
            ctx.forget_resolved();
            ctx.settle(&mut s, vec![Msg::Action(Action::NextSource)]);
            term.draw(|f| screens::draw(&s, f)).unwrap();
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
