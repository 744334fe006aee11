//! Structural amendments: an article, annex, part or chapter inserted, moved, deleted or
//! renumbered. Each edits `drafts/treaty.md` (its headings and include lines) and the
//! unit's own file together, and is refused unless the treaty it leaves is one
//! `treaty.md` describes.
//!
//! `treaty.md` is edited line by line: only the lines of the unit and the blank lines
//! where it leaves and where it lands change; every other byte stays as it was.

use std::collections::{BTreeMap, HashSet};
use std::ops::Range;

use serde::Deserialize;

use super::{AmendError, Applied, Workspace, check_label};
use crate::amendment::{StructureOp, Unit};
use crate::diag::Severity;
use crate::draft::{
    BlockKind, ClauseKind, Draft, DraftFile, FRONT_FILE, RETIRED_FILE, block, ids,
    retired_file_text,
};

/// Where a structural amendment puts its unit: after or before a sibling, or at the end of
/// a part or chapter (or of the annexes).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub enum Place {
    After(String),
    Before(String),
    Into(String),
}

impl Place {
    fn target(&self) -> &str {
        match self {
            Place::After(id) | Place::Before(id) | Place::Into(id) => id,
        }
    }

    fn describe(&self) -> String {
        match self {
            Place::After(id) => format!("after {id}"),
            Place::Before(id) => format!("before {id}"),
            Place::Into(id) => format!("into {id}"),
        }
    }
}

/// One structural amendment (see [`super::Change::Structure`]).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub enum Restructure {
    /// A new unit: for an article or annex, a new file with its heading (and `text` as its
    /// first paragraph), included from `treaty.md`; for a part or chapter, a heading.
    Insert {
        place: Place,
        #[serde(default)]
        id: Option<String>,
        /// The number, with or without its word: `3 bis`, `Article 3 bis`, `III`.
        label: String,
        title: String,
        #[serde(default)]
        text: Option<String>,
    },
    Move {
        clause: String,
        place: Place,
    },
    /// Deletes an article or annex (its file goes, its ids are retired), or a part or
    /// chapter that holds nothing any more.
    Delete {
        clause: String,
    },
    Renumber {
        clause: String,
        label: String,
    },
}

impl Restructure {
    pub fn op(&self) -> StructureOp {
        match self {
            Restructure::Insert { .. } => StructureOp::Insert,
            Restructure::Move { .. } => StructureOp::Move,
            Restructure::Delete { .. } => StructureOp::Delete,
            Restructure::Renumber { .. } => StructureOp::Renumber,
        }
    }

    pub fn describe(&self, unit: Unit) -> String {
        match self {
            Restructure::Insert {
                place,
                label,
                title,
                ..
            } => format!(
                "Insert {}. {title} {}",
                full_label(unit, label),
                place.describe()
            ),
            Restructure::Move { clause, place } => format!("Move {clause} {}", place.describe()),
            Restructure::Delete { clause } => format!("Delete {} {clause}", unit.noun()),
            Restructure::Renumber { clause, label } => {
                format!("Renumber {clause} as {}", full_label(unit, label))
            }
        }
    }
}

/// A structural amendment as a user asks for it, from the command line's flags or the
/// workbench's prompts: [`StructureRequest::change`] builds the one
/// [`super::Change::Structure`] both record, and names what is missing so each asks for it
/// in its own words.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StructureRequest {
    /// The unit moved, deleted or renumbered.
    pub clause: Option<String>,
    /// Where an inserted or moved unit goes.
    pub place: Option<Place>,
    /// An inserted unit's id (default: from its title).
    pub id: Option<String>,
    /// The number of an inserted or renumbered unit.
    pub label: Option<String>,
    /// An inserted unit's title.
    pub title: Option<String>,
    /// An inserted article's or annex's first paragraph.
    pub text: Option<String>,
}

/// What a [`StructureRequest`] lacks (or has that its unit cannot take).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Incomplete {
    /// The unit to move, delete or renumber.
    Clause,
    /// Where to put it.
    Place,
    /// The number.
    Label,
    /// The title.
    Title,
    /// Text for a part or chapter, which is a heading and has none.
    TextOnHeading,
}

