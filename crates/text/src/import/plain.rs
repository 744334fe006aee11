//! The plain-text form of the corpus: the first line is the title; an optional
//! `PREAMBLE` line opens the preamble; article headings are whole lines
//! `Article N - Title`, `Article N bis - Title` or a bare `Article N`; every other
//! non-empty line is one block (`1.` paragraphs, `(a)` points, or unnumbered text).
//!
//! Quirks of the corpus handled here:
//! * body lines that begin `Article 309 does not preclude …` are text, not headings
//!   (a heading is the whole line: number, then nothing or a separator and a title);
//! * UNCLOS and VCLT put paragraphs on consecutive lines without blank lines, so each
//!   line is a block whether or not blank lines separate them;
//! * preambles run together (`…Convention,Noting that…`): a preamble line is split after
//!   every comma directly followed by a capital letter. The pieces, concatenated, are
//!   exactly the original line; nothing else is changed;
//! * UNCLOS article titles that wrap onto the first body line (`over the territorial sea
//!   and of its bed and subsoil`), sometimes run into the text (`…adjacent coastsWhere
//!   the coasts…`): a first body line starting with a lower-case letter is title text up
//!   to the first lower→upper-case join, if that part has no `.`, `;` or `:`;
//! * run-together points (`:(a)treaty…;(b)…`) and section headings run into the end
//!   of a paragraph (`…law.SECTION 2.  LIMITS…`) are kept as they are in the text.

use super::text::{annex_heading, classify, division_heading, strict_article_heading};
use super::{BodyItem, ImportError, Imported, ImportedAnnex, ImportedArticle, PreambleParagraph};

/// Parses the plain form. Errors if the text is empty or has no article headings.
pub fn from_plain_text(input: &str) -> Result<Imported, ImportError> {
    let input = input.strip_prefix('\u{feff}').unwrap_or(input);
    let mut lines = input.lines().map(str::trim).filter(|l| !l.is_empty());
    let title = lines.next().ok_or(ImportError::Empty)?.to_string();
    let mut doc = Imported {
        title,
        ..Imported::default()
    };

    #[derive(PartialEq)]
    enum Where {
        Preamble,
        Body,
        Annexes,
    }
    let mut place = Where::Preamble;
    let mut article: Option<ImportedArticle> = None;
    let mut annex: Option<ImportedAnnex> = None;
    // The article just opened has a title that may continue on the next line.
    let mut title_may_continue = false;

    for line in lines {
        let continues = std::mem::take(&mut title_may_continue);
        if let Some((number, title)) = strict_article_heading(line)
            && place != Where::Annexes
        {
            flush_article(&mut doc, &mut article);
            title_may_continue = title.is_some();
            article = Some(ImportedArticle {
                number,
                title,
                blocks: Vec::new(),
            });
            place = Where::Body;
            continue;
        }
        if let Some((label, title)) = annex_heading(line, true) {
            flush_article(&mut doc, &mut article);
            flush_annex(&mut doc, &mut annex);
            annex = Some(ImportedAnnex {
                label,
                title,
                blocks: Vec::new(),
            });
            place = Where::Annexes;
            continue;
        }
        if place != Where::Annexes
            && let Some((kind, label, title)) = division_heading(line, true)
        {
            flush_article(&mut doc, &mut article);
            doc.body.push(BodyItem::Division { kind, label, title });
            place = Where::Body;
            continue;
        }
        match place {
            Where::Preamble => {
                if doc.preamble.is_empty() && line.eq_ignore_ascii_case("preamble") {
                    continue;
                }
                for piece in split_run_together(line) {
                    doc.preamble.push(PreambleParagraph {
                        label: None,
                        text: piece.to_string(),
                    });
                }
            }
            Where::Body => match article.as_mut() {
                Some(a) => {
                    let mut line = line;
                    if continues && let Some((more, rest)) = title_continuation(line) {
                        if let Some(t) = a.title.as_mut() {
                            t.push(' ');
                            t.push_str(more);
                        }
                        line = rest;
                        if line.is_empty() {
                            continue;
                        }
                    }
                    a.blocks.push(classify(line));
                }
                None => doc
                    .warnings
                    .push(format!("text outside any article was not imported: {line}")),
            },
            Where::Annexes => {
                if let Some(a) = annex.as_mut() {
                    a.blocks.push(classify(line));
                }
            }
        }
    }
    flush_article(&mut doc, &mut article);
    flush_annex(&mut doc, &mut annex);
    if doc.articles().next().is_none() {
        return Err(ImportError::NoArticles);
    }
    Ok(doc)
}

fn flush_article(doc: &mut Imported, article: &mut Option<ImportedArticle>) {
    if let Some(a) = article.take() {
        doc.body.push(BodyItem::Article(a));
    }
}

fn flush_annex(doc: &mut Imported, annex: &mut Option<ImportedAnnex>) {
    if let Some(a) = annex.take() {
        doc.annexes.push(a);
    }
}

/// Splits after each `,` that is directly followed by an ASCII capital letter.
fn split_run_together(line: &str) -> Vec<&str> {
    let bytes = line.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    for i in 0..bytes.len().saturating_sub(1) {
        if bytes[i] == b',' && bytes[i + 1].is_ascii_uppercase() {
            out.push(line[start..=i].trim());
            start = i + 1;
        }
    }
    out.push(line[start..].trim());
    out.retain(|p| !p.is_empty());
    out
}

/// The wrapped end of an article title on the first body line: (`title part`, `rest`).
fn title_continuation(line: &str) -> Option<(&str, &str)> {
    if !line.starts_with(|c: char| c.is_ascii_lowercase()) {
        return None;
    }
    let bytes = line.as_bytes();
    let join = (0..bytes.len().saturating_sub(1))
        .find(|&i| bytes[i].is_ascii_lowercase() && bytes[i + 1].is_ascii_uppercase());
    let (head, rest) = match join {
        Some(i) => (&line[..=i], &line[i + 1..]),
        None => (line, ""),
    };
    if head.len() > 200 || head.contains(['.', ';', ':']) {
        return None;
    }
    Some((head.trim(), rest.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::ImportedBlock;

    #[test]
    fn small_text() {
        let doc = from_plain_text(
            "Test Treaty\n\nPREAMBLE\n\nThe Parties,Noting that x,\n\nHave agreed as follows:\n\n\
             Article 1 - Scope\n\n1. First.\n(a)one;\n(i) sub\n\nArticle 1 bis\n\nText.\n\
             Article 309 does not preclude this.\n",
        )
        .unwrap();
        assert_eq!(doc.title, "Test Treaty");
        let pre: Vec<_> = doc.preamble.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(
            pre,
            ["The Parties,", "Noting that x,", "Have agreed as follows:"]
        );
        let arts: Vec<_> = doc.articles().collect();
        assert_eq!(arts.len(), 2);
        assert_eq!(arts[0].title.as_deref(), Some("Scope"));
        assert_eq!(
            arts[0].blocks[1],
            ImportedBlock::Point {
                label: "(a)".into(),
                text: "one;".into()
            }
        );
        assert_eq!(arts[1].number, "1 bis");
        assert_eq!(arts[1].blocks.len(), 2);
    }

    #[test]
    fn wrapped_titles() {
        assert_eq!(
            title_continuation("over the territorial sea and of its bed and subsoil"),
            Some(("over the territorial sea and of its bed and subsoil", ""))
        );
        assert_eq!(
            title_continuation("with opposite or adjacent coastsWhere the coasts meet."),
            Some(("with opposite or adjacent coasts", "Where the coasts meet."))
        );
        assert_eq!(title_continuation("nothing in this article applies."), None);
    }
}
