// Installs and starts the VS Code test host: code-server from npm (a real VS Code server and workbench
// with a Node extension host), plus the Debian packages it and the browser tests need. Everything is
// cached under .vscode-test/ so a second run costs nothing.
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { repoRoot, log, fail, waitForExit } from './util.mjs';

export const CODE_SERVER_VERSION = '4.100.3';
export const hostDir = path.join(repoRoot, '.vscode-test', `code-server-${CODE_SERVER_VERSION}`);
const codeServerPkg = path.join(hostDir, 'node_modules', 'code-server');
const codeServerBin = path.join(codeServerPkg, 'out', 'node', 'entry.js');
const readyMarker = path.join(hostDir, '.installed');

const debianNeeds = [
  { pkg: 'chromium', file: '/usr/bin/chromium' },
  { pkg: 'ripgrep', file: '/usr/bin/rg' },
  { pkg: 'libkrb5-dev', file: '/usr/include/krb5.h' },
  // The emulator's statement runner draws %matplot images with Debian's Python and matplotlib.
  { pkg: 'python3-matplotlib', file: '/usr/lib/python3/dist-packages/matplotlib/__init__.py' },
];

/**
 * The Python the emulator runs statements with: SYNAPSE_EMULATOR_PYTHON if set, else Debian's
 * python3 when it has matplotlib (so image outputs are real), else whatever python3 is on PATH.
 */
export function emulatorPython() {
  if (process.env.SYNAPSE_EMULATOR_PYTHON) return process.env.SYNAPSE_EMULATOR_PYTHON;
  return fs.existsSync('/usr/lib/python3/dist-packages/matplotlib/__init__.py') && fs.existsSync('/usr/bin/python3')
    ? '/usr/bin/python3'
    : 'python3';
}

export function chromiumPath() {
  return process.env.CHROMIUM_PATH || '/usr/bin/chromium';
}

