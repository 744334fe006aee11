//! `treaty import-history`: successive drafts derived from corpus texts (renumbered,
//! moved, edited, merged, split, dropped, new) become one commit each, with clause ids
//! that follow the text.

use std::path::{Path, PathBuf};

use treaty_workbench::amendment::{Amendment, AmendmentKind};
use treaty_workbench::draft::{ClauseKind, Draft};
use treaty_workbench::import::archive::{self, VersionReport};
use treaty_workbench::import_history::{ImportReport, ImportedVersion, import_history};
use treaty_workbench::store::Store;
use treaty_workbench::testing;

use crate::support::{corpus, stderr, stdout, treaty};

/// A plain-text treaty in the corpus form, split by `Article N - Title` lines.
struct Plain {
    head: String,
    articles: Vec<(String, String)>, // (title, body)
}

fn parse_plain(text: &str) -> Plain {
    let mut head = String::new();
    let mut articles: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        // `Article 5 - Title`, or `Article 5` alone (UDHR).
        let heading = line
            .strip_prefix("Article ")
            .map(|rest| rest.split_once(" - ").unwrap_or((rest, "")))
            .filter(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
        match (heading, articles.last_mut()) {
            (Some((_, title)), _) => articles.push((title.trim().to_string(), String::new())),
            (None, Some((_, body))) => {
                body.push_str(line);
                body.push('\n');
            }
            (None, None) => {
                head.push_str(line);
                head.push('\n');
            }
        }
    }
    Plain { head, articles }
}

impl Plain {
    fn position(&self, title: &str) -> usize {
        self.articles
            .iter()
            .position(|(t, _)| t == title)
            .unwrap_or_else(|| panic!("no article titled {title:?}"))
    }

    fn body_mut(&mut self, title: &str) -> &mut String {
        let i = self.position(title);
        &mut self.articles[i].1
    }

    /// Numbered 1, 2, 3… in their current order.
    fn render(&self) -> String {
        let mut s = self.head.clone();
        for (i, (title, body)) in self.articles.iter().enumerate() {
            let heading = if title.is_empty() {
                format!("Article {}", i + 1)
            } else {
                format!("Article {} - {title}", i + 1)
            };
            s.push_str(&format!("{heading}\n\n{}\n", body.trim()));
            s.push('\n');
        }
        s
    }
}

const SCOPE: &str = "Scope of the present Convention";
const TERMS: &str = "Use of terms";
const TERMS_2: &str = "Reach of the terms used";
const NOT_WITHIN: &str = "International agreements not within the scope of the present Convention";
const RETRO: &str = "Non-retroactivity of the present Convention";
const CAPACITY: &str = "Capacity of States to conclude treaties";
const FULL_POWERS: &str = "Full powers";
const CONFIRMATION: &str = "Subsequent confirmation of an act performed without authorization";
const AUTHENTICATION: &str = "Authentication of the text";
const PACTA: &str = "\"Pacta sunt servanda\"";
const ARCHIVES: &str = "Archives of the negotiation";
const TERMS_2_TEXT: &str = "The provisions of paragraph 1 regarding the use of terms";

/// v1: the VCLT as published. v2: a new Article 1 (everything renumbered), Article 10
/// moved after Article 20, Article 26 edited, Articles 3 and 4 merged, Article 2 split,
/// Article 8 dropped. v3: edits again.
fn versions(dir: &Path) -> Vec<archive::DraftVersion> {
    let original = std::fs::read_to_string(corpus("treaties/vclt.txt")).unwrap();
    let mut v = parse_plain(&original);
    assert_eq!(v.articles.len(), 85);

    v.articles.insert(
        0,
        (
            ARCHIVES.to_string(),
            "The depositary shall keep every official draft of this Convention, with the date on which it was issued and the delegations that proposed each change, in an archive open to all negotiating States.\n".to_string(),
        ),
    );
    let from = v.position(AUTHENTICATION);
    let moved = v.articles.remove(from);
    let to = v.position("Signature") + 1;
    v.articles.insert(to, moved);
    let pacta = v.body_mut(PACTA);
    assert!(pacta.contains("must be performed"));
    *pacta = pacta.replace("must be performed", "shall be performed");
    // Merge Article 4 into Article 3.
    let retro = v.articles.remove(v.position(RETRO)).1;
    v.body_mut(NOT_WITHIN).push_str(&format!("\n{retro}"));
    // Split paragraph 2 of Article 2 into an article of its own.
    let terms = v.body_mut(TERMS);
    let at = terms
        .find("2. The provisions")
        .expect("paragraph 2 of Article 2");
    let second = terms.split_off(at);
    let second = second.trim_start_matches("2. ").to_string();
    let after = v.position(TERMS) + 1;
    v.articles
        .insert(after, (TERMS_2.to_string(), format!("1. {second}")));
    v.articles.remove(v.position(CONFIRMATION));
    let v2 = v.render();

    let pacta = v.body_mut(PACTA);
    *pacta = pacta.replace("in good faith", "in good faith and without delay");
    let powers = v.body_mut(FULL_POWERS);
    *powers = powers.replacen(
        "appropriate full powers",
        "appropriate written full powers",
        1,
    );
    let v3 = v.render();

    let write = |name: &str, text: &str| -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    };
    vec![
        (
            "Zero draft".to_string(),
            Some("2023-05-01".to_string()),
            corpus("treaties/vclt.txt"),
        ),
        (
            "Chair's text".to_string(),
            Some("2023-11-20".to_string()),
            write("chair.txt", &v2),
        ),
        ("Final text".to_string(), None, write("final.txt", &v3)),
    ]
}

