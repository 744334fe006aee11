//! A negotiation folder as a whole: the draft, the delegations' positions, tiers and annex
//! proposals, read together and checked against each other.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::annex::AnnexRegister;
use crate::diag::{Diagnostic, Diagnostics};
use crate::draft::{ClauseKind, Draft, DraftError};
use crate::position::{Position, Stance};
use crate::ronfile::{self, FORMAT_VERSION};
use crate::suggest::{self, nearest};
use crate::tiers::Tiers;

pub const DRAFTS_DIR: &str = "drafts";
pub const POSITIONS_DIR: &str = "positions";
pub const THEMES_DIR: &str = "themes";
pub const TIERS_FILE: &str = "drafts/tiers.ron";
pub const ANNEXES_FILE: &str = "drafts/annexes.ron";

/// Everything in one negotiation folder.
#[derive(Debug, Clone)]
pub struct Negotiation {
    pub root: PathBuf,
    pub draft: Draft,
    /// Keyed by delegation code.
    pub positions: BTreeMap<String, Position>,
    /// Where each position was read from (relative to `root`).
    pub position_files: BTreeMap<String, PathBuf>,
    pub tiers: Option<Tiers>,
    pub annexes: Option<AnnexRegister>,
    /// Delegation codes (from file names) of position files that could not be read.
    pub unreadable_positions: Vec<String>,
}

/// A negotiation and everything found wrong with it.
#[derive(Debug)]
pub struct Checked {
    pub negotiation: Negotiation,
    pub diagnostics: Diagnostics,
}

/// Finds the negotiation folder: `start` itself or the nearest folder above it that has
/// `drafts/treaty.md`.
pub fn find_root(start: &Path) -> Option<PathBuf> {
    let start = std::fs::canonicalize(start).ok()?;
    start
        .ancestors()
        .find(|p| p.join(DRAFTS_DIR).join(crate::draft::FRONT_FILE).is_file())
        .map(Path::to_path_buf)
}

impl Negotiation {
    /// Loads and cross-checks the negotiation in `root`.
    pub fn load(root: &Path) -> Result<Checked, DraftError> {
        let loaded = Draft::load(&root.join(DRAFTS_DIR))?;
        // One bracket tree per clause serves every check.
        let trees = crate::analysis::trees(&loaded.draft);
        Ok(Negotiation::load_around(root, loaded, &trees))
    }

    /// Loads the rest of the negotiation in `root` (positions, tiers, annexes) around a
    /// draft already read, and cross-checks the whole. `trees` are the draft's bracket
    /// trees as [`crate::analysis::trees`] gives them, so a caller that has them already
    /// (the workbench draws the outline from them) does not parse the brackets twice.
    pub fn load_around(
        root: &Path,
        loaded: crate::draft::Loaded,
        trees: &[(usize, crate::bracket::Tree)],
    ) -> Checked {
        let mut diags = Diagnostics::default();
        diags.extend(loaded.diagnostics);
        let mut neg = Negotiation {
            root: root.to_path_buf(),
            draft: loaded.draft,
            positions: BTreeMap::new(),
            position_files: BTreeMap::new(),
            tiers: None,
            annexes: None,
            unreadable_positions: Vec::new(),
        };
        let mut texts: HashMap<PathBuf, String> = HashMap::new();
        neg.tiers = load_optional(root, TIERS_FILE, &mut diags, &mut texts);
        neg.annexes = load_optional(root, ANNEXES_FILE, &mut diags, &mut texts);
        neg.load_positions(&mut diags, &mut texts);
        neg.check_roster(&mut diags);
        neg.check_draft(&mut diags, trees);
        neg.check_references(&mut diags, &texts, trees);
        Checked {
            negotiation: neg,
            diagnostics: diags.sorted(),
        }
    }

