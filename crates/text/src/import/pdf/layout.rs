//! Lines into a treaty: page furniture, footnotes, headings, paragraphs and their labels.
//!
//! 1. **Furniture.** A line in the top or bottom eighth of its page is a running head or
//!    foot when the producer marked it as an artifact and it repeats, or when the same
//!    text (digits aside) stands there on at least two pages in five; it is a page counter
//!    when it reads `7`, `7 of 86`, `- 7 -` or `Page 7` with the page's own number (give or
//!    take a fixed offset). Both leave the text and are kept as the document's metadata;
//!    an artifact on one page only (a first page's masthead) is front matter.
//! 2. **Footnotes.** At a page's foot, below the last line in body type, a line in smaller
//!    type that starts with a raised number opens a footnote body; the lines after it
//!    continue it. A raised number in the text whose footnote exists becomes a reference,
//!    `[^3]`, glued to the word before it as printed; the body becomes the note `[^3]` of
//!    the clause that refers to it. Other raised or lowered characters (the 2 of CO₂, the
//!    nd of 22nd) stay plain text.
//! 3. **Paragraphs.** Lines join into a paragraph until a gap wider than a line (1.3 × the
//!    type size, baseline to baseline), a label, or a page break after a short line.
//!    Lines join with a space, and a line ending in a hyphen joins the next without one:
//!    the hyphen is kept, never taken for a word split (a negotiating text's line-final
//!    hyphens are compound words: climate-resilient, post-2020).
//! 4. **Structure.** A bold line at the left margin starting `A.` or `IV.` is a section
//!    heading; `Article 4`, `Article 4 bis (TITLE)`, `[Article 4 bis]` in bold or centred
//!    is an article heading; `Annex`, `Preamble` and `{Braced headings}` likewise. A
//!    document with articles keeps its sections as division headings; one without takes
//!    its sections as its articles (`Article A`, `Article XIV`). A one-line paragraph in
//!    italics or bold at the left margin, with no label, is a heading inside its article.
//! 5. **Labels.** `12.`, `12 ter.`, `[12 ter.`, `30 [bis.`, `76 bis` open numbered
//!    paragraphs (a bracket before the label moves after it; a label the draft format
//!    cannot write, such as `16 quarter.`, stays at the start of the text), `a.` and `(a)`
//!    points, `3.1` and `16 quarter.1` sub-paragraphs, bullets (the Symbol font's private
//!    `U+F0B7` is written `•`). `Option 2:` paragraphs join the clause above as lines of
//!    their own, as the draft format writes options. `PP1`, `Pp1`, `PP.1` label preamble
//!    paragraphs.
//!
//! Every clause records the pages it is printed on and its label as printed
//! ([`super::super::SourceRef`]).

use std::collections::{BTreeMap, HashMap};

use super::glyphs::FontStyle;
use super::lines::{Line, Rise};
use crate::import::write::Slot;
use crate::import::{
    BodyItem, Imported, ImportedAnnex, ImportedArticle, ImportedBlock, PreambleParagraph,
    SourceDocument, SourceRef,
};

/// The share of a page's height, at top and at foot, where furniture is looked for.
const FURNITURE_ZONE: f32 = 0.125;
/// A line repeated on this share of the pages (and at least 3) is a running head or foot.
const REPEATED: f32 = 0.4;
/// A baseline-to-baseline gap above this many times the type size starts a paragraph.
const PARAGRAPH_GAP: f32 = 1.3;

/// What was taken out of the page text, for the document's metadata.
#[derive(Debug, Default)]
pub struct Furniture {
    pub running_heads: Vec<String>,
    pub page_counter: Option<String>,
    pub front_matter: Vec<String>,
}

/// Page sizes, by page number.
pub type PageSizes = HashMap<u32, (f32, f32)>;

/// Removes running heads, running feet and page counters from `pages`.
pub fn strip_furniture(pages: &mut [Vec<Line>], sizes: &PageSizes) -> Furniture {
    let in_band = |l: &Line| {
        let h = sizes.get(&l.page).map_or(842.0, |s| s.1);
        l.y > h * (1.0 - FURNITURE_ZONE) || l.y < h * FURNITURE_ZONE
    };
    // Only the two first and two last lines of a page can be furniture.
    let edge: std::collections::HashSet<(u32, u32)> = pages
        .iter()
        .flat_map(|p| {
            let n = p.len();
            p.iter()
                .enumerate()
                .filter(move |(i, _)| *i < 2 || *i + 2 >= n)
                .map(|(_, l)| (l.page, l.y.to_bits()))
        })
        .collect();
    let in_zone = |l: &Line| in_band(l) && edge.contains(&(l.page, l.y.to_bits()));
    // The same text at the same height: a line's place on the page is part of its shape.
    let shape = |l: &Line| format!("{}@{}", shape(&l.text()), (l.y / 6.0).round());
    let n_pages = pages.len();
    let needed = ((n_pages as f32 * REPEATED).ceil() as usize).max(3);
    // Repetition of each zone line's shape (digits folded) across pages.
    let mut seen: HashMap<String, Vec<u32>> = HashMap::new();
    for page in pages.iter() {
        for l in page.iter().filter(|l| in_zone(l)) {
            let e = seen.entry(shape(l)).or_default();
            if e.last() != Some(&l.page) {
                e.push(l.page);
            }
        }
    }
    // Page counters: the offset between the number printed and the page number.
    let mut offsets: HashMap<i64, usize> = HashMap::new();
    for page in pages.iter() {
        for l in page.iter().filter(|l| in_zone(l)) {
            if let Some((n, _)) = page_counter(&l.text()) {
                *offsets.entry(n - i64::from(l.page)).or_default() += 1;
            }
        }
    }
    let offset = offsets
        .into_iter()
        .filter(|&(_, c)| c * 2 >= n_pages.max(2))
        .max_by_key(|&(o, c)| (c, -o.abs()))
        .map(|(o, _)| o);

    let mut out = Furniture::default();
    let mut heads: Vec<(String, usize)> = Vec::new();
    for page in pages.iter_mut() {
        page.retain(|l| {
            if !in_zone(l) && !l.artifact {
                return true;
            }
            let text = l.text();
            if let (Some(off), Some((n, form))) = (offset, page_counter(&text))
                && n - i64::from(l.page) == off
                && in_zone(l)
            {
                out.page_counter.get_or_insert(form);
                return false;
            }
            let repeated = seen.get(&shape(l)).is_some_and(|p| p.len() >= needed);
            if repeated && in_zone(l) {
                match heads.iter_mut().find(|(t, _)| *t == text) {
                    Some((_, c)) => *c += 1,
                    None => heads.push((text, 1)),
                }
                return false;
            }
            if l.artifact {
                if page_counter(&text).is_some() && in_zone(l) {
                    out.page_counter
                        .get_or_insert_with(|| page_counter(&text).unwrap().1);
                } else {
                    out.front_matter.push(text);
                }
                return false;
            }
            true
        });
    }
    heads.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    out.running_heads = heads.into_iter().map(|(t, _)| t).collect();
    out
}

