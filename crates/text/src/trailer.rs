//! Reads commit-message trailers (`Key: value` lines) exactly as
//! `git interpret-trailers --parse` does in git 2.47 with the default
//! configuration (no `trailer.*` settings, `core.commentChar` = `#`).
//!
//! This is the workspace's one trailer reader: amendments ([`crate::amendment`]), the
//! log, history, blame, verify and the server's hook all see the trailers git sees, so a
//! line that merely looks like `Proposed-by: EU` outside a real trailer block credits no
//! one ([`lines_like_trailers_outside_block`] finds such lines for verify).
//!
//! The rules, in the order git applies them (git's `trailer.c` and `commit.c`):
//!
//! 1. **End of the log message.** A message without a final newline is read
//!    as if it had one. The first line (the subject included) that starts
//!    with `---` followed by whitespace is a patch divider: it and everything
//!    after it are ignored. Everything from a scissors line
//!    (`# ------------------------ >8 ------------------------`) on is also
//!    ignored. So is a trailing run of comment lines (starting with `#`),
//!    empty lines and old-style `Conflicts:` blocks (with `\t`-indented
//!    paths).
//! 2. **The subject paragraph is never trailers.** Everything up to the first
//!    blank line (comment lines skipped) is the title. A message with only
//!    one paragraph has no trailer block.
//! 3. **Only the last paragraph can be the block.** Scanning backwards from
//!    the end, blank lines at the very end are skipped. Lines are then sorted
//!    into four kinds until the next blank line going up:
//!    * a *trailer line*: `<token><optional spaces/tabs>:<anything>`, where the
//!      token is one or more ASCII letters, digits or `-`, and the line does
//!      not start with whitespace;
//!    * a *git-generated line*, which starts with `Signed-off-by: ` or
//!      `(cherry picked from commit `. It counts as a trailer line and
//!      "recognises" the block;
//!    * a *continuation line*, which starts with whitespace. It belongs to the
//!      trailer above it, or counts as a non-trailer line if no trailer is
//!      above it;
//!    * a *comment line* (`#`), which is neutral. Any other line is a
//!      *non-trailer line*.
//!
//!    The paragraph is the trailer block if **all** its lines are trailer lines
//!    (at least one), or if it is recognised and at least 25% of its counted
//!    lines are trailer lines (`3 * trailers >= non_trailers`). Otherwise
//!    there is no block at all: git never looks at an earlier paragraph.
//!    Blank means only spaces, tabs, `\r` and `\n` (git's own `isspace`, which
//!    does not include `\v` and `\f`).
//! 4. **Parsing the block.** A line that starts with whitespace is folded into
//!    the trailer above it. Comment lines are dropped. Lines with no valid
//!    token (for example the cherry-pick line) are kept as non-trailer lines.
//!    The key is the token. The value is the text after the `:`, with its
//!    continuation lines, trimmed. Each newline plus the whitespace after it
//!    becomes one space.
//!
//! Not implemented, on purpose: `trailer.separators`, `trailer.<key>.key`
//! (configured tokens also "recognise" a block), `core.commentChar`, and
//! `--no-divider`. Input is assumed to contain no NUL bytes. Git would stop
//! reading at a NUL.

use std::borrow::Cow;

/// Prefixes git writes itself. One of them is enough to accept a block that is
/// only 25% trailers. This mirrors `git_generated_prefixes` in trailer.c.
const GIT_GENERATED_PREFIXES: [&str; 2] = ["Signed-off-by: ", "(cherry picked from commit "];
/// The `git commit -v` cut line, matched only at the start of a line.
const SCISSORS: &str = "\n# ------------------------ >8 ------------------------\n";

/// One `key: value` trailer that git would report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trailer<'a> {
    /// The token as written (case kept, surrounding whitespace removed).
    pub key: &'a str,
    /// The value: continuation lines folded with single spaces, then trimmed.
    pub value: String,
    /// 1-based number of the line that holds the key.
    pub line: usize,
}

/// The trailer block git sees in a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrailerBlock<'a> {
    /// The trailers, in message order.
    pub trailers: Vec<Trailer<'a>>,
    /// Byte offset where the block starts, just after its blank line.
    pub start: usize,
    /// Byte offset where the block ends (end of the log message, before any
    /// `---` patch part, scissors line or trailing comments).
    pub end: usize,
    /// Lines inside the block that are neither trailers, continuations nor
    /// comments, as (1-based line, text without `\n`). Git tolerates these
    /// (see the 25% rule). Whitespace-only lines at the end of the block show
    /// up here too when there is no trailer above them to absorb them.
    pub other_lines: Vec<(usize, &'a str)>,
}

/// Git's `isspace`: only space, tab, LF and CR. Git uses its own ctype table,
/// not the C locale, so `\v` and `\f` are *not* whitespace.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

