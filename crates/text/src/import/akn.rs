//! Akoma Ntoso XML (AKN 3.0 `http://docs.oasis-open.org/legaldocml/ns/akn/3.0`, akn4eu, and
//! the older 2.0 namespace `http://www.akomantoso.org/2.0`) into an [`Imported`] treaty.
//!
//! Elements are matched by local name, so every namespace (and none) is read alike.
//!
//! * Title: `preface` → `longTitle`, else `docTitle`, else `shortTitle`.
//! * Preamble: each `recital`, `citation`, `formula` and `p` (looking inside `recitals`,
//!   `citations`, `container`, `intro`) is one preamble paragraph, its `num` kept in the text.
//! * Body: `part`, `chapter`, `section`, `subsection`, `title` with a number become
//!   divisions; `article` elements are the articles. A document without `article` elements
//!   takes its `section`s as articles (UK acts, Bungeni bills); a document with neither (a
//!   UN resolution) gets one article, `Article 1`, holding the operative paragraphs, and a
//!   warning says so. A heading without a number (a UK cross-heading, a `hcontainer`)
//!   becomes a heading inside the next article, so no text is lost.
//! * Inside an article: every `paragraph`, `subparagraph`, `subsection`, `point`, `item`,
//!   `indent`, `alinea`, `clause` is a block; its `num` decides the block's kind the way
//!   the plain-text reader does: `1.`/`1` → numbered paragraph, `(a)`/`a`/`a)` → point,
//!   anything else stays at the start of an unnumbered paragraph. Several `p` of one unit
//!   are the lines of one block. An unnumbered unit whose parent's number has no text yet
//!   takes that number (EU `paragraph` → `subparagraph`).
//! * Annexes: `attachments`/`attachment`/`annex`, and in a `documentCollection` the
//!   components whose id or name says `annex`. Other components (explanatory memorandum,
//!   financial statement) are not part of the text: a warning names them.
//! * Footnotes (`authorialNote`) are left out. A `<p class="note">[^1]: …</p>`, as
//!   `treaty export` writes one, is read back as a [`ImportedBlock::Note`].
//! * `quotedStructure`, `mod` and other inline markup are read as the text they hold.
//! * `amendment` and `amendmentList` documents are refused with
//!   [`ImportError::AmendmentDocument`]: they describe changes to a bill, not a text.
//!
//! Ids: clause ids are assigned by [`super::write`] from the structure; AKN `eId`s follow
//! the same shape (`art_9__para_2` is article 9, paragraph 2, written as `art-9.2`). A file
//! `treaty export` wrote (its `TLCOrganization` says so) gives its clause ids back from its
//! eIds (`para_observatory.2` → `observatory.2`), when its elements line up with the
//! clauses read.
//!
//! The XML reader ([`parse_xml`], shared with [`super::docx`]) refuses a DOCTYPE and every
//! entity other than the five predefined ones and character references, so nothing can be
//! expanded (no "billion laughs"); nesting deeper than [`MAX_DEPTH`] is refused; errors
//! carry the line and column.

use std::collections::BTreeMap;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::text::{annex_heading, article_heading, classify, division_heading, pp_label};
use super::write::Slot;
use super::{
    BodyItem, ImportError, Imported, ImportedAnnex, ImportedArticle, ImportedBlock,
    PreambleParagraph,
};

/// Deepest element nesting accepted.
pub const MAX_DEPTH: usize = 256;

/// One XML element: local name, attributes by local name, children, byte offset.
#[derive(Clone, Debug, Default)]
pub(crate) struct Element {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<XmlNode>,
}

#[derive(Clone, Debug)]
pub(crate) enum XmlNode {
    Element(Element),
    Text(String),
}

