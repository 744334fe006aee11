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

/// Two or more wordings of one clause side by side as bracketed alternatives, each
/// attributed to the delegations that proposed it: `[remote text - EU][our text - USA]`
/// (a wording with nobody named goes unattributed). `None` when the result would not
/// parse as balanced brackets (a wording with unbalanced brackets of its own).
pub fn stack_alternatives<S: AsRef<str>>(wordings: &[(&str, &[S])]) -> Option<String> {
    let mut text = String::new();
    for (wording, by) in wordings {
        text.push('[');
        text.push_str(wording.trim());
        if !by.is_empty() {
            let by: Vec<&str> = by.iter().map(AsRef::as_ref).collect();
            text.push_str(" - ");
            text.push_str(&by.join(", "));
        }
        text.push(']');
    }
    super::parse(&text).problems.is_empty().then_some(text)
}

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
    // Most alternatives hold neither a `;` nor a dash (`-`, or 0x93 ending `–`): nothing
    // below could match, so one search settles them.
    if !has_tail_mark(&bytes[scan_from..end]) {
        return Tail {
            body_end: end,
            end,
            proposers: Vec::new(),
            deletions: Vec::new(),
        };
    }
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

/// Whether `hay` holds a `;`, a `-` or the last byte of `–`. Alternatives are mostly a few
/// words, where a plain loop beats setting up a vector search.
fn has_tail_mark(hay: &[u8]) -> bool {
    if hay.len() >= 64 {
        return memchr::memchr3(b';', b'-', 0x93, hay).is_some();
    }
    hay.iter().any(|&b| matches!(b, b';' | b'-' | 0x93))
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
    // Check the whole list before allocating anything: most tails that reach here are prose.
    let mut n = 0;
    if !comma_parts(list, |code| {
        n += 1;
        is_code(trim(code))
    }) {
        return None;
    }
    let mut out = Vec::with_capacity(n);
    comma_parts(list, |code| {
        out.push(trim(code).to_owned());
        true
    });
    Some(out)
}

/// `list.split(',')`, with a byte loop rather than a search per part (lists are short).
/// Stops early, returning false, when `f` does.
fn comma_parts(list: &str, mut f: impl FnMut(&str) -> bool) -> bool {
    let mut start = 0;
    for (i, &b) in list.as_bytes().iter().enumerate() {
        if b == b',' {
            if !f(&list[start..i]) {
                return false;
            }
            start = i + 1;
        }
    }
    f(&list[start..])
}

