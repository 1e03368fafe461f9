//! Catalog section 6: suppressions. The suppression comments themselves are honoured by
//! the engine (`crate::suppression`); this family reports the comments that suppress nothing.

pub(crate) mod unused_suppression;

use crate::registry::Rule;

pub(crate) const RULES: &[Rule] = &[Rule {
    meta: &unused_suppression::UNUSED_SUPPRESSION,
    check: unused_suppression::check,
}];
