//! DOCX export: a WordprocessingML package written part by part.
//!
//! * Headings use the built-in styles Word and LibreOffice know (`Title`, `Heading1` for
//!   the preamble and divisions, `Heading2` for articles and annexes, `Heading3` for
//!   sub-headings), so the navigation pane and a table of contents work.
//! * Paragraphs and points keep their treaty numbers (`2 bis.`, `(a)`) as text before a
//!   tab, in the styles `TreatyParagraph`, `TreatyPoint`, `TreatySubPoint` (hanging
//!   indents). Word's list numbering cannot count `2 bis` or keep a number when a
//!   paragraph is deleted, and literal numbers read back exactly.
//! * Brackets, attributions, placeholders, status marks and option labels use character
//!   styles (`TreatyBracket1`…, `TreatyAttribution`, …) coloured from the theme.
//! * Every clause id is a bookmark (`c_` + the id, other characters as `_`).
//! * A comparison is written as tracked changes: `w:ins` and `w:del` with the delegation,
//!   round or commit as author, so Word's and LibreOffice's review tools can accept or
//!   reject them; moved clauses carry a note.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::io::{Cursor, Write};

use zip::CompressionMethod;
use zip::write::{SimpleFileOptions, ZipWriter};

use super::style::{self, Revision, Role, Run};
use super::{Document, ExportError, Item, Mark, xml_escape};
use crate::draft::ClauseKind;
use crate::inline::Definitions;
use crate::theme::{Style, Theme};

const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// The paragraph style for an item.
pub fn paragraph_style(item: &Item) -> &'static str {
    match item.kind {
        ClauseKind::Title => "Title",
        ClauseKind::Preamble | ClauseKind::Division => "Heading1",
        ClauseKind::Article | ClauseKind::Annex => "Heading2",
        ClauseKind::Heading => "Heading3",
        ClauseKind::PreambleParagraph => "TreatyPreamble",
        ClauseKind::Paragraph => "TreatyParagraph",
        ClauseKind::Point if item.depth >= 4 => "TreatySubPoint",
        ClauseKind::Point => "TreatyPoint",
    }
}

/// The character style for a role (`None` for agreed text).
pub fn character_style(role: Role) -> Option<String> {
    Some(match role.folded() {
        Role::Text => return None,
        Role::Bracketed(d) => format!("TreatyBracket{d}"),
        Role::Mark(d) => format!("TreatyMark{d}"),
        Role::Attribution => "TreatyAttribution".into(),
        Role::AttributionDelete => "TreatyAttributionDelete".into(),
        Role::Placeholder => "TreatyPlaceholder".into(),
        Role::Status => "TreatyStatus".into(),
        Role::Agreed => "TreatyAgreed".into(),
        Role::OptionLabel => "TreatyOptionLabel".into(),
        Role::NoText => "TreatyNoText".into(),
    })
}

/// `w:rPr` children for a theme style, in schema order.
fn run_props(style: &Style) -> String {
    let mut s = String::new();
    if style.bold == Some(true) {
        s.push_str("<w:b/>");
    }
    if style.italic == Some(true) {
        s.push_str("<w:i/>");
    }
    if style.crossed_out == Some(true) {
        s.push_str("<w:strike/>");
    }
    if let Some(c) = style.fg.and_then(style::hex) {
        let _ = write!(s, "<w:color w:val=\"{}\"/>", &c[1..]);
    }
    if style.underline == Some(true) {
        s.push_str("<w:u w:val=\"single\"/>");
    }
    if let Some(c) = style.bg.and_then(style::hex) {
        let _ = write!(
            s,
            "<w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"{}\"/>",
            &c[1..]
        );
    }
    s
}

/// The paragraph style of a footnote or link reference (`[^1]: …`), which `treaty import`
/// reads back as a note rather than a clause.
pub const NOTE_STYLE: &str = "TreatyNoteParagraph";

