// Offsets <-> 0-based line/col, and minimal text edits. Everything in this module works on UTF-16
// offsets (JavaScript string indices), which is also what VS Code's positionAt/offsetAt use.

export interface Position {
  line: number;
  col: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** A replacement of `length` characters at `offset`. Offsets refer to the text before any edit. */
export interface TextEdit {
  offset: number;
  length: number;
  newText: string;
}

export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) === 10) {
        this.starts.push(i + 1);
      }
    }
  }

  position(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= clamped) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return { line: lo, col: clamped - this.starts[lo] };
  }

  range(start: number, end: number): Range {
    return { start: this.position(start), end: this.position(end) };
  }

  /** Offset of the first character of the line that contains `offset`. */
  lineStart(offset: number): number {
    return this.starts[this.position(offset).line];
  }

  /** Offset just after the newline that ends the line containing `offset` (or the text's end). */
  nextLineStart(offset: number): number {
    const line = this.position(offset).line;
    return line + 1 < this.starts.length ? this.starts[line + 1] : this.text.length;
  }
}

/** Applies non-overlapping edits (in any order) to `text`. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.offset - b.offset);
  let out = '';
  let cursor = 0;
  for (const edit of sorted) {
    if (edit.offset < cursor) {
      throw new Error(`overlapping text edits at offset ${edit.offset}`);
    }
    out += text.slice(cursor, edit.offset) + edit.newText;
    cursor = edit.offset + edit.length;
  }
  return out + text.slice(cursor);
}
