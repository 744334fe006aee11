//! Proposals: what a delegation submits to the chair, and how a pending proposal follows
//! the text as the chair lands others.
//!
//! Delegations do not edit the official text; they propose, and the chair lands. A
//! proposal lives in the proposing delegation's own position file (`positions/<code>.ron`,
//! format version 2), appended to its `proposals` list and never rewritten:
//!
//! ```ron
//! (
//!     version: 2,
//!     code: "EU",
//!     // … the position as before …
//!     proposals: [
//!         (id: "pr-3f9a0c1d2e4b", clause: "observatory.2.b", kind: Replace, base: "review compliance [annually][every two years];", text: "review compliance annually;", round: Some("1"), note: "Aligns the cycles."),
//!         (id: "pr-77ab12cd34ef", clause: "fund.3", kind: Delete, base: "…"),
//!     ],
//!     votes: [(proposal: "pr-0a1b2c3d4e5f", vote: Yes)],
//! )
//! ```
//!
//! `base` is the clause's text when the proposal was made; `text` the clause as proposed
//! (for `ChooseOption`, the text with that option chosen; for `InsertAfter`, the new
//! clause after `clause`). The commit that appends it carries the amendment trailers with
//! `Status: proposed` and the proposal's id as `Amendment-Id`, so the id survives a sync's
//! replay. The chair lands it as an amendment whose trailers add `Lands: <id>`, or
//! declines it with a commit carrying `Declines: <id>`. A proposal's state is read from the
//! record ([`ProposalStatus`]); a pending proposal on a clause that has changed since is
//! rebased word by word onto the new text ([`Proposal::follow`]), or is stale.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use similar::{Algorithm, DiffTag, capture_diff_slices};

use crate::amend::Change;
use crate::amendment::AmendmentKind;
use crate::compare;
use crate::trailer;

/// Proposal ids start so (`pr-` and 12 hex digits); amendments' with `am-`.
pub const PROPOSAL_PREFIX: &str = "pr-";

/// What the proposal does to its clause.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProposalKind {
    /// New wording (`text`).
    Replace,
    /// Deletes the clause.
    Delete,
    /// Keeps alternative `option` of bracket group or option set `group` (both counted
    /// from 1, as on the command line).
    ChooseOption { group: usize, option: usize },
    /// A new clause (`text`) after `clause`.
    InsertAfter,
}

impl ProposalKind {
    /// The `Kind:` trailer the proposal (and its landing) records.
    pub fn amendment_kind(&self) -> AmendmentKind {
        match self {
            ProposalKind::Replace => AmendmentKind::Replace,
            ProposalKind::Delete => AmendmentKind::Delete,
            ProposalKind::ChooseOption { .. } => AmendmentKind::ChooseOption,
            ProposalKind::InsertAfter => AmendmentKind::Insert,
        }
    }
}

/// One proposal, as its delegation's position file keeps it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Proposal {
    pub id: String,
    /// The clause it amends (for `InsertAfter`, the clause the new one follows).
    pub clause: String,
    pub kind: ProposalKind,
    /// The clause's text when it was proposed (empty for an insertion).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub base: String,
    /// The clause as proposed, or the new clause's text; empty for a deletion.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub text: String,
    /// `InsertAfter`: the new clause's display number, if proposed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub round: Option<String>,
    /// Why (the `-m` of `treaty propose`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// A delegation's vote on a proposal. The latest entry for a proposal in the delegation's
/// position file is its vote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vote {
    pub proposal: String,
    pub vote: VoteChoice,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum VoteChoice {
    Yes,
    No,
    Abstain,
}

impl VoteChoice {
    pub fn as_str(self) -> &'static str {
        match self {
            VoteChoice::Yes => "yes",
            VoteChoice::No => "no",
            VoteChoice::Abstain => "abstain",
        }
    }
}

