//! Moving a model's spans past an edit, so that the language server can keep every type
//! of a schema that an edit did not touch instead of reading them all again
//! ([`super::extract_after_edit`]).

use super::auth::{AuthRule, Authorization};
use super::types::*;
use super::{DefineData, Schema};
use crate::span::{FileId, Span, Spanned};
use crate::value::{Args, ArrayValue, Call, Chain, Entry, FunctionValue, ObjectValue, Value};

/// One edit of a file's text, as byte offsets: `start..old_end` of the old text became
/// `start..new_end` of the new one. Several edits combine into the one range that covers
/// them all ([`TextChange::then`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TextChange {
    pub start: usize,
    pub old_end: usize,
    pub new_end: usize,
}

impl TextChange {
    pub fn new(start: usize, old_end: usize, new_end: usize) -> TextChange {
        TextChange {
            start,
            old_end: old_end.max(start),
            new_end: new_end.max(start),
        }
    }

    /// This change followed by `next` (whose offsets are in the text this one left), as
    /// one change of the original text.
    pub fn then(self, next: TextChange) -> TextChange {
        // In the intermediate text, the changed part ends at the later of the two ends.
        let end_between = self.new_end.max(next.old_end);
        TextChange {
            start: self.start.min(next.start),
            old_end: self.old_end + (end_between - self.new_end),
            new_end: end_between - next.old_end + next.new_end,
        }
    }

    /// Where an offset of the old text at or after [`TextChange::old_end`] is now.
    fn moved(self, offset: usize) -> usize {
        offset - self.old_end + self.new_end
    }
}

/// Something holding spans that can follow an edit of the file (`FileId::MAIN`) they
/// point into: a span after the edit moves with the text, a span around it stretches.
/// Spans inside the edited part are not meant to be moved: their owner is read again.
pub(crate) trait Shift {
    fn shift(&mut self, change: TextChange);
}

impl Shift for Span {
    fn shift(&mut self, change: TextChange) {
        if self.file != FileId::MAIN {
            return;
        }
        if self.start >= change.old_end {
            self.start = change.moved(self.start);
            self.end = change.moved(self.end);
        } else if self.end >= change.old_end && self.end > change.start {
            self.end = change.moved(self.end);
        }
    }
}

impl<T: Shift> Shift for Option<T> {
    fn shift(&mut self, change: TextChange) {
        if let Some(inner) = self {
            inner.shift(change);
        }
    }
}

impl<T: Shift> Shift for Vec<T> {
    fn shift(&mut self, change: TextChange) {
        for item in self {
            item.shift(change);
        }
    }
}

impl<T: Shift> Shift for Box<T> {
    fn shift(&mut self, change: TextChange) {
        (**self).shift(change);
    }
}

impl<T> Shift for Spanned<T> {
    fn shift(&mut self, change: TextChange) {
        self.span.shift(change);
    }
}

/// `Shift` for a struct: shifts each listed field (the ones that hold spans).
macro_rules! shift_fields {
    ($($type:ty { $($field:ident),* $(,)? })*) => {
        $(impl Shift for $type {
            fn shift(&mut self, change: TextChange) {
                $(self.$field.shift(change);)*
            }
        })*
    };
}

shift_fields! {
    Schema { span, name_span, object_span, types, authorization, modifiers, combined_with, combine_span }
    DefineData { span, name_span, props, schema, authorization_modes }
    SchemaType { key_span, span, value_span, kind }
    Model {
        span, call_name_span, fields_span, fields, identifier, secondary_indexes,
        disable_operations, authorization, modifiers,
    }
    Field { key_span, span, value_span, kind, modifiers, chain }
    Relationship { related_model, related_model_span, references, span, name_span }
    IdentifierDecl { span, argument, fields }
    SecondaryIndexes { span, indexes }
    IndexDef { span, partition_key, sort_keys, name, query_field, chain }
    EnumDef { span, values, values_span, modifiers }
    CustomType { span, fields, fields_span, modifiers }
    CustomOperation { span, chain, authorization }
    Authorization { span, parameter, rules }
    AuthRule { span, strategy, strategy_call, modifiers, chain }
    Chain { root, root_args, calls, span }
    Call { name, args, index, span, tail_span }
    Args { items, span }
    ArrayValue { items, span }
    ObjectValue { entries, span }
    Entry { key_span, value, span }
    FunctionValue { params, body, span }
}

