//! The draft: a treaty's text as files of Markdown blocks, and the clause tree read from it.
//!
//! Layout (see README.md): `drafts/treaty.md` holds the title, the preamble, the divisions
//! and the order of articles and annexes (as include lines); each article and annex lives
//! in its own file. Parsing is lossless — every file keeps its exact bytes in
//! [`block::Block`]s — so printing an unedited draft gives back the same bytes, and an
//! edit rewrites only the block it touches.

pub mod block;
pub mod ids;
pub mod source;

use std::collections::BTreeSet;

use foldhash::{HashMap, HashMapExt, HashSet};
use std::path::Path;
use std::sync::OnceLock;

use serde::Serialize;

pub use block::{Block, BlockKind, HeadingRole};
pub use source::{DirSource, ReadError, Source};

use crate::diag::{Diagnostic, LineIndex};

/// The file that holds the title, preamble and order of the instrument.
pub const FRONT_FILE: &str = "treaty.md";
/// Clause ids that were deleted; never given out again.
pub const RETIRED_FILE: &str = "retired-ids";

/// The text of [`RETIRED_FILE`] listing `ids`, one per line.
pub fn retired_file_text<'a>(ids: impl IntoIterator<Item = &'a String>) -> String {
    let mut text = String::from("# Clause ids deleted from the draft: never given out again.\n");
    for id in ids {
        text.push_str(id);
        text.push('\n');
    }
    text
}

/// One Markdown file of the draft, as blocks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DraftFile {
    /// Path relative to `drafts/`, with forward slashes.
    pub path: String,
    pub blocks: Vec<Block>,
}

impl DraftFile {
    pub fn parse(path: impl Into<String>, text: &str) -> Self {
        Self {
            path: path.into(),
            blocks: block::split_blocks(text),
        }
    }

    /// The files an include list (`treaty.md`) names, in order, each with the line and
    /// column of its path.
    pub fn includes(&self) -> impl Iterator<Item = (&str, usize, usize)> {
        self.blocks.iter().filter_map(|b| match &b.kind {
            BlockKind::Include { target } => Some((target.as_str(), b.line, b.prefix.start + 4)),
            _ => None,
        })
    }

    /// The file's bytes: its blocks, concatenated.
    pub fn text(&self) -> String {
        let mut out = String::with_capacity(self.blocks.iter().map(|b| b.raw.len()).sum());
        for b in &self.blocks {
            out.push_str(&b.raw);
        }
        out
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClauseKind {
    Title,
    Preamble,
    PreambleParagraph,
    /// Part, Chapter, Section… and the `Annexes` heading.
    Division,
    Article,
    /// A numbered or unnumbered paragraph.
    Paragraph,
    /// A lettered point, or a roman sub-point under one.
    Point,
    Annex,
    /// A sub-heading (inside an annex, say).
    Heading,
}

impl ClauseKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ClauseKind::Title => "title",
            ClauseKind::Preamble => "preamble",
            ClauseKind::PreambleParagraph => "preamble paragraph",
            ClauseKind::Division => "division",
            ClauseKind::Article => "article",
            ClauseKind::Paragraph => "paragraph",
            ClauseKind::Point => "point",
            ClauseKind::Annex => "annex",
            ClauseKind::Heading => "heading",
        }
    }

    /// Whether the clause carries operative or preambular text (as opposed to a heading).
    pub fn has_text(self) -> bool {
        matches!(
            self,
            ClauseKind::PreambleParagraph | ClauseKind::Paragraph | ClauseKind::Point
        )
    }
}

/// One clause of the draft, in document order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Clause {
    /// The stable id (`None` until `treaty fmt` gives it one).
    pub id: Option<String>,
    pub kind: ClauseKind,
    /// Display number: `Article 4 bis`, `2 bis`, `(a)`, `PP3`, `Part I`.
    pub label: Option<String>,
    /// Heading title (`Global AI Observatory`).
    pub title: Option<String>,
    /// The clause's own text (for headings, empty). Option lines are part of it.
    pub text: String,
    /// Index of the parent clause in [`Draft::clauses`].
    pub parent: Option<usize>,
    pub depth: u8,
    /// Index into [`Draft::files`] (0 is `treaty.md`).
    pub file: usize,
    /// Index of the clause's block in its file.
    pub block: usize,
    /// Option blocks after it (separated by blank lines) that belong to it.
    pub continuation: usize,
    /// 1-based line of the clause in its file.
    pub line: usize,
    /// Bytes of the block's body dropped from the front of `text` (leading line end or
    /// spaces), so offsets in `text` can be mapped back to the file.
    #[serde(skip)]
    pub lead: usize,
}

impl Clause {
    /// `Article 4 bis`, `paragraph 2`, `point (a)`: how a negotiator names it.
    pub fn name(&self) -> String {
        let mut name = String::new();
        self.push_name(&mut name);
        name
    }