impl Element {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            XmlNode::Element(e) => Some(e),
            XmlNode::Text(_) => None,
        })
    }

    pub fn child(&self, name: &str) -> Option<&Element> {
        self.elements().find(|e| e.name == name)
    }

    /// The first descendant named `name`, depth first.
    fn find(&self, name: &str) -> Option<&Element> {
        for e in self.elements() {
            if e.name == name {
                return Some(e);
            }
            if let Some(f) = e.find(name) {
                return Some(f);
            }
        }
        None
    }

    /// Whether some descendant is named `name`, not looking inside quoted structures.
    fn has(&self, name: &str) -> bool {
        self.elements().any(|e| {
            e.name == name || (!matches!(e.name.as_str(), "quotedStructure" | "mod") && e.has(name))
        })
    }

    /// [`Element::text`] without the children named `skip`.
    fn text_without(&self, skip: &str) -> String {
        let mut raw = String::new();
        for n in &self.children {
            match n {
                XmlNode::Text(t) => raw.push_str(t),
                XmlNode::Element(e) if e.name == skip => {}
                XmlNode::Element(e) => {
                    raw.push(' ');
                    e.raw_text(&mut raw);
                    raw.push(' ');
                }
            }
        }
        collapse(&raw)
    }

    /// All text, footnotes left out, whitespace collapsed to single spaces.
    pub fn text(&self) -> String {
        let mut raw = String::new();
        self.raw_text(&mut raw);
        collapse(&raw)
    }

    fn raw_text(&self, out: &mut String) {
        for n in &self.children {
            match n {
                XmlNode::Text(t) => out.push_str(t),
                XmlNode::Element(e) => match e.name.as_str() {
                    // Footnotes; and in a comparison, deleted words and editorial remarks
                    // (the text is read with its changes accepted).
                    "authorialNote" | "noteRef" | "meta" | "del" | "remark" => {}
                    "eol" | "eop" | "br" => out.push(' '),
                    "omissis" => out.push('…'),
                    _ => e.raw_text(out),
                },
            }
        }
    }
}

/// Whitespace runs (including line breaks) → one space; trimmed.
pub(crate) fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// 1-based line and column of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text.as_bytes()[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let col = String::from_utf8_lossy(&before[start..]).chars().count() + 1;
    (line, col)
}

fn xml_error(part: Option<&str>, text: &str, offset: u64, message: String) -> ImportError {
    let (line, column) = line_col(text, usize::try_from(offset).unwrap_or(usize::MAX));
    ImportError::Xml {
        part: part.map(str::to_string),
        line,
        column,
        message,
    }
}

fn start_element(e: &BytesStart<'_>) -> Result<Element, String> {
    let mut attrs = Vec::new();
    for a in e.attributes() {
        let a = a.map_err(|e| e.to_string())?;
        let key = a.key.local_name().as_ref().to_string();
        let value = a.normalized_value(quick_xml::XmlVersion::Implicit1_0).map_err(|e| {
            format!("attribute `{key}`: {e} (entities other than &lt; &gt; &amp; &quot; &apos; and character references are not read)")
        })?;
        attrs.push((key, value.into_owned()));
    }
    Ok(Element {
        name: e.local_name().as_ref().to_string(),
        attrs,
        children: Vec::new(),
    })
}

