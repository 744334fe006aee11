//! Reading the negotiation's history: the log of amendments, every version of a clause,
//! who introduced each word (blame), a step-by-step replay and bracket counts per round.
//!
//! Everything reads one persistent index of clause versions per amendment, kept under
//! `.git/treaty/` (never in the work tree) and keyed by the commit it was built up to.
//! [`History::open`] builds it on first use, extends it incrementally when the branch has
//! only grown, and rebuilds it silently when it is missing, stale or unreadable. A warm
//! open maps one file and checks its header; clause history and blame then read only
//! that clause's part of it (and the summaries of the amendments that changed it), and
//! never touch git.

mod blame;
mod build;
mod reading;
mod store_file;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

pub use blame::{Blame, BlameGroup, BlameWord, DeletedWord};
pub use reading::{ArticleVersion, RoundState};

use crate::store::{LogFilter, Oid, Store, StoreError};
use treaty_text::amendment::Amendment;
use treaty_text::bracket::Stats;
use treaty_text::civil;
use treaty_text::suggest::{did_you_mean, nearest_owned};

/// Why history could not be read.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot read the record's history: {0}")]
    Git(#[from] git2::Error),
    #[error("no clause `{id}` appears anywhere in the history{}", suggestion(.suggest))]
    UnknownClause { id: String, suggest: Option<String> },
    #[error("no round `{name}` in this record{}", known_rounds(.known))]
    UnknownRound { name: String, known: Vec<String> },
    #[error("{0}: run `git fsck --full` to see what is broken in the record")]
    Damaged(String),
}

impl HistoryError {
    /// True when a git object of the record cannot be read (corrupt or missing data, as
    /// opposed to a missing reference or a bad argument).
    pub fn is_damage(&self) -> bool {
        let damaged = |g: &git2::Error| {
            matches!(
                g.class(),
                git2::ErrorClass::Odb | git2::ErrorClass::Zlib | git2::ErrorClass::Object
            ) && g.code() != git2::ErrorCode::NotFound
        };
        match self {
            HistoryError::Git(g) | HistoryError::Store(StoreError::Git(g)) => damaged(g),
            HistoryError::Damaged(_) => true,
            _ => false,
        }
    }
}

fn suggestion(s: &Option<String>) -> String {
    match s {
        Some(_) => did_you_mean(s.as_deref()),
        None => ": check the id with `treaty show` or `treaty log`".into(),
    }
}

fn known_rounds(known: &[String]) -> String {
    if known.is_empty() {
        ": no rounds have been started (`round/<name>` tags or Round trailers)".into()
    } else {
        format!(": the rounds are {}", known.join(", "))
    }
}

/// One clause as one amendment left it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClauseVersion {
    pub id: String,
    /// `article`, `paragraph`, `point`… (as [`treaty_text::draft::ClauseKind::as_str`]).
    pub kind: String,
    pub label: Option<String>,
    pub title: Option<String>,
    pub text: String,
    /// Stable id of the enclosing clause.
    pub parent: Option<String>,
    /// Stable id of the enclosing article or annex.
    pub article: Option<String>,
    /// The file under `drafts/` that holds it.
    pub file: String,
    /// Index among the clauses (with ids) of its file.
    pub position: u32,
    /// Bracket counts of its text (reference links of its file are not brackets).
    pub brackets: BracketCounts,
}

/// The bracket counts negotiators watch fall round by round.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BracketCounts {
    pub groups: u32,
    pub alternatives: u32,
    pub options: u32,
    pub placeholders: u32,
}

impl BracketCounts {
    pub fn from_stats(s: &Stats) -> Self {
        let n = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
        BracketCounts {
            groups: n(s.groups),
            alternatives: n(s.alternatives),
            options: n(s.options),
            placeholders: n(s.placeholders),
        }
    }
}

impl std::ops::AddAssign for BracketCounts {
    fn add_assign(&mut self, o: BracketCounts) {
        self.groups += o.groups;
        self.alternatives += o.alternatives;
        self.options += o.options;
        self.placeholders += o.placeholders;
    }
}

impl ClauseVersion {
    /// Same wording, number and place (ignoring the position in the file, which shifts
    /// whenever a clause above is inserted or deleted).
    pub fn same_content(&self, other: &ClauseVersion) -> bool {
        self.kind == other.kind
            && self.label == other.label
            && self.title == other.title
            && self.text == other.text
            && self.parent == other.parent
            && self.article == other.article
            && self.file == other.file
    }

    /// The words blame and replay compare: the text, or a heading's title.
    pub fn words(&self) -> &str {
        if build::kind_has_text(&self.kind) {
            &self.text
        } else {
            self.title.as_deref().unwrap_or("")
        }
    }
}

/// A clause's new version after an amendment, or `None` when the amendment deleted it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClauseEdit {
    pub id: String,
    pub after: Option<ClauseVersion>,
}

