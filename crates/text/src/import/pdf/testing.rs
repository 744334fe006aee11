//! Writing PDFs laid out the way secretariats lay out negotiating texts, for tests and
//! benches: centred bold article headings, numbered paragraphs with hanging indents, a
//! running head with the document symbol, a page counter, footnotes at the page foot.
//! (Test scaffolding: behind the `testing` feature.)
//!
//! The fonts are the standard Times faces in WinAnsi encoding with a `/Widths` table of
//! our own, so the reader measures text exactly as it was set.

use lopdf::content::{Content, Operation};
use lopdf::{Dictionary, Document, Object, Stream, dictionary};

/// A face of the standard Times family.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Face {
    Regular,
    Bold,
    Italic,
    BoldItalic,
}

impl Face {
    fn resource(self) -> &'static str {
        match self {
            Face::Regular => "F1",
            Face::Bold => "F2",
            Face::Italic => "F3",
            Face::BoldItalic => "F4",
        }
    }
}

/// One run of text placed on a page (x, y: baseline origin in points from the lower left).
#[derive(Clone, Debug)]
pub struct Run {
    pub x: f32,
    pub y: f32,
    pub size: f32,
    pub face: Face,
    pub text: String,
    /// Marked as `/Artifact` (page furniture), as tagged PDFs do.
    pub artifact: bool,
}

/// One page: its runs, and whether it holds a (scanned) image.
#[derive(Clone, Debug, Default)]
pub struct Page {
    pub runs: Vec<Run>,
    pub image: bool,
}

/// Width of a character in thousandths of the type size (a rough Times).
fn advance(c: char) -> f32 {
    match c {
        ' ' => 250.0,
        'i' | 'j' | 'l' | '.' | ',' | ':' | ';' | '\'' | '!' | '|' => 278.0,
        'f' | 't' | 'r' | '(' | ')' | '[' | ']' | '-' | '/' => 333.0,
        'm' | 'w' | 'M' | 'W' => 833.0,
        'A'..='Z' => 667.0,
        _ => 500.0,
    }
}

/// How wide `text` is set at `size`, in points.
pub fn width(text: &str, size: f32) -> f32 {
    text.chars().map(|c| advance(win_ansi_char(c))).sum::<f32>() * size / 1000.0
}

fn win_ansi(c: char) -> u8 {
    match c {
        '\u{20}'..='\u{7e}' => c as u8,
        '–' => 0x96,
        '—' => 0x97,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        'é' => 0xe9,
        'è' => 0xe8,
        'ô' => 0xf4,
        '°' => 0xb0,
        _ => b'?',
    }
}

fn from_win_ansi(b: u8) -> char {
    match b {
        0x96 => '–',
        0x97 => '—',
        0x91 => '‘',
        0x92 => '’',
        0x93 => '“',
        0x94 => '”',
        0x95 => '•',
        b => b as char,
    }
}

fn win_ansi_char(c: char) -> char {
    match win_ansi(c) {
        b'?' if c != '?' => '?',
        _ => c,
    }
}

/// The PDF file of `pages` (A4).
pub fn write(pages: &[Page]) -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let widths: Vec<Object> = (32u8..=255)
        .map(|b| Object::Integer(advance(from_win_ansi(b)) as i64))
        .collect();
    let mut fonts = Dictionary::new();
    for (face, name) in [
        (Face::Regular, "Times-Roman"),
        (Face::Bold, "Times-Bold"),
        (Face::Italic, "Times-Italic"),
        (Face::BoldItalic, "Times-BoldItalic"),
    ] {
        let id = doc.add_object(dictionary! {
            "Type" => "Font",
            "Subtype" => "Type1",
            "BaseFont" => name,
            "Encoding" => "WinAnsiEncoding",
            "FirstChar" => 32,
            "LastChar" => 255,
            "Widths" => widths.clone(),
        });
        fonts.set(face.resource(), id);
    }
    let image_id = doc.add_object(Stream::new(
        dictionary! {
            "Type" => "XObject",
            "Subtype" => "Image",
            "Width" => 2,
            "Height" => 2,
            "ColorSpace" => "DeviceGray",
            "BitsPerComponent" => 8,
        },
        vec![0x20, 0xe0, 0xe0, 0x20],
    ));
    let resources_id = doc.add_object(dictionary! {
        "Font" => fonts,
        "XObject" => dictionary! { "Im1" => image_id },
    });
    let mut kids = Vec::new();
    for page in pages {
        let mut ops = Vec::new();
        if page.image {
            ops.push(Operation::new("q", vec![]));
            ops.push(Operation::new(
                "cm",
                vec![
                    480.into(),
                    0.into(),
                    0.into(),
                    700.into(),
                    57.into(),
                    70.into(),
                ],
            ));
            ops.push(Operation::new("Do", vec!["Im1".into()]));
            ops.push(Operation::new("Q", vec![]));
        }
        for r in &page.runs {
            if r.artifact {
                ops.push(Operation::new("BMC", vec!["Artifact".into()]));
            }
            let bytes: Vec<u8> = r.text.chars().map(win_ansi).collect();
            ops.push(Operation::new("BT", vec![]));
            ops.push(Operation::new(
                "Tf",
                vec![r.face.resource().into(), Object::Real(r.size)],
            ));
            ops.push(Operation::new(
                "Td",
                vec![Object::Real(r.x), Object::Real(r.y)],
            ));
            ops.push(Operation::new(
                "Tj",
                vec![Object::String(bytes, lopdf::StringFormat::Literal)],
            ));
            ops.push(Operation::new("ET", vec![]));
            if r.artifact {
                ops.push(Operation::new("EMC", vec![]));
            }
        }
        let content = Content { operations: ops }.encode().unwrap_or_default();
        let content_id = doc.add_object(Stream::new(dictionary! {}, content));
        kids.push(Object::from(doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "Contents" => content_id,
        })));
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => kids,
            "Count" => count,
            "Resources" => resources_id,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        }),
    );
    let catalog_id = doc.add_object(dictionary! {
        "Type" => "Catalog",
        "Pages" => pages_id,
    });
    doc.trailer.set("Root", catalog_id);
    doc.compress();
    let mut out = Vec::new();
    // Writing into memory cannot fail.
    let _ = doc.save_to(&mut out);
    out
}

