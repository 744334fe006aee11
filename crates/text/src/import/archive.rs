//! Planning the import of a negotiation's history from its successive official drafts.
//!
//! Each draft (plain text or Markdown, read with [`super::read_path`]) becomes one
//! version; `treaty_record::import_history` records each as one commit in a new record.
//! Version 1 gets the ids [`super::write_draft`] gives; every later version is aligned to the one before it by content ([`super::align`]): articles and
//! annexes first (so renumbered, moved, split and merged articles are recognised), then
//! the paragraphs and points inside each group of linked articles, then preamble
//! paragraphs and division headings. A matched clause keeps its id, so its history follows
//! it across renumbering and moves; a new clause gets an id never used before; the id of a
//! clause that left the draft goes to `drafts/retired-ids`.
//!
//! Everything is read, aligned and rendered in memory ([`plan`]) before the record is
//! created, so a bad input leaves nothing behind.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;
use std::path::PathBuf;

use super::align::{Alignment, Profile, Rules, Unit, align, align_units_with, longest_increasing};
use super::write::{IdPlan, Rendered, Slot, render_with};
use super::{BodyItem, ImportError, Imported, ImportedBlock};
use crate::civil;
use crate::draft::{RETIRED_FILE, retired_file_text};
/// When no `--date` is given: 2025-01-01T00:00:00Z for the first version, one day
/// after the previous version for the others.
const DEFAULT_START: i64 = 1_735_689_600;
const DEFAULT_STEP: i64 = 86_400;

/// One official draft to import: its label (`"Zero draft"`), optional date
/// (`YYYY-MM-DD`, or `YYYY-MM-DDTHH:MM:SSZ`) and file.
pub type DraftVersion = (String, Option<String>, PathBuf);

/// What a person knows better than the aligner (`treaty import-history --align FILE`):
/// for a step between two drafts, provisions that continue one another and provisions
/// that do not. A provision is named as the draft prints it: `Article 4 bis`, `Annex I`,
/// or an article and a paragraph or point as the alignment table prints it, `Article 4, 2`
/// or `Article 4, 2 (a)`.
///
/// ```ron
/// (
///     version: 1,
///     steps: [
///         (
///             to: "Party inputs",
///             same: [("Article X", "Article IX"), ("Article IV, 31", "Article IV, 16")],
///             different: [("Article XIII", "Article XII")],
///         ),
///     ],
/// )
/// ```
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overrides {
    pub version: u32,
    #[serde(default)]
    pub steps: Vec<StepOverride>,
    /// The file's name, for messages.
    #[serde(skip)]
    pub file: String,
}

/// The corrections for the step to the draft labelled `to`: pairs (old, new).
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepOverride {
    pub to: String,
    #[serde(default)]
    pub same: Vec<(String, String)>,
    #[serde(default)]
    pub different: Vec<(String, String)>,
}

impl Overrides {
    /// Reads an override file (RON, `version: 1`).
    pub fn load(path: &std::path::Path) -> Result<Overrides, crate::ronfile::RonError> {
        let mut o: Overrides = crate::ronfile::load(path, path)?;
        o.file = path.display().to_string();
        Ok(o)
    }

    fn step(&self, to: &str) -> Option<&StepOverride> {
        self.steps.iter().find(|s| s.to == to)
    }
}

/// A provision named in an override file: an article or annex, and perhaps one of its
/// paragraphs or points by label.
fn split_name(name: &str) -> (&str, Option<&str>) {
    match name.split_once(',') {
        Some((unit, label)) => (unit.trim(), Some(label.trim())),
        None => (name.trim(), None),
    }
}

/// `12.` and `12`, `(a)` and `(a)`: labels compared as a person writes them.
fn same_label(printed: &str, written: &str) -> bool {
    let norm = |s: &str| s.trim().trim_end_matches('.').to_lowercase();
    norm(printed) == norm(written)
}

/// Why the drafts cannot be imported as a history. Nothing is recorded in any case.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error("give at least one draft to import (--label LABEL FILE)")]
    NoVersions,
    #[error(
        "the label \"{label}\" gives no usable round name: use letters or digits, e.g. \"Zero draft\" or \"2023-05\""
    )]
    BadLabel { label: String },
    #[error(
        "the labels \"{first}\" and \"{second}\" give the same round name round/{round}: make them differ"
    )]
    DuplicateRound {
        first: String,
        second: String,
        round: String,
    },
    #[error(
        "the date \"{date}\" of draft \"{label}\" is not a date git can record: write it as YYYY-MM-DD, 1970 or later"
    )]
    BadDate { label: String, date: String },
    #[error(
        "{file}: draft \"{label}\" has no {name}: write a provision as the draft prints it, \"Article 4 bis\", \"Annex I\" or \"Article 4, 2\" (article, then paragraph or point)"
    )]
    OverrideName {
        file: String,
        label: String,
        name: String,
    },
    #[error(
        "{file}: no draft is labelled \"{label}\": `to` names the later draft of a step, by its --label"
    )]
    OverrideStep { file: String, label: String },
    #[error(
        "{file}: \"{old}\" and \"{new}\" are not of one level: pair an article or annex with an article or annex, a paragraph or point with a paragraph or point"
    )]
    OverrideLevel {
        file: String,
        old: String,
        new: String,
    },
    #[error("draft \"{label}\": {source}")]
    Import {
        label: String,
        #[source]
        source: ImportError,
    },
}

/// What happened to one article or annex between two versions.
#[derive(Clone, Debug, PartialEq)]
pub struct ArticleMatch {
    pub id: String,
    /// `Article 5`, `Annex II`.
    pub old: String,
    pub new: String,
    pub confidence: f64,
    pub renumbered: bool,
    /// Its place among the other articles changed (not merely its number).
    pub moved: bool,
}

