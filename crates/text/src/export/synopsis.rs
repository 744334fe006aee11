//! The synoptic table (`treaty export --format synopsis-html --rounds A,B,C`): each
//! article's successive versions side by side, one column per draft, with what changed
//! since the column before highlighted, as secretariats' compilation tables show them.
//!
//! One standalone HTML file: stylesheet inside, no scripts, nothing fetched.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::akn::words_xml;
use super::html::escape;
use crate::compare::word_ops;

/// One clause of an article as a draft had it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SynopsisClause {
    pub id: String,
    pub label: Option<String>,
    pub text: String,
}

/// An article (or annex, or the preamble) as a draft had it: its heading and clauses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SynopsisArticle {
    pub id: String,
    /// `Article 4 (Mitigation)`.
    pub heading: String,
    pub clauses: Vec<SynopsisClause>,
}

/// One draft: its label (`Chair's text, round chair-s-text`) and articles in treaty order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SynopsisColumn {
    pub label: String,
    pub articles: Vec<SynopsisArticle>,
}

/// The rows: every article id of any column, in the last column's order, an article
/// that left the text placed after the one it followed where it last stood.
fn row_order(columns: &[SynopsisColumn]) -> Vec<&str> {
    let mut order: Vec<&str> = Vec::new();
    for col in columns.iter().rev() {
        for (k, a) in col.articles.iter().enumerate() {
            if order.contains(&a.id.as_str()) {
                continue;
            }
            let after = col.articles[..k]
                .iter()
                .rev()
                .find_map(|p| order.iter().position(|o| *o == p.id));
            match after {
                Some(i) => order.insert(i + 1, &a.id),
                None => order.insert(0, &a.id),
            }
        }
    }
    order
}

fn clause_html(label: Option<&str>, body: &str, class: &str) -> String {
    let label = label
        .map(|l| format!("<span class=\"label\">{}</span> ", escape(l)))
        .unwrap_or_default();
    format!("<p class=\"{class}\">{label}{body}</p>\n")
}

/// One cell: `now` against `before` (the same article in the column before, if any).
fn cell(now: Option<&SynopsisArticle>, before: Option<&SynopsisArticle>, first: bool) -> String {
    let Some(now) = now else {
        return match before {
            Some(_) => "<td class=\"gone\"><p><em>not in this draft</em></p></td>\n".into(),
            None => "<td class=\"absent\"></td>\n".into(),
        };
    };
    let mut s = String::from("<td>\n");
    let heading = match before {
        Some(b) if b.heading != now.heading => words_xml(&word_ops(&b.heading, &now.heading)),
        _ => escape(&now.heading),
    };
    let _ = writeln!(s, "<p class=\"heading\">{heading}</p>");
    let old: HashMap<&str, &SynopsisClause> = before
        .map(|b| b.clauses.iter().map(|c| (c.id.as_str(), c)).collect())
        .unwrap_or_default();
    for c in &now.clauses {
        let label = c.label.as_deref();
        match old.get(c.id.as_str()) {
            Some(o) if o.text != c.text || o.label != c.label => {
                let label_html = match (&o.label, &c.label) {
                    (Some(a), Some(b)) if a != b => Some(format!("{b} (was {a})")),
                    _ => c.label.clone(),
                };
                s.push_str(&clause_html(
                    label_html.as_deref(),
                    &words_xml(&word_ops(&o.text, &c.text)),
                    "changed",
                ));
            }
            Some(_) => s.push_str(&clause_html(label, &escape(&c.text), "same")),
            // A whole new clause; in the first column nothing is new.
            None if before.is_some() || !first => s.push_str(&clause_html(
                label,
                &format!("<ins>{}</ins>", escape(&c.text)),
                "new",
            )),
            None => s.push_str(&clause_html(label, &escape(&c.text), "same")),
        }
    }
    if let Some(b) = before {
        for c in &b.clauses {
            if !now.clauses.iter().any(|n| n.id == c.id) {
                s.push_str(&clause_html(
                    c.label.as_deref(),
                    &format!("<del>{}</del>", escape(&c.text)),
                    "dropped",
                ));
            }
        }
    }
    s.push_str("</td>\n");
    s
}

