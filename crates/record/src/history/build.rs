//! Building the history index: walk the first-parent line oldest first, parse only the
//! draft files each commit changed, and record the clause versions that changed.
//!
//! The builder's state is exactly the fold of the records it has produced
//! ([`TextState::apply`]), so an index extended incrementally is the same as one built
//! from scratch.

use std::collections::{HashMap, HashSet};

use git2::{ObjectType, Oid, Repository, Sort};

use super::{
    BracketCounts, ClauseEdit, ClauseVersion, HistoryError, LayoutItem, Record, TextState,
};
use crate::store::Store;
use treaty_text::amendment::Amendment;
use treaty_text::bracket::{self, RefLabels};
use treaty_text::draft::{ClauseKind, Draft, DraftFile, FRONT_FILE};

/// Draft files live under this folder of the repository.
const DRAFTS: &str = "drafts/";

/// The commits on the first-parent line from `head`, oldest first, after `since`
/// (exclusive) when given.
pub(super) fn first_parent_line(
    repo: &Repository,
    head: Oid,
    since: Option<Oid>,
) -> Result<Vec<Oid>, git2::Error> {
    let mut walk = repo.revwalk()?;
    walk.simplify_first_parent()?;
    walk.set_sorting(Sort::REVERSE)?;
    walk.push(head)?;
    if let Some(since) = since {
        walk.hide(since)?;
    }
    walk.collect()
}

/// One record per commit in `commits`, oldest first, each handed to `sink` once applied
/// to `state` (the fold of the records before them). Nothing keeps the records: the
/// sink decides (the index writer encodes each and drops it).
pub(super) fn extend(
    store: &Store,
    commits: &[Oid],
    state: &mut TextState,
    mut sink: impl FnMut(Record),
) -> Result<(), HistoryError> {
    let mut parsed: HashMap<(Oid, String), ParsedFile> = HashMap::new();
    let mut divisions: Option<Containers> = None;
    // Every object read here is read again by nothing else; checking each one's hash on
    // the way in (libgit2's default, which git itself does not do on reads) was a fifth
    // of the build. Turned back on when the build ends, however it ends.
    let _fast = crate::store::FastReads::start();
    // libgit2 keeps up to 16 MiB of delta bases per pack file for as long as some
    // repository has the pack open, and each repository caches the small objects it
    // read: at UN scale that was 73 + 27 MiB of the build's peak, and the delta bases
    // stayed resident in the workbench afterwards (its record stays open). The build
    // reads through a repository of its own, opened afresh every so many commits, so
    // the packs (and both caches) are let go unless someone else holds them.
    let path = store.repo().path().to_path_buf();
    for chunk in commits.chunks(REOPEN_EVERY) {
        let repo = Repository::open(&path)?;
        let mut trees = Trees {
            repo: &repo,
            previous: HashMap::new(),
            current: HashMap::new(),
        };
        for &oid in chunk {
            let record = step(&repo, oid, state, &mut parsed, &mut divisions, &mut trees)?;
            state.apply(&record);
            sink(record);
            trees.next_commit();
            // Blobs are rarely shared between distant commits; keep the cache small.
            if parsed.len() > 256 {
                parsed.clear();
            }
        }
    }
    Ok(())
}

/// How many commits the build reads through one opening of the repository. At UN scale
/// (peak of `treaty log --clause` building the index): 100 → 45 MiB, 500 → 49 MiB,
/// 2,000 → 56 MiB, never reopened → 120 MiB; the time the same within noise.
const REOPEN_EVERY: usize = 500;

/// The trees read for the commit being indexed and for the one before it: a commit's
/// trees are its successor's parent trees, and libgit2 does not cache large trees.
struct Trees<'r> {
    repo: &'r Repository,
    previous: HashMap<Oid, git2::Tree<'r>>,
    current: HashMap<Oid, git2::Tree<'r>>,
}

impl<'r> Trees<'r> {
    fn get(&mut self, id: Oid) -> Result<git2::Tree<'r>, git2::Error> {
        if let Some(t) = self.current.get(&id) {
            return Ok(t.clone());
        }
        let t = match self.previous.remove(&id) {
            Some(t) => t,
            None => self.repo.find_tree(id)?,
        };
        self.current.insert(id, t.clone());
        Ok(t)
    }

    fn next_commit(&mut self) {
        self.previous = std::mem::take(&mut self.current);
    }
}

