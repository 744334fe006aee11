//! Structural amendments from the Outline. On an article, annex, part or chapter heading
//! the restructure key opens a menu: insert a new one after or before it, move it (the
//! outline's cursor picks where), delete it, renumber it; on a part, insert a new chapter
//! or article at its end, and on a chapter a new article (so an empty part or chapter can
//! be filled). A small form then asks for what
//! the amendment needs (number, title), the proposing delegations and a summary, and Enter
//! records it.
//!
//! Each builds the same `Change::Structure` as `treaty amend --kind …`
//! ([`StructureRequest::change`]) and is recorded as every amendment of the workbench is
//! ([`super::amending::commit`]), against the commit the outline showed when the user
//! began: if `treaty.md` was amended since, nothing is recorded.

use super::action::Action;
use super::amending::{Amending, Role};
use super::app::{self, EditKey, Effect, State};
use crate::amend::{Change, Incomplete, Place, StructureRequest, full_label, unit_of};
use crate::amendment::{AmendmentKind, StructureOp, Unit};
use crate::record::Base;
use crate::store::Oid;

/// A structural amendment being made from the Outline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Restructuring {
    pub unit: Unit,
    /// The unit's id.
    pub clause: String,
    /// How the outline names it: `Article 3. Scope`.
    pub name: String,
    pub stage: Stage,
    /// The commit the outline showed when the user began: the amendment is made against it.
    pub base: Option<Oid>,
    /// Where the cursor goes if the unit is deleted: a neighbour's id.
    pub after_delete: Option<String>,
}

/// Where the user is in making it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Choosing what to do.
    Menu,
    /// Moving: the outline's cursor chooses where.
    Pick,
    /// What the amendment needs, then Enter records it.
    Form(Form),
}

/// A field of the form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    Label,
    Title,
    Proposers,
    Summary,
}

impl Slot {
    pub fn name(self) -> &'static str {
        match self {
            Slot::Label => "number",
            Slot::Title => "title",
            Slot::Proposers => "proposed by",
            Slot::Summary => "summary",
        }
    }
}

/// The form of one structural amendment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Form {
    pub op: StructureOp,
    /// Where an inserted or moved unit goes.
    pub place: Option<Place>,
    /// The fields asked for, in order, with what is typed in each.
    pub fields: Vec<(Slot, String)>,
    /// The field being typed in.
    pub focus: usize,
}

impl Form {
    fn value(&self, slot: Slot) -> Option<String> {
        self.fields
            .iter()
            .find(|(s, _)| *s == slot)
            .map(|(_, t)| t.trim().to_string())
            .filter(|t| !t.is_empty())
    }
}

/// Where the outline's cursor goes once the amendment is recorded and read back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Focus {
    Id(String),
    /// A new unit, found by its number (numbers of one kind of unit are unique).
    Label(Unit, String),
}

impl Restructuring {
    /// The amendment's kind, once the form says what it does.
    pub fn kind(&self) -> Option<AmendmentKind> {
        match &self.stage {
            Stage::Form(f) => Some(AmendmentKind::structural(f.op, self.unit)),
            _ => None,
        }
    }

    /// What recording the form will do, in a line.
    pub fn question(&self, state: &State) -> String {
        let Stage::Form(form) = &self.stage else {
            return format!("Restructure {}", self.name);
        };
        let noun = self.unit.noun();
        let at = |id: &str| {
            state
                .data
                .draft
                .index_of(id)
                .map_or(id.to_string(), |i| named(state, i))
        };
        match (form.op, &form.place) {
            (StructureOp::Insert, Some(Place::After(_))) => {
                format!("Insert a new {noun} after {}", self.name)
            }
            (StructureOp::Insert, Some(Place::Into(_))) => {
                format!("Insert a new {noun} at the end of {}", self.name)
            }
            (StructureOp::Insert, _) => format!("Insert a new {noun} before {}", self.name),
            (StructureOp::Move, Some(Place::After(id))) => {
                format!("Move {} after {}", self.name, at(id))
            }
            (StructureOp::Move, Some(Place::Before(id))) => {
                format!("Move {} before {}", self.name, at(id))
            }
            (StructureOp::Move, Some(Place::Into(id))) => {
                format!("Move {} to the end of {}", self.name, at(id))
            }
            (StructureOp::Move, None) => format!("Move {}", self.name),
            (StructureOp::Delete, _) if self.unit.has_file() => format!(
                "Delete {}: its file goes and its clause ids are retired",
                self.name
            ),
            (StructureOp::Delete, _) => {
                format!("Delete {} (it must hold no articles)", self.name)
            }
            (StructureOp::Renumber, _) => format!("Renumber {}", self.name),
        }
    }

