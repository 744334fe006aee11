//! Second pass: turn matched pairs, escapes and option heads into the tree.
//!
//! Each stretch of text is visited once, at its own nesting level, and only the gaps between
//! its direct children are ever searched, so the whole pass stays linear.

use super::attrib;
use super::scan::{Head, Item, Pair, Scanned, item_start};
use super::{
    Alternative, Group, GroupForm, Node, OptionItem, OptionSet, RefLabels, Span, StatusMark, Tree,
    VerbatimKind,
};

pub(super) fn build(text: &str, refs: &RefLabels, mut scanned: Scanned) -> Tree {
    let root = std::mem::take(&mut scanned.root);
    let b = Builder {
        text,
        bytes: text.as_bytes(),
        s: &scanned,
        refs,
    };
    let nodes = b.seq(0, text.len(), &root);
    Tree {
        nodes,
        problems: std::mem::take(&mut scanned.problems),
    }
}

struct Builder<'a> {
    text: &'a str,
    bytes: &'a [u8],
    s: &'a Scanned,
    refs: &'a RefLabels,
}

/// What a matched pair turns out to be.
enum PairKind {
    Verbatim {
        end: usize,
        kind: VerbatimKind,
    },
    /// `[t][ref]` or `[ref][]`: also swallows the next pair.
    RefLinkPair {
        end: usize,
    },
    Status(StatusMark),
    Placeholder,
    Group,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Joint {
    Touching,
    Slash,
}

impl<'a> Builder<'a> {
    fn pair(&self, item: Item) -> Option<&'a Pair> {
        match item {
            Item::Pair(i) => Some(&self.s.pairs[i as usize]),
            _ => None,
        }
    }

