//! Text renderers shared by the screens. They return styled lines; the screens wrap them
//! in paragraphs and blocks.

pub mod bracketed;
pub mod diff;
pub mod inline;

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::sanitize;

/// Styled pieces of text that may contain line breaks, split into lines. Every piece is
/// made inert (no control sequence reaches the terminal).
pub fn into_lines(pieces: Vec<(String, Style)>) -> Vec<Line<'static>> {
    let mut lines: Vec<Line<'static>> = vec![Line::default()];
    for (text, style) in pieces {
        for (k, part) in text.split('\n').enumerate() {
            if k > 0 {
                lines.push(Line::default());
            }
            if !part.is_empty() {
                let safe = sanitize::inert_line(part).into_owned();
                lines
                    .last_mut()
                    .expect("at least one line")
                    .spans
                    .push(Span::styled(safe, style));
            }
        }
    }
    lines
}

/// One string made safe for a single terminal line.
pub fn safe(s: &str) -> String {
    sanitize::inert_line(s).into_owned()
}

/// `line` cut to `width` columns, ending in `…` where it was cut.
pub fn fit(line: Line<'static>, width: usize) -> Line<'static> {
    if line.width() <= width {
        return line;
    }
    let mut room = width.saturating_sub(1);
    let mut spans = Vec::new();
    for span in line.spans {
        let n = span.content.chars().count();
        if n <= room {
            room -= n;
            spans.push(span);
            continue;
        }
        let cut: String = span.content.chars().take(room).collect();
        spans.push(Span::styled(cut + "…", span.style));
        break;
    }
    Line::from(spans).style(line.style)
}
