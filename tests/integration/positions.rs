//! A delegation's position file: started from the template, checked for doubled stances.

use crate::support::*;

#[test]
fn position_new_writes_a_template_that_checks_clean_and_refuses_twice() {
    let dir = sample_copy();
    let root = dir.path();
    let o = treaty(root, &["position", "new", "KEN", "--name", "Kenya"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("wrote positions/ken.ron"),
        "{}",
        stdout(&o)
    );
    let text = std::fs::read_to_string(root.join("positions/ken.ron")).unwrap();
    assert!(text.contains("code: \"KEN\"") && text.contains("name: \"Kenya\""));
    let check = treaty(root, &["check"]);
    assert!(
        !stdout(&check).contains("ken.ron") && !stderr(&check).contains("ken.ron"),
        "{}{}",
        stdout(&check),
        stderr(&check)
    );
    // Twice, or a code that is not one: refused, the file as it was.
    let o = treaty(root, &["position", "new", "KEN"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("positions/ken.ron already exists"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read_to_string(root.join("positions/ken.ron")).unwrap(),
        text
    );
    for bad in ["ke", "../EU", "K"] {
        let o = treaty(root, &["position", "new", bad]);
        assert_eq!(o.status.code(), Some(2), "{bad}");
        assert!(
            stderr(&o).contains("is not a delegation code"),
            "{}",
            stderr(&o)
        );
    }
    // A group has members instead of groups.
    let o = treaty(root, &["position", "new", "AGN2", "--group"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let group = std::fs::read_to_string(root.join("positions/agn2.ron")).unwrap();
    assert!(group.contains("kind: Group") && group.contains("members: []"));
}

#[test]
fn two_stances_on_one_clause_are_a_warning_at_the_second() {
    let dir = sample_copy();
    let root = dir.path();
    let path = root.join("positions/eu.ron");
    let text = std::fs::read_to_string(&path).unwrap();
    let doubled = text.replacen(
        "        (clause: \"pp3\", stance: Keep),\n",
        "        (clause: \"pp3\", stance: Keep),\n        (clause: \"pp3\", stance: Delete),\n",
        1,
    );
    assert_ne!(doubled, text);
    std::fs::write(&path, &doubled).unwrap();
    let o = treaty(root, &["check"]);
    let line = doubled
        .lines()
        .position(|l| l.contains("stance: Delete") && l.contains("pp3"))
        .unwrap()
        + 1;
    let all = format!("{}{}", stdout(&o), stderr(&o));
    assert!(
        all.contains(&format!("positions/eu.ron:{line}:"))
            && all.contains("a second stance on `pp3`: only the first counts"),
        "{all}"
    );
}

/// One clause's column of the matrix applies only the stances that bear on it: for every
/// clause of the sample and every delegation, the clause and what is under it read exactly
/// as when the whole position is applied, also when applied to that clause's line of the
/// draft alone ([`Draft::excerpt`](treaty_workbench::draft::Draft::excerpt)).
#[test]
fn a_position_applied_to_one_clause_reads_as_the_whole_position_there() {
    use treaty_workbench::compare;
    use treaty_workbench::negotiation::Negotiation;

    let dir = sample_copy();
    let n = Negotiation::load(dir.path()).unwrap().negotiation;
    let ids: Vec<String> = n
        .draft
        .clauses
        .iter()
        .filter_map(|c| c.id.clone())
        .collect();
    let mut compared = 0;
    let mut differing = 0;
    for p in n.positions.values() {
        let (whole, _) = p.apply_to(&n.draft);
        for id in &ids {
            let one = p.apply_to_clause(&n.draft, id).map(|(d, _)| d);
            let a = compare::compare(&n.draft, &whole, Some(id));
            let b = compare::compare(&n.draft, one.as_ref().unwrap_or(&n.draft), Some(id));
            assert_eq!(
                serde_json::to_value(&a.clauses).unwrap(),
                serde_json::to_value(&b.clauses).unwrap(),
                "{} on {id}",
                p.code
            );
            // The clause's line of the draft (what the matrix applies positions to) reads
            // the same again.
            let line = n.draft.excerpt(n.draft.index_of(id).unwrap());
            let on_line = p.apply_to_clause(&line, id).map(|(d, _)| d);
            let c = compare::compare(&line, on_line.as_ref().unwrap_or(&line), Some(id));
            assert_eq!(
                serde_json::to_value(&a.clauses).unwrap(),
                serde_json::to_value(&c.clauses).unwrap(),
                "{} on {id}, applied to its line of the draft",
                p.code
            );
            // Silent there (`None`) means unchanged there.
            assert!(one.is_some() || a.is_empty(), "{} on {id}", p.code);
            compared += 1;
            differing += usize::from(!a.is_empty());
        }
    }
    assert!(compared > 1000, "{compared}");
    // The property is not vacuous: positions change many clauses of the sample.
    assert!(differing > 50, "{differing}");
}
