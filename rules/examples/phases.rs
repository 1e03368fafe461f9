//! Where the time of one `check` goes, phase by phase, in process (no start-up, no output):
//!
//!   cargo run --release -p amplint_rules --example phases -- FILE [RUNS]
//!
//! Prints the median wall time of each phase over RUNS runs (default 30).

use std::time::{Duration, Instant};

use amplint_rules::model::{extract, extract_split};
use amplint_rules::split::{parse_split, SPLIT_MIN_BYTES};
use amplint_rules::syntax::parse;
use amplint_rules::{check, check_tree, FileId, Settings, SourceKind};

fn median_ms(runs: usize, mut work: impl FnMut() -> Duration) -> f64 {
    let mut samples: Vec<Duration> = (0..runs).map(|_| work()).collect();
    samples.sort();
    samples[samples.len() / 2].as_secs_f64() * 1000.0
}

/// The median time of `work`, not counting the freeing of what it returns.
fn time<T>(runs: usize, mut work: impl FnMut() -> T) -> f64 {
    median_ms(runs, || {
        let start = Instant::now();
        let value = work();
        let elapsed = start.elapsed();
        drop(value);
        elapsed
    })
}

fn main() {
    let mut arguments = std::env::args().skip(1);
    let Some(path) = arguments.next() else {
        eprintln!("usage: phases FILE [RUNS]");
        std::process::exit(2);
    };
    let runs = arguments.next().and_then(|n| n.parse().ok()).unwrap_or(30);
    let source = match std::fs::read_to_string(&path) {
        Ok(source) => source,
        Err(error) => {
            eprintln!("cannot read {path}: {error}");
            std::process::exit(2);
        }
    };
    let kind = SourceKind::TypeScript;
    let settings = Settings::default();
    println!("{path}: {} bytes, medians of {runs} runs", source.len());
    let tree = parse(kind, &source, None);
    let row = |name: &str, ms: f64| println!("  {name:<40} {ms:8.2} ms");
    row("parse whole", time(runs, || parse(kind, &source, None)));
    row(
        "extract (whole tree)",
        time(runs, || extract(&tree, &source, FileId::MAIN)),
    );
    row(
        "check_tree (extract + rules)",
        time(runs, || check_tree(&source, &tree, &settings)),
    );
    row(
        "free a whole tree",
        median_ms(runs, || {
            let tree = parse(kind, &source, None);
            let start = Instant::now();
            drop(tree);
            start.elapsed()
        }),
    );
    match parse_split(kind, &source, SPLIT_MIN_BYTES) {
        Some(trees) => {
            let pieces = trees.trees.len();
            row(
                &format!("parse in {pieces} pieces"),
                time(runs, || parse_split(kind, &source, SPLIT_MIN_BYTES)),
            );
            row(
                &format!("extract {pieces} pieces"),
                time(runs, || extract_split(&trees, &source, FileId::MAIN)),
            );
        }
        None => println!("  (not split: small, or not one schema object)"),
    }
    row(
        "check (everything)",
        time(runs, || check(&source, kind, &settings)),
    );
}
