//! Akoma Ntoso 3.0 export (namespace `http://docs.oasis-open.org/legaldocml/ns/akn/3.0`).
//!
//! The instrument is an `<act>`: `<meta>` (FRBR identification), `<preface>` with the
//! `<docTitle>`, `<preamble>` with one `<recital>` per preamble paragraph, `<body>` with
//! `<part>`/`<chapter>`/`<section>`/`<subsection>`/`<title>` divisions, `<article>`s,
//! `<paragraph>`s and `<point>`s (a paragraph with points puts its own words in `<intro>`),
//! sub-headings as `<hcontainer name="subheading">`, and `<attachments>` with one
//! `<attachment>` holding a `<doc name="annex">` per annex.
//!
//! # eIds
//!
//! `eId` = a prefix for the element, `_`, then the clause id unchanged (clause ids use only
//! letters, digits, `-`, `_` and `.`, all allowed in an eId): `art_observatory`,
//! `para_observatory.2`, `point_observatory.2.a`, `rec_pp1`, `part_part-general`,
//! `annex_annex-biometric`, `hcontainer_…`. The clause id is what follows the first `_`.
//! A clause without an id gets `<prefix>_n<k>` (k its position in the document).
//!
//! Text is written as it stands in the draft, brackets and attributions included. In a
//! comparison, changed words are `<ins>`/`<del>`; deleted clauses keep their text inside
//! `<del>` and are marked `status="removed"`; moved ones carry a `<remark>`.

use std::fmt::Write as _;

use super::{Document, Item, Mark, xml_escape};
use crate::compare::WordOp;
use crate::draft::ClauseKind;

pub const NAMESPACE: &str = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0";

/// The element and eId prefix for an item.
pub fn element(item: &Item) -> (&'static str, &'static str) {
    match item.kind {
        ClauseKind::Title => ("docTitle", "title"),
        ClauseKind::Preamble => ("preamble", "preamble"),
        ClauseKind::PreambleParagraph => ("recital", "rec"),
        ClauseKind::Division => {
            let first = item
                .label
                .as_deref()
                .and_then(|l| l.split_whitespace().next())
                .unwrap_or("")
                .to_ascii_lowercase();
            match first.as_str() {
                "part" => ("part", "part"),
                "chapter" => ("chapter", "chp"),
                "section" => ("section", "sec"),
                "sub-section" | "subsection" => ("subsection", "subsec"),
                "title" => ("title", "title"),
                _ => ("hcontainer", "hcontainer"),
            }
        }
        ClauseKind::Article => ("article", "art"),
        ClauseKind::Annex => ("attachment", "annex"),
        ClauseKind::Paragraph => ("paragraph", "para"),
        ClauseKind::Point => ("point", "point"),
        ClauseKind::Heading => ("hcontainer", "hcontainer"),
    }
}

/// The eId for item `k` of the document.
pub fn eid(item: &Item, k: usize) -> String {
    let (_, prefix) = element(item);
    match &item.id {
        Some(id) => format!("{prefix}_{id}"),
        None => format!("{prefix}_n{k}"),
    }
}

/// The items as a tree: for each item, the indices of its children.
fn tree(items: &[Item]) -> (Vec<usize>, Vec<Vec<usize>>) {
    let mut roots = Vec::new();
    let mut children = vec![Vec::new(); items.len()];
    let mut stack: Vec<usize> = Vec::new();
    for (k, item) in items.iter().enumerate() {
        while let Some(&top) = stack.last() {
            if items[top].depth >= item.depth {
                stack.pop();
            } else {
                break;
            }
        }
        match stack.last() {
            Some(&p) => children[p].push(k),
            None => roots.push(k),
        }
        stack.push(k);
    }
    (roots, children)
}

/// Words of a comparison as XML/HTML: `<del>` and `<ins>` around what changed.
pub(super) fn words_xml(words: &[WordOp]) -> String {
    let mut s = String::new();
    for w in words {
        match w {
            WordOp::Equal(t) => s.push_str(&xml_escape(t)),
            WordOp::Delete(t) => {
                let _ = write!(s, "<del>{}</del>", xml_escape(t));
            }
            WordOp::Insert(t) => {
                let _ = write!(s, "<ins>{}</ins>", xml_escape(t));
            }
        }
    }
    s
}

