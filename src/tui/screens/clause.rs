//! Screen 2: one clause's bracketed text, drawn from its tree; its choice points with
//! the previewed alternative; a clean-text toggle.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::tui::app::State;
use crate::tui::widgets::{bracketed, fit, inline, safe};

pub fn render(state: &State, f: &mut Frame, area: Rect) {
    let d = &state.data;
    let i = state.selected;
    let c = &d.draft.clauses[i];
    let title = format!(
        "{} — {}",
        d.draft.reference(i),
        c.id.as_deref().unwrap_or("no id")
    );
    let Some(tree) = d.tree(i) else {
        // A heading: what is under it, as the article view shows it.
        let lines = super::article::lines(state, i, area.width.saturating_sub(2) as usize);
        super::text_pane(state, f, area, &title, true, lines, state.clause.scroll);
        return;
    };
    let points = state.choice_points();
    let list_h = (points.len() as u16 + 2).min(area.height / 2);
    let [text_area, points_area] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(list_h)]).areas(area);
    let defs = crate::inline::Definitions::of_clause(&d.draft, i);
    let lines = if state.clause.clean {
        match tree.clean(&c.text, &state.choice()) {
            Ok(t) => inline::text(&t, &defs, &state.styles, state.styles.get("default")),
            Err(e) => vec![Line::styled(
                safe(&e.to_string()),
                state.styles.get("error"),
            )],
        }
    } else {
        let hl = points.get(state.clause.point).map(|p| p.span);
        bracketed::lines(&c.text, tree, &defs, &state.styles, hl)
    };
    let mode = if state.clause.clean {
        "clean text (preview)"
    } else {
        "as drafted"
    };
    let s = &d.stats[i];
    let title = format!(
        "{title} — {mode} — {} groups, {} options, {} placeholders",
        s.groups, s.options, s.placeholders
    );
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((state.clause.scroll, 0))
            .block(super::pane(state, &title, true)),
        text_area,
    );
    if points.is_empty() || list_h < 3 {
        return;
    }
    let mut rows = Vec::new();
    for (k, p) in points.iter().enumerate() {
        let pick = state.clause.picks.get(&k).copied().unwrap_or(0);
        let mut spans = vec![Span::styled(
            format!("{:>2}. ", k + 1),
            state.styles.get("clause.number"),
        )];
        for (a, label) in p.labels.iter().enumerate() {
            if a > 0 {
                spans.push(Span::styled(
                    " │ ",
                    state.styles.get("alternative.separator"),
                ));
            }
            let name = if a == pick {
                "option.label"
            } else {
                "alternative"
            };
            spans.push(Span::styled(safe(label), state.styles.get(name)));
        }
        // Whole attributions where the terminal is wide enough; cut with … where not.
        rows.push(fit(
            Line::from(spans),
            points_area.width.saturating_sub(2) as usize,
        ));
    }
    super::list_pane(
        state,
        f,
        points_area,
        "Choice points (previewed alternative in bold)",
        false,
        rows,
        state.clause.point,
    );
}