    /// [`Clause::name`] written at the end of `out`.
    fn push_name(&self, out: &mut String) {
        match (&self.kind, &self.label) {
            (ClauseKind::Paragraph, Some(l)) => {
                out.push_str("paragraph ");
                out.push_str(l);
            }
            (ClauseKind::Point, Some(l)) => {
                out.push_str("point ");
                out.push_str(l);
            }
            (_, Some(l)) => out.push_str(l),
            (ClauseKind::Title, None) => out.push_str("title"),
            (kind, None) => match &self.title {
                Some(t) if !kind.has_text() => out.push_str(t),
                _ => out.push_str(kind.as_str()),
            },
        }
    }
}

/// A whole instrument: its files and its clause tree.
#[derive(Clone, Debug, Default)]
pub struct Draft {
    /// `treaty.md` first, then every included file in document order.
    pub files: Vec<DraftFile>,
    pub clauses: Vec<Clause>,
    /// Clause index by id (the first clause to bear it): built with the clause tree when
    /// the draft is checked, else on first lookup. A comparison matches clauses on its own
    /// and never needs it: 5,000 ids copied and hashed twice for nothing at UN scale.
    by_id: OnceLock<HashMap<String, usize>>,
    /// Ids retired by deletions (`drafts/retired-ids`).
    pub retired: BTreeSet<String>,
    /// Files `treaty.md` includes that could not be read (path under `drafts/`, why): their
    /// clauses are missing from this draft.
    pub unreadable: Vec<(String, String)>,
}

/// A draft's clauses alone, as [`Draft::load_clauses`] reads them to compare two
/// versions: no blocks outside `treaty.md`, no retired ids. It reads as the [`Draft`] it
/// holds but can never be turned back into one, so it is never amended, checked, exported
/// or written back with what it lacks.
#[derive(Clone, Debug, Default)]
pub struct ClausesOnly(Draft);

impl std::ops::Deref for ClausesOnly {
    type Target = Draft;

    fn deref(&self) -> &Draft {
        &self.0
    }
}

/// A whole draft can always be read as its clauses (the draft on disk, a position).
impl From<Draft> for ClausesOnly {
    fn from(draft: Draft) -> Self {
        ClausesOnly(draft)
    }
}

/// A draft and what was found wrong with it. Problems never stop loading: the draft holds
/// whatever could be read, so a user can still see (and fix) the rest.
#[derive(Debug)]
pub struct Loaded {
    pub draft: Draft,
    pub diagnostics: Vec<Diagnostic>,
}

/// Why a draft could not be loaded at all.
#[derive(Debug, thiserror::Error)]
pub enum DraftError {
    #[error("no draft here: {0} not found (run `treaty init`, or give the negotiation folder)")]
    NoDraft(String),
    #[error("{path}:{line}:{col}: {message}")]
    Unreadable {
        path: String,
        line: usize,
        col: usize,
        message: String,
    },
}

impl Draft {
    /// Loads `drafts/` from a folder on disk.
    pub fn load(drafts_dir: &Path) -> Result<Loaded, DraftError> {
        Self::load_from(&DirSource::new(drafts_dir))
    }

    /// Loads a draft from any source of files (a folder, a git tree).
    pub fn load_from(source: &dyn Source) -> Result<Loaded, DraftError> {
        Self::load_with(source, None)
    }

    /// `treaty.md`, the retired ids and only those included files that `wanted` picks: the
    /// clauses of the others are missing. A change confined to one file (a clause's
    /// wording) reads as it would in the whole draft, at the cost of that file alone.
    /// Diagnostics are not collected: load the whole draft to report them.
    pub fn load_part(
        source: &dyn Source,
        wanted: &dyn Fn(&str) -> bool,
    ) -> Result<Draft, DraftError> {
        Ok(Self::load_with(source, Some(wanted))?.draft)
    }

