//! Amendments as edits: applying one change (replace, delete, insert, bracket, lift
//! brackets, choose an option, move, renumber, re-tier, annex status) to a negotiation's
//! files, producing exactly the files that change.
//!
//! The edit works on the lossless draft, so every byte outside the clause it touches stays
//! as it was; RON files (tiers, annex proposals) are edited in place so their comments and
//! layout survive.

use std::collections::BTreeMap;

use serde::Deserialize;

mod hand;
mod structure;

pub use hand::{HandEdit, hand_edit};
pub use structure::{Incomplete, Place, Restructure, StructureRequest, full_label, unit_of};

use crate::amendment::{AmendmentKind, Unit};
use crate::annex::{AnnexRegister, AnnexStatus};
use crate::bracket;
use crate::draft::{
    Block, BlockKind, ClauseKind, Draft, DraftFile, HeadingRole, RETIRED_FILE, block, ids,
    retired_file_text,
};
use crate::negotiation::{ANNEXES_FILE, TIERS_FILE};
use crate::suggest::did_you_mean;
use crate::tiers::Tiers;

/// One change to the text, as the CLI, the TUI and the demo script state it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub enum Change {
    /// New wording for a clause (option lines separated by `\n`).
    Replace { clause: String, text: String },
    /// Deletes a clause and everything under it; its ids are retired.
    Delete { clause: String },
    /// A new clause of the same kind as `after`, placed after it (and its sub-clauses).
    Insert {
        after: String,
        #[serde(default)]
        id: Option<String>,
        #[serde(default)]
        label: Option<String>,
        text: String,
    },
    /// Puts brackets around `phrase` (its first occurrence), or around the whole text.
    Bracket {
        clause: String,
        #[serde(default)]
        phrase: Option<String>,
    },
    /// Removes the brackets of choice point `group`, or of every single-alternative group.
    LiftBrackets {
        clause: String,
        #[serde(default)]
        group: Option<usize>,
    },
    /// Keeps alternative `option` (0-based) of choice point `point` (0-based, document
    /// order, groups and option sets, outer first) and drops the others.
    ChooseOption {
        clause: String,
        point: usize,
        option: usize,
    },
    /// Moves a clause (with everything under it) after another.
    Move { clause: String, after: String },
    /// Gives a clause a new display number (`10`, `2 bis`, `(c)`).
    Renumber { clause: String, label: String },
    /// Assigns a Party to another tier.
    ReTier { party: String, tier: u8 },
    /// Sets an annex proposal's status.
    Annex { annex: String, status: AnnexStatus },
    /// Inserts, moves, deletes or renumbers an article, annex, part or chapter: edits
    /// `treaty.md` and the unit's file together.
    Structure { unit: Unit, edit: Restructure },
}

impl Change {
    pub fn kind(&self) -> AmendmentKind {
        match self {
            Change::Replace { .. } => AmendmentKind::Replace,
            Change::Delete { .. } => AmendmentKind::Delete,
            Change::Insert { .. } => AmendmentKind::Insert,
            Change::Bracket { .. } => AmendmentKind::Bracket,
            Change::LiftBrackets { .. } => AmendmentKind::LiftBrackets,
            Change::ChooseOption { .. } => AmendmentKind::ChooseOption,
            Change::Move { .. } => AmendmentKind::Move,
            Change::Renumber { .. } => AmendmentKind::Renumber,
            Change::ReTier { .. } => AmendmentKind::ReTier,
            Change::Annex { .. } => AmendmentKind::Annex,
            Change::Structure { unit, edit } => AmendmentKind::structural(edit.op(), *unit),
        }
    }

    /// What the change is made against, for a compare-and-swap on the text: the clause
    /// whose text it edits, or the file it edits (tiers, annex proposals). `None` for an
    /// insertion, which edits no existing wording. A structural amendment is made against
    /// `treaty.md`, which holds the structure.
    pub fn base_of(&self) -> Option<BaseOf<'_>> {
        match self {
            Change::Replace { clause, .. }
            | Change::Delete { clause }
            | Change::Bracket { clause, .. }
            | Change::LiftBrackets { clause, .. }
            | Change::ChooseOption { clause, .. }
            | Change::Move { clause, .. }
            | Change::Renumber { clause, .. } => Some(BaseOf::Clause(clause)),
            Change::Insert { .. } => None,
            Change::ReTier { .. } => Some(BaseOf::File(TIERS_FILE)),
            Change::Annex { .. } => Some(BaseOf::File(ANNEXES_FILE)),
            Change::Structure { .. } => Some(BaseOf::File(FRONT_PATH)),
        }
    }

    /// A readable default subject line.
    pub fn describe(&self) -> String {
        match self {
            Change::Replace { clause, .. } => format!("Replace the text of {clause}"),
            Change::Delete { clause } => format!("Delete {clause}"),
            Change::Insert { after, label, .. } => match label {
                Some(l) => format!("Insert {l} after {after}"),
                None => format!("Insert a clause after {after}"),
            },
            Change::Bracket { clause, phrase } => match phrase {
                Some(p) => format!("Bracket \"{p}\" in {clause}"),
                None => format!("Bracket {clause}"),
            },
            Change::LiftBrackets { clause, .. } => format!("Lift brackets in {clause}"),
            Change::ChooseOption {
                clause,
                point,
                option,
            } => {
                format!(
                    "Choose alternative {} of bracket {} in {clause}",
                    option + 1,
                    point + 1
                )
            }
            Change::Move { clause, after } => format!("Move {clause} after {after}"),
            Change::Renumber { clause, label } => format!("Renumber {clause} as {label}"),
            Change::ReTier { party, tier } => format!("Move {party} to tier {tier}"),
            Change::Annex { annex, status } => format!("Annex {annex}: {}", status.as_str()),
            Change::Structure { unit, edit } => edit.describe(*unit),
        }
    }
}

