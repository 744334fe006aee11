//! Objectives: what a team is graded on, checked against the text at any commit.
//!
//! A team's objectives are a RON file handed in with its confidential brief
//! (`treaty exercise brief set --team NAME FILE --objectives FILE.ron`):
//!
//! ```ron
//! (
//!     version: 1,
//!     objectives: [
//!         (
//!             id: "annual-review",
//!             description: "The Observatory reviews compliance every year",
//!             weight: 3,
//!             check: Resolved(clause: "observatory.2.b", option: "annually"),
//!         ),
//!         (id: "no-ban", description: "No outright ban", weight: 2,
//!          check: DoesNotContain(clause: "laws.1", phrase: "shall be prohibited")),
//!         (id: "ind-tier-2", description: "India in tier 2", weight: 1,
//!          check: PartyInTier(party: "IND", tier: 2)),
//!         (id: "annex-b", description: "The weapons annex is agreed", weight: 2,
//!          check: Annex(annex: "annex-weapons", status: Agreed)),
//!         (id: "our-words", description: "Our words survive in Article 9", weight: 1,
//!          check: Credited(clauses: ["observatory"], at_least_words: Some(15))),
//!     ],
//! )
//! ```
//!
//! The checks:
//! - `Contains(clause, phrase)`: the words stand in the clause *outside* every bracket
//!   (agreed text); bracketed words are still on the table, so they do not count.
//! - `DoesNotContain(clause, phrase)`: the words are nowhere in the clause, not even in
//!   brackets or options. A deleted clause contains nothing.
//! - `Resolved(clause, option)`: the bracket or option set in the clause that offered
//!   `option` (an alternative's words, without its attribution, or an option's text) is
//!   settled and its words stand as agreed text.
//! - `PartyInTier(party, tier)`: `drafts/tiers.ron` puts the Party in that tier.
//! - `Annex(annex, status)`: `drafts/annexes.ron` gives the annex that status
//!   (`Proposed`, `UnderNegotiation`, `Agreed`, `Withdrawn`).
//! - `Credited(clauses, at_least_words | at_least_percent)`: of the words of these clauses
//!   and their sub-clauses (all clauses when the list is empty), at least so many (or so
//!   many per cent) were introduced during the exercise by amendments the team's
//!   delegations proposed, by word-level blame.
//!
//! Words compare without regard to case or runs of spaces. The score is the weight of the
//! objectives met over the weight of all, in per cent.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::annex::{AnnexRegister, AnnexStatus};
use crate::bracket::{self, Node};
use crate::diag::Diagnostic;
use crate::draft::Draft;
use crate::ronfile::{self, RonError};
use crate::suggest;
use crate::tiers::Tiers;

/// A team's objectives file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Objectives {
    pub version: u32,
    pub objectives: Vec<Objective>,
}

/// One objective.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Objective {
    pub id: String,
    pub description: String,
    /// How much it counts towards the score (1 or more).
    pub weight: u32,
    pub check: Check,
}

/// What must hold of the text for the objective to be met.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Check {
    Contains {
        clause: String,
        phrase: String,
    },
    DoesNotContain {
        clause: String,
        phrase: String,
    },
    Resolved {
        clause: String,
        option: String,
    },
    PartyInTier {
        party: String,
        tier: u8,
    },
    Annex {
        annex: String,
        status: AnnexStatus,
    },
    Credited {
        #[serde(default)]
        clauses: Vec<String>,
        #[serde(default)]
        at_least_words: Option<u32>,
        #[serde(default)]
        at_least_percent: Option<u32>,
    },
}

impl Check {
    /// The clause ids the check names.
    pub fn clauses(&self) -> Vec<&str> {
        match self {
            Check::Contains { clause, .. }
            | Check::DoesNotContain { clause, .. }
            | Check::Resolved { clause, .. } => vec![clause.as_str()],
            Check::Credited { clauses, .. } => clauses.iter().map(String::as_str).collect(),
            Check::PartyInTier { .. } | Check::Annex { .. } => Vec::new(),
        }
    }
}

