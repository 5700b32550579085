/**
 * Statements that were running when the window went away. Each cell's statement is remembered when Livy
 * accepts it and forgotten when its result is written; an entry still here after a window reload is a
 * result nobody saw yet. When the notebook's session is re-attached, the glue follows the statement again
 * and lands its result in the cell it came from (found by position and text, see locateCell).
 * VS Code-free; the glue keeps the list in workspaceState.
 */
import { createHash } from 'node:crypto';
import type { PendingStatement } from './cellRunner';

export interface PendingCell extends PendingStatement {
  /** The notebook's key (its URI). */
  notebook: string;
  /** The Azure ML compute the notebook's kernel runs on. */
  computeId: string;
  /** The cell's index among the notebook's cells when it ran. */
  cellIndex: number;
  /** A digest of the cell's text when it ran. */
  sourceHash: string;
  /** When the cell started (ms since the epoch), so the cell's run time stays true. */
  startedAt: number;
}

/** Where the list survives a window reload. */
export interface PendingCellStore {
  get(): PendingCell[];
  set(cells: PendingCell[]): void;
}

/** More than this many unseen results is not a reload: the oldest go. */
const MAX_ENTRIES = 100;
/** A result older than this is not waited for (Livy sessions do not live this long). */
const MAX_AGE_MS = 7 * 24 * 3600_000;

export function sourceHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

export class PendingCells {
  constructor(
    private readonly store: PendingCellStore,
    private readonly now: () => number = Date.now,
  ) {}

  add(cell: PendingCell): void {
    const kept = this.valid().filter((c) => !(c.notebook === cell.notebook && c.cellIndex === cell.cellIndex) && !sameStatement(c, cell));
    this.store.set([...kept, cell].slice(-MAX_ENTRIES));
  }

  remove(cell: PendingStatement & { computeId: string }): void {
    const all = this.store.get();
    const kept = all.filter((c) => !(sameStatement(c, cell) && c.computeId === cell.computeId));
    if (kept.length !== all.length) this.store.set(kept);
  }

  /** The notebook's unseen results on this compute, oldest first. */
  forNotebook(notebook: string, computeId: string): PendingCell[] {
    return this.valid()
      .filter((c) => c.notebook === notebook && c.computeId.toLowerCase() === computeId.toLowerCase())
      .sort((a, b) => a.startedAt - b.startedAt);
  }

  private valid(): PendingCell[] {
    const now = this.now();
    return this.store.get().filter((c) => now - c.startedAt < MAX_AGE_MS);
  }
}

function sameStatement(a: PendingStatement, b: PendingStatement): boolean {
  return a.sessionId === b.sessionId && a.statementId === b.statementId;
}

/**
 * The index of the cell a pending result belongs to: the cell at its old position when its text is
 * unchanged, else the only cell with that text; undefined when the cell was edited or removed (the
 * result is not put into a cell it may not belong to).
 */
export function locateCell(cells: readonly string[], pending: Pick<PendingCell, 'cellIndex' | 'sourceHash'>): number | undefined {
  const hashes = cells.map(sourceHash);
  if (hashes[pending.cellIndex] === pending.sourceHash) return pending.cellIndex;
  const matches = hashes.flatMap((h, i) => (h === pending.sourceHash ? [i] : []));
  return matches.length === 1 ? matches[0] : undefined;
}
