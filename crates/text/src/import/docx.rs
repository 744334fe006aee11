//! Word documents (`.docx`, Office Open XML) into an [`Imported`] treaty.
//!
//! The paragraphs of `word/document.xml` (also those in tables) are read in order, each with
//! its style and list numbering, and written out as Markdown that [`super::markdown`] then
//! reads, so headings are recognised exactly as in a Markdown or plain-text treaty:
//!
//! * style `Title` → the title; `Heading N` (by style name from `word/styles.xml`, or by
//!   outline level) → a Markdown heading: `Article 4 bis - Title`, `Chapter II`, `Annex A`,
//!   `Preamble` are structure, other headings are headings inside an article or annex;
//! * a paragraph in any other style whose whole text is an article, annex or division
//!   heading (`Article 1 - Scope`, `ANNEX I`) is taken as that heading, as the plain-text
//!   reader does; without a `Title` style or a heading first, the first paragraph is the title;
//! * a numbered paragraph (`w:numPr`) gets its number from `word/numbering.xml` (`1.`, `(a)`,
//!   `(iv)`: decimal, letter and roman formats, per list and level), so it becomes a numbered
//!   paragraph or point; bullets carry no number;
//! * tracked changes are **accepted**: inserted text (`w:ins`, `w:moveTo`) is kept, deleted
//!   text (`w:del`, `w:moveFrom`) is dropped. Comments and Word footnotes are not read;
//!   a paragraph `[^1]: …` (as `treaty export` writes a note) becomes a note again;
//! * a line break (`w:br`) inside a paragraph starts a new line of the same block; a tab is
//!   a space; control characters (other than line breaks) are dropped; italic runs are
//!   written `*like this*`, as the draft format (Markdown) writes emphasis.
//!
//! Refused with a clear error: a file that is not a zip archive, an archive without
//! `word/document.xml`, a part larger than [`MAX_PART`] bytes uncompressed (zip bomb), and
//! malformed XML (with the part name, line and column; DOCTYPEs and entities are refused,
//! see [`super::akn`]).

use std::collections::HashMap;
use std::io::{Cursor, Read};

use super::akn::{Element, XmlNode, collapse, labelled, parse_xml};
use super::markdown::from_markdown;
use super::text::{annex_heading, division_heading, strict_article_heading};
use super::{ImportError, Imported, ImportedBlock};
use crate::draft::roman;

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

/// Reads a `.docx` file's bytes.
pub fn from_docx(bytes: &[u8]) -> Result<Imported, ImportError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| docx_err(format!("not a zip archive ({e}); a .docx file is one")))?;
    let document = read_part(&mut zip, "word/document.xml")?.ok_or_else(|| {
        docx_err("the archive has no word/document.xml: is it a Word document (.docx)?")
    })?;
    let styles = match read_part(&mut zip, "word/styles.xml")? {
        Some(s) => Styles::parse(&parse_xml(&s, Some("word/styles.xml"))?),
        None => Styles::default(),
    };
    let mut numbering = match read_part(&mut zip, "word/numbering.xml")? {
        Some(s) => Numbering::parse(&parse_xml(&s, Some("word/numbering.xml"))?),
        None => Numbering::default(),
    };
    let root = parse_xml(&document, Some("word/document.xml"))?;
    let body = root
        .child("body")
        .ok_or_else(|| docx_err("word/document.xml has no <w:body>"))?;
    let mut paras = Vec::new();
    collect_paragraphs(body, &styles, &mut numbering, &mut paras);
    if paras.is_empty() {
        return Err(ImportError::Empty);
    }
    from_markdown(&to_markdown(&paras))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Title,
    Heading(usize),
    Body,
}

#[derive(Debug)]
struct Para {
    kind: Kind,
    /// Lines, each with whitespace collapsed; never empty.
    lines: Vec<String>,
}

fn val(e: &Element) -> Option<&str> {
    e.attr("val")
}

/// Paragraph style ids → (lower-case name, numbering of the style).
#[derive(Default)]
struct Styles {
    names: HashMap<String, String>,
    numbering: HashMap<String, (String, usize)>,
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
            if let Some(np) = st.child("pPr").and_then(|p| p.child("numPr"))
                && let Some(n) = num_pr(np)
            {
                s.numbering.insert(id.to_string(), n);
            }
        }
        s
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

