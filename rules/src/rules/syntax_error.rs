//! Text tree-sitter could not parse.

use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::registry::Rule;
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// Reports the first place where the file is not valid TypeScript or JavaScript.
    ///
    /// ## Why is this bad?
    /// A file that does not parse does not load, and amplint cannot read the schema
    /// around the broken part: the checks of that part are skipped until it parses again.
    /// Half-typed code is normal while editing, so this is a warning, not an error.
    ///
    /// ## Example
    /// ```ts
    /// const schema = a.schema({
    ///   Todo: a.model({ title: a.string( }),
    /// });
    /// ```
    ///
    /// ## Fix
    /// None: finish the expression.
    pub(crate) static SYNTAX_ERROR = {
        name: "syntax-error",
        severity: Warning,
        fix: None,
    }
}

pub(crate) const RULES: &[Rule] = &[Rule {
    meta: &SYNTAX_ERROR,
    check,
}];

fn check(context: &mut Context) {
    if let Some(span) = context.syntax_error {
        context.report(Diagnostic::new(
            &SYNTAX_ERROR,
            span,
            "amplint could not parse this part of the file; checks of the schema around it are incomplete until it parses",
        ));
    }
}