/// `treaty.md`, from the negotiation folder.
const FRONT_PATH: &str = "drafts/treaty.md";

/// What a change is made against (see [`Change::base_of`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BaseOf<'a> {
    /// A clause id.
    Clause(&'a str),
    /// A file, relative to the negotiation folder.
    File(&'a str),
}

/// Why a change cannot be applied. Each message says what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmendError {
    #[error("unknown clause id `{id}`{}", did_you_mean(.suggest.as_deref()))]
    UnknownClause { id: String, suggest: Option<String> },
    #[error("clause id `{0}` is already used (or was used before and retired): choose another")]
    IdTaken(String),
    #[error("`{0}` is not a valid clause id: use letters, digits, `-`, `_` and `.`")]
    InvalidId(String),
    #[error("`{phrase}` does not occur in {clause}")]
    PhraseNotFound { clause: String, phrase: String },
    #[error("{clause} has {available} bracket group(s) and option set(s); there is no number {}", .index + 1)]
    NoSuchPoint {
        clause: String,
        index: usize,
        available: usize,
    },
    #[error("bracket {} in {clause} offers {available} alternative(s); there is no alternative {}", .point + 1, .index + 1)]
    NoSuchOption {
        clause: String,
        point: usize,
        index: usize,
        available: usize,
    },
    #[error("bracket {} in {clause} holds {count} alternatives: choose one instead of lifting", .point + 1)]
    NotSingle {
        clause: String,
        point: usize,
        count: usize,
    },
    #[error("{clause} has no brackets to lift")]
    NothingToLift { clause: String },
    #[error("{clause} is a {kind}: {what}")]
    WrongKind {
        clause: String,
        kind: &'static str,
        what: &'static str,
    },
    #[error("the new text has unbalanced brackets: {0}")]
    Unbalanced(String),
    #[error("unknown Party `{0}` (not in drafts/tiers.ron)")]
    UnknownParty(String),
    #[error("tier {0} is not defined in drafts/tiers.ron")]
    UnknownTier(u8),
    #[error("no annex proposal for `{0}` in drafts/annexes.ron")]
    UnknownAnnex(String),
    #[error("{0} is missing or invalid: run `treaty check`")]
    BadFile(&'static str),
    #[error("the text is empty: give the clause some words, or delete it")]
    EmptyText,
    #[error(
        "the text holds a control character ({code}) at character {at}: amendment text is words, tabs and line breaks only; remove it"
    )]
    ControlCharacter { code: String, at: usize },
    #[error(
        "the text holds {what} at line {line}: amendment text is words only; headings, clause ids and included files change the treaty's structure, which an insert, move or delete does"
    )]
    StructureInText { what: &'static str, line: usize },
    #[error(
        "this would change the treaty's structure ({detail}): amendment text is words only; to add, remove or move a clause, insert, delete or move it"
    )]
    StructureChanged { detail: String },
    #[error(
        "`{label}` is not a clause number: give a number such as `10`, `2 bis`, `(c)` or `(iv)`"
    )]
    BadLabel { label: String },
    #[error("give the phrase to put in brackets (an empty phrase would insert `[]`)")]
    EmptyPhrase,
    #[error(
        "the text is larger than a clause can be ({} bytes or {} brackets at most): split it into several clauses",
        bracket::MAX_CLAUSE_BYTES,
        bracket::MAX_BRACKETS
    )]
    TooLarge,
    #[error("{clause} is the {kind}; it cannot be deleted")]
    Undeletable { clause: String, kind: &'static str },
    #[error(
        "{clause} is {}, not {}: give the id of {}, or use the kind made for {}",
        an(.kind), an(.unit), an(.unit), an(.kind)
    )]
    NotUnit {
        clause: String,
        kind: &'static str,
        unit: &'static str,
    },
    #[error("{} cannot go there: {target} is {}; {rule}", an(.unit), an(.kind))]
    Misplaced {
        target: String,
        kind: &'static str,
        unit: &'static str,
        rule: &'static str,
    },
    #[error(
        "{clause} cannot be placed relative to itself or into a part or chapter it holds: give a clause outside it"
    )]
    IntoItself { clause: String },
    #[error(
        "{clause} is the last article; a treaty keeps at least one: insert another article first"
    )]
    LastArticle { clause: String },
    #[error(
        "{clause} still holds articles or chapters: move or delete them first, then the {unit}"
    )]
    NotEmpty { clause: String, unit: &'static str },
    #[error("`{label}` is already {clause}'s number: choose another, or renumber {clause} first")]
    LabelTaken { label: String, clause: String },
    #[error(
        "`{title}` is not a usable title: one line of words, without brackets, parentheses, `#`, `{{` or `}}`"
    )]
    BadTitle { title: String },
    #[error(
        "{clause} is {}: to add an article or annex, use --kind insert-article or insert-annex",
        an(.kind)
    )]
    UnitAnchor { clause: String, kind: &'static str },
    #[error("{clause} is {}: delete it with --kind delete-{kind}", an(.kind))]
    DivisionDelete { clause: String, kind: &'static str },
    #[error(
        "these hand edits make {} structural changes ({}): record them one at a time, each as its own amendment (`treaty amend --kind …`, or hand edits of one change each); nothing was recorded",
        .changes.len(),
        .changes.join(", ")
    )]
    SeveralStructural { changes: Vec<String> },
    #[error("the treaty's structure would break: {detail}; nothing was changed")]
    BrokenStructure { detail: String },
}

