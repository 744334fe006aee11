//! Proposals: `treaty propose`, `treaty proposals`, `treaty land`, `treaty decline`,
//! `treaty vote`. Delegations propose; the chair lands or declines.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::bail;
use clap::Args;

use super::amend::{
    EXIT_CONFLICT, EXIT_RETRY, edit_in_editor, explain, open_store, three_versions,
};
use super::out;
use crate::compare;
use crate::proposal::{ProposalStatus, VoteChoice};
use crate::proposals::{self, Entry, ProposalError, ProposeRequest, Proposing};
use crate::record::RecordError;

#[derive(Debug, Args)]
#[command(after_help = "\
What to propose (one of):
  --text T                      the clause in new words
  --delete                      delete the clause
  --option G:N                  keep alternative N of bracket group or option set G (from 1)
  --insert-after --text T       a new clause after --clause

The proposal is one commit that adds it to your delegation's position file; the chair
lands or declines it. It prints the proposal's id (pr-…), which `treaty proposals`,
`treaty land`, `treaty decline` and `treaty vote` take.

--base COMMIT (a commit id, a tag, HEAD~1) names the text you started from: if the clause
reads differently now, nothing is proposed and the three versions are printed (base, now,
yours), as `treaty amend --base` does.

Exit codes: 0 proposed; 2 refused (nothing recorded); 3 the record moved on under you: run
the same command again; 4 the clause changed since --base (nothing recorded): read the new
text and propose on that.")]
pub struct ProposeArgs {
    /// The clause (its stable id, e.g. observatory.2.b); with --insert-after, the clause the
    /// new one follows.
    #[arg(long, value_name = "ID")]
    pub clause: String,
    /// The clause as you propose it (or the new clause's text, with --insert-after).
    #[arg(long, value_name = "T")]
    pub text: Option<String>,
    /// Propose to delete the clause.
    #[arg(long, conflicts_with_all = ["text", "option", "insert_after"])]
    pub delete: bool,
    /// Propose to keep alternative N of bracket group or option set G, both from 1.
    #[arg(long, value_name = "G:N", value_parser = parse_option, conflicts_with_all = ["text", "insert_after"])]
    pub option: Option<(usize, usize)>,
    /// Propose a new clause after --clause (its text in --text).
    #[arg(long, requires = "text")]
    pub insert_after: bool,
    /// --insert-after: the new clause's display number (`4 bis`).
    #[arg(long, value_name = "L", requires = "insert_after")]
    pub label: Option<String>,
    /// Why: the chair and the other delegations read it.
    #[arg(short = 'm', long = "message", value_name = "WHY")]
    pub message: Option<String>,
    /// The delegation(s) you propose for (default: the one the roster lists you in, or your
    /// team's bloc).
    #[arg(long, value_name = "DELEGATION[,DELEGATION]", value_delimiter = ',')]
    pub by: Vec<String>,
    /// The commit you read the clause at: refused if it changed since (default: the
    /// current text).
    #[arg(long, value_name = "COMMIT")]
    pub base: Option<String>,
}

#[derive(Debug, Args)]
pub struct ProposalsArgs {
    /// Only proposals made in this round.
    #[arg(long, value_name = "R")]
    pub round: Option<String>,
    /// Only proposals that stand so: pending, landed, declined or stale.
    #[arg(long, value_parser = parse_status)]
    pub status: Option<ProposalStatus>,
    /// Only proposals on this clause.
    #[arg(long, value_name = "ID")]
    pub clause: Option<String>,
    /// JSON: id, clause, kind, delegations, team, round, status, text, and more.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct LandArgs {
    /// The proposal's id (pr-…; a unique prefix will do).
    pub id: String,
    /// Edit the clause's text in $VISUAL or $EDITOR before landing, starting from the
    /// proposal.
    #[arg(long)]
    pub edit: bool,
}

#[derive(Debug, Args)]
pub struct DeclineArgs {
    /// The proposal's id (pr-…; a unique prefix will do).
    pub id: String,
    /// Why the chair declines it (its delegation reads it).
    #[arg(short = 'm', long = "message", value_name = "WHY", required = true)]
    pub message: String,
}

#[derive(Debug, Args)]
pub struct VoteArgs {
    /// The proposal's id (pr-…; a unique prefix will do).
    pub id: String,
    /// yes, no or abstain.
    #[arg(value_parser = parse_vote)]
    pub vote: VoteChoice,
    /// The delegation you vote for (default: the one the roster lists you in).
    #[arg(long, value_name = "DELEGATION")]
    pub by: Option<String>,
}

fn parse_option(s: &str) -> Result<(usize, usize), String> {
    let bad = || format!("\"{s}\" is not GROUP:N (e.g. 1:2, both counted from 1)");
    let (g, n) = s.split_once(':').ok_or_else(bad)?;
    Ok((
        g.trim().parse().map_err(|_| bad())?,
        n.trim().parse().map_err(|_| bad())?,
    ))
}