fn styles_xml(theme: &Theme) -> String {
    let mut s = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:styles xmlns:w=\"{W_NS}\">\
<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii=\"Times New Roman\" w:hAnsi=\"Times New Roman\" w:cs=\"Times New Roman\"/><w:sz w:val=\"24\"/><w:lang w:val=\"en-GB\"/></w:rPr></w:rPrDefault>\
<w:pPrDefault><w:pPr><w:spacing w:after=\"120\" w:line=\"264\" w:lineRule=\"auto\"/></w:pPr></w:pPrDefault></w:docDefaults>\
<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/></w:style>\
<w:style w:type=\"character\" w:default=\"1\" w:styleId=\"DefaultParagraphFont\"><w:name w:val=\"Default Paragraph Font\"/><w:uiPriority w:val=\"1\"/><w:semiHidden/></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"Title\"><w:name w:val=\"Title\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before=\"240\" w:after=\"360\"/><w:jc w:val=\"center\"/></w:pPr><w:rPr><w:b/><w:sz w:val=\"36\"/></w:rPr></w:style>"
    );
    for (level, size, before) in [(1, 30, 360), (2, 26, 280), (3, 24, 200)] {
        let _ = write!(
            s,
            "<w:style w:type=\"paragraph\" w:styleId=\"Heading{level}\"><w:name w:val=\"heading {level}\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:uiPriority w:val=\"9\"/><w:qFormat/><w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before=\"{before}\" w:after=\"120\"/><w:outlineLvl w:val=\"{}\"/></w:pPr><w:rPr><w:b/>{}<w:sz w:val=\"{size}\"/></w:rPr></w:style>",
            level - 1,
            if level == 3 { "<w:i/>" } else { "" }
        );
    }
    for (id, name, left) in [
        ("TreatyPreamble", "Treaty preamble paragraph", 0),
        ("TreatyParagraph", "Treaty paragraph", 567),
        ("TreatyPoint", "Treaty point", 1134),
        ("TreatySubPoint", "Treaty sub-point", 1701),
    ] {
        let ind = if left == 0 {
            String::new()
        } else {
            format!(
                "<w:tabs><w:tab w:val=\"left\" w:pos=\"{left}\"/></w:tabs><w:ind w:left=\"{left}\" w:hanging=\"567\"/>"
            )
        };
        let _ = write!(
            s,
            "<w:style w:type=\"paragraph\" w:customStyle=\"1\" w:styleId=\"{id}\"><w:name w:val=\"{name}\"/><w:basedOn w:val=\"Normal\"/><w:qFormat/><w:pPr>{ind}<w:jc w:val=\"both\"/></w:pPr></w:style>"
        );
    }
    let _ = write!(
        s,
        "<w:style w:type=\"paragraph\" w:customStyle=\"1\" w:styleId=\"{NOTE_STYLE}\"><w:name w:val=\"Treaty note\"/><w:basedOn w:val=\"Normal\"/><w:qFormat/><w:pPr><w:ind w:left=\"567\"/></w:pPr><w:rPr><w:sz w:val=\"20\"/></w:rPr></w:style>"
    );
    let mut declared = HashSet::new();
    for role in Role::all() {
        let Some(id) = character_style(role) else {
            continue;
        };
        if !declared.insert(id.clone()) {
            continue;
        }
        let _ = write!(
            s,
            "<w:style w:type=\"character\" w:customStyle=\"1\" w:styleId=\"{id}\"><w:name w:val=\"{id}\"/><w:basedOn w:val=\"DefaultParagraphFont\"/><w:rPr>{}</w:rPr></w:style>",
            run_props(&style::role_style(theme, role))
        );
    }
    let _ = write!(
        s,
        "<w:style w:type=\"character\" w:customStyle=\"1\" w:styleId=\"TreatyNote\"><w:name w:val=\"TreatyNote\"/><w:basedOn w:val=\"DefaultParagraphFont\"/><w:rPr>{}<w:sz w:val=\"20\"/></w:rPr></w:style>",
        run_props(&style::change_style(theme, "diff.moved"))
    );
    s.push_str("</w:styles>\n");
    s
}

/// Builds `document.xml`'s body, numbering revisions and bookmarks.
struct Body<'a> {
    xml: String,
    next_id: u32,
    author: &'a str,
    bookmarks: HashSet<String>,
    defs: Definitions,
}

