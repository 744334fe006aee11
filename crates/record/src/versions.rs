//! Versions of the text, by name: the work tree, a commit, a tag, a round, or a
//! delegation's position applied onto the current draft ([`Sources::resolve`]). The diff,
//! export and workbench name versions the same way through here; comparing them is
//! `treaty_text::compare`.

use std::cell::OnceCell;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

use treaty_text::draft::{ClausesOnly, Draft};
use treaty_text::export::Document;
use treaty_text::negotiation::Negotiation;
use treaty_text::suggest::{did_you_mean, nearest_owned};

use crate::store::{Oid, Store};

/// Why a version of the text could not be found or read.
#[derive(Debug, thiserror::Error)]
pub enum VersionError {
    #[error(
        "`{spec}` names no version of the text: use `current` (the text on disk), a round ({rounds}), a delegation ({delegations}), a tag, `HEAD` or a commit id{}{}",
        did_you_mean(.suggest.as_deref()),
        history_unread(.history.as_deref())
    )]
    UnknownSpec {
        spec: String,
        rounds: String,
        delegations: String,
        suggest: Option<String>,
        /// Why the record could not be opened to look rounds, tags and commits up.
        history: Option<String>,
    },
    #[error("there is no round `{name}`{}", did_you_mean(.suggest.as_deref()))]
    UnknownRound {
        name: String,
        suggest: Option<String>,
    },
    #[error("there is no position for delegation `{code}`{}", did_you_mean(.suggest.as_deref()))]
    UnknownDelegation {
        code: String,
        suggest: Option<String>,
    },
    #[error("`{spec}` is not a commit or tag in this record: check the id with `git log`")]
    UnknownCommit { spec: String },
    #[error(
        "`{spec}` needs the negotiation's git history, but {reason}: compare `current` with a delegation instead, or open the folder that holds the record"
    )]
    NoHistory { spec: String, reason: String },
    #[error("cannot read the draft of {spec}: {message}")]
    Unreadable { spec: String, message: String },
}

/// A version of the text, ready to compare.
#[derive(Clone, Debug)]
pub struct Resolved<D = Draft> {
    /// The text: a whole [`Draft`], or for comparing, its clauses alone
    /// ([`Sources::load_clauses`]).
    pub draft: D,
    /// What the spec turned out to be, e.g. `round r1 (3f2a…)`, `position of EU`.
    pub name: String,
    /// Things skipped on the way (a position naming a clause that no longer exists).
    pub warnings: Vec<String>,
    /// Where its clauses stand in the published document it was imported from
    /// (`drafts/sources.ron` of that version), if it was.
    pub sources: Option<treaty_text::sources::Sources>,
}

/// A version found by name but not yet read ([`Sources::locate`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Located {
    /// A commit of the record (a round, tag, `HEAD`, a commit id), and what the spec
    /// turned out to be (`round r1 (3f2a…)`).
    Commit { oid: Oid, name: String },
    /// The draft on disk.
    Current,
    /// A delegation's position applied onto the draft on disk.
    Position { code: String },
}

/// Where versions come from: the negotiation on disk and, when there is one, its record.
///
/// The negotiation on disk (the draft and every position) is read only when a spec needs
/// it (`current`, a delegation): comparing two rounds reads nothing but the record, and
/// works while the work tree does not parse.
pub struct Sources {
    root: PathBuf,
    negotiation: OnceCell<Result<Negotiation, String>>,
    store: Result<Store, String>,
}

impl Sources {
    /// The negotiation at `root` and its git record, if it has one.
    pub fn open(root: &Path) -> Result<Sources, VersionError> {
        let store = Store::open(root).map_err(|e| e.to_string());
        Ok(Sources {
            root: root.to_path_buf(),
            negotiation: OnceCell::new(),
            store,
        })
    }

