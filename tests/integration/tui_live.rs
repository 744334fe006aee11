//! No lost updates in the workbench: it reloads when another process amends the record,
//! and its own amendments are made against the text the user began from (a clause
//! amended meanwhile is shown three ways, never overwritten). In process on the fixed
//! record, and under tmux with the real binary.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use treaty_workbench::tui::action::Action;
use treaty_workbench::tui::amending;
use treaty_workbench::tui::app::{self, Effect, Msg, Screen, State, update};
use treaty_workbench::tui::data::Data;
use treaty_workbench::tui::jobs::{Response, Snapshot};
use treaty_workbench::tui::keymap::Keymap;
use treaty_workbench::tui::screens;
use treaty_workbench::tui::theme::Styles;
use treaty_workbench::tui::watch::{self, Watcher};

use crate::support::{stderr, treaty};
use crate::tui_tmux::Tmux;

/// What the other process does: lifts the first bracket of pp3 (`[with concern]`).
const THEIRS: &[&str] = &[
    "amend",
    "--kind",
    "lift-brackets",
    "--clause",
    "pp3",
    "--group",
    "1",
    "--by",
    "EU",
];

/// What the user adds at the end of pp3.
const YOURS: &str = " Tested live.";

use super::tui::{goto, typed, update_all as drive};
use crate::support::{fixture_record as record, git_in as git};

fn subjects(root: &Path) -> Vec<String> {
    git(root, &["log", "--format=%s"])
        .lines()
        .map(str::to_string)
        .collect()
}

fn pp3(root: &Path) -> String {
    let d = Data::load_draft(root).unwrap();
    d.draft.clause("pp3").unwrap().text.clone()
}

fn state(root: &Path) -> State {
    let mut s = State::new(
        Arc::new(Data::load(root).unwrap()),
        Styles::default(),
        Keymap::default(),
    );
    s.size = (100, 40);
    s
}

/// Records what the state asked for, as the event loop does, and hands back the answer.
fn carry_out(root: &Path, s: &mut State, effects: Vec<Effect>) -> Vec<Effect> {
    let [Effect::Commit(write)] = effects.as_slice() else {
        panic!("expected one amendment to record, got {effects:?}");
    };
    let result = amending::commit(root, write);
    update(s, app::committed(write.clone(), result))
}

fn screen(s: &State) -> String {
    let mut t = Terminal::new(TestBackend::new(100, 40)).unwrap();
    t.draw(|f| screens::draw(s, f)).unwrap();
    t.backend().to_string()
}

/// pp3 open in the inline editor with [`YOURS`] typed at its end, then the other process
/// lifts its first bracket.
fn edit_then_theirs(root: &Path) -> State {
    let mut s = state(root);
    drive(&mut s, goto("pp3"));
    drive(&mut s, [Msg::Action(Action::EditInline)]);
    drive(&mut s, typed(YOURS));
    let out = treaty(root, THEIRS);
    assert!(out.status.success(), "{}", stderr(&out));
    s
}

#[test]
fn a_reload_keeps_the_clause_and_the_open_edit_and_says_what_came_in() {
    let dir = tempfile::tempdir().unwrap();
    let root = record(dir.path());
    let mut s = edit_then_theirs(&root);
    let head_before = s.data.head;
    drive(
        &mut s,
        [Msg::Changed(Snapshot(Arc::new(Data::load(&root).unwrap())))],
    );
    assert_ne!(s.data.head, head_before);
    assert_eq!(s.selected_id().as_deref(), Some("pp3"));
    assert_eq!(s.screen, Screen::Amend);
    let ed = s.editor.as_ref().expect("the edit stays open");
    assert!(ed.text.ends_with(YOURS), "{}", ed.text);
    let notice = &s.notice.as_ref().expect("a notice").1;
    assert_eq!(
        notice,
        "Reloaded: Lift brackets in pp3 by EU — pp3 changed since you began editing it"
    );
    let shown = screen(&s);
    assert!(
        shown.contains("Reloaded: Lift brackets in pp3 by EU"),
        "{shown}"
    );
    assert!(shown.contains("as CHAIR"), "{shown}");
    assert!(shown.contains("round r2-nairobi"), "{shown}");
    // The same snapshot again (the workbench's own reload) changes nothing.
    s.notice = None;
    drive(
        &mut s,
        [Msg::Changed(Snapshot(Arc::new(Data::load(&root).unwrap())))],
    );
    assert_eq!(s.notice, None);
}

