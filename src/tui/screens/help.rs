//! `?`: every action with its keys and what it does, generated from the live key map.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use crate::tui::action::Action;
use crate::tui::app::State;
use crate::tui::widgets::safe;

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

pub fn render(state: &State, f: &mut Frame, area: Rect) {
    let title = format!("Keys ({} map)", state.keymap.name);
    f.render_widget(Clear, area);
    f.render_widget(
        Paragraph::new(lines(state))
            .scroll((state.help_scroll, 0))
            .block(super::pane(state, &title, true)),
        area,
    );
}
