//! Running the rules over one file, and applying fixes to a fixed point.

use tree_sitter::Tree;

use crate::diagnostic::Diagnostic;
use crate::fix::{apply_edits, Applicability, Edit};
use crate::model::{
    extract, extract_after_edit, extract_project, join_pieces, FileModel, TextChange,
};
use crate::project::{Project, SourceLoader};
use crate::registry::{all_rules, Rule};
use crate::rules::{Context, Shared};
use crate::settings::Settings;
use crate::span::{FileId, Span};
use crate::split;
use crate::syntax::{first_syntax_error, parse, syntax_error_regions, SourceKind};

/// Schemas with at least this many types run the rules on all cores ([`run_rules`]).
const PARALLEL_RULES_TYPES: usize = 64;

/// What checking one file found.
#[derive(Debug)]
pub struct CheckResult {
    pub model: FileModel,
    /// Sorted by position, then rule name.
    pub diagnostics: Vec<Diagnostic>,
    /// The trees of a file parsed in pieces, handed over instead of freed during the
    /// check: freeing them takes a while, and a process about to exit need not
    /// ([`std::mem::forget`] the result).
    trees: Option<split::SplitTrees>,
}

/// Parses and checks one file. A large schema file is parsed in pieces on all cores (see
/// [`crate::split`]) unless it holds suppression comments.
pub fn check(source: &str, kind: SourceKind, settings: &Settings) -> CheckResult {
    check_with_split_threshold(source, kind, settings, split::SPLIT_MIN_BYTES)
}

/// [`check`] with the file size from which parsing is split (tests force small sizes).
pub fn check_with_split_threshold(
    source: &str,
    kind: SourceKind,
    settings: &Settings,
    split_min_bytes: usize,
) -> CheckResult {
    let pieces = (source.len() >= split_min_bytes).then(|| split::pieces_for(source.len()));
    check_in_pieces(source, kind, settings, pieces)
}

/// [`check`] with the file parsed in `pieces` pieces when it can be (`None`: whole).
pub fn check_in_pieces(
    source: &str,
    kind: SourceKind,
    settings: &Settings,
    pieces: Option<usize>,
) -> CheckResult {
    if let Some(pieces) = pieces.filter(|_| !crate::suppression::mentions_marker(source)) {
        let extract_piece = |tree: &Tree| extract(tree, source, FileId::MAIN);
        if let Some((trees, pieces)) = split::parse_pieces_then(kind, source, pieces, extract_piece)
        {
            let model = join_pieces(pieces, trees.cuts.open);
            let mut result = check_model(source, model, None, None, settings);
            result.trees = Some(trees);
            return result;
        }
    }
    let tree = parse(kind, source, None);
    check_tree(source, &tree, settings)
}

/// Checks one file already parsed (the language server keeps its trees).
pub fn check_tree(source: &str, tree: &Tree, settings: &Settings) -> CheckResult {
    check_extracted(source, tree, extract(tree, source, FileId::MAIN), settings)
}

/// [`check_tree`] after an edit, given the model of the text before it (from a check of an
/// error-free parse): the types the edit did not touch are kept instead of read again
/// ([`extract_after_edit`]). The result is [`check_tree`]'s. Also says whether `previous`
/// was reused.
pub fn check_tree_after_edit(
    source: &str,
    tree: &Tree,
    settings: &Settings,
    previous: FileModel,
    change: TextChange,
) -> (CheckResult, bool) {
    let (model, reused) = extract_after_edit(tree, source, previous, change);
    (check_extracted(source, tree, model, settings), reused)
}

fn check_extracted(
    source: &str,
    tree: &Tree,
    model: FileModel,
    settings: &Settings,
) -> CheckResult {
    let syntax_error =
        first_syntax_error(tree).map(|range| Span::new(FileId::MAIN, range.start, range.end));
    let mut result = check_model(source, model, syntax_error, Some(tree), settings);
    if syntax_error.is_some() {
        withhold_fixes_near(&syntax_error_regions(tree), &mut result.diagnostics);
    }
    result
}

