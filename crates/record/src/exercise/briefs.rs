//! Briefs in the record: the general brief in plain Markdown, and each team's
//! confidential brief sealed with `age` to the SSH keys of the team's members and
//! observers and of the instructors. Nobody else can read it, whatever they clone.

use std::io::Write;
use std::path::Path;

use treaty_text::annex::AnnexRegister;
use treaty_text::diag::Diagnostic;
use treaty_text::exercise::Team;
use treaty_text::exercise::brief::{
    BRIEFS_INDEX, BriefEntry, GENERAL_BRIEF, SealedBrief, sealed_path,
};
use treaty_text::exercise::objectives::Objectives;
use treaty_text::exercise::to_ron;
use treaty_text::negotiation::{ANNEXES_FILE, TIERS_FILE};
use treaty_text::roster::Member;
use treaty_text::tiers::Tiers;

use super::keys::{load_identity, public_key_beside, recipient};
use super::{Current, ExerciseError, commit_setup, current};
use crate::store::{FileChange, Oid, Store};

/// A brief handed in for a team.
pub struct TeamBrief<'a> {
    pub team: &'a str,
    /// Markdown.
    pub brief: &'a str,
    /// The objectives file's text and its name for messages.
    pub objectives: Option<(&'a str, &'a Path)>,
}

/// What setting a team's brief did.
#[derive(Clone, Debug)]
pub struct Sealed {
    pub commit: Oid,
    pub entry: BriefEntry,
    /// Readers with no SSH key in the roster, who cannot read it.
    pub without_key: Vec<String>,
}

/// Records the general brief (plain Markdown, for everyone).
pub fn set_general(store: &Store, markdown: &str) -> Result<Oid, ExerciseError> {
    let cur = current(store)?;
    commit_setup(
        store,
        cur.head,
        "Exercise: the general brief\n",
        vec![FileChange::write(GENERAL_BRIEF, markdown)],
    )
}

/// Checks `objectives` against the text at the tip and seals the brief to the team's
/// readers and the instructors. Refused, with nothing written, for an unknown team, bad
/// objectives, or when no instructor has a key.
pub fn set_team(store: &Store, brief: &TeamBrief<'_>) -> Result<Sealed, ExerciseError> {
    let cur = current(store)?;
    let team = cur.team(brief.team)?.clone();
    if let Some((text, display)) = brief.objectives {
        check_objectives(store, cur.head, text, display)?;
    }
    if !cur.roster.instructors.iter().any(|i| i.ssh_key.is_some()) {
        return Err(ExerciseError::Invalid(
            "no instructor in the roster has an SSH key, so nobody could grade this brief: give `treaty exercise init --instructor-key KEY.pub`".into(),
        ));
    }
    let readers = cur.roster.brief_readers(&team);
    let (with_key, without_key): (Vec<&Member>, Vec<&Member>) =
        readers.iter().partition(|m| m.ssh_key.is_some());
    let mut recipients = Vec::new();
    for m in &with_key {
        let key = m.ssh_key.as_deref().unwrap_or_default();
        recipients.push(recipient(key).map_err(|why| {
            ExerciseError::Invalid(format!("the ssh_key of {} in the roster: {why}", m.email))
        })?);
    }
    let sealed = SealedBrief {
        version: 1,
        team: team.name.clone(),
        brief: brief.brief.to_string(),
        objectives: brief.objectives.map(|(t, _)| t.to_string()),
    };
    let ciphertext = seal(&recipients, to_ron(&sealed).as_bytes())?;
    let entry = BriefEntry {
        team: team.name.clone(),
        file: sealed_path(&team.name),
        readers: with_key.iter().map(|m| m.email.clone()).collect(),
        objectives: brief.objectives.is_some(),
    };
    let mut index = cur.briefs.clone();
    index.set(entry.clone());
    let message = format!(
        "Exercise: the confidential brief of team {}\n\nSealed to {}.\n",
        team.name,
        entry.readers.join(", ")
    );
    let commit = commit_setup(
        store,
        cur.head,
        &message,
        vec![
            FileChange::write(entry.file.clone(), ciphertext),
            FileChange::write(BRIEFS_INDEX, to_ron(&index)),
        ],
    )?;
    Ok(Sealed {
        commit,
        entry,
        without_key: without_key.iter().map(|m| m.email.clone()).collect(),
    })
}

/// The objectives file read and checked against the text at `commit`.
pub fn check_objectives(
    store: &Store,
    commit: Oid,
    text: &str,
    display: &Path,
) -> Result<Objectives, ExerciseError> {
    let objectives = Objectives::from_bytes(text.as_bytes(), display)
        .map_err(|e| ExerciseError::Diagnostics(vec![e.into_diagnostic()]))?;
    let draft = store
        .draft_at(commit)
        .map_err(|e| ExerciseError::Invalid(e.to_string()))?
        .draft;
    let (tiers, annexes) = registers_at(store, commit)?;
    let errors: Vec<Diagnostic> = objectives
        .check(text, display, &draft, tiers.as_ref(), annexes.as_ref())
        .into_iter()
        .filter(Diagnostic::is_error)
        .collect();
    if errors.is_empty() {
        Ok(objectives)
    } else {
        Err(ExerciseError::Diagnostics(errors))
    }
}

/// `drafts/tiers.ron` and `drafts/annexes.ron` at `commit`, when present and readable.
pub fn registers_at(
    store: &Store,
    commit: Oid,
) -> Result<(Option<Tiers>, Option<AnnexRegister>), ExerciseError> {
    let read = |path: &str| -> Result<Option<Vec<u8>>, ExerciseError> {
        Ok(store.read_file_at(commit, path)?)
    };
    let tiers = read(TIERS_FILE)?
        .and_then(|b| treaty_text::ronfile::parse_bytes(&b, Path::new(TIERS_FILE)).ok());
    let annexes = read(ANNEXES_FILE)?
        .and_then(|b| treaty_text::ronfile::parse_bytes(&b, Path::new(ANNEXES_FILE)).ok());
    Ok((tiers, annexes))
}

