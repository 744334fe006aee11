//! `treaty exercise`: moot negotiations from set-up to debrief.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Subcommand, ValueEnum};

use super::out;
use crate::exercise::briefs::{self, TeamBrief};
use crate::exercise::init::{self, From, InitOptions};
use crate::exercise::progress::{self, Ask};
use crate::exercise::{self, keys, server};
use crate::history::History;
use crate::roster::Member;
use crate::store::Store;
use treaty_text::exercise::scores::Scores;

#[derive(Debug, Args)]
pub struct ExerciseArgs {
    #[command(subcommand)]
    pub command: ExerciseCommand,
}

#[derive(Debug, Subcommand)]
pub enum ExerciseCommand {
    /// A new negotiation folder for an exercise, from the shipped sample or from any
    /// negotiation record at a round or commit.
    Init(InitArgs),
    /// Student teams: each plays one delegation or a bloc.
    Team(TeamArgs),
    /// The shared repository the teams clone and push to.
    Server(ServerArgs),
    /// The general brief and each team's confidential brief.
    Brief(BriefArgs),
    /// Check the teams' objectives against the text at a commit.
    Objectives(ObjectivesArgs),
    /// Set when a round opens and closes.
    Schedule(ScheduleArgs),
    /// Teams × rounds, objectives, bracket burn-down, contested clauses, time left.
    Status(StatusArgs),
    /// The debrief: objectives and scores, words credited, rounds, burn-down, timeline,
    /// and the students' text beside the real outcome.
    Debrief(DebriefArgs),
    /// Write the sample exercise (six teams on the AI treaty: briefs, objectives,
    /// schedule) into a folder, to use or adapt.
    Sample(SampleArgs),
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The new folder (created; must be empty).
    pub dir: PathBuf,
    /// `demo` (the shipped sample) or a negotiation record's folder.
    #[arg(long, value_name = "demo|PATH")]
    pub from: String,
    /// The round, tag or commit of the source to start from (default: its latest).
    #[arg(long, value_name = "REF")]
    pub at: Option<String>,
    #[arg(long, value_name = "T")]
    pub title: Option<String>,
    /// Your SSH public key, to read every team's brief (default: the `.pub` beside the key
    /// git signs with, else ~/.ssh/id_ed25519.pub).
    #[arg(long, value_name = "KEY.pub")]
    pub instructor_key: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct TeamArgs {
    #[command(subcommand)]
    pub command: TeamCommand,
}

#[derive(Debug, Subcommand)]
pub enum TeamCommand {
    /// Add a team to the roster: its negotiators become members of every delegation it plays.
    Add(TeamAddArgs),
    /// The teams, what they play and who is in them.
    List(JsonArgs),
}

#[derive(Debug, Args)]
pub struct TeamAddArgs {
    pub name: String,
    /// The delegation codes the team plays.
    #[arg(
        long,
        value_delimiter = ',',
        required = true,
        value_name = "CODE[,CODE…]"
    )]
    pub plays: Vec<String>,
    /// A negotiator: `EMAIL`, `"Name <EMAIL>"`, optionally `=KEYFILE.pub`.
    #[arg(long = "member", value_name = "EMAIL[=KEYFILE.pub]")]
    pub members: Vec<String>,
    /// An observer: reads the team's brief, acts for no one.
    #[arg(long = "observer", value_name = "EMAIL[=KEYFILE.pub]")]
    pub observers: Vec<String>,
}

