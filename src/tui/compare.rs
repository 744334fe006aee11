//! Clause-by-clause comparison of two sources (the current draft, a round, a delegation's
//! position), with word-level changes.
//!
//! This is deliberately one small seam: [`diff_texts`] and [`word_diff`] are what the
//! screens call, so a richer source-to-source diff from the library can replace them
//! without touching any rendering code.

use similar::{ChangeTag, TextDiff};

use super::data::{Data, Texts, texts_of};
use crate::position::{Position, Stance};
use crate::store::Store;

/// Something the draft can be compared with.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Source {
    /// The draft as it is on disk now.
    Draft,
    /// The draft at the start of a round (its tag).
    Round(String),
    /// The draft as one delegation's position would have it.
    Position(String),
}

impl Source {
    pub fn label(&self) -> String {
        match self {
            Source::Draft => "current draft".into(),
            Source::Round(r) => format!("round {r}"),
            Source::Position(p) => format!("{p} position"),
        }
    }
}

/// Every source available: the draft, each round, each delegation.
pub fn sources(data: &Data) -> Vec<Source> {
    let mut out = vec![Source::Draft];
    out.extend(data.rounds.iter().map(|r| Source::Round(r.name.clone())));
    out.extend(data.positions.keys().map(|k| Source::Position(k.clone())));
    out
}

/// The texts of a source. Rounds are read from git (slow on big records: call this off
/// the UI thread).
pub fn resolve(data: &Data, store: Option<&Store>, source: &Source) -> Result<Texts, String> {
    match source {
        Source::Draft => Ok(data.texts()),
        Source::Position(code) => {
            let pos = data
                .positions
                .get(code)
                .ok_or_else(|| format!("no position for delegation {code}"))?;
            Ok(position_texts(&data.texts(), pos))
        }
        Source::Round(name) => {
            let store = store.ok_or("this negotiation has no git record, so no rounds")?;
            let mark = data
                .rounds
                .iter()
                .find(|r| &r.name == name)
                .ok_or_else(|| format!("no round {name}"))?;
            let loaded = store.draft_at(mark.oid).map_err(|e| e.to_string())?;
            Ok(texts_of(&loaded.draft))
        }
    }
}

/// The draft's texts with a position's stances applied: a replacement replaces, a
/// deletion empties, a bracket stance brackets the whole clause.
pub fn position_texts(base: &Texts, pos: &Position) -> Texts {
    base.iter()
        .map(|(id, r, text)| {
            let new = match pos.stance(id) {
                Some(Stance::Replace(t)) => t.clone(),
                Some(Stance::Delete) => String::new(),
                Some(Stance::Bracket) => format!("[{text}]"),
                Some(Stance::Keep) | None => text.clone(),
            };
            (id.clone(), r.clone(), new)
        })
        .collect()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tag {
    Equal,
    Inserted,
    Deleted,
}

/// One changed clause.
#[derive(Clone, Debug, PartialEq)]
pub struct ClauseDiff {
    pub id: String,
    pub reference: String,
    pub tokens: Vec<(Tag, String)>,
    /// 0.0 (nothing in common) to 1.0 (identical).
    pub similarity: f32,
}

/// Word-level changes from `old` to `new`, and how similar they are.
pub fn word_diff(old: &str, new: &str) -> (Vec<(Tag, String)>, f32) {
    let diff = TextDiff::from_words(old, new);
    let mut tokens: Vec<(Tag, String)> = Vec::new();
    for change in diff.iter_all_changes() {
        let tag = match change.tag() {
            ChangeTag::Equal => Tag::Equal,
            ChangeTag::Insert => Tag::Inserted,
            ChangeTag::Delete => Tag::Deleted,
        };
        match tokens.last_mut() {
            Some((t, s)) if *t == tag => s.push_str(change.value()),
            _ => tokens.push((tag, change.value().to_string())),
        }
    }
    (tokens, diff.ratio())
}

/// The library's word operations ([`crate::diff::word_ops`]) as tagged runs, and how
/// similar the two texts are: twice the characters kept over the characters of both.
pub fn tokens_of(ops: &[crate::diff::WordOp]) -> (Vec<(Tag, String)>, f32) {
    use crate::diff::WordOp;
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
    (tokens, similarity)
}

/// Every clause whose text differs between `left` and `right`, matched by id, in the
/// order of `right` (clauses only in `left` follow).
pub fn diff_texts(left: &Texts, right: &Texts) -> Vec<ClauseDiff> {
    let by_id: std::collections::HashMap<&str, (&str, &str)> = left
        .iter()
        .map(|(id, r, t)| (id.as_str(), (r.as_str(), t.as_str())))
        .collect();
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for (id, reference, new) in right {
        seen.insert(id.as_str());
        let old = by_id.get(id.as_str()).map(|(_, t)| *t).unwrap_or("");
        if old != new {
            let (tokens, similarity) = word_diff(old, new);
            out.push(ClauseDiff {
                id: id.clone(),
                reference: reference.clone(),
                tokens,
                similarity,
            });
        }
    }
    for (id, reference, old) in left {
        if !seen.contains(id.as_str()) && !old.is_empty() {
            out.push(ClauseDiff {
                id: id.clone(),
                reference: reference.clone(),
                tokens: vec![(Tag::Deleted, old.clone())],
                similarity: 0.0,
            });
        }
    }
    out
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
}

/// One clause against every delegation.
pub fn matrix(data: &Data, clause: usize) -> Vec<MatrixRow> {
    let c = &data.draft.clauses[clause];
    let Some(id) = c.id.as_deref() else {
        return Vec::new();
    };
    data.positions
        .values()
        .map(|p| {
            let (verdict, new) = match p.stance(id) {
                Some(Stance::Keep) => (Verdict::Keeps, c.text.clone()),
                Some(Stance::Replace(t)) => (Verdict::Replaces, t.clone()),
                Some(Stance::Delete) => (Verdict::Deletes, String::new()),
                Some(Stance::Bracket) => (Verdict::Brackets, format!("[{}]", c.text)),
                None => (Verdict::Silent, c.text.clone()),
            };
            let (tokens, similarity) = word_diff(&c.text, &new);
            MatrixRow {
                delegation: p.code.clone(),
                verdict,
                similarity,
                tokens,
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
    }

    #[test]
    fn diff_texts_lists_only_changed_clauses() {
        let l = vec![
            ("a".into(), "A".into(), "same".into()),
            ("b".into(), "B".into(), "old words".into()),
            ("c".into(), "C".into(), "gone".into()),
        ];
        let r = vec![
            ("a".into(), "A".into(), "same".into()),
            ("b".into(), "B".into(), "new words".into()),
        ];
        let d = diff_texts(&l, &r);
        let ids: Vec<&str> = d.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["b", "c"]);
    }
}
