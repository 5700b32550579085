/**
 * Notebook renderer for Livy tables (application/vnd.livy.table.v1+json): typed column headers,
 * click or Enter on a header to sort, pages of rows, and Copy as CSV. Theme colours come from
 * VS Code's CSS variables, so it follows light, dark and high-contrast themes. Its strings go through
 * `l10n.t`, but a renderer is given no l10n bundle (it runs in the notebook's output webview, not a page of
 * ours), so they stay English until there is a way to hand it one.
 */
import * as l10n from '@vscode/l10n';
import type { ActivationFunction, OutputItem } from 'vscode-notebook-renderer';
import { parseLivyTable, type LivyTable } from '../../src/protocol/livyTable';
import { formatCell, isNumericType, pageCount, pageSlice, sortedOrder, toCsv, type SortDirection } from './table/tableModel';
import css from './table/table.css';

const PAGE_SIZE = 50;

export const activate: ActivationFunction = () => ({
  renderOutputItem(item: OutputItem, element: HTMLElement) {
    element.replaceChildren();
    const style = document.createElement('style');
    style.textContent = css;
    element.appendChild(style);
    let parsed: ReturnType<typeof parseLivyTable>;
    try {
      parsed = parseLivyTable(item.json());
    } catch (err) {
      parsed = { error: String(err) };
    }
    if ('error' in parsed) {
      const p = document.createElement('p');
      p.className = 'livy-table-error';
      p.textContent = l10n.t('This table output cannot be shown: {0}.', parsed.error);
      element.appendChild(p);
      return;
    }
    element.appendChild(new TableView(parsed.table).root);
  },
});

/**
 * The table is built once and then updated in place: sorting or paging never removes the focused
 * header or button. (If the focused node were removed, focus would fall out of the output webview
 * and VS Code's notebook would hand it to the cell's code editor, so the next Enter would type into
 * the cell.) Keys the table handles are stopped here so they never reach the notebook either.
 */
class TableView {
  readonly root = document.createElement('div');
  private sortColumn: number | undefined;
  private direction: SortDirection = 'asc';
  private page = 0;
  private order: number[];
  private readonly pages: number;
  private readonly headerCells: HTMLTableCellElement[] = [];
  private readonly tbody = el('tbody');
  private readonly pageLabel = el('span', 'livy-table-page');
  private readonly prev: HTMLButtonElement | undefined;
  private readonly next: HTMLButtonElement | undefined;

  constructor(private readonly table: LivyTable) {
    this.root.className = 'livy-table';
    this.order = sortedOrder(table, undefined, 'asc');
    this.pages = pageCount(table.data.length, PAGE_SIZE);

    const toolbar = el('div', 'livy-table-toolbar');
    const summary = el('span', 'livy-table-summary', summaryText(table));
    // With only the first rows at hand, sorting and copying act on those: the labels say so.
    const partial = table.truncated !== undefined;
    const copy = button(partial ? l10n.t('Copy shown rows as CSV') : l10n.t('Copy as CSV'), () => {
      void navigator.clipboard.writeText(toCsv(table, this.order)).then(() => {
        copy.textContent = l10n.t('Copied');
      });
    });
    toolbar.append(summary, copy);
    if (this.pages > 1) {
      this.prev = button(l10n.t('‹ Previous'), () => this.goTo(this.page - 1));
      this.next = button(l10n.t('Next ›'), () => this.goTo(this.page + 1));
      this.pageLabel.setAttribute('aria-live', 'polite');
      toolbar.append(this.prev, this.pageLabel, this.next);
    }

    const grid = el('table');
    const headRow = el('tr');
    table.headers.forEach((h, i) => {
      const th = el('th');
      th.tabIndex = 0;
      th.setAttribute('role', 'columnheader');
      th.dataset.column = String(i);
      th.title = partial
        ? l10n.t('{0} ({1}): click to sort the rows shown', h.name, h.type)
        : l10n.t('{0} ({1}): click to sort', h.name, h.type);
      th.append(el('span', 'livy-col-name', h.name), el('span', 'livy-col-type', h.type.replace(/_TYPE$/, '').toLowerCase()));
      th.addEventListener('click', () => this.sortBy(i));
      onActivateKey(th, () => this.sortBy(i));
      this.headerCells.push(th);
      headRow.appendChild(th);
    });
    const thead = el('thead');
    thead.appendChild(headRow);
    grid.append(thead, this.tbody);
    const scroller = el('div', 'livy-table-scroll');
    scroller.appendChild(grid);
    this.root.append(toolbar, scroller);
    this.trapFocus();
    this.update();
  }

