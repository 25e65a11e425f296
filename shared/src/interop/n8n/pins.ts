import { checkPin, PIN_MAX_TOTAL, pinBytes, type PinItem } from '../../schema/pins.ts';

/**
 * n8n's `pinData` ↔ Weft's pins (docs/plans/n8n-daily.md §2.1). n8n keys it
 * by node name and wraps each item as `{ json }` (older files have bare
 * objects); Weft keys pins by node id and keeps the json only.
 */

type Warn = (path: (string | number)[], message: string) => void;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** An n8n item's json: `{ json: {...} }`, or the object itself in files from before n8n wrapped them. */
const jsonOf = (item: unknown): PinItem | undefined => {
  if (!isObject(item)) return undefined;
  if (Object.hasOwn(item, 'json')) return isObject(item.json) ? item.json : undefined;
  return item;
};

/**
 * The pins of an n8n workflow by Weft node id. A pin that names no node, has
 * an item that is not an object, or breaks a limit is left out with a warning;
 * an empty one pins nothing (n8n's editor never writes one).
 */
export const pinsFromN8n = (
  pinData: Readonly<Record<string, unknown>> | null | undefined,
  idOf: (name: string) => string | undefined,
  warn: Warn,
): Record<string, PinItem[]> | undefined => {
  const pins: Record<string, PinItem[]> = {};
  let total = 0;
  for (const [name, raw] of Object.entries(pinData ?? {})) {
    const at = ['pinData', name];
    const shown = `"${name.slice(0, 128)}"`;
    if (Array.isArray(raw) && raw.length === 0) continue;
    const id = idOf(name);
    if (id === undefined) {
      warn(at, `Pinned data of ${shown} is not imported: the workflow has no node of that name`);
      continue;
    }
    const items = Array.isArray(raw) ? raw.map(jsonOf) : undefined;
    if (!items?.every((item) => item !== undefined)) {
      warn(at, `Pinned data of ${shown} is not imported: every pinned item must be an object`);
      continue;
    }
    const problem = checkPin({ items, by: '', at: 0, source: 'import' });
    const bytes = problem ? 0 : pinBytes({ items });
    if (problem || total + bytes > PIN_MAX_TOTAL) {
      warn(
        at,
        `Pinned data of ${shown} is not imported: ${problem ?? `the workflow's pinned data would be over Weft's ${PIN_MAX_TOTAL / 1048576} MB`}`,
      );
      continue;
    }
    total += bytes;
    pins[id] = items;
    // Weft's pins hold JSON only (as n8n's editor pins): files in a pinned item are said, not kept silently.
    if ((raw as unknown[]).some((item) => isObject(item) && Object.hasOwn(item, 'json') && item.binary !== undefined))
      warn(at, `Pinned data of ${shown}: its items' files (binary) are not imported; pins hold JSON only`);
  }
  return Object.keys(pins).length > 0 ? pins : undefined;
};

/** Weft's pins as n8n's `pinData`: by node name, each item wrapped as `{ json }` (what n8n's export writes). */
export const pinsToN8n = (
  nodes: readonly { id: string; name: string }[],
  pins: Readonly<Record<string, readonly PinItem[]>>,
): Record<string, { json: PinItem }[]> => {
  const pinData: Record<string, { json: PinItem }[]> = {};
  for (const node of nodes) {
    const items = pins[node.id];
    if (items) pinData[node.name] = items.map((json) => ({ json }));
  }
  return pinData;
};
