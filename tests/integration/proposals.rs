//! Proposals and the chair: teams propose through their own position files, the chair
//! lands or declines, the other pending proposals on a clause follow the text word by word
//! or go stale; all of it derived from the record and checked by `treaty verify` and the
//! server's hook. Real records, a real bare repository with the hook, real `git`.

use std::path::{Path, PathBuf};

use crate::exercise::Class;
use crate::support::{stderr, stdout};

pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// RFC 3339 in UTC: `2026-03-02T09:00:00+00:00`.
pub fn utc(t: i64) -> String {
    treaty_workbench::civil::Moment {
        seconds: t,
        offset_minutes: 0,
    }
    .rfc3339()
}

/// Two teams on the sample (Rights Coalition plays EU, GBR, CHE; Innovation Alliance plays
/// USA, JPN), round 1 open for the next hour and started, served as `class.git` with
/// the hook; a clone per team. Returns (chair's folder, rc clone, ia clone).
pub fn open_round(class: &Class) -> (PathBuf, PathBuf, PathBuf) {
    let root = class.root.path().to_path_buf();
    let moot = class.init_moot();
    for (team, plays, slug) in [
        ("Rights Coalition", "EU,GBR,CHE", "rc"),
        ("Innovation Alliance", "USA,JPN", "ia"),
    ] {
        class.add_team(&moot, team, plays, slug, &format!("{slug}-key"));
    }
    let (opens, closes) = (utc(now() - 3600), utc(now() + 3600));
    class.ok(
        &moot,
        &[
            "exercise", "schedule", "1", "--opens", &opens, "--closes", &closes,
        ],
    );
    class.ok(&moot, &["round", "start", "1", "-m", "Round 1"]);
    class.serve_and_clone(&moot, "rc");
    let clone = class.run(&root, "git", &["clone", "-q", "class.git", "ia"]);
    assert!(clone.status.success(), "{}", stderr(&clone));
    (moot, class.path("rc"), class.path("ia"))
}

/// The id `treaty propose` printed (its first line).
fn proposal_id(out: &str) -> String {
    let id = out.lines().next().unwrap_or_default().trim().to_string();
    assert!(id.starts_with("pr-") && id.len() == 15, "{out}");
    id
}

fn as_team(class: &Class, slug: &str) {
    class.identity(slug, &format!("{slug}@uni.example"));
}

fn as_chair(class: &Class) {
    class.identity("Prof Ada", "prof@uni.example");
}

fn queue(class: &Class, dir: &Path) -> Vec<serde_json::Value> {
    let out = class.ok(dir, &["proposals", "--json"]);
    serde_json::from_str(&out).unwrap()
}

fn find<'a>(q: &'a [serde_json::Value], id: &str) -> &'a serde_json::Value {
    q.iter()
        .find(|p| p["id"] == id)
        .unwrap_or_else(|| panic!("{id} not in {q:?}"))
}

fn clause_text(class: &Class, dir: &Path, clause: &str) -> String {
    class.ok(dir, &["show", clause])
}

const PP6: &str = "*Concerned* that the use of artificial intelligence in weapons systems, in the mass surveillance of populations and in the administration of justice raises [grave][serious] questions of accountability under international law,";

