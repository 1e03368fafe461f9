//! The schemas of Amplify's "Modeling relationships" guide deploy, so amplint must not
//! report an error on any of them.
//!
//! The guide is read from `<repo>/../shared/seeds/004_*.txt` when that folder is there:
//! every ```typescript / ```ts block containing `a.schema(` is checked, with
//! `import { a } from '@aws-amplify/backend';` prepended. Copies of those blocks, with the
//! same line prepended, live in `fixtures/docs-examples/*.ts` and are always checked, so
//! the test does not depend on the shared folder.

use std::path::{Path, PathBuf};

use amplint_rules::{Settings, Severity, SourceKind};
use amplint_tests::{fixture_inputs, repo_root};

const IMPORT: &str = "import { a } from '@aws-amplify/backend';\n";

/// The code blocks tagged `typescript` or `ts` in a Markdown text.
fn typescript_blocks(markdown: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in markdown.lines() {
        let trimmed = line.trim_start();
        match &mut current {
            Some(block) => {
                if trimmed.starts_with("```") {
                    blocks.push(std::mem::take(block));
                    current = None;
                } else {
                    block.push_str(line);
                    block.push('\n');
                }
            }
            None => {
                if let Some(info) = trimmed.strip_prefix("```") {
                    let language = info.split_whitespace().next().unwrap_or("");
                    if language == "typescript" || language == "ts" {
                        current = Some(String::new());
                    }
                }
            }
        }
    }
    blocks
}

/// The guide's schema examples, when the shared folder is present: (name, source).
fn guide_examples() -> Option<Vec<(String, String)>> {
    let seeds = repo_root().join("..").join("shared").join("seeds");
    let entries = std::fs::read_dir(&seeds).ok()?;
    let mut guides: Vec<PathBuf> = entries
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| name.starts_with("004_") && name.ends_with(".txt"))
        })
        .collect();
    guides.sort();
    let mut examples = Vec::new();
    for guide in guides {
        let text = std::fs::read_to_string(&guide).ok()?;
        let name = guide.display().to_string();
        for (index, block) in typescript_blocks(&text)
            .into_iter()
            .filter(|block| block.contains("a.schema("))
            .enumerate()
        {
            examples.push((
                format!("{name} example {}", index + 1),
                format!("{IMPORT}{block}"),
            ));
        }
    }
    Some(examples)
}

/// The copies in `fixtures/docs-examples/`: (name, source).
fn fixture_examples() -> Vec<(String, String)> {
    fixture_inputs(&repo_root().join("fixtures").join("docs-examples"))
        .into_iter()
        .map(|path: PathBuf| {
            let source = std::fs::read_to_string(&path).expect("a readable fixture");
            (shown(&path), source)
        })
        .collect()
}

fn shown(path: &Path) -> String {
    path.strip_prefix(repo_root())
        .unwrap_or(path)
        .display()
        .to_string()
}

/// The error diagnostics amplint reports on each example (empty when all are clean).
fn errors_in(examples: &[(String, String)]) -> String {
    let mut report = String::new();
    for (name, source) in examples {
        let result = amplint_rules::check(source, SourceKind::TypeScript, &Settings::default());
        assert!(
            !result.model.schemas.is_empty(),
            "{name}: amplint found no schema in the example"
        );
        for diagnostic in result
            .diagnostics
            .iter()
            .filter(|diagnostic| diagnostic.severity == Severity::Error)
        {
            let line = source
                .get(..diagnostic.span.start)
                .unwrap_or("")
                .matches('\n')
                .count()
                + 1;
            report.push_str(&format!(
                "{name}:{line}: error[{}]: {}\n",
                diagnostic.rule, diagnostic.message
            ));
        }
    }
    report
}

#[test]
fn extracts_typescript_blocks() {
    let markdown = "text\n```ts\nconst x = 1;\n```\n```kt\nval y = 2\n```\n```typescript title=\"a\"\na.schema({})\n```\n";
    assert_eq!(
        typescript_blocks(markdown),
        ["const x = 1;\n", "a.schema({})\n"]
    );
}

#[test]
fn documentation_examples_have_no_errors() {
    let fixtures = fixture_examples();
    assert!(
        fixtures.len() >= 6,
        "expected the guide's six schema examples in fixtures/docs-examples/"
    );
    let mut report = errors_in(&fixtures);
    if let Some(guide) = guide_examples() {
        assert!(
            !guide.is_empty(),
            "no schema example found in ../shared/seeds/004_*.txt"
        );
        report.push_str(&errors_in(&guide));
    }
    assert!(
        report.is_empty(),
        "amplint reports errors on schemas Amplify's guide deploys:\n{report}"
    );
}
