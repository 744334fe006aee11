//! Writes an [`Imported`] treaty as a negotiation folder in the draft format.
//!
//! Layout: `DIR/drafts/treaty.md` (title, preamble, division headings, include lines for
//! articles, `## Annexes` and include lines for annexes), `DIR/drafts/articles/<id>.md`,
//! `DIR/drafts/annexes/<id>.md`, and for a text read from a published document (PDF, Word)
//! `DIR/drafts/sources.ron` ([`crate::sources`]). Nothing else is written.
//!
//! Ids (`{#…}` at the end of each block's first line):
//!
//! | clause | id |
//! |---|---|
//! | title, preamble heading, annex list | `treaty`, `preamble`, `annexes` |
//! | preamble paragraph *n* | `pp-n` |
//! | division | `part-i`, nested `chapter-iii.section-1` |
//! | article `8 bis` | `art-8-bis` |
//! | numbered paragraph `1` | `art-8-bis.1` |
//! | unnumbered paragraph *n* of the article | `art-8-bis.pn` |
//! | point `(a)` under the last paragraph | `art-8-bis.1.a` (`art-8-bis.a` before any paragraph) |
//! | roman sub-point `(i)` under a lettered point | `art-8-bis.1.a.i` |
//! | heading *n* inside an article or annex | `art-8-bis.hn` |
//! | annex `I` | `annex-i`, blocks as for articles |
//!
//! A clash (for example two articles numbered `5`) gets `-2`, `-3`… appended.
//! `(i)`, `(v)`, `(x)` are letters when they follow `(h)`, `(u)`, `(w)`.
//!
//! Escaping (the reader undoes exactly this; text is otherwise written as it is):
//! * an unlabelled paragraph, a preamble paragraph without `PP` label, or a heading inside
//!   an article whose text starts with `\`, `#`, `- [`, `Option X:`, a paragraph label
//!   (`1.`, `2 bis.`), a point label (`(a)`) or (preamble) `PP1.` gets one `\` in front;
//!   in CommonMark `\#`, `\(`, `\-` display as the bare character;
//! * every continuation line of a multi-line text that starts with `\`, `#` or `- [` gets
//!   one `\`;
//! * every `{` followed by backslashes and `#` gets one more backslash (`{#` → `{\#`), so
//!   a literal `{#x}` is never taken for an id;
//! * in link text of include lines, `[`, `]` and `\` are backslash-escaped (the link text is
//!   only for readers).
//!
//! Refused (error, nothing written): a text with a blank line in it, a title, number or
//! label with a line break, and a heading that would not read back to the same number,
//! label, kind and title (for example an article number `1. 2`, or a division kind other
//! than `Part`, `Chapter`, `Section`, `Sub-section`, `Title`).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::text::{
    annex_heading, article_heading, division_heading, is_option_line, numbered_label, point_label,
    pp_label, slug,
};
use super::{BodyItem, ImportError, ImportStats, Imported, ImportedBlock};
use crate::sources::{SOURCES_FILE, Sources};

/// Writes `doc` under `out_dir/drafts/`. Refuses if `out_dir/drafts` already exists.
pub fn write_draft(doc: &Imported, out_dir: impl AsRef<Path>) -> Result<ImportStats, ImportError> {
    let out_dir = out_dir.as_ref();
    let files = render(doc)?;
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ImportError::Io { path, source }
    };
    std::fs::create_dir_all(out_dir).map_err(io(out_dir))?;
    let drafts = out_dir.join("drafts");
    match std::fs::create_dir(&drafts) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(ImportError::DraftsExist { path: drafts });
        }
        Err(e) => return Err(io(&drafts)(e)),
    }
    let result = (|| {
        for (rel, content) in &files {
            let path = drafts.join(rel);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(io(parent))?;
            }
            std::fs::write(&path, content).map_err(io(&path))?;
        }
        Ok(())
    })();
    if let Err(e) = result {
        // We created `drafts/` a moment ago; leave no half-written folder behind.
        let _ = std::fs::remove_dir_all(&drafts);
        return Err(e);
    }
    Ok(doc.stats())
}

