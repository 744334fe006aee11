//! What each piece of a clause's text is — agreed text, bracketed text at some depth, a
//! bracket mark, an attribution, a placeholder, a status mark, an option label — read from
//! the bracket tree, and the theme's colours for each, for the HTML and DOCX writers.

use crate::bracket::{Node, OptionItem, Span, StatusMark, Tree};
use crate::compare::WordOp;
use crate::inline::{self, Definitions, Look};
use crate::theme::{Color, Style, Theme};

/// The part a piece of text plays in the notation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// Agreed text.
    Text,
    /// Bracketed (unagreed) wording, inside `depth` brackets (1 = outermost).
    Bracketed(u8),
    /// The brackets and separators themselves: `[`, `]`, `/`.
    Mark(u8),
    /// ` - EU, AGN retain`: who proposed an alternative.
    Attribution,
    /// `G77 delete`: a proposal to delete.
    AttributionDelete,
    /// `[Placeholder for …]`.
    Placeholder,
    /// `[ad ref]`.
    Status,
    /// `[agreed]`, `[agreed ad ref]`.
    Agreed,
    /// `Option 1:`.
    OptionLabel,
    /// The body of `Option 2: No text.`
    NoText,
}

impl Role {
    /// The theme's style names for this role, layered left to right (as the TUI does).
    pub fn theme_names(self) -> Vec<&'static str> {
        match self {
            Role::Text => vec!["default"],
            Role::Bracketed(d) => vec![depth_name(d), "alternative"],
            Role::Mark(d) => vec![depth_name(d), "bracket.open"],
            Role::Attribution => vec!["attribution"],
            Role::AttributionDelete => vec!["attribution.delete"],
            Role::Placeholder => vec!["placeholder"],
            Role::Status => vec!["status"],
            Role::Agreed => vec!["status.agreed"],
            Role::OptionLabel => vec!["option.label"],
            Role::NoText => vec!["option.no_text"],
        }
    }

    /// A short class name: `b2`, `m1`, `attr`, `attr-del`, `ph`, `status`, `agreed`,
    /// `opt`, `no-text` (`""` for agreed text).
    pub fn class(self) -> String {
        match self {
            Role::Text => String::new(),
            Role::Bracketed(d) => format!("b{}", cycle(d)),
            Role::Mark(d) => format!("m{}", cycle(d)),
            Role::Attribution => "attr".into(),
            Role::AttributionDelete => "attr-del".into(),
            Role::Placeholder => "ph".into(),
            Role::Status => "status".into(),
            Role::Agreed => "agreed".into(),
            Role::OptionLabel => "opt".into(),
            Role::NoText => "no-text".into(),
        }
    }

    /// Every role a writer declares a style for.
    pub fn all() -> Vec<Role> {
        let mut v = vec![Role::Text];
        for d in 1..=4 {
            v.push(Role::Bracketed(d));
            v.push(Role::Mark(d));
        }
        v.extend([
            Role::Attribution,
            Role::AttributionDelete,
            Role::Placeholder,
            Role::Status,
            Role::Agreed,
            Role::OptionLabel,
            Role::NoText,
        ]);
        v
    }

    /// The role with its depth folded into 1..=4, so styles repeat past four levels.
    pub fn folded(self) -> Role {
        match self {
            Role::Bracketed(d) => Role::Bracketed(cycle(d)),
            Role::Mark(d) => Role::Mark(cycle(d)),
            r => r,
        }
    }
}

fn cycle(d: u8) -> u8 {
    (d.max(1) - 1) % 4 + 1
}

fn depth_name(d: u8) -> &'static str {
    match cycle(d) {
        1 => "bracket.depth.1",
        2 => "bracket.depth.2",
        3 => "bracket.depth.3",
        _ => "bracket.depth.4",
    }
}

/// Whether a piece of text was added or removed in a comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Revision {
    None,
    Inserted,
    Deleted,
}

/// A piece of text with one role, one change, and its inline Markdown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    pub text: String,
    pub role: Role,
    pub change: Revision,
    /// `*word*`.
    pub emphasis: bool,
    /// `**word**`.
    pub strong: bool,
    /// Link text: the link's target.
    pub link: Option<String>,
    /// A footnote reference, `[^1]`.
    pub note: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Paint {
    role: Role,
    look: Look,
}

/// The paint of every byte of `text` (whose bracket tree is `tree`), and its link targets.
fn paint(text: &str, tree: &Tree, defs: &Definitions) -> (Vec<Paint>, Vec<String>) {
    let mut roles = vec![Role::Text; text.len()];
    paint_nodes(&tree.nodes, 0, &mut roles);
    let markup = inline::markup(text, tree, defs);
    let paint = roles
        .into_iter()
        .zip(markup.looks)
        .map(|(role, look)| Paint { role, look })
        .collect();
    (paint, markup.links)
}

fn fill(roles: &mut [Role], start: usize, end: usize, role: Role) {
    let end = end.min(roles.len());
    if start < end {
        roles[start..end].fill(role);
    }
}

fn fill_span(roles: &mut [Role], span: Span, role: Role) {
    fill(roles, span.start, span.end, role);
}

