//! Which draft file holds each clause, remembered between amendments under the id of the
//! `drafts/` tree it was read from (`.git/treaty/clause-files`). An amendment to one
//! clause's wording then reads that clause's file alone rather than the whole draft,
//! which at 320 articles is most of an amendment's time.
//!
//! Only a saving: a memo that is missing, written for another tree, or wrong sends the
//! amendment back to reading the whole draft ([`crate::record`] falls back when the
//! clause is not where the memo says). It is written after an amendment is recorded,
//! never when only reading, so a refused amendment leaves the repository as it found it.

use std::path::PathBuf;

use treaty_text::draft::Draft;
use treaty_text::fsutil::{WriteOptions, write_atomic_with};

use crate::store::{Oid, Store};

/// The memo: one `id<TAB>file` line per clause with an id, file relative to `drafts/`,
/// from byte `start` of `text` on.
#[derive(Clone)]
pub(crate) struct ClauseFiles {
    text: String,
    start: usize,
}

fn memo_path(store: &Store) -> PathBuf {
    store.repo().path().join("treaty").join("clause-files")
}

impl ClauseFiles {
    /// The memo, if it was written for the `drafts/` tree `tree`.
    pub(crate) fn read(store: &Store, tree: Oid) -> Option<ClauseFiles> {
        // 10,000 clauses take about 300 KB.
        let text = treaty_text::fsutil::read_memo(&memo_path(store), 64 << 20)?;
        let (head, _) = text.split_once('\n')?;
        let start = head.len() + 1;
        (Oid::from_str(head).ok()? == tree).then_some(ClauseFiles { text, start })
    }

    fn lines(&self) -> &str {
        &self.text[self.start..]
    }

    /// The file that holds clause `id`, as the memo says. The line is found with one
    /// substring search, not line by line (10,000 lines at UN scale).
    pub(crate) fn file_of(&self, id: &str) -> Option<&str> {
        let lines = self.lines();
        let key = format!("\n{id}\t");
        let at = if lines.starts_with(&key[1..]) {
            key.len() - 1
        } else {
            memchr::memmem::find(lines.as_bytes(), key.as_bytes())? + key.len()
        };
        let rest = &lines[at..];
        Some(&rest[..memchr::memchr(b'\n', rest.as_bytes()).unwrap_or(rest.len())])
    }

    /// The memo for `draft`; `None` when an id repeats or an id or a path is not one
    /// plain line (a broken or hostile draft is never remembered).
    pub(crate) fn of(draft: &Draft) -> Option<ClauseFiles> {
        let mut seen = std::collections::HashSet::new();
        let mut lines = String::new();
        for c in &draft.clauses {
            let Some(id) = &c.id else { continue };
            let path = &draft.files[c.file].path;
            let plain = |s: &str| !s.is_empty() && !s.contains(['\t', '\n', '\r']);
            if !seen.insert(id.as_str()) || !plain(id) || !plain(path) {
                return None;
            }
            lines.push_str(id);
            lines.push('\t');
            lines.push_str(path);
            lines.push('\n');
        }
        Some(ClauseFiles {
            text: lines,
            start: 0,
        })
    }

    /// Keeps the memo for the `drafts/` tree `tree`. A memo that cannot be written is
    /// read afresh next time; it need not survive a crash (it is checked when read).
    pub(crate) fn remember(&self, store: &Store, tree: Oid) {
        let path = memo_path(store);
        let text = format!("{tree}\n{}", self.lines());
        let options = WriteOptions {
            executable: None,
            durable: false,
        };
        let _ = std::fs::create_dir_all(path.parent().unwrap_or(std::path::Path::new(".")))
            .and_then(|()| write_atomic_with(&path, text.as_bytes(), options));
    }
}

#[cfg(test)]
mod tests {
    use super::ClauseFiles;

    #[test]
    fn a_clause_is_found_on_its_own_line_only() {
        let memo = |text: &str, start: usize| ClauseFiles {
            text: text.to_string(),
            start,
        };
        let lines = "one\ttreaty.md\none.1\tarticles/one.md\none.10\tarticles/ten.md\n";
        for m in [memo(lines, 0), memo(&format!("0123abcd\n{lines}"), 9)] {
            assert_eq!(m.file_of("one"), Some("treaty.md"));
            assert_eq!(m.file_of("one.1"), Some("articles/one.md"));
            assert_eq!(m.file_of("one.10"), Some("articles/ten.md"));
            assert_eq!(m.file_of("one.100"), None);
            assert_eq!(m.file_of("ne.1"), None);
            assert_eq!(m.file_of("articles/one.md"), None);
        }
        // The last line without its line end still reads.
        assert_eq!(memo("a\tx.md\nb\ty.md", 0).file_of("b"), Some("y.md"));
    }
}
