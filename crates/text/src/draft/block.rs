//! Blocks: the lossless unit of a draft file.
//!
//! A draft file is split into blocks, each holding its exact bytes (including the blank
//! lines that follow it), so printing a file is concatenating its blocks and parse → print
//! is byte-identical by construction. Each block also records what it is (heading,
//! numbered paragraph, point, include line…), its display label, its `{#id}` attribute and
//! where its text lies, so edits rewrite one block and leave every other byte alone.

use std::ops::Range;

/// What a heading introduces, judged by its first word.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HeadingRole {
    /// The instrument's title (a level-1 heading that is nothing else).
    Title,
    /// `## Preamble`: the blocks after it are preamble paragraphs.
    Preamble,
    /// Part, Chapter, Section, Sub-section or Title.
    Division,
    Article,
    Annex,
    /// `## Annexes`: the list of annexes follows.
    AnnexList,
    /// Any other heading, e.g. a sub-heading inside an annex.
    Other,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BlockKind {
    /// Blank lines at the start of a file.
    Blank,
    Heading {
        level: u8,
        role: HeadingRole,
    },
    /// `- [text](path)`: places an article or annex file here.
    Include {
        target: String,
    },
    /// `1.`, `2 bis.`, `PP3.`
    Paragraph,
    /// `(a)`, `(iv)`, `(a bis)`
    Point,
    /// A paragraph with no label.
    Text,
    /// Starts with `Option 1:` after a blank line: continues the clause above.
    Options,
    /// `[ref]: url` or `[^1]: note`: a Markdown definition, not a clause.
    Definition,
    /// `<!-- … -->` and other raw HTML: not a clause.
    Html,
}

/// One block of a draft file. All ranges are byte ranges into `raw`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    /// The block's exact bytes, including its line ends and the blank lines after it.
    pub raw: String,
    /// 1-based line of the block's first line in its file.
    pub line: usize,
    pub kind: BlockKind,
    /// Heading marks (`### `), list marker and link (`- [`…`)`) or label (`2 bis. `),
    /// i.e. everything before the text.
    pub prefix: Range<usize>,
    /// The display label without punctuation: `Article 4 bis`, `2 bis`, `(a)`, `PP3`.
    pub label: Option<Range<usize>>,
    /// The `{#id}` attribute including the whitespace before it.
    pub id_attr: Option<Range<usize>>,
    /// The id itself (inside `id_attr`).
    pub id: Option<Range<usize>>,
    /// Where the block's content ends (before the final line end and trailing blank lines).
    pub content_end: usize,
    /// For headings: the title after the label (`Global AI Observatory`).
    pub title: Option<Range<usize>>,
}

impl Block {
    pub fn id(&self) -> Option<&str> {
        self.id.clone().map(|r| &self.raw[r])
    }

    pub fn label(&self) -> Option<&str> {
        self.label.clone().map(|r| &self.raw[r])
    }

    pub fn title(&self) -> Option<&str> {
        self.title.clone().map(|r| &self.raw[r])
    }

    /// The block's text: after the prefix, without the id attribute, line ends kept
    /// between lines but not after the last. May span several lines (option blocks).
    pub fn body(&self) -> String {
        let mut len = 0;
        self.body_segments(|s| len += s.len());
        let mut out = String::with_capacity(len);
        self.body_segments(|s| out.push_str(s));
        out
    }

    /// Calls `f` with the one or two pieces of `raw` that make up the body (the id
    /// attribute, when present, splits it).
    fn body_segments<'a>(&'a self, mut f: impl FnMut(&'a str)) {
        let start = self.prefix.end.min(self.content_end);
        match &self.id_attr {
            Some(attr) if attr.start >= start => {
                f(&self.raw[start..attr.start]);
                f(&self.raw[attr.end..self.content_end]);
            }
            _ => f(&self.raw[start..self.content_end]),
        }
    }

    /// Maps a byte offset in [`Block::body`] to a byte offset in `raw`, for locating
    /// problems the bracket parser finds.
    pub fn body_offset_to_raw(&self, offset: usize) -> usize {
        let start = self.prefix.end.min(self.content_end);
        match &self.id_attr {
            Some(attr) if attr.start >= start => {
                let first = attr.start - start;
                if offset < first {
                    start + offset
                } else {
                    attr.end + (offset - first)
                }
            }
            _ => start + offset,
        }
    }

