//! A small evaluator from TypeScript expressions to [`Value`]s: literals, arrays, objects,
//! builder chains (`a.string().required()`) and callbacks, with same-file constants
//! resolved. Whatever it cannot see through becomes [`Value::Unknown`], so the rules can
//! stay silent instead of guessing.

use std::sync::{Arc, OnceLock};

use rustc_hash::{FxHashMap, FxHashSet};
use tree_sitter::{Node, Tree};

use crate::project::Project;
use crate::span::{FileId, Span, Spanned};
use crate::syntax::{named_children, node_text, Fields};

/// How deep the evaluator follows nested expressions before giving up (deeper input is
/// [`Value::Unknown`]); keeps pathological nesting from exhausting the stack.
const MAX_DEPTH: usize = 200;

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    String(Spanned<String>),
    Number { raw: String, span: Span },
    Bool { value: bool, span: Span },
    Null(Span),
    Undefined(Span),
    Array(ArrayValue),
    Object(ObjectValue),
    Chain(Chain),
    Function(FunctionValue),
    Unknown { span: Span, reason: Unknown },
}

/// Why a value could not be known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unknown {
    /// Bound by an import from another module.
    Imported { module: String },
    /// A spread of something that is not a same-file object or array.
    Spread,
    /// A computed key or template string with substitutions.
    Computed,
    /// Any other expression (a function call, arithmetic, ...).
    Expression,
    /// A constant defined in terms of itself.
    Cycle,
    /// Nesting deeper than the evaluator follows.
    TooDeep,
    /// Deliberately not evaluated (the `schema` passed to `defineData`, which the
    /// extractor reads from its `a.schema(...)` call instead of evaluating it twice).
    NotEvaluated,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ArrayValue {
    pub items: Vec<Value>,
    /// False when a spread or hole could not be resolved.
    pub complete: bool,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ObjectValue {
    pub entries: Vec<Entry>,
    /// False when a spread or computed key could not be resolved.
    pub complete: bool,
    pub span: Span,
}

impl ObjectValue {
    /// The last entry named `key` (the one JavaScript keeps).
    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().rev().find(|entry| entry.key == key)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: String,
    /// The key as written: an identifier, a quoted string (with its quotes), or a
    /// computed key (with its brackets).
    pub key_span: Span,
    /// The key's name inside quotes or brackets-resolved text; equals `key_span` for a
    /// plain identifier.
    pub key_kind: KeyKind,
    pub value: Value,
    /// The whole `key: value` pair.
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyKind {
    Identifier,
    /// `'Post': ...`
    Quoted,
    /// `[MODELS.Post]: ...`
    Computed,
    /// `{ Post }`
    Shorthand,
    /// Brought in by `...spread`.
    Spread,
}

/// `root.name(args).name(args)...`, e.g. `a.string().required()` or
/// `allow.owner().to(['read'])` or `index('email').sortKeys(['createdAt'])`.
#[derive(Clone, Debug, PartialEq)]
pub struct Chain {
    pub root: Spanned<String>,
    /// Arguments when the root itself is called (`index('email')`).
    pub root_args: Option<Args>,
    pub calls: Vec<Call>,
    pub span: Span,
}

impl Chain {
    /// The first call, e.g. `model` in `a.model({...}).identifier([...])`.
    pub fn head(&self) -> Option<&Call> {
        self.calls.first()
    }

    /// The calls after the head: the modifiers.
    pub fn modifiers(&self) -> &[Call] {
        self.calls.get(1..).unwrap_or(&[])
    }

    /// The last call named `name`.
    pub fn find(&self, name: &str) -> Option<&Call> {
        self.calls.iter().rev().find(|call| call.name.value == name)
    }

    pub fn is_builder(&self, builder_names: &FxHashSet<String>) -> bool {
        builder_names.contains(&self.root.value)
    }

    /// The head of a chain that is a plain builder call (`a.string(...)...`): rooted at the
    /// builder, the root not called itself, the head not indexed. `None` otherwise.
    pub fn builder_head(&self, builder_names: &FxHashSet<String>) -> Option<&Call> {
        if !self.is_builder(builder_names) || self.root_args.is_some() {
            return None;
        }
        self.head().filter(|head| head.index.is_none())
    }
}

/// One `.name(args)` link of a chain.
#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    pub name: Spanned<String>,
    /// `None` for a bare property access (`.allow`, or `.to` in `.to[...]`).
    pub args: Option<Args>,
    /// `Some` for an index access after the name (`.to['read']`).
    pub index: Option<Box<Value>>,
    /// From the name to the closing parenthesis or bracket.
    pub span: Span,
    /// From the end of what precedes the dot to the end of the call: deleting it removes
    /// the call cleanly (`a.string()⟨.required()⟩`).
    pub tail_span: Span,
}

impl Call {
    /// The `n`th argument.
    pub fn arg(&self, n: usize) -> Option<&Value> {
        self.args.as_ref()?.items.get(n)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Args {
    pub items: Vec<Value>,
    /// Including the parentheses.
    pub span: Span,
    /// False when a spread argument could not be resolved.
    pub complete: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FunctionValue {
    pub params: Vec<Spanned<String>>,
    /// What the function returns: its expression body, or the first top-level `return`.
    pub body: Box<Value>,
    pub span: Span,
}

impl Value {
    pub fn span(&self) -> Span {
        match self {
            Value::String(spanned) => spanned.span,
            Value::Number { span, .. }
            | Value::Bool { span, .. }
            | Value::Null(span)
            | Value::Undefined(span)
            | Value::Unknown { span, .. } => *span,
            Value::Array(array) => array.span,
            Value::Object(object) => object.span,
            Value::Chain(chain) => chain.span,
            Value::Function(function) => function.span,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(spanned) => Some(&spanned.value),
            _ => None,
        }
    }

    pub fn as_string(&self) -> Option<&Spanned<String>> {
        match self {
            Value::String(spanned) => Some(spanned),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&ArrayValue> {
        match self {
            Value::Array(array) => Some(array),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&ObjectValue> {
        match self {
            Value::Object(object) => Some(object),
            _ => None,
        }
    }

    pub fn as_chain(&self) -> Option<&Chain> {
        match self {
            Value::Chain(chain) => Some(chain),
            _ => None,
        }
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Value::Unknown { .. })
    }

    /// The strings of an array of string literals; `None` when it is not an array or any
    /// item is not a known string.
    pub fn string_list(&self) -> Option<Vec<Spanned<String>>> {
        let array = self.as_array()?;
        if !array.complete {
            return None;
        }
        array
            .items
            .iter()
            .map(|item| item.as_string().cloned())
            .collect()
    }
}

/// Objects at least this large (in bytes of source) are evaluated on two threads.
const PARALLEL_OBJECT_BYTES: usize = 32 * 1024;

/// The members of an object literal read so far.
struct Members {
    entries: Vec<Entry>,
    complete: bool,
}

impl Members {
    fn with_capacity(capacity: usize) -> Members {
        Members {
            entries: Vec::with_capacity(capacity),
            complete: true,
        }
    }
}

/// What a top-level name in the file is bound to.
#[derive(Clone, Copy, Debug)]
enum Binding<'tree> {
    /// `const NAME = <node>` (also `let`, `var`, `export const`).
    Constant(Node<'tree>),
    /// `import { imported as NAME } from '<module>'` and friends; `source` is the module
    /// string.
    Import {
        source: Node<'tree>,
        imported: Imported<'tree>,
    },
}

/// Which export of a module an import or re-export names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Imported<'tree> {
    /// `{ name }` or `{ name as local }`.
    Named(&'tree str),
    /// `import local from`.
    Default,
    /// `import * as local from`.
    Namespace,
}

/// What a module exports under one name.
#[derive(Clone, Copy, Debug)]
enum Export<'tree> {
    /// `export const NAME = <node>`, `export default <node>`: evaluated in the module.
    Value(Node<'tree>),
    /// `export { local as NAME }`: the module's own binding `local`.
    Local(&'tree str),
    /// `export { imported as NAME } from '<source>'`, `export * as NAME from '<source>'`.
    From {
        source: Node<'tree>,
        imported: Imported<'tree>,
    },
}

/// The top-level names of one file: what it binds and what it exports.
#[derive(Debug, Default)]
struct FileScope<'tree> {
    bindings: FxHashMap<&'tree str, Binding<'tree>>,
    builder_names: FxHashSet<String>,
    exports: FxHashMap<&'tree str, Export<'tree>>,
    /// The sources of `export * from '<source>'`, in order.
    star_exports: Vec<Node<'tree>>,
}

/// A grammar's field ids and node-kind names.
type Grammar = (Fields, &'static [&'static str]);

/// The files of a [`Project`], each file's [`FileScope`] collected once (on first use) and
/// shared by every evaluator that reads the file.
pub struct ProjectScopes<'a> {
    project: &'a Project,
    scopes: Vec<OnceLock<Arc<FileScope<'a>>>>,
    /// Per file: which file each name that only `export * from` brings comes from.
    star_exports: Vec<OnceLock<Arc<FxHashMap<String, FileId>>>>,
    /// Per grammar (TypeScript, TSX): its field ids and node kind names.
    grammars: [OnceLock<Grammar>; 2],
}

impl<'a> ProjectScopes<'a> {
    pub fn new(project: &'a Project) -> ProjectScopes<'a> {
        ProjectScopes {
            project,
            scopes: project.files.iter().map(|_| OnceLock::new()).collect(),
            star_exports: project.files.iter().map(|_| OnceLock::new()).collect(),
            grammars: [OnceLock::new(), OnceLock::new()],
        }
    }

    fn grammar(&self, kind: crate::syntax::SourceKind) -> &Grammar {
        let slot = match kind {
            crate::syntax::SourceKind::TypeScript => &self.grammars[0],
            crate::syntax::SourceKind::Tsx => &self.grammars[1],
        };
        slot.get_or_init(|| (Fields::of(&kind.language()), kind.kind_names()))
    }

    /// The file that `export * from` makes `file` export `name` from, when any does
    /// (looked up in a table built once per file, so a barrel of thousands of models
    /// costs one pass, not one per name).
    fn star_export(&'a self, file: FileId, name: &str) -> Option<FileId> {
        self.star_table(file, &mut Vec::new()).get(name).copied()
    }

    fn star_table(
        &'a self,
        file: FileId,
        visiting: &mut Vec<FileId>,
    ) -> Arc<FxHashMap<String, FileId>> {
        let slot = &self.star_exports[file.0 as usize];
        if let Some(table) = slot.get() {
            return table.clone();
        }
        if visiting.contains(&file) {
            // A cycle of `export *`: what the outer level finds is enough.
            return Arc::default();
        }
        visiting.push(file);
        let mut table: FxHashMap<String, FileId> = FxHashMap::default();
        if let Some(evaluator) = self.evaluator(file) {
            for &source in &evaluator.scope.star_exports {
                let Some(target) = evaluator.module_file(unquote_str(evaluator.text(source)))
                else {
                    continue;
                };
                let Some(target_evaluator) = self.evaluator(target) else {
                    continue;
                };
                for name in target_evaluator.scope.exports.keys() {
                    if *name != "default" {
                        table.entry((*name).to_string()).or_insert(target);
                    }
                }
                for name in self.star_table(target, visiting).keys() {
                    table.entry(name.clone()).or_insert(target);
                }
            }
        }
        visiting.pop();
        let table = Arc::new(table);
        // Another thread may have built it meanwhile: either is the same table.
        let _ = slot.set(table.clone());
        table
    }

    pub fn project(&self) -> &'a Project {
        self.project
    }

    /// An evaluator for one file of the project.
    pub fn evaluator(&'a self, file: FileId) -> Option<Evaluator<'a>> {
        let source_file = self.project.file(file)?;
        let source = self.project.text.get(source_file.range())?;
        let tree = &source_file.tree;
        let (fields, kind_names) = self.grammar(source_file.kind);
        let mut evaluator = Evaluator::bare_with(source, file, *fields, kind_names);
        evaluator.base = source_file.base;
        evaluator.project = Some(self);
        let scope = self.scopes[file.0 as usize]
            .get_or_init(|| Arc::new(evaluator.collect_scope(tree.root_node())))
            .clone();
        evaluator.set_scope(scope);
        Some(evaluator)
    }
}

/// How many imports deep one evaluation follows (a re-export chain through barrels is
/// rarely more than three).
const MAX_IMPORT_DEPTH: usize = 32;

/// Evaluates expressions of one parsed file.
#[derive(Clone)]
pub struct Evaluator<'a> {
    source: &'a str,
    file: FileId,
    /// Where this file starts in the project's offset space (0 for a single file).
    base: usize,
    scope: Arc<FileScope<'a>>,
    /// The project's files, when imports can be followed.
    project: Option<&'a ProjectScopes<'a>>,
    /// The exports being resolved, outermost first (`(file, name)`): a re-export cycle
    /// becomes [`Unknown::Cycle`].
    importing: Vec<(FileId, &'a str)>,
    /// Names that stand for the Amplify builder `a` in this file.
    pub builder_names: FxHashSet<String>,
    /// Names bound by the enclosing callbacks being evaluated (e.g. `allow`): they are
    /// chain roots, never constants.
    parameters: Vec<String>,
    resolving: FxHashSet<&'a str>,
    depth: usize,
    pub(crate) fields: Fields,
    /// Keys whose values the next object evaluated leaves unevaluated
    /// ([`Unknown::NotEvaluated`]); applies to that one object only.
    skip_keys: &'static [&'static str],
    kind_names: &'static [&'static str],
}

/// Modules that export Amplify's schema builder `a`.
const BUILDER_MODULES: &[&str] = &["@aws-amplify/backend", "@aws-amplify/data-schema"];

impl<'a> Evaluator<'a> {
    pub fn new(tree: &'a Tree, source: &'a str, file: FileId) -> Evaluator<'a> {
        let mut evaluator = Evaluator::bare(tree, source, file);
        let scope = evaluator.collect_scope(tree.root_node());
        evaluator.set_scope(Arc::new(scope));
        evaluator
    }

    /// An evaluator that knows no names yet.
    fn bare(tree: &'a Tree, source: &'a str, file: FileId) -> Evaluator<'a> {
        let language = tree.language();
        Evaluator::bare_with(
            source,
            file,
            Fields::of(&language),
            crate::syntax::SourceKind::of_language(&language).kind_names(),
        )
    }

    fn bare_with(
        source: &'a str,
        file: FileId,
        fields: Fields,
        kind_names: &'static [&'static str],
    ) -> Evaluator<'a> {
        Evaluator {
            source,
            file,
            base: 0,
            scope: Arc::default(),
            project: None,
            importing: Vec::new(),
            builder_names: FxHashSet::default(),
            parameters: Vec::new(),
            resolving: FxHashSet::default(),
            depth: 0,
            fields,
            skip_keys: &[],
            kind_names,
        }
    }

    fn set_scope(&mut self, scope: Arc<FileScope<'a>>) {
        self.builder_names = scope.builder_names.clone();
        if self.builder_names.is_empty() {
            self.builder_names.insert("a".to_string());
        }
        self.scope = scope;
    }

    /// A node's kind, from a table built once: `Node::kind` measures and validates the
    /// grammar's C string on every call.
    pub fn kind(&self, node: Node<'_>) -> &'static str {
        self.kind_names
            .get(usize::from(node.kind_id()))
            .copied()
            .unwrap_or("")
    }

    /// The first child that is an expression (not a comment or a type).
    fn first_expression_child<'n>(&self, node: Node<'n>) -> Option<Node<'n>> {
        let child = named_children(node).find(|child| {
            !matches!(
                self.kind(*child),
                "comment"
                    | "type_annotation"
                    | "type_arguments"
                    | "predefined_type"
                    | "type_identifier"
            )
        });
        child
    }

    pub fn span(&self, node: Node<'_>) -> Span {
        Span::new(
            self.file,
            self.base + node.start_byte(),
            self.base + node.end_byte(),
        )
    }

    /// A span from `start` (already in the project's offset space) to the end of `node`.
    fn span_to_end_of(&self, start: usize, node: Node<'_>) -> Span {
        Span::new(self.file, start, self.base + node.end_byte())
    }

    pub fn text(&self, node: Node<'_>) -> &'a str {
        node_text(node, self.source)
    }

    /// Whether `name` is a same-file constant.
    pub fn is_constant(&self, name: &str) -> bool {
        matches!(self.scope.bindings.get(name), Some(Binding::Constant(_)))
    }

    /// The file's top-level bindings and exports.
    fn collect_scope(&self, program: Node<'a>) -> FileScope<'a> {
        let mut scope = FileScope::default();
        for statement in named_children(program) {
            let declaration = match self.kind(statement) {
                "export_statement" => {
                    self.collect_export(statement, &mut scope);
                    match statement.child_by_field_id(self.fields.declaration) {
                        Some(declaration) => declaration,
                        None => continue,
                    }
                }
                "import_statement" => {
                    self.collect_import(statement, &mut scope);
                    continue;
                }
                _ => statement,
            };
            if !matches!(
                self.kind(declaration),
                "lexical_declaration" | "variable_declaration"
            ) {
                continue;
            }
            let exported = statement.id() != declaration.id();
            for declarator in named_children(declaration) {
                if self.kind(declarator) != "variable_declarator" {
                    continue;
                }
                let (Some(name), Some(value)) = (
                    declarator.child_by_field_id(self.fields.name),
                    declarator.child_by_field_id(self.fields.value),
                ) else {
                    continue;
                };
                if self.kind(name) == "identifier" {
                    let name = self.text(name);
                    scope.bindings.insert(name, Binding::Constant(value));
                    if exported {
                        scope.exports.insert(name, Export::Value(value));
                    }
                }
            }
        }
        scope
    }

    fn collect_import(&self, statement: Node<'a>, scope: &mut FileScope<'a>) {
        let Some(source) = statement.child_by_field_id(self.fields.source) else {
            return;
        };
        let module = unquote(self.text(source));
        let from_builder_module = BUILDER_MODULES.contains(&module.as_str());
        let mut stack = vec![statement];
        while let Some(node) = stack.pop() {
            match self.kind(node) {
                "import_specifier" => {
                    let imported = node
                        .child_by_field_id(self.fields.name)
                        .map(|name| unquote_str(self.text(name)));
                    let local = node
                        .child_by_field_id(self.fields.alias)
                        .map(|alias| self.text(alias));
                    if let (Some(local), Some(imported)) = (local.or(imported), imported) {
                        if from_builder_module && imported == "a" {
                            scope.builder_names.insert(local.to_string());
                        } else {
                            let imported = Imported::Named(imported);
                            scope
                                .bindings
                                .insert(local, Binding::Import { source, imported });
                        }
                    }
                }
                "identifier" => {
                    let imported = match node.parent().map(|parent| self.kind(parent)) {
                        Some("namespace_import") => Imported::Namespace,
                        _ => Imported::Default,
                    };
                    scope
                        .bindings
                        .insert(self.text(node), Binding::Import { source, imported });
                }
                "string" => {}
                _ => {
                    stack.extend(named_children(node));
                }
            }
        }
    }

    /// `export default`, `export { a as b }`, `export ... from`, `export * from`.
    fn collect_export(&self, statement: Node<'a>, scope: &mut FileScope<'a>) {
        if let Some(value) = statement.child_by_field_id(self.fields.value) {
            scope.exports.insert("default", Export::Value(value));
            return;
        }
        let source = statement.child_by_field_id(self.fields.source);
        let mut clause = None;
        for child in named_children(statement) {
            match self.kind(child) {
                "export_clause" => clause = Some(child),
                "namespace_export" => {
                    let name = named_children(child).next();
                    if let (Some(name), Some(source)) = (name, source) {
                        let imported = Imported::Namespace;
                        scope.exports.insert(
                            unquote_str(self.text(name)),
                            Export::From { source, imported },
                        );
                    }
                    return;
                }
                _ => {}
            }
        }
        let Some(clause) = clause else {
            // `export * from '<source>'`
            if let Some(source) = source {
                if statement
                    .child_by_field_id(self.fields.declaration)
                    .is_none()
                {
                    scope.star_exports.push(source);
                }
            }
            return;
        };
        for specifier in named_children(clause) {
            if self.kind(specifier) != "export_specifier" {
                continue;
            }
            let Some(name) = specifier.child_by_field_id(self.fields.name) else {
                continue;
            };
            let name = unquote_str(self.text(name));
            let exported = specifier
                .child_by_field_id(self.fields.alias)
                .map_or(name, |alias| unquote_str(self.text(alias)));
            let export = match source {
                Some(source) => Export::From {
                    source,
                    imported: if name == "default" {
                        Imported::Default
                    } else {
                        Imported::Named(name)
                    },
                },
                None => Export::Local(name),
            };
            scope.exports.insert(exported, export);
        }
    }

    /// The children of a `member_expression`, `subscript_expression`, `call_expression` or
    /// `pair` in its two fields `first` and `second` (`object` and `property`, ...).
    ///
    /// When such a node is free of errors and has exactly two named children, those are
    /// the two fields, in order (a comment, type arguments or an optional chain would make
    /// more): reading them by position is cheaper than `Node::child_by_field_id`, which
    /// walks the children once per field.
    fn two_fields(
        &self,
        node: Node<'a>,
        first: u16,
        second: u16,
    ) -> (Option<Node<'a>>, Option<Node<'a>>) {
        if node.named_child_count() == 2 && !node.has_error() {
            return (node.named_child(0), node.named_child(1));
        }
        (
            node.child_by_field_id(first),
            node.child_by_field_id(second),
        )
    }

    fn unknown(&self, node: Node<'_>, reason: Unknown) -> Value {
        Value::Unknown {
            span: self.span(node),
            reason,
        }
    }

    /// Evaluates an expression node.
    pub fn eval(&mut self, node: Node<'a>) -> Value {
        if self.depth >= MAX_DEPTH {
            return self.unknown(node, Unknown::TooDeep);
        }
        self.depth += 1;
        let value = self.eval_inner(node);
        self.depth -= 1;
        value
    }

    fn eval_inner(&mut self, node: Node<'a>) -> Value {
        let span = self.span(node);
        match self.kind(node) {
            "string" => Value::String(Spanned::new(unquote(self.text(node)), span)),
            "template_string" => {
                let has_substitution =
                    named_children(node).any(|child| self.kind(child) == "template_substitution");
                if has_substitution {
                    self.unknown(node, Unknown::Computed)
                } else {
                    let text = self.text(node);
                    let inner = text.get(1..text.len().saturating_sub(1)).unwrap_or("");
                    Value::String(Spanned::new(inner.to_string(), span))
                }
            }
            "number" => Value::Number {
                raw: self.text(node).to_string(),
                span,
            },
            "true" => Value::Bool { value: true, span },
            "false" => Value::Bool { value: false, span },
            "null" => Value::Null(span),
            "undefined" => Value::Undefined(span),
            "unary_expression" => {
                let operator = node
                    .child_by_field_id(self.fields.operator)
                    .map(|op| self.text(op));
                let argument = node.child_by_field_id(self.fields.argument);
                match (operator, argument) {
                    (Some("-"), Some(argument)) if self.kind(argument) == "number" => {
                        Value::Number {
                            raw: format!("-{}", self.text(argument)),
                            span,
                        }
                    }
                    _ => self.unknown(node, Unknown::Expression),
                }
            }
            "parenthesized_expression"
            | "as_expression"
            | "satisfies_expression"
            | "non_null_expression"
            | "type_assertion" => match self.first_expression_child(node) {
                Some(inner) => self.eval(inner),
                None => self.unknown(node, Unknown::Expression),
            },
            "array" => Value::Array(self.eval_array(node)),
            "object" => Value::Object(self.eval_object(node)),
            "identifier" => self.eval_identifier(node),
            "member_expression" => self.eval_member(node),
            "subscript_expression" => self.eval_subscript(node),
            "call_expression" => self.eval_call(node),
            "arrow_function" | "function_expression" | "function" => self.eval_function(node),
            _ => self.unknown(node, Unknown::Expression),
        }
    }

    fn eval_array(&mut self, node: Node<'a>) -> ArrayValue {
        let mut items = Vec::with_capacity(node.named_child_count());
        let mut complete = true;
        for child in named_children(node) {
            match self.kind(child) {
                "comment" => {}
                "spread_element" => {
                    match self
                        .first_expression_child(child)
                        .map(|inner| self.eval(inner))
                    {
                        Some(Value::Array(array)) => {
                            complete &= array.complete;
                            items.extend(array.items);
                        }
                        _ => complete = false,
                    }
                }
                _ => items.push(self.eval(child)),
            }
        }
        ArrayValue {
            items,
            complete,
            span: self.span(node),
        }
    }

    /// Evaluates an object literal, leaving the values of `keys` unevaluated.
    pub fn eval_object_skipping(&mut self, node: Node<'a>, keys: &'static [&'static str]) -> Value {
        if self.kind(node) != "object" {
            return self.eval(node);
        }
        self.skip_keys = keys;
        Value::Object(self.eval_object(node))
    }

    fn eval_object(&mut self, node: Node<'a>) -> ObjectValue {
        let skip_keys = std::mem::take(&mut self.skip_keys);
        let (entries, complete) = if node.end_byte() - node.start_byte() < PARALLEL_OBJECT_BYTES {
            let mut members = Members::with_capacity(node.named_child_count());
            for child in named_children(node) {
                self.eval_member_of_object(child, skip_keys, &mut members);
            }
            (members.entries, members.complete)
        } else {
            // A large object (the schema of a big project): its halves on both cores.
            let children: Vec<Node<'a>> = named_children(node).collect();
            let (left, right) = children.split_at(children.len() / 2);
            let mut other = self.clone();
            // Sized up front, the left half for the whole list (a spread may add more):
            // the batch run's arena keeps every copy a growing list leaves behind (on a
            // 200-model schema, 340 KB).
            let (mut left, right) = rayon::join(
                || {
                    let mut members = Members::with_capacity(children.len());
                    for &child in left {
                        self.eval_member_of_object(child, skip_keys, &mut members);
                    }
                    members
                },
                || {
                    let mut members = Members::with_capacity(right.len());
                    for &child in right {
                        other.eval_member_of_object(child, skip_keys, &mut members);
                    }
                    members
                },
            );
            left.entries.extend(right.entries);
            (left.entries, left.complete && right.complete)
        };
        ObjectValue {
            entries,
            complete,
            span: self.span(node),
        }
    }

    /// Evaluates one `key: value` pair of an object literal on its own, as the object's
    /// evaluation would; `None` when its key cannot be read.
    pub(crate) fn eval_pair(&mut self, pair: Node<'a>) -> Option<Entry> {
        let mut members = Members::with_capacity(1);
        self.eval_member_of_object(pair, &[], &mut members);
        match (members.complete, members.entries.pop()) {
            (true, Some(entry)) if members.entries.is_empty() => Some(entry),
            _ => None,
        }
    }

    /// Evaluates one member of an object literal (a pair, a shorthand, a spread) into
    /// `members`.
    fn eval_member_of_object(
        &mut self,
        child: Node<'a>,
        skip_keys: &[&str],
        members: &mut Members,
    ) {
        let Members { entries, complete } = members;
        match self.kind(child) {
            "comment" => {}
            "pair" => {
                let (Some(key), Some(value)) =
                    self.two_fields(child, self.fields.key, self.fields.value)
                else {
                    *complete = false;
                    return;
                };
                let Some((name, key_kind)) = self.eval_key(key) else {
                    *complete = false;
                    return;
                };
                let value = if skip_keys.contains(&name.as_str()) {
                    self.unknown(value, Unknown::NotEvaluated)
                } else {
                    self.eval(value)
                };
                entries.push(Entry {
                    key: name,
                    key_span: self.span(key),
                    key_kind,
                    value,
                    span: self.span(child),
                });
            }
            "shorthand_property_identifier" => {
                let name = self.text(child);
                let value = if skip_keys.contains(&name) {
                    self.unknown(child, Unknown::NotEvaluated)
                } else {
                    self.eval_identifier(child)
                };
                entries.push(Entry {
                    key: name.to_string(),
                    key_span: self.span(child),
                    key_kind: KeyKind::Shorthand,
                    value,
                    span: self.span(child),
                });
            }
            "spread_element" => match self
                .first_expression_child(child)
                .map(|inner| self.eval(inner))
            {
                Some(Value::Object(object)) => {
                    *complete &= object.complete;
                    entries.extend(object.entries.into_iter().map(|entry| Entry {
                        key_kind: KeyKind::Spread,
                        ..entry
                    }));
                }
                _ => *complete = false,
            },
            _ => *complete = false,
        }
    }

    /// An object key's name, or `None` for a computed key that cannot be resolved.
    fn eval_key(&mut self, key: Node<'a>) -> Option<(String, KeyKind)> {
        match self.kind(key) {
            "property_identifier" | "number" | "private_property_identifier" => {
                Some((self.text(key).to_string(), KeyKind::Identifier))
            }
            "string" => Some((unquote(self.text(key)), KeyKind::Quoted)),
            "computed_property_name" => {
                let inner = self.first_expression_child(key)?;
                match self.eval(inner) {
                    Value::String(name) => Some((name.value, KeyKind::Computed)),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    fn eval_identifier(&mut self, node: Node<'a>) -> Value {
        let name = self.text(node);
        self.eval_name(name, node)
    }

    /// The value of the top-level name `name`, read at `node` (whose span an unknown or a
    /// chain root gets).
    fn eval_name(&mut self, name: &'a str, node: Node<'a>) -> Value {
        let root = || {
            Value::Chain(Chain {
                root: Spanned::new(name.to_string(), self.span(node)),
                root_args: None,
                calls: Vec::new(),
                span: self.span(node),
            })
        };
        if self.parameters.iter().any(|parameter| parameter == name)
            || self.builder_names.contains(name)
        {
            return root();
        }
        match self.scope.bindings.get(name).copied() {
            Some(Binding::Constant(value)) => {
                if !self.resolving.insert(name) {
                    return self.unknown(node, Unknown::Cycle);
                }
                let result = self.eval(value);
                self.resolving.remove(name);
                result
            }
            Some(Binding::Import { source, imported }) => self.eval_import(source, imported, node),
            None => root(),
        }
    }

    /// The value an import names, followed into the project's files; unknown when the
    /// module is not a project file (a package, a path alias) or the name is not found.
    fn eval_import(&mut self, source: Node<'a>, imported: Imported<'a>, at: Node<'a>) -> Value {
        let module = unquote_str(self.text(source));
        let target = self.module_file(module);
        let found = match (target, imported) {
            (Some(target), Imported::Named(name)) => self.eval_export(target, name, at),
            (Some(target), Imported::Default) => self.eval_export(target, "default", at),
            (Some(target), Imported::Namespace) => Some(self.eval_namespace(target, at)),
            (None, _) => None,
        };
        found.unwrap_or_else(|| {
            self.unknown(
                at,
                Unknown::Imported {
                    module: module.to_string(),
                },
            )
        })
    }

    /// The project file a module specifier of this file names.
    fn module_file(&self, specifier: &str) -> Option<FileId> {
        let scopes = self.project?;
        scopes.project().file(self.file)?.module(specifier)
    }

    /// An evaluator for another file of the project, continuing this evaluation (its depth
    /// and the exports being resolved), or `None` past [`MAX_IMPORT_DEPTH`] or in a cycle.
    fn evaluator_for(&self, file: FileId, name: &'a str) -> Option<Evaluator<'a>> {
        if self.importing.len() >= MAX_IMPORT_DEPTH || self.importing.contains(&(file, name)) {
            return None;
        }
        let mut other = self.project?.evaluator(file)?;
        other.importing.clone_from(&self.importing);
        other.importing.push((file, name));
        other.depth = self.depth;
        Some(other)
    }

    /// The value `file` exports as `name`, or `None` when it exports no such name.
    fn eval_export(&mut self, file: FileId, name: &'a str, at: Node<'a>) -> Option<Value> {
        let Some(mut other) = self.evaluator_for(file, name) else {
            return Some(self.unknown(at, Unknown::Cycle));
        };
        let scope = other.scope.clone();
        let value = match scope.exports.get(name).copied() {
            Some(Export::Value(node)) => other.eval(node),
            Some(Export::Local(local)) => {
                let node = other.binding_node(local)?;
                other.eval_name(local, node)
            }
            Some(Export::From { source, imported }) => other.eval_import(source, imported, at),
            None => {
                // `export * from` never re-exports `default`.
                if name == "default" {
                    return None;
                }
                let target = other.project?.star_export(file, name)?;
                return other.eval_export(target, name, at);
            }
        };
        Some(value)
    }

    /// A node naming the top-level binding `name` (for spans), when the file binds it.
    fn binding_node(&self, name: &str) -> Option<Node<'a>> {
        match self.scope.bindings.get(name)? {
            Binding::Constant(value) => Some(*value),
            Binding::Import { source, .. } => Some(*source),
        }
    }

    /// `import * as models from './models'` used as a value: an object of every export
    /// (direct ones first, then those of `export *`, as JavaScript resolves them).
    fn eval_namespace(&mut self, file: FileId, at: Node<'a>) -> Value {
        let Some(other) = self.evaluator_for(file, "*") else {
            return self.unknown(at, Unknown::Cycle);
        };
        let scope = other.scope.clone();
        let mut entries = Vec::new();
        let mut complete = true;
        let mut names: Vec<&'a str> = scope
            .exports
            .keys()
            .copied()
            .filter(|name| *name != "default")
            .collect();
        names.sort_unstable();
        for name in names {
            match self.eval_export(file, name, at) {
                Some(value) => entries.push(Entry {
                    key: name.to_string(),
                    key_span: self.span(at),
                    key_kind: KeyKind::Identifier,
                    span: value.span(),
                    value,
                }),
                None => complete = false,
            }
        }
        // Names only `export *` brings are not listed: the object may have more.
        complete &= scope.star_exports.is_empty();
        Value::Object(ObjectValue {
            entries,
            complete,
            span: self.span(at),
        })
    }

    /// `models.Post` where `models` is a namespace import: the one export, without
    /// evaluating the whole module.
    fn eval_namespace_member(&mut self, object: Node<'a>, property: Node<'a>) -> Option<Value> {
        if self.kind(object) != "identifier" {
            return None;
        }
        let name = self.text(object);
        if self.parameters.iter().any(|parameter| parameter == name) {
            return None;
        }
        let Some(Binding::Import {
            source,
            imported: Imported::Namespace,
        }) = self.scope.bindings.get(name).copied()
        else {
            return None;
        };
        let target = self.module_file(unquote_str(self.text(source)))?;
        let export = self.text(property);
        self.eval_export(target, export, property)
    }

    fn eval_member(&mut self, node: Node<'a>) -> Value {
        let (Some(object), Some(property)) =
            self.two_fields(node, self.fields.object, self.fields.property)
        else {
            return self.unknown(node, Unknown::Expression);
        };
        let name = self.text(property);
        if let Some(value) = self.eval_namespace_member(object, property) {
            return value;
        }
        match self.eval(object) {
            // `otherSchema.models`: the types object of `a.schema({...})`.
            Value::Chain(chain) if name == "models" && chain.is_builder(&self.builder_names) => {
                match chain.calls.into_iter().next() {
                    Some(head) if head.name.value == "schema" => head
                        .args
                        .and_then(|args| args.items.into_iter().next())
                        .filter(|first| matches!(first, Value::Object(_)))
                        .unwrap_or_else(|| self.unknown(node, Unknown::Expression)),
                    _ => self.unknown(node, Unknown::Expression),
                }
            }
            Value::Chain(mut chain) => {
                chain.calls.push(Call {
                    name: Spanned::new(name.to_string(), self.span(property)),
                    args: None,
                    index: None,
                    span: self.span(property),
                    tail_span: self.span_to_end_of(self.base + object.end_byte(), node),
                });
                chain.span = self.span(node);
                Value::Chain(chain)
            }
            Value::Object(object_value) => match object_value.get(name) {
                Some(entry) => entry.value.clone(),
                None => self.unknown(node, Unknown::Expression),
            },
            unknown @ Value::Unknown {
                reason: Unknown::Imported { .. },
                ..
            } => Value::Unknown {
                span: self.span(node),
                reason: unknown_reason(unknown),
            },
            _ => self.unknown(node, Unknown::Expression),
        }
    }

    fn eval_subscript(&mut self, node: Node<'a>) -> Value {
        let (Some(object), Some(index)) =
            self.two_fields(node, self.fields.object, self.fields.index)
        else {
            return self.unknown(node, Unknown::Expression);
        };
        let index_value = self.eval(index);
        match self.eval(object) {
            Value::Chain(mut chain) => match chain.calls.last_mut() {
                Some(last) if last.args.is_none() && last.index.is_none() => {
                    last.index = Some(Box::new(index_value));
                    last.span = self.span_to_end_of(last.span.start, node);
                    last.tail_span = self.span_to_end_of(last.tail_span.start, node);
                    chain.span = self.span(node);
                    Value::Chain(chain)
                }
                _ => self.unknown(node, Unknown::Expression),
            },
            Value::Object(object_value) => {
                match index_value.as_str().and_then(|key| object_value.get(key)) {
                    Some(entry) => entry.value.clone(),
                    None => self.unknown(node, Unknown::Computed),
                }
            }
            Value::Array(array) => match &index_value {
                Value::Number { raw, .. } => {
                    match raw.parse::<usize>().ok().and_then(|i| array.items.get(i)) {
                        Some(item) if array.complete => item.clone(),
                        _ => self.unknown(node, Unknown::Computed),
                    }
                }
                _ => self.unknown(node, Unknown::Computed),
            },
            _ => self.unknown(node, Unknown::Expression),
        }
    }

    fn eval_call(&mut self, node: Node<'a>) -> Value {
        let (Some(function), Some(arguments)) =
            self.two_fields(node, self.fields.function, self.fields.arguments)
        else {
            return self.unknown(node, Unknown::Expression);
        };
        if self.kind(arguments) != "arguments" {
            // A tagged template: sql`...`.
            return self.unknown(node, Unknown::Expression);
        }
        let callee = self.eval(function);
        let Value::Chain(mut chain) = callee else {
            return match callee {
                Value::Unknown {
                    reason: reason @ Unknown::Imported { .. },
                    ..
                } => Value::Unknown {
                    span: self.span(node),
                    reason,
                },
                _ => self.unknown(node, Unknown::Expression),
            };
        };
        let args = self.eval_args(arguments);
        match chain.calls.last_mut() {
            None if chain.root_args.is_none() => chain.root_args = Some(args),
            Some(last) if last.args.is_none() && last.index.is_none() => {
                last.args = Some(args);
                last.span = self.span_to_end_of(last.span.start, node);
                last.tail_span = self.span_to_end_of(last.tail_span.start, node);
            }
            _ => return self.unknown(node, Unknown::Expression),
        }
        chain.span = self.span(node);
        Value::Chain(chain)
    }

    fn eval_args(&mut self, arguments: Node<'a>) -> Args {
        let mut items = Vec::with_capacity(arguments.named_child_count());
        let mut complete = true;
        for child in named_children(arguments) {
            match self.kind(child) {
                "comment" => {}
                "spread_element" => complete = false,
                _ => items.push(self.eval(child)),
            }
        }
        Args {
            items,
            span: self.span(arguments),
            complete,
        }
    }

    fn eval_function(&mut self, node: Node<'a>) -> Value {
        let mut params = Vec::new();
        if let Some(parameter) = node.child_by_field_id(self.fields.parameter) {
            params.push(Spanned::new(
                self.text(parameter).to_string(),
                self.span(parameter),
            ));
        } else if let Some(parameters) = node.child_by_field_id(self.fields.parameters) {
            for parameter in named_children(parameters) {
                let pattern = parameter
                    .child_by_field_id(self.fields.pattern)
                    .unwrap_or(parameter);
                if self.kind(pattern) == "identifier" {
                    params.push(Spanned::new(
                        self.text(pattern).to_string(),
                        self.span(pattern),
                    ));
                }
            }
        }
        let Some(body) = node.child_by_field_id(self.fields.body) else {
            return self.unknown(node, Unknown::Expression);
        };
        let returned = if self.kind(body) == "statement_block" {
            let returned = named_children(body)
                .find(|statement| self.kind(*statement) == "return_statement")
                .and_then(|statement| self.first_expression_child(statement));
            match returned {
                Some(expression) => Some(expression),
                None => return self.unknown(node, Unknown::Expression),
            }
        } else {
            Some(body)
        };
        let bound = params.len();
        self.parameters
            .extend(params.iter().map(|param| param.value.clone()));
        let body_value = match returned {
            Some(expression) => self.eval(expression),
            None => self.unknown(body, Unknown::Expression),
        };
        self.parameters.truncate(self.parameters.len() - bound);
        Value::Function(FunctionValue {
            params,
            body: Box::new(body_value),
            span: self.span(node),
        })
    }
}

fn unknown_reason(value: Value) -> Unknown {
    match value {
        Value::Unknown { reason, .. } => reason,
        _ => Unknown::Expression,
    }
}

/// The value of a JavaScript string literal: quotes removed, common escapes decoded.
/// A quoted name without its quotes (export names such as `'my-model'`; no escapes).
fn unquote_str(text: &str) -> &str {
    let mut chars = text.chars();
    match (chars.next(), chars.next_back()) {
        (Some(open @ ('\'' | '"')), Some(close)) if open == close && text.len() >= 2 => {
            &text[1..text.len() - 1]
        }
        _ => text,
    }
}

pub fn unquote(literal: &str) -> String {
    let inner = match literal.chars().next() {
        Some(quote @ ('\'' | '"' | '`')) => {
            let body = &literal[1..];
            body.strip_suffix(quote).unwrap_or(body)
        }
        _ => literal,
    };
    if !inner.contains('\\') {
        return inner.to_string();
    }
    let mut output = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(character) = chars.next() {
        if character != '\\' {
            output.push(character);
            continue;
        }
        match chars.next() {
            Some('n') => output.push('\n'),
            Some('t') => output.push('\t'),
            Some('r') => output.push('\r'),
            Some('0') => output.push('\0'),
            Some('u') => {
                let rest = chars.as_str();
                let (hex, consumed) = if let Some(braced) = rest.strip_prefix('{') {
                    let end = braced.find('}').unwrap_or(braced.len());
                    (&braced[..end], end + 2)
                } else {
                    (rest.get(..4).unwrap_or(rest), 4.min(rest.len()))
                };
                match u32::from_str_radix(hex, 16).ok().and_then(char::from_u32) {
                    Some(decoded) => {
                        output.push(decoded);
                        chars = rest.get(consumed..).unwrap_or("").chars();
                    }
                    None => output.push('u'),
                }
            }
            Some('\n') => {}
            Some(other) => output.push(other),
            None => output.push('\\'),
        }
    }
    output
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unquotes_escapes() {
        assert_eq!(unquote(r"'it\'s'"), "it's");
        assert_eq!(unquote(r#""a\u0041\u{1F600}""#), "aA😀");
        assert_eq!(unquote("`plain`"), "plain");
    }
}
