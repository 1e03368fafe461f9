//! Catalog section 1: relationships (hasMany / hasOne / belongsTo); one file per rule.

mod unknown_related_model;

use crate::registry::Rule;

pub(crate) const RULES: &[Rule] = &[Rule {
    meta: &unknown_related_model::UNKNOWN_RELATED_MODEL,
    check: unknown_related_model::check,
}];