    /// Another reader of the same versions, with its own handle on the record
    /// ([`Store::open_again`]), for reading on another thread.
    pub fn open_again(&self) -> Result<Sources, VersionError> {
        let store = match &self.store {
            Ok(store) => store.open_again().map_err(|e| e.to_string()),
            Err(reason) => Err(reason.clone()),
        };
        Ok(Sources {
            root: self.root.clone(),
            negotiation: OnceCell::new(),
            store,
        })
    }

    /// From an already loaded negotiation and (optionally) its store.
    pub fn new(negotiation: Negotiation, store: Option<Store>) -> Sources {
        let store = store.ok_or_else(|| "there is no git record here".to_string());
        Sources {
            root: negotiation.root.clone(),
            negotiation: OnceCell::from(Ok(negotiation)),
            store,
        }
    }

    pub fn root(&self) -> PathBuf {
        self.root.clone()
    }

    /// The negotiation on disk, read on first use.
    pub fn negotiation(&self) -> Result<&Negotiation, VersionError> {
        self.negotiation
            .get_or_init(|| {
                Negotiation::load(&self.root)
                    .map(|checked| checked.negotiation)
                    .map_err(|e| e.to_string())
            })
            .as_ref()
            .map_err(|message| VersionError::Unreadable {
                spec: "current".into(),
                message: message.clone(),
            })
    }

    /// Whether `spec` may name a delegation: its position file exists (named as
    /// [`treaty_text::position::file_stem`] names it), checked without reading the
    /// negotiation.
    fn may_be_delegation(&self, spec: &str) -> bool {
        if self.negotiation.get().is_some() {
            return true;
        }
        let wanted = format!("{}.ron", treaty_text::position::file_stem(spec));
        std::fs::read_dir(self.root.join(treaty_text::negotiation::POSITIONS_DIR))
            .map(|entries| {
                entries.filter_map(Result::ok).any(|e| {
                    e.file_name()
                        .to_str()
                        .is_some_and(|n| n.eq_ignore_ascii_case(&wanted))
                })
            })
            .unwrap_or(false)
    }

    fn store(&self, spec: &str) -> Result<&Store, VersionError> {
        self.store
            .as_ref()
            .map_err(|reason| VersionError::NoHistory {
                spec: spec.to_string(),
                reason: reason.clone(),
            })
    }

    fn round_names(&self) -> Vec<String> {
        match &self.store {
            Ok(store) => store
                .rounds()
                .map(|rs| rs.into_iter().map(|r| r.name).collect())
                .unwrap_or_default(),
            Err(_) => Vec::new(),
        }
    }

    fn delegation_codes(&self) -> Vec<String> {
        self.negotiation()
            .map(|n| n.positions.values().map(|p| p.code.clone()).collect())
            .unwrap_or_default()
    }

    /// Resolves a source spec to a version of the text.
    ///
    /// Without a prefix the spec is tried as `current`/`draft`, a round, a delegation, then
    /// a git revision (`HEAD`, a tag, a commit id or prefix). The prefixes `round:`,
    /// `position:`, `commit:` force one reading.
    pub fn resolve(&self, spec: &str) -> Result<Resolved, VersionError> {
        self.load(&self.locate(spec)?, None)
    }

