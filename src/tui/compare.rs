//! Compare, as the screens draw it: two sources (the current draft, a round, a
//! delegation's position) compared clause by clause, and one clause against every
//! delegation.
//!
//! There is one diff: the record resolves the sources
//! ([`crate::versions::Sources::resolve`], a position applied with
//! [`crate::position::Position::apply_to`], inserts included), the text compares them by
//! clause id ([`crate::compare::compare`], moves and renumbering found) and splits words
//! ([`crate::compare::word_ops`]). This module only turns its results into tagged runs of
//! text for drawing.

use crate::compare::{self, ClauseChange, DraftDiff, WordOp};
use crate::draft::Draft;
use crate::position::Stance;

use super::data::Data;

/// Something the draft can be compared with.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Version {
    /// The draft as it is on disk now.
    Draft,
    /// The draft at the start of a round (its tag).
    Round(String),
    /// The draft as one delegation's position would have it (stances and inserts).
    Position(String),
    /// The draft as one commit left it (its full id).
    Commit(String),
}

impl Version {
    pub fn label(&self) -> String {
        match self {
            Version::Draft => "current draft".into(),
            Version::Round(r) => format!("round {r}"),
            Version::Position(p) => format!("{p} position"),
            Version::Commit(c) => format!("commit {}", c.get(..10).unwrap_or(c)),
        }
    }

    /// The source spec [`crate::versions::Sources::resolve`] reads.
    pub fn spec(&self) -> String {
        match self {
            Version::Draft => "current".into(),
            Version::Round(r) => format!("round:{r}"),
            Version::Position(p) => format!("position:{p}"),
            Version::Commit(c) => format!("commit:{c}"),
        }
    }
}

/// Every source available: the draft, each round, each delegation.
pub fn sources(data: &Data) -> Vec<Version> {
    let mut out = vec![Version::Draft];
    out.extend(data.rounds.iter().map(|r| Version::Round(r.name.clone())));
    out.extend(data.positions.keys().map(|k| Version::Position(k.clone())));
    out
}