/// "an article", "a part": the noun with its article.
fn an(noun: &str) -> String {
    match noun.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u') => format!("an {noun}"),
        _ => format!("a {noun}"),
    }
}

/// Amendment text: words, tabs and line breaks, never structure (a heading, a clause id,
/// an include line), which only the structural kinds (insert, move, delete) change.
pub fn check_words(text: &str) -> Result<(), AmendError> {
    if text.len() > bracket::MAX_CLAUSE_BYTES
        || text.bytes().filter(|&b| b == b'[').count() > bracket::MAX_BRACKETS
    {
        return Err(AmendError::TooLarge);
    }
    if let Some((at, c)) = text
        .chars()
        .enumerate()
        .find(|(_, c)| c.is_control() && *c != '\n' && *c != '\t')
    {
        return Err(AmendError::ControlCharacter {
            code: format!("U+{:04X}", c as u32),
            at: at + 1,
        });
    }
    for (k, line) in text.lines().enumerate() {
        let t = line.trim_start();
        let what = if t.starts_with('#') {
            "a heading (`#`)"
        } else if t.contains("{#") {
            "a clause id (`{#…}`)"
        } else if block::include_line(t).is_some() {
            "an include line"
        } else {
            continue;
        };
        return Err(AmendError::StructureInText { what, line: k + 1 });
    }
    Ok(())
}

/// A clause number as it is written on its own: `10`, `2 bis`, `(c)`, `(iv)`, `PP3`,
/// `Article 4 ter`; one line, no brackets of the notation, no structure.
fn check_label(label: &str) -> Result<(), AmendError> {
    let bad = || AmendError::BadLabel {
        label: label.to_string(),
    };
    let t = label.trim();
    if t.is_empty()
        || t.chars().count() > 40
        || t.contains(['\n', '[', ']', '{', '}', '#'])
        || t.chars().any(char::is_control)
        || !t.chars().any(|c| c.is_alphanumeric())
    {
        return Err(bad());
    }
    Ok(())
}

/// One clause of the tree's shape: its id, kind and its parent's id.
type Shape = (Option<String>, ClauseKind, Option<String>);

/// The shape of the clause tree: each clause's id, kind and parent's id, in order.
fn owned_structure(draft: &Draft) -> Vec<Shape> {
    draft
        .clauses
        .iter()
        .map(|c| {
            let parent = c.parent.and_then(|p| draft.clauses[p].id.clone());
            (c.id.clone(), c.kind, parent)
        })
        .collect()
}

/// The first clause where two shapes part, in words.
fn structure_difference(before: &[Shape], after: &[Shape]) -> String {
    let name = |s: &Shape| {
        format!(
            "{} {}",
            s.1.as_str(),
            s.0.as_deref()
                .map_or("(no id)".to_string(), |i| format!("`{i}`"))
        )
    };
    for (a, b) in before.iter().zip(after) {
        if a != b {
            return format!("{} would become {}", name(a), name(b));
        }
    }
    match after.len().cmp(&before.len()) {
        std::cmp::Ordering::Greater => format!("a new {} would appear", name(&after[before.len()])),
        _ => match before.get(after.len()) {
            Some(gone) => format!("{} would disappear", name(gone)),
            None => "the clause tree would change".to_string(),
        },
    }
}

/// The files of a negotiation that amendments edit, held in memory.
#[derive(Clone, Debug)]
pub struct Workspace {
    pub draft: Draft,
    /// `drafts/tiers.ron`, if present.
    pub tiers: Option<String>,
    /// `drafts/annexes.ron`, if present.
    pub annexes: Option<String>,
}

/// The outcome of applying a change: the files that now differ (path relative to the
/// negotiation folder → new text, `None` to delete) and the clauses it touched. A change
/// that leaves the text as it was gives no files.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Applied {
    pub files: BTreeMap<String, Option<String>>,
    pub clauses: Vec<String>,
}

impl Workspace {
    /// The current text of one of the files the workspace holds (path relative to the
    /// negotiation folder: `drafts/articles/x.md`, `drafts/tiers.ron`); `None` when it
    /// holds no such file.
    pub fn file(&self, path: &str) -> Option<String> {
        match path {
            TIERS_FILE => return self.tiers.clone(),
            ANNEXES_FILE => return self.annexes.clone(),
            _ => {}
        }
        let rel = path.strip_prefix("drafts/")?;
        if rel == RETIRED_FILE {
            return (!self.draft.retired.is_empty())
                .then(|| retired_file_text(&self.draft.retired));
        }
        self.draft
            .files
            .iter()
            .find(|f| f.path == rel)
            .map(DraftFile::text)
    }

