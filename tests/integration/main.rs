//! All integration tests, in one binary so the crate is linked once.

mod support;

mod amend;
mod architecture;
mod bad_input;
mod cli_document;
mod compile;
mod concurrency;
mod crash;
mod demo;
mod diff;
mod drafts_roundtrip;
mod exercise;
mod export;
mod fuzz_replay;
mod history;
mod hostile_text;
mod import_cli;
mod import_history;
mod import_interchange;
mod import_negotiating;
mod moot_ssh;
mod positions;
mod proposals;
mod repo_faults;
mod signing;
mod structure;
mod sync;
mod synth;
mod trust;
mod tui;
mod tui_article;
mod tui_live;
mod tui_structure;
mod tui_tmux;
mod verify;