    /// Where the cursor goes after the amendment is recorded.
    fn focus(&self) -> Option<Focus> {
        let Stage::Form(form) = &self.stage else {
            return None;
        };
        match form.op {
            StructureOp::Insert => form
                .value(Slot::Label)
                .map(|l| Focus::Label(self.unit, full_label(self.unit, &l))),
            StructureOp::Delete => self.after_delete.clone().map(Focus::Id),
            StructureOp::Move | StructureOp::Renumber => Some(Focus::Id(self.clause.clone())),
        }
    }
}

/// The units the menu on a `unit` can insert at its end, with their keys: a chapter or an
/// article into a part, an article into a chapter.
pub fn insertable_into(unit: Unit) -> &'static [(char, Unit)] {
    match unit {
        Unit::Part => &[('c', Unit::Chapter), ('a', Unit::Article)],
        Unit::Chapter => &[('a', Unit::Article)],
        Unit::Article | Unit::Annex => &[],
    }
}

/// The menu's keys in a line, for the status bar and for a key the menu does not know.
pub fn menu_keys(unit: Unit, cancel: &str) -> String {
    let into: String = insertable_into(unit)
        .iter()
        .map(|(k, u)| format!("  {k} {} in it", u.noun()))
        .collect();
    match into.is_empty() {
        true => format!(
            "i insert after  I insert before  m move  d delete  n renumber  {cancel} cancel"
        ),
        false => {
            format!("i/I new after/before{into}  m move  d delete  n renumber  {cancel} cancel")
        }
    }
}

/// How the outline names clause `i`: `Article 3. Scope`, `Part II`.
fn named(state: &State, i: usize) -> String {
    let c = &state.data.draft.clauses[i];
    match (&c.label, &c.title) {
        (Some(l), Some(t)) => format!("{l}. {t}"),
        (Some(l), None) => l.clone(),
        (None, Some(t)) => t.clone(),
        (None, None) => c.id.clone().unwrap_or_default(),
    }
}

/// The restructure key: opens the menu on the selected article, annex, part or chapter.
pub fn start(state: &mut State) -> Vec<Effect> {
    if state.screen != app::Screen::Outline {
        state.message = Some((
            false,
            "articles, annexes, parts and chapters are restructured from the Outline (1)".into(),
        ));
        return Vec::new();
    }
    if let Role::Delegation(codes) = &state.data.role {
        state.message = Some((
            true,
            format!(
                "as {} you propose wording; the chair records structural amendments",
                codes.join(", ")
            ),
        ));
        return Vec::new();
    }
    let draft = &state.data.draft;
    let i = state.selected;
    let (Some(unit), Some(clause)) = (unit_of(draft, i), draft.clauses[i].id.clone()) else {
        state.message = Some((
            true,
            "select the heading of an article, annex, part or chapter to restructure it".into(),
        ));
        return Vec::new();
    };
    let parent = draft.clauses[i].parent;
    let after_delete = (0..i)
        .rev()
        .chain(draft.subtree(i).end..draft.clauses.len())
        .find(|&j| draft.clauses[j].parent == parent)
        .or(parent)
        .and_then(|j| draft.clauses[j].id.clone());
    state.restructure = Some(Restructuring {
        unit,
        clause,
        name: named(state, i),
        stage: Stage::Menu,
        base: state.data.head,
        after_delete,
    });
    Vec::new()
}

