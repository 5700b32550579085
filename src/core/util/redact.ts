/**
 * Masks credentials before text reaches a log, an output or a webview: bearer tokens, JWTs,
 * client secrets, SAS signatures and account keys.
 */
const SECRET_KEYS = [
  'client_?secret',
  'password',
  'access_?token',
  'refresh_?token',
  'id_?token',
  'account_?key',
  'sas_?token',
  'sig',
  'primary_?key',
  'secondary_?key',
  'connection_?string',
  'secret',
].join('|');

const patterns: Array<[RegExp, string]> = [
  [/(authorization\s*[:=]\s*"?)(bearer|basic)\s+[^\s",]+/gi, '$1$2 ***'],
  [/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g, '***jwt***'],
  // A secret-named key, bare or quoted ("accountKey": "...", 'password'='...', AccountKey=...;), then its value,
  // bare or quoted, up to the next separator.
  [new RegExp(`(["']?)\\b(${SECRET_KEYS})\\1(\\s*[=:]\\s*)(["']?)[^&\\s"',;}]+`, 'gi'), '$1$2$1$3$4***'],
  // `"key": "..."` in JSON (a datastore's listSecrets answer): only quoted, as the bare word is too common.
  [/(["'])key\1(\s*:\s*)(["'])[^"']+\3/gi, '$1key$1$2$3***$3'],
];

export function redact(text: string): string {
  let out = text;
  for (const [re, replacement] of patterns) out = out.replace(re, replacement);
  return out;
}
