import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { headerTime, isoTime } from '../../../emulator/src/livy/bodies';
import { resolveJobFile } from '../../../emulator/src/livy/fileMapping';
import { parseDuration } from '../../../emulator/src/livy/jobRequest';
import type { LivyContext } from '../../../emulator/src/livy';

describe('Livy emulator: formats', () => {
  it('writes header dates as M/d/yyyy h:mm:ss tt +00:00, with the .NET default when unset', () => {
    assert.equal(headerTime(Date.UTC(2025, 1, 24, 10, 41, 45)), '2/24/2025 10:41:45 AM +00:00');
    assert.equal(headerTime(Date.UTC(2021, 0, 13, 17, 34, 54)), '1/13/2021 5:34:54 PM +00:00');
    assert.equal(headerTime(Date.UTC(2021, 0, 13, 0, 5, 9)), '1/13/2021 12:05:09 AM +00:00');
    assert.equal(headerTime(null), '1/1/0001 12:00:00 AM +00:00');
  });

  it('writes body timestamps in the service round-trip form', () => {
    assert.equal(isoTime(Date.UTC(2025, 1, 24, 10, 41, 45, 671)), '2025-02-24T10:41:45.6710000+00:00');
    assert.equal(isoTime(null), null);
  });

  it('reads Livy durations', () => {
    assert.equal(parseDuration('30s'), 30_000);
    assert.equal(parseDuration('20m'), 1_200_000);
    assert.equal(parseDuration('1h'), 3_600_000);
    assert.equal(parseDuration(90), 90_000);
    assert.equal(parseDuration('soon'), undefined);
  });

  it('maps storage URIs under the data dir and refuses to escape it', async () => {
    const ctx = { dataDir: '/data' } as LivyContext;
    const expected = path.join('/data', 'storage', 'acct', 'code', 'jobs', 'main.py');
    for (const uri of [
      'abfss://code@acct.dfs.core.windows.net/jobs/main.py',
      'wasbs://code@acct.blob.core.windows.net/jobs/main.py',
      'https://acct.blob.core.windows.net/code/jobs/main.py',
    ]) {
      await assert.rejects(resolveJobFile(uri, ctx), (err: Error) => err.message.includes(expected));
    }
    await assert.rejects(resolveJobFile('abfss://code@acct.dfs.core.windows.net/..%2F..%2Fetc/passwd', ctx), /cannot map/);
    await assert.rejects(resolveJobFile('relative/main.py', ctx), /cannot map/);
  });
});
