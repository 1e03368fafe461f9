use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::model::{Authorization, CustomOperation, OperationKind, Schema, SchemaType, TypeKind};
use crate::rules::fields::walk::upper_first;
use crate::rules::Context;
use crate::suggest::did_you_mean;
use crate::value::{Call, Value};

declare_rule! {
    /// ## What it does
    /// Checks custom operations (`a.query()`, `a.mutation()`, `a.subscription()`,
    /// `a.generation(...)`): a query or mutation needs a handler, an authorization rule (its
    /// own or the schema's) and a return type; a subscription needs `.for(...)` and `.for`
    /// belongs only to subscriptions; only the methods the builder has may be chained. Also
    /// checks the values of a model's `.disableOperations([...])` (queries, mutations,
    /// subscriptions, create, update, delete, get, list, onCreate, onUpdate, onDelete).
    ///
    /// ## Why is this bad?
    /// Amplify stops the deployment with `Custom operation echo requires both an
    /// authorization rule and a handler reference` or `A Custom Query must include a return
    /// type`; an unknown `disableOperations` value yields `Unknown argument "undefined" on
    /// directive "@model"`.
    ///
    /// ## Example
    /// ```ts
    /// echo: a
    ///   .query()
    ///   .arguments({ content: a.string() })
    ///   .returns(a.string())
    ///   .authorization((allow) => [allow.publicApiKey()]),
    /// Todo: a.model({ content: a.string() }).disableOperations(['subscription']),
    /// ```
    ///
    /// ## Fix
    /// None: the handler, the rules and the return type are the author's choice; the
    /// message shows what to add.
    pub(crate) static INVALID_CUSTOM_OPERATION = {
        name: "invalid-custom-operation",
        severity: Error,
        fix: None,
    }
}

const OPERATION_METHODS: &[&str] = &["arguments", "returns", "authorization", "handler", "for"];

const DISABLE_OPERATIONS: &[&str] = &[
    "queries",
    "mutations",
    "subscriptions",
    "create",
    "update",
    "delete",
    "get",
    "list",
    "onCreate",
    "onUpdate",
    "onDelete",
];

pub(crate) fn check(context: &mut Context) {
    let mut findings = Vec::new();
    for schema in context.schemas() {
        for schema_type in &schema.types {
            match &schema_type.kind {
                TypeKind::Operation(operation) => {
                    check_operation(schema, schema_type, operation, &mut findings)
                }
                TypeKind::Model(model) => {
                    if let Some(call) = &model.disable_operations {
                        check_disable_operations(&schema_type.name, call, &mut findings);
                    }
                }
                _ => {}
            }
        }
    }
    for diagnostic in findings {
        context.report(diagnostic);
    }
}

/// Whether rules apply: `Some(true)` yes, `Some(false)` none, `None` amplint cannot tell.
fn has_rules(authorization: &Authorization, ignore_resource: bool) -> Option<bool> {
    let counted = authorization
        .rules
        .iter()
        .filter(|rule| !(ignore_resource && rule.strategy.value == "resource"))
        .count();
    if counted > 0 {
        Some(true)
    } else if authorization.complete {
        Some(false)
    } else {
        None
    }
}

