//! Exporting the text: Markdown, one standalone HTML file, DOCX and Akoma Ntoso 3.0.
//!
//! The text to export (chosen by `treaty_record::versions::select`: the draft as it stood at
//! a commit or round, a delegation's version of it, and optionally a comparison with an
//! earlier version) is a [`Document`]: the chosen draft,
//! and its clauses as [`Item`]s in reading order, each with its change mark (deleted
//! clauses stay in the list, where they stood, so that no text vanishes without trace).
//! [`render`] hands the document to one writer per format:
//!
//! * [`md`]: the draft format itself, one file (articles and annexes put in place of their
//!   include lines), so `treaty import` reads it back. A comparison uses CriticMarkup:
//!   `{++inserted++}`, `{--deleted--}`, `{>>moved from …<<}` — chosen over `<ins>`/`<del>`
//!   because it never clashes with negotiation brackets and stays plain text.
//! * [`html`]: one file with its stylesheet inside (screen and print), brackets,
//!   attributions, placeholders and options styled from a theme, clause ids as anchors.
//! * [`docx`]: WordprocessingML with real heading styles, paragraphs with their treaty
//!   numbers, and tracked changes (`w:ins`/`w:del`) for a comparison.
//! * [`akn`]: Akoma Ntoso 3.0 XML, with `eId`s derived from clause ids.
//!
//! A text imported from a published document ([`crate::sources`]) carries each clause's
//! place in it (`p. 8, para. 12 ter`): HTML and DOCX print it after the clause, small.
//!
//! Footnotes and link references (`[^1]: Chair's note…`) are [`Note`]s, not clauses: each
//! writer puts them after the last clause of the article or annex they belong to (HTML and
//! AKN `<p class="note">`, DOCX style `Treaty note`), and `treaty import` reads them back.
//!
//! Styling (what is a bracket, an attribution, a placeholder…) comes from the bracket
//! parser, not from patterns, through [`style::runs`].

pub mod akn;
pub mod docx;
pub mod html;
pub mod md;
pub mod style;
pub mod synopsis;

use std::collections::HashMap;
use std::str::FromStr;

use crate::compare::{self, ClauseChange, WordOp};
use crate::draft::{Clause, ClauseKind, Draft};
use crate::theme::Theme;

/// The formats `treaty export` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExportFormat {
    Markdown,
    Html,
    Docx,
    Akn,
}

impl ExportFormat {
    pub const ALL: [ExportFormat; 4] = [
        ExportFormat::Markdown,
        ExportFormat::Html,
        ExportFormat::Docx,
        ExportFormat::Akn,
    ];

    /// The usual file extension.
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Markdown => "md",
            ExportFormat::Html => "html",
            ExportFormat::Docx => "docx",
            ExportFormat::Akn => "xml",
        }
    }

    /// Whether the output is binary (a zip), so not for a terminal.
    pub fn is_binary(self) -> bool {
        self == ExportFormat::Docx
    }

    /// The name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            ExportFormat::Markdown => "md",
            ExportFormat::Html => "html",
            ExportFormat::Docx => "docx",
            ExportFormat::Akn => "akn",
        }
    }
}

/// A format name that is none of `md`, `html`, `docx`, `akn`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown export format `{0}`: choose md, html, docx or akn")]
pub struct UnknownFormat(pub String);

impl FromStr for ExportFormat {
    type Err = UnknownFormat;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "md" | "markdown" => Ok(ExportFormat::Markdown),
            "html" | "htm" => Ok(ExportFormat::Html),
            "docx" | "word" => Ok(ExportFormat::Docx),
            "akn" | "akoma-ntoso" | "xml" => Ok(ExportFormat::Akn),
            _ => Err(UnknownFormat(s.to_string())),
        }
    }
}

/// Why an export could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("cannot write the DOCX package: {0}")]
    Package(String),
}

/// How a clause changed, in a comparison.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mark {
    Unchanged,
    Changed,
    Inserted,
    /// Kept visible, struck through.
    Deleted,
    /// `from`: where it stood before (`Article 4, paragraph 2`).
    Moved {
        from: String,
    },
    /// `old`: its number before.
    Renumbered {
        old: String,
    },
}

/// One clause to export.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    pub id: Option<String>,
    pub kind: ClauseKind,
    pub label: Option<String>,
    pub title: Option<String>,
    pub text: String,
    /// Depth in the clause tree (0 for the title, the preamble and top divisions).
    pub depth: u8,
    /// `Article 9 bis, paragraph 2`.
    pub reference: String,
    pub mark: Mark,
    /// Word operations from the earlier text to this one, when the text changed.
    pub text_words: Option<Vec<WordOp>>,
    /// Word operations from the earlier heading title, when it changed.
    pub title_words: Option<Vec<WordOp>>,
    /// Where it stands in the published document the text was imported from
    /// (`p. 8, para. 12 ter`), when there is one ([`Document::cite_sources`]).
    pub source: Option<String>,
}

