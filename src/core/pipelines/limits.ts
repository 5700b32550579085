// How large a pipeline file the extension checks. Parsing runs on the extension host's thread (the yaml
// package reads about 0.1-0.3 ms per step on a 2-core machine, see bench/README.md), so a file far above
// what Azure ML pipelines hold is refused in one linear scan instead of blocking typing for seconds.

/**
 * Steps (entries of the top-level `jobs:` map). Real pipelines have tens to a few hundred; at this limit
 * parse + validate take about 0.2 s on a quiet 2-core machine and 0.4 s on a busy one, once typing pauses.
 */
import * as l10n from '@vscode/l10n';
export const MAX_PIPELINE_STEPS = 2_000;

/** UTF-8 size; 1 MB is about 3,500 steps of the usual shape, so it stops files of few but huge steps. */
export const MAX_PIPELINE_BYTES = 1024 * 1024;

const JOBS_KEY = /^jobs[ \t]*:[ \t]*(?:#.*)?$/m;
const LINE = /^([ \t]*)(.*)$/gm;

/**
 * The number of steps of a block-style `jobs:` map, counted from the text alone: the keys at the indent of its
 * first entry, up to the next top-level key. A flow-style map (`jobs: {...}`) counts as 0 (the size limit
 * still applies).
 */
export function countStepsInText(text: string): number {
  const jobs = JOBS_KEY.exec(text);
  if (!jobs) return 0;
  LINE.lastIndex = jobs.index + jobs[0].length + 1;
  let indent = -1;
  let steps = 0;
  for (let m = LINE.exec(text); m; m = LINE.exec(text)) {
    const [whole, lead, rest] = m;
    if (whole.length === 0) LINE.lastIndex++; // an empty line: step over its newline
    if (rest.trim() === '' || rest.startsWith('#')) continue;
    if (lead.length === 0) break; // the next top-level key ends `jobs:`
    if (indent < 0) indent = lead.length;
    if (lead.length === indent && !rest.startsWith('-')) steps++;
  }
  return steps;
}

/** The message for a file over the limits, or undefined when it may be parsed. */
export function tooLargeMessage(text: string): string | undefined {
  const bytes = Buffer.byteLength(text, 'utf8');
  const steps = countStepsInText(text);
  if (bytes <= MAX_PIPELINE_BYTES && steps <= MAX_PIPELINE_STEPS) return undefined;
  const mb = (n: number) => `${(n / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MB`;
  const count = (n: number) => n.toLocaleString('en-US');
  return l10n.t(
    "This pipeline file is too large to check ({0} steps / {1}; limit {2} steps / {3}). Split it into smaller pipelines: a step of '{4}' can run another pipeline file.",
    count(steps),
    mb(bytes),
    count(MAX_PIPELINE_STEPS),
    mb(MAX_PIPELINE_BYTES),
    'type: pipeline',
  );
}
