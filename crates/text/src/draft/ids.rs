//! Stable clause ids: giving ids to clauses that lack one (`treaty fmt`).
//!
//! Ids are derived once from what the clause was when it got its id (its parent's id and
//! its label, or its title) and then never change: renumbering, moving or rewording a
//! clause keeps its id. An id is never given out twice — not even after its clause was
//! deleted, which is why deleted ids are kept in `drafts/retired-ids`.

use std::collections::HashSet;

use super::{ClauseKind, Draft, DraftFile};

/// An id given to a clause by [`assign_missing`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assigned {
    /// Path of the file, relative to `drafts/`.
    pub path: String,
    pub line: usize,
    pub id: String,
}

/// Gives every clause without an id a fresh one, editing only the blocks concerned.
/// Returns what was assigned; the draft is re-read afterwards.
pub fn assign_missing(draft: &mut Draft) -> Vec<Assigned> {
    let mut used: HashSet<String> = draft.ids().map(String::from).collect();
    used.extend(draft.retired.iter().cloned());
    let mut assigned = Vec::new();
    // Ids as they will be after this pass, so children can build on their parent's new id.
    let mut ids: Vec<Option<String>> = draft.clauses.iter().map(|c| c.id.clone()).collect();
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    for i in 0..draft.clauses.len() {
        if ids[i].is_some() {
            continue;
        }
        let base = base_id(draft, &ids, i);
        let id = unique(&base, &used);
        used.insert(id.clone());
        let c = &draft.clauses[i];
        assigned.push(Assigned {
            path: draft.files[c.file].path.clone(),
            line: c.line,
            id: id.clone(),
        });
        edits.push((c.file, c.block, id.clone()));
        ids[i] = Some(id);
    }
    let mut touched: Vec<usize> = edits.iter().map(|e| e.0).collect();
    touched.sort_unstable();
    touched.dedup();
    for (file, block, id) in edits {
        let b = &mut draft.files[file].blocks[block];
        insert_id(&mut b.raw, b.content_end, &id);
    }
    for f in touched {
        let file = &draft.files[f];
        draft.files[f] = DraftFile::parse(file.path.clone(), &file.text());
    }
    let mut diags = Vec::new();
    draft.rebuild(&mut diags);
    assigned
}

/// Appends ` {#id}` to the first line of a block's raw text.
pub fn insert_id(raw: &mut String, content_end: usize, id: &str) {
    let first_end = raw
        .find(['\n', '\r'])
        .unwrap_or(raw.len())
        .min(content_end.max(1));
    let at = raw[..first_end].trim_end().len();
    let sep = if at == 0 { "" } else { " " };
    raw.insert_str(at, &format!("{sep}{{#{id}}}"));
}

fn unique(base: &str, used: &HashSet<String>) -> String {
    if !used.contains(base) {
        return base.to_string();
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|c| !used.contains(c))
        .expect("an unused id exists")
}

fn base_id(draft: &Draft, ids: &[Option<String>], i: usize) -> String {
    let c = &draft.clauses[i];
    let parent_id = c
        .parent
        .and_then(|p| ids[p].clone())
        .unwrap_or_else(|| "clause".into());
    let label = c.label.as_deref().map(slug_label);
    match c.kind {
        ClauseKind::Title => "treaty".into(),
        ClauseKind::Preamble => "preamble".into(),
        ClauseKind::PreambleParagraph => match label {
            Some(l) => l,
            None => format!("pp-{}", ordinal_among_unlabelled(draft, i)),
        },
        ClauseKind::Division => label
            .or_else(|| c.title.as_deref().map(slug))
            .unwrap_or_else(|| "division".into()),
        ClauseKind::Article => c
            .title
            .as_deref()
            .map(slug)
            .filter(|s| !s.is_empty())
            .or_else(|| label.map(|l| format!("art-{}", l.trim_start_matches("article-"))))
            .unwrap_or_else(|| "article".into()),
        ClauseKind::Annex => {
            let tail = c
                .title
                .as_deref()
                .map(slug)
                .filter(|s| !s.is_empty())
                .or(label)
                .unwrap_or_default();
            format!("annex-{}", tail.trim_start_matches("annex-"))
        }
        ClauseKind::Paragraph | ClauseKind::Point => match label {
            Some(l) => format!("{parent_id}.{l}"),
            None => format!("{parent_id}.p{}", ordinal_among_unlabelled(draft, i)),
        },
        ClauseKind::Heading => format!("{parent_id}.h{}", ordinal_among_unlabelled(draft, i)),
    }
}

/// 1-based position of clause `i` among its unlabelled siblings of the same kind.
fn ordinal_among_unlabelled(draft: &Draft, i: usize) -> usize {
    let c = &draft.clauses[i];
    draft.clauses[..i]
        .iter()
        .filter(|o| o.parent == c.parent && o.kind == c.kind && o.label.is_none())
        .count()
        + 1
}

/// `2 bis` → `2bis`, `(a)` → `a`, `Article 4` → `article-4`, `PP3` → `pp3`.
fn slug_label(label: &str) -> String {
    let l = label.trim_matches(['(', ')']).to_ascii_lowercase();
    let mut words = l.split_whitespace();
    match (words.next(), words.next()) {
        (Some(a), Some(b)) if super::block::LATIN_SUFFIXES.contains(&b) => format!("{a}{b}"),
        _ => l
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join("-"),
    }
}

/// A short readable id from a title: `Global AI Observatory` → `global-ai-observatory`.
pub fn slug(title: &str) -> String {
    const SKIP: &[&str] = &[
        "the", "of", "and", "on", "for", "a", "an", "in", "to", "by", "with",
    ];
    let words: Vec<String> = title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            w.chars()
                .filter(char::is_ascii_alphanumeric)
                .collect::<String>()
                .to_ascii_lowercase()
        })
        .filter(|w| !w.is_empty() && !SKIP.contains(&w.as_str()))
        .take(4)
        .collect();
    let mut s = words.join("-");
    s.truncate(40);
    s.trim_end_matches('-').to_string()
}