/// A clause by id and display name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Named {
    pub id: String,
    pub name: String,
}

/// One old article continued by several new ones.
#[derive(Clone, Debug, PartialEq)]
pub struct Split {
    pub from: Named,
    /// The article that kept the id first, then the parts split off (new ids).
    pub into: Vec<Named>,
    /// The least share of a split-off part found in the old article.
    pub confidence: f64,
}

/// Several old articles continued by one new one (which keeps the first's id).
#[derive(Clone, Debug, PartialEq)]
pub struct Merge {
    pub from: Vec<Named>,
    pub into: Named,
    pub confidence: f64,
}

/// Paragraph, point, preamble and division clauses: how many were matched (and how many
/// of those changed wording), new and dropped.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ClauseCounts {
    pub matched: usize,
    pub edited: usize,
    pub new: usize,
    pub dropped: usize,
}

/// One imported version.
#[derive(Clone, Debug, PartialEq)]
pub struct VersionReport {
    pub label: String,
    /// The round name (`round/<round>` is the tag).
    pub round: String,
    /// Seconds since the epoch (UTC).
    pub time: i64,
    pub articles: usize,
    pub annexes: usize,
    pub clauses: usize,
    /// Matched articles and annexes (all of them, in the new order).
    pub matched: Vec<ArticleMatch>,
    pub split: Vec<Split>,
    pub merged: Vec<Merge>,
    /// New articles and annexes.
    pub new: Vec<Named>,
    /// Dropped articles and annexes.
    pub dropped: Vec<Named>,
    /// Clauses below article level.
    pub inner: ClauseCounts,
    /// Every clause id the commit touches (new, dropped, reworded, renumbered, moved).
    pub changed: Vec<String>,
    /// Ids that left the draft with this version (now in `drafts/retired-ids`).
    pub retired: Vec<String>,
    /// Paragraphs and points: which continues which, and how sure.
    pub rows: Vec<Row>,
}

fn pct(c: f64) -> String {
    // Floor, so that an edited clause never shows as 1.00.
    format!("{:.2}", (c * 100.0).floor() / 100.0)
}

impl VersionReport {
    /// The report's first line, naming the commit that records the version.
    pub fn headline(&self, commit: &str) -> String {
        format!(
            "{} (round/{}, {commit}): {} articles, {} annexes, {} clauses",
            self.label, self.round, self.articles, self.annexes, self.clauses
        )
    }

    /// The report without its first line: one line per matched (changed), split, merged,
    /// new and dropped article or annex, and a summary line. This is the commit's body.
    pub fn details(&self) -> String {
        let mut s = String::new();
        // Writing to a String cannot fail.
        let _ = self.write_details(&mut s);
        s
    }

    /// The alignment table (`treaty import-history --dry-run`): every article, annex,
    /// paragraph and point of this version beside the one of the previous version it
    /// continues, with the confidence of the pair; split, merged, new and dropped ones.
    pub fn table(&self) -> String {
        let mut rows: Vec<(String, String, String)> = Vec::new();
        for m in &self.matched {
            let mut how = pct(m.confidence);
            if m.moved {
                how.push_str(" moved");
            }
            rows.push((m.old.clone(), m.new.clone(), how));
        }
        for sp in &self.split {
            for into in &sp.into {
                rows.push((
                    sp.from.name.clone(),
                    into.name.clone(),
                    format!("{} split", pct(sp.confidence)),
                ));
            }
        }
        for mg in &self.merged {
            for from in &mg.from {
                rows.push((
                    from.name.clone(),
                    mg.into.name.clone(),
                    format!("{} merged", pct(mg.confidence)),
                ));
            }
        }
        rows.extend(
            self.new
                .iter()
                .map(|n| ("—".into(), n.name.clone(), "new".into())),
        );
        rows.extend(
            self.dropped
                .iter()
                .map(|d| (d.name.clone(), "—".into(), "dropped".into())),
        );
        for r in &self.rows {
            let how = match (&r.old, &r.new) {
                (Some(_), Some(_)) => pct(r.confidence),
                (None, _) => "new".into(),
                (_, None) => "dropped".into(),
            };
            let dash = || "—".to_string();
            rows.push((
                r.old.clone().unwrap_or_else(dash),
                r.new.clone().unwrap_or_else(dash),
                how,
            ));
        }
        let w = rows
            .iter()
            .map(|r| r.0.chars().count())
            .chain(["previous draft".len()])
            .max()
            .unwrap_or(0);
        let w2 = rows
            .iter()
            .map(|r| r.1.chars().count())
            .chain([self.label.chars().count()])
            .max()
            .unwrap_or(0);
        let mut s = format!("{:w$}  {:w2$}  confidence\n", "previous draft", self.label);
        for (o, n, how) in rows {
            s.push_str(&format!("{o:w$}  {n:w2$}  {how}\n"));
        }
        s
    }