    /// One included file as a draft of its own, read through a `treaty.md` that includes
    /// only it, with no retired ids: neither is read. Its clauses read as they do in the
    /// whole draft (ids, kinds, labels, text: an article's or annex's number is in its own
    /// heading), only without the divisions above them; `treaty.md`'s clauses and those
    /// of other files are missing. For a change known to stay inside that file (a
    /// clause's wording), at the cost of that file alone.
    pub fn load_file_alone(source: &dyn Source, target: &str) -> Result<Draft, DraftError> {
        struct Alone<'a> {
            source: &'a dyn Source,
            front: String,
        }
        impl Source for Alone<'_> {
            fn read(&self, rel: &str) -> Result<String, ReadError> {
                match rel {
                    FRONT_FILE => Ok(self.front.clone()),
                    RETIRED_FILE => Err(ReadError::Missing),
                    _ => self.source.read(rel),
                }
            }
        }
        // The link's text is a plain word: a target is read back whole whatever it holds
        // up to its closing parenthesis, as from any include line.
        let alone = Alone {
            source,
            front: format!("- [file]({target})\n"),
        };
        Self::load_part(&alone, &|_| true)
    }

    fn load_with(
        source: &dyn Source,
        wanted: Option<&dyn Fn(&str) -> bool>,
    ) -> Result<Loaded, DraftError> {
        let mut diags = Vec::new();
        let mut files = vec![read_front(source)?];
        // Read every included file, in order.
        let mut seen: HashMap<String, (usize, usize)> = HashMap::new();
        let mut unreadable = Vec::new();
        let includes: Vec<(String, usize, usize)> = files[0]
            .includes()
            .map(|(target, line, col)| (target.to_string(), line, col))
            .collect();
        for (target, line, col) in includes {
            if let Some(&(first, _)) = seen.get(&target) {
                diags.push(
                    Diagnostic::error(
                        format!("drafts/{FRONT_FILE}"),
                        line,
                        col,
                        format!("{target} is included twice (first on line {first})"),
                    )
                    .with_help("an article or annex appears once; remove one of the lines"),
                );
                continue;
            }
            seen.insert(target.clone(), (line, col));
            if wanted.is_some_and(|w| !w(&target)) {
                continue;
            }
            match source.read(&target) {
                Ok(text) => files.push(DraftFile::parse(target, &text)),
                Err(e) => {
                    diags.push(match e.location() {
                        Some((l, c)) => e.diagnostic(&format!("drafts/{target}"), l, c),
                        None => e
                            .diagnostic(&format!("drafts/{FRONT_FILE}"), line, col)
                            .with_context(&target),
                    });
                    if e != ReadError::Missing {
                        unreadable.push((format!("drafts/{target}"), e.to_string()));
                    }
                }
            }
        }
        // Every article and annex file is placed by treaty.md: a file it does not include
        // is text that belongs to no article or annex.
        for dir in ["articles", "annexes"] {
            if wanted.is_some() {
                break;
            }
            for rel in source.list_markdown(dir) {
                if !seen.contains_key(&rel) {
                    diags.push(
                        Diagnostic::error(
                            format!("drafts/{rel}"),
                            1,
                            1,
                            format!("drafts/{FRONT_FILE} does not include this file, so its text is in no article or annex"),
                        )
                        .with_help(format!(
                            "add `- [Article N. Title]({rel})` to drafts/{FRONT_FILE} where it belongs, or delete the file"
                        )),
                    );
                }
            }
        }
        let mut draft = Draft {
            files,
            retired: read_retired(source),
            unreadable,
            ..Draft::default()
        };
        draft.rebuild(&mut diags);
        Ok(Loaded {
            draft,
            diagnostics: diags,
        })
    }

    /// The clauses of a draft, for reading and comparing versions (`treaty diff`): each
    /// included file is built into clauses as soon as it is read, and its blocks are let
    /// go, so no more than one file's are held at a time. `wanted` picks the included files
    /// to read, as for [`Draft::load_part`].
    ///
    /// Clauses, ids, references and unreadable files are those [`Draft::load_part`] (or,
    /// without `wanted`, [`Draft::load_from`]) gives. The files keep their paths but, save
    /// `treaty.md`, not their blocks; retired ids are not read (a comparison never looks
    /// at them: at UN scale their file is read through a chain of fifty deltas) and
    /// diagnostics are not collected. Hence [`ClausesOnly`]: such a draft is read, never
    /// amended, checked or written back.
    pub fn load_clauses(
        source: &dyn Source,
        wanted: Option<&dyn Fn(&str) -> bool>,
    ) -> Result<ClausesOnly, DraftError> {
        let front = read_front(source)?;
        // A file included twice is built twice, as `rebuild` builds it: its blocks are kept
        // until its last include line.
        let mut lines_left: HashMap<&str, usize> = HashMap::new();
        for (target, _, _) in front.includes() {
            *lines_left.entry(target).or_default() += 1;
        }
        let mut files = vec![DraftFile {
            path: FRONT_FILE.to_string(),
            blocks: Vec::new(),
        }];
        let mut index: HashMap<&str, usize> = HashMap::new();
        let mut seen: HashSet<&str> = HashSet::default();
        let mut unreadable = Vec::new();
        let mut builder = TreeBuilder::default();
        let mut ignored = Vec::new();
        for (bi, block) in front.blocks.iter().enumerate() {
            let BlockKind::Include { target } = &block.kind else {
                builder.block(0, bi, block, true, &mut ignored, FRONT_FILE);
                continue;
            };
            // A file is read at its first include line (if wanted); a later one builds it
            // again if it could be read, as `rebuild` does.
            let fi = match index.get(target.as_str()) {
                Some(&fi) => fi,
                None => {
                    let first = seen.insert(target);
                    if !first || wanted.is_some_and(|w| !w(target)) {
                        continue;
                    }
                    match source.read(target) {
                        Ok(text) => {
                            files.push(DraftFile::parse(target.as_str(), &text));
                            index.insert(target, files.len() - 1);
                            files.len() - 1
                        }
                        Err(e) => {
                            if e != ReadError::Missing {
                                unreadable.push((format!("drafts/{target}"), e.to_string()));
                            }
                            continue;
                        }
                    }
                }
            };
            let file = &files[fi];
            builder.enter_file();
            for (bj, b) in file.blocks.iter().enumerate() {
                builder.block(fi, bj, b, false, &mut ignored, &file.path);
            }
            builder.leave_file();
            let left = lines_left.get_mut(target.as_str()).expect("counted above");
            *left -= 1;
            if *left == 0 {
                files[fi].blocks = Vec::new();
            }
        }
        files[0].blocks = front.blocks;
        Ok(ClausesOnly(Draft {
            files,
            clauses: builder.clauses,
            by_id: OnceLock::new(),
            retired: BTreeSet::new(),
            unreadable,
        }))
    }

    /// Parses a draft held entirely in memory: `treaty.md`'s text and the included files.
    pub fn from_texts(front: &str, files: &[(&str, &str)]) -> Loaded {
        let map: std::collections::HashMap<&str, &str> = files.iter().copied().collect();
        let source = source::MapSource { front, files: map };
        Self::load_from(&source).unwrap_or_else(|e| Loaded {
            draft: Draft::default(),
            diagnostics: vec![Diagnostic::error("drafts/treaty.md", 1, 1, e.to_string())],
        })
    }

    /// Re-derives the clause tree from the files (after an edit).
    pub fn rebuild(&mut self, diags: &mut Vec<Diagnostic>) {
        self.clauses.clear();
        self.by_id = OnceLock::new();
        let mut builder = TreeBuilder::default();
        // At most one clause a block: the clauses are never moved as they grow.
        builder
            .clauses
            .reserve(self.files.iter().map(|f| f.blocks.len()).sum());
        let mut file_index: HashMap<&str, usize> = HashMap::new();
        for (i, f) in self.files.iter().enumerate().skip(1) {
            file_index.insert(f.path.as_str(), i);
        }
        // The front file drives the order; each include splices its file in.
        let front = &self.files[0];
        for (bi, block) in front.blocks.iter().enumerate() {
            if let BlockKind::Include { target } = &block.kind {
                if let Some(&fi) = file_index.get(target.as_str()) {
                    builder.enter_file();
                    for (bj, b) in self.files[fi].blocks.iter().enumerate() {
                        builder.block(fi, bj, b, false, diags, &self.files[fi].path);
                    }
                    builder.leave_file();
                }
            } else {
                builder.block(0, bi, block, true, diags, FRONT_FILE);
            }
        }
        self.clauses = builder.clauses;
        // Every file must say what it is: a title for treaty.md, a heading for the others.
        if !self.clauses.iter().any(|c| c.kind == ClauseKind::Title) {
            diags.push(
                Diagnostic::error(
                    format!("drafts/{FRONT_FILE}"),
                    1,
                    1,
                    "the draft has no title",
                )
                .with_help("start drafts/treaty.md with `# <title of the instrument> {#treaty}`"),
            );
        }
        let mut headed = vec![false; self.files.len()];
        let article_files: HashSet<usize> = self
            .clauses
            .iter()
            .filter(|c| c.kind == ClauseKind::Article)
            .map(|c| c.file)
            .collect();
        for c in &self.clauses {
            if c.file == 0 {
                continue;
            }
            // treaty.md gives the order of articles and annexes and of the divisions they
            // sit in, one included file per article or annex: a second article heading,
            // or a Part heading, inside a file is structure treaty.md does not describe.
            let extra = match c.kind {
                ClauseKind::Article | ClauseKind::Annex if headed[c.file] => {
                    Some("a second article or annex heading")
                }
                // Annexes may have sections of their own; an article may not.
                ClauseKind::Division if article_files.contains(&c.file) => {
                    Some("a division heading")
                }
                _ => None,
            };
            if let Some(what) = extra {
                let heading = format!(
                    "{}{}",
                    c.label.as_deref().unwrap_or(""),
                    c.title
                        .as_deref()
                        .map(|t| format!(". {t}"))
                        .unwrap_or_default()
                );
                diags.push(
                    Diagnostic::error(
                        self.display_path(c.file),
                        c.line,
                        1,
                        format!(
                            "{what} (`{heading}`) in a file that drafts/{FRONT_FILE} includes for one article or annex: the structure differs from {FRONT_FILE}'s order"
                        ),
                    )
                    .with_help(format!(
                        "move it into a file of its own and include that file from drafts/{FRONT_FILE} (divisions belong in {FRONT_FILE})"
                    )),
                );
            }
            if matches!(c.kind, ClauseKind::Article | ClauseKind::Annex) {
                headed[c.file] = true;
            }
        }
        for (fi, f) in self.files.iter().enumerate().skip(1) {
            if !headed[fi] {
                diags.push(
                    Diagnostic::error(
                        self.display_path(fi),
                        1,
                        1,
                        "no `Article` or `Annex` heading in this file",
                    )
                    .with_help("start the file with e.g. `### Article 4. Title {#id}`"),
                );
            }
            let _ = f;
        }
        // Ids: unique, and reported where they repeat.
        let mut by_id: HashMap<String, usize> = HashMap::with_capacity(self.clauses.len());
        for (i, c) in self.clauses.iter().enumerate() {
            let Some(id) = &c.id else { continue };
            if let Some(&prev) = by_id.get(id) {
                let p = &self.clauses[prev];
                let (line, col) = self.id_position(i);
                diags.push(
                    Diagnostic::error(
                        self.display_path(c.file),
                        line,
                        col,
                        format!(
                            "duplicate clause id `{id}` (first used at {}:{})",
                            self.display_path(p.file),
                            p.line
                        ),
                    )
                    .with_help(
                        "give this clause another id, or remove the id and run `treaty fmt`",
                    ),
                );
            } else {
                by_id.insert(id.clone(), i);
            }
        }
        self.by_id = OnceLock::from(by_id);
        // Malformed id attributes: `{#…}` at a line end that is not a valid id.
        for (fi, file) in self.files.iter().enumerate() {
            for b in &file.blocks {
                if b.id.is_some() {
                    continue;
                }
                let first = b.raw.lines().next().unwrap_or("").trim_end();
                if let Some(open) = first.rfind("{#")
                    && first.ends_with('}')
                {
                    let col = first[..open].chars().count() + 1;
                    diags.push(
                        Diagnostic::error(
                            self.display_path(fi),
                            b.line,
                            col,
                            format!("malformed clause id `{}`", &first[open..]),
                        )
                        .with_help(
                            "ids use letters, digits, `-`, `_` and `.`, e.g. `{#observatory.2}`",
                        ),
                    );
                }
            }
        }
    }

    /// Re-derives the clause tree after an edit confined to file `fi` (its blocks already
    /// re-split): only that file's clauses are built again, the clauses after it shift.
    /// The result is exactly what [`Draft::rebuild`] gives; when the file's clauses cannot be
    /// rebuilt on their own (the front file, a division heading in an article file, a file
    /// included twice, duplicate ids) it falls back to the full rebuild. Diagnostics are not
    /// collected: load the draft again to report them.
    pub fn rebuild_file(&mut self, fi: usize) {
        if !self.try_rebuild_file(fi) {
            self.rebuild(&mut Vec::new());
        }
    }

    fn try_rebuild_file(&mut self, fi: usize) -> bool {
        if fi == 0 || fi >= self.files.len() {
            return false;
        }
        // Headings that open or close divisions change the builder's state for the files
        // after this one.
        let front_level = |b: &Block| {
            matches!(
                b.kind,
                BlockKind::Heading {
                    role: HeadingRole::Preamble | HeadingRole::Division | HeadingRole::AnnexList,
                    ..
                }
            )
        };
        if self.files[fi].blocks.iter().any(front_level) {
            return false;
        }
        let Some(start) = self.clauses.iter().position(|c| c.file == fi) else {
            return false;
        };
        let end = start
            + self.clauses[start..]
                .iter()
                .take_while(|c| c.file == fi)
                .count();
        if self.clauses[end..].iter().any(|c| c.file == fi)
            || self.clauses[start..end]
                .iter()
                .any(|c| matches!(c.kind, ClauseKind::Preamble | ClauseKind::Division))
        {
            return false;
        }
        // With no duplicate ids, `by_id` maps every id to its only clause and can be
        // patched; otherwise the first-occurrence rule needs the full pass.
        let with_ids = self.clauses.iter().filter(|c| c.id.is_some()).count();
        self.id_index();
        let by_id = self.by_id.get_mut().expect("just built");
        if with_ids != by_id.len() {
            return false;
        }
        // The first clause of a file hangs from the enclosing division, as in `rebuild`.
        let container = self.clauses[start].parent;
        let mut clauses = std::mem::take(&mut self.clauses);
        let mut tail = clauses.split_off(end);
        let old: Vec<Clause> = clauses.split_off(start);
        let mut builder = TreeBuilder {
            clauses,
            divisions: container.map(|c| (c, 0)).into_iter().collect(),
            ..TreeBuilder::default()
        };
        let file = &self.files[fi];
        let mut diags = Vec::new();
        builder.enter_file();
        for (bj, b) in file.blocks.iter().enumerate() {
            builder.block(fi, bj, b, false, &mut diags, &file.path);
        }
        builder.leave_file();
        let mut clauses = builder.clauses;
        let new_end = clauses.len();
        for (k, c) in old.iter().enumerate() {
            if let Some(id) = &c.id
                && by_id.get(id) == Some(&(start + k))
            {
                by_id.remove(id);
            }
        }
        for (k, c) in tail.iter_mut().enumerate() {
            if let Some(p) = c.parent.as_mut()
                && *p >= end
            {
                *p = *p + new_end - end;
            }
            if new_end != end
                && let Some(id) = &c.id
                && let Some(v) = by_id.get_mut(id)
            {
                *v = new_end + k;
            }
        }
        let mut clash = false;
        for (k, c) in clauses[start..].iter().enumerate() {
            if let Some(id) = &c.id
                && by_id.insert(id.clone(), start + k).is_some()
            {
                clash = true;
            }
        }
        clauses.append(&mut tail);
        self.clauses = clauses;
        // A new id that is already used elsewhere: the full pass decides which one wins.
        !clash
    }

    /// The path to show for file `i`, relative to the negotiation folder.
    pub fn display_path(&self, file: usize) -> String {
        format!("drafts/{}", self.files[file].path)
    }

    /// Line and column of clause `i`'s id attribute (or of the clause).
    pub fn id_position(&self, i: usize) -> (usize, usize) {
        let c = &self.clauses[i];
        let b = &self.files[c.file].blocks[c.block];
        match &b.id_attr {
            Some(attr) => {
                let first = &b.raw[..attr.end];
                let col = first[first.rfind('\n').map_or(0, |n| n + 1)..]
                    .chars()
                    .count()
                    - b.raw[attr.clone()].trim_start().chars().count()
                    + 1;
                (b.line, col)
            }
            None => (b.line, 1),
        }
    }

    /// File, line and column of byte `offset` in clause `i`'s text — for problems found
    /// inside the text, such as an unclosed bracket.
    pub fn text_position(&self, i: usize, offset: usize) -> (String, usize, usize) {
        let c = &self.clauses[i];
        // The text may run over continuation blocks; find which one holds the offset.
        let mut remaining = offset + c.lead;
        for k in 0..=c.continuation {
            let b = &self.files[c.file].blocks[c.block + k];
            let body_len = b.body().len();
            if remaining <= body_len || k == c.continuation {
                let raw_offset = b.body_offset_to_raw(remaining.min(body_len));
                let (line, col) = LineIndex::new(&b.raw).line_col(raw_offset);
                return (self.display_path(c.file), b.line + line - 1, col);
            }
            // One `\n` joins a block's text to the next one's.
            remaining -= body_len + 1;
        }
        (self.display_path(c.file), c.line, 1)
    }

    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.id_index().get(id).copied()
    }

    /// [`Draft::by_id`], built if it was not: each id names the first clause bearing it.
    fn id_index(&self) -> &HashMap<String, usize> {
        self.by_id.get_or_init(|| {
            let mut by_id = HashMap::with_capacity(self.clauses.len());
            for (i, c) in self.clauses.iter().enumerate() {
                if let Some(id) = &c.id {
                    by_id.entry(id.clone()).or_insert(i);
                }
            }
            by_id
        })
    }

    pub fn clause(&self, id: &str) -> Option<&Clause> {
        self.index_of(id).map(|i| &self.clauses[i])
    }

    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.clauses.iter().filter_map(|c| c.id.as_deref())
    }

    /// The known id closest to `id`, for "did you mean" messages.
    pub fn suggest(&self, id: &str) -> Option<&str> {
        crate::suggest::nearest(id, self.ids())
    }

    /// The clauses directly under clause `i`.
    pub fn children(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        self.clauses
            .iter()
            .enumerate()
            .skip(i + 1)
            .take_while(move |(_, c)| c.depth > self.clauses[i].depth)
            .filter(move |(_, c)| c.parent == Some(i))
            .map(|(j, _)| j)
    }

    /// Clause `i` and everything under it, in document order.
    pub fn subtree(&self, i: usize) -> std::ops::Range<usize> {
        let depth = self.clauses[i].depth;
        let end = self.clauses[i + 1..]
            .iter()
            .position(|c| c.depth <= depth)
            .map_or(self.clauses.len(), |p| i + 1 + p);
        i..end
    }

    /// The chain of ancestors of clause `i`, outermost first.
    pub fn ancestors(&self, i: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut cur = self.clauses[i].parent;
        while let Some(p) = cur {
            out.push(p);
            cur = self.clauses[p].parent;
        }
        out.reverse();
        out
    }

    /// Clause `i`'s line cut out of the draft: the title, the clauses above it, itself and
    /// everything under it, each with the whole file it sits in. Those clauses read here
    /// exactly as in the draft, and a change to them does what it does there, at the cost
    /// of a few files rather than all of them (one clause's column of the matrix applies
    /// 198 positions).
    pub fn excerpt(&self, i: usize) -> Draft {
        let line: Vec<usize> = self
            .ancestors(i)
            .into_iter()
            .chain(self.subtree(i))
            .chain(
                self.clauses
                    .iter()
                    .position(|c| c.kind == ClauseKind::Title),
            )
            .collect();
        let files: BTreeSet<usize> = line.iter().map(|&j| self.clauses[j].file).collect();
        let paths: HashSet<&str> = files.iter().map(|&f| self.files[f].path.as_str()).collect();
        let front_blocks: HashSet<usize> = line
            .iter()
            .map(|&j| &self.clauses[j])
            .filter(|c| c.file == 0)
            .flat_map(|c| c.block..=c.block + c.continuation)
            .collect();
        let front = DraftFile {
            path: self.files[0].path.clone(),
            blocks: (self.files[0].blocks.iter().enumerate())
                .filter(|(bi, b)| match &b.kind {
                    BlockKind::Include { target } => paths.contains(target.as_str()),
                    _ => front_blocks.contains(bi),
                })
                .map(|(_, b)| b.clone())
                .collect(),
        };
        let mut excerpt = Draft {
            files: std::iter::once(front)
                .chain(
                    files
                        .iter()
                        .filter(|&&f| f != 0)
                        .map(|&f| self.files[f].clone()),
                )
                .collect(),
            retired: self.retired.clone(),
            ..Draft::default()
        };
        excerpt.rebuild(&mut Vec::new());
        excerpt
    }

    /// The nearest enclosing article or annex of clause `i` (itself if it is one).
    pub fn article_of(&self, i: usize) -> Option<usize> {
        std::iter::once(i)
            .chain(self.ancestors(i).into_iter().rev())
            .find(|&j| {
                matches!(
                    self.clauses[j].kind,
                    ClauseKind::Article | ClauseKind::Annex
                )
            })
    }

    /// A full reference such as `Article 9 bis, paragraph 2 (a)`.
    pub fn reference(&self, i: usize) -> String {
        // Written into one string, outermost first, without listing the ancestors: a
        // comparison names every clause it reports.
        let mut out = String::with_capacity(64);
        self.push_reference(i, i, &mut out, &mut true);
        out
    }

    /// The part of clause `i`'s reference that `j` (`i` or one of its ancestors) and the
    /// clauses above it make, written at the end of `out`.
    fn push_reference(&self, j: usize, i: usize, out: &mut String, first: &mut bool) {
        let c = &self.clauses[j];
        if let Some(parent) = c.parent {
            self.push_reference(parent, i, out, first);
        }
        let named = match c.kind {
            ClauseKind::Article
            | ClauseKind::Annex
            | ClauseKind::Paragraph
            | ClauseKind::Point
            | ClauseKind::PreambleParagraph => true,
            _ => j == i,
        };
        if !named {
            return;
        }
        if !*first {
            out.push_str(", ");
        }
        *first = false;
        match (&c.kind, &c.label) {
            (ClauseKind::PreambleParagraph, Some(label)) => out.push_str(label),
            _ => c.push_name(out),
        }
    }
}

