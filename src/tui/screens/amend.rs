//! Screen 7: amend the selected clause: the inline editor (or `$EDITOR`), the proposing
//! delegations, and a live word diff of what will be recorded — proposed to the chair by a
//! delegation's member, landed by the chair. Below the clause, the queue of proposals
//! before the chair: pending and stale, the selected clause's first, each with its word
//! diff against the text as it stands and its votes.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::tui::action::Action;
use crate::tui::app::{ConflictView, Field, State};
use crate::tui::compare::word_diff;
use crate::tui::widgets::{diff, safe};

pub fn render(state: &State, f: &mut Frame, area: Rect) {
    let d = &state.data;
    if let Some(view) = &state.conflict {
        return conflict(state, view, f, area);
    }
    let Some(ed) = &state.editor else {
        let c = &d.draft.clauses[state.selected];
        let k = |a| state.keymap.label(a).unwrap_or_default();
        let text = format!(
            "{}\n\n{}\n\n{} edit inline · {} edit in $EDITOR · on the Clause screen: {} lift a bracket, {} choose an alternative, then {} to record it",
            d.draft.reference(state.selected),
            c.text,
            k(Action::EditInline),
            k(Action::EditExternal),
            k(Action::Lift),
            k(Action::Choose),
            k(Action::Confirm),
        );
        let title = d.role.screen_title();
        if d.proposals.is_empty() {
            return super::note(state, f, area, title, &text, false);
        }
        let [top, queue_area] =
            Layout::vertical([Constraint::Percentage(40), Constraint::Min(4)]).areas(area);
        super::note(state, f, top, title, &text, false);
        return queue(state, f, queue_area);
    };
    let [edit_area, who, preview] = Layout::vertical([
        Constraint::Percentage(50),
        Constraint::Length(4),
        Constraint::Min(3),
    ])
    .areas(area);
    // The cursor is drawn as a reversed cell so it shows in snapshots and never needs the
    // terminal's own cursor.
    let cursor_style = state.styles.get("selection");
    let mut pieces: Vec<(String, ratatui::style::Style)> = Vec::new();
    let at = ed.cursor.min(ed.text.len());
    pieces.push((ed.text[..at].to_string(), state.styles.get("default")));
    let next = ed.text[at..].chars().next();
    let (under, rest) = match next {
        Some('\n') | None => (" ".to_string(), &ed.text[at..]),
        Some(c) => (c.to_string(), &ed.text[at + c.len_utf8()..]),
    };
    if ed.field == Field::Text {
        pieces.push((under, cursor_style));
    }
    pieces.push((rest.to_string(), state.styles.get("default")));
    let lines = crate::tui::widgets::into_lines(pieces);
    let title = format!(
        "Editing {} — {} records, {} cancels",
        ed.clause,
        state.keymap.label(Action::Commit).unwrap_or_default(),
        state.keymap.label(Action::Back).unwrap_or_default()
    );
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(super::pane(state, &title, ed.field == Field::Text)),
        edit_area,
    );
    let round = d.current_round.as_deref().unwrap_or("none");
    let mut who_line = vec![
        Span::styled("proposed by: ", state.styles.get("heading")),
        Span::styled(safe(&ed.proposers), state.styles.get("delegation")),
    ];
    if ed.field == Field::Proposers {
        who_line.push(Span::styled(" ", cursor_style));
    }
    who_line.push(Span::styled(
        format!("   kind: replace   round: {}", safe(round)),
        state.styles.get("hint"),
    ));
    let mut summary_line = vec![Span::styled("summary: ", state.styles.get("heading"))];
    if ed.summary.is_empty() && ed.field != Field::Summary {
        summary_line.push(Span::styled(
            "(described from the change)",
            state.styles.get("hint"),
        ));
    } else {
        summary_line.push(Span::raw(safe(&ed.summary)));
    }
    if ed.field == Field::Summary {
        summary_line.push(Span::styled(" ", cursor_style));
    }
    let switch = state.keymap.label(Action::SwitchField).unwrap_or_default();
    f.render_widget(
        Paragraph::new(vec![Line::from(who_line), Line::from(summary_line)]).block(super::pane(
            state,
            &format!("Amendment ({switch} switches field)"),
            ed.field != Field::Text,
        )),
        who,
    );
    let (tokens, sim) = word_diff(&ed.original, &ed.text);
    let title = format!("Preview — {:.0}% similar to the draft", sim * 100.0);
    f.render_widget(
        Paragraph::new(diff::as_written(&tokens, &state.styles))
            .wrap(Wrap { trim: false })
            .block(super::pane(state, &title, false)),
        preview,
    );
}

