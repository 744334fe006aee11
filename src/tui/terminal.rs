//! The terminal guard: raw mode, the alternate screen and mouse capture, undone on drop,
//! on panic (through a panic hook that restores before the message prints) and on
//! suspend (for `$EDITOR`). Ctrl-C arrives as a key in raw mode and quits normally.

use std::io::{self, Write};
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};

/// Whether the terminal is currently taken over (so the panic hook knows to restore).
static ACTIVE: AtomicBool = AtomicBool::new(false);

/// Puts the terminal back as the shell expects it. Safe to call twice.
pub fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let mut out = io::stdout();
        let _ = execute!(
            out,
            DisableMouseCapture,
            LeaveAlternateScreen,
            crossterm::cursor::Show
        );
        let _ = disable_raw_mode();
        let _ = out.flush();
    }
}

fn take_over() -> io::Result<()> {
    enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    execute!(io::stdout(), EnterAlternateScreen, EnableMouseCapture)?;
    Ok(())
}

/// Holds the terminal; restores it when dropped.
pub struct TerminalGuard {
    _private: (),
}

impl TerminalGuard {
    pub fn new() -> io::Result<TerminalGuard> {
        install_panic_hook();
        if let Err(e) = take_over() {
            restore();
            return Err(e);
        }
        Ok(TerminalGuard { _private: () })
    }

    /// Gives the terminal back for a while (to run `$EDITOR`).
    pub fn suspend(&self) {
        restore();
    }

    pub fn resume(&self) -> io::Result<()> {
        take_over()
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            // Restore first, so the message lands on the normal screen in cooked mode.
            restore();
            previous(info);
        }));
    });
}