/// One draft file, parsed: its clauses (with ids) in order and, for `treaty.md`, the
/// layout of clauses and includes.
#[derive(Clone)]
struct ParsedFile {
    clauses: Vec<ClauseVersion>,
    layout: Option<Vec<LayoutItem>>,
}

fn step(
    repo: &Repository,
    oid: Oid,
    state: &TextState,
    cache: &mut HashMap<(Oid, String), ParsedFile>,
    divisions: &mut Option<Containers>,
    trees: &mut Trees<'_>,
) -> Result<Record, HistoryError> {
    let commit = repo.find_commit(oid)?;
    let message = String::from_utf8_lossy(commit.message_bytes()).into_owned();
    let amendment = Amendment::parse(&message);
    let author = commit.author();
    let tree = trees.get(commit.tree_id())?;
    let mut record = Record {
        oid: oid.to_string(),
        amendment,
        author: String::from_utf8_lossy(author.name_bytes()).into_owned(),
        email: String::from_utf8_lossy(author.email_bytes()).into_owned(),
        time: author.when().seconds(),
        offset_minutes: author.when().offset_minutes(),
        summary: String::from_utf8_lossy(commit.summary_bytes().unwrap_or_default()).into_owned(),
        changes: Vec::new(),
        files: Vec::new(),
        layout: None,
    };

    // The new clause lists of every draft file this commit touched, from a walk of the
    // two trees that descends only into folders whose ids differ.
    let parent_tree = match commit.parent_ids().next() {
        Some(p) => Some(trees.get(repo.find_commit(p)?.tree_id())?),
        None => None,
    };
    let mut touched: Vec<(String, Option<Oid>)> = Vec::new();
    let drafts = |t: &git2::Tree<'_>| {
        t.get_name(DRAFTS.trim_end_matches('/'))
            .filter(|e| e.kind() == Some(ObjectType::Tree))
            .map(|e| e.id())
    };
    let old_drafts = parent_tree.as_ref().and_then(drafts);
    let new_drafts = drafts(&tree);
    if old_drafts != new_drafts {
        changed_files(trees, old_drafts, new_drafts, "", &mut touched)?;
    }
    touched.sort();
    let mut new_files: Vec<(String, Option<ParsedFile>)> = Vec::new();
    for (rel, blob) in touched {
        let parsed = match blob {
            Some(blob_id) => match cache.get(&(blob_id, rel.clone())) {
                Some(p) => Some(p.clone()),
                None => {
                    let blob = repo.find_blob(blob_id)?;
                    let text = String::from_utf8_lossy(blob.content());
                    let p = if rel == FRONT_FILE {
                        parse_front(&text)
                    } else {
                        parse_file(&rel, &text)
                    };
                    cache.insert((blob_id, rel.clone()), p.clone());
                    Some(p)
                }
            },
            None => None,
        };
        new_files.push((rel, parsed));
    }
    if new_files.is_empty() {
        return Ok(record);
    }

    // Every clause version the changed files now hold, by id (first one wins on a
    // duplicate id).
    let mut incoming: Vec<ClauseVersion> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    for (_, parsed) in &new_files {
        for c in parsed.iter().flat_map(|p| &p.clauses) {
            if seen.insert(c.id.clone()) {
                incoming.push(c.clone());
            }
        }
    }
    let layout = new_files
        .iter()
        .find(|(rel, _)| rel == FRONT_FILE)
        .map(|(_, p)| {
            p.as_ref()
                .and_then(|p| p.layout.clone())
                .unwrap_or_default()
        });

    // Which division each included file sits in, with the new front file if it changed.
    let kind_of = |id: &str| -> Option<String> {
        incoming
            .iter()
            .find(|c| c.id == id)
            .or_else(|| state.clauses.get(id))
            .map(|c| c.kind.clone())
    };
    // They follow from treaty.md alone: worked out again only when it changed.
    let kind_in_state = |id: &str| state.clauses.get(id).map(|c| c.kind.clone());
    let before = divisions
        .take()
        .unwrap_or_else(|| containers(&state.layout, kind_in_state));
    let (before, containers) = match layout.as_deref() {
        Some(layout) => {
            *divisions = Some(containers(layout, kind_of));
            (Some(before), divisions.as_ref().expect("just set"))
        }
        None => (None, &*divisions.insert(before)),
    };
    for c in &mut incoming {
        if c.file != FRONT_FILE && c.parent.is_none() && is_top_kind(&c.kind) {
            c.parent = containers.get(&c.file).cloned().flatten();
        }
    }
    // An article moved in treaty.md: its heading now sits under another division.
    if layout.is_some() {
        let changed: HashSet<&str> = new_files.iter().map(|(r, _)| r.as_str()).collect();
        for (file, container) in containers {
            // Only files now under another division (or newly included) can have moved.
            if changed.contains(file.as_str())
                || before.as_ref().and_then(|b| b.get(file)) == Some(container)
            {
                continue;
            }
            for id in state.files.get(file).into_iter().flatten() {
                if let Some(c) = state.clauses.get(id)
                    && is_top_kind(&c.kind)
                    && c.file == *file
                    && c.parent != *container
                    && seen.insert(id.clone())
                {
                    let mut moved = c.clone();
                    moved.parent = container.clone();
                    incoming.push(moved);
                }
            }
        }
    }

    let named: HashSet<&str> = record
        .amendment
        .iter()
        .flat_map(|a| a.clauses.iter().map(String::as_str))
        .collect();
    for c in incoming {
        let changed = match state.clauses.get(&c.id) {
            None => true,
            Some(old) => !old.same_content(&c) || (named.contains(c.id.as_str()) && old != &c),
        };
        if changed {
            record.changes.push(ClauseEdit {
                id: c.id.clone(),
                after: Some(c),
            });
        }
    }
    // Clauses that left their file and are in no changed file now: deleted.
    for (rel, _) in &new_files {
        for id in state.files.get(rel).into_iter().flatten() {
            if !seen.contains(id) && state.clauses.contains_key(id) {
                record.changes.push(ClauseEdit {
                    id: id.clone(),
                    after: None,
                });
                seen.insert(id.clone());
            }
        }
    }
    record.files = new_files
        .into_iter()
        .map(|(rel, p)| {
            (
                rel,
                p.map(|p| p.clauses.into_iter().map(|c| c.id).collect()),
            )
        })
        .collect();
    record.layout = layout;
    Ok(record)
}