    /// Finds the version `spec` names ([`Sources::resolve`]) without reading its text.
    pub fn locate(&self, spec: &str) -> Result<Located, VersionError> {
        let spec = spec.trim();
        // Commits are read as the versions themselves are: not re-hashed.
        let _fast = crate::store::FastReads::start();
        if let Some(name) = spec.strip_prefix("round:") {
            return self
                .locate_round(name)?
                .ok_or_else(|| VersionError::UnknownRound {
                    name: name.to_string(),
                    suggest: nearest_owned(name, &self.round_names()),
                });
        }
        if let Some(code) = spec.strip_prefix("position:") {
            return self
                .locate_position(code)?
                .ok_or_else(|| VersionError::UnknownDelegation {
                    code: code.to_string(),
                    suggest: nearest_owned(code, &self.delegation_codes()),
                });
        }
        if let Some(rev) = spec.strip_prefix("commit:") {
            return self
                .locate_commit(rev)?
                .ok_or_else(|| VersionError::UnknownCommit {
                    spec: rev.to_string(),
                });
        }
        if matches!(spec, "current" | "draft" | "work" | "worktree") {
            return Ok(Located::Current);
        }
        if self.store.is_ok()
            && let Some(r) = self.locate_round(spec)?
        {
            return Ok(r);
        }
        if self.may_be_delegation(spec)
            && let Some(r) = self.locate_position(spec)?
        {
            return Ok(r);
        }
        if self.store.is_ok()
            && let Some(r) = self.locate_commit(spec)?
        {
            return Ok(r);
        }
        let rounds = self.round_names();
        let codes = self.delegation_codes();
        let mut candidates: Vec<String> = vec!["current".into(), "HEAD".into()];
        candidates.extend(rounds.iter().cloned());
        candidates.extend(codes.iter().cloned());
        let list = |v: &[String]| {
            if v.is_empty() {
                "none yet".to_string()
            } else {
                v.join(", ")
            }
        };
        Err(VersionError::UnknownSpec {
            spec: spec.to_string(),
            rounds: match &self.store {
                Ok(_) => list(&rounds),
                Err(_) => "none readable".into(),
            },
            delegations: list(&codes),
            suggest: nearest_owned(spec, &candidates),
            history: self.store.as_ref().err().cloned(),
        })
    }

    /// The text of a located version. With `wanted`, a version in the record reads
    /// `treaty.md` and only the included files `wanted` picks ([`Draft::load_part`]): the
    /// clauses of the others are missing. The work tree and positions are always read
    /// whole.
    pub fn load(
        &self,
        located: &Located,
        wanted: Option<&dyn Fn(&str) -> bool>,
    ) -> Result<Resolved, VersionError> {
        match located {
            Located::Commit { oid, name } => self.at_commit(*oid, name.clone(), wanted),
            Located::Current => Ok(Resolved {
                draft: self.negotiation()?.draft.clone(),
                name: "the current draft".into(),
                warnings: Vec::new(),
                sources: self.current_sources(),
            }),
            Located::Position { code } => {
                let negotiation = self.negotiation()?;
                let position =
                    negotiation
                        .position(code)
                        .ok_or_else(|| VersionError::UnknownDelegation {
                            code: code.clone(),
                            suggest: None,
                        })?;
                let (draft, warnings) = position.apply_to(&negotiation.draft);
                Ok(Resolved {
                    draft,
                    name: format!("the position of {}", position.code),
                    warnings,
                    sources: self.current_sources(),
                })
            }
        }
    }

    /// The files under `drafts/` that are byte for byte the same at commits `a` and `b`
    /// (paths as `treaty.md` includes them: `articles/….md`), when both have the same
    /// `treaty.md`; `None` when it differs (the order of articles and annexes may have
    /// changed, so every file counts). Clauses of such files read the same in both
    /// versions, under the same references: a comparison may leave them out.
    pub fn same_files(&self, a: Oid, b: Oid) -> Result<Option<HashSet<String>>, VersionError> {
        let store = self.store("a commit")?;
        // Folders are read as the versions themselves are: not re-hashed.
        let _fast = crate::store::FastReads::start();
        let unreadable = |at: Oid| {
            move |e: crate::store::StoreError| VersionError::Unreadable {
                spec: short(at),
                message: e.to_string(),
            }
        };
        let front = format!("drafts/{}", treaty_text::draft::FRONT_FILE);
        let front_a = store.file_id_at(a, &front).map_err(unreadable(a))?;
        let front_b = store.file_id_at(b, &front).map_err(unreadable(b))?;
        if front_a.is_none() || front_a != front_b {
            return Ok(None);
        }
        let same = store
            .same_draft_files(a, b)
            .map_err(|(at, e)| unreadable(at)(e))?;
        Ok(Some(same))
    }

