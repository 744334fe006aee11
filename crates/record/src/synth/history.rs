//! The amendment history: rounds of amendments by different delegations, applied by the
//! real amendment engine and recorded in bulk.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use treaty_text::amend::{Change, Workspace};
use treaty_text::amendment::AmendmentKind;
use treaty_text::annex::AnnexStatus;
use treaty_text::bracket::{self, ChoiceKind};
use treaty_text::draft::{ClauseKind, Draft};
use treaty_text::roster::CHAIR;

use crate::record::{self, Edit, NewAmendment, NewRecord, RecordError};
use crate::store::{Clock, Signature, Store, Time};

use super::compile::Opening;
use super::words::{self, CITIES};
use super::{Rng, SynthError, SynthOptions, SynthSummary};

/// 2026-01-05T09:00:00Z: the compilation text is issued.
const START: i64 = 1_767_603_600;
const HOUR: i64 = 3600;
const ROUND_GAP: i64 = 60 * 24 * HOUR;
const SECRETARIAT: (&str, &str) = ("Treaty Secretariat", "secretariat@treaty.example");

pub(super) fn record(
    opts: &SynthOptions,
    compilation: &Opening,
    dir: &Path,
) -> Result<SynthSummary, SynthError> {
    let (front, texts) = compilation.draft_texts();
    let loaded = Draft::from_texts(front, &texts);
    if let Some(d) = loaded.diagnostics.first() {
        return Err(SynthError::Compilation(d.to_string()));
    }
    let mut ws = Workspace {
        draft: loaded.draft,
        tiers: compilation.files.get("drafts/tiers.ron").cloned(),
        annexes: compilation.files.get("drafts/annexes.ron").cloned(),
    };

    // A record whose commits are signed by the Secretariat at fixed times.
    let store = Store::init_as(
        dir,
        SECRETARIAT,
        Clock::Stepping {
            next: START - HOUR,
            step: 60,
            offset_minutes: 0,
        },
    )?;
    let known: BTreeSet<String> = std::iter::once(CHAIR.to_string())
        .chain(compilation.parties.iter().map(|p| p.code.clone()))
        .collect();
    let mut kinds: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut rounds = Vec::new();
    let outcome = store.bulk(|bulk| -> Result<(), SynthError> {
        let secretariat = |t: i64| Signature::new(SECRETARIAT.0, SECRETARIAT.1, &Time::new(t, 0));
        let opening = NewAmendment::of(
            Edit::Files {
                kind: AmendmentKind::Insert,
                clauses: Vec::new(),
                files: compilation
                    .files
                    .iter()
                    .map(|(p, t)| (p.clone(), Some(t.clone())))
                    .collect(),
            },
            [CHAIR],
        )
        .with_summary("Compilation text issued by the Chair")
        .with_body(format!(
            "{} articles, {} annexes, {} Parties in three tiers, and the position of each delegation.",
            opts.articles,
            compilation.annexes.len(),
            compilation.parties.len()
        ))
        .with_derived_id(format!("synth-{}-compilation", opts.seed));
        let opening = record::prepare_on(&mut NewRecord, &known, &opening, None)
            .map_err(|source| SynthError::Record { step: 0, source })?;
        let sig = secretariat(START)?;
        bulk.commit(&opening.amendment, &opening.changes, &sig, &sig)?;

        let mut sim = Sim {
            rng: Rng::new(opts.seed.wrapping_mul(0x9e37_79b9).wrapping_add(17)),
            tiers: compilation.parties.iter().map(|p| p.tier).collect(),
            annex_status: vec![AnnexStatus::Proposed; compilation.annexes.len()],
            compilation,
        };
        let mut round = usize::MAX;
        let mut time = START;
        for step in 0..opts.amendments {
            let r = step * opts.rounds / opts.amendments.max(1);
            if r != round {
                round = r;
                let name = round_name(r);
                time = START + (r as i64 + 1) * ROUND_GAP;
                let title = format!("Session {} of the negotiating committee", r + 1);
                bulk.start_round(&name, &title, &secretariat(time)?)?;
                rounds.push(name);
            }
            // A drawn change can leave the text as it is (a move to where the clause
            // already stands): the record path refuses it, so draw again.
            let mut tries = 0;
            let (kind, proposers, prepared) = loop {
                let (change, proposers) = sim.next_change(&ws);
                let kind = change.kind();
                let new = NewAmendment::new(change, proposers.iter().cloned())
                    .with_round(rounds.last().cloned().unwrap_or_default())
                    .with_derived_id(format!("synth-{}-{step}", opts.seed));
                match record::prepare_on(&mut ws, &known, &new, None) {
                    Ok(prepared) => break (kind, proposers, prepared),
                    Err(RecordError::NoChange) if tries < 64 => tries += 1,
                    Err(source) => return Err(SynthError::Record { step, source }),
                }
            };
            *kinds.entry(kind.as_str()).or_default() += 1;
            time += HOUR;
            let author = sim.author(&proposers[0], time)?;
            bulk.commit(
                &prepared.amendment,
                &prepared.changes,
                &author,
                &secretariat(time)?,
            )?;
        }
        Ok(())
    })?;
    let draft = &ws.draft;
    Ok(SynthSummary {
        head: outcome.head,
        commits: outcome.commits,
        rounds,
        articles: count(draft, ClauseKind::Article),
        annexes: count(draft, ClauseKind::Annex),
        clauses: draft.clauses.len(),
        positions: compilation.parties.len(),
        kinds,
        draft_bytes: draft.files.iter().map(|f| f.text().len()).sum(),
    })
}

