//! Extraction of the schema model from real-looking files.

use amplint_rules::model::{extract, FieldKind, References, RelationKind, Scalar, TypeKind};
use amplint_rules::syntax::{parse, SourceKind};
use amplint_rules::FileId;

fn model_of(source: &str) -> amplint_rules::model::FileModel {
    let tree = parse(SourceKind::TypeScript, source, None);
    extract(&tree, source, FileId::MAIN)
}

#[test]
fn reads_models_fields_relationships_and_auth() {
    let source = r#"
import { a, defineData, type ClientSchema } from '@aws-amplify/backend';
// a.model( in a comment is not a schema
const note = "a.schema({ Fake: a.model({}) })";
const STATUS = ['DRAFT', 'DONE'] as const;
const base = { createdBy: a.string() };
const Team = a.model({
  mantra: a.string().required(),
  members: a.hasMany('Member', 'teamId'),
});
const schema = a.schema({
  Member: a.model({
    ...base,
    name: a.string().required(),
    teamId: a.id(),
    team: a.belongsTo('Team', 'teamId'),
    status: a.enum(STATUS),
  }).identifier(['name']),
  Team: Team.authorization((rules) => rules.owner()),
  'Person': a.model({ posts: a.hasMany('Post', ['authorName', 'authorDoB']) })
    .secondaryIndexes((index) => [index('x').sortKeys(['y']).name('byX')]),
}).authorization((allow) => [allow.publicApiKey().to(['read']), allow.guest().to['read']]);
export type Schema = ClientSchema<typeof schema>;
export const data = defineData({ schema, authorizationModes: { defaultAuthorizationMode: 'apiKey' } });
"#;
    let file = model_of(source);
    assert_eq!(
        file.schemas.len(),
        1,
        "strings and comments are not schemas"
    );
    let schema = &file.schemas[0];
    assert!(schema.complete);
    assert_eq!(
        schema.type_names().collect::<Vec<_>>(),
        ["Member", "Team", "Person"]
    );
    let member = schema.model("Member").unwrap();
    assert_eq!(
        member
            .fields
            .iter()
            .map(|field| field.name.as_str())
            .collect::<Vec<_>>(),
        ["createdBy", "name", "teamId", "team", "status"]
    );
    assert!(member.field("name").unwrap().is_required());
    assert_eq!(member.scalar_of("teamId"), Some(Scalar::Id));
    let identifier = member.identifier_fields().unwrap();
    assert_eq!(identifier[0].value, "name");
    match &member.field("status").unwrap().kind {
        FieldKind::InlineEnum(enum_def) => {
            let values: Vec<_> = enum_def
                .values
                .as_ref()
                .unwrap()
                .iter()
                .map(|v| v.value.clone())
                .collect();
            assert_eq!(values, ["DRAFT", "DONE"]);
        }
        other => panic!("status is {other:?}"),
    }
    let team = member.field("team").unwrap().as_relationship().unwrap();
    assert_eq!(team.kind, RelationKind::BelongsTo);
    assert_eq!(team.related_model.as_ref().unwrap().value, "Team");
    assert_eq!(
        &source[team.related_model.as_ref().unwrap().span.range()],
        "'Team'"
    );
    let team_model = schema.model("Team").unwrap();
    let team_auth = team_model.authorization.as_ref().unwrap();
    assert_eq!(team_auth.rules[0].strategy.value, "owner");
    assert_eq!(
        team_model.fields.len(),
        2,
        "fields of a same-file constant model"
    );
    let person = schema.model("Person").unwrap();
    match &person
        .field("posts")
        .unwrap()
        .as_relationship()
        .unwrap()
        .references
    {
        References::Known {
            fields,
            array: true,
            ..
        } => assert_eq!(fields.len(), 2),
        other => panic!("{other:?}"),
    }
    let indexes = person.secondary_indexes.as_ref().unwrap();
    assert_eq!(
        indexes.indexes[0].partition_key.as_ref().unwrap().value,
        "x"
    );
    assert_eq!(indexes.indexes[0].name.as_ref().unwrap().value, "byX");
    let schema_auth = schema.authorization.as_ref().unwrap();
    assert_eq!(schema_auth.rules.len(), 2);
    assert!(matches!(
        schema_auth.rules[1].operations(),
        Some(amplint_rules::model::Operations::IndexAccess(_))
    ));
    assert_eq!(file.define_data.len(), 1);
    assert_eq!(
        &source[file.define_data[0].schema.unwrap().range()],
        "schema"
    );
}

#[test]
fn unresolvable_parts_are_unknown_not_guessed() {
    let source = r#"
import { a } from '@aws-amplify/backend';
import { Post } from './post';
import { shared } from './shared';
const schema = a.schema({
  Post,
  ...shared,
  Comment: a.model({ ...shared, body: makeField() }),
});
"#;
    let file = model_of(source);
    let schema = &file.schemas[0];
    assert!(
        !schema.complete,
        "a spread of an import leaves the schema incomplete"
    );
    assert!(matches!(
        schema.get("Post").unwrap().kind,
        TypeKind::Unknown
    ));
    let comment = schema.model("Comment").unwrap();
    assert!(!comment.fields_complete);
    assert!(!comment.fields_fully_known());
}

#[test]
fn aliased_builder_and_split_chains() {
    let source = "import { a as amp } from '@aws-amplify/backend';\nconst s = amp\n  .schema({ Todo: amp\n  .model({ x: amp.string() }) });\n";
    let file = model_of(source);
    assert_eq!(file.schemas.len(), 1);
    assert!(file.schemas[0].model("Todo").unwrap().field("x").is_some());
}

#[test]
fn deep_nesting_does_not_overflow() {
    let depth = 10_000;
    let source = format!(
        "const schema = a.schema({{ T: a.model({{ x: {}1{} }}) }});",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let file = model_of(&source);
    assert_eq!(file.schemas.len(), 1);
}