/// Parses a whole XML document into its root element. `part` names the file inside an
/// archive (`word/document.xml`) for error messages.
pub(crate) fn parse_xml(text: &str, part: Option<&str>) -> Result<Element, ImportError> {
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<(Element, u64)> = Vec::new();
    let mut root: Option<Element> = None;
    let err = |offset: u64, message: String| xml_error(part, text, offset, message);
    loop {
        let at = reader.buffer_position();
        let event = reader
            .read_event()
            .map_err(|e| err(reader.error_position(), e.to_string()))?;
        let mut done: Option<Element> = None;
        match event {
            Event::Start(e) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(err(
                        at,
                        format!("elements nested deeper than {MAX_DEPTH} levels"),
                    ));
                }
                stack.push((start_element(&e).map_err(|m| err(at, m))?, at));
            }
            Event::Empty(e) => done = Some(start_element(&e).map_err(|m| err(at, m))?),
            Event::End(_) => done = stack.pop().map(|(e, _)| e),
            Event::Text(t) => push_text(&mut stack, &t.xml10_content()),
            Event::CData(t) => push_text(&mut stack, &t.xml10_content()),
            Event::GeneralRef(r) => {
                let s = if r.is_char_ref() {
                    match r.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        Ok(None) | Err(_) => {
                            return Err(err(at, format!("bad character reference `&{};`", &*r)));
                        }
                    }
                } else if let Some(s) = quick_xml::escape::resolve_predefined_entity(&r) {
                    s.to_string()
                } else {
                    return Err(err(
                        at,
                        format!(
                            "entity `&{};` is not defined: only &lt; &gt; &amp; &quot; &apos; and character references are read",
                            &*r
                        ),
                    ));
                };
                push_text(&mut stack, &s);
            }
            Event::DocType(_) => {
                return Err(err(
                    at,
                    "a DOCTYPE declaration is not accepted (its entities could expand without limit); remove it".into(),
                ));
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
        }
        if let Some(el) = done {
            match stack.last_mut() {
                Some((parent, _)) => parent.children.push(XmlNode::Element(el)),
                None if root.is_none() => root = Some(el),
                None => return Err(err(at, "more than one root element".into())),
            }
        }
    }
    if let Some((open, at)) = stack.last() {
        return Err(err(
            *at,
            format!(
                "the XML ends before <{}> (opened here) is closed: is the file cut short?",
                open.name
            ),
        ));
    }
    root.ok_or_else(|| err(0, "no XML element found".into()))
}

fn push_text(stack: &mut [(Element, u64)], s: &str) {
    if let Some((parent, _)) = stack.last_mut() {
        match parent.children.last_mut() {
            Some(XmlNode::Text(t)) => t.push_str(s),
            _ => parent.children.push(XmlNode::Text(s.to_string())),
        }
    }
}

/// Whether `text` looks like an Akoma Ntoso document (its root element is `akomaNtoso`).
pub(crate) fn looks_like_akn(text: &str) -> bool {
    let head: String = text.chars().take(4096).collect();
    let mut rest = head.as_str();
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        if rest.starts_with(['?', '!']) {
            continue;
        }
        let name: String = rest
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/')
            .collect();
        return name.rsplit(':').next() == Some("akomaNtoso");
    }
    false
}

const DOC_TYPES: &[&str] = &[
    "act",
    "bill",
    "doc",
    "statement",
    "debate",
    "debateReport",
    "judgment",
    "officialGazette",
    "portion",
    "amendment",
    "amendmentList",
    "documentCollection",
];

const UNITS: &[&str] = &[
    "paragraph",
    "subparagraph",
    "subsection",
    "point",
    "item",
    "indent",
    "alinea",
    "clause",
    "subclause",
    "rule",
    "subrule",
    "proviso",
    "level",
];

/// Containers whose children are read as if they were the parent's.
const TRANSPARENT: &[&str] = &[
    "list",
    "blockList",
    "content",
    "intro",
    "wrapUp",
    "listIntroduction",
    "listWrapUp",
    "blockContainer",
    "hcontainer",
    "container",
];

