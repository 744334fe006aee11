//! Word documents (`.docx`, Office Open XML) into an [`Imported`] treaty.
//!
//! The body of `word/document.xml` is read paragraph by paragraph (a table row is one
//! paragraph, its cells joined by ` | `), each with its style, the number Word generates
//! for it, its footnote and endnote references, the comments anchored in it and its
//! tracked changes. Then one of two readers builds the treaty:
//!
//! * **A treaty with articles** (`Article 1 - Scope` as a heading or a whole paragraph,
//!   `Title`/`Heading N` styles): the paragraphs are written as Markdown and read by
//!   [`super::markdown`], so headings are recognised exactly as in a Markdown or
//!   plain-text treaty; italic runs are written `*like this*`.
//! * **A decision or negotiating text in sections** (no article headings; the UN "Reg"
//!   template): [`decision`] reads the structure from the generated numbers — `I.`
//!   sections become articles (`Article I`), `A.` sub-sections headings inside them, `1.`
//!   numbered paragraphs, `(a)` and `(i)` points — the leading paragraphs become the title
//!   and the preamble, an unnumbered `Annex` paragraph opens an annex. Every clause records
//!   its label as printed (`12 (a)`) and the comments anchored in it.
//!
//! **List numbering** is Word's, not the text's: `word/numbering.xml` and the paragraph
//! style's chain (`w:basedOn`) give each paragraph a list (`numId`) and a level (`ilvl`),
//! resolved separately; lists sharing an abstract definition share their counters; a
//! level's first use sets the levels above it that were never shown; a `startOverride`
//! resets the level in use and those below it the first time its list is used; a level
//! restarts when a level above it (up to its `lvlRestart`) moves. Empty paragraphs that
//! only carry a section break are not numbered. (This reproduces the 406 labels of the
//! Art. 6.2 first iteration and the 152 of the second exactly as LibreOffice renders them.)
//!
//! **Footnotes and endnotes** become notes after the clause that refers to them, `[^3]`
//! in its text (footnotes numbered in order of reference through the document, endnotes
//! `[^e1]`, `[^e2]`…: Word restarts both per section, which would give one article two
//! notes of the same number). **Comments** (Word's, with the delegation named in their
//! text, as secretariats record Parties' inputs) become the clause's comments in
//! `drafts/sources.ron`, with the Parties they name. **Tracked changes are accepted**
//! (inserted text kept, deleted text dropped), and each is kept with its author, date and
//! words among the clause's comments: in secretariat files tracked changes are the
//! secretariat's own editing (re-lettered table notes, in the Art. 6.2 files), while
//! Parties' proposals come as comments; a reader of the draft sees the text as issued,
//! and nothing deleted is lost. Runs a `treaty export` marked as notes (character style
//! `TreatyNote`: moved-from marks, citations) are left out.
//!
//! Running heads (`word/header*.xml` of the sections' `default` and `even` headers) and
//! the first page's header become the document's metadata.
//!
//! Refused with a clear error: a file that is not a zip archive, an archive without
//! `word/document.xml`, a body with no text, a part larger than [`MAX_PART`] bytes
//! uncompressed (zip bomb), and malformed XML (with the part name, line and column;
//! DOCTYPEs and entities are refused, see [`super::akn`]).

pub mod decision;
mod numbering;

use std::collections::HashMap;
use std::io::{Cursor, Read};

use super::akn::{Element, XmlNode, collapse, labelled, parse_xml};
use super::markdown::from_markdown;
use super::text::{annex_heading, division_heading, strict_article_heading};
use super::{ImportError, Imported, ImportedBlock, SourceDocument};
use numbering::Numbering;

/// Largest uncompressed part read from the archive (64 MiB).
pub const MAX_PART: u64 = 64 << 20;

fn docx_err(reason: impl Into<String>) -> ImportError {
    ImportError::Docx {
        reason: reason.into(),
    }
}

