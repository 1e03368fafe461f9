//! `generate-schema N`: prints a valid N-model schema (for benchmarks).

fn main() {
    let n_models = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(200);
    print!("{}", amplint_tests::generate::schema(n_models));
}
