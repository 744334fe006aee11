//! Word-level blame: each word and bracket group of a clause attributed to the amendment
//! that introduced it, by diffing consecutive versions of the clause.

use std::collections::HashMap;

use serde::Serialize;
use similar::{Algorithm, DiffTag, capture_diff_slices};

use super::ClauseVersion;
use treaty_text::bracket::{self, Node};
use treaty_text::compare::token_spans;

/// One word (or bracket, or slash) of the clause as it stands, and where it came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BlameWord {
    pub text: String,
    /// Byte range in the current text.
    pub start: usize,
    pub end: usize,
    /// Index of the record (in [`super::History::records`]) that introduced it.
    pub introduced: usize,
}

/// A bracket group of the current text, attributed to the amendment that opened it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BlameGroup {
    pub text: String,
    pub start: usize,
    pub end: usize,
    pub introduced: usize,
}

/// A word that was in the clause once and was removed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DeletedWord {
    pub text: String,
    pub introduced: usize,
    pub deleted: usize,
}

/// The blame of one clause.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Blame {
    pub clause: String,
    /// The clause's words as they last stood (its text, or a heading's title).
    pub text: String,
    pub words: Vec<BlameWord>,
    pub groups: Vec<BlameGroup>,
    pub deleted: Vec<DeletedWord>,
    /// The record that deleted the clause, if it is deleted now.
    pub deleted_by: Option<usize>,
}

/// The clause's tokens as byte ranges: the workspace's one tokeniser
/// ([`treaty_text::compare::tokens`]), so blame attributes the same words a diff shows.
pub(super) fn tokens(text: &str) -> Vec<(usize, usize)> {
    // A clause over the size a clause can be is one token: blamed whole, at the cost of
    // its size, never of its word count (see `bracket::MAX_CLAUSE_BYTES`).
    if text.len() > bracket::MAX_CLAUSE_BYTES {
        return vec![(0, text.len())];
    }
    token_spans(text).collect()
}

fn is_space(s: &str) -> bool {
    s.chars().all(char::is_whitespace)
}

/// The blame of clause `id` from its versions, oldest first: (record, version; `None`
/// where that record deleted it).
pub(super) fn blame(id: &str, events: &[(usize, Option<&ClauseVersion>)]) -> Blame {
    // Each distinct token gets a number, so the diffs compare numbers, not strings.
    let mut numbers: HashMap<&str, u32> = HashMap::new();
    let mut texts: Vec<&str> = Vec::new();
    // Current tokens with the record that introduced each.
    let mut current: Vec<(u32, usize)> = Vec::new();
    let mut deleted = Vec::new();
    let mut text = "";
    let mut deleted_by = None;
    for &(index, version) in events {
        let Some(version) = version else {
            deleted_by = Some(index);
            continue;
        };
        deleted_by = None;
        let new_text = version.words();
        let new_tokens: Vec<u32> = tokens(new_text)
            .into_iter()
            .map(|(s, e)| {
                let t = &new_text[s..e];
                *numbers.entry(t).or_insert_with(|| {
                    texts.push(t);
                    (texts.len() - 1) as u32
                })
            })
            .collect();
        let old_tokens: Vec<u32> = current.iter().map(|&(t, _)| t).collect();
        let ops = capture_diff_slices(Algorithm::Myers, &old_tokens, &new_tokens);
        let mut next: Vec<(u32, usize)> = Vec::with_capacity(new_tokens.len());
        for op in ops {
            let (tag, old, new) = op.as_tag_tuple();
            match tag {
                DiffTag::Equal => next.extend_from_slice(&current[old]),
                DiffTag::Delete | DiffTag::Insert | DiffTag::Replace => {
                    for &(t, by) in &current[old] {
                        let t = texts[t as usize];
                        if !is_space(t) {
                            deleted.push(DeletedWord {
                                text: t.to_string(),
                                introduced: by,
                                deleted: index,
                            });
                        }
                    }
                    next.extend(new_tokens[new].iter().map(|&t| (t, index)));
                }
            }
        }
        current = next;
        text = new_text;
    }
    let text = text.to_string();
    let mut words = Vec::new();
    let mut offset = 0;
    for &(t, by) in &current {
        let t = texts[t as usize];
        if !is_space(t) {
            words.push(BlameWord {
                text: t.to_string(),
                start: offset,
                end: offset + t.len(),
                introduced: by,
            });
        }
        offset += t.len();
    }
    let mut groups = Vec::new();
    bracket::parse(&text).walk(|_, node| {
        if let Node::Group(g) = node {
            let introduced = words
                .iter()
                .find(|w| w.start <= g.span.start && g.span.start < w.end)
                .map_or(0, |w| w.introduced);
            groups.push(BlameGroup {
                text: text[g.span.start..g.span.end].to_string(),
                start: g.span.start,
                end: g.span.end,
                introduced,
            });
        }
    });
    Blame {
        clause: id.to_string(),
        text,
        words,
        groups,
        deleted,
        deleted_by,
    }
}
