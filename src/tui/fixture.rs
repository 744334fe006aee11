//! A fixed, reproducible negotiation record for the TUI's tests and benchmarks: the
//! sample bundled into the binary (the one `treaty demo` uses) committed into a fresh git
//! repository as the compilation, then two rounds and a few amendments, all with fixed
//! identities, times and amendment ids.

use std::path::Path;

use crate::amend::{Change, Workspace};
use crate::negotiation::{ANNEXES_FILE, TIERS_FILE};
use crate::store::testing::{init_repo, test_clock};
use crate::store::{self, Amendment, AmendmentKind, Store};

/// Applies `change` at HEAD and records it with an id derived from `seed`.
pub fn amend(
    store: &Store,
    change: &Change,
    proposers: &[&str],
    seed: &str,
) -> Result<git2::Oid, String> {
    let head = store.head().map_err(|e| e.to_string())?;
    let draft = store.draft_at(head).map_err(|e| e.to_string())?.draft;
    let mut ws = Workspace {
        draft,
        tiers: store.text_at(head, TIERS_FILE).map_err(|e| e.to_string())?,
        annexes: store
            .text_at(head, ANNEXES_FILE)
            .map_err(|e| e.to_string())?,
    };
    let edit = ws.apply(change).map_err(|e| e.to_string())?;
    let changes: Vec<store::Change> = edit
        .files
        .iter()
        .map(|(p, c)| match c {
            Some(t) => store::Change::write(p.clone(), t.clone()),
            None => store::Change::delete(p.clone()),
        })
        .collect();
    let mut a = Amendment::new(
        change.kind(),
        proposers.iter().copied(),
        edit.clauses.clone(),
    )
    .with_summary(change.describe());
    if let Some(r) = store.current_round().map_err(|e| e.to_string())? {
        a = a.with_round(r);
    }
    let a = a.with_derived_id(seed);
    store
        .commit(&a, head, &changes)
        .map(|o| o.oid)
        .map_err(|e| e.to_string())
}

/// Builds the fixed record in `dir` from the bundled sample negotiation (`drafts/`,
/// `positions/`, `themes/`).
pub fn build(dir: &Path) -> Result<Store, String> {
    let files: Vec<(String, Vec<u8>)> = crate::demo::bundled_sample()
        .iter()
        .map(|(path, bytes)| (path.to_string(), bytes.to_vec()))
        .collect();
    build_from(&files, dir)
}

/// Builds the fixed record in `dir` from `files` (paths relative to the negotiation's
/// root): the compilation commit writes them into the work tree.
pub fn build_from(files: &[(String, Vec<u8>)], dir: &Path) -> Result<Store, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    init_repo(dir);
    let store = Store::init_with_clock(dir, test_clock()).map_err(|e| e.to_string())?;
    let files: Vec<store::Change> = files
        .iter()
        .map(|(path, bytes)| store::Change::write(path.clone(), bytes.clone()))
        .collect();
    let head = store.head().map_err(|e| e.to_string())?;
    let compilation = Amendment::new(AmendmentKind::Insert, ["CHAIR"], Vec::<String>::new())
        .with_summary("Compilation text issued by the Chair")
        .with_derived_id("fixture-compilation");
    store
        .commit(&compilation, head, &files)
        .map_err(|e| e.to_string())?;
    store
        .start_round("r1-geneva", "First session, Geneva")
        .map_err(|e| e.to_string())?;
    let steps: Vec<(Change, &[&str])> = vec![
        (Change::Bracket { clause: "capacity.2".into(), phrase: None }, &["EU"]),
        (
            Change::Replace {
                clause: "observatory.2.c".into(),
                text: "support capacity-building in developing country Parties[, in particular in Africa - AGN], in cooperation with the Fund established under Article 18;".into(),
            },
            &["AGN", "LDC"],
        ),
        (Change::ChooseOption { clause: "observatory.2.a".into(), point: 0, option: 1 }, &["EU", "USA"]),
    ];
    for (k, (change, by)) in steps.iter().enumerate() {
        amend(&store, change, by, &format!("fixture-{k}"))?;
    }
    store
        .start_round("r2-nairobi", "Second session, Nairobi")
        .map_err(|e| e.to_string())?;
    amend(
        &store,
        &Change::ChooseOption {
            clause: "observatory.2.b".into(),
            point: 0,
            option: 1,
        },
        &["CHAIR"],
        "fixture-choose",
    )?;
    Ok(store)
}
