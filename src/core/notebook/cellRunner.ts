/**
 * Runs one parsed cell (a statement or a magic) against its notebook's Spark session and writes the
 * results to a sink (the glue backs it with a NotebookCellExecution). VS Code-free, so the whole path
 * from cell text to outputs is unit-tested against the emulator.
 */
import * as l10n from '@vscode/l10n';
import { formatColdStart, formatElapsed, type ColdStartProgress } from '../livy/coldStart';
import { SessionEndedError, StatementCancelledError } from '../livy/errors';
import {
  CREATED_BY_TAG,
  CREATED_BY_VALUE,
  type SessionStatementResult,
  type SparkProgressListener,
  type SparkSession,
} from '../livy/sparkSession';
import type { StatementProgress } from '../livy/sparkProgress';
import { isEndedServerState, type LivySessionInfo } from '../livy/types';
import type { CellOutcome } from './cellQueue';
import { mergeSessionConfig, type SessionConfig } from './configure';
import { helpRows, type CellCommand } from './magics';
import { errorOutput, mapStatementOutput, textOutput, type CellOutputModel, type OutputLimits } from './outputs';
import { progressOutput, summaryOutput } from './progressOutput';
import { describeError } from '../util/errors';

export interface CellSink {
  replace(outputs: CellOutputModel[]): void;
  setExecutionOrder(order: number | undefined): void;
  /** Livy accepted the cell's statement (the glue remembers it, so a window reload does not lose its result). */
  submitted?(sessionId: number, statementId: number): void;
}

/** A statement that was running when the window reloaded (see resumeCell). */
export interface PendingStatement {
  sessionId: number;
  statementId: number;
}

export interface PoolTarget {
  poolName: string;
  synapseWorkspace: string;
  amlWorkspace: string;
  sparkVersion?: string;
}

/** What a cell needs from its notebook: the session, where it runs, its %%configure, the output cap. */
export interface NotebookSessionHost {
  readonly session: SparkSession;
  readonly target: PoolTarget;
  /** This notebook's %%configure (undefined: settings defaults only). */
  notebookConfig: SessionConfig | undefined;
  /** Settings defaults (synapseSpark.notebook.session). */
  defaults(): SessionConfig;
  limits(): OutputLimits;
  /** The notebook's name, for messages other notebooks show (e.g. "was deleted by %%cleanup in <name>"). */
  readonly notebookName?: string;
  /** Show live Spark job progress under running cells (default on). */
  sparkProgress?(): boolean;
  /**
   * The other notebooks' sessions of this window on the same pool: %%cleanup deletes theirs through them, so
   * they know their session is gone (their next cell explains it and starts a new one).
   */
  peers?(): NotebookSessionHost[];
  /** The other notebooks using this notebook's Livy session (sessionSharing `sharedPerPool`). */
  sharedWith?(): readonly { notebookName: string }[];
  /** This notebook ran a statement on its session: it has variables there now. */
  markUsed?(): void;
  /** Whether this notebook ran a statement on its session (one it joined and never used holds nothing of it). */
  usedSession?(): boolean;
}

export interface CellResult {
  outcome: CellOutcome;
  /** Set when the session ended under the cell: the glue offers Restart Session. */
  sessionEnded?: SessionEndedError;
}

export function describeTarget(t: PoolTarget): string {
  return `${t.poolName} (${t.synapseWorkspace})`;
}

export async function runCell(command: CellCommand, host: NotebookSessionHost, target: CellSink, signal: AbortSignal): Promise<CellResult> {
  const sink = withReplacementNotice(target, host.session);
  const progress = (p: ColdStartProgress) => sink.replace([textOutput(formatColdStart(p, describeTarget(host.target)))]);
  try {
    switch (command.type) {
      case 'empty':
        return { outcome: 'succeeded' };
      case 'invalid':
        sink.replace([errorOutput('MagicError', command.message)]);
        return { outcome: 'failed' };
      case 'help':
        sink.replace([helpOutput()]);
        return { outcome: 'succeeded' };
      case 'statement': {
        // A cold start shows its stages; once the session is up, say so, or the last stage would stay on
        // screen (looking stuck) for as long as the statement runs.
        let started: { progress: ColdStartProgress; at: number } | undefined;
        const id = await host.session.ensureReady((p) => {
          started = { progress: p, at: Date.now() };
          progress(p);
        }, signal);
        host.markUsed?.();
        const preamble: CellOutputModel[] = [];
        if (started) {
          const took = started.progress.elapsedMs + Date.now() - started.at;
          preamble.push(
            textOutput(
              l10n.t('Spark session {0} started on {1} in {2}; running the cell…', id, describeTarget(host.target), formatElapsed(took)),
            ),
          );
          sink.replace(preamble);
        }
        return await statementOutputs(host, sink, preamble, (live) =>
          host.session.run(command.code, command.kind, signal, progress, live, (sessionId, statementId) =>
            sink.submitted?.(sessionId, statementId),
          ),
        );
      }
      case 'configure':
        return await configure(command, host, sink, signal, progress);
      case 'info': {
        const info = host.session.isLive ? await host.session.refresh(signal) : undefined;
        sink.replace([infoOutput(host, info)]);
        return { outcome: 'succeeded' };
      }
      case 'logs': {
        if (!host.session.isLive) {
          sink.replace([textOutput(l10n.t('No Spark session yet: run a cell first.'))]);
          return { outcome: 'succeeded' };
        }
        const info = await host.session.refresh(signal);
        sink.replace(logsOutput(info, host.limits().maxBytes));
        return { outcome: 'succeeded' };
      }
      case 'cleanup':
        return await cleanup(command.force, host, sink, signal);
    }
  } catch (err) {
    return failure(err, sink, signal);
  }
}

