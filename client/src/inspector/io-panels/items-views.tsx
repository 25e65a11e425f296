import { useEffect, useState } from 'react';
import type { FieldPath } from '#shared/expressions/path-expr.ts';
import { inferSchema, type SchemaField } from '#shared/runs/infer-schema.ts';
import { startFieldDrag, type DraggedField } from '../../expressions/field-drag.ts';
import { chipsOf, downloadUrl, type ItemsSource } from './file-chips-text.ts';

/**
 * A page of a run's items as a table, JSON or the schema of their fields.
 * With `dragFrom` set (the input side), every field can be dragged onto a
 * parameter, which writes the expression that reads it.
 */

export type ItemsView = 'table' | 'json' | 'schema';
type Items = { json: unknown; binary?: unknown }[];

/** One value in a cell: scalars as they are, objects and arrays folded to one line. */
const cellText = (value: unknown): string => {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
};

const Draggable = ({
  dragFrom,
  path,
  className,
  children,
}: {
  dragFrom: Omit<DraggedField, 'path'> | undefined;
  path: FieldPath;
  className?: string;
  children: React.ReactNode;
}) =>
  dragFrom ? (
    <span
      className={`${className ?? ''} field-draggable`}
      draggable
      data-field-path={path.join('.')}
      title="Drag onto a parameter to use this field"
      onDragStart={(e) => startFieldDrag(e, { ...dragFrom, path })}
    >
      {children}
    </span>
  ) : (
    <span className={className}>{children}</span>
  );