/// Reads an Akoma Ntoso document.
pub fn from_akn(text: &str) -> Result<Imported, ImportError> {
    let root = parse_xml(text, None)?;
    if root.name != "akomaNtoso" {
        return Err(ImportError::NotAkomaNtoso { root: root.name });
    }
    let top = root
        .elements()
        .find(|e| DOC_TYPES.contains(&e.name.as_str()))
        .ok_or(ImportError::NoArticles)?;
    let mut warnings = Vec::new();
    let mut annex_docs: Vec<&Element> = Vec::new();
    let main = if top.name == "documentCollection" {
        let mut components: Vec<(String, &Element)> = Vec::new();
        collect_components(top, "", &mut components);
        if let Some(c) = root.child("components") {
            collect_components(c, "", &mut components);
        }
        let main_at = components
            .iter()
            .position(|(_, d)| matches!(d.name.as_str(), "bill" | "act"))
            .or_else(|| {
                components
                    .iter()
                    .position(|(_, d)| d.child("body").is_some())
            });
        let Some(main_at) = main_at else {
            return Err(ImportError::NoArticles);
        };
        for (i, (id, d)) in components.iter().enumerate() {
            if i == main_at {
                continue;
            }
            let name = d.attr("name").unwrap_or("");
            if id.to_ascii_lowercase().contains("annex")
                || name.to_ascii_lowercase().contains("annex")
            {
                annex_docs.push(d);
            } else {
                let what = if name.is_empty() { id.as_str() } else { name };
                warnings.push(format!(
                    "component `{what}` ({}) is not part of the text and was not imported",
                    d.name
                ));
            }
        }
        components[main_at].1
    } else {
        top
    };
    if matches!(main.name.as_str(), "amendment" | "amendmentList") {
        return Err(ImportError::AmendmentDocument);
    }
    // The eId of each annex's `attachment`, when it has one (for our own eIds).
    let mut annex_eids: Vec<Option<&str>> = vec![None; annex_docs.len()];
    for a in main.elements().filter(|e| e.name == "attachments") {
        for att in a.elements() {
            annex_docs.push(doc_inside(att));
            annex_eids.push(att.attr("eId"));
        }
    }
    for att in main
        .elements()
        .filter(|e| matches!(e.name.as_str(), "attachment" | "annex"))
    {
        annex_docs.push(doc_inside(att));
        annex_eids.push(att.attr("eId"));
    }

    let mut doc = Imported {
        title: title_of(main).unwrap_or_default(),
        ..Imported::default()
    };
    if let Some(p) = main.child("preamble") {
        preamble(p, &mut doc.preamble);
    }
    let body = main.child("body").or_else(|| main.child("mainBody"));
    if let Some(body) = body {
        let article_name = if body.has("article") {
            Some("article")
        } else if body.has("section") {
            Some("section")
        } else {
            None
        };
        let mut w = BodyWalker {
            article_name,
            items: Vec::new(),
            pending: Vec::new(),
            warnings: &mut warnings,
        };
        match article_name {
            Some(_) => w.walk(body),
            None => {
                let mut blocks = Vec::new();
                unit_children(body, None, &mut blocks);
                if !blocks.is_empty() {
                    w.warnings.push(
                        "the document has no articles (a resolution?): its operative paragraphs are imported as Article 1".into(),
                    );
                    w.items.push(BodyItem::Article(ImportedArticle {
                        number: "1".into(),
                        title: Some("Operative paragraphs".into()),
                        blocks,
                    }));
                }
            }
        }
        if !w.pending.is_empty() {
            let lost: Vec<_> = std::mem::take(&mut w.pending);
            for h in lost {
                w.warnings.push(format!(
                    "heading after the last article was not imported: {h}"
                ));
            }
        }
        doc.body = w.items;
    }
    if doc.title.is_empty() {
        doc.title = "Untitled".into();
    }
    for (i, d) in annex_docs.iter().enumerate() {
        doc.annexes.push(annex(d, i + 1, &mut warnings));
    }
    doc.warnings = warnings;
    if made_by_treaty_export(&root) {
        ids_from_eids(main, &annex_docs, &annex_eids, &mut doc);
    }
    if doc.articles().next().is_none() {
        return Err(ImportError::NoArticles);
    }
    Ok(doc)
}

/// The document element inside a component or attachment (or the element itself).
/// Whether `treaty export` wrote the document (its `TLCOrganization` says so), so that its
/// eIds are `<prefix>_<clause id>`.
fn made_by_treaty_export(root: &Element) -> bool {
    root.find("references").is_some_and(|r| {
        r.elements().any(|o| {
            o.name == "TLCOrganization"
                && o.attr("eId") == Some("treaty")
                && o.attr("showAs") == Some("treaty export")
        })
    })
}