/// Words blame credits, per clause: how many words the clause has, and how many of them
/// each set of proposers introduced during the exercise.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ClauseCredit {
    pub words: usize,
    /// (proposing delegations, words) for each exercise amendment's surviving words.
    pub by: Vec<(Vec<String>, usize)>,
}

/// The text at one commit, as the checks read it.
pub struct Facts<'a> {
    pub draft: &'a Draft,
    pub tiers: Option<&'a Tiers>,
    pub annexes: Option<&'a AnnexRegister>,
    /// By clause id; `None` when blame was not computed (then `Credited` is not met and
    /// says why).
    pub credits: Option<&'a HashMap<String, ClauseCredit>>,
}

/// An objective checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Outcome {
    pub id: String,
    pub description: String,
    pub weight: u32,
    pub met: bool,
    /// Why, in a sentence.
    pub detail: String,
}

/// A team's objectives checked at one commit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Scorecard {
    pub team: String,
    pub outcomes: Vec<Outcome>,
    pub met_weight: u32,
    pub total_weight: u32,
}

impl Scorecard {
    /// The weight met over the weight of all, in per cent (0 with no objectives).
    pub fn percent(&self) -> f64 {
        if self.total_weight == 0 {
            0.0
        } else {
            100.0 * f64::from(self.met_weight) / f64::from(self.total_weight)
        }
    }

    pub fn met(&self) -> usize {
        self.outcomes.iter().filter(|o| o.met).count()
    }
}

impl Objectives {
    pub fn from_bytes(bytes: &[u8], display: &Path) -> Result<Objectives, RonError> {
        ronfile::parse_bytes(bytes, display)
    }

    /// Checks every objective at the text `facts` describe, for a team that plays `codes`.
    pub fn score(&self, team: &str, codes: &[String], facts: &Facts<'_>) -> Scorecard {
        let outcomes: Vec<Outcome> = self
            .objectives
            .iter()
            .map(|o| {
                let (met, detail) = evaluate(&o.check, codes, facts);
                Outcome {
                    id: o.id.clone(),
                    description: o.description.clone(),
                    weight: o.weight,
                    met,
                    detail,
                }
            })
            .collect();
        Scorecard {
            team: team.to_string(),
            met_weight: outcomes.iter().filter(|o| o.met).map(|o| o.weight).sum(),
            total_weight: outcomes.iter().map(|o| o.weight).sum(),
            outcomes,
        }
    }

