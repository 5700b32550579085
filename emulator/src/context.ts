/**
 * What every surface (identity, ARM, admin, Livy, pipeline runner) gets from the server: state, faults,
 * token checks and where things live. Built once per running emulator; no module-level mutable state.
 */
import type { FaultRegistry } from './admin/faults';
import type { SparkEngine } from './spark/engine';
import type { TokenSigner } from './identity/jwt';
import type { StateStore, StoredResource } from './state/store';

export interface EmulatorContext {
  dataDir: string;
  /** PEM of the emulator CA (to call Azurite, which serves the emulator's certificate). */
  caPem: string;
  /** Python executable for statement runners and pipeline steps (the Spark engine's when it is installed). */
  python: string;
  /** Real Apache Spark for Livy sessions, batches and pipeline Spark steps; undefined when not installed. */
  spark?: SparkEngine;
  /** Why there is no Spark engine, for logs and errors. */
  sparkUnavailableReason?: string;
  /** The local folder of the emulated ADLS Gen2 accounts: `{lakeRoot}/{account}/{filesystem}/...`. */
  lakeRoot: string;
  store: StateStore;
  faults: FaultRegistry;
  signer: TokenSigner;
  /** URL the server listens on, e.g. `https://127.0.0.1:10443` (set once listening). */
  baseUrl(): string;
  /** Blob service endpoint of the running Azurite, e.g. `https://127.0.0.1:41234`, or undefined when off. */
  blobServiceUrl(): string | undefined;
  /** Looks up a Synapse workspace by name (names are globally unique in Azure, so the name is enough). */
  findSynapseWorkspace(name: string): StoredResource | undefined;
  /** A big data pool of a Synapse workspace, with its emulator-only `meta` (e.g. coldStartMs). */
  findSparkPool(workspaceName: string, poolName: string): StoredResource | undefined;
  /** Emulator log line (stderr unless quiet). Never pass secrets or tokens. */
  log(message: string): void;
}
