//! A whole article (or annex, or any clause with what is under it) laid out for reading:
//! its heading, chapeau, paragraphs and points with their numbers, the bracketed text with
//! its attributions, inline Markdown (emphasis as a style, each link's text followed by a
//! number whose target is listed at the end), footnotes, and source labels.
//!
//! The TUI's article view and `treaty show` both draw from [`Layout::lines`], so they
//! read alike; only the styling of each [`Look`] differs.

use crate::draft::{ClauseKind, Draft};
use crate::export::style::{self, Revision, Role, Run};
use crate::inline::Definitions;

/// What a piece of the layout is, for styling.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Look {
    /// The article's heading and the headings under it.
    Heading,
    /// A paragraph or point number: `1.`, `2 bis.`, `(a)`.
    Number,
    /// Clause text, with its part in the notation and its inline Markdown.
    Text {
        role: Role,
        emphasis: bool,
        strong: bool,
        /// Link text (its number follows as a [`Look::Reference`]).
        link: bool,
        /// A footnote reference, `[^1]`.
        note: bool,
        /// Inserted or deleted, where the text is a comparison.
        change: Revision,
    },
    /// `[1]` after a link's text, and the labels of the lists at the end.
    Reference,
    /// Where the clause stands in its published document, and other remarks.
    Remark,
}

/// A piece of text with one look.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Piece {
    pub text: String,
    pub look: Look,
}

impl Piece {
    fn new(text: impl Into<String>, look: Look) -> Self {
        Piece {
            text: text.into(),
            look,
        }
    }
}

/// One block: a heading, a numbered paragraph, a remark. Wrapped with a hanging indent.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Block {
    indent: usize,
    /// Shown on the first line, before the text (`1.`, `(a)`), padded to `hang` columns.
    number: Option<String>,
    pieces: Vec<Piece>,
    /// Whether a blank line comes before the block.
    gap: bool,
    /// The clause it lays out (none for remarks and the lists at the end).
    clause: Option<usize>,
}

/// The layout of an article, built clause by clause.
pub struct Layout<'a> {
    draft: &'a Draft,
    /// Link and footnote definitions of each draft file, read when a clause of it is laid
    /// out (an article is one file of many).
    defs: Vec<Option<Definitions>>,
    /// The first clause laid out: indents count from its depth.
    top: Option<u8>,
    blocks: Vec<Block>,
    links: Vec<String>,
    notes: Vec<(String, String)>,
}

