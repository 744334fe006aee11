//! Measuring the aligner of [`super::archive`]: precision and recall of the links it makes
//! between two drafts, against an alignment a person made ([`Gold`], for real drafts) or
//! one known by construction ([`generate`], histories generated from a real treaty by
//! renumbering, inserting `bis` articles, splitting, merging, moving and rewording).
//! (Test and bench scaffolding: behind the `testing` feature.)
//!
//! A link is "new clause continues old clause". Precision: the share of the links made
//! that are right; recall: the share of the right links that were made.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Deserialize;

use super::write::Slot;
use super::{BodyItem, Imported, ImportedArticle, ImportedBlock};

/// Right links among links made, and links there should be.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Score {
    pub correct: usize,
    pub made: usize,
    pub expected: usize,
    /// Of the expected links, how many were made.
    pub found: usize,
}

impl Score {
    pub fn precision(&self) -> f64 {
        if self.made == 0 {
            1.0
        } else {
            self.correct as f64 / self.made as f64
        }
    }

    pub fn recall(&self) -> f64 {
        if self.expected == 0 {
            1.0
        } else {
            self.found as f64 / self.expected as f64
        }
    }

    pub fn add(&mut self, o: Score) {
        self.correct += o.correct;
        self.made += o.made;
        self.expected += o.expected;
        self.found += o.found;
    }
}

impl std::fmt::Display for Score {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "precision {:.3} ({}/{}), recall {:.3} ({}/{})",
            self.precision(),
            self.correct,
            self.made,
            self.recall(),
            self.found,
            self.expected
        )
    }
}

/// Links made (new → old) scored against what is right: `right[new]` is the set of old
/// clauses that count as right for `new` (empty: `new` is new text). Clauses not in
/// `right` are not scored.
pub fn score<K: Eq + std::hash::Hash + Clone>(
    made: &[(K, K)],
    right: &HashMap<K, HashSet<K>>,
) -> Score {
    let mut s = Score {
        expected: right.values().filter(|v| !v.is_empty()).count(),
        ..Score::default()
    };
    let mut found: HashSet<&K> = HashSet::new();
    for (n, o) in made {
        let Some(ok) = right.get(n) else { continue };
        s.made += 1;
        if ok.contains(o) {
            s.correct += 1;
            found.insert(n);
        }
    }
    s.found = found.len();
    s
}

/// An alignment a person made between two drafts read from Word files: sections by
/// number, numbered paragraphs by number (`tests/corpus/negotiating/art6.2-alignment.ron`).
#[derive(Clone, Debug, Deserialize)]
pub struct Gold {
    pub version: u32,
    pub from: String,
    pub to: String,
    pub sections: Vec<(String, String)>,
    pub paragraphs: Vec<(String, Vec<String>)>,
    #[serde(default)]
    pub unclear: Vec<String>,
}

/// Which clause a slot holds, by the numbers a reader sees: `section I`, `paragraph 12`.
fn named(doc: &Imported) -> HashMap<Slot, String> {
    let mut out = HashMap::new();
    for (bi, item) in doc.body.iter().enumerate() {
        if let BodyItem::Article(a) = item {
            out.insert(Slot::Article(bi), format!("section {}", a.number));
            for (k, b) in a.blocks.iter().enumerate() {
                if let ImportedBlock::Paragraph { label: Some(l), .. } = b {
                    out.insert(Slot::ArticleBlock(bi, k), format!("paragraph {l}"));
                }
            }
        }
    }
    out
}

impl Gold {
    pub fn parse(text: &str) -> Result<Gold, ron::error::SpannedError> {
        ron::from_str(text)
    }

    /// The aligner's links between `old` and `new` scored against this alignment:
    /// (sections, paragraphs).
    pub fn score(&self, old: &Imported, new: &Imported) -> (Score, Score) {
        let links = super::archive::links(old, new);
        let (old_names, new_names) = (named(old), named(new));
        let made: Vec<(String, String)> = links
            .iter()
            .filter_map(|(n, o)| {
                let n = new_names.get(n)?;
                // A paragraph linked to a point or a heading is linked to what is not a
                // paragraph: never right.
                let o = old_names
                    .get(o)
                    .cloned()
                    .unwrap_or_else(|| format!("{o:?}"));
                Some((n.clone(), o))
            })
            .collect();
        let right = |pairs: Vec<(String, HashSet<String>)>| -> HashMap<String, HashSet<String>> {
            pairs.into_iter().collect()
        };
        let sections = right(
            self.sections
                .iter()
                .map(|(n, o)| {
                    (
                        format!("section {n}"),
                        HashSet::from([format!("section {o}")]),
                    )
                })
                .collect(),
        );
        let paragraphs = right(
            self.paragraphs
                .iter()
                .map(|(n, os)| {
                    (
                        format!("paragraph {n}"),
                        os.iter().map(|o| format!("paragraph {o}")).collect(),
                    )
                })
                .collect(),
        );
        let only = |prefix: &str| -> Vec<(String, String)> {
            made.iter()
                .filter(|(n, _)| n.starts_with(prefix))
                .cloned()
                .collect()
        };
        (
            score(&only("section "), &sections),
            score(&only("paragraph "), &paragraphs),
        )
    }
}