/// Renders every file: (path relative to `drafts/`, content), keeping the ids the source
/// gave ([`Imported::ids`]) where they are valid and unique.
pub fn render(doc: &Imported) -> Result<Vec<(PathBuf, String)>, ImportError> {
    Ok(render_with(doc, &IdPlan::from_source(doc))?.files)
}

/// Where a clause sits in an [`Imported`] treaty: what an [`IdPlan`] is keyed by.
/// Indices are into `preamble`, `body`, `annexes` and an article's or annex's `blocks`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Slot {
    Title,
    PreambleHeading,
    Preamble(usize),
    Division(usize),
    Article(usize),
    ArticleBlock(usize, usize),
    AnnexList,
    Annex(usize),
    AnnexBlock(usize, usize),
}

/// Ids chosen ahead of rendering (for example to keep a clause's id across versions of a
/// treaty). Clauses without a fixed id get the usual derived id, never one that is fixed
/// for another clause or reserved (used before, retired).
#[derive(Clone, Debug, Default)]
pub struct IdPlan {
    pub fixed: HashMap<Slot, String>,
    pub reserved: HashSet<String>,
}

impl IdPlan {
    /// The ids the source itself gave, each kept once (the first clause to claim an id
    /// keeps it; an invalid one is dropped and the clause gets a derived id).
    pub fn from_source(doc: &Imported) -> IdPlan {
        let mut seen = HashSet::new();
        let fixed = doc
            .ids
            .iter()
            .filter(|(_, id)| super::text::is_valid_id(id) && seen.insert(id.as_str()))
            .map(|(slot, id)| (slot.clone(), id.clone()))
            .collect();
        IdPlan {
            fixed,
            reserved: HashSet::new(),
        }
    }
}

/// One clause as rendered: where it sits, its id, and its block as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderedClause {
    pub slot: Slot,
    pub id: String,
    pub block: String,
}

/// [`render_with`]'s result: the files and every clause in writing order.
#[derive(Clone, Debug, Default)]
pub struct Rendered {
    pub files: Vec<(PathBuf, String)>,
    pub clauses: Vec<RenderedClause>,
    /// Where each clause stands in the published document (also in `files`, as
    /// `sources.ron`), when the text came from one.
    pub sources: Option<crate::sources::Sources>,
}