/// `str::trim`, without decoding characters when both ends are ASCII.
fn trim(s: &str) -> &str {
    // Whitespace in the sense of `char::is_whitespace`, among ASCII bytes.
    let blank = |b: &u8| matches!(b, b'\t'..=b'\r' | b' ');
    let b = s.as_bytes();
    let start = b.iter().position(|c| !blank(c)).unwrap_or(b.len());
    let end = b.iter().rposition(|c| !blank(c)).map_or(start, |e| e + 1);
    let t = &s[start..end.max(start)];
    match t.as_bytes() {
        [first, .., last] if first.is_ascii() && last.is_ascii() => t,
        [only] if only.is_ascii() => t,
        [] => t,
        _ => t.trim(),
    }
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
    // Most contents start with an ASCII letter, which settles this without decoding.
    if let Some(b) = content.bytes().next()
        && b.is_ascii_alphabetic()
        && !b.eq_ignore_ascii_case(&b'a')
    {
        return None;
    }
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
    // The same shortcut as in `status_mark`: an ASCII letter other than `p` up front.
    if let Some(b) = content.bytes().next()
        && b.is_ascii_alphabetic()
        && !b.eq_ignore_ascii_case(&b'p')
    {
        return false;
    }
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

/// `children/girls`: one word of slash-separated parts, each holding a letter.
pub(super) fn splits_inline(content: &str) -> bool {
    let bytes = content.as_bytes();
    let has_slash = if bytes.len() >= 64 {
        memchr::memchr(b'/', bytes).is_some()
    } else {
        bytes.contains(&b'/')
    };
    if !has_slash {
        return false;
    }
    if content.is_ascii() {
        // The same test as below, byte by byte: ASCII whitespace in the sense of
        // `char::is_whitespace` is 0x09..=0x0D and the space.
        return !bytes.iter().any(|&b| matches!(b, b'\t'..=b'\r' | b' '))
            && bytes
                .split(|&b| b == b'/')
                .all(|part| part.iter().any(u8::is_ascii_alphabetic));
    }
    !content.chars().any(char::is_whitespace)
        && content
            .split('/')
            .all(|part| part.chars().any(char::is_alphabetic))
}

/// The byte offsets of the slashes of a content that [`splits_inline`].
#[cfg(test)]
fn inline_slashes(content: &str) -> Option<Vec<usize>> {
    splits_inline(content).then(|| memchr::memchr_iter(b'/', content.as_bytes()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    type Deletions = Vec<(String, Vec<String>)>;

    fn attributed(s: &str) -> (String, Vec<String>, Deletions) {
        let t = tail(s, 0, s.len(), 0);
        let dels = t
            .deletions
            .iter()
            .map(|(a, b, c)| (s[*a..*b].to_owned(), c.clone()))
            .collect();
        (s[..t.body_end].to_owned(), t.proposers, dels)
    }

    fn v(codes: &[&str]) -> Vec<String> {
        codes.iter().map(|c| c.to_string()).collect()
    }

    #[test]
    fn attribution_and_deletion() {
        assert_eq!(
            attributed("extreme - US; G77 delete"),
            (
                "extreme".into(),
                v(&["US"]),
                vec![("G77 delete".into(), v(&["G77"]))]
            )
        );
        assert_eq!(
            attributed("changing unsustainable - EU, G77 retain"),
            ("changing unsustainable".into(), v(&["EU", "G77"]), vec![])
        );
        assert_eq!(
            attributed("a - G77/China, LDCs, AOSIS; US, EU delete; AGN delete"),
            (
                "a".into(),
                v(&["G77/China", "LDCs", "AOSIS"]),
                vec![
                    ("US, EU delete".into(), v(&["US", "EU"])),
                    ("AGN delete".into(), v(&["AGN"]))
                ]
            )
        );
    }

    #[test]
    fn dashes_in_prose_stay_text() {
        for s in [
            "low- and middle-income - countries",
            "by 2030 - 2050",
            "measures - Article 4",
            "a - US and EU",
            "a - U",
            "a -US",
            "a; b",
            "text; delete",
        ] {
            let (body, who, dels) = attributed(s);
            assert_eq!((body.as_str(), who.len(), dels.len()), (s, 0, 0), "{s}");
        }
    }

    #[test]
    fn only_the_last_dash_counts() {
        assert_eq!(
            attributed("north - south - EU").0,
            "north - south",
            "the earlier dash is prose"
        );
        assert_eq!(attributed("a - EU - and more").1.len(), 0);
        assert_eq!(attributed("a \u{2013} EU").1, v(&["EU"]));
    }

    #[test]
    fn status_marks() {
        use StatusMark::*;
        for (s, m) in [
            ("agreed ad ref", Some(AgreedAdRef)),
            ("Agreed ad referendum", Some(AgreedAdRef)),
            ("ad ref.", Some(AdRef)),
            (" agreed ", Some(Agreed)),
            ("agreed text", None),
            ("ad", None),
        ] {
            assert_eq!(status_mark(s), m, "{s}");
        }
    }

    #[test]
    fn placeholders_and_no_text() {
        assert!(is_placeholder("Placeholder for a definition"));
        assert!(is_placeholder(" PLACEHOLDER"));
        assert!(!is_placeholder("Placeholders"));
        assert!(is_no_text(" No text. "));
        assert!(is_no_text("no TEXT"));
        assert!(!is_no_text("No text here"));
    }

    #[test]
    fn inline_slash_rule() {
        assert_eq!(inline_slashes("children/girls"), Some(vec![8]));
        assert_eq!(inline_slashes("shall/should/may").map(|v| v.len()), Some(2));
        assert_eq!(inline_slashes("and/or"), Some(vec![3]));
        assert_eq!(inline_slashes("take measures and/or steps"), None);
        assert_eq!(inline_slashes("girls/women and children"), None);
        assert_eq!(inline_slashes("1/2"), None);
        assert_eq!(inline_slashes("a//b"), None);
        assert_eq!(inline_slashes("plain"), None);
    }
}

#[cfg(test)]
mod stack_tests {
    use super::stack_alternatives;

    #[test]
    fn wordings_stack_as_attributed_alternatives_and_parse_back() {
        let eu = ["EU".to_string()];
        let usa = ["USA".to_string(), "AGN".to_string()];
        let text = stack_alternatives(&[
            ("Parties shall act. ", &eu[..]),
            ("Parties should act.", &usa[..]),
        ])
        .unwrap();
        assert_eq!(
            text,
            "[Parties shall act. - EU][Parties should act. - USA, AGN]"
        );
        let tree = super::super::parse(&text);
        let points = tree.choice_points(&text);
        assert_eq!(points.len(), 1, "{points:?}");
        assert_eq!(points[0].labels.len(), 2, "{points:?}");
        let nobody: [&str; 0] = [];
        assert_eq!(
            stack_alternatives(&[("a", &nobody[..]), ("b", &nobody[..])]).as_deref(),
            Some("[a][b]")
        );
    }

    #[test]
    fn a_wording_with_unbalanced_brackets_cannot_be_stacked() {
        let nobody: [&str; 0] = [];
        assert_eq!(
            stack_alternatives(&[("one [two", &nobody[..]), ("three", &nobody[..])]),
            None
        );
    }
}
