//! Bracketed text drawn from its parse tree: each bracket depth, alternative, option,
//! placeholder, attribution and status mark gets its own semantic style, so they can be
//! told apart whatever the theme (depth colours plus bold brackets, italic alternatives,
//! labelled options). Inline Markdown is drawn as the article view draws it
//! ([`super::inline`]): markers hidden, emphasis as a style, links numbered.

use ratatui::style::Style;
use ratatui::text::Line;

use crate::article::Look;
use crate::bracket::{Node, OptionItem, Span, StatusMark, Tree};
use crate::export::style::{Painted, Revision};
use crate::inline::Definitions;
use crate::tui::theme::Styles;

/// The style name of bracketed text at `depth` (1 is outermost).
pub fn depth_name(depth: usize) -> &'static str {
    match depth {
        0 => "default",
        1 => "bracket.depth.1",
        2 => "bracket.depth.2",
        3 => "bracket.depth.3",
        _ => "bracket.depth.4",
    }
}

/// The style of a piece of a laid-out article: its part in the notation from the theme,
/// inline Markdown over it ([`super::inline::style`]).
pub fn look_style(styles: &Styles, look: Look) -> Style {
    let base = match look {
        Look::Text { role, .. } => styles.compose(&role.theme_names()),
        _ => Style::default(),
    };
    super::inline::style(styles, base, look)
}

struct Painter<'a> {
    text: &'a str,
    styles: &'a Styles,
    highlight: Option<Span>,
    selection: Style,
    /// The text's inline Markdown.
    painted: Painted<'a>,
    /// Link targets, numbered as met.
    links: Vec<String>,
    out: Vec<(String, Style)>,
}

impl Painter<'_> {
    /// `text[start..end]` in `style`, its inline Markdown drawn over it.
    fn push(&mut self, start: usize, end: usize, style: Style, lit: bool) {
        if start >= end {
            return;
        }
        let runs = self.painted.runs(start, end, Revision::None);
        for p in crate::article::pieces(&runs, &mut self.links) {
            let mut st = super::inline::style(self.styles, style, p.look);
            if lit {
                st = st.patch(self.selection);
            }
            self.out.push((p.text, st));
        }
    }

    fn nodes(&mut self, nodes: &[Node], depth: usize, alt: bool, lit: bool) {
        let base = |s: &Styles| {
            if alt {
                s.compose(&[depth_name(depth), "alternative"])
            } else {
                s.get(depth_name(depth))
            }
        };
        for node in nodes {
            match node {
                Node::Text(s) | Node::Verbatim { span: s, .. } => {
                    let st = base(self.styles);
                    self.push(s.start, s.end, st, lit);
                }
                Node::Placeholder(s) => {
                    let st = self.styles.compose(&[depth_name(depth), "placeholder"]);
                    self.push(s.start, s.end, st, lit);
                }
                Node::Status { span, mark } => {
                    let name = match mark {
                        StatusMark::Agreed | StatusMark::AgreedAdRef => "status.agreed",
                        StatusMark::AdRef => "status",
                    };
                    let st = self.styles.get(name);
                    self.push(span.start, span.end, st, lit);
                }
                Node::Group(g) => {
                    let lit = lit || self.highlight == Some(g.span);
                    let inner = depth + 1;
                    let mark = self.styles.compose(&[depth_name(inner), "bracket.open"]);
                    let sep = self
                        .styles
                        .compose(&[depth_name(inner), "alternative.separator"]);
                    let several = g.alternatives.len() > 1;
                    let mut at = g.span.start;
                    for a in &g.alternatives {
                        self.push(at, a.span.start, sep, lit);
                        self.push(a.span.start, a.body.start, mark, lit);
                        self.nodes(&a.nodes, inner, several, lit);
                        // After the body: an attribution (` - EU; G77 delete`), then `]`.
                        let tail = &self.text[a.body.end..a.span.end];
                        let close = tail.len() - tail.trim_end_matches(']').len();
                        let attr_end = a.span.end - close.min(1);
                        let attr = if a.deletion {
                            "attribution.delete"
                        } else {
                            "attribution"
                        };
                        let attr_style = self.styles.compose(&[depth_name(inner), attr]);
                        self.push(a.body.end, attr_end, attr_style, lit);
                        self.push(attr_end, a.span.end, mark, lit);
                        at = a.span.end;
                    }
                    self.push(at, g.span.end, sep, lit);
                }
                Node::Options(set) => {
                    let lit = lit || self.highlight == Some(set.span);
                    let at = self.options(set.span.start, &set.options, depth, lit);
                    let st = base(self.styles);
                    self.push(at, set.span.end, st, lit);
                }
            }
        }
    }

    fn options(&mut self, mut at: usize, items: &[OptionItem], depth: usize, lit: bool) -> usize {
        for item in items {
            let plain = self.styles.get(depth_name(depth));
            let label = self.styles.get("option.label");
            // `Option 1:` as a whole is the label (the parser's label span is the `1`).
            let start = item.span.start.max(at);
            self.push(at, start, plain, lit);
            self.push(start, item.body.start, label, lit);
            if item.no_text {
                let st = self.styles.get("option.no_text");
                self.push(item.body.start, item.body.end, st, lit);
            } else {
                let before = self.out.len();
                self.nodes(&item.nodes, depth, false, lit);
                let opt = self.styles.get("option");
                for (_, s) in &mut self.out[before..] {
                    *s = opt.patch(*s);
                }
            }
            let end = self.options(item.body.end, &item.sub_options, depth, lit);
            self.push(end, item.span.end, plain, lit);
            at = item.span.end;
        }
        at
    }
}

