//! History commands: `treaty log`, `treaty history`, `treaty blame`, `treaty replay`,
//! `treaty stats --by-round`. All read the history index (`crate::history`).

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::bail;
use clap::Args;
use serde::Serialize;

use super::{negotiation_root, out};
use crate::amendment::AmendmentKind;
use crate::compare;
use crate::history::{Attributed, Blame, History, RecordInfo};
use crate::store::Oid;
use crate::store::{LogFilter, Store};
use crate::verify::{Provenance, Verifier};

#[derive(Debug, Args)]
pub struct LogArgs {
    /// Only amendments that touched this clause id.
    #[arg(long, value_name = "ID")]
    pub clause: Option<String>,
    /// Only amendments proposed (or co-proposed) by this delegation.
    #[arg(long, value_name = "DELEGATION")]
    pub by: Option<String>,
    /// Only amendments of this round.
    #[arg(long, value_name = "R")]
    pub round: Option<String>,
    /// Only amendments of this kind (insert, delete, replace, bracket, lift-brackets,
    /// choose-option, move, renumber, re-tier, annex).
    #[arg(long, value_name = "K")]
    pub kind: Option<AmendmentKind>,
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ClauseHistoryArgs {
    /// The clause's stable id.
    pub clause: String,
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct BlameArgs {
    /// The clause's stable id.
    pub clause: String,
    /// Also list the words that were removed, and who removed them.
    #[arg(long)]
    pub deleted: bool,
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// Start with the first amendment of this round.
    #[arg(long, value_name = "R")]
    pub from: Option<String>,
    /// Stop after the last amendment of this round.
    #[arg(long, value_name = "R")]
    pub to: Option<String>,
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    /// Bracket groups, alternatives, options and placeholders where each round opened.
    #[arg(long)]
    pub by_round: bool,
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
}

/// The record and its history. The history lives until the process exits: each command
/// reads it once, and freeing it is pure cost (at UN scale, 5.5 M of a warm `treaty
/// blame`'s 37.6 M instructions with index v3), so the operating system reclaims it.
fn open(repo: Option<PathBuf>) -> anyhow::Result<(Store, &'static History)> {
    let root = negotiation_root(repo)?;
    let store = super::open_record(&root)?;
    if store.is_shallow() {
        eprintln!(
            "note: this is a shallow clone, so amendments before the oldest commit here are missing from the history: run `git fetch --unshallow` for all of it"
        );
    }
    let history = History::open(&store).map_err(|e| {
        let damaged = e.is_damage();
        let e = anyhow::Error::from(e);
        if damaged {
            e.context(
                "the record is damaged (a git object cannot be read): run `git fsck --full` to see what is broken, and restore the record from another clone or a backup",
            )
        } else {
            e
        }
    })?;
    let history: &'static History = Box::leak(Box::new(history));
    Ok((store, history))
}

fn short(oid: &str) -> &str {
    &oid[..oid.len().min(10)]
}

/// "EU, AU" or "no delegation named".
fn proposers(p: &[String]) -> String {
    if p.is_empty() {
        "no delegation named".into()
    } else {
        p.join(", ")
    }
}

/// One line naming an amendment: id, round, delegations, date.
/// Where each commit stands with the roster (see `verify::Provenance`), by commit id.
type Marks = HashMap<String, Provenance>;

/// The provenance of the commits named, worked out (or read back) once for the listing.
/// A record that cannot be checked gives no marks, and says why.
fn marks<'a>(store: &Store, oids: impl IntoIterator<Item = &'a str>) -> Marks {
    let oids: Vec<Oid> = oids
        .into_iter()
        .filter_map(|o| Oid::from_str(o).ok())
        .collect();
    match Verifier::open(Some(store.workdir())).and_then(|v| v.provenance(&oids)) {
        Ok(found) => found.into_iter().map(|(o, p)| (o.to_string(), p)).collect(),
        Err(e) => {
            eprintln!(
                "{}",
                crate::sanitize::inert(&format!("note: provenance not checked: {e}"))
            );
            Marks::new()
        }
    }
}

/// ` [signed]`, ` [roster]` or ` [NOT VERIFIED]` after a commit checked against a roster;
/// nothing where there is no roster to check against.
fn mark(marks: &Marks, oid: &str) -> &'static str {
    match marks.get(oid) {
        Some(Provenance::Signed) => " [signed]",
        Some(Provenance::Roster) => " [roster]",
        Some(Provenance::Unverified) => " [NOT VERIFIED]",
        Some(Provenance::NoRoster) | None => "",
    }
}

