//! Inline Markdown in clause text: emphasis (`*Recognizing*`, `**shall**`, `_and_`),
//! links (`[text](url)`, `[text][ref]` with `[ref]: url` defined in the document) and
//! footnote references (`[^1]`).
//!
//! Links are read from the bracket tree, never by pattern: the bracket parser alone
//! decides whether `[text][ref]` is a link or two alternatives, so every reader and
//! writer agrees with `treaty brackets` on what is negotiation text.

use std::collections::HashMap;

use crate::bracket::{self, Node, RefLabels, Span, Tree, VerbatimKind};

/// The `[label]: target` definitions of a document: link targets and footnotes.
#[derive(Clone, Debug, Default)]
pub struct Definitions {
    labels: RefLabels,
    targets: HashMap<String, String>,
    /// Links and `**strong**` kept as drafted, for writers whose output is read back as
    /// Markdown (DOCX, which `treaty import` reads; it turns italics back into `*…*`).
    as_written: bool,
}

impl Definitions {
    /// Every definition line of `document` (`[ref]: url`, `[^1]: note`).
    pub fn scan(document: &str) -> Self {
        Self::from_pairs(document.lines().filter_map(|line| {
            let trimmed = line.trim_start_matches(' ');
            (line.len() - trimmed.len() <= 3)
                .then(|| crate::draft::block::definition(trimmed))
                .flatten()
        }))
    }

    /// The definitions of the draft file clause `i` is in.
    pub fn of_clause(draft: &crate::draft::Draft, i: usize) -> Self {
        Self::scan(&draft.files[draft.clauses[i].file].text())
    }

    /// Definitions given as `(label, target)` pairs (`("^1", "Chair's note")`).
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut d = Self::default();
        for (label, target) in pairs {
            if !label.starts_with('^') {
                d.labels.insert(label);
            }
            d.targets
                .entry(bracket::normalize_label(label))
                .or_insert_with(|| target.to_string());
        }
        d
    }

    /// The same definitions, with links and strong emphasis kept as drafted.
    pub fn as_written(mut self) -> Self {
        self.as_written = true;
        self
    }

    /// The labels the bracket parser needs to tell `[text][ref]` from two alternatives.
    pub fn labels(&self) -> &RefLabels {
        &self.labels
    }

    /// What `label` stands for: a link's target, or a footnote's text (`^1`).
    pub fn target(&self, label: &str) -> Option<&str> {
        self.targets
            .get(&bracket::normalize_label(label))
            .map(String::as_str)
    }

    /// The clause's bracket tree, with this document's link labels.
    pub fn parse(&self, text: &str) -> Tree {
        bracket::parse_with(text, &self.labels)
    }
}

/// How one byte of the text is shown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Look {
    pub emphasis: bool,
    pub strong: bool,
    /// Markup that is not shown: the `*` of emphasis, a link's `[`, `](url)`, `][ref]`.
    pub hidden: bool,
    /// Link text: an index into [`Markup::links`].
    pub link: Option<u16>,
    /// A footnote reference, `[^1]`.
    pub note: bool,
}

/// A clause's inline Markdown: the look of every byte, and the link targets.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Markup {
    pub looks: Vec<Look>,
    /// Targets in the order the links appear (an undefined reference is its label).
    pub links: Vec<String>,
}

/// The inline Markdown of `text`, whose bracket tree is `tree`.
pub fn markup(text: &str, tree: &Tree, defs: &Definitions) -> Markup {
    let mut m = Markup {
        looks: vec![Look::default(); text.len()],
        links: Vec::new(),
    };
    verbatim(text, &tree.nodes, defs, &mut m);
    emphasis(text, &mut m.looks, if defs.as_written { 1 } else { 2 });
    m
}

/// `text` as a reader sees it, without its markup: emphasis marks, a link's brackets and
/// target dropped, the link's text kept (a one-line preview, say).
pub fn plain(text: &str, defs: &Definitions) -> String {
    let m = markup(text, &defs.parse(text), defs);
    text.char_indices()
        .filter(|&(at, _)| !m.looks[at].hidden)
        .map(|(_, c)| c)
        .collect()
}

