//! Clause-by-clause comparison of two versions of the text.
//!
//! Two versions are compared by stable clause id ([`compare`]): each clause is unchanged,
//! changed (with word-level operations), inserted, deleted, moved or renumbered. Moves are
//! found among siblings, so an article that moves is one move, not a move of each of its
//! paragraphs. Which versions to compare (a round, a commit, a delegation's position) is
//! the record's business: `treaty_record::versions`.
//!
//! Words are [`tokens`]: the one tokeniser of the workspace, which blame uses too.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::ops::Range;

use serde::Serialize;
use similar::{Algorithm, DiffTag, capture_diff_slices};

use crate::draft::{Clause, Draft};
use crate::suggest::did_you_mean;

/// A clause id that names no clause in either version.
#[derive(Debug, thiserror::Error)]
#[error("unknown clause id `{id}`{}", did_you_mean(.suggest.as_deref()))]
pub struct UnknownClause {
    pub id: String,
    pub suggest: Option<String>,
}

/// One word-level operation: a run of tokens kept, removed or added.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum WordOp {
    Equal(String),
    Delete(String),
    Insert(String),
}

/// What happened to one clause between the two versions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "change", rename_all = "lowercase")]
pub enum ClauseChange {
    Unchanged,
    Changed {
        words: Vec<WordOp>,
    },
    Inserted {
        text: String,
    },
    Deleted {
        text: String,
    },
    /// `from` is the clause's reference in the first version, `to` where it now stands
    /// (`after Article 1`); `words` when its text changed too.
    Moved {
        from: String,
        to: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        words: Option<Vec<WordOp>>,
    },
    Renumbered {
        old: String,
        new: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        words: Option<Vec<WordOp>>,
    },
}

impl ClauseChange {
    pub fn is_unchanged(&self) -> bool {
        matches!(self, ClauseChange::Unchanged)
    }

    /// `changed`, `inserted`, …
    pub fn word(&self) -> &'static str {
        match self {
            ClauseChange::Unchanged => "unchanged",
            ClauseChange::Changed { .. } => "changed",
            ClauseChange::Inserted { .. } => "inserted",
            ClauseChange::Deleted { .. } => "deleted",
            ClauseChange::Moved { .. } => "moved",
            ClauseChange::Renumbered { .. } => "renumbered",
        }
    }
}

/// One clause of the comparison.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClauseDiff {
    /// The stable id (or `@reference` for a clause that has none).
    pub id: String,
    /// `Article 9 bis, paragraph 2`: in the second version, or in the first when deleted.
    pub reference: String,
    #[serde(flatten)]
    pub change: ClauseChange,
}

/// The comparison of two versions, in the second version's order (deleted clauses where
/// they stood in the first).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DraftDiff {
    pub clauses: Vec<ClauseDiff>,
}

impl DraftDiff {
    /// Only the clauses that differ.
    pub fn changed(&self) -> impl Iterator<Item = &ClauseDiff> {
        self.clauses.iter().filter(|c| !c.change.is_unchanged())
    }

    pub fn is_empty(&self) -> bool {
        self.changed().next().is_none()
    }
}

/// What a clause is matched by across versions: its id, or for a clause without one
/// (before `treaty fmt`), its reference.
fn key(draft: &Draft, i: usize) -> Cow<'_, str> {
    match &draft.clauses[i].id {
        Some(id) => Cow::Borrowed(id),
        None => Cow::Owned(format!("@{}", draft.reference(i))),
    }
}

/// The words compared for a clause: its title (headings) and its text.
fn content(c: &Clause) -> String {
    match &c.title {
        Some(t) if !c.text.is_empty() => format!("{t}\n{}", c.text),
        Some(t) => t.clone(),
        None => c.text.clone(),
    }
}

fn same_content(a: &Clause, b: &Clause) -> bool {
    a.text == b.text && a.title == b.title
}

/// Splits text into tokens: runs of letters and digits (and `_`), runs of white space, and
/// every other character on its own. Concatenated, the tokens give back the text.
///
/// This is the workspace's one notion of a word. Marks stand alone so that a lifted
/// bracket shows as the removal of `[` and `]`, a slash between alternatives is a token of
/// its own, and a comma added after a word leaves the word where it was: word diffs and
/// word-level blame both read text through it.
pub fn tokens(text: &str) -> Vec<&str> {
    // About one token in three bytes, in drafts: one allocation for a clause. Past a few
    // thousand the list grows as it fills, so text built to be large (one long word)
    // does not reserve five times its size up front.
    let mut tokens = Vec::with_capacity((text.len() / 3 + 1).min(4096));
    tokens.extend(token_spans(text).map(|(a, b)| &text[a..b]));
    tokens
}

/// The byte ranges of [`tokens`].
pub fn token_spans(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut pos = 0;
    std::iter::from_fn(move || {
        let start = pos;
        let (kind, len) = token_class(text, pos)?;
        pos += len;
        if kind != TokenClass::Mark {
            // A run of ASCII (most of any draft) is scanned by the byte.
            let bytes = text.as_bytes();
            while let Some(&byte) = bytes.get(pos) {
                let (next, len) = match byte.is_ascii() {
                    true => (ASCII_CLASS[usize::from(byte)], 1),
                    false => token_class(text, pos).expect("pos is inside the text"),
                };
                if next != kind {
                    break;
                }
                pos += len;
            }
        }
        Some((start, pos))
    })
}

/// The class of each ASCII character ([`token_class`]).
const ASCII_CLASS: [TokenClass; 128] = {
    let mut classes = [TokenClass::Mark; 128];
    let mut byte = 0;
    while byte < 128 {
        classes[byte] = match byte as u8 {
            b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z' | b'_' => TokenClass::Word,
            b' ' | b'\t'..=b'\r' => TokenClass::Space,
            _ => TokenClass::Mark,
        };
        byte += 1;
    }
    classes
};

/// What a token is made of: letters, digits and `_`; white space; or one mark.
#[derive(PartialEq, Clone, Copy, Debug)]
enum TokenClass {
    Word,
    Space,
    Mark,
}

/// The class of the character at byte `i` of `text`, and its length in bytes. ASCII (the
/// bulk of any draft) is classed from its byte alone, as `char`'s own tests would class it.
#[inline]
fn token_class(text: &str, i: usize) -> Option<(TokenClass, usize)> {
    let byte = *text.as_bytes().get(i)?;
    if byte.is_ascii() {
        return Some((ASCII_CLASS[usize::from(byte)], 1));
    }
    let c = text[i..].chars().next()?;
    let kind = if c.is_alphanumeric() {
        TokenClass::Word
    } else if c.is_whitespace() {
        TokenClass::Space
    } else {
        TokenClass::Mark
    };
    Some((kind, c.len_utf8()))
}

