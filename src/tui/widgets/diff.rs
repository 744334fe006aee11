//! Word-level diffs drawn with `diff.inserted.token` / `diff.deleted.token` (which every
//! theme also underlines or strikes through, so change never rests on colour alone).

use ratatui::style::Style;
use ratatui::text::Line;

use crate::tui::compare::Tag;
use crate::tui::theme::Styles;

pub fn tag_style(styles: &Styles, tag: Tag) -> Style {
    match tag {
        Tag::Equal => styles.get("default"),
        Tag::Inserted => styles.get("diff.inserted.token"),
        Tag::Deleted => styles.get("diff.deleted.token"),
    }
}

/// Both sides interleaved: deletions then insertions, in place.
pub fn inline(tokens: &[(Tag, String)], styles: &Styles) -> Vec<Line<'static>> {
    super::into_lines(
        tokens
            .iter()
            .map(|(t, s)| (s.clone(), tag_style(styles, *t)))
            .collect(),
    )
}

/// One side only: `Tag::Deleted` for the old text, `Tag::Inserted` for the new.
pub fn side(tokens: &[(Tag, String)], styles: &Styles, keep: Tag) -> Vec<Line<'static>> {
    super::into_lines(
        tokens
            .iter()
            .filter(|(t, _)| *t == Tag::Equal || *t == keep)
            .map(|(t, s)| (s.clone(), tag_style(styles, *t)))
            .collect(),
    )
}
