//! The chair's compilation text: the draft and the delegations' positions merged into one
//! bracketed text, and read back (`treaty compile`, `treaty decompile`).
//!
//! # What a compiled clause looks like
//!
//! A clause on which every delegation that states a stance keeps the drafted text (or
//! that no delegation mentions) is agreed: it is left exactly as drafted. Any other clause
//! becomes one inline group that covers its whole text, UN style:
//!
//! ```text
//! [drafted text - EU, AGN retain / drafted text - CHN / other wording - USA, JPN / more - G77; AOSIS, LDC delete]
//! ```
//!
//! 1. The **first alternative is always the drafted text**, attributed to the delegations
//!    that keep it (`retain`), or unattributed when none does.
//! 2. A delegation that holds the clause in brackets without proposing other words
//!    (`Bracket` stance) is credited with a second alternative that repeats the drafted
//!    text, without `retain`. (The notation has no other place for "reserved by".)
//! 3. Each distinct replacement wording follows, attributed to every delegation proposing
//!    exactly those words, in the order of the first proposer's code.
//! 4. Deletion proposals close the group: `; CODES delete`.
//!
//! An **insertion** becomes a new clause after its anchor (after the anchor's sub-clauses,
//! with the label the delegation proposes) whose whole text is `[wording - CODES]`: a
//! group with a single attributed alternative. Its id is new and never used before
//! (`capacity.3bis`, `capacity.3bis-2`, …, as `treaty amend --kind insert` gives them).
//! Delegations that propose the same words with the same label after the same clause
//! share one new clause; insertions after one anchor keep the order of the delegations'
//! codes.
//!
//! # A clause that is already bracketed
//!
//! Positions are compared with the clause **as drafted, brackets and all**: a drafted
//! text such as `Parties [shall][should] act` is the first alternative and keeps its own
//! brackets, now nested one level deeper. The positions' alternatives are not merged into
//! existing groups: the drafted groups say what the text was, the new group says who
//! wants what instead, and `treaty brackets` counts both. Compiling a compilation again
//! therefore nests once more.
//!
//! # Reading it back
//!
//! [`decompile`] reads any draft: a clause whose whole text is one group with two or more
//! alternatives, the first not a deletion, is read by rules 1–4 (whether `compile` wrote
//! it or not: a drafted `[a - EU / b - US]` covering a whole clause reads as EU keeping
//! `a` and the USA proposing `b`); a clause whose whole text is one attributed
//! alternative is an insertion by its proposers, placed after the nearest earlier clause
//! at its level that is not itself an insertion. Everything else carries no stance.
//!
//! `compile` followed by `decompile` gives back each delegation's stances, up to these
//! equivalences (see [`normalise`]):
//! * a replacement whose wording equals the drafted text is a `Keep`;
//! * `Keep` on an agreed clause is not recorded (the clean text says the same);
//! * wordings are compared without leading and trailing white space;
//! * when a position states two stances on one clause, the last one counts;
//! * an insertion proposed twice by one delegation is one insertion, and the order of a
//!   delegation's insertions does not matter (they come back in document order);
//! * stances on clauses that have no text of their own (articles, headings) and on
//!   unknown clauses cannot be shown in brackets: `compile` skips them with a warning.
//!
//! A wording that the bracket notation would read differently — one holding ` / ` or an
//! attribution-like tail ` - EU` of its own, or unbalanced brackets — cannot be compiled
//! unambiguously: [`compile`] refuses it and names the clause and the delegation, rather
//! than write a text that says something else. Every compiled clause is parsed back and
//! checked before anything is returned.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::amend::{self, AmendError, Workspace};
use crate::bracket::{self, Node};
use crate::draft::Draft;
use crate::negotiation::Negotiation;
use crate::position::delegation_hint;
use crate::position::{ClauseStance, Insertion, Position, Stance};
use crate::ronfile::{FORMAT_VERSION, RonError};
use crate::roster::{CHAIR, ROSTER_FILE, Roster};
use crate::suggest::nearest;

#[cfg(test)]
mod tests;

/// What to compile.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CompileOptions {
    /// The delegations whose positions go in (codes, any case); `None` for every position.
    pub delegations: Option<Vec<String>>,
}

