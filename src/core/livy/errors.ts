/** Failures of a Spark session the notebook shows with their own message and a Restart Session action. */
export class SessionEndedError extends Error {
  constructor(readonly sessionId: number, readonly state: string, readonly reason: string, readonly driverLogUrl?: string) {
    super(`The Spark session ${sessionId} ended (${state})${reason ? `: ${reason}` : ''}. Restart the session to go on; `
      + 'variables and cached data of the old session are gone.');
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