/**
 * Lands the result of a statement that was running when the window reloaded in the cell it came from: the
 * session was re-attached; the statement is followed to its end as if this window had submitted it. When it
 * can no longer be read (the session ended), the cell says that its result was lost and why.
 */
export async function resumeCell(
  pending: PendingStatement,
  host: NotebookSessionHost,
  sink: CellSink,
  signal: AbortSignal,
): Promise<CellResult> {
  const preamble = [
    textOutput(
      l10n.t(
        'The window reloaded while this cell ran; following statement {0} of Spark session {1} on {2} to its result…',
        pending.statementId,
        pending.sessionId,
        describeTarget(host.target),
      ),
    ),
  ];
  sink.replace(preamble);
  try {
    return await statementOutputs(host, sink, preamble, (live) =>
      host.session.resume(pending.sessionId, pending.statementId, signal, live),
    );
  } catch (err) {
    if (err instanceof SessionEndedError) {
      sink.replace([
        errorOutput(
          'ResultLost',
          l10n.t(
            'The window reloaded while this cell ran, and its result (statement {0} of Spark session {1}) can no longer be read: {2}',
            pending.statementId,
            pending.sessionId,
            err.message,
          ),
        ),
      ]);
      return { outcome: 'failed', sessionEnded: err };
    }
    return failure(err, sink, signal);
  }
}

/**
 * Runs (or follows) one statement and writes its outputs: live Spark progress under the preamble while it
 * runs; once its result is in, nothing else may overwrite it (a late poll is dropped), and a monitoring
 * failure takes the progress away.
 */
async function statementOutputs(
  host: NotebookSessionHost,
  sink: CellSink,
  preamble: CellOutputModel[],
  execute: (live: SparkProgressListener | undefined) => Promise<SessionStatementResult>,
): Promise<CellResult> {
  let ended = false;
  let shown = false;
  let lastSeen: StatementProgress | undefined;
  const runStarted = Date.now();
  const live =
    host.sparkProgress?.() === false
      ? undefined
      : {
          onUpdate: (p: StatementProgress) => {
            if (ended) return;
            shown = true;
            lastSeen = p;
            sink.replace([...preamble, progressOutput(p)]);
          },
          onHidden: () => {
            if (ended || !shown) return;
            shown = false;
            sink.replace(preamble);
          },
        };
  const result = await execute(live);
  ended = true;
  const elapsed = Date.now() - runStarted;
  const outputs = mapStatementOutput(result.output, host.limits());
  // The result is written at once (with the last counts seen); the final counts follow one short read later.
  const uiUrl = host.session.info?.sparkUiUrl;
  sink.replace(shown && lastSeen ? [summaryOutput(lastSeen, elapsed, uiUrl), ...outputs] : outputs);
  sink.setExecutionOrder(result.output.executionCount + 1);
  const final = await result.sparkProgress?.catch(() => undefined);
  if (final) sink.replace([summaryOutput(final, elapsed, host.session.info?.sparkUiUrl ?? uiUrl), ...outputs]);
  return { outcome: result.output.status === 'ok' ? 'succeeded' : 'failed' };
}

