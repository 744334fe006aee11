//! `treaty compile` and `treaty decompile` on a committed copy of the sample negotiation.

use std::collections::BTreeMap;
use std::path::Path;

use treaty_workbench::bracket::{self, Node};
use treaty_workbench::compilation;
use treaty_workbench::compile::{self, Proposals};
use treaty_workbench::draft::Draft;
use treaty_workbench::negotiation::Negotiation;
use treaty_workbench::position::{Position, Stance};
use treaty_workbench::roster::{ROSTER_FILE, Roster};
use treaty_workbench::store::Store;
use treaty_workbench::testing;

use crate::amend::{Sandbox, trailers};
use crate::support::{stderr, stdout};

fn positions(root: &Path) -> BTreeMap<String, Position> {
    let checked = Negotiation::load(root).unwrap();
    assert!(!checked.diagnostics.has_errors());
    checked.negotiation.positions
}

fn draft(root: &Path) -> Draft {
    Draft::load(&root.join("drafts")).unwrap().draft
}

/// One alternative: its wording, its proposers, whether it is a deletion.
type Alt = (String, Vec<String>, bool);

/// Every alternative of every group in `text`, nested ones included.
fn alternatives(text: &str) -> Vec<Alt> {
    let tree = bracket::parse(text);
    let mut out = Vec::new();
    tree.walk(|_, node| {
        if let Node::Group(g) = node {
            for a in &g.alternatives {
                out.push((
                    a.body.of(text).trim().to_string(),
                    a.proposers.clone(),
                    a.deletion,
                ));
            }
        }
    });
    out
}

fn sorted(mut m: BTreeMap<String, Proposals>) -> BTreeMap<String, Proposals> {
    for p in m.values_mut() {
        p.inserts
            .sort_by(|a, b| (&a.after, &a.label, &a.text).cmp(&(&b.after, &b.label, &b.text)));
    }
    m
}