fn parse_status(s: &str) -> Result<ProposalStatus, String> {
    s.parse()
}

fn parse_vote(s: &str) -> Result<VoteChoice, String> {
    s.parse()
}

/// A refusal: the record moved on under us is worth a retry (exit 3); anything else is an
/// error (exit 2).
fn refused(e: ProposalError) -> anyhow::Result<ExitCode> {
    let retryable = match &e {
        ProposalError::Record(r) => r.is_retryable(),
        ProposalError::Store(s) => s.is_retryable(),
        _ => false,
    };
    if retryable {
        eprintln!(
            "{}",
            crate::sanitize::inert(&format!(
                "error: {e}\n  nothing was recorded: run the same command again"
            ))
        );
        return Ok(ExitCode::from(EXIT_RETRY));
    }
    if let ProposalError::Record(RecordError::Conflict(c)) = &e {
        eprintln!(
            "{}",
            crate::sanitize::inert(&format!("error: {e}\n{}", three_versions(c)))
        );
        return Ok(ExitCode::from(EXIT_CONFLICT));
    }
    Err(match e {
        ProposalError::Record(r @ RecordError::NoChange) => {
            anyhow::anyhow!("{r}: the clause already reads as proposed; nothing was recorded")
        }
        ProposalError::Record(r) => explain(r),
        other => other.into(),
    })
}

pub fn propose(repo: Option<PathBuf>, args: ProposeArgs) -> anyhow::Result<ExitCode> {
    let store = open_store(repo)?;
    let what = if args.delete {
        Proposing::Delete
    } else if let Some((group, option)) = args.option {
        Proposing::ChooseOption { group, option }
    } else if args.insert_after {
        Proposing::InsertAfter {
            text: args.text.clone().unwrap_or_default(),
            label: args.label.clone(),
        }
    } else if let Some(text) = &args.text {
        Proposing::Replace(text.trim_end_matches(['\n', '\r']).to_string())
    } else {
        bail!("say what you propose: --text T, --delete, --option G:N or --insert-after --text T");
    };
    let base = match &args.base {
        Some(spec) => match crate::record::resolve_base(&store, spec) {
            Ok(commit) => Some(crate::record::Base::at(commit)),
            Err(e) => return refused(e.into()),
        },
        None => None,
    };
    let req = ProposeRequest {
        clause: args.clause,
        what,
        why: args.message.unwrap_or_default(),
        by: args.by,
        base,
    };
    let made = match proposals::propose(&store, &req) {
        Ok(m) => m,
        Err(e) => return refused(e),
    };
    out(&made.id);
    out(&format!(
        "  proposed by {}: {} (commit {})",
        made.delegations.join(", "),
        proposals::describe(&made.proposal),
        &made.recorded.oid.to_string()[..10]
    ));
    if let Some(round) = &made.proposal.round {
        out(&format!("  round: {round}"));
    }
    out("  push it with `treaty sync`; the chair lands or declines it");
    Ok(ExitCode::SUCCESS)
}

fn entry_json(e: &Entry) -> serde_json::Value {
    serde_json::json!({
        "id": e.proposal.id,
        "clause": e.proposal.clause,
        "kind": proposals::kind_word(&e.proposal.kind),
        "delegations": e.delegations,
        "team": e.team,
        "round": e.proposal.round,
        "status": e.status.as_str(),
        "text": e.proposed_text(),
        "base": e.proposal.base,
        "current": e.current,
        "rebased": e.rebased,
        "note": e.proposal.note,
        "author": e.author,
        "time": e.time,
        "commit": e.commit.to_string(),
        "decided_by_commit": e.decided.map(|c| c.to_string()),
        "declined_why": e.declined_why,
        "stale_why": e.stale_why,
        "votes": e.votes.iter().map(|(d, v)| serde_json::json!({"delegation": d, "vote": v.as_str()})).collect::<Vec<_>>(),
    })
}

pub fn list(repo: Option<PathBuf>, args: ProposalsArgs) -> anyhow::Result<ExitCode> {
    let store = open_store(repo)?;
    let queue = proposals::queue(&store)?;
    let shown: Vec<&Entry> = queue
        .entries
        .iter()
        .filter(|e| args.round.is_none() || e.proposal.round == args.round)
        .filter(|e| args.status.is_none_or(|s| e.status == s))
        .filter(|e| {
            args.clause
                .as_deref()
                .is_none_or(|c| e.proposal.clause == c.trim())
        })
        .collect();
    if args.json {
        let all: Vec<serde_json::Value> = shown.iter().map(|e| entry_json(e)).collect();
        out(&serde_json::to_string_pretty(&all)?);
        return Ok(ExitCode::SUCCESS);
    }
    if shown.is_empty() {
        out(if queue.entries.is_empty() {
            "no proposals yet (`treaty propose --clause ID --text T` makes one)"
        } else {
            "no proposals match"
        });
        return Ok(ExitCode::SUCCESS);
    }
    for e in shown {
        print_entry(e);
    }
    Ok(ExitCode::SUCCESS)
}

