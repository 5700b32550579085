/**
 * Describes a Synapse session's cold start from its `schedulerInfo`/`pluginInfo` stage timestamps:
 * Queued -> Preparation -> ResourceAcquisition -> Submission -> Monitoring (the Spark application starts),
 * each with how long it took, for the live progress line in the cell.
 */
import * as l10n from '@vscode/l10n';
import type { ColdStartTimes } from './types';

export interface ColdStartStage {
  name: string;
  startedAt: number;
  /** ms spent in the stage; undefined for the current one. */
  durationMs?: number;
}

export interface ColdStartProgress {
  stages: ColdStartStage[];
  current: string;
  elapsedMs: number;
}

function stageLabel(name: string): string {
  switch (name) {
    case 'Queued':
      return l10n.t('Queued');
    case 'Preparation':
      return l10n.t('Preparation');
    case 'ResourceAcquisition':
      return l10n.t('Resource acquisition');
    case 'Submission':
      return l10n.t('Submission');
    case 'Monitoring':
      return l10n.t('Starting Spark application');
    default:
      return name;
  }
}

/** `startedAt` is when we asked for the session (used when the service sends no submittedAt). */
export function coldStartProgress(times: ColdStartTimes, startedAt: number, now: number): ColdStartProgress {
  const marks: [string, Date | undefined][] = [
    ['Queued', times.submittedAt ?? new Date(startedAt)],
    ['Preparation', times.preparationStartedAt ?? times.scheduledAt],
    ['ResourceAcquisition', times.resourceAcquisitionStartedAt],
    ['Submission', times.submissionStartedAt],
    ['Monitoring', times.monitoringStartedAt],
  ];
  const seen = marks.filter((m): m is [string, Date] => m[1] instanceof Date && !Number.isNaN(m[1].getTime()));
  const stages: ColdStartStage[] = seen.map(([name, at], i) => ({
    name: stageLabel(name),
    startedAt: at.getTime(),
    durationMs: i + 1 < seen.length ? Math.max(0, seen[i + 1][1].getTime() - at.getTime()) : undefined,
  }));
  const origin = Math.min(startedAt, stages[0]?.startedAt ?? startedAt);
  return {
    stages,
    current: stages.at(-1)?.name ?? stageLabel('Queued'),
    elapsedMs: Math.max(0, now - origin),
  };
}

export function formatElapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** One line per stage: "✓ Queued 0:01", "… Resource acquisition" (current), and the total. */
export function formatColdStart(progress: ColdStartProgress, target: string): string {
  const lines = [l10n.t('Starting a Spark session on {0}: {1} ({2} elapsed)', target, progress.current, formatElapsed(progress.elapsedMs))];
  for (const stage of progress.stages) {
    lines.push(stage.durationMs === undefined ? `  … ${stage.name}` : `  ✓ ${stage.name} ${(stage.durationMs / 1000).toFixed(1)} s`);
  }
  return lines.join('\n');
}
