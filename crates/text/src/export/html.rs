//! HTML export: one standalone file (stylesheet inside, no scripts, nothing fetched), for
//! the screen and for print.
//!
//! Headings are real headings (`h1` title, `h2` preamble and divisions, `h3` articles and
//! annexes, `h4` sub-headings); every clause with an id carries it as its HTML `id`, so
//! `file.html#observatory.2` points at it. Brackets, alternatives, attributions,
//! placeholders, status marks and options get classes coloured from the theme; in a
//! comparison, insertions are `<ins>` (underlined), deletions `<del>` (struck through,
//! kept visible) and moved clauses are marked.

use std::fmt::Write as _;

use super::style::{self, Revision, Role, Run};
use super::{Document, Item, Mark};
use crate::draft::ClauseKind;
use crate::inline::Definitions;
use crate::theme::{Style, Theme};

/// Text for HTML: `& < > "` escaped, and characters a browser would act on made harmless.
pub fn escape(text: &str) -> String {
    super::xml_escape(text)
}

/// CSS declarations for a theme style.
fn css(style: &Style) -> String {
    let mut s = String::new();
    if let Some(c) = style.fg.and_then(style::hex) {
        let _ = write!(s, "color:{c};");
    }
    if let Some(c) = style.bg.and_then(style::hex) {
        let _ = write!(s, "background-color:{c};");
    }
    if style.bold == Some(true) {
        s.push_str("font-weight:bold;");
    }
    if style.italic == Some(true) {
        s.push_str("font-style:italic;");
    }
    let mut deco = Vec::new();
    if style.underline == Some(true) {
        deco.push("underline");
    }
    if style.crossed_out == Some(true) {
        deco.push("line-through");
    }
    if !deco.is_empty() {
        let _ = write!(s, "text-decoration:{};", deco.join(" "));
    }
    if style.dim == Some(true) {
        s.push_str("opacity:0.75;");
    }
    s
}

/// The stylesheet: layout, print rules, and the theme's colours for each role.
fn stylesheet(theme: &Theme) -> String {
    let mut s = String::from(
        "body{font-family:Georgia,'Times New Roman',serif;line-height:1.5;max-width:46em;margin:2em auto;padding:0 1em;color:#111;background:#fff}\n\
         h1{font-size:1.6em;text-align:center;margin:1em 0}\n\
         h2{font-size:1.25em;margin-top:1.6em}\n\
         h3{font-size:1.1em;margin-top:1.4em}\n\
         h4{font-size:1em;font-style:italic}\n\
         p.clause{margin:0.5em 0;position:relative}\n\
         .d3{margin-left:2em}.d4{margin-left:4em}.d5{margin-left:6em}\n\
         .num{font-weight:bold;margin-right:0.1em}\n\
         a.anchor{font-size:0.75em;color:#999;text-decoration:none;margin-left:0.4em;visibility:hidden}\n\
         .clause:hover a.anchor,h2:hover a.anchor,h3:hover a.anchor{visibility:visible}\n\
         .meta{font-size:0.85em;color:#555;border-bottom:1px solid #ccc;padding-bottom:0.5em}\n\
         .legend ins,.legend del{margin:0 0.3em}\n\
         .moved-note{font-size:0.85em;margin-left:0.5em}\n\
         .moved{border-left:3px solid currentColor;padding-left:0.5em}\n\
         .deleted{opacity:0.9}\n\
         .opt-line{display:block}\n\
         p.note{font-size:0.85em;color:#333;margin:0.6em 0 0.6em 2em}\n\
         .source{font-size:0.75em;color:#666;margin-left:0.5em;white-space:nowrap}\n\
         @media print{body{max-width:none;margin:0;font-size:11pt}a.anchor{display:none}\
         h2,h3,h4{break-after:avoid;page-break-after:avoid}p{orphans:3;widows:3}\
         *{-webkit-print-color-adjust:exact;print-color-adjust:exact}\
         .meta{border:none}}\n",
    );
    for role in Role::all() {
        if role == Role::Text {
            continue;
        }
        let _ = writeln!(
            s,
            ".{}{{{}}}",
            role.class(),
            css(&style::role_style(theme, role))
        );
    }
    let ins = css(&style::change_style(theme, "diff.inserted.token"));
    let del = css(&style::change_style(theme, "diff.deleted.token"));
    let moved = css(&style::change_style(theme, "diff.moved"));
    // Underline and strike-through whatever the theme says: they carry the meaning in print.
    let _ = writeln!(s, "ins{{{ins}text-decoration:underline}}");
    let _ = writeln!(s, "del{{{del}text-decoration:line-through}}");
    let _ = writeln!(s, ".moved-note,.moved{{{moved}}}");
    let _ = writeln!(s, ".clause-id{{{}}}", css(&theme.style("clause.id")));
    s
}

