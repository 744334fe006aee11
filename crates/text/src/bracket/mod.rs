//! Bracketed text: the negotiation notation of one clause, parsed into a tree.
//!
//! The tree covers the text losslessly with byte spans, so [`Tree::print`] gives the text
//! back exactly, and the renderer can colour any part of it from the spans alone.
//!
//! # Rules for the ambiguous cases
//!
//! * **Alternatives side by side.** Pairs that touch (`[shall][should]`) or are joined by a
//!   `/` with optional spaces or tabs around it (`[shall]/[should]`, `[shall] / [should]`)
//!   form one group.
//! * **Slash inside one bracket.** `[children/girls]` splits into alternatives only when the
//!   whole content is one word with no whitespace and no nested brackets, every part holds a
//!   letter (so `[1/2]` stays a fraction) and none is empty. Word-level slashes in longer
//!   content (`[take measures and/or steps]`, `[girls/women and children]`) stay text: the
//!   reach of the alternative would be a guess, and a drafter who means alternatives there
//!   writes `[girls]/[women and children]`.
//! * **Attributions.** See [`attrib`](self) rules in `attrib.rs`: after the last ` - ` of an
//!   alternative comes a comma-separated list of delegation codes, optionally `retain`;
//!   trailing `; CODES delete` clauses add deletion alternatives; a ` / ` with spaces
//!   separates alternatives only when at least one of them carries an attribution, because
//!   in plain prose ` / ` is as often "and/or" as it is a choice.
//! * **Options.** A line that starts (after spaces, tabs or opening brackets) with
//!   `Option LABEL:` — or `Option LABEL` alone on its line — heads an option. LABEL is a
//!   number (`1`), one letter (`A`) or anything in parentheses (`(a)`, `(i)`). The first
//!   option's kind of label is the top level; labels of another kind that follow are its
//!   sub-options. The last option runs to the end of the enclosing text (the clause, or the
//!   bracket the options sit in), since nothing in the notation marks where it stops.
//! * **Markdown.** Links, reference links, footnotes and escapes are kept verbatim. An
//!   inline link needs a destination that looks like one (no whitespace, and one of
//!   `/ . : # @`), so that `Article [5](b)` stays a bracket followed by a subparagraph.
//! * **Unbalanced brackets** become text and are reported as [`Problem`]s. Nesting deeper
//!   than [`MAX_DEPTH`] is read as text too, so that hostile input cannot exhaust the stack.

mod attrib;
mod build;
mod clean;
mod refs;
mod resolve;
#[cfg(any(test, feature = "testing"))]
pub mod sample;
mod scan;
mod stats;
mod tree;

#[cfg(test)]
mod tests;

#[cfg(test)]
mod oracle;

pub use attrib::stack_alternatives;
pub use clean::{Choice, CleanError};
pub use refs::{RefLabels, normalize as normalize_label};
pub use resolve::PointError;
pub use stats::Stats;
pub use tree::{ChoiceKind, ChoicePoint};

/// Brackets nested deeper than this are read as plain text (and reported), which bounds the
/// recursion of every walk over the tree. Real texts rarely go past five.
pub const MAX_DEPTH: usize = 64;

/// A clause longer than this is read as plain text and reported: no real clause comes
/// near it (the longest paragraph of the EU AI Act is under 8 KiB), and it keeps what any
/// one clause costs in memory and time within a small multiple of its size.
pub const MAX_CLAUSE_BYTES: usize = 1 << 20;

/// A clause with more opening brackets than this is read as plain text and reported: a
/// heavily bracketed compilation paragraph holds a few hundred.
pub const MAX_BRACKETS: usize = 20_000;

/// A byte range `start..end` in the parsed text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        debug_assert!(start <= end);
        Self { start, end }
    }

    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    pub fn of<'t>(&self, text: &'t str) -> &'t str {
        &text[self.start..self.end]
    }
}

/// One clause, parsed. The top-level `nodes` tile the whole text in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tree {
    pub nodes: Vec<Node>,
    /// Sorted by offset.
    pub problems: Vec<Problem>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Node {
    /// Ordinary (agreed) text.
    Text(Span),
    Group(Group),
    /// `[Placeholder for ...]`, brackets included.
    Placeholder(Span),
    /// `[agreed ad ref]` and the like, brackets included. Not a group: nothing to choose.
    Status {
        span: Span,
        mark: StatusMark,
    },
    /// Markdown that only looks like brackets; never counted, kept as written.
    Verbatim {
        span: Span,
        kind: VerbatimKind,
    },
    Options(OptionSet),
}

