use rustc_hash::FxHashMap;

use super::{enum_sites, inline_custom_type_names, EnumSite};
use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::fix::{Edit, Fix};
use crate::model::{Field, Schema, TypeKind};
use crate::rules::Context;
use crate::span::Span;
use crate::value::{Call, KeyKind};

declare_rule! {
    /// ## What it does
    /// Reports `.required()`, `.default(...)`, `.defaultValue(...)` and `.array()` called
    /// on `a.enum([...])`, inline in a field or as a top-level schema entry.
    ///
    /// ## Why is this bad?
    /// `a.enum([...])` has no methods at all: the file does not even load
    /// (`TypeError: a.enum(...).required is not a function`), so nothing deploys.
    /// TypeScript reports it too, but far from the schema's author's intent: a required or
    /// list enum field is written as a named top-level enum plus
    /// `a.ref('Status').required()` / `a.ref('Status').array()`, and an enum field cannot
    /// have a default value at all (`a.ref` has no `.default`).
    ///
    /// ## Example
    /// ```ts
    /// Todo: a.model({
    ///   status: a.enum(['OPEN', 'DONE']).required(),
    /// }),
    /// ```
    ///
    /// ## Fix
    /// For an inline enum, hoists it to a named top-level entry of the same `a.schema({...})`,
    /// inserted after the entry that uses it and named `<Model><Field>` (`TodoStatus`, the
    /// name Amplify gives the inline enum anyway), and replaces the field with
    /// `a.ref('TodoStatus')` followed by the kept `.required()` / `.array()` calls in their
    /// order. The fix is safe when it keeps the deployed API exactly as written: the name
    /// is free and no default is dropped. It is unsafe when a `.default(...)` or
    /// `.defaultValue(...)` call is removed (the intended default is lost) or when
    /// `<Model><Field>` is taken and another name is chosen. For a top-level enum, the fix
    /// removes the calls (unsafe: make the fields that use the enum required with
    /// `a.ref('Status').required()` by hand). None when the enum is defined outside the
    /// schema object (a constant).
    pub(crate) static ENUM_MODIFIER = {
        name: "enum-modifier",
        severity: Error,
        fix: Sometimes,
    }
}

/// Calls that do not exist on `a.enum(...)`.
const NON_EXISTENT: &[&str] = &["required", "default", "defaultValue", "array"];

fn is_default(call: &Call) -> bool {
    matches!(call.name.value.as_str(), "default" | "defaultValue")
}

pub(crate) fn check(context: &mut Context) {
    for schema in context.schemas() {
        let sites = enum_sites(schema);
        let mut generated_names: Option<FxHashMap<String, usize>> = None;
        for site in &sites {
            let non_existent_calls: Vec<&Call> = site
                .definition
                .modifiers
                .iter()
                .filter(|call| NON_EXISTENT.contains(&call.name.value.as_str()))
                .collect();
            if non_existent_calls.is_empty() {
                continue;
            }
            let (name, mut fix) = match site.field {
                None => (
                    site.name.clone(),
                    Some(removal_fix(&site.name, &non_existent_calls)),
                ),
                Some(field) => {
                    let generated =
                        generated_names.get_or_insert_with(|| generated_type_names(schema, &sites));
                    match free_name(schema, &site.name, generated) {
                        Some(name) => {
                            let fix = hoist_fix(context, schema, site, field, &name);
                            (name, fix)
                        }
                        None => (site.name.clone(), None),
                    }
                }
            };
            for call in non_existent_calls {
                let message = message(site, &name, call);
                context.report(
                    Diagnostic::new(&ENUM_MODIFIER, call.span, message)
                        .with_optional_fix(fix.take()),
                );
            }
        }
    }
}

