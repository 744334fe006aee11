//! Rounds (sessions) of negotiation: annotated tags `round/<name>` on the commit where the
//! round starts.

use std::collections::HashMap;

use git2::{ErrorCode, ObjectType, Oid, Time};

use super::{Store, StoreError};
use treaty_text::amendment::validate_round_name;

const PREFIX: &str = "refs/tags/round/";

/// One round: its name, the commit it starts at, when it was opened and its description.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Round {
    pub name: String,
    /// The commit the tag points at (HEAD when the round was started).
    pub target: Oid,
    /// The tagger's time (the commit's time for a lightweight tag made by hand).
    pub time: Time,
    /// The tag's message, without its final newline; empty for a lightweight tag.
    pub message: String,
}

impl Store {
    /// Starts round `name` at the current tip of the branch: an annotated tag
    /// `round/<name>` by the configured identity, timed by the store's clock.
    pub fn start_round(&self, name: &str, message: &str) -> Result<Round, StoreError> {
        let tagger = self.committer()?;
        self.start_round_as(name, message, &tagger)
    }

    /// [`Store::start_round`] with an explicit tagger and time, e.g. for scripted histories
    /// that must come out the same on every run.
    pub fn start_round_as(
        &self,
        name: &str,
        message: &str,
        tagger: &git2::Signature<'_>,
    ) -> Result<Round, StoreError> {
        validate_round_name(name).map_err(|reason| StoreError::InvalidRoundName {
            name: name.to_string(),
            reason,
        })?;
        let refname = format!("{PREFIX}{name}");
        if let Ok(existing) = self.repo.find_reference(&refname) {
            let target = existing.peel_to_commit()?.id();
            return Err(StoreError::RoundExists {
                name: name.to_string(),
                target,
            });
        }
        let head = self.head()?;
        let target = self.repo.find_object(head, Some(ObjectType::Commit))?;
        let mut text = message.replace('\0', "").trim_end().to_string();
        if text.is_empty() {
            text = format!("Round {name}");
        }
        text.push('\n');
        match self
            .repo
            .tag(&format!("round/{name}"), &target, tagger, &text, false)
        {
            Ok(_) => {}
            Err(e) if e.code() == ErrorCode::Exists => {
                let target = self
                    .repo
                    .find_reference(&refname)
                    .and_then(|r| r.peel_to_commit())
                    .map(|c| c.id())
                    .unwrap_or(head);
                return Err(StoreError::RoundExists {
                    name: name.to_string(),
                    target,
                });
            }
            Err(e) => return Err(e.into()),
        }
        Ok(Round {
            name: name.to_string(),
            target: head,
            time: tagger.when(),
            message: text.trim_end().to_string(),
        })
    }

    /// Every round, in history order: rounds on the branch's first-parent line oldest
    /// first, then any rounds off that line by time.
    pub fn rounds(&self) -> Result<Vec<Round>, StoreError> {
        let mut rounds = self.round_tags()?;
        if rounds.is_empty() {
            return Ok(rounds);
        }
        let mut wanted: HashMap<Oid, Option<usize>> =
            rounds.iter().map(|r| (r.target, None)).collect();
        let mut missing = wanted.len();
        let mut walk = self.repo.revwalk()?;
        walk.simplify_first_parent()?;
        walk.push(self.head()?)?;
        for (distance, oid) in walk.enumerate() {
            if let Some(slot @ None) = wanted.get_mut(&oid?) {
                *slot = Some(distance);
                missing -= 1;
                if missing == 0 {
                    break;
                }
            }
        }
        // Larger distance from the tip = older. Off the line sorts last.
        rounds.sort_by_key(|r| {
            let distance = wanted.get(&r.target).copied().flatten();
            (
                distance.is_none(),
                std::cmp::Reverse(distance),
                r.time.seconds(),
                r.name.clone(),
            )
        });
        Ok(rounds)
    }

    /// The newest round whose tag is on the first-parent line from the tip: the round the
    /// text is in now. Decided by position in history, not by clock.
    ///
    /// The walk stops early at a commit [`Store::remember_round`] kept the answer for, as
    /// long as the round tags are the ones it saw; otherwise it goes back to the newest
    /// round tag (10,000 amendments: a few milliseconds the memo saves on each amendment).
    pub fn current_round(&self) -> Result<Option<String>, StoreError> {
        let (marks, memo) = self.round_marks()?;
        self.round_at(self.head()?, &marks, memo.as_ref())
    }

