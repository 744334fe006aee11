//! What an exercise's status and debrief show, as data, and the debrief rendered as
//! Markdown, JSON or one self-contained HTML file (inline CSS and SVG, no scripts, no
//! network) that prints well.
//!
//! `treaty-record` fills these from the history: amendments are counted from the commits
//! that landed after the exercise's base, credited to the teams whose delegations their
//! `Proposed-by` names. Nothing is counted that the record does not hold.

use std::fmt::Write as _;

use serde::Serialize;

use crate::civil;
use crate::compare::{self, ClauseChange, WordOp};
use crate::draft::Draft;
use crate::export::html::escape;

use super::objectives::Scorecard;
use super::scores::TeamScores;
use super::slug;

/// The column of amendments that name no round.
pub const NO_ROUND: &str = "(no round)";

/// An exercise as it stands: what `treaty exercise status` and the dashboard show.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Progress {
    pub title: String,
    /// The commit described, and its time.
    pub head: String,
    pub head_time: i64,
    /// The exercise's rounds in order (scheduled rounds, then rounds amendments name),
    /// and [`NO_ROUND`] last when some amendments name none.
    pub rounds: Vec<String>,
    /// Where the schedule stands now (`round 2: 45 min left`), when there is one.
    pub clock: Option<String>,
    pub teams: Vec<TeamProgress>,
    /// Bracket totals at the exercise's start, where each round opened, and now.
    pub burndown: Vec<BurnPoint>,
    /// The clauses amended most during the exercise.
    pub contested: Vec<Contested>,
    /// What could not be shown, and why (objectives without the instructor's key…).
    pub notes: Vec<String>,
}

/// One team's progress.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct TeamProgress {
    pub name: String,
    pub plays: Vec<String>,
    /// Landed amendments its delegations proposed, per round (in [`Progress::rounds`]'
    /// order).
    pub amendments: Vec<usize>,
    /// Its proposals per round (in [`Progress::rounds`]' order): made, landed, declined,
    /// stale (the rest pending).
    pub proposals: Vec<[usize; 4]>,
    /// Time of its last landed amendment.
    pub last_activity: Option<i64>,
    /// Its objectives checked at the head, when the reader may see them.
    pub scorecard: Option<Scorecard>,
    /// Words of the text credited to it (word-level blame), when computed.
    pub words: Option<usize>,
}

impl TeamProgress {
    pub fn total(&self) -> usize {
        self.amendments.iter().sum()
    }

    /// Its proposals in all rounds: made, landed, declined, stale.
    pub fn proposals_total(&self) -> [usize; 4] {
        self.proposals.iter().fold([0; 4], |mut acc, r| {
            for (a, n) in acc.iter_mut().zip(r) {
                *a += n;
            }
            acc
        })
    }

    /// `made/landed/declined/stale` of one round's proposals (`—` for none).
    pub fn proposals_cell(counts: &[usize; 4]) -> String {
        if counts[0] == 0 {
            "—".into()
        } else {
            format!("{}/{}/{}/{}", counts[0], counts[1], counts[2], counts[3])
        }
    }
}

/// Bracket totals at one point of the exercise.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct BurnPoint {
    pub label: String,
    pub groups: u32,
    pub alternatives: u32,
    pub options: u32,
    pub placeholders: u32,
}

/// A clause the teams fought over.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Contested {
    pub clause: String,
    /// `Article 9, paragraph 2`.
    pub reference: String,
    pub amendments: usize,
    /// Teams whose amendments touched it.
    pub teams: Vec<String>,
    /// Bracket groups open in it now.
    pub open_groups: u32,
}

/// One landed amendment of the exercise.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Landed {
    pub commit: String,
    pub time: i64,
    pub round: Option<String>,
    pub proposers: Vec<String>,
    pub teams: Vec<String>,
    pub kind: String,
    pub clauses: Vec<String>,
    pub summary: String,
}

/// The students' text beside what was really agreed, clause by clause.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Comparison {
    /// What the real text is (`the source's latest commit 77ab12…`).
    pub real: String,
    pub clauses: Vec<ClauseComparison>,
    /// Mean similarity over the clauses compared.
    pub similarity: f64,
}

