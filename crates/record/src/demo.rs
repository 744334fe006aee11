//! The demo negotiation: the bundled sample replayed from a scripted history
//! (`drafts/demo.ron`) into a fresh record, one commit per amendment, one tag per round.
//!
//! Everything is fixed by the script (authors, dates, amendment ids), so the same script
//! gives the same commit ids on every run and every machine.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use git2::{Repository, RepositoryInitOptions, Signature, Time};
use serde::Deserialize;

use treaty_text::civil;
use treaty_text::roster::{CHAIR, ROSTER_FILE, Roster};

use crate::record::{self, NewAmendment, RecordError};
use crate::store::{Oid, Store, StoreError};
use treaty_text::amend;
use treaty_text::amendment::{Amendment, AmendmentKind};

/// Where the script lives in the sample (and in every demo record).
pub const SCRIPT_PATH: &str = "drafts/demo.ron";

/// The scripted history (`drafts/demo.ron`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Script {
    pub version: u32,
    pub title: String,
    pub start: Start,
    pub rounds: Vec<ScriptRound>,
}

/// The first commit: the sample as the Chair issued it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Start {
    pub by: Vec<String>,
    pub summary: String,
    /// `YYYY-MM-DDTHH:MM:SSZ`.
    pub date: String,
}

/// One session: a round tag at `date`, then its amendments one hour apart.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScriptRound {
    pub name: String,
    pub title: String,
    pub date: String,
    pub amendments: Vec<ScriptAmendment>,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScriptAmendment {
    pub by: Vec<String>,
    #[serde(default)]
    pub summary: Option<String>,
    pub change: amend::Change,
}

/// One file of the sample: path relative to the negotiation folder, and its bytes.
pub type SampleFile = (&'static str, &'static [u8]);

/// The sample negotiation built into this program (drafts/, positions/, themes/).
pub fn bundled_sample() -> &'static [SampleFile] {
    SAMPLE
}

static SAMPLE: &[SampleFile] = include!(concat!(env!("OUT_DIR"), "/sample.rs"));

/// The bundled script.
pub fn bundled_script() -> Result<Script, DemoError> {
    let bytes = bundled_sample()
        .iter()
        .find(|(path, _)| *path == SCRIPT_PATH)
        .map(|(_, bytes)| *bytes)
        .ok_or_else(|| DemoError::Script(format!("{SCRIPT_PATH} is not in the sample")))?;
    parse_script(bytes)
}

fn parse_script(bytes: &[u8]) -> Result<Script, DemoError> {
    treaty_text::ronfile::parse_bytes(bytes, Path::new(SCRIPT_PATH))
        .map_err(|e| DemoError::Script(e.into_diagnostic().to_string()))
}

/// What the demo built.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoReport {
    pub dir: PathBuf,
    pub head: Oid,
    pub rounds: usize,
    /// Amendment commits after the first one.
    pub amendments: usize,
    /// Every delegation that proposed something, the first commit included.
    pub delegations: BTreeSet<String>,
    /// Git knew no user here, so the demo record has its own (`DEMO_USER`), and the
    /// amendments you make in it are recorded under that name.
    pub own_identity: bool,
}

/// Who records amendments in a demo built where git knows no user.
pub const DEMO_USER: (&str, &str) = ("Demo delegate", "demo-delegate@treaty.invalid");

