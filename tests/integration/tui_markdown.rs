//! Inline Markdown in the panes other than the article view: the Clause pane, Compare
//! and History show `*emphasis*` as a style and links as their text with a numbered
//! target, never mistaking a bracket group for a link, and a change made inside an
//! emphasis shows no stray `*`. On the fixed record, with Article 1's second paragraph
//! drafted with Markdown and then amended inside its emphasis.

use std::sync::Arc;

use insta::assert_snapshot;
use ratatui::style::Modifier;

use treaty_workbench::amend::Change;
use treaty_workbench::store::Store;
use treaty_workbench::testing::fixture;
use treaty_workbench::tui::action::Action;
use treaty_workbench::tui::app::{Msg, Screen, State};
use treaty_workbench::tui::compare::Version;
use treaty_workbench::tui::data::Data;
use treaty_workbench::tui::jobs;
use treaty_workbench::tui::keymap::Keymap;
use treaty_workbench::tui::theme::Styles;

use super::tui::{act, goto, render, style_at, text_of};

const RIO: &str = "https://undocs.org/A/CONF.151/26/Rev.1";
const CHARTER: &str = "https://www.un.org/en/about-us/un-charter";

/// Article 1, paragraph 2, as compiled: emphasis, a reference link and an inline link
/// beside a bracket group of two alternatives and one of attributed options.
fn drafted() -> String {
    format!(
        "*Recalling* the [Rio Declaration][RIO] and the [Charter]({CHARTER}), the Parties shall act on the basis of [common but differentiated responsibilities][their respective capabilities] and [in good faith - EU / with due diligence - USA]."
    )
}

/// The same paragraph amended inside its emphasis.
fn amended() -> String {
    drafted().replace("*Recalling*", "*Reaffirming*")
}

struct Record {
    _dir: tempfile::TempDir,
    root: std::path::PathBuf,
    jobs: std::cell::RefCell<jobs::Context>,
}

fn record() -> Record {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("repo");
    let files: Vec<(String, Vec<u8>)> = treaty_workbench::demo::bundled_sample()
        .iter()
        .map(|(path, bytes)| {
            let mut bytes = bytes.to_vec();
            if *path == "drafts/articles/objective.md" {
                let text = String::from_utf8(bytes).unwrap();
                let start = text.find("2. In pursuing").unwrap();
                let end = text.find(" {#objective.2}").unwrap();
                let text = format!(
                    "{}2. {}{}\n[RIO]: {RIO}\n",
                    &text[..start],
                    drafted(),
                    &text[end..]
                );
                bytes = text.into_bytes();
            }
            (path.to_string(), bytes)
        })
        .collect();
    let store: Store = fixture::build_from(&files, &root).expect("fixture builds");
    let change = Change::Replace {
        clause: "objective.2".into(),
        text: amended(),
    };
    fixture::amend(&store, &change, &["EU"], "markdown-emphasis").expect("amends");
    Record {
        _dir: dir,
        jobs: std::cell::RefCell::new(jobs::Context::open(&root)),
        root,
    }
}

fn state(r: &Record) -> State {
    let data = Arc::new(Data::load(&r.root).expect("loads"));
    assert_eq!(data.diagnostics, 0, "the record checks clean");
    let mut s = State::new(data, Styles::default(), Keymap::default());
    s.size = (100, 30);
    s
}

fn drive(r: &Record, s: &mut State, msgs: impl IntoIterator<Item = Msg>) {
    r.jobs.borrow_mut().settle(s, msgs);
}

/// What the screen shows of the paragraph's Markdown: no marker, both links numbered
/// with their targets listed, both bracket groups as drafted.
fn assert_rendered(screen: &str) {
    assert!(!screen.contains('*'), "a marker shows:\n{screen}");
    assert!(
        !screen.contains("](http"),
        "a link's target shows inline:\n{screen}"
    );
    assert!(!screen.contains("][RIO]"), "a reference shows:\n{screen}");
    assert!(screen.contains("Rio Declaration[1]"), "{screen}");
    assert!(screen.contains("Charter[2]"), "{screen}");
    assert!(screen.contains(&format!("[1] {RIO}")), "{screen}");
    assert!(screen.contains(&format!("[2] {CHARTER}")), "{screen}");
    for part in [
        "[common but differentiated",
        "responsibilities][their respective capabilities]",
        "[in good faith",
        "with due diligence - USA]",
    ] {
        assert!(screen.contains(part), "{part}: {screen}");
    }
}

fn has(style: ratatui::style::Style, m: Modifier) -> bool {
    style.add_modifier.contains(m)
}

