/** Failures of a Spark session the notebook shows with their own message and a Restart Session action. */
export class SessionEndedError extends Error {
  constructor(readonly sessionId: number, readonly state: string, readonly reason: string, readonly driverLogUrl?: string) {
    const why = reason.trim().replace(/[.\s]+$/, '');
    super(`The Spark session ${sessionId} ended (${state})${why ? `: ${why}` : ''}. Its variables and cached data are gone; `
      + 'the next cell you run starts a new session, or use Restart Session to start one now.');
    this.name = 'SessionEndedError';
  }
}

/** The statement was cancelled by something other than us (for example the session was deleted elsewhere). */
export class StatementCancelledError extends Error {
  constructor(message = 'The statement was cancelled.') {
    super(message);
    this.name = 'StatementCancelledError';
  }
}
