import * as assert from 'assert';
import { redact } from '../../../src/core/util/redact';
import { UserCancelledError, describeError, isCancellation } from '../../../src/core/util/errors';

describe('redact', () => {
  const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL21hbmFnZW1lbnQifQ.c2lnbmF0dXJlLXZhbHVl';

  it('masks bearer tokens in headers', () => {
    const out = redact('Authorization: Bearer abc.def.ghi');
    assert.ok(!out.includes('abc.def.ghi'), out);
    assert.match(out, /Bearer \*\*\*/);
  });

  it('masks bare JWTs wherever they appear', () => {
    const out = redact(`token=${jwt} and {"access_token":"${jwt}"}`);
    assert.ok(!out.includes(jwt), out);
  });

  it('masks client secrets, SAS signatures and account keys', () => {
    const out = redact('client_secret=s3cr3t&x=1 https://a.blob/c?sv=1&sig=QWERTY%3D AccountKey=abcd==;');
    for (const secret of ['s3cr3t', 'QWERTY%3D', 'abcd==']) assert.ok(!out.includes(secret), out);
    assert.ok(out.includes('x=1'), 'keeps what is not secret');
  });

  it('masks secrets however their keys and values are quoted', () => {
    const cases = [
      '{"accountKey": "abc/DEF+gh=="}',
      "{'clientSecret': 'p@ss w0rd'}",
      '{"AccountKey":"abc/DEF+gh=="}',
      'password="hunter2"',
      '{"secretsType": "AccountKey", "key": "abc/DEF+gh=="}',
      '"sasToken": "sv=2021&sig=abc%2F"',
      "access_token='eyJz'",
      '{"refreshToken": "0.AAA-bbb"}',
    ];
    for (const text of cases) {
      const out = redact(text);
      for (const secret of ['abc/DEF+gh==', 'p@ss', 'hunter2', 'abc%2F', 'eyJz', '0.AAA-bbb'])
        assert.ok(!out.includes(secret), `${text} -> ${out}`);
    }
    assert.strictEqual(redact('{"accountKey": "abc"}'), '{"accountKey": "***"}', 'the JSON stays well formed');
    assert.strictEqual(redact('{"key": "abc"}'), '{"key": "***"}');
  });

  it('leaves ordinary text alone', () => {
    const text = 'Attached pool sparkpool01 as compute spark-small in 12 s.';
    assert.strictEqual(redact(text), text);
    const conf = '{"spark.executor.memory": "4g", "keyColumn": "id", "secretsType": "AccountKey", "signature": "x"}';
    assert.strictEqual(redact(conf), conf);
  });
});

describe('errors', () => {
  it('recognises user cancellation and aborts', () => {
    assert.ok(isCancellation(new UserCancelledError()));
    const abort = new Error('aborted');
    abort.name = 'AbortError';
    assert.ok(isCancellation(abort));
    assert.ok(!isCancellation(new Error('boom')));
  });

  it('never describes an error with an empty message', () => {
    assert.strictEqual(describeError(new Error('')), 'Error');
    assert.strictEqual(describeError(undefined), 'An unknown error occurred.');
    assert.strictEqual(describeError('plain'), 'plain');
  });
});