/// One entry of treaty.md's order: a clause of its own, or an included file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LayoutItem {
    Clause(String),
    Include(String),
}

/// One commit of the first-parent line, with what it did to the clauses.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// The commit id (hex).
    pub oid: String,
    /// `None` for commits without amendment trailers.
    pub amendment: Option<Amendment>,
    pub author: String,
    pub email: String,
    /// Author time, seconds since the epoch, and its offset.
    pub time: i64,
    pub offset_minutes: i32,
    pub summary: String,
    /// Clauses created, changed or deleted, in file order.
    pub changes: Vec<ClauseEdit>,
    /// For each draft file it changed: the ids it now holds, in order (`None`: removed).
    pub files: Vec<(String, Option<Vec<String>>)>,
    /// treaty.md's new layout, when it changed.
    pub layout: Option<Vec<LayoutItem>>,
}

/// What a commit of the history says about who made it and when: shared by a full
/// [`Record`] and its [`RecordInfo`] summary.
pub trait Attributed {
    /// The amendment its trailers record; `None` for an ordinary commit.
    fn amendment(&self) -> Option<&Amendment>;
    /// Author time (seconds since the epoch) and its offset in minutes.
    fn authored(&self) -> (i64, i32);

    /// The delegations that proposed it (empty for ordinary commits).
    fn proposers(&self) -> &[String] {
        self.amendment().map_or(&[][..], |a| a.proposers.as_slice())
    }

    fn round(&self) -> Option<&str> {
        self.amendment().and_then(|a| a.round.as_deref())
    }

    /// The author date as `YYYY-MM-DD HH:MM +HHMM`.
    fn date(&self) -> String {
        let (time, offset) = self.authored();
        civil::format_with_offset(time, offset)
    }
}

impl Attributed for Record {
    fn amendment(&self) -> Option<&Amendment> {
        self.amendment.as_ref()
    }

    fn authored(&self) -> (i64, i32) {
        (self.time, self.offset_minutes)
    }
}

impl Attributed for RecordInfo {
    fn amendment(&self) -> Option<&Amendment> {
        self.amendment.as_ref()
    }

    fn authored(&self) -> (i64, i32) {
        (self.time, self.offset_minutes)
    }
}

impl Record {
    /// The ids of the clauses it changed (from the index) and those its trailers name.
    pub fn touches(&self, id: &str) -> bool {
        self.changes.iter().any(|c| c.id == id)
            || self
                .amendment
                .as_ref()
                .is_some_and(|a| a.clauses.iter().any(|c| c == id))
    }

    /// Its summary, without the clause versions.
    pub fn info(&self) -> RecordInfo {
        RecordInfo {
            oid: self.oid.clone(),
            amendment: self.amendment.clone(),
            author: self.author.clone(),
            email: self.email.clone(),
            time: self.time,
            offset_minutes: self.offset_minutes,
            summary: self.summary.clone(),
            changed: self.changes.len(),
        }
    }
}

/// A [`Record`] without its clause versions and file orders: what a log line or a blame
/// attribution shows. Reading one from the index costs only its own bytes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordInfo {
    /// The commit id (hex).
    pub oid: String,
    /// `None` for commits without amendment trailers.
    pub amendment: Option<Amendment>,
    pub author: String,
    pub email: String,
    /// Author time, seconds since the epoch, and its offset.
    pub time: i64,
    pub offset_minutes: i32,
    pub summary: String,
    /// How many clauses it created, changed or deleted.
    pub changed: usize,
}

/// The full text at one point of history: every clause's current version, treaty.md's
/// layout and each file's clause order. Updated in place by [`TextState::apply`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TextState {
    pub clauses: HashMap<String, ClauseVersion>,
    pub layout: Vec<LayoutItem>,
    /// File under `drafts/` → ids of its clauses, in order.
    pub files: HashMap<String, Vec<String>>,
}

impl TextState {
    /// Applies one record: the state after that commit.
    pub fn apply(&mut self, record: &Record) {
        for change in &record.changes {
            match &change.after {
                Some(v) => {
                    self.clauses.insert(change.id.clone(), v.clone());
                }
                None => {
                    self.clauses.remove(&change.id);
                }
            }
        }
        for (file, ids) in &record.files {
            match ids {
                Some(ids) => {
                    self.files.insert(file.clone(), ids.clone());
                }
                None => {
                    self.files.remove(file);
                }
            }
        }
        if let Some(layout) = &record.layout {
            self.layout = layout.clone();
        }
    }

    pub fn clause(&self, id: &str) -> Option<&ClauseVersion> {
        self.clauses.get(id)
    }

    /// Every clause of the draft in document order: treaty.md's own clauses with each
    /// included file spliced in where it is included.
    pub fn ordered(&self) -> Vec<&ClauseVersion> {
        let mut out = Vec::with_capacity(self.clauses.len());
        for item in &self.layout {
            let ids: &[String] = match item {
                LayoutItem::Clause(id) => std::slice::from_ref(id),
                LayoutItem::Include(file) => self.files.get(file).map_or(&[][..], |v| v),
            };
            out.extend(ids.iter().filter_map(|id| self.clauses.get(id)));
        }
        out
    }

