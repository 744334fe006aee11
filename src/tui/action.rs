//! Every key does a named, documented action. The help screen and the hint bar are
//! generated from this list and the live key map, so they never drift.

macro_rules! actions {
    ($( $(#[$meta:meta])* $variant:ident => $name:literal, $doc:literal; )*) => {
        /// A user-level action, bound to keys in a key map by its name.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Action {
            $( $(#[$meta])* #[doc = $doc] $variant, )*
        }

        impl Action {
            /// Every action, in help order.
            pub const ALL: &'static [Action] = &[$(Action::$variant,)*];

            /// The name used in key-map files and the help screen.
            pub fn name(self) -> &'static str {
                match self { $(Action::$variant => $name,)* }
            }

            /// What the action does, for the help screen.
            pub fn doc(self) -> &'static str {
                match self { $(Action::$variant => $doc,)* }
            }
        }
    };
}

actions! {
    Quit => "quit", "Quit the workbench (Ctrl-C always quits too)";
    Help => "help", "Show or hide this help";
    Up => "up", "Move the selection up";
    Down => "down", "Move the selection down";
    PageUp => "page_up", "Move up one page (History: scroll the replay up)";
    PageDown => "page_down", "Move down one page (History: scroll the replay down)";
    Top => "top", "Go to the first item";
    Bottom => "bottom", "Go to the last item";
    Collapse => "collapse", "Outline: fold the selected part or article; side by side: scroll left pane";
    Expand => "expand", "Outline: unfold the selected part or article";
    Open => "open", "Open the selected item (clause, cell, annex, amendment; a heading: its whole article)";
    ReadArticle => "read_article", "Read the whole article of the selected clause or amendment (Esc closes)";
    Back => "back", "Go back, or cancel the prompt or editor";
    Outline => "outline", "Screen 1: the outline of the treaty";
    Clause => "clause", "Screen 2: the selected clause's bracketed text";
    Compare => "compare", "Screen 3: compare two sources clause by clause";
    Tiers => "tiers", "Screen 4: Parties and tiers";
    Annexes => "annexes", "Screen 5: annex proposals";
    History => "history", "Screen 6: amendment history and replay";
    Amend => "amend", "Screen 7: amend the selected clause";
    Dashboard => "dashboard", "Screen 8: the instructor's dashboard of a moot exercise (refreshes from the remote by itself)";
    NextScreen => "next_screen", "Go to the next screen";
    PrevScreen => "prev_screen", "Go to the previous screen";
    Restructure => "restructure", "Outline: i/I insert, m move, d delete, n renumber the selected article, annex, part or chapter; c/a a chapter/article into a part (a menu; one amendment each)";
    Search => "search", "Search clause text (Enter jumps to the next match)";
    Goto => "goto", "Jump to a clause by id";
    CleanText => "clean_text", "Clause: toggle clean text (brackets resolved as previewed)";
    NextPoint => "next_point", "Clause: select the next bracket group or option set";
    PrevPoint => "prev_point", "Clause: select the previous bracket group or option set";
    NextAlternative => "next_alternative", "Clause: preview the next alternative of the selected group";
    PrevAlternative => "prev_alternative", "Clause: preview the previous alternative of the selected group";
    Lift => "lift", "Clause: propose lifting the selected bracket (confirm to commit)";
    Choose => "choose", "Clause: propose the previewed alternative (confirm to commit)";
    Confirm => "confirm", "Confirm the pending amendment";
    EditInline => "edit_inline", "Amend the selected clause in the inline editor";
    EditExternal => "edit_external", "Amend the selected clause in $EDITOR";
    Commit => "commit", "Amend: record the edited clause as an amendment";
    SwitchField => "switch_field", "Amend: switch between the text and the proposers field";
    Reapply => "reapply", "Amend, when a clause was amended since you began: record yours on top of theirs";
    KeepBoth => "keep_both", "Amend, when a clause was amended since you began: keep both wordings as attributed bracketed alternatives";
    Land => "land", "Amend: land the selected proposal of the queue (the chair; ] and [ select)";
    CompareMode => "compare_mode", "Compare: inline, side by side, or matrix";
    NextSource => "next_source", "Compare: compare against the next source";
    PrevSource => "prev_source", "Compare: compare against the previous source";
    NextBase => "next_base", "Compare: change the base (left) source";
    CompareVersions => "compare_versions", "Annexes: compare the selected annex's versions; History: the selected amendment, before and after; Compare: only the selected clause, or all again";
    WhatIf => "what_if", "Tiers: preview moving the selected Party to another tier";
    ReplayNext => "replay_next", "History: step the replay forward one amendment";
    ReplayPrev => "replay_prev", "History: step the replay back one amendment";
    Play => "play", "History: start or stop auto-play";
    Faster => "faster", "History: auto-play faster";
    Slower => "slower", "History: auto-play slower";
    ClauseHistory => "clause_history", "History: the selected clause's versions and blame";
    Reload => "reload", "Reload the negotiation from disk and git";
}

impl Action {
    pub fn from_name(name: &str) -> Option<Action> {
        Action::ALL.iter().copied().find(|a| a.name() == name)
    }

    /// Moves the cursor through the list on screen, or folds and unfolds it.
    pub fn moves_the_cursor(self) -> bool {
        matches!(
            self,
            Action::Up
                | Action::Down
                | Action::PageUp
                | Action::PageDown
                | Action::Top
                | Action::Bottom
                | Action::Collapse
                | Action::Expand
        )
    }

    /// Goes to another screen.
    pub fn switches_screen(self) -> bool {
        matches!(
            self,
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
        )
    }

    /// Actions still reachable while text is typed (search, editor): everything else is
    /// typed as text.
    pub fn works_while_typing(self) -> bool {
        matches!(
            self,
            Action::Back | Action::Commit | Action::SwitchField | Action::Open
        )
    }
}
