//! `treaty exercise init`: a new record for an exercise, forked from the shipped sample
//! or from any negotiation record at a round or commit.
//!
//! The new record keeps the source's history up to that point (so blame and the history
//! reach back into the real negotiation), on branch `main`. Two set-up commits follow,
//! made by the instructor: the exercise's roster (the source's delegations, no members
//! yet; the instructor as chair) with `exercise/exercise.ron`, then the roster's `since:`
//! naming that first commit, so that `treaty verify` (and the server's hook) trust the
//! inherited history and check everything after it. When the source went on past the
//! starting point, its latest commit is kept as `refs/treaty/exercise/outcome`, never
//! pushed, for the debrief's comparison with what was really agreed.

use std::path::{Path, PathBuf};

use git2::{Repository, RepositoryInitOptions, build::CheckoutBuilder};
use treaty_text::exercise::{Base, EXERCISE_FILE, Exercise, to_ron};
use treaty_text::roster::{CHAIR, Chair, Member, ROSTER_FILE, Roster, RosterDelegation};

use super::{ExerciseError, commit_setup};
use crate::demo;
use crate::record::delegations_at;
use crate::store::{FileChange, Oid, Store, StoreError};

/// The ref that keeps the source's latest commit on the instructor's machine.
pub const OUTCOME_REF: &str = "refs/treaty/exercise/outcome";

/// Where the exercise's text comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum From {
    /// The shipped sample negotiation, replayed from its script.
    Demo,
    /// A negotiation record (a folder inside a git repository, or a bare repository).
    Record(PathBuf),
}

/// What to create.
#[derive(Clone, Debug)]
pub struct InitOptions {
    pub dir: PathBuf,
    pub from: From,
    /// A round name, tag or commit of the source; `None`: its latest commit.
    pub at: Option<String>,
    pub title: Option<String>,
    /// The instructor's public key line (to read every brief).
    pub instructor_key: Option<String>,
}

/// What was created.
#[derive(Clone, Debug)]
pub struct InitReport {
    pub dir: PathBuf,
    pub base: Oid,
    pub outcome: Option<Oid>,
    pub head: Oid,
    pub delegations: Vec<String>,
    pub instructor: Member,
}

/// Creates the exercise. Refused, with nothing created, when `dir` is not empty, the
/// source or the starting point cannot be read, or git has no identity for the
/// instructor.
pub fn init(opts: &InitOptions) -> Result<InitReport, ExerciseError> {
    let dir = &opts.dir;
    super::ensure_empty(dir, "the exercise")?;
    let config = git2::Config::open_default()?;
    let (Ok(name), Ok(email)) = (
        config.get_string("user.name"),
        config.get_string("user.email"),
    ) else {
        return Err(StoreError::NoIdentity.into());
    };
    let instructor = Member {
        name,
        email,
        ssh_key: opts.instructor_key.clone(),
    };
    // The demo is built in a scratch folder and forked like any record.
    let scratch;
    let (source, source_name) = match &opts.from {
        From::Demo => {
            scratch = tempfile::tempdir().map_err(ExerciseError::io(dir))?;
            let script = demo::bundled_script()
                .map_err(|e| ExerciseError::Invalid(format!("the sample cannot be built: {e}")))?;
            demo::build_demo(scratch.path(), demo::bundled_sample(), &script)
                .map_err(|e| ExerciseError::Invalid(format!("the sample cannot be built: {e}")))?;
            (scratch.path().to_path_buf(), "demo".to_string())
        }
        From::Record(p) => (p.clone(), p.display().to_string()),
    };
    let src = Repository::discover(&source).map_err(|_| {
        ExerciseError::Invalid(format!(
            "{} is not a negotiation record (no git repository there)",
            source.display()
        ))
    })?;
    let at_spec = opts.at.clone().unwrap_or_else(|| "HEAD".into());
    let base = resolve(&src, &at_spec)?;
    let latest = src
        .head()
        .ok()
        .and_then(|h| h.peel_to_commit().ok())
        .map(|c| c.id());
    let outcome = latest.filter(|&l| l != base);
    if src
        .find_commit(base)?
        .tree()?
        .get_path(Path::new("drafts/treaty.md"))
        .is_err()
    {
        return Err(ExerciseError::Invalid(format!(
            "{at_spec} of {source_name} holds no drafts/treaty.md: choose a commit with the negotiation's text"
        )));
    }
    let source_git = src.path().to_path_buf();
    drop(src);

    let result = create(dir, &source_git, base, outcome);
    if result.is_err() {
        let _ = std::fs::remove_dir_all(dir);
    }
    let repo = result?;
    drop(repo);
    let store = Store::open(dir)?;
    let delegations: Vec<String> = delegations_at(&store, base)?
        .into_iter()
        .filter(|c| c != CHAIR)
        .collect();
    let title = opts
        .title
        .clone()
        .unwrap_or_else(|| format!("Moot negotiation from {source_name} at {at_spec}"));
    let exercise = Exercise {
        version: 1,
        title: title.clone(),
        base: Base {
            source: source_name.clone(),
            at: at_spec.clone(),
            commit: base.to_string(),
            outcome: outcome.map(|o| o.to_string()),
        },
        rounds: Vec::new(),
    };
    let mut roster = Roster {
        version: 1,
        delegations: delegations
            .iter()
            .map(|code| RosterDelegation {
                code: code.clone(),
                members: Vec::new(),
                require_signature: false,
            })
            .collect(),
        chair: Chair {
            name: "Instructor (chair)".into(),
            code: CHAIR.into(),
            members: vec![instructor.clone()],
            require_signature: false,
        },
        since: None,
        instructors: vec![instructor.clone()],
        observers: Vec::new(),
        teams: Vec::new(),
    };
    let message = format!(
        "Exercise: {title}\n\nA moot negotiation on the text of {source_name} at {at_spec} ({base}).\nInstructor and chair: {} <{}>.\n",
        instructor.name, instructor.email
    );
    let mut setup = || -> Result<Oid, ExerciseError> {
        let first = commit_setup(
            &store,
            base,
            &message,
            vec![
                FileChange::write(ROSTER_FILE, to_ron(&roster)),
                FileChange::write(EXERCISE_FILE, exercise.to_text()),
            ],
        )?;
        roster.since = Some(first.to_string());
        commit_setup(
            &store,
            first,
            &format!(
                "Exercise: the history up to {first} predates the exercise's roster\n\n`treaty verify` checks every commit after it against positions/roster.ron.\n"
            ),
            vec![FileChange::write(ROSTER_FILE, to_ron(&roster))],
        )
    };
    let head = match setup() {
        Ok(h) => h,
        Err(e) => {
            drop(store);
            let _ = std::fs::remove_dir_all(dir);
            return Err(e);
        }
    };
    Ok(InitReport {
        dir: std::fs::canonicalize(dir).unwrap_or_else(|_| dir.clone()),
        base,
        outcome,
        head,
        delegations,
        instructor,
    })
}