    /// Bracket counts summed over every clause of the draft.
    pub fn bracket_counts(&self) -> BracketCounts {
        let mut total = BracketCounts::default();
        for c in self.ordered() {
            total += c.brackets;
        }
        total
    }
}

/// What [`History::open`] had to do.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BuildReport {
    /// Commits read from git during this open (0 when the index was up to date).
    pub processed: usize,
    /// Commits in the index now.
    pub total: usize,
    /// Why the index was built from scratch (missing, stale, corrupt…), if it was.
    pub rebuilt: Option<String>,
    /// Whether the index file was written (false when it was current or not writable).
    pub saved: bool,
}

/// One version in a clause's history.
#[derive(Clone, Debug, Serialize)]
pub struct ClauseEvent<'h> {
    /// Index of the record in [`History::records`].
    pub index: usize,
    pub record: &'h Record,
    /// `None`: this amendment deleted the clause.
    pub version: Option<&'h ClauseVersion>,
}

/// One version in a clause's history with the summary of the amendment that made it:
/// what [`History::clause_versions`] gives, reading nothing of that amendment's other
/// clauses.
#[derive(Clone, Debug, Serialize)]
pub struct ClauseStep<'h> {
    /// Index of the record in [`History::records`].
    pub index: usize,
    pub info: &'h RecordInfo,
    /// `None`: this amendment deleted the clause.
    pub version: Option<&'h ClauseVersion>,
}

/// The negotiation's history, read from the index.
///
/// A warm open maps the index file and checks only its header; every part is checked
/// (block checksums) and decoded the first time it is read: one clause's versions
/// ([`History::clause_versions`], [`History::blame`]), one amendment's summary
/// ([`History::info`]), one record ([`History::record`]), all of them on the first call
/// to [`History::records`]. A part found damaged then has the record re-read from git,
/// as [`History::open`] would have done, and the index rewritten.
#[derive(Debug)]
pub struct History {
    len: usize,
    head: Oid,
    report: BuildReport,
    /// The records in memory: re-read after the index turned out damaged. (An open that
    /// builds the index reads it back as a warm open would; from memory only when it
    /// could not be written.)
    memory: OnceLock<Memory>,
    /// The index file: mapped, or the bytes just built when they could not be written.
    mapped: Option<Mapped>,
    /// Summaries, decoded on first use. (Boxed, like the other per-record caches: an
    /// empty slot is 16 bytes, so opening does not fill megabytes of empty slots.)
    infos: Box<[OnceLock<Box<RecordInfo>>]>,
    /// The repository, to re-read the record from if the index turns out damaged.
    repo: PathBuf,
}

#[derive(Debug)]
struct Memory {
    records: Vec<Record>,
    /// Each clause's versions and the amendments that name it, sorted by clause id.
    by_clause: Vec<store_file::ClauseEntry>,
    oids: Vec<[u8; 20]>,
    /// What re-reading the record did, when it had to be re-read after the open.
    report: Option<BuildReport>,
    /// Why the record could not be re-read (the records are then placeholders).
    failed: Option<String>,
}

impl Memory {
    fn new(records: Vec<Record>, report: Option<BuildReport>, failed: Option<String>) -> Memory {
        let by_clause = store_file::clause_entries(&records);
        let oids = records
            .iter()
            .map(|r| {
                let mut o = [0u8; 20];
                if let Ok(oid) = Oid::from_str(&r.oid) {
                    o.copy_from_slice(oid.as_bytes());
                }
                o
            })
            .collect();
        Memory {
            records,
            by_clause,
            oids,
            report,
            failed,
        }
    }
}

#[derive(Debug)]
struct Mapped {
    index: store_file::Index,
    records: Box<[OnceLock<Box<Record>>]>,
    all: OnceLock<Vec<Record>>,
    /// Per clause of the index's directory, its versions once read.
    clauses: Box<[OnceLock<Box<store_file::ClauseData>>]>,
}

/// Where answers come from.
enum Source<'h> {
    Memory(&'h Memory),
    Mapped(&'h Mapped),
}

/// One clause's versions and naming records, from either source.
struct ClauseView<'h> {
    changes: &'h [(u32, u32)],
    named: &'h [u32],
    versions: Vec<Option<&'h ClauseVersion>>,
}

