//! The properties the fuzz targets check, one function per target.
//!
//! `fuzz/fuzz_targets/*.rs` are one-line wrappers around these, and
//! `tests/integration/fuzz_replay.rs` replays the saved corpus (`fuzz/regressions/`)
//! through them in `cargo test`, so every finding stays a regression test. Each function
//! takes any bytes and panics only when a property is broken.

use std::collections::HashSet;
use std::path::Path;

use crate::annex::AnnexRegister;
use crate::bracket::{self, Choice};
use crate::draft::{Draft, DraftFile};
use crate::import::archive::preview;
use crate::import::{from_akn, from_docx, from_markdown, from_plain_text, write};
use crate::position::Position;
use crate::ronfile::parse_bytes;
use crate::roster::Roster;
use crate::theme::Theme;
use crate::tiers::Tiers;

/// The lossless draft parser: any text loads, and every draft file prints back byte for
/// byte. Before the first NUL: treaty.md; after it: one included article file.
pub fn draft(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
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
}

/// The bracket parser: printing the tree gives the input back, the first-choice clean
/// text always exists, and the counts agree with the tree.
pub fn bracket(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let tree = bracket::parse(text);
    assert_eq!(tree.print(text), text, "print(parse(text)) == text");
    tree.clean(text, &Choice::First)
        .expect("the first alternative of every choice always exists");
    let stats = tree.stats();
    assert_eq!(stats.problems, tree.problems.len());
    assert!(stats.attributions <= stats.alternatives);
    assert!(stats.groups <= stats.alternatives);
    for (i, point) in tree.choice_points(text).iter().enumerate() {
        if !point.labels.is_empty() {
            let _ = tree.clean(text, &Choice::Pick(vec![(i, point.labels.len() - 1)]));
        }
    }
}

/// The RON loaders (positions, tiers, annex proposals, themes, the roster): a value or a
/// located error, never a panic.
pub fn ron(data: &[u8]) {
    let p = Path::new("fuzz.ron");
    let _ = Position::from_bytes(data, p).map_err(|e| e.into_diagnostic());
    let _ = parse_bytes::<Tiers>(data, p).map_err(|e| e.into_diagnostic());
    let _ = parse_bytes::<AnnexRegister>(data, p).map_err(|e| e.into_diagnostic());
    if let Ok(r) = Roster::from_bytes(data, p) {
        let _ = r.check(&String::from_utf8_lossy(data), p, None);
    }
    if let Ok(text) = std::str::from_utf8(data) {
        if let Err(e) = Theme::from_str(text, p) {
            let _ = e.into_diagnostic(p);
        }
        let _ = Theme::validate(text, p);
    }
}

/// `treaty import`: the DOCX reader on the raw bytes (a zip, or not), and the plain-text,
/// Markdown and Akoma Ntoso readers on text; then the draft writer for whatever they
/// accept.
pub fn import(data: &[u8]) {
    let docx = from_docx(data);
    let Ok(text) = std::str::from_utf8(data) else {
        if let Ok(imported) = docx {
            let _ = write::render(&imported);
        }
        return;
    };
    for imported in [
        docx,
        from_plain_text(text),
        from_markdown(text),
        from_akn(text),
    ]
    .into_iter()
    .flatten()
    {
        let _ = imported.stats();
        let _ = write::render(&imported);
    }
}

/// `treaty import-history`: up to four successive drafts (split on NUL), read as Markdown
/// when the input starts with `#`, else as plain text, aligned version to version. A
/// report or an error, never a panic; no version hands out one clause id twice.
pub fn history_import(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let markdown = text.starts_with('#');
    let mut versions = Vec::new();
    for (i, part) in text.split('\0').take(4).enumerate() {
        let read = if markdown {
            from_markdown(part)
        } else {
            from_plain_text(part)
        };
        let Ok(doc) = read else {
            return;
        };
        versions.push((format!("Draft {}", i + 1), None, doc));
    }
    if let Ok(reports) = preview(versions) {
        for report in reports {
            let mut seen = HashSet::new();
            for id in &report.changed {
                assert!(seen.insert(id), "clause id {id} handed out twice");
            }
        }
    }
}

/// Key maps laid over the shipped default: a map or a located error, never a panic; every
/// key the map lists for an action leads back to that action.
pub fn keymap(data: &[u8]) {
    use crate::tui::action::Action;
    use crate::tui::keymap::{Key, Keymap};
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = Key::parse(text);
    let mut map = Keymap::builtin("default").expect("the shipped default map loads");
    if map.layer(text, Path::new("fuzz.ron")).is_err() {
        return;
    }
    for action in Action::ALL {
        for key in map.keys(*action) {
            assert_eq!(map.action(*key), Some(*action), "{key} lost its action");
        }
    }
}
