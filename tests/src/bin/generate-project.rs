//! `generate-project N DIR`: writes a valid N-model schema split over files under DIR
//! (`amplify/data/resource.ts` and `amplify/data/models/group*.ts`, for benchmarks).

fn main() -> std::io::Result<()> {
    let mut arguments = std::env::args().skip(1);
    let n_models = arguments.next().and_then(|n| n.parse().ok()).unwrap_or(200);
    let dir = std::path::PathBuf::from(arguments.next().unwrap_or_else(|| ".".to_string()));
    for (path, text) in amplint_tests::generate::project(n_models) {
        let path = dir.join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, text)?;
    }
    Ok(())
}