    /// Applies `change`, updating the workspace and returning the files that changed.
    pub fn apply(&mut self, change: &Change) -> Result<Applied, AmendError> {
        match change {
            Change::Replace { text, .. } => check_words(text)?,
            Change::Insert { text, label, .. } => {
                check_words(text)?;
                if let Some(label) = label {
                    check_label(label)?;
                }
            }
            Change::Renumber { label, .. } => check_label(label)?,
            Change::Bracket {
                phrase: Some(phrase),
                ..
            } => {
                if phrase.is_empty() {
                    return Err(AmendError::EmptyPhrase);
                }
                check_words(phrase)?;
            }
            _ => {}
        }
        // Changes of wording must leave the clause tree as it was.
        let wording = matches!(
            change,
            Change::Replace { .. }
                | Change::Bracket { .. }
                | Change::LiftBrackets { .. }
                | Change::Renumber { .. }
        );
        let shape_before: Option<Vec<Shape>> = wording.then(|| owned_structure(&self.draft));
        let before = self.touched_files(change);
        let retired_before = self.draft.retired.len(); // deletions only ever add ids
        let mut edit = Applied::default();
        match change {
            Change::Replace { clause, text } => {
                let i = self.index(clause)?;
                check_balanced(text)?;
                self.require_text(i, "only paragraphs and points have text to replace")?;
                if text.trim().is_empty() {
                    return Err(AmendError::EmptyText);
                }
                self.set_text(i, text);
                edit.clauses.push(clause.clone());
            }
            Change::Delete { clause } => {
                let i = self.index(clause)?;
                let kind = self.draft.clauses[i].kind;
                if matches!(kind, ClauseKind::Title | ClauseKind::Preamble) {
                    return Err(AmendError::Undeletable {
                        clause: clause.clone(),
                        kind: kind.as_str(),
                    });
                }
                match unit_of(&self.draft, i) {
                    Some(unit @ (Unit::Article | Unit::Annex)) => self.check_delete(unit, i)?,
                    Some(unit) => {
                        return Err(AmendError::DivisionDelete {
                            clause: clause.clone(),
                            kind: unit.noun(),
                        });
                    }
                    None => {}
                }
                edit.clauses = self.delete(i);
            }
            Change::Insert {
                after,
                id,
                label,
                text,
            } => {
                check_balanced(text)?;
                if text.trim().is_empty() {
                    return Err(AmendError::EmptyText);
                }
                let new_id = self.insert(after, id.as_deref(), label.as_deref(), text)?;
                edit.clauses.push(new_id);
            }
            Change::Bracket { clause, phrase } => {
                let i = self.index(clause)?;
                self.require_text(i, "put brackets in a paragraph or point")?;
                let text = self.draft.clauses[i].text.clone();
                let new = match phrase {
                    None => format!("[{text}]"),
                    Some(p) => match text.find(p.as_str()) {
                        Some(at) => format!("{}[{}]{}", &text[..at], p, &text[at + p.len()..]),
                        None => {
                            return Err(AmendError::PhraseNotFound {
                                clause: clause.clone(),
                                phrase: p.clone(),
                            });
                        }
                    },
                };
                self.set_text(i, &new);
                edit.clauses.push(clause.clone());
            }
            Change::LiftBrackets { clause, group } => {
                let i = self.index(clause)?;
                self.require_text(i, "brackets are lifted in a paragraph or point")?;
                let text = self.draft.clauses[i].text.clone();
                let tree = bracket::parse(&text);
                let new = match group {
                    Some(k) => tree
                        .lift(&text, *k)
                        .map_err(|e| self.point_error(clause, e))?,
                    None => {
                        let lifted = tree.lift_all_single(&text);
                        if lifted == text {
                            return Err(AmendError::NothingToLift {
                                clause: clause.clone(),
                            });
                        }
                        lifted
                    }
                };
                self.set_text(i, &new);
                edit.clauses.push(clause.clone());
            }
            Change::ChooseOption {
                clause,
                point,
                option,
            } => {
                let i = self.index(clause)?;
                self.require_text(i, "options are chosen in a paragraph or point")?;
                let text = self.draft.clauses[i].text.clone();
                let tree = bracket::parse(&text);
                let new = tree
                    .resolve(&text, *point, *option)
                    .map_err(|e| self.point_error(clause, e))?;
                if new.trim().is_empty() {
                    // "No text" chosen: the clause goes, and its deletion stays in history.
                    edit.clauses = self.delete(i);
                } else {
                    self.set_text(i, &new);
                    edit.clauses.push(clause.clone());
                }
            }
            Change::Move { clause, after } => {
                let i = self.index(clause)?;
                let j = self.index(after)?;
                self.move_after(i, j)?;
                edit.clauses.push(clause.clone());
            }
            Change::Renumber { clause, label } => {
                let i = self.index(clause)?;
                self.renumber(i, label)?;
                edit.clauses.push(clause.clone());
            }
            Change::Structure { unit, edit } => return self.restructure(*unit, edit),
            Change::ReTier { party, tier } => {
                let text = self.tiers.clone().ok_or(AmendError::BadFile(TIERS_FILE))?;
                let new = retier(&text, party, *tier)?;
                if new != text {
                    self.tiers = Some(new.clone());
                    edit.files.insert(TIERS_FILE.into(), Some(new));
                }
            }
            Change::Annex { annex, status } => {
                let text = self
                    .annexes
                    .clone()
                    .ok_or(AmendError::BadFile(ANNEXES_FILE))?;
                let new = set_annex_status(&text, annex, *status)?;
                if new != text {
                    self.annexes = Some(new.clone());
                    edit.files.insert(ANNEXES_FILE.into(), Some(new));
                }
                edit.clauses.push(annex.clone());
            }
        }
        if let Some(shape) = shape_before {
            let now = owned_structure(&self.draft);
            if now != shape {
                let detail = structure_difference(&shape, &now);
                return Err(AmendError::StructureChanged { detail });
            }
        }
        // Which of the draft files the change touched differ now, or went.
        for (path, old) in before {
            match self.draft.files.iter().find(|f| f.path == path) {
                Some(f) => {
                    let new = f.text();
                    if new != old {
                        edit.files.insert(format!("drafts/{path}"), Some(new));
                    }
                }
                None => {
                    edit.files.insert(format!("drafts/{path}"), None);
                }
            }
        }
        if self.draft.retired.len() != retired_before {
            edit.files.insert(
                format!("drafts/{RETIRED_FILE}"),
                Some(retired_file_text(&self.draft.retired)),
            );
        }
        Ok(edit)
    }