impl StructureRequest {
    /// The structural amendment that does `op` to a `unit`.
    pub fn change(self, op: StructureOp, unit: Unit) -> Result<super::Change, Incomplete> {
        let given = |v: Option<String>, missing| v.ok_or(missing);
        let edit = match op {
            StructureOp::Insert => {
                if self.text.is_some() && !unit.has_file() {
                    return Err(Incomplete::TextOnHeading);
                }
                Restructure::Insert {
                    place: self.place.ok_or(Incomplete::Place)?,
                    id: self.id,
                    label: given(self.label, Incomplete::Label)?,
                    title: given(self.title, Incomplete::Title)?,
                    text: self.text,
                }
            }
            StructureOp::Move => Restructure::Move {
                clause: given(self.clause, Incomplete::Clause)?,
                place: self.place.ok_or(Incomplete::Place)?,
            },
            StructureOp::Delete => Restructure::Delete {
                clause: given(self.clause, Incomplete::Clause)?,
            },
            StructureOp::Renumber => Restructure::Renumber {
                clause: given(self.clause, Incomplete::Clause)?,
                label: given(self.label, Incomplete::Label)?,
            },
        };
        Ok(super::Change::Structure { unit, edit })
    }
}

/// `Article 3 bis` from `3 bis` or `article 3 bis`: the unit's word, then the number.
pub fn full_label(unit: Unit, label: &str) -> String {
    let t = label.trim();
    let word = unit.word();
    let number = match t.get(..word.len()) {
        Some(head)
            if head.eq_ignore_ascii_case(word)
                && t[word.len()..]
                    .chars()
                    .next()
                    .is_none_or(char::is_whitespace) =>
        {
            t[word.len()..].trim()
        }
        _ => t,
    };
    format!("{word} {number}")
}

/// The unit clause `i` is, if it is one `treaty.md` lists.
pub fn unit_of(draft: &Draft, i: usize) -> Option<Unit> {
    let c = &draft.clauses[i];
    match c.kind {
        ClauseKind::Article => Some(Unit::Article),
        ClauseKind::Annex => Some(Unit::Annex),
        ClauseKind::Division => {
            let word = c.label.as_deref()?.split_whitespace().next()?;
            Unit::ALL
                .into_iter()
                .filter(|u| !u.has_file())
                .find(|u| u.word().eq_ignore_ascii_case(word))
        }
        _ => None,
    }
}

/// `treaty.md` as lines without their line ends.
struct Front {
    lines: Vec<String>,
    le: &'static str,
    final_newline: bool,
}

impl Front {
    fn new(text: &str) -> Front {
        let le = if text.contains("\r\n") { "\r\n" } else { "\n" };
        let lines = text
            .split_inclusive('\n')
            .map(|l| l.trim_end_matches('\n').trim_end_matches('\r').to_string())
            .collect();
        Front {
            lines,
            le,
            final_newline: text.is_empty() || text.ends_with('\n'),
        }
    }

    fn text(&self) -> String {
        let mut out = self.lines.join(self.le);
        if self.final_newline {
            out.push_str(self.le);
        }
        out
    }

    fn blank(&self, k: usize) -> bool {
        self.lines[k].trim().is_empty()
    }

    fn heading_level(&self, k: usize) -> Option<usize> {
        let t = self.lines[k].trim_start();
        let level = t.chars().take_while(|&c| c == '#').count();
        (level > 0 && t[level..].starts_with(' ')).then_some(level)
    }

    fn include_at(&self, target: &str) -> Option<usize> {
        self.lines
            .iter()
            .position(|l| block::include_line(l.trim()).is_some_and(|(_, t)| t == target))
    }

    fn is_include(&self, k: usize) -> bool {
        block::include_line(self.lines[k].trim()).is_some()
    }

    /// The lines of a division: its heading to the next heading of its level or above,
    /// without the blank lines that end it.
    fn division(&self, start: usize) -> Range<usize> {
        let level = self.heading_level(start).unwrap_or(1);
        let mut end = (start + 1..self.lines.len())
            .find(|&k| self.heading_level(k).is_some_and(|l| l <= level))
            .unwrap_or(self.lines.len());
        while end > start + 1 && self.blank(end - 1) {
            end -= 1;
        }
        start..end
    }