fn num_pr(np: &Element) -> Option<(String, usize)> {
    let id = np.child("numId").and_then(val)?;
    if id == "0" {
        return None;
    }
    let level = np
        .child("ilvl")
        .and_then(val)
        .and_then(|v| v.parse().ok())
        .unwrap_or(0usize)
        .min(8);
    Some((id.to_string(), level))
}

#[derive(Clone, Debug)]
struct Level {
    format: String,
    text: String,
    start: usize,
}

/// `word/numbering.xml`: list definitions, and the running counters of each list.
#[derive(Default)]
struct Numbering {
    abstracts: HashMap<String, Vec<Option<Level>>>,
    nums: HashMap<String, String>,
    counters: HashMap<String, [usize; 9]>,
}

impl Numbering {
    fn parse(root: &Element) -> Numbering {
        let mut n = Numbering::default();
        for a in root.elements().filter(|e| e.name == "abstractNum") {
            let Some(id) = a.attr("abstractNumId") else {
                continue;
            };
            let mut levels: Vec<Option<Level>> = vec![None; 9];
            for l in a.elements().filter(|e| e.name == "lvl") {
                let Some(i) = l.attr("ilvl").and_then(|v| v.parse::<usize>().ok()) else {
                    continue;
                };
                if i < 9 {
                    levels[i] = Some(Level {
                        format: l.child("numFmt").and_then(val).unwrap_or("decimal").into(),
                        text: l.child("lvlText").and_then(val).unwrap_or("").into(),
                        start: l
                            .child("start")
                            .and_then(val)
                            .and_then(|v| v.parse().ok())
                            .unwrap_or(1),
                    });
                }
            }
            n.abstracts.insert(id.to_string(), levels);
        }
        for num in root.elements().filter(|e| e.name == "num") {
            if let (Some(id), Some(a)) =
                (num.attr("numId"), num.child("abstractNumId").and_then(val))
            {
                n.nums.insert(id.to_string(), a.to_string());
            }
        }
        n
    }

    /// The next label of list `num_id` at `level` (`1.`, `(a)`), or `None` for bullets.
    fn next(&mut self, num_id: &str, level: usize) -> Option<String> {
        let levels = self.abstracts.get(self.nums.get(num_id)?)?;
        let counters = self.counters.entry(num_id.to_string()).or_insert([0; 9]);
        for (i, c) in counters.iter_mut().enumerate() {
            if i > level {
                *c = 0;
            }
        }
        let start = levels[level].as_ref().map_or(1, |l| l.start);
        counters[level] = if counters[level] == 0 {
            start
        } else {
            counters[level] + 1
        };
        let lvl = levels[level].as_ref()?;
        if matches!(lvl.format.as_str(), "bullet" | "none") || lvl.text.is_empty() {
            return None;
        }
        let mut label = lvl.text.clone();
        for k in (1..=9).rev() {
            let pat = format!("%{k}");
            if label.contains(&pat) {
                let i = k - 1;
                let fmt = levels[i].as_ref().map_or("decimal", |l| l.format.as_str());
                let value = if counters[i] == 0 {
                    levels[i].as_ref().map_or(1, |l| l.start)
                } else {
                    counters[i]
                };
                label = label.replace(&pat, &format_number(value, fmt));
            }
        }
        Some(label)
    }
}

fn format_number(n: usize, fmt: &str) -> String {
    match fmt {
        "lowerLetter" => letters(n),
        "upperLetter" => letters(n).to_ascii_uppercase(),
        "lowerRoman" => roman(n).to_ascii_lowercase(),
        "upperRoman" => roman(n),
        _ => n.to_string(),
    }
}

/// 1 → a, 26 → z, 27 → aa (Word repeats the letter).
fn letters(n: usize) -> String {
    if n == 0 {
        return "0".into();
    }
    let c = (b'a' + ((n - 1) % 26) as u8) as char;
    std::iter::repeat_n(c, (n - 1) / 26 + 1).collect()
}

fn collect_paragraphs(
    e: &Element,
    styles: &Styles,
    numbering: &mut Numbering,
    out: &mut Vec<Para>,
) {
    for c in e.elements() {
        match c.name.as_str() {
            "p" => {
                if let Some(p) = paragraph(c, styles, numbering) {
                    out.push(p);
                }
            }
            "tbl" | "tr" | "tc" | "sdt" | "sdtContent" | "customXml" | "ins" | "moveTo" => {
                collect_paragraphs(c, styles, numbering, out)
            }
            _ => {}
        }
    }
}

