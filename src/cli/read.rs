//! Reading commands: `treaty brackets`, `treaty show`, `treaty applies-to`.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::Args;

use super::{negotiation_root, out};
use crate::analysis;
use crate::article::Layout;
use crate::bracket::{self, Choice};
use crate::draft::{ClauseKind, Draft};
use crate::negotiation::{Negotiation, TIERS_FILE};
use crate::position::{Stance, tier_disputes};
use crate::sources::Sources;
use crate::suggest;

#[derive(Debug, Args)]
pub struct BracketsArgs {
    /// Only this clause and the clauses under it.
    #[arg(long, value_name = "ID")]
    pub clause: Option<String>,
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The clause id (an article shows with all its paragraphs).
    pub clause: String,
    /// Show the clause as this delegation proposes it.
    #[arg(long, value_name = "DELEGATION")]
    pub position: Option<String>,
    /// Show clean text: brackets resolved, first option taken (or see --choose).
    #[arg(long)]
    pub clean: bool,
    /// With --clean: take the alternatives this delegation (or its groups) proposed.
    #[arg(long, value_name = "DELEGATION", requires = "clean")]
    pub choose: Option<String>,
    /// Also show where each clause stands in the published document it was imported from
    /// (document, pages, paragraph as printed) and the comments anchored in it.
    #[arg(long)]
    pub source: bool,
}

#[derive(Debug, Args)]
pub struct AppliesArgs {
    /// The Party's code, as in drafts/tiers.ron.
    pub party: String,
    /// Show what would change if the Party moved to this tier.
    #[arg(long, value_name = "N")]
    pub if_tier: Option<u8>,
}

fn load(repo: Option<PathBuf>) -> anyhow::Result<Negotiation> {
    let root = negotiation_root(repo)?;
    Ok(Negotiation::load(&root)?.negotiation)
}

fn clause_index(n: &Negotiation, id: &str) -> anyhow::Result<usize> {
    n.draft
        .index_of(id)
        .ok_or_else(|| anyhow::anyhow!(n.unknown_clause(id)))
}

pub fn brackets(repo: Option<PathBuf>, args: BracketsArgs) -> anyhow::Result<ExitCode> {
    let n = load(repo)?;
    let only = args
        .clause
        .as_deref()
        .map(|id| clause_index(&n, id))
        .transpose()?;
    let report = analysis::report(&n.draft, only);
    if args.json {
        out(&serde_json::to_string_pretty(&report)?);
        return Ok(ExitCode::SUCCESS);
    }
    out(&format!(
        "{:<28} {:>6} {:>6} {:>7} {:>6} {:>6} {:>6}",
        "clause", "groups", "alts", "options", "placeh", "attrib", "status"
    ));
    let row = |name: &str, s: &bracket::Stats| {
        format!(
            "{:<28} {:>6} {:>6} {:>7} {:>6} {:>6} {:>6}",
            name,
            s.groups,
            s.alternatives,
            s.options,
            s.placeholders,
            s.attributions,
            s.status_marks
        )
    };
    for c in &report.clauses {
        out(&row(c.id.as_deref().unwrap_or(&c.reference), &c.stats));
    }
    out(&row("total", &report.total));
    Ok(ExitCode::SUCCESS)
}

/// How one clause is written out: its label, then its text (or title).
fn clause_line(draft: &Draft, i: usize, text: &str) -> String {
    let c = &draft.clauses[i];
    let indent = "    ".repeat(usize::from(c.kind == ClauseKind::Point) + usize::from(c.depth > 3));
    match c.kind {
        ClauseKind::Paragraph | ClauseKind::PreambleParagraph => match &c.label {
            Some(l) => format!("{indent}{l}. {text}"),
            None => format!("{indent}{text}"),
        },
        ClauseKind::Point => format!("{indent}{} {text}", c.label.as_deref().unwrap_or("")),
        _ => {
            let title = c.title.as_deref().unwrap_or("");
            match &c.label {
                Some(l) if !title.is_empty() => format!("{l}. {title}"),
                Some(l) => l.clone(),
                None => title.to_string(),
            }
        }
    }
}

