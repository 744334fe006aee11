//! Markdown treaties: the EU AI Act form and our own draft format.
//!
//! Blocks are separated by blank lines; an ATX heading (`#`…`######`) is always a block
//! of its own. A trailing `{#id}` on a heading or on a block's first line is taken off the
//! text and kept in [`Imported::ids`], so the draft written keeps it.
//!
//! * Title: the `#` headings before anything else, joined with a space (the AI Act splits
//!   its title over four `#` lines).
//! * Preamble: everything before the first division, article or annex, or every block after
//!   a `## Preamble` heading. `PP1.` labels are recognised; recitals `(1) …` stay text.
//! * Divisions: headings whose first word is Part, Chapter, Section, Sub-section or Title
//!   followed by a numeral. A bare `## CHAPTER I` takes its title from the heading right
//!   after it (`### GENERAL PROVISIONS`).
//! * Articles: `### Article 4 bis. Title` (draft format), `### Article 5 - Title`, or a bare
//!   `### Article 5` whose title is the next heading or a `**bold**` line.
//! * Annexes: `## Annexes` opens the annex list; `# ANNEX I` (title from the next heading if
//!   bare) or `### Annex A. Title`. After the first annex, division-like headings are
//!   headings inside the annex (`### Section A. …`), and so are article-like headings.
//! * A block starting `Option 1:` belongs to the block above it.
//! * A definition in an article or annex (`[^1]: note`, `[ref]: url`) is a
//!   [`ImportedBlock::Note`], not a clause.
//! * Escapes written by [`super::write`] are undone: a backslash at the start of an
//!   unlabelled block and the backslash in `{\#`.

use super::text::{
    annex_heading, article_heading, atx_heading, classify, division_heading, is_option_line,
    pp_label, split_id,
};
use super::write::Slot;
use super::{
    BodyItem, ImportError, Imported, ImportedAnnex, ImportedArticle, ImportedBlock,
    PreambleParagraph,
};

/// Whether `text` has a Markdown heading that starts with `Article`.
pub(crate) fn looks_like_markdown(text: &str) -> bool {
    text.lines()
        .filter_map(|l| atx_heading(l.trim_start()))
        .any(|(_, t)| article_heading(t).is_some())
}

enum Raw<'a> {
    Heading { level: usize, text: &'a str },
    Text(Vec<&'a str>),
}

fn blocks(input: &str) -> Vec<Raw<'_>> {
    let mut out = Vec::new();
    let mut cur: Vec<&str> = Vec::new();
    for line in input.lines() {
        let t = line.trim();
        if t.is_empty() {
            if !cur.is_empty() {
                out.push(Raw::Text(std::mem::take(&mut cur)));
            }
        } else if let Some((level, text)) = atx_heading(t) {
            if !cur.is_empty() {
                out.push(Raw::Text(std::mem::take(&mut cur)));
            }
            out.push(Raw::Heading { level, text });
        } else {
            cur.push(t);
        }
    }
    if !cur.is_empty() {
        out.push(Raw::Text(cur));
    }
    out
}

#[derive(Clone, Copy, PartialEq)]
enum Place {
    Start,
    Preamble,
    Body,
    Annexes,
}

/// What the next heading or bold line may be the title of.
#[derive(Clone, Copy, PartialEq)]
enum Pending {
    None,
    Article,
    Division,
    Annex,
}

struct State {
    doc: Imported,
    place: Place,
    pending: Pending,
    title_parts: Vec<String>,
    article: Option<ImportedArticle>,
    annex: Option<ImportedAnnex>,
}

impl State {
    fn flush(&mut self) {
        if let Some(a) = self.article.take() {
            self.doc.body.push(BodyItem::Article(a));
        }
        if let Some(a) = self.annex.take() {
            self.doc.annexes.push(a);
        }
    }

    fn end_title(&mut self) {
        if self.place == Place::Start {
            self.place = Place::Preamble;
        }
    }

    /// Keeps a clause id the source gave, for the clause at `slot`.
    fn keep_id(&mut self, slot: Option<Slot>, id: Option<&str>) {
        if let (Some(slot), Some(id)) = (slot, id) {
            self.doc.ids.entry(slot).or_insert_with(|| id.to_string());
        }
    }

