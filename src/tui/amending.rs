//! Recording an amendment made in the TUI: applied to the text at HEAD with the amendment
//! engine, committed with compare-and-swap on HEAD.

use std::path::Path;

use crate::amend::{Change, Workspace};
use crate::negotiation::{ANNEXES_FILE, TIERS_FILE};
use crate::store::{self, Amendment, Store, StoreError};

/// Applies `change` to HEAD and records it as an amendment by `proposers` in the current
/// round. Returns the commit's subject line.
pub fn commit(root: &Path, change: &Change, proposers: &[String]) -> Result<String, String> {
    let store = Store::open(root).map_err(|e| format!("cannot record amendments here: {e}"))?;
    let head = store.head().map_err(|e| e.to_string())?;
    let draft = store
        .draft_at(head)
        .map_err(|e| format!("cannot read the draft at HEAD: {e}"))?
        .draft;
    let text_at = |p: &str| store.text_at(head, p).map_err(|e| e.to_string());
    let mut ws = Workspace {
        draft,
        tiers: text_at(TIERS_FILE)?,
        annexes: text_at(ANNEXES_FILE)?,
    };
    let edit = ws.apply(change).map_err(|e| e.to_string())?;
    let changes: Vec<store::Change> = edit
        .files
        .iter()
        .map(|(path, content)| match content {
            Some(text) => store::Change::write(path.clone(), text.clone()),
            None => store::Change::delete(path.clone()),
        })
        .collect();
    let mut amendment = Amendment::new(
        change.kind(),
        proposers.iter().cloned(),
        edit.clauses.clone(),
    )
    .with_summary(change.describe());
    if let Some(round) = store.current_round().map_err(|e| e.to_string())? {
        amendment = amendment.with_round(round);
    }
    match store.commit(&amendment, head, &changes) {
        Ok(_) => Ok(amendment.subject()),
        Err(e @ StoreError::Moved { .. }) => Err(format!(
            "{e} — someone recorded an amendment meanwhile: reload (r) and make the change again"
        )),
        Err(e) => Err(e.to_string()),
    }
}