    /// Where a line goes to join the end of a division's own list (before any heading
    /// under it).
    fn list_end(&self, start: usize) -> usize {
        let range = self.division(start);
        let stop = (start + 1..range.end)
            .find(|&k| self.heading_level(k).is_some())
            .unwrap_or(range.end);
        (start + 1..stop)
            .rev()
            .find(|&k| !self.blank(k))
            .map_or(start + 1, |k| k + 1)
    }

    /// Removes `cut` (if any) and puts `chunk` before line `at` (an index of the lines as
    /// they are, outside the cut),
    /// then sets the blank lines where lines were joined: none between two include lines,
    /// one elsewhere.
    fn splice(&mut self, cut: Option<Range<usize>>, at: usize, chunk: Vec<String>) {
        let mut out = Vec::with_capacity(self.lines.len() + chunk.len());
        let mut seams = Vec::new();
        let mut chunk = Some(chunk);
        for k in 0..=self.lines.len() {
            if k == at
                && let Some(c) = chunk.take()
            {
                seams.push(out.len());
                out.extend(c);
                seams.push(out.len());
            }
            if k == self.lines.len() {
                break;
            }
            match &cut {
                Some(r) if r.contains(&k) => {
                    if k == r.start {
                        seams.push(out.len());
                    }
                }
                _ => out.push(self.lines[k].clone()),
            }
        }
        self.lines = out;
        let mut gaps: Vec<(usize, Option<usize>)> = seams
            .into_iter()
            .filter_map(|p| {
                let a = (0..p.min(self.lines.len()))
                    .rev()
                    .find(|&k| !self.blank(k))?;
                let b = (p.min(self.lines.len())..self.lines.len()).find(|&k| !self.blank(k));
                Some((a, b))
            })
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        gaps.sort();
        for (a, b) in gaps.into_iter().rev() {
            let (end, blanks) = match b {
                Some(b) => (b, usize::from(!(self.is_include(a) && self.is_include(b)))),
                None => (self.lines.len(), 0),
            };
            self.lines
                .splice(a + 1..end, std::iter::repeat_n(String::new(), blanks));
        }
    }
}