/// Drops the fixes whose edits fall in or touch a part of the file that did not parse.
/// The shape tree-sitter recovers there is a guess: an edit placed by it may land somewhere
/// else than the diagnostic says, and re-checking after it can find the same problem again
/// (adding `.required()` forever). The diagnostics stay; only the edits go.
fn withhold_fixes_near(regions: &[std::ops::Range<usize>], diagnostics: &mut [Diagnostic]) {
    if regions.is_empty() {
        return;
    }
    let touches = |edit: &Edit| {
        regions
            .iter()
            .any(|region| edit.span.start <= region.end && region.start <= edit.span.end)
    };
    for diagnostic in diagnostics {
        if diagnostic
            .fix
            .as_ref()
            .is_some_and(|fix| fix.edits.iter().any(touches))
        {
            diagnostic.fix = None;
        }
    }
}

/// Checks a project: its entry file with everything it imports from other files. The
/// model's and the diagnostics' spans are in the project's offset space
/// ([`crate::project`]); [`Project::local`] maps them back to each file. A project of one
/// file is checked exactly as [`check`] checks it.
pub fn check_project(project: &Project, settings: &Settings) -> CheckResult {
    let entry = project.entry();
    if project.is_single_file() {
        return check_tree(&project.text, &entry.tree, settings);
    }
    let scopes = crate::value::ProjectScopes::new(project);
    let model = extract_project(&scopes);
    let syntax_error = first_syntax_error(&entry.tree)
        .map(|range| Span::new(FileId::MAIN, range.start, range.end));
    let mut result = check_model(&project.text, model, syntax_error, None, settings);
    apply_suppressions_per_file(project, settings, &mut result.diagnostics);
    if syntax_error.is_some() {
        withhold_fixes_near(&syntax_error_regions(&entry.tree), &mut result.diagnostics);
    }
    result
}

/// Suppression comments of each file apply to the diagnostics in that file. The
/// suppression code reads one file's text, so each file's diagnostics are moved to its
/// own offsets for the call and back after it.
fn apply_suppressions_per_file(
    project: &Project,
    settings: &Settings,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut kept = Vec::with_capacity(diagnostics.len());
    let mut by_file: Vec<Vec<Diagnostic>> = project.files.iter().map(|_| Vec::new()).collect();
    for diagnostic in diagnostics.drain(..) {
        match by_file.get_mut(diagnostic.span.file.0 as usize) {
            Some(list) => list.push(diagnostic),
            None => kept.push(diagnostic),
        }
    }
    for (file, mut list) in project.files.iter().zip(by_file) {
        let source = project.source(file.id);
        if !crate::suppression::mentions_marker(source) {
            kept.append(&mut list);
            continue;
        }
        for diagnostic in &mut list {
            diagnostic.span = Span::new(
                FileId::MAIN,
                diagnostic.span.start.saturating_sub(file.base),
                diagnostic.span.end.saturating_sub(file.base),
            );
        }
        crate::rules::suppressions::unused_suppression::apply(
            source, &file.tree, settings, &mut list,
        );
        let moved = |span: &mut Span| {
            *span = Span::new(file.id, span.start + file.base, span.end + file.base);
        };
        for mut diagnostic in list {
            if diagnostic.rule
                == crate::rules::suppressions::unused_suppression::UNUSED_SUPPRESSION.name
            {
                // Made by the call, in the file's own offsets throughout.
                diagnostic
                    .labels
                    .iter_mut()
                    .for_each(|label| moved(&mut label.span));
                if let Some(fix) = &mut diagnostic.fix {
                    fix.edits.iter_mut().for_each(|edit| moved(&mut edit.span));
                }
            }
            moved(&mut diagnostic.span);
            kept.push(diagnostic);
        }
    }
    kept.sort_by(|a, b| {
        (a.span.file, a.span.start, a.span.end, a.rule).cmp(&(
            b.span.file,
            b.span.start,
            b.span.end,
            b.rule,
        ))
    });
    *diagnostics = kept;
}

