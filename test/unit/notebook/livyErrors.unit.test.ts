/** Livy HTTP errors read as sentences (status, code and message from the body, a next step when transient). */
import * as assert from 'assert';
import { SessionEndedError } from '../../../src/core/livy/errors';
import { formatLivyError, parseErrorBody, type LivyApi } from '../../../src/core/livy/livyClient';
import { AzureRequestError } from '../../../src/core/http/errors';
import { runStatement } from '../../../src/core/livy/statementRunner';

const NEXT_STEP = 'Try again; if it persists, check the pool in Synapse Studio.';

describe('Livy HTTP error messages', () => {
  it('formats a JSON {code, message} body with the status and, for 5xx, the next step', () => {
    assert.strictEqual(
      formatLivyError(
        'create a Spark session',
        'sparksmall',
        500,
        '{"code":"InternalServerError","message":"Internal error creating session"}',
      ),
      `Could not create a Spark session on pool 'sparksmall' (HTTP 500): InternalServerError: Internal error creating session. ${NEXT_STEP}`,
    );
  });

  it('adds the next step for 429 and 503, not for 4xx client errors', () => {
    assert.strictEqual(
      formatLivyError('list Spark sessions', 'p', 429, '{"error":{"code":"TooManyRequests","message":"Slow down."}}'),
      `Could not list Spark sessions on pool 'p' (HTTP 429): TooManyRequests: Slow down. ${NEXT_STEP}`,
    );
    assert.strictEqual(
      formatLivyError('read Spark session 3', 'p', 503, ''),
      `Could not read Spark session 3 on pool 'p' (HTTP 503). ${NEXT_STEP}`,
    );
    assert.strictEqual(
      formatLivyError(
        'submit a statement to Spark session 7',
        'sparksmall',
        400,
        '{"code":"BadRequest","message":"Session 7 is killed; it cannot run statements."}',
      ),
      "Could not submit a statement to Spark session 7 on pool 'sparksmall' (HTTP 400): BadRequest: Session 7 is killed; it cannot run statements.",
    );
  });

  it('keeps plain-text bodies as they are (trimmed) and leaves out an unknown status', () => {
    assert.strictEqual(
      formatLivyError('read Spark session 3', 'p', 404, '  Session 3 not found.\n'),
      "Could not read Spark session 3 on pool 'p' (HTTP 404): Session 3 not found.",
    );
    assert.strictEqual(
      formatLivyError('list Spark sessions', 'p', undefined, 'getaddrinfo ENOTFOUND x.dev.azuresynapse.net'),
      "Could not list Spark sessions on pool 'p': getaddrinfo ENOTFOUND x.dev.azuresynapse.net",
    );
    assert.strictEqual(
      formatLivyError('list Spark sessions', 'p', 502, '{not json'),
      `Could not list Spark sessions on pool 'p' (HTTP 502): {not json. ${NEXT_STEP}`,
    );
  });

  it('parses only code/message JSON bodies', () => {
    assert.deepStrictEqual(parseErrorBody('{"code":"A","message":" m "}'), { code: 'A', message: 'm' });
    assert.deepStrictEqual(parseErrorBody('{"message":"only"}'), { code: undefined, message: 'only' });
    assert.strictEqual(parseErrorBody('{"other":1}'), undefined);
    assert.strictEqual(parseErrorBody('[1]'), undefined);
    assert.strictEqual(parseErrorBody('text'), undefined);
  });
});

describe('Submitting to a session Livy says is over', () => {
  function api(getSession: LivyApi['getSession']): LivyApi {
    return {
      createStatement: async () => {
        throw new AzureRequestError('Could not submit (HTTP 400): BadRequest: Session 7 is killed; it cannot run statements.', 400, {
          code: 'BadRequest',
          serviceMessage: 'Session 7 is killed; it cannot run statements.',
        });
      },
      getSession,
    } as Partial<LivyApi> as LivyApi;
  }

  it("raises SessionEndedError from the session's state", async () => {
    const livy = api(async () => ({ id: 7, state: 'killed', errors: [] }) as unknown as Awaited<ReturnType<LivyApi['getSession']>>);
    await assert.rejects(
      runStatement(livy, 7, 'print(1)', 'pyspark'),
      (err: Error) =>
        err instanceof SessionEndedError &&
        err.sessionId === 7 &&
        err.state === 'killed' &&
        err.message.startsWith('The Spark session 7 ended (killed): it was deleted. '),
    );
  });

  it('raises SessionEndedError from the message when the session cannot be read', async () => {
    const livy = api(async () => {
      throw new AzureRequestError('boom', 500);
    });
    await assert.rejects(
      runStatement(livy, 7, 'print(1)', 'pyspark'),
      (err: Error) => err instanceof SessionEndedError && err.sessionId === 7 && err.state === 'killed',
    );
  });

  it('passes other refusals through unchanged', async () => {
    const refused = new AzureRequestError('Could not submit (HTTP 400): BadRequest: kind must be one of …', 400);
    const livy = {
      createStatement: async () => {
        throw refused;
      },
      getSession: async () => ({ id: 7, state: 'idle', errors: [] }) as unknown as Awaited<ReturnType<LivyApi['getSession']>>,
    } as Partial<LivyApi> as LivyApi;
    await assert.rejects(runStatement(livy, 7, 'print(1)', 'pyspark'), (err: Error) => err === refused);
  });
});