/// One clause compared.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ClauseComparison {
    pub clause: String,
    pub reference: String,
    /// `unchanged`, `changed`, `inserted` (only the students have it), `deleted` (only the
    /// real text has it), `moved`, `renumbered`.
    pub change: String,
    /// 1.0 for the same words, 0.0 for nothing in common.
    pub similarity: f64,
    /// From the real text to the students' (`WordOp::Delete` is what only the real text
    /// has).
    pub words: Vec<WordOp>,
}

/// Everything the debrief shows.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Debrief {
    pub progress: Progress,
    pub timeline: Vec<Landed>,
    pub comparison: Option<Comparison>,
    /// Manual criteria and each team's ratings, when a scores file was given.
    pub criteria: Vec<String>,
    pub manual: Vec<TeamScores>,
}

/// Compares the students' final text with the real one, clause by clause.
pub fn compare_outcomes(real_label: &str, real: &Draft, students: &Draft) -> Comparison {
    let diff = compare::compare(real, students, None);
    let mut clauses = Vec::new();
    let same = |id: &str| {
        let text = students
            .clause(id)
            .map(|x| x.text.clone())
            .unwrap_or_default();
        (1.0, vec![WordOp::Equal(text)])
    };
    for c in &diff.clauses {
        let (similarity, words) = match &c.change {
            ClauseChange::Unchanged => same(&c.id),
            ClauseChange::Changed { words }
            | ClauseChange::Moved {
                words: Some(words), ..
            }
            | ClauseChange::Renumbered {
                words: Some(words), ..
            } => (similarity(words), words.clone()),
            ClauseChange::Moved { .. } | ClauseChange::Renumbered { .. } => same(&c.id),
            ClauseChange::Inserted { text } => (0.0, vec![WordOp::Insert(text.clone())]),
            ClauseChange::Deleted { text } => (0.0, vec![WordOp::Delete(text.clone())]),
        };
        clauses.push(ClauseComparison {
            clause: c.id.clone(),
            reference: c.reference.clone(),
            change: c.change.word().to_string(),
            similarity,
            words,
        });
    }
    let mean = if clauses.is_empty() {
        1.0
    } else {
        clauses.iter().map(|c| c.similarity).sum::<f64>() / clauses.len() as f64
    };
    Comparison {
        real: real_label.to_string(),
        clauses,
        similarity: mean,
    }
}

/// Share of the words (tokens that are not white space) the two sides have in common:
/// twice the common words over the words of both.
fn similarity(words: &[WordOp]) -> f64 {
    let count = |t: &str| {
        compare::tokens(t)
            .iter()
            .filter(|w| !w.trim().is_empty())
            .count()
    };
    let (mut same, mut old, mut new) = (0, 0, 0);
    for w in words {
        match w {
            WordOp::Equal(t) => {
                let n = count(t);
                same += n;
                old += n;
                new += n;
            }
            WordOp::Delete(t) => old += count(t),
            WordOp::Insert(t) => new += count(t),
        }
    }
    if old + new == 0 {
        1.0
    } else {
        2.0 * same as f64 / (old + new) as f64
    }
}

fn when(time: i64) -> String {
    civil::format_utc(time) + " UTC"
}

fn score_text(card: &Option<Scorecard>) -> String {
    match card {
        Some(c) => format!(
            "{}/{} objectives, weight {}/{} ({:.0}%)",
            c.met(),
            c.outcomes.len(),
            c.met_weight,
            c.total_weight,
            c.percent()
        ),
        None => "objectives not readable".into(),
    }
}

