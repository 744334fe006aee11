//! Amendment metadata and the commit message that carries it.
//!
//! An amendment is written as an ordinary commit message: a readable subject, an optional
//! body, and a final block of git trailers that tools read back:
//!
//! ```text
//! Replace observatory.2.b (EU, AU)
//!
//! Aligns the review cycle with the reporting cycle.
//!
//! Amendment-Id: am-3f9a0c1d2e4b
//! Proposed-by: EU, AU
//! Clause: observatory.2.b
//! Kind: replace
//! Round: geneva-2
//! Status: adopted
//! ```
//!
//! `git interpret-trailers --parse` reads the block back, and so does [`Amendment::parse`],
//! through the workspace's one trailer reader ([`crate::trailer`]).
//! Text from negotiators (subject, body, codes) is folded so that it can never end the
//! block early or add trailers of its own: see [`Amendment::sanitized`].

use std::fmt;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::trailer;

/// Trailer keys, in the order they are written.
pub const TRAILER_ID: &str = "Amendment-Id";
pub const TRAILER_PROPOSED_BY: &str = "Proposed-by";
pub const TRAILER_CLAUSE: &str = "Clause";
pub const TRAILER_KIND: &str = "Kind";
pub const TRAILER_ROUND: &str = "Round";
pub const TRAILER_STATUS: &str = "Status";
/// Trailer by which a delegation co-signs an amendment another delegation's member authored.
pub const TRAILER_CO_SIGNED_BY: &str = "Co-signed-by";
/// Trailer by which the chair's amendment cites the proposal it lands
/// ([`crate::proposal`]): the chair may then name the proposing delegations in
/// `Proposed-by`.
pub const TRAILER_LANDS: &str = "Lands";
/// Trailer of the chair's commit that declines a proposal.
pub const TRAILER_DECLINES: &str = "Declines";
/// Trailer naming the exercise team a proposal is made for (its author's team).
pub const TRAILER_TEAM: &str = "Team";

/// Every trailer key the record reads: a line that looks like one of them anywhere but in
/// the real trailer block is a forgery in waiting, which `treaty verify` refuses.
pub const TRAILER_KEYS: &[&str] = &[
    TRAILER_ID,
    TRAILER_PROPOSED_BY,
    TRAILER_CO_SIGNED_BY,
    TRAILER_CLAUSE,
    TRAILER_KIND,
    TRAILER_ROUND,
    TRAILER_STATUS,
    TRAILER_LANDS,
    TRAILER_DECLINES,
    TRAILER_TEAM,
];

/// Whether `line` reads like one of [`TRAILER_KEYS`] (`Proposed-by: …`, any case).
pub fn looks_like_trailer(line: &str) -> bool {
    !crate::trailer::lines_like_trailers_outside_block(line, TRAILER_KEYS).is_empty()
}

macro_rules! keyword_enum {
    (
        $(#[$meta:meta])*
        $name:ident, $err:ident, $what:literal {
            $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "kebab-case")]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The kebab-case word used in trailers and on the command line.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = $err;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let word = s.trim();
                $name::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str().eq_ignore_ascii_case(word))
                    .ok_or_else(|| $err { given: s.to_string() })
            }
        }

        #[doc = concat!("A word that is not a known ", $what, ".")]
        #[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
        #[error(
            "\"{given}\" is not {}: use one of {}",
            concat!("a known ", $what),
            $name::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
        )]
        pub struct $err {
            pub given: String,
        }
    };
}

keyword_enum! {
    /// What an amendment does to the text.
    AmendmentKind, UnknownKind, "amendment kind" {
        Insert => "insert",
        Delete => "delete",
        Replace => "replace",
        Bracket => "bracket",
        LiftBrackets => "lift-brackets",
        ChooseOption => "choose-option",
        Move => "move",
        Renumber => "renumber",
        ReTier => "re-tier",
        Annex => "annex",
        InsertArticle => "insert-article",
        InsertAnnex => "insert-annex",
        InsertPart => "insert-part",
        InsertChapter => "insert-chapter",
        MoveArticle => "move-article",
        MoveAnnex => "move-annex",
        MovePart => "move-part",
        MoveChapter => "move-chapter",
        DeleteArticle => "delete-article",
        DeleteAnnex => "delete-annex",
        DeletePart => "delete-part",
        DeleteChapter => "delete-chapter",
        RenumberArticle => "renumber-article",
        RenumberAnnex => "renumber-annex",
        RenumberPart => "renumber-part",
        RenumberChapter => "renumber-chapter",
    }
}