/// A line's shape for repetition: digits folded, spaces collapsed.
fn shape(s: &str) -> String {
    let mut out = String::new();
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(w.chars().map(|c| if c.is_ascii_digit() { '#' } else { c }));
    }
    out
}

/// `7`, `7 of 86`, `- 7 -`, `Page 7`, `Page 7 of 86`: the number and the form
/// (`N`, `N of 86`, `- N -`, `Page N`, `Page N of 86`).
pub fn page_counter(s: &str) -> Option<(i64, String)> {
    let t = s.trim();
    let (core, dashed) = match t
        .strip_prefix(['-', '–'])
        .and_then(|r| r.strip_suffix(['-', '–']))
    {
        Some(inner) => (inner.trim(), true),
        None => (t, false),
    };
    let (core, page_word) = match core
        .get(..5)
        .filter(|h| h.eq_ignore_ascii_case("page "))
        .map(|_| core[5..].trim())
    {
        Some(rest) => (rest, true),
        None => (core, false),
    };
    let digits = core.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 4 {
        return None;
    }
    let n: i64 = core[..digits].parse().ok()?;
    let rest = core[digits..].trim();
    let of = if rest.is_empty() {
        None
    } else {
        let total = rest.strip_prefix("of")?.trim();
        if total.is_empty() || !total.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some(total)
    };
    let mut form = String::from(if page_word { "Page N" } else { "N" });
    if let Some(total) = of {
        form.push_str(" of ");
        form.push_str(total);
    }
    if dashed {
        form = format!("- {form} -");
    }
    Some((n, form))
}

/// A footnote's body, as printed at a page's foot.
#[derive(Clone, Debug, PartialEq)]
pub struct Footnote {
    pub number: String,
    pub text: String,
    pub page: u32,
}

fn is_marker(sp: &super::lines::Span) -> bool {
    let t = sp.text.trim();
    sp.rise == Rise::Super && !t.is_empty() && t.len() <= 3 && t.bytes().all(|b| b.is_ascii_digit())
}

/// Takes footnote bodies out of the pages' feet.
pub fn take_footnotes(pages: &mut [Vec<Line>], body: f32) -> Vec<Footnote> {
    let mut notes: Vec<Footnote> = Vec::new();
    for page in pages.iter_mut() {
        // The run of smaller type at the foot of the page.
        let mut start = page.len();
        while start > 0 && page[start - 1].size <= body * 0.95 {
            start -= 1;
        }
        // Its first line that opens a note.
        let Some(first) =
            (start..page.len()).find(|&i| page[i].spans.first().is_some_and(is_marker))
        else {
            continue;
        };
        for l in page.drain(first..) {
            let mut spans = l.spans.iter();
            let opens = l.spans.first().is_some_and(is_marker);
            if opens {
                let number = spans
                    .next()
                    .map(|s| s.text.trim().to_string())
                    .unwrap_or_default();
                notes.push(Footnote {
                    number,
                    text: String::new(),
                    page: l.page,
                });
            }
            let rest: String = spans.map(|s| s.text.as_str()).collect();
            if let Some(n) = notes.last_mut() {
                join_line(&mut n.text, &normalise(&rest));
            }
        }
    }
    notes
}

/// Appends a line to a paragraph's text: a space between, none after a hyphen ending a word.
fn join_line(text: &mut String, line: &str) {
    let line = line.trim();
    if line.is_empty() {
        return;
    }
    if !text.is_empty() {
        let mut tail = text.chars().rev();
        let hyphen_after_word =
            tail.next() == Some('-') && tail.next().is_some_and(char::is_alphanumeric);
        if !hyphen_after_word {
            text.push(' ');
        }
    }
    text.push_str(line);
}

/// Extraction noise and private code points: `U+F0B7` (the Symbol font's bullet) → `•`,
/// `[ Option` → `[Option`, `Option 1 :` → `Option 1:`, runs of spaces → one.
fn normalise(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(w.chars().map(|c| if c == '\u{F0B7}' { '•' } else { c }));
    }
    let mut fixed = out.replace("[ Option", "[Option");
    // `Option 1 :`, `Option (a) :` → without the space before the colon.
    let mut from = 0;
    while let Some(i) = fixed[from..].find("Option") {
        let at = from + i + "Option".len();
        let tail = &fixed[at..];
        if let Some(c) = tail.find(" :")
            && c <= 16
            && !tail[..c].contains(':')
            && tail[..c].split_whitespace().count() <= 3
        {
            fixed.replace_range(at + c..at + c + 1, "");
        }
        from = at;
    }
    fixed
}

/// A line's text with footnote markers as references (`[^3]`) where the footnote exists.
fn line_text(l: &Line, notes: &HashMap<String, usize>) -> String {
    let mut s = String::new();
    for sp in &l.spans {
        if is_marker(sp) && notes.contains_key(sp.text.trim()) {
            let t = s.trim_end().len();
            s.truncate(t);
            s.push_str(&format!("[^{}]", sp.text.trim()));
        } else {
            s.push_str(&sp.text);
        }
    }
    normalise(&s)
}

/// A visual paragraph: its lines, its text, where it sits.
#[derive(Debug)]
struct Para {
    text: String,
    first: Line,
    pages: (u32, u32),
    lines: usize,
    /// The footnotes it refers to, by number.
    notes: Vec<String>,
    /// Its first character is set in Courier (Word's "o" bullets).
    courier_start: bool,
}

/// The text column: its left margin and right edge, from the body lines.
struct Column {
    left: f32,
    right: f32,
}