    fn locate_round(&self, name: &str) -> Result<Option<Located>, VersionError> {
        let spec = format!("round:{name}");
        let store = self.store(&spec)?;
        let Ok(reference) = store
            .repo()
            .find_reference(&format!("refs/tags/round/{name}"))
        else {
            return Ok(None);
        };
        let Ok(commit) = reference.peel_to_commit() else {
            return Ok(None);
        };
        let oid = commit.id();
        Ok(Some(Located::Commit {
            oid,
            name: format!("round {name} ({})", short(oid)),
        }))
    }

    fn locate_commit(&self, rev: &str) -> Result<Option<Located>, VersionError> {
        let store = self.store(rev)?;
        let Ok(object) = store.repo().revparse_single(rev) else {
            return Ok(None);
        };
        let Ok(commit) = object.peel_to_commit() else {
            return Ok(None);
        };
        let oid = commit.id();
        Ok(Some(Located::Commit {
            oid,
            name: format!("{rev} ({})", short(oid)),
        }))
    }

    fn at_commit(
        &self,
        oid: Oid,
        name: String,
        wanted: Option<&dyn Fn(&str) -> bool>,
    ) -> Result<Resolved, VersionError> {
        let store = self.store(&name)?;
        let draft = match wanted {
            None => store.draft_at(oid).map(|loaded| loaded.draft),
            Some(wanted) => store.draft_part_at(oid, wanted),
        };
        self.resolved_commit(oid, name, draft)
    }

    /// [`Sources::load`] for comparing versions: a version in the record is read as its
    /// clauses alone ([`Store::clauses_at`]); the draft on disk and positions as `load`
    /// reads them.
    pub fn load_clauses(
        &self,
        located: &Located,
        wanted: Option<&dyn Fn(&str) -> bool>,
    ) -> Result<Resolved<ClausesOnly>, VersionError> {
        match located {
            Located::Commit { oid, name } => {
                let draft = self.store(name)?.clauses_at(*oid, wanted);
                self.resolved_commit(*oid, name.clone(), draft)
            }
            _ => {
                let whole = self.load(located, wanted)?;
                Ok(Resolved {
                    draft: whole.draft.into(),
                    name: whole.name,
                    warnings: whole.warnings,
                    sources: whole.sources,
                })
            }
        }
    }

    /// A version in the record as read at `oid`, with its sources file.
    fn resolved_commit<D>(
        &self,
        oid: Oid,
        name: String,
        draft: Result<D, crate::store::SnapshotError>,
    ) -> Result<Resolved<D>, VersionError> {
        let store = self.store(&name)?;
        let draft = draft.map_err(|e| VersionError::Unreadable {
            spec: name.clone(),
            message: e.to_string(),
        })?;
        // A sources file that cannot be read only costs the citations, not the text.
        let sources = store
            .read_file_at(
                oid,
                &format!("drafts/{}", treaty_text::sources::SOURCES_FILE),
            )
            .ok()
            .flatten()
            .and_then(|b| String::from_utf8(b).ok())
            .and_then(|t| treaty_text::sources::Sources::parse(&t).ok());
        Ok(Resolved {
            draft,
            name,
            warnings: Vec::new(),
            sources,
        })
    }

    /// `drafts/sources.ron` on disk, if there is one that reads.
    fn current_sources(&self) -> Option<treaty_text::sources::Sources> {
        treaty_text::sources::Sources::load(&self.root)
            .ok()
            .flatten()
    }

    fn locate_position(&self, code: &str) -> Result<Option<Located>, VersionError> {
        let negotiation = self.negotiation()?;
        Ok(negotiation.position(code).map(|p| Located::Position {
            code: p.code.clone(),
        }))
    }
}

fn short(oid: Oid) -> String {
    oid.to_string()[..10].to_string()
}

/// Which text to export (`treaty export --at/--position/--changes-since`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    /// A commit, tag or round (any spec [`Sources::resolve`] reads); `None`: the draft on disk.
    pub at: Option<String>,
    /// A delegation code: its position applied onto the text.
    pub position: Option<String>,
    /// A round, commit or other spec: mark every change made since that version.
    pub changes_since: Option<String>,
}

