// Shared test helpers: where the corpus lives, and an in-memory file reader.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FileKind, PipelineFileReader } from '../../../src/core/pipelines/fileReader';

export { referencePath } from '../../support/reference';
import { referencePath } from '../../support/reference';

export const corpusPipelinesDir = (): string => referencePath('corpus/aml-pipelines');

/** A file of the Azure ML corpus, e.g. `cli/jobs/spark/spark-job-component.yml`; missing, it fails by name. */
export const corpusFile = (relative: string): string => referencePath(`corpus/aml-pipelines/${relative}`);

export function corpusYamlFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        walk(p);
      } else if (/\.ya?ml$/.test(e.name)) {
        out.push(p);
      }
    }
  };
  walk(corpusPipelinesDir());
  return out.sort();
}

export function readJson(file: string): any {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** Files given as absolute path -> content; folders exist implicitly. */
export class MemFileReader implements PipelineFileReader {
  private readonly files = new Map<string, Uint8Array>();

  constructor(files: Record<string, string> = {}) {
    for (const [p, content] of Object.entries(files)) {
      this.files.set(p, new TextEncoder().encode(content));
    }
  }

  async readFile(p: string): Promise<Uint8Array | undefined> {
    return this.files.get(p);
  }

  async stat(p: string): Promise<FileKind | undefined> {
    if (this.files.has(p)) {
      return 'file';
    }
    const prefix = p.endsWith('/') ? p : p + '/';
    return [...this.files.keys()].some((f) => f.startsWith(prefix)) ? 'directory' : undefined;
  }

  async readDirectory(p: string): Promise<{ name: string; kind: FileKind }[]> {
    const prefix = p.endsWith('/') ? p : p + '/';
    const names = new Map<string, FileKind>();
    for (const f of this.files.keys()) {
      if (f.startsWith(prefix)) {
        const rest = f.slice(prefix.length);
        const slash = rest.indexOf('/');
        names.set(slash < 0 ? rest : rest.slice(0, slash), slash < 0 ? 'file' : 'directory');
      }
    }
    return [...names].map(([name, kind]) => ({ name, kind }));
  }
}

/** The substring a diagnostic's range covers, for asserting where it points. */
export function textAt(text: string, range: { start: { line: number; col: number }; end: { line: number; col: number } }): string {
  const lines = text.split('\n');
  if (range.start.line === range.end.line) {
    return lines[range.start.line].slice(range.start.col, range.end.col);
  }
  return [
    lines[range.start.line].slice(range.start.col),
    ...lines.slice(range.start.line + 1, range.end.line),
    lines[range.end.line].slice(0, range.end.col),
  ].join('\n');
}
