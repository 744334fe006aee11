//! A fixed, reproducible negotiation record for the TUI's tests and benchmarks: the
//! sample bundled into the binary (the one `treaty demo` uses) committed into a fresh git
//! repository as the compilation, then two rounds and a few amendments, all with fixed
//! identities, times and amendment ids.

use std::path::Path;

use treaty_text::amend::Change;
use treaty_text::amendment::AmendmentKind;
use treaty_text::roster::CHAIR;

use crate::record::{self, Edit, NewAmendment};
use crate::store::{Oid, Store};
use crate::testing::{init_repo, test_clock};

/// Applies `change` at HEAD and records it, through the one record path, with an id
/// derived from `seed`.
pub fn amend(
    store: &Store,
    change: &Change,
    proposers: &[&str],
    seed: &str,
) -> Result<Oid, String> {
    let new = NewAmendment::new(change.clone(), proposers.iter().copied()).with_derived_id(seed);
    record::record(store, &new)
        .map(|r| r.oid)
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
    let files = files
        .iter()
        .map(|(path, bytes)| {
            let text = String::from_utf8(bytes.clone())
                .map_err(|_| format!("{path} is not UTF-8 text"))?;
            Ok((path.clone(), Some(text)))
        })
        .collect::<Result<_, String>>()?;
    let compilation = NewAmendment::of(
        Edit::Files {
            kind: AmendmentKind::Insert,
            clauses: Vec::new(),
            files,
        },
        [CHAIR],
    )
    .with_summary("Compilation text issued by the Chair")
    .with_derived_id("fixture-compilation");
    record::record(&store, &compilation).map_err(|e| e.to_string())?;
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
        &[CHAIR],
        "fixture-choose",
    )?;
    Ok(store)
}
