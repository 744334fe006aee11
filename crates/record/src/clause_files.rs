//! Which draft file holds each clause, remembered between amendments under the id of the
//! `drafts/` tree it was read from (`.git/treaty/clause-files`). An amendment to one
//! clause's wording then reads `treaty.md` and that clause's file rather than the whole
//! draft, which at 320 articles is most of an amendment's time.
//!
//! Only a saving: a memo that is missing, written for another tree, or wrong sends the
//! amendment back to reading the whole draft ([`crate::record`] falls back when the
//! clause is not where the memo says). It is written after an amendment is recorded,
//! never when only reading, so a refused amendment leaves the repository as it found it.

use std::path::PathBuf;

use treaty_text::draft::Draft;
use treaty_text::fsutil::{WriteOptions, write_atomic_with};

use crate::store::{Oid, Store};

/// The memo: one `id<TAB>file` line per clause with an id, file relative to `drafts/`.
#[derive(Clone)]
pub(crate) struct ClauseFiles {
    lines: String,
}

fn memo_path(store: &Store) -> PathBuf {
    store.repo().path().join("treaty").join("clause-files")
}

impl ClauseFiles {
    /// The memo, if it was written for the `drafts/` tree `tree`.
    pub(crate) fn read(store: &Store, tree: Oid) -> Option<ClauseFiles> {
        // 10,000 clauses take about 300 KB.
        let text = treaty_text::fsutil::read_memo(&memo_path(store), 64 << 20)?;
        let (head, lines) = text.split_once('\n')?;
        (Oid::from_str(head).ok()? == tree).then(|| ClauseFiles {
            lines: lines.to_string(),
        })
    }

    /// The file that holds clause `id`, as the memo says.
    pub(crate) fn file_of(&self, id: &str) -> Option<&str> {
        self.lines
            .lines()
            .find_map(|l| l.strip_prefix(id)?.strip_prefix('\t'))
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
        Some(ClauseFiles { lines })
    }

    /// Keeps the memo for the `drafts/` tree `tree`. A memo that cannot be written is
    /// read afresh next time; it need not survive a crash (it is checked when read).
    pub(crate) fn remember(&self, store: &Store, tree: Oid) {
        let path = memo_path(store);
        let text = format!("{tree}\n{}", self.lines);
        let options = WriteOptions {
            executable: None,
            durable: false,
        };
        let _ = std::fs::create_dir_all(path.parent().unwrap_or(std::path::Path::new(".")))
            .and_then(|()| write_atomic_with(&path, text.as_bytes(), options));
    }
}
