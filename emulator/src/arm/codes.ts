/**
 * AML code assets: `codes/{name}/versions/{version}` (PUT, GET, list) and the container GET. A version is
 * immutable once created, as in AML: a PUT with a different codeUri answers 409.
 */
import type { EmulatorContext } from '../context';
import type { Router } from '../router';
import { registerAsset } from './assets';
import { badRequest } from './errors';
import { TYPES } from './resources';

export function registerCodes(router: Router, ctx: EmulatorContext): void {
  registerAsset(router, ctx, {
    segment: 'codes',
    containerType: TYPES.codeContainer,
    versionType: TYPES.codeVersion,
    validate(props) {
      if (typeof props.codeUri !== 'string' || !props.codeUri)
        badRequest('UserError', "A code version needs 'properties.codeUri'.", 'properties.codeUri');
    },
    differs: (stored, props) => stored.codeUri !== props.codeUri,
    conflict: (name, version) => `Code version ${name}:${version} already exists with a different codeUri; versions are immutable.`,
    own: (props) => ({ codeUri: props.codeUri }),
  });
}
