//! Whole-parser tests: one per form of the notation, and the laws that hold for any input.

use super::*;

fn sx(text: &str) -> String {
    parse(text).sexpr(text)
}

fn problems(text: &str) -> Vec<(usize, ProblemKind)> {
    parse(text)
        .problems
        .iter()
        .map(|p| (p.offset, p.kind))
        .collect()
}

fn clean(text: &str, choice: &Choice) -> String {
    parse(text).clean(text, choice).expect("valid choice")
}

fn codes(codes: &[&str]) -> Choice {
    Choice::Delegations(codes.iter().map(|c| c.to_string()).collect())
}

#[test]
fn unagreed_text() {
    assert_eq!(sx("[text]"), r#"group(single; alt("text"))"#);
    assert_eq!(
        sx("Parties [shall] act"),
        r#""Parties " group(single; alt("shall")) " act""#
    );
}

#[test]
fn nested_groups() {
    assert_eq!(
        sx("[[being guided by][in accordance with] the principles]"),
        r#"group(single; alt(group(stacked; alt("being guided by"), alt("in accordance with")) " the principles"))"#
    );
}

#[test]
fn stacked_alternatives() {
    assert_eq!(
        sx("Parties [shall][should] act"),
        r#""Parties " group(stacked; alt("shall"), alt("should")) " act""#
    );
    assert_eq!(
        sx("[shall][should][may]"),
        r#"group(stacked; alt("shall"), alt("should"), alt("may"))"#
    );
    // A space between pairs means two separate groups.
    assert_eq!(
        sx("[shall] [should]"),
        r#"group(single; alt("shall")) " " group(single; alt("should"))"#
    );
}

#[test]
fn slash_alternatives() {
    assert_eq!(
        sx("[shall]/[should]"),
        r#"group(slash; alt("shall"), alt("should"))"#
    );
    assert_eq!(
        sx("[shall] / [should]/[may]"),
        r#"group(slash; alt("shall"), alt("should"), alt("may"))"#
    );
}

#[test]
fn inline_slash_only_in_one_word() {
    assert_eq!(
        sx("[children/girls]"),
        r#"group(inline; alt("children"), alt("girls"))"#
    );
    assert_eq!(
        sx("[take measures and/or steps]"),
        r#"group(single; alt("take measures and/or steps"))"#
    );
    assert_eq!(
        sx("[girls/women and children]"),
        r#"group(single; alt("girls/women and children"))"#
    );
    assert_eq!(sx("[1/2]"), r#"group(single; alt("1/2"))"#);
    // Spaced slashes without attributions are prose too.
    assert_eq!(
        sx("[shall / should]"),
        r#"group(single; alt("shall / should"))"#
    );
}

#[test]
fn options_with_chapeau_and_no_text() {
    let text = "1. Each Party shall:\nOption 1: [reduce][limit] emissions\nOption 2: No text.";
    assert_eq!(
        sx(text),
        r#""1. Each Party shall:\n" options(option(1 " " group(stacked; alt("reduce"), alt("limit")) " emissions\n"), option(2 no-text " No text."))"#
    );
}

#[test]
fn option_labels_and_sub_options() {
    let text = "  Option A: a\n  Option (a): aa\n  Option (b):\n bb\nOption B: b\n";
    assert_eq!(
        sx(text),
        r#"options(option(A " a\n" sub(option((a) " aa\n"), option((b) "\n bb\n"))), option(B " b\n"))"#
    );
    let text = "Option (a): x\nOption (b): y";
    assert_eq!(sx(text), r#"options(option((a) " x\n"), option((b) " y"))"#);
    // Not at a line start, or no colon: ordinary text.
    assert_eq!(sx("see Option 1: x"), r#""see Option 1: x""#);
    assert_eq!(sx("Option 1 is preferred"), r#""Option 1 is preferred""#);
    assert_eq!(sx("Option 1\ntext"), r#"options(option(1 "\ntext"))"#);
}

#[test]
fn options_inside_a_bracket_end_with_it() {
    let text = "[Option 1: a\nOption 2: b] after";
    assert_eq!(
        sx(text),
        r#"group(single; alt(options(option(1 " a\n"), option(2 " b")))) " after""#
    );
}

#[test]
fn placeholders() {
    let text = r#"[Placeholder for a definition of "high-risk system"]"#;
    assert_eq!(sx(text), format!("placeholder({text:?})"));
    assert_eq!(sx("[placeholder]"), r#"placeholder("[placeholder]")"#);
}

#[test]
fn attribution_with_deletion() {
    assert_eq!(
        sx("free humanity from [extreme - US; G77 delete] poverty"),
        r#""free humanity from " group(inline; alt("extreme" by US), alt(delete by G77)) " poverty""#
    );
}

#[test]
fn attribution_with_retain_and_spaced_slash() {
    assert_eq!(
        sx("[changing unsustainable - EU, G77 retain / promoting sustainable - US]"),
        r#"group(inline; alt("changing unsustainable" by EU G77), alt("promoting sustainable" by US))"#
    );
    // One attributed alternative is enough to read ` / ` as a separator.
    assert_eq!(
        sx("[shall - AOSIS / should]"),
        r#"group(inline; alt("shall" by AOSIS), alt("should"))"#
    );
    assert_eq!(
        sx("[shall - G77/China, LDCs]"),
        r#"group(single; alt("shall" by G77/China LDCs))"#
    );
}

#[test]
fn dashes_that_are_not_attributions() {
    assert_eq!(
        sx("[low- and middle-income - countries]"),
        r#"group(single; alt("low- and middle-income - countries"))"#
    );
    assert_eq!(sx("[2030 - 2050]"), r#"group(single; alt("2030 - 2050"))"#);
    // The tail may not reach back over a nested bracket.
    assert_eq!(
        sx("[[a - US] b]"),
        r#"group(single; alt(group(single; alt("a" by US)) " b"))"#
    );
    assert_eq!(
        sx("[[a] - US]"),
        r#"group(single; alt(group(single; alt("a")) by US))"#
    );
}

#[test]
fn status_marks() {
    assert_eq!(sx("[agreed ad ref]"), "status(AgreedAdRef)");
    assert_eq!(sx("[agreed ad referendum]"), "status(AgreedAdRef)");
    assert_eq!(sx("[ad ref]"), "status(AdRef)");
    assert_eq!(sx("text [agreed]"), r#""text " status(Agreed)"#);
    assert_eq!(parse("[agreed ad ref]").stats().groups, 0);
}

#[test]
fn markdown_is_not_negotiation() {
    assert_eq!(
        sx("see [the Act](https://eur-lex.europa.eu) now"),
        r#""see " verbatim(Link "[the Act](https://eur-lex.europa.eu)") " now""#
    );
    assert_eq!(sx("x[^1]"), r#""x" verbatim(Footnote "[^1]")"#);
    assert_eq!(
        sx(r"\[not\] [yes]"),
        r#"verbatim(Escape "\\[") "not" verbatim(Escape "\\]") " " group(single; alt("yes"))"#
    );
    let text = "[UNFCCC][u] and [u][] and [u] but [t][x]\n[u]: https://unfccc.int";
    assert_eq!(
        sx(text),
        r#"verbatim(RefLink "[UNFCCC][u]") " and " verbatim(RefLink "[u][]") " and " verbatim(RefLink "[u]") " but " group(stacked; alt("t"), alt("x")) "\n" verbatim(RefDefinition "[u]:") " https://unfccc.int""#
    );
    // A subparagraph reference after a bracket is not a link.
    assert_eq!(
        sx("Article [5](b)"),
        r#""Article " group(single; alt("5")) "(b)""#
    );
}

#[test]
fn parse_with_uses_document_labels() {
    let refs = RefLabels::scan("elsewhere\n[Ref]: /x\n");
    let text = "see [t][REF]";
    assert_eq!(
        parse_with(text, &refs).sexpr(text),
        r#""see " verbatim(RefLink "[t][REF]")"#
    );
    assert_eq!(
        parse(text).sexpr(text),
        r#""see " group(stacked; alt("t"), alt("REF"))"#
    );
}

#[test]
fn unbalanced_brackets_are_problems_not_panics() {
    assert_eq!(sx("a [b"), r#""a [b""#);
    assert_eq!(problems("a [b"), vec![(2, ProblemKind::UnclosedBracket)]);
    assert_eq!(sx("a] [b]"), r#""a] " group(single; alt("b"))"#);
    assert_eq!(problems("a] [b]"), vec![(1, ProblemKind::StrayBracket)]);
    assert_eq!(sx("[a [b] c"), r#""[a " group(single; alt("b")) " c""#);
    let p = &parse("x]").problems[0];
    assert_eq!(p.message, "stray `]` with no opening bracket");
    let p = &parse("[x").problems[0];
    assert_eq!(p.message, "unclosed bracket: `[` has no matching `]`");
}

#[test]
fn huge_unbalanced_input_is_linear() {
    // Just under the bracket limit, nesting past MAX_DEPTH is read as text.
    let n = MAX_BRACKETS - 10;
    let opens = "[".repeat(n);
    let tree = parse(&opens);
    // Past MAX_DEPTH one problem says so, rather than thousands.
    assert_eq!(tree.problems.len(), MAX_DEPTH + 1);
    assert_eq!(tree.print(&opens), opens);

    let closes = "]".repeat(100_000);
    let tree = parse(&closes);
    assert_eq!(tree.problems.len(), 100_000);
    assert_eq!(tree.print(&closes), closes);

    let deep = format!("{}x{}", "[".repeat(n), "]".repeat(n));
    let tree = parse(&deep);
    assert_eq!(tree.stats().groups, MAX_DEPTH);
    assert_eq!(tree.problems[0].kind, ProblemKind::TooDeep);
    assert_eq!(tree.print(&deep), deep);
    assert!(tree.clean(&deep, &Choice::First).is_ok());
    // Lifting every level is a pass per MAX_DEPTH levels, not one per level.
    let lifted = tree.lift_all_single(&deep);
    assert_eq!(lifted, "x");

    let many = "[a - US][b]/[c; G77 delete] / ".repeat(5_000);
    assert_eq!(parse(&many).print(&many), many);
}

#[test]
fn clauses_over_the_limits_are_read_as_text_and_reported() {
    for text in [
        "[a]".repeat(MAX_BRACKETS + 1),
        "word ".repeat(MAX_CLAUSE_BYTES / 5 + 1),
        format!("{}x{}", "[".repeat(100_000), "]".repeat(100_000)),
    ] {
        let tree = parse(&text);
        assert_eq!(tree.nodes.len(), 1, "one text node");
        assert_eq!(tree.problems.len(), 1);
        assert_eq!(tree.problems[0].kind, ProblemKind::TooLarge);
        assert!(
            tree.problems[0]
                .message
                .contains("split it into several clauses")
        );
        assert_eq!(tree.print(&text), text);
        assert_eq!(tree.lift_all_single(&text), text);
    }
}

#[test]
fn clean_takes_first_alternatives_and_drops_marks() {
    let text =
        "[agreed ad ref] Parties [shall][should] [take measures and/or steps] [Placeholder for X].";
    assert_eq!(
        clean(text, &Choice::First),
        "Parties shall take measures and/or steps."
    );
    assert_eq!(
        clean(
            "[[being guided by][in accordance with] the principles]",
            &Choice::First
        ),
        "being guided by the principles"
    );
}

#[test]
fn clean_by_delegation() {
    let text = "free humanity from [extreme - US; G77 delete] poverty";
    assert_eq!(clean(text, &codes(&["G77"])), "free humanity from poverty");
    assert_eq!(
        clean(text, &codes(&["US"])),
        "free humanity from extreme poverty"
    );
    assert_eq!(
        clean(text, &codes(&["AGN"])),
        "free humanity from extreme poverty"
    );
    let text = "by [changing unsustainable - EU, G77 retain / promoting sustainable - US] patterns";
    assert_eq!(
        clean(text, &codes(&["us"])),
        "by promoting sustainable patterns"
    );
    assert_eq!(
        clean(text, &codes(&["G77"])),
        "by changing unsustainable patterns"
    );
    assert_eq!(
        clean(
            "the Parties [concerned - EU; LDCs delete].",
            &codes(&["LDCs"])
        ),
        "the Parties."
    );
}

#[test]
fn clean_options() {
    let text =
        "Each Party shall:\nOption 1: [reduce - EU][limit - US] emissions\nOption 2: No text.\n";
    assert_eq!(
        clean(text, &Choice::First),
        "Each Party shall:\nreduce emissions\n"
    );
    assert_eq!(
        clean(text, &codes(&["US"])),
        "Each Party shall:\nlimit emissions\n"
    );
    assert_eq!(
        clean(text, &Choice::Pick(vec![(0, 1)])),
        "Each Party shall:\n"
    );
    let text = "Option 1: a\n  Option (a): x\n  Option (b): y\nOption 2: b";
    assert_eq!(clean(text, &Choice::First), "a\nx\n");
    assert_eq!(clean(text, &Choice::Pick(vec![(1, 1)])), "a\ny\n");
    assert_eq!(clean(text, &Choice::Pick(vec![(0, 1)])), "b");
}

#[test]
fn pick_indexes_choice_points_in_document_order() {
    let text = "[[a][b] c][d] [e]/[f]";
    let tree = parse(text);
    let points = tree.choice_points(text);
    let labels: Vec<_> = points.iter().map(|p| p.labels.join("|")).collect();
    assert_eq!(labels, vec!["[a][b] c|d", "a|b", "e|f"]);
    assert_eq!(points[0].kind, ChoiceKind::Group(GroupForm::Stacked));
    assert_eq!(points[0].span, Span::new(0, 13));
    // Choosing "d" skips the group inside "c", but the third point keeps its index.
    assert_eq!(
        tree.clean(text, &Choice::Pick(vec![(0, 1), (2, 1)])),
        Ok("d f".to_owned())
    );
    assert_eq!(
        tree.clean(text, &Choice::Pick(vec![(1, 1)])),
        Ok("b c e".to_owned())
    );
}

#[test]
fn pick_out_of_range_is_an_error() {
    let text = "[a][b]";
    let tree = parse(text);
    let err = tree.clean(text, &Choice::Pick(vec![(0, 2)])).unwrap_err();
    assert_eq!(
        err,
        CleanError::OutOfRange {
            point: 0,
            index: 2,
            available: 2
        }
    );
    assert_eq!(
        err.to_string(),
        "choice point 1 has 2 alternatives; there is no alternative 3"
    );
    let err = tree.clean(text, &Choice::Pick(vec![(1, 0)])).unwrap_err();
    assert_eq!(err, CleanError::NoSuchPoint { point: 1, count: 1 });
    assert_eq!(
        err.to_string(),
        "there is no choice point 2: the text has 1"
    );
}

#[test]
fn choice_point_labels_describe_alternatives() {
    let text = "[extreme - US; G77 delete]\nOption 1: No text\nOption 2: a very long option text that goes on and on beyond forty characters";
    let points = parse(text).choice_points(text);
    assert_eq!(points[0].labels, vec!["extreme (US)", "delete (G77)"]);
    assert_eq!(points[1].kind, ChoiceKind::Options);
    assert_eq!(
        points[1].labels,
        vec![
            "Option 1: no text",
            "Option 2: a very long option text that goes on and on beyond forty characters"
        ]
    );
    // A label is cut only past what the widest terminal shows.
    let long = format!("[{} - EU][short - USA]", "word ".repeat(60));
    let label = &parse(&long).choice_points(&long)[0].labels[0];
    assert_eq!(label.chars().count(), 160 + " (EU)".len());
    assert!(label.ends_with("… (EU)"), "{label}");
}

#[test]
fn stats_count_everything_once() {
    let text = "[[a][b] c - EU; US delete] [Placeholder] [agreed]\nOption 1: [x]\n Option (a): y\nOption 2: No text\n[link](http://x) [^1] x]";
    let s = parse(text).stats();
    assert_eq!(
        s,
        Stats {
            groups: 3,
            alternatives: 5,
            options: 3,
            placeholders: 1,
            attributions: 2,
            status_marks: 1,
            problems: 1,
        }
    );
    assert_eq!((s + s).groups, 6);
    let mut t = Stats::default();
    t += s;
    assert_eq!(t, s);
    assert_eq!(
        serde_json::to_value(s).unwrap()["attributions"],
        serde_json::json!(2)
    );
}

#[test]
fn proposers_and_depth() {
    let text = "[[a - US, EU] b - G77; US delete] [c - AOSIS]";
    let tree = parse(text);
    assert_eq!(tree.proposers(), vec!["G77", "US", "EU", "AOSIS"]);
    let mut seen = Vec::new();
    tree.walk(|depth, node| {
        if let Node::Text(s) = node {
            seen.push((depth, s.of(text)));
        }
    });
    assert_eq!(seen, vec![(2, "a"), (1, " b"), (0, " "), (1, "c")]);
}

mod laws {
    use super::*;
    use proptest::prelude::*;

    /// Pieces of the notation, so random texts hit the interesting paths, not just prose.
    fn token() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("[".to_owned()),
            Just("]".to_owned()),
            Just("][".to_owned()),
            Just("/".to_owned()),
            Just(" / ".to_owned()),
            Just(" - ".to_owned()),
            Just(" – ".to_owned()),
            Just("; G77 delete".to_owned()),
            Just(" - US, EU retain".to_owned()),
            Just("\nOption 1:".to_owned()),
            Just("\n  Option (a):".to_owned()),
            Just("\nOption B".to_owned()),
            Just("No text.".to_owned()),
            Just("Placeholder".to_owned()),
            Just("agreed ad ref".to_owned()),
            Just("\\".to_owned()),
            Just("(http://x)".to_owned()),
            Just("(".to_owned()),
            Just("^1".to_owned()),
            Just("\n[r]: /u\n".to_owned()),
            Just("[r]".to_owned()),
            Just("é中".to_owned()),
            "[a-zA-Z ;:,.\n]{1,6}",
        ]
    }

    fn notation() -> impl Strategy<Value = String> {
        prop::collection::vec(token(), 0..40).prop_map(|t| t.concat())
    }

    fn check_boundary(text: &str, span: Span) {
        assert!(span.start <= span.end && span.end <= text.len(), "{span:?}");
        assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
    }

    /// `nodes` tile `start..end` exactly, and every node's parts nest inside it in order.
    fn check_tiling(text: &str, nodes: &[Node], start: usize, end: usize) {
        let mut at = start;
        let mut after_text = false;
        for node in nodes {
            let span = node.span();
            check_boundary(text, span);
            assert_eq!(span.start, at, "gap or overlap before {node:?}");
            assert!(!span.is_empty() || !matches!(node, Node::Text(_)));
            assert!(!(after_text && matches!(node, Node::Text(_))), "split text");
            after_text = matches!(node, Node::Text(_));
            match node {
                Node::Group(g) => {
                    assert!(!g.alternatives.is_empty());
                    let mut inner = g.span.start;
                    for alt in &g.alternatives {
                        assert!(inner <= alt.span.start && alt.span.end <= g.span.end);
                        assert_eq!(alt.body.start, alt.span.start);
                        assert!(alt.body.end <= alt.span.end);
                        check_tiling(text, &alt.nodes, alt.body.start, alt.body.end);
                        inner = alt.span.end;
                    }
                }
                Node::Options(set) => {
                    check_options(text, &set.options, set.span.start, set.span.end)
                }
                _ => {}
            }
            at = span.end;
        }
        assert_eq!(at, end);
    }

    fn check_options(text: &str, items: &[OptionItem], start: usize, end: usize) {
        let mut at = start;
        for item in items {
            check_boundary(text, item.span);
            assert_eq!(item.span.start, at);
            assert!(item.span.start <= item.label.start && item.label.end <= item.body.start);
            check_tiling(text, &item.nodes, item.body.start, item.body.end);
            if item.sub_options.is_empty() {
                assert_eq!(item.body.end, item.span.end);
            } else {
                check_options(text, &item.sub_options, item.body.end, item.span.end);
            }
            at = item.span.end;
        }
        assert_eq!(at, end);
    }

    fn check(text: &str) {
        let tree = parse(text);
        assert_eq!(tree.print(text), text);
        check_tiling(text, &tree.nodes, 0, text.len());
        for p in &tree.problems {
            assert!(p.offset < text.len());
        }

        let points = tree.choice_points(text);
        let stats = tree.stats();
        let mut sets = 0;
        tree.walk(|_, n| {
            if let Node::Options(set) = n {
                sets += 1 + set
                    .options
                    .iter()
                    .filter(|o| !o.sub_options.is_empty())
                    .count();
            }
        });
        assert_eq!(points.len(), stats.groups + sets);

        let first = tree.clean(text, &Choice::First).unwrap();
        assert!(first.len() <= text.len());
        let picks = points
            .iter()
            .enumerate()
            .map(|(i, p)| (i, p.labels.len() - 1))
            .collect();
        tree.clean(text, &Choice::Pick(picks)).unwrap();
        tree.clean(text, &Choice::Delegations(tree.proposers()))
            .unwrap();
    }

    /// Finer pieces than [`token`], so that attributions, codes, slashes and whitespace
    /// combine in ways the coarse tokens do not reach.
    fn fine_token() -> impl Strategy<Value = String> {
        prop_oneof![
            token(),
            prop::sample::select(vec![
                "[",
                "]",
                "/",
                " ",
                "\t",
                "\n",
                " - ",
                " \u{2013} ",
                ";",
                ",",
                "EU",
                "US",
                "G77/China",
                "retain",
                "delete",
                "RETAIN",
                "Option",
                " 1:",
                "(a)",
                "a",
                "x",
                "\u{a0}",
                "\u{85}",
                "\u{2000}",
                "ad ref.",
                "agreed",
                "Placeholder",
                "No text",
                ".",
                "^",
                "(",
                ")",
                "(http://x)",
                "[r]: /u\n",
                "\\",
            ])
            .prop_map(str::to_owned),
        ]
    }

    fn fine_notation() -> impl Strategy<Value = String> {
        prop::collection::vec(fine_token(), 0..60).prop_map(|t| t.concat())
    }

    /// The tuned parser gives exactly the trees and problems of the parser as it was.
    fn same_as_before(text: &str) {
        assert_eq!(parse(text), super::super::oracle::parse(text), "{text:?}");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn notation_round_trips(text in notation()) {
            check(&text);
        }

        #[test]
        fn any_string_round_trips(text in any::<String>()) {
            check(&text);
        }

        #[test]
        fn notation_parses_as_before(text in notation()) {
            same_as_before(&text);
        }

        #[test]
        fn fine_notation_parses_as_before(text in fine_notation()) {
            same_as_before(&text);
        }

        #[test]
        fn any_string_parses_as_before(text in any::<String>()) {
            same_as_before(&text);
        }
    }
}

/// Every clause of the sample negotiation, with its file's reference labels, and a dense
/// compilation text like the one the parse bench uses: the same trees as before tuning.
#[test]
fn sample_and_dense_texts_parse_as_before() {
    use crate::draft::Draft;
    let drafts = crate::repo_root().join("drafts");
    let loaded = Draft::load(&drafts).expect("the sample draft loads");
    let draft = &loaded.draft;
    let refs: Vec<RefLabels> = draft
        .files
        .iter()
        .map(|f| RefLabels::scan(&f.text()))
        .collect();
    let mut groups = 0;
    for c in &draft.clauses {
        let tree = parse_with(&c.text, &refs[c.file]);
        assert_eq!(
            tree,
            oracle::parse_with(&c.text, &refs[c.file]),
            "{:?}",
            c.id
        );
        groups += tree.stats().groups;
    }
    assert!(groups > 0, "the sample has brackets to compare");
    for f in &draft.files {
        let text = f.text();
        assert_eq!(parse(&text), oracle::parse(&text), "{}", f.path);
    }

    let dense = super::sample::dense(120_000);
    let tree = parse(&dense);
    assert!(tree.stats().groups > 1000);
    assert_eq!(tree, oracle::parse(&dense));
}