/// The compilation text, ready to record.
#[derive(Clone, Debug)]
pub struct Compilation {
    /// Files that change, relative to the negotiation folder (`drafts/articles/x.md`).
    pub files: BTreeMap<String, String>,
    /// One entry per compiled clause (contested or inserted), in document order.
    pub clauses: Vec<ClauseCount>,
    /// The delegations whose positions were compiled, as their position files spell them.
    pub delegations: Vec<String>,
    /// The whole draft as compiled.
    pub draft: Draft,
    /// Stances that could not be shown in brackets and were left out.
    pub warnings: Vec<String>,
}

/// Who proposed what on one compiled clause.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ClauseCount {
    pub clause: String,
    /// For a new clause: the clause it was inserted after.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inserted_after: Option<String>,
    /// Alternatives in the compiled group (deletion alternatives included).
    pub alternatives: usize,
    /// Delegations keeping the drafted text.
    pub retain: Vec<String>,
    /// Delegations holding the drafted text in brackets.
    pub bracket: Vec<String>,
    /// Distinct replacement wordings.
    pub wordings: usize,
    /// Delegations proposing a replacement wording.
    pub replace: Vec<String>,
    /// Delegations proposing deletion.
    pub delete: Vec<String>,
    /// For a new clause: the delegations proposing it.
    pub insert: Vec<String>,
}

impl ClauseCount {
    /// One line for the amendment message and the command's output.
    pub fn line(&self) -> String {
        if let Some(after) = &self.inserted_after {
            return format!(
                "{}: new clause after {after}, proposed by {}",
                self.clause,
                self.insert.join(", ")
            );
        }
        let mut s = format!("{}: {} alternatives", self.clause, self.alternatives);
        let mut parts = Vec::new();
        let who = |v: &[String]| v.join(", ");
        if !self.retain.is_empty() {
            parts.push(format!("retain {}", who(&self.retain)));
        }
        if !self.bracket.is_empty() {
            parts.push(format!("bracket {}", who(&self.bracket)));
        }
        if self.wordings > 0 {
            parts.push(format!(
                "{} new wording{} by {}",
                self.wordings,
                if self.wordings == 1 { "" } else { "s" },
                who(&self.replace)
            ));
        }
        if !self.delete.is_empty() {
            parts.push(format!("delete {}", who(&self.delete)));
        }
        if !parts.is_empty() {
            let _ = write!(s, " ({})", parts.join("; "));
        }
        s
    }
}

/// One delegation's proposals as read back from a compilation text: the fields of a
/// position file that the text records, under the same names.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Proposals {
    pub version: u32,
    pub code: String,
    #[serde(default)]
    pub clauses: Vec<ClauseStance>,
    #[serde(default)]
    pub inserts: Vec<Insertion>,
}

/// Why a compilation cannot be made or recorded. Each message says what to do.
#[derive(Debug, thiserror::Error)]
pub enum CompileError {
    #[error("unknown delegation `{code}`: {}", delegation_hint(.suggest.as_deref(), .known))]
    UnknownDelegation {
        code: String,
        suggest: Option<String>,
        known: Vec<String>,
    },
    #[error(
        "no positions to compile: add positions/<code>.ron files, or name delegations that have one"
    )]
    NoPositions,
    #[error(
        "the delegation code `{0}` cannot be written in an attribution: a code starts with a capital letter and has at least two letters, digits, `/`, `.` or `&` (as EU, G77/China); change `code` in its position file"
    )]
    UnwritableCode(String),
    #[error("no position differs from the draft: there is nothing to bracket")]
    NothingToCompile,
    #[error(
        "the wording {who} proposes for {clause} cannot be written as a bracketed alternative without changing its meaning ({why}): {advice}"
    )]
    Ambiguous {
        clause: String,
        who: String,
        why: String,
        advice: &'static str,
    },
    #[error("{clause}: {source}")]
    Amend {
        clause: String,
        #[source]
        source: AmendError,
    },
    #[error(
        "uncommitted changes in {}: the compilation is made from the committed draft and positions, so commit or stash them first",
        .0.join(", ")
    )]
    Uncommitted(Vec<String>),
    #[error(
        "{ROSTER_FILE} names no chair or secretariat member to record the compilation: add one under `chair: (members: [...])`"
    )]
    NoChairMember,
    #[error("{0}")]
    Roster(#[from] RonError),
}

