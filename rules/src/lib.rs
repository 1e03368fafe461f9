//! amplint's engine: reads Amplify Gen 2 data schemas out of TypeScript with tree-sitter,
//! builds a [`model::FileModel`], and checks it with the rules of the catalog.
//!
//! Pure: text in, model and diagnostics out. No file system, no async, no LSP types.
//! Broken input is normal input: the engine returns what it understood and never panics
//! on any text.

pub mod diagnostic;
pub mod fix;
pub mod line_index;
pub mod model;
pub mod project;
pub mod registry;
pub mod rules;
pub mod settings;
pub mod span;
pub mod split;
pub mod suggest;
pub mod suppression;
pub mod syntax;
pub mod value;

mod engine;

pub use diagnostic::{Diagnostic, Label, Severity};
#[doc(hidden)]
pub use engine::run_rules;
pub use engine::{
    check, check_in_pieces, check_project, check_tree, check_tree_after_edit,
    check_with_split_threshold, fix_all, fix_project, CheckResult, FixAllResult, ProjectFixResult,
};
pub use fix::{Applicability, Edit, Fix};
pub use registry::{all_rules, rule, FixAvailability, Rule, RuleMeta};
pub use settings::Settings;
pub use span::{FileId, Span};
pub use syntax::SourceKind;
