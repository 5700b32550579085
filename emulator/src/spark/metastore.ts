/**
 * The lake databases' Hive metastore: one Derby network server (a real one, from Maven Central) for the
 * emulator, with one database per Synapse workspace, so every session and batch of every pool of a workspace
 * sees the same tables at once (embedded Derby would admit a single JVM). Started on first use, stopped
 * with the emulator.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import type { SparkEnv } from './env';

const START_TIMEOUT_MS = 60_000;

export class MetastoreServer {
  private child: ChildProcess | undefined;
  private starting: Promise<number> | undefined;
  private stopped = false;

  constructor(
    private readonly env: SparkEnv,
    private readonly homeDir: string,
    private readonly log: (line: string) => void,
  ) {}

  /** The server's port, starting it on first use. */
  port(): Promise<number> {
    this.starting ??= this.start().catch((err: unknown) => {
      this.starting = undefined; // let the next application try again
      throw err;
    });
    return this.starting;
  }

  private async start(): Promise<number> {
    if (this.stopped) throw new Error('the emulator is stopping');
    fs.mkdirSync(this.homeDir, { recursive: true });
    const port = await freePort();
    const derbyJars = [
      ...fs
        .readdirSync(path.join(this.env.sparkHome, 'jars'))
        .filter((f) => /^derby-[\d.]+\.jar$/.test(f))
        .map((f) => path.join(this.env.sparkHome, 'jars', f)),
      ...this.env.jars.filter((j) => /derby(net|client)-/.test(path.basename(j))),
    ];
    const java = path.join(this.env.javaHome, 'bin', 'java');
    const child = spawn(
      java,
      [
        '-Xmx256m',
        `-Dderby.system.home=${this.homeDir}`,
        '-Dderby.drda.startNetworkServer=false',
        '-cp',
        derbyJars.join(path.delimiter),
        'org.apache.derby.drda.NetworkServerControl',
        'start',
        '-h',
        '127.0.0.1',
        '-p',
        String(port),
        '-noSecurityManager',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    this.child = child;
    let output = '';
    const collect = (d: Buffer) => {
      output = (output + d.toString()).slice(-4000);
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code) => reject(new Error(`the metastore (Derby network server) exited with ${code}: ${output.trim()}`))),
    );
    exited.catch(() => undefined);
    child.once('exit', () => {
      if (this.child === child) this.child = undefined;
      this.starting = undefined;
    });
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!(await canConnect(port))) {
      if (Date.now() > deadline) {
        this.kill();
        throw new Error(
          `the metastore (Derby network server) did not listen on port ${port} within ${START_TIMEOUT_MS / 1000} s: ${output.trim()}`,
        );
      }
      await Promise.race([new Promise((r) => setTimeout(r, 150)), exited]);
    }
    this.log(`metastore: Derby network server on 127.0.0.1:${port} (${this.homeDir})`);
    return port;
  }

  private kill(): void {
    const pid = this.child?.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      /* gone */
    }
    const timer = setTimeout(() => this.kill(), 3000);
    await gone;
    clearTimeout(timer);
  }
}

/** A TCP port free on the loopback interface now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
