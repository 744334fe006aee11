//! The roster (`positions/roster.ron`): who speaks for which delegation, and who is the
//! chair and secretariat. `treaty verify` checks every commit against it.
//!
//! ```ron
//! (
//!     version: 1,
//!     delegations: [
//!         (code: "EU", members: [(name: "Ana Silva", email: "ana@eu.example")], require_signature: false),
//!         (code: "USA", members: [(name: "Bo Lee", email: "bo@usa.example", ssh_key: "ssh-ed25519 AAAA… bo")], require_signature: true),
//!     ],
//!     chair: (name: "Chair and Secretariat", members: [(name: "Sec", email: "sec@un.example")]),
//!     since: "3f9a0c1d…", // optional: history up to this commit predates the roster
//! )
//! ```
//!
//! E-mail addresses are compared without regard to case. An `ssh_key` is a public key line
//! as in `~/.ssh/id_ed25519.pub`.

use std::collections::HashSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diag::Diagnostic;
use crate::ronfile::{self, RonError};

/// Where the roster lives in a negotiation folder.
pub const ROSTER_FILE: &str = "positions/roster.ron";
/// The code the chair and secretariat use in `Proposed-by` trailers unless the roster
/// names another.
pub const CHAIR: &str = "CHAIR";

/// One person allowed to act for a delegation or for the chair.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Member {
    pub name: String,
    pub email: String,
    /// Public SSH signing key (`ssh-ed25519 AAAA… comment`), for signed commits.
    #[serde(default)]
    pub ssh_key: Option<String>,
}

/// A delegation's members.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RosterDelegation {
    /// The delegation code, as in its position file (`"EU"`).
    pub code: String,
    pub members: Vec<Member>,
    /// When true, this delegation's commits must carry a valid SSH signature by one of
    /// its members' keys.
    #[serde(default)]
    pub require_signature: bool,
}

/// The chair and secretariat: the only people who land changes on the official draft.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Chair {
    pub name: String,
    /// The code used in `Proposed-by` for the chair's own proposals.
    #[serde(default = "chair_code")]
    pub code: String,
    pub members: Vec<Member>,
    #[serde(default)]
    pub require_signature: bool,
}

fn chair_code() -> String {
    CHAIR.to_string()
}

/// The whole roster file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Roster {
    pub version: u32,
    pub delegations: Vec<RosterDelegation>,
    pub chair: Chair,
    /// A commit id: that commit and everything before it predate the roster and are not
    /// checked.
    #[serde(default)]
    pub since: Option<String>,
    /// Moot negotiations (`treaty exercise`): who runs the exercise and reads every brief.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub instructors: Vec<Member>,
    /// People who follow the exercise and act for no one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub observers: Vec<Member>,
    /// Student teams, each playing a delegation or a bloc ([`crate::exercise::team`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub teams: Vec<crate::exercise::Team>,
}

impl Roster {
    pub fn load(path: &Path, display: &Path) -> Result<Self, RonError> {
        ronfile::load(path, display)
    }

    /// Parses roster bytes (for instance read from a git tree); `display` names the file in
    /// messages.
    pub fn from_bytes(bytes: &[u8], display: &Path) -> Result<Self, RonError> {
        ronfile::parse_bytes(bytes, display)
    }

    /// The roster entry for a delegation code (exact match, as in attributions).
    pub fn delegation(&self, code: &str) -> Option<&RosterDelegation> {
        self.delegations.iter().find(|d| d.code == code)
    }

    /// The member of delegation `code` with this e-mail address.
    pub fn member_of(&self, code: &str, email: &str) -> Option<&Member> {
        if code == self.chair.code {
            return self.chair_member(email);
        }
        self.delegation(code)?
            .members
            .iter()
            .find(|m| same_email(&m.email, email))
    }

    /// The chair or secretariat member with this e-mail address.
    pub fn chair_member(&self, email: &str) -> Option<&Member> {
        self.chair
            .members
            .iter()
            .find(|m| same_email(&m.email, email))
    }

    /// The delegations `email` is a member of.
    pub fn delegations_of(&self, email: &str) -> Vec<&str> {
        self.delegations
            .iter()
            .filter(|d| d.members.iter().any(|m| same_email(&m.email, email)))
            .map(|d| d.code.as_str())
            .collect()
    }

    /// Whether acting for `code` needs a signed commit.
    pub fn requires_signature(&self, code: &str) -> bool {
        if code == self.chair.code {
            return self.chair.require_signature;
        }
        self.delegation(code).is_some_and(|d| d.require_signature)
    }

