//! Resolving one choice point at a time, as amendments do: choosing an alternative or an
//! option, or lifting the brackets of agreed text — leaving every other bracket as it was.

use super::tree::Point;
use super::{Span, Tree};

/// Why a choice point cannot be resolved as asked. Indexes are 0-based; the messages count
/// from 1, as negotiators do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PointError {
    #[error("there is no bracket or option set {}: the text has {available}", .index + 1)]
    NoSuchPoint { index: usize, available: usize },
    #[error(
        "bracket {} has {available} alternatives; there is no alternative {}",
        .point + 1,
        .index + 1
    )]
    NoSuchAlternative {
        point: usize,
        index: usize,
        available: usize,
    },
    #[error(
        "bracket {} holds {count} alternatives: choose one instead of lifting",
        .point + 1
    )]
    NotSingle { point: usize, count: usize },
}

impl Tree {
    /// The text with choice point `point` replaced by its alternative `index`: a group by
    /// that alternative's wording (nothing, for a deletion), an option set by that option's
    /// text (its own sub-options become the remaining choice).
    pub fn resolve(&self, text: &str, point: usize, index: usize) -> Result<String, PointError> {
        let (span, replacement) = self.replacement(text, point, index)?;
        Ok(splice(text, span, replacement))
    }

    /// The text with the brackets of choice point `point` removed: it must be a group of
    /// one alternative (agreed text), whose words stay and whose attribution goes.
    pub fn lift(&self, text: &str, point: usize) -> Result<String, PointError> {
        let mut found = None;
        let mut n = 0;
        self.for_each_point(|p| {
            if n == point {
                found = Some(match p {
                    Point::Group(g) if g.alternatives.len() == 1 && !g.alternatives[0].deletion => {
                        Ok(())
                    }
                    other => Err(other.len()),
                });
            }
            n += 1;
        });
        match found {
            None => Err(PointError::NoSuchPoint {
                index: point,
                available: n,
            }),
            Some(Err(count)) => Err(PointError::NotSingle { point, count }),
            Some(Ok(())) => self.resolve(text, point, 0),
        }
    }

    /// The text with every single-alternative group lifted, until none is left. Groups with
    /// alternatives, options and placeholders stay. Each pass lifts every single group the
    /// tree holds at once (their brackets and attributions never overlap), so the work is
    /// linear in the text for each [`super::MAX_DEPTH`] levels of nesting.
    pub fn lift_all_single(&self, text: &str) -> String {
        let mut current = text.to_string();
        let mut tree = self.clone();
        loop {
            // What each single group drops: its opening bracket up to its wording, and
            // from the end of its wording (attribution included) to its closing bracket.
            let mut drop: Vec<Span> = Vec::new();
            tree.for_each_point(|p| {
                if let Point::Group(g) = p
                    && g.alternatives.len() == 1
                    && !g.alternatives[0].deletion
                {
                    let body = g.alternatives[0].body;
                    drop.push(Span::new(g.span.start, body.start));
                    drop.push(Span::new(body.end, g.span.end));
                }
            });
            if drop.is_empty() {
                return current;
            }
            drop.sort_by_key(|s| s.start);
            let mut next = String::with_capacity(current.len());
            let mut at = 0;
            for span in drop {
                if span.start >= at {
                    next.push_str(&current[at..span.start]);
                    at = span.end;
                }
            }
            next.push_str(&current[at..]);
            if next == current {
                return current;
            }
            current = next;
            tree = super::parse(&current);
        }
    }

    fn replacement(
        &self,
        text: &str,
        point: usize,
        index: usize,
    ) -> Result<(Span, String), PointError> {
        let mut out = None;
        let mut n = 0;
        self.for_each_point(|p| {
            if n == point {
                out = Some(match p {
                    Point::Group(g) => match g.alternatives.get(index) {
                        None => Err(PointError::NoSuchAlternative {
                            point,
                            index,
                            available: g.alternatives.len(),
                        }),
                        Some(a) if a.deletion => Ok((g.span, String::new())),
                        Some(a) => Ok((g.span, a.body.of(text).to_string())),
                    },
                    Point::Options(span, items, _) => match items.get(index) {
                        None => Err(PointError::NoSuchAlternative {
                            point,
                            index,
                            available: items.len(),
                        }),
                        Some(item) if item.no_text => Ok((span, String::new())),
                        Some(item) => {
                            // The option's own words, and its sub-options (now the choice).
                            let own = item.body.of(text).trim().to_string();
                            let subs = &text[item.body.end.min(item.span.end)..item.span.end];
                            let subs = subs.trim();
                            let joined = match (own.is_empty(), subs.is_empty()) {
                                (_, true) => own,
                                (true, false) => subs.to_string(),
                                (false, false) => format!("{own}\n{subs}"),
                            };
                            Ok((span, joined))
                        }
                    },
                });
            }
            n += 1;
        });
        out.unwrap_or(Err(PointError::NoSuchPoint {
            index: point,
            available: n,
        }))
    }
}