fn article_id(draft: &Draft, title: &str) -> String {
    let c = draft
        .clauses
        .iter()
        .find(|c| c.kind == ClauseKind::Article && c.title.as_deref() == Some(title))
        .unwrap_or_else(|| panic!("no article {title:?}"));
    c.id.clone().expect("every imported clause has an id")
}

fn article_label(draft: &Draft, id: &str) -> String {
    draft.clause(id).unwrap().label.clone().unwrap()
}

fn clause_with_text(draft: &Draft, start: &str) -> String {
    let c = draft
        .clauses
        .iter()
        .find(|c| c.text.starts_with(start))
        .unwrap_or_else(|| panic!("no clause starting {start:?}"));
    c.id.clone().unwrap()
}

fn matched<'r>(v: &'r VersionReport, id: &str) -> &'r archive::ArticleMatch {
    v.matched
        .iter()
        .find(|m| m.id == id)
        .unwrap_or_else(|| panic!("{id} not matched in {v:?}"))
}

struct Imported {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
    home: PathBuf,
    report: ImportReport,
}

fn import() -> Imported {
    testing::hermetic();
    let tmp = tempfile::tempdir().unwrap();
    let versions = versions(tmp.path());
    let dir = tmp.path().join("history");
    let home = tmp.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let report = import_history(&versions, &dir).expect("import the history");
    Imported {
        _tmp: tmp,
        dir,
        home,
        report,
    }
}

