use super::*;

fn p(s: &str) -> &Path {
    Path::new(s)
}

fn err(text: &str) -> Diagnostic {
    Theme::from_str(text, p("themes/mine.ron"))
        .unwrap_err()
        .into_diagnostic(p("themes/mine.ron"))
}

#[test]
fn style_names_are_unique_and_closed_under_prefixes() {
    let mut seen = std::collections::HashSet::new();
    for s in STYLE_NAMES {
        assert!(seen.insert(s.name), "duplicate {}", s.name);
        for (i, _) in s.name.match_indices('.') {
            assert!(
                is_known(&s.name[..i]),
                "{} lacks parent {}",
                s.name,
                &s.name[..i]
            );
        }
    }
}

#[test]
fn colours_parse_and_print_back() {
    for s in ["reset", "black", "bright_white", "i0", "i255", "#00aaFF"] {
        let c: Color = s.parse().unwrap();
        assert_eq!(c.to_string().parse::<Color>().unwrap(), c, "{s}");
    }
    assert_eq!("gray".parse(), Ok(Color::White));
    assert_eq!("dark_gray".parse(), Ok(Color::BrightBlack));
    assert_eq!("#0a0b0c".parse(), Ok(Color::Rgb(10, 11, 12)));
    assert_eq!("i123".parse(), Ok(Color::Indexed(123)));
    for bad in [
        "purple", "i256", "i", "i-1", "#12345", "#1234567", "#gg0000", "Red", "",
    ] {
        let e = bad.parse::<Color>().unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains(&format!("`{bad}`")), "{msg}");
        assert!(msg.contains("#rrggbb") && msg.contains("i0..i255"), "{msg}");
    }
}

#[test]
fn fallback_merges_from_least_to_most_specific() {
    let t = Theme::from_str(
        r#"(version: 1, name: "t", styles: {
            "default": (fg: Some("white"), italic: Some(true)),
            "diff": (bg: Some("black")),
            "diff.inserted": (fg: Some("green")),
            "diff.inserted.token": (underline: Some(true)),
        })"#,
        p("t.ron"),
    )
    .unwrap();
    let s = t.style("diff.inserted.token");
    assert_eq!(s.fg, Some(Color::Green));
    assert_eq!(s.bg, Some(Color::Black));
    assert_eq!(s.underline, Some(true));
    assert_eq!(s.italic, Some(true));
    // diff.deleted is not set here, but is in `default`, which `t` inherits.
    let deleted = Theme::builtin("default").unwrap().style("diff.deleted");
    assert_eq!(t.style("diff.deleted").fg, deleted.fg);
    // A name nobody sets is the default style.
    assert_eq!(t.style("no.such.name"), t.style("default"));
}

#[test]
fn compose_layers_names() {
    let t = Theme::builtin("default").unwrap();
    let s = t.compose(["bracket.depth.2", "bracket.open"]);
    assert_eq!(s.fg, t.style("bracket.depth.2").fg);
    assert_eq!(s.bold, Some(true));
}

fn every_builtin() -> Vec<Theme> {
    builtin_names()
        .map(|n| Theme::builtin(n).unwrap())
        .collect()
}

#[test]
fn every_shipped_theme_parses_and_validates_clean() {
    for (name, text) in BUILTIN {
        let path = PathBuf::from(format!("themes/{name}.ron"));
        assert_eq!(Theme::validate(text, &path), vec![], "{name}");
        // And from disk, as `treaty check` reads them.
        let disk = crate::repo_root().join(&path);
        let t = Theme::load(&disk, &path).unwrap();
        assert_eq!(t.name(), *name);
    }
    assert_eq!(
        ThemeSet::new(vec![crate::repo_root().join("themes")]).check(crate::repo_root()),
        vec![]
    );
}