/// `treaty.md`, parsed: a draft without one is no draft.
fn read_front(source: &dyn Source) -> Result<DraftFile, DraftError> {
    match source.read(FRONT_FILE) {
        Ok(text) => Ok(DraftFile::parse(FRONT_FILE, &text)),
        Err(ReadError::Missing) => Err(DraftError::NoDraft(format!("drafts/{FRONT_FILE}"))),
        Err(e) => {
            let (line, col) = e.location().unwrap_or((1, 1));
            Err(DraftError::Unreadable {
                path: format!("drafts/{FRONT_FILE}"),
                line,
                col,
                message: e.to_string(),
            })
        }
    }
}

/// The ids deletions retired ([`RETIRED_FILE`]), one a line; none without the file.
fn read_retired(source: &dyn Source) -> BTreeSet<String> {
    match source.read(RETIRED_FILE) {
        Ok(text) => text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(String::from)
            .collect(),
        Err(_) => BTreeSet::new(),
    }
}

/// Builds the clause tree from a stream of blocks.
#[derive(Default)]
struct TreeBuilder {
    clauses: Vec<Clause>,
    /// Open containers: (clause index, heading level) — preamble, divisions.
    divisions: Vec<(usize, u8)>,
    in_preamble: bool,
    /// The current article or annex (within an included file).
    article: Option<usize>,
    /// The current sub-heading inside an annex.
    subheading: Option<usize>,
    /// The last paragraph, and the last lettered point under it.
    paragraph: Option<usize>,
    letter_point: Option<usize>,
    /// The value of the last roman sub-point under the current lettered point.
    last_numeral: Option<u32>,
    last_clause: Option<usize>,
}

