//! The article view, help and tabs of the workbench, rendered from state on the fixed
//! record (in process), and the article view opened on the real binary under tmux.

use insta::assert_snapshot;
use ratatui::style::Modifier;

use treaty_workbench::tui::action::Action;
use treaty_workbench::tui::app::{Screen, State};

use super::tui::{act, drive, fixed, goto, render, state, style_at, text_of};
use super::tui_tmux::{Tmux, fixed_repo};

/// The first line of the article view's pane: its title with `line N of M`.
fn view_title(s: &State, w: u16, h: u16) -> String {
    let screen = text_of(&render(s, w, h));
    screen
        .lines()
        .find(|l| l.contains(" of "))
        .unwrap_or_default()
        .to_string()
}

#[test]
fn enter_on_an_article_heading_opens_the_whole_article() {
    let f = fixed();
    let mut s = state(&f);
    s.size = (80, 24);
    drive(&f, &mut s, goto("definitions"));
    assert_eq!(s.screen, Screen::Outline);
    drive(&f, &mut s, [act(Action::Open)]);
    assert!(s.article.is_some(), "Enter on a heading opens the article");
    let t = render(&s, 80, 24);
    assert_snapshot!("article_80x24", text_of(&t));
    // The footnote reference and the bracketed alternatives keep their styles.
    assert_ne!(
        style_at(&t, "some degree of"),
        style_at(&t, "means a computational")
    );

    // Scrolling: j, PageDown, End, Home; the title says where.
    assert!(view_title(&s, 80, 24).contains("line 1 of"));
    drive(&f, &mut s, [act(Action::Down)]);
    assert!(view_title(&s, 80, 24).contains("line 2 of"));
    drive(&f, &mut s, [act(Action::PageDown)]);
    assert!(view_title(&s, 80, 24).contains("line 20 of"));
    drive(&f, &mut s, [act(Action::Bottom)]);
    let end = text_of(&render(&s, 80, 24));
    assert!(end.contains("[^1] Chair's note"), "{end}");
    drive(&f, &mut s, [act(Action::Top)]);
    assert!(view_title(&s, 80, 24).contains("line 1 of"));

    // Esc closes it, back on the Outline where it was opened.
    drive(&f, &mut s, [act(Action::Back)]);
    assert!(s.article.is_none());
    assert_eq!(s.screen, Screen::Outline);
}

#[test]
fn a_wide_terminal_gets_long_lines() {
    let f = fixed();
    let mut s = state(&f);
    s.size = (180, 40);
    drive(&f, &mut s, goto("definitions.1.a"));
    drive(&f, &mut s, [act(Action::ReadArticle)]);
    let t = render(&s, 180, 40);
    assert_snapshot!("article_180x40", text_of(&t));
    let emphasis = style_at(&t, "Chair's note");
    assert!(!emphasis.add_modifier.contains(Modifier::UNDERLINED));
}

#[test]
fn the_article_opens_from_history_and_compare() {
    let f = fixed();
    let mut s = state(&f);
    drive(&f, &mut s, [act(Action::History), act(Action::ReadArticle)]);
    let from_history = s.article.expect("opened from History");
    let clause = &s.data.draft.clauses[from_history.clause];
    assert!(
        !clause.kind.has_text(),
        "a whole article or annex: {clause:?}"
    );
    // Any other key closes it and does what it does.
    drive(&f, &mut s, [act(Action::Compare)]);
    assert!(s.article.is_none());
    assert_eq!(s.screen, Screen::Compare);
    drive(&f, &mut s, [act(Action::ReadArticle)]);
    assert!(view_title(&s, 100, 30).contains("— as drafted — line "));
    drive(&f, &mut s, [act(Action::ReadArticle)]);
    assert!(s.article.is_none(), "the key that opened it closes it");
}

#[test]
fn the_article_view_from_the_outline_under_tmux() {
    let dir = tempfile::tempdir().unwrap();
    let root = fixed_repo(dir.path());
    let Some(t) = Tmux::start(dir.path(), &root, dir.path()) else {
        return;
    };
    let bin = env!("CARGO_BIN_EXE_treaty");
    t.type_text(&format!("'{bin}' tui"));
    t.keys(&["Enter"]);
    t.wait_for("1 Outline", |_| true);
    t.type_text(":definitions");
    t.keys(&["Enter", "Enter"]);
    let s = t.wait_for("Article 2 — as drafted — line 1 of", |s| {
        s.contains("(a) \"artificial intelligence system\"")
    });
    assert!(!s.contains("\\n"), "no literal line breaks:\n{s}");
    t.keys(&["End"]);
    t.wait_for("[^1] Chair's note", |_| true);
    t.keys(&["Escape"]);
    t.wait_for("Outline —", |s| !s.contains("as drafted"));
    t.keys(&["q"]);
    t.wait_for("READY$", |s| !s.contains("1 Outline"));
    t.assert_restored();
}

