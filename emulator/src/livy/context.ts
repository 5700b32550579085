import type { EmuRequest, EmuResponse } from '../http';
import type { SparkEngine } from '../spark/engine';

/** What the Livy surface needs to know about a Spark pool (from the ARM side of the emulator). */
export interface PoolInfo {
  /** e.g. "3.4"; shown nowhere in Livy bodies today but kept for conf defaults and logs. */
  sparkVersion?: string;
  /** Synapse node size (Small, Medium, Large, XLarge, XXLarge): sets default driver/executor sizes. */
  nodeSize?: string;
  /** This pool's cold start, overriding ctx.coldStart (e.g. a pool seeded as slow to start). */
  coldStart?: ColdStartDelays;
}

/** Delay of each cold-start stage in milliseconds, in the order Synapse walks them. */
export interface ColdStartDelays {
  /** Queued -> Scheduled (pluginInfo Preparation starts). */
  queued: number;
  /** Preparation -> ResourceAcquisition. */
  preparation: number;
  /** ResourceAcquisition -> Submission (state becomes `starting`, the Python process starts). */
  resourceAcquisition: number;
  /** Submission -> Monitoring (an appId is assigned). */
  submission: number;
  /** Monitoring -> idle (sessions) or running (batches); never earlier than the Python process is ready. */
  starting: number;
}

export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface Submitter {
  name: string;
  id: string;
}

/** Optional fault hook: answer instead of the surface (a 429, a 500...), or undefined to go on. */
export interface LivyFaults {
  match(surface: 'livy', req: EmuRequest): EmuResponse | undefined | Promise<EmuResponse | undefined>;
}

/**
 * Everything the surface reads from the rest of the emulator. Fields are read on every use, so the mount
 * may change delays or timeouts at run time (for example from the admin API).
 */
export interface LivyContext {
  findWorkspace(workspace: string): boolean | Promise<boolean>;
  findPool(workspace: string, pool: string): PoolInfo | undefined | Promise<PoolInfo | undefined>;
  coldStart: ColdStartDelays;
  /** Session idle timeout when the create body names none (ms). Synapse's recorded sessions died after ~20 min. */
  idleTimeoutMs: number;
  /** Root for session working folders, batch logs and mapped storage paths (see fileMapping.ts). */
  dataDir: string;
  /** The emulated ADLS Gen2 accounts (`{lakeRoot}/{account}/{filesystem}/...`): abfss files of batches resolve there. */
  lakeRoot?: string;
  /** Python 3 executable for statement runners and batches. */
  pythonPath: string;
  clock?: Clock;
  faults?: LivyFaults;
  /** Base URL clients reach the emulator at (for appInfo URLs); default https://{Host header}. */
  publicUrl?: string;
  /** Tenant id shown in Spark UI URLs. */
  tenantId?: string;
  /** Who submitted a job, e.g. from the verified token; default a fixed emulator user. */
  submitter?(req: EmuRequest): Submitter;
  /** Map a batch `file`/`pyFiles` URI to a local path; fall back to the built-in mapping when undefined. */
  resolveFile?(uri: string): string | undefined | Promise<string | undefined>;
  /** Override the statement runner script (default: emulator/python/livy_runner.py). */
  runnerScript?: string;
  /**
   * Real Apache Spark for sessions and batches; without it statements run in plain Python (`pythonPath`) and
   * Spark calls fail with a sentence that says how to install the engine.
   */
  spark?: SparkEngine;
  /** Why there is no Spark engine (shown in session logs and Spark errors). */
  sparkUnavailableReason?: string;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export const defaultColdStart: ColdStartDelays = {
  queued: 1000,
  preparation: 1000,
  resourceAcquisition: 2000,
  submission: 1000,
  starting: 1000,
};

export const defaultSubmitter: Submitter = {
  name: 'user@emulator.local',
  id: '00000000-0000-0000-0000-000000000001',
};