impl TreeBuilder {
    fn enter_file(&mut self) {
        self.article = None;
        self.subheading = None;
        self.paragraph = None;
        self.letter_point = None;
        self.last_clause = None;
    }

    fn leave_file(&mut self) {
        self.enter_file();
    }

    fn container(&self) -> Option<usize> {
        self.divisions.last().map(|&(i, _)| i)
    }

    fn push(
        &mut self,
        kind: ClauseKind,
        parent: Option<usize>,
        file: usize,
        bi: usize,
        b: &Block,
    ) -> usize {
        let depth = parent.map_or(0, |p| self.clauses[p].depth + 1);
        let (text, lead) = if kind.has_text() {
            let mut body = b.body();
            let lead = body.len() - body.trim_start().len();
            body.drain(..lead);
            (body, lead)
        } else {
            (String::new(), 0)
        };
        self.clauses.push(Clause {
            id: b.id().map(String::from),
            kind,
            label: b.label().map(String::from),
            title: b.title().map(String::from),
            text,
            parent,
            depth,
            file,
            block: bi,
            continuation: 0,
            line: b.line,
            lead,
        });
        let i = self.clauses.len() - 1;
        self.last_clause = Some(i);
        i
    }

    fn block(
        &mut self,
        file: usize,
        bi: usize,
        b: &Block,
        front: bool,
        diags: &mut Vec<Diagnostic>,
        path: &str,
    ) {
        match &b.kind {
            BlockKind::Blank
            | BlockKind::Definition
            | BlockKind::Html
            | BlockKind::Include { .. } => {}
            BlockKind::Options => match self.last_clause {
                Some(i) if self.clauses[i].file == file && self.clauses[i].kind.has_text() => {
                    let c = &mut self.clauses[i];
                    c.continuation = bi - c.block;
                    c.text.push('\n');
                    c.text.push_str(&b.body());
                }
                _ => diags.push(
                    Diagnostic::warning(
                        format!("drafts/{path}"),
                        b.line,
                        1,
                        "options with no paragraph above them",
                    )
                    .with_help("put the options right after the numbered paragraph they belong to"),
                ),
            },
            BlockKind::Heading { level, role } => self.heading(file, bi, b, *level, *role, front),
            BlockKind::Paragraph | BlockKind::Text => {
                let kind = if self.in_preamble && front {
                    ClauseKind::PreambleParagraph
                } else {
                    ClauseKind::Paragraph
                };
                let parent = if front {
                    self.container()
                } else {
                    self.subheading.or(self.article).or(self.container())
                };
                let i = self.push(kind, parent, file, bi, b);
                self.paragraph = Some(i);
                self.letter_point = None;
                self.last_numeral = None;
            }
            BlockKind::Point => {
                let label = b.label().unwrap_or("");
                let numeral = roman_value(label.trim_matches(['(', ')']));
                let follows_letter = self
                    .letter_point
                    .and_then(|p| self.clauses[p].label.as_deref())
                    .map(|l| is_next_letter(l, label))
                    .unwrap_or(false);
                // A sub-list starts at `(i)` under a lettered point (unless `(i)` follows
                // `(h)`) and goes on only with the next numeral, so `(c)` after `(a)` stays
                // a letter.
                let sub = self.letter_point.is_some()
                    && match (numeral, self.last_numeral) {
                        (Some(1), _) => !follows_letter,
                        (Some(n), Some(prev)) => n == prev + 1,
                        _ => false,
                    };
                self.last_numeral = if sub { numeral } else { None };
                let parent = if sub {
                    self.letter_point
                } else {
                    self.paragraph
                        .or(self.subheading)
                        .or(self.article)
                        .or(self.container())
                };
                let i = self.push(ClauseKind::Point, parent, file, bi, b);
                if !sub {
                    self.letter_point = Some(i);
                }
            }
        }
    }

