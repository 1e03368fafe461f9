//! A generator of valid Amplify schemas of any size, for benchmarks and scale tests:
//! one-to-many and one-to-one relationships, composite identifiers, enums, secondary
//! indexes and authorization rules, in groups of three models and one enum; as one file,
//! or as a project split over files.

use std::fmt::Write as _;

const HEADER: &str = "import { a, defineData, type ClientSchema } from '@aws-amplify/backend';\n\n";

const FOOTER: &str = "});\n\nexport type Schema = ClientSchema<typeof schema>;\n\nexport const data = defineData({\n  schema,\n  authorizationModes: {\n    defaultAuthorizationMode: 'userPool',\n    apiKeyAuthorizationMode: { expiresInDays: 30 },\n  },\n});\n";

/// A complete `amplify/data/resource.ts` with `n_models` models (rounded up to a
/// multiple of three).
pub fn schema(n_models: usize) -> String {
    let groups = n_models.div_ceil(3).max(1);
    let mut out = String::with_capacity(groups * 1_400 + 512);
    out.push_str(HEADER);
    out.push_str("const schema = a.schema({\n");
    for group in 0..groups {
        for (name, value) in group_types(group) {
            let _ = writeln!(out, "  {name}: {value},");
        }
    }
    out.push_str(FOOTER);
    out
}

/// The same schema as [`schema`], split like a larger app: one file per group under
/// `amplify/data/models/` exporting its enum and three models as constants, and the entry
/// `amplify/data/resource.ts` importing them all into `a.schema({...})`. Paths are
/// relative to the project's root, the entry first.
pub fn project(n_models: usize) -> Vec<(String, String)> {
    let groups = n_models.div_ceil(3).max(1);
    let mut entry = String::with_capacity(groups * 120 + 512);
    entry.push_str(HEADER);
    let mut files = Vec::with_capacity(groups + 1);
    let mut keys = String::with_capacity(groups * 48);
    for group in 0..groups {
        let mut file = String::from("import { a } from '@aws-amplify/backend';\n\n");
        let mut names = Vec::with_capacity(4);
        for (name, value) in group_types(group) {
            let _ = writeln!(file, "export const {name} = {value};\n");
            names.push(name);
        }
        let _ = writeln!(
            entry,
            "import {{ {} }} from './models/group{group}';",
            names.join(", ")
        );
        let _ = writeln!(keys, "  {},", names.join(", "));
        files.push((format!("amplify/data/models/group{group}.ts"), file));
    }
    entry.push_str("\nconst schema = a.schema({\n");
    entry.push_str(&keys);
    entry.push_str(FOOTER);
    files.insert(0, ("amplify/data/resource.ts".to_string(), entry));
    files
}

/// The enum and three models of one group: `(name, value expression)`.
fn group_types(group: usize) -> [(String, String); 4] {
    [
        (
            format!("Status{group}"),
            "a.enum(['ACTIVE', 'INACTIVE', 'ARCHIVED'])".to_string(),
        ),
        (
            format!("Team{group}"),
            format!(
                r#"a
    .model({{
      name: a.string().required(),
      mantra: a.string(),
      status: a.ref('Status{group}'),
      members: a.hasMany('Member{group}', 'teamId'),
    }})
    .authorization((allow) => [allow.owner(), allow.publicApiKey().to(['read'])])"#
            ),
        ),
        (
            format!("Member{group}"),
            format!(
                r#"a
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
    .authorization((allow) => [allow.owner(), allow.publicApiKey().to(['read'])])"#
            ),
        ),
        (
            format!("Profile{group}"),
            format!(
                r#"a
    .model({{
      bio: a.string(),
      website: a.url(),
      memberName: a.string(),
      memberDateOfBirth: a.date(),
      member: a.belongsTo('Member{group}', ['memberName', 'memberDateOfBirth']),
    }})
    .authorization((allow) => [allow.owner(), allow.publicApiKey().to(['read'])])"#
            ),
        ),
    ]
}
