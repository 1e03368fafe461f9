//! Which relationship answers which: the counterpart search Amplify runs in
//! `schema.transform()`, computed once per schema and shared by the relationship rules.
//!
//! For a relationship on model `M` pointing at model `T`, Amplify looks on `T` for the
//! fields of the counterpart kind (belongsTo for hasMany/hasOne, hasMany/hasOne for
//! belongsTo) that point back at `M` with the identical references list (same names, same
//! order; no list at all only matches no list). Exactly one must match.
//!
//! Only relationships amplint can decide are listed: both models are models of the schema
//! whose fields are fully known and whose relationships name their model and references
//! with literals. Everything else is left out, so the rules stay silent about it.

use rustc_hash::FxHashMap;

use crate::model::{Field, Model, References, RelationKind, Relationship, Schema, SchemaType};
use crate::span::Span;

/// One relationship field of a model, with both ends resolved.
pub(crate) struct Site<'s> {
    /// The model holding the relationship field.
    pub model_name: &'s str,
    pub model: &'s Model,
    pub field: &'s Field,
    pub relationship: &'s Relationship,
    /// The model the relationship points at.
    pub related_name: &'s str,
    pub related_type: &'s SchemaType,
    pub related: &'s Model,
}

impl Site<'_> {
    pub fn kind(&self) -> RelationKind {
        self.relationship.kind
    }

    /// `Team.members`, for messages.
    pub fn qualified_name(&self) -> String {
        format!("{}.{}", self.model_name, self.field.name)
    }

    /// The relationship call without its modifiers: `a.hasMany('Member', 'teamId')`.
    /// Relation-level diagnostics (missing or mismatched counterpart, ambiguity, a
    /// relationship in a custom type) point here.
    pub fn call_span(&self) -> Span {
        relationship_call_span(self.field, self.relationship)
    }

    /// The references as written, for messages: `'teamId'`, `['a', 'b']`, or `no references`.
    pub fn references_text(&self, source: &str) -> String {
        match &self.relationship.references {
            References::Known { span, .. } => source.get(span.range()).unwrap_or("").to_string(),
            _ => "no references".to_string(),
        }
    }
}

/// `a.hasMany('Member', 'teamId')` without the calls chained after it.
pub(crate) fn relationship_call_span(field: &Field, relationship: &Relationship) -> Span {
    let end = field
        .chain
        .as_ref()
        .and_then(|chain| chain.head())
        .map_or(relationship.span.end, |head| head.span.end);
    Span::new(
        relationship.span.file,
        relationship.span.start,
        end.max(relationship.span.start),
    )
}

/// How a relationship's counterpart search ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Status {
    /// Exactly one counterpart with the identical references list (the site index).
    Matched(usize),
    /// Several counterparts match.
    Ambiguous(Vec<usize>),
    /// Nothing matches, but these relationships of the related model point back at this
    /// model and are unmatched themselves: different references or an incompatible kind.
    Mismatch(Vec<usize>),
    /// Nothing on the related model points back at this model at all.
    MissingInverse,
}

/// Every decidable relationship of a schema and how its counterpart search ends.
pub(crate) struct Pairing<'s> {
    /// The schema these relationships belong to.
    pub schema: &'s Schema,
    pub sites: Vec<Site<'s>>,
    pub status: Vec<Status>,
}

/// Whether amplint can see every relationship of a model as Amplify will: each names a
/// model of the schema (an unknown name is `unknown-related-model`'s alone, and must not
/// make its would-be counterpart look one-sided) with references it can read.
fn relations_known(schema: &Schema, model: &Model) -> bool {
    model.fields_fully_known()
        && model.relationships().all(|(_, relationship)| {
            relationship
                .related_model
                .as_ref()
                .is_some_and(|name| schema.model(&name.value).is_some())
                && !matches!(relationship.references, References::Unknown)
        })
}

/// Whether `a` and `b` name the same references (no list only matches no list).
pub(crate) fn same_references(a: &References, b: &References) -> bool {
    match (a, b) {
        (References::Missing, References::Missing) => true,
        (References::Known { .. }, References::Known { .. }) => a.names() == b.names(),
        _ => false,
    }
}

/// Whether `a` on one model and `b` on the other can be the two sides of one relationship.
pub(crate) fn compatible_kinds(a: RelationKind, b: RelationKind) -> bool {
    a.is_parent_side() != b.is_parent_side()
}

