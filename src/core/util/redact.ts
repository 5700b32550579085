/**
 * Masks credentials before text reaches a log, an output or a webview: bearer tokens, JWTs,
 * client secrets, SAS signatures and account keys.
 */
const patterns: Array<[RegExp, string]> = [
  [/(authorization\s*[:=]\s*"?)(bearer|basic)\s+[^\s",]+/gi, '$1$2 ***'],
  [/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g, '***jwt***'],
  [/((?:client_secret|clientSecret|password|access_token|refresh_token|AccountKey|sig)\s*[=:]\s*"?)[^&\s";]+/gi, '$1***'],
];

export function redact(text: string): string {
  let out = text;
  for (const [re, replacement] of patterns) out = out.replace(re, replacement);
  return out;
}