fn read_part(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
) -> Result<Option<String>, ImportError> {
    let file = match zip.by_name(name) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(docx_err(format!("cannot read {name}: {e}"))),
    };
    let mut bytes = Vec::new();
    file.take(MAX_PART + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| docx_err(format!("cannot read {name}: {e}")))?;
    if bytes.len() as u64 > MAX_PART {
        return Err(docx_err(format!(
            "{name} is larger than {} MiB uncompressed; refusing to read it",
            MAX_PART >> 20
        )));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        docx_err(format!(
            "{name} is not UTF-8 (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })?;
    Ok(Some(text))
}

fn read_xml(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
) -> Result<Option<Element>, ImportError> {
    match read_part(zip, name)? {
        Some(s) => Ok(Some(parse_xml(&s, Some(name))?)),
        None => Ok(None),
    }
}

/// Reads a `.docx` file's bytes.
pub fn from_docx(bytes: &[u8]) -> Result<Imported, ImportError> {
    let WordDocument {
        paras,
        comments,
        source,
    } = read(bytes)?;
    let articles = paras.iter().any(|p| {
        p.lines.len() == 1 && strict_article_heading(&p.lines[0]).is_some()
            || matches!(p.kind, Kind::Heading(_))
                && p.lines[0].to_ascii_lowercase().starts_with("article")
    });
    let mut doc = if articles {
        let mut doc = from_markdown(&to_markdown(&paras))?;
        let commented = paras.iter().filter(|p| !p.comments.is_empty()).count();
        if commented > 0 {
            doc.warnings.push(format!(
                "{commented} paragraphs carry Word comments; they are not imported for a text in articles"
            ));
        }
        doc
    } else {
        decision::build(&paras, &comments)
    };
    // Front matter: the first page's header, then the text's own (a decision's subtitle).
    let own = doc
        .source
        .take()
        .map(|s| s.front_matter)
        .unwrap_or_default();
    let mut source = source;
    source.front_matter.extend(own);
    doc.source = Some(source);
    Ok(doc)
}

/// A Word document read: its paragraphs (and table rows), comments and headers.
struct WordDocument {
    paras: Vec<Para>,
    comments: HashMap<String, WordComment>,
    source: SourceDocument,
}

fn read(bytes: &[u8]) -> Result<WordDocument, ImportError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| docx_err(format!("not a zip archive ({e}); a .docx file is one")))?;
    let document = read_part(&mut zip, "word/document.xml")?.ok_or_else(|| {
        docx_err("the archive has no word/document.xml: is it a Word document (.docx)?")
    })?;
    let styles = read_xml(&mut zip, "word/styles.xml")?
        .map(|e| Styles::parse(&e))
        .unwrap_or_default();
    let mut numbering = read_xml(&mut zip, "word/numbering.xml")?
        .map(|e| Numbering::parse(&e))
        .unwrap_or_default();
    let notes = Notes {
        footnotes: note_bodies(
            read_xml(&mut zip, "word/footnotes.xml")?.as_ref(),
            "footnote",
        ),
        endnotes: note_bodies(read_xml(&mut zip, "word/endnotes.xml")?.as_ref(), "endnote"),
    };
    let comments = read_comments(&mut zip)?;
    let root = parse_xml(&document, Some("word/document.xml"))?;
    let body = root
        .child("body")
        .ok_or_else(|| docx_err("word/document.xml has no <w:body>"))?;
    let mut walker = Walker {
        styles: &styles,
        numbering: &mut numbering,
        notes: &notes,
        paras: Vec::new(),
        footnotes_seen: 0,
        endnotes_seen: 0,
    };
    walker.walk(body, None);
    let paras = walker.paras;
    if paras.is_empty() {
        return Err(docx_err(
            "its body holds no text (an empty document, or a template?): check that you gave the right file",
        ));
    }
    let source = SourceDocument {
        format: "docx".into(),
        ..headers(&mut zip, body)?
    };
    Ok(WordDocument {
        paras,
        comments,
        source,
    })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Title,
    Heading(usize),
    Body,
}

/// A number Word generated for a paragraph.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Number {
    /// As shown: `I.`, `A.`, `12.`, `(a)`, `(iv)`.
    pub label: String,
    /// The level's format: `upperRoman`, `upperLetter`, `decimal`, `lowerLetter`,
    /// `lowerRoman`, `bullet`…
    pub format: String,
}

/// A tracked insertion or deletion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub inserted: bool,
    pub id: String,
    pub author: String,
    pub date: String,
    pub text: String,
}