    /// The draft files `change` may rewrite (path → text now): the files of the clauses it
    /// names, and `treaty.md` for the changes that can move, renumber or drop an include
    /// line. Only these are compared afterwards, so an edit costs the files it touches.
    fn touched_files(&self, change: &Change) -> BTreeMap<String, String> {
        let (named, front): (Vec<&str>, bool) = match change {
            Change::Replace { clause, .. }
            | Change::Bracket { clause, .. }
            | Change::LiftBrackets { clause, .. }
            | Change::ChooseOption { clause, .. } => (vec![clause], false),
            Change::Insert { after, .. } => (vec![after], false),
            Change::Delete { clause } | Change::Renumber { clause, .. } => (vec![clause], true),
            Change::Move { clause, after } => (vec![clause, after], true),
            Change::ReTier { .. } | Change::Annex { .. } | Change::Structure { .. } => {
                (Vec::new(), false)
            }
        };
        let mut files: Vec<usize> = named
            .iter()
            .filter_map(|id| self.draft.clause(id))
            .map(|c| c.file)
            .collect();
        if front && !self.draft.files.is_empty() {
            files.push(0);
        }
        files
            .into_iter()
            .map(|fi| {
                let f = &self.draft.files[fi];
                (f.path.clone(), f.text())
            })
            .collect()
    }

    fn index(&self, id: &str) -> Result<usize, AmendError> {
        self.draft
            .index_of(id)
            .ok_or_else(|| AmendError::UnknownClause {
                id: id.to_string(),
                suggest: self.draft.suggest(id).map(String::from),
            })
    }

    fn require_text(&self, i: usize, what: &'static str) -> Result<(), AmendError> {
        let c = &self.draft.clauses[i];
        if c.kind.has_text() {
            Ok(())
        } else {
            Err(AmendError::WrongKind {
                clause: c.id.clone().unwrap_or_default(),
                kind: c.kind.as_str(),
                what,
            })
        }
    }

    fn point_error(&self, clause: &str, e: bracket::PointError) -> AmendError {
        match e {
            bracket::PointError::NoSuchPoint { index, available } => AmendError::NoSuchPoint {
                clause: clause.into(),
                index,
                available,
            },
            bracket::PointError::NoSuchAlternative {
                point,
                index,
                available,
            } => AmendError::NoSuchOption {
                clause: clause.into(),
                point,
                index,
                available,
            },
            bracket::PointError::NotSingle { point, count } => AmendError::NotSingle {
                clause: clause.into(),
                point,
                count,
            },
        }
    }

    /// Rewrites clause `i`'s text in its block, dropping option blocks that belonged to it.
    fn set_text(&mut self, i: usize, text: &str) {
        let c = self.draft.clauses[i].clone();
        let file = &mut self.draft.files[c.file];
        let b = &file.blocks[c.block];
        let raw = render_block(b, text);
        // Option blocks after it are now part of the new text.
        let trailer_of_last = file.blocks[c.block + c.continuation].trailer().to_string();
        let mut new_raw = raw;
        if c.continuation > 0 {
            let content_len = new_raw.len() - b.trailer().len();
            new_raw.truncate(content_len);
            new_raw.push_str(&trailer_of_last);
        }
        file.blocks.splice(
            c.block..=c.block + c.continuation,
            std::iter::once(Block {
                raw: new_raw,
                ..b.clone()
            }),
        );
        self.reparse(c.file);
    }

    /// Splits file `file` into blocks again after an edit and re-derives its clauses.
    fn reparse(&mut self, file: usize) {
        self.resplit(file);
        self.draft.rebuild_file(file);
    }

    fn resplit(&mut self, file: usize) {
        let f = &self.draft.files[file];
        self.draft.files[file] = DraftFile::parse(f.path.clone(), &f.text());
    }

    /// Removes clause `i` and its subtree; returns the ids removed (now retired).
    fn delete(&mut self, i: usize) -> Vec<String> {
        let range = self.draft.subtree(i);
        let ids: Vec<String> = range
            .clone()
            .filter_map(|j| self.draft.clauses[j].id.clone())
            .collect();
        let c = self.draft.clauses[i].clone();
        if matches!(c.kind, ClauseKind::Article | ClauseKind::Annex) && c.file != 0 {
            // The whole file goes, with the line that includes it.
            let path = self.draft.files[c.file].path.clone();
            self.remove_include(&path);
            self.draft.files.remove(c.file);
            self.draft.rebuild(&mut Vec::new());
        } else {
            // Blocks of the subtree in the same file (a subtree never spans files below
            // article level).
            let last = range
                .clone()
                .map(|j| &self.draft.clauses[j])
                .filter(|x| x.file == c.file)
                .map(|x| x.block + x.continuation)
                .max()
                .unwrap_or(c.block);
            let file = &mut self.draft.files[c.file];
            file.blocks.drain(c.block..=last);
            self.reparse(c.file);
        }
        self.draft.retired.extend(ids.iter().cloned());
        ids
    }

    fn remove_include(&mut self, path: &str) {
        let front = &mut self.draft.files[0];
        if let Some(k) = front
            .blocks
            .iter()
            .position(|b| matches!(&b.kind, BlockKind::Include { target } if target == path))
        {
            let removed = front.blocks.remove(k);
            // The last line of a list carries the blank line that ends it: pass it on.
            if k > 0 && matches!(front.blocks[k - 1].kind, BlockKind::Include { .. }) {
                let prev = &mut front.blocks[k - 1];
                let content_end = prev.content_end;
                prev.raw.truncate(content_end);
                prev.raw.push_str(removed.trailer());
            }
        }
        // The caller removes the file and rebuilds the clause tree.
        self.resplit(0);
    }

