import { PIN_MAX_BYTES } from '#shared/schema/index.ts';
import { loadItemsPage, type ItemsSource } from './execution-detail.ts';
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
  source: ItemsSource | undefined,
): Promise<{ items: unknown[] } | { error: string }> => {
  const items = loaded.map((i) => i.json);
  if (!source || items.length >= source.total) return { items };
  let bytes = utf8.encode(JSON.stringify(items)).length;
  while (items.length < source.total) {
    if (bytes > PIN_MAX_BYTES) {
      const estimate = (bytes / items.length) * source.total;
      return {
        error: `Pinned data is limited to ${sizeText(PIN_MAX_BYTES)} per node; this output (${source.total} items) is about ${sizeText(estimate)}`,
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
