//! Aligning the clauses of two versions of a text by content, not by number.
//!
//! Each text is reduced to a [`Profile`]: its tokens (words and punctuation marks, case
//! folded) and its word-bigram shingles. Two texts are compared by
//!
//! * [`Profile::similarity`], the confidence of a match: `2·equal / (len₁ + len₂)` over a
//!   token diff (`similar`'s Myers), exactly 1.0 only when the texts are the same up to
//!   white space;
//! * [`Profile::jaccard`] of the shingle sets, a cheap pre-filter that keeps common words
//!   ("of the", "shall") from pairing unrelated clauses;
//! * [`Profile::containment`], the share of one text's shingles found in the other: what
//!   tells a split (one old clause → two new ones) or a merge (two old → one new).
//!
//! [`align`] matches greedily, best pair first (no Hungarian optimum: for successive
//! drafts of one text the best pair is almost always the right one, and greedy is
//! predictable), then links what is left over as split or merged parts.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use similar::{Algorithm, DiffOp, capture_diff_slices};

/// Pairs whose shingle sets overlap less than this are never compared further.
const PREFILTER: f64 = 0.15;
/// The least share of a text's shingles found in another for a split or merge link.
const PART_THRESHOLD: f64 = 0.6;
/// Texts shorter than this (in shingles) are never taken for a split-off or merged part:
/// a short formula occurs in many clauses.
const PART_MIN_SHINGLES: usize = 4;

/// A text reduced for comparison.
#[derive(Clone, Debug, Default)]
pub struct Profile {
    /// White space collapsed: equal `norm` means unchanged.
    norm: String,
    tokens: Vec<u64>,
    /// Sorted, without duplicates.
    shingles: Vec<u64>,
    /// What the text cites (`18(a)`, `2/CMA.3`, `paragraph 11`, `annex II`): sorted,
    /// without duplicates. Two texts that differ only in what they cite are different
    /// provisions (one request for each paragraph of a decision, say).
    citations: Vec<u64>,
}

/// Words that name what follows them as a place in a text.
const CITING: &[&str] = &[
    "paragraph",
    "paragraphs",
    "para",
    "paras",
    "article",
    "articles",
    "chapter",
    "annex",
    "decision",
    "section",
];

