//! Structural amendments from the workbench's Outline: an article inserted after another,
//! moved into another part, deleted and renumbered, each recorded as one amendment of its
//! kind through the one record path, against the HEAD the user began from; bad requests
//! refused with a message and nothing written. In process on the fixed record, and once
//! under tmux with the real binary.

use std::path::Path;
use std::sync::Arc;

use insta::assert_snapshot;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use treaty_workbench::tui::action::Action;
use treaty_workbench::tui::amending;
use treaty_workbench::tui::app::{self, EditKey, Effect, Msg, State, update};
use treaty_workbench::tui::data::Data;
use treaty_workbench::tui::keymap::Keymap;
use treaty_workbench::tui::restructure::Stage;
use treaty_workbench::tui::screens;
use treaty_workbench::tui::theme::Styles;

use crate::support::{stderr, treaty};
use crate::tui_tmux::Tmux;

const PART_I_END: &str = "- [Article 4. General principles](articles/principles.md)\n";
const MARTENS: &str =
    "- [Article 23. Human dignity where this Convention is silent](articles/martens.md)\n";

use super::tui::{act, goto, typed, update_all as drive};
use crate::support::{fixture_record as record, git_in as git};

fn head(root: &Path) -> String {
    git(root, &["rev-parse", "HEAD"]).trim().to_string()
}

/// The last commit's trailers, as git reads them.
fn trailers(root: &Path) -> String {
    let msg = git(root, &["log", "-1", "--format=%B"]);
    let file = root.parent().unwrap().join("msg.txt");
    std::fs::write(&file, msg).unwrap();
    git(
        root,
        &["interpret-trailers", "--parse", file.to_str().unwrap()],
    )
}

fn subject(root: &Path) -> String {
    git(root, &["log", "-1", "--format=%s"]).trim().to_string()
}

fn read(root: &Path, path: &str) -> String {
    std::fs::read_to_string(root.join(path)).unwrap()
}

fn state(root: &Path) -> State {
    let mut s = State::new(
        Arc::new(Data::load(root).unwrap()),
        Styles::default(),
        Keymap::default(),
    );
    s.size = (80, 24);
    s
}

/// Records what the state asked for, as the event loop does, and reads the record back
/// when the state asks for it: what the workbench shows next.
fn carry_out(root: &Path, s: &mut State, effects: Vec<Effect>) {
    let [Effect::Commit(write)] = effects.as_slice() else {
        panic!("expected one amendment to record, got {effects:?}");
    };
    let result = amending::commit(root, write);
    for effect in update(s, app::committed(write.clone(), result)) {
        assert_eq!(effect, Effect::Reload);
        app::reloaded(s, Arc::new(Data::load(root).unwrap()));
    }
}

fn screen(s: &State) -> String {
    let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
    t.draw(|f| screens::draw(s, f)).unwrap();
    t.backend().to_string()
}

/// The selection moved, as the arrow keys move it, to clause `id`.
fn select_by_arrows(s: &mut State, id: &str) {
    for _ in 0..s.data.draft.clauses.len() {
        if s.selected_id().as_deref() == Some(id) {
            return;
        }
        let d = if s.data.draft.index_of(id).unwrap() < s.selected {
            Action::Up
        } else {
            Action::Down
        };
        drive(s, [act(d)]);
    }
    panic!("{id} not reached");
}

/// Part VII, "Transitional provisions", inserted after the last part from the Outline's
/// menu, as the form fills it; the cursor on it.
fn insert_part_vii(root: &Path, s: &mut State) {
    drive(s, goto("part-final"));
    drive(s, [act(Action::Restructure)]);
    drive(s, typed("iVII"));
    drive(s, [act(Action::NextScreen)]);
    drive(s, typed("Transitional provisions"));
    let effects = drive(s, [act(Action::Commit)]);
    carry_out(root, s, effects);
    assert_eq!(s.selected_id().as_deref(), Some("transitional-provisions"));
}

fn message(s: &State) -> &str {
    s.message.as_ref().map_or("", |m| m.1.as_str())
}