fn form(op: StructureOp, place: Option<Place>, slots: &[Slot], state: &State) -> Stage {
    let fields = slots
        .iter()
        .map(|&s| {
            let text = match s {
                Slot::Proposers => state.proposers.join(", "),
                _ => String::new(),
            };
            (s, text)
        })
        .collect();
    Stage::Form(Form {
        op,
        place,
        fields,
        focus: 0,
    })
}

/// An action while restructuring: `None` lets it through (quitting; moving through the
/// outline while choosing where to move); everything else is the menu's or the form's.
pub fn action(state: &mut State, a: Action) -> Option<Vec<Effect>> {
    let r = state.restructure.as_mut()?;
    if a == Action::Quit {
        return None;
    }
    if a == Action::Back {
        let was_picking = r.stage == Stage::Pick;
        let clause = r.clause.clone();
        state.restructure = None;
        if was_picking && let Some(i) = state.data.draft.index_of(&clause) {
            state.selected = i;
        }
        state.message = Some((false, "nothing recorded".into()));
        return Some(Vec::new());
    }
    match &mut r.stage {
        Stage::Pick if a.moves_the_cursor() => None,
        Stage::Form(f) => match a {
            Action::SwitchField | Action::NextScreen => {
                f.focus = (f.focus + 1) % f.fields.len();
                Some(Vec::new())
            }
            Action::PrevScreen => {
                f.focus = (f.focus + f.fields.len() - 1) % f.fields.len();
                Some(Vec::new())
            }
            Action::Commit | Action::Open => Some(record(state)),
            _ => Some(Vec::new()),
        },
        _ => Some(Vec::new()),
    }
}

/// A key typed while restructuring: the menu's letters, where to move, or the form's text.
pub fn key(state: &mut State, e: EditKey) -> Vec<Effect> {
    let Some(r) = state.restructure.clone() else {
        return Vec::new();
    };
    let c = match e {
        EditKey::Insert(c) => Some(c),
        _ => None,
    };
    match &r.stage {
        Stage::Menu => {
            use Slot::*;
            let after = Some(Place::After(r.clause.clone()));
            let before = Some(Place::Before(r.clause.clone()));
            // A new chapter or article at the end of this part or chapter: the form is the
            // new unit's, placed into this one.
            let into = insertable_into(r.unit)
                .iter()
                .find(|(k, _)| Some(*k) == c)
                .map(|&(_, unit)| unit);
            let stage = match c {
                _ if into.is_some() => form(
                    StructureOp::Insert,
                    Some(Place::Into(r.clause.clone())),
                    &[Label, Title, Proposers, Summary],
                    state,
                ),
                Some('i') => form(
                    StructureOp::Insert,
                    after,
                    &[Label, Title, Proposers, Summary],
                    state,
                ),
                Some('I') => form(
                    StructureOp::Insert,
                    before,
                    &[Label, Title, Proposers, Summary],
                    state,
                ),
                Some('m') => Stage::Pick,
                Some('d') => form(StructureOp::Delete, None, &[Proposers, Summary], state),
                Some('n') => {
                    let mut stage = form(
                        StructureOp::Renumber,
                        None,
                        &[Label, Proposers, Summary],
                        state,
                    );
                    // Starts from the number it has, without its word.
                    let now = state
                        .data
                        .draft
                        .clause(&r.clause)
                        .and_then(|c| c.label.clone())
                        .unwrap_or_default();
                    let word = r.unit.word();
                    let number = match now.get(..word.len()) {
                        Some(w) if w.eq_ignore_ascii_case(word) => now[word.len()..].trim(),
                        _ => now.trim(),
                    };
                    if let Stage::Form(f) = &mut stage {
                        f.fields[0].1 = number.to_string();
                    }
                    stage
                }
                _ => {
                    let cancel = state.keymap.label(Action::Back).unwrap_or_default();
                    state.message = Some((false, menu_keys(r.unit, &cancel)));
                    return Vec::new();
                }
            };
            if stage == Stage::Pick {
                let k = |a| state.keymap.label(a).unwrap_or_default();
                state.message = Some((
                    false,
                    format!(
                        "Move {}: select where (arrows, j/k), then a after · b before · i into a part or chapter · {} cancel",
                        r.name,
                        k(Action::Back)
                    ),
                ));
            } else {
                state.message = None;
            }
            if let Some(r) = state.restructure.as_mut() {
                r.stage = stage;
                if let Some(unit) = into {
                    r.unit = unit;
                }
            }
            Vec::new()
        }
        Stage::Pick => {
            let step = match (c, e) {
                (Some('j'), _) => Some(1),
                (Some('k'), _) => Some(-1),
                (Some('g'), _) | (_, EditKey::Home) => Some(isize::MIN / 2),
                (Some('G'), _) | (_, EditKey::End) => Some(isize::MAX / 2),
                _ => None,
            };
            if let Some(step) = step {
                return app::move_selection(state, step);
            }
            let Some(target) = state.selected_id() else {
                state.message = Some((true, "this clause has no id: choose another".into()));
                return Vec::new();
            };
            let place = match c {
                Some('a') => Place::After(target),
                Some('b') => Place::Before(target),
                Some('i') => Place::Into(target),
                _ => return Vec::new(),
            };
            let stage = form(
                StructureOp::Move,
                Some(place),
                &[Slot::Proposers, Slot::Summary],
                state,
            );
            state.message = None;
            if let Some(r) = state.restructure.as_mut() {
                r.stage = stage;
                if let Some(i) = state.data.draft.index_of(&r.clause) {
                    state.selected = i;
                }
            }
            Vec::new()
        }
        Stage::Form(_) => {
            if e == EditKey::Newline {
                return record(state);
            }
            if let Some(Restructuring {
                stage: Stage::Form(f),
                ..
            }) = state.restructure.as_mut()
            {
                let line = &mut f.fields[f.focus].1;
                let mut cursor = line.len();
                app::edit_string(line, &mut cursor, e);
            }
            Vec::new()
        }
    }
}