/// A deterministic stream of choices (a linear congruential generator).
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// An article with the lineage of itself and of each of its blocks.
#[derive(Clone, Debug)]
struct Art {
    id: u32,
    number: String,
    title: Option<String>,
    blocks: Vec<(u32, ImportedBlock)>,
}

/// The right links of one step: new slot → the old slots that count as right.
pub type Right = HashMap<Slot, HashSet<Slot>>;

/// A generated history: its drafts and, for each step, the right links (new slot →
/// old slot), articles and blocks.
pub struct History {
    pub name: String,
    pub drafts: Vec<Imported>,
    pub right: Vec<Right>,
}

impl History {
    /// The aligner's links at each step, scored: (articles, blocks).
    pub fn score(&self) -> (Score, Score) {
        let (mut arts, mut blocks) = (Score::default(), Score::default());
        for (k, w) in self.drafts.windows(2).enumerate() {
            let links = super::archive::links(&w[0], &w[1]);
            let right = &self.right[k];
            let pick = |article: bool| -> (Vec<(Slot, Slot)>, Right) {
                let is = |s: &Slot| {
                    matches!(s, Slot::Article(_)) == article
                        && matches!(s, Slot::Article(_) | Slot::ArticleBlock(..))
                };
                (
                    links.iter().filter(|(n, _)| is(n)).cloned().collect(),
                    right
                        .iter()
                        .filter(|(n, _)| is(n))
                        .map(|(n, o)| (n.clone(), o.clone()))
                        .collect(),
                )
            };
            let (m, r) = pick(true);
            arts.add(score(&m, &r));
            let (m, r) = pick(false);
            blocks.add(score(&m, &r));
        }
        (arts, blocks)
    }

    /// Of the last draft's articles that have a first appearance in an earlier draft,
    /// how many the aligner traces back to it link by link: (traced, traceable).
    pub fn traced(&self) -> (usize, usize) {
        let steps: Vec<Vec<(Slot, Slot)>> = self
            .drafts
            .windows(2)
            .map(|w| super::archive::links(&w[0], &w[1]))
            .collect();
        let last = self.drafts.len() - 1;
        let (mut traced, mut traceable) = (0, 0);
        for (bi, item) in self.drafts[last].body.iter().enumerate() {
            if !matches!(item, BodyItem::Article(_)) {
                continue;
            }
            // The right chain and the aligner's chain, back through every step.
            let (mut right, mut made) = (Some(Slot::Article(bi)), Some(Slot::Article(bi)));
            let mut ok = true;
            let mut depth = 0;
            for k in (0..last).rev() {
                let r = right.as_ref().and_then(|s| {
                    let mut v: Vec<&Slot> = self.right[k].get(s)?.iter().collect();
                    v.sort();
                    v.first().map(|x| (*x).clone())
                });
                let m = made.as_ref().and_then(|s| {
                    steps[k]
                        .iter()
                        .find(|(n, _)| n == s)
                        .map(|(_, o)| o.clone())
                });
                if r.is_none() {
                    ok &= m.is_none();
                    break;
                }
                ok &= r == m;
                depth += 1;
                right = r;
                made = m;
            }
            if depth > 0 {
                traceable += 1;
                traced += usize::from(ok);
            }
        }
        (traced, traceable)
    }
}

/// Replacement wording for edits, as negotiators change a text: modal verbs, bracketed
/// alternatives, qualifiers.
const EDITS: &[&str] = &[
    "[shall][should]",
    "may",
    "[, as appropriate,]",
    "in accordance with national circumstances",
    "[developed country Parties]",
    "promptly",
    "[inter alia]",
    "all",
];

fn reword(text: &str, dice: &mut Dice, percent: u64) -> String {
    let words: Vec<&str> = text.split(' ').collect();
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    for w in words {
        if dice.chance(percent) {
            match dice.below(3) {
                0 => {} // dropped
                1 => out.push(EDITS[dice.below(EDITS.len())].to_string()),
                _ => {
                    out.push(w.to_string());
                    out.push(EDITS[dice.below(EDITS.len())].to_string());
                }
            }
        } else {
            out.push(w.to_string());
        }
    }
    out.join(" ")
}

