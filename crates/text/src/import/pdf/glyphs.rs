//! The text of a PDF as positioned glyphs: a content-stream walker over `lopdf`'s parser.
//!
//! For every glyph drawn it records the page, the origin of the glyph in user space (x to
//! the right, y up, baseline), its advance, the size it is drawn at, its font (with bold
//! and italic read from the font's name) and whether it sits inside `/Artifact` marked
//! content (running heads and page numbers in a tagged PDF say so themselves).
//!
//! Handled: the text state (`Tc`, `Tw`, `Tz`, `TL`, `Tf`, `Ts`), text positioning (`Tm`,
//! `Td`, `TD`, `T*`), the showing operators (`Tj`, `TJ`, `'`, `"`), the graphics state's
//! matrix (`q`, `Q`, `cm`), form XObjects (`Do`, nested up to [`MAX_FORM_DEPTH`]), simple
//! fonts (one byte per glyph, `/Widths`) and composite fonts (two bytes per glyph, `/W`
//! and `/DW` of the descendant font). Characters come from the font's encoding or its
//! `/ToUnicode` map, as `lopdf` decodes them. Images are not text: a page that only holds
//! a scanned image has no glyphs.

use std::collections::HashMap;

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Encoding, Object, ObjectId};

/// Form XObjects inside form XObjects are followed this deep, no deeper.
const MAX_FORM_DEPTH: usize = 8;
/// Largest decompressed content of one page (or form) read, against compression bombs.
const MAX_CONTENT: usize = 64 << 20;

/// A font as the importer sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct FontStyle {
    /// The base font name without a subset tag: `Times New Roman,BoldItalic`.
    pub name: String,
    pub bold: bool,
    pub italic: bool,
}

impl FontStyle {
    pub fn from_name(raw: &str) -> FontStyle {
        // A subset tag: six capitals and `+` (`ABCDEF+Calibri`).
        let name = match raw.split_once('+') {
            Some((tag, rest)) if tag.len() == 6 && tag.bytes().all(|b| b.is_ascii_uppercase()) => {
                rest
            }
            _ => raw,
        };
        let lower = name.to_ascii_lowercase();
        FontStyle {
            bold: ["bold", "black", "heavy", "semibold", "demi"]
                .iter()
                .any(|w| lower.contains(w)),
            italic: lower.contains("italic") || lower.contains("oblique"),
            name: name.to_string(),
        }
    }
}

/// One glyph drawn on a page.
#[derive(Clone, Debug, PartialEq)]
pub struct Glyph {
    /// What the glyph stands for (usually one character; a ligature gives several; a
    /// glyph with no Unicode mapping gives none).
    pub text: String,
    /// Origin (left end of the baseline), in points from the page's lower left corner.
    pub x: f32,
    pub y: f32,
    /// Horizontal advance, in points.
    pub width: f32,
    /// The size it is drawn at, in points.
    pub size: f32,
    /// Index into [`Glyphs::fonts`].
    pub font: u16,
    /// Inside `/Artifact` marked content: page furniture by the producer's own account.
    pub artifact: bool,
}

/// One page's glyphs, in drawing order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PageGlyphs {
    /// 1-based page number.
    pub number: u32,
    /// The page's media box: width and height in points.
    pub width: f32,
    pub height: f32,
    pub glyphs: Vec<Glyph>,
}

/// The whole document's glyphs.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Glyphs {
    pub pages: Vec<PageGlyphs>,
    pub fonts: Vec<FontStyle>,
    /// The document information dictionary's `/Title`, if any.
    pub title: Option<String>,
}

/// Why a PDF's text cannot be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PdfProblem {
    /// Not a PDF at all (no `%PDF-` header).
    NotPdf,
    /// No `%%EOF` at the end: the file was cut off.
    Truncated,
    /// `lopdf` could not parse the file.
    Unreadable(String),
    /// It needs a password.
    Encrypted,
    /// The file has no pages.
    NoPages,
    /// One page's content could not be read.
    Page { page: u32, reason: String },
    /// Not one glyph of text on any page: a scan without a text layer.
    NoText { pages: usize },
}

