//! Teams in the roster: each plays one delegation or a bloc of them. A team's negotiators
//! are written as members of every delegation it plays, so `treaty verify` lets them act
//! for it and for nothing else; its observers read its brief but act for no one.

use std::collections::HashSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diag::Diagnostic;
use crate::ronfile;
use crate::roster::{Member, Roster, same_email};
use crate::suggest;

/// One student team.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Team {
    pub name: String,
    /// The delegation codes it plays: one, or the members of a bloc.
    pub plays: Vec<String>,
    /// E-mail addresses of its negotiators; each is a member of every delegation in
    /// `plays` (where their name and SSH key are kept).
    pub members: Vec<String>,
    /// Members who follow the team's work and read its brief but commit nothing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub observers: Vec<Member>,
}

/// Why a team cannot be added. Nothing is changed in any case.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TeamError {
    #[error("a team needs a name")]
    NoName,
    #[error("there is already a team called \"{0}\": choose another name")]
    Exists(String),
    #[error("team \"{team}\" plays no delegation: give --plays CODE[,CODE…]")]
    PlaysNothing { team: String },
    #[error("unknown delegation `{code}`{}: the delegations are {}", suggest_text(.suggest), .known.join(", "))]
    UnknownDelegation {
        code: String,
        suggest: Option<String>,
        known: Vec<String>,
    },
    #[error("{code} is already played by team \"{team}\": a delegation has one team")]
    AlreadyPlayed { code: String, team: String },
    #[error("team \"{team}\" has no negotiating member: give at least one --member EMAIL")]
    NoMembers { team: String },
    #[error("`{0}` is not an e-mail address")]
    BadEmail(String),
    #[error("{email} is already in team \"{team}\": a student is in one team")]
    InTwoTeams { email: String, team: String },
    #[error("{email} is {role}: an instructor or the chair is in no team")]
    HasRole { email: String, role: &'static str },
}

fn suggest_text(s: &Option<String>) -> String {
    s.as_ref()
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default()
}

impl Roster {
    /// The team called `name` (case-insensitive).
    pub fn team(&self, name: &str) -> Option<&Team> {
        self.teams
            .iter()
            .find(|t| t.name.eq_ignore_ascii_case(name.trim()))
    }

    /// The team `email` negotiates for or observes.
    pub fn team_of(&self, email: &str) -> Option<&Team> {
        self.teams.iter().find(|t| {
            t.members.iter().any(|m| same_email(m, email))
                || t.observers.iter().any(|m| same_email(&m.email, email))
        })
    }

    /// The team that plays delegation `code`.
    pub fn team_playing(&self, code: &str) -> Option<&Team> {
        self.teams
            .iter()
            .find(|t| t.plays.iter().any(|c| c == code))
    }

    /// Whether `email` runs the exercise (and so may read every brief).
    pub fn is_instructor(&self, email: &str) -> bool {
        self.instructors.iter().any(|m| same_email(&m.email, email))
    }

    /// The people a team's confidential brief is for: its negotiators (as the delegation
    /// entries list them), its observers, and the instructors.
    pub fn brief_readers(&self, team: &Team) -> Vec<Member> {
        let mut out: Vec<Member> = Vec::new();
        for email in &team.members {
            let found = team
                .plays
                .iter()
                .find_map(|code| self.member_of(code, email))
                .cloned()
                .unwrap_or_else(|| Member {
                    name: email.clone(),
                    email: email.clone(),
                    ssh_key: None,
                });
            out.push(found);
        }
        out.extend(team.observers.iter().cloned());
        for i in &self.instructors {
            if !out.iter().any(|m| same_email(&m.email, &i.email)) {
                out.push(i.clone());
            }
        }
        out
    }