/// One paragraph of the body (or one table row), as Word shows it.
#[derive(Clone, Debug)]
pub struct Para {
    pub kind: Kind,
    /// The number Word generates for it, if any.
    pub number: Option<Number>,
    /// Lines, each with whitespace collapsed; never empty. Note references as `[^3]`.
    pub lines: Vec<String>,
    /// The same lines with italic runs written `*like this*` (for the Markdown reader).
    pub md_lines: Vec<String>,
    /// Every letter is bold.
    pub bold: bool,
    /// Comment ids whose range starts here.
    pub comments: Vec<String>,
    pub changes: Vec<Change>,
    /// Notes referred to: (label without `^`, text).
    pub notes: Vec<(String, String)>,
    /// The table (0-based, in document order) whose row this is.
    pub table: Option<usize>,
}

fn val(e: &Element) -> Option<&str> {
    e.attr("val")
}

/// Paragraph styles: names, and the numbering each gives (list and level separately,
/// through `w:basedOn`).
#[derive(Default)]
struct Styles {
    names: HashMap<String, String>,
    based_on: HashMap<String, String>,
    num_id: HashMap<String, String>,
    ilvl: HashMap<String, usize>,
}

impl Styles {
    fn parse(root: &Element) -> Styles {
        let mut s = Styles::default();
        for st in root.elements().filter(|e| e.name == "style") {
            let Some(id) = st.attr("styleId") else {
                continue;
            };
            if let Some(name) = st.child("name").and_then(val) {
                s.names.insert(id.to_string(), name.to_ascii_lowercase());
            }
            if let Some(b) = st.child("basedOn").and_then(val) {
                s.based_on.insert(id.to_string(), b.to_string());
            }
            if let Some(np) = st.child("pPr").and_then(|p| p.child("numPr")) {
                if let Some(n) = np.child("numId").and_then(val) {
                    s.num_id.insert(id.to_string(), n.to_string());
                }
                if let Some(l) = np.child("ilvl").and_then(val).and_then(|v| v.parse().ok()) {
                    s.ilvl.insert(id.to_string(), l);
                }
            }
        }
        s
    }

    /// `f` of the style or the first style it is based on that has it.
    fn inherited<T: Clone>(&self, style: &str, f: impl Fn(&str) -> Option<T>) -> Option<T> {
        let mut cur = style.to_string();
        for _ in 0..16 {
            if let Some(v) = f(&cur) {
                return Some(v);
            }
            cur = self.based_on.get(&cur)?.clone();
        }
        None
    }

    fn kind(&self, style_id: &str) -> Kind {
        let name = self
            .names
            .get(style_id)
            .cloned()
            .unwrap_or_else(|| style_id.to_ascii_lowercase());
        let compact: String = name.chars().filter(|c| !c.is_whitespace()).collect();
        if compact == "title" {
            return Kind::Title;
        }
        if let Some(n) = compact.strip_prefix("heading")
            && let Ok(n) = n.parse::<usize>()
        {
            return Kind::Heading(n.clamp(1, 6));
        }
        Kind::Body
    }
}

/// Footnote and endnote bodies by Word id (separators left out).
struct Notes {
    footnotes: HashMap<String, String>,
    endnotes: HashMap<String, String>,
}

fn note_bodies(root: Option<&Element>, name: &str) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let Some(root) = root else { return out };
    for n in root.elements().filter(|e| e.name == name) {
        if matches!(
            n.attr("type"),
            Some("separator" | "continuationSeparator" | "continuationNotice")
        ) {
            continue;
        }
        let Some(id) = n.attr("id") else { continue };
        let paras: Vec<String> = n
            .elements()
            .filter(|e| e.name == "p")
            .map(plain_text)
            .filter(|t| !t.is_empty())
            .collect();
        out.insert(id.to_string(), paras.join(" ¶ "));
    }
    out
}

/// A paragraph's visible text, tracked changes accepted, collapsed to one line.
fn plain_text(p: &Element) -> String {
    let mut runs = Vec::new();
    let mut sink = Sink::default();
    runs_text(p, false, &mut runs, &mut sink, None);
    let t: String = runs.iter().map(|(t, _)| t.as_str()).collect();
    clean_line(&t.replace('\n', " "))
}

fn clean_line(s: &str) -> String {
    let l: String = s
        .chars()
        .filter(|c| !c.is_control() || *c == '\t')
        .collect();
    collapse(&l)
}

/// A Word comment: author, date, text, and the comment it replies to.
#[derive(Clone, Debug, Default)]
pub struct WordComment {
    pub author: String,
    pub date: String,
    pub text: String,
    pub reply_to: Option<String>,
}

