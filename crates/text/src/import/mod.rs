//! Importing real treaty texts (plain text, Markdown) into the draft format.
//!
//! Reading produces an [`Imported`] treaty: title, preamble, a body of divisions and
//! articles, and annexes. [`write_draft`] turns it into a negotiation folder
//! (`drafts/treaty.md`, `drafts/articles/*.md`, `drafts/annexes/*.md`), and
//! [`read_path`] reads such a folder back, so that import → write → read gives the same
//! structure.
//!
//! * [`plain`]: the corpus `.txt` form (title line, `PREAMBLE`, `Article N - Title`).
//! * [`markdown`]: Markdown legal texts (the EU AI Act form) and our own draft format.
//! * [`akn`]: Akoma Ntoso XML (AKN 3.0, akn4eu and 2.0 documents).
//! * [`docx`]: Word documents (`.docx`): list numbering as Word generates it, footnotes,
//!   comments with the Parties they name, tables, tracked changes accepted and kept.
//! * [`pdf`]: PDF documents as published, read from the positions and fonts of their text.
//! * [`write`]: the draft-format writer, with its escaping rules.

use std::fmt;
use std::path::{Path, PathBuf};

pub mod akn;
pub mod align;
pub mod archive;
pub mod docx;
pub mod markdown;
#[cfg(any(test, feature = "testing"))]
pub mod measure;
pub mod pdf;
pub mod plain;
mod text;
pub mod write;

pub use akn::from_akn;
pub use docx::from_docx;
pub use markdown::from_markdown;
pub use pdf::from_pdf;
pub use plain::from_plain_text;
pub use write::write_draft;

/// A treaty read from some outside form, before it has stable ids.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Imported {
    pub title: String,
    pub preamble: Vec<PreambleParagraph>,
    /// Divisions and articles in reading order.
    pub body: Vec<BodyItem>,
    pub annexes: Vec<ImportedAnnex>,
    /// Text the importer could not place (for example prose between a Chapter heading
    /// and its first article). It is not written to the draft; the CLI should show it.
    pub warnings: Vec<String>,
    /// Clause ids the source already gave (`{#id}` in our own draft format):
    /// [`write_draft`] keeps each one that is valid and unique, so exporting to Markdown and
    /// importing again gives the same ids.
    pub ids: std::collections::BTreeMap<write::Slot, String>,
    /// The published document it was read from (PDF and Word imports).
    pub source: Option<SourceDocument>,
    /// Where each clause stands in that document: its pages and its label as printed.
    pub sources: std::collections::BTreeMap<write::Slot, SourceRef>,
}

/// A published document as a whole: what an archivist cites besides page and paragraph.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceDocument {
    /// The file's name (`unfccc-adp-negotiating-text-2015-02-12.pdf`).
    pub file: String,
    /// `pdf` or `docx`.
    pub format: String,
    /// Pages (PDF only).
    pub pages: Option<u32>,
    /// Running heads and feet taken out of the text, most frequent first (the document
    /// symbol usually stands there: `ADP 2-8 - agenda item 3`).
    pub running_heads: Vec<String>,
    /// The page counter's form, taken out of the text: `N`, `N of 86`, `- N -`, `Page N`.
    pub page_counter: Option<String>,
    /// Lines before the first heading that are not the text: masthead, symbol, date,
    /// status ("Advance unedited version").
    pub front_matter: Vec<String>,
}

/// Where one clause stands in its published document.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceRef {
    /// First and last page it is printed on (PDF only).
    pub pages: Option<(u32, u32)>,
    /// Its label as printed: `12 ter`, `16 quarter`, `23.1`, `a`, `A`, `Article 3 bis`.
    pub label: Option<String>,
    /// Comments anchored in it (Word), oldest first.
    pub comments: Vec<SourceComment>,
}