impl Body<'_> {
    fn id(&mut self) -> u32 {
        self.next_id += 1;
        self.next_id
    }

    fn revision(&mut self, tag: &str) -> String {
        let id = self.id();
        format!(
            "<w:{tag} w:id=\"{id}\" w:author=\"{}\">",
            xml_escape(self.author)
        )
    }

    /// One run (with `w:br` for line ends) wrapped in its change.
    fn run(&mut self, text: &str, char_style: Option<&str>, emphasis: bool, change: Revision) {
        let mut props = String::new();
        if let Some(s) = char_style {
            let _ = write!(props, "<w:rStyle w:val=\"{s}\"/>");
        }
        if emphasis {
            props.push_str("<w:i/>");
        }
        let text_tag = if change == Revision::Deleted {
            "w:delText"
        } else {
            "w:t"
        };
        let mut r = String::from("<w:r>");
        if !props.is_empty() {
            let _ = write!(r, "<w:rPr>{props}</w:rPr>");
        }
        for (k, line) in text.split('\n').enumerate() {
            if k > 0 {
                r.push_str("<w:br/>");
            }
            if !line.is_empty() {
                let _ = write!(
                    r,
                    "<{text_tag} xml:space=\"preserve\">{}</{text_tag}>",
                    xml_escape(line)
                );
            }
        }
        r.push_str("</w:r>");
        match change {
            Revision::None => self.xml.push_str(&r),
            Revision::Inserted => {
                let open = self.revision("ins");
                let _ = write!(self.xml, "{open}{r}</w:ins>");
            }
            Revision::Deleted => {
                let open = self.revision("del");
                let _ = write!(self.xml, "{open}{r}</w:del>");
            }
        }
    }

    fn runs(&mut self, runs: &[Run]) {
        for run in runs {
            let style = character_style(run.role);
            self.run(&run.text, style.as_deref(), run.emphasis, run.change);
        }
    }

    fn bookmark_name(&mut self, id: &str) -> String {
        let mut name: String = "c_"
            .chars()
            .chain(id.chars())
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .take(36)
            .collect();
        if !self.bookmarks.insert(name.clone()) {
            let mut k = 2;
            while !self.bookmarks.insert(format!("{name}{k}")) {
                k += 1;
            }
            name = format!("{name}{k}");
        }
        name
    }

    fn item(&mut self, item: &Item) {
        let whole = match item.mark {
            Mark::Inserted => Revision::Inserted,
            Mark::Deleted => Revision::Deleted,
            _ => Revision::None,
        };
        self.xml.push_str("<w:p><w:pPr>");
        let _ = write!(self.xml, "<w:pStyle w:val=\"{}\"/>", paragraph_style(item));
        if whole != Revision::None {
            let tag = if whole == Revision::Inserted {
                "ins"
            } else {
                "del"
            };
            let id = self.id();
            let _ = write!(
                self.xml,
                "<w:rPr><w:{tag} w:id=\"{id}\" w:author=\"{}\"/></w:rPr>",
                xml_escape(self.author)
            );
        }
        self.xml.push_str("</w:pPr>");
        let bookmark = match (&item.id, &item.mark) {
            (Some(id), m) if *m != Mark::Deleted => {
                let n = self.id();
                let name = self.bookmark_name(id);
                let _ = write!(
                    self.xml,
                    "<w:bookmarkStart w:id=\"{n}\" w:name=\"{name}\"/>"
                );
                Some(n)
            }
            _ => None,
        };
        // The number (or heading label), with an old number struck through.
        let label = if item.is_heading() {
            item.label.clone()
        } else {
            item.number()
        };
        if let Some(label) = &label {
            if let Mark::Renumbered { old } = &item.mark
                && !old.is_empty()
            {
                let old = if item.is_heading() || item.kind == ClauseKind::Point {
                    old.clone()
                } else {
                    format!("{old}.")
                };
                self.run(&old, None, false, Revision::Deleted);
                self.run(label, None, false, Revision::Inserted);
            } else {
                self.run(label, None, false, whole);
            }
        }
        if item.is_heading() {
            let title = item.title.as_deref().unwrap_or("");
            if !title.is_empty() {
                if label.is_some() {
                    self.run(". ", None, false, whole);
                }
                match (&item.title_words, whole) {
                    (Some(w), Revision::None) => {
                        let runs = style::changed_runs(&style::old_text(w), title, w, &self.defs);
                        self.runs(&runs);
                    }
                    _ => self.run(title, None, false, whole),
                }
            }
        } else {
            if label.is_some() {
                // Options start on the line after the number.
                let sep = if item.text.starts_with("Option ") {
                    "\n"
                } else {
                    "\t"
                };
                self.run(sep, None, false, whole);
            }
            let runs = style::item_runs(&item.text, item.text_words.as_deref(), whole, &self.defs);
            self.runs(&runs);
        }
        let note = match &item.mark {
            Mark::Moved { from } => Some(format!(" ⇄ moved from {from}")),
            _ => None,
        };
        if let Some(note) = note {
            self.run(&note, Some("TreatyNote"), false, Revision::None);
        }
        if let Some(src) = &item.source {
            self.run(
                &format!(" ({src})"),
                Some("TreatyNote"),
                false,
                Revision::None,
            );
        }
        if let Some(n) = bookmark {
            let _ = write!(self.xml, "<w:bookmarkEnd w:id=\"{n}\"/>");
        }
        self.xml.push_str("</w:p>");
    }
}