impl Item {
    fn from_clause(draft: &Draft, i: usize, mark: Mark) -> Item {
        let c = &draft.clauses[i];
        Item {
            id: c.id.clone(),
            kind: c.kind,
            label: c.label.clone(),
            title: c.title.clone(),
            text: c.text.clone(),
            depth: c.depth,
            reference: draft.reference(i),
            mark,
            text_words: None,
            title_words: None,
            source: None,
        }
    }

    /// The heading line as the draft writes it: `Article 9 bis. Global AI Observatory`.
    pub fn heading(&self) -> String {
        heading_text(self.label.as_deref(), self.title.as_deref())
    }

    /// Whether this is a heading (title, preamble, division, article, annex, sub-heading).
    pub fn is_heading(&self) -> bool {
        !self.kind.has_text()
    }

    /// The paragraph number as printed: `1.`, `2 bis.`, `PP3.`, `(a)`.
    pub fn number(&self) -> Option<String> {
        let label = self.label.as_deref()?;
        Some(match self.kind {
            ClauseKind::Point => label.to_string(),
            _ => format!("{label}."),
        })
    }
}

/// `label. title`, or either alone.
pub fn heading_text(label: Option<&str>, title: Option<&str>) -> String {
    match (label, title) {
        (Some(l), Some(t)) if !t.is_empty() => format!("{l}. {t}"),
        (Some(l), _) => l.to_string(),
        (None, Some(t)) => t.to_string(),
        (None, None) => String::new(),
    }
}

/// A note that is not a clause: a footnote (`[^1]: Chair's note…`) or a link reference
/// (`[ref]: url`), as the draft writes it at the end of an article or annex file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    /// The item it belongs to: the article or annex whose file holds it (the title, for
    /// `treaty.md`). Writers put it after that item's last clause.
    pub owner: usize,
    /// `^1` for a footnote, `ref` for a link reference.
    pub label: String,
    pub text: String,
}

impl Note {
    /// The definition line, as the draft writes it: `[^1]: Chair's note…`.
    pub fn line(&self) -> String {
        format!("[{}]: {}", self.label, self.text)
    }
}

/// The notes of `draft`'s files, each owned by the first item that comes from its file.
/// `origin[k]` is the index in `draft` of item `k`'s clause (`None` for clauses of an
/// earlier version, shown deleted).
fn notes_of(draft: &Draft, origin: &[Option<usize>]) -> Vec<Note> {
    let mut notes = Vec::new();
    for (f, file) in draft.files.iter().enumerate() {
        let defs = file
            .blocks
            .iter()
            .filter(|b| b.kind == crate::draft::BlockKind::Definition);
        let owner = origin
            .iter()
            .position(|o| o.is_some_and(|i| draft.clauses[i].file == f));
        for b in defs {
            let body = b.body();
            let Some((label, text)) = crate::draft::block::definition(body.trim_start()) else {
                continue;
            };
            notes.push(Note {
                owner: owner.unwrap_or(origin.len().saturating_sub(1)),
                label: label.to_string(),
                text: text.to_string(),
            });
        }
    }
    notes
}

/// The text chosen for export, ready for any writer.
#[derive(Clone, Debug)]
pub struct Document {
    /// The instrument's title.
    pub title: String,
    /// Which version this is: `the current draft`, `round r2 (3f2a…)`, `the position of EU`.
    pub version: String,
    /// For a comparison: the earlier version's name.
    pub since: Option<String>,
    /// Who the changes are credited to in tracked changes: the delegation, round or commit.
    pub author: String,
    /// The chosen draft (for Markdown, which writes its files back as one).
    pub draft: Draft,
    /// Every clause in reading order; in a comparison, deleted clauses too.
    pub items: Vec<Item>,
    /// Footnotes and link references, in file order.
    pub notes: Vec<Note>,
    /// Things skipped while applying a position.
    pub warnings: Vec<String>,
    /// The published document the text was imported from, as cited
    /// (`ADP 2-8 - agenda item 3 (text.pdf)`).
    pub source: Option<String>,
}

impl Document {
    /// The draft as it is, without change marks.
    pub fn from_draft(draft: Draft, version: impl Into<String>) -> Document {
        let items = (0..draft.clauses.len())
            .map(|i| Item::from_clause(&draft, i, Mark::Unchanged))
            .collect();
        let origin: Vec<Option<usize>> = (0..draft.clauses.len()).map(Some).collect();
        Document {
            title: title_of(&draft),
            version: version.into(),
            since: None,
            author: "treaty".into(),
            notes: notes_of(&draft, &origin),
            draft,
            items,
            warnings: Vec::new(),
            source: None,
        }
    }

