//! Catalog section 5: fields, names, operations; one file per rule.

mod invalid_custom_operation;
mod invalid_default_value;
mod invalid_graphql_name;
mod invalid_validator;
mod name_collision;
mod pluralize;
mod unknown_field_type;
mod walk;

use crate::registry::Rule;

pub(crate) const RULES: &[Rule] = &[
    Rule {
        meta: &unknown_field_type::UNKNOWN_FIELD_TYPE,
        check: unknown_field_type::check,
    },
    Rule {
        meta: &invalid_default_value::INVALID_DEFAULT_VALUE,
        check: invalid_default_value::check,
    },
    Rule {
        meta: &invalid_validator::INVALID_VALIDATOR,
        check: invalid_validator::check,
    },
    Rule {
        meta: &name_collision::NAME_COLLISION,
        check: name_collision::check,
    },
    Rule {
        meta: &invalid_graphql_name::INVALID_GRAPHQL_NAME,
        check: invalid_graphql_name::check,
    },
    Rule {
        meta: &invalid_custom_operation::INVALID_CUSTOM_OPERATION,
        check: invalid_custom_operation::check,
    },
];
