//! The RON loaders: positions, tiers, annex proposals, themes, the roster. The properties live in
//! `treaty_workbench::fuzzing::ron`, which `cargo test` also runs on the saved corpus.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| treaty_workbench::fuzzing::ron(data));
