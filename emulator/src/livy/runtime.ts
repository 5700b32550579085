import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EmuRequest } from '../http';
import { defaultSubmitter, systemClock, type Clock, type LivyContext } from './context';
import type { JobKind } from './jobRecord';
import { Timers } from './timers';

/** What the session and batch managers share: the context, its clock, cancellable timers, folders. */
export class LivyRuntime {
  readonly timers: Timers;
  /** Stands in for YARN's cluster start time in application ids. */
  readonly bootId: number;

  constructor(readonly ctx: LivyContext) {
    this.timers = new Timers(() => this.clock);
    this.bootId = this.now();
  }

  get clock(): Clock {
    return this.ctx.clock ?? systemClock;
  }

  now(): number {
    return this.clock.now();
  }

  /** A fresh working folder for one session or batch under the data dir. */
  async workDir(kind: JobKind, workspace: string, pool: string, id: number): Promise<string> {
    const dir = path.join(this.ctx.dataDir, 'livy', `${kind}s`, safeName(workspace), safeName(pool), String(id));
    await fs.promises.mkdir(dir, { recursive: true });
    return dir;
  }

  baseUrl(req: EmuRequest): string {
    return (this.ctx.publicUrl ?? `https://${req.headers.host ?? 'localhost'}`).replace(/\/+$/, '');
  }

  tenantId(): string {
    return this.ctx.tenantId ?? '00000000-0000-0000-0000-000000000000';
  }

  submitter(req: EmuRequest) {
    return this.ctx.submitter?.(req) ?? defaultSubmitter;
  }
}

function safeName(name: string): string {
  return name.replace(/[^\w.-]/g, '_');
}