/// Runs the rules over an extracted model; `tree` is needed for suppression comments.
fn check_model(
    source: &str,
    model: FileModel,
    syntax_error: Option<Span>,
    tree: Option<&Tree>,
    settings: &Settings,
) -> CheckResult {
    let n_types: usize = model.schemas.iter().map(|schema| schema.types.len()).sum();
    let parallel = n_types >= PARALLEL_RULES_TYPES;
    let mut diagnostics = run_rules(source, &model, syntax_error, settings, parallel);
    // Suppression comments apply after every rule ran; `unused-suppression` reports the
    // ones that covered nothing (and cannot itself be suppressed).
    if let Some(tree) = tree {
        crate::rules::suppressions::unused_suppression::apply(
            source,
            tree,
            settings,
            &mut diagnostics,
        );
    }
    diagnostics.sort_by(|a, b| {
        (a.span.start, a.span.end, a.rule).cmp(&(b.span.start, b.span.end, b.rule))
    });
    diagnostics.dedup_by(|a, b| a.rule == b.rule && a.span == b.span && a.message == b.message);
    CheckResult {
        model,
        diagnostics,
        trees: None,
    }
}

/// The diagnostics of every enabled rule over `model`, in the catalog order of the rules;
/// `parallel`: the rules on all cores. Public for tests only (a check chooses by the size
/// of the schema).
#[doc(hidden)]
pub fn run_rules(
    source: &str,
    model: &FileModel,
    syntax_error: Option<Span>,
    settings: &Settings,
    parallel: bool,
) -> Vec<Diagnostic> {
    let shared = Shared::default();
    let run = |rules: &[Rule]| {
        let mut context = Context::new(model, source, settings, &shared);
        context.syntax_error = syntax_error;
        for rule in rules {
            let Some(severity) = settings.severity_of(rule.meta.name, rule.meta.severity) else {
                continue;
            };
            let before = context.len();
            (rule.check)(&mut context);
            // A configured severity overrides; otherwise each diagnostic keeps its own (a rule
            // may report some findings below its default, e.g. `.to([])` as a warning).
            if severity != rule.meta.severity {
                context.set_severity_from(before, severity);
            }
        }
        context.into_diagnostics()
    };
    let rules = all_rules();
    if !parallel {
        return run(rules);
    }
    // One task per rule (their costs differ tenfold, so fixed halves left one core waiting
    // for the other), the costliest handed out first: a thread that picks up a costly rule
    // last keeps the others waiting for it (the rules phase of a 200-model check, median of
    // 200 runs: 1.53 -> 1.33 ms).
    let slots: Vec<std::sync::OnceLock<Vec<Diagnostic>>> =
        rules.iter().map(|_| std::sync::OnceLock::new()).collect();
    rayon::in_place_scope_fifo(|scope| {
        for index in costliest_first(rules) {
            let (rule, slot, run) = (&rules[index], &slots[index], &run);
            scope.spawn_fifo(move |_| {
                let _ = slot.set(run(std::slice::from_ref(rule)));
            });
        }
    });
    slots
        .into_iter()
        .flat_map(|slot| slot.into_inner().unwrap_or_default())
        .collect()
}

/// The rules that take longest on a large schema, costliest first (a 200-model schema,
/// 1.6 ms for every rule on one thread: `name-collision` 0.45 ms, `relational-auth-redaction`
/// 0.2, `swapped-reference-names` and `ambiguous-relation` 0.12 each; no other over 0.06).
const COSTLIEST_RULES: [&str; 4] = [
    "name-collision",
    "relational-auth-redaction",
    "swapped-reference-names",
    "ambiguous-relation",
];

/// Indices into `rules`: [`COSTLIEST_RULES`] first, in their order, then the others in
/// catalog order.
fn costliest_first(rules: &[Rule]) -> Vec<usize> {
    let cost_rank = |rule: &Rule| {
        COSTLIEST_RULES
            .iter()
            .position(|name| *name == rule.meta.name)
            .unwrap_or(COSTLIEST_RULES.len())
    };
    let mut order: Vec<usize> = (0..rules.len()).collect();
    order.sort_by_key(|&index| cost_rank(&rules[index]));
    order
}

