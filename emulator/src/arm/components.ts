/**
 * AML component assets: `components/{name}/versions/{version}` (PUT, GET, list) and the container GET
 * (its `latestVersion` resolves `azureml:name@latest`). Pipeline submit registers local and inline steps as
 * anonymous components (`azureml_anonymous`, version derived from the spec's content) before the job PUT.
 * A version is immutable: a PUT of the same version with a different componentSpec answers 409, the same
 * spec answers 200 (what AML does for an anonymous component it already has).
 */
import type { EmulatorContext } from '../context';
import type { Router } from '../router';
import { registerAsset } from './assets';
import { badRequest } from './errors';
import { TYPES } from './resources';

const COMPONENT_TYPES = new Set(['spark', 'command']);

/** The spec without its `version` (the PUT's path names the version; the stored spec carries it). */
const withoutVersion = (spec: unknown) => {
  const { version: _v, ...rest } = spec as Record<string, unknown>;
  return JSON.stringify(rest);
};

export function registerComponents(router: Router, ctx: EmulatorContext): void {
  registerAsset(router, ctx, {
    segment: 'components',
    containerType: TYPES.componentContainer,
    versionType: TYPES.componentVersion,
    validate(props, c) {
      const spec = props.componentSpec as Record<string, unknown> | undefined;
      if (!spec || typeof spec !== 'object' || Array.isArray(spec)) {
        badRequest('UserError', "A component version needs 'properties.componentSpec'.", 'properties.componentSpec');
      }
      if (!COMPONENT_TYPES.has(String(spec.type ?? ''))) {
        badRequest(
          'UserError',
          `Component type '${String(spec.type ?? '')}' is not supported. Supported: spark, command.`,
          'properties.componentSpec.type',
        );
      }
      if (spec.type === 'spark' && !(spec.entry && typeof spec.entry === 'object')) {
        badRequest('UserError', "A spark component needs 'entry'.", 'properties.componentSpec.entry');
      }
      if (spec.type === 'command' && typeof spec.command !== 'string') {
        badRequest('UserError', "A command component needs 'command'.", 'properties.componentSpec.command');
      }
      if (typeof spec.code === 'string' && spec.code.startsWith('/subscriptions/') && !c.store.get(spec.code)) {
        badRequest('UserError', `Code '${spec.code}' was not found.`, 'properties.componentSpec.code');
      }
    },
    differs: (stored, props) => withoutVersion(stored.componentSpec) !== withoutVersion(props.componentSpec),
    conflict: (name, version) => `Component version ${name}:${version} already exists with a different spec; versions are immutable.`,
    own: (props, version) => ({ componentSpec: { ...(props.componentSpec as Record<string, unknown>), version } }),
  });
}
