//! Bracket analysis of a whole draft: each clause's bracket tree, its statistics, the
//! problems found in it and the delegations it names.

use serde::Serialize;

use crate::bracket::{self, Node, Problem, RefLabels, Stats, Tree};
use crate::draft::Draft;

/// Reference-link labels defined in each file, so `[text][ref]` is told from `[a][b]`.
fn file_refs(draft: &Draft) -> Vec<RefLabels> {
    draft
        .files
        .iter()
        .map(|f| RefLabels::scan(&f.text()))
        .collect()
}

/// The bracket tree of every text-bearing clause, by clause index.
pub fn trees(draft: &Draft) -> Vec<(usize, Tree)> {
    let refs = file_refs(draft);
    draft
        .clauses
        .iter()
        .enumerate()
        .filter(|(_, c)| c.kind.has_text())
        .map(|(i, c)| (i, bracket::parse_with(&c.text, &refs[c.file])))
        .collect()
}

/// The bracket tree of one clause's text.
pub fn tree(draft: &Draft, i: usize) -> Tree {
    let c = &draft.clauses[i];
    let refs = RefLabels::scan(&draft.files[c.file].text());
    bracket::parse_with(&c.text, &refs)
}

/// Every bracket problem (unclosed, stray) with the clause it is in.
pub fn bracket_problems(trees: &[(usize, Tree)]) -> Vec<(usize, &Problem)> {
    trees
        .iter()
        .flat_map(|(i, t)| t.problems.iter().map(move |p| (*i, p)))
        .collect()
}

/// Every delegation code named in an attribution: (clause, code, byte offset in its text).
pub fn attributions(draft: &Draft, trees: &[(usize, Tree)]) -> Vec<(usize, String, usize)> {
    let mut out = Vec::new();
    for (i, t) in trees {
        let i = *i;
        let text = &draft.clauses[i].text;
        walk_alternatives(&t.nodes, &mut |alt| {
            let span = alt.span.of(text);
            for code in &alt.proposers {
                let offset = alt.span.start + span.rfind(code.as_str()).unwrap_or(0);
                out.push((i, code.clone(), offset));
            }
        });
    }
    out
}

fn walk_alternatives(nodes: &[Node], f: &mut dyn FnMut(&bracket::Alternative)) {
    for n in nodes {
        match n {
            Node::Group(g) => {
                for a in &g.alternatives {
                    f(a);
                    walk_alternatives(&a.nodes, f);
                }
            }
            Node::Options(o) => walk_options(&o.options, f),
            _ => {}
        }
    }
}

fn walk_options(items: &[bracket::OptionItem], f: &mut dyn FnMut(&bracket::Alternative)) {
    for it in items {
        walk_alternatives(&it.nodes, f);
        walk_options(&it.sub_options, f);
    }
}

/// Bracket statistics of one clause, for `treaty brackets`.
#[derive(Debug, Clone, Serialize)]
pub struct ClauseStats {
    pub id: Option<String>,
    pub reference: String,
    #[serde(flatten)]
    pub stats: Stats,
}

/// Statistics per clause (only clauses with anything to report) and in total.
#[derive(Debug, Clone, Serialize)]
pub struct BracketReport {
    pub clauses: Vec<ClauseStats>,
    pub total: Stats,
}

/// Bracket statistics for the draft, or for one clause and everything under it.
pub fn report(draft: &Draft, only: Option<usize>) -> BracketReport {
    let range = only.map_or(0..draft.clauses.len(), |i| draft.subtree(i));
    let mut clauses = Vec::new();
    let mut total = Stats::default();
    // Only the clauses reported on are parsed, and only their files scanned for labels.
    let mut refs: Vec<Option<RefLabels>> = vec![None; draft.files.len()];
    for i in range {
        let c = &draft.clauses[i];
        if !c.kind.has_text() {
            continue;
        }
        let refs = refs[c.file].get_or_insert_with(|| RefLabels::scan(&draft.files[c.file].text()));
        let stats = bracket::parse_with(&c.text, refs).stats();
        total += stats;
        if stats != Stats::default() {
            clauses.push(ClauseStats {
                id: draft.clauses[i].id.clone(),
                reference: draft.reference(i),
                stats,
            });
        }
    }
    BracketReport { clauses, total }
}
