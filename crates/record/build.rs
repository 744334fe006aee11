//! Embeds the bundled sample negotiation (drafts/, positions/, themes/) so that
//! `treaty demo` works from any folder: writes `$OUT_DIR/sample.rs`, a list of
//! `(relative path, include_bytes!(..))`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    // The sample lives at the top of the workspace, two folders up from this crate.
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let root = manifest.join("../..");
    let mut files = Vec::new();
    for sub in ["drafts", "positions", "themes"] {
        let dir = root.join(sub);
        println!("cargo:rerun-if-changed={}", dir.display());
        walk(&root, &dir, &mut files);
    }
    files.sort();
    let mut code = String::from("&[\n");
    for (rel, abs) in &files {
        // Folders change when a file is added or removed: watch them too.
        println!("cargo:rerun-if-changed={}", abs.display());
        let _ = writeln!(
            code,
            "    ({rel:?}, include_bytes!({:?})),",
            abs.display().to_string()
        );
    }
    code.push(']');
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets it")).join("sample.rs");
    std::fs::write(out, code).expect("write sample.rs");
}

fn walk(root: &Path, dir: &Path, files: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            println!("cargo:rerun-if-changed={}", path.display());
            walk(root, &path, files);
        } else if path.is_file() {
            let rel = path
                .strip_prefix(root)
                .expect("under the manifest folder")
                .to_string_lossy()
                .replace('\\', "/");
            files.push((rel, path));
        }
    }
}
