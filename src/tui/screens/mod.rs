//! Drawing: `draw(&State, &mut Frame)` lays out the tab bar, the current screen, the
//! status bar and the hint bar; each screen is `render(&State, &mut Frame, Rect)`.

pub mod amend;
pub mod annexes;
pub mod article;
pub mod clause;
pub mod compare;
pub mod dashboard;
pub mod help;
pub mod history;
pub mod outline;
pub mod tiers;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::action::Action;
use super::app::{Prompt, Screen, State};
use super::widgets::safe;

/// The smallest terminal the workbench draws in.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 12;

/// Where everything goes. Pure, so mouse clicks map to the same areas as drawing.
#[derive(Clone, Copy, Debug)]
pub struct Areas {
    pub tabs: Rect,
    pub body: Rect,
    pub status: Rect,
    pub hints: Rect,
}

pub fn layout(area: Rect) -> Areas {
    let [tabs, body, status, hints] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    Areas {
        tabs,
        body,
        status,
        hints,
    }
}

/// A tab's label: `7 Amend` (`7 Propose` for a delegation's member, `7 Land` for the chair).
pub fn tab_label(state: &State, i: usize, s: Screen) -> String {
    let title = match s {
        Screen::Amend => state.data.role.screen_title(),
        _ => s.title(),
    };
    format!("{} {title}", i + 1)
}

/// The text columns and rows inside a bordered pane filling the body, for a terminal of
/// `size`.
pub fn body_size(size: (u16, u16)) -> (usize, usize) {
    let area = layout(Rect::new(0, 0, size.0, size.1)).body;
    (
        area.width.saturating_sub(2) as usize,
        area.height.saturating_sub(2) as usize,
    )
}

/// How far a scrolling key moves a pane `height` rows tall (a page keeps one row in
/// view); `None` for a key that does not scroll. Help and the article view scroll alike.
pub fn scroll_delta(a: crate::tui::action::Action, height: usize) -> Option<isize> {
    use crate::tui::action::Action;
    let page = height.saturating_sub(1).max(1) as isize;
    Some(match a {
        Action::Up => -1,
        Action::Down => 1,
        Action::PageUp => -page,
        Action::PageDown => page,
        Action::Top => isize::MIN / 2,
        Action::Bottom => isize::MAX / 2,
        _ => return None,
    })
}

/// Each tab's cell in the tab bar, separator included, fitted to `width` columns: full
/// names (` 1 Outline │`, then `1 Outline│`), else short ones (`1 Out│`), else numbers with the current
/// screen's name, so every screen stays reachable from 60 columns up.
pub fn tab_cells(state: &State, width: u16) -> Vec<String> {
    let labels: Vec<(usize, Screen, String)> = Screen::ALL
        .iter()
        .enumerate()
        .map(|(i, s)| (i, *s, tab_label(state, i, *s)))
        .collect();
    let full: Vec<String> = labels.iter().map(|(_, _, l)| format!(" {l} │")).collect();
    let tight: Vec<String> = labels.iter().map(|(_, _, l)| format!("{l}│")).collect();
    let short: Vec<String> = labels
        .iter()
        .map(|(i, _, l)| {
            let name: String = l.chars().skip(2).take(3).collect();
            format!("{} {name}│", i + 1)
        })
        .collect();
    let fits =
        |cells: &[String]| cells.iter().map(|c| c.chars().count()).sum::<usize>() <= width as usize;
    if fits(&full) {
        return full;
    }
    if fits(&tight) {
        return tight;
    }
    if fits(&short) {
        return short;
    }
    labels
        .iter()
        .map(|(i, s, l)| {
            if *s == state.screen {
                format!("{l}│")
            } else {
                format!("{}│", i + 1)
            }
        })
        .collect()
}

/// The first row to show so that row `at` of `len` is visible in `height` rows, keeping
/// it in the middle once the list scrolls.
pub fn scroll_offset(at: usize, height: usize, len: usize) -> usize {
    if height == 0 || len <= height {
        return 0;
    }
    at.saturating_sub(height / 2).min(len - height)
}

/// A bordered pane with a title.
pub fn pane<'a>(state: &State, title: &str, focused: bool) -> Block<'a> {
    let border = if focused { "border.focused" } else { "border" };
    Block::default()
        .borders(Borders::ALL)
        .border_style(state.styles.get(border))
        .title(Span::styled(
            format!(" {} ", safe(title)),
            state.styles.get("heading"),
        ))
}

