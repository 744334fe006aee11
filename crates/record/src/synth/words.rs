//! Word lists and sentence patterns for generated treaty text. The wording is original;
//! it imitates the register of multilateral compilation texts, not any one of them.

use super::Rng;

pub(super) const SUBJECTS: &[&str] = &[
    "Each Party",
    "The Parties",
    "Parties in a position to do so",
    "The Conference of the Parties",
    "The Secretariat",
    "The Committee",
    "Developed country Parties",
    "Developing country Parties",
    "Each competent authority",
    "The subsidiary body",
];

pub(super) const MODALS: &[&str] = &[
    "shall",
    "should",
    "may",
    "shall endeavour to",
    "are encouraged to",
];

pub(super) const VERBS: &[&str] = &[
    "establish",
    "maintain",
    "promote",
    "strengthen",
    "review",
    "develop",
    "ensure the effective implementation of",
    "take appropriate measures to implement",
    "cooperate in the development of",
    "report on",
    "facilitate access to",
    "support",
    "coordinate",
    "assess",
    "publish",
];

pub(super) const OBJECTS: &[&str] = &[
    "national measures for the protection of marine biological diversity",
    "the exchange of scientific and technical information",
    "capacity-building and the transfer of technology",
    "environmental impact assessments",
    "a clearing-house mechanism",
    "area-based management tools, including protected areas",
    "the fair and equitable sharing of benefits",
    "monitoring, reporting and verification arrangements",
    "early warning systems for transboundary harm",
    "financial resources for implementation",
    "the participation of indigenous peoples and local communities",
    "public access to information",
    "programmes of cooperation with relevant regional bodies",
    "guidelines on best available science",
    "procedures for the settlement of disputes",
    "the conservation and sustainable use of living resources",
    "the collection and sharing of digital sequence information",
    "measures to prevent, reduce and control pollution",
    "national focal points",
    "the rights of present and future generations",
];

pub(super) const QUALIFIERS: &[&str] = &[
    "in accordance with its national circumstances",
    "taking into account the special needs of small island developing States",
    "within the limits of its capabilities",
    "on the basis of the best available scientific information",
    "consistent with international law",
    "in a transparent and inclusive manner",
    "without prejudice to the rights of coastal States",
    "as appropriate",
    "in cooperation with competent international organizations",
    "on mutually agreed terms",
    "subject to the availability of resources",
    "with the prior informed consent of the Parties concerned",
    "in a timely manner",
    "in accordance with the procedures adopted by the Conference of the Parties",
];

/// Words a bracket puts in doubt, with their rival readings.
pub(super) const RIVALS: &[(&str, &str)] = &[
    ("shall", "should"),
    ("shall", "may"),
    ("promote", "ensure"),
    ("effective", "appropriate"),
    ("developing country Parties", "all Parties"),
    ("legally binding", "voluntary"),
    ("mandatory", "voluntary"),
    ("annually", "every two years"),
    ("independent", "intergovernmental"),
    ("adequate", "new and additional"),
    ("binding", "non-binding"),
    ("consensus", "a two-thirds majority"),
    ("precautionary approach", "precautionary principle"),
    ("relevant", "competent"),
];

pub(super) const PLACEHOLDERS: &[&str] = &[
    "Placeholder for a definition of \"significant adverse effect\"",
    "Placeholder for the threshold for assessments",
    "Placeholder for the scale of contributions",
    "Placeholder for a list of competent bodies",
    "Placeholder for the modalities of review",
];

pub(super) const TOPICS: &[&str] = &[
    "Objective",
    "Use of terms",
    "Scope of application",
    "General principles",
    "International cooperation",
    "Conservation measures",
    "Sustainable use",
    "Area-based management tools",
    "Environmental impact assessments",
    "Strategic assessments",
    "Marine genetic resources",
    "Benefit-sharing",
    "Capacity-building",
    "Transfer of technology",
    "Financial mechanism",
    "Funding",
    "Conference of the Parties",
    "Scientific and Technical Body",
    "Secretariat",
    "Clearing-house mechanism",
    "Implementation and compliance",
    "Monitoring and review",
    "Reporting",
    "Traditional knowledge",
    "Public participation",
    "Settlement of disputes",
    "Relationship with other agreements",
    "Non-parties",
    "Good faith",
    "Right to vote",
    "Signature",
    "Ratification",
    "Entry into force",
    "Provisional application",
    "Reservations",
    "Amendments",
    "Withdrawal",
    "Depositary",
    "Authentic texts",
    "Transparency",
    "Emergency measures",
    "Data sharing",
    "Cooperation with regional bodies",
    "Special requirements of developing States",
    "Review of the Agreement",
];

