//! Authorization rules: `.authorization((allow) => [allow.owner(), ...])`.

use crate::span::{Span, Spanned};
use crate::value::{Call, Chain, Value};

/// One `.authorization(callback)` call.
#[derive(Clone, Debug)]
pub struct Authorization {
    /// The `.authorization(...)` call, from the name to the closing parenthesis.
    pub span: Span,
    /// The callback's parameter (`allow`, or whatever the author called it).
    pub parameter: Option<Spanned<String>>,
    pub rules: Vec<AuthRule>,
    /// Whether the callback returned an array (`[allow.x()]`) rather than one rule.
    pub returns_array: bool,
    /// False when the callback or some rule could not be read.
    pub complete: bool,
}

impl Authorization {
    /// Reads the argument of `.authorization(...)`.
    pub(crate) fn from_call(
        call: &Call,
        builder_names: &rustc_hash::FxHashSet<String>,
    ) -> Authorization {
        let mut authorization = Authorization {
            span: call.span,
            parameter: None,
            rules: Vec::new(),
            returns_array: false,
            complete: false,
        };
        let Some(Value::Function(callback)) = call.arg(0) else {
            return authorization;
        };
        authorization.parameter = callback.params.first().cloned();
        let parameter = authorization
            .parameter
            .as_ref()
            .map(|param| param.value.as_str());
        let (items, complete): (Vec<&Value>, bool) = match callback.body.as_ref() {
            Value::Array(array) => {
                authorization.returns_array = true;
                (array.items.iter().collect(), array.complete)
            }
            single => (vec![single], true),
        };
        authorization.complete = complete;
        for item in items {
            match AuthRule::from_value(item, parameter, builder_names) {
                Some(rule) => authorization.rules.push(rule),
                None => authorization.complete = false,
            }
        }
        authorization
    }
}

/// One rule such as `allow.owner().to(['read'])`.
#[derive(Clone, Debug)]
pub struct AuthRule {
    /// The whole rule expression.
    pub span: Span,
    /// The strategy: `publicApiKey`, `owner`, `groups`, ... (as written, even when it does
    /// not exist, like `public`).
    pub strategy: Spanned<String>,
    /// The strategy call (`allow.owner('oidc')`), with its arguments.
    pub strategy_call: Call,
    /// Written in the Gen 1 / preview form `a.allow.public()`.
    pub via_builder_allow: bool,
    /// The calls chained after the strategy (`.to([...])`, `.identityClaim(...)`, ...).
    pub modifiers: Vec<Call>,
    pub chain: Chain,
}

impl AuthRule {
    fn from_value(
        value: &Value,
        parameter: Option<&str>,
        builder_names: &rustc_hash::FxHashSet<String>,
    ) -> Option<AuthRule> {
        let chain = value.as_chain()?;
        let root = chain.root.value.as_str();
        let (strategy_index, via_builder_allow) = if Some(root) == parameter {
            (0, false)
        } else if builder_names.contains(root) && chain.calls.first()?.name.value == "allow" {
            (1, true)
        } else {
            return None;
        };
        let strategy_call = chain.calls.get(strategy_index)?.clone();
        Some(AuthRule {
            span: chain.span,
            strategy: strategy_call.name.clone(),
            modifiers: chain.calls[strategy_index + 1..].to_vec(),
            strategy_call,
            via_builder_allow,
            chain: chain.clone(),
        })
    }

    pub fn modifier(&self, name: &str) -> Option<&Call> {
        self.modifiers.iter().find(|call| call.name.value == name)
    }

    /// The provider named in the strategy's arguments, if any (`'oidc'` in
    /// `allow.owner('oidc')`, `'userPools'` in `allow.groups(['A'], 'userPools')`).
    pub fn explicit_provider(&self) -> Option<&Spanned<String>> {
        let position = match self.strategy.value.as_str() {
            "guest" | "authenticated" | "owner" | "custom" => 0,
            "ownerDefinedIn" | "ownersDefinedIn" | "group" | "groups" | "groupDefinedIn"
            | "groupsDefinedIn" => 1,
            _ => return None,
        };
        self.strategy_call.arg(position)?.as_string()
    }

    /// The provider this rule uses: the explicit one or the strategy's default.
    pub fn provider(&self) -> Option<String> {
        if let Some(explicit) = self.explicit_provider() {
            return Some(explicit.value.clone());
        }
        let default = match self.strategy.value.as_str() {
            "publicApiKey" => "apiKey",
            "guest" => "identityPool",
            "authenticated" | "owner" | "ownerDefinedIn" | "ownersDefinedIn" | "group"
            | "groups" | "groupDefinedIn" | "groupsDefinedIn" => "userPools",
            "custom" => "function",
            "resource" => "iam",
            _ => return None,
        };
        Some(default.to_string())
    }

    /// The operations given with `.to(...)`.
    pub fn operations(&self) -> Option<Operations> {
        let to = self.modifier("to")?;
        Some(match (&to.args, &to.index) {
            (_, Some(_)) => Operations::IndexAccess(to.span),
            (Some(args), None) => match args.items.first() {
                Some(Value::Array(array)) => Operations::List {
                    operations: array
                        .items
                        .iter()
                        .filter_map(|item| item.as_string().cloned())
                        .collect(),
                    complete: array.complete
                        && array.items.iter().all(|item| item.as_str().is_some()),
                    span: array.span,
                },
                Some(other) if other.as_str().is_some() => Operations::NotArray(other.span()),
                _ => Operations::Unknown,
            },
            (None, None) => Operations::Unknown,
        })
    }
}

/// What `.to(...)` was given.
#[derive(Clone, Debug)]
pub enum Operations {
    /// `.to(['read', 'create'])`.
    List {
        operations: Vec<Spanned<String>>,
        complete: bool,
        span: Span,
    },
    /// `.to('read')`.
    NotArray(Span),
    /// `.to['read']` or `.to[...]`.
    IndexAccess(Span),
    /// A value amplint cannot read.
    Unknown,
}
