//! Recording the compilation text (`treaty_text::compile`): one `bracket` amendment by
//! the chair or secretariat the roster names, through the one record path.

use treaty_text::amendment::AmendmentKind;
use treaty_text::compile::{Compilation, Recorder};
use treaty_text::negotiation::{DRAFTS_DIR, POSITIONS_DIR};

use crate::record::{self, Edit, NewAmendment, RecordError, Recorded};
use crate::store::{Oid, Store, StoreError};

/// Paths under `drafts/` and `positions/` whose work-tree copy differs from the last
/// commit (new, changed or removed), relative to the work tree: the compilation is made
/// from the committed text, so these must be committed first.
pub fn uncommitted(store: &Store) -> Result<Vec<String>, StoreError> {
    store.uncommitted(&[DRAFTS_DIR, POSITIONS_DIR])
}

/// Records `c` on top of `parent` (which must still be the tip of the branch:
/// [`StoreError::Moved`] otherwise, and nothing is written), proposed by the chair's code
/// and committed by its first member, in `round` (or the round the text is in).
pub fn record(
    store: &Store,
    parent: Oid,
    c: &Compilation,
    chair: &Recorder,
    round: Option<String>,
) -> Result<Recorded, RecordError> {
    let mut new = NewAmendment::of(
        Edit::Files {
            kind: AmendmentKind::Bracket,
            clauses: c.clauses.iter().map(|x| x.clause.clone()).collect(),
            files: c
                .files
                .iter()
                .map(|(path, text)| (path.clone(), Some(text.clone())))
                .collect(),
        },
        [chair.code.as_str()],
    )
    .with_summary(c.summary())
    .with_body(c.body());
    new.round = round;
    match &chair.identity {
        None => record::record_on(store, &new, parent, None),
        Some((name, email)) => {
            let sig = store.signature(name, email)?;
            record::record_on(store, &new, parent, Some(&sig))
        }
    }
}

#[cfg(test)]
mod tests {
    use treaty_text::amendment::Amendment;
    use treaty_text::compile::{CompileOptions, chair, compile};
    use treaty_text::negotiation::Negotiation;

    use super::*;
    use crate::store::FileChange;
    use crate::testing::TestRepo;

    const FRONT: &str = "# Test Convention {#treaty}\n\n## Part I. General {#part-1}\n\n- [Article 1. Objective](articles/one.md)\n";
    const ONE: &str = "### Article 1. Objective {#one}\n\n1. Parties shall cooperate. {#one.1}\n\n2. Parties [shall][should] report: {#one.2}\n\n(a) on risks; {#one.2.a}\n\n(b) on incidents. {#one.2.b}\n\n3. The Observatory may publish reports. {#one.3}\n";

    const ROSTER: &str = "(version: 1, delegations: [(code: \"EU\", members: [(name: \"E\", email: \"e@eu.invalid\")])], chair: (name: \"Chair\", members: [(name: \"The Chair\", email: \"chair@un.invalid\")]))\n";

    fn committed_repo() -> TestRepo {
        let t = TestRepo::new();
        t.amend(
            &Amendment::new(AmendmentKind::Insert, ["CHAIR"], [""; 0]),
            &[
                FileChange::write("drafts/treaty.md", FRONT),
                FileChange::write("drafts/articles/one.md", ONE),
                FileChange::write(
                    "positions/eu.ron",
                    "(version: 1, code: \"EU\", name: \"European Union\", kind: Group, clauses: [(clause: \"one.3\", stance: Delete)])\n",
                ),
                FileChange::write("positions/roster.ron", ROSTER),
            ],
        );
        t
    }

    #[test]
    fn records_one_commit_by_the_chair_and_refuses_a_moved_branch() {
        let t = committed_repo();
        let checked = Negotiation::load(&t.path()).unwrap();
        let c = compile(&checked.negotiation, &CompileOptions::default()).unwrap();
        let chair = chair(&t.path()).unwrap();
        assert_eq!(
            chair.identity,
            Some(("The Chair".to_string(), "chair@un.invalid".to_string()))
        );
        assert!(uncommitted(&t.store).unwrap().is_empty());

        // Another amendment lands first: nothing is written.
        let head = t.store.head().unwrap();
        t.amend(
            &Amendment::new(AmendmentKind::Replace, ["EU"], ["one.1"]),
            &[FileChange::write("notes.txt", "x\n")],
        );
        let err = record(&t.store, head, &c, &chair, None).unwrap_err();
        assert!(err.is_retryable(), "{err}");
        assert_eq!(t.read("drafts/articles/one.md").unwrap(), ONE);

        let head = t.store.head().unwrap();
        let outcome = record(&t.store, head, &c, &chair, None).unwrap();
        assert_eq!(t.store.head().unwrap(), outcome.oid);
        assert_eq!(
            t.git(&["log", "-1", "--format=%an <%ae>"]).trim(),
            "The Chair <chair@un.invalid>"
        );
        let msg = t.git(&["log", "-1", "--format=%B"]);
        let parsed = Amendment::parse(&msg).unwrap();
        assert_eq!(parsed.proposers, ["CHAIR"]);
        assert_eq!(parsed.clauses, ["one.3"]);
        assert!(msg.contains("one.3: 2 alternatives (delete EU)"), "{msg}");
        assert!(
            t.read("drafts/articles/one.md")
                .unwrap()
                .contains("[The Observatory may publish reports.; EU delete]")
        );
    }

    #[test]
    fn uncommitted_edits_are_reported() {
        let t = committed_repo();
        t.write("positions/usa.ron", "(version: 1)\n");
        t.write("drafts/articles/one.md", "changed\n");
        t.write("notes.txt", "not part of the negotiation\n");
        assert_eq!(
            uncommitted(&t.store).unwrap(),
            ["drafts/articles/one.md", "positions/usa.ron"]
        );
    }
}
