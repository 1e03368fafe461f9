use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::model::TypeKind;
use crate::rules::fields::walk::for_each_field;
use crate::rules::Context;
use crate::span::Span;
use crate::value::Value;

declare_rule! {
    /// ## What it does
    /// Checks that model, custom type, enum, custom operation, field and argument names are
    /// GraphQL names: letters, digits and `_`, not starting with a digit, and not starting
    /// with `__` (reserved for GraphQL introspection).
    ///
    /// ## Why is this bad?
    /// Amplify pastes the names into the GraphQL schema it generates, which then fails to
    /// parse at deployment with messages such as `Syntax Error: Invalid number, expected
    /// digit but got: "d".` that name neither the model nor the field.
    ///
    /// ## Example
    /// ```ts
    /// const schema = a.schema({
    ///   'todo-item': a.model({
    ///     'due date': a.date(),
    ///     '2ndLine': a.string(),
    ///   }),
    /// });
    /// ```
    ///
    /// ## Fix
    /// None: renaming changes the API; the message suggests a valid name.
    pub(crate) static INVALID_GRAPHQL_NAME = {
        name: "invalid-graphql-name",
        severity: Error,
        fix: None,
    }
}

pub(crate) fn check(context: &mut Context) {
    let mut findings = Vec::new();
    for schema in context.schemas() {
        for schema_type in &schema.types {
            let what = match &schema_type.kind {
                TypeKind::Model(_) => "model",
                TypeKind::Enum(_) => "enum",
                TypeKind::CustomType(_) => "custom type",
                TypeKind::Operation(operation) => match operation.kind.as_str() {
                    "query" => "custom query",
                    "mutation" => "custom mutation",
                    "subscription" => "custom subscription",
                    "generation" => "generation route",
                    _ => "conversation route",
                },
                TypeKind::Other(_) | TypeKind::Unknown => continue,
            };
            check_name(
                &schema_type.name,
                schema_type.key_span,
                || what.to_string(),
                &mut findings,
            );
            if let TypeKind::Operation(operation) = &schema_type.kind {
                if let Some(Value::Object(arguments)) = operation
                    .chain
                    .find("arguments")
                    .and_then(|call| call.arg(0))
                {
                    for entry in &arguments.entries {
                        check_name(
                            &entry.key,
                            entry.key_span,
                            || format!("argument of `{}`", schema_type.name),
                            &mut findings,
                        );
                    }
                }
            }
        }
        for_each_field(schema, |site| {
            check_name(
                &site.field.name,
                site.field.key_span,
                || format!("field of `{}`", site.owner),
                &mut findings,
            );
        });
    }
    for diagnostic in findings {
        context.report(diagnostic);
    }
}

fn check_name(
    name: &str,
    span: Span,
    what: impl FnOnce() -> String,
    findings: &mut Vec<Diagnostic>,
) {
    let Some(problem) = problem(name) else { return };
    let what = what();
    let suggestion = if name.is_ascii() {
        suggested_name(name)
    } else {
        None
    };
    let consequence = if name.starts_with("__") && problem.starts_with("names starting") {
        "Amplify passes it through unchecked, but the GraphQL specification forbids it in a \
         schema"
    } else {
        "Amplify writes it as is into the generated GraphQL schema, which then fails to parse"
    };
    let advice = match &suggestion {
        Some(suggestion) if suggestion != name => format!("; use e.g. `{suggestion}`"),
        _ => "; use only ASCII letters, digits and `_`, starting with a letter or `_`".to_string(),
    };
    findings.push(Diagnostic::new(
        &INVALID_GRAPHQL_NAME,
        span,
        format!("`{name}` ({what}) is not a valid GraphQL name: {problem}; {consequence}{advice}"),
    ));
}

/// Why `name` is not a GraphQL name (`/^[_A-Za-z][_0-9A-Za-z]*$/`, not starting with `__`).
fn problem(name: &str) -> Option<String> {
    let mut characters = name.chars();
    let first = characters.next()?;
    if first.is_ascii_digit() {
        return Some("it starts with a digit".to_string());
    }
    if let Some(bad) = name
        .chars()
        .find(|character| !(character.is_ascii_alphanumeric() || *character == '_'))
    {
        return Some(if bad.is_whitespace() {
            "it contains whitespace".to_string()
        } else if bad.is_ascii() {
            format!("it contains `{bad}`")
        } else {
            format!("it contains the non-ASCII character `{bad}`")
        });
    }
    if name.starts_with("__") {
        return Some("names starting with `__` are reserved for GraphQL introspection".to_string());
    }
    None
}

/// `due-date` -> `dueDate`, `2ndLine` -> `_2ndLine`, `__meta` -> `meta`; `None` when nothing
/// usable is left.
fn suggested_name(name: &str) -> Option<String> {
    let mut suggestion = String::with_capacity(name.len());
    let mut upper_next = false;
    for character in name.chars() {
        if character.is_ascii_alphanumeric() || character == '_' {
            if upper_next && !suggestion.is_empty() {
                suggestion.push(character.to_ascii_uppercase());
            } else {
                suggestion.push(character);
            }
            upper_next = false;
        } else {
            upper_next = true;
        }
    }
    let trimmed = suggestion.trim_start_matches("__");
    let mut suggestion = if trimmed.is_empty() {
        suggestion
    } else {
        trimmed.to_string()
    };
    if suggestion.starts_with(|c: char| c.is_ascii_digit()) {
        suggestion.insert(0, '_');
    }
    (!suggestion.is_empty() && problem(&suggestion).is_none()).then_some(suggestion)
}