fn print_entry(e: &Entry) {
    let round = e
        .proposal
        .round
        .as_deref()
        .map(|r| format!(", round {r}"))
        .unwrap_or_default();
    let tally = if e.votes.is_empty() {
        String::new()
    } else {
        let t = e.tally();
        format!(
            " · votes: yes {} · no {} · abstain {}",
            t[0].1, t[1].1, t[2].1
        )
    };
    out(&format!(
        "{} {:<8} {} — {}{round}{tally}",
        e.proposal.id,
        e.status.as_str(),
        proposals::describe(&e.proposal),
        e.delegations.join(", "),
    ));
    if !e.proposal.note.is_empty() {
        out(&format!("  why: {}", e.proposal.note));
    }
    match e.status {
        ProposalStatus::Pending => {
            let now = e.current.as_deref().unwrap_or_default();
            let words = match &e.proposal.kind {
                crate::proposal::ProposalKind::InsertAfter => {
                    format!("{{+{}+}}", e.proposed_text())
                }
                crate::proposal::ProposalKind::Delete => format!("[-{now}-]"),
                _ => compare::render_words(&compare::word_ops(now, e.proposed_text())),
            };
            let rebased = if e.rebased {
                " (rebased onto the text as it stands)"
            } else {
                ""
            };
            out(&format!("  {words}{rebased}"));
        }
        ProposalStatus::Stale => {
            out(&format!(
                "  stale: {}",
                e.stale_why.as_deref().unwrap_or_default()
            ));
            out(&e.three_way());
        }
        ProposalStatus::Declined => {
            if let Some(why) = e.declined_why.as_deref().filter(|w| !w.is_empty()) {
                out(&format!("  declined: {why}"));
            }
        }
        ProposalStatus::Landed => {}
    }
}

pub fn land(repo: Option<PathBuf>, args: LandArgs) -> anyhow::Result<ExitCode> {
    let store = open_store(repo)?;
    let edited = if args.edit {
        let queue = proposals::queue(&store)?;
        let entry = queue.get(&args.id)?;
        // Refuse before the editor opens: a stale or decided proposal cannot land.
        proposals::check_landable(&store, queue.head, entry)?;
        let text = edit_in_editor(entry.proposed_text())?;
        Some(text.trim_end_matches(['\n', '\r']).to_string())
    } else {
        None
    };
    let landing = match proposals::land(&store, &args.id, edited) {
        Ok(l) => l,
        Err(e) => return refused(e),
    };
    let p = &landing.entry.proposal;
    out(&format!(
        "landed {} as amendment {} (commit {})",
        p.id,
        landing.recorded.amendment.id,
        &landing.recorded.oid.to_string()[..10]
    ));
    out(&format!(
        "  {} — proposed by {}",
        proposals::describe(p),
        landing.recorded.amendment.proposers.join(", ")
    ));
    for e in &landing.rebased {
        out(&format!(
            "  {} by {} on {} now applies to the new text (rebased word by word)",
            e.proposal.id,
            e.delegations.join(", "),
            e.proposal.clause
        ));
    }
    for e in &landing.stale {
        out(&format!(
            "  {} by {} on {} is stale: {}",
            e.proposal.id,
            e.delegations.join(", "),
            e.proposal.clause,
            e.stale_why.as_deref().unwrap_or_default()
        ));
        out(&e.three_way());
    }
    Ok(ExitCode::SUCCESS)
}

pub fn decline(repo: Option<PathBuf>, args: DeclineArgs) -> anyhow::Result<ExitCode> {
    let store = open_store(repo)?;
    let (oid, entry) = match proposals::decline(&store, &args.id, &args.message) {
        Ok(d) => d,
        Err(e) => return refused(e),
    };
    out(&format!(
        "declined {} by {} (commit {})",
        entry.proposal.id,
        entry.delegations.join(", "),
        &oid.to_string()[..10]
    ));
    Ok(ExitCode::SUCCESS)
}

pub fn vote(repo: Option<PathBuf>, args: VoteArgs) -> anyhow::Result<ExitCode> {
    let store = open_store(repo)?;
    let by: Vec<String> = args.by.into_iter().collect();
    let (oid, entry, code) = match proposals::vote(&store, &args.id, args.vote, &by) {
        Ok(v) => v,
        Err(e) => return refused(e),
    };
    out(&format!(
        "{code} votes {} on {} (commit {})",
        args.vote.as_str(),
        entry.proposal.id,
        &oid.to_string()[..10]
    ));
    Ok(ExitCode::SUCCESS)
}