fn paragraph(p: &Element, styles: &Styles, numbering: &mut Numbering) -> Option<Para> {
    let ppr = p.child("pPr");
    let style = ppr
        .and_then(|x| x.child("pStyle"))
        .and_then(val)
        .unwrap_or("");
    let mut kind = styles.kind(style);
    if kind == Kind::Body
        && let Some(l) = ppr
            .and_then(|x| x.child("outlineLvl"))
            .and_then(val)
            .and_then(|v| v.parse::<usize>().ok())
        && l < 6
    {
        kind = Kind::Heading(l + 1);
    }
    let num = ppr
        .and_then(|x| x.child("numPr"))
        .and_then(num_pr)
        .or_else(|| styles.numbering.get(style).cloned());
    let mut runs = Vec::new();
    runs_text(p, false, &mut runs);
    let raw = runs_markdown(&runs);
    let mut lines: Vec<String> = raw
        .split('\n')
        .map(|l| {
            let l: String = l
                .chars()
                .filter(|c| !c.is_control() || *c == '\t')
                .collect();
            collapse(&l)
        })
        .filter(|l| !l.is_empty())
        .collect();
    // Numbering counts even an empty item, as Word does.
    let label = num.and_then(|(id, level)| numbering.next(&id, level));
    if lines.is_empty() {
        return None;
    }
    if let Some(label) = label
        && kind == Kind::Body
    {
        // `a.` / `1)` from a list become the point `(a)` / paragraph `1.` of the text.
        lines[0] = match labelled(&label, &lines[0]) {
            ImportedBlock::Paragraph {
                label: Some(l),
                text,
            } => format!("{l}. {text}"),
            ImportedBlock::Point { label, text } => format!("{label} {text}"),
            _ => format!("{label} {}", lines[0]),
        };
    }
    Some(Para { kind, lines })
}

/// The visible text of a paragraph with tracked changes accepted, as runs of
/// (text, italic); neighbouring runs of the same kind are joined.
fn runs_text(e: &Element, italic: bool, out: &mut Vec<(String, bool)>) {
    let push = |s: &str, out: &mut Vec<(String, bool)>| match out.last_mut() {
        Some((t, i)) if *i == italic => t.push_str(s),
        _ => out.push((s.to_string(), italic)),
    };
    for n in &e.children {
        let XmlNode::Element(c) = n else { continue };
        match c.name.as_str() {
            "r" => runs_text(c, is_italic(c), out),
            "t" => {
                for t in &c.children {
                    if let XmlNode::Text(s) = t {
                        push(s, out);
                    }
                }
            }
            "tab" | "ptab" => push(" ", out),
            "br" | "cr" => push("\n", out),
            "noBreakHyphen" => push("-", out),
            "softHyphen" => {}
            // Deleted or moved-away text, and everything that is not text.
            "del" | "moveFrom" | "pPr" | "rPr" | "delText" | "instrText" | "delInstrText"
            | "footnoteReference" | "endnoteReference" | "commentReference" | "drawing"
            | "pict" | "object" => {}
            _ => runs_text(c, italic, out),
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
        let one_line = || super::write::escape_braces(&p.lines.join(" "));
        let heading = |level: usize| format!("{} {}\n\n", "#".repeat(level), one_line());
        match p.kind {
            Kind::Title => md.push_str(&heading(1)),
            Kind::Heading(n) => md.push_str(&heading(if has_title { (n + 1).min(6) } else { n })),
            Kind::Body if i == 0 && !first_is_heading => md.push_str(&heading(1)),
            Kind::Body => {
                let first = &p.lines[0];
                let is_structure = p.lines.len() == 1
                    && (strict_article_heading(first).is_some()
                        || annex_heading(first, true).is_some()
                        || division_heading(first, true).is_some());
                if is_structure {
                    md.push_str(&heading(3));
                    continue;
                }
                for line in &p.lines {
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
    }
    md
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(letters(1), "a");
        assert_eq!(letters(27), "aa");
        assert_eq!(roman(14), "XIV");
        assert_eq!(format_number(4, "lowerRoman"), "iv");
        assert_eq!(
            crate::import::write::escape_braces("a {#x} b {\\#y}"),
            "a {\\#x} b {\\\\#y}"
        );
    }
}
