//! Small text recognisers shared by the plain and Markdown readers and the writer.

use super::ImportedBlock;

use crate::draft::block::LATIN_SUFFIXES as SUFFIXES;

fn is_suffix(word: &str) -> bool {
    SUFFIXES.iter().any(|s| s.eq_ignore_ascii_case(word))
}

/// `1. text`, `2 bis. text`, `3.` → (`"1"`, `"text"`). At most three digits, and the dot
/// must be followed by whitespace or the end of the line.
pub(crate) fn numbered_label(s: &str) -> Option<(&str, &str)> {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 3 {
        return None;
    }
    let mut end = digits;
    let rest = &s[digits..];
    if let Some(after_space) = rest.strip_prefix(' ') {
        let word: &str = after_space
            .split(|c: char| !c.is_ascii_alphabetic())
            .next()
            .unwrap_or("");
        if is_suffix(word) {
            end = digits + 1 + word.len();
        }
    }
    let after = s[end..].strip_prefix('.')?;
    if !(after.is_empty() || after.starts_with(char::is_whitespace)) {
        return None;
    }
    Some((&s[..end], after.trim()))
}

/// `(a) text`, `(iv)text`, `(12) text` → (`"(a)"`, `"text"`): one to four lowercase
/// letters or one to three digits in parentheses.
pub(crate) fn point_label(s: &str) -> Option<(&str, &str)> {
    let inner = s.strip_prefix('(')?;
    let close = inner.find(')')?;
    let body = &inner[..close];
    let ok = (!body.is_empty() && body.len() <= 4 && body.bytes().all(|b| b.is_ascii_lowercase()))
        || (!body.is_empty() && body.len() <= 3 && body.bytes().all(|b| b.is_ascii_digit()));
    if !ok {
        return None;
    }
    Some((&s[..close + 2], s[close + 2..].trim()))
}

/// `PP1. text` → (`"PP1"`, `"text"`).
pub(crate) fn pp_label(s: &str) -> Option<(&str, &str)> {
    let rest = s.strip_prefix("PP")?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    let mut end = 2 + digits;
    end += s[end..]
        .bytes()
        .take_while(u8::is_ascii_lowercase)
        .count()
        .min(2);
    let after = s[end..].strip_prefix('.')?;
    if !(after.is_empty() || after.starts_with(char::is_whitespace)) {
        return None;
    }
    Some((&s[..end], after.trim()))
}

/// `Option 1:`, `Option (a):` at the start of a line: a line that belongs to the clause
/// above it in the draft format.
pub(crate) fn is_option_line(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("Option ") else {
        return false;
    };
    match rest.find(':') {
        Some(i) => {
            let tag = &rest[..i];
            !tag.is_empty() && tag.len() <= 6 && !tag.contains(char::is_whitespace)
        }
        None => false,
    }
}

/// Splits a trailing `{#id}` off a line: (`content`, `Some(id)`).
pub(crate) fn split_id(line: &str) -> (&str, Option<&str>) {
    let t = line.trim_end();
    if let Some(body) = t.strip_suffix('}')
        && let Some(open) = body.rfind("{#")
    {
        let id = &body[open + 2..];
        if is_valid_id(id) {
            return (t[..open].trim_end(), Some(id));
        }
    }
    (t, None)
}

/// `[A-Za-z0-9][A-Za-z0-9._-]*`
pub(crate) fn is_valid_id(id: &str) -> bool {
    let mut b = id.bytes();
    matches!(b.next(), Some(c) if c.is_ascii_alphanumeric())
        && b.all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'-'))
}

/// Lowercase ASCII letters and digits, everything else collapsed to single `-`.
pub(crate) fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// An ATX heading: (`level`, `text` without the `#`s).
pub(crate) fn atx_heading(line: &str) -> Option<(usize, &str)> {
    let level = line.bytes().take_while(|&b| b == b'#').count();
    if level == 0 || level > 6 {
        return None;
    }
    let rest = &line[level..];
    if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
        return None;
    }
    Some((level, rest.trim()))
}

/// `- [text](path)`: the path of an include line of `treaty.md`.
pub(crate) fn include_target(line: &str) -> Option<&str> {
    let rest = line.trim().strip_prefix("- [")?;
    let close = find_unescaped(rest, "](")?;
    let target = rest[close + 2..].strip_suffix(')')?;
    if target.is_empty() || target.contains(char::is_whitespace) || target.contains("://") {
        return None;
    }
    Some(target)
}

fn find_unescaped(s: &str, pat: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = s[from..].find(pat) {
        let at = from + i;
        let backslashes = s[..at].bytes().rev().take_while(|&b| b == b'\\').count();
        if backslashes % 2 == 0 {
            return Some(at);
        }
        from = at + pat.len();
    }
    None
}

