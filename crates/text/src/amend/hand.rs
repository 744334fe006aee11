//! Hand edits of `drafts/` as one amendment: the files a delegate edited in the work tree,
//! checked as the engine's own edits are (the treaty they leave must be one `treaty.md`
//! describes), with the kind and the clauses touched read from the difference.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::structure::unit_of;
use super::{AmendError, Workspace};
use crate::amendment::{AmendmentKind, StructureOp, Unit};
use crate::diag::Severity;
use crate::draft::{Draft, FRONT_FILE, ReadError, Source};
use crate::negotiation::{ANNEXES_FILE, TIERS_FILE};

/// What hand edits amount to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HandEdit {
    pub kind: AmendmentKind,
    /// Clauses inserted, deleted, moved, renumbered or reworded, in document order (the
    /// deleted ones last).
    pub clauses: Vec<String>,
    /// The files that differ from the workspace (path from the negotiation folder → new
    /// text, `None` when deleted).
    pub files: BTreeMap<String, Option<String>>,
}

/// The workspace's files with `files` laid over them, read as `drafts/`.
struct Overlay<'a> {
    ws: &'a Workspace,
    files: &'a BTreeMap<String, Option<String>>,
}

impl Source for Overlay<'_> {
    fn read(&self, rel: &str) -> Result<String, ReadError> {
        let path = format!("drafts/{rel}");
        match self.files.get(&path) {
            Some(Some(text)) => Ok(text.clone()),
            Some(None) => Err(ReadError::Missing),
            None => self.ws.file(&path).ok_or(ReadError::Missing),
        }
    }

    fn list_markdown(&self, dir: &str) -> Vec<String> {
        let prefix = format!("drafts/{dir}/");
        let mut out: Vec<String> = self
            .files
            .iter()
            .filter(|(p, text)| text.is_some() && p.starts_with(&prefix) && p.ends_with(".md"))
            .filter_map(|(p, _)| p.strip_prefix("drafts/").map(String::from))
            .collect();
        out.sort();
        out
    }
}

/// Checks hand-edited `files` (path from the negotiation folder → text, `None` for a file
/// removed) against the text the workspace holds: refused with the first problem the
/// edits bring into the draft; otherwise the kind (structural when `treaty.md` changed),
/// the clauses touched and the files that differ.
pub fn hand_edit(
    ws: &Workspace,
    files: &BTreeMap<String, Option<String>>,
) -> Result<HandEdit, AmendError> {
    let changed: BTreeMap<String, Option<String>> = files
        .iter()
        .filter(|(path, text)| ws.file(path) != **text)
        .map(|(p, t)| (p.clone(), t.clone()))
        .collect();
    let loaded =
        Draft::load_from(&Overlay { ws, files }).map_err(|e| AmendError::BrokenStructure {
            detail: e.to_string(),
        })?;
    let known: HashSet<String> = super::structure::errors(&ws.draft);
    if let Some(d) = loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .find(|d| !known.contains(&d.message))
    {
        let help = d
            .help
            .as_deref()
            .map(|h| format!(" ({h})"))
            .unwrap_or_default();
        return Err(AmendError::BrokenStructure {
            detail: format!(
                "{}:{}:{}: {}{help}",
                d.path.display(),
                d.line,
                d.col,
                d.message
            ),
        });
    }
    let new = loaded.draft;
    let clauses = touched(&ws.draft, &new);
    let structural = if changed.contains_key(&format!("drafts/{FRONT_FILE}")) {
        structural_changes(&ws.draft, &new)
    } else {
        Vec::new()
    };
    if structural.len() > 1 {
        return Err(AmendError::SeveralStructural {
            changes: structural
                .iter()
                .map(|(kind, id)| format!("{kind} {id}"))
                .collect(),
        });
    }
    let kind = match structural.first() {
        Some(&(kind, _)) => kind,
        None => wording_kind(&ws.draft, &new, &changed),
    };
    Ok(HandEdit {
        kind,
        clauses,
        files: changed,
    })
}

/// Each clause's id → (label, title, text, parent's id, its place among its parent's).
type Shape<'a> = HashMap<&'a str, (Option<&'a str>, Option<&'a str>, &'a str, Option<&'a str>)>;

fn shape(d: &Draft) -> Shape<'_> {
    d.clauses
        .iter()
        .filter_map(|c| {
            let parent = c.parent.and_then(|p| d.clauses[p].id.as_deref());
            Some((
                c.id.as_deref()?,
                (
                    c.label.as_deref(),
                    c.title.as_deref(),
                    c.text.as_str(),
                    parent,
                ),
            ))
        })
        .collect()
}

/// The ids of the units (articles, annexes, parts, chapters) in document order.
fn units(d: &Draft) -> Vec<(&str, Unit)> {
    (0..d.clauses.len())
        .filter_map(|i| Some((d.clauses[i].id.as_deref()?, unit_of(d, i)?)))
        .collect()
}