#[test]
fn the_clause_pane_shows_emphasis_as_a_style_and_links_numbered() {
    let r = record();
    let mut s = state(&r);
    drive(&r, &mut s, goto("objective.2"));
    drive(&r, &mut s, [act(Action::Clause)]);
    assert_eq!(s.screen, Screen::Clause);
    let t = render(&s, 100, 30);
    let screen = text_of(&t);
    assert_snapshot!("clause_markdown", screen);
    assert_rendered(&screen);
    assert!(screen.contains("Reaffirming the Rio Declaration[1] and the Charter[2], the Parties"));
    let styles = Styles::default();
    assert!(has(style_at(&t, "Reaffirming"), Modifier::ITALIC));
    assert!(has(style_at(&t, "Charter[2]"), Modifier::UNDERLINED));
    assert!(!has(style_at(&t, "the Parties"), Modifier::ITALIC));
    // The bracket groups keep their own styles: the link text is not bracketed text.
    assert_eq!(
        style_at(&t, "common but").fg,
        styles.get("bracket.depth.1").fg
    );
    assert_ne!(
        style_at(&t, "Rio Declaration").fg,
        styles.get("bracket.depth.1").fg
    );
    // Two choice points, neither of them a link.
    assert_eq!(s.choice_points().len(), 2);

    // The clean text preview reads the same way.
    drive(&r, &mut s, [act(Action::CleanText)]);
    let t = render(&s, 100, 30);
    let clean = text_of(&t);
    assert!(
        clean.contains("Reaffirming the Rio Declaration[1] and the Charter[2], the Parties"),
        "{clean}"
    );
    assert!(!clean.contains('*'), "{clean}");
    assert!(has(style_at(&t, "Reaffirming"), Modifier::ITALIC));

    // The outline's one-line preview reads the words, not the markup.
    drive(&r, &mut s, [act(Action::Outline)]);
    let t = render(&s, 160, 30);
    let outline = text_of(&t);
    assert!(
        outline.contains("Reaffirming the Rio Declaration and the Charter, the Parties"),
        "{outline}"
    );
    assert!(!outline.contains("*Reaffirming"), "{outline}");
}

#[test]
fn compare_draws_the_markdown_over_the_change_without_a_stray_marker() {
    let r = record();
    let mut s = state(&r);
    drive(&r, &mut s, goto("objective.2"));
    drive(&r, &mut s, [act(Action::Compare)]);
    assert_eq!(
        (&s.compare.left, &s.compare.right),
        (&Version::Round("r2-nairobi".into()), &Version::Draft)
    );
    s.compare.only = Some("objective.2".into());
    s.compare.result = None;
    drive(&r, &mut s, [act(Action::Compare)]);
    let t = render(&s, 100, 30);
    let screen = text_of(&t);
    assert_snapshot!("compare_markdown_inline", screen);
    assert_rendered(&screen);
    // The change is inside the emphasis: both words italic, marked as changed, and no `*`.
    let styles = Styles::default();
    let old = style_at(&t, "Recalling");
    let new = style_at(&t, "Reaffirming");
    assert!(has(old, Modifier::ITALIC) && has(new, Modifier::ITALIC));
    assert_eq!(old.fg, styles.get("diff.deleted.token").fg);
    assert!(has(old, Modifier::CROSSED_OUT));
    assert_eq!(new.fg, styles.get("diff.inserted.token").fg);
    assert!(has(new, Modifier::UNDERLINED));
    assert!(
        screen.contains("RecallingReaffirming the Rio Declaration[1]"),
        "{screen}"
    );

    // Side by side: each side as it reads.
    drive(&r, &mut s, [act(Action::CompareMode)]);
    let t = render(&s, 100, 30);
    let screen = text_of(&t);
    assert_snapshot!("compare_markdown_side_by_side", screen);
    assert!(!screen.contains('*'), "{screen}");
    assert!(screen.contains("Recalling the Rio"), "{screen}");
    assert!(screen.contains("Reaffirming the Rio"), "{screen}");
    assert!(has(style_at(&t, "Recalling the"), Modifier::ITALIC));
}

#[test]
fn history_and_replay_show_the_markdown_of_each_version_and_of_the_blame() {
    let r = record();
    let mut s = state(&r);
    s.size = (140, 40);
    drive(&r, &mut s, goto("objective.2"));
    drive(
        &r,
        &mut s,
        [act(Action::History), act(Action::ClauseHistory)],
    );
    assert!(s.clause_timeline().is_some_and(Result::is_ok));
    let t = render(&s, 140, 40);
    let screen = text_of(&t);
    assert_snapshot!("history_markdown_blame", screen);
    assert!(!screen.contains('*'), "{screen}");
    assert!(screen.contains("Recalling"), "the change: {screen}");
    assert!(has(style_at(&t, "Reaffirming"), Modifier::ITALIC));
    assert!(screen.contains("Rio Declaration[1]"), "{screen}");

    // The replay of the last amendment: the change inside the emphasis, no marker.
    drive(
        &r,
        &mut s,
        [act(Action::ClauseHistory), act(Action::ReplayPrev)],
    );
    assert_eq!(s.history.step, Some(s.data.history.len() - 1));
    let t = render(&s, 140, 40);
    let screen = text_of(&t);
    assert_snapshot!("history_markdown_replay", screen);
    assert!(!screen.contains('*'), "{screen}");
    assert!(screen.contains("RecallingReaffirming"), "{screen}");
    assert!(has(style_at(&t, "Reaffirming"), Modifier::ITALIC));
    assert!(has(style_at(&t, "Recalling"), Modifier::CROSSED_OUT));
}