    /// Adds `team` with its negotiators (full entries) and observers: the negotiators
    /// become members of every delegation it plays. Checked whole before anything changes.
    pub fn add_team(
        &mut self,
        name: &str,
        plays: &[String],
        negotiators: Vec<Member>,
        observers: Vec<Member>,
    ) -> Result<(), TeamError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(TeamError::NoName);
        }
        if let Some(t) = self.team(name) {
            return Err(TeamError::Exists(t.name.clone()));
        }
        let known: Vec<String> = self.delegations.iter().map(|d| d.code.clone()).collect();
        let mut codes: Vec<String> = Vec::new();
        for code in plays.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
            let Some(found) = known.iter().find(|k| k.eq_ignore_ascii_case(code)) else {
                return Err(TeamError::UnknownDelegation {
                    code: code.to_string(),
                    suggest: suggest::nearest(&code.to_uppercase(), &known).cloned(),
                    known,
                });
            };
            if let Some(t) = self.team_playing(found) {
                return Err(TeamError::AlreadyPlayed {
                    code: found.clone(),
                    team: t.name.clone(),
                });
            }
            if !codes.contains(found) {
                codes.push(found.clone());
            }
        }
        if codes.is_empty() {
            return Err(TeamError::PlaysNothing { team: name.into() });
        }
        if negotiators.is_empty() {
            return Err(TeamError::NoMembers { team: name.into() });
        }
        for m in negotiators.iter().chain(&observers) {
            if !plausible_email(&m.email) {
                return Err(TeamError::BadEmail(m.email.clone()));
            }
            if let Some(t) = self.team_of(&m.email) {
                return Err(TeamError::InTwoTeams {
                    email: m.email.clone(),
                    team: t.name.clone(),
                });
            }
            if self.is_instructor(&m.email) {
                return Err(TeamError::HasRole {
                    email: m.email.clone(),
                    role: "an instructor",
                });
            }
            if self.chair_member(&m.email).is_some() {
                return Err(TeamError::HasRole {
                    email: m.email.clone(),
                    role: "a member of the chair",
                });
            }
        }
        for d in self
            .delegations
            .iter_mut()
            .filter(|d| codes.contains(&d.code))
        {
            for m in &negotiators {
                if !d.members.iter().any(|x| same_email(&x.email, &m.email)) {
                    d.members.push(m.clone());
                }
            }
        }
        self.teams.push(Team {
            name: name.to_string(),
            plays: codes,
            members: negotiators.into_iter().map(|m| m.email).collect(),
            observers,
        });
        Ok(())
    }

    /// Problems with the exercise's roles, located in `text`: teams that share a name,
    /// play an unknown delegation or one another team plays, or list a negotiator the
    /// delegation does not; a person in two teams; an observer who may act.
    pub fn check_exercise(&self, text: &str, display: &Path) -> Vec<Diagnostic> {
        let mut diags = Vec::new();
        let at = |value: &str| ronfile::find_string(text, value);
        let mut names = HashSet::new();
        let mut played: Vec<(&str, &str)> = Vec::new();
        let mut people: Vec<(&str, &str)> = Vec::new();
        for team in &self.teams {
            let (line, col) = at(&team.name);
            if !names.insert(team.name.to_lowercase()) {
                diags.push(Diagnostic::error(
                    display,
                    line,
                    col,
                    format!("team \"{}\" is listed twice", team.name),
                ));
            }
            for code in &team.plays {
                if self.delegation(code).is_none() {
                    let (line, col) = at(code);
                    diags.push(Diagnostic::error(
                        display,
                        line,
                        col,
                        format!(
                            "team \"{}\" plays `{code}`, which the roster does not list",
                            team.name
                        ),
                    ));
                } else if let Some((_, other)) = played.iter().find(|(c, _)| c == code) {
                    diags.push(Diagnostic::error(
                        display,
                        line,
                        col,
                        format!(
                            "`{code}` is played by two teams, \"{other}\" and \"{}\"",
                            team.name
                        ),
                    ));
                } else {
                    played.push((code, &team.name));
                }
                for email in &team.members {
                    if self.member_of(code, email).is_none() {
                        let (line, col) = at(email);
                        diags.push(
                            Diagnostic::error(
                                display,
                                line,
                                col,
                                format!(
                                    "{email} negotiates for team \"{}\" but is not a member of {code}",
                                    team.name
                                ),
                            )
                            .with_help(format!("add {email} to {code}'s members")),
                        );
                    }
                }
            }
            let emails = team
                .members
                .iter()
                .map(String::as_str)
                .chain(team.observers.iter().map(|m| m.email.as_str()));
            for email in emails {
                if let Some((_, other)) = people.iter().find(|(e, _)| same_email(e, email)) {
                    let (line, col) = at(email);
                    diags.push(Diagnostic::error(
                        display,
                        line,
                        col,
                        format!("{email} is in two teams, \"{other}\" and \"{}\"", team.name),
                    ));
                } else {
                    people.push((email, &team.name));
                }
            }
            for o in &team.observers {
                if !self.delegations_of(&o.email).is_empty() {
                    let (line, col) = at(&o.email);
                    diags.push(Diagnostic::error(
                        display,
                        line,
                        col,
                        format!(
                            "{} observes team \"{}\" but is a member of a delegation, so may act for it",
                            o.email, team.name
                        ),
                    ));
                }
            }
        }
        for o in &self.observers {
            if !self.delegations_of(&o.email).is_empty() || self.chair_member(&o.email).is_some() {
                let (line, col) = at(&o.email);
                diags.push(Diagnostic::error(
                    display,
                    line,
                    col,
                    format!(
                        "{} is an observer but also a member of a delegation or of the chair",
                        o.email
                    ),
                ));
            }
        }
        diags
    }
}