/// Reads every page's glyphs.
pub fn read(bytes: &[u8]) -> Result<Glyphs, PdfProblem> {
    let head = &bytes[..bytes.len().min(1024)];
    if !head.windows(5).any(|w| w == b"%PDF-") {
        return Err(PdfProblem::NotPdf);
    }
    // The file must end with `%%EOF` (a few bytes of line ends or padding may follow).
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    if !tail.windows(5).any(|w| w == b"%%EOF") {
        return Err(PdfProblem::Truncated);
    }
    let doc = Document::load_mem(bytes).map_err(|e| PdfProblem::Unreadable(e.to_string()))?;
    if doc.is_encrypted() {
        return Err(PdfProblem::Encrypted);
    }
    let pages = doc.get_pages();
    if pages.is_empty() {
        return Err(PdfProblem::NoPages);
    }
    let mut walker = Walker {
        doc: &doc,
        fonts: Vec::new(),
        font_index: HashMap::new(),
        loaded: HashMap::new(),
    };
    let mut out = Glyphs {
        title: info_title(&doc),
        ..Glyphs::default()
    };
    for (&number, &page_id) in &pages {
        let page_err = |reason: String| PdfProblem::Page {
            page: number,
            reason,
        };
        let (width, height) = media_box(&doc, page_id);
        for id in doc.get_page_contents(page_id) {
            doc.get_object(id)
                .and_then(Object::as_stream)
                .map_err(|e| {
                    page_err(format!("its content ({} {} R) is missing: {e}", id.0, id.1))
                })?;
        }
        let content = doc
            .get_page_content_with_limit(page_id, MAX_CONTENT)
            .map_err(|e| page_err(e.to_string()))?;
        let resources = page_resources(&doc, page_id);
        let mut page = PageGlyphs {
            number,
            width,
            height,
            glyphs: Vec::new(),
        };
        let mut state = State::default();
        walker
            .walk(&content, &resources, &mut state, &mut page.glyphs, 0)
            .map_err(page_err)?;
        out.pages.push(page);
    }
    out.fonts = walker.fonts;
    Ok(out)
}

fn info_title(doc: &Document) -> Option<String> {
    let info = doc.trailer.get(b"Info").ok()?;
    let info = match info {
        Object::Reference(id) => doc.get_dictionary(*id).ok()?,
        Object::Dictionary(d) => d,
        _ => return None,
    };
    let title = info.get_deref(b"Title", doc).ok()?;
    let s = lopdf::decode_text_string(title).ok()?;
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

/// The page's media box (inherited from the page tree if need be); A4 if there is none.
fn media_box(doc: &Document, page_id: ObjectId) -> (f32, f32) {
    let mut node = doc.get_dictionary(page_id).ok();
    for _ in 0..32 {
        let Some(d) = node else { break };
        if let Ok(Object::Array(a)) = d.get_deref(b"MediaBox", doc)
            && a.len() == 4
        {
            let v: Vec<f32> = a.iter().map(|o| num(doc, o)).collect();
            return ((v[2] - v[0]).abs(), (v[3] - v[1]).abs());
        }
        node = d
            .get(b"Parent")
            .and_then(Object::as_reference)
            .and_then(|id| doc.get_dictionary(id))
            .ok();
    }
    (595.0, 842.0)
}

/// A page's resource dictionaries, nearest first (a page may inherit them).
fn page_resources(doc: &Document, page_id: ObjectId) -> Vec<&Dictionary> {
    let Ok((own, ids)) = doc.get_page_resources(page_id) else {
        return Vec::new();
    };
    own.into_iter()
        .chain(ids.into_iter().filter_map(|id| doc.get_dictionary(id).ok()))
        .collect()
}

fn num(doc: &Document, o: &Object) -> f32 {
    match o {
        Object::Reference(id) => doc.get_object(*id).map_or(0.0, |o| num(doc, o)),
        o => o.as_float().unwrap_or(0.0),
    }
}

type Matrix = [f32; 6];
const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `a × b` for PDF's row-vector matrices.
fn mul(a: Matrix, b: Matrix) -> Matrix {
    [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]
}

/// A font ready for decoding: its encoding, how many bytes a code takes, its widths.
struct LoadedFont<'d> {
    encoding: Option<Encoding<'d>>,
    two_byte: bool,
    /// Code → width in thousandths of the text size.
    widths: HashMap<u32, f32>,
    default_width: f32,
    style: u16,
}

/// What `q` saves and `Q` restores: the matrix and the text state parameters.
#[derive(Clone)]
struct Saved {
    ctm: Matrix,
    char_spacing: f32,
    word_spacing: f32,
    scale: f32,
    leading: f32,
    rise: f32,
    size: f32,
    font: Option<FontKey>,
}

