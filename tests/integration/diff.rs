//! `treaty diff` and the diff library: rounds, moves, renumbering, positions, JSON.

use std::path::Path;

use treaty_workbench::amend;
use treaty_workbench::compare::{self, ClauseChange, WordOp};
use treaty_workbench::draft::Draft;
use treaty_workbench::versions::Sources;

use crate::support::{amend, recorded_sample, sample_copy, stderr, stdout, treaty};

fn sources(dir: &Path) -> Sources {
    Sources::open(dir).unwrap()
}

#[test]
fn diff_of_two_rounds_shows_exactly_the_changed_clauses_word_by_word() {
    let (dir, store) = recorded_sample();
    let before = Draft::load(&dir.path().join("drafts")).unwrap().draft;
    let old = before.clause("observatory.2.c").unwrap().text.clone();
    let new = old.replacen("support", "strengthen", 1);
    assert_ne!(old, new);
    amend(
        &store,
        amend::Change::Replace {
            clause: "observatory.2.c".into(),
            text: new.clone(),
        },
        "EU",
    );
    amend(
        &store,
        amend::Change::LiftBrackets {
            clause: "objective.1".into(),
            group: Some(0),
        },
        "Chair",
    );
    store.start_round("r2", "Second reading").unwrap();

    let s = sources(dir.path());
    let a = s.resolve("r1").unwrap();
    let b = s.resolve("round:r2").unwrap();
    let d = compare::compare(&a.draft, &b.draft, None);
    let changed: Vec<&str> = d.changed().map(|c| c.id.as_str()).collect();
    assert_eq!(changed, ["objective.1", "observatory.2.c"]);

    let obs = d.changed().find(|c| c.id == "observatory.2.c").unwrap();
    assert_eq!(obs.reference, "Article 15, paragraph 2, point (c)");
    let ClauseChange::Changed { words } = &obs.change else {
        panic!("expected a change, got {:?}", obs.change)
    };
    let edits: Vec<&WordOp> = words
        .iter()
        .filter(|w| !matches!(w, WordOp::Equal(_)))
        .collect();
    assert_eq!(
        edits,
        [
            &WordOp::Delete("support".into()),
            &WordOp::Insert("strengthen".into())
        ]
    );
    // Replaying the operations reproduces both texts.
    let old_again: String = words
        .iter()
        .filter_map(|w| match w {
            WordOp::Equal(t) | WordOp::Delete(t) => Some(t.as_str()),
            WordOp::Insert(_) => None,
        })
        .collect();
    let new_again: String = words
        .iter()
        .filter_map(|w| match w {
            WordOp::Equal(t) | WordOp::Insert(t) => Some(t.as_str()),
            WordOp::Delete(_) => None,
        })
        .collect();
    assert_eq!((old_again, new_again), (old, new));

    // Lifting a bracket shows as the removal of `[` and `]` only.
    let obj = d.changed().find(|c| c.id == "objective.1").unwrap();
    let ClauseChange::Changed { words } = &obj.change else {
        panic!("expected a change, got {:?}", obj.change)
    };
    let removed: Vec<&WordOp> = words
        .iter()
        .filter(|w| !matches!(w, WordOp::Equal(_)))
        .collect();
    assert_eq!(
        removed,
        [&WordOp::Delete("[".into()), &WordOp::Delete("]".into())]
    );

    // HEAD is r2, and `--clause` narrows the comparison.
    let only = compare::compare(
        &a.draft,
        &s.resolve("HEAD").unwrap().draft,
        Some("observatory"),
    );
    let ids: Vec<&str> = only.changed().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["observatory.2.c"]);

    let o = treaty(dir.path(), &["diff", "r1", "r2"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains("Article 15, paragraph 2, point (c) (observatory.2.c): changed\n"),
        "{text}"
    );
    assert!(text.contains("[-support-]{+strengthen+}"), "{text}");
    assert!(!text.contains("observatory.2.b"), "{text}");

    // On one core the two versions are read one after the other, not on two threads:
    // the same report, every style.
    #[cfg(target_os = "linux")]
    for style in ["inline", "instructions", "lines"] {
        let args = ["diff", "r1", "r2", "--all", "--style", style];
        let both = treaty(dir.path(), &args);
        let one = one_core_treaty(dir.path(), &args);
        assert!(one.status.success(), "{}", stderr(&one));
        assert_eq!(stdout(&one), stdout(&both), "{style}");
        assert!(stdout(&one).contains("observatory.2.c"), "{style}");
    }
}

