// Runs the unit layer (or any Node-side mocha layer): node scripts/run-mocha.mjs unit [grep]
import { runMochaLayer, layerNames } from './lib/mocha.mjs';

const [layer, grep] = process.argv.slice(2);
if (!layerNames.includes(layer)) {
  console.error(`usage: node scripts/run-mocha.mjs ${layerNames.join('|')} [grep]`);
  process.exit(2);
}
const counts = await runMochaLayer(layer, grep);
process.exitCode = counts.failed > 0 ? 1 : 0;
