//! The event loop: terminal events and worker answers in, frames out.
//!
//! Nothing is printed to stdout while the TUI runs; diagnostics go to a log file
//! (`.git/treaty/tui.log` in a git record, else the temp folder).

use std::collections::VecDeque;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossterm::event::{self, Event, KeyEventKind, MouseButton, MouseEvent, MouseEventKind};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

use super::app::{self, Effect, Msg, State};
use super::data::Data;
use super::jobs::{Snapshot, Worker};
use super::keymap::{Key, Keymap};
use super::terminal::TerminalGuard;
use super::theme::Styles;
use super::watch::Watcher;
use super::{amending, screens};
use crate::theme::Theme;

/// Set to `1` to make the first key press panic: proves the terminal is restored on
/// panic (used by the tmux test). Honoured in every build, since a user can only set it
/// deliberately.
pub const PANIC_ENV: &str = "TREATY_TUI_PANIC";

/// How the TUI is started.
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub root: PathBuf,
    /// A theme name (user themes in `<root>/themes` or the config folder first).
    pub theme: Option<String>,
    /// `default`, `vim`, or a path to a RON key map laid over the default map.
    pub keys: Option<String>,
    /// Who amendments made here are proposed by (default `CHAIR`).
    pub proposers: Vec<String>,
}

/// An append-only log file.
pub struct RunLog(Option<File>);

impl RunLog {
    pub fn open(root: &Path) -> (RunLog, PathBuf) {
        let dir = if root.join(".git").is_dir() {
            root.join(".git/treaty")
        } else {
            std::env::temp_dir()
        };
        let _ = std::fs::create_dir_all(&dir);
        let path = dir.join("tui.log");
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .ok();
        (RunLog(file), path)
    }

    pub fn line(&mut self, msg: &str) {
        if let Some(f) = self.0.as_mut() {
            let _ = writeln!(f, "{}", crate::sanitize::inert_line(msg));
        }
    }
}

fn config_dir() -> Option<PathBuf> {
    std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))
        .map(|d| d.join("treaty"))
}

/// The theme named by `--theme`, `TREATY_THEME`, or `default`.
pub fn load_theme(root: &Path, name: Option<&str>) -> Result<Theme, String> {
    let env = std::env::var("TREATY_THEME").ok();
    let name = name.or(env.as_deref()).unwrap_or("default");
    let mut dirs = vec![root.join("themes")];
    dirs.extend(config_dir().map(|d| d.join("themes")));
    Theme::resolve(name, &dirs).map_err(|e| e.to_string())
}

/// The key map named by `--keys` / `TREATY_KEYS` (a shipped name or a file), with the
/// user's `~/.config/treaty/keys.ron` laid over it when that exists.
pub fn load_keymap(keys: Option<&str>) -> Result<Keymap, String> {
    let env = std::env::var("TREATY_KEYS").ok();
    let keys = keys.or(env.as_deref()).unwrap_or("default");
    let mut map = if keys.ends_with(".ron") {
        let mut m = Keymap::default();
        m.layer_file(Path::new(keys)).map_err(|e| e.to_string())?;
        m
    } else {
        Keymap::builtin(keys).map_err(|e| e.to_string())?
    };
    if let Some(user) = config_dir().map(|d| d.join("keys.ron"))
        && user.is_file()
    {
        map.layer_file(&user).map_err(|e| e.to_string())?;
    }
    Ok(map)
}

/// Everything the first frame needs: the draft and its bracket trees, the theme and the
/// key map. Returns the state to draw and the effects that start loading the rest (the
/// positions, tiers, annexes, cross-check and history) in the background.
pub fn open(opts: &Options) -> Result<(State, Vec<Effect>), String> {
    let data = Arc::new(Data::load_draft(&opts.root)?);
    let styles = Styles::new(load_theme(&opts.root, opts.theme.as_deref())?);
    let keymap = load_keymap(opts.keys.as_deref())?;
    let mut state = State::new(data, styles, keymap);
    if !opts.proposers.is_empty() {
        state.proposers = opts.proposers.clone();
    }
    let start = app::on_start(&mut state);
    Ok((state, start))
}

