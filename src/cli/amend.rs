//! Recording commands: `treaty init`, `treaty amend`, `treaty round`, `treaty demo`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Args, Subcommand};

use super::{negotiation_root, out};
use crate::amend::{Change, Incomplete, Place, Restructure, StructureRequest};
use crate::amendment::{AmendmentKind, StructureOp, UnknownKind};
use crate::annex::AnnexStatus;
use crate::civil;
use crate::demo;
use crate::draft::FRONT_FILE;
use crate::negotiation::{ANNEXES_FILE, DRAFTS_DIR, TIERS_FILE};
use crate::record::{self, Edit, NewAmendment, RecordError};
use crate::start;
use crate::store::{self, Store, StoreError};

/// Exit code when the text moved on under an amendment: nothing was recorded, retry.
pub const EXIT_RETRY: u8 = 3;

/// Exit code when the clause changed since `--base`: nothing was recorded, and running the
/// same command again would not help.
pub const EXIT_CONFLICT: u8 = 4;

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder for the new negotiation (default: --repo, else the current folder). An
    /// existing git repository there is used as it is.
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
#[command(after_help = "\
Kinds and the flags they need:
  replace        --clause ID (--text T | --file F | --editor)
  insert         --after ID (or --clause ID as the anchor) (--text | --file | --editor) [--label L] [--id ID]
  delete         --clause ID
  bracket        --clause ID [--phrase P]           (no phrase: the whole text)
  lift-brackets  --clause ID [--group K]            (no group: every bracket with one alternative)
  choose-option  --clause ID --group K --option N
  move           --clause ID --after ID
  renumber       --clause ID --label L
  re-tier        --party P --tier N
  annex          --annex ID --status proposed|under-negotiation|agreed|withdrawn

Structural kinds (treaty.md and the files together, in one amendment):
  insert-article, insert-annex, insert-part, insert-chapter
                 (--after ID | --before ID | --into PART) --label L --title T [--id ID]
                 [--text T | --file F | --editor]   (articles, annexes: the first paragraph)
  move-article, move-annex, move-part, move-chapter
                 --clause ID (--after ID | --before ID | --into PART)
  delete-article, delete-annex, delete-part, delete-chapter
                 --clause ID                        (a part or chapter must be empty)
  renumber-article, renumber-annex, renumber-part, renumber-chapter
                 --clause ID --label L

--from-worktree records your own edits of drafts/ (as `git status` shows them) as one
amendment instead: the same checks, the kind read from the edits (structural when
treaty.md changed) and the clauses touched listed.

Groups and options count from 1 here, in document order (outer brackets first); the
library (amend::Change) counts from 0.

--base COMMIT (a commit id, a tag, HEAD~1) names the text you started from: if the
clause (or, for re-tier and annex, the file) reads differently now, nothing is recorded
and the three versions are printed (base, now, yours). Without it, the current text is
amended.

