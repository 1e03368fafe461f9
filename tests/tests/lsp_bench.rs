//! Latency and memory of the language server, driven over stdio like an editor.
//! Ignored by `cargo test`; `bench/lsp/run.sh` builds release and runs it:
//!
//! ```text
//! cargo build --release -p amplint
//! AMPLINT_BIN=target/release/amplint cargo test --release -p amplint_tests --test lsp_bench -- --ignored --nocapture
//! ```

use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use amplint_tests::generate;
use amplint_tests::lsp_client::LspClient;
use amplint_tests::process_status::status_kib;
use serde_json::json;

const URI: &str = "file:///project/amplify/data/resource.ts";

/// The target figures from the issue.
const MEDIAN_TARGET: Duration = Duration::from_millis(5);
const P99_TARGET: Duration = Duration::from_millis(15);
const RSS_TARGET_KIB: u64 = 60 * 1024;

fn binary() -> PathBuf {
    if let Some(path) = std::env::var_os("AMPLINT_BIN") {
        return PathBuf::from(path);
    }
    // target/<profile>/deps/lsp_bench-<hash> -> target/<profile>/amplint
    let exe = std::env::current_exe().unwrap();
    exe.parent().unwrap().parent().unwrap().join("amplint")
}

async fn spawn() -> (tokio::process::Child, LspClient) {
    let mut child = tokio::process::Command::new(binary())
        .arg("server")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .expect("the amplint binary starts (set AMPLINT_BIN or build release first)");
    let stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    (child, LspClient::new(stdout, stdin))
}

fn percentile(sorted: &[Duration], fraction: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * fraction).round() as usize;
    sorted[index]
}

/// Types `x` at `anchor` of `uri` and deletes it again, edit after edit: the time from each
/// one-character `didChange` to the diagnostics published for its version, sorted, after
/// `warmup` edits that are not counted.
async fn typing_latencies(
    client: &mut LspClient,
    uri: &str,
    anchor: usize,
    warmup: usize,
    n_edits: usize,
) -> Vec<Duration> {
    let mut latencies = Vec::with_capacity(n_edits);
    for round in 0..warmup + n_edits {
        let position = client.position(uri, anchor);
        let edit = if round % 2 == 0 {
            json!({"range": {"start": position, "end": position}, "newText": "x"})
        } else {
            let end = client.position(uri, anchor + 1);
            json!({"range": {"start": position, "end": end}, "newText": ""})
        };
        let started = Instant::now();
        let version = client.change(uri, &[edit]).await;
        client.diagnostics(uri, version).await;
        if round >= warmup {
            latencies.push(started.elapsed());
        }
    }
    latencies.sort();
    latencies
}

