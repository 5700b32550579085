/**
 * `%%configure [-f] {json}`: the session settings a notebook asks for, validated the way Livy/Synapse
 * would read them (Livy key names, as sparkmagic and Synapse notebooks write them), and merged over the
 * `synapseSpark.notebook.session` defaults.
 */
import * as l10n from '@vscode/l10n';
import type { SessionRequest } from '../livy/types';
import { describeError } from '../util/errors';

export type SessionConfig = Omit<SessionRequest, 'name' | 'tags'> & { name?: string };

const MEMORY = /^\d+(\.\d+)?\s*[kmgt]b?$/i;
const LIST_KEYS = ['jars', 'pyFiles', 'files', 'archives'] as const;
const INT_KEYS = ['driverCores', 'executorCores', 'numExecutors'] as const;
const MEMORY_KEYS = ['driverMemory', 'executorMemory'] as const;
/** Accepted for compatibility with sparkmagic/Synapse and ignored: the cell's magic picks the language. */
const IGNORED_KEYS = [
  'kind',
  'proxyUser',
  'queue',
  'heartbeatTimeoutInSecond',
  'defaultLakehouse',
  'mountPoints',
  'sessionTimeoutInSeconds',
];
export const CONFIGURE_KEYS = ['name', ...MEMORY_KEYS, ...INT_KEYS, 'conf', ...LIST_KEYS];

export type ConfigureResult = { config: SessionConfig; ignored: string[] } | { error: string };

/** `body` is the cell's text after the `%%configure` line, which starts at line `firstLine` (1-based) of the cell. */
export function parseConfigureBody(body: string, firstLine = 2): ConfigureResult {
  if (!body.trim())
    return { error: '%%configure needs a JSON object on the lines after it, e.g. {"executorMemory": "8g", "numExecutors": 2}.' };
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (err) {
    return { error: describeJsonError(body, describeError(err), firstLine) };
  }
  return validateSessionConfig(value, '%%configure');
}

/**
 * A JSON syntax error as a person reads it: the line and column in the cell, the line itself with a caret
 * under the spot, and what is likely wrong there (a trailing comma, single quotes, an unquoted value).
 */
export function describeJsonError(text: string, message: string, firstLine = 1): string {
  const at = /position (\d+)/.exec(message);
  if (!at) {
    return /end of JSON/i.test(message)
      ? l10n.t('The {0} JSON ends before it is complete: is a closing {1} or {2} missing?', '%%configure', '}', ']')
      : l10n.t('The {0} body is not valid JSON: {1}', '%%configure', message);
  }
  const pos = Math.min(Number(at[1]), text.length);
  const before = text.slice(0, pos);
  const lineIndex = before.split('\n').length - 1;
  const column = pos - (before.lastIndexOf('\n') + 1) + 1;
  const lineText = text.split('\n')[lineIndex] ?? '';
  const char = text[pos] ?? '';
  const previous = before.trimEnd().slice(-1);
  const word = /^[A-Za-z0-9_.+-]*/.exec(text.slice(pos))?.[0] ?? '';
  const started = /[A-Za-z0-9_.+-]*$/.exec(before)?.[0] ?? '';
  let hint = '';
  if (!text.slice(pos).trim()) hint = l10n.t('The JSON ends before it is complete: is a closing {0} or {1} missing?', '}', ']');
  else if (previous === ',' && (char === '}' || char === ']'))
    hint = l10n.t('A comma before a closing bracket is not allowed in JSON: remove the trailing comma.');
  else if (char === "'") hint = l10n.t('JSON strings and keys use double quotes ({0}), not single quotes.', '"');
  else if (/[A-Za-z]/.test(started + word)) hint = l10n.t('Text values and keys need double quotes: {0}.', `"${started}${word}"`);
  else if (char === '/') hint = l10n.t('JSON has no comments.');
  const quoted = `  ${lineText}\n  ${' '.repeat(Math.max(0, column - 1))}^`;
  const said = l10n.t(
    'The {0} JSON has an error at line {1}, column {2}: {3}.',
    '%%configure',
    firstLine + lineIndex,
    column,
    message.replace(/ in JSON at position \d+.*$/, ''),
  );
  return `${said}\n${quoted}${hint ? `\n${hint}` : ''}`;
}

export function validateSessionConfig(value: unknown, where: string): ConfigureResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { error: l10n.t('{0} needs a JSON object.', where) };
  const config: SessionConfig = {};
  const ignored: string[] = [];
  const problems: string[] = [];
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if ((MEMORY_KEYS as readonly string[]).includes(key)) {
      if (typeof v === 'string' && MEMORY.test(v)) (config as Record<string, unknown>)[key] = v.replace(/\s+/g, '');
      else problems.push(l10n.t("'{0}' must be a size such as {1} or {2}", key, '"4g"', '"512m"'));
    } else if ((INT_KEYS as readonly string[]).includes(key)) {
      if (Number.isInteger(v) && (v as number) > 0) (config as Record<string, unknown>)[key] = v;
      else problems.push(l10n.t("'{0}' must be a positive whole number", key));
    } else if ((LIST_KEYS as readonly string[]).includes(key)) {
      if (Array.isArray(v) && v.every((x) => typeof x === 'string')) (config as Record<string, unknown>)[key] = v;
      else problems.push(l10n.t("'{0}' must be a list of strings", key));
    } else if (key === 'conf') {
      if (
        typeof v === 'object' &&
        v !== null &&
        !Array.isArray(v) &&
        Object.values(v).every((x) => ['string', 'number', 'boolean'].includes(typeof x))
      ) {
        config.conf = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)]));
      } else {
        problems.push("'conf' must be an object of Spark settings with string, number or boolean values");
      }
    } else if (key === 'name') {
      if (typeof v === 'string' && v.trim()) config.name = v.trim();
      else problems.push("'name' must be a non-empty string");
    } else if (IGNORED_KEYS.includes(key)) {
      ignored.push(key);
    } else {
      problems.push(l10n.t("unknown key '{0}' (known: {1})", key, CONFIGURE_KEYS.join(', ')));
    }
  }
  if (problems.length) return { error: `${where}: ${problems.join('; ')}.` };
  return { config, ignored };
}

/** Defaults from settings, overridden key by key by the notebook's %%configure (`conf` merged). */
export function mergeSessionConfig(defaults: SessionConfig, notebook: SessionConfig | undefined): SessionConfig {
  if (!notebook) return { ...defaults };
  const merged: SessionConfig = { ...defaults, ...notebook };
  if (defaults.conf || notebook.conf) merged.conf = { ...(defaults.conf ?? {}), ...(notebook.conf ?? {}) };
  return merged;
}