#[test]
fn every_shipped_theme_defines_every_name() {
    for t in every_builtin() {
        let parents = |name: &str| {
            STYLE_NAMES
                .iter()
                .any(|s| s.name.starts_with(&format!("{name}.")))
        };
        for s in STYLE_NAMES.iter().filter(|s| !parents(s.name)) {
            // Every name a widget draws with is set, directly or inherited from `default`;
            // only pure parents such as `diff` may be left to fall back.
            assert!(t.get(s.name).is_some(), "{}: {} unset", t.name(), s.name);
        }
        let base = t.style("default");
        let must_differ = [
            "bracket",
            "bracket.depth.1",
            "bracket.depth.2",
            "bracket.depth.3",
            "bracket.depth.4",
            "bracket.open",
            "diff.inserted",
            "diff.deleted",
            "diff.inserted.token",
            "diff.deleted.token",
            "tier.1",
            "tier.2",
            "tier.3",
            "tier.disputed",
            "selection",
            "error",
            "problem",
        ];
        for name in must_differ {
            assert_ne!(
                t.style(name),
                base,
                "{}: {name} looks like plain text",
                t.name()
            );
        }
        let distinct = |names: &[&str]| {
            let styles: std::collections::HashSet<Style> =
                names.iter().map(|n| t.style(n)).collect();
            assert_eq!(
                styles.len(),
                names.len(),
                "{}: {names:?} not distinct",
                t.name()
            );
        };
        distinct(&[
            "bracket.depth.1",
            "bracket.depth.2",
            "bracket.depth.3",
            "bracket.depth.4",
        ]);
        distinct(&["tier.1", "tier.2", "tier.3", "tier.disputed"]);
        distinct(&["diff.inserted", "diff.deleted", "diff.moved"]);
        distinct(&["diff.inserted.token", "diff.deleted.token"]);
    }
}

#[test]
fn diff_tokens_never_rest_on_colour_alone() {
    for t in every_builtin() {
        for name in EMPHASIS_REQUIRED {
            assert!(
                t.style(name).has_non_colour_emphasis(),
                "{}: {name}",
                t.name()
            );
        }
        // And the two differ by more than colour.
        let strip = |s: Style| Style {
            fg: None,
            bg: None,
            ..s
        };
        assert_ne!(
            strip(t.style("diff.inserted.token")),
            strip(t.style("diff.deleted.token")),
            "{}",
            t.name()
        );
    }
}

#[test]
fn colourblind_theme_avoids_red_and_green() {
    let t = Theme::builtin("colourblind").unwrap();
    let reds_and_greens = [
        Color::Red,
        Color::Green,
        Color::BrightRed,
        Color::BrightGreen,
    ];
    for name in [
        "diff.inserted",
        "diff.deleted",
        "diff.inserted.token",
        "diff.deleted.token",
    ] {
        let s = t.style(name);
        assert!(!reds_and_greens.contains(&s.fg.unwrap()), "{name}");
    }
}

#[test]
fn default_theme_uses_only_the_16_colours() {
    let t = Theme::builtin("default").unwrap();
    for s in STYLE_NAMES {
        let st = t.style(s.name);
        for c in [st.fg, st.bg].into_iter().flatten() {
            assert!(
                !matches!(c, Color::Indexed(_) | Color::Rgb(..)),
                "{}: {c}",
                s.name
            );
        }
    }
}

#[test]
fn user_override_merges_only_named_fields() {
    let base = Theme::builtin("default").unwrap();
    let t = Theme::from_str(
        r#"(version: 1, name: "mine", styles: { "bracket.depth.1": (fg: Some("yellow")) })"#,
        p("mine.ron"),
    )
    .unwrap();
    let want = Style {
        fg: Some(Color::Yellow),
        ..base.style("bracket.depth.1")
    };
    assert_eq!(t.style("bracket.depth.1"), want);
    for s in STYLE_NAMES.iter().filter(|s| s.name != "bracket.depth.1") {
        assert_eq!(t.style(s.name), base.style(s.name), "{}", s.name);
    }
}

#[test]
fn inherits_another_builtin() {
    let t = Theme::from_str(
        r#"(version: 1, name: "mine", inherits: Some("colourblind"), styles: { "title": (italic: Some(true)) })"#,
        p("mine.ron"),
    )
    .unwrap();
    let cb = Theme::builtin("colourblind").unwrap();
    assert_eq!(t.style("diff.inserted"), cb.style("diff.inserted"));
    assert_eq!(t.style("title").italic, Some(true));
    assert_eq!(t.style("title").bold, cb.style("title").bold);
}