/// Runs the workbench until the user quits. The terminal is restored on every way out.
pub fn run(opts: Options) -> Result<(), String> {
    let opened = Instant::now();
    let (mut log, log_path) = RunLog::open(&opts.root);
    log.line(&format!("treaty tui starting in {}", opts.root.display()));
    let (mut state, start) = open(&opts)?;
    let panic_on_key = std::env::var(PANIC_ENV).is_ok_and(|v| v == "1");

    let guard = TerminalGuard::new().map_err(|e| format!("cannot set up the terminal: {e}"))?;
    let mut terminal = Terminal::new(CrosstermBackend::new(std::io::stdout()))
        .map_err(|e| format!("cannot set up the terminal: {e}"))?;
    let _ = terminal.clear();
    if let Ok(size) = terminal.size() {
        state.size = (size.width, size.height);
    }
    let started = Instant::now();
    // The first frame, before the worker starts loading the rest beside it.
    terminal
        .draw(|f| screens::draw(&state, f))
        .map_err(|e| format!("cannot draw: {e}"))?;
    log.line(&format!("first frame after {:?}", opened.elapsed()));
    let mut worker = Worker::spawn(state.data.clone());
    // When each job was asked for, to log how long it took.
    let mut asked: std::collections::HashMap<u64, Instant> = Default::default();
    let watcher = Watcher::spawn(opts.root.clone(), state.data.head);
    // The workbench's own amendment, read back by the watcher: the ask the read-back
    // answers, and when it was made.
    let mut read_back_due: Option<(u64, Instant)> = None;
    for effect in start {
        if let Effect::Request(r) = effect {
            worker.request(r);
        }
    }
    let result = (|| -> Result<(), String> {
        loop {
            let t0 = Instant::now();
            terminal
                .draw(|f| screens::draw(&state, f))
                .map_err(|e| format!("cannot draw: {e}"))?;
            let took = t0.elapsed();
            if took > Duration::from_millis(30) {
                log.line(&format!("slow frame: {took:?} on {:?}", state.screen));
            }
            let mut msgs = Vec::new();
            // Look for the background load often while it runs, so it shows when it lands.
            let timeout = if !state.data.complete || state.reading_back {
                15
            } else if state.history.playing {
                50
            } else {
                100
            };
            if event::poll(Duration::from_millis(timeout)).map_err(|e| e.to_string())? {
                match event::read().map_err(|e| e.to_string())? {
                    Event::Key(k) if k.kind != KeyEventKind::Release => {
                        if panic_on_key {
                            panic!(
                                "{PANIC_ENV}=1: deliberate panic on the first key, to test terminal restore"
                            );
                        }
                        if let Some(key) = Key::from_event(&k)
                            && let Some(m) = state.key_msg(key)
                        {
                            msgs.push(m);
                        }
                    }
                    Event::Mouse(m) => msgs.extend(mouse_msg(&m)),
                    Event::Resize(w, h) => msgs.push(Msg::Resize {
                        width: w,
                        height: h,
                    }),
                    _ => {}
                }
            }
            while let Some((generation, resp)) = worker.try_recv() {
                let took = asked.remove(&generation).map(|at| at.elapsed());
                log.line(&format!(
                    "job {generation} done in {took:?}, {:?} after opening",
                    opened.elapsed()
                ));
                msgs.push(Msg::Job(resp));
            }
            // Amendments made elsewhere, and the workbench's own read back, read off this
            // thread: a newer worker serves them.
            while let Some((read, answers)) = watcher.try_recv() {
                let read_back = read_back_due.filter(|(ask, _)| answers >= *ask);
                if read_back.is_some() {
                    read_back_due = None;
                }
                let read = read.map(|d| {
                    let d = Arc::new(d);
                    worker = Worker::spawn(d.clone());
                    Snapshot(d)
                });
                match (read, read_back) {
                    (Ok(d), None) => {
                        log.line(&format!("the record changed: reloaded at {:?}", d.0.head));
                        msgs.push(Msg::Changed(d));
                    }
                    (Err(e), None) => {
                        log.line(&format!("reload failed: {e}"));
                        msgs.push(Msg::ReloadFailed(e));
                    }
                    (read, Some((_, asked))) => {
                        log.line(&format!(
                            "read back in {:?}: {:?}",
                            asked.elapsed(),
                            read.as_ref().map(|d| d.0.head)
                        ));
                        msgs.push(Msg::ReadBack(read));
                    }
                }
            }
            msgs.push(Msg::Tick(started.elapsed().as_millis() as u64));
            let swapped = msgs
                .iter()
                .any(|m| matches!(m, Msg::Changed(_) | Msg::ReadBack(Ok(_))));
            let mut queue: VecDeque<Msg> = msgs.into();
            let mut effects: VecDeque<Effect> = VecDeque::new();
            loop {
                let effect = match effects.pop_front() {
                    Some(e) => e,
                    None => match queue.pop_front() {
                        Some(m) => {
                            effects.extend(app::update(&mut state, m));
                            continue;
                        }
                        None => break,
                    },
                };
                match effect {
                    Effect::Quit => return Ok(()),
                    Effect::Request(r) => {
                        let generation = worker.request(r.clone());
                        asked.insert(generation, Instant::now());
                        log.line(
                            &format!("job {generation}: {r:?}")
                                .chars()
                                .take(200)
                                .collect::<String>(),
                        );
                    }
                    Effect::Commit(write) => {
                        let res = amending::commit(&opts.root, &write);
                        log.line(&format!("commit {:?}: {res:?}", write.change));
                        queue.push_back(app::committed(write, res));
                    }
                    Effect::Land { id } => {
                        let res = amending::land(&opts.root, &id);
                        log.line(&format!("land {id}: {res:?}"));
                        queue.push_back(Msg::Committed(res));
                    }
                    Effect::ExternalEditor { text } => {
                        guard.suspend();
                        let res = external_editor(&text);
                        guard
                            .resume()
                            .map_err(|e| format!("cannot take the terminal back: {e}"))?;
                        let _ = terminal.clear();
                        queue.push_back(Msg::EditorReturned(res));
                    }
                    Effect::BackgroundReload => {
                        log.line("reload asked for");
                        let _ = watcher.reload();
                    }
                    Effect::Reload => {
                        read_back_due = Some((watcher.reload(), Instant::now()));
                    }
                }
            }
            if swapped {
                give_back_freed_memory();
            }
        }
    })();
    drop(terminal);
    drop(guard);
    if let Err(e) = &result {
        log.line(&format!("error: {e}"));
        return Err(format!("{e} (log: {})", log_path.display()));
    }
    log.line("treaty tui quit");
    Ok(())
}