/// [`render`] with ids taken from `plan` where it fixes one.
pub fn render_with(doc: &Imported, plan: &IdPlan) -> Result<Rendered, ImportError> {
    let mut ids = Ids {
        used: plan.reserved.clone(),
        fixed: &plan.fixed,
        taken: Vec::new(),
    };
    let mut seen = HashSet::new();
    for id in plan.fixed.values() {
        if !super::text::is_valid_id(id) || !seen.insert(id.as_str()) {
            return Err(ImportError::Unrepresentable {
                what: format!("clause id `{id}`"),
                reason: "a fixed id must be a valid id and used by one clause only",
            });
        }
        ids.used.insert(id.clone());
    }
    let mut files = Vec::new();
    let mut treaty = Vec::<String>::new();

    single_line("the title", &doc.title)?;
    let title = doc.title.trim();
    let id = ids.id(Slot::Title, "treaty");
    let line = if title.is_empty() {
        format!("# {{#{id}}}")
    } else {
        format!("# {} {{#{id}}}", escape_braces(title))
    };
    ids.record(&line);
    treaty.push(line);

    if !doc.preamble.is_empty() {
        let line = format!(
            "## Preamble {{#{}}}",
            ids.id(Slot::PreambleHeading, "preamble")
        );
        ids.record(&line);
        treaty.push(line);
        for (i, p) in doc.preamble.iter().enumerate() {
            let what = format!("preamble paragraph {}", i + 1);
            let id = ids.id(Slot::Preamble(i), &format!("pp-{}", i + 1));
            let line = match &p.label {
                Some(label) => {
                    single_line(&what, label)?;
                    labelled(&format!("{label}."), &p.text, &id, &what)?
                }
                None => unlabelled(&p.text, &id, &what, Context::Preamble)?,
            };
            ids.record(&line);
            treaty.push(line);
        }
    }

    // Division headings: levels by the kinds present, ids nested.
    const RANKS: [&str; 5] = ["Part", "Chapter", "Section", "Sub-section", "Title"];
    let rank = |kind: &str| RANKS.iter().position(|k| *k == kind).unwrap_or(RANKS.len());
    let mut present: Vec<usize> = doc
        .body
        .iter()
        .filter_map(|i| match i {
            BodyItem::Division { kind, .. } => Some(rank(kind)),
            BodyItem::Article(_) => None,
        })
        .collect();
    present.sort_unstable();
    present.dedup();
    let mut stack: Vec<(usize, String)> = Vec::new();
    let mut list: Vec<String> = Vec::new();

    for (bi, item) in doc.body.iter().enumerate() {
        match item {
            BodyItem::Division { kind, label, title } => {
                flush_list(&mut treaty, &mut list);
                let what = format!("{kind} {label}");
                single_line(&what, kind)?;
                single_line(&what, label)?;
                let r = rank(kind);
                while stack.last().is_some_and(|(sr, _)| *sr >= r) {
                    stack.pop();
                }
                let own = non_empty_slug(&format!("{kind}-{label}"), "division");
                let base = match stack.last() {
                    Some((_, parent)) => format!("{parent}.{own}"),
                    None => own,
                };
                let id = ids.id(Slot::Division(bi), &base);
                stack.push((r, id.clone()));
                let level = 2 + present.iter().position(|p| *p == r).unwrap_or(0).min(4);
                let mut heading = format!("{kind} {label}");
                if let Some(t) = title {
                    single_line(&what, t)?;
                    heading.push_str(". ");
                    heading.push_str(t.trim());
                }
                reads_back(
                    &what,
                    division_heading(&heading, false),
                    (kind.clone(), label.clone(), trimmed(title)),
                )?;
                let line = format!(
                    "{} {} {{#{id}}}",
                    "#".repeat(level),
                    escape_braces(&heading)
                );
                ids.record(&line);
                treaty.push(line);
            }
            BodyItem::Article(a) => {
                let what = format!("Article {}", a.number);
                single_line(&what, &a.number)?;
                if a.number.trim().is_empty() {
                    return Err(ImportError::Unrepresentable {
                        what,
                        reason: "an article needs a number",
                    });
                }
                let id = ids.id(
                    Slot::Article(bi),
                    &format!("art-{}", non_empty_slug(&a.number, "x")),
                );
                let mut heading = format!("Article {}", a.number.trim());
                if let Some(t) = &a.title {
                    single_line(&what, t)?;
                    heading.push_str(". ");
                    heading.push_str(t.trim());
                }
                reads_back(
                    &what,
                    article_heading(&heading),
                    (a.number.trim().to_string(), trimmed(&a.title)),
                )?;
                let rel = format!("articles/{id}.md");
                list.push(format!("- [{}]({rel})", escape_link_text(&heading)));
                let first = format!("### {} {{#{id}}}", escape_braces(&heading));
                ids.record(&first);
                let mut out = vec![first];
                let slot = |k| Slot::ArticleBlock(bi, k);
                render_blocks(&a.blocks, &id, &what, &mut ids, &mut out, false, &slot)?;
                files.push((PathBuf::from(rel), join_blocks(&out)));
            }
        }
    }
    flush_list(&mut treaty, &mut list);

    if !doc.annexes.is_empty() {
        let line = format!("## Annexes {{#{}}}", ids.id(Slot::AnnexList, "annexes"));
        ids.record(&line);
        treaty.push(line);
        for (ai, annex) in doc.annexes.iter().enumerate() {
            let what = format!("Annex {}", annex.label);
            single_line(&what, &annex.label)?;
            if annex.label.trim().is_empty() {
                return Err(ImportError::Unrepresentable {
                    what,
                    reason: "an annex needs a label",
                });
            }
            let id = ids.id(
                Slot::Annex(ai),
                &format!("annex-{}", non_empty_slug(&annex.label, "x")),
            );
            let mut heading = format!("Annex {}", annex.label.trim());
            if let Some(t) = &annex.title {
                single_line(&what, t)?;
                heading.push_str(". ");
                heading.push_str(t.trim());
            }
            reads_back(
                &what,
                annex_heading(&heading, false),
                (annex.label.trim().to_string(), trimmed(&annex.title)),
            )?;
            let rel = format!("annexes/{id}.md");
            list.push(format!("- [{}]({rel})", escape_link_text(&heading)));
            let first = format!("### {} {{#{id}}}", escape_braces(&heading));
            ids.record(&first);
            let mut out = vec![first];
            let slot = |k| Slot::AnnexBlock(ai, k);
            render_blocks(&annex.blocks, &id, &what, &mut ids, &mut out, true, &slot)?;
            files.push((PathBuf::from(rel), join_blocks(&out)));
        }
        flush_list(&mut treaty, &mut list);
    }

    files.insert(0, (PathBuf::from("treaty.md"), join_blocks(&treaty)));
    let sources = sources_of(doc, &ids.taken);
    if let Some(s) = &sources {
        files.push((PathBuf::from(SOURCES_FILE), s.to_ron()));
    }
    Ok(Rendered {
        files,
        clauses: ids.taken,
        sources,
    })
}

