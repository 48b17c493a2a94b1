//! The multi-threaded driver: settings from the environment ([`Config`]), running many
//! cases on worker threads and grouping failures by signature ([`run`], [`Summary`]).

use numfuse as nf;
use numfuse::Mode;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::checking::{check, check_with_stats, Stats};
use super::comparison::{FailKind, ModeFailure};
use super::failure::{describe_input, signature, Failure};
use super::generator::generate;
use super::shrinking::shrink;

/// Settings of a fuzzing run.
#[derive(Clone, Debug)]
pub struct Config {
    /// The seed (`NUMFUSE_FUZZ_SEED`).
    pub seed: u64,
    /// Number of graphs (`NUMFUSE_FUZZ_GRAPHS`).
    pub graphs: u64,
    /// Run only this case (`NUMFUSE_FUZZ_CASE`), printing it.
    pub only: Option<u64>,
    /// Worker threads (`NUMFUSE_FUZZ_THREADS`).
    pub threads: usize,
    /// Stop after this many distinct failures (`NUMFUSE_FUZZ_MAX_FAILURES`).
    pub max_distinct: usize,
    /// Print each case index before running it (`NUMFUSE_FUZZ_TRACE=1`; to find crashes).
    pub trace: bool,
    /// Shrink failures (`NUMFUSE_FUZZ_SHRINK=0` turns it off).
    pub shrink: bool,
}

impl Config {
    /// Settings from the environment, with CI defaults (seed 2024, 10 000 graphs).
    pub fn from_env() -> Config {
        fn var<T: std::str::FromStr>(name: &str) -> Option<T> {
            std::env::var(name).ok().and_then(|v| {
                let v = v.trim().replace('_', "");
                match v.strip_prefix("0x") {
                    Some(h) => u64::from_str_radix(h, 16)
                        .ok()
                        .and_then(|x| x.to_string().parse().ok()),
                    None => v.parse().ok(),
                }
            })
        }
        Config {
            seed: var("NUMFUSE_FUZZ_SEED").unwrap_or(2024),
            graphs: var("NUMFUSE_FUZZ_GRAPHS").unwrap_or(10_000),
            only: var("NUMFUSE_FUZZ_CASE"),
            threads: var("NUMFUSE_FUZZ_THREADS").unwrap_or(2).max(1),
            max_distinct: var("NUMFUSE_FUZZ_MAX_FAILURES").unwrap_or(20),
            trace: var::<u32>("NUMFUSE_FUZZ_TRACE").unwrap_or(0) != 0,
            shrink: var::<u32>("NUMFUSE_FUZZ_SHRINK").unwrap_or(1) != 0,
        }
    }
}

/// The result of a run.
#[derive(Debug, Default)]
pub struct Summary {
    /// Graphs checked.
    pub graphs: u64,
    /// Wall time.
    pub elapsed: Duration,
    /// Cases that failed (all, before grouping).
    pub failing_cases: u64,
    /// One failure per signature, lowest case index first.
    pub distinct: Vec<Failure>,
    /// How many cases had each signature.
    pub counts: BTreeMap<String, u64>,
    /// Whether the run stopped early at `max_distinct`.
    pub stopped_early: bool,
    /// What was compared.
    pub stats: Stats,
}