impl Workspace {
    /// Applies a structural amendment; the workspace changes only when it succeeds.
    pub(super) fn restructure(
        &mut self,
        unit: Unit,
        edit: &Restructure,
    ) -> Result<Applied, AmendError> {
        let before: BTreeMap<String, String> = self.draft_texts();
        let errors_before = errors(&self.draft);
        let mut draft = self.draft.clone();
        let mut front = Front::new(&draft.files[0].text());
        let mut new_file: Option<DraftFile> = None;
        let mut clauses = Vec::new();
        match edit {
            Restructure::Insert {
                place,
                id,
                label,
                title,
                text,
            } => {
                let label = full_label(unit, label);
                check_unit_number(unit, &label)?;
                check_title(title)?;
                if let Some(text) = text {
                    super::check_words(text)?;
                    super::check_balanced(text)?;
                }
                self.label_free(unit, &label, None)?;
                let target = self.index(place.target())?;
                self.check_place(unit, place, target)?;
                let id = self.new_id(id.as_deref(), title, &label)?;
                let (at, line) = if unit.has_file() {
                    let dir = if unit == Unit::Article {
                        "articles"
                    } else {
                        "annexes"
                    };
                    let path = format!("{dir}/{id}.md");
                    if draft.files.iter().any(|f| f.path == path) {
                        return Err(AmendError::IdTaken(id));
                    }
                    let hashes = "#".repeat(self.unit_heading_level());
                    let le = front.le;
                    let mut body = format!("{hashes} {label}. {title} {{#{id}}}{le}");
                    if let Some(text) = text {
                        body.push_str(&format!("{le}{} {{#{id}.1}}{le}", text.trim()));
                    }
                    new_file = Some(DraftFile::parse(path.clone(), &body));
                    let at = self.landing(&front, unit, place, target)?;
                    (at, format!("- [{label}. {title}]({path})"))
                } else {
                    let level = self.place_level(&front, place, target);
                    let at = self.landing(&front, unit, place, target)?;
                    let hashes = "#".repeat(level);
                    (at, format!("{hashes} {label}. {title} {{#{id}}}"))
                };
                front.splice(None, at, vec![line]);
                clauses.push(id);
            }
            Restructure::Move { clause, place } => {
                let i = self.unit_index(unit, clause)?;
                let target = self.index(place.target())?;
                if self.draft.subtree(i).contains(&target) {
                    return Err(AmendError::IntoItself {
                        clause: clause.clone(),
                    });
                }
                self.check_place(unit, place, target)?;
                let cut = self.front_range(&front, i)?;
                let at = self.landing(&front, unit, place, target)?;
                let mut chunk = front.lines[cut.clone()].to_vec();
                if !unit.has_file() {
                    // A part or chapter takes the heading level of where it lands, and
                    // the headings under it follow: a chapter moved into a part sits one
                    // level below the part's heading, whatever level it had.
                    let want = self.place_level(&front, place, target);
                    let have = front.heading_level(cut.start).unwrap_or(want);
                    shift_headings(&mut chunk, want as isize - have as isize)?;
                }
                front.splice(Some(cut), at, chunk);
                clauses.push(clause.clone());
            }
            Restructure::Delete { clause } => {
                let i = self.unit_index(unit, clause)?;
                self.check_delete(unit, i)?;
                let cut = self.front_range(&front, i)?;
                let at = cut.start;
                front.splice(Some(cut), at, Vec::new());
                clauses = self
                    .draft
                    .subtree(i)
                    .filter_map(|j| self.draft.clauses[j].id.clone())
                    .collect();
                draft.retired.extend(clauses.iter().cloned());
            }
            Restructure::Renumber { clause, label } => {
                let i = self.unit_index(unit, clause)?;
                let label = full_label(unit, label);
                check_unit_number(unit, &label)?;
                // The engine's renumber keeps the heading and its include line in step.
                let mut ws = self.clone();
                ws.renumber(i, &label)?;
                draft = ws.draft;
                front = Front::new(&draft.files[0].text());
                clauses.push(clause.clone());
            }
        }
        // The new treaty.md, its files in its order, and the clause tree read again.
        let front_file = DraftFile::parse(FRONT_FILE, &front.text());
        let mut by_path: BTreeMap<String, DraftFile> = draft
            .files
            .drain(1..)
            .chain(new_file)
            .map(|f| (f.path.clone(), f))
            .collect();
        let order: Vec<String> = front_file
            .blocks
            .iter()
            .filter_map(|b| match &b.kind {
                BlockKind::Include { target } => Some(target.clone()),
                _ => None,
            })
            .collect();
        draft.files = vec![front_file];
        for path in order {
            if let Some(f) = by_path.remove(&path) {
                draft.files.push(f);
            }
        }
        let mut diags = Vec::new();
        draft.rebuild(&mut diags);
        if let Some(d) = diags
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .find(|d| !errors_before.contains(&d.message))
        {
            return Err(AmendError::BrokenStructure {
                detail: format!("{}:{}:{}: {}", d.path.display(), d.line, d.col, d.message),
            });
        }
        self.draft = draft;
        let after = self.draft_texts();
        let mut edit = Applied {
            clauses,
            ..Applied::default()
        };
        for (path, old) in &before {
            match after.get(path) {
                Some(new) if new == old => {}
                Some(new) => {
                    edit.files.insert(path.clone(), Some(new.clone()));
                }
                None => {
                    edit.files.insert(path.clone(), None);
                }
            }
        }
        for (path, new) in after {
            if !before.contains_key(&path) {
                edit.files.insert(path, Some(new));
            }
        }
        Ok(edit)
    }

    /// Every draft file's text, by its path from the negotiation folder.
    fn draft_texts(&self) -> BTreeMap<String, String> {
        let mut texts: BTreeMap<String, String> = self
            .draft
            .files
            .iter()
            .map(|f| (format!("drafts/{}", f.path), f.text()))
            .collect();
        if !self.draft.retired.is_empty() {
            texts.insert(
                format!("drafts/{RETIRED_FILE}"),
                retired_file_text(&self.draft.retired),
            );
        }
        texts
    }

    /// Clause `id`, which must be a `unit`.
    fn unit_index(&self, unit: Unit, id: &str) -> Result<usize, AmendError> {
        let i = self.index(id)?;
        match unit_of(&self.draft, i) {
            Some(u) if u == unit => Ok(i),
            _ => Err(AmendError::NotUnit {
                clause: id.to_string(),
                kind: self.describe_kind(i),
                unit: unit.noun(),
            }),
        }
    }

