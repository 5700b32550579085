// What to upload before submitting: each step's code folder and local data inputs, with a content
// hash (sha256 over sorted relative paths and file bytes) so unchanged content can be skipped.
import { createHash } from 'node:crypto';
import { nestedPipeline } from './graph';
import type { PipelineFileReader } from './fileReader';
import { dirname, isRemote, resolvePath } from './paths';
import type { PipelineModel } from './types';

/** Folders never uploaded: VCS data and caches. */
const IGNORED = new Set(['.git', '__pycache__', '.ipynb_checkpoints', '.venv', 'node_modules', '.DS_Store']);

export interface UploadItem {
  kind: 'code' | 'data';
  localPath: string;
  isFolder: boolean;
  /** Steps (for code) or input names (for data) that use it. */
  usedBy: string[];
  /** Relative '/'-separated paths, sorted. */
  files: string[];
  totalBytes: number;
  /** Hex sha256; equal hashes mean equal content, so an existing upload can be reused. */
  hash: string;
}

export interface UploadPlan {
  items: UploadItem[];
  /** Paths that were referenced but do not exist. */
  missing: string[];
}

export interface ContentHash {
  hash: string;
  files: string[];
  totalBytes: number;
}

export async function hashContent(reader: PipelineFileReader, path: string): Promise<ContentHash | undefined> {
  const kind = await reader.stat(path);
  if (kind === undefined) {
    return undefined;
  }
  const files = kind === 'file' ? [path.slice(path.lastIndexOf('/') + 1)] : (await listFiles(reader, path, '')).sort();
  const root = kind === 'file' ? dirname(path) : path;
  const sha = createHash('sha256');
  let totalBytes = 0;
  for (const rel of files) {
    const bytes = (await reader.readFile(`${root}/${rel}`)) ?? new Uint8Array();
    // Path and length delimit each file so different splits of the same bytes hash differently.
    sha.update(`${rel}\0${bytes.length}\0`);
    sha.update(bytes);
    totalBytes += bytes.length;
  }
  return { hash: sha.digest('hex'), files, totalBytes };
}

async function listFiles(reader: PipelineFileReader, dir: string, prefix: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await reader.readDirectory(dir)) {
    if (IGNORED.has(entry.name)) {
      continue;
    }
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.kind === 'directory') {
      out.push(...(await listFiles(reader, `${dir}/${entry.name}`, rel)));
    } else {
      out.push(rel);
    }
  }
  return out;
}

export async function planUploads(model: PipelineModel, reader: PipelineFileReader): Promise<UploadPlan> {
  const wanted = new Map<string, { kind: 'code' | 'data'; usedBy: string[] }>();
  const want = (path: string, kind: 'code' | 'data', user: string): void => {
    const entry = wanted.get(path) ?? { kind, usedBy: [] };
    entry.usedBy.push(user);
    wanted.set(path, entry);
  };
  // Steps of nested pipeline components (type: pipeline) have code folders too.
  const withNested = (m: PipelineModel, prefix: string, depth: number): { step: PipelineModel['steps'][number]; user: string }[] =>
    m.steps.flatMap((step) => {
      const nested = depth < 8 ? nestedPipeline(step) : undefined;
      const own = { step, user: `${prefix}${step.name}` };
      return nested ? [own, ...withNested(nested, `${prefix}${step.name}/`, depth + 1)] : [own];
    });
  for (const { step, user } of withNested(model, '', 0)) {
    const spec = step.effective;
    if (spec.code !== undefined && spec.baseDir && !isRemote(spec.code)) {
      want(resolvePath(spec.baseDir, spec.code), 'code', user);
    }
  }
  const pipelineDir = model.filePath ? dirname(model.filePath) : undefined;
  const dataPorts = [
    ...model.inputs.map((p) => ({ p, user: p.name })),
    ...model.steps.flatMap((s) => s.inputs.map((p) => ({ p, user: `${s.name}.${p.name}` }))),
  ];
  for (const { p, user } of dataPorts) {
    if (pipelineDir && p.kind === 'data' && p.path && !isRemote(p.path)) {
      want(resolvePath(pipelineDir, p.path), 'data', user);
    }
  }
  const plan: UploadPlan = { items: [], missing: [] };
  for (const [localPath, { kind, usedBy }] of wanted) {
    const content = await hashContent(reader, localPath);
    if (!content) {
      plan.missing.push(localPath);
      continue;
    }
    const isFolder = (await reader.stat(localPath)) === 'directory';
    plan.items.push({ kind, localPath, isFolder, usedBy, ...content });
  }
  return plan;
}