/// `treaty` held to one core (the first this process may use), as on a one-core machine.
#[cfg(target_os = "linux")]
fn one_core_treaty(dir: &Path, args: &[&str]) -> std::process::Output {
    use std::os::unix::process::CommandExt;
    // SAFETY: a zeroed cpu_set_t is an empty set; sched_getaffinity only writes it.
    let mut allowed: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    let size = std::mem::size_of::<libc::cpu_set_t>();
    // SAFETY: `allowed` is a valid cpu_set_t of `size` bytes.
    assert_eq!(unsafe { libc::sched_getaffinity(0, size, &mut allowed) }, 0);
    // SAFETY: CPU_ISSET reads the set within its size.
    let cpu = (0..libc::CPU_SETSIZE as usize)
        .find(|&c| unsafe { libc::CPU_ISSET(c, &allowed) })
        .expect("a core to run on");
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_treaty"));
    cmd.args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("NO_COLOR", "1");
    // SAFETY: between fork and exec the closure builds a set on the stack and calls
    // sched_setaffinity, which is async-signal-safe.
    unsafe {
        cmd.pre_exec(move || {
            let mut set: libc::cpu_set_t = std::mem::zeroed();
            libc::CPU_SET(cpu, &mut set);
            match libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set) {
                0 => Ok(()),
                _ => Err(std::io::Error::last_os_error()),
            }
        });
    }
    cmd.output().expect("treaty runs")
}