fn who(r: &RecordInfo, marks: &Marks) -> String {
    let mark = mark(marks, &r.oid);
    match &r.amendment {
        Some(a) => format!(
            "{} ({}, {}, round {}, {}){mark}",
            a.id,
            a.kind,
            proposers(r.proposers()),
            a.round.as_deref().unwrap_or("none"),
            r.date()
        ),
        None => format!(
            "commit {} ({}, {}){mark}",
            short(&r.oid),
            r.author,
            r.date()
        ),
    }
}

#[derive(Serialize)]
struct LogEntryJson<'a> {
    oid: &'a str,
    id: Option<&'a str>,
    proposers: &'a [String],
    clauses: Vec<&'a str>,
    kind: Option<&'static str>,
    round: Option<&'a str>,
    status: Option<&'static str>,
    summary: &'a str,
    author: &'a str,
    date: String,
    /// Where the commit stands with the roster; absent when it could not be checked.
    #[serde(skip_serializing_if = "Option::is_none")]
    provenance: Option<Provenance>,
}

pub fn log(repo: Option<PathBuf>, a: LogArgs) -> anyhow::Result<ExitCode> {
    let (store, history) = open(repo)?;
    if let Some(c) = &a.clause {
        history.clause_versions(c)?;
    }
    let filter = LogFilter {
        clause: a.clause,
        by: a.by,
        round: a.round,
        kind: a.kind,
        since: None,
    };
    let entries = history.log_info(&filter);
    let marks = marks(&store, entries.iter().map(|(_, r)| r.oid.as_str()));
    if a.json {
        let json: Vec<LogEntryJson> = entries
            .iter()
            .map(|&(i, _)| {
                let r = history.record(i);
                let am = r.amendment.as_ref();
                let mut clauses: Vec<&str> = am
                    .map(|a| a.clauses.iter().map(String::as_str).collect())
                    .unwrap_or_default();
                for c in &r.changes {
                    if !clauses.contains(&c.id.as_str()) {
                        clauses.push(&c.id);
                    }
                }
                LogEntryJson {
                    oid: &r.oid,
                    id: am.map(|a| a.id.as_str()),
                    proposers: r.proposers(),
                    clauses,
                    kind: am.map(|a| a.kind.as_str()),
                    round: r.round(),
                    status: am.map(|a| a.status.as_str()),
                    summary: &r.summary,
                    author: &r.author,
                    date: r.date(),
                    provenance: marks.get(&r.oid).copied(),
                }
            })
            .collect();
        out(&serde_json::to_string_pretty(&json)?);
        return Ok(ExitCode::SUCCESS);
    }
    let mut text = String::new();
    for (_, r) in &entries {
        match &r.amendment {
            Some(am) => {
                text.push_str(&format!("amendment {}  ({})\n", am.id, short(&r.oid)));
                text.push_str(&format!("Proposed by: {}\n", proposers(r.proposers())));
                text.push_str(&format!(
                    "Kind:        {}    Status: {}    Round: {}\n",
                    am.kind,
                    am.status,
                    am.round.as_deref().unwrap_or("none")
                ));
                if !am.clauses.is_empty() {
                    text.push_str(&format!("Clauses:     {}\n", am.clauses.join(", ")));
                } else if r.changed > 0 {
                    text.push_str(&format!("Changed:     {} clause(s)\n", r.changed));
                }
            }
            None => text.push_str(&format!("commit {} (no amendment record)\n", short(&r.oid))),
        }
        text.push_str(&format!("Recorded by: {} on {}\n", r.author, r.date()));
        if let Some(p) = marks.get(&r.oid).filter(|p| **p != Provenance::NoRoster) {
            text.push_str(&format!("Provenance:  {}\n", p.mark()));
        }
        text.push('\n');
        text.push_str(&format!("    {}\n\n", r.summary));
    }
    if entries.is_empty() {
        text.push_str("no amendments match\n");
    }
    out(text.trim_end());
    Ok(ExitCode::SUCCESS)
}