function failure(err: unknown, sink: CellSink, signal: AbortSignal): CellResult {
  if (signal.aborted || (err instanceof Error && err.name === 'AbortError')) {
    sink.replace([textOutput(l10n.t('Cancelled.'))]);
    return { outcome: 'cancelled' };
  }
  if (err instanceof SessionEndedError) {
    const links = err.driverLogUrl ? `\n${l10n.t('Driver log: {0}', err.driverLogUrl)}` : '';
    sink.replace([errorOutput('SparkSessionEnded', `${err.message}${links}`)]);
    return { outcome: 'failed', sessionEnded: err };
  }
  if (err instanceof StatementCancelledError) {
    sink.replace([errorOutput('StatementCancelled', err.message)]);
    return { outcome: 'failed' };
  }
  sink.replace([errorOutput(err instanceof Error && err.name !== 'Error' ? err.name : 'SparkError', describeError(err))]);
  return { outcome: 'failed' };
}

/**
 * When this cell had to start a new session because the last one ended without the user asking (killed
 * from the Sessions view or elsewhere, died, shut down idle), its outputs start with a note saying so.
 */
function withReplacementNotice(target: CellSink, session: SparkSession): CellSink {
  let notice: string | undefined;
  return {
    replace(outputs) {
      notice ??= session.takeReplacementNotice();
      target.replace(notice ? [textOutput(notice), ...outputs] : outputs);
    },
    setExecutionOrder: (order) => target.setExecutionOrder(order),
    submitted: (sessionId, statementId) => target.submitted?.(sessionId, statementId),
  };
}

async function configure(
  command: Extract<CellCommand, { type: 'configure' }>,
  host: NotebookSessionHost,
  sink: CellSink,
  signal: AbortSignal,
  progress: (p: ColdStartProgress) => void,
): Promise<CellResult> {
  const previous = host.notebookConfig;
  const requested = JSON.stringify(mergeSessionConfig(host.defaults(), command.config));
  const current = JSON.stringify(mergeSessionConfig(host.defaults(), previous));
  const ignored = command.ignored.length ? ` ${l10n.t('Ignored: {0}.', command.ignored.join(', '))}` : '';
  const sharers = host.sharedWith?.().map((h) => h.notebookName) ?? [];
  // A notebook that joined a shared session and ran nothing there loses nothing when it moves to another.
  const holdsState = !sharers.length || host.usedSession?.() !== false;
  if (host.session.isLive && holdsState && requested !== current && !command.force) {
    sink.replace([
      errorOutput(
        'ConfigureError',
        sharers.length
          ? l10n.t(
              'This notebook shares Spark session {0} with {1}, and it runs with other settings. Use {2} to move this notebook to a session with the new settings (its variables are lost; the other notebooks keep theirs).',
              String(host.session.sessionId),
              sharers.join(', '),
              '%%configure -f',
            )
          : l10n.t(
              'A Spark session ({0}) is already running with other settings. Use {1} to restart it with the new settings (its variables are lost).',
              String(host.session.sessionId),
              '%%configure -f',
            ),
      ),
    ]);
    return { outcome: 'failed' };
  }
  host.notebookConfig = command.config;
  let done: 'applied' | 'restarted' | 'already' = 'applied';
  if (host.session.isLive && !host.session.matchesRequest()) {
    await host.session.restart();
    done = 'restarted';
  } else if (host.session.isLive) {
    done = 'already';
  }
  const id = await host.session.ensureReady(progress, signal);
  const where = describeTarget(host.target);
  const said =
    done === 'applied'
      ? l10n.t('Applied the session settings (session {0} on {1}).', id, where)
      : done === 'restarted'
        ? l10n.t('Restarted the session with the session settings (session {0} on {1}).', id, where)
        : l10n.t('The running session already uses the session settings (session {0} on {1}).', id, where);
  sink.replace([textOutput(`${said}${ignored}\n` + JSON.stringify(mergeSessionConfig(host.defaults(), command.config), null, 2))]);
  return { outcome: 'succeeded' };
}

