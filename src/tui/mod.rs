//! The workbench TUI (ratatui + crossterm): outline, bracketed clauses, compare, tiers,
//! annexes, history replay and amending.
//!
//! State in, frame out: keys become named [`action::Action`]s, [`app::update`] changes
//! the [`app::State`] and returns effects, [`screens::draw`] renders the state. Slow work
//! runs in [`jobs::Worker`], newest request wins; amendments made elsewhere are read by
//! [`watch::Watcher`]. Only this module and `cli` know about the terminal.

pub mod action;
pub mod amending;
pub mod app;
pub mod compare;
pub mod data;
pub mod jobs;
pub mod keymap;
pub mod restructure;
pub mod run;
pub mod screens;
pub mod terminal;
pub mod theme;
pub mod watch;
pub mod widgets;

pub use run::{Options, run};