fn document_xml(doc: &Document) -> String {
    let mut body = Body {
        xml: String::new(),
        next_id: 0,
        author: &doc.author,
        bookmarks: HashSet::new(),
        // Links and strong emphasis as drafted: `treaty import` reads the document back.
        defs: doc.definitions().as_written(),
    };
    for (item, notes) in doc.items.iter().zip(doc.notes_after()) {
        body.item(item);
        for note in notes {
            let _ = write!(
                body.xml,
                "<w:p><w:pPr><w:pStyle w:val=\"{NOTE_STYLE}\"/></w:pPr>"
            );
            body.run(&note.line(), None, false, Revision::None);
            body.xml.push_str("</w:p>");
        }
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document xmlns:w=\"{W_NS}\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><w:body>{}<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/><w:pgMar w:top=\"1440\" w:right=\"1440\" w:bottom=\"1440\" w:left=\"1440\" w:header=\"708\" w:footer=\"708\" w:gutter=\"0\"/></w:sectPr></w:body></w:document>\n",
        body.xml
    )
}

const CONTENT_TYPES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
<Default Extension=\"xml\" ContentType=\"application/xml\"/>\
<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>\
<Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>\
<Override PartName=\"/word/settings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml\"/>\
<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>\
</Types>\n";

const ROOT_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>\
<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>\
</Relationships>\n";

const DOCUMENT_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>\
<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings\" Target=\"settings.xml\"/>\
</Relationships>\n";

fn settings_xml() -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:settings xmlns:w=\"{W_NS}\"><w:defaultTabStop w:val=\"567\"/><w:characterSpacingControl w:val=\"doNotCompress\"/><w:compat><w:compatSetting w:name=\"compatibilityMode\" w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/></w:compat></w:settings>\n"
    )
}

fn core_xml(doc: &Document) -> String {
    let description = match &doc.since {
        Some(since) => format!("{}, compared with {since}", doc.version),
        None => doc.version.clone(),
    };
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><dc:title>{}</dc:title><dc:description>{}</dc:description><dc:creator>treaty export</dc:creator></cp:coreProperties>\n",
        xml_escape(&doc.title),
        xml_escape(&description)
    )
}

/// The document as a `.docx` package.
pub fn render(doc: &Document, theme: &Theme) -> Result<Vec<u8>, ExportError> {
    let parts: [(&str, String); 7] = [
        ("[Content_Types].xml", CONTENT_TYPES.to_string()),
        ("_rels/.rels", ROOT_RELS.to_string()),
        ("word/document.xml", document_xml(doc)),
        ("word/styles.xml", styles_xml(theme)),
        ("word/settings.xml", settings_xml()),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS.to_string()),
        ("docProps/core.xml", core_xml(doc)),
    ];
    let fail = |e: &dyn std::fmt::Display| ExportError::Package(e.to_string());
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (name, text) in parts {
        zip.start_file(name, options).map_err(|e| fail(&e))?;
        zip.write_all(text.as_bytes()).map_err(|e| fail(&e))?;
    }
    let cursor = zip.finish().map_err(|e| fail(&e))?;
    Ok(cursor.into_inner())
}
