// hasOne: composite identifier, single reference
import { a, defineData, type ClientSchema } from '@aws-amplify/backend';

const schema = a.schema({
  Store: a.model({
    region: a.string().required(),
    code: a.string().required(),
    manager: a.hasOne('Manager', 'store-Code'),
  }).identifier(['region', 'code']),
  Manager: a.model({
    name: a.string(),
    storeCode: a.string(),
    store: a.belongsTo('Store', 'store-Code'),
//                              ^^^^^^^^^^^ error[reference-count-mismatch]
  }),
}).authorization((allow) => allow.publicApiKey());

export type Schema = ClientSchema<typeof schema>;

export const data = defineData({
  schema,
  authorizationModes: {
    defaultAuthorizationMode: 'apiKey',
    apiKeyAuthorizationMode: { expiresInDays: 30 },
  },
});