    fn load_positions(&mut self, diags: &mut Diagnostics, texts: &mut HashMap<PathBuf, String>) {
        let dir = self.root.join(POSITIONS_DIR);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return;
        };
        let mut paths: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "ron"))
            .filter(|p| p.file_stem().is_some_and(|s| s != "roster"))
            .collect();
        paths.sort();
        for path in paths {
            let name = path.file_name().unwrap_or_default();
            let display = Path::new(POSITIONS_DIR).join(name);
            let bytes = match crate::fsutil::read_inside(&dir, Path::new(name)) {
                Ok(bytes) => bytes,
                Err(crate::fsutil::InsideError::Outside(to)) => {
                    diags.push(
                        Diagnostic::error(
                            &display,
                            1,
                            1,
                            format!(
                                "a symbolic link that leads outside positions/ (to {})",
                                to.display()
                            ),
                        )
                        .with_help("replace the link with the position file itself"),
                    );
                    continue;
                }
                Err(_) => continue,
            };
            texts.insert(
                display.clone(),
                String::from_utf8_lossy(&bytes).into_owned(),
            );
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            match Position::from_bytes(&bytes, &display) {
                Ok(p) => {
                    // A file may only speak for the delegation its name gives: a second
                    // file cannot take over another delegation's position.
                    let own = crate::position::file_stem(&p.code);
                    if own != stem.to_ascii_lowercase() {
                        let (line, col) = texts
                            .get(&display)
                            .map_or((1, 1), |t| ronfile::find_field(t, "code"));
                        let genuine = Path::new(POSITIONS_DIR).join(format!("{own}.ron"));
                        diags.push(
                            Diagnostic::error(
                                &display,
                                line,
                                col,
                                format!(
                                    "this file claims to be the position of `{}`, whose position is {}",
                                    p.code,
                                    genuine.display()
                                ),
                            )
                            .with_help(format!(
                                "a position file is named after its delegation's code: rename this file, or correct its `code`; {} stays the position of {}",
                                genuine.display(),
                                p.code
                            )),
                        );
                        self.unreadable_positions.push(stem.to_uppercase());
                        continue;
                    }
                    self.position_files.insert(p.code.clone(), display);
                    self.positions.insert(p.code.clone(), p);
                }
                Err(e) => {
                    diags.push(e.into_diagnostic());
                    self.unreadable_positions.push(stem.to_uppercase());
                }
            }
        }
    }

    /// The roster (`positions/roster.ron`), when there is one: readable, and naming only
    /// delegations that have a position file.
    fn check_roster(&self, diags: &mut Diagnostics) {
        let display = Path::new(crate::roster::ROSTER_FILE);
        let bytes = match crate::fsutil::read_inside(&self.root, display) {
            Ok(bytes) => bytes,
            Err(crate::fsutil::InsideError::Outside(to)) => {
                diags.push(
                    Diagnostic::error(
                        display,
                        1,
                        1,
                        format!(
                            "a symbolic link that leads outside the negotiation (to {})",
                            to.display()
                        ),
                    )
                    .with_help("replace the link with the roster itself"),
                );
                return;
            }
            Err(_) => return,
        };
        match crate::roster::Roster::from_bytes(&bytes, display) {
            Ok(roster) => {
                let known: HashSet<&str> = self.positions.keys().map(String::as_str).collect();
                let text = String::from_utf8_lossy(&bytes);
                diags.extend(roster.check(&text, display, Some(&known)));
            }
            Err(e) => diags.push(e.into_diagnostic()),
        }
    }

    /// Checks inside the draft: bracket problems and missing ids.
    fn check_draft(&self, diags: &mut Diagnostics, trees: &[(usize, crate::bracket::Tree)]) {
        let d = &self.draft;
        for (i, c) in d.clauses.iter().enumerate() {
            if c.id.is_none() {
                diags.push(
                    Diagnostic::warning(
                        d.display_path(c.file),
                        c.line,
                        1,
                        format!("{} has no clause id", d.reference(i)),
                    )
                    .with_help("run `treaty fmt` to give every clause a stable id"),
                );
            }
        }
        for (i, problem) in crate::analysis::bracket_problems(trees) {
            let (path, line, col) = d.text_position(i, problem.offset);
            diags.push(
                Diagnostic::error(path, line, col, problem.message.clone())
                    .with_help("balance the brackets; write `\\[` for a literal bracket"),
            );
        }
    }

    /// Every clause id, delegation, Party and annex named anywhere must exist.
    fn check_references(
        &self,
        diags: &mut Diagnostics,
        texts: &HashMap<PathBuf, String>,
        trees: &[(usize, crate::bracket::Tree)],
    ) {
        let d = &self.draft;
        // A position file that failed to load still names its delegation (by file name), so
        // one broken file does not cascade into "unknown delegation" everywhere.
        let mut delegations: HashSet<&str> = self.positions.keys().map(String::as_str).collect();
        delegations.extend(self.unreadable_positions.iter().map(String::as_str));
        let parties: HashSet<&str> = self
            .tiers
            .iter()
            .flat_map(|t| t.parties.iter().map(|p| p.code.as_str()))
            .collect();
        let annex_ids: Vec<&str> = d
            .clauses
            .iter()
            .filter(|c| c.kind == ClauseKind::Annex)
            .filter_map(|c| c.id.as_deref())
            .collect();
        let tier_numbers: HashSet<u8> = self
            .tiers
            .iter()
            .flat_map(|t| t.tiers.iter().map(|x| x.tier))
            .collect();

        let locate = |file: &Path, value: &str| -> (usize, usize) {
            texts
                .get(file)
                .map_or((1, 1), |t| ronfile::find_string(t, value))
        };
        // An error at the first place `value` is written in `file`.
        let error_at = |file: &Path, value: &str, message: String| -> Diagnostic {
            let (line, col) = locate(file, value);
            Diagnostic::error(file, line, col, message)
        };
        let unknown_clause = |file: &Path, id: &str| -> Diagnostic {
            let mut diag = error_at(file, id, format!("unknown clause id `{id}`"));
            if let Some(s) = d.suggest(id) {
                diag = diag.with_help(suggest::help(s));
            }
            diag
        };
        let unknown = |file: &Path,
                       what: &str,
                       value: &str,
                       known: &mut dyn Iterator<Item = &str>|
         -> Diagnostic {
            let mut diag = error_at(file, value, format!("unknown {what} `{value}`"));
            if let Some(s) = nearest(value, known) {
                diag = diag.with_help(suggest::help(s));
            }
            diag
        };

        for (code, p) in &self.positions {
            let file = &self.position_files[code];
            if p.version != FORMAT_VERSION {
                continue; // already reported when loading
            }
            let mut stated: HashMap<&str, usize> = HashMap::new();
            for cs in &p.clauses {
                if d.index_of(&cs.clause).is_none() {
                    diags.push(unknown_clause(file, &cs.clause));
                }
                let times = stated.entry(cs.clause.as_str()).or_default();
                *times += 1;
                if *times == 2 {
                    let (line, col) = texts
                        .get(file)
                        .map_or((1, 1), |t| ronfile::find_nth_string(t, &cs.clause, 1));
                    diags.push(
                        Diagnostic::warning(
                            file,
                            line,
                            col,
                            format!("a second stance on `{}`: only the first counts", cs.clause),
                        )
                        .with_help("keep one stance per clause (add to its note instead)"),
                    );
                }
                if let Stance::Replace(text) = &cs.stance {
                    for problem in crate::bracket::parse(text).problems {
                        diags.push(error_at(
                            file,
                            &cs.clause,
                            format!(
                                "in the wording proposed for `{}`: {}",
                                cs.clause, problem.message
                            ),
                        ));
                    }
                }
            }
            for ins in &p.inserts {
                if d.index_of(&ins.after).is_none() {
                    diags.push(unknown_clause(file, &ins.after));
                }
            }
            for tp in &p.tiers {
                if self.tiers.is_some() && !parties.contains(tp.party.as_str()) {
                    diags.push(unknown(
                        file,
                        "Party",
                        &tp.party,
                        &mut parties.iter().copied(),
                    ));
                }
                if self.tiers.is_some() && !tier_numbers.contains(&tp.tier) {
                    diags.push(error_at(
                        file,
                        &tp.party,
                        format!("tier {} is not defined in {TIERS_FILE}", tp.tier),
                    ));
                }
            }
            for av in &p.annexes {
                if !annex_ids.contains(&av.annex.as_str()) {
                    diags.push(unknown(
                        file,
                        "annex",
                        &av.annex,
                        &mut annex_ids.iter().copied(),
                    ));
                }
            }
            for member in &p.members {
                if self.tiers.is_some() && !parties.contains(member.as_str()) {
                    diags.push(unknown(file, "Party", member, &mut parties.iter().copied()));
                }
            }
            for group in &p.groups {
                if !delegations.contains(group.as_str()) {
                    let (line, col) = locate(file, group);
                    diags.push(
                        Diagnostic::warning(
                            file,
                            line,
                            col,
                            format!("group `{group}` has no position file"),
                        )
                        .with_help(format!(
                            "add positions/{}.ron, or remove it from `groups`",
                            group.to_lowercase()
                        )),
                    );
                }
            }
        }

        if let Some(t) = &self.tiers {
            let file = Path::new(TIERS_FILE);
            let mut seen = HashSet::new();
            for party in &t.parties {
                if !seen.insert(party.code.as_str()) {
                    let (line, col) = texts
                        .get(file)
                        .map_or((1, 1), |t| ronfile::find_nth_string(t, &party.code, 1));
                    diags.push(Diagnostic::error(
                        file,
                        line,
                        col,
                        format!("Party `{}` is listed twice", party.code),
                    ));
                }
                if !tier_numbers.contains(&party.tier) {
                    let (line, col) = texts.get(file).map_or((1, 1), |t| {
                        ronfile::find_field_value(t, "code", &party.code)
                    });
                    diags.push(Diagnostic::error(
                        file,
                        line,
                        col,
                        format!(
                            "Party `{}` is in tier {}, which is not defined",
                            party.code, party.tier
                        ),
                    ));
                }
            }
            for ob in &t.obligations {
                if d.index_of(&ob.clause).is_none() {
                    diags.push(unknown_clause(file, &ob.clause));
                }
                for tier in &ob.tiers {
                    if !tier_numbers.contains(tier) {
                        diags.push(error_at(
                            file,
                            &ob.clause,
                            format!("tier {tier} is not defined"),
                        ));
                    }
                }
            }
        }

        if let Some(reg) = &self.annexes {
            let file = Path::new(ANNEXES_FILE);
            for a in &reg.annexes {
                if !annex_ids.contains(&a.annex.as_str()) {
                    diags.push(unknown(
                        file,
                        "annex",
                        &a.annex,
                        &mut annex_ids.iter().copied(),
                    ));
                }
                for code in a.proposer.iter().chain(&a.supporters).chain(&a.opponents) {
                    if !self.positions.is_empty() && !delegations.contains(code.as_str()) {
                        diags.push(unknown(
                            file,
                            "delegation",
                            code,
                            &mut delegations.iter().copied(),
                        ));
                    }
                }
            }
        }

        // Attributions inside brackets should name delegations that exist.
        if !self.positions.is_empty() {
            for (i, code, offset) in crate::analysis::attributions(d, trees) {
                if !delegations.contains(code.as_str()) && !parties.contains(code.as_str()) {
                    let (path, line, col) = d.text_position(i, offset);
                    let mut diag = Diagnostic::warning(
                        path,
                        line,
                        col,
                        format!("attribution to unknown delegation `{code}`"),
                    );
                    if let Some(s) = nearest(&code, delegations.iter().copied()) {
                        diag = diag.with_help(suggest::help(s));
                    }
                    diags.push(diag);
                }
            }
        }
    }

    /// The position of delegation `code` (case-insensitive).
    pub fn position(&self, code: &str) -> Option<&Position> {
        self.positions.get(code).or_else(|| {
            self.positions
                .values()
                .find(|p| p.code.eq_ignore_ascii_case(code))
        })
    }

    /// An error for an unknown delegation, suggesting the nearest code.
    pub fn unknown_delegation(&self, code: &str) -> String {
        match nearest(code, self.positions.keys().map(String::as_str)) {
            Some(s) => format!(
                "unknown delegation `{code}`{}",
                suggest::did_you_mean(Some(s))
            ),
            None => format!(
                "unknown delegation `{code}`: known delegations are {}",
                self.positions
                    .keys()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }

    /// An error for an unknown clause id, suggesting the nearest one, and saying which
    /// files could not be read (their clauses are missing, not gone).
    pub fn unknown_clause(&self, id: &str) -> String {
        let mut message = match self.draft.suggest(id) {
            Some(s) => format!("unknown clause id `{id}`{}", suggest::did_you_mean(Some(s))),
            None => format!("unknown clause id `{id}`"),
        };
        for (path, why) in &self.draft.unreadable {
            message.push_str(&format!(
                "; note: {path} cannot be read ({why}), so its clauses are missing: run `treaty check`"
            ));
        }
        message
    }
}

fn load_optional<T: serde::de::DeserializeOwned>(
    root: &Path,
    rel: &str,
    diags: &mut Diagnostics,
    texts: &mut HashMap<PathBuf, String>,
) -> Option<T> {
    let bytes = match crate::fsutil::read_inside(root, Path::new(rel)) {
        Ok(bytes) => bytes,
        Err(crate::fsutil::InsideError::Missing) => return None,
        Err(crate::fsutil::InsideError::Outside(to)) => {
            diags.push(
                Diagnostic::error(
                    rel,
                    1,
                    1,
                    format!(
                        "a symbolic link that leads outside the negotiation (to {})",
                        to.display()
                    ),
                )
                .with_help("replace the link with the file itself"),
            );
            return None;
        }
        Err(crate::fsutil::InsideError::Io(e)) => {
            diags.push(Diagnostic::error(rel, 1, 1, format!("cannot read: {e}")));
            return None;
        }
    };
    texts.insert(
        PathBuf::from(rel),
        String::from_utf8_lossy(&bytes).into_owned(),
    );
    match ronfile::parse_bytes(&bytes, Path::new(rel)) {
        Ok(v) => Some(v),
        Err(e) => {
            diags.push(e.into_diagnostic());
            None
        }
    }
}