#[test]
fn teams_propose_the_chair_lands_and_the_other_proposals_follow_or_go_stale() {
    let class = Class::new();
    let (moot, rc, ia) = open_round(&class);

    // Rights Coalition proposes twice on PP6, offline.
    as_team(&class, "rc");
    let grave = proposal_id(&class.ok(
        &rc,
        &[
            "propose",
            "--clause",
            "pp6",
            "--option",
            "1:1",
            "-m",
            "Grave it is",
        ],
    ));
    let narrower = PP6.replace(
        ", in the mass surveillance of populations and in the administration of justice",
        "",
    );
    let narrow = proposal_id(&class.ok(
        &rc,
        &[
            "propose",
            "--clause",
            "pp6",
            "--text",
            &narrower,
            "-m",
            "Weapons only",
        ],
    ));
    let rc_commit = class.head(&rc);
    // Innovation Alliance proposes on the same words, and elsewhere, and pushes first.
    as_team(&class, "ia");
    let serious = proposal_id(&class.ok(&ia, &["propose", "--clause", "pp6", "--option", "1:2"]));
    let pp7 = proposal_id(&class.ok(&ia, &["propose", "--clause", "pp7", "--option", "2:1"]));
    class.ok(&ia, &["sync"]);
    // Rights Coalition's proposals are replayed on top: new commits, the same ids.
    as_team(&class, "rc");
    assert!(
        class
            .ok(&rc, &["sync"])
            .contains("replayed your 2 amendment(s)")
    );
    let q = queue(&class, &rc);
    assert_eq!(q.len(), 4, "{q:?}");
    assert_ne!(find(&q, &narrow)["commit"], rc_commit.as_str());
    for (id, team, by) in [
        (
            &grave,
            "Rights Coalition",
            serde_json::json!(["CHE", "EU", "GBR"]),
        ),
        (
            &serious,
            "Innovation Alliance",
            serde_json::json!(["JPN", "USA"]),
        ),
    ] {
        let p = find(&q, id);
        assert_eq!(p["status"], "pending");
        assert_eq!(p["team"], team);
        assert_eq!(p["delegations"], by);
        assert_eq!(p["round"], "1");
        assert_eq!(p["clause"], "pp6");
        assert_eq!(p["kind"], "choose-option");
    }
    // A proposal touches only its delegation's position file: the text is unchanged.
    assert!(clause_text(&class, &rc, "pp6").contains("[grave][serious]"));
    let files = stdout(&class.run(&rc, "git", &["show", "--name-only", "--format=", "HEAD"]));
    assert_eq!(files.trim(), "positions/che.ron", "{files}");

    // Innovation Alliance votes against the narrower text.
    as_team(&class, "ia");
    class.ok(&ia, &["sync"]);
    class.ok(&ia, &["vote", &narrow, "no"]);
    class.ok(&ia, &["sync"]);

    // The chair lands Rights Coalition's choice: the narrower text follows word by word,
    // Innovation Alliance's rival choice goes stale.
    as_chair(&class);
    class.ok(&moot, &["sync"]);
    let landed = class.ok(&moot, &["land", &grave]);
    assert!(
        landed.contains(&format!(
            "{narrow} by CHE, EU, GBR on pp6 now applies to the new text (rebased word by word)"
        )),
        "{landed}"
    );
    assert!(
        landed.contains(&format!("{serious} by JPN, USA on pp6 is stale")),
        "{landed}"
    );
    assert!(
        landed.contains("  base:     ") && landed.contains("  proposal: "),
        "{landed}"
    );
    let msg = stdout(&class.run(&moot, "git", &["log", "-1", "--format=%B"]));
    assert!(msg.contains("Proposed-by: CHE, EU, GBR\n"), "{msg}");
    assert!(msg.contains(&format!("Lands: {grave}\n")), "{msg}");
    assert!(
        stdout(&class.run(&moot, "git", &["log", "-1", "--format=%ae"])).trim()
            == "prof@uni.example"
    );
    let q = queue(&class, &moot);
    assert_eq!(find(&q, &grave)["status"], "landed");
    assert_eq!(find(&q, &serious)["status"], "stale");
    assert!(
        find(&q, &serious)["stale_why"]
            .as_str()
            .unwrap()
            .contains("pp6 changed since")
    );
    let n = find(&q, &narrow);
    assert_eq!(n["status"], "pending");
    assert_eq!(n["rebased"], true);
    assert_eq!(
        n["votes"],
        serde_json::json!([{"delegation": "JPN", "vote": "no"}])
    );
    assert!(
        class
            .ok(&moot, &["proposals", "--status", "pending"])
            .contains("votes: yes 0 · no 1 · abstain 0")
    );

    // Landing the stale one is refused with the three-way view; nothing is written.
    let head = class.head(&moot);
    let err = class.refused(&moot, &["land", &serious]);
    assert!(
        err.contains(&format!("proposal {serious} is stale: pp6 changed since"))
            && err.contains("base:")
            && err.contains("landed:")
            && err.contains("proposal:"),
        "{err}"
    );
    assert_eq!(class.head(&moot), head);
    // So is a delegation trying to land or decline.
    as_team(&class, "ia");
    class.ok(&ia, &["sync"]);
    let err = class.refused(&ia, &["land", &narrow]);
    assert!(
        err.contains("only the chair lands and declines proposals, and ia@uni.example is not a chair or secretariat member"),
        "{err}"
    );

    // The chair declines PP7's and lands the rebased one: both words changes stand.
    as_chair(&class);
    let err = class.refused(&moot, &["decline", &pp7, "-m", ""]);
    assert!(err.contains("say why the proposal is declined"), "{err}");
    class.ok(
        &moot,
        &["decline", &pp7, "-m", "Not before the security debate"],
    );
    class.ok(&moot, &["land", &narrow]);
    let pp6 = clause_text(&class, &moot, "pp6");
    assert!(
        pp6.contains("in weapons systems raises grave questions"),
        "{pp6}"
    );
    let err = class.refused(&moot, &["land", &narrow]);
    assert!(
        err.contains(&format!("proposal {narrow} has already landed")),
        "{err}"
    );
    class.ok(&moot, &["sync"]);

    // Every clone derives the same states; verify accepts the chair's credits.
    as_team(&class, "rc");
    class.ok(&rc, &["sync"]);
    let declined = class.ok(&rc, &["proposals", "--status", "declined"]);
    assert!(
        declined.contains(&pp7) && declined.contains("declined: Not before the security debate"),
        "{declined}"
    );
    let stale = class.ok(&rc, &["proposals", "--status", "stale"]);
    assert!(
        stale.contains(&serious) && stale.contains("proposal: "),
        "{stale}"
    );
    let landed = class.ok(&rc, &["proposals", "--status", "landed", "--round", "1"]);
    assert!(
        landed.contains(&grave) && landed.contains(&narrow),
        "{landed}"
    );
    let verified = class.ok(&rc, &["verify"]);
    assert!(
        verified.contains("every change was made by someone allowed"),
        "{verified}"
    );
}