impl Debrief {
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("plain data serialises")
    }

    /// Markdown.
    pub fn to_markdown(&self) -> String {
        let p = &self.progress;
        let mut s = String::new();
        let _ = writeln!(s, "# Debrief: {}\n", p.title);
        let _ = writeln!(
            s,
            "Final text: commit {} ({})\n",
            short(&p.head),
            when(p.head_time)
        );
        for n in &p.notes {
            let _ = writeln!(s, "> {n}\n");
        }
        s.push_str("## Teams\n\n| team | plays | objectives | words credited | amendments |");
        let manual = !self.criteria.is_empty();
        if manual {
            s.push_str(" conduct (1–7) |");
        }
        s.push_str("\n|---|---|---|---:|---:|");
        if manual {
            s.push_str("---:|");
        }
        s.push('\n');
        for t in &p.teams {
            let _ = write!(
                s,
                "| {} | {} | {} | {} | {} |",
                t.name,
                t.plays.join(", "),
                score_text(&t.scorecard),
                t.words.map_or("—".into(), |w| w.to_string()),
                t.total()
            );
            if manual {
                let m = self
                    .manual
                    .iter()
                    .find(|m| m.team.eq_ignore_ascii_case(&t.name))
                    .map_or("—".into(), |m| format!("{:.1}", m.mean()));
                let _ = write!(s, " {m} |");
            }
            s.push('\n');
        }
        for t in &p.teams {
            let _ = writeln!(s, "\n### {}\n", t.name);
            match &t.scorecard {
                None => s.push_str("Objectives not readable.\n"),
                Some(c) => {
                    s.push_str("| objective | weight | met | why |\n|---|---:|---|---|\n");
                    for o in &c.outcomes {
                        let _ = writeln!(
                            s,
                            "| {} ({}) | {} | {} | {} |",
                            o.description,
                            o.id,
                            o.weight,
                            if o.met { "yes" } else { "no" },
                            o.detail
                        );
                    }
                    let _ = writeln!(s, "\nScore: {:.0}%", c.percent());
                }
            }
            if let Some(m) = self
                .manual
                .iter()
                .find(|m| m.team.eq_ignore_ascii_case(&t.name))
            {
                s.push('\n');
                for (c, r) in self.criteria.iter().zip(&m.ratings) {
                    let _ = writeln!(s, "- {c}: {r}");
                }
                if !m.comment.is_empty() {
                    let _ = writeln!(s, "\n{}", m.comment);
                }
            }
        }
        s.push_str("\n## Amendments per round\n\n");
        round_table_head(&mut s, &p.rounds);
        for t in &p.teams {
            let _ = write!(s, "| {} |", t.name);
            for n in &t.amendments {
                let _ = write!(s, " {n} |");
            }
            let _ = writeln!(s, " {} |", t.total());
        }
        if p.teams.iter().any(|t| t.proposals_total()[0] > 0) {
            s.push_str("\n## Proposals per round (made/landed/declined/stale)\n\n");
            round_table_head(&mut s, &p.rounds);
            for t in &p.teams {
                let _ = write!(s, "| {} |", t.name);
                for c in &t.proposals {
                    let _ = write!(s, " {} |", TeamProgress::proposals_cell(c));
                }
                let _ = writeln!(
                    s,
                    " {} |",
                    TeamProgress::proposals_cell(&t.proposals_total())
                );
            }
        }
        s.push_str("\n## Bracket burn-down\n\n| point | groups | alternatives | options | placeholders |\n|---|---:|---:|---:|---:|\n");
        for b in &p.burndown {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} |",
                b.label, b.groups, b.alternatives, b.options, b.placeholders
            );
        }
        if !p.contested.is_empty() {
            s.push_str("\n## Most contested clauses\n\n| clause | amendments | teams | open groups |\n|---|---:|---|---:|\n");
            for c in &p.contested {
                let _ = writeln!(
                    s,
                    "| {} ({}) | {} | {} | {} |",
                    c.reference,
                    c.clause,
                    c.amendments,
                    c.teams.join(", "),
                    c.open_groups
                );
            }
        }
        s.push_str("\n## Timeline\n\n");
        if self.timeline.is_empty() {
            s.push_str("No amendment landed during the exercise.\n");
        }
        for l in &self.timeline {
            let _ = writeln!(
                s,
                "- {} · {} · {} ({}): {} [{}]",
                when(l.time),
                l.round.as_deref().unwrap_or(NO_ROUND),
                l.teams.join(", "),
                l.proposers.join(", "),
                l.summary,
                l.clauses.join(", ")
            );
        }
        if let Some(c) = &self.comparison {
            let _ = writeln!(
                s,
                "\n## The students' text beside the real outcome\n\nReal text: {}. Mean similarity {:.0}%.\n\n| clause | change | similarity | words (real → students) |\n|---|---|---:|---|",
                c.real,
                100.0 * c.similarity
            );
            for k in c.clauses.iter().filter(|k| k.change != "unchanged") {
                let _ = writeln!(
                    s,
                    "| {} ({}) | {} | {:.0}% | {} |",
                    k.reference,
                    k.clause,
                    k.change,
                    100.0 * k.similarity,
                    compare::render_words(&k.words)
                        .replace('|', "\\|")
                        .replace('\n', " ")
                );
            }
        }
        s
    }

    /// One self-contained HTML file.
    pub fn to_html(&self) -> String {
        let p = &self.progress;
        let mut h = String::new();
        let _ = write!(
            h,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Debrief: {}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<header><h1>Debrief: {}</h1><p class=\"meta\">Final text: commit <code>{}</code>, {}</p></header>\n",
            escape(&p.title),
            escape(&p.title),
            escape(short(&p.head)),
            escape(&when(p.head_time))
        );
        for n in &p.notes {
            let _ = writeln!(h, "<p class=\"note\">{}</p>", escape(n));
        }
        // Summary table.
        h.push_str("<section id=\"summary\"><h2>Teams</h2><table class=\"summary\"><thead><tr><th>team</th><th>plays</th><th>objectives</th><th>score</th><th>words credited</th><th>amendments</th>");
        let manual = !self.criteria.is_empty();
        if manual {
            h.push_str("<th>conduct (1–7)</th>");
        }
        h.push_str("</tr></thead><tbody>\n");
        for t in &p.teams {
            let (objectives, score) = match &t.scorecard {
                Some(c) => (
                    format!(
                        "{}/{} (weight {}/{})",
                        c.met(),
                        c.outcomes.len(),
                        c.met_weight,
                        c.total_weight
                    ),
                    format!("{:.0}%", c.percent()),
                ),
                None => ("not readable".into(), "—".into()),
            };
            let _ = write!(
                h,
                "<tr><td><a href=\"#team-{}\">{}</a></td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>",
                slug(&t.name),
                escape(&t.name),
                escape(&t.plays.join(", ")),
                escape(&objectives),
                score,
                t.words.map_or("—".into(), |w| w.to_string()),
                t.total()
            );
            if manual {
                let m = self
                    .manual
                    .iter()
                    .find(|m| m.team.eq_ignore_ascii_case(&t.name))
                    .map_or("—".into(), |m| format!("{:.1}", m.mean()));
                let _ = write!(h, "<td class=\"num\">{m}</td>");
            }
            h.push_str("</tr>\n");
        }
        h.push_str("</tbody></table>\n<div class=\"charts\">");
        let scores: Vec<(String, f64)> = p
            .teams
            .iter()
            .map(|t| {
                (
                    t.name.clone(),
                    t.scorecard.as_ref().map_or(0.0, Scorecard::percent),
                )
            })
            .collect();
        h.push_str(&bar_chart(
            "chart-scores",
            "Objectives met (% of weight)",
            &scores,
            Some(100.0),
        ));
        let words: Vec<(String, f64)> = p
            .teams
            .iter()
            .map(|t| (t.name.clone(), t.words.unwrap_or(0) as f64))
            .collect();
        h.push_str(&bar_chart(
            "chart-words",
            "Words of the final text credited",
            &words,
            None,
        ));
        h.push_str("</div></section>\n");
        // Per team.
        for t in &p.teams {
            let _ = writeln!(
                h,
                "<section class=\"team\" id=\"team-{}\"><h2>{}</h2><p class=\"meta\">plays {} · {} amendment{} landed · {} words credited{}</p>",
                slug(&t.name),
                escape(&t.name),
                escape(&t.plays.join(", ")),
                t.total(),
                if t.total() == 1 { "" } else { "s" },
                t.words.map_or("—".into(), |w| w.to_string()),
                t.last_activity
                    .map(|a| format!(" · last {}", when(a)))
                    .unwrap_or_default()
            );
            match &t.scorecard {
                None => h.push_str("<p>Objectives not readable.</p>\n"),
                Some(c) => {
                    h.push_str("<table class=\"objectives\"><thead><tr><th>objective</th><th>weight</th><th>met</th><th>why</th></tr></thead><tbody>\n");
                    for o in &c.outcomes {
                        let _ = writeln!(
                            h,
                            "<tr class=\"{}\"><td>{} <span class=\"id\">{}</span></td><td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>",
                            if o.met { "met" } else { "unmet" },
                            escape(&o.description),
                            escape(&o.id),
                            o.weight,
                            if o.met { "✔ yes" } else { "✘ no" },
                            escape(&o.detail)
                        );
                    }
                    let _ = writeln!(
                        h,
                        "</tbody><tfoot><tr><td>score</td><td class=\"num\">{}/{}</td><td colspan=\"2\">{:.0}%</td></tr></tfoot></table>",
                        c.met_weight,
                        c.total_weight,
                        c.percent()
                    );
                }
            }
            if let Some(m) = self
                .manual
                .iter()
                .find(|m| m.team.eq_ignore_ascii_case(&t.name))
            {
                h.push_str("<table class=\"manual\"><thead><tr><th>criterion</th><th>rating (1–7)</th></tr></thead><tbody>");
                for (c, r) in self.criteria.iter().zip(&m.ratings) {
                    let _ = write!(
                        h,
                        "<tr><td>{}</td><td class=\"num\">{r}</td></tr>",
                        escape(c)
                    );
                }
                let _ = write!(
                    h,
                    "</tbody><tfoot><tr><td>mean</td><td class=\"num\">{:.1}</td></tr></tfoot></table>",
                    m.mean()
                );
                if !m.comment.is_empty() {
                    let _ = write!(h, "<p class=\"comment\">{}</p>", escape(&m.comment));
                }
            }
            h.push_str("</section>\n");
        }
        // Rounds.
        h.push_str("<section id=\"rounds\"><h2>Amendments per round</h2><table class=\"rounds\"><thead><tr><th>team</th>");
        for r in &p.rounds {
            let _ = write!(h, "<th>{}</th>", escape(r));
        }
        h.push_str("<th>total</th></tr></thead><tbody>");
        for t in &p.teams {
            let _ = write!(h, "<tr><td>{}</td>", escape(&t.name));
            for n in &t.amendments {
                let _ = write!(h, "<td class=\"num\">{n}</td>");
            }
            let _ = write!(h, "<td class=\"num\">{}</td></tr>", t.total());
        }
        h.push_str("</tbody></table></section>\n");
        if p.teams.iter().any(|t| t.proposals_total()[0] > 0) {
            h.push_str("<section id=\"proposals\"><h2>Proposals per round</h2><p>made / landed / declined / stale</p><table class=\"rounds\"><thead><tr><th>team</th>");
            for r in &p.rounds {
                let _ = write!(h, "<th>{}</th>", escape(r));
            }
            h.push_str("<th>total</th></tr></thead><tbody>");
            for t in &p.teams {
                let _ = write!(h, "<tr><td>{}</td>", escape(&t.name));
                for c in &t.proposals {
                    let _ = write!(
                        h,
                        "<td class=\"num\">{}</td>",
                        TeamProgress::proposals_cell(c)
                    );
                }
                let _ = write!(
                    h,
                    "<td class=\"num\">{}</td></tr>",
                    TeamProgress::proposals_cell(&t.proposals_total())
                );
            }
            h.push_str("</tbody></table></section>\n");
        }
        // Burn-down.
        h.push_str("<section id=\"burndown\"><h2>Bracket burn-down</h2>");
        h.push_str(&burndown_chart(&p.burndown));
        h.push_str("<table class=\"burndown\"><thead><tr><th>point</th><th>groups</th><th>alternatives</th><th>options</th><th>placeholders</th></tr></thead><tbody>");
        for b in &p.burndown {
            let _ = write!(
                h,
                "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                escape(&b.label),
                b.groups,
                b.alternatives,
                b.options,
                b.placeholders
            );
        }
        h.push_str("</tbody></table></section>\n");
        if !p.contested.is_empty() {
            h.push_str("<section id=\"contested\"><h2>Most contested clauses</h2><table><thead><tr><th>clause</th><th>amendments</th><th>teams</th><th>open groups</th></tr></thead><tbody>");
            for c in &p.contested {
                let _ = write!(
                    h,
                    "<tr><td>{} <span class=\"id\">{}</span></td><td class=\"num\">{}</td><td>{}</td><td class=\"num\">{}</td></tr>",
                    escape(&c.reference),
                    escape(&c.clause),
                    c.amendments,
                    escape(&c.teams.join(", ")),
                    c.open_groups
                );
            }
            h.push_str("</tbody></table></section>\n");
        }
        // Timeline.
        h.push_str("<section id=\"timeline\"><h2>Timeline of landed amendments</h2>");
        if self.timeline.is_empty() {
            h.push_str("<p>No amendment landed during the exercise.</p>");
        } else {
            h.push_str("<ol class=\"timeline\">");
            for l in &self.timeline {
                let _ = write!(
                    h,
                    "<li><time>{}</time> <span class=\"round\">{}</span> <strong>{}</strong> ({}): {} <span class=\"id\">{}</span></li>",
                    escape(&when(l.time)),
                    escape(l.round.as_deref().unwrap_or(NO_ROUND)),
                    escape(&l.teams.join(", ")),
                    escape(&l.proposers.join(", ")),
                    escape(&l.summary),
                    escape(&l.clauses.join(", "))
                );
            }
            h.push_str("</ol>");
        }
        h.push_str("</section>\n");
        if let Some(c) = &self.comparison {
            let _ = write!(
                h,
                "<section id=\"comparison\"><h2>The students' text beside the real outcome</h2><p class=\"meta\">Real text: {}. Mean similarity {:.0}%. <del>Struck</del> words only the real text has; <ins>underlined</ins> words only the students'.</p><table id=\"clause-table\" class=\"clauses\"><thead><tr><th>clause</th><th>change</th><th>similarity</th><th>words</th></tr></thead><tbody>",
                escape(&c.real),
                100.0 * c.similarity
            );
            for k in &c.clauses {
                let _ = write!(
                    h,
                    "<tr class=\"{}\"><td>{} <span class=\"id\">{}</span></td><td>{}</td><td class=\"num\">{:.0}%</td><td class=\"words\">{}</td></tr>",
                    escape(&k.change),
                    escape(&k.reference),
                    escape(&k.clause),
                    escape(&k.change),
                    100.0 * k.similarity,
                    words_html(&k.words)
                );
            }
            h.push_str("</tbody></table></section>\n");
        }
        h.push_str("</body>\n</html>\n");
        h
    }
}

