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
/// The least similarity for a one-to-one match.
const MATCH_THRESHOLD: f64 = 0.5;
/// The least share of a text's shingles found in another for a split or merge link.
const PART_THRESHOLD: f64 = 0.6;
/// Texts shorter than this (in shingles) are never taken for a split-off or merged part:
/// a short formula occurs in many clauses.
const PART_MIN_SHINGLES: usize = 4;

/// A text reduced for comparison.
#[derive(Clone, Debug)]
pub struct Profile {
    /// White space collapsed: equal `norm` means unchanged.
    norm: String,
    tokens: Vec<u64>,
    /// Sorted, without duplicates.
    shingles: Vec<u64>,
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
            norm,
            tokens,
            shingles,
        }
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

    fn common(&self, other: &Profile) -> usize {
        let (mut i, mut j, mut n) = (0, 0, 0);
        let (a, b) = (&self.shingles, &other.shingles);
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

/// Aligns `new` to `old`: identical texts first (nearest position on ties), then the most
/// similar pairs greedily, then split and merged parts by containment.
pub fn align(old: &[Profile], new: &[Profile]) -> Alignment {
    let mut old_taken: Vec<Option<(usize, f64)>> = vec![None; old.len()];
    let mut new_taken: Vec<Option<(usize, f64)>> = vec![None; new.len()];
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
    for (o, p) in old.iter().enumerate() {
        by_text.entry(p.norm.as_str()).or_default().push(o);
    }
    for (n, p) in new.iter().enumerate() {
        if let Some(candidates) = by_text.get(p.norm.as_str()) {
            let best = candidates
                .iter()
                .copied()
                .filter(|&o| old_taken[o].is_none())
                .min_by(|&a, &b| distance(a, n).total_cmp(&distance(b, n)).then(a.cmp(&b)));
            if let Some(o) = best {
                old_taken[o] = Some((n, 1.0));
                new_taken[n] = Some((o, 1.0));
            }
        }
    }

    // 2. Best pairs first.
    let mut pairs: Vec<(f64, f64, usize, usize)> = Vec::new();
    for (n, pn) in new.iter().enumerate() {
        if new_taken[n].is_some() {
            continue;
        }
        for (o, po) in old.iter().enumerate() {
            if old_taken[o].is_some() || po.jaccard(pn) < PREFILTER {
                continue;
            }
            let s = po.similarity(pn);
            if s >= MATCH_THRESHOLD {
                pairs.push((s, distance(o, n), o, n));
            }
        }
    }
    pairs.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then(a.1.total_cmp(&b.1))
            .then(a.2.cmp(&b.2))
            .then(a.3.cmp(&b.3))
    });
    for (s, _, o, n) in pairs {
        if old_taken[o].is_none() && new_taken[n].is_none() {
            old_taken[o] = Some((n, s));
            new_taken[n] = Some((o, s));
        }
    }

    // 3. Parts: a new text mostly found in one old text, an old text mostly found in one
    // new text.
    let mut splits = Vec::new();
    for (n, pn) in new.iter().enumerate() {
        if new_taken[n].is_some() || pn.shingles.len() < PART_MIN_SHINGLES {
            continue;
        }
        if let Some((o, c)) = best_container(pn, old) {
            if old_taken[o].is_none() {
                let s = old[o].similarity(pn);
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
    for (o, po) in old.iter().enumerate() {
        if old_taken[o].is_some() || po.shingles.len() < PART_MIN_SHINGLES {
            continue;
        }
        if let Some((n, c)) = best_container(po, new) {
            if new_taken[n].is_none() {
                let s = po.similarity(&new[n]);
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
fn best_container(part: &Profile, among: &[Profile]) -> Option<(usize, f64)> {
    among
        .iter()
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
