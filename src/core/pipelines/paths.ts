// Paths in the pipeline model are absolute, '/'-separated strings (Windows paths are normalised to
// forward slashes) so the same logic works on VS Code URIs' fsPath and in Node tests.
import * as posix from 'node:path/posix';

export function toSlashes(p: string): string {
  return p.replace(/\\/g, '/');
}

export function dirname(p: string): string {
  return posix.dirname(toSlashes(p));
}

export function resolvePath(base: string, relative: string): string {
  return posix.resolve(toSlashes(base), toSlashes(relative));
}

export function relativePath(from: string, to: string): string {
  return posix.relative(toSlashes(from), toSlashes(to));
}

export function isInside(root: string, target: string): boolean {
  const rel = relativePath(root, target);
  return rel === '' || (!rel.startsWith('..') && !posix.isAbsolute(rel));
}

/** True for paths that name something remote (`azureml:`, `https://`, `abfss://`, `wasbs://`, ...). */
export function isRemote(p: string): boolean {
  return /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(p) && !/^[a-zA-Z]:[\\/]/.test(p);
}

export function stripFilePrefix(p: string): string {
  return p.startsWith('file:') ? p.slice('file:'.length) : p;
}
