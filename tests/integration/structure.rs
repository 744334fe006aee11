//! Structural amendments through the binary: an article, annex, part or chapter inserted,
//! moved, deleted or renumbered as one recorded amendment, hand edits recorded with
//! `--from-worktree`, and every bad request refused with nothing written.

use crate::amend::{Sandbox, trailers};
use crate::support::{stderr, stdout};

/// The sample, recorded by the roster's chair (who lands amendments to the draft).
fn chair_sample() -> Sandbox {
    let s = Sandbox::with_sample();
    s.git(&["config", "user.name", "Chair"]);
    s.git(&["config", "user.email", "chair@secretariat.invalid"]);
    s
}

/// Runs `treaty` and asserts it succeeded; returns its standard output.
fn ok(s: &Sandbox, args: &[&str]) -> String {
    let o = s.treaty(args);
    assert!(
        o.status.success(),
        "{args:?}\n{}\n{}",
        stdout(&o),
        stderr(&o)
    );
    stdout(&o)
}

/// After a structural amendment: `check` and `verify` pass, `log` shows its kind, and
/// the trailers carry it.
fn recorded(s: &Sandbox, kind: &str, clause: &str) {
    ok(s, &["check"]);
    ok(s, &["verify"]);
    let log = ok(s, &["log"]);
    let first = log.split("\namendment ").next().unwrap();
    assert!(first.contains(&format!("Kind:        {kind}")), "{first}");
    let t = trailers(s, "HEAD");
    assert!(t.contains(&("Kind".into(), kind.into())), "{t:?}");
    assert!(t.contains(&("Clause".into(), clause.into())), "{t:?}");
    assert_eq!(s.git(&["status", "--porcelain"]), "");
}

/// Runs a request that must be refused: exit 2 (or 1 from the command line), the
/// message holds `needle`, and HEAD, the index and the work tree are as they were.
fn refused(s: &Sandbox, args: &[&str], needle: &str) {
    let head = s.head();
    let index = s.git(&["ls-files", "-s"]);
    let tree = s.work_tree();
    let o = s.treaty(args);
    assert!(
        !o.status.success(),
        "{args:?} was accepted:\n{}",
        stdout(&o)
    );
    assert!(stderr(&o).contains(needle), "{args:?}: {}", stderr(&o));
    assert_eq!(s.head(), head, "{args:?}");
    assert_eq!(s.git(&["ls-files", "-s"]), index, "{args:?}");
    assert!(s.work_tree() == tree, "{args:?} changed the work tree");
}

#[test]
fn insert_an_article_after_and_before_then_read_it() {
    let s = chair_sample();
    let out = ok(
        &s,
        &[
            "amend",
            "--kind",
            "insert-article",
            "--after",
            "scope",
            "--label",
            "3 bis",
            "--title",
            "Use of terms",
            "--text",
            "1. Parties shall [cooperate].",
            "--by",
            "CHAIR",
        ],
    );
    assert!(out.contains("kind: insert-article"), "{out}");
    assert_eq!(
        s.read("drafts/articles/use-terms.md"),
        "### Article 3 bis. Use of terms {#use-terms}\n\n1. Parties shall [cooperate]. {#use-terms.1}\n"
    );
    assert!(s.read("drafts/treaty.md").contains(
        "- [Article 3. Scope](articles/scope.md)\n- [Article 3 bis. Use of terms](articles/use-terms.md)\n- [Article 4."
    ));
    recorded(&s, "insert-article", "use-terms");
    assert!(ok(&s, &["history", "use-terms"]).contains("Article 3 bis"));
    assert!(ok(&s, &["show", "use-terms.1"]).contains("Parties shall [cooperate]."));

    ok(
        &s,
        &[
            "amend",
            "--kind",
            "insert-article",
            "--before",
            "objective",
            "--label",
            "0",
            "--title",
            "Preliminary",
            "--by",
            "CHAIR",
        ],
    );
    assert!(s.read("drafts/treaty.md").contains(
        "{#part-general}\n\n- [Article 0. Preliminary](articles/preliminary.md)\n- [Article 1. Objective]"
    ));
    recorded(&s, "insert-article", "preliminary");
}