#[test]
fn compile_records_one_chair_amendment_that_passes_check_with_every_wording_attributed() {
    let s = Sandbox::with_sample();
    let before = s.head();
    let original = draft(&s.repo());
    let positions = positions(&s.repo());
    let roster = Roster::load(&s.repo().join(ROSTER_FILE), Path::new(ROSTER_FILE)).unwrap();

    let o = s.treaty(&["compile"]);
    assert!(o.status.success(), "{}\n{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains("recorded compilation"),
        "{}",
        stdout(&o)
    );

    // One commit on top, by the roster's chair, clean work tree.
    assert_eq!(s.git(&["rev-parse", "HEAD~1"]).trim(), before);
    let chair = &roster.chair.members[0];
    assert_eq!(
        s.git(&["log", "-1", "--format=%an <%ae>|%cn <%ce>"]).trim(),
        format!("{0} <{1}>|{0} <{1}>", chair.name, chair.email)
    );
    assert_eq!(s.git(&["status", "--porcelain"]).trim(), "");
    let t = trailers(&s, "HEAD");
    let get = |k: &str| -> Vec<String> {
        t.iter()
            .filter(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
            .collect()
    };
    assert_eq!(get("Proposed-by"), std::slice::from_ref(&roster.chair.code));
    assert_eq!(get("Kind"), ["bracket"]);
    let clauses = get("Clause");
    assert!(!clauses.is_empty());
    // Per-clause counts in the message: one line per clause recorded.
    let msg = s.git(&["log", "-1", "--format=%B"]);
    for c in &clauses {
        assert!(
            msg.lines().any(|l| l.starts_with(&format!("{c}: "))),
            "no count line for {c}:\n{msg}"
        );
    }

    // The roster allows it: the chair lands changes on the official text.
    let verify = s.treaty(&["verify", "HEAD~1..HEAD"]);
    assert!(
        verify.status.success(),
        "{}\n{}",
        stdout(&verify),
        stderr(&verify)
    );

    // `treaty check` passes on the compilation text.
    let check = s.treaty(&["check"]);
    assert!(
        check.status.success(),
        "{}\n{}",
        stdout(&check),
        stderr(&check)
    );

    // Each delegation's wording, deletion and insertion is there, attributed to it.
    let compiled = draft(&s.repo());
    for p in positions.values() {
        for cs in &p.clauses {
            let Some(c) = original.clause(&cs.clause) else {
                continue;
            };
            let now = &compiled.clause(&cs.clause).unwrap().text;
            let alts = alternatives(now);
            let credited =
                |pred: &dyn Fn(&Alt) -> bool| alts.iter().any(|a| pred(a) && a.1.contains(&p.code));
            match &cs.stance {
                Stance::Replace(w) if w.trim() != c.text.trim() => assert!(
                    credited(&|a| !a.2 && a.0 == w.trim()),
                    "{}'s wording for {} not attributed in {now}",
                    p.code,
                    cs.clause
                ),
                Stance::Delete => assert!(
                    credited(&|a| a.2),
                    "{}'s deletion of {} not in {now}",
                    p.code,
                    cs.clause
                ),
                Stance::Bracket => assert!(
                    credited(&|a| !a.2 && a.0 == c.text.trim()),
                    "{} holding {} in brackets not in {now}",
                    p.code,
                    cs.clause
                ),
                _ => {}
            }
        }
        for ins in &p.inserts {
            let found = compiled.clauses.iter().any(|c| {
                original.clause(c.id.as_deref().unwrap_or("")).is_none()
                    && alternatives(&c.text)
                        .iter()
                        .any(|a| a.0 == ins.text.trim() && a.1.contains(&p.code))
            });
            assert!(found, "{}'s insertion after {} missing", p.code, ins.after);
        }
    }

    // Agreed clauses are left exactly as drafted.
    for c in &original.clauses {
        let id = c.id.as_deref().unwrap();
        if !clauses.iter().any(|x| x == id) {
            assert_eq!(compiled.clause(id).unwrap().text, c.text, "{id} changed");
        }
    }
}

#[test]
fn decompile_gives_back_the_sample_positions() {
    let s = Sandbox::with_sample();
    let original = draft(&s.repo());
    let positions = positions(&s.repo());
    assert!(s.treaty(&["compile"]).status.success());

    let out = s.home().join("proposals");
    let o = s.treaty(&["decompile", "--dir", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut got = BTreeMap::new();
    for entry in std::fs::read_dir(&out).unwrap() {
        let path = entry.unwrap().path();
        let p: Proposals =
            treaty_workbench::ronfile::load(&path, Path::new("proposals.ron")).unwrap();
        assert_eq!(compile::proposals_path(&out, &p.code), path);
        got.insert(p.code.clone(), p);
    }
    let expected = compile::normalise(&original, positions.values());
    assert!(expected.len() >= 10, "the sample has many positions");
    assert_eq!(sorted(got), sorted(expected));

    // A second run refuses to overwrite, and writes nothing.
    let before = crate::support::snapshot(&out);
    let again = s.treaty(&["decompile", "--dir", out.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(2));
    assert!(
        stderr(&again).contains("already exist"),
        "{}",
        stderr(&again)
    );
    assert_eq!(crate::support::snapshot(&out), before);

    // Without --dir it prints the same proposals.
    let printed = stdout(&s.treaty(&["decompile"]));
    assert!(printed.contains("code: \"EU\""), "{printed}");
}

#[test]
fn only_the_named_delegations_and_a_dry_run_writes_nothing() {
    let s = Sandbox::with_sample();
    let head = s.head();
    let files = s.work_tree();
    let o = s.treaty(&["compile", "--positions", "eu,USA", "--dry-run"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("positions of EU, USA"), "{text}");
    assert!(text.contains("nothing recorded"), "{text}");
    assert_eq!((s.head(), s.work_tree()), (head, files));

    let o = s.treaty(&["compile", "--positions", "EU,USA", "--round", "geneva-1"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let t = trailers(&s, "HEAD");
    assert!(t.contains(&("Round".to_string(), "geneva-1".to_string())));
    // The new (outermost) groups credit EU and the USA only; drafted attributions nested
    // inside them are left as they were.
    let compiled = draft(&s.repo());
    let mut credited = std::collections::BTreeSet::new();
    for (_, clause) in t.iter().filter(|(k, _)| k == "Clause") {
        let text = &compiled.clause(clause).unwrap().text;
        let tree = bracket::parse(text);
        let [Node::Group(g)] = tree.nodes.as_slice() else {
            panic!("{clause} is not one group: {text}");
        };
        credited.extend(g.alternatives.iter().flat_map(|a| a.proposers.clone()));
    }
    assert_eq!(credited.into_iter().collect::<Vec<_>>(), ["EU", "USA"]);
}

#[test]
fn bad_input_is_refused_and_nothing_is_written() {
    let s = Sandbox::with_sample();
    let head = s.head();
    let files = s.work_tree();

    let o = s.treaty(&["compile", "--positions", "EU,USAA"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unknown delegation `USAA`: did you mean `USA`?"),
        "{}",
        stderr(&o)
    );
    assert_eq!((s.head(), s.work_tree()), (head.clone(), files));

    // Uncommitted edits to a position.
    let eu = s.repo().join("positions/eu.ron");
    let edited = std::fs::read_to_string(&eu)
        .unwrap()
        .replace("stance: Keep", "stance: Delete");
    std::fs::write(&eu, &edited).unwrap();
    let files = s.work_tree();
    let o = s.treaty(&["compile"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("uncommitted changes in positions/eu.ron"),
        "{}",
        stderr(&o)
    );
    assert_eq!((s.head(), s.work_tree()), (head.clone(), files));
    s.git(&["checkout", "--", "positions/eu.ron"]);

    // The branch moves between reading the text and recording: refused, nothing written.
    testing::hermetic();
    let store = Store::open(s.repo()).unwrap();
    let read_at = store.head().unwrap();
    let checked = Negotiation::load(&s.repo()).unwrap();
    let c = compile::compile(&checked.negotiation, &compile::CompileOptions::default()).unwrap();
    let chair = compile::chair(&s.repo()).unwrap();
    std::fs::write(s.repo().join("notes.txt"), "minutes\n").unwrap();
    s.git(&["add", "notes.txt"]);
    s.git(&["commit", "-q", "-m", "Minutes"]);
    let moved = s.head();
    let files = s.work_tree();
    let err = compilation::record(&store, read_at, &c, &chair, None).unwrap_err();
    assert!(err.is_retryable(), "{err}");
    assert!(err.to_string().contains("moved on"), "{err}");
    assert_eq!((s.head(), s.work_tree()), (moved, files));
}

#[test]
fn the_chair_comes_from_the_roster_or_else_the_git_identity() {
    let s = Sandbox::with_sample();
    let roster = s.repo().join(ROSTER_FILE);
    let text = std::fs::read_to_string(&roster).unwrap();
    let start = text
        .find("members: [\n            (name: \"Chair\"")
        .unwrap();
    let end = start + text[start..].find("],").unwrap() + 2;
    std::fs::write(
        &roster,
        format!("{}members: [],{}", &text[..start], &text[end..]),
    )
    .unwrap();
    s.git(&["commit", "-q", "-am", "Roster without a chair member"]);
    let head = s.head();
    let o = s.treaty(&["compile"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("names no chair"), "{}", stderr(&o));
    assert_eq!(s.head(), head);

    s.git(&["rm", "-q", ROSTER_FILE]);
    s.git(&["commit", "-q", "-m", "No roster"]);
    let o = s.treaty(&["compile"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        s.git(&["log", "-1", "--format=%an <%ae>"]).trim(),
        format!("{} <{}>", testing::NAME, testing::EMAIL)
    );
    assert!(trailers(&s, "HEAD").contains(&("Proposed-by".to_string(), "CHAIR".to_string())));
}