#[test]
fn help_scrolls_with_every_scrolling_key_and_keeps_them_at_80x24() {
    let f = fixed();
    let mut s = state(&f);
    s.size = (80, 24);
    let selected = s.selected;
    drive(&f, &mut s, [act(Action::Help)]);
    let t = render(&s, 80, 24);
    assert_snapshot!("help_80x24", text_of(&t));
    assert!(
        text_of(&t).contains("…│"),
        "long lines end in … at the border"
    );

    // j (Down) scrolls one line, PageDown a page: help stays open, the outline stays put.
    drive(&f, &mut s, [act(Action::Down)]);
    assert_eq!((s.help, s.help_scroll), (true, 1));
    drive(&f, &mut s, [act(Action::PageDown)]);
    assert!(s.help && s.help_scroll > 1);
    assert_eq!(s.selected, selected, "PageDown did not page the outline");
    assert_snapshot!("help_80x24_paged", text_of(&render(&s, 80, 24)));
    drive(&f, &mut s, [act(Action::Bottom)]);
    assert!(text_of(&render(&s, 80, 24)).contains("reload"));
    drive(&f, &mut s, [act(Action::Top)]);
    assert_eq!(s.help_scroll, 0);

    // Esc closes it; the next key is the screen's again.
    drive(&f, &mut s, [act(Action::Back), act(Action::Down)]);
    assert!(!s.help);
    assert_ne!(s.selected, selected);
}

#[test]
fn every_tab_is_reachable_at_60_columns() {
    let f = fixed();
    let mut s = state(&f);
    s.size = (60, 20);
    let t = render(&s, 60, 20);
    assert_snapshot!("tabs_60", text_of(&t).lines().next().unwrap());
    // A click on each tab's short name goes to its screen.
    let cells = treaty_workbench::tui::screens::tab_cells(&s, 60);
    let mut x = 0;
    for (cell, screen) in cells.iter().zip(Screen::ALL) {
        drive(&f, &mut s, [super::tui::click(x + 1, 0)]);
        assert_eq!(s.screen, screen, "{cell}");
        x += cell.chars().count() as u16;
    }
    assert!(x <= 60);
}

#[test]
fn choice_points_show_whole_attributions_when_wide_and_cut_with_an_ellipsis_when_not() {
    let f = fixed();
    let mut s = state(&f);
    drive(&f, &mut s, goto("objective.1"));
    drive(&f, &mut s, [act(Action::Clause)]);
    let whole = "equitable access to the benefits of artificial intelligence (G77, AGN)";
    let wide = text_of(&render(&s, 200, 30));
    let points = wide
        .split("Choice points")
        .nth(1)
        .expect("choice points shown");
    assert!(points.contains(whole), "{wide}");
    let narrow = text_of(&render(&s, 80, 30));
    let points = narrow
        .split("Choice points")
        .nth(1)
        .expect("choice points shown");
    assert!(!points.contains(whole) && points.contains("…│"), "{narrow}");
}

#[test]
fn the_base_never_becomes_the_other_side_and_the_matrix_gives_each_note() {
    let f = fixed();
    let mut s = state(&f);
    drive(&f, &mut s, [act(Action::Compare)]);
    let sources = treaty_workbench::tui::compare::sources(&s.data).len();
    for _ in 0..2 * sources {
        drive(&f, &mut s, [act(Action::NextBase)]);
        assert_ne!(s.compare.left, s.compare.right);
        drive(&f, &mut s, [act(Action::NextSource)]);
        assert_ne!(s.compare.left, s.compare.right);
    }

    drive(&f, &mut s, goto("objective.1"));
    drive(
        &f,
        &mut s,
        [act(Action::CompareMode), act(Action::CompareMode)],
    );
    let note = s
        .compare
        .matrix
        .iter()
        .find(|r| !r.note.is_empty())
        .expect("a delegation explains its stance on objective.1");
    let (code, first_words) = (
        note.delegation.clone(),
        note.note
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" "),
    );
    let row = s.compare.matrix.iter().position(|r| r.delegation == code);
    s.compare.row = row.unwrap();
    let screen = text_of(&render(&s, 160, 40));
    assert!(screen.contains(&first_words), "{screen}");
    assert!(screen.contains(&format!("{code}'s note:")), "{screen}");
}

#[test]
fn the_article_opens_at_the_selected_clause() {
    let f = fixed();
    let mut s = state(&f);
    s.size = (80, 24);
    drive(&f, &mut s, goto("definitions.1.g"));
    drive(&f, &mut s, [act(Action::ReadArticle)]);
    let screen = text_of(&render(&s, 80, 24));
    assert!(!view_title(&s, 80, 24).contains("line 1 of"), "{screen}");
    assert!(screen.contains("(g) \"affected person\""), "{screen}");
    assert!(
        !screen.contains("(a) \"artificial"),
        "scrolled past the top: {screen}"
    );
}