/// The clause id in one of our eIds: `para_observatory.2` → `observatory.2`. `para_n12`
/// (a clause that had no id) gives none.
pub(crate) fn id_of_eid(eid: &str) -> Option<String> {
    let (_, id) = eid.split_once('_')?;
    let numbered = id
        .strip_prefix('n')
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    (!numbered && super::text::is_valid_id(id)).then(|| id.to_string())
}

/// Every element with an eId under `e`, in document order.
fn eids<'a>(e: &'a Element, out: &mut Vec<&'a str>) {
    for c in e.elements() {
        if let Some(eid) = c.attr("eId") {
            out.push(eid);
        }
        eids(c, out);
    }
}

/// Gives the clauses read from our own export their ids back, from the eIds, where the
/// elements with eIds and the clauses read line up one to one (else the ids are derived).
fn ids_from_eids(
    main: &Element,
    annex_docs: &[&Element],
    annex_eids: &[Option<&str>],
    doc: &mut Imported,
) {
    let assign = |slots: Vec<Slot>, found: Vec<&str>, ids: &mut BTreeMap<Slot, String>| {
        if slots.len() == found.len() {
            for (slot, eid) in slots.into_iter().zip(found) {
                if let Some(id) = id_of_eid(eid) {
                    ids.insert(slot, id);
                }
            }
        }
    };
    let mut ids = BTreeMap::new();
    if let Some(p) = main.child("preamble") {
        let mut found = Vec::new();
        eids(p, &mut found);
        let slots = (0..doc.preamble.len()).map(Slot::Preamble).collect();
        assign(slots, found, &mut ids);
    }
    let clause_blocks = |blocks: &[ImportedBlock], slot: &dyn Fn(usize) -> Slot| -> Vec<Slot> {
        blocks
            .iter()
            .enumerate()
            .filter(|(_, b)| !matches!(b, ImportedBlock::Note { .. }))
            .map(|(j, _)| slot(j))
            .collect()
    };
    if let Some(body) = main.child("body") {
        let mut found = Vec::new();
        eids(body, &mut found);
        let mut slots = Vec::new();
        for (bi, item) in doc.body.iter().enumerate() {
            match item {
                BodyItem::Division { .. } => slots.push(Slot::Division(bi)),
                BodyItem::Article(a) => {
                    slots.push(Slot::Article(bi));
                    slots.extend(clause_blocks(&a.blocks, &|j| Slot::ArticleBlock(bi, j)));
                }
            }
        }
        assign(slots, found, &mut ids);
    }
    for (ai, (annex, d)) in doc.annexes.iter().zip(annex_docs).enumerate() {
        let mut found: Vec<&str> = annex_eids.get(ai).copied().flatten().into_iter().collect();
        if let Some(body) = d.child("mainBody").or_else(|| d.child("body")) {
            eids(body, &mut found);
        }
        let mut slots = vec![Slot::Annex(ai)];
        slots.extend(clause_blocks(&annex.blocks, &|j| Slot::AnnexBlock(ai, j)));
        assign(slots, found, &mut ids);
    }
    doc.ids = ids;
}

fn doc_inside(e: &Element) -> &Element {
    if DOC_TYPES.contains(&e.name.as_str()) {
        return e;
    }
    e.elements()
        .find(|c| DOC_TYPES.contains(&c.name.as_str()))
        .unwrap_or(e)
}

/// The documents of a collection, in order, with the id of their component.
fn collect_components<'a>(e: &'a Element, id: &str, out: &mut Vec<(String, &'a Element)>) {
    for c in e.elements() {
        match c.name.as_str() {
            "meta" | "preface" | "coverPage" | "interstitial" => {}
            n if DOC_TYPES.contains(&n) && n != "documentCollection" => {
                out.push((id.to_string(), c));
            }
            _ => {
                let cid = c.attr("eId").or_else(|| c.attr("id")).unwrap_or(id);
                collect_components(c, cid, out);
            }
        }
    }
}