/// What a mouse event means: a left click selects, the wheel scrolls three lines.
pub fn mouse_msg(m: &MouseEvent) -> Option<Msg> {
    let (column, row) = (m.column, m.row);
    match m.kind {
        MouseEventKind::Down(MouseButton::Left) => Some(Msg::Click { column, row }),
        MouseEventKind::ScrollDown => Some(Msg::Wheel {
            column,
            row,
            lines: 3,
        }),
        MouseEventKind::ScrollUp => Some(Msg::Wheel {
            column,
            row,
            lines: -3,
        }),
        _ => None,
    }
}

/// Edits `text` in `$VISUAL` / `$EDITOR` (default `vi`) and returns the new text.
fn external_editor(text: &str) -> Result<String, String> {
    let editor = std::env::var("VISUAL")
        .or_else(|_| std::env::var("EDITOR"))
        .unwrap_or_else(|_| "vi".into());
    let file = tempfile::Builder::new()
        .prefix("treaty-clause-")
        .suffix(".md")
        .tempfile()
        .map_err(|e| format!("cannot create a temporary file: {e}"))?;
    std::fs::write(file.path(), text).map_err(|e| e.to_string())?;
    let mut parts = editor.split_whitespace();
    let program = parts.next().unwrap_or("vi");
    let status = std::process::Command::new(program)
        .args(parts)
        .arg(file.path())
        .status()
        .map_err(|e| format!("cannot run the editor `{editor}`: {e}; set $EDITOR"))?;
    if !status.success() {
        return Err(format!(
            "the editor `{editor}` failed ({status}); the text is unchanged"
        ));
    }
    std::fs::read_to_string(file.path()).map_err(|e| e.to_string())
}

/// Hands the memory a replaced snapshot held back to the system. Each snapshot is read on
/// a thread of its own (the watcher, a read-back), so glibc frees it into that thread's
/// heap, which it keeps: at UN scale the workbench grew by 60–100 MB per amendment until
/// it reached about 180 MB. `malloc_trim` returns what every heap holds free.
fn give_back_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free memory; it is safe to call at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyModifiers;

    fn event(kind: MouseEventKind) -> MouseEvent {
        MouseEvent {
            kind,
            column: 7,
            row: 4,
            modifiers: KeyModifiers::NONE,
        }
    }

    #[test]
    fn left_clicks_select_and_the_wheel_scrolls_where_the_pointer_is() {
        assert_eq!(
            mouse_msg(&event(MouseEventKind::Down(MouseButton::Left))),
            Some(Msg::Click { column: 7, row: 4 })
        );
        assert_eq!(
            mouse_msg(&event(MouseEventKind::ScrollDown)),
            Some(Msg::Wheel {
                column: 7,
                row: 4,
                lines: 3
            })
        );
        assert_eq!(
            mouse_msg(&event(MouseEventKind::ScrollUp)),
            Some(Msg::Wheel {
                column: 7,
                row: 4,
                lines: -3
            })
        );
        for ignored in [
            MouseEventKind::Down(MouseButton::Right),
            MouseEventKind::Up(MouseButton::Left),
            MouseEventKind::Moved,
            MouseEventKind::Drag(MouseButton::Left),
        ] {
            assert_eq!(mouse_msg(&event(ignored)), None, "{ignored:?}");
        }
    }
}