    fn write_details(&self, f: &mut impl fmt::Write) -> fmt::Result {
        let mut unchanged = 0;
        for m in &self.matched {
            if m.confidence >= 1.0 && !m.renumbered && !m.moved {
                unchanged += 1;
                continue;
            }
            let mut notes = Vec::new();
            if m.renumbered {
                notes.push("renumbered");
            }
            if m.moved {
                notes.push("moved");
            }
            if m.confidence < 1.0 {
                notes.push("edited");
            }
            writeln!(
                f,
                "  matched  {} → {} ({}) [{}] {{#{}}}",
                m.old,
                m.new,
                pct(m.confidence),
                notes.join(", "),
                m.id
            )?;
        }
        if unchanged > 0 {
            writeln!(f, "  unchanged  {unchanged} articles or annexes (1.00)")?;
        }
        for s in &self.split {
            let into: Vec<&str> = s.into.iter().map(|n| n.name.as_str()).collect();
            writeln!(
                f,
                "  split    {} → {} ({}) {{#{}}}",
                s.from.name,
                into.join(" + "),
                pct(s.confidence),
                s.from.id
            )?;
        }
        for m in &self.merged {
            let from: Vec<&str> = m.from.iter().map(|n| n.name.as_str()).collect();
            writeln!(
                f,
                "  merged   {} → {} ({}) {{#{}}}",
                from.join(" + "),
                m.into.name,
                pct(m.confidence),
                m.into.id
            )?;
        }
        for n in &self.new {
            writeln!(f, "  new      {} {{#{}}}", n.name, n.id)?;
        }
        for d in &self.dropped {
            writeln!(f, "  dropped  {} {{#{}}}", d.name, d.id)?;
        }
        let c = &self.inner;
        write!(
            f,
            "  paragraphs, points, preamble, divisions: {} matched ({} reworded), {} new, {} dropped; {} clause ids changed, {} retired",
            c.matched,
            c.edited,
            c.new,
            c.dropped,
            self.changed.len(),
            self.retired.len()
        )
    }
}