    /// The line end style of this block (`\r\n` or `\n`).
    pub fn line_end(&self) -> &'static str {
        if self.raw[..self.content_end.min(self.raw.len())].contains("\r\n")
            || self.raw[self.content_end..].starts_with("\r\n")
        {
            "\r\n"
        } else {
            "\n"
        }
    }

    /// The line end and blank lines after the content.
    pub fn trailer(&self) -> &str {
        &self.raw[self.content_end..]
    }
}

/// Latin ordinal suffixes used for inserted provisions (`4 bis`, `7 ter`).
pub const LATIN_SUFFIXES: &[&str] = &[
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
];

/// Splits `text` into blocks. Never fails: any text is some sequence of blocks, and the
/// blocks' `raw` fields concatenate back to `text`.
pub fn split_blocks(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let bytes = text.as_bytes();
    let mut line_no = 1usize;
    let mut pos = 0usize;
    // (start byte, first line number) of the block being gathered.
    let mut current: Option<(usize, usize)> = None;
    // Decided once when a block starts, so long blocks are never rescanned: whether it
    // has a non-blank line yet, and whether it is a one-line kind (heading, include).
    let mut has_content = false;
    let mut single = false;
    let mut in_trailer = false;

    while pos < text.len() {
        let end = memchr::memchr(b'\n', &bytes[pos..]).map_or(text.len(), |i| pos + i + 1);
        let line = &text[pos..end];
        let content = line.trim_end_matches(['\n', '\r']);
        let blank = content.trim().is_empty();

        if blank {
            if current.is_none() {
                current = Some((pos, line_no));
                has_content = false;
            }
            in_trailer = true;
        } else {
            let starts_block = current.is_none()
                || in_trailer
                || !has_content
                || single
                || starts_own_block(content);
            if starts_block {
                if let Some((start, first_line)) = current.take() {
                    blocks.push(classify(&text[start..pos], first_line));
                }
                current = Some((pos, line_no));
                has_content = true;
                single = is_single_line(content);
            }
            in_trailer = false;
        }
        pos = end;
        line_no += 1;
    }
    if let Some((start, first_line)) = current {
        blocks.push(classify(&text[start..], first_line));
    }
    blocks
}

/// Lines that always begin a new block, even without a blank line before them.
fn starts_own_block(line: &str) -> bool {
    heading_level(line).is_some()
        || include_parts(line).is_some()
        || paragraph_label(line).is_some()
        || point_label(line).is_some()
        || definition_line(line)
}

/// Lines that are blocks of their own: a following line starts a new block.
fn is_single_line(line: &str) -> bool {
    let line = line.trim_start_matches('\u{feff}');
    heading_level(line).is_some() || include_parts(line).is_some()
}

fn classify(raw: &str, line: usize) -> Block {
    let raw_string = raw.to_string();
    // Where the content ends: before the last line end of the last non-blank line.
    let content_end = content_end(raw);
    let bom = if raw.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    };
    // memchr rather than `str::find` with a set of chars: a block is often one long line.
    let first_line_end = memchr::memchr2(b'\n', b'\r', raw.as_bytes())
        .unwrap_or(raw.len())
        .min(content_end);
    let first = &raw[bom..first_line_end];

    let mut block = Block {
        raw: raw_string,
        line,
        kind: BlockKind::Text,
        prefix: bom..bom,
        label: None,
        id_attr: None,
        id: None,
        content_end,
        title: None,
    };

    if content_end == 0 || raw[bom..content_end].trim().is_empty() {
        block.kind = BlockKind::Blank;
        block.prefix = 0..0;
        block.content_end = raw.len();
        return block;
    }

    if let Some((attr, id)) = id_attribute(first) {
        block.id_attr = Some(attr.start + bom..attr.end + bom);
        block.id = Some(id.start + bom..id.end + bom);
    }
    // The first line without its id attribute.
    let first_text_end = block.id_attr.as_ref().map_or(first_line_end, |a| a.start);
    let first_text = &raw[bom..first_text_end];

    if let Some(level) = heading_level(first_text) {
        let marks = first_text.find(' ').map_or(first_text.len(), |i| i + 1);
        let text_start = bom + marks;
        let heading = &raw[text_start..first_text_end];
        let (role, label, title) = heading_parts(heading, level);
        block.kind = BlockKind::Heading { level, role };
        block.prefix = bom..text_start;
        block.label = label.map(|r| r.start + text_start..r.end + text_start);
        block.title = title.map(|r| r.start + text_start..r.end + text_start);
        return block;
    }
    if let Some((text_range, target)) = include_line(first_text) {
        block.kind = BlockKind::Include { target };
        block.prefix = bom..bom + first_text.len();
        block.title = Some(text_range.start + bom..text_range.end + bom);
        return block;
    }
    if definition_line(first_text) {
        block.kind = BlockKind::Definition;
        return block;
    }
    if first_text.trim_start().starts_with('<') {
        block.kind = BlockKind::Html;
        return block;
    }
    if let Some((label, after)) = paragraph_label(first_text) {
        block.kind = BlockKind::Paragraph;
        block.label = Some(label.start + bom..label.end + bom);
        block.prefix = bom..bom + after;
        return block;
    }
    if let Some((label, after)) = point_label(first_text) {
        block.kind = BlockKind::Point;
        block.label = Some(label.start + bom..label.end + bom);
        block.prefix = bom..bom + after;
        return block;
    }
    if option_line(first_text) {
        block.kind = BlockKind::Options;
        return block;
    }
    block
}

