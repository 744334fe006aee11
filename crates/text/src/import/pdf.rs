//! PDF documents, as secretariats publish them, into an [`Imported`] treaty.
//!
//! A PDF holds no paragraphs, only glyphs placed on pages. The text is read in three
//! steps: [`glyphs`] walks each page's content stream and gives every glyph its place,
//! size and font; [`lines`] gathers glyphs into visual lines (with raised footnote numbers
//! and lowered subscripts told apart); [`layout`] removes the page furniture, moves
//! footnote bodies to their clauses and reads headings, paragraphs and labels. Every
//! clause records the pages it is printed on and its label as printed
//! ([`super::SourceRef`]); the running heads, page counter and masthead become the
//! document's metadata ([`super::SourceDocument`]).
//!
//! The PDF parser is `lopdf` (objects, streams, fonts, encodings, decryption); the
//! text-state walker is ours. It was chosen over `pdf_oxide`, which gives positioned text
//! and artifact tags itself, because that crate's build is some 140 crates and 450,000
//! lines (the importer needs a few hundred lines on top of `lopdf`), and over `pdf-extract`,
//! whose positions carry no font name (so no bold headings) and which reads an encrypted
//! file with object streams as zero pages without an error.
//!
//! Refused with an error naming the problem and what to do (nothing is imported): a file
//! that is not a PDF, one cut off before its end (`%%EOF`), one that needs a password, a
//! damaged page, and a PDF without a text layer (a scan).

pub mod glyphs;
pub mod layout;
pub mod lines;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

use std::collections::HashMap;
use std::fmt;

use super::{ImportError, Imported};
use glyphs::PdfProblem;

/// Why a PDF cannot be imported, with what to do about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PdfError(PdfProblem);

impl PdfError {
    pub fn problem(&self) -> &PdfProblem {
        &self.0
    }
}

impl fmt::Display for PdfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            PdfProblem::NotPdf => f.write_str(
                "this is not a PDF file (it does not start with %PDF-): check that you gave the right file",
            ),
            PdfProblem::Truncated => f.write_str(
                "the PDF ends early (there is no %%EOF at its end): it was cut off while downloading or copying; download it again",
            ),
            PdfProblem::Unreadable(e) => write!(
                f,
                "the PDF cannot be read ({e}): it is damaged; download it again, or open it in a PDF reader and save a copy"
            ),
            PdfProblem::Encrypted => f.write_str(
                "the PDF is protected by a password: save an unprotected copy (for example `qpdf --decrypt --password=PASSWORD in.pdf out.pdf`) and import that",
            ),
            PdfProblem::NoPages => f.write_str("the PDF has no pages"),
            PdfProblem::Page { page, reason } => write!(
                f,
                "page {page} of the PDF cannot be read ({reason}): the file is damaged or was cut off; download it again"
            ),
            PdfProblem::NoText { pages } => write!(
                f,
                "the PDF has no text layer ({pages} page{} of images only: a scan?): run OCR on it first (for example `ocrmypdf in.pdf out.pdf`) and import the result",
                if *pages == 1 { "" } else { "s" }
            ),
        }
    }
}

impl From<PdfProblem> for ImportError {
    fn from(p: PdfProblem) -> ImportError {
        ImportError::Pdf(PdfError(p))
    }
}

/// Reads a PDF file's bytes.
pub fn from_pdf(bytes: &[u8]) -> Result<Imported, ImportError> {
    let glyphs = glyphs::read(bytes)?;
    let has_text = glyphs
        .pages
        .iter()
        .any(|p| p.glyphs.iter().any(|g| !g.text.trim().is_empty()));
    if !has_text {
        return Err(PdfProblem::NoText {
            pages: glyphs.pages.len(),
        }
        .into());
    }
    let body = lines::body_size(&glyphs);
    let mut pages = lines::lines(&glyphs);
    let sizes: HashMap<u32, (f32, f32)> = glyphs
        .pages
        .iter()
        .map(|p| (p.number, (p.width, p.height)))
        .collect();
    let furniture = layout::strip_furniture(&mut pages, &sizes);
    let notes = layout::take_footnotes(&mut pages, body);
    let mut doc = layout::build(
        pages,
        &glyphs.fonts,
        body,
        furniture,
        notes,
        glyphs.title.clone(),
    );
    if let Some(src) = &mut doc.source {
        src.format = "pdf".into();
        src.pages = Some(u32::try_from(glyphs.pages.len()).unwrap_or(u32::MAX));
    }
    Ok(doc)
}

#[cfg(test)]
mod tests;