impl Column {
    fn of(pages: &[Vec<Line>], body: f32) -> Column {
        let mut xs: Vec<f32> = Vec::new();
        let mut rights: Vec<f32> = Vec::new();
        for l in pages.iter().flatten() {
            if l.size >= body * 0.9 {
                xs.push((l.x0 * 2.0).round() / 2.0);
                rights.push(l.x1);
            }
        }
        if xs.is_empty() {
            return Column {
                left: 72.0,
                right: 523.0,
            };
        }
        // The leftmost x that a fair share of lines start at (not one stray line).
        let mut counts: BTreeMap<i32, usize> = BTreeMap::new();
        for x in &xs {
            *counts.entry((*x * 2.0) as i32).or_default() += 1;
        }
        let enough = (xs.len() / 50).max(2);
        let left = counts
            .iter()
            .find(|(_, c)| **c >= enough)
            .map_or(xs[0], |(k, _)| *k as f32 / 2.0);
        rights.sort_by(f32::total_cmp);
        let right = rights[rights.len() * 9 / 10];
        Column { left, right }
    }

    fn at_left(&self, l: &Line) -> bool {
        l.x0 <= self.left + 4.0
    }

    fn centred(&self, l: &Line) -> bool {
        let width = self.right - self.left;
        let mid = (l.x0 + l.x1) / 2.0;
        (mid - (self.left + self.right) / 2.0).abs() < width * 0.06
            && l.x1 - l.x0 < width * 0.8
            && l.x0 > self.left + width * 0.08
    }

    fn short(&self, l: &Line) -> bool {
        l.x1 < self.right - 2.0 * l.size
    }
}

fn paragraphs(
    pages: &[Vec<Line>],
    column: &Column,
    fonts: &[FontStyle],
    notes: &HashMap<String, usize>,
) -> Vec<Para> {
    let mut out: Vec<Para> = Vec::new();
    let mut prev: Option<&Line> = None;
    let mut prev_text = String::new();
    for l in pages.iter().flatten() {
        let text = line_text(l, notes);
        if text.is_empty() {
            continue;
        }
        let starts = match prev {
            None => true,
            // Across a page break: a label, a change to or from bold, or a short line
            // that ended a sentence (text set ragged-right has short lines anywhere).
            Some(p) if p.page != l.page => {
                let ended = column.short(p) && prev_text.ends_with(['.', ';', ':', ',', ']']);
                ended || starts_label(&text) || l.bold != p.bold
            }
            Some(p) => {
                let gap = p.y - l.y;
                // Tight spacing: a label after a short line, or one set out to the left.
                let ended = column.short(p) || l.x0 < p.x0 - 3.0 || prev_text.ends_with(':');
                let labelled = ended && starts_label(&text);
                gap > PARAGRAPH_GAP * p.size.max(l.size)
                    || gap < 0.0
                    || labelled
                    || (l.bold && !p.bold && column.at_left(l))
                    || (p.bold && !l.bold && column.at_left(p))
            }
        };
        let refs: Vec<String> = l
            .spans
            .iter()
            .filter(|s| is_marker(s) && notes.contains_key(s.text.trim()))
            .map(|s| s.text.trim().to_string())
            .collect();
        match out.last_mut() {
            Some(para) if !starts => {
                join_line(&mut para.text, &text);
                para.pages.1 = l.page;
                para.lines += 1;
                para.notes.extend(refs);
            }
            _ => out.push(Para {
                text: text.clone(),
                first: l.clone(),
                pages: (l.page, l.page),
                lines: 1,
                notes: refs,
                courier_start: l
                    .spans
                    .first()
                    .and_then(|s| fonts.get(usize::from(s.font)))
                    .is_some_and(|f| f.name.to_ascii_lowercase().contains("courier")),
            }),
        }
        prev = Some(l);
        prev_text = text;
    }
    out
}

/// Whether a line opens a labelled unit (used across page breaks).
fn starts_label(t: &str) -> bool {
    top_label(t).is_some()
        || decimal_label(t).is_some()
        || letter_label(t).is_some()
        || bullet(t, false).is_some()
        || option_start(t)
}

fn strip_open_brackets(s: &str) -> (&str, String) {
    let mut brackets = String::new();
    let mut rest = s;
    loop {
        let t = rest.trim_start();
        match t.strip_prefix('[') {
            Some(r) => {
                brackets.push('[');
                rest = r;
            }
            None => return (t, brackets),
        }
    }
}

/// Latin suffixes up to the teens (the draft format writes the first ten; a label with a
/// later one stays at the start of its paragraph's text).
const SUFFIXES: &[&str] = &[
    "bis",
    "ter",
    "quater",
    "quinquies",
    "sexies",
    "septies",
    "octies",
    "novies",
    "nonies",
    "decies",
    "undecies",
    "duodecies",
    "terdecies",
    "quaterdecies",
    "quindecies",
    "sexdecies",
    "septdecies",
    "octodecies",
    "novodecies",
    "vicies",
];

/// A Latin suffix as printed, misspellings included (`quart`, `quarter`, `qauterdecies`).
fn suffix_word(w: &str) -> Option<String> {
    let lower = w.to_ascii_lowercase();
    if lower.is_empty() || !lower.bytes().all(|b| b.is_ascii_lowercase()) {
        return None;
    }
    if SUFFIXES.contains(&lower.as_str()) || matches!(lower.as_str(), "quart" | "quarter") {
        return Some(lower);
    }
    let near = lower.len() >= 6
        && SUFFIXES
            .iter()
            .any(|s| s.len() >= 6 && strsim::damerau_levenshtein(s, &lower) <= 1);
    near.then_some(lower)
}

/// A top-level paragraph label as printed.
#[derive(Debug, PartialEq)]
struct Label {
    /// `12 ter`, `31 qauterdecies`.
    number: String,
    /// Opening brackets before or inside the label (`[12 ter.`, `30 [bis.`).
    brackets: String,
    /// Byte offset of the text after the label.
    end: usize,
}