fn short(oid: &str) -> &str {
    oid.get(..10).unwrap_or(oid)
}

fn words_html(words: &[WordOp]) -> String {
    let mut s = String::new();
    for w in words {
        match w {
            WordOp::Equal(t) => s.push_str(&escape(t)),
            WordOp::Delete(t) => {
                let _ = write!(s, "<del>{}</del>", escape(t));
            }
            WordOp::Insert(t) => {
                let _ = write!(s, "<ins>{}</ins>", escape(t));
            }
        }
    }
    s
}

/// A horizontal bar chart, one bar per team.
fn bar_chart(id: &str, title: &str, bars: &[(String, f64)], max: Option<f64>) -> String {
    let top = max
        .unwrap_or_else(|| bars.iter().map(|b| b.1).fold(0.0, f64::max))
        .max(1.0);
    let (label_w, bar_w, row) = (150.0, 300.0, 24.0);
    let height = row * bars.len() as f64 + 30.0;
    let mut s = format!(
        "<figure class=\"chart\"><svg id=\"{id}\" role=\"img\" viewBox=\"0 0 {} {height}\" width=\"{}\" height=\"{height}\"><title>{}</title>",
        label_w + bar_w + 60.0,
        label_w + bar_w + 60.0,
        escape(title)
    );
    for (i, (name, v)) in bars.iter().enumerate() {
        let y = 20.0 + row * i as f64;
        let w = bar_w * v / top;
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text><rect class=\"bar\" x=\"{label_w}\" y=\"{}\" width=\"{w:.1}\" height=\"{}\"/><text x=\"{:.1}\" y=\"{}\">{}</text>",
            label_w - 6.0,
            y + 14.0,
            escape(name),
            y + 2.0,
            row - 6.0,
            label_w + w + 4.0,
            y + 14.0,
            if max.is_some() {
                format!("{v:.0}%")
            } else {
                format!("{v:.0}")
            }
        );
    }
    let _ = write!(
        s,
        "</svg><figcaption>{}</figcaption></figure>",
        escape(title)
    );
    s
}

