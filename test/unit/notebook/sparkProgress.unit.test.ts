/**
 * Live Spark progress of a running statement, on a virtual clock against a scripted Livy: which jobs belong
 * to the statement, the counts, the poll cadence and request budget, the final read, failure handling, and
 * what the cell shows (live lines, then a summary above the statement's own outputs).
 */
import * as assert from 'assert';
import { SparkSession } from '../../../src/core/livy/sparkSession';
import { aggregateProgress, parseSparkDate, progressDelay, type StatementProgress } from '../../../src/core/livy/sparkProgress';
import type { SparkJobData, SparkStageData } from '../../../src/core/livy/types';
import { runCell, type NotebookSessionHost } from '../../../src/core/notebook/cellRunner';
import { parseCell } from '../../../src/core/notebook/magics';
import { type CellOutputModel } from '../../../src/core/notebook/outputs';
import {
  describeRunning,
  isProgressOutput,
  PROGRESS_METADATA_KEY,
  progressOutput,
  summaryOutput,
  summaryText,
} from '../../../src/core/notebook/progressOutput';
import type { Logger } from '../../../src/core/util/logger';
import { RecordingSink } from '../../support/livySessions';
import { FakeClock, ScriptedLivy } from './fakes';

const sparkDate = (ms: number) => new Date(ms).toISOString().replace('Z', 'GMT');

function job(over: Partial<SparkJobData> & { jobId: number }): SparkJobData {
  return {
    name: `collect at <stdin>:${over.jobId}`,
    stageIds: [over.jobId * 10],
    jobGroup: '0',
    status: 'RUNNING',
    numTasks: 8,
    numActiveTasks: 0,
    numCompletedTasks: 0,
    numSkippedTasks: 0,
    numFailedTasks: 0,
    numKilledTasks: 0,
    numActiveStages: 0,
    numCompletedStages: 0,
    numSkippedStages: 0,
    numFailedStages: 0,
    ...over,
  };
}

function stage(over: Partial<SparkStageData> & { stageId: number }): SparkStageData {
  return {
    status: 'ACTIVE',
    attemptId: 0,
    numTasks: 8,
    numActiveTasks: 2,
    numCompleteTasks: 1,
    numFailedTasks: 0,
    name: `stage ${over.stageId}`,
    ...over,
  };
}

class RecordingLog implements Logger {
  lines: { level: string; message: string }[] = [];
  trace(): void {}
  debug(message: string): void {
    this.lines.push({ level: 'debug', message });
  }
  info(message: string): void {
    this.lines.push({ level: 'info', message });
  }
  warn(message: string): void {
    this.lines.push({ level: 'warn', message });
  }
  error(message: string | Error): void {
    this.lines.push({ level: 'error', message: String(message) });
  }
  get loud(): string[] {
    return this.lines.filter((l) => l.level === 'warn' || l.level === 'error').map((l) => l.message);
  }
}

/** A session on the scripted Livy, adopted idle (as after a reload), with its requests counted from the run on. */
async function sessionOn(clock: FakeClock, livy: ScriptedLivy, log = new RecordingLog()): Promise<SparkSession> {
  const session = new SparkSession({ api: livy.api(), name: 'progress', request: () => ({}), clock, log });
  assert.ok(await clock.run(session.attach(7)));
  livy.requests = [];
  return session;
}

const monitoring = (livy: ScriptedLivy, until = Infinity) =>
  livy.requests.filter((r) => r.op !== 'POST' && r.op !== 'GET' && r.at <= until);