impl History {
    /// Reads the index for the branch's tip, extending or rebuilding it as needed.
    pub fn open(store: &Store) -> Result<History, HistoryError> {
        let head = store.head()?;
        let path = store_file::index_path(store);
        let mut report = BuildReport::default();
        let (stored, since) = match store_file::read(&path) {
            Ok(stored) => match store_file::usable_from(store, &stored, head) {
                Ok(since) => (Some(stored), since),
                Err(reason) => {
                    report.rebuilt = Some(reason);
                    (None, None)
                }
            },
            Err(reason) => {
                report.rebuilt = Some(reason);
                (None, None)
            }
        };
        let repo = store
            .repo()
            .workdir()
            .unwrap_or_else(|| store.repo().path())
            .to_path_buf();
        if since == Some(head)
            && let Some(stored) = stored
        {
            report.total = stored.len();
            return Ok(History::mapped(stored, head, report, repo));
        }
        // The records are encoded into the new index one by one as they come (those of
        // the index being extended first), never all held: building the index at UN
        // scale held 10,001 records, several times the index's size.
        let mut writer = store_file::Writer::new();
        let mut state = TextState::default();
        let mut since = since;
        if let Some(stored) = &stored {
            for i in 0..stored.len() {
                match stored.record(i) {
                    Ok(r) => {
                        state.apply(&r);
                        writer.push(&r);
                    }
                    Err(reason) => {
                        report.rebuilt = Some(reason);
                        writer = store_file::Writer::new();
                        state = TextState::default();
                        since = None;
                        break;
                    }
                }
            }
        }
        drop(stored);
        // Through a repository of its own, like the build, so that the store's does not
        // keep the packs open (see build::extend).
        let commits = {
            let repo = git2::Repository::open(store.repo().path())?;
            build::first_parent_line(&repo, head, since)?
        };
        report.processed = commits.len();
        build::extend(store, &commits, &mut state, |r| writer.push(&r))?;
        drop(state);
        let len = writer.len();
        report.total = len;
        let index = match writer.finish(head) {
            Ok(bytes) => {
                report.saved = store_file::save(&path, &bytes).is_ok();
                // Read back mapped, as a warm open would: the records are then not kept in
                // memory at all. Held in memory when the file could not be written.
                match store_file::read(&path) {
                    Ok(index) if report.saved && index.head == head && index.len() == len => {
                        Some(index)
                    }
                    _ => store_file::Index::from_vec(bytes).ok(),
                }
            }
            Err(_) => None,
        };
        match index {
            Some(index) => Ok(History::mapped(index, head, report, repo)),
            // Only when encoding failed: the records are re-read from git on first use.
            None => Ok(History {
                len,
                head,
                report,
                memory: OnceLock::new(),
                mapped: None,
                infos: (0..len).map(|_| OnceLock::new()).collect(),
                repo,
            }),
        }
    }

    /// A history read from an index file.
    fn mapped(index: store_file::Index, head: Oid, report: BuildReport, repo: PathBuf) -> History {
        let len = index.len();
        History {
            len,
            head,
            report,
            memory: OnceLock::new(),
            mapped: Some(Mapped {
                records: (0..len).map(|_| OnceLock::new()).collect(),
                all: OnceLock::new(),
                clauses: (0..index.clauses()).map(|_| OnceLock::new()).collect(),
                index,
            }),
            infos: (0..len).map(|_| OnceLock::new()).collect(),
            repo,
        }
    }

