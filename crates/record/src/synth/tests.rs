use super::*;

#[test]
fn rng_is_deterministic_and_in_range() {
    let mut a = Rng::new(7);
    let mut b = Rng::new(7);
    for _ in 0..1000 {
        let x = a.below(13);
        assert_eq!(x, b.below(13));
        assert!(x < 13);
    }
}

#[test]
fn roman_numerals() {
    assert_eq!(compile::roman(1), "I");
    assert_eq!(compile::roman(14), "XIV");
    assert_eq!(compile::roman(27), "XXVII");
}

#[test]
fn the_compilation_text_loads_without_problems() {
    let opts = SynthOptions {
        articles: 30,
        parties: 12,
        amendments: 0,
        rounds: 1,
        seed: 3,
    };
    let c = compile(&opts);
    let (front, texts) = c.draft_texts();
    let loaded = treaty_text::draft::Draft::from_texts(front, &texts);
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    let trees = treaty_text::analysis::trees(&loaded.draft);
    let problems = treaty_text::analysis::bracket_problems(&trees);
    assert!(problems.is_empty(), "{problems:?}");
    let articles = loaded
        .draft
        .clauses
        .iter()
        .filter(|c| c.kind == treaty_text::draft::ClauseKind::Article)
        .count();
    assert_eq!(articles, 30);
    assert_eq!(
        c.files
            .keys()
            .filter(|p| p.starts_with("positions/"))
            .count(),
        12
    );
    for id in &c.protected {
        assert!(loaded.draft.index_of(id).is_some(), "{id}");
    }
}

#[test]
fn bad_options_are_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("neg");
    let opts = SynthOptions {
        articles: 1,
        parties: 10,
        amendments: 5,
        rounds: 1,
        seed: 1,
    };
    let err = synthesize(&opts, &target).unwrap_err();
    assert!(err.to_string().contains("at least 2 articles"), "{err}");
    assert!(!target.exists());
}

#[test]
fn a_folder_with_files_is_never_written_into() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
    let opts = SynthOptions {
        articles: 3,
        parties: 5,
        amendments: 5,
        rounds: 1,
        seed: 1,
    };
    let err = synthesize(&opts, dir.path()).unwrap_err();
    assert!(matches!(err, SynthError::NotEmpty(_)), "{err}");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}