#[test]
fn verify_accepts_a_chairs_credit_only_for_the_proposal_it_cites() {
    let class = Class::new();
    let (moot, rc, _ia) = open_round(&class);
    as_team(&class, "rc");
    let grave = proposal_id(&class.ok(&rc, &["propose", "--clause", "pp6", "--option", "1:1"]));
    class.ok(&rc, &["sync"]);

    // A hand-made amendment: `Proposed-by` and `Lands:` as the committer writes them.
    let commit = |dir: &Path, by: &str, lands: &str, word: &str| {
        let path = dir.join("drafts/treaty.md");
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, text.replacen("[grave][serious]", word, 1)).unwrap();
        let msg = format!(
            "Land by hand\n\nAmendment-Id: am-0000000000{}\nProposed-by: {by}\nClause: pp6\nKind: choose-option\nStatus: adopted\nLands: {lands}\n",
            &lands[lands.len() - 2..]
        );
        let o = class.run(dir, "git", &["commit", "-q", "-am", &msg]);
        assert!(o.status.success(), "{}", stderr(&o));
    };
    let reset = |dir: &Path| {
        let o = class.run(dir, "git", &["reset", "-q", "--hard", "HEAD~1"]);
        assert!(o.status.success(), "{}", stderr(&o));
    };
    as_chair(&class);
    class.ok(&moot, &["sync"]);
    // Citing Rights Coalition's proposal, crediting its delegations: allowed.
    commit(&moot, "CHE, EU, GBR", &grave, "grave");
    let ok = class.ok(&moot, &["verify"]);
    assert!(
        ok.contains("every change was made by someone allowed"),
        "{ok}"
    );
    reset(&moot);
    // Crediting a delegation that did not make it: refused.
    commit(&moot, "USA", &grave, "grave");
    let o = class.treaty(&moot, &["verify"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains(&format!(
            "Proposed-by names USA, but the proposal it lands ({grave}) was not made by USA"
        )),
        "{}",
        stdout(&o)
    );
    reset(&moot);
    // Citing a proposal no one made: refused.
    commit(&moot, "EU", "pr-00000000dead", "grave");
    let o = class.treaty(&moot, &["verify"]);
    assert!(
        stdout(&o)
            .contains("Lands: pr-00000000dead, but no proposal pr-00000000dead was made before it"),
        "{}",
        stdout(&o)
    );
    reset(&moot);

    // A delegation cannot land: `Lands:` is the chair's alone, and the hook refuses it.
    as_team(&class, "rc");
    commit(&rc, "CHE, EU, GBR", &grave, "grave");
    let o = class.treaty(&rc, &["verify"]);
    assert!(
        stdout(&o).contains("but its committer rc@uni.example is not a chair or secretariat member: only the chair lands and declines proposals"),
        "{}",
        stdout(&o)
    );
    let push = class.run(&rc, "git", &["push", "-q", "origin", "HEAD:main"]);
    assert!(!push.status.success());
    assert!(
        stderr(&push).contains("only the chair lands"),
        "{}",
        stderr(&push)
    );
    reset(&rc);

    // Team B writing team A's position file, or naming team A in its trailers: treaty
    // refuses to record it, and the server's hook refuses it made by hand.
    as_team(&class, "ia");
    let ia = class.path("ia");
    class.ok(&ia, &["sync"]);
    let err = class.refused(
        &ia,
        &[
            "propose", "--clause", "pp6", "--option", "1:2", "--by", "EU",
        ],
    );
    assert!(
        err.contains("you (ia@uni.example) are not a member of EU"),
        "{err}"
    );
    let forge = |file: &str, trailers: &str| {
        let path = ia.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, format!("{text}// forged\n")).unwrap();
        let msg = format!(
            "Propose: choose option 1:2 in pp6\n\nAmendment-Id: pr-00000000f00d\n{trailers}Clause: pp6\nKind: choose-option\nRound: 1\nStatus: proposed\n"
        );
        let o = class.run(&ia, "git", &["commit", "-q", "-am", &msg]);
        assert!(o.status.success(), "{}", stderr(&o));
        let push = class.run(&ia, "git", &["push", "-q", "origin", "HEAD:main"]);
        assert!(
            !push.status.success(),
            "the hook admitted {file} with {trailers}"
        );
        reset(&ia);
        stderr(&push)
    };
    let err = forge("positions/eu.ron", "Proposed-by: EU\n");
    assert!(
        err.contains("positions/eu.ron") && err.contains("ia@uni.example"),
        "{err}"
    );
    let err = forge("positions/usa.ron", "Proposed-by: EU\n");
    assert!(
        err.contains("Proposed-by names EU, but the author ia@uni.example is not a member of EU"),
        "{err}"
    );
    let err = forge(
        "positions/usa.ron",
        "Proposed-by: USA\nTeam: Rights Coalition\n",
    );
    assert!(
        err.contains("Team: Rights Coalition, but its author ia@uni.example plays for team Innovation Alliance"),
        "{err}"
    );
}