fn trim(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_ascii() && is_space(c as u8))
}

/// Blank lines delimit paragraphs. "Blank" includes whitespace-only lines.
fn is_blank(line: &str) -> bool {
    line.bytes().all(is_space)
}

/// The lines of `buf[from..to]` with their start offsets, each keeping its `\n`.
/// `from` and `to` are always line boundaries here.
fn lines(buf: &str, from: usize, to: usize) -> impl DoubleEndedIterator<Item = (usize, &str)> {
    // Offsets come from pointer distance so the iterator can run backwards.
    let base = buf.as_ptr() as usize;
    buf[from..to]
        .split_inclusive('\n')
        .map(move |l| (l.as_ptr() as usize - base, l))
}

/// Where a line's `:` is, if the line starts with a valid token:
/// `[A-Za-z0-9-]+`, then optional spaces or tabs, then `:`. The whitespace
/// exception exists in git for keys like `Bug #43` when `#` is a separator.
/// A `:` in the first column gives no token, so the line is not a trailer.
fn find_separator(line: &str) -> Option<usize> {
    let mut seen_space = false;
    for (i, b) in line.bytes().enumerate() {
        if b == b':' {
            return (i > 0).then_some(i);
        }
        if !seen_space && (b.is_ascii_alphanumeric() || b == b'-') {
            continue;
        }
        if i > 0 && (b == b' ' || b == b'\t') {
            seen_space = true;
            continue;
        }
        break;
    }
    None
}

/// Git's `find_end_of_log_message`: drop the `---` patch part, then whatever
/// `ignored_log_message_bytes` would ignore.
fn end_of_log_message(buf: &str) -> usize {
    // The subject line counts too: `git format-patch` output starts parsing
    // at the top, so a `---` line anywhere ends the message.
    let end = lines(buf, 0, buf.len())
        .find(|(_, l)| {
            l.strip_prefix("---")
                .is_some_and(|r| r.bytes().next().is_some_and(is_space))
        })
        .map_or(buf.len(), |(s, _)| s);
    // Scissors (wt_status_locate_end). Git searches the whole buffer, even
    // past `end`, and keeps the smaller of the two cut points.
    let cutoff = if buf.starts_with(&SCISSORS[1..]) {
        0
    } else {
        buf.find(SCISSORS).map_or(end, |p| (p + 1).min(end))
    };
    // Trailing comments, empty lines and `Conflicts:` blocks. `boc == 0`
    // means "no run started", as in git. So a run that starts at offset 0
    // only really starts at its second line, and we keep that quirk.
    let (mut boc, mut in_conflicts, mut bol) = (0, false, 0);
    while bol < cutoff {
        let rest = &buf[bol..];
        if rest[..cutoff - bol].starts_with('#') || rest.starts_with('\n') {
            if boc == 0 {
                boc = bol;
            }
        } else if rest.starts_with("Conflicts:\n") {
            in_conflicts = true;
            if boc == 0 {
                boc = bol;
            }
        } else if in_conflicts && rest.starts_with('\t') {
            // a path listed in the conflicts block
        } else if boc != 0 {
            boc = 0;
            in_conflicts = false;
        }
        bol = buf[bol..end].find('\n').map_or(end, |i| bol + i + 1);
    }
    if boc != 0 { boc } else { cutoff }
}

/// Git's `find_trailer_block_start` over `buf[..len]`. Returns `len` if
/// there is no block.
fn find_block_start(buf: &str, len: usize) -> usize {
    // The title runs to the first blank line. Comment lines are skipped, so
    // a blank-looking `#` line does not end it.
    let end_of_title = lines(buf, 0, len)
        .find(|(_, l)| !l.starts_with('#') && is_blank(l))
        .map_or(len, |(s, _)| s);
    let (mut only_spaces, mut recognized) = (true, false);
    let (mut trailers, mut non_trailers, mut continuations) = (0usize, 0usize, 0usize);
    for (start, line) in lines(buf, end_of_title, len).rev() {
        if line.starts_with('#') {
            // Continuation lines cannot continue across a comment.
            non_trailers += continuations;
            continuations = 0;
        } else if is_blank(line) {
            if only_spaces {
                continue; // trailing blank lines are not a paragraph break
            }
            non_trailers += continuations;
            let accepted =
                (recognized && trailers * 3 >= non_trailers) || (trailers > 0 && non_trailers == 0);
            return if accepted { start + line.len() } else { len };
        } else {
            only_spaces = false;
            if GIT_GENERATED_PREFIXES.iter().any(|p| line.starts_with(p)) {
                trailers += 1;
                continuations = 0;
                recognized = true;
            } else if find_separator(line).is_some() {
                trailers += 1;
                continuations = 0; // they were this trailer's continuation
            } else if is_space(line.as_bytes()[0]) {
                continuations += 1; // decided by the line above
            } else {
                non_trailers += 1 + continuations;
                continuations = 0;
            }
        }
    }
    len // reached the title without meeting a qualifying blank line
}