/// The end of the last non-blank line's content (before its line end). Found from the
/// back: the last character that is not white space is on that line, which ends at the
/// next `\n` less any `\r` before it.
fn content_end(raw: &str) -> usize {
    let last = raw.trim_end().len();
    if last == 0 {
        return 0;
    }
    let bytes = raw.as_bytes();
    let line_end = memchr::memchr(b'\n', &bytes[last..]).map_or(raw.len(), |i| last + i);
    last + bytes[last..line_end]
        .iter()
        .rposition(|&b| b != b'\r')
        .map_or(0, |i| i + 1)
}

/// `#`…`######` followed by a space.
pub fn heading_level(line: &str) -> Option<u8> {
    let hashes = line.bytes().take_while(|&b| b == b'#').count();
    if (1..=6).contains(&hashes) && line.as_bytes().get(hashes) == Some(&b' ') {
        Some(hashes as u8)
    } else {
        None
    }
}

/// A trailing ` {#id}` on a line: (range of the whitespace + attribute, range of the id).
pub fn id_attribute(line: &str) -> Option<(Range<usize>, Range<usize>)> {
    let trimmed = line.trim_end();
    let inner_end = trimmed.len().checked_sub(1)?;
    if !trimmed.ends_with('}') {
        return None;
    }
    let bytes = trimmed.as_bytes();
    let open = memchr::memrchr_iter(b'{', bytes).find(|&i| bytes.get(i + 1) == Some(&b'#'))?;
    let id = &trimmed[open + 2..inner_end];
    if !is_valid_id(id) {
        return None;
    }
    let attr_start = trimmed[..open].trim_end_matches([' ', '\t']).len();
    Some((attr_start..trimmed.len(), open + 2..inner_end))
}

