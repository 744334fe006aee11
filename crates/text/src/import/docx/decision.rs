//! A decision or negotiating text in sections (no articles), read from its Word numbers.
//!
//! | paragraph | becomes |
//! |---|---|
//! | before the first section: the first paragraph, then bold ones | the title, then front matter |
//! | before the first section: the others | preamble paragraphs |
//! | `I.`, `XIV.` (upper roman) | an article, `Article I`, titled by the paragraph |
//! | `A.` (upper letter) | a heading inside it, `A. Title` |
//! | `12.` (decimal) | numbered paragraph 12 |
//! | `(a)`, `(iv)` | a point (roman points under a lettered one are sub-points) |
//! | a whole paragraph in braces, `{Tracking arrangements}` | a heading |
//! | unnumbered `Annex`, `[Annex I` | an annex |
//! | a table row | a paragraph, cells joined by ` | ` |
//! | anything else | an unnumbered paragraph (`Option 1`, `Option 3: {No text required}`) |
//!
//! Labels as printed go to the sources: a point's is its paragraph's and its own
//! (`12 (a)`, `111 (b) (ii)`), so that it can be cited.

use std::collections::HashMap;

use super::super::write::Slot;
use super::super::{
    BodyItem, Imported, ImportedAnnex, ImportedArticle, ImportedBlock, PreambleParagraph,
    SourceComment, SourceRef,
};
use super::{Change, Para, WordComment};

/// Where the next blocks go.
enum Target {
    Front,
    Article(usize),
    Annex(usize),
}

/// Builds the treaty from the paragraphs.
pub fn build(paras: &[Para], comments: &HashMap<String, WordComment>) -> Imported {
    let mut doc = Imported::default();
    let mut target = Target::Front;
    let mut front: Vec<String> = Vec::new();
    let mut title: Option<String> = None;
    let mut in_preamble = false;
    // The label path: paragraph, lettered point, roman point.
    let (mut para, mut letter) = (None::<String>, None::<String>);
    let mut annexes = 0usize;

    for p in paras {
        let text = p.lines.join("\n");
        let fmt = p.number.as_ref().map(|n| n.format.as_str());
        let label = p.number.as_ref().map(|n| n.label.clone());
        let core = label
            .as_deref()
            .map(|l| l.trim_matches(['(', ')', '.']).to_string());
        let mut source = SourceRef {
            pages: None,
            label: None,
            comments: comments_of(p, comments),
        };

        // Sections.
        if fmt == Some("upperRoman") {
            let bi = doc.body.len();
            let number = core.clone().unwrap_or_default();
            doc.body.push(BodyItem::Article(ImportedArticle {
                number: number.clone(),
                title: Some(text.replace('\n', " ")),
                blocks: Vec::new(),
            }));
            source.label = Some(number);
            doc.sources.insert(Slot::Article(bi), source);
            target = Target::Article(bi);
            (para, letter) = (None, None);
            push_notes(&mut doc, &target, p);
            continue;
        }
        let bare = p.lines[0].trim().trim_start_matches('[').trim();
        let annex = p.number.is_none()
            && p.lines.len() == 1
            && (bare.eq_ignore_ascii_case("annex")
                || super::super::text::annex_heading(bare, false).is_some())
            && !matches!(target, Target::Front);
        if annex {
            annexes += 1;
            let printed = p.lines[0].trim().to_string();
            let (label, rest) = super::super::text::annex_heading(bare, false).unwrap_or_default();
            let brackets: String = printed.chars().take_while(|c| *c == '[').collect();
            let label = if label.is_empty() {
                crate::draft::roman(annexes)
            } else {
                label
            };
            let title = match rest {
                Some(t) => Some(format!("{brackets}{t}")),
                None if !brackets.is_empty() => Some(brackets.clone()),
                None => None,
            };
            let ai = doc.annexes.len();
            doc.annexes.push(ImportedAnnex {
                label,
                title,
                blocks: Vec::new(),
            });
            source.label = Some(printed);
            doc.sources.insert(Slot::Annex(ai), source);
            target = Target::Annex(ai);
            (para, letter) = (None, None);
            continue;
        }
        if matches!(target, Target::Front) {
            if title.is_none() {
                title = Some(text.replace('\n', " "));
                continue;
            }
            if p.bold && !in_preamble {
                front.push(text.replace('\n', " "));
                continue;
            }
            in_preamble = true;
            let i = doc.preamble.len();
            doc.preamble.push(PreambleParagraph { label: None, text });
            doc.sources.insert(Slot::Preamble(i), source);
            continue;
        }

        let (block, printed) = match (fmt, &core) {
            (Some("upperLetter"), Some(c)) => (
                ImportedBlock::Heading(format!("{c}. {}", text.replace('\n', " "))),
                Some(c.clone()),
            ),
            (Some("decimal"), Some(c)) => {
                (para, letter) = (Some(c.clone()), None);
                (
                    ImportedBlock::Paragraph {
                        label: Some(c.clone()),
                        text,
                    },
                    Some(c.clone()),
                )
            }
            (Some("lowerLetter" | "lowerRoman"), Some(c)) => {
                let roman = fmt == Some("lowerRoman");
                let printed = match (&para, &letter, roman) {
                    (Some(n), Some(l), true) => format!("{n} ({l}) ({c})"),
                    (Some(n), _, _) => format!("{n} ({c})"),
                    (None, Some(l), true) => format!("({l}) ({c})"),
                    (None, _, _) => format!("({c})"),
                };
                if !roman {
                    letter = Some(c.clone());
                }
                (
                    ImportedBlock::Point {
                        label: format!("({c})"),
                        text,
                    },
                    Some(printed),
                )
            }
            _ if p.lines.len() == 1 && text.starts_with('{') && text.ends_with('}') => {
                (ImportedBlock::Heading(text), None)
            }
            _ => (ImportedBlock::Paragraph { label: None, text }, None),
        };
        source.label = printed;
        push_block(&mut doc, &target, block, source);
        push_notes(&mut doc, &target, p);
    }
    doc.title = title.unwrap_or_else(|| "Untitled".into());
    if doc.body.is_empty() && doc.annexes.is_empty() {
        // No sections at all: the text is one article.
        doc.warnings.push(
            "the document has no sections (I., II.) or articles: its paragraphs are imported as Article 1".into(),
        );
        let blocks: Vec<ImportedBlock> = doc
            .preamble
            .drain(..)
            .map(|p| ImportedBlock::Paragraph {
                label: None,
                text: p.text,
            })
            .collect();
        doc.sources.clear();
        doc.body.push(BodyItem::Article(ImportedArticle {
            number: "1".into(),
            title: None,
            blocks,
        }));
    }
    if !front.is_empty() {
        let src = doc.source.get_or_insert_default();
        src.front_matter = front;
    }
    doc
}

