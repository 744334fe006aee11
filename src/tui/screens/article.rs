//! The article view: a whole article (or annex) over the screen, as `treaty show` prints
//! it, wrapped to the width, brackets and options coloured with their attributions, links
//! numbered and listed at the end with the footnotes. Opened from any screen on the
//! selected clause; the scrolling keys scroll it, Esc closes it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use crate::article::Layout;
use crate::draft::{ClauseKind, Draft};
use crate::tui::action::Action;
use crate::tui::app::{Effect, Screen, State};
use crate::tui::widgets::{bracketed, safe};

/// The open article view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ArticleView {
    /// The article, annex or heading shown (an index into the draft).
    pub clause: usize,
    pub scroll: u16,
}

/// What the view shows for clause `i`: its article or annex, else the heading it sits
/// under (a preamble paragraph: the preamble), else the clause itself.
pub fn whole_of(draft: &Draft, i: usize) -> usize {
    draft
        .article_of(i)
        .or_else(|| {
            std::iter::once(i)
                .chain(draft.ancestors(i).into_iter().rev())
                .find(|&j| {
                    draft.clauses[j].kind != ClauseKind::Title && !draft.clauses[j].kind.has_text()
                })
        })
        .unwrap_or(i)
}

/// Opens the view on the article of the selected clause (on History, of the selected
/// amendment's first clause).
pub fn open(state: &mut State) {
    let mut i = state.selected;
    if state.screen == Screen::History {
        let rows = state.history_rows();
        let step = rows.get(state.history.selected.min(rows.len().saturating_sub(1)));
        if let Some(j) = step
            .and_then(|&s| state.data.history[s].clauses.first())
            .and_then(|id| state.data.draft.index_of(id))
        {
            i = j;
        }
    }
    // Scrolled to the clause it was opened on, as far as the article goes.
    let clause = whole_of(&state.data.draft, i);
    let (width, height) = super::body_size(state.size);
    let layout = Layout::article(&state.data.draft, clause);
    let last = layout.lines(Some(width)).len().saturating_sub(height);
    let at = layout.line_of(i, Some(width)).unwrap_or(0).min(last);
    state.article = Some(ArticleView {
        clause,
        scroll: at as u16,
    });
}

/// A key while the view is open: the scrolling keys scroll it, Esc (or the key that
/// opened it) closes it, quitting quits. Any other key closes it and does what it does
/// (`None`).
pub fn key(state: &mut State, a: Action) -> Option<Vec<Effect>> {
    let view = state.article.as_mut()?;
    let (width, height) = super::body_size(state.size);
    let Some(delta) = super::scroll_delta(a, height) else {
        state.article = None;
        return match a {
            Action::Quit => Some(vec![Effect::Quit]),
            Action::Back | Action::ReadArticle => Some(Vec::new()),
            _ => None,
        };
    };
    let len = Layout::article(&state.data.draft, view.clause)
        .lines(Some(width))
        .len();
    let last = len.saturating_sub(height) as isize;
    view.scroll = (view.scroll as isize + delta).clamp(0, last) as u16;
    Some(Vec::new())
}

/// The article's lines, styled, wrapped to `width` columns.
pub fn lines(state: &State, clause: usize, width: usize) -> Vec<Line<'static>> {
    Layout::article(&state.data.draft, clause)
        .lines(Some(width))
        .into_iter()
        .map(|pieces| {
            Line::from(
                pieces
                    .into_iter()
                    .map(|p| {
                        Span::styled(safe(&p.text), bracketed::look_style(&state.styles, p.look))
                    })
                    .collect::<Vec<_>>(),
            )
        })
        .collect()
}

pub fn render(state: &State, f: &mut Frame, area: Rect, view: ArticleView) {
    let width = area.width.saturating_sub(2) as usize;
    let lines = lines(state, view.clause, width);
    let title = format!(
        "{} — as drafted — line {} of {}",
        state.data.draft.reference(view.clause),
        (view.scroll as usize + 1).min(lines.len()),
        lines.len()
    );
    f.render_widget(Clear, area);
    f.render_widget(
        Paragraph::new(lines)
            .scroll((view.scroll, 0))
            .block(super::pane(state, &title, true)),
        area,
    );
}