/// What the delegations say about one existing clause.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Contest {
    keep: Vec<String>,
    bracket: Vec<String>,
    /// Wording → proposers, in order of first proposer.
    wordings: Vec<(String, Vec<String>)>,
    delete: Vec<String>,
}

impl Contest {
    fn is_contested(&self) -> bool {
        !self.bracket.is_empty() || !self.wordings.is_empty() || !self.delete.is_empty()
    }
}

/// One clause as read from the text.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Reading {
    /// The drafted text (first alternative) and who wants what.
    Contested { base: String, contest: Contest },
    /// A new clause proposed by these delegations.
    Inserted { text: String, by: Vec<String> },
}

/// Builds the compilation text from `neg`'s draft and positions. Nothing is written.
pub fn compile(neg: &Negotiation, opts: &CompileOptions) -> Result<Compilation, CompileError> {
    let positions = select(neg, opts)?;
    let draft = &neg.draft;
    let mut warnings = Vec::new();

    // Stances per clause index, in document order.
    let mut contests: BTreeMap<usize, Contest> = BTreeMap::new();
    for p in &positions {
        for (i, stance) in last_stances(draft, p, &mut warnings) {
            let base = draft.clauses[i].text.trim();
            let contest = contests.entry(i).or_default();
            match stance {
                Stance::Keep => contest.keep.push(p.code.clone()),
                Stance::Bracket => contest.bracket.push(p.code.clone()),
                Stance::Delete => contest.delete.push(p.code.clone()),
                Stance::Replace(w) if w.trim() == base => contest.keep.push(p.code.clone()),
                Stance::Replace(w) => {
                    let w = w.trim();
                    match contest.wordings.iter_mut().find(|(x, _)| x == w) {
                        Some((_, by)) => by.push(p.code.clone()),
                        None => contest.wordings.push((w.to_string(), vec![p.code.clone()])),
                    }
                }
            }
        }
    }

    let mut ws = Workspace {
        draft: draft.clone(),
        tiers: None,
        annexes: None,
    };
    let mut files: BTreeMap<String, String> = BTreeMap::new();
    let mut counts: Vec<(usize, ClauseCount)> = Vec::new();
    for (&i, contest) in &contests {
        if !contest.is_contested() {
            continue;
        }
        let id = draft.clauses[i].id.clone().unwrap_or_default();
        let base = draft.clauses[i].text.trim();
        let text = render_contest(base, contest);
        let expected = Reading::Contested {
            base: base.to_string(),
            contest: contest.clone(),
        };
        if read_clause(&text).as_ref() != Some(&expected) {
            return Err(ambiguous(&id, base, contest));
        }
        let edit = ws
            .apply(&amend::Change::Replace {
                clause: id.clone(),
                text,
            })
            .map_err(|source| CompileError::Amend {
                clause: id.clone(),
                source,
            })?;
        merge(&mut files, edit.files);
        counts.push((i, count_contest(&id, contest)));
    }

    // Insertions, grouped by anchor and identical (label, wording).
    type InsertKey = (usize, Option<String>, String);
    let mut inserts: Vec<(InsertKey, Vec<String>)> = Vec::new();
    for p in &positions {
        for ins in &p.inserts {
            let Some(j) = draft.index_of(&ins.after) else {
                warnings.push(format!(
                    "{}: insertion after unknown clause `{}` left out",
                    p.code, ins.after
                ));
                continue;
            };
            let text = ins.text.trim().to_string();
            if text.is_empty() {
                warnings.push(format!(
                    "{}: empty insertion after {} left out",
                    p.code, ins.after
                ));
                continue;
            }
            let key = (j, ins.label.clone(), text);
            match inserts.iter_mut().find(|(k, _)| *k == key) {
                Some((_, by)) if by.contains(&p.code) => {}
                Some((_, by)) => by.push(p.code.clone()),
                None => inserts.push((key, vec![p.code.clone()])),
            }
        }
    }
    inserts.sort_by_key(|((j, _, _), _)| *j);
    let mut last_after: Option<(usize, String)> = None;
    for ((j, label, wording), by) in inserts {
        let anchor = draft.clauses[j].id.clone().unwrap_or_default();
        let text = format!("[{wording} - {}]", by.join(", "));
        let expected = Reading::Inserted {
            text: wording.clone(),
            by: by.clone(),
        };
        if read_clause(&text).as_ref() != Some(&expected) {
            return Err(CompileError::Ambiguous {
                clause: format!("a new clause after {anchor}"),
                who: by.join(", "),
                why: why_ambiguous(&wording),
                advice: ADVICE,
            });
        }
        let after = match &last_after {
            Some((k, prev)) if *k == j => prev.clone(),
            _ => anchor.clone(),
        };
        let change = amend::Change::Insert {
            after,
            id: None,
            label: label.clone(),
            text,
        };
        match ws.apply(&change) {
            Ok(edit) => {
                let new_id = edit.clauses.first().cloned().unwrap_or_default();
                merge(&mut files, edit.files);
                last_after = Some((j, new_id.clone()));
                counts.push((
                    j,
                    ClauseCount {
                        clause: new_id,
                        inserted_after: Some(anchor),
                        alternatives: 1,
                        insert: by,
                        ..ClauseCount::default()
                    },
                ));
            }
            // A stance the engine cannot place (after an article heading, say) is left
            // out, as `treaty diff` does when it applies a position.
            Err(e) => warnings.push(format!(
                "{}: insertion after {anchor} left out: {e}",
                by.join(", ")
            )),
        }
    }

    if counts.is_empty() {
        return Err(CompileError::NothingToCompile);
    }
    // Document order of the result (insertions after their anchor's own entry).
    counts.sort_by_key(|(i, c)| (*i, c.inserted_after.is_some()));
    Ok(Compilation {
        files,
        clauses: counts.into_iter().map(|(_, c)| c).collect(),
        delegations: positions.iter().map(|p| p.code.clone()).collect(),
        draft: ws.draft,
        warnings,
    })
}