/// `12.`, `12 ter.`, `[12 ter.`, `30 [bis.`, `[37. ter`, `76 bis`, `31 bis .`, `35.[`.
fn top_label(s: &str) -> Option<Label> {
    let (rest, mut brackets) = strip_open_brackets(s);
    let base = s.len() - rest.len();
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 3 {
        return None;
    }
    let mut number = rest[..digits].to_string();
    let mut i = digits;
    let mut stop = false;
    // `37. ter`: the full stop before the suffix.
    let early_stop = rest[i..].starts_with(". ");
    let mut j = i + usize::from(early_stop);
    let after = &rest[j..];
    let trimmed = after.trim_start_matches(' ');
    let (trimmed, inner) = match trimmed.strip_prefix('[') {
        Some(r) => (r, true),
        None => (trimmed, false),
    };
    let word: &str = trimmed
        .split(|c: char| !c.is_ascii_alphabetic())
        .next()
        .unwrap_or("");
    if let Some(sfx) = suffix_word(word) {
        number.push(' ');
        number.push_str(&sfx);
        if inner {
            brackets.push('[');
        }
        j = rest.len() - trimmed.len() + word.len();
        i = j;
        stop = early_stop;
    } else if early_stop {
        // `12. text`: the full stop ends the label.
        return Some(Label {
            number,
            brackets,
            end: base + i + 1,
        });
    }
    let tail = &rest[i..];
    let t = tail.trim_start_matches(' ');
    if let Some(after_stop) = t.strip_prefix('.') {
        stop = true;
        i = rest.len() - after_stop.len();
    }
    let next = rest[i..].chars().next();
    let bounded = next.is_none_or(|c| c.is_whitespace() || c == '[');
    // A bare number needs its full stop (`2 °C` is text); a suffix does not (`76 bis`).
    if !bounded || !(stop || number.contains(' ')) {
        return None;
    }
    Some(Label {
        number,
        brackets,
        end: base + i,
    })
}

/// `3.1`, `3.1 bis.`, `3.1ter`, `16 quarter.1`, `23.1.`, `[35.2 bis.`: the label and the
/// byte offset after it.
fn decimal_label(s: &str) -> Option<(String, usize)> {
    let (rest, _) = strip_open_brackets(s);
    let base = s.len() - rest.len();
    let b = rest.as_bytes();
    let mut i = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if i == 0 || i > 3 {
        return None;
    }
    // An optional suffix on the first number (`16 quarter.1`, `18 ter.2`).
    let mut k = i;
    while k < b.len() && b[k] == b' ' {
        k += 1;
    }
    let w_end = k + b[k..]
        .iter()
        .take_while(|c| c.is_ascii_alphabetic())
        .count();
    if w_end > k && suffix_word(&rest[k..w_end]).is_some() && rest[w_end..].starts_with('.') {
        i = w_end;
    }
    if b.get(i) != Some(&b'.') {
        return None;
    }
    // `23. 1` as some producers space it.
    let gap = usize::from(b.get(i + 1) == Some(&b' '));
    let d = b[i + 1 + gap..]
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count();
    if d == 0 || d > 2 {
        return None;
    }
    let mut end = i + 1 + gap + d;
    // An optional suffix (`3.1 bis`, `3.1ter`) and full stop.
    let mut k = end;
    while k < b.len() && b[k] == b' ' {
        k += 1;
    }
    let w_end = k + b[k..]
        .iter()
        .take_while(|c| c.is_ascii_alphabetic())
        .count();
    if w_end > k && suffix_word(&rest[k..w_end]).is_some() {
        end = w_end;
    }
    let mut label_end = end;
    let t = rest[end..].trim_start_matches(' ');
    if t.starts_with('.') {
        end = rest.len() - t.len() + 1;
    }
    let next = rest[end..].chars().next();
    if !next.is_none_or(|c| c.is_whitespace() || c == '[') {
        return None;
    }
    while rest[..label_end].ends_with(' ') {
        label_end -= 1;
    }
    let label: String = rest[..label_end]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace(". ", ".");
    Some((label, base + end))
}

/// `a.`, `[b.`, `(a)`, `(iv)`: the letter (without punctuation), the opening brackets
/// before it, and the byte offset after the label.
fn letter_label(s: &str) -> Option<(String, String, usize)> {
    let (rest, brackets) = strip_open_brackets(s);
    let base = s.len() - rest.len();
    let b = rest.as_bytes();
    let (label, end) = if b.first() == Some(&b'(') {
        let close = rest.find(')')?;
        let inner = &rest[1..close];
        if inner.is_empty() || inner.len() > 4 || !inner.bytes().all(|c| c.is_ascii_lowercase()) {
            return None;
        }
        (inner.to_string(), close + 1)
    } else if b.len() >= 2 && b[0].is_ascii_lowercase() && b[1] == b'.' {
        (rest[..1].to_string(), 2)
    } else {
        return None;
    };
    let next = rest[end..].chars().next();
    next.is_none_or(char::is_whitespace)
        .then(|| (label, brackets, base + end))
}

/// A bullet (`•`, or Word's `o` in Courier): the bullet and the offset after it.
fn bullet(s: &str, courier: bool) -> Option<(char, usize)> {
    let c = s.chars().next()?;
    let is = matches!(c, '•' | '▪' | '◦' | '■' | '\u{F0B7}' | '\u{F0A7}') || (c == 'o' && courier);
    let after = &s[c.len_utf8()..];
    (is && after.starts_with(char::is_whitespace)).then(|| (c, c.len_utf8()))
}

/// `Option 1:`, `[Option (a):`, `Option1 bis:`, `Option 2 bis (chapeau):` at the start.
fn option_start(s: &str) -> bool {
    let (rest, _) = strip_open_brackets(s);
    let Some(after) = rest.strip_prefix("Option") else {
        return false;
    };
    if after.starts_with(|c: char| c.is_alphabetic()) {
        return false;
    }
    let Some(colon) = after.find(':') else {
        return false;
    };
    let tag = after[..colon].trim();
    !tag.is_empty() && tag.len() <= 24 && tag.split_whitespace().count() <= 3
}

/// `PP1`, `Pp1`, `PP.1`, `PP 1 bis`: the label `PP1` (`PP1 bis`) and the offset after it.
fn pp_label(s: &str) -> Option<(String, usize)> {
    let head = s.get(..2)?;
    if !head.eq_ignore_ascii_case("pp") {
        return None;
    }
    let mut i = 2;
    let b = s.as_bytes();
    while i < b.len() && matches!(b[i], b'.' | b' ') {
        i += 1;
    }
    let d = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
    if d == 0 || d > 3 {
        return None;
    }
    let mut label = format!("PP{}", &s[i..i + d]);
    i += d;
    let rest = &s[i..];
    let t = rest.trim_start_matches(' ');
    let w: &str = t
        .split(|c: char| !c.is_ascii_alphabetic())
        .next()
        .unwrap_or("");
    if let Some(sfx) =
        suffix_word(w).filter(|x| crate::draft::block::LATIN_SUFFIXES.contains(&x.as_str()))
    {
        label.push(' ');
        label.push_str(&sfx);
        i = s.len() - t.len() + w.len();
    }
    let t = &s[i..];
    let t2 = t.strip_prefix('.').unwrap_or(t);
    if !(t2.is_empty() || t2.starts_with(char::is_whitespace)) {
        return None;
    }
    Some((label, s.len() - t2.len()))
}