impl Node {
    pub fn span(&self) -> Span {
        match self {
            Node::Text(s) | Node::Placeholder(s) => *s,
            Node::Group(g) => g.span,
            Node::Status { span, .. } | Node::Verbatim { span, .. } => *span,
            Node::Options(o) => o.span,
        }
    }
}

/// Bracketed text with one or more alternatives. The span runs from the first `[` to the
/// last `]`; what lies between alternatives' spans is notation (brackets, slashes, `; `).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    pub span: Span,
    pub form: GroupForm,
    pub alternatives: Vec<Alternative>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum GroupForm {
    /// One pair, one alternative: `[text]`.
    Single,
    /// Touching pairs: `[shall][should]`.
    Stacked,
    /// Pairs joined by a slash: `[shall]/[should]`.
    Slash,
    /// Several alternatives inside one pair: `[children/girls]`, `[a - US / b - EU]`,
    /// `[extreme - US; G77 delete]`.
    Inline,
}

/// One alternative of a group. `body` is the proposed wording, tiled by `nodes`; anything
/// after it inside `span` is the attribution tail (` - US, EU retain`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alternative {
    pub span: Span,
    pub body: Span,
    pub nodes: Vec<Node>,
    /// Delegation codes, as written.
    pub proposers: Vec<String>,
    /// A proposal to delete the group's text (`; G77 delete`): choosing it leaves nothing.
    pub deletion: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StatusMark {
    /// `[agreed]`
    Agreed,
    /// `[agreed ad ref]`, `[agreed ad referendum]`
    AgreedAdRef,
    /// `[ad ref]`, `[ad referendum]`
    AdRef,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum VerbatimKind {
    /// `[text](url)`
    Link,
    /// `[text][ref]`, `[ref][]`, `[ref]` with `ref` defined in the document.
    RefLink,
    /// `[ref]:` at the start of a definition line.
    RefDefinition,
    /// `[^1]`
    Footnote,
    /// `\[` or `\]`
    Escape,
}

/// `Option 1:` / `Option 2:` blocks. The span starts at the first option's line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OptionSet {
    pub span: Span,
    pub options: Vec<OptionItem>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OptionItem {
    /// `1`, `A`, `(a)`: the label as written.
    pub label: Span,
    /// From the start of the option's line to the start of the next option of its level.
    pub span: Span,
    /// The option's own text after `Option 1:`, up to its first sub-option; tiled by `nodes`.
    pub body: Span,
    pub nodes: Vec<Node>,
    /// The body says only "No text".
    pub no_text: bool,
    pub sub_options: Vec<OptionItem>,
}

/// Something wrong with the notation. Parsing always goes on; `offset` is a byte offset
/// into the parsed text (see [`crate::diag::LineIndex`] for line and column).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    pub offset: usize,
    pub kind: ProblemKind,
    pub message: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProblemKind {
    UnclosedBracket,
    StrayBracket,
    TooDeep,
    /// Over [`MAX_CLAUSE_BYTES`] or [`MAX_BRACKETS`]: the whole clause is read as text.
    TooLarge,
}

impl Problem {
    pub(crate) fn new(offset: usize, kind: ProblemKind) -> Self {
        let message = match kind {
            ProblemKind::UnclosedBracket => "unclosed bracket: `[` has no matching `]`".to_owned(),
            ProblemKind::StrayBracket => "stray `]` with no opening bracket".to_owned(),
            ProblemKind::TooDeep => format!(
                "brackets nested more than {MAX_DEPTH} deep; the deeper ones are read as plain text"
            ),
            ProblemKind::TooLarge => format!(
                "the clause is larger than a clause can be ({} bytes or {MAX_BRACKETS} brackets at most): it is read as plain text; split it into several clauses",
                MAX_CLAUSE_BYTES
            ),
        };
        Self {
            offset,
            kind,
            message,
        }
    }
}

/// Parses one clause. Reference-link definitions (`[ref]: url`) found in `text` itself are
/// honoured; use [`parse_with`] to supply the labels of a whole document.
pub fn parse(text: &str) -> Tree {
    parse_with(text, &RefLabels::scan(text))
}

/// Parses one clause, treating `[x]` as a Markdown reference when `refs` defines `x`.
pub fn parse_with(text: &str, refs: &RefLabels) -> Tree {
    if text.len() > MAX_CLAUSE_BYTES
        || memchr::memchr_iter(b'[', text.as_bytes())
            .nth(MAX_BRACKETS)
            .is_some()
    {
        return Tree {
            nodes: if text.is_empty() {
                Vec::new()
            } else {
                vec![Node::Text(Span::new(0, text.len()))]
            },
            problems: vec![Problem::new(0, ProblemKind::TooLarge)],
        };
    }
    let scanned = scan::scan(text);
    build::build(text, refs, scanned)
}