    fn source(&self) -> Source<'_> {
        if let Some(m) = self.memory.get() {
            return Source::Memory(m);
        }
        match &self.mapped {
            Some(m) => Source::Mapped(m),
            None => Source::Memory(self.recover("the history index was not read".into())),
        }
    }

    /// The records re-read from git, because the index turned out damaged (`reason`)
    /// after the open; the index is rewritten. Should git fail too, placeholders that say
    /// so, and every clause question answers with [`HistoryError::Damaged`].
    fn recover(&self, reason: String) -> &Memory {
        self.memory.get_or_init(|| {
            let rebuilt = (|| -> Result<(Vec<Record>, bool), HistoryError> {
                let store = Store::open(&self.repo)?;
                let commits = build::first_parent_line(store.repo(), self.head, None)?;
                let mut records = Vec::new();
                build::extend(&store, &commits, &mut TextState::default(), |r| {
                    records.push(r)
                })?;
                let path = store_file::index_path(&store);
                let saved = store_file::write(&path, self.head, &records).is_ok();
                Ok((records, saved))
            })();
            match rebuilt {
                Ok((records, saved)) if records.len() == self.len => {
                    let report = BuildReport {
                        processed: records.len(),
                        total: records.len(),
                        rebuilt: Some(reason),
                        saved,
                    };
                    Memory::new(records, Some(report), None)
                }
                other => {
                    let why = match other {
                        Err(e) => format!("{reason}, and the record could not be re-read: {e}"),
                        Ok(_) => format!("{reason}, and the record has changed since"),
                    };
                    let oids = self.mapped.as_ref().and_then(|m| m.index.oids().ok());
                    let records = (0..self.len)
                        .map(|i| Record {
                            oid: oids
                                .and_then(|o| o.get(i * 20..i * 20 + 20))
                                .and_then(|o| Oid::from_bytes(o).ok())
                                .map(|o| o.to_string())
                                .unwrap_or_default(),
                            amendment: None,
                            author: String::new(),
                            email: String::new(),
                            time: 0,
                            offset_minutes: 0,
                            summary: format!("(this commit could not be read: {why})"),
                            changes: Vec::new(),
                            files: Vec::new(),
                            layout: None,
                        })
                        .collect();
                    let report = BuildReport {
                        processed: 0,
                        total: self.len,
                        rebuilt: Some(why.clone()),
                        saved: false,
                    };
                    Memory::new(records, Some(report), Some(why))
                }
            }
        })
    }

    /// Record `i` (see [`History::records`]), decoded on first use.
    pub fn record(&self, i: usize) -> &Record {
        match self.source() {
            Source::Memory(m) => &m.records[i],
            Source::Mapped(mp) => {
                if let Some(all) = mp.all.get() {
                    return &all[i];
                }
                if let Some(r) = mp.records[i].get() {
                    return r;
                }
                match mp.index.record(i) {
                    Ok(r) => mp.records[i].get_or_init(|| Box::new(r)),
                    Err(reason) => &self.recover(reason).records[i],
                }
            }
        }
    }

    /// The summary of record `i` (who, when, which amendment), without its clause
    /// versions: at UN scale the Chair's compilation holds every clause, its summary a
    /// few bytes.
    pub fn info(&self, i: usize) -> &RecordInfo {
        if let Some(info) = self.infos[i].get() {
            return info;
        }
        let info = self.read_info(i);
        self.infos[i].get_or_init(|| Box::new(info))
    }

    /// [`History::info`] read for a caller that keeps it (the workbench's timeline), not
    /// kept here too: 7 MB for every summary at UN scale.
    pub fn info_owned(&self, i: usize) -> RecordInfo {
        match self.infos[i].get() {
            Some(info) => RecordInfo::clone(info),
            None => self.read_info(i),
        }
    }

    fn read_info(&self, i: usize) -> RecordInfo {
        match self.source() {
            Source::Memory(m) => m.records[i].info(),
            Source::Mapped(mp) => {
                let decoded = mp
                    .all
                    .get()
                    .map(|a| &a[i])
                    .or_else(|| mp.records[i].get().map(|r| &**r));
                match decoded {
                    Some(r) => r.info(),
                    None => match mp.index.info(i) {
                        Ok(info) => info,
                        Err(reason) => self.recover(reason).records[i].info(),
                    },
                }
            }
        }
    }

    /// How many records (commits) the history has.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Where the index of `store` is kept.
    pub fn index_path(store: &Store) -> std::path::PathBuf {
        store_file::index_path(store)
    }

    /// Every commit of the first-parent line, oldest first.
    pub fn records(&self) -> &[Record] {
        match self.source() {
            Source::Memory(m) => &m.records,
            Source::Mapped(mp) => {
                if let Some(all) = mp.all.get() {
                    return all;
                }
                let decoded: Result<Vec<Record>, String> = (0..self.len)
                    .map(|i| match mp.records[i].get() {
                        Some(r) => Ok(Record::clone(r)),
                        None => mp.index.record(i),
                    })
                    .collect();
                match decoded {
                    Ok(all) => mp.all.get_or_init(|| all),
                    Err(reason) => &self.recover(reason).records,
                }
            }
        }
    }

    /// The commit the index was read for.
    pub fn head(&self) -> Oid {
        self.head
    }

    /// What opening had to do. After a warm open this first checks the parts of the
    /// index not read yet, so it tells whether the index had to be rebuilt.
    pub fn report(&self) -> &BuildReport {
        if let Some(m) = self.memory.get() {
            return m.report.as_ref().unwrap_or(&self.report);
        }
        if let Some(mp) = &self.mapped
            && let Err(reason) = mp.index.check_all()
        {
            let m = self.recover(reason);
            return m.report.as_ref().unwrap_or(&self.report);
        }
        &self.report
    }

    /// One clause's versions and naming records, or `None` when the history never saw
    /// it.
    fn clause(&self, id: &str) -> Result<Option<ClauseView<'_>>, HistoryError> {
        if let Source::Mapped(mp) = self.source() {
            let found = mp.index.find(id).and_then(|k| match k {
                None => Ok(None),
                Some(k) => match mp.clauses[k].get() {
                    Some(c) => Ok(Some(&**c)),
                    None => mp
                        .index
                        .clause(k)
                        .map(|c| Some(&**mp.clauses[k].get_or_init(|| Box::new(c)))),
                },
            });
            match found {
                Ok(c) => {
                    return Ok(c.map(|c| ClauseView {
                        changes: &c.changes,
                        named: &c.named,
                        versions: c.versions.iter().map(Option::as_ref).collect(),
                    }));
                }
                Err(reason) => {
                    self.recover(reason);
                }
            }
        }
        let Source::Memory(m) = self.source() else {
            return Err(HistoryError::Damaged("the history index".into()));
        };
        if let Some(why) = &m.failed {
            return Err(HistoryError::Damaged(why.clone()));
        }
        let Ok(k) = m.by_clause.binary_search_by(|e| e.id.as_str().cmp(id)) else {
            return Ok(None);
        };
        let e = &m.by_clause[k];
        Ok(Some(ClauseView {
            changes: &e.changes,
            named: &e.named,
            versions: e
                .changes
                .iter()
                .map(|&(ri, ci)| {
                    m.records[ri as usize]
                        .changes
                        .get(ci as usize)
                        .and_then(|c| c.after.as_ref())
                })
                .collect(),
        }))
    }

    /// A clause that has at least one version, else the error naming the nearest id.
    fn known_clause(&self, id: &str) -> Result<ClauseView<'_>, HistoryError> {
        self.clause(id)?
            .filter(|c| !c.changes.is_empty())
            .ok_or_else(|| self.unknown(id))
    }

    /// The amendments (and other commits) that pass `filter`, newest first. A clause filter
    /// matches amendments that name the clause or changed it.
    pub fn log(&self, filter: &LogFilter) -> Vec<(usize, &Record)> {
        self.log_info(filter)
            .into_iter()
            .map(|(i, _)| (i, self.record(i)))
            .collect()
    }

    /// [`History::log`] with each commit's summary only: reads just the summaries of the
    /// commits that can match (for a clause filter, those that changed or name it).
    pub fn log_info(&self, filter: &LogFilter) -> Vec<(usize, &RecordInfo)> {
        let mut rest = filter.clone();
        let clause = rest.clause.take();
        let since = rest
            .since
            .take()
            .and_then(|s| self.position(&s.to_string()));
        let candidates: Vec<usize> = match clause.as_deref() {
            // Only the records that changed or name the clause can match, and they all
            // touch it.
            Some(c) => {
                let mut v: Vec<usize> = match self.clause(c) {
                    Ok(Some(e)) => e
                        .changes
                        .iter()
                        .map(|&(ri, _)| ri as usize)
                        .chain(e.named.iter().map(|&ri| ri as usize))
                        .collect(),
                    _ => Vec::new(),
                };
                v.sort_unstable();
                v.dedup();
                v
            }
            None => (0..self.len).collect(),
        };
        candidates
            .into_iter()
            .rev()
            .map(|i| (i, self.info(i)))
            .filter(|&(i, r)| {
                since.is_none_or(|s| i > s)
                    && rest.matches(r.amendment.as_ref())
                    && (clause.is_none() || r.amendment.is_some())
            })
            .collect()
    }

    /// Index of the record of commit `oid` (hex).
    pub fn position(&self, oid: &str) -> Option<usize> {
        let oid = Oid::from_str(oid).ok()?;
        let in_memory = |m: &Memory| m.oids.iter().position(|o| o == oid.as_bytes());
        match self.source() {
            Source::Memory(m) => in_memory(m),
            Source::Mapped(mp) => match mp.index.oids() {
                Ok(oids) => oids.chunks_exact(20).position(|o| o == oid.as_bytes()),
                Err(reason) => in_memory(self.recover(reason)),
            },
        }
    }

    /// Every clause id the history knows, in no particular order.
    pub fn clause_ids(&self) -> impl Iterator<Item = &str> {
        fn in_memory(m: &Memory) -> Vec<&str> {
            m.by_clause
                .iter()
                .filter(|e| !e.changes.is_empty())
                .map(|e| e.id.as_str())
                .collect()
        }
        let ids: Vec<&str> = match self.source() {
            Source::Memory(m) => in_memory(m),
            Source::Mapped(mp) => {
                let ix = &mp.index;
                let read: Result<Vec<&str>, String> = (0..ix.clauses())
                    .filter_map(|k| match ix.version_count(k) {
                        Ok(0) => None,
                        Ok(_) => Some(ix.name(k)),
                        Err(e) => Some(Err(e)),
                    })
                    .collect();
                match read {
                    Ok(ids) => ids,
                    Err(reason) => in_memory(self.recover(reason)),
                }
            }
        };
        ids.into_iter()
    }

    fn unknown(&self, id: &str) -> HistoryError {
        HistoryError::UnknownClause {
            id: id.to_string(),
            suggest: nearest_owned(id, self.clause_ids()),
        }
    }

    /// Every version of clause `id`, oldest first, with the amendment that made it. The
    /// clause is followed by its stable id, through renumbering and moves.
    pub fn clause_history(&self, id: &str) -> Result<Vec<ClauseEvent<'_>>, HistoryError> {
        let clause = self.known_clause(id)?;
        Ok(clause
            .changes
            .iter()
            .zip(&clause.versions)
            .map(|(&(ri, ci), &version)| {
                let record = self.record(ri as usize);
                ClauseEvent {
                    index: ri as usize,
                    record,
                    version: record
                        .changes
                        .get(ci as usize)
                        .map_or(version, |c| c.after.as_ref()),
                }
            })
            .collect())
    }

    /// [`History::clause_history`] with each amendment's summary instead of its whole
    /// record: reads only this clause's versions and those summaries.
    pub fn clause_versions(&self, id: &str) -> Result<Vec<ClauseStep<'_>>, HistoryError> {
        let clause = self.known_clause(id)?;
        Ok(clause
            .changes
            .iter()
            .zip(clause.versions)
            .map(|(&(ri, _), version)| ClauseStep {
                index: ri as usize,
                info: self.info(ri as usize),
                version,
            })
            .collect())
    }

    /// Each word and bracket group of clause `id` attributed to the amendment that
    /// introduced it, and the words deleted along the way.
    pub fn blame(&self, id: &str) -> Result<Blame, HistoryError> {
        Ok(blame::blame(id, &self.blame_steps(id, usize::MAX)?))
    }

    /// Clause `id`'s versions up to record `upto`: (record, version; `None` where that
    /// record deleted it).
    fn blame_steps(
        &self,
        id: &str,
        upto: usize,
    ) -> Result<Vec<(usize, Option<&ClauseVersion>)>, HistoryError> {
        let clause = self.known_clause(id)?;
        Ok(clause
            .changes
            .iter()
            .zip(clause.versions)
            .map(|(&(ri, _), v)| (ri as usize, v))
            .filter(|&(ri, _)| ri <= upto)
            .collect())
    }

    /// [`History::blame`] as the clause stood after record `upto`: later versions are
    /// left out. `None` when the clause had no version by then or was deleted.
    pub fn blame_upto(&self, id: &str, upto: usize) -> Result<Option<Blame>, HistoryError> {
        let steps = self.blame_steps(id, upto)?;
        match steps.last() {
            Some((_, Some(_))) => Ok(Some(blame::blame(id, &steps))),
            _ => Ok(None),
        }
    }

    /// Steps through every commit, oldest first.
    pub fn replay(&self) -> Replay<'_> {
        self.replay_range(0, self.len)
    }

    /// Steps through records `start..end`; the state starts as it stood before `start`.
    pub fn replay_range(&self, start: usize, end: usize) -> Replay<'_> {
        let end = end.min(self.len);
        let start = start.min(end);
        let mut state = TextState::default();
        for i in 0..start {
            state.apply(self.record(i));
        }
        Replay {
            history: self,
            state,
            next: start,
            end,
        }
    }

    /// The round names of the record: round tags in history order, then Round trailers
    /// not tagged.
    pub fn rounds(&self, store: &Store) -> Result<Vec<RoundMark>, HistoryError> {
        let mut out = Vec::new();
        for round in store.rounds()? {
            if let Some(at) = self.position(&round.target.to_string()) {
                out.push(RoundMark {
                    name: round.name,
                    at: Some(at),
                });
            }
        }
        for i in 0..self.len {
            if let Some(name) = self.info(i).round()
                && !out.iter().any(|m| m.name == name)
            {
                out.push(RoundMark {
                    name: name.to_string(),
                    at: None,
                });
            }
        }
        Ok(out)
    }

    /// The records of round `name`: from just after its tag up to and including the
    /// next round's tag (or the tip); for an untagged round, its amendments' span.
    pub fn round_span(
        &self,
        store: &Store,
        name: &str,
    ) -> Result<std::ops::Range<usize>, HistoryError> {
        let marks = self.rounds(store)?;
        let tagged: Vec<(&str, usize)> = marks
            .iter()
            .filter_map(|m| m.at.map(|at| (m.name.as_str(), at)))
            .collect();
        if let Some(k) = tagged.iter().position(|(n, _)| *n == name) {
            let start = tagged[k].1 + 1;
            let end = tagged[k + 1..]
                .iter()
                .map(|(_, at)| at + 1)
                .find(|&e| e >= start)
                .unwrap_or(self.len);
            return Ok(start..end);
        }
        let inside: Vec<usize> = (0..self.len)
            .filter(|&i| self.info(i).round() == Some(name))
            .collect();
        match (inside.first(), inside.last()) {
            (Some(&a), Some(&b)) => Ok(a..b + 1),
            _ => Err(HistoryError::UnknownRound {
                name: name.to_string(),
                known: marks.into_iter().map(|m| m.name).collect(),
            }),
        }
    }

    /// Bracket groups, alternatives, options and placeholders of the whole draft where
    /// each tagged round opened, and now.
    pub fn stats_by_round(&self, store: &Store) -> Result<Vec<RoundStats>, HistoryError> {
        let mut points: Vec<(String, usize)> = self
            .rounds(store)?
            .into_iter()
            .filter_map(|m| m.at.map(|at| (m.name, at)))
            .collect();
        points.sort_by_key(|(_, at)| *at);
        let mut out = Vec::new();
        let mut replay = self.walk_to(&points, |name, at, state| {
            out.push(RoundStats {
                round: name.to_string(),
                oid: self.record(at).oid.clone(),
                counts: state.bracket_counts(),
            });
        });
        for _ in replay.by_ref() {}
        if let Some(last) = self.records().last() {
            out.push(RoundStats {
                round: "current".into(),
                oid: last.oid.clone(),
                counts: replay.state().bracket_counts(),
            });
        }
        Ok(out)
    }

    /// The latest version of clause `id`, if it exists at the tip.
    pub fn current(&self, id: &str) -> Option<&ClauseVersion> {
        self.clause(id).ok()??.versions.last().copied()?
    }
}