#[test]
fn bad_proposals_are_refused_and_write_nothing() {
    let class = Class::new();
    let (moot, rc, _ia) = open_round(&class);
    as_team(&class, "rc");
    // The chair deletes PP10 (a delegation's proposal, landed).
    let gone = proposal_id(&class.ok(&rc, &["propose", "--clause", "pp10", "--delete"]));
    class.ok(&rc, &["sync"]);
    as_chair(&class);
    class.ok(&moot, &["sync"]);
    class.ok(&moot, &["land", &gone]);
    class.ok(&moot, &["sync"]);
    as_team(&class, "rc");
    class.ok(&rc, &["sync"]);
    let head = class.head(&rc);
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["propose", "--clause", "pp10", "--text", "Recalling"],
            "clause pp10 was deleted from the text (its id is retired)",
        ),
        (
            vec!["propose", "--clause", "observatroy.2.b", "--delete"],
            "there is no clause observatroy.2.b in the text: did you mean `observatory.2.b`?",
        ),
        (
            vec!["propose", "--clause", "pp6", "--option", "4:1"],
            "there is no group 4",
        ),
        (
            vec!["propose", "--clause", "pp6", "--option", "0:1"],
            "counts groups from 1",
        ),
        (vec!["propose", "--clause", "pp6"], "say what you propose"),
        (
            vec!["propose", "--clause", "pp6", "--text", "x", "--by", "CHAIR"],
            "the chair does not propose to itself",
        ),
        (
            vec!["land", "pr-00000000beef"],
            "there is no proposal pr-00000000beef",
        ),
        (vec!["vote", &gone, "yes"], "has already landed"),
        (
            vec!["vote", "pr-1", "maybe"],
            "is not a vote: use yes, no or abstain",
        ),
    ];
    for (args, expected) in cases {
        let err = class.refused(&rc, &args);
        assert!(err.contains(expected), "{args:?}: {err}");
        assert_eq!(class.head(&rc), head, "{args:?} wrote nothing");
    }
    let status = stdout(&class.run(&rc, "git", &["status", "--porcelain"]));
    assert!(status.trim().is_empty(), "{status}");

    // A round that has closed takes no proposal: refused here, and by the server's hook
    // for one made in time but pushed late.
    let late = proposal_id(&class.ok(&rc, &["propose", "--clause", "pp6", "--option", "1:1"]));
    as_chair(&class);
    let (opens, closed) = (utc(now() - 7200), utc(now() - 1));
    class.ok(
        &moot,
        &[
            "exercise", "schedule", "1", "--opens", &opens, "--closes", &closed,
        ],
    );
    class.ok(&moot, &["sync"]);
    as_team(&class, "rc");
    let o = class.treaty(&rc, &["sync"]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains(&format!(
            "pushed after the round closed at {}",
            closed.replace('Z', "+00:00")
        )) && err.contains("round 1"),
        "{err}"
    );
    assert!(
        !stdout(&class.run(
            &class.path("class.git"),
            "git",
            &["log", "--format=%B", "main"]
        ))
        .contains(&late)
    );
    let err = class.refused(&rc, &["propose", "--clause", "pp7", "--option", "1:1"]);
    assert!(err.contains("round 1 closed at"), "{err}");
}