/// Links and footnote references, wherever they sit in the tree.
fn verbatim(text: &str, nodes: &[Node], defs: &Definitions, m: &mut Markup) {
    for node in nodes {
        match node {
            Node::Verbatim { span, kind } => match kind {
                VerbatimKind::Link | VerbatimKind::RefLink if !defs.as_written => {
                    link(text, *span, *kind, defs, m)
                }
                VerbatimKind::Footnote => {
                    for l in &mut m.looks[span.start..span.end] {
                        l.note = true;
                    }
                }
                VerbatimKind::Escape => m.looks[span.start].hidden = true,
                VerbatimKind::Link | VerbatimKind::RefLink | VerbatimKind::RefDefinition => {}
            },
            Node::Group(g) => {
                for a in &g.alternatives {
                    verbatim(text, &a.nodes, defs, m);
                }
            }
            Node::Options(set) => options(text, &set.options, defs, m),
            Node::Text(_) | Node::Placeholder(_) | Node::Status { .. } => {}
        }
    }
}

fn options(text: &str, items: &[bracket::OptionItem], defs: &Definitions, m: &mut Markup) {
    for item in items {
        verbatim(text, &item.nodes, defs, m);
        options(text, &item.sub_options, defs, m);
    }
}

/// `[text](url)`, `[text][ref]`, `[ref][]` or `[ref]`: the text shown, the rest hidden.
fn link(text: &str, span: Span, kind: VerbatimKind, defs: &Definitions, m: &mut Markup) {
    let s = span.of(text);
    let (text_end, target) = if kind == VerbatimKind::Link {
        let k = s.rfind("](").unwrap_or(s.len() - 1);
        (k, s[k + 2..s.len() - 1].to_string())
    } else {
        match s.rfind("][") {
            Some(k) => {
                let label = &s[k + 2..s.len() - 1];
                let label = if label.is_empty() { &s[1..k] } else { label };
                (k, defs.target(label).unwrap_or(label).to_string())
            }
            None => {
                let label = &s[1..s.len() - 1];
                (s.len() - 1, defs.target(label).unwrap_or(label).to_string())
            }
        }
    };
    let index = m
        .links
        .iter()
        .position(|t| *t == target)
        .unwrap_or_else(|| {
            m.links.push(target);
            m.links.len() - 1
        });
    let (open, close) = (span.start, span.start + text_end);
    m.looks[open].hidden = true;
    for l in &mut m.looks[open + 1..close] {
        l.link = Some(index as u16);
    }
    for l in &mut m.looks[close..span.end] {
        l.hidden = true;
    }
}

/// `*emphasis*`, `_emphasis_` and `**strong**` on one line. An opening run is followed by
/// a non-space, a closing one follows a non-space; `_` only at word edges, so
/// `snake_case_name` stays as written. Hidden bytes (a link's target) are never markup.
/// Runs longer than `longest` (1: `**` is left as written) are not markup either.
fn emphasis(text: &str, looks: &mut [Look], longest: usize) {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if !(c == b'*' || c == b'_') || looks[i].hidden || (i > 0 && b[i - 1] == b'\\') {
            i += 1;
            continue;
        }
        let n = run_len(b, i);
        let opens = n <= longest
            && b.get(i + n).is_some_and(|x| !x.is_ascii_whitespace())
            && (c == b'*' || i == 0 || !b[i - 1].is_ascii_alphanumeric());
        let close = opens.then(|| closing(b, looks, i + n, c, n)).flatten();
        let Some(j) = close else {
            i += n;
            continue;
        };
        for l in &mut looks[i..i + n] {
            l.hidden = true;
        }
        for l in &mut looks[j..j + n] {
            l.hidden = true;
        }
        for l in &mut looks[i + n..j] {
            if n == 2 {
                l.strong = true;
            } else {
                l.emphasis = true;
            }
        }
        i = j + n;
    }
}

fn run_len(b: &[u8], at: usize) -> usize {
    b[at..].iter().take_while(|&&x| x == b[at]).count()
}