/// The draft files (paths relative to `drafts/`) that differ between two versions of a
/// folder, with each one's new blob (`None`: gone). Subfolders with the same id in both
/// are skipped unread, so a commit that changes one file costs one path down the tree.
fn changed_files(
    trees: &mut Trees<'_>,
    old: Option<Oid>,
    new: Option<Oid>,
    prefix: &str,
    out: &mut Vec<(String, Option<Oid>)>,
) -> Result<(), git2::Error> {
    let old = old.map(|id| trees.get(id)).transpose()?;
    let new = new.map(|id| trees.get(id)).transpose()?;
    // Folder or file (`None`: a submodule or something else that holds no draft).
    let kind = |e: &git2::TreeEntry<'_>| match e.kind() {
        Some(ObjectType::Tree) => Some(true),
        Some(ObjectType::Blob) => Some(false),
        _ => None,
    };
    let mut visit = |name: &[u8], is_tree: bool, before: Option<Oid>, after: Option<Oid>| {
        if before == after {
            return Ok(());
        }
        let rel = format!("{prefix}{}", String::from_utf8_lossy(name));
        if is_tree {
            changed_files(trees, before, after, &format!("{rel}/"), out)
        } else {
            if rel.ends_with(".md") && includable(&rel) {
                out.push((rel, after));
            }
            Ok(())
        }
    };
    // Both entry lists are in git's order, so one merged pass pairs them up.
    fn entry<'t>(t: &'t Option<git2::Tree<'_>>, i: usize) -> Option<git2::TreeEntry<'t>> {
        t.as_ref().and_then(|t| t.get(i))
    }
    let (mut i, mut j) = (0, 0);
    loop {
        let (a, b) = (entry(&old, i), entry(&new, j));
        let order = match (&a, &b) {
            (None, None) => break,
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (Some(a), Some(b)) => git_order(a, b),
        };
        let (ka, kb) = (a.as_ref().and_then(kind), b.as_ref().and_then(kind));
        match order {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                i += 1;
                j += 1;
            }
        }
        match (order, &a, &b) {
            (std::cmp::Ordering::Equal, Some(a), Some(b)) if ka == kb => {
                if let Some(k) = ka {
                    visit(a.name_bytes(), k, Some(a.id()), Some(b.id()))?;
                }
            }
            _ => {
                if order != std::cmp::Ordering::Greater
                    && let (Some(a), Some(k)) = (&a, ka)
                {
                    visit(a.name_bytes(), k, Some(a.id()), None)?;
                }
                if order != std::cmp::Ordering::Less
                    && let (Some(b), Some(k)) = (&b, kb)
                {
                    visit(b.name_bytes(), k, None, Some(b.id()))?;
                }
            }
        }
    }
    Ok(())
}