#[test]
fn saving_over_a_clause_amended_meanwhile_shows_three_versions_and_reapplies_on_top() {
    let dir = tempfile::tempdir().unwrap();
    let root = record(dir.path());
    let mut s = edit_then_theirs(&root);
    let theirs = pp3(&root);
    assert!(theirs.starts_with("*Noting* with concern that"), "{theirs}");
    let before = subjects(&root);

    // Saving is refused: nothing is written, and the three versions are shown.
    let effects = drive(&mut s, [Msg::Action(Action::Commit)]);
    let effects = carry_out(&root, &mut s, effects);
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(subjects(&root), before);
    assert_eq!(pp3(&root), theirs);
    let view = s.conflict.as_ref().expect("the three-way view");
    assert_eq!(view.conflict.theirs_by, ["EU"]);
    assert_eq!(view.conflict.theirs.as_deref(), Some(theirs.as_str()));
    assert!(
        view.conflict
            .base
            .as_deref()
            .unwrap()
            .starts_with("*Noting* [with concern]")
    );
    let shown = screen(&s);
    for part in [
        "Base — pp3 as you began",
        "Theirs — amended since by EU",
        "Yours — CHAIR · B keeps both as bracketed alternatives",
        "pp3 was amended by EU since you began: nothing was recorded (R re-apply, B keep both, Esc back)",
        "R re-applies yours on theirs — both changes kept",
    ] {
        assert!(shown.contains(part), "{part}:\n{shown}");
    }
    insta::assert_snapshot!("three_way_view", shown);
    // Keys act on the view, not the editor underneath.
    assert!(!s.typing());

    let effects = drive(&mut s, [Msg::Action(Action::Reapply)]);
    let effects = carry_out(&root, &mut s, effects);
    assert_eq!(effects, [Effect::Reload]);
    assert!(s.conflict.is_none() && s.editor.is_none());
    let now = pp3(&root);
    assert!(
        now.starts_with("*Noting* with concern that"),
        "theirs undone: {now}"
    );
    assert!(now.ends_with(YOURS), "yours missing: {now}");
    let after = subjects(&root);
    assert_eq!(after.len(), before.len() + 1);
    assert_eq!(after[0], "Replace the text of pp3");
    assert_eq!(after[1], "Lift brackets in pp3", "theirs stays in the log");
}

#[test]
fn cancelling_the_three_way_view_writes_nothing_and_keeps_your_wording() {
    let dir = tempfile::tempdir().unwrap();
    let root = record(dir.path());
    let mut s = edit_then_theirs(&root);
    let before = (subjects(&root), pp3(&root));
    let effects = drive(&mut s, [Msg::Action(Action::Commit)]);
    carry_out(&root, &mut s, effects);
    assert!(s.conflict.is_some());
    assert!(drive(&mut s, [Msg::Action(Action::Back)]).is_empty());
    assert!(s.conflict.is_none());
    let ed = s.editor.as_ref().expect("your edit is still open");
    assert!(ed.text.ends_with(YOURS), "{}", ed.text);
    assert_eq!((subjects(&root), pp3(&root)), before);
    assert_eq!(git(&root, &["status", "--porcelain"]), "");
}

#[test]
fn keeping_both_stacks_attributed_alternatives_with_the_summary_typed() {
    let dir = tempfile::tempdir().unwrap();
    let root = record(dir.path());
    let mut s = edit_then_theirs(&root);
    let theirs = pp3(&root);
    // The summary field: Ctrl-t twice from the text.
    drive(
        &mut s,
        [
            Msg::Action(Action::SwitchField),
            Msg::Action(Action::SwitchField),
        ],
    );
    drive(&mut s, typed("Both readings of PP3 kept"));
    let effects = drive(&mut s, [Msg::Action(Action::Commit)]);
    carry_out(&root, &mut s, effects);
    let yours = s.conflict.as_ref().unwrap().conflict.yours.clone().unwrap();
    let effects = drive(&mut s, [Msg::Action(Action::KeepBoth)]);
    carry_out(&root, &mut s, effects);
    assert!(s.conflict.is_none(), "{:?}", s.message);
    assert_eq!(pp3(&root), format!("[{theirs} - EU][{yours} - CHAIR]"));
    assert_eq!(subjects(&root)[0], "Both readings of PP3 kept");
    assert_eq!(subjects(&root)[1], "Lift brackets in pp3");
}