    fn head(&self, i: u32) -> &'a Head {
        &self.s.heads[i as usize]
    }

    /// Nodes tiling `start..end`, options included.
    fn seq(&self, start: usize, end: usize, items: &[Item]) -> Vec<Node> {
        match items.iter().position(|i| matches!(i, Item::Head(_))) {
            None => self.plain(start, end, items),
            Some(k) => {
                let Item::Head(h) = items[k] else {
                    unreachable!("position found a head")
                };
                let set_start = self.head(h).start;
                let mut nodes = self.plain(start, set_start, &items[..k]);
                nodes.push(Node::Options(self.options(set_start, end, &items[k..])));
                nodes
            }
        }
    }

    /// Nodes tiling `start..end`, where any option heads are read as text.
    fn plain(&self, start: usize, end: usize, items: &[Item]) -> Vec<Node> {
        // At most a text node before each item and one at the end.
        let mut nodes = Vec::with_capacity(2 * items.len() + 1);
        let mut at = start;
        let mut i = 0;
        while i < items.len() {
            let (node, used) = match items[i] {
                Item::Head(_) => {
                    i += 1;
                    continue;
                }
                Item::Escape(p) => (
                    Node::Verbatim {
                        span: Span::new(p, p + 2),
                        kind: VerbatimKind::Escape,
                    },
                    1,
                ),
                Item::Pair(_) => self.pair_node(&items[i..]),
            };
            let span = node.span();
            push_text(&mut nodes, at, span.start);
            nodes.push(node);
            at = span.end;
            i += used;
        }
        push_text(&mut nodes, at, end);
        nodes
    }

    fn classify(&self, pair: &Pair, next: Option<Item>) -> PairKind {
        let content = pair.content().of(self.text);
        let after = pair.close + 1;
        if content.starts_with('^') {
            return PairKind::Verbatim {
                end: after,
                kind: VerbatimKind::Footnote,
            };
        }
        let next_pair = next.and_then(|n| self.pair(n)).filter(|p| p.open == after);
        if !self.refs.is_empty() {
            if self.bytes.get(after) == Some(&b':')
                && self.at_line_start(pair.open)
                && self.refs.contains(content)
            {
                return PairKind::Verbatim {
                    end: after + 1,
                    kind: VerbatimKind::RefDefinition,
                };
            }
            if let Some(np) = next_pair {
                let label = np.content().of(self.text);
                let is_ref = if label.is_empty() {
                    self.refs.contains(content)
                } else {
                    self.refs.contains(label)
                };
                if is_ref {
                    return PairKind::RefLinkPair { end: np.close + 1 };
                }
            }
        }
        if let Some(end) = self.link_destination(after) {
            return PairKind::Verbatim {
                end,
                kind: VerbatimKind::Link,
            };
        }
        if !self.refs.is_empty() && self.refs.contains(content) {
            return PairKind::Verbatim {
                end: after,
                kind: VerbatimKind::RefLink,
            };
        }
        if self.s.items(pair).is_empty()
            && let Some(mark) = attrib::status_mark(content)
        {
            return PairKind::Status(mark);
        }
        if attrib::is_placeholder(content) {
            return PairKind::Placeholder;
        }
        PairKind::Group
    }

    fn at_line_start(&self, at: usize) -> bool {
        let before = &self.bytes[at.saturating_sub(4)..at];
        let blanks = before.iter().rev().take_while(|&&b| b == b' ').count();
        blanks == at || before.len() > blanks && before[before.len() - blanks - 1] == b'\n'
    }

    /// `(url)` right after `]`: where it ends. A destination must look like one, so that
    /// `[5](b)` stays a bracket and a subparagraph. Stops at brackets and backslashes, which
    /// keeps the scan from crossing any other item (and so from being repeated).
    fn link_destination(&self, at: usize) -> Option<usize> {
        if self.bytes.get(at) != Some(&b'(') {
            return None;
        }
        let mut depth = 0usize;
        let mut looks_like_url = false;
        for (i, &b) in self.bytes[at + 1..].iter().enumerate() {
            match b {
                b')' if depth == 0 => return (i > 0 && looks_like_url).then_some(at + 2 + i),
                b')' => depth -= 1,
                b'(' => depth += 1,
                b'[' | b']' | b'\\' => return None,
                b if b.is_ascii_whitespace() => return None,
                b'/' | b'.' | b':' | b'#' | b'@' => looks_like_url = true,
                _ => {}
            }
        }
        None
    }

    /// The node starting with the pair `items[0]`, and how many items it used.
    fn pair_node(&self, items: &[Item]) -> (Node, usize) {
        let first = self.pair(items[0]).expect("pair_node starts at a pair");
        let span_to = |end| Span::new(first.open, end);
        match self.classify(first, items.get(1).copied()) {
            PairKind::Verbatim { end, kind } => {
                return (
                    Node::Verbatim {
                        span: span_to(end),
                        kind,
                    },
                    1,
                );
            }
            PairKind::RefLinkPair { end } => {
                return (
                    Node::Verbatim {
                        span: span_to(end),
                        kind: VerbatimKind::RefLink,
                    },
                    2,
                );
            }
            PairKind::Status(mark) => {
                return (
                    Node::Status {
                        span: span_to(first.close + 1),
                        mark,
                    },
                    1,
                );
            }
            PairKind::Placeholder => return (Node::Placeholder(span_to(first.close + 1)), 1),
            PairKind::Group => {}
        }

        // The chain of pairs forming the group is always `items[..len]`: only its length and
        // last pair need keeping.
        let mut len = 1;
        let mut last = first;
        let mut joint = None;
        while let Some(&item) = items.get(len) {
            let Some(next) = self.pair(item) else { break };
            let gap = &self.bytes[last.close + 1..next.open];
            let this_joint = if gap.is_empty() {
                Joint::Touching
            } else if is_slash_gap(gap) {
                Joint::Slash
            } else {
                break;
            };
            if !matches!(
                self.classify(next, items.get(len + 1).copied()),
                PairKind::Group
            ) {
                break;
            }
            if joint != Some(Joint::Slash) {
                joint = Some(this_joint);
            }
            last = next;
            len += 1;
        }

        let span = span_to(last.close + 1);
        // Sized for one alternative per pair; a lone pair reserves exactly what it adds.
        let mut alternatives = Vec::with_capacity(if len == 1 { 0 } else { len });
        let form = if len == 1 {
            if self.alternatives_into(first, &mut alternatives) {
                GroupForm::Inline
            } else {
                GroupForm::Single
            }
        } else {
            for &item in &items[..len] {
                let pair = self.pair(item).expect("a chain holds only pairs");
                self.alternatives_into(pair, &mut alternatives);
            }
            match joint {
                Some(Joint::Slash) => GroupForm::Slash,
                _ => GroupForm::Stacked,
            }
        };
        let group = Group {
            span,
            form,
            alternatives,
        };
        (Node::Group(group), len)
    }

    /// Appends the alternatives inside one pair to `out`; returns whether the content was
    /// split into several.
    fn alternatives_into(&self, pair: &Pair, out: &mut Vec<Alternative>) -> bool {
        let content = pair.content();
        let items = self.s.items(pair);
        let before = out.len();

        let seps = self.spaced_slashes(content, items);
        if seps.is_empty() {
            // One segment, by far the commonest case: no list of segments to build.
            let scan_from = items
                .last()
                .map_or(content.start, |&i| self.item_end(i))
                .max(content.start);
            let tail = attrib::tail(self.text, content.start, content.end, scan_from);
            if !tail.is_attributed() {
                return self.unattributed_into(content, items, out);
            }
            self.attributed_into(content, items, tail, out);
            return out.len() - before > 1;
        }

        let mut segments = Vec::with_capacity(seps.len() + 1);
        let mut from = content.start;
        let mut rest = items;
        for &(sep_start, sep_end) in seps.iter().chain(&[(content.end, content.end)]) {
            let k = rest.partition_point(|&i| item_start(self.s, i) < sep_start);
            let (mine, later) = rest.split_at(k);
            let scan_from = mine.last().map_or(from, |&i| self.item_end(i)).max(from);
            let tail = attrib::tail(self.text, from, sep_start, scan_from);
            segments.push((Span::new(from, sep_start), mine, tail));
            from = sep_end;
            rest = later;
        }

        if !segments.iter().any(|(_, _, t)| t.is_attributed()) {
            return self.unattributed_into(content, items, out);
        }
        out.reserve_exact(segments.iter().map(|(_, _, t)| 1 + t.deletions.len()).sum());
        for (span, items, tail) in segments {
            self.attributed_into(span, items, tail, out);
        }
        out.len() - before > 1
    }

    /// A pair's content without attributions: split at slashes inside one word, or whole.
    fn unattributed_into(&self, content: Span, items: &[Item], out: &mut Vec<Alternative>) -> bool {
        if items.is_empty() && attrib::splits_inline(content.of(self.text)) {
            let slashes = memchr::memchr_iter(b'/', content.of(self.text).as_bytes());
            out.reserve_exact(slashes.clone().count() + 1);
            let mut at = content.start;
            for end in slashes.map(|s| content.start + s).chain([content.end]) {
                out.push(self.alternative(Span::new(at, end), Span::new(at, end), &[]));
                at = end + 1;
            }
            return true;
        }
        out.reserve_exact(1);
        out.push(self.alternative(content, content, items));
        false
    }

    /// One attributed segment: its alternative, then one per deletion clause.
    fn attributed_into(
        &self,
        span: Span,
        items: &[Item],
        tail: attrib::Tail,
        out: &mut Vec<Alternative>,
    ) {
        out.reserve_exact(1 + tail.deletions.len());
        let body = Span::new(span.start, tail.body_end);
        let mut alt = self.alternative(Span::new(span.start, tail.end), body, items);
        alt.proposers = tail.proposers;
        out.push(alt);
        for (start, end, codes) in tail.deletions {
            out.push(Alternative {
                span: Span::new(start, end),
                body: Span::new(start, start),
                nodes: Vec::new(),
                proposers: codes,
                deletion: true,
            });
        }
    }

    fn alternative(&self, span: Span, body: Span, items: &[Item]) -> Alternative {
        Alternative {
            span,
            body,
            nodes: self.seq(body.start, body.end, items),
            proposers: Vec::new(),
            deletion: false,
        }
    }

    fn item_end(&self, item: Item) -> usize {
        match item {
            Item::Pair(i) => self.s.pairs[i as usize].close + 1,
            Item::Escape(p) => p + 2,
            Item::Head(i) => self.head(i).end,
        }
    }

    /// ` / ` separators (a slash with a space or tab on each side) between the direct
    /// children of `content`, as `(start, end)` including the blanks.
    fn spaced_slashes(&self, content: Span, items: &[Item]) -> Vec<(usize, usize)> {
        let mut seps: Vec<(usize, usize)> = Vec::new();
        let mut gap_start = content.start;
        let gap_ends = items
            .iter()
            .map(|&i| (item_start(self.s, i), self.item_end(i)))
            .chain([(content.end, content.end)]);
        for (gap_end, next_start) in gap_ends {
            let gap = &self.bytes[gap_start..gap_end];
            for k in memchr::memchr_iter(b'/', gap) {
                let blank = |b: u8| b == b' ' || b == b'\t';
                let prev_end = seps.last().map_or(0, |s| s.1);
                let at = gap_start + k;
                if k >= 1
                    && k + 1 < gap.len()
                    && blank(gap[k - 1])
                    && blank(gap[k + 1])
                    && at > prev_end
                {
                    seps.push((at - 1, at + 2));
                }
            }
            gap_start = next_start.max(gap_start);
        }
        seps
    }

    fn options(&self, start: usize, end: usize, items: &[Item]) -> OptionSet {
        let top_kind = items.iter().find_map(|&i| match i {
            Item::Head(h) => Some(self.head(h).kind),
            _ => None,
        });
        let is_top = |i: &Item| matches!(i, Item::Head(h) if Some(self.head(*h).kind) == top_kind);
        let options = chunks(items, is_top)
            .filter_map(|(from, to)| {
                let Item::Head(h) = items[from] else {
                    return None;
                };
                let item_end = items.get(to).map_or(end, |&i| item_start(self.s, i));
                Some(self.option_item(h, item_end, &items[from + 1..to]))
            })
            .collect();
        OptionSet {
            span: Span::new(start, end),
            options,
        }
    }

    /// One option ending at `end`; any heads in `items` are its sub-options. Every level
    /// below the top is read as a sub-option: real texts do not go deeper.
    fn option_item(&self, h: u32, end: usize, items: &[Item]) -> OptionItem {
        let head = self.head(h);
        let is_head = |i: &Item| matches!(i, Item::Head(_));
        let first_sub = items.iter().position(is_head).unwrap_or(items.len());
        let body_end = items.get(first_sub).map_or(end, |&i| item_start(self.s, i));
        let body = Span::new(head.end, body_end);
        let subs = &items[first_sub..];
        let sub_options = chunks(subs, is_head)
            .filter_map(|(from, to)| {
                let Item::Head(sh) = subs[from] else {
                    return None;
                };
                let sub_end = subs.get(to).map_or(end, |&i| item_start(self.s, i));
                Some(self.option_item(sh, sub_end, &subs[from + 1..to]))
            })
            .collect();
        OptionItem {
            label: head.label,
            span: Span::new(head.start, end),
            body,
            nodes: self.plain(body.start, body.end, &items[..first_sub]),
            no_text: attrib::is_no_text(body.of(self.text)),
            sub_options,
        }
    }
}

/// Splits `items` before each item where `starts` holds, as index ranges.
fn chunks(items: &[Item], starts: impl Fn(&Item) -> bool) -> impl Iterator<Item = (usize, usize)> {
    let mut from = 0;
    std::iter::from_fn(move || {
        if from >= items.len() {
            return None;
        }
        let len = 1 + items[from + 1..]
            .iter()
            .position(&starts)
            .unwrap_or(items.len() - from - 1);
        let range = (from, from + len);
        from += len;
        Some(range)
    })
}

/// A gap of only a slash with spaces or tabs around it: `/`, ` / `.
fn is_slash_gap(gap: &[u8]) -> bool {
    let blank = |b: &u8| *b == b' ' || *b == b'\t';
    let Some(slash) = gap.iter().position(|b| !blank(b)) else {
        return false;
    };
    gap[slash] == b'/' && gap[slash + 1..].iter().all(blank)
}

fn push_text(nodes: &mut Vec<Node>, start: usize, end: usize) {
    if start < end {
        nodes.push(Node::Text(Span::new(start, end)));
    }
}
