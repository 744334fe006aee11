//! First pass: match brackets and find escapes and option heads, in one linear sweep.
//!
//! The result is a forest of matched pairs whose children ("items") sit in one shared
//! arena, so matching allocates nothing per pair and unmatched brackets cost no rescans.

use super::{MAX_DEPTH, Problem, ProblemKind, Span};
use memchr::memmem;

/// Something the second pass must look at inside a stretch of text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Item {
    /// Index into [`Scanned::pairs`].
    Pair(u32),
    /// `\[` or `\]` at this offset.
    Escape(usize),
    /// Index into [`Scanned::heads`].
    Head(u32),
}

#[derive(Clone, Debug)]
pub(super) struct Pair {
    pub open: usize,
    pub close: usize,
    /// Direct children, as a range of [`Scanned::arena`].
    pub items: std::ops::Range<usize>,
}

impl Pair {
    pub fn content(&self) -> Span {
        Span::new(self.open + 1, self.close)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum LabelKind {
    Number,
    Letter,
    Paren,
}

/// `Option 1:` at the start of a line.
#[derive(Clone, Debug)]
pub(super) struct Head {
    /// Where the option's span begins: the line start, or just after the `[` that opens it.
    pub start: usize,
    pub label: Span,
    pub kind: LabelKind,
    /// Just after the colon (or the label, when the head stands alone on its line).
    pub end: usize,
}

#[derive(Debug, Default)]
pub(super) struct Scanned {
    pub pairs: Vec<Pair>,
    pub arena: Vec<Item>,
    pub heads: Vec<Head>,
    pub root: Vec<Item>,
    pub problems: Vec<Problem>,
}

impl Scanned {
    pub fn items(&self, pair: &Pair) -> &[Item] {
        &self.arena[pair.items.clone()]
    }
}

/// Where an item starts, for splitting item lists at a text offset.
pub(super) fn item_start(s: &Scanned, item: Item) -> usize {
    match item {
        Item::Pair(i) => s.pairs[i as usize].open,
        Item::Escape(p) => p,
        Item::Head(i) => s.heads[i as usize].start,
    }
}

pub(super) fn scan(text: &str) -> Scanned {
    let bytes = text.as_bytes();
    let mut out = Scanned::default();
    // Items of every open frame, innermost last; a frame's items start at its recorded index.
    let mut items: Vec<Item> = Vec::new();
    let mut stack: Vec<(usize, usize)> = Vec::new();
    // Opens beyond MAX_DEPTH: they and their closes are plain text.
    let mut too_deep = 0usize;
    let mut skip_to = 0usize;

    let mut heads = memmem::find_iter(bytes, b"Option")
        .filter_map(|p| head_at(bytes, p))
        .peekable();

    for i in memchr::memchr3_iter(b'[', b']', b'\\', bytes) {
        while let Some(h) = heads.next_if(|h| h.start <= i) {
            if h.start >= skip_to {
                items.push(Item::Head(out.heads.len() as u32));
                out.heads.push(h);
            }
        }
        if i < skip_to {
            continue;
        }
        match bytes[i] {
            b'[' => {
                if stack.len() >= MAX_DEPTH {
                    if too_deep == 0 {
                        out.problems.push(Problem::new(i, ProblemKind::TooDeep));
                    }
                    too_deep += 1;
                } else {
                    stack.push((i, items.len()));
                }
            }
            b']' => {
                if too_deep > 0 {
                    too_deep -= 1;
                } else if let Some((open, first)) = stack.pop() {
                    let start = out.arena.len();
                    out.arena.extend(items.drain(first..));
                    items.push(Item::Pair(out.pairs.len() as u32));
                    out.pairs.push(Pair {
                        open,
                        close: i,
                        items: start..out.arena.len(),
                    });
                } else {
                    out.problems
                        .push(Problem::new(i, ProblemKind::StrayBracket));
                }
            }
            _ => match bytes.get(i + 1) {
                Some(b'[' | b']') => {
                    items.push(Item::Escape(i));
                    skip_to = i + 2;
                }
                // An escaped backslash: the bracket after it is a real one.
                Some(b'\\') => skip_to = i + 2,
                _ => {}
            },
        }
    }
    for h in heads {
        items.push(Item::Head(out.heads.len() as u32));
        out.heads.push(h);
    }
    // Items of frames never closed already sit in document order, so they simply become
    // the root's: the unclosed `[` itself is text.
    for &(open, _) in &stack {
        out.problems
            .push(Problem::new(open, ProblemKind::UnclosedBracket));
    }
    out.root = items;
    out.problems.sort_by_key(|p| p.offset);
    out
}

fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Recognises `Option LABEL:` (or `Option LABEL` ending its line) at `p`, where only spaces,
/// tabs or an opening bracket may precede it on its line.
fn head_at(bytes: &[u8], p: usize) -> Option<Head> {
    let mut start = p;
    while start > 0 && is_blank(bytes[start - 1]) {
        start -= 1;
    }
    if start > 0 && !matches!(bytes[start - 1], b'\n' | b'[') {
        return None;
    }
    // A `\[` is an escape, not an opening bracket.
    if start > 0 && bytes[start - 1] == b'[' && start > 1 && bytes[start - 2] == b'\\' {
        return None;
    }
    let mut i = p + "Option".len();
    let blanks = i;
    while i < bytes.len() && is_blank(bytes[i]) {
        i += 1;
    }
    if i == blanks {
        return None;
    }
    let label_start = i;
    let kind = match bytes.get(i)? {
        b'0'..=b'9' => {
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            LabelKind::Number
        }
        b'(' => {
            let close = bytes[i..].iter().take(8).position(|&b| b == b')')?;
            let inner = &bytes[i + 1..i + close];
            if inner.is_empty() || !inner.iter().all(u8::is_ascii_alphanumeric) {
                return None;
            }
            i += close + 1;
            LabelKind::Paren
        }
        b if b.is_ascii_alphabetic() => {
            i += 1;
            LabelKind::Letter
        }
        _ => return None,
    };
    let label = Span::new(label_start, i);
    let mut j = i;
    while j < bytes.len() && is_blank(bytes[j]) {
        j += 1;
    }
    let end = match bytes.get(j) {
        Some(b':') => j + 1,
        None | Some(b'\n') | Some(b'\r') => i,
        _ => return None,
    };
    Some(Head {
        start,
        label,
        kind,
        end,
    })
}