describe('Spark progress of a running statement', () => {
  describe("reading Spark's monitoring data", () => {
    it('parses Spark dates (GMT suffix) and tolerates absent ones', () => {
      assert.strictEqual(parseSparkDate('2025-03-19T07:33:40.386GMT'), Date.UTC(2025, 2, 19, 7, 33, 40, 386));
      assert.strictEqual(parseSparkDate(undefined), undefined);
      assert.strictEqual(parseSparkDate('not a date'), undefined);
    });

    it("keeps only the statement's job group (not ungrouped, other statements or SystemJob), oldest first, less skipped tasks", () => {
      const t0 = Date.UTC(2025, 2, 19, 7, 0, 0);
      // Spark lists newest first.
      const jobs: SparkJobData[] = [
        job({ jobId: 9, jobGroup: 'SystemJob', numCompletedTasks: 100, numTasks: 100 }),
        job({
          jobId: 8,
          jobGroup: '3',
          stageIds: [12, 13],
          numTasks: 200,
          numSkippedTasks: 0,
          numCompletedIndices: 150,
          numCompletedTasks: 152,
          numFailedTasks: 2,
          numActiveTasks: 4,
          numActiveStages: 1,
          numCompletedStages: 1,
          submissionTime: sparkDate(t0 + 1000),
        }),
        job({ jobId: 7, jobGroup: undefined, numCompletedTasks: 5 }),
        job({
          jobId: 6,
          jobGroup: '3',
          status: 'SUCCEEDED',
          stageIds: [10, 11],
          numTasks: 16,
          numSkippedTasks: 8,
          numSkippedStages: 1,
          numCompletedTasks: 8,
          numCompletedStages: 1,
          submissionTime: sparkDate(t0),
          completionTime: sparkDate(t0 + 900),
        }),
        job({ jobId: 5, jobGroup: '2', numCompletedTasks: 8, status: 'SUCCEEDED' }),
        job({ jobId: 4, jobGroup: '30', numCompletedTasks: 8 }),
      ];
      const stages = [
        stage({ stageId: 13, name: 'sum at <stdin>:1' }),
        stage({ stageId: 40, name: 'other statement' }),
        stage({ stageId: 12, status: 'COMPLETE' }),
      ];
      const p = aggregateProgress(3, jobs, stages, t0 + 4100);
      assert.deepStrictEqual(
        p.jobs.map((j) => j.jobId),
        [6, 8],
      );
      const [done, running] = p.jobs;
      assert.deepStrictEqual(
        [done.tasksDone, done.tasksTotal, done.stagesDone, done.stagesTotal, done.elapsedMs, done.activeStages],
        [8, 8, 1, 1, 900, []],
      );
      // numCompletedIndices wins over numCompletedTasks (speculative and retried attempts count once).
      assert.deepStrictEqual(
        [running.tasksDone, running.tasksTotal, running.failedTasks, running.activeTasks, running.elapsedMs],
        [150, 200, 2, 4, 3100],
      );
      assert.deepStrictEqual(running.activeStages, ['sum at <stdin>:1']);
      assert.deepStrictEqual([p.tasksDone, p.tasksTotal, p.stagesDone, p.failedTasks], [158, 208, 2, 2]);
      assert.deepStrictEqual(aggregateProgress(1, jobs).jobs, [], 'no job of statement 1');
    });

    it('counts a job without optional fields', () => {
      const bare = { jobId: 1, name: 'count', stageIds: [1], jobGroup: '0', status: 'RUNNING', numTasks: 4 } as unknown as SparkJobData;
      const p = aggregateProgress(0, [bare]);
      assert.deepStrictEqual([p.jobs[0].tasksDone, p.jobs[0].tasksTotal, p.jobs[0].failedTasks, p.jobs[0].elapsedMs], [0, 4, 0, undefined]);
    });
  });

  describe('what the cell shows', () => {
    const progress: StatementProgress = aggregateProgress(
      3,
      [
        job({ jobId: 1, jobGroup: '3', status: 'SUCCEEDED', numTasks: 8, numCompletedTasks: 8, numCompletedStages: 1 }),
        job({
          jobId: 2,
          jobGroup: '3',
          stageIds: [2, 3],
          numTasks: 200,
          numCompletedIndices: 150,
          numFailedTasks: 1,
          numActiveStages: 1,
          numCompletedStages: 1,
          name: 'collect at <stdin>:1 `x`',
        }),
      ],
      [stage({ stageId: 3, name: 'sum at <stdin>:1' })],
    );

    it('draws one line per job, marked as progress, with a plain-text alternative', () => {
      const out = progressOutput(progress);
      assert.ok(isProgressOutput(out));
      assert.deepStrictEqual(out.metadata?.[PROGRESS_METADATA_KEY], { kind: 'live', statementId: 3 });
      assert.deepStrictEqual(
        out.items.map((i) => i.mime),
        ['text/markdown', 'text/plain'],
      );
      // As VS Code's .ipynb serializer reads it back: only the nbformat output metadata is left.
      assert.ok(isProgressOutput({ metadata: { outputType: 'display_data', metadata: { synapse_spark_progress: 'summary' } } }));
      assert.ok(!isProgressOutput({ metadata: { outputType: 'display_data', metadata: {} } }));
      const plain = (out.items[1] as { text: string }).text.split('\n');
      assert.strictEqual(plain.length, 2);
      assert.match(
        plain[1],
        /^Spark job 2 \(collect at <stdin>:1 `x`, stage sum at <stdin>:1\), running: 150\/200 tasks \(75%\), stage 2 of 2, 1 failed$/,
      );
      const md = (out.items[0] as { text: string }).text;
      assert.match(md, /\*\*Spark job 2\*\* `collect at <stdin>:1 'x'` · stage `sum at <stdin>:1` · running/);
      assert.match(md, /`█{15}░{5}` 150\/200 tasks/);
    });

    it('sums up the statement in one line with the Spark UI link', () => {
      assert.strictEqual(summaryText(progress, 4100), 'Spark: 2 jobs, 2 stages, 158 tasks in 4.1 s (1 task failed)');
      const out = summaryOutput(progress, 4100, 'https://web.example/sparkui/app');
      assert.deepStrictEqual(out.metadata?.[PROGRESS_METADATA_KEY], { kind: 'summary', statementId: 3 });
      assert.match(
        (out.items[0] as { text: string }).text,
        /in 4\.1 s \(1 task failed\) · \[Spark UI\]\(https:\/\/web\.example\/sparkui\/app\)$/,
      );
      assert.match((out.items[1] as { text: string }).text, /\. Spark UI: https:\/\/web\.example\/sparkui\/app$/);
      assert.strictEqual(describeRunning(3, progress), 'statement 3: 158/208 tasks');
      assert.strictEqual(describeRunning(4, undefined), 'statement 4 running');
    });
  });

  describe('polling (virtual clock)', () => {
    it('polls every 1 s for 10 s, then 2 s, then 3 s from 30 s, and stops with the statement', async () => {
      const clock = new FakeClock();
      const livy = new ScriptedLivy(clock, 0);
      const session = await sessionOn(clock, livy);
      const start = clock.now();
      livy.doneAt = start + 40_000;
      livy.jobs = (now) => [job({ jobId: 1, numTasks: 100, numCompletedTasks: Math.min(100, Math.floor((now - start) / 400)) })];
      const updates: StatementProgress[] = [];
      const result = await clock.run(session.run('work()', 'pyspark', undefined, undefined, { onUpdate: (p) => updates.push(p) }));
      const end = clock.now();
      const final = await clock.run(result.sparkProgress!);
      const live = monitoring(livy)
        .filter((r) => r.at < end)
        .map((r) => r.at - start);
      assert.deepStrictEqual(
        live,
        [
          1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10_000, 12_000, 14_000, 16_000, 18_000, 20_000, 22_000, 24_000, 26_000,
          28_000, 30_000, 33_000, 36_000, 39_000,
        ],
      );
      assert.deepStrictEqual([1000, 9000, 20_000, 30_000, 45_000].map(progressDelay), [1000, 1000, 2000, 3000, 3000]);
      assert.strictEqual(updates.length, live.length);
      assert.ok(final?.final);
      assert.strictEqual(final.tasksDone, 100);
      assert.strictEqual(monitoring(livy).filter((r) => r.at >= end).length, 1, 'one final read');
      await clock.run(clock.sleep(60_000));
      assert.strictEqual(monitoring(livy).length, live.length + 1, 'nothing after the end');
    });

    it('spends at most one request per second on average, stage reads included', async () => {
      const clock = new FakeClock();
      const livy = new ScriptedLivy(clock, 0);
      const session = await sessionOn(clock, livy);
      const start = clock.now();
      livy.doneAt = start + 20_000;
      // A new stage every 1.5 s: each one needs its name read.
      livy.jobs = (now) => {
        const stagesDone = Math.floor((now - start) / 1500);
        return [
          job({
            jobId: 1,
            stageIds: Array.from({ length: 20 }, (_, i) => i),
            numActiveStages: 1,
            numCompletedStages: stagesDone,
            numTasks: 160,
          }),
        ];
      };
      livy.stages = (now) => [stage({ stageId: Math.floor((now - start) / 1500), name: `stage ${Math.floor((now - start) / 1500)}` })];
      const names = new Set<string>();
      const result = await clock.run(
        session.run('work()', 'pyspark', undefined, undefined, { onUpdate: (p) => p.jobs[0].activeStages.forEach((n) => names.add(n)) }),
      );
      await clock.run(result.sparkProgress!);
      const spent = monitoring(livy);
      assert.ok(
        spent.some((r) => r.op === 'STAGES'),
        'stage names were read',
      );
      assert.ok(names.size >= 4, `stage names seen: ${[...names]}`);
      assert.ok(spent.length <= 20 + 1, `${spent.length} monitoring requests in 20 s (+1 final)`);
      // ...and in every 5 s window too.
      for (let t = start; t < start + 20_000; t += 1000) {
        const inWindow = spent.filter((r) => r.at >= t && r.at < t + 5000).length;
        assert.ok(inWindow <= 6, `${inWindow} requests in the 5 s from ${t - start} ms`);
      }
    });

    it('finds the Spark application once Spark starts during the statement (no id, then a placeholder id replaced)', async () => {
      const clock = new FakeClock();
      const livy = new ScriptedLivy(clock, 0);
      livy.appId = undefined;
      const log = new RecordingLog();
      const session = await sessionOn(clock, livy, log);
      const start = clock.now();
      livy.doneAt = start + 8000;
      livy.jobs = () => [job({ jobId: 1, numCompletedTasks: 8, status: 'SUCCEEDED' })];
      const updates: StatementProgress[] = [];
      const running = session.run('spark.range(1).count()', 'pyspark', undefined, undefined, { onUpdate: (p) => updates.push(p) });
      await clock.run(clock.sleep(2500));
      livy.appId = 'application_1_0001'; // the placeholder Livy reports before Spark starts
      await clock.run(clock.sleep(2000));
      livy.appId = 'local-1700000000000'; // Spark's own id once it runs
      const result = await clock.run(running);
      assert.ok(await clock.run(result.sparkProgress!));
      assert.ok(updates.length >= 2, `${updates.length} updates`);
      assert.deepStrictEqual(log.loud, [], 'nothing logged: a changed application is not a failure');
      assert.ok(monitoring(livy).filter((r) => r.at < start + 8000).length <= 8);
    });

    for (const [what, status] of [
      ['403', 403],
      ['503', 503],
      ['a network error', 0],
    ] as const) {
      it(`hides the progress after one log line when the pass-through answers ${what}; the cell completes`, async () => {
        const clock = new FakeClock();
        const livy = new ScriptedLivy(clock, 0);
        const log = new RecordingLog();
        const session = await sessionOn(clock, livy, log);
        livy.jobs = () => [job({ jobId: 1, numCompletedTasks: 3 })];
        const host = hostFor(session);
        const sink = new RecordingSink();
        livy.doneAt = clock.now() + 5000;
        // First a good poll (progress shown), then the failure: the progress goes away.
        const cell = runCell(parseCell('work()'), host, sink, new AbortController().signal);
        await clock.run(clock.sleep(1500));
        assert.ok(sink.last.some(isProgressOutput), 'progress shown');
        livy.sparkFailure = status;
        const result = await clock.run(cell);
        assert.strictEqual(result.outcome, 'succeeded');
        assert.ok(!sink.last.some(isProgressOutput), 'no progress left');
        assert.strictEqual(sink.text(), 'done');
        const hidden = sink.history.findIndex((h, i) => i > 0 && !h.some(isProgressOutput) && sink.history[i - 1].some(isProgressOutput));
        assert.ok(hidden > 0 && hidden < sink.history.length - 1, 'hidden while the statement still ran');
        assert.strictEqual(log.loud.length, 1, log.loud.join('\n'));
        assert.match(log.loud[0], /Spark progress is not available for session 7 \(statement 0\); cells run without it/);
        const requests = monitoring(livy).length;
        // A second statement: still no more than one logged line for the session.
        livy.doneAt = clock.now() + 5000;
        await clock.run(runCell(parseCell('work()'), host, new RecordingSink(), new AbortController().signal));
        assert.strictEqual(log.loud.length, 1);
        assert.ok(monitoring(livy).length - requests <= 1, 'the failing statement stopped polling at once');
      });
    }

    it('treats 404 as "not yet" for a grace period, then as absent (one log line); the next statement gives up at once', async () => {
      const clock = new FakeClock();
      const livy = new ScriptedLivy(clock, 0);
      const log = new RecordingLog();
      const session = await sessionOn(clock, livy, log);
      livy.sparkFailure = 404;
      const start = clock.now();
      livy.doneAt = start + 60_000;
      const result = await clock.run(session.run('work()', 'pyspark', undefined, undefined, { onUpdate: () => assert.fail('no data') }));
      assert.strictEqual(await clock.run(result.sparkProgress!), undefined);
      const first = monitoring(livy);
      assert.ok(
        first.every((r) => r.at - start <= 33_000),
        'gave up after about 30 s',
      );
      assert.ok(first.length <= 31, `${first.length} requests`);
      assert.strictEqual(log.loud.length, 1);
      livy.requests = [];
      livy.doneAt = clock.now() + 10_000;
      await clock.run(session.run('work()', 'pyspark', undefined, undefined, { onUpdate: () => undefined }));
      assert.deepStrictEqual(
        monitoring(livy).map((r) => r.op),
        ['JOBS', 'GET session'],
      );
      assert.strictEqual(log.loud.length, 1);
    });

    it('stops polling when the cell is cancelled', async () => {
      const clock = new FakeClock();
      const livy = new ScriptedLivy(clock, 0);
      const session = await sessionOn(clock, livy);
      livy.doneAt = clock.now() + 60_000;
      livy.jobs = () => [job({ jobId: 1 })];
      const controller = new AbortController();
      const running = session.run('work()', 'pyspark', controller.signal, undefined, { onUpdate: () => undefined });
      await clock.run(clock.sleep(3500));
      controller.abort();
      await assert.rejects(clock.run(running), (err: Error) => err.name === 'AbortError');
      const count = monitoring(livy).length;
      await clock.run(clock.sleep(20_000));
      assert.strictEqual(monitoring(livy).length, count);
      assert.strictEqual(session.runningStatement, undefined);
    });
  });

  describe('the cell', () => {
    it('shows live progress, writes the result at once, then the summary above the outputs after one short final read', async () => {
      const clock = new FakeClock();
      const livy = new ScriptedLivy(clock, 0);
      const session = await sessionOn(clock, livy);
      const start = clock.now();
      livy.doneAt = start + 4000;
      livy.jobs = (now) => [
        job({
          jobId: 2,
          stageIds: [3, 4],
          numTasks: 200,
          numCompletedIndices: Math.min(200, Math.floor((now - start) / 20)),
          numActiveStages: 1,
          status: now - start >= 4000 ? 'SUCCEEDED' : 'RUNNING',
          numCompletedStages: now - start >= 4000 ? 2 : 1,
        }),
        job({ jobId: 1, status: 'SUCCEEDED', numTasks: 8, numCompletedTasks: 8, numCompletedStages: 1 }),
        job({ jobId: 0, jobGroup: 'SystemJob' }),
      ];
      livy.stages = () => [stage({ stageId: 4, name: 'sum at <stdin>:1' })];
      const sink = new RecordingSink();
      const host = hostFor(session);
      const writes: { at: number; outputs: CellOutputModel[] }[] = [];
      const original = sink.replace.bind(sink);
      sink.replace = (outputs) => {
        writes.push({ at: clock.now(), outputs });
        original(outputs);
      };
      const result = await clock.run(runCell(parseCell('work()'), host, sink, new AbortController().signal));
      assert.strictEqual(result.outcome, 'succeeded');
      const live = writes.filter((w) => w.outputs.length === 1 && isProgressOutput(w.outputs[0]));
      assert.ok(live.length >= 2, `${live.length} live updates`);
      assert.match(
        text(live[0].outputs[0]),
        /Spark job 1 .*done: 8\/8 tasks[\s\S]*Spark job 2 .*stage sum at <stdin>:1\), running: \d+\/200 tasks/,
      );
      // The result went out as soon as the statement was seen done, the final summary right after.
      const firstResult = writes.findIndex((w) => w.outputs.some((o) => !isProgressOutput(o)));
      assert.strictEqual(writes.length, firstResult + 2);
      const last = writes.at(-1)!.outputs;
      assert.strictEqual(last.length, 2);
      assert.deepStrictEqual(last[0].metadata?.[PROGRESS_METADATA_KEY], { kind: 'summary', statementId: 0 });
      assert.match(text(last[0]), /^Spark: 2 jobs, 3 stages, 208 tasks in \d+\.\d s$/);
      assert.strictEqual(text(last[1]), 'done');
      assert.strictEqual(last[1].metadata, undefined, 'the statement output is not marked');
      assert.ok(writes.at(-1)!.at - writes[firstResult].at <= 500);
    });

    it("never waits more than the final read's short timeout for the summary", async () => {
      const clock = new FakeClock();
      const livy = new ScriptedLivy(clock, 0);
      const session = await sessionOn(clock, livy);
      const start = clock.now();
      livy.doneAt = start + 2500;
      livy.jobs = () => [job({ jobId: 1, numCompletedTasks: 4 })];
      const sink = new RecordingSink();
      const cell = runCell(parseCell('work()'), hostFor(session), sink, new AbortController().signal);
      await clock.run(clock.sleep(2200));
      livy.sparkLatencyMs = 60_000; // the monitoring API hangs from now on
      await clock.run(cell);
      const resultSeen = livy.requests.filter((r) => r.op === 'GET').at(-1)!.at;
      assert.ok(clock.now() - resultSeen <= 500, `the cell ended ${clock.now() - resultSeen} ms after its result`);
      assert.match(text(sink.last[0]), /^Spark: 1 job, 0 stages, 4 tasks in/, 'the last counts seen');
      assert.strictEqual(text(sink.last[1]), 'done');
    });

    it('reads nothing when the setting turns progress off', async () => {
      const clock = new FakeClock();
      const livy = new ScriptedLivy(clock, 0);
      const session = await sessionOn(clock, livy);
      livy.doneAt = clock.now() + 5000;
      livy.jobs = () => [job({ jobId: 1, numCompletedTasks: 8, status: 'SUCCEEDED' })];
      const sink = new RecordingSink();
      await clock.run(runCell(parseCell('work()'), hostFor(session, false), sink, new AbortController().signal));
      assert.deepStrictEqual(
        sink.history.map((h) => h.map(text)),
        [['done']],
      );
      assert.deepStrictEqual(monitoring(livy), []);
    });

    it('shows nothing extra for a statement that ends before the first poll, and spends no request on it', async () => {
      const clock = new FakeClock();
      const livy = new ScriptedLivy(clock, 0);
      const session = await sessionOn(clock, livy);
      livy.doneAt = clock.now() + 300;
      livy.jobs = () => [job({ jobId: 1, numCompletedTasks: 8, status: 'SUCCEEDED' })];
      const sink = new RecordingSink();
      await clock.run(runCell(parseCell('spark.range(8).count()'), hostFor(session), sink, new AbortController().signal));
      assert.deepStrictEqual(
        sink.history.map((h) => h.map(text)),
        [['done']],
      );
      assert.deepStrictEqual(monitoring(livy), []);
    });
  });
});

function text(output: CellOutputModel): string {
  const plain = output.items.find((i) => i.mime === 'text/plain');
  return plain && 'text' in plain ? plain.text : '';
}

function hostFor(session: SparkSession, sparkProgress = true): NotebookSessionHost {
  return {
    session,
    sparkProgress: () => sparkProgress,
    target: { poolName: 'pool', synapseWorkspace: 'ws', amlWorkspace: 'aml' },
    notebookConfig: undefined,
    defaults: () => ({}),
    limits: () => ({ maxBytes: 100_000 }),
  };
}
