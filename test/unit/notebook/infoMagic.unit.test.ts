/** %%info's output: a two-column table with real headers (no empty header row) and a text fallback. */
import * as assert from 'assert';
import type { SparkSession } from '../../../src/core/livy/sparkSession';
import { runCell, type CellSink, type NotebookSessionHost } from '../../../src/core/notebook/cellRunner';
import type { CellOutputModel } from '../../../src/core/notebook/outputs';

describe('%%info output', () => {
  it('shows the session table under Property / Value headers, before any session exists', async () => {
    const session = { isLive: false, takeReplacementNotice: () => undefined } as unknown as SparkSession;
    const host: NotebookSessionHost = {
      session,
      notebookConfig: { executorMemory: '2g' },
      defaults: () => ({}),
      limits: () => ({ maxBytes: 100_000 }),
      target: { poolName: 'sparksmall', synapseWorkspace: 'contoso-synapse', amlWorkspace: 'contoso-ml', sparkVersion: '3.4' },
    };
    let last: CellOutputModel[] = [];
    const sink: CellSink = {
      replace: (o) => {
        last = o;
      },
      setExecutionOrder: () => undefined,
    };
    const result = await runCell({ type: 'info' }, host, sink, new AbortController().signal);
    assert.strictEqual(result.outcome, 'succeeded');
    assert.deepStrictEqual(last, [
      {
        items: [
          {
            mime: 'text/markdown',
            text: [
              '| Property | Value |',
              '| --- | --- |',
              '| Pool | sparksmall (Spark 3.4) |',
              '| Synapse workspace | contoso-synapse |',
              '| Azure ML workspace | contoso-ml |',
              '| Session | none yet (it starts with the first cell) |',
              '| Settings | {"executorMemory":"2g"} |',
            ].join('\n'),
          },
          {
            mime: 'text/plain',
            text: [
              'Pool: sparksmall (Spark 3.4)',
              'Synapse workspace: contoso-synapse',
              'Azure ML workspace: contoso-ml',
              'Session: none yet (it starts with the first cell)',
              'Settings: {"executorMemory":"2g"}',
            ].join('\n'),
          },
        ],
      },
    ]);
  });
});
