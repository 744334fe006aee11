//! Markdown export.
//!
//! Without a comparison the output is the draft format itself, in one file: `treaty.md`
//! with each `- [Article …](articles/….md)` line replaced by that file's text. Every
//! clause keeps its `{#id}`, so `treaty import` reads it back with the same structure.
//!
//! A comparison (`--changes-since`) is written in CriticMarkup, which never clashes with
//! negotiation brackets: `{++inserted words++}`, `{--deleted words--}` (deleted clauses
//! stay, whole, struck through and without their id), and `{>>moved from Article 4<<}`
//! or `{>>renumbered from 3<<}` after a clause's first line.

use super::{Document, Item, Mark};
use crate::compare::{Marks, WordOp, render_marked};
use crate::draft::{BlockKind, ClauseKind, Draft};

/// The document as Markdown.
pub fn render(doc: &Document) -> String {
    if doc.is_comparison() {
        comparison(doc)
    } else {
        single_file(&doc.draft)
    }
}

/// The draft's files as one Markdown file, in reading order.
pub fn single_file(draft: &Draft) -> String {
    let mut out = String::new();
    let Some(front) = draft.files.first() else {
        return out;
    };
    for block in &front.blocks {
        match &block.kind {
            BlockKind::Include { target } => {
                match draft.files.iter().skip(1).find(|f| &f.path == target) {
                    Some(file) => {
                        separate(&mut out);
                        out.push_str(file.text().trim_end_matches(['\n', '\r']));
                        out.push_str("\n\n");
                    }
                    // A file that could not be read: keep the line, so nothing is lost.
                    None => out.push_str(&block.raw),
                }
            }
            _ => {
                separate(&mut out);
                out.push_str(&block.raw);
            }
        }
    }
    let end = out.trim_end_matches(['\n', '\r']).len();
    out.truncate(end);
    out.push('\n');
    out
}

/// Makes sure what follows starts a new block: a blank line after any text.
fn separate(out: &mut String) {
    if out.is_empty() || out.ends_with("\n\n") {
        return;
    }
    if out.ends_with('\n') {
        out.push('\n');
    } else {
        out.push_str("\n\n");
    }
}

fn comparison(doc: &Document) -> String {
    let mut out = format!(
        "<!-- {} compared with {}. Changes in CriticMarkup: {{++inserted++}}, {{--deleted--}}, {{>>note<<}}. -->\n\n",
        doc.version,
        doc.since.as_deref().unwrap_or("")
    );
    for item in &doc.items {
        out.push_str(&block(item));
        out.push_str("\n\n");
    }
    let end = out.trim_end().len();
    out.truncate(end);
    out.push('\n');
    out
}

/// `#` marks for a heading of this kind.
pub fn heading_marks(kind: ClauseKind) -> &'static str {
    match kind {
        ClauseKind::Title => "#",
        ClauseKind::Preamble | ClauseKind::Division => "##",
        ClauseKind::Article | ClauseKind::Annex => "###",
        _ => "####",
    }
}

/// CriticMarkup for word operations.
pub fn critic(words: &[WordOp]) -> String {
    render_marked(words, Marks::CRITIC)
}

/// One clause as a draft-format block, with its change marks.
fn block(item: &Item) -> String {
    let (body, number) = if item.is_heading() {
        let title = match &item.title_words {
            Some(w) if item.mark != Mark::Deleted && item.mark != Mark::Inserted => critic(w),
            _ => item.title.clone().unwrap_or_default(),
        };
        let label = item.label.clone();
        let text = match (&label, title.is_empty()) {
            (Some(l), false) => format!("{l}. {title}"),
            (Some(l), true) => l.clone(),
            (None, _) => title,
        };
        (format!("{} {text}", heading_marks(item.kind)), None)
    } else {
        let text = match &item.text_words {
            Some(w) if item.mark != Mark::Deleted && item.mark != Mark::Inserted => critic(w),
            _ => item.text.clone(),
        };
        // Options start on the line after the number, as in the draft.
        let text = if text.starts_with("Option ") && item.label.is_some() {
            format!("\n{text}")
        } else {
            text
        };
        (text, item.number())
    };
    let number = match (&item.mark, number) {
        (Mark::Renumbered { old }, Some(n)) if !old.is_empty() => {
            let old_n = if item.kind == ClauseKind::Point {
                old.clone()
            } else {
                format!("{old}.")
            };
            Some(format!("{{--{old_n}--}}{{++{n}++}}"))
        }
        (_, n) => n,
    };
    let mut text = match number {
        Some(n) if body.is_empty() => n,
        Some(n) if body.starts_with('\n') => format!("{n}{body}"),
        Some(n) => format!("{n} {body}"),
        None => body,
    };
    let note = match &item.mark {
        Mark::Moved { from } => Some(format!("moved from {from}")),
        Mark::Renumbered { old } if item.is_heading() => Some(format!("renumbered from {old}")),
        Mark::Deleted => Some(format!(
            "deleted: {}{}",
            item.reference,
            item.id
                .as_deref()
                .map(|id| format!(" ({id})"))
                .unwrap_or_default()
        )),
        _ => None,
    };
    match item.mark {
        Mark::Inserted => text = wrap_lines(&text, "{++", "++}"),
        Mark::Deleted => text = wrap_lines(&text, "{--", "--}"),
        _ => {}
    }
    // Notes and the id go at the end of the first line, as in the draft format.
    let (first, rest) = match text.find('\n') {
        Some(k) => (text[..k].to_string(), text[k..].to_string()),
        None => (text, String::new()),
    };
    let mut line = first;
    if let Some(n) = note {
        line.push_str(&format!(" {{>>{n}<<}}"));
    }
    if item.mark != Mark::Deleted
        && let Some(id) = &item.id
    {
        line.push_str(&format!(" {{#{id}}}"));
    }
    line + &rest
}

/// Wraps each line of `text` (CriticMarkup does not cross lines reliably), keeping any
/// leading heading marks outside.
fn wrap_lines(text: &str, open: &str, close: &str) -> String {
    text.split('\n')
        .map(|l| {
            if l.trim().is_empty() {
                return l.to_string();
            }
            let marks = l.len() - l.trim_start_matches('#').len();
            let (head, rest) = l.split_at(marks);
            let rest = rest.trim_start();
            let space = if marks > 0 { " " } else { "" };
            format!("{head}{space}{open}{rest}{close}")
        })
        .collect::<Vec<_>>()
        .join("\n")
}
