//! The bracket parser: printing the tree gives the input back, the first-choice clean text
//! always exists, and the counts agree with the tree.
#![no_main]

use libfuzzer_sys::fuzz_target;
use treaty_workbench::bracket::{self, Choice};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let tree = bracket::parse(text);
    assert_eq!(tree.print(text), text, "print(parse(text)) == text");
    tree.clean(text, &Choice::First)
        .expect("the first alternative of every choice always exists");
    let stats = tree.stats();
    assert_eq!(stats.problems, tree.problems.len());
    assert!(stats.attributions <= stats.alternatives);
    assert!(stats.groups <= stats.alternatives);
    for (i, point) in tree.choice_points(text).iter().enumerate() {
        if !point.labels.is_empty() {
            let _ = tree.clean(text, &Choice::Pick(vec![(i, point.labels.len() - 1)]));
        }
    }
});