    /// Everything wrong with the file against the negotiation it is for: unknown clauses,
    /// Parties, tiers and annexes (with the nearest known), an option the clause does not
    /// offer, duplicate ids, weights of 0 and thresholds that cannot be met. `text` is the
    /// file's text, to locate each problem.
    pub fn check(
        &self,
        text: &str,
        display: &Path,
        draft: &Draft,
        tiers: Option<&Tiers>,
        annexes: Option<&AnnexRegister>,
    ) -> Vec<Diagnostic> {
        let mut diags = Vec::new();
        let mut ids = HashSet::new();
        for o in &self.objectives {
            let (line, col) = ronfile::find_field_value(text, "id", &o.id);
            let mut error = |message: String, help: Option<String>| {
                let d = Diagnostic::error(display, line, col, message);
                diags.push(match help {
                    Some(h) => d.with_help(h),
                    None => d,
                });
            };
            if o.id.trim().is_empty() || !ids.insert(o.id.as_str()) {
                error(
                    format!("objective id \"{}\" is empty or used twice", o.id),
                    None,
                );
            }
            if o.weight == 0 {
                error(
                    format!("objective {} has weight 0, so it cannot count", o.id),
                    Some("give it a weight of 1 or more".into()),
                );
            }
            for clause in o.check.clauses() {
                if draft.clause(clause).is_none() {
                    error(
                        format!(
                            "objective {} names clause `{clause}`, which the draft does not have",
                            o.id
                        ),
                        suggest::nearest(clause, draft.ids()).map(suggest::help),
                    );
                }
            }
            match &o.check {
                Check::Contains { phrase, .. } | Check::DoesNotContain { phrase, .. }
                    if words(phrase).is_empty() =>
                {
                    error(format!("objective {} has an empty phrase", o.id), None);
                }
                Check::Resolved { clause, option } => {
                    if let Some(c) = draft.clause(clause) {
                        let offered = offered(&c.text);
                        if !offered.contains(&words(option)) {
                            let list = offered
                                .iter()
                                .map(|o| format!("\"{o}\""))
                                .collect::<Vec<_>>()
                                .join(", ");
                            error(
                                format!(
                                    "objective {}: clause `{clause}` offers no alternative or option reading \"{option}\"",
                                    o.id
                                ),
                                Some(if list.is_empty() {
                                    "the clause has no brackets or options left to resolve".into()
                                } else {
                                    format!("it offers {list}")
                                }),
                            );
                        }
                    }
                }
                Check::PartyInTier { party, tier } => match tiers {
                    None => error(
                        format!(
                            "objective {} needs drafts/tiers.ron, which the negotiation does not have",
                            o.id
                        ),
                        None,
                    ),
                    Some(t) => {
                        if t.party(party).is_none() {
                            let codes: Vec<&str> =
                                t.parties.iter().map(|p| p.code.as_str()).collect();
                            error(
                                format!(
                                    "objective {} names Party `{party}`, which drafts/tiers.ron does not list",
                                    o.id
                                ),
                                suggest::nearest(party, codes).map(suggest::help),
                            );
                        }
                        if t.tier(*tier).is_none() {
                            error(
                                format!(
                                    "objective {} names tier {tier}, which drafts/tiers.ron does not define",
                                    o.id
                                ),
                                None,
                            );
                        }
                    }
                },
                Check::Annex { annex, .. } => {
                    let known: Vec<&str> = annexes
                        .map(|a| a.annexes.iter().map(|x| x.annex.as_str()).collect())
                        .unwrap_or_default();
                    if !known.contains(&annex.as_str()) {
                        error(
                            format!(
                                "objective {} names annex `{annex}`, which drafts/annexes.ron does not list",
                                o.id
                            ),
                            suggest::nearest(annex, known).map(suggest::help),
                        );
                    }
                }
                Check::Credited {
                    at_least_words,
                    at_least_percent,
                    ..
                } => match (at_least_words, at_least_percent) {
                    (Some(_), None) => {}
                    (None, Some(p)) if *p <= 100 => {}
                    (None, Some(p)) => error(
                        format!(
                            "objective {} asks for {p} per cent of the words, more than all of them",
                            o.id
                        ),
                        None,
                    ),
                    _ => error(
                        format!(
                            "objective {} needs one of at_least_words or at_least_percent",
                            o.id
                        ),
                        None,
                    ),
                },
                _ => {}
            }
        }
        diags
    }
}