Exit codes: 0 recorded; 2 refused (nothing changed); 3 the text moved on under you
(another amendment landed first; nothing recorded): run the same command again; 4 the
clause changed since --base (nothing recorded): read the new text and amend that.")]
pub struct AmendArgs {
    /// The clause to amend (its stable id, e.g. observatory.2.b).
    #[arg(long, value_name = "ID")]
    pub clause: Option<String>,
    /// The proposing delegation(s), as in positions/ (or CHAIR), comma-separated.
    #[arg(
        long,
        value_name = "DELEGATION[,DELEGATION]",
        value_delimiter = ',',
        required = true
    )]
    pub by: Vec<String>,
    /// insert, delete, replace, bracket, lift-brackets, choose-option, move, renumber,
    /// re-tier, annex, or a structural kind (insert-article, move-part, …: see below).
    #[arg(long, value_parser = parse_kind, required_unless_present = "from_worktree")]
    pub kind: Option<AmendmentKind>,
    /// Record the edits made by hand to drafts/ in the work tree as one amendment.
    #[arg(long, conflicts_with_all = ["kind", "clause", "text", "file", "editor", "base"])]
    pub from_worktree: bool,
    /// The new wording (option lines separated by newlines).
    #[arg(long, value_name = "T", conflicts_with_all = ["file", "editor"])]
    pub text: Option<String>,
    /// Read the new wording from a file (`-` for standard input).
    #[arg(long, value_name = "F", conflicts_with = "editor")]
    pub file: Option<PathBuf>,
    /// Write the new wording in $VISUAL or $EDITOR, starting from the clause's text.
    #[arg(long)]
    pub editor: bool,
    /// The round to record (default: the round the text is in, see `treaty round list`).
    #[arg(long, value_name = "R")]
    pub round: Option<String>,
    /// The commit's subject line (default: generated from the change).
    #[arg(short = 'm', long = "message", value_name = "SUMMARY")]
    pub message: Option<String>,
    /// The commit you read the text at: refused if the clause changed since (default: the
    /// current text). --editor starts from the text at that commit.
    #[arg(long, value_name = "COMMIT")]
    pub base: Option<String>,
    /// insert, move: the clause to place it after (structural kinds: an article, annex,
    /// part or chapter of the same kind).
    #[arg(long, value_name = "ID", conflicts_with_all = ["before", "into"])]
    pub after: Option<String>,
    /// Structural kinds: the article, annex, part or chapter to place it before.
    #[arg(long, value_name = "ID", conflicts_with = "into")]
    pub before: Option<String>,
    /// Structural kinds: the part or chapter (or the annexes heading) to place it at the
    /// end of; a chapter goes into a part.
    #[arg(long, value_name = "ID")]
    pub into: Option<String>,
    /// insert, renumber: the display number (`4 bis`, `(c)`; `Article 4 bis` or `4 bis`).
    #[arg(long, value_name = "L")]
    pub label: Option<String>,
    /// insert-article, insert-annex, insert-part, insert-chapter: the heading's title.
    #[arg(long, value_name = "T")]
    pub title: Option<String>,
    /// insert: the new clause's id (default: derived from the anchor).
    #[arg(long, value_name = "ID")]
    pub id: Option<String>,
    /// bracket: the words to bracket (first occurrence).
    #[arg(long, value_name = "P")]
    pub phrase: Option<String>,
    /// lift-brackets, choose-option: the bracket group or option set, counted from 1.
    #[arg(long, value_name = "K")]
    pub group: Option<usize>,
    /// choose-option: the alternative to keep, counted from 1.
    #[arg(long, value_name = "N")]
    pub option: Option<usize>,
    /// re-tier: the Party's code, as in drafts/tiers.ron.
    #[arg(long, value_name = "P")]
    pub party: Option<String>,
    /// re-tier: the new tier.
    #[arg(long, value_name = "N")]
    pub tier: Option<u8>,
    /// annex: the annex's id, as in drafts/annexes.ron.
    #[arg(long, value_name = "ID")]
    pub annex: Option<String>,
    /// annex: proposed, under-negotiation, agreed or withdrawn.
    #[arg(long, value_parser = parse_status)]
    pub status: Option<AnnexStatus>,
}

#[derive(Debug, Args)]
pub struct RoundArgs {
    #[command(subcommand)]
    pub command: RoundCommand,
}