/// `sources.ron` for a text read from a published document: each clause's source by id.
fn sources_of(doc: &Imported, clauses: &[RenderedClause]) -> Option<Sources> {
    let document = doc.source.as_ref()?;
    let mut s = Sources::new(document.into());
    for c in clauses {
        if let Some(r) = doc.sources.get(&c.slot) {
            s.clauses.insert(c.id.clone(), r.into());
        }
    }
    Some(s)
}

fn trimmed(title: &Option<String>) -> Option<String> {
    title
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
}

/// Checks that a heading we are about to write parses back to what it was made from.
fn reads_back<T: PartialEq>(what: &str, parsed: Option<T>, expected: T) -> Result<(), ImportError> {
    if parsed.as_ref() == Some(&expected) {
        Ok(())
    } else {
        Err(ImportError::Unrepresentable {
            what: what.to_string(),
            reason: "its number, label, kind or title would not read back the same from its heading",
        })
    }
}

fn flush_list(out: &mut Vec<String>, list: &mut Vec<String>) {
    if !list.is_empty() {
        out.push(std::mem::take(list).join("\n"));
    }
}

fn join_blocks(blocks: &[String]) -> String {
    let mut s = blocks.join("\n\n");
    s.push('\n');
    s
}

fn non_empty_slug(s: &str, fallback: &str) -> String {
    let s = slug(s);
    if s.is_empty() {
        fallback.to_string()
    } else {
        s
    }
}

struct Ids<'p> {
    used: HashSet<String>,
    fixed: &'p HashMap<Slot, String>,
    /// Clauses given an id so far; the last one's block is filled in by `record`.
    taken: Vec<RenderedClause>,
}

impl Ids<'_> {
    /// The fixed id of `slot`, else `base`, or `base-2`, `base-3`… if taken.
    fn id(&mut self, slot: Slot, base: &str) -> String {
        let id = match self.fixed.get(&slot) {
            Some(id) => id.clone(),
            None => self.claim(base),
        };
        self.taken.push(RenderedClause {
            slot,
            id: id.clone(),
            block: String::new(),
        });
        id
    }

    /// The block just written for the clause last given an id.
    fn record(&mut self, block: &str) {
        if let Some(last) = self.taken.last_mut() {
            last.block = block.to_string();
        }
    }

    fn claim(&mut self, base: &str) -> String {
        if self.used.insert(base.to_string()) {
            return base.to_string();
        }
        let mut n = 2;
        loop {
            let id = format!("{base}-{n}");
            if self.used.insert(id.clone()) {
                return id;
            }
            n += 1;
        }
    }
}