/// Inline content: plain, or with change marks; whole-clause changes wrap everything.
fn inline(item: &Item, text: &str, words: Option<&[WordOp]>) -> String {
    match (&item.mark, words) {
        (Mark::Deleted, _) => format!("<del>{}</del>", xml_escape(text)),
        (Mark::Inserted, _) => format!("<ins>{}</ins>", xml_escape(text)),
        (_, Some(w)) => words_xml(w),
        (_, None) => xml_escape(text),
    }
}

/// The clause text as `<p>` elements, one per line (options are lines of their own).
fn paragraphs(item: &Item) -> String {
    let content = inline(item, &item.text, item.text_words.as_deref());
    let mut out = String::new();
    // Change marks never span a line end when the lines are split here: close and reopen.
    let mut open: Vec<&str> = Vec::new();
    for line in content.split('\n') {
        out.push_str("<p>");
        for tag in &open {
            let _ = write!(out, "<{tag}>");
        }
        out.push_str(line);
        // Track which of ins/del is still open at the end of this line.
        for (start, end, tag) in [("<ins>", "</ins>", "ins"), ("<del>", "</del>", "del")] {
            let opens = line.matches(start).count();
            let closes = line.matches(end).count();
            let was_open = open.contains(&tag);
            let now_open = (was_open as usize + opens) > closes;
            if now_open && !was_open {
                open.push(tag);
            } else if !now_open && was_open {
                open.retain(|t| *t != tag);
            }
        }
        for tag in open.iter().rev() {
            let _ = write!(out, "</{tag}>");
        }
        out.push_str("</p>");
    }
    out
}

fn remark(item: &Item) -> String {
    match &item.mark {
        Mark::Moved { from } => format!("<p><remark>moved from {}</remark></p>", xml_escape(from)),
        Mark::Renumbered { old } => format!(
            "<p><remark>renumbered from {}</remark></p>",
            xml_escape(old)
        ),
        _ => String::new(),
    }
}

fn status_attr(item: &Item) -> &'static str {
    match item.mark {
        Mark::Deleted => " status=\"removed\"",
        _ => "",
    }
}

fn num_and_heading(item: &Item) -> String {
    let mut s = String::new();
    let number = if item.is_heading() {
        item.label.clone()
    } else {
        item.number()
    };
    if let Some(n) = number {
        let _ = write!(s, "<num>{}</num>", inline(item, &n, None));
    }
    if item.is_heading()
        && let Some(t) = item.title.as_deref().filter(|t| !t.is_empty())
    {
        let _ = write!(
            s,
            "<heading>{}</heading>",
            inline(item, t, item.title_words.as_deref())
        );
    }
    s
}

struct Writer<'a> {
    items: &'a [Item],
    children: Vec<Vec<usize>>,
    /// `<p class="note">` elements for the notes each item owns.
    notes: Vec<String>,
    out: String,
}

