//! `treaty import`: plain text and Markdown readers, and the draft writer for whatever
//! they accept.
#![no_main]

use libfuzzer_sys::fuzz_target;
use treaty_workbench::import::{from_markdown, from_plain_text, write};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for imported in [from_plain_text(text), from_markdown(text)]
        .into_iter()
        .flatten()
    {
        let _ = imported.stats();
        let _ = write::render(&imported);
    }
});