/// What Compare opens on, older on the left: the latest round against the current draft
/// (what changed since), or without rounds the draft against the first delegation.
pub fn default_pair(data: &Data) -> (Version, Version) {
    match data.rounds.last() {
        Some(r) => (Version::Round(r.name.clone()), Version::Draft),
        None => {
            let first = data.positions.keys().next().cloned();
            (
                Version::Draft,
                first.map_or(Version::Draft, Version::Position),
            )
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tag {
    Equal,
    Inserted,
    Deleted,
}

/// One clause that differs, drawn as tagged runs of text.
#[derive(Clone, Debug, PartialEq)]
pub struct ShownClause {
    pub id: String,
    pub reference: String,
    /// `changed`, `inserted`, `deleted`, `moved`, `renumbered`.
    pub change: &'static str,
    /// Where a clause moved from and to, or how it was renumbered.
    pub note: Option<String>,
    pub tokens: Vec<(Tag, String)>,
    /// 0.0 (nothing in common) to 1.0 (identical).
    pub similarity: f32,
}

/// The library's word operations as tagged runs, and how similar the two texts are:
/// twice the characters outside the changed phrases over the characters of both.
pub fn tokens_of(ops: &[WordOp]) -> (Vec<(Tag, String)>, f32) {
    let (mut kept, mut old, mut new) = (0usize, 0usize, 0usize);
    let tokens = ops
        .iter()
        .map(|op| match op {
            WordOp::Equal(t) => {
                let n = t.chars().count();
                kept += n;
                old += n;
                new += n;
                (Tag::Equal, t.clone())
            }
            WordOp::Delete(t) => {
                old += t.chars().count();
                (Tag::Deleted, t.clone())
            }
            WordOp::Insert(t) => {
                new += t.chars().count();
                (Tag::Inserted, t.clone())
            }
        })
        .collect();
    let similarity = if old + new == 0 {
        1.0
    } else {
        (2 * kept) as f32 / (old + new) as f32
    };
    // A changed text never reads as "100% similar".
    let changed = kept != old || kept != new;
    let similarity = if changed {
        similarity.min(0.99)
    } else {
        similarity
    };
    (tokens, similarity)
}

/// Word-level changes from `old` to `new` ([`crate::compare::word_ops`]), and how similar
/// they are.
pub fn word_diff(old: &str, new: &str) -> (Vec<(Tag, String)>, f32) {
    tokens_of(&compare::word_ops(old, new))
}

/// The words of clause `id` in `draft` (a heading's title and text), for a clause whose
/// text did not change.
fn words_in(draft: &Draft, id: &str) -> String {
    draft
        .clause(id)
        .map(|c| match &c.title {
            Some(t) if !c.text.is_empty() => format!("{t}\n{}", c.text),
            Some(t) => t.clone(),
            None => c.text.clone(),
        })
        .unwrap_or_default()
}

/// One clause of the library's comparison as drawn; `None` when it did not change.
pub fn clause_diff(c: &compare::ClauseDiff, after: &Draft) -> Option<ShownClause> {
    let unchanged = |id: &str| vec![(Tag::Equal, words_in(after, id))];
    let (note, tokens, similarity) = match &c.change {
        ClauseChange::Unchanged => return None,
        ClauseChange::Changed { words } => {
            let (t, s) = tokens_of(words);
            (None, t, s)
        }
        ClauseChange::Inserted { text } => (
            Some("new clause".to_string()),
            vec![(Tag::Inserted, text.clone())],
            0.0,
        ),
        ClauseChange::Deleted { text } => (
            Some("deleted".to_string()),
            vec![(Tag::Deleted, text.clone())],
            0.0,
        ),
        ClauseChange::Moved { from, to, words } => {
            let (t, s) = match words {
                Some(w) => tokens_of(w),
                None => (unchanged(&c.id), 1.0),
            };
            (Some(format!("moved from {from} to {to}")), t, s)
        }
        ClauseChange::Renumbered { old, new, words } => {
            let (t, s) = match words {
                Some(w) => tokens_of(w),
                None => (unchanged(&c.id), 1.0),
            };
            (Some(format!("renumbered: {old} is now {new}")), t, s)
        }
    };
    Some(ShownClause {
        id: c.id.clone(),
        reference: c.reference.clone(),
        change: c.change.word(),
        note,
        tokens,
        similarity,
    })
}

/// The clauses that differ between two versions ([`crate::compare::compare`]), in the
/// second version's order.
pub fn diff_drafts(a: &Draft, b: &Draft, only: Option<&str>) -> Vec<ShownClause> {
    let d: DraftDiff = compare::compare(a, b, only);
    d.clauses.iter().filter_map(|c| clause_diff(c, b)).collect()
}

/// What one delegation wants done with a clause.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Keeps,
    Replaces,
    Deletes,
    Brackets,
    Silent,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Keeps => "keeps",
            Verdict::Replaces => "replaces",
            Verdict::Deletes => "deletes",
            Verdict::Brackets => "brackets",
            Verdict::Silent => "—",
        }
    }
}

/// One row of the matrix: a delegation's stance on the clause and its text's diff.
#[derive(Clone, Debug, PartialEq)]
pub struct MatrixRow {
    pub delegation: String,
    pub verdict: Verdict,
    pub similarity: f32,
    pub tokens: Vec<(Tag, String)>,
    /// New clauses the delegation proposes right after this one.
    pub inserts: usize,
    /// Why, as the position's note on its stance says (empty if it says nothing).
    pub note: String,
}

