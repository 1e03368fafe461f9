use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::{Edit, Fix};
use crate::model::{AuthRule, Operations};
use crate::rules::authorization::{quoted, AuthLevel, AuthSite};
use crate::rules::Context;
use crate::span::{Span, Spanned};
use crate::suggest::did_you_mean;

declare_rule! {
    /// ## What it does
    /// Checks the operations given to an authorization rule with `.to([...])`: the call
    /// form, the operation names (create, update, delete, read, get, list, sync, listen,
    /// search; on fields only read, create, update, delete), `read` combined with the
    /// operations it already includes, `.to(...)` on custom operation rules, and an empty
    /// list.
    ///
    /// ## Why is this bad?
    /// `.to['read']` (index access) leaves `undefined` in the rules and Amplify crashes with
    /// `Cannot read properties of undefined (reading 'Symbol(data)')`; `.to('read')` fails
    /// with `rule.operations.join is not a function`; an unknown name fails with
    /// `Value "write" does not exist in "ModelOperation" enum`; `read` with `get` fails
    /// with `'get' operations are specified in addition to 'read'`; field rules with `list`
    /// fail with `'list' operation is not allowed at the field level`. Rules of custom
    /// operations have no `.to` at all (a TypeError at load). `.to([])` is accepted but
    /// grants nothing, so the rule is dead (a warning).
    ///
    /// ## Example
    /// ```ts
    /// .authorization((allow) => [
    ///   allow.owner().to['read'],
    ///   allow.publicApiKey().to(['write']),
    ///   allow.authenticated().to(['read', 'list']),
    /// ])
    /// ```
    ///
    /// ## Fix
    /// `.to[...]` -> `.to([...])` and `.to('read')` -> `.to(['read'])` (safe: the file does
    /// not load otherwise and this is the only reading); operations already included in
    /// `read` are dropped (safe: the rule grants the same); a case-only typo is corrected
    /// (safe); `'write'` -> `'create', 'update', 'delete'`, other typos with one close
    /// operation, and read-like operations on a field -> `'read'` (unsafe: they decide what
    /// the rule grants); `.to(...)` on a custom operation rule is removed (unsafe).
    pub(crate) static AUTH_OPERATIONS = {
        name: "auth-operations",
        severity: Error,
        fix: Sometimes,
    }
}

const MODEL_OPERATIONS: [&str; 9] = [
    "create", "update", "delete", "read", "get", "list", "sync", "listen", "search",
];
const FIELD_OPERATIONS: [&str; 4] = ["read", "create", "update", "delete"];
/// The operations `read` stands for.
const READ_OPERATIONS: [&str; 5] = ["get", "list", "sync", "listen", "search"];

pub(crate) fn check(context: &mut Context) {
    for site in context.authorization_sites() {
        for rule in &site.authorization.rules {
            check_rule(context, site, rule);
        }
    }
}

fn check_rule(context: &mut Context, site: &AuthSite, rule: &AuthRule) {
    // `allow.resource(fn).to([...])` takes query / mutate / listen: another vocabulary.
    if rule.strategy.value == "resource" {
        return;
    }
    let Some(to) = rule.modifier("to") else {
        return;
    };
    if site.level == AuthLevel::CustomOperation {
        let diagnostic = Diagnostic::new(
            &AUTH_OPERATIONS,
            to.name.span,
            format!(
                "rules of {} have no `.to(...)` (Amplify stops with a TypeError when the file \
                 loads): a custom operation rule grants calling the operation; remove `.to(...)`",
                site.describe()
            ),
        )
        .with_fix(Fix::unsafe_(
            "Remove `.to(...)`",
            vec![Edit::delete(to.tail_span)],
        ));
        context.report(diagnostic);
        return;
    }
    let Some(operations) = rule.operations() else {
        return;
    };
    match operations {
        Operations::IndexAccess(span) => report_index_access(context, to, span),
        Operations::NotArray(span) => {
            let text = context.text(span);
            context.report(
                Diagnostic::new(
                    &AUTH_OPERATIONS,
                    span,
                    format!(
                        "`.to` takes an array of operations, not a string (Amplify stops with \
                         `rule.operations.join is not a function`): write `.to([{text}])`"
                    ),
                )
                .with_fix(Fix::safe(
                    format!("Wrap in an array: `[{text}]`"),
                    vec![Edit::insert(span, "["), Edit::insert(span.at_end(), "]")],
                )),
            );
        }
        Operations::List {
            operations,
            complete,
            span,
        } => check_list(context, site, &operations, complete, span),
        Operations::Unknown => {}
    }
}