fn render_blocks(
    blocks: &[ImportedBlock],
    owner: &str,
    what: &str,
    ids: &mut Ids,
    out: &mut Vec<String>,
    in_annex: bool,
    slot: &dyn Fn(usize) -> Slot,
) -> Result<(), ImportError> {
    let mut unnumbered = 0;
    let mut headings = 0;
    // The id points hang from, and the last lettered point (for roman sub-points).
    let mut parent = owner.to_string();
    let mut letter: Option<(String, String)> = None; // (label inner, id)
    for (i, block) in blocks.iter().enumerate() {
        let what = format!("{what}, block {}", i + 1);
        let line = match block {
            ImportedBlock::Paragraph {
                label: Some(label),
                text,
            } => {
                single_line(&what, label)?;
                let id = ids.id(slot(i), &format!("{owner}.{}", non_empty_slug(label, "x")));
                parent = id.clone();
                letter = None;
                labelled(&format!("{}.", label.trim()), text, &id, &what)?
            }
            ImportedBlock::Paragraph { label: None, text } => {
                unnumbered += 1;
                let id = ids.id(slot(i), &format!("{owner}.p{unnumbered}"));
                parent = id.clone();
                letter = None;
                unlabelled(text, &id, &what, Context::Body)?
            }
            ImportedBlock::Point { label, text } => {
                single_line(&what, label)?;
                let inner = label
                    .trim()
                    .trim_start_matches('(')
                    .trim_end_matches(')')
                    .to_ascii_lowercase();
                let inner_slug = non_empty_slug(&inner, "x");
                let sub = is_roman(&inner)
                    && letter
                        .as_ref()
                        .is_some_and(|(prev, _)| !follows(prev, &inner));
                let id = match (&letter, sub) {
                    (Some((_, lid)), true) => ids.id(slot(i), &format!("{lid}.{inner_slug}")),
                    _ => {
                        let id = ids.id(slot(i), &format!("{parent}.{inner_slug}"));
                        if inner.bytes().all(|b| b.is_ascii_alphabetic()) {
                            letter = Some((inner.clone(), id.clone()));
                        }
                        id
                    }
                };
                labelled(label.trim(), text, &id, &what)?
            }
            ImportedBlock::Heading(text) => {
                headings += 1;
                let id = ids.id(slot(i), &format!("{owner}.h{headings}"));
                single_line(&what, text)?;
                let t = text.trim();
                let esc = if heading_needs_escape(t, in_annex) {
                    "\\"
                } else {
                    ""
                };
                format!("#### {esc}{} {{#{id}}}", escape_braces(t))
            }
            ImportedBlock::Note { label, text } => {
                // Not a clause: no id, and not recorded as the last clause's block.
                out.push(note(label, text, &what)?);
                continue;
            }
        };
        ids.record(&line);
        out.push(line);
    }
    Ok(())
}

/// `i`, `ii`, `iv`, `x`… (only i, v, x: `(c)`, `(l)` are letters).
fn is_roman(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| matches!(b, b'i' | b'v' | b'x'))
}