/// Runs as HTML spans.
fn runs_html(runs: &[Run]) -> String {
    let mut out = String::new();
    for run in runs {
        let mut piece = String::new();
        // Option lines each start on a line of their own.
        for (k, line) in run.text.split('\n').enumerate() {
            if k > 0 {
                piece.push_str("<br>");
            }
            piece.push_str(&escape(line));
        }
        if run.emphasis {
            piece = format!("<em>{piece}</em>");
        }
        if run.strong {
            piece = format!("<strong>{piece}</strong>");
        }
        if let Some(target) = &run.link {
            piece = format!("<a href=\"{}\">{piece}</a>", escape(target));
        }
        let class = run.role.class();
        if !class.is_empty() {
            piece = format!("<span class=\"{class}\">{piece}</span>");
        }
        match run.change {
            Revision::None => out.push_str(&piece),
            Revision::Inserted => {
                let _ = write!(out, "<ins>{piece}</ins>");
            }
            Revision::Deleted => {
                let _ = write!(out, "<del>{piece}</del>");
            }
        }
    }
    out
}

fn whole_change(item: &Item) -> Revision {
    match item.mark {
        Mark::Inserted => Revision::Inserted,
        Mark::Deleted => Revision::Deleted,
        _ => Revision::None,
    }
}

fn wrap(change: Revision, html: String) -> String {
    match change {
        Revision::None => html,
        Revision::Inserted => format!("<ins>{html}</ins>"),
        Revision::Deleted => format!("<del>{html}</del>"),
    }
}

/// The `id` attribute and the pilcrow link for an item (deleted clauses keep no anchor:
/// the id is no longer in the text).
fn anchor(item: &Item) -> (String, String) {
    match (&item.id, &item.mark) {
        (Some(id), m) if *m != Mark::Deleted => {
            let id = escape(id);
            (
                format!(" id=\"{id}\""),
                format!("<a class=\"anchor\" href=\"#{id}\" title=\"clause {id}\">¶</a>"),
            )
        }
        _ => (String::new(), String::new()),
    }
}

/// The clause's place in the document it was imported from, small, after it.
fn source(item: &Item) -> String {
    item.source
        .as_deref()
        .map(|s| format!("<span class=\"source\">({})</span>", escape(s)))
        .unwrap_or_default()
}

fn note(item: &Item) -> String {
    match &item.mark {
        Mark::Moved { from } => format!(
            "<span class=\"moved-note\">⇄ moved from {}</span>",
            escape(from)
        ),
        Mark::Renumbered { old } if item.is_heading() => format!(
            "<span class=\"moved-note\">renumbered from {}</span>",
            escape(old)
        ),
        Mark::Deleted => format!(
            "<span class=\"moved-note\">deleted{}</span>",
            item.id
                .as_deref()
                .map(|id| format!(" ({})", escape(id)))
                .unwrap_or_default()
        ),
        _ => String::new(),
    }
}