/// Fold continuation lines: each `\n` and the whitespace after it become one
/// space (git's `unfold_value`).
fn unfold(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\n' {
            while chars
                .next_if(|&c| c.is_ascii() && is_space(c as u8))
                .is_some()
            {}
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    trim(&out).to_string()
}

/// The message as git reads it (final newline added), plus the block start and
/// the end of the log message, both in that buffer.
fn analyse(message: &str) -> (Cow<'_, str>, usize, usize) {
    let buf = if message.is_empty() || message.ends_with('\n') {
        Cow::Borrowed(message)
    } else {
        Cow::Owned(format!("{message}\n"))
    };
    let end = end_of_log_message(&buf);
    let start = find_block_start(&buf, end);
    (buf, start, end)
}

/// The trailer block git would see in `message`, or `None` if git sees none.
///
/// A block can exist and still have no trailers, for example a last paragraph
/// that only holds `(cherry picked from commit …)`.
pub fn block(message: &str) -> Option<TrailerBlock<'_>> {
    let (buf, start, end) = analyse(message);
    if start == end {
        return None;
    }
    let mut block = TrailerBlock {
        trailers: vec![],
        start,
        end: end.min(message.len()),
        other_lines: vec![],
    };
    // Gather each trailer with its continuation lines: (first line start, end, line no, separator).
    let mut items: Vec<(usize, usize, usize, Option<usize>)> = vec![];
    let mut line_no = buf[..start].matches('\n').count();
    for (s, line) in lines(&buf, start, end) {
        line_no += 1;
        match items.last_mut() {
            // Only a trailer can be continued. A line indented under a
            // comment or a non-trailer stands alone.
            Some(last) if last.3.is_some() && is_space(line.as_bytes()[0]) => {
                last.1 = s + line.len()
            }
            _ => items.push((s, s + line.len(), line_no, find_separator(line))),
        }
    }
    for (s, e, line, sep) in items {
        if buf[s..].starts_with('#') {
            continue;
        }
        match sep {
            Some(sep) => block.trailers.push(Trailer {
                key: trim(&message[s..s + sep]),
                value: unfold(trim(&buf[s + sep + 1..e])),
                line,
            }),
            // A non-trailer item is always a single line. Drop its `\n`.
            None => block.other_lines.push((line, &message[s..e - 1])),
        }
    }
    Some(block)
}

/// The trailers git would report (`git interpret-trailers --parse`), in order.
pub fn trailers(message: &str) -> Vec<Trailer<'_>> {
    block(message).map(|b| b.trailers).unwrap_or_default()
}

/// Byte offset where the subject paragraph ends: the first blank line (comment lines
/// aside), or the end of the log message.
pub fn subject_end(message: &str) -> usize {
    let (buf, _, end) = analyse(message);
    lines(&buf, 0, end)
        .find(|(_, l)| !l.starts_with('#') && is_blank(l))
        .map_or(end, |(s, _)| s)
        .min(message.len())
}

/// Byte offset where the subject and body end, which is where the trailer
/// block starts. With no block, this is the end of the log message: before
/// any `---` patch part, scissors line or trailing comment/empty lines.
pub fn body_end(message: &str) -> usize {
    analyse(message).1.min(message.len())
}

/// Lines that look like one of `keys` (optional leading whitespace, the key in
/// any ASCII case, optional whitespace, `:`) but that git does **not** read as
/// that trailer. These are lines outside the trailer block, and lines inside
/// it that git reads as a continuation, a comment or a non-trailer.
/// Returns (1-based line, text without `\n`).
///
/// This is for verifiers. A message that ends with `Proposed-by: EU` and then
/// an ordinary line has no trailer block, so `trailers` returns nothing, and
/// this function flags the line.
pub fn lines_like_trailers_outside_block<'a>(
    message: &'a str,
    keys: &[&str],
) -> Vec<(usize, &'a str)> {
    let real: Vec<usize> = trailers(message).iter().map(|t| t.line).collect();
    let ws = |c: char| c.is_ascii_whitespace() || c == '\x0b';
    let looks_like = |line: &str| {
        let t = line.trim_start_matches(ws);
        keys.iter().any(|k| {
            t.len() >= k.len()
                && t.as_bytes()[..k.len()].eq_ignore_ascii_case(k.as_bytes())
                && t.get(k.len()..)
                    .is_some_and(|r| r.trim_start_matches(ws).starts_with(':'))
        })
    };
    (1..)
        .zip(message.split('\n'))
        .filter(|(n, l)| !real.contains(n) && looks_like(l))
        .collect()
}