/// `name` is the top-level enum's name, or the name proposed for an inline one.
fn message(site: &EnumSite, name: &str, call: &Call) -> String {
    let method = &call.name.value;
    let not_a_function = format!(
        "`a.enum([...])` has no `.{method}()`: the file fails to load \
         (`TypeError: ... .{method} is not a function`)"
    );
    match (site.field, method.as_str()) {
        (Some(_), "default" | "defaultValue") => format!(
            "{not_a_function}; an enum field cannot have a default value (`a.ref` has no \
             `.default` either): remove the call"
        ),
        (Some(_), _) => format!(
            "{not_a_function}; declare the enum at the top level of the schema \
             (`{name}: a.enum([...])`) and use `a.ref('{name}').{method}()`"
        ),
        (None, "default" | "defaultValue") => {
            format!("{not_a_function}; enums cannot have default values: remove the call")
        }
        (None, _) => format!(
            "{not_a_function}; remove it and write `a.ref('{name}').{method}()` where the \
             enum is used"
        ),
    }
}

/// Removes the calls from a top-level enum.
fn removal_fix(name: &str, non_existent_calls: &[&Call]) -> Fix {
    let calls: Vec<String> = non_existent_calls
        .iter()
        .map(|call| format!("`.{}()`", call.name.value))
        .collect();
    Fix::unsafe_(
        format!("Remove {} from the enum `{name}`", calls.join(", ")),
        non_existent_calls
            .iter()
            .map(|call| Edit::delete(call.tail_span))
            .collect(),
    )
}

/// How many generated types (inline enums and inline custom types) carry each name.
fn generated_type_names(schema: &Schema, sites: &[EnumSite]) -> FxHashMap<String, usize> {
    let mut names: FxHashMap<String, usize> = FxHashMap::default();
    let inline_enums = sites
        .iter()
        .filter(|site| site.field.is_some())
        .map(|site| site.name.clone());
    for name in inline_enums.chain(inline_custom_type_names(schema)) {
        *names.entry(name).or_default() += 1;
    }
    names
}

/// Hoists an inline enum to a named top-level entry and refers to it with `a.ref`.
fn hoist_fix(
    context: &Context,
    schema: &Schema,
    site: &EnumSite,
    field: &Field,
    name: &str,
) -> Option<Fix> {
    let chain = field.chain.as_ref()?;
    if chain.span.start < field.span.start || chain.span.end > field.span.end {
        return None;
    }
    let head = chain.head()?;
    let file = chain.span.file;
    let enum_text = context.text(Span::new(file, chain.root.span.start, head.span.end));
    if enum_text.is_empty() {
        return None;
    }
    let insertion = insertion_after_entry(context, schema, site.top_level)?;

    let quote = enum_text
        .chars()
        .find(|character| matches!(character, '\'' | '"'))
        .unwrap_or('\'');
    let kept: String = site
        .definition
        .modifiers
        .iter()
        .filter(|call| !is_default(call))
        .map(|call| context.text(call.tail_span))
        .collect();
    let reference = format!("{}.ref({quote}{name}{quote}){kept}", chain.root.value);

    let field_indent = leading_whitespace(context.source, field.span.start);
    let enum_text = match &insertion.indent {
        Some(indent) => reindent(enum_text, field_indent, indent),
        None => enum_text.to_string(),
    };
    let entry = format!("{name}: {enum_text}");
    let inserted = insertion.render(&entry, newline(context.source));

    let drops_default = site.definition.modifiers.iter().any(is_default);
    let natural_name = name == site.name;
    let title = format!(
        "Declare the enum as `{name}` and refer to it with `{}.ref({quote}{name}{quote})`",
        chain.root.value
    );
    let edits = vec![
        Edit::replace(chain.span, reference),
        Edit::insert(
            Span::new(file, insertion.offset, insertion.offset),
            inserted,
        ),
    ];
    Some(if natural_name && !drops_default && schema.complete {
        Fix::safe(title, edits)
    } else {
        Fix::unsafe_(title, edits)
    })
}

/// `base` when no other type has that name, else `base2`, `base3`, ...; `None` when the
/// name cannot be written as a plain object key.
fn free_name(schema: &Schema, base: &str, generated: &FxHashMap<String, usize>) -> Option<String> {
    let plain_key = base
        .chars()
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == '_' || first == '$')
        && base
            .chars()
            .all(|character| character.is_ascii_alphanumeric() || "_$".contains(character));
    if !plain_key {
        return None;
    }
    // The enum itself accounts for one generated `base`.
    if schema.get(base).is_none() && generated.get(base).copied().unwrap_or(0) <= 1 {
        return Some(base.to_string());
    }
    (2..1000)
        .map(|suffix| format!("{base}{suffix}"))
        .find(|candidate| schema.get(candidate).is_none() && !generated.contains_key(candidate))
}

