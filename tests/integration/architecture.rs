//! The README's module map names every module of the three crates, and nothing else: the
//! map is the newcomer's view of the tree, so it must not drift from it.

use std::collections::BTreeSet;
use std::path::Path;

use crate::support::repo_root;

/// The modules under `root`: `.rs` files (crate roots aside) and folders that hold a
/// `mod.rs` or stand beside a `.rs` file of their own name holding more than tests.
fn modules(root: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for entry in std::fs::read_dir(root).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type().unwrap().is_dir() {
            // `amend/` next to `amend.rs` holds only the module's tests.
            if !root.join(format!("{name}.rs")).exists() {
                out.insert(format!("{name}/"));
            }
        } else if name.ends_with(".rs") && name != "lib.rs" && name != "main.rs" {
            out.insert(name);
        }
    }
    out
}

/// The entries the map lists under `root` (the indented lines after the root's line).
fn mapped(map: &str, root: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut inside = false;
    for line in map.lines() {
        if !line.starts_with(' ') {
            inside = line.split_whitespace().next() == Some(root);
            continue;
        }
        if inside {
            out.insert(line.split_whitespace().next().unwrap().to_string());
        }
    }
    out
}

#[test]
fn the_readme_module_map_matches_the_tree() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let start = readme
        .find("<!-- module map")
        .expect("README.md has a module map");
    let map = &readme[start..];
    let map = &map[map.find("```\n").unwrap() + 4..];
    let map = &map[..map.find("```").unwrap()];
    for root in ["crates/text/src/", "crates/record/src/", "src/"] {
        assert_eq!(
            mapped(map, root),
            modules(&repo_root().join(root)),
            "the README's module map under {root} differs from the tree"
        );
    }
}
