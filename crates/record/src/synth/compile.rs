//! The Chair's compilation text: the draft, the tiers, the annex proposals and one
//! position per delegation.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt::Write as _;

use treaty_text::draft::ids;
use treaty_text::position::{
    AnnexStance, AnnexView, ClauseStance, DelegationKind, Insertion, Position, Stance, TierProposal,
};

use super::words::{self, ANNEX_TOPICS, TOPICS};
use super::{Rng, SynthOptions};

/// Bracket density of operative text, as a percentage chance per bracketable phrase.
const DENSITY: u32 = 45;

/// One Party, with the tier the compilation text assigns it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpeningParty {
    pub code: String,
    pub name: String,
    pub tier: u8,
}

/// Everything at the start of the negotiation.
#[derive(Clone, Debug)]
pub struct Opening {
    /// Path relative to the negotiation folder → file text.
    pub files: BTreeMap<String, String>,
    pub parties: Vec<OpeningParty>,
    /// Annex clause ids.
    pub annexes: Vec<String>,
    /// Clause ids that positions and tiers refer to: the history never deletes them.
    pub protected: BTreeSet<String>,
}

impl Opening {
    /// The draft's files as [`treaty_text::draft::Draft::from_texts`] takes them: `treaty.md`'s
    /// text and the others, relative to `drafts/`.
    pub fn draft_texts(&self) -> (&str, Vec<(&str, &str)>) {
        let front = self
            .files
            .get("drafts/treaty.md")
            .map(String::as_str)
            .unwrap_or("");
        let rest = self
            .files
            .iter()
            .filter_map(|(p, t)| {
                let rel = p.strip_prefix("drafts/")?;
                (rel.ends_with(".md") && rel != "treaty.md").then_some((rel, t.as_str()))
            })
            .collect();
        (front, rest)
    }
}

struct Article {
    id: String,
    /// Text clause ids (paragraphs and points).
    clauses: Vec<String>,
}