const ADVICE: &str = "write ` / ` as `or` or `/` without spaces, avoid a trailing ` - CODE` or `; CODE delete`, and balance the brackets in the position file";

fn why_ambiguous(wording: &str) -> String {
    let tree = bracket::parse(wording);
    if let Some(p) = tree.problems.first() {
        return p.message.clone();
    }
    if wording.contains(" / ") {
        return "it holds ` / `, which separates alternatives".into();
    }
    if wording.lines().count() > 1 {
        return "it runs over several lines or holds options".into();
    }
    "it reads as bracket notation of its own".into()
}

fn ambiguous(clause: &str, base: &str, contest: &Contest) -> CompileError {
    // Name the culprit: the first wording that does not read back alone.
    for (w, by) in &contest.wordings {
        let alone = Contest {
            wordings: vec![(w.clone(), by.clone())],
            ..Contest::default()
        };
        let expected = Reading::Contested {
            base: base.to_string(),
            contest: alone.clone(),
        };
        if read_clause(&render_contest(base, &alone)).as_ref() != Some(&expected) {
            return CompileError::Ambiguous {
                clause: clause.to_string(),
                who: by.join(", "),
                why: why_ambiguous(w),
                advice: ADVICE,
            };
        }
    }
    CompileError::Ambiguous {
        clause: clause.to_string(),
        who: "the drafted text".into(),
        why: why_ambiguous(base),
        advice: "the drafted text itself cannot be stacked with alternatives: simplify its notation with `treaty amend` first",
    }
}

/// The selected positions, in code order.
fn select<'n>(
    neg: &'n Negotiation,
    opts: &CompileOptions,
) -> Result<Vec<&'n Position>, CompileError> {
    let out: Vec<&Position> = match &opts.delegations {
        None => neg.positions.values().collect(),
        Some(codes) => {
            let mut picked = BTreeMap::new();
            for code in codes.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
                let Some(p) = neg.position(code) else {
                    let upper = code.to_uppercase();
                    return Err(CompileError::UnknownDelegation {
                        code: code.to_string(),
                        suggest: nearest(&upper, neg.positions.keys().map(String::as_str))
                            .map(String::from),
                        known: neg.positions.keys().cloned().collect(),
                    });
                };
                picked.insert(p.code.clone(), p);
            }
            picked.into_values().collect()
        }
    };
    if out.is_empty() {
        return Err(CompileError::NoPositions);
    }
    if let Some(p) = out.iter().find(|p| !is_attribution_code(&p.code)) {
        return Err(CompileError::UnwritableCode(p.code.clone()));
    }
    Ok(out)
}

