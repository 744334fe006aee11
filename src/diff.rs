//! Clause-by-clause comparison of two versions of the text.
//!
//! A version is named by a *source spec* ([`Sources::resolve`]): the work tree, a commit, a
//! tag, a round, or a delegation's position applied onto the current draft. Two versions
//! are compared by stable clause id ([`compare`]): each clause is unchanged, changed (with
//! word-level operations), inserted, deleted, moved or renumbered. Moves are found among
//! siblings, so an article that moves is one move, not a move of each of its paragraphs.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde::Serialize;
use similar::{Algorithm, DiffTag, capture_diff_slices};

use crate::amend::{Change, Workspace};
use crate::draft::{Clause, Draft, nearest};
use crate::negotiation::Negotiation;
use crate::position::{Position, Stance};
use crate::store::{Oid, Store};

/// Why a version of the text could not be found or read.
#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    #[error(
        "`{spec}` names no version of the text: use `current` (the text on disk), a round ({rounds}), a delegation ({delegations}), a tag, `HEAD` or a commit id{}",
        suggestion(.suggest)
    )]
    UnknownSpec {
        spec: String,
        rounds: String,
        delegations: String,
        suggest: Option<String>,
    },
    #[error("there is no round `{name}`{}", suggestion(.suggest))]
    UnknownRound {
        name: String,
        suggest: Option<String>,
    },
    #[error("there is no position for delegation `{code}`{}", suggestion(.suggest))]
    UnknownDelegation {
        code: String,
        suggest: Option<String>,
    },
    #[error("`{spec}` is not a commit or tag in this record: check the id with `git log`")]
    UnknownCommit { spec: String },
    #[error(
        "`{spec}` needs the negotiation's git history, but {reason}: compare `current` with a delegation instead, or open the folder that holds the record"
    )]
    NoHistory { spec: String, reason: String },
    #[error("cannot read the draft of {spec}: {message}")]
    Unreadable { spec: String, message: String },
    #[error("unknown clause id `{id}`{}", suggestion(.suggest))]
    UnknownClause { id: String, suggest: Option<String> },
}

fn suggestion(s: &Option<String>) -> String {
    s.as_ref()
        .map(|s| format!(": did you mean `{s}`?"))
        .unwrap_or_default()
}

/// A version of the text, ready to compare.
#[derive(Clone, Debug)]
pub struct Resolved {
    pub draft: Draft,
    /// What the spec turned out to be, e.g. `round r1 (3f2a…)`, `position of EU`.
    pub name: String,
    /// Things skipped on the way (a position naming a clause that no longer exists).
    pub warnings: Vec<String>,
}

/// Where versions come from: the negotiation on disk and, when there is one, its record.
pub struct Sources {
    pub negotiation: Negotiation,
    store: Result<Store, String>,
}

impl Sources {
    /// Loads the negotiation at `root` and opens its git record if it has one.
    pub fn open(root: &Path) -> Result<Sources, DiffError> {
        let negotiation = Negotiation::load(root)
            .map_err(|e| DiffError::Unreadable {
                spec: "current".into(),
                message: e.to_string(),
            })?
            .negotiation;
        let store = Store::open(root).map_err(|e| e.to_string());
        Ok(Sources { negotiation, store })
    }

    /// From an already loaded negotiation and (optionally) its store.
    pub fn new(negotiation: Negotiation, store: Option<Store>) -> Sources {
        let store = store.ok_or_else(|| "there is no git record here".to_string());
        Sources { negotiation, store }
    }

    pub fn root(&self) -> PathBuf {
        self.negotiation.root.clone()
    }

    fn store(&self, spec: &str) -> Result<&Store, DiffError> {
        self.store.as_ref().map_err(|reason| DiffError::NoHistory {
            spec: spec.to_string(),
            reason: reason.clone(),
        })
    }

    fn round_names(&self) -> Vec<String> {
        match &self.store {
            Ok(store) => store
                .rounds()
                .map(|rs| rs.into_iter().map(|r| r.name).collect())
                .unwrap_or_default(),
            Err(_) => Vec::new(),
        }
    }

    fn delegation_codes(&self) -> Vec<String> {
        self.negotiation
            .positions
            .values()
            .map(|p| p.code.clone())
            .collect()
    }

