//! Catalog section 1: relationships (hasMany / hasOne / belongsTo); one file per rule.
//!
//! `pairing` (which side answers which), `references` (a belongsTo's references resolved)
//! and `edits` (inserting fields in the file's style) are shared by the rules.

mod ambiguous_relation;
mod edits;
mod invalid_reference_field;
mod inverse_relation_mismatch;
mod missing_inverse_relation;
mod missing_reference_field;
mod mixed_reference_nullability;
pub(crate) mod pairing;
mod ref_to_model;
mod reference_count_mismatch;
mod reference_order_mismatch;
mod reference_type_mismatch;
mod references;
mod relational_auth_redaction;
mod relationship_in_custom_type;
mod required_relationship;
mod swapped_reference_names;
mod unknown_related_model;

use crate::registry::Rule;

pub(crate) const RULES: &[Rule] = &[
    Rule {
        meta: &unknown_related_model::UNKNOWN_RELATED_MODEL,
        check: unknown_related_model::check,
    },
    Rule {
        meta: &ref_to_model::REF_TO_MODEL,
        check: ref_to_model::check,
    },
    Rule {
        meta: &missing_reference_field::MISSING_REFERENCE_FIELD,
        check: missing_reference_field::check,
    },
    Rule {
        meta: &invalid_reference_field::INVALID_REFERENCE_FIELD,
        check: invalid_reference_field::check,
    },
    Rule {
        meta: &reference_type_mismatch::REFERENCE_TYPE_MISMATCH,
        check: reference_type_mismatch::check,
    },
    Rule {
        meta: &reference_count_mismatch::REFERENCE_COUNT_MISMATCH,
        check: reference_count_mismatch::check,
    },
    Rule {
        meta: &reference_order_mismatch::REFERENCE_ORDER_MISMATCH,
        check: reference_order_mismatch::check,
    },
    Rule {
        meta: &swapped_reference_names::SWAPPED_REFERENCE_NAMES,
        check: swapped_reference_names::check,
    },
    Rule {
        meta: &missing_inverse_relation::MISSING_INVERSE_RELATION,
        check: missing_inverse_relation::check,
    },
    Rule {
        meta: &inverse_relation_mismatch::INVERSE_RELATION_MISMATCH,
        check: inverse_relation_mismatch::check,
    },
    Rule {
        meta: &ambiguous_relation::AMBIGUOUS_RELATION,
        check: ambiguous_relation::check,
    },
    Rule {
        meta: &required_relationship::REQUIRED_RELATIONSHIP,
        check: required_relationship::check,
    },
    Rule {
        meta: &mixed_reference_nullability::MIXED_REFERENCE_NULLABILITY,
        check: mixed_reference_nullability::check,
    },
    Rule {
        meta: &relationship_in_custom_type::RELATIONSHIP_IN_CUSTOM_TYPE,
        check: relationship_in_custom_type::check,
    },
    Rule {
        meta: &relational_auth_redaction::RELATIONAL_AUTH_REDACTION,
        check: relational_auth_redaction::check,
    },
];
