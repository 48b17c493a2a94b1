//! Running a whole fixture file and rendering the report: per-mode counts, failures grouped by
//! function and cause (with examples), up to [`MAX_LISTED`] failing cases with expected vs
//! got, error-message mismatches in their own section, and the unsupported calls.

use crate::dispatch::note;
use crate::fixture::{load, Case};
use crate::runner::{run_all_modes, Verdict, MODES};
use std::collections::BTreeMap;
use std::fmt::Write;

/// How many failing cases (and message mismatches) the report lists individually.
pub const MAX_LISTED: usize = 30;
/// How many examples each failure group shows.
const EXAMPLES: usize = 2;
/// Longest detail printed for one failure.
const MAX_DETAIL: usize = 600;

/// One case's verdicts in [`MODES`] order.
pub struct CaseOutcome {
    /// The case id.
    pub id: String,
    /// The NumPy function.
    pub func: String,
    /// How the harness expresses the call, if noteworthy.
    pub note: Option<&'static str>,
    /// One verdict per mode.
    pub verdicts: Vec<Verdict>,
}

impl CaseOutcome {
    fn failed(&self) -> bool {
        self.verdicts
            .iter()
            .any(|v| matches!(v, Verdict::Fail { .. }))
    }
    fn message_only(&self) -> bool {
        !self.failed()
            && self
                .verdicts
                .iter()
                .any(|v| matches!(v, Verdict::Message { .. }))
    }
    /// Distinct failures `(cause, detail)` with the modes (as `LEI` letters) showing them.
    fn distinct_failures(&self) -> Vec<(String, String, String)> {
        let mut out: Vec<(String, String, String)> = Vec::new();
        for (v, mode) in self.verdicts.iter().zip(MODE_LETTERS) {
            if let Verdict::Fail { cause, detail } = v {
                match out.iter_mut().find(|(c, d, _)| c == cause && d == detail) {
                    Some(entry) => entry.2.push(mode),
                    None => out.push((cause.clone(), detail.clone(), mode.to_string())),
                }
            }
        }
        out
    }
}

const MODE_LETTERS: [char; 3] = ['L', 'E', 'I'];

/// A failure example: case id, modes (`LEI` letters), detail.
type Example = (String, String, String);

/// The results of one fixture file.
pub struct FileReport {
    /// The file's stem (`unary`).
    pub name: String,
    /// Every case's outcome.
    pub outcomes: Vec<CaseOutcome>,
}

/// Per-mode tallies.
#[derive(Clone, Copy, Default)]
struct Tally {
    pass: usize,
    fail: usize,
    message: usize,
    unsupported: usize,
}

fn clip(s: &str) -> String {
    if s.len() <= MAX_DETAIL {
        return s.to_string();
    }
    let mut end = MAX_DETAIL;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

/// How numfuse's error message differs from NumPy's.
fn message_difference(want: &str, got: &str) -> &'static str {
    let first = got.lines().next().unwrap_or_default();
    if first.trim_end() == want.trim_end() && got.lines().count() > 1 {
        "same first line (modulo trailing space), numfuse appends operand-origin lines"
    } else if got.trim_end() == want.trim_end() {
        "differs only in trailing whitespace"
    } else if want.starts_with(got) {
        "numfuse's message is a truncated prefix of NumPy's"
    } else {
        "different wording"
    }
}

impl FileReport {
    /// Loads `tests/fixtures/<name>.json` and runs every case in every mode.
    pub fn run(name: &str) -> FileReport {
        let cases: Vec<Case> = load(name);
        let outcomes = cases
            .iter()
            .map(|c| CaseOutcome {
                id: c.id.clone(),
                func: c.func.clone(),
                note: note(c),
                verdicts: run_all_modes(c),
            })
            .collect();
        FileReport {
            name: name.to_string(),
            outcomes,
        }
    }

