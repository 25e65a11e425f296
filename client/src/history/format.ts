import type { VersionDto } from '#shared/api/versions.ts';
import { defaultParameters, getNodeDefinition } from '#shared/nodes/index.ts';
import type { ValueChange } from '#shared/schema/diff/describe.ts';

/** How the history panel words versions and changes; pure, so it is tested without a browser. */

export interface DayGroup {
  /** "Today", "Yesterday", or the date. */
  label: string;
  versions: VersionDto[];
}

const startOfDay = (d: Date): number => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();

const dayLabel = (at: Date, now: Date): string => {
  const days = Math.round((startOfDay(now) - startOfDay(at)) / 86_400_000);
  if (days === 0) return 'Today';
  if (days === 1) return 'Yesterday';
  return at.toLocaleDateString('en', {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    ...(at.getFullYear() === now.getFullYear() ? {} : { year: 'numeric' }),
  });
};

/** Versions (newest first, as the server lists them) in runs of the same local day, the order kept. */
export const groupByDay = (versions: readonly VersionDto[], now: Date): DayGroup[] => {
  const groups: DayGroup[] = [];
  for (const v of versions) {
    const label = dayLabel(new Date(v.createdAt), now);
    const last = groups.at(-1);
    if (last?.label === label) last.versions.push(v);
    else groups.push({ label, versions: [v] });
  }
  return groups;
};

export const timeOf = (at: number): string =>
  new Date(at).toLocaleTimeString('en', { hour: '2-digit', minute: '2-digit', hour12: false });

/** An entry's title: its name, else what made it. */
export const versionTitle = (v: Pick<VersionDto, 'kind' | 'name'>): string => {
  if (v.name) return v.name;
  switch (v.kind) {
    case 'auto':
      return 'Edits';
    case 'named':
      return 'Named version';
    case 'publish':
      return 'Published';
    case 'restore':
      return 'Restored an earlier version';
  }
};

export const authorNames = (authors: VersionDto['authors']): string =>
  authors.map((a) => a.name ?? 'a deleted account').join(', ');

const humanize = (key: string): string => {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/** A changed field's label: a parameter's as the inspector shows it, else its key in words. */
export const fieldLabel = (path: string, nodeType?: string): string => {
  const dot = path.indexOf('.');
  const head = dot < 0 ? path : path.slice(0, dot);
  const key = dot < 0 ? '' : path.slice(dot + 1);
  switch (head) {
    case 'parameters': {
      const spec = nodeType ? getNodeDefinition(nodeType)?.params.find((p) => p.name === key) : undefined;
      return spec?.label ?? humanize(key);
    }
    case 'settings':
      return `${humanize(key)} (setting)`;
    case 'credentials':
      return `Credential ${key}`;
    case 'name':
      return nodeType ? 'Name' : 'Workflow name';
    default:
      return humanize(path);
  }
};

/** One value on one line, its middle cut out when long: people compare the ends of URLs and ids. */
export const shortValue = (value: unknown, max = 48): string => {
  if (value === undefined || value === null) return '(none)';
  const text = (typeof value === 'string' ? value : JSON.stringify(value)).replace(/\s+/g, ' ').trim();
  if (text === '') return '(empty)';
  if (text.length <= max) return text;
  const head = Math.ceil((max - 1) * 0.6);
  return `${text.slice(0, head)}…${text.slice(text.length - (max - 1 - head))}`;
};

export interface DiffLine {
  op: '-' | '+' | ' ';
  text: string;
}

/**
 * A compact line diff of two texts: the lines between their common head and
 * tail, with one line of context each side. Null when neither spans lines
 * (a one-line value reads better as "before → after").
 */
export const lineDiff = (before: unknown, after: unknown): DiffLine[] | null => {
  const a = typeof before === 'string' ? before : '';
  const b = typeof after === 'string' ? after : '';
  if (!a.includes('\n') && !b.includes('\n')) return null;
  const x = a === '' ? [] : a.split('\n');
  const y = b === '' ? [] : b.split('\n');
  let start = 0;
  while (start < x.length && start < y.length && x[start] === y[start]) start++;
  let end = 0;
  while (end < x.length - start && end < y.length - start && x[x.length - 1 - end] === y[y.length - 1 - end]) end++;
  const context = (line: string | undefined): DiffLine[] => (line === undefined ? [] : [{ op: ' ', text: line }]);
  return [
    ...context(start > 0 ? x[start - 1] : undefined),
    ...x.slice(start, x.length - end).map((text): DiffLine => ({ op: '-', text })),
    ...y.slice(start, y.length - end).map((text): DiffLine => ({ op: '+', text })),
    ...context(end > 0 ? x[x.length - end] : undefined),
  ];
};

/** A field change as the list pane shows it. */
export const describeChange = (
  change: ValueChange,
  nodeType?: string,
): { label: string; before: string; after: string; lines: DiffLine[] | null } => ({
  label: fieldLabel(change.path, nodeType),
  before: shortValue(change.before),
  after: shortValue(change.after),
  lines: lineDiff(change.before, change.after),
});

/** A node's parameters that differ from its type's defaults: what someone set, as a version view lists them. */
export const setParameters = (type: string, parameters: Record<string, unknown>): [string, unknown][] => {
  const defaults = defaultParameters(type);
  return Object.entries(parameters).filter(
    ([key, value]) => value !== undefined && JSON.stringify(value) !== JSON.stringify(defaults[key]),
  );
};
