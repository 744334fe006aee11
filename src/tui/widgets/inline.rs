//! Inline Markdown in every pane, drawn through the article view's code: a text's runs
//! ([`crate::export::style`]: markers hidden, emphasis and links read from the bracket
//! tree, so a bracket group is never taken for a link) become pieces with numbered links
//! ([`crate::article::pieces`]), styled with the theme's `emphasis`, `strong` and `link`
//! over the pane's own style; the link targets are listed after the text.

use ratatui::style::Style;
use ratatui::text::Line;

use crate::article::{self, Look, Piece};
use crate::draft::Draft;
use crate::export::style::{self, Revision};
use crate::inline::Definitions;
use crate::tui::theme::Styles;

/// The style of a piece over `base`, the style of where it stands: link numbers and
/// remarks as hints, headings as headings; text with its emphasis, strong emphasis, link
/// and footnote styles, and its change (inserted, deleted) last, so a change always shows.
pub fn style(styles: &Styles, base: Style, look: Look) -> Style {
    match look {
        Look::Heading => base.patch(styles.get("heading")),
        Look::Number => base.patch(styles.get("clause.number")),
        Look::Reference | Look::Remark => base.patch(styles.get("hint")),
        Look::Text {
            emphasis,
            strong,
            link,
            note,
            change,
            ..
        } => {
            let mut st = base;
            for (on, name) in [
                (note, "hint"),
                (emphasis, "emphasis"),
                (strong, "strong"),
                (link, "link"),
            ] {
                if on {
                    st = st.patch(styles.get(name));
                }
            }
            match change {
                Revision::None => st,
                Revision::Inserted => st.patch(styles.get("diff.inserted.token")),
                Revision::Deleted => st.patch(styles.get("diff.deleted.token")),
            }
        }
    }
}

/// Pieces as lines (line breaks in the text start new lines), each in `style_of` its look.
pub fn piece_lines(pieces: Vec<Piece>, style_of: impl Fn(Look) -> Style) -> Vec<Line<'static>> {
    super::into_lines(
        pieces
            .into_iter()
            .map(|p| {
                let st = style_of(p.look);
                (p.text, st)
            })
            .collect(),
    )
}

/// The targets of the links numbered in a text, after a blank line ([`article::link_list`]).
pub fn link_lines(links: &[String], styles: &Styles) -> Vec<Line<'static>> {
    let list = article::link_list(links);
    if list.is_empty() {
        return Vec::new();
    }
    let mut out = vec![Line::default()];
    for line in list {
        out.extend(piece_lines(line, |look| {
            style(styles, Style::default(), look)
        }));
    }
    out
}

/// The link and footnote definitions for clause `id` of `draft` (none if it has no such
/// clause: then `[a][b]` reads as two alternatives, as the bracket parser has it).
pub fn definitions(draft: &Draft, id: &str) -> Definitions {
    draft
        .index_of(id)
        .map(|i| Definitions::of_clause(draft, i))
        .unwrap_or_default()
}

/// A clause's text with its inline Markdown, in `base`, then its link targets.
pub fn text(text: &str, defs: &Definitions, styles: &Styles, base: Style) -> Vec<Line<'static>> {
    let mut links = Vec::new();
    let pieces = article::pieces(&style::runs(text, defs), &mut links);
    let mut lines = piece_lines(pieces, |look| style(styles, base, look));
    lines.extend(link_lines(&links, styles));
    lines
}