/// Clause `id` of `draft` against every delegation: each position applied
/// ([`crate::position::Position::apply_to`]) and compared on that clause only. Runs in the worker.
pub fn matrix(data: &Data, id: &str) -> Vec<MatrixRow> {
    let Some(i) = data.draft.index_of(id) else {
        return Vec::new();
    };
    let c = &data.draft.clauses[i];
    // Each position is applied to the clause's line of the draft, not to all of it.
    let excerpt = data.draft.excerpt(i);
    data.positions
        .values()
        .map(|p| {
            let verdict = match p.stance(id) {
                Some(Stance::Keep) => Verdict::Keeps,
                Some(Stance::Replace(_)) => Verdict::Replaces,
                Some(Stance::Delete) => Verdict::Deletes,
                Some(Stance::Bracket) => Verdict::Brackets,
                None => Verdict::Silent,
            };
            // A delegation silent on the clause and all around it reads it as it stands.
            let shown = p.apply_to_clause(&excerpt, id).and_then(|(applied, _)| {
                let d = compare::compare(&excerpt, &applied, Some(id));
                d.clauses
                    .iter()
                    .find(|x| x.id == id)
                    .and_then(|x| clause_diff(x, &applied))
            });
            let (tokens, similarity) = shown.map_or_else(
                || (vec![(Tag::Equal, c.text.clone())], 1.0),
                |x| (x.tokens, x.similarity),
            );
            MatrixRow {
                delegation: p.code.clone(),
                verdict,
                similarity,
                tokens,
                inserts: p.inserts.iter().filter(|i| i.after == id).count(),
                note: p
                    .clauses
                    .iter()
                    .find(|s| s.clause == id)
                    .map(|s| s.note.clone())
                    .unwrap_or_default(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_diff_marks_changed_words_and_rebuilds_both_sides() {
        let (tokens, sim) = word_diff("Parties shall report", "Parties should report annually");
        let old: String = tokens
            .iter()
            .filter(|(t, _)| *t != Tag::Inserted)
            .map(|(_, s)| s.as_str())
            .collect();
        let new: String = tokens
            .iter()
            .filter(|(t, _)| *t != Tag::Deleted)
            .map(|(_, s)| s.as_str())
            .collect();
        assert_eq!(old, "Parties shall report");
        assert_eq!(new, "Parties should report annually");
        assert!(tokens.contains(&(Tag::Deleted, "shall".into())));
        assert!(sim > 0.3 && sim < 1.0, "{sim}");
        assert_eq!(word_diff("same", "same").1, 1.0);
    }

    fn draft(body: &str) -> Draft {
        let front = "# T {#t}\n\n- [Article 1. One](articles/one.md)\n";
        let text = format!("### Article 1. One {{#one}}\n\n{body}");
        let loaded = Draft::from_texts(front, &[("articles/one.md", &text)]);
        assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
        loaded.draft
    }

    #[test]
    fn drafts_compare_by_id_with_inserts_and_deletions() {
        let a = draft("1. Old words. {#one.1}\n\n2. Gone. {#one.2}\n");
        let b = draft("1. New words. {#one.1}\n\n2. Added. {#one.3}\n");
        let d = diff_drafts(&a, &b, None);
        let by: Vec<(&str, &str)> = d.iter().map(|c| (c.id.as_str(), c.change)).collect();
        assert!(by.contains(&("one.1", "changed")), "{by:?}");
        assert!(by.contains(&("one.2", "deleted")), "{by:?}");
        assert!(by.contains(&("one.3", "inserted")), "{by:?}");
        let inserted = d.iter().find(|c| c.id == "one.3").unwrap();
        assert_eq!(inserted.tokens, [(Tag::Inserted, "Added.".to_string())]);
    }

    #[test]
    fn a_move_is_one_move_with_its_words() {
        let a = draft("1. First. {#one.1}\n\n2. Second. {#one.2}\n\n3. Third. {#one.3}\n");
        let b = draft("1. Third. {#one.3}\n\n2. First. {#one.1}\n\n3. Second. {#one.2}\n");
        let d = diff_drafts(&a, &b, None);
        let moved: Vec<&ShownClause> = d.iter().filter(|c| c.change == "moved").collect();
        assert_eq!(moved.len(), 1, "{d:?}");
        assert_eq!(moved[0].id, "one.3");
        assert!(moved[0].note.as_deref().unwrap().starts_with("moved from"));
        assert_eq!(moved[0].tokens, [(Tag::Equal, "Third.".to_string())]);
    }
}
