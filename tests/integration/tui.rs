//! The TUI rendered from state into a test buffer, on a fixed record (the sample, a
//! compilation commit, two rounds, four amendments; fixed clock and ids).

use std::sync::Arc;

use insta::assert_snapshot;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Modifier;

use treaty_workbench::testing::fixture;
use treaty_workbench::tui::action::Action;
use treaty_workbench::tui::app::{EditKey, Effect, Msg, Screen, State, update};
use treaty_workbench::tui::compare::{Tag, Version};
use treaty_workbench::tui::data::Data;
use treaty_workbench::tui::jobs;
use treaty_workbench::tui::keymap::Keymap;
use treaty_workbench::tui::screens;
use treaty_workbench::tui::theme::Styles;

pub(super) struct Fixed {
    _dir: tempfile::TempDir,
    root: std::path::PathBuf,
    /// What the background worker keeps: the record and its history index.
    jobs: std::cell::RefCell<jobs::Context>,
}

pub(super) fn fixed() -> Fixed {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("repo");
    fixture::build(&root).expect("fixture builds");
    Fixed {
        _dir: dir,
        jobs: std::cell::RefCell::new(jobs::Context::open(&root)),
        root,
    }
}

pub(super) fn state(f: &Fixed) -> State {
    let data = Arc::new(Data::load(&f.root).expect("loads"));
    let mut s = State::new(data, Styles::default(), Keymap::default());
    s.size = (100, 30);
    s
}

/// Applies messages, doing any background request synchronously (as the worker would).
pub(super) fn drive(f: &Fixed, s: &mut State, msgs: impl IntoIterator<Item = Msg>) -> Vec<Effect> {
    f.jobs.borrow_mut().settle(s, msgs)
}

pub(super) fn act(a: Action) -> Msg {
    Msg::Action(a)
}

/// Each character typed into the field being edited.
pub(super) fn typed(text: &str) -> Vec<Msg> {
    text.chars()
        .map(|c| Msg::EditKey(EditKey::Insert(c)))
        .collect()
}

/// Every message given to the state in turn, and the effects it asked for (no worker).
pub(super) fn update_all(s: &mut State, msgs: impl IntoIterator<Item = Msg>) -> Vec<Effect> {
    msgs.into_iter().flat_map(|m| update(s, m)).collect()
}

pub(super) fn goto(id: &str) -> Vec<Msg> {
    let mut m = vec![act(Action::Goto)];
    m.extend(id.chars().map(|c| Msg::EditKey(EditKey::Insert(c))));
    m.push(act(Action::Open));
    m
}

/// A cell's foreground; ratatui fills unset colours with `Reset`.
fn fg(style: ratatui::style::Style) -> ratatui::style::Color {
    style.fg.unwrap_or(ratatui::style::Color::Reset)
}

pub(super) fn render(s: &State, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| screens::draw(s, f)).unwrap();
    t
}

pub(super) fn text_of(t: &Terminal<TestBackend>) -> String {
    t.backend().to_string()
}

/// The style of the first cell where `needle` starts on screen.
pub(super) fn style_at(t: &Terminal<TestBackend>, needle: &str) -> ratatui::style::Style {
    let buf = t.backend().buffer();
    let w = buf.area.width as usize;
    let chars: Vec<&str> = buf.content.iter().map(|c| c.symbol()).collect();
    for row in 0..buf.area.height as usize {
        let line: String = chars[row * w..(row + 1) * w].concat();
        if let Some(byte) = line.find(needle) {
            let col = line[..byte].chars().count();
            return buf.content[row * w + col].style();
        }
    }
    panic!("`{needle}` not on screen:\n{}", text_of(t));
}