/// Builds the compilation text for `opts`.
pub fn compile(opts: &SynthOptions) -> Opening {
    let mut rng = Rng::new(opts.seed);
    let parties = make_parties(&mut rng, opts.parties);
    let codes: Vec<String> = parties.iter().map(|p| p.code.clone()).collect();
    let mut files = BTreeMap::new();

    // Articles, grouped into Parts of about a dozen.
    let mut used_ids = HashSet::new();
    used_ids.insert("treaty".to_string());
    used_ids.insert("preamble".to_string());
    used_ids.insert("annexes".to_string());
    let mut articles = Vec::with_capacity(opts.articles);
    let mut front = String::new();
    front.push_str(
        "# Agreement on the Conservation and Sustainable Use of Shared Natural Resources {#treaty}\n\n",
    );
    front.push_str("## Preamble {#preamble}\n\nThe Parties to this Agreement, {#pp-chapeau}\n\n");
    let preamble_verbs = [
        "Recognizing",
        "Reaffirming",
        "Noting",
        "Mindful",
        "Acknowledging",
        "Concerned",
        "Recalling",
        "Convinced",
        "Determined",
        "Welcoming",
    ];
    for (k, verb) in preamble_verbs.iter().enumerate() {
        let s = words::sentence(&mut rng, &codes, DENSITY / 2);
        let s = s
            .replacen("Each Party", "each Party", 1)
            .replacen("The ", "the ", 1);
        let _ = write!(
            front,
            "PP{}. *{verb}* that {s}, {{#pp{}}}\n\n",
            k + 1,
            k + 1
        );
    }
    front.push_str("Have agreed as follows: {#pp-agreed}\n\n");
    let per_part = 12;
    for n in 0..opts.articles {
        if n % per_part == 0 {
            let part = n / per_part + 1;
            let topic = TOPICS[(n / per_part * 7) % TOPICS.len()];
            let _ = write!(
                front,
                "## Part {}. {topic} {{#part-{part}}}\n\n",
                roman(part)
            );
        }
        let title = article_title(n);
        let id = unique(ids::slug(&title), &mut used_ids);
        let path = format!("articles/{id}.md");
        let last_in_part = (n + 1) % per_part == 0 || n + 1 == opts.articles;
        let _ = writeln!(front, "- [Article {}. {title}]({path})", n + 1);
        if last_in_part {
            front.push('\n');
        }
        let (text, clauses) = article(&mut rng, &codes, n + 1, &title, &id);
        files.insert(format!("drafts/{path}"), text);
        articles.push(Article { id, clauses });
    }

    // Annexes: one for every 40 articles, at least two.
    let annex_count = (opts.articles / 40).max(2);
    front.push_str("## Annexes {#annexes}\n\n");
    let mut annexes = Vec::new();
    for k in 0..annex_count {
        let title = ANNEX_TOPICS[k % ANNEX_TOPICS.len()];
        let id = unique(format!("annex-{}", ids::slug(title)), &mut used_ids);
        let path = format!("annexes/{id}.md");
        let number = roman(k + 1);
        let _ = writeln!(front, "- [Annex {number}. {title}]({path})");
        let mut text = format!("### Annex {number}. {title} {{#{id}}}\n\n");
        let paragraphs = 3 + rng.index(4);
        for p in 1..=paragraphs {
            let body = words::paragraph(&mut rng, &codes, DENSITY);
            let _ = write!(text, "{p}. {body} {{#{id}.{p}}}\n\n");
        }
        text.pop();
        files.insert(format!("drafts/{path}"), text);
        annexes.push(id);
    }
    files.insert("drafts/treaty.md".into(), front);

    // Key clauses: the ones delegations take positions on and tiers refer to.
    let mut key: Vec<String> = Vec::new();
    for a in &articles {
        for c in &a.clauses {
            if rng.chance(25) {
                key.push(c.clone());
            }
        }
    }
    if key.is_empty() {
        key.push(articles[0].clauses[0].clone());
    }
    let mut protected: BTreeSet<String> = key.iter().cloned().collect();

    // Tiers: a fifth in tier 1, two fifths each in tiers 2 and 3.
    let obligations: Vec<(String, Vec<u8>)> = (0..(opts.articles / 8).max(1))
        .map(|_| {
            let a = rng.pick(&articles);
            let clause = if rng.chance(30) {
                a.id.clone()
            } else {
                rng.pick(&a.clauses).clone()
            };
            let tiers = match rng.below(4) {
                0 => vec![1],
                1 => vec![1, 2],
                2 => vec![2, 3],
                _ => vec![3],
            };
            (clause, tiers)
        })
        .collect();
    protected.extend(obligations.iter().map(|(c, _)| c.clone()));
    files.insert("drafts/tiers.ron".into(), tiers_ron(&parties, &obligations));
    files.insert(
        "drafts/annexes.ron".into(),
        annexes_ron(&mut rng, &annexes, &codes),
    );

    for (i, party) in parties.iter().enumerate() {
        let position = position(&mut rng, party, i, &parties, &key, &annexes, &codes);
        let text = ron::ser::to_string_pretty(&position, ron::ser::PrettyConfig::new())
            .expect("a position always serializes");
        files.insert(
            format!("positions/{}.ron", party.code.to_lowercase()),
            format!("{text}\n"),
        );
    }

    Opening {
        files,
        parties,
        annexes,
        protected,
    }
}

fn unique(base: String, used: &mut HashSet<String>) -> String {
    let mut id = base.clone();
    let mut n = 2;
    while !used.insert(id.clone()) {
        id = format!("{base}-{n}");
        n += 1;
    }
    id
}

const AREAS: &[&str] = &[
    "the high seas",
    "the seabed",
    "coastal zones",
    "fisheries",
    "shipping",
    "scientific research",
    "freshwater resources",
    "polar regions",
    "small island developing States",
    "regional bodies",
];

