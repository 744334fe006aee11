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
#[command(
    after_help = "An article or annex shows every version of the whole of it, paragraphs and points included.\nExamples:\n  treaty history art-5.2\n  treaty history \"Article 5\""
)]
pub struct ClauseHistoryArgs {
    /// The clause's stable id, or an article's or annex's number as it reads now
    /// (`Article 5`, `Annex I`).
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

/// A clause id, or an article's or annex's number as the text reads now.
fn resolve_clause(history: &History, name: &str) -> anyhow::Result<String> {
    if history.current(name).is_some() || history.clause_versions(name).is_ok() {
        return Ok(name.to_string());
    }
    let mut walk = history.replay();
    for _ in walk.by_ref() {}
    let wanted = name.split_whitespace().collect::<Vec<_>>().join(" ");
    let found = walk
        .state()
        .ordered()
        .into_iter()
        .filter(|v| {
            v.label
                .as_deref()
                .is_some_and(|l| l.eq_ignore_ascii_case(&wanted))
        })
        .min_by_key(|v| !matches!(v.kind.as_str(), "article" | "annex"))
        .map(|v| v.id.clone());
    match found {
        Some(id) => Ok(id),
        // The history's own error, with its suggestion.
        None => Err(history
            .clause_versions(name)
            .map(|_| ())
            .unwrap_err()
            .into()),
    }
}

/// Whether `id` holds other clauses (an article, an annex, a division).
fn is_container(history: &History, id: &str) -> bool {
    history
        .clause_versions(id)
        .ok()
        .and_then(|v| {
            v.iter()
                .rev()
                .find_map(|e| e.version.map(|v| v.kind.clone()))
        })
        .is_some_and(|k| matches!(k.as_str(), "article" | "annex" | "division"))
}

/// `Article 5 (Pacta sunt servanda)`.
fn heading(v: &crate::history::ClauseVersion) -> String {
    let label = v.label.as_deref().unwrap_or("unnumbered");
    match &v.title {
        Some(t) => format!("{label} ({t})"),
        None => label.to_string(),
    }
}

/// `treaty history ARTICLE`: every version of the whole article, each paragraph with the
/// words changed since the version before.
fn article_history(store: &Store, history: &History, id: &str) -> anyhow::Result<String> {
    let versions = history.article_versions(id)?;
    let marks = marks(store, versions.iter().map(|v| v.record.oid.as_str()));
    let name = versions
        .iter()
        .rev()
        .find_map(|v| v.clauses.first())
        .map(heading)
        .unwrap_or_else(|| id.to_string());
    let mut text = format!(
        "History of {name} {{#{id}}}: {} version(s), the whole {}\n",
        versions.len(),
        if name.starts_with("Annex") {
            "annex"
        } else {
            "article"
        }
    );
    let mut previous: Vec<crate::history::ClauseVersion> = Vec::new();
    for v in &versions {
        text.push_str(&format!(
            "\n{}\n  {}\n",
            who(&v.record.info(), &marks),
            v.record.summary
        ));
        if v.clauses.is_empty() {
            text.push_str("  deleted\n");
        }
        for c in &v.clauses {
            let indent = if c.id == id { "  " } else { "    " };
            let before = previous.iter().find(|p| p.id == c.id);
            let label = c.label.as_deref().unwrap_or("");
            let was = match before {
                Some(b) if b.label != c.label => {
                    format!(" (was {})", b.label.as_deref().unwrap_or("unnumbered"))
                }
                _ => String::new(),
            };
            if c.id == id {
                text.push_str(&format!("{indent}{}{was}\n", heading(c)));
                continue;
            }
            let (mark, words) = match before {
                None if !previous.is_empty() => ("+ ", c.words().to_string()),
                Some(b) if b.words() != c.words() => (
                    "~ ",
                    compare::render_words(&compare::word_ops(b.words(), c.words())),
                ),
                _ => ("", c.words().to_string()),
            };
            text.push_str(&format!("{indent}{mark}{label}{was} {words}\n"));
        }
        for p in &previous {
            if p.id != id && !v.clauses.iter().any(|c| c.id == p.id) {
                text.push_str(&format!(
                    "    - {} {}\n",
                    p.label.as_deref().unwrap_or(""),
                    p.words()
                ));
            }
        }
        previous = v.clauses.clone();
    }
    Ok(text)
}

#[derive(Debug, Args)]
#[command(
    after_help = "Follows the provision from tagged round to tagged round (one per draft in a record made by\n`treaty import-history`), through renumbering, moves, splits and merges.\nExamples:\n  treaty trace art-iv.18\n  treaty trace \"Article 5\""
)]
pub struct TraceArgs {
    /// The clause's stable id, or an article's or annex's number as it reads now.
    pub clause: String,
}

/// `Party inputs` from `Party inputs: the official draft`.
fn draft_label(summary: &str) -> &str {
    summary
        .strip_suffix(": the official draft")
        .unwrap_or(summary)
}

