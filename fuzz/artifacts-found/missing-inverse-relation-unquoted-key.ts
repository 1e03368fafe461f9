import { a, defineData } from '@aws-amplify/backend';

const schema = a.schema({
  Member: a
    .model({
      name: a.string(),
    })
    .authorization((allow) => [allow.publicApiKey()]),
  Team: a
    .model({
      captain: a.hasOne('Member', 'team-id'),
    })
    .authorization((allow) => [allow.publicApiKey()]),
});

export const data = defineData({
  schema,
  authorizationModes: { defaultAuthorizationMode: 'apiKey' },
});