    fn heading(
        &mut self,
        file: usize,
        bi: usize,
        b: &Block,
        level: u8,
        role: HeadingRole,
        front: bool,
    ) {
        self.paragraph = None;
        self.letter_point = None;
        match role {
            HeadingRole::Article | HeadingRole::Annex if !front => {
                let kind = if role == HeadingRole::Article {
                    ClauseKind::Article
                } else {
                    ClauseKind::Annex
                };
                let parent = self.container();
                self.article = Some(self.push(kind, parent, file, bi, b));
                self.subheading = None;
            }
            HeadingRole::Other | HeadingRole::Title if !front => {
                let parent = self.article.or(self.container());
                self.subheading = Some(self.push(ClauseKind::Heading, parent, file, bi, b));
            }
            _ => {
                // Front-file headings open containers; a new heading closes those at its
                // level or deeper.
                while let Some(&(_, l)) = self.divisions.last() {
                    if l >= level {
                        self.divisions.pop();
                    } else {
                        break;
                    }
                }
                let kind = match role {
                    HeadingRole::Title => ClauseKind::Title,
                    HeadingRole::Preamble => ClauseKind::Preamble,
                    HeadingRole::Article => ClauseKind::Article,
                    HeadingRole::Annex => ClauseKind::Annex,
                    HeadingRole::Other => ClauseKind::Heading,
                    HeadingRole::Division | HeadingRole::AnnexList => ClauseKind::Division,
                };
                self.in_preamble = role == HeadingRole::Preamble;
                let i = self.push(kind, self.container(), file, bi, b);
                if kind != ClauseKind::Title {
                    self.divisions.push((i, level));
                }
                self.article = None;
                self.subheading = None;
            }
        }
    }
}