/// Replaces `span` of `text`, tidying the seams: a chapeau line joins the chosen option
/// with a space, and a removed alternative leaves no doubled space or space before
/// punctuation.
fn splice(text: &str, span: Span, replacement: String) -> String {
    let mut before = text[..span.start].to_string();
    let mut after = text[span.end..].to_string();
    let replacement = replacement.trim_matches([' ', '\n', '\r']);
    if before.ends_with('\n') {
        // An option set replaced by its chosen text: join it to the chapeau line.
        let trimmed = before.trim_end().len();
        before.truncate(trimmed);
        if !before.is_empty() && !replacement.is_empty() {
            before.push(' ');
        }
        if after.starts_with('\n') && replacement.is_empty() {
            after = after.trim_start().to_string();
        }
    }
    if replacement.is_empty() {
        // Removing words: drop the space that separated them.
        if before.ends_with(' ')
            && (after.starts_with(' ')
                || after.starts_with([',', '.', ';', ':', ')'])
                || after.is_empty())
        {
            before.pop();
        } else if before.is_empty() || before.ends_with('(') {
            after = after.trim_start_matches(' ').to_string();
        }
    }
    format!("{before}{replacement}{after}")
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::PointError;

    fn resolve(text: &str, point: usize, index: usize) -> String {
        parse(text).resolve(text, point, index).unwrap()
    }

    #[test]
    fn choose_in_groups() {
        assert_eq!(
            resolve("Parties [shall][should] act.", 0, 1),
            "Parties should act."
        );
        assert_eq!(
            resolve(
                "free humanity from [extreme - US; G77 delete] poverty",
                0,
                1
            ),
            "free humanity from poverty"
        );
        assert_eq!(
            resolve("from [extreme - US; G77 delete] poverty", 0, 0),
            "from extreme poverty"
        );
        // Only the chosen point changes; nested groups inside the choice survive.
        assert_eq!(resolve("[[a][b] c] and [d][e]", 2, 0), "[[a][b] c] and d");
        assert_eq!(
            resolve("[[a][b] c] and [d][e]", 0, 0),
            "[a][b] c and [d][e]"
        );
        assert_eq!(resolve("act [now][later].", 0, 0), "act now.");
    }

    #[test]
    fn choose_options() {
        let t = "The Fund shall be financed by:\nOption 1: assessed contributions;\nOption 2: voluntary [pledges][contributions].";
        assert_eq!(
            resolve(t, 0, 1),
            "The Fund shall be financed by: voluntary [pledges][contributions]."
        );
        assert_eq!(resolve("Option 1: Text.\nOption 2: No text.", 0, 1), "");
        let subs = "Option 1: Tiers by criteria:\nOption (a): income;\nOption (b): capacity.\nOption 2: Self-declared.";
        assert_eq!(
            resolve(subs, 0, 0),
            "Tiers by criteria:\nOption (a): income;\nOption (b): capacity."
        );
    }

    #[test]
    fn lift_agreed_text() {
        let t = "[changing - EU] and [a][b]";
        assert_eq!(parse(t).lift(t, 0).unwrap(), "changing and [a][b]");
        assert_eq!(
            parse(t).lift(t, 1),
            Err(PointError::NotSingle { point: 1, count: 2 })
        );
        assert_eq!(
            parse(t).lift(t, 7),
            Err(PointError::NoSuchPoint {
                index: 7,
                available: 2
            })
        );
        let nested = "[[settled] text] and [x][y] [Placeholder for z] [agreed ad ref]";
        assert_eq!(
            parse(nested).lift_all_single(nested),
            "settled text and [x][y] [Placeholder for z] [agreed ad ref]"
        );
    }
}