#[derive(Clone)]
struct State {
    ctm: Matrix,
    stack: Vec<Saved>,
    tm: Matrix,
    tlm: Matrix,
    char_spacing: f32,
    word_spacing: f32,
    scale: f32,
    leading: f32,
    rise: f32,
    size: f32,
    /// The current font, by its object id or (for an inline dictionary) its resource name.
    font: Option<FontKey>,
    /// For each open marked-content sequence: whether it is an artifact.
    marked: Vec<bool>,
}

impl Default for State {
    fn default() -> State {
        State {
            ctm: IDENTITY,
            stack: Vec::new(),
            tm: IDENTITY,
            tlm: IDENTITY,
            char_spacing: 0.0,
            word_spacing: 0.0,
            scale: 1.0,
            leading: 0.0,
            rise: 0.0,
            size: 0.0,
            font: None,
            marked: Vec::new(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum FontKey {
    Object(ObjectId),
    Inline(Vec<u8>),
}

struct Walker<'d> {
    doc: &'d Document,
    fonts: Vec<FontStyle>,
    font_index: HashMap<String, u16>,
    loaded: HashMap<FontKey, LoadedFont<'d>>,
}

impl<'d> Walker<'d> {
    fn style_index(&mut self, raw_name: &str) -> u16 {
        if let Some(&i) = self.font_index.get(raw_name) {
            return i;
        }
        let i = u16::try_from(self.fonts.len()).unwrap_or(u16::MAX);
        self.fonts.push(FontStyle::from_name(raw_name));
        self.font_index.insert(raw_name.to_string(), i);
        i
    }

    /// Finds font `name` in the resources and loads it once.
    fn select_font(&mut self, name: &[u8], resources: &[&'d Dictionary]) -> Option<FontKey> {
        let doc = self.doc;
        for res in resources {
            let Ok(fonts) = res.get_deref(b"Font", doc).and_then(Object::as_dict) else {
                continue;
            };
            let Ok(entry) = fonts.get(name) else { continue };
            let (key, dict) = match entry {
                Object::Reference(id) => (FontKey::Object(*id), doc.get_dictionary(*id).ok()?),
                Object::Dictionary(d) => (FontKey::Inline(name.to_vec()), d),
                _ => return None,
            };
            if !self.loaded.contains_key(&key) {
                let font = self.load_font(dict);
                self.loaded.insert(key.clone(), font);
            }
            return Some(key);
        }
        None
    }

    fn load_font(&mut self, dict: &'d Dictionary) -> LoadedFont<'d> {
        let doc = self.doc;
        let base = dict
            .get_deref(b"BaseFont", doc)
            .and_then(Object::as_name)
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .unwrap_or_default();
        let two_byte = dict
            .get(b"Subtype")
            .and_then(Object::as_name)
            .is_ok_and(|s| s == b"Type0");
        let mut widths = HashMap::new();
        let mut default_width = if two_byte { 1000.0 } else { 500.0 };
        if two_byte {
            let descendant = dict
                .get_deref(b"DescendantFonts", doc)
                .and_then(Object::as_array)
                .ok()
                .and_then(|a| a.first())
                .and_then(|o| match o {
                    Object::Reference(id) => doc.get_dictionary(*id).ok(),
                    Object::Dictionary(d) => Some(d),
                    _ => None,
                });
            if let Some(d) = descendant {
                if let Ok(dw) = d.get_deref(b"DW", doc) {
                    default_width = num(doc, dw);
                }
                if let Ok(Object::Array(w)) = d.get_deref(b"W", doc) {
                    cid_widths(doc, w, &mut widths);
                }
            }
        } else {
            let first = dict
                .get_deref(b"FirstChar", doc)
                .map_or(0.0, |o| num(doc, o)) as u32;
            if let Ok(Object::Array(w)) = dict.get_deref(b"Widths", doc) {
                for (k, o) in w.iter().enumerate() {
                    widths.insert(first + k as u32, num(doc, o));
                }
            }
            if let Ok(fd) = dict
                .get_deref(b"FontDescriptor", doc)
                .and_then(Object::as_dict)
                && let Ok(mw) = fd.get_deref(b"MissingWidth", doc)
            {
                let mw = num(doc, mw);
                if mw > 0.0 {
                    default_width = mw;
                }
            }
        }
        LoadedFont {
            encoding: dict.get_font_encoding(doc).ok(),
            two_byte,
            widths,
            default_width,
            style: self.style_index(&base),
        }
    }

    fn walk(
        &mut self,
        content: &[u8],
        resources: &[&'d Dictionary],
        st: &mut State,
        out: &mut Vec<Glyph>,
        depth: usize,
    ) -> Result<(), String> {
        let content =
            Content::decode(content).map_err(|e| format!("its content cannot be read: {e}"))?;
        let doc = self.doc;
        for op in &content.operations {
            let o = &op.operands;
            let f = |i: usize| o.get(i).map_or(0.0, |x| num(doc, x));
            match op.operator.as_str() {
                "q" => st.stack.push(Saved {
                    ctm: st.ctm,
                    char_spacing: st.char_spacing,
                    word_spacing: st.word_spacing,
                    scale: st.scale,
                    leading: st.leading,
                    rise: st.rise,
                    size: st.size,
                    font: st.font.clone(),
                }),
                "Q" => {
                    if let Some(m) = st.stack.pop() {
                        st.ctm = m.ctm;
                        st.char_spacing = m.char_spacing;
                        st.word_spacing = m.word_spacing;
                        st.scale = m.scale;
                        st.leading = m.leading;
                        st.rise = m.rise;
                        st.size = m.size;
                        st.font = m.font;
                    }
                }
                "cm" if o.len() == 6 => st.ctm = mul([f(0), f(1), f(2), f(3), f(4), f(5)], st.ctm),
                "BT" => {
                    st.tm = IDENTITY;
                    st.tlm = IDENTITY;
                }
                "Tc" => st.char_spacing = f(0),
                "Tw" => st.word_spacing = f(0),
                "Tz" => st.scale = f(0) / 100.0,
                "TL" => st.leading = f(0),
                "Ts" => st.rise = f(0),
                "Tf" if o.len() == 2 => {
                    st.size = f(1);
                    st.font = o[0]
                        .as_name()
                        .ok()
                        .and_then(|n| self.select_font(n, resources));
                }
                "Tm" if o.len() == 6 => {
                    st.tm = [f(0), f(1), f(2), f(3), f(4), f(5)];
                    st.tlm = st.tm;
                }
                "Td" | "TD" if o.len() == 2 => {
                    if op.operator == "TD" {
                        st.leading = -f(1);
                    }
                    st.tlm = mul([1.0, 0.0, 0.0, 1.0, f(0), f(1)], st.tlm);
                    st.tm = st.tlm;
                }
                "T*" => next_line(st),
                "Tj" => {
                    if let Some(Object::String(s, _)) = o.first() {
                        self.show(s, st, out);
                    }
                }
                "'" => {
                    next_line(st);
                    if let Some(Object::String(s, _)) = o.first() {
                        self.show(s, st, out);
                    }
                }
                "\"" if o.len() == 3 => {
                    st.word_spacing = f(0);
                    st.char_spacing = f(1);
                    next_line(st);
                    if let Object::String(s, _) = &o[2] {
                        self.show(s, st, out);
                    }
                }
                "TJ" => {
                    if let Some(Object::Array(items)) = o.first() {
                        for item in items {
                            match item {
                                Object::String(s, _) => self.show(s, st, out),
                                other => {
                                    let adjust = num(doc, other);
                                    let tx = -adjust / 1000.0 * st.size * st.scale;
                                    st.tm = mul([1.0, 0.0, 0.0, 1.0, tx, 0.0], st.tm);
                                }
                            }
                        }
                    }
                }
                "BDC" | "BMC" => {
                    let artifact = o
                        .first()
                        .and_then(|t| t.as_name().ok())
                        .is_some_and(|t| t == b"Artifact");
                    let inside = st.marked.last().copied().unwrap_or(false);
                    st.marked.push(artifact || inside);
                }
                "EMC" => {
                    st.marked.pop();
                }
                "Do" if depth < MAX_FORM_DEPTH => {
                    if let Some(name) = o.first().and_then(|n| n.as_name().ok()) {
                        self.form(name, resources, st, out, depth)?;
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Draws a form XObject's text, with its own resources and matrix.
    fn form(
        &mut self,
        name: &[u8],
        resources: &[&'d Dictionary],
        st: &mut State,
        out: &mut Vec<Glyph>,
        depth: usize,
    ) -> Result<(), String> {
        let doc = self.doc;
        let stream = resources.iter().find_map(|res| {
            let xobjects = res
                .get_deref(b"XObject", doc)
                .and_then(Object::as_dict)
                .ok()?;
            xobjects
                .get_deref(name, doc)
                .and_then(Object::as_stream)
                .ok()
        });
        let Some(stream) = stream else { return Ok(()) };
        if !stream
            .dict
            .get(b"Subtype")
            .and_then(Object::as_name)
            .is_ok_and(|s| s == b"Form")
        {
            return Ok(());
        }
        let Ok(content) = stream.decompressed_content_with_limit(MAX_CONTENT) else {
            return Ok(());
        };
        let mut inner: Vec<&'d Dictionary> = Vec::new();
        if let Ok(r) = stream
            .dict
            .get_deref(b"Resources", doc)
            .and_then(Object::as_dict)
        {
            inner.push(r);
        }
        inner.extend_from_slice(resources);
        let matrix = match stream.dict.get_deref(b"Matrix", doc) {
            Ok(Object::Array(a)) if a.len() == 6 => {
                let v: Vec<f32> = a.iter().map(|o| num(doc, o)).collect();
                [v[0], v[1], v[2], v[3], v[4], v[5]]
            }
            _ => IDENTITY,
        };
        let mut sub = st.clone();
        sub.ctm = mul(matrix, st.ctm);
        sub.stack.clear();
        self.walk(&content, &inner, &mut sub, out, depth + 1)
    }

    /// Draws string `s` with the current text state: one glyph per character code.
    fn show(&mut self, s: &[u8], st: &mut State, out: &mut Vec<Glyph>) {
        let Some(key) = st.font.clone() else { return };
        let Some(font) = self.loaded.get(&key) else {
            return;
        };
        let step = if font.two_byte { 2 } else { 1 };
        let artifact = st.marked.last().copied().unwrap_or(false);
        for code_bytes in s.chunks(step) {
            let code = code_bytes.iter().fold(0u32, |a, &b| a << 8 | u32::from(b));
            let w0 = font
                .widths
                .get(&code)
                .copied()
                .unwrap_or(font.default_width)
                / 1000.0;
            let text = match &font.encoding {
                Some(enc) => enc.bytes_to_string(code_bytes).unwrap_or_default(),
                None => String::new(),
            };
            let trm = mul(
                [st.size * st.scale, 0.0, 0.0, st.size, 0.0, st.rise],
                mul(st.tm, st.ctm),
            );
            let size = (trm[2] * trm[2] + trm[3] * trm[3]).sqrt();
            let spacing = st.char_spacing
                + if step == 1 && code == 32 {
                    st.word_spacing
                } else {
                    0.0
                };
            let tx = (w0 * st.size + spacing) * st.scale;
            // The advance in user space: the text-space step through the matrices.
            let m = mul(st.tm, st.ctm);
            let width = tx * (m[0] * m[0] + m[1] * m[1]).sqrt();
            let text: String = text.chars().filter(|c| *c != '\u{0}').collect();
            out.push(Glyph {
                text,
                x: trm[4],
                y: trm[5],
                width,
                size,
                font: font.style,
                artifact,
            });
            st.tm = mul([1.0, 0.0, 0.0, 1.0, tx, 0.0], st.tm);
        }
    }
}

fn next_line(st: &mut State) {
    st.tlm = mul([1.0, 0.0, 0.0, 1.0, 0.0, -st.leading], st.tlm);
    st.tm = st.tlm;
}

/// A composite font's `/W` array: `c [w1 w2 …]` or `c_first c_last w`.
fn cid_widths(doc: &Document, w: &[Object], out: &mut HashMap<u32, f32>) {
    let mut i = 0;
    while i < w.len() {
        let first = num(doc, &w[i]) as u32;
        match w.get(i + 1) {
            Some(Object::Array(list)) => {
                for (k, o) in list.iter().enumerate() {
                    out.insert(first + k as u32, num(doc, o));
                }
                i += 2;
            }
            Some(last) => {
                let last = num(doc, last) as u32;
                let width = w.get(i + 2).map_or(0.0, |o| num(doc, o));
                // A range is bounded: a hostile file cannot make us fill memory.
                for c in first..=last.min(first.saturating_add(65_535)) {
                    out.insert(c, width);
                }
                i += 3;
            }
            None => break,
        }
    }
}
