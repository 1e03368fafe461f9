//! Models, fields, enums, custom types and custom operations.

use rustc_hash::FxHashMap;

use super::auth::Authorization;
use crate::span::{Span, Spanned};
use crate::value::{Call, Chain, KeyKind, Value};

/// One entry of the schema object: `Name: a.model({...})`.
#[derive(Clone, Debug)]
pub struct SchemaType {
    pub name: String,
    /// The key as written (quotes and brackets included).
    pub key_span: Span,
    pub key_kind: KeyKind,
    /// The whole `Name: value` pair.
    pub span: Span,
    /// The value expression (for a constant, where the constant is defined).
    pub value_span: Span,
    pub kind: TypeKind,
}

impl SchemaType {
    pub fn as_model(&self) -> Option<&Model> {
        match &self.kind {
            TypeKind::Model(model) => Some(model),
            _ => None,
        }
    }

    /// The fields of a model or custom type (`None` for other kinds).
    pub fn fields(&self) -> Option<&[Field]> {
        match &self.kind {
            TypeKind::Model(model) => Some(&model.fields),
            TypeKind::CustomType(custom_type) => Some(&custom_type.fields),
            _ => None,
        }
    }

    pub fn is_model(&self) -> bool {
        matches!(self.kind, TypeKind::Model(_))
    }

    /// "model", "enum", "custom type", ... for messages.
    pub fn kind_name(&self) -> &'static str {
        match &self.kind {
            TypeKind::Model(_) => "model",
            TypeKind::Enum(_) => "enum",
            TypeKind::CustomType(_) => "custom type",
            TypeKind::Operation(operation) => operation.kind.as_str(),
            TypeKind::Other(_) | TypeKind::Unknown => "value",
        }
    }
}

#[derive(Clone, Debug)]
pub enum TypeKind {
    /// Boxed: a model is much larger than the other kinds.
    Model(Box<Model>),
    Enum(EnumDef),
    CustomType(CustomType),
    Operation(CustomOperation),
    /// A builder chain that is none of the above (`a.text()`, a misplaced field).
    Other(Chain),
    /// A value amplint cannot see through (an import, a function call).
    Unknown,
}

/// `a.model({...})` with its chained calls.
#[derive(Clone, Debug)]
pub struct Model {
    /// The `a.model(...)` call through the last chained call.
    pub span: Span,
    /// The `model` name in `a.model(`.
    pub call_name_span: Span,
    /// The field object literal, when the argument is one.
    pub fields_span: Option<Span>,
    pub fields: Vec<Field>,
    /// False when some field could not be read (a spread of an unknown object).
    pub fields_complete: bool,
    pub identifier: Option<IdentifierDecl>,
    pub secondary_indexes: Option<SecondaryIndexes>,
    pub disable_operations: Option<Call>,
    pub authorization: Option<Authorization>,
    /// Every call chained to `a.model(...)`, in order.
    pub modifiers: Vec<Call>,
    pub(crate) by_name: FxHashMap<String, usize>,
}

