//! Screen 1: the treaty as a tree, each clause with its open brackets and status.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use crate::draft::ClauseKind;
use crate::tui::action::Action;
use crate::tui::app::State;
use crate::tui::restructure::{Restructuring, Slot, Stage, insertable_into};
use crate::tui::widgets::{fit, safe};

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
        let moving = state
            .restructure
            .as_ref()
            .is_some_and(|r| r.stage == Stage::Pick && c.id.as_deref() == Some(&r.clause));
        let (status, status_style) = if moving {
            ("moving".to_string(), "warning")
        } else if stats.problems > 0 {
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
            // Read as the clause pane shows it: emphasis and link targets are not words.
            let defs = crate::inline::Definitions::of_clause(draft, i);
            first_words(&crate::inline::plain(&c.text, &defs))
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
    let popup = state
        .restructure
        .as_ref()
        .is_some_and(|r| r.stage != Stage::Pick);
    let title = format!(
        "Outline — {} clauses, {} open brackets",
        draft.clauses.len(),
        d.stats.iter().map(|s| s.groups).sum::<usize>()
    );
    f.render_widget(
        Paragraph::new(lines).block(super::pane(state, &title, !popup)),
        area,
    );
    if let Some(r) = &state.restructure {
        restructure(state, r, f, area);
    }
}

/// The restructure menu, or the form of the amendment, over the foot of the outline.
fn restructure(state: &State, r: &Restructuring, f: &mut Frame, area: Rect) {
    let key = |k: &str| Span::styled(format!("{k:<4}"), state.styles.get("help.key"));
    let hint = state.styles.get("hint");
    let noun = r.unit.noun();
    let (title, lines) = match &r.stage {
        Stage::Pick => return,
        Stage::Menu => (
            format!("Restructure {}", r.name),
            vec![
                Line::from(vec![
                    key("i"),
                    Span::raw(format!("insert a new {noun} after it")),
                ]),
                Line::from(vec![
                    key("I"),
                    Span::raw(format!("insert a new {noun} before it")),
                ]),
            ]
            .into_iter()
            .chain(insertable_into(r.unit).iter().map(|(k, unit)| {
                Line::from(vec![
                    key(&k.to_string()),
                    Span::raw(format!("insert a new {} at the end of it", unit.noun())),
                ])
            }))
            .chain([
                Line::from(vec![key("m"), Span::raw("move it (then choose where)")]),
                Line::from(vec![key("d"), Span::raw("delete it")]),
                Line::from(vec![key("n"), Span::raw("renumber it")]),
                Line::from(vec![
                    key(&state.keymap.label(Action::Back).unwrap_or_default()),
                    Span::styled("cancel", hint),
                ]),
            ])
            .collect(),
        ),
        Stage::Form(form) => {
            let mut lines = Vec::new();
            for (n, (slot, text)) in form.fields.iter().enumerate() {
                let mut spans = vec![Span::styled(
                    format!("{:<13}", format!("{}:", slot.name())),
                    state.styles.get("heading"),
                )];
                if text.is_empty() && n != form.focus {
                    spans.push(Span::styled(
                        match slot {
                            Slot::Summary => "(described from the change)",
                            _ => "",
                        },
                        hint,
                    ));
                } else {
                    spans.push(Span::raw(safe(text)));
                }
                if n == form.focus {
                    spans.push(Span::styled(" ", state.styles.get("selection")));
                }
                lines.push(Line::from(spans));
            }
            let round = state.data.current_round.as_deref().unwrap_or("none");
            lines.push(Line::styled(
                safe(&format!(
                    "kind {} · round {round} · one amendment",
                    r.kind().map(|k| k.as_str()).unwrap_or_default(),
                )),
                hint,
            ));
            (r.question(state), lines)
        }
    };
    let height = (lines.len() as u16 + 2).min(area.height);
    let width = area.width.saturating_sub(4).max(10).min(area.width);
    let at = Rect::new(
        area.x + (area.width - width) / 2,
        area.bottom().saturating_sub(height + 1).max(area.y),
        width,
        height,
    );
    let inner = width.saturating_sub(2) as usize;
    let lines: Vec<Line> = lines.into_iter().map(|l| fit(l, inner)).collect();
    f.render_widget(Clear, at);
    f.render_widget(
        Paragraph::new(lines).block(super::pane(state, &title, true)),
        at,
    );
}

fn first_words(text: &str) -> String {
    let one: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    one.chars().take(120).collect()
}
