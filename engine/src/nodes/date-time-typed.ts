import { DateTime } from 'luxon';
import { defaultParameters } from '#shared/nodes/catalog.ts';
import type { DefinitionNode } from '#shared/schema/definition.ts';
import { isExpression, parseTemplate } from '#shared/expressions/template.ts';
import type { JsonObject } from '#shared/runs/items.ts';
import type { NodeContext } from '../runner/types.ts';

/**
 * The Date & Time node's date parameters as n8n's node receives them: an
 * expression that gives a Luxon DateTime hands n8n the DateTime itself (its
 * zone kept, any "from format" ignored), and one that gives nothing hands it
 * `undefined` (read as "now" by moment), where JSON would have ISO text and
 * null. Each whole-expression date parameter is wrapped so the sandbox tags
 * those two cases; the node decodes the tags.
 */

const DATE_PARAMS = ['magnitude', 'date', 'startDate', 'endDate', 'value'];
const TAG = '@weft:dateTimeValue';

// Duck-typed rather than `instanceof DateTime`: naming Luxon would make the sandbox load it for every call.
const wrap = (code: string): string =>
  `((v) => v === undefined ? { "${TAG}": "undefined" } : v !== null && typeof v === "object" && typeof v.toISO === "function" && typeof v.setZone === "function" ? { "${TAG}": "luxon", iso: v.isValid ? v.toISO() : null, zone: v.zoneName, invalid: v.invalidReason } : v)((\n${code}\n))`;

const typedOf = (value: unknown): unknown => {
  if (!isExpression(value)) return value;
  let segments;
  try {
    segments = parseTemplate(value.slice(1));
  } catch {
    return value; // the resolver reports the broken template
  }
  const only = segments[0];
  if (segments.length !== 1 || !only || !('code' in only)) return value;
  return `={{ ${wrap(only.code)} }}`;
};

const typedParams = new WeakMap<DefinitionNode, JsonObject>();
const typedParamsOf = (node: DefinitionNode): JsonObject => {
  let params = typedParams.get(node);
  if (!params) {
    params = { ...defaultParameters(node.type), ...node.parameters };
    for (const name of DATE_PARAMS) if (name in params) params[name] = typedOf(params[name]);
    typedParams.set(node, params);
  }
  return params;
};

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const decode = (value: unknown): unknown => {
  if (!isRecord(value) || !(TAG in value)) return value;
  if (value[TAG] === 'undefined') return undefined;
  if (typeof value.iso !== 'string')
    return DateTime.invalid(typeof value.invalid === 'string' ? value.invalid : 'invalid');
  const parsed = DateTime.fromISO(value.iso, { setZone: true });
  return typeof value.zone === 'string' ? parsed.setZone(value.zone) : parsed;
};

/** The node's parameters per item, date parameters as n8n has them (DateTime, undefined, or the JSON value). */
export const dateTimeParams = (ctx: NodeContext): JsonObject[] => {
  if (!ctx.paramsOf) return ctx.params();
  return ctx.paramsOf(typedParamsOf(ctx.node)).map((p) => {
    const out: JsonObject = { ...p };
    for (const name of DATE_PARAMS) if (name in out) out[name] = decode(out[name]);
    return out;
  });
};