/// Strict article heading of the plain form: the whole line is `Article N`,
/// `Article N bis`, optionally followed by `-`/`–`/`—`/`.`/`:` and a title.
/// `Article 309 does not preclude …` is not a heading.
pub(crate) fn strict_article_heading(line: &str) -> Option<(String, Option<String>)> {
    let rest = strip_word(line, "article")?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 4 {
        return None;
    }
    let mut number = rest[..digits].to_string();
    let mut tail = &rest[digits..];
    // `8 bis`, `8bis`, `8 A`
    let word_start = tail.trim_start();
    let word: &str = word_start
        .split(|c: char| !c.is_ascii_alphabetic())
        .next()
        .unwrap_or("");
    if is_suffix(word) {
        number.push(' ');
        number.push_str(&word.to_ascii_lowercase());
        tail = &word_start[word.len()..];
    }
    let tail = tail.trim();
    if tail.is_empty() {
        return Some((number, None));
    }
    let title = strip_separator(tail)?;
    Some((number, (!title.is_empty()).then(|| title.to_string())))
}

/// `- title`, `– title`, `— title`, `. title`, `: title` → `title`.
fn strip_separator(s: &str) -> Option<&str> {
    for sep in ['-', '–', '—', '.', ':'] {
        if let Some(rest) = s.strip_prefix(sep) {
            if sep == '.' || sep == ':' || rest.is_empty() || rest.starts_with(char::is_whitespace)
            {
                return Some(rest.trim());
            }
            return None;
        }
    }
    None
}

/// `word rest` (case-insensitive word, then whitespace) → `rest`.
fn strip_word<'a>(line: &'a str, word: &str) -> Option<&'a str> {
    let line = line.trim();
    let head = line.get(..word.len())?;
    if !head.eq_ignore_ascii_case(word) {
        return None;
    }
    let rest = &line[word.len()..];
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    Some(rest.trim_start())
}

/// Lenient Markdown article heading `Article 4 bis. Title`, `Article 5 - Title`,
/// `Article 1`: (`number`, `title`).
pub(crate) fn article_heading(text: &str) -> Option<(String, Option<String>)> {
    let rest = strip_word(text, "article")?;
    if !rest.starts_with(|c: char| c.is_ascii_digit()) {
        // A section of a negotiating text imported as an article: `Article A`,
        // `Article XIV` (a letter or a roman numeral, then a full stop or the end).
        let end = rest
            .find(|c: char| c.is_whitespace() || c == '.')
            .unwrap_or(rest.len());
        let label = &rest[..end];
        let letter = label.len() == 1 && label.bytes().all(|b| b.is_ascii_uppercase());
        let roman = !label.is_empty() && label.bytes().all(|b| b"IVXLCDM".contains(&b));
        let after = rest[end..].trim_start();
        if !(letter || roman) || !(after.is_empty() || rest[end..].starts_with('.')) {
            return None;
        }
    }
    let (number, title) = split_number_title(rest);
    Some((number.to_string(), title.map(str::to_string)))
}

/// Splits `9 bis. Title` / `9 - Title` / `9` into number and title.
fn split_number_title(rest: &str) -> (&str, Option<&str>) {
    let mut best: Option<(usize, usize)> = None;
    for sep in [". ", " - ", " – ", " — ", ": "] {
        if let Some(i) = rest.find(sep)
            && best.is_none_or(|(b, _)| i < b)
        {
            best = Some((i, sep.len()));
        }
    }
    match best {
        Some((i, len)) => {
            let title = rest[i + len..].trim();
            (rest[..i].trim(), (!title.is_empty()).then_some(title))
        }
        None => {
            let n = rest.trim();
            (n.strip_suffix(['.', ':']).unwrap_or(n).trim_end(), None)
        }
    }
}

/// A division heading: (`kind`, `label`, `title`). In `strict` mode (plain text, where
/// the line is not marked as a heading) the kind word must be capitalised or upper case
/// and an unseparated title must be upper case.
pub(crate) fn division_heading(
    text: &str,
    strict: bool,
) -> Option<(String, String, Option<String>)> {
    let text = text.trim();
    let first: &str = text.split_whitespace().next()?;
    let kind = match first.to_ascii_lowercase().as_str() {
        "part" => "Part",
        "chapter" => "Chapter",
        "section" => "Section",
        "sub-section" | "subsection" => "Sub-section",
        "title" => "Title",
        _ => return None,
    };
    if strict && !first.starts_with(|c: char| c.is_ascii_uppercase()) {
        return None;
    }
    let rest = text[first.len()..].trim_start();
    let (label, title) = label_and_title(rest, strict)?;
    Some((kind.to_string(), label, title))
}

/// An annex heading `Annex I`, `ANNEX 2 - Title`, `Annex A. Title`: (`label`, `title`).
pub(crate) fn annex_heading(text: &str, strict: bool) -> Option<(String, Option<String>)> {
    let rest = strip_word(text, "annex")?;
    if strict && !(text.starts_with("Annex") || text.starts_with("ANNEX")) {
        return None;
    }
    label_and_title(rest, strict)
}