    /// Resolves a source spec to a version of the text.
    ///
    /// Without a prefix the spec is tried as `current`/`draft`, a round, a delegation, then
    /// a git revision (`HEAD`, a tag, a commit id or prefix). The prefixes `round:`,
    /// `position:`, `commit:` force one reading.
    pub fn resolve(&self, spec: &str) -> Result<Resolved, DiffError> {
        let spec = spec.trim();
        if let Some(name) = spec.strip_prefix("round:") {
            return self
                .resolve_round(name)?
                .ok_or_else(|| DiffError::UnknownRound {
                    name: name.to_string(),
                    suggest: nearest_owned(name, &self.round_names()),
                });
        }
        if let Some(code) = spec.strip_prefix("position:") {
            return self
                .resolve_position(code)
                .ok_or_else(|| DiffError::UnknownDelegation {
                    code: code.to_string(),
                    suggest: nearest_owned(code, &self.delegation_codes()),
                });
        }
        if let Some(rev) = spec.strip_prefix("commit:") {
            return self
                .resolve_commit(rev)?
                .ok_or_else(|| DiffError::UnknownCommit {
                    spec: rev.to_string(),
                });
        }
        if matches!(spec, "current" | "draft" | "work" | "worktree") {
            return Ok(Resolved {
                draft: self.negotiation.draft.clone(),
                name: "the current draft".into(),
                warnings: Vec::new(),
            });
        }
        if self.store.is_ok()
            && let Some(r) = self.resolve_round(spec)?
        {
            return Ok(r);
        }
        if let Some(r) = self.resolve_position(spec) {
            return Ok(r);
        }
        if self.store.is_ok()
            && let Some(r) = self.resolve_commit(spec)?
        {
            return Ok(r);
        }
        let rounds = self.round_names();
        let codes = self.delegation_codes();
        let mut candidates: Vec<String> = vec!["current".into(), "HEAD".into()];
        candidates.extend(rounds.iter().cloned());
        candidates.extend(codes.iter().cloned());
        let list = |v: &[String]| {
            if v.is_empty() {
                "none yet".to_string()
            } else {
                v.join(", ")
            }
        };
        Err(DiffError::UnknownSpec {
            spec: spec.to_string(),
            rounds: list(&rounds),
            delegations: list(&codes),
            suggest: nearest_owned(spec, &candidates),
        })
    }

    fn resolve_round(&self, name: &str) -> Result<Option<Resolved>, DiffError> {
        let spec = format!("round:{name}");
        let store = self.store(&spec)?;
        let Ok(reference) = store
            .repo()
            .find_reference(&format!("refs/tags/round/{name}"))
        else {
            return Ok(None);
        };
        let Ok(commit) = reference.peel_to_commit() else {
            return Ok(None);
        };
        let oid = commit.id();
        Ok(Some(self.at_commit(
            store,
            oid,
            format!("round {name} ({})", short(oid)),
        )?))
    }

    fn resolve_commit(&self, rev: &str) -> Result<Option<Resolved>, DiffError> {
        let store = self.store(rev)?;
        let Ok(object) = store.repo().revparse_single(rev) else {
            return Ok(None);
        };
        let Ok(commit) = object.peel_to_commit() else {
            return Ok(None);
        };
        let oid = commit.id();
        Ok(Some(self.at_commit(
            store,
            oid,
            format!("{rev} ({})", short(oid)),
        )?))
    }

    fn at_commit(&self, store: &Store, oid: Oid, name: String) -> Result<Resolved, DiffError> {
        let loaded = store.draft_at(oid).map_err(|e| DiffError::Unreadable {
            spec: name.clone(),
            message: e.to_string(),
        })?;
        Ok(Resolved {
            draft: loaded.draft,
            name,
            warnings: Vec::new(),
        })
    }

    fn resolve_position(&self, code: &str) -> Option<Resolved> {
        let position = self.negotiation.position(code)?;
        let (draft, warnings) = apply_position(&self.negotiation.draft, position);
        Some(Resolved {
            draft,
            name: format!("the position of {}", position.code),
            warnings,
        })
    }
}

fn short(oid: Oid) -> String {
    oid.to_string()[..10].to_string()
}

fn nearest_owned(wanted: &str, candidates: &[String]) -> Option<String> {
    nearest(wanted, candidates.iter().map(String::as_str)).map(str::to_string)
}