    /// Problems inside the roster itself, located in `text`: duplicate delegations,
    /// members without an address, signatures required without keys, and (when
    /// `known_codes` is given) delegations that have no position file.
    pub fn check(
        &self,
        text: &str,
        display: &Path,
        known_codes: Option<&HashSet<&str>>,
    ) -> Vec<Diagnostic> {
        let mut diags = Vec::new();
        let at = |value: &str| ronfile::find_string(text, value);
        let mut seen = HashSet::new();
        for d in &self.delegations {
            let (line, col) = at(&d.code);
            if !seen.insert(d.code.as_str()) || d.code == self.chair.code {
                diags.push(
                    Diagnostic::error(
                        display,
                        line,
                        col,
                        format!("delegation `{}` is listed twice in the roster", d.code),
                    )
                    .with_help("merge the two entries into one"),
                );
            }
            if let Some(known) = known_codes
                && !known.contains(d.code.as_str())
            {
                let mut diag = Diagnostic::error(
                    display,
                    line,
                    col,
                    format!("unknown delegation `{}`: it has no position file", d.code),
                );
                if let Some(s) = crate::suggest::nearest(&d.code, known.iter().copied()) {
                    diag = diag.with_help(crate::suggest::help(s));
                }
                diags.push(diag);
            }
            self.check_members(
                &d.code,
                &d.members,
                d.require_signature,
                text,
                display,
                &mut diags,
            );
        }
        let chair = &self.chair;
        self.check_members(
            &chair.code,
            &chair.members,
            chair.require_signature,
            text,
            display,
            &mut diags,
        );
        diags.extend(self.check_exercise(text, display));
        diags
    }

    fn check_members(
        &self,
        code: &str,
        members: &[Member],
        require_signature: bool,
        text: &str,
        display: &Path,
        diags: &mut Vec<Diagnostic>,
    ) {
        let at = |value: &str| ronfile::find_string(text, value);
        for m in members {
            let (line, col) = at(&m.email);
            if !m.email.contains('@') || m.email.trim() != m.email {
                diags.push(Diagnostic::error(
                    display,
                    line,
                    col,
                    format!("`{}` of {code} has no usable e-mail address", m.name),
                ));
            }
            if require_signature && m.ssh_key.as_deref().is_none_or(|k| k.trim().is_empty()) {
                diags.push(
                    Diagnostic::error(
                        display,
                        line,
                        col,
                        format!(
                            "{code} requires signed commits but `{}` has no ssh_key",
                            m.name
                        ),
                    )
                    .with_help("add the member's public key line (`ssh-ed25519 AAAA…`)"),
                );
            }
            if let Some(key) = &m.ssh_key
                && (key.contains('\n') || key.split_whitespace().count() < 2)
            {
                diags.push(
                    Diagnostic::error(
                        display,
                        line,
                        col,
                        format!("the ssh_key of `{}` is not a public key line", m.name),
                    )
                    .with_help("copy the one line from the member's `.pub` file"),
                );
            }
        }
        if members.is_empty() {
            let (line, col) = at(code);
            diags.push(Diagnostic::warning(
                display,
                line,
                col,
                format!("{code} has no members, so nobody may act for it"),
            ));
        }
    }
}

/// E-mail addresses compare without regard to case (the domain part is case-insensitive
/// and real mail systems treat the local part so too).
pub fn same_email(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"(
    version: 1,
    delegations: [
        (code: "EU", members: [(name: "Ana", email: "ana@eu.example")]),
        (code: "USA", members: [(name: "Bo", email: "Bo@usa.example", ssh_key: "ssh-ed25519 AAAA bo")], require_signature: true),
    ],
    chair: (name: "Chair", members: [(name: "Sec", email: "sec@un.example")]),
)"#;

    #[test]
    fn reads_members_and_chair() {
        let r = Roster::from_bytes(SAMPLE.as_bytes(), Path::new("roster.ron")).unwrap();
        assert_eq!(r.member_of("USA", "bo@USA.example").unwrap().name, "Bo");
        assert!(r.member_of("EU", "bo@usa.example").is_none());
        assert_eq!(r.member_of("CHAIR", "sec@un.example").unwrap().name, "Sec");
        assert!(r.requires_signature("USA") && !r.requires_signature("EU"));
        assert_eq!(r.delegations_of("ana@eu.example"), vec!["EU"]);
        assert!(r.check(SAMPLE, Path::new("roster.ron"), None).is_empty());
    }

    #[test]
    fn unknown_code_and_missing_key_are_located() {
        let text = SAMPLE
            .replace("\"EU\"", "\"EUR\"")
            .replace(", ssh_key: \"ssh-ed25519 AAAA bo\"", "");
        let r = Roster::from_bytes(text.as_bytes(), Path::new("roster.ron")).unwrap();
        let known: HashSet<&str> = ["EU", "USA"].into_iter().collect();
        let diags = r.check(&text, Path::new("roster.ron"), Some(&known));
        let msgs: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
        assert!(
            msgs.iter()
                .any(|m| m.starts_with("roster.ron:4:16: error: unknown delegation `EUR`")),
            "{msgs:?}"
        );
        assert!(
            msgs.iter()
                .any(|m| m.contains("USA requires signed commits")),
            "{msgs:?}"
        );
    }
}
