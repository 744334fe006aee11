//! The amendment log: the branch's first-parent line, read from commit objects only (no
//! trees), filtered by clause, delegation, round and kind.

use git2::{Oid, Repository, Revwalk, Sort, Time};

use super::{Store, StoreError};
use treaty_text::amendment::{Amendment, AmendmentKind};

/// Which amendments to list. Every field that is set must match; with no field set,
/// every commit is listed, amendments or not. Matching is exact (clause ids and
/// delegation codes are codes, not prose).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LogFilter {
    /// Amendments touching this clause id.
    pub clause: Option<String>,
    /// Amendments proposed by (or co-proposed by) this delegation.
    pub by: Option<String>,
    /// Amendments whose `Round` trailer names this round.
    pub round: Option<String>,
    pub kind: Option<AmendmentKind>,
    /// Only commits made after this one (exclusive); for incremental readers.
    pub since: Option<Oid>,
}

impl LogFilter {
    pub fn clause(mut self, clause: impl Into<String>) -> Self {
        self.clause = Some(clause.into());
        self
    }

    pub fn by(mut self, delegation: impl Into<String>) -> Self {
        self.by = Some(delegation.into());
        self
    }

    pub fn round(mut self, round: impl Into<String>) -> Self {
        self.round = Some(round.into());
        self
    }

    pub fn kind(mut self, kind: AmendmentKind) -> Self {
        self.kind = Some(kind);
        self
    }

    pub fn since(mut self, commit: Oid) -> Self {
        self.since = Some(commit);
        self
    }

    fn selects_amendments_only(&self) -> bool {
        self.clause.is_some() || self.by.is_some() || self.round.is_some() || self.kind.is_some()
    }

    /// Whether a commit with this amendment (or none) passes the filter.
    pub fn matches(&self, amendment: Option<&Amendment>) -> bool {
        let Some(a) = amendment else {
            return !self.selects_amendments_only();
        };
        self.clause
            .as_ref()
            .is_none_or(|c| a.clauses.iter().any(|x| x == c))
            && self
                .by
                .as_ref()
                .is_none_or(|p| a.proposers.iter().any(|x| x == p))
            && self
                .round
                .as_ref()
                .is_none_or(|r| a.round.as_ref() == Some(r))
            && self.kind.is_none_or(|k| a.kind == k)
    }
}

/// One commit on the first-parent line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogEntry {
    pub oid: Oid,
    /// `None` for ordinary commits (no amendment trailers).
    pub amendment: Option<Amendment>,
    pub author_name: String,
    pub author_email: String,
    /// The author's time.
    pub time: Time,
    /// The subject line as git shows it.
    pub summary: String,
    pub parents: Vec<Oid>,
}

/// A lazy walk; each step reads one commit object.
pub struct Log<'r> {
    repo: &'r Repository,
    walk: Revwalk<'r>,
    filter: LogFilter,
}

impl Iterator for Log<'_> {
    type Item = Result<LogEntry, StoreError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let oid = match self.walk.next()? {
                Ok(oid) => oid,
                Err(e) => return Some(Err(e.into())),
            };
            let commit = match self.repo.find_commit(oid) {
                Ok(c) => c,
                Err(e) => return Some(Err(e.into())),
            };
            let message = String::from_utf8_lossy(commit.message_bytes());
            let amendment = Amendment::parse(&message);
            if !self.filter.matches(amendment.as_ref()) {
                continue;
            }
            let author = commit.author();
            return Some(Ok(LogEntry {
                oid,
                amendment,
                author_name: String::from_utf8_lossy(author.name_bytes()).into_owned(),
                author_email: String::from_utf8_lossy(author.email_bytes()).into_owned(),
                time: author.when(),
                summary: String::from_utf8_lossy(commit.summary_bytes().unwrap_or_default())
                    .into_owned(),
                parents: commit.parent_ids().collect(),
            }));
        }
    }
}

impl Store {
    /// The first-parent line from the tip, newest first, filtered.
    pub fn log(&self, filter: &LogFilter) -> Result<Log<'_>, StoreError> {
        self.walk(filter, false)
    }

    /// The same walk, oldest first (for replaying history).
    pub fn log_oldest_first(&self, filter: &LogFilter) -> Result<Log<'_>, StoreError> {
        self.walk(filter, true)
    }

    /// The files `commit` changed compared with its first parent (everything, for a root
    /// commit), sorted. This is the one place the log reads trees, and only when asked;
    /// git's tree diff skips unchanged folders, so it costs O(changed paths).
    pub fn changed_paths(&self, commit: Oid) -> Result<Vec<String>, StoreError> {
        let commit = self.find_commit(commit)?;
        let tree = commit.tree()?;
        let parent_tree = match commit.parent_ids().next() {
            Some(parent) => Some(self.find_commit(parent)?.tree()?),
            None => None,
        };
        let diff = self
            .repo
            .diff_tree_to_tree(parent_tree.as_ref(), Some(&tree), None)?;
        let mut paths: Vec<String> = diff
            .deltas()
            .filter_map(|d| d.new_file().path().or_else(|| d.old_file().path()))
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .collect();
        paths.sort();
        paths.dedup();
        Ok(paths)
    }

    fn walk(&self, filter: &LogFilter, oldest_first: bool) -> Result<Log<'_>, StoreError> {
        let mut walk = self.repo.revwalk()?;
        walk.simplify_first_parent()?;
        if oldest_first {
            walk.set_sorting(Sort::REVERSE)?;
        }
        walk.push(self.head()?)?;
        if let Some(since) = filter.since {
            walk.hide(since)?;
        }
        Ok(Log {
            repo: &self.repo,
            walk,
            filter: filter.clone(),
        })
    }
}