fn title_of(d: &Element) -> Option<String> {
    let preface = d.child("preface");
    for name in ["longTitle", "docTitle", "shortTitle"] {
        if let Some(t) = preface.and_then(|p| p.find(name)) {
            let t = t.text();
            if !t.is_empty() {
                return Some(t);
            }
        }
    }
    None
}

fn preamble(e: &Element, out: &mut Vec<PreambleParagraph>) {
    for c in e.elements() {
        match c.name.as_str() {
            "recitals" | "citations" | "container" | "blockContainer" | "intro" => preamble(c, out),
            _ => {
                // `<num>PP1.</num>` is the paragraph's label; other numbers stay in the text.
                let num = c.child("num").map(Element::text).unwrap_or_default();
                let rest = c.text_without("num");
                if let Some((label, "")) = pp_label(&num)
                    && !rest.is_empty()
                {
                    out.push(PreambleParagraph {
                        label: Some(label.to_string()),
                        text: rest,
                    });
                    continue;
                }
                let text = c.text();
                if !text.is_empty() {
                    out.push(PreambleParagraph { label: None, text });
                }
            }
        }
    }
}

struct BodyWalker<'w> {
    article_name: Option<&'static str>,
    items: Vec<BodyItem>,
    /// Headings waiting for the next article.
    pending: Vec<String>,
    warnings: &'w mut Vec<String>,
}

impl BodyWalker<'_> {
    fn walk(&mut self, e: &Element) {
        for c in e.elements() {
            let name = c.name.as_str();
            if Some(name) == self.article_name {
                let a = self.article(c);
                self.items.push(BodyItem::Article(a));
            } else if matches!(name, "num" | "heading" | "subheading") {
                // Read by the division that holds them.
            } else if c.has(self.article_name.unwrap_or("article")) {
                self.division(c);
                self.walk(c);
            } else if UNITS.contains(&name) || TRANSPARENT.contains(&name) || name == "p" {
                let t = c.text();
                if !t.is_empty() {
                    self.warnings
                        .push(format!("text outside any article was not imported: {t}"));
                }
            }
        }
    }

    fn division(&mut self, c: &Element) {
        let num = c.child("num").map(Element::text).unwrap_or_default();
        let heading = c.child("heading").map(Element::text).unwrap_or_default();
        let kind = match c.name.as_str() {
            "part" => Some("Part"),
            "chapter" => Some("Chapter"),
            "section" => Some("Section"),
            "subsection" => Some("Sub-section"),
            "title" => Some("Title"),
            _ => None,
        };
        if let Some(kind) = kind
            && !num.is_empty()
        {
            let label = strip_kind(&num, kind).trim_end_matches('.').trim();
            let title = (!heading.is_empty()).then(|| heading.clone());
            let line = match &title {
                Some(t) => format!("{kind} {label} - {t}"),
                None => format!("{kind} {label}"),
            };
            if let Some((k, l, t)) = division_heading(&line, false)
                && k == kind
                && l == label
                && t == title
            {
                self.items.push(BodyItem::Division {
                    kind: k,
                    label: l,
                    title: t,
                });
                return;
            }
        }
        let text = collapse(&format!("{num} {heading}"));
        if !text.is_empty() {
            self.pending.push(text);
        }
    }

    fn article(&mut self, e: &Element) -> ImportedArticle {
        let count = self
            .items
            .iter()
            .filter(|i| matches!(i, BodyItem::Article(_)))
            .count();
        let num = e.child("num").map(Element::text).unwrap_or_default();
        let raw = strip_kind(&num, "Article");
        let raw = strip_kind(raw, "Section").trim_end_matches('.').trim();
        let number = match article_heading(&format!("Article {raw}")) {
            Some((n, None)) if n == raw => n,
            _ => {
                let n = (count + 1).to_string();
                self.warnings.push(format!(
                    "article numbered `{num}` is imported as Article {n} (that number cannot be written as an article heading)"
                ));
                n
            }
        };
        let title = e
            .child("heading")
            .map(Element::text)
            .filter(|t| !t.is_empty());
        let mut blocks: Vec<ImportedBlock> = std::mem::take(&mut self.pending)
            .into_iter()
            .map(ImportedBlock::Heading)
            .collect();
        unit_children(e, None, &mut blocks);
        ImportedArticle {
            number,
            title,
            blocks,
        }
    }
}