/// `.to['read']`: flags the `to` name; fix turns the brackets into a call.
fn report_index_access(context: &mut Context, to: &crate::value::Call, span: Span) {
    let after_name = Span::new(span.file, to.name.span.end, span.end);
    let text = context.text(after_name);
    let fix = match (text.find('['), text.ends_with(']')) {
        (Some(open), true) if text[..open].trim().is_empty() => {
            let open_at = after_name.start + open;
            Some(Fix::safe(
                "Call `.to([...])`",
                vec![
                    Edit::insert(Span::new(span.file, open_at, open_at), "("),
                    Edit::insert(Span::new(span.file, span.end, span.end), ")"),
                ],
            ))
        }
        _ => None,
    };
    let inner = text.trim_start();
    context.report(
        Diagnostic::new(
            &AUTH_OPERATIONS,
            to.name.span,
            format!(
                "`.to{inner}` reads a property of the `to` method instead of calling it: the rule \
                 becomes `undefined` and Amplify crashes with `Cannot read properties of \
                 undefined (reading 'Symbol(data)')`; write `.to({inner})`"
            ),
        )
        .with_optional_fix(fix),
    );
}

/// One flagged item: its index, the message, and a replacement text with whether
/// replacing is safe.
type Problem = (usize, String, Option<(String, bool)>);

/// What becomes of one item of the list.
#[derive(Clone, Debug)]
enum Action {
    Keep,
    /// Removed; `true` when that is safe (what it grants is granted anyway).
    Delete(bool),
}