/// A Word comment anchored in a clause: who noted it, and the Parties its text names.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceComment {
    pub author: String,
    /// As Word records it (`2024-11-18T20:52:00Z`).
    pub date: String,
    /// Delegations and groups named in the text (`US`, `EU`, `LMDC`), in order of mention.
    pub parties: Vec<String>,
    pub text: String,
    /// The comment it replies to (its Word id), if any.
    pub reply_to: Option<String>,
    /// Its Word id.
    pub id: String,
}

/// One preamble paragraph, with its optional `PP1` label (without the dot).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreambleParagraph {
    pub label: Option<String>,
    pub text: String,
}

/// One entry of the body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BodyItem {
    /// A Part, Chapter, Section, Sub-section or Title heading.
    Division {
        /// Normalised: `Part`, `Chapter`, `Section`, `Sub-section` or `Title`.
        kind: String,
        /// As written: `I`, `2`, `A`.
        label: String,
        title: Option<String>,
    },
    Article(ImportedArticle),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportedArticle {
    /// The display number: `8`, `8 bis`.
    pub number: String,
    pub title: Option<String>,
    pub blocks: Vec<ImportedBlock>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportedAnnex {
    /// As written: `I`, `XIII`, `A`.
    pub label: String,
    pub title: Option<String>,
    pub blocks: Vec<ImportedBlock>,
}

/// One block of an article or annex. `text` never contains a blank line; it may hold
/// several lines (for example `Option 1:` / `Option 2:` lines of a draft clause).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportedBlock {
    /// A numbered paragraph (`label` = `1`, `2 bis`, without the dot) or an unnumbered one.
    Paragraph { label: Option<String>, text: String },
    /// A point; `label` keeps its parentheses: `(a)`, `(iv)`, `(12)`.
    Point { label: String, text: String },
    /// A heading inside an article or annex (`Section A. …` in an annex).
    Heading(String),
    /// A note that is not a clause: a footnote (`label` = `^1`) or a link reference
    /// (`label` = `ref`), written back as `[^1]: text`. It gets no clause id.
    Note { label: String, text: String },
}

/// How much was imported, for the CLI.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ImportStats {
    pub articles: usize,
    pub annexes: usize,
    /// Paragraphs (numbered and unnumbered) in articles and annexes.
    pub paragraphs: usize,
    /// Points and sub-points in articles and annexes.
    pub points: usize,
    pub preamble_paragraphs: usize,
    pub divisions: usize,
}

impl fmt::Display for ImportStats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn n(f: &mut fmt::Formatter<'_>, count: usize, one: &str, many: &str) -> fmt::Result {
            write!(f, "{count} {}", if count == 1 { one } else { many })
        }
        n(f, self.articles, "article", "articles")?;
        f.write_str(", ")?;
        n(f, self.annexes, "annex", "annexes")?;
        f.write_str(", ")?;
        n(f, self.paragraphs, "paragraph", "paragraphs")?;
        f.write_str(", ")?;
        n(f, self.points, "point", "points")?;
        f.write_str(", ")?;
        n(
            f,
            self.preamble_paragraphs,
            "preamble paragraph",
            "preamble paragraphs",
        )?;
        f.write_str(", ")?;
        n(f, self.divisions, "division", "divisions")
    }
}

impl Imported {
    /// Counts of articles, annexes, paragraphs, points, preamble paragraphs, divisions.
    pub fn stats(&self) -> ImportStats {
        let mut s = ImportStats {
            preamble_paragraphs: self.preamble.len(),
            annexes: self.annexes.len(),
            ..ImportStats::default()
        };
        let count_blocks = |blocks: &[ImportedBlock], s: &mut ImportStats| {
            for b in blocks {
                match b {
                    ImportedBlock::Paragraph { .. } => s.paragraphs += 1,
                    ImportedBlock::Point { .. } => s.points += 1,
                    ImportedBlock::Heading(_) | ImportedBlock::Note { .. } => {}
                }
            }
        };
        for item in &self.body {
            match item {
                BodyItem::Division { .. } => s.divisions += 1,
                BodyItem::Article(a) => {
                    s.articles += 1;
                    count_blocks(&a.blocks, &mut s);
                }
            }
        }
        for a in &self.annexes {
            count_blocks(&a.blocks, &mut s);
        }
        s
    }