#[test]
fn outline_and_clause_screens() {
    let f = fixed();
    let mut s = state(&f);
    assert_snapshot!("outline", text_of(&render(&s, 100, 30)));
    drive(&f, &mut s, goto("observatory.3"));
    assert_eq!(s.selected_id().as_deref(), Some("observatory.3"));
    assert_snapshot!("outline_selected", text_of(&render(&s, 100, 30)));
    drive(
        &f,
        &mut s,
        [
            act(Action::Open),
            act(Action::NextPoint),
            act(Action::NextAlternative),
        ],
    );
    assert_eq!(s.screen, Screen::Clause);
    let t = render(&s, 100, 30);
    assert_snapshot!("clause", text_of(&t));
    drive(&f, &mut s, [act(Action::CleanText)]);
    let t = render(&s, 100, 30);
    assert_snapshot!("clause_clean", text_of(&t));
    assert!(
        text_of(&t).contains("on the basis of competence"),
        "second alternative previewed"
    );
}

#[test]
fn bracket_styles_follow_depth_and_kind() {
    let f = fixed();
    let mut s = state(&f);
    drive(&f, &mut s, goto("observatory.3"));
    drive(&f, &mut s, [act(Action::Open)]);
    let t = render(&s, 100, 30);
    let styles = Styles::default();
    let inside = style_at(&t, "twenty-four");
    assert_eq!(fg(inside), fg(styles.get("bracket.depth.1")));
    assert!(
        inside.add_modifier.contains(Modifier::ITALIC),
        "alternatives are italic"
    );
    let outside = style_at(&t, "experts serving");
    assert_eq!(fg(outside), fg(styles.get("default")));
    assert!(!outside.add_modifier.contains(Modifier::ITALIC));

    drive(&f, &mut s, goto("observatory.4"));
    let t = render(&s, 100, 30);
    let attribution = style_at(&t, "CHN delete");
    assert_eq!(fg(attribution), fg(styles.get("attribution.delete")));
    assert!(attribution.add_modifier.contains(Modifier::ITALIC));

    drive(&f, &mut s, goto("observatory.5"));
    let t = render(&s, 100, 30);
    assert_eq!(
        fg(style_at(&t, "Option 1:")),
        fg(styles.get("option.label"))
    );
    assert!(
        style_at(&t, "No text.")
            .add_modifier
            .contains(Modifier::DIM)
    );
}