/// A piece of a negotiating text to typeset.
#[derive(Clone, Debug)]
pub enum Piece {
    /// Centred bold heading (`Article 4 bis (TITLE)`); `[^n]` marks a footnote.
    Heading(String),
    /// A paragraph: its label at the left margin, its text after a hanging indent.
    /// `[^n]` in the text marks footnote `n`.
    Para { label: Option<String>, text: String },
    /// Footnote `n`'s body, printed at the foot of the page that refers to it.
    Note { number: String, text: String },
}

const LEFT: f32 = 72.0;
const INDENT: f32 = 100.0;
const RIGHT: f32 = 523.0;
const TOP: f32 = 770.0;
const FOOT: f32 = 90.0;
const SIZE: f32 = 10.0;
const LEADING: f32 = 12.0;
const NOTE_SIZE: f32 = 8.0;

/// A document typeset in the secretariat's manner: `masthead` lines centred on the first
/// page, the running head `symbol` on every later page (right-aligned, as an artifact when
/// `tagged`), the counter `N of M` at every page's foot, headings centred in bold,
/// paragraphs justified to the column with their labels hanging, and footnotes at the foot.
pub fn typeset(masthead: &[&str], symbol: &str, pieces: &[Piece], tagged: bool) -> Vec<u8> {
    let notes: std::collections::HashMap<&str, &str> = pieces
        .iter()
        .filter_map(|p| match p {
            Piece::Note { number, text } => Some((number.as_str(), text.as_str())),
            _ => None,
        })
        .collect();
    let mut pages: Vec<Page> = vec![Page::default()];
    let mut y = TOP;
    let mut foot: Vec<(String, String)> = Vec::new();
    for line in masthead {
        let w = width(line, 12.0);
        pages[0].runs.push(Run {
            x: (LEFT + RIGHT - w) / 2.0,
            y,
            size: 12.0,
            face: Face::Regular,
            text: (*line).to_string(),
            artifact: false,
        });
        y -= 16.0;
    }
    y -= 10.0;
    let note_room = |foot: &[(String, String)]| foot.len() as f32 * (NOTE_SIZE + 3.0) * 2.0;
    let new_page = |pages: &mut Vec<Page>, y: &mut f32, foot: &mut Vec<(String, String)>| {
        flush_notes(pages.last_mut().expect("a page"), foot);
        pages.push(Page::default());
        *y = TOP;
    };
    for piece in pieces {
        match piece {
            Piece::Note { .. } => {}
            Piece::Heading(text) => {
                if y - 2.0 * LEADING < FOOT + note_room(&foot) {
                    new_page(&mut pages, &mut y, &mut foot);
                }
                y -= 8.0;
                let (plain, marks) = split_marks(text);
                let w = width(&plain, SIZE + 1.0);
                let x = (LEFT + RIGHT - w) / 2.0;
                place(
                    pages.last_mut().expect("a page"),
                    x,
                    y,
                    SIZE + 1.0,
                    Face::Bold,
                    &plain,
                    &marks,
                );
                for m in marks.iter().map(|(_, n)| n) {
                    if let Some(t) = notes.get(m.as_str()) {
                        foot.push((m.clone(), (*t).to_string()));
                    }
                }
                y -= LEADING + 6.0;
            }
            Piece::Para { label, text } => {
                let (plain, marks) = split_marks(text);
                let start = if label.is_some() { INDENT } else { LEFT };
                let lines = wrap(&plain, RIGHT - start, SIZE);
                let mut consumed = 0usize;
                for (k, line) in lines.iter().enumerate() {
                    let line_marks: Vec<(usize, String)> = marks
                        .iter()
                        .filter(|(at, _)| *at >= consumed && *at <= consumed + line.len())
                        .map(|(at, n)| (at - consumed, n.clone()))
                        .collect();
                    for (_, n) in &line_marks {
                        if let Some(t) = notes.get(n.as_str()) {
                            foot.push((n.clone(), (*t).to_string()));
                        }
                    }
                    if y < FOOT + note_room(&foot) {
                        new_page(&mut pages, &mut y, &mut foot);
                    }
                    let page = pages.last_mut().expect("a page");
                    if k == 0
                        && let Some(l) = label
                    {
                        page.runs.push(Run {
                            x: LEFT,
                            y,
                            size: SIZE,
                            face: Face::Regular,
                            text: l.clone(),
                            artifact: false,
                        });
                    }
                    place(page, start, y, SIZE, Face::Regular, line, &line_marks);
                    consumed += line.len() + 1;
                    y -= LEADING;
                }
                y -= 6.0;
            }
        }
    }
    flush_notes(pages.last_mut().expect("a page"), &mut foot);
    let total = pages.len();
    for (i, page) in pages.iter_mut().enumerate() {
        if i > 0 {
            page.runs.push(Run {
                x: RIGHT - width(symbol, 9.0),
                y: 805.0,
                size: 9.0,
                face: Face::Bold,
                text: symbol.to_string(),
                artifact: tagged,
            });
        }
        let counter = format!("{} of {total}", i + 1);
        page.runs.push(Run {
            x: (LEFT + RIGHT - width(&counter, 9.0)) / 2.0,
            y: 40.0,
            size: 9.0,
            face: Face::Regular,
            text: counter,
            artifact: tagged,
        });
    }
    write(&pages)
}