/// What follows a heading's kind word: a numeral label, then an optional title after a
/// separator (`. `, ` - `, `: `…). In `strict` mode an unseparated title must be upper case.
fn label_and_title(rest: &str, strict: bool) -> Option<(String, Option<String>)> {
    let label_end = rest
        .find(|c: char| c.is_whitespace() || c == '.' || c == ':')
        .unwrap_or(rest.len());
    let label = &rest[..label_end];
    if !is_numeral(label) {
        return None;
    }
    let tail = rest[label_end..].trim();
    if tail.is_empty() {
        return Some((label.to_string(), None));
    }
    let title = match strip_separator(tail) {
        Some(t) => t,
        None if !strict || !tail.chars().any(char::is_lowercase) => tail,
        None => return None,
    };
    Some((
        label.to_string(),
        (!title.is_empty()).then(|| title.to_string()),
    ))
}

/// `IV`, `12`, `A`, `2a`.
fn is_numeral(s: &str) -> bool {
    if s.is_empty() || s.len() > 8 {
        return false;
    }
    let roman = s.bytes().all(|b| b"IVXLCDM".contains(&b));
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    let arabic =
        digits > 0 && s.len() - digits <= 1 && s.bytes().all(|b| b.is_ascii_alphanumeric());
    let letter = s.len() == 1 && s.bytes().all(|b| b.is_ascii_uppercase());
    roman || arabic || letter
}

/// Classifies one block of article or annex text by its start.
pub(crate) fn classify(text: &str) -> ImportedBlock {
    if let Some((label, rest)) = numbered_label(text) {
        return ImportedBlock::Paragraph {
            label: Some(label.to_string()),
            text: rest.to_string(),
        };
    }
    if let Some((label, rest)) = point_label(text) {
        return ImportedBlock::Point {
            label: label.to_string(),
            text: rest.to_string(),
        };
    }
    ImportedBlock::Paragraph {
        label: None,
        text: text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert_eq!(numbered_label("1. The Court"), Some(("1", "The Court")));
        assert_eq!(numbered_label("2 bis. Text"), Some(("2 bis", "Text")));
        assert_eq!(numbered_label("3."), Some(("3", "")));
        assert_eq!(numbered_label("1958. Text"), None);
        assert_eq!(numbered_label("1.5 m"), None);
        assert_eq!(point_label("(a)the treaty"), Some(("(a)", "the treaty")));
        assert_eq!(point_label("(12)    x"), Some(("(12)", "x")));
        assert_eq!(point_label("(Text with EEA relevance)"), None);
        assert_eq!(pp_label("PP12. Recognizing"), Some(("PP12", "Recognizing")));
        assert!(is_option_line("Option 1: text"));
        assert!(is_option_line("Option (a): text"));
        assert!(!is_option_line("Option one is the best: x"));
    }

    #[test]
    fn headings() {
        assert_eq!(
            strict_article_heading("Article 8 bis - Crime of aggression"),
            Some(("8 bis".into(), Some("Crime of aggression".into())))
        );
        assert_eq!(
            strict_article_heading("Article 1"),
            Some(("1".into(), None))
        );
        assert_eq!(
            strict_article_heading("Article 309 does not preclude a State"),
            None
        );
        assert_eq!(
            strict_article_heading("Article 60 appliesmutatis mutandisto"),
            None
        );
        assert_eq!(
            article_heading("Article 9 bis. Global AI Observatory"),
            Some(("9 bis".into(), Some("Global AI Observatory".into())))
        );
        assert_eq!(article_heading("Article 5"), Some(("5".into(), None)));
        assert_eq!(
            division_heading("CHAPTER III", false),
            Some(("Chapter".into(), "III".into(), None))
        );
        assert_eq!(
            division_heading("Part I. General provisions", false),
            Some(("Part".into(), "I".into(), Some("General provisions".into())))
        );
        assert_eq!(
            division_heading("Section 2 of this Article applies.", true),
            None
        );
        assert_eq!(division_heading("Title of the thing", false), None);
        assert_eq!(
            annex_heading("ANNEX XIII", false),
            Some(("XIII".into(), None))
        );
        assert_eq!(annex_heading("Annexes", false), None);
        assert_eq!(split_id("text {#art-1.2}"), ("text", Some("art-1.2")));
        assert_eq!(split_id("text {#bad id}"), ("text {#bad id}", None));
        assert_eq!(
            include_target("- [Article 1. X](articles/art-1.md)"),
            Some("articles/art-1.md")
        );
        assert_eq!(slug("8 bis"), "8-bis");
        assert_eq!(slug("(iv)"), "iv");
    }
}