/// `n` as an upper-case roman numeral (`14` → `XIV`); 0 and numbers from 4000 up stay
/// decimal.
pub fn roman(mut n: usize) -> String {
    if n == 0 || n >= 4000 {
        return n.to_string();
    }
    let mut s = String::new();
    for (value, digits) in [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ] {
        while n >= value {
            s.push_str(digits);
            n -= value;
        }
    }
    s
}

/// The value of a lower-case roman numeral (`iv` → 4), if `s` is one.
fn roman_value(s: &str) -> Option<u32> {
    if s.is_empty() || !s.chars().all(|c| "ivxlc".contains(c)) {
        return None;
    }
    let digit = |c| match c {
        'i' => 1,
        'v' => 5,
        'x' => 10,
        'l' => 50,
        _ => 100,
    };
    let values: Vec<u32> = s.chars().map(digit).collect();
    let mut total: i64 = 0;
    for (k, &v) in values.iter().enumerate() {
        match values.get(k + 1) {
            Some(&next) if next > v => total -= v as i64,
            _ => total += v as i64,
        }
    }
    u32::try_from(total).ok().filter(|&t| t > 0)
}

/// Whether point label `next` follows `prev` alphabetically: `(h)` → `(i)`.
fn is_next_letter(prev: &str, next: &str) -> bool {
    let p = prev.trim_matches(['(', ')']);
    let n = next.trim_matches(['(', ')']);
    match (p.as_bytes(), n.as_bytes()) {
        ([a], [b]) => *b == a + 1,
        _ => false,
    }
}

#[cfg(test)]
mod tests;