/// Where the run of `n` × `c` that closes an emphasis opened before `from` starts.
fn closing(b: &[u8], looks: &[Look], from: usize, c: u8, n: usize) -> Option<usize> {
    let mut j = from;
    while j < b.len() && b[j] != b'\n' {
        if b[j] == c && !looks[j].hidden {
            let len = run_len(b, j);
            let after = j + len;
            let fits = len == n
                && !b[j - 1].is_ascii_whitespace()
                && (c == b'*' || b.get(after).is_none_or(|x| !x.is_ascii_alphanumeric()));
            if fits {
                return Some(j);
            }
            j = after;
            continue;
        }
        j += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text as shown, with `*…*` around emphasis, `**…**` around strong text and
    /// `<…>n` around link text (n its target's number, from 1).
    #[test]
    fn plain_text_drops_the_markup_and_keeps_what_is_read() {
        let defs = Definitions::scan("[vclt]: https://example.org/vclt\n");
        assert_eq!(
            plain(
                "*Recalling* the [Convention][vclt] and [its *Protocol*](https://x.org), [shall][should] act",
                &defs
            ),
            "Recalling the Convention and its Protocol, [shall][should] act"
        );
    }

    fn shown(text: &str, defs: &Definitions) -> (String, Vec<String>) {
        let m = markup(text, &defs.parse(text), defs);
        let mut out = String::new();
        let mut prev = Look::default();
        let close = |out: &mut String, p: Look| {
            if p.emphasis {
                out.push('*');
            }
            if p.strong {
                out.push_str("**");
            }
            if let Some(k) = p.link {
                out.push_str(&format!(">{}", k + 1));
            }
        };
        for (ch_at, ch) in text.char_indices() {
            let l = m.looks[ch_at];
            if l.hidden {
                continue;
            }
            let l = Look { note: false, ..l };
            if l != prev {
                close(&mut out, prev);
                if l.link.is_some() {
                    out.push('<');
                }
                if l.strong {
                    out.push_str("**");
                }
                if l.emphasis {
                    out.push('*');
                }
                prev = l;
            }
            out.push(ch);
        }
        close(&mut out, prev);
        (out, m.links)
    }

    #[test]
    fn emphasis_and_strong_hide_their_markers() {
        let none = Definitions::default();
        assert_eq!(
            shown("*Recognizing* that 2 * 3 is **six**", &none).0,
            "*Recognizing* that 2 * 3 is **six**"
        );
        let m = markup("*Recognizing* x", &none.parse("*Recognizing* x"), &none);
        assert!(m.looks[0].hidden && m.looks[12].hidden);
        assert!(m.looks[1].emphasis && !m.looks[13].emphasis);
        // Word-internal underscores are not emphasis; an unclosed `*` stays.
        let t = "a snake_case_name and *open";
        let m = markup(t, &none.parse(t), &none);
        assert!(m.looks.iter().all(|l| *l == Look::default()));
    }

    #[test]
    fn an_inline_link_is_its_text_and_a_target() {
        let none = Definitions::default();
        let (s, links) = shown(
            "see [the Charter](https://un.org/charter) and [again](https://un.org/charter)",
            &none,
        );
        assert_eq!(s, "see <the Charter>1 and <again>1");
        assert_eq!(links, ["https://un.org/charter"]);
    }

    #[test]
    fn a_reference_link_needs_its_definition() {
        let defs = Definitions::scan("[UNFCCC]: https://unfccc.int\n[^1]: A note.\n");
        let (s, links) = shown("under the [Convention][UNFCCC] and [UNFCCC][]", &defs);
        assert_eq!(s, "under the <Convention>1 and <UNFCCC>1");
        assert_eq!(links, ["https://unfccc.int"]);
        assert_eq!(defs.target("^1"), Some("A note."));
        // Without the definition, the same text is two negotiated alternatives.
        let none = Definitions::default();
        let text = "under the [Convention][UNFCCC]";
        let (s, links) = shown(text, &none);
        assert_eq!(s, text);
        assert!(links.is_empty());
        assert!(matches!(none.parse(text).nodes[1], Node::Group(_)));
    }

    #[test]
    fn a_bracket_group_is_not_a_link() {
        let none = Definitions::default();
        for text in [
            "Parties [shall][should] act",
            "Article [5](b) applies",
            "[text - EU / other text - USA]",
        ] {
            let (s, links) = shown(text, &none);
            assert_eq!(s, text);
            assert!(links.is_empty(), "{text}");
        }
    }

    #[test]
    fn links_and_emphasis_inside_nested_brackets() {
        let defs = Definitions::scan("[ref]: /x\n");
        let text = "[[*fully*][partly] see [the text][ref] - EU][no text - USA]";
        let (s, links) = shown(text, &defs);
        assert_eq!(s, "[[*fully*][partly] see <the text>1 - EU][no text - USA]");
        assert_eq!(links, ["/x"]);
        let url = "[a](https://x.org/a_b_c) and _b_";
        let (s, _) = shown(url, &defs);
        assert_eq!(s, "<a>1 and *b*");
    }

    #[test]
    fn as_written_keeps_links_and_strong_for_writers_read_back_as_markdown() {
        let defs = Definitions::scan("[ref]: /x\n").as_written();
        let text = "*Noting* the [text][ref], [this](https://x.org) and **that**";
        let (s, links) = shown(text, &defs);
        assert_eq!(
            s,
            "*Noting* the [text][ref], [this](https://x.org) and **that**"
        );
        assert!(links.is_empty());
        let m = markup(text, &defs.parse(text), &defs);
        assert!(m.looks[1].emphasis && !m.looks.iter().any(|l| l.strong));
    }
}
