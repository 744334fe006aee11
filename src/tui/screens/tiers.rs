//! Screen 4: Parties × tiers with disputed assignments; the treaty as it applies to the
//! selected Party; what changes if it moved tier.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::position::tier_disputes;
use crate::tui::app::State;
use crate::tui::widgets::safe;

fn tier_style(t: u8) -> &'static str {
    match t {
        1 => "tier.1",
        2 => "tier.2",
        _ => "tier.3",
    }
}

/// The Parties list (a header row, then one row per Party) and the "applies to" pane.
pub fn areas(area: Rect) -> (Rect, Rect) {
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(area);
    (left, right)
}

pub fn render(state: &State, f: &mut Frame, area: Rect) {
    let d = &state.data;
    let Some(tiers) = &d.tiers else {
        return super::note(
            state,
            f,
            area,
            "Tiers",
            "this negotiation has no drafts/tiers.ron",
            false,
        );
    };
    let (left, right) = areas(area);
    let numbers: Vec<u8> = tiers.tiers.iter().map(|t| t.tier).collect();
    let mut head = vec![Span::styled(
        format!(" {:<6}", "Party"),
        state.styles.get("heading"),
    )];
    for n in &numbers {
        head.push(Span::styled(
            format!(" T{n} "),
            state.styles.get(tier_style(*n)),
        ));
    }
    head.push(Span::styled(" disputed by", state.styles.get("heading")));
    let mut lines = vec![Line::from(head)];
    let height = left.height.saturating_sub(3) as usize;
    let offset = super::scroll_offset(state.tiers.party, height, tiers.parties.len());
    for (k, p) in tiers.parties.iter().enumerate().skip(offset).take(height) {
        let claims: Vec<String> = tier_disputes(d.positions.values(), p)
            .into_iter()
            .map(|(pos, tier)| format!("{}→T{tier}", pos.code))
            .collect();
        let mut spans = vec![Span::styled(
            format!(" {:<6}", safe(&p.code)),
            state.styles.get("delegation"),
        )];
        for n in &numbers {
            let proposed = claims.iter().any(|c| c.ends_with(&format!("T{n}")));
            let (mark, style) = if *n == p.tier {
                (" ●  ", tier_style(*n))
            } else if proposed {
                (" ?  ", "tier.disputed")
            } else {
                (" ·  ", "hint")
            };
            spans.push(Span::styled(mark, state.styles.get(style)));
        }
        spans.push(Span::styled(
            safe(&claims.join(", ")),
            state.styles.get("tier.disputed"),
        ));
        let mut line = Line::from(spans);
        if k == state.tiers.party {
            line = line.patch_style(state.styles.get("selection"));
        }
        lines.push(line);
    }
    f.render_widget(
        Paragraph::new(lines).block(super::pane(
            state,
            "Parties × tiers (● assigned, ? proposed by a delegation)",
            true,
        )),
        left,
    );

    let Some(p) = tiers.parties.get(state.tiers.party) else {
        return;
    };
    let binding = tiers.binding(&d.draft, p.tier);
    let bound = binding.iter().filter(|b| **b).count();
    let tier_name = tiers.tier(p.tier).map(|t| t.name.as_str()).unwrap_or("");
    let mut out = vec![
        Line::from(vec![
            Span::styled(safe(&p.name), state.styles.get("delegation")),
            Span::raw(" is in "),
            Span::styled(
                format!("tier {} ({})", p.tier, safe(tier_name)),
                state.styles.get(tier_style(p.tier)),
            ),
        ]),
        Line::raw(format!("{bound} of {} clauses bind it.", binding.len())),
    ];
    let exempt: Vec<String> = binding
        .iter()
        .enumerate()
        .filter(|(i, b)| !**b && d.draft.clauses[*i].kind.has_text())
        .map(|(i, _)| d.draft.reference(i))
        .collect();
    if !exempt.is_empty() {
        out.push(Line::styled(
            "Does not bind it:",
            state.styles.get("heading"),
        ));
        for r in exempt.iter().take(8) {
            out.push(Line::raw(format!("  {}", safe(r))));
        }
        if exempt.len() > 8 {
            out.push(Line::styled(
                format!("  … and {} more", exempt.len() - 8),
                state.styles.get("hint"),
            ));
        }
    }
    match state.tiers.what_if {
        None => {
            let key = state
                .keymap
                .label(crate::tui::action::Action::WhatIf)
                .unwrap_or_default();
            out.push(Line::styled(
                format!("Press {key} to preview moving it to another tier."),
                state.styles.get("hint"),
            ));
        }
        Some(to) => {
            let change = tiers.what_if(&d.draft, p.tier, to);
            out.push(Line::default());
            out.push(Line::styled(
                format!("What if {} moved to tier {to}:", safe(&p.code)),
                state.styles.get(tier_style(to)),
            ));
            out.push(Line::styled(
                format!("  gains {} obligations", change.gained.len()),
                state.styles.get("diff.inserted"),
            ));
            for i in change.gained.iter().take(6) {
                out.push(Line::styled(
                    format!("    + {}", safe(&d.draft.reference(*i))),
                    state.styles.get("diff.inserted"),
                ));
            }
            out.push(Line::styled(
                format!("  loses {} obligations", change.lost.len()),
                state.styles.get("diff.deleted"),
            ));
            for i in change.lost.iter().take(6) {
                out.push(Line::styled(
                    format!("    − {}", safe(&d.draft.reference(*i))),
                    state.styles.get("diff.deleted"),
                ));
            }
        }
    }
    f.render_widget(
        Paragraph::new(out)
            .wrap(Wrap { trim: false })
            .block(super::pane(state, "Applies to", false)),
        right,
    );
}