fn verdict(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "MISSED"
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark: run bench/lsp/run.sh"]
async fn edit_to_diagnostics_latency_and_memory() {
    let n_edits: usize = std::env::var("AMPLINT_BENCH_EDITS")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(1_000);

    // Latency: a one-character edit on a 200-model schema, until its diagnostics arrive.
    let text = generate::schema(200);
    let (mut child, mut client) = spawn().await;
    client.initialize(None).await;
    client.open(URI, &text).await;
    let opened = client.diagnostics(URI, 1).await;
    // Type into a field name in the middle of the document, then delete it again.
    let anchor = text.find("mantra: a.string()").unwrap() + text.len() / 2;
    let anchor = anchor.min(text.len() - 1);
    let anchor = text[anchor..].find("mantra").unwrap() + anchor + "mantra".len();
    let latencies = typing_latencies(&mut client, URI, anchor, 50, n_edits).await;
    let median = percentile(&latencies, 0.5);
    let p99 = percentile(&latencies, 0.99);
    let pid = child.id().unwrap();
    let rss_200 = status_kib(pid, "VmRSS");
    client.shutdown().await;
    let _ = tokio::time::timeout(Duration::from_secs(10), child.wait()).await;

    // Memory: a 2,000-model document open (and edited once).
    let big = generate::schema(2_000);
    let (mut child, mut client) = spawn().await;
    client.initialize(None).await;
    let started = Instant::now();
    client.open(URI, &big).await;
    client.diagnostics(URI, 1).await;
    let open_2000 = started.elapsed();
    let anchor = big.find("mantra").unwrap() + big.len() / 2;
    let anchor = big[anchor..].find("mantra").unwrap() + anchor;
    let position = client.position(URI, anchor);
    let started = Instant::now();
    let version = client
        .change(
            URI,
            &[json!({"range": {"start": position, "end": position}, "newText": "x"})],
        )
        .await;
    client.diagnostics(URI, version).await;
    let edit_2000 = started.elapsed();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let pid = child.id().unwrap();
    let rss_2000 = status_kib(pid, "VmRSS");
    let peak_2000 = status_kib(pid, "VmHWM");
    client.shutdown().await;
    let _ = tokio::time::timeout(Duration::from_secs(10), child.wait()).await;

    println!(
        "200 models ({} bytes, {} diagnostics): one-character edit -> published diagnostics over stdio, {} edits",
        text.len(),
        opened.len(),
        latencies.len()
    );
    println!(
        "  median {:.2} ms (target 5 ms: {}), p99 {:.2} ms (target 15 ms: {}), min {:.2} ms, max {:.2} ms",
        median.as_secs_f64() * 1e3,
        verdict(median <= MEDIAN_TARGET),
        p99.as_secs_f64() * 1e3,
        verdict(p99 <= P99_TARGET),
        latencies[0].as_secs_f64() * 1e3,
        latencies[latencies.len() - 1].as_secs_f64() * 1e3,
    );
    println!(
        "  resident memory with the 200-model document: {} KiB",
        rss_200
    );
    println!(
        "2,000 models ({} bytes): open -> diagnostics {:.1} ms, one edit -> diagnostics {:.1} ms",
        big.len(),
        open_2000.as_secs_f64() * 1e3,
        edit_2000.as_secs_f64() * 1e3
    );
    println!(
        "  VmRSS {} KiB = {:.1} MiB (target 60 MB: {}), peak VmHWM {} KiB",
        rss_2000,
        rss_2000 as f64 / 1024.0,
        verdict(rss_2000 <= RSS_TARGET_KIB),
        peak_2000
    );
}

/// A schema split over files (`generate::project`: one file per three models and an enum,
/// the entry importing them all): a one-character edit in a model file in the middle, until
/// that file's diagnostics are published. The server checks the whole project again on
/// every edit, reading the files that are not open from disk.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark: run bench/lsp/run.sh"]
async fn project_edit_to_diagnostics_latency() {
    let n_edits: usize = std::env::var("AMPLINT_BENCH_EDITS")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(1_000)
        .min(300);
    for n_models in [60, 200] {
        let files = generate::project(n_models);
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in &files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let uri = |path: &str| format!("file://{}", dir.path().join(path).display());
        let (mut child, mut client) = spawn().await;
        client
            .initialize_in(None, Some(&format!("file://{}", dir.path().display())))
            .await;
        let entry = uri(&files[0].0);
        client.open(&entry, &files[0].1).await;
        client.diagnostics(&entry, 1).await;
        let (middle_path, middle_text) = &files[files.len() / 2];
        let middle = uri(middle_path);
        client.open(&middle, middle_text).await;
        client.diagnostics(&middle, 1).await;
        let anchor = middle_text.find("mantra").unwrap() + "mantra".len();
        let latencies = typing_latencies(&mut client, &middle, anchor, 20, n_edits).await;
        let bytes: usize = files.iter().map(|(_, text)| text.len()).sum();
        println!(
            "project of {n_models} models in {} files ({bytes} bytes): one-character edit in a model file -> its diagnostics, {} edits",
            files.len(),
            latencies.len()
        );
        println!(
            "  median {:.2} ms, p99 {:.2} ms, min {:.2} ms, max {:.2} ms",
            percentile(&latencies, 0.5).as_secs_f64() * 1e3,
            percentile(&latencies, 0.99).as_secs_f64() * 1e3,
            latencies[0].as_secs_f64() * 1e3,
            latencies[latencies.len() - 1].as_secs_f64() * 1e3,
        );
        client.shutdown().await;
        let _ = tokio::time::timeout(Duration::from_secs(10), child.wait()).await;
    }
}

/// Where one edit's time goes, in process: the steps the server runs between receiving
/// a one-character `didChange` and publishing, timed one by one on the same documents.
#[test]
#[ignore = "a profile: run bench/lsp/run.sh"]
fn where_the_time_goes() {
    use amplint_rules::line_index::LineIndex;
    use amplint_rules::model::{extract, extract_after_edit, TextChange};
    use amplint_rules::syntax::parse;
    use amplint_rules::{check_tree, check_tree_after_edit, FileId, Settings, SourceKind};

    /// Time this thread has spent on a CPU (the machine may be shared: wall time
    /// includes waiting for a core, CPU time does not).
    fn thread_cpu_time() -> Duration {
        let schedstat = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap_or_default();
        let nanoseconds = schedstat
            .split_whitespace()
            .next()
            .and_then(|value| value.parse().ok())
            .unwrap_or(0);
        Duration::from_nanos(nanoseconds)
    }
    fn median_ms(mut samples: Vec<Duration>) -> f64 {
        samples.sort();
        samples[samples.len() / 2].as_secs_f64() * 1e3
    }
    /// Median wall and CPU milliseconds of `work`, formatted.
    fn time(rounds: usize, mut work: impl FnMut()) -> String {
        let (wall, cpu): (Vec<Duration>, Vec<Duration>) = (0..rounds)
            .map(|_| {
                let (started, started_cpu) = (Instant::now(), thread_cpu_time());
                work();
                (started.elapsed(), thread_cpu_time() - started_cpu)
            })
            .unzip();
        format!("{:.2} ms (cpu {:.2} ms)", median_ms(wall), median_ms(cpu))
    }

    for n_models in [200, 2_000] {
        let rounds = if n_models == 200 { 200 } else { 10 };
        let text = generate::schema(n_models);
        let kind = SourceKind::TypeScript;
        let settings = Settings::default();
        let tree = parse(kind, &text, None);
        let rope = ropey::Rope::from_str(&text);
        let at = text.len() / 2;
        let edited = format!("{} {}", &text[..at], &text[at..]);
        let to_string = time(rounds, || drop(std::hint::black_box(rope.to_string())));
        let incremental = time(rounds, || {
            let mut old = tree.clone();
            old.edit(&tree_sitter::InputEdit {
                start_byte: at,
                old_end_byte: at,
                new_end_byte: at + 1,
                start_position: tree_sitter::Point::new(0, at),
                old_end_position: tree_sitter::Point::new(0, at),
                new_end_position: tree_sitter::Point::new(0, at + 1),
            });
            drop(std::hint::black_box(parse(kind, &edited, Some(&old))));
        });
        let fresh = time(rounds, || {
            drop(std::hint::black_box(parse(kind, &text, None)))
        });
        let extract_only = time(rounds, || {
            drop(std::hint::black_box(extract(&tree, &text, FileId::MAIN)))
        });
        // The same file with `defineData({ schema, ... })` given a name amplint does not
        // resolve: shows what evaluating the schema constant a second time there costs.
        let unresolved = text.replacen("  schema,\n", "  schema: unresolvedSchema,\n", 1);
        assert_ne!(unresolved, text);
        let unresolved_tree = parse(kind, &unresolved, None);
        let extract_without_define_data_schema = time(rounds, || {
            drop(std::hint::black_box(extract(
                &unresolved_tree,
                &unresolved,
                FileId::MAIN,
            )))
        });
        let check = time(rounds, || {
            drop(std::hint::black_box(check_tree(&text, &tree, &settings)))
        });
        // What the server does per edit since it keeps the model: a letter typed into a
        // field name re-reads that model only. The previous models are made beforehand and
        // the new ones kept until after the timing, as in the server.
        let typed_at = text[at..].find("mantra").unwrap() + at + 3;
        let typed = format!("{}x{}", &text[..typed_at], &text[typed_at..]);
        let typed_tree = parse(kind, &typed, None);
        let change = TextChange::new(typed_at, typed_at, typed_at + 1);
        let model = extract(&tree, &text, FileId::MAIN);
        let mut previous: Vec<_> = (0..rounds).map(|_| model.clone()).collect();
        let mut kept = Vec::with_capacity(rounds);
        let extract_after = time(rounds, || {
            let (model, reused) =
                extract_after_edit(&typed_tree, &typed, previous.pop().unwrap(), change);
            assert!(reused);
            kept.push(model);
        });
        let mut previous: Vec<_> = (0..rounds).map(|_| model.clone()).collect();
        let check_after = time(rounds, || {
            let (result, _) = check_tree_after_edit(
                &typed,
                &typed_tree,
                &settings,
                previous.pop().unwrap(),
                change,
            );
            kept.push(result.model);
        });
        drop(kept);
        let line_index = time(rounds, || drop(std::hint::black_box(LineIndex::new(&text))));
        println!(
            "{n_models} models ({} bytes), median of {rounds}:\n  rope to_string {to_string}\n  \
             incremental parse {incremental}\n  fresh parse {fresh}\n  extract {extract_only}\n  \
             extract when defineData's `schema` is not re-evaluated {extract_without_define_data_schema}\n  \
             check_tree (extract + rules + freeing the model) {check}\n  \
             extract_after_edit (a letter typed into one model) {extract_after}\n  \
             check_tree_after_edit (the same, + rules; the model kept) {check_after}\n  \
             line index {line_index}",
            text.len()
        );
        let without_rules = {
            let mut none = Settings::default();
            for rule in amplint_rules::all_rules() {
                none.rule_severity.insert(rule.meta.name.to_string(), None);
            }
            none
        };
        println!(
            "  check_tree with every rule off {}",
            time(rounds, || drop(std::hint::black_box(check_tree(
                &text,
                &tree,
                &without_rules
            ))))
        );
        for rule in amplint_rules::all_rules() {
            let mut only = without_rules.clone();
            only.rule_severity.remove(rule.meta.name);
            println!(
                "  check_tree with only {} {}",
                rule.meta.name,
                time(rounds, || drop(std::hint::black_box(check_tree(
                    &text, &tree, &only
                ))))
            );
        }
    }
}

/// What a 2,000-model document costs in memory, in process: resident memory after each
/// step (the text, its tree, one check's model at its peak).
#[test]
#[ignore = "a profile: run bench/lsp/run.sh"]
fn where_the_memory_goes() {
    use amplint_rules::syntax::parse;
    use amplint_rules::{check_tree, Settings, SourceKind};

    let pid = std::process::id();
    let rss = || status_kib(pid, "VmRSS");
    let start = rss();
    let text = generate::schema(2_000);
    let rope = ropey::Rope::from_str(&text);
    let with_text = rss();
    let tree = parse(SourceKind::TypeScript, &text, None);
    let with_tree = rss();
    let result = check_tree(&text, &tree, &Settings::default());
    let with_model = rss();
    drop(result);
    let unresolved = text.replacen("  schema,\n", "  schema: unresolvedSchema,\n", 1);
    let unresolved_tree = parse(SourceKind::TypeScript, &unresolved, None);
    let before_unresolved = rss();
    let unresolved_result = check_tree(&unresolved, &unresolved_tree, &Settings::default());
    let with_unresolved_model = rss();
    drop((unresolved_result, unresolved_tree));
    let after_drop = rss();
    println!(
        "2,000 models ({} bytes), resident KiB: start {start}, + text and rope {}, + tree {}, \
         + checked model {} (when defineData's `schema` is not re-evaluated: {}), \
         after dropping the model {} (peak VmHWM {})",
        text.len(),
        with_text - start,
        with_tree - with_text,
        with_model - with_tree,
        with_unresolved_model.saturating_sub(before_unresolved),
        after_drop,
        status_kib(pid, "VmHWM")
    );
    drop((rope, tree));
}
