// Stand-in for `@aws-amplify/backend` while a fixture module is evaluated.
//
// Exports the real `a` (from @aws-amplify/data-schema) and the real
// `defineData` (from @aws-amplify/backend-data), exactly what
// `@aws-amplify/backend` re-exports, and records every defineData call so the
// harness can drive the factory afterwards. `defineFunction` and `defineAuth`
// are small offline stand-ins: they return construct factories whose
// instances are plain CDK constructs in the harness's in-memory stack.
import { a } from '@aws-amplify/data-schema';
import { defineData as realDefineData } from '@aws-amplify/backend-data';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';

const state = () => {
  if (!globalThis.__amplintConformance) {
    globalThis.__amplintConformance = { defineDataCalls: [], functionCount: 0 };
  }
  return globalThis.__amplintConformance;
};

export { a };

export const defineData = (props) => {
  const factory = realDefineData(props);
  state().defineDataCalls.push({ props, factory });
  return factory;
};

/** defineFunction stand-in: an inline-code Lambda, created lazily in the harness stack. */
export const defineFunction = (props = {}) => {
  const id = `Fn${props.name ?? ''}${++state().functionCount}`;
  let instance;
  return {
    getInstance: (getInstanceProps) => {
      if (!instance) {
        const scope = getInstanceProps.__amplintStack;
        const lambda = new LambdaFunction(scope, id, {
          runtime: Runtime.NODEJS_20_X,
          handler: 'index.handler',
          code: Code.fromInline('exports.handler = async () => null;'),
        });
        instance = {
          resources: { lambda, cfnResources: {} },
          getResourceAccessAcceptor: () => ({
            identifier: id,
            acceptResourceAccess: () => {},
          }),
        };
      }
      return instance;
    },
  };
};

/** defineAuth stand-in: the harness always provides a user pool + identity pool. */
export const defineAuth = (props = {}) => ({ __amplintAuth: true, props });

/** secret() stand-in, for completeness. */
export const secret = (name) => ({ name, resolve: () => name });
