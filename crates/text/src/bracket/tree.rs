//! Reading a parsed tree: printing it back, walking it, and listing its choice points.

use super::{Alternative, Group, GroupForm, Node, OptionItem, OptionSet, Span, Tree};
use std::fmt::Write;

/// A place where the reader must choose: a group, or the options of an option set (or of
/// one option's sub-options).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ChoicePoint {
    pub span: Span,
    pub kind: ChoiceKind,
    /// A short description of each alternative, in order.
    pub labels: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChoiceKind {
    Group(GroupForm),
    Options,
    SubOptions,
}

/// A choice point before it is described: what the walk in [`Tree::for_each_point`] yields.
pub(super) enum Point<'t> {
    Group(&'t Group),
    Options(Span, &'t [OptionItem], ChoiceKind),
}

impl Point<'_> {
    pub fn len(&self) -> usize {
        match self {
            Point::Group(g) => g.alternatives.len(),
            Point::Options(_, items, _) => items.len(),
        }
    }
}

impl Tree {
    /// The text back, rebuilt from the spans. Equal to the parsed text for any input; the
    /// property tests hold the parser to that.
    pub fn print(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        print_nodes(text, &self.nodes, &mut out);
        out
    }

    /// Visits every node in document order, outer before inner, with its bracket depth:
    /// 0 at the top, one more inside each group. Options add no depth: they are not brackets.
    pub fn walk<'t>(&'t self, mut f: impl FnMut(usize, &'t Node)) {
        walk_nodes(&self.nodes, 0, &mut f);
    }

    /// Every delegation code named in an attribution, each once, in order of first mention.
    pub fn proposers(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        self.walk(|_, node| {
            if let Node::Group(g) = node {
                for code in g.alternatives.iter().flat_map(|a| &a.proposers) {
                    if !out.contains(code) {
                        out.push(code.clone());
                    }
                }
            }
        });
        out
    }

    /// Groups and option sets in document order, outer before inner. The index of a point in
    /// this list is what [`super::Choice::Pick`] refers to.
    pub fn choice_points(&self, text: &str) -> Vec<ChoicePoint> {
        let mut out = Vec::new();
        self.for_each_point(|point| {
            out.push(match point {
                Point::Group(g) => ChoicePoint {
                    span: g.span,
                    kind: ChoiceKind::Group(g.form),
                    labels: g.alternatives.iter().map(|a| alt_label(text, a)).collect(),
                },
                Point::Options(span, items, kind) => ChoicePoint {
                    span,
                    kind,
                    labels: items.iter().map(|o| option_label(text, o)).collect(),
                },
            })
        });
        out
    }

    pub(super) fn for_each_point<'t>(&'t self, mut f: impl FnMut(Point<'t>)) {
        points_in(&self.nodes, &mut f);
    }

    /// A compact rendering for tests and debugging, e.g.
    /// `"Parties " group(stacked; alt("shall"), alt("should"))`.
    pub fn sexpr(&self, text: &str) -> String {
        let mut out = String::new();
        sexpr_nodes(text, &self.nodes, &mut out);
        out
    }
}

fn print_nodes(text: &str, nodes: &[Node], out: &mut String) {
    for node in nodes {
        match node {
            Node::Text(s) | Node::Placeholder(s) => out.push_str(s.of(text)),
            Node::Status { span, .. } | Node::Verbatim { span, .. } => out.push_str(span.of(text)),
            Node::Group(g) => {
                let mut at = g.span.start;
                for alt in &g.alternatives {
                    out.push_str(&text[at..alt.span.start]);
                    out.push_str(&text[alt.span.start..alt.body.start]);
                    print_nodes(text, &alt.nodes, out);
                    out.push_str(&text[alt.body.end..alt.span.end]);
                    at = alt.span.end;
                }
                out.push_str(&text[at..g.span.end]);
            }
            Node::Options(set) => {
                let at = print_options(text, set.span.start, &set.options, out);
                out.push_str(&text[at..set.span.end]);
            }
        }
    }
}

/// Prints `items` starting from `at`; returns where printing stopped.
fn print_options(text: &str, mut at: usize, items: &[OptionItem], out: &mut String) -> usize {
    for item in items {
        out.push_str(&text[at..item.body.start]);
        print_nodes(text, &item.nodes, out);
        at = print_options(text, item.body.end, &item.sub_options, out);
        out.push_str(&text[at..item.span.end]);
        at = item.span.end;
    }
    at
}

fn walk_nodes<'t>(nodes: &'t [Node], depth: usize, f: &mut impl FnMut(usize, &'t Node)) {
    for node in nodes {
        f(depth, node);
        match node {
            Node::Group(g) => {
                for alt in &g.alternatives {
                    walk_nodes(&alt.nodes, depth + 1, f);
                }
            }
            Node::Options(set) => walk_options(&set.options, depth, f),
            _ => {}
        }
    }
}