#[test]
fn compare_inline_side_by_side_and_matrix() {
    let f = fixed();
    let mut s = state(&f);
    drive(&f, &mut s, goto("observatory.2.c"));
    // Older on the left: Compare opens on the latest round against the current draft.
    drive(&f, &mut s, [act(Action::Compare)]);
    assert_eq!(
        (&s.compare.left, &s.compare.right),
        (&Version::Round("r2-nairobi".into()), &Version::Draft)
    );
    s.compare.left = Version::Round("r1-geneva".into());
    s.compare.result = None;
    drive(&f, &mut s, [act(Action::Compare)]);
    let t = render(&s, 100, 30);
    assert_snapshot!("compare_inline", text_of(&t));
    let styles = Styles::default();
    // Left is the first round, right the current draft: the words added since are shown
    // as inserted, marked as well as coloured.
    let ins = style_at(&t, "Africa");
    assert_eq!(fg(ins), fg(styles.get("diff.inserted.token")));
    assert!(!ins.add_modifier.is_empty(), "not colour alone");
    drive(&f, &mut s, [act(Action::NextBase)]);
    assert_ne!(
        s.compare.left, s.compare.right,
        "the base skips the other side: never a round against itself"
    );
    s.compare.left = Version::Draft;
    s.compare.right = Version::Round("r1-geneva".into());
    drive(
        &f,
        &mut s,
        [act(Action::NextSource), act(Action::PrevSource)],
    );
    assert_eq!(s.compare.right, Version::Round("r1-geneva".into()));
    drive(&f, &mut s, [act(Action::CompareMode)]);
    let t = render(&s, 100, 30);
    assert_snapshot!("compare_side_by_side", text_of(&t));
    drive(&f, &mut s, goto("fund.3"));
    drive(&f, &mut s, [act(Action::CompareMode)]);
    assert_snapshot!("compare_matrix", text_of(&render(&s, 100, 30)));
    // Open the EU row: the draft against the EU position.
    let eu = s
        .compare
        .matrix
        .iter()
        .position(|r| r.delegation == "EU")
        .unwrap();
    s.compare.row = eu;
    drive(&f, &mut s, [act(Action::Open)]);
    let t = render(&s, 100, 30);
    assert!(
        text_of(&t).contains("current draft → EU position"),
        "{}",
        text_of(&t)
    );
    assert!(
        text_of(&t).lines().nth(2).unwrap().contains("fund.3"),
        "scrolled to the clause:\n{}",
        text_of(&t)
    );
    let buf = t.backend().buffer();
    let inserted = styles.get("diff.inserted.token");
    assert!(
        buf.content.iter().any(|c| c.style().fg == inserted.fg
            && c.style().add_modifier.contains(Modifier::UNDERLINED))
    );
    assert_snapshot!("compare_matrix_opened", text_of(&t));

    // A delegation's inserts are new clauses in its view of the text, and the matrix says
    // so on the clause they follow.
    drive(&f, &mut s, goto("capacity.3"));
    s.compare.left = Version::Draft;
    s.compare.right = Version::Position("AGN".into());
    s.compare.result = None;
    drive(&f, &mut s, [act(Action::Compare)]);
    let Some(Ok(diffs)) = &s.compare.result else {
        panic!("no compare result: {:?}", s.compare.result);
    };
    let new = diffs
        .iter()
        .find(|d| d.change == "inserted" && d.reference.contains("paragraph 3 bis"))
        .unwrap_or_else(|| panic!("AGN's new paragraph 3 bis: {diffs:?}"));
    assert!(new.tokens.iter().all(|(t, _)| *t == Tag::Inserted));
    drive(
        &f,
        &mut s,
        [act(Action::CompareMode), act(Action::CompareMode)],
    );
    let agn = s
        .compare
        .matrix
        .iter()
        .find(|r| r.delegation == "AGN")
        .unwrap();
    assert_eq!(agn.inserts, 1);
    assert!(text_of(&render(&s, 100, 30)).contains("+ 1 new clause after it"));
}

#[test]
fn tiers_annexes_history_amend_and_help() {
    let f = fixed();
    let mut s = state(&f);
    drive(
        &f,
        &mut s,
        [act(Action::Tiers), act(Action::Down), act(Action::WhatIf)],
    );
    assert_snapshot!("tiers_what_if", text_of(&render(&s, 100, 30)));
    drive(&f, &mut s, [act(Action::Annexes)]);
    assert_snapshot!("annexes", text_of(&render(&s, 100, 30)));
    drive(&f, &mut s, goto("observatory.2.c"));
    drive(
        &f,
        &mut s,
        [
            act(Action::History),
            act(Action::ReplayNext),
            act(Action::ReplayNext),
            act(Action::ReplayNext),
        ],
    );
    assert_eq!(s.history.step, Some(2));
    let t = render(&s, 100, 30);
    assert_snapshot!("history_replay", text_of(&t));
    assert!(
        text_of(&t).contains("Bracket capacity.2"),
        "the step's amendment is shown"
    );
    assert!(
        text_of(&t).contains("observatory.2.c at this point"),
        "and the clause then"
    );
    drive(&f, &mut s, [act(Action::ReplayPrev)]);
    assert_eq!(s.history.step, Some(1));

    drive(&f, &mut s, [act(Action::EditInline)]);
    for c in " Amended.".chars() {
        drive(&f, &mut s, [Msg::EditKey(EditKey::Insert(c))]);
    }
    assert_snapshot!("amend_editor", text_of(&render(&s, 100, 30)));
    drive(&f, &mut s, [act(Action::Help)]);
    assert_snapshot!("help", text_of(&render(&s, 100, 40)));
}

