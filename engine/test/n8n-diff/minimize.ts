import type { Json, JsonItem } from './items.ts';
import type { NodeCase, Params } from './node-case.ts';

/**
 * Greedy shrinking: try smaller variants of a case (fewer items, fewer
 * parameters, fewer keys, simpler values) and keep each one that still
 * diverges the same way, until none does or the tries run out.
 */

const simpler = (value: Json): Json[] => {
  if (Array.isArray(value)) return value.length > 0 ? [[], ...value.slice(0, 1)] : [];
  if (typeof value === 'object' && value !== null) return Object.keys(value).length > 0 ? [{}] : [];
  return [];
};

function* itemVariants(items: JsonItem[]): Generator<JsonItem[]> {
  if (items.length > 1) {
    const half = Math.ceil(items.length / 2);
    yield items.slice(0, half);
    yield items.slice(half);
    for (let i = 0; i < items.length; i++) yield items.filter((_, j) => j !== i);
  }
  for (let i = 0; i < items.length; i++) {
    const item = items[i] ?? {};
    for (const key of Object.keys(item)) {
      const { [key]: _, ...rest } = item;
      yield items.map((it, j) => (j === i ? rest : it));
      for (const s of simpler(item[key] ?? null)) yield items.map((it, j) => (j === i ? { ...item, [key]: s } : it));
    }
  }
}

export const minimize = async (
  start: NodeCase,
  stillDiverges: (c: NodeCase) => Promise<boolean>,
  shrinkParams: (p: Params) => Params[],
  maxTries = 200,
): Promise<{ minimized: NodeCase; tries: number }> => {
  let current = start;
  let tries = 0;
  let progressed = true;
  while (progressed && tries < maxTries) {
    progressed = false;
    const candidates = function* (): Generator<NodeCase> {
      for (const parameters of shrinkParams(current.parameters)) yield { ...current, parameters };
      for (const items of itemVariants(current.items)) yield { ...current, items };
    };
    for (const candidate of candidates()) {
      if (tries >= maxTries) break;
      tries++;
      if (await stillDiverges(candidate)) {
        current = candidate;
        progressed = true;
        break;
      }
    }
  }
  return { minimized: current, tries };
};
