//! Screen 6: the amendment timeline; replay of the text step by step; the selected
//! clause's versions and blame (both from the history index, loaded off the UI thread);
//! the bracket burn-down over rounds.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Paragraph};

use crate::tui::app::State;
use crate::tui::widgets::{diff, inline, safe};
use crate::verify::Provenance;

pub fn render(state: &State, f: &mut Frame, area: Rect) {
    let d = &state.data;
    if d.history.is_empty() {
        let why = d
            .history_note
            .as_deref()
            .unwrap_or("no amendments recorded yet");
        return super::note(state, f, area, "History", why, false);
    }
    let (list, replay, chart) = areas(area);
    timeline(state, f, list);
    if state.history.only_clause {
        clause_pane(state, f, replay);
    } else {
        replay_pane(state, f, replay);
    }
    burndown(state, f, chart);
}

/// The timeline, the replay (or clause) pane beside it, and the burn-down chart below.
pub fn areas(area: Rect) -> (Rect, Rect, Rect) {
    let [top, chart] = Layout::vertical([Constraint::Min(5), Constraint::Length(7)]).areas(area);
    let [list, right] =
        Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(top);
    (list, right, chart)
}

fn timeline(state: &State, f: &mut Frame, area: Rect) {
    let d = &state.data;
    let rows = state.history_rows();
    let height = area.height.saturating_sub(2) as usize;
    let sel = state.history.selected.min(rows.len().saturating_sub(1));
    let offset = super::scroll_offset(sel, height, rows.len());
    let mut lines = Vec::new();
    for (k, &i) in rows.iter().enumerate().skip(offset).take(height) {
        let h = &d.history[i];
        let marker = if state.history.step == Some(i) {
            "▶"
        } else {
            " "
        };
        let version = if state.history.only_clause {
            format!("v{:<3}", k + 1)
        } else {
            String::new()
        };
        let round = h.round.as_deref().unwrap_or("—");
        let mut line = Line::from(vec![
            Span::raw(marker),
            Span::styled(version, state.styles.get("clause.id")),
            Span::styled(
                format!("{:<10} ", safe(round).chars().take(10).collect::<String>()),
                state.styles.get("round"),
            ),
            Span::styled(
                format!(
                    "{:<8} ",
                    safe(&h.proposers.join(","))
                        .chars()
                        .take(8)
                        .collect::<String>()
                ),
                state.styles.get("delegation"),
            ),
            Span::styled(format!("{:<13} ", h.kind), state.styles.get("hint")),
            Span::raw(safe(&h.summary)),
        ]);
        // Forged or misattributed: said in words and in the warning style, never by
        // colour alone.
        match h.provenance {
            Some(Provenance::Unverified) => {
                line.push_span(Span::styled("  [NOT VERIFIED]", state.styles.get("error")));
            }
            Some(Provenance::Signed) => {
                line.push_span(Span::styled("  [signed]", state.styles.get("hint")));
            }
            _ => {}
        }
        if k == sel {
            line = line.patch_style(state.styles.get("selection"));
        }
        lines.push(line);
    }
    let title = if state.history.only_clause {
        format!("Versions of {}", state.selected_id().unwrap_or_default())
    } else {
        format!("Timeline — {} commits", d.history.len())
    };
    f.render_widget(
        Paragraph::new(lines).block(super::pane(state, &title, true)),
        area,
    );
}

fn replay_pane(state: &State, f: &mut Frame, area: Rect) {
    let d = &state.data;
    let h = &state.history;
    let speed = format!(
        "{:.1}s/step{}",
        h.speed_ms as f64 / 1000.0,
        if h.playing { ", playing" } else { "" }
    );
    let Some(step) = h.step else {
        let text = format!(
            "Replay: {} steps forward, {} back, {} auto-play ({speed}).",
            state
                .keymap
                .label(crate::tui::action::Action::ReplayNext)
                .unwrap_or_default(),
            state
                .keymap
                .label(crate::tui::action::Action::ReplayPrev)
                .unwrap_or_default(),
            state
                .keymap
                .label(crate::tui::action::Action::Play)
                .unwrap_or_default(),
        );
        return super::note(state, f, area, "Replay", &text, false);
    };
    let entry = &d.history[step];
    let title = format!("Replay {}/{} — {speed}", step + 1, d.history.len());
    let mut lines = vec![Line::from(vec![Span::styled(
        safe(&entry.summary),
        state.styles.get("heading"),
    )])];
    lines.push(Line::styled(
        format!(
            "{} · {} · {}",
            safe(&entry.author),
            entry.kind,
            safe(&entry.proposers.join(", "))
        ),
        state.styles.get("hint"),
    ));
    match &h.frame {
        None => lines.push(Line::styled("loading…", state.styles.get("hint"))),
        Some(Err(e)) => lines.push(Line::styled(safe(e), state.styles.get("error"))),
        Some(Ok(fr)) if fr.step == step => {
            lines.push(Line::styled(
                format!("{} open brackets after this step", fr.open),
                state.styles.get("hint"),
            ));
            if fr.changes.is_empty() {
                lines.push(Line::styled(
                    "no clause text changed",
                    state.styles.get("hint"),
                ));
            }
            for c in fr.changes.iter().take(4) {
                lines.push(Line::styled(
                    safe(&c.reference),
                    state.styles.get("heading"),
                ));
                let defs = inline::definitions(&d.draft, &c.id);
                lines.extend(diff::inline(&c.tokens, &defs, &state.styles));
            }
            if fr.changes.len() > 4 {
                lines.push(Line::styled(
                    format!("… and {} more clauses", fr.changes.len() - 4),
                    state.styles.get("hint"),
                ));
            }
            if let (Some(t), Some(id)) = (&fr.clause_text, state.selected_id())
                && !fr.changes.iter().any(|c| c.id == id)
            {
                lines.push(Line::default());
                lines.push(Line::styled(
                    format!("{id} at this point:"),
                    state.styles.get("heading"),
                ));
                let defs = inline::definitions(&d.draft, &id);
                lines.extend(inline::text(
                    t,
                    &defs,
                    &state.styles,
                    state.styles.get("default"),
                ));
            }
        }
        Some(Ok(_)) => lines.push(Line::styled("loading…", state.styles.get("hint"))),
    }
    super::text_pane(
        state,
        f,
        area,
        &title,
        false,
        lines,
        state.history.pane_scroll,
    );
}