/// Styled lines of `text` from its bracket tree (parsed with `defs`' labels), then the
/// targets of its links; the choice point whose span is `highlight` is drawn in the
/// selection style too.
pub fn lines(
    text: &str,
    tree: &Tree,
    defs: &Definitions,
    styles: &Styles,
    highlight: Option<Span>,
) -> Vec<Line<'static>> {
    let mut p = Painter {
        text,
        styles,
        highlight,
        selection: styles.get("selection"),
        painted: Painted::with_tree(text, tree, defs),
        links: Vec::new(),
        out: Vec::new(),
    };
    p.nodes(&tree.nodes, 0, false, false);
    // The tree covers the whole text; anything past its last node (never expected) is
    // still shown rather than silently dropped.
    if p.out.is_empty() && tree.nodes.is_empty() && !text.is_empty() {
        p.out.push((text.to_string(), styles.get("default")));
    }
    let mut lines = super::into_lines(p.out);
    lines.extend(super::inline::link_lines(&p.links, styles));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bracket;

    fn spans(text: &str) -> Vec<(String, Style)> {
        let styles = Styles::default();
        let tree = bracket::parse(text);
        lines(text, &tree, &Definitions::default(), &styles, None)
            .into_iter()
            .flat_map(|l| {
                l.spans
                    .into_iter()
                    .map(|s| (s.content.into_owned(), s.style))
            })
            .collect()
    }

    #[test]
    fn every_byte_is_drawn_once() {
        for text in [
            "Parties [shall][should] act [[fully][partly] and now - EU; USA delete].",
            "5.\nOption 1: The Observatory [shall][may] visit.\nOption 2: No text.",
            "[Placeholder for a definition] [agreed ad ref] [a/b] plain",
        ] {
            let drawn: String = spans(text).into_iter().map(|(s, _)| s).collect();
            assert_eq!(drawn.replace('\n', ""), text.replace('\n', ""));
        }
    }

    #[test]
    fn inline_markdown_is_drawn_over_the_brackets_and_links_are_numbered() {
        let styles = Styles::default();
        let text = "*Noting* the [Charter][UN] and [its aims](https://un.org) [shall][should]";
        let defs = Definitions::scan("[UN]: https://un.org/charter\n");
        let lines = lines(text, &defs.parse(text), &defs, &styles, None);
        let shown: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        assert_eq!(
            shown,
            [
                "Noting the Charter[1] and its aims[2] [shall][should]",
                "",
                "Links",
                "[1] https://un.org/charter",
                "[2] https://un.org",
            ]
        );
        let style_of = |t: &str| {
            let spans = lines.iter().flat_map(|l| l.spans.iter());
            spans
                .clone()
                .find(|s| s.content == t)
                .map(|s| s.style)
                .unwrap()
        };
        assert_eq!(
            style_of("Noting"),
            styles.get("default").patch(styles.get("emphasis"))
        );
        assert_eq!(
            style_of("Charter"),
            styles.get("default").patch(styles.get("link"))
        );
        // Without its definition, `[Charter][UN]` is two alternatives, drawn as such.
        let none = Definitions::default();
        let shown = lines_text(text, &none);
        assert!(
            shown.starts_with("Noting the [Charter][UN] and its aims[1]"),
            "{shown}"
        );
    }

    fn lines_text(text: &str, defs: &Definitions) -> String {
        let l = lines(text, &defs.parse(text), defs, &Styles::default(), None);
        l.iter().map(|l| l.to_string() + "\n").collect()
    }

    #[test]
    fn depth_and_marks_have_their_own_styles() {
        let styles = Styles::default();
        let s = spans("a [b [c] - EU; USA delete] d");
        let style_of = |t: &str| s.iter().find(|(x, _)| x == t).map(|(_, st)| *st).unwrap();
        assert_eq!(style_of("a "), styles.get("default"));
        assert_eq!(style_of("c"), styles.get("bracket.depth.2"));
        assert_ne!(style_of("c"), style_of("b "));
        // `- EU; USA delete` makes the deletion a second alternative: italic.
        assert_eq!(
            style_of("b "),
            styles.compose(&["bracket.depth.1", "alternative"])
        );
        let attr = s.iter().find(|(x, _)| x.contains("EU")).unwrap().1;
        let attribution = [
            styles.compose(&["bracket.depth.1", "attribution"]),
            styles.compose(&["bracket.depth.1", "attribution.delete"]),
        ];
        assert!(attribution.contains(&attr), "{attr:?}");
        assert_ne!(attr, style_of("b "));
    }
}
