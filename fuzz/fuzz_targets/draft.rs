//! The lossless draft parser: any text loads without panicking, and every draft file
//! prints back byte for byte.
#![no_main]

use libfuzzer_sys::fuzz_target;
use treaty_workbench::draft::{Draft, DraftFile};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // Before the first NUL: treaty.md; after it: one included article file.
    let (front, article) = text.split_once('\0').unwrap_or((text, ""));
    let loaded = Draft::from_texts(front, &[("articles/a.md", article)]);
    for file in &loaded.draft.files {
        let printed = file.text();
        assert_eq!(
            DraftFile::parse(file.path.clone(), &printed).text(),
            printed
        );
    }
    for (path, t) in [("treaty.md", front), ("articles/a.md", article)] {
        assert_eq!(DraftFile::parse(path, t).text(), t, "round trip of {path}");
    }
});