/// The selected version of the clause (what that amendment changed) and the blame of the
/// clause as it stands: each run of words marked with the version that introduced it.
fn clause_pane(state: &State, f: &mut Frame, area: Rect) {
    let id = state.selected_id().unwrap_or_default();
    let title = format!("History and blame of {id}");
    let t = match state.clause_timeline() {
        None => return super::note(state, f, area, &title, "reading the history…", false),
        Some(Err(e)) => return super::note(state, f, area, &title, e, true),
        Some(Ok(t)) => t,
    };
    let rows = state.history_rows();
    let sel = state.history.selected.min(rows.len().saturating_sub(1));
    let version = rows
        .get(sel)
        .and_then(|step| t.versions.iter().position(|v| v.step == Some(*step)));
    let defs = inline::definitions(&state.data.draft, &id);
    let mut lines = Vec::new();
    if let Some(v) = version.map(|k| (k, &t.versions[k])) {
        let (k, v) = v;
        lines.push(Line::from(vec![
            Span::styled(format!("v{} ", k + 1), state.styles.get("clause.id")),
            Span::styled(safe(&v.summary), state.styles.get("heading")),
        ]));
        lines.push(Line::styled(
            format!(
                "{} · {} · {} · {}",
                v.date,
                v.kind,
                safe(&v.proposers.join(", ")),
                safe(v.round.as_deref().unwrap_or("no round"))
            ),
            state.styles.get("hint"),
        ));
        if v.deleted {
            lines.push(Line::styled(
                "this amendment deleted the clause",
                state.styles.get("diff.deleted"),
            ));
        }
        lines.extend(diff::inline(&v.tokens, &defs, &state.styles));
        lines.push(Line::default());
    }
    lines.push(Line::styled(
        format!(
            "Blame ({} version{}; ‹n› = version):",
            t.versions.len(),
            if t.versions.len() == 1 { "" } else { "s" }
        ),
        state.styles.get("heading"),
    ));
    // The clause's Markdown read from its whole text, then cut at the versions' runs: a
    // marker introduced by another version than its words still never shows.
    let text: String = t.blame.iter().map(|r| r.text.as_str()).collect();
    let painted = crate::export::style::Painted::new(&text, &defs);
    let (mut at, mut links) = (0, Vec::new());
    // Pieces, not spans: option lines in the text start lines of their own.
    let mut spans = Vec::new();
    for run in &t.blame {
        let style = if run.version.is_some() && run.version == version {
            "diff.inserted.token"
        } else {
            "default"
        };
        let base = state.styles.get(style);
        let runs = painted.runs(
            at,
            at + run.text.len(),
            crate::export::style::Revision::None,
        );
        at += run.text.len();
        if runs.is_empty() {
            continue; // markup only (a `*` of an emphasis): no words to credit
        }
        for p in crate::article::pieces(&runs, &mut links) {
            spans.push((p.text, inline::style(&state.styles, base, p.look)));
        }
        if let Some(n) = run.version {
            spans.push((format!("‹{}›", n + 1), state.styles.get("hint")));
        }
    }
    lines.extend(crate::tui::widgets::into_lines(spans));
    lines.extend(inline::link_lines(&links, &state.styles));
    if !t.deleted.is_empty() {
        let words: Vec<String> = t
            .deleted
            .iter()
            .take(8)
            .map(|(w, _, by)| {
                let by = by.map(|n| format!("v{}", n + 1)).unwrap_or_default();
                format!("\"{}\" {by}", safe(w.trim()))
            })
            .collect();
        lines.push(Line::styled(
            format!("deleted along the way: {}", words.join(", ")),
            state.styles.get("diff.deleted"),
        ));
    }
    super::text_pane(
        state,
        f,
        area,
        &title,
        false,
        lines,
        state.history.pane_scroll,
    );
}

fn burndown(state: &State, f: &mut Frame, area: Rect) {
    let title = "Open brackets by round";
    let data = match &state.history.burndown {
        None => return super::note(state, f, area, title, "counting…", false),
        Some(Err(e)) => return super::note(state, f, area, title, e, true),
        Some(Ok(b)) => b,
    };
    let bars: Vec<Bar> = data
        .iter()
        .map(|(name, n)| {
            Bar::default()
                .value(*n)
                .label(Line::from(safe(name)))
                .style(state.styles.get("bracket.depth.1"))
                .value_style(state.styles.get("selection"))
        })
        .collect();
    let width = (area.width.saturating_sub(2) / data.len().max(1) as u16)
        .saturating_sub(1)
        .clamp(3, 12);
    f.render_widget(
        BarChart::default()
            .block(super::pane(state, title, false))
            .data(BarGroup::default().bars(&bars))
            .bar_width(width)
            .bar_gap(1),
        area,
    );
}
