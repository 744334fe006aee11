//! `treaty import-history`: successive drafts aligned version to version. The properties live in
//! `treaty_workbench::fuzzing::history_import`, which `cargo test` also runs on the saved corpus.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| treaty_workbench::fuzzing::history_import(data));