impl<'a> Layout<'a> {
    pub fn new(draft: &'a Draft) -> Self {
        Layout {
            draft,
            defs: vec![None; draft.files.len()],
            top: None,
            blocks: Vec::new(),
            links: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// Clause `i` and everything under it, as drafted.
    pub fn article(draft: &'a Draft, i: usize) -> Self {
        let mut l = Layout::new(draft);
        for j in draft.subtree(i) {
            l.clause(j, &draft.clauses[j].text);
        }
        l
    }

    /// Clause `j` with `text` (as drafted, as a delegation proposes it, or clean).
    pub fn clause(&mut self, j: usize, text: &str) {
        let c = &self.draft.clauses[j];
        let top = *self.top.get_or_insert(c.depth);
        let level = usize::from(c.depth.saturating_sub(top));
        if !c.kind.has_text() {
            let heading = crate::export::heading_text(c.label.as_deref(), c.title.as_deref());
            self.blocks.push(Block {
                indent: 0,
                number: None,
                pieces: vec![Piece::new(heading, Look::Heading)],
                gap: !self.blocks.is_empty(),
                clause: Some(j),
            });
            return;
        }
        let number = c.label.as_ref().map(|l| match c.kind {
            ClauseKind::Point => l.clone(),
            _ => format!("{l}."),
        });
        let file = c.file;
        let defs = self.defs[file]
            .get_or_insert_with(|| Definitions::scan(&self.draft.files[file].text()));
        let runs = style::runs(text, defs);
        let pieces = self.pieces(&runs, file);
        self.blocks.push(Block {
            indent: 4 * level.saturating_sub(1),
            number,
            pieces,
            gap: true,
            clause: Some(j),
        });
    }

    /// A remark under the last clause: its source, a deletion proposed, a new clause.
    pub fn remark(&mut self, text: impl Into<String>) {
        let indent = self
            .blocks
            .last()
            .map_or(0, |b| b.indent + b.number.as_ref().map_or(0, |n| hang(n)));
        self.blocks.push(Block {
            indent,
            number: None,
            pieces: vec![Piece::new(text, Look::Remark)],
            gap: false,
            clause: None,
        });
    }

    /// Runs as pieces ([`pieces`]), footnotes noted for the list at the end.
    fn pieces(&mut self, runs: &[Run], file: usize) -> Vec<Piece> {
        for run in runs.iter().filter(|r| r.note) {
            self.note(run.text.trim_matches(['[', ']']), file);
        }
        pieces(runs, &mut self.links)
    }

    /// Footnote `label` (`^1`) of `file`, listed once at the end with its text.
    fn note(&mut self, label: &str, file: usize) {
        if self.notes.iter().any(|(l, _)| l == label) {
            return;
        }
        let text = (self.defs[file].as_ref())
            .and_then(|d| d.target(label))
            .unwrap_or("(no text for this note in the draft)");
        self.notes.push((label.to_string(), text.to_string()));
    }

    /// The layout as lines of at most `width` columns (`None`: one line per paragraph).
    pub fn lines(&self, width: Option<usize>) -> Vec<Vec<Piece>> {
        let mut out = Vec::new();
        for b in self.blocks.iter().chain(&self.lists()) {
            if b.gap {
                out.push(Vec::new());
            }
            wrap(b, width, &mut out);
        }
        out
    }

    /// The line clause `j` starts on in [`Layout::lines`] at the same `width`.
    pub fn line_of(&self, j: usize, width: Option<usize>) -> Option<usize> {
        let mut out = Vec::new();
        for b in &self.blocks {
            if b.gap {
                out.push(Vec::new());
            }
            if b.clause == Some(j) {
                return Some(out.len());
            }
            wrap(b, width, &mut out);
        }
        None
    }

    /// The footnotes and link targets, as blocks after the text.
    fn lists(&self) -> Vec<Block> {
        let mut blocks = Vec::new();
        let mut list = |title: &str, items: Vec<(String, String)>| {
            for (k, (label, text)) in items.into_iter().enumerate() {
                if k == 0 {
                    blocks.push(Block {
                        indent: 0,
                        number: None,
                        pieces: vec![Piece::new(title, Look::Heading)],
                        gap: true,
                        clause: None,
                    });
                }
                blocks.push(Block {
                    indent: 0,
                    number: Some(label),
                    pieces: vec![Piece::new(text, Look::Remark)],
                    gap: false,
                    clause: None,
                });
            }
        };
        let notes = self
            .notes
            .iter()
            .map(|(l, t)| (format!("[{l}]"), t.clone()));
        list("Notes", notes.collect());
        let links = self.links.iter().enumerate();
        list(
            LINKS,
            links
                .map(|(k, t)| (format!("[{}]", k + 1), t.clone()))
                .collect(),
        );
        blocks
    }

    /// The layout as plain text, lines joined.
    pub fn plain(&self, width: Option<usize>) -> String {
        let mut s = String::new();
        for line in self.lines(width) {
            for p in line {
                s.push_str(&p.text);
            }
            s.push('\n');
        }
        s
    }
}

/// Runs as pieces: each link's text followed by its number (`[1]`), counted from 1 in
/// `links`, where its target is added the first time it is met. What the article view,
/// `treaty show` and the TUI's panes all show for inline Markdown.
pub fn pieces(runs: &[Run], links: &mut Vec<String>) -> Vec<Piece> {
    let mut out = Vec::new();
    for (k, run) in runs.iter().enumerate() {
        out.push(Piece::new(
            run.text.clone(),
            Look::Text {
                role: run.role,
                emphasis: run.emphasis,
                strong: run.strong,
                link: run.link.is_some(),
                note: run.note,
                change: run.change,
            },
        ));
        if let Some(target) = &run.link
            && runs.get(k + 1).is_none_or(|next| next.link != run.link)
        {
            let n = match links.iter().position(|t| t == target) {
                Some(n) => n,
                None => {
                    links.push(target.clone());
                    links.len() - 1
                }
            };
            out.push(Piece::new(format!("[{}]", n + 1), Look::Reference));
        }
    }
    out
}

/// The title of the list of link targets after a text.
pub const LINKS: &str = "Links";

/// The link targets numbered by [`pieces`], one line each (`[1] https://…`) under
/// [`LINKS`]; nothing when there are none.
pub fn link_list(links: &[String]) -> Vec<Vec<Piece>> {
    if links.is_empty() {
        return Vec::new();
    }
    let mut out = vec![vec![Piece::new(LINKS, Look::Heading)]];
    for (k, t) in links.iter().enumerate() {
        out.push(vec![
            Piece::new(format!("[{}] ", k + 1), Look::Reference),
            Piece::new(t.clone(), Look::Remark),
        ]);
    }
    out
}

/// Columns the text of a numbered block starts at, after its number.
fn hang(number: &str) -> usize {
    number.chars().count() + 1
}

/// Lays out one block: the number, then the pieces word by word, each line at most
/// `width` columns (a word longer than a line gets a line of its own), continuation lines
/// indented under the text; line breaks in the text (option lines) start new lines.
fn wrap(b: &Block, width: Option<usize>, out: &mut Vec<Vec<Piece>>) {
    let hang = b.number.as_deref().map_or(0, hang);
    let lead = b.indent + hang;
    let mut line = vec![Piece::new(" ".repeat(b.indent), Look::Remark)];
    if let Some(n) = &b.number {
        line.push(Piece::new(format!("{n} "), Look::Number));
    }
    let mut col = lead;
    let mut fresh = true;
    let new_line = |line: &mut Vec<Piece>, out: &mut Vec<Vec<Piece>>| {
        let done = std::mem::replace(line, vec![Piece::new(" ".repeat(lead), Look::Remark)]);
        out.push(trimmed(done));
    };
    for unit in units(&b.pieces) {
        let Some(unit) = unit else {
            new_line(&mut line, out);
            col = lead;
            fresh = true;
            continue;
        };
        let w: usize = unit.iter().map(|(t, _)| t.chars().count()).sum();
        let blank = unit.iter().all(|(t, _)| t.trim().is_empty());
        if fresh && blank {
            continue;
        }
        if width.is_some_and(|max| col + w > max) && !fresh {
            new_line(&mut line, out);
            col = lead;
            if blank {
                continue;
            }
        }
        for (text, look) in unit {
            push(&mut line, text, look);
        }
        col += w;
        fresh = false;
    }
    out.push(trimmed(line));
}

/// The pieces as units that wrap whole: a word (which may change look midway, as
/// `[shall][should]` does), a run of spaces, or `None` for a line break.
fn units(pieces: &[Piece]) -> Vec<Option<Vec<(&str, Look)>>> {
    let mut out: Vec<Option<Vec<(&str, Look)>>> = Vec::new();
    let mut space = None;
    for p in pieces {
        for (k, part) in p.text.split('\n').enumerate() {
            if k > 0 {
                out.push(None);
                space = None;
            }
            for word in words(part) {
                let is_space = word.starts_with(char::is_whitespace);
                match out.last_mut() {
                    Some(Some(unit)) if space == Some(is_space) => unit.push((word, p.look)),
                    _ => out.push(Some(vec![(word, p.look)])),
                }
                space = Some(is_space);
            }
        }
    }
    out
}

/// Words with the spaces between them as words of their own.
fn words(s: &str) -> impl Iterator<Item = &str> {
    let mut rest = s;
    std::iter::from_fn(move || {
        let first = rest.chars().next()?;
        let space = first.is_whitespace();
        let end = rest
            .find(|c: char| c.is_whitespace() != space)
            .unwrap_or(rest.len());
        let (word, tail) = rest.split_at(end);
        rest = tail;
        Some(word)
    })
}

fn push(line: &mut Vec<Piece>, text: &str, look: Look) {
    match line.last_mut() {
        Some(last) if last.look == look => last.text.push_str(text),
        _ => line.push(Piece::new(text, look)),
    }
}

/// A line without trailing spaces or empty pieces.
fn trimmed(mut line: Vec<Piece>) -> Vec<Piece> {
    while let Some(last) = line.last_mut() {
        let t = last.text.trim_end().len();
        last.text.truncate(t);
        if !last.text.is_empty() {
            break;
        }
        line.pop();
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    const FRONT: &str = "# Convention {#treaty}\n\n## Part I. General {#part}\n\n- [Article 1. Objective](articles/objective.md)\n";
    const OBJECTIVE: &str = "### Article 1. Objective {#objective}\n\nThe Parties, {#objective.chapeau}\n\n1. *Recognizing* the [Charter][UN], Parties [shall][should - USA] act.[^1] {#objective.1}\n\n2. The Observatory shall: {#objective.2}\n\n(a) monitor [risks](https://example.org/risks) of artificial intelligence systems deployed across borders; {#objective.2.a}\n\n[UN]: https://www.un.org/charter\n[^1]: Chair's note: to be revisited.\n";

    fn draft() -> Draft {
        let loaded = Draft::from_texts(FRONT, &[("articles/objective.md", OBJECTIVE)]);
        assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
        loaded.draft
    }

    #[test]
    fn an_article_reads_as_printed_with_links_and_notes_listed() {
        let d = draft();
        let l = Layout::article(&d, d.index_of("objective").unwrap());
        let text = l.plain(Some(50));
        let expected = [
            "Article 1. Objective",
            "",
            "The Parties,",
            "",
            "1. Recognizing the Charter[1], Parties",
            "   [shall][should - USA] act.[^1]",
            "",
            "2. The Observatory shall:",
            "",
            "    (a) monitor risks[2] of artificial",
            "        intelligence systems deployed across",
            "        borders;",
            "",
            "Notes",
            "[^1] Chair's note: to be revisited.",
            "",
            "Links",
            "[1] https://www.un.org/charter",
            "[2] https://example.org/risks",
        ];
        assert_eq!(text, expected.map(|l| format!("{l}\n")).concat());
        assert_eq!(
            l.line_of(d.index_of("objective.2.a").unwrap(), Some(50)),
            Some(9)
        );
        // Unwrapped, each paragraph is one line.
        assert!(
            l.plain(None).contains(
                "1. Recognizing the Charter[1], Parties [shall][should - USA] act.[^1]\n"
            )
        );
    }

    #[test]
    fn emphasis_and_brackets_keep_their_looks() {
        let d = draft();
        let l = Layout::article(&d, d.index_of("objective.1").unwrap());
        let pieces: Vec<Piece> = l.lines(None).into_iter().flatten().collect();
        let look = |t: &str| pieces.iter().find(|p| p.text.contains(t)).unwrap().look;
        assert!(matches!(
            look("Recognizing"),
            Look::Text { emphasis: true, .. }
        ));
        assert!(matches!(
            look("Charter"),
            Look::Text {
                link: true,
                emphasis: false,
                ..
            }
        ));
        assert_eq!(look("[1]"), Look::Reference);
        assert!(matches!(
            look("USA"),
            Look::Text {
                role: Role::Attribution,
                ..
            }
        ));
    }
}