/// The outcome of [`fix_all`].
#[derive(Debug)]
pub struct FixAllResult {
    /// The fixed text (the original when nothing applied or a fix broke the syntax).
    pub text: String,
    /// How many fixes were applied, over all rounds.
    pub applied: usize,
    /// How many check-and-fix rounds ran.
    pub rounds: usize,
    /// False when the round limit was reached with fixes still applicable.
    pub converged: bool,
    /// True when the fixes would have produced text that no longer parses; then nothing
    /// is applied.
    pub rejected_syntax_error: bool,
    /// The diagnostics of the final text.
    pub remaining: Vec<Diagnostic>,
}

/// How many rounds [`fix_all`] runs before giving up on convergence.
pub const MAX_FIX_ROUNDS: usize = 10;

/// Applies every fix at least as trusted as `minimum` (in this file), re-checks, and
/// repeats until nothing changes. Fixes are applied whole or not at all; a fix whose edits
/// overlap an earlier one waits for the next round.
pub fn fix_all(
    source: &str,
    kind: SourceKind,
    settings: &Settings,
    minimum: Applicability,
) -> FixAllResult {
    let mut text = source.to_string();
    let mut applied = 0;
    let mut rounds = 0;
    let converged = loop {
        let result = check(&text, kind, settings);
        if rounds == MAX_FIX_ROUNDS {
            break false;
        }
        let (accepted, n_fixes) =
            select_fixes(&result.diagnostics, minimum, |file| file == FileId::MAIN);
        if n_fixes == 0 {
            break true;
        }
        let (next, _) = apply_edits(&text, &accepted);
        if next == text {
            break true;
        }
        text = next;
        applied += n_fixes;
        rounds += 1;
    };
    let introduced_syntax_error = applied > 0
        && parse(kind, &text, None).root_node().has_error()
        && !parse(kind, source, None).root_node().has_error();
    if introduced_syntax_error {
        text = source.to_string();
        applied = 0;
    }
    let remaining = check(&text, kind, settings).diagnostics;
    FixAllResult {
        text,
        applied,
        rounds,
        converged,
        rejected_syntax_error: introduced_syntax_error,
        remaining,
    }
}

/// The fixes one round applies: every fix at least as trusted as `minimum` whose edits
/// are all in files `editable` allows and touch no edit taken before it. Returns the
/// edits and how many fixes they make.
fn select_fixes(
    diagnostics: &[Diagnostic],
    minimum: Applicability,
    editable: impl Fn(FileId) -> bool,
) -> (Vec<&Edit>, usize) {
    let mut accepted: Vec<&Edit> = Vec::new();
    let mut n_fixes = 0;
    for diagnostic in diagnostics {
        let Some(fix) = &diagnostic.fix else { continue };
        if fix.applicability < minimum
            || fix.applicability == Applicability::DisplayOnly
            || fix.edits.is_empty()
            || !fix.edits.iter().all(|edit| editable(edit.span.file))
        {
            continue;
        }
        let overlaps = fix
            .edits
            .iter()
            .any(|edit| accepted.iter().any(|taken| overlap(taken.span, edit.span)));
        if overlaps {
            continue;
        }
        accepted.extend(fix.edits.iter());
        n_fixes += 1;
    }
    (accepted, n_fixes)
}

/// The outcome of [`fix_project`].
pub struct ProjectFixResult {
    /// The project as fixed (its files hold the fixed texts).
    pub project: Project,
    /// The diagnostics of the fixed project.
    pub remaining: Vec<Diagnostic>,
    /// The files the fixes changed, with their original texts.
    pub changed: Vec<(FileId, String)>,
    pub applied: usize,
    pub converged: bool,
    /// True when the fixes would leave a file that parsed unparsable; then nothing is
    /// applied.
    pub rejected_syntax_error: bool,
}

/// Texts being fixed, in front of the loader that supplies the originals.
struct Overlay<'l> {
    texts: std::sync::Mutex<rustc_hash::FxHashMap<std::path::PathBuf, String>>,
    originals: std::sync::Mutex<rustc_hash::FxHashMap<std::path::PathBuf, String>>,
    inner: &'l dyn SourceLoader,
}

