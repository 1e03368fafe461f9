//! A generator of valid Amplify schemas of any size, for benchmarks and scale tests:
//! one-to-many and one-to-one relationships, composite identifiers, enums, secondary
//! indexes and authorization rules, in groups of three models and one enum.

use std::fmt::Write as _;

/// A complete `amplify/data/resource.ts` with `n_models` models (rounded up to a
/// multiple of three).
pub fn schema(n_models: usize) -> String {
    let groups = n_models.div_ceil(3).max(1);
    let mut out = String::with_capacity(groups * 1_400 + 512);
    out.push_str("import { a, defineData, type ClientSchema } from '@aws-amplify/backend';\n\n");
    out.push_str("const schema = a.schema({\n");
    for group in 0..groups {
        let _ = write!(
            out,
            r#"  Status{group}: a.enum(['ACTIVE', 'INACTIVE', 'ARCHIVED']),
  Team{group}: a
    .model({{
      name: a.string().required(),
      mantra: a.string(),
      status: a.ref('Status{group}'),
      members: a.hasMany('Member{group}', 'teamId'),
    }})
    .authorization((allow) => [allow.owner(), allow.publicApiKey().to(['read'])]),
  Member{group}: a
    .model({{
      name: a.string().required(),
      dateOfBirth: a.date().required(),
      email: a.email(),
      score: a.integer().default(0),
      teamId: a.id(),
      team: a.belongsTo('Team{group}', 'teamId'),
      profile: a.hasOne('Profile{group}', ['memberName', 'memberDateOfBirth']),
    }})
    .identifier(['name', 'dateOfBirth'])
    .secondaryIndexes((index) => [index('teamId').sortKeys(['name']).queryField('membersOfTeam{group}')])
    .authorization((allow) => [allow.owner(), allow.publicApiKey().to(['read'])]),
  Profile{group}: a
    .model({{
      bio: a.string(),
      website: a.url(),
      memberName: a.string(),
      memberDateOfBirth: a.date(),
      member: a.belongsTo('Member{group}', ['memberName', 'memberDateOfBirth']),
    }})
    .authorization((allow) => [allow.owner(), allow.publicApiKey().to(['read'])]),
"#
        );
    }
    out.push_str("});\n\nexport type Schema = ClientSchema<typeof schema>;\n\n");
    out.push_str(
        "export const data = defineData({\n  schema,\n  authorizationModes: {\n    defaultAuthorizationMode: 'userPool',\n    apiKeyAuthorizationMode: { expiresInDays: 30 },\n  },\n});\n",
    );
    out
}
