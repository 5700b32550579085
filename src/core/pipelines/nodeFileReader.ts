// node:fs implementation of PipelineFileReader (tests, CLI tools; the extension may use workspace.fs).
import { promises as fs } from 'node:fs';
import type { FileKind, PipelineFileReader } from './fileReader';

function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

export class NodeFileReader implements PipelineFileReader {
  async readFile(path: string): Promise<Uint8Array | undefined> {
    try {
      return await fs.readFile(path);
    } catch (err) {
      if (isMissing(err)) {
        return undefined;
      }
      throw err;
    }
  }

  async stat(path: string): Promise<FileKind | undefined> {
    try {
      const st = await fs.stat(path);
      return st.isDirectory() ? 'directory' : 'file';
    } catch (err) {
      if (isMissing(err)) {
        return undefined;
      }
      throw err;
    }
  }

  async readDirectory(path: string): Promise<{ name: string; kind: FileKind }[]> {
    const entries = await fs.readdir(path, { withFileTypes: true });
    return entries
      .filter((e) => e.isFile() || e.isDirectory())
      .map((e) => ({ name: e.name, kind: e.isDirectory() ? ('directory' as const) : ('file' as const) }));
  }
}