/// The bracket burn-down as a line chart: groups and alternatives at each point.
fn burndown_chart(points: &[BurnPoint]) -> String {
    let (w, h, pad) = (640.0, 240.0, 40.0);
    let top = points
        .iter()
        .map(|p| p.groups.max(p.alternatives))
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let step = if points.len() > 1 {
        (w - 2.0 * pad) / (points.len() - 1) as f64
    } else {
        0.0
    };
    let xy = |i: usize, v: u32| {
        (
            pad + step * i as f64,
            h - pad - (h - 2.0 * pad) * f64::from(v) / top,
        )
    };
    let mut s = format!(
        "<figure class=\"chart\"><svg id=\"chart-burndown\" role=\"img\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\"><title>Bracket burn-down</title><line class=\"axis\" x1=\"{pad}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/><line class=\"axis\" x1=\"{pad}\" y1=\"{pad}\" x2=\"{pad}\" y2=\"{}\"/><text x=\"4\" y=\"{}\">{top}</text>",
        h - pad,
        w - pad,
        h - pad,
        h - pad,
        pad + 4.0
    );
    for (series, class, pick) in [
        ("groups", "line-groups", 0usize),
        ("alternatives", "line-alternatives", 1),
    ] {
        let pts: Vec<String> = points
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let (x, y) = xy(i, if pick == 0 { p.groups } else { p.alternatives });
                format!("{x:.1},{y:.1}")
            })
            .collect();
        let _ = write!(
            s,
            "<polyline class=\"{class}\" points=\"{}\"><title>{series}</title></polyline>",
            pts.join(" ")
        );
        for (i, p) in points.iter().enumerate() {
            let (x, y) = xy(i, if pick == 0 { p.groups } else { p.alternatives });
            let _ = write!(
                s,
                "<circle class=\"{class}\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3\"/>"
            );
        }
    }
    for (i, p) in points.iter().enumerate() {
        let (x, _) = xy(i, 0);
        let _ = write!(
            s,
            "<text x=\"{x:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            h - pad + 18.0,
            escape(&p.label)
        );
    }
    s.push_str("</svg><figcaption><span class=\"key-groups\">■</span> bracket groups <span class=\"key-alternatives\">■</span> alternatives</figcaption></figure>");
    s
}