/// A treaty's articles with fresh lineage ids.
fn arts_of(doc: &Imported, next: &mut u32) -> Vec<Art> {
    let mut id = || {
        *next += 1;
        *next
    };
    doc.articles()
        .map(|a| Art {
            id: id(),
            number: a.number.clone(),
            title: a.title.clone(),
            blocks: a
                .blocks
                .iter()
                .filter(|b| !matches!(b, ImportedBlock::Note { .. }))
                .map(|b| (id(), b.clone()))
                .collect(),
        })
        .collect()
}

fn to_doc(title: &str, arts: &[Art]) -> Imported {
    Imported {
        title: title.to_string(),
        body: arts
            .iter()
            .map(|a| {
                BodyItem::Article(ImportedArticle {
                    number: a.number.clone(),
                    title: a.title.clone(),
                    blocks: a.blocks.iter().map(|(_, b)| b.clone()).collect(),
                })
            })
            .collect(),
        ..Imported::default()
    }
}

/// The right links between two generated drafts: same lineage id.
fn right_links(old: &[Art], new: &[Art]) -> Right {
    let mut art_at: HashMap<u32, usize> = HashMap::new();
    let mut block_at: HashMap<u32, (usize, usize)> = HashMap::new();
    for (i, a) in old.iter().enumerate() {
        art_at.insert(a.id, i);
        for (k, (id, _)) in a.blocks.iter().enumerate() {
            block_at.insert(*id, (i, k));
        }
    }
    let mut out = HashMap::new();
    for (i, a) in new.iter().enumerate() {
        let right: HashSet<Slot> = art_at
            .get(&a.id)
            .map(|&o| Slot::Article(o))
            .into_iter()
            .collect();
        out.insert(Slot::Article(i), right);
        for (k, (id, _)) in a.blocks.iter().enumerate() {
            let right: HashSet<Slot> = block_at
                .get(id)
                .map(|&(o, ok)| Slot::ArticleBlock(o, ok))
                .into_iter()
                .collect();
            out.insert(Slot::ArticleBlock(i, k), right);
        }
    }
    out
}

/// Numbers the articles 1, 2, 3… (`bis` articles become whole numbers).
fn renumber(arts: &mut [Art]) {
    for (i, a) in arts.iter_mut().enumerate() {
        a.number = (i + 1).to_string();
    }
}

