// The file access the pipeline model needs, injected so it runs on VS Code's workspace.fs in the
// extension and on node:fs in tests. Paths are absolute and '/'-separated (see paths.ts).

export type FileKind = 'file' | 'directory';

export interface PipelineFileReader {
  /** undefined when the file does not exist. */
  readFile(path: string): Promise<Uint8Array | undefined>;
  stat(path: string): Promise<FileKind | undefined>;
  /** Direct children of a folder. */
  readDirectory(path: string): Promise<{ name: string; kind: FileKind }[]>;
}

export async function readText(reader: PipelineFileReader, path: string): Promise<string | undefined> {
  const bytes = await reader.readFile(path);
  return bytes === undefined ? undefined : new TextDecoder('utf-8').decode(bytes);
}