    /// The articles of the body, in order.
    pub fn articles(&self) -> impl Iterator<Item = &ImportedArticle> {
        self.body.iter().filter_map(|i| match i {
            BodyItem::Article(a) => Some(a),
            BodyItem::Division { .. } => None,
        })
    }

    /// The article with this display number (`"8 bis"`), if any.
    pub fn article(&self, number: &str) -> Option<&ImportedArticle> {
        self.articles().find(|a| a.number == number)
    }
}

/// Everything that can go wrong while importing or writing.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: {source}", path.display())]
    InFile {
        path: PathBuf,
        #[source]
        source: Box<ImportError>,
    },
    #[error("the input is not UTF-8 text (invalid byte at offset {offset})")]
    NotUtf8 { offset: usize },
    #[error("the input looks binary (NUL byte at offset {offset})")]
    Binary { offset: usize },
    #[error("the input is empty")]
    Empty,
    #[error(
        "no article headings found (expected lines like `Article 1 - Title`, `Article 1`, or Markdown `### Article 1`)"
    )]
    NoArticles,
    #[error(
        "{} already exists; refusing to overwrite it (choose another --out directory or remove it)",
        path.display()
    )]
    DraftsExist { path: PathBuf },
    #[error("{what} cannot be written in the draft format: {reason}")]
    Unrepresentable { what: String, reason: &'static str },
    #[error("include line {line} of {}: {reason}", file.display())]
    BadInclude {
        file: PathBuf,
        line: usize,
        reason: String,
    },
    #[error("{}: not a file or directory this importer can read (expected .txt, .md, .xml (Akoma Ntoso), .docx, .pdf, or a folder with drafts/treaty.md)", path.display())]
    Unsupported { path: PathBuf },
    /// Malformed or refused XML, with its place (`part` = the file inside a DOCX archive).
    #[error("{}line {line}, column {column}: {message}", part.as_ref().map(|p| format!("{p} ")).unwrap_or_default())]
    Xml {
        part: Option<String>,
        line: usize,
        column: usize,
        message: String,
    },
    #[error(
        "the XML root element is <{root}>, not <akomaNtoso>: this is not an Akoma Ntoso document"
    )]
    NotAkomaNtoso { root: String },
    #[error(
        "this is an amendment document, not a text; import the bill it amends (then record the amendment with `treaty amend`)"
    )]
    AmendmentDocument,
    #[error("not a usable Word document: {reason}")]
    Docx { reason: String },
    #[error("{0}")]
    Pdf(pdf::PdfError),
}

/// An input format, when the file name and content should not decide (`--format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportFormat {
    Plain,
    Markdown,
    Akn,
    Docx,
    Pdf,
}

impl std::str::FromStr for ImportFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "txt" | "text" | "plain" => Ok(ImportFormat::Plain),
            "md" | "markdown" => Ok(ImportFormat::Markdown),
            "akn" | "xml" | "akoma-ntoso" => Ok(ImportFormat::Akn),
            "docx" | "word" => Ok(ImportFormat::Docx),
            "pdf" => Ok(ImportFormat::Pdf),
            other => Err(format!(
                "unknown format `{other}`: use txt, md, akn, docx or pdf"
            )),
        }
    }
}

/// Whether `bytes` start like a zip archive (a DOCX is one).
fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")
}

/// Turns raw bytes into text, refusing binary input.
pub(crate) fn decode(bytes: &[u8]) -> Result<&str, ImportError> {
    let s = std::str::from_utf8(bytes).map_err(|e| ImportError::NotUtf8 {
        offset: e.valid_up_to(),
    })?;
    if let Some(offset) = memchr::memchr(0, bytes) {
        return Err(ImportError::Binary { offset });
    }
    let s = s.strip_prefix('\u{feff}').unwrap_or(s);
    if s.trim().is_empty() {
        return Err(ImportError::Empty);
    }
    Ok(s)
}