impl Shift for TypeKind {
    fn shift(&mut self, change: TextChange) {
        match self {
            TypeKind::Model(model) => model.shift(change),
            TypeKind::Enum(enum_def) => enum_def.shift(change),
            TypeKind::CustomType(custom_type) => custom_type.shift(change),
            TypeKind::Operation(operation) => operation.shift(change),
            TypeKind::Other(chain) => chain.shift(change),
            TypeKind::Unknown => {}
        }
    }
}

impl Shift for FieldKind {
    fn shift(&mut self, change: TextChange) {
        match self {
            FieldKind::Scalar(_) | FieldKind::Unknown => {}
            FieldKind::Ref { target } => target.shift(change),
            FieldKind::InlineEnum(enum_def) => enum_def.shift(change),
            FieldKind::InlineCustomType(custom_type) => custom_type.shift(change),
            FieldKind::Relationship(relationship) => relationship.shift(change),
            FieldKind::Other(chain) => chain.shift(change),
        }
    }
}

impl Shift for References {
    fn shift(&mut self, change: TextChange) {
        match self {
            References::Known { fields, span, .. } => {
                fields.shift(change);
                span.shift(change);
            }
            References::Missing | References::Unknown => {}
        }
    }
}

impl Shift for Value {
    fn shift(&mut self, change: TextChange) {
        match self {
            Value::String(spanned) => spanned.shift(change),
            Value::Number { span, .. }
            | Value::Bool { span, .. }
            | Value::Null(span)
            | Value::Undefined(span)
            | Value::Unknown { span, .. } => span.shift(change),
            Value::Array(array) => array.shift(change),
            Value::Object(object) => object.shift(change),
            Value::Chain(chain) => chain.shift(change),
            Value::Function(function) => function.shift(change),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(start: usize, end: usize) -> Span {
        Span::new(FileId::MAIN, start, end)
    }

    fn shifted(mut span: Span, change: TextChange) -> Span {
        span.shift(change);
        span
    }

    #[test]
    fn spans_after_an_edit_move_and_spans_around_it_stretch() {
        // "abcdef": "cd" (2..4) became "XYZ" (2..5).
        let change = TextChange::new(2, 4, 5);
        assert_eq!(shifted(span(0, 2), change), span(0, 2), "before");
        assert_eq!(shifted(span(4, 6), change), span(5, 7), "after");
        assert_eq!(shifted(span(0, 6), change), span(0, 7), "around");
        // An insertion at 3: a span ending there is before it, one starting there after.
        let insertion = TextChange::new(3, 3, 4);
        assert_eq!(shifted(span(1, 3), insertion), span(1, 3));
        assert_eq!(shifted(span(3, 5), insertion), span(4, 6));
        // Another file's spans never move.
        let other = Span::new(FileId(1), 4, 6);
        assert_eq!(shifted(other, change), other);
    }

    #[test]
    fn consecutive_changes_combine_into_one_covering_both() {
        let apply = |text: &str, change: TextChange, new: &str| {
            format!(
                "{}{}{}",
                &text[..change.start],
                new,
                &text[change.old_end..]
            )
        };
        let text = "0123456789";
        for (first, first_text, second, second_text) in [
            (
                TextChange::new(2, 4, 5),
                "abc",
                TextChange::new(7, 8, 7),
                "",
            ),
            (
                TextChange::new(6, 7, 9),
                "xyz",
                TextChange::new(1, 2, 4),
                "pqr",
            ),
            (
                TextChange::new(3, 3, 5),
                "ab",
                TextChange::new(4, 6, 5),
                "Q",
            ),
        ] {
            let between = apply(text, first, first_text);
            let after = apply(&between, second, second_text);
            let combined = first.then(second);
            // The combined change turns the old text into the new one with the new text's
            // own bytes in its range.
            let replacement = &after[combined.start..combined.new_end];
            assert_eq!(apply(text, combined, replacement), after);
            assert_eq!(text[..combined.start], after[..combined.start]);
            assert_eq!(text[combined.old_end..], after[combined.new_end..]);
        }
    }
}