fn read_comments(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
) -> Result<HashMap<String, WordComment>, ImportError> {
    let mut out = HashMap::new();
    let Some(root) = read_xml(zip, "word/comments.xml")? else {
        return Ok(out);
    };
    // Threads: the comment's last paragraph's paraId → its parent's paraId.
    let mut parent_of: HashMap<String, String> = HashMap::new();
    if let Some(ext) = read_xml(zip, "word/commentsExtended.xml")? {
        for e in ext.elements().filter(|e| e.name == "commentEx") {
            if let (Some(p), Some(parent)) = (e.attr("paraId"), e.attr("paraIdParent")) {
                parent_of.insert(p.to_string(), parent.to_string());
            }
        }
    }
    let mut by_para: HashMap<String, String> = HashMap::new();
    let mut last_para: HashMap<String, String> = HashMap::new();
    for c in root.elements().filter(|e| e.name == "comment") {
        let Some(id) = c.attr("id") else { continue };
        let paras: Vec<&Element> = c.elements().filter(|e| e.name == "p").collect();
        for p in &paras {
            if let Some(pid) = p.attr("paraId") {
                by_para.insert(pid.to_string(), id.to_string());
            }
        }
        if let Some(pid) = paras.last().and_then(|p| p.attr("paraId")) {
            last_para.insert(id.to_string(), pid.to_string());
        }
        let text: Vec<String> = paras
            .iter()
            .map(|p| plain_text(p))
            .filter(|t| !t.is_empty())
            .collect();
        out.insert(
            id.to_string(),
            WordComment {
                author: c.attr("author").unwrap_or("").to_string(),
                date: c.attr("date").unwrap_or("").to_string(),
                text: text.join("\n"),
                reply_to: None,
            },
        );
    }
    for (id, pid) in last_para {
        if let Some(parent) = parent_of.get(&pid).and_then(|pp| by_para.get(pp))
            && let Some(c) = out.get_mut(&id)
        {
            c.reply_to = Some(parent.clone());
        }
    }
    Ok(out)
}

/// The sections' headers: running heads (`default` and `even`) and the first page's.
fn headers(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    body: &Element,
) -> Result<SourceDocument, ImportError> {
    let mut out = SourceDocument::default();
    let Some(rels) = read_xml(zip, "word/_rels/document.xml.rels")? else {
        return Ok(out);
    };
    let targets: HashMap<&str, &str> = rels
        .elements()
        .filter_map(|r| Some((r.attr("Id")?, r.attr("Target")?)))
        .collect();
    let mut refs: Vec<(String, String)> = Vec::new();
    fn sect_prs<'e>(e: &'e Element, out: &mut Vec<&'e Element>) {
        for c in e.elements() {
            if c.name == "sectPr" {
                out.push(c);
            } else if matches!(c.name.as_str(), "p" | "pPr") {
                sect_prs(c, out);
            }
        }
    }
    let mut secs = Vec::new();
    sect_prs(body, &mut secs);
    for s in secs {
        for h in s.elements().filter(|e| e.name == "headerReference") {
            if let (Some(kind), Some(id)) = (h.attr("type"), h.attr("id")) {
                refs.push((kind.to_string(), id.to_string()));
            }
        }
    }
    let mut counts: Vec<(String, usize)> = Vec::new();
    for (kind, id) in refs {
        let Some(target) = targets.get(id.as_str()) else {
            continue;
        };
        let name = format!("word/{}", target.trim_start_matches('/'));
        let Some(h) = read_xml(zip, &name)? else {
            continue;
        };
        let lines: Vec<String> = h
            .elements()
            .filter(|e| e.name == "p")
            .map(plain_text)
            .filter(|t| !t.is_empty())
            .collect();
        if lines.is_empty() {
            continue;
        }
        if kind == "first" {
            if out.front_matter.is_empty() {
                out.front_matter = lines;
            }
        } else {
            let text = lines.join(" ");
            match counts.iter_mut().find(|(t, _)| *t == text) {
                Some((_, n)) => *n += 1,
                None => counts.push((text, 1)),
            }
        }
    }
    counts.sort_by_key(|c| std::cmp::Reverse(c.1));
    out.running_heads = counts.into_iter().map(|(t, _)| t).collect();
    Ok(out)
}

struct Walker<'a> {
    styles: &'a Styles,
    numbering: &'a mut Numbering,
    notes: &'a Notes,
    paras: Vec<Para>,
    footnotes_seen: usize,
    endnotes_seen: usize,
}

