/**
 * Turns ARM failures into one message a user can act on: 401/403 name the permission and the resource
 * and link the docs; a network failure says the endpoint cannot be reached; the v1-link refusal explains
 * itself and offers to attach pools directly.
 */
import * as l10n from '@vscode/l10n';
import { UserFacingError, type ErrorAction } from '../util/errors';

export const DOCS = {
  amlRoles: 'https://learn.microsoft.com/azure/machine-learning/how-to-assign-roles',
  attachPool: 'https://learn.microsoft.com/azure/machine-learning/how-to-manage-synapse-spark-pool',
  linkV1: 'https://learn.microsoft.com/azure/machine-learning/v1/how-to-link-synapse-ml-workspaces',
  synapseAccess: 'https://learn.microsoft.com/azure/synapse-analytics/security/how-to-set-up-access-control',
  armRbac: 'https://learn.microsoft.com/azure/role-based-access-control/troubleshooting',
  signIn: 'https://learn.microsoft.com/azure/developer/javascript/sdk/authentication/overview',
} as const;

/** What was being done, to name it in a failure. */
export interface ArmAction {
  /** "list the Azure ML workspaces", "attach Spark pool 'p' as 'c'". */
  what: string;
  /** The RBAC action it needs, e.g. Microsoft.MachineLearningServices/workspaces/computes/write. */
  permission: string;
  /** Where: a resource id or a name ("subscription Contoso"). */
  on: string;
  docs: string;
}

export interface ArmErrorLike {
  statusCode?: number;
  code?: string;
  message?: string;
  name?: string;
}

export const openLink = (title: string, url: string): ErrorAction => ({ title, command: 'synapseSpark.openLink', args: [url] });

function asArmError(err: unknown): ArmErrorLike {
  return typeof err === 'object' && err !== null ? (err as ArmErrorLike) : { message: String(err) };
}

export function statusOf(err: unknown): number | undefined {
  const s = asArmError(err).statusCode;
  return typeof s === 'number' ? s : undefined;
}

export function isNotFound(err: unknown): boolean {
  return statusOf(err) === 404;
}

/** True for a failure to reach the service at all (no HTTP status): DNS, refused, reset, TLS. */
export function isNetworkFailure(err: unknown): boolean {
  const e = asArmError(err);
  return (
    e.statusCode === undefined &&
    e.name !== 'AbortError' &&
    /ECONN|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|socket|network|certificate|self.signed|TLS|REQUEST_SEND_ERROR/i.test(
      `${e.code ?? ''} ${e.message ?? ''}`,
    )
  );
}

/**
 * Azure ML now refuses new (SDK v1) Synapse links for many workspaces. No exchange was recorded, so this
 * recognises the refusal by its meaning: a 4xx on the linked-service PUT that says linking is
 * deprecated, retired, no longer supported or not allowed.
 */
export function isV1LinkRefusal(err: unknown): boolean {
  const e = asArmError(err);
  const s = e.statusCode ?? 0;
  if (s < 400 || s >= 500 || s === 401 || s === 404 || s === 429) return false;
  const text = `${e.code ?? ''} ${e.message ?? ''}`;
  return /deprecat|no longer|not (be )?(supported|allowed)|retire|unsupported|v1/i.test(text) && /link|synapse/i.test(text);
}

function firstLine(m: string | undefined): string {
  return (m ?? '').split('\n')[0].trim();
}

/** The user-facing error for a failed ARM call; cancellation and UserFacingErrors pass through unchanged. */
export function toUserError(err: unknown, action: ArmAction): Error {
  if (err instanceof UserFacingError) return err;
  const e = asArmError(err);
  if (e.name === 'AbortError') return err as Error;
  const detail = firstLine(e.message) || l10n.t('no details');
  const code = e.code ? `${e.code}: ` : '';
  const learnMore = l10n.t('Learn More');
  const docs = openLink(learnMore, action.docs);
  switch (e.statusCode) {
    case 401:
      return new UserFacingError(
        l10n.t('Azure did not accept the sign-in while trying to {0} ({1}). Sign in again.', action.what, `${code}${detail}`),
        [{ title: l10n.t('Sign In'), command: 'synapseSpark.signIn' }, openLink(learnMore, DOCS.signIn)],
        { cause: err },
      );
    case 403:
      return new UserFacingError(
        l10n.t(
          'Permission denied: to {0} you need "{1}" on {2} (for example through a role assignment). Azure said: {3}',
          action.what,
          action.permission,
          action.on,
          `${code}${detail}`,
        ),
        [docs, openLink(l10n.t('RBAC Troubleshooting'), DOCS.armRbac)],
        { cause: err },
      );
    case 404:
      return new UserFacingError(
        l10n.t(
          'Could not {0}: {1} was not found ({2}). It may have been deleted; refresh the tree.',
          action.what,
          action.on,
          `${code}${detail}`,
        ),
        [{ title: l10n.t('Refresh'), command: 'synapseSpark.refresh' }],
        { cause: err },
      );
    case 429:
      return new UserFacingError(
        l10n.t(
          'Azure is still throttling requests after several retries while trying to {0} ({1}). Wait a minute and retry.',
          action.what,
          `${code}${detail}`,
        ),
        [],
        { cause: err },
      );
  }
  if (isNetworkFailure(err)) {
    return new UserFacingError(
      l10n.t(
        'Could not reach Azure to {0}: {1}. Check the network, the environment\'s endpoints and "{2}".',
        action.what,
        detail,
        'synapseSpark.caBundlePath',
      ),
      [{ title: l10n.t('Open Settings'), command: 'synapseSpark.openSettings' }],
      { cause: err },
    );
  }
  const message = e.statusCode
    ? l10n.t('Could not {0} (HTTP {1}): {2}', action.what, e.statusCode, `${code}${detail}`)
    : l10n.t('Could not {0}: {1}', action.what, `${code}${detail}`);
  return new UserFacingError(message, [docs], { cause: err });
}
