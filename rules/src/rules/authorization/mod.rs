//! Catalog section 4: authorization; one file per rule, plus [`authorization_sites`], the
//! one walk over every `.authorization(...)` call of a file that the rules share
//! ([`Context::authorization_sites`]).

mod auth_operations;
mod auth_provider_not_configured;
mod duplicate_auth_rule;
mod invalid_auth_rule;
mod missing_authorization;
mod public_auth;

use std::borrow::Cow;

use crate::model::{Authorization, Field, FileModel, Model, Schema, TypeKind};
use crate::registry::Rule;
use crate::rules::Context;
use crate::value::Call;

pub(crate) const RULES: &[Rule] = &[
    Rule {
        meta: &public_auth::PUBLIC_AUTH,
        check: public_auth::check,
    },
    Rule {
        meta: &auth_operations::AUTH_OPERATIONS,
        check: auth_operations::check,
    },
    Rule {
        meta: &missing_authorization::MISSING_AUTHORIZATION,
        check: missing_authorization::check,
    },
    Rule {
        meta: &auth_provider_not_configured::AUTH_PROVIDER_NOT_CONFIGURED,
        check: auth_provider_not_configured::check,
    },
    Rule {
        meta: &duplicate_auth_rule::DUPLICATE_AUTH_RULE,
        check: duplicate_auth_rule::check,
    },
    Rule {
        meta: &invalid_auth_rule::INVALID_AUTH_RULE,
        check: invalid_auth_rule::check,
    },
];

/// Where an `.authorization(...)` call sits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AuthLevel {
    /// `a.schema({...}).authorization(...)`.
    Schema,
    /// `a.model({...}).authorization(...)`.
    Model,
    /// `a.string().authorization(...)` on a field of a model.
    Field,
    /// `a.query()...authorization(...)` and the other custom operations.
    CustomOperation,
}

/// One `.authorization(...)` call with what it belongs to.
pub(crate) struct AuthSite<'a> {
    pub level: AuthLevel,
    /// The `.authorization(...)` call itself.
    pub call: &'a Call,
    pub authorization: Cow<'a, Authorization>,
    pub schema: &'a Schema,
    /// The model or custom operation name (`None` at schema level).
    pub type_name: Option<&'a str>,
    pub model: Option<&'a Model>,
    pub field: Option<&'a Field>,
}

impl AuthSite<'_> {
    /// `model Post`, `field Post.title`, `query echo`, `the schema`, for messages.
    pub fn describe(&self) -> String {
        match (self.level, self.type_name, self.field) {
            (AuthLevel::Field, Some(model), Some(field)) => {
                format!("field `{model}.{}`", field.name)
            }
            (AuthLevel::Model, Some(model), _) => format!("model `{model}`"),
            (AuthLevel::CustomOperation, Some(name), _) => format!("custom operation `{name}`"),
            _ => "the schema".to_string(),
        }
    }
}

/// Every `.authorization(...)` call of the file: schema level, model level, field level
/// (parsed here with the extractor's own reader) and on custom operations, in source order
/// per schema. The rules read it through [`Context::authorization_sites`], built once.
pub(crate) fn authorization_sites(file: &FileModel) -> Vec<AuthSite<'_>> {
    let builder_names = &file.builder_names;
    let mut sites = Vec::new();
    for schema in &file.schemas {
        if let Some(authorization) = &schema.authorization {
            if let Some(call) = call_with_span(&schema.modifiers, authorization) {
                sites.push(AuthSite {
                    level: AuthLevel::Schema,
                    call,
                    authorization: Cow::Borrowed(authorization),
                    schema,
                    type_name: None,
                    model: None,
                    field: None,
                });
            }
        }
        for schema_type in &schema.types {
            match &schema_type.kind {
                TypeKind::Model(model) => {
                    for field in &model.fields {
                        for call in &field.modifiers {
                            if call.name.value != "authorization" {
                                continue;
                            }
                            sites.push(AuthSite {
                                level: AuthLevel::Field,
                                call,
                                authorization: Cow::Owned(Authorization::from_call(
                                    call,
                                    builder_names,
                                )),
                                schema,
                                type_name: Some(&schema_type.name),
                                model: Some(model),
                                field: Some(field),
                            });
                        }
                    }
                    if let Some(authorization) = &model.authorization {
                        if let Some(call) = call_with_span(&model.modifiers, authorization) {
                            sites.push(AuthSite {
                                level: AuthLevel::Model,
                                call,
                                authorization: Cow::Borrowed(authorization),
                                schema,
                                type_name: Some(&schema_type.name),
                                model: Some(model),
                                field: None,
                            });
                        }
                    }
                }
                TypeKind::Operation(operation) => {
                    if let Some(authorization) = &operation.authorization {
                        if let Some(call) =
                            call_with_span(operation.chain.modifiers(), authorization)
                        {
                            sites.push(AuthSite {
                                level: AuthLevel::CustomOperation,
                                call,
                                authorization: Cow::Borrowed(authorization),
                                schema,
                                type_name: Some(&schema_type.name),
                                model: None,
                                field: None,
                            });
                        }
                    }
                }
                _ => {}
            }
        }
    }
    sites
}

fn call_with_span<'a>(calls: &'a [Call], authorization: &Authorization) -> Option<&'a Call> {
    calls.iter().find(|call| call.span == authorization.span)
}

/// The item text of an operation or group list in the quote style the file uses.
pub(crate) fn quoted(context: &Context, like: crate::span::Span, text: &str) -> String {
    let quote = context
        .text(like)
        .chars()
        .next()
        .filter(|first| matches!(first, '\'' | '"' | '`'))
        .unwrap_or('\'');
    format!("{quote}{text}{quote}")
}

#[cfg(test)]
mod tests {
    use crate::settings::Settings;
    use crate::syntax::SourceKind;

    /// Broken and odd authorization code must never panic.
    #[test]
    fn odd_input_does_not_panic() {
        let bodies = [
            ".authorization()",
            ".authorization((allow) => allow)",
            ".authorization((allow) => [allow.owner().to()])",
            ".authorization((allow) => [allow.owner().to[]])",
            ".authorization((allow) => [allow.owner().to['read', ])",
            ".authorization((allow) => [allow.groups(), allow.groups()])",
            ".authorization((allow) => [allow.public(1, 2), allow.private(x)])",
            ".authorization(() => [a.allow.public(), a.allow])",
            ".authorization([a.allow, a.allow.owner(), 3])",
            ".authorization((allow) => [allow.owner().to(['read', 'get', 'get', 'list'])])",
            ".authorization((allow) => [allow.owner().to(['get', ...more, 'read'])])",
            ".authorization((allow) => [allow.ownerDefinedIn(), allow.ownersDefinedIn(1)])",
            ".authorization((allow) => [allow.owner('日本'), allow.custom('🙂')])",
        ];
        for body in bodies {
            let source = format!(
                "import {{ a, defineData }} from '@aws-amplify/backend';\n\
                 const schema = a.schema({{\n  Post: a.model({{ owner: a.integer(), t: a.string(){body} }}){body},\n}}){body};\n\
                 export const data = defineData({{ schema, authorizationModes: {{}} }});\n"
            );
            let _ = crate::check(&source, SourceKind::TypeScript, &Settings::default());
            let _ = crate::engine::fix_all(
                &source,
                SourceKind::TypeScript,
                &Settings::default(),
                crate::fix::Applicability::Unsafe,
            );
        }
    }
}