const STYLE: &str = "body{font-family:Georgia,serif;margin:1.5em;color:#111}\
table{border-collapse:collapse;width:100%;table-layout:fixed}\
th,td{border:1px solid #999;vertical-align:top;padding:.4em .6em;font-size:.9em}\
th{background:#eee;position:sticky;top:0}\
td.absent{background:#f6f6f6}td.gone{background:#fbeaea}\
p{margin:.3em 0}.heading{font-weight:bold}.label{font-weight:bold}\
ins{background:#d9f2d9;text-decoration:underline}\
del{background:#f6d5d5;text-decoration:line-through}\
p.new{border-left:3px solid #3a3}p.dropped{border-left:3px solid #c33}\
p.changed{border-left:3px solid #c90}\
@media print{th{position:static}}";

/// The synoptic table as one HTML file.
pub fn render(title: &str, columns: &[SynopsisColumn]) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{}</h1>\n<p>Each row is one provision, followed by its id through renumbering and moves; each column one draft. <ins>Inserted</ins> and <del>deleted</del> words are against the column to the left.</p>\n<table>\n<thead><tr>",
        escape(title),
        escape(title)
    );
    for c in columns {
        let _ = write!(s, "<th>{}</th>", escape(&c.label));
    }
    s.push_str("</tr></thead>\n<tbody>\n");
    let by_id: Vec<HashMap<&str, &SynopsisArticle>> = columns
        .iter()
        .map(|c| c.articles.iter().map(|a| (a.id.as_str(), a)).collect())
        .collect();
    for id in row_order(columns) {
        let _ = writeln!(s, "<tr id=\"{}\">", escape(id));
        for (k, _) in columns.iter().enumerate() {
            let now = by_id[k].get(id).copied();
            let before = k.checked_sub(1).and_then(|p| by_id[p].get(id).copied());
            s.push_str(&cell(now, before, k == 0));
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody>\n</table>\n</body>\n</html>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn art(id: &str, heading: &str, clauses: &[(&str, &str, &str)]) -> SynopsisArticle {
        SynopsisArticle {
            id: id.into(),
            heading: heading.into(),
            clauses: clauses
                .iter()
                .map(|(id, l, t)| SynopsisClause {
                    id: (*id).into(),
                    label: Some((*l).into()),
                    text: (*t).into(),
                })
                .collect(),
        }
    }

    #[test]
    fn versions_side_by_side_with_changes_marked() {
        let a1 = art(
            "a",
            "Article 1",
            &[
                ("a.1", "1", "Parties shall cooperate."),
                ("a.2", "2", "Gone soon."),
            ],
        );
        let a2 = art(
            "a",
            "Article 2",
            &[
                ("a.1", "1", "Parties shall fully cooperate."),
                ("a.3", "2", "New words."),
            ],
        );
        let b1 = art("b", "Article 2", &[("b.1", "1", "Dropped <later>.")]);
        let c2 = art("c", "Article 1", &[("c.1", "1", "Inserted first.")]);
        let html = render(
            "Test & draft",
            &[
                SynopsisColumn {
                    label: "Zero draft".into(),
                    articles: vec![a1, b1],
                },
                SynopsisColumn {
                    label: "Chair's text".into(),
                    articles: vec![c2, a2],
                },
            ],
        );
        assert!(html.contains("<title>Test &amp; draft</title>"));
        assert!(
            !html.contains("<script") && !html.contains("http"),
            "self-contained"
        );
        // Rows: c, a (the last draft's order), then b after a, where it stood.
        let pos = |s: &str| html.find(s).unwrap_or_else(|| panic!("{s} in {html}"));
        assert!(pos("<tr id=\"c\">") < pos("<tr id=\"a\">"));
        assert!(pos("<tr id=\"a\">") < pos("<tr id=\"b\">"));
        assert!(
            html.contains("Parties shall <ins>fully </ins>cooperate."),
            "{html}"
        );
        assert!(html.contains("<del>Gone soon.</del>"), "{html}");
        assert!(html.contains("<ins>New words.</ins>"), "{html}");
        assert!(html.contains("Article <del>1</del><ins>2</ins>"), "{html}");
        assert!(html.contains("Dropped &lt;later&gt;."), "{html}");
        assert!(html.contains("not in this draft"), "{html}");
        assert_eq!(html.matches("<td").count(), 6);
    }
}
