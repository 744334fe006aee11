//! Glyphs into visual lines.
//!
//! Glyphs of ordinary size that share a baseline make a line. Small glyphs (footnote
//! numbers, the "2" of CO₂, an "nd") are then attached to the line they sit on, as
//! superscripts when raised above its baseline and subscripts when lowered; a small glyph
//! with no line near it starts a line of its own (a masthead in small capitals, say).
//! Within a line glyphs are read left to right, and a space is put where the gap between
//! two glyphs is wider than a letter's kerning.

use super::glyphs::{FontStyle, Glyphs, PageGlyphs};

/// How a run of a line sits against the line's baseline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rise {
    Normal,
    Super,
    Sub,
}

/// A run of a line in one style.
#[derive(Clone, Debug, PartialEq)]
pub struct Span {
    pub text: String,
    pub x0: f32,
    pub x1: f32,
    pub size: f32,
    pub bold: bool,
    pub italic: bool,
    /// The font's name (`Courier New`: the "o" bullets of Word lists).
    pub font: u16,
    pub rise: Rise,
}

/// One visual line.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    pub page: u32,
    /// Baseline, in points from the page's foot.
    pub y: f32,
    pub x0: f32,
    pub x1: f32,
    /// The size of most of its characters (superscripts aside).
    pub size: f32,
    /// Most of its letters are bold / italic.
    pub bold: bool,
    pub italic: bool,
    /// Every glyph of it was marked as an artifact (page furniture) by the producer.
    pub artifact: bool,
    pub spans: Vec<Span>,
}

impl Line {
    /// The line's text, superscripts and subscripts as plain characters.
    pub fn text(&self) -> String {
        let mut s = String::new();
        for sp in &self.spans {
            s.push_str(&sp.text);
        }
        s
    }
}

/// A glyph below this share of the document's body size is "small".
const SMALL: f32 = 0.8;

/// Every page's lines, top to bottom.
pub fn lines(glyphs: &Glyphs) -> Vec<Vec<Line>> {
    let body = body_size(glyphs);
    glyphs
        .pages
        .iter()
        .map(|p| page_lines(p, &glyphs.fonts, body))
        .collect()
}

/// The size most characters of the document are set in.
pub fn body_size(glyphs: &Glyphs) -> f32 {
    let mut counts: Vec<(i32, usize)> = Vec::new();
    for p in &glyphs.pages {
        for g in &p.glyphs {
            if g.text.trim().is_empty() {
                continue;
            }
            let key = (g.size * 2.0).round() as i32;
            match counts.iter_mut().find(|(k, _)| *k == key) {
                Some((_, n)) => *n += 1,
                None => counts.push((key, 1)),
            }
        }
    }
    counts
        .into_iter()
        .max_by_key(|&(k, n)| (n, k))
        .map_or(10.0, |(k, _)| k as f32 / 2.0)
}

struct Building {
    y: f32,
    size: f32,
    members: Vec<(usize, Rise)>,
    x0: f32,
    x1: f32,
}

fn page_lines(page: &PageGlyphs, fonts: &[FontStyle], body: f32) -> Vec<Line> {
    let gs = &page.glyphs;
    let small = |i: usize| gs[i].size < body * SMALL;
    let mut order: Vec<usize> = (0..gs.len()).collect();
    order.sort_by(|&a, &b| {
        gs[b]
            .y
            .total_cmp(&gs[a].y)
            .then(gs[a].x.total_cmp(&gs[b].x))
    });

    // Ordinary glyphs by baseline.
    let mut lines: Vec<Building> = Vec::new();
    for &i in order.iter().filter(|&&i| !small(i)) {
        let g = &gs[i];
        let tol = 0.2 * g.size.max(1.0);
        let found = lines
            .iter_mut()
            .rev()
            .take(3)
            .find(|l| (l.y - g.y).abs() <= tol);
        match found {
            Some(l) => {
                l.members.push((i, Rise::Normal));
                l.x0 = l.x0.min(g.x);
                l.x1 = l.x1.max(g.x + g.width);
                l.size = l.size.max(g.size);
            }
            None => lines.push(Building {
                y: g.y,
                size: g.size,
                members: vec![(i, Rise::Normal)],
                x0: g.x,
                x1: g.x + g.width,
            }),
        }
    }
    // Small glyphs: onto the line they sit on, or a line of their own.
    let mut orphans: Vec<usize> = Vec::new();
    for &i in order.iter().filter(|&&i| small(i)) {
        let g = &gs[i];
        let best = lines
            .iter_mut()
            .filter(|l| {
                let d = g.y - l.y;
                d >= -0.45 * l.size
                    && d <= 0.75 * l.size
                    && g.x >= l.x0 - 2.0 * l.size
                    && g.x <= l.x1 + 2.0 * l.size
            })
            .min_by(|a, b| (g.y - a.y).abs().total_cmp(&(g.y - b.y).abs()));
        match best {
            Some(l) => {
                let d = g.y - l.y;
                let rise = if d > 0.12 * l.size {
                    Rise::Super
                } else if d < -0.08 * l.size {
                    Rise::Sub
                } else {
                    Rise::Normal
                };
                l.members.push((i, rise));
            }
            None => orphans.push(i),
        }
    }
    for i in orphans {
        let g = &gs[i];
        let tol = 0.2 * g.size.max(1.0);
        match lines
            .iter_mut()
            .find(|l| l.size < body * SMALL && (l.y - g.y).abs() <= tol)
        {
            Some(l) => {
                l.members.push((i, Rise::Normal));
                l.x0 = l.x0.min(g.x);
                l.x1 = l.x1.max(g.x + g.width);
            }
            None => lines.push(Building {
                y: g.y,
                size: g.size,
                members: vec![(i, Rise::Normal)],
                x0: g.x,
                x1: g.x + g.width,
            }),
        }
    }
    lines.sort_by(|a, b| b.y.total_cmp(&a.y));
    lines
        .into_iter()
        .filter_map(|b| finish(page, fonts, b))
        .collect()
}