fn blocks_of<'d>(
    doc: &'d mut Imported,
    target: &Target,
) -> Option<(&'d mut Vec<ImportedBlock>, Slot)> {
    match *target {
        Target::Article(bi) => match &mut doc.body[bi] {
            BodyItem::Article(a) => {
                let k = a.blocks.len();
                Some((&mut a.blocks, Slot::ArticleBlock(bi, k)))
            }
            BodyItem::Division { .. } => None,
        },
        Target::Annex(ai) => {
            let k = doc.annexes[ai].blocks.len();
            Some((&mut doc.annexes[ai].blocks, Slot::AnnexBlock(ai, k)))
        }
        Target::Front => None,
    }
}

fn push_block(doc: &mut Imported, target: &Target, block: ImportedBlock, source: SourceRef) {
    if let Some((blocks, slot)) = blocks_of(doc, target) {
        blocks.push(block);
        doc.sources.insert(slot, source);
    }
}

/// The notes the paragraph refers to, after it.
fn push_notes(doc: &mut Imported, target: &Target, p: &Para) {
    for (label, text) in &p.notes {
        push_block(
            doc,
            target,
            ImportedBlock::Note {
                label: format!("^{label}"),
                text: text.clone(),
            },
            SourceRef::default(),
        );
    }
}

/// The comments anchored in a paragraph, and its tracked changes, oldest first.
fn comments_of(p: &Para, comments: &HashMap<String, WordComment>) -> Vec<SourceComment> {
    let mut out: Vec<SourceComment> = p
        .comments
        .iter()
        .filter_map(|id| {
            let c = comments.get(id)?;
            Some(SourceComment {
                id: id.clone(),
                author: c.author.clone(),
                date: c.date.clone(),
                parties: parties_named(&c.text),
                text: c.text.clone(),
                reply_to: c.reply_to.clone(),
            })
        })
        .collect();
    out.extend(p.changes.iter().map(tracked));
    out.sort_by(|a, b| a.date.cmp(&b.date).then(a.id.cmp(&b.id)));
    out
}

fn tracked(c: &Change) -> SourceComment {
    SourceComment {
        id: format!("change {}", c.id),
        author: c.author.clone(),
        date: c.date.clone(),
        parties: Vec::new(),
        text: format!(
            "tracked {}: “{}”",
            if c.inserted { "insertion" } else { "deletion" },
            c.text
        ),
        reply_to: None,
    }
}

