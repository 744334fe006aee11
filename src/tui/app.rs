//! App state and its pure update: `update(&mut State, Msg) -> Vec<Effect>`.
//!
//! Nothing here touches the terminal, git or the clock: keys arrive as [`Msg`]s, slow work
//! leaves as [`Effect`]s, and the event loop (`run.rs`) carries both. Tests drive this
//! directly and render the result into a test buffer.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use super::action::Action;
use super::amending::{Amending, Refused, Role};
use super::compare::{self, MatrixRow, ShownClause, Version};
use super::data::Data;
use super::jobs::{Burndown, ClauseTimeline, ReplayFrame, Request, Response, Snapshot};
use super::keymap::{Key, KeyName, Keymap};
use super::restructure::{Focus, Restructuring};
use super::theme::Styles;
use crate::amend::Change;
use crate::bracket::{Choice, ChoicePoint};
use crate::proposal::{ProposalStatus, merge_words};
use crate::record::{Base, Conflict};

/// The screens, in tab order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Screen {
    Outline,
    Clause,
    Compare,
    Tiers,
    Annexes,
    History,
    Amend,
    Dashboard,
}

impl Screen {
    pub const ALL: [Screen; 8] = [
        Screen::Outline,
        Screen::Clause,
        Screen::Compare,
        Screen::Tiers,
        Screen::Annexes,
        Screen::History,
        Screen::Amend,
        Screen::Dashboard,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Screen::Outline => "Outline",
            Screen::Clause => "Clause",
            Screen::Compare => "Compare",
            Screen::Tiers => "Tiers",
            Screen::Annexes => "Annexes",
            Screen::History => "History",
            Screen::Amend => "Amend",
            Screen::Dashboard => "Dashboard",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompareMode {
    Inline,
    SideBySide,
    Matrix,
}

/// A one-line prompt at the bottom.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Prompt {
    Search(String),
    Goto(String),
}

/// An amendment waiting for `confirm`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pending {
    pub change: Change,
    pub question: String,
    /// The clause as shown when the change was asked for.
    pub base: Option<Base>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Text,
    Proposers,
    Summary,
}

/// The inline editor of the Amend screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Editor {
    pub clause: String,
    pub original: String,
    pub text: String,
    /// Byte offset of the cursor in `text`.
    pub cursor: usize,
    pub proposers: String,
    /// The amendment's summary (the commit's subject); empty: described from the change.
    pub summary: String,
    pub field: Field,
    /// What the edit began from: the commit on screen and the clause as it read.
    pub base: Option<Base>,
}

/// An amendment refused because its clause was amended since the user began: the three
/// versions, and what the user may do with theirs.
#[derive(Clone, Debug, PartialEq)]
pub struct ConflictView {
    pub conflict: Conflict,
    /// The refused amendment.
    pub write: Amending,
}

impl ConflictView {
    /// Your wording on top of theirs: both changes when they touch different words
    /// (`true`), else your wording in place of theirs (`false`). `None` when the clause was
    /// deleted since, or yours deletes it.
    pub fn reapplied(&self) -> Option<(String, bool)> {
        let c = &self.conflict;
        let (theirs, yours) = (c.theirs.as_deref()?, c.yours.as_deref()?);
        let merged = c
            .base
            .as_deref()
            .and_then(|b| merge_words(b, yours, theirs));
        Some(match merged {
            Some(text) => (text, true),
            None => (yours.to_string(), false),
        })
    }

    /// Both wordings as bracketed alternatives, each attributed to its delegations (as
    /// sync stacks a clause amended on both sides); `None` when they cannot be stacked.
    pub fn both(&self) -> Option<String> {
        let c = &self.conflict;
        crate::bracket::stack_alternatives(&[
            (c.theirs.as_deref()?, &c.theirs_by[..]),
            (c.yours.as_deref()?, &self.write.proposers[..]),
        ])
    }
}

/// Text-editing keys, for the prompt and the editor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EditKey {
    Insert(char),
    Newline,
    Backspace,
    Delete,
    Left,
    Right,
    Home,
    End,
}

/// What the UI wants done outside the pure update.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    Quit,
    Request(Request),
    /// Record an amendment on top of HEAD, if what it edits still reads as it began.
    Commit(Amending),
    /// Land pending proposal `id` (the chair).
    Land {
        id: String,
    },
    /// Suspend the terminal and edit `text` in `$EDITOR`.
    ExternalEditor {
        text: String,
    },
    /// Read the record back after the workbench's own amendment, off the UI thread (the
    /// watcher's, [`Msg::ReadBack`] brings it): until it is in, keys that act on the text
    /// wait ([`State::reading_back`]).
    Reload,
    /// Read the record again off the UI thread, as the watcher does when it sees a change
    /// ([`Msg::Changed`] brings the snapshot, [`Msg::ReloadFailed`] why there is none).
    BackgroundReload,
}

/// Everything that can happen to the state.
#[derive(Clone, Debug, PartialEq)]
pub enum Msg {
    Action(Action),
    EditKey(EditKey),
    Job(Response),
    /// Milliseconds since the UI started (drives auto-play).
    Tick(u64),
    Click {
        column: u16,
        row: u16,
    },
    Scroll(i32),
    /// The mouse wheel over a point of the screen: scrolls the pane under it.
    Wheel {
        column: u16,
        row: u16,
        lines: i32,
    },
    Resize {
        width: u16,
        height: u16,
    },
    EditorReturned(Result<String, String>),
    Committed(Result<String, String>),
    /// The clause was amended since the user began: nothing was recorded.
    Conflicted(Box<ConflictView>),
    /// The record changed under the workbench (another process amended it), or a reload
    /// was asked for: the snapshot read since.
    Changed(Snapshot),
    /// Reading the record again failed.
    ReloadFailed(String),
    /// The record read back after the workbench's own amendment ([`Effect::Reload`]), or
    /// why it could not be.
    ReadBack(Result<Snapshot, String>),
}

/// What recording `write` came to, as the message the state takes.
pub fn committed(write: Amending, result: Result<String, Refused>) -> Msg {
    match result {
        Ok(said) => Msg::Committed(Ok(said)),
        // A structural amendment is made against treaty.md: no clause to show three ways.
        Err(Refused::Conflict(c)) if super::restructure::is_structural(&write.change) => {
            let by = if c.theirs_by.is_empty() {
                String::new()
            } else {
                format!(" by {}", c.theirs_by.join(", "))
            };
            Msg::Committed(Err(format!(
                "the treaty's structure was amended{by} since you began: nothing was recorded; read the outline again (r) and restructure from there"
            )))
        }
        Err(Refused::Conflict(conflict)) => Msg::Conflicted(Box::new(ConflictView {
            conflict: *conflict,
            write,
        })),
        Err(Refused::Other(why)) => Msg::Committed(Err(why)),
    }
}

#[derive(Clone, Debug, Default)]
pub struct ClauseView {
    pub clean: bool,
    /// The selected choice point.
    pub point: usize,
    /// Previewed alternative per choice point.
    pub picks: BTreeMap<usize, usize>,
    pub scroll: u16,
}

