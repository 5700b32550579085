// The code's user-facing strings (vscode.l10n.t in the glue, @vscode/l10n's l10n.t in core and the webviews) are what
// l10n/bundle.l10n.json offers translators: extracting them again with @vscode/l10n-dev (what
// `npm run l10n:export` does) must give exactly the committed bundle, so it cannot drift from the code.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { getL10nJson } from '@vscode/l10n-dev';

const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');
/** What `npm run l10n:export` scans: the extension and the webviews. */
const roots = ['src', 'webview-ui/src'].map((r) => path.join(repoRoot, r));

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return /\.ts$/.test(e.name) && !/\.d\.ts$/.test(e.name) ? [full] : [];
  });
}

const allSourceFiles = () => roots.flatMap(sourceFiles);
const rel = (file: string) => path.relative(repoRoot, file).replace(/\\/g, '/');

describe('l10n: bundle.l10n.json', function () {
  this.timeout(60_000);

  it('holds exactly the l10n.t strings of src/ and webview-ui/src/ (run "npm run l10n:export" after changing one)', async () => {
    const files = allSourceFiles();
    const extracted = await getL10nJson(files.map((f) => ({ contents: fs.readFileSync(f, 'utf8'), extension: path.extname(f) })));
    const bundle: Record<string, unknown> = JSON.parse(fs.readFileSync(path.join(repoRoot, 'l10n', 'bundle.l10n.json'), 'utf8'));
    assert.ok(Object.keys(extracted).length > 100, "the extraction found the code's strings");
    const missing = Object.keys(extracted).filter((k) => !(k in bundle));
    const stale = Object.keys(bundle).filter((k) => !(k in extracted));
    assert.deepEqual(missing, [], 'l10n.t strings missing from l10n/bundle.l10n.json');
    assert.deepEqual(stale, [], 'entries of l10n/bundle.l10n.json no l10n.t call uses');
    for (const [key, value] of Object.entries(extracted)) assert.deepEqual(bundle[key], value, `bundle entry of "${key}"`);
  });

  it('sees every l10n.t call: its message is a string literal (or { message }), never built at run time', () => {
    const offenders: string[] = [];
    for (const file of allSourceFiles()) {
      const text = fs.readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\bl10n\.t\(\s*([^\s])/g)) {
        if (!`'"{`.includes(m[1])) offenders.push(`${rel(file)}:${text.slice(0, m.index).split('\n').length}`);
      }
    }
    assert.deepEqual(offenders, [], 'l10n.t calls whose message the extraction cannot read');
  });
});