/// A round as the history knows it: `at` is the record its tag points to, if tagged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoundMark {
    pub name: String,
    pub at: Option<usize>,
}

/// Bracket totals of the draft at one point (a round's opening, or `current`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RoundStats {
    pub round: String,
    pub oid: String,
    #[serde(flatten)]
    pub counts: BracketCounts,
}

/// A step-by-step walk over history. After each [`Iterator::next`], [`Replay::state`] is
/// the full text as that step left it; each step costs only what it changed.
pub struct Replay<'h> {
    history: &'h History,
    state: TextState,
    next: usize,
    end: usize,
}

/// One step of a replay: the commit and what it did to each clause.
#[derive(Clone, Debug)]
pub struct Step<'h> {
    pub index: usize,
    pub record: &'h Record,
    pub changes: Vec<StepChange<'h>>,
}

/// One clause's change in a step.
#[derive(Clone, Debug)]
pub struct StepChange<'h> {
    pub id: &'h str,
    /// `None`: the clause is new.
    pub before: Option<ClauseVersion>,
    /// `None`: the clause was deleted.
    pub after: Option<&'h ClauseVersion>,
    /// It changed place: another parent or file, or its order among the clauses of its
    /// file that stayed (a clause whose neighbours were inserted or deleted has not moved).
    pub moved: bool,
}