    /// The round the text is in at `commit`, given the round tags and the memo.
    fn round_at(
        &self,
        commit: Oid,
        marks: &[RoundMark],
        memo: Option<&RoundMemo>,
    ) -> Result<Option<String>, StoreError> {
        if marks.is_empty() {
            return Ok(None);
        }
        let mut by_target: HashMap<Oid, Vec<&RoundMark>> = HashMap::new();
        for m in marks {
            by_target.entry(m.target).or_default().push(m);
        }
        let mut next = Some(commit);
        while let Some(oid) = next {
            if let Some(here) = by_target.get(&oid) {
                // Several rounds on one commit: the one opened last.
                let newest = here
                    .iter()
                    .max_by_key(|m| (m.opened, &m.name))
                    .map(|m| m.name.clone());
                return Ok(newest);
            }
            if let Some((at, round)) = memo
                && *at == oid
            {
                return Ok(round.clone());
            }
            next = self.repo.find_commit(oid)?.parent_ids().next();
        }
        Ok(None)
    }

    /// Keeps the round the text is in at `commit` for [`Store::current_round`] to stop at,
    /// with the round tags it was read from. Only a saving: a memo that cannot be written
    /// is walked past next time. Written after an amendment is recorded, never when only
    /// reading, so a refused amendment leaves the repository as it found it.
    pub fn remember_round(&self, commit: Oid) -> Result<(), StoreError> {
        let (mut marks, memo) = self.round_marks()?;
        let round = self.round_at(commit, &marks, memo.as_ref())?;
        let mut text = format!("{commit}\n{}\n", round.as_deref().unwrap_or(""));
        marks.sort_by(|a, b| (&a.name, a.tag).cmp(&(&b.name, b.tag)));
        for m in &marks {
            text.push_str(&format!("{} {} {} {}\n", m.tag, m.target, m.opened, m.name));
        }
        let memo = self.round_memo();
        // It need not survive a crash: it is checked when read.
        let options = treaty_text::fsutil::WriteOptions {
            executable: None,
            durable: false,
        };
        let _ = std::fs::create_dir_all(memo.parent().unwrap_or(std::path::Path::new(".")))
            .and_then(|()| treaty_text::fsutil::write_atomic_with(&memo, text.as_bytes(), options));
        Ok(())
    }

    fn round_memo(&self) -> std::path::PathBuf {
        self.repo.path().join("treaty").join("round")
    }

    /// The round tags as [`Store::round_at`] needs them, and the memo's commit and round
    /// if the memo was written with the round tags there are now. The tags are listed
    /// without reading them: each names a tag object (or a commit) that cannot change, so
    /// while the names and objects are the memo's, so are the commits and times it kept
    /// for them, and no tag is read (an amendment at UN scale: 7% of its work).
    fn round_marks(&self) -> Result<(Vec<RoundMark>, Option<RoundMemo>), StoreError> {
        let mut tags = Vec::new();
        for reference in self.repo.references_glob(&format!("{PREFIX}*"))? {
            let reference = reference?;
            let name = String::from_utf8_lossy(reference.name_bytes());
            if let (Some(name), Some(tag)) = (
                name.strip_prefix(PREFIX).filter(|n| !n.is_empty()),
                reference.target(),
            ) {
                tags.push((name.to_string(), tag));
            }
        }
        tags.sort();
        if let Some((commit, round, marks)) = self.remembered_round()
            && marks.len() == tags.len()
            && marks
                .iter()
                .zip(&tags)
                .all(|(m, (name, tag))| (&m.name, m.tag) == (name, *tag))
        {
            return Ok((marks, Some((commit, round))));
        }
        let marks = self
            .read_rounds()?
            .into_iter()
            .map(|r| RoundMark {
                tag: r.tag,
                target: r.round.target,
                opened: r.round.time.seconds(),
                name: r.round.name,
            })
            .collect();
        Ok((marks, None))
    }

