import * as l10n from '@vscode/l10n';

/** Failures of a Spark session the notebook shows with their own message and a Restart Session action. */
export class SessionEndedError extends Error {
  constructor(
    readonly sessionId: number,
    readonly state: string,
    readonly reason: string,
    readonly driverLogUrl?: string,
  ) {
    const why = reason.trim().replace(/[.\s]+$/, '');
    super(
      why
        ? l10n.t(
            'The Spark session {0} ended ({1}): {2}. Its variables and cached data are gone; the next cell you run starts a new session, or use Restart Session to start one now.',
            sessionId,
            state,
            why,
          )
        : l10n.t(
            'The Spark session {0} ended ({1}). Its variables and cached data are gone; the next cell you run starts a new session, or use Restart Session to start one now.',
            sessionId,
            state,
          ),
    );
    this.name = 'SessionEndedError';
  }
}

/** The statement was cancelled by something other than us (for example the session was deleted elsewhere). */
export class StatementCancelledError extends Error {
  constructor(message = l10n.t('The statement was cancelled.')) {
    super(message);
    this.name = 'StatementCancelledError';
  }
}
