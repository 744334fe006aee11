//! Compilation text as dense as the worst real ones, for the parser's tests and benches: a
//! bracket pair about every 30 bytes, with stacked alternatives, attributions, options,
//! nesting, placeholders, escaped brackets, and Markdown links and footnotes that are not
//! negotiation brackets.

const PIECES: &[&str] = &[
    "Each Party [shall][should] ",
    "take [appropriate][effective] measures ",
    "[to promote - EU, AGN; USA delete] ",
    "the [conservation/sustainable use] of ",
    "[[marine][coastal] resources] ",
    "[in accordance with - G77 retain / consistent with - JPN] ",
    "[Placeholder for a definition]. ",
    "[national circumstances] and [capacities], ",
    "[agreed ad ref] ",
    "[women/girls] [a - US / b] \\[x\\] [see][r] [link](http://x.org) [^2] ",
];

/// At least `bytes` of dense text (an option set every 23 pieces), ending with the
/// definition of the reference link it uses.
pub fn dense(bytes: usize) -> String {
    let mut text = String::with_capacity(bytes + 128);
    let mut k = 0;
    while text.len() < bytes {
        text.push_str(PIECES[k % PIECES.len()]);
        if k % 23 == 22 {
            text.push_str("\nOption 1: [shall][may] report.\n  Option (a): No text.\n");
        }
        k += 1;
    }
    text.push_str("\n[r]: https://example.org\n");
    text
}