impl FromStr for VoteChoice {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "yes" => Ok(VoteChoice::Yes),
            "no" => Ok(VoteChoice::No),
            "abstain" => Ok(VoteChoice::Abstain),
            _ => Err(format!("\"{s}\" is not a vote: use yes, no or abstain")),
        }
    }
}

/// Where a proposal stands, read from the record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProposalStatus {
    /// Waiting for the chair, and it applies to the text as it stands.
    Pending,
    /// The chair landed it (an amendment cites it with `Lands:`).
    Landed,
    /// The chair declined it (a commit cites it with `Declines:`).
    Declined,
    /// Not landed or declined, but the text moved so that it no longer applies.
    Stale,
}

impl ProposalStatus {
    pub const ALL: &'static [ProposalStatus] = &[
        ProposalStatus::Pending,
        ProposalStatus::Landed,
        ProposalStatus::Declined,
        ProposalStatus::Stale,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ProposalStatus::Pending => "pending",
            ProposalStatus::Landed => "landed",
            ProposalStatus::Declined => "declined",
            ProposalStatus::Stale => "stale",
        }
    }
}

impl fmt::Display for ProposalStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ProposalStatus {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ProposalStatus::ALL
            .iter()
            .copied()
            .find(|v| v.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                format!("\"{s}\" is not a proposal status: use pending, landed, declined or stale")
            })
    }
}

/// How a proposal stands against the text as it is now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Followed {
    /// It applies: the change to land. `rebased` when the clause moved since the proposal
    /// and the proposal's words were carried onto the new text.
    Applies { change: Change, rebased: bool },
    /// It no longer applies, and why.
    Stale { why: String },
}

impl Proposal {
    /// The proposal against the clause as it stands now (`None`: the clause is gone).
    /// Replacements and chosen options are rebased word by word ([`merge_words`]) when the
    /// clause changed since; a deletion applies while the clause exists, an insertion while
    /// the clause it follows does.
    pub fn follow(&self, current: Option<&str>) -> Followed {
        let Some(current) = current else {
            return Followed::Stale {
                why: format!("{} is no longer in the text", self.clause),
            };
        };
        let applies = |change| Followed::Applies {
            change,
            rebased: false,
        };
        match &self.kind {
            ProposalKind::Delete => applies(Change::Delete {
                clause: self.clause.clone(),
            }),
            ProposalKind::InsertAfter => applies(Change::Insert {
                after: self.clause.clone(),
                id: None,
                label: self.label.clone(),
                text: self.text.clone(),
            }),
            ProposalKind::Replace | ProposalKind::ChooseOption { .. } if current == self.base => {
                applies(match self.kind {
                    ProposalKind::ChooseOption { group, option } if group > 0 && option > 0 => {
                        Change::ChooseOption {
                            clause: self.clause.clone(),
                            point: group - 1,
                            option: option - 1,
                        }
                    }
                    _ => Change::Replace {
                        clause: self.clause.clone(),
                        text: self.text.clone(),
                    },
                })
            }
            ProposalKind::Replace | ProposalKind::ChooseOption { .. } => {
                match merge_words(&self.base, current, &self.text) {
                    Some(text) if text == current => Followed::Stale {
                        why: format!("{} already reads as proposed", self.clause),
                    },
                    Some(text) => Followed::Applies {
                        change: Change::Replace {
                            clause: self.clause.clone(),
                            text,
                        },
                        rebased: true,
                    },
                    None => Followed::Stale {
                        why: format!(
                            "{} changed since, where the proposal changes it too",
                            self.clause
                        ),
                    },
                }
            }
        }
    }
}