impl Writer<'_> {
    /// A hierarchical element (division, article, paragraph, point, sub-heading).
    fn hier(&mut self, k: usize, indent: usize) {
        let item = &self.items[k];
        let (tag, _) = element(item);
        let pad = "  ".repeat(indent);
        let name = if tag == "hcontainer" {
            " name=\"subheading\""
        } else {
            ""
        };
        let _ = write!(
            self.out,
            "{pad}<{tag} eId=\"{}\"{name}{}>{}",
            xml_escape(&eid(item, k)),
            status_attr(item),
            num_and_heading(item)
        );
        let kids = self.children[k].clone();
        let has_text = !item.text.is_empty();
        let notes = std::mem::take(&mut self.notes[k]);
        if kids.is_empty() {
            if has_text || !item.is_heading() || !notes.is_empty() {
                let text = if has_text || !item.is_heading() {
                    paragraphs(item)
                } else {
                    String::new()
                };
                let _ = write!(self.out, "<content>{text}{}{notes}</content>", remark(item));
            } else if !remark(item).is_empty() {
                let _ = write!(self.out, "<intro>{}</intro>", remark(item));
            }
            let _ = writeln!(self.out, "</{tag}>");
            return;
        }
        if has_text || !remark(item).is_empty() {
            let text = if has_text {
                paragraphs(item)
            } else {
                String::new()
            };
            let _ = write!(self.out, "<intro>{text}{}</intro>", remark(item));
        }
        self.out.push('\n');
        for c in kids {
            self.hier(c, indent + 1);
        }
        if !notes.is_empty() {
            let _ = writeln!(self.out, "{pad}  <wrapUp>{notes}</wrapUp>");
        }
        let _ = writeln!(self.out, "{pad}</{tag}>");
    }

    fn recital(&mut self, k: usize) {
        let item = &self.items[k];
        let _ = write!(
            self.out,
            "      <recital eId=\"{}\"{}>",
            xml_escape(&eid(item, k)),
            status_attr(item)
        );
        if let Some(n) = item.number() {
            let _ = write!(self.out, "<num>{}</num>", inline(item, &n, None));
        }
        let _ = writeln!(self.out, "{}{}</recital>", paragraphs(item), remark(item));
    }

    fn annex(&mut self, k: usize, uri: &str) {
        let item = &self.items[k];
        let id = eid(item, k);
        let _ = writeln!(
            self.out,
            "    <attachment eId=\"{}\"{}>",
            xml_escape(&id),
            status_attr(item)
        );
        let _ = writeln!(
            self.out,
            "      <doc name=\"annex\">\n{}",
            meta(&format!("{uri}/{}", xml_escape(&id)), "annex")
        );
        let mut preface = String::new();
        if let Some(l) = &item.label {
            let _ = write!(preface, "<docNumber>{}</docNumber>", inline(item, l, None));
        }
        if let Some(t) = item.title.as_deref().filter(|t| !t.is_empty()) {
            if item.label.is_some() {
                preface.push_str(". ");
            }
            let _ = write!(
                preface,
                "<docTitle>{}</docTitle>",
                inline(item, t, item.title_words.as_deref())
            );
        }
        let _ = writeln!(
            self.out,
            "        <preface><p class=\"title\">{preface}</p>{}</preface>",
            remark(item)
        );
        self.out.push_str("        <mainBody>\n");
        let kids = self.children[k].clone();
        for c in kids {
            self.hier(c, 5);
        }
        let notes = std::mem::take(&mut self.notes[k]);
        if !notes.is_empty() {
            let _ = writeln!(self.out, "          {notes}");
        }
        self.out
            .push_str("        </mainBody>\n      </doc>\n    </attachment>\n");
    }
}

fn meta(uri: &str, name: &str) -> String {
    format!(
        "    <meta>\n      <identification source=\"#treaty\">\n        \
<FRBRWork><FRBRthis value=\"{uri}/main\"/><FRBRuri value=\"{uri}\"/><FRBRdate date=\"2000-01-01\" name=\"generation\"/><FRBRauthor href=\"#treaty\"/><FRBRcountry value=\"un\"/><FRBRname value=\"{name}\"/></FRBRWork>\n        \
<FRBRExpression><FRBRthis value=\"{uri}/eng@/main\"/><FRBRuri value=\"{uri}/eng@\"/><FRBRdate date=\"2000-01-01\" name=\"generation\"/><FRBRauthor href=\"#treaty\"/><FRBRlanguage language=\"eng\"/></FRBRExpression>\n        \
<FRBRManifestation><FRBRthis value=\"{uri}/eng@/main.xml\"/><FRBRuri value=\"{uri}/eng@.akn\"/><FRBRdate date=\"2000-01-01\" name=\"generation\"/><FRBRauthor href=\"#treaty\"/></FRBRManifestation>\n      \
</identification>\n      <references source=\"#treaty\"><TLCOrganization eId=\"treaty\" href=\"/ontology/organization/treaty\" showAs=\"treaty export\"/></references>\n    </meta>"
    )
}

