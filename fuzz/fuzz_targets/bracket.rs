//! The bracket parser. The properties live in
//! `treaty_workbench::fuzzing::bracket`, which `cargo test` also runs on the saved corpus.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| treaty_workbench::fuzzing::bracket(data));
