//! Recording many amendments at once: commits built purely in the object database.
//!
//! [`Store::commit`] keeps the work tree and index in step after every amendment and takes
//! the store's lock each time, which costs milliseconds per commit. Importing or generating
//! a long history (thousands of amendments) does not need that: a [`Bulk`] writes the
//! blobs of the changed files, rebuilds only the changed folders from the previous tree,
//! and writes each commit object on top of the previous one without touching a ref. Round
//! tags are remembered and written at the end. Finishing the batch moves the branch once
//! (compare-and-swap against the tip the batch started from) with the work tree following,
//! journalled like every switch of the branch (see `worktree`), and creates the tags.
//!
//! New objects go to an in-memory object store and are written out as one pack every few
//! thousand commits: a loose file per object (five or so per commit) would cost more than
//! everything else together.
//!
//! Until the batch finishes nothing visible changes: the new objects are unreachable and
//! git collects them eventually.

use std::io::Write;

use git2::{Buf, ErrorCode, Mempack, ObjectType, Oid, Repository, Signature};

use super::commit::{build_tree, check_changes};
use super::lock::StoreLock;
use super::worktree::moves_between;
use super::{FileChange, Round, Store, StoreError};
use treaty_text::amendment::Amendment;
use treaty_text::amendment::validate_round_name;

/// A batch of amendments being recorded (see the module documentation).
pub struct Bulk<'s> {
    store: &'s Store,
    /// A handle of its own, whose object database writes to `mempack`.
    repo: &'s Repository,
    mempack: &'s Mempack<'s>,
    unpacked: usize,
    /// The branch tip when the batch started: the compare-and-swap's expected value.
    start: Oid,
    tip: Oid,
    tree: Oid,
    commits: usize,
    tags: Vec<PendingTag>,
}

struct PendingTag {
    name: String,
    target: Oid,
    tagger: Signature<'static>,
    message: String,
}

/// What a finished batch did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BulkOutcome {
    /// The new tip of the branch.
    pub head: Oid,
    /// How many amendment commits were recorded.
    pub commits: usize,
    /// The round tags created, in the order they were started.
    pub rounds: Vec<Round>,
    /// Changed files the user had edited on disk: left as they are.
    pub kept_local_edits: Vec<String>,
}

/// Commits held in memory before they are written out as a pack.
const PACK_EVERY: usize = 2000;

impl Store {
    /// Records a batch of amendments on top of the current tip of the branch: `record`
    /// adds them with [`Bulk::commit`] (and rounds with [`Bulk::start_round`]); when it
    /// returns `Ok`, the batch is finished (see below). When it returns
    /// an error, the branch, tags and work tree are left as they were.
    pub fn bulk<E: From<StoreError>>(
        &self,
        record: impl FnOnce(&mut Bulk<'_>) -> Result<(), E>,
    ) -> Result<BulkOutcome, E> {
        self.ensure_on_branch()?;
        let start = self.head()?;
        let tree = self.find_commit(start)?.tree_id();
        let repo = Repository::open(self.repo.path()).map_err(StoreError::from)?;
        let odb = repo.odb().map_err(StoreError::from)?;
        let mempack = odb
            .add_new_mempack_backend(1000)
            .map_err(StoreError::from)?;
        let mut bulk = Bulk {
            store: self,
            repo: &repo,
            mempack: &mempack,
            unpacked: 0,
            start,
            tip: start,
            tree,
            commits: 0,
            tags: Vec::new(),
        };
        record(&mut bulk)?;
        Ok(bulk.finish()?)
    }
}

impl<'s> Bulk<'s> {
    /// The last commit of the batch so far (the starting tip before the first one).
    pub fn tip(&self) -> Oid {
        self.tip
    }

    /// How many amendments the batch holds so far.
    pub fn len(&self) -> usize {
        self.commits
    }

    pub fn is_empty(&self) -> bool {
        self.commits == 0
    }

    /// Records `amendment` on top of the batch's tip, with explicit author and committer
    /// (their times are the commit's times). Returns the new commit.
    pub fn commit(
        &mut self,
        amendment: &Amendment,
        changes: &[FileChange],
        author: &Signature<'_>,
        committer: &Signature<'_>,
    ) -> Result<Oid, StoreError> {
        amendment.validate()?;
        check_changes(changes)?;
        let repo = self.repo;
        let base = repo.find_tree(self.tree)?;
        let tree_oid = build_tree(repo, &base, changes)?;
        let tree = repo.find_tree(tree_oid)?;
        let parent = repo.find_commit(self.tip)?;
        let message = amendment.to_message();
        let oid = repo.commit(None, author, committer, &message, &tree, &[&parent])?;
        self.tip = oid;
        self.tree = tree_oid;
        self.commits += 1;
        self.unpacked += 1;
        if self.unpacked >= PACK_EVERY {
            self.write_pack()?;
        }
        Ok(oid)
    }