/// Runs `treaty` as another process beside the TUI, as the tmux session's user.
fn other_process(t: &Tmux, root: &Path, args: &[&str]) {
    let out = Command::new(env!("CARGO_BIN_EXE_treaty"))
        .args(args)
        .current_dir(root)
        .env("HOME", &t.home)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", t.home.join(".gitconfig"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn tmux_the_workbench_shows_an_amendment_made_in_another_shell() {
    let dir = tempfile::tempdir().unwrap();
    let root = record(dir.path());
    let Some(t) = Tmux::start_with_editor(dir.path(), &root, dir.path(), "true") else {
        return;
    };
    t.type_text(&format!("'{}' tui", env!("CARGO_BIN_EXE_treaty")));
    t.keys(&["Enter"]);
    t.wait_for("1 Outline", |s| s.contains("HEAD "));
    t.type_text(":pp3");
    t.keys(&["Enter", "Enter"]);
    t.wait_for("[with concern]", |s| s.contains("Choice points"));

    other_process(&t, &root, THEIRS);
    let landed = Instant::now();
    // The Clause pane shows the emphasis as a style, without its `*`.
    let s = t.wait_for("Reloaded: Lift brackets in pp3 by EU", |s| {
        s.contains("Noting with concern that")
    });
    eprintln!(
        "the amendment showed {:?} after it landed",
        landed.elapsed()
    );
    assert!(!s.contains("[with concern]"), "{s}");
    assert!(s.contains("pp3"), "the clause stays selected:\n{s}");
    t.keys(&["q"]);
    t.wait_for("READY$", |s| !s.contains("1 Outline"));
}

#[test]
fn tmux_an_amendment_landing_while_the_editor_is_open_is_not_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let root = record(dir.path());
    // The editor: another shell lifts pp3's bracket while it is open; the user adds words.
    let editor = dir.path().join("editor.sh");
    std::fs::write(
        &editor,
        format!(
            "#!/bin/sh\n'{}' --repo '{}' {} >/dev/null || exit 1\nprintf '{YOURS}' >> \"$1\"\n",
            env!("CARGO_BIN_EXE_treaty"),
            root.display(),
            THEIRS.join(" ")
        ),
    )
    .unwrap();
    std::fs::set_permissions(&editor, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let Some(t) = Tmux::start_with_editor(dir.path(), &root, dir.path(), &editor.to_string_lossy())
    else {
        return;
    };
    t.type_text(&format!("'{}' tui", env!("CARGO_BIN_EXE_treaty")));
    t.keys(&["Enter"]);
    t.wait_for("1 Outline", |s| s.contains("HEAD "));
    let before = subjects(&root);
    t.type_text(":pp3");
    t.keys(&["Enter", "E"]);
    t.wait_for("Editing pp3", |s| s.contains(YOURS.trim()));
    t.keys(&["C-s"]);
    t.wait_for("Base — pp3 as you began", |s| {
        s.contains("Theirs — amended since by EU") && s.contains("both changes kept")
    });
    assert_eq!(
        subjects(&root).len(),
        before.len() + 1,
        "only theirs so far"
    );
    t.keys(&["R"]);
    t.wait_for("recorded:", |_| true);
    let now = pp3(&root);
    assert!(
        now.starts_with("*Noting* with concern that"),
        "theirs undone: {now}"
    );
    assert!(now.ends_with(YOURS), "{now}");
    let after = subjects(&root);
    assert_eq!(after.len(), before.len() + 2);
    assert_eq!(after[1], "Lift brackets in pp3");
    t.keys(&["q"]);
    t.wait_for("READY$", |s| !s.contains("1 Outline"));
}