/// `Zero draft` → `zero-draft`: the round name of a label.
pub fn round_name(label: &str) -> String {
    let mut out = String::new();
    for c in label.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// Seconds since the epoch of a draft's date (see [`civil::parse`]); `None` for anything
/// else, and for dates before 1970 (git cannot record them).
pub fn parse_date(s: &str) -> Option<i64> {
    civil::parse(s).ok().filter(|t| *t >= 0)
}

/// One version, read, aligned and rendered, waiting to be recorded.
pub struct Planned {
    pub label: String,
    /// The round name (`round/<round>` is its tag).
    pub round: String,
    /// Seconds since the epoch (UTC).
    pub time: i64,
    doc: Imported,
    rendered: Rendered,
    pub report: VersionReport,
    retired: BTreeSet<String>,
}

impl Planned {
    /// Every file of the version: path relative to the negotiation folder → text, with the
    /// ids retired so far in `drafts/retired-ids`.
    pub fn files(&self) -> BTreeMap<String, String> {
        let mut files: BTreeMap<String, String> = self
            .rendered
            .files
            .iter()
            .map(|(rel, text)| {
                (
                    format!("drafts/{}", rel.to_string_lossy().replace('\\', "/")),
                    text.clone(),
                )
            })
            .collect();
        if !self.retired.is_empty() {
            files.insert(
                format!("drafts/{RETIRED_FILE}"),
                retired_file_text(&self.retired),
            );
        }
        files
    }
}

/// Reads, aligns and renders every version in memory.
pub fn plan(versions: &[DraftVersion]) -> Result<Vec<Planned>, ArchiveError> {
    plan_overridden(versions, &Overrides::default())
}

/// [`plan`], with a person's corrections to the alignment.
pub fn plan_overridden(
    versions: &[DraftVersion],
    overrides: &Overrides,
) -> Result<Vec<Planned>, ArchiveError> {
    if versions.is_empty() {
        return Err(ArchiveError::NoVersions);
    }
    plan_with(
        versions.iter().map(|(label, date, path)| {
            let doc = super::read_path(path).map_err(|source| ArchiveError::Import {
                label: label.clone(),
                source,
            });
            (label.clone(), date.clone(), doc)
        }),
        overrides,
    )
}

/// Aligns already-read versions (oldest first) and reports what each would record,
/// without creating a repository: what `treaty import-history` would do.
pub fn preview(
    versions: impl IntoIterator<Item = (String, Option<String>, Imported)>,
) -> Result<Vec<VersionReport>, ArchiveError> {
    let planned = plan_with(
        versions
            .into_iter()
            .map(|(label, date, doc)| (label, date, Ok(doc))),
        &Overrides::default(),
    )?;
    Ok(planned.into_iter().map(|p| p.report).collect())
}

fn plan_with(
    versions: impl IntoIterator<Item = (String, Option<String>, Result<Imported, ArchiveError>)>,
    overrides: &Overrides,
) -> Result<Vec<Planned>, ArchiveError> {
    let mut rounds: HashMap<String, String> = HashMap::new();
    let mut out: Vec<Planned> = Vec::new();
    let mut ever_used: HashSet<String> = HashSet::new();
    let mut retired: BTreeSet<String> = BTreeSet::new();
    let mut last_time: Option<i64> = None;
    for (label, date, doc) in versions {
        let (label, date) = (&label, &date);
        let round = round_name(label);
        if round.is_empty() {
            return Err(ArchiveError::BadLabel {
                label: label.clone(),
            });
        }
        if let Some(first) = rounds.insert(round.clone(), label.clone()) {
            return Err(ArchiveError::DuplicateRound {
                first,
                second: label.clone(),
                round,
            });
        }
        let time = match date {
            Some(d) => parse_date(d).ok_or_else(|| ArchiveError::BadDate {
                label: label.clone(),
                date: d.clone(),
            })?,
            None => last_time.map_or(DEFAULT_START, |t| t + DEFAULT_STEP),
        };
        last_time = Some(time);
        let import_err = |source| ArchiveError::Import {
            label: label.clone(),
            source,
        };
        let doc = doc?;
        let (plan, aligned) = match out.last() {
            None => (IdPlan::default(), None),
            Some(prev) => {
                let aligned = align_versions(&prev.doc, &doc, overrides, label)?;
                let ids = ids_by_slot(&prev.rendered);
                let mut fixed = HashMap::new();
                for (new_slot, old_slot) in &aligned.slots {
                    if let Some(id) = ids.get(old_slot) {
                        fixed.insert(new_slot.clone(), (*id).to_string());
                    }
                }
                (
                    IdPlan {
                        fixed,
                        reserved: ever_used.clone(),
                    },
                    Some(aligned),
                )
            }
        };
        let mut rendered = render_with(&doc, &plan).map_err(import_err)?;
        if let (Some(prev), Some(al)) = (out.last(), aligned.as_ref()) {
            record_predecessors(&mut rendered, &prev.rendered, &al.from);
        }
        let report = version_report(
            label,
            &round,
            time,
            out.last().map(|p| (&p.doc, &p.rendered)),
            &doc,
            &rendered,
            aligned.as_ref(),
        );
        retired.extend(report.retired.iter().cloned());
        ever_used.extend(rendered.clauses.iter().map(|c| c.id.clone()));
        out.push(Planned {
            label: label.clone(),
            round,
            time,
            doc,
            rendered,
            report,
            retired: retired.clone(),
        });
    }
    if let Some(step) = overrides
        .steps
        .iter()
        .find(|s| !out.iter().skip(1).any(|p| p.label == s.to))
    {
        return Err(ArchiveError::OverrideStep {
            file: overrides.file.clone(),
            label: step.to.clone(),
        });
    }
    Ok(out)
}

/// Writes into the new version's `sources.ron` (when it has one) which clauses of the
/// version before each clause continues: what `treaty trace` follows.
fn record_predecessors(rendered: &mut Rendered, prev: &Rendered, from: &[Continued]) {
    let Some(sources) = rendered.sources.as_mut() else {
        return;
    };
    let old_ids = ids_by_slot(prev);
    let new_ids: HashMap<Slot, String> = rendered
        .clauses
        .iter()
        .map(|c| (c.slot.clone(), c.id.clone()))
        .collect();
    for (new_slot, old_slot, how, similarity) in from {
        let (Some(new_id), Some(old_id)) = (new_ids.get(new_slot), old_ids.get(old_slot)) else {
            continue;
        };
        sources
            .clauses
            .entry(new_id.clone())
            .or_default()
            .from
            .push(crate::sources::Predecessor {
                id: (*old_id).to_string(),
                how: (*how).to_string(),
                similarity: (similarity * 1000.0).round() / 1000.0,
            });
    }
    let text = sources.to_ron();
    if let Some(f) = rendered
        .files
        .iter_mut()
        .find(|(p, _)| p.as_os_str() == crate::sources::SOURCES_FILE)
    {
        f.1 = text;
    }
}

fn ids_by_slot(r: &Rendered) -> HashMap<&Slot, &str> {
    r.clauses.iter().map(|c| (&c.slot, c.id.as_str())).collect()
}

/// The article and annex level of an alignment, and the slot map for every clause.
struct Aligned {
    /// New slot → old slot, for every matched clause.
    slots: Vec<(Slot, Slot)>,
    articles: Alignment,
    /// Body indices of the articles (old, new), in order.
    old_articles: Vec<usize>,
    new_articles: Vec<usize>,
    annexes: Alignment,
    inner: ClauseCounts,
    /// Every clause link below article level, for the alignment table.
    rows: Vec<Row>,
    /// How each new clause continues old ones: (new slot, old slot, how, similarity),
    /// for `from` in `sources.ron`.
    from: Vec<Continued>,
}

type Continued = (Slot, Slot, &'static str, f64);

/// The links of `al` as [`Continued`]: matches, splits and merges.
fn continued(
    al: &Alignment,
    new_slot: impl Fn(usize) -> Slot,
    old_slot: impl Fn(usize) -> Slot,
) -> impl Iterator<Item = Continued> {
    let kinds = [
        (&al.matches, "matched"),
        (&al.splits, "split"),
        (&al.merges, "merged"),
    ];
    kinds
        .into_iter()
        .flat_map(|(links, how)| links.iter().map(move |l| (l, how)))
        .map(|(l, how)| (new_slot(l.new), old_slot(l.old), how, l.confidence))
        .collect::<Vec<_>>()
        .into_iter()
}

/// One line of the alignment table: which provision continues which, and how sure.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// `None`: new text.
    pub old: Option<String>,
    /// `None`: dropped.
    pub new: Option<String>,
    pub confidence: f64,
}

fn article_text(title: Option<&str>, blocks: &[ImportedBlock]) -> String {
    let mut s = title.unwrap_or_default().to_string();
    for b in blocks {
        s.push('\n');
        s.push_str(block_text(b));
    }
    s
}

fn block_text(b: &ImportedBlock) -> &str {
    match b {
        ImportedBlock::Paragraph { text, .. }
        | ImportedBlock::Point { text, .. }
        | ImportedBlock::Note { text, .. } => text,
        ImportedBlock::Heading(t) => t,
    }
}

fn profiles(texts: impl IntoIterator<Item = String>) -> Vec<Profile> {
    texts.into_iter().map(|t| Profile::new(&t)).collect()
}

fn count(al: &Alignment, counts: &mut ClauseCounts) {
    counts.matched += al.matches.len();
    counts.edited += al.matches.iter().filter(|l| l.confidence < 1.0).count();
    counts.new += al.new.len() + al.splits.len();
    counts.dropped += al.dropped.len() + al.merges.len();
}

/// The articles of `doc`: body indices, blocks and units to align.
fn articles(doc: &Imported) -> (Vec<usize>, Vec<&[ImportedBlock]>, Vec<Unit>) {
    let mut idx = Vec::new();
    let mut blocks = Vec::new();
    let mut units = Vec::new();
    for (i, item) in doc.body.iter().enumerate() {
        if let BodyItem::Article(a) = item {
            idx.push(i);
            blocks.push(a.blocks.as_slice());
            units.push(
                Unit::new(&article_text(a.title.as_deref(), &a.blocks))
                    .with_label(Some(&a.number))
                    .with_title(a.title.as_deref()),
            );
        }
    }
    (idx, blocks, units)
}

/// A block as a unit to align: its text, label and kind.
fn block_unit(b: &ImportedBlock) -> Unit {
    match b {
        ImportedBlock::Paragraph { label, text } => {
            Unit::new(text).with_label(label.as_deref()).with_kind(0)
        }
        ImportedBlock::Point { label, text } => {
            Unit::new(text).with_label(Some(label)).with_kind(1)
        }
        ImportedBlock::Heading(t) => Unit::new(t).with_kind(2),
        ImportedBlock::Note { label, text } => Unit::new(text).with_label(Some(label)).with_kind(3),
    }
}

/// How the clauses of `new` continue those of `old`: (new slot, old slot) for every
/// matched clause, as [`plan`] aligns two successive drafts (what keeps a clause's id).
pub fn links(old: &Imported, new: &Imported) -> Vec<(Slot, Slot)> {
    // No overrides: nothing to refuse.
    align_versions(old, new, &Overrides::default(), "")
        .map(|a| a.slots)
        .unwrap_or_default()
}

/// Where a name of an override file points: an article or annex (`unit`, an index into
/// the articles or the annexes) and perhaps one of its blocks.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Place {
    annex: bool,
    unit: usize,
    block: Option<usize>,
}