pub fn clause_history(repo: Option<PathBuf>, a: ClauseHistoryArgs) -> anyhow::Result<ExitCode> {
    let (store, history) = open(repo)?;
    if a.json {
        let events = history.clause_history(&a.clause)?;
        out(&serde_json::to_string_pretty(&events)?);
        return Ok(ExitCode::SUCCESS);
    }
    let events = history.clause_versions(&a.clause)?;
    let marks = marks(&store, events.iter().map(|e| e.info.oid.as_str()));
    let mut text = format!("History of {}: {} version(s)\n", a.clause, events.len());
    let mut previous: Option<&crate::history::ClauseVersion> = None;
    for e in &events {
        text.push_str(&format!("\n{}\n", who(e.info, &marks)));
        text.push_str(&format!("  {}\n", e.info.summary));
        match e.version {
            None => text.push_str("  deleted the clause\n"),
            Some(v) => {
                let label = v.label.as_deref().unwrap_or("unnumbered");
                match previous {
                    None => text.push_str(&format!("  introduced as {label} ({})\n", v.kind)),
                    Some(p) => {
                        if p.label != v.label {
                            text.push_str(&format!(
                                "  renumbered {} -> {label}\n",
                                p.label.as_deref().unwrap_or("unnumbered")
                            ));
                        }
                        if p.parent != v.parent || p.file != v.file || p.position != v.position {
                            text.push_str(&format!(
                                "  moved: now under {} in drafts/{}\n",
                                v.parent.as_deref().unwrap_or("the top"),
                                v.file
                            ));
                        }
                    }
                }
                if !v.words().is_empty() {
                    text.push_str(&format!("  {label} {}\n", v.words()));
                }
            }
        }
        previous = e.version;
    }
    out(text.trim_end());
    Ok(ExitCode::SUCCESS)
}

#[derive(Serialize)]
struct Attribution<'a> {
    text: &'a str,
    amendment: Option<&'a str>,
    proposers: &'a [String],
    round: Option<&'a str>,
    date: String,
    summary: &'a str,
}

fn attribution<'a>(text: &'a str, r: &'a RecordInfo) -> Attribution<'a> {
    Attribution {
        text,
        amendment: r.amendment.as_ref().map(|a| a.id.as_str()),
        proposers: r.proposers(),
        round: r.round(),
        date: r.date(),
        summary: &r.summary,
    }
}

pub fn blame(repo: Option<PathBuf>, a: BlameArgs) -> anyhow::Result<ExitCode> {
    let (store, history) = open(repo)?;
    let blame = history.blame(&a.clause)?;
    if a.json {
        out(&blame_json(history, &blame, a.deleted)?);
    } else {
        let records = blame
            .words
            .iter()
            .map(|w| w.introduced)
            .chain(blame.groups.iter().map(|g| g.introduced))
            .chain(blame.deleted.iter().flat_map(|d| [d.introduced, d.deleted]))
            .chain(blame.deleted_by);
        let oids: Vec<&str> = records.map(|i| history.info(i).oid.as_str()).collect();
        let marks = marks(&store, oids);
        out(blame_text(history, &blame, a.deleted, &marks).trim_end());
    }
    Ok(ExitCode::SUCCESS)
}

/// `treaty blame --json`: every word and bracket group with its amendment.
fn blame_json(history: &History, blame: &Blame, deleted: bool) -> serde_json::Result<String> {
    #[derive(Serialize)]
    struct Deleted<'a> {
        #[serde(flatten)]
        introduced: Attribution<'a>,
        deleted_by: Attribution<'a>,
    }
    #[derive(Serialize)]
    struct Json<'a> {
        clause: &'a str,
        text: &'a str,
        words: Vec<Attribution<'a>>,
        groups: Vec<Attribution<'a>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        deleted: Option<Vec<Deleted<'a>>>,
    }
    let json = Json {
        clause: &blame.clause,
        text: &blame.text,
        words: blame
            .words
            .iter()
            .map(|w| attribution(&w.text, history.info(w.introduced)))
            .collect(),
        groups: blame
            .groups
            .iter()
            .map(|g| attribution(&g.text, history.info(g.introduced)))
            .collect(),
        deleted: deleted.then(|| {
            blame
                .deleted
                .iter()
                .map(|d| Deleted {
                    introduced: attribution(&d.text, history.info(d.introduced)),
                    deleted_by: attribution(&d.text, history.info(d.deleted)),
                })
                .collect()
        }),
    };
    serde_json::to_string_pretty(&json)
}