/// What a structural amendment acts on: a unit `drafts/treaty.md` lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Unit {
    Article,
    Annex,
    Part,
    Chapter,
}

impl Unit {
    pub const ALL: [Unit; 4] = [Unit::Article, Unit::Annex, Unit::Part, Unit::Chapter];

    /// The word that opens the unit's heading (`Article 4`, `Part II`).
    pub fn word(self) -> &'static str {
        match self {
            Unit::Article => "Article",
            Unit::Annex => "Annex",
            Unit::Part => "Part",
            Unit::Chapter => "Chapter",
        }
    }

    /// The unit's name in a sentence.
    pub fn noun(self) -> &'static str {
        match self {
            Unit::Article => "article",
            Unit::Annex => "annex",
            Unit::Part => "part",
            Unit::Chapter => "chapter",
        }
    }

    /// Articles and annexes live in files of their own; parts and chapters are headings
    /// of `treaty.md`.
    pub fn has_file(self) -> bool {
        matches!(self, Unit::Article | Unit::Annex)
    }
}

/// What a structural amendment does to its unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StructureOp {
    Insert,
    Move,
    Delete,
    Renumber,
}

keyword_enum! {
    /// Where an amendment stands. Commits on the main line record what the text now says,
    /// so their status is `adopted` unless the record says otherwise.
    #[derive(Default)]
    AmendmentStatus, UnknownStatus, "amendment status" {
        Proposed => "proposed",
        #[default]
        Adopted => "adopted",
        Withdrawn => "withdrawn",
        Rejected => "rejected",
    }
}

impl AmendmentKind {
    /// The verb that opens a generated subject line, e.g. "Replace observatory.2.b (EU)".
    pub fn verb(self) -> &'static str {
        match self {
            AmendmentKind::Insert => "Insert",
            AmendmentKind::Delete => "Delete",
            AmendmentKind::Replace => "Replace",
            AmendmentKind::Bracket => "Bracket",
            AmendmentKind::LiftBrackets => "Lift brackets in",
            AmendmentKind::ChooseOption => "Choose option in",
            AmendmentKind::Move => "Move",
            AmendmentKind::Renumber => "Renumber",
            AmendmentKind::ReTier => "Re-tier",
            AmendmentKind::Annex => "Amend annex",
            AmendmentKind::InsertArticle => "Insert article",
            AmendmentKind::InsertAnnex => "Insert annex",
            AmendmentKind::InsertPart => "Insert part",
            AmendmentKind::InsertChapter => "Insert chapter",
            AmendmentKind::MoveArticle => "Move article",
            AmendmentKind::MoveAnnex => "Move annex",
            AmendmentKind::MovePart => "Move part",
            AmendmentKind::MoveChapter => "Move chapter",
            AmendmentKind::DeleteArticle => "Delete article",
            AmendmentKind::DeleteAnnex => "Delete annex",
            AmendmentKind::DeletePart => "Delete part",
            AmendmentKind::DeleteChapter => "Delete chapter",
            AmendmentKind::RenumberArticle => "Renumber article",
            AmendmentKind::RenumberAnnex => "Renumber annex",
            AmendmentKind::RenumberPart => "Renumber part",
            AmendmentKind::RenumberChapter => "Renumber chapter",
        }
    }

    /// The structural kind that does `op` to `unit` (`insert-article`, `move-part`).
    pub fn structural(op: StructureOp, unit: Unit) -> AmendmentKind {
        use AmendmentKind as K;
        let [article, annex, part, chapter] = match op {
            StructureOp::Insert => [
                K::InsertArticle,
                K::InsertAnnex,
                K::InsertPart,
                K::InsertChapter,
            ],
            StructureOp::Move => [K::MoveArticle, K::MoveAnnex, K::MovePart, K::MoveChapter],
            StructureOp::Delete => [
                K::DeleteArticle,
                K::DeleteAnnex,
                K::DeletePart,
                K::DeleteChapter,
            ],
            StructureOp::Renumber => [
                K::RenumberArticle,
                K::RenumberAnnex,
                K::RenumberPart,
                K::RenumberChapter,
            ],
        };
        match unit {
            Unit::Article => article,
            Unit::Annex => annex,
            Unit::Part => part,
            Unit::Chapter => chapter,
        }
    }

    /// The operation and unit of a structural kind; `None` for the kinds that amend
    /// wording, tiers or annex proposals.
    pub fn structure(self) -> Option<(StructureOp, Unit)> {
        [
            StructureOp::Insert,
            StructureOp::Move,
            StructureOp::Delete,
            StructureOp::Renumber,
        ]
        .into_iter()
        .flat_map(|op| Unit::ALL.map(|unit| (op, unit)))
        .find(|&(op, unit)| AmendmentKind::structural(op, unit) == self)
    }
}