#[derive(Debug, Args)]
pub struct JsonArgs {
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ServerArgs {
    #[command(subcommand)]
    pub command: ServerCommand,
}

#[derive(Debug, Subcommand)]
pub enum ServerCommand {
    /// A bare repository with treaty's pre-receive hook, the exercise pushed through it.
    Init(ServerInitArgs),
}

#[derive(Debug, Args)]
pub struct ServerInitArgs {
    pub bare_dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct BriefArgs {
    #[command(subcommand)]
    pub command: BriefCommand,
}

#[derive(Debug, Subcommand)]
pub enum BriefCommand {
    /// Set the general brief (`--general FILE`) or a team's confidential brief
    /// (`--team NAME FILE [--objectives FILE.ron]`).
    Set(BriefSetArgs),
    /// Show the general brief and your team's confidential brief.
    Show(BriefShowArgs),
}

#[derive(Debug, Args)]
pub struct BriefSetArgs {
    /// The general brief (Markdown), for everyone.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["team", "file", "objectives"])]
    pub general: Option<PathBuf>,
    /// The team whose confidential brief FILE is.
    #[arg(long, value_name = "NAME", requires = "file")]
    pub team: Option<String>,
    /// The confidential brief (Markdown).
    pub file: Option<PathBuf>,
    /// The team's objectives (RON; see `treaty exercise sample`).
    #[arg(long, value_name = "FILE", requires = "team")]
    pub objectives: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct IdentityArgs {
    /// Your private SSH key (default: the key git signs with, `user.signingkey`, else
    /// ~/.ssh/id_ed25519).
    #[arg(long, value_name = "KEYFILE")]
    pub identity: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct BriefShowArgs {
    /// Whose brief (default: your team, by your git e-mail).
    #[arg(long, value_name = "NAME")]
    pub team: Option<String>,
    #[command(flatten)]
    pub key: IdentityArgs,
}

#[derive(Debug, Args)]
pub struct ObjectivesArgs {
    /// One team (default: every brief your key opens).
    #[arg(long, value_name = "NAME")]
    pub team: Option<String>,
    /// The commit, round or tag to check (default: the latest).
    #[arg(long, value_name = "REF")]
    pub at: Option<String>,
    #[command(flatten)]
    pub key: IdentityArgs,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ScheduleArgs {
    /// The round's name (as in `treaty round start NAME`).
    pub round: String,
    /// RFC 3339 (`2026-03-02T09:00:00+01:00`) or a local time and its zone
    /// (`"2026-03-02 09:00 Europe/Paris"`).
    #[arg(long, value_name = "TIME")]
    pub opens: String,
    #[arg(long, value_name = "TIME")]
    pub closes: String,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    #[arg(long)]
    pub json: bool,
    #[arg(long, value_name = "REF")]
    pub at: Option<String>,
    #[command(flatten)]
    pub key: IdentityArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DebriefFormat {
    Html,
    Json,
    Md,
}

#[derive(Debug, Args)]
pub struct DebriefArgs {
    #[arg(long, value_enum, default_value = "html")]
    pub format: DebriefFormat,
    /// Write to FILE (default: standard output).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// The instructor's manual ratings (RON; see `treaty exercise sample`).
    #[arg(long, value_name = "FILE")]
    pub scores: Option<PathBuf>,
    /// The commit, round or tag to debrief (default: the latest).
    #[arg(long, value_name = "REF")]
    pub at: Option<String>,
    #[command(flatten)]
    pub key: IdentityArgs,
}

#[derive(Debug, Args)]
pub struct SampleArgs {
    /// The folder to write into (created; must be empty).
    pub dir: PathBuf,
}

pub fn exercise(repo: Option<PathBuf>, args: ExerciseArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        ExerciseCommand::Init(a) => init_cmd(a),
        ExerciseCommand::Team(a) => match a.command {
            TeamCommand::Add(a) => team_add(repo, a),
            TeamCommand::List(a) => team_list(repo, a),
        },
        ExerciseCommand::Server(a) => {
            let ServerCommand::Init(a) = a.command;
            server_init(repo, a)
        }
        ExerciseCommand::Brief(a) => match a.command {
            BriefCommand::Set(a) => brief_set(repo, a),
            BriefCommand::Show(a) => brief_show(repo, a),
        },
        ExerciseCommand::Objectives(a) => objectives(repo, a),
        ExerciseCommand::Schedule(a) => schedule(repo, a),
        ExerciseCommand::Status(a) => status(repo, a),
        ExerciseCommand::Debrief(a) => debrief(repo, a),
        ExerciseCommand::Sample(a) => sample(a),
    }
}

fn open_store(repo: Option<PathBuf>) -> anyhow::Result<Store> {
    let root = super::negotiation_root(repo)?;
    Ok(Store::open(&root)?)
}

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

fn init_cmd(a: InitArgs) -> anyhow::Result<ExitCode> {
    let from = if a.from == "demo" {
        From::Demo
    } else {
        From::Record(PathBuf::from(&a.from))
    };
    let instructor_key = match &a.instructor_key {
        Some(p) => Some(keys::read_public_key(p)?),
        None => keys::default_identity().and_then(|k| keys::public_key_beside(&k)),
    };
    let report = init::init(&InitOptions {
        dir: a.dir,
        from,
        at: a.at,
        title: a.title,
        instructor_key,
    })?;
    out(&format!("created the exercise in {}", report.dir.display()));
    out(&format!(
        "  starts from {} ({}); {} delegations to play: {}",
        a.from,
        &report.base.to_string()[..10],
        report.delegations.len(),
        report.delegations.join(", ")
    ));
    if let Some(o) = report.outcome {
        out(&format!(
            "  the source went on to {} (kept as {} for the debrief, never pushed)",
            &o.to_string()[..10],
            init::OUTCOME_REF
        ));
    }
    out(&format!(
        "  instructor and chair: {} <{}>{}",
        report.instructor.name,
        report.instructor.email,
        if report.instructor.ssh_key.is_some() {
            ""
        } else {
            " — no SSH key found: confidential briefs need one (--instructor-key)"
        }
    ));
    out(
        "next: `treaty exercise team add NAME --plays CODE --member EMAIL=KEY.pub`, run inside the folder",
    );
    Ok(ExitCode::SUCCESS)
}

/// `EMAIL`, `Name <EMAIL>`, either with `=KEYFILE.pub`.
fn member(spec: &str) -> anyhow::Result<Member> {
    let (who, key) = match spec.rsplit_once('=') {
        Some((who, key)) => (
            who.trim(),
            Some(keys::read_public_key(Path::new(key.trim()))?),
        ),
        None => (spec.trim(), None),
    };
    let (name, email) = match who.split_once('<') {
        Some((name, rest)) => (
            name.trim().to_string(),
            rest.trim_end_matches('>').trim().to_string(),
        ),
        None => (
            who.split('@').next().unwrap_or(who).to_string(),
            who.to_string(),
        ),
    };
    Ok(Member {
        name,
        email,
        ssh_key: key,
    })
}

fn team_add(repo: Option<PathBuf>, a: TeamAddArgs) -> anyhow::Result<ExitCode> {
    let store = open_store(repo)?;
    let members = a
        .members
        .iter()
        .map(|s| member(s))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let observers = a
        .observers
        .iter()
        .map(|s| member(s))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let no_key: Vec<String> = members
        .iter()
        .chain(&observers)
        .filter(|m| m.ssh_key.is_none())
        .map(|m| m.email.clone())
        .collect();
    exercise::add_team(&store, &a.name, &a.plays, members, observers)?;
    let cur = exercise::current(&store)?;
    let team = cur.team(&a.name)?;
    out(&format!(
        "team {} plays {}: {} negotiator{}{}",
        team.name,
        team.plays.join(", "),
        team.members.len(),
        if team.members.len() == 1 { "" } else { "s" },
        if team.observers.is_empty() {
            String::new()
        } else {
            format!(", {} observer(s)", team.observers.len())
        }
    ));
    if !no_key.is_empty() {
        out(&format!(
            "  no SSH key for {}: they cannot read the team's confidential brief (give EMAIL=KEY.pub)",
            no_key.join(", ")
        ));
    }
    if cur.briefs.entry(&team.name).is_some() {
        out("  the team's brief was sealed before: set it again so the new members can read it");
    }
    Ok(ExitCode::SUCCESS)
}

fn team_list(repo: Option<PathBuf>, a: JsonArgs) -> anyhow::Result<ExitCode> {
    let store = open_store(repo)?;
    let cur = exercise::current(&store)?;
    if a.json {
        out(&serde_json::to_string_pretty(&cur.roster.teams)?);
        return Ok(ExitCode::SUCCESS);
    }
    if cur.roster.teams.is_empty() {
        out(
            "no teams yet: add them with `treaty exercise team add NAME --plays CODE --member EMAIL`",
        );
    }
    for t in &cur.roster.teams {
        let brief = match cur.briefs.entry(&t.name) {
            Some(e) if e.objectives => "brief and objectives sealed",
            Some(_) => "brief sealed",
            None => "no brief yet",
        };
        out(&format!(
            "{} — plays {} — {brief}",
            t.name,
            t.plays.join(", ")
        ));
        for email in &t.members {
            let key = t
                .plays
                .iter()
                .find_map(|c| cur.roster.member_of(c, email))
                .is_some_and(|m| m.ssh_key.is_some());
            out(&format!("  {email}{}", if key { " (key)" } else { "" }));
        }
        for o in &t.observers {
            out(&format!("  {} (observer)", o.email));
        }
    }
    let unplayed: Vec<&str> = cur
        .roster
        .delegations
        .iter()
        .filter(|d| cur.roster.team_playing(&d.code).is_none())
        .map(|d| d.code.as_str())
        .collect();
    if !unplayed.is_empty() && !cur.roster.teams.is_empty() {
        out(&format!("not played by any team: {}", unplayed.join(", ")));
    }
    Ok(ExitCode::SUCCESS)
}

fn server_init(repo: Option<PathBuf>, a: ServerInitArgs) -> anyhow::Result<ExitCode> {
    let store = open_store(repo)?;
    let exe = std::env::current_exe().context("cannot find the path of this treaty program")?;
    let exe = std::fs::canonicalize(&exe).unwrap_or(exe);
    let report = server::init(&store, &a.bare_dir, &exe)?;
    out(&format!(
        "created the shared repository {} with the hook {}",
        report.bare.display(),
        report.hook.display()
    ));
    out(&format!(
        "  pushed through the hook: {}",
        report.pushed.join(", ")
    ));
    if report.added_origin {
        out("  it is now `origin` of this folder (the dashboard fetches from it)");
    }
    out(&format!(
        "teams clone it: `git clone {}` (or ssh://HOST{} over SSH)",
        report.bare.display(),
        report.bare.display()
    ));
    Ok(ExitCode::SUCCESS)
}

fn brief_set(repo: Option<PathBuf>, a: BriefSetArgs) -> anyhow::Result<ExitCode> {
    let store = open_store(repo)?;
    if let Some(general) = a.general {
        let text = read(&general)?;
        briefs::set_general(&store, &text)?;
        out("set the general brief (exercise/briefs/general.md), for everyone");
        return Ok(ExitCode::SUCCESS);
    }
    let (Some(team), Some(file)) = (a.team, a.file) else {
        anyhow::bail!("give --general FILE, or --team NAME FILE [--objectives FILE.ron]");
    };
    let brief = read(&file)?;
    let objectives = match &a.objectives {
        Some(p) => Some((read(p)?, p.clone())),
        None => None,
    };
    let sealed = briefs::set_team(
        &store,
        &TeamBrief {
            team: &team,
            brief: &brief,
            objectives: objectives.as_ref().map(|(t, p)| (t.as_str(), p.as_path())),
        },
    )?;
    out(&format!(
        "sealed the confidential brief of team {}{} in {}, for {}",
        sealed.entry.team,
        if sealed.entry.objectives {
            " with its objectives"
        } else {
            ""
        },
        sealed.entry.file,
        sealed.entry.readers.join(", ")
    ));
    if !sealed.without_key.is_empty() {
        out(&format!(
            "  {} cannot read it: the roster has no SSH key for them",
            sealed.without_key.join(", ")
        ));
    }
    Ok(ExitCode::SUCCESS)
}

fn identity(key: &IdentityArgs) -> anyhow::Result<PathBuf> {
    key.identity
        .clone()
        .or_else(keys::default_identity)
        .ok_or_else(|| anyhow::anyhow!("no private key found: give --identity KEYFILE"))
}

fn git_email() -> Option<String> {
    let out = std::process::Command::new("git")
        .args(["config", "user.email"])
        .output()
        .ok()?;
    let email = String::from_utf8_lossy(&out.stdout).trim().to_string();
    (!email.is_empty()).then_some(email)
}

fn brief_show(repo: Option<PathBuf>, a: BriefShowArgs) -> anyhow::Result<ExitCode> {
    let store = open_store(repo)?;
    let cur = exercise::current(&store)?;
    match briefs::general(&store)? {
        Some(g) => {
            out("# General brief\n");
            out(&g);
        }
        None => out("(no general brief yet)"),
    }
    let team = match a.team {
        Some(t) => Some(t),
        None => git_email().and_then(|e| cur.roster.team_of(&e).map(|t| t.name.clone())),
    };
    let Some(team) = team else {
        out("\n(you are in no team: give --team NAME to open a team's confidential brief)");
        return Ok(ExitCode::SUCCESS);
    };
    let opened = briefs::open(&cur, &store, &team, &identity(&a.key)?)?;
    out(&format!(
        "\n# Confidential brief of team {} (plays {})\n",
        opened.team.name,
        opened.team.plays.join(", ")
    ));
    out(&opened.brief);
    if let Some(o) = &opened.objectives {
        out("\n## Objectives\n");
        for x in &o.objectives {
            out(&format!(
                "- {} (weight {}): {}",
                x.id, x.weight, x.description
            ));
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn at(store: &Store, spec: &Option<String>) -> anyhow::Result<crate::store::Oid> {
    Ok(match spec {
        Some(s) => exercise::resolve(store, s)?,
        None => store.head()?,
    })
}

fn objectives(repo: Option<PathBuf>, a: ObjectivesArgs) -> anyhow::Result<ExitCode> {
    let store = open_store(repo)?;
    let cur = exercise::current(&store)?;
    if let Some(t) = &a.team {
        cur.team(t)?;
    }
    let commit = at(&store, &a.at)?;
    let history = History::open(&store)?;
    let key = identity(&a.key)?;
    let (progress, _) = progress::progress(
        &store,
        &history,
        &cur,
        &Ask {
            at: commit,
            now: None,
            words: true,
            identity: Some(&key),
        },
    )?;
    let cards: Vec<_> = progress
        .teams
        .iter()
        .filter(|t| {
            a.team
                .as_ref()
                .is_none_or(|n| n.eq_ignore_ascii_case(&t.name))
        })
        .filter_map(|t| t.scorecard.clone())
        .collect();
    if let Some(t) = &a.team
        && cards.is_empty()
    {
        // Say exactly why this team's objectives could not be read.
        briefs::open(&cur, &store, t, &key)?;
        anyhow::bail!("team {t} has no objectives in its brief");
    }
    if a.json {
        out(&serde_json::to_string_pretty(&cards)?);
        return Ok(ExitCode::SUCCESS);
    }
    out(&format!("objectives at {}", &commit.to_string()[..10]));
    for c in &cards {
        out(&format!(
            "\n{}: {}/{} met, weight {}/{} ({:.0}%)",
            c.team,
            c.met(),
            c.outcomes.len(),
            c.met_weight,
            c.total_weight,
            c.percent()
        ));
        for o in &c.outcomes {
            out(&format!(
                "  [{}] {} (weight {}): {} — {}",
                if o.met { "x" } else { " " },
                o.id,
                o.weight,
                o.description,
                o.detail
            ));
        }
    }
    if a.team.is_none() {
        for n in &progress.notes {
            out(&format!("note: {n}"));
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn schedule(repo: Option<PathBuf>, a: ScheduleArgs) -> anyhow::Result<ExitCode> {
    let store = open_store(repo)?;
    exercise::schedule(&store, &a.round, &a.opens, &a.closes)?;
    let cur = exercise::current(&store)?;
    let r = cur
        .exercise
        .round(a.round.trim())
        .context("the round just scheduled")?;
    out(&format!(
        "round {}: opens {}, closes {}",
        r.round, r.opens, r.closes
    ));
    Ok(ExitCode::SUCCESS)
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// The key to open briefs with, when it exists.
fn maybe_identity(key: &IdentityArgs) -> Option<PathBuf> {
    key.identity
        .clone()
        .or_else(|| keys::default_identity().filter(|p| p.is_file()))
}

fn status(repo: Option<PathBuf>, a: StatusArgs) -> anyhow::Result<ExitCode> {
    let store = open_store(repo)?;
    let cur = exercise::current(&store)?;
    let commit = at(&store, &a.at)?;
    let history = History::open(&store)?;
    let key = maybe_identity(&a.key);
    let (progress, _) = progress::progress(
        &store,
        &history,
        &cur,
        &Ask {
            at: commit,
            now: Some(now()),
            words: false,
            identity: key.as_deref(),
        },
    )?;
    if a.json {
        out(&serde_json::to_string_pretty(&progress)?);
        return Ok(ExitCode::SUCCESS);
    }
    for line in crate::tui::screens::dashboard::lines(&progress) {
        out(&line);
    }
    Ok(ExitCode::SUCCESS)
}

fn debrief(repo: Option<PathBuf>, a: DebriefArgs) -> anyhow::Result<ExitCode> {
    let store = open_store(repo)?;
    let cur = exercise::current(&store)?;
    let commit = at(&store, &a.at)?;
    let history = History::open(&store)?;
    let key = maybe_identity(&a.key);
    let scores = match &a.scores {
        Some(p) => {
            let text = read(p)?;
            let s = Scores::from_bytes(text.as_bytes(), p)
                .map_err(|e| anyhow::anyhow!("{}", e.into_diagnostic()))?;
            Some((s, text, p.clone()))
        }
        None => None,
    };
    let d = progress::debrief(
        &store,
        &history,
        &cur,
        &Ask {
            at: commit,
            now: None,
            words: true,
            identity: key.as_deref(),
        },
        scores
            .as_ref()
            .map(|(s, t, p)| (s, t.as_str(), p.as_path())),
    )?;
    let text = match a.format {
        DebriefFormat::Html => d.to_html(),
        DebriefFormat::Json => d.to_json(),
        DebriefFormat::Md => d.to_markdown(),
    };
    match &a.output {
        Some(path) => {
            crate::fsutil::write_atomic(path, text.as_bytes())
                .with_context(|| format!("cannot write {}", path.display()))?;
            out(&format!("wrote the debrief to {}", path.display()));
        }
        None => {
            use std::io::Write;
            // The debrief is a document, written as it is (HTML and JSON escape their own text).
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn sample(a: SampleArgs) -> anyhow::Result<ExitCode> {
    let written = exercise::sample::write(&a.dir)?;
    out(&format!(
        "wrote the sample exercise to {}:",
        a.dir.display()
    ));
    for f in written {
        out(&format!("  {f}"));
    }
    Ok(ExitCode::SUCCESS)
}