/// `CHAPTER I` → `I`, `Article 4` → `4` (case-insensitive); anything else unchanged.
fn strip_kind<'a>(num: &'a str, kind: &str) -> &'a str {
    let t = num.trim();
    match t.get(..kind.len()) {
        Some(h) if h.eq_ignore_ascii_case(kind) && t[kind.len()..].starts_with(' ') => {
            t[kind.len()..].trim()
        }
        _ => t,
    }
}

/// One block from a unit's number and text, labelled the way the plain reader labels:
/// `1`, `1.`, `1)` → paragraph `1`; `a`, `a.`, `a)`, `(a)` → point `(a)`; `(1)` → point
/// `(1)`; any other number stays at the start of the text.
pub(crate) fn labelled(num: &str, text: &str) -> ImportedBlock {
    let n = num.trim();
    let core = n.trim_start_matches('(').trim_end_matches(['.', ')']);
    let is_letters =
        !core.is_empty() && core.len() <= 4 && core.bytes().all(|b| b.is_ascii_lowercase());
    let is_digits = !core.is_empty() && core.len() <= 3 && core.bytes().all(|b| b.is_ascii_digit());
    let n = if is_letters || (is_digits && n.starts_with('(')) {
        format!("({core})")
    } else if is_digits {
        format!("{core}.")
    } else {
        n.to_string()
    };
    let whole = if text.is_empty() {
        n
    } else {
        format!("{n} {text}")
    };
    classify(&whole)
}

/// The blocks of an article (or the body of a resolution, or an annex): every unit below
/// `e`, in order. `label` is a number handed down by a parent unit that had no text yet.
fn unit_children(e: &Element, label: Option<String>, out: &mut Vec<ImportedBlock>) {
    let mut label = label;
    let mut lines: Vec<String> = Vec::new();
    walk_unit(e, &mut label, &mut lines, out);
    flush(&mut label, &mut lines, out, true);
}

fn flush(
    label: &mut Option<String>,
    lines: &mut Vec<String>,
    out: &mut Vec<ImportedBlock>,
    end: bool,
) {
    if lines.is_empty() {
        if end && let Some(l) = label.take() {
            out.push(labelled(&l, ""));
        }
        return;
    }
    let text = std::mem::take(lines).join("\n");
    out.push(match label.take() {
        Some(l) => labelled(&l, &text),
        None => classify(&text),
    });
}

