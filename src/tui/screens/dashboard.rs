//! The instructor's dashboard: teams × rounds (amendments credited, last activity),
//! objectives met, the bracket burn-down, the most contested clauses and the time left.
//! The same lines are what `treaty exercise status` prints.

use crate::civil;
use treaty_text::exercise::debrief::Progress;

/// The dashboard as plain lines of text.
pub fn lines(p: &Progress) -> Vec<String> {
    let mut out = Vec::new();
    out.push(p.title.clone());
    out.push(format!(
        "at {} ({} UTC){}",
        p.head.get(..10).unwrap_or(&p.head),
        civil::format_utc(p.head_time),
        p.clock
            .as_ref()
            .map(|c| format!(" — {c}"))
            .unwrap_or_default()
    ));
    out.push(String::new());
    let name_w = p
        .teams
        .iter()
        .map(|t| t.name.chars().count())
        .max()
        .unwrap_or(4)
        .max(4);
    let mut head = format!("{:name_w$}", "team");
    for r in &p.rounds {
        head.push_str(&format!(" {r:>8}"));
    }
    head.push_str(&format!(
        " {:>6}  {:<16}  objectives",
        "total", "last activity"
    ));
    out.push(head);
    if p.teams.is_empty() {
        out.push("(no teams yet)".into());
    }
    for t in &p.teams {
        let mut row = format!("{:name_w$}", t.name);
        for n in &t.amendments {
            row.push_str(&format!(" {n:>8}"));
        }
        let last = t
            .last_activity
            .map(civil::format_utc)
            .unwrap_or_else(|| "—".into());
        let objectives = match &t.scorecard {
            Some(c) => format!(
                "{}/{} met, {:.0}% of weight",
                c.met(),
                c.outcomes.len(),
                c.percent()
            ),
            None => "—".into(),
        };
        row.push_str(&format!(" {:>6}  {last:<16}  {objectives}", t.total()));
        out.push(row);
    }
    out.push(String::new());
    out.push("bracket burn-down (groups / alternatives / options / placeholders):".into());
    for b in &p.burndown {
        out.push(format!(
            "  {:<16} {:>5} {:>5} {:>5} {:>5}  {}",
            b.label,
            b.groups,
            b.alternatives,
            b.options,
            b.placeholders,
            "█".repeat((b.groups as usize).div_ceil(5).min(60))
        ));
    }
    if !p.contested.is_empty() {
        out.push(String::new());
        out.push("most contested clauses:".into());
        for c in &p.contested {
            out.push(format!(
                "  {:<36} {} amendment{} by {} · {} open group{}",
                format!("{} ({})", c.reference, c.clause),
                c.amendments,
                if c.amendments == 1 { "" } else { "s" },
                if c.teams.is_empty() {
                    "the chair".to_string()
                } else {
                    c.teams.join(", ")
                },
                c.open_groups,
                if c.open_groups == 1 { "" } else { "s" }
            ));
        }
    }
    for n in &p.notes {
        out.push(format!("note: {n}"));
    }
    out
}