    /// Where the next block of the open article or annex goes.
    fn next_block_slot(&self) -> Option<Slot> {
        match (&self.article, &self.annex) {
            (Some(a), _) => Some(Slot::ArticleBlock(self.doc.body.len(), a.blocks.len())),
            (None, Some(a)) => Some(Slot::AnnexBlock(self.doc.annexes.len(), a.blocks.len())),
            (None, None) => None,
        }
    }

    fn blocks_mut(&mut self) -> Option<&mut Vec<ImportedBlock>> {
        match (&mut self.article, &mut self.annex) {
            (Some(a), _) => Some(&mut a.blocks),
            (None, Some(a)) => Some(&mut a.blocks),
            (None, None) => None,
        }
    }

    fn set_pending_title(&mut self, title: String) {
        match self.pending {
            Pending::Article => {
                if let Some(a) = self.article.as_mut() {
                    a.title = Some(title);
                }
            }
            Pending::Annex => {
                if let Some(a) = self.annex.as_mut() {
                    a.title = Some(title);
                }
            }
            Pending::Division => {
                if let Some(BodyItem::Division { title: t, .. }) = self.doc.body.last_mut() {
                    *t = Some(title);
                }
            }
            Pending::None => {}
        }
        self.pending = Pending::None;
    }

    fn heading(&mut self, level: usize, raw: &str) {
        let (text, id) = split_id(raw);
        let text = unescape_braces(text);
        let pending = std::mem::replace(&mut self.pending, Pending::None);
        let structural = annex_heading(&text, false).is_some()
            || article_heading(&text).is_some()
            || division_heading(&text, false).is_some()
            || text.eq_ignore_ascii_case("preamble")
            || text.eq_ignore_ascii_case("annexes");
        if self.place == Place::Start && level == 1 && !structural {
            self.title_parts.push(text);
            self.keep_id(Some(Slot::Title), id);
            return;
        }
        self.end_title();
        if text.eq_ignore_ascii_case("preamble") {
            self.flush();
            self.place = Place::Preamble;
            self.keep_id(Some(Slot::PreambleHeading), id);
            return;
        }
        if text.eq_ignore_ascii_case("annexes") {
            self.flush();
            self.place = Place::Annexes;
            self.keep_id(Some(Slot::AnnexList), id);
            return;
        }
        if let Some((label, title)) = annex_heading(&text, false) {
            self.flush();
            self.place = Place::Annexes;
            self.keep_id(Some(Slot::Annex(self.doc.annexes.len())), id);
            if title.is_none() && id.is_none() {
                self.pending = Pending::Annex;
            }
            self.annex = Some(ImportedAnnex {
                label,
                title,
                blocks: Vec::new(),
            });
            return;
        }
        if self.place != Place::Annexes {
            if let Some((number, title)) = article_heading(&text) {
                self.flush();
                self.place = Place::Body;
                self.keep_id(Some(Slot::Article(self.doc.body.len())), id);
                if title.is_none() && id.is_none() {
                    self.pending = Pending::Article;
                }
                self.article = Some(ImportedArticle {
                    number,
                    title,
                    blocks: Vec::new(),
                });
                return;
            }
            if let Some((kind, label, title)) = division_heading(&text, false) {
                self.flush();
                self.place = Place::Body;
                self.keep_id(Some(Slot::Division(self.doc.body.len())), id);
                if title.is_none() && id.is_none() {
                    self.pending = Pending::Division;
                }
                self.doc
                    .body
                    .push(BodyItem::Division { kind, label, title });
                return;
            }
        }
        if pending != Pending::None {
            self.pending = pending;
            self.set_pending_title(text);
            return;
        }
        self.keep_id(self.next_block_slot(), id);
        match self.blocks_mut() {
            Some(blocks) => blocks.push(ImportedBlock::Heading(unescape_start(&text).to_string())),
            None => self.doc.warnings.push(format!(
                "heading outside any article or annex was not imported: {text}"
            )),
        }
    }