const CSS: &str = "body{font-family:Georgia,'Times New Roman',serif;margin:2rem auto;max-width:60rem;color:#111;line-height:1.4}h1{font-size:1.7rem}h2{border-bottom:1px solid #999;font-size:1.25rem;margin-top:2rem}table{border-collapse:collapse;margin:0.5rem 0 1rem;width:100%}th,td{border:1px solid #bbb;padding:0.25rem 0.45rem;text-align:left;vertical-align:top}th{background:#eee}td.num{text-align:right;font-variant-numeric:tabular-nums}.meta{color:#444;font-size:0.9rem}.note{border-left:4px solid #c60;padding-left:0.6rem}.id{color:#666;font-family:monospace;font-size:0.8rem}tr.met td:nth-child(3){color:#065f1d;font-weight:bold}tr.unmet td:nth-child(3){color:#8a1010;font-weight:bold}.charts{display:flex;flex-wrap:wrap;gap:1rem}figure.chart{margin:0.5rem 0}svg text{font-family:sans-serif;font-size:12px;fill:#222}rect.bar{fill:#2d5d9f}line.axis{stroke:#444}polyline{fill:none;stroke-width:2}.line-groups{stroke:#8a1010;fill:#8a1010}polyline.line-groups{fill:none}.line-alternatives{stroke:#2d5d9f;fill:#2d5d9f}polyline.line-alternatives{fill:none}.key-groups{color:#8a1010}.key-alternatives{color:#2d5d9f}del{color:#8a1010;text-decoration:line-through}ins{color:#065f1d;text-decoration:underline;font-weight:bold}td.words{font-size:0.9rem}ol.timeline li{margin-bottom:0.2rem}.round{font-family:monospace;background:#eee;padding:0 0.2rem}.comment{font-style:italic}@media print{body{margin:0;max-width:none;font-size:10.5pt}section.team,table,figure{page-break-inside:avoid;break-inside:avoid}a{color:inherit;text-decoration:none}h2{page-break-after:avoid;break-after:avoid}}";