/// One amendment: who proposed it, which clauses it touches, what it does, when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Amendment {
    /// Stable identifier, `am-` and 12 hex digits for generated ids.
    pub id: String,
    /// Delegation codes, e.g. `["EU", "AU"]`.
    pub proposers: Vec<String>,
    /// Proposers other than the author's delegation that co-sign, each with the e-mail
    /// address of the member who does (`Co-signed-by: AU <head@au.example>`): what lets
    /// `treaty verify` accept a `Proposed-by` naming a delegation the author is not in.
    pub co_signers: Vec<(String, String)>,
    /// The proposals this amendment lands (`Lands: pr-…`, the chair's; see
    /// [`crate::proposal`]).
    pub lands: Vec<String>,
    /// The exercise team a proposal was made for (`Team: …`).
    pub team: Option<String>,
    /// Stable clause ids, e.g. `["observatory.2.b"]`.
    pub clauses: Vec<String>,
    pub kind: AmendmentKind,
    pub round: Option<String>,
    pub status: AmendmentStatus,
    /// The subject line. When empty, one is generated from kind, clauses and proposers.
    pub summary: String,
    /// Optional free text: the rationale, the exact wording proposed, …
    pub body: String,
}

/// Why an amendment cannot be recorded as it stands.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum InvalidAmendment {
    #[error(
        "the amendment id \"{0}\" is not usable: use letters, digits, '-', '_' or '.' only (at most 64), e.g. am-3f9a0c1d2e4b"
    )]
    Id(String),
    #[error(
        "the delegation code \"{0}\" is not usable: codes may not be empty or contain commas or line breaks; list each delegation separately"
    )]
    Proposer(String),
    #[error(
        "\"{0}\" is not a clause id: clause ids are made of letters, digits, '-', '_' and '.', as in observatory.2.b"
    )]
    Clause(String),
    #[error("the round name \"{name}\" is not usable: {reason}")]
    Round { name: String, reason: String },
}

static ID_COUNTER: AtomicU64 = AtomicU64::new(0);