fn citations(norm: &str) -> Vec<u64> {
    let words: Vec<&str> = norm
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| matches!(c, ',' | ';' | ':' | '[' | ']' | '“' | '”' | '"'))
        })
        .filter(|w| !w.is_empty())
        .collect();
    let mut out = Vec::new();
    for (i, w) in words.iter().enumerate() {
        let digit = w.bytes().any(|b| b.is_ascii_digit());
        let inner = w.trim_end_matches('.').contains(['(', '/', '.']);
        if digit && inner {
            out.push(hash(&w.trim_end_matches('.').to_lowercase()));
        }
        if CITING.contains(&w.to_lowercase().as_str())
            && let Some(next) = words.get(i + 1)
            && next
                .bytes()
                .any(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
        {
            out.push(hash(&(
                w.to_lowercase(),
                next.trim_end_matches('.').to_lowercase(),
            )));
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

fn hash<T: Hash + ?Sized>(t: &T) -> u64 {
    let mut h = DefaultHasher::new();
    t.hash(&mut h);
    h.finish()
}

impl Profile {
    pub fn new(text: &str) -> Profile {
        let norm = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut tokens = Vec::new();
        let mut words = Vec::new();
        let mut word = String::new();
        let flush = |word: &mut String, tokens: &mut Vec<u64>, words: &mut Vec<u64>| {
            if !word.is_empty() {
                let h = hash(word.as_str());
                tokens.push(h);
                words.push(h);
                word.clear();
            }
        };
        for c in norm.chars() {
            if c.is_alphanumeric() {
                word.extend(c.to_lowercase());
            } else {
                flush(&mut word, &mut tokens, &mut words);
                if !c.is_whitespace() {
                    tokens.push(hash(&c));
                }
            }
        }
        flush(&mut word, &mut tokens, &mut words);
        let mut shingles: Vec<u64> = if words.len() < 2 {
            words
        } else {
            words.windows(2).map(|w| hash(&(w[0], w[1]))).collect()
        };
        shingles.sort_unstable();
        shingles.dedup();
        Profile {
            citations: citations(&norm),
            norm,
            tokens,
            shingles,
        }
    }

    /// How many distinct word pairs the text has.
    pub fn shingle_count(&self) -> usize {
        self.shingles.len()
    }

    /// Whether the two texts are the same up to white space.
    pub fn same(&self, other: &Profile) -> bool {
        self.norm == other.norm
    }

    /// 1.0 for the same text; otherwise the share of tokens a diff keeps, below 1.0.
    pub fn similarity(&self, other: &Profile) -> f64 {
        if self.same(other) {
            return 1.0;
        }
        let total = self.tokens.len() + other.tokens.len();
        if total == 0 {
            return 0.0;
        }
        let equal: usize = capture_diff_slices(Algorithm::Myers, &self.tokens, &other.tokens)
            .iter()
            .map(|op| match op {
                DiffOp::Equal { len, .. } => *len,
                _ => 0,
            })
            .sum();
        // Texts that differ only in spacing inside tokens still differ.
        (2.0 * equal as f64 / total as f64).min(0.999)
    }

    /// [`Profile::similarity`], lowered when the two texts cite different places: by up to
    /// a third when they cite nothing in common.
    pub fn cited_similarity(&self, other: &Profile) -> f64 {
        let s = self.similarity(other);
        if s >= 1.0 || (self.citations.is_empty() && other.citations.is_empty()) {
            return s;
        }
        let common = sorted_common(&self.citations, &other.citations);
        let union = self.citations.len() + other.citations.len() - common;
        s * (0.7 + 0.3 * common as f64 / union as f64)
    }

    fn common(&self, other: &Profile) -> usize {
        sorted_common(&self.shingles, &other.shingles)
    }
}

/// How many values two sorted lists without duplicates share.
fn sorted_common(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

impl Profile {
    /// Shared shingles over all shingles of the two texts.
    pub fn jaccard(&self, other: &Profile) -> f64 {
        let union = self.shingles.len() + other.shingles.len();
        if union == 0 {
            return if self.same(other) { 1.0 } else { 0.0 };
        }
        let common = self.common(other);
        common as f64 / (union - common) as f64
    }

    /// The share of this text's shingles that occur in `whole`.
    pub fn containment(&self, whole: &Profile) -> f64 {
        if self.shingles.is_empty() {
            return 0.0;
        }
        self.common(whole) as f64 / self.shingles.len() as f64
    }
}

/// A link between an old and a new text, with its confidence (0..=1).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Link {
    pub old: usize,
    pub new: usize,
    pub confidence: f64,
}

/// How two lists of texts correspond.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Alignment {
    /// One-to-one matches: the new text continues the old one.
    pub matches: Vec<Link>,
    /// A new text split off an old one that is matched elsewhere (confidence: the share of
    /// the new text found in the old one).
    pub splits: Vec<Link>,
    /// An old text merged into a new one that is matched elsewhere (confidence: the share
    /// of the old text found in the new one).
    pub merges: Vec<Link>,
    /// New texts with no counterpart.
    pub new: Vec<usize>,
    /// Old texts with no counterpart.
    pub dropped: Vec<usize>,
}

impl Alignment {
    /// The old index matched to `new`, if any.
    pub fn old_of(&self, new: usize) -> Option<usize> {
        self.matches.iter().find(|l| l.new == new).map(|l| l.old)
    }
}

/// What is known of a text besides its words: its label (`12`, `(a)`, `Article 4 bis`),
/// its title (an article's), and its kind (paragraph, point, heading…: texts of different
/// kinds are matched only when nearly the same).
#[derive(Clone, Debug, Default)]
pub struct Unit {
    pub profile: Profile,
    pub label: Option<String>,
    /// Title words, normalised (lower case, brackets and punctuation dropped).
    pub title: Vec<String>,
    pub kind: u8,
}

impl Unit {
    pub fn new(text: &str) -> Unit {
        Unit {
            profile: Profile::new(text),
            ..Unit::default()
        }
    }

    pub fn with_label(mut self, label: Option<&str>) -> Unit {
        self.label = label.map(str::to_string);
        self
    }

    pub fn with_title(mut self, title: Option<&str>) -> Unit {
        self.title = title.map(title_words).unwrap_or_default();
        self
    }

    pub fn with_kind(mut self, kind: u8) -> Unit {
        self.kind = kind;
        self
    }
}

/// A title's words for comparison: `[[Adaptation and loss and damage]` →
/// `adaptation`, `and`, `loss`, `and`, `damage`.
fn title_words(t: &str) -> Vec<String> {
    t.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// How alike two titles are: the share of words they have in common (0 when either has
/// none).
fn title_similarity(a: &[String], b: &[String]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    if a == b {
        return 1.0;
    }
    let common = a.iter().filter(|w| b.contains(w)).count();
    2.0 * common as f64 / (a.len() + b.len()) as f64
}

/// Aligns `new` to `old` by content alone (see [`align_units`]).
pub fn align(old: &[Profile], new: &[Profile]) -> Alignment {
    let wrap = |ps: &[Profile]| -> Vec<Unit> {
        ps.iter()
            .map(|p| Unit {
                profile: p.clone(),
                ..Unit::default()
            })
            .collect()
    };
    align_units(&wrap(old), &wrap(new))
}

/// Similarity above which a pair may cross the order of the others (a move).
const MOVE_THRESHOLD: f64 = 0.7;
/// Similarity above which a pair is an anchor: certain, and fixing the order around it.
const ANCHOR_THRESHOLD: f64 = 0.8;
/// The least similarity for a match that keeps the order of the anchors around it.
const ORDERED_THRESHOLD: f64 = 0.35;

/// Pairs accepted so far that keep their order, by old index: a new pair must not cross
/// them unless it is a move.
#[derive(Default)]
struct Order(std::collections::BTreeMap<usize, usize>);

impl Order {
    /// How many ordered pairs a pair (o, n) would cross.
    fn crossings(&self, o: usize, n: usize) -> usize {
        self.0.range(..o).filter(|(_, bn)| **bn > n).count()
            + self.0.range(o + 1..).filter(|(_, an)| **an < n).count()
    }

    fn fits(&self, o: usize, n: usize) -> bool {
        let before = self.0.range(..o).next_back().is_none_or(|(_, &bn)| bn < n);
        let after = self.0.range(o + 1..).next().is_none_or(|(_, &an)| an > n);
        before && after
    }
}

/// Aligns `new` to `old`:
///
/// 1. identical texts (nearest position on ties);
/// 2. anchors: pairs whose texts are nearly the same, or whose titles are the same and
///    texts alike, best first;
/// 3. the rest, best first, as long as each keeps the order of the pairs already made
///    (a pair that crosses them, a move, needs a similarity of 0.7); a title in common
///    or the same label counts in a pair's favour, and a pair of texts that share a title
///    is accepted on less alike wording;
/// 4. a text left over with the same label as a leftover text between the same
///    neighbours, somewhat alike: the same provision, much rewritten;
/// 5. parts: a new text mostly found in one old text (split), an old text mostly found
///    in one new text (merge).
pub fn align_units(old: &[Unit], new: &[Unit]) -> Alignment {
    align_units_with(old, new, &Rules::default())
}

/// What a person knows better than the aligner (`treaty import-history --align FILE`):
/// pairs (old, new) that are the same provision, and pairs that are not.
#[derive(Clone, Debug, Default)]
pub struct Rules {
    pub same: Vec<(usize, usize)>,
    pub different: std::collections::HashSet<(usize, usize)>,
}

/// [`align_units`], with `rules` applied first: their pairs are matched before anything
/// else, and their forbidden pairs are never linked.
pub fn align_units_with(old: &[Unit], new: &[Unit], rules: &Rules) -> Alignment {
    let mut old_taken: Vec<Option<(usize, f64)>> = vec![None; old.len()];
    let mut new_taken: Vec<Option<(usize, f64)>> = vec![None; new.len()];
    let mut order = Order::default();
    let allowed = |o: usize, n: usize| !rules.different.contains(&(o, n));
    for &(o, n) in &rules.same {
        if o < old.len() && n < new.len() && old_taken[o].is_none() && new_taken[n].is_none() {
            let s = old[o].profile.similarity(&new[n].profile);
            old_taken[o] = Some((n, s));
            new_taken[n] = Some((o, s));
        }
    }
    let distance = |o: usize, n: usize| -> f64 {
        let po = if old.len() > 1 {
            o as f64 / (old.len() - 1) as f64
        } else {
            0.0
        };
        let pn = if new.len() > 1 {
            n as f64 / (new.len() - 1) as f64
        } else {
            0.0
        };
        (po - pn).abs()
    };

    // 1. Unchanged texts.
    let mut by_text: HashMap<&str, Vec<usize>> = HashMap::new();
    for (o, u) in old.iter().enumerate() {
        by_text.entry(u.profile.norm.as_str()).or_default().push(o);
    }
    for (n, u) in new.iter().enumerate() {
        if u.profile.norm.is_empty() {
            continue;
        }
        if let Some(candidates) = by_text.get(u.profile.norm.as_str()) {
            let best = candidates
                .iter()
                .copied()
                .filter(|&o| old_taken[o].is_none() && old[o].kind == u.kind && allowed(o, n))
                .min_by(|&a, &b| distance(a, n).total_cmp(&distance(b, n)).then(a.cmp(&b)));
            if let Some(o) = best {
                old_taken[o] = Some((n, 1.0));
                new_taken[n] = Some((o, 1.0));
            }
        }
    }
    // The identical pairs that keep their order fix it.
    {
        let mut pairs: Vec<(usize, usize)> = new_taken
            .iter()
            .enumerate()
            .filter_map(|(n, t)| t.map(|(o, _)| (o, n)))
            .collect();
        pairs.sort_unstable();
        let news: Vec<usize> = pairs.iter().map(|p| p.1).collect();
        for k in longest_increasing(&news) {
            order.0.insert(pairs[k].0, pairs[k].1);
        }
    }

    // Candidate pairs: (rank, similarity, distance, old, new).
    let mut pairs: Vec<(f64, f64, f64, usize, usize)> = Vec::new();
    for (n, un) in new.iter().enumerate() {
        if new_taken[n].is_some() {
            continue;
        }
        for (o, uo) in old.iter().enumerate() {
            if old_taken[o].is_some() || !allowed(o, n) {
                continue;
            }
            let t = title_similarity(&uo.title, &un.title);
            if uo.profile.jaccard(&un.profile) < PREFILTER && t < 0.5 {
                continue;
            }
            let s = uo.profile.cited_similarity(&un.profile);
            let same_label = uo.label.is_some() && uo.label == un.label;
            let same_kind = uo.kind == un.kind;
            if !same_kind && s < MOVE_THRESHOLD {
                continue;
            }
            let rank = s + 0.3 * t + if same_label { 0.05 } else { 0.0 };
            let floor = if t >= 0.99 {
                0.1
            } else if t >= 0.5 {
                0.25
            } else {
                ORDERED_THRESHOLD
            };
            if s >= floor {
                pairs.push((rank, s, distance(o, n), o, n));
            }
        }
    }
    pairs.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then(a.2.total_cmp(&b.2))
            .then(a.3.cmp(&b.3))
            .then(a.4.cmp(&b.4))
    });

    // 2. Anchors.
    for &(rank, s, _, o, n) in &pairs {
        let anchor = s >= ANCHOR_THRESHOLD || (rank - s >= 0.29 && s >= 0.5);
        if anchor && old_taken[o].is_none() && new_taken[n].is_none() {
            old_taken[o] = Some((n, s));
            new_taken[n] = Some((o, s));
            if order.fits(o, n) {
                order.0.insert(o, n);
            }
        }
    }
    // 3. The rest, in order (or strongly alike).
    for &(rank, s, _, o, n) in &pairs {
        if old_taken[o].is_some() || new_taken[n].is_some() {
            continue;
        }
        let fits = order.fits(o, n);
        let titled = rank - s >= 0.29;
        // A provision swapped with a neighbour or two: a short move needs less.
        let near = s >= 0.5 && order.crossings(o, n) <= 2;
        if fits || s >= MOVE_THRESHOLD || (titled && s >= 0.5) || near {
            old_taken[o] = Some((n, s));
            new_taken[n] = Some((o, s));
            if fits {
                order.0.insert(o, n);
            }
        }
    }
    // 4. Same label between the same neighbours, rewritten.
    for (n, un) in new.iter().enumerate() {
        if new_taken[n].is_some() || un.label.is_none() {
            continue;
        }
        let found = (0..old.len()).find(|&o| {
            old_taken[o].is_none()
                && allowed(o, n)
                && old[o].kind == un.kind
                && old[o].label == un.label
                && order.fits(o, n)
                && old[o].profile.jaccard(&un.profile) >= 0.1
        });
        if let Some(o) = found {
            let s = old[o].profile.similarity(&un.profile);
            old_taken[o] = Some((n, s));
            new_taken[n] = Some((o, s));
            order.0.insert(o, n);
        }
    }

    // 5. Parts: a new text mostly found in one old text, an old text mostly found in one
    // new text.
    let mut splits = Vec::new();
    for (n, un) in new.iter().enumerate() {
        if new_taken[n].is_some() || un.profile.shingles.len() < PART_MIN_SHINGLES {
            continue;
        }
        if let Some((o, c)) = best_container(&un.profile, old.iter().map(|u| &u.profile))
            && allowed(o, n)
        {
            if old_taken[o].is_none() {
                let s = old[o].profile.similarity(&un.profile);
                old_taken[o] = Some((n, s));
                new_taken[n] = Some((o, s));
            } else {
                splits.push(Link {
                    old: o,
                    new: n,
                    confidence: c,
                });
            }
        }
    }
    let mut merges = Vec::new();
    for (o, uo) in old.iter().enumerate() {
        if old_taken[o].is_some() || uo.profile.shingles.len() < PART_MIN_SHINGLES {
            continue;
        }
        if let Some((n, c)) = best_container(&uo.profile, new.iter().map(|u| &u.profile))
            && allowed(o, n)
        {
            if new_taken[n].is_none() {
                let s = uo.profile.similarity(&new[n].profile);
                old_taken[o] = Some((n, s));
                new_taken[n] = Some((o, s));
            } else {
                merges.push(Link {
                    old: o,
                    new: n,
                    confidence: c,
                });
            }
        }
    }

    let mut matches: Vec<Link> = new_taken
        .iter()
        .enumerate()
        .filter_map(|(n, t)| {
            t.map(|(o, confidence)| Link {
                old: o,
                new: n,
                confidence,
            })
        })
        .collect();
    matches.sort_by_key(|l| l.new);
    Alignment {
        matches,
        new: (0..new.len())
            .filter(|&n| new_taken[n].is_none() && !splits.iter().any(|l| l.new == n))
            .collect(),
        dropped: (0..old.len())
            .filter(|&o| old_taken[o].is_none() && !merges.iter().any(|l| l.old == o))
            .collect(),
        splits,
        merges,
    }
}

/// The text in `among` that holds the largest share of `part`'s shingles, if that share
/// reaches the threshold.
fn best_container<'p>(
    part: &Profile,
    among: impl Iterator<Item = &'p Profile>,
) -> Option<(usize, f64)> {
    among
        .enumerate()
        .map(|(i, w)| (i, part.containment(w)))
        .filter(|(_, c)| *c >= PART_THRESHOLD)
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
}

