//! The instructor's dashboard: teams × rounds (amendments credited, last activity),
//! objectives met, the bracket burn-down, the most contested clauses and the time left.
//! The same lines are what `treaty exercise status` prints.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use crate::civil;
use crate::tui::app::{Effect, State};
use crate::tui::jobs::{Dashboard, Request};
use crate::tui::widgets::safe;
use treaty_text::exercise::debrief::{Progress, TeamProgress};

/// How often the dashboard fetches from the remote, unless `TREATY_DASHBOARD_REFRESH`
/// gives another number of seconds.
pub const DEFAULT_REFRESH_SECONDS: u64 = 30;

/// The dashboard's state: the last answer, and when the next refresh is due.
#[derive(Clone, Debug)]
pub struct DashboardView {
    pub shown: Option<Result<Dashboard, String>>,
    /// A refresh is on its way (the worker answers in the background; keys still work).
    pub waiting: bool,
    /// When the last refresh was asked for (milliseconds since the UI started).
    pub asked_at: Option<u64>,
    pub every_ms: u64,
    pub scroll: u16,
}

impl Default for DashboardView {
    fn default() -> DashboardView {
        let seconds = std::env::var("TREATY_DASHBOARD_REFRESH")
            .ok()
            .and_then(|v| v.parse::<u64>().ok())
            .filter(|&s| s > 0)
            .unwrap_or(DEFAULT_REFRESH_SECONDS);
        DashboardView {
            shown: None,
            waiting: false,
            asked_at: None,
            every_ms: seconds * 1000,
            scroll: 0,
        }
    }
}

/// Asks the worker for a fresh dashboard (fetching from the remote), unless one is on
/// its way. `now` is the UI's clock when known.
pub fn refresh(state: &mut State, now: Option<u64>) -> Vec<Effect> {
    if state.dashboard.waiting {
        return Vec::new();
    }
    state.dashboard.waiting = true;
    if let Some(now) = now {
        state.dashboard.asked_at = Some(now);
    }
    vec![Effect::Request(Request::Dashboard { fetch: true })]
}

/// On each tick while the dashboard is shown: refresh when the interval has passed.
pub fn tick(state: &mut State, now: u64) -> Vec<Effect> {
    match state.dashboard.asked_at {
        None => {
            state.dashboard.asked_at = Some(now);
            Vec::new()
        }
        Some(at) if now.saturating_sub(at) >= state.dashboard.every_ms => refresh(state, Some(now)),
        Some(_) => Vec::new(),
    }
}

/// The worker's answer.
pub fn landed(state: &mut State, d: Result<Dashboard, String>) {
    state.dashboard.waiting = false;
    if let Ok(d) = &d
        && d.arrived
    {
        state.message = Some((
            false,
            "new amendments arrived from origin: Reload (R) shows their text".into(),
        ));
    }
    state.dashboard.shown = Some(d);
}

/// Draws the dashboard.
pub fn render(state: &State, f: &mut Frame, area: Rect) {
    let v = &state.dashboard;
    let mut text: Vec<Line> = Vec::new();
    match &v.shown {
        None => text.push(Line::from("reading the exercise…")),
        Some(Err(e)) => text.push(Line::styled(safe(e), state.styles.get("error"))),
        Some(Ok(d)) => {
            if let Some(e) = &d.fetch_error {
                text.push(Line::styled(safe(e), state.styles.get("error")));
            }
            for (i, l) in lines(&d.progress).into_iter().enumerate() {
                let style = if i == 0 { "heading" } else { "default" };
                text.push(Line::styled(safe(&l), state.styles.get(style)));
            }
        }
    }
    let title = format!(
        "Dashboard — refreshes every {} s{}",
        v.every_ms / 1000,
        if v.waiting { " (refreshing…)" } else { "" }
    );
    let p = Paragraph::new(text)
        .block(super::pane(state, &title, true))
        .wrap(Wrap { trim: false })
        .scroll((v.scroll, 0));
    f.render_widget(p, area);
}

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
    if p.teams.iter().any(|t| t.proposals_total()[0] > 0) {
        out.push(String::new());
        out.push("proposals per round (made/landed/declined/stale):".into());
        for t in &p.teams {
            let mut row = format!("{:name_w$}", t.name);
            for c in &t.proposals {
                row.push_str(&format!(" {:>8}", TeamProgress::proposals_cell(c)));
            }
            row.push_str(&format!(
                " {:>8}",
                TeamProgress::proposals_cell(&t.proposals_total())
            ));
            out.push(row);
        }
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