/// A list of rows in a pane, row `selected` highlighted and kept in view.
pub fn list_pane(
    state: &State,
    f: &mut Frame,
    area: Rect,
    title: &str,
    focused: bool,
    mut rows: Vec<Line<'_>>,
    selected: usize,
) {
    if let Some(row) = rows.get_mut(selected) {
        *row = std::mem::take(row).patch_style(state.styles.get("selection"));
    }
    let offset = scroll_offset(selected, area.height.saturating_sub(2) as usize, rows.len());
    f.render_widget(
        Paragraph::new(rows)
            .scroll((offset as u16, 0))
            .block(pane(state, title, focused)),
        area,
    );
}

/// Lines wrapped to a pane's width, scrolled down by `scroll` lines.
pub fn text_pane(
    state: &State,
    f: &mut Frame,
    area: Rect,
    title: &str,
    focused: bool,
    lines: Vec<Line<'_>>,
    scroll: u16,
) {
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0))
            .block(pane(state, title, focused)),
        area,
    );
}

/// A message inside a pane (no data, loading, an error).
pub fn note(state: &State, f: &mut Frame, area: Rect, title: &str, text: &str, error: bool) {
    let style = state.styles.get(if error { "error" } else { "hint" });
    let lines: Vec<Line> = text.lines().map(|l| Line::styled(safe(l), style)).collect();
    let p = Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .block(pane(state, title, true));
    f.render_widget(p, area);
}

/// Draws the whole UI for `state`.
pub fn draw(state: &State, f: &mut Frame) {
    let area = f.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let msg = format!(
            "Terminal too small: {}×{}. The workbench needs at least {MIN_WIDTH}×{MIN_HEIGHT}; enlarge the window (q quits).",
            area.width, area.height
        );
        f.render_widget(
            Paragraph::new(msg)
                .style(state.styles.get("warning"))
                .wrap(Wrap { trim: true }),
            area,
        );
        return;
    }
    let l = layout(area);
    draw_tabs(state, f, l.tabs);
    match state.screen {
        s if !state.data.complete && !state.help && crate::tui::app::shows_loaded_data(s) => {
            note(
                state,
                f,
                l.body,
                s.title(),
                "loading the delegations' positions, tiers, annexes and the amendment history…",
                false,
            );
        }
        Screen::Outline => outline::render(state, f, l.body),
        Screen::Clause => clause::render(state, f, l.body),
        Screen::Compare => compare::render(state, f, l.body),
        Screen::Tiers => tiers::render(state, f, l.body),
        Screen::Annexes => annexes::render(state, f, l.body),
        Screen::History => history::render(state, f, l.body),
        Screen::Amend => amend::render(state, f, l.body),
        Screen::Dashboard => dashboard::render(state, f, l.body),
    }
    if let Some(view) = state.article {
        article::render(state, f, l.body, view);
    }
    if state.help {
        help::render(state, f, l.body);
    }
    draw_status(state, f, l.status);
    draw_hints(state, f, l.hints);
}

