use rustc_hash::FxHashSet;

use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::fix::{Edit, Fix};
use crate::model::{Scalar, TypeKind};
use crate::rules::fields::walk::for_each_field;
use crate::rules::Context;
use crate::suggest::did_you_mean;
use crate::value::{Call, Chain, Value};

declare_rule! {
    /// ## What it does
    /// Checks that every field is built with a builder that exists in Amplify's `a`
    /// (`a.string()`, `a.integer()`, `a.ref(...)`, ...), that each modifier chained to it
    /// exists on that builder, that a field is not something else (a nested `a.model`), and
    /// that every schema entry is a model, custom type, enum or custom operation.
    ///
    /// ## Why is this bad?
    /// TypeScript shows the mistake only if the file is type-checked; at deployment the
    /// module fails to load with `a.text is not a function` (or
    /// `a.ref(...).default is not a function`), without a location. A nested `a.model`
    /// fails later with `Unknown type: "undefined".`.
    ///
    /// ## Example
    /// ```ts
    /// Todo: a.model({
    ///   notes: a.text(),
    ///   count: a.int().required(),
    ///   tags: a.manyToMany('Tag', { relationName: 'PostTags' }),
    /// }),
    /// ```
    ///
    /// ## Fix
    /// Renames a misspelled or foreign builder to the one Amplify has (`a.text()` ->
    /// `a.string()`, `a.int()` -> `a.integer()`, `a.bool()` -> `a.boolean()`): safe when it is
    /// a pure rename with the same arguments. `a.array(x)` becomes `x.array()`, and
    /// `.optional()` is removed (fields are optional by default). `a.number()` and
    /// `a.manyToMany(...)` get an explanation instead (integer or float; a join model).
    pub(crate) static UNKNOWN_FIELD_TYPE = {
        name: "unknown-field-type",
        severity: Error,
        fix: Sometimes,
    }
}

/// The field builders of `a`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum FieldBuilder {
    Scalar,
    Ref,
    Enum,
    CustomType,
    HasMany,
    HasOne,
    BelongsTo,
}

impl FieldBuilder {
    fn from_name(name: &str) -> Option<FieldBuilder> {
        if Scalar::from_builder(name).is_some() {
            return Some(FieldBuilder::Scalar);
        }
        Some(match name {
            "ref" => FieldBuilder::Ref,
            "enum" => FieldBuilder::Enum,
            "customType" => FieldBuilder::CustomType,
            "hasMany" => FieldBuilder::HasMany,
            "hasOne" => FieldBuilder::HasOne,
            "belongsTo" => FieldBuilder::BelongsTo,
            _ => return None,
        })
    }

    /// The methods the builder returns at runtime (`@aws-amplify/data-schema`).
    fn modifiers(self) -> &'static [&'static str] {
        match self {
            FieldBuilder::Scalar => &["required", "array", "default", "authorization", "validate"],
            FieldBuilder::Ref => &["required", "array", "authorization", "mutations"],
            FieldBuilder::Enum | FieldBuilder::CustomType => &[],
            FieldBuilder::HasMany => &["valueRequired", "authorization"],
            FieldBuilder::HasOne => &["required", "authorization"],
            FieldBuilder::BelongsTo => &["authorization"],
        }
    }

    /// Missing modifiers that other rules report (`enum-modifier`, `required-relationship`).
    fn left_to_other_rules(self, modifier: &str) -> bool {
        match self {
            FieldBuilder::Enum => {
                matches!(modifier, "required" | "default" | "defaultValue" | "array")
            }
            FieldBuilder::HasMany | FieldBuilder::HasOne | FieldBuilder::BelongsTo => {
                matches!(modifier, "required" | "valueRequired")
            }
            _ => false,
        }
    }
}

/// Members of `a` that exist but do not build a field.
const NON_FIELD_BUILDERS: &[&str] = &[
    "model",
    "schema",
    "combine",
    "query",
    "mutation",
    "subscription",
    "generation",
    "conversation",
    "handler",
    "ai",
];

