//! `--format github`: GitHub Actions workflow commands, one per diagnostic:
//! `::error file=..,line=..,col=..,endLine=..,endColumn=..,title=amplint (rule)::message`.
//!
//! Errors become `::error`, warnings `::warning`, infos and hints `::notice`. Properties
//! escape `%`, `\r`, `\n`, `:` and `,`; the message escapes `%`, `\r` and `\n`, as GitHub's
//! toolkit does.

use std::io::{self, Write};

use amplint_rules::Severity;

use super::user_position;
use crate::cli::files::CheckedFile;

pub fn write(out: &mut dyn Write, files: &[CheckedFile]) -> io::Result<()> {
    for file in files {
        for diagnostic in &file.diagnostics {
            let command = match diagnostic.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info | Severity::Hint => "notice",
            };
            let (line, column) = user_position(file, diagnostic.span.start);
            let (end_line, end_column) = user_position(file, diagnostic.span.end);
            let mut message = diagnostic.message.clone();
            if let Some(fix) = &diagnostic.fix {
                message.push_str("\nhelp: ");
                message.push_str(&fix.title);
            }
            writeln!(
                out,
                "::{command} file={},line={line},col={column},endLine={end_line},endColumn={end_column},title={}::{}",
                escape_property(&file.display_path.replace('\\', "/")),
                escape_property(&format!("amplint ({})", diagnostic.rule)),
                escape_data(&message),
            )?;
        }
    }
    Ok(())
}

/// The message of a workflow command.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value of a workflow command.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_the_toolkit() {
        assert_eq!(escape_data("50% a\r\nb: c, d"), "50%25 a%0D%0Ab: c, d");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