fn touched(old: &Draft, new: &Draft) -> Vec<String> {
    let (a, b) = (shape(old), shape(new));
    let old_order: Vec<&str> = units(old).into_iter().map(|(id, _)| id).collect();
    let new_order: Vec<&str> = units(new).into_iter().map(|(id, _)| id).collect();
    let moved = moved_units(&old_order, &new_order);
    let mut out: Vec<String> = new
        .ids()
        .filter(|id| a.get(id) != b.get(id) || moved.contains(id))
        .map(String::from)
        .collect();
    out.extend(old.ids().filter(|id| !b.contains_key(id)).map(String::from));
    out
}

/// The units whose place among the others changed: those off the longest run the two
/// orders share.
fn moved_units<'a>(old: &[&'a str], new: &[&'a str]) -> HashSet<&'a str> {
    let common: HashSet<&str> = old.iter().copied().filter(|id| new.contains(id)).collect();
    let o: Vec<&str> = old
        .iter()
        .copied()
        .filter(|id| common.contains(id))
        .collect();
    let n: Vec<&str> = new
        .iter()
        .copied()
        .filter(|id| common.contains(id))
        .collect();
    // Longest common subsequence of the two orders: what stayed in place.
    let mut table = vec![vec![0usize; n.len() + 1]; o.len() + 1];
    for i in (0..o.len()).rev() {
        for j in (0..n.len()).rev() {
            table[i][j] = if o[i] == n[j] {
                table[i + 1][j + 1] + 1
            } else {
                table[i + 1][j].max(table[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut stayed = HashSet::new();
    while i < o.len() && j < n.len() {
        if o[i] == n[j] {
            stayed.insert(o[i]);
            i += 1;
            j += 1;
        } else if table[i + 1][j] >= table[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    common
        .into_iter()
        .filter(|id| !stayed.contains(id))
        .collect()
}

/// The structural changes between `old` and `new`, each as its kind and the unit's id, in
/// this order: units inserted, deleted, renumbered, moved. A unit that only follows its
/// part or chapter (moved with it, or now under a part or chapter inserted around it, or
/// left where a deleted heading stood) is part of that change, not one of its own.
fn structural_changes<'a>(old: &'a Draft, new: &'a Draft) -> Vec<(AmendmentKind, &'a str)> {
    let (a, b) = (units(old), units(new));
    let in_a: HashMap<&str, Unit> = a.iter().copied().collect();
    let in_b: HashMap<&str, Unit> = b.iter().copied().collect();
    let kind = AmendmentKind::structural;
    let mut out = Vec::new();
    for &(id, u) in &b {
        if !in_a.contains_key(id) {
            out.push((kind(StructureOp::Insert, u), id));
        }
    }
    for &(id, u) in &a {
        if !in_b.contains_key(id) {
            out.push((kind(StructureOp::Delete, u), id));
        }
    }
    let label = |d: &Draft, id: &str| d.clause(id).and_then(|c| c.label.clone());
    for &(id, u) in &b {
        if in_a.contains_key(id) && label(old, id) != label(new, id) {
            out.push((kind(StructureOp::Renumber, u), id));
        }
    }
    let parent = |d: &'a Draft, id: &str| -> Option<&'a str> {
        d.clause(id)
            .and_then(|c| c.parent)
            .and_then(|p| d.clauses[p].id.as_deref())
    };
    let order_a: Vec<&str> = a.iter().map(|(id, _)| *id).collect();
    let order_b: Vec<&str> = b.iter().map(|(id, _)| *id).collect();
    let moved_in_order = moved_units(&order_a, &order_b);
    let moved = |id: &str| moved_in_order.contains(id) || parent(old, id) != parent(new, id);
    for &(id, u) in &b {
        if !in_a.contains_key(id) || !moved(id) {
            continue;
        }
        let (was, now) = (parent(old, id), parent(new, id));
        let follows = if was == now {
            // Carried along by its part or chapter.
            now.is_some_and(|p| in_a.contains_key(p) && moved(p))
        } else {
            // Under a heading inserted around it, or out from under one deleted, in place.
            !moved_in_order.contains(id)
                && (now.is_some_and(|p| !in_a.contains_key(p))
                    || was.is_some_and(|p| !in_b.contains_key(p)))
        };
        if !follows {
            out.push((kind(StructureOp::Move, u), id));
        }
    }
    out
}

/// The kind of an edit that leaves the units in place.
fn wording_kind(
    old: &Draft,
    new: &Draft,
    changed: &BTreeMap<String, Option<String>>,
) -> AmendmentKind {
    let (a, b) = (shape(old), shape(new));
    if b.keys().any(|id| !a.contains_key(id)) {
        AmendmentKind::Insert
    } else if a.keys().any(|id| !b.contains_key(id)) {
        AmendmentKind::Delete
    } else if changed.keys().all(|p| p == TIERS_FILE) {
        AmendmentKind::ReTier
    } else if changed.keys().all(|p| p == ANNEXES_FILE) {
        AmendmentKind::Annex
    } else {
        AmendmentKind::Replace
    }
}

#[cfg(test)]
mod tests;