impl Amendment {
    /// A new adopted amendment with a fresh, unique id (hashed from the fields, the clock,
    /// the process id and a counter). Use [`Amendment::with_derived_id`] for ids that are
    /// the same on every run.
    pub fn new<P, C>(
        kind: AmendmentKind,
        proposers: impl IntoIterator<Item = P>,
        clauses: impl IntoIterator<Item = C>,
    ) -> Self
    where
        P: Into<String>,
        C: Into<String>,
    {
        let mut amendment = Amendment {
            id: String::new(),
            proposers: proposers.into_iter().map(Into::into).collect(),
            co_signers: Vec::new(),
            lands: Vec::new(),
            team: None,
            clauses: clauses.into_iter().map(Into::into).collect(),
            kind,
            round: None,
            status: AmendmentStatus::default(),
            summary: String::new(),
            body: String::new(),
        };
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let nonce = format!(
            "{nanos}:{}:{}",
            std::process::id(),
            ID_COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        amendment.id = amendment.derived_id(&nonce);
        amendment
    }

    pub fn with_summary(mut self, summary: impl Into<String>) -> Self {
        self.summary = summary.into();
        self
    }

    pub fn with_body(mut self, body: impl Into<String>) -> Self {
        self.body = body.into();
        self
    }

    pub fn with_round(mut self, round: impl Into<String>) -> Self {
        self.round = Some(round.into());
        self
    }

    pub fn with_status(mut self, status: AmendmentStatus) -> Self {
        self.status = status;
        self
    }

    pub fn with_id(mut self, id: impl Into<String>) -> Self {
        self.id = id.into();
        self
    }

    /// Adds `code` as a co-signing delegation, by its member at `email`.
    pub fn with_co_signer(mut self, code: impl Into<String>, email: impl Into<String>) -> Self {
        self.co_signers.push((code.into(), email.into()));
        self
    }

    /// Replaces the id with one derived from the fields and `seed` only: the same inputs
    /// always give the same id, which keeps scripted histories and tests reproducible.
    pub fn with_derived_id(mut self, seed: &str) -> Self {
        self.id = self.derived_id(seed);
        self
    }

    /// `am-` and the first 12 hex digits of a SHA-1 over every field except the id, and
    /// `seed`.
    pub fn derived_id(&self, seed: &str) -> String {
        let mut input = String::from("treaty-amendment\0");
        for part in [
            seed,
            self.kind.as_str(),
            self.status.as_str(),
            self.round.as_deref().unwrap_or(""),
            &self.summary,
            &self.body,
        ] {
            input.push_str(part);
            input.push('\0');
        }
        for list in [&self.proposers, &self.clauses] {
            input.push_str(&list.join("\u{1f}"));
            input.push('\0');
        }
        // Hashed as git hashes a blob, so ids stay what they were when git computed them.
        let mut sha = sha1_smol::Sha1::new();
        sha.update(format!("blob {}\0", input.len()).as_bytes());
        sha.update(input.as_bytes());
        let hash = sha.digest().to_string();
        format!("am-{}", &hash[..12])
    }

    /// The subject line as written: the summary, or one generated from kind, clauses and
    /// proposers, e.g. `Replace observatory.2.b (EU, AU)`.
    pub fn subject(&self) -> String {
        let summary = fold_line(&self.summary);
        if !summary.is_empty() {
            return neutralise_divider(summary);
        }
        let mut subject = self.kind.verb().to_string();
        let clauses: Vec<String> = list_items(&self.clauses, false);
        if !clauses.is_empty() {
            subject.push(' ');
            subject.push_str(&clauses.join(", "));
        }
        let proposers = list_items(&self.proposers, true);
        if !proposers.is_empty() {
            subject.push_str(" (");
            subject.push_str(&proposers.join(", "));
            subject.push(')');
        }
        neutralise_divider(subject)
    }

    /// The amendment as [`Amendment::to_message`] records it: every one-line field folded
    /// onto one line (control characters and line breaks become spaces), commas removed
    /// from delegation codes, empty list items dropped, the body's line endings normalised,
    /// trailing spaces and control characters removed, and any line starting with `---`
    /// indented by one space (git would take it for the start of a patch). The summary is
    /// replaced by [`Amendment::subject`].
    ///
    /// `Amendment::parse(&a.to_message()) == Some(a.sanitized())` for every `a`.
    pub fn sanitized(&self) -> Amendment {
        Amendment {
            id: fold_line(&self.id),
            proposers: list_items(&self.proposers, true),
            co_signers: self
                .co_signers
                .iter()
                .map(|(code, email)| {
                    (
                        fold_line(code).replace(',', " "),
                        fold_line(email).replace(['<', '>'], ""),
                    )
                })
                .filter(|(code, email)| !code.is_empty() && !email.is_empty())
                .collect(),
            lands: list_items(&self.lands, true),
            team: self
                .team
                .as_deref()
                .map(fold_line)
                .filter(|t| !t.is_empty()),
            clauses: list_items(&self.clauses, false),
            kind: self.kind,
            round: self
                .round
                .as_deref()
                .map(fold_line)
                .filter(|r| !r.is_empty()),
            status: self.status,
            summary: self.subject(),
            body: sanitise_body(&self.body),
        }
    }

    /// Checks what [`Amendment::sanitized`] would otherwise silently fold: ids, delegation
    /// codes, clause ids and the round must be usable as they are.
    pub fn validate(&self) -> Result<(), InvalidAmendment> {
        if self.id.is_empty() || self.id.len() > 64 || !self.id.chars().all(is_id_char) {
            return Err(InvalidAmendment::Id(self.id.clone()));
        }
        for p in &self.proposers {
            if p.trim().is_empty()
                || p.trim() != p
                || p.contains(',')
                || p.chars().any(|c| c.is_control() || is_line_separator(c))
            {
                return Err(InvalidAmendment::Proposer(p.clone()));
            }
        }
        for c in &self.clauses {
            if c.is_empty() || !c.chars().all(is_id_char) {
                return Err(InvalidAmendment::Clause(c.clone()));
            }
        }
        if let Some(round) = &self.round {
            validate_round_name(round).map_err(|reason| InvalidAmendment::Round {
                name: round.clone(),
                reason,
            })?;
        }
        Ok(())
    }

    /// The full commit message: subject, blank line, body (if any) and a blank line, then
    /// the trailer block. Always ends with a newline.
    pub fn to_message(&self) -> String {
        let a = self.sanitized();
        let mut msg = a.summary.clone();
        msg.push_str("\n\n");
        if !a.body.is_empty() {
            msg.push_str(&a.body);
            msg.push_str("\n\n");
        }
        let mut trailer = |key: &str, value: &str| {
            msg.push_str(key);
            msg.push_str(": ");
            msg.push_str(value);
            msg.push('\n');
        };
        trailer(TRAILER_ID, &a.id);
        if !a.proposers.is_empty() {
            trailer(TRAILER_PROPOSED_BY, &a.proposers.join(", "));
        }
        for (code, email) in &a.co_signers {
            trailer(TRAILER_CO_SIGNED_BY, &format!("{code} <{email}>"));
        }
        for clause in &a.clauses {
            trailer(TRAILER_CLAUSE, clause);
        }
        trailer(TRAILER_KIND, a.kind.as_str());
        if let Some(round) = &a.round {
            trailer(TRAILER_ROUND, round);
        }
        trailer(TRAILER_STATUS, a.status.as_str());
        if let Some(team) = &a.team {
            trailer(TRAILER_TEAM, team);
        }
        if !a.lands.is_empty() {
            trailer(TRAILER_LANDS, &a.lands.join(", "));
        }
        msg
    }

    /// Reads an amendment back from a commit message. `None` when the message has no
    /// trailer block with an `Amendment-Id` and a known `Kind` (an ordinary commit), or
    /// when its `Status` is unknown. A missing `Status` means adopted.
    pub fn parse(message: &str) -> Option<Amendment> {
        let block = trailer::block(message)?;
        let get = |key: &str| {
            block
                .trailers
                .iter()
                .find(|t| t.key.eq_ignore_ascii_case(key))
                .map(|t| t.value.as_str())
        };
        let id = get(TRAILER_ID)?.to_string();
        if id.is_empty() {
            return None;
        }
        let kind = get(TRAILER_KIND)?.parse().ok()?;
        let status = match get(TRAILER_STATUS) {
            Some(s) => s.parse().ok()?,
            None => AmendmentStatus::default(),
        };
        let round = get(TRAILER_ROUND)
            .map(str::to_string)
            .filter(|r| !r.is_empty());
        let all = |key: &'static str| {
            block
                .trailers
                .iter()
                .filter(move |t| t.key.eq_ignore_ascii_case(key))
                .map(|t| t.value.as_str())
        };
        let proposers = all(TRAILER_PROPOSED_BY)
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_string)
            .collect();
        let clauses = all(TRAILER_CLAUSE)
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect();
        let subject_end = trailer::subject_end(message);
        let summary = message[..subject_end]
            .lines()
            .map(str::trim)
            .collect::<Vec<_>>()
            .join(" ");
        let body = message[subject_end..block.start.max(subject_end)]
            .replace("\r\n", "\n")
            .trim_matches('\n')
            .to_string();
        let co_signers = all(TRAILER_CO_SIGNED_BY)
            .filter_map(|v| {
                let (code, rest) = v.split_once('<')?;
                let email = rest.strip_suffix('>')?.trim();
                let code = code.trim();
                (!code.is_empty() && !email.is_empty())
                    .then(|| (code.to_string(), email.to_string()))
            })
            .collect();
        let lands = all(TRAILER_LANDS)
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_string)
            .collect();
        let team = get(TRAILER_TEAM)
            .map(str::to_string)
            .filter(|t| !t.is_empty());
        Some(Amendment {
            id,
            proposers,
            co_signers,
            lands,
            team,
            clauses,
            kind,
            round,
            status,
            summary,
            body,
        })
    }
}