impl<'s> Pairing<'s> {
    pub fn new(schema: &'s Schema) -> Pairing<'s> {
        let mut sites = Vec::new();
        // With the types of combined schemas: a relationship may answer one there.
        for schema_type in schema.types_in_scope() {
            let Some(model) = schema_type.as_model() else {
                continue;
            };
            // A repeated key: JavaScript keeps the last one.
            if !schema
                .get(&schema_type.name)
                .is_some_and(|registered| std::ptr::eq(registered, schema_type))
            {
                continue;
            }
            if !relations_known(schema, model) {
                continue;
            }
            for (field, relationship) in model.relationships() {
                let Some(related_name) = &relationship.related_model else {
                    continue;
                };
                let Some(related_type) = schema.get(&related_name.value) else {
                    continue;
                };
                let Some(related) = related_type.as_model() else {
                    continue;
                };
                if !relations_known(schema, related) {
                    continue;
                }
                sites.push(Site {
                    model_name: &schema_type.name,
                    model,
                    field,
                    relationship,
                    related_name: &related_type.name,
                    related_type,
                    related,
                });
            }
        }
        let mut by_pair: FxHashMap<(&str, &str), Vec<usize>> = FxHashMap::default();
        for (index, site) in sites.iter().enumerate() {
            by_pair
                .entry((site.model_name, site.related_name))
                .or_default()
                .push(index);
        }
        let empty = Vec::new();
        let matches: Vec<Vec<usize>> = sites
            .iter()
            .map(|site| {
                by_pair
                    .get(&(site.related_name, site.model_name))
                    .unwrap_or(&empty)
                    .iter()
                    .copied()
                    .filter(|&other| {
                        compatible_kinds(site.kind(), sites[other].kind())
                            && same_references(
                                &site.relationship.references,
                                &sites[other].relationship.references,
                            )
                    })
                    .collect()
            })
            .collect();
        let status = sites
            .iter()
            .enumerate()
            .map(|(index, site)| match matches[index].as_slice() {
                [single] => Status::Matched(*single),
                [] => {
                    let candidates: Vec<usize> = by_pair
                        .get(&(site.related_name, site.model_name))
                        .unwrap_or(&empty)
                        .iter()
                        .copied()
                        .filter(|&other| other != index && matches[other].is_empty())
                        .collect();
                    if candidates.is_empty() {
                        Status::MissingInverse
                    } else {
                        Status::Mismatch(candidates)
                    }
                }
                several => Status::Ambiguous(several.to_vec()),
            })
            .collect();
        Pairing {
            schema,
            sites,
            status,
        }
    }

    /// Whether `index` carries the `inverse-relation-mismatch` diagnostic of its group
    /// (the other side gets a related label). See [`mismatch_report_side`].
    pub fn reports_mismatch(&self, index: usize) -> bool {
        let Status::Mismatch(candidates) = &self.status[index] else {
            return false;
        };
        match candidates.as_slice() {
            [other] => match &self.status[*other] {
                Status::Mismatch(back) if back.as_slice() == [index] => {
                    mismatch_report_side(self, index, *other) == index
                }
                // The other side sees several candidates and reports for all of them.
                _ => false,
            },
            _ => true,
        }
    }
}

/// Which of two mutually mismatched sides is more likely wrong (and so carries the
/// diagnostic and the fix that aligns it with the other side):
/// - for incompatible kinds, the later one in the file (no fix);
/// - a side without references is wrong when the other has some;
/// - a side whose references are not all scalar fields of the child, or do not line up
///   with the parent's identifier, is wrong when the other side's do;
/// - otherwise the parent side (hasMany / hasOne): the child holds the reference fields,
///   so its list is the one the fields were written for.
pub(crate) fn mismatch_report_side(pairing: &Pairing, a: usize, b: usize) -> usize {
    let (site_a, site_b) = (&pairing.sites[a], &pairing.sites[b]);
    if !compatible_kinds(site_a.kind(), site_b.kind()) {
        return if site_a.field.span.start >= site_b.field.span.start {
            a
        } else {
            b
        };
    }
    match (
        &site_a.relationship.references,
        &site_b.relationship.references,
    ) {
        (References::Missing, References::Known { .. }) => return a,
        (References::Known { .. }, References::Missing) => return b,
        _ => {}
    }
    let (child_site, parent_site, child, parent) = if site_a.kind() == RelationKind::BelongsTo {
        (site_a, site_b, a, b)
    } else {
        (site_b, site_a, b, a)
    };
    let good = |site: &Site| references_fit(site, child_site.model, parent_site.model);
    match (good(child_site), good(parent_site)) {
        (false, true) => child,
        _ => parent,
    }
}

/// Whether a site's references are all scalar fields of `child` whose types line up, in
/// order, with `parent`'s identifier.
fn references_fit(site: &Site, child: &Model, parent: &Model) -> bool {
    let Some(names) = site.relationship.references.names() else {
        return false;
    };
    let Some(identifier) = parent.identifier_fields() else {
        return names
            .iter()
            .all(|name| child.field(name).and_then(Field::scalar).is_some());
    };
    names.len() == identifier.len()
        && names.iter().zip(&identifier).all(|(name, key)| {
            match (
                child.field(name).and_then(Field::scalar),
                parent.scalar_of(&key.value),
            ) {
                (Some(reference), Some(key)) => reference.matches_reference(key),
                (Some(_), None) => true,
                _ => false,
            }
        })
}
