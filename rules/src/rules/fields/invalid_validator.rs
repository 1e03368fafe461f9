use rustc_hash::FxHashMap;

use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::model::{FieldKind, Scalar};
use crate::rules::fields::walk::for_each_field;
use crate::rules::Context;
use crate::span::Span;
use crate::value::{Call, Value};

declare_rule! {
    /// ## What it does
    /// Checks the validators in `.validate((v) => v.gt(0).maxLength(10))`: numeric
    /// validators (`gt`, `lt`, `gte`, `lte`, `positive`, `negative`) only on Int and Float
    /// fields, string validators (`minLength`, `maxLength`, `startsWith`, `endsWith`,
    /// `matches`) only on String fields, no validators on lists, on custom type fields or on
    /// the partition key, each kind once per field (`positive` is `gt(0)`), non-negative
    /// lengths, numeric bounds, values without `"` or `\`, and only validators that exist.
    ///
    /// ## Why is this bad?
    /// Amplify rejects these at deployment (`Validation type 'minLength' can only be used
    /// with 'String' fields.`, `Duplicate @validate directive with type 'gt'`), or fails to
    /// parse the generated GraphQL (a `\d` in a `matches` pattern), or silently drops the
    /// validators of the partition key. An unknown validator (`v.min(1)`) makes the file
    /// fail to load.
    ///
    /// ## Example
    /// ```ts
    /// Todo: a.model({
    ///   title: a.string().validate((v) => v.gt(0)),
    ///   count: a.integer().validate((v) => v.positive().gt(1)),
    ///   tags: a.string().array().validate((v) => v.minLength(1)),
    /// }),
    /// ```
    ///
    /// ## Fix
    /// None: the message says which validators fit the field's type.
    pub(crate) static INVALID_VALIDATOR = {
        name: "invalid-validator",
        severity: Error,
        fix: None,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ValidatorFamily {
    Numeric,
    Length,
    Text,
}

/// The validation type a builder method records (`positive` records `gt`), and its family.
fn validation_type(method: &str) -> Option<(&'static str, ValidatorFamily)> {
    Some(match method {
        "gt" | "positive" => ("gt", ValidatorFamily::Numeric),
        "lt" | "negative" => ("lt", ValidatorFamily::Numeric),
        "gte" => ("gte", ValidatorFamily::Numeric),
        "lte" => ("lte", ValidatorFamily::Numeric),
        "minLength" => ("minLength", ValidatorFamily::Length),
        "maxLength" => ("maxLength", ValidatorFamily::Length),
        "startsWith" => ("startsWith", ValidatorFamily::Text),
        "endsWith" => ("endsWith", ValidatorFamily::Text),
        "matches" => ("matches", ValidatorFamily::Text),
        _ => return None,
    })
}

const NUMERIC_VALIDATORS: &str = "`gt`, `lt`, `gte`, `lte`, `positive`, `negative`";
const STRING_VALIDATORS: &str = "`minLength`, `maxLength`, `startsWith`, `endsWith`, `matches`";

/// What a misremembered validator is called.
fn alias(method: &str, scalar: Scalar) -> Option<&'static str> {
    let numeric = matches!(scalar, Scalar::Integer | Scalar::Float);
    Some(match method {
        "min" | "minimum" if numeric => "gte",
        "max" | "maximum" if numeric => "lte",
        "min" | "minimum" | "minLen" | "min_length" | "minlength" => "minLength",
        "max" | "maximum" | "maxLen" | "max_length" | "maxlength" => "maxLength",
        "greaterThan" => "gt",
        "lessThan" => "lt",
        "regex" | "pattern" | "match" => "matches",
        "startWith" | "startswith" => "startsWith",
        "endWith" | "endswith" => "endsWith",
        _ => return None,
    })
}

pub(crate) fn check(context: &mut Context) {
    let mut findings = Vec::new();
    for schema in context.schemas() {
        for_each_field(schema, |site| {
            let FieldKind::Scalar(scalar) = site.field.kind else {
                return;
            };
            for call in &site.field.modifiers {
                if call.name.value != "validate" {
                    continue;
                }
                let Some(Value::Function(callback)) = call.arg(0) else {
                    continue;
                };
                let Some(parameter) = callback.params.first() else {
                    continue;
                };
                let Value::Chain(chain) = callback.body.as_ref() else {
                    continue;
                };
                if chain.root.value != parameter.value || chain.root_args.is_some() {
                    continue;
                }
                let place = format!("`{}.{}`", site.owner, site.field.name);
                let validator_spans: Vec<_> = chain
                    .calls
                    .iter()
                    .filter(|validator| validator.args.is_some())
                    .map(|validator| validator.span)
                    .collect();
                let mut report_each = |message: String| {
                    for span in &validator_spans {
                        findings.push(Diagnostic::new(&INVALID_VALIDATOR, *span, message.clone()));
                    }
                };
                if !site.owner_is_model {
                    report_each(format!(
                        "{place} is a field of a custom type: Amplify accepts validators only \
                             on model fields (`@validate directive can only be used on fields \
                             within @model types.`); validate the value in the model or the \
                             handler that writes it"
                    ));
                    continue;
                }
                if site.field.is_array() {
                    report_each(format!(
                        "{place} is a list: Amplify rejects validators on list fields \
                             (`@validate directive cannot be used on list field '{}'`); remove \
                             `.validate(...)`",
                        site.field.name
                    ));
                    continue;
                }
                let is_partition_key = schema
                    .model(&site.owner)
                    .and_then(|model| model.identifier_fields())
                    .and_then(|fields| fields.first().map(|field| field.value == site.field.name))
                    .unwrap_or(false);
                if is_partition_key {
                    report_each(format!(
                        "{place} is the partition key of `{}`: Amplify silently drops the \
                             validators of the partition key, so nothing is checked; validate \
                             the key in your client or a custom mutation",
                        site.owner
                    ));
                    continue;
                }
                check_validators(&place, scalar, &chain.calls, &mut findings);
            }
        });
    }
    for diagnostic in findings {
        context.report(diagnostic);
    }
}

fn check_validators(place: &str, scalar: Scalar, calls: &[Call], findings: &mut Vec<Diagnostic>) {
    let type_name = scalar.graphql_name();
    let mut seen: FxHashMap<&'static str, Span> = FxHashMap::default();
    for call in calls {
        let method = call.name.value.as_str();
        if call.args.is_none() {
            continue;
        }
        let Some((kind, family)) = validation_type(method) else {
            let hint = match alias(method, scalar) {
                Some(name) => format!("; did you mean `{name}`?"),
                None => format!(
                    "; the validators are {NUMERIC_VALIDATORS} (numbers) and {STRING_VALIDATORS} \
                     (strings)"
                ),
            };
            findings.push(Diagnostic::new(
                &INVALID_VALIDATOR,
                call.span,
                format!(
                    "{place}: `{method}` is not a validator (the file fails to load with \
                     `v.{method} is not a function`){hint}"
                ),
            ));
            continue;
        };
        let type_fits = match family {
            ValidatorFamily::Numeric => matches!(scalar, Scalar::Integer | Scalar::Float),
            ValidatorFamily::Length | ValidatorFamily::Text => scalar == Scalar::String,
        };
        if !type_fits {
            let (accepted, fitting) = match family {
                ValidatorFamily::Numeric => ("numeric fields (Int, Float)", STRING_VALIDATORS),
                _ => ("String fields", NUMERIC_VALIDATORS),
            };
            let advice = match scalar {
                Scalar::String => format!("use one of {fitting}"),
                Scalar::Integer | Scalar::Float => format!("use one of {fitting}"),
                _ => format!("{type_name} fields take no validators"),
            };
            findings.push(Diagnostic::new(
                &INVALID_VALIDATOR,
                call.span,
                format!(
                    "{place} is {type_name}, but `{method}` validates only {accepted} \
                     (`Validation type '{kind}' can only be used with ...`); {advice}"
                ),
            ));
            continue;
        }
        if let Some(first) = seen.get(kind) {
            let alias_note = if method == kind {
                String::new()
            } else {
                format!(" (`{method}` is `{kind}`)")
            };
            findings.push(
                Diagnostic::new(
                    &INVALID_VALIDATOR,
                    call.span,
                    format!(
                        "{place} has a second `{kind}` validator{alias_note}: Amplify accepts each \
                         validation type once per field (`Duplicate @validate directive with type \
                         '{kind}'`); keep one"
                    ),
                )
                .with_label(*first, format!("the first `{kind}` validator")),
            );
            continue;
        }
        seen.insert(kind, call.span);
        if let Some(diagnostic) = check_argument(place, method, family, call) {
            findings.push(diagnostic);
        }
    }
}

/// The validator's value: how Amplify reads it (`parseInt`, `parseFloat`) and whether it can
/// sit unescaped between the double quotes of the generated GraphQL.
fn check_argument(
    place: &str,
    method: &str,
    family: ValidatorFamily,
    call: &Call,
) -> Option<Diagnostic> {
    if matches!(method, "positive" | "negative") {
        return None;
    }
    let value = call.arg(0)?;
    let report = |message: String| Some(Diagnostic::new(&INVALID_VALIDATOR, call.span, message));
    match (family, value) {
        (ValidatorFamily::Length, Value::Number { raw, .. }) => match parse_int(raw) {
            Some(ParsedInteger::Negative) => report(format!(
                "{place}: `{method}({raw})` is negative; Amplify requires a non-negative length \
                 (`{method} value must be a non-negative integer`)"
            )),
            _ => None,
        },
        (ValidatorFamily::Length, Value::String(text)) => match parse_int(&text.value) {
            Some(ParsedInteger::NonNegative) => None,
            _ => report(format!(
                "{place}: `{method}` needs a non-negative whole number, not `{}` (`{method} \
                 value must be a non-negative integer`)",
                text.value
            )),
        },
        (ValidatorFamily::Numeric, Value::String(text)) => {
            let rest = text.value.trim_start().trim_start_matches(['+', '-']);
            let numeric = rest.starts_with(|c: char| c.is_ascii_digit())
                || (rest.starts_with('.') && rest[1..].starts_with(|c: char| c.is_ascii_digit()))
                || rest.starts_with("Infinity");
            if numeric {
                None
            } else {
                report(format!(
                    "{place}: `{method}` needs a number, not `{}` (`{method} value must be a \
                     number`)",
                    text.value
                ))
            }
        }
        (ValidatorFamily::Text, Value::String(text)) => {
            let problem = if text.value.contains('"') {
                Some((
                    "a double quote `\"`",
                    "Syntax Error: Unterminated string.",
                    "remove it",
                ))
            } else if text.value.contains('\\') {
                Some((
                    "a backslash `\\`",
                    "Syntax Error: Invalid character escape sequence",
                    "write the pattern without backslashes (e.g. `[0-9]` for `\\d`, `[.]` for `\\.`)",
                ))
            } else if text.value.contains(['\n', '\r']) {
                Some((
                    "a line break",
                    "Syntax Error: Unterminated string.",
                    "remove it",
                ))
            } else {
                None
            };
            problem.and_then(|(what, error, advice)| {
                report(format!(
                    "{place}: the value of `{method}` contains {what}; Amplify writes it \
                     unescaped into the generated GraphQL (`@validate(value: \"...\")`), which \
                     then fails to parse (`{error}`); {advice}"
                ))
            })
        }
        _ => None,
    }
}

enum ParsedInteger {
    Negative,
    NonNegative,
}

/// JavaScript's `parseInt(text)`: `None` for `NaN`.
fn parse_int(text: &str) -> Option<ParsedInteger> {
    let trimmed = text.trim_start();
    let (negative, rest) = match trimmed.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, trimmed.strip_prefix('+').unwrap_or(trimmed)),
    };
    let digits: &str = &rest[..rest.bytes().take_while(u8::is_ascii_digit).count()];
    if digits.is_empty() {
        return None;
    }
    if negative && digits.bytes().any(|digit| digit != b'0') {
        Some(ParsedInteger::Negative)
    } else {
        Some(ParsedInteger::NonNegative)
    }
}