    fn describe_kind(&self, i: usize) -> &'static str {
        unit_of(&self.draft, i).map_or(self.draft.clauses[i].kind.as_str(), Unit::noun)
    }

    /// A `unit` may go after or before another of its kind, or into a part or chapter
    /// (a chapter into a part; an annex into the annexes).
    fn check_place(&self, unit: Unit, place: &Place, target: usize) -> Result<(), AmendError> {
        let target_unit = unit_of(&self.draft, target);
        let fits = match place {
            Place::After(_) | Place::Before(_) => target_unit == Some(unit),
            Place::Into(_) => match unit {
                Unit::Article | Unit::Annex => {
                    self.draft.clauses[target].kind == ClauseKind::Division
                }
                Unit::Chapter => target_unit == Some(Unit::Part),
                Unit::Part => false,
            },
        };
        if fits {
            return Ok(());
        }
        Err(AmendError::Misplaced {
            target: place.target().to_string(),
            kind: self.describe_kind(target),
            unit: unit.noun(),
            rule: match (place, unit) {
                (Place::Into(_), Unit::Part) => {
                    "a part sits at the top: place it after or before another part"
                }
                (Place::Into(_), Unit::Chapter) => "a chapter goes into a part",
                (Place::Into(_), _) => {
                    "give a part or chapter (or the annexes heading) to place it into"
                }
                _ => "place it after or before one of its kind, or into a part or chapter",
            },
        })
    }

    /// The lines of `treaty.md` that are unit `i`: its include line, or its heading and
    /// what it holds.
    fn front_range(&self, front: &Front, i: usize) -> Result<Range<usize>, AmendError> {
        let c = &self.draft.clauses[i];
        if c.file != 0 {
            let path = &self.draft.files[c.file].path;
            let k = front
                .include_at(path)
                .ok_or(AmendError::BadFile("drafts/treaty.md"))?;
            Ok(k..k + 1)
        } else {
            Ok(front.division(c.line - 1))
        }
    }

    /// The line of `treaty.md` where a `unit` placed at `place` lands: a chapter put into
    /// a part joins its end, an article or annex the end of the division's own list.
    fn landing(
        &self,
        front: &Front,
        unit: Unit,
        place: &Place,
        target: usize,
    ) -> Result<usize, AmendError> {
        Ok(match place {
            Place::After(_) => self.front_range(front, target)?.end,
            Place::Before(_) => self.front_range(front, target)?.start,
            Place::Into(_) => {
                let start = self.draft.clauses[target].line - 1;
                if unit.has_file() {
                    front.list_end(start)
                } else {
                    front.division(start).end
                }
            }
        })
    }

    /// The heading level of a division of `treaty.md` (2 when unknown).
    fn front_level(&self, front: &Front, target: usize) -> usize {
        let line = self.draft.clauses[target].line - 1;
        match self.draft.clauses[target].file {
            0 => front.heading_level(line).unwrap_or(2),
            _ => 2,
        }
    }

    /// The heading level of a part or chapter placed at `place`: its sibling's, or one
    /// below the division it goes into.
    fn place_level(&self, front: &Front, place: &Place, target: usize) -> usize {
        match place {
            Place::Into(_) => self.front_level(front, target) + 1,
            Place::After(_) | Place::Before(_) => self.front_level(front, target),
        }
    }

    /// The heading level article and annex files use (3 when there are none).
    fn unit_heading_level(&self) -> usize {
        self.draft
            .clauses
            .iter()
            .find(|c| matches!(c.kind, ClauseKind::Article | ClauseKind::Annex) && c.file != 0)
            .and_then(|c| match self.draft.files[c.file].blocks[c.block].kind {
                BlockKind::Heading { level, .. } => Some(usize::from(level)),
                _ => None,
            })
            .unwrap_or(3)
    }

    /// Refuses a number another unit of the same kind already has.
    pub(super) fn label_free(
        &self,
        unit: Unit,
        label: &str,
        except: Option<usize>,
    ) -> Result<(), AmendError> {
        let taken = self.draft.clauses.iter().enumerate().find(|&(j, c)| {
            Some(j) != except
                && unit_of(&self.draft, j) == Some(unit)
                && c.label.as_deref().is_some_and(|l| same_label(l, label))
        });
        match taken {
            Some((_, c)) => Err(AmendError::LabelTaken {
                label: label.to_string(),
                clause: c.id.clone().unwrap_or_else(|| c.name()),
            }),
            None => Ok(()),
        }
    }

    fn new_id(&self, id: Option<&str>, title: &str, label: &str) -> Result<String, AmendError> {
        let taken = |id: &str| self.draft.index_of(id).is_some() || self.draft.retired.contains(id);
        match id {
            Some(id) => {
                if !block::is_valid_id(id) {
                    return Err(AmendError::InvalidId(id.into()));
                }
                if taken(id) {
                    return Err(AmendError::IdTaken(id.into()));
                }
                Ok(id.to_string())
            }
            None => {
                let mut base = ids::slug(title);
                if !block::is_valid_id(&base) {
                    base = ids::slug(label);
                }
                let mut candidate = base.clone();
                let mut n = 2;
                while taken(&candidate) {
                    candidate = format!("{base}-{n}");
                    n += 1;
                }
                Ok(candidate)
            }
        }
    }

    pub(super) fn check_delete(&self, unit: Unit, i: usize) -> Result<(), AmendError> {
        let clause = self.draft.clauses[i].id.clone().unwrap_or_default();
        if unit == Unit::Article
            && self
                .draft
                .clauses
                .iter()
                .filter(|c| c.kind == ClauseKind::Article)
                .count()
                == 1
        {
            return Err(AmendError::LastArticle { clause });
        }
        if !unit.has_file() && self.draft.subtree(i).len() > 1 {
            return Err(AmendError::NotEmpty {
                clause,
                unit: unit.noun(),
            });
        }
        Ok(())
    }
}

