//! The parser as it was before it was tuned for speed (scan, build and attribution passes
//! copied unchanged from that commit), kept only for the tests: the differential properties
//! below hold the fast parser to exactly the same trees and problems for any input.
//!
//! When a rule of the notation changes on purpose, change it here too (or retire this
//! module): it is a reference for the optimisations, not a second specification.

mod attrib;
mod build;
mod scan;

use super::{
    Alternative, Group, GroupForm, MAX_DEPTH, Node, OptionItem, OptionSet, Problem, ProblemKind,
    RefLabels, Span, StatusMark, Tree, VerbatimKind,
};

/// [`super::parse_with`] as it was.
pub(super) fn parse_with(text: &str, refs: &RefLabels) -> Tree {
    build::build(text, refs, scan::scan(text))
}

/// [`super::parse`] as it was.
pub(super) fn parse(text: &str) -> Tree {
    parse_with(text, &RefLabels::scan(text))
}