/// Whether the check holds, and why.
fn evaluate(check: &Check, codes: &[String], facts: &Facts<'_>) -> (bool, String) {
    let clause_text = |id: &str| facts.draft.clause(id).map(|c| c.text.as_str());
    match check {
        Check::Contains { clause, phrase } => match clause_text(clause) {
            None => (false, format!("clause {clause} is not in the text")),
            Some(text) => {
                let p = words(phrase);
                if agreed_segments(text).iter().any(|s| contains_words(s, &p)) {
                    (
                        true,
                        format!("clause {clause} reads \"{phrase}\" as agreed text"),
                    )
                } else if contains_words(&words(text), &p) {
                    (
                        false,
                        format!("\"{phrase}\" is in clause {clause} only in brackets or options"),
                    )
                } else {
                    (false, format!("clause {clause} does not read \"{phrase}\""))
                }
            }
        },
        Check::DoesNotContain { clause, phrase } => match clause_text(clause) {
            None => (true, format!("clause {clause} is gone")),
            Some(text) => {
                if contains_words(&words(text), &words(phrase)) {
                    (false, format!("clause {clause} still reads \"{phrase}\""))
                } else {
                    (true, format!("clause {clause} does not read \"{phrase}\""))
                }
            }
        },
        Check::Resolved { clause, option } => match clause_text(clause) {
            None => (false, format!("clause {clause} is not in the text")),
            Some(text) => {
                let o = words(option);
                if offered(text).contains(&o) {
                    (
                        false,
                        format!("\"{option}\" is still one of the alternatives in clause {clause}"),
                    )
                } else if agreed_segments(text).iter().any(|s| contains_words(s, &o)) {
                    (true, format!("clause {clause} settled on \"{option}\""))
                } else {
                    (
                        false,
                        format!("clause {clause} settled, but not on \"{option}\""),
                    )
                }
            }
        },
        Check::PartyInTier { party, tier } => match facts.tiers.and_then(|t| t.party(party)) {
            None => (false, format!("{party} is in no tier")),
            Some(p) if p.tier == *tier => (true, format!("{party} is in tier {tier}")),
            Some(p) => (false, format!("{party} is in tier {}, not {tier}", p.tier)),
        },
        Check::Annex { annex, status } => match facts.annexes.and_then(|a| a.get(annex)) {
            None => (false, format!("annex {annex} is not in the register")),
            Some(a) if a.status == *status => {
                (true, format!("annex {annex} is {}", status.as_str()))
            }
            Some(a) => (
                false,
                format!(
                    "annex {annex} is {}, not {}",
                    a.status.as_str(),
                    status.as_str()
                ),
            ),
        },
        Check::Credited {
            clauses,
            at_least_words,
            at_least_percent,
        } => {
            let Some(credits) = facts.credits else {
                return (false, "word credits were not computed".into());
            };
            let (credited, total) = credited_words(facts.draft, credits, codes, clauses);
            let percent = if total == 0 {
                0.0
            } else {
                100.0 * credited as f64 / total as f64
            };
            let met = match (at_least_words, at_least_percent) {
                (Some(w), _) => credited >= *w as usize,
                (None, Some(p)) => percent >= f64::from(*p),
                (None, None) => false,
            };
            (
                met,
                format!(
                    "{credited} of {total} words ({percent:.0}%) are credited to {}",
                    codes.join(", ")
                ),
            )
        }
    }
}

/// Words of `clauses` and their sub-clauses (every clause when empty), and how many of
/// them exercise amendments proposed by any of `codes` introduced.
pub fn credited_words(
    draft: &Draft,
    credits: &HashMap<String, ClauseCredit>,
    codes: &[String],
    clauses: &[String],
) -> (usize, usize) {
    let mut ids: Vec<&str> = Vec::new();
    if clauses.is_empty() {
        ids.extend(draft.ids());
    } else {
        for c in clauses {
            if let Some(i) = draft.index_of(c) {
                ids.extend(
                    draft
                        .subtree(i)
                        .filter_map(|k| draft.clauses[k].id.as_deref()),
                );
            }
        }
    }
    let (mut credited, mut total) = (0, 0);
    for id in ids {
        if let Some(c) = credits.get(id) {
            total += c.words;
            credited +=
                c.by.iter()
                    .filter(|(by, _)| by.iter().any(|b| codes.contains(b)))
                    .map(|(_, n)| n)
                    .sum::<usize>();
        }
    }
    (credited, total)
}

/// Words per delegation code over the whole text: what the debrief credits.
pub fn words_by_code(credits: &HashMap<String, ClauseCredit>) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for c in credits.values() {
        for (by, n) in &c.by {
            for code in by {
                *out.entry(code.clone()).or_insert(0) += n;
            }
        }
    }
    out
}

/// Lower case words joined by single spaces, brackets and slashes read as spaces and
/// punctuation at either end of a word dropped, so `annually;` reads as `annually`.
pub fn words(text: &str) -> String {
    text.replace(['[', ']', '/'], " ")
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| c.is_ascii_punctuation() || "“”‘’«»".contains(c))
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether word string `haystack` holds the words `needle`, on word boundaries.
fn contains_words(haystack: &str, needle: &str) -> bool {
    !needle.is_empty() && format!(" {haystack} ").contains(&format!(" {needle} "))
}