    fn text(&mut self, lines: Vec<&str>) {
        let pending = std::mem::replace(&mut self.pending, Pending::None);
        self.end_title();
        let (first, id) = split_id(lines[0]);
        if pending == Pending::Article && lines.len() == 1 {
            let bold = first
                .strip_prefix("**")
                .and_then(|s| s.strip_suffix("**"))
                .filter(|s| !s.is_empty() && !s.contains("**"));
            if let Some(title) = bold {
                self.pending = pending;
                self.set_pending_title(title.trim().to_string());
                return;
            }
        }
        let mut all: Vec<String> = Vec::with_capacity(lines.len());
        all.push(first.to_string());
        all.extend(
            lines[1..]
                .iter()
                .map(|l| unescape_line_start(l).to_string()),
        );
        // `Option 1:` blocks belong to the clause above.
        if is_option_line(first) {
            let joined = all.join("\n");
            let target = match self.place {
                Place::Preamble => self.doc.preamble.last_mut().map(|p| &mut p.text),
                _ => self.blocks_mut().and_then(|b| match b.last_mut() {
                    Some(
                        ImportedBlock::Paragraph { text, .. } | ImportedBlock::Point { text, .. },
                    ) => Some(text),
                    _ => None,
                }),
            };
            if let Some(t) = target {
                if !t.is_empty() {
                    t.push('\n');
                }
                t.push_str(&unescape_braces(&joined));
                return;
            }
        }
        let block_text = all.join("\n");
        if matches!(self.place, Place::Body | Place::Annexes)
            && let Some((label, first_rest)) = crate::draft::block::definition(first)
            && let Some(blocks) = self.blocks_mut()
        {
            let mut text = first_rest.to_string();
            for line in &all[1..] {
                text.push('\n');
                text.push_str(line);
            }
            blocks.push(ImportedBlock::Note {
                label: label.to_string(),
                text: unescape_braces(&text),
            });
            return;
        }
        match self.place {
            Place::Start | Place::Preamble => {
                let (label, text) = match pp_label(&block_text) {
                    Some((l, t)) => (Some(l.to_string()), t.to_string()),
                    None => (None, unescape_start(&block_text).to_string()),
                };
                self.keep_id(Some(Slot::Preamble(self.doc.preamble.len())), id);
                self.doc.preamble.push(PreambleParagraph {
                    label,
                    text: unescape_braces(&text),
                });
            }
            Place::Body | Place::Annexes => {
                let block = match classify(&block_text) {
                    ImportedBlock::Paragraph { label: None, text } => ImportedBlock::Paragraph {
                        label: None,
                        text: unescape_braces(unescape_start(&text)),
                    },
                    ImportedBlock::Paragraph {
                        label: Some(l),
                        text,
                    } => ImportedBlock::Paragraph {
                        label: Some(l),
                        text: unescape_braces(&text),
                    },
                    ImportedBlock::Point { label, text } => ImportedBlock::Point {
                        label,
                        text: unescape_braces(&text),
                    },
                    other @ (ImportedBlock::Heading(_) | ImportedBlock::Note { .. }) => other,
                };
                self.keep_id(self.next_block_slot(), id);
                match self.blocks_mut() {
                    Some(blocks) => blocks.push(block),
                    None => self.doc.warnings.push(format!(
                        "text outside any article or annex was not imported: {}",
                        block_text.lines().next().unwrap_or("")
                    )),
                }
            }
        }
    }
}

/// Drops the one backslash [`super::write`] puts before an unlabelled block.
fn unescape_start(s: &str) -> &str {
    match s.strip_prefix('\\') {
        // `\[`, `\]`: an escaped bracket, not the writer's structure escape.
        Some(rest) if !rest.starts_with(['[', ']']) => rest,
        _ => s,
    }
}

/// Continuation lines starting with `\` had one added by the writer.
fn unescape_line_start(s: &str) -> &str {
    unescape_start(s)
}

