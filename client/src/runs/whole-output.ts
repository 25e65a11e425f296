import { PIN_MAX_BYTES } from '#shared/schema/index.ts';
import type { ItemsSource } from '../inspector/io-panels/file-chips-text.ts';
import { loadItemsPage } from './execution-detail.ts';
import { sizeText } from './pins.ts';

/** Pages of the items route (its largest) read to gather an output for a pin. */
const PAGE = 200;
const utf8 = new TextEncoder();

/**
 * Every item of a node run's output, for pinning it: the execution detail
 * holds only its first page, so the rest is read through the items route,
 * a page at a time, and given up as soon as it is past what a pin may hold
 * (a run of a million items is not downloaded to be refused).
 */
export const readWholeOutput = async (
  loaded: readonly { json: unknown }[],
  stored: { source: ItemsSource; total: number } | undefined,
): Promise<{ items: unknown[] } | { error: string }> => {
  const items = loaded.map((i) => i.json);
  if (!stored || items.length >= stored.total) return { items };
  const { source, total } = stored;
  let bytes = utf8.encode(JSON.stringify(items)).length;
  while (items.length < total) {
    if (bytes > PIN_MAX_BYTES) {
      const estimate = (bytes / items.length) * total;
      return {
        error: `Pinned data is limited to ${sizeText(PIN_MAX_BYTES)} per node; this output (${total} items) is about ${sizeText(estimate)}`,
      };
    }
    const page = (await loadItemsPage(source, items.length, PAGE)).map((i) => i.json);
    // The run was read back with fewer items than its count said (deleted meanwhile): pin what there is.
    if (page.length === 0) break;
    items.push(...page);
    bytes += utf8.encode(JSON.stringify(page)).length;
  }
  return { items };
};