#[test]
fn unknown_style_name_has_position_and_suggestion() {
    let d = err(
        "(\n  version: 1,\n  name: \"mine\",\n  styles: {\n    \"diff.insrted.token\": (bold: Some(true)),\n  },\n)",
    );
    assert_eq!((d.line, d.col), (5, 5));
    assert_eq!(d.message, "unknown style `diff.insrted.token`");
    assert_eq!(
        d.help.as_deref(),
        Some("did you mean `diff.inserted.token`?")
    );
    let d = err(r#"(version: 1, name: "m", styles: { "zzzzqqq": () })"#);
    assert!(d.help.unwrap().contains("STYLE_NAMES"));
}

#[test]
fn unknown_colour_has_position() {
    let text = "(\n  version: 1,\n  name: \"mine\",\n  styles: {\n    \"title\": (fg: Some(\"purple\")),\n    \"round\": (bg: Some(\"i300\")),\n  },\n)";
    let d = err(text);
    assert_eq!((d.line, d.col), (5, 24));
    assert!(
        d.message.starts_with("unknown colour `purple`"),
        "{}",
        d.message
    );
    // validate reports both, each where it is.
    let all = Theme::validate(text, p("mine.ron"));
    let at: Vec<_> = all.iter().map(|d| (d.line, d.col)).collect();
    assert_eq!(at, vec![(5, 24), (6, 24)]);
    // A colour named twice is located at the right occurrence.
    let text = "(version: 1, name: \"m\", styles: {\n \"title\": (fg: Some(\"red\")),\n \"round\": (fg: Some(\"rde\")),\n \"hint\": (fg: Some(\"rde\")),\n})";
    let at: Vec<_> = Theme::validate(text, p("m.ron"))
        .iter()
        .map(|d| (d.line, d.col, d.help.clone()))
        .collect();
    let help = Some("did you mean `red`?".to_string());
    assert_eq!(at, vec![(3, 21, help.clone()), (4, 20, help)]);
}

#[test]
fn wrong_version_and_bad_fields_are_errors() {
    let d = err("(\n  version: 2,\n  name: \"mine\",\n  styles: {},\n)");
    assert_eq!((d.line, d.col), (2, 3));
    assert!(d.message.contains("unsupported version 2"), "{}", d.message);
    let d = err("(version: 1, name: \"m\", styles: {\n \"title\": (bolt: Some(true)),\n})");
    assert_eq!(d.line, 2);
    assert!(d.message.contains("bolt"), "{}", d.message);
}

#[test]
fn unknown_theme_and_loops() {
    match Theme::builtin("solarized") {
        Err(ThemeError::Unknown { available, .. }) => assert!(available.contains(&"light".into())),
        other => panic!("{other:?}"),
    }
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
    write("a.ron", r#"(version: 1, name: "a", inherits: Some("b"))"#);
    write("b.ron", r#"(version: 1, name: "b", inherits: Some("a"))"#);
    match Theme::resolve("a", &[dir.path().to_path_buf()]) {
        Err(ThemeError::Cycle { chain }) => assert_eq!(chain, ["a", "b", "a"]),
        other => panic!("{other:?}"),
    }
}

#[test]
fn user_dirs_override_builtins_and_may_refine_them() {
    let dir = tempfile::tempdir().unwrap();
    let dirs = [dir.path().to_path_buf()];
    // A user `default.ron` refines the built-in one, field by field...
    std::fs::write(
        dir.path().join("default.ron"),
        r#"(version: 1, name: "default", styles: { "title": (fg: Some("red")) })"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("mine.ron"),
        r#"(version: 1, name: "mine", styles: { "hint": (italic: Some(true)) })"#,
    )
    .unwrap();
    let builtin = Theme::builtin("default").unwrap();
    let user_default = Theme::resolve("default", &dirs).unwrap();
    assert_eq!(user_default.style("title").fg, Some(Color::Red));
    assert_eq!(user_default.style("tier.1"), builtin.style("tier.1"));
    // ...and a theme inheriting `default` gets the user's refinement.
    let mine = Theme::resolve("mine", &dirs).unwrap();
    assert_eq!(mine.style("title").fg, Some(Color::Red));
    assert_eq!(mine.style("hint").italic, Some(true));
    let names = ThemeSet::new(dirs.to_vec()).names();
    assert_eq!(
        names,
        ["default", "mine", "light", "high-contrast", "colourblind"]
    );
    // Names are file stems, never paths.
    assert!(matches!(
        Theme::resolve("../etc/passwd", &dirs),
        Err(ThemeError::Unknown { .. })
    ));
}

#[test]
fn validate_warns_on_colour_only_tokens_and_unknown_parent() {
    let d = Theme::validate(
        "(version: 1, name: \"m\", styles: {\n \"diff.inserted.token\": (bold: Some(false), underline: Some(false)),\n})",
        p("m.ron"),
    );
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(
        (d[0].severity, d[0].line),
        (crate::diag::Severity::Warning, 2)
    );
    assert!(d[0].message.contains("colour alone"));
    let d = Theme::validate(
        "(version: 1, name: \"m\", inherits: Some(\"nope\"))",
        p("m.ron"),
    );
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(!d[0].is_error());
    assert_eq!(d[0].col, 40);
}
