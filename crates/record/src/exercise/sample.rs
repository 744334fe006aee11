//! The sample exercise shipped with treaty: six teams on the sample AI treaty, three
//! rounds (`crates/record/sample-exercise/`, built into the program).

use std::path::Path;

use super::ExerciseError;

/// The sample's files: name and text.
pub const FILES: &[(&str, &str)] = &[
    ("README.md", include_str!("../../sample-exercise/README.md")),
    (
        "african-group.md",
        include_str!("../../sample-exercise/african-group.md"),
    ),
    (
        "african-group.ron",
        include_str!("../../sample-exercise/african-group.ron"),
    ),
    (
        "g77-and-emerging.md",
        include_str!("../../sample-exercise/g77-and-emerging.md"),
    ),
    (
        "g77-and-emerging.ron",
        include_str!("../../sample-exercise/g77-and-emerging.ron"),
    ),
    (
        "general.md",
        include_str!("../../sample-exercise/general.md"),
    ),
    (
        "innovation-alliance.md",
        include_str!("../../sample-exercise/innovation-alliance.md"),
    ),
    (
        "innovation-alliance.ron",
        include_str!("../../sample-exercise/innovation-alliance.ron"),
    ),
    (
        "rights-coalition.md",
        include_str!("../../sample-exercise/rights-coalition.md"),
    ),
    (
        "rights-coalition.ron",
        include_str!("../../sample-exercise/rights-coalition.ron"),
    ),
    (
        "schedule.txt",
        include_str!("../../sample-exercise/schedule.txt"),
    ),
    (
        "scores.ron",
        include_str!("../../sample-exercise/scores.ron"),
    ),
    (
        "sovereignty-caucus.md",
        include_str!("../../sample-exercise/sovereignty-caucus.md"),
    ),
    (
        "sovereignty-caucus.ron",
        include_str!("../../sample-exercise/sovereignty-caucus.ron"),
    ),
    ("teams.txt", include_str!("../../sample-exercise/teams.txt")),
    (
        "vulnerable-states.md",
        include_str!("../../sample-exercise/vulnerable-states.md"),
    ),
    (
        "vulnerable-states.ron",
        include_str!("../../sample-exercise/vulnerable-states.ron"),
    ),
];

/// The six teams: name, the delegations it plays, and its brief's files (prose,
/// objectives).
pub const TEAMS: &[(&str, &str, &str)] = &[
    ("Rights Coalition", "EU,GBR,CHE", "rights-coalition"),
    ("Innovation Alliance", "USA,JPN", "innovation-alliance"),
    ("Sovereignty Caucus", "CHN", "sovereignty-caucus"),
    ("African Group", "AGN", "african-group"),
    ("G77 and Emerging", "G77,IND,BRA", "g77-and-emerging"),
    ("Vulnerable States", "LDC,AOSIS", "vulnerable-states"),
];

/// The sample file called `name`.
pub fn file(name: &str) -> Option<&'static str> {
    FILES.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// Writes the sample's files into `dir` (created; must be empty). Returns their names.
pub fn write(dir: &Path) -> Result<Vec<String>, ExerciseError> {
    super::ensure_empty(dir, "the sample exercise")?;
    std::fs::create_dir_all(dir).map_err(ExerciseError::io(dir))?;
    let mut names = Vec::new();
    for (name, text) in FILES {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(ExerciseError::io(&path))?;
        names.push(name.to_string());
    }
    Ok(names)
}
