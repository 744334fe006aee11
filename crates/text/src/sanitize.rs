//! Making hostile text safe to print.
//!
//! Drafts, positions, commit messages, author names and branch names are data from other
//! people. A terminal obeys control characters in them: `ESC [ 2 J` clears the screen,
//! `ESC ] 52 ; c ; …` writes the clipboard, `ESC ] 0 ; …` retitles the window, `ESC ] 8 ; …`
//! hides a link behind innocent text, and U+202E reverses what a reader sees. So every
//! string is passed through [`inert`] (or [`inert_line`]) before it is drawn.
//!
//! Dangerous characters are not dropped but shown, so a reviewer sees that something odd
//! is in the text. The visible forms are:
//!
//! | character | shown as |
//! |---|---|
//! | ESC (U+001B) | `\e` |
//! | CR (U+000D) | `\r` (by [`inert`], a CR just before LF is removed instead) |
//! | LF, TAB | kept by [`inert`]; `\n`, `\t` by [`inert_line`] |
//! | other C0 controls, DEL | `\xNN`, e.g. `\x07` for BEL, `\x00` for NUL, `\x7f` |
//! | C1 controls (U+0080–U+009F) | `\u{NN}`, e.g. `\u{9b}` for the one-byte CSI |
//! | bidi controls (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) | `\u{NNNN}`, e.g. `\u{202e}` |
//!
//! Once ESC is shown as `\e`, the rest of an escape sequence is ordinary printable text,
//! so `ESC [ 2 J` reads `\e[2J` and an OSC 52 clipboard write reads
//! `\e]52;c;ZXZpbA==\x07`: fully visible and inert. The output is for reading, not for
//! round-tripping: a literal backslash in the input is left alone.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Bidirectional formatting characters: they reorder what is displayed without changing
/// the bytes, the "Trojan Source" trick.
fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// Whether `c` must be escaped. `line`: the text is one line, so LF, CR and TAB must be too.
fn must_escape(c: char, line: bool) -> bool {
    match c {
        '\n' | '\t' => line,
        // C0, DEL and C1 are exactly Unicode's `Cc` category.
        c if c.is_control() => true,
        c => is_bidi_control(c),
    }
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '\u{1b}' => out.push_str("\\e"),
        '\r' => out.push_str("\\r"),
        '\n' => out.push_str("\\n"),
        '\t' => out.push_str("\\t"),
        c if (c as u32) < 0x80 => {
            // Writing to a String cannot fail.
            let _ = write!(out, "\\x{:02x}", c as u32);
        }
        c => {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
    }
}

/// Where the first character [`must_escape`] picks begins, if any. Printable ASCII,
/// nearly all of any text, is passed over eight bytes at a time (printing a comparison
/// scans every byte of it); only a control byte or a non-ASCII character is looked at.
fn first_to_escape(s: &str, line: bool) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut i = 0;
    loop {
        i = next_unusual_byte(bytes, i)?;
        let b = bytes[i];
        if b.is_ascii() {
            if must_escape(b as char, line) {
                return Some(i);
            }
            i += 1;
        } else {
            let c = s[i..].chars().next()?;
            if must_escape(c, line) {
                return Some(i);
            }
            i += c.len_utf8();
        }
    }
}

/// The first byte from `from` on that is not printable ASCII (below 0x20, or 0x7f and
/// above), if any.
fn next_unusual_byte(bytes: &[u8], from: usize) -> Option<usize> {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    let mut i = from;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let x = u64::from_ne_bytes(chunk.try_into().expect("eight bytes"));
        // A byte below 0x20 (the classic "has a byte less than n" test, exact for n <= 128),
        // or at 0x7f and above (adding one sets, or finds set, its top bit).
        let below = x.wrapping_sub(ONES * 0x20) & !x & HIGH;
        let above = (x.wrapping_add(ONES) | x) & HIGH;
        if below | above != 0 {
            break;
        }
        i += 8;
    }
    bytes[i..]
        .iter()
        .position(|b| !(0x20..0x7f).contains(b))
        .map(|p| i + p)
}

fn render(s: &str, line: bool) -> Cow<'_, str> {
    let Some(first) = first_to_escape(s, line) else {
        return Cow::Borrowed(s);
    };
    let mut out = String::with_capacity(s.len() + 16);
    out.push_str(&s[..first]);
    let mut chars = s[first..].chars().peekable();
    while let Some(c) = chars.next() {
        if !must_escape(c, line) {
            out.push(c);
        } else if c == '\r' && !line && chars.peek() == Some(&'\n') {
            // A Windows line ending: the CR carries no meaning on screen and cannot
            // overwrite anything before the LF, so drop it rather than clutter every line.
        } else {
            push_escaped(&mut out, c);
        }
    }
    Cow::Owned(out)
}

/// `s` made safe to print to a terminal, keeping its line breaks and tabs: every other
/// control character, and every bidi control, is shown in a visible form (see the module
/// documentation). Borrows `s`, allocating nothing, when nothing needs changing.
pub fn inert(s: &str) -> Cow<'_, str> {
    render(s, false)
}

/// Like [`inert`], for single-line fields (author names, subjects, branch names): line
/// breaks and tabs are shown too (`\n`, `\r`, `\t`), so the result is always one line and
/// cannot disturb a column layout.
pub fn inert_line(s: &str) -> Cow<'_, str> {
    render(s, true)
}