#[test]
fn every_size_down_to_40x12_and_too_small_below() {
    let f = fixed();
    let mut s = state(&f);
    let screens = [
        Action::Outline,
        Action::Clause,
        Action::Compare,
        Action::Tiers,
        Action::Annexes,
        Action::History,
        Action::Amend,
    ];
    for (w, h) in [
        (40, 12),
        (41, 13),
        (60, 15),
        (200, 60),
        (39, 30),
        (80, 11),
        (1, 1),
    ] {
        for a in screens {
            drive(&f, &mut s, [act(a), act(Action::ReplayNext)]);
            drive(&f, &mut s, [act(a)]);
            let t = render(&s, w, h);
            let small = w < 40 || h < 12;
            assert_eq!(
                text_of(&t).contains("too small"),
                small && w * h > 40,
                "{w}×{h} {a:?}"
            );
        }
    }
    assert_snapshot!("too_small", text_of(&render(&s, 39, 11)));
    drive(&f, &mut s, [act(Action::Outline)]);
    assert_snapshot!("outline_40x12", text_of(&render(&s, 40, 12)));
}

#[test]
fn control_sequences_in_text_and_history_never_reach_the_screen() {
    let f = fixed();
    let path = f.root.join("drafts/articles/observatory.md");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace(
            "An independent",
            "An \u{1b}[2J\u{1b}]0;owned\u{7} independent",
        ),
    )
    .unwrap();
    let mut s = state(&f);
    drive(&f, &mut s, goto("observatory.1"));
    for a in [
        Action::Outline,
        Action::Clause,
        Action::Compare,
        Action::History,
        Action::Amend,
    ] {
        drive(&f, &mut s, [act(a), act(Action::ReplayNext)]);
        drive(&f, &mut s, [act(a)]);
        let t = render(&s, 120, 40);
        for cell in t.backend().buffer().content.iter() {
            assert!(
                !cell.symbol().chars().any(|c| c.is_control()),
                "control char drawn on {a:?}"
            );
        }
    }
}

#[test]
fn lifting_a_bracket_is_two_keystrokes_and_one_commit() {
    let f = fixed();
    let mut s = state(&f);
    drive(&f, &mut s, goto("pp3"));
    drive(&f, &mut s, [act(Action::Clause)]);
    let effects = drive(&f, &mut s, [act(Action::Lift), act(Action::Confirm)]);
    let [Effect::Commit(write)] = effects.as_slice() else {
        panic!("expected one commit, got {effects:?}");
    };
    assert!(write.base.is_some(), "made against the text as shown");
    let summary = treaty_workbench::tui::amending::commit(&f.root, write).unwrap();
    assert_eq!(summary, "Lift brackets in pp3");
    let after = Data::load(&f.root).unwrap();
    let i = after.draft.index_of("pp3").unwrap();
    let text = &after.draft.clauses[i].text;
    assert!(text.contains("*Noting* with concern that"), "{text}");
    assert_eq!(after.history.last().unwrap().proposers, ["CHAIR"]);
    assert_eq!(
        after.history.last().unwrap().round.as_deref(),
        Some("r2-nairobi")
    );
}

#[test]
fn themes_all_render_and_a_user_keymap_overrides() {
    let f = fixed();
    for name in treaty_workbench::theme::builtin_names() {
        let theme = treaty_workbench::theme::Theme::builtin(name).unwrap();
        let data = Arc::new(Data::load(&f.root).unwrap());
        let mut s = State::new(data, Styles::new(theme), Keymap::builtin("vim").unwrap());
        drive(&f, &mut s, goto("observatory.3"));
        // Select the second group, so the first is drawn without the selection style.
        drive(&f, &mut s, [act(Action::Clause), act(Action::NextPoint)]);
        let t = render(&s, 80, 24);
        let styles = Styles::new(treaty_workbench::theme::Theme::builtin(name).unwrap());
        assert_eq!(
            fg(style_at(&t, "twenty-four")),
            fg(styles.compose(&["bracket.depth.1", "alternative"])),
            "{name}"
        );
    }
}

