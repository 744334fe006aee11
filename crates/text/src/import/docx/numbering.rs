//! `word/numbering.xml`: the numbers Word generates for list paragraphs.
//!
//! The rules (checked against LibreOffice's rendering of the Art. 6.2 drafts, 406 and 152
//! labels in order):
//!
//! 1. counters belong to the abstract definition, so lists (`w:num`) sharing one share
//!    their counters (sections `I.`–`XIV.` run on across two lists);
//! 2. the first time a list with `w:startOverride`s is used, the level in use and the
//!    levels below it restart at the override;
//! 3. a level's unset ancestors are set to their start, as if shown; the level itself
//!    starts or moves on by one; a deeper level restarts unless its `w:lvlRestart` says
//!    it restarts only after a level above this one;
//! 4. the label is the level's `w:lvlText` with each `%n` replaced by level n's counter in
//!    that level's format.

use std::collections::{HashMap, HashSet};

use super::super::akn::Element;
use super::Number;
use crate::draft::roman;

#[derive(Clone, Debug, Default)]
struct Level {
    format: String,
    text: String,
    start: usize,
    /// `w:lvlRestart`: restart after a level numbered at most this (1-based); 0: never.
    restart: Option<usize>,
    /// `w:pStyle`: the paragraph style this level is linked to.
    style: Option<String>,
}

#[derive(Clone, Debug, Default)]
struct Num {
    abstract_id: String,
    /// Level → start override.
    overrides: HashMap<usize, usize>,
}

/// List definitions and the running counters.
#[derive(Default)]
pub struct Numbering {
    abstracts: HashMap<String, Vec<Level>>,
    nums: HashMap<String, Num>,
    counters: HashMap<String, [Option<usize>; 9]>,
    used: HashSet<String>,
}

fn val(e: &Element) -> Option<&str> {
    e.attr("val")
}

fn number(e: Option<&Element>) -> Option<usize> {
    e.and_then(val).and_then(|v| v.parse().ok())
}

impl Numbering {
    pub fn parse(root: &Element) -> Numbering {
        let mut n = Numbering::default();
        // Abstract definitions that link to a numbering style (`w:numStyleLink`) take their
        // levels from the definition that defines the style (`w:styleLink`).
        let mut style_links: HashMap<String, String> = HashMap::new();
        let mut links_to: HashMap<String, String> = HashMap::new();
        for a in root.elements().filter(|e| e.name == "abstractNum") {
            let Some(id) = a.attr("abstractNumId") else {
                continue;
            };
            if let Some(s) = a.child("styleLink").and_then(val) {
                style_links.insert(s.to_string(), id.to_string());
            }
            if let Some(s) = a.child("numStyleLink").and_then(val) {
                links_to.insert(id.to_string(), s.to_string());
            }
            let mut levels = vec![Level::default(); 9];
            for l in a.elements().filter(|e| e.name == "lvl") {
                let Some(i) = l.attr("ilvl").and_then(|v| v.parse::<usize>().ok()) else {
                    continue;
                };
                if i < 9 {
                    levels[i] = Level {
                        format: l.child("numFmt").and_then(val).unwrap_or("decimal").into(),
                        text: l.child("lvlText").and_then(val).unwrap_or("").into(),
                        start: number(l.child("start")).unwrap_or(1),
                        restart: number(l.child("lvlRestart")),
                        style: l.child("pStyle").and_then(val).map(str::to_string),
                    };
                }
            }
            n.abstracts.insert(id.to_string(), levels);
        }
        for (id, style) in links_to {
            if let Some(def) = style_links
                .get(&style)
                .and_then(|d| n.abstracts.get(d))
                .cloned()
            {
                n.abstracts.insert(id, def);
            }
        }
        for num in root.elements().filter(|e| e.name == "num") {
            let (Some(id), Some(a)) = (num.attr("numId"), num.child("abstractNumId").and_then(val))
            else {
                continue;
            };
            let mut overrides = HashMap::new();
            for o in num.elements().filter(|e| e.name == "lvlOverride") {
                if let (Some(l), Some(s)) = (
                    o.attr("ilvl").and_then(|v| v.parse::<usize>().ok()),
                    number(o.child("startOverride")),
                ) && l < 9
                {
                    overrides.insert(l, s);
                }
            }
            n.nums.insert(
                id.to_string(),
                Num {
                    abstract_id: a.to_string(),
                    overrides,
                },
            );
        }
        n
    }

    /// The number of the next paragraph of list `num_id` at `level` (when the paragraph
    /// names none: the level linked to its `style`, else 0). `None` for a list with no
    /// definition or a level without text (bullets give their bullet).
    pub fn next(&mut self, num_id: &str, level: Option<usize>, style: &str) -> Option<Number> {
        let num = self.nums.get(num_id)?.clone();
        let levels = self.abstracts.get(&num.abstract_id)?.clone();
        let level = level
            .or_else(|| {
                levels
                    .iter()
                    .position(|l| l.style.as_deref() == Some(style))
            })
            .unwrap_or(0)
            .min(8);
        let start = |d: usize| num.overrides.get(&d).copied().unwrap_or(levels[d].start);
        let counters = self
            .counters
            .entry(num.abstract_id.clone())
            .or_insert([None; 9]);
        if self.used.insert(num_id.to_string()) && !num.overrides.is_empty() {
            for (d, c) in counters.iter_mut().enumerate().skip(level) {
                if num.overrides.contains_key(&d) {
                    *c = None;
                }
            }
        }
        for (k, c) in counters.iter_mut().enumerate().take(level) {
            if c.is_none() {
                *c = Some(start(k));
            }
        }
        counters[level] = Some(counters[level].map_or(start(level), |c| c + 1));
        for (d, c) in counters.iter_mut().enumerate().skip(level + 1) {
            let restarts = match levels[d].restart {
                None => true,
                Some(0) => false,
                Some(r) => r > level,
            };
            if restarts {
                *c = None;
            }
        }
        let lvl = &levels[level];
        if lvl.format == "none" {
            return None;
        }
        let mut label = lvl.text.clone();
        for k in (1..=9).rev() {
            let pat = format!("%{k}");
            if label.contains(&pat) {
                let i = k - 1;
                let value = counters[i].unwrap_or(start(i));
                label = label.replace(&pat, &format_number(value, &levels[i].format));
            }
        }
        Some(Number {
            label: label.trim().to_string(),
            format: lvl.format.clone(),
        })
    }
}

pub fn format_number(n: usize, fmt: &str) -> String {
    match fmt {
        "lowerLetter" => letters(n),
        "upperLetter" => letters(n).to_ascii_uppercase(),
        "lowerRoman" => roman(n).to_ascii_lowercase(),
        "upperRoman" => roman(n),
        "decimalZero" => format!("{n:02}"),
        _ => n.to_string(),
    }
}

/// 1 → a, 26 → z, 27 → aa (Word repeats the letter).
fn letters(n: usize) -> String {
    if n == 0 {
        return "0".into();
    }
    let c = (b'a' + ((n - 1) % 26) as u8) as char;
    std::iter::repeat_n(c, (n - 1) / 26 + 1).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(letters(1), "a");
        assert_eq!(letters(27), "aa");
        assert_eq!(roman(14), "XIV");
        assert_eq!(format_number(4, "lowerRoman"), "iv");
    }
}