fn check_operation(
    schema: &Schema,
    schema_type: &SchemaType,
    operation: &CustomOperation,
    findings: &mut Vec<Diagnostic>,
) {
    let kind = operation.kind;
    if kind == OperationKind::Conversation {
        // `a.conversation({...})` has a shape of its own; nothing checked here.
        return;
    }
    let name = &schema_type.name;
    let described = format!("custom {} `{name}`", kind.as_str());
    // Methods that do not exist stop the file from loading.
    for call in operation.chain.modifiers() {
        let method = call.name.value.as_str();
        if call.args.is_none() || OPERATION_METHODS.contains(&method) {
            continue;
        }
        let hint = match did_you_mean(method, OPERATION_METHODS.iter().copied()) {
            Some(target) => format!("; did you mean `.{target}()`?"),
            None => "; the methods are `.arguments()`, `.returns()`, `.authorization()`, \
                     `.handler()` and `.for()` (subscriptions)"
                .to_string(),
        };
        findings.push(Diagnostic::new(
            &INVALID_CUSTOM_OPERATION,
            call.span,
            format!(
                "{described}: `.{method}()` does not exist on a custom operation (the file fails \
                 to load with `.{method} is not a function`){hint}"
            ),
        ));
        return;
    }
    let for_call = operation.chain.find("for");
    if kind != OperationKind::Subscription {
        if let Some(call) = for_call {
            findings.push(Diagnostic::new(
                &INVALID_CUSTOM_OPERATION,
                call.span,
                format!(
                    "{described}: `.for(...)` is only for custom subscriptions (`The .for() \
                     modifier function can only be used with a custom subscription.`); remove it"
                ),
            ));
        }
    } else if for_call.is_none() {
        findings.push(Diagnostic::new(
            &INVALID_CUSTOM_OPERATION,
            schema_type.key_span,
            format!(
                "{described} has no source: a custom subscription must name the mutation it \
                 listens to, e.g. `.for(a.ref('publishMessage'))` (`{name} is missing a mutation \
                 source`)"
            ),
        ));
    }
    let handler = handler_state(operation);
    let authorization = match &operation.authorization {
        Some(own) => match has_rules(own, false) {
            Some(true) => Some(true),
            Some(false) => schema_rules(schema),
            None => None,
        },
        None => schema_rules(schema),
    };
    if kind != OperationKind::Generation {
        let example_rule = "`.authorization((allow) => [allow.authenticated()])`";
        match (handler.configured, authorization) {
            (Some(true), Some(false)) => findings.push(Diagnostic::new(
                &INVALID_CUSTOM_OPERATION,
                schema_type.key_span,
                format!(
                    "{described} has a handler but no authorization rule, and the schema has none \
                     either (`Custom operation {name} requires both an authorization rule and a \
                     handler reference`); add {example_rule}"
                ),
            )),
            (Some(false), Some(true)) => findings.push(Diagnostic::new(
                &INVALID_CUSTOM_OPERATION,
                schema_type.key_span,
                format!(
                    "{described} has no handler (`Custom operation {name} requires both an \
                     authorization rule and a handler reference`); add e.g. \
                     `.handler(a.handler.function(myFunction))` with a function from \
                     `defineFunction`"
                ),
            )),
            _ => {}
        }
    }
    let needs_return_type = matches!(
        kind,
        OperationKind::Query | OperationKind::Mutation | OperationKind::Generation
    );
    if needs_return_type
        && operation.chain.find("returns").is_none()
        && handler.async_known == Some(false)
    {
        let title = match kind {
            OperationKind::Generation => "Generation Route".to_string(),
            _ => format!("Custom {}", upper_first(kind.as_str())),
        };
        findings.push(Diagnostic::new(
            &INVALID_CUSTOM_OPERATION,
            schema_type.key_span,
            format!(
                "{described} has no return type (`A {title} must include a return type. {name} \
                 has no return type specified.`); add e.g. `.returns(a.string())` or \
                 `.returns(a.ref('SomeType'))`"
            ),
        ));
    }
}

/// The schema's rules as custom operations inherit them (`allow.resource` rules grant
/// functions access and do not count).
fn schema_rules(schema: &Schema) -> Option<bool> {
    match &schema.authorization {
        Some(authorization) => has_rules(authorization, true),
        None => {
            let unread = schema
                .modifiers
                .iter()
                .any(|call| call.name.value == "authorization");
            if unread {
                None
            } else {
                Some(false)
            }
        }
    }
}

struct HandlerState {
    /// Whether a handler is given (`None`: cannot tell).
    configured: Option<bool>,
    /// Whether the last handler is known not to be `.async()` (`Some(false)`), known to be
    /// (`Some(true)`), or unknown.
    async_known: Option<bool>,
}

fn handler_state(operation: &CustomOperation) -> HandlerState {
    let Some(call) = operation.chain.find("handler") else {
        return HandlerState {
            configured: Some(false),
            async_known: Some(false),
        };
    };
    let last = match call.arg(0) {
        Some(Value::Array(array)) if array.complete && array.items.is_empty() => {
            return HandlerState {
                configured: Some(false),
                async_known: Some(false),
            }
        }
        Some(Value::Array(array)) if array.complete => array.items.last(),
        Some(Value::Array(_)) | None => {
            return HandlerState {
                configured: call.arg(0).map(|_| true),
                async_known: None,
            }
        }
        Some(value) => Some(value),
    };
    let async_known = match last {
        Some(Value::Chain(chain)) => Some(chain.calls.last().is_some_and(is_async)),
        _ => None,
    };
    HandlerState {
        configured: Some(true),
        async_known,
    }
}

fn is_async(call: &Call) -> bool {
    call.name.value == "async"
}

fn check_disable_operations(model: &str, call: &Call, findings: &mut Vec<Diagnostic>) {
    let Some(Value::Array(array)) = call.arg(0) else {
        return;
    };
    for item in &array.items {
        let Some(value) = item.as_string() else {
            continue;
        };
        if DISABLE_OPERATIONS.contains(&value.value.as_str()) {
            continue;
        }
        let exact_case = DISABLE_OPERATIONS
            .iter()
            .find(|operation| operation.eq_ignore_ascii_case(&value.value));
        let hint = match value.value.as_str() {
            "read" => "; to disable reads use `'queries'` (or `'get'` and `'list'`)".to_string(),
            "write" => "; to disable writes use `'mutations'`".to_string(),
            _ => match exact_case
                .copied()
                .or_else(|| did_you_mean(&value.value, DISABLE_OPERATIONS.iter().copied()))
            {
                Some(target) => format!("; did you mean `'{target}'`?"),
                None => format!(
                    "; valid values are {}",
                    DISABLE_OPERATIONS
                        .iter()
                        .map(|operation| format!("`'{operation}'`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            },
        };
        findings.push(Diagnostic::new(
            &INVALID_CUSTOM_OPERATION,
            value.span,
            format!(
                "`{}` is not an operation `disableOperations` knows (on `{model}`); Amplify fails \
                 with `Unknown argument \"undefined\" on directive \"@model\"`{hint}",
                value.value
            ),
        ));
    }
}
