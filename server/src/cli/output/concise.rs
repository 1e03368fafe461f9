//! `--format concise`: `path:line:column: severity[rule] message`, one line each.

use std::io::{self, Write};

use super::{user_position, Summary};
use crate::cli::files::CheckedFile;

pub fn write(out: &mut dyn Write, files: &[CheckedFile], summary: &Summary) -> io::Result<()> {
    for file in files {
        for diagnostic in &file.diagnostics {
            let (line, column) = user_position(file, diagnostic.span.start);
            writeln!(
                out,
                "{}:{line}:{column}: {}[{}] {}",
                file.display_path, diagnostic.severity, diagnostic.rule, diagnostic.message
            )?;
        }
    }
    writeln!(out, "{}", summary.sentence())
}
