//! Word-level diffs drawn with `diff.inserted.token` / `diff.deleted.token` (which every
//! theme also underlines or strikes through, so change never rests on colour alone).
//!
//! Inline Markdown is drawn over the change ([`super::inline`]): each side of the diff is
//! painted from its own whole text and the changed words take their looks from it, so a
//! marker never leaks into the text because the diff cut an emphasis in two (a change
//! inside `*Recognizing*` shows the words, italic, and no `*`).

use ratatui::style::Style;
use ratatui::text::Line;

use crate::article;
use crate::compare::WordOp;
use crate::export::style::{self, Revision};
use crate::inline::Definitions;
use crate::tui::compare::Tag;
use crate::tui::theme::Styles;

pub fn tag_style(styles: &Styles, tag: Tag) -> Style {
    match tag {
        Tag::Equal => styles.get("default"),
        Tag::Inserted => styles.get("diff.inserted.token"),
        Tag::Deleted => styles.get("diff.deleted.token"),
    }
}

/// The tagged runs as the word operations they came from.
fn word_ops(tokens: &[(Tag, String)]) -> Vec<WordOp> {
    tokens
        .iter()
        .map(|(t, s)| match t {
            Tag::Equal => WordOp::Equal(s.clone()),
            Tag::Inserted => WordOp::Insert(s.clone()),
            Tag::Deleted => WordOp::Delete(s.clone()),
        })
        .collect()
}

/// Runs as lines in the default style (changes and Markdown over it), then the targets
/// of their links.
fn draw(runs: &[style::Run], styles: &Styles) -> Vec<Line<'static>> {
    let mut links = Vec::new();
    let pieces = article::pieces(runs, &mut links);
    let base = styles.get("default");
    let mut lines =
        super::inline::piece_lines(pieces, |look| super::inline::style(styles, base, look));
    lines.extend(super::inline::link_lines(&links, styles));
    lines
}

/// Both sides interleaved: deletions then insertions, in place. `defs`: the link
/// definitions of the clause's document.
pub fn inline(tokens: &[(Tag, String)], defs: &Definitions, styles: &Styles) -> Vec<Line<'static>> {
    let words = word_ops(tokens);
    let runs = style::changed_runs(
        &style::old_text(&words),
        &style::new_text(&words),
        &words,
        defs,
    );
    draw(&runs, styles)
}

/// One side only: `Tag::Deleted` for the old text, `Tag::Inserted` for the new.
pub fn side(
    tokens: &[(Tag, String)],
    defs: &Definitions,
    styles: &Styles,
    keep: Tag,
) -> Vec<Line<'static>> {
    let side = match keep {
        Tag::Deleted => Revision::Deleted,
        _ => Revision::Inserted,
    };
    draw(&style::side_runs(&word_ops(tokens), side, defs), styles)
}

/// Both sides interleaved with the text as written, markers and all: for the editor's
/// preview and the three-way view, which show the wording that is recorded.
pub fn as_written(tokens: &[(Tag, String)], styles: &Styles) -> Vec<Line<'static>> {
    super::into_lines(
        tokens
            .iter()
            .map(|(t, s)| (s.clone(), tag_style(styles, *t)))
            .collect(),
    )
}