/// What a paragraph's runs hold besides text.
#[derive(Default)]
struct Sink {
    comments: Vec<String>,
    changes: Vec<Change>,
    notes: Vec<(String, String)>,
}

impl Walker<'_> {
    fn walk(&mut self, e: &Element, table: Option<usize>) {
        for c in e.elements() {
            match c.name.as_str() {
                "p" => {
                    if let Some(p) = self.paragraph(c, table) {
                        self.paras.push(p);
                    }
                }
                "tbl" => {
                    let t = self
                        .paras
                        .iter()
                        .filter_map(|p| p.table)
                        .max()
                        .map_or(0, |m| m + 1);
                    self.table(c, t);
                }
                "sdt" | "sdtContent" | "customXml" | "ins" | "moveTo" => self.walk(c, table),
                _ => {}
            }
        }
    }

    /// A table: one paragraph per row, its cells joined by ` | `.
    fn table(&mut self, tbl: &Element, t: usize) {
        for tr in tbl.elements().filter(|e| e.name == "tr") {
            let mut cells = Vec::new();
            let mut md_cells = Vec::new();
            let mut sink = Sink::default();
            let mut bold = true;
            for tc in tr.elements().filter(|e| e.name == "tc") {
                let mut inner = Walker {
                    styles: self.styles,
                    numbering: self.numbering,
                    notes: self.notes,
                    paras: Vec::new(),
                    footnotes_seen: self.footnotes_seen,
                    endnotes_seen: self.endnotes_seen,
                };
                inner.walk(tc, Some(t));
                self.footnotes_seen = inner.footnotes_seen;
                self.endnotes_seen = inner.endnotes_seen;
                let text: Vec<String> = inner.paras.iter().flat_map(|p| p.lines.clone()).collect();
                let md: Vec<String> = inner
                    .paras
                    .iter()
                    .flat_map(|p| p.md_lines.clone())
                    .collect();
                bold &= inner.paras.iter().all(|p| p.bold);
                for p in inner.paras {
                    sink.comments.extend(p.comments);
                    sink.changes.extend(p.changes);
                    sink.notes.extend(p.notes);
                }
                cells.push(text.join(" "));
                md_cells.push(md.join(" "));
            }
            if cells.iter().all(String::is_empty) {
                continue;
            }
            self.paras.push(Para {
                kind: Kind::Body,
                number: None,
                lines: vec![cells.join(" | ")],
                md_lines: vec![md_cells.join(" | ")],
                bold,
                comments: sink.comments,
                changes: sink.changes,
                notes: sink.notes,
                table: Some(t),
            });
        }
    }

    fn paragraph(&mut self, p: &Element, table: Option<usize>) -> Option<Para> {
        let ppr = p.child("pPr");
        let style = ppr
            .and_then(|x| x.child("pStyle"))
            .and_then(val)
            .unwrap_or("");
        let mut kind = self.styles.kind(style);
        if kind == Kind::Body
            && let Some(l) = ppr
                .and_then(|x| x.child("outlineLvl"))
                .and_then(val)
                .and_then(|v| v.parse::<usize>().ok())
            && l < 6
        {
            kind = Kind::Heading(l + 1);
        }
        let mut sink = Sink::default();
        let mut runs = Vec::new();
        runs_text(p, false, &mut runs, &mut sink, Some(self));
        let raw: String = runs.iter().map(|(t, _)| t.as_str()).collect();
        let sect_only = ppr.and_then(|x| x.child("sectPr")).is_some() && raw.trim().is_empty();
        // The number: list and level from the paragraph, else from its style's chain.
        let np = ppr.and_then(|x| x.child("numPr"));
        let num_id = np
            .and_then(|n| n.child("numId"))
            .and_then(val)
            .map(str::to_string)
            .or_else(|| {
                self.styles
                    .inherited(style, |s| self.styles.num_id.get(s).cloned())
            });
        let ilvl = np
            .and_then(|n| n.child("ilvl"))
            .and_then(val)
            .and_then(|v| v.parse::<usize>().ok())
            .or_else(|| {
                self.styles
                    .inherited(style, |s| self.styles.ilvl.get(s).copied())
            });
        let number = match num_id {
            Some(id) if id != "0" && !sect_only => self.numbering.next(&id, ilvl, style),
            _ => None,
        };
        let split = |text: &str| -> Vec<String> {
            text.split('\n')
                .map(clean_line)
                .filter(|l| !l.is_empty())
                .collect()
        };
        let lines = split(&raw);
        if lines.is_empty() {
            return None;
        }
        let md_lines = split(&runs_markdown(&runs));
        let bold = bold_throughout(p);
        Some(Para {
            kind,
            number,
            lines,
            md_lines,
            bold,
            comments: sink.comments,
            changes: sink.changes,
            notes: sink.notes,
            table,
        })
    }

    fn note_ref(&mut self, e: &Element, foot: bool) -> Option<(String, String)> {
        let id = e.attr("id")?;
        let (bodies, seen, prefix) = if foot {
            (&self.notes.footnotes, &mut self.footnotes_seen, "")
        } else {
            (&self.notes.endnotes, &mut self.endnotes_seen, "e")
        };
        let text = bodies.get(id)?;
        *seen += 1;
        Some((format!("{prefix}{seen}"), text.clone()))
    }
}