fn paint_nodes(nodes: &[Node], depth: u8, roles: &mut [Role]) {
    for node in nodes {
        match node {
            Node::Text(_) | Node::Verbatim { .. } => {}
            Node::Placeholder(s) => fill_span(roles, *s, Role::Placeholder),
            Node::Status { span, mark } => {
                let role = match mark {
                    StatusMark::Agreed | StatusMark::AgreedAdRef => Role::Agreed,
                    StatusMark::AdRef => Role::Status,
                };
                fill_span(roles, *span, role);
            }
            Node::Group(g) => {
                let d = depth.saturating_add(1);
                fill_span(roles, g.span, Role::Mark(d));
                for alt in &g.alternatives {
                    if alt.deletion {
                        fill_span(roles, alt.span, Role::AttributionDelete);
                        continue;
                    }
                    fill_span(roles, alt.body, Role::Bracketed(d));
                    fill(roles, alt.body.end, alt.span.end, Role::Attribution);
                    paint_nodes(&alt.nodes, d, roles);
                }
            }
            Node::Options(set) => paint_options(&set.options, depth, roles),
        }
    }
}

fn paint_options(items: &[OptionItem], depth: u8, roles: &mut [Role]) {
    for item in items {
        fill(roles, item.span.start, item.body.start, Role::OptionLabel);
        if item.no_text {
            fill_span(roles, item.body, Role::NoText);
        }
        paint_nodes(&item.nodes, depth, roles);
        paint_options(&item.sub_options, depth, roles);
    }
}

/// A text painted: its bytes' paint and its link targets. Every reader of inline
/// Markdown (the article view, the TUI's panes, the writers) takes its runs from here.
pub struct Painted<'a> {
    text: &'a str,
    paint: Vec<Paint>,
    links: Vec<String>,
}

impl<'a> Painted<'a> {
    pub fn new(text: &'a str, defs: &Definitions) -> Self {
        Self::with_tree(text, &defs.parse(text), defs)
    }

    /// `text` painted from the bracket tree already parsed for it (with `defs`' labels).
    pub fn with_tree(text: &'a str, tree: &Tree, defs: &Definitions) -> Self {
        let (paint, links) = paint(text, tree, defs);
        Painted { text, paint, links }
    }

    /// The runs of `text[start..end]`, markup left out, all with one `change`.
    pub fn runs(&self, start: usize, end: usize, change: Revision) -> Vec<Run> {
        let mut out = Vec::new();
        runs_in(
            self,
            start.min(end),
            end.min(self.text.len()),
            change,
            &mut out,
        );
        out
    }
}

/// Runs of `p.text[start..end]` by paint, with one change for all.
fn runs_in(p: &Painted, start: usize, end: usize, change: Revision, out: &mut Vec<Run>) {
    let (text, paint) = (p.text, &p.paint);
    let mut at = start;
    while at < end {
        let here = paint[at];
        let mut stop = at + 1;
        while stop < end && paint[stop] == here {
            stop += 1;
        }
        // Paint changes only at span edges, which are char boundaries; stay safe anyway.
        while stop < end && !text.is_char_boundary(stop) {
            stop += 1;
        }
        if !here.look.hidden {
            let piece = &text[at..stop];
            let look = here.look;
            let link = look.link.map(|k| p.links[k as usize].clone());
            match out.last_mut() {
                Some(last)
                    if last.role == here.role
                        && last.change == change
                        && last.emphasis == look.emphasis
                        && last.strong == look.strong
                        && last.note == look.note
                        && last.link == link =>
                {
                    last.text.push_str(piece)
                }
                _ => out.push(Run {
                    text: piece.to_string(),
                    role: here.role,
                    change,
                    emphasis: look.emphasis,
                    strong: look.strong,
                    link,
                    note: look.note,
                }),
            }
        }
        at = stop;
    }
}

/// The styled runs of a clause's text, links read with the document's `defs`.
pub fn runs(text: &str, defs: &Definitions) -> Vec<Run> {
    let p = Painted::new(text, defs);
    let mut out = Vec::new();
    runs_in(&p, 0, text.len(), Revision::None, &mut out);
    out
}

/// The styled runs of a changed text: kept and inserted words styled as in the new text,
/// deleted words as in the old one. `words` must turn `old` into `new`.
pub fn changed_runs(old: &str, new: &str, words: &[WordOp], defs: &Definitions) -> Vec<Run> {
    let (po, pn) = (Painted::new(old, defs), Painted::new(new, defs));
    let (mut o, mut n) = (0, 0);
    let mut out = Vec::new();
    for w in words {
        match w {
            WordOp::Equal(t) => {
                let end = (n + t.len()).min(new.len());
                runs_in(&pn, n, end, Revision::None, &mut out);
                n += t.len();
                o += t.len();
            }
            WordOp::Delete(t) => {
                let end = (o + t.len()).min(old.len());
                runs_in(&po, o, end, Revision::Deleted, &mut out);
                o += t.len();
            }
            WordOp::Insert(t) => {
                let end = (n + t.len()).min(new.len());
                runs_in(&pn, n, end, Revision::Inserted, &mut out);
                n += t.len();
            }
        }
    }
    out
}