/// Why the demo could not be built.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("{} already exists and is not empty: give a new or empty folder with --dir", .0.display())]
    NotEmpty(PathBuf),
    #[error("the demo script is invalid: {0}")]
    Script(String),
    #[error("the demo script gives a bad date ({what}): {source}")]
    BadDate {
        what: String,
        #[source]
        source: civil::BadDate,
    },
    #[error(
        "round {round}, amendment {number} (\"{summary}\") cannot be applied: {reason}; fix it in {SCRIPT_PATH}"
    )]
    Amendment {
        round: String,
        number: usize,
        summary: String,
        #[source]
        reason: Box<RecordError>,
    },
    #[error("cannot start round {round}: {source}")]
    Round {
        round: String,
        #[source]
        source: StoreError,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("git failed while building the demo record: {0}")]
    Git(#[from] git2::Error),
    #[error("cannot write {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Builds the demo record in `dir` (created if missing; refused if not empty): the sample
/// `files` as the first commit, then every round of `script`.
pub fn build_demo(
    dir: &Path,
    files: &[SampleFile],
    script: &Script,
) -> Result<DemoReport, DemoError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| DemoError::Io { path, source }
    };
    if dir.exists() {
        let mut entries = std::fs::read_dir(dir).map_err(io(dir))?;
        if entries.next().is_some() {
            return Err(DemoError::NotEmpty(dir.to_path_buf()));
        }
    }
    // Check every date before writing anything.
    let start_time = parse_date(&script.start.date, "start")?;
    let mut round_times = Vec::new();
    for round in &script.rounds {
        round_times.push(parse_date(&round.date, &format!("round {}", round.name))?);
    }
    std::fs::create_dir_all(dir).map_err(io(dir))?;

    let mut opts = RepositoryInitOptions::new();
    opts.initial_head("main");
    let repo = Repository::init_opts(dir, &opts)?;
    // Without a git identity the user could not amend the demo; give the demo record one
    // of its own rather than send a first-time user off to `git config`.
    let own_identity = repo.signature().is_err();
    if own_identity {
        let mut config = repo.config()?.open_level(git2::ConfigLevel::Local)?;
        config.set_str("user.name", DEMO_USER.0)?;
        config.set_str("user.email", DEMO_USER.1)?;
    }
    let mut index = repo.index()?;
    for (rel, bytes) in files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io(parent))?;
        }
        std::fs::write(&path, bytes).map_err(io(&path))?;
        index.add_path(Path::new(rel))?;
    }
    index.write()?;
    let tree = repo.find_tree(index.write_tree()?)?;
    let people = People::from_sample(files);
    let first = Amendment::new(AmendmentKind::Insert, script.start.by.clone(), [""; 0])
        .with_summary(script.start.summary.clone())
        .with_derived_id("demo:start");
    let sig = people.chair(start_time)?;
    repo.commit(Some("HEAD"), &sig, &sig, &first.to_message(), &tree, &[])?;
    drop(tree);
    drop(repo);

    // The roster's people act as a real negotiation has them act: each amendment is
    // authored by a member of its first proposing delegation, co-signed by a member of
    // each other one, and landed (committed) by the chair; the secretariat starts the
    // rounds. So the demo passes `treaty verify` and a server's hook.
    let store = Store::open(dir)?;
    let mut delegations: BTreeSet<String> = script.start.by.iter().cloned().collect();
    let mut amendments = 0;
    for (round, &time) in script.rounds.iter().zip(&round_times) {
        let tagger = people.secretariat(time)?;
        store
            .start_round_as(&round.name, &round.title, &tagger)
            .map_err(|source| DemoError::Round {
                round: round.name.clone(),
                source,
            })?;
        for (k, a) in round.amendments.iter().enumerate() {
            let number = k + 1;
            let when = time + 3600 * number as i64;
            let mut new = NewAmendment::new(a.change.clone(), a.by.clone())
                .with_round(round.name.clone())
                .with_id(
                    Amendment::new(a.change.kind(), a.by.clone(), [""; 0])
                        .derived_id(&format!("demo:{}:{number}", round.name)),
                );
            new.summary = a.summary.clone();
            new.co_signers =
                a.by.iter()
                    .skip(1)
                    .filter_map(|code| people.member(code).map(|(_, email)| (code.clone(), email)))
                    .collect();
            let author = people.delegation(a.by.first().map_or(CHAIR, |s| s), when)?;
            let committer = people.chair(when)?;
            let head = store.head()?;
            let recorded = record::record_by(&store, &new, head, Some((&author, &committer)))
                .map_err(|reason| DemoError::Amendment {
                    round: round.name.clone(),
                    number,
                    summary: a.summary.clone().unwrap_or_else(|| a.change.describe()),
                    reason: Box::new(reason),
                })?;
            delegations.extend(recorded.amendment.proposers);
            amendments += 1;
        }
    }
    Ok(DemoReport {
        dir: dir.to_path_buf(),
        head: store.head()?,
        rounds: script.rounds.len(),
        amendments,
        delegations,
        own_identity,
    })
}

/// Who acts in the demo: the people of the sample's roster (`positions/roster.ron`).
struct People {
    roster: Option<Roster>,
}