#[derive(Debug, Subcommand)]
pub enum RoundCommand {
    /// Start a round (session) at the current text: the tag round/NAME. Amendments from now
    /// on record it.
    Start {
        /// One word, e.g. geneva-2.
        name: String,
        /// What the round is, e.g. "Second session, Geneva".
        #[arg(short = 'm', long = "message", value_name = "TITLE")]
        message: Option<String>,
    },
    /// List the rounds, oldest first; the current one is marked.
    List,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Build the demo here (a new or empty folder; default: a new folder in the system
    /// temporary folder).
    #[arg(long, value_name = "D")]
    pub dir: Option<PathBuf>,
    /// Only build it and say what to run next.
    #[arg(long)]
    pub no_tui: bool,
}

fn parse_kind(s: &str) -> Result<AmendmentKind, String> {
    s.parse().map_err(|e: UnknownKind| e.to_string())
}

fn parse_status(s: &str) -> Result<AnnexStatus, String> {
    match s
        .trim()
        .to_ascii_lowercase()
        .replace([' ', '_'], "-")
        .as_str()
    {
        "proposed" => Ok(AnnexStatus::Proposed),
        "under-negotiation" => Ok(AnnexStatus::UnderNegotiation),
        "agreed" => Ok(AnnexStatus::Agreed),
        "withdrawn" => Ok(AnnexStatus::Withdrawn),
        _ => Err(format!(
            "\"{s}\" is not an annex status: use proposed, under-negotiation, agreed or withdrawn"
        )),
    }
}

/// Opens the record holding the negotiation; the negotiation must be at its top, since
/// amendments name files from there.
pub(super) fn open_store(repo: Option<PathBuf>) -> anyhow::Result<Store> {
    let start = repo.clone().unwrap_or_else(|| PathBuf::from("."));
    let root = match negotiation_root(repo) {
        Ok(root) => root,
        Err(e) => return Err(explain_no_negotiation(&start).unwrap_or(e)),
    };
    let store = super::open_record(&root)?;
    let top = std::fs::canonicalize(store.workdir()).unwrap_or(store.workdir().to_path_buf());
    if top != root {
        bail!(
            "the negotiation in {} is inside the git repository at {}, but amendments are recorded from the top of a repository: move drafts/ and positions/ to {}, or make {} a repository of its own (`treaty init {}`)",
            root.display(),
            top.display(),
            top.display(),
            root.display(),
            root.display()
        );
    }
    Ok(store)
}

/// Why there is no negotiation on disk at `start` when git can say more: a bare
/// repository, or a record whose drafts/ folder is missing from the work tree.
fn explain_no_negotiation(start: &Path) -> Option<anyhow::Error> {
    let store = match Store::open(start) {
        Ok(store) => store,
        Err(e @ StoreError::BareRepository { .. }) => return Some(e.into()),
        Err(_) => return None,
    };
    let head = store.head().ok()?;
    let front = format!("{DRAFTS_DIR}/{FRONT_FILE}");
    store.read_file_at(head, &front).ok()??;
    Some(anyhow::anyhow!(
        "{front} is in the record but missing from the work tree at {}: restore it with `git checkout -- {DRAFTS_DIR}` (or `git restore {DRAFTS_DIR}`) and amend again; nothing was recorded",
        store.workdir().display()
    ))
}

pub fn amend(repo: Option<PathBuf>, args: AmendArgs) -> anyhow::Result<ExitCode> {
    // One process, one amendment: the large folders it reads several times are kept.
    crate::store::cache_large_folders();
    let store = open_store(repo)?;
    let head = store.head()?;
    // Before any editor opens: a mistyped delegation or base should not cost the wording.
    record::resolve_proposers(&record::delegations_at(&store, head)?, &args.by)?;
    let base = match &args.base {
        Some(spec) => Some(record::resolve_base(&store, spec)?),
        None => None,
    };
    let edit = match args.kind {
        Some(kind) if !args.from_worktree => {
            Edit::Change(build_change(&store, base.unwrap_or(head), kind, &args)?)
        }
        _ => Edit::WorkTree {
            files: worktree_files(&store, head)?,
        },
    };
    let mut new = NewAmendment::of(edit, args.by.clone());
    new.round = args.round.clone();
    new.summary = args.message.clone();
    new.base = base.map(record::Base::at);
    let recorded = record::record(&store, &new);
    // The record's caches and open packs go with the process (0.4 of an amendment's 18
    // million instructions at UN scale to free them one by one).
    super::leave_to_exit(store);
    match recorded {
        Ok(r) => {
            out(&format!(
                "recorded amendment {} as commit {}",
                r.amendment.id, r.oid
            ));
            out(&format!("  {}", r.amendment.summary));
            out(&format!("  kind: {}", r.amendment.kind));
            if !r.amendment.clauses.is_empty() {
                out(&format!("  clauses: {}", r.amendment.clauses.join(", ")));
            }
            out(&format!(
                "  proposed by: {}",
                r.amendment.proposers.join(", ")
            ));
            if let Some(round) = &r.amendment.round {
                out(&format!("  round: {round}"));
            }
            for path in &r.kept_local_edits {
                out(&format!(
                    "note: {path} holds your own uncommitted edits, so it was left as it is; the amendment is in the commit (`git diff {path}` shows the difference)"
                ));
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) if e.is_retryable() => {
            let again = match e {
                RecordError::Store(StoreError::Moved { .. }) => {
                    "run the same command again to apply it to the new text"
                }
                _ => "run the same command again",
            };
            eprintln!(
                "{}",
                crate::sanitize::inert(&format!("error: {e}\n  nothing was recorded: {again}"))
            );
            Ok(ExitCode::from(EXIT_RETRY))
        }
        Err(RecordError::Conflict(c)) => {
            let msg = RecordError::Conflict(c.clone()).to_string();
            eprintln!(
                "{}",
                crate::sanitize::inert(&format!("error: {msg}\n{}", three_versions(&c)))
            );
            Ok(ExitCode::from(EXIT_CONFLICT))
        }
        Err(e) => Err(explain(e)),
    }
}

/// The base, the text now and yours, with what changed since the base marked
/// (`[-removed-]{+added+}`).
pub(super) fn three_versions(c: &record::Conflict) -> String {
    let gone = "(not there)";
    let base = c.base.as_deref().unwrap_or(gone);
    let changed = |to: Option<&str>| match to {
        Some(t) => crate::compare::render_words(&crate::compare::word_ops(base, t)),
        None => "(deleted)".to_string(),
    };
    format!(
        "  base:  {base}\n  now:   {}\n  yours: {}",
        changed(c.theirs.as_deref()),
        changed(c.yours.as_deref())
    )
}

pub(super) fn explain(e: RecordError) -> anyhow::Error {
    match e {
        RecordError::Amend(crate::amend::AmendError::NoSuchPoint {
            clause,
            index,
            available,
        }) => anyhow::anyhow!(
            "{clause} has {available} bracket group(s) and option set(s); there is no group {}: count from 1 (see `treaty brackets --clause {clause}`)",
            index + 1
        ),
        RecordError::Amend(crate::amend::AmendError::NoSuchOption {
            clause,
            point,
            index,
            available,
        }) => anyhow::anyhow!(
            "group {} in {clause} offers {available} alternative(s); there is no option {}: count from 1 (see `treaty show {clause}`)",
            point + 1,
            index + 1
        ),
        RecordError::Amend(a @ crate::amend::AmendError::UnknownClause { .. }) => {
            anyhow::anyhow!("{a} (see `treaty brackets` for every clause id)")
        }
        other => other.into(),
    }
}

fn need<T: Clone>(value: &Option<T>, kind: AmendmentKind, flag: &str) -> anyhow::Result<T> {
    value
        .clone()
        .ok_or_else(|| anyhow::anyhow!("--kind {kind} needs {flag} (see `treaty amend --help`)"))
}

/// 1-based on the command line, 0-based in the library.
fn from_one(value: usize, flag: &str) -> anyhow::Result<usize> {
    value
        .checked_sub(1)
        .ok_or_else(|| anyhow::anyhow!("{flag} counts from 1: give 1 for the first"))
}

/// The files of drafts/ as they are in the work tree, for `--from-worktree`: every file
/// the text at `head` holds, treaty.md, the retired ids, tiers, annex proposals, and
/// every Markdown file under articles/ and annexes/ (`None` for one that is gone).
fn worktree_files(
    store: &Store,
    head: store::Oid,
) -> anyhow::Result<std::collections::BTreeMap<String, Option<String>>> {
    let ws = record::workspace_at(store, head)?;
    let root = store.workdir().to_path_buf();
    let mut paths: std::collections::BTreeSet<String> = ws
        .draft
        .files
        .iter()
        .map(|f| format!("{DRAFTS_DIR}/{}", f.path))
        .collect();
    paths.extend([
        format!("{DRAFTS_DIR}/{FRONT_FILE}"),
        format!("{DRAFTS_DIR}/{}", crate::draft::RETIRED_FILE),
        TIERS_FILE.to_string(),
        ANNEXES_FILE.to_string(),
    ]);
    for dir in ["articles", "annexes"] {
        let Ok(entries) = std::fs::read_dir(root.join(DRAFTS_DIR).join(dir)) else {
            continue;
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.ends_with(".md") && e.file_type().is_ok_and(|t| t.is_file()) {
                paths.insert(format!("{DRAFTS_DIR}/{dir}/{name}"));
            }
        }
    }
    let mut files = std::collections::BTreeMap::new();
    for path in paths {
        let text = match std::fs::read(root.join(&path)) {
            Ok(bytes) => Some(String::from_utf8(bytes).map_err(|_| {
                anyhow::anyhow!("{path} is not UTF-8 text: save it as UTF-8 and amend again; nothing was recorded")
            })?),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => bail!("cannot read {path}: {e}; nothing was recorded"),
        };
        files.insert(path, text);
    }
    Ok(files)
}

/// Where --after, --before or --into place a structural amendment's unit.
fn place(a: &AmendArgs) -> Option<Place> {
    match (&a.after, &a.before, &a.into) {
        (Some(id), _, _) => Some(Place::After(id.clone())),
        (_, Some(id), _) => Some(Place::Before(id.clone())),
        (_, _, Some(id)) => Some(Place::Into(id.clone())),
        _ => None,
    }
}

/// A structural amendment from the flags, built as the workbench builds it
/// ([`StructureRequest::change`]).
fn structure_change(
    store: &Store,
    head: store::Oid,
    kind: AmendmentKind,
    a: &AmendArgs,
) -> anyhow::Result<Change> {
    let Some((op, unit)) = kind.structure() else {
        bail!("--kind {kind} is not a structural kind");
    };
    let wants_text =
        op == StructureOp::Insert && (a.text.is_some() || a.file.is_some() || a.editor);
    if wants_text && !unit.has_file() {
        bail!(
            "a {} is a heading and has no text: drop --text",
            unit.noun()
        );
    }
    let request = StructureRequest {
        clause: a.clause.clone(),
        place: place(a),
        id: a.id.clone(),
        label: a.label.clone(),
        title: a.title.clone(),
        text: None,
    };
    // Every flag checked before an editor opens for the text.
    let flag = |missing| match missing {
        Incomplete::Clause => "--clause ID",
        Incomplete::Place => "--after ID, --before ID or --into PART",
        Incomplete::Label => "--label L",
        Incomplete::Title => "--title T",
        Incomplete::TextOnHeading => "no --text",
    };
    let mut change = request.change(op, unit).map_err(|m| {
        anyhow::anyhow!(
            "--kind {kind} needs {} (see `treaty amend --help`)",
            flag(m)
        )
    })?;
    if wants_text
        && let Change::Structure {
            edit: Restructure::Insert { text, .. },
            ..
        } = &mut change
    {
        *text = Some(wording(store, head, kind, a, None)?);
    }
    Ok(change)
}

fn build_change(
    store: &Store,
    head: store::Oid,
    kind: AmendmentKind,
    a: &AmendArgs,
) -> anyhow::Result<Change> {
    let clause = || need(&a.clause, kind, "--clause ID");
    Ok(match kind {
        AmendmentKind::Replace => {
            let clause = clause()?;
            let text = wording(store, head, kind, a, Some(&clause))?;
            Change::Replace { clause, text }
        }
        AmendmentKind::Insert => {
            let after = match (&a.after, &a.clause) {
                (Some(after), _) | (None, Some(after)) => after.clone(),
                (None, None) => bail!(
                    "--kind insert needs --after ID (the clause to insert after; or --clause ID)"
                ),
            };
            let text = wording(store, head, kind, a, None)?;
            Change::Insert {
                after,
                id: a.id.clone(),
                label: a.label.clone(),
                text,
            }
        }
        AmendmentKind::Delete => Change::Delete { clause: clause()? },
        AmendmentKind::Bracket => Change::Bracket {
            clause: clause()?,
            phrase: a.phrase.clone(),
        },
        AmendmentKind::LiftBrackets => Change::LiftBrackets {
            clause: clause()?,
            group: a.group.map(|g| from_one(g, "--group")).transpose()?,
        },
        AmendmentKind::ChooseOption => Change::ChooseOption {
            clause: clause()?,
            point: from_one(need(&a.group, kind, "--group K")?, "--group")?,
            option: from_one(need(&a.option, kind, "--option N")?, "--option")?,
        },
        AmendmentKind::Move => Change::Move {
            clause: clause()?,
            after: need(&a.after, kind, "--after ID")?,
        },
        AmendmentKind::Renumber => Change::Renumber {
            clause: clause()?,
            label: need(&a.label, kind, "--label L")?,
        },
        AmendmentKind::ReTier => Change::ReTier {
            party: need(&a.party, kind, "--party P")?,
            tier: need(&a.tier, kind, "--tier N")?,
        },
        AmendmentKind::Annex => Change::Annex {
            annex: match (&a.annex, &a.clause) {
                (Some(x), _) | (None, Some(x)) => x.clone(),
                (None, None) => bail!("--kind annex needs --annex ID (as in drafts/annexes.ron)"),
            },
            status: need(&a.status, kind, "--status STATUS")?,
        },
        structural => structure_change(store, head, structural, a)?,
    })
}

/// The new wording from --text, --file or --editor, without its final line break.
fn wording(
    store: &Store,
    head: store::Oid,
    kind: AmendmentKind,
    a: &AmendArgs,
    clause: Option<&str>,
) -> anyhow::Result<String> {
    let text = if let Some(t) = &a.text {
        t.clone()
    } else if let Some(f) = &a.file {
        if f == Path::new("-") {
            std::io::read_to_string(std::io::stdin())
                .context("cannot read the text from standard input")?
        } else {
            std::fs::read_to_string(f)
                .with_context(|| format!("cannot read the text from {}", f.display()))?
        }
    } else if a.editor {
        let start = match clause {
            Some(id) => {
                let ws = record::workspace_at(store, head)?;
                match ws.draft.clause(id) {
                    Some(c) => c.text.clone(),
                    None => bail!(
                        "{}",
                        crate::amend::AmendError::UnknownClause {
                            id: id.to_string(),
                            suggest: ws.draft.suggest(id).map(String::from),
                        }
                    ),
                }
            }
            None => String::new(),
        };
        edit_in_editor(&start)?
    } else {
        bail!("--kind {kind} needs the new wording: --text T, --file F or --editor");
    };
    let text = text.trim_end_matches(['\n', '\r']).to_string();
    if text.trim().is_empty() {
        bail!("the new wording is empty: nothing recorded (to remove a clause use --kind delete)");
    }
    Ok(text)
}

pub(super) fn edit_in_editor(start: &str) -> anyhow::Result<String> {
    let editor = std::env::var("VISUAL")
        .ok()
        .filter(|e| !e.trim().is_empty())
        .or_else(|| {
            std::env::var("EDITOR")
                .ok()
                .filter(|e| !e.trim().is_empty())
        })
        .unwrap_or_else(|| "vi".to_string());
    let file = tempfile::Builder::new()
        .prefix("treaty-amendment-")
        .suffix(".md")
        .tempfile()
        .context("cannot create a temporary file for the editor")?;
    std::fs::write(file.path(), format!("{start}\n"))?;
    // Through the shell, as git does, so EDITOR may hold arguments ("code --wait").
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("treaty-editor")
        .arg(file.path())
        .status()
        .with_context(|| format!("cannot start the editor `{editor}`: set $VISUAL or $EDITOR"))?;
    if !status.success() {
        bail!("the editor `{editor}` failed ({status}): nothing recorded");
    }
    Ok(std::fs::read_to_string(file.path())?)
}

pub fn round(repo: Option<PathBuf>, args: RoundArgs) -> anyhow::Result<ExitCode> {
    let store = open_store(repo)?;
    match args.command {
        RoundCommand::Start { name, message } => {
            let r = store.start_round(&name, message.as_deref().unwrap_or(""))?;
            out(&format!(
                "started round {} at commit {}: amendments from now on record Round: {}",
                r.name, r.target, r.name
            ));
        }
        RoundCommand::List => {
            let rounds = store.rounds()?;
            if rounds.is_empty() {
                out("no rounds yet: start one with `treaty round start NAME`");
                return Ok(ExitCode::SUCCESS);
            }
            let current = store.current_round()?;
            for r in rounds {
                let mark = if current.as_deref() == Some(r.name.as_str()) {
                    "*"
                } else {
                    " "
                };
                let oid = r.target.to_string();
                out(&format!(
                    "{mark} {:<20} {}  {}  {}",
                    r.name,
                    &oid[..10],
                    civil::format_utc(r.time.seconds()),
                    r.message.lines().next().unwrap_or("")
                ));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

const ZERO_FRONT: &str = "\
# Untitled Convention {#treaty}

## Preamble {#preamble}

*Recognizing* the need for a convention on this subject, {#pp1}

Have agreed as follows: {#pp-agreed}

## Part I. General provisions {#part-general}

- [Article 1. Objective](articles/objective.md)
";

const ZERO_OBJECTIVE: &str = "\
### Article 1. Objective {#objective}

1. The objective of this Convention is [Placeholder for the objective]. {#objective.1}
";

const ZERO_TIERS: &str = "\
// Tiers of obligations, each Party's tier, and which clauses bind which tiers.
// A clause not listed under obligations binds all tiers.
(
    version: 1,
    tiers: [
        (tier: 1, name: \"Full obligations\", summary: \"Implements the Convention in full on entry into force.\"),
        (tier: 2, name: \"Graduated obligations\", summary: \"Implements the Convention on a graduated basis, with longer timelines.\"),
        (tier: 3, name: \"Capacity-building and support\", summary: \"Receives support to build the capacity to implement the Convention.\"),
    ],
    parties: [],
    obligations: [],
)
";

const ZERO_ANNEXES: &str = "\
// Sector annex proposals: proposer, supporters, opponents, status.
(
    version: 1,
    annexes: [],
)
";

const POSITIONS_README: &str = "\
# Positions

One file per delegation, `<code>.ron`, with its proposed wording and stances; see
`treaty --help` and the sample negotiation (`treaty demo`) for the format.
";

pub fn init(repo: Option<PathBuf>, args: InitArgs) -> anyhow::Result<ExitCode> {
    let dir = args.dir.or(repo).unwrap_or_else(|| PathBuf::from("."));
    let front = dir.join(DRAFTS_DIR).join(FRONT_FILE);
    if front.exists() {
        bail!(
            "{} already exists: this folder already holds a negotiation (use `treaty check` to look at it, or give another folder)",
            front.display()
        );
    }
    let files = [
        ("drafts/treaty.md", ZERO_FRONT),
        ("drafts/articles/objective.md", ZERO_OBJECTIVE),
        (TIERS_FILE, ZERO_TIERS),
        (ANNEXES_FILE, ZERO_ANNEXES),
        ("positions/README.md", POSITIONS_README),
    ];
    let clauses = [
        "treaty",
        "preamble",
        "pp1",
        "pp-agreed",
        "part-general",
        "objective",
        "objective.1",
    ];
    let (store, recorded) = start::start(&dir, &files, &clauses)?;
    let canonical = store.workdir().to_path_buf();
    std::fs::create_dir_all(canonical.join("positions"))?;
    out(&format!(
        "created the negotiation in {} (commit {})",
        canonical.display(),
        recorded.oid
    ));
    for path in &recorded.kept_local_edits {
        out(&format!(
            "note: {path} already existed on disk and was left as it is"
        ));
    }
    out(
        "next: edit drafts/, add positions/<code>.ron for each delegation, then `treaty round start NAME` and `treaty amend ...`",
    );
    Ok(ExitCode::SUCCESS)
}

pub fn demo(repo: Option<PathBuf>, args: DemoArgs) -> anyhow::Result<ExitCode> {
    let dir = match args.dir.or(repo) {
        Some(d) => d,
        None => tempfile::Builder::new()
            .prefix("treaty-demo-")
            .tempdir()
            .context("cannot create a folder for the demo in the temporary folder")?
            .keep(),
    };
    let script = demo::bundled_script()?;
    let report = demo::build_demo(&dir, demo::bundled_sample(), &script)?;
    let shown = std::fs::canonicalize(&report.dir).unwrap_or(report.dir.clone());
    let d = shown.display();
    out(&format!("built the demo negotiation in {d}"));
    out(&format!(
        "  {} rounds, {} amendments, {} delegations ({}); head {}",
        report.rounds,
        report.amendments,
        report.delegations.len(),
        report
            .delegations
            .iter()
            .cloned()
            .collect::<Vec<_>>()
            .join(", "),
        report.head
    ));
    if report.own_identity {
        out(&format!(
            "  git knows no user here, so your amendments in the demo are recorded as \"{}\" (change it with `git -C {d} config user.name \"Your Name\"`)",
            demo::DEMO_USER.0
        ));
    }
    out("next:");
    out(&format!("  treaty --repo {d} round list"));
    out(&format!("  treaty --repo {d} log"));
    out(&format!("  treaty --repo {d} blame observatory.2.b"));
    out(&format!("  treaty --repo {d} stats --by-round"));
    out(&format!("  git -C {d} log --stat"));
    out(&format!("  treaty tui --repo {d}"));
    if !args.no_tui {
        use std::io::IsTerminal;
        if std::io::stdout().is_terminal() && std::io::stdin().is_terminal() {
            return super::tui::tui(Some(shown.clone()), super::tui::TuiArgs::default());
        }
        out("not a terminal here, so the workbench does not open: run `treaty tui` as shown above");
    }
    Ok(ExitCode::SUCCESS)
}