/// Chooses the text to export (see [`Selection`]).
pub fn select(sources: &Sources, selection: &Selection) -> Result<Document, VersionError> {
    let at = selection.at.as_deref().unwrap_or("current");
    let resolved = sources.resolve(at)?;
    let cited = resolved.sources;
    let mut warnings = resolved.warnings;
    let (draft, version, author) = match &selection.position {
        None => {
            let author = match &selection.at {
                Some(at) => at.strip_prefix("round:").unwrap_or(at).to_string(),
                None => "current draft".to_string(),
            };
            (resolved.draft, resolved.name, author)
        }
        Some(code) => {
            let negotiation = sources.negotiation()?;
            let position = negotiation.position(code).ok_or_else(|| {
                let codes: Vec<&str> = negotiation
                    .positions
                    .values()
                    .map(|p| p.code.as_str())
                    .collect();
                VersionError::UnknownDelegation {
                    code: code.clone(),
                    suggest: nearest_owned(code, codes),
                }
            })?;
            let (draft, more) = position.apply_to(&resolved.draft);
            warnings.extend(more);
            let version = if selection.at.is_some() {
                format!("the position of {} on {}", position.code, resolved.name)
            } else {
                format!("the position of {}", position.code)
            };
            (draft, version, position.code.clone())
        }
    };
    let mut doc = match &selection.changes_since {
        None => Document::from_draft(draft, version),
        Some(spec) => {
            let base = sources.resolve(spec)?;
            warnings.extend(base.warnings);
            Document::comparison(&base.draft, base.name, draft, version)
        }
    };
    doc.author = author;
    doc.warnings = warnings;
    if let Some(s) = &cited {
        doc.cite_sources(s);
    }
    Ok(doc)
}

/// What to add, on a line of its own, when rounds, tags and commits could not be looked
/// up at all.
fn history_unread(reason: Option<&str>) -> String {
    reason.map_or(String::new(), |r| {
        format!("\nrounds, tags and commits cannot be read here: {r}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::{SynthOptions, synthesize};
    use treaty_text::compare::compare;

    #[test]
    fn leaving_out_the_files_two_commits_share_changes_no_comparison() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("neg");
        let opts = SynthOptions {
            articles: 12,
            parties: 6,
            amendments: 120,
            rounds: 3,
            seed: 5,
        };
        synthesize(&opts, &root).unwrap();
        let sources = Sources::open(&root).unwrap();
        let repo = sources.store("HEAD").unwrap().repo();
        let mut walk = repo.revwalk().unwrap();
        walk.push_head().unwrap();
        walk.simplify_first_parent().unwrap();
        let commits: Vec<Oid> = walk.map(Result::unwrap).collect();
        let at = |oid: Oid| Located::Commit {
            oid,
            name: short(oid),
        };
        let (mut partial, mut whole) = (0, 0);
        for (i, &b) in commits.iter().enumerate() {
            for back in [1, 3, 10, 40] {
                let Some(&a) = commits.get(i + back) else {
                    continue;
                };
                let Some(same) = sources.same_files(a, b).unwrap() else {
                    // `treaty.md` differs: every file is read.
                    whole += 1;
                    continue;
                };
                assert!(same.contains(treaty_text::draft::FRONT_FILE), "{a}..{b}");
                partial += 1;
                let wanted = |path: &str| !same.contains(path);
                let read = |oid, wanted: Option<&dyn Fn(&str) -> bool>| {
                    sources.load(&at(oid), wanted).unwrap().draft
                };
                let all = compare(&read(a, None), &read(b, None), None);
                let part = compare(&read(a, Some(&wanted)), &read(b, Some(&wanted)), None);
                assert_eq!(
                    part.changed().collect::<Vec<_>>(),
                    all.changed().collect::<Vec<_>>(),
                    "{a}..{b}"
                );
            }
        }
        assert!(
            partial > 100 && whole > 0,
            "{partial} pairs read in part, {whole} whole"
        );
    }
}