/// `A.`, `XIV.`, `[B.` at the start of a heading: the letter or numeral and the title.
fn section_heading(s: &str) -> Option<(String, String)> {
    let (rest, brackets) = strip_open_brackets(s);
    let dot = rest.find('.')?;
    let label = &rest[..dot];
    let letter = label.len() == 1 && label.bytes().all(|b| b.is_ascii_uppercase());
    let roman =
        !label.is_empty() && label.len() <= 6 && label.bytes().all(|b| b"IVXLC".contains(&b));
    if !(letter || roman) {
        return None;
    }
    let title = rest[dot + 1..].trim();
    if !rest[dot + 1..].starts_with(char::is_whitespace) && !title.is_empty() {
        return None;
    }
    Some((label.to_string(), format!("{brackets}{title}")))
}

/// `Article 4`, `Article 4 bis (TITLE)`, `[Article 4 bis] (TITLE)`, `ARTICLE 4`: the
/// number and the title as printed (brackets around the words `Article N` move to the
/// title).
fn article_line(s: &str) -> Option<(String, Option<String>)> {
    let (rest, brackets) = strip_open_brackets(s);
    let head = rest.get(..7)?;
    if !head.eq_ignore_ascii_case("article") || !rest[7..].starts_with(' ') {
        return None;
    }
    let r = rest[8..].trim_start();
    let d = r.bytes().take_while(u8::is_ascii_digit).count();
    if d == 0 || d > 3 {
        return None;
    }
    let mut number = r[..d].to_string();
    let mut tail = &r[d..];
    let t = tail.trim_start();
    let w: &str = t
        .split(|c: char| !c.is_ascii_alphabetic())
        .next()
        .unwrap_or("");
    if let Some(sfx) = suffix_word(w) {
        number.push(' ');
        number.push_str(&sfx);
        tail = &t[w.len()..];
    }
    let mut tail = tail.trim_start();
    let mut closing = String::new();
    while let Some(r) = tail.strip_prefix(']') {
        closing.push(']');
        tail = r.trim_start();
    }
    let tail = tail.trim_start_matches(['.', ':', '-', '–', '—']).trim();
    // A footnote reference glued to the number belongs to the title.
    let title = if tail.is_empty() {
        None
    } else if brackets.is_empty() {
        Some(tail.to_string())
    } else {
        Some(format!("{brackets}{tail}{closing}"))
    };
    if !tail.is_empty()
        && !tail.starts_with(['(', '[', '{'])
        && tail.chars().any(char::is_lowercase)
    {
        // `Article 4 of the Convention…` is a sentence, not a heading.
        let first_word = tail.split_whitespace().next().unwrap_or("");
        if first_word.chars().next().is_some_and(char::is_lowercase) {
            return None;
        }
    }
    Some((number, title))
}

/// `Annex II`, `[Annex X`, `ANNEX 2 - Title`: the label, if any, and the title.
fn annex_line(s: &str) -> Option<(Option<String>, Option<String>)> {
    let (rest, brackets) = strip_open_brackets(s);
    let head = rest.get(..5)?;
    if !head.eq_ignore_ascii_case("annex") {
        return None;
    }
    let r = &rest[5..];
    if r.starts_with(|c: char| c.is_alphabetic()) {
        return None;
    }
    let r = r.trim_start();
    let end = r
        .find(|c: char| c.is_whitespace() || c == '.' || c == ':' || c == ']')
        .unwrap_or(r.len());
    let label = &r[..end];
    let numeral = !label.is_empty()
        && label.len() <= 6
        && (label.bytes().all(|b| b"IVXLC".contains(&b))
            || label.bytes().all(|b| b.is_ascii_digit())
            || (label.len() == 1 && label.bytes().all(|b| b.is_ascii_uppercase())));
    if !numeral {
        // `Annex / Annex A / Attachments`: no label; the heading as printed is the title.
        return Some((None, Some(s.trim().to_string())));
    }
    let tail = r[end..]
        .trim_start_matches(['.', ':', '-', '–', '—', ' '])
        .trim();
    // A bracket before the word `Annex` moves to the title, as for articles.
    let title = format!("{brackets}{tail}");
    Some((
        Some(label.to_string()),
        (!title.is_empty()).then_some(title),
    ))
}

fn bare(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, '[' | ']' | '{' | '}'))
        .collect::<String>()
        .trim()
        .to_string()
}

/// Where the next blocks go.
enum Target {
    Front,
    Preamble,
    Article(usize),
    Annex(usize),
}

struct Builder {
    doc: Imported,
    target: Target,
    /// Headings seen before the first article: they open it.
    pending: Vec<(String, (u32, u32))>,
    /// Notes referred to before any article (in the preamble).
    pending_notes: Vec<String>,
    /// The last body item's block list is open for option lines.
    open: bool,
    warnings: Vec<String>,
}

impl Builder {
    fn blocks(&mut self) -> Option<(&mut Vec<ImportedBlock>, Slot)> {
        match self.target {
            Target::Article(bi) => match &mut self.doc.body[bi] {
                BodyItem::Article(a) => {
                    let k = a.blocks.len();
                    Some((&mut a.blocks, Slot::ArticleBlock(bi, k)))
                }
                BodyItem::Division { .. } => None,
            },
            Target::Annex(ai) => {
                let k = self.doc.annexes[ai].blocks.len();
                Some((&mut self.doc.annexes[ai].blocks, Slot::AnnexBlock(ai, k)))
            }
            _ => None,
        }
    }

    fn push_block(&mut self, block: ImportedBlock, source: SourceRef) {
        if let Some((blocks, slot)) = self.blocks() {
            blocks.push(block);
            self.doc.sources.insert(slot, source);
        }
    }

    fn open_article(&mut self, number: String, title: Option<String>, source: SourceRef) {
        let bi = self.doc.body.len();
        self.doc.body.push(BodyItem::Article(ImportedArticle {
            number,
            title,
            blocks: Vec::new(),
        }));
        self.doc.sources.insert(Slot::Article(bi), source);
        self.target = Target::Article(bi);
        for (h, pages) in std::mem::take(&mut self.pending) {
            self.push_block(
                ImportedBlock::Heading(h),
                SourceRef {
                    pages: Some(pages),
                    ..SourceRef::default()
                },
            );
        }
        self.open = false;
    }