#[test]
fn a_delegation_proposing_over_a_clause_amended_meanwhile_sees_three_versions_too() {
    let dir = tempfile::tempdir().unwrap();
    let root = record(dir.path());
    // The user speaks for the EU (by the roster); the chair amends from another shell.
    git(
        &root,
        &["config", "user.email", "head@eu.delegation.invalid"],
    );
    let mut s = state(&root);
    let shown = screen(&s);
    assert!(shown.contains("as EU │"), "{shown}");
    drive(&mut s, goto("pp3"));
    drive(&mut s, [Msg::Action(Action::EditInline)]);
    drive(&mut s, typed(YOURS));
    let out = Command::new(env!("CARGO_BIN_EXE_treaty"))
        .args(THEIRS)
        .current_dir(&root)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_EMAIL", "chair@secretariat.invalid")
        .env("GIT_COMMITTER_EMAIL", "chair@secretariat.invalid")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let before = subjects(&root);

    let effects = drive(&mut s, [Msg::Action(Action::Commit)]);
    carry_out(&root, &mut s, effects);
    assert!(s.conflict.is_some(), "{:?}", s.message);
    assert_eq!(subjects(&root), before, "nothing proposed");
    let effects = drive(&mut s, [Msg::Action(Action::Reapply)]);
    carry_out(&root, &mut s, effects);
    let said = &s.message.as_ref().unwrap().1;
    assert!(said.starts_with("proposed pr-"), "{said}");
    // Proposed against the text as it stands, with both changes in it.
    let eu = std::fs::read_to_string(root.join("positions/eu.ron")).unwrap();
    let theirs = pp3(&root);
    let proposal = format!("base: \"{theirs}\", text: \"{theirs}{YOURS}\"");
    assert!(eu.contains(&proposal), "{eu}");
}

#[test]
fn a_choice_made_meanwhile_to_the_same_effect_records_nothing_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let root = record(dir.path());
    let mut s = state(&root);
    drive(&mut s, goto("pp3"));
    drive(&mut s, [Msg::Action(Action::Clause)]);
    let effects = drive(&mut s, [Msg::Action(Action::Lift)]);
    assert!(effects.is_empty(), "{effects:?}");
    let out = treaty(&root, THEIRS);
    assert!(out.status.success(), "{}", stderr(&out));
    let before = subjects(&root);
    let effects = drive(&mut s, [Msg::Action(Action::Confirm)]);
    carry_out(&root, &mut s, effects);
    assert!(s.conflict.is_none());
    assert_eq!(
        s.message.as_ref().map(|m| m.1.as_str()),
        Some("pp3 was amended by EU since you began, and reads as you wanted: nothing to record")
    );
    assert_eq!(subjects(&root), before);
}