fn norm_name(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn resolve(doc: &Imported, art_idx: &[usize], name: &str) -> Option<Place> {
    let (unit, label) = split_name(name);
    let unit = norm_name(unit);
    let (annex, i, blocks) = if let Some(i) = art_idx
        .iter()
        .position(|&b| norm_name(&article_name(doc, b)) == unit)
    {
        let BodyItem::Article(a) = &doc.body[art_idx[i]] else {
            return None;
        };
        (false, i, a.blocks.as_slice())
    } else {
        let i = (0..doc.annexes.len()).find(|&i| norm_name(&annex_name(doc, i)) == unit)?;
        (true, i, doc.annexes[i].blocks.as_slice())
    };
    let block = match label {
        None => None,
        Some(l) => {
            // `Article 4, 2 (a)` as the table prints it, or the label alone (the first).
            let unit_name = split_name(name).0;
            let full = norm_name(name);
            let by_name =
                (0..blocks.len()).find(|&k| norm_name(&block_name(unit_name, blocks, k)) == full);
            Some(by_name.or_else(|| {
                blocks.iter().position(|b| match b {
                    ImportedBlock::Paragraph { label: Some(p), .. }
                    | ImportedBlock::Point { label: p, .. } => same_label(p, l),
                    _ => false,
                })
            })?)
        }
    };
    Some(Place {
        annex,
        unit: i,
        block,
    })
}

/// The rules of one step, resolved: article rules, annex rules, and block rules
/// `((unit, block), (unit, block), same)` for articles and for annexes.
type BlockRule = ((usize, usize), (usize, usize), bool);

#[derive(Default)]
struct StepRules {
    articles: Rules,
    annexes: Rules,
    article_blocks: Vec<BlockRule>,
    annex_blocks: Vec<BlockRule>,
}

fn step_rules(
    old: &Imported,
    new: &Imported,
    old_art: &[usize],
    new_art: &[usize],
    overrides: &Overrides,
    label: &str,
) -> Result<StepRules, ArchiveError> {
    let mut r = StepRules::default();
    let Some(step) = overrides.step(label) else {
        return Ok(r);
    };
    let pairs = step
        .same
        .iter()
        .map(|p| (p, true))
        .chain(step.different.iter().map(|p| (p, false)));
    for ((o, n), same) in pairs {
        let missing = |name: &str| ArchiveError::OverrideName {
            file: overrides.file.clone(),
            label: label.to_string(),
            name: name.to_string(),
        };
        let po = resolve(old, old_art, o).ok_or_else(|| missing(o))?;
        let pn = resolve(new, new_art, n).ok_or_else(|| missing(n))?;
        if po.annex != pn.annex || po.block.is_some() != pn.block.is_some() {
            return Err(ArchiveError::OverrideLevel {
                file: overrides.file.clone(),
                old: o.clone(),
                new: n.clone(),
            });
        }
        match (po.block, pn.block) {
            (Some(ob), Some(nb)) => {
                let rule = ((po.unit, ob), (pn.unit, nb), same);
                if po.annex {
                    r.annex_blocks.push(rule);
                } else {
                    r.article_blocks.push(rule);
                }
            }
            _ => {
                let rules = if po.annex {
                    &mut r.annexes
                } else {
                    &mut r.articles
                };
                if same {
                    rules.same.push((po.unit, pn.unit));
                } else {
                    rules.different.insert((po.unit, pn.unit));
                }
            }
        }
    }
    Ok(r)
}

fn align_versions(
    old: &Imported,
    new: &Imported,
    overrides: &Overrides,
    label: &str,
) -> Result<Aligned, ArchiveError> {
    let mut slots = vec![(Slot::Title, Slot::Title)];
    let mut inner = ClauseCounts::default();
    if !old.preamble.is_empty() && !new.preamble.is_empty() {
        slots.push((Slot::PreambleHeading, Slot::PreambleHeading));
    }
    if !old.annexes.is_empty() && !new.annexes.is_empty() {
        slots.push((Slot::AnnexList, Slot::AnnexList));
    }

    // Preamble paragraphs.
    let pp = align(
        &profiles(old.preamble.iter().map(|p| p.text.clone())),
        &profiles(new.preamble.iter().map(|p| p.text.clone())),
    );
    count(&pp, &mut inner);
    let mut from: Vec<Continued> = continued(&pp, Slot::Preamble, Slot::Preamble).collect();
    slots.extend(
        pp.matches
            .iter()
            .map(|l| (Slot::Preamble(l.new), Slot::Preamble(l.old))),
    );

    // Divisions: by kind and title (their labels are renumbered like articles).
    let divisions = |doc: &Imported| -> (Vec<usize>, Vec<Profile>) {
        doc.body
            .iter()
            .enumerate()
            .filter_map(|(i, item)| match item {
                BodyItem::Division { kind, label, title } => Some((
                    i,
                    Profile::new(&format!("{kind} {}", title.as_deref().unwrap_or(label))),
                )),
                BodyItem::Article(_) => None,
            })
            .unzip()
    };
    let (old_div, old_div_p) = divisions(old);
    let (new_div, new_div_p) = divisions(new);
    let div = align(&old_div_p, &new_div_p);
    count(&div, &mut inner);
    from.extend(continued(
        &div,
        |n| Slot::Division(new_div[n]),
        |o| Slot::Division(old_div[o]),
    ));
    slots.extend(div.matches.iter().map(|l| {
        (
            Slot::Division(new_div[l.new]),
            Slot::Division(old_div[l.old]),
        )
    }));

    // Articles.
    let (old_art, old_art_blocks, old_art_p) = articles(old);
    let (new_art, new_art_blocks, new_art_p) = articles(new);
    let rules = step_rules(old, new, &old_art, &new_art, overrides, label)?;
    let art = align_units_with(&old_art_p, &new_art_p, &rules.articles);
    from.extend(continued(
        &art,
        |n| Slot::Article(new_art[n]),
        |o| Slot::Article(old_art[o]),
    ));
    slots.extend(
        art.matches
            .iter()
            .map(|l| (Slot::Article(new_art[l.new]), Slot::Article(old_art[l.old]))),
    );
    let mut rows = Vec::new();
    align_blocks(
        &art,
        (&old_art_blocks, &new_art_blocks),
        |a, k| Slot::ArticleBlock(old_art[a], k),
        |a, k| Slot::ArticleBlock(new_art[a], k),
        (&|a| article_name(old, old_art[a]), &|a| {
            article_name(new, new_art[a])
        }),
        &rules.article_blocks,
        (&mut slots, &mut from),
        &mut inner,
        &mut rows,
    );

    // Annexes.
    let annex_p = |doc: &Imported| -> Vec<Unit> {
        doc.annexes
            .iter()
            .map(|a| {
                Unit::new(&article_text(a.title.as_deref(), &a.blocks))
                    .with_label(Some(&a.label))
                    .with_title(a.title.as_deref())
            })
            .collect()
    };
    let anx = align_units_with(&annex_p(old), &annex_p(new), &rules.annexes);
    from.extend(continued(&anx, Slot::Annex, Slot::Annex));
    slots.extend(
        anx.matches
            .iter()
            .map(|l| (Slot::Annex(l.new), Slot::Annex(l.old))),
    );
    let old_anx_blocks: Vec<&[ImportedBlock]> =
        old.annexes.iter().map(|a| a.blocks.as_slice()).collect();
    let new_anx_blocks: Vec<&[ImportedBlock]> =
        new.annexes.iter().map(|a| a.blocks.as_slice()).collect();
    align_blocks(
        &anx,
        (&old_anx_blocks, &new_anx_blocks),
        Slot::AnnexBlock,
        Slot::AnnexBlock,
        (&|a| annex_name(old, a), &|a| annex_name(new, a)),
        &rules.annex_blocks,
        (&mut slots, &mut from),
        &mut inner,
        &mut rows,
    );

    Ok(Aligned {
        slots,
        articles: art,
        old_articles: old_art,
        new_articles: new_art,
        annexes: anx,
        inner,
        rows,
        from,
    })
}

/// A block's name in the alignment table: `Article 4, 2`, `Article 4, (a)`, `Article 4,
/// heading 1`, `Article 4, paragraph 3` (unnumbered, counted).
fn block_name(unit: &str, blocks: &[ImportedBlock], k: usize) -> String {
    match &blocks[k] {
        ImportedBlock::Paragraph { label: Some(l), .. } => format!("{unit}, {l}"),
        ImportedBlock::Point { label: l, .. } => {
            // A point under its paragraph: `Article 4, 2 (a)`.
            let parent = blocks[..k].iter().rev().find_map(|b| match b {
                ImportedBlock::Paragraph { label: Some(p), .. } => Some(p.as_str()),
                _ => None,
            });
            match parent {
                Some(p) => format!("{unit}, {p} {l}"),
                None => format!("{unit}, {l}"),
            }
        }
        ImportedBlock::Paragraph { label: None, .. } => format!("{unit}, paragraph {}", k + 1),
        ImportedBlock::Heading(_) => format!("{unit}, heading {}", k + 1),
        ImportedBlock::Note { label, .. } => format!("{unit}, note {label}"),
    }
}

/// Aligns the blocks of linked articles: every group of old and new articles joined by a
/// match, split or merge is aligned as one pool, so a paragraph keeps its id when its
/// article is split or merged. Blocks of new articles linked to nothing are new.
#[allow(clippy::too_many_arguments)]
fn align_blocks(
    al: &Alignment,
    (old, new): (&[&[ImportedBlock]], &[&[ImportedBlock]]),
    old_slot: impl Fn(usize, usize) -> Slot,
    new_slot: impl Fn(usize, usize) -> Slot,
    (old_name, new_name): (&dyn Fn(usize) -> String, &dyn Fn(usize) -> String),
    rules: &[BlockRule],
    (slots, from): (&mut Vec<(Slot, Slot)>, &mut Vec<Continued>),
    counts: &mut ClauseCounts,
    rows: &mut Vec<Row>,
) {
    // Union-find over old articles 0..o and new articles o..o+n.
    let o = old.len();
    let mut parent: Vec<usize> = (0..o + new.len()).collect();
    fn find(p: &mut [usize], mut x: usize) -> usize {
        while p[x] != x {
            p[x] = p[p[x]];
            x = p[x];
        }
        x
    }
    for l in al.matches.iter().chain(&al.splits).chain(&al.merges) {
        let (a, b) = (find(&mut parent, l.old), find(&mut parent, o + l.new));
        parent[a.max(b)] = a.min(b);
    }
    // A person said these paragraphs continue one another: their articles are one pool.
    for &((oa, _), (na, _), same) in rules {
        if same {
            let (a, b) = (find(&mut parent, oa), find(&mut parent, o + na));
            parent[a.max(b)] = a.min(b);
        }
    }
    // An old article linked to nothing, one of whose paragraphs stands almost word for
    // word in a new article (a section dissolved into another), is aligned with it; and
    // likewise a new article made of paragraphs from an old one.
    let profiles = |blocks: &[&[ImportedBlock]]| -> Vec<Vec<Profile>> {
        blocks
            .iter()
            .map(|bs| {
                bs.iter()
                    .filter(|b| !matches!(b, ImportedBlock::Note { .. }))
                    .map(|b| Profile::new(block_text(b)))
                    .filter(|p| p.shingle_count() >= 4)
                    .collect()
            })
            .collect()
    };
    let (old_p, new_p) = (profiles(old), profiles(new));
    let lone_old: Vec<usize> = al.dropped.clone();
    let lone_new: Vec<usize> = al.new.clone();
    let near =
        |a: &[Profile], b: &[Profile]| a.iter().any(|x| b.iter().any(|y| x.jaccard(y) >= 0.6));
    for &oa in &lone_old {
        if let Some(na) = (0..new.len()).find(|&na| near(&old_p[oa], &new_p[na])) {
            let (a, b) = (find(&mut parent, oa), find(&mut parent, o + na));
            parent[a.max(b)] = a.min(b);
        }
    }
    for &na in &lone_new {
        if let Some(oa) = (0..o).find(|&oa| near(&old_p[oa], &new_p[na])) {
            let (a, b) = (find(&mut parent, oa), find(&mut parent, o + na));
            parent[a.max(b)] = a.min(b);
        }
    }
    let mut groups: std::collections::BTreeMap<usize, (Vec<usize>, Vec<usize>)> =
        Default::default();
    for x in 0..o + new.len() {
        let root = find(&mut parent, x);
        let g = groups.entry(root).or_default();
        if x < o {
            g.0.push(x);
        } else {
            g.1.push(x - o);
        }
    }
    // Notes are not clauses: they have no id to keep.
    let clause = |b: &ImportedBlock| !matches!(b, ImportedBlock::Note { .. });
    for (olds, news) in groups.values() {
        let old_blocks: Vec<(usize, usize)> = olds
            .iter()
            .flat_map(|&a| (0..old[a].len()).map(move |k| (a, k)))
            .filter(|&(a, k)| clause(&old[a][k]))
            .collect();
        let new_blocks: Vec<(usize, usize)> = news
            .iter()
            .flat_map(|&a| (0..new[a].len()).map(move |k| (a, k)))
            .filter(|&(a, k)| clause(&new[a][k]))
            .collect();
        let mut group_rules = Rules::default();
        for &(ob, nb, same) in rules {
            let (Some(i), Some(j)) = (
                old_blocks.iter().position(|&b| b == ob),
                new_blocks.iter().position(|&b| b == nb),
            ) else {
                continue;
            };
            if same {
                group_rules.same.push((i, j));
            } else {
                group_rules.different.insert((i, j));
            }
        }
        let bl = align_units_with(
            &old_blocks
                .iter()
                .map(|&(a, k)| block_unit(&old[a][k]))
                .collect::<Vec<_>>(),
            &new_blocks
                .iter()
                .map(|&(a, k)| block_unit(&new[a][k]))
                .collect::<Vec<_>>(),
            &group_rules,
        );
        count(&bl, counts);
        from.extend(continued(
            &bl,
            |n| {
                let (na, nk) = new_blocks[n];
                new_slot(na, nk)
            },
            |o| {
                let (oa, ok) = old_blocks[o];
                old_slot(oa, ok)
            },
        ));
        let old_named = |i: usize| {
            let (a, k) = old_blocks[i];
            block_name(&old_name(a), old[a], k)
        };
        let new_named = |i: usize| {
            let (a, k) = new_blocks[i];
            block_name(&new_name(a), new[a], k)
        };
        for l in &bl.matches {
            let (na, nk) = new_blocks[l.new];
            let (oa, ok) = old_blocks[l.old];
            slots.push((new_slot(na, nk), old_slot(oa, ok)));
            rows.push(Row {
                old: Some(old_named(l.old)),
                new: Some(new_named(l.new)),
                confidence: l.confidence,
            });
        }
        for l in bl.splits.iter().chain(&bl.merges) {
            rows.push(Row {
                old: Some(old_named(l.old)),
                new: Some(new_named(l.new)),
                confidence: l.confidence,
            });
        }
        rows.extend(bl.new.iter().map(|&i| Row {
            old: None,
            new: Some(new_named(i)),
            confidence: 0.0,
        }));
        rows.extend(bl.dropped.iter().map(|&i| Row {
            old: Some(old_named(i)),
            new: None,
            confidence: 0.0,
        }));
    }
}

fn article_name(doc: &Imported, body_index: usize) -> String {
    match &doc.body[body_index] {
        BodyItem::Article(a) => format!("Article {}", a.number),
        BodyItem::Division { kind, label, .. } => format!("{kind} {label}"),
    }
}

fn annex_name(doc: &Imported, i: usize) -> String {
    format!("Annex {}", doc.annexes[i].label)
}

#[allow(clippy::too_many_arguments)]
fn version_report(
    label: &str,
    round: &str,
    time: i64,
    prev: Option<(&Imported, &Rendered)>,
    doc: &Imported,
    rendered: &Rendered,
    aligned: Option<&Aligned>,
) -> VersionReport {
    let stats = doc.stats();
    let new_ids = ids_by_slot(rendered);
    let mut report = VersionReport {
        label: label.to_string(),
        round: round.to_string(),
        time,
        articles: stats.articles,
        annexes: stats.annexes,
        clauses: rendered.clauses.len(),
        matched: Vec::new(),
        split: Vec::new(),
        merged: Vec::new(),
        new: Vec::new(),
        dropped: Vec::new(),
        inner: ClauseCounts::default(),
        changed: Vec::new(),
        retired: Vec::new(),
        rows: Vec::new(),
    };
    let (Some((old, old_rendered)), Some(al)) = (prev, aligned) else {
        report.changed = rendered.clauses.iter().map(|c| c.id.clone()).collect();
        report.inner.new = rendered.clauses.len();
        return report;
    };
    report.inner = al.inner;
    report.rows = al.rows.clone();
    let old_ids = ids_by_slot(old_rendered);

    // Articles and annexes, with their names and slots.
    struct Level<'x> {
        al: &'x Alignment,
        old_slot: Box<dyn Fn(usize) -> Slot + 'x>,
        new_slot: Box<dyn Fn(usize) -> Slot + 'x>,
        old_name: Box<dyn Fn(usize) -> String + 'x>,
        new_name: Box<dyn Fn(usize) -> String + 'x>,
    }
    let levels = [
        Level {
            al: &al.articles,
            old_slot: Box::new(|i| Slot::Article(al.old_articles[i])),
            new_slot: Box::new(|i| Slot::Article(al.new_articles[i])),
            old_name: Box::new(|i| article_name(old, al.old_articles[i])),
            new_name: Box::new(|i| article_name(doc, al.new_articles[i])),
        },
        Level {
            al: &al.annexes,
            old_slot: Box::new(Slot::Annex),
            new_slot: Box::new(Slot::Annex),
            old_name: Box::new(|i| annex_name(old, i)),
            new_name: Box::new(|i| annex_name(doc, i)),
        },
    ];
    let mut moved_ids = HashSet::new();
    for lv in &levels {
        let id_old = |i: usize| old_ids[&(lv.old_slot)(i)].to_string();
        let id_new = |i: usize| new_ids[&(lv.new_slot)(i)].to_string();
        let olds: Vec<usize> = lv.al.matches.iter().map(|l| l.old).collect();
        let kept: HashSet<usize> = longest_increasing(&olds).into_iter().collect();
        for (k, l) in lv.al.matches.iter().enumerate() {
            let (on, nn) = ((lv.old_name)(l.old), (lv.new_name)(l.new));
            let moved = !kept.contains(&k);
            if moved {
                moved_ids.insert(id_new(l.new));
            }
            report.matched.push(ArticleMatch {
                id: id_new(l.new),
                renumbered: on != nn,
                old: on,
                new: nn,
                confidence: l.confidence,
                moved,
            });
        }
        let named_new = |i: usize| Named {
            id: id_new(i),
            name: (lv.new_name)(i),
        };
        let named_old = |i: usize| Named {
            id: id_old(i),
            name: (lv.old_name)(i),
        };
        let mut split_from: Vec<usize> = lv.al.splits.iter().map(|l| l.old).collect();
        split_from.sort_unstable();
        split_from.dedup();
        for o in split_from {
            let parts: Vec<_> = lv.al.splits.iter().filter(|l| l.old == o).collect();
            let mut into = Vec::new();
            if let Some(m) = lv.al.matches.iter().find(|l| l.old == o) {
                into.push(named_new(m.new));
            }
            into.extend(parts.iter().map(|l| named_new(l.new)));
            report.split.push(Split {
                from: named_old(o),
                into,
                confidence: parts.iter().map(|l| l.confidence).fold(1.0, f64::min),
            });
        }
        let mut merged_into: Vec<usize> = lv.al.merges.iter().map(|l| l.new).collect();
        merged_into.sort_unstable();
        merged_into.dedup();
        for n in merged_into {
            let parts: Vec<_> = lv.al.merges.iter().filter(|l| l.new == n).collect();
            let mut from = Vec::new();
            if let Some(m) = lv.al.matches.iter().find(|l| l.new == n) {
                from.push(named_old(m.old));
            }
            from.extend(parts.iter().map(|l| named_old(l.old)));
            report.merged.push(Merge {
                from,
                into: named_new(n),
                confidence: parts.iter().map(|l| l.confidence).fold(1.0, f64::min),
            });
        }
        report.new.extend(lv.al.new.iter().map(|&i| named_new(i)));
        report
            .dropped
            .extend(lv.al.dropped.iter().map(|&i| named_old(i)));
    }

    // Changed clause ids: new, gone, reworded or renumbered (block differs), moved.
    let old_blocks: HashMap<&str, &str> = old_rendered
        .clauses
        .iter()
        .map(|c| (c.id.as_str(), c.block.as_str()))
        .collect();
    let new_set: HashSet<&str> = rendered.clauses.iter().map(|c| c.id.as_str()).collect();
    for c in &rendered.clauses {
        match old_blocks.get(c.id.as_str()) {
            Some(b) if *b == c.block && !moved_ids.contains(&c.id) => {}
            _ => report.changed.push(c.id.clone()),
        }
    }
    for c in &old_rendered.clauses {
        if !new_set.contains(c.id.as_str()) {
            report.changed.push(c.id.clone());
            report.retired.push(c.id.clone());
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_rounds() {
        assert_eq!(parse_date("2025-01-01"), Some(DEFAULT_START));
        assert_eq!(parse_date("1970-01-02T01:00Z"), Some(86_400 + 3600));
        assert_eq!(parse_date("2024-02-30"), None);
        assert_eq!(parse_date("yesterday"), None);
        assert_eq!(parse_date("1969-07-20"), None);
        assert_eq!(round_name("Zero draft (2023)"), "zero-draft-2023");
        assert_eq!(round_name("—"), "");
    }
}