/// Delegations and groups as comments name them, with the name recorded for each: the
/// forms seen in UNFCCC secretariat notes (`US`, `U.S`, `USA`; `CAN`; `SUR`; `CH`; `CFRN`;
/// `Groupo Sur`), also glued to the next word (`USReplace`, `AGNNot`, `ICUS`).
const PARTIES: &[(&str, &[&str])] = &[
    (
        "United States",
        &["US", "USA", "U.S", "U.S.", "U.S.A", "U.S.A."],
    ),
    ("European Union", &["EU"]),
    ("Canada", &["Canada", "CAN", "CANADA"]),
    ("Norway", &["Norway"]),
    ("Pakistan", &["Pakistan"]),
    ("India", &["India"]),
    ("China", &["China"]),
    ("Russian Federation", &["Russia", "Russian Federation"]),
    ("Japan", &["Japan"]),
    ("Republic of Korea", &["Republic of Korea"]),
    ("New Zealand", &["NZ", "New Zealand"]),
    ("Chile", &["Chile"]),
    ("Brazil", &["Brazil"]),
    ("Switzerland", &["CH", "Switzerland"]),
    ("Türkiye", &["Türkiye", "Turkiye", "Turkey"]),
    ("Morocco", &["Morocco"]),
    ("Suriname", &["Suriname", "SUR"]),
    ("Tuvalu", &["Tuvalu"]),
    ("Mozambique", &["Mozambique"]),
    ("Panama", &["Panama"]),
    ("United Kingdom", &["UK", "United Kingdom"]),
    ("LMDC", &["LMDC"]),
    ("AOSIS", &["AOSIS", "AOS"]),
    ("CfRN", &["CfRN", "CFRN", "CfrN"]),
    ("Grupo Sur", &["Grupo Sur", "Groupo Sur", "Gurpo Sur"]),
    ("Arab Group", &["Arab Group"]),
    ("EIG", &["EIG"]),
    ("AILAC", &["AILAC", "Ailac"]),
    ("AGN", &["AGN"]),
];

/// The delegations and groups a comment's text names, in order of first mention.
pub fn parties_named(text: &str) -> Vec<String> {
    // Split glued words: `USReplace` → `US Replace`; `ICUS` (informal consultations,
    // then the Party) → `IC US`.
    let mut probe = String::with_capacity(text.len() + 8);
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let camel = i > 0
            && chars[i - 1].is_uppercase()
            && c.is_uppercase()
            && chars.get(i + 1).is_some_and(|n| n.is_lowercase());
        let after_ic = i >= 2
            && chars[i - 2] == 'I'
            && chars[i - 1] == 'C'
            && (i == 2 || !chars[i - 3].is_alphanumeric())
            && c.is_uppercase();
        if camel || after_ic {
            probe.push(' ');
        }
        probe.push(c);
    }
    let mut found: Vec<(usize, &str)> = Vec::new();
    for (name, forms) in PARTIES {
        let at = forms.iter().filter_map(|f| find_word(&probe, f)).min();
        if let Some(at) = at {
            found.push((at, name));
        }
    }
    found.sort();
    found.into_iter().map(|(_, n)| n.to_string()).collect()
}

/// Where `form` stands in `s` as a word of its own (a group's code may be glued to the
/// word after it: `AGNNot`).
fn find_word(s: &str, form: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = s[from..].find(form) {
        let at = from + i;
        let before = s[..at].chars().next_back();
        let after = s[at + form.len()..].chars().next();
        let starts = before.is_none_or(|c| !c.is_alphanumeric() && c != '.');
        let ends = match after {
            None => true,
            Some(c) if !c.is_alphanumeric() => {
                // `U.S` inside `U.S.A` is found by the longer form too.
                !(c == '.' && form.ends_with('.'))
            }
            // A glued group code: `AGNNot`, `AILACs`.
            Some(c) => {
                form.len() >= 3 && form.chars().all(|x| x.is_uppercase()) && c.is_uppercase()
            }
        };
        if starts && ends {
            return Some(at);
        }
        from = at + form.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parties_in_comment_texts() {
        assert_eq!(
            parties_named("US: Clarifies not decides"),
            ["United States"]
        );
        assert_eq!(
            parties_named("USA\nThe section can be concluded here."),
            ["United States"]
        );
        assert_eq!(
            parties_named("U.S, Canada, Japan: Delete the recalling paras\nEU: As a reminder"),
            ["United States", "Canada", "Japan", "European Union"]
        );
        assert_eq!(
            parties_named("CAN, UK delete"),
            ["Canada", "United Kingdom"]
        );
        assert_eq!(
            parties_named("Groupo Sur extreme circumstances"),
            ["Grupo Sur"]
        );
        assert_eq!(parties_named("CH happy to agree"), ["Switzerland"]);
        assert_eq!(parties_named("USReplace the words"), ["United States"]);
        assert_eq!(parties_named("AGNNot happy"), ["AGN"]);
        assert_eq!(parties_named("ICUS: review"), ["United States"]);
        assert_eq!(
            parties_named("Missing mandatory cross-referencing"),
            Vec::<String>::new()
        );
        // Words that only contain a code are not the code.
        assert_eq!(
            parties_named("BUSINESS as usual; CHANGE; Europe"),
            Vec::<String>::new()
        );
    }
}
