//! The facts the reference-field rules share: for each belongsTo (the child side, which
//! holds the reference fields), its references resolved against the child's fields and the
//! parent's identifier.
//!
//! Ownership, so that one mistake gives one diagnostic:
//! - a belongsTo whose counterpart differs (`inverse-relation-mismatch`) is not checked
//!   here: aligning the lists comes first;
//! - `missing-reference-field` and `invalid-reference-field` look at each name;
//! - `reference-count-mismatch` compares the lengths;
//! - `reference-type-mismatch`, `reference-order-mismatch`, `swapped-reference-names` only
//!   run when every reference is a plain scalar field and the counts agree;
//! - `mixed-reference-nullability` only runs when every reference is a plain scalar field.

use crate::model::{Field, FieldKind, Model, RelationKind, Scalar};
use crate::span::{Span, Spanned};

use super::pairing::{Pairing, Site, Status};

/// A belongsTo whose references the reference rules check.
pub(crate) struct ChildReferences<'p, 's> {
    pub index: usize,
    pub site: &'p Site<'s>,
    /// The references as written.
    pub names: &'s [Spanned<String>],
    /// The whole references argument.
    pub span: Span,
    /// The child's field for each name.
    pub fields: Vec<Option<&'s Field>>,
    /// The parent's identifier fields, when known.
    pub identifier: Option<Vec<Spanned<String>>>,
}

impl<'s> ChildReferences<'_, 's> {
    pub fn child(&self) -> &'s Model {
        self.site.model
    }

    pub fn parent(&self) -> &'s Model {
        self.site.related
    }

    /// The scalar type of every reference, when each is a plain (non-list) scalar field.
    pub fn scalars(&self) -> Option<Vec<Scalar>> {
        self.fields
            .iter()
            .map(|field| field.and_then(plain_scalar))
            .collect()
    }

    /// The parent's identifier types, when each is a known scalar.
    pub fn identifier_scalars(&self) -> Option<Vec<Scalar>> {
        let identifier = self.identifier.as_ref()?;
        identifier
            .iter()
            .map(|key| self.parent().scalar_of(&key.value))
            .collect()
    }

    /// Where the parent's identifier is declared, for a related label.
    pub fn identifier_label(&self) -> (Span, String) {
        let parent = self.parent();
        let names: Vec<String> = self
            .identifier
            .iter()
            .flatten()
            .map(|key| {
                let scalar = parent
                    .scalar_of(&key.value)
                    .map_or("?", Scalar::graphql_name);
                format!("`{}: {scalar}`", key.value)
            })
            .collect();
        let span = match &parent.identifier {
            Some(declared) => declared.span,
            None => self.site.related_type.key_span,
        };
        let implicit = if parent.identifier.is_none() {
            " (the implicit identifier)"
        } else {
            ""
        };
        (
            span,
            format!(
                "`{}` is identified by {}{implicit}",
                self.site.related_name,
                names.join(", ")
            ),
        )
    }
}

/// The scalar of a field usable as a reference: a scalar builder without `.array()`.
pub(crate) fn plain_scalar(field: &Field) -> Option<Scalar> {
    if field.is_array() {
        return None;
    }
    field.scalar()
}

/// Every belongsTo the reference rules check (see the module docs).
pub(crate) fn child_references<'p, 's>(
    pairing: &'p Pairing<'s>,
) -> impl Iterator<Item = ChildReferences<'p, 's>> {
    pairing
        .sites
        .iter()
        .enumerate()
        .filter(move |(index, site)| {
            site.kind() == RelationKind::BelongsTo
                && !matches!(pairing.status[*index], Status::Mismatch(_))
        })
        .filter_map(|(index, site)| {
            let crate::model::References::Known { fields, span, .. } =
                &site.relationship.references
            else {
                return None;
            };
            Some(ChildReferences {
                index,
                site,
                names: fields.as_slice(),
                span: *span,
                fields: fields
                    .iter()
                    .map(|name| site.model.field(&name.value))
                    .collect(),
                identifier: site.related.identifier_fields(),
            })
        })
}

/// Whether a field is something another rule already reports (an unknown builder), so the
/// reference rules say nothing about it.
pub(crate) fn reported_elsewhere(field: &Field) -> bool {
    matches!(field.kind, FieldKind::Other(_) | FieldKind::Unknown)
}