#[derive(Clone, Debug)]
pub struct CompareView {
    pub left: Version,
    pub right: Version,
    pub mode: CompareMode,
    /// Scroll (inline and side by side) or selected row (matrix).
    pub row: usize,
    pub result: Option<Result<Vec<ShownClause>, String>>,
    /// Compare only this clause and what is under it (an annex, an article).
    pub only: Option<String>,
    pub matrix: Vec<MatrixRow>,
    /// Scroll of the matrix cell's diff pane.
    pub cell_scroll: u16,
    /// The clause the matrix is for, once it has arrived.
    pub matrix_for: Option<String>,
    /// A clause to scroll to when the next result arrives.
    pub focus: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct TiersView {
    pub party: usize,
    pub what_if: Option<u8>,
}

#[derive(Clone, Debug, Default)]
pub struct AnnexesView {
    pub selected: usize,
    /// Scroll of the annex text pane.
    pub text_scroll: u16,
}

#[derive(Clone, Debug)]
pub struct HistoryView {
    pub selected: usize,
    /// The replay position (an index into the history), once replay has started.
    pub step: Option<usize>,
    pub frame: Option<Result<ReplayFrame, String>>,
    pub playing: bool,
    pub speed_ms: u64,
    pub last_step_at: u64,
    pub only_clause: bool,
    pub burndown: Option<Result<Burndown, String>>,
    /// Scroll of the replay (or clause history) pane.
    pub pane_scroll: u16,
    /// The selected clause's history and blame (for the clause it names).
    pub clause: Option<(String, Result<ClauseTimeline, String>)>,
}

/// The whole UI state.
pub struct State {
    pub data: Arc<Data>,
    pub styles: Styles,
    pub keymap: Keymap,
    pub screen: Screen,
    pub help: bool,
    pub help_scroll: u16,
    /// The article view, when open (over any screen).
    pub article: Option<super::screens::article::ArticleView>,
    /// The selected clause (index into the draft).
    pub selected: usize,
    pub collapsed: BTreeSet<usize>,
    pub prompt: Option<Prompt>,
    pub clause: ClauseView,
    pub compare: CompareView,
    pub tiers: TiersView,
    pub annexes: AnnexesView,
    pub history: HistoryView,
    pub editor: Option<Editor>,
    pub pending: Option<Pending>,
    /// `(is_error, text)` shown in the hint bar until the next key.
    pub message: Option<(bool, String)>,
    /// Who amendments are proposed by, unless the editor says otherwise.
    pub proposers: Vec<String>,
    pub size: (u16, u16),
    /// Keys that need what is still loading, in the order pressed: they run when it lands.
    pub deferred: Vec<Msg>,
    pub dashboard: super::screens::dashboard::DashboardView,
    /// The selected proposal in the Amend screen's queue.
    pub queue_selected: usize,
    /// Milliseconds since the UI started, as the last tick said (the round's time left).
    pub clock_ms: u64,
    /// An amendment refused for a clause amended meanwhile, shown three ways.
    pub conflict: Option<ConflictView>,
    /// Said in the status bar for a while: what a reload brought, and when (`clock_ms`).
    pub notice: Option<(u64, String)>,
    /// A reload asked for with the reload key is under way (off the UI thread).
    pub reloading: bool,
    /// The workbench's own amendment is being read back off the UI thread (at UN scale
    /// that takes a few hundred milliseconds: the draft, 198 positions, the history index
    /// extended). Moving around and switching screens run meanwhile; keys that act on the
    /// text wait for it, so nothing is amended against the text as it was before.
    pub reading_back: bool,
    /// A structural amendment being made from the Outline.
    pub restructure: Option<Restructuring>,
    /// Where the cursor goes when the outline is next read (after a structural amendment).
    pub focus: Option<Focus>,
}

impl State {
    /// The queue's order: indices into `data.proposals`, the selected clause's first.
    pub fn queue_order(&self) -> Vec<usize> {
        let id = self.selected_id();
        let mut order: Vec<usize> = (0..self.data.proposals.len()).collect();
        order.sort_by_key(|&i| Some(&self.data.proposals[i].proposal.clause) != id.as_ref());
        order
    }

    pub fn new(data: Arc<Data>, styles: Styles, keymap: Keymap) -> State {
        let (left, right) = compare::default_pair(&data);
        let selected = first_text_clause(&data);
        let history = HistoryView {
            selected: data.history.len().saturating_sub(1),
            step: None,
            frame: None,
            playing: false,
            speed_ms: 800,
            last_step_at: 0,
            only_clause: false,
            burndown: None,
            pane_scroll: 0,
            clause: None,
        };
        let message = (!keymap.duplicates.is_empty()).then(|| (true, keymap.duplicates.join("; ")));
        State {
            data,
            styles,
            keymap,
            screen: Screen::Outline,
            help: false,
            help_scroll: 0,
            article: None,
            selected,
            collapsed: BTreeSet::new(),
            prompt: None,
            clause: ClauseView::default(),
            compare: CompareView {
                left,
                right,
                mode: CompareMode::Inline,
                row: 0,
                result: None,
                only: None,
                matrix: Vec::new(),
                cell_scroll: 0,
                matrix_for: None,
                focus: None,
            },
            tiers: TiersView::default(),
            annexes: AnnexesView::default(),
            history,
            editor: None,
            pending: None,
            message,
            proposers: vec!["CHAIR".into()],
            size: (80, 24),
            deferred: Vec::new(),
            dashboard: Default::default(),
            queue_selected: 0,
            clock_ms: 0,
            conflict: None,
            notice: None,
            reloading: false,
            reading_back: false,
            restructure: None,
            focus: None,
        }
    }

    /// Swaps in freshly loaded data, keeping the selection by clause id where it can.
    pub fn replace_data(&mut self, data: Arc<Data>) {
        let id = self.selected_id();
        // Folds follow their clauses, which a structural amendment may have moved.
        let folded: Vec<String> = (self.collapsed.iter())
            .filter_map(|&i| self.data.draft.clauses.get(i)?.id.clone())
            .collect();
        self.data = data;
        self.article = None;
        let draft = &self.data.draft;
        let focused = self.focus.take().and_then(|f| match f {
            Focus::Id(id) => draft.index_of(&id),
            Focus::Label(unit, label) => (0..draft.clauses.len()).find(|&j| {
                crate::amend::unit_of(draft, j) == Some(unit)
                    && draft.clauses[j]
                        .label
                        .as_deref()
                        .is_some_and(|l| l.split_whitespace().eq(label.split_whitespace()))
            }),
        });
        self.selected = focused
            .or_else(|| id.and_then(|id| draft.index_of(&id)))
            .unwrap_or_else(|| first_text_clause(&self.data));
        self.collapsed = folded
            .iter()
            .filter_map(|id| self.data.draft.index_of(id))
            .collect();
        if focused.is_some() {
            for a in self.data.draft.ancestors(self.selected) {
                self.collapsed.remove(&a);
            }
        }
        self.history.selected = self.data.history.len().saturating_sub(1);
        self.history.step = None;
        self.history.frame = None;
        self.history.burndown = None;
        self.history.clause = None;
        self.compare.result = None;
        self.compare.matrix_for = None;
        self.compare.matrix.clear();
    }

    pub fn selected_id(&self) -> Option<String> {
        self.data.draft.clauses.get(self.selected)?.id.clone()
    }

    /// Whether keys are typed as text (a prompt or the editor has them).
    pub fn typing(&self) -> bool {
        self.prompt.is_some()
            || self.restructure.is_some()
            || (self.screen == Screen::Amend && self.editor.is_some() && self.conflict.is_none())
    }

    /// The outline's visible rows: clause indices not hidden under a folded clause.
    pub fn outline_rows(&self) -> Vec<usize> {
        let draft = &self.data.draft;
        let mut rows = Vec::with_capacity(draft.clauses.len());
        let mut skip_until = 0;
        for i in 0..draft.clauses.len() {
            if i < skip_until {
                continue;
            }
            rows.push(i);
            if self.collapsed.contains(&i) {
                skip_until = draft.subtree(i).end;
            }
        }
        rows
    }

    /// The selected clause's choice points (groups and option sets).
    pub fn choice_points(&self) -> Vec<ChoicePoint> {
        let c = &self.data.draft.clauses[self.selected];
        self.data
            .tree(self.selected)
            .map(|t| t.choice_points(&c.text))
            .unwrap_or_default()
    }

    /// The previewed choice, for the clean-text toggle.
    pub fn choice(&self) -> Choice {
        Choice::Pick(self.clause.picks.iter().map(|(p, a)| (*p, *a)).collect())
    }

    /// The selected clause's history and blame, once loaded for that clause.
    pub fn clause_timeline(&self) -> Option<&Result<ClauseTimeline, String>> {
        let id = self.selected_id()?;
        match &self.history.clause {
            Some((c, t)) if *c == id => Some(t),
            _ => None,
        }
    }

    /// History entries shown: all, or the versions of the selected clause (from the
    /// history index; until that is loaded, the amendments that name the clause).
    pub fn history_rows(&self) -> Vec<usize> {
        if self.history.only_clause
            && let Some(Ok(t)) = self.clause_timeline()
        {
            return t.versions.iter().filter_map(|v| v.step).collect();
        }
        let id = self.selected_id();
        (0..self.data.history.len())
            .filter(|i| {
                !self.history.only_clause
                    || id
                        .as_ref()
                        .is_some_and(|id| self.data.history[*i].clauses.contains(id))
            })
            .collect()
    }