    fn insert(
        &mut self,
        after: &str,
        id: Option<&str>,
        label: Option<&str>,
        text: &str,
    ) -> Result<String, AmendError> {
        let j = self.index(after)?;
        let anchor = self.draft.clauses[j].clone();
        if matches!(anchor.kind, ClauseKind::Article | ClauseKind::Annex) {
            return Err(AmendError::UnitAnchor {
                clause: after.to_string(),
                kind: anchor.kind.as_str(),
            });
        }
        if !anchor.kind.has_text() {
            return Err(AmendError::WrongKind {
                clause: after.to_string(),
                kind: anchor.kind.as_str(),
                what: "new clauses go after a paragraph or point",
            });
        }
        let parent_id = anchor
            .parent
            .and_then(|p| self.draft.clauses[p].id.clone())
            .unwrap_or_else(|| "clause".into());
        let new_id = match id {
            Some(id) => {
                if !block::is_valid_id(id) {
                    return Err(AmendError::InvalidId(id.into()));
                }
                if self.draft.index_of(id).is_some() || self.draft.retired.contains(id) {
                    return Err(AmendError::IdTaken(id.into()));
                }
                id.to_string()
            }
            None => {
                let base = match label {
                    Some(l) => format!("{parent_id}.{}", ids::slug(l).replace('-', "")),
                    None => format!("{parent_id}.new"),
                };
                let mut candidate = base.clone();
                let mut n = 2;
                while self.draft.index_of(&candidate).is_some()
                    || self.draft.retired.contains(&candidate)
                {
                    candidate = format!("{base}-{n}");
                    n += 1;
                }
                candidate
            }
        };
        // The new block goes after the anchor's last sub-clause in the same file.
        let range = self.draft.subtree(j);
        let last = range
            .map(|k| &self.draft.clauses[k])
            .filter(|x| x.file == anchor.file)
            .map(|x| x.block + x.continuation)
            .max()
            .unwrap_or(anchor.block);
        let file = &mut self.draft.files[anchor.file];
        let le = file.blocks[anchor.block].line_end();
        let prefix = match (anchor.kind, label) {
            (ClauseKind::Point, Some(l)) => format!("{l} "),
            (_, Some(l)) => format!("{l}. "),
            (_, None) => String::new(),
        };
        let mut raw = new_block_raw(&prefix, text, &new_id, le);
        // Separate it from the block before with a blank line if that block had none.
        let prev = &mut file.blocks[last];
        if !prev.trailer().contains(&format!("{le}{le}")) && !prev.trailer().ends_with("\n\n") {
            if prev.trailer().is_empty() {
                prev.raw.push_str(le);
            }
            prev.raw.push_str(le);
        }
        if last + 1 == file.blocks.len() {
            raw.truncate(raw.len() - le.len());
        }
        let parsed = block::split_blocks(&raw);
        let at = last + 1;
        file.blocks.splice(at..at, parsed);
        self.reparse(anchor.file);
        Ok(new_id)
    }

    fn move_after(&mut self, i: usize, j: usize) -> Result<(), AmendError> {
        let c = self.draft.clauses[i].clone();
        let target = self.draft.clauses[j].clone();
        if self.draft.subtree(i).contains(&j) {
            return Err(AmendError::WrongKind {
                clause: c.id.clone().unwrap_or_default(),
                kind: c.kind.as_str(),
                what: "a clause cannot move inside itself",
            });
        }
        if matches!(c.kind, ClauseKind::Article | ClauseKind::Annex) {
            // Move its include line in treaty.md after the target's include line (or
            // after the target heading, for a division).
            let path = self.draft.files[c.file].path.clone();
            let front = &mut self.draft.files[0];
            let from = front
                .blocks
                .iter()
                .position(|b| matches!(&b.kind, BlockKind::Include { target } if *target == path))
                .ok_or(AmendError::BadFile("drafts/treaty.md"))?;
            let moved = front.blocks.remove(from);
            let target_path =
                (target.file != 0).then(|| self.draft.files[target.file].path.clone());
            let front = &mut self.draft.files[0];
            let to = match target_path {
                Some(tp) => front
                    .blocks
                    .iter()
                    .position(|b| matches!(&b.kind, BlockKind::Include { target } if *target == tp))
                    .ok_or(AmendError::BadFile("drafts/treaty.md"))?,
                None => target.block.min(front.blocks.len() - 1),
            };
            insert_line_block(front, to, moved);
            self.reparse(0);
            return Ok(());
        }
        if !c.kind.has_text() || !target.kind.has_text() {
            return Err(AmendError::WrongKind {
                clause: c.id.clone().unwrap_or_default(),
                kind: c.kind.as_str(),
                what: "only articles, annexes, paragraphs and points move",
            });
        }
        // Paragraphs and points: cut their blocks and paste after the target's subtree.
        let last = self
            .draft
            .subtree(i)
            .map(|k| &self.draft.clauses[k])
            .map(|x| x.block + x.continuation)
            .max()
            .unwrap_or(c.block);
        let mut cut: Vec<Block> = self.draft.files[c.file]
            .blocks
            .drain(c.block..=last)
            .collect();
        self.reparse(c.file);
        let j = self
            .draft
            .index_of(target.id.as_deref().unwrap_or(""))
            .ok_or(AmendError::BadFile("drafts"))?;
        let t = self.draft.clauses[j].clone();
        let t_last = self
            .draft
            .subtree(j)
            .map(|k| &self.draft.clauses[k])
            .filter(|x| x.file == t.file)
            .map(|x| x.block + x.continuation)
            .max()
            .unwrap_or(t.block);
        let file = &mut self.draft.files[t.file];
        let le = file.blocks[t.block].line_end();
        // Every block moved must end with a blank line, unless it lands last in the file.
        for b in cut.iter_mut() {
            if !b.trailer().contains(le.repeat(2).as_str()) {
                let content_end = b.content_end;
                b.raw.truncate(content_end);
                b.raw.push_str(le);
                b.raw.push_str(le);
            }
        }
        if !file.blocks[t_last]
            .trailer()
            .contains(le.repeat(2).as_str())
        {
            let prev = &mut file.blocks[t_last];
            let content_end = prev.content_end;
            prev.raw.truncate(content_end);
            prev.raw.push_str(le);
            prev.raw.push_str(le);
        }
        let at = t_last + 1;
        let at_end = at == file.blocks.len();
        if at_end && let Some(b) = cut.last_mut() {
            let content_end = b.content_end;
            b.raw.truncate(content_end);
            b.raw.push_str(le);
        }
        file.blocks.splice(at..at, cut);
        self.reparse(t.file);
        Ok(())
    }