#[test]
fn move_delete_and_renumber_an_article_and_a_part() {
    let s = chair_sample();
    ok(
        &s,
        &[
            "amend",
            "--kind",
            "move-article",
            "--clause",
            "martens",
            "--before",
            "objective",
            "--by",
            "CHAIR",
        ],
    );
    recorded(&s, "move-article", "martens");
    let front = s.read("drafts/treaty.md");
    assert!(
        front.find("articles/martens.md").unwrap() < front.find("articles/objective.md").unwrap()
    );

    ok(
        &s,
        &[
            "amend",
            "--kind",
            "move-article",
            "--clause",
            "martens",
            "--into",
            "part-final",
            "--by",
            "CHAIR",
        ],
    );
    recorded(&s, "move-article", "martens");
    assert!(
        s.read("drafts/treaty.md")
            .contains("depositary.md)\n- [Article 23. Human dignity")
    );

    ok(
        &s,
        &[
            "amend",
            "--kind",
            "renumber-article",
            "--clause",
            "martens",
            "--label",
            "31",
            "--by",
            "CHAIR",
        ],
    );
    recorded(&s, "renumber-article", "martens");
    assert!(
        s.read("drafts/articles/martens.md")
            .starts_with("### Article 31.")
    );
    assert!(ok(&s, &["history", "martens"]).contains("Article 31"));

    ok(
        &s,
        &[
            "amend",
            "--kind",
            "move-part",
            "--clause",
            "part-final",
            "--after",
            "part-general",
            "--by",
            "CHAIR",
        ],
    );
    recorded(&s, "move-part", "part-final");
    let front = s.read("drafts/treaty.md");
    assert!(front.find("{#part-final}").unwrap() < front.find("{#part-obligations}").unwrap());

    ok(
        &s,
        &[
            "amend",
            "--kind",
            "insert-chapter",
            "--into",
            "part-final",
            "--label",
            "1",
            "--title",
            "Closing",
            "--by",
            "CHAIR",
        ],
    );
    recorded(&s, "insert-chapter", "closing");
    ok(
        &s,
        &[
            "amend",
            "--kind",
            "delete-chapter",
            "--clause",
            "closing",
            "--by",
            "CHAIR",
        ],
    );
    recorded(&s, "delete-chapter", "closing");

    ok(
        &s,
        &[
            "amend",
            "--kind",
            "delete-article",
            "--clause",
            "depositary",
            "--by",
            "CHAIR",
        ],
    );
    recorded(&s, "delete-article", "depositary");
    assert!(!s.repo().join("drafts/articles/depositary.md").exists());
    assert!(!s.read("drafts/treaty.md").contains("depositary"));
    assert!(s.read("drafts/retired-ids").contains("depositary\n"));
}

#[test]
fn bad_structural_amendments_change_nothing() {
    let s = chair_sample();
    let amend = |rest: &[&str]| {
        let mut args = vec!["amend", "--by", "CHAIR"];
        args.extend_from_slice(rest);
        args.into_iter().map(String::from).collect::<Vec<_>>()
    };
    let cases: &[(&[&str], &str)] = &[
        (
            &[
                "--kind",
                "insert-article",
                "--after",
                "scopee",
                "--label",
                "3 bis",
                "--title",
                "X",
            ],
            "unknown clause id `scopee`: did you mean `scope`?",
        ),
        (
            &[
                "--kind",
                "move-part",
                "--clause",
                "part-final",
                "--into",
                "part-final",
            ],
            "cannot be placed relative to itself",
        ),
        (
            &[
                "--kind",
                "move-chapter",
                "--clause",
                "part-final",
                "--into",
                "part-general",
            ],
            "part-final is a part, not a chapter",
        ),
        (
            &[
                "--kind",
                "move-article",
                "--clause",
                "objective",
                "--after",
                "annex-gpai",
            ],
            "an article cannot go there: annex-gpai is an annex",
        ),
        (
            &["--kind", "delete", "--clause", "treaty"],
            "treaty is the title; it cannot be deleted",
        ),
        (
            &["--kind", "delete-part", "--clause", "part-final"],
            "part-final still holds articles or chapters: move or delete them first",
        ),
        (
            &[
                "--kind",
                "renumber-article",
                "--clause",
                "martens",
                "--label",
                "Article 1",
            ],
            "`Article 1` is already objective's number",
        ),
        (
            &[
                "--kind",
                "insert",
                "--after",
                "scope",
                "--text",
                "More words.",
            ],
            "use --kind insert-article",
        ),
        (
            &[
                "--kind",
                "replace",
                "--clause",
                "objective.1",
                "--text",
                "Words.\n\n### Article 99. Smuggled",
            ],
            "the text holds a heading (`#`) at line 3",
        ),
    ];
    for (rest, needle) in cases {
        let args = amend(rest);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        refused(&s, &args, needle);
    }
}

#[test]
fn the_last_article_is_not_deleted() {
    let s = Sandbox::new();
    s.git_init();
    ok(&s, &["init"]);
    refused(
        &s,
        &[
            "amend",
            "--kind",
            "delete-article",
            "--clause",
            "objective",
            "--by",
            "CHAIR",
        ],
        "objective is the last article",
    );
}