/// `spec` in the source: a round name (`r1` → `round/r1`), a tag, a branch or a commit.
fn resolve(src: &Repository, spec: &str) -> Result<Oid, ExerciseError> {
    for candidate in [format!("refs/tags/round/{spec}"), spec.to_string()] {
        if let Ok(c) = src
            .revparse_single(&candidate)
            .and_then(|o| o.peel_to_commit())
        {
            return Ok(c.id());
        }
    }
    Err(ExerciseError::Invalid(format!(
        "the source has no round, tag or commit \"{spec}\": see its rounds with `treaty round list` and its commits with `treaty log`"
    )))
}

/// The new repository at `dir` with the source's history, `main` at `base`, the work
/// tree checked out, and the outcome ref.
fn create(
    dir: &Path,
    source_git: &Path,
    base: Oid,
    outcome: Option<Oid>,
) -> Result<Repository, ExerciseError> {
    std::fs::create_dir_all(dir).map_err(ExerciseError::io(dir))?;
    let mut opts = RepositoryInitOptions::new();
    opts.initial_head("main");
    let repo = Repository::init_opts(dir, &opts)?;
    {
        let url = source_git.to_string_lossy().into_owned();
        let mut remote = repo.remote_anonymous(&url)?;
        remote.fetch(
            &[
                "+refs/heads/*:refs/treaty/source/heads/*",
                "+refs/tags/*:refs/treaty/source/tags/*",
                "+HEAD:refs/treaty/source/HEAD",
            ],
            None,
            None,
        )?;
    }
    repo.reference(
        "refs/heads/main",
        base,
        true,
        "treaty: the exercise starts here",
    )?;
    if let Some(o) = outcome {
        repo.reference(
            OUTCOME_REF,
            o,
            true,
            "treaty: what the source went on to agree",
        )?;
    }
    let names: Vec<String> = repo
        .references_glob("refs/treaty/source/*")?
        .filter_map(|r| r.ok().and_then(|r| r.name().ok().map(str::to_string)))
        .collect();
    for name in names {
        repo.find_reference(&name)?.delete()?;
    }
    repo.set_head("refs/heads/main")?;
    repo.checkout_head(Some(CheckoutBuilder::new().force()))?;
    Ok(repo)
}
