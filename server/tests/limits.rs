//! The limits of issue #6, against the real binary: a 10 MB schema, 5,000 models,
//! 10,000-deep nesting in schema positions, and files that are not UTF-8 (Latin-1, a lone
//! UTF-16 byte order mark, UTF-16 text, NUL bytes), given explicitly and found by walking,
//! each give a result or a clear message, in bounded time and memory, never a crash or a
//! hang. (`tests/tests/robustness.rs` covers the same inputs through the engine's API, and
//! `tests/tests/lsp_robustness.rs` through the language server.)
//!
//! Time bounds are generous (the machine running the tests may be loaded): they catch a hang
//! or a blow-up, not a slowdown. The run's figures are printed (`--nocapture` shows them).

use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

// Shared with the tests crate; this test uses the single-file schema only.
#[allow(dead_code)]
#[path = "../../tests/src/generate.rs"]
mod generate;
#[path = "../../tests/src/process_status.rs"]
mod process_status;

use process_status::status_kib;

/// What one run of the binary did.
struct Run {
    status: ExitStatus,
    stdout: String,
    stderr: String,
    elapsed: Duration,
    /// The highest `VmHWM` (peak resident memory) seen while it ran, in KiB; 0 where
    /// `/proc` is not there.
    peak_rss_kib: u64,
}

/// Runs `amplint args` in `dir`, killing it after `limit`; output goes to files, so a large
/// output cannot block it.
fn run_with_limit(args: &[&str], dir: &Path, limit: Duration) -> Run {
    let output_dir = tempfile::tempdir().unwrap();
    let stdout_path = output_dir.path().join("stdout");
    let stderr_path = output_dir.path().join("stderr");
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_amplint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&stdout_path).unwrap())
        .stderr(std::fs::File::create(&stderr_path).unwrap())
        .spawn()
        .expect("the amplint binary runs");
    let mut peak_rss_kib = 0;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        peak_rss_kib = peak_rss_kib.max(status_kib(child.id(), "VmHWM"));
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("`amplint {}` still ran after {limit:?}", args.join(" "));
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let elapsed = start.elapsed();
    Run {
        status,
        stdout: std::fs::read_to_string(&stdout_path).unwrap(),
        stderr: std::fs::read_to_string(&stderr_path).unwrap(),
        elapsed,
        peak_rss_kib,
    }
}

/// A run that ended by itself with `code`.
fn assert_exit(run: &Run, code: i32, what: &str) {
    assert_eq!(
        run.status.code(),
        Some(code),
        "{what}: {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        run.status,
        run.stdout,
        run.stderr
    );
}

/// Text as printed, unwrapped: miette wraps long messages and draws a margin (`│`).
fn unwrapped(text: &str) -> String {
    text.split_whitespace()
        .filter(|word| *word != "│")
        .collect::<Vec<_>>()
        .join(" ")
}

fn report(what: &str, bytes: usize, run: &Run) {
    println!(
        "{what}: {:.1} MB, {:.2} s, peak RSS {} MiB, {:?}",
        bytes as f64 / 1e6,
        run.elapsed.as_secs_f64(),
        run.peak_rss_kib / 1024,
        run.status
    );
}

/// A directory holding one file `amplify/data/resource.ts` with `bytes` in it.
fn project_with_schema(bytes: &[u8]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("amplify/data/resource.ts");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
    dir
}

/// A generous bound: the time a debug build takes on a loaded two-core machine, many times
/// over. A hang or a quadratic blow-up on these sizes takes far longer.
const TIME_LIMIT: Duration = Duration::from_secs(180);

#[test]
fn a_ten_megabyte_schema_is_checked_in_bounded_time_and_memory() {
    // About 1,160 bytes a model: 26,000 models is a little over 10 MB.
    let text = generate::schema(26_000);
    assert!(text.len() >= 10_000_000, "{} bytes", text.len());
    let dir = project_with_schema(text.as_bytes());
    let run = run_with_limit(
        &["check", "--format", "concise", "amplify/data/resource.ts"],
        dir.path(),
        TIME_LIMIT,
    );
    report("10 MB schema (26,001 models)", text.len(), &run);
    assert_exit(&run, 0, "a valid 10 MB schema");
    assert!(
        run.stdout.contains("No problems found in 1 file."),
        "{}",
        run.stdout
    );
    // Measured (debug build): about 1.1 GiB, over the 1 GB the issue asks for (reported).
    // This bound catches memory growing without limit, not that.
    assert!(
        run.peak_rss_kib < 3 * 1024 * 1024,
        "peak RSS {} MiB",
        run.peak_rss_kib / 1024
    );
}