impl SourceLoader for Overlay<'_> {
    fn load(&self, path: &std::path::Path) -> Option<String> {
        let texts = self
            .texts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(text) = texts.get(path) {
            return Some(text.clone());
        }
        drop(texts);
        let text = self.inner.load(path)?;
        self.originals
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .entry(path.to_path_buf())
            .or_insert_with(|| text.clone());
        Some(text)
    }
}

/// [`fix_all`] for a project: fixes in every file of it, applied round by round to a fixed
/// point, never leaving a file that parsed unparsable.
pub fn fix_project(
    entry: &std::path::Path,
    entry_text: &str,
    loader: &dyn SourceLoader,
    settings: &Settings,
    minimum: Applicability,
) -> ProjectFixResult {
    let entry = crate::project::normalize(entry);
    let overlay = Overlay {
        texts: Default::default(),
        originals: Default::default(),
        inner: loader,
    };
    let entry_now = |overlay: &Overlay| {
        overlay
            .texts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&entry)
            .cloned()
            .unwrap_or_else(|| entry_text.to_string())
    };
    let mut applied = 0;
    let mut rounds = 0;
    let (project, result, converged) = loop {
        let project = Project::load(&entry, &entry_now(&overlay), &overlay);
        let result = check_project(&project, settings);
        if rounds == MAX_FIX_ROUNDS {
            break (project, result, false);
        }
        let (accepted, n_fixes) = select_fixes(&result.diagnostics, minimum, |file| {
            project.file(file).is_some()
        });
        let mut changed_any = false;
        for file in &project.files {
            let edits: Vec<Edit> = accepted
                .iter()
                .filter(|edit| edit.span.file == file.id)
                .map(|edit| {
                    let range = project.local(edit.span);
                    Edit::replace(
                        Span::new(file.id, range.start, range.end),
                        edit.text.clone(),
                    )
                })
                .collect();
            if edits.is_empty() {
                continue;
            }
            let text = project.source(file.id);
            let (next, _) = apply_edits(text, &edits.iter().collect::<Vec<_>>());
            if next != text {
                changed_any = true;
                overlay
                    .texts
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .insert(file.path.clone(), next);
            }
        }
        if n_fixes == 0 || !changed_any {
            break (project, result, true);
        }
        applied += n_fixes;
        rounds += 1;
    };
    let original = |file: &crate::project::SourceFile| -> String {
        if file.id == FileId::MAIN {
            return entry_text.to_string();
        }
        overlay
            .originals
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&file.path)
            .cloned()
            .unwrap_or_default()
    };
    let changed: Vec<(FileId, String)> = project
        .files
        .iter()
        .map(|file| (file.id, original(file)))
        .filter(|(id, original)| project.source(*id) != original)
        .collect();
    let broke_syntax = changed.iter().any(|(id, original)| {
        let file = &project.files[id.0 as usize];
        file.tree.root_node().has_error()
            && !parse(file.kind, original, None).root_node().has_error()
    });
    if broke_syntax {
        let project = Project::load(&entry, entry_text, loader);
        let remaining = check_project(&project, settings).diagnostics;
        return ProjectFixResult {
            project,
            remaining,
            changed: Vec::new(),
            applied: 0,
            converged,
            rejected_syntax_error: true,
        };
    }
    ProjectFixResult {
        project,
        remaining: result.diagnostics,
        changed,
        applied,
        converged,
        rejected_syntax_error: false,
    }
}

/// Whether two edits touch: overlapping ranges, or two insertions at the same point.
fn overlap(a: Span, b: Span) -> bool {
    a.file == b.file && a.start < b.end.max(b.start + 1) && b.start < a.end.max(a.start + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_costliest_rules_exist_and_go_first() {
        let rules = all_rules();
        let order = costliest_first(rules);
        let names: Vec<&str> = order.iter().map(|&index| rules[index].meta.name).collect();
        assert_eq!(names[..COSTLIEST_RULES.len()], COSTLIEST_RULES);
        let mut sorted = order.clone();
        sorted.sort_unstable();
        assert_eq!(
            sorted,
            (0..rules.len()).collect::<Vec<_>>(),
            "each rule once"
        );
    }
}