#[test]
fn hand_edits_are_recorded_from_the_work_tree() {
    let s = chair_sample();
    let scope = s.read("drafts/articles/scope.md");
    std::fs::write(
        s.repo().join("drafts/articles/scope.md"),
        format!("{scope}\n### Article 3 bis. Smuggled {{#smuggled}}\n"),
    )
    .unwrap();
    let head = s.head();
    let o = s.treaty(&["amend", "--from-worktree", "--by", "CHAIR"]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("drafts/articles/scope.md:")
            && stderr(&o).contains("a second article or annex heading"),
        "{}",
        stderr(&o)
    );
    assert_eq!(s.head(), head);
    assert_eq!(s.git(&["diff", "--cached", "--name-only"]), "");
    s.git(&["checkout", "-q", "--", "drafts"]);

    // A new article by hand: its file and the include line, recorded as insert-article.
    std::fs::write(
        s.repo().join("drafts/articles/terms.md"),
        "### Article 3 bis. Use of terms {#terms}\n\n1. Terms apply. {#terms.1}\n",
    )
    .unwrap();
    let front = s.read("drafts/treaty.md").replace(
        "- [Article 3. Scope](articles/scope.md)\n",
        "- [Article 3. Scope](articles/scope.md)\n- [Article 3 bis. Use of terms](articles/terms.md)\n",
    );
    std::fs::write(s.repo().join("drafts/treaty.md"), front).unwrap();
    let out = ok(
        &s,
        &[
            "amend",
            "--from-worktree",
            "-m",
            "Use of terms",
            "--by",
            "CHAIR",
        ],
    );
    assert!(out.contains("clauses: terms, terms.1"), "{out}");
    recorded(&s, "insert-article", "terms");
    assert!(ok(&s, &["log"]).contains("Use of terms"));

    // Wording only: a replace, the clause named.
    let objective = s.read("drafts/articles/objective.md");
    std::fs::write(
        s.repo().join("drafts/articles/objective.md"),
        objective.replace(
            "The objective of this Convention is",
            "This Convention aims",
        ),
    )
    .unwrap();
    ok(&s, &["amend", "--from-worktree", "--by", "CHAIR"]);
    recorded(&s, "replace", "objective.1");

    // Nothing edited: nothing to record.
    refused(
        &s,
        &["amend", "--from-worktree", "--by", "CHAIR"],
        "nothing would change",
    );
}

#[test]
fn several_structural_changes_by_hand_are_refused_one_at_a_time_works() {
    let s = chair_sample();
    // By hand: the Martens clause moved to the top of Part I, and Article 30 renumbered.
    let front = s
        .read("drafts/treaty.md")
        .replace(
            "- [Article 23. Human dignity where this Convention is silent](articles/martens.md)\n",
            "",
        )
        .replace(
            "## Part I. General provisions {#part-general}\n\n",
            "## Part I. General provisions {#part-general}\n\n- [Article 23. Human dignity where this Convention is silent](articles/martens.md)\n",
        )
        .replace("[Article 30. Depositary", "[Article 31. Depositary");
    std::fs::write(s.repo().join("drafts/treaty.md"), &front).unwrap();
    let depositary = s.read("drafts/articles/depositary.md");
    std::fs::write(
        s.repo().join("drafts/articles/depositary.md"),
        depositary.replace("### Article 30.", "### Article 31."),
    )
    .unwrap();
    refused(
        &s,
        &["amend", "--from-worktree", "--by", "CHAIR"],
        "these hand edits make 2 structural changes (renumber-article depositary, move-article martens): record them one at a time",
    );
    // The renumbering undone, the move alone is one amendment of its kind.
    std::fs::write(s.repo().join("drafts/articles/depositary.md"), &depositary).unwrap();
    std::fs::write(
        s.repo().join("drafts/treaty.md"),
        front.replace("[Article 31. Depositary", "[Article 30. Depositary"),
    )
    .unwrap();
    ok(&s, &["amend", "--from-worktree", "--by", "CHAIR"]);
    recorded(&s, "move-article", "martens");
}

#[test]
fn check_names_article_files_treaty_md_does_not_include() {
    let s = chair_sample();
    std::fs::write(
        s.repo().join("drafts/articles/orphan.md"),
        "### Article 40. Orphan {#orphan}\n",
    )
    .unwrap();
    let o = s.treaty(&["check"]);
    assert!(!o.status.success());
    assert!(
        stdout(&o).contains(
            "drafts/articles/orphan.md:1:1: error: drafts/treaty.md does not include this file"
        ) || stderr(&o).contains(
            "drafts/articles/orphan.md:1:1: error: drafts/treaty.md does not include this file"
        ),
        "{}{}",
        stdout(&o),
        stderr(&o)
    );
}

#[test]
fn show_position_gives_each_stance_its_note() {
    let s = chair_sample();
    let shown = ok(&s, &["show", "objective.1", "--position", "EU"]);
    assert!(
        shown.contains("EU's note: Rights first; innovation as a means, not a co-equal objective."),
        "{shown}"
    );
    let deleted = ok(&s, &["show", "principles.2bis", "--position", "EU"]);
    assert!(deleted.contains("(deletion proposed by EU)"), "{deleted}");
    assert!(
        deleted.contains("EU's note: Trade language belongs in trade fora."),
        "{deleted}"
    );
}

#[test]
fn check_names_every_missing_field_of_a_position_at_once() {
    let s = chair_sample();
    let eu = s
        .read("positions/eu.ron")
        .replace("    name: \"European Union\",\n", "")
        .replace("    kind: Group,\n", "");
    std::fs::write(s.repo().join("positions/eu.ron"), eu).unwrap();
    let o = s.treaty(&["check"]);
    assert!(!o.status.success());
    assert!(
        stdout(&o).contains("positions/eu.ron:")
            && stdout(&o).contains("error: this position lacks the fields `name`, `kind`"),
        "{}",
        stdout(&o)
    );
}
