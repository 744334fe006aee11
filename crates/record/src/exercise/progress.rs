//! What the status, the dashboard and the debrief gather from the record: amendments
//! that landed after the exercise's base, credited to the teams whose delegations their
//! `Proposed-by` names; the bracket burn-down; the clauses fought over; words credited by
//! word-level blame; objectives checked at a commit; and the real outcome beside the
//! students' text. Counts come from the commits only: what the record does not hold
//! (proposals not yet landed) is not shown.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use treaty_text::exercise::debrief::{
    BurnPoint, Contested, Debrief, Landed, NO_ROUND, Progress, TeamProgress, compare_outcomes,
};
use treaty_text::exercise::objectives::{ClauseCredit, Facts, Scorecard};
use treaty_text::exercise::scores::Scores;

use super::briefs::{open, registers_at};
use super::{Current, ExerciseError};
use crate::history::{Attributed, BracketCounts, History};
use crate::store::{Oid, Store};
use treaty_text::proposal::ProposalStatus;

/// What to gather.
pub struct Ask<'a> {
    /// The commit to describe (the tip, or any commit of the branch's line).
    pub at: Oid,
    /// Seconds since the epoch, for the schedule's clock; `None`: no clock.
    pub now: Option<i64>,
    /// Word credits by blame (costs a blame of every clause).
    pub words: bool,
    /// A private key to open briefs with, for the objectives.
    pub identity: Option<&'a Path>,
}