#[test]
fn lifting_a_bracket_of_a_clause_amended_meanwhile_reapplies_on_top() {
    let dir = tempfile::tempdir().unwrap();
    let root = record(dir.path());
    let mut s = state(&root);
    drive(&mut s, goto("pp3"));
    drive(
        &mut s,
        [Msg::Action(Action::Clause), Msg::Action(Action::Lift)],
    );
    // Meanwhile the USA's reading of the second group is chosen.
    let out = treaty(
        &root,
        &[
            "amend",
            "--kind",
            "choose-option",
            "--clause",
            "pp3",
            "--group",
            "2",
            "--option",
            "2",
            "--by",
            "USA",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let effects = drive(&mut s, [Msg::Action(Action::Confirm)]);
    carry_out(&root, &mut s, effects);
    let view = s.conflict.as_ref().expect("the three-way view");
    assert_eq!(view.conflict.theirs_by, ["USA"]);
    assert_eq!(s.screen, Screen::Amend);
    let effects = drive(&mut s, [Msg::Action(Action::Reapply)]);
    carry_out(&root, &mut s, effects);
    let now = pp3(&root);
    assert!(
        now.starts_with("*Noting* with concern that") && now.contains("may amplify discrimination"),
        "{now}"
    );
}

#[test]
fn a_position_edited_on_disk_is_reloaded_too() {
    let dir = tempfile::tempdir().unwrap();
    let root = record(dir.path());
    let mut s = state(&root);
    let eu = root.join("positions/eu.ron");
    let text = std::fs::read_to_string(&eu).unwrap();
    let edited = text.replace("Rights-first bloc.", "Rights-first bloc, as edited.");
    assert_ne!(text, edited);
    std::fs::write(&eu, edited).unwrap();
    drive(
        &mut s,
        [Msg::Changed(Snapshot(Arc::new(Data::load(&root).unwrap())))],
    );
    assert_eq!(
        s.notice.as_ref().map(|n| n.1.as_str()),
        Some("Reloaded: changes on disk, not yet recorded as an amendment")
    );
    assert!(s.data.positions["EU"].notes.contains("as edited"));
}

#[test]
fn when_both_changed_the_same_words_the_view_says_yours_would_replace_theirs() {
    let dir = tempfile::tempdir().unwrap();
    let root = record(dir.path());
    let mut s = state(&root);
    drive(&mut s, goto("pp3"));
    drive(&mut s, [Msg::Action(Action::EditInline)]);
    let ed = s.editor.as_mut().unwrap();
    ed.text = ed
        .text
        .replace("*Noting* [with concern] that", "*Noting* that");
    let yours = ed.text.clone();
    let out = treaty(&root, THEIRS);
    assert!(out.status.success(), "{}", stderr(&out));
    let effects = drive(&mut s, [Msg::Action(Action::Commit)]);
    carry_out(&root, &mut s, effects);
    let view = s.conflict.as_ref().expect("the three-way view");
    assert_eq!(view.reapplied(), Some((yours.clone(), false)));
    let shown = screen(&s);
    assert!(
        shown.contains("R re-applies yours on theirs — you both changed the same words: your wording replaces theirs"),
        "{shown}"
    );
    // Only when asked: then yours is recorded on top, and theirs stays in the log.
    let effects = drive(&mut s, [Msg::Action(Action::Reapply)]);
    carry_out(&root, &mut s, effects);
    assert_eq!(pp3(&root), yours);
    assert_eq!(subjects(&root)[1], "Lift brackets in pp3");
}

/// The watcher's next snapshot, waiting at most a minute for it.
fn next_snapshot(w: &Watcher) -> Data {
    let start = Instant::now();
    loop {
        if let Some((read, _)) = w.try_recv() {
            return read.expect("the record loads");
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "no snapshot came"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn the_reload_key_reads_off_the_ui_thread_once_and_keeps_the_clause_and_the_edit() {
    let dir = tempfile::tempdir().unwrap();
    let root = record(dir.path());
    // pp3 open in the editor, read before another process lifted its bracket.
    let mut s = edit_then_theirs(&root);
    let before = s.data.head;
    // The watcher starts on the record as it now is, so it has nothing to load of its
    // own accord: only the key makes it load.
    let now = Data::load_draft(&root).unwrap().head;
    assert_ne!(now, before);
    let w = Watcher::spawn(root.clone(), now);

    // The key asks for the background reload, as the event loop carries it out; the
    // text on screen is not read again in the key's own time.
    let asked = drive(&mut s, [Msg::Action(Action::Reload)]);
    assert_eq!(asked, [Effect::BackgroundReload]);
    w.reload();
    assert_eq!(s.data.head, before);
    assert!(screen(&s).contains("Reloading…"), "{}", screen(&s));
    // While it loads, keys still work, and the key again asks for nothing more.
    assert!(drive(&mut s, [Msg::Action(Action::Reload)]).is_empty());
    assert_eq!(
        s.message.as_ref().map(|m| m.1.as_str()),
        Some(app::STILL_RELOADING)
    );
    drive(&mut s, typed(" Still typing."));
    assert!(s.editor.as_ref().unwrap().text.ends_with(" Still typing."));

    let read = next_snapshot(&w);
    drive(&mut s, [Msg::Changed(Snapshot(Arc::new(read)))]);
    assert_eq!(s.data.head, now);
    assert!(!s.reloading);
    assert!(
        s.data
            .draft
            .clause("pp3")
            .unwrap()
            .text
            .starts_with("*Noting* with concern that")
    );
    assert_eq!(s.selected_id().as_deref(), Some("pp3"));
    assert_eq!(s.screen, Screen::Amend);
    let ed = s.editor.as_ref().expect("the edit stays open");
    assert!(
        ed.text.ends_with(&format!("{YOURS} Still typing.")),
        "{}",
        ed.text
    );
    // The same notice as a reload the watcher makes by itself.
    assert_eq!(
        s.notice.as_ref().map(|n| n.1.as_str()),
        Some("Reloaded: Lift brackets in pp3 by EU — pp3 changed since you began editing it")
    );
    // Two presses, one load: nothing else comes.
    std::thread::sleep(watch::EVERY * 3);
    assert!(w.try_recv().is_none(), "a second load ran");

    // Pressed again with nothing new, it says so.
    assert_eq!(
        drive(&mut s, [Msg::Action(Action::Reload)]),
        [Effect::BackgroundReload]
    );
    w.reload();
    let read = next_snapshot(&w);
    drive(&mut s, [Msg::Changed(Snapshot(Arc::new(read)))]);
    assert_eq!(
        s.notice.as_ref().map(|n| n.1.as_str()),
        Some(app::NOTHING_NEW)
    );
    assert!(s.editor.is_some() && !s.reloading);
}

/// The workbench's own amendment is read back off the UI thread (at UN scale a few hundred
/// milliseconds that froze the screen): meanwhile the cursor moves and screens switch, but
/// an edit waits for the text as amended, never begun on the text before it (it would
/// meet the amendment just made as a conflict). The watcher seeing the amendment first
/// brings no "Reloaded" notice; the read-back runs the edit.
#[test]
fn the_workbenchs_own_amendment_is_read_back_off_the_ui_thread_and_edits_wait_for_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = record(dir.path());
    let mut s = state(&root);
    drive(&mut s, goto("pp3"));
    drive(&mut s, [Msg::Action(Action::EditInline)]);
    drive(&mut s, typed(YOURS));
    let effects = drive(&mut s, [Msg::Action(Action::Commit)]);
    let (before, commits) = (s.data.head, subjects(&root).len());
    assert_eq!(carry_out(&root, &mut s, effects), [Effect::Reload]);
    assert_eq!(subjects(&root).len(), commits + 1);
    assert!(s.reading_back);
    assert_eq!(s.data.head, before, "nothing is read on the UI thread");
    let recorded = s.message.clone().expect("a message");
    assert!(recorded.1.starts_with("recorded: "), "{recorded:?}");

    // The watcher saw the amendment land first: it is swapped in, without a notice; keys
    // that act on the text still wait for the read-back.
    drive(
        &mut s,
        [Msg::Changed(Snapshot(Arc::new(Data::load(&root).unwrap())))],
    );
    assert_ne!(s.data.head, before);
    assert_eq!(s.notice, None);
    assert_eq!(s.message.as_ref(), Some(&recorded));
    assert!(s.reading_back);

    // Moving, looking and switching screens run at once; an edit waits.
    drive(&mut s, [Msg::Action(Action::Help)]);
    assert!(s.help);
    drive(&mut s, [Msg::Action(Action::Back)]);
    assert!(!s.help);
    drive(&mut s, [Msg::Action(Action::Outline)]);
    assert_eq!(s.screen, Screen::Outline);
    drive(&mut s, [Msg::Action(Action::Down), Msg::Action(Action::Up)]);
    assert_eq!(s.selected_id().as_deref(), Some("pp3"));
    assert!(drive(&mut s, [Msg::Action(Action::EditInline)]).is_empty());
    assert!(s.editor.is_none());
    // Once one key waits, the keys after it wait behind it.
    drive(&mut s, [Msg::Action(Action::Down)]);
    assert_eq!(s.deferred.len(), 2);
    assert_eq!(s.selected_id().as_deref(), Some("pp3"));

    // The read-back: the waiting keys run, in order: the edit opens on the text as amended.
    drive(
        &mut s,
        [Msg::ReadBack(Ok(Snapshot(Arc::new(
            Data::load(&root).unwrap(),
        ))))],
    );
    assert!(!s.reading_back && s.deferred.is_empty());
    let ed = s.editor.as_ref().expect("the waiting edit ran");
    assert_eq!(ed.clause, "pp3");
    assert!(ed.text.ends_with(YOURS), "{}", ed.text);
    assert_eq!(subjects(&root).len(), commits + 1, "nothing more recorded");

    // A read-back that fails says why and lets the waiting keys run on what is shown.
    s.editor = None;
    s.reading_back = true;
    drive(&mut s, [Msg::Action(Action::EditInline)]);
    assert!(s.editor.is_none());
    drive(
        &mut s,
        [Msg::ReadBack(Err("drafts/treaty.md: gone".into()))],
    );
    assert!(!s.reading_back);
    assert!(s.editor.is_some(), "the waiting edit ran");
    assert_eq!(
        s.message,
        Some((true, "reload failed: drafts/treaty.md: gone".into()))
    );
}

/// An amendment made before the first background load lands (the workbench just opened):
/// that load, read before the amendment, swaps in, but the keys waiting for the
/// amendment's read-back keep waiting for it.
#[test]
fn keys_waiting_for_a_read_back_wait_past_the_first_background_load() {
    let dir = tempfile::tempdir().unwrap();
    let root = record(dir.path());
    let early = Data::load(&root).unwrap();
    let mut s = State::new(
        Arc::new(Data::load_draft(&root).unwrap()),
        Styles::default(),
        Keymap::default(),
    );
    s.size = (100, 40);
    drive(&mut s, goto("pp3"));
    drive(&mut s, [Msg::Action(Action::EditInline)]);
    drive(&mut s, typed(YOURS));
    let effects = drive(&mut s, [Msg::Action(Action::Commit)]);
    assert_eq!(carry_out(&root, &mut s, effects), [Effect::Reload]);
    drive(&mut s, [Msg::Action(Action::EditInline)]);
    assert_eq!(s.deferred.len(), 1);

    drive(
        &mut s,
        [Msg::Job(Response::Loaded(Snapshot(Arc::new(early))))],
    );
    assert!(s.data.complete);
    assert!(s.editor.is_none() && s.deferred.len() == 1, "still waiting");

    drive(
        &mut s,
        [Msg::ReadBack(Ok(Snapshot(Arc::new(
            Data::load(&root).unwrap(),
        ))))],
    );
    let ed = s.editor.as_ref().expect("the waiting edit ran");
    assert!(
        ed.text.ends_with(YOURS),
        "on the text as amended: {}",
        ed.text
    );
}

#[test]
fn a_failed_reload_says_why_and_the_key_works_again() {
    let dir = tempfile::tempdir().unwrap();
    let root = record(dir.path());
    let mut s = state(&root);
    assert_eq!(
        drive(&mut s, [Msg::Action(Action::Reload)]),
        [Effect::BackgroundReload]
    );
    drive(&mut s, [Msg::ReloadFailed("drafts/treaty.md: gone".into())]);
    assert_eq!(
        s.message,
        Some((true, "reload failed: drafts/treaty.md: gone".into()))
    );
    assert!(!s.reloading);
    assert_eq!(
        drive(&mut s, [Msg::Action(Action::Reload)]),
        [Effect::BackgroundReload]
    );
}

#[test]
fn tmux_the_reload_key_shows_what_the_watcher_cannot_see_and_keys_keep_working() {
    let dir = tempfile::tempdir().unwrap();
    let root = record(dir.path());
    let Some(t) = Tmux::start(dir.path(), &root, dir.path()) else {
        return;
    };
    t.type_text(&format!("'{}' tui", env!("CARGO_BIN_EXE_treaty")));
    t.keys(&["Enter"]);
    t.wait_for("round r2-nairobi", |s| s.contains("HEAD "));
    // A round starts in another shell: a tag, no commit and no file, which the watcher
    // does not look at. Only the reload key brings it in.
    other_process(&t, &root, &["round", "start", "r3-rome"]);
    std::thread::sleep(watch::EVERY * 2);
    assert!(!t.screen().contains("r3-rome"), "{}", t.screen());
    t.keys(&["r", "2"]);
    let s = t.wait_for("Reloaded: round r3-rome started", |s| {
        s.contains("round r3-rome")
    });
    // The key pressed right after the reload key ran: the Clause pane is up.
    assert!(
        s.contains("Choice points") || s.contains("as drafted"),
        "{s}"
    );
    t.keys(&["q"]);
    t.wait_for("READY$", |s| !s.contains("1 Outline"));
}
