//! Screen 1: the treaty as a tree, each clause with its open brackets and status.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::draft::ClauseKind;
use crate::tui::app::State;
use crate::tui::widgets::safe;

pub fn render(state: &State, f: &mut Frame, area: Rect) {
    let d = &state.data;
    let draft = &d.draft;
    let rows = state.outline_rows();
    let height = area.height.saturating_sub(2) as usize;
    let at = rows.iter().position(|r| *r == state.selected).unwrap_or(0);
    let offset = super::scroll_offset(at, height, rows.len());
    let width = area.width.saturating_sub(2) as usize;
    let mut lines = Vec::with_capacity(height);
    for &i in rows.iter().skip(offset).take(height) {
        let c = &draft.clauses[i];
        let fold = if state.collapsed.contains(&i) {
            "▸ "
        } else if draft.children(i).next().is_some() {
            "▾ "
        } else {
            "  "
        };
        let indent = "  ".repeat(c.depth.saturating_sub(1) as usize);
        let heading = matches!(
            c.kind,
            ClauseKind::Title
                | ClauseKind::Preamble
                | ClauseKind::Division
                | ClauseKind::Article
                | ClauseKind::Annex
                | ClauseKind::Heading
        );
        let name = match (&c.label, &c.title) {
            (Some(l), Some(t)) => format!("{l}. {t}"),
            (Some(l), None) => l.clone(),
            (None, Some(t)) => t.clone(),
            (None, None) => c.id.clone().unwrap_or_default(),
        };
        let open = d.open[i];
        let stats = &d.stats[i];
        let (status, status_style) = if stats.problems > 0 {
            (format!("{} problem(s)", stats.problems), "problem")
        } else if open > 0 {
            (format!("[{open}] open"), "bracket.depth.1")
        } else if stats.placeholders > 0 {
            ("placeholder".to_string(), "placeholder")
        } else if c.kind.has_text() && !c.text.is_empty() {
            ("agreed".to_string(), "status.agreed")
        } else {
            (String::new(), "hint")
        };
        let snippet = if heading || c.text.is_empty() {
            String::new()
        } else {
            first_words(&c.text)
        };
        let left = format!("{indent}{fold}{}", safe(&name));
        let room = width.saturating_sub(status.chars().count() + 1);
        let mut body = format!("{left} {}", safe(&snippet));
        if body.chars().count() > room {
            body = body
                .chars()
                .take(room.saturating_sub(1))
                .collect::<String>()
                + "…";
        }
        let pad = room.saturating_sub(body.chars().count());
        let base = if heading {
            state.styles.get("heading")
        } else {
            state.styles.get("default")
        };
        let mut line = Line::from(vec![
            Span::styled(body, base),
            Span::raw(" ".repeat(pad + 1)),
            Span::styled(status, state.styles.get(status_style)),
        ]);
        if i == state.selected {
            line = line.patch_style(state.styles.get("selection"));
        }
        lines.push(line);
    }
    let title = format!(
        "Outline — {} clauses, {} open brackets",
        draft.clauses.len(),
        d.stats.iter().map(|s| s.groups).sum::<usize>()
    );
    f.render_widget(
        Paragraph::new(lines).block(super::pane(state, &title, true)),
        area,
    );
}

fn first_words(text: &str) -> String {
    let one: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    one.chars().take(120).collect()
}