/// `treaty blame`: runs of words by one amendment, then bracket groups and, with
/// `--deleted`, the words removed along the way.
fn blame_text(history: &History, blame: &Blame, deleted: bool, marks: &Marks) -> String {
    let mut text = format!("Blame of {}\n", blame.clause);
    if let Some(d) = blame.deleted_by {
        text.push_str(&format!(
            "(deleted by {}; the text as it last stood)\n",
            who(history.info(d), marks)
        ));
    }
    text.push_str(&format!("\n{}\n\nWords:\n", blame.text));
    // Consecutive words from the same amendment share one line.
    let mut k = 0;
    while k < blame.words.len() {
        let by = blame.words[k].introduced;
        let mut end = k;
        while end + 1 < blame.words.len() && blame.words[end + 1].introduced == by {
            end += 1;
        }
        let span = &blame.text[blame.words[k].start..blame.words[end].end];
        text.push_str(&format!(
            "  {span}\n      <- {}\n",
            who(history.info(by), marks)
        ));
        k = end + 1;
    }
    if !blame.groups.is_empty() {
        text.push_str("\nBracket groups:\n");
        for g in &blame.groups {
            text.push_str(&format!(
                "  {}\n      <- {}\n",
                g.text,
                who(history.info(g.introduced), marks)
            ));
        }
    }
    if deleted {
        text.push_str("\nDeleted words:\n");
        if blame.deleted.is_empty() {
            text.push_str("  none\n");
        }
        for d in &blame.deleted {
            text.push_str(&format!(
                "  {}\n      added by {}\n      removed by {}\n",
                d.text,
                who(history.info(d.introduced), marks),
                who(history.info(d.deleted), marks)
            ));
        }
    }
    text
}

pub fn replay(repo: Option<PathBuf>, a: ReplayArgs) -> anyhow::Result<ExitCode> {
    let (store, history) = open(repo)?;
    let start = match &a.from {
        Some(r) => history.round_span(&store, r)?.start,
        None => 0,
    };
    let end = match &a.to {
        Some(r) => history.round_span(&store, r)?.end,
        None => history.len(),
    };
    if start > end {
        bail!(
            "round {} comes after round {}: swap --from and --to",
            a.from.unwrap_or_default(),
            a.to.unwrap_or_default()
        );
    }
    let mut text = String::new();
    let mut steps = 0;
    for step in history.replay_range(start, end) {
        if step.changes.is_empty() && step.record.amendment.is_none() {
            continue;
        }
        steps += 1;
        let r = step.record;
        text.push_str(&format!(
            "Step {}: round {}; {}; {}
  {}
",
            step.index,
            r.round().unwrap_or("none"),
            proposers(r.proposers()),
            r.amendment
                .as_ref()
                .map_or("ordinary commit", |a| a.kind.as_str()),
            r.summary
        ));
        for c in &step.changes {
            match (&c.before, c.after) {
                (None, Some(after)) => text.push_str(&format!(
                    "  + {} {}: {}
",
                    c.id,
                    after.label.as_deref().unwrap_or(""),
                    after.words()
                )),
                (Some(before), None) => text.push_str(&format!(
                    "  - {} deleted: {}
",
                    c.id,
                    before.words()
                )),
                (Some(before), Some(after)) => {
                    let mut what = Vec::new();
                    if before.label != after.label {
                        what.push(format!(
                            "renumbered {} -> {}",
                            before.label.as_deref().unwrap_or("unnumbered"),
                            after.label.as_deref().unwrap_or("unnumbered")
                        ));
                    }
                    if before.parent != after.parent
                        || before.file != after.file
                        || before.position != after.position
                    {
                        what.push("moved".into());
                    }
                    text.push_str(&format!(
                        "  ~ {}{}{}
",
                        c.id,
                        if what.is_empty() { "" } else { ": " },
                        what.join(", ")
                    ));
                    if before.words() != after.words() {
                        text.push_str(&format!(
                            "    {}
",
                            compare::render_words(&compare::word_ops(
                                before.words(),
                                after.words()
                            ))
                        ));
                    }
                }
                (None, None) => {}
            }
        }
        text.push('\n');
    }
    text.push_str(&format!("{steps} step(s)"));
    out(&text);
    Ok(ExitCode::SUCCESS)
}

pub fn stats(repo: Option<PathBuf>, a: StatsArgs) -> anyhow::Result<ExitCode> {
    if !a.by_round {
        bail!(
            "say which statistics: `treaty stats --by-round` (for one clause's brackets, use `treaty brackets`)"
        );
    }
    let (store, history) = open(repo)?;
    let rows = history.stats_by_round(&store)?;
    if a.json {
        out(&serde_json::to_string_pretty(&rows)?);
        return Ok(ExitCode::SUCCESS);
    }
    let width = rows.iter().map(|r| r.round.len()).max().unwrap_or(5).max(5);
    let mut text = format!(
        "{:width$}  {:>8}  {:>12}  {:>7}  {:>12}\n",
        "round", "brackets", "alternatives", "options", "placeholders"
    );
    for r in &rows {
        text.push_str(&format!(
            "{:width$}  {:>8}  {:>12}  {:>7}  {:>12}\n",
            r.round,
            r.counts.groups,
            r.counts.alternatives,
            r.counts.options,
            r.counts.placeholders
        ));
    }
    out(text.trim_end());
    Ok(ExitCode::SUCCESS)
}