impl Model {
    /// The field named `name` (the last one when repeated).
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.by_name.get(name).map(|&index| &self.fields[index])
    }

    /// Whether every field of the model is known, including what each one is.
    pub fn fields_fully_known(&self) -> bool {
        self.fields_complete
            && self
                .fields
                .iter()
                .all(|field| !matches!(field.kind, FieldKind::Unknown))
    }

    pub fn relationships(&self) -> impl Iterator<Item = (&Field, &Relationship)> {
        self.fields.iter().filter_map(|field| match &field.kind {
            FieldKind::Relationship(relationship) => Some((field, relationship)),
            _ => None,
        })
    }

    /// The primary key fields as Amplify uses them: the declared identifier when it names
    /// fields of the model, `['id']` when there is none or Amplify falls back to `id`
    /// (an empty list, a non-array, a missing partition key); `None` when amplint cannot
    /// know (an identifier list it cannot read, or fields it cannot see).
    pub fn identifier_fields(&self) -> Option<Vec<Spanned<String>>> {
        let Some(declared) = &self.identifier else {
            return Some(vec![Spanned::new("id".to_string(), self.call_name_span)]);
        };
        match &declared.fields {
            Some(fields) if !fields.is_empty() => {
                let partition_known =
                    self.field(&fields[0].value).is_some() || fields[0].value == "id";
                if partition_known {
                    Some(fields.clone())
                } else if self.fields_complete {
                    Some(vec![Spanned::new("id".to_string(), declared.span)])
                } else {
                    None
                }
            }
            Some(_) => Some(vec![Spanned::new("id".to_string(), declared.span)]),
            None if declared.is_array_value => None,
            None => Some(vec![Spanned::new("id".to_string(), declared.span)]),
        }
    }

    /// The scalar type of a field used as a key: its declared scalar, or `ID` for the
    /// implicit `id`. `None` when the field does not exist or is not a scalar.
    pub fn scalar_of(&self, name: &str) -> Option<Scalar> {
        match self.field(name) {
            Some(field) => field.scalar(),
            None if name == "id" => Some(Scalar::Id),
            None => None,
        }
    }

    /// Whether a field is required, counting the implicit `id` as required.
    pub fn is_required(&self, name: &str) -> bool {
        match self.field(name) {
            Some(field) => field.is_required(),
            None => name == "id",
        }
    }
}

/// `name: a.string().required()` in a model or custom type.
#[derive(Clone, Debug)]
pub struct Field {
    pub name: String,
    pub key_span: Span,
    pub key_kind: KeyKind,
    /// The whole `name: value` pair.
    pub span: Span,
    pub value_span: Span,
    pub kind: FieldKind,
    /// The calls chained after the builder call (`.required()`, `.array()`, ...).
    pub modifiers: Vec<Call>,
    /// The builder chain, when the value is one.
    pub chain: Option<Chain>,
}

impl Field {
    pub fn modifier(&self, name: &str) -> Option<&Call> {
        self.modifiers.iter().find(|call| call.name.value == name)
    }

    pub fn is_required(&self) -> bool {
        self.modifier("required").is_some()
    }

    pub fn is_array(&self) -> bool {
        self.modifier("array").is_some()
    }

    pub fn scalar(&self) -> Option<Scalar> {
        match self.kind {
            FieldKind::Scalar(scalar) => Some(scalar),
            _ => None,
        }
    }

    pub fn as_relationship(&self) -> Option<&Relationship> {
        match &self.kind {
            FieldKind::Relationship(relationship) => Some(relationship),
            _ => None,
        }
    }

    /// A short description of what the field is, for messages: `ID`, `String[]`,
    /// `enum ref Status`, `hasMany relationship`.
    pub fn describe(&self) -> String {
        let list = if self.is_array() { "[]" } else { "" };
        match &self.kind {
            FieldKind::Scalar(scalar) => format!("{}{list}", scalar.graphql_name()),
            FieldKind::Ref { target } => format!("a.ref('{}'){list}", target.value),
            FieldKind::InlineEnum(_) => "an inline enum".to_string(),
            FieldKind::InlineCustomType(_) => "an inline custom type".to_string(),
            FieldKind::Relationship(relationship) => {
                format!("a {} relationship", relationship.kind.as_str())
            }
            FieldKind::Other(chain) => match chain.head() {
                Some(head) => format!("a.{}()", head.name.value),
                None => "an unknown value".to_string(),
            },
            FieldKind::Unknown => "an unknown value".to_string(),
        }
    }
}

#[derive(Clone, Debug)]
pub enum FieldKind {
    Scalar(Scalar),
    /// `a.ref('Name')`; whether it is an enum, custom type or model depends on the schema.
    Ref {
        target: Spanned<String>,
    },
    InlineEnum(EnumDef),
    InlineCustomType(CustomType),
    Relationship(Relationship),
    /// A builder chain that is not a field builder (`a.text()`, `a.model(...)`,
    /// `a.manyToMany(...)`).
    Other(Chain),
    /// A value amplint cannot see through.
    Unknown,
}