impl Summary {
    /// Graphs per second.
    pub fn rate(&self) -> f64 {
        self.graphs as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
    /// The failure reports and the totals.
    pub fn report(&self) -> String {
        let mut s = String::new();
        for (i, f) in self.distinct.iter().enumerate() {
            let _ = writeln!(
                s,
                "──────── fuzz failure {}/{} ({} case(s) with this signature) ────────",
                i + 1,
                self.distinct.len(),
                self.counts.get(&f.signature).copied().unwrap_or(1)
            );
            let _ = writeln!(s, "  signature: {}", f.signature);
            s.push_str(&f.report());
        }
        let st = &self.stats;
        let per = |x: u64| 100.0 * x as f64 / st.cases.max(1) as f64;
        let elems = (st.exact_elems + st.bounded_elems + st.skipped_elems).max(1) as f64;
        let _ = writeln!(
            s,
            "coverage: {} steps ({:.1}/graph); {:.2}% error results, {:.1}% empty results, {:.1}% with inexact steps; output elements compared bit for bit {:.1}%, within a bound {:.1}%, unbounded (skipped) {:.2}%",
            st.steps,
            st.steps as f64 / st.cases.max(1) as f64,
            per(st.errors),
            per(st.empty),
            per(st.inexact),
            100.0 * st.exact_elems as f64 / elems,
            100.0 * st.bounded_elems as f64 / elems,
            100.0 * st.skipped_elems as f64 / elems,
        );
        let ops: Vec<String> = st.ops.iter().map(|(k, v)| format!("{k} {v}")).collect();
        let _ = writeln!(s, "steps by kind: {}", ops.join(", "));
        let _ = writeln!(
            s,
            "numfuse fuzz: {} graphs in {:.1} s ({:.0} graphs/s), {} failing case(s), {} distinct{}",
            self.graphs,
            self.elapsed.as_secs_f64(),
            self.rate(),
            self.failing_cases,
            self.distinct.len(),
            if self.stopped_early {
                " (stopped early at the failure limit)"
            } else {
                ""
            }
        );
        s
    }
}

fn check_index(cfg: &Config, index: u64, stats: &mut Stats) -> Option<Failure> {
    let case = generate(cfg.seed, index);
    let (case, failures) = match case {
        Ok(c) => {
            let (f, st) = check_with_stats(&c);
            stats.add(&st);
            (c, f)
        }
        Err((c, p)) => (
            c,
            vec![ModeFailure {
                mode: Mode::Interpret,
                kind: FailKind::Build,
                detail: format!("building the program panicked: {p}"),
            }],
        ),
    };
    if failures.is_empty() {
        return None;
    }
    let original_steps = case.nodes.len();
    let (case, failures) = if cfg.shrink && failures[0].kind != FailKind::Build {
        let small = shrink(&case, failures[0].mode, failures[0].kind);
        let f = check(&small);
        if f.is_empty() {
            (case, failures)
        } else {
            (small, f)
        }
    } else {
        (case, failures)
    };
    let signature = signature(&case, &failures);
    Some(Failure {
        seed: cfg.seed,
        index,
        case,
        original_steps,
        failures,
        signature,
    })
}

/// Runs the fuzzer (with the JIT forced on: threshold 0).
pub fn run(cfg: &Config) -> Summary {
    nf::set_jit_threshold(0);
    let start = Instant::now();
    if let Some(index) = cfg.only {
        let case = generate(cfg.seed, index);
        let c = match &case {
            Ok(c) => c,
            Err((c, _)) => c,
        };
        println!("case {index} (seed {}):\n{}", cfg.seed, c.to_rust());
        for (k, x) in c.inputs.iter().enumerate() {
            print!("{}", describe_input(k, x));
        }
        let mut summary = Summary {
            graphs: 1,
            ..Summary::default()
        };
        let mut stats = Stats::default();
        let f = check_index(cfg, index, &mut stats);
        summary.stats = stats;
        if let Some(f) = f {
            summary.failing_cases = 1;
            summary.counts.insert(f.signature.clone(), 1);
            summary.distinct.push(f);
        }
        summary.elapsed = start.elapsed();
        return summary;
    }
    let next = AtomicU64::new(0);
    let done = AtomicU64::new(0);
    let stop = AtomicBool::new(false);
    let found: Mutex<Vec<Failure>> = Mutex::new(Vec::new());
    let total_stats: Mutex<Stats> = Mutex::new(Stats::default());
    let distinct_count = |found: &[Failure]| {
        let mut sigs: Vec<&str> = found.iter().map(|f| f.signature.as_str()).collect();
        sigs.sort_unstable();
        sigs.dedup();
        sigs.len()
    };
    std::thread::scope(|s| {
        for _ in 0..cfg.threads {
            s.spawn(|| {
                nf::set_jit_threshold(0);
                let mut stats = Stats::default();
                while !stop.load(Ordering::Relaxed) {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    if index >= cfg.graphs {
                        break;
                    }
                    if cfg.trace {
                        eprintln!("fuzz: case {index}");
                    }
                    let f = check_index(cfg, index, &mut stats);
                    done.fetch_add(1, Ordering::Relaxed);
                    if let Some(f) = f {
                        let mut g = found.lock().unwrap_or_else(|p| p.into_inner());
                        g.push(f);
                        if distinct_count(&g) >= cfg.max_distinct {
                            stop.store(true, Ordering::Relaxed);
                        }
                    }
                }
                total_stats
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .add(&stats);
            });
        }
    });
    let mut all = found.into_inner().unwrap_or_else(|p| p.into_inner());
    all.sort_by_key(|f| f.index);
    let mut summary = Summary {
        graphs: done.load(Ordering::Relaxed),
        elapsed: start.elapsed(),
        failing_cases: all.len() as u64,
        stopped_early: stop.load(Ordering::Relaxed),
        stats: total_stats.into_inner().unwrap_or_else(|p| p.into_inner()),
        ..Summary::default()
    };
    for f in all {
        let c = summary.counts.entry(f.signature.clone()).or_insert(0);
        *c += 1;
        if *c == 1 {
            summary.distinct.push(f);
        }
    }
    summary
}
