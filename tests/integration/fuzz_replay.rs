//! Replays the saved fuzz inputs (`fuzz/regressions/<target>/`) through the properties the
//! fuzz targets check (`treaty_workbench::fuzzing`): every past finding and a minimised
//! corpus from the long runs stay regression tests in `cargo test`.

use std::path::PathBuf;

use treaty_workbench::fuzzing;

use crate::support::repo_root;

/// The saved inputs of one target, sorted by name.
fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = repo_root().join("fuzz").join("regressions").join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{} holds no inputs", dir.display());
    files
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect()
}

/// Runs `check` on every saved input of `target`, naming the input that breaks it.
fn replay(target: &str, check: fn(&[u8])) {
    for (path, bytes) in inputs(target) {
        let result = std::panic::catch_unwind(|| check(&bytes));
        assert!(
            result.is_ok(),
            "fuzz input {} broke a property",
            path.display()
        );
    }
}

#[test]
fn draft() {
    replay("draft", fuzzing::draft);
}

#[test]
fn bracket() {
    replay("bracket", fuzzing::bracket);
}

#[test]
fn ron() {
    replay("ron", fuzzing::ron);
}

#[test]
fn import() {
    replay("import", fuzzing::import);
}

#[test]
fn history_import() {
    replay("history_import", fuzzing::history_import);
}

#[test]
fn keymap() {
    replay("keymap", fuzzing::keymap);
}