/// Git's order of tree entries: by name, a folder's name read with a trailing `/`.
fn git_order(a: &git2::TreeEntry<'_>, b: &git2::TreeEntry<'_>) -> std::cmp::Ordering {
    let slash = |e: &git2::TreeEntry<'_>| (e.kind() == Some(ObjectType::Tree)).then_some(b'/');
    let (sa, sb) = (slash(a), slash(b));
    let name_a = a.name_bytes().iter().chain(sa.iter());
    name_a.cmp(b.name_bytes().iter().chain(sb.iter()))
}

/// Whether `rel` could be named by an include line of treaty.md (the front file itself
/// counts).
fn includable(rel: &str) -> bool {
    !rel.is_empty() && !rel.contains(char::is_whitespace) && !rel.contains(['(', ')', '\\'])
}

fn is_top_kind(kind: &str) -> bool {
    kind == ClauseKind::Article.as_str() || kind == ClauseKind::Annex.as_str()
}

/// Included file → the id of the division (or preamble) it is included under.
type Containers = HashMap<String, Option<String>>;

/// For each included file, the id of the division (or preamble) it is included under.
pub(super) fn containers(
    layout: &[LayoutItem],
    kind_of: impl Fn(&str) -> Option<String>,
) -> HashMap<String, Option<String>> {
    let mut out = HashMap::new();
    let mut container: Option<String> = None;
    for item in layout {
        match item {
            LayoutItem::Clause(id) => {
                if let Some(kind) = kind_of(id)
                    && kind != ClauseKind::Title.as_str()
                    && !kind_has_text(&kind)
                {
                    container = Some(id.clone());
                }
            }
            LayoutItem::Include(file) => {
                out.insert(file.clone(), container.clone());
            }
        }
    }
    out
}

pub(super) fn kind_has_text(kind: &str) -> bool {
    [
        ClauseKind::PreambleParagraph,
        ClauseKind::Paragraph,
        ClauseKind::Point,
    ]
    .iter()
    .any(|k| k.as_str() == kind)
}

/// The clauses of `draft`'s file `file` that have ids, in order.
fn versions(draft: &Draft, file: usize, path: &str) -> Vec<ClauseVersion> {
    let refs = RefLabels::scan(&draft.files[file].text());
    let mut out = Vec::new();
    for (i, c) in draft.clauses.iter().enumerate() {
        if c.file != file {
            continue;
        }
        let Some(id) = &c.id else { continue };
        let parent = c.parent.and_then(|p| draft.clauses[p].id.clone());
        let article = draft
            .article_of(i)
            .and_then(|a| draft.clauses[a].id.clone());
        out.push(ClauseVersion {
            id: id.clone(),
            kind: c.kind.as_str().to_string(),
            label: c.label.clone(),
            title: c.title.clone(),
            text: c.text.clone(),
            parent,
            article,
            file: path.to_string(),
            position: out.len() as u32,
            brackets: if c.kind.has_text() {
                BracketCounts::from_stats(&bracket::parse_with(&c.text, &refs).stats())
            } else {
                BracketCounts::default()
            },
        });
    }
    out
}

fn parse_front(text: &str) -> ParsedFile {
    let mut draft = Draft::default();
    draft.files = vec![DraftFile::parse(FRONT_FILE, text)];
    draft.rebuild(&mut Vec::new());
    let clauses = versions(&draft, 0, FRONT_FILE);
    let by_block: HashMap<usize, &str> = draft
        .clauses
        .iter()
        .filter_map(|c| c.id.as_deref().map(|id| (c.block, id)))
        .collect();
    let mut layout = Vec::new();
    for (bi, b) in draft.files[0].blocks.iter().enumerate() {
        if let treaty_text::draft::BlockKind::Include { target } = &b.kind {
            layout.push(LayoutItem::Include(target.clone()));
        } else if let Some(id) = by_block.get(&bi) {
            layout.push(LayoutItem::Clause(id.to_string()));
        }
    }
    ParsedFile {
        clauses,
        layout: Some(layout),
    }
}

fn parse_file(rel: &str, text: &str) -> ParsedFile {
    let mut draft = Draft::default();
    draft.files = vec![
        DraftFile::parse(FRONT_FILE, &format!("- [{rel}]({rel})\n")),
        DraftFile::parse(rel, text),
    ];
    draft.rebuild(&mut Vec::new());
    ParsedFile {
        clauses: versions(&draft, 1, rel),
        layout: None,
    }
}