fn read_file(path: &Path) -> Result<Vec<u8>, ImportError> {
    std::fs::read(path).map_err(|source| ImportError::Io {
        path: path.to_path_buf(),
        source,
    })
}

fn in_file(path: &Path) -> impl FnOnce(ImportError) -> ImportError + '_ {
    move |e| match e {
        e @ (ImportError::Io { .. }
        | ImportError::InFile { .. }
        | ImportError::BadInclude { .. }) => e,
        e => ImportError::InFile {
            path: path.to_path_buf(),
            source: Box::new(e),
        },
    }
}

/// Reads a treaty from `path`:
///
/// * a directory holding `drafts/treaty.md` or `treaty.md`: our own draft format, read by
///   putting each included article and annex file in place of its `- [..](..)` line;
/// * a file named `treaty.md`: the same;
/// * `*.txt`: the plain form ([`from_plain_text`]);
/// * `*.md` / `*.markdown`: Markdown ([`from_markdown`]);
/// * any other file: Markdown if it has a `#`-heading starting with `Article`, else plain.
pub fn read_path(path: impl AsRef<Path>) -> Result<Imported, ImportError> {
    read_path_as(path, None)
}

/// [`read_path`], with the format given instead of guessed from the name and content.
/// Besides the forms [`read_path`] lists: `*.xml`/`*.akn`, or any file whose root element
/// is `<akomaNtoso>`, is Akoma Ntoso ([`from_akn`]); `*.docx`, or any zip archive, is a
/// Word document ([`from_docx`]).
pub fn read_path_as(
    path: impl AsRef<Path>,
    format: Option<ImportFormat>,
) -> Result<Imported, ImportError> {
    let path = path.as_ref();
    if path.is_dir() && format.is_none() {
        for candidate in [
            path.join("drafts").join("treaty.md"),
            path.join("treaty.md"),
        ] {
            if candidate.is_file() {
                return read_draft_file(&candidate);
            }
        }
        return Err(ImportError::Unsupported {
            path: path.to_path_buf(),
        });
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if name == "treaty.md" && format.is_none() {
        return read_draft_file(path);
    }
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let bytes = read_file(path)?;
    let parse = || -> Result<Imported, ImportError> {
        let format = format.or(match ext.as_str() {
            "pdf" => Some(ImportFormat::Pdf),
            _ if bytes.starts_with(b"%PDF-") => Some(ImportFormat::Pdf),
            "docx" => Some(ImportFormat::Docx),
            _ if is_zip(&bytes) => Some(ImportFormat::Docx),
            "xml" | "akn" => Some(ImportFormat::Akn),
            _ => None,
        });
        if format == Some(ImportFormat::Docx) {
            return from_docx(&bytes);
        }
        if format == Some(ImportFormat::Pdf) {
            return from_pdf(&bytes);
        }
        let text = decode(&bytes)?;
        match format {
            Some(ImportFormat::Akn) => from_akn(text),
            Some(ImportFormat::Plain) => from_plain_text(text),
            Some(ImportFormat::Markdown) => from_markdown(text),
            Some(ImportFormat::Docx | ImportFormat::Pdf) | None => match ext.as_str() {
                "txt" | "text" => from_plain_text(text),
                "md" | "markdown" => from_markdown(text),
                _ if akn::looks_like_akn(text) => from_akn(text),
                _ if markdown::looks_like_markdown(text) => from_markdown(text),
                _ => from_plain_text(text),
            },
        }
    };
    let mut doc = parse().map_err(in_file(path))?;
    if let Some(src) = &mut doc.source {
        src.file = name.clone();
    }
    escape_stray_brackets(&mut doc);
    Ok(doc)
}

/// In a text from outside, a `[` or `]` that does not pair up (`point (a]`, a lone `[`)
/// is a typo or an editorial mark, not unagreed text: it is escaped (`\[`, `\]`) so that
/// the draft passes `treaty check` and still shows the same character. Brackets that do
/// pair up are kept as they are: in a compilation text they are the negotiation's own.
fn escape_stray_brackets(doc: &mut Imported) {
    let fix = |text: &mut String| {
        if !text.contains(['[', ']']) {
            return;
        }
        // Escaping one bracket can change how the others pair; a few rounds settle it.
        for _ in 0..8 {
            let mut offsets: Vec<usize> = crate::bracket::parse(text)
                .problems
                .iter()
                .filter(|p| {
                    matches!(
                        p.kind,
                        crate::bracket::ProblemKind::UnclosedBracket
                            | crate::bracket::ProblemKind::StrayBracket
                    ) && matches!(text.as_bytes().get(p.offset), Some(b'[' | b']'))
                })
                .map(|p| p.offset)
                .collect();
            if offsets.is_empty() {
                return;
            }
            offsets.sort_unstable();
            offsets.dedup();
            for at in offsets.into_iter().rev() {
                text.insert(at, '\\');
            }
        }
    };
    for p in &mut doc.preamble {
        fix(&mut p.text);
    }
    let blocks = doc
        .body
        .iter_mut()
        .filter_map(|i| match i {
            BodyItem::Article(a) => Some(&mut a.blocks),
            BodyItem::Division { .. } => None,
        })
        .chain(doc.annexes.iter_mut().map(|a| &mut a.blocks));
    for bs in blocks {
        for b in bs {
            match b {
                ImportedBlock::Paragraph { text, .. } | ImportedBlock::Point { text, .. } => {
                    fix(text)
                }
                ImportedBlock::Heading(_) | ImportedBlock::Note { .. } => {}
            }
        }
    }
}

/// Reads `treaty.md` in the draft format, inlining the files its include lines name.
fn read_draft_file(treaty: &Path) -> Result<Imported, ImportError> {
    let bytes = read_file(treaty)?;
    let text = decode(&bytes).map_err(in_file(treaty))?;
    let base = treaty.parent().unwrap_or(Path::new("."));
    let mut out = String::with_capacity(text.len() * 8);
    for (n, line) in text.lines().enumerate() {
        match text::include_target(line) {
            Some(target) => {
                let rel = Path::new(target);
                let safe = rel
                    .components()
                    .all(|c| matches!(c, std::path::Component::Normal(_)));
                if !safe {
                    return Err(ImportError::BadInclude {
                        file: treaty.to_path_buf(),
                        line: n + 1,
                        reason: format!("`{target}` must be a relative path inside the folder"),
                    });
                }
                let file = base.join(rel);
                let inc = std::fs::read(&file).map_err(|e| ImportError::BadInclude {
                    file: treaty.to_path_buf(),
                    line: n + 1,
                    reason: format!("cannot read {}: {e}", file.display()),
                })?;
                let inc = match decode(&inc) {
                    Ok(s) => s,
                    Err(ImportError::Empty) => "",
                    Err(e) => return Err(in_file(&file)(e)),
                };
                out.push('\n');
                out.push_str(inc);
                out.push_str("\n\n");
            }
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    let mut doc = from_markdown(&out).map_err(in_file(treaty))?;
    // Where the clauses came from, when the folder was imported from a published document.
    let sources_path = base.join(crate::sources::SOURCES_FILE);
    if let Ok(text) = std::fs::read_to_string(&sources_path) {
        let sources = crate::sources::Sources::parse(&text).map_err(|e| ImportError::InFile {
            path: sources_path.clone(),
            source: Box::new(ImportError::Unrepresentable {
                what: e.to_string(),
                reason: "the sources file cannot be read",
            }),
        })?;
        doc.source = Some((&sources.document).into());
        for (slot, id) in &doc.ids {
            if let Some(c) = sources.clauses.get(id) {
                doc.sources.insert(slot.clone(), c.into());
            }
        }
    }
    Ok(doc)
}

#[cfg(test)]
mod tests;
