import { LRUCache } from 'lru-cache';
import { nestsDeeperThan } from '../json-depth.ts';

/**
 * Node-run items parsed once for paging: someone paging through a run of
 * 100,000 items asks for the same stored text again and again, and parsing it
 * per page would cost more than the page. Bounded by count and by the size of
 * the text each entry came from (a rough stand-in for its parsed size).
 */

type Handles = Record<string, unknown[]>;

/** Text that is not JSON, nests past what an answer can encode, or is not handles of lists reads as none. */
const MAX_DEPTH = 1000;
export const parseHandles = (text: string): Handles => {
  if (nestsDeeperThan(text, MAX_DEPTH)) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return {};
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  // No prototype: a handle named like an Object method is just a name.
  const out = Object.create(null) as Handles;
  for (const [handle, list] of Object.entries(value)) if (Array.isArray(list)) out[handle] = list;
  return out;
};

export class ParsedRuns {
  private readonly cache: LRUCache<string, Handles>;

  constructor(options: { maxEntries?: number; maxTextBytes?: number } = {}) {
    this.cache = new LRUCache<string, Handles>({
      max: options.maxEntries ?? 8,
      maxSize: options.maxTextBytes ?? 64 * 1024 * 1024,
      sizeCalculation: (_value, key) => Math.max(1, Number(key.slice(0, key.indexOf(':')))),
    });
  }

  /** The handles of `text`, parsed at most once while it stays cached; `key` names the run and side. */
  get(key: string, text: string): Handles {
    // The text's length leads the cache key: it is the entry's size, and a changed text is a new entry.
    const full = `${text.length}:${key}`;
    let found = this.cache.get(full);
    if (!found) {
      found = parseHandles(text);
      // Larger than the whole cache: parse for this answer only.
      if (text.length <= this.cache.maxSize) this.cache.set(full, found);
    }
    return found;
  }
}