pub(super) const ANNEX_TOPICS: &[&str] = &[
    "Indicative criteria for area-based management tools",
    "Types of capacity-building",
    "Modalities of benefit-sharing",
    "Procedure for environmental impact assessments",
    "Rules of procedure for conciliation",
    "Arbitration",
    "Indicative list of technologies",
    "Reporting templates",
];

pub(super) const CITIES: &[&str] = &[
    "new-york",
    "geneva",
    "nairobi",
    "bonn",
    "vienna",
    "bangkok",
    "santiago",
    "dakar",
    "suva",
    "lima",
    "montreal",
    "panama",
    "rome",
    "doha",
    "jakarta",
    "addis-ababa",
];

const SYLLABLES: &[&str] = &[
    "al", "bar", "cor", "dan", "el", "far", "gal", "har", "is", "jon", "kal", "lor", "mar", "nor",
    "or", "pel", "quin", "ros", "sal", "tor", "ul", "val", "wen", "xan", "yor", "zel", "ben",
    "cas", "dor", "ger", "lin", "mes", "tan", "ven",
];

const STYLES: &[&str] = &[
    "Republic of ",
    "Kingdom of ",
    "",
    "Federal Republic of ",
    "United Republic of ",
    "",
    "Commonwealth of ",
    "",
];

/// A made-up country name, e.g. "Republic of Calmoria".
pub(super) fn country(rng: &mut Rng) -> (String, String) {
    let n = 2 + rng.below(2);
    let mut stem = String::new();
    for _ in 0..n {
        stem.push_str(rng.word(SYLLABLES));
    }
    let ending = rng.word(&["ia", "a", "land", "istan", "ora", "ica", "any", "o"]);
    let mut short = format!("{stem}{ending}");
    let first = short.remove(0).to_ascii_uppercase();
    short.insert(0, first);
    let name = format!("{}{short}", rng.word(STYLES));
    (name, short)
}

/// One sentence of treaty prose, with brackets at about the density of a compilation
/// text when `density` is high (a bracket group every few dozen bytes).
pub(super) fn sentence(rng: &mut Rng, codes: &[String], density: u32) -> String {
    let mut s = String::new();
    let subject = rng.word(SUBJECTS);
    s.push_str(subject);
    s.push(' ');
    let modal = rng.word(MODALS);
    if rng.chance(density) {
        bracket_word(rng, &mut s, modal, codes);
    } else {
        s.push_str(modal);
    }
    s.push(' ');
    s.push_str(rng.word(VERBS));
    s.push(' ');
    let object = rng.word(OBJECTS);
    if rng.chance(density / 2) {
        let other = rng_object(rng, object);
        alternatives(rng, &mut s, object, other, codes);
    } else {
        s.push_str(object);
    }
    let quals = rng.below(3);
    for _ in 0..quals {
        s.push_str(", ");
        let q = rng.word(QUALIFIERS);
        if rng.chance(density) {
            attributed(rng, &mut s, q, codes);
        } else {
            s.push_str(q);
        }
    }
    if rng.chance(density / 3) {
        s.push_str(", [");
        s.push_str(rng.word(PLACEHOLDERS));
        s.push(']');
    }
    s
}

fn rng_object(rng: &mut Rng, not: &str) -> &'static str {
    loop {
        let o = rng.word(OBJECTS);
        if o != not {
            return o;
        }
    }
}

/// `[shall][should]`, `[shall/should]` or a nested pair around a word.
fn bracket_word(rng: &mut Rng, s: &mut String, word: &str, codes: &[String]) {
    let rival = RIVALS
        .iter()
        .find_map(|&(a, b)| {
            if a == word {
                Some(b)
            } else if b == word {
                Some(a)
            } else {
                None
            }
        })
        .unwrap_or(if word == "shall" { "should" } else { "shall" });
    match rng.below(4) {
        0 => {
            s.push('[');
            s.push_str(word);
            s.push('/');
            s.push_str(rival);
            s.push(']');
        }
        1 => alternatives(rng, s, word, rival, codes),
        _ => {
            s.push('[');
            s.push_str(word);
            s.push_str("][");
            s.push_str(rival);
            s.push(']');
        }
    }
}