/// A commit message that is not an amendment (a proposal declined, a vote): `subject`,
/// `body` and `trailers`, folded and quoted as an amendment's are, so no line of the
/// subject or body passes for a trailer.
pub fn plain_message(subject: &str, body: &str, trailers: &[(&str, &str)]) -> String {
    let mut msg = neutralise_divider(fold_line(subject));
    msg.push_str("\n\n");
    let body = sanitise_body(body);
    if !body.is_empty() {
        msg.push_str(&body);
        msg.push_str("\n\n");
    }
    for (key, value) in trailers {
        msg.push_str(&format!("{key}: {}\n", fold_line(value)));
    }
    msg
}

fn is_id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')
}

fn is_line_separator(c: char) -> bool {
    matches!(c, '\u{2028}' | '\u{2029}')
}

/// One line, single spaces, no control characters.
fn fold_line(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c.is_control() || is_line_separator(c))
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A subject starting with `---` would be read by git as the start of a patch, hiding
/// the trailers; `- --` reads the same to a person and not to git. A subject that reads
/// like a trailer is quoted, so it never passes for an attribution.
fn neutralise_divider(line: String) -> String {
    match line.strip_prefix('-') {
        Some(rest) if rest.starts_with("--") => format!("- {rest}"),
        _ if looks_like_trailer(&line) => format!("> {line}"),
        _ => line,
    }
}