/// Moves every heading among `lines` `delta` levels deeper (or up, when negative);
/// refused when one would leave the six levels Markdown has.
fn shift_headings(lines: &mut [String], delta: isize) -> Result<(), AmendError> {
    if delta == 0 {
        return Ok(());
    }
    for line in lines.iter_mut() {
        let t = line.trim_start();
        let level = t.chars().take_while(|&c| c == '#').count();
        if level == 0 || !t[level..].starts_with(' ') {
            continue;
        }
        let new = level as isize + delta;
        if !(1..=6).contains(&new) {
            return Err(AmendError::BrokenStructure {
                detail: format!(
                    "`{}` would need heading level {new}, and Markdown has six",
                    t.trim()
                ),
            });
        }
        *line = format!("{}{}", "#".repeat(new as usize), &t[level..]);
    }
    Ok(())
}

/// Two numbers the same, whatever the case and spacing: `Article 4 bis` = `article 4  bis`.
fn same_label(a: &str, b: &str) -> bool {
    let words = |s: &str| {
        s.split_whitespace()
            .map(str::to_lowercase)
            .collect::<Vec<_>>()
    };
    words(a) == words(b)
}

/// An article's, annex's, part's or chapter's number (`Article 3 bis`, `Annex B`, `Part
/// IV`, `Article 12.1`): the unit's word, then letters and digits with `.`, `-` or single
/// spaces between them, and nothing else.
fn check_unit_number(unit: Unit, label: &str) -> Result<(), AmendError> {
    check_label(label)?;
    let number = label[unit.word().len()..].trim();
    let usable = number.chars().next().is_some_and(char::is_alphanumeric)
        && number.chars().last().is_some_and(char::is_alphanumeric)
        && number.chars().count() <= 20
        && number
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | ' '))
        && !number.contains("  ");
    if usable {
        Ok(())
    } else {
        Err(AmendError::BadLabel {
            label: label.to_string(),
        })
    }
}

/// A unit's title: one line of words, nothing that would end its heading or include line.
fn check_title(title: &str) -> Result<(), AmendError> {
    let t = title.trim();
    if t.is_empty()
        || t.chars().count() > 200
        || t.contains(['\n', '[', ']', '{', '}', '#', '(', ')'])
        || t.chars().any(char::is_control)
    {
        return Err(AmendError::BadTitle {
            title: title.to_string(),
        });
    }
    Ok(())
}

/// The error messages a draft already has, so a structural amendment is refused only for
/// problems it would bring.
pub(super) fn errors(draft: &Draft) -> HashSet<String> {
    let mut diags = Vec::new();
    draft.clone().rebuild(&mut diags);
    diags
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.message)
        .collect()
}

#[cfg(test)]
mod tests;
