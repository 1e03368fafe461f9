//! The schema model: what a file's `a.schema({...})` calls declare, with a byte span for
//! everything. Built by [`extract`]; read by the rules.
//!
//! Anything the extractor could not see through is kept as "unknown" (`complete: false`,
//! [`FieldKind::Unknown`], [`TypeKind::Unknown`]) so that rules needing the whole picture
//! stay silent rather than guess.

mod auth;
mod extract;
mod shift;
mod types;

pub use auth::{AuthRule, Authorization, Operations};
pub use extract::{extract, extract_after_edit, extract_project, extract_split, join_pieces};
pub use shift::TextChange;
pub use types::{
    CustomOperation, CustomType, EnumDef, Field, FieldKind, IdentifierDecl, IndexDef, Model,
    OperationKind, References, RelationKind, Relationship, Scalar, SchemaType, SecondaryIndexes,
    TypeKind,
};

use rustc_hash::{FxHashMap, FxHashSet};

use crate::span::Span;
use crate::value::{Call, ObjectValue, Value};

/// Everything amplint understood of one file.
#[derive(Clone, Debug, Default)]
pub struct FileModel {
    pub schemas: Vec<Schema>,
    pub define_data: Vec<DefineData>,
    /// Names standing for Amplify's builder `a` in this file.
    pub builder_names: FxHashSet<String>,
}

/// One `a.schema({...})` with the calls chained to it.
#[derive(Clone, Debug)]
pub struct Schema {
    /// The whole expression, `a.schema({...}).authorization(...)`.
    pub span: Span,
    /// The `schema` name in `a.schema(`.
    pub name_span: Span,
    /// The object literal of types, when the argument is one.
    pub object_span: Option<Span>,
    /// Types in source order; duplicates kept (JavaScript keeps the last).
    pub types: Vec<SchemaType>,
    /// False when some entry could not be read (a spread of an import, a computed key,
    /// an argument that is not an object): then a name missing from `types` may still exist.
    pub complete: bool,
    /// Schema-level rules (`.authorization(...)` chained to `a.schema`).
    pub authorization: Option<Authorization>,
    /// Every call chained to `a.schema(...)`, in order.
    pub modifiers: Vec<Call>,
    /// The types of the schemas this one is combined with by `a.combine([...])`: names
    /// resolve to them as Amplify resolves references across combined schemas, but the
    /// rules report only on [`Schema::types`] (each schema reports on its own).
    pub combined_with: Vec<SchemaType>,
    /// The `a.combine(...)` call, when the schema is part of one.
    pub combine_span: Option<Span>,
    by_name: FxHashMap<String, usize>,
    combined_by_name: FxHashMap<String, usize>,
}

impl Schema {
    pub(crate) fn new(span: Span, name_span: Span) -> Schema {
        Schema {
            span,
            name_span,
            object_span: None,
            types: Vec::new(),
            complete: false,
            authorization: None,
            modifiers: Vec::new(),
            combined_with: Vec::new(),
            combine_span: None,
            by_name: FxHashMap::default(),
            combined_by_name: FxHashMap::default(),
        }
    }

    pub(crate) fn index_types(&mut self) {
        // Built anew at the exact size: the same types give the same map whichever way
        // the schema was read (see `extract_after_edit`).
        self.by_name = FxHashMap::with_capacity_and_hasher(self.types.len(), Default::default());
        for (index, schema_type) in self.types.iter().enumerate() {
            // The last entry wins, as in JavaScript.
            self.by_name.insert(schema_type.name.clone(), index);
        }
        self.combined_by_name =
            FxHashMap::with_capacity_and_hasher(self.combined_with.len(), Default::default());
        for (index, schema_type) in self.combined_with.iter().enumerate() {
            self.combined_by_name
                .entry(schema_type.name.clone())
                .or_insert(index);
        }
    }

    /// The type registered under `name` (the last one when the key repeats), in this
    /// schema or one combined with it.
    pub fn get(&self, name: &str) -> Option<&SchemaType> {
        match self.by_name.get(name) {
            Some(&index) => Some(&self.types[index]),
            None => self
                .combined_by_name
                .get(name)
                .map(|&index| &self.combined_with[index]),
        }
    }

    pub fn model(&self, name: &str) -> Option<&Model> {
        self.get(name).and_then(SchemaType::as_model)
    }

    /// The models in source order with their registered names.
    pub fn models(&self) -> impl Iterator<Item = (&SchemaType, &Model)> {
        self.types
            .iter()
            .filter_map(|schema_type| schema_type.as_model().map(|model| (schema_type, model)))
    }

    /// This schema's types, then those of the schemas combined with it.
    pub fn types_in_scope(&self) -> impl Iterator<Item = &SchemaType> {
        self.types.iter().chain(&self.combined_with)
    }

    /// Type names, for did-you-mean suggestions.
    pub fn type_names(&self) -> impl Iterator<Item = &str> {
        self.types
            .iter()
            .chain(&self.combined_with)
            .map(|schema_type| schema_type.name.as_str())
    }

    /// Whether every type name in the schema is known, so "X is not defined" can be said.
    pub fn knows_all_types(&self) -> bool {
        self.complete
    }
}

/// `defineData({ schema, authorizationModes, ... })`.
#[derive(Clone, Debug)]
pub struct DefineData {
    pub span: Span,
    /// The `defineData` callee.
    pub name_span: Span,
    /// The argument object, when it is one.
    pub props: Option<ObjectValue>,
    /// The expression passed as `schema` (not evaluated: the schema it names is read from
    /// its own `a.schema(...)` call).
    pub schema: Option<Span>,
    /// The value passed as `authorizationModes`.
    pub authorization_modes: Option<Value>,
}