#[test]
fn five_thousand_models_check_clean_and_an_error_among_them_is_found() {
    let text = generate::schema(5_000);
    let dir = project_with_schema(text.as_bytes());
    let run = run_with_limit(&["check", "--format", "concise"], dir.path(), TIME_LIMIT);
    report("5,001 models", text.len(), &run);
    assert_exit(&run, 0, "5,001 valid models");
    assert!(
        run.stdout.contains("No problems found in 1 file."),
        "{}",
        run.stdout
    );

    // One broken reference among them, near the end: found, with its position.
    let broken = text.replacen(
        "a.belongsTo('Team1665', 'teamId')",
        "a.belongsTo('Teem1665', 'teamId')",
        1,
    );
    assert_ne!(broken, text);
    let dir = project_with_schema(broken.as_bytes());
    let run = run_with_limit(&["check", "--format", "json"], dir.path(), TIME_LIMIT);
    report("5,001 models, one error", broken.len(), &run);
    assert_exit(&run, 1, "5,001 models with one unknown related model");
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let diagnostics = json["diagnostics"].as_array().unwrap();
    assert!(
        diagnostics
            .iter()
            .any(|diagnostic| diagnostic["rule"] == "unknown-related-model"),
        "{diagnostics:#?}"
    );
}

/// A schema whose field value and authorization rules sit inside `depth` levels of
/// `open`…`close`.
fn deeply_nested(open: &str, close: &str, depth: usize) -> String {
    format!(
        "import {{ a, defineData }} from '@aws-amplify/backend';\n\
         const schema = a.schema({{\n  T: a.model({{ x: {}a.string(){} }})\n    \
         .authorization((allow) => [{}allow.owner(){}]),\n}});\n\
         export const data = defineData({{ schema }});\n",
        open.repeat(depth),
        close.repeat(depth),
        open.repeat(depth),
        close.repeat(depth),
    )
}

#[test]
fn ten_thousand_deep_nesting_in_schema_positions_gives_a_result() {
    let shapes = [
        ("brackets", "[", "]"),
        ("parentheses", "(", ")"),
        ("objects", "{ x: ", " }"),
        ("calls", "a.string(", ")"),
        ("arrow functions", "f(() => ", ")"),
        ("unclosed brackets", "[", ""),
    ];
    for (name, open, close) in shapes {
        let text = deeply_nested(open, close, 10_000);
        let dir = project_with_schema(text.as_bytes());
        let run = run_with_limit(&["check", "--format", "concise"], dir.path(), TIME_LIMIT);
        report(&format!("10,000-deep {name}"), text.len(), &run);
        // A result: clean, or diagnostics (the unclosed ones do not parse); never a crash.
        assert!(
            matches!(run.status.code(), Some(0 | 1)),
            "{name}: {:?}\n{}",
            run.status,
            run.stderr
        );
        assert!(run.stdout.contains("in 1 file."), "{name}: {}", run.stdout);
    }
    // A chain of 10,000 modifier calls on one model.
    let chain = format!(
        "import {{ a }} from '@aws-amplify/backend';\nconst schema = a.schema({{ T: a.model({{}}){} }});\n",
        ".required()".repeat(10_000)
    );
    let dir = project_with_schema(chain.as_bytes());
    let run = run_with_limit(&["check", "--format", "concise"], dir.path(), TIME_LIMIT);
    report("a 10,000-call chain", chain.len(), &run);
    assert!(
        matches!(run.status.code(), Some(0 | 1)),
        "{:?}\n{}",
        run.status,
        run.stderr
    );
}

/// KNOWN CRASH: `amplint check` aborts (`thread 'main' has overflowed its stack`, signal
/// 6) on 10,000-deep objects with a syntax error at the deepest level: the missing node
/// tree-sitter recovers with there is empty, and `syntax_error_regions`
/// (`rules/src/syntax.rs`) asks it for its `parent()`, which tree-sitter 0.25 answers by
/// recursing from the root, one C frame per level (`ts_node_child_with_descendant`,
/// node.c:581). 7,000 deep still answers (exit 1). The language server's checker thread has
/// a smaller stack and dies at 3,000 (`server/tests/lsp_stdio.rs`). Passes once the region
/// is widened with a cursor (`goto_parent`) instead of `Node::parent`.
#[test]
fn ten_thousand_deep_nesting_with_a_syntax_error_at_the_bottom_gives_a_result() {
    let text = deeply_nested("{ x: ", " }", 10_000).replacen("a.string()", "1, a.string()", 1);
    let dir = project_with_schema(text.as_bytes());
    let run = run_with_limit(&["check", "--format", "concise"], dir.path(), TIME_LIMIT);
    report(
        "10,000-deep objects, syntax error at the bottom",
        text.len(),
        &run,
    );
    // A result, not a crash: the syntax error is reported (whether other rules still find
    // something in the recovered tree is tree-sitter's recovery's business).
    assert!(
        matches!(run.status.code(), Some(0 | 1)),
        "a deep syntax error: {:?}\n{}",
        run.status,
        run.stderr
    );
    assert!(run.stdout.contains("syntax-error"), "{}", run.stdout);
}

