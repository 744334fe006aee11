//! `?`: every action with its keys and what it does, generated from the live key map.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use crate::tui::action::Action;
use crate::tui::app::{Effect, State};
use crate::tui::widgets::{fit, safe};

pub fn lines(state: &State) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    for a in Action::ALL {
        let keys = state
            .keymap
            .keys(*a)
            .iter()
            .map(|k| k.to_string())
            .collect::<Vec<_>>()
            .join(" ");
        out.push(Line::from(vec![
            Span::styled(format!("{:<14}", safe(&keys)), state.styles.get("help.key")),
            Span::styled(format!("{:<17}", a.name()), state.styles.get("help")),
            Span::styled(a.doc(), state.styles.get("hint")),
        ]));
    }
    for d in &state.keymap.duplicates {
        out.push(Line::styled(safe(d), state.styles.get("warning")));
    }
    out
}

/// A key while help is shown: the scrolling keys scroll it and do nothing else, Esc and
/// the help key close it, quitting quits. Any other key closes it and does what it does
/// (`None`).
pub fn key(state: &mut State, a: Action) -> Option<Vec<Effect>> {
    if !state.help {
        return None;
    }
    let (_, height) = super::body_size(state.size);
    let Some(delta) = super::scroll_delta(a, height) else {
        state.help = false;
        return match a {
            Action::Quit => Some(vec![Effect::Quit]),
            Action::Help | Action::Back => Some(Vec::new()),
            _ => None,
        };
    };
    let last = lines(state).len().saturating_sub(height) as isize;
    state.help_scroll = (state.help_scroll as isize + delta).clamp(0, last) as u16;
    Some(Vec::new())
}

pub fn render(state: &State, f: &mut Frame, area: Rect) {
    let title = format!("Keys ({} map)", state.keymap.name);
    let width = area.width.saturating_sub(2) as usize;
    let lines = lines(state)
        .into_iter()
        .map(|l| fit(l, width))
        .collect::<Vec<_>>();
    f.render_widget(Clear, area);
    f.render_widget(
        Paragraph::new(lines)
            .scroll((state.help_scroll, 0))
            .block(super::pane(state, &title, true)),
        area,
    );
}
