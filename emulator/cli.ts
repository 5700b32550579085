/**
 * Command line: `node out/emulator/cli.js [--port 10443] [--seed file] [--data dir] [--python exe] [--reset]`.
 * Prints the URL, the CA path and the extension settings that select the emulator; stops cleanly (Livy
 * processes, pipeline steps, Azurite) on SIGINT/SIGTERM.
 */
import * as path from 'node:path';
import * as fs from 'node:fs';
import { DEFAULT_SEED_FILE, startEmulator } from './src/server';
import { readSeedFile } from './src/state/seed';

interface CliArgs {
  port: number;
  seed?: string;
  data: string;
  python?: string;
  reset: boolean;
  noStorage: boolean;
  verbose: boolean;
  /** Where to write the connection details as JSON, for scripts that start the emulator. */
  infoFile?: string;
}

function parseArgs(argv: string[]): CliArgs {
  const args: CliArgs = {
    port: 10443,
    data: path.resolve(process.cwd(), '.emulator-data'),
    reset: false,
    noStorage: false,
    verbose: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--port') args.port = Number(value());
    else if (a === '--seed') args.seed = path.resolve(value());
    else if (a === '--data') args.data = path.resolve(value());
    else if (a === '--python') args.python = value();
    else if (a === '--reset') args.reset = true;
    else if (a === '--no-storage') args.noStorage = true;
    else if (a === '--verbose') args.verbose = true;
    else if (a === '--info-file') args.infoFile = path.resolve(value());
    else if (a === '--help' || a === '-h') {
      process.stdout.write(
        'Usage: emulator [--port 10443] [--seed file] [--data dir] [--python exe] [--reset] [--no-storage] [--verbose] [--info-file f]\n',
      );
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535) throw new Error('--port must be 0..65535');
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const emu = await startEmulator({
    port: args.port,
    dataDir: args.data,
    seedFile: args.seed,
    reset: args.reset,
    python: args.python,
    storage: !args.noStorage,
    verbose: args.verbose,
  });
  const principal = readSeedFile(args.seed ?? DEFAULT_SEED_FILE).servicePrincipals[0];
  const settings = {
    'synapseSpark.environment': 'Custom',
    'synapseSpark.custom.resourceManagerEndpoint': emu.url,
    'synapseSpark.custom.authorityHost': emu.url,
    'synapseSpark.custom.tenantId': emu.tenantId,
    'synapseSpark.custom.resourceManagerScope': 'https://management.azure.com/.default',
    'synapseSpark.custom.synapseScope': 'https://dev.azuresynapse.net/.default',
    'synapseSpark.custom.disableInstanceDiscovery': true,
    'synapseSpark.caBundlePath': emu.caPath,
    'synapseSpark.auth.source': 'emulator',
    // The emulator's well-known development principal (like Azurite's well-known key): only the
    // emulator accepts it.
    'synapseSpark.emulator.clientId': principal.clientId,
    'synapseSpark.emulator.clientSecret': principal.clientSecret,
  };
  if (args.infoFile) {
    const info = {
      url: emu.url,
      caPath: emu.caPath,
      tenantId: emu.tenantId,
      blobServiceUrl: emu.blobServiceUrl,
      pid: process.pid,
      settings,
    };
    fs.writeFileSync(args.infoFile, JSON.stringify(info, null, 2));
  }
  process.stdout.write(
    [
      `Azure emulator listening on ${emu.url}`,
      `CA certificate: ${emu.caPath}`,
      `Blob (Azurite): ${emu.blobServiceUrl ?? 'off'}`,
      `Data folder:    ${emu.dataDir}`,
      `Admin API:      ${emu.url}/_emulator/health`,
      '',
      'Extension settings (settings.json):',
      JSON.stringify(settings, null, 2),
      '',
      'Service principal: see servicePrincipals in the seed file (emulator/SEED.md).',
      '',
    ].join('\n'),
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping...\n`);
    emu.stop().then(
      () => process.exit(0),
      (e) => {
        process.stderr.write(`stop failed: ${String(e)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((e) => {
  process.stderr.write(`emulator: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
