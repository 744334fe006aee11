//! `treaty exercise`: a moot negotiation from set-up to debrief, with real components: a
//! real record forked from the sample, SSH keys made by `ssh-keygen`, briefs sealed with
//! `age`, a bare server repository with treaty's hook that the exercise is pushed
//! through, and the debrief rendered in headless Chromium.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::export::{chromium, require};
use crate::support::{repo_root, stderr, stdout};

/// A machine for the exercise: its own HOME (keys), git identity and folders.
pub struct Class {
    pub root: tempfile::TempDir,
}

impl Class {
    pub fn new() -> Class {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(root.path().join("home/.ssh")).unwrap();
        let class = Class { root };
        class.identity("Prof Ada", "prof@uni.example");
        // The instructor's key where treaty looks by default.
        class.keygen("home/.ssh/id_ed25519", "prof");
        class
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.path().join(rel)
    }

    pub fn identity(&self, name: &str, email: &str) {
        // Both git and libgit2 read it there.
        std::fs::write(
            self.path("home/.gitconfig"),
            format!("[user]\n\tname = {name}\n\temail = {email}\n[init]\n\tdefaultBranch = main\n"),
        )
        .unwrap();
    }

    pub fn keygen(&self, rel: &str, comment: &str) -> PathBuf {
        let key = self.path(rel);
        let o = Command::new("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-N", "", "-C", comment, "-f"])
            .arg(&key)
            .output()
            .expect("ssh-keygen runs (openssh-client)");
        assert!(o.status.success(), "{}", stderr(&o));
        key
    }

    pub fn run(&self, dir: &Path, program: &str, args: &[&str]) -> Output {
        Command::new(program)
            .args(args)
            .current_dir(dir)
            .env("HOME", self.path("home"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", self.path("home/.gitconfig"))
            .env("NO_COLOR", "1")
            .output()
            .expect("runs")
    }

    pub fn treaty(&self, dir: &Path, args: &[&str]) -> Output {
        self.run(dir, env!("CARGO_BIN_EXE_treaty"), args)
    }

    /// `treaty` that must succeed; its standard output.
    pub fn ok(&self, dir: &Path, args: &[&str]) -> String {
        let o = self.treaty(dir, args);
        assert!(
            o.status.success(),
            "treaty {args:?}: {}{}",
            stdout(&o),
            stderr(&o)
        );
        stdout(&o)
    }

    /// `treaty` that must fail; its error.
    pub fn refused(&self, dir: &Path, args: &[&str]) -> String {
        let o = self.treaty(dir, args);
        assert!(
            !o.status.success(),
            "treaty {args:?} should fail: {}",
            stdout(&o)
        );
        stderr(&o)
    }

    /// `moot` served as `class.git` (with the hook), and a clone of it called `name`.
    pub fn serve_and_clone(&self, moot: &Path, name: &str) -> PathBuf {
        let out = self.ok(moot, &["exercise", "server", "init", "../class.git"]);
        assert!(
            out.contains("pushed through the hook: refs/heads/main"),
            "{out}"
        );
        let clone = self.run(self.root.path(), "git", &["clone", "-q", "class.git", name]);
        assert!(clone.status.success(), "{}", stderr(&clone));
        self.path(name)
    }

    /// `treaty exercise init moot --from demo --at r1-geneva` in the class's folder.
    pub fn init_moot(&self) -> PathBuf {
        self.ok(
            self.root.path(),
            &[
                "exercise",
                "init",
                "moot",
                "--from",
                "demo",
                "--at",
                "r1-geneva",
            ],
        );
        self.path("moot")
    }

    /// A team of one student, `slug@uni.example`, with a new key at `key` (relative).
    pub fn add_team(&self, moot: &Path, team: &str, plays: &str, slug: &str, key: &str) {
        let key = self.keygen(key, slug);
        let member = format!("{slug}@uni.example={}.pub", key.display());
        self.ok(
            moot,
            &[
                "exercise", "team", "add", team, "--plays", plays, "--member", &member,
            ],
        );
    }

    pub fn head(&self, dir: &Path) -> String {
        stdout(&self.run(dir, "git", &["rev-parse", "HEAD"]))
            .trim()
            .to_string()
    }
}

pub fn sample(name: &str) -> String {
    repo_root()
        .join("crates/record/sample-exercise")
        .join(name)
        .display()
        .to_string()
}

/// The sample exercise set up: six teams of one student each (keys `<slug>`), the general
/// brief, the six sealed briefs with their objectives, and three rounds.
pub fn set_up(class: &Class) -> PathBuf {
    let moot = class.path("moot");
    let out = class.ok(
        class.root.path(),
        &[
            "exercise",
            "init",
            "moot",
            "--from",
            "demo",
            "--at",
            "r1-geneva",
            "--title",
            "AI moot",
        ],
    );
    assert!(out.contains("12 delegations to play"), "{out}");
    assert!(
        out.contains("kept as refs/treaty/exercise/outcome"),
        "{out}"
    );
    for (team, plays, slug) in treaty_workbench::exercise::sample::TEAMS {
        let key = class.keygen(slug, slug);
        let member = format!("{slug}@uni.example={}.pub", key.display());
        class.ok(
            &moot,
            &[
                "exercise", "team", "add", team, "--plays", plays, "--member", &member,
            ],
        );
    }
    class.ok(
        &moot,
        &[
            "exercise",
            "brief",
            "set",
            "--general",
            &sample("general.md"),
        ],
    );
    for (team, _, slug) in treaty_workbench::exercise::sample::TEAMS {
        let out = class.ok(
            &moot,
            &[
                "exercise",
                "brief",
                "set",
                "--team",
                team,
                &sample(&format!("{slug}.md")),
                "--objectives",
                &sample(&format!("{slug}.ron")),
            ],
        );
        assert!(
            out.contains(&format!("for {slug}@uni.example, prof@uni.example")),
            "{out}"
        );
    }
    for (round, opens, closes) in [
        (
            "1",
            "2026-03-02 09:00 Europe/Paris",
            "2026-03-02 10:30 Europe/Paris",
        ),
        (
            "2",
            "2026-03-02T10:50:00+01:00",
            "2026-03-02T12:00:00+01:00",
        ),
        (
            "3",
            "2026-03-02 13:30 Europe/Paris",
            "2026-03-02 14:30 Europe/Paris",
        ),
    ] {
        class.ok(
            &moot,
            &[
                "exercise", "schedule", round, "--opens", opens, "--closes", closes,
            ],
        );
    }
    moot
}

#[test]
fn an_exercise_is_set_up_pushed_through_the_hook_and_its_briefs_stay_confidential() {
    let class = Class::new();
    let moot = set_up(&class);
    let verified = class.ok(&moot, &["verify"]);
    assert!(
        verified.contains("every change was made by someone allowed"),
        "{verified}"
    );

    let listed = class.ok(&moot, &["exercise", "team", "list"]);
    assert!(
        listed.contains("Rights Coalition — plays EU, GBR, CHE — brief and objectives sealed"),
        "{listed}"
    );
    assert!(!listed.contains("not played by any team"), "{listed}");

    // The sealed brief is ciphertext in the record: the red lines are not in any blob.
    let grep = class.run(
        &moot,
        "git",
        &["grep", "-i", "red lines", "HEAD", "--", "exercise"],
    );
    assert!(stdout(&grep).is_empty(), "{}", stdout(&grep));

    // The shared repository: the hook checks the exercise as it is pushed in.
    let student = class.serve_and_clone(&moot, "student");
    assert!(class.path("class.git/hooks/pre-receive").is_file());
    assert!(
        class
            .ok(&student, &["verify"])
            .contains("every change was made by someone allowed")
    );
    // The outcome of the real negotiation stays with the instructor.
    let refs = stdout(&class.run(&student, "git", &["for-each-ref"]));
    assert!(!refs.contains("refs/treaty/exercise/outcome"), "{refs}");

    // A student of the African Group reads the general brief and their own.
    class.identity("African student", "african-group@uni.example");
    let own = class.ok(
        &student,
        &[
            "exercise",
            "brief",
            "show",
            "--identity",
            class.path("african-group").to_str().unwrap(),
        ],
    );
    assert!(own.contains("# General brief"), "{own}");
    assert!(
        own.contains("Confidential brief of team African Group (plays AGN)"),
        "{own}"
    );
    assert!(own.contains("weapons-annex (weight 3)"), "{own}");
    // …but not another team's: the error says whose brief it is and why not.
    let err = class.refused(
        &student,
        &[
            "exercise",
            "brief",
            "show",
            "--team",
            "Innovation Alliance",
            "--identity",
            class.path("african-group").to_str().unwrap(),
        ],
    );
    assert!(
        err.contains("the brief of team Innovation Alliance (playing USA, JPN) is confidential to innovation-alliance@uni.example, prof@uni.example")
            && err.contains("it is the key of african-group@uni.example, of team African Group"),
        "{err}"
    );
    // The instructor's key opens every brief (by default, ~/.ssh/id_ed25519).
    class.identity("Prof Ada", "prof@uni.example");
    let all = class.ok(&moot, &["exercise", "objectives"]);
    for (team, _, _) in treaty_workbench::exercise::sample::TEAMS {
        assert!(all.contains(&format!("\n{team}: ")), "{team}: {all}");
    }

    // Time left, from the schedule.
    let status = class.ok(&moot, &["exercise", "status", "--json"]);
    let json: serde_json::Value = serde_json::from_str(&status).unwrap();
    assert_eq!(json["rounds"], serde_json::json!(["1", "2", "3"]));
    assert_eq!(json["teams"].as_array().unwrap().len(), 6);
    assert!(
        json["clock"].as_str().unwrap().starts_with("round "),
        "{json}"
    );
}

#[test]
fn bad_exercise_input_is_refused_and_writes_nothing() {
    let class = Class::new();
    let moot = set_up(&class);
    let head = class.head(&moot);
    let objectives = class.path("bad.ron");
    std::fs::write(
        &objectives,
        "(version: 1, objectives: [(id: \"x\", description: \"x\", weight: 1, check: Contains(clause: \"observatroy.2.b\", phrase: \"annually\"))])",
    )
    .unwrap();
    let (general, african) = (sample("general.md"), sample("african-group.md"));
    let cases: Vec<(Vec<&str>, &[&str])> = vec![
        (
            vec!["brief", "set", "--team", "Rights Coalitoin", &general],
            &["unknown team \"Rights Coalitoin\": did you mean `Rights Coalition`?"],
        ),
        (
            vec![
                "brief",
                "set",
                "--team",
                "African Group",
                &african,
                "--objectives",
                objectives.to_str().unwrap(),
            ],
            &[
                "names clause `observatroy.2.b`, which the draft does not have",
                "did you mean `observatory.2.b`?",
            ],
        ),
        (
            vec![
                "schedule",
                "4",
                "--opens",
                "2026-03-02T16:00Z",
                "--closes",
                "2026-03-02T15:00Z",
            ],
            &["round 4 would close (2026-03-02T15:00:00+00:00) before it opens"],
        ),
        (
            vec![
                "schedule",
                "4",
                "--opens",
                "2026-03-02T13:00Z",
                "--closes",
                "2026-03-02T15:00Z",
            ],
            &["overlaps round 3"],
        ),
        (
            vec![
                "schedule",
                "4",
                "--opens",
                "2026-03-02 16:00",
                "--closes",
                "2026-03-02T17:00Z",
            ],
            &["is not a time with its zone"],
        ),
        (
            vec![
                "team",
                "add",
                "Extra",
                "--plays",
                "EUR",
                "--member",
                "x@uni.example",
            ],
            &["unknown delegation `EUR` (did you mean `EU`?)"],
        ),
        (
            vec![
                "team",
                "add",
                "Extra",
                "--plays",
                "USA",
                "--member",
                "x@uni.example",
            ],
            &["USA is already played by team \"Innovation Alliance\""],
        ),
    ];
    for (args, expected) in cases {
        let mut all = vec!["exercise"];
        all.extend(args);
        let err = class.refused(&moot, &all);
        for e in expected {
            assert!(err.contains(e), "{all:?}: {err}");
        }
    }
    let err = class.refused(
        class.root.path(),
        &["exercise", "init", "moot", "--from", "demo"],
    );
    assert!(err.contains("is not empty"), "{err}");
    let err = class.refused(
        class.root.path(),
        &["exercise", "init", "other", "--from", "demo", "--at", "r9"],
    );
    assert!(err.contains("no round, tag or commit \"r9\""), "{err}");
    assert!(!class.path("other").exists());
    assert_eq!(class.head(&moot), head, "nothing was recorded");
}

#[test]
fn the_debrief_scores_what_landed_and_renders_in_headless_chromium() {
    let class = Class::new();
    let moot = set_up(&class);
    class.ok(&moot, &["round", "start", "1", "-m", "Round 1"]);
    // The chair lands what the teams proposed (kept simple: landed directly).
    class.ok(
        &moot,
        &["amend", "--clause", "observatory.2.b", "--by", "EU,AGN", "--kind", "replace", "--text",
          "review compliance annually on the basis of national reports and of independent and reliable sources of information;"],
    );
    class.ok(&moot, &["round", "start", "2", "-m", "Round 2"]);
    class.ok(
        &moot,
        &["amend", "--clause", "transparency.2", "--by", "USA", "--kind", "replace", "--text",
          "Each Party shall require that content generated or substantially altered by an artificial intelligence system be identifiable as such where technically feasible."],
    );
    let json = class.ok(&moot, &["exercise", "debrief", "--format", "json"]);
    let d: serde_json::Value = serde_json::from_str(&json).unwrap();
    let teams = d["progress"]["teams"].as_array().unwrap();
    let team = |name: &str| teams.iter().find(|t| t["name"] == name).unwrap();
    // By hand: the coalition's "annual-review" (weight 3) is met; the other four are not
    // (pre-deployment.1 still bracketed, the biometric annex under negotiation, scope.2
    // still reads "by notification…", and 6 new words fall short of 15). 3 of 11.
    let rights = &team("Rights Coalition")["scorecard"];
    assert_eq!(
        (
            rights["met_weight"].as_u64(),
            rights["total_weight"].as_u64()
        ),
        (Some(3), Some(11))
    );
    // The African Group shares that objective (2 of 8) and labelling went against it.
    let agn = &team("African Group")["scorecard"];
    assert_eq!(
        (agn["met_weight"].as_u64(), agn["total_weight"].as_u64()),
        (Some(2), Some(8))
    );
    // The Alliance got "where technically feasible" (2) but not its review cycle.
    let usa = &team("Innovation Alliance")["scorecard"];
    assert_eq!(usa["met_weight"].as_u64(), Some(2));
    // Words credited by blame: the coalition's new words ("and of independent").
    assert!(
        team("Rights Coalition")["words"].as_u64().unwrap() >= 3,
        "{json}"
    );
    assert_eq!(
        team("Rights Coalition")["amendments"],
        serde_json::json!([1, 0, 0])
    );
    assert_eq!(
        team("Innovation Alliance")["amendments"],
        serde_json::json!([0, 1, 0])
    );
    assert_eq!(d["timeline"].as_array().unwrap().len(), 2);
    // Forked from the sample: the students' text beside what the sample went on to agree.
    assert!(d["comparison"]["clauses"].as_array().unwrap().len() > 100);

    let md = class.ok(&moot, &["exercise", "debrief", "--format", "md"]);
    assert!(
        md.contains("| Rights Coalition | EU, GBR, CHE | 1/5 objectives, weight 3/11 (27%)"),
        "{md}"
    );

    let page = class.path("debrief.html");
    class.ok(
        &moot,
        &[
            "exercise",
            "debrief",
            "-o",
            page.to_str().unwrap(),
            "--scores",
            &sample("scores.ron"),
        ],
    );
    let Some(exe) = require(&["chromium", "chromium-browser"], "chromium") else {
        return;
    };
    let profile = tempfile::tempdir().unwrap();
    let dom = stdout(&chromium(&exe, profile.path(), &["--dump-dom"], &page));
    for (_, _, slug) in treaty_workbench::exercise::sample::TEAMS {
        assert!(dom.contains(&format!("id=\"team-{slug}\"")), "{slug}");
    }
    for id in [
        "chart-scores",
        "chart-words",
        "chart-burndown",
        "clause-table",
    ] {
        assert!(dom.contains(&format!("id=\"{id}\"")), "{id}");
    }
    assert!(dom.contains("Clear priorities; brought the African Group along."));
    let shot = profile.path().join("debrief.png");
    chromium(
        &exe,
        profile.path(),
        &[
            &format!("--screenshot={}", shot.display()),
            "--window-size=1100,1600",
        ],
        &page,
    );
    let bytes = std::fs::read(&shot).unwrap();
    assert!(bytes.starts_with(b"\x89PNG"), "a PNG");
    assert!(
        bytes.len() > 60_000,
        "a screenshot with text and charts: {} bytes",
        bytes.len()
    );
}

#[test]
fn a_pushed_roster_cannot_vouch_for_the_commits_pushed_with_it() {
    let class = Class::new();
    let moot = set_up(&class);
    let student = class.serve_and_clone(&moot, "student");
    class.identity("Student", "innovation-alliance@uni.example");
    let git = |args: &[&str]| {
        let o = class.run(&student, "git", args);
        assert!(o.status.success(), "git {args:?}: {}", stderr(&o));
        stdout(&o)
    };
    // A student moves a round's closing time: the exercise's files are the chair's.
    let ex = student.join("exercise/exercise.ron");
    let text = std::fs::read_to_string(&ex).unwrap();
    std::fs::write(&ex, text.replace("T14:30:00", "T18:30:00")).unwrap();
    git(&["commit", "-qam", "More time"]);
    let push = class.run(&student, "git", &["push", "origin", "HEAD:main"]);
    assert!(!push.status.success());
    assert!(
        stderr(&push).contains("changes the exercise's files (exercise/exercise.ron)"),
        "{}",
        stderr(&push)
    );
    git(&["reset", "-q", "--hard", "origin/main"]);
    // A forged draft change, then a roster whose `since:` names it: both refused.
    let obs = student.join("drafts/articles/observatory.md");
    let text = std::fs::read_to_string(&obs).unwrap();
    std::fs::write(
        &obs,
        text.replace(
            "[annually - EU, AGN retain / every two years - USA]",
            "every two years",
        ),
    )
    .unwrap();
    git(&["commit", "-qam", "Forged"]);
    let forged = git(&["rev-parse", "HEAD"]);
    let roster = student.join("positions/roster.ron");
    let text = std::fs::read_to_string(&roster).unwrap();
    let since = text
        .lines()
        .find(|l| l.contains("since:"))
        .unwrap()
        .to_string();
    std::fs::write(
        &roster,
        text.replace(&since, &format!("    since: Some(\"{}\"),", forged.trim())),
    )
    .unwrap();
    git(&["commit", "-qam", "Trust me"]);
    let push = class.run(&student, "git", &["push", "origin", "HEAD:main"]);
    assert!(!push.status.success(), "{}", stdout(&push));
    let err = stderr(&push);
    assert!(err.contains("Forged: changes the official draft"), "{err}");
    assert!(err.contains("Trust me: changes the roster"), "{err}");
}

#[test]
fn the_dashboard_refreshes_from_the_remote_in_the_background_worker() {
    use std::sync::Arc;
    use treaty_workbench::tui::action::Action;
    use treaty_workbench::tui::app::{Msg, Screen, State};
    use treaty_workbench::tui::{data::Data, jobs, keymap::Keymap, screens, theme::Styles};

    let class = Class::new();
    let moot = set_up(&class);
    let chair = class.serve_and_clone(&moot, "chair");
    class.ok(
        &chair,
        &[
            "amend",
            "--clause",
            "fund.2bis",
            "--by",
            "CHAIR",
            "--kind",
            "lift-brackets",
        ],
    );
    let push = class.run(&chair, "git", &["push", "-q", "origin", "HEAD:main"]);
    assert!(
        push.status.success(),
        "the hook admits the chair: {}",
        stderr(&push)
    );

    let data = Arc::new(Data::load(&moot).expect("loads"));
    let mut state = State::new(data, Styles::default(), Keymap::default());
    state.size = (120, 40);
    let mut ctx = jobs::Context::open(&moot);
    ctx.settle(&mut state, [Msg::Action(Action::Dashboard)]);
    assert_eq!(state.screen, Screen::Dashboard);
    let Some(Ok(shown)) = &state.dashboard.shown else {
        panic!("{:?}", state.dashboard.shown);
    };
    assert!(shown.arrived, "the fetch brought the chair's amendment");
    assert_eq!(shown.progress.teams.len(), 6);
    assert!(
        shown
            .progress
            .contested
            .iter()
            .any(|c| c.clause == "fund.2bis"),
        "{:?}",
        shown.progress.contested
    );
    assert_eq!(
        class.head(&moot),
        class.head(&chair),
        "the instructor's branch followed"
    );
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 40)).unwrap();
    t.draw(|f| screens::draw(&state, f)).unwrap();
    let screen = t.backend().to_string();
    for needle in [
        "8 Dashboard",
        "refreshes every 30 s",
        "Rights Coalition",
        "Vulnerable States",
        "bracket burn-down",
    ] {
        assert!(screen.contains(needle), "{needle}:\n{screen}");
    }
    // It asks again by itself once the interval has passed, not before.
    ctx.settle(&mut state, [Msg::Tick(1_000)]);
    assert_eq!(state.dashboard.asked_at, Some(1_000));
    ctx.settle(&mut state, [Msg::Tick(20_000)]);
    assert_eq!(state.dashboard.asked_at, Some(1_000));
    ctx.settle(&mut state, [Msg::Tick(31_000)]);
    assert_eq!(state.dashboard.asked_at, Some(31_000));
    assert!(!state.dashboard.waiting);
}