fn article_title(n: usize) -> String {
    let topic = TOPICS[n % TOPICS.len()];
    match n / TOPICS.len() {
        0 => topic.to_string(),
        k => format!("{topic} in respect of {}", AREAS[(k - 1) % AREAS.len()]),
    }
}

/// One article file; returns its text and its text clauses' ids.
fn article(
    rng: &mut Rng,
    codes: &[String],
    number: usize,
    title: &str,
    id: &str,
) -> (String, Vec<String>) {
    let mut text = format!("### Article {number}. {title} {{#{id}}}\n\n");
    let mut clauses = Vec::new();
    let paragraphs = 3 + rng.index(6);
    for p in 1..=paragraphs {
        let pid = format!("{id}.{p}");
        let roll = rng.below(100);
        if roll < 20 {
            // A chapeau with points.
            let chapeau = words::sentence(rng, codes, DENSITY / 2);
            let _ = write!(text, "{p}. {chapeau}: {{#{pid}}}\n\n");
            clauses.push(pid.clone());
            let points = 2 + rng.index(4);
            for k in 0..points {
                let letter = (b'a' + k as u8) as char;
                let body = words::point(rng, codes, DENSITY);
                let _ = write!(text, "({letter}) {body} {{#{pid}.{letter}}}\n\n");
                clauses.push(format!("{pid}.{letter}"));
            }
        } else if roll < 28 {
            // Options.
            let _ = writeln!(text, "{p}. {{#{pid}}}");
            for line in words::options(rng, codes, DENSITY) {
                text.push_str(&line);
                text.push('\n');
            }
            text.push('\n');
            clauses.push(pid);
        } else {
            let body = words::paragraph(rng, codes, DENSITY);
            let body = if rng.chance(12) {
                // A whole paragraph still in brackets.
                format!("[{body}]")
            } else {
                body
            };
            let _ = write!(text, "{p}. {body} {{#{pid}}}\n\n");
            clauses.push(pid);
        }
    }
    text.pop();
    (text, clauses)
}

fn make_parties(rng: &mut Rng, n: usize) -> Vec<OpeningParty> {
    let mut codes = HashSet::new();
    let mut names = HashSet::new();
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let (name, short) = words::country(rng);
        if !names.insert(name.clone()) {
            continue;
        }
        let letters: Vec<char> = short.chars().map(|c| c.to_ascii_uppercase()).collect();
        let mut code: String = letters.iter().take(3).collect();
        let mut attempt = 0;
        while codes.contains(&code) {
            // Another letter of the name, then anything free.
            attempt += 1;
            code = if attempt < letters.len() {
                [
                    letters[0],
                    letters[1.min(letters.len() - 1)],
                    letters[attempt],
                ]
                .iter()
                .collect()
            } else {
                (0..3)
                    .map(|_| (b'A' + rng.below(26) as u8) as char)
                    .collect()
            };
        }
        codes.insert(code.clone());
        let tier = match out.len() % 5 {
            0 => 1,
            1 | 2 => 2,
            _ => 3,
        };
        out.push(OpeningParty { code, name, tier });
    }
    out
}

fn tiers_ron(parties: &[OpeningParty], obligations: &[(String, Vec<u8>)]) -> String {
    let mut s = String::from(
        "// Tiers of obligations, each Party's tier as assigned in the compilation text, and\n// which clauses bind which tiers. A clause not listed binds all tiers.\n(\n    version: 1,\n    tiers: [\n",
    );
    for (tier, name, summary) in [
        (
            1,
            "Full obligations",
            "Implements the Agreement in full on entry into force.",
        ),
        (
            2,
            "Graduated obligations",
            "Implements the Agreement on a graduated basis with longer timelines.",
        ),
        (
            3,
            "Capacity-building and support",
            "Implements the core obligations and receives priority support.",
        ),
    ] {
        let _ = write!(
            s,
            "        (\n            tier: {tier},\n            name: \"{name}\",\n            summary: \"{summary}\",\n        ),\n"
        );
    }
    s.push_str("    ],\n    parties: [\n");
    for p in parties {
        let _ = writeln!(
            s,
            "        (code: \"{}\", name: \"{}\", tier: {}),",
            p.code, p.name, p.tier
        );
    }
    s.push_str("    ],\n    obligations: [\n");
    for (clause, tiers) in obligations {
        let list: Vec<String> = tiers.iter().map(u8::to_string).collect();
        let _ = writeln!(
            s,
            "        (clause: \"{clause}\", tiers: [{}]),",
            list.join(", ")
        );
    }
    s.push_str("    ],\n)\n");
    s
}