fn count(draft: &Draft, kind: ClauseKind) -> usize {
    draft.clauses.iter().filter(|c| c.kind == kind).count()
}

fn round_name(r: usize) -> String {
    let city = CITIES[r % CITIES.len()];
    format!("r{}-{city}", r + 1)
}

struct Sim<'c> {
    rng: Rng,
    tiers: Vec<u8>,
    annex_status: Vec<AnnexStatus>,
    compilation: &'c Opening,
}

impl Sim<'_> {
    fn codes(&mut self, most: u64) -> Vec<String> {
        let n = 1 + self.rng.below(most);
        let mut out: Vec<String> = Vec::new();
        for _ in 0..n {
            let p = self.rng.pick(&self.compilation.parties).code.clone();
            if !out.contains(&p) {
                out.push(p);
            }
        }
        out
    }

    fn author(&self, code: &str, time: i64) -> Result<Signature<'static>, git2::Error> {
        let name = self
            .compilation
            .parties
            .iter()
            .find(|p| p.code == code)
            .map(|p| format!("Delegation of {}", p.name))
            .unwrap_or_else(|| "Chair of the negotiating committee".into());
        let email = format!("{}@delegations.example", code.to_lowercase());
        Signature::new(&name, &email, &Time::new(time, 0))
    }

    /// A change that applies to the text as it stands, and who proposes it.
    fn next_change(&mut self, ws: &Workspace) -> (Change, Vec<String>) {
        for _ in 0..64 {
            let roll = self.rng.below(100);
            let found = match roll {
                0..=29 => self.replace(ws),
                30..=41 => self.bracket(ws),
                42..=51 => self.lift(ws),
                52..=62 => self.choose(ws),
                63..=74 => self.insert(ws),
                75..=80 => self.delete(ws),
                81..=85 => self.renumber(ws),
                86..=90 => self.move_clause(ws),
                91..=96 => self.retier(),
                _ => self.annex(),
            };
            if let Some(found) = found {
                return found;
            }
        }
        self.retier().expect("there are always Parties to re-tier")
    }

    /// A random paragraph or point (with its index).
    fn text_clause(&mut self, ws: &Workspace) -> Option<(usize, String)> {
        let clauses = &ws.draft.clauses;
        for _ in 0..16 {
            let i = self.rng.index(clauses.len());
            let c = &clauses[i];
            if matches!(c.kind, ClauseKind::Paragraph | ClauseKind::Point)
                && let Some(id) = &c.id
            {
                return Some((i, id.clone()));
            }
        }
        None
    }

    fn replace(&mut self, ws: &Workspace) -> Option<(Change, Vec<String>)> {
        let (i, clause) = self.text_clause(ws)?;
        let codes = self.codes(3);
        let text = match ws.draft.clauses[i].kind {
            ClauseKind::Point => words::point(&mut self.rng, &codes, 50),
            _ if self.rng.chance(10) => {
                let mut t = words::sentence(&mut self.rng, &codes, 30);
                t.push(':');
                for line in words::options(&mut self.rng, &codes, 50) {
                    t.push('\n');
                    t.push_str(&line);
                }
                t
            }
            _ => words::paragraph(&mut self.rng, &codes, 50),
        };
        Some((Change::Replace { clause, text }, codes))
    }

    fn bracket(&mut self, ws: &Workspace) -> Option<(Change, Vec<String>)> {
        let (i, clause) = self.text_clause(ws)?;
        let text = &ws.draft.clauses[i].text;
        let clear = &text[..text.find(['[', '\n']).unwrap_or(text.len())];
        let candidates: Vec<&str> = clear
            .split(' ')
            .filter(|w| w.len() >= 6 && w.chars().all(|c| c.is_ascii_lowercase()))
            .filter(|w| {
                // The first occurrence must be this whole word.
                text.find(*w).is_some_and(|at| {
                    (at == 0 || text.as_bytes()[at - 1] == b' ')
                        && text.as_bytes().get(at + w.len()) == Some(&b' ')
                })
            })
            .collect();
        let phrase = if candidates.is_empty() {
            if text.contains('\n') || text.starts_with('[') {
                return None;
            }
            None
        } else {
            Some(self.rng.pick(&candidates).to_string())
        };
        Some((Change::Bracket { clause, phrase }, self.codes(2)))
    }

    fn lift(&mut self, ws: &Workspace) -> Option<(Change, Vec<String>)> {
        let (i, clause) = self.text_clause(ws)?;
        let text = &ws.draft.clauses[i].text;
        let points = bracket::parse(text).choice_points(text);
        let singles: Vec<usize> = points
            .iter()
            .enumerate()
            .filter(|(_, p)| p.labels.len() == 1 && matches!(p.kind, ChoiceKind::Group(_)))
            .map(|(k, _)| k)
            .collect();
        if singles.is_empty() {
            return None;
        }
        let group = Some(*self.rng.pick(&singles));
        Some((Change::LiftBrackets { clause, group }, vec![CHAIR.into()]))
    }

    fn choose(&mut self, ws: &Workspace) -> Option<(Change, Vec<String>)> {
        let (i, clause) = self.text_clause(ws)?;
        let text = &ws.draft.clauses[i].text;
        let tree = bracket::parse(text);
        let points = tree.choice_points(text);
        let multi: Vec<(usize, usize)> = points
            .iter()
            .enumerate()
            .filter(|(_, p)| p.labels.len() >= 2)
            .map(|(k, p)| (k, p.labels.len()))
            .collect();
        if multi.is_empty() {
            return None;
        }
        let &(point, n) = self.rng.pick(&multi);
        let option = self.rng.index(n);
        let resolved = tree.resolve(text, point, option).ok()?;
        if resolved.trim().is_empty() && !self.deletable(ws, i) {
            return None;
        }
        let by = if self.rng.chance(50) {
            vec![CHAIR.into()]
        } else {
            self.codes(3)
        };
        Some((
            Change::ChooseOption {
                clause,
                point,
                option,
            },
            by,
        ))
    }

    fn insert(&mut self, ws: &Workspace) -> Option<(Change, Vec<String>)> {
        let (i, after) = self.text_clause(ws)?;
        let c = &ws.draft.clauses[i];
        if c.kind != ClauseKind::Paragraph {
            return None;
        }
        let label = c.label.as_deref().and_then(next_label);
        let codes = self.codes(3);
        let body = words::paragraph(&mut self.rng, &codes, 40);
        let text = if self.rng.chance(50) {
            format!("[{body}]")
        } else {
            body
        };
        Some((
            Change::Insert {
                after,
                id: None,
                label,
                text,
            },
            codes,
        ))
    }

    /// Whether clause `i` and everything under it may go: nothing refers to them, and
    /// the article keeps at least one other paragraph.
    fn deletable(&self, ws: &Workspace, i: usize) -> bool {
        let d = &ws.draft;
        let protected = &self.compilation.protected;
        if d.subtree(i).any(|j| {
            d.clauses[j]
                .id
                .as_ref()
                .is_some_and(|id| protected.contains(id))
        }) {
            return false;
        }
        match d.clauses[i].parent {
            Some(p) => d.children(p).count() >= 2,
            None => false,
        }
    }

    fn delete(&mut self, ws: &Workspace) -> Option<(Change, Vec<String>)> {
        let (i, clause) = self.text_clause(ws)?;
        if !self.deletable(ws, i) {
            return None;
        }
        Some((Change::Delete { clause }, self.codes(2)))
    }

    /// Brings one paragraph (or article) number in line with its place, as the Chair does
    /// after insertions and moves.
    fn renumber(&mut self, ws: &Workspace) -> Option<(Change, Vec<String>)> {
        let d = &ws.draft;
        let articles: Vec<usize> = (0..d.clauses.len())
            .filter(|&i| d.clauses[i].kind == ClauseKind::Article)
            .collect();
        let a = *self.rng.pick(&articles);
        let chair = || vec![CHAIR.into()];
        // A number another clause still holds is refused: the clause first takes the
        // number with `bis`, as drafters do, and its own once that is free.
        let free = |siblings: &[usize], label: &str| {
            !siblings
                .iter()
                .any(|&k| d.clauses[k].label.as_deref() == Some(label))
        };
        let paragraphs: Vec<usize> = d
            .children(a)
            .filter(|&k| d.clauses[k].kind == ClauseKind::Paragraph && d.clauses[k].label.is_some())
            .collect();
        for (ordinal, &k) in (1..).zip(&paragraphs) {
            let c = &d.clauses[k];
            let want = ordinal.to_string();
            if c.label.as_deref() != Some(want.as_str()) {
                let label = [want.clone(), format!("{want} bis")]
                    .into_iter()
                    .find(|l| free(&paragraphs, l))?;
                let clause = c.id.clone()?;
                return Some((Change::Renumber { clause, label }, chair()));
            }
        }
        // The article's own number.
        let place = articles.iter().position(|&x| x == a)? + 1;
        let c = &d.clauses[a];
        let want = format!("Article {place}");
        if c.label.as_deref() != Some(want.as_str()) {
            let label = if free(&articles, &want) {
                place.to_string()
            } else if free(&articles, &format!("{want} bis")) {
                format!("{place} bis")
            } else {
                return None;
            };
            return Some((
                Change::Renumber {
                    clause: c.id.clone()?,
                    label,
                },
                chair(),
            ));
        }
        None
    }

    fn move_clause(&mut self, ws: &Workspace) -> Option<(Change, Vec<String>)> {
        let d = &ws.draft;
        if self.rng.chance(30) {
            let articles: Vec<usize> = (0..d.clauses.len())
                .filter(|&i| d.clauses[i].kind == ClauseKind::Article)
                .collect();
            let a = *self.rng.pick(&articles);
            let b = *self.rng.pick(&articles);
            if a == b {
                return None;
            }
            return Some((
                Change::Move {
                    clause: d.clauses[a].id.clone()?,
                    after: d.clauses[b].id.clone()?,
                },
                self.codes(2),
            ));
        }
        let (i, clause) = self.text_clause(ws)?;
        let c = &d.clauses[i];
        if c.kind != ClauseKind::Paragraph {
            return None;
        }
        let parent = c.parent?;
        let siblings: Vec<usize> = d
            .children(parent)
            .filter(|&k| k != i && d.clauses[k].kind == ClauseKind::Paragraph)
            .collect();
        if siblings.is_empty() {
            return None;
        }
        let j = *self.rng.pick(&siblings);
        Some((
            Change::Move {
                clause,
                after: d.clauses[j].id.clone()?,
            },
            self.codes(2),
        ))
    }

    fn retier(&mut self) -> Option<(Change, Vec<String>)> {
        let k = self.rng.index(self.tiers.len());
        let current = self.tiers[k];
        let tier = if current == 1 {
            2
        } else if current == 3 || self.rng.chance(50) {
            current - 1
        } else {
            current + 1
        };
        self.tiers[k] = tier;
        let party = self.compilation.parties[k].code.clone();
        Some((
            Change::ReTier {
                party: party.clone(),
                tier,
            },
            vec![party],
        ))
    }

    fn annex(&mut self) -> Option<(Change, Vec<String>)> {
        let k = self.rng.index(self.annex_status.len());
        let status = match self.annex_status[k] {
            AnnexStatus::Proposed => AnnexStatus::UnderNegotiation,
            AnnexStatus::UnderNegotiation if self.rng.chance(70) => AnnexStatus::Agreed,
            AnnexStatus::UnderNegotiation => AnnexStatus::Withdrawn,
            AnnexStatus::Agreed | AnnexStatus::Withdrawn => AnnexStatus::UnderNegotiation,
        };
        self.annex_status[k] = status;
        Some((
            Change::Annex {
                annex: self.compilation.annexes[k].clone(),
                status,
            },
            self.codes(2),
        ))
    }
}

/// `3` → `3 bis`, `3 bis` → `3 ter`, `3 ter` → `3 quater`; otherwise none.
fn next_label(label: &str) -> Option<String> {
    let mut parts = label.split_whitespace();
    let number = parts.next()?;
    if !number.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let next = match parts.next() {
        None => "bis",
        Some("bis") => "ter",
        Some("ter") => "quater",
        Some(_) => return None,
    };
    Some(format!("{number} {next}"))
}
