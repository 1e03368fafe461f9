use rustc_hash::FxHashMap;

use super::{enum_sites, EnumSite};
use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::rules::Context;
use crate::span::Span;

declare_rule! {
    /// ## What it does
    /// Checks the values of every `a.enum([...])`, top-level or inline: an enum needs at
    /// least one value, each value once, and each value must be a GraphQL name (ASCII
    /// letters, digits and `_`, not starting with a digit) other than `true`, `false` and
    /// `null`.
    ///
    /// ## Why is this bad?
    /// Amplify writes the values into GraphQL SDL as they are. A space gives
    /// `Values of the enum type TodoStatus should not contain any whitespace.`; a dash, a
    /// dot, a leading digit, an accented letter or an empty enum give a bare syntax error
    /// (`Syntax Error: Invalid number, expected digit but got: "p".`); a repeated value
    /// gives `Enum value "TodoKind.A" can only be defined once.` None of them says where.
    /// `true`, `false` and `null` pass Amplify although GraphQL forbids them as enum values:
    /// clients and tools that follow the specification cannot read the schema.
    ///
    /// ## Example
    /// ```ts
    /// Todo: a.model({
    ///   status: a.enum(['open', 'in-progress', 'open']),
    /// }),
    /// ```
    ///
    /// ## Fix
    /// None: rename the value (`IN_PROGRESS`), remove the repeated one, or add values.
    /// Renaming changes the data the API accepts, so amplint does not guess.
    pub(crate) static INVALID_ENUM_VALUE = {
        name: "invalid-enum-value",
        severity: Error,
        fix: None,
    }
}

pub(crate) fn check(context: &mut Context) {
    for schema in context.schemas() {
        for site in enum_sites(schema) {
            check_values(context, &site);
        }
    }
}

fn check_values(context: &mut Context, site: &EnumSite) {
    let Some(values) = &site.definition.values else {
        return;
    };
    let name = &site.name;
    let described = match site.field {
        Some(field) => format!(
            "the inline enum of `{}.{}` (`{name}`)",
            site.owner, field.name
        ),
        None => format!("the enum `{name}`"),
    };
    if values.is_empty() {
        let span = site.definition.values_span.unwrap_or(site.definition.span);
        context.report(Diagnostic::new(
            &INVALID_ENUM_VALUE,
            span,
            format!(
                "{} has no values: GraphQL requires at least one",
                capitalized(&described)
            ),
        ));
        return;
    }
    let mut seen: FxHashMap<&str, Span> = FxHashMap::default();
    for value in values {
        if let Some(&first) = seen.get(value.value.as_str()) {
            context.report(
                Diagnostic::new(
                    &INVALID_ENUM_VALUE,
                    value.span,
                    format!(
                        "`{}` is already a value of {described}: each value may appear once",
                        value.value
                    ),
                )
                .with_label(first, "first listed here"),
            );
            continue;
        }
        seen.insert(&value.value, value.span);
        if let Some(problem) = value_problem(&value.value) {
            context.report(Diagnostic::new(
                &INVALID_ENUM_VALUE,
                value.span,
                format!(
                    "`{}` is not a valid value of {described}: {problem}",
                    value.value
                ),
            ));
        }
    }
}

/// Why `value` cannot be a GraphQL enum value, if it cannot.
fn value_problem(value: &str) -> Option<String> {
    if matches!(value, "true" | "false" | "null") {
        return Some(format!(
            "GraphQL forbids `{value}` as an enum value (Amplify lets it through, clients \
             that follow the specification reject the schema); use e.g. `{}`",
            value.to_uppercase()
        ));
    }
    let Some(first) = value.chars().next() else {
        return Some("an enum value cannot be empty".to_string());
    };
    let advice = "enum values may contain only ASCII letters, digits and `_`";
    if value.chars().any(char::is_whitespace) {
        return Some(format!(
            "it contains whitespace; {advice} (e.g. `{}`)",
            suggestion(value)
        ));
    }
    if first.is_ascii_digit() {
        return Some(format!(
            "it starts with a digit; {advice}, and cannot start with a digit"
        ));
    }
    let invalid = value
        .chars()
        .find(|character| !(character.is_ascii_alphanumeric() || *character == '_'));
    invalid.map(|character| {
        let what = if character.is_alphabetic() {
            format!("the non-ASCII letter `{character}`")
        } else {
            format!("`{character}`")
        };
        format!(
            "it contains {what}; {advice} (e.g. `{}`)",
            suggestion(value)
        )
    })
}

/// The value with every character GraphQL does not allow replaced by `_`.
fn suggestion(value: &str) -> String {
    value
        .trim()
        .chars()
        .map(|character| {
            if character.is_ascii_alphanumeric() || character == '_' {
                character
            } else {
                '_'
            }
        })
        .collect()
}

fn capitalized(text: &str) -> String {
    let mut characters = text.chars();
    match characters.next() {
        Some(first) => first.to_uppercase().chain(characters).collect(),
        None => String::new(),
    }
}