    /// True when no case failed or mismatched its error message in any mode.
    pub fn ok(&self) -> bool {
        !self.outcomes.iter().any(|o| o.failed() || o.message_only())
    }

    /// Failing (or message-mismatching) cases that are not listed in
    /// `tests/fixtures/known_deviations.txt`, and listed cases of this file that now pass
    /// (stale entries). Both must be empty for the test to pass.
    pub fn unexpected(&self, known: &BTreeMap<String, String>) -> (Vec<String>, Vec<String>) {
        let bad: Vec<String> = self
            .outcomes
            .iter()
            .filter(|o| (o.failed() || o.message_only()) && !known.contains_key(&o.id))
            .map(|o| o.id.clone())
            .collect();
        let stale: Vec<String> = self
            .outcomes
            .iter()
            .filter(|o| known.contains_key(&o.id) && !(o.failed() || o.message_only()))
            .map(|o| o.id.clone())
            .collect();
        (bad, stale)
    }

    fn tallies(&self) -> [Tally; 3] {
        let mut t = [Tally::default(); 3];
        for o in &self.outcomes {
            for (i, v) in o.verdicts.iter().enumerate() {
                match v {
                    Verdict::Pass => t[i].pass += 1,
                    Verdict::Fail { .. } => t[i].fail += 1,
                    Verdict::Message { .. } => t[i].message += 1,
                    Verdict::Unsupported(_) => t[i].unsupported += 1,
                }
            }
        }
        t
    }

    /// The full report.
    pub fn render(&self) -> String {
        let mut s = String::new();
        self.render_counts(&mut s);
        self.render_groups(&mut s);
        self.render_failures(&mut s);
        self.render_messages(&mut s);
        self.render_unsupported(&mut s);
        s
    }

    fn render_counts(&self, s: &mut String) {
        let n = self.outcomes.len();
        let _ = writeln!(
            s,
            "fixtures/{}.json: {n} cases checked in each of {} modes",
            self.name,
            MODES.len()
        );
        let _ = writeln!(
            s,
            "  {:<10} {:>6} {:>6} {:>9} {:>12}",
            "mode", "pass", "fail", "msg-only", "unsupported"
        );
        for (m, t) in MODES.iter().zip(self.tallies()) {
            let name = format!("{m:?}");
            let _ = writeln!(
                s,
                "  {name:<10} {:>6} {:>6} {:>9} {:>12}",
                t.pass, t.fail, t.message, t.unsupported
            );
        }
    }