    fn open_annex(&mut self, label: String, title: Option<String>, source: SourceRef) {
        let ai = self.doc.annexes.len();
        self.doc.annexes.push(ImportedAnnex {
            label,
            title,
            blocks: Vec::new(),
        });
        self.doc.sources.insert(Slot::Annex(ai), source);
        self.target = Target::Annex(ai);
        self.open = false;
    }

    /// Appends an option paragraph as a line of the clause above (past its notes).
    fn continue_block(&mut self, text: &str, pages: (u32, u32)) -> bool {
        if !self.open {
            return false;
        }
        let Some((blocks, next)) = self.blocks() else {
            return false;
        };
        let Some(k) = blocks
            .iter()
            .rposition(|b| !matches!(b, ImportedBlock::Note { .. }))
        else {
            return false;
        };
        match &mut blocks[k] {
            ImportedBlock::Paragraph { text: t, .. } | ImportedBlock::Point { text: t, .. } => {
                if !t.is_empty() {
                    t.push('\n');
                }
                t.push_str(text);
            }
            _ => return false,
        }
        let slot = match next {
            Slot::ArticleBlock(a, _) => Slot::ArticleBlock(a, k),
            Slot::AnnexBlock(a, _) => Slot::AnnexBlock(a, k),
            s => s,
        };
        if let Some(src) = self.doc.sources.get_mut(&slot) {
            let p = src.pages.get_or_insert(pages);
            p.1 = p.1.max(pages.1);
        }
        true
    }
}

/// The layout of a whole document, read into a treaty.
pub fn build(
    pages: Vec<Vec<Line>>,
    fonts: &[FontStyle],
    body: f32,
    furniture: Furniture,
    notes: Vec<Footnote>,
    title_hint: Option<String>,
) -> Imported {
    let column = Column::of(&pages, body);
    let note_index: HashMap<String, usize> = notes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.number.clone(), i))
        .collect();
    let paras = paragraphs(&pages, &column, fonts, &note_index);
    let has_articles = paras.iter().any(|p| {
        (p.first.bold || column.centred(&p.first))
            && p.lines <= 2
            && article_line(&p.text).is_some()
    });
    // Which section numerals are the top level: those of the first bold section heading.
    // (A document whose first section is `I.` numbers in roman; one starting `A.` in
    // letters, where `I.` is the ninth section.)
    let top_roman: Option<bool> = paras
        .iter()
        .find(|p| p.first.bold && column.at_left(&p.first) && section_heading(&p.text).is_some())
        .and_then(|p| section_heading(&p.text))
        .map(|(l, _)| l.len() > 1 || l == "I");
    let is_roman =
        |l: &str| l.len() > 1 || (top_roman == Some(true) && matches!(l, "I" | "V" | "X"));

    let mut b = Builder {
        doc: Imported::default(),
        target: Target::Front,
        pending: Vec::new(),
        pending_notes: Vec::new(),
        open: false,
        warnings: Vec::new(),
    };
    let mut front: Vec<(String, f32)> = Vec::new();
    let mut used_notes: Vec<(usize, String)> = Vec::new();
    let mut annexes = 0usize;

    for p in &paras {
        let src = |label: Option<String>| SourceRef {
            pages: Some(p.pages),
            label,
            ..SourceRef::default()
        };
        let l = &p.first;
        let headingish = l.bold || column.centred(l);
        let before_body = matches!(b.target, Target::Front | Target::Preamble);
        let short = p.lines <= 2;

        // Structure.
        if headingish
            && short
            && let Some((number, title)) = article_line(&p.text)
        {
            let printed = format!("Article {number}");
            b.open_article(number, title, src(Some(printed)));
            attach_notes(&mut b, &p.notes, &mut used_notes);
            continue;
        }
        if headingish && short && bare(&p.text).eq_ignore_ascii_case("preamble") && before_body {
            b.target = Target::Preamble;
            b.doc.sources.insert(Slot::PreambleHeading, src(None));
            continue;
        }
        if headingish
            && short
            && let Some((label, title)) = annex_line(&p.text)
        {
            annexes += 1;
            let printed = match &label {
                Some(l) => format!("Annex {l}"),
                None => "Annex".into(),
            };
            let label = label.unwrap_or_else(|| crate::draft::roman(annexes));
            b.open_annex(label, title, src(Some(printed)));
            attach_notes(&mut b, &p.notes, &mut used_notes);
            continue;
        }
        if l.bold
            && column.at_left(l)
            && p.lines <= 3
            && let Some((label, title)) = section_heading(&p.text)
        {
            let roman = is_roman(&label);
            let top = top_roman.is_none_or(|r| r == roman) && !matches!(b.target, Target::Annex(_));
            if top && !has_articles {
                let title = (!title.is_empty()).then_some(title);
                b.open_article(label.clone(), title, src(Some(label)));
                attach_notes(&mut b, &p.notes, &mut used_notes);
                continue;
            }
            if top && has_articles && !title.is_empty() {
                let bi = b.doc.body.len();
                b.doc.body.push(BodyItem::Division {
                    kind: "Section".into(),
                    label: label.clone(),
                    title: Some(title),
                });
                b.doc.sources.insert(Slot::Division(bi), src(Some(label)));
                b.target = Target::Front;
                b.open = false;
                continue;
            }
        }
        let braced = p.text.starts_with('{') && p.text.ends_with('}') && short;
        let sub_heading = short
            && p.lines == 1
            && (l.italic || l.bold)
            && column.at_left(l)
            && !starts_label(&p.text)
            && !p.text.ends_with([',', ';'])
            || (l.bold && column.at_left(l) && option_start(&p.text) && short && p.text.len() < 60);
        if (braced && (headingish || l.italic)) || (sub_heading && !before_body) {
            // A braced heading set as a heading is a section heading: it opens what follows.
            if before_body || (braced && headingish) {
                b.pending.push((p.text.clone(), p.pages));
            } else if b.blocks().is_some() {
                b.push_block(ImportedBlock::Heading(p.text.clone()), src(None));
                attach_notes(&mut b, &p.notes, &mut used_notes);
                b.open = false;
            }
            continue;
        }

        // Text before any article: front matter or preamble.
        if before_body {
            let in_preamble = matches!(b.target, Target::Preamble);
            let pp = pp_label(&p.text);
            if !in_preamble
                && pp.is_none()
                && (column.centred(l) || column.short(l) && p.lines == 1)
            {
                front.push((p.text.clone(), l.size));
                continue;
            }
            let (label, text, printed) = match pp {
                Some((label, end)) => (
                    Some(label.clone()),
                    p.text[end..].trim().to_string(),
                    Some(label),
                ),
                None => (None, p.text.clone(), None),
            };
            let i = b.doc.preamble.len();
            b.doc.preamble.push(PreambleParagraph { label, text });
            b.doc.sources.insert(Slot::Preamble(i), src(printed));
            b.pending_notes.extend(p.notes.iter().cloned());
            continue;
        }

        // Clauses.
        if option_start(&p.text) && b.continue_block(&p.text, p.pages) {
            attach_notes(&mut b, &p.notes, &mut used_notes);
            continue;
        }
        let (block, printed) = body_block(&p.text, p.courier_start, column.at_left(l));
        b.push_block(block, src(printed));
        b.open = true;
        attach_notes(&mut b, &p.notes, &mut used_notes);
    }

    // Section headings after the last article stay at its end.
    for (h, pages) in std::mem::take(&mut b.pending) {
        b.push_block(
            ImportedBlock::Heading(h),
            SourceRef {
                pages: Some(pages),
                ..SourceRef::default()
            },
        );
    }
    // Notes referred to from the preamble go before the first article's clauses.
    if !b.pending_notes.is_empty()
        && let Some(bi) = b
            .doc
            .body
            .iter()
            .position(|i| matches!(i, BodyItem::Article(_)))
        && let BodyItem::Article(a) = &mut b.doc.body[bi]
    {
        for (k, n) in b.pending_notes.iter().enumerate() {
            a.blocks.insert(
                k,
                ImportedBlock::Note {
                    label: format!("^{n}"),
                    text: String::new(),
                },
            );
        }
        // Shift the sources of the blocks that moved down.
        let moved: Vec<(Slot, SourceRef)> = b
            .doc
            .sources
            .iter()
            .filter(|(s, _)| matches!(s, Slot::ArticleBlock(x, _) if *x == bi))
            .map(|(s, r)| (s.clone(), r.clone()))
            .collect();
        for (s, _) in &moved {
            b.doc.sources.remove(s);
        }
        for (s, r) in moved {
            if let Slot::ArticleBlock(x, k) = s {
                b.doc
                    .sources
                    .insert(Slot::ArticleBlock(x, k + b.pending_notes.len()), r);
            }
        }
        let refs = std::mem::take(&mut b.pending_notes);
        used_notes.extend(refs.into_iter().map(|n| (usize::MAX, n)));
    }
    // Fill every note's text.
    fill_notes(&mut b.doc, &notes, &note_index);
    for n in &notes {
        if !used_notes.iter().any(|(_, u)| *u == n.number) {
            b.warnings.push(format!(
                "footnote {} on page {} is not referred to from the text; it was not imported",
                n.number, n.page
            ));
        }
    }

    // The title: the largest type of the front matter, else the document's own title.
    let title = front
        .iter()
        .rev()
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(t, _)| t.clone())
        .or(title_hint)
        .unwrap_or_else(|| "Untitled".into());
    b.doc.title = title;
    if !b.doc.body.iter().any(|i| matches!(i, BodyItem::Article(_))) && b.doc.annexes.is_empty() {
        b.warnings.push(
            "no article or section headings were found: the text is imported as Article 1".into(),
        );
    }
    let mut front_matter = furniture.front_matter;
    front_matter.extend(front.into_iter().map(|(t, _)| t));
    b.doc.source = Some(SourceDocument {
        running_heads: furniture.running_heads,
        page_counter: furniture.page_counter,
        front_matter,
        ..SourceDocument::default()
    });
    b.doc.warnings.extend(b.warnings);
    b.doc
}

