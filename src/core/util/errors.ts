/**
 * Errors the user can act on. Every command runs through one wrapper that shows `message`
 * and offers `actions`; `UserCancelledError` is swallowed quietly.
 */
import * as l10n from '@vscode/l10n';

export interface ErrorAction {
  /** Button label shown next to the message. */
  title: string;
  /** Command id to run when the button is chosen. */
  command: string;
  args?: unknown[];
}

export class UserFacingError extends Error {
  constructor(
    message: string,
    readonly actions: ErrorAction[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'UserFacingError';
  }
}

export class UserCancelledError extends Error {
  constructor() {
    super('Cancelled.');
    this.name = 'UserCancelledError';
  }
}

export function isCancellation(err: unknown): boolean {
  return err instanceof UserCancelledError || (err instanceof Error && err.name === 'AbortError');
}

/** The message to show for any thrown value, never empty. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  if (typeof err === 'string' && err) return err;
  return l10n.t('An unknown error occurred.');
}
