//! `treaty import`: the plain-text, Markdown, Akoma Ntoso and DOCX readers and the draft
//! writer. The properties live in `treaty_workbench::fuzzing::import`, which `cargo test`
//! also runs on the saved corpus.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| treaty_workbench::fuzzing::import(data));