/// Word-level operations turning `old` into `new`, grouped into phrases ([`phrases`]):
/// what every reader of a change is shown.
pub fn word_ops(old: &str, new: &str) -> Vec<WordOp> {
    phrases(old, new, token_ops(old, new))
}

/// `a` and `b` with each distinct token replaced by one number (equal tokens, equal
/// numbers), and how many numbers there can be. A token of one byte (a space, most marks:
/// about half of all tokens) is its own number, below 256, and is not looked up.
fn interned<'t>(a: &[&'t str], b: &[&'t str]) -> (Vec<u32>, Vec<u32>, usize) {
    const BYTES: usize = 256;
    let mut ids: rustc_hash::FxHashMap<&'t str, u32> =
        HashMap::with_capacity_and_hasher((a.len() + b.len()) / 2, Default::default());
    let mut id = |t: &'t str| -> u32 {
        if let [byte] = t.as_bytes() {
            return u32::from(*byte);
        }
        let next = (BYTES + ids.len()) as u32;
        *ids.entry(t).or_insert(next)
    };
    let ids_a = a.iter().map(|&t| id(t)).collect();
    let ids_b = b.iter().map(|&t| id(t)).collect();
    (ids_a, ids_b, BYTES + ids.len())
}

/// The runs of tokens `a` and `b` share, in order, as (start in `a`, start in `b`,
/// length).
///
/// As git's xdiff does before it diffs, tokens that cannot be shared are set aside first:
/// a token the other side does not have at all, and white space between two such tokens
/// (it reads as part of the change whichever way it is matched: [`phrases`] folds it).
/// The rest is aligned by the histogram diff (imara-diff, as `git diff --histogram`): it
/// anchors on the rarest shared words rather than on the most shared tokens, so a kept
/// phrase of meaning wins over a scatter of kept spaces, commas and articles, and a
/// paragraph replaced outright costs it almost nothing. Across the twelve round-to-round
/// diffs of the UN-scale bench record it changed 1–2% fewer characters than Myers did,
/// at a tenth of the cost.
fn shared_runs(a: &[&str], b: &[&str]) -> Vec<(usize, usize, usize)> {
    let (ids_a, ids_b, distinct) = interned(a, b);
    let present = |ids: &[u32]| {
        let mut seen = vec![false; distinct];
        for &t in ids {
            seen[t as usize] = true;
        }
        seen
    };
    let (in_a, in_b) = (present(&ids_a), present(&ids_b));
    let kept_a = matchable(a, &ids_a, &in_b);
    let kept_b = matchable(b, &ids_b, &in_a);
    let only = |kept: &[usize], ids: &[u32]| -> Vec<imara_diff::Token> {
        kept.iter().map(|&i| imara_diff::Token(ids[i])).collect()
    };
    let (left, right) = (only(&kept_a, &ids_a), only(&kept_b, &ids_b));
    let mut diff = imara_diff::Diff::default();
    diff.compute_with(
        imara_diff::Algorithm::Histogram,
        &left,
        &right,
        distinct as u32,
    );
    let mut runs: Vec<(usize, usize, usize)> = Vec::new();
    let mut push_equal = |from_a: u32, from_b: u32, len: u32| {
        for k in 0..len {
            let (x, y) = (kept_a[(from_a + k) as usize], kept_b[(from_b + k) as usize]);
            match runs.last_mut() {
                Some((s, t, len)) if *s + *len == x && *t + *len == y => *len += 1,
                _ => runs.push((x, y, 1)),
            }
        }
    };
    let (mut i, mut j) = (0, 0);
    for hunk in diff.hunks() {
        push_equal(i, j, hunk.before.start - i);
        (i, j) = (hunk.before.end, hunk.after.end);
    }
    push_equal(i, j, left.len() as u32 - i);
    runs
}

/// The positions of the tokens of one side that may be shared with the other (`other`:
/// which token numbers the other side has), in order.
fn matchable(tokens: &[&str], ids: &[u32], other: &[bool]) -> Vec<usize> {
    let shareable = |i: usize| other[ids[i] as usize];
    (0..tokens.len())
        .filter(|&i| {
            shareable(i)
                && !(i > 0
                    && i + 1 < tokens.len()
                    && tokens[i].starts_with(char::is_whitespace)
                    && !shareable(i - 1)
                    && !shareable(i + 1))
        })
        .collect()
}

/// How many tokens, both versions together, a changed stretch of one clause may have and
/// still be diffed word by word (about 5,000 words). Past it, text built to exhaust the
/// diff's time or memory (a clause of a million words) is shown as left out and inserted
/// whole, after what both versions begin and end with. Only the changed stretch is
/// numbered for the diff, so a fast (not collision-proof) hash sees at most this many
/// tokens.
const MAX_DIFFED_TOKENS: usize = 10_000;

/// The word diff of `old` and `new` as the diff finds it, in order: stretches of text both
/// share and changes between them, none empty, no two of a kind side by side.
fn token_ops(old: &str, new: &str) -> Vec<Stretch> {
    // What both versions begin and end with is kept; only the rest is split into tokens
    // and diffed, and only if it is small enough for a diff to finish (see
    // `MAX_DIFFED_TOKENS`).
    let (head, end_a, end_b) = shared_ends(old, new);
    let (old_mid, new_mid) = (&old[head..end_a], &new[head..end_b]);
    let (a, b) = (tokens(old_mid), tokens(new_mid));
    let mut out: Vec<Stretch> = Vec::new();
    let mut push = |same: bool, old: Range<usize>, new: Range<usize>| {
        if old.is_empty() && new.is_empty() {
            return;
        }
        match out.last_mut() {
            Some(last) if last.same == same => {
                last.old.end = old.end;
                last.new.end = new.end;
            }
            _ => out.push(Stretch { same, old, new }),
        }
    };
    push(true, 0..head, 0..head);
    if a.len() + b.len() > MAX_DIFFED_TOKENS {
        push(false, head..end_a, head..end_b);
    } else {
        // Tokens follow each other: a run of them is one range of its text.
        let (at_a, at_b) = (starts(head, &a), starts(head, &b));
        for seg in slid_together(alignment(&a, &b), &a, &b) {
            push(
                seg.shared,
                at_a[seg.a.start]..at_a[seg.a.end],
                at_b[seg.b.start]..at_b[seg.b.end],
            );
        }
    }
    push(true, end_a..old.len(), end_b..new.len());
    out
}