#[test]
fn outline_inserts_an_article_after_another_as_one_amendment() {
    let dir = tempfile::tempdir().unwrap();
    let root = record(dir.path());
    let mut s = state(&root);
    let before = head(&root);
    drive(&mut s, goto("scope"));
    drive(&mut s, [act(Action::Restructure)]);
    assert_snapshot!("restructure_menu", screen(&s));
    drive(&mut s, typed("i"));
    drive(&mut s, typed("3 bis"));
    drive(&mut s, [act(Action::SwitchField)]);
    drive(&mut s, typed("Use of terms"));
    // The proposers as the workbench acts, then a summary.
    drive(&mut s, [act(Action::SwitchField), act(Action::SwitchField)]);
    drive(&mut s, typed("Use of terms, as the chair proposes"));
    assert_snapshot!("restructure_insert_form", screen(&s));
    let effects = drive(&mut s, [Msg::EditKey(EditKey::Newline)]);
    carry_out(&root, &mut s, effects);

    assert_eq!(
        git(&root, &["rev-parse", "HEAD~1"]).trim(),
        before,
        "one commit"
    );
    assert!(s.restructure.is_none());
    assert!(message(&s).starts_with("recorded: "), "{}", message(&s));
    assert_eq!(subject(&root), "Use of terms, as the chair proposes");
    let t = trailers(&root);
    for line in [
        "Kind: insert-article",
        "Clause: use-terms",
        "Proposed-by: CHAIR",
    ] {
        assert!(t.contains(line), "{line}:\n{t}");
    }
    assert_eq!(
        read(&root, "drafts/articles/use-terms.md"),
        "### Article 3 bis. Use of terms {#use-terms}\n"
    );
    assert!(read(&root, "drafts/treaty.md").contains(
        "- [Article 3. Scope](articles/scope.md)\n- [Article 3 bis. Use of terms](articles/use-terms.md)\n"
    ));
    assert_eq!(git(&root, &["status", "--porcelain"]), "");
    // The outline shows it, the cursor on it.
    assert_eq!(s.selected_id().as_deref(), Some("use-terms"));
    assert!(screen(&s).contains("Article 3 bis. Use of terms"));
    let out = treaty(&root, &["check"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn outline_moves_an_article_into_another_part_and_the_cursor_follows_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = record(dir.path());
    let mut s = state(&root);
    // The workbench acts for the EU (`treaty tui --as EU`): the form proposes it so.
    s.proposers = vec!["EU".into()];
    drive(&mut s, goto("martens"));
    drive(&mut s, [act(Action::Restructure)]);
    drive(&mut s, typed("m"));
    assert_eq!(s.restructure.as_ref().unwrap().stage, Stage::Pick);
    assert!(screen(&s).contains("moving"), "{}", screen(&s));
    // Up to Part I with the arrows, and into it.
    select_by_arrows(&mut s, "part-general");
    drive(&mut s, typed("i"));
    let r = s.restructure.as_ref().unwrap();
    assert_eq!(
        r.question(&s),
        "Move Article 23. Human dignity where this Convention is silent to the end of Part I. General provisions"
    );
    let effects = drive(&mut s, [act(Action::Commit)]);
    carry_out(&root, &mut s, effects);

    let t = trailers(&root);
    assert!(t.contains("Kind: move-article"), "{t}");
    assert!(t.contains("Clause: martens"), "{t}");
    assert!(t.contains("Proposed-by: EU"), "{t}");
    let front = read(&root, "drafts/treaty.md");
    assert!(
        front.contains(&format!("{PART_I_END}{MARTENS}\n## Part II.")),
        "{front}"
    );
    assert_eq!(
        git(&root, &["show", "--name-only", "--format=", "HEAD"]).trim(),
        "drafts/treaty.md"
    );
    assert_eq!(s.selected_id().as_deref(), Some("martens"));
    let part = s.data.draft.index_of("part-general").unwrap();
    assert_eq!(s.data.draft.clause("martens").unwrap().parent, Some(part));
}

#[test]
fn outline_moves_an_annex_and_inserts_a_part() {
    let dir = tempfile::tempdir().unwrap();
    let root = record(dir.path());
    let mut s = state(&root);
    drive(&mut s, goto("annex-gpai"));
    drive(&mut s, [act(Action::Restructure)]);
    drive(&mut s, typed("m"));
    select_by_arrows(&mut s, "annex-biometric");
    drive(&mut s, typed("b"));
    let effects = drive(&mut s, [Msg::EditKey(EditKey::Newline)]);
    carry_out(&root, &mut s, effects);
    assert!(trailers(&root).contains("Kind: move-annex"));
    assert!(read(&root, "drafts/treaty.md").contains(
        "## Annexes {#annexes}\n\n- [Annex D. General-purpose artificial intelligence models](annexes/annex-gpai.md)\n- [Annex A. Biometric surveillance]"
    ));
    assert_eq!(s.selected_id().as_deref(), Some("annex-gpai"));

    insert_part_vii(&root, &mut s);
    assert!(trailers(&root).contains("Kind: insert-part"));
    assert!(read(&root, "drafts/treaty.md").contains(
        "(articles/depositary.md)\n\n## Part VII. Transitional provisions {#transitional-provisions}\n\n## Annexes"
    ));
    assert_eq!(s.selected_id().as_deref(), Some("transitional-provisions"));
    assert_eq!(git(&root, &["status", "--porcelain"]), "");
}

/// A part just inserted holds nothing, so no chapter or article can be placed after or
/// before one of its own: the menu on a part inserts a chapter or an article at its end,
/// the menu on a chapter an article, each as `treaty amend --into` does.
#[test]
fn outline_fills_an_empty_part_with_a_chapter_and_the_chapter_with_an_article() {
    let dir = tempfile::tempdir().unwrap();
    let root = record(dir.path());
    let mut s = state(&root);
    s.proposers = vec!["EU".into()];
    insert_part_vii(&root, &mut s);
    assert_eq!(s.selected_id().as_deref(), Some("transitional-provisions"));

    // On the new part: the menu offers a chapter and an article at its end.
    drive(&mut s, [act(Action::Restructure)]);
    assert_snapshot!("restructure_menu_on_a_part", screen(&s));
    drive(&mut s, typed("c1"));
    drive(&mut s, [act(Action::NextScreen)]);
    drive(&mut s, typed("Provisional application"));
    assert!(
        screen(&s).contains("Insert a new chapter at the end of Part VII. Transitional"),
        "{}",
        screen(&s)
    );
    let effects = drive(&mut s, [act(Action::Commit)]);
    carry_out(&root, &mut s, effects);
    let t = trailers(&root);
    assert!(t.contains("Kind: insert-chapter"), "{t}");
    assert!(t.contains("Proposed-by: EU"), "{t}");
    assert!(
        read(&root, "drafts/treaty.md").contains(
            "## Part VII. Transitional provisions {#transitional-provisions}\n\n\
             ### Chapter 1. Provisional application {#provisional-application}\n"
        ),
        "{}",
        read(&root, "drafts/treaty.md")
    );
    assert_eq!(s.selected_id().as_deref(), Some("provisional-application"));

    // On the new chapter: an article at its end, with its own file.
    drive(&mut s, [act(Action::Restructure)]);
    assert!(screen(&s).contains("insert a new article at the end of it"));
    assert!(!screen(&s).contains("insert a new chapter at the end of it"));
    drive(&mut s, typed("a31"));
    drive(&mut s, [act(Action::NextScreen)]);
    drive(&mut s, typed("Provisional application"));
    let effects = drive(&mut s, [act(Action::Commit)]);
    carry_out(&root, &mut s, effects);
    let t = trailers(&root);
    assert!(t.contains("Kind: insert-article"), "{t}");
    let front = read(&root, "drafts/treaty.md");
    let chapter = front
        .find("### Chapter 1. Provisional application")
        .unwrap();
    let article = front
        .find("- [Article 31. Provisional application](articles/")
        .expect("the article is listed in treaty.md");
    let annexes = front.find("## Annexes").unwrap();
    assert!(chapter < article && article < annexes, "{front}");
    let i = s.selected;
    assert_eq!(s.data.draft.clauses[i].label.as_deref(), Some("Article 31"));
    let parent = s.data.draft.clauses[i].parent.unwrap();
    assert_eq!(
        s.data.draft.clauses[parent].id.as_deref(),
        Some("provisional-application"),
        "the article sits in the new chapter"
    );
    assert_eq!(git(&root, &["status", "--porcelain"]), "");

    // On an article the menu has no such keys: `c` is not one of them.
    drive(&mut s, goto("martens"));
    drive(&mut s, [act(Action::Restructure)]);
    drive(&mut s, typed("c"));
    assert!(s.restructure.as_ref().unwrap().stage == Stage::Menu);
    assert!(
        message(&s).starts_with("i insert after  I insert before"),
        "{}",
        message(&s)
    );
}

#[test]
fn outline_deletes_an_article_and_renumbers_another() {
    let dir = tempfile::tempdir().unwrap();
    let root = record(dir.path());
    let mut s = state(&root);
    drive(&mut s, goto("depositary"));
    drive(&mut s, [act(Action::Restructure)]);
    drive(&mut s, typed("d"));
    assert!(
        screen(&s).contains("Delete Article 30. Depositary and authentic texts: its file goes")
    );
    let effects = drive(&mut s, [Msg::EditKey(EditKey::Newline)]);
    carry_out(&root, &mut s, effects);
    let t = trailers(&root);
    assert!(t.contains("Kind: delete-article"), "{t}");
    assert!(t.contains("Clause: depositary"), "{t}");
    assert!(!root.join("drafts/articles/depositary.md").exists());
    assert!(!read(&root, "drafts/treaty.md").contains("depositary"));
    assert!(read(&root, "drafts/retired-ids").contains("depositary\n"));
    assert_eq!(
        s.selected_id().as_deref(),
        Some("withdrawal"),
        "its neighbour"
    );

    // Renumbering starts from the number it has.
    drive(&mut s, goto("martens"));
    drive(&mut s, [act(Action::Restructure)]);
    drive(&mut s, typed("n"));
    assert!(screen(&s).contains("number:      23"), "{}", screen(&s));
    drive(
        &mut s,
        [
            Msg::EditKey(EditKey::Backspace),
            Msg::EditKey(EditKey::Backspace),
        ],
    );
    drive(&mut s, typed("22 bis"));
    let effects = drive(&mut s, [Msg::EditKey(EditKey::Newline)]);
    carry_out(&root, &mut s, effects);
    let t = trailers(&root);
    assert!(t.contains("Kind: renumber-article"), "{t}");
    assert!(read(&root, "drafts/articles/martens.md").starts_with(
        "### Article 22 bis. Human dignity where this Convention is silent {#martens}"
    ));
    assert!(read(&root, "drafts/treaty.md").contains(
        "- [Article 22 bis. Human dignity where this Convention is silent](articles/martens.md)"
    ));
    assert_eq!(s.selected_id().as_deref(), Some("martens"));
    assert_eq!(git(&root, &["status", "--porcelain"]), "");
}

#[test]
fn bad_requests_leave_head_as_it_was_and_say_why() {
    let dir = tempfile::tempdir().unwrap();
    let root = record(dir.path());
    let mut s = state(&root);
    let before = head(&root);

    // A number another article has: refused by the record path, the form stays open.
    drive(&mut s, goto("martens"));
    drive(&mut s, [act(Action::Restructure)]);
    drive(&mut s, typed("n"));
    drive(
        &mut s,
        [
            Msg::EditKey(EditKey::Backspace),
            Msg::EditKey(EditKey::Backspace),
        ],
    );
    drive(&mut s, typed("1"));
    let effects = drive(&mut s, [Msg::EditKey(EditKey::Newline)]);
    carry_out(&root, &mut s, effects);
    assert_eq!(
        message(&s),
        "`Article 1` is already objective's number: choose another, or renumber objective first"
    );
    assert!(s.restructure.is_some(), "the form stays open to correct");
    assert!(screen(&s).contains("is already objective's number"));
    drive(&mut s, [act(Action::Back)]);
    assert!(s.restructure.is_none());

    // A part moved after itself.
    drive(&mut s, goto("part-final"));
    drive(&mut s, [act(Action::Restructure)]);
    drive(&mut s, typed("ma"));
    let effects = drive(&mut s, [Msg::EditKey(EditKey::Newline)]);
    carry_out(&root, &mut s, effects);
    assert!(
        message(&s).starts_with("part-final cannot be placed relative to itself"),
        "{}",
        message(&s)
    );
    drive(&mut s, [act(Action::Back)]);

    // No number: nothing asked of the record at all.
    drive(&mut s, goto("scope"));
    drive(&mut s, [act(Action::Restructure)]);
    drive(&mut s, typed("I"));
    let effects = drive(&mut s, [Msg::EditKey(EditKey::Newline)]);
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(
        message(&s),
        "give the article's number (3 bis, IV): nothing recorded"
    );
    drive(&mut s, [act(Action::Back)]);

    // A paragraph is not a unit.
    drive(&mut s, goto("scope.1"));
    drive(&mut s, [act(Action::Restructure)]);
    assert!(s.restructure.is_none());
    assert_eq!(
        message(&s),
        "select the heading of an article, annex, part or chapter to restructure it"
    );

    assert_eq!(head(&root), before);
    assert_eq!(git(&root, &["status", "--porcelain"]), "");
}

#[test]
fn a_structure_amended_since_you_began_records_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let root = record(dir.path());
    let mut s = state(&root);
    drive(&mut s, goto("martens"));
    drive(&mut s, [act(Action::Restructure)]);
    drive(&mut s, typed("m"));
    select_by_arrows(&mut s, "disputes");
    // Meanwhile, in another shell, Article 1 goes to the end of Part VI.
    let out = treaty(
        &root,
        &[
            "amend",
            "--kind",
            "move-article",
            "--clause",
            "objective",
            "--into",
            "part-final",
            "--by",
            "CHAIR",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let theirs = head(&root);
    drive(&mut s, typed("a"));
    let effects = drive(&mut s, [Msg::EditKey(EditKey::Newline)]);
    carry_out(&root, &mut s, effects);
    assert_eq!(head(&root), theirs, "nothing recorded on top");
    assert_eq!(
        message(&s),
        "the treaty's structure was amended by CHAIR since you began: nothing was recorded; read the outline again (r) and restructure from there"
    );
}

#[test]
fn a_delegation_is_told_the_chair_restructures() {
    let dir = tempfile::tempdir().unwrap();
    let root = record(dir.path());
    git(
        &root,
        &["config", "user.email", "head@eu.delegation.invalid"],
    );
    let mut s = state(&root);
    drive(&mut s, goto("martens"));
    drive(&mut s, [act(Action::Restructure)]);
    assert!(s.restructure.is_none());
    assert_eq!(
        message(&s),
        "as EU you propose wording; the chair records structural amendments"
    );
}

#[test]
fn tmux_an_article_inserted_from_the_outline_is_recorded_and_shown() {
    let dir = tempfile::tempdir().unwrap();
    let root = record(dir.path());
    let Some(t) = Tmux::start(dir.path(), &root, dir.path()) else {
        return;
    };
    let before = head(&root);
    t.type_text(&format!("'{}' tui", env!("CARGO_BIN_EXE_treaty")));
    t.keys(&["Enter"]);
    t.wait_for("1 Outline", |s| s.contains("HEAD "));
    t.type_text(":scope");
    t.keys(&["Enter"]);
    t.type_text("o");
    t.wait_for("Restructure Article 3. Scope", |s| {
        s.contains("insert a new article after it")
    });
    t.type_text("i3 bis");
    t.keys(&["C-t"]);
    t.type_text("Use of terms");
    t.wait_for("Insert a new article after Article 3. Scope", |s| {
        s.contains("Use of terms")
    });
    t.keys(&["Enter"]);
    t.wait_for(
        "recorded: Insert Article 3 bis. Use of terms after scope",
        |s| s.contains("Article 3 bis. Use of terms"),
    );
    assert_eq!(git(&root, &["rev-parse", "HEAD~1"]).trim(), before);
    assert!(trailers(&root).contains("Kind: insert-article"));
    assert!(root.join("drafts/articles/use-terms.md").exists());
    // A bad number: a message, and nothing recorded.
    let recorded = head(&root);
    t.type_text("on");
    t.wait_for("number:", |_| true);
    t.keys(&["BSpace", "BSpace", "BSpace", "BSpace", "BSpace"]);
    t.type_text("1");
    t.keys(&["Enter"]);
    t.wait_for("is already objective's number", |_| true);
    assert_eq!(head(&root), recorded);
    t.keys(&["Escape"]);
    t.wait_for("nothing recorded", |s| !s.contains("number:"));
    t.keys(&["q"]);
    t.wait_for("READY$", |s| !s.contains("1 Outline"));
}
