//! Where draft files come from: a folder on disk, a git tree, or memory.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use crate::diag::{Diagnostic, LineIndex};

/// Why a draft file could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error("file not found")]
    Missing,
    #[error("path leaves the drafts folder")]
    Outside,
    #[error("a symbolic link, which drafts in the record may not hold")]
    Link,
    #[error("not valid UTF-8")]
    NotUtf8 { line: usize, col: usize },
    #[error("binary file (contains NUL bytes)")]
    Binary { line: usize, col: usize },
    #[error("{0}")]
    Io(String),
}

impl ReadError {
    /// A diagnostic at the place that referred to the file (or in the file itself, for
    /// encoding problems).
    /// Where the problem is: inside the file itself for encoding problems.
    pub fn location(&self) -> Option<(usize, usize)> {
        match self {
            ReadError::NotUtf8 { line, col } | ReadError::Binary { line, col } => {
                Some((*line, *col))
            }
            _ => None,
        }
    }

    pub fn diagnostic(&self, referrer: &str, line: usize, col: usize) -> Diagnostic {
        let help = match self {
            ReadError::Missing => "create the file, or remove the line that includes it",
            ReadError::Outside => {
                "drafts may only include files inside drafts/ (no `..`, no links out)"
            }
            ReadError::Link => "replace the link with the file itself",
            ReadError::NotUtf8 { .. } => "save the file as UTF-8",
            ReadError::Binary { .. } => {
                "drafts are Markdown text: remove the NUL bytes, or restore the file from an earlier commit (`git restore --source=HEAD~1 <file>`) and commit the repair"
            }
            ReadError::Io(_) => "check the file's permissions",
        };
        Diagnostic::error(referrer, line, col, self.to_string()).with_help(help)
    }
}

impl Diagnostic {
    /// Names the file a read error was about.
    pub(crate) fn with_context(mut self, path: &str) -> Self {
        self.message = format!("{path}: {}", self.message);
        self
    }
}

/// Anything that can give the text of a draft file by its path relative to `drafts/`.
pub trait Source {
    fn read(&self, rel: &str) -> Result<String, ReadError>;

    /// The Markdown files in folder `dir` (relative to `drafts/`), as paths relative to
    /// `drafts/`, for finding article and annex files `treaty.md` does not include. A
    /// source that cannot list (a git tree read file by file) lists none.
    fn list_markdown(&self, dir: &str) -> Vec<String> {
        let _ = dir;
        Vec::new()
    }
}

/// Checks raw bytes for being a text file and decodes them.
pub fn decode(bytes: Vec<u8>) -> Result<String, ReadError> {
    if let Some(nul) = memchr::memchr(0, &bytes) {
        let prefix = String::from_utf8_lossy(&bytes[..nul]);
        let (line, col) = LineIndex::new(&prefix).line_col(prefix.len());
        return Err(ReadError::Binary { line, col });
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let bytes = e.into_bytes();
        let prefix = String::from_utf8_lossy(&bytes[..valid]);
        let (line, col) = LineIndex::new(&prefix).line_col(prefix.len());
        ReadError::NotUtf8 { line, col }
    })
}

/// Relative paths that stay inside their folder: no `..`, no absolute paths.
pub fn is_contained(rel: &str) -> bool {
    let p = Path::new(rel);
    !rel.is_empty()
        && p.components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
}

/// The `drafts/` folder on disk.
pub struct DirSource {
    root: PathBuf,
}

impl DirSource {
    pub fn new(root: &Path) -> Self {
        Self {
            root: root.to_path_buf(),
        }
    }
}

impl Source for DirSource {
    fn read(&self, rel: &str) -> Result<String, ReadError> {
        if !is_contained(rel) {
            return Err(ReadError::Outside);
        }
        // Links are followed, in the file name and every folder above it, only as long as
        // they stay inside drafts/.
        match crate::fsutil::read_inside(&self.root, Path::new(rel)) {
            Ok(bytes) => decode(bytes),
            Err(crate::fsutil::InsideError::Missing) => Err(ReadError::Missing),
            Err(crate::fsutil::InsideError::Outside(_)) => Err(ReadError::Outside),
            Err(crate::fsutil::InsideError::Io(e)) => Err(ReadError::Io(e.to_string())),
        }
    }

    fn list_markdown(&self, dir: &str) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(self.root.join(dir)) else {
            return Vec::new();
        };
        let mut out: Vec<String> = entries
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|name| name.ends_with(".md"))
            .map(|name| format!("{dir}/{name}"))
            .collect();
        out.sort();
        out
    }
}

/// Files held in memory (tests, generated drafts).
pub(crate) struct MapSource<'a> {
    pub front: &'a str,
    pub files: HashMap<&'a str, &'a str>,
}

impl Source for MapSource<'_> {
    fn read(&self, rel: &str) -> Result<String, ReadError> {
        if rel == super::FRONT_FILE {
            return Ok(self.front.to_string());
        }
        if !is_contained(rel) {
            return Err(ReadError::Outside);
        }
        self.files
            .get(rel)
            .map(|s| s.to_string())
            .ok_or(ReadError::Missing)
    }
}

impl<F: Fn(&str) -> Result<String, ReadError>> Source for F {
    fn read(&self, rel: &str) -> Result<String, ReadError> {
        self(rel)
    }
}