/// One side of a change: the old text with its deleted words marked (`side` is
/// [`Revision::Deleted`]), or the new text with its inserted words. Each side is painted
/// from its own text, so a word whose emphasis changed reads as it stood on that side.
pub fn side_runs(words: &[WordOp], side: Revision, defs: &Definitions) -> Vec<Run> {
    fn keep(w: &WordOp, side: Revision) -> Option<(&str, Revision)> {
        match w {
            WordOp::Equal(t) => Some((t.as_str(), Revision::None)),
            WordOp::Delete(t) => (side == Revision::Deleted).then_some((t.as_str(), side)),
            WordOp::Insert(t) => (side == Revision::Inserted).then_some((t.as_str(), side)),
        }
    }
    let keep = |w| keep(w, side);
    let text: String = words.iter().filter_map(keep).map(|(t, _)| t).collect();
    let p = Painted::new(&text, defs);
    let (mut at, mut out) = (0, Vec::new());
    for (t, change) in words.iter().filter_map(keep) {
        runs_in(&p, at, at + t.len(), change, &mut out);
        at += t.len();
    }
    out
}

/// The new text `words` lead to.
pub fn new_text(words: &[WordOp]) -> String {
    words
        .iter()
        .filter_map(|w| match w {
            WordOp::Equal(t) | WordOp::Insert(t) => Some(t.as_str()),
            WordOp::Delete(_) => None,
        })
        .collect()
}

/// The old text `words` started from.
pub fn old_text(words: &[WordOp]) -> String {
    words
        .iter()
        .filter_map(|w| match w {
            WordOp::Equal(t) | WordOp::Delete(t) => Some(t.as_str()),
            WordOp::Insert(_) => None,
        })
        .collect()
}

/// The runs of an item's text: with change marks when its words changed, all inserted or
/// all deleted when the clause was, else plain.
pub fn item_runs(
    text: &str,
    words: Option<&[WordOp]>,
    whole: Revision,
    defs: &Definitions,
) -> Vec<Run> {
    match words {
        Some(w) if whole == Revision::None => changed_runs(&old_text(w), text, w, defs),
        _ => {
            let mut r = runs(text, defs);
            for run in &mut r {
                run.change = whole;
            }
            r
        }
    }
}

/// A colour as `#rrggbb` for print: the terminal's named colours mapped to darker shades
/// that read on white paper (`white` becomes grey). `None` for the terminal's default.
pub fn hex(color: Color) -> Option<String> {
    let (r, g, b) = match color {
        Color::Reset => return None,
        Color::Black => (0x00, 0x00, 0x00),
        Color::Red => (0xb0, 0x1c, 0x1c),
        Color::Green => (0x1b, 0x6e, 0x20),
        Color::Yellow => (0x8a, 0x6a, 0x00),
        Color::Blue => (0x1f, 0x4e, 0xb4),
        Color::Magenta => (0x86, 0x23, 0x9c),
        Color::Cyan => (0x00, 0x6e, 0x7f),
        Color::White => (0x6b, 0x6b, 0x6b),
        Color::BrightBlack => (0x55, 0x55, 0x55),
        Color::BrightRed => (0xd3, 0x2f, 0x2f),
        Color::BrightGreen => (0x2e, 0x8b, 0x3a),
        Color::BrightYellow => (0xa6, 0x80, 0x00),
        Color::BrightBlue => (0x3a, 0x6e, 0xd8),
        Color::BrightMagenta => (0xa8, 0x3c, 0xc0),
        Color::BrightCyan => (0x00, 0x8c, 0x9e),
        Color::BrightWhite => (0x80, 0x80, 0x80),
        Color::Indexed(i) if i < 16 => {
            const BASE: [Color; 16] = [
                Color::Black,
                Color::Red,
                Color::Green,
                Color::Yellow,
                Color::Blue,
                Color::Magenta,
                Color::Cyan,
                Color::White,
                Color::BrightBlack,
                Color::BrightRed,
                Color::BrightGreen,
                Color::BrightYellow,
                Color::BrightBlue,
                Color::BrightMagenta,
                Color::BrightCyan,
                Color::BrightWhite,
            ];
            return hex(BASE[i as usize]);
        }
        Color::Indexed(i) if i < 232 => {
            let level = |v: u8| if v == 0 { 0 } else { 55 + 40 * v };
            let k = i - 16;
            (level(k / 36), level((k / 6) % 6), level(k % 6))
        }
        Color::Indexed(i) => {
            let v = 8 + 10 * (i - 232);
            (v, v, v)
        }
        Color::Rgb(r, g, b) => (r, g, b),
    };
    Some(format!("#{r:02x}{g:02x}{b:02x}"))
}

/// The theme's style for a role.
pub fn role_style(theme: &Theme, role: Role) -> Style {
    theme.compose(role.theme_names())
}

/// The style for a change mark: `diff.inserted.token`, `diff.deleted.token`, `diff.moved`.
pub fn change_style(theme: &Theme, name: &str) -> Style {
    theme.style(name)
}