/// A delegation's position applied onto `draft`: its replacements, deletions, brackets
/// and insertions. Stances on clauses that are not in the draft (any more) are skipped
/// with a warning.
pub fn apply_position(draft: &Draft, position: &Position) -> (Draft, Vec<String>) {
    let mut ws = Workspace {
        draft: draft.clone(),
        tiers: None,
        annexes: None,
    };
    let mut warnings = Vec::new();
    let mut changes: Vec<Change> = Vec::new();
    for stance in &position.clauses {
        let clause = stance.clause.clone();
        match &stance.stance {
            Stance::Keep => {}
            Stance::Replace(text) => changes.push(Change::Replace {
                clause,
                text: text.clone(),
            }),
            Stance::Delete => changes.push(Change::Delete { clause }),
            Stance::Bracket => changes.push(Change::Bracket {
                clause,
                phrase: None,
            }),
        }
    }
    // Insertions after the stances: an insertion after a clause the delegation deletes is
    // then reported rather than silently placed.
    for ins in &position.inserts {
        changes.push(Change::Insert {
            after: ins.after.clone(),
            id: None,
            label: ins.label.clone(),
            text: ins.text.clone(),
        });
    }
    for change in &changes {
        if let Err(e) = ws.apply(change) {
            warnings.push(format!(
                "position of {}: skipped \"{}\": {e}",
                position.code,
                change.describe()
            ));
        }
    }
    (ws.draft, warnings)
}

/// One word-level operation: a run of tokens kept, removed or added.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum WordOp {
    Equal(String),
    Delete(String),
    Insert(String),
}

/// What happened to one clause between the two versions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "change", rename_all = "lowercase")]
pub enum ClauseChange {
    Unchanged,
    Changed {
        words: Vec<WordOp>,
    },
    Inserted {
        text: String,
    },
    Deleted {
        text: String,
    },
    /// `from` is the clause's reference in the first version, `to` where it now stands
    /// (`after Article 1`); `words` when its text changed too.
    Moved {
        from: String,
        to: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        words: Option<Vec<WordOp>>,
    },
    Renumbered {
        old: String,
        new: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        words: Option<Vec<WordOp>>,
    },
}

impl ClauseChange {
    pub fn is_unchanged(&self) -> bool {
        matches!(self, ClauseChange::Unchanged)
    }

    /// `changed`, `inserted`, …
    pub fn word(&self) -> &'static str {
        match self {
            ClauseChange::Unchanged => "unchanged",
            ClauseChange::Changed { .. } => "changed",
            ClauseChange::Inserted { .. } => "inserted",
            ClauseChange::Deleted { .. } => "deleted",
            ClauseChange::Moved { .. } => "moved",
            ClauseChange::Renumbered { .. } => "renumbered",
        }
    }
}

/// One clause of the comparison.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClauseDiff {
    /// The stable id (or `@reference` for a clause that has none).
    pub id: String,
    /// `Article 9 bis, paragraph 2`: in the second version, or in the first when deleted.
    pub reference: String,
    #[serde(flatten)]
    pub change: ClauseChange,
}

/// The comparison of two versions, in the second version's order (deleted clauses where
/// they stood in the first).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DraftDiff {
    pub clauses: Vec<ClauseDiff>,
}

impl DraftDiff {
    /// Only the clauses that differ.
    pub fn changed(&self) -> impl Iterator<Item = &ClauseDiff> {
        self.clauses.iter().filter(|c| !c.change.is_unchanged())
    }

    pub fn is_empty(&self) -> bool {
        self.changed().next().is_none()
    }
}

fn key(draft: &Draft, i: usize) -> String {
    match &draft.clauses[i].id {
        Some(id) => id.clone(),
        None => format!("@{}", draft.reference(i)),
    }
}

/// The words compared for a clause: its title (headings) and its text.
fn content(c: &Clause) -> String {
    match &c.title {
        Some(t) if !c.text.is_empty() => format!("{t}\n{}", c.text),
        Some(t) => t.clone(),
        None => c.text.clone(),
    }
}

fn same_content(a: &Clause, b: &Clause) -> bool {
    a.text == b.text && a.title == b.title
}