/// Whether [`inert`] would change `s`: it holds a control character other than LF and TAB
/// (CR included), or a bidi control.
pub fn has_control(s: &str) -> bool {
    s.contains(|c| must_escape(c, false))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn owned(s: &str) -> String {
        match inert(s) {
            Cow::Owned(o) => o,
            Cow::Borrowed(b) => panic!("{b:?} was not escaped"),
        }
    }

    #[test]
    fn plain_text_is_borrowed() {
        for s in [
            "",
            "Article 9 bis. [shall][may] — EU, G77 retain",
            "two\nlines\twith a tab",
            "Ünïcödé, 日本語, emoji 🙂, RTL text שלום without controls",
            r"a literal \e stays as typed",
        ] {
            assert!(matches!(inert(s), Cow::Borrowed(_)), "{s:?}");
            assert!(!has_control(s), "{s:?}");
        }
        assert!(matches!(inert_line("Ana María"), Cow::Borrowed(_)));
    }

    #[test]
    fn esc_and_csi() {
        assert_eq!(owned("a\x1bb"), r"a\eb");
        assert_eq!(owned("\x1b[2J\x1b[H"), r"\e[2J\e[H");
        assert_eq!(owned("\x1b[31mred\x1b[0m"), r"\e[31mred\e[0m");
    }

    #[test]
    fn osc_clipboard_link_and_title() {
        assert_eq!(
            owned("\x1b]52;c;ZXZpbA==\x07"),
            r"\e]52;c;ZXZpbA==\x07",
            "OSC 52 clipboard write"
        );
        assert_eq!(
            owned("\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\"),
            r"\e]8;;https://evil.example\e\click\e]8;;\e\",
            "OSC 8 hyperlink"
        );
        assert_eq!(owned("\x1b]0;pwned\x07"), r"\e]0;pwned\x07", "title");
    }

    #[test]
    fn bidi_overrides() {
        assert_eq!(owned("abc\u{202e}fed"), r"abc\u{202e}fed");
        assert_eq!(owned("\u{2066}x\u{2069}"), r"\u{2066}x\u{2069}");
        assert_eq!(owned("\u{200f}\u{061c}"), r"\u{200f}\u{61c}");
    }

    #[test]
    fn c1_nul_bel_del() {
        assert_eq!(owned("\u{9b}2J"), r"\u{9b}2J", "one-byte CSI");
        assert_eq!(
            owned("\u{9d}0;t\u{9c}"),
            r"\u{9d}0;t\u{9c}",
            "one-byte OSC and ST"
        );
        assert_eq!(owned("a\0b"), r"a\x00b");
        assert_eq!(owned("ding\x07"), r"ding\x07");
        assert_eq!(owned("\x7f\x08"), r"\x7f\x08");
    }

    #[test]
    fn carriage_returns() {
        // A lone CR could overwrite "agreed" on screen; it is shown.
        assert_eq!(owned("rejected\ragreed"), r"rejected\ragreed");
        // A CRLF line ending is just a line ending.
        assert_eq!(owned("a\r\nb\r\n"), "a\nb\n");
        assert!(has_control("a\r\nb"));
    }

    #[test]
    fn single_line_fields() {
        assert_eq!(
            inert_line("Eve\nSigned-off-by: Alice"),
            r"Eve\nSigned-off-by: Alice"
        );
        assert_eq!(inert_line("a\r\n\tb\x1b[2J"), r"a\r\n\tb\e[2J");
        assert_eq!(inert("a\tb"), "a\tb");
    }

    /// The eight-at-a-time scan finds every byte value at every place of a word, after
    /// any start, as the plain scan does.
    #[test]
    fn the_wide_scan_finds_each_unusual_byte_where_the_plain_scan_does() {
        for place in 0..20 {
            for value in 0..=255u8 {
                let mut bytes = vec![b'a'; 20];
                bytes[place] = value;
                for from in 0..20 {
                    let plain = bytes[from..]
                        .iter()
                        .position(|b| !(0x20..0x7f).contains(b))
                        .map(|p| from + p);
                    assert_eq!(
                        next_unusual_byte(&bytes, from),
                        plain,
                        "{value:#x} at {place} from {from}"
                    );
                }
            }
        }
    }

    fn hostile_char() -> impl Strategy<Value = char> {
        prop_oneof![
            any::<char>(),
            (0u32..0x20).prop_map(|c| char::from_u32(c).unwrap()),
            (0x7fu32..0xa0).prop_map(|c| char::from_u32(c).unwrap()),
            prop::sample::select(vec![
                '\u{1b}', '[', ']', ';', '\\', '\r', '\n', '\t', '\u{61c}', '\u{200e}', '\u{200f}',
                '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{202e}', '\u{2066}', '\u{2067}',
                '\u{2068}', '\u{2069}',
            ]),
        ]
    }

    proptest! {
        #[test]
        fn inert_output_is_inert(chars in prop::collection::vec(hostile_char(), 0..64)) {
            let s: String = chars.into_iter().collect();
            let out = inert(&s);
            for c in out.chars() {
                prop_assert!(!c.is_control() || c == '\n' || c == '\t', "{c:?} in {out:?}");
                prop_assert!(!is_bidi_control(c), "{c:?} in {out:?}");
            }
            prop_assert_eq!(matches!(out, Cow::Borrowed(_)), !has_control(&s));
            // Line structure is kept: every LF of the input, and only those.
            prop_assert_eq!(out.matches('\n').count(), s.matches('\n').count());
            // Nothing to escape in the output, so escaping again changes nothing.
            prop_assert!(!has_control(&out));

            let line = inert_line(&s);
            for c in line.chars() {
                prop_assert!(!c.is_control() && !is_bidi_control(c), "{c:?} in {line:?}");
            }
            // The byte scan finds what a scan by characters finds.
            for line in [false, true] {
                prop_assert_eq!(first_to_escape(&s, line), s.find(|c| must_escape(c, line)));
            }
        }
    }
}