fn list_items(items: &[String], split_commas: bool) -> Vec<String> {
    items
        .iter()
        .map(|item| {
            if split_commas {
                fold_line(&item.replace(',', " "))
            } else {
                fold_line(item)
            }
        })
        .filter(|item| !item.is_empty())
        .collect()
}

fn sanitise_body(body: &str) -> String {
    let normalised = body
        .replace("\r\n", "\n")
        .replace(['\r', '\u{2028}', '\u{2029}'], "\n");
    let lines: Vec<String> = normalised
        .split('\n')
        .map(|line| {
            let clean: String = line
                .chars()
                .filter(|&c| c == '\t' || !c.is_control())
                .collect();
            let clean = clean.trim_end().to_string();
            if clean.starts_with("---") {
                format!(" {clean}")
            } else if looks_like_trailer(&clean) {
                // Quoted, so that no line of the body passes for an attribution.
                format!("> {clean}")
            } else {
                clean
            }
        })
        .collect();
    lines.join("\n").trim_matches('\n').to_string()
}

/// A round name must be usable as one git ref component (the round is the tag
/// `round/<name>`), by the rules of `git check-ref-format`.
pub fn validate_round_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("give the round a name, e.g. geneva-2".into());
    }
    if name.contains('/') {
        return Err("use one word without '/', e.g. geneva-2".into());
    }
    if name.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("spaces are not allowed: join words with '-', e.g. geneva-2".into());
    }
    let refused = name == "@"
        || name.starts_with('.')
        || name.ends_with('.')
        || name.ends_with(".lock")
        || name.contains("..")
        || name.contains("@{")
        || name.contains(['~', '^', ':', '?', '*', '[', '\\', '\u{7f}']);
    if refused {
        return Err(
            "git cannot store it as a tag name: avoid ~ ^ : ? * [ \\, '..', '@{', a leading '.' and a trailing '.lock'; e.g. geneva-2"
                .into(),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sample() -> Amendment {
        Amendment::new(AmendmentKind::Replace, ["EU", "AU"], ["observatory.2.b"])
            .with_round("geneva-2")
            .with_body("Aligns the review cycle with the reporting cycle.")
            .with_derived_id("sample")
    }

    /// Trailers as `git interpret-trailers --parse` reads them.
    fn git_trailers(message: &str) -> Vec<(String, String)> {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("msg");
        std::fs::write(&file, message).unwrap();
        let out = std::process::Command::new("git")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("HOME", dir.path())
            .args(["interpret-trailers", "--parse"])
            .arg(&file)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| {
                let (k, v) = l.split_once(": ").unwrap_or((l, ""));
                (k.to_string(), v.to_string())
            })
            .collect()
    }

    fn expected_trailers(a: &Amendment) -> Vec<(String, String)> {
        let a = a.sanitized();
        let mut t = vec![(TRAILER_ID.to_string(), a.id.clone())];
        if !a.proposers.is_empty() {
            t.push((TRAILER_PROPOSED_BY.into(), a.proposers.join(", ")));
        }
        for c in &a.clauses {
            t.push((TRAILER_CLAUSE.into(), c.clone()));
        }
        t.push((TRAILER_KIND.into(), a.kind.as_str().into()));
        if let Some(r) = &a.round {
            t.push((TRAILER_ROUND.into(), r.clone()));
        }
        t.push((TRAILER_STATUS.into(), a.status.as_str().into()));
        t
    }

    #[test]
    fn kinds_and_statuses_are_kebab_case_words() {
        for kind in AmendmentKind::ALL {
            assert_eq!(kind.as_str().parse::<AmendmentKind>(), Ok(*kind));
            let json = serde_json::to_string(kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
        }
        assert_eq!("lift-brackets".parse(), Ok(AmendmentKind::LiftBrackets));
        assert_eq!("Re-Tier".parse(), Ok(AmendmentKind::ReTier));
        let err = "amend".parse::<AmendmentKind>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "\"amend\" is not a known amendment kind: use one of insert, delete, replace, \
             bracket, lift-brackets, choose-option, move, renumber, re-tier, annex, \
             insert-article, insert-annex, insert-part, insert-chapter, move-article, move-annex, \
             move-part, move-chapter, delete-article, delete-annex, delete-part, delete-chapter, \
             renumber-article, renumber-annex, renumber-part, renumber-chapter"
        );
        for status in AmendmentStatus::ALL {
            assert_eq!(status.as_str().parse::<AmendmentStatus>(), Ok(*status));
        }
        assert_eq!(AmendmentStatus::default(), AmendmentStatus::Adopted);
        assert!(
            "pending"
                .parse::<AmendmentStatus>()
                .unwrap_err()
                .to_string()
                .contains("proposed, adopted, withdrawn, rejected")
        );
    }

    #[test]
    fn message_reads_like_git_and_round_trips() {
        let a = sample();
        assert_eq!(a.id, sample().id, "derived ids are deterministic");
        assert!(a.id.starts_with("am-") && a.id.len() == 15);
        assert!(a.id[3..].chars().all(|c| c.is_ascii_hexdigit()));
        let msg = a.to_message();
        assert_eq!(
            msg,
            format!(
                "Replace observatory.2.b (EU, AU)\n\n\
                 Aligns the review cycle with the reporting cycle.\n\n\
                 Amendment-Id: {}\n\
                 Proposed-by: EU, AU\n\
                 Clause: observatory.2.b\n\
                 Kind: replace\n\
                 Round: geneva-2\n\
                 Status: adopted\n",
                a.id
            )
        );
        assert_eq!(Amendment::parse(&msg), Some(a.sanitized()));
        let parsed = Amendment::parse(&msg).unwrap();
        assert_eq!(parsed.summary, "Replace observatory.2.b (EU, AU)");
        assert_eq!(git_trailers(&msg), expected_trailers(&a));
    }

    #[test]
    fn given_summary_several_clauses_and_no_body() {
        let a = Amendment::new(
            AmendmentKind::Move,
            ["G77"],
            ["observatory.3", "observatory.4"],
        )
        .with_summary("Move the reporting duty after the review")
        .with_status(AmendmentStatus::Proposed);
        let msg = a.to_message();
        assert!(msg.starts_with("Move the reporting duty after the review\n\nAmendment-Id: "));
        let back = Amendment::parse(&msg).unwrap();
        assert_eq!(back, a);
        assert_eq!(git_trailers(&msg), expected_trailers(&a));
    }

    #[test]
    fn co_signers_are_trailers_git_reads() {
        let a = Amendment::new(AmendmentKind::Replace, ["EU", "AU"], ["x.1"])
            .with_co_signer("AU", "head@au.example")
            .with_derived_id("co");
        let msg = a.to_message();
        assert!(
            msg.contains("\nProposed-by: EU, AU\nCo-signed-by: AU <head@au.example>\n"),
            "{msg}"
        );
        assert_eq!(Amendment::parse(&msg), Some(a.sanitized()));
        assert!(git_trailers(&msg).contains(&(
            TRAILER_CO_SIGNED_BY.to_string(),
            "AU <head@au.example>".to_string()
        )));
    }

    #[test]
    fn fresh_ids_are_unique() {
        let ids: std::collections::HashSet<String> = (0..1000)
            .map(|_| Amendment::new(AmendmentKind::Insert, ["EU"], ["x"]).id)
            .collect();
        assert_eq!(ids.len(), 1000);
    }

    #[test]
    fn ordinary_commits_are_not_amendments() {
        for msg in [
            "",
            "Fix a typo",
            "Fix a typo\n\nSigned-off-by: A <a@b>\n",
            "Amendment-Id: am-000000000000\nKind: replace\n",
            "Subject\n\nAmendment-Id: am-000000000000\n",
            "Subject\n\nAmendment-Id: am-000000000000\nKind: amend\n",
            "Subject\n\nAmendment-Id: am-000000000000\nKind: insert\nStatus: pending\n",
            "Subject\n\nKind: insert\n",
        ] {
            assert_eq!(Amendment::parse(msg), None, "{msg:?}");
        }
        // A git-added trailer in the same block does not hide the amendment.
        let mut msg = sample().to_message();
        msg.push_str("Signed-off-by: A <a@b>\n");
        assert_eq!(Amendment::parse(&msg), Some(sample().sanitized()));
    }

    #[test]
    fn a_landing_cites_its_proposal_and_still_round_trips() {
        let mut a = sample().with_body("Lands: pr-forged");
        a.lands = vec!["pr-0123456789ab".into()];
        a.team = Some("Rights Coalition".into());
        let msg = a.to_message();
        assert!(
            msg.ends_with("Status: adopted\nTeam: Rights Coalition\nLands: pr-0123456789ab\n"),
            "{msg}"
        );
        assert_eq!(Amendment::parse(&msg), Some(a.sanitized()));
        // The body's look-alike is quoted, so the only citation is the trailer's.
        assert!(msg.contains("> Lands: pr-forged"), "{msg}");
        let mut expected = expected_trailers(&a);
        expected.push((TRAILER_TEAM.into(), "Rights Coalition".into()));
        expected.push((TRAILER_LANDS.into(), "pr-0123456789ab".into()));
        assert_eq!(git_trailers(&msg), expected);
    }

    #[test]
    fn hostile_text_cannot_inject_trailers() {
        let a = Amendment::new(AmendmentKind::Replace, ["EU"], ["observatory.1"])
            .with_summary("Harmless\n\nClause: evil.1\nKind: delete\nStatus: rejected")
            .with_body(
                "Explanation.\r\n---\n\nClause: evil.2\nProposed-by: XX\n--- \n\nAmendment-Id: am-ffffffffffff\nKind: delete",
            )
            .with_round("r1");
        let msg = a.to_message();
        let back = Amendment::parse(&msg).unwrap();
        assert_eq!(back, a.sanitized());
        assert_eq!(back.clauses, ["observatory.1"]);
        assert_eq!(back.kind, AmendmentKind::Replace);
        assert_eq!(back.id, a.id);
        assert_eq!(
            back.summary,
            "Harmless Clause: evil.1 Kind: delete Status: rejected"
        );
        assert!(back.body.contains("Clause: evil.2"));
        assert_eq!(git_trailers(&msg), expected_trailers(&a));

        let dashes = Amendment::new(AmendmentKind::Insert, ["EU, AU"], ["x"])
            .with_summary("--- start")
            .with_body("---");
        let msg = dashes.to_message();
        assert!(msg.starts_with("- -- start\n\n ---\n\n"), "{msg:?}");
        assert_eq!(Amendment::parse(&msg), Some(dashes.sanitized()));
        assert_eq!(dashes.sanitized().proposers, ["EU AU"]);
        assert_eq!(git_trailers(&msg), expected_trailers(&dashes));
    }

    #[test]
    fn validate_names_what_to_fix() {
        let ok = sample();
        assert_eq!(ok.validate(), Ok(()));
        let bad = ok.clone().with_id("am 1");
        assert!(matches!(bad.validate(), Err(InvalidAmendment::Id(_))));
        let mut bad = ok.clone();
        bad.proposers = vec!["EU, AU".into()];
        assert!(
            bad.validate()
                .unwrap_err()
                .to_string()
                .contains("list each delegation separately")
        );
        let mut bad = ok.clone();
        bad.clauses = vec!["observatory 2".into()];
        assert!(matches!(bad.validate(), Err(InvalidAmendment::Clause(_))));
        let bad = ok.with_round("round two");
        assert!(matches!(
            bad.validate(),
            Err(InvalidAmendment::Round { .. })
        ));
    }

    fn any_text() -> impl Strategy<Value = String> {
        prop_oneof![
            ".*",
            "[a-zA-Z:, \\n\\r\\t#-]{0,40}",
            Just("Clause: x\nKind: delete".to_string()),
            Just("\n---\n".to_string()),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn any_amendment_round_trips_and_git_agrees(
            kind in proptest::sample::select(AmendmentKind::ALL),
            status in proptest::sample::select(AmendmentStatus::ALL),
            proposers in proptest::collection::vec(any_text(), 0..3),
            clauses in proptest::collection::vec(any_text(), 0..3),
            round in proptest::option::of(any_text()),
            summary in any_text(),
            body in any_text(),
            seed in ".*",
        ) {
            let mut a = Amendment::new(kind, proposers, clauses)
                .with_summary(summary)
                .with_body(body)
                .with_status(status)
                .with_derived_id(&seed);
            a.round = round;
            let msg = a.to_message();
            prop_assert_eq!(Amendment::parse(&msg), Some(a.sanitized()));
            let ours: Vec<(String, String)> = trailer::trailers(&msg)
                .into_iter()
                .map(|t| (t.key.to_string(), t.value))
                .collect();
            prop_assert_eq!(&ours, &expected_trailers(&a));
            prop_assert_eq!(git_trailers(&msg), ours);
        }
    }
}