async function cleanup(force: boolean, host: NotebookSessionHost, sink: CellSink, signal: AbortSignal): Promise<CellResult> {
  const sessions = (await host.session.api.listSessions(signal)).filter(
    (s) => s.tags[CREATED_BY_TAG] === CREATED_BY_VALUE && !isEndedServerState(s.state),
  );
  const ours = host.session.sessionId;
  const ids = sessions.map((s) => s.id);
  if (ours !== undefined && host.session.isLive && !ids.includes(ours)) ids.push(ours);
  if (!force) {
    sink.replace([
      errorOutput(
        'CleanupNotConfirmed',
        l10n.t(
          "{0} deletes every Spark session this extension started on {1} ({2} live: {3}), including other notebooks'. Run {4} to confirm.",
          '%%cleanup',
          describeTarget(host.target),
          ids.length,
          ids.join(', ') || l10n.t('none'),
          '%%cleanup -f',
        ),
      ),
    ]);
    return { outcome: 'failed' };
  }
  const why = l10n.t('was deleted by {0} in {1}', '%%cleanup', host.notebookName ?? l10n.t('another notebook'));
  for (const id of ids) {
    if (id === ours) {
      await host.session.delete();
      continue;
    }
    // Another notebook of this window uses it: delete it through its SparkSession, the way a kill from
    // the Sessions view does, so its status updates and its next cell says why it starts a new session.
    const peer = host.peers?.().find((p) => p.session !== host.session && p.session.sessionId === id);
    if (peer) await peer.session.delete(why).catch(() => undefined);
    else await host.session.api.deleteSession(id, signal).catch(() => undefined);
  }
  sink.replace([
    textOutput(
      ids.length ? l10n.t('Deleted {0} Spark session(s): {1}.', ids.length, ids.join(', ')) : l10n.t('No live Spark sessions to delete.'),
    ),
  ]);
  return { outcome: 'succeeded' };
}

function helpOutput(): CellOutputModel {
  const rows = helpRows();
  const md = [`| ${l10n.t('Magic')} | ${l10n.t('What it does')} |`, '| --- | --- |', ...rows.map(([m, d]) => `| \`${m}\` | ${d} |`)].join(
    '\n',
  );
  const text = rows.map(([m, d]) => `${m.padEnd(26)} ${d}`).join('\n');
  return {
    items: [
      { mime: 'text/markdown', text: md },
      { mime: 'text/plain', text },
    ],
  };
}

function infoOutput(host: NotebookSessionHost, info: LivySessionInfo | undefined): CellOutputModel {
  const t = host.target;
  const config = mergeSessionConfig(host.defaults(), host.notebookConfig);
  const rows: [string, string][] = [
    [l10n.t('Pool'), `${t.poolName}${t.sparkVersion ? ` (Spark ${t.sparkVersion})` : ''}`],
    [l10n.t('Synapse workspace'), t.synapseWorkspace],
    [l10n.t('Azure ML workspace'), t.amlWorkspace],
  ];
  if (info) {
    rows.push([l10n.t('Session'), `${info.id}${info.name ? ` (${info.name})` : ''}`], [l10n.t('State'), info.state]);
    if (info.appId) rows.push([l10n.t('Application'), info.appId]);
    if (info.submitterName) rows.push([l10n.t('Owner'), info.submitterName]);
    if (info.sparkUiUrl) rows.push([l10n.t('Spark UI'), info.sparkUiUrl]);
    if (info.driverLogUrl) rows.push([l10n.t('Driver log'), info.driverLogUrl]);
    const sharers = host.sharedWith?.().map((h) => h.notebookName) ?? [];
    if (sharers.length) rows.push([l10n.t('Shared with'), sharers.join(', ')]);
  } else {
    rows.push([l10n.t('Session'), l10n.t('none yet (it starts with the first cell)')]);
  }
  rows.push([l10n.t('Settings'), JSON.stringify(config)]);
  const md = [
    `| ${l10n.t('Property')} | ${l10n.t('Value')} |`,
    '| --- | --- |',
    ...rows.map(([k, v]) => `| ${k} | ${/^https?:/.test(v) ? `[${v}](${v})` : v.replace(/\|/g, '\\|')} |`),
  ].join('\n');
  const text = rows.map(([k, v]) => `${k}: ${v}`).join('\n');
  return {
    items: [
      { mime: 'text/markdown', text: md },
      { mime: 'text/plain', text },
    ],
  };
}

function logsOutput(info: LivySessionInfo | undefined, maxBytes: number): CellOutputModel[] {
  if (!info) return [textOutput(l10n.t('The Spark session is gone; no logs to show.'))];
  let text = info.log.join('\n').trim() || l10n.t('(the session log is empty)');
  const outputs: CellOutputModel[] = [];
  if (text.length > maxBytes) {
    text = text.slice(text.length - maxBytes);
    outputs.push(textOutput(l10n.t('[Log truncated: showing its end. Raise {0} to see more.]', 'synapseSpark.notebook.outputLimitKB')));
  }
  outputs.unshift(textOutput(`${l10n.t('Session {0} log:', info.id)}\n${text}`));
  if (info.driverLogUrl || info.sparkUiUrl) {
    outputs.push(
      textOutput(
        [info.driverLogUrl && l10n.t('Driver log: {0}', info.driverLogUrl), info.sparkUiUrl && l10n.t('Spark UI: {0}', info.sparkUiUrl)]
          .filter(Boolean)
          .join('\n'),
      ),
    );
  }
  return outputs;
}
