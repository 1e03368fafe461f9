// Runs ONE fixture through Amplify's real pipeline, offline:
//   load              esbuild-transpile the .ts and evaluate it, with
//                     `@aws-amplify/backend` replaced by backend-standin.mjs
//   schema-transform  schema.transform() from @aws-amplify/data-schema
//   graphql-transform the real defineData factory (@aws-amplify/backend-data)
//                     in an in-memory CDK App/Stack with a Cognito user pool +
//                     identity pool standing in for defineAuth; this parses the
//                     SDL, runs codegen (graphql-generator) and the GraphQL
//                     transformer inside the AmplifyData construct.
import { readFile, writeFile, rm } from 'node:fs/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { transform } from 'esbuild';
import { App, Stack } from 'aws-cdk-lib';
import { UserPool, CfnIdentityPool } from 'aws-cdk-lib/aws-cognito';
import { Role, FederatedPrincipal } from 'aws-cdk-lib/aws-iam';

const here = path.dirname(fileURLToPath(import.meta.url));
export const conformanceDir = path.resolve(here, '..');
export const repoRoot = path.resolve(conformanceDir, '..', '..');
const standinUrl = pathToFileURL(path.join(here, 'backend-standin.mjs')).href;

// DataFactory is the class behind defineData; it allows one instance per
// process (a real backend has exactly one). A worker evaluates many fixtures,
// so the counter is reset before each one. Same module instance as the one the
// package entry point re-exports (same resolved file).
const require = createRequire(import.meta.url);
const backendDataEntry = require.resolve('@aws-amplify/backend-data');
const { DataFactory } = await import(
  pathToFileURL(path.join(path.dirname(backendDataEntry), 'factory.js')).href
);

let counter = 0;