/// Stacked alternatives, sometimes attributed: `[a - X retain / b - Y]` or `[a][b]`.
fn alternatives(rng: &mut Rng, s: &mut String, a: &str, b: &str, codes: &[String]) {
    if !codes.is_empty() && rng.chance(40) {
        s.push('[');
        s.push_str(a);
        s.push_str(" - ");
        let mut used = Vec::new();
        push_codes(rng, s, codes, 2, &mut used);
        s.push_str(" retain / ");
        s.push_str(b);
        s.push_str(" - ");
        push_codes(rng, s, codes, 2, &mut used);
        s.push(']');
    } else {
        s.push('[');
        s.push_str(a);
        s.push_str("][");
        s.push_str(b);
        s.push(']');
    }
}

/// `[phrase - X, Y; Z delete]` or a plain `[phrase]`.
fn attributed(rng: &mut Rng, s: &mut String, phrase: &str, codes: &[String]) {
    s.push('[');
    s.push_str(phrase);
    if !codes.is_empty() && rng.chance(60) {
        s.push_str(" - ");
        let mut used = Vec::new();
        push_codes(rng, s, codes, 3, &mut used);
        if codes.len() > used.len() && rng.chance(60) {
            s.push_str("; ");
            push_codes(rng, s, codes, 2, &mut used);
            s.push_str(" delete");
        }
    }
    s.push(']');
}

/// Up to `most` delegation codes not in `used`, comma-separated (at least one).
fn push_codes<'c>(
    rng: &mut Rng,
    s: &mut String,
    codes: &'c [String],
    most: u64,
    used: &mut Vec<&'c str>,
) {
    let n = 1 + rng.below(most);
    let mut written = 0;
    for attempt in 0..n + 8 {
        if written == n || (written > 0 && attempt >= n) {
            break;
        }
        let c = rng.pick(codes).as_str();
        if used.contains(&c) {
            continue;
        }
        if written > 0 {
            s.push_str(", ");
        }
        s.push_str(c);
        used.push(c);
        written += 1;
    }
    if written == 0 {
        let c = codes
            .iter()
            .map(String::as_str)
            .find(|c| !used.contains(c))
            .unwrap_or(codes[0].as_str());
        s.push_str(c);
        used.push(c);
    }
}

/// A paragraph of one to three sentences.
pub(super) fn paragraph(rng: &mut Rng, codes: &[String], density: u32) -> String {
    let n = 1 + rng.below(3);
    let mut p = String::new();
    for i in 0..n {
        if i > 0 {
            p.push(' ');
        }
        p.push_str(&sentence(rng, codes, density));
        p.push('.');
    }
    p
}

/// The text of a point in a list: a lower-case clause ending in `;`.
pub(super) fn point(rng: &mut Rng, codes: &[String], density: u32) -> String {
    let mut s = String::new();
    s.push_str(rng.word(VERBS));
    s.push(' ');
    let object = rng.word(OBJECTS);
    if rng.chance(density) {
        let other = rng_object(rng, object);
        alternatives(rng, &mut s, object, other, codes);
    } else {
        s.push_str(object);
    }
    if rng.chance(50) {
        s.push_str(", ");
        let q = rng.word(QUALIFIERS);
        if rng.chance(density) {
            attributed(rng, &mut s, q, codes);
        } else {
            s.push_str(q);
        }
    }
    s.push(';');
    s
}

/// Option lines for a clause: `Option 1: …` to `Option n: …`, the last one often
/// `No text.`.
pub(super) fn options(rng: &mut Rng, codes: &[String], density: u32) -> Vec<String> {
    let n = 2 + rng.below(2) as usize;
    let mut out = Vec::with_capacity(n);
    for k in 1..=n {
        let body = if k == n && rng.chance(50) {
            "No text.".to_string()
        } else {
            let mut s = sentence(rng, codes, density / 2);
            s.push('.');
            s
        };
        out.push(format!("Option {k}: {body}"));
    }
    out
}