#[test]
fn the_workbench_proposes_for_a_delegation_and_lands_from_the_queue_for_the_chair() {
    use std::sync::Arc;
    use treaty_workbench::tui::action::Action;
    use treaty_workbench::tui::amending;
    use treaty_workbench::tui::app::{Effect, Msg, State, update};
    use treaty_workbench::tui::data::Data;
    use treaty_workbench::tui::keymap::Keymap;
    use treaty_workbench::tui::theme::Styles;

    let class = Class::new();
    let (moot, rc, ia) = open_round(&class);
    // In this process libgit2 reads each folder's own identity.
    for (dir, email) in [
        (&moot, "prof@uni.example"),
        (&rc, "rc@uni.example"),
        (&ia, "ia@uni.example"),
    ] {
        for (k, v) in [("user.name", email), ("user.email", email)] {
            let o = class.run(dir, "git", &["config", k, v]);
            assert!(o.status.success(), "{}", stderr(&o));
        }
    }
    let draw = |s: &State| {
        let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 40)).unwrap();
        t.draw(|f| treaty_workbench::tui::screens::draw(s, f))
            .unwrap();
        t.backend().to_string()
    };
    let state = |dir: &Path| {
        let data = Arc::new(Data::load(dir).unwrap());
        let mut s = State::new(data, Styles::default(), Keymap::default());
        s.size = (120, 40);
        s
    };
    let act = |s: &mut State, a: Action| update(s, Msg::Action(a));

    // A delegation's member: the Amend screen proposes, and the status bar tells the time.
    let mut s = state(&rc);
    act(&mut s, Action::Amend);
    let screen = draw(&s);
    assert!(screen.contains("7 Propose"), "{screen}");
    assert!(
        screen.contains("round 1: 59 min left") || screen.contains("round 1: 1 h"),
        "{screen}"
    );
    let change = treaty_workbench::amend::Change::ChooseOption {
        clause: "pp6".into(),
        point: 0,
        option: 0,
    };
    let write = amending::Amending {
        change,
        proposers: vec!["CHAIR".into()],
        summary: None,
        base: None,
    };
    let said = amending::commit(&rc, &write).unwrap();
    assert!(
        said.starts_with("proposed pr-") && said.contains("(CHE, EU, GBR)"),
        "{said}"
    );
    let files = stdout(&class.run(&rc, "git", &["show", "--name-only", "--format=", "HEAD"]));
    assert_eq!(files.trim(), "positions/che.ron");
    class.ok(&rc, &["sync"]);
    class.ok(&ia, &["propose", "--clause", "pp6", "--option", "1:2"]);
    class.ok(&ia, &["propose", "--clause", "pp7", "--option", "2:1"]);
    class.ok(&ia, &["sync"]);
    // The chair: the queue, the selected clause's proposals first, each with its words.
    class.ok(&moot, &["sync"]);
    let mut s = state(&moot);
    assert_eq!(s.data.role, amending::Role::Chair);
    act(&mut s, Action::Amend);
    let screen = draw(&s);
    assert!(screen.contains("7 Land"), "{screen}");
    assert!(
        screen.contains("Proposals before the chair — 3 pending, 0 stale"),
        "{screen}"
    );
    assert!(
        screen.contains("choose option 1:2 in pp6 — JPN, USA"),
        "{screen}"
    );
    // `]` selects, `A` lands: the rival choice on PP6 goes stale.
    let order = s.queue_order();
    let first = s.data.proposals[order[0]].proposal.id.clone();
    let pp6_first = s.data.proposals[order[0]].proposal.clause == "pp6";
    let effects = act(&mut s, Action::Land);
    let [Effect::Land { id }] = effects.as_slice() else {
        panic!("expected a landing, got {effects:?}");
    };
    assert_eq!(id, &first);
    assert!(pp6_first, "proposals are queued by clause");
    let said = amending::land(&moot, id).unwrap();
    assert!(said.contains("1 now stale"), "{said}");
    let mut s = state(&moot);
    act(&mut s, Action::Amend);
    let screen = draw(&s);
    assert!(screen.contains(" stale"), "{screen}");
    // A delegation cannot land from its queue.
    class.ok(&moot, &["sync"]);
    class.ok(&ia, &["sync"]);
    let mut s = state(&ia);
    act(&mut s, Action::Amend);
    act(&mut s, Action::NextPoint);
    let effects = act(&mut s, Action::Land);
    assert!(effects.is_empty());
    assert!(
        s.message
            .as_ref()
            .unwrap()
            .1
            .contains("only the chair lands proposals"),
        "{:?}",
        s.message
    );
}