/// The head of a Markdown table with one column per round: `| team | r1 | … | total |`.
fn round_table_head(s: &mut String, rounds: &[String]) {
    s.push_str("| team |");
    for r in rounds {
        let _ = write!(s, " {r} |");
    }
    s.push_str(" total |\n|---|");
    for _ in rounds {
        s.push_str("---:|");
    }
    s.push_str("---:|\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exercise::objectives::Outcome;

    fn debrief() -> Debrief {
        let card = Scorecard {
            team: "Aurora".into(),
            outcomes: vec![Outcome {
                id: "annual".into(),
                description: "Yearly <review>".into(),
                weight: 3,
                met: true,
                detail: "settled".into(),
            }],
            met_weight: 3,
            total_weight: 4,
        };
        let front = "# T {#treaty}\n\n## Part I. General {#part-1}\n\n- [Article 1. Review](articles/review.md)\n";
        let real = Draft::from_texts(front, &[("articles/review.md", "### Article 1. Review {#review}\n\n1. Parties shall review every year. {#review.1}\n")]).draft;
        let students = Draft::from_texts(front, &[("articles/review.md", "### Article 1. Review {#review}\n\n1. Parties shall review every two years. {#review.1}\n")]).draft;
        Debrief {
            progress: Progress {
                title: "Moot".into(),
                head: "0123456789abcdef".into(),
                head_time: 1_735_689_600,
                rounds: vec!["1".into(), "2".into()],
                clock: None,
                teams: vec![TeamProgress {
                    name: "Aurora".into(),
                    plays: vec!["EU".into()],
                    amendments: vec![2, 1],
                    proposals: vec![[3, 2, 1, 0], [1, 1, 0, 0]],
                    last_activity: Some(1_735_689_600),
                    scorecard: Some(card),
                    words: Some(12),
                }],
                burndown: vec![
                    BurnPoint {
                        label: "start".into(),
                        groups: 10,
                        alternatives: 20,
                        options: 2,
                        placeholders: 1,
                    },
                    BurnPoint {
                        label: "now".into(),
                        groups: 4,
                        alternatives: 8,
                        options: 0,
                        placeholders: 0,
                    },
                ],
                contested: Vec::new(),
                notes: Vec::new(),
            },
            timeline: Vec::new(),
            comparison: Some(compare_outcomes("the real text", &real, &students)),
            criteria: vec!["Planning".into()],
            manual: vec![TeamScores {
                team: "Aurora".into(),
                ratings: vec![6],
                comment: String::new(),
            }],
        }
    }

    #[test]
    fn the_comparison_measures_shared_words() {
        let d = debrief();
        let c = d.comparison.as_ref().unwrap();
        let review = c.clauses.iter().find(|k| k.clause == "review.1").unwrap();
        assert_eq!(review.change, "changed");
        // "Parties shall review every" and the full stop shared: 5 of 6 and 5 of 7 words.
        assert!(
            (review.similarity - 10.0 / 13.0).abs() < 1e-9,
            "{}",
            review.similarity
        );
        assert_eq!(
            compare::render_words(&review.words),
            "Parties shall review every [-year-]{+two years+}."
        );
    }

    #[test]
    fn every_format_carries_the_teams_and_scores() {
        let d = debrief();
        let md = d.to_markdown();
        assert!(
            md.contains("| Aurora | EU | 1/1 objectives, weight 3/4 (75%) | 12 | 3 | 6.0 |"),
            "{md}"
        );
        assert!(
            md.contains("## Proposals per round (made/landed/declined/stale)")
                && md.contains("| Aurora | 3/2/1/0 | 1/1/0/0 | 4/3/1/0 |"),
            "{md}"
        );
        let html = d.to_html();
        for needle in [
            "id=\"team-aurora\"",
            "id=\"chart-burndown\"",
            "id=\"chart-scores\"",
            "id=\"clause-table\"",
            "Yearly &lt;review&gt;",
            "<del>year</del><ins>two years</ins>",
            "<section id=\"proposals\">",
            "<td class=\"num\">4/3/1/0</td>",
        ] {
            assert!(html.contains(needle), "{needle}");
        }
        assert!(
            !html.contains("<script") && !html.contains("http"),
            "self-contained"
        );
        let json: serde_json::Value = serde_json::from_str(&d.to_json()).unwrap();
        assert_eq!(json["progress"]["teams"][0]["scorecard"]["met_weight"], 3);
    }
}