fn finish(page: &PageGlyphs, fonts: &[FontStyle], mut b: Building) -> Option<Line> {
    let gs = &page.glyphs;
    b.members
        .sort_by(|&(a, _), &(c, _)| gs[a].x.total_cmp(&gs[c].x).then(a.cmp(&c)));
    let mut spans: Vec<Span> = Vec::new();
    let push = |spans: &mut Vec<Span>, text: &str, proto: Span| match spans.last_mut() {
        Some(s)
            if s.rise == proto.rise
                && s.bold == proto.bold
                && s.italic == proto.italic
                && s.font == proto.font
                && (s.size - proto.size).abs() < 0.3 =>
        {
            s.text.push_str(text);
            s.x1 = s.x1.max(proto.x1);
        }
        _ => spans.push(Span {
            text: text.to_string(),
            ..proto
        }),
    };
    let ends_blank = |spans: &[Span]| spans.last().is_none_or(|s| s.text.ends_with(' '));
    let mut prev_end: Option<f32> = None;
    let (mut letters, mut bold, mut italic, mut artifacts) = (0usize, 0usize, 0usize, 0usize);
    let mut sizes: Vec<(i32, usize)> = Vec::new();
    for &(i, rise) in &b.members {
        let g = &gs[i];
        artifacts += usize::from(g.artifact);
        let style = fonts.get(usize::from(g.font));
        let (gb, gi) = style.map_or((false, false), |s| (s.bold, s.italic));
        let proto = Span {
            text: String::new(),
            x0: g.x,
            x1: g.x + g.width,
            size: g.size,
            bold: gb,
            italic: gi,
            font: g.font,
            rise,
        };
        let blank = g.text.chars().all(char::is_whitespace);
        let gap = prev_end.is_some_and(|e| g.x - e > 0.18 * g.size.max(b.size * 0.6));
        prev_end = Some(prev_end.map_or(g.x + g.width, |e| e.max(g.x + g.width)));
        if blank {
            if !ends_blank(&spans) {
                push(&mut spans, " ", proto);
            }
            continue;
        }
        letters += 1;
        bold += usize::from(gb);
        italic += usize::from(gi);
        if rise == Rise::Normal {
            let key = (g.size * 2.0).round() as i32;
            match sizes.iter_mut().find(|(k, _)| *k == key) {
                Some((_, n)) => *n += 1,
                None => sizes.push((key, 1)),
            }
            // A gap wider than kerning is a space (a superscript never takes one).
            if gap && !ends_blank(&spans) {
                push(&mut spans, " ", proto.clone());
            }
        }
        push(&mut spans, &g.text, proto);
    }
    // No blank spans or spaces at either end.
    while spans.last().is_some_and(|s| s.text.trim().is_empty()) {
        spans.pop();
    }
    while spans.first().is_some_and(|s| s.text.trim().is_empty()) {
        spans.remove(0);
    }
    if let Some(s) = spans.last_mut() {
        let t = s.text.trim_end().len();
        s.text.truncate(t);
    }
    if let Some(s) = spans.first_mut() {
        s.text = s.text.trim_start().to_string();
    }
    if spans.is_empty() || letters == 0 {
        return None;
    }
    let size = sizes
        .iter()
        .max_by_key(|&&(k, n)| (n, k))
        .map_or(b.size, |&(k, _)| k as f32 / 2.0);
    let x0 = spans.first().map_or(b.x0, |s| s.x0);
    let x1 = spans.last().map_or(b.x1, |s| s.x1);
    Some(Line {
        page: page.number,
        y: b.y,
        x0,
        x1,
        size,
        bold: bold * 2 > letters,
        italic: italic * 2 > letters,
        artifact: artifacts == b.members.len(),
        spans,
    })
}