/// Whether every text run of the paragraph is bold.
fn bold_throughout(p: &Element) -> bool {
    let mut any = false;
    let mut all = true;
    fn visit(e: &Element, any: &mut bool, all: &mut bool) {
        for c in e.elements() {
            match c.name.as_str() {
                "r" => {
                    let has_text = c
                        .elements()
                        .any(|t| t.name == "t" && !t.text().trim().is_empty());
                    if has_text {
                        *any = true;
                        let b = c
                            .child("rPr")
                            .and_then(|r| r.child("b"))
                            .is_some_and(|b| !matches!(val(b), Some("0" | "false" | "off")));
                        *all &= b;
                    }
                }
                "del" | "moveFrom" | "pPr" => {}
                _ => visit(c, any, all),
            }
        }
    }
    visit(p, &mut any, &mut all);
    any && all
}

/// The visible text of a paragraph with tracked changes accepted, as runs of
/// (text, italic); neighbouring runs of the same kind are joined. Comment starts, tracked
/// changes and note references go to `sink` (notes only with a walker to number them).
fn runs_text(
    e: &Element,
    italic: bool,
    out: &mut Vec<(String, bool)>,
    sink: &mut Sink,
    mut walker: Option<&mut Walker<'_>>,
) {
    fn push(s: &str, italic: bool, out: &mut Vec<(String, bool)>) {
        match out.last_mut() {
            Some((t, i)) if *i == italic => t.push_str(s),
            _ => out.push((s.to_string(), italic)),
        }
    }
    for n in &e.children {
        let XmlNode::Element(c) = n else { continue };
        match c.name.as_str() {
            "r" => {
                let note_style = c
                    .child("rPr")
                    .and_then(|r| r.child("rStyle"))
                    .and_then(val)
                    .is_some_and(|s| s == "TreatyNote");
                if !note_style {
                    runs_text(c, is_italic(c), out, sink, walker.as_deref_mut());
                }
            }
            "t" => {
                for t in &c.children {
                    if let XmlNode::Text(s) = t {
                        push(s, italic, out);
                    }
                }
            }
            "tab" | "ptab" => push(" ", italic, out),
            "br" | "cr" => push("\n", italic, out),
            "noBreakHyphen" => push("-", italic, out),
            "sym" => {
                if let Some(ch) = c
                    .attr("char")
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .and_then(char::from_u32)
                {
                    push(&ch.to_string(), italic, out);
                }
            }
            "commentRangeStart" => {
                if let Some(id) = c.attr("id") {
                    sink.comments.push(id.to_string());
                }
            }
            "footnoteReference" | "endnoteReference" => {
                if let Some(w) = walker.as_deref_mut()
                    && let Some((label, text)) = w.note_ref(c, c.name == "footnoteReference")
                {
                    push(&format!("[^{label}]"), italic, out);
                    sink.notes.push((label, text));
                }
            }
            "ins" | "moveTo" => {
                let mut inner = Vec::new();
                runs_text(c, italic, &mut inner, sink, walker.as_deref_mut());
                let text: String = inner.iter().map(|(t, _)| t.as_str()).collect();
                if !text.trim().is_empty() {
                    sink.changes.push(change(c, true, &text));
                }
                for (t, i) in inner {
                    push(&t, i, out);
                }
            }
            "del" | "moveFrom" => {
                let mut deleted = String::new();
                del_text(c, &mut deleted);
                if !deleted.trim().is_empty() {
                    sink.changes.push(change(c, false, &deleted));
                }
            }
            // Everything that is not text.
            "pPr" | "rPr" | "delText" | "instrText" | "delInstrText" | "commentReference"
            | "drawing" | "pict" | "object" | "footnoteRef" | "endnoteRef" => {}
            _ => runs_text(c, italic, out, sink, walker.as_deref_mut()),
        }
    }
}

