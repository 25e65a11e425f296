import { MAIN } from '#shared/nodes/types.ts';
import { isJsonObject, type JsonObject } from '../runner/items.ts';
import { NodeError, type NodeExecutor } from '../runner/types.ts';
import { deepClone, setPath } from './paths.ts';
import { str } from './values.ts';

/** Edit Fields (Set): assignments typed as declared, or a JSON object merged in. */
const convert = (value: unknown, type: string, name: string): unknown => {
  switch (type) {
    case 'string':
      return str(value);
    case 'number': {
      const n = typeof value === 'number' ? value : Number(String(value).trim());
      if (String(value).trim() === '' || Number.isNaN(n))
        throw new NodeError(`field "${name}": ${JSON.stringify(value)} is not a number`);
      return n;
    }
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      throw new NodeError(`field "${name}": ${JSON.stringify(value)} is not true or false`);
    case 'array':
    case 'object': {
      let parsed = value;
      if (typeof value === 'string') {
        try {
          parsed = JSON.parse(value);
        } catch {
          throw new NodeError(`field "${name}": ${JSON.stringify(value)} is not JSON`);
        }
      }
      if (type === 'array' ? !Array.isArray(parsed) : !isJsonObject(parsed)) {
        throw new NodeError(
          `field "${name}": ${JSON.stringify(value)} is not ${type === 'array' ? 'a list' : 'an object'}`,
        );
      }
      return parsed;
    }
    default:
      throw new NodeError(`field "${name}": unknown type "${type}"`);
  }
};

export const set: NodeExecutor = (ctx) => {
  const params = ctx.params();
  return {
    [MAIN]: ctx.items.map((item, i) => {
      const p = params[i] ?? {};
      const json: JsonObject = p.includeOtherFields === true ? deepClone(item.json) : {};
      if (p.mode === 'raw') {
        let raw = p.jsonOutput;
        if (typeof raw === 'string') {
          try {
            raw = JSON.parse(raw);
          } catch (e) {
            throw new NodeError(`item ${i + 1}: the JSON is not valid (${e instanceof Error ? e.message : String(e)})`);
          }
        }
        if (!isJsonObject(raw)) throw new NodeError(`item ${i + 1}: the JSON must be an object`);
        return { json: { ...json, ...raw } };
      }
      const assignments = Array.isArray(p.assignments)
        ? (p.assignments as { name?: unknown; value?: unknown; type?: unknown }[])
        : [];
      for (const a of assignments) {
        const name = str(a.name, '').trim();
        if (!name) throw new NodeError('a field to set has no name');
        setPath(json, name, convert(a.value, str(a.type, 'string'), name));
      }
      return { json };
    }),
  };
};
