//! `--diff`: the fixes as a unified diff.

use std::io::{self, Write};

use crate::cli::files::CheckedFile;

pub fn write(out: &mut dyn Write, file: &CheckedFile, fixed: &str) -> io::Result<()> {
    let original = file.original_text.as_deref().unwrap_or("");
    let diff = similar::TextDiff::from_lines(original, fixed);
    let a = format!("a/{}", file.display_path);
    let b = format!("b/{}", file.display_path);
    write!(
        out,
        "{}",
        diff.unified_diff().context_radius(3).header(&a, &b)
    )
}
