//! Clean text: the clause as it would read once every choice is made.

use super::tree::{count_option_points, count_points};
use super::{Node, OptionItem, Tree};

/// How to settle every choice point.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Choice {
    /// The first alternative of every group and the first option of every set.
    First,
    /// What these delegations proposed, where they proposed anything; else the first.
    Delegations(Vec<String>),
    /// `(choice point, alternative)` pairs, both 0-based, indexing
    /// [`Tree::choice_points`]; points not named take their first alternative.
    Pick(Vec<(usize, usize)>),
}

/// Indexes are 0-based; the messages count from 1, as negotiators do.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CleanError {
    #[error(
        "choice point {} has {available} alternatives; there is no alternative {}",
        .point + 1,
        .index + 1
    )]
    OutOfRange {
        point: usize,
        index: usize,
        available: usize,
    },
    #[error("there is no choice point {}: the text has {count}", .point + 1)]
    NoSuchPoint { point: usize, count: usize },
}

impl Tree {
    /// The text with every choice made: brackets, status marks, placeholders, option labels
    /// and attributions dropped, and the doubled spaces that removals leave closed up.
    pub fn clean(&self, text: &str, choice: &Choice) -> Result<String, CleanError> {
        let picks = match choice {
            Choice::Pick(pairs) => self.check_picks(pairs)?,
            _ => Vec::new(),
        };
        let mut c = Cleaner {
            text,
            choice,
            picks,
            next_point: 0,
            out: String::with_capacity(text.len()),
            removed: false,
            line_start: false,
        };
        c.nodes(&self.nodes);
        Ok(c.out)
    }

    /// The chosen alternative for each point, checked against what the points offer.
    fn check_picks(&self, pairs: &[(usize, usize)]) -> Result<Vec<usize>, CleanError> {
        let mut sizes = Vec::new();
        self.for_each_point(|p| sizes.push(p.len()));
        let mut picks = vec![0; sizes.len()];
        for &(point, index) in pairs {
            let available = *sizes.get(point).ok_or(CleanError::NoSuchPoint {
                point,
                count: sizes.len(),
            })?;
            if index >= available {
                return Err(CleanError::OutOfRange {
                    point,
                    index,
                    available,
                });
            }
            picks[point] = index;
        }
        Ok(picks)
    }
}

struct Cleaner<'a> {
    text: &'a str,
    choice: &'a Choice,
    picks: Vec<usize>,
    /// The index of the next choice point, in [`Tree::choice_points`] order.
    next_point: usize,
    out: String,
    /// Something was dropped since the last text: spaces at the seam may be doubled.
    removed: bool,
    /// An option's text begins: its leading whitespace belonged to the dropped label.
    line_start: bool,
}

impl Cleaner<'_> {
    fn nodes(&mut self, nodes: &[Node]) {
        for node in nodes {
            match node {
                Node::Text(s) | Node::Verbatim { span: s, .. } => self.push(s.of(self.text)),
                Node::Placeholder(_) | Node::Status { .. } => self.removed = true,
                Node::Group(g) => {
                    let point = self.take_point();
                    let chosen = self.pick(point, &g.alternatives, |a| &a.proposers);
                    self.removed = true;
                    for (i, alt) in g.alternatives.iter().enumerate() {
                        if i == chosen {
                            self.nodes(&alt.nodes);
                        } else {
                            self.next_point += count_points(&alt.nodes);
                        }
                    }
                    self.removed = true;
                }
                Node::Options(set) => self.options(&set.options),
            }
        }
    }

    fn options(&mut self, items: &[OptionItem]) {
        let point = self.take_point();
        let proposers: Vec<Vec<String>> = match self.choice {
            Choice::Delegations(_) => items.iter().map(option_proposers).collect(),
            _ => vec![Vec::new(); items.len()],
        };
        let chosen = self.pick(point, &proposers, |p| p);
        for (i, item) in items.iter().enumerate() {
            if i != chosen {
                self.next_point += count_option_points(item);
                continue;
            }
            self.removed = true;
            // "No text" holds no brackets, so skipping it skips no choice points.
            if !item.no_text {
                self.line_start = true;
                self.nodes(&item.nodes);
            }
            if !item.sub_options.is_empty() {
                self.options(&item.sub_options);
            }
            self.removed = true;
        }
    }

    fn take_point(&mut self) -> usize {
        self.next_point += 1;
        self.next_point - 1
    }

    fn pick<T>(&self, point: usize, alts: &[T], proposers: impl Fn(&T) -> &Vec<String>) -> usize {
        match self.choice {
            Choice::First => 0,
            Choice::Pick(_) => self.picks.get(point).copied().unwrap_or(0),
            Choice::Delegations(codes) => alts
                .iter()
                .position(|a| {
                    proposers(a)
                        .iter()
                        .any(|p| codes.iter().any(|c| c.eq_ignore_ascii_case(p)))
                })
                .unwrap_or(0),
        }
    }

    fn push(&mut self, mut s: &str) {
        if s.is_empty() {
            return;
        }
        if self.line_start {
            s = s.trim_start();
            if s.is_empty() {
                return;
            }
            self.line_start = false;
        }
        if self.removed {
            let out_blank = self.out.is_empty() || self.out.ends_with([' ', '\t', '\n']);
            if out_blank {
                s = s.trim_start_matches([' ', '\t']);
            }
            if s.starts_with([',', '.', ';', ':', ')', '!', '?']) {
                let kept = self.out.trim_end_matches([' ', '\t']).len();
                self.out.truncate(kept);
            }
            if s.is_empty() {
                return;
            }
            self.removed = false;
        }
        self.out.push_str(s);
    }
}

/// Everyone named in an option's attributions, its sub-options included.
fn option_proposers(item: &OptionItem) -> Vec<String> {
    let mut out = Vec::new();
    collect_proposers(&item.nodes, &mut out);
    for sub in &item.sub_options {
        collect_proposers(&sub.nodes, &mut out);
    }
    out
}

fn collect_proposers(nodes: &[Node], out: &mut Vec<String>) {
    for node in nodes {
        match node {
            Node::Group(g) => {
                for alt in &g.alternatives {
                    out.extend(alt.proposers.iter().cloned());
                    collect_proposers(&alt.nodes, out);
                }
            }
            Node::Options(set) => {
                for item in &set.options {
                    out.extend(option_proposers(item));
                }
            }
            _ => {}
        }
    }
}
