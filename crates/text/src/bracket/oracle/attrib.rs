//! The word-level rules: attributions, deletions, status marks, placeholders, inline slashes.
//!
//! # Attribution rule
//!
//! Compilation texts credit a proposal to the delegations that made it:
//! `[extreme - US; G77 delete]`, `[changing unsustainable - EU, G77 retain / promoting
//! sustainable - US]`. Within one alternative, read from the end:
//!
//! 1. Zero or more `; CODES delete` clauses: each is a deletion alternative proposed by CODES.
//! 2. Then, after the **last** ` - ` (or ` – `), a tail `CODE, CODE, ... [retain]`. `retain`
//!    marks support for the text, so its codes count as proposers too.
//!
//! A CODE starts with an ASCII capital, is at least two characters long and contains only
//! ASCII letters, digits and `/ . &` (`US`, `EU`, `G77/China`, `LDCs`, `AOSIS`). Codes may
//! not start with a digit, against a first draft of this rule, because `[2030 - 2050]` is a
//! range far more often than a delegation called `2050`. When the tail does not fit, the
//! ` - ` is prose and stays in the text (`[low- and middle-income - countries]`).
//!
//! These scans only ever look at text after an alternative's last nested bracket, so every
//! byte is scanned a bounded number of times whatever the nesting.

use super::StatusMark;

/// What the end of one alternative says about who proposed what.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Tail {
    /// Where the proposed wording ends (the space before ` - `, or the end).
    pub body_end: usize,
    /// Where the alternative ends: the first `;` of the deletion clauses, or the end.
    pub end: usize,
    pub proposers: Vec<String>,
    /// Each deletion clause: its byte range (trimmed) and its codes.
    pub deletions: Vec<(usize, usize, Vec<String>)>,
}

impl Tail {
    pub fn is_attributed(&self) -> bool {
        !self.proposers.is_empty() || !self.deletions.is_empty()
    }
}

/// Reads the attribution at the end of `text[start..end]`; `scan_from` (≥ `start`) is where
/// the last nested bracket ends, since no tail can reach back past one.
pub(super) fn tail(text: &str, start: usize, end: usize, scan_from: usize) -> Tail {
    let bytes = text.as_bytes();
    let mut end_now = end;
    let mut deletions = Vec::new();
    while let Some(k) = memchr::memrchr(b';', &bytes[scan_from..end_now]) {
        let semi = scan_from + k;
        let clause = &text[semi + 1..end_now];
        let Some(codes) = deletion_codes(clause) else {
            break;
        };
        let lead = clause.len() - clause.trim_start().len();
        let from = semi + 1 + lead;
        deletions.push((from, from + clause.trim().len(), codes));
        end_now = semi;
    }
    deletions.reverse();

    let mut out = Tail {
        body_end: end_now,
        end: end_now,
        proposers: Vec::new(),
        deletions,
    };
    if let Some(dash) = last_dash(&bytes[scan_from..end_now]) {
        let dash_at = scan_from + dash.0;
        if let Some(codes) = proposer_codes(&text[dash_at + dash.1..end_now]) {
            out.body_end = dash_at.max(start);
            out.proposers = codes;
        }
    }
    out
}

/// The last ` - ` or ` – `: its offset and length in bytes.
fn last_dash(hay: &[u8]) -> Option<(usize, usize)> {
    // One backwards pass over the rare bytes `-` and 0x93 (the last byte of `–`, U+2013),
    // checking the spaces around each; the first hit from the right is the last dash.
    // (`then`, not `then_some`: `i - 1` must not be evaluated at offset 0.)
    memchr::memrchr2_iter(b'-', 0x93, hay).find_map(|i| {
        let space_after = hay.get(i + 1) == Some(&b' ');
        if hay[i] == b'-' {
            (i >= 1 && space_after && hay[i - 1] == b' ').then(|| (i - 1, 3))
        } else {
            (i >= 3 && space_after && hay[i - 3..i - 1] == [b' ', 0xE2] && hay[i - 1] == 0x80)
                .then(|| (i - 3, 5))
        }
    })
}