/// `{\#` → `{#`, `{\\#` → `{\#`: removes the backslash the writer added.
fn unescape_braces(s: &str) -> String {
    if !s.contains("{\\") {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("{\\") {
        out.push_str(&rest[..=i]);
        let after = &rest[i + 1..];
        let n = after.bytes().take_while(|&b| b == b'\\').count();
        if after[n..].starts_with('#') {
            out.push_str(&after[1..n]);
        } else {
            out.push_str(&after[..n]);
        }
        rest = &after[n..];
    }
    out.push_str(rest);
    out
}

/// Parses Markdown (the AI Act form or our draft format with its include lines already
/// replaced by the included files).
pub fn from_markdown(input: &str) -> Result<Imported, ImportError> {
    let input = input.strip_prefix('\u{feff}').unwrap_or(input);
    if input.trim().is_empty() {
        return Err(ImportError::Empty);
    }
    let mut st = State {
        doc: Imported::default(),
        place: Place::Start,
        pending: Pending::None,
        title_parts: Vec::new(),
        article: None,
        annex: None,
    };
    for raw in blocks(input) {
        match raw {
            Raw::Heading { level, text } => st.heading(level, text),
            Raw::Text(lines) => st.text(lines),
        }
    }
    st.flush();
    let mut doc = st.doc;
    doc.title = st.title_parts.join(" ");
    if doc.articles().next().is_none() {
        return Err(ImportError::NoArticles);
    }
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ai_act_shapes() {
        let doc = from_markdown(
            "# REGULATION X\n\n# of 13 June 2024\n\nTHE PARLIAMENT,\n\nWhereas:\n\n(1) A recital.\n\n\
             ## CHAPTER I\n\n### GENERAL PROVISIONS\n\n### Article 1\n\n**Subject matter**\n\n\
             1. The purpose.\n\n(a) one;\n\n(i) sub;\n\n## SECTION 1\n\n### Classification\n\n\
             ### Article 2\n\n### Scope\n\nText.\n\n# ANNEX I\n\n# List\n\n### Section A. Things\n\n1. First.\n",
        )
        .unwrap();
        assert_eq!(doc.title, "REGULATION X of 13 June 2024");
        assert_eq!(doc.preamble.len(), 3);
        assert_eq!(doc.preamble[2].text, "(1) A recital.");
        assert_eq!(
            doc.body[0],
            BodyItem::Division {
                kind: "Chapter".into(),
                label: "I".into(),
                title: Some("GENERAL PROVISIONS".into())
            }
        );
        let a1 = doc.article("1").unwrap();
        assert_eq!(a1.title.as_deref(), Some("Subject matter"));
        assert_eq!(a1.blocks.len(), 3);
        assert_eq!(doc.article("2").unwrap().title.as_deref(), Some("Scope"));
        assert_eq!(doc.annexes[0].title.as_deref(), Some("List"));
        assert_eq!(
            doc.annexes[0].blocks[0],
            ImportedBlock::Heading("Section A. Things".into())
        );
    }

    #[test]
    fn draft_format() {
        let doc = from_markdown(
            "# Convention {#treaty}\n\n## Preamble {#preamble}\n\nThe Parties, {#pp-chapeau}\n\n\
             PP1. *Recognizing* that x, {#pp-rec}\n\n## Part I. General {#part-general}\n\n\
             ### Article 9 bis. Observatory {#observatory}\n\n1. Established. {#observatory.1}\n\n\
             3. {#observatory.3}\nOption 1: The Observatory [shall][may] publish.\nOption 2: No text.\n\n\
             \\(a) not a point {#x.p1}\n\nsee {\\#x} here {#x.p2}\n\n## Annexes {#annexes}\n\n\
             ### Annex A. Biometric {#biometric}\n\nText. {#biometric.p1}\n",
        )
        .unwrap();
        assert_eq!(doc.title, "Convention");
        assert_eq!(doc.preamble[1].label.as_deref(), Some("PP1"));
        assert_eq!(doc.preamble[1].text, "*Recognizing* that x,");
        let a = doc.article("9 bis").unwrap();
        assert_eq!(a.title.as_deref(), Some("Observatory"));
        assert_eq!(
            a.blocks[1],
            ImportedBlock::Paragraph {
                label: Some("3".into()),
                text: "Option 1: The Observatory [shall][may] publish.\nOption 2: No text.".into()
            }
        );
        assert_eq!(
            a.blocks[2],
            ImportedBlock::Paragraph {
                label: None,
                text: "(a) not a point".into()
            }
        );
        assert_eq!(
            a.blocks[3],
            ImportedBlock::Paragraph {
                label: None,
                text: "see {#x} here".into()
            }
        );
        assert_eq!(doc.annexes[0].label, "A");
        assert_eq!(doc.annexes[0].title.as_deref(), Some("Biometric"));
    }

    #[test]
    fn brace_escapes() {
        assert_eq!(
            unescape_braces("a {\\#b} {\\\\#c} {\\d"),
            "a {#b} {\\#c} {\\d"
        );
    }
}