/// The document as Akoma Ntoso XML.
pub fn render(doc: &Document) -> String {
    let items = &doc.items;
    let (roots, children) = tree(items);
    let mut notes = vec![String::new(); items.len()];
    for note in &doc.notes {
        if let Some(s) = notes.get_mut(note.owner) {
            let _ = write!(s, "<p class=\"note\">{}</p>", xml_escape(&note.line()));
        }
    }
    let mut w = Writer {
        items,
        children,
        notes,
        out: String::new(),
    };
    let uri = "/akn/un/act/treaty";
    let _ = writeln!(
        w.out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- {}{} -->\n<akomaNtoso xmlns=\"{NAMESPACE}\">\n  <act name=\"treaty\">\n{}",
        xml_escape(&doc.version).replace("--", "- -"),
        doc.since
            .as_deref()
            .map(|s| format!(", compared with {}", xml_escape(s).replace("--", "- -")))
            .unwrap_or_default(),
        meta(uri, "treaty")
    );
    // The title.
    let title = roots
        .iter()
        .copied()
        .find(|&k| items[k].kind == ClauseKind::Title);
    let title_text = match title {
        Some(k) => {
            let t = &items[k];
            inline(
                t,
                &super::heading_text(t.label.as_deref(), t.title.as_deref()),
                t.title_words.as_deref(),
            )
        }
        None => xml_escape(&doc.title),
    };
    // Notes of the title page (`treaty.md`) stand in the preface.
    let preface_notes = title
        .map(|k| std::mem::take(&mut w.notes[k]))
        .unwrap_or_default();
    let _ = writeln!(
        w.out,
        "    <preface>\n      <p class=\"title\"><docTitle>{title_text}</docTitle></p>{preface_notes}\n    </preface>"
    );
    // The preamble: every preamble's paragraphs as recitals.
    let preambles: Vec<usize> = roots
        .iter()
        .copied()
        .filter(|&k| items[k].kind == ClauseKind::Preamble)
        .collect();
    if !preambles.is_empty() {
        let first = preambles[0];
        let _ = writeln!(
            w.out,
            "    <preamble eId=\"{}\">\n      <recitals>",
            xml_escape(&eid(&items[first], first))
        );
        let mut any = false;
        for p in &preambles {
            for c in w.children[*p].clone() {
                any = true;
                w.recital(c);
            }
        }
        if !any {
            w.out.push_str("      <recital><p/></recital>\n");
        }
        w.out.push_str("      </recitals>\n    </preamble>\n");
    }
    // The body: divisions and articles; divisions that hold annexes go to attachments.
    let holds_annexes = |k: usize, w: &Writer| {
        items[k].kind == ClauseKind::Annex
            || w.children[k]
                .iter()
                .any(|&c| items[c].kind == ClauseKind::Annex)
    };
    let body: Vec<usize> = roots
        .iter()
        .copied()
        .filter(|&k| {
            !matches!(items[k].kind, ClauseKind::Title | ClauseKind::Preamble)
                && !holds_annexes(k, &w)
        })
        .collect();
    w.out.push_str("    <body>\n");
    for k in body {
        w.hier(k, 3);
    }
    w.out.push_str("    </body>\n");
    let mut annexes: Vec<usize> = Vec::new();
    for &k in &roots {
        if items[k].kind == ClauseKind::Annex {
            annexes.push(k);
        } else if holds_annexes(k, &w) {
            annexes.extend(
                w.children[k]
                    .iter()
                    .copied()
                    .filter(|&c| items[c].kind == ClauseKind::Annex),
            );
        }
    }
    if !annexes.is_empty() {
        w.out.push_str("    <attachments>\n");
        for k in annexes {
            w.annex(k, uri);
        }
        w.out.push_str("    </attachments>\n");
    }
    w.out.push_str("  </act>\n</akomaNtoso>\n");
    w.out
}
