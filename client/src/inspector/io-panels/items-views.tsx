import { useState } from 'react';
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

export const ItemsPanel = ({
  title,
  items,
  dragFrom,
  source,
}: {
  title: string;
  items: Items;
  dragFrom?: Omit<DraggedField, 'path'> | undefined;
  /** Where the items are stored, for downloading their files. */
  source?: ItemsSource | undefined;
}) => {
  const [view, setView] = useState<ItemsView>(readView);
  const [page, setPage] = useState(0);
  const pages = Math.max(1, Math.ceil(items.length / PAGE));
  const current = Math.min(page, pages - 1);
  const shown = items.slice(current * PAGE, current * PAGE + PAGE);
  const choose = (v: ItemsView) => {
    setView(v);
    localStorage.setItem(VIEW_KEY, v);
  };
  return (
    <section className="items-panel" aria-label={title}>
      <header className="items-panel-head">
        <strong>
          {title}: {items.length} item{items.length === 1 ? '' : 's'}
        </strong>
        <span className="segmented" role="group" aria-label={`${title} view`}>
          {VIEWS.map(([v, label]) => (
            <button key={v} type="button" aria-pressed={view === v} onClick={() => choose(v)}>
              {label}
            </button>
          ))}
        </span>
      </header>
      {items.length === 0 ? (
        <p className="muted">No items.</p>
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
      <FileChips items={shown} first={current * PAGE} source={source} />
      {pages > 1 && (
        <nav className="items-pager" aria-label={`${title} pages`}>
          <button type="button" disabled={current === 0} onClick={() => setPage(current - 1)}>
            Previous
          </button>
          <span>
            {current * PAGE + 1}–{Math.min(items.length, current * PAGE + PAGE)} of {items.length}
          </span>
          <button type="button" disabled={current >= pages - 1} onClick={() => setPage(current + 1)}>
            Next
          </button>
        </nav>
      )}
    </section>
  );
};