fn walk_options<'t>(items: &'t [OptionItem], depth: usize, f: &mut impl FnMut(usize, &'t Node)) {
    for item in items {
        walk_nodes(&item.nodes, depth, f);
        walk_options(&item.sub_options, depth, f);
    }
}

fn points_in<'t>(nodes: &'t [Node], f: &mut impl FnMut(Point<'t>)) {
    for node in nodes {
        match node {
            Node::Group(g) => {
                f(Point::Group(g));
                for alt in &g.alternatives {
                    points_in(&alt.nodes, f);
                }
            }
            Node::Options(set) => option_points(set, f),
            _ => {}
        }
    }
}

fn option_points<'t>(set: &'t OptionSet, f: &mut impl FnMut(Point<'t>)) {
    f(Point::Options(set.span, &set.options, ChoiceKind::Options));
    for item in &set.options {
        points_in(&item.nodes, f);
        if let (Some(first), Some(last)) = (item.sub_options.first(), item.sub_options.last()) {
            let span = Span::new(first.span.start, last.span.end);
            f(Point::Options(
                span,
                &item.sub_options,
                ChoiceKind::SubOptions,
            ));
            for sub in &item.sub_options {
                points_in(&sub.nodes, f);
            }
        }
    }
}

/// How many choice points `nodes` hold, for skipping an alternative that was not chosen.
pub(super) fn count_points(nodes: &[Node]) -> usize {
    let mut n = 0;
    points_in(nodes, &mut |_| n += 1);
    n
}

/// Option sets contribute points for their options' content and sub-options too.
pub(super) fn count_option_points(item: &OptionItem) -> usize {
    let subs = &item.sub_options;
    count_points(&item.nodes)
        + if subs.is_empty() {
            0
        } else {
            1 + subs.iter().map(|s| count_points(&s.nodes)).sum::<usize>()
        }
}

/// Long enough for a whole alternative with its attribution on a wide terminal; screens
/// cut it to their width.
const LABEL_CHARS: usize = 160;

/// Collapsed whitespace, cut to a readable length.
fn preview(s: &str) -> String {
    let mut out = String::new();
    for (n, word) in s.split_whitespace().enumerate() {
        if n > 0 {
            out.push(' ');
        }
        out.push_str(word);
        if out.len() > LABEL_CHARS * 4 {
            break;
        }
    }
    if out.chars().count() > LABEL_CHARS {
        out = out.chars().take(LABEL_CHARS - 1).collect();
        out.push('…');
    }
    out
}

fn alt_label(text: &str, alt: &Alternative) -> String {
    let mut label = if alt.deletion {
        "delete".to_owned()
    } else {
        let p = preview(alt.body.of(text));
        if p.is_empty() {
            "(empty)".to_owned()
        } else {
            p
        }
    };
    if !alt.proposers.is_empty() {
        let _ = write!(label, " ({})", alt.proposers.join(", "));
    }
    label
}

fn option_label(text: &str, item: &OptionItem) -> String {
    let label = item.label.of(text);
    if item.no_text {
        format!("Option {label}: no text")
    } else {
        format!("Option {label}: {}", preview(item.body.of(text)))
    }
}

fn sexpr_nodes(text: &str, nodes: &[Node], out: &mut String) {
    for (n, node) in nodes.iter().enumerate() {
        if n > 0 {
            out.push(' ');
        }
        match node {
            Node::Text(s) => {
                let _ = write!(out, "{:?}", s.of(text));
            }
            Node::Placeholder(s) => {
                let _ = write!(out, "placeholder({:?})", s.of(text));
            }
            Node::Status { mark, .. } => {
                let _ = write!(out, "status({mark:?})");
            }
            Node::Verbatim { span, kind } => {
                let _ = write!(out, "verbatim({kind:?} {:?})", span.of(text));
            }
            Node::Group(g) => {
                let form = format!("{:?}", g.form).to_lowercase();
                let _ = write!(out, "group({form}; ");
                for (i, alt) in g.alternatives.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    out.push_str("alt(");
                    if alt.deletion {
                        out.push_str("delete");
                    }
                    sexpr_nodes(text, &alt.nodes, out);
                    if !alt.proposers.is_empty() {
                        let _ = write!(out, " by {}", alt.proposers.join(" "));
                    }
                    out.push(')');
                }
                out.push(')');
            }
            Node::Options(set) => {
                out.push_str("options(");
                sexpr_options(text, &set.options, out);
                out.push(')');
            }
        }
    }
}

fn sexpr_options(text: &str, items: &[OptionItem], out: &mut String) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let _ = write!(out, "option({} ", item.label.of(text));
        if item.no_text {
            out.push_str("no-text ");
        }
        sexpr_nodes(text, &item.nodes, out);
        if !item.sub_options.is_empty() {
            out.push_str(" sub(");
            sexpr_options(text, &item.sub_options, out);
            out.push(')');
        }
        out.push(')');
    }
}