/// Records that the notes `refs` follow the block just written.
fn attach_notes(b: &mut Builder, refs: &[String], used: &mut Vec<(usize, String)>) {
    for r in refs {
        if used.iter().any(|(_, u)| u == r) {
            continue;
        }
        if b.blocks().is_none() {
            b.pending_notes.push(r.clone());
            continue;
        }
        let open = b.open;
        b.push_block(
            ImportedBlock::Note {
                label: format!("^{r}"),
                text: String::new(),
            },
            SourceRef::default(),
        );
        b.open = open;
        used.push((0, r.clone()));
    }
}

fn fill_notes(doc: &mut Imported, notes: &[Footnote], index: &HashMap<String, usize>) {
    let blocks = doc
        .body
        .iter_mut()
        .filter_map(|i| match i {
            BodyItem::Article(a) => Some(&mut a.blocks),
            BodyItem::Division { .. } => None,
        })
        .chain(doc.annexes.iter_mut().map(|a| &mut a.blocks));
    for bs in blocks {
        for bl in bs {
            if let ImportedBlock::Note { label, text } = bl
                && let Some(&i) = label.strip_prefix('^').and_then(|n| index.get(n))
            {
                *text = notes[i].text.clone();
            }
        }
    }
}

/// One paragraph of an article or annex as a block, with its label as printed. Paragraph
/// numbers count only at the left margin: an indented `1.` is a list inside a note.
fn body_block(text: &str, courier: bool, at_left: bool) -> (ImportedBlock, Option<String>) {
    if let Some(l) = top_label(text).filter(|_| at_left) {
        let rest = text[l.end..].trim();
        let candidate = format!("{}.", l.number);
        let writable = crate::import::text::numbered_label(&candidate)
            .is_some_and(|(lab, r)| lab == l.number && r.is_empty());
        if writable {
            let body = format!("{}{rest}", l.brackets);
            return (
                ImportedBlock::Paragraph {
                    label: Some(l.number.clone()),
                    text: body,
                },
                Some(l.number),
            );
        }
        return (
            ImportedBlock::Paragraph {
                label: None,
                text: text.to_string(),
            },
            Some(l.number),
        );
    }
    if let Some((label, _)) = decimal_label(text) {
        return (
            ImportedBlock::Paragraph {
                label: None,
                text: text.to_string(),
            },
            Some(label),
        );
    }
    if let Some((letter, brackets, end)) = letter_label(text) {
        let rest = text[end..].trim();
        return (
            ImportedBlock::Point {
                label: format!("({letter})"),
                text: format!("{brackets}{rest}"),
            },
            Some(letter),
        );
    }
    if let Some((c, end)) = bullet(text, courier) {
        let c = if c == '\u{F0B7}' { '•' } else { c };
        return (
            ImportedBlock::Paragraph {
                label: None,
                text: format!("{c} {}", text[end..].trim()),
            },
            None,
        );
    }
    (
        ImportedBlock::Paragraph {
            label: None,
            text: text.to_string(),
        },
        None,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_as_printed() {
        let n = |s: &str| top_label(s).map(|l| (l.number, l.brackets, s[l.end..].to_string()));
        assert_eq!(
            n("12 ter. New"),
            Some(("12 ter".into(), "".into(), " New".into()))
        );
        assert_eq!(
            n("[12 ter. New"),
            Some(("12 ter".into(), "[".into(), " New".into()))
        );
        assert_eq!(
            n("30 [bis. X"),
            Some(("30 bis".into(), "[".into(), " X".into()))
        );
        assert_eq!(
            n("[37. ter A clear"),
            Some(("37 ter".into(), "[".into(), " A clear".into()))
        );
        assert_eq!(
            n("76 bis Developing"),
            Some(("76 bis".into(), "".into(), " Developing".into()))
        );
        assert_eq!(
            n("31 bis . The"),
            Some(("31 bis".into(), "".into(), " The".into()))
        );
        assert_eq!(
            n("35.[Option 1:"),
            Some(("35".into(), "".into(), "[Option 1:".into()))
        );
        assert_eq!(
            n("16 quarter. [Parties"),
            Some(("16 quarter".into(), "".into(), " [Parties".into()))
        );
        assert_eq!(
            n("31 qauterdecies. The"),
            Some(("31 qauterdecies".into(), "".into(), " The".into()))
        );
        assert_eq!(n("13."), Some(("13".into(), "".into(), "".into())));
        assert_eq!(n("2 °C or 1.5 °C"), None);
        assert_eq!(n("1.5 °C above"), None);
        assert_eq!(n("2015 and"), None);
        let d = |s: &str| decimal_label(s).map(|(l, e)| (l, s[e..].to_string()));
        assert_eq!(
            d("13.1 [ Option"),
            Some(("13.1".into(), " [ Option".into()))
        );
        assert_eq!(d("3.1 bis. Each"), Some(("3.1 bis".into(), " Each".into())));
        assert_eq!(d("3.1ter Each"), Some(("3.1ter".into(), " Each".into())));
        assert_eq!(
            d("16 quarter.1 Each"),
            Some(("16 quarter.1".into(), " Each".into()))
        );
        assert_eq!(d("23.1. Each"), Some(("23.1".into(), " Each".into())));
        assert_eq!(
            d("[35.2 bis. Each"),
            Some(("35.2 bis".into(), " Each".into()))
        );
        assert_eq!(d("1.5 °C above"), Some(("1.5".into(), " °C above".into())));
        assert_eq!(d("12 bis. x"), None);
        assert_eq!(
            d("23. 1 [Parties"),
            Some(("23.1".into(), " [Parties".into()))
        );
        assert_eq!(d("23. [No provisions"), None);
        assert_eq!(
            letter_label("a. Option (a): x").map(|l| l.0),
            Some("a".into())
        );
        assert_eq!(
            letter_label("[b. x").map(|l| (l.0, l.1)),
            Some(("b".into(), "[".into()))
        );
        assert_eq!(letter_label("(iv) x").map(|l| l.0), Some("iv".into()));
        assert_eq!(letter_label("e.g. x"), None);
        assert!(option_start("[Option (a): Being"));
        assert!(option_start("Option1 bis: The COP"));
        assert!(option_start("Option 2 bis (chapeau):Parties"));
        assert!(!option_start("Options are many: x"));
        assert_eq!(pp_label("Pp1 Recognizing"), Some(("PP1".into(), 3)));
        assert_eq!(pp_label("PP.2. Noting").map(|p| p.0), Some("PP2".into()));
        assert_eq!(
            pp_label("PP 3 bis Noting").map(|p| p.0),
            Some("PP3 bis".into())
        );
        assert_eq!(pp_label("PPE"), None);
    }

    #[test]
    fn headings_as_printed() {
        assert_eq!(
            section_heading("A. [[Preamble][^1]"),
            Some(("A".into(), "[[Preamble][^1]".into()))
        );
        assert_eq!(
            section_heading("XIV. Other matters"),
            Some(("XIV".into(), "Other matters".into()))
        );
        assert_eq!(section_heading("U.S. proposal"), None);
        assert_eq!(article_line("Article 4"), Some(("4".into(), None)));
        assert_eq!(
            article_line("Article 4 (MITIGATION)[^5]"),
            Some(("4".into(), Some("(MITIGATION)[^5]".into())))
        );
        assert_eq!(
            article_line("[Article 3 bis] (TITLE)"),
            Some(("3 bis".into(), Some("[(TITLE)]".into())))
        );
        assert_eq!(
            article_line("ARTICLE 12 TER"),
            Some(("12 ter".into(), None))
        );
        assert_eq!(article_line("Article 4 of the Convention shall"), None);
        assert_eq!(annex_line("Annex II"), Some((Some("II".into()), None)));
        assert_eq!(
            annex_line("[Annex I"),
            Some((Some("I".into()), Some("[".into())))
        );
        assert_eq!(
            annex_line("[Annex Z / III]"),
            Some((Some("Z".into()), Some("[/ III]".into())))
        );
        assert_eq!(
            annex_line("Annex / Annex A"),
            Some((None, Some("Annex / Annex A".into())))
        );
        assert_eq!(annex_line("Annexes"), None);
        assert_eq!(page_counter("7"), Some((7, "N".into())));
        assert_eq!(page_counter("7 of 86"), Some((7, "N of 86".into())));
        assert_eq!(page_counter("- 7 -"), Some((7, "- N -".into())));
        assert_eq!(page_counter("Page 7 of 9"), Some((7, "Page N of 9".into())));
        assert_eq!(page_counter("7 February"), None);
    }

    #[test]
    fn lines_join_without_dehyphenating() {
        let mut t = String::from("climate-");
        join_line(&mut t, "resilient societies");
        assert_eq!(t, "climate-resilient societies");
        let mut t = String::from("this -");
        join_line(&mut t, "that");
        assert_eq!(t, "this - that");
        assert_eq!(normalise("[ Option 1 : x \u{F0B7} y"), "[Option 1: x • y");
        assert_eq!(normalise("Option (a) : Being"), "Option (a): Being");
    }
}