/// `text` without its `[^n]` marks, and where each mark stood (byte offset in the plain
/// text) with its number.
fn split_marks(text: &str) -> (String, Vec<(usize, String)>) {
    let mut plain = String::new();
    let mut marks = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("[^") {
        let Some(close) = rest[i..].find(']') else {
            break;
        };
        plain.push_str(&rest[..i]);
        marks.push((plain.len(), rest[i + 2..i + close].to_string()));
        rest = &rest[i + close + 1..];
    }
    plain.push_str(rest);
    (plain, marks)
}

/// Sets a line with raised footnote numbers at their places.
fn place(
    page: &mut Page,
    x: f32,
    y: f32,
    size: f32,
    face: Face,
    line: &str,
    marks: &[(usize, String)],
) {
    let mut x = x;
    let mut from = 0;
    for (at, n) in marks {
        let at = (*at).min(line.len());
        let part = &line[from..at];
        page.runs.push(Run {
            x,
            y,
            size,
            face,
            text: part.to_string(),
            artifact: false,
        });
        x += width(part, size);
        page.runs.push(Run {
            x,
            y: y + size * 0.4,
            size: size * 0.6,
            face,
            text: n.clone(),
            artifact: false,
        });
        x += width(n, size * 0.6);
        from = at;
    }
    page.runs.push(Run {
        x,
        y,
        size,
        face,
        text: line[from..].to_string(),
        artifact: false,
    });
}

fn flush_notes(page: &mut Page, foot: &mut Vec<(String, String)>) {
    let mut y = FOOT - 10.0 + foot.len() as f32 * (NOTE_SIZE + 3.0) * 2.0;
    for (n, text) in foot.drain(..) {
        page.runs.push(Run {
            x: LEFT,
            y: y + NOTE_SIZE * 0.4,
            size: NOTE_SIZE * 0.6,
            face: Face::Regular,
            text: n,
            artifact: false,
        });
        for line in wrap(&text, RIGHT - LEFT - 8.0, NOTE_SIZE) {
            page.runs.push(Run {
                x: LEFT + 8.0,
                y,
                size: NOTE_SIZE,
                face: Face::Regular,
                text: line,
                artifact: false,
            });
            y -= NOTE_SIZE + 2.0;
        }
        y -= 2.0;
    }
}

/// Greedy line breaking at spaces (never hyphenating).
fn wrap(text: &str, room: f32, size: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if width(&candidate, size) > room && !line.is_empty() {
            lines.push(std::mem::replace(&mut line, word.to_string()));
        } else {
            line = candidate;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}