fn walk_unit(
    e: &Element,
    label: &mut Option<String>,
    lines: &mut Vec<String>,
    out: &mut Vec<ImportedBlock>,
) {
    for n in &e.children {
        let c = match n {
            XmlNode::Text(t) => {
                let t = collapse(t);
                if !t.is_empty() {
                    lines.push(t);
                }
                continue;
            }
            XmlNode::Element(c) => c,
        };
        let name = c.name.as_str();
        if matches!(name, "num" | "meta" | "authorialNote" | "del" | "remark") {
            continue;
        }
        if let Some(note) = note(c) {
            flush(label, lines, out, true);
            out.push(note);
            continue;
        }
        // A structure's heading is its title, read by the caller; a unit's is text.
        if matches!(name, "heading" | "subheading") && !UNITS.contains(&e.name.as_str()) {
            continue;
        }
        if matches!(name, "hcontainer" | "crossHeading") && c.child("heading").is_some() {
            // A heading inside an article (`hcontainer name="subheading"`).
            flush(label, lines, out, true);
            let num = c.child("num").map(Element::text).unwrap_or_default();
            let heading = c.child("heading").map(Element::text).unwrap_or_default();
            let h = collapse(&format!("{num} {heading}"));
            if !h.is_empty() {
                out.push(ImportedBlock::Heading(h));
            }
            walk_unit(c, label, lines, out);
        } else if UNITS.contains(&name) {
            let own = c.child("num").map(Element::text);
            // A parent number with no text yet goes to the first unnumbered child.
            let inherited = if own.is_none() && lines.is_empty() {
                label.take()
            } else {
                flush(label, lines, out, true);
                None
            };
            let mut child_label = own.or(inherited);
            let mut child_lines = Vec::new();
            walk_unit(c, &mut child_label, &mut child_lines, out);
            flush(&mut child_label, &mut child_lines, out, true);
        } else if TRANSPARENT.contains(&name) {
            walk_unit(c, label, lines, out);
        } else {
            let t = c.text();
            if !t.is_empty() {
                lines.push(t);
            }
        }
    }
}

fn annex(d: &Element, n: usize, warnings: &mut Vec<String>) -> ImportedAnnex {
    // `<docNumber>Annex II</docNumber>` gives the label; else annexes are numbered 1, 2, ….
    let number = d
        .child("preface")
        .and_then(|p| p.find("docNumber"))
        .map(Element::text)
        .unwrap_or_default();
    let label = match annex_heading(&format!("Annex {}", strip_kind(&number, "Annex")), false) {
        Some((l, None)) if !number.is_empty() => l,
        _ => n.to_string(),
    };
    let title = title_of(d);
    let mut blocks = Vec::new();
    if let Some(body) = d.child("body").or_else(|| d.child("mainBody")) {
        annex_blocks(body, &mut blocks);
    } else {
        warnings.push(format!("annex {label} has no body; imported empty"));
    }
    ImportedAnnex {
        label,
        title,
        blocks,
    }
}

/// `<p class="note">[^1]: …</p>`, as `treaty export` writes a footnote or link reference.
fn note(e: &Element) -> Option<ImportedBlock> {
    if e.name != "p" || e.attr("class") != Some("note") {
        return None;
    }
    let text = e.text();
    let (label, rest) = crate::draft::block::definition(&text)?;
    Some(ImportedBlock::Note {
        label: label.to_string(),
        text: rest.to_string(),
    })
}

/// Annex content: divisions and articles become headings inside the annex.
fn annex_blocks(e: &Element, out: &mut Vec<ImportedBlock>) {
    for c in e.elements() {
        if let Some(note) = note(c) {
            out.push(note);
            continue;
        }
        let name = c.name.as_str();
        let is_structure = matches!(
            name,
            "article" | "section" | "part" | "chapter" | "title" | "tblock"
        ) || (name == "hcontainer" && c.child("heading").is_some());
        if is_structure {
            let num = c.child("num").map(Element::text).unwrap_or_default();
            let heading = c.child("heading").map(Element::text).unwrap_or_default();
            let h = collapse(&format!("{num} {heading}"));
            if !h.is_empty() {
                out.push(ImportedBlock::Heading(h));
            }
            if c.elements().any(|x| {
                matches!(
                    x.name.as_str(),
                    "article" | "section" | "part" | "chapter" | "title" | "tblock"
                )
            }) {
                annex_blocks(c, out);
            } else {
                unit_children(c, None, out);
            }
        } else if !matches!(name, "num" | "heading") {
            let mut one = Element {
                name: "body".into(),
                ..Element::default()
            };
            one.children.push(XmlNode::Element(c.clone()));
            unit_children(&one, None, out);
        }
    }
}