fn check_list(
    context: &mut Context,
    site: &AuthSite,
    operations: &[Spanned<String>],
    complete: bool,
    array_span: Span,
) {
    if operations.is_empty() {
        if complete {
            context.report(
                Diagnostic::new(
                    &AUTH_OPERATIONS,
                    array_span,
                    "`.to([])` grants no operation: this rule has no effect (Amplify accepts it \
                     silently); list the operations it should grant, or remove the rule",
                )
                .with_severity(Severity::Warning),
            );
        }
        return;
    }
    let field_level = site.level == AuthLevel::Field;
    let valid: &[&str] = if field_level {
        &FIELD_OPERATIONS
    } else {
        &MODEL_OPERATIONS
    };
    let has = |name: &str| operations.iter().any(|operation| operation.value == name);
    let has_read = has("read");

    // First decide the deletions, so that their edits can be made disjoint.
    let mut actions: Vec<Action> = vec![Action::Keep; operations.len()];
    let mut first_read_like_on_field = true;
    let mut problems: Vec<Problem> = Vec::new();
    for (index, operation) in operations.iter().enumerate() {
        let name = operation.value.as_str();
        if valid.contains(&name) {
            if !field_level && has_read && READ_OPERATIONS.contains(&name) {
                actions[index] = Action::Delete(true);
                problems.push((
                    index,
                    format!(
                        "`'{name}'` is already included in `'read'` (Amplify stops with `'{name}' \
                         operations are specified in addition to 'read'`): remove `'{name}'`, or \
                         remove `'read'` to grant only `'{name}'`"
                    ),
                    None,
                ));
            }
            continue;
        }
        if field_level && READ_OPERATIONS.contains(&name) {
            let replacement = if has_read || !first_read_like_on_field {
                actions[index] = Action::Delete(has_read);
                None
            } else {
                first_read_like_on_field = false;
                Some((quoted(context, operation.span, "read"), false))
            };
            problems.push((
                index,
                format!(
                    "`'{name}'` is not allowed in a field-level rule of {} (Amplify stops with \
                     `'{name}' operation is not allowed at the field level`): field rules take \
                     only 'read', 'create', 'update', 'delete'; use `'read'`",
                    site.describe()
                ),
                replacement,
            ));
            continue;
        }
        if name == "write" {
            let missing: Vec<&str> = ["create", "update", "delete"]
                .into_iter()
                .filter(|wanted| !has(wanted))
                .collect();
            let replacement = if missing.is_empty() {
                actions[index] = Action::Delete(true);
                None
            } else {
                Some((
                    missing
                        .iter()
                        .map(|wanted| quoted(context, operation.span, wanted))
                        .collect::<Vec<_>>()
                        .join(", "),
                    false,
                ))
            };
            problems.push((
                index,
                "`'write'` is not an operation (Amplify stops with `Value \"write\" does not exist \
                 in \"ModelOperation\" enum`): write access is `'create', 'update', 'delete'`"
                    .to_string(),
                replacement,
            ));
            continue;
        }
        let suggestion = did_you_mean(name, valid.iter().copied());
        let list = valid.join(", ");
        let message = match suggestion {
            Some(suggested) => format!(
                "`'{name}'` is not an operation (Amplify stops with `Value \"{name}\" does not \
                 exist in \"ModelOperation\" enum`); did you mean `'{suggested}'`? Valid: {list}"
            ),
            None if name == "query" => format!(
                "`'query'` is not an operation (Amplify stops with `Value \"query\" does not \
                 exist in \"ModelOperation\" enum`): reading is `'read'` (or `'get'`, `'list'`); \
                 valid: {list}"
            ),
            None => format!(
                "`'{name}'` is not an operation (Amplify stops with `Value \"{name}\" does not \
                 exist in \"ModelOperation\" enum`); valid: {list}"
            ),
        };
        let replacement = suggestion.map(|suggested| {
            let case_only = suggested.eq_ignore_ascii_case(name);
            (quoted(context, operation.span, suggested), case_only)
        });
        problems.push((index, message, replacement));
    }

    for (index, message, replacement) in problems {
        let operation = &operations[index];
        let fix = match (&actions[index], replacement) {
            (Action::Delete(safe), _) if complete => {
                let title = format!("Remove `'{}'`", operation.value);
                let edits = vec![Edit::delete(deletion_span(operations, &actions, index))];
                Some(if *safe {
                    Fix::safe(title, edits)
                } else {
                    Fix::unsafe_(title, edits)
                })
            }
            (Action::Delete(_), _) => None,
            (Action::Keep, Some((text, safe))) => {
                let title = format!("Replace `'{}'` with `{text}`", operation.value);
                let edits = vec![Edit::replace(operation.span, text)];
                Some(if safe {
                    Fix::safe(title, edits)
                } else {
                    Fix::unsafe_(title, edits)
                })
            }
            (Action::Keep, None) => None,
        };
        context.report(
            Diagnostic::new(&AUTH_OPERATIONS, operation.span, message).with_optional_fix(fix),
        );
    }
}

/// The span that removes item `index` with one separator, disjoint from the spans of the
/// other deleted items: the separator after it while a kept item follows, else the one
/// before it.
fn deletion_span(operations: &[Spanned<String>], actions: &[Action], index: usize) -> Span {
    let item = operations[index].span;
    let kept_after = actions[index + 1..]
        .iter()
        .any(|action| matches!(action, Action::Keep));
    if kept_after {
        Span::new(item.file, item.start, operations[index + 1].span.start)
    } else if index > 0 {
        Span::new(item.file, operations[index - 1].span.end, item.end)
    } else {
        item
    }
}