/** Deterministic, location-free message: innermost cause, first lines, no paths. */
export const cleanMessage = (error, relPath) => {
  let e = error;
  const seen = new Set();
  // AmplifyUserError('AmplifyDataConstructInitializationError', 'Failed to
  // instantiate data construct') wraps the transformer's error as `cause`.
  while (e && e.cause && e.cause instanceof Error && !seen.has(e.cause)) {
    seen.add(e);
    e = e.cause;
  }
  let msg = e instanceof Error ? e.message : String(e);
  msg = msg.replace(/\r/g, '');
  // strip absolute paths (temp files, node_modules, the repo)
  msg = msg.split(repoRoot + path.sep).join('');
  msg = msg.replace(/(file:\/\/)?\/[^\s'"`()]*amplint-conformance-[^\s'"`()]*\.mjs/g, relPath);
  msg = msg.replace(/(file:\/\/)?\/[^\s'"`()]*node_modules\//g, '');
  msg = msg.replace(/(file:\/\/)?\/(tmp|home|root|work|usr|var)\/[^\s'"`()]*/g, '<path>');
  // graphql-js appends a location and an SDL excerpt ("GraphQL request:1:79",
  // "1 | type Post ...", "  |   ^"): generated SDL, not the user's file; drop it.
  const lines = msg
    .split('\n')
    .map((l) => l.replace(/\s+$/, ''))
    .filter((l) => l.trim() !== '')
    .filter((l) => !/^GraphQL request:\d+:\d+$/.test(l) && !/^\s*\d*\s\|/.test(l));
  let out = lines.slice(0, 4).join('\n').trim();
  if (out.length > 600) out = out.slice(0, 600) + '...';
  return out;
};

const state = () => {
  globalThis.__amplintConformance = { defineDataCalls: [], functionCount: 0 };
  return globalThis.__amplintConformance;
};

const buildAuth = (stack) => {
  const userPool = new UserPool(stack, 'UserPool');
  const client = userPool.addClient('UserPoolClient');
  const identityPool = new CfnIdentityPool(stack, 'IdentityPool', {
    allowUnauthenticatedIdentities: true,
    cognitoIdentityProviders: [
      { clientId: client.userPoolClientId, providerName: userPool.userPoolProviderName },
    ],
  });
  const principal = (amr) =>
    new FederatedPrincipal(
      'cognito-identity.amazonaws.com',
      {
        StringEquals: { 'cognito-identity.amazonaws.com:aud': identityPool.ref },
        'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': amr },
      },
      'sts:AssumeRoleWithWebIdentity',
    );
  const authenticatedUserIamRole = new Role(stack, 'AuthRole', { assumedBy: principal('authenticated') });
  const unauthenticatedUserIamRole = new Role(stack, 'UnauthRole', { assumedBy: principal('unauthenticated') });
  return {
    resources: {
      userPool,
      userPoolClient: client,
      identityPoolId: identityPool.ref,
      authenticatedUserIamRole,
      unauthenticatedUserIamRole,
      cfnResources: {},
      groups: {},
    },
  };
};

const runGraphqlTransform = (factory) => {
  // Environment-agnostic, like the stacks Amplify's backend creates.
  // CDK stages assets into the app's output directory: give it one of our own and remove
  // it afterwards (left to CDK, every fixture leaves a ~22 MB cdk.out* directory in /tmp).
  const outdir = mkdtempSync(path.join(tmpdir(), 'amplint-conformance-cdk-'));
  try {
    runGraphqlTransformIn(factory, outdir);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
};

const runGraphqlTransformIn = (factory, outdir) => {
  const app = new App({ outdir, context: { 'amplify-backend-type': 'sandbox' } });
  const stack = new Stack(app, 'data');
  const auth = buildAuth(stack);
  const cache = new Map();
  const getInstanceProps = {
    __amplintStack: stack,
    constructContainer: {
      getConstructFactory: (token) =>
        token === 'AuthResources' ? { provides: 'AuthResources', getInstance: () => auth } : undefined,
      getOrCompute: (generator) => {
        if (!cache.has(generator)) {
          cache.set(
            generator,
            generator.generateContainerEntry({
              scope: stack,
              ssmEnvironmentEntriesGenerator: {
                generateSsmEnvironmentEntries: (ctx) =>
                  Object.keys(ctx).map((name) => ({ name, path: `/amplify/conformance/${name}` })),
              },
              backendSecretResolver: {
                resolvePath: (s) => ({ branchSecretPath: `/b/${s.name ?? s}`, sharedSecretPath: `/s/${s.name ?? s}` }),
                resolveSecret: (s) => s.name ?? s,
              },
              stableBackendIdentifiers: {
                getStableBackendHash: () => 'conformance0',
                getStableBackendIdentifiers: () => 'conformance0',
              },
            }),
          );
        }
        return cache.get(generator);
      },
      registerConstructFactory: () => {},
    },
    outputStorageStrategy: {
      addBackendOutputEntry: () => {},
      appendToBackendOutputList: () => {},
    },
  };
  factory.getInstance(getInstanceProps);
};

/**
 * @param {string} absPath fixture file
 * @returns {Promise<{accepted: boolean, stage: string|null, message: string}>}
 */
export const runFixture = async (absPath) => {
  const relPath = path.relative(repoRoot, absPath).split(path.sep).join('/');
  const verdict = (stage, error) => ({
    accepted: stage === null,
    stage,
    message: stage === null ? '' : cleanMessage(error, relPath),
  });

  // ---- load
  const st = state();
  DataFactory.factoryCount = 0;
  let tmpFile;
  try {
    const source = await readFile(absPath, 'utf8');
    const { code } = await transform(source, {
      loader: 'ts',
      format: 'esm',
      sourcefile: relPath,
      target: 'node20',
    });
    const rewritten = code.replace(/(from\s*|import\s*\(\s*|import\s+)(["'])@aws-amplify\/backend\2/g, `$1"${standinUrl}"`);
    tmpFile = path.join(tmpdir(), `amplint-conformance-${process.pid}-${++counter}.mjs`);
    await writeFile(tmpFile, rewritten);
    await import(pathToFileURL(tmpFile).href);
  } catch (error) {
    return verdict('load', error);
  } finally {
    if (tmpFile) await rm(tmpFile, { force: true });
  }
  if (st.defineDataCalls.length === 0) {
    return verdict('load', new Error('harness: the module did not call defineData'));
  }
  const { props, factory } = st.defineDataCalls[0];

  // ---- schema-transform
  try {
    if (props.schema && typeof props.schema.transform === 'function') props.schema.transform();
  } catch (error) {
    return verdict('schema-transform', error);
  }

  // ---- graphql-transform
  try {
    runGraphqlTransform(factory);
  } catch (error) {
    return verdict('graphql-transform', error);
  }
  return verdict(null);
};