/// Gathers the exercise's progress at `ask.at`.
pub fn progress(
    store: &Store,
    history: &History,
    cur: &Current,
    ask: &Ask<'_>,
) -> Result<(Progress, Vec<Landed>), ExerciseError> {
    let at_hex = ask.at.to_string();
    let upto = history.position(&at_hex).ok_or_else(|| {
        ExerciseError::Invalid(format!(
            "commit {at_hex} is not on the negotiation's line of commits: give a commit of its history"
        ))
    })?;
    let base = history.position(&cur.exercise.base.commit).ok_or_else(|| {
        ExerciseError::Invalid(format!(
            "the exercise's base commit {} is not in this record's history",
            cur.exercise.base.commit
        ))
    })?;
    let teams = &cur.roster.teams;
    // Landed amendments.
    let mut timeline = Vec::new();
    for i in base + 1..=upto.max(base) {
        let info = history.info(i);
        let Some(a) = info.amendment() else {
            continue;
        };
        timeline.push(Landed {
            commit: info.oid.clone(),
            time: info.time,
            round: a.round.clone(),
            proposers: a.proposers.clone(),
            teams: teams
                .iter()
                .filter(|t| t.plays.iter().any(|c| a.proposers.contains(c)))
                .map(|t| t.name.clone())
                .collect(),
            kind: a.kind.as_str().to_string(),
            clauses: a.clauses.clone(),
            summary: info.summary.clone(),
        });
    }
    let mut rounds: Vec<String> = cur
        .exercise
        .rounds
        .iter()
        .map(|r| r.round.clone())
        .collect();
    for l in &timeline {
        if let Some(r) = &l.round
            && !rounds.contains(r)
        {
            rounds.push(r.clone());
        }
    }
    // Proposals, where they stand at `at` (derived from the record).
    let queue = crate::proposals::queue_at(store, ask.at)
        .map_err(|e| ExerciseError::Invalid(format!("cannot read the proposals: {e}")))?;
    for e in &queue.entries {
        if let Some(r) = &e.proposal.round
            && !rounds.contains(r)
        {
            rounds.push(r.clone());
        }
    }
    if timeline.iter().any(|l| l.round.is_none())
        || queue.entries.iter().any(|e| e.proposal.round.is_none())
    {
        rounds.push(NO_ROUND.to_string());
    }
    let mut team_rows: Vec<TeamProgress> = teams
        .iter()
        .map(|t| TeamProgress {
            name: t.name.clone(),
            plays: t.plays.clone(),
            amendments: vec![0; rounds.len()],
            proposals: vec![[0; 4]; rounds.len()],
            ..TeamProgress::default()
        })
        .collect();
    for l in &timeline {
        let column = rounds
            .iter()
            .position(|r| {
                Some(r.as_str()) == l.round.as_deref() || (l.round.is_none() && r == NO_ROUND)
            })
            .unwrap_or(0);
        for row in team_rows.iter_mut().filter(|r| l.teams.contains(&r.name)) {
            row.amendments[column] += 1;
            row.last_activity = Some(row.last_activity.map_or(l.time, |t: i64| t.max(l.time)));
        }
    }
    for e in &queue.entries {
        let column = rounds
            .iter()
            .position(|r| {
                Some(r.as_str()) == e.proposal.round.as_deref()
                    || (e.proposal.round.is_none() && r == NO_ROUND)
            })
            .unwrap_or(0);
        let row = team_rows.iter_mut().find(|r| {
            e.team.as_deref() == Some(r.name.as_str())
                || (e.team.is_none() && r.plays.iter().any(|c| e.delegations.contains(c)))
        });
        if let Some(row) = row {
            let c = &mut row.proposals[column];
            c[0] += 1;
            match e.status {
                ProposalStatus::Landed => c[1] += 1,
                ProposalStatus::Declined => c[2] += 1,
                ProposalStatus::Stale => c[3] += 1,
                ProposalStatus::Pending => {}
            }
            row.last_activity = Some(row.last_activity.map_or(e.time, |t: i64| t.max(e.time)));
        }
    }
    // Burn-down and the state at `at`.
    let tags: BTreeMap<usize, String> = history
        .rounds(store)?
        .into_iter()
        .filter_map(|m| {
            m.at.filter(|&at| at > base && at <= upto)
                .map(|at| (at, m.name))
        })
        .collect();
    let mut burndown = Vec::new();
    let mut replay = history.replay_range(0, upto + 1);
    let point = |label: String, c: BracketCounts| BurnPoint {
        label,
        groups: c.groups,
        alternatives: c.alternatives,
        options: c.options,
        placeholders: c.placeholders,
    };
    let mut i = 0;
    while i <= upto {
        replay.next();
        if i == base {
            burndown.push(point("start".into(), replay.state().bracket_counts()));
        } else if let Some(name) = tags.get(&i) {
            burndown.push(point(
                format!("{name} opens"),
                replay.state().bracket_counts(),
            ));
        }
        i += 1;
    }
    let state = replay.state().clone();
    let now_label = if ask.at == history.head() {
        "now".to_string()
    } else {
        at_hex[..10].to_string()
    };
    if upto > base {
        burndown.push(point(now_label, state.bracket_counts()));
    }
    // Contested clauses.
    let draft = store
        .draft_at(ask.at)
        .map_err(|e| ExerciseError::Invalid(e.to_string()))?
        .draft;
    let mut touched: HashMap<String, (usize, Vec<String>)> = HashMap::new();
    for (k, l) in timeline.iter().enumerate() {
        let i = history.position(&l.commit).unwrap_or(base + 1 + k);
        let mut ids: Vec<String> = history
            .record(i)
            .changes
            .iter()
            .map(|c| c.id.clone())
            .collect();
        ids.extend(l.clauses.iter().cloned());
        ids.sort();
        ids.dedup();
        for id in ids {
            let e = touched.entry(id).or_default();
            e.0 += 1;
            for t in &l.teams {
                if !e.1.contains(t) {
                    e.1.push(t.clone());
                }
            }
        }
    }
    let mut contested: Vec<Contested> = touched
        .into_iter()
        .filter(|(id, _)| state.clause(id).is_some())
        .map(|(id, (n, teams))| Contested {
            reference: draft
                .index_of(&id)
                .map(|i| draft.reference(i))
                .unwrap_or_else(|| id.clone()),
            open_groups: state.clause(&id).map_or(0, |c| c.brackets.groups),
            clause: id,
            amendments: n,
            teams,
        })
        .collect();
    contested.sort_by(|a, b| {
        (b.amendments, b.teams.len(), b.open_groups)
            .cmp(&(a.amendments, a.teams.len(), a.open_groups))
            .then_with(|| a.clause.cmp(&b.clause))
    });
    contested.truncate(8);
    // Words.
    let credits = if ask.words {
        let c = credits(history, &state, base, upto)?;
        for row in &mut team_rows {
            let plays = &teams
                .iter()
                .find(|t| t.name == row.name)
                .expect("same teams")
                .plays;
            row.words = Some(
                c.values()
                    .flat_map(|cc| &cc.by)
                    .filter(|(by, _)| by.iter().any(|b| plays.contains(b)))
                    .map(|(_, n)| n)
                    .sum(),
            );
        }
        Some(c)
    } else {
        None
    };
    // Objectives.
    let mut notes = Vec::new();
    if let Some(identity) = ask.identity {
        let (tiers, annexes) = registers_at(store, ask.at)?;
        let facts = Facts {
            draft: &draft,
            tiers: tiers.as_ref(),
            annexes: annexes.as_ref(),
            credits: credits.as_ref(),
        };
        let mut unread = Vec::new();
        for (row, team) in team_rows.iter_mut().zip(teams) {
            match cur.briefs.entry(&team.name) {
                Some(e) if e.objectives => match open(cur, store, &team.name, identity) {
                    Ok(opened) => {
                        row.scorecard = opened
                            .objectives
                            .map(|o| o.score(&team.name, &team.plays, &facts));
                    }
                    Err(_) => unread.push(team.name.clone()),
                },
                _ => notes.push(format!("team {} has no objectives yet", team.name)),
            }
        }
        if !unread.is_empty() {
            notes.push(format!(
                "objectives not shown for {}: their briefs are sealed to others than the key {}",
                unread.join(", "),
                identity.display()
            ));
        }
        if ask.words {
            // Credited checks were computed with blame.
        } else if team_rows
            .iter()
            .filter_map(|r| r.scorecard.as_ref())
            .any(has_credit_check)
        {
            notes.push("objectives on credited words need blame: the debrief computes them".into());
        }
    } else {
        notes
            .push("objectives are shown only with a key that opens the briefs (--identity)".into());
    }
    let clock = ask.now.and_then(|now| {
        cur.exercise
            .round_at(now)
            .map(|(r, phase)| format!("round {}: {}", r.round, phase.describe()))
    });
    let info = history.info(upto);
    Ok((
        Progress {
            title: cur.exercise.title.clone(),
            head: info.oid.clone(),
            head_time: info.time,
            rounds,
            clock,
            teams: team_rows,
            burndown,
            contested,
            notes,
        },
        timeline,
    ))
}

