// Bundles the extension (Node, CommonJS, `vscode` external) and the webview-ui entry points (browser)
// into dist/. Type checking is separate (`npm run compile`). `--watch` rebuilds on change,
// `--production` minifies and drops source maps.
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { textExtensions } from './scripts/lib/textAssets.mjs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const webviewEntries = fs.existsSync('webview-ui/src')
  ? fs
      .readdirSync('webview-ui/src')
      .filter((f) => /\.entry\.ts$/.test(f))
      .map((f) => path.join('webview-ui/src', f))
  : [];

const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  logLevel: 'warning',
  legalComments: production ? 'none' : 'inline',
};

const node = {
  ...common,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode'],
  // Templates (src/core/pipelines/templates) are files imported as text.
  loader: Object.fromEntries(textExtensions.map((ext) => [ext, 'text'])),
};

// The extension is two bundles: dist/extension.js, the entry point VS Code loads at activation (vscode and
// the stand-ins of src/shell only), and dist/features.js, everything else (Azure SDK clients, notebooks,
// pipelines), which the entry point require()s on first use. The entry point's `require('./features')`
// stays a require of the other bundle instead of being bundled into it.
const featuresStaysSeparate = {
  name: 'features-stays-separate',
  setup(build) {
    build.onResolve({ filter: /^\.\/features$/ }, (args) =>
      args.importer.endsWith(path.join('src', 'extension.ts')) ? { path: './features.js', external: true } : undefined,
    );
  },
};

const builds = [
  { ...node, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', plugins: [featuresStaysSeparate] },
  {
    ...node,
    entryPoints: ['src/features.ts'],
    outfile: 'dist/features.js',
    // ESM builds of some SDK packages (@azure/storage-common) read import.meta.url; give the CJS bundle one.
    banner: { js: "const __importMetaUrl = require('url').pathToFileURL(__filename).href;" },
    define: { 'import.meta.url': '__importMetaUrl' },
  },
];
if (webviewEntries.length > 0) {
  builds.push({
    ...common,
    entryPoints: Object.fromEntries(webviewEntries.map((f) => [path.basename(f, '.entry.ts'), f])),
    outdir: 'dist/webview',
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    loader: { '.css': 'text' },
  });
}

fs.rmSync('dist', { recursive: true, force: true });
if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
  console.log('esbuild: watching for changes');
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