/// The clauses of `record`'s files that changed their order among the clauses that
/// stayed: those off a longest run kept in order.
fn reordered<'r>(state: &TextState, record: &'r Record) -> HashSet<&'r str> {
    let mut out = HashSet::new();
    for (file, ids) in &record.files {
        let (Some(after), Some(before)) = (ids, state.files.get(file)) else {
            continue;
        };
        let was: HashMap<&str, usize> = before
            .iter()
            .enumerate()
            .map(|(i, id)| (id.as_str(), i))
            .collect();
        let kept: Vec<&'r str> = after
            .iter()
            .map(String::as_str)
            .filter(|id| was.contains_key(id))
            .collect();
        let seq: Vec<usize> = kept.iter().map(|id| was[id]).collect();
        let in_order: HashSet<usize> = treaty_text::import::align::longest_increasing(&seq)
            .into_iter()
            .collect();
        out.extend(
            kept.iter()
                .enumerate()
                .filter(|(k, _)| !in_order.contains(k))
                .map(|(_, id)| *id),
        );
    }
    out
}

impl Replay<'_> {
    /// The text as the last step left it (before the first step: as it stood before).
    pub fn state(&self) -> &TextState {
        &self.state
    }
}

impl<'h> Iterator for Replay<'h> {
    type Item = Step<'h>;