#[test]
fn ids_follow_the_text_across_versions() {
    let imp = import();
    let store = Store::open(&imp.dir).unwrap();
    let [r1, r2, r3] = &imp.report.versions[..] else {
        panic!("three versions: {:?}", imp.report);
    };
    let load = |r: &ImportedVersion| {
        let loaded = store.draft_at(r.commit).unwrap();
        assert!(
            loaded.diagnostics.iter().all(|d| !d.is_error()),
            "{:?}",
            loaded.diagnostics
        );
        loaded.draft
    };
    let (d1, d2, d3) = (load(r1), load(r2), load(r3));
    assert_eq!(r1.report.articles, 85);
    assert_eq!(r2.report.articles, 85); // +1 new, +1 split off, -1 merged, -1 dropped
    assert_eq!(r3.report.articles, 85);

    // Renumbered by the new Article 1, unchanged: same id, confidence 1.
    let scope = article_id(&d1, SCOPE);
    assert_eq!(article_id(&d2, SCOPE), scope);
    assert_eq!(article_label(&d1, &scope), "Article 1");
    assert_eq!(article_label(&d2, &scope), "Article 2");
    let m = matched(&r2.report, &scope);
    assert_eq!(m.confidence, 1.0);
    assert!(m.renumbered && !m.moved);
    assert_eq!((m.old.as_str(), m.new.as_str()), ("Article 1", "Article 2"));
    let capacity = article_id(&d1, CAPACITY);
    assert_eq!(article_id(&d2, CAPACITY), capacity);
    assert_eq!(matched(&r2.report, &capacity).confidence, 1.0);

    // Moved: same id, reported as moved.
    let auth = article_id(&d1, AUTHENTICATION);
    assert_eq!(article_id(&d2, AUTHENTICATION), auth);
    assert_ne!(article_label(&d1, &auth), article_label(&d2, &auth));
    assert!(matched(&r2.report, &auth).moved, "{r2}");

    // Edited: same id, confidence below 1; and again in v3.
    let pacta = article_id(&d1, PACTA);
    assert_eq!(article_id(&d2, PACTA), pacta);
    assert_eq!(article_id(&d3, PACTA), pacta);
    let c = matched(&r2.report, &pacta).confidence;
    assert!(c < 1.0 && c > 0.8, "{c}");
    assert!(matched(&r3.report, &pacta).confidence < 1.0);
    let pacta_text = clause_with_text(&d1, "Every treaty in force");
    assert_eq!(clause_with_text(&d3, "Every treaty in force"), pacta_text);
    assert!(r2.report.changed.contains(&pacta_text) && r3.report.changed.contains(&pacta_text));
    assert!(!r3.report.changed.contains(&capacity));

    // Merged: Articles 3 and 4 into one article that keeps Article 3's id; Article 4's
    // paragraph keeps its id inside it.
    let not_within = article_id(&d1, NOT_WITHIN);
    let retro = article_id(&d1, RETRO);
    assert_eq!(article_id(&d2, NOT_WITHIN), not_within);
    let merge = r2
        .report
        .merged
        .iter()
        .find(|m| m.into.id == not_within)
        .unwrap_or_else(|| panic!("merge not reported: {r2}"));
    let from: Vec<&str> = merge.from.iter().map(|n| n.id.as_str()).collect();
    assert_eq!(from, [not_within.as_str(), retro.as_str()]);
    assert!(d2.clause(&retro).is_none());
    let retro_text = clause_with_text(&d1, "Without prejudice to the application");
    assert_eq!(
        clause_with_text(&d2, "Without prejudice to the application"),
        retro_text
    );
    let i = d2.index_of(&retro_text).unwrap();
    assert_eq!(
        d2.clauses[d2.article_of(i).unwrap()].id.as_deref(),
        Some(not_within.as_str())
    );

    // Split: Article 2's paragraph 2 became an article of its own, with a new id; the
    // paragraph keeps its id.
    let terms = article_id(&d1, TERMS);
    let terms_2 = article_id(&d2, TERMS_2);
    let split = r2
        .report
        .split
        .iter()
        .find(|s| s.from.id == terms)
        .unwrap_or_else(|| panic!("split not reported: {r2}"));
    let into: Vec<&str> = split.into.iter().map(|n| n.id.as_str()).collect();
    assert_eq!(into, [terms.as_str(), terms_2.as_str()]);
    assert!(d1.clause(&terms_2).is_none());
    assert_eq!(
        clause_with_text(&d2, TERMS_2_TEXT),
        clause_with_text(&d1, TERMS_2_TEXT)
    );

    // Dropped: reported, gone, retired.
    let confirmation = article_id(&d1, CONFIRMATION);
    assert!(
        r2.report.dropped.iter().any(|n| n.id == confirmation),
        "{r2}"
    );
    assert!(d2.clause(&confirmation).is_none());
    assert!(d2.retired.contains(&confirmation));
    assert!(d2.retired.contains(&retro));
    assert!(r2.report.retired.contains(&confirmation));
    let retired = store
        .text_at(r2.commit, "drafts/retired-ids")
        .unwrap()
        .unwrap();
    assert!(retired.lines().any(|l| l == confirmation), "{retired}");

    // New: an id never used before.
    let archives = article_id(&d2, ARCHIVES);
    assert!(
        r2.report
            .new
            .iter()
            .any(|n| n.id == archives && n.name == "Article 1")
    );
    let v1_ids: Vec<&str> = d1.ids().collect();
    assert!(!v1_ids.contains(&archives.as_str()), "{archives}");
    for id in d2.ids().chain(d3.ids()) {
        assert!(!d1.retired.contains(id) && !d2.retired.contains(id), "{id}");
    }
}