/// Records the form: the same change `treaty amend --kind …` makes, proposed by the
/// delegations typed, against the commit the user began from.
fn record(state: &mut State) -> Vec<Effect> {
    let Some(r) = &state.restructure else {
        return Vec::new();
    };
    let Stage::Form(form) = &r.stage else {
        return Vec::new();
    };
    let noun = r.unit.noun();
    let request = StructureRequest {
        clause: (form.op != StructureOp::Insert).then(|| r.clause.clone()),
        place: form.place.clone(),
        id: None,
        label: form.value(Slot::Label),
        title: form.value(Slot::Title),
        text: None,
    };
    let change = match request.change(form.op, r.unit) {
        Ok(change) => change,
        Err(missing) => {
            let what = match missing {
                Incomplete::Label => format!("give the {noun}'s number (3 bis, IV)"),
                Incomplete::Title => format!("give the new {noun}'s title"),
                Incomplete::Place | Incomplete::Clause => "choose where it goes".to_string(),
                Incomplete::TextOnHeading => format!("a {noun} is a heading and has no text"),
            };
            state.message = Some((true, format!("{what}: nothing recorded")));
            return Vec::new();
        }
    };
    let proposers: Vec<String> = form
        .value(Slot::Proposers)
        .unwrap_or_default()
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    if proposers.is_empty() {
        let k = state.keymap.label(Action::SwitchField).unwrap_or_default();
        state.message = Some((
            true,
            format!("name at least one proposing delegation ({k} moves to the field)"),
        ));
        return Vec::new();
    }
    let write = Amending {
        change,
        proposers,
        summary: form.value(Slot::Summary),
        base: r.base.map(Base::at),
    };
    state.message = Some((false, "recording…".into()));
    vec![Effect::Commit(write)]
}

/// The amendment was recorded: the form closes, and the cursor will follow the unit when
/// the outline is read again.
pub fn recorded(state: &mut State) {
    if let Some(r) = state.restructure.take() {
        state.focus = r.focus();
    }
}

/// Whether `change` is a structural amendment (the workbench says a conflict on it in a
/// line: there is no clause to show three ways).
pub fn is_structural(change: &Change) -> bool {
    matches!(change, Change::Structure { .. })
}