/// Builders that may stand at the top level of a schema.
const SCHEMA_TYPE_BUILDERS: &[&str] = &[
    "model",
    "customType",
    "enum",
    "query",
    "mutation",
    "subscription",
    "generation",
    "conversation",
];

const FIELD_BUILDER_NAMES: &[&str] = &[
    "id",
    "string",
    "integer",
    "float",
    "boolean",
    "date",
    "time",
    "datetime",
    "timestamp",
    "email",
    "json",
    "phone",
    "url",
    "ipAddress",
    "ref",
    "enum",
    "customType",
    "hasMany",
    "hasOne",
    "belongsTo",
];

const MODEL_MODIFIERS: &[&str] = &[
    "identifier",
    "secondaryIndexes",
    "disableOperations",
    "authorization",
    "relationships",
];

/// What to say about a builder name that does not exist.
enum Advice {
    /// A builder with another name does the same.
    Rename(&'static str),
    /// `a.array(x)`: write `x.array()`.
    ArrayWrapper,
    /// No single replacement; the text explains.
    Explain(&'static str),
    /// `a.manyToMany`: explain the join model.
    JoinModel,
}

/// Names from other schema languages and ORMs, lower-cased.
fn builder_alias(name: &str) -> Option<Advice> {
    let lowered = name.to_ascii_lowercase();
    Some(match lowered.as_str() {
        "text" | "varchar" | "char" | "str" | "character" | "longtext" => Advice::Rename("string"),
        "int" | "int32" | "int64" | "long" | "bigint" | "smallint" | "short" => {
            Advice::Rename("integer")
        }
        "double" | "decimal" | "real" | "numeric" | "float32" | "float64" => {
            Advice::Rename("float")
        }
        "number" => Advice::Explain(
            "use `a.integer()` for whole numbers (GraphQL `Int`) or `a.float()` for numbers with \
             a fractional part (`Float`)",
        ),
        "bool" => Advice::Rename("boolean"),
        "datetime" | "date_time" => Advice::Rename("datetime"),
        "ip" | "ipaddress" | "ipaddr" | "ipv4" | "ipv6" | "ip_address" => {
            Advice::Rename("ipAddress")
        }
        "uuid" | "guid" | "ulid" => Advice::Rename("id"),
        "object" | "map" | "jsonb" | "record" => Advice::Rename("json"),
        "phonenumber" | "tel" | "telephone" => Advice::Rename("phone"),
        "uri" | "link" => Advice::Rename("url"),
        "mail" | "emailaddress" => Advice::Rename("email"),
        "reference" => Advice::Rename("ref"),
        "array" | "list" => Advice::ArrayWrapper,
        "manytomany" | "belongstomany" | "hasandbelongstomany" => Advice::JoinModel,
        _ => return None,
    })
}

pub(crate) fn check(context: &mut Context) {
    let builder_names = &context.file.builder_names;
    let mut findings = Vec::new();
    for schema in context.schemas() {
        for schema_type in &schema.types {
            match &schema_type.kind {
                TypeKind::Other(chain) => {
                    check_schema_entry(&schema_type.name, chain, builder_names, &mut findings)
                }
                TypeKind::Model(model) => check_modifiers_against(
                    &model.modifiers,
                    MODEL_MODIFIERS,
                    "a.model(...)",
                    &mut findings,
                ),
                TypeKind::CustomType(custom_type) => check_modifiers_against(
                    &custom_type.modifiers,
                    &[],
                    "a.customType(...)",
                    &mut findings,
                ),
                TypeKind::Enum(enum_def) => {
                    let modifiers: Vec<Call> = enum_def
                        .modifiers
                        .iter()
                        .filter(|call| !FieldBuilder::Enum.left_to_other_rules(&call.name.value))
                        .cloned()
                        .collect();
                    check_modifiers_against(&modifiers, &[], "a.enum([...])", &mut findings)
                }
                TypeKind::Operation(operation) => {
                    // Argument and return types are fields too.
                    if let Some(Value::Object(arguments)) = operation
                        .chain
                        .find("arguments")
                        .and_then(|call| call.arg(0))
                    {
                        for entry in &arguments.entries {
                            if let Value::Chain(chain) = &entry.value {
                                check_field_value(
                                    context,
                                    &schema_type.name,
                                    None,
                                    chain,
                                    builder_names,
                                    &mut findings,
                                );
                            }
                        }
                    }
                    if let Some(Value::Chain(chain)) =
                        operation.chain.find("returns").and_then(|call| call.arg(0))
                    {
                        check_field_value(
                            context,
                            &schema_type.name,
                            None,
                            chain,
                            builder_names,
                            &mut findings,
                        );
                    }
                }
                TypeKind::Unknown => {}
            }
        }
        for_each_field(schema, |site| {
            if let Some(chain) = &site.field.chain {
                check_field_value(
                    context,
                    &site.owner,
                    Some(&site.field.name),
                    chain,
                    builder_names,
                    &mut findings,
                );
            }
        });
    }
    for diagnostic in findings {
        context.report(diagnostic);
    }
}

/// A field value: `a.<builder>(...)` followed by modifiers.
fn check_field_value(
    context: &Context,
    owner: &str,
    field: Option<&str>,
    chain: &Chain,
    builder_names: &FxHashSet<String>,
    findings: &mut Vec<Diagnostic>,
) {
    let Some(head) = chain.builder_head(builder_names) else {
        return;
    };
    let name = head.name.value.as_str();
    // The common case, a correct field, allocates nothing.
    if let Some(builder) = FieldBuilder::from_name(name) {
        let all_fine = head.args.is_some()
            && chain.modifiers().iter().all(|call| {
                call.args.is_some()
                    && (builder.modifiers().contains(&call.name.value.as_str())
                        || builder.left_to_other_rules(&call.name.value))
            });
        if all_fine {
            return;
        }
    }
    let place = match field {
        Some(field) => format!("`{owner}.{field}`"),
        None => format!("`{owner}`"),
    };
    let root = chain.root.value.as_str();
    match FieldBuilder::from_name(name) {
        Some(builder) => {
            if head.args.is_none() {
                // While the file does not parse, `a.string(` reads as `a.string`.
                if context.syntax_error.is_none() {
                    findings.push(not_called(root, head));
                }
                return;
            }
            let modifiers: Vec<&Call> = chain
                .modifiers()
                .iter()
                .filter(|call| !builder.left_to_other_rules(&call.name.value))
                .collect();
            let takes_no_arguments = head.args.as_ref().is_some_and(|args| args.items.is_empty());
            let described = if takes_no_arguments {
                format!("{root}.{name}()")
            } else {
                format!("{root}.{name}(...)")
            };
            check_field_modifiers(context, builder, &modifiers, &described, &place, findings);
        }
        None if NON_FIELD_BUILDERS.contains(&name) => {
            let message = if name == "model" {
                format!(
                    "{place} is a nested `{root}.model(...)`: a model cannot be a field of \
                     another type. Use `{root}.customType({{...}})` for embedded data, or define \
                     a separate model and relate the two with `{root}.hasOne`/`{root}.belongsTo`"
                )
            } else {
                format!(
                    "{place} is `{root}.{name}(...)`, which is not a field; use a field builder \
                     such as `{root}.string()`, `{root}.ref('Type')` or `{root}.customType({{...}})`"
                )
            };
            let fix = (name == "model" && chain.modifiers().is_empty() && head.args.is_some())
                .then(|| {
                    Fix::unsafe_(
                        format!("Replace `{root}.model` with `{root}.customType`"),
                        vec![Edit::replace(head.name.span, "customType")],
                    )
                });
            findings.push(
                Diagnostic::new(&UNKNOWN_FIELD_TYPE, head.name.span, message)
                    .with_optional_fix(fix),
            );
        }
        None => findings.push(unknown_builder(context, root, chain, head, &place)),
    }
}

/// `a.string` without parentheses.
fn not_called(root: &str, head: &Call) -> Diagnostic {
    let name = &head.name.value;
    Diagnostic::new(
        &UNKNOWN_FIELD_TYPE,
        head.name.span,
        format!("`{root}.{name}` is not called: write `{root}.{name}()`"),
    )
    .with_fix(Fix::safe(
        format!("Call `{root}.{name}()`"),
        vec![Edit::insert(head.name.span.at_end(), "()")],
    ))
}

fn unknown_builder(
    context: &Context,
    root: &str,
    chain: &Chain,
    head: &Call,
    place: &str,
) -> Diagnostic {
    let name = head.name.value.as_str();
    let fails = format!("the file fails to load with `{root}.{name} is not a function`");
    let args_empty = head
        .args
        .as_ref()
        .is_some_and(|args| args.items.is_empty() && args.complete);
    let advice = builder_alias(name)
        .or_else(|| did_you_mean(name, FIELD_BUILDER_NAMES.iter().copied()).map(Advice::Rename));
    match advice {
        Some(Advice::Rename(target)) => {
            let safe = Scalar::from_builder(target).is_none() || args_empty;
            let title = format!("Replace `{root}.{name}` with `{root}.{target}`");
            let edits = vec![Edit::replace(head.name.span, target)];
            let fix = if safe {
                Fix::safe(title, edits)
            } else {
                Fix::unsafe_(title, edits)
            };
            Diagnostic::new(
                &UNKNOWN_FIELD_TYPE,
                head.name.span,
                format!(
                    "{place} uses `{root}.{name}()`, which does not exist ({fails}); did you mean \
                     `{root}.{target}()`?"
                ),
            )
            .with_fix(fix)
        }
        Some(Advice::ArrayWrapper) => {
            let element = head.arg(0).and_then(Value::as_chain);
            let fix = element
                .filter(|_| head.args.as_ref().is_some_and(|a| a.items.len() == 1))
                .map(|element| {
                    let replaced = crate::span::Span::new(
                        chain.root.span.file,
                        chain.root.span.start,
                        head.span.end,
                    );
                    Fix::safe(
                        "Write `.array()` after the element type",
                        vec![Edit::replace(
                            replaced,
                            format!("{}.array()", context.text(element.span)),
                        )],
                    )
                });
            Diagnostic::new(
                &UNKNOWN_FIELD_TYPE,
                head.name.span,
                format!(
                    "{place} uses `{root}.{name}(...)`, which does not exist ({fails}); a list is \
                     written by chaining `.array()` to the element type, e.g. \
                     `{root}.string().array()`"
                ),
            )
            .with_optional_fix(fix)
        }
        Some(Advice::JoinModel) => {
            let related = head
                .arg(0)
                .and_then(Value::as_str)
                .unwrap_or("Other")
                .to_string();
            let owner = place.trim_matches('`');
            let owner = owner.split('.').next().unwrap_or(owner).to_string();
            let join = format!("{owner}{related}");
            let owner_reference = format!("{}Id", lower_first(&owner));
            let related_reference = format!("{}Id", lower_first(&related));
            Diagnostic::new(
                &UNKNOWN_FIELD_TYPE,
                head.name.span,
                format!(
                    "{place} uses `{root}.{name}(...)`, which does not exist in Amplify Gen 2 \
                     ({fails}). Model a many-to-many relationship with a join model: \
                     `{join}: {root}.model({{ {owner_reference}: {root}.id().required(), \
                     {related_reference}: {root}.id().required(), {}: {root}.belongsTo('{owner}', \
                     '{owner_reference}'), {}: {root}.belongsTo('{related}', '{related_reference}') }})`, \
                     then `{root}.hasMany('{join}', '{owner_reference}')` on `{owner}` and \
                     `{root}.hasMany('{join}', '{related_reference}')` on `{related}`",
                    lower_first(&owner),
                    lower_first(&related),
                ),
            )
        }
        Some(Advice::Explain(text)) => Diagnostic::new(
            &UNKNOWN_FIELD_TYPE,
            head.name.span,
            format!("{place} uses `{root}.{name}()`, which does not exist ({fails}); {text}"),
        ),
        None => Diagnostic::new(
            &UNKNOWN_FIELD_TYPE,
            head.name.span,
            format!(
                "{place} uses `{root}.{name}(...)`, which does not exist ({fails}); the field \
                 builders are `id`, `string`, `integer`, `float`, `boolean`, `date`, `time`, \
                 `datetime`, `timestamp`, `email`, `json`, `phone`, `url`, `ipAddress`, `ref`, \
                 `enum`, `customType`, `hasMany`, `hasOne` and `belongsTo`"
            ),
        ),
    }
}

fn lower_first(text: &str) -> String {
    let mut characters = text.chars();
    match characters.next() {
        Some(first) => first.to_lowercase().chain(characters).collect(),
        None => String::new(),
    }
}

/// The modifiers of a field builder.
fn check_field_modifiers(
    context: &Context,
    builder: FieldBuilder,
    modifiers: &[&Call],
    described: &str,
    place: &str,
    findings: &mut Vec<Diagnostic>,
) {
    let allowed = builder.modifiers();
    for &call in modifiers {
        let name = call.name.value.as_str();
        if allowed.contains(&name) {
            if call.args.is_none() && call.index.is_none() && context.syntax_error.is_none() {
                findings.push(modifier_not_called(call));
            }
            continue;
        }
        if call.args.is_none() {
            // A property read (`.data`), not a method call.
            continue;
        }
        let fails = format!("the file fails to load with `{described}.{name} is not a function`");
        let explanation = match (builder, name) {
            (_, "optional") => {
                Some("fields are optional unless `.required()` is called, so remove it".to_string())
            }
            (_, "unique") => Some(
                "Amplify has no unique constraint; make the field the model's \
                 `.identifier([...])`, or look records up through `.secondaryIndexes(...)`"
                    .to_string(),
            ),
            (_, "index") => Some(
                "declare indexes on the model: `.secondaryIndexes((index) => [index('field')])`"
                    .to_string(),
            ),
            (FieldBuilder::Ref, "default") => Some(
                "a field that refers to an enum or custom type cannot have a default in Amplify \
                 Gen 2"
                    .to_string(),
            ),
            (FieldBuilder::CustomType, "required" | "array") => Some(format!(
                "`a.customType(...)` has no methods: define the custom type at the top level of \
                 the schema and use `a.ref('Name').{name}()`"
            )),
            (FieldBuilder::CustomType | FieldBuilder::Enum, _) => {
                Some("it has no methods at all".to_string())
            }
            (FieldBuilder::HasMany, "array") => {
                Some("a hasMany relationship is already a list".to_string())
            }
            (FieldBuilder::HasOne | FieldBuilder::BelongsTo, "array") => Some(
                "it relates a single record; use `a.hasMany(...)` on the parent for a list"
                    .to_string(),
            ),
            _ => None,
        };
        let suggestion = did_you_mean(name, allowed.iter().copied());
        let mut message = format!("{place}: `.{name}()` does not exist on `{described}` ({fails})");
        let fix = if name == "optional" {
            Some(Fix::safe(
                "Remove `.optional()`",
                vec![Edit::delete(call.tail_span)],
            ))
        } else {
            suggestion.map(|target| {
                Fix::safe(
                    format!("Replace `.{name}` with `.{target}`"),
                    vec![Edit::replace(call.name.span, target)],
                )
            })
        };
        match (explanation, suggestion) {
            (Some(explanation), _) => message.push_str(&format!("; {explanation}")),
            (None, Some(target)) => message.push_str(&format!("; did you mean `.{target}()`?")),
            (None, None) if allowed.is_empty() => message.push_str("; it has no methods at all"),
            (None, None) => message.push_str(&format!(
                "; it has {}",
                allowed
                    .iter()
                    .map(|modifier| format!("`.{modifier}()`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
        let _ = context;
        findings
            .push(Diagnostic::new(&UNKNOWN_FIELD_TYPE, call.span, message).with_optional_fix(fix));
    }
}

fn modifier_not_called(call: &Call) -> Diagnostic {
    let name = &call.name.value;
    Diagnostic::new(
        &UNKNOWN_FIELD_TYPE,
        call.span,
        format!("`.{name}` is not called: write `.{name}()`"),
    )
    .with_fix(Fix::safe(
        format!("Call `.{name}()`"),
        vec![Edit::insert(call.span.at_end(), "()")],
    ))
}

/// Modifiers of a schema entry (`a.model(...)`, a top-level `a.customType` or `a.enum`).
fn check_modifiers_against(
    modifiers: &[Call],
    allowed: &[&str],
    described: &str,
    findings: &mut Vec<Diagnostic>,
) {
    for call in modifiers {
        let name = call.name.value.as_str();
        if call.args.is_none() || allowed.contains(&name) {
            continue;
        }
        let suggestion = did_you_mean(name, allowed.iter().copied());
        let mut message = format!(
            "`.{name}()` does not exist on `{described}` (the file fails to load with \
             `{described}.{name} is not a function`)"
        );
        match suggestion {
            Some(target) => message.push_str(&format!("; did you mean `.{target}()`?")),
            None if allowed.is_empty() => message.push_str("; it has no methods"),
            None => message.push_str(&format!(
                "; it has {}",
                allowed
                    .iter()
                    .map(|modifier| format!("`.{modifier}()`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
        let fix = suggestion.map(|target| {
            Fix::safe(
                format!("Replace `.{name}` with `.{target}`"),
                vec![Edit::replace(call.name.span, target)],
            )
        });
        findings
            .push(Diagnostic::new(&UNKNOWN_FIELD_TYPE, call.span, message).with_optional_fix(fix));
    }
}

/// A schema entry that is not a model, custom type, enum or custom operation.
fn check_schema_entry(
    name: &str,
    chain: &Chain,
    builder_names: &FxHashSet<String>,
    findings: &mut Vec<Diagnostic>,
) {
    let Some(head) = chain.builder_head(builder_names) else {
        return;
    };
    let root = chain.root.value.as_str();
    let builder = head.name.value.as_str();
    let diagnostic = if FieldBuilder::from_name(builder).is_some() {
        Diagnostic::new(
            &UNKNOWN_FIELD_TYPE,
            head.name.span,
            format!(
                "schema entry `{name}` is a field (`{root}.{builder}(...)`), not a type: fields \
                 belong inside `{root}.model({{...}})` or `{root}.customType({{...}})`"
            ),
        )
    } else if NON_FIELD_BUILDERS.contains(&builder) {
        Diagnostic::new(
            &UNKNOWN_FIELD_TYPE,
            head.name.span,
            format!(
                "schema entry `{name}` is `{root}.{builder}(...)`, which is not a schema type; \
                 use `{root}.model`, `{root}.customType`, `{root}.enum` or a custom operation"
            ),
        )
    } else {
        let suggestion = did_you_mean(builder, SCHEMA_TYPE_BUILDERS.iter().copied());
        let mut message = format!(
            "schema entry `{name}` uses `{root}.{builder}(...)`, which does not exist (the file \
             fails to load with `{root}.{builder} is not a function`)"
        );
        match suggestion {
            Some(target) => message.push_str(&format!("; did you mean `{root}.{target}`?")),
            None => message.push_str(&format!(
                "; a schema entry is `{root}.model`, `{root}.customType`, `{root}.enum`, \
                 `{root}.query`, `{root}.mutation`, `{root}.subscription`, `{root}.generation` or \
                 `{root}.conversation`"
            )),
        }
        let fix = suggestion.map(|target| {
            Fix::safe(
                format!("Replace `{root}.{builder}` with `{root}.{target}`"),
                vec![Edit::replace(head.name.span, target)],
            )
        });
        Diagnostic::new(&UNKNOWN_FIELD_TYPE, head.name.span, message).with_optional_fix(fix)
    };
    findings.push(diagnostic);
}
