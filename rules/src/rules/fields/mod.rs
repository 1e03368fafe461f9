//! Rules of this catalog section; one file per rule.

use crate::registry::Rule;

pub(crate) const RULES: &[Rule] = &[];