    /// The memo as written: its commit, its round and the round tags it was read with,
    /// sorted by name. `None` for a memo that is missing or does not read as one.
    fn remembered_round(&self) -> Option<(Oid, Option<String>, Vec<RoundMark>)> {
        let text = treaty_text::fsutil::read_memo(&self.round_memo(), 1 << 20)?;
        let mut lines = text.lines();
        let commit = Oid::from_str(lines.next()?).ok()?;
        let round = lines.next()?;
        let mut marks = Vec::new();
        for line in lines {
            let mut fields = line.splitn(4, ' ');
            marks.push(RoundMark {
                tag: Oid::from_str(fields.next()?).ok()?,
                target: Oid::from_str(fields.next()?).ok()?,
                opened: fields.next()?.parse().ok()?,
                name: fields.next()?.to_string(),
            });
        }
        marks.sort_by(|a, b| (&a.name, a.tag).cmp(&(&b.name, b.tag)));
        Some((
            commit,
            (!round.is_empty()).then(|| round.to_string()),
            marks,
        ))
    }

    /// All `round/*` tags, unordered and without walking history: for callers that
    /// already know the first-parent line (the history index) and order rounds themselves.
    pub fn round_tags(&self) -> Result<Vec<Round>, StoreError> {
        Ok(self.read_rounds()?.into_iter().map(|r| r.round).collect())
    }

    /// All `round/*` tags, unordered, with the object each tag names.
    fn read_rounds(&self) -> Result<Vec<TaggedRound>, StoreError> {
        let mut rounds = Vec::new();
        for reference in self.repo.references_glob(&format!("{PREFIX}*"))? {
            let reference = reference?;
            let full = String::from_utf8_lossy(reference.name_bytes()).into_owned();
            let Some(name) = full
                .strip_prefix(PREFIX)
                .filter(|n| !n.is_empty())
                .map(str::to_string)
            else {
                continue;
            };
            let Some(oid) = reference.target() else {
                continue;
            };
            let object = self.repo.find_object(oid, None)?;
            let (time, message) = match object.as_tag() {
                Some(tag) => (
                    tag.tagger().map(|t| t.when()),
                    String::from_utf8_lossy(tag.message_bytes().unwrap_or_default())
                        .trim_end()
                        .to_string(),
                ),
                None => (None, String::new()),
            };
            let commit = match object.peel_to_commit() {
                Ok(c) => c,
                // A round tag on something other than a commit is not a round.
                Err(_) => continue,
            };
            rounds.push(TaggedRound {
                tag: oid,
                round: Round {
                    name,
                    target: commit.id(),
                    time: time.unwrap_or_else(|| commit.time()),
                    message,
                },
            });
        }
        Ok(rounds)
    }
}

/// A round tag as read: the round, and the object the tag names (a tag object, or the
/// commit itself for a lightweight tag).
struct TaggedRound {
    tag: Oid,
    round: Round,
}

/// The memo's answer: the round (if any) the text is in at that commit.
type RoundMemo = (Oid, Option<String>);

/// What finding the round at a commit needs of one round tag.
struct RoundMark {
    name: String,
    /// The object the tag names.
    tag: Oid,
    /// The commit the round starts at.
    target: Oid,
    /// When it was opened (seconds): of two rounds on one commit, the later one holds.
    opened: i64,
}

#[cfg(test)]
mod tests {
    use treaty_text::amendment::validate_round_name;

    /// The text layer checks round names without git; libgit2 is the witness that it
    /// follows git's rules for a tag name.
    #[test]
    fn round_names_follow_git_ref_rules() {
        // `round/@` is a valid tag for git; the text layer refuses `@` on purpose, since
        // `@` alone means HEAD on git's command line.
        assert!(validate_round_name("@").is_err());
        let names = [
            "geneva-2", "r1", "a.b", "a@{b", "x..y", ".hidden", "end.", "x.lock", "a~1", "a^",
            "a:b", "a?", "a*", "a[b", "a\\b", "a\u{7f}", "ü-round", "2026", "a@b", "lock.x",
            "-lead", "a.lock.b",
        ];
        for name in names {
            let ours = validate_round_name(name).is_ok();
            let git = git2::Reference::is_valid_name(&format!("refs/tags/round/{name}"));
            assert_eq!(ours, git, "{name:?}");
        }
    }
}