pub fn show(repo: Option<PathBuf>, args: ShowArgs) -> anyhow::Result<ExitCode> {
    let n = load(repo)?;
    let i = clause_index(&n, &args.clause)?;
    let position = args
        .position
        .as_deref()
        .map(|code| {
            n.position(code)
                .ok_or_else(|| anyhow::anyhow!(n.unknown_delegation(code)))
        })
        .transpose()?;
    let choice = match &args.choose {
        Some(code) => {
            let p = n
                .position(code)
                .ok_or_else(|| anyhow::anyhow!(n.unknown_delegation(code)))?;
            Choice::Delegations(p.speaks_as().map(String::from).collect())
        }
        None => Choice::First,
    };
    let d = &n.draft;
    let mut header = format!("{} ({})", d.reference(i), args.clause);
    if let Some(p) = position {
        header.push_str(&format!(" — as proposed by {} ({})", p.name, p.code));
    }
    if args.clean {
        header.push_str(" — clean text");
    }
    out(&header);
    let sources = if args.source {
        let root = &n.root;
        let s = Sources::load(root)?.ok_or_else(|| {
            anyhow::anyhow!(
                "this negotiation was not imported from a published document: there is no drafts/{}",
                crate::sources::SOURCES_FILE
            )
        })?;
        out(&format!("Source: {}", s.document_name()));
        Some(s)
    } else {
        None
    };
    out("");
    let mut layout = Layout::new(d);
    for j in d.subtree(i) {
        let c = &d.clauses[j];
        let id = c.id.as_deref().unwrap_or("");
        let mut text = c.text.clone();
        let stance = position.and_then(|p| p.clauses.iter().find(|s| s.clause == id));
        if let (Some(p), Some(s)) = (position, stance) {
            match &s.stance {
                Stance::Replace(t) => text = t.clone(),
                Stance::Delete => text = format!("(deletion proposed by {})", p.code),
                Stance::Bracket if c.kind.has_text() => text = format!("[{text}]"),
                _ => {}
            }
        }
        if args.clean && c.kind.has_text() && !stance.is_some_and(|s| s.stance == Stance::Delete) {
            let tree = bracket::parse(&text);
            text = tree
                .clean(&text, &choice)
                .with_context(|| format!("in {id}"))?;
        }
        layout.clause(j, &text);
        if let (Some(p), Some(s)) = (position, stance)
            && !s.note.is_empty()
        {
            layout.remark(format!("{}'s note: {}", p.code, s.note));
        }
        if let Some(s) = &sources {
            for line in source_lines(s, id) {
                layout.remark(line);
            }
        }
        if let Some(p) = position {
            for ins in p.inserts.iter().filter(|x| x.after == id) {
                let label = ins
                    .label
                    .as_deref()
                    .map(|l| format!("{l}. "))
                    .unwrap_or_default();
                layout.remark(format!(
                    "+ new clause proposed by {}: {label}{}",
                    p.code, ins.text
                ));
                if !ins.note.is_empty() {
                    layout.remark(format!("  {}'s note: {}", p.code, ins.note));
                }
            }
        }
    }
    let width = std::io::stdout()
        .is_terminal()
        .then(|| crossterm::terminal::size().ok())
        .flatten()
        .map(|(w, _)| usize::from(w).max(40));
    out(layout.plain(width).trim_end_matches('\n'));
    Ok(ExitCode::SUCCESS)
}

/// A clause's place in its document and the comments anchored in it.
fn source_lines(s: &Sources, id: &str) -> Vec<String> {
    let Some(c) = s.clauses.get(id) else {
        return vec!["(source: not in the document)".into()];
    };
    let mut lines = Vec::new();
    if let Some(place) = c.place() {
        lines.push(format!("(source: {place})"));
    }
    for com in &c.comments {
        let parties = if com.parties.is_empty() {
            "no Party named".to_string()
        } else {
            com.parties.join(", ")
        };
        let reply = com
            .reply_to
            .as_deref()
            .map(|r| format!(", reply to comment {r}"))
            .unwrap_or_default();
        lines.push(format!(
            "comment {} ({parties}; noted by {}, {}{reply}): {}",
            com.id,
            com.author,
            com.date,
            com.text.replace('\n', " / ")
        ));
    }
    for f in &c.from {
        lines.push(format!(
            "(continues {} of the draft before: {}, {:.2})",
            f.id, f.how, f.similarity
        ));
    }
    lines
}

pub fn applies_to(repo: Option<PathBuf>, args: AppliesArgs) -> anyhow::Result<ExitCode> {
    let n = load(repo)?;
    let Some(tiers) = &n.tiers else {
        bail!("this negotiation has no tiers: {TIERS_FILE} is missing");
    };
    let Some(party) = tiers.party(&args.party) else {
        let known = suggest::nearest(&args.party, tiers.parties.iter().map(|p| p.code.as_str()));
        bail!(
            "unknown Party `{}`{}",
            args.party,
            suggest::did_you_mean(known)
        );
    };
    let d = &n.draft;
    let tier_name = |t: u8| {
        tiers
            .tier(t)
            .map(|x| x.name.clone())
            .unwrap_or_else(|| "undefined".into())
    };
    let disputes = tier_disputes(n.positions.values(), party);
    out(&format!(
        "{} ({}) is in tier {}: {}.",
        party.name,
        party.code,
        party.tier,
        tier_name(party.tier)
    ));
    for (p, t) in &disputes {
        out(&format!("  disputed: {} proposes tier {t}", p.code));
    }
    out("");
    if let Some(to) = args.if_tier {
        if tiers.tier(to).is_none() {
            bail!("tier {to} is not defined in {TIERS_FILE}");
        }
        let change = tiers.what_if(d, party.tier, to);
        out(&format!(
            "If {} moved from tier {} to tier {to} ({}):",
            party.code,
            party.tier,
            tier_name(to)
        ));
        let list = |label: &str, v: &[usize]| {
            out(&format!(
                "  {label}:{}",
                if v.is_empty() { " nothing" } else { "" }
            ));
            for &i in v {
                out(&format!(
                    "    {} ({})",
                    d.reference(i),
                    d.clauses[i].id.as_deref().unwrap_or("")
                ));
            }
        };
        list("newly binding", &change.gained);
        list("no longer binding", &change.lost);
        return Ok(ExitCode::SUCCESS);
    }
    let binding = tiers.binding(d, party.tier);
    let mut skipped = Vec::new();
    for (i, c) in d.clauses.iter().enumerate() {
        if !binding[i] {
            if c.parent.is_none_or(|p| binding[p]) {
                skipped.push(i);
            }
            continue;
        }
        if matches!(
            c.kind,
            ClauseKind::Article | ClauseKind::Annex | ClauseKind::Division | ClauseKind::Title
        ) {
            out("");
        }
        out(&clause_line(d, i, &c.text));
    }
    out("");
    out(&format!(
        "Not binding on {} (tier {}):",
        party.code, party.tier
    ));
    for i in skipped {
        out(&format!(
            "  {} ({})",
            d.reference(i),
            d.clauses[i].id.as_deref().unwrap_or("")
        ));
    }
    Ok(ExitCode::SUCCESS)
}