fn annexes_ron(rng: &mut Rng, annexes: &[String], codes: &[String]) -> String {
    let mut s = String::from(
        "// Annex proposals, as they stand in the compilation text.\n(\n    version: 1,\n    annexes: [\n",
    );
    let list = |rng: &mut Rng, n: usize| -> String {
        let mut chosen: Vec<&str> = Vec::new();
        for _ in 0..n {
            let c = rng.pick(codes).as_str();
            if !chosen.contains(&c) {
                chosen.push(c);
            }
        }
        chosen
            .iter()
            .map(|c| format!("\"{c}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    for a in annexes {
        let proposer = list(rng, 1);
        let supporters = list(rng, 4);
        let opponents = list(rng, 2);
        let status = if rng.chance(50) {
            "Proposed"
        } else {
            "UnderNegotiation"
        };
        let _ = write!(
            s,
            "        (\n            annex: \"{a}\",\n            proposer: [{proposer}],\n            supporters: [{supporters}],\n            opponents: [{opponents}],\n            status: {status},\n        ),\n"
        );
    }
    s.push_str("    ],\n)\n");
    s
}

fn position(
    rng: &mut Rng,
    party: &OpeningParty,
    index: usize,
    parties: &[OpeningParty],
    key: &[String],
    annexes: &[String],
    codes: &[String],
) -> Position {
    let mut clauses: Vec<ClauseStance> = Vec::new();
    let n = 4 + rng.index(10);
    for _ in 0..n {
        let clause = rng.pick(key).clone();
        if clauses.iter().any(|c| c.clause == clause) {
            continue;
        }
        let stance = match rng.below(10) {
            0..=3 => Stance::Replace(words::paragraph(rng, codes, 10)),
            4..=5 => Stance::Delete,
            6..=7 => Stance::Bracket,
            _ => Stance::Keep,
        };
        clauses.push(ClauseStance {
            clause,
            stance,
            note: String::new(),
        });
    }
    let inserts = (0..rng.index(3))
        .map(|_| Insertion {
            after: rng.pick(key).clone(),
            label: None,
            text: words::paragraph(rng, codes, 0),
            note: String::new(),
        })
        .collect();
    let tiers = (0..rng.index(3))
        .map(|_| {
            let other = rng.pick(parties);
            TierProposal {
                party: other.code.clone(),
                tier: 1 + rng.below(3) as u8,
                reason: "Capacity indicators point to another tier.".into(),
            }
        })
        .collect();
    let mut annex_views = Vec::new();
    for a in annexes {
        if !rng.chance(40) {
            continue;
        }
        let stance = match rng.below(4) {
            0 => AnnexStance::Propose,
            1 => AnnexStance::Support,
            2 => AnnexStance::Oppose,
            _ => AnnexStance::Amend(words::sentence(rng, codes, 0)),
        };
        annex_views.push(AnnexView {
            annex: a.clone(),
            stance,
            note: String::new(),
        });
    }
    Position {
        version: 1,
        code: party.code.clone(),
        name: party.name.clone(),
        kind: DelegationKind::State,
        members: Vec::new(),
        groups: Vec::new(),
        clauses,
        inserts,
        tiers,
        annexes: annex_views,
        notes: format!("Delegation {} of {}.", index + 1, parties.len()),
        proposals: Vec::new(),
        votes: Vec::new(),
    }
}

pub(crate) use treaty_text::draft::roman;