/// The runs of text outside every bracket and option, as words; a bracket ends a run so
/// a phrase cannot be stitched across one.
fn agreed_segments(text: &str) -> Vec<String> {
    let tree = bracket::parse(text);
    let mut segments = Vec::new();
    let mut run = String::new();
    for node in &tree.nodes {
        match node {
            Node::Text(span) | Node::Verbatim { span, .. } => {
                run.push_str(span.of(text));
            }
            _ => {
                segments.push(words(&run));
                run.clear();
            }
        }
    }
    segments.push(words(&run));
    segments
}

/// The words of every alternative and option the clause still offers.
fn offered(text: &str) -> Vec<String> {
    let tree = bracket::parse(text);
    let mut out = Vec::new();
    tree.walk(|_, node| match node {
        Node::Group(g) => {
            for a in g.alternatives.iter().filter(|a| !a.deletion) {
                out.push(words(a.body.of(text)));
            }
        }
        Node::Options(set) => {
            for o in &set.options {
                out.push(words(o.body.of(text)));
            }
        }
        _ => {}
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annex::AnnexProposal;
    use crate::tiers::{Party, Tier};

    const FRONT: &str = "# Test Convention {#treaty}\n\n## Part I. General {#part-1}\n\n- [Article 1. Review](articles/review.md)\n";
    const REVIEW: &str = "### Article 1. Review {#review}\n\n1. The Observatory shall review compliance [annually - EU, AU / every two years - US]. {#review.1}\n\n2. Parties [shall][should] report on [lethal autonomous weapons]. {#review.2}\n\n3. Parties shall cooperate in good faith. {#review.3}\n";

    fn draft(review: &str) -> Draft {
        Draft::from_texts(FRONT, &[("articles/review.md", review)]).draft
    }

    fn tiers() -> Tiers {
        Tiers {
            version: 1,
            tiers: vec![
                Tier {
                    tier: 1,
                    name: "Full".into(),
                    summary: String::new(),
                },
                Tier {
                    tier: 2,
                    name: "Graduated".into(),
                    summary: String::new(),
                },
            ],
            parties: vec![Party {
                code: "IND".into(),
                name: "India".into(),
                tier: 1,
            }],
            obligations: Vec::new(),
        }
    }

    fn annexes() -> AnnexRegister {
        AnnexRegister {
            version: 1,
            annexes: vec![AnnexProposal {
                annex: "annex-weapons".into(),
                proposer: vec!["AU".into()],
                supporters: Vec::new(),
                opponents: Vec::new(),
                status: AnnexStatus::Proposed,
                notes: String::new(),
            }],
        }
    }

    const FILE: &str = r#"(
    version: 1,
    objectives: [
        (id: "annual", description: "Yearly review", weight: 3, check: Resolved(clause: "review.1", option: "annually")),
        (id: "no-weapons", description: "No weapons reporting", weight: 2, check: DoesNotContain(clause: "review.2", phrase: "lethal autonomous weapons")),
        (id: "shall", description: "A duty", weight: 1, check: Contains(clause: "review.2", phrase: "Parties shall report")),
        (id: "tier", description: "India graduated", weight: 1, check: PartyInTier(party: "IND", tier: 2)),
        (id: "annex", description: "Annex agreed", weight: 1, check: Annex(annex: "annex-weapons", status: Agreed)),
        (id: "words", description: "Our words", weight: 2, check: Credited(clauses: ["review"], at_least_words: 3)),
    ],
)"#;

    fn objectives() -> Objectives {
        Objectives::from_bytes(FILE.as_bytes(), Path::new("eu.ron")).unwrap()
    }

    #[test]
    fn checks_read_the_text_at_the_commit() {
        let o = objectives();
        let t = tiers();
        let a = annexes();
        let start = draft(REVIEW);
        assert!(
            o.check(FILE, Path::new("eu.ron"), &start, Some(&t), Some(&a))
                .is_empty()
        );
        let facts = Facts {
            draft: &start,
            tiers: Some(&t),
            annexes: Some(&a),
            credits: None,
        };
        let card = o.score("Aurora", &["EU".into()], &facts);
        let met: Vec<(&str, bool)> = card
            .outcomes
            .iter()
            .map(|x| (x.id.as_str(), x.met))
            .collect();
        assert_eq!(
            met,
            [
                ("annual", false),
                ("no-weapons", false),
                ("shall", false),
                ("tier", false),
                ("annex", false),
                ("words", false)
            ]
        );
        assert!(
            card.outcomes[0]
                .detail
                .contains("still one of the alternatives"),
            "{:?}",
            card.outcomes[0]
        );
        assert_eq!(
            card.outcomes[2].detail,
            "clause review.2 does not read \"Parties shall report\""
        );
        let bracketed = Objectives {
            version: 1,
            objectives: vec![Objective {
                id: "x".into(),
                description: "x".into(),
                weight: 1,
                check: Check::Contains {
                    clause: "review.2".into(),
                    phrase: "lethal autonomous weapons".into(),
                },
            }],
        };
        let card = bracketed.score("Aurora", &["EU".into()], &facts);
        assert!(
            card.outcomes[0].detail.contains("only in brackets"),
            "{:?}",
            card.outcomes[0]
        );

        let end = draft(
            &REVIEW
                .replace("[annually - EU, AU / every two years - US]", "annually")
                .replace(
                    "[shall][should] report on [lethal autonomous weapons]",
                    "shall report on risks",
                ),
        );
        let mut t2 = t.clone();
        t2.parties[0].tier = 2;
        let mut a2 = a.clone();
        a2.annexes[0].status = AnnexStatus::Agreed;
        let credits = HashMap::from([(
            "review.2".to_string(),
            ClauseCredit {
                words: 6,
                by: vec![(vec!["EU".to_string(), "AU".to_string()], 4)],
            },
        )]);
        let facts = Facts {
            draft: &end,
            tiers: Some(&t2),
            annexes: Some(&a2),
            credits: Some(&credits),
        };
        let card = o.score("Aurora", &["EU".into()], &facts);
        assert!(card.outcomes.iter().all(|x| x.met), "{card:#?}");
        assert_eq!((card.met_weight, card.total_weight), (10, 10));
        assert_eq!(
            card.outcomes[5].detail,
            "4 of 6 words (67%) are credited to EU"
        );
        // Another option settled: not met.
        let other = draft(&REVIEW.replace(
            "[annually - EU, AU / every two years - US]",
            "every two years",
        ));
        let facts = Facts {
            draft: &other,
            tiers: None,
            annexes: None,
            credits: None,
        };
        let card = o.score("Aurora", &["EU".into()], &facts);
        assert_eq!(
            card.outcomes[0].detail,
            "clause review.1 settled, but not on \"annually\""
        );
        assert_eq!(card.percent(), 0.0);
    }

    #[test]
    fn unknown_names_are_located_with_the_nearest() {
        let text = FILE
            .replace(
                "\"review.2\", phrase: \"lethal",
                "\"reviw.2\", phrase: \"lethal",
            )
            .replace("option: \"annually\"", "option: \"monthly\"")
            .replace("party: \"IND\"", "party: \"IDN\"")
            .replace("annex: \"annex-weapons\"", "annex: \"annex-weapon\"")
            .replace("weight: 1, check: Contains", "weight: 0, check: Contains");
        let o = Objectives::from_bytes(text.as_bytes(), Path::new("eu.ron")).unwrap();
        let diags = o.check(
            &text,
            Path::new("eu.ron"),
            &draft(REVIEW),
            Some(&tiers()),
            Some(&annexes()),
        );
        let all: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
        let all = all.join("\n");
        for expected in [
            "eu.ron:5:14: error: objective no-weapons names clause `reviw.2`, which the draft does not have",
            "did you mean `review.2`?",
            "offers no alternative or option reading \"monthly\"",
            "it offers \"annually\", \"every two years\"",
            "names Party `IDN`",
            "names annex `annex-weapon`",
            "objective shall has weight 0",
        ] {
            assert!(all.contains(expected), "{expected}\n{all}");
        }
    }
}