/// A three-way merge of words: the changes from `base` to `ours` and from `base` to
/// `theirs`, both applied, when they touch different words (tokens as
/// [`compare::tokens`] reads them); `None` when both change the same words differently.
pub fn merge_words(base: &str, ours: &str, theirs: &str) -> Option<String> {
    let b = compare::tokens(base);
    let o = compare::tokens(ours);
    let t = compare::tokens(theirs);
    let ours_at = matches(&b, &o);
    let theirs_at = matches(&b, &t);
    let mut out = String::new();
    let (mut i, mut j, mut k) = (0, 0, 0);
    loop {
        // The next base token both sides kept: a stable anchor.
        let anchor = (i..b.len()).find(|&x| ours_at[x].is_some() && theirs_at[x].is_some());
        let (bi, oj, tk) = match anchor {
            Some(x) => (x, ours_at[x].expect("kept"), theirs_at[x].expect("kept")),
            None => (b.len(), o.len(), t.len()),
        };
        let (bc, oc, tc) = (&b[i..bi], &o[j..oj], &t[k..tk]);
        if oc == bc {
            out.extend(tc.iter().copied());
        } else if tc == bc || oc == tc {
            out.extend(oc.iter().copied());
        } else {
            return None;
        }
        if anchor.is_none() {
            return Some(out);
        }
        out.push_str(b[bi]);
        (i, j, k) = (bi + 1, oj + 1, tk + 1);
    }
}

/// For each token of `a`, where `b` keeps it (by a word diff), if it does.
fn matches(a: &[&str], b: &[&str]) -> Vec<Option<usize>> {
    let mut at = vec![None; a.len()];
    for op in capture_diff_slices(Algorithm::Myers, a, b) {
        let (tag, ra, rb) = op.as_tag_tuple();
        if tag == DiffTag::Equal {
            for (x, y) in ra.zip(rb) {
                at[x] = Some(y);
            }
        }
    }
    at
}

/// The three texts of a stale proposal, each with its words against the base:
/// what it was proposed against, what the text says now, and what was proposed.
pub fn three_way(base: &str, now: Option<&str>, proposed: &str) -> String {
    let line = |label: &str, text: &str| format!("  {label:<9} {text}");
    let mut s = vec![line("base:", base)];
    match now {
        Some(now) => s.push(line(
            "landed:",
            &compare::render_words(&compare::word_ops(base, now)),
        )),
        None => s.push(line("landed:", "(the clause was deleted)")),
    }
    s.push(line(
        "proposal:",
        &compare::render_words(&compare::word_ops(base, proposed)),
    ));
    s.join("\n")
}