#[test]
fn mouse_and_keys_while_typing() {
    use treaty_workbench::tui::keymap::{Key, KeyName};
    let f = fixed();
    let mut s = state(&f);
    // Click the third visible outline row (border at row 1, rows start at 2).
    drive(&f, &mut s, [Msg::Click { column: 10, row: 4 }]);
    assert_eq!(s.selected, s.outline_rows()[2]);
    // Clicking the selected row opens it; clicking a tab switches screen.
    drive(&f, &mut s, [Msg::Click { column: 10, row: 4 }]);
    assert_eq!(s.screen, Screen::Clause);
    drive(&f, &mut s, [Msg::Click { column: 50, row: 0 }]);
    assert_eq!(s.screen, Screen::Annexes);
    drive(&f, &mut s, [act(Action::Outline), Msg::Scroll(3)]);
    assert_eq!(s.selected, s.outline_rows()[5]);

    // While a prompt has the keys, letters are text, Esc cancels, Ctrl-C still quits.
    drive(&f, &mut s, [act(Action::Search)]);
    assert_eq!(
        s.key_msg(Key::char('q')),
        Some(Msg::EditKey(EditKey::Insert('q')))
    );
    assert_eq!(s.key_msg(Key::ctrl('c')), Some(act(Action::Quit)));
    assert_eq!(s.key_msg(Key::plain(KeyName::Esc)), Some(act(Action::Back)));
    for c in "observatory".chars() {
        drive(&f, &mut s, [Msg::EditKey(EditKey::Insert(c))]);
    }
    drive(&f, &mut s, [act(Action::Open)]);
    assert!(
        s.data.draft.clauses[s.selected]
            .text
            .to_lowercase()
            .contains("observatory")
            || s.selected_id().unwrap_or_default().contains("observatory")
    );
    assert_eq!(update(&mut s, act(Action::Quit)), vec![Effect::Quit]);
}

#[test]
fn clause_history_and_blame_from_the_history_index() {
    let f = fixed();
    let mut s = state(&f);
    drive(&f, &mut s, goto("observatory.2.c"));
    drive(
        &f,
        &mut s,
        [act(Action::History), act(Action::ClauseHistory)],
    );
    assert!(s.history.only_clause);
    let Some(Ok(t)) = s.clause_timeline() else {
        panic!("no clause history: {:?}", s.history.clause);
    };
    // The compilation made the clause; AGN and LDC replaced its text.
    assert_eq!(t.versions.len(), 2, "{:?}", t.versions);
    assert_eq!(t.versions[1].proposers, ["AGN", "LDC"]);
    let rows = s.history_rows();
    assert_eq!(
        rows,
        t.versions.iter().filter_map(|v| v.step).collect::<Vec<_>>()
    );
    assert_eq!(s.history.selected, 1, "the newest version is selected");
    let tx = render(&s, 100, 30);
    assert_snapshot!("history_clause_blame", text_of(&tx));
    assert!(text_of(&tx).contains("History and blame of observatory.2.c"));
    assert!(
        text_of(&tx).contains("‹2›"),
        "words marked with their version"
    );
    // Words the selected version introduced are emphasised, not by colour alone.
    let styles = Styles::default();
    let africa = style_at(&tx, "Africa - AGN");
    assert_eq!(fg(africa), fg(styles.get("diff.inserted.token")));
    assert!(africa.add_modifier.contains(Modifier::UNDERLINED));
    let older = style_at(&tx, "capacity-building");
    assert_ne!(fg(older), fg(styles.get("diff.inserted.token")));

    // The first version: what the compilation said.
    drive(&f, &mut s, [act(Action::Up)]);
    assert!(text_of(&render(&s, 100, 30)).contains("v1 Compilation text"));
    // Enter replays that amendment on the whole timeline.
    drive(&f, &mut s, [act(Action::Open)]);
    assert!(!s.history.only_clause);
    assert_eq!(s.history.step, Some(rows[0]));
    assert!(matches!(s.history.frame, Some(Ok(_))));
}

