import { a, defineData } from '@aws-amplify/backend';

const schema = a.schema({
  Member: a
    .model({
      team: a.belongsTo('Team', 'team-id'),
    })
    .authorization((allow) => [allow.publicApiKey()]),
  Team: a
    .model({
      members: a.hasMany('Member', 'team-id'),
    })
    .authorization((allow) => [allow.publicApiKey()]),
});

export const data = defineData({
  schema,
  authorizationModes: { defaultAuthorizationMode: 'apiKey' },
});
