//! "Did you mean …?": the known name nearest to a mistyped one.
//!
//! Every message that refuses an unknown clause id, delegation, round, style or action
//! suggests through here, so the same typo gets the same suggestion everywhere.

/// The candidate fewest edits (Damerau–Levenshtein) from `given`, if few enough to be a
/// likely typo: half the longer name's length, at least two. Ties go to the candidate that
/// shares the longer start with `given` (Jaro–Winkler), then to the first.
pub fn nearest<'a, S>(given: &str, candidates: impl IntoIterator<Item = &'a S>) -> Option<&'a S>
where
    S: AsRef<str> + ?Sized + 'a,
{
    let given_len = given.chars().count();
    let mut best: Option<(usize, f64, &'a S)> = None;
    for candidate in candidates {
        let c = candidate.as_ref();
        let distance = strsim::damerau_levenshtein(given, c);
        if distance > (given_len.max(c.chars().count()) / 2).max(2) {
            continue;
        }
        let closeness = strsim::jaro_winkler(given, c);
        let better = match best {
            None => true,
            Some((d, j, _)) => distance < d || (distance == d && closeness > j),
        };
        if better {
            best = Some((distance, closeness, candidate));
        }
    }
    best.map(|(_, _, c)| c)
}

/// [`nearest`], as an owned string.
pub fn nearest_owned<'a, S>(
    given: &str,
    candidates: impl IntoIterator<Item = &'a S>,
) -> Option<String>
where
    S: AsRef<str> + ?Sized + 'a,
{
    nearest(given, candidates).map(|s| s.as_ref().to_string())
}

/// `: did you mean `x`?` to follow a refusal, or nothing when there is no suggestion.
pub fn did_you_mean(suggestion: Option<&str>) -> String {
    suggestion
        .map(|s| format!(": did you mean `{s}`?"))
        .unwrap_or_default()
}

/// `did you mean `x`?` on its own, as a diagnostic's help line.
pub fn help(suggestion: &str) -> String {
    format!("did you mean `{suggestion}`?")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_names_are_suggested_and_far_ones_are_not() {
        let known = ["observatory.1", "observatory.2", "objective"];
        assert_eq!(
            nearest("obsrvatory.1", known.iter().copied()),
            Some("observatory.1")
        );
        assert_eq!(nearest("zzzzzz", known.iter().copied()), None);
        let owned: Vec<String> = vec!["EU".into(), "USA".into()];
        assert_eq!(nearest_owned("EUU", &owned), Some("EU".into()));
        assert_eq!(nearest("", Vec::<&str>::new()), None);
    }

    #[test]
    fn ties_go_to_the_longer_shared_start() {
        // Both one edit away; "tier.1" shares more of its start with "tier.l".
        assert_eq!(nearest("tier.l", ["tier.1", "tler.l"]), Some("tier.1"));
    }

    #[test]
    fn wording() {
        assert_eq!(did_you_mean(Some("EU")), ": did you mean `EU`?");
        assert_eq!(did_you_mean(None), "");
        assert_eq!(help("EU"), "did you mean `EU`?");
    }
}