impl People {
    fn from_sample(files: &[SampleFile]) -> People {
        let roster = files
            .iter()
            .find(|(path, _)| *path == ROSTER_FILE)
            .and_then(|(_, bytes)| Roster::from_bytes(bytes, Path::new(ROSTER_FILE)).ok());
        People { roster }
    }

    /// The first member of delegation `code` (name, e-mail).
    fn member(&self, code: &str) -> Option<(String, String)> {
        let roster = self.roster.as_ref()?;
        let members = if code == roster.chair.code {
            &roster.chair.members
        } else {
            &roster.delegation(code)?.members
        };
        members.first().map(|m| (m.name.clone(), m.email.clone()))
    }

    /// A member of `code`'s delegation, or `CODE delegation <code@delegations.example>`
    /// when the sample has no roster naming one.
    fn delegation(&self, code: &str, time: i64) -> Result<Signature<'static>, git2::Error> {
        let (name, email) = self.member(code).unwrap_or_else(|| {
            (
                format!("{code} delegation"),
                format!("{}@delegations.example", code.to_lowercase()),
            )
        });
        Signature::new(&name, &email, &Time::new(time, 0))
    }

    /// The chair, who lands the amendments.
    fn chair(&self, time: i64) -> Result<Signature<'static>, git2::Error> {
        let code = self
            .roster
            .as_ref()
            .map_or(CHAIR.to_string(), |r| r.chair.code.clone());
        self.delegation(&code, time)
    }

    /// The secretariat (the chair's last member), who starts the rounds.
    fn secretariat(&self, time: i64) -> Result<Signature<'static>, git2::Error> {
        match self.roster.as_ref().and_then(|r| r.chair.members.last()) {
            Some(m) => Signature::new(&m.name, &m.email, &Time::new(time, 0)),
            None => self.chair(time),
        }
    }
}

/// Seconds since the epoch of a script's date (see [`civil::parse`]).
pub fn parse_date(date: &str, what: &str) -> Result<i64, DemoError> {
    civil::parse(date).map_err(|source| DemoError::BadDate {
        what: what.to_string(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_utc_seconds() {
        assert_eq!(parse_date("1970-01-01T00:00:00Z", "x").unwrap(), 0);
        assert_eq!(
            parse_date("2025-01-01T00:00:00Z", "x").unwrap(),
            crate::testing::EPOCH
        );
        assert_eq!(
            parse_date("2024-02-29T12:30:15Z", "x").unwrap(),
            1_709_209_815
        );
        for bad in [
            "2026-02-30T09:00:00Z",
            "2026-13-01T09:00:00Z",
            "2026/02/02",
            "2026-02-02T25:00:00Z",
        ] {
            let e = parse_date(bad, "round r1").unwrap_err();
            assert!(e.to_string().contains("round r1"), "{e}");
            assert!(e.to_string().contains("YYYY-MM-DD"), "{e}");
        }
    }

    #[test]
    fn the_bundled_script_parses_and_names_known_rounds() {
        let script = bundled_script().unwrap();
        assert!(script.rounds.len() >= 3);
        assert!(
            script
                .rounds
                .iter()
                .map(|r| r.amendments.len())
                .sum::<usize>()
                >= 40
        );
        assert!(
            bundled_sample()
                .iter()
                .any(|(p, _)| *p == "drafts/treaty.md")
        );
    }

    #[test]
    fn refuses_a_folder_that_is_not_empty() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("keep.txt"), "mine").unwrap();
        let script = bundled_script().unwrap();
        let err = build_demo(dir.path(), bundled_sample(), &script).unwrap_err();
        assert!(matches!(err, DemoError::NotEmpty(_)), "{err}");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("keep.txt")).unwrap(),
            "mine"
        );
    }

    #[test]
    fn a_failing_amendment_is_named() {
        crate::testing::hermetic();
        let dir = tempfile::tempdir().unwrap();
        let mut script = bundled_script().unwrap();
        script.rounds.truncate(1);
        script.rounds[0].amendments.truncate(2);
        script.rounds[0].amendments[1].change = amend::Change::Delete {
            clause: "no-such-clause".into(),
        };
        let err = build_demo(&dir.path().join("d"), bundled_sample(), &script).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("round r1-geneva, amendment 2"), "{msg}");
        assert!(msg.contains("no-such-clause"), "{msg}");
    }
}