/// Where the tokens `old` and `new` begin and end with in common stop, in bytes: the end
/// of the shared beginning, and where the shared ending starts in `old` and in `new`. Found
/// from the bytes, so what the two share (most of a clause, for most amendments) is never
/// split into tokens: whether a token ends between two characters depends on those two
/// alone ([`token_boundary`]), so both texts have the same tokens up to the first byte
/// they differ in, save the one that byte is in.
fn shared_ends(old: &str, new: &str) -> (usize, usize, usize) {
    let (a, b) = (old.as_bytes(), new.as_bytes());
    let both = |x: usize, y: usize| token_boundary(old, x) && token_boundary(new, y);
    let mut head = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    while !both(head, head) {
        head -= 1;
    }
    let tail = a[head..]
        .iter()
        .rev()
        .zip(b[head..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (mut end_a, mut end_b) = (a.len() - tail, b.len() - tail);
    while !both(end_a, end_b) {
        (end_a, end_b) = (end_a + 1, end_b + 1);
    }
    (head, end_a, end_b)
}

/// Whether [`tokens`] of `text` has a token end at byte `at`: the text's start or end, or
/// between two characters of which one is a mark or that differ in class.
fn token_boundary(text: &str, at: usize) -> bool {
    if at == 0 || at == text.len() {
        return true;
    }
    if !text.is_char_boundary(at) {
        return false;
    }
    let before = text[..at].chars().next_back().map_or(0, char::len_utf8);
    match (token_class(text, at - before), token_class(text, at)) {
        (Some((x, _)), Some((y, _))) => x == TokenClass::Mark || x != y,
        _ => true,
    }
}

/// Where each of `tokens` starts in its text, and where the last ends, in bytes: the
/// first at `from`.
fn starts(from: usize, tokens: &[&str]) -> Vec<usize> {
    let mut starts = Vec::with_capacity(tokens.len() + 1);
    let mut at = from;
    starts.push(at);
    for t in tokens {
        at += t.len();
        starts.push(at);
    }
    starts
}

/// A stretch of an alignment of two token sequences: tokens both share (`a` and `b` of
/// the same length) or a change (either may be empty).
#[derive(Clone, Debug)]
struct Segment {
    shared: bool,
    a: Range<usize>,
    b: Range<usize>,
}

/// Appends `seg`, joining it to the last segment when both are shared (or both changes)
/// and leaving out empty ones.
fn push_segment(segs: &mut Vec<Segment>, seg: Segment) {
    if seg.a.is_empty() && seg.b.is_empty() {
        return;
    }
    match segs.last_mut() {
        Some(last) if last.shared == seg.shared => {
            last.a.end = seg.a.end;
            last.b.end = seg.b.end;
        }
        _ => segs.push(seg),
    }
}

/// `a` and `b` aligned: the runs they share ([`shared_runs`]) and the changes between.
fn alignment(a: &[&str], b: &[&str]) -> Vec<Segment> {
    let mut segs = Vec::new();
    let (mut x, mut y) = (0, 0);
    let end = (a.len(), b.len(), 0);
    for (s, t, len) in shared_runs(a, b).into_iter().chain([end]) {
        // A token set aside before the diff may still begin or end both sides of a
        // change (white space, mostly): it is shared, not changed.
        let pre = common_start(&a[x..s], &b[y..t]);
        let post = common_end(&a[x + pre..s], &b[y + pre..t]);
        let shared = |a: Range<usize>, b: Range<usize>| Segment { shared: true, a, b };
        push_segment(&mut segs, shared(x..x + pre, y..y + pre));
        push_segment(
            &mut segs,
            Segment {
                shared: false,
                a: x + pre..s - post,
                b: y + pre..t - post,
            },
        );
        push_segment(&mut segs, shared(s - post..s + len, t - post..t + len));
        (x, y) = (s + len, t + len);
    }
    segs
}

/// The alignment with each change that only leaves out or only inserts moved onto the
/// change before or after it, where the text it would slide over repeats it. Such a change
/// can sit in more than one place (inserting `e ` after the space of `d c` is inserting
/// ` e` before it); wherever the diff put it, the reader should see one phrase changed, not
/// a change, a shared space and another change (as git's `xdl_change_compact` joins line
/// changes).
fn slid_together(mut segs: Vec<Segment>, a: &[&str], b: &[&str]) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::with_capacity(segs.len());
    let mut i = 0;
    while i < segs.len() {
        let seg = segs[i].clone();
        let one_sided = !seg.shared && (seg.a.is_empty() || seg.b.is_empty());
        if !one_sided {
            push_segment(&mut out, seg);
            i += 1;
            continue;
        }
        let in_b = seg.a.is_empty();
        let (tokens, range) = if in_b {
            (b, seg.b.clone())
        } else {
            (a, seg.a.clone())
        };
        // Up, onto the change before: the shared stretch between moves behind it.
        if let [.., before_change, before] = out.as_slice()
            && !before_change.shared
            && before.shared
        {
            let l = before.a.len();
            if l <= range.start && (1..=l).all(|k| tokens[range.start - k] == tokens[range.end - k])
            {
                let before = out.pop().expect("matched above");
                let moved = range.start - l..range.end - l;
                let change = out.last_mut().expect("matched above");
                let behind = if in_b {
                    change.b.end = moved.end;
                    Segment {
                        shared: true,
                        a: before.a,
                        b: moved.end..range.end,
                    }
                } else {
                    change.a.end = moved.end;
                    Segment {
                        shared: true,
                        a: moved.end..range.end,
                        b: before.b,
                    }
                };
                segs[i] = behind;
                continue;
            }
        }
        // Down, onto the change after: the shared stretch between moves ahead of it.
        if let [after, after_change, ..] = &segs[i + 1..]
            && after.shared
            && !after_change.shared
        {
            let l = after.a.len();
            if range.end + l <= tokens.len()
                && (0..l).all(|k| tokens[range.start + k] == tokens[range.end + k])
            {
                let ahead = if in_b {
                    Segment {
                        shared: true,
                        a: after.a.clone(),
                        b: range.start..range.start + l,
                    }
                } else {
                    Segment {
                        shared: true,
                        a: range.start..range.start + l,
                        b: after.b.clone(),
                    }
                };
                push_segment(&mut out, ahead);
                let next = &mut segs[i + 2];
                if in_b {
                    next.b.start = range.start + l;
                } else {
                    next.a.start = range.start + l;
                }
                i += 2;
                continue;
            }
        }
        push_segment(&mut out, seg);
        i += 1;
    }
    out
}

/// How many tokens `a` and `b` begin with in common.
fn common_start(a: &[&str], b: &[&str]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

/// How many tokens `a` and `b` end with in common.
fn common_end(a: &[&str], b: &[&str]) -> usize {
    a.iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

/// One stretch of a word diff, as byte ranges of the old and the new text: text both
/// share (`same`: the two ranges hold the same bytes), or a change (the old range left
/// out, the new one inserted; either may be empty).
#[derive(Clone, Debug)]
struct Stretch {
    same: bool,
    old: Range<usize>,
    new: Range<usize>,
}

/// How many words (runs of letters and digits) `text` has.
fn word_count(text: &str) -> usize {
    token_spans(text)
        .filter(|&(start, _)| {
            text[start..]
                .chars()
                .next()
                .is_some_and(char::is_alphanumeric)
        })
        .count()
}

/// Groups a word diff into phrases, as drafters read changes: a stretch of shared text
/// between two changes is folded into them (left out and inserted again) when it is white
/// space, or at most two words shorter than the change on either side. Alternating
/// single words (`[-including-]{+the+} [-in accordance-]{+interest+}…`) become one phrase
/// replaced by another; a shared word that carries meaning between two long changes, or
/// a bracket lifted around kept text, stays as it is. Every change reads as what was left
/// out, then what was inserted. The old and new texts are given back exactly.
fn phrases(old: &str, new: &str, stretches: Vec<Stretch>) -> Vec<WordOp> {
    // A change's text is one range of each side, however much is folded into it: what
    // it folds lies between its parts.
    let changed = |c: &Stretch| {
        old[c.old.clone()]
            .chars()
            .count()
            .max(new[c.new.clone()].chars().count())
    };
    let mut out: Vec<Stretch> = Vec::with_capacity(stretches.len());
    let mut rest = stretches.into_iter().peekable();
    while let Some(stretch) = rest.next() {
        let last = out.last_mut().filter(|last| !last.same);
        if !stretch.same {
            // A change right after a change folded into it joins it.
            match last {
                Some(last) => (last.old.end, last.new.end) = (stretch.old.end, stretch.new.end),
                None => out.push(stretch),
            }
            continue;
        }
        let same = &old[stretch.old.clone()];
        let folds = match (&last, rest.peek()) {
            (Some(before), Some(after)) if !after.same => {
                let len = same.trim().chars().count();
                same.trim().is_empty()
                    || (word_count(same) <= 2 && len < changed(before) && len < changed(after))
            }
            _ => false,
        };
        match last {
            Some(last) if folds => {
                (last.old.end, last.new.end) = (stretch.old.end, stretch.new.end)
            }
            _ => out.push(stretch),
        }
    }
    let mut ops = Vec::with_capacity(out.len() * 2);
    for s in out {
        if s.same {
            ops.push(WordOp::Equal(old[s.old].to_string()));
            continue;
        }
        if !s.old.is_empty() {
            ops.push(WordOp::Delete(old[s.old].to_string()));
        }
        if !s.new.is_empty() {
            ops.push(WordOp::Insert(new[s.new].to_string()));
        }
    }
    ops
}

/// Compares two versions clause by clause. With `only`, just that clause and the clauses
/// under it (in either version).
///
/// Clauses whose text and title are byte-identical are never word-diffed, and with `only`
/// nothing outside that clause's subtree is looked at, so one clause can be compared
/// against many positions cheaply.
pub fn compare(a: &Draft, b: &Draft, only: Option<&str>) -> DraftDiff {
    compare_with(a, b, only, true)
}

/// [`compare`] without the clauses that did not change: [`DraftDiff::changed`] of it, at
/// the cost of the changes alone (round to round at UN scale, 490 of 3,800 clauses; the
/// others are not even named).
pub fn compare_changes(a: &Draft, b: &Draft, only: Option<&str>) -> DraftDiff {
    compare_with(a, b, only, false)
}

fn compare_with(a: &Draft, b: &Draft, only: Option<&str>, unchanged: bool) -> DraftDiff {
    let (sel_a, sel_b) = selection(a, b, only);
    let a_keys: Vec<Cow<str>> = sel_a.iter().map(|&i| key(a, i)).collect();
    let b_keys: Vec<Cow<str>> = sel_b.iter().map(|&i| key(b, i)).collect();
    // key -> position in the selection
    let a_index: foldhash::HashMap<&str, usize> = a_keys
        .iter()
        .enumerate()
        .map(|(i, k)| (k.as_ref(), i))
        .collect();
    let b_index: foldhash::HashMap<&str, usize> = b_keys
        .iter()
        .enumerate()
        .map(|(i, k)| (k.as_ref(), i))
        .collect();

    let moved = find_moves(a, b, &sel_a, &sel_b, &b_keys, &a_index);

    // Deleted clauses, grouped under the nearest earlier clause of `a` that survives.
    let mut deleted_after: foldhash::HashMap<Option<usize>, Vec<usize>> = Default::default();
    let mut last_surviving: Option<usize> = None;
    for (pa, k) in a_keys.iter().enumerate() {
        match b_index.get(k.as_ref()) {
            Some(&pb) => last_surviving = Some(pb),
            None => deleted_after.entry(last_surviving).or_default().push(pa),
        }
    }
    let emit_deleted = |anchor: Option<usize>, out: &mut Vec<ClauseDiff>| {
        if let Some(list) = deleted_after.get(&anchor) {
            for &pa in list {
                let ia = sel_a[pa];
                out.push(ClauseDiff {
                    id: a_keys[pa].to_string(),
                    reference: a.reference(ia),
                    change: ClauseChange::Deleted {
                        text: content(&a.clauses[ia]),
                    },
                });
            }
        }
    };

    // The clauses found in both versions whose text changed, word-diffed side by side.
    let pairs: Vec<(usize, usize)> = b_keys
        .iter()
        .enumerate()
        .filter_map(|(pb, k)| {
            let (ia, ib) = (sel_a[*a_index.get(k.as_ref())?], sel_b[pb]);
            (!same_content(&a.clauses[ia], &b.clauses[ib])).then_some((ia, ib))
        })
        .collect();
    let mut words_of: foldhash::HashMap<usize, Vec<WordOp>> = pairs
        .iter()
        .map(|&(_, ib)| ib)
        .zip(in_parallel(&pairs, |&(ia, ib)| {
            word_ops(&content(&a.clauses[ia]), &content(&b.clauses[ib]))
        }))
        .collect();

    let mut out = Vec::new();
    emit_deleted(None, &mut out);
    for (pb, k) in b_keys.iter().enumerate() {
        let ib = sel_b[pb];
        let cb = &b.clauses[ib];
        let change = match a_index.get(k.as_ref()) {
            None => ClauseChange::Inserted { text: content(cb) },
            Some(&pa) => {
                let ia = sel_a[pa];
                let ca = &a.clauses[ia];
                let words = words_of.remove(&ib);
                if moved.contains(&pb) {
                    ClauseChange::Moved {
                        from: a.reference(ia),
                        to: place(b, ib),
                        words,
                    }
                } else if ca.label != cb.label {
                    ClauseChange::Renumbered {
                        old: ca.label.clone().unwrap_or_default(),
                        new: cb.label.clone().unwrap_or_default(),
                        words,
                    }
                } else {
                    match words {
                        None => ClauseChange::Unchanged,
                        Some(words) => ClauseChange::Changed { words },
                    }
                }
            }
        };
        if unchanged || !change.is_unchanged() {
            out.push(ClauseDiff {
                id: k.to_string(),
                reference: b.reference(ib),
                change,
            });
        }
        emit_deleted(Some(pb), &mut out);
    }
    DraftDiff { clauses: out }
}

/// `f` of each item, in order, computed on as many threads as there are cores (at most
/// one per 16 items, so small jobs stay on this thread).
fn in_parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = cores.min(items.len() / 16).max(1);
    if threads == 1 {
        return items.iter().map(f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    std::thread::scope(|s| {
        let f = &f;
        let parts: Vec<_> = items
            .chunks(chunk)
            .map(|part| s.spawn(move || part.iter().map(f).collect::<Vec<R>>()))
            .collect();
        parts
            .into_iter()
            .flat_map(|p| p.join().expect("a word diff does not panic"))
            .collect()
    })
}

/// The clause indices of each version to compare, in document order: everything, or the
/// subtree of `only` in each version plus the clauses that moved in or out of it.
fn selection(a: &Draft, b: &Draft, only: Option<&str>) -> (Vec<usize>, Vec<usize>) {
    let Some(id) = only else {
        return (
            (0..a.clauses.len()).collect(),
            (0..b.clauses.len()).collect(),
        );
    };
    let sub = |d: &Draft| -> Vec<usize> {
        d.index_of(id)
            .map(|i| d.subtree(i).collect())
            .unwrap_or_default()
    };
    let mut sel_a = sub(a);
    let mut sel_b = sub(b);
    let extra_b: Vec<usize> = sel_a
        .iter()
        .filter_map(|&i| a.clauses[i].id.as_deref())
        .filter_map(|k| b.index_of(k))
        .filter(|j| !sel_b.contains(j))
        .collect();
    let extra_a: Vec<usize> = sel_b
        .iter()
        .filter_map(|&i| b.clauses[i].id.as_deref())
        .filter_map(|k| a.index_of(k))
        .filter(|j| !sel_a.contains(j))
        .collect();
    sel_a.extend(extra_a);
    sel_b.extend(extra_b);
    sel_a.sort_unstable();
    sel_a.dedup();
    sel_b.sort_unstable();
    sel_b.dedup();
    (sel_a, sel_b)
}

/// Where clause `i` of `b` stands: after its previous sibling, or first under its parent.
fn place(b: &Draft, i: usize) -> String {
    let parent = b.clauses[i].parent;
    let prev = (0..i)
        .rev()
        .find(|&j| b.clauses[j].parent == parent && b.clauses[j].depth == b.clauses[i].depth);
    match (prev, parent) {
        (Some(j), _) => format!("after {}", b.reference(j)),
        (None, Some(p)) => format!("first in {}", b.reference(p)),
        (None, None) => "to the start".to_string(),
    }
}

/// Clauses of `b` (positions in `sel_b`) that moved: under another parent, or out of
/// order among the siblings they share with `a`.
fn find_moves(
    a: &Draft,
    b: &Draft,
    sel_a: &[usize],
    sel_b: &[usize],
    b_keys: &[Cow<str>],
    a_index: &foldhash::HashMap<&str, usize>,
) -> HashSet<usize> {
    let mut moved = HashSet::new();
    // Siblings (by parent key) in b, restricted to clauses in both.
    let mut b_groups: foldhash::HashMap<Option<Cow<str>>, Vec<usize>> = Default::default();
    for (pb, k) in b_keys.iter().enumerate() {
        let Some(&pa) = a_index.get(k.as_ref()) else {
            continue;
        };
        let parent_b = b.clauses[sel_b[pb]].parent.map(|p| key(b, p));
        let parent_a = a.clauses[sel_a[pa]].parent.map(|p| key(a, p));
        if parent_a != parent_b {
            moved.insert(pb);
            continue;
        }
        b_groups.entry(parent_b).or_default().push(pb);
    }
    for (_, group) in b_groups {
        if group.len() < 2 {
            continue;
        }
        // The same siblings' positions in a, in b's order.
        let b_order: Vec<usize> = group
            .iter()
            .map(|&pb| a_index[b_keys[pb].as_ref()])
            .collect();
        let mut a_order = b_order.clone();
        a_order.sort_unstable();
        if a_order == b_order {
            continue;
        }
        // Longest common subsequence keeps the most siblings in place; the rest moved.
        for op in capture_diff_slices(Algorithm::Myers, &a_order, &b_order) {
            let (tag, _, new_r) = op.as_tag_tuple();
            if tag != DiffTag::Equal {
                for i in new_r {
                    moved.insert(group[i]);
                }
            }
        }
    }
    moved
}

/// Checks that `id` names a clause in either version.
pub fn check_clause(a: &Draft, b: &Draft, id: &str) -> Result<(), UnknownClause> {
    if a.index_of(id).is_some() || b.index_of(id).is_some() {
        return Ok(());
    }
    Err(UnknownClause {
        id: id.to_string(),
        suggest: b.suggest(id).or_else(|| a.suggest(id)).map(str::to_string),
    })
}

/// How deleted and inserted runs are marked in running text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Marks {
    pub delete: (&'static str, &'static str),
    pub insert: (&'static str, &'static str),
}

impl Marks {
    /// git's word-diff style: `[-removed-]{+added+}`.
    pub const GIT: Marks = Marks {
        delete: ("[-", "-]"),
        insert: ("{+", "+}"),
    };
    /// CriticMarkup: `{--removed--}{++added++}`.
    pub const CRITIC: Marks = Marks {
        delete: ("{--", "--}"),
        insert: ("{++", "++}"),
    };
}

/// The words as running text, deletions and insertions marked with `marks`.
pub fn render_marked(words: &[WordOp], marks: Marks) -> String {
    let mut s = String::new();
    for w in words {
        let (open, text, close) = match w {
            WordOp::Equal(t) => ("", t, ""),
            WordOp::Delete(t) => (marks.delete.0, t, marks.delete.1),
            WordOp::Insert(t) => (marks.insert.0, t, marks.insert.1),
        };
        s.push_str(open);
        s.push_str(text);
        s.push_str(close);
    }
    s
}

/// git word-diff style: `[-removed-]{+added+}`.
pub fn render_words(words: &[WordOp]) -> String {
    render_marked(words, Marks::GIT)
}

/// How a clause's change is written out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Rendering {
    /// The new text with the changed phrases marked in place: `[-removed-]{+added+}`.
    #[default]
    Inline,
    /// Amending instructions, as amendments are printed: `after “Parties”, leave out
    /// “may” and insert “shall”`.
    Instructions,
    /// The old text and the new, one line each, the changed phrases marked.
    Lines,
}

/// The last few words of `text` (a place to anchor an instruction), trimmed.
fn anchor(text: &str) -> &str {
    let trimmed = text.trim_end();
    let mut seen = 0;
    for (start, _) in token_spans(trimmed).collect::<Vec<_>>().into_iter().rev() {
        if trimmed[start..]
            .chars()
            .next()
            .is_some_and(char::is_alphanumeric)
        {
            seen += 1;
            if seen == 4 {
                return trimmed[start..].trim();
            }
        }
    }
    trimmed.trim_start()
}

/// The change as amending instructions, one per phrase.
pub fn render_instructions(words: &[WordOp]) -> Vec<String> {
    let mut lines = Vec::new();
    let mut before = String::new();
    let mut i = 0;
    while i < words.len() {
        let (left_out, inserted) = match (&words[i], words.get(i + 1)) {
            (WordOp::Equal(t), _) => {
                before.push_str(t);
                i += 1;
                continue;
            }
            (WordOp::Delete(d), Some(WordOp::Insert(n))) => {
                i += 2;
                (Some(d), Some(n))
            }
            (WordOp::Delete(d), _) => {
                i += 1;
                (Some(d), None)
            }
            (WordOp::Insert(n), _) => {
                i += 1;
                (None, Some(n))
            }
        };
        let place = match anchor(&before) {
            "" => "at the beginning".to_string(),
            a => format!("after “{a}”"),
        };
        let what = match (left_out, inserted) {
            (Some(d), Some(n)) => format!("leave out “{}” and insert “{}”", d.trim(), n.trim()),
            (Some(d), None) => format!("leave out “{}”", d.trim()),
            (None, Some(n)) => format!("insert “{}”", n.trim()),
            (None, None) => unreachable!("a change leaves out or inserts"),
        };
        lines.push(format!("{place}, {what}"));
        if let Some(d) = left_out {
            before.push_str(d);
        }
    }
    lines
}

/// The change written out as `rendering` asks (no trailing newline).
pub fn render_change(words: &[WordOp], rendering: Rendering) -> String {
    match rendering {
        Rendering::Inline => render_words(words),
        Rendering::Instructions => render_instructions(words).join("\n"),
        Rendering::Lines => {
            let side = |keep: fn(&WordOp) -> bool| -> Vec<WordOp> {
                words.iter().filter(|w| keep(w)).cloned().collect()
            };
            let old = side(|w| !matches!(w, WordOp::Insert(_)));
            let new = side(|w| !matches!(w, WordOp::Delete(_)));
            format!("old: {}\nnew: {}", render_words(&old), render_words(&new))
        }
    }
}

/// The plain-text report: a header per clause, then its change written as `rendering`.
pub fn render_text(diff: &DraftDiff, all: bool, rendering: Rendering) -> String {
    use std::fmt::Write;
    let render_words = |w: &[WordOp]| render_change(w, rendering);
    // Written straight into the report: no string per line (490 clauses round to round).
    let mut s = String::new();
    for c in &diff.clauses {
        if !all && c.change.is_unchanged() {
            continue;
        }
        let _ = write!(s, "{} ({})", c.reference, c.id);
        let _ = match &c.change {
            ClauseChange::Unchanged => writeln!(s, ": unchanged"),
            ClauseChange::Changed { words } => {
                writeln!(s, ": changed\n{}", render_words(words))
            }
            ClauseChange::Inserted { text } => writeln!(s, ": inserted\n{{+{text}+}}"),
            ClauseChange::Deleted { text } => writeln!(s, ": deleted\n[-{text}-]"),
            ClauseChange::Moved { from, to, words } => {
                let _ = writeln!(s, ": moved from {from} to {to}");
                match words {
                    Some(w) => writeln!(s, "{}", render_words(w)),
                    None => Ok(()),
                }
            }
            ClauseChange::Renumbered { old, new, words } => {
                let _ = writeln!(s, ": renumbered from {old} to {new}");
                match words {
                    Some(w) => writeln!(s, "{}", render_words(w)),
                    None => Ok(()),
                }
            }
        };
    }
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_clause_built_to_exhaust_the_diff_is_shown_replaced_whole_and_quickly() {
        // 200,000 distinct words on each side, none shared: a word-by-word diff of this
        // takes on the order of 10^10 steps. The shared start and end stay shared.
        let words = |tag: &str| -> String { (0..200_000).map(|i| format!("{tag}{i} ")).collect() };
        let old = format!("The Parties agree: {}as agreed.", words("a"));
        let new = format!("The Parties agree: {}as agreed.", words("b"));
        let ops = super::word_ops(&old, &new);
        assert_eq!(
            ops,
            vec![
                super::WordOp::Equal("The Parties agree: ".into()),
                super::WordOp::Delete(words("a").trim_end().into()),
                super::WordOp::Insert(words("b").trim_end().into()),
                super::WordOp::Equal(" as agreed.".into()),
            ]
        );
    }

    use super::*;
    use proptest::prelude::*;

    /// The changes alone are the whole comparison's changes, in the same order: the
    /// bundled sample against itself with one clause reworded, one deleted, one added and
    /// an article moved ahead of another.
    #[test]
    fn the_changes_alone_are_the_changed_part_of_the_whole_comparison() {
        use crate::draft::{DirSource, Draft};
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../drafts");
        let old = Draft::load_from(&DirSource::new(&root)).unwrap().draft;
        let mut texts: Vec<(String, String)> = old.files[1..]
            .iter()
            .map(|f| (f.path.clone(), f.text()))
            .collect();
        let front = old.files[0].text();
        let (_, first) = &mut texts[0];
        *first = first.replacen("shall", "should", 1);
        let (_, second) = &mut texts[1];
        let cut = second.rfind("\n\n").expect("two blocks");
        second.truncate(cut + 1);
        second.push_str("\n9. A new paragraph. {#added.9}\n");
        let (_, third) = &mut texts[3];
        let gone = third
            .lines()
            .find(|l| l.ends_with(".2}"))
            .expect("a second paragraph")
            .to_string();
        *third = third.replacen(&gone, "", 1);
        let includes: Vec<&str> = front.lines().filter(|l| l.starts_with("- [")).collect();
        let moved = front.replacen(includes[2], "", 1).replacen(
            includes[0],
            &format!("{}\n{}", includes[2], includes[0]),
            1,
        );
        let files: Vec<(&str, &str)> = texts
            .iter()
            .map(|(p, t)| (p.as_str(), t.as_str()))
            .collect();
        let new = Draft::from_texts(&moved, &files).draft;
        let whole = compare(&old, &new, None);
        let changes = compare_changes(&old, &new, None);
        let kinds: Vec<&str> = changes.clauses.iter().map(|c| c.change.word()).collect();
        for kind in ["moved", "changed", "inserted", "deleted"] {
            assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
        }
        assert_eq!(
            changes.clauses,
            whole.changed().cloned().collect::<Vec<_>>()
        );
    }

    #[test]
    fn brackets_and_punctuation_are_tokens_of_their_own() {
        assert_eq!(
            tokens("[shall]/[should] act, now."),
            [
                "[", "shall", "]", "/", "[", "should", "]", " ", "act", ",", " ", "now", "."
            ]
        );
    }

    #[test]
    fn work_shared_among_threads_comes_back_in_order() {
        let items: Vec<usize> = (0..1000).collect();
        let doubled = in_parallel(&items, |&n| n * 2);
        assert_eq!(doubled, items.iter().map(|n| n * 2).collect::<Vec<_>>());
        assert_eq!(in_parallel(&items[..3], |&n| n + 1), vec![1, 2, 3]);
    }

    #[test]
    fn words_the_other_version_lacks_and_the_spaces_between_them_are_set_aside() {
        let kept = |a: &str, b: &str| {
            let (a, b) = (tokens(a), tokens(b));
            let (ids_a, ids_b, distinct) = interned(&a, &b);
            let mut in_b = vec![false; distinct];
            ids_b.iter().for_each(|&t| in_b[t as usize] = true);
            matchable(&a, &ids_a, &in_b)
        };
        // Nothing of "one two three four" but the spaces is in "five six", and each space
        // sits between two words "five six" lacks: the alignment is left nothing.
        assert_eq!(kept("one two three four", "five six"), Vec::<usize>::new());
        // A space next to a word both have stays, to be aligned.
        assert_eq!(kept("one two three", "four two five"), vec![1, 2, 3]);
        assert_eq!(
            word_ops("one agreement three", "four agreement five"),
            [
                WordOp::Delete("one".into()),
                WordOp::Insert("four".into()),
                WordOp::Equal(" agreement ".into()),
                WordOp::Delete("three".into()),
                WordOp::Insert("five".into()),
            ]
        );
    }

    #[test]
    fn long_clauses_of_few_repeated_words_give_back_both_texts() {
        // Thousands of tokens drawn from two words and a space: every token is shared many
        // times over, the case where the histogram diff falls back on Myers.
        let words = |every: usize| -> String {
            (0..2_400)
                .map(|i| if i % every == 0 { "shall " } else { "may " })
                .collect()
        };
        let (old, new) = (words(7), words(5));
        let ops = word_ops(&old, &new);
        let side =
            |keep: fn(&WordOp) -> Option<&str>| -> String { ops.iter().filter_map(keep).collect() };
        let old_side = side(|op| match op {
            WordOp::Equal(t) | WordOp::Delete(t) => Some(t),
            WordOp::Insert(_) => None,
        });
        let new_side = side(|op| match op {
            WordOp::Equal(t) | WordOp::Insert(t) => Some(t),
            WordOp::Delete(_) => None,
        });
        assert_eq!((old_side, new_side), (old, new));
        assert!(ops.iter().any(|op| matches!(op, WordOp::Equal(_))));
    }

    #[test]
    fn an_insertion_beside_a_change_slides_onto_it() {
        // "d c" → " e c": aligned as [-d-] · " " · [+e +] · "c", the insertion repeats the
        // shared space, so it moves up onto the deletion: one change, then " c".
        let (a, b) = (tokens("d c"), tokens(" e c"));
        let aligned = vec![
            Segment {
                shared: false,
                a: 0..1,
                b: 0..0,
            },
            Segment {
                shared: true,
                a: 1..2,
                b: 0..1,
            },
            Segment {
                shared: false,
                a: 2..2,
                b: 1..3,
            },
            Segment {
                shared: true,
                a: 2..3,
                b: 3..4,
            },
        ];
        let slid: Vec<_> = slid_together(aligned, &a, &b)
            .into_iter()
            .map(|s| (s.shared, s.a, s.b))
            .collect();
        assert_eq!(slid, [(false, 0..1, 0..2), (true, 1..3, 2..4)]);
        // The same, sliding down onto the change after it.
        let (a, b) = (tokens("c d"), tokens("c e "));
        let aligned = vec![
            Segment {
                shared: true,
                a: 0..1,
                b: 0..1,
            },
            Segment {
                shared: false,
                a: 1..1,
                b: 1..3,
            },
            Segment {
                shared: true,
                a: 1..2,
                b: 3..4,
            },
            Segment {
                shared: false,
                a: 2..3,
                b: 4..4,
            },
        ];
        let slid: Vec<_> = slid_together(aligned, &a, &b)
            .into_iter()
            .map(|s| (s.shared, s.a, s.b))
            .collect();
        assert_eq!(slid, [(true, 0..2, 0..2), (false, 2..3, 2..4)]);
    }

    #[test]
    fn word_ops_group_runs() {
        assert_eq!(
            word_ops("the [fully] consistent text", "the fully consistent text"),
            [
                WordOp::Equal("the ".into()),
                WordOp::Delete("[".into()),
                WordOp::Equal("fully".into()),
                WordOp::Delete("]".into()),
                WordOp::Equal(" consistent text".into()),
            ]
        );
    }

    #[test]
    fn alternating_words_read_as_one_phrase_replaced() {
        // The case: word by word this read
        // `[-including-]{+the+} [-in accordance-]{+interest+} …`.
        let old = "Parties shall act, including in accordance with international law, now.";
        let new = "Parties shall act, the interest of national security, now.";
        assert_eq!(
            render_words(&word_ops(old, new)),
            "Parties shall act, [-including in accordance with international law-]\
             {+the interest of national security+}, now."
        );
    }

    #[test]
    fn a_word_that_carries_meaning_between_long_changes_stays() {
        let old = "each developed country Party shall provide finance to developing ones";
        let new = "each Party in a position to do so shall provide support to all";
        let words = word_ops(old, new);
        assert!(
            words.contains(&WordOp::Equal(" shall provide ".into())),
            "{}",
            render_words(&words)
        );
    }

    #[test]
    fn changes_read_as_amending_instructions() {
        let words = word_ops(
            "Parties may report every year.",
            "Parties shall report every two years.",
        );
        assert_eq!(
            render_instructions(&words),
            [
                "after “Parties”, leave out “may” and insert “shall”",
                "after “Parties may report every”, leave out “year” and insert “two years”",
            ]
        );
        assert_eq!(
            render_instructions(&word_ops("a b", "new a b")),
            ["at the beginning, insert “new”"]
        );
        assert_eq!(
            render_change(&word_ops("a b c", "a c"), Rendering::Lines),
            "old: a [-b -]c\nnew: a c"
        );
    }

    proptest! {
        #[test]
        fn phrases_give_both_texts(a in "[a-e ,.]{0,60}", b in "[a-e ,.]{0,60}") {
            let ops = word_ops(&a, &b);
            let old: String = ops.iter().filter_map(|w| match w {
                WordOp::Equal(t) | WordOp::Delete(t) => Some(t.as_str()),
                WordOp::Insert(_) => None,
            }).collect();
            let new: String = ops.iter().filter_map(|w| match w {
                WordOp::Equal(t) | WordOp::Insert(t) => Some(t.as_str()),
                WordOp::Delete(_) => None,
            }).collect();
            prop_assert_eq!(old, a);
            prop_assert_eq!(new, b);
            // No two changes are left side by side, and no change is empty.
            for pair in ops.windows(2) {
                let both_changes = !matches!(pair[0], WordOp::Equal(_)) && !matches!(pair[1], WordOp::Equal(_));
                let left_out_then_inserted = matches!((&pair[0], &pair[1]), (WordOp::Delete(_), WordOp::Insert(_)));
                prop_assert!(!both_changes || left_out_then_inserted, "two changes side by side");
            }
            let empty = ops.iter().any(|w| match w {
                WordOp::Equal(t) | WordOp::Delete(t) | WordOp::Insert(t) => t.is_empty(),
            });
            prop_assert!(!empty, "an empty run");
        }
    }

    proptest! {
        #[test]
        fn tokens_are_runs_of_one_class_of_character(text in "\\PC{0,40}|[a-c_1 \\t\\x0b\\n.,\\[\\]é\u{a0}\u{2003}€]{0,40}") {
            // Each token is one mark, or a run of word characters or of white space that
            // the next character does not continue; together they are the text.
            let spans: Vec<_> = token_spans(&text).collect();
            let class = |c: char| {
                if c.is_alphanumeric() || c == '_' {
                    TokenClass::Word
                } else if c.is_whitespace() {
                    TokenClass::Space
                } else {
                    TokenClass::Mark
                }
            };
            let mut pos = 0;
            for &(start, end) in &spans {
                prop_assert_eq!(start, pos);
                let token = &text[start..end];
                let kind = class(token.chars().next().unwrap());
                prop_assert!(token.chars().all(|c| class(c) == kind));
                if kind == TokenClass::Mark {
                    prop_assert_eq!(token.chars().count(), 1);
                } else if let Some(next) = text[end..].chars().next() {
                    prop_assert_ne!(class(next), kind);
                }
                pos = end;
            }
            prop_assert_eq!(pos, text.len());
        }

        #[test]
        fn shared_ends_found_in_bytes_are_those_of_the_tokens(
            stem in "[a-c_1 \\t.,\\[\\]é\u{a0}€]{0,12}",
            old in "[a-c_1 \\t.,\\[\\]é\u{a0}€]{0,12}",
            new in "[a-c_1 \\t.,\\[\\]é\u{a0}€]{0,12}",
            end in "[a-c_1 \\t.,\\[\\]é\u{a0}€]{0,12}",
        ) {
            // Texts that share a beginning and an ending, cut anywhere in a token or a
            // character: the split into tokens of both texts whole decides.
            let (old, new) = (format!("{stem}{old}{end}"), format!("{stem}{new}{end}"));
            let (a, b) = (tokens(&old), tokens(&new));
            let head = common_start(&a, &b);
            let tail = common_end(&a[head..], &b[head..]);
            let bytes = |t: &[&str]| t.iter().map(|t| t.len()).sum::<usize>();
            prop_assert_eq!(
                shared_ends(&old, &new),
                (
                    bytes(&a[..head]),
                    old.len() - bytes(&a[a.len() - tail..]),
                    new.len() - bytes(&b[b.len() - tail..]),
                )
            );
        }

        #[test]
        fn replaying_word_ops_gives_both_texts(a in "[a-c \\[\\],.]{0,40}", b in "[a-c \\[\\],.]{0,40}") {
            let ops = word_ops(&a, &b);
            let old: String = ops.iter().filter_map(|w| match w {
                WordOp::Equal(t) | WordOp::Delete(t) => Some(t.as_str()),
                WordOp::Insert(_) => None,
            }).collect();
            let new: String = ops.iter().filter_map(|w| match w {
                WordOp::Equal(t) | WordOp::Insert(t) => Some(t.as_str()),
                WordOp::Delete(_) => None,
            }).collect();
            prop_assert_eq!(old, a);
            prop_assert_eq!(new, b);
        }
    }
}