/// Splits text into word tokens, runs of white space, and single punctuation marks (so
/// that `[` and `]` are tokens of their own and a lifted bracket shows as their removal).
pub fn tokens(text: &str) -> Vec<&str> {
    #[derive(PartialEq, Clone, Copy)]
    enum Class {
        Word,
        Space,
        Mark,
    }
    let class = |c: char| {
        if c.is_alphanumeric() || c == '_' {
            Class::Word
        } else if c.is_whitespace() {
            Class::Space
        } else {
            Class::Mark
        }
    };
    let mut out = Vec::new();
    let mut start = 0;
    let mut current: Option<Class> = None;
    for (i, c) in text.char_indices() {
        let k = class(c);
        match current {
            Some(prev) if prev == k && k != Class::Mark => {}
            Some(_) => {
                out.push(&text[start..i]);
                start = i;
            }
            None => {}
        }
        current = Some(k);
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// Word-level operations turning `old` into `new`.
pub fn word_ops(old: &str, new: &str) -> Vec<WordOp> {
    let a = tokens(old);
    let b = tokens(new);
    let mut ops: Vec<WordOp> = Vec::new();
    let mut push = |op: WordOp| {
        match (ops.last_mut(), &op) {
            (Some(WordOp::Equal(s)), WordOp::Equal(t))
            | (Some(WordOp::Delete(s)), WordOp::Delete(t))
            | (Some(WordOp::Insert(s)), WordOp::Insert(t)) => {
                s.push_str(t);
                return;
            }
            _ => {}
        }
        ops.push(op);
    };
    for op in capture_diff_slices(Algorithm::Myers, &a, &b) {
        let (tag, old_r, new_r) = op.as_tag_tuple();
        let old_text = a[old_r].concat();
        let new_text = b[new_r].concat();
        match tag {
            DiffTag::Equal => push(WordOp::Equal(old_text)),
            DiffTag::Delete => push(WordOp::Delete(old_text)),
            DiffTag::Insert => push(WordOp::Insert(new_text)),
            DiffTag::Replace => {
                push(WordOp::Delete(old_text));
                push(WordOp::Insert(new_text));
            }
        }
    }
    ops
}

/// Compares two versions clause by clause. With `only`, just that clause and the clauses
/// under it (in either version).
///
/// Clauses whose text and title are byte-identical are never word-diffed, and with `only`
/// nothing outside that clause's subtree is looked at, so one clause can be compared
/// against many positions cheaply.
pub fn compare(a: &Draft, b: &Draft, only: Option<&str>) -> DraftDiff {
    let (sel_a, sel_b) = selection(a, b, only);
    let a_keys: Vec<String> = sel_a.iter().map(|&i| key(a, i)).collect();
    let b_keys: Vec<String> = sel_b.iter().map(|&i| key(b, i)).collect();
    // key -> position in the selection
    let a_index: HashMap<&str, usize> = a_keys
        .iter()
        .enumerate()
        .map(|(i, k)| (k.as_str(), i))
        .collect();
    let b_index: HashMap<&str, usize> = b_keys
        .iter()
        .enumerate()
        .map(|(i, k)| (k.as_str(), i))
        .collect();

    let moved = find_moves(a, b, &sel_a, &sel_b, &b_keys, &a_index);

    // Deleted clauses, grouped under the nearest earlier clause of `a` that survives.
    let mut deleted_after: HashMap<Option<usize>, Vec<usize>> = HashMap::new();
    let mut last_surviving: Option<usize> = None;
    for (pa, k) in a_keys.iter().enumerate() {
        match b_index.get(k.as_str()) {
            Some(&pb) => last_surviving = Some(pb),
            None => deleted_after.entry(last_surviving).or_default().push(pa),
        }
    }
    let emit_deleted = |anchor: Option<usize>, out: &mut Vec<ClauseDiff>| {
        if let Some(list) = deleted_after.get(&anchor) {
            for &pa in list {
                let ia = sel_a[pa];
                out.push(ClauseDiff {
                    id: a_keys[pa].clone(),
                    reference: a.reference(ia),
                    change: ClauseChange::Deleted {
                        text: content(&a.clauses[ia]),
                    },
                });
            }
        }
    };

    let mut out = Vec::new();
    emit_deleted(None, &mut out);
    for (pb, k) in b_keys.iter().enumerate() {
        let ib = sel_b[pb];
        let cb = &b.clauses[ib];
        let change = match a_index.get(k.as_str()) {
            None => ClauseChange::Inserted { text: content(cb) },
            Some(&pa) => {
                let ia = sel_a[pa];
                let ca = &a.clauses[ia];
                let words = if same_content(ca, cb) {
                    None
                } else {
                    Some(word_ops(&content(ca), &content(cb)))
                };
                if moved.contains(&pb) {
                    ClauseChange::Moved {
                        from: a.reference(ia),
                        to: place(b, ib),
                        words,
                    }
                } else if ca.label != cb.label {
                    ClauseChange::Renumbered {
                        old: ca.label.clone().unwrap_or_default(),
                        new: cb.label.clone().unwrap_or_default(),
                        words,
                    }
                } else {
                    match words {
                        None => ClauseChange::Unchanged,
                        Some(words) => ClauseChange::Changed { words },
                    }
                }
            }
        };
        out.push(ClauseDiff {
            id: k.clone(),
            reference: b.reference(ib),
            change,
        });
        emit_deleted(Some(pb), &mut out);
    }
    DraftDiff { clauses: out }
}

/// The clause indices of each version to compare, in document order: everything, or the
/// subtree of `only` in each version plus the clauses that moved in or out of it.
fn selection(a: &Draft, b: &Draft, only: Option<&str>) -> (Vec<usize>, Vec<usize>) {
    let Some(id) = only else {
        return (
            (0..a.clauses.len()).collect(),
            (0..b.clauses.len()).collect(),
        );
    };
    let sub = |d: &Draft| -> Vec<usize> {
        d.index_of(id)
            .map(|i| d.subtree(i).collect())
            .unwrap_or_default()
    };
    let mut sel_a = sub(a);
    let mut sel_b = sub(b);
    let extra_b: Vec<usize> = sel_a
        .iter()
        .filter_map(|&i| a.clauses[i].id.as_deref())
        .filter_map(|k| b.index_of(k))
        .filter(|j| !sel_b.contains(j))
        .collect();
    let extra_a: Vec<usize> = sel_b
        .iter()
        .filter_map(|&i| b.clauses[i].id.as_deref())
        .filter_map(|k| a.index_of(k))
        .filter(|j| !sel_a.contains(j))
        .collect();
    sel_a.extend(extra_a);
    sel_b.extend(extra_b);
    sel_a.sort_unstable();
    sel_a.dedup();
    sel_b.sort_unstable();
    sel_b.dedup();
    (sel_a, sel_b)
}

/// Where clause `i` of `b` stands: after its previous sibling, or first under its parent.
fn place(b: &Draft, i: usize) -> String {
    let parent = b.clauses[i].parent;
    let prev = (0..i)
        .rev()
        .find(|&j| b.clauses[j].parent == parent && b.clauses[j].depth == b.clauses[i].depth);
    match (prev, parent) {
        (Some(j), _) => format!("after {}", b.reference(j)),
        (None, Some(p)) => format!("first in {}", b.reference(p)),
        (None, None) => "to the start".to_string(),
    }
}

/// Clauses of `b` (positions in `sel_b`) that moved: under another parent, or out of
/// order among the siblings they share with `a`.
fn find_moves(
    a: &Draft,
    b: &Draft,
    sel_a: &[usize],
    sel_b: &[usize],
    b_keys: &[String],
    a_index: &HashMap<&str, usize>,
) -> HashSet<usize> {
    let mut moved = HashSet::new();
    // Siblings (by parent key) in b, restricted to clauses in both.
    let mut b_groups: HashMap<Option<String>, Vec<usize>> = HashMap::new();
    for (pb, k) in b_keys.iter().enumerate() {
        let Some(&pa) = a_index.get(k.as_str()) else {
            continue;
        };
        let parent_b = b.clauses[sel_b[pb]].parent.map(|p| key(b, p));
        let parent_a = a.clauses[sel_a[pa]].parent.map(|p| key(a, p));
        if parent_a != parent_b {
            moved.insert(pb);
            continue;
        }
        b_groups.entry(parent_b).or_default().push(pb);
    }
    for (_, group) in b_groups {
        if group.len() < 2 {
            continue;
        }
        // The same siblings' positions in a, in b's order.
        let b_order: Vec<usize> = group
            .iter()
            .map(|&pb| a_index[b_keys[pb].as_str()])
            .collect();
        let mut a_order = b_order.clone();
        a_order.sort_unstable();
        if a_order == b_order {
            continue;
        }
        // Longest common subsequence keeps the most siblings in place; the rest moved.
        for op in capture_diff_slices(Algorithm::Myers, &a_order, &b_order) {
            let (tag, _, new_r) = op.as_tag_tuple();
            if tag != DiffTag::Equal {
                for i in new_r {
                    moved.insert(group[i]);
                }
            }
        }
    }
    moved
}

/// Checks that `id` names a clause in either version.
pub fn check_clause(a: &Draft, b: &Draft, id: &str) -> Result<(), DiffError> {
    if a.index_of(id).is_some() || b.index_of(id).is_some() {
        return Ok(());
    }
    Err(DiffError::UnknownClause {
        id: id.to_string(),
        suggest: b.suggest(id).or_else(|| a.suggest(id)).map(str::to_string),
    })
}

/// git word-diff style: `[-removed-]{+added+}`.
pub fn render_words(words: &[WordOp]) -> String {
    let mut s = String::new();
    for w in words {
        match w {
            WordOp::Equal(t) => s.push_str(t),
            WordOp::Delete(t) => {
                s.push_str("[-");
                s.push_str(t);
                s.push_str("-]");
            }
            WordOp::Insert(t) => {
                s.push_str("{+");
                s.push_str(t);
                s.push_str("+}");
            }
        }
    }
    s
}

/// The plain-text report: a header per clause, then its words.
pub fn render_text(diff: &DraftDiff, all: bool) -> String {
    let mut s = String::new();
    for c in &diff.clauses {
        if !all && c.change.is_unchanged() {
            continue;
        }
        let head = format!("{} ({})", c.reference, c.id);
        match &c.change {
            ClauseChange::Unchanged => s.push_str(&format!("{head}: unchanged\n")),
            ClauseChange::Changed { words } => {
                s.push_str(&format!("{head}: changed\n{}\n", render_words(words)))
            }
            ClauseChange::Inserted { text } => {
                s.push_str(&format!("{head}: inserted\n{{+{text}+}}\n"))
            }
            ClauseChange::Deleted { text } => s.push_str(&format!("{head}: deleted\n[-{text}-]\n")),
            ClauseChange::Moved { from, to, words } => {
                s.push_str(&format!("{head}: moved from {from} to {to}\n"));
                if let Some(w) = words {
                    s.push_str(&render_words(w));
                    s.push('\n');
                }
            }
            ClauseChange::Renumbered { old, new, words } => {
                s.push_str(&format!("{head}: renumbered from {old} to {new}\n"));
                if let Some(w) = words {
                    s.push_str(&render_words(w));
                    s.push('\n');
                }
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn brackets_and_punctuation_are_tokens_of_their_own() {
        assert_eq!(
            tokens("[shall]/[should] act, now."),
            [
                "[", "shall", "]", "/", "[", "should", "]", " ", "act", ",", " ", "now", "."
            ]
        );
    }

    #[test]
    fn word_ops_group_runs() {
        assert_eq!(
            word_ops("the [fully] consistent text", "the fully consistent text"),
            [
                WordOp::Equal("the ".into()),
                WordOp::Delete("[".into()),
                WordOp::Equal("fully".into()),
                WordOp::Delete("]".into()),
                WordOp::Equal(" consistent text".into()),
            ]
        );
    }

    proptest! {
        #[test]
        fn replaying_word_ops_gives_both_texts(a in "[a-c \\[\\],.]{0,40}", b in "[a-c \\[\\],.]{0,40}") {
            let ops = word_ops(&a, &b);
            let old: String = ops.iter().filter_map(|w| match w {
                WordOp::Equal(t) | WordOp::Delete(t) => Some(t.as_str()),
                WordOp::Insert(_) => None,
            }).collect();
            let new: String = ops.iter().filter_map(|w| match w {
                WordOp::Equal(t) | WordOp::Insert(t) => Some(t.as_str()),
                WordOp::Delete(_) => None,
            }).collect();
            prop_assert_eq!(old, a);
            prop_assert_eq!(new, b);
        }
    }
}