    fn render_groups(&self, s: &mut String) {
        // (fn, cause) -> [(id, modes, detail)]
        let mut groups: BTreeMap<(String, String), Vec<Example>> = BTreeMap::new();
        for o in self.outcomes.iter().filter(|o| o.failed()) {
            for (cause, detail, modes) in o.distinct_failures() {
                let detail = match o.note {
                    Some(n) => format!("{detail} [note: {n}]"),
                    None => detail,
                };
                groups.entry((o.func.clone(), cause)).or_default().push((
                    o.id.clone(),
                    modes,
                    detail,
                ));
            }
        }
        if groups.is_empty() {
            return;
        }
        let mut sorted: Vec<_> = groups.into_iter().collect();
        sorted.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.0.cmp(&b.0)));
        let _ = writeln!(
            s,
            "\nFailure groups (fn — cause: cases [modes L=Lazy E=Eager I=Interpret]):"
        );
        for ((func, cause), items) in sorted {
            let mut modes: Vec<char> = items.iter().flat_map(|i| i.1.chars()).collect();
            modes.sort_by_key(|c| MODE_LETTERS.iter().position(|m| m == c));
            modes.dedup();
            let modes: String = modes.into_iter().collect();
            let _ = writeln!(s, "  {func} — {cause}: {} [{modes}]", items.len());
            for (id, m, detail) in items.iter().take(EXAMPLES) {
                let _ = writeln!(s, "      e.g. {id} [{m}]: {}", clip(detail));
            }
        }
    }

    fn render_failures(&self, s: &mut String) {
        let failing: Vec<&CaseOutcome> = self.outcomes.iter().filter(|o| o.failed()).collect();
        if failing.is_empty() {
            return;
        }
        let _ = writeln!(
            s,
            "\nFailing cases ({}; first {MAX_LISTED}):",
            failing.len()
        );
        for o in failing.iter().take(MAX_LISTED) {
            for (cause, detail, modes) in o.distinct_failures() {
                let _ = writeln!(s, "  {} [{modes}] {cause}: {}", o.id, clip(&detail));
            }
            if let Some(n) = o.note {
                let _ = writeln!(s, "      note: {n}");
            }
        }
    }

    fn render_messages(&self, s: &mut String) {
        // how the message differs -> fn -> [(id, numpy, numfuse)]
        type Items<'a> = Vec<(&'a str, &'a str, &'a str)>;
        let mut groups: BTreeMap<&str, BTreeMap<&str, Items>> = BTreeMap::new();
        for o in self.outcomes.iter().filter(|o| o.message_only()) {
            let (want, got) = o
                .verdicts
                .iter()
                .find_map(|v| match v {
                    Verdict::Message { want, got } => Some((want.as_str(), got.as_str())),
                    _ => None,
                })
                .expect("a message verdict");
            let by_fn = groups.entry(message_difference(want, got)).or_default();
            by_fn
                .entry(o.func.as_str())
                .or_default()
                .push((o.id.as_str(), want, got));
        }
        if groups.is_empty() {
            return;
        }
        let total: usize = groups.values().flat_map(|g| g.values()).map(Vec::len).sum();
        let _ = writeln!(
            s,
            "\nError-message mismatches (error class matches; {total} cases):"
        );
        for (how, by_fn) in groups {
            let n: usize = by_fn.values().map(Vec::len).sum();
            let _ = writeln!(s, "  {how}: {n}");
            for (func, items) in by_fn {
                let (id, want, got) = items[0];
                let _ = writeln!(s, "    {func}: {} — e.g. {id}", items.len());
                let _ = writeln!(s, "        numpy:   {want:?}\n        numfuse: {got:?}");
            }
        }
    }

    fn render_unsupported(&self, s: &mut String) {
        let mut reasons: BTreeMap<&str, usize> = BTreeMap::new();
        for o in &self.outcomes {
            if let Some(Verdict::Unsupported(r)) = o.verdicts.first() {
                *reasons.entry(r).or_default() += 1;
            }
        }
        if reasons.is_empty() {
            return;
        }
        let _ = writeln!(
            s,
            "\nUnsupported (no numfuse equivalent; not failures), cases per fn[feature]:"
        );
        for (r, n) in reasons {
            let _ = writeln!(s, "  {r}: {n}");
        }
    }
}

/// Runs a fixture file, prints the report, and fails with it if any case failed.
pub fn check_file(name: &str) {
    // compile every graph, however small, so that Lazy and Eager exercise the JIT
    numfuse::set_jit_threshold(0);
    let report = FileReport::run(name);
    let text = report.render();
    println!("{text}");
    let known = known_deviations();
    let (bad, stale) = report.unexpected(&known);
    assert!(
        bad.is_empty() && stale.is_empty(),
        "\n{text}\nunexpected failures (not in known_deviations.txt): {bad:?}\nstale known deviations (these pass now; remove them): {stale:?}"
    );
}

/// The documented deviations from NumPy: `tests/fixtures/known_deviations.txt`, one case id
/// per line followed by `#` and the reason.
pub fn known_deviations() -> BTreeMap<String, String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/known_deviations.txt");
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| match l.split_once('#') {
            Some((id, why)) => (id.trim().to_string(), why.trim().to_string()),
            None => (l.to_string(), String::new()),
        })
        .collect()
}
