//! Embeds every `fixtures/**/*.ts` (inputs and `.fixed.ts` alike) into the fuzz targets, so
//! `fixture_edits` can pick one by index without touching the file system.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, found);
        } else if path.extension().is_some_and(|extension| extension == "ts") {
            found.push(path);
        }
    }
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let fixtures = manifest.join("../fixtures").canonicalize().unwrap();
    println!("cargo:rerun-if-changed={}", fixtures.display());
    let mut found = Vec::new();
    collect(&fixtures, &mut found);
    found.sort();
    let mut code = String::from("pub static FIXTURES: &[(&str, &str)] = &[\n");
    for path in &found {
        let name = path.strip_prefix(&fixtures).unwrap().display().to_string();
        writeln!(
            code,
            "    ({name:?}, include_str!({:?})),",
            path.display().to_string()
        )
        .unwrap();
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("fixtures.rs");
    std::fs::write(out, code).unwrap();
}
