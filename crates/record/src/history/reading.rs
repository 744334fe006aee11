//! What an archivist reads off the history: every version of a whole article, and the
//! draft as it stood at each tagged round.

use super::{ClauseVersion, History, HistoryError, Record, TextState};
use crate::store::Store;

/// A whole article (or annex, or any clause with what it holds) as one record left it.
#[derive(Clone, Debug)]
pub struct ArticleVersion<'h> {
    pub index: usize,
    pub record: &'h Record,
    /// The article and its paragraphs and points, in treaty order; empty once deleted.
    pub clauses: Vec<ClauseVersion>,
}

/// The draft at one tagged round.
#[derive(Clone, Debug)]
pub struct RoundState<'h> {
    pub round: String,
    pub index: usize,
    pub record: &'h Record,
    pub state: TextState,
}

fn belongs(v: &ClauseVersion, id: &str) -> bool {
    v.id == id || v.article.as_deref() == Some(id) || v.parent.as_deref() == Some(id)
}

impl History {
    /// Replays from the start, handing `each` the text as it stood after each record of
    /// `points` (name, record index; in record order); returns the replay there, to go on.
    pub(super) fn walk_to(
        &self,
        points: &[(String, usize)],
        mut each: impl FnMut(&str, usize, &TextState),
    ) -> super::Replay<'_> {
        let mut walk = self.replay();
        let mut done = 0;
        for (name, at) in points {
            while done <= *at {
                walk.next();
                done += 1;
            }
            each(name, *at, walk.state());
        }
        walk
    }

    /// Every version of clause `id` together with everything it holds (an article's
    /// paragraphs and points): one per record that changed any of them, oldest first.
    pub fn article_versions(&self, id: &str) -> Result<Vec<ArticleVersion<'_>>, HistoryError> {
        self.known_clause(id)?;
        let mut out = Vec::new();
        let mut walk = self.replay();
        // Clauses held below the article's own children (points of its paragraphs).
        let mut held: std::collections::HashSet<String> = std::collections::HashSet::new();
        while let Some(step) = walk.next() {
            let touches = step.changes.iter().any(|c| {
                held.contains(c.id)
                    || c.after.is_some_and(|v| belongs(v, id))
                    || c.before.as_ref().is_some_and(|v| belongs(v, id))
            });
            if !touches {
                continue;
            }
            let mut clauses: Vec<ClauseVersion> = Vec::new();
            held.clear();
            for v in walk.state().ordered() {
                let inside =
                    belongs(v, id) || v.parent.as_ref().is_some_and(|p| held.contains(p.as_str()));
                if inside {
                    held.insert(v.id.clone());
                    clauses.push(v.clone());
                }
            }
            out.push(ArticleVersion {
                index: step.index,
                record: step.record,
                clauses,
            });
        }
        Ok(out)
    }

    /// The draft as it stood at each tagged round, in history order; only `names` when
    /// given (in the order given), every tagged round otherwise.
    pub fn round_states(
        &self,
        store: &Store,
        names: Option<&[String]>,
    ) -> Result<Vec<RoundState<'_>>, HistoryError> {
        let marks = self.rounds(store)?;
        let mut wanted: Vec<(String, usize)> = match names {
            Some(names) => names
                .iter()
                .map(|n| {
                    marks
                        .iter()
                        .find(|m| &m.name == n)
                        .and_then(|m| m.at.map(|at| (m.name.clone(), at)))
                        .ok_or_else(|| HistoryError::UnknownRound {
                            name: n.clone(),
                            known: marks
                                .iter()
                                .filter(|m| m.at.is_some())
                                .map(|m| m.name.clone())
                                .collect(),
                        })
                })
                .collect::<Result<_, _>>()?,
            None => marks
                .iter()
                .filter_map(|m| m.at.map(|at| (m.name.clone(), at)))
                .collect(),
        };
        let order: Vec<String> = wanted.iter().map(|w| w.0.clone()).collect();
        wanted.sort_by_key(|w| w.1);
        let mut out: Vec<RoundState<'_>> = Vec::new();
        self.walk_to(&wanted, |name, at, state| {
            out.push(RoundState {
                round: name.to_string(),
                index: at,
                record: self.record(at),
                state: state.clone(),
            });
        });
        if names.is_some() {
            out.sort_by_key(|r| order.iter().position(|n| *n == r.round));
        }
        Ok(out)
    }
}