    /// Starts round `name` at the batch's current tip: the annotated tag `round/<name>` is
    /// written when the batch finishes.
    pub fn start_round(
        &mut self,
        name: &str,
        message: &str,
        tagger: &Signature<'_>,
    ) -> Result<(), StoreError> {
        validate_round_name(name).map_err(|reason| StoreError::InvalidRoundName {
            name: name.to_string(),
            reason,
        })?;
        let taken = self.tags.iter().any(|t| t.name == name);
        if taken {
            return Err(StoreError::RoundExists {
                name: name.to_string(),
                target: self.tip,
            });
        }
        if let Ok(existing) = self
            .store
            .repo()
            .find_reference(&format!("refs/tags/round/{name}"))
        {
            return Err(StoreError::RoundExists {
                name: name.to_string(),
                target: existing.peel_to_commit()?.id(),
            });
        }
        let mut text = message.replace('\0', "").trim_end().to_string();
        if text.is_empty() {
            text = format!("Round {name}");
        }
        text.push('\n');
        self.tags.push(PendingTag {
            name: name.to_string(),
            target: self.tip,
            tagger: tagger.to_owned(),
            message: text,
        });
        Ok(())
    }

    /// Writes the objects held in memory to the object database as one pack.
    fn write_pack(&mut self) -> Result<(), StoreError> {
        let mut buf = Buf::new();
        self.mempack.dump(self.repo, &mut buf)?;
        let odb = self.repo.odb()?;
        let mut writer = odb.packwriter()?;
        writer.write_all(&buf).map_err(|source| StoreError::Io {
            path: self.repo.path().join("objects/pack"),
            source,
        })?;
        writer.commit()?;
        odb.refresh()?;
        self.mempack.reset()?;
        self.unpacked = 0;
        Ok(())
    }

    /// Moves the branch to the batch's tip (refused with [`StoreError::Moved`] if another
    /// amendment landed since the batch started), creates the round tags and brings the
    /// work tree and index up to date with the final text. The work tree is updated
    /// safely: a file the user has edited is never overwritten (the checkout is refused
    /// before anything is written, and the branch is left where it was).
    fn finish(mut self) -> Result<BulkOutcome, StoreError> {
        if self.unpacked > 0 {
            self.write_pack()?;
        }
        let store = self.store;
        let repo = store.repo();
        repo.odb()?.refresh()?;
        let _lock = StoreLock::acquire(repo.path())?;
        store.ensure_on_branch()?;
        let actual = store.head()?;
        if actual != self.start {
            return Err(StoreError::Moved {
                expected: self.start,
                actual,
            });
        }
        // Tags first would point outside the branch if the move then failed; check the
        // names are still free, then move the branch with the work tree following.
        for tag in &self.tags {
            if let Ok(existing) = repo.find_reference(&format!("refs/tags/round/{}", tag.name)) {
                return Err(StoreError::RoundExists {
                    name: tag.name.clone(),
                    target: existing.peel_to_commit()?.id(),
                });
            }
        }
        let mut kept_local_edits = Vec::new();
        if self.tip != self.start {
            let old = repo.find_commit(self.start)?.tree()?;
            let new = repo.find_tree(self.tree)?;
            let diff = repo.diff_tree_to_tree(Some(&old), Some(&new), None)?;
            let mut paths: Vec<String> = Vec::new();
            for delta in diff.deltas() {
                for file in [delta.old_file(), delta.new_file()] {
                    if let Some(p) = file.path().and_then(|p| p.to_str())
                        && !paths.iter().any(|q| q == p)
                    {
                        paths.push(p.to_string());
                    }
                }
            }
            let moves = moves_between(&old, &new, &paths);
            kept_local_edits = store
                .switch(
                    self.start,
                    self.tip,
                    &moves,
                    &format!("treaty: record {} amendments", self.commits),
                )?
                .kept_local_edits;
        }
        let mut rounds = Vec::with_capacity(self.tags.len());
        for tag in self.tags {
            let target = repo.find_object(tag.target, Some(ObjectType::Commit))?;
            match repo.tag(
                &format!("round/{}", tag.name),
                &target,
                &tag.tagger,
                &tag.message,
                false,
            ) {
                Ok(_) => {}
                Err(e) if e.code() == ErrorCode::Exists => {
                    return Err(StoreError::RoundExists {
                        name: tag.name,
                        target: tag.target,
                    });
                }
                Err(e) => return Err(e.into()),
            }
            rounds.push(Round {
                name: tag.name,
                target: tag.target,
                time: tag.tagger.when(),
                message: tag.message.trim_end().to_string(),
            });
        }
        Ok(BulkOutcome {
            head: self.tip,
            commits: self.commits,
            rounds,
            kept_local_edits,
        })
    }
}