/** Installs the Debian packages the host and the browser tests need, when they are missing. */
export function ensureDebianPackages() {
  const missing = debianNeeds.filter((n) => !fs.existsSync(n.file)).map((n) => n.pkg);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    fail(`Missing Debian packages: ${missing.join(' ')}.\nInstall them with: sudo apt-get install -y ${missing.join(' ')}`);
  }
  log(`Installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-qq'], { env });
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env });
}

/** Installs code-server into .vscode-test/ unless it is already there. */
export function ensureCodeServer() {
  if (fs.existsSync(readyMarker) && fs.existsSync(codeServerBin)) return;
  log(`Installing the VS Code test host (code-server ${CODE_SERVER_VERSION}); this takes a few minutes once.`);
  fs.rmSync(hostDir, { recursive: true, force: true });
  fs.mkdirSync(hostDir, { recursive: true });
  fs.writeFileSync(path.join(hostDir, 'package.json'), JSON.stringify({ name: 'vscode-test-host', private: true }, null, 2));
  const tarball = path.join(hostDir, `code-server-${CODE_SERVER_VERSION}.tgz`);
  run('npm', ['pack', `code-server@${CODE_SERVER_VERSION}`, '--silent'], { cwd: hostDir });
  seedRipgrepCache(tarball);
  const env = {
    ...process.env,
    npm_config_yes: 'true', // node-pty's postinstall runs `npx node-gyp`
    npm_config_unsafe_perm: 'true', // code-server refuses root installs otherwise
    npm_config_audit: 'false',
    npm_config_fund: 'false',
  };
  // npm blocks dependency install scripts until approved: install, approve the host's own
  // dependencies (this folder is ours alone), then rebuild so their scripts run.
  run('npm', ['install', '--no-save', '--no-package-lock', tarball], { cwd: hostDir, env });
  run('npm', ['install-scripts', 'approve', '--all', '--no-allow-scripts-pin'], { cwd: hostDir, env });
  run('npm', ['rebuild', '--foreground-scripts'], { cwd: hostDir, env });
  if (!fs.existsSync(codeServerBin)) fail(`code-server did not install: ${codeServerBin} is missing`);
  fs.writeFileSync(readyMarker, new Date().toISOString());
}

/**
 * @vscode/ripgrep's postinstall downloads rg from GitHub, which these machines cannot reach.
 * It first looks in a cache folder: put Debian's rg there under the name it expects.
 */
function seedRipgrepCache(tarball) {
  const shrink = JSON.parse(
    execFileSync('tar', ['-xzOf', tarball, 'package/lib/vscode/npm-shrinkwrap.json'], { maxBuffer: 64 << 20 }).toString(),
  );
  const pkgVersion = shrink.packages?.['node_modules/@vscode/ripgrep']?.version;
  if (!pkgVersion) fail("Cannot find the @vscode/ripgrep version in code-server's shrinkwrap.");
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'rgpkg-'));
  run('npm', ['pack', `@vscode/ripgrep@${pkgVersion}`, '--silent'], { cwd: work });
  const rgTgz = fs.readdirSync(work).find((f) => f.endsWith('.tgz'));
  const postinstall = execFileSync('tar', ['-xzOf', path.join(work, rgTgz), 'package/lib/postinstall.js']).toString();
  const rgVersion = /VERSION\s*=\s*['"]([^'"]+)['"]/.exec(postinstall)?.[1];
  if (!rgVersion) fail("Cannot find the ripgrep VERSION in @vscode/ripgrep's postinstall.");
  const cacheDir = path.join(os.tmpdir(), `vscode-ripgrep-cache-${pkgVersion}`);
  fs.mkdirSync(cacheDir, { recursive: true });
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'rgbin-'));
  fs.copyFileSync('/usr/bin/rg', path.join(stage, 'rg'));
  fs.chmodSync(path.join(stage, 'rg'), 0o755);
  run('tar', ['-czf', path.join(cacheDir, `ripgrep-${rgVersion}-x86_64-unknown-linux-musl.tar.gz`), '-C', stage, 'rg']);
  fs.rmSync(work, { recursive: true, force: true });
  fs.rmSync(stage, { recursive: true, force: true });
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts code-server in its own process group so that stop() ends the extension hosts too
 * (killing only the main pid leaves them waiting out a long reconnection grace).
 */
export async function startCodeServer({ port, folder, userDataDir, extensionsDir, settings = {}, quiet = true, env = {} }) {
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  const userSettings = {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'security.workspace.trust.enabled': false,
    'extensions.autoUpdate': false,
    'extensions.autoCheckUpdates': false,
    'update.mode': 'none',
    'chat.disableAIFeatures': true,
    ...settings,
  };
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(userSettings, null, 2));
  const xdg = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-xdg-'));
  const args = [
    codeServerBin,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    extensionsDir,
    folder,
  ];
  const child = spawn(process.execPath, args, {
    detached: true,
    stdio: quiet ? ['ignore', 'pipe', 'pipe'] : ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, XDG_CONFIG_HOME: xdg, EXTENSIONS_GALLERY: '{}', ...env },
  });
  let output = '';
  child.stdout?.on('data', (d) => {
    output = (output + d).slice(-20000);
  });
  child.stderr?.on('data', (d) => {
    output = (output + d).slice(-20000);
  });
  const url = `http://127.0.0.1:${port}`;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    killGroup(child.pid, 'SIGTERM');
    await waitForExit(child, 5000);
    killGroup(child.pid, 'SIGKILL'); // whatever is left of the group, extension hosts included
    fs.rmSync(xdg, { recursive: true, force: true });
  };
  await waitForHealth(url, child, () => output);
  return { url, child, stop, output: () => output };
}

export function installExtension({ vsix, extensionsDir, userDataDir }) {
  fs.mkdirSync(extensionsDir, { recursive: true });
  fs.mkdirSync(userDataDir, { recursive: true });
  const xdg = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-xdg-'));
  run(
    process.execPath,
    [codeServerBin, '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--install-extension', vsix, '--force'],
    { env: { ...process.env, XDG_CONFIG_HOME: xdg, EXTENSIONS_GALLERY: '{}' } },
  );
  fs.rmSync(xdg, { recursive: true, force: true });
}

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    /* already gone */
  }
}

async function waitForHealth(url, child, output) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) fail(`code-server exited early (${child.exitCode}):\n${output()}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  fail(`code-server did not become healthy within 60 s:\n${output()}`);
}

function run(cmd, args, opts = {}) {
  const res = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...opts });
  if (res.status !== 0) fail(`${cmd} ${args.join(' ')} failed with exit code ${res.status}`);
}
