/**
 * The "New Pipeline" template runs end to end on the emulator: written to a temp folder, submitted to the
 * in-process emulator and followed to Completed. Its Spark steps run with PySpark on the emulator's real Spark;
 * the command step runs with whatever Python the machine has (scikit-learn or the plain-Python fallback).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { newPipelineTemplate, type NewPipelineOptions } from '../../../src/core/pipelines/template';
import { useSubmitRuns } from '../../support/submitRuns';
import { downloadDatastorePath, parseDatastoreUri } from '../../../src/core/jobs/jobActions';

function writeTemplate(root: string, opts: NewPipelineOptions): string {
  const t = newPipelineTemplate(opts);
  for (const [rel, content] of Object.entries(t.files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), content);
  }
  return path.join(root, t.pipelinePath);
}

/** Rows of the CSV files in a folder (header + data lines), as the scripts write them. */
function csvRows(dir: string): string[][] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.csv'))
    .sort()
    .flatMap((f) =>
      fs
        .readFileSync(path.join(dir, f), 'utf8')
        .trim()
        .split(/\r?\n/)
        .map((l) => l.split(',')),
    );
}

describe("pipelines: the New Pipeline template runs on the emulator's Spark", function () {
  this.timeout(180_000);
  const runs = useSubmitRuns();

  for (const opts of [
    { name: 'fresh' },
    { name: 'fresh-spark-train', trainOn: 'spark' as const },
    { name: 'on-pool', sparkPool: 'sparksmall' },
  ]) {
    it(`submitted to the emulator, every step completes: ${JSON.stringify(opts)}`, async () => {
      const root = runs.tempDir('template-run-');
      const file = writeTemplate(root, opts);
      assert.equal(path.basename(file), `${opts.name}.pipeline.yml`);
      const text = fs.readFileSync(file, 'utf8');
      assert.match(text, new RegExp(`az ml job create --file ${opts.name}\\.pipeline\\.yml$`, 'm'), 'the comment names the real file');
      const { final, log } = await runs.submitAndFollow(file, root);
      assert.equal(final.status, 'Completed', log);
      assert.deepEqual(
        final.steps.map((s) => [s.step, s.status]).sort(),
        [
          ['prepare', 'Completed'],
          ['score', 'Completed'],
          ['train', 'Completed'],
        ],
        log,
      );
      assert.doesNotMatch(log, /ModuleNotFoundError|Traceback/);
      assert.match(log, /prepare: wrote 4 rows with Spark to file:\/\//);
      assert.match(
        log,
        opts.trainOn === 'spark' ? /train: fitted with Spark ML/ : /train: fitted on 4 rows with (plain Python|scikit-learn)/,
      );
      assert.match(log, /score: scored 4 rows with Spark into /);

      // The pipeline output holds the scored rows: the prepared columns plus a 0/1 prediction.
      const scored = final.outputs['score.scored_data'] ?? Object.entries(final.outputs).find(([k]) => /scored_data$/.test(k))?.[1];
      assert.ok(scored, JSON.stringify(final.outputs));
      // It is reported where Azure ML puts it, on the workspace's datastore: download it as a user would.
      const where = parseDatastoreUri(String(scored));
      assert.ok(where, `a datastore URI: ${scored}`);
      const client = runs.client();
      const dir = runs.tempDir('scored-');
      const files = await downloadDatastorePath(
        await client.datastore(where.datastore),
        (await client.datastoreAccountKey(where.datastore))!,
        client.arm.httpClient(),
        where.path,
        dir,
      );
      assert.ok(files > 0);
      const rows = csvRows(dir);
      assert.deepEqual(rows[0], ['feature_a', 'feature_b', 'label', 'prediction']);
      assert.equal(rows.length, 5);
      for (const r of rows.slice(1)) assert.match(r[3], /^[01]$/);
      // The sample is separable: the plain-Python model gets it right.
      assert.deepEqual(
        rows.slice(1).map((r) => r[3]),
        rows.slice(1).map((r) => r[2]),
      );
    });
  }
});