    /// `draft` compared with the earlier `base`: every clause of `draft` with its mark,
    /// and the clauses of `base` that are gone, where they stood.
    pub fn comparison(
        base: &Draft,
        since: impl Into<String>,
        draft: Draft,
        version: impl Into<String>,
    ) -> Document {
        let comparison = compare::compare(base, &draft, None);
        let keys = |d: &Draft| -> HashMap<String, usize> {
            (0..d.clauses.len()).map(|i| (key(d, i), i)).collect()
        };
        let base_keys = keys(base);
        let new_keys = keys(&draft);
        let mut items = Vec::with_capacity(comparison.clauses.len());
        let mut origin = Vec::with_capacity(comparison.clauses.len());
        for c in &comparison.clauses {
            let item = match &c.change {
                ClauseChange::Deleted { .. } => base_keys.get(&c.id).map(|&i| {
                    origin.push(None);
                    Item::from_clause(base, i, Mark::Deleted)
                }),
                change => new_keys.get(&c.id).map(|&i| {
                    origin.push(Some(i));
                    let mark = match change {
                        ClauseChange::Unchanged => Mark::Unchanged,
                        ClauseChange::Changed { .. } => Mark::Changed,
                        ClauseChange::Inserted { .. } => Mark::Inserted,
                        ClauseChange::Moved { from, .. } => Mark::Moved { from: from.clone() },
                        ClauseChange::Renumbered { old, .. } => {
                            Mark::Renumbered { old: old.clone() }
                        }
                        ClauseChange::Deleted { .. } => Mark::Deleted,
                    };
                    let mut item = Item::from_clause(&draft, i, mark);
                    if let Some(&j) = base_keys.get(&c.id) {
                        let (old, new) = (&base.clauses[j], &draft.clauses[i]);
                        item.text_words = words_between(&old.text, &new.text);
                        item.title_words = words_between(
                            old.title.as_deref().unwrap_or(""),
                            new.title.as_deref().unwrap_or(""),
                        );
                    }
                    item
                }),
            };
            items.extend(item);
        }
        Document {
            title: title_of(&draft),
            version: version.into(),
            since: Some(since.into()),
            author: "treaty".into(),
            notes: notes_of(&draft, &origin),
            draft,
            items,
            warnings: Vec::new(),
            source: None,
        }
    }

    /// Cites the published document each clause was imported from (`drafts/sources.ron`),
    /// so that writers can print it beside the clause.
    pub fn cite_sources(&mut self, sources: &crate::sources::Sources) {
        self.source = Some(sources.document_name());
        for item in &mut self.items {
            if item.mark == Mark::Deleted {
                continue;
            }
            item.source = item
                .id
                .as_deref()
                .and_then(|id| sources.clauses.get(id))
                .and_then(crate::sources::ClauseSource::place);
        }
    }

    pub fn is_comparison(&self) -> bool {
        self.since.is_some()
    }

    /// The link and footnote definitions of the document's notes.
    pub fn definitions(&self) -> crate::inline::Definitions {
        crate::inline::Definitions::from_pairs(
            self.notes
                .iter()
                .map(|n| (n.label.as_str(), n.text.as_str())),
        )
    }

    /// For writers that list items one after another: the notes to write after item `k`,
    /// for each `k` (a note follows the last clause under its owner).
    pub fn notes_after(&self) -> Vec<Vec<&Note>> {
        let mut after = vec![Vec::new(); self.items.len()];
        for note in &self.notes {
            let Some(owner) = self.items.get(note.owner) else {
                continue;
            };
            let end = self.items[note.owner + 1..]
                .iter()
                .position(|i| i.depth <= owner.depth)
                .map_or(self.items.len() - 1, |n| note.owner + n);
            after[end].push(note);
        }
        after
    }

    /// The text of the document's articles' headings (`Article 15. Global AI Observatory`),
    /// in order: what a reader of any export must find.
    pub fn article_headings(&self) -> Vec<String> {
        self.items
            .iter()
            .filter(|i| i.kind == ClauseKind::Article)
            .map(Item::heading)
            .collect()
    }
}

fn words_between(old: &str, new: &str) -> Option<Vec<WordOp>> {
    (old != new).then(|| compare::word_ops(old, new))
}

/// The key `diff::compare` reports a clause by: its id, or `@reference`.
fn key(draft: &Draft, i: usize) -> String {
    match &draft.clauses[i].id {
        Some(id) => id.clone(),
        None => format!("@{}", draft.reference(i)),
    }
}

fn title_of(draft: &Draft) -> String {
    draft
        .clauses
        .iter()
        .find(|c: &&Clause| c.kind == ClauseKind::Title)
        .map(|c| heading_text(c.label.as_deref(), c.title.as_deref()))
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| "Untitled instrument".to_string())
}

/// Writes `doc` in `format`. `theme` colours brackets, options, attributions, placeholders
/// and change marks in HTML and DOCX.
pub fn render(doc: &Document, format: ExportFormat, theme: &Theme) -> Result<Vec<u8>, ExportError> {
    Ok(match format {
        ExportFormat::Markdown => md::render(doc).into_bytes(),
        ExportFormat::Html => html::render(doc, theme).into_bytes(),
        ExportFormat::Akn => akn::render(doc).into_bytes(),
        ExportFormat::Docx => docx::render(doc, theme)?,
    })
}

/// Text made safe for XML 1.0: `& < > " '` escaped, characters XML cannot hold (most
/// control characters) replaced by U+FFFD so a hostile draft cannot break the file.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || ('\u{7f}'..='\u{9f}').contains(&c) => out.push('\u{fffd}'),
            '\u{fffe}' | '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests;