#[test]
fn one_commit_per_version_with_rounds_and_trailers() {
    let imp = import();
    let store = Store::open(&imp.dir).unwrap();
    let rounds = store.rounds().unwrap();
    let names: Vec<&str> = rounds.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["zero-draft", "chair-s-text", "final-text"]);
    for (round, v) in rounds.iter().zip(&imp.report.versions) {
        assert_eq!(round.target, v.commit);
    }

    let git = |args: &[&str]| {
        let o = testing::git_command(&imp.dir, &imp.home)
            .args(args)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let hashes = git(&["log", "--format=%H"]);
    let hashes: Vec<&str> = hashes.lines().collect();
    assert_eq!(hashes.len(), 4, "three versions on the root commit");
    let times = git(&["log", "--format=%at %an"]);
    let times: Vec<&str> = times.lines().collect();
    let day = |d: &str| archive::parse_date(d).unwrap();
    assert_eq!(times[2], format!("{} Archive import", day("2023-05-01")));
    assert_eq!(times[1], format!("{} Archive import", day("2023-11-20")));
    assert_eq!(
        times[0],
        format!("{} Archive import", day("2023-11-20") + 86_400)
    );

    for (hash, v) in hashes.iter().rev().skip(1).zip(&imp.report.versions) {
        assert_eq!(*hash, v.commit.to_string());
        let message = git(&["log", "-1", "--format=%B", hash]);
        let a = Amendment::parse(&message).unwrap_or_else(|| panic!("{message}"));
        assert_eq!(a.kind, AmendmentKind::Replace);
        assert_eq!(a.proposers, ["CHAIR"]);
        assert_eq!(a.round.as_deref(), Some(v.report.round.as_str()));
        assert_eq!(a.clauses, v.report.changed);
        let trailers = git(&[
            "log",
            "-1",
            "--format=%(trailers:key=Round,valueonly)",
            hash,
        ]);
        assert_eq!(trailers.trim(), v.report.round);
    }

    let o = treaty(&imp.dir, &["check", "--repo", imp.dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(stderr(&o).contains(": 0 errors"), "{}", stderr(&o));
}

#[test]
fn cli_prints_the_alignment_and_refuses_a_used_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let udhr = std::fs::read_to_string(corpus("treaties/udhr.txt")).unwrap();
    let mut v = parse_plain(&udhr);
    assert_eq!(v.articles.len(), 30);
    // Move the last article to the front and reword another.
    let last = v.articles.pop().unwrap();
    v.articles.insert(0, last);
    let body = &mut v.articles[5].1;
    *body = format!("{} This applies in every place.\n", body.trim_end());
    std::fs::write(tmp.path().join("v2.txt"), v.render()).unwrap();
    let udhr_path = corpus("treaties/udhr.txt");
    let args = [
        "import-history",
        "--label",
        "Draft of 2018",
        udhr_path.to_str().unwrap(),
        "--date",
        "2018-06-18",
        "--label",
        "Adopted",
        "v2.txt",
        "--dir",
        "rec",
    ];
    let o = treaty(tmp.path(), &args);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("imported 2 drafts into rec"), "{out}");
    assert!(out.contains("Adopted (round/adopted"), "{out}");
    assert!(
        out.contains("matched  Article 30 → Article 1 (1.00) [renumbered, moved]"),
        "{out}"
    );
    assert!(
        out.lines().any(|l| l.contains("Article 5 → Article 6 (0.")
            && l.ends_with("[renumbered, edited] {#art-5}")),
        "{out}"
    );
    assert!(tmp.path().join("rec/drafts/treaty.md").is_file());

    // The folder is now a record: a second import into it is refused, nothing changes.
    let before = crate::support::snapshot(&tmp.path().join("rec"));
    let o = treaty(tmp.path(), &args);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is not empty"), "{}", stderr(&o));
    assert_eq!(crate::support::snapshot(&tmp.path().join("rec")), before);

    // A bad draft in the list: nothing is created.
    let o = treaty(
        tmp.path(),
        &[
            "import-history",
            "--label",
            "One",
            udhr_path.to_str().unwrap(),
            "--label",
            "Two",
            "missing.txt",
            "--dir",
            "other",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("missing.txt"), "{}", stderr(&o));
    assert!(!tmp.path().join("other").exists());
}

/// Issue 15, item 10: a kill at any point of `treaty import-history` leaves the folder
/// absent or complete, never half made, and the next import cleans up after it.
#[test]
fn a_killed_import_leaves_nothing_half_made() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};

    let tmp = tempfile::tempdir().unwrap();
    let udhr = std::fs::read_to_string(corpus("treaties/udhr.txt")).unwrap();
    let mut v = parse_plain(&udhr);
    std::fs::write(tmp.path().join("v1.txt"), v.render()).unwrap();
    v.articles.swap(0, 1);
    std::fs::write(tmp.path().join("v2.txt"), v.render()).unwrap();
    v.articles[3].1.push_str("This applies everywhere.\n");
    std::fs::write(tmp.path().join("v3.txt"), v.render()).unwrap();
    let args = |dir: &str| -> Vec<String> {
        [
            "import-history",
            "--label",
            "One",
            "v1.txt",
            "--label",
            "Two",
            "v2.txt",
            "--label",
            "Three",
            "v3.txt",
            "--dir",
            dir,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let spawn = |dir: &str, pause: Option<usize>| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_treaty"));
        c.args(args(dir))
            .current_dir(tmp.path())
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        if let Some(p) = pause {
            c.env("TREATY_IMPORT_PAUSE", p.to_string());
        }
        c.spawn().unwrap()
    };
    // The folder is absent (or empty), or a complete record that git finds sound.
    let check = |dir: &str| -> bool {
        let path = tmp.path().join(dir);
        let complete = path.join(".git").is_dir();
        if complete {
            let store = Store::open(&path).unwrap();
            let rounds: Vec<String> = store
                .rounds()
                .unwrap()
                .into_iter()
                .map(|r| r.name)
                .collect();
            assert_eq!(rounds, ["one", "two", "three"], "{dir}");
            let fsck = Command::new("git")
                .args(["fsck", "--full", "--strict"])
                .current_dir(&path)
                .output()
                .unwrap();
            assert!(
                fsck.status.success(),
                "{dir}: {}",
                String::from_utf8_lossy(&fsck.stderr)
            );
        } else {
            assert!(
                !path.exists() || std::fs::read_dir(&path).unwrap().next().is_none(),
                "{dir}: half made"
            );
        }
        complete
    };
    let leftovers = |dir: &str| -> Vec<String> {
        std::fs::read_dir(tmp.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(&format!(".{dir}.treaty-import-")))
            .collect()
    };

    // Killed at each step: claimed, after each of the 3 drafts, before and after the rename.
    for step in 1..=6 {
        let dir = format!("rec{step}");
        if step == 3 {
            // An empty folder given as the target stays empty when the import is killed.
            std::fs::create_dir(tmp.path().join(&dir)).unwrap();
        }
        let mut child = spawn(&dir, Some(step));
        let mut err = BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        err.read_line(&mut line).unwrap();
        assert_eq!(line.trim(), format!("treaty: paused at import step {step}"));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let complete = check(&dir);
        assert_eq!(complete, step == 6, "step {step}");
        if !complete {
            assert!(
                !leftovers(&dir).is_empty(),
                "step {step}: the unfinished import is kept aside"
            );
            // The next import cleans up after the dead one and succeeds.
            let o = treaty(
                tmp.path(),
                &args(&dir).iter().map(String::as_str).collect::<Vec<_>>(),
            );
            assert!(o.status.success(), "step {step}: {}", stderr(&o));
            assert!(
                stdout(&o).contains("an unfinished import left by a process that stopped"),
                "step {step}"
            );
            assert!(check(&dir), "step {step}");
        }
        assert!(
            leftovers(&dir).is_empty(),
            "step {step}: {:?}",
            leftovers(&dir)
        );
    }
    // Killed at moments the process does not choose.
    for (k, ms) in [30u64, 120, 300].into_iter().enumerate() {
        let dir = format!("timed{k}");
        let mut child = spawn(&dir, None);
        std::thread::sleep(std::time::Duration::from_millis(ms));
        let _ = child.kill();
        child.wait().unwrap();
        check(&dir);
    }
}

