/** RunHistory calls against the emulator: the data plane Azure ML clients use for pipeline children and run logs. */
import type { TestEmulator } from './emulator';
import { armClient, type ArmResponse } from './armPipeline';

/** `{emulator}/history/v1.0{workspace id}`: the RunHistory base of an AML workspace (what discovery's `api` leads to). */
export function historyBase(emu: TestEmulator, workspaceId: string): string {
  return `${emu.url}/history/v1.0${workspaceId}`;
}

export interface RunHistoryClient {
  get(path: string, headers?: Record<string, string>): Promise<ArmResponse>;
  run(runId: string): Promise<ArmResponse>;
  details(runId: string): Promise<ArmResponse>;
  /** Every child, following `continuationToken` (or `nextLink` when `via` says so); also returns the pages seen. */
  children(runId: string, opts?: { top?: number; via?: 'continuationToken' | 'nextLink' }): Promise<{ runs: any[]; pages: any[] }>;
}

export function runHistoryClient(emu: TestEmulator, workspaceId: string, opts: { auth?: boolean } = {}): RunHistoryClient {
  const send = armClient(emu, { auth: opts.auth });
  const base = historyBase(emu, workspaceId);
  const get = (p: string, headers: Record<string, string> = {}) =>
    send('GET', p.startsWith('https://') ? p : `${base}/${p}`, undefined, headers);
  return {
    get,
    run: (id) => get(`runs/${encodeURIComponent(id)}?api-version=v1.0`),
    details: (id) => get(`runs/${encodeURIComponent(id)}/details?api-version=v1.0`),
    async children(id, o = {}) {
      const first = `runs/${encodeURIComponent(id)}/children?api-version=v1.0${o.top ? `&$top=${o.top}` : ''}`;
      const runs: any[] = [];
      const pages: any[] = [];
      let next: string | undefined = first;
      while (next) {
        const res = await get(next);
        if (res.status !== 200) throw new Error(`children: ${res.status} ${res.text}`);
        pages.push(res.body);
        runs.push(...res.body.value);
        if (o.via === 'nextLink') {
          next = res.body.nextLink;
        } else {
          const token: string | undefined = res.body.continuationToken;
          next = token ? `${first}&$continuationtoken=${encodeURIComponent(token)}` : undefined;
        }
        if (pages.length > 100) throw new Error('children: too many pages');
      }
      return { runs, pages };
    },
  };
}