/// Whether the bracket parser reads `code` as a delegation in ` - CODE` (the rule in
/// `bracket/attrib.rs`).
fn is_attribution_code(code: &str) -> bool {
    let b = code.as_bytes();
    b.len() >= 2
        && b[0].is_ascii_uppercase()
        && b.iter()
            .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'/' | b'.' | b'&'))
}

/// Each clause's last stated stance in `p`, by clause index; stances that cannot be shown
/// in brackets are reported in `warnings`.
fn last_stances<'p>(
    draft: &Draft,
    p: &'p Position,
    warnings: &mut Vec<String>,
) -> BTreeMap<usize, &'p Stance> {
    let mut out = BTreeMap::new();
    for cs in &p.clauses {
        let Some(i) = draft.index_of(&cs.clause) else {
            warnings.push(format!(
                "{}: stance on unknown clause `{}` left out",
                p.code, cs.clause
            ));
            continue;
        };
        let c = &draft.clauses[i];
        if !c.kind.has_text() || c.text.trim().is_empty() {
            if cs.stance != Stance::Keep {
                warnings.push(format!(
                    "{}: stance on {} left out: {} has no text of its own to bracket; state it on its paragraphs",
                    p.code,
                    cs.clause,
                    draft.reference(i)
                ));
            }
            continue;
        }
        if matches!(&cs.stance, Stance::Replace(w) if w.trim().is_empty()) {
            warnings.push(format!(
                "{}: empty wording for {} left out (propose deletion instead)",
                p.code, cs.clause
            ));
            continue;
        }
        out.insert(i, &cs.stance);
    }
    out
}

fn render_contest(base: &str, c: &Contest) -> String {
    let mut alts = Vec::new();
    if c.keep.is_empty() {
        alts.push(base.to_string());
    } else {
        alts.push(format!("{base} - {} retain", c.keep.join(", ")));
    }
    if !c.bracket.is_empty() {
        alts.push(format!("{base} - {}", c.bracket.join(", ")));
    }
    for (w, by) in &c.wordings {
        alts.push(format!("{w} - {}", by.join(", ")));
    }
    let mut s = format!("[{}", alts.join(" / "));
    if !c.delete.is_empty() {
        let _ = write!(s, "; {} delete", c.delete.join(", "));
    }
    s.push(']');
    s
}

fn count_contest(id: &str, c: &Contest) -> ClauseCount {
    ClauseCount {
        clause: id.to_string(),
        inserted_after: None,
        alternatives: 1
            + usize::from(!c.bracket.is_empty())
            + c.wordings.len()
            + usize::from(!c.delete.is_empty()),
        retain: c.keep.clone(),
        bracket: c.bracket.clone(),
        wordings: c.wordings.len(),
        replace: c.wordings.iter().flat_map(|(_, by)| by.clone()).collect(),
        delete: c.delete.clone(),
        insert: Vec::new(),
    }
}

fn merge(files: &mut BTreeMap<String, String>, edit: BTreeMap<String, Option<String>>) {
    for (path, content) in edit {
        // Compilation never deletes a file (deletions are only proposed).
        if let Some(text) = content {
            files.insert(path, text);
        }
    }
}

/// Reads one clause's text by the rules in the module documentation.
fn read_clause(text: &str) -> Option<Reading> {
    let t = text.trim();
    let tree = bracket::parse(t);
    if !tree.problems.is_empty() {
        return None;
    }
    let [Node::Group(g)] = tree.nodes.as_slice() else {
        return None;
    };
    if g.span.start != 0 || g.span.end != t.len() {
        return None;
    }
    let body = |a: &bracket::Alternative| a.body.of(t).trim().to_string();
    match g.alternatives.as_slice() {
        [] => None,
        [only] => (!only.deletion && !only.proposers.is_empty()).then(|| Reading::Inserted {
            text: body(only),
            by: only.proposers.clone(),
        }),
        [first, rest @ ..] => {
            if first.deletion {
                return None;
            }
            let base = body(first);
            let mut contest = Contest {
                keep: first.proposers.clone(),
                ..Contest::default()
            };
            for alt in rest {
                if alt.deletion {
                    contest.delete.extend(alt.proposers.iter().cloned());
                } else if body(alt) == base {
                    contest.bracket.extend(alt.proposers.iter().cloned());
                } else {
                    let w = body(alt);
                    match contest.wordings.iter_mut().find(|(x, _)| *x == w) {
                        Some((_, by)) => by.extend(alt.proposers.iter().cloned()),
                        None => contest.wordings.push((w, alt.proposers.clone())),
                    }
                }
            }
            Some(Reading::Contested { base, contest })
        }
    }
}