#[test]
fn a_moved_article_is_one_move_and_renumbering_is_renumbering() {
    let (dir, store) = recorded_sample();
    amend(
        &store,
        amend::Change::Move {
            clause: "principles".into(),
            after: "objective".into(),
        },
        "Chair",
    );
    amend(
        &store,
        amend::Change::Renumber {
            clause: "observatory.2.c".into(),
            label: "(c bis)".into(),
        },
        "Chair",
    );
    let s = sources(dir.path());
    let a = s.resolve("r1").unwrap();
    let b = s.resolve("current").unwrap();
    let d = compare::compare(&a.draft, &b.draft, None);
    let changed: Vec<(&str, &ClauseChange)> =
        d.changed().map(|c| (c.id.as_str(), &c.change)).collect();
    assert_eq!(changed.len(), 2, "{changed:#?}");
    assert_eq!(
        changed[0],
        (
            "principles",
            &ClauseChange::Moved {
                from: "Article 4".into(),
                to: "after Article 1".into(),
                words: None
            }
        )
    );
    assert_eq!(
        changed[1],
        (
            "observatory.2.c",
            &ClauseChange::Renumbered {
                old: "(c)".into(),
                new: "(c bis)".into(),
                words: None
            }
        )
    );
    let o = treaty(dir.path(), &["diff", "r1", "current"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("(principles): moved from Article 4 to after Article 1"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn diff_current_with_a_delegation_shows_its_replacements_deletions_and_inserts() {
    let (dir, _store) = recorded_sample();
    let s = sources(dir.path());
    let eu = s.negotiation().unwrap().position("EU").unwrap().clone();
    let a = s.resolve("current").unwrap();
    let b = s.resolve("EU").unwrap();
    assert!(b.warnings.is_empty(), "{:?}", b.warnings);
    let d = compare::compare(&a.draft, &b.draft, None);
    for stance in &eu.clauses {
        let got = d.clauses.iter().find(|c| c.id == stance.clause).unwrap();
        let expected = match &stance.stance {
            treaty_workbench::position::Stance::Keep => "unchanged",
            treaty_workbench::position::Stance::Replace(_)
            | treaty_workbench::position::Stance::Bracket => "changed",
            treaty_workbench::position::Stance::Delete => "deleted",
        };
        assert_eq!(got.change.word(), expected, "{}", stance.clause);
        if let treaty_workbench::position::Stance::Replace(text) = &stance.stance {
            let ClauseChange::Changed { words } = &got.change else {
                unreachable!()
            };
            let new: String = words
                .iter()
                .filter_map(|w| match w {
                    WordOp::Equal(t) | WordOp::Insert(t) => Some(t.as_str()),
                    WordOp::Delete(_) => None,
                })
                .collect();
            assert_eq!(&new, text);
        }
    }
    let inserted: Vec<String> = d
        .changed()
        .filter_map(|c| match &c.change {
            ClauseChange::Inserted { text } => Some(text.clone()),
            _ => None,
        })
        .collect();
    let expected: Vec<String> = eu.inserts.iter().map(|i| i.text.clone()).collect();
    assert_eq!(inserted, expected);
    // Every other clause is unchanged.
    let stated: Vec<&str> = eu.clauses.iter().map(|c| c.clause.as_str()).collect();
    for c in d.changed() {
        let is_insert = matches!(c.change, ClauseChange::Inserted { .. });
        let under_deleted = matches!(c.change, ClauseChange::Deleted { .. })
            && stated.iter().any(|s| c.id.starts_with(&format!("{s}.")));
        assert!(
            is_insert || under_deleted || stated.contains(&c.id.as_str()),
            "{} changed",
            c.id
        );
    }
}

#[test]
fn json_output_parses_and_matches_the_library() {
    let (dir, store) = recorded_sample();
    let old = Draft::load(&dir.path().join("drafts"))
        .unwrap()
        .draft
        .clause("scope.1")
        .unwrap()
        .text
        .clone();
    amend(
        &store,
        amend::Change::Replace {
            clause: "scope.1".into(),
            text: format!("{old} Amended."),
        },
        "USA",
    );
    amend(
        &store,
        amend::Change::Delete {
            clause: "reporting.3".into(),
        },
        "EU",
    );
    let o = treaty(dir.path(), &["diff", "r1", "HEAD", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let s = sources(dir.path());
    let d = compare::compare(
        &s.resolve("r1").unwrap().draft,
        &s.resolve("HEAD").unwrap().draft,
        None,
    );
    let expected: Vec<serde_json::Value> = d
        .changed()
        .map(|c| serde_json::to_value(c).unwrap())
        .collect();
    assert_eq!(v["clauses"], serde_json::Value::Array(expected));
    let kinds: Vec<(&str, &str)> = v["clauses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["id"].as_str().unwrap(), c["change"].as_str().unwrap()))
        .collect();
    assert_eq!(kinds, [("scope.1", "changed"), ("reporting.3", "deleted")]);
    assert_eq!(
        v["clauses"][0]["words"].as_array().unwrap().last().unwrap(),
        &serde_json::json!({"insert": " Amended."})
    );
}

/// A record that cannot be opened (here: HEAD detached, as after `git checkout <tag>`) has
/// no rounds to offer: the error says why instead of "none yet".
#[test]
fn a_round_asked_of_a_record_that_cannot_be_opened_says_why() {
    let (dir, _store) = recorded_sample();
    crate::support::git_in(dir.path(), &["checkout", "-q", "--detach"]);
    let o = treaty(dir.path(), &["diff", "r1", "current"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("a round (none readable)"), "{err}");
    assert!(
        err.contains("rounds, tags and commits cannot be read here: the record at"),
        "{err}"
    );
    assert!(err.contains("detached HEAD"), "{err}");
    // The text on disk and the delegations' positions are still compared.
    let o = treaty(dir.path(), &["diff", "current", "EU"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn an_unknown_spec_is_a_clear_error_with_a_suggestion() {
    let (dir, _store) = recorded_sample();
    let err = sources(dir.path()).resolve("r11").unwrap_err().to_string();
    assert!(err.contains("`r11` names no version of the text"), "{err}");
    assert!(err.contains("a round (r1)"), "{err}");
    assert!(err.contains("did you mean `r1`?"), "{err}");
    assert!(!err.contains("cannot be read here"), "{err}");
    let o = treaty(dir.path(), &["diff", "current", "position:EUU"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("there is no position for delegation `EUU`: did you mean `EU`?"),
        "{}",
        stderr(&o)
    );
    let o = treaty(dir.path(), &["diff", "r1", "--clause", "observatry"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("did you mean `observatory`?"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_position_naming_an_unknown_clause_is_skipped_with_a_warning() {
    let dir = sample_copy();
    let path = dir.path().join("positions/eu.ron");
    let ron = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        ron.replace("(clause: \"reporting.3\"", "(clause: \"reporting.9\""),
    )
    .unwrap();
    let s = sources(dir.path());
    let eu = s.resolve("EU").unwrap();
    assert_eq!(eu.warnings.len(), 1, "{:?}", eu.warnings);
    assert!(eu.warnings[0].contains("reporting.9"), "{:?}", eu.warnings);
    // The rest of the position still applies; reporting.3 stays.
    assert!(eu.draft.clause("reporting.3").is_some());
    assert!(eu.draft.clause("other-instruments.2").is_none());
    let o = treaty(dir.path(), &["diff", "current", "EU"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("warning: position of EU: skipped"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn rounds_compare_from_the_record_alone_while_the_text_on_disk_does_not_load() {
    let (dir, store) = recorded_sample();
    amend(
        &store,
        amend::Change::LiftBrackets {
            clause: "objective.1".into(),
            group: Some(0),
        },
        "Chair",
    );
    store.start_round("r2", "Second reading").unwrap();
    // The draft on disk does not read (a save cut short, bytes that are not text).
    let treaty_md = dir.path().join("drafts/treaty.md");
    let mut bytes = std::fs::read(&treaty_md).unwrap();
    bytes.extend_from_slice(b"\xff\xfe");
    std::fs::write(&treaty_md, bytes).unwrap();

    let o = treaty(dir.path(), &["diff", "r1", "r2"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("objective.1"), "{}", stdout(&o));
    // Naming the text on disk, or a delegation (whose position applies onto it), says
    // what cannot be read.
    for spec in ["current", "EU", "position:EU"] {
        let o = treaty(dir.path(), &["diff", "r1", spec]);
        assert_ne!(o.status.code(), Some(0), "{spec}");
        assert!(stderr(&o).contains("treaty.md"), "{spec}: {}", stderr(&o));
    }
}

#[test]
fn a_delegation_whose_code_is_not_its_file_name_is_found_without_a_prefix() {
    let (dir, _store) = recorded_sample();
    std::fs::write(
        dir.path().join("positions/g77-china.ron"),
        "(version: 1, code: \"G77/China\", name: \"Group of 77 and China\", kind: Group)\n",
    )
    .unwrap();
    for spec in ["G77/China", "g77/china"] {
        let resolved = sources(dir.path()).resolve(spec).unwrap();
        assert_eq!(resolved.name, "the position of G77/China", "{spec}");
    }
}