/// Five drafts of `base` (a real treaty in articles), made the way negotiations change a
/// text, with the right links known: new articles written from `filler` (another real
/// treaty) are inserted as `bis` articles, at the front (everything renumbered by several
/// places), and taken out again; `bis` articles become whole numbers; articles are split,
/// merged and moved; paragraphs are reworded lightly and heavily, split, merged, inserted
/// and deleted.
pub fn generate(name: &str, base: &Imported, filler: &Imported, seed: u64) -> History {
    let mut dice = Dice(seed);
    let mut next = 0u32;
    let mut arts = arts_of(base, &mut next);
    let mut spare = arts_of(filler, &mut next);
    let mut take_spare = |next: &mut u32| -> Art {
        let mut a = spare.remove(0);
        // Fresh ids: a spare article is new text wherever it lands.
        *next += 1;
        a.id = *next;
        for (id, _) in &mut a.blocks {
            *next += 1;
            *id = *next;
        }
        a
    };
    let mut drafts = vec![to_doc(name, &arts)];
    let mut lineages = vec![arts.clone()];

    // Draft 2: `bis` articles inserted, paragraphs reworded, inserted and deleted.
    for k in [3usize, 11, 20] {
        if k < arts.len() {
            let mut a = take_spare(&mut next);
            a.number = format!("{} bis", arts[k].number);
            arts.insert(k + 1, a);
        }
    }
    for a in arts.iter_mut() {
        for (_, b) in a.blocks.iter_mut() {
            if let ImportedBlock::Paragraph { text, .. } | ImportedBlock::Point { text, .. } = b
                && dice.chance(20)
            {
                *text = reword(text, &mut dice, 8);
            }
        }
        if dice.chance(10) && a.blocks.len() > 2 {
            let k = dice.below(a.blocks.len());
            a.blocks.remove(k);
        }
        if dice.chance(10) {
            next += 1;
            a.blocks.push((
                next,
                ImportedBlock::Paragraph {
                    label: None,
                    text: "Each Party shall report on the implementation of this article to the governing body at its next session, including on the support provided and received.".into(),
                },
            ));
        }
    }
    drafts.push(to_doc(name, &arts));
    lineages.push(arts.clone());

    // Draft 3: three articles at the front (renumbered by several places), one moved,
    // one split, one heavily rewritten under the same title.
    for _ in 0..3 {
        let a = take_spare(&mut next);
        arts.insert(0, a);
    }
    let from = 8.min(arts.len() - 1);
    let moved = arts.remove(from);
    let to = (from + 12).min(arts.len());
    arts.insert(to, moved);
    if let Some(k) = (5..arts.len()).find(|&k| arts[k].blocks.len() >= 4) {
        let half = arts[k].blocks.len() / 2;
        let tail = arts[k].blocks.split_off(half);
        next += 1;
        let part = Art {
            id: next,
            number: String::new(),
            title: arts[k].title.as_ref().map(|t| format!("{t} (continued)")),
            blocks: tail,
        };
        arts.insert(k + 1, part);
    }
    if let Some(a) = arts
        .iter_mut()
        .skip(15)
        .find(|a| a.title.is_some() && a.blocks.len() >= 2)
    {
        for (_, b) in a.blocks.iter_mut() {
            if let ImportedBlock::Paragraph { text, .. } | ImportedBlock::Point { text, .. } = b {
                *text = reword(text, &mut dice, 45);
            }
        }
    }
    let numbered: Vec<String> = arts.iter().map(|a| a.number.clone()).collect();
    renumber(&mut arts);
    // Keep the `bis` numbers of the inserted articles for one more draft.
    for (a, old) in arts.iter_mut().zip(&numbered) {
        if old.ends_with(" bis") {
            a.number = format!(
                "{} bis",
                a.number
                    .parse::<usize>()
                    .unwrap_or(1)
                    .saturating_sub(1)
                    .max(1)
            );
        }
    }
    drafts.push(to_doc(name, &arts));
    lineages.push(arts.clone());

    // Draft 4: two articles merged, two paragraphs merged, one paragraph split, `bis`
    // articles become whole numbers.
    if let Some(k) = (10..arts.len().saturating_sub(1)).find(|&k| arts[k].blocks.len() <= 3) {
        let absorbed = arts.remove(k + 1);
        arts[k].blocks.extend(absorbed.blocks);
    }
    if let Some(a) = arts.iter_mut().skip(20).find(|a| a.blocks.len() >= 3) {
        let (_, second) = a.blocks.remove(1);
        if let (ImportedBlock::Paragraph { text, .. }, ImportedBlock::Paragraph { text: t2, .. }) =
            (&mut a.blocks[0].1, second)
        {
            text.push(' ');
            text.push_str(&t2);
        }
    }
    if let Some(a) = arts.iter_mut().skip(25).find(|a| {
        a.blocks.iter().any(|(_, b)| matches!(b, ImportedBlock::Paragraph { text, .. } if text.matches(". ").count() >= 1 && text.len() > 200))
    }) {
        let k = a
            .blocks
            .iter()
            .position(|(_, b)| matches!(b, ImportedBlock::Paragraph { text, .. } if text.matches(". ").count() >= 1 && text.len() > 200))
            .unwrap_or(0);
        if let ImportedBlock::Paragraph { text, label } = a.blocks[k].1.clone()
            && let Some(at) = text.find(". ")
        {
            let (first, rest) = text.split_at(at + 1);
            a.blocks[k].1 = ImportedBlock::Paragraph {
                label,
                text: first.to_string(),
            };
            next += 1;
            a.blocks.insert(
                k + 1,
                (
                    next,
                    ImportedBlock::Paragraph {
                        label: None,
                        text: rest.trim().to_string(),
                    },
                ),
            );
        }
    }
    renumber(&mut arts);
    drafts.push(to_doc(name, &arts));
    lineages.push(arts.clone());

    // Draft 5: the final text: the articles at the front taken out again (renumbered
    // back by several places), light rewording.
    arts.drain(..3);
    for a in arts.iter_mut() {
        for (_, b) in a.blocks.iter_mut() {
            if let ImportedBlock::Paragraph { text, .. } | ImportedBlock::Point { text, .. } = b
                && dice.chance(15)
            {
                *text = reword(text, &mut dice, 5);
            }
        }
    }
    renumber(&mut arts);
    drafts.push(to_doc(name, &arts));
    lineages.push(arts);

    let right = lineages
        .windows(2)
        .map(|w| right_links(&w[0], &w[1]))
        .collect();
    History {
        name: name.to_string(),
        drafts,
        right,
    }
}

/// Counts of right links in a history, by kind: (articles, blocks).
pub fn expected(h: &History) -> BTreeMap<&'static str, usize> {
    let mut out = BTreeMap::new();
    for r in &h.right {
        for (n, o) in r {
            if o.is_empty() {
                continue;
            }
            let key = if matches!(n, Slot::Article(_)) {
                "articles"
            } else {
                "blocks"
            };
            *out.entry(key).or_default() += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests;