/// The permutations of `0..n` (for the small composite keys; `None` above 6 fields).
pub(crate) fn permutations(n: usize) -> Option<Vec<Vec<usize>>> {
    if n > 6 {
        return None;
    }
    let mut all = Vec::new();
    let mut current: Vec<usize> = (0..n).collect();
    permute(&mut current, 0, &mut all);
    Some(all)
}

fn permute(items: &mut Vec<usize>, start: usize, out: &mut Vec<Vec<usize>>) {
    if start >= items.len() {
        out.push(items.clone());
        return;
    }
    for i in start..items.len() {
        items.swap(start, i);
        permute(items, start + 1, out);
        items.swap(start, i);
    }
}

/// The lower-cased words of a camelCase or snake_case name: `authorFirstName` ->
/// `author first name`, `authorDoB` -> `author do b`.
pub(crate) fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if c == '_' || c == '-' {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            previous_lower = false;
            continue;
        }
        if c.is_uppercase() && previous_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// How many words two names share.
pub(crate) fn shared_words(a: &str, b: &str) -> usize {
    let b_words = words(b);
    words(a)
        .iter()
        .filter(|word| b_words.contains(word))
        .count()
}

/// The list `[a, b]` reordered so that item `i` becomes `items[order[i]]`: one edit per
/// item, replacing its text with the text of the item that moves there (formatting and
/// quotes kept).
pub(crate) fn reorder_edits(
    source: &str,
    items: &[Spanned<String>],
    order: &[usize],
) -> Vec<crate::fix::Edit> {
    items
        .iter()
        .zip(order)
        .filter(|(_, &from)| items.get(from).is_some())
        .filter_map(|(item, &from)| {
            let text = source.get(items[from].span.range())?;
            (items[from].span != item.span).then(|| crate::fix::Edit::replace(item.span, text))
        })
        .collect()
}

/// How a belongsTo's reference types line up with the parent's identifier, position by
/// position (`ID` and `String` count as equal).
pub(crate) enum Alignment {
    /// Every position matches.
    Aligned,
    /// Not in this order, but in `order` (position `i` takes reference `order[i]`).
    Reorderable(Vec<usize>),
    /// No order fits; these positions differ as written.
    Mismatched(Vec<usize>),
}

impl ChildReferences<'_, '_> {
    /// The alignment, when every reference is a plain scalar, every identifier type is
    /// known, and the counts agree.
    pub fn alignment(&self) -> Option<Alignment> {
        let references = self.scalars()?;
        let identifier = self.identifier_scalars()?;
        if references.len() != identifier.len() {
            return None;
        }
        let fits = |order: &[usize]| {
            order
                .iter()
                .enumerate()
                .all(|(position, &from)| references[from].matches_reference(identifier[position]))
        };
        let identity: Vec<usize> = (0..references.len()).collect();
        if fits(&identity) {
            return Some(Alignment::Aligned);
        }
        let best = permutations(references.len())
            .unwrap_or_default()
            .into_iter()
            .filter(|order| fits(order))
            .max_by_key(|order| self.name_score(order));
        Some(match best {
            Some(order) => Alignment::Reorderable(order),
            None => Alignment::Mismatched(
                identity
                    .into_iter()
                    .filter(|&position| {
                        !references[position].matches_reference(identifier[position])
                    })
                    .collect(),
            ),
        })
    }

    /// How many words the references share with the identifier fields they would hold
    /// in `order`.
    pub fn name_score(&self, order: &[usize]) -> usize {
        let Some(identifier) = &self.identifier else {
            return 0;
        };
        order
            .iter()
            .zip(identifier)
            .map(|(&from, key)| {
                self.names
                    .get(from)
                    .map_or(0, |name| shared_words(&name.value, &key.value))
            })
            .sum()
    }

    /// The edits that reorder this list, and the identical list of the matched
    /// counterpart, into `order`.
    pub fn reorder_everywhere(
        &self,
        pairing: &Pairing,
        source: &str,
        order: &[usize],
    ) -> Vec<crate::fix::Edit> {
        let mut edits = reorder_edits(source, self.names, order);
        if let Status::Matched(other) = pairing.status[self.index] {
            if let Some(fields) = pairing.sites[other].relationship.references.fields() {
                edits.extend(reorder_edits(source, fields, order));
            }
        }
        edits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_words() {
        assert_eq!(words("authorFirstName"), ["author", "first", "name"]);
        assert_eq!(words("authorDoB"), ["author", "do", "b"]);
        assert_eq!(shared_words("cityName", "name"), 1);
        assert_eq!(permutations(3).map(|all| all.len()), Some(6));
    }
}