/// The scalar field builders that exist at runtime.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scalar {
    Id,
    String,
    Integer,
    Float,
    Boolean,
    Date,
    Time,
    DateTime,
    Timestamp,
    Email,
    Json,
    Phone,
    Url,
    IpAddress,
}

impl Scalar {
    pub const ALL: [Scalar; 14] = [
        Scalar::Id,
        Scalar::String,
        Scalar::Integer,
        Scalar::Float,
        Scalar::Boolean,
        Scalar::Date,
        Scalar::Time,
        Scalar::DateTime,
        Scalar::Timestamp,
        Scalar::Email,
        Scalar::Json,
        Scalar::Phone,
        Scalar::Url,
        Scalar::IpAddress,
    ];

    /// The scalar built by `a.<name>()`.
    pub fn from_builder(name: &str) -> Option<Scalar> {
        Scalar::ALL
            .into_iter()
            .find(|scalar| scalar.builder_name() == name)
    }

    /// The builder method: `id`, `string`, `ipAddress`, ...
    pub fn builder_name(self) -> &'static str {
        match self {
            Scalar::Id => "id",
            Scalar::String => "string",
            Scalar::Integer => "integer",
            Scalar::Float => "float",
            Scalar::Boolean => "boolean",
            Scalar::Date => "date",
            Scalar::Time => "time",
            Scalar::DateTime => "datetime",
            Scalar::Timestamp => "timestamp",
            Scalar::Email => "email",
            Scalar::Json => "json",
            Scalar::Phone => "phone",
            Scalar::Url => "url",
            Scalar::IpAddress => "ipAddress",
        }
    }

    /// The GraphQL type it becomes: `ID`, `String`, `AWSIPAddress`, ...
    pub fn graphql_name(self) -> &'static str {
        match self {
            Scalar::Id => "ID",
            Scalar::String => "String",
            Scalar::Integer => "Int",
            Scalar::Float => "Float",
            Scalar::Boolean => "Boolean",
            Scalar::Date => "AWSDate",
            Scalar::Time => "AWSTime",
            Scalar::DateTime => "AWSDateTime",
            Scalar::Timestamp => "AWSTimestamp",
            Scalar::Email => "AWSEmail",
            Scalar::Json => "AWSJSON",
            Scalar::Phone => "AWSPhone",
            Scalar::Url => "AWSURL",
            Scalar::IpAddress => "AWSIPAddress",
        }
    }

    /// Whether a reference field of type `self` may point at an identifier field of type
    /// `identifier`: equal types, or `ID` and `String` either way (Amplify treats them so).
    pub fn matches_reference(self, identifier: Scalar) -> bool {
        let string_like = |scalar| matches!(scalar, Scalar::Id | Scalar::String);
        self == identifier || (string_like(self) && string_like(identifier))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RelationKind {
    HasMany,
    HasOne,
    BelongsTo,
}

impl RelationKind {
    pub fn from_builder(name: &str) -> Option<RelationKind> {
        match name {
            "hasMany" => Some(RelationKind::HasMany),
            "hasOne" => Some(RelationKind::HasOne),
            "belongsTo" => Some(RelationKind::BelongsTo),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RelationKind::HasMany => "hasMany",
            RelationKind::HasOne => "hasOne",
            RelationKind::BelongsTo => "belongsTo",
        }
    }

    /// Whether this side is the parent (hasMany/hasOne), whose identifier the references
    /// point at.
    pub fn is_parent_side(self) -> bool {
        !matches!(self, RelationKind::BelongsTo)
    }
}

/// `a.hasMany('Member', 'teamId')` and friends.
#[derive(Clone, Debug)]
pub struct Relationship {
    pub kind: RelationKind,
    /// The related model's name as written, when it is a known string.
    pub related_model: Option<Spanned<String>>,
    /// The first argument (for did-you-mean replacement), when present.
    pub related_model_span: Option<Span>,
    pub references: References,
    /// The `a.hasMany(...)` call through its modifiers.
    pub span: Span,
    /// The `hasMany` name.
    pub name_span: Span,
}

#[derive(Clone, Debug)]
pub enum References {
    /// No second argument (Gen 1 style `a.hasMany('Member')`).
    Missing,
    /// A string (`'teamId'`) or an array of strings (`['a', 'b']`).
    Known {
        fields: Vec<Spanned<String>>,
        /// Whether it was written as an array.
        array: bool,
        /// The whole argument.
        span: Span,
    },
    /// Something amplint cannot read.
    Unknown,
}

impl References {
    pub fn fields(&self) -> Option<&[Spanned<String>]> {
        match self {
            References::Known { fields, .. } => Some(fields),
            _ => None,
        }
    }

    /// The names only, for comparing two sides.
    pub fn names(&self) -> Option<Vec<&str>> {
        self.fields()
            .map(|fields| fields.iter().map(|field| field.value.as_str()).collect())
    }
}

/// `.identifier([...])`.
#[derive(Clone, Debug)]
pub struct IdentifierDecl {
    /// The `.identifier(...)` call, from the name to the closing parenthesis.
    pub span: Span,
    /// The argument, when there is one.
    pub argument: Option<Value>,
    /// The named fields, when the argument is an array of string literals.
    pub fields: Option<Vec<Spanned<String>>>,
    /// Whether the argument is an array (possibly with items amplint cannot read).
    pub is_array_value: bool,
}

/// `.secondaryIndexes((index) => [...])`.
#[derive(Clone, Debug)]
pub struct SecondaryIndexes {
    pub span: Span,
    pub indexes: Vec<IndexDef>,
    /// False when the callback or some index could not be read.
    pub complete: bool,
}

/// `index('email').sortKeys(['createdAt']).name('byEmail').queryField('listByEmail')`.
#[derive(Clone, Debug)]
pub struct IndexDef {
    pub span: Span,
    pub partition_key: Option<Spanned<String>>,
    pub sort_keys: Option<Vec<Spanned<String>>>,
    pub name: Option<Spanned<String>>,
    pub query_field: Option<Spanned<String>>,
    pub chain: Chain,
}

/// `a.enum(['A', 'B'])`.
#[derive(Clone, Debug)]
pub struct EnumDef {
    pub span: Span,
    /// The values, when they can be read.
    pub values: Option<Vec<Spanned<String>>>,
    /// The argument expression (for the hoisting fix).
    pub values_span: Option<Span>,
    /// Calls chained to `a.enum(...)` (none exist at runtime).
    pub modifiers: Vec<Call>,
}

/// `a.customType({...})`.
#[derive(Clone, Debug)]
pub struct CustomType {
    pub span: Span,
    pub fields: Vec<Field>,
    pub fields_complete: bool,
    pub fields_span: Option<Span>,
    pub modifiers: Vec<Call>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OperationKind {
    Query,
    Mutation,
    Subscription,
    Generation,
    Conversation,
}

impl OperationKind {
    pub fn from_builder(name: &str) -> Option<OperationKind> {
        match name {
            "query" => Some(OperationKind::Query),
            "mutation" => Some(OperationKind::Mutation),
            "subscription" => Some(OperationKind::Subscription),
            "generation" => Some(OperationKind::Generation),
            "conversation" => Some(OperationKind::Conversation),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            OperationKind::Query => "query",
            OperationKind::Mutation => "mutation",
            OperationKind::Subscription => "subscription",
            OperationKind::Generation => "generation",
            OperationKind::Conversation => "conversation",
        }
    }
}

/// `a.query().arguments({...}).returns(...).handler(...).authorization(...)` and friends.
#[derive(Clone, Debug)]
pub struct CustomOperation {
    pub kind: OperationKind,
    pub span: Span,
    pub chain: Chain,
    pub authorization: Option<Authorization>,
}
