/**
 * Cell magics, compatible with sparkmagic and Synapse notebooks. The magic is the first non-blank line
 * of the cell and starts with `%%`; without one the cell's language picks the Livy kind (python ->
 * pyspark, scala -> spark, sql -> sql, csharp -> dotnetspark). Single-`%` lines (`%table`, `%json`,
 * `%matplot`) are Livy's own and pass through to the session untouched.
 */
import * as l10n from '@vscode/l10n';
import type { StatementKind } from '../livy/types';
import { parseConfigureBody, type SessionConfig } from './configure';

export type CellCommand =
  | { type: 'statement'; kind: StatementKind; code: string }
  | { type: 'configure'; force: boolean; config: SessionConfig; ignored: string[] }
  | { type: 'info' }
  | { type: 'logs' }
  | { type: 'help' }
  | { type: 'cleanup'; force: boolean }
  | { type: 'empty' }
  | { type: 'invalid'; message: string };

/** Language magics and the Livy kind each maps to (aliases as Synapse and AML notebooks write them). */
export const LANGUAGE_MAGICS: Record<string, StatementKind> = {
  pyspark: 'pyspark',
  python: 'pyspark',
  synapse: 'pyspark', // the AML notebooks' %%synapse cell magic runs PySpark on the attached pool
  spark: 'spark',
  scala: 'spark',
  sql: 'sql',
  sparksql: 'sql',
  csharp: 'dotnetspark',
  dotnet: 'dotnetspark',
};

export const COMMAND_MAGICS = ['configure', 'info', 'cleanup', 'logs', 'help'] as const;

/** The %%help table: each magic and what it does (a function, so the text is in the configured language). */
export function helpRows(): [string, string][] {
  return [
    ['%%pyspark', l10n.t('Run the cell as PySpark (the default for Python cells).')],
    ['%%spark / %%scala', l10n.t('Run the cell as Scala.')],
    ['%%sql', l10n.t('Run the cell as Spark SQL; results show as a table.')],
    ['%%csharp', l10n.t('Run the cell as .NET for Spark (C#).')],
    [
      '%%configure [-f] {json}',
      l10n.t(
        'Session settings ({0}). Applies at session start; with {1} it restarts a running session.',
        'driverMemory, executorMemory, executorCores, numExecutors, conf, jars, pyFiles, ...',
        '-f',
      ),
    ],
    ['%%info', l10n.t("Show this notebook's Spark session: id, state, settings, Spark UI and driver log links.")],
    ['%%logs', l10n.t("Show the session's driver log.")],
    ['%%cleanup [-f]', l10n.t('Delete every Spark session this extension started on the pool ({0} confirms).', '-f')],
    ['%%help', l10n.t('Show this table.')],
  ];
}

const LANGUAGE_KINDS: Record<string, StatementKind> = {
  python: 'pyspark',
  scala: 'spark',
  sql: 'sql',
  csharp: 'dotnetspark',
  'dotnet-interactive.csharp': 'dotnetspark',
};

export function kindForLanguage(languageId: string): StatementKind {
  return LANGUAGE_KINDS[languageId.toLowerCase()] ?? 'pyspark';
}

export function parseCell(source: string, languageId = 'python'): CellCommand {
  const lines = source.split(/\r?\n/);
  const first = lines.findIndex((line) => line.trim() !== '');
  if (first < 0) return { type: 'empty' };
  const header = lines[first].trim();
  if (!header.startsWith('%%')) return { type: 'statement', kind: kindForLanguage(languageId), code: source };

  const [rawName, ...args] = header.slice(2).trim().split(/\s+/);
  const name = (rawName ?? '').toLowerCase();
  const body = lines.slice(first + 1).join('\n');
  const force = args.some((a) => a === '-f' || a === '--force');
  const unexpected = args.filter((a) => a !== '-f' && a !== '--force');

  if (name in LANGUAGE_MAGICS) {
    if (args.length) {
      return {
        type: 'invalid',
        message: l10n.t(
          "{0} takes no options here (got '{1}'): the cell runs on the notebook's Spark session.",
          `%%${rawName}`,
          args.join(' '),
        ),
      };
    }
    return body.trim() ? { type: 'statement', kind: LANGUAGE_MAGICS[name], code: body } : { type: 'empty' };
  }
  switch (name) {
    case 'configure': {
      if (unexpected.length)
        return { type: 'invalid', message: l10n.t("{0} accepts only {1} (got '{2}').", '%%configure', '-f', unexpected.join(' ')) };
      const parsed = parseConfigureBody(body, first + 2);
      return 'error' in parsed ? { type: 'invalid', message: parsed.error } : { type: 'configure', force, ...parsed };
    }
    case 'cleanup':
      if (unexpected.length)
        return { type: 'invalid', message: l10n.t("{0} accepts only {1} (got '{2}').", '%%cleanup', '-f', unexpected.join(' ')) };
      return { type: 'cleanup', force };
    case 'info':
    case 'logs':
    case 'help':
      if (args.length || body.trim()) return { type: 'invalid', message: l10n.t('{0} takes no options and no cell body.', `%%${name}`) };
      return { type: name };
    default:
      return {
        type: 'invalid',
        message: l10n.t(
          "Unknown cell magic '{0}'. This kernel knows {1}. Run {2} for what each does.",
          `%%${rawName ?? ''}`,
          [...Object.keys(LANGUAGE_MAGICS), ...COMMAND_MAGICS].map((m) => `%%${m}`).join(', '),
          '%%help',
        ),
      };
  }
}
