/**
 * Spark progress as cell outputs: while a statement runs, one line per Spark job (its name, the running
 * stage, tasks done / total, failed tasks, elapsed time); when it ends, a one-line summary with a link to
 * the Spark UI, above the statement's own outputs. Each is one output of its own, a text/markdown item
 * (themed by VS Code's Markdown renderer) with a text/plain alternative for screen readers and plain
 * viewers, and metadata that marks it as progress so that nothing reads it as the statement's output.
 */
import * as l10n from '@vscode/l10n';
import type { JobProgress, StatementProgress } from '../livy/sparkProgress';
import type { CellOutputModel } from './outputs';

/** Top-level output metadata key marking a Spark progress output; its value is ProgressMarker. */
export const PROGRESS_METADATA_KEY = 'synapseSparkProgress';

export interface ProgressMarker {
  kind: 'live' | 'summary';
  statementId: number;
}

/** True for outputs written by progressOutput / summaryOutput, also as reopened from a saved .ipynb. */
export function isProgressOutput(output: { metadata?: Record<string, unknown> }): boolean {
  const m = output.metadata;
  if (!m) return false;
  const saved = m.metadata as Record<string, unknown> | undefined;
  return PROGRESS_METADATA_KEY in m || (!!saved && typeof saved === 'object' && 'synapse_spark_progress' in saved);
}

function metadata(marker: ProgressMarker): Record<string, unknown> {
  // `metadata.metadata` is what VS Code's .ipynb serializer saves as the nbformat output's metadata (a
  // display_data output), so the saved notebook also says what the output is.
  return { [PROGRESS_METADATA_KEY]: marker, outputType: 'display_data', metadata: { synapse_spark_progress: marker.kind } };
}

const BAR_WIDTH = 20;

export function progressBar(done: number, total: number): string {
  const filled = total > 0 ? Math.min(BAR_WIDTH, Math.round((done / total) * BAR_WIDTH)) : 0;
  return `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}`;
}

export function formatSeconds(ms: number): string {
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const whole = Math.round(s);
  return `${Math.floor(whole / 60)} min ${String(whole % 60).padStart(2, '0')} s`;
}

function percent(done: number, total: number): string {
  return total > 0 ? `${Math.floor((done / total) * 100)}%` : '0%';
}

/** A name as inline code, which Markdown shows literally (call sites contain `<stdin>`). */
function code(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim().slice(0, 120);
  return `\`${flat.replace(/`/g, "'")}\``;
}

function jobCounts(job: JobProgress): string[] {
  return [
    l10n.t('{0}/{1} tasks ({2})', job.tasksDone, job.tasksTotal, percent(job.tasksDone, job.tasksTotal)),
    job.stagesTotal > 1
      ? l10n.t('stage {0} of {1}', Math.min(job.stagesDone + (job.status === 'RUNNING' ? 1 : 0), job.stagesTotal), job.stagesTotal)
      : '',
    job.failedTasks ? l10n.t('{0} failed', job.failedTasks) : '',
    job.killedTasks ? l10n.t('{0} killed', job.killedTasks) : '',
    job.elapsedMs !== undefined ? formatSeconds(job.elapsedMs) : '',
  ].filter(Boolean);
}

function statusWord(job: JobProgress): string {
  return job.status === 'RUNNING' ? l10n.t('running') : job.status === 'SUCCEEDED' ? l10n.t('done') : job.status.toLowerCase();
}

/** The live progress output of a running statement: one line per Spark job. */
export function progressOutput(progress: StatementProgress): CellOutputModel {
  const md = progress.jobs
    .map((job) => {
      const stage = job.activeStages.length ? ` · ${l10n.t('stage {0}', code(job.activeStages.join(', ')))}` : '';
      return `**${l10n.t('Spark job {0}', job.jobId)}** ${code(job.name)}${stage} · ${statusWord(job)}  \n\`${progressBar(job.tasksDone, job.tasksTotal)}\` ${jobCounts(job).join(' · ')}`;
    })
    .join('\n\n');
  const text = progress.jobs
    .map((job) => {
      const stage = job.activeStages.length ? `, ${l10n.t('stage {0}', job.activeStages.join(', '))}` : '';
      return `${l10n.t('Spark job {0}', job.jobId)} (${job.name}${stage}), ${statusWord(job)}: ${jobCounts(job).join(', ')}`;
    })
    .join('\n');
  return {
    items: [
      { mime: 'text/markdown', text: md },
      { mime: 'text/plain', text },
    ],
    metadata: metadata({ kind: 'live', statementId: progress.statementId }),
  };
}

/** "Spark: 2 jobs, 3 stages, 208 tasks in 4.1 s" (plus failed jobs/tasks), for the cell's end. */
export function summaryText(progress: StatementProgress, elapsedMs: number): string {
  const jobs = (count: number) => (count === 1 ? l10n.t('1 job') : l10n.t('{0} jobs', count));
  const tasks = (count: number) => (count === 1 ? l10n.t('1 task') : l10n.t('{0} tasks', count));
  const stages = (count: number) => (count === 1 ? l10n.t('1 stage') : l10n.t('{0} stages', count));
  const failedJobs = progress.jobs.filter((j) => j.status === 'FAILED').length;
  const extras = [
    failedJobs ? l10n.t('{0} failed', jobs(failedJobs)) : '',
    progress.failedTasks ? l10n.t('{0} failed', tasks(progress.failedTasks)) : '',
  ].filter(Boolean);
  return (
    l10n.t(
      'Spark: {0}, {1}, {2} in {3}',
      jobs(progress.jobs.length),
      stages(progress.stagesDone),
      tasks(progress.tasksDone),
      formatSeconds(elapsedMs),
    ) + (extras.length ? ` (${extras.join(', ')})` : '')
  );
}

/** The one-line summary that replaces the live progress when the statement ends. */
export function summaryOutput(progress: StatementProgress, elapsedMs: number, sparkUiUrl?: string): CellOutputModel {
  const line = summaryText(progress, elapsedMs);
  const link = sparkUiUrl && /^https?:\/\//.test(sparkUiUrl) ? sparkUiUrl : undefined;
  return {
    items: [
      { mime: 'text/markdown', text: `${line}${link ? ` · [${l10n.t('Spark UI')}](${link.replace(/\)/g, '%29')})` : ''}` },
      { mime: 'text/plain', text: `${line}${link ? `. ${l10n.t('Spark UI: {0}', link)}` : ''}` },
    ],
    metadata: metadata({ kind: 'summary', statementId: progress.statementId }),
  };
}

/** "statement 3: 150/200 tasks" for the Sessions view. */
export function describeRunning(statementId: number, progress: StatementProgress | undefined): string {
  if (!progress?.jobs.length) return l10n.t('statement {0} running', statementId);
  return l10n.t('statement {0}: {1}/{2} tasks', statementId, progress.tasksDone, progress.tasksTotal);
}