fn has_credit_check(card: &Scorecard) -> bool {
    card.outcomes
        .iter()
        .any(|o| o.detail == "word credits were not computed")
}

/// Each clause's words at record `upto` and, by word-level blame, how many of them each
/// exercise amendment (after record `base`) introduced, by its proposers.
pub fn credits(
    history: &History,
    state: &crate::history::TextState,
    base: usize,
    upto: usize,
) -> Result<HashMap<String, ClauseCredit>, ExerciseError> {
    let mut out = HashMap::new();
    for id in state.clauses.keys() {
        let Some(blame) = history.blame_upto(id, upto)? else {
            continue;
        };
        let mut credit = ClauseCredit::default();
        let mut by: BTreeMap<usize, usize> = BTreeMap::new();
        for w in &blame.words {
            if !w.text.chars().any(char::is_alphanumeric) {
                continue;
            }
            credit.words += 1;
            if w.introduced > base {
                *by.entry(w.introduced).or_insert(0) += 1;
            }
        }
        for (record, n) in by {
            let proposers = history.info(record).proposers().to_vec();
            if !proposers.is_empty() {
                credit.by.push((proposers, n));
            }
        }
        out.insert(id.clone(), credit);
    }
    Ok(out)
}

/// Everything the debrief shows, at `ask.at`; `scores` are the instructor's manual
/// ratings (checked against the teams).
pub fn debrief(
    store: &Store,
    history: &History,
    cur: &Current,
    ask: &Ask<'_>,
    scores: Option<(&Scores, &str, &Path)>,
) -> Result<Debrief, ExerciseError> {
    let (mut progress, timeline) = progress(store, history, cur, ask)?;
    let (mut criteria, mut manual) = (Vec::new(), Vec::new());
    if let Some((s, text, display)) = scores {
        let names: Vec<&str> = cur.roster.teams.iter().map(|t| t.name.as_str()).collect();
        let errors: Vec<_> = s
            .check(text, display, &names)
            .into_iter()
            .filter(|d| d.is_error())
            .collect();
        if !errors.is_empty() {
            return Err(ExerciseError::Diagnostics(errors));
        }
        criteria = s.criteria.clone();
        manual = s.teams.clone();
    }
    let comparison = match cur.exercise.base.outcome.as_deref().map(Oid::from_str) {
        None => None,
        Some(Err(_)) => None,
        Some(Ok(real)) => match store.draft_at(real) {
            Ok(loaded) => {
                let students = store
                    .draft_at(ask.at)
                    .map_err(|e| ExerciseError::Invalid(e.to_string()))?
                    .draft;
                Some(compare_outcomes(
                    &format!(
                        "{} as it went on ({})",
                        cur.exercise.base.source,
                        &real.to_string()[..10]
                    ),
                    &loaded.draft,
                    &students,
                ))
            }
            Err(_) => {
                progress.notes.push(format!(
                    "the real outcome (commit {real}) is not in this clone: run the debrief in the folder `treaty exercise init` made"
                ));
                None
            }
        },
    };
    Ok(Debrief {
        progress,
        timeline,
        comparison,
        criteria,
        manual,
    })
}