fn seal(recipients: &[age::ssh::Recipient], plaintext: &[u8]) -> Result<Vec<u8>, ExerciseError> {
    let failed = |e: &dyn std::fmt::Display| {
        ExerciseError::Invalid(format!("cannot encrypt the brief: {e}"))
    };
    let encryptor =
        age::Encryptor::with_recipients(recipients.iter().map(|r| r as &dyn age::Recipient))
            .map_err(|e| failed(&e))?;
    let mut out = Vec::new();
    let armor = age::armor::ArmoredWriter::wrap_output(&mut out, age::armor::Format::AsciiArmor)
        .map_err(|e| failed(&e))?;
    let mut writer = encryptor.wrap_output(armor).map_err(|e| failed(&e))?;
    writer.write_all(plaintext).map_err(|e| failed(&e))?;
    writer
        .finish()
        .and_then(|armor| armor.finish())
        .map_err(|e| failed(&e))?;
    Ok(out)
}

/// A team's brief as its reader sees it.
#[derive(Clone, Debug)]
pub struct Opened {
    pub team: Team,
    pub brief: String,
    pub objectives: Option<Objectives>,
    /// The objectives' text as handed in.
    pub objectives_text: Option<String>,
}

/// Opens team `name`'s sealed brief with the private key at `identity`. The error says
/// whose brief it is, who may read it, and why this key cannot.
pub fn open(
    cur: &Current,
    store: &Store,
    name: &str,
    identity: &Path,
) -> Result<Opened, ExerciseError> {
    let team = cur.team(name)?.clone();
    let entry = cur.briefs.entry(&team.name).cloned().ok_or_else(|| {
        ExerciseError::Invalid(format!(
            "team {} has no confidential brief yet: the instructor sets it with `treaty exercise brief set --team \"{}\" FILE`",
            team.name, team.name
        ))
    })?;
    let ciphertext = store.read_file_at(cur.head, &entry.file)?.ok_or_else(|| {
        ExerciseError::Invalid(format!(
            "{} lists the brief of team {} at {}, but the file is missing",
            BRIEFS_INDEX, team.name, entry.file
        ))
    })?;
    let key = load_identity(identity)?;
    let plaintext =
        unseal(&key, &ciphertext).map_err(|e| refusal(cur, &team, &entry, identity, &e))?;
    let display = Path::new(&entry.file);
    let sealed = SealedBrief::from_bytes(&plaintext, display)
        .map_err(|e| ExerciseError::Diagnostics(vec![e.into_diagnostic()]))?;
    let objectives = match &sealed.objectives {
        Some(text) => Some(
            Objectives::from_bytes(text.as_bytes(), display)
                .map_err(|e| ExerciseError::Diagnostics(vec![e.into_diagnostic()]))?,
        ),
        None => None,
    };
    Ok(Opened {
        team,
        brief: sealed.brief,
        objectives,
        objectives_text: sealed.objectives,
    })
}

fn unseal(key: &age::ssh::Identity, ciphertext: &[u8]) -> Result<Vec<u8>, String> {
    let reader = age::armor::ArmoredReader::new(ciphertext);
    let decryptor = age::Decryptor::new_buffered(reader).map_err(|e| e.to_string())?;
    let mut r = decryptor
        .decrypt(std::iter::once(key as &dyn age::Identity))
        .map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    std::io::Read::read_to_end(&mut r, &mut out).map_err(|e| e.to_string())?;
    Ok(out)
}

/// Why the key at `identity` cannot open team's brief, in words.
fn refusal(
    cur: &Current,
    team: &Team,
    entry: &BriefEntry,
    identity: &Path,
    why: &str,
) -> ExerciseError {
    let whose = public_key_beside(identity).and_then(|key| {
        let all = cur
            .roster
            .delegations
            .iter()
            .flat_map(|d| &d.members)
            .chain(&cur.roster.instructors)
            .chain(&cur.roster.observers)
            .chain(cur.roster.teams.iter().flat_map(|t| &t.observers));
        all.into_iter()
            .find(|m| m.ssh_key.as_deref().is_some_and(|k| same_key(k, &key)))
            .map(|m| m.email.clone())
    });
    let you = match &whose {
        Some(email) => match cur.roster.team_of(email) {
            Some(t) if !t.name.eq_ignore_ascii_case(&team.name) => {
                format!("it is the key of {email}, of team {}", t.name)
            }
            _ => format!(
                "it is the key of {email}, which was not among the readers when the brief was sealed (ask the instructor to set it again)"
            ),
        },
        None => "the roster lists no one with this key".into(),
    };
    ExerciseError::Invalid(format!(
        "the brief of team {} (playing {}) is confidential to {}: your key {} cannot open it: {you} ({why})",
        team.name,
        team.plays.join(", "),
        entry.readers.join(", "),
        identity.display()
    ))
}

/// Two public key lines name the same key (the comment aside).
fn same_key(a: &str, b: &str) -> bool {
    let key = |s: &str| s.split_whitespace().take(2).collect::<Vec<_>>().join(" ");
    key(a) == key(b)
}

/// The general brief at the tip, if set.
pub fn general(store: &Store) -> Result<Option<String>, ExerciseError> {
    let head = store.head()?;
    Ok(store
        .read_file_at(head, GENERAL_BRIEF)?
        .map(|b| String::from_utf8_lossy(&b).into_owned()))
}