/// Indices (into `seq`) of a longest strictly increasing subsequence: the matched
/// clauses that kept their relative order. The others moved.
pub fn longest_increasing(seq: &[usize]) -> Vec<usize> {
    // Patience sorting with back links, O(n log n).
    let mut tails: Vec<usize> = Vec::new(); // indices into seq
    let mut prev: Vec<Option<usize>> = vec![None; seq.len()];
    for i in 0..seq.len() {
        let pos = tails.partition_point(|&t| seq[t] < seq[i]);
        if pos > 0 {
            prev[i] = Some(tails[pos - 1]);
        }
        if pos == tails.len() {
            tails.push(i);
        } else {
            tails[pos] = i;
        }
    }
    let mut out = Vec::with_capacity(tails.len());
    let mut cur = tails.last().copied();
    while let Some(i) = cur {
        out.push(i);
        cur = prev[i];
    }
    out.reverse();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profiles(texts: &[&str]) -> Vec<Profile> {
        texts.iter().map(|t| Profile::new(t)).collect()
    }

    const A: &str = "Every treaty in force is binding upon the parties to it and must be performed by them in good faith.";
    const B: &str = "A party may not invoke the provisions of its internal law as justification for its failure to perform a treaty.";
    const C: &str = "The consent of a State to be bound by a treaty may be expressed by signature, exchange of instruments constituting a treaty, ratification, acceptance, approval or accession.";
    const D: &str = "Unless a different intention appears from the treaty or is otherwise established, a treaty is not binding upon a party in relation to any territory.";

    #[test]
    fn similarity_is_one_only_for_the_same_text() {
        let a = Profile::new(A);
        assert_eq!(a.similarity(&Profile::new(&format!("  {A} "))), 1.0);
        let edited = Profile::new(&A.replace("good faith", "full faith"));
        let s = a.similarity(&edited);
        assert!(s < 1.0 && s > 0.9, "{s}");
        let punct = Profile::new(&A.replace("faith.", "faith;"));
        assert!(a.similarity(&punct) < 1.0);
    }

    #[test]
    fn moved_edited_new_dropped() {
        let old = profiles(&[A, B, C]);
        let new = profiles(&[C, D, &A.replace("must", "shall")]);
        let al = align(&old, &new);
        assert_eq!(al.old_of(0), Some(2));
        assert_eq!(al.old_of(2), Some(0));
        assert_eq!(al.new, vec![1]);
        assert_eq!(al.dropped, vec![1]);
        let edited = al.matches.iter().find(|l| l.new == 2).unwrap();
        assert!(edited.confidence < 1.0 && edited.confidence > 0.8);
    }

    #[test]
    fn split_and_merge() {
        // Old A+B merged into one new text; old C split in two.
        let (c1, c2) = C.split_at(C.find("ratification").unwrap());
        let merged = format!("{A} {B}");
        let old = profiles(&[A, B, C]);
        let new = profiles(&[&merged, c1, c2]);
        let al = align(&old, &new);
        assert_eq!(al.matches.len(), 2, "{al:?}");
        assert_eq!(al.merges.len(), 1, "{al:?}");
        assert_eq!(al.merges[0].new, 0);
        assert_eq!(al.splits.len(), 1, "{al:?}");
        assert_eq!(al.splits[0].old, 2);
        assert!(al.new.is_empty() && al.dropped.is_empty(), "{al:?}");
    }

    #[test]
    fn increasing_subsequence() {
        assert_eq!(longest_increasing(&[0, 1, 5, 2, 3, 4]), vec![0, 1, 3, 4, 5]);
        assert!(longest_increasing(&[]).is_empty());
    }
}