    fn renumber(&mut self, i: usize, label: &str) -> Result<(), AmendError> {
        let c = self.draft.clauses[i].clone();
        let b = self.draft.files[c.file].blocks[c.block].clone();
        let Some(range) = b.label.clone() else {
            return Err(AmendError::WrongKind {
                clause: c.id.clone().unwrap_or_default(),
                kind: c.kind.as_str(),
                what: "it has no number to change",
            });
        };
        let old_label = b.raw[range.clone()].to_string();
        let new_label = match b.kind {
            BlockKind::Heading { .. } => {
                // Keep the word (`Article`, `Annex`, `Part`) as written.
                let word = old_label.split_whitespace().next().unwrap_or("");
                let number = label.trim_start_matches(word).trim();
                format!("{word} {number}")
            }
            BlockKind::Point => {
                let l = label.trim_matches(['(', ')']);
                format!("({l})")
            }
            _ => label.trim_end_matches('.').to_string(),
        };
        match unit_of(&self.draft, i) {
            Some(unit) => self.label_free(unit, &new_label, Some(i))?,
            None => self.sibling_label_free(i, &new_label)?,
        }
        let mut raw = b.raw.clone();
        raw.replace_range(range, &new_label);
        self.draft.files[c.file].blocks[c.block].raw = raw;
        self.reparse(c.file);
        // The include line's text names the article too: keep it in step.
        if matches!(c.kind, ClauseKind::Article | ClauseKind::Annex) && c.file != 0 {
            let path = self.draft.files[self.draft.clauses[self
                .draft
                .index_of(c.id.as_deref().unwrap_or(""))
                .unwrap_or(i)]
            .file]
                .path
                .clone();
            let front = &mut self.draft.files[0];
            for blk in &mut front.blocks {
                if matches!(&blk.kind, BlockKind::Include { target } if *target == path)
                    && let Some(t) = blk.title.clone()
                    && blk.raw[t.clone()].starts_with(&old_label)
                {
                    let end = t.start + old_label.len();
                    blk.raw.replace_range(t.start..end, &new_label);
                }
            }
            self.reparse(0);
        }
        Ok(())
    }
}

impl Workspace {
    /// Refuses a number a sibling of clause `i` (same parent, same kind) already has.
    fn sibling_label_free(&self, i: usize, label: &str) -> Result<(), AmendError> {
        let c = &self.draft.clauses[i];
        let norm = |l: &str| l.trim().trim_end_matches('.').to_lowercase();
        let taken = self.draft.clauses.iter().enumerate().find(|&(j, x)| {
            j != i
                && x.parent == c.parent
                && x.kind == c.kind
                && x.label.as_deref().is_some_and(|l| norm(l) == norm(label))
        });
        match taken {
            Some((_, x)) => Err(AmendError::LabelTaken {
                label: label.to_string(),
                clause: x.id.clone().unwrap_or_else(|| x.name()),
            }),
            None => Ok(()),
        }
    }
}

/// Inserts a one-line block (an include line) after block `to`, keeping list lines
/// together: it takes over the trailer of the block it follows when that was the list's end.
fn insert_line_block(file: &mut DraftFile, to: usize, mut moved: Block) {
    let le = moved.line_end();
    let content = moved.raw[..moved.content_end].to_string();
    moved.raw = format!("{content}{le}");
    let prev = &mut file.blocks[to];
    let prev_trailer = prev.trailer().to_string();
    let is_include = matches!(prev.kind, BlockKind::Include { .. });
    if is_include {
        // The moved line inherits the blank lines that ended the previous one.
        let content_end = prev.content_end;
        prev.raw.truncate(content_end);
        prev.raw.push_str(le);
        moved.raw = format!("{content}{prev_trailer}");
    } else if let BlockKind::Heading {
        role: HeadingRole::Division | HeadingRole::AnnexList,
        ..
    } = prev.kind
    {
        // After a heading: the line starts the list.
    }
    let parsed = block::split_blocks(&moved.raw);
    file.blocks.splice(to + 1..to + 1, parsed);
    // A list line left behind without its blank line (moved from the end of a list).
    for k in 0..file.blocks.len().saturating_sub(1) {
        let next_is_heading = matches!(file.blocks[k + 1].kind, BlockKind::Heading { .. });
        let b = &mut file.blocks[k];
        if matches!(b.kind, BlockKind::Include { .. })
            && next_is_heading
            && !b.trailer().contains(&format!("{le}{le}"))
        {
            let content_end = b.content_end;
            b.raw.truncate(content_end);
            b.raw.push_str(le);
            b.raw.push_str(le);
        }
    }
}