/// KNOWN HANG (upstream): the TSX grammar (tree-sitter-typescript 0.23.2, its issue #323)
/// loops forever on some text, allocating as it goes; amplint parses without a bound, so
/// `amplint check` never ends (release build: 160 MiB after 20 s, 230 MiB after 60 s), and
/// neither does the language server's check of such a `typescriptreact` document. Found by
/// the `check_bytes` fuzz target; minimised to these 14 bytes. Passes once parses are
/// bounded (a progress callback that gives up, reported as a syntax error).
#[test]
fn a_tsx_file_the_parser_loops_on_gives_a_result_in_time() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("hang.tsx"), "({s:{e/w)w.K>;").unwrap();
    let run = run_with_limit(&["check", "hang.tsx"], dir.path(), Duration::from_secs(30));
    assert!(matches!(run.status.code(), Some(0..=2)), "{:?}", run.status);
}

const SCHEMA: &str = "import { a } from '@aws-amplify/backend';\n\
const schema = a.schema({ Todo: a.model({ title: a.string() }) }).authorization((allow) => allow.publicApiKey());\n";

/// Files that are not UTF-8, with the offset of their first invalid byte.
fn not_utf8_files() -> Vec<(&'static str, Vec<u8>, usize)> {
    let utf16: Vec<u8> = "\u{feff}const schema = a.schema({ T: a.model({}) });\n"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    vec![
        (
            "latin1.ts",
            b"const schema = a.schema({ Caf\xe9: a.model({}) });\n".to_vec(),
            29,
        ),
        ("utf16-bom-alone.ts", b"\xff\xfe".to_vec(), 0),
        ("utf16-big-endian-bom-alone.ts", b"\xfe\xff".to_vec(), 0),
        ("utf16.ts", utf16, 0),
        ("binary.ts", (0..=255u8).rev().collect(), 0),
    ]
}

#[test]
fn files_that_are_not_utf8_given_explicitly_fail_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes, invalid_at) in not_utf8_files() {
        std::fs::write(dir.path().join(name), bytes).unwrap();
        let run = run_with_limit(&["check", name], dir.path(), TIME_LIMIT);
        assert_exit(&run, 2, name);
        let expected = format!("{name}: not UTF-8 text (invalid byte at offset {invalid_at})");
        let stderr = unwrapped(&run.stderr);
        assert!(
            stderr.contains(&expected) && stderr.contains("amplint reads UTF-8 files only"),
            "{name}: {}",
            run.stderr
        );
    }
}

#[test]
fn files_that_are_not_utf8_found_by_walking_are_reported_and_the_others_checked() {
    let dir = project_with_schema(SCHEMA.as_bytes());
    let mut names = Vec::new();
    for (name, bytes, _) in not_utf8_files() {
        let path = format!("amplify/{name}");
        std::fs::write(dir.path().join(&path), bytes).unwrap();
        names.push(path);
    }
    let run = run_with_limit(&["check", "--format", "concise"], dir.path(), TIME_LIMIT);
    // A walked file that cannot be read is a warning on stderr, not a failure of the run
    // (only files named on the command line make it exit 2); the readable one is checked.
    assert_exit(&run, 0, "walking past files that are not UTF-8");
    assert!(
        run.stdout.contains("No problems found in 1 file."),
        "{}",
        run.stdout
    );
    let stderr = unwrapped(&run.stderr);
    for name in &names {
        assert!(
            stderr.contains(&format!("{name}: not UTF-8 text")),
            "{name}: {}",
            run.stderr
        );
    }
}

#[test]
fn nul_bytes_and_byte_order_marks_in_utf8_files_give_a_result() {
    // NUL is valid UTF-8: the file is checked, and NUL is a syntax error (a warning).
    let nul = SCHEMA.replace("Todo:", "To\0do:") + "\0\0";
    let cases = [
        ("nul.ts", nul.into_bytes(), 0, Some("syntax-error")),
        ("only-nul.ts", vec![0; 4096], 0, Some("syntax-error")),
        (
            "utf8-bom.ts",
            [b"\xef\xbb\xbf".as_slice(), SCHEMA.as_bytes()].concat(),
            0,
            None,
        ),
        ("utf8-bom-alone.ts", b"\xef\xbb\xbf".to_vec(), 0, None),
        ("empty.ts", Vec::new(), 0, None),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes, code, rule) in cases {
        std::fs::write(dir.path().join(name), bytes).unwrap();
        let run = run_with_limit(
            &["check", "--format", "concise", name],
            dir.path(),
            TIME_LIMIT,
        );
        assert_exit(&run, code, name);
        assert!(run.stdout.contains("in 1 file."), "{name}: {}", run.stdout);
        match rule {
            Some(rule) => assert!(run.stdout.contains(rule), "{name}: {}", run.stdout),
            None => assert!(
                run.stdout.contains("No problems found"),
                "{name}: {}",
                run.stdout
            ),
        }
    }
}