/// The ids a commit message cites under `key` (`Lands`, `Declines`) in its trailer block.
pub fn cited(message: &str, key: &str) -> Vec<String> {
    trailer::trailers(message)
        .into_iter()
        .filter(|t| t.key.eq_ignore_ascii_case(key))
        .flat_map(|t| {
            t.value
                .split(',')
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// `text` (a position file) with `entry` (one RON value) appended to its list `field`
/// (`proposals`, `votes`), the list created when absent and the file's version raised to
/// at least `version`: every other byte stays as it was. `None` when the file's shape is
/// not one this can follow (the caller then writes the file afresh).
pub fn append_to_list(text: &str, field: &str, entry: &str, version: u32) -> Option<String> {
    let spans = scan(text)?;
    let mut out = match spans.field_list(text, field) {
        Some((_, close)) => {
            let before = text[..close].trim_end();
            let comma = if before.ends_with(['[', ',']) {
                ""
            } else {
                ","
            };
            format!("{before}{comma}\n        {entry},\n    {}", &text[close..])
        }
        None => {
            let close = spans.close;
            let before = text[..close].trim_end();
            let comma = if before.ends_with(['(', ',']) {
                ""
            } else {
                ","
            };
            format!(
                "{before}{comma}\n    {field}: [\n        {entry},\n    ],\n{}",
                &text[close..]
            )
        }
    };
    if let Some(at) = out.find("version:") {
        let digits_at = at + "version:".len();
        let rest = &out[digits_at..];
        let lead = rest.len() - rest.trim_start().len();
        let digits: String = rest
            .trim_start()
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        if digits.parse::<u32>().is_ok_and(|v| v < version) {
            let start = digits_at + lead;
            out.replace_range(start..start + digits.len(), &version.to_string());
        }
    }
    Some(out)
}

/// One RON value on one line, as [`append_to_list`] takes it.
pub fn ron_entry<T: Serialize>(value: &T) -> String {
    let config = ron::ser::PrettyConfig::new()
        .struct_names(false)
        .compact_structs(true)
        .compact_arrays(true)
        .new_line(" ".to_string())
        .indentor(String::new());
    ron::ser::to_string_pretty(value, config).expect("plain data serialises")
}

/// Where the top-level struct of a RON file closes, and its depth-1 fields.
struct Spans {
    /// Byte offset of the top-level `)`.
    close: usize,
    /// (field name, byte offset just after its `:`).
    fields: Vec<(String, usize)>,
}

impl Spans {
    /// The `[`…`]` of a depth-1 list field: offsets of `[` and of its `]`.
    fn field_list(&self, text: &str, field: &str) -> Option<(usize, usize)> {
        let &(_, after) = self.fields.iter().find(|(f, _)| f == field)?;
        let open = after + text[after..].find(|c: char| !c.is_whitespace())?;
        if !text[open..].starts_with('[') {
            return None;
        }
        let mut depth = 0usize;
        let mut close = None;
        walk(text, open, |i, c| {
            match c {
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' => {
                    depth -= 1;
                    if depth == 0 {
                        close = Some(i);
                        return false;
                    }
                }
                _ => {}
            }
            true
        })?;
        close.map(|c| (open, c))
    }
}

fn scan(text: &str) -> Option<Spans> {
    let mut depth = 0usize;
    let mut close = None;
    let mut fields = Vec::new();
    let mut word_start: Option<usize> = None;
    let mut last_word: Option<(String, usize)> = None;
    walk(text, 0, |i, c| {
        if c.is_alphanumeric() || c == '_' {
            word_start.get_or_insert(i);
            return true;
        }
        if let Some(s) = word_start.take() {
            last_word = Some((text[s..i].to_string(), i));
        }
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => {
                if depth == 0 {
                    return false;
                }
                depth -= 1;
                if depth == 0 {
                    close = Some(i);
                    return false;
                }
            }
            ':' if depth == 1 => {
                if let Some((w, end)) = last_word.take()
                    && text[end..i].trim().is_empty()
                {
                    fields.push((w, i + 1));
                }
            }
            c if c.is_whitespace() => return true,
            _ => {}
        }
        last_word = None;
        true
    })?;
    Some(Spans {
        close: close?,
        fields,
    })
}

/// Calls `f` with each character of `text` from `from` that is outside strings and
/// comments, until `f` returns false. `None` when a string or comment never ends.
fn walk(text: &str, from: usize, mut f: impl FnMut(usize, char) -> bool) -> Option<()> {
    let bytes = text.as_bytes();
    let mut i = from;
    while i < text.len() {
        let rest = &text[i..];
        if rest.starts_with("//") {
            i += rest.find('\n').unwrap_or(rest.len());
            continue;
        }
        if rest.starts_with("/*") {
            i += rest.find("*/")? + 2;
            continue;
        }
        if rest.starts_with("r\"") || rest.starts_with("r#") {
            let hashes = rest[1..].chars().take_while(|&c| c == '#').count();
            if rest[1 + hashes..].starts_with('"') {
                let end = format!("\"{}", "#".repeat(hashes));
                let body = 2 + hashes;
                i += body + rest[body..].find(&end)? + end.len();
                continue;
            }
        }
        if bytes[i] == b'"' {
            i += 1;
            loop {
                match bytes.get(i)? {
                    b'\\' => i += 2,
                    b'"' => break,
                    _ => i += 1,
                }
            }
            i += 1;
            continue;
        }
        let c = rest.chars().next()?;
        if !f(i, c) {
            return Some(());
        }
        i += c.len_utf8();
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_changed_apart_merge_and_words_changed_together_do_not() {
        let base = "Parties [shall][should] review compliance annually.";
        let landed = "Parties shall review compliance annually.";
        let elsewhere = "Parties [shall][should] review compliance every two years.";
        assert_eq!(
            merge_words(base, landed, elsewhere).as_deref(),
            Some("Parties shall review compliance every two years.")
        );
        let same_words = "Parties should review compliance annually.";
        assert_eq!(merge_words(base, landed, same_words), None);
        assert_eq!(
            merge_words(base, base, elsewhere).as_deref(),
            Some(elsewhere)
        );
        assert_eq!(merge_words(base, landed, landed).as_deref(), Some(landed));
    }

    #[test]
    fn a_proposal_follows_the_text_or_goes_stale() {
        let p = Proposal {
            id: "pr-000000000001".into(),
            clause: "review.1".into(),
            kind: ProposalKind::Replace,
            base: "Parties [shall][should] review compliance annually.".into(),
            text: "Parties [shall][should] review compliance every two years.".into(),
            label: None,
            round: Some("1".into()),
            note: String::new(),
        };
        assert_eq!(
            p.follow(Some(&p.base)),
            Followed::Applies {
                change: Change::Replace {
                    clause: "review.1".into(),
                    text: p.text.clone()
                },
                rebased: false
            }
        );
        let Followed::Applies { change, rebased } =
            p.follow(Some("Parties shall review compliance annually."))
        else {
            panic!("rebases")
        };
        assert!(rebased);
        assert_eq!(
            change,
            Change::Replace {
                clause: "review.1".into(),
                text: "Parties shall review compliance every two years.".into()
            }
        );
        assert!(matches!(
            p.follow(Some("Parties shall review compliance each year.")),
            Followed::Stale { .. }
        ));
        assert!(matches!(p.follow(None), Followed::Stale { .. }));
        let view = three_way(
            &p.base,
            Some("Parties shall review compliance each year."),
            &p.text,
        );
        assert!(
            view.contains("landed:   Parties [-[-]shall[-][should]-] review compliance [-annually-]{+each year+}."),
            "{view}"
        );
        assert!(view.contains("proposal: Parties [shall][should] review compliance [-annually-]{+every two years+}."), "{view}");
    }

    #[test]
    fn appending_keeps_every_other_byte_and_raises_the_version() {
        let file = "// EU\n(\n    version: 1,\n    code: \"EU\", // ours\n    name: \"European Union (a [note])\",\n    kind: Group,\n    notes: \"x)\",\n)\n";
        let entry = ron_entry(&Vote {
            proposal: "pr-1".into(),
            vote: VoteChoice::Yes,
        });
        assert_eq!(entry, "(proposal: \"pr-1\", vote: Yes)");
        let once = append_to_list(file, "votes", &entry, 2).unwrap();
        assert_eq!(
            once,
            "// EU\n(\n    version: 2,\n    code: \"EU\", // ours\n    name: \"European Union (a [note])\",\n    kind: Group,\n    notes: \"x)\",\n    votes: [\n        (proposal: \"pr-1\", vote: Yes),\n    ],\n)\n"
        );
        let twice = append_to_list(&once, "votes", "(proposal: \"pr-2\", vote: No)", 2).unwrap();
        assert!(
            twice.ends_with("        (proposal: \"pr-1\", vote: Yes),\n        (proposal: \"pr-2\", vote: No),\n    ],\n)\n"),
            "{twice}"
        );
        assert_eq!(append_to_list("(version: 1", "votes", &entry, 2), None);
    }

    #[test]
    fn statuses_and_votes_read_as_words() {
        for s in ProposalStatus::ALL {
            assert_eq!(s.as_str().parse::<ProposalStatus>(), Ok(*s));
        }
        assert!("open".parse::<ProposalStatus>().is_err());
        assert_eq!("Abstain".parse::<VoteChoice>(), Ok(VoteChoice::Abstain));
        assert_eq!(
            cited(
                "Land\n\nAmendment-Id: am-1\nKind: replace\nLands: pr-1, pr-2\n",
                "lands"
            ),
            ["pr-1", "pr-2"]
        );
    }
}