    /// Turns a key into a message: bound actions, or text while typing.
    pub fn key_msg(&self, key: Key) -> Option<Msg> {
        let action = self.keymap.action(key);
        // Ctrl-C always quits, whatever the key map says: the terminal must stay escapable.
        if key == Key::ctrl('c') {
            return Some(Msg::Action(Action::Quit));
        }
        if self.typing() {
            if let Some(a) = action.filter(|a| a.works_while_typing()) {
                let in_editor = self.prompt.is_none();
                if !(in_editor && a == Action::Open) {
                    return Some(Msg::Action(a));
                }
            }
            if key.ctrl || key.alt {
                return None;
            }
            let edit = match key.code {
                KeyName::Char(c) => EditKey::Insert(c),
                KeyName::Enter => EditKey::Newline,
                KeyName::Backspace => EditKey::Backspace,
                KeyName::Delete => EditKey::Delete,
                KeyName::Left => EditKey::Left,
                KeyName::Right => EditKey::Right,
                KeyName::Home => EditKey::Home,
                KeyName::End => EditKey::End,
                _ => return action.map(Msg::Action),
            };
            return Some(Msg::EditKey(edit));
        }
        action.map(Msg::Action)
    }
}

fn first_text_clause(data: &Data) -> usize {
    data.draft
        .clauses
        .iter()
        .position(|c| c.kind.has_text() && !c.text.is_empty())
        .unwrap_or(0)
}

fn cycle<T: PartialEq + Clone>(list: &[T], current: &T, step: isize) -> T {
    let n = list.len() as isize;
    if n == 0 {
        return current.clone();
    }
    let at = list.iter().position(|x| x == current).unwrap_or(0) as isize;
    list[((at + step).rem_euclid(n)) as usize].clone()
}

fn step_index(at: usize, delta: isize, len: usize) -> usize {
    if len == 0 {
        return 0;
    }
    (at as isize + delta).clamp(0, len as isize - 1) as usize
}

/// What the event loop does first: asks for whatever the first frame went without.
pub fn on_start(state: &mut State) -> Vec<Effect> {
    if state.data.complete {
        Vec::new()
    } else {
        vec![Effect::Request(Request::LoadAll)]
    }
}

/// Said in the hint bar while keys wait for the background load.
pub const WAITING: &str =
    "loading the positions, tiers, annexes and history… your keys run when they are in";

/// The screens drawn from what loads in the background.
pub fn shows_loaded_data(screen: Screen) -> bool {
    matches!(
        screen,
        Screen::Compare | Screen::Tiers | Screen::Annexes | Screen::History
    )
}

/// Whether `msg` must wait until the background load lands: it needs the positions,
/// tiers, annexes or history, or works in a screen drawn from them, or keys pressed
/// before it are waiting already (keys run in the order pressed). Quitting, help and
/// moving between screens never wait.
fn must_wait(state: &State, msg: &Msg) -> bool {
    if state.data.complete {
        return false;
    }
    let on_loading_screen = !state.help && shows_loaded_data(state.screen);
    match msg {
        Msg::Action(Action::Quit) => false,
        Msg::Action(a) => {
            !state.deferred.is_empty()
                || matches!(
                    a,
                    Action::NextSource
                        | Action::PrevSource
                        | Action::NextBase
                        | Action::CompareVersions
                        | Action::CompareMode
                        | Action::WhatIf
                        | Action::ReplayNext
                        | Action::ReplayPrev
                        | Action::Play
                        | Action::ClauseHistory
                        | Action::Restructure
                )
                || (on_loading_screen
                    && !a.switches_screen()
                    && !matches!(
                        a,
                        Action::Help
                            | Action::Back
                            | Action::Search
                            | Action::Goto
                            | Action::Reload
                    ))
        }
        Msg::EditKey(_) => !state.deferred.is_empty(),
        Msg::Click { row, .. } => {
            let area = ratatui::layout::Rect::new(0, 0, state.size.0, state.size.1);
            !state.deferred.is_empty()
                || (on_loading_screen && *row != super::screens::layout(area).tabs.y)
        }
        Msg::Wheel { .. } | Msg::Scroll(_) => !state.deferred.is_empty() || on_loading_screen,
        _ => false,
    }
}

/// Whether `msg` waits for the workbench's own amendment to be read back
/// ([`State::reading_back`]): moving, looking and switching screens run at once, anything
/// that could act on the text (an edit, a bracket lifted, a restructure, a landing, text
/// typed) waits, and once one waits everything after it does, in order.
fn waits_for_read_back(state: &State, msg: &Msg) -> bool {
    if !state.reading_back {
        return false;
    }
    let queued = !state.deferred.is_empty();
    match msg {
        Msg::Action(Action::Quit) => false,
        Msg::Action(a) => {
            let looks = a.moves_the_cursor()
                || a.switches_screen()
                || matches!(a, Action::Help | Action::Back);
            queued || !looks
        }
        Msg::EditKey(_) => true,
        Msg::Click { .. } | Msg::Wheel { .. } | Msg::Scroll(_) => queued,
        _ => false,
    }
}

/// The background load has landed: swap in the complete snapshot (the draft is the same,
/// so the selection stands), set what defaults on it, then run the keys that waited.
fn landed(state: &mut State, data: Arc<Data>) -> Vec<Effect> {
    if state.data.complete || data.root != state.data.root {
        return Vec::new(); // a reload came first, with everything in
    }
    state.data = data;
    state.history.selected = state.data.history.len().saturating_sub(1);
    // No key that moves the compare sources ran before this (they wait), so the default
    // is still to set, as at a full start.
    (state.compare.left, state.compare.right) = compare::default_pair(&state.data);
    if state.message.as_ref().is_some_and(|(_, m)| m == WAITING) {
        state.message = None;
    }
    let mut out = on_enter(state);
    for m in std::mem::take(&mut state.deferred) {
        out.extend(update(state, m));
    }
    out
}

/// Swaps in freshly reloaded data (see [`State::replace_data`]), asks for what the screen
/// shows, and runs keys that were waiting for a background load the reload overtook.
pub fn reloaded(state: &mut State, data: Arc<Data>) -> Vec<Effect> {
    state.reading_back = false;
    swap_in(state, data)
}

/// [`reloaded`] without ending a read-back: keys waiting for it keep waiting.
fn swap_in(state: &mut State, data: Arc<Data>) -> Vec<Effect> {
    state.replace_data(data);
    let mut out = on_enter(state);
    if state.data.complete && !state.reading_back {
        if state.message.as_ref().is_some_and(|(_, m)| m == WAITING) {
            state.message = None;
        }
        for m in std::mem::take(&mut state.deferred) {
            out.extend(update(state, m));
        }
    }
    out
}

/// Said when a reload asked for finds the record as it was.
pub const NOTHING_NEW: &str = "Reloaded: nothing new";

/// Said when the reload key is pressed while a reload is under way.
pub const STILL_RELOADING: &str = "still reloading…";

/// The reload key: reads the record again off the UI thread (as the watcher does), once:
/// a second press while it runs asks for nothing more.
fn reload(state: &mut State) -> Vec<Effect> {
    if state.reloading {
        state.message = Some((false, STILL_RELOADING.into()));
        return Vec::new();
    }
    state.reloading = true;
    vec![Effect::BackgroundReload]
}

/// How long a reload's notice stays in the status bar.
pub const NOTICE_MS: u64 = 10_000;

/// The record changed under the workbench: swaps in the snapshot read since (keeping the
/// selected clause, an open edit and what it began from) and says what came in. A
/// snapshot of what is on screen already (the workbench's own amendment) changes nothing.
pub fn changed(state: &mut State, data: Arc<Data>) -> Vec<Effect> {
    let asked = std::mem::take(&mut state.reloading);
    let old = state.data.clone();
    if old.complete && data.shows_the_same(&old) {
        if asked {
            state.notice = Some((state.clock_ms, NOTHING_NEW.into()));
        }
        return Vec::new();
    }
    let mut notice = reload_notice(&old, &data);
    if let Some(ed) = &state.editor
        && data.draft.clause(&ed.clause).map(|c| &c.text) != Some(&ed.original)
    {
        notice.push_str(&format!(
            " — {} changed since you began editing it",
            ed.clause
        ));
    }
    let out = reloaded(state, data);
    state.notice = Some((state.clock_ms, notice));
    out
}

/// `Reloaded: <amendment> by <delegations>`, for the amendments `new` has after `old`'s head.
fn reload_notice(old: &Data, new: &Data) -> String {
    let from = old
        .head
        .and_then(|h| new.history.iter().position(|e| e.oid == h))
        .map_or(new.history.len().saturating_sub(1), |i| i + 1);
    let fresh = &new.history[from.min(new.history.len())..];
    let Some(last) = fresh.last().filter(|_| new.head != old.head) else {
        if new.current_round != old.current_round
            && let Some(round) = &new.current_round
        {
            return format!("Reloaded: round {round} started");
        }
        return "Reloaded: changes on disk, not yet recorded as an amendment".into();
    };
    let by = if last.proposers.is_empty() {
        last.author.clone()
    } else {
        last.proposers.join(", ")
    };
    match fresh.len() {
        1 => format!("Reloaded: {} by {by}", last.summary),
        n => format!(
            "Reloaded: {n} amendments, the last {} by {by}",
            last.summary
        ),
    }
}

/// Applies one message. Returns what the event loop must do next.
pub fn update(state: &mut State, msg: Msg) -> Vec<Effect> {
    if must_wait(state, &msg) {
        state.deferred.push(msg);
        state.message = Some((false, WAITING.into()));
        return Vec::new();
    }
    if waits_for_read_back(state, &msg) {
        state.deferred.push(msg);
        return Vec::new();
    }
    match msg {
        Msg::Action(a) => {
            if !matches!(a, Action::Confirm) {
                state.message = None;
            }
            action(state, a)
        }
        Msg::EditKey(e) if state.restructure.is_some() => super::restructure::key(state, e),
        Msg::EditKey(e) => {
            edit(state, e);
            Vec::new()
        }
        Msg::Job(Response::Loaded(snapshot)) => landed(state, snapshot.0),
        Msg::Job(resp) => {
            job_done(state, resp);
            Vec::new()
        }
        Msg::Tick(now) => {
            state.clock_ms = now;
            tick(state, now)
        }
        Msg::Click { column, row } => click(state, column, row),
        Msg::Wheel { column, row, lines } => wheel(state, column, row, lines),
        Msg::Scroll(lines) => {
            let a = if lines < 0 { Action::Up } else { Action::Down };
            let mut out = Vec::new();
            for _ in 0..lines.unsigned_abs().min(10) {
                out.extend(action(state, a));
            }
            out
        }
        Msg::Resize { width, height } => {
            state.size = (width, height);
            Vec::new()
        }
        Msg::EditorReturned(Ok(text)) => {
            let text = text.trim_end_matches('\n').to_string();
            if let Some(ed) = state.editor.as_mut() {
                ed.cursor = text.len();
                ed.text = text;
            }
            Vec::new()
        }
        Msg::EditorReturned(Err(e)) | Msg::Committed(Err(e)) => {
            state.message = Some((true, e));
            Vec::new()
        }
        Msg::Conflicted(view) => {
            let c = &view.conflict;
            let by = if c.theirs_by.is_empty() {
                String::new()
            } else {
                format!(" by {}", c.theirs_by.join(", "))
            };
            if c.yours == c.theirs {
                state.editor = None;
                state.message = Some((
                    false,
                    format!(
                        "{} was amended{by} since you began, and reads as you wanted: nothing to record",
                        c.clause
                    ),
                ));
                return Vec::new();
            }
            let k = |a| state.keymap.label(a).unwrap_or_default();
            state.message = Some((
                true,
                format!(
                    "{} was amended{by} since you began: nothing was recorded ({} re-apply, {} keep both, {} back)",
                    c.clause,
                    k(Action::Reapply),
                    k(Action::KeepBoth),
                    k(Action::Back)
                ),
            ));
            state.conflict = Some(*view);
            state.screen = Screen::Amend;
            Vec::new()
        }
        Msg::Changed(snapshot) if state.reading_back => {
            // A load the watcher began before the read-back was asked for: it brings the
            // workbench's own amendment (or the text just before it), not news.
            let (message, focus) = (state.message.clone(), state.focus.clone());
            let out = swap_in(state, snapshot.0);
            // The read-back still comes: it says so, and puts the cursor where it goes.
            (state.message, state.focus) = (message, focus);
            out
        }
        Msg::Changed(snapshot) => changed(state, snapshot.0),
        Msg::ReadBack(Ok(snapshot)) => reloaded(state, snapshot.0),
        Msg::ReadBack(Err(e)) => {
            // The keys that waited run on the text shown; the failure is said after them.
            state.reading_back = false;
            let mut out = Vec::new();
            for m in std::mem::take(&mut state.deferred) {
                out.extend(update(state, m));
            }
            state.message = Some((true, format!("reload failed: {e}")));
            out
        }
        Msg::ReloadFailed(e) => {
            // A reload the watcher began by itself only goes to the log.
            if std::mem::take(&mut state.reloading) {
                state.message = Some((true, format!("reload failed: {e}")));
            }
            Vec::new()
        }
        Msg::Committed(Ok(summary)) => {
            super::restructure::recorded(state);
            state.editor = None;
            state.pending = None;
            state.conflict = None;
            let done = if summary.starts_with("proposed ") || summary.starts_with("landed ") {
                summary
            } else {
                format!("recorded: {summary}")
            };
            state.message = Some((false, done));
            state.reading_back = true;
            vec![Effect::Reload]
        }
    }
}

fn go(state: &mut State, screen: Screen) -> Vec<Effect> {
    if screen != Screen::Outline {
        state.restructure = None;
    }
    state.screen = screen;
    state.help = false;
    on_enter(state)
}

/// What a screen needs when it is shown (once everything has loaded; the landing asks
/// again).
pub fn on_enter(state: &mut State) -> Vec<Effect> {
    if !state.data.complete {
        return Vec::new();
    }
    match state.screen {
        Screen::Compare => {
            let mut out = matrix_request(state);
            if state.compare.result.is_none() {
                out.push(Effect::Request(Request::Compare {
                    left: state.compare.left.clone(),
                    right: state.compare.right.clone(),
                    only: state.compare.only.clone(),
                }));
            }
            out
        }
        Screen::History => {
            let mut out = clause_history_request(state);
            if state.history.burndown.is_none() {
                out.push(Effect::Request(Request::Burndown));
            }
            out
        }
        Screen::Dashboard => super::screens::dashboard::refresh(state, None),
        _ => Vec::new(),
    }
}

/// Asks for the selected clause against every delegation (the matrix), once per clause.
fn matrix_request(state: &mut State) -> Vec<Effect> {
    let Some(id) = state.selected_id() else {
        state.compare.matrix.clear();
        state.compare.matrix_for = None;
        return Vec::new();
    };
    if state.compare.matrix_for.as_ref() == Some(&id) {
        return Vec::new();
    }
    state.compare.matrix.clear();
    state.compare.matrix_for = None;
    vec![Effect::Request(Request::Matrix { clause: id })]
}

/// Asks for the selected clause's history and blame unless it is loaded already.
fn clause_history_request(state: &mut State) -> Vec<Effect> {
    let Some(id) = state.selected_id() else {
        return Vec::new();
    };
    if state.history.clause.as_ref().is_some_and(|(c, _)| *c == id) {
        return Vec::new();
    }
    state.history.clause = None;
    vec![Effect::Request(Request::ClauseHistory { clause: id })]
}

fn request_compare(state: &mut State) -> Vec<Effect> {
    state.compare.result = None;
    state.compare.row = 0;
    vec![Effect::Request(Request::Compare {
        left: state.compare.left.clone(),
        right: state.compare.right.clone(),
        only: state.compare.only.clone(),
    })]
}

fn request_replay(state: &mut State, step: usize) -> Vec<Effect> {
    state.history.step = Some(step);
    state.history.pane_scroll = 0;
    state.history.selected = step;
    vec![Effect::Request(Request::Replay {
        step,
        clause: state.selected_id(),
    })]
}

fn action(state: &mut State, a: Action) -> Vec<Effect> {
    if let Some(effects) = super::restructure::action(state, a) {
        return effects;
    }
    if let Some(effects) = super::screens::help::key(state, a) {
        return effects;
    }
    if let Some(effects) = super::screens::article::key(state, a) {
        return effects;
    }
    if state.screen == Screen::Amend
        && state.editor.is_none()
        && matches!(a, Action::NextPoint | Action::PrevPoint | Action::Land)
    {
        return queue_action(state, a);
    }
    match a {
        Action::Land => {
            state.message = Some((
                false,
                "proposals are landed from the Amend screen's queue (7)".into(),
            ));
        }
        Action::Quit => return vec![Effect::Quit],
        Action::Help => {
            state.help = !state.help;
            state.help_scroll = 0;
        }
        Action::Back => {
            if state.prompt.is_some() {
                state.prompt = None;
            } else if state.conflict.take().is_some() {
                state.message = Some((
                    false,
                    "nothing recorded; your wording is kept as you left it".into(),
                ));
            } else if state.pending.is_some() {
                state.pending = None;
                state.message = Some((false, "amendment cancelled".into()));
            } else if state.editor.is_some() && state.screen == Screen::Amend {
                state.editor = None;
                state.message = Some((false, "edit discarded".into()));
            } else if state.screen != Screen::Outline {
                return go(state, Screen::Outline);
            }
        }
        Action::WhatIf => {
            if let Some(t) = &state.data.tiers
                && let Some(p) = t.parties.get(state.tiers.party)
            {
                let others: Vec<u8> = t
                    .tiers
                    .iter()
                    .map(|x| x.tier)
                    .filter(|x| *x != p.tier)
                    .collect();
                state.tiers.what_if = match state.tiers.what_if {
                    None => others.first().copied(),
                    Some(cur) => others.iter().copied().skip_while(|x| *x != cur).nth(1),
                };
            }
        }
        Action::Reload => return reload(state),
        Action::Restructure => return super::restructure::start(state),
        Action::ReadArticle => super::screens::article::open(state),
        Action::CleanText
        | Action::NextPoint
        | Action::PrevPoint
        | Action::NextAlternative
        | Action::PrevAlternative
        | Action::Lift
        | Action::Choose
        | Action::Confirm => return clause_action(state, a),
        Action::EditInline | Action::EditExternal | Action::Commit | Action::SwitchField => {
            return amend_action(state, a);
        }
        Action::Reapply | Action::KeepBoth => return conflict_action(state, a),
        Action::CompareMode
        | Action::NextSource
        | Action::PrevSource
        | Action::NextBase
        | Action::CompareVersions => return compare_action(state, a),
        Action::ReplayNext
        | Action::ReplayPrev
        | Action::Play
        | Action::Faster
        | Action::Slower
        | Action::ClauseHistory => return history_action(state, a),
        Action::Outline
        | Action::Clause
        | Action::Compare
        | Action::Tiers
        | Action::Annexes
        | Action::History
        | Action::Amend
        | Action::Dashboard
        | Action::NextScreen
        | Action::PrevScreen
        | Action::Up
        | Action::Down
        | Action::PageUp
        | Action::PageDown
        | Action::Top
        | Action::Bottom
        | Action::Collapse
        | Action::Expand
        | Action::Open
        | Action::Search
        | Action::Goto => return navigate(state, a),
    }
    Vec::new()
}

/// Moving between screens and through the outline, lists and prompts.
fn navigate(state: &mut State, a: Action) -> Vec<Effect> {
    match a {
        Action::Outline => return go(state, Screen::Outline),
        Action::Clause => return go(state, Screen::Clause),
        Action::Compare => return go(state, Screen::Compare),
        Action::Tiers => return go(state, Screen::Tiers),
        Action::Annexes => return go(state, Screen::Annexes),
        Action::History => return go(state, Screen::History),
        Action::Amend => return go(state, Screen::Amend),
        Action::Dashboard => return go(state, Screen::Dashboard),
        Action::NextScreen | Action::PrevScreen => {
            let d = if a == Action::NextScreen { 1 } else { -1 };
            let s = cycle(&Screen::ALL, &state.screen, d);
            return go(state, s);
        }
        Action::Up
        | Action::Down
        | Action::PageUp
        | Action::PageDown
        | Action::Top
        | Action::Bottom => {
            let page = state.size.1.saturating_sub(6).max(1) as isize;
            // On History the page keys scroll the replay (or clause) pane: a step may
            // change more clauses than fit; the arrows still move through the amendments.
            if state.screen == Screen::History
                && matches!(a, Action::PageUp | Action::PageDown)
                && (state.history.frame.is_some() || state.history.clause.is_some())
            {
                let lines = if a == Action::PageUp { -page } else { page };
                scroll_by(&mut state.history.pane_scroll, lines as i32);
                return Vec::new();
            }
            let delta = match a {
                Action::Up => -1,
                Action::Down => 1,
                Action::PageUp => -page,
                Action::PageDown => page,
                Action::Top => isize::MIN / 2,
                _ => isize::MAX / 2,
            };
            return move_selection(state, delta);
        }
        Action::Collapse | Action::Expand => return fold(state, a),
        Action::Open => return open(state),
        Action::Search => state.prompt = Some(Prompt::Search(String::new())),
        Action::Goto => state.prompt = Some(Prompt::Goto(String::new())),
        _ => {}
    }
    Vec::new()
}

/// Collapse or Expand: folds the outline; on Clause and History, steps back and forth.
fn fold(state: &mut State, a: Action) -> Vec<Effect> {
    match state.screen {
        Screen::Outline => {
            let draft = &state.data.draft;
            if a == Action::Collapse {
                if draft.children(state.selected).next().is_some()
                    && !state.collapsed.contains(&state.selected)
                {
                    state.collapsed.insert(state.selected);
                } else if let Some(p) = draft.clauses[state.selected].parent {
                    state.selected = p;
                    state.collapsed.insert(p);
                }
            } else {
                state.collapsed.remove(&state.selected);
            }
        }
        Screen::Clause => {
            return action(
                state,
                if a == Action::Collapse {
                    Action::PrevAlternative
                } else {
                    Action::NextAlternative
                },
            );
        }
        Screen::History => {
            return action(
                state,
                if a == Action::Collapse {
                    Action::ReplayPrev
                } else {
                    Action::ReplayNext
                },
            );
        }
        _ => {}
    }
    Vec::new()
}

/// Open: runs the prompt, or opens what is selected (a clause, an annex's text, a step
/// of the history, a delegation's row of the matrix).
fn open(state: &mut State) -> Vec<Effect> {
    if let Some(p) = state.prompt.take() {
        run_prompt(state, p);
        if state.screen == Screen::History {
            let rows = state.history_rows().len();
            state.history.selected = rows.saturating_sub(1);
            return clause_history_request(state);
        }
        return Vec::new();
    }
    match state.screen {
        Screen::Outline if !state.data.draft.clauses[state.selected].kind.has_text() => {
            super::screens::article::open(state);
        }
        Screen::Outline => return go(state, Screen::Clause),
        Screen::Annexes => {
            if let Some(i) = selected_annex_clause(state) {
                state.selected = i;
                return go(state, Screen::Clause);
            }
        }
        Screen::History => {
            let rows = state.history_rows();
            if let Some(&step) = rows.get(state.history.selected.min(rows.len().saturating_sub(1)))
            {
                // From a clause's versions back to the whole timeline, at that step.
                state.history.only_clause = false;
                return request_replay(state, step);
            }
        }
        Screen::Compare if state.compare.mode == CompareMode::Matrix => {
            state.compare.mode = CompareMode::Inline;
            if let Some(row) = state.compare.matrix.get(state.compare.row) {
                state.compare.right = Version::Position(row.delegation.clone());
                state.compare.left = Version::Draft;
                let effects = request_compare(state);
                state.compare.focus = state.selected_id();
                return effects;
            }
        }
        _ => {}
    }
    Vec::new()
}

/// The Clause screen: choice points, alternatives, and settling brackets and options.
fn clause_action(state: &mut State, a: Action) -> Vec<Effect> {
    match a {
        Action::CleanText => state.clause.clean = !state.clause.clean,
        Action::NextPoint | Action::PrevPoint => {
            let n = state.choice_points().len();
            if n > 0 {
                let d = if a == Action::NextPoint { 1 } else { -1 };
                state.clause.point =
                    (state.clause.point as isize + d).rem_euclid(n as isize) as usize;
            }
        }
        Action::NextAlternative | Action::PrevAlternative => {
            let points = state.choice_points();
            if let Some(p) = points.get(state.clause.point) {
                let n = p.labels.len().max(1) as isize;
                let d = if a == Action::NextAlternative { 1 } else { -1 };
                let cur = state
                    .clause
                    .picks
                    .get(&state.clause.point)
                    .copied()
                    .unwrap_or(0) as isize;
                state
                    .clause
                    .picks
                    .insert(state.clause.point, (cur + d).rem_euclid(n) as usize);
            }
        }
        Action::Lift | Action::Choose => {
            let Some(id) = state.selected_id() else {
                state.message =
                    Some((true, "this clause has no id: run `treaty fmt` first".into()));
                return Vec::new();
            };
            let points = state.choice_points();
            let Some(p) = points.get(state.clause.point) else {
                state.message = Some((
                    true,
                    "this clause has no brackets or options to settle".into(),
                ));
                return Vec::new();
            };
            let point = state.clause.point;
            let shown = state.data.draft.clauses[state.selected].text.clone();
            let base = state.data.head.map(|h| Base::shown(h, shown));
            let pending = if a == Action::Lift {
                Pending {
                    change: Change::LiftBrackets {
                        clause: id.clone(),
                        group: Some(point),
                    },
                    question: format!("Lift the brackets of group {} in {id}?", point + 1),
                    base,
                }
            } else {
                let option = state.clause.picks.get(&point).copied().unwrap_or(0);
                let label = p.labels.get(option).cloned().unwrap_or_default();
                Pending {
                    change: Change::ChooseOption {
                        clause: id.clone(),
                        point,
                        option,
                    },
                    question: format!("Keep \"{label}\" in {id} and drop the other alternatives?"),
                    base,
                }
            };
            let key = state
                .keymap
                .label(Action::Confirm)
                .unwrap_or_else(|| "confirm".into());
            state.message = Some((
                false,
                format!(
                    "{} Press {key} to record it, Esc to cancel.",
                    pending.question
                ),
            ));
            state.pending = Some(pending);
        }
        Action::Confirm => {
            if let Some(p) = state.pending.take() {
                state.message = Some((false, "recording…".into()));
                return vec![Effect::Commit(Amending {
                    change: p.change,
                    proposers: state.proposers.clone(),
                    summary: None,
                    base: p.base,
                })];
            }
        }
        _ => {}
    }
    Vec::new()
}

/// The Amend screen's queue of proposals: select one, and (the chair) land it.
fn queue_action(state: &mut State, a: Action) -> Vec<Effect> {
    let order = state.queue_order();
    if order.is_empty() {
        state.message = Some((false, "no proposals before the chair".into()));
        return Vec::new();
    }
    let at = state.queue_selected.min(order.len() - 1);
    match a {
        Action::NextPoint => state.queue_selected = (at + 1) % order.len(),
        Action::PrevPoint => state.queue_selected = (at + order.len() - 1) % order.len(),
        _ => {
            let entry = &state.data.proposals[order[at]];
            if state.data.role != Role::Chair {
                state.message = Some((
                    true,
                    "only the chair lands proposals (delegations vote: `treaty vote ID yes|no|abstain`)".into(),
                ));
                return Vec::new();
            }
            if entry.status != ProposalStatus::Pending {
                state.message = Some((
                    true,
                    format!(
                        "{} is stale: {}; it cannot land as it stands",
                        entry.proposal.id,
                        entry.stale_why.as_deref().unwrap_or_default()
                    ),
                ));
                return Vec::new();
            }
            state.message = Some((false, format!("landing {}…", entry.proposal.id)));
            return vec![Effect::Land {
                id: entry.proposal.id.clone(),
            }];
        }
    }
    Vec::new()
}

/// The Amend screen: the inline or external editor and recording its text.
fn amend_action(state: &mut State, a: Action) -> Vec<Effect> {
    match a {
        Action::EditInline | Action::EditExternal => {
            let c = &state.data.draft.clauses[state.selected];
            let Some(id) = c.id.clone() else {
                state.message =
                    Some((true, "this clause has no id: run `treaty fmt` first".into()));
                return Vec::new();
            };
            if !c.kind.has_text() {
                state.message = Some((
                    true,
                    "headings have no text to amend; select a paragraph".into(),
                ));
                return Vec::new();
            }
            if state.editor.as_ref().is_none_or(|e| e.clause != id) {
                state.editor = Some(Editor {
                    clause: id,
                    original: c.text.clone(),
                    text: c.text.clone(),
                    cursor: c.text.len(),
                    proposers: state.proposers.join(", "),
                    summary: String::new(),
                    field: Field::Text,
                    base: state.data.head.map(|h| Base::shown(h, c.text.clone())),
                });
            }
            state.screen = Screen::Amend;
            if a == Action::EditExternal {
                let text = state
                    .editor
                    .as_ref()
                    .map(|e| e.text.clone())
                    .unwrap_or_default();
                return vec![Effect::ExternalEditor { text }];
            }
        }
        Action::Commit => {
            if let Some(ed) = &state.editor {
                if ed.text == ed.original {
                    state.message = Some((
                        true,
                        "nothing changed: edit the text first, or Esc to leave".into(),
                    ));
                    return Vec::new();
                }
                let proposers: Vec<String> = ed
                    .proposers
                    .split(',')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect();
                if proposers.is_empty() {
                    state.message = Some((true, "name at least one proposing delegation (Ctrl-t switches to the proposers field)".into()));
                    return Vec::new();
                }
                state.message = Some((false, "recording…".into()));
                return vec![Effect::Commit(Amending {
                    change: Change::Replace {
                        clause: ed.clause.clone(),
                        text: ed.text.clone(),
                    },
                    proposers,
                    summary: Some(ed.summary.trim().to_string()).filter(|s| !s.is_empty()),
                    base: ed.base.clone(),
                })];
            }
        }
        Action::SwitchField => {
            if let Some(ed) = state.editor.as_mut() {
                ed.field = match ed.field {
                    Field::Text => Field::Proposers,
                    Field::Proposers => Field::Summary,
                    Field::Summary => Field::Text,
                };
            }
        }
        _ => {}
    }
    Vec::new()
}

/// The three-way view of a refused amendment: record yours on top of theirs, or both as
/// attributed alternatives, each against the text as it stands now.
fn conflict_action(state: &mut State, a: Action) -> Vec<Effect> {
    let Some(view) = &state.conflict else {
        state.message = Some((
            false,
            "no amendment was refused: there is nothing to re-apply or keep".into(),
        ));
        return Vec::new();
    };
    let c = &view.conflict;
    let text = if a == Action::Reapply {
        view.reapplied().map(|(t, _)| t)
    } else {
        view.both()
    };
    let Some(text) = text else {
        state.message = Some((
            true,
            if c.theirs.is_none() {
                format!("{} was deleted since: there is no text to amend", c.clause)
            } else {
                "the two wordings cannot be stacked as bracketed alternatives (their brackets do not balance): edit yours, or Esc".into()
            },
        ));
        return Vec::new();
    };
    let summary = match (&view.write.summary, a) {
        (Some(s), _) => Some(s.clone()),
        (None, Action::KeepBoth) => Some(format!(
            "Keep both wordings of {} as bracketed alternatives",
            c.clause
        )),
        (None, _) => None,
    };
    let write = Amending {
        change: Change::Replace {
            clause: c.clause.clone(),
            text,
        },
        proposers: view.write.proposers.clone(),
        summary,
        base: Some(Base::at(c.head)),
    };
    state.message = Some((false, "recording…".into()));
    vec![Effect::Commit(write)]
}

/// The Compare screen: what is compared with what, and how it is shown.
fn compare_action(state: &mut State, a: Action) -> Vec<Effect> {
    match a {
        Action::CompareMode => {
            state.compare.mode = match state.compare.mode {
                CompareMode::Inline => CompareMode::SideBySide,
                CompareMode::SideBySide => CompareMode::Matrix,
                CompareMode::Matrix => CompareMode::Inline,
            };
            state.compare.row = 0;
            return matrix_request(state);
        }
        Action::NextSource | Action::PrevSource | Action::NextBase => {
            let srcs = compare::sources(&state.data);
            match a {
                // One side never becomes the other: no "r4 → r4".
                Action::NextSource | Action::PrevSource => {
                    let step = if a == Action::NextSource { 1 } else { -1 };
                    let others: Vec<Version> = (srcs.iter())
                        .filter(|v| **v != state.compare.left || **v == state.compare.right)
                        .cloned()
                        .collect();
                    state.compare.right = cycle(&others, &state.compare.right, step);
                }
                _ => {
                    let others: Vec<Version> = (srcs.iter())
                        .filter(|v| **v != state.compare.right || **v == state.compare.left)
                        .cloned()
                        .collect();
                    state.compare.left = cycle(&others, &state.compare.left, 1);
                }
            }
            state.screen = Screen::Compare;
            if state.compare.mode == CompareMode::Matrix {
                state.compare.mode = CompareMode::Inline;
            }
            return request_compare(state);
        }
        Action::CompareVersions => return compare_versions(state),
        _ => {}
    }
    Vec::new()
}

/// The History screen: replaying the amendments and a clause's versions.
fn history_action(state: &mut State, a: Action) -> Vec<Effect> {
    match a {
        Action::ReplayNext | Action::ReplayPrev => {
            let n = state.data.history.len();
            if n == 0 {
                state.message = Some((
                    true,
                    "no amendment history to replay (not a git record)".into(),
                ));
                return Vec::new();
            }
            state.screen = Screen::History;
            let d = if a == Action::ReplayNext { 1 } else { -1 };
            let step = match state.history.step {
                None if d > 0 => 0,
                None => n - 1,
                Some(s) => step_index(s, d, n),
            };
            return request_replay(state, step);
        }
        Action::Play => {
            state.history.playing = !state.history.playing;
            if state.history.playing && state.history.step.is_none() {
                return request_replay(state, 0);
            }
        }
        Action::Faster => state.history.speed_ms = (state.history.speed_ms / 2).max(100),
        Action::Slower => state.history.speed_ms = (state.history.speed_ms * 2).min(6400),
        Action::ClauseHistory => {
            state.history.only_clause = !state.history.only_clause;
            state.screen = Screen::History;
            state.history.selected = state.history_rows().len().saturating_sub(1);
            return clause_history_request(state);
        }
        _ => {}
    }
    Vec::new()
}

/// On Annexes: the selected annex at the first round against the draft now (other sources
/// then cycle as usual). On History: the selected amendment, before and after. Elsewhere:
/// compare only the selected clause, or everything again.
fn compare_versions(state: &mut State) -> Vec<Effect> {
    if state.screen == Screen::History {
        let rows = state.history_rows();
        let sel = state.history.selected.min(rows.len().saturating_sub(1));
        let Some(entry) = rows.get(sel).and_then(|i| state.data.history.get(*i)) else {
            state.message = Some((true, "no amendment selected".into()));
            return Vec::new();
        };
        state.compare.left = match entry.parent {
            Some(p) => Version::Commit(p.to_string()),
            None => Version::Draft,
        };
        state.compare.right = Version::Commit(entry.oid.to_string());
        state.compare.only = None;
    } else if state.screen == Screen::Annexes {
        let Some(i) = selected_annex_clause(state) else {
            state.message = Some((
                true,
                "this annex proposal has no text in the draft yet".into(),
            ));
            return Vec::new();
        };
        let srcs = compare::sources(&state.data);
        let first_round = srcs
            .iter()
            .find(|s| matches!(s, Version::Round(_)))
            .cloned();
        let (left, right) = match first_round {
            Some(r) => (r, Version::Draft),
            None => (
                Version::Draft,
                srcs.get(1).cloned().unwrap_or(Version::Draft),
            ),
        };
        state.selected = i;
        state.compare.left = left;
        state.compare.right = right;
        state.compare.only = state.data.draft.clauses[i].id.clone();
    } else {
        state.compare.only = match state.compare.only {
            Some(_) => None,
            None => state.selected_id(),
        };
    }
    state.compare.mode = CompareMode::Inline;
    state.screen = Screen::Compare;
    state.help = false;
    let mut out = request_compare(state);
    out.extend(matrix_request(state));
    out
}

pub(super) fn move_selection(state: &mut State, delta: isize) -> Vec<Effect> {
    match state.screen {
        Screen::Outline => {
            let rows = state.outline_rows();
            let at = rows.iter().position(|r| *r == state.selected).unwrap_or(0);
            state.selected = rows[step_index(at, delta, rows.len())];
            state.clause = ClauseView::default();
        }
        Screen::Clause | Screen::Amend => {
            state.clause.scroll = (state.clause.scroll as isize + delta).clamp(0, 1000) as u16;
        }
        Screen::Compare => {
            let len = match state.compare.mode {
                CompareMode::Matrix => state.compare.matrix.len(),
                _ => state
                    .compare
                    .result
                    .as_ref()
                    .and_then(|r| r.as_ref().ok())
                    .map_or(0, Vec::len),
            };
            state.compare.row = step_index(state.compare.row, delta, len);
            state.compare.cell_scroll = 0;
        }
        Screen::Tiers => {
            let n = state.data.tiers.as_ref().map_or(0, |t| t.parties.len());
            state.tiers.party = step_index(state.tiers.party, delta, n);
            state.tiers.what_if = None;
        }
        Screen::Annexes => {
            let n = state.data.annexes.as_ref().map_or(0, |a| a.annexes.len());
            state.annexes.selected = step_index(state.annexes.selected, delta, n);
            state.annexes.text_scroll = 0;
        }
        Screen::History => {
            let n = state.history_rows().len();
            state.history.selected = step_index(state.history.selected, delta, n);
            state.history.pane_scroll = 0;
        }
        Screen::Dashboard => {
            scroll_by(&mut state.dashboard.scroll, delta.clamp(-2000, 2000) as i32)
        }
    }
    Vec::new()
}

fn selected_annex_clause(state: &State) -> Option<usize> {
    let reg = state.data.annexes.as_ref()?;
    let a = reg.annexes.get(state.annexes.selected)?;
    state.data.draft.index_of(&a.annex)
}

fn run_prompt(state: &mut State, p: Prompt) {
    let draft = &state.data.draft;
    match p {
        Prompt::Goto(id) => {
            let id = id.trim();
            match draft.index_of(id) {
                Some(i) => {
                    state.selected = i;
                    for a in draft.ancestors(i) {
                        state.collapsed.remove(&a);
                    }
                    state.clause = ClauseView::default();
                }
                None => {
                    let hint = crate::suggest::did_you_mean(draft.suggest(id));
                    state.message = Some((true, format!("no clause {id}{hint}")));
                }
            }
        }
        Prompt::Search(q) => {
            let q = q.to_lowercase();
            if q.is_empty() {
                return;
            }
            let n = draft.clauses.len();
            let found = (1..=n).map(|k| (state.selected + k) % n).find(|&i| {
                let c = &draft.clauses[i];
                c.text.to_lowercase().contains(&q)
                    || c.title
                        .as_deref()
                        .is_some_and(|t| t.to_lowercase().contains(&q))
                    || c.id
                        .as_deref()
                        .is_some_and(|t| t.to_lowercase().contains(&q))
            });
            match found {
                Some(i) => {
                    state.selected = i;
                    for a in draft.ancestors(i) {
                        state.collapsed.remove(&a);
                    }
                    state.clause = ClauseView::default();
                    state.message = Some((false, format!("found in {}", draft.reference(i))));
                }
                None => state.message = Some((true, format!("no clause contains \"{q}\""))),
            }
        }
    }
}

pub(super) fn edit_string(s: &mut String, cursor: &mut usize, e: EditKey) {
    *cursor = (*cursor).min(s.len());
    match e {
        EditKey::Insert(c) => {
            s.insert(*cursor, c);
            *cursor += c.len_utf8();
        }
        EditKey::Newline => {
            s.insert(*cursor, '\n');
            *cursor += 1;
        }
        EditKey::Backspace => {
            if let Some(c) = s[..*cursor].chars().next_back() {
                *cursor -= c.len_utf8();
                s.remove(*cursor);
            }
        }
        EditKey::Delete => {
            if *cursor < s.len() {
                s.remove(*cursor);
            }
        }
        EditKey::Left => {
            if let Some(c) = s[..*cursor].chars().next_back() {
                *cursor -= c.len_utf8();
            }
        }
        EditKey::Right => {
            if let Some(c) = s[*cursor..].chars().next() {
                *cursor += c.len_utf8();
            }
        }
        EditKey::Home => *cursor = s[..*cursor].rfind('\n').map_or(0, |i| i + 1),
        EditKey::End => *cursor += s[*cursor..].find('\n').unwrap_or(s.len() - *cursor),
    }
}

fn edit(state: &mut State, e: EditKey) {
    if let Some(p) = state.prompt.as_mut() {
        let (Prompt::Search(s) | Prompt::Goto(s)) = p;
        let mut cursor = s.len();
        if matches!(e, EditKey::Newline) {
            return;
        }
        edit_string(s, &mut cursor, e);
        return;
    }
    if let Some(ed) = state.editor.as_mut() {
        match ed.field {
            Field::Text => edit_string(&mut ed.text, &mut ed.cursor, e),
            Field::Proposers | Field::Summary => {
                let line = if ed.field == Field::Summary {
                    &mut ed.summary
                } else {
                    &mut ed.proposers
                };
                if !matches!(e, EditKey::Newline) {
                    let mut cursor = line.len();
                    edit_string(line, &mut cursor, e);
                }
            }
        }
    }
}

fn job_done(state: &mut State, resp: Response) {
    match resp {
        Response::Compare {
            left,
            right,
            only,
            result,
        } => {
            // Newest request wins: an answer for sources no longer selected is dropped.
            if left == state.compare.left
                && right == state.compare.right
                && only == state.compare.only
            {
                if let (Some(id), Ok(diffs)) = (state.compare.focus.take(), &result) {
                    state.compare.row = diffs.iter().position(|d| d.id == id).unwrap_or(0);
                }
                state.compare.result = Some(result);
            }
        }
        Response::Replay { step, result } => {
            if state.history.step == Some(step) {
                state.history.frame = Some(result);
            }
        }
        Response::Burndown(b) => state.history.burndown = Some(b),
        Response::Dashboard(d) => super::screens::dashboard::landed(state, d),
        Response::Matrix { clause, rows } => {
            if state.selected_id().as_deref() == Some(clause.as_str()) {
                state.compare.row = state.compare.row.min(rows.len().saturating_sub(1));
                state.compare.matrix = rows;
                state.compare.matrix_for = Some(clause);
            }
        }
        // Handled in `update`, which runs the keys that waited for it.
        Response::Loaded(_) => {}
        Response::ClauseHistory { clause, result } => {
            if state.selected_id().as_deref() == Some(clause.as_str()) {
                state.history.clause = Some((clause, result));
                if state.history.only_clause {
                    state.history.selected = state.history_rows().len().saturating_sub(1);
                }
            }
        }
    }
}

fn tick(state: &mut State, now: u64) -> Vec<Effect> {
    if state
        .notice
        .as_ref()
        .is_some_and(|(at, _)| now.saturating_sub(*at) > NOTICE_MS)
    {
        state.notice = None;
    }
    if state.screen == Screen::Dashboard && state.data.complete {
        return super::screens::dashboard::tick(state, now);
    }
    if !state.history.playing {
        return Vec::new();
    }
    if now.saturating_sub(state.history.last_step_at) < state.history.speed_ms {
        return Vec::new();
    }
    state.history.last_step_at = now;
    let n = state.data.history.len();
    match state.history.step {
        Some(s) if s + 1 < n => request_replay(state, s + 1),
        _ => {
            state.history.playing = false;
            state.message = Some((false, "replay reached HEAD".into()));
            Vec::new()
        }
    }
}

/// Adds `lines` to a pane's scroll.
fn scroll_by(at: &mut u16, lines: i32) {
    *at = (i32::from(*at) + lines).clamp(0, 2000) as u16;
}

fn inside(r: ratatui::layout::Rect, column: u16, row: u16) -> bool {
    column >= r.x && column < r.right() && row >= r.y && row < r.bottom()
}

/// The wheel scrolls the pane under the pointer: a text pane scrolls its text, a list
/// moves its selection (as the arrow keys do).
fn wheel(state: &mut State, column: u16, row: u16, lines: i32) -> Vec<Effect> {
    let area = ratatui::layout::Rect::new(0, 0, state.size.0, state.size.1);
    let body = super::screens::layout(area).body;
    if !state.help {
        match state.screen {
            Screen::History => {
                let (_, right, _) = super::screens::history::areas(body);
                if inside(right, column, row) {
                    scroll_by(&mut state.history.pane_scroll, lines);
                    return Vec::new();
                }
            }
            Screen::Annexes => {
                let (_, text) = super::screens::annexes::areas(state, body);
                if inside(text, column, row) {
                    scroll_by(&mut state.annexes.text_scroll, lines);
                    return Vec::new();
                }
            }
            Screen::Compare if state.compare.mode == CompareMode::Matrix => {
                let (_, cell) = super::screens::compare::matrix_areas(state, body);
                if inside(cell, column, row) {
                    scroll_by(&mut state.compare.cell_scroll, lines);
                    return Vec::new();
                }
            }
            _ => {}
        }
    }
    update(state, Msg::Scroll(lines))
}

/// Which row of a bordered list (first item at `first_row`, `offset` items scrolled
/// away) a click on `row` hits.
fn list_hit(list: ratatui::layout::Rect, first_row: u16, offset: usize, row: u16) -> Option<usize> {
    (row >= first_row && row < list.bottom().saturating_sub(1))
        .then(|| offset + (row - first_row) as usize)
}

fn click(state: &mut State, column: u16, row: u16) -> Vec<Effect> {
    let area = ratatui::layout::Rect::new(0, 0, state.size.0, state.size.1);
    let l = super::screens::layout(area);
    if row == l.tabs.y {
        // The tab bar reads " 1 Outline │ 2 Clause │ …": find the tab under the mouse.
        let mut x = 0u16;
        let cells = super::screens::tab_cells(state, state.size.0);
        for (cell, s) in cells.iter().zip(Screen::ALL) {
            let w = cell.chars().count() as u16;
            if column < x + w {
                return go(state, s);
            }
            x += w;
        }
        return Vec::new();
    }
    if state.help || !inside(l.body, column, row) {
        return Vec::new();
    }
    let body = l.body;
    // A click selects the row under it; a click on the selected row opens it.
    match state.screen {
        Screen::Outline => {
            let rows = state.outline_rows();
            let height = body.height.saturating_sub(2) as usize;
            let at = rows.iter().position(|r| *r == state.selected).unwrap_or(0);
            let offset = super::screens::scroll_offset(at, height, rows.len());
            if let Some(&i) = list_hit(body, body.y + 1, offset, row).and_then(|k| rows.get(k)) {
                if i == state.selected {
                    return go(state, Screen::Clause);
                }
                state.selected = i;
                state.clause = ClauseView::default();
            }
        }
        Screen::Compare if state.compare.mode == CompareMode::Matrix => {
            let (list, _) = super::screens::compare::matrix_areas(state, body);
            let n = state.compare.matrix.len();
            let offset = super::screens::scroll_offset(
                state.compare.row,
                list.height.saturating_sub(2) as usize,
                n,
            );
            if inside(list, column, row)
                && let Some(k) = list_hit(list, list.y + 1, offset, row).filter(|k| *k < n)
            {
                if k == state.compare.row {
                    return action(state, Action::Open);
                }
                state.compare.row = k;
                state.compare.cell_scroll = 0;
            }
        }
        Screen::Tiers => {
            let (list, _) = super::screens::tiers::areas(body);
            let n = state.data.tiers.as_ref().map_or(0, |t| t.parties.len());
            let offset = super::screens::scroll_offset(
                state.tiers.party,
                list.height.saturating_sub(3) as usize,
                n,
            );
            // Row 1 of the pane is the tier header.
            if inside(list, column, row)
                && let Some(k) = list_hit(list, list.y + 2, offset, row).filter(|k| *k < n)
            {
                state.tiers.party = k;
                state.tiers.what_if = None;
            }
        }
        Screen::Annexes => {
            let (list, _) = super::screens::annexes::areas(state, body);
            let n = state.data.annexes.as_ref().map_or(0, |a| a.annexes.len());
            if inside(list, column, row)
                && let Some(k) = list_hit(list, list.y + 1, 0, row).filter(|k| *k < n)
            {
                if k == state.annexes.selected {
                    return action(state, Action::Open);
                }
                state.annexes.selected = k;
                state.annexes.text_scroll = 0;
            }
        }
        Screen::History => {
            let (list, _, _) = super::screens::history::areas(body);
            let rows = state.history_rows();
            let sel = state.history.selected.min(rows.len().saturating_sub(1));
            let offset = super::screens::scroll_offset(
                sel,
                list.height.saturating_sub(2) as usize,
                rows.len(),
            );
            if inside(list, column, row)
                && let Some(k) = list_hit(list, list.y + 1, offset, row).filter(|k| *k < rows.len())
            {
                if k == sel {
                    return action(state, Action::Open);
                }
                state.history.selected = k;
                state.history.pane_scroll = 0;
            }
        }
        _ => {}
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editing_moves_by_characters_not_bytes() {
        let mut s = "Parties é".to_string();
        let mut c = s.len();
        edit_string(&mut s, &mut c, EditKey::Backspace);
        assert_eq!(s, "Parties ");
        edit_string(&mut s, &mut c, EditKey::Insert('ü'));
        edit_string(&mut s, &mut c, EditKey::Left);
        edit_string(&mut s, &mut c, EditKey::Insert('x'));
        assert_eq!(s, "Parties xü");
        edit_string(&mut s, &mut c, EditKey::Home);
        assert_eq!(c, 0);
        edit_string(&mut s, &mut c, EditKey::End);
        assert_eq!(c, s.len());
    }

    #[test]
    fn cycling_wraps_both_ways() {
        assert_eq!(cycle(&[1, 2, 3], &3, 1), 1);
        assert_eq!(cycle(&[1, 2, 3], &1, -1), 3);
        assert_eq!(step_index(0, -5, 4), 0);
        assert_eq!(step_index(2, 5, 4), 3);
    }
}
