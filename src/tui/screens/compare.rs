//! Screen 3: two sources compared clause by clause (inline or side by side), or one
//! clause against every delegation (matrix).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::tui::app::{CompareMode, State};
use crate::tui::compare::Tag;
use crate::tui::widgets::{diff, inline, safe};

pub fn render(state: &State, f: &mut Frame, area: Rect) {
    let cmp = &state.compare;
    if cmp.mode == CompareMode::Matrix {
        return matrix(state, f, area);
    }
    let mut title = format!("{} → {}", cmp.left.label(), cmp.right.label());
    if let Some(only) = &cmp.only {
        let what = match state.data.draft.index_of(only) {
            Some(i) => state.data.draft.reference(i),
            None => only.clone(),
        };
        title = format!("{title}, {what} only");
    }
    let diffs = match &cmp.result {
        None => return super::note(state, f, area, &title, "comparing…", false),
        Some(Err(e)) => return super::note(state, f, area, &title, e, true),
        Some(Ok(d)) => d,
    };
    if diffs.is_empty() {
        return super::note(state, f, area, &title, "no differences", false);
    }
    let title = match diffs.len() {
        1 => format!("{title} — 1 clause differs"),
        n => format!("{title} — {n} clauses differ"),
    };
    let head = |k: usize, d: &crate::tui::compare::ShownClause| {
        // A new or deleted clause, a move or a renumbering says so; a changed text says
        // how much of it is left.
        let mut what = Vec::new();
        if let Some(n) = &d.note {
            what.push(safe(n));
        }
        if d.change != "inserted" && d.change != "deleted" && d.similarity < 1.0 {
            what.push(format!("{:.0}% similar", d.similarity * 100.0));
        }
        let style = match d.change {
            "inserted" => "diff.inserted",
            "deleted" => "diff.deleted",
            "moved" | "renumbered" => "diff.moved",
            _ => "hint",
        };
        let mut l = Line::from(vec![
            Span::styled(safe(&d.reference), state.styles.get("heading")),
            Span::styled(format!("  {}  ", safe(&d.id)), state.styles.get("hint")),
            Span::styled(what.join(" · "), state.styles.get(style)),
        ]);
        if k == cmp.row {
            l = l.patch_style(state.styles.get("selection"));
        }
        l
    };
    match cmp.mode {
        CompareMode::Inline => {
            let mut lines = Vec::new();
            for (k, d) in diffs.iter().enumerate().skip(cmp.row) {
                lines.push(head(k, d));
                let defs = inline::definitions(&state.data.draft, &d.id);
                lines.extend(diff::inline(&d.tokens, &defs, &state.styles));
                lines.push(Line::default());
                if lines.len() > area.height as usize * 2 {
                    break;
                }
            }
            f.render_widget(
                Paragraph::new(lines)
                    .wrap(Wrap { trim: false })
                    .block(super::pane(state, &title, true)),
                area,
            );
        }
        _ => {
            let [l, r] =
                Layout::horizontal([Constraint::Ratio(1, 2), Constraint::Ratio(1, 2)]).areas(area);
            let mut left = Vec::new();
            let mut right = Vec::new();
            for (k, d) in diffs.iter().enumerate().skip(cmp.row) {
                let defs = inline::definitions(&state.data.draft, &d.id);
                let a = diff::side(&d.tokens, &defs, &state.styles, Tag::Deleted);
                let b = diff::side(&d.tokens, &defs, &state.styles, Tag::Inserted);
                left.push(head(k, d));
                right.push(head(k, d));
                left.extend(a);
                right.extend(b);
                left.push(Line::default());
                right.push(Line::default());
                if left.len() > area.height as usize * 2 {
                    break;
                }
            }
            f.render_widget(
                Paragraph::new(left)
                    .wrap(Wrap { trim: false })
                    .block(super::pane(state, &cmp.left.label(), false)),
                l,
            );
            f.render_widget(
                Paragraph::new(right)
                    .wrap(Wrap { trim: false })
                    .block(super::pane(state, &cmp.right.label(), true)),
                r,
            );
        }
    }
}

/// The matrix's delegation list and the selected cell's diff below it.
pub fn matrix_areas(state: &State, area: Rect) -> (Rect, Rect) {
    let list_h = (state.compare.matrix.len() as u16 + 2)
        .min(area.height / 2)
        .max(3);
    let [top, bottom] =
        Layout::vertical([Constraint::Length(list_h), Constraint::Min(3)]).areas(area);
    (top, bottom)
}

fn matrix(state: &State, f: &mut Frame, area: Rect) {
    let d = &state.data;
    let title = format!(
        "{} against every delegation",
        d.draft.reference(state.selected)
    );
    let rows = &state.compare.matrix;
    if state.compare.matrix_for.is_none() && state.selected_id().is_some() {
        return super::note(
            state,
            f,
            area,
            &title,
            "comparing with every delegation…",
            false,
        );
    }
    if rows.is_empty() {
        return super::note(
            state,
            f,
            area,
            &title,
            "no positions, or this clause has no id",
            false,
        );
    }
    let (top, bottom) = matrix_areas(state, area);
    let mut lines = Vec::new();
    for r in rows {
        let verdict_style = match r.verdict {
            crate::tui::compare::Verdict::Deletes => "diff.deleted",
            crate::tui::compare::Verdict::Replaces => "diff.inserted",
            crate::tui::compare::Verdict::Brackets => "bracket.depth.1",
            _ => "hint",
        };
        let mut line = Line::from(vec![
            Span::styled(
                format!(" {:<8}", safe(&r.delegation)),
                state.styles.get("delegation"),
            ),
            Span::styled(
                format!("{:<10}", r.verdict.as_str()),
                state.styles.get(verdict_style),
            ),
            Span::styled(
                format!("{:>4.0}% similar to the draft", r.similarity * 100.0),
                state.styles.get("hint"),
            ),
        ]);
        if r.inserts > 0 {
            let s = if r.inserts == 1 { "" } else { "s" };
            line.push_span(Span::styled(
                format!("  + {} new clause{s} after it", r.inserts),
                state.styles.get("diff.inserted"),
            ));
        }
        if !r.note.is_empty() {
            line.push_span(Span::styled(
                format!("  “{}”", safe(&r.note)),
                state.styles.get("hint"),
            ));
        }
        lines.push(line);
    }
    super::list_pane(state, f, top, &title, true, lines, state.compare.row);
    if let Some(r) = rows.get(state.compare.row) {
        let t = format!("draft → {}", r.delegation);
        let mut cell = Vec::new();
        if !r.note.is_empty() {
            let note = format!("{}'s note: {}", r.delegation, r.note);
            cell.extend(
                note.lines()
                    .map(|l| Line::styled(safe(l), state.styles.get("hint"))),
            );
            cell.push(Line::default());
        }
        let defs = crate::inline::Definitions::of_clause(&d.draft, state.selected);
        cell.extend(diff::inline(&r.tokens, &defs, &state.styles));
        f.render_widget(
            Paragraph::new(cell)
                .wrap(Wrap { trim: false })
                .scroll((state.compare.cell_scroll, 0))
                .block(super::pane(state, &t, false)),
            bottom,
        );
    }
}