/// Reads the attributions of a compilation text back into each delegation's proposals,
/// keyed by delegation code. Clauses in document order.
pub fn decompile(draft: &Draft) -> BTreeMap<String, Proposals> {
    let mut out: BTreeMap<String, Proposals> = BTreeMap::new();
    fn entry<'o>(out: &'o mut BTreeMap<String, Proposals>, code: &str) -> &'o mut Proposals {
        out.entry(code.to_string()).or_insert_with(|| Proposals {
            version: FORMAT_VERSION,
            code: code.to_string(),
            ..Proposals::default()
        })
    }
    let readings: Vec<Option<Reading>> = draft
        .clauses
        .iter()
        .map(|c| {
            if c.kind.has_text() && c.id.is_some() {
                read_clause(&c.text)
            } else {
                None
            }
        })
        .collect();
    let inserted = |k: usize| matches!(readings[k], Some(Reading::Inserted { .. }));
    for (i, reading) in readings.iter().enumerate() {
        let c = &draft.clauses[i];
        let Some(id) = &c.id else { continue };
        match reading {
            None => {}
            Some(Reading::Contested { contest, .. }) => {
                let mut push = |code: &str, stance: Stance| {
                    entry(&mut out, code).clauses.push(ClauseStance {
                        clause: id.clone(),
                        stance,
                        note: String::new(),
                    });
                };
                for code in &contest.keep {
                    push(code, Stance::Keep);
                }
                for code in &contest.bracket {
                    push(code, Stance::Bracket);
                }
                for (w, by) in &contest.wordings {
                    for code in by {
                        push(code, Stance::Replace(w.clone()));
                    }
                }
                for code in &contest.delete {
                    push(code, Stance::Delete);
                }
            }
            Some(Reading::Inserted { text, by }) => {
                // The anchor: the nearest earlier clause at this level that is not itself
                // an insertion, else the nearest earlier one that is not.
                let sibling = (0..i)
                    .rev()
                    .find(|&k| draft.clauses[k].parent == c.parent && !inserted(k));
                let any = (0..i).rev().find(|&k| {
                    !inserted(k) && draft.clauses[k].kind.has_text() && Some(k) != c.parent
                });
                let Some(after) = sibling.or(any).and_then(|k| draft.clauses[k].id.clone()) else {
                    continue;
                };
                for code in by {
                    entry(&mut out, code).inserts.push(Insertion {
                        after: after.clone(),
                        label: c.label.clone(),
                        text: text.clone(),
                        note: String::new(),
                    });
                }
            }
        }
    }
    // A delegation named twice in one group (it should not be) keeps one stance per clause.
    for p in out.values_mut() {
        let mut seen = BTreeSet::new();
        let mut keep = vec![false; p.clauses.len()];
        for (k, cs) in p.clauses.iter().enumerate().rev() {
            keep[k] = seen.insert(cs.clause.clone());
        }
        let mut k = 0;
        p.clauses.retain(|_| {
            k += 1;
            keep[k - 1]
        });
    }
    out
}

