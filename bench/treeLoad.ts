/**
 * Workspaces tree load against the emulator seeded at 10 subscriptions x 20 Azure ML workspaces x 5 linked
 * Synapse workspaces x 10 Spark pools. Walks the tree the way the view loads it (the same core services and
 * pipeline), with the extension's concurrency limit and with one request at a time, in the same run:
 * time to the first level (subscriptions) and to everything expanded. Prints a table.
 *   npm run bench:tree        (BENCH_SUBS / BENCH_AML / BENCH_SYN / BENCH_POOLS to resize, BENCH_LATENCY_MS for the
 *   latency added to each ARM request, default 20: the in-process emulator itself answers in a few ms)
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startEmulator } from '../emulator/src/server';
import type { SeedFile } from '../emulator/src/state/seed';
import { signedInStack, type Stack } from '../test/unit/resources/harness';

/** Added to every ARM request, standing in for the network and ARM's own latency (the emulator answers in-process). */
const LATENCY_MS = num('BENCH_LATENCY_MS', 20);
const N = { subs: num('BENCH_SUBS', 10), aml: num('BENCH_AML', 20), syn: num('BENCH_SYN', 5), pools: num('BENCH_POOLS', 10) };

function num(name: string, dflt: number): number {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v > 0 ? v : dflt;
}

function largeSeed(): SeedFile {
  const base = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', 'emulator', 'seed.default.json'), 'utf8')) as SeedFile;
  const subscriptions = [];
  for (let s = 0; s < N.subs; s++) {
    const synapseWorkspaces = [];
    const amlWorkspaces = [];
    for (let a = 0; a < N.aml; a++) {
      const links = [];
      for (let y = 0; y < N.syn; y++) {
        const name = `syn-s${s}-a${a}-y${y}`;
        synapseWorkspaces.push({ name, sparkPools: Array.from({ length: N.pools }, (_, p) => ({ name: `pool${p}` })) });
        links.push({ name: `link${y}`, synapseWorkspace: name });
      }
      amlWorkspaces.push({
        name: `aml-s${s}-a${a}`,
        linkedServices: links,
        computes: [{ name: 'attached0', synapseWorkspace: `syn-s${s}-a${a}-y0`, pool: 'pool0' }],
      });
    }
    subscriptions.push({
      subscriptionId: `00000000-0000-4000-8000-${String(s).padStart(12, '0')}`,
      displayName: `Bench subscription ${s}`,
      resourceGroups: [{ name: 'rg-bench', location: 'westeurope', synapseWorkspaces, amlWorkspaces }],
    });
  }
  return { ...base, subscriptions, faults: [] } as SeedFile;
}

interface Result {
  firstLevelMs: number;
  allMs: number;
  requests: number;
  nodes: number;
  peak: number;
}

async function walk(stack: Stack): Promise<Result> {
  const started = Date.now();
  const subs = await stack.account.selectedSubscriptions();
  const firstLevelMs = Date.now() - started;
  let nodes = subs.length;
  await Promise.all(
    subs.map(async (sub) => {
      const wss = await stack.ml.workspaces(sub).all();
      nodes += wss.length;
      await Promise.all(
        wss.map(async (ws) => {
          const [links, computes] = await Promise.all([stack.ml.linkedSynapse(ws).all(), stack.ml.sparkComputes(ws).all()]);
          nodes += 2 + links.length + computes.length;
          await Promise.all(
            links.map(async (l) => {
              const pools = await stack.synapse
                .pools({
                  id: l.synapseWorkspaceId,
                  name: l.synapseWorkspaceName,
                  subscriptionId: l.synapseSubscriptionId,
                  resourceGroup: l.synapseResourceGroup,
                })
                .all();
              nodes += pools.length;
            }),
          );
        }),
      );
    }),
  );
  return { firstLevelMs, allMs: Date.now() - started, requests: stack.arm.requestCount, nodes, peak: stack.arm.limiter.peak };
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'azsynspark-bench-'));
  const seed = largeSeed();
  const handle = await startEmulator({
    port: 0,
    dataDir,
    tlsDir: path.join(os.tmpdir(), 'azsynspark-emulator-test-tls'),
    storage: false,
    livy: false,
    reset: true,
    seed,
    settings: { pageSize: 20 },
  });
  const sp = seed.servicePrincipals[0];
  const emu = {
    url: handle.url,
    tenantId: handle.tenantId,
    caPath: handle.caPath,
    clientId: sp.clientId,
    clientSecret: sp.clientSecret,
  } as Parameters<typeof signedInStack>[0];
  if (LATENCY_MS > 0) handle.faults.add({ kind: 'latency', surface: 'arm', latencyMs: LATENCY_MS });
  try {
    const rows: Array<[string, Result]> = [];
    for (const [label, concurrency] of [
      ['one request at a time (baseline)', 1],
      ['extension (concurrency 8)', 8],
    ] as const) {
      const stack = await signedInStack(emu, { concurrency });
      stack.arm.stack.requestCount = 0; // sign-in traffic is not tree load
      rows.push([label, await walk(stack)]);
    }
    const pad = (s: string, n: number) => s.padEnd(n);
    console.log(
      `\nWorkspaces tree load: ${N.subs} subscriptions x ${N.aml} Azure ML workspaces x ${N.syn} linked Synapse workspaces x ${N.pools} pools (emulator page size 20, in-process, +${LATENCY_MS} ms per ARM request)\n`,
    );
    console.log(
      `${pad('mode', 34)}${pad('first level', 14)}${pad('all expanded', 15)}${pad('requests', 10)}${pad('nodes', 8)}peak in flight`,
    );
    for (const [label, r] of rows) {
      console.log(
        `${pad(label, 34)}${pad(`${r.firstLevelMs} ms`, 14)}${pad(`${(r.allMs / 1000).toFixed(2)} s`, 15)}${pad(String(r.requests), 10)}${pad(String(r.nodes), 8)}${r.peak}`,
      );
    }
    const [base, ext] = rows.map((r) => r[1]);
    console.log(
      `\nspeed-up to everything expanded: ${(base.allMs / ext.allMs).toFixed(1)}x; first level under 1 s: ${ext.firstLevelMs < 1000 ? 'yes' : 'NO'}`,
    );
  } finally {
    await handle.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
