//! Moot negotiations in the record (`treaty exercise`): an exercise forked from the
//! sample or from any record ([`init`]), its teams and schedule written into the record
//! by the instructor, confidential briefs sealed with `age` to the team members' SSH keys
//! ([`briefs`]), the shared server ([`server`]), and what the status and the debrief
//! gather from the history ([`progress`]).
//!
//! The exercise's own files (`positions/roster.ron`, `exercise/`) are set-up, not
//! amendments of the text: they are recorded as plain commits (no amendment trailers) by
//! the instructor, who is a member of the chair, so `treaty verify` admits them.

pub mod briefs;
pub mod init;
pub mod keys;
pub mod progress;
pub mod sample;
pub mod server;

use std::path::{Path, PathBuf};

use treaty_text::diag::Diagnostic;
use treaty_text::exercise::brief::{BRIEFS_INDEX, BriefIndex};
use treaty_text::exercise::schedule::ScheduleError;
use treaty_text::exercise::team::TeamError;
use treaty_text::exercise::{EXERCISE_FILE, Exercise, to_ron};
use treaty_text::roster::{Member, ROSTER_FILE, Roster};

use crate::store::{FileChange, Oid, Store, StoreError};

/// Why an exercise command did nothing. Each message says what to do.
#[derive(Debug, thiserror::Error)]
pub enum ExerciseError {
    #[error(
        "{} holds no exercise ({EXERCISE_FILE} is missing): start one with `treaty exercise init DIR --from demo`",
        .0.display()
    )]
    NotAnExercise(PathBuf),
    #[error("{0}")]
    Invalid(String),
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Diagnostics(Vec<Diagnostic>),
    #[error(transparent)]
    Team(#[from] TeamError),
    #[error(transparent)]
    Schedule(#[from] ScheduleError),
    #[error("unknown team \"{name}\"{}: the teams are {}", treaty_text::suggest::did_you_mean(.suggest.as_deref()), if .known.is_empty() { "none yet (add them with `treaty exercise team add`)".to_string() } else { .known.join(", ") })]
    UnknownTeam {
        name: String,
        suggest: Option<String>,
        known: Vec<String>,
    },
    #[error("cannot read or write {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Record(#[from] crate::record::RecordError),
    #[error(transparent)]
    History(#[from] crate::history::HistoryError),
    #[error("git failed: {0}")]
    Git(#[from] git2::Error),
}

impl ExerciseError {
    pub(crate) fn io(path: &Path) -> impl FnOnce(std::io::Error) -> ExerciseError + '_ {
        move |source| ExerciseError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// Refuses a folder that exists and holds anything: the exercise's commands create
/// `what` in a new folder and never write over one.
pub(crate) fn ensure_empty(dir: &Path, what: &str) -> Result<(), ExerciseError> {
    if dir.exists()
        && std::fs::read_dir(dir)
            .map_err(ExerciseError::io(dir))?
            .next()
            .is_some()
    {
        return Err(ExerciseError::Invalid(format!(
            "{} is not empty: give a new folder for {what}",
            dir.display()
        )));
    }
    Ok(())
}

/// An exercise as its record holds it at the tip of the branch.
#[derive(Clone, Debug)]
pub struct Current {
    pub head: Oid,
    pub exercise: Exercise,
    pub roster: Roster,
    pub briefs: BriefIndex,
}

/// Reads the exercise at the tip of `store`'s branch.
pub fn current(store: &Store) -> Result<Current, ExerciseError> {
    let head = store.head()?;
    at(store, head)
}

/// Reads the exercise as it stood at `commit`.
pub fn at(store: &Store, commit: Oid) -> Result<Current, ExerciseError> {
    let bytes = store
        .read_file_at(commit, EXERCISE_FILE)?
        .ok_or_else(|| ExerciseError::NotAnExercise(store.workdir().to_path_buf()))?;
    let exercise = Exercise::from_bytes(&bytes).map_err(diag)?;
    let roster = match store.read_file_at(commit, ROSTER_FILE)? {
        Some(b) => Roster::from_bytes(&b, Path::new(ROSTER_FILE)).map_err(diag)?,
        None => {
            return Err(ExerciseError::Invalid(format!(
                "the exercise has no {ROSTER_FILE}: restore it from the history (`git log -- {ROSTER_FILE}`)"
            )));
        }
    };
    let briefs = match store.read_file_at(commit, BRIEFS_INDEX)? {
        Some(b) => BriefIndex::from_bytes(&b).map_err(diag)?,
        None => BriefIndex {
            version: 1,
            briefs: Vec::new(),
        },
    };
    Ok(Current {
        head: commit,
        exercise,
        roster,
        briefs,
    })
}

fn diag(e: treaty_text::ronfile::RonError) -> ExerciseError {
    ExerciseError::Diagnostics(vec![e.into_diagnostic()])
}

impl Current {
    /// The team called `name`, or the error naming the nearest.
    pub fn team(&self, name: &str) -> Result<&treaty_text::exercise::Team, ExerciseError> {
        self.roster.team(name).ok_or_else(|| {
            let known: Vec<String> = self.roster.teams.iter().map(|t| t.name.clone()).collect();
            ExerciseError::UnknownTeam {
                name: name.to_string(),
                suggest: treaty_text::suggest::nearest_owned(name, &known),
                known,
            }
        })
    }
}

/// Records the exercise's set-up `changes` as one plain commit on top of `parent` (which
/// must still be the tip), after checking that the roster they leave is sound.
pub fn commit_setup(
    store: &Store,
    parent: Oid,
    message: &str,
    changes: Vec<FileChange>,
) -> Result<Oid, ExerciseError> {
    for c in &changes {
        if c.path == ROSTER_FILE
            && let Some(bytes) = &c.content
        {
            let text = String::from_utf8_lossy(bytes);
            let roster = Roster::from_bytes(bytes, Path::new(ROSTER_FILE)).map_err(diag)?;
            let errors: Vec<Diagnostic> = roster
                .check(&text, Path::new(ROSTER_FILE), None)
                .into_iter()
                .filter(Diagnostic::is_error)
                .collect();
            if !errors.is_empty() {
                return Err(ExerciseError::Diagnostics(errors));
            }
        }
    }
    Ok(store.commit_files(message, parent, &changes)?.oid)
}

/// Adds a team to the roster and records it. Nothing is written if the team is refused.
pub fn add_team(
    store: &Store,
    name: &str,
    plays: &[String],
    negotiators: Vec<Member>,
    observers: Vec<Member>,
) -> Result<Oid, ExerciseError> {
    let cur = current(store)?;
    let mut roster = cur.roster.clone();
    roster.add_team(name, plays, negotiators, observers)?;
    let team = roster.teams.last().expect("just added");
    let message = format!(
        "Exercise: team {} plays {}\n\nMembers: {}{}\n",
        team.name,
        team.plays.join(", "),
        team.members.join(", "),
        if team.observers.is_empty() {
            String::new()
        } else {
            format!(
                "\nObservers: {}",
                team.observers
                    .iter()
                    .map(|m| m.email.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    );
    commit_setup(
        store,
        cur.head,
        &message,
        vec![FileChange::write(ROSTER_FILE, to_ron(&roster))],
    )
}

/// Sets the window of a round and records it.
pub fn schedule(
    store: &Store,
    round: &str,
    opens: &str,
    closes: &str,
) -> Result<Oid, ExerciseError> {
    let cur = current(store)?;
    let mut exercise = cur.exercise.clone();
    exercise.schedule(round, opens, closes)?;
    let r = exercise.round(round.trim()).expect("just scheduled");
    let message = format!(
        "Exercise: round {} opens {} and closes {}\n",
        r.round, r.opens, r.closes
    );
    commit_setup(
        store,
        cur.head,
        &message,
        vec![FileChange::write(EXERCISE_FILE, exercise.to_text())],
    )
}

/// A commit of the record by name: a round (`2` → `round/2`), a tag, a branch, a commit
/// id or `HEAD`.
pub fn resolve(store: &Store, spec: &str) -> Result<Oid, ExerciseError> {
    let repo = store.repo();
    for candidate in [format!("refs/tags/round/{spec}"), spec.to_string()] {
        if let Ok(c) = repo
            .revparse_single(&candidate)
            .and_then(|o| o.peel_to_commit())
        {
            return Ok(c.id());
        }
    }
    Err(ExerciseError::Invalid(format!(
        "no round, tag or commit \"{spec}\" in this record: see `treaty round list` and `treaty log`"
    )))
}
