// Files the extension imports as text (`import text from './templates/x.py'`): esbuild bundles them with its
// text loader (esbuild.mjs); under plain Node, where tests and benches run the tsc output in out/,
// registerTextAssets() makes the same imports load the file from the source tree as a string.
// src/core/textAssets.d.ts declares these extensions to TypeScript.
import fs from 'node:fs';
import Module from 'node:module';
import path from 'node:path';
import { repoRoot } from './util.mjs';

export const textExtensions = ['.yml', '.py', '.csv'];

const outDir = path.join(repoRoot, 'out');
let registered = false;

export function registerTextAssets() {
  if (registered) return;
  registered = true;
  // tsc copies no assets: out/<path> of an asset is read from <path> (tsconfig rootDir is the repo root).
  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function (request, parent, ...rest) {
    if (request.startsWith('.') && textExtensions.includes(path.extname(request)) && parent?.filename) {
      const target = path.resolve(path.dirname(parent.filename), request);
      const fromOut = path.relative(outDir, target);
      if (!fromOut.startsWith('..') && !path.isAbsolute(fromOut) && !fs.existsSync(target)) {
        const source = path.join(repoRoot, fromOut);
        if (fs.existsSync(source)) return source;
      }
    }
    return resolveFilename.call(this, request, parent, ...rest);
  };
  for (const ext of textExtensions) {
    // The shape esbuild's text loader gives: the file's text as the default export.
    Module._extensions[ext] = (module, filename) => {
      module.exports = { __esModule: true, default: fs.readFileSync(filename, 'utf8') };
    };
  }
}