  /**
   * Tab and Shift+Tab cycle through the table's controls (headers, buttons) instead of leaving the output
   * (Tab past the last header used to drop out, and Shift+Tab could not come back); Escape lets the notebook
   * take the focus back to the cell.
   */
  private trapFocus(): void {
    this.root.addEventListener('keydown', (e) => {
      if (e.key !== 'Tab') return;
      const controls = [...this.root.querySelectorAll<HTMLElement>('button:not([disabled]), th[tabindex="0"]')];
      if (controls.length === 0) return;
      const at = controls.indexOf(this.root.ownerDocument.activeElement as HTMLElement);
      const next = e.shiftKey ? (at <= 0 ? controls.length - 1 : at - 1) : at < 0 || at === controls.length - 1 ? 0 : at + 1;
      e.preventDefault();
      e.stopPropagation();
      controls[next].focus();
    });
  }

  /** Refreshes headers, rows and paging controls without replacing any focusable node. */
  private update(): void {
    const { table } = this;
    table.headers.forEach((h, i) => {
      const th = this.headerCells[i];
      th.setAttribute('aria-sort', this.sortColumn !== i ? 'none' : this.direction === 'asc' ? 'ascending' : 'descending');
      const arrow = this.sortColumn === i ? (this.direction === 'asc' ? ' ▲' : ' ▼') : '';
      const name = th.querySelector('.livy-col-name');
      if (name) name.textContent = h.name + arrow;
    });

    const rows: HTMLTableRowElement[] = [];
    for (const rowIndex of pageSlice(this.order, this.page, PAGE_SIZE)) {
      const tr = el('tr');
      table.data[rowIndex].forEach((cell, c) => {
        const td = el(
          'td',
          cell === null || cell === undefined ? 'null' : isNumericType(table.headers[c]?.type ?? '') ? 'num' : undefined,
          formatCell(cell),
        );
        tr.appendChild(td);
      });
      rows.push(tr);
    }
    this.tbody.replaceChildren(...rows);

    if (this.prev && this.next) {
      this.pageLabel.textContent = l10n.t('Page {0} of {1}', this.page + 1, this.pages);
      const prevDisabled = this.page === 0;
      const nextDisabled = this.page >= this.pages - 1;
      // A focused button that becomes disabled loses focus, so hand focus to the other paging button first.
      const active = this.root.ownerDocument.activeElement;
      const refuge = active === this.next && nextDisabled ? this.prev : active === this.prev && prevDisabled ? this.next : undefined;
      if (refuge) {
        refuge.disabled = false;
        if (refuge === this.prev ? !prevDisabled : !nextDisabled) refuge.focus();
        else this.focusTable();
      }
      this.prev.disabled = prevDisabled;
      this.next.disabled = nextDisabled;
    }
  }

  private focusTable(): void {
    if (this.headerCells.length > 0) {
      this.headerCells[0].focus();
      return;
    }
    this.root.tabIndex = -1;
    this.root.focus();
  }

  private sortBy(column: number): void {
    this.direction = this.sortColumn === column && this.direction === 'asc' ? 'desc' : 'asc';
    this.sortColumn = column;
    this.order = sortedOrder(this.table, column, this.direction);
    this.page = 0;
    this.update();
  }

  private goTo(page: number): void {
    this.page = Math.min(Math.max(page, 0), this.pages - 1);
    this.update();
  }
}

/** "3 rows × 2 columns", or for a partial result "first 1,000 of 100,000 rows" / "first 1,000 rows; more were not fetched". */
function summaryText(table: LivyTable): string {
  const n = table.data.length;
  const cols = table.headers.length === 1 ? l10n.t('1 column') : l10n.t('{0} columns', table.headers.length);
  const count = n.toLocaleString('en-US');
  if (!table.truncated) return n === 1 ? l10n.t('1 row × {0}', cols) : l10n.t('{0} rows × {1}', count, cols);
  return table.truncated.total !== undefined
    ? l10n.t('first {0} of {1} rows × {2}', count, table.truncated.total.toLocaleString('en-US'), cols)
    : l10n.t('first {0} rows × {1}; more were not fetched', count, cols);
}

/** Enter and Space activate the control; the keys are consumed so the notebook never sees them. */
function onActivateKey(target: HTMLElement, action: () => void): void {
  target.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter' && e.key !== ' ') return;
    e.preventDefault();
    e.stopPropagation();
    if (!e.repeat) action();
  });
  target.addEventListener('keyup', (e) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      e.stopPropagation();
    }
  });
  target.addEventListener('keypress', (e) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      e.stopPropagation();
    }
  });
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function button(label: string, onClick: () => void, disabled = false): HTMLButtonElement {
  const b = el('button', 'livy-table-button', label);
  b.type = 'button';
  b.disabled = disabled;
  b.addEventListener('click', onClick);
  // Handled here (preventDefault stops the native click) so the key is consumed and does not reach the notebook.
  onActivateKey(b, () => {
    if (!b.disabled) onClick();
  });
  return b;
}
