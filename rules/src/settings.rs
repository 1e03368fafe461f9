//! What the caller (CLI, server, config file) tells the engine.

use rustc_hash::FxHashMap;

use crate::diagnostic::Severity;

/// Engine settings. The default runs every rule at its catalog severity.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// Per-rule severity: `Some(severity)` overrides the default, `None` turns the rule off.
    pub rule_severity: FxHashMap<String, Option<Severity>>,
    /// Whether the project defines auth (`defineAuth`), when known: decides which
    /// authorization modes `defineData` enables by default.
    pub has_define_auth: Option<bool>,
}

impl Settings {
    /// The severity `rule` runs at, or `None` when it is turned off.
    pub fn severity_of(&self, rule: &str, default: Severity) -> Option<Severity> {
        match self.rule_severity.get(rule) {
            Some(setting) => *setting,
            None => Some(default),
        }
    }
}