const TableView = ({ items, dragFrom }: { items: Items; dragFrom: Omit<DraggedField, 'path'> | undefined }) => {
  const rows = items.map((i) =>
    typeof i.json === 'object' && i.json !== null ? (i.json as Record<string, unknown>) : {},
  );
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))].slice(0, 50);
  if (columns.length === 0) return <p className="muted">Items without fields.</p>;
  return (
    <div className="items-table-wrap">
      <table className="items-table">
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c} scope="col">
                <Draggable dragFrom={dragFrom} path={[c]}>
                  {c}
                </Draggable>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={i}>
              {columns.map((c) => (
                <td key={c}>{cellText(row[c])}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
};

const SchemaRows = ({
  fields,
  dragFrom,
}: {
  fields: SchemaField[];
  dragFrom: Omit<DraggedField, 'path'> | undefined;
}) => (
  <ul className="schema-list">
    {fields.map((f) => (
      <li key={f.label}>
        <Draggable dragFrom={dragFrom} path={f.path} className="schema-field">
          <span className="schema-name">{f.label}</span>
          <span className="schema-type">{f.type}</span>
          {f.example !== undefined && <span className="schema-example">{f.example}</span>}
        </Draggable>
        {f.children.length > 0 && <SchemaRows fields={f.children} dragFrom={dragFrom} />}
      </li>
    ))}
  </ul>
);

/**
 * The files the page's items carry (§8.2): name, type and size, with a download when the items are a stored run's
 * (`source`); a pin or preview has nothing to download from.
 */
const FileChips = ({ items, first, source }: { items: Items; first: number; source: ItemsSource | undefined }) => {
  const chips = items.flatMap((i, k) => chipsOf(i.binary, first + k));
  if (chips.length === 0) return null;
  return (
    <ul className="file-chips" aria-label="Files">
      {chips.map((c) => (
        <li key={`${c.item}:${c.key}`} className="file-chip" data-key={c.key}>
          <span className="file-chip-item">item {c.item}</span>
          <span className="file-chip-name" title={`binary.${c.key}`}>
            {c.name}
          </span>
          <span className="file-chip-meta">
            {c.mimeType} · {c.size}
          </span>
          {source && (
            <a className="file-chip-download" href={downloadUrl(source, c)} download={c.name}>
              Download
            </a>
          )}
        </li>
      ))}
    </ul>
  );
};

const VIEWS: [ItemsView, string][] = [
  ['table', 'Table'],
  ['json', 'JSON'],
  ['schema', 'Schema'],
];

/** The view is each person's own choice, kept across workflows on this device. */
const VIEW_KEY = 'weft:io-view';
const readView = (): ItemsView => {
  const v = localStorage.getItem(VIEW_KEY);
  return v === 'json' || v === 'schema' ? v : 'table';
};

/** Items shown a page at a time: a run of thousands of items stays responsive. */
export const PAGE = 50;

/** Items beyond the ones given: how many there are in all, and how to read a page of them. */
export interface MoreItems {
  total: number;
  load: (offset: number, limit: number) => Promise<Items>;
}

/**
 * The items of the current page: from `items` while they cover it, else read
 * through `more` (the page a person is on is read once; a failed read says so).
 */
const usePageItems = (items: Items, more: MoreItems | undefined, current: number) => {
  const start = current * PAGE;
  const local = !more || start + PAGE <= items.length || items.length >= more.total;
  // Which list and page an answer is for: a panel reused for another node never shows the last one's page.
  const [fetched, setFetched] = useState<{ more: MoreItems; start: number; items?: Items; error?: string }>();
  useEffect(() => {
    if (local) return;
    let live = true;
    more.load(start, PAGE).then(
      (page) => live && setFetched({ more, start, items: page }),
      (error: unknown) =>
        live && setFetched({ more, start, error: error instanceof Error ? error.message : String(error) }),
    );
    return () => {
      live = false;
    };
  }, [local, more, start]);
  if (local) return { shown: items.slice(start, start + PAGE) };
  // A page not read yet shows as loading.
  if (fetched?.more !== more || fetched.start !== start) return { shown: undefined };
  return fetched.error !== undefined ? { shown: undefined, error: fetched.error } : { shown: fetched.items ?? [] };
};

export const ItemsPanel = ({
  title,
  items,
  dragFrom,
  more,
  source,
}: {
  title: string;
  /** The items, or the first of them when `more` says there are others. */
  items: Items;
  dragFrom?: Omit<DraggedField, 'path'> | undefined;
  more?: MoreItems | undefined;
  /** Where the items are stored, for downloading their files. */
  source?: ItemsSource | undefined;
}) => {
  const [view, setView] = useState<ItemsView>(readView);
  const [page, setPage] = useState(0);
  const total = Math.max(items.length, more?.total ?? 0);
  const pages = Math.max(1, Math.ceil(total / PAGE));
  const current = Math.min(page, pages - 1);
  const { shown, error } = usePageItems(items, more, current);
  const choose = (v: ItemsView) => {
    setView(v);
    localStorage.setItem(VIEW_KEY, v);
  };
  return (
    <section className="items-panel" aria-label={title}>
      <header className="items-panel-head">
        <strong>
          {title}: {total} item{total === 1 ? '' : 's'}
        </strong>
        <span className="segmented" role="group" aria-label={`${title} view`}>
          {VIEWS.map(([v, label]) => (
            <button key={v} type="button" aria-pressed={view === v} onClick={() => choose(v)}>
              {label}
            </button>
          ))}
        </span>
      </header>
      {total === 0 ? (
        <p className="muted">No items.</p>
      ) : error !== undefined ? (
        <p className="field-error" role="alert">
          These items could not be read: {error}
        </p>
      ) : shown === undefined ? (
        <p className="muted">Loading items…</p>
      ) : view === 'table' ? (
        <TableView items={shown} dragFrom={dragFrom} />
      ) : view === 'json' ? (
        <pre className="items-json">
          {JSON.stringify(
            shown.map((i) => i.json),
            null,
            2,
          )}
        </pre>
      ) : (
        <SchemaRows fields={inferSchema(shown)} dragFrom={dragFrom} />
      )}
      {shown && <FileChips items={shown} first={current * PAGE} source={source} />}
      {pages > 1 && (
        <nav className="items-pager" aria-label={`${title} pages`}>
          <button type="button" disabled={current === 0} onClick={() => setPage(current - 1)}>
            Previous
          </button>
          <span>
            {current * PAGE + 1}–{Math.min(total, current * PAGE + PAGE)} of {total}
          </span>
          <button type="button" disabled={current >= pages - 1} onClick={() => setPage(current + 1)}>
            Next
          </button>
        </nav>
      )}
    </section>
  );
};