#[test]
fn annex_versions_compare_with_the_compare_rendering() {
    let f = fixed();
    let mut s = state(&f);
    drive(&f, &mut s, [act(Action::Annexes)]);
    let laws = s
        .data
        .annexes
        .as_ref()
        .unwrap()
        .annexes
        .iter()
        .position(|a| a.annex == "annex-laws")
        .unwrap();
    s.annexes.selected = laws;
    assert!(
        text_of(&render(&s, 100, 30)).contains("v compares its versions"),
        "the key is named where it applies"
    );
    drive(&f, &mut s, [act(Action::CompareVersions)]);
    // The annex as the first round opened against the draft now: unchanged since.
    assert_eq!(s.screen, Screen::Compare);
    assert_eq!(s.compare.only.as_deref(), Some("annex-laws"));
    assert_eq!(s.compare.left, Version::Round("r1-geneva".into()));
    assert_eq!(s.compare.right, Version::Draft);
    assert!(matches!(&s.compare.result, Some(Ok(d)) if d.is_empty()));
    // Against AGN's view of it: AGN proposes a new paragraph 3 bis, nothing outside the
    // annex is listed.
    s.compare.left = Version::Draft;
    while s.compare.right != Version::Position("AGN".into()) {
        drive(&f, &mut s, [act(Action::NextSource)]);
    }
    let Some(Ok(diffs)) = &s.compare.result else {
        panic!("{:?}", s.compare.result);
    };
    assert!(!diffs.is_empty());
    assert!(
        diffs.iter().all(|d| d.id.starts_with("annex-laws")
            || d.reference.starts_with(&s.data.draft.reference(s.selected))),
        "{diffs:?}"
    );
    assert!(diffs.iter().any(|d| d.change == "inserted"), "{diffs:?}");
    let in_annex = diffs.len();
    let t = render(&s, 100, 30);
    assert_snapshot!("compare_annex_versions", text_of(&t));
    assert!(text_of(&t).contains("only"));
    // v again: every clause.
    drive(&f, &mut s, [act(Action::CompareVersions)]);
    assert_eq!(s.compare.only, None);
    let Some(Ok(all)) = &s.compare.result else {
        panic!("{:?}", s.compare.result);
    };
    assert!(all.len() > in_annex);
}

/// A left click at a cell.
pub(super) fn click(column: u16, row: u16) -> Msg {
    Msg::Click { column, row }
}

/// The wheel at a cell.
fn wheel(column: u16, row: u16, lines: i32) -> Msg {
    Msg::Wheel { column, row, lines }
}

