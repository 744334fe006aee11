//! Counts per clause, summed per article or per treaty.

use super::{Node, OptionItem, Tree};
use std::ops::{Add, AddAssign};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Stats {
    /// Every bracket group, nested ones included.
    pub groups: usize,
    /// Alternatives across all groups.
    pub alternatives: usize,
    /// Option items, sub-options included.
    pub options: usize,
    pub placeholders: usize,
    /// Alternatives that name at least one proposer.
    pub attributions: usize,
    pub status_marks: usize,
    pub problems: usize,
}

impl Add for Stats {
    type Output = Stats;
    fn add(mut self, rhs: Stats) -> Stats {
        self += rhs;
        self
    }
}

impl AddAssign for Stats {
    fn add_assign(&mut self, rhs: Stats) {
        self.groups += rhs.groups;
        self.alternatives += rhs.alternatives;
        self.options += rhs.options;
        self.placeholders += rhs.placeholders;
        self.attributions += rhs.attributions;
        self.status_marks += rhs.status_marks;
        self.problems += rhs.problems;
    }
}

impl std::iter::Sum for Stats {
    fn sum<I: Iterator<Item = Stats>>(iter: I) -> Stats {
        iter.fold(Stats::default(), Add::add)
    }
}

impl Tree {
    pub fn stats(&self) -> Stats {
        let mut s = Stats {
            problems: self.problems.len(),
            ..Stats::default()
        };
        self.walk(|_, node| match node {
            Node::Group(g) => {
                s.groups += 1;
                s.alternatives += g.alternatives.len();
                s.attributions += g
                    .alternatives
                    .iter()
                    .filter(|a| !a.proposers.is_empty())
                    .count();
            }
            Node::Options(set) => s.options += count_items(&set.options),
            Node::Placeholder(_) => s.placeholders += 1,
            Node::Status { .. } => s.status_marks += 1,
            Node::Text(_) | Node::Verbatim { .. } => {}
        });
        s
    }
}

fn count_items(items: &[OptionItem]) -> usize {
    items.len()
        + items
            .iter()
            .map(|i| count_items(&i.sub_options))
            .sum::<usize>()
}