/// An amendment refused because its clause was amended meanwhile: the text you began
/// from, theirs and yours (each against the base, word by word), and what re-applying
/// yours on top of theirs would record.
fn conflict(state: &State, view: &ConflictView, f: &mut Frame, area: Rect) {
    let c = &view.conflict;
    let k = |a| state.keymap.label(a).unwrap_or_default();
    let gone = "(not in the text)";
    let base = c.base.as_deref().unwrap_or(gone);
    let against_base = |text: Option<&str>| match text {
        Some(t) => diff::as_written(&word_diff(base, t).0, &state.styles),
        None => vec![Line::styled("(deleted)", state.styles.get("warning"))],
    };
    let by = if c.theirs_by.is_empty() {
        "since".to_string()
    } else {
        format!("since by {}", c.theirs_by.join(", "))
    };
    let (reapplied_title, reapplied) = match view.reapplied() {
        Some((text, clean)) => (
            format!(
                "{} re-applies yours on theirs — {}",
                k(Action::Reapply),
                if clean {
                    "both changes kept"
                } else {
                    "you both changed the same words: your wording replaces theirs"
                }
            ),
            diff::as_written(
                &word_diff(c.theirs.as_deref().unwrap_or_default(), &text).0,
                &state.styles,
            ),
        ),
        None => (
            "nothing to re-apply".to_string(),
            vec![Line::styled(
                "the clause was deleted since, or yours deletes it",
                state.styles.get("hint"),
            )],
        ),
    };
    let panes = [
        (
            format!("Base — {} as you began", c.clause),
            crate::tui::widgets::into_lines(vec![(base.to_string(), state.styles.get("default"))]),
        ),
        (
            format!("Theirs — amended {by}"),
            against_base(c.theirs.as_deref()),
        ),
        (
            format!(
                "Yours — {} · {} keeps both as bracketed alternatives",
                view.write.proposers.join(", "),
                k(Action::KeepBoth)
            ),
            against_base(c.yours.as_deref()),
        ),
        (reapplied_title, reapplied),
    ];
    let areas = Layout::vertical([Constraint::Ratio(1, 4); 4]).split(area);
    for ((title, lines), at) in panes.into_iter().zip(areas.iter()) {
        f.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .block(super::pane(state, &title, false)),
            *at,
        );
    }
}

/// The queue of proposals before the chair.
fn queue(state: &State, f: &mut Frame, area: Rect) {
    let d = &state.data;
    let order = state.queue_order();
    let at = state.queue_selected.min(order.len().saturating_sub(1));
    let mut lines: Vec<Line> = Vec::new();
    let mut selected_line = 0;
    for (n, &i) in order.iter().enumerate() {
        let e = &d.proposals[i];
        if n == at {
            selected_line = lines.len();
        }
        let tally = if e.votes.is_empty() {
            String::new()
        } else {
            let t = e.tally();
            format!(" · yes {} · no {} · abstain {}", t[0].1, t[1].1, t[2].1)
        };
        let head_style = if n == at {
            state.styles.get("selection")
        } else {
            state.styles.get("heading")
        };
        lines.push(Line::from(vec![
            Span::styled(
                safe(&format!(
                    "{} {} {}",
                    e.proposal.id,
                    e.status,
                    crate::proposals::describe(&e.proposal)
                )),
                head_style,
            ),
            Span::styled(
                safe(&format!(" — {}", e.delegations.join(", "))),
                state.styles.get("delegation"),
            ),
            Span::styled(safe(&tally), state.styles.get("hint")),
        ]));
        let now = e.current.as_deref().unwrap_or_default();
        let (tokens, _) = match e.proposal.kind {
            crate::proposal::ProposalKind::InsertAfter => word_diff("", e.proposed_text()),
            crate::proposal::ProposalKind::Delete => word_diff(now, ""),
            _ => word_diff(now, e.proposed_text()),
        };
        let defs = crate::tui::widgets::inline::definitions(&d.draft, &e.proposal.clause);
        let mut diff_lines = diff::inline(&tokens, &defs, &state.styles);
        if let Some(first) = diff_lines.first_mut() {
            first.spans.insert(0, Span::raw("  "));
        }
        lines.extend(diff_lines);
        if let Some(why) = &e.stale_why {
            lines.push(Line::styled(
                safe(&format!("  stale: {why}")),
                state.styles.get("warning"),
            ));
        }
    }
    let pending = d
        .proposals
        .iter()
        .filter(|e| e.status == crate::proposal::ProposalStatus::Pending)
        .count();
    let k = |a| state.keymap.label(a).unwrap_or_default();
    let title = format!(
        "Proposals before the chair — {pending} pending, {} stale · {}/{} select{}",
        d.proposals.len() - pending,
        k(Action::NextPoint),
        k(Action::PrevPoint),
        if d.role == crate::tui::amending::Role::Chair {
            format!(" · {} lands", k(Action::Land))
        } else {
            String::new()
        }
    );
    let height = area.height.saturating_sub(2) as usize;
    let scroll = super::scroll_offset(selected_line, height, lines.len());
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll as u16, 0))
            .block(super::pane(state, &title, true)),
        area,
    );
}