/// `EU, G77 retain` → `[EU, G77]`.
fn proposer_codes(tail: &str) -> Option<Vec<String>> {
    let tail = tail.trim();
    let tail = strip_word_suffix(tail, "retain").unwrap_or(tail);
    codes(tail)
}

/// `G77, AGN delete` → `[G77, AGN]`.
fn deletion_codes(clause: &str) -> Option<Vec<String>> {
    codes(strip_word_suffix(clause.trim(), "delete")?)
}

/// `text` without a final whitespace-separated `word` (ASCII case-insensitive).
fn strip_word_suffix<'t>(text: &'t str, word: &str) -> Option<&'t str> {
    let cut = text.len().checked_sub(word.len())?;
    if !text.is_char_boundary(cut) || !text[cut..].eq_ignore_ascii_case(word) {
        return None;
    }
    let before = &text[..cut];
    let kept = before.trim_end();
    (kept.len() < before.len()).then_some(kept)
}

fn codes(list: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    for code in list.split(',') {
        let code = code.trim();
        if !is_code(code) {
            return None;
        }
        out.push(code.to_owned());
    }
    Some(out)
}

pub(super) fn is_code(code: &str) -> bool {
    let b = code.as_bytes();
    b.len() >= 2
        && b[0].is_ascii_uppercase()
        && b.iter()
            .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'/' | b'.' | b'&'))
}

/// `[agreed ad ref]` and its spellings; case, spacing and dots do not matter.
pub(super) fn status_mark(content: &str) -> Option<StatusMark> {
    // Most brackets hold long text: bail out before looking at words.
    if content.len() > 40 {
        return None;
    }
    // Every mark starts with "agreed" or "ad": nothing else needs splitting into words.
    if !content
        .trim_start()
        .starts_with(|c: char| c.eq_ignore_ascii_case(&'a'))
    {
        return None;
    }
    let mut words = [""; 4];
    let mut n = 0;
    for w in content.split_whitespace() {
        if n == words.len() {
            return None;
        }
        words[n] = w.trim_end_matches('.');
        n += 1;
    }
    let is = |w: &str, word: &str| w.eq_ignore_ascii_case(word);
    let is_ref = |w: &str| is(w, "ref") || is(w, "referendum");
    match &words[..n] {
        [a] if is(a, "agreed") => Some(StatusMark::Agreed),
        [a, b, c] if is(a, "agreed") && is(b, "ad") && is_ref(c) => Some(StatusMark::AgreedAdRef),
        [b, c] if is(b, "ad") && is_ref(c) => Some(StatusMark::AdRef),
        _ => None,
    }
}

/// Content that begins with the word "Placeholder".
pub(super) fn is_placeholder(content: &str) -> bool {
    let t = content.trim_start().as_bytes();
    const WORD: &[u8] = b"placeholder";
    t.len() >= WORD.len()
        && t[..WORD.len()].eq_ignore_ascii_case(WORD)
        && t.get(WORD.len()).is_none_or(|b| !b.is_ascii_alphanumeric())
}

/// `No text` / `No text.`
pub(super) fn is_no_text(body: &str) -> bool {
    body.trim()
        .trim_end_matches('.')
        .trim_end()
        .eq_ignore_ascii_case("no text")
}

/// `children/girls`: one word of slash-separated parts, each holding a letter. Returns the
/// byte offsets of the slashes.
pub(super) fn inline_slashes(content: &str) -> Option<Vec<usize>> {
    if !content.contains('/') || content.chars().any(char::is_whitespace) {
        return None;
    }
    let all_parts_wordy = content
        .split('/')
        .all(|part| part.chars().any(char::is_alphabetic));
    all_parts_wordy.then(|| memchr::memchr_iter(b'/', content.as_bytes()).collect())
}