fn heading_html(item: &Item, defs: &Definitions) -> String {
    let tag = match item.kind {
        ClauseKind::Title => "h1",
        ClauseKind::Preamble | ClauseKind::Division => "h2",
        ClauseKind::Article | ClauseKind::Annex => "h3",
        _ => "h4",
    };
    let whole = whole_change(item);
    let title = match (&item.title_words, whole) {
        (Some(w), Revision::None) => runs_html(&style::changed_runs(
            &style::old_text(w),
            item.title.as_deref().unwrap_or(""),
            w,
            defs,
        )),
        _ => escape(item.title.as_deref().unwrap_or("")),
    };
    let label = match (&item.label, &item.mark) {
        (Some(l), Mark::Renumbered { old }) if !old.is_empty() => {
            format!("<del>{}</del> <ins>{}</ins>", escape(old), escape(l))
        }
        (Some(l), _) => escape(l),
        (None, _) => String::new(),
    };
    let text = match (label.is_empty(), title.is_empty()) {
        (false, false) => format!("{label}. {title}"),
        (false, true) => label,
        (true, _) => title,
    };
    let (id, link) = anchor(item);
    let class = match item.mark {
        Mark::Moved { .. } => " class=\"moved\"",
        Mark::Deleted => " class=\"deleted\"",
        _ => "",
    };
    format!(
        "<{tag}{id}{class}>{}{}{}{link}</{tag}>\n",
        wrap(whole, text),
        note(item),
        source(item)
    )
}

fn clause_html(item: &Item, defs: &Definitions) -> String {
    let whole = whole_change(item);
    let runs = style::item_runs(&item.text, item.text_words.as_deref(), whole, defs);
    let number = match (item.number(), &item.mark) {
        (Some(n), Mark::Renumbered { old }) if !old.is_empty() => {
            let old = if item.kind == ClauseKind::Point {
                old.clone()
            } else {
                format!("{old}.")
            };
            format!(
                "<span class=\"num\"><del>{}</del> <ins>{}</ins></span>",
                escape(&old),
                escape(&n)
            )
        }
        (Some(n), _) => format!("<span class=\"num\">{}</span>", wrap(whole, escape(&n))),
        (None, _) => String::new(),
    };
    let (id, link) = anchor(item);
    let mut classes = vec![
        "clause".to_string(),
        item.kind.as_str().replace(' ', "-"),
        format!("d{}", item.depth.min(5)),
    ];
    match item.mark {
        Mark::Moved { .. } => classes.push("moved".into()),
        Mark::Deleted => classes.push("deleted".into()),
        Mark::Inserted => classes.push("inserted".into()),
        _ => {}
    }
    // Options begin on their own line after the number.
    let sep = if item.text.starts_with("Option ") {
        "<br>"
    } else if number.is_empty() {
        ""
    } else {
        " "
    };
    format!(
        "<p class=\"{}\"{id}>{number}{sep}{}{}{}{link}</p>\n",
        classes.join(" "),
        runs_html(&runs),
        note(item),
        source(item)
    )
}

/// The document as one HTML file.
pub fn render(doc: &Document, theme: &Theme) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"treaty export\">\n<title>{}</title>\n<style>\n{}</style>\n</head>\n<body>\n",
        escape(&doc.title),
        stylesheet(theme)
    );
    let _ = write!(
        out,
        "<p class=\"meta\">{}",
        escape(&capitalise(&doc.version))
    );
    if let Some(since) = &doc.since {
        let _ = write!(
            out,
            ", compared with {}.<br><span class=\"legend\">Changes: <ins>inserted</ins> <del>deleted</del> <span class=\"moved-note\">⇄ moved</span></span>",
            escape(since)
        );
    } else {
        out.push('.');
    }
    if let Some(src) = &doc.source {
        let _ = write!(out, "<br>Imported from {}.", escape(src));
    }
    out.push_str("</p>\n<main>\n");
    let notes = doc.notes_after();
    let defs = doc.definitions();
    for (item, notes) in doc.items.iter().zip(notes) {
        if item.is_heading() {
            out.push_str(&heading_html(item, &defs));
        } else {
            out.push_str(&clause_html(item, &defs));
        }
        for note in notes {
            let _ = writeln!(out, "<p class=\"note\">{}</p>", escape(&note.line()));
        }
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}