/// Something `name@domain` with no spaces.
pub fn plausible_email(email: &str) -> bool {
    let e = email.trim();
    e == email
        && !e.chars().any(char::is_whitespace)
        && e.split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && !domain.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roster::{Chair, RosterDelegation};

    fn roster() -> Roster {
        let d = |code: &str| RosterDelegation {
            code: code.into(),
            members: Vec::new(),
            require_signature: false,
        };
        Roster {
            version: 1,
            delegations: vec![d("EU"), d("USA"), d("AGN")],
            chair: Chair {
                name: "Instructor".into(),
                code: "CHAIR".into(),
                members: vec![member("prof@uni.example")],
                require_signature: false,
            },
            since: None,
            instructors: vec![member("prof@uni.example")],
            observers: Vec::new(),
            teams: Vec::new(),
        }
    }

    fn member(email: &str) -> Member {
        Member {
            name: email.split('@').next().unwrap_or_default().into(),
            email: email.into(),
            ssh_key: None,
        }
    }

    #[test]
    fn a_team_is_written_into_the_delegations_it_plays() {
        let mut r = roster();
        r.add_team(
            "Aurora",
            &["eu".into(), "agn".into()],
            vec![member("ana@uni.example")],
            vec![member("obs@uni.example")],
        )
        .unwrap();
        assert_eq!(r.team("aurora").unwrap().plays, ["EU", "AGN"]);
        assert!(r.member_of("EU", "ana@uni.example").is_some());
        assert!(r.member_of("AGN", "ana@uni.example").is_some());
        assert!(r.member_of("USA", "ana@uni.example").is_none());
        assert!(r.member_of("EU", "obs@uni.example").is_none());
        assert_eq!(r.team_of("obs@uni.example").unwrap().name, "Aurora");
        let readers: Vec<String> = r
            .brief_readers(r.team("Aurora").unwrap())
            .into_iter()
            .map(|m| m.email)
            .collect();
        assert_eq!(
            readers,
            ["ana@uni.example", "obs@uni.example", "prof@uni.example"]
        );
        let text = crate::exercise::to_ron(&r);
        let back = Roster::from_bytes(text.as_bytes(), Path::new("roster.ron")).unwrap();
        assert_eq!(back, r);
        assert!(
            back.check_exercise(&text, Path::new("roster.ron"))
                .is_empty()
        );
    }

    #[test]
    fn bad_teams_are_refused_and_change_nothing() {
        let mut r = roster();
        r.add_team(
            "Aurora",
            &["EU".into()],
            vec![member("ana@uni.example")],
            vec![],
        )
        .unwrap();
        let before = r.clone();
        let cases: [(&str, &str, Option<&str>, &str); 7] = [
            (
                "aurora",
                "USA",
                Some("b@u.example"),
                "already a team called \"Aurora\"",
            ),
            (
                "B",
                "EUU",
                Some("b@u.example"),
                "unknown delegation `EUU` (did you mean `EU`?)",
            ),
            (
                "B",
                "EU",
                Some("b@u.example"),
                "EU is already played by team \"Aurora\"",
            ),
            (
                "B",
                "USA",
                Some("ana@uni.example"),
                "already in team \"Aurora\"",
            ),
            ("B", "USA", Some("prof@uni.example"), "an instructor"),
            ("B", "USA", Some("not an email"), "not an e-mail address"),
            ("B", "USA", None, "no negotiating member"),
        ];
        for (name, plays, email, expected) in cases {
            let members = email.map(member).into_iter().collect();
            let err = r
                .add_team(name, &[plays.to_string()], members, vec![])
                .unwrap_err()
                .to_string();
            assert!(err.contains(expected), "{err} / {expected}");
        }
        assert_eq!(r, before);
    }
}