/// Whether single letter `next` directly follows `prev` (`h` → `i`).
fn follows(prev: &str, next: &str) -> bool {
    match (prev.as_bytes(), next.as_bytes()) {
        ([p], [n]) => *n == p + 1,
        _ => false,
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Context {
    Preamble,
    Body,
}

/// A leading backslash other than an escaped bracket's (`\[`, which the reader leaves).
fn starts_with_backslash(t: &str) -> bool {
    t.strip_prefix('\\')
        .is_some_and(|rest| !rest.starts_with(['[', ']']))
}

fn needs_escape(t: &str, ctx: Context) -> bool {
    starts_with_backslash(t)
        || t.starts_with('#')
        || t.starts_with("- [")
        || crate::draft::block::definition(t).is_some()
        || is_option_line(t)
        || match ctx {
            // Every block of the preamble is a preamble paragraph: `(1)` recitals are text.
            Context::Preamble => pp_label(t).is_some(),
            Context::Body => numbered_label(t).is_some() || point_label(t).is_some(),
        }
}

/// A heading inside an article or annex that the reader would take for structure.
fn heading_needs_escape(t: &str, in_annex: bool) -> bool {
    starts_with_backslash(t)
        || t.starts_with('#')
        || t.eq_ignore_ascii_case("preamble")
        || t.eq_ignore_ascii_case("annexes")
        || annex_heading(t, false).is_some()
        || (!in_annex && (article_heading(t).is_some() || division_heading(t, false).is_some()))
}

fn unlabelled(text: &str, id: &str, what: &str, ctx: Context) -> Result<String, ImportError> {
    let text = text.trim();
    check_text(what, text)?;
    let esc = if needs_escape(text, ctx) { "\\" } else { "" };
    Ok(with_id(&format!("{esc}{}", escape_body(text)), id))
}

fn labelled(label: &str, text: &str, id: &str, what: &str) -> Result<String, ImportError> {
    let text = text.trim();
    check_text(what, text)?;
    let body = escape_body(text);
    if body.is_empty() || body.starts_with('\n') {
        Ok(with_id(&format!("{label}{body}"), id))
    } else {
        Ok(with_id(&format!("{label} {body}"), id))
    }
}

/// `[^1]: text`: a definition, which the draft reads as a note, not a clause.
fn note(label: &str, text: &str, what: &str) -> Result<String, ImportError> {
    let label = label.trim();
    if label.is_empty() || label.contains(['[', ']', '\n', '\r']) {
        return Err(ImportError::Unrepresentable {
            what: what.to_string(),
            reason: "a note's label must be one line without brackets",
        });
    }
    let text = text.trim();
    check_text(what, text)?;
    let body = escape_body(text);
    Ok(if body.is_empty() {
        format!("[{label}]:")
    } else {
        format!("[{label}]: {body}")
    })
}

/// Puts ` {#id}` at the end of the first line.
fn with_id(s: &str, id: &str) -> String {
    match s.split_once('\n') {
        Some((first, rest)) => format!("{} {{#{id}}}\n{rest}", first.trim_end()),
        None if s.is_empty() => format!("{{#{id}}}"),
        None => format!("{s} {{#{id}}}"),
    }
}

/// Escapes `{#` everywhere and continuation lines starting with `\` or `#`.
fn escape_body(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        let line = line.trim();
        if i > 0 {
            out.push('\n');
            if starts_with_backslash(line) || line.starts_with('#') || line.starts_with("- [") {
                out.push('\\');
            }
        }
        out.push_str(&escape_braces(line));
    }
    out
}

/// `{#` → `{\#`, `{\#` → `{\\#`: text is never taken for a clause id.
pub(super) fn escape_braces(s: &str) -> String {
    if !s.contains('{') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 4);
    let mut rest = s;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..=i]);
        let after = &rest[i + 1..];
        let n = after.bytes().take_while(|&b| b == b'\\').count();
        if after[n..].starts_with('#') {
            out.push('\\');
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

fn escape_link_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '[' | ']' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn single_line(what: &str, s: &str) -> Result<(), ImportError> {
    if s.contains(['\n', '\r']) {
        return Err(ImportError::Unrepresentable {
            what: what.to_string(),
            reason: "it contains a line break",
        });
    }
    Ok(())
}

fn check_text(what: &str, text: &str) -> Result<(), ImportError> {
    if text.contains('\r') || text.split('\n').skip(1).any(|l| l.trim().is_empty()) {
        return Err(ImportError::Unrepresentable {
            what: what.to_string(),
            reason: "its text contains a blank line or a carriage return (blocks are separated by blank lines)",
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(escape_braces("a {#b} {\\#c}"), "a {\\#b} {\\\\#c}");
        assert!(needs_escape("# x", Context::Body));
        assert!(needs_escape("Option 1: x", Context::Body));
        assert!(needs_escape("PP1. x", Context::Preamble));
        assert!(!needs_escape("PP1. x", Context::Body));
        assert_eq!(with_id("", "a"), "{#a}");
        assert_eq!(with_id("x\ny", "a"), "x {#a}\ny");
    }

    #[test]
    fn roman_sub_points() {
        assert!(follows("h", "i"));
        assert!(!follows("b", "i"));
        assert!(is_roman("iv"));
        assert!(!is_roman("c"));
    }
}
