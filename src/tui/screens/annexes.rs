//! Screen 5: annex proposals: proposer, supporters, opponents, status; the annex text.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::annex::AnnexStatus;
use crate::tui::app::State;
use crate::tui::widgets::safe;

fn status_style(s: AnnexStatus) -> &'static str {
    match s {
        AnnexStatus::Proposed => "annex.proposed",
        AnnexStatus::UnderNegotiation => "annex.under_negotiation",
        AnnexStatus::Agreed => "annex.agreed",
        AnnexStatus::Withdrawn => "annex.withdrawn",
    }
}

/// The proposal list and the annex text below it (shared with mouse handling).
pub fn areas(state: &State, area: Rect) -> (Rect, Rect) {
    let n = state.data.annexes.as_ref().map_or(0, |r| r.annexes.len()) as u16;
    let list_h = (n + 2).min(area.height / 2).max(3);
    let [top, bottom] =
        Layout::vertical([Constraint::Length(list_h), Constraint::Min(3)]).areas(area);
    (top, bottom)
}

pub fn render(state: &State, f: &mut Frame, area: Rect) {
    let d = &state.data;
    let Some(reg) = d.annexes.as_ref().filter(|r| !r.annexes.is_empty()) else {
        return super::note(
            state,
            f,
            area,
            "Annexes",
            "no annex proposals (drafts/annexes.ron)",
            false,
        );
    };
    let (top, bottom) = areas(state, area);
    let mut lines = Vec::new();
    for (k, a) in reg.annexes.iter().enumerate() {
        let mut line = Line::from(vec![
            Span::raw(" "),
            Span::styled(
                format!("{:<18}", a.status.as_str()),
                state.styles.get(status_style(a.status)),
            ),
            Span::styled(
                format!("{:<10}", safe(&a.proposer.join(","))),
                state.styles.get("delegation"),
            ),
            Span::styled(safe(&name(state, &a.annex)), state.styles.get("heading")),
        ]);
        if k == state.annexes.selected {
            line = line.patch_style(state.styles.get("selection"));
        }
        lines.push(line);
    }
    f.render_widget(
        Paragraph::new(lines).block(super::pane(state, "Annex proposals", true)),
        top,
    );
    let Some(a) = reg.annexes.get(state.annexes.selected) else {
        return;
    };
    let mut out = vec![
        Line::from(vec![
            Span::styled("Proposed by  ", state.styles.get("heading")),
            Span::styled(safe(&a.proposer.join(", ")), state.styles.get("delegation")),
        ]),
        Line::from(vec![
            Span::styled("Supported by ", state.styles.get("heading")),
            Span::styled(
                safe(&a.supporters.join(", ")),
                state.styles.get("delegation"),
            ),
        ]),
        Line::from(vec![
            Span::styled("Opposed by   ", state.styles.get("heading")),
            Span::styled(
                safe(&a.opponents.join(", ")),
                state.styles.get("attribution.delete"),
            ),
        ]),
    ];
    if !a.notes.is_empty() {
        let notes = a.notes.lines();
        out.extend(notes.map(|l| Line::styled(safe(l), state.styles.get("hint"))));
    }
    out.push(Line::default());
    if let Some(i) = d.draft.index_of(&a.annex) {
        let width = bottom.width.saturating_sub(2) as usize;
        out.extend(super::article::lines(state, i, width));
    }
    let key = |a| state.keymap.label(a).unwrap_or_default();
    let title = format!(
        "{} — {} opens it, {} compares its versions",
        name(state, &a.annex),
        key(crate::tui::action::Action::Open),
        key(crate::tui::action::Action::CompareVersions)
    );
    f.render_widget(
        Paragraph::new(out)
            .wrap(Wrap { trim: false })
            .scroll((state.annexes.text_scroll, 0))
            .block(super::pane(state, &title, false)),
        bottom,
    );
}

/// How negotiators name an annex: `Annex A — Biometric surveillance` (its id if the draft
/// has no such annex).
fn name(state: &State, id: &str) -> String {
    let draft = &state.data.draft;
    let Some(c) = draft.index_of(id).map(|i| &draft.clauses[i]) else {
        return id.to_string();
    };
    match (&c.label, &c.title) {
        (Some(l), Some(t)) => format!("{l} — {t}"),
        (Some(l), None) => l.clone(),
        (None, Some(t)) => t.clone(),
        (None, None) => id.to_string(),
    }
}