fn draw_tabs(state: &State, f: &mut Frame, area: Rect) {
    let mut spans = Vec::new();
    for (cell, s) in tab_cells(state, area.width).into_iter().zip(Screen::ALL) {
        let name = if s == state.screen {
            "selection"
        } else {
            "hint"
        };
        let label = cell.trim_end_matches('│').to_string();
        spans.push(Span::styled(label, state.styles.get(name)));
        spans.push(Span::styled("│", state.styles.get("border")));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn draw_status(state: &State, f: &mut Frame, area: Rect) {
    let d = &state.data;
    let draft = &d.draft;
    let sel = draft
        .clauses
        .get(state.selected)
        .map(|c| {
            let id = c.id.as_deref().unwrap_or("no id");
            format!("{} ({id})", draft.reference(state.selected))
        })
        .unwrap_or_default();
    let (round, head) = if d.complete {
        (
            d.current_round.as_deref().unwrap_or("no round"),
            d.head_summary().unwrap_or("not a git record"),
        )
    } else {
        ("loading…", "loading…")
    };
    let round = match d.round_clock(state.clock_ms) {
        Some(clock) => clock,
        None => format!("round {round}"),
    };
    let who = match &d.role {
        super::amending::Role::Delegation(codes) => codes.join(", "),
        super::amending::Role::Chair => format!("{} (chair)", state.proposers.join(", ")),
        super::amending::Role::Open => state.proposers.join(", "),
    };
    let bar = state.styles.get("statusbar");
    let mut spans = vec![Span::styled(
        safe(&format!(" {} │ {round} │ as {who} │ ", d.name)),
        bar,
    )];
    let notice = if state.reloading {
        Some("Reloading…")
    } else {
        state.notice.as_ref().map(|(_, n)| n.as_str())
    };
    match notice {
        Some(notice) => spans.push(Span::styled(
            safe(notice),
            bar.patch(state.styles.get("warning")),
        )),
        None => spans.push(Span::styled(safe(&format!("HEAD {head}")), bar)),
    }
    spans.push(Span::styled(safe(&format!(" │ {sel}")), bar));
    f.render_widget(Paragraph::new(Line::from(spans)).style(bar), area);
}

/// The hint bar: the prompt while typing, else the message, else the key hints for the
/// current screen, generated from the live key map.
fn draw_hints(state: &State, f: &mut Frame, area: Rect) {
    if let Some(p) = &state.prompt {
        let (label, text) = match p {
            Prompt::Search(s) => ("search: ", s),
            Prompt::Goto(s) => ("go to clause id: ", s),
        };
        let line = Line::from(vec![
            Span::styled(label, state.styles.get("help.key")),
            Span::raw(safe(text)),
            Span::styled("▏", state.styles.get("help.key")),
        ]);
        f.render_widget(Paragraph::new(line), area);
        return;
    }
    if let Some((error, msg)) = &state.message {
        let style = state.styles.get(if *error { "error" } else { "warning" });
        f.render_widget(Paragraph::new(Span::styled(safe(msg), style)), area);
        return;
    }
    if let Some(r) = &state.restructure {
        let k = |a| state.keymap.label(a).unwrap_or_default();
        let hint = match r.stage {
            super::restructure::Stage::Menu => {
                super::restructure::menu_keys(r.unit, &k(Action::Back))
            }
            super::restructure::Stage::Pick => format!(
                "select where to move {}, then a after  b before  i into  {} cancel",
                r.name,
                k(Action::Back)
            ),
            super::restructure::Stage::Form(_) => format!(
                "Enter records  {} next field  {} cancel",
                k(Action::SwitchField),
                k(Action::Back)
            ),
        };
        let line = Line::from(Span::styled(safe(&hint), state.styles.get("hint")));
        f.render_widget(
            Paragraph::new(super::widgets::fit(line, usize::from(area.width))),
            area,
        );
        return;
    }
    let actions: &[Action] = match state.screen {
        _ if state.help || state.article.is_some() => {
            &[Action::Down, Action::Up, Action::PageDown, Action::Back]
        }
        Screen::Outline => &[
            Action::Open,
            Action::Collapse,
            Action::Search,
            Action::Goto,
            Action::Restructure,
        ],
        Screen::Clause => &[
            Action::NextPoint,
            Action::NextAlternative,
            Action::CleanText,
            Action::Lift,
            Action::Choose,
            Action::EditInline,
        ],
        Screen::Compare => &[
            Action::CompareMode,
            Action::NextSource,
            Action::NextBase,
            Action::CompareVersions,
        ],
        Screen::Tiers => &[Action::WhatIf],
        Screen::Annexes => &[Action::Open, Action::CompareVersions],
        Screen::History => &[
            Action::ReplayNext,
            Action::ReplayPrev,
            Action::Play,
            Action::ClauseHistory,
            Action::CompareVersions,
        ],
        Screen::Amend if state.conflict.is_some() => {
            &[Action::Reapply, Action::KeepBoth, Action::Back]
        }
        Screen::Amend if state.editor.is_some() => {
            &[Action::Commit, Action::SwitchField, Action::Back]
        }
        Screen::Amend if !state.data.proposals.is_empty() => &[
            Action::EditInline,
            Action::EditExternal,
            Action::NextPoint,
            Action::Land,
        ],
        Screen::Amend => &[Action::EditInline, Action::EditExternal],
        Screen::Dashboard => &[Action::Up, Action::Down, Action::Reload],
    };
    let mut spans = Vec::new();
    for a in actions.iter().chain([Action::Help, Action::Quit].iter()) {
        if let Some(k) = state.keymap.label(*a) {
            spans.push(Span::styled(k, state.styles.get("help.key")));
            spans.push(Span::styled(
                format!(" {}  ", a.name().replace('_', " ")),
                state.styles.get("hint"),
            ));
        }
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}