/// Clause ids: ASCII letters, digits, `-`, `_` and `.`, starting with a letter or digit.
pub fn is_valid_id(id: &str) -> bool {
    // Byte by byte: every byte of a non-ASCII character is refused, as the character is.
    let mut bytes = id.bytes();
    matches!(bytes.next(), Some(b) if b.is_ascii_alphanumeric())
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// Splits a heading's text into its role, label range and title range.
fn heading_parts(
    text: &str,
    level: u8,
) -> (HeadingRole, Option<Range<usize>>, Option<Range<usize>>) {
    let first_word = text.split_whitespace().next().unwrap_or("");
    let word = first_word.trim_end_matches(['.', ':']).to_ascii_lowercase();
    let role = match word.as_str() {
        "article" => HeadingRole::Article,
        "annex" => HeadingRole::Annex,
        "annexes" if text.split_whitespace().count() == 1 => HeadingRole::AnnexList,
        "preamble" if text.split_whitespace().count() == 1 => HeadingRole::Preamble,
        "part" | "chapter" | "section" | "sub-section" | "subsection" | "title" => {
            HeadingRole::Division
        }
        _ if level == 1 => HeadingRole::Title,
        _ => HeadingRole::Other,
    };
    match role {
        HeadingRole::Article | HeadingRole::Annex | HeadingRole::Division => {
            let (label_end, title) = numbered_heading(text, first_word.len());
            (role, Some(0..label_end), title)
        }
        _ => {
            let t = text.trim_end();
            (role, None, (!t.is_empty()).then_some(0..t.len()))
        }
    }
}

/// For `Article 4 bis. Title`: the end of the label (`Article 4 bis`) and the title range.
fn numbered_heading(text: &str, word_end: usize) -> (usize, Option<Range<usize>>) {
    let rest = &text[word_end..];
    let Some(number_rel) = rest.find(|c: char| !c.is_whitespace()) else {
        return (word_end, None);
    };
    let number_start = word_end + number_rel;
    let number_len = text[number_start..]
        .find(|c: char| !c.is_alphanumeric())
        .unwrap_or(text.len() - number_start);
    if number_len == 0 {
        return (word_end, title_after(text, word_end));
    }
    let mut label_end = number_start + number_len;
    // A Latin suffix: `4 bis`.
    let after = &text[label_end..];
    let trimmed = after.trim_start_matches(' ');
    for suffix in LATIN_SUFFIXES {
        if let Some(rest) = trimmed.strip_prefix(suffix)
            && !rest.starts_with(|c: char| c.is_alphanumeric())
        {
            label_end += after.len() - trimmed.len() + suffix.len();
            break;
        }
    }
    (label_end, title_after(text, label_end))
}

/// The title after a label: skips `.`, `:`, `-`, `—`, `–` and spaces.
fn title_after(text: &str, from: usize) -> Option<Range<usize>> {
    let rest = &text[from..];
    let skipped = rest.len()
        - rest
            .trim_start_matches([' ', '.', ':', '-', '—', '–', '\t'])
            .len();
    let start = from + skipped;
    let end = text.trim_end().len();
    (start < end).then_some(start..end)
}

/// `- [text](target)` on its own line: (range of the link text, the target).
pub fn include_line(line: &str) -> Option<(Range<usize>, String)> {
    include_parts(line).map(|(text, target)| (text, target.to_string()))
}

/// [`include_line`] without copying the target: the block splitter asks of every line
/// whether it is one. `](` and `)` are found with `memchr`, not a substring searcher set up
/// for each line.
fn include_parts(line: &str) -> Option<(Range<usize>, &str)> {
    let rest = line
        .strip_prefix("- [")
        .or_else(|| line.strip_prefix("* ["))?;
    let bytes = rest.as_bytes();
    let close = memchr::memchr_iter(b']', bytes).find(|&i| bytes.get(i + 1) == Some(&b'('))?;
    let after = &rest[close + 2..];
    let target_end = memchr::memchr(b')', after.as_bytes())?;
    if !after[target_end + 1..].trim().is_empty() {
        return None;
    }
    let target = &after[..target_end];
    if target.is_empty() || target.contains(char::is_whitespace) || target.contains("://") {
        return None;
    }
    Some((3..3 + close, target))
}

/// `[ref]: url` or `[^note]: text`.
fn definition_line(line: &str) -> bool {
    definition(line).is_some()
}

/// A Markdown definition line, `[^1]: note` or `[ref]: url`: its label (`^1`, `ref`) and
/// what follows the colon, trimmed.
pub fn definition(line: &str) -> Option<(&str, &str)> {
    let rest = line.strip_prefix('[')?;
    let i = rest.find("]:")?;
    let label = &rest[..i];
    (!label.is_empty() && !label.contains(['[', ']'])).then(|| (label, rest[i + 2..].trim()))
}

/// A numbered paragraph label: `1.`, `2 bis.`, `PP3.`, `PP3 bis.` followed by a space or
/// the end of the line. Returns (label range, where the text starts).
pub fn paragraph_label(line: &str) -> Option<(Range<usize>, usize)> {
    let b = line.as_bytes();
    let mut i = 0;
    if line.starts_with("PP") {
        i = 2;
    }
    let digits_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    if i == digits_start || i - digits_start > 4 {
        return None;
    }
    let mut label_end = i;
    if b.get(i) == Some(&b' ') {
        let rest = &line[i + 1..];
        for suffix in LATIN_SUFFIXES {
            if rest.starts_with(suffix) && rest[suffix.len()..].starts_with('.') {
                label_end = i + 1 + suffix.len();
                break;
            }
        }
    }
    if b.get(label_end) != Some(&b'.') {
        return None;
    }
    let after = label_end + 1;
    match b.get(after) {
        None => Some((0..label_end, after)),
        Some(b' ') | Some(b'\t') => {
            let text_start = after + line[after..].len() - line[after..].trim_start().len();
            Some((0..label_end, text_start))
        }
        _ => None,
    }
}

/// A point label: `(a)`, `(iv)`, `(aa)`, `(a bis)` followed by a space or line end.
pub fn point_label(line: &str) -> Option<(Range<usize>, usize)> {
    let rest = line.strip_prefix('(')?;
    let close = rest.find(')')?;
    let inner = &rest[..close];
    let (core, suffix) = match inner.split_once(' ') {
        Some((c, s)) => (c, Some(s)),
        None => (inner, None),
    };
    let core_ok = !core.is_empty()
        && core.len() <= 6
        && core.chars().all(|c| c.is_ascii_lowercase())
        && (core.len() <= 2 || core.chars().all(|c| "ivxlc".contains(c)));
    let suffix_ok = suffix.is_none_or(|s| LATIN_SUFFIXES.contains(&s));
    if !(core_ok && suffix_ok) {
        return None;
    }
    let label_end = close + 2;
    match line.as_bytes().get(label_end) {
        None => Some((0..label_end, label_end)),
        Some(b' ') | Some(b'\t') => {
            let text_start =
                label_end + line[label_end..].len() - line[label_end..].trim_start().len();
            Some((0..label_end, text_start))
        }
        _ => None,
    }
}

/// `Option 1:`, `Option A:`, `Option (a):` at the start of a line.
pub fn option_line(line: &str) -> bool {
    let Some(rest) = line.trim_start().strip_prefix("Option ") else {
        return false;
    };
    match rest.find(':') {
        Some(i) => i > 0 && i <= 6 && !rest[..i].contains(' '),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(BlockKind, Option<String>, Option<String>)> {
        split_blocks(text)
            .into_iter()
            .map(|b| {
                (
                    b.kind.clone(),
                    b.label().map(String::from),
                    b.id().map(String::from),
                )
            })
            .collect()
    }

    #[test]
    fn include_lines_are_read_exactly() {
        let link = |l: &str| include_line(l).map(|(r, t)| (l[r].to_string(), t));
        assert_eq!(
            link("- [Article 5. Fund](articles/fund.md)"),
            Some(("Article 5. Fund".into(), "articles/fund.md".into()))
        );
        // The first `](` ends the link text, wherever a `]` came before it.
        assert_eq!(
            link("* [Annex [A]] x](annexes/a.md)  "),
            Some(("Annex [A]] x".into(), "annexes/a.md".into()))
        );
        for not_an_include in [
            "- [Article 5] (articles/x.md)",
            "- [Article 5](articles/x.md) and more",
            "- [Article 5](https://example.org/x.md)",
            "- [Article 5](articles/a b.md)",
            "- [Article 5]()",
            "- [Article 5](articles/x.md",
            "+ [Article 5](articles/x.md)",
        ] {
            assert_eq!(link(not_an_include), None, "{not_an_include}");
        }
    }

    #[test]
    fn blocks_concatenate_to_the_source() {
        let text = "\n# T {#t}\n\n## Preamble\nPP1. *Recognizing* x, {#pp1}\n\n\n1. a {#a.1}\n(a) b\n(b) c {#a.1.b}\r\n\r\nOption 1: x\n";
        let joined: String = split_blocks(text).into_iter().map(|b| b.raw).collect();
        assert_eq!(joined, text);
    }

    #[test]
    fn classifies_each_kind() {
        let text = "### Article 4 bis. Global AI Observatory {#observatory}\n\n1. Text. {#observatory.1}\n\n2 bis. More {#observatory.2bis}\n(a) point {#observatory.2bis.a}\n(iv) sub\n\nPlain text.\n\n- [Article 5](articles/x.md)\n\n[^1]: A note.\n\n3.\nOption 1: A\nOption 2: No text.\n";
        assert_eq!(
            kinds(text),
            vec![
                (
                    BlockKind::Heading {
                        level: 3,
                        role: HeadingRole::Article
                    },
                    Some("Article 4 bis".into()),
                    Some("observatory".into())
                ),
                (
                    BlockKind::Paragraph,
                    Some("1".into()),
                    Some("observatory.1".into())
                ),
                (
                    BlockKind::Paragraph,
                    Some("2 bis".into()),
                    Some("observatory.2bis".into())
                ),
                (
                    BlockKind::Point,
                    Some("(a)".into()),
                    Some("observatory.2bis.a".into())
                ),
                (BlockKind::Point, Some("(iv)".into()), None),
                (BlockKind::Text, None, None),
                (
                    BlockKind::Include {
                        target: "articles/x.md".into()
                    },
                    None,
                    None
                ),
                (BlockKind::Definition, None, None),
                (BlockKind::Paragraph, Some("3".into()), None),
            ]
        );
    }

    #[test]
    fn heading_title_and_body() {
        let b = &split_blocks("## Part II - Obligations of Parties {#part-2}\n")[0];
        assert_eq!(b.label(), Some("Part II"));
        assert_eq!(b.title(), Some("Obligations of Parties"));
        let b = &split_blocks("3. {#f.3}\nOption 1: [shall]\nOption 2: No text.\n\n")[0];
        assert_eq!(b.body(), "\nOption 1: [shall]\nOption 2: No text.");
        let body = b.body();
        let at = body.find('[').unwrap();
        assert_eq!(
            &b.raw[b.body_offset_to_raw(at)..b.body_offset_to_raw(at) + 1],
            "["
        );
    }

    #[test]
    fn a_long_multi_line_block_is_one_block() {
        // 100,000 continuation lines: split in one pass, not rescanned line by line.
        let text = format!(
            "1. Start {{#a.1}}\n{}",
            "Option 1: more text\n".repeat(100_000)
        );
        let blocks = split_blocks(&text);
        assert_eq!(blocks.len(), 1);
        assert_eq!(blocks[0].raw, text);
        assert_eq!(blocks[0].id(), Some("a.1"));
    }

    #[test]
    fn labels_that_are_not_labels() {
        assert!(paragraph_label("1.5 million").is_none());
        assert!(paragraph_label("2024. The year").is_some());
        assert!(point_label("(see above) text").is_none());
        assert!(point_label("(ii) text").is_some());
        assert!(id_attribute("text {#not an id}").is_none());
        assert_eq!(
            id_attribute("text {#a.b-c}  ").map(|(_, id)| id),
            Some(7..12)
        );
    }

    /// The byte-level scans of a block's end, of its id attribute and of ids read as the
    /// plain `str` scans they replace did, on text drawn to sit at their edges: every
    /// kind of white space, `\r` alone, non-ASCII letters and braces.
    mod scans_match_their_plain_versions {
        use super::super::*;
        use proptest::prelude::*;

        fn content_end_by_lines(raw: &str) -> usize {
            let mut end = 0;
            let mut pos = 0;
            for line in raw.split_inclusive('\n') {
                let content = line.trim_end_matches(['\n', '\r']);
                if !content.trim().is_empty() {
                    end = pos + content.len();
                }
                pos += line.len();
            }
            end
        }

        fn id_attribute_by_rfind(line: &str) -> Option<(Range<usize>, Range<usize>)> {
            let trimmed = line.trim_end();
            let inner_end = trimmed.len().checked_sub(1)?;
            if !trimmed.ends_with('}') {
                return None;
            }
            let open = trimmed.rfind("{#")?;
            let id = &trimmed[open + 2..inner_end];
            let mut chars = id.chars();
            let valid = matches!(chars.next(), Some(c) if c.is_ascii_alphanumeric())
                && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
            if !valid {
                return None;
            }
            let attr_start = trimmed[..open].trim_end_matches([' ', '\t']).len();
            Some((attr_start..trimmed.len(), open + 2..inner_end))
        }

        fn edge_text() -> impl Strategy<Value = String> {
            let piece = prop::sample::select(vec![
                " ", "\t", "\n", "\r", "\r\n", "\u{85}", "\u{3000}", "\u{a0}", "a", "Z", "7", "-",
                ".", "_", "é", "{", "}", "#", "{#", "{#a}", "{#é}", " {#x.1}",
            ]);
            prop::collection::vec(piece, 0..24).prop_map(|p| p.concat())
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(2000))]
            #[test]
            fn content_end_reads_as_line_by_line(raw in edge_text()) {
                prop_assert_eq!(content_end(&raw), content_end_by_lines(&raw), "{:?}", raw);
            }

            #[test]
            fn id_attribute_reads_as_rfind(line in edge_text()) {
                prop_assert_eq!(id_attribute(&line), id_attribute_by_rfind(&line), "{:?}", line);
            }
        }
    }
}
