//! Recording an amendment made in the workbench, through the one record path
//! ([`crate::record`]): applied to the text at HEAD, checked (known delegations, something
//! changes), committed with compare-and-swap on HEAD.

use std::path::Path;

use crate::amend::Change;
use crate::record::{self, NewAmendment, RecordError};
use crate::store::{Store, StoreError};

/// Applies `change` to HEAD and records it as an amendment by `proposers` in the current
/// round. Returns the commit's subject line.
pub fn commit(root: &Path, change: &Change, proposers: &[String]) -> Result<String, String> {
    let store = Store::open(root).map_err(|e| format!("cannot record amendments here: {e}"))?;
    match record::record(&store, &NewAmendment::new(change.clone(), proposers.iter())) {
        Ok(recorded) => Ok(recorded.amendment.summary),
        Err(e @ RecordError::Store(StoreError::Moved { .. })) => Err(format!(
            "{e} — someone recorded an amendment meanwhile: reload (r) and make the change again"
        )),
        Err(e) => Err(e.to_string()),
    }
}