/// The stances and insertions of `positions` in the form [`decompile`] gives them back,
/// by the equivalences listed in the module documentation. Delegations left with nothing
/// are dropped.
pub fn normalise<'p>(
    draft: &Draft,
    positions: impl IntoIterator<Item = &'p Position>,
) -> BTreeMap<String, Proposals> {
    let positions: Vec<&Position> = positions.into_iter().collect();
    let mut sink = Vec::new();
    let per: Vec<(&Position, BTreeMap<usize, Stance>)> = positions
        .iter()
        .map(|p| {
            let stances = last_stances(draft, p, &mut sink)
                .into_iter()
                .map(|(i, s)| {
                    let base = draft.clauses[i].text.trim();
                    let s = match s {
                        Stance::Replace(w) if w.trim() == base => Stance::Keep,
                        Stance::Replace(w) => Stance::Replace(w.trim().to_string()),
                        other => other.clone(),
                    };
                    (i, s)
                })
                .collect();
            (*p, stances)
        })
        .collect();
    let contested: BTreeSet<usize> = per
        .iter()
        .flat_map(|(_, m)| m.iter())
        .filter(|(_, s)| **s != Stance::Keep)
        .map(|(i, _)| *i)
        .collect();
    let mut out = BTreeMap::new();
    for (p, stances) in per {
        let clauses: Vec<ClauseStance> = stances
            .into_iter()
            .filter(|(i, _)| contested.contains(i))
            .map(|(i, stance)| ClauseStance {
                clause: draft.clauses[i].id.clone().unwrap_or_default(),
                stance,
                note: String::new(),
            })
            .collect();
        let mut inserts: Vec<(usize, Insertion)> = Vec::new();
        for ins in &p.inserts {
            let Some(j) = draft.index_of(&ins.after) else {
                continue;
            };
            let text = ins.text.trim().to_string();
            if text.is_empty() {
                continue;
            }
            let n = Insertion {
                after: ins.after.clone(),
                label: ins.label.clone(),
                text,
                note: String::new(),
            };
            if !inserts.iter().any(|(_, x)| *x == n) {
                inserts.push((j, n));
            }
        }
        inserts.sort_by_key(|(j, _)| *j);
        if clauses.is_empty() && inserts.is_empty() {
            continue;
        }
        out.insert(
            p.code.clone(),
            Proposals {
                version: FORMAT_VERSION,
                code: p.code.clone(),
                clauses,
                inserts: inserts.into_iter().map(|(_, x)| x).collect(),
            },
        );
    }
    out
}

/// Who records the compilation: the chair or secretariat named in the roster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recorder {
    /// The code in `Proposed-by` (`CHAIR` unless the roster says otherwise).
    pub code: String,
    /// The commit's author and committer; `None` when there is no roster, in which case
    /// the repository's configured git identity records it.
    pub identity: Option<(String, String)>,
}

/// The chair from `positions/roster.ron` under `root`: its code, and its first member as
/// the commit identity. With no roster file, the code is `CHAIR` and the configured git
/// identity is used (nothing then checks who may record). A roster whose chair has no
/// member is refused, since `treaty verify` would reject the commit.
pub fn chair(root: &Path) -> Result<Recorder, CompileError> {
    let path = root.join(ROSTER_FILE);
    if !path.exists() {
        return Ok(Recorder {
            code: CHAIR.to_string(),
            identity: None,
        });
    }
    let roster = Roster::load(&path, Path::new(ROSTER_FILE))?;
    let member = roster
        .chair
        .members
        .first()
        .ok_or(CompileError::NoChairMember)?;
    Ok(Recorder {
        code: roster.chair.code.clone(),
        identity: Some((member.name.clone(), member.email.clone())),
    })
}

impl Compilation {
    /// The subject line of the amendment that records the compilation.
    pub fn summary(&self) -> String {
        format!(
            "Compilation text: positions of {} delegation(s)",
            self.delegations.len()
        )
    }

    /// The amendment's body: a count line per compiled clause.
    pub fn body(&self) -> String {
        let mut body = format!(
            "Compilation of the positions of {} on the draft: {} clause(s) bracketed, {} new clause(s).\n\n",
            self.delegations.join(", "),
            self.clauses
                .iter()
                .filter(|x| x.inserted_after.is_none())
                .count(),
            self.clauses
                .iter()
                .filter(|x| x.inserted_after.is_some())
                .count(),
        );
        for count in &self.clauses {
            body.push_str(&count.line());
            body.push('\n');
        }
        body
    }
}

/// Where [`Proposals`] for `code` are written by `treaty decompile --dir`.
pub fn proposals_path(dir: &Path, code: &str) -> PathBuf {
    dir.join(format!("{}.ron", crate::position::file_stem(code)))
}

impl Proposals {
    /// The proposals as RON, in the layout of a position file.
    pub fn to_ron(&self) -> String {
        let text = ron::ser::to_string_pretty(self, ron::ser::PrettyConfig::new())
            .unwrap_or_else(|e| format!("// cannot write: {e}\n"));
        format!("{text}\n")
    }
}