/// Where a new schema entry goes after an existing one, and how it is written.
struct Insertion {
    offset: usize,
    /// The indentation of the schema's entries, or `None` when the entry shares its line
    /// with other code (a one-line schema): then the new entry follows on the same line.
    indent: Option<String>,
    /// Whether the entry before the insertion point has no comma after it (it is the
    /// last entry, written without a trailing comma).
    needs_leading_comma: bool,
}

impl Insertion {
    fn render(&self, entry: &str, newline: &str) -> String {
        let separator = match &self.indent {
            Some(indent) => format!("{newline}{indent}"),
            None => " ".to_string(),
        };
        if self.needs_leading_comma {
            format!(",{separator}{entry}")
        } else {
            format!("{separator}{entry},")
        }
    }
}

/// After the schema entry at `top_level` (and after the enums hoisted from it before,
/// `<Entry>...` enums directly following it, so repeated fixes keep field order).
fn insertion_after_entry(
    context: &Context,
    schema: &Schema,
    top_level: usize,
) -> Option<Insertion> {
    let source = context.source;
    let entry = schema.types.get(top_level)?;
    if entry.key_kind == KeyKind::Spread {
        return None;
    }
    let mut end = entry.span.end;
    for next in schema.types.get(top_level + 1..).unwrap_or(&[]) {
        let hoisted = matches!(&next.kind, TypeKind::Enum(definition) if definition.modifiers.is_empty())
            && next.key_kind != KeyKind::Spread
            && next.name.starts_with(&entry.name)
            && next.span.start >= end;
        if !hoisted {
            break;
        }
        end = next.span.end;
    }
    let indent = line_indent(source, entry.key_span.start).map(str::to_string);
    let position = skip_trivia(source, end);
    match source.as_bytes().get(position) {
        Some(b',') => {
            let after_comma = position + 1;
            let line_end = source[after_comma..]
                .find('\n')
                .map_or(source.len(), |offset| after_comma + offset);
            let rest = source[after_comma..line_end].trim();
            let at_line_end = indent.is_some() && (rest.is_empty() || rest.starts_with("//"));
            if at_line_end {
                let offset = if source[..line_end].ends_with('\r') {
                    line_end - 1
                } else {
                    line_end
                };
                Some(Insertion {
                    offset,
                    indent,
                    needs_leading_comma: false,
                })
            } else {
                Some(Insertion {
                    offset: after_comma,
                    indent: None,
                    needs_leading_comma: false,
                })
            }
        }
        Some(b'}') => Some(Insertion {
            offset: end,
            indent,
            needs_leading_comma: true,
        }),
        _ => None,
    }
}

/// The offset of the first character at or after `offset` that is neither whitespace nor
/// part of a comment.
fn skip_trivia(source: &str, mut offset: usize) -> usize {
    let bytes = source.as_bytes();
    while offset < bytes.len() {
        let rest = &source[offset..];
        if matches!(bytes[offset], b' ' | b'\t' | b'\r' | b'\n') {
            offset += 1;
        } else if rest.starts_with("//") {
            offset += rest.find('\n').unwrap_or(rest.len());
        } else if rest.starts_with("/*") {
            offset += rest.find("*/").map_or(rest.len(), |end| end + 2);
        } else {
            break;
        }
    }
    offset
}

/// The whitespace before `offset` on its line, when only whitespace precedes it there.
fn line_indent(source: &str, offset: usize) -> Option<&str> {
    let before = source.get(..offset)?;
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    let indent = &before[line_start..];
    indent
        .chars()
        .all(|character| character == ' ' || character == '\t')
        .then_some(indent)
}