/// A block's raw text with new content: label and id kept, the text's first line on the
/// label line (unless it is an option line), other lines after it.
fn render_block(b: &Block, text: &str) -> String {
    let le = b.line_end();
    let prefix = &b.raw[..b.prefix.end.min(b.content_end)];
    let attr = b
        .id_attr
        .clone()
        .map(|r| b.raw[r].to_string())
        .unwrap_or_default();
    let mut out = String::new();
    let lines: Vec<&str> = text.lines().collect();
    let (first, rest): (&str, &[&str]) = if lines.first().is_some_and(|l| block::option_line(l)) {
        ("", &lines[..])
    } else {
        (
            lines.first().copied().unwrap_or(""),
            lines.get(1..).unwrap_or(&[]),
        )
    };
    out.push_str(prefix.trim_end_matches([' ', '\t']));
    if !first.is_empty() {
        if !prefix.is_empty() {
            out.push(' ');
        }
        out.push_str(first);
    }
    out.push_str(if first.is_empty() && !prefix.is_empty() {
        attr.as_str()
    } else {
        &attr
    });
    for l in rest {
        out.push_str(le);
        out.push_str(l);
    }
    out.push_str(b.trailer());
    out
}

/// A new block's raw text, ending with a blank line.
fn new_block_raw(prefix: &str, text: &str, id: &str, le: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::new();
    let option_first = lines.first().is_some_and(|l| block::option_line(l));
    if option_first {
        out.push_str(prefix.trim_end());
        out.push_str(&format!(" {{#{id}}}"));
        for l in &lines {
            out.push_str(le);
            out.push_str(l);
        }
    } else {
        out.push_str(prefix);
        out.push_str(lines.first().copied().unwrap_or(""));
        out.push_str(&format!(" {{#{id}}}"));
        for l in lines.iter().skip(1) {
            out.push_str(le);
            out.push_str(l);
        }
    }
    out.push_str(le);
    out.push_str(le);
    out
}

fn check_balanced(text: &str) -> Result<(), AmendError> {
    match bracket::parse(text).problems.first() {
        Some(p) => Err(AmendError::Unbalanced(p.message.clone())),
        None => Ok(()),
    }
}

/// Finds the `(...)` entry in a RON list that contains `key: "value"` and replaces the
/// value of `field` inside it, keeping everything else byte for byte.
fn edit_ron_entry(
    text: &str,
    key: &str,
    value: &str,
    field: &str,
    new_value: &str,
) -> Option<String> {
    let needle = format!("{key}: \"{value}\"");
    let at = text.find(&needle)?;
    // The entry runs from the `(` before the key to its matching `)`.
    let open = text[..at].rfind('(')?;
    let mut depth = 0usize;
    let mut close = None;
    let mut in_str = false;
    let mut escaped = false;
    for (k, ch) in text[open..].char_indices() {
        if in_str {
            match (escaped, ch) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_str = false,
                _ => {}
            }
            continue;
        }
        match ch {
            '"' => in_str = true,
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => {
                depth -= 1;
                if depth == 0 {
                    close = Some(open + k);
                    break;
                }
            }
            _ => {}
        }
    }
    let close = close?;
    let entry = &text[open..close];
    let field_at = entry.find(&format!("{field}:"))? + open;
    let value_start = field_at + field.len() + 1;
    let rest = &text[value_start..close];
    let lead = rest.len() - rest.trim_start().len();
    let value_len = rest
        .trim_start()
        .find([',', ')', '\n', ' '])
        .unwrap_or(rest.trim_start().len());
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..value_start + lead]);
    out.push_str(new_value);
    out.push_str(&text[value_start + lead + value_len..]);
    Some(out)
}

fn retier(text: &str, party: &str, tier: u8) -> Result<String, AmendError> {
    let tiers: Tiers = ron::from_str(text).map_err(|_| AmendError::BadFile(TIERS_FILE))?;
    let p = tiers
        .party(party)
        .ok_or_else(|| AmendError::UnknownParty(party.into()))?;
    if tiers.tier(tier).is_none() {
        return Err(AmendError::UnknownTier(tier));
    }
    let code = p.code.clone();
    let new = edit_ron_entry(text, "code", &code, "tier", &tier.to_string())
        .ok_or(AmendError::BadFile(TIERS_FILE))?;
    // Make sure the edit did what it says.
    let check: Tiers = ron::from_str(&new).map_err(|_| AmendError::BadFile(TIERS_FILE))?;
    match check.party(&code) {
        Some(p) if p.tier == tier => Ok(new),
        _ => Err(AmendError::BadFile(TIERS_FILE)),
    }
}

fn set_annex_status(text: &str, annex: &str, status: AnnexStatus) -> Result<String, AmendError> {
    let reg: AnnexRegister = ron::from_str(text).map_err(|_| AmendError::BadFile(ANNEXES_FILE))?;
    if reg.get(annex).is_none() {
        return Err(AmendError::UnknownAnnex(annex.into()));
    }
    let name = ron::to_string(&status).map_err(|_| AmendError::BadFile(ANNEXES_FILE))?;
    let new = edit_ron_entry(text, "annex", annex, "status", &name)
        .ok_or(AmendError::BadFile(ANNEXES_FILE))?;
    let check: AnnexRegister =
        ron::from_str(&new).map_err(|_| AmendError::BadFile(ANNEXES_FILE))?;
    match check.get(annex) {
        Some(a) if a.status == status => Ok(new),
        _ => Err(AmendError::BadFile(ANNEXES_FILE)),
    }
}

#[cfg(test)]
mod tests;