    fn next(&mut self) -> Option<Step<'h>> {
        if self.next >= self.end {
            return None;
        }
        let index = self.next;
        let record = self.history.record(index);
        let reordered = reordered(&self.state, record);
        let mut changes: Vec<StepChange<'h>> = record
            .changes
            .iter()
            .map(|c| {
                let before = self.state.clauses.get(&c.id).cloned();
                let moved = match (&before, c.after.as_ref()) {
                    (Some(b), Some(a)) => {
                        b.parent != a.parent
                            || b.file != a.file
                            || reordered.contains(c.id.as_str())
                    }
                    _ => false,
                };
                StepChange {
                    id: c.id.as_str(),
                    before,
                    after: c.after.as_ref(),
                    moved,
                }
            })
            .collect();
        // In treaty order: by the file's place in treaty.md, then the clause's place in
        // its file (a deleted clause where it stood).
        if changes.len() > 1 {
            let layout = record.layout.as_ref().unwrap_or(&self.state.layout);
            let file_rank = |file: &str| {
                layout
                    .iter()
                    .position(|l| matches!(l, LayoutItem::Include(f) if f == file))
                    .unwrap_or(usize::MAX)
            };
            changes.sort_by_cached_key(|c| {
                let v = c.after.or(c.before.as_ref());
                v.map(|v| (file_rank(&v.file), v.position))
                    .unwrap_or((usize::MAX, u32::MAX))
            });
        }
        self.state.apply(record);
        self.next += 1;
        Some(Step {
            index,
            record,
            changes,
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.end - self.next;
        (n, Some(n))
    }
}

#[cfg(test)]
mod tests;