/// The whitespace at the start of the line holding `offset`.
fn leading_whitespace(source: &str, offset: usize) -> &str {
    let before = source.get(..offset).unwrap_or("");
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    let line = &source[line_start..];
    let end = line
        .find(|character: char| character != ' ' && character != '\t')
        .unwrap_or(line.len());
    &line[..end]
}

/// Moves the continuation lines of `text` from under `from` to under `to`.
fn reindent(text: &str, from: &str, to: &str) -> String {
    let mut lines = text.split('\n');
    let mut output = lines.next().unwrap_or("").to_string();
    for line in lines {
        output.push('\n');
        match line.strip_prefix(from) {
            Some(rest) if !from.is_empty() || !to.is_empty() => {
                output.push_str(to);
                output.push_str(rest);
            }
            _ => output.push_str(line),
        }
    }
    output
}

fn newline(source: &str) -> &'static str {
    if source.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    }
}

#[cfg(test)]
mod tests {
    use crate::{fix_all, Applicability, Settings, SourceKind};

    fn fixed(source: &str) -> String {
        fix_all(
            source,
            SourceKind::TypeScript,
            &Settings::default(),
            Applicability::Unsafe,
        )
        .text
    }

    #[test]
    fn hoists_with_crlf_line_endings() {
        let source = "const schema = a.schema({\r\n  Todo: a.model({\r\n    status: a.enum(['A', 'B']).required(),\r\n  }),\r\n});\r\n";
        assert_eq!(
            fixed(source),
            "const schema = a.schema({\r\n  Todo: a.model({\r\n    status: a.ref('TodoStatus').required(),\r\n  }),\r\n  TodoStatus: a.enum(['A', 'B']),\r\n});\r\n"
        );
    }

    #[test]
    fn hoists_after_the_last_entry_without_trailing_comma() {
        let source = "const schema = a.schema({\n\tTodo: a.model({\n\t\tstatus: a.enum(['A']).array().default('A'),\n\t})\n});\n";
        assert_eq!(
            fixed(source),
            "const schema = a.schema({\n\tTodo: a.model({\n\t\tstatus: a.ref('TodoStatus').array(),\n\t}),\n\tTodoStatus: a.enum(['A'])\n});\n"
        );
    }

    #[test]
    fn hoists_several_enums_of_one_model_in_field_order() {
        let source = "const schema = a.schema({\n  Todo: a.model({\n    status: a.enum(['A']).required(),\n    kind: a.enum(['B']).required(),\n  }), // the todo\n  Note: a.model({}),\n});\n";
        assert_eq!(
            fixed(source),
            "const schema = a.schema({\n  Todo: a.model({\n    status: a.ref('TodoStatus').required(),\n    kind: a.ref('TodoKind').required(),\n  }), // the todo\n  TodoStatus: a.enum(['A']),\n  TodoKind: a.enum(['B']),\n  Note: a.model({}),\n});\n"
        );
    }

    fn applicabilities(source: &str) -> Vec<Applicability> {
        crate::check(source, SourceKind::TypeScript, &Settings::default())
            .diagnostics
            .into_iter()
            .filter(|diagnostic| diagnostic.rule == "enum-modifier")
            .filter_map(|diagnostic| diagnostic.fix.map(|fix| fix.applicability))
            .collect()
    }

    #[test]
    fn hoisting_is_safe_only_when_it_keeps_what_was_written() {
        let required = "a.schema({ Todo: a.model({ status: a.enum(['A']).required() }) });";
        assert_eq!(applicabilities(required), [Applicability::Safe]);
        let with_default = "a.schema({ Todo: a.model({ status: a.enum(['A']).default('A') }) });";
        assert_eq!(applicabilities(with_default), [Applicability::Unsafe]);
        let name_taken =
            "a.schema({ TodoStatus: a.enum(['X']), Todo: a.model({ status: a.enum(['A']).array() }) });";
        assert_eq!(applicabilities(name_taken), [Applicability::Unsafe]);
        let top_level = "a.schema({ Status: a.enum(['A']).required() });";
        assert_eq!(applicabilities(top_level), [Applicability::Unsafe]);
    }
}
