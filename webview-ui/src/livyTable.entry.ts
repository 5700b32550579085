/**
 * Notebook renderer for Livy tables (application/vnd.livy.table.v1+json): typed column headers,
 * click or Enter on a header to sort, pages of rows, and Copy as CSV. Theme colours come from
 * VS Code's CSS variables, so it follows light, dark and high-contrast themes.
 */
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
      p.textContent = `This table output cannot be shown: ${parsed.error}.`;
      element.appendChild(p);
      return;
    }
    element.appendChild(new TableView(parsed.table).root);
  },
});

class TableView {
  readonly root = document.createElement('div');
  private sortColumn: number | undefined;
  private direction: SortDirection = 'asc';
  private page = 0;
  private order: number[];

  constructor(private readonly table: LivyTable) {
    this.root.className = 'livy-table';
    this.order = sortedOrder(table, undefined, 'asc');
    this.render();
  }

  private render(): void {
    const { table } = this;
    const pages = pageCount(table.data.length, PAGE_SIZE);
    const toolbar = el('div', 'livy-table-toolbar');
    const summary = el('span', 'livy-table-summary', `${table.data.length} row${table.data.length === 1 ? '' : 's'} × ${table.headers.length} column${table.headers.length === 1 ? '' : 's'}`);
    const copy = button('Copy as CSV', () => {
      void navigator.clipboard.writeText(toCsv(table, this.order)).then(() => { copy.textContent = 'Copied'; });
    });
    toolbar.append(summary, copy);
    if (pages > 1) {
      toolbar.append(
        button('‹ Previous', () => this.goTo(this.page - 1), this.page === 0),
        el('span', 'livy-table-page', `Page ${this.page + 1} of ${pages}`),
        button('Next ›', () => this.goTo(this.page + 1), this.page >= pages - 1),
      );
    }

    const grid = el('table');
    const headRow = el('tr');
    table.headers.forEach((h, i) => {
      const th = el('th');
      th.tabIndex = 0;
      th.setAttribute('role', 'columnheader');
      th.setAttribute('aria-sort', this.sortColumn !== i ? 'none' : this.direction === 'asc' ? 'ascending' : 'descending');
      th.title = `${h.name} (${h.type}): click to sort`;
      const arrow = this.sortColumn === i ? (this.direction === 'asc' ? ' ▲' : ' ▼') : '';
      th.append(el('span', 'livy-col-name', h.name + arrow), el('span', 'livy-col-type', h.type.replace(/_TYPE$/, '').toLowerCase()));
      th.addEventListener('click', () => this.sortBy(i));
      th.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); this.sortBy(i); } });
      headRow.appendChild(th);
    });
    const thead = el('thead');
    thead.appendChild(headRow);
    const tbody = el('tbody');
    for (const rowIndex of pageSlice(this.order, this.page, PAGE_SIZE)) {
      const tr = el('tr');
      table.data[rowIndex].forEach((cell, c) => {
        const td = el('td', cell === null || cell === undefined ? 'null' : isNumericType(table.headers[c]?.type ?? '') ? 'num' : undefined, formatCell(cell));
        tr.appendChild(td);
      });
      tbody.appendChild(tr);
    }
    grid.append(thead, tbody);
    const scroller = el('div', 'livy-table-scroll');
    scroller.appendChild(grid);
    this.root.replaceChildren(toolbar, scroller);
  }

  private sortBy(column: number): void {
    this.direction = this.sortColumn === column && this.direction === 'asc' ? 'desc' : 'asc';
    this.sortColumn = column;
    this.order = sortedOrder(this.table, column, this.direction);
    this.page = 0;
    this.render();
    (this.root.querySelectorAll('th')[column] as HTMLElement | undefined)?.focus();
  }

  private goTo(page: number): void {
    this.page = Math.min(Math.max(page, 0), pageCount(this.table.data.length, PAGE_SIZE) - 1);
    this.render();
  }
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
  return b;
}