/// `Article IV, 18`: a clause's number with its article's.
fn number(state: &crate::history::TextState, v: &crate::history::ClauseVersion) -> String {
    let own = v.label.clone().unwrap_or_else(|| "unnumbered".into());
    match v.article.as_deref().filter(|a| *a != v.id) {
        Some(a) => match state.clause(a).and_then(|a| a.label.as_deref()) {
            Some(al) => format!("{al}, {own}"),
            None => own,
        },
        None => own,
    }
}

pub fn trace(repo: Option<PathBuf>, a: TraceArgs) -> anyhow::Result<ExitCode> {
    use crate::import::align::Profile;
    use crate::sources::{SOURCES_FILE, Sources};
    let (store, history) = open(repo)?;
    let id = resolve_clause(history, &a.clause)?;
    let rounds = history.round_states(&store, None)?;
    if rounds.is_empty() {
        bail!(
            "the record has no tagged rounds: trace follows a provision from draft to draft, one round each, as `treaty import-history` records them"
        );
    }
    let sources: Vec<Option<Sources>> = rounds
        .iter()
        .map(|r| {
            let oid = r.record.oid.parse().ok()?;
            let bytes = store
                .read_file_at(oid, &format!("drafts/{SOURCES_FILE}"))
                .ok()??;
            Sources::parse(&String::from_utf8(bytes).ok()?).ok()
        })
        .collect();
    let Some(mut k) = (0..rounds.len())
        .rev()
        .find(|&k| rounds[k].state.clause(&id).is_some())
    else {
        bail!("{id} is in the draft of no tagged round");
    };
    let mut cur = id.clone();
    let mut text = format!(
        "Trace of {id} back to the first draft
"
    );
    loop {
        let r = &rounds[k];
        let Some(v) = r.state.clause(&cur) else {
            text.push_str(&format!(
                "  ({cur} is not in round {})
",
                r.round
            ));
            break;
        };
        let src = sources[k].as_ref().and_then(|s| s.clauses.get(&cur));
        // An article's number is already said: only its pages.
        let place = src
            .and_then(|c| {
                if matches!(v.kind.as_str(), "article" | "annex") {
                    crate::sources::ClauseSource {
                        pages: c.pages,
                        ..Default::default()
                    }
                    .place()
                } else {
                    c.place()
                }
            })
            .map(|p| format!("  {p}"))
            .unwrap_or_default();
        let mut words: String = v.words().chars().take(70).collect();
        if v.words().chars().count() > 70 {
            words.push('…');
        }
        text.push_str(&format!(
            "
{} (round {}, {})
  {}{place}  {{#{cur}}}
  {words}
",
            draft_label(&r.record.summary),
            r.round,
            crate::civil::format_with_offset(r.record.time, r.record.offset_minutes),
            number(&r.state, v),
        ));
        if k == 0 {
            text.push_str(
                "  in the first draft
",
            );
            break;
        }
        let prev = &rounds[k - 1];
        let mut from: Vec<(String, String, f64)> = src
            .map(|c| {
                c.from
                    .iter()
                    .map(|p| (p.id.clone(), p.how.clone(), p.similarity))
                    .collect()
            })
            .unwrap_or_default();
        if from.is_empty()
            && let Some(pv) = prev.state.clause(&cur)
        {
            let s = Profile::new(pv.words()).similarity(&Profile::new(v.words()));
            from.push((cur.clone(), "matched".into(), s));
        }
        from.sort_by_key(|f| f.1 != "matched");
        let Some((pid, how, sim)) = from.first().cloned() else {
            text.push_str(&format!(
                "  new in {}: no provision of {} continues into it
",
                draft_label(&r.record.summary),
                draft_label(&prev.record.summary)
            ));
            break;
        };
        let how = match how.as_str() {
            "split" => "split off",
            "merged" => "merged from",
            _ => "continues",
        };
        text.push_str(&format!(
            "  ← {how} {{#{pid}}}, similarity {sim:.2}
"
        ));
        for (other, how, sim) in &from[1..] {
            let how = if how == "split" {
                "split off"
            } else {
                "merged from"
            };
            text.push_str(&format!(
                "    also {how} {{#{other}}}, {sim:.2}
"
            ));
        }
        cur = pid;
        k -= 1;
    }
    out(text.trim_end());
    Ok(ExitCode::SUCCESS)
}

pub fn clause_history(repo: Option<PathBuf>, a: ClauseHistoryArgs) -> anyhow::Result<ExitCode> {
    let (store, history) = open(repo)?;
    let id = resolve_clause(history, &a.clause)?;
    let a = ClauseHistoryArgs { clause: id, ..a };
    if !a.json && is_container(history, &a.clause) {
        out(article_history(&store, history, &a.clause)?.trim_end());
        return Ok(ExitCode::SUCCESS);
    }
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
                        // Its place in the file shifts when a clause above comes or
                        // goes: only another parent or file is a move.
                        if p.parent != v.parent || p.file != v.file {
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
                    if c.moved {
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
