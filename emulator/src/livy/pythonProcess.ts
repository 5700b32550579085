/**
 * One statement-runner Python process (emulator/python/livy_runner.py) and its JSON-lines protocol.
 * Requests go one at a time (the session queues statements); replies resolve as soon as their line
 * arrives, so completion is observable without polling delays.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';

export interface RunnerRequest {
  id: number;
  code: string;
  kind: string;
  execution_count: number;
}

export type RunnerReply =
  | { id: number; status: 'ok'; execution_count: number; data: Record<string, unknown> }
  | { id: number; status: 'error'; execution_count: number; ename: string; evalue: string; traceback: string[] }
  | { id: number; status: 'cancelled'; execution_count: number };

/** The runner started Spark (lazily, at the first statement that uses it). */
export interface SparkStarted {
  appId: string;
  uiUrl: string | null;
  version: string;
}

export interface RunnerOptions {
  python: string;
  script: string;
  cwd: string;
  env: Record<string, string>;
  onLog(stream: 'stdout' | 'stderr', line: string): void;
  onSpark?(info: SparkStarted): void;
  /** Called once when the process is gone, whatever the reason (also after kill()). */
  onExit(description: string): void;
}

export class RunnerDiedError extends Error {}

const STARTUP_TIMEOUT_MS = 30_000;

/** Where livy_runner.py is, from the TypeScript sources or from their compiled copy under out/. */
export function defaultRunnerScript(): string {
  const candidates = [
    path.resolve(__dirname, '../../python/livy_runner.py'),
    path.resolve(__dirname, '../../../../emulator/python/livy_runner.py'),
  ];
  return candidates.find((candidate) => fs.existsSync(candidate)) ?? candidates[0];
}

export class PythonRunner {
  private pending: { resolve(reply: RunnerReply): void; reject(err: Error): void } | undefined;
  private exited = false;

  private constructor(private readonly child: ChildProcess) {}

  /** Starts the process and resolves once it said it is ready. */
  static start(options: RunnerOptions): Promise<PythonRunner> {
    return new Promise((resolve, reject) => {
      const child = spawn(options.python, ['-u', options.script], {
        cwd: options.cwd,
        env: { ...process.env, ...options.env, PYTHONUNBUFFERED: '1', MPLBACKEND: 'Agg' },
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: true, // its own process group: kill() ends Spark's JVM with it
      });
      const runner = new PythonRunner(child);
      let ready = false;
      const timer = setTimeout(() => {
        if (!ready) {
          runner.kill();
        }
      }, STARTUP_TIMEOUT_MS);
      readline.createInterface({ input: child.stdout! }).on('line', (line) => {
        let message: Record<string, unknown>;
        try {
          message = JSON.parse(line) as Record<string, unknown>;
        } catch {
          options.onLog('stdout', line);
          return;
        }
        if (message.type === 'spark') {
          options.onSpark?.(message as unknown as SparkStarted);
        } else if (message.type === 'ready') {
          ready = true;
          clearTimeout(timer);
          resolve(runner);
        } else {
          runner.settle(message as unknown as RunnerReply);
        }
      });
      readline.createInterface({ input: child.stderr! }).on('line', (line) => options.onLog('stderr', line));
      // 'error' (spawn failed) and 'close' may both come: report the end once.
      let finished = false;
      const finish = (description: string) => {
        if (finished) {
          return;
        }
        finished = true;
        clearTimeout(timer);
        runner.exited = true;
        runner.pending?.reject(new RunnerDiedError(description));
        runner.pending = undefined;
        if (!ready) {
          reject(new RunnerDiedError(description));
        }
        options.onExit(description);
      };
      child.on('error', (err) => finish(`could not run ${options.python}: ${err.message}`));
      child.on('close', (code, signal) =>
        finish(signal ? `the Python process was killed by ${signal}` : `the Python process exited with code ${code}`),
      );
      child.stdin!.on('error', () => undefined); // EPIPE after a crash: reported through 'close'
    });
  }

  get alive(): boolean {
    return !this.exited;
  }

  execute(request: RunnerRequest): Promise<RunnerReply> {
    if (this.exited) {
      return Promise.reject(new RunnerDiedError('the Python process is not running'));
    }
    if (this.pending) {
      return Promise.reject(new Error('the runner is already executing a statement'));
    }
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.child.stdin!.write(`${JSON.stringify(request)}\n`);
    });
  }

  /** Interrupts the running statement (KeyboardInterrupt in the runner); a no-op between statements. */
  interrupt(): void {
    if (!this.exited) {
      this.child.kill('SIGINT');
    }
  }

  /** Ends the process and everything it started (Spark's JVM), as one process group. */
  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.exited || this.child.pid === undefined) {
      return;
    }
    try {
      process.kill(-this.child.pid, signal);
    } catch {
      this.child.kill(signal);
    }
  }

  /** Asks the runner to leave and waits for it, killing it if it does not go quickly. */
  async stop(graceMs = 1000): Promise<void> {
    if (this.exited) {
      return;
    }
    const closed = new Promise<void>((resolve) => this.child.once('close', () => resolve()));
    this.child.stdin!.end(`${JSON.stringify({ type: 'shutdown' })}\n`);
    const timer = setTimeout(() => this.kill(), graceMs);
    await closed;
    clearTimeout(timer);
  }

  private settle(reply: RunnerReply): void {
    const pending = this.pending;
    this.pending = undefined;
    pending?.resolve(reply);
  }
}