fn change(e: &Element, inserted: bool, text: &str) -> Change {
    Change {
        inserted,
        id: e.attr("id").unwrap_or("").to_string(),
        author: e.attr("author").unwrap_or("").to_string(),
        date: e.attr("date").unwrap_or("").to_string(),
        text: clean_line(text),
    }
}

/// The words of a tracked deletion (`w:delText`).
fn del_text(e: &Element, out: &mut String) {
    for c in e.elements() {
        if c.name == "delText" {
            for t in &c.children {
                if let XmlNode::Text(s) = t {
                    out.push_str(s);
                }
            }
        } else {
            del_text(c, out);
        }
    }
}

/// Whether a run is set in italics (`<w:i/>`, not `<w:i w:val="0"/>`).
fn is_italic(r: &Element) -> bool {
    r.child("rPr")
        .and_then(|p| p.child("i"))
        .is_some_and(|i| !matches!(val(i), Some("0" | "false" | "off")))
}

/// Runs as Markdown text: italic words between `*`, line by line.
fn runs_markdown(runs: &[(String, bool)]) -> String {
    let mut out = String::new();
    for (text, italic) in runs {
        if !italic {
            out.push_str(text);
            continue;
        }
        for (k, line) in text.split('\n').enumerate() {
            if k > 0 {
                out.push('\n');
            }
            let core = line.trim();
            if core.is_empty() {
                out.push_str(line);
                continue;
            }
            let start = line.len() - line.trim_start().len();
            let end = line.trim_end().len();
            out.push_str(&line[..start]);
            out.push('*');
            out.push_str(core);
            out.push('*');
            out.push_str(&line[end..]);
        }
    }
    out
}

/// One Markdown document, escaped the way [`super::write`] escapes (the reader undoes it).
fn to_markdown(paras: &[Para]) -> String {
    let has_title = paras.iter().any(|p| p.kind == Kind::Title);
    let first_is_heading = paras
        .first()
        .is_some_and(|p| matches!(p.kind, Kind::Title | Kind::Heading(_)));
    let mut md = String::new();
    for (i, p) in paras.iter().enumerate() {
        let mut lines = p.md_lines.clone();
        // `a.` / `1)` from a list become the point `(a)` / paragraph `1.` of the text.
        if let Some(n) = &p.number
            && p.kind == Kind::Body
            && !matches!(n.format.as_str(), "bullet" | "none")
            && !n.label.is_empty()
        {
            lines[0] = match labelled(&n.label, &lines[0]) {
                ImportedBlock::Paragraph {
                    label: Some(l),
                    text,
                } => format!("{l}. {text}"),
                ImportedBlock::Point { label, text } => format!("{label} {text}"),
                _ => format!("{} {}", n.label, lines[0]),
            };
        }
        let one_line = || super::write::escape_braces(&lines.join(" "));
        let heading = |level: usize| format!("{} {}\n\n", "#".repeat(level), one_line());
        match p.kind {
            Kind::Title => md.push_str(&heading(1)),
            Kind::Heading(n) => md.push_str(&heading(if has_title { (n + 1).min(6) } else { n })),
            Kind::Body if i == 0 && !first_is_heading => md.push_str(&heading(1)),
            Kind::Body => {
                let first = &lines[0];
                let is_structure = lines.len() == 1
                    && (strict_article_heading(first).is_some()
                        || annex_heading(first, true).is_some()
                        || division_heading(first, true).is_some());
                if is_structure {
                    md.push_str(&heading(3));
                    continue;
                }
                for line in &lines {
                    let line = super::write::escape_braces(line);
                    if line.starts_with(['\\', '#']) || line.starts_with("- [") {
                        md.push('\\');
                    }
                    md.push_str(&line);
                    md.push('\n');
                }
                md.push('\n');
            }
        }
        for (label, text) in &p.notes {
            md.push_str(&format!(
                "[^{label}]: {}\n\n",
                super::write::escape_braces(text)
            ));
        }
    }
    md
}

#[cfg(test)]
mod tests;