#[test]
fn mouse_selects_in_every_list_and_the_wheel_scrolls_the_pane_under_it() {
    // 100×30: tab bar on row 0, the body from row 1 (its border), lists from row 2.
    let f = fixed();
    let mut s = state(&f);

    // Annexes: a click selects a proposal, a second click opens it; the wheel over the
    // text scrolls the text, not the list.
    drive(&f, &mut s, [act(Action::Annexes), click(5, 3)]);
    assert_eq!(s.annexes.selected, 1);
    drive(&f, &mut s, [wheel(50, 20, 3)]);
    assert_eq!((s.annexes.selected, s.annexes.text_scroll), (1, 3));
    drive(&f, &mut s, [wheel(50, 3, 1)]);
    assert_eq!(
        s.annexes.selected, 2,
        "the wheel over the list moves the selection"
    );
    let annex = s.data.annexes.as_ref().unwrap().annexes[2].annex.clone();
    drive(&f, &mut s, [click(5, 4)]);
    assert_eq!(s.screen, Screen::Clause);
    assert_eq!(s.selected_id(), Some(annex));

    // Tiers: the header is row 2, Parties start on row 3.
    drive(&f, &mut s, [act(Action::Tiers), click(3, 5)]);
    assert_eq!(s.tiers.party, 2);
    drive(&f, &mut s, [click(3, 2)]);
    assert_eq!(s.tiers.party, 2, "the header selects nothing");

    // History: a click selects an amendment, a second click replays it; the wheel over
    // the replay pane scrolls it.
    drive(&f, &mut s, [act(Action::History), click(10, 3)]);
    assert_eq!(s.history.selected, 1);
    assert_eq!(s.history.step, None);
    drive(&f, &mut s, [click(10, 3)]);
    assert_eq!(s.history.step, Some(s.history_rows()[1]));
    drive(
        &f,
        &mut s,
        [wheel(70, 5, 3), wheel(70, 5, 3), wheel(70, 5, -2)],
    );
    assert_eq!(s.history.pane_scroll, 4);
    // The page keys scroll the replay pane too; the selection stays.
    let selected = s.history.selected;
    drive(&f, &mut s, [act(Action::PageDown)]);
    assert_eq!(s.history.pane_scroll, 4 + 24);
    drive(&f, &mut s, [act(Action::PageUp), act(Action::PageUp)]);
    assert_eq!(s.history.pane_scroll, 0);
    assert_eq!(s.history.selected, selected);
    drive(&f, &mut s, [wheel(10, 5, -3)]);
    assert_eq!(
        s.history.selected, 0,
        "the wheel over the timeline moves the selection"
    );

    // Compare matrix: a click selects a delegation's cell, a second click opens its diff.
    drive(&f, &mut s, goto("fund.3"));
    drive(
        &f,
        &mut s,
        [
            act(Action::Compare),
            act(Action::CompareMode),
            act(Action::CompareMode),
        ],
    );
    assert!(s.compare.matrix.len() > 3);
    drive(&f, &mut s, [click(5, 4)]);
    assert_eq!(s.compare.row, 2);
    drive(&f, &mut s, [wheel(50, 25, 2)]);
    assert_eq!((s.compare.row, s.compare.cell_scroll), (2, 2));
    let who = s.compare.matrix[2].delegation.clone();
    drive(&f, &mut s, [click(5, 4)]);
    assert_eq!(s.compare.right, Version::Position(who));

    // Outline: the wheel anywhere in it moves the selection.
    drive(
        &f,
        &mut s,
        [act(Action::Outline), act(Action::Top), wheel(50, 10, 3)],
    );
    assert_eq!(s.selected, s.outline_rows()[3]);
    // Clicks outside any list (the status bar) change nothing.
    let before = s.selected;
    drive(&f, &mut s, [click(5, 28)]);
    assert_eq!(s.selected, before);
}

#[test]
fn an_amendment_compared_before_and_after_from_the_history() {
    let f = fixed();
    let mut s = state(&f);
    drive(&f, &mut s, [act(Action::History)]);
    let step = s
        .data
        .history
        .iter()
        .position(|h| h.summary == "Replace the text of observatory.2.c")
        .unwrap();
    s.history.selected = step;
    drive(&f, &mut s, [act(Action::CompareVersions)]);
    assert_eq!(s.screen, Screen::Compare);
    let entry = &s.data.history[step];
    assert_eq!(
        s.compare.left,
        Version::Commit(entry.parent.unwrap().to_string())
    );
    assert_eq!(s.compare.right, Version::Commit(entry.oid.to_string()));
    let Some(Ok(diffs)) = &s.compare.result else {
        panic!("{:?}", s.compare.result);
    };
    let ids: Vec<&str> = diffs.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["observatory.2.c"]);
    let t = text_of(&render(&s, 100, 30));
    assert!(t.contains("commit "), "{t}");
    assert!(t.contains("1 clause differs"), "{t}");
}