/// Replay lists a step's clauses in treaty order, and an article edited in place is not
/// "moved" (its neighbours changing number does not move it).
#[test]
fn replay_in_treaty_order_and_edits_are_not_moves() {
    let imp = import();
    let store = Store::open(&imp.dir).unwrap();
    let d3 = store.draft_at(imp.report.versions[2].commit).unwrap().draft;
    let powers = article_id(&d3, FULL_POWERS);
    let pacta = article_id(&d3, PACTA);
    // A round's span runs from just after its tag to the next tag: the final draft.
    let o = treaty(
        &imp.dir,
        &["replay", "--from", "chair-s-text", "--to", "chair-s-text"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let changed: Vec<&str> = out.lines().filter_map(|l| l.strip_prefix("  ~ ")).collect();
    assert!(!changed.is_empty(), "{out}");
    assert!(
        changed.iter().all(|l| !l.contains("moved")),
        "edited in place, not moved:\n{out}"
    );
    let at = |prefix: &str| {
        out.find(&format!("  ~ {prefix}"))
            .unwrap_or_else(|| panic!("{prefix} in\n{out}"))
    };
    // Full powers (Article 7) comes before "Pacta sunt servanda" (Article 27), though
    // its id sorts after.
    // The first paragraph of each (the article itself when it has none).
    let first_of = |article: &str| {
        d3.clauses
            .iter()
            .find_map(|c| {
                c.id.clone()
                    .filter(|i| i.starts_with(&format!("{article}.")))
            })
            .unwrap_or(article.to_string())
    };
    let (p7, p27) = (first_of(&powers), first_of(&pacta));
    assert!(at(&p7) < at(&p27), "treaty order:\n{out}");
}
